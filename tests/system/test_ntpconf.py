#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""System tests of `tempusd -f ntp.conf`: ntpd's configuration language on a box of three
network namespaces of the test's own, joined by veth pairs:
    S (192.0.2.1, chronyd -x serving on port 123) -- T (192.0.2.2 | 198.51.100.1, tempusd)
                                                     -- C (198.51.100.2, a client)
ntp.conf has no port, bindcmdaddress or cmdport directive, so tempusd runs with its defaults,
port 123 and chronyc's socket under /run/chrony: in T it gets private tmpfs mounts over /run
and over the tempus user's home (the net process's chroot, where that socket's directory is
made), inside the mount namespace `ip netns exec` creates, so nothing of the host's is touched.
Usage: test_ntpconf.py TEMPUSD TEMPUSCTL"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, netns, tempus_user, wait_for  # noqa: E402
from peers import Chronyd  # noqa: E402
from test_server import (HAVE_NTPSEC_PY, MODE3, MODE6, NTPSEC_ROOT,  # noqa: E402
                         ntpsec_pythonpath, probe)

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
NTPQ = os.path.join(NTPSEC_ROOT, "usr/bin/ntpq")
NTPSTAT = shutil.which("ntpstat")
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "config", "ntp")
OPEN_WARNING = ("NTP service (UDP port 123) open to every IPv4 and IPv6 client: no 'restrict "
                "default' line")


class NtpConfDaemon(Daemon):
    """tempusd -d -x [args] -f DIR/name in the namespace `prefix`, with private /run and chroot
    (see the module comment). Daemon's waits, reports and stop() apply unchanged; its __init__
    is not called, as it writes a chrony.conf."""

    def __init__(self, text, prefix, name="ntp.conf", args=()):  # noqa: no super().__init__()
        self.tempusd, self.tempusctl = TEMPUSD, TEMPUSCTL
        self.dir = tempfile.mkdtemp(prefix="tempus-systest-")
        self.keep = bool(os.environ.get("TEMPUS_KEEP_TEST_DIRS"))
        self.cached = None
        os.chmod(self.dir, 0o755)
        self.sock = os.path.join(self.dir, "run", "tempusd.sock")
        self.cmd_sock = "/run/chrony/chronyd.sock"  # inside T's private /run
        self.conf = os.path.join(self.dir, name)
        with open(self.conf, "w") as f:
            f.write(text)
        self.log_path = os.path.join(self.dir, "stderr.log")
        self.strace_path = os.path.join(self.dir, "strace.log")
        home = tempus_user().pw_dir
        inner = (f"mount -t tmpfs -o mode=0755 tmpfs /run && "
                 f"mount -t tmpfs -o mode=0755 tmpfs {home} && "
                 f"exec {TEMPUSD} -d -x {' '.join(args)} -f {self.conf} "
                 f"--control-socket={self.sock}")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([*prefix, "sh", "-c", inner], stdout=self.log,
                                     stderr=self.log)
        self.pid = self.proc.pid  # sh and ip netns exec exec() into tempusd
        self.daemon_pid = self.pid

    def remove_chroot_copy(self):
        pass  # the chroot was a tmpfs of T's mount namespace


class Box:
    """netns() registers its clean-up with addCleanup: at class level that is addClassCleanup."""

    def __init__(self, cls):
        self.addCleanup = cls.addClassCleanup


def veth(a, b, name, addr_a, addr_b):
    subprocess.run(["ip", "link", "add", name + "a", "netns", a[-1], "type", "veth", "peer",
                    "name", name + "b", "netns", b[-1]], check=True)
    for ns, dev, addr in ((a, name + "a", addr_a), (b, name + "b", addr_b)):
        subprocess.run(["ip", "-n", ns[-1], "addr", "add", addr, "dev", dev], check=True)
        subprocess.run(["ip", "-n", ns[-1], "link", "set", dev, "up"], check=True)


def is_reply(answer):
    """A server reply (mode 4) to MODE3, its origin timestamp echoed."""
    return answer is not None and len(answer) >= 48 and answer[0] & 7 == 4 and \
        answer[24:32] == MODE3[40:48]


