#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""System tests of the NTP server on loopback and in network namespaces the tests create, with
third-party clients (chronyd -Q under capsh without CAP_SYS_TIME, ntpsec's ntpdig and ntpq from
TEMPUS_NTPSEC_ROOT) and tempusd -Q itself. The server runs with -x.
Usage: test_server.py TEMPUSD TEMPUSCTL"""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, netns  # noqa: E402
from peers import free_udp_port  # noqa: E402
from peers import probe as ntp_probe  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
NTPSEC_ROOT = os.environ.get("TEMPUS_NTPSEC_ROOT", "/var/cache/tempus-test/ntpsec-root")
NTPSEC_PY = os.path.join(NTPSEC_ROOT, "usr/lib/python3/dist-packages/ntp")
NTPSEC_LIB = os.path.join(NTPSEC_ROOT, "usr/lib/x86_64-linux-gnu/ntp/libntpc.so.1")
HAVE_NTPSEC_PY = os.path.isdir(NTPSEC_PY) and os.path.exists(NTPSEC_LIB)

# A client request (v4, mode 3) with a recognisable transmit timestamp.
MODE3 = bytes([0x23]) + bytes(39) + struct.pack(">Q", 0x0123456789abcdef)
# ntpdc's monlist (mode 7, implementation XNTPD, request MON_GETLIST_1): the amplification probe.
MODE7 = bytes([0x17, 0x00, 0x03, 0x2a]) + bytes(4)
# ntpq's READVAR for the system variables (mode 6, opcode 2, sequence 1, no data).
MODE6 = bytes([0x16, 0x02, 0x00, 0x01]) + bytes(8)

PROBE = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(float(sys.argv[4]))
s.sendto(bytes.fromhex(sys.argv[3]), (sys.argv[1], int(sys.argv[2])))
try:
    print(s.recv(2048).hex())
except socket.timeout:
    print("none")
"""


def probe(host, port, payload, prefix=(), timeout=1.0):
    """One datagram to host:port (from inside a namespace with prefix), the reply or None."""
    r = subprocess.run([*prefix, sys.executable, "-c", PROBE, host, str(port), payload.hex(),
                        str(timeout)], capture_output=True, text=True, timeout=timeout + 10)
    out = r.stdout.strip()
    return None if out in ("none", "") else bytes.fromhex(out)


def ntpsec_pythonpath():
    """A directory for PYTHONPATH whose ntp package finds its libntpc next to it (ntpsec's loader
    looks there first; the unpacked root is not where it looks otherwise)."""
    d = tempfile.mkdtemp(prefix="tempus-ntpsec-py-")
    os.mkdir(os.path.join(d, "ntp"))
    for name in os.listdir(NTPSEC_PY):
        os.symlink(os.path.join(NTPSEC_PY, name), os.path.join(d, "ntp", name))
    os.symlink(NTPSEC_LIB, os.path.join(d, "ntp", "libntpc.so"))
    return d


