#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""System tests of the NTP client against real and fake servers on loopback. tempusd runs with
-x (a virtual clock), chronyd with -x under capsh --drop=cap_sys_time.
Usage: test_client.py TEMPUSD TEMPUSCTL"""
import json
import os
import pwd
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, netns, wait_for  # noqa: E402
from peers import Chronyd, FakeServer, Ntpsec, Openntpd, free_udp_port  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
FAST = "iburst minpoll 0 maxpoll 1"
HOOKS = "test hooks" in subprocess.run([TEMPUSD, "-v"], capture_output=True, text=True).stdout
CLOCK_CALLS = ("adjtimex(", "clock_adjtime(", "clock_settime(", "settimeofday(", "stime(")
NTPSEC_ROOT = os.environ.get("TEMPUS_NTPSEC_ROOT", "/var/cache/tempus-test/ntpsec-root")
NTPSEC_NTPD = os.path.join(NTPSEC_ROOT, "usr/sbin/ntpd")
OPENNTPD_ROOT = os.environ.get("TEMPUS_OPENNTPD_ROOT", "/var/cache/tempus-test/openntpd-root")
OPENNTPD_NTPD = os.path.join(OPENNTPD_ROOT, "usr/sbin/ntpd")
PEERS_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers.py")


def has_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


class Client(unittest.TestCase):
    def start(self, lines, **kw):
        d = Daemon(TEMPUSD, TEMPUSCTL, lines, **kw)
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        return d

    def start_synced(self, lines, **kw):
        """A daemon that has selected a source; returns it and its state."""
        d = self.start(lines, **kw)
        st = wait_for(d, lambda s: s["synchronised"])
        self.assertTrue(st and st["synchronised"], f"{st}\n{d.log_text()}")
        return d, st

    @unittest.skipUnless(shutil.which("chronyd") and shutil.which("capsh"),
                         "needs chronyd and capsh (tools/dev.sh installs chrony, libcap2-bin)")
    def test_selects_chronyd(self):
        port = free_udp_port()
        server = Chronyd(port)
        self.addCleanup(server.stop)
        d, st = self.start_synced([f"server 127.0.0.1 port {port} {FAST}", "makestep 1 3"])
        src = st["sources"][0]
        self.assertEqual(src["state"], "*")
        self.assertEqual(src["stratum"], 10)
        self.assertEqual(src["reach"] & 1, 1)
        self.assertLess(abs(src["measured_offset_s"]), 0.001)
        self.assertEqual(st["tracking"]["stratum"], 11)
        r = d.ctl("status")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn(f"synchronised to NTP server (127.0.0.1) at stratum 11", r.stdout)

    @unittest.skipUnless(os.path.exists(NTPSEC_NTPD) and shutil.which("capsh")
                         and shutil.which("ip"),
                         f"needs ntpsec unpacked at {NTPSEC_NTPD} (tools/dev.sh test does it)")
    def test_selects_ntpsec(self):
        server = Ntpsec(NTPSEC_ROOT)
        self.addCleanup(server.stop)
        _, st = self.start_synced([f"server 127.0.0.1 {FAST}"], prefix=server.prefix)
        src = st["sources"][0]
        self.assertEqual(src["state"], "*")
        self.assertEqual(src["stratum"], 10)
        self.assertLess(abs(src["measured_offset_s"]), 0.001)

    @unittest.skipUnless(os.path.exists(OPENNTPD_NTPD) and shutil.which("capsh")
                         and shutil.which("ip") and has_user("ntpd"),
                         f"needs openntpd unpacked at {OPENNTPD_NTPD} and its user ntpd "
                         "(tools/dev.sh test does both)")
    def test_openntpd_unsynchronised_never_selected(self):
        server = Openntpd(OPENNTPD_ROOT)
        self.addCleanup(server.stop)

        def probe():
            r = subprocess.run([*server.prefix, sys.executable, PEERS_PY, "probe", "127.0.0.1",
                                "123"], capture_output=True, text=True, timeout=10)
            return json.loads(r.stdout) if r.returncode == 0 else None

        # It must really answer, and answer unsynchronised, or this test would prove nothing.
        reply = probe()
        self.assertIsNotNone(reply, server.log_text())
        self.assertEqual((reply["mode"], reply["leap"]), (4, 3), reply)
        self.assertFalse(reply["transmit_zero"], reply)
        # -d twice: the net process logs each reply it drops, and why.
        d = self.start([f"server 127.0.0.1 {FAST}"], args=("-d", "-x"), prefix=server.prefix)
        for _ in range(12):  # 1-2 s polls: several of them
            time.sleep(1)
            st = d.state()
            self.assertIsNotNone(st, d.log_text())
            self.assertFalse(st["synchronised"], st)
            self.assertNotIn(st["sources"][0]["state"], "*+", st)
        self.assertEqual(d.ctl("status").returncode, 1)
        # Replies did arrive and matched our requests; they are refused as unsynchronised (openntpd
        # sends stratum 0, which RFC 5905 §7.4 makes a kiss code). The reach register stays 0:
        # RFC 5905 A.5.1.1 sets its bit only after the synchronisation checks, as chrony does.
        dropped = re.findall(r"reply from 127\.0\.0\.1 dropped: (kiss-o'-death \(other code\)"
                             r"|server not synchronised)", d.log_text())
        self.assertGreaterEqual(len(dropped), 5, d.log_text())
        self.assertEqual(st["sources"][0]["reach"], 0, st)
        self.assertEqual(probe()["leap"], 3)

    @unittest.skipUnless(shutil.which("ip"), "needs iproute2")
    def test_unresolvable_name_is_retried(self):
        # A namespace whose resolver fails at once.
        prefix = netns(self, "tempus-test-dns")
        d = Daemon(TEMPUSD, TEMPUSCTL, ["server ntp.tempus-test.example iburst"], prefix=prefix)
        self.addCleanup(d.stop)
        st = d.wait_ready(timeout=20)
        self.assertIsNotNone(st, d.log_text())
        self.assertIn(st["names"][0]["resolve"], ("temporary_failure", "not_found"))
        self.assertRegex(d.log_text(), r"cannot resolve ntp.tempus-test.example .*; retrying in 8 s")
        # Still serving its control socket, and asking again after the backoff.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "retrying in 16 s" not in d.log_text():
            time.sleep(0.5)
        self.assertIn("retrying in 16 s", d.log_text())
        self.assertEqual(d.ctl("status").returncode, 1)

    def run_one_shot(self, flag, env=None, wrap=()):
        port = free_udp_port()
        fake = FakeServer(port, offset=0.25)
        self.addCleanup(fake.stop)
        d = Daemon(TEMPUSD, TEMPUSCTL, [], args=(flag, f"server 127.0.0.1 port {port} iburst"),
                   env=env, strace=True, prefix=wrap)
        self.addCleanup(d.stop)
        code = d.wait_exit(60)
        trace = d.strace_text()
        self.assertFalse([l for l in trace.splitlines()
                          if l.split(" ", 1)[-1].startswith(CLOCK_CALLS)], trace)
        return code, d.log_text()

    def test_query_once(self):
        code, log = self.run_one_shot("-Q")
        self.assertEqual(code, 0, log)
        self.assertRegex(log, r"System clock wrong by 0\.2\d+ seconds \(ignored\)")
        self.assertNotIn("stepped", log)

    @unittest.skipUnless(HOOKS and shutil.which("capsh"),
                         "needs a -Dtest_hooks=true build (virtual clock) and capsh")
    def test_set_once_steps_the_virtual_clock(self):
        # The parent disciplines a virtual clock, keeps no capability, and runs under capsh
        # without CAP_SYS_TIME: the host clock cannot move even by mistake.
        code, log = self.run_one_shot("-q", env={"TEMPUS_TEST_CLOCK": "virtual"},
                                      wrap=("capsh", "--drop=cap_sys_time", "--", "-c",
                                            'exec "$0" "$@"'))
        self.assertEqual(code, 0, log)
        self.assertRegex(log, r"System clock wrong by 0\.2\d+ seconds \(step\)")
        self.assertRegex(log, r"System clock was stepped by 0\.2\d+ seconds")

    @unittest.skipUnless(shutil.which("ip"), "needs iproute2")
    def test_pool_replaces_a_silent_member(self):
        # A namespace whose /etc/hosts gives the pool name three loopback addresses; the
        # second has no server. With maxsources 2 it is dropped and the third taken instead.
        ns, name = "tempus-test-pool", "pool.tempus-test.example"
        prefix = netns(self, ns, hosts=[f"127.0.0.{i} {name}" for i in (1, 2, 3)])
        port = free_udp_port()
        for host in ("127.0.0.1", "127.0.0.3"):
            p = subprocess.Popen([*prefix, sys.executable, PEERS_PY, "serve", host, str(port)])
            self.addCleanup(lambda p=p: (p.terminate(), p.wait(timeout=10)))
        d = Daemon(TEMPUSD, TEMPUSCTL,
                   [f"pool {name} port {port} iburst minpoll 0 maxpoll 0 maxsources 2"],
                   prefix=prefix)
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(timeout=20), d.log_text())
        st = wait_for(d, lambda s: sorted(x["address"] for x in s["sources"]) ==
                      ["127.0.0.1", "127.0.0.3"] and s["synchronised"], timeout=40)
        self.assertEqual(sorted(x["address"] for x in st["sources"]), ["127.0.0.1", "127.0.0.3"],
                         f"{st}\n{d.log_text()}")
        self.assertIn(f"replacing pool member 127.0.0.2 of {name} (unreachable)", d.log_text())

    @unittest.skipUnless(os.path.exists("/usr/share/zoneinfo/right/UTC"), "needs tzdata's right/UTC")
    def test_leapsectz_gives_tai_offset(self):
        port = free_udp_port()
        fake = FakeServer(port)
        self.addCleanup(fake.stop)
        _, st = self.start_synced([f"server 127.0.0.1 port {port} {FAST}", "leapsectz right/UTC"])
        self.assertEqual(st["tracking"]["tai_minus_utc_s"], 37)  # since 2017-01-01
        self.assertEqual(st["tracking"]["leap"], "normal")

    def test_leapseclist_announces_a_leap(self):
        # A made-up leap second at the coming UTC midnight: the table overrides the sources.
        ntp = 2208988800
        midnight = (int(time.time()) // 86400 + 1) * 86400
        lst = f"/tmp/tempus-test-leap-{os.getpid()}.list"
        with open(lst, "w") as f:
            f.write(f"#@ {midnight + ntp + 86400 * 365}\n{63072000 + ntp} 10 # 1972\n"
                    f"{midnight + ntp} 11 # made up\n")
        self.addCleanup(os.unlink, lst)
        port = free_udp_port()
        fake = FakeServer(port)
        self.addCleanup(fake.stop)
        d = self.start([f"server 127.0.0.1 port {port} {FAST}", f"leapseclist {lst}"])
        st = wait_for(d, lambda s: s["synchronised"] and s["tracking"]["leap"] == "insert")
        self.assertEqual(st["tracking"]["leap"], "insert", f"{st}\n{d.log_text()}")
        self.assertEqual(st["tracking"]["tai_minus_utc_s"], 10)

    def test_refclock_sock(self):
        # A gpsd-like writer sends chrony's SOCK samples (native struct timeval, double offset,
        # pulse, leap, pad, magic) saying the reference is 100 µs ahead of the system clock.
        paths = [f"/tmp/tempus-test-sock-{os.getpid()}-{i}.sock" for i in (1, 2)]
        for p in paths:  # the chrooted net process cannot remove them at exit
            self.addCleanup(lambda p=p: os.path.exists(p) and os.unlink(p))
        stop = threading.Event()

        def writer():
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            while not stop.wait(0.25):
                now = time.time()
                sample = struct.pack("@qqdiiii", int(now), int((now % 1) * 1e6), 0.0001, 0, 0, 0,
                                     0x534F434B)
                for p in paths:
                    try:
                        s.sendto(sample, p)
                    except OSError:
                        pass
            s.close()

        t = threading.Thread(target=writer, daemon=True)
        t.start()
        self.addCleanup(lambda: (stop.set(), t.join(5)))
        # -Q reports the offset the samples carry.
        q = Daemon(TEMPUSD, TEMPUSCTL, [], args=("-Q", f"refclock SOCK {paths[0]} refid GPS"))
        self.addCleanup(q.stop)
        self.assertEqual(q.wait_exit(60), 0, q.log_text())
        self.assertRegex(q.log_text(), r"System clock wrong by 0\.000(09\d|10\d)\d* seconds")
        # As a source: selected, and we serve stratum 1 on it.
        d, st = self.start_synced([f"refclock SOCK {paths[1]} refid GPS"])
        src = st["sources"][0]
        self.assertTrue(src["refclock"])
        self.assertEqual(src["state"], "*")
        self.assertEqual(src["name"], "GPS")
        self.assertEqual(st["tracking"]["stratum"], 1)
        r = d.ctl("status")
        self.assertEqual(r.returncode, 0)
        self.assertIn("synchronised to NTP server (GPS) at stratum 1", r.stdout)

    def test_each_source_polls_from_a_port_of_its_own(self):
        # RFC 9109: not the NTP port, and not one port shared by every source (which an
        # off-path attacker would learn from one exchange). Each association keeps its port.
        ports = [free_udp_port() for _ in range(4)]
        fakes = [FakeServer(p) for p in ports]
        for f in fakes:
            self.addCleanup(f.stop)
        self.start([f"server 127.0.0.1 port {p} iburst minpoll 0 maxpoll 0" for p in ports])
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all(len(f.seen) >= 1 for f in fakes):
            time.sleep(0.2)
        time.sleep(2)  # a few more polls each
        seen = [f.seen for f in fakes]
        self.assertTrue(all(len(s) == 1 for s in seen), seen)
        used = [next(iter(s))[1] for s in seen]
        self.assertEqual(len(set(used)), len(used), used)
        self.assertTrue(all(p >= 1024 and p not in ports for p in used), used)

    def test_silent_server_is_given_up(self):
        port = free_udp_port()
        fake = FakeServer(port)
        self.addCleanup(fake.stop)
        d, _ = self.start_synced([f"server 127.0.0.1 port {port} iburst minpoll 0 maxpoll 0"])
        fake.stop()
        # Eight unanswered 1 s polls empty the reach register.
        st = wait_for(d, lambda s: not s["synchronised"], timeout=30)
        self.assertFalse(st["synchronised"], st)
        self.assertEqual(st["sources"][0]["reach"], 0)
        self.assertEqual(d.ctl("status").returncode, 1)

    def test_unsynchronised_server_never_selected(self):
        port = free_udp_port()
        fake = FakeServer(port, leap=3, stratum=0)
        self.addCleanup(fake.stop)
        d = self.start([f"server 127.0.0.1 port {port} {FAST}"])
        time.sleep(8)
        st = d.state()
        self.assertFalse(st["synchronised"], st)
        self.assertNotIn(st["sources"][0]["state"], "*+")
        self.assertEqual(d.ctl("status").returncode, 1)

    def test_falseticker_never_selected(self):
        ports = [free_udp_port() for _ in range(3)]
        fakes = [FakeServer(ports[0]), FakeServer(ports[1]), FakeServer(ports[2], offset=0.5)]
        for f in fakes:
            self.addCleanup(f.stop)
        d = self.start([f"server 127.0.0.1 port {p} {FAST}" for p in ports])
        st = wait_for(d, lambda s: s["synchronised"] and
                      any(x["state"] == "x" for x in s["sources"]))
        self.assertTrue(st and st["synchronised"], f"{st}\n{d.log_text()}")
        states = {x["port"]: x["state"] for x in st["sources"]}
        self.assertEqual(states[ports[2]], "x")
        self.assertIn(states[ports[0]] + states[ports[1]], ("*+", "+*", "*-", "-*"))
        for _ in range(6):
            time.sleep(1)
            st = d.state()
            self.assertNotIn({x["port"]: x["state"] for x in st["sources"]}[ports[2]], "*+")


if __name__ == "__main__":
    main(sys.argv)
