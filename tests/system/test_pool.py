#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""System tests of pool and server names resolved through a real DNS server: dnsmasq in a
network namespace the test creates, named by that namespace's resolv.conf, with no hosts-file
entry, so the dns process's getaddrinfo really sends queries over UDP. tempusd runs inside the
namespace with -x; the NTP servers are peers.py fake servers on the namespace's loopback.
Usage: test_pool.py TEMPUSD TEMPUSCTL"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, netns  # noqa: E402
from peers import free_udp_port, stop_child  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
PEERS_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers.py")
DOMAIN = "tempus-test.example"
RESOLVER = "127.0.0.53"  # dnsmasq's address on the namespace's lo


def wait_until(pred, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.25)
    return pred()


class Dnsmasq:
    """dnsmasq answering for DOMAIN only (other names there get NXDOMAIN; no upstream at all)
    from a hosts-format records file of its own, re-read on SIGHUP; every query logged."""

    def __init__(self, prefix, records=()):
        self.dir = tempfile.mkdtemp(prefix="tempus-dnsmasq-")
        os.chmod(self.dir, 0o755)  # dnsmasq re-reads the records after dropping to nobody
        self.records = os.path.join(self.dir, "records")
        self.log = os.path.join(self.dir, "dnsmasq.log")
        self.set_records(records)
        self.out = open(os.path.join(self.dir, "dnsmasq.out"), "w")
        # ip netns exec execs dnsmasq, and --keep-in-foreground keeps it from forking: the
        # Popen pid is dnsmasq's own.
        self.proc = subprocess.Popen(
            [*prefix, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
             "--no-hosts", "--no-poll", f"--listen-address={RESOLVER}", "--bind-interfaces",
             f"--local=/{DOMAIN}/", f"--addn-hosts={self.records}", "--log-queries",
             f"--log-facility={self.log}", f"--pid-file={self.dir}/dnsmasq.pid"],
            stdout=self.out, stderr=self.out)
        if not wait_until(lambda: self.reads() == 1 or self.proc.poll() is not None, 10) or \
                self.proc.poll() is not None:
            text = self.log_text()
            self.stop()
            raise RuntimeError(f"dnsmasq did not start:\n{text}")

    def set_records(self, records):
        with open(self.records, "w") as f:
            f.write("".join(f"{address} {name}\n" for address, name in records))
        os.chmod(self.records, 0o644)

    def reload(self):
        """Re-reads the records file (SIGHUP also empties dnsmasq's cache)."""
        before = self.reads()
        self.proc.send_signal(signal.SIGHUP)
        return wait_until(lambda: self.reads() > before, 10)

    def reads(self):
        return self.log_text().count(f"read {self.records}")

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def queries(self, name):
        """The query types asked for `name`, in order, e.g. ['A', 'AAAA']."""
        return re.findall(rf"query\[(\w+)\] {re.escape(name)} from ", self.log_text())

    def stop(self):
        stop_child(self.proc)
        self.out.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@unittest.skipUnless(shutil.which("dnsmasq") and shutil.which("ip"),
                     "needs dnsmasq and iproute2 (tools/dev.sh installs dnsmasq-base, iproute2)")
