#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""chronyd's statistics logs from tempusd: tempusd -x synchronised to chronyd -x on loopback with
`log measurements statistics tracking selection` under a logdir of the test's own. Every line is
parsed back with chrony's column layout (count, types, widths); the real chronyc's cyclelogs
reopens the files after they were renamed, and the new files start with a banner. The net
process holds no fd into logdir: the parent writes the lines it is handed.
Usage: test_logs.py TEMPUSD TEMPUSCTL"""
import os
import re
import subprocess
import sys
import tempfile
import shutil
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, main  # noqa: E402
from peers import Chronyd, FakeServer, free_udp_port  # noqa: E402

TEMPUSD, TEMPUSCTL = sys.argv[1], sys.argv[2]
FAST = "iburst minpoll -1 maxpoll 0"

DATE = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
E = r"[ -]\d\.\d{3}e[+-]\d\d"  # %10.3e of a value below 10 in magnitude
# One regular expression per file: chrony's columns (chrony.conf(5)) with their widths.
LINES = {
    "measurements.log": re.compile(
        rf"^{DATE} 127\.0\.0\.1 {{7}}[N+\-?] [ \d]\d [01]{{3}} [01]{{3}} [01]{{4}}  [ \-\d]\d "
        rf"[ \-\d]\d \d\.\d\d {E} {E} {E} {E} {E} [0-9A-F]{{8}} [124][BI] [DKH] [DKH]$"),
    "statistics.log": re.compile(
        rf"^{DATE} 127\.0\.0\.1 {{7}}{E} {E} {E} {E} {E} \d\.\de[+-]\d\d [ \d]{{3}} "
        r"[ \d]{3} [ \d]{3} [ \-]\d\.\d\d$"),
    "tracking.log": re.compile(
        rf"^{DATE} (127\.0\.0\.1 {{6}}|0\.0\.0\.0 {{8}}) [ \d]\d [ \-\d.]{{10}} [ \d.]{{10,}} "
        rf"{E} [N+\-?] [ \d]\d {E} {E} {E} {E} {E}$"),
    "selection.log": re.compile(
        rf"^{DATE} 127\.0\.0\.1 {{7}}[*+xDPW~MNsdSUOT] -[N-][P-][T-][R-] [ 0-7]{{3}}[0-7] "
        rf"[ \d]\d\.\d\d {E} {E} {E}$"),
}
HEADER_START = {
    "measurements.log": "   Date (UTC) Time     IP Address   L St 123 567 ABCD",
    "statistics.log": "   Date (UTC) Time     IP Address    Std dev'n Est offset",
    "tracking.log": "   Date (UTC) Time     IP Address   St   Freq ppm   Skew ppm",
    "selection.log": "   Date (UTC) Time     IP Address   S EOpts Reach Score",
}


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def check_file(case, text, name, banner_every):
    """Every line of `text` is a banner line or a data line of `name`'s layout; banners come
    first and then every `banner_every` data lines. Returns the number of data lines."""
    lines = text.split("\n")
    case.assertEqual(lines[-1], "", f"{name} does not end in a newline")
    lines = lines[:-1]
    data = 0
    i = 0
    while i < len(lines):
        if lines[i].startswith("="):
            header = lines[i + 1]
            case.assertTrue(header.startswith(HEADER_START[name]), header)
            case.assertEqual(lines[i], "=" * len(header))
            case.assertEqual(lines[i + 2], lines[i])
            case.assertEqual(data % banner_every, 0, f"{name}: banner after {data} lines")
            i += 3
            continue
        case.assertRegex(lines[i], LINES[name], name)
        if data % banner_every == 0:
            case.assertTrue(i >= 3 and lines[i - 1].startswith("="),
                            f"{name}: line {data} without its banner")
        data += 1
        i += 1
    return data


class Logs(unittest.TestCase):
    def setUp(self):
        port = free_udp_port()
        self.server = Chronyd(port)
        self.addCleanup(self.server.stop)
        self.logdir = tempfile.mkdtemp(prefix="tempus-logdir-")
        self.addCleanup(shutil.rmtree, self.logdir, True)
        self.logdir = os.path.join(self.logdir, "log")  # created by the parent
        self.d = Daemon(TEMPUSD, TEMPUSCTL,
                        [f"server 127.0.0.1 port {port} {FAST}", f"logdir {self.logdir}",
                         "log measurements statistics tracking selection", "logbanner 5"])
        self.addCleanup(self.d.stop)
        self.assertIsNotNone(self.d.wait_ready(), self.d.log_text())

    def wait_lines(self, names, count, timeout=40):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(read(os.path.join(self.logdir, n)).count("\n") >= count for n in names):
                return True
            time.sleep(0.5)
        return False

    def chronyc(self, *args):
        r = subprocess.run(["chronyc", "-h", self.d.cmd_sock, "-n", *args], capture_output=True,
                           text=True, timeout=15)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr + self.d.log_text())
        return r.stdout

    def test_files_in_chrony_columns_and_cyclelogs_reopens_them(self):
        names = list(LINES)
        self.assertTrue(self.wait_lines(names, 14), self.d.log_text() + "\n".join(
            f"{n}: {read(os.path.join(self.logdir, n))!r}" for n in names))
        st = os.stat(self.logdir)
        self.assertEqual((st.st_uid, st.st_mode & 0o777), (0, 0o755))
        for n in names:
            path = os.path.join(self.logdir, n)
            st = os.stat(path)
            self.assertEqual((st.st_uid, st.st_mode & 0o777), (0, 0o644), n)
            with self.subTest(n):
                self.assertGreaterEqual(check_file(self, read(path), n, 5), 5)
        tracking = read(os.path.join(self.logdir, "tracking.log"))
        self.assertRegex(tracking, r"127\.0\.0\.1 {7}11 ")  # stratum: chronyd's 10 + 1
        # As chronyd's, the file begins with the "no reference yet" line.
        self.assertRegex(tracking.split("\n")[3], r"^\S+ \S+ 0\.0\.0\.0 {10}0 ")

        # The net process writes nowhere in logdir itself (the sandbox is not widened).
        net = Daemon.pids(self.d.state())["net"]
        for fd in os.listdir(f"/proc/{net}/fd"):
            try:
                target = os.readlink(f"/proc/{net}/fd/{fd}")
            except OSError:
                continue
            self.assertFalse(target.startswith(self.logdir), target)

        # logrotate's way: rename, then cyclelogs; new files start with their banner.
        for n in names:
            os.rename(os.path.join(self.logdir, n), os.path.join(self.logdir, n + ".1"))
        self.assertIn("200 OK", self.chronyc("cyclelogs"))
        self.assertTrue(self.wait_lines(["measurements.log", "statistics.log"], 4),
                        self.d.log_text())
        for n in ["measurements.log", "statistics.log"]:
            text = read(os.path.join(self.logdir, n))
            self.assertTrue(text.startswith("=" * 10), text[:200])
            check_file(self, text, n, 5)
        # The renamed files were closed: nothing more is appended to them.
        before = read(os.path.join(self.logdir, "measurements.log.1"))
        time.sleep(2)
        self.assertEqual(read(os.path.join(self.logdir, "measurements.log.1")), before)
        self.assertEqual(self.d.ctl("cyclelogs").returncode, 0)


class NoLogdir(unittest.TestCase):
    def test_log_without_logdir_writes_nothing(self):
        port = free_udp_port()
        server = Chronyd(port)
        self.addCleanup(server.stop)
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"server 127.0.0.1 port {port} {FAST}",
                                        "log measurements tracking"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        time.sleep(4)
        self.assertFalse(any(f.endswith(".log") and f != "stderr.log"
                             for f in os.listdir(d.dir)))
        self.assertEqual(d.proc.poll(), None, d.log_text())


class LogChange(unittest.TestCase):
    def test_correction_above_logchange_is_logged_as_chronyd_does(self):
        """A server 3 s ahead, logchange 2: the warning names the error (> 0: clock behind)."""
        port = free_udp_port()
        server = FakeServer(port, offset=3.0)
        self.addCleanup(server.stop)
        # FakeServer packs the poll unsigned: no negative polls here.
        d = Daemon(TEMPUSD, TEMPUSCTL, [f"server 127.0.0.1 port {port} iburst minpoll 0 maxpoll 1",
                                        "logchange 2"])
        self.addCleanup(d.stop)
        self.assertIsNotNone(d.wait_ready(), d.log_text())
        deadline = time.monotonic() + 30
        while "System clock wrong" not in d.log_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        self.assertRegex(d.log_text(),
                         r"System clock wrong by 3\.0\d{5} seconds, adjustment started")


if __name__ == "__main__":
    main(sys.argv)
