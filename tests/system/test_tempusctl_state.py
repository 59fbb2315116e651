#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tempusctl's state-changing commands against tempusd -x (the host clock is never touched): a
short version of test_chronyc_state.py with tempusctl in chronyc's place. A fake server at
127.0.0.1, a second one at 127.0.0.2 for `add`, the command socket in a directory of the test's
own. Usage: test_tempusctl_state.py TEMPUSD TEMPUSCTL"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import main  # noqa: E402
from peers import free_udp_port  # noqa: E402
from state_fixture import StateFixture  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]


class TempusctlState(StateFixture):
    TEMPUSD, TEMPUSCTL = TEMPUSD, TEMPUSCTL

    @classmethod
    def tool_argv(cls):
        return [cls.TEMPUSCTL]

    def ctl(self, *args):
        return self.tool(*args)

    def ok(self, *args):
        r = self.ctl(*args)
        self.assertEqual((r.returncode, r.stdout), (0, "200 OK\n"), r.stderr + self.d.log_text())

    def fails(self, want, *args):
        r = self.ctl(*args)
        self.assertEqual((r.returncode, r.stdout), (1, want + "\n"), (args, r.stderr))
        self.assertIsNone(self.d.proc.poll())

    def test_offline_online(self):
        self.ok("offline")
        self.assertIn("1 sources offline", self.activity("1 sources offline"))
        self.ok("online", "127.0.0.1")
        self.assertIn("1 sources online", self.activity("1 sources online"))
        self.fails("503 No such source", "offline", "192.0.2.1")
        self.ok("offline", "127.0.0.0/8")
        self.assertIn("1 sources offline", self.activity("1 sources offline"))
        self.ok("online", "localhost")  # a name, resolved by tempusctl as chronyc does
        self.assertIn("1 sources online", self.activity("1 sources online"))
        self.ok("onoffline")

    def test_burst_and_makestep(self):
        self.ok("burst", "2/4")
        self.ok("burst", "2/4", "127.0.0.1")
        self.fails("503 No such source", "burst", "1/2", "192.0.2.9")
        r = self.ctl("burst", "x")
        self.assertEqual((r.returncode, r.stdout, r.stderr),
                         (1, "", "Invalid syntax for burst command\n"))
        self.ok("makestep")
        self.assertIn("Reference ID    : 7F000001", self.ctl("tracking").stdout)

    def test_add_and_delete(self):
        self.ok("add", "server", "127.0.0.2", "port", str(self.port2), "iburst", "minpoll", "0",
                "maxpoll", "1")
        got = self.wait_sources(lambda s: "127.0.0.2" in s and int(s["127.0.0.2"][5], 8) > 0)
        self.assertEqual(got["127.0.0.2"][0], "^", got)
        self.assertGreater(int(got["127.0.0.2"][5], 8), 0, got)  # reach: it answers
        self.fails("511 Source already present", "add", "server", "127.0.0.1", "port",
                   str(self.port))
        self.ok("delete", "127.0.0.2")
        self.assertNotIn("127.0.0.2", self.sources())
        self.fails("503 No such source", "delete", "127.0.0.2")

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

    def test_local_and_the_rest(self):
        self.ok("local", "stratum", "8", "orphan")
        self.ok("local", "off")
        for cmd in (["cyclelogs"], ["dump"], ["rekey"]):
            self.ok(*cmd)


if __name__ == "__main__":
    main(sys.argv)
