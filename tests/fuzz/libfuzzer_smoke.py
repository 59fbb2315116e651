#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Short libFuzzer run of one target, for CI (`meson test --suite fuzz-libfuzzer` in a
-Dfuzzing=true build). Usage: libfuzzer_smoke.py TARGET SEED_DIR WORK_DIR [SECONDS]

The seeds are copied into WORK_DIR/corpus (libFuzzer adds what it finds there, never to the
source tree); a crash, leak, timeout, sanitizer report or broken round trip fails the test and
leaves its reproducer in WORK_DIR/artifacts. Prints the executions and executions per second."""
import os
import re
import shutil
import subprocess
import sys


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    target, seeds, work = sys.argv[1:4]
    seconds = int(sys.argv[4]) if len(sys.argv) == 5 else 5
    name = os.path.basename(target)
    corpus = os.path.join(work, "corpus")
    artifacts = os.path.join(work, "artifacts")
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(seeds, corpus)
    os.makedirs(artifacts, exist_ok=True)
    earlier = set(os.listdir(artifacts))  # kept from earlier runs, not this run's finding

    env = dict(os.environ)
    # Every UBSan finding stops the run (libFuzzer then saves the input), as ASan's do.
    env["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1"
    env.setdefault("ASAN_OPTIONS", "")
    cmd = [target, f"-max_total_time={seconds}", "-timeout=10", "-rss_limit_mb=1024",
           "-print_final_stats=1", f"-artifact_prefix={artifacts}/", corpus]
    # The hard limit covers a hang libFuzzer's own -timeout does not catch (e.g. in startup).
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, errors="replace",
                           timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        print(f"{name}: no result after {seconds + 60} s", file=sys.stderr)
        return 1
    out = p.stderr
    stats = dict(re.findall(r"^stat::(\w+):\s*(\d+)", out, re.M))
    runs = int(stats.get("number_of_executed_units", 0))
    per_s = int(stats.get("average_exec_per_sec", 0))
    found = sorted(set(os.listdir(artifacts)) - earlier)
    if p.returncode != 0 or found:
        sys.stderr.write(out[-20000:])
        print(f"{name}: FAILED (exit {p.returncode}) after {runs} execs; reproducers in "
              f"{artifacts}: {' '.join(found) or 'none'}", file=sys.stderr)
        return 1
    grown = len(os.listdir(corpus))
    print(f"{name}: {runs} execs in {seconds} s ({per_s} execs/s), corpus "
          f"{len(os.listdir(seeds))} -> {grown} inputs, no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
