#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A fake chronyd command socket with fixed state, and the generator of tempusctl's golden files.

The fake server answers chrony's command protocol (version 6) on a Unix datagram socket from a
fixed table of replies built here with struct.pack, independently of tempus' own encoder. Run as
a script, it starts the server in a temporary directory, runs the real chronyc (4.3) for every
scenario in SCENARIOS and writes what chronyc printed, and its exit status, to golden/NAME.txt;
it also writes golden/replies.txt (each request the scenarios need and the reply bytes), which
the unit test (golden_test.cc) feeds to tempusctl's command code, and golden/NAME.json, the
expected -j output computed here from the same state.

    tests/unit/ctl/make_golden.py [CHRONYC]      (regenerates tests/unit/ctl/golden/)

test_tempusctl.py (system suite) imports FakeServer and SCENARIOS to compare chronyc and tempusctl
side by side."""
import ipaddress
import json
import math
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")

# ---- chrony's encodings ------------------------------------------------------------------------


def float_bits(x):
    """chrony's UTI_FloatHostToNetwork, step by step (7-bit exponent, 25-bit coefficient)."""
    exp_min, exp_max, coef_bits = -64, 63, 25
    coef_max = (1 << 24) - 1
    neg = 0
    if x < 0:
        x, neg = -x, 1
    elif not x >= 0:
        x = 0.0
    if x < 1e-100:
        exp = coef = 0
    elif x > 1e100:
        exp, coef = exp_max, coef_max + neg
    else:
        exp = int(math.log(x) / math.log(2) + 1)
        coef = int(x * math.pow(2.0, -exp + coef_bits) + 0.5)
        while coef > coef_max + neg:
            coef >>= 1
            exp += 1
        if exp > exp_max:
            exp, coef = exp_max, coef_max + neg
        elif exp < exp_min:
            if exp + coef_bits >= exp_min:
                coef >>= exp_min - exp
                exp = exp_min
            else:
                exp = coef = 0
    if neg:
        coef = (-coef) & ((1 << coef_bits) - 1)
    return ((exp & 0x7f) << coef_bits) | coef


def float_value(bits):
    """chrony's UTI_FloatNetworkToHost: what chronyc will print."""
    exp = bits >> 25
    if exp >= 64:
        exp -= 128
    coef = bits & ((1 << 25) - 1)
    if coef >= 1 << 24:
        coef -= 1 << 25
    return coef * math.pow(2.0, exp - 25)


def flt(x):
    return struct.pack("!I", float_bits(x))


def ipaddr(text):
    """An IPAddr: 16 octets, family (1 IPv4, 2 IPv6, 3 ID, 0 unspecified), padding."""
    if text is None:
        return bytes(20)
    if text.startswith("ID#"):
        return struct.pack("!I", int(text[3:])) + bytes(12) + struct.pack("!HH", 3, 0)
    a = ipaddress.ip_address(text)
    if a.version == 4:
        return a.packed + bytes(12) + struct.pack("!HH", 1, 0)
    return a.packed + struct.pack("!HH", 2, 0)


def refid_addr(refid):
    """A refclock in SOURCE_DATA: an IPv4 address carrying its refid."""
    return refid.encode().ljust(4, b"\0") + bytes(12) + struct.pack("!HH", 1, 0)


def timespec(sec, nsec):
    return struct.pack("!III", sec >> 32, sec & 0xffffffff, nsec)


def read_ipaddr(data):
    raw, family = data[:16], struct.unpack("!H", data[16:18])[0]
    if family == 1:
        return str(ipaddress.IPv4Address(raw[:4]))
    if family == 2:
        return str(ipaddress.IPv6Address(raw))
    if family == 3:
        return "ID#%010d" % struct.unpack("!I", raw[:4])[0]
    return None


NEVER = 0xffffffff

