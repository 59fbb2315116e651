#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Symmetric keys (keyfile, `key ID`) with chronyd on loopback, both ways: tempusd -x as the
client of chronyd -x, and chronyd -x as the client of tempusd -x, with AES128 (RFC 8573) and
SHA1 keys; a wrong key on either side gives no time and is counted; MD5 keys are warned about.
chronyd runs under capsh --drop=cap_sys_time; every port is a free ephemeral one.
Usage: test_symkey.py TEMPUSD TEMPUSCTL"""
import os
import pwd
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, wait_for  # noqa: E402
from peers import Chronyd, FakeServer, PeerDaemon, _has_user, free_udp_port  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
FAST = "iburst minpoll 0 maxpoll 1"
KEYS = ("10 AES128 HEX:6D1B4E9F2A3C5D7E8F90A1B2C3D4E5F6\n"
        "20 SHA1 ASCII:tempus-sha1-test-key\n"
        "30 MD5 ASCII:tempus-md5-test-key\n"
        "40 SHA256 HEX:00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\n")
# The same IDs with other values: what a misconfigured peer has.
WRONG_KEYS = ("10 AES128 HEX:00112233445566778899AABBCCDDEEFF\n"
              "20 SHA1 ASCII:not-the-right-sha1-key\n")
HAVE_CHRONY = bool(shutil.which("chronyd") and shutil.which("chronyc") and shutil.which("capsh"))


def keyfile(case, text, owner=None):
    """A key file (0640) in a directory of the test's own, removed afterwards."""
    d = tempfile.mkdtemp(prefix="tempus-keys-")
    case.addCleanup(shutil.rmtree, d, True)
    os.chmod(d, 0o755)
    path = os.path.join(d, "keys")
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o640)
    if owner is not None:
        os.chown(path, owner, -1)
    return path


class ChronydClient(PeerDaemon):
    """chronyd -x with `lines`, no NTP port, and its command socket in its own directory."""

    def __init__(self, lines):
        super().__init__("tempus-chronyd-", "chrony.conf", "chronyd.pid", "chronyd.log")
        self.sock = os.path.join(self.dir, "chronyd.sock")
        if _has_user("_chrony"):  # the socket and logs are made after the drop to _chrony
            u = pwd.getpwnam("_chrony")
            os.chown(self.dir, u.pw_uid, u.pw_gid)
        os.chmod(self.dir, 0o770)  # chronyd refuses a command socket in an open directory
        with open(self.conf, "w") as f:
            f.write("".join(f"{l}\n" for l in lines) +
                    f"port 0\ncmdport 0\nbindcmdaddress {self.sock}\npidfile {self.pidfile}\n")
        subprocess.run(["capsh", "--drop=cap_sys_time", "--", "-c",
                        f"exec chronyd -x -f {self.conf} -l {self.log}"], check=True, timeout=10)
        self.wait_pid()

    def log_text(self):
        with open(self.log) as f:
            return f.read()


