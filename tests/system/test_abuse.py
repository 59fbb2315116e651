#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Network abuse (issue 9): tempusd -x serves NTP in a network namespace of its own while
flood.py sends it for 8 s, at 20 000 datagrams/s and then as fast as one process can, malformed
datagrams (short, garbage, bad version, modes it never answers), ntpq (mode 6) and ntpdc
(mode 7) requests, client requests with an oversized extension field, with a hundred extension
fields and with NTS-looking fields full of garbage (the server has an NTS key, so they reach its
cookie decryption), from more distinct source addresses than the client log holds. Meanwhile
a legitimate client asks every 50 ms. Checked: the legitimate client is answered (at 20 000/s),
nothing is amplified (no reply larger than the smallest request of its kind; mode 6 from a
non-loopback address and mode 7 draw nothing), the server's counters add up, the client log
stays within its bound, and each process's resident memory stays bounded. A table of the
figures is printed.
Usage: test_abuse.py TEMPUSD TEMPUSCTL"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main, netns, proc_status  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
FLOOD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "flood.py")

SERVER = "10.77.0.1"       # the namespace's lo holds 10.77.0.0/16: every address in it is local
LEGIT = "10.77.0.2"        # the legitimate client
SUBNET = "10.77"           # flood sources 10.77.1.1 ... (never LEGIT)
SOURCES = 5000             # more than the client log holds (CLIENTLOGLIMIT / 128 records)
CLIENTLOGLIMIT = 262144    # bytes, chrony's unit: 2048 records
SECONDS = 8
PACED_RATE = 20000         # datagrams a second
# Resident memory a process may gain during the flood. The client log is allocated in full at
# start; what is left is allocator slack and the kernel's accounting of touched pages.
MAX_RSS_GROWTH_KIB = {"parent": 512, "net": 4096, "dns": 512}
# Under ASan the allocator keeps freed memory in quarantine and every access is checked: the
# flood still runs (a crash detector), but resident memory and the answered share measure the
# sanitizer, not tempusd, and are printed instead of asserted.
SANITIZED = os.environ.get("TEMPUS_SANITIZED") == "1"
# Datagrams the server may answer, each with a reply no larger than the smallest request of its
# kind (nts_garbage draws an NTS NAK, which echoes the unique identifier).
ANSWERABLE = {"client", "many_efs", "nts_garbage", "garbage"}


def rss_kib(pid):
    s = proc_status(pid)
    return int(s["VmRSS"].split()[0]), int(s["VmHWM"].split()[0])


