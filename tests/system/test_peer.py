#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""System tests of symmetric mode (`peer`): tempusd and chronyd peering on loopback, and two
tempusd peers. Every daemon runs with -x (chronyd under capsh --drop=cap_sys_time too).
Usage: test_peer.py TEMPUSD TEMPUSCTL"""
import os
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, wait_for  # noqa: E402
from peers import Chronyd, free_udp_port  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
FAST = "minpoll 0 maxpoll 1"


def selected(st):
    return st["synchronised"] and st["sources"] and st["sources"][0]["state"] == "*"


class Peer(unittest.TestCase):
    def tempusd(self, lines):
        d = Daemon(TEMPUSD, TEMPUSCTL, lines)
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        return d

    @unittest.skipUnless(shutil.which("chronyd") and shutil.which("capsh"),
                         "needs chronyd and capsh (tools/dev.sh installs chrony, libcap2-bin)")
    def test_peer_with_chronyd(self):
        ours, theirs = free_udp_port(), free_udp_port()
        c = Chronyd(theirs, [f"peer 127.0.0.1 port {ours} {FAST}", "local stratum 8"])
        self.addCleanup(c.stop)
        # No allow line: the peer needs none, and nobody else is served.
        d = self.tempusd([f"port {ours}", f"peer 127.0.0.1 port {theirs} {FAST}"])
        st = wait_for(d, selected, timeout=40)
        self.assertTrue(st and selected(st), f"{st}\n{d.log_text()}")
        src = st["sources"][0]
        self.assertEqual((src["address"], src["port"], src["stratum"]), ("127.0.0.1", theirs, 8))
        self.assertEqual(st["tracking"]["stratum"], 9)
        self.assertLess(abs(src["measured_offset_s"]), 0.001)
        # chronyd measured us as well: its measurements log has samples from us that pass
        # tests 1-7 and A-C ("111 111 111"); test D fails by design once we are synchronised
        # to it (our reference ID is then its address: chrony's loop protection).
        deadline = time.monotonic() + 20
        good = []
        while time.monotonic() < deadline and not good:
            good = [l for l in c.measurements_log().splitlines()
                    if " 127.0.0.1 " in l and "111 111 111" in l]
            time.sleep(0.5)
        self.assertTrue(good, c.measurements_log())

    def test_two_tempus_peers(self):
        pa, pb = free_udp_port(), free_udp_port()
        # A serves as `local stratum 5`; B has only A. B synchronises to A; A never selects B,
        # which is unsynchronised (and then synchronised to A: stratum 6 > A's own).
        a = self.tempusd([f"port {pa}", "local stratum 5", f"peer 127.0.0.1 port {pb} {FAST}"])
        b = self.tempusd([f"port {pb}", f"peer 127.0.0.1 port {pa} {FAST}"])
        st = wait_for(b, selected, timeout=40)
        self.assertTrue(st and selected(st), f"{st}\n{b.log_text()}")
        self.assertEqual(st["sources"][0]["stratum"], 5)
        self.assertEqual(st["tracking"]["stratum"], 6)
        self.assertLess(abs(st["sources"][0]["measured_offset_s"]), 0.001)
        # A hears B, but B is synchronised to A (B's reference ID is A's address): A never
        # selects it, over several more polls.
        for _ in range(8):
            sa = a.state()
            self.assertFalse(sa["synchronised"], sa)
            self.assertNotEqual(sa["sources"][0]["state"], "*")
            time.sleep(1)
        self.assertGreater(sa["sources"][0]["reach"], 0, sa)


if __name__ == "__main__":
    main(sys.argv)
