#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""NTS (RFC 8915) against Debian's chronyd in both directions, on loopback with ports chosen at
run time and a CA plus a server certificate (IP SAN 127.0.0.1) made by the test with the
openssl CLI. tempusd runs with -x, chronyd with -x under capsh --drop=cap_sys_time.
Usage: test_nts.py TEMPUSD TEMPUSCTL"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, wait_for  # noqa: E402
from peers import PeerDaemon, free_udp_port  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
FAST = "iburst minpoll 0 maxpoll 1"
HAVE_TOOLS = all(shutil.which(t) for t in ("chronyd", "chronyc", "capsh", "openssl"))


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Pki:
    """A CA and a server certificate for 127.0.0.1 signed by it, and an unrelated CA."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tempus-nts-pki-")
        os.chmod(self.dir, 0o755)
        self.ca, self.ca_key = self.path("ca.crt"), self.path("ca.key")
        self.other_ca = self.path("other.crt")
        self.cert, self.key = self.path("server.crt"), self.path("server.key")
        self.self_signed_ca("tempus test CA", self.ca_key, self.ca)
        self.self_signed_ca("unrelated CA", self.path("other.key"), self.other_ca)
        csr = self.path("server.csr")
        self.run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", self.key, "-out", csr, "-subj", "/CN=127.0.0.1")
        ext = self.path("ext.cnf")
        with open(ext, "w") as f:
            f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                    "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
        self.run("x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", self.ca_key,
                 "-CAcreateserial", "-days", "30", "-out", self.cert, "-extfile", ext)
        for name in os.listdir(self.dir):
            os.chmod(self.path(name), 0o644)  # test keys: chronyd may read them as any user

    def path(self, name):
        return os.path.join(self.dir, name)

    def self_signed_ca(self, cn, key, cert):
        self.run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", key, "-out", cert, "-days", "30", "-subj", f"/CN={cn}",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    @staticmethod
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=30)

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class NtsChronyd(PeerDaemon):
    """chronyd -x as root (-u root: its NTS dump directory and command socket stay in our
    temporary directory) with the given lines and a command socket for chronyc."""

    def __init__(self, lines):
        super().__init__("tempus-nts-chronyd-", "chrony.conf", "chronyd.pid", "chronyd.log")
        os.chmod(self.dir, 0o700)
        self.sock = os.path.join(self.dir, "chronyd.sock")
        self.dump = os.path.join(self.dir, "nts")
        os.mkdir(self.dump, 0o700)
        with open(self.conf, "w") as f:
            f.write("".join(f"{l}\n" for l in lines) +
                    f"cmdport 0\nbindcmdaddress {self.sock}\npidfile {self.pidfile}\n"
                    f"ntsdumpdir {self.dump}\n")
        subprocess.run(["capsh", "--drop=cap_sys_time", "--", "-c",
                        f"exec chronyd -x -u root -f {self.conf} -l {self.log}"],
                       check=True, timeout=10)
        self.wait_pid()

    def chronyc(self, *args):
        r = subprocess.run(["chronyc", "-c", "-n", "-h", self.sock, *args], capture_output=True,
                           text=True, timeout=10)
        return r.stdout if r.returncode == 0 else ""

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


@unittest.skipUnless(HAVE_TOOLS, "needs chronyd, chronyc, capsh and openssl (tools/dev.sh)")
class Nts(unittest.TestCase):
    def setUp(self):
        self.pki = Pki()
        self.addCleanup(self.pki.remove)

    def chronyd(self, lines):
        c = NtsChronyd(lines)
        self.addCleanup(c.stop)
        return c

    def tempusd(self, lines):
        d = Daemon(TEMPUSD, TEMPUSCTL, lines)
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        return d

    def chronyd_server(self):
        port, ke = free_udp_port(), free_tcp_port()
        server = self.chronyd([f"port {port}", "local stratum 10", "allow 127.0.0.0/8",
                               f"ntsport {ke}", f"ntsserverkey {self.pki.key}",
                               f"ntsservercert {self.pki.cert}"])
        return server, port, ke

    def test_tempusd_is_an_nts_client_of_chronyd(self):
        server, port, ke = self.chronyd_server()
        d = self.tempusd([f"server 127.0.0.1 port {port} {FAST} nts ntsport {ke}",
                          f"ntstrustedcerts {self.pki.ca}", "nosystemcert"])
        st = wait_for(d, lambda s: s["synchronised"])
        self.assertTrue(st and st["synchronised"],
                        f"{st}\n{d.log_text()}\n{server.log_text()}")
        self.assertIn("NTS-KE with 127.0.0.1: 8 cookies", d.log_text())
        self.assertNotIn("NTS NAK", d.log_text())
        self.assertNotIn("not supported", d.log_text())  # nts, ntsport, ntstrustedcerts, ...
        # chronyd counted NTS-KE sessions and authenticated NTP requests of ours.
        stats = server.chronyc("serverstats").split(",")
        self.assertGreaterEqual(int(stats[5]), 1, stats)  # NTS-KE connections accepted
        self.assertGreaterEqual(int(stats[7]), 2, stats)  # authenticated NTP packets
        # The real chronyc on tempusd's socket: authdata's NTS row and ntpdata's flag.
        r = subprocess.run(["chronyc", "-c", "-n", "-h", d.cmd_sock, "authdata"],
                           capture_output=True, text=True, timeout=10)
        row = next((l.split(",") for l in r.stdout.splitlines()
                    if l.startswith("127.0.0.1,")), None)
        self.assertIsNotNone(row, r.stdout + r.stderr)
        # name, mode, key ID (NTS-KE sessions), type (AEAD), key bits, last, attempts, NAK,
        # cookies, cookie length
        self.assertEqual(row[1:5], ["NTS", "1", "15", "256"], row)
        self.assertEqual(row[6:8], ["0", "0"], row)
        self.assertTrue(1 <= int(row[8]) <= 8 and int(row[9]) > 0, row)
        r = subprocess.run(["chronyc", "-n", "-h", d.cmd_sock, "ntpdata", "127.0.0.1"],
                           capture_output=True, text=True, timeout=10)
        self.assertRegex(r.stdout, r"Authenticated\s*: Yes", r.stdout)

    def test_tempusd_keeps_its_cookies_over_a_restart(self):
        server, port, ke = self.chronyd_server()
        dump = tempfile.mkdtemp(prefix="tempus-nts-dump-")
        self.addCleanup(shutil.rmtree, dump, ignore_errors=True)
        lines = [f"server 127.0.0.1 port {port} {FAST} nts ntsport {ke}",
                 f"ntstrustedcerts {self.pki.ca}", "nosystemcert", f"ntsdumpdir {dump}"]
        d = self.tempusd(lines)
        st = wait_for(d, lambda s: s["synchronised"])
        self.assertTrue(st and st["synchronised"], d.log_text())
        d.stop()
        path = os.path.join(dump, "tempus-ntscookies")
        self.assertTrue(os.path.exists(path), d.log_text())
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        d = self.tempusd(lines)
        st = wait_for(d, lambda s: s["synchronised"])
        self.assertTrue(st and st["synchronised"], d.log_text())
        self.assertIn("saved cookies for 127.0.0.1", d.log_text())
        self.assertNotIn("NTS-KE with", d.log_text())
        stats = server.chronyc("serverstats").split(",")
        self.assertEqual(int(stats[5]), 1, stats)  # one NTS-KE in all

    def test_client_trusting_another_ca_gets_no_time(self):
        server, port, ke = self.chronyd_server()
        d = self.tempusd([f"server 127.0.0.1 port {port} {FAST} nts ntsport {ke}",
                          f"ntstrustedcerts {self.pki.other_ca}", "nosystemcert"])
        st = wait_for(d, lambda s: s["synchronised"], timeout=8)
        self.assertFalse(st and st["synchronised"], st)
        self.assertRegex(d.log_text(), r"NTS-KE with 127.0.0.1 failed: .*certificate")
        stats = server.chronyc("serverstats").split(",")
        self.assertEqual(int(stats[7]), 0, stats)  # no authenticated NTP packet

    def serve_nts(self, port, ke, dump):
        return self.tempusd([f"port {port}", "allow 127.0.0.1", "local stratum 5",
                             f"ntsport {ke}", f"ntsserverkey {self.pki.key}",
                             f"ntsservercert {self.pki.cert}", f"ntsdumpdir {dump}"])

    def authdata(self, client):
        """chronyc -c authdata's row for 127.0.0.1: name, mode, key ID, type, key length, last,
        attempts, NAKs, cookies, cookie length."""
        for line in client.chronyc("authdata").splitlines():
            f = line.split(",")
            if f[0] == "127.0.0.1":
                return f
        return None

    def wait_reach(self, client, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in client.chronyc("sources").splitlines():
                f = line.split(",")
                if len(f) > 5 and f[2] == "127.0.0.1" and int(f[5], 8) != 0:
                    return f
            time.sleep(0.5)
        return None

    def test_chronyd_is_an_nts_client_of_tempusd_and_keeps_its_cookies_over_a_restart(self):
        port, ke = free_udp_port(), free_tcp_port()
        dump = tempfile.mkdtemp(prefix="tempus-nts-dump-")
        self.addCleanup(shutil.rmtree, dump, ignore_errors=True)
        d = self.serve_nts(port, ke, dump)
        client = self.chronyd([f"server 127.0.0.1 port {port} {FAST} nts ntsport {ke}",
                               f"ntstrustedcerts {self.pki.ca}", "nosystemcert",
                               f"port {free_udp_port()}"])
        src = self.wait_reach(client)
        self.assertIsNotNone(src, f"{client.log_text()}\n{d.log_text()}")
        auth = self.authdata(client)
        self.assertIsNotNone(auth, client.chronyc("authdata"))
        self.assertEqual(auth[1], "NTS", auth)
        self.assertEqual(auth[3], "15", auth)  # AES-SIV-CMAC-256
        self.assertEqual(auth[7], "0", auth)  # no NAK
        self.assertGreater(int(auth[8]), 0, auth)  # cookies
        self.assertTrue(os.path.exists(os.path.join(dump, "tempus-ntskeys")), os.listdir(dump))
        self.assertEqual(os.stat(os.path.join(dump, "tempus-ntskeys")).st_mode & 0o777, 0o600)
        # chronyc serverstats on tempusd: NTS-KE connections accepted, authenticated packets.
        r = subprocess.run(["chronyc", "-c", "-h", d.cmd_sock, "serverstats"],
                           capture_output=True, text=True, timeout=10)
        stats = r.stdout.split(",")
        self.assertGreaterEqual(len(stats), 8, r)
        self.assertEqual(int(stats[5]), 1, stats)
        self.assertGreaterEqual(int(stats[7]), 1, stats)

        # A restart with the same ntsdumpdir: chronyd's cookies stay valid, no NAK, no new KE
        # (authdata's NAK flag and attempt count start again at a new NTS-KE; its key ID column,
        # which chronyd increments at each NTS-KE, shows whether there was one).
        session = auth[2]
        d.stop()
        d = self.serve_nts(port, ke, dump)
        before = int(self.chronyc_packets(client))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and int(self.chronyc_packets(client)) < before + 3:
            time.sleep(0.5)
        self.assertGreaterEqual(int(self.chronyc_packets(client)), before + 3, d.log_text())
        auth = self.authdata(client)
        self.assertEqual(auth[7], "0", auth)  # still no NAK
        self.assertEqual(auth[2], session, auth)  # the same NTS-KE session

    @staticmethod
    def chronyc_packets(client):
        """Valid replies chronyd has taken from 127.0.0.1 (ntpdata's "Total valid RX")."""
        out = subprocess.run(["chronyc", "-n", "-h", client.sock, "ntpdata", "127.0.0.1"],
                             capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            if line.startswith("Total valid RX"):
                return line.split(":")[1].strip()
        return "0"


if __name__ == "__main__":
    main(sys.argv)