class Abuse(unittest.TestCase):
    def flood(self, rate):
        """One daemon, one flood at `rate` datagrams a second (0: as fast as the sender goes)
        beside the legitimate client; checks what holds at any rate and returns the legitimate
        client's figures."""
        ns = netns(self, "tempus-abuse", addresses=(f"{SERVER}/16",))
        d = Daemon(TEMPUSD, TEMPUSCTL, ["port 123", f"allow {SUBNET}.0.0/16", "local stratum 10",
                                        f"clientloglimit {CLIENTLOGLIMIT}", *self.nts_server()],
                   prefix=ns)
        self.addCleanup(d.stop)
        st = d.wait_ready()
        self.assertIsNotNone(st, d.log_text())
        pids = Daemon.pids(st)
        time.sleep(1)  # let start-up allocations settle
        before = {role: rss_kib(pid) for role, pid in pids.items()}

        cmd = [*ns, sys.executable, FLOOD]
        probe = subprocess.Popen([*cmd, "probe", SERVER, "123", str(SECONDS), LEGIT],
                                 stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: probe.poll() is None and probe.kill())
        flood = subprocess.Popen([*cmd, "flood", SERVER, "123", str(SECONDS), str(rate),
                                  str(SOURCES), SUBNET, "9"], stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: flood.poll() is None and flood.kill())
        out_flood, _ = flood.communicate(timeout=SECONDS + 30)
        out_probe, _ = probe.communicate(timeout=SECONDS + 30)
        self.assertEqual(flood.returncode, 0)
        self.assertEqual(probe.returncode, 0)
        f = json.loads(out_flood)["kinds"]
        p = json.loads(out_probe)

        self.assertIsNone(d.proc.poll(), d.log_text())
        st = d.state()
        self.assertIsNotNone(st, d.log_text())
        self.assertEqual(Daemon.pids(st), pids)  # nothing restarted
        after = {role: rss_kib(pid) for role, pid in pids.items()}
        srv = st["server"]
        self.report(rate, f, p, srv, before, after)

        self.assertGreaterEqual(p["sent"], SECONDS * 10)
        self.assertGreater(p["answered"], 0)
        # No amplification; silence for what must never be answered.
        for kind, k in f.items():
            self.assertGreater(k["sent"], 0, kind)
            self.assertLessEqual(k["reply_bytes"], k["sent_bytes"], kind)
            if kind in ANSWERABLE:
                self.assertLessEqual(k["largest_reply"], k["smallest_request"], kind)
            else:
                self.assertEqual(k["replies"], 0, kind)
        self.assertGreater(f["client"]["replies"], 0)
        # Every datagram counted once, under its kind.
        parts = ("answered", "kod_sent", "rate_limited", "denied", "malformed", "auth_failed",
                 "mode6_answered", "mode6_dropped", "mode7_dropped", "other_mode_dropped",
                 "send_failed")
        self.assertEqual(srv["received"], sum(srv[x] for x in parts), srv)
        sent = sum(k["sent"] for k in f.values()) + p["sent"]
        self.assertLessEqual(srv["received"], sent)
        for x in ("malformed", "mode6_dropped", "mode7_dropped", "other_mode_dropped"):
            self.assertGreater(srv[x], 0, x)
        self.assertEqual(srv["mode6_answered"], 0)
        self.assertEqual(srv["denied"], 0)
        # The client log: bounded, full, older records replaced.
        cap = srv["client_log_capacity"]
        self.assertEqual(cap, CLIENTLOGLIMIT // 128)
        self.assertLessEqual(len(srv["clients"]), cap)
        self.assertGreater(srv["serverstats"]["client_log_records_dropped"], 0)
        # Memory bounded.
        for role, limit in MAX_RSS_GROWTH_KIB.items():
            if not SANITIZED:
                self.assertLessEqual(after[role][0] - before[role][0], limit, role)
        self.assertNotIn("killed by signal", d.log_text())
        return p, srv, sent

    def nts_server(self):
        """An NTS server key and self-signed certificate, so NTS-looking datagrams reach the
        NTS code (cookie decryption) rather than a server without NTS."""
        tmp = tempfile.mkdtemp(prefix="tempus-abuse-pki-")
        self.addCleanup(shutil.rmtree, tmp, True)
        os.chmod(tmp, 0o755)
        key, cert = os.path.join(tmp, "server.key"), os.path.join(tmp, "server.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", f"/CN={SERVER}", "-addext",
                        f"subjectAltName=IP:{SERVER}"], check=True, capture_output=True,
                       timeout=30)
        for f in (key, cert):
            os.chmod(f, 0o644)
        return [f"ntsserverkey {key}", f"ntsservercert {cert}"]

    def test_flood_leaves_legitimate_clients_answered(self):
        # A rate the server keeps up with on a loaded two-core machine: the kernel drops
        # (almost) nothing, so the legitimate client is answered as without the flood.
        p, srv, sent = self.flood(PACED_RATE)
        if SANITIZED:
            print("ASan build: answered share and RSS growth reported, not checked")
            return
        self.assertGreaterEqual(p["answered"], 0.9 * p["sent"], p)
        self.assertGreaterEqual(srv["received"], 0.9 * sent)

    def test_saturating_flood(self):
        # As fast as the sender goes: the socket overflows and the kernel drops datagrams,
        # hostile and legitimate alike; the daemon stays up, bounded and coherent.
        self.flood(0)

    @staticmethod
    def report(rate, f, p, srv, before, after):
        total = {x: sum(k[x] for k in f.values()) for x in ("sent", "sent_bytes", "replies",
                                                              "reply_bytes")}
        print(f"\nflood: {SECONDS} s at {f'{rate:.0f}/s' if rate else 'full speed'} "
              f"from {SOURCES} addresses, "
              f"{total['sent']} datagrams ({total['sent'] / SECONDS:.0f}/s), "
              f"{total['sent_bytes']} bytes; replies {total['replies']} ({total['reply_bytes']} bytes)")
        print(f"{'kind':<14}{'sent':>9}{'bytes':>11}{'smallest':>9}{'replies':>9}{'bytes':>10}"
              f"{'largest':>9}")
        for kind, k in f.items():
            print(f"{kind:<14}{k['sent']:>9}{k['sent_bytes']:>11}{k['smallest_request']:>9}"
                  f"{k['replies']:>9}{k['reply_bytes']:>10}{k['largest_reply']:>9}")
        print(f"legitimate client: {p['answered']}/{p['sent']} answered, "
              f"median {p['p50_ms'] or 0:.2f} ms, max {p['max_ms'] or 0:.2f} ms")
        print("server: " + ", ".join(f"{x} {srv[x]}" for x in (
            "received", "answered", "malformed", "auth_failed", "mode6_dropped", "mode7_dropped",
            "other_mode_dropped", "send_failed")))
        print(f"client log: {len(srv['clients'])} of {srv['client_log_capacity']} records, "
              f"{srv['serverstats']['client_log_records_dropped']} replaced")
        print(f"{'process':<8}{'VmRSS before':>14}{'VmRSS after':>13}{'VmHWM after':>13}  (KiB)")
        for role in before:
            print(f"{role:<8}{before[role][0]:>14}{after[role][0]:>13}{after[role][1]:>13}")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv)
