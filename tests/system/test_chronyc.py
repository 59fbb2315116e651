#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The real chronyc against tempusd's command socket: tempusd -x synchronised to chronyd -x on
loopback, its socket in a directory of the test's own (never /run/chrony), every monitoring
report checked for sane values, malformed requests answered with an error status or not at all.
Usage: test_chronyc.py TEMPUSD TEMPUSCTL"""
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, remove_chroot_copy, tempus_user, wait_for  # noqa: E402
from peers import Chronyd, FakeServer, free_udp_port  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
FAST = "iburst minpoll 0 maxpoll 1"
HEADER = struct.Struct("!BBBBHHHHHHIII")  # chrony's reply header, 28 octets


def request(command, length, version=6, pkt_type=1, sequence=0x1234):
    head = struct.pack("!BBBBHHIII", version, pkt_type, 0, 0, command, 0, sequence, 0, 0)
    return (head + bytes(max(0, length - len(head))))[:length]


# What the malformed-request tests send (what, datagram, reply status or None for silence),
# on the Unix socket and over UDP alike.
MALFORMED = [  # what, datagram, status on the Unix socket, status over UDP
    ("null", request(0, 28), 0, 0),
    ("version 5", request(33, 104, version=5), 18, 18),
    ("version 4", request(33, 104, version=4), None, None),
    ("truncated", request(33, 60), 19, 19),
    ("unknown command", request(500, 104), 3, 3),
    ("withdrawn command LOCAL", request(12, 104), 3, 3),
    ("a reply", request(33, 104, pkt_type=2), None, None),
    ("shorter than a reply header", request(33, 27), None, None),
    ("huge", request(33, 4000), None, None),
    ("reserved octet", request(33, 104)[:2] + b"\x01" + request(33, 104)[3:], None, None),
    ("no such source", request(15, 76)[:20] + struct.pack("!I", 99) + bytes(52), 4, 4),
    # ADD_SOURCE with a type chronyd does not know, and with an unterminated name; BURST of an
    # address no source has. Not open commands: over UDP they are not authorised.
    ("bad source type", request(64, 372)[:20] + struct.pack("!I", 9) + b"x" + bytes(351), 3, 2),
    ("unterminated name", request(64, 372)[:20] + struct.pack("!I", 1) + b"x" * 256 +
     bytes(96), 21, 2),
    ("burst of no source", request(3, 68)[:20] + bytes(20) + b"\xc0\x00\x02\x09" +
     bytes(12) + struct.pack("!HHii", 1, 0, 1, 2), 4, 2),
]


def check_malformed(case, exchange, udp=False):
    """Every MALFORMED datagram through exchange(data) → reply or None."""
    for what, data, unix_status, udp_status in MALFORMED:
        status = udp_status if udp else unix_status
        with case.subTest(what):
            reply = exchange(data)
            if status is None:
                case.assertIsNone(reply)
                continue
            case.assertIsNotNone(reply)
            case.assertLessEqual(len(reply), len(data))
            h = HEADER.unpack(reply[:28])
            case.assertEqual(h[:2], (6, 2))
            case.assertEqual(h[4], struct.unpack("!H", data[4:6])[0])  # command echoed
            case.assertEqual(h[6], status)
            case.assertEqual(h[10], 0x1234)  # sequence echoed


def udp_exchange(data, port, source="127.0.0.1", timeout=0.5):
    """One datagram to 127.0.0.1:port from `source`; the reply or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((source, 0))
        s.settimeout(timeout)
        s.sendto(data, ("127.0.0.1", port))
        try:
            return s.recv(2000)
        except socket.timeout:
            return None


class CmdSocket:
    """A test's own command socket directory: DIR is a link into the tempus user's home (the
    net process's chroot), made by tempusd; removed here afterwards."""

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="tempus-chronyc-")
        os.chmod(self.base, 0o755)
        self.dir = os.path.join(self.base, "cmd")
        self.path = os.path.join(self.dir, "chronyd.sock")
        self.real = tempus_user().pw_dir.rstrip("/") + self.dir

    def cleanup(self):
        shutil.rmtree(self.base, ignore_errors=True)
        remove_chroot_copy(self.base)