# ---- the fixed state ---------------------------------------------------------------------------
# Sources, as chronyd lists them (index order). mode 0 client, 1 peer, 2 refclock; state 0
# selected, 1 nonselectable, 2 falseticker, 3 jittery, 4 unselected ('+'), 5 selectable ('-').
SOURCES = [
    dict(addr="192.0.2.1", name="ntp1.example.net", mode=0, state=0, stratum=2, poll=6,
         reach=0o377, since=23, orig=-924e-6, meas=-923e-6, err=43e-3),
    dict(addr="2001:db8::123", name="ntp6.example.net", mode=0, state=4, stratum=1, poll=10,
         reach=0o377, since=1260, orig=13e-6, meas=12e-6, err=4.2e-3),
    dict(refid="GPS", mode=2, state=5, stratum=0, poll=4, reach=0o377, since=11, orig=-621e-9,
         meas=-479e-9, err=134e-9),
    dict(addr="192.0.2.3", name="peer.example.net", mode=1, state=1, stratum=0, poll=7, reach=0,
         since=NEVER, orig=0.0, meas=0.0, err=0.0),
    dict(addr="ID#0000000001", name="unresolved.example.net", mode=0, state=1, stratum=0,
         poll=6, reach=0, since=NEVER, orig=0.0, meas=0.0, err=0.0),
    dict(addr="192.0.2.4", name="a-very-long-server-name-for-truncation.example.net", mode=0,
         state=2, stratum=3, poll=-2, reach=0o17, since=40000, orig=1.5, meas=1.4999,
         err=2345.6),
    dict(addr="198.51.100.7", name="jitter.example.org", mode=0, state=3, stratum=4, poll=17,
         reach=0o1, since=400000, orig=-86400.0 * 3, meas=-200000.0, err=9.9995),
]
REFID_GPS = 0x47505300


def source_data(s):
    addr = refid_addr(s["refid"]) if "refid" in s else ipaddr(s["addr"])
    return (addr + struct.pack("!hHHHHHI", s["poll"], s["stratum"], s["state"], s["mode"], 0,
                               s["reach"], s["since"]) +
            flt(s["orig"]) + flt(s["meas"]) + flt(s["err"]))


STATS = [  # per source: n_samples, n_runs, span, sd, resid_freq, skew, est_offset, est_err
    (11, 5, 2760, 25e-6, -0.001, 0.045, 1e-6, 2e-6),
    (64, 30, 60000, 1.5e-3, 123.456, 7.0, -2.5e-3, 1e-4),
    (8, 4, 120, 80e-9, 0.0123, 0.5, -3e-9, 5e-9),
    (0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0),
    (0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0),
    (3, 2, 500000, 0.25, -150000.0, 99999.7, 1.25, 0.5),
    (20, 10, 40000000, 12.0, 1.0e6, 2.5e5, -3600.0, 1.0),
]


def refid_of(s):
    if "refid" in s:
        return REFID_GPS
    a = s["addr"]
    if a.startswith("ID#"):
        return 0
    ip = ipaddress.ip_address(a)
    if ip.version == 4:
        return int(ip)
    import hashlib
    return int.from_bytes(hashlib.md5(ip.packed).digest()[:4], "big")


def source_stats(i):
    s = SOURCES[i]
    n, r, span, sd, freq, skew, off, oerr = STATS[i]
    addr = bytes(20) if "refid" in s else ipaddr(s["addr"])
    return (struct.pack("!I", refid_of(s)) + addr + struct.pack("!III", n, r, span) +
            flt(sd) + flt(freq) + flt(skew) + flt(off) + flt(oerr))