class Pool(unittest.TestCase):
    def setUp(self):
        self.port = free_udp_port()

    def namespace(self, name):
        return netns(self, name, nameserver=RESOLVER, addresses=[f"{RESOLVER}/32"])

    def dnsmasq(self, prefix, records=()):
        dns = Dnsmasq(prefix, records)
        self.addCleanup(dns.stop)
        return dns

    def serve(self, prefix, hosts):
        """A fake NTP server on each of `hosts` inside the namespace."""
        for host in hosts:
            p = subprocess.Popen([*prefix, sys.executable, PEERS_PY, "serve", host,
                                  str(self.port)])
            self.addCleanup(lambda p=p: (p.terminate(), p.wait(timeout=10)))

    def daemon(self, prefix, line):
        d = Daemon(TEMPUSD, TEMPUSCTL, [line], prefix=prefix)
        self.addCleanup(d.stop)
        return d

    @staticmethod
    def wait_state(d, pred, timeout):
        """The first state dump that satisfies pred, or the last one."""
        deadline = time.monotonic() + timeout
        while True:
            st = d.state()
            if (st and pred(st)) or time.monotonic() >= deadline:
                return st
            time.sleep(0.5)

    def test_pool_expands_through_dnsmasq(self):
        # Four addresses, IPv6 included; maxsources 3 takes three distinct ones of them.
        name = f"pool.{DOMAIN}"
        addresses = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "::1"]
        prefix = self.namespace("tempus-test-dnsmasq")
        dns = self.dnsmasq(prefix, [(a, name) for a in addresses])
        self.serve(prefix, addresses)
        d = self.daemon(prefix, f"pool {name} iburst minpoll 0 maxpoll 1 maxsources 3 "
                                f"port {self.port}")
        self.assertIsNotNone(d.wait_ready(timeout=20), d.log_text())
        st = self.wait_state(d, lambda s: s["synchronised"] and len(s["sources"]) == 3 and
                             all(x["reach"] for x in s["sources"]), timeout=30)
        self.assertTrue(st["synchronised"], f"{st}\n{d.log_text()}")
        self.assertEqual(sorted(st["names"][0]["addresses"]), sorted(addresses))
        polled = [x["address"] for x in st["sources"]]
        self.assertEqual(len(set(polled)), 3, polled)
        self.assertLessEqual(set(polled), set(addresses))
        self.assertEqual([x["state"] for x in st["sources"]].count("*"), 1, st)
        self.assertTrue(all(x["reach"] for x in st["sources"]), st)
        self.assertIn(f"{name} resolved to 4 address(es)", d.log_text())
        # The answers came from dnsmasq, over DNS: both record types were asked for.
        self.assertIn("A", dns.queries(name), dns.log_text())
        self.assertIn("AAAA", dns.queries(name), dns.log_text())
        self.assertEqual(d.ctl("status").returncode, 0)

    def test_name_found_after_nxdomain(self):
        # NXDOMAIN first; the records appear while tempusd waits; its retry (8 s) finds them.
        name = f"late.{DOMAIN}"
        prefix = self.namespace("tempus-test-nxdomain")
        dns = self.dnsmasq(prefix)
        self.serve(prefix, ["127.0.0.1", "127.0.0.2"])
        d = self.daemon(prefix, f"pool {name} iburst minpoll 0 maxpoll 1 maxsources 2 "
                                f"port {self.port}")
        st = d.wait_ready(timeout=20)
        self.assertIsNotNone(st, d.log_text())
        self.assertEqual(st["names"][0]["resolve"], "not_found", st)
        self.assertRegex(d.log_text(), rf"cannot resolve {re.escape(name)} \(not found\); "
                                       r"retrying in 8 s")
        self.assertTrue(wait_until(lambda: f"config {name} is NXDOMAIN" in dns.log_text(), 5),
                        dns.log_text())
        asked = len(dns.queries(name))
        dns.set_records([("127.0.0.1", name), ("127.0.0.2", name)])
        self.assertTrue(dns.reload(), dns.log_text())
        st = self.wait_state(d, lambda s: s["synchronised"] and len(s["sources"]) == 2,
                             timeout=30)
        self.assertTrue(st["synchronised"], f"{st}\n{d.log_text()}")
        self.assertEqual(st["names"][0]["resolve"], "ok")
        self.assertEqual(sorted(x["address"] for x in st["sources"]), ["127.0.0.1", "127.0.0.2"])
        self.assertIn(f"{name} resolved to 2 address(es)", d.log_text())
        self.assertGreater(len(dns.queries(name)), asked, dns.log_text())
        self.assertRegex(dns.log_text(), rf"{re.escape(name)} is 127\.0\.0\.[12]")


if __name__ == "__main__":
    main(sys.argv)
