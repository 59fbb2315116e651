#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The real chronyc's state-changing commands against tempusd -x (the host clock is never
touched), and the UDP command port: who may use it, its rate limit, chronyd's port 323 and
cmdport 0 in a namespace of the test's own. Usage: test_chronyc_state.py TEMPUSD TEMPUSCTL"""
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, netns, wait_for  # noqa: E402
from peers import FakeServer, free_udp_port, probe  # noqa: E402
from state_fixture import StateFixture  # noqa: E402
from test_chronyc import check_malformed, request, udp_exchange  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]


def wait_until(pred, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.2)
    return pred()


class StateCommands(StateFixture):
    """chronyc's state-changing commands against tempusd -x (the host clock is never touched),
    with the UDP command port on a free port besides the socket."""
    TEMPUSD, TEMPUSCTL = TEMPUSD, TEMPUSCTL

    @classmethod
    def tool_argv(cls):
        return ["chronyc"]

    @classmethod
    def extra_config(cls):
        cls.cmdport, cls.ntpport = free_udp_port(), free_udp_port()
        return [f"cmdport {cls.cmdport}", f"port {cls.ntpport}", "allow 192.0.2.0/24"]

    def chronyc(self, *args, prefix=()):
        return self.tool(*args, prefix=prefix)

    def ok(self, *args):
        r = self.chronyc(*args)
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "200 OK"),
                         r.stderr + self.d.log_text())

    def fails(self, want, *args):
        r = self.chronyc(*args)
        self.assertIn(want, r.stdout + r.stderr, args)
        self.assertIsNone(self.d.proc.poll())

    def test_offline_online(self):
        self.ok("offline")
        out = self.activity()
        self.assertIn("0 sources online", out)
        self.assertIn("1 sources offline", out)
        # Offline sources send nothing: the server sees no request for a few polls (2 s).
        time.sleep(1)
        seen = len(self.server.seen)
        self.server.seen.clear()
        time.sleep(4)
        self.assertEqual(len(self.server.seen), 0, seen)
        self.ok("online", "127.0.0.1")
        self.assertIn("1 sources online", self.activity("1 sources online"))
        self.fails("503 No such source", "offline", "192.0.2.1")
        self.ok("offline", "127.0.0.0/8")
        self.assertIn("1 sources offline", self.activity("1 sources offline"))
        self.ok("online")
        self.assertIn("1 sources online", self.activity("1 sources online"))

    def test_onoffline(self):
        self.ok("onoffline")  # NetworkManager's dispatcher: loopback is routable
        self.assertIn("1 sources online", self.activity("1 sources online"))

    def test_burst(self):
        self.ok("burst", "2/4")
        self.ok("burst", "2/4", "127.0.0.1")
        self.fails("503 No such source", "burst", "1/2", "192.0.2.9")

    def test_makestep(self):
        self.ok("makestep")  # under -x the virtual clock steps; chronyd -x answers the same
        r = self.chronyc("tracking")
        self.assertIn("Reference ID    : 7F000001", r.stdout)

    def test_add_and_delete(self):
        self.ok("add", "server", "127.0.0.2", "port", str(self.port2), "iburst", "minpoll", "0",
                "maxpoll", "1")
        got = self.wait_sources(lambda s: "127.0.0.2" in s and int(s["127.0.0.2"][5], 8) > 0)
        self.assertIn("127.0.0.2", got)
        self.assertEqual(got["127.0.0.2"][0], "^")
        self.assertGreater(int(got["127.0.0.2"][5], 8), 0, got)  # reach: it answers
        self.assertEqual(self.chronyc("sourcename", "127.0.0.2").stdout.strip(), "127.0.0.2")
        self.fails("511 Source already present", "add", "server", "127.0.0.1", "port",
                   str(self.port))
        self.ok("delete", "127.0.0.2")
        self.assertNotIn("127.0.0.2", self.sources())
        self.fails("503 No such source", "delete", "127.0.0.2")

    def test_add_peer_and_pool(self):
        self.ok("add", "peer", "127.0.0.4", "port", str(free_udp_port()), "minpoll", "0")
        self.assertEqual(self.sources()["127.0.0.4"][0], "=")
        self.ok("delete", "127.0.0.4")
        self.ok("add", "pool", "127.0.0.5", "port", str(free_udp_port()), "maxsources", "1",
                "offline")
        self.assertIn("127.0.0.5", self.sources())
        self.assertIn("1 sources offline", self.activity())
        self.ok("delete", "127.0.0.5")
        self.assertNotIn("127.0.0.5", self.sources())

    def test_reload_sources(self):
        path = os.path.join(self.srcdir, "dhcp.sources")
        self.addCleanup(lambda: os.path.exists(path) and os.unlink(path))
        with open(path, "w") as f:
            f.write(f"server 127.0.0.6 port {free_udp_port()} minpoll 0\n")
        self.ok("reload", "sources")
        self.assertIn("127.0.0.6", self.wait_sources(lambda s: "127.0.0.6" in s, timeout=10))
        os.unlink(path)
        self.ok("reload", "sources")
        self.assertNotIn("127.0.0.6", self.wait_sources(lambda s: "127.0.0.6" not in s,
                                                        timeout=10))

    def test_allow_deny_accheck(self):
        self.fails("209 Access denied", "accheck", "127.0.0.1")
        self.assertIsNone(probe("127.0.0.1", self.ntpport, timeout=0.5))
        self.ok("allow", "127.0.0.1")
        self.assertEqual(self.chronyc("accheck", "127.0.0.1").stdout, "208 Access allowed\n")
        self.assertIsNotNone(probe("127.0.0.1", self.ntpport))
        self.assertEqual(self.chronyc("accheck", "192.0.2.9").stdout, "208 Access allowed\n")
        self.ok("deny", "all", "192.0")  # chronyc's shorthand: 192.0.0.0/16, and all within
        self.fails("209 Access denied", "accheck", "192.0.2.9")
        self.ok("allow")  # every address
        self.assertEqual(self.chronyc("accheck", "198.51.100.1").stdout, "208 Access allowed\n")
        self.fails("Could not read address", "allow", "300.1.1.1")
        self.fails("Could not read address", "accheck")

    def test_cmdallow_at_run_time(self):
        self.fails("209 Access denied", "cmdaccheck", "127.0.0.3")
        self.assertEqual(self.chronyc("cmdaccheck", "127.0.0.1").stdout, "208 Access allowed\n")
        self.assertIsNone(udp_exchange(request(0, 28), self.cmdport, source="127.0.0.3"))
        self.ok("cmdallow", "127.0.0.3")
        self.assertEqual(self.chronyc("cmdaccheck", "127.0.0.3").stdout, "208 Access allowed\n")
        self.assertIsNotNone(udp_exchange(request(0, 28), self.cmdport, source="127.0.0.3"))
        self.ok("cmddeny", "127.0.0.3")
        self.assertIsNone(udp_exchange(request(0, 28), self.cmdport, source="127.0.0.3"))

    def test_reselect_and_reset_sources(self):
        self.ok("reselect")
        self.assertIn("Reference ID    : 7F000001", self.chronyc("tracking").stdout)
        self.ok("reset", "sources")
        self.assertIn("Leap status     : Not synchronised", self.chronyc("tracking").stdout)
        self.assertEqual(self.sources()["127.0.0.1"][1], "?")
        self.fails("Invalid syntax for reset command", "reset", "everything")
        # New samples select the source again (minpoll 0: within seconds).
        st = wait_for(self.d, lambda st: st["synchronised"], timeout=30)
        self.assertTrue(st and st["synchronised"], self.d.log_text())

    def test_local(self):
        self.ok("local", "stratum", "8")
        self.ok("local", "off")

    def test_nothing_to_do_and_facilities_off(self):
        for cmd in (["cyclelogs"], ["dump"], ["rekey"], ["manual", "off"]):
            self.ok(*cmd)
        self.fails("505 Facility not enabled in daemon", "smoothtime", "reset")
        self.fails("505 Facility not enabled in daemon", "settime", "12:00")
        self.fails("513 RTC driver not running", "writertc")
        self.fails("513 RTC driver not running", "trimrtc")
        self.fails("505 Facility not enabled in daemon", "smoothing")
        self.fails("513 RTC driver not running", "rtcdata")

    def test_unprivileged_user_gets_udp_and_no_changes(self):
        """chronyc as nobody cannot bind beside the Unix socket (the directory is root:tempus
        0770), falls back to UDP, gets the open reports and "501 Not authorised" for the rest."""
        setpriv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        host = f"{self.cmd.path},127.0.0.1"
        run = lambda *a: subprocess.run(  # noqa: E731
            [*setpriv, "chronyc", "-h", host, "-p", str(self.cmdport), "-n", *a],
            capture_output=True, text=True, timeout=15)
        r = run("tracking")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Reference ID    : 7F000001", r.stdout)
        self.assertRegex(run("sources").stdout, r"\n\^\* 127\.0\.0\.1 ")
        self.assertIn("sources online", run("activity").stdout)
        for cmd in (["makestep"], ["offline"], ["burst", "1/2"], ["serverstats"],
                    ["add", "server", "127.0.0.7"]):
            self.assertIn("501 Not authorised", run(*cmd).stdout, cmd)
        self.assertIn("1 sources online", self.activity("1 sources online"))

    def test_malformed_over_udp(self):
        check_malformed(self, lambda data: udp_exchange(data, self.cmdport), udp=True)
        r = subprocess.run(["chronyc", "-h", "127.0.0.1", "-p", str(self.cmdport), "-n",
                            "tracking"], capture_output=True, text=True, timeout=15)
        self.assertIn("Reference ID    : 7F000001", r.stdout)
        self.assertIsNone(self.d.proc.poll())

    def test_udp_only_for_localhost_by_default(self):
        self.assertIsNotNone(udp_exchange(request(0, 28), self.cmdport))
        self.assertIsNone(udp_exchange(request(0, 28), self.cmdport, source="127.0.0.2"))