SELECT = [  # state char, auth, leap, conf options, eff options, last, score, lo, hi
    ("*", 0, 0, 2, 2, 23, 1.0, -0.0443, 0.0425),
    ("+", 1, 0, 0, 0, 1260, 3.5, -0.0042, 0.0042),
    ("D", 0, 1, 0x0c, 0x04, 11, 0.0, -1.3e-7, 1.3e-7),
    ("N", 0, 3, 1, 1, NEVER, 0.0, 0.0, 0.0),
    ("M", 0, 3, 0, 0, NEVER, 0.0, 0.0, 0.0),
    ("x", 0, 2, 0, 0, 40000, 123.4, -2344.0, 2347.1),
    ("~", 0, 0, 0, 0, 400000, 99999.9, -200009.9, -199990.1),
]


def select_data(i):
    s = SOURCES[i]
    c, auth, leap, co, eo, last, score, lo, hi = SELECT[i]
    addr = bytes(20) if "refid" in s else ipaddr(s["addr"])
    return (struct.pack("!I", refid_of(s)) + addr + struct.pack("!BBBB", ord(c), auth, leap, 0) +
            struct.pack("!HHI", co, eo, last) + flt(score) + flt(lo) + flt(hi))


AUTH = {  # address → mode, key_type, key_id, key_length, ke_attempts, last_ke, cookies, clen, nak
    "192.0.2.1": (0, 0, 0, 0, 0, NEVER, 0, 0, 0),
    "2001:db8::123": (2, 15, 0, 256, 1, 3700, 8, 100, 0),
    "192.0.2.3": (1, 2, 123, 160, 0, NEVER, 0, 0, 0),
    "ID#0000000001": (2, 0, 0, 0, 3, NEVER, 0, 0, 1),
    "192.0.2.4": (0, 0, 0, 0, 0, NEVER, 0, 0, 0),
    "198.51.100.7": (2, 30, 0, 128, 2, 50, 3, 104, 2),
}


def auth_data(addr):
    m, kt, kid, klen, atmp, last, cook, clen, nak = AUTH[addr]
    return struct.pack("!HHIHHIHHHH", m, kt, kid, klen, atmp, last, cook, clen, nak, 0)


NTPDATA = {  # address → (local, port, leap, version, mode, stratum, poll, precision, rdelay, rdisp,
             # refid, reftime sec, nsec, offset, delay, disp, resp, asym, flags, tx, rx, counts)
    "192.0.2.1": ("192.0.2.100", 123, 0, 4, 4, 2, 6, -24, 0.0123, 0.00045, 0xC0000201,
                  1700000000, 123456789, -923e-6, 0.0456, 1.2e-5, 2.1e-5, 0.05, 0x3ff, "K", "K",
                  (120, 118, 118, 117)),
    "2001:db8::123": ("2001:db8::100", 123, 0, 4, 4, 1, 10, -20, 0.0, 0.000015, 0x47505300,
                      1700000100, 999999999, 12e-6, 0.008, 3.4e-6, 1.1e-5, -0.12, 0x43f5, "H",
                      "D", (40, 40, 39, 39)),
    "192.0.2.3": ("0.0.0.0", 123, 3, 4, 2, 16, 7, -30, 0.0, 0.0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0,
                  0.0, 0x8000 | 0x200, "D", "K", (5, 0, 0, 0)),
    "192.0.2.4": ("192.0.2.100", 10123, 1, 3, 4, 3, -2, 5, 1.5, 2.25, 0x7F7F0101, 4102444800, 0,
                  1.4999, 2.0, 0.5, 3.0, 0.5, 0x1c0, "K", "K", (9, 8, 7, 6)),
    "198.51.100.7": (None, 4123, 2, 4, 4, 4, 17, -31, 0.5, 0.75, 0x5445535453, 1, 1, -200000.0,
                     0.01, 0.02, 0.03, -0.5, 0x0, "X", "H", (4294967295, 1, 2, 3)),
}


