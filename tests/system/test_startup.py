#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""System tests of start-up and client-socket directives: initstepslew (a one-time step at start
from hosts that are then dropped), acquisitionport/bindacqaddress (where requests leave from)
and leapsecmode step (the daemon, not the kernel, takes the leap second).
The clock is tempusd's virtual test clock or -x: the host clock is never touched.
Usage: test_startup.py TEMPUSD TEMPUSCTL"""
import os
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main  # noqa: E402
from peers import FakeServer, free_udp_port  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
HOOKS = "test hooks" in subprocess.run([TEMPUSD, "-v"], capture_output=True, text=True).stdout
PEERS_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers.py")
# The parent disciplines a virtual clock and runs without CAP_SYS_TIME: it cannot move the host
# clock even by mistake.
VIRTUAL = {"TEMPUS_TEST_CLOCK": "virtual"}
NO_CAP = ("capsh", "--drop=cap_sys_time", "--", "-c", 'exec "$0" "$@"')


def wait_log(d, text, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and text not in d.log_text():
        if d.proc.poll() is not None:
            break
        time.sleep(0.3)
    return text in d.log_text()


class Startup(unittest.TestCase):
    def netns(self, name):
        subprocess.run(["ip", "netns", "add", name], check=False, capture_output=True)
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
        self.addCleanup(subprocess.run, ["ip", "netns", "del", name], capture_output=True)
        return ("ip", "netns", "exec", name)

    def fake_on_port_123(self, prefix, offset):
        # initstepslew's hosts are asked on port 123: a fake server there, inside a private
        # namespace so the host's port 123 is never needed.
        p = subprocess.Popen([*prefix, sys.executable, PEERS_PY, "serve", "127.0.0.1", "123",
                              str(offset)])
        self.addCleanup(lambda: (p.terminate(), p.wait(timeout=10)))
        time.sleep(0.5)

    def run_initstepslew(self, ns, offset):
        prefix = self.netns(ns)
        self.fake_on_port_123(prefix, offset)
        d = Daemon(TEMPUSD, TEMPUSCTL, ["initstepslew 0.1 127.0.0.1"], args=(), env=VIRTUAL,
                   prefix=(*prefix, *NO_CAP))
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(timeout=20), d.log_text())
        self.assertTrue(wait_log(d, "initstepslew done (first update)"), d.log_text())
        # Its host is no longer polled.
        deadline = time.monotonic() + 10
        st = d.state()
        while time.monotonic() < deadline and st and st["sources"]:
            time.sleep(0.3)
            st = d.state()
        self.assertEqual(st["sources"], [], d.log_text())
        return d.log_text()

    @unittest.skipUnless(HOOKS and shutil.which("capsh") and shutil.which("ip"),
                         "needs a -Dtest_hooks=true build (virtual clock), capsh and iproute2")
    def test_initstepslew_steps_above_threshold(self):
        log = self.run_initstepslew("tempus-test-isl1", 0.25)
        self.assertRegex(log, r"System clock was stepped by 0\.2\d+ seconds")

    @unittest.skipUnless(HOOKS and shutil.which("capsh") and shutil.which("ip"),
                         "needs a -Dtest_hooks=true build (virtual clock), capsh and iproute2")
    def test_initstepslew_slews_below_threshold(self):
        log = self.run_initstepslew("tempus-test-isl2", 0.04)
        self.assertNotIn("stepped", log)

    def test_leapsecmode_step(self):
        # A server 25 s before the leap second of 2024-06-30, announcing it. Under -x the
        # daemon's own virtual clock is stepped there (makestep), the leap is announced to
        # clients but kept from the kernel, and at midnight the daemon steps the clock back
        # one second itself.
        port = free_udp_port()
        target = 1719792000 - 25  # 2024-06-30T23:59:35Z
        fake = FakeServer(port, offset=target - time.time(), leap=1)
        self.addCleanup(fake.stop)
        d = Daemon(TEMPUSD, TEMPUSCTL, ["leapsecmode step", "makestep 1 -1",
                                        f"server 127.0.0.1 port {port} iburst minpoll 0 maxpoll 0"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        deadline = time.monotonic() + 20
        st = d.state()
        while time.monotonic() < deadline and st["tracking"]["leap"] != "insert":
            time.sleep(0.5)
            st = d.state()
        self.assertEqual(st["tracking"]["leap"], "insert", st)  # what clients are told
        self.assertTrue(wait_log(d, "leap second: clock stepped", timeout=60), d.log_text())
        # After midnight the announcement is over.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and d.state()["tracking"]["leap"] == "insert":
            time.sleep(0.5)
        self.assertEqual(d.state()["tracking"]["leap"], "normal")

    def test_acquisitionport_and_bindacqaddress(self):
        acq = free_udp_port()
        ports = [free_udp_port() for _ in range(2)]
        fakes = [FakeServer(p) for p in ports]
        for f in fakes:
            self.addCleanup(f.stop)
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"acquisitionport {acq}", "bindacqaddress 127.0.0.2",
                                        *[f"server 127.0.0.1 port {p} iburst" for p in ports]])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all(f.seen for f in fakes):
            time.sleep(0.3)
        # Both sources' requests leave from the one configured address and port.
        for f in fakes:
            self.assertEqual(f.seen, {("127.0.0.2", acq)}, d.log_text())
        st = d.state()
        self.assertTrue(all(s["reach"] != 0 for s in st["sources"]), st)

    def test_acquisitionport_that_cannot_be_bound_falls_back(self):
        # Port 1 needs privileges the sandboxed net process does not have.
        port = free_udp_port()
        fake = FakeServer(port)
        self.addCleanup(fake.stop)
        d = Daemon(TEMPUSD, TEMPUSCTL, ["acquisitionport 1", f"server 127.0.0.1 port {port} iburst"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        self.assertTrue(wait_log(d, "using a random port", timeout=10), d.log_text())
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not fake.seen:
            time.sleep(0.3)
        self.assertTrue(fake.seen and all(p != 1 for _, p in fake.seen), fake.seen)


if __name__ == "__main__":
    main(sys.argv)
