#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""System tests of `refclock PHC`. tempusd runs with -x (a virtual clock). A device that cannot
be opened or read must stop the daemon with an error naming it; a real PTP hardware clock, when
the machine has one (/dev/ptp*), must give an offset with -Q and become the selected source.
Usage: test_phc.py TEMPUSD TEMPUSCTL"""
import glob
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]


class Phc(unittest.TestCase):
    def run_to_exit(self, lines, args=("-x",), timeout=30):
        d = Daemon(TEMPUSD, TEMPUSCTL, lines, args=args)
        self.addCleanup(d.stop)
        return d, d.wait_exit(timeout)

    def test_missing_device_is_fatal_and_named(self):
        d, rc = self.run_to_exit(["port 0", "refclock PHC /dev/ptp-tempus-missing poll 0"])
        self.assertNotEqual(rc, 0, d.log_text())
        self.assertRegex(d.log_text(), r"tempus\.conf:2: refclock PHC /dev/ptp-tempus-missing: "
                                       r"cannot open: No such file or directory")

    def test_device_that_is_not_a_phc_is_fatal(self):
        d, rc = self.run_to_exit(["port 0", "refclock PHC /dev/null"])
        self.assertNotEqual(rc, 0, d.log_text())
        self.assertIn("refclock PHC /dev/null: cannot read the clock: Inappropriate ioctl",
                      d.log_text())

    def test_real_phc(self):
        devices = sorted(glob.glob("/dev/ptp[0-9]*") + glob.glob("/dev/ptp_*"))
        if not devices:
            self.skipTest("no PTP hardware clock here (/dev/ptp*); nothing real to read")
        dev = devices[0]
        # -Q: one filtered sample (4 reads at dpoll -2) is reported as the offset. A PHC that
        # nothing keeps on time may be far off; only the report is checked.
        q, rc = self.run_to_exit([f"refclock PHC {dev} poll 0 dpoll -2"], args=("-Q",), timeout=60)
        self.assertEqual(rc, 0, q.log_text())
        self.assertRegex(q.log_text(), r"refclock PHC .*: reading with PTP_SYS_OFFSET")
        self.assertRegex(q.log_text(), r"System clock wrong by -?\d+\.\d+ seconds")
        # The net process's seccomp filter lets the readings through for a while.
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"refclock PHC {dev} poll 0 dpoll -2 refid PHC"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        deadline = time.monotonic() + 20
        st = None
        while time.monotonic() < deadline:
            st = d.state()
            if st and st["sources"] and st["sources"][0]["samples"] >= 3:
                break
            time.sleep(0.5)
        self.assertTrue(st and st["sources"][0]["samples"] >= 3, f"{st}\n{d.log_text()}")
        self.assertEqual(st["sources"][0]["name"], "PHC")
        self.assertIsNone(d.proc.poll(), d.log_text())


if __name__ == "__main__":
    main(sys.argv)