def ntp_data(addr):
    (local, port, leap, ver, mode, stratum, poll, prec, rdelay, rdisp, refid, rsec, rnsec,
     off, delay, disp, resp, asym, flags, tx, rx, counts) = NTPDATA[addr]
    return (ipaddr(addr) + ipaddr(local) + struct.pack("!HBBBBbb", port, leap, ver, mode, stratum,
                                                      poll, prec) +
            flt(rdelay) + flt(rdisp) + struct.pack("!I", refid & 0xffffffff) +
            timespec(rsec, rnsec) + flt(off) + flt(delay) + flt(disp) + flt(resp) + flt(asym) +
            struct.pack("!HBB", flags, ord(tx), ord(rx)) + struct.pack("!IIII", *counts) +
            struct.pack("!III", NEVER, NEVER, NEVER))


TRACKING = dict(refid=0xC0000201, addr="192.0.2.1", stratum=3, leap=0, sec=1485510557,
                nsec=123456789, correction=6.523e-6, last=-6.747e-6, rms=35.822e-6,
                freq=-3.225, resid=-0.0001, skew=0.129, delay=0.013639022, disp=0.001100737,
                interval=64.2)


def tracking():
    t = TRACKING
    return (struct.pack("!I", t["refid"]) + ipaddr(t["addr"]) +
            struct.pack("!HH", t["stratum"], t["leap"]) + timespec(t["sec"], t["nsec"]) +
            b"".join(flt(t[k]) for k in ("correction", "last", "rms", "freq", "resid", "skew",
                                          "delay", "disp", "interval")))


SERVERSTATS = (1598, 3, 19, 8, 3, 0, 1, 189, 43, 44, 120)  # hits nke cmd drops... as candm.h


def server_stats3():
    return struct.pack("!11I", *SERVERSTATS)


CLIENTS = [  # address, ntp hits, nke hits, cmd hits, ntp drops, nke drops, cmd drops,
             # ntp int, nke int, cmd int, ntp timeout int, last ntp, last nke, last cmd
    ("127.0.0.1", 2, 0, 15, 0, 0, 0, 2, 127, -1, 127, 133, NEVER, 7),
    ("192.0.2.77", 123456, 4, 0, 12, 1, 0, -3, 6, 127, -2, 0, 4000, NEVER),
    ("2001:db8::77", 5, 1, 2, 0, 0, 1, 10, 127, 3, 127, 36000, 1200, 345600),
    ("192.0.2.78", 1, 0, 0, 0, 0, 0, 127, 127, 127, 127, 86400 * 1000 + 5, NEVER, NEVER),
]


def client_record(c):
    return (ipaddr(c[0]) + struct.pack("!6I", *c[1:7]) + struct.pack("!4b", *c[7:11]) +
            struct.pack("!3I", *c[11:14]))


def clients_reply(first, n, min_hits):
    rows = [c for c in CLIENTS if c[1] >= min_hits]
    chosen = rows[first:first + min(n, 8)]
    body = struct.pack("!III", len(rows), first + len(chosen), len(chosen))
    body += b"".join(client_record(c) for c in chosen)
    body += bytes(60 * (8 - len(chosen)))
    return body


ACTIVITY = (5, 1, 0, 2, 1)
SMOOTHING = (3, 0.000123456, -0.25, 0.000001, 12.34, 600.0)


# ---- the server --------------------------------------------------------------------------------
STATUS_NOSUCHSOURCE, STATUS_INVALID, STATUS_NORTC = 4, 3, 13
REPLY_LENGTH = {1: 28, 2: 32, 3: 76, 5: 104, 6: 84, 12: 48, 13: 52, 16: 152, 18: 416, 19: 284,
                20: 52, 21: 520, 23: 76, 24: 72}


# ONLINE, OFFLINE, BURST, DUMP, REKEY, CYCLELOGS, MAKESTEP, MODIFY_MAKESTEP, LOCAL2, ONOFFLINE,
# ADD_SOURCE, RELOAD_SOURCES: accepted, nothing changes.
STATE_COMMANDS = (1, 2, 3, 6, 16, 17, 18, 19, 20, 21, 22, 23, 24, 37, 43, 48, 50, 53, 56, 62, 63,
                  64, 66, 70)
