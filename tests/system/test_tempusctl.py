#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tempusctl against the real chronyc 4.3, byte for byte: both run every scenario of
tests/unit/ctl/make_golden.py (every report, with -n, -c, -v, -a, -N) against the same fake
command socket and must print the same text and exit the same way; tempusctl also as an
unprivileged user. Then ntpstat's exit codes of `tempusctl status` against a real tempusd -x:
unsynchronised, synchronised to chronyd -x on loopback, and without a daemon; and -j and metrics
from that daemon.
Usage: test_tempusctl.py TEMPUSD TEMPUSCTL"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "unit", "ctl"))
from daemon import Daemon, main, wait_for  # noqa: E402
from make_golden import SCENARIOS, STATE_SCENARIOS, FakeServer  # noqa: E402
from peers import Chronyd, free_udp_port  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
FAST = "iburst minpoll 0 maxpoll 1"


def chronyc_43():
    exe = shutil.which("chronyc")
    if not exe:
        return False
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    return "version 4.3 " in out


@unittest.skipUnless(chronyc_43(), "needs chronyc 4.3 (tools/dev.sh installs chrony)")
class SameAsChronyc(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tempus-ctl-")
        # Anyone may create a socket here, as the tempus group may in tempusd's directory.
        os.chmod(cls.dir, 0o1777)
        cls.server = FakeServer(os.path.join(cls.dir, "chronyd.sock"))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def run_both(self, args, prefix=()):
        a = subprocess.run(["chronyc", "-h", self.server.path, *args], capture_output=True,
                           text=True, timeout=30)
        b = subprocess.run([*prefix, TEMPUSCTL, "-h", self.server.path, *args],
                           capture_output=True, text=True, timeout=30)
        return a, b

    def test_every_report_and_flag(self):
        for name, args in SCENARIOS.items():
            with self.subTest(name):
                a, b = self.run_both(args)
                self.assertEqual(b.stdout, a.stdout, f"{name}: {args}\n{b.stderr}")
                self.assertEqual(b.returncode, a.returncode, name)

    def test_unprivileged(self):
        prefix = ("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups")
        for name in ("tracking", "sources_av", "clients_csv"):
            a, b = self.run_both(SCENARIOS[name], prefix)
            self.assertEqual((b.returncode, b.stdout), (a.returncode, a.stdout), b.stderr)
        # Its own socket was removed.
        self.assertEqual(os.listdir(self.dir), ["chronyd.sock"])

    def test_json_of_every_report(self):
        for words in (["tracking"], ["sources", "-a"], ["sourcestats"], ["selectdata"],
                      ["authdata"], ["ntpdata"], ["serverstats"], ["smoothing"], ["activity"],
                      ["clients"], ["manual", "list"], ["sourcename", "192.0.2.1"],
                      ["status"]):
            r = subprocess.run([TEMPUSCTL, "-h", self.server.path, "-n", "-j", *words],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, f"{words}: {r.stdout}{r.stderr}")
            self.assertIsInstance(json.loads(r.stdout), dict, words)

    def test_state_commands_send_the_same_requests(self):
        # Each state-changing command, with chronyc's syntax errors too: the same datagrams
        # (attempt and sequence aside), the same output, the same exit status.
        for args in STATE_SCENARIOS:
            with self.subTest(args):
                self.server.requests.clear()
                a = subprocess.run(["chronyc", "-h", self.server.path, *args],
                                   capture_output=True, text=True, timeout=30)
                sent_a = list(self.server.requests)
                self.server.requests.clear()
                b = subprocess.run([TEMPUSCTL, "-h", self.server.path, *args],
                                   capture_output=True, text=True, timeout=30)
                sent_b = list(self.server.requests)
                # A command chronyc accepts is one request; a syntax error sends nothing.
                answered = any(t in a.stdout for t in ("200 OK", "503", "208", "209"))
                self.assertEqual(len(sent_a), 1 if answered else 0, (args, a.stdout, a.stderr))
                self.assertEqual([r.hex() for r in sent_b], [r.hex() for r in sent_a], args)
                self.assertEqual((b.returncode, b.stdout, b.stderr),
                                 (a.returncode, a.stdout, a.stderr), args)

    def test_no_daemon(self):
        missing = os.path.join(self.dir, "none.sock")
        r = subprocess.run([TEMPUSCTL, "-h", missing, "tracking"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Could not open connection to daemon", r.stderr)


class Status(unittest.TestCase):
    def status(self, d, *args):
        return d.ctl(*args, "status", timeout=30)

    def test_unsynchronised_then_synchronised(self):
        if not shutil.which("chronyd") or not shutil.which("capsh"):
            self.skipTest("needs chronyd and capsh (tools/dev.sh installs chrony, libcap2-bin)")
        port = free_udp_port()
        server = Chronyd(port)
        self.addCleanup(server.stop)
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"server 127.0.0.1 port {port} {FAST}", "makestep 1 3"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        r = self.status(d)
        if r.returncode == 1:  # not yet: ntpstat's unsynchronised report
            self.assertEqual(r.stdout.splitlines()[0], "unsynchronised", r.stdout)
        st = wait_for(d, lambda s: s["synchronised"], timeout=40)
        self.assertTrue(st and st["synchronised"], d.log_text())
        r = self.status(d)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "synchronised to NTP server (127.0.0.1) at stratum 11")
        self.assertRegex(lines[1], r"^   time correct to within \d+ ms$")
        self.assertRegex(lines[2], r"^   polling server every [12] s$")
        # -m below the distance: exit 1 and ntpstat's remark.
        r = d.ctl("status", "-m", "0", timeout=30)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("(exceeded maximum of 0 ms)", r.stdout)
        # -j and metrics from the same daemon.
        r = d.ctl("-j", "tracking", timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        t = json.loads(r.stdout)
        self.assertEqual((t["reference_id"], t["stratum"]), ("7F000001", 11))
        r = d.ctl("metrics", timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("tempus_up 1\n", r.stdout)
        self.assertIn("tempus_tracking_synchronised 1\n", r.stdout)
        self.assertIn('tempus_source_selected{source="127.0.0.1",name="127.0.0.1",'
                      'mode="server"} 1\n', r.stdout)
        self.assertIn('tempus_process_seccomp_mode{role="net"} 2\n', r.stdout)

    def test_unsynchronised(self):
        d = Daemon(TEMPUSD, TEMPUSCTL, [])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        r = self.status(d)
        self.assertEqual((r.returncode, r.stdout), (1, "unsynchronised\npoll interval unknown\n"),
                         r.stderr)

    def test_no_daemon(self):
        base = tempfile.mkdtemp(prefix="tempus-ctl-")
        self.addCleanup(shutil.rmtree, base, True)
        r = subprocess.run([TEMPUSCTL, "-h", os.path.join(base, "chronyd.sock"), "status"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "Unable to talk to NTP daemon. Is it running?\n")
        # A socket file nobody reads: the same after the bounded retries.
        path = os.path.join(base, "stale.sock")
        import socket
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(path)
        start = time.monotonic()
        r = subprocess.run([TEMPUSCTL, "-h", path, "status"], capture_output=True, text=True,
                           timeout=30)
        s.close()
        self.assertEqual(r.returncode, 2)
        self.assertLess(time.monotonic() - start, 10)


if __name__ == "__main__":
    main(sys.argv)