class RefreshAndShutdown(unittest.TestCase):
    def test_refresh_then_shutdown(self):
        server = FakeServer(free_udp_port())
        self.addCleanup(server.stop)
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"server localhost port {server.port} minpoll 0"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        resolved = lambda: d.log_text().count("localhost resolved to")  # noqa: E731
        self.assertTrue(wait_until(lambda: resolved() == 1), d.log_text())
        chronyc = lambda *a: subprocess.run(  # noqa: E731
            ["chronyc", "-h", d.cmd_sock, "-n", *a], capture_output=True, text=True, timeout=15)
        self.assertEqual(chronyc("refresh").stdout, "200 OK\n")
        self.assertTrue(wait_until(lambda: resolved() == 2), d.log_text())
        self.assertEqual(chronyc("shutdown").stdout, "200 OK\n")
        self.assertEqual(d.wait_exit(10), 0, d.log_text())
        self.assertIn("stopping (shutdown command)", d.log_text())


class CmdAccess(unittest.TestCase):
    def test_cmdallow_cmddeny(self):
        port = free_udp_port()
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"cmdport {port}", "cmdallow 127.0.0.0/8",
                                        "cmddeny 127.0.0.3",
                                        "cmdratelimit interval 6 burst 2 leak 4"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        self.assertIsNotNone(udp_exchange(request(0, 28), port, source="127.0.0.2"))
        self.assertIsNone(udp_exchange(request(0, 28), port, source="127.0.0.3"))
        self.assertIsNotNone(udp_exchange(request(0, 28), port))  # localhost: always
        # cmdratelimit: a token every 64 s, two at most, 1 in 16 limited ones answered anyway;
        # never for localhost.
        answered = sum(udp_exchange(request(0, 28), port, source="127.0.0.4", timeout=0.2)
                       is not None for _ in range(20))
        self.assertTrue(2 <= answered <= 6, answered)
        answered = sum(udp_exchange(request(0, 28), port, timeout=0.2) is not None
                       for _ in range(20))
        self.assertEqual(answered, 20)

    def test_default_port_323_and_cmdport_0(self):
        """In a namespace of the test's own: chronyd's port 323 by default, none with
        cmdport 0."""
        prefix = netns(self, "tempus-cmd")
        d = Daemon(TEMPUSD, TEMPUSCTL, ["cmdport 323"], prefix=prefix)
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        r = subprocess.run([*prefix, "chronyc", "-h", "127.0.0.1", "-n", "tracking"],
                           capture_output=True, text=True, timeout=15)
        self.assertIn("Leap status     : Not synchronised", r.stdout, r.stderr + d.log_text())
        r = subprocess.run([*prefix, "chronyc", "-h", "::1", "-n", "makestep"],
                           capture_output=True, text=True, timeout=15)
        self.assertIn("501 Not authorised", r.stdout)
        d.stop()
        d0 = Daemon(TEMPUSD, TEMPUSCTL, ["cmdport 0"], prefix=prefix)
        self.addCleanup(d0.stop)
        self.assertIsNotNone(d0.wait_ready(), d0.log_text())
        r = subprocess.run([*prefix, "chronyc", "-h", "127.0.0.1", "-m", "-n", "tracking"],
                           capture_output=True, text=True, timeout=30)
        self.assertIn("506 Cannot talk to daemon", r.stdout + r.stderr)


if __name__ == "__main__":
    main(sys.argv)