STATUS_ACCESSALLOWED, STATUS_ACCESSDENIED = 8, 9


def answer_body(command, data):
    """(status, reply format, body) for a request's command and data; the param it read."""
    idx = struct.unpack("!I", data[:4])[0] if len(data) >= 4 else 0
    if command == 14:  # N_SOURCES
        return 0, 2, struct.pack("!I", len(SOURCES)), None
    if command in (15, 34, 69):  # SOURCE_DATA, SOURCESTATS, SELECT_DATA
        if idx >= len(SOURCES):
            return STATUS_NOSUCHSOURCE, 1, b"", idx
        fn, fmt = {15: (lambda i: source_data(SOURCES[i]), 3), 34: (source_stats, 6),
                   69: (select_data, 23)}[command]
        return 0, fmt, fn(idx), idx
    if command in (57, 65, 67):  # NTP_DATA, NTP_SOURCE_NAME, AUTH_DATA
        addr = read_ipaddr(data[:20])
        names = {s["addr"]: s["name"] for s in SOURCES if "addr" in s}
        if command == 57 and addr in NTPDATA:
            return 0, 16, ntp_data(addr), addr
        if command == 65 and addr in names:
            return 0, 19, names[addr].encode().ljust(256, b"\0"), addr
        if command == 67 and addr in AUTH:
            return 0, 20, auth_data(addr), addr
        return STATUS_NOSUCHSOURCE, 1, b"", addr
    if command == 33:
        return 0, 5, tracking(), None
    if command == 54:
        return 0, 24, server_stats3(), None
    if command == 44:
        return 0, 12, struct.pack("!5I", *ACTIVITY), None
    if command == 51:
        return 0, 13, struct.pack("!I", SMOOTHING[0]) + b"".join(flt(x) for x in SMOOTHING[1:]), None
    if command == 41:  # MANUAL_LIST
        return 0, 18, bytes(4 + 16 * 24), None
    if command == 35:  # RTCREPORT
        return STATUS_NORTC, 1, b"", None
    if command == 29:  # DEL_SOURCE: a source of the table, else 503
        addr = read_ipaddr(data[:20])
        known = addr in {s["addr"] for s in SOURCES if "addr" in s}
        return (0 if known else STATUS_NOSUCHSOURCE), 1, b"", addr
    if command in STATE_COMMANDS:
        return 0, 1, b"", None
    if command in (25, 26):  # ACCHECK, CMDACCHECK: 192.0.2.0/24 allowed
        addr = read_ipaddr(data[:20])
        allowed = (addr or "").startswith("192.0.2.")
        return (STATUS_ACCESSALLOWED if allowed else STATUS_ACCESSDENIED), 1, b"", addr
    if command == 68:  # CLIENT_ACCESSES_BY_INDEX3
        first, n, min_hits, _reset = struct.unpack("!4I", data[:16])
        return 0, 21, clients_reply(first, n, min_hits), (first, n, min_hits)
    return STATUS_INVALID, 1, b"", None


def reply(command, sequence, status, fmt, body):
    head = struct.pack("!BBBBHHHHHHIII", 6, 2, 0, 0, command, fmt, status, 0, 0, 0, sequence, 0, 0)
    return head + body


