# SPDX-License-Identifier: ISC
"""The fixture shared by the state-changing command tests (test_chronyc_state.py with the real
chronyc, test_tempusctl_state.py with tempusctl): tempusd -x synchronised to a fake server at
127.0.0.1, a second fake server at 127.0.0.2 for `add`, the command socket and a sourcedir in
directories of the test's own. A subclass names its tool (tool_argv) and may add config lines."""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from daemon import Daemon, wait_for
from peers import FakeServer, free_udp_port
from test_chronyc import FAST, CmdSocket


class StateFixture(unittest.TestCase):
    TEMPUSD = TEMPUSCTL = None  # set by the subclass's module from argv

    @classmethod
    def tool_argv(cls):
        """The control tool's command line up to its own arguments."""
        raise NotImplementedError

    @classmethod
    def extra_config(cls):
        return []

    @classmethod
    def setUpClass(cls):
        cls.port, cls.port2 = free_udp_port(), free_udp_port()
        cls.server = FakeServer(cls.port)
        cls.server2 = FakeServer(cls.port2, host="127.0.0.2")
        cls.cmd = CmdSocket()
        cls.srcdir = tempfile.mkdtemp(prefix="tempus-sourcedir-")
        os.chmod(cls.srcdir, 0o755)
        cls.d = Daemon(cls.TEMPUSD, cls.TEMPUSCTL,
                       [f"server 127.0.0.1 port {cls.port} {FAST}", "makestep 1 3",
                        f"bindcmdaddress {cls.cmd.path}", f"sourcedir {cls.srcdir}",
                        *cls.extra_config()])
        if cls.d.wait_ready() is not None:
            wait_for(cls.d, lambda st: st["synchronised"], timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.server.stop()
        cls.server2.stop()
        cls.cmd.cleanup()
        shutil.rmtree(cls.srcdir, ignore_errors=True)

    def tool(self, *args, prefix=()):
        return subprocess.run([*prefix, *self.tool_argv(), "-h", self.cmd.path, "-n", *args],
                              capture_output=True, text=True, timeout=15)

    def sources(self):
        # A source removed between the tool's count and its per-source requests makes it fail
        # ("503 No such source"), chronyc against chronyd too: ask again.
        for _ in range(5):
            r = self.tool("-c", "sources")
            if r.returncode == 0:
                break
            time.sleep(0.2)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return {f[2]: f for f in (line.split(",") for line in r.stdout.splitlines())}

    def wait_sources(self, pred, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.sources()
            if pred(got):
                return got
            time.sleep(0.5)
        return self.sources()

    def activity(self, want=None, timeout=15):
        """The activity report, once it has `want` in it (an initial burst after online ends
        within a few seconds at minpoll 0)."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.tool("activity")
            self.assertEqual(r.returncode, 0, r.stderr)
            if want is None or want in r.stdout or time.monotonic() > deadline:
                return r.stdout
            time.sleep(0.5)