class Chronyc(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_udp_port()
        cls.ntp_port = free_udp_port()
        cls.server = Chronyd(cls.port)
        cls.cmd = CmdSocket()
        cls.d = Daemon(TEMPUSD, TEMPUSCTL,
                       [f"server 127.0.0.1 port {cls.port} {FAST}", "makestep 1 3",
                        f"port {cls.ntp_port}", "allow 127.0.0.1",
                        f"bindcmdaddress {cls.cmd.path}"])
        ok = cls.d.wait_ready() is not None
        deadline = time.monotonic() + 40
        while ok and time.monotonic() < deadline:
            st = cls.d.state()
            if st and st["synchronised"] and st["sources"][0]["reach"] >= 0o17:
                break
            time.sleep(0.5)
        # A few NTP clients' requests for serverstats and clients.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(1)
            for _ in range(3):
                s.sendto(b"\x23" + bytes(47), ("127.0.0.1", cls.ntp_port))
                try:
                    s.recv(100)
                except socket.timeout:
                    pass

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.server.stop()
        cls.cmd.cleanup()

    def chronyc(self, *args, csv=False):
        flags = ["-n", "-c"] if csv else ["-n"]
        return subprocess.run(["chronyc", "-h", self.cmd.path, *flags, *args],
                              capture_output=True, text=True, timeout=15)

    def ok(self, *args, csv=False):
        r = self.chronyc(*args, csv=csv)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr + self.d.log_text())
        return r.stdout

    def test_directory_is_a_link_into_the_chroot(self):
        self.assertEqual(os.readlink(self.cmd.dir), self.cmd.real)
        st = os.stat(self.cmd.real)
        self.assertEqual(st.st_mode & 0o777, 0o770)
        self.assertEqual((st.st_uid, st.st_gid), (0, tempus_user().pw_gid))

    def test_tracking(self):
        out = self.ok("tracking")
        self.assertIn("Reference ID    : 7F000001 (127.0.0.1)", out)
        self.assertRegex(out, r"Stratum         : 11\n")
        self.assertIn("Leap status     : Normal", out)
        m = re.search(r"Last offset     : ([-+]\d+\.\d+) seconds", out)
        self.assertLess(abs(float(m.group(1))), 0.001, out)
        f = self.ok("tracking", csv=True).strip().split(",")
        self.assertEqual(len(f), 14, f)
        self.assertEqual(f[:3], ["7F000001", "127.0.0.1", "11"])
        self.assertGreater(float(f[3]), time.time() - 60)  # ref time, recent
        self.assertEqual(f[13], "Normal")

    def test_waitsync(self):
        out = self.ok("waitsync", "3", "0.01")
        self.assertIn("try: 1, refid: 7F000001", out)

    def test_sources(self):
        out = self.ok("sources", "-v")
        self.assertIn("Source mode  '^' = server", out)
        self.assertRegex(out, r"\n\^\* 127\.0\.0\.1 +10 +[01] +[0-3]?[0-7]{1,2}7 ")
        f = self.ok("sources", csv=True).strip().split(",")
        self.assertEqual(f[:5], ["^", "*", "127.0.0.1", "10", f[4]])
        self.assertLess(abs(float(f[8])), 0.001, f)   # measured offset
        self.assertLess(float(f[9]), 0.01, f)         # error bound

    def test_sourcestats(self):
        line = self.ok("sourcestats").splitlines()[2]
        f = line.split()
        self.assertEqual(f[0], "127.0.0.1")
        self.assertGreaterEqual(int(f[1]), 3)

    def test_sourcename(self):
        self.assertEqual(self.ok("sourcename", "127.0.0.1").strip(), "127.0.0.1")
        r = self.chronyc("sourcename", "192.0.2.9")
        self.assertIn("503 No such source", r.stdout)

    def test_activity(self):
        # The initial burst (iburst) counts as a burst until it has its good samples.
        deadline = time.monotonic() + 15
        while "1 sources online" not in (out := self.ok("activity")) and \
                time.monotonic() < deadline:
            time.sleep(0.5)
        self.assertIn("1 sources online", out)
        self.assertIn("0 sources with unknown address", out)

    def test_serverstats(self):
        out = self.ok("serverstats")
        self.assertGreaterEqual(int(re.search(r"NTP packets received +: (\d+)", out).group(1)), 3)
        self.assertGreater(int(re.search(r"Command packets received +: (\d+)", out).group(1)), 0)

    def test_clients(self):
        out = self.ok("clients")
        m = re.search(r"\n127\.0\.0\.1 +(\d+) +(\d+) ", out)
        self.assertTrue(m, out)
        self.assertGreaterEqual(int(m.group(1)), 3)

    def test_ntpdata(self):
        out = self.ok("ntpdata", "127.0.0.1")
        self.assertIn("Remote address  : 127.0.0.1 (7F000001)", out)
        self.assertIn(f"Remote port     : {self.port}", out)
        self.assertIn("Local address   : 127.0.0.1", out)
        self.assertIn("Mode            : Server", out)
        self.assertIn("Stratum         : 10", out)
        self.assertIn("Reference ID    : 7F7F0101", out)  # chronyd's `local` refid
        self.assertGreater(int(re.search(r"Total good RX   : (\d+)", out).group(1)), 0)
        self.assertIn("Remote address", self.ok("ntpdata"))  # every source

    def test_selectdata(self):
        self.assertRegex(self.ok("selectdata"), r"\n\* 127\.0\.0\.1 +N ----- ----- ")

    def test_authdata(self):
        self.assertRegex(self.ok("authdata"), r"\n127\.0\.0\.1 +- +0 ")

    def test_disabled_facilities(self):
        self.assertIn("505 Facility not enabled in daemon", self.chronyc("smoothing").stdout)
        self.assertIn("513 RTC driver not running", self.chronyc("rtcdata").stdout)
        self.assertIn("210 n_samples = 0", self.ok("manual", "list"))

    def exchange(self, data, timeout=0.5):
        """Sends one datagram from a socket of our own beside chronyc's; the reply or None."""
        path = os.path.join(self.cmd.dir, f"test.{os.getpid()}.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            s.bind(path)
            os.chmod(path, 0o666)
            s.settimeout(timeout)
            s.connect(self.cmd.path)
            try:
                s.send(data)
                return s.recv(2000)
            except socket.timeout:
                return None
            finally:
                os.unlink(path)

    def test_malformed_requests(self):
        check_malformed(self, self.exchange)
        # chronyc 4.4 and later pad serverstats to the 64-bit format's length and get it.
        reply = self.exchange(request(54, 196))
        self.assertEqual(len(reply), 196)
        self.assertEqual(HEADER.unpack(reply[:28])[5:7], (25, 0))
        # The daemon still answers chronyc.
        self.assertIn("127.0.0.1", self.ok("tracking"))
        self.assertIsNone(self.d.proc.poll())


class Lifecycle(unittest.TestCase):
    def test_socket_removed_at_exit_and_slash_disables(self):
        cmd = CmdSocket()
        self.addCleanup(cmd.cleanup)
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"bindcmdaddress {cmd.path}"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        r = subprocess.run(["chronyc", "-h", cmd.path, "-n", "sources"], capture_output=True,
                           text=True, timeout=15)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(os.path.exists(cmd.path))
        d.stop()
        self.assertFalse(os.path.exists(cmd.path), d.log_text())

        d2 = Daemon(TEMPUSD, TEMPUSCTL, ["bindcmdaddress /"])
        self.addCleanup(d2.stop)
        self.assertIsNotNone(d2.wait_ready(), d2.log_text())
        self.assertFalse(os.path.lexists(cmd.dir) and os.listdir(cmd.real))

    def test_foreign_directory_disables_the_socket(self):
        cmd = CmdSocket()
        self.addCleanup(cmd.cleanup)
        os.makedirs(cmd.dir)
        open(os.path.join(cmd.dir, "someone-elses"), "w").close()
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"bindcmdaddress {cmd.path}"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        self.assertFalse(os.path.exists(cmd.path))
        self.assertIn("command socket", d.log_text())
        self.assertIn("disabled", d.log_text())


def chronyc_of_synced_daemon(case, lines):
    """tempusd -x with `lines` and a command socket of its own, given up to 30 s to
    synchronise; returns run(*args): chronyc -h SOCKET -n ARGS's output, asserting it succeeded."""
    cmd = CmdSocket()
    case.addCleanup(cmd.cleanup)
    d = Daemon(TEMPUSD, TEMPUSCTL, [*lines, f"bindcmdaddress {cmd.path}"])
    case.addCleanup(d.stop)
    case.assertIsNotNone(d.wait_ready(), d.log_text())
    wait_for(d, lambda st: st["synchronised"], timeout=30)

    def run(*args):
        r = subprocess.run(["chronyc", "-h", cmd.path, "-n", *args], capture_output=True,
                           text=True, timeout=15)
        case.assertEqual(r.returncode, 0, r.stdout + r.stderr + d.log_text())
        return r.stdout
    return run


class Signs(unittest.TestCase):
    def test_server_ahead_reads_as_local_clock_behind(self):
        """A server 100 s ahead: chrony's reports call the local clock behind (negative
        offsets, "slow"). -x keeps the host clock out of it; without makestep the correction
        is a slew far too slow to matter here."""
        port = free_udp_port()
        server = FakeServer(port, offset=100.0)
        self.addCleanup(server.stop)
        run = chronyc_of_synced_daemon(self, [f"server 127.0.0.1 port {port} {FAST}"])
        f = run("-c", "sources").strip().split(",")
        self.assertTrue(-101 < float(f[8]) < -95, f)  # measured offset
        out = run("ntpdata", "127.0.0.1")
        self.assertTrue(-101 < float(re.search(r"Offset +: ([-+][\d.]+)", out).group(1)) < -95)
        out = run("tracking")
        self.assertTrue(-101 < float(re.search(r"Last offset +: ([-+][\d.]+)", out).group(1))
                        < -95, out)
        self.assertRegex(out, r"System time +: \d+\.\d+ seconds slow of NTP time")


class Refclock(unittest.TestCase):
    def test_sock_refclock_is_listed_by_its_refid(self):
        sock = f"/tmp/tempus-chronyc-sock-{os.getpid()}.sock"
        self.addCleanup(lambda: os.path.exists(sock) and os.unlink(sock))
        stop = threading.Event()

        def writer():  # chrony's SOCK samples: the reference 100 µs ahead
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
                while not stop.wait(0.25):
                    now = time.time()
                    try:
                        s.sendto(struct.pack("@qqdiiii", int(now), int((now % 1) * 1e6), 0.0001,
                                             0, 0, 0, 0x534F434B), sock)
                    except OSError:
                        pass
        t = threading.Thread(target=writer, daemon=True)
        t.start()
        self.addCleanup(lambda: (stop.set(), t.join(5)))
        run = chronyc_of_synced_daemon(self, [f"refclock SOCK {sock} refid GPS"])
        self.assertRegex(run("sources"), r"\n#\* GPS +0 ")
        self.assertRegex(run("sourcestats"), r"\nGPS +\d+ ")
        out = run("tracking")
        self.assertIn("Reference ID    : 47505300 (GPS)", out)
        self.assertRegex(out, r"Stratum         : 1\n")
        self.assertIn("0 sources online", run("activity"))  # NTP sources only


class DefaultPath(unittest.TestCase):
    """Plain `chronyc` (no -h) against the default socket. Only when /run/chrony is free (absent
    or an empty directory); it is put back as it was afterwards."""

    RUN = "/run/chrony"

    def test_plain_chronyc(self):
        run = self.RUN
        if os.path.islink(run) or (os.path.lexists(run) and not os.path.isdir(run)) or (
                os.path.isdir(run) and os.listdir(run)):
            self.skipTest(f"{run} is in use")
        saved = None
        if os.path.isdir(run):
            st = os.stat(run)
            saved = (st.st_mode & 0o7777, st.st_uid, st.st_gid)
        home = tempus_user().pw_dir.rstrip("/")

        def restore():
            if os.path.islink(run):
                os.unlink(run)
            shutil.rmtree(home + run, ignore_errors=True)
            try:
                os.rmdir(os.path.dirname(home + run))
            except OSError:
                pass
            if saved and not os.path.lexists(run):
                os.mkdir(run)
                os.chmod(run, saved[0])
                os.chown(run, saved[1], saved[2])
        self.addCleanup(restore)
        d = Daemon(TEMPUSD, TEMPUSCTL, ["bindcmdaddress /run/chrony/chronyd.sock"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        self.assertEqual(os.readlink(run), home + run)
        r = subprocess.run(["chronyc", "-n", "tracking"], capture_output=True, text=True,
                           timeout=15)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr + d.log_text())
        self.assertIn("Reference ID    : 00000000 ()", r.stdout)
        self.assertIn("Leap status     : Not synchronised", r.stdout)
        d.stop()
        self.assertFalse(os.path.exists(run + "/chronyd.sock"))


if __name__ == "__main__":
    main(sys.argv)
