# SPDX-License-Identifier: ISC
"""Third-party and fake NTP servers on loopback for system tests. chronyd always runs with -x
and under `capsh --drop=cap_sys_time`, so it can never touch the host clock."""
import os
import pwd
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

NTP_UNIX_OFFSET = 2208988800


def terminate(pid):
    """SIGTERM, up to 5 s to go, then SIGKILL; a pid that is already gone is fine."""
    if pid is None:
        return
    try:
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop_child(proc):
    """Ends a subprocess.Popen child of ours: SIGTERM, up to 5 s, then SIGKILL; reaped."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PeerDaemon:
    """What the third-party daemons share: a private directory with their config, pid and log
    files; a network namespace of their own if they need one; waiting for the pid file;
    terminate() and clean-up on stop()."""

    def __init__(self, prefix, conf_name, pid_name, log_name):
        self.pid = None
        self.netns = None
        self.prefix = ()  # runs a command in the namespace once there is one
        self.dir = tempfile.mkdtemp(prefix=prefix)
        os.chmod(self.dir, 0o755)
        self.conf = os.path.join(self.dir, conf_name)
        self.pidfile = os.path.join(self.dir, pid_name)
        self.log = os.path.join(self.dir, log_name)

    def wait_pid(self, timeout=10):
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.pidfile) and time.monotonic() < deadline:
            time.sleep(0.05)
        with open(self.pidfile) as f:
            self.pid = int(f.read())

    def make_netns(self, base):
        """A namespace with lo up, its name made unique to this test process: test runs from
        other work trees on the same machine must not delete it under us."""
        self.netns = f"{base}-{os.getpid()}"
        self.prefix = ("ip", "netns", "exec", self.netns)
        subprocess.run(["ip", "netns", "add", self.netns], check=False, capture_output=True)
        subprocess.run(["ip", "-n", self.netns, "link", "set", "lo", "up"], check=True)

    def stop(self):
        terminate(self.pid)
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.netns:
            subprocess.run(["ip", "netns", "del", self.netns], check=False, capture_output=True)


class Chronyd(PeerDaemon):
    """chronyd -x serving `local stratum 10` on 127.0.0.1:port (`lines` replace that and the
    allow line); `log measurements` goes to measurements_log(). `prefix` runs it elsewhere (ip
    netns exec NS: the caller's namespace, which the caller removes)."""

    def __init__(self, port, lines=("local stratum 10", "allow 127.0.0.0/8"), prefix=()):
        super().__init__("tempus-chronyd-", "chrony.conf", "chronyd.pid", "chronyd.log")
        self.port = port
        conf = self.conf
        if _has_user("_chrony"):  # chronyd writes its logs after dropping to _chrony
            os.chown(self.dir, pwd.getpwnam("_chrony").pw_uid, -1)
        with open(conf, "w") as f:
            f.write(f"port {port}\n" + "".join(f"{l}\n" for l in lines) +
                    f"cmdport 0\nbindcmdaddress /\npidfile {self.pidfile}\n"
                    f"logdir {self.dir}\nlog measurements\n")
        subprocess.run([*prefix, "capsh", "--drop=cap_sys_time", "--", "-c",
                        f"exec chronyd -x -f {conf} -l {self.log}"], check=True, timeout=10)
        self.wait_pid()
        with open(self.log) as f:
            if "Disabled control of system clock" not in f.read():
                self.stop()
                raise RuntimeError("chronyd did not report disabled clock control")


    def measurements_log(self):
        try:
            with open(os.path.join(self.dir, "measurements.log")) as f:
                return f.read()
        except OSError:
            return ""


def _has_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


class FakeServer:
    """A minimal mode-4 responder: the host's time shifted by `offset` seconds, with the given
    leap indicator and stratum (leap 3 / stratum 0 models an unsynchronised server); `tail`
    is appended to every reply (e.g. a MAC)."""

    def __init__(self, port, offset=0.0, leap=0, stratum=2, host="127.0.0.1", tail=b""):
        self.port, self.offset, self.leap, self.stratum = port, offset, leap, stratum
        self.tail = tail
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                                  socket.SOCK_DGRAM)
        self.sock.bind((host, port))
        self.sock.settimeout(0.2)
        self.seen = set()  # (address, port) of every request
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @staticmethod
    def ntp(t):
        sec = int(t) + NTP_UNIX_OFFSET
        return struct.pack(">II", sec & 0xFFFFFFFF, int((t % 1) * 2**32) & 0xFFFFFFFF)

    def serve(self):
        while self.running:
            try:
                req, addr = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(req) < 48 or req[0] & 7 != 3:
                continue
            self.seen.add(addr)
            t2 = time.time() + self.offset
            b0 = (self.leap << 6) | (4 << 3) | 4
            hdr = struct.pack(">BBbbII4s", b0, self.stratum, req[2], -20, 0x100, 0x100, b"FAKE")
            ref = self.ntp(t2 - 10) if self.leap != 3 else bytes(8)
            reply = hdr + ref + req[40:48] + self.ntp(t2) + self.ntp(time.time() + self.offset)
            self.sock.sendto(reply + self.tail, addr)

    def stop(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


class Ntpsec(PeerDaemon):
    """ntpsec's ntpd (unpacked under TEMPUS_NTPSEC_ROOT) serving in orphan mode at stratum 10 on
    127.0.0.1:123 of a network namespace of its own (it cannot change its port). 'disable ntp'
    and 'disable kernel' stop its discipline; capsh drops CAP_SYS_TIME because it still calls
    ntp_adjtime at start."""

    def __init__(self, root):
        super().__init__("tempus-ntpsec-", "ntp.conf", "ntpd.pid", "ntpd.log")
        conf = self.conf
        with open(conf, "w") as f:
            f.write("tos orphan 10\ntos orphanwait 0\ndisable ntp\ndisable kernel\n"
                    "restrict default nomodify noquery\nrestrict 127.0.0.0 mask 255.0.0.0\n")
        self.make_netns("tempus-test-ntpsec")
        subprocess.run([*self.prefix, "capsh", "--drop=cap_sys_time", "--",
                        "-c", f"exec {root}/usr/sbin/ntpd -c {conf} -p {self.pidfile} -l {self.log}"],
                       check=True, timeout=10)
        self.wait_pid()
        time.sleep(1.5)  # orphan mode starts answering as stratum 10 after its first tick


def has_cap_sys_time(pid):
    """Whether pid or any of its descendants still has CAP_SYS_TIME in its bounding set."""
    todo, seen = [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as f:
                bnd = next(int(l.split()[1], 16) for l in f if l.startswith("CapBnd:"))
            if bnd >> 25 & 1:
                return True
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return False


class Openntpd(PeerDaemon):
    """OpenNTPD (unpacked under TEMPUS_OPENNTPD_ROOT) with no time source at all, `listen on
    127.0.0.1` in a network namespace of its own (its port is fixed at 123), in the foreground
    (-d) and without -s. It then answers every request unsynchronised (leap 3, stratum 0).
    capsh drops CAP_SYS_TIME because its parent still calls adjtime/adjtimex at start (they fail
    with EPERM). It needs its privsep user 'ntpd' (tools/dev.sh creates it), whose home
    /var/run/openntpd is the engine's chroot, and /var/lib/openntpd/{run,db}: both come from
    tmpfs mounts inside the mount namespace `ip netns exec` creates, so the host is untouched."""

    def __init__(self, root):
        super().__init__("tempus-openntpd-", "ntpd.conf", "ntpd.pid", "ntpd.log")
        with open(self.conf, "w") as f:
            f.write("listen on 127.0.0.1\n")
        self.make_netns("tempus-test-openntpd")
        setup = ("mount -t tmpfs -o mode=0755 tempus-test /run && "
                 "mount -t tmpfs -o mode=0755 tempus-test /var/lib && "
                 "mkdir -m 0755 /run/openntpd /var/lib/openntpd && "
                 "mkdir -m 0755 /var/lib/openntpd/run /var/lib/openntpd/db && "
                 f"exec capsh --drop=cap_sys_time -- -c "
                 f"'exec {root}/usr/sbin/ntpd -d -f {self.conf} -p {self.pidfile}'")
        with open(self.log, "w") as out:
            # sh and capsh exec, so this pid ends up as ntpd's own.
            self.proc = subprocess.Popen([*self.prefix, "sh", "-c", setup], stdout=out,
                                         stderr=out)
        self.pid = self.proc.pid
        deadline = time.monotonic() + 10
        while "ntp engine ready" not in self.log_text() and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if "ntp engine ready" not in self.log_text() or has_cap_sys_time(self.pid):
            log = self.log_text()
            self.stop()
            raise RuntimeError(f"openntpd did not start without CAP_SYS_TIME:\n{log}")

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def stop(self):
        # Our own child: reaped here (terminate() would take a zombie for a live process). Its
        # engine and dns children exit with it.
        stop_child(self.proc)
        self.pid = None
        super().stop()


def probe(host, port, timeout=2.0):
    """One client request; the reply's header fields as a dict, or None without a valid reply."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        nonce = os.urandom(8)
        s.sendto(bytes([(4 << 3) | 3]) + bytes(39) + nonce, (host, port))
        try:
            reply = s.recv(512)
        except socket.timeout:
            return None
    if len(reply) < 48 or reply[24:32] != nonce:
        return None
    return {"leap": reply[0] >> 6, "version": reply[0] >> 3 & 7, "mode": reply[0] & 7,
            "stratum": reply[1], "precision": struct.unpack("b", reply[3:4])[0],
            "ref_id": reply[12:16].hex(),
            "transmit_zero": reply[40:48] == bytes(8)}


if __name__ == "__main__":
    # peers.py serve HOST PORT [OFFSET]: a FakeServer in this process until SIGTERM (for
    # running one inside a network namespace with `ip netns exec`).
    # peers.py probe HOST PORT: one request; prints the reply's header as JSON ("null": none).
    import json
    import sys
    if len(sys.argv) == 4 and sys.argv[1] == "probe":
        print(json.dumps(probe(sys.argv[2], int(sys.argv[3]))))
        sys.exit(0)
    if len(sys.argv) >= 4 and sys.argv[1] == "serve":
        server = FakeServer(int(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) > 4 else 0.0,
                            host=sys.argv[2])
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        deadline = time.monotonic() + 600  # never outlives a test run
        while time.monotonic() < deadline:
            time.sleep(0.5)