class FakeServer:
    """The fixed state on a Unix datagram socket at `path`, answered from a thread. `seen`
    collects (command, param, reply with sequence 0) for every request answered; `requests`
    each request datagram as it came, attempt and sequence zeroed."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        os.chmod(path, 0o666)
        self.sock.settimeout(0.2)
        self.seen = {}
        self.requests = []
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            try:
                data, peer = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) < 20 or not peer:
                continue
            version, pkt_type, _, _, command, _attempt, sequence = struct.unpack(
                "!BBBBHHI", data[:12])
            if version != 6 or pkt_type != 1:
                continue
            self.requests.append(data[:6] + bytes(6) + data[12:])
            status, fmt, body, param = answer_body(command, data[20:])
            self.seen[(command, param)] = reply(command, 0, status, fmt, body)
            try:
                self.sock.sendto(reply(command, sequence, status, fmt, body), peer)
            except OSError:
                pass

    def stop(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


# ---- the scenarios -----------------------------------------------------------------------------
# name → chronyc arguments (after -h PATH). Text with -n: no reverse DNS from a test.
SCENARIOS = {}
for flags, suffix in ((["-n"], ""), (["-c"], "_csv")):
    for name, args in (
            ("tracking", ["tracking"]),
            ("sources", ["sources"]), ("sources_a", ["sources", "-a"]),
            ("sources_v", ["sources", "-v"]), ("sources_av", ["sources", "-a", "-v"]),
            ("sourcestats", ["sourcestats"]), ("sourcestats_av", ["sourcestats", "-a", "-v"]),
            ("selectdata", ["selectdata"]), ("selectdata_av", ["selectdata", "-a", "-v"]),
            ("authdata", ["authdata"]), ("authdata_av", ["authdata", "-a", "-v"]),
            ("ntpdata", ["ntpdata"]), ("ntpdata_addr", ["ntpdata", "2001:db8::123"]),
            ("ntpdata_unknown", ["ntpdata", "192.0.2.99"]),
            ("serverstats", ["serverstats"]), ("smoothing", ["smoothing"]),
            ("activity", ["activity"]), ("clients", ["clients"]),
            ("clients_k", ["clients", "-k"]), ("clients_p", ["clients", "-p", "5"]),
            ("manual_list", ["manual", "list"]), ("rtcdata", ["rtcdata"]),
            ("sourcename", ["sourcename", "192.0.2.1"]),
            ("sourcename_unknown", ["sourcename", "192.0.2.99"]),
            ("waitsync", ["waitsync", "3", "0.01", "1", "0.1"]),
            ("waitsync_fail", ["waitsync", "2", "1e-9", "0", "0.1"])):
        SCENARIOS[name + suffix] = [*flags, *args]
# chronyc's state-changing commands (after -h PATH), syntax errors included; the only name
# that must resolve is localhost (to 127.0.0.1: golden_test.cc's resolver). golden/state.json:
# what chronyc sent (attempt and sequence zeroed), the status answered, what it printed.
STATE_SCENARIOS = [
    ["online"], ["offline"], ["online", "192.0.2.1"], ["offline", "2001:db8::123"],
    ["offline", "ID#1"], ["online", "192.0.2.0/24"], ["offline", "255.255.0.0/192.0.2.0"],
    ["online", "2001:db8::/33"], ["online", "ffff::/192.0.2.0"], ["online", "localhost"],
    ["offline", "no.such.name.invalid"], ["online", "192.0.2.0/x"],
    ["onoffline"], ["burst", "2/4"], ["burst", "1/3", "192.0.2.1"],
    ["burst", "4/8", "192.0.2.0/28", "extra"], ["burst", "x"], ["burst"],
    ["makestep"], ["makestep", "0.1", "3"], ["makestep", "1"], ["makestep", "-1", "-1"],
    ["local"], ["local", "off"], ["local", "stratum", "5", "orphan", "distance", "0.5"],
    ["local", "stratum", "16"], ["local", "distance"], ["local", "bogus"],
    ["add", "server", "127.0.0.2"], ["add", "pool", "localhost", "iburst", "maxsources", "2"],
    ["add", "peer", "::1", "key", "5", "xleave", "minpoll", "2", "maxpoll", "4"],
    ["add", "server", "127.0.0.3", "port", "1123", "prefer", "noselect", "trust", "require",
     "burst", "offline", "auto_offline", "minstratum", "3", "polltarget", "6", "version", "3",
     "presend", "5", "minsamples", "4", "maxsamples", "9", "filter", "3", "maxdelay", "0.3",
     "maxdelayratio", "2.5", "maxdelaydevratio", "4", "maxdelayquant", "0.2", "mindelay",
     "0.001", "asymmetry", "0.25", "offset", "-0.125", "copy", "extfield", "F323", "nts",
     "ntsport", "4461", "certset", "2"],
    ["add", "server", "127.0.0.4", "key", "0"], ["add", "server", "127.0.0.4", "minpoll"],
    ["add", "server", "127.0.0.4", "bogus"], ["add", "server", "no.such.name.invalid"],
    ["add", "clock", "127.0.0.4"], ["add", "server"], ["add", "SERVER", "127.0.0.5", "IBURST"],
    ["delete", "192.0.2.1"], ["delete", "192.0.2.99"], ["delete"], ["delete", "ID#3"],
    ["reload", "sources"], ["reload"], ["reload", "keys"],
    ["rekey"], ["cyclelogs"], ["dump"],
    ["allow"], ["allow", "all"], ["allow", "192.168.1"], ["deny", "all", "10/8"],
    ["allow", "2001:db8::/32"], ["deny", "192.0.2.1"], ["cmdallow", "127.0.0.2"],
    ["cmddeny", "all", "::1"], ["allow", "localhost"], ["allow", "300.1.1.1"],
    ["deny", "no.such.name.invalid"], ["accheck", "192.0.2.1"], ["accheck", "198.51.100.1"],
    ["cmdaccheck", "::1"], ["accheck"], ["accheck", "localhost"], ["reselect"], ["refresh"],
    ["reset", "sources"], ["reset"], ["shutdown"],
]

SCENARIOS["sources_N"] = ["-n", "-N", "sources", "-a"]
SCENARIOS["tracking_N"] = ["-N", "tracking"]
SCENARIOS["sourcestats_N"] = ["-n", "-N", "sourcestats"]


def run_chronyc(chronyc, path, args):
    r = subprocess.run([chronyc, "-h", path, *args], capture_output=True, text=True, timeout=30)
    return r.returncode, r.stdout


def main():
    chronyc = sys.argv[1] if len(sys.argv) > 1 else "chronyc"
    version = subprocess.run([chronyc, "--version"], capture_output=True, text=True).stdout
    if "version 4.3 " not in version:
        sys.exit(f"{chronyc} is not chronyc 4.3: {version.strip()}")
    os.makedirs(GOLDEN, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tempus-golden-") as d:
        os.chmod(d, 0o755)
        server = FakeServer(os.path.join(d, "chronyd.sock"))
        try:
            for name, args in SCENARIOS.items():
                rc, out = run_chronyc(chronyc, server.path, args)
                with open(os.path.join(GOLDEN, name + ".txt"), "w") as f:
                    f.write(f"# chronyc {' '.join(args)}\n# exit {rc}\n{out}")
            seen = dict(server.seen)  # replies.txt: the reports' requests only
            state = []
            for args in STATE_SCENARIOS:
                server.requests.clear()
                r = subprocess.run([chronyc, "-h", server.path, *args], capture_output=True,
                                   text=True, timeout=30)
                state.append({"args": args, "exit": r.returncode, "stdout": r.stdout,
                              "stderr": r.stderr,
                              "requests": [q.hex() for q in server.requests],
                              "status": [answer_body(struct.unpack("!H", q[4:6])[0], q[20:])[0]
                                         for q in server.requests]})
            with open(os.path.join(GOLDEN, "state.json"), "w") as f:
                json.dump(state, f, indent=1)
                f.write("\n")
        finally:
            server.stop()
    with open(os.path.join(GOLDEN, "replies.txt"), "w") as f:
        f.write("# command param reply (sequence 0): every request the scenarios made\n")
        for (command, param), data in sorted(seen.items(), key=lambda kv: repr(kv[0])):
            p = "-" if param is None else (
                ",".join(map(str, param)) if isinstance(param, tuple) else str(param))
            f.write(f"{command} {p} {data.hex()}\n")
    write_json()


# ---- expected JSON (-j), from the state above --------------------------------------------------
LEAP = ["normal", "insert", "delete", "unsynchronised"]
MODE = ["server", "peer", "refclock"]
STATE = ["selected", "unusable", "falseticker", "jittery", "combined", "not_combined"]


def q(x):
    """A value as it comes out of chrony's Float."""
    return float_value(float_bits(x))