class NtpConf(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        box = Box(cls)
        cls.S = netns(box, "tempus-test-ntpc-s")
        cls.T = netns(box, "tempus-test-ntpc-t")
        cls.C = netns(box, "tempus-test-ntpc-c")
        veth(cls.S, cls.T, "tncs", "192.0.2.1/24", "192.0.2.2/24")
        veth(cls.C, cls.T, "tncc", "198.51.100.2/24", "198.51.100.1/24")
        cls.upstream = Chronyd(123, lines=("local stratum 10", "allow 192.0.2.0/24"),
                               prefix=cls.S)
        cls.addClassCleanup(cls.upstream.stop)

    def start(self, text, **kw):
        d = NtpConfDaemon(text, self.T, **kw)
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        return d

    @unittest.skipUnless(HAVE_NTPSEC_PY, "needs ntpsec's ntpq (TEMPUS_NTPSEC_ROOT)")
    def test_restrict_lines_and_ntpq(self):
        d = self.start(
            "# A LAN server: time for 192.0.2.0/24, nothing for 198.51.100.0/24.\n"
            "server 192.0.2.1 iburst minpoll 0 maxpoll 1\n"
            "restrict default ignore\n"
            "restrict -6 default ignore\n"
            "restrict 127.0.0.1\n"
            "restrict ::1\n"
            "restrict 192.0.2.0 mask 255.255.255.0 nomodify notrap noquery\n"
            "restrict 198.51.100.0 mask 255.255.255.0 ignore\n")
        self.assertNotIn("open to every", d.log_text())
        st = wait_for(d, lambda st: st["synchronised"] and st["sources"][0]["reach"] >= 0o7,
                      timeout=40)
        self.assertTrue(st and st["synchronised"], d.log_text())

        pypath = ntpsec_pythonpath()
        self.addCleanup(shutil.rmtree, pypath, True)
        r = subprocess.run([*self.T, "env", f"PYTHONPATH={pypath}", "COLUMNS=80",
                            "/usr/bin/python3", NTPQ, "-c", "timeout 2000", "-n", "-p",
                            "127.0.0.1"], capture_output=True, text=True, timeout=60)
        rows = [l.split() for l in r.stdout.splitlines() if "192.0.2.1" in l]
        self.assertEqual(len(rows), 1, r.stdout + r.stderr)
        self.assertEqual(rows[0][0], "*192.0.2.1", r.stdout)
        self.assertEqual(rows[0][2], "10", r.stdout)  # chronyd's local stratum
        if NTPSTAT:
            r = subprocess.run([*self.T, NTPSTAT], capture_output=True, text=True, timeout=20)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("synchronised to NTP server (192.0.2.1) at stratum 11", r.stdout)

        # Time: the allowed network is answered, the ignored one is not.
        self.assertTrue(is_reply(probe("192.0.2.2", 123, MODE3, prefix=self.S)))
        self.assertIsNone(probe("198.51.100.1", 123, MODE3, prefix=self.C, timeout=0.5))
        # ntpq: noquery on the allowed network, loopback answered.
        self.assertIsNone(probe("192.0.2.2", 123, MODE6, prefix=self.S, timeout=0.5))
        self.assertIsNotNone(probe("127.0.0.1", 123, MODE6, prefix=self.T))
        server = d.state()["server"]
        self.assertGreaterEqual(server["answered"], 1, server)

    def test_without_restrict_everyone_is_served_with_a_warning(self):
        d = self.start("server 192.0.2.1 iburst\n")
        self.assertIn(OPEN_WARNING, d.log_text())
        self.assertTrue(is_reply(probe("198.51.100.1", 123, MODE3, prefix=self.C)))
        self.assertTrue(is_reply(probe("192.0.2.2", 123, MODE3, prefix=self.S)))
        # ntpq from another host stays closed: mode 6 is loopback-only without restrict lines.
        self.assertIsNone(probe("198.51.100.1", 123, MODE6, prefix=self.C, timeout=0.5))


    def test_forced_language_reaches_the_children(self):
        # Named otherwise and with only a server line, the file is a chrony.conf unless forced;
        # the net process re-reads it and must read it as the parent did (it serves, then).
        d = self.start("server 192.0.2.1 iburst\n", name="time.conf", args=("--ntp-conf",))
        self.assertIn("open to every IPv4 and IPv6 client", d.log_text())
        self.assertTrue(is_reply(probe("198.51.100.1", 123, MODE3, prefix=self.C)))


class Print(unittest.TestCase):
    """tempusd -p: the chrony.conf an ntp.conf translates to."""

    def print_config(self, *args):
        return subprocess.run([TEMPUSD, "-p", *args], capture_output=True, text=True, timeout=20)

    def test_guide_file_translates_and_reloads(self):
        r = self.print_config("-f", os.path.join(DATA, "lan-server.conf"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("# chrony.conf equivalent of an ntp.conf"), r.stdout)
        for line in ("allow\n", "allow 192.168.1.0/24\n", "cmddeny\n", "local stratum 11\n",
                     "noclientlog\n", "makestep 0.128 -1\n", "rtcsync\n"):
            self.assertIn(line, r.stdout)
        tmp = tempfile.mkdtemp(prefix="tempus-systest-")
        self.addCleanup(shutil.rmtree, tmp, True)
        printed = os.path.join(tmp, "chrony.conf")
        with open(printed, "w") as f:
            f.write(r.stdout)
        # The same model when read back as chrony.conf (the comment block aside).
        again = self.print_config("-f", printed)
        self.assertEqual(again.returncode, 0, again.stderr)
        body = "".join(l for l in r.stdout.splitlines(True) if not l.startswith("#"))
        self.assertEqual(again.stdout, body)
        # And chronyd itself accepts it.
        if shutil.which("chronyd"):
            c = subprocess.run(["capsh", "--drop=cap_sys_time", "--", "-c",
                                f"exec chronyd -p -f {printed}"],
                               capture_output=True, text=True, timeout=20)
            self.assertEqual(c.returncode, 0, c.stdout + c.stderr)
            self.assertIn("local stratum 11", c.stdout)

    def test_forced_and_detected_language(self):
        tmp = tempfile.mkdtemp(prefix="tempus-systest-")
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, "time.conf")
        with open(path, "w") as f:
            f.write("server 192.0.2.1 iburst\n")
        self.assertNotIn("allow", self.print_config("-f", path).stdout)  # chrony.conf
        forced = self.print_config("--ntp-conf", "-f", path)
        self.assertIn("\nallow\n", forced.stdout)
        self.assertIn(OPEN_WARNING, forced.stderr)
        with open(path, "a") as f:
            f.write("restrict default noserve\n")
        self.assertIn("\ndeny\n", self.print_config("-f", path).stdout)  # detected
        bad = self.print_config("--chrony-conf", "-f", path)
        self.assertEqual(bad.returncode, 1)
        self.assertIn(f"{path}:2: unknown directive 'restrict'", bad.stderr)


if __name__ == "__main__":
    main(sys.argv)
