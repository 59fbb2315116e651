#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tempus-simd refuses to start outside clknetsim, with a clear message and exit status 1, and
makes no clock-setting system call before it does (checked with strace when available)."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SIMD = None
CLOCK_SETTERS = "clock_adjtime,adjtimex,clock_settime,settimeofday"


def run(env_extra, *prefix):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLKNETSIM")}
    env.pop("LD_PRELOAD", None)
    env.update(env_extra)
    return subprocess.run([*prefix, SIMD, "server 192.0.2.1 iburst", "makestep 0.1 -1"],
                          env=env, capture_output=True, text=True, timeout=30)


class Refusal(unittest.TestCase):
    def test_without_the_simulators_variable(self):
        r = run({})
        self.assertEqual(r.returncode, 1)
        self.assertIn("tempus-simd: refusing to start: CLKNETSIM_NODE is not set", r.stderr)

    def test_with_the_variable_but_no_simulator_loaded(self):
        r = run({"CLKNETSIM_NODE": "1"})
        self.assertEqual(r.returncode, 1)
        self.assertIn("refusing to start", r.stderr)
        self.assertIn("no simulator intercepts it", r.stderr)

    @unittest.skipUnless(shutil.which("strace"), "strace not installed")
    def test_no_clock_setting_call_is_made(self):
        with tempfile.TemporaryDirectory() as d:
            trace = os.path.join(d, "trace")
            for env in ({}, {"CLKNETSIM_NODE": "1"}):
                # execve too, to see that the trace works at all.
                r = run(env, "strace", "-f", "-qq", "-o", trace,
                        "-e", "trace=execve," + CLOCK_SETTERS)
                if r.returncode != 1 and "ptrace" in r.stderr:
                    self.skipTest("strace cannot trace here: " + r.stderr.strip())
                self.assertEqual(r.returncode, 1, r.stderr)
                with open(trace) as f:
                    lines = [line for line in f if not line.startswith("+++")]
                self.assertTrue(any("execve(" in line for line in lines), lines)
                calls = [line for line in lines if "execve(" not in line]
                self.assertEqual(calls, [], f"clock calls with {env}: {calls}")


if __name__ == "__main__":
    SIMD = sys.argv.pop(1)
    unittest.main()
