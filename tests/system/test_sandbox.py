#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""System tests of the sandbox as a whole (design.md §2), in a -Dtest_hooks=true build:
- the parent dies of SIGSYS when it makes a call its filter does not allow (TEMPUS_TEST_HOOK=
  parent-syscall, once its filter is in place), reports the call, and its children go with it
  (the net and dns hooks are in test_privsep.py);
- a 60 s soak with every feature on, inside tempusd.service's sandbox as unit_fence.py
  reproduces it: NTS client and server (chronyd on the other side of both), a source by name,
  chronyc's and tempusctl's reports and state-changing commands, the drift file written by the
  parent (virtual clock, so the discipline runs without touching the host's clock). At the end
  no role died, no seccomp report, all three processes still the same.
Usage: test_sandbox.py TEMPUSD TEMPUSCTL"""
import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, proc_status  # noqa: E402
from peers import FakeServer, free_udp_port  # noqa: E402
from test_nts import NtsChronyd, Pki, free_tcp_port  # noqa: E402
import unit_fence  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
HOOKS = "test hooks" in subprocess.run([TEMPUSD, "-v"], capture_output=True, text=True).stdout
UNIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "systemd",
                    "tempusd.service.in")
SOAK_SECONDS = 60
FAST = "iburst minpoll 0 maxpoll 1"


def syscall_number(name):
    lib = ctypes.CDLL(ctypes.util.find_library("seccomp") or "libseccomp.so.2")
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    return lib.seccomp_syscall_resolve_name(name.encode())


def processes_with(conf):
    """Live processes whose command line names the config file `conf`."""
    alive = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            if conf.encode() in argv and not proc_status(pid).get("State", "").startswith("Z"):
                alive.append(int(pid))
        except OSError:
            continue
    return alive


def wait_until(pred, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


@unittest.skipUnless(HOOKS, "needs a build with -Dtest_hooks=true")
class ParentHook(unittest.TestCase):
    def test_forbidden_syscall_in_the_parent(self):
        d = Daemon(TEMPUSD, TEMPUSCTL, ["server 127.0.0.1 port 11123"],
                   env={"TEMPUS_TEST_HOOK": "parent-syscall"})
        self.addCleanup(d.stop)
        code = d.wait_exit(30)
        self.assertEqual(code, -31, d.log_text())  # killed by SIGSYS
        log = d.log_text()
        self.assertIn(f"tempusd: seccomp: forbidden syscall {syscall_number('acct')} (arch 0x",
                      log)
        # Its children die with it (their parent-death signal).
        self.assertTrue(wait_until(lambda: not processes_with(d.conf), 5),
                        processes_with(d.conf))


@unittest.skipUnless(HOOKS, "needs a build with -Dtest_hooks=true (virtual clock)")
@unittest.skipUnless(all(shutil.which(t) for t in ("chronyd", "chronyc", "capsh", "openssl",
                                                   "setpriv", "systemd-analyze")),
                     "needs chronyd, chronyc, capsh, openssl, setpriv, systemd-analyze")
class Soak(unittest.TestCase):
    def chronyc(self, sock, *args):
        r = subprocess.run(["chronyc", "-n", "-h", sock, *args], capture_output=True, text=True,
                           timeout=10)
        self.assertEqual(r.returncode, 0, f"chronyc {' '.join(args)}: {r.stdout}{r.stderr}")
        return r.stdout

    def tempusctl(self, d, *args):
        r = d.ctl(*args)
        self.assertEqual(r.returncode, 0, f"tempusctl {' '.join(args)}: {r.stdout}{r.stderr}")
        return r.stdout

    def test_all_features_for_a_minute_inside_the_unit_sandbox(self):
        start = time.monotonic()
        pki = Pki()
        self.addCleanup(pki.remove)
        work = tempfile.mkdtemp(prefix="tempus-soak-")
        os.chmod(work, 0o755)
        self.addCleanup(shutil.rmtree, work, True)
        os.mkdir(os.path.join(work, "sources"))
        with open(os.path.join(work, "sources", "extra.sources"), "w") as f:
            f.write("")
        drift, nts_dir = os.path.join(work, "drift"), os.path.join(work, "nts")

        # chronyd: NTS server for tempusd, and NTS client of tempusd's server.
        port, ke = free_udp_port(), free_tcp_port()
        tport, tke = free_udp_port(), free_tcp_port()
        chronyd = NtsChronyd([f"port {port}", "local stratum 10", "allow 127.0.0.0/8",
                              f"ntsport {ke}", f"ntsserverkey {pki.key}",
                              f"ntsservercert {pki.cert}",
                              f"server 127.0.0.1 port {tport} nts ntsport {tke} {FAST}",
                              f"ntstrustedcerts {pki.ca}", "nosystemcert"])
        self.addCleanup(chronyd.stop)
        named = FakeServer(free_udp_port())
        self.addCleanup(named.stop)

        with open(UNIT) as f:
            fence = unit_fence.prefix(f.read())
        d = Daemon(TEMPUSD, TEMPUSCTL, [
            f"server 127.0.0.1 port {port} nts ntsport {ke} {FAST}",
            f"server localhost port {named.port} {FAST}",
            f"ntstrustedcerts {pki.ca}", "nosystemcert",
            f"port {tport}", "allow 127.0.0.0/8", f"ntsport {tke}",
            f"ntsserverkey {pki.key}", f"ntsservercert {pki.cert}", f"ntsdumpdir {nts_dir}",
            f"driftfile {drift}", "makestep 1 3",
            f"sourcedir {os.path.join(work, 'sources')}",
        ], args=(), env={"TEMPUS_TEST_CLOCK": "virtual"}, prefix=fence)
        self.addCleanup(d.stop)
        st = d.wait_ready(timeout=20)
        self.assertIsNotNone(st, d.log_text())
        pids = Daemon.pids(st)
        for role in ("parent", "net", "dns"):
            self.assertEqual(proc_status(pids[role])["NoNewPrivs"], "1", role)

        rounds = 0
        while time.monotonic() - start < SOAK_SECONDS - 8:
            for report in ("sources", "sourcestats", "tracking", "clients", "serverstats",
                           "authdata", "activity"):
                self.chronyc(d.cmd_sock, report)
                self.tempusctl(d, report)
            self.tempusctl(d, "metrics")
            self.tempusctl(d, "processes")
            self.assertIsNotNone(d.state(), d.log_text())
            if rounds % 3 == 0:
                self.assertIn("200 OK", self.chronyc(d.cmd_sock, "burst", "2/4"))
                self.assertIn("200 OK", self.chronyc(d.cmd_sock, "cyclelogs"))
                self.assertIn("200 OK", self.chronyc(d.cmd_sock, "dump"))
                self.assertIn("200 OK", self.chronyc(d.cmd_sock, "rekey"))
                self.assertIn("200 OK", self.chronyc(d.cmd_sock, "reload", "sources"))
                for cmd in (("burst", "1/2"), ("cyclelogs",), ("dump",), ("rekey",)):
                    self.tempusctl(d, *cmd)
            rounds += 1
            time.sleep(3)

        # Everything ran: the NTS source was used, the name resolved and asked, chronyd got NTS
        # time from tempusd's server.
        auth = self.chronyc(d.cmd_sock, "-c", "authdata")
        self.assertRegex(auth, r"(?m)^127\.0\.0\.1,NTS,", auth)
        self.assertTrue(named.seen, d.log_text())
        stats = self.chronyc(d.cmd_sock, "serverstats")
        m = re.search(r"NTS-KE connections accepted\s*:\s*(\d+)", stats)
        self.assertTrue(m and int(m.group(1)) >= 1, stats)
        m = re.search(r"Authenticated NTP packets\s*:\s*(\d+)", stats)
        self.assertTrue(m and int(m.group(1)) >= 1, stats)

        # No role died and nothing was refused.
        st = d.state()
        self.assertIsNotNone(st, d.log_text())
        self.assertEqual(Daemon.pids(st), pids)
        for pid in pids.values():
            self.assertFalse(proc_status(pid)["State"].startswith("Z"), d.log_text())
        self.assertEqual(d.stop(), 0, d.log_text())
        log = d.log_text()
        self.assertNotIn("seccomp", log)
        self.assertNotRegex(log, r"killed by signal|fatal|Operation not permitted")
        # The parent wrote the drift file and the NTS keys (at the latest when it stopped).
        self.assertTrue(os.path.isfile(drift), log)
        self.assertTrue(os.listdir(nts_dir), log)
        self.assertLess(time.monotonic() - start, SOAK_SECONDS + 15)


if __name__ == "__main__":
    main(sys.argv)