def never(v):
    return None if v == NEVER else v


def json_sources(all_):
    out = []
    for s in SOURCES:
        if not all_ and s.get("addr", "").startswith("ID#"):
            continue
        ref = "refid" in s
        out.append({"mode": MODE[s["mode"]], "state": STATE[s["state"]],
                    "name": s["refid"] if ref else s["addr"],
                    "address": None if ref else s["addr"], "stratum": s["stratum"],
                    "poll": s["poll"], "reach": s["reach"], "last_rx_s": never(s["since"]),
                    "adjusted_offset_s": q(s["meas"]), "measured_offset_s": q(s["orig"]),
                    "error_s": q(s["err"])})
    return out


def json_tracking():
    t = TRACKING
    return {"reference_id": "%08X" % t["refid"], "reference_name": t["addr"],
            "address": t["addr"], "stratum": t["stratum"],
            "ref_time": (t["sec"] * 10**9 + t["nsec"]) * 1e-9,
            "system_time_s": q(t["correction"]), "last_offset_s": q(t["last"]),
            "rms_offset_s": q(t["rms"]), "frequency_ppm": q(t["freq"]),
            "residual_frequency_ppm": q(t["resid"]), "skew_ppm": q(t["skew"]),
            "root_delay_s": q(t["delay"]), "root_dispersion_s": q(t["disp"]),
            "update_interval_s": q(t["interval"]), "leap_status": LEAP[t["leap"]]}


