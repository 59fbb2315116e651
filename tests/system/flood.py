#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Network abuse for test_abuse.py, run inside the test's network namespace.
  flood.py flood DEST PORT SECONDS RATE SOURCES SUBNET16 SEED
      Sends hostile datagrams to DEST:PORT for SECONDS, RATE a second (0: as fast as one
      process can), from SOURCES distinct addresses of SUBNET16 (e.g. 10.77: 10.77.1.1,
      10.77.1.2, ...; they must be local, as a prefix on lo makes them), each address sending
      one datagram of every kind in turn. One socket per kind of datagram, so the replies each
      kind draws are counted apart. Prints JSON: per kind, datagrams and bytes sent, the
      smallest datagram, and replies, bytes and the largest reply received.
  flood.py probe DEST PORT SECONDS SOURCE
      A legitimate client: one request every 50 ms from SOURCE, each waiting up to 250 ms for
      the reply that echoes its transmit timestamp. Prints JSON: sent, answered, latencies.
Every loop ends by its deadline."""
import json
import os
import random
import select
import socket
import struct
import sys
import time

IP_PKTINFO = 8  # <linux/in.h>; Python's socket module does not export it


def header(first, stratum=0, xmit=b"\0" * 8):
    return bytes([first, stratum, 6, 0xEC]) + bytes(36) + xmit


def ef(ftype, body):
    """An RFC 7822 extension field, padded to a multiple of 4, at least 16 octets."""
    length = max(16, 4 + (len(body) + 3) // 4 * 4)
    return struct.pack(">HH", ftype, length) + body + bytes(length - 4 - len(body))


def payload_kinds(rng):
    """Each kind: a list of datagrams (variants picked round-robin)."""
    rb = rng.randbytes
    v4m3 = (4 << 3) | 3
    return {
        # Under 48 octets, or garbage of any length.
        "short": [rb(rng.randrange(0, 48)) for _ in range(64)],
        "garbage": [rb(rng.randrange(48, 1400)) for _ in range(64)],
        # Version 0, 5, 6, 7 in a client header.
        "bad_version": [header((v << 3) | 3, xmit=rb(8)) for v in (0, 5, 6, 7)],
        # Modes a server never answers: 0 (reserved), 4 (server), 5 (broadcast).
        "other_mode": [header((4 << 3) | m, xmit=rb(8)) for m in (0, 4, 5)],
        # ntpq (mode 6) from a non-loopback address: READSTAT, READVAR, and random opcodes.
        "mode6": [bytes([0x16, op, 0, 1]) + bytes(8) for op in (1, 2)] +
                 [bytes([0x16, rng.randrange(0, 32), 0, 1]) + rb(rng.randrange(0, 40)) for _ in range(16)],
        # ntpdc (mode 7): monlist, the classic amplifier, short and full size.
        "mode7": [bytes([0x17, 0x00, 0x03, 0x2A]) + bytes(4),
                  bytes([0x17, 0x00, 0x03, 0x2A]) + bytes(188),
                  bytes([0x27, 0x00, 0x03, 0x2A]) + bytes(44)],
        # A client header with an extension field claiming far more than the datagram holds,
        # or a length that is not a multiple of 4.
        "oversized_ef": [header(v4m3, xmit=rb(8)) + struct.pack(">HH", 0x0104, 65532) + rb(100),
                         header(v4m3, xmit=rb(8)) + struct.pack(">HH", 0x0204, 30) + rb(76)],
        # A client header followed by 100 small extension fields (about 1.6 kB; the server
        # takes at most 16).
        "many_efs": [header(v4m3, xmit=rb(8)) + b"".join(ef(rng.randrange(1, 0xFFFF), rb(12))
                                                         for _ in range(100)) for _ in range(4)],
        # NTS-looking: unique identifier, cookie and authenticator fields full of garbage.
        "nts_garbage": [header(v4m3, xmit=rb(8)) + ef(0x0104, rb(32)) + ef(0x0204, rb(100)) +
                        ef(0x0404, struct.pack(">HH", 16, 16) + rb(32)) for _ in range(16)],
        # Valid requests, each from the next source address: they fill the client log.
        "client": [header(v4m3, xmit=rb(8)) for _ in range(16)],
    }


def flood(dest, port, seconds, rate, sources, subnet, seed):
    rng = random.Random(seed)
    kinds = payload_kinds(rng)
    names = list(kinds)
    socks = {}
    for k in names:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind(("0.0.0.0", 0))
        s.setblocking(False)
        socks[k] = s
    addrs = [f"{subnet}.{1 + i // 250}.{1 + i % 250}" for i in range(sources)]
    # in_pktinfo: ifindex 0, the source as ipi_spec_dst.
    cmsgs = [[(socket.IPPROTO_IP, IP_PKTINFO, struct.pack("=I4s4s", 0, socket.inet_aton(a),
                                                           bytes(4)))] for a in addrs]
    stats = {k: {"sent": 0, "sent_bytes": 0, "replies": 0, "reply_bytes": 0,
                 "largest_reply": 0, "smallest_request": min(len(p) for p in kinds[k]),
                 "errors": 0} for k in names}
    by_fd = {s.fileno(): k for k, s in socks.items()}
    poller = select.poll()
    for s in socks.values():
        poller.register(s, select.POLLIN)

    def drain():
        for fd, _ in poller.poll(0):
            k = by_fd[fd]
            for _ in range(256):
                try:
                    n = len(socks[k].recv(65536))
                except BlockingIOError:
                    break
                stats[k]["replies"] += 1
                stats[k]["reply_bytes"] += n
                stats[k]["largest_reply"] = max(stats[k]["largest_reply"], n)

    target = (dest, port)
    start = time.monotonic()
    deadline = start + seconds
    i = 0
    while True:
        if i % 256 == 0:
            drain()
            now = time.monotonic()
            if now >= deadline:
                break
            if rate > 0 and i / rate > now - start:
                time.sleep(min(i / rate - (now - start), deadline - now))
        k = names[i % len(names)]
        rnd = i // len(names)
        variants = kinds[k]
        p = variants[rnd % len(variants)]
        try:
            socks[k].sendmsg([p], cmsgs[rnd % len(cmsgs)], 0, target)
            stats[k]["sent"] += 1
            stats[k]["sent_bytes"] += len(p)
        except (BlockingIOError, OSError):
            stats[k]["errors"] += 1
        i += 1
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        drain()
        time.sleep(0.02)
    print(json.dumps({"seconds": seconds, "rate": rate, "sources": sources, "kinds": stats}))


def probe(dest, port, seconds, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((source, 0))
    sent = answered = 0
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        nonce = os.urandom(8)
        t0 = time.monotonic()
        s.sendto(header((4 << 3) | 3, xmit=nonce), (dest, port))
        sent += 1
        wait_end = t0 + 0.25
        while True:
            left = wait_end - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                r = s.recv(2048)
            except socket.timeout:
                break
            if len(r) >= 48 and r[24:32] == nonce:
                answered += 1
                latencies.append(time.monotonic() - t0)
                break
        time.sleep(max(0.0, t0 + 0.05 - time.monotonic()))
    latencies.sort()
    print(json.dumps({"sent": sent, "answered": answered,
                      "p50_ms": 1e3 * latencies[len(latencies) // 2] if latencies else None,
                      "max_ms": 1e3 * latencies[-1] if latencies else None}))


if __name__ == "__main__":
    if len(sys.argv) == 9 and sys.argv[1] == "flood":
        flood(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]),
              int(sys.argv[6]), sys.argv[7], int(sys.argv[8]))
    elif len(sys.argv) == 6 and sys.argv[1] == "probe":
        probe(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)
