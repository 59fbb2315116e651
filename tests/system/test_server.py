#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""System tests of the NTP server on loopback, with third-party clients (chronyd -Q under capsh
without CAP_SYS_TIME) and tempusd -Q itself. The server runs with -x.
Usage: test_server.py TEMPUSD TEMPUSCTL"""
import os
import shutil
import socket
import struct
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main  # noqa: E402
from peers import free_udp_port  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]


def chronyd_query(port, timeout=20):
    """chronyd -Q as a one-shot client: (exit code, its output)."""
    r = subprocess.run(["capsh", "--drop=cap_sys_time", "--", "-c",
                        f"exec chronyd -Q -t 10 -f /dev/null 'server 127.0.0.1 port {port} iburst'"],
                       capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stdout + r.stderr


class Server(unittest.TestCase):
    def serve(self, lines):
        port = free_udp_port()
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"port {port}", *lines])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        return d, port

    @unittest.skipUnless(shutil.which("chronyd") and shutil.which("capsh"), "needs chronyd, capsh")
    def test_chronyd_gets_time_from_local_stratum(self):
        d, port = self.serve(["local stratum 10", "allow 127.0.0.1"])
        code, out = chronyd_query(port)
        self.assertEqual(code, 0, out)
        self.assertRegex(out, r"System clock wrong by -?0\.0000\d+ seconds")
        st = d.state()
        self.assertGreaterEqual(st["server"]["answered"], 1)
        self.assertEqual(st["server"]["denied"], 0)

    def test_tempusd_client_of_tempusd_server(self):
        _, port = self.serve(["local stratum 8", "allow 127.0.0.0/8"])
        q = Daemon(TEMPUSD, TEMPUSCTL, [], args=("-Q", f"server 127.0.0.1 port {port} iburst"))
        self.addCleanup(q.stop)
        self.assertEqual(q.wait_exit(60), 0, q.log_text())
        self.assertRegex(q.log_text(), r"System clock wrong by -?0\.0000\d+ seconds \(ignored\)")

    def test_denied_client_gets_nothing(self):
        d, port = self.serve(["local stratum 10", "allow 10.0.0.0/8", "deny 127.0.0.1"])
        q = Daemon(TEMPUSD, TEMPUSCTL, [],
                   args=("-Q", "-t", "6", f"server 127.0.0.1 port {port} iburst"))
        self.addCleanup(q.stop)
        self.assertEqual(q.wait_exit(60), 1, q.log_text())
        self.assertIn("No suitable source for synchronisation", q.log_text())
        st = d.state()
        self.assertGreaterEqual(st["server"]["denied"], 1)
        self.assertEqual(st["server"]["answered"], 0)

    def test_unsynchronised_server_without_local(self):
        # No local reference and no source: answers with leap 3, which clients refuse.
        d, port = self.serve(["allow 127.0.0.1"])
        q = Daemon(TEMPUSD, TEMPUSCTL, [],
                   args=("-Q", "-t", "6", f"server 127.0.0.1 port {port} iburst"))
        self.addCleanup(q.stop)
        self.assertEqual(q.wait_exit(60), 1, q.log_text())
        self.assertGreaterEqual(d.state()["server"]["answered"], 1)

    def test_rate_limit_and_kod(self):
        d, port = self.serve(["local stratum 10", "allow 127.0.0.1",
                              "ratelimit interval 3 burst 4 leak 2 kod 2"])
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(0.3)
        replies = kods = 0
        for i in range(24):
            req = bytes([0x23]) + bytes(39) + struct.pack(">Q", 0x1000 + i)
            sock.sendto(req, ("127.0.0.1", port))
            try:
                r = sock.recv(100)
            except socket.timeout:
                continue
            if r[1] == 0 and r[12:16] == b"RATE":
                kods += 1
            else:
                replies += 1
        sock.close()
        # 4 from the bucket, then 1 in 4 of the 20 limited ones; 1 in 2 of the rest get KoD.
        self.assertEqual(replies, 4 + 5)
        self.assertGreaterEqual(kods, 5)
        st = d.state()["server"]
        # Every request is counted once: answered, KoD, or dropped by the limit.
        self.assertEqual(st["answered"], replies)
        self.assertEqual(st["kod_sent"], kods)
        self.assertEqual(st["rate_limited"] + st["kod_sent"], 20 - 5)
        self.assertEqual(st["serverstats"]["ntp_packets_received"], 24)
        self.assertEqual(st["serverstats"]["ntp_packets_dropped"], st["rate_limited"])
        [client] = st["clients"]
        self.assertEqual(client["address"], "127.0.0.1")
        self.assertEqual(client["ntp_packets"], 24)
        self.assertEqual(client["dropped"], 24 - replies)

    def test_no_allow_no_server_socket(self):
        d, port = self.serve(["local stratum 10"])
        self.assertNotIn("server", d.state())
        self.assertNotIn("serving NTP", d.log_text())


if __name__ == "__main__":
    main(sys.argv)