def json_sourcestats():
    out = []
    for s, st in zip(SOURCES, STATS):
        if s.get("addr", "").startswith("ID#"):
            continue
        ref = "refid" in s
        n, r, span, sd, freq, skew, off, _ = st
        out.append({"name": s["refid"] if ref else s["addr"],
                    "address": None if ref else s["addr"], "samples": n, "runs": r,
                    "span_s": span, "frequency_ppm": q(freq), "skew_ppm": q(skew),
                    "offset_s": q(off), "std_dev_s": q(sd)})
    return out


def write_json():
    docs = {
        "tracking": json_tracking(),
        "sources": {"sources": json_sources(False)},
        "sources_a": {"sources": json_sources(True)},
        "sourcestats": {"sourcestats": json_sourcestats()},
        "serverstats": dict(zip(
            ["ntp_packets_received", "ntske_connections_accepted", "command_packets_received",
             "ntp_packets_dropped", "ntske_connections_dropped", "command_packets_dropped",
             "client_log_records_dropped", "authenticated_ntp_packets",
             "interleaved_ntp_packets", "ntp_timestamps_held", "ntp_timestamp_span_s"],
            SERVERSTATS)),
        "activity": dict(zip(["online", "offline", "burst_online", "burst_offline",
                              "unresolved"], ACTIVITY)),
        "smoothing": {"active": True, "leap_only": True, "offset_s": q(SMOOTHING[1]),
                      "frequency_ppm": q(SMOOTHING[2]), "wander_ppm_per_s": q(SMOOTHING[3]),
                      "last_update_ago_s": q(SMOOTHING[4]), "remaining_time_s": q(SMOOTHING[5])},
        "manual_list": {"samples": 0},
        "sourcename": {"name": "ntp1.example.net"},
    }
    for name, doc in docs.items():
        with open(os.path.join(GOLDEN, name + ".json"), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
