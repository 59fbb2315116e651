#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""System tests of mode 6 (RFC 9327) with the real clients: ntpsec's ntpq (from
TEMPUS_NTPSEC_ROOT) and Debian's ntpstat, which both ask port 123 only, so tempusd runs on
127.0.0.1:123 of a network namespace of the test's own, synchronised to chronyd -x in the same
namespace. From another host (a veth pair between two namespaces) only cmdallow opens it.
Usage: test_ntpq.py TEMPUSD TEMPUSCTL"""
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, netns, wait_for  # noqa: E402
from peers import Chronyd  # noqa: E402
from test_server import HAVE_NTPSEC_PY, NTPSEC_ROOT, ntpsec_pythonpath, probe  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
NTPQ = os.path.join(NTPSEC_ROOT, "usr/bin/ntpq")
NTPSTAT = shutil.which("ntpstat")
SERVER_PORT = 11123


def mode6(opcode, assoc=0, data=b"", seq=1, version=2):
    """A mode 6 request as ntpq builds it (RFC 9327 §2), data padded to a multiple of 4."""
    pkt = struct.pack(">BBHHHHH", (version << 3) | 6, opcode, seq, 0, assoc, 0, len(data)) + data
    return pkt + bytes(-len(pkt) % 4)


class ClassCleanups:
    """netns() registers its clean-up with addCleanup: at class level that is addClassCleanup."""

    def __init__(self, cls):
        self.addCleanup = cls.addClassCleanup


@unittest.skipUnless(HAVE_NTPSEC_PY, "needs ntpsec's ntpq (TEMPUS_NTPSEC_ROOT)")
class Ntpq(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ns = netns(ClassCleanups(cls), "tempus-test-ntpq")
        cls.pypath = ntpsec_pythonpath()
        cls.addClassCleanup(shutil.rmtree, cls.pypath, True)
        cls.server = Chronyd(SERVER_PORT, prefix=cls.ns)
        cls.addClassCleanup(cls.server.stop)
        cls.d = Daemon(TEMPUSD, TEMPUSCTL,
                       [f"server 127.0.0.1 port {SERVER_PORT} iburst minpoll 0 maxpoll 1",
                        "makestep 1 3", "port 123", "allow 127.0.0.1"], prefix=cls.ns)
        cls.addClassCleanup(cls.d.stop)
        st = cls.d.wait_ready() and wait_for(
            cls.d, lambda st: st["synchronised"] and st["sources"][0]["reach"] >= 0o17, timeout=40)
        cls.ready = bool(st and st["synchronised"])

    def setUp(self):
        self.assertTrue(self.ready, self.d.log_text())

    def ntpq(self, *args, prefix=None, timeout_ms=2000):
        r = subprocess.run([*(prefix or self.ns), "env", f"PYTHONPATH={self.pypath}", "COLUMNS=80",
                            "/usr/bin/python3", NTPQ, "-c", f"timeout {timeout_ms}", *args],
                           capture_output=True, text=True, timeout=60)
        return r.stdout + r.stderr

    def test_peers_marks_the_selected_source(self):
        out = self.ntpq("-n", "-p", "127.0.0.1")
        rows = [l for l in out.splitlines() if "127.0.0.1" in l and not l.startswith("=")]
        self.assertEqual(len(rows), 1, out)
        f = rows[0].split()
        # remote refid st t when poll reach delay offset jitter
        self.assertEqual(f[0], "*127.0.0.1", out)
        self.assertEqual(f[1], "127.127.1.1", out)  # chronyd's local reference at stratum 10
        self.assertEqual(f[2], "10", out)
        self.assertEqual(f[3], "u", out)
        self.assertIn(f[5], ("1", "2"), out)  # poll 2^0 or 2^1 s
        self.assertGreaterEqual(int(f[6], 8), 0o17, out)
        self.assertLess(abs(float(f[8])), 5.0, out)  # ms: same host, same clock

    def test_associations(self):
        out = self.ntpq("-c", "as", "127.0.0.1")
        self.assertRegex(out, r"\n\s*1\s+\d+\s+96[0-9a-f]{2}\s+yes\s+yes\s+none\s+sys\.peer", out)

    def test_readvar_system(self):
        out = self.ntpq("-c", "rv", "127.0.0.1")
        self.assertRegex(out, r"status=06[0-9a-f]{2} leap_none, sync_ntp", out)
        self.assertIn("stratum=11", out)
        self.assertIn("refid=127.0.0.1", out)
        self.assertIn('version="tempus ', out)
        offset = float(re.search(r"\boffset=(-?[0-9.]+)", out).group(1))
        self.assertLess(abs(offset), 5.0, out)  # ms
        peer = re.search(r"\bpeer=(\d+)", out).group(1)
        # The association that `peer` names is the source, with its variables.
        out = self.ntpq("-c", f"rv {peer}", "127.0.0.1")
        self.assertIn("srcadr=127.0.0.1", out)
        self.assertIn(f"srcport={SERVER_PORT}", out)
        self.assertIn("stratum=10", out)
        self.assertIn("hmode=3", out)
        self.assertIn("pmode=4", out)
        out = self.ntpq("-c", "rv 0 stratum,refid", "127.0.0.1")
        self.assertIn("stratum=11", out)
        self.assertNotIn("version=", out)
        self.assertIn("UNKNOWNVAR", self.ntpq("-c", "rv 0 nonesuch", "127.0.0.1"))

    @unittest.skipUnless(NTPSTAT, "needs ntpstat (Debian's package)")
    def test_ntpstat(self):
        r = subprocess.run([*self.ns, NTPSTAT], capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("synchronised to NTP server (127.0.0.1) at stratum 11", r.stdout)
        m = re.search(r"time correct to within (\d+) ms", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        self.assertLess(int(m.group(1)), 100)
        self.assertRegex(r.stdout, r"polling server every [12] s")

    def test_malformed_requests_leave_it_answering(self):
        before = self.d.state()["server"]
        bad = [mode6(2)[:11],                                     # short
               mode6(2) + b"\x01",                                 # not a multiple of 4
               mode6(2)[:11] + b"\x09",                            # count past the end
               mode6(0x82),                                        # a response
               mode6(2) + struct.pack(">I", 1) + bytes(range(16)),  # a MAC
               mode6(2, data=b"stratum=1"),                        # a write in a read
               mode6(9)]                                           # an unknown opcode
        answers = [probe("127.0.0.1", 123, p, prefix=self.ns, timeout=0.5) for p in bad]
        self.assertEqual([a is not None for a in answers], [False, True, True, False, True, True, True])
        # Errors: response and error bits, the opcode echoed, the code in the status word.
        self.assertEqual([(a[1], a[4]) for a in answers if a],
                         [(0xc2, 2), (0xc2, 2), (0xc2, 1), (0xc2, 6), (0xc9, 3)])
        self.assertTrue(all(len(a) == 12 for a in answers if a))
        self.assertIn("*127.0.0.1", self.ntpq("-n", "-p", "127.0.0.1"))
        after = self.d.state()["server"]
        self.assertGreaterEqual(after["mode6_dropped"] - before["mode6_dropped"], 2)

    def test_rate_limited(self):
        # 200 READSTATs at once: the bucket (64, refilled at 32/s) answers a burst, not all.
        script = ("import socket,sys,time\n"
                  "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                  "s.connect(('127.0.0.1',123)); s.settimeout(0.5)\n"
                  "[s.send(bytes.fromhex(sys.argv[1])) for _ in range(200)]\n"
                  "n=0\n"
                  "try:\n"
                  "    while True: s.recv(600); n+=1\n"
                  "except socket.timeout: pass\n"
                  "print(n)\n")
        time.sleep(2.5)  # the other tests' requests are refilled
        r = subprocess.run([*self.ns, sys.executable, "-c", script, mode6(1).hex()],
                           capture_output=True, text=True, timeout=30)
        time.sleep(2.5)  # refilled for the tests after this one
        n = int(r.stdout.strip())
        self.assertGreaterEqual(n, 50, r.stdout + r.stderr)
        self.assertLess(n, 100, r.stdout + r.stderr)


class OtherHost(unittest.TestCase):
    """Mode 6 from another host: nothing without cmdallow (RFC 8633 §3.2), answered with it."""

    def two_hosts(self):
        s = netns(self, "tempus-test-m6srv", addresses=())
        c = netns(self, "tempus-test-m6cli", addresses=())
        srv, cli = s[-1], c[-1]
        subprocess.run(["ip", "link", "add", "tm6s0", "netns", srv, "type", "veth", "peer",
                        "name", "tm6c0", "netns", cli], check=True)
        for ns, dev, addr in ((srv, "tm6s0", "192.0.2.1/24"), (cli, "tm6c0", "192.0.2.2/24")):
            subprocess.run(["ip", "-n", ns, "addr", "add", addr, "dev", dev], check=True)
            subprocess.run(["ip", "-n", ns, "link", "set", dev, "up"], check=True)
        return s, c

    def serve(self, prefix, lines):
        d = Daemon(TEMPUSD, TEMPUSCTL, ["local stratum 10", "allow 192.0.2.0/24", "port 123",
                                        *lines], prefix=prefix)
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        return d

    def test_only_cmdallow_opens_it(self):
        s, c = self.two_hosts()
        d = self.serve(s, [])
        self.assertIsNone(probe("192.0.2.1", 123, mode6(1), prefix=c))
        self.assertIsNone(probe("192.0.2.1", 123, mode6(2) + bytes(564), prefix=c))  # ntpstat's
        self.assertIsNotNone(probe("127.0.0.1", 123, mode6(1), prefix=s))  # its own loopback
        st = d.state()["server"]
        self.assertEqual(st["mode6_dropped"], 2)
        self.assertEqual(st["mode6_answered"], 1)
        d.stop()
        d = self.serve(s, ["cmdallow 192.0.2.2"])
        reply = probe("192.0.2.1", 123, mode6(2, data=b"stratum"), prefix=c)
        self.assertIsNotNone(reply)
        self.assertEqual(reply[12:12 + struct.unpack(">H", reply[10:12])[0]], b"stratum=10\r\n")
        d.stop()
        # cmddeny takes even the loopback away.
        d = self.serve(s, ["cmddeny 127.0.0.1"])
        self.assertIsNone(probe("127.0.0.1", 123, mode6(1), prefix=s))


if __name__ == "__main__":
    main(sys.argv)
