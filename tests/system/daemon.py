# SPDX-License-Identifier: ISC
"""Helpers for system tests: run tempusd on a private control socket and config, read /proc."""
import json
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

CAP_SYS_TIME = 25


def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.strip()
    return fields


def proc_root(pid):
    return os.readlink(f"/proc/{pid}/root")


def remove_chroot_copy(path):
    """A command socket's real directory for PATH, inside the net process's chroot (the tempus
    user's home), and the directories above it that tempusd made, when they are empty."""
    try:
        home = tempus_user().pw_dir.rstrip("/")
    except KeyError:
        return
    if not home or not os.path.isdir(home + path):
        return
    shutil.rmtree(home + path, ignore_errors=True)
    parent = os.path.dirname(home + path)
    while parent.startswith(home + "/"):
        try:
            os.rmdir(parent)
        except OSError:
            break
        parent = os.path.dirname(parent)


class Daemon:
    """One tempusd run. Every wait is bounded; stop() kills whatever is left by PID."""

    def __init__(self, tempusd, tempusctl, config_lines, args=("-x",), env=None, strace=False,
                 prefix=(), owner=None):
        self.tempusd = tempusd
        self.tempusctl = tempusctl
        self.dir = tempfile.mkdtemp(prefix="tempus-systest-")
        self.keep = bool(os.environ.get("TEMPUS_KEEP_TEST_DIRS"))
        self.cached = None  # (log, strace) once the directory is gone
        os.chmod(self.dir, 0o755)
        if owner is not None:  # a parent started as another user makes its run/ directory here
            os.chown(self.dir, owner, -1)
        self.sock = os.path.join(self.dir, "run", "tempusd.sock")
        self.conf = os.path.join(self.dir, "tempus.conf")
        # chronyc's default socket directory belongs to the host, not to a test: each daemon
        # gets a command socket of its own in its directory (tempusctl's status and reports ask
        # it) unless the test names one, in the file or in directives given as arguments (they
        # replace the file).
        named = [l.split()[1] for l in [*config_lines, *args]
                 if l.split()[:1] == ["bindcmdaddress"] and len(l.split()) > 1]
        self.cmd_sock = named[-1] if named else os.path.join(self.dir, "cmd", "chronyd.sock")
        if not named:
            if any(" " in a for a in args):
                args = (*args, f"bindcmdaddress {self.cmd_sock}")
            else:
                config_lines = [*config_lines, f"bindcmdaddress {self.cmd_sock}"]
        # chronyd's UDP port 323 is the host's too: off unless the test sets cmdport.
        if not any(l.split()[:1] == ["cmdport"] for l in [*config_lines, *args]):
            if any(" " in a for a in args):
                args = (*args, "cmdport 0")
            else:
                config_lines = [*config_lines, "cmdport 0"]
        with open(self.conf, "w") as f:
            f.write("\n".join(config_lines) + "\n")
        self.log_path = os.path.join(self.dir, "stderr.log")
        self.strace_path = os.path.join(self.dir, "strace.log")
        cmd = [tempusd, "-d", *args, "-f", self.conf, f"--control-socket={self.sock}"]
        if strace:
            cmd = ["strace", "-f", "-qq", "-o", self.strace_path,
                   "-e", "trace=adjtimex,clock_adjtime,clock_settime,settimeofday,stime", *cmd]
        cmd = [*prefix, *cmd]  # e.g. ip netns exec NS
        full_env = dict(os.environ)
        full_env.update(env or {})
        # An ASan build's leak check at exit stops the world from a clone()d tracer; every
        # sandbox forbids that. The daemon runs without it (the unit suite checks for leaks).
        asan = full_env.get("ASAN_OPTIONS", "")
        full_env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "detect_leaks=0"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log, env=full_env)
        self.pid = self.proc.pid  # strace's pid when traced; see daemon_pid
        self.daemon_pid = None if strace else self.pid

    def ctl(self, *args, timeout=10):
        return subprocess.run([self.tempusctl, "-s", self.sock, "-h", self.cmd_sock, *args],
                              capture_output=True, text=True, timeout=timeout)

    def state(self):
        r = self.ctl("state", "-j")
        return json.loads(r.stdout) if r.returncode == 0 else None

    def wait_ready(self, timeout=15):
        """The state once all three processes are up and dns has answered, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return None
            if os.path.exists(self.sock):
                st = self.state()
                if st and all(p["pid"] > 0 for p in st["processes"]) and all(
                        s["resolve"] != "pending" for s in st["names"]):
                    self.daemon_pid = self.pids(st)["parent"]
                    return st
            time.sleep(0.1)
        return None

    @staticmethod
    def pids(state):
        return {p["role"]: p["pid"] for p in state["processes"]}

    def wait_exit(self, timeout=15):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def log_text(self):
        if self.cached:
            return self.cached[0]
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def strace_text(self):
        if self.cached:
            return self.cached[1]
        if not os.path.exists(self.strace_path):
            return ""
        with open(self.strace_path, errors="replace") as f:
            return f.read()

    @staticmethod
    def child_pids(pid):
        try:
            out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
            return [int(p) for p in out.stdout.split()]
        except (OSError, ValueError):
            return []

    def stop(self):
        """SIGTERM, bounded wait, then SIGKILL the parent and any child still there."""
        if self.proc.poll() is None:
            target = self.daemon_pid or self.pid
            pids = self.child_pids(target)
            os.kill(target, signal.SIGTERM)
            if self.wait_exit(10) is None:
                for p in [self.pid, target, *pids]:
                    try:
                        os.kill(p, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.proc.wait(timeout=5)
        self.log.close()
        if not self.keep and os.path.isdir(self.dir):
            self.cached = (self.log_text(), self.strace_text())
            shutil.rmtree(self.dir, ignore_errors=True)
            self.remove_chroot_copy()
        return self.proc.returncode

    def remove_chroot_copy(self):
        remove_chroot_copy(self.dir)


def netns(case, name, nameserver="127.0.0.1", hosts=None, addresses=()):
    """A network namespace for the unittest `case`, with lo up and `addresses` (CIDR) added to
    it; its resolv.conf names `nameserver` with one 1 s try and `hosts` lines become its
    /etc/hosts (ip netns exec bind-mounts the files of /etc/netns/NAME over /etc). The name
    gets this process's pid, so test runs from other work trees on the machine do not meet.
    Removed, with /etc/netns/NAME, after the test's other clean-ups. Returns the prefix."""
    name = f"{name}-{os.getpid()}"
    etc = f"/etc/netns/{name}"
    os.makedirs(etc, exist_ok=True)
    case.addCleanup(lambda: (subprocess.run(["ip", "netns", "del", name], capture_output=True),
                             shutil.rmtree(etc, ignore_errors=True)))
    with open(f"{etc}/resolv.conf", "w") as f:
        f.write(f"nameserver {nameserver}\noptions timeout:1 attempts:1\n")
    if hosts:
        with open(f"{etc}/hosts", "w") as f:
            f.write("".join(f"{h}\n" for h in hosts))
    subprocess.run(["ip", "netns", "add", name], check=False, capture_output=True)
    subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
    for a in addresses:
        subprocess.run(["ip", "-n", name, "addr", "add", a, "dev", "lo"], check=True)
    return ("ip", "netns", "exec", name)


def wait_for(d, pred, timeout=30):
    """Polls d's state (every 0.5 s, at most `timeout` s) until pred(state); the last state."""
    deadline = time.monotonic() + timeout
    st = None
    while time.monotonic() < deadline:
        st = d.state()
        if st and pred(st):
            return st
        time.sleep(0.5)
    return st


def tempus_user():
    return pwd.getpwnam("tempus")


def main(argv):
    """Runs the unittest module as a meson test: exit 77 (skipped) with the reason without root
    or without the tempus user. TEMPUS_TEST_PATTERNS (space-separated unittest -k patterns) runs
    only the matching tests: tools/dev.sh uses it to run just the tests that need the
    -Dtest_hooks=true build there, the release build having run the rest."""
    import sys
    import unittest
    if os.geteuid() != 0:
        print("SKIP: system tests need root (privilege drop, chroot, seccomp, namespaces)")
        sys.exit(77)
    try:
        tempus_user()
    except KeyError:
        print("SKIP: no 'tempus' user (tools/dev.sh creates it)")
        sys.exit(77)
    patterns = os.environ.get("TEMPUS_TEST_PATTERNS", "").split()
    unittest.main(argv=[argv[0], "-v", *[a for p in patterns for a in ("-k", p)]])