def chronyd_query(port, timeout=20):
    """chronyd -Q as a one-shot client: (exit code, its output)."""
    r = subprocess.run(["capsh", "--drop=cap_sys_time", "--", "-c",
                        f"exec chronyd -Q -t 10 -f /dev/null 'server 127.0.0.1 port {port} iburst'"],
                       capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stdout + r.stderr


class Server(unittest.TestCase):
    def serve(self, lines, port=None, prefix=()):
        port = port or free_udp_port()
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"port {port}", *lines], prefix=prefix)
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        return d, port

    def netns(self, name):
        """A fresh network namespace with lo up, deleted at cleanup; its `ip netns exec` prefix."""
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
        subprocess.run(["ip", "netns", "add", name], check=True, capture_output=True)
        self.addCleanup(lambda: subprocess.run(["ip", "netns", "del", name], capture_output=True))
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
        return ("ip", "netns", "exec", name)

    def two_hosts(self, server_ns, client_ns):
        """Two namespaces joined by a veth pair: the server 192.0.2.1, the client 192.0.2.2
        (TEST-NET-1, RFC 5737: only inside these namespaces). The names carry our pid, so two
        runs at once do not share a namespace."""
        server_ns, client_ns = f"{server_ns}-{os.getpid()}", f"{client_ns}-{os.getpid()}"
        s, c = self.netns(server_ns), self.netns(client_ns)
        subprocess.run(["ip", "link", "add", "tps0", "netns", server_ns, "type", "veth", "peer",
                        "name", "tpc0", "netns", client_ns], check=True)
        for ns, dev, addr in ((server_ns, "tps0", "192.0.2.1/24"), (client_ns, "tpc0", "192.0.2.2/24")):
            subprocess.run(["ip", "-n", ns, "addr", "add", addr, "dev", dev], check=True)
            subprocess.run(["ip", "-n", ns, "link", "set", dev, "up"], check=True)
        return s, c

    def test_unconfigured_peer_gets_a_passive_answer(self):
        # Mode 1 from a host that is not a configured peer: answered in mode 2 when allowed.
        _, port = self.serve(["allow 127.0.0.1", "local stratum 10"])
        mode1 = bytes([(4 << 3) | 1]) + MODE3[1:]
        reply = probe("127.0.0.1", port, mode1)
        self.assertIsNotNone(reply)
        self.assertEqual(reply[0] & 7, 2)
        self.assertEqual(reply[24:32], mode1[40:48])

    def test_precision_field(self):
        # Measured at start (a modern clock reads in tens of ns), or clockprecision's.
        _, port = self.serve(["allow 127.0.0.1", "local stratum 10"])
        measured = ntp_probe("127.0.0.1", port)["precision"]
        self.assertTrue(-30 <= measured <= -17, measured)
        _, port = self.serve(["allow 127.0.0.1", "local stratum 10", "clockprecision 0.001"])
        self.assertEqual(ntp_probe("127.0.0.1", port)["precision"], -9)

    @unittest.skipUnless(shutil.which("ip"), "needs iproute2")
    def test_allow_host_name(self):
        # The name is resolved by the dns process (here from the namespace's hosts file): the
        # address it names is served, another is not.
        name = "client.tempus-test.example"
        prefix = netns(self, "tempus-test-aclname", hosts=[f"127.0.0.2 {name}"])
        d, port = self.serve([f"allow {name}"], prefix=prefix)
        self.assertTrue(any(f"allow/deny {name} resolved to 1 address" in l
                            for l in self.wait_log(d, "resolved to")), d.log_text())
        ask = ("import json, os, socket, sys\n"
               "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)\n"
               "s.bind((sys.argv[1], 0)); n = os.urandom(8)\n"
               "s.sendto(bytes([0x23]) + bytes(39) + n, ('127.0.0.1', int(sys.argv[2])))\n"
               "try: print(s.recv(512)[24:32] == n)\n"
               "except socket.timeout: print(False)\n")
        run = lambda src: subprocess.run([*prefix, sys.executable, "-c", ask, src, str(port)],
                                         capture_output=True, text=True, timeout=10).stdout.strip()
        self.assertEqual(run("127.0.0.2"), "True")
        self.assertEqual(run("127.0.0.1"), "False")

    def wait_log(self, d, text, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and text not in d.log_text():
            time.sleep(0.2)
        return d.log_text().splitlines()

    @unittest.skipUnless(shutil.which("ip"), "needs iproute2")
    def test_binddevice(self):
        # Bound to the veth, the server answers the other host but not its own loopback.
        s, c = self.two_hosts("tempus-test-bdev-s", "tempus-test-bdev-c")
        port = free_udp_port()
        self.serve(["allow all", "binddevice tps0"], port=port, prefix=s)
        probe = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers.py")

        def ask(prefix, host):
            r = subprocess.run([*prefix, sys.executable, probe, "probe", host, str(port)],
                               capture_output=True, text=True, timeout=10)
            return json.loads(r.stdout)
        self.assertIsNotNone(ask(c, "192.0.2.1"))
        self.assertIsNone(ask(s, "127.0.0.1"))
        # An interface that does not exist: a clear error, not a silent client.
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"port {free_udp_port()}", "allow all",
                                        "binddevice nosuch0"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_exit(15))
        self.assertRegex(d.log_text(), r"cannot open the NTP server socket .* on nosuch0: ")

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

    @unittest.skipUnless(HAVE_NTPSEC_PY, "needs ntpsec's ntpdig (TEMPUS_NTPSEC_ROOT)")
    def test_ntpdig_gets_time(self):
        # ntpdig always asks port 123: the server runs on 127.0.0.1:123 of a namespace of its own.
        prefix = self.netns("tempus-test-ntpdig")
        d, _ = self.serve(["local stratum 10", "allow 127.0.0.1"], port=123, prefix=prefix)
        pypath = ntpsec_pythonpath()
        self.addCleanup(shutil.rmtree, pypath, True)
        offsets = []
        for _ in range(3):  # one exchange each; a busy machine can skew one by milliseconds
            r = subprocess.run([*prefix, "env", f"PYTHONPATH={pypath}", "/usr/bin/python3",
                                os.path.join(NTPSEC_ROOT, "usr/bin/ntpdig"), "-j", "-t", "3",
                                "127.0.0.1"], capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            out = json.loads(r.stdout)
            self.assertEqual(out["stratum"], 10)
            self.assertEqual(out["leap"], "no-leap")
            offsets.append(abs(out["offset"]))
        self.assertLess(min(offsets), 0.001, offsets)  # same host, same clock
        self.assertEqual(d.state()["server"]["answered"], 3)

    def test_mode7_gets_no_reply_even_from_loopback(self):
        d, port = self.serve(["local stratum 10", "allow 127.0.0.1"])
        self.assertIsNone(probe("127.0.0.1", port, MODE7))
        self.assertIsNone(probe("127.0.0.1", port, MODE7 + bytes(184)))  # a full-size request
        # The same socket answers a client request, so the silence above is the policy.
        reply = probe("127.0.0.1", port, MODE3)
        self.assertIsNotNone(reply)
        self.assertEqual(len(reply), 48)
        self.assertEqual(reply[0] & 7, 4)
        self.assertEqual(reply[24:32], MODE3[40:48])  # origin = our transmit timestamp
        st = d.state()["server"]
        self.assertEqual(st["mode7_dropped"], 2)
        self.assertEqual(st["answered"], 1)
        self.assertEqual(st["received"], 3)

    def test_malformed_requests_are_dropped_and_counted(self):
        d, port = self.serve(["local stratum 10", "allow 127.0.0.1"])
        bad_ef = MODE3 + struct.pack(">HH", 0x0104, 30) + bytes(76)  # length not a multiple of 4
        for payload in (MODE3[:47], bytes([0x03]) + MODE3[1:], bad_ef):
            self.assertIsNone(probe("127.0.0.1", port, payload, timeout=0.5))
        st = d.state()["server"]
        self.assertEqual(st["malformed"], 3)
        self.assertEqual(st["answered"], 0)

    def test_mode6_from_another_host_gets_no_reply(self):
        s, c = self.two_hosts("tempus-test-srv", "tempus-test-cli")
        d, _ = self.serve(["local stratum 10", "allow 192.0.2.0/24"], port=123, prefix=s)
        self.assertIsNone(probe("192.0.2.1", 123, MODE6, prefix=c))
        if HAVE_NTPSEC_PY:
            pypath = ntpsec_pythonpath()
            self.addCleanup(shutil.rmtree, pypath, True)
            r = subprocess.run([*c, "env", f"PYTHONPATH={pypath}", "/usr/bin/python3",
                                os.path.join(NTPSEC_ROOT, "usr/bin/ntpq"), "-c", "timeout 500",
                                "-c", "rv", "192.0.2.1"], capture_output=True, text=True,
                               timeout=60)
            self.assertNotIn("version=", r.stdout)
            self.assertIn("timed out", (r.stdout + r.stderr).lower())
        # The client host itself is served: only mode 6 is refused.
        reply = probe("192.0.2.1", 123, MODE3, prefix=c)
        self.assertIsNotNone(reply)
        self.assertEqual(reply[1], 10)
        st = d.state()["server"]
        self.assertGreaterEqual(st["mode6_dropped"], 1)
        self.assertEqual(st["answered"], 1)
        self.assertEqual([cl["address"] for cl in st["clients"]], ["192.0.2.2"])

    def test_no_allow_no_server_socket(self):
        d, port = self.serve(["local stratum 10"])
        self.assertNotIn("server", d.state())
        self.assertNotIn("serving NTP", d.log_text())


if __name__ == "__main__":
    main(sys.argv)
