#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""System tests of the three-process daemon (issue: Foundation 2). As root, on loopback only;
the daemon runs with -x (no clock changes) or, in test builds, with a virtual clock.
Usage: test_privsep.py TEMPUSD TEMPUSCTL"""
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import CAP_SYS_TIME, Daemon, main, proc_root, proc_status, tempus_user  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
HOOKS = "test hooks" in subprocess.run([TEMPUSD, "-v"], capture_output=True, text=True).stdout
CLOCK_CALLS = ("adjtimex(", "clock_adjtime(", "clock_settime(", "settimeofday(", "stime(")

BASE_CONFIG = [
    "server localhost iburst",
    "server 127.0.0.1 port 11123",
    "makestep 1.0 3",
]


def wait_until(pred, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    return False


class Privsep(unittest.TestCase):
    def start(self, config=BASE_CONFIG, **kw):
        d = Daemon(TEMPUSD, TEMPUSCTL, config, **kw)
        self.addCleanup(d.stop)
        return d

    def test_processes_and_privileges(self):
        d = self.start()
        st = d.wait_ready()
        self.assertIsNotNone(st, d.log_text())
        pids = Daemon.pids(st)
        self.assertEqual(pids["parent"], d.pid)
        uid = tempus_user().pw_uid
        home = tempus_user().pw_dir
        for role in ("net", "dns"):
            s = proc_status(pids[role])
            self.assertEqual(s["Uid"].split(), [str(uid)] * 4, role)
            self.assertEqual(s["Gid"].split()[0], str(tempus_user().pw_gid), role)
            self.assertEqual(int(s["CapEff"], 16), 0, role)
            self.assertEqual(int(s["CapPrm"], 16), 0, role)
            self.assertEqual(int(s["CapBnd"], 16), 0, role)
            self.assertEqual(s["Seccomp"], "2", role)
            self.assertEqual(s["NoNewPrivs"], "1", role)
            with open(f"/proc/{pids[role]}/cmdline", "rb") as f:
                self.assertIn(f"--role={role}".encode(), f.read())
        self.assertEqual(proc_root(pids["net"]), home)
        self.assertEqual(proc_root(pids["dns"]), "/")
        p = proc_status(pids["parent"])
        self.assertEqual(p["Uid"].split()[0], "0")
        self.assertEqual(int(p["CapEff"], 16), 1 << CAP_SYS_TIME)
        self.assertEqual(int(p["CapPrm"], 16), 1 << CAP_SYS_TIME)
        self.assertEqual(p["Seccomp"], "2")
        self.assertEqual(p["NoNewPrivs"], "1")

    def test_tempusctl(self):
        d = self.start()
        st = d.wait_ready()
        self.assertIsNotNone(st, d.log_text())
        r = d.ctl("status")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout.splitlines()[0], "unsynchronised")
        r = d.ctl("processes")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("ROLE"))
        rows = {l.split()[0]: l.split() for l in lines[1:]}
        self.assertEqual(set(rows), {"parent", "net", "dns"})
        self.assertEqual(rows["parent"][3], "cap_sys_time")
        self.assertEqual(rows["net"][3], "-")
        self.assertEqual(rows["net"][4], "filter")
        self.assertEqual(rows["net"][6], tempus_user().pw_dir)
        self.assertTrue(st["no_adjust"])
        self.assertFalse(st["synchronised"])
        by_name = {s["name"]: s for s in st["names"]}
        self.assertEqual(by_name["localhost"]["resolve"], "ok")
        self.assertIn("127.0.0.1", by_name["localhost"]["addresses"])
        self.assertEqual(by_name["127.0.0.1"]["resolve"], "literal")
        self.assertEqual(by_name["127.0.0.1"]["port"], 11123)
        # No daemon: ntpstat's exit code 2.
        r = subprocess.run([TEMPUSCTL, "-s", d.sock + ".none", "-h", d.cmd_sock + ".none",
                            "status"], capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 2)

    def test_no_clock_syscalls_with_x(self):
        d = self.start(strace=True)
        st = d.wait_ready(timeout=30)
        self.assertIsNotNone(st, d.log_text())
        self.assertEqual(d.stop(), 0, d.log_text())
        trace = d.strace_text()
        self.assertFalse([l for l in trace.splitlines() if l.split(" ", 1)[-1].startswith(CLOCK_CALLS)],
                         trace)

    def test_sigterm_stops_cleanly(self):
        d = self.start()
        st = d.wait_ready()
        self.assertIsNotNone(st, d.log_text())
        pids = Daemon.pids(st)
        os.kill(d.pid, signal.SIGTERM)
        self.assertEqual(d.wait_exit(), 0, d.log_text())
        log = d.log_text()
        self.assertIn(f"net process (pid {pids['net']}) exited with status 0", log)
        self.assertIn(f"dns process (pid {pids['dns']}) exited with status 0", log)
        self.assertFalse(os.path.exists(d.sock))
        for role in ("net", "dns"):
            self.assertFalse(os.path.exists(f"/proc/{pids[role]}"), role)

    def test_sigkill_of_dns_ends_daemon(self):
        d = self.start()
        st = d.wait_ready()
        self.assertIsNotNone(st, d.log_text())
        pids = Daemon.pids(st)
        os.kill(pids["dns"], signal.SIGKILL)
        self.assertEqual(d.wait_exit(), 1, d.log_text())
        log = d.log_text()
        self.assertIn(f"dns process (pid {pids['dns']}) killed by signal 9", log)
        self.assertIn(f"net process (pid {pids['net']}) exited with status 0", log)
        self.assertFalse(os.path.exists(d.sock))

    @unittest.skipUnless(shutil.which("capsh"), "needs capsh (libcap2-bin)")
    def test_children_never_outlive_the_parent(self):
        # Without CAP_SYS_TIME in its bounding set the parent dies while closing its sandbox,
        # after the children started. They must go with it: they run as another user, so the
        # parent (left with CAP_SYS_TIME alone) could not signal them; their parent-death signal
        # and the end of the parent channel do it.
        d = self.start(prefix=("capsh", "--drop=cap_sys_time", "--", "-c", 'exec "$0" "$@"'))
        self.assertEqual(d.wait_exit(), 1, d.log_text())
        self.assertIn("cannot drop capabilities", d.log_text())

        def children_alive():
            alive = []
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        argv = f.read().split(b"\0")
                    st = proc_status(int(pid))
                except OSError:
                    continue
                if d.conf.encode() in argv and not st.get("State", "").startswith("Z"):
                    alive.append(int(pid))
            return alive
        self.assertTrue(wait_until(lambda: not children_alive(), timeout=5), children_alive())

    def test_bad_config_exits_with_location(self):
        d = self.start(config=["server localhost iburst", "frobnicate 3"])
        self.assertEqual(d.wait_exit(), 1)
        self.assertIn(f"{d.conf}:2: ", d.log_text())


@unittest.skipUnless(HOOKS, "needs a build with -Dtest_hooks=true")
class Hooks(unittest.TestCase):
    def run_hook(self, hook, args=("-x",), env=None):
        e = {"TEMPUS_TEST_HOOK": hook}
        e.update(env or {})
        d = Daemon(TEMPUSD, TEMPUSCTL, BASE_CONFIG, args=args, env=e, strace=True)
        self.addCleanup(d.stop)
        code = d.wait_exit(30)
        self.assertIsNotNone(code, "daemon did not end: " + d.log_text())
        trace = d.strace_text()
        self.assertFalse([l for l in trace.splitlines() if l.split(" ", 1)[-1].startswith(CLOCK_CALLS)],
                         trace)
        if env and env.get("TEMPUS_TEST_CLOCK") == "virtual":
            # The parent had a clock to change (not -x) and changed nothing.
            self.assertIn("virtual clock: 0 adjustments", d.log_text())
        return code, d.log_text()

    def test_compromised_net_is_refused(self):
        # Each hook: a frame the parent must refuse, and the log line that says so. The clock
        # is the virtual one, so the verbs reach the parent's bounds with a clock behind them.
        cases = {
            "net-big-slew": "net process: refused slew_offset: net sent slew_offset: out_of_range",
            "net-big-freq": "net process: malformed set_frequency: out_of_range",
            "net-bad-file": "net process: malformed write_file: bad_enum",
            "net-huge-frame": "net process: invalid frame: frame_too_long",
            "net-unknown-type": "net process: invalid frame: unknown_type",
            "net-wrong-direction": "net process: invalid frame: forbidden_type",
            "net-bad-pid": "net process: invalid frame: bad_pid",
        }
        for hook, line in cases.items():
            with self.subTest(hook=hook):
                code, log = self.run_hook(hook, args=(), env={"TEMPUS_TEST_CLOCK": "virtual"})
                self.assertEqual(code, 1, log)
                self.assertIn(line, log)

    def test_clock_verb_from_dns_is_refused(self):
        # -x: net's own verbs at start are legitimate and would reach a virtual clock.
        code, log = self.run_hook("dns-clock-verb")
        self.assertEqual(code, 1, log)
        self.assertIn("dns process: invalid frame: forbidden_type", log)

    def test_forbidden_syscall_in_net(self):
        code, log = self.run_hook("net-syscall")
        self.assertNotEqual(code, 0)
        self.assertIn("net: seccomp: forbidden syscall acct", log)
        self.assertRegex(log, r"net process \(pid \d+\) killed by signal 31")

    def test_forbidden_syscall_in_dns(self):
        code, log = self.run_hook("dns-syscall")
        self.assertNotEqual(code, 0)
        self.assertIn("dns: seccomp: forbidden syscall acct", log)
        self.assertRegex(log, r"dns process \(pid \d+\) killed by signal 31")

    def test_malformed_frame_from_net(self):
        code, log = self.run_hook("net-bad-frame")
        self.assertEqual(code, 1)
        self.assertIn("net process: malformed slew_offset", log)

    def test_out_of_range_step_from_net(self):
        # Not -x, so the verb reaches the bounds check; the virtual clock stands in for the host's.
        code, log = self.run_hook("net-big-step", args=(), env={"TEMPUS_TEST_CLOCK": "virtual"})
        self.assertEqual(code, 1)
        self.assertIn("net process: refused step_clock", log)

    def test_step_in_no_adjust_mode(self):
        code, log = self.run_hook("net-big-step")
        self.assertEqual(code, 1)
        self.assertIn("net process: refused step_clock", log)


if __name__ == "__main__":
    main(sys.argv)