@unittest.skipUnless(HAVE_CHRONY, "needs chronyd, chronyc and capsh (tools/dev.sh installs them)")
class SymKey(unittest.TestCase):
    def start(self, lines, **kw):
        d = Daemon(TEMPUSD, TEMPUSCTL, lines, **kw)
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        return d

    def chronyd(self, port, lines):
        c = Chronyd(port, lines)
        self.addCleanup(c.stop)
        return c

    def chronyc(self, sock, *args):
        r = subprocess.run(["chronyc", "-h", sock, "-n", *args], capture_output=True, text=True,
                           timeout=15)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    # --- tempusd is the client -------------------------------------------------------------

    def tempus_client_of_chronyd(self, key_id, server_keys, client_keys=KEYS):
        port = free_udp_port()
        self.chronyd(port, ["local stratum 10", "allow 127.0.0.0/8",
                            f"keyfile {keyfile(self, server_keys)}"])
        return self.start([f"server 127.0.0.1 port {port} key {key_id} {FAST}", "makestep 1 3",
                           f"keyfile {keyfile(self, client_keys)}"])

    def check_tempus_client(self, key_id, type_number, bits):
        d = self.tempus_client_of_chronyd(key_id, KEYS)
        st = wait_for(d, lambda s: s["synchronised"])
        self.assertTrue(st and st["synchronised"], f"{st}\n{d.log_text()}")
        src = st["sources"][0]
        self.assertEqual((src["state"], src["key_id"], src["auth_failed"]), ("*", key_id, 0), src)
        out = self.chronyc(d.cmd_sock, "ntpdata", "127.0.0.1")
        self.assertRegex(out, r"Authenticated\s*: Yes", out)
        out = self.chronyc(d.cmd_sock, "authdata")
        self.assertRegex(out, rf"127\.0\.0\.1\s+SK\s+{key_id}\s+{type_number}\s+{bits}\s", out)
        return d

    def test_tempus_client_aes128(self):
        self.check_tempus_client(10, 13, 128)  # chronyc 4.3 prints chronyd's type numbers

    def test_tempus_client_sha1(self):
        self.check_tempus_client(20, 2, 160)

    def test_tempus_client_sha256_speaks_ntpv3(self):
        # A 32-octet digest would be truncated in NTPv4: chronyd and tempusd both use NTPv3.
        d = self.check_tempus_client(40, 3, 256)
        out = self.chronyc(d.cmd_sock, "ntpdata", "127.0.0.1")
        self.assertRegex(out, r"Version\s*: 3", out)

    def test_tempus_client_wrong_key_gets_no_time(self):
        d = self.tempus_client_of_chronyd(10, WRONG_KEYS)
        time.sleep(8)  # iburst at 1-2 s polls: several exchanges
        st = d.state()
        self.assertIsNotNone(st, d.log_text())
        src = st["sources"][0]
        self.assertFalse(st["synchronised"], st)
        self.assertNotIn(src["state"], "*+", src)
        # chronyd drops our requests (unknown MAC): nothing comes back, nothing is counted.
        self.assertEqual(src["reach"], 0, src)

    def test_rekey_reads_the_fixed_key_file(self):
        # Key 10 is wrong in tempusd's file: no time. The file is fixed in place (same inode)
        # and chronyc's rekey makes tempusd read it again: the source gets selected.
        port = free_udp_port()
        self.chronyd(port, ["local stratum 10", "allow 127.0.0.0/8",
                            f"keyfile {keyfile(self, KEYS)}"])
        path = keyfile(self, WRONG_KEYS)
        d = self.start([f"server 127.0.0.1 port {port} key 10 {FAST}", "makestep 1 3",
                        f"keyfile {path}"])
        time.sleep(5)  # iburst at 1-2 s polls: several exchanges, none answered
        st = d.state()
        self.assertIsNotNone(st, d.log_text())
        self.assertFalse(st["synchronised"], st)
        self.assertEqual(st["sources"][0]["reach"], 0, st["sources"][0])
        inode = os.stat(path).st_ino
        with open(path, "r+") as f:
            f.write(KEYS)
            f.truncate()
        self.assertEqual(os.stat(path).st_ino, inode)
        self.assertEqual(self.chronyc(d.cmd_sock, "rekey").strip(), "200 OK")
        st = wait_for(d, lambda s: s["synchronised"])
        self.assertTrue(st and st["synchronised"], f"{st}\n{d.log_text()}")
        src = st["sources"][0]
        self.assertEqual((src["state"], src["key_id"], src["auth_failed"]), ("*", 10, 0), src)

    def test_tempus_client_drops_wrongly_keyed_replies(self):
        # A server that answers with key 10's ID and a digest that is not ours (chronyd would
        # not answer at all), then one that answers without a MAC.
        for tail in (struct.pack(">I", 10) + os.urandom(16), b""):
            port = free_udp_port()
            fake = FakeServer(port, tail=tail)
            self.addCleanup(fake.stop)
            d = self.start([f"server 127.0.0.1 port {port} key 10 {FAST}",
                            f"keyfile {keyfile(self, KEYS)}"])
            st = wait_for(d, lambda s: s["sources"] and s["sources"][0]["auth_failed"] >= 3, 15)
            src = st["sources"][0]
            self.assertGreaterEqual(src["auth_failed"], 3, f"{src}\n{d.log_text()}")
            self.assertEqual(src["reach"], 0, src)
            self.assertFalse(st["synchronised"], st)
            d.stop()

    def test_tempus_client_missing_key_sends_nothing(self):
        port = free_udp_port()
        fake = FakeServer(port)
        self.addCleanup(fake.stop)
        d = self.start([f"server 127.0.0.1 port {port} key 99 {FAST}",
                        f"keyfile {keyfile(self, KEYS)}"])
        st = wait_for(d, lambda s: s["sources"] and s["sources"][0]["key_missing"] >= 3, 15)
        src = st["sources"][0]
        self.assertGreaterEqual(src["key_missing"], 3, src)
        self.assertEqual(fake.seen, set())
        self.assertIn("key 99 of 127.0.0.1 is missing", d.log_text())

    # --- tempusd is the server -------------------------------------------------------------

    def chronyd_client_of_tempus(self, key_id, chronyd_keys, tempus_keys=KEYS):
        tport = free_udp_port()
        d = self.start([f"port {tport}", "allow 127.0.0.1", "local stratum 8",
                        f"keyfile {keyfile(self, tempus_keys)}"])
        c = ChronydClient([f"server 127.0.0.1 port {tport} key {key_id} {FAST}",
                           f"keyfile {keyfile(self, chronyd_keys)}"])
        self.addCleanup(c.stop)
        return d, c, c.sock

    def wait_chronyd_sources(self, sock, pred, timeout=30):
        deadline = time.monotonic() + timeout
        out = ""
        while time.monotonic() < deadline:
            out = self.chronyc(sock, "sources")
            if pred(out):
                return out
            time.sleep(1)
        return out

    def check_chronyd_client(self, key_id):
        d, c, sock = self.chronyd_client_of_tempus(key_id, KEYS)
        out = self.wait_chronyd_sources(sock, lambda o: re.search(r"^\^\*\s+127\.0\.0\.1", o, re.M))
        self.assertRegex(out, r"(?m)^\^\*\s+127\.0\.0\.1", out + c.log_text() + d.log_text())
        out = self.chronyc(sock, "ntpdata", "127.0.0.1")
        self.assertRegex(out, r"Authenticated\s*: Yes", out)
        self.assertRegex(out, r"Stratum\s*: 8", out)
        # Our server counted what it answered with a MAC.
        st = d.state()
        self.assertGreater(st["server"]["authenticated"], 0, st["server"])
        self.assertEqual(st["server"]["auth_failed"], 0, st["server"])
        out = self.chronyc(d.cmd_sock, "serverstats")
        self.assertRegex(out, r"Authenticated NTP packets\s*: [1-9]", out)

    def test_chronyd_client_aes128(self):
        self.check_chronyd_client(10)

    def test_chronyd_client_sha1(self):
        self.check_chronyd_client(20)

    def test_chronyd_client_sha256(self):
        self.check_chronyd_client(40)

    def test_chronyd_client_wrong_key_gets_no_time(self):
        d, c, sock = self.chronyd_client_of_tempus(20, WRONG_KEYS)
        time.sleep(8)
        out = self.chronyc(sock, "sources")
        self.assertNotRegex(out, r"(?m)^\^[*+]\s+127\.0\.0\.1", out)
        self.assertRegex(out, r"(?m)^\^\?\s+127\.0\.0\.1.*\s0\s", out)  # reach 0
        st = d.state()
        self.assertGreater(st["server"]["auth_failed"], 0, st["server"])
        self.assertEqual(st["server"]["answered"], 0, st["server"])

    # --- peers (symmetric mode) ------------------------------------------------------------

    def test_peer_with_chronyd_aes128(self):
        ours, theirs = free_udp_port(), free_udp_port()
        c = self.chronyd(theirs, [f"peer 127.0.0.1 port {ours} key 10 minpoll 0 maxpoll 1",
                                  "local stratum 8", f"keyfile {keyfile(self, KEYS)}"])
        d = self.start([f"port {ours}", f"peer 127.0.0.1 port {theirs} key 10 minpoll 0 maxpoll 1",
                        f"keyfile {keyfile(self, KEYS)}"])
        st = wait_for(d, lambda s: s["synchronised"] and s["sources"][0]["state"] == "*", 40)
        self.assertTrue(st and st["synchronised"], f"{st}\n{d.log_text()}")
        self.assertEqual((st["sources"][0]["stratum"], st["sources"][0]["auth_failed"]), (8, 0))
        # chronyd took our mode 1/2 packets as authenticated samples: tests 1-7 pass (test 5
        # is the MAC) in its measurements log.
        deadline = time.monotonic() + 20
        good = []
        while time.monotonic() < deadline and not good:
            good = [l for l in c.measurements_log().splitlines()
                    if " 127.0.0.1 " in l and "111 111 111" in l]
            time.sleep(0.5)
        self.assertTrue(good, c.measurements_log())

    def test_peer_with_chronyd_wrong_key(self):
        ours, theirs = free_udp_port(), free_udp_port()
        self.chronyd(theirs, [f"peer 127.0.0.1 port {ours} key 10 minpoll 0 maxpoll 1",
                              "local stratum 8", f"keyfile {keyfile(self, WRONG_KEYS)}"])
        d = self.start([f"port {ours}", f"peer 127.0.0.1 port {theirs} key 10 minpoll 0 maxpoll 1",
                        f"keyfile {keyfile(self, KEYS)}"])
        st = wait_for(d, lambda s: s["sources"] and s["sources"][0]["auth_failed"] >= 3, 20)
        src = st["sources"][0]
        self.assertGreaterEqual(src["auth_failed"], 3, f"{src}\n{d.log_text()}")
        self.assertEqual(src["reach"], 0, src)
        self.assertFalse(st["synchronised"], st)

    # --- authselectmode --------------------------------------------------------------------

    def test_authselectmode_mix_trusts_the_authenticated_source(self):
        # Two sources that disagree by 0.5 s: without authentication neither has a majority;
        # with the default mode the authenticated one is trusted and the other is rejected.
        port = free_udp_port()
        self.chronyd(port, ["local stratum 10", "allow 127.0.0.0/8",
                            f"keyfile {keyfile(self, KEYS)}"])
        fport = free_udp_port()
        fake = FakeServer(fport, offset=0.5)
        self.addCleanup(fake.stop)
        d = self.start([f"server 127.0.0.1 port {port} key 10 {FAST}",
                        f"server 127.0.0.1 port {fport} {FAST}", "makestep 1 3",
                        f"keyfile {keyfile(self, KEYS)}"])
        st = wait_for(d, lambda s: s["synchronised"] and s["sources"][0]["state"] == "*", 40)
        self.assertTrue(st and st["synchronised"], f"{st}\n{d.log_text()}")
        self.assertEqual([s["port"] for s in st["sources"] if s["state"] == "*"], [port], st)
        self.assertNotIn(st["sources"][1]["state"], "*+", st)

    def test_authselectmode_require_never_selects_unauthenticated(self):
        port = free_udp_port()
        fake = FakeServer(port)
        self.addCleanup(fake.stop)
        d = self.start([f"server 127.0.0.1 port {port} {FAST}", "authselectmode require"])
        time.sleep(6)
        st = d.state()
        self.assertGreater(st["sources"][0]["reach"], 0, st)  # it answers...
        self.assertFalse(st["synchronised"], st)              # ...and is never selected
        self.assertNotIn(st["sources"][0]["state"], "*+", st)

    # --- the key file ----------------------------------------------------------------------

    def test_md5_key_warned(self):
        d = self.start([f"keyfile {keyfile(self, KEYS)}"])
        self.assertRegex(d.log_text(), r"keys:3: key 30 uses MD5, which is weak")
        self.assertNotRegex(d.log_text(), r"keys:[124]:")
        self.assertIn("loaded 4 symmetric keys", d.log_text())


if __name__ == "__main__":
    main(sys.argv)
