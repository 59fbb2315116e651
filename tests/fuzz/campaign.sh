#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The long libFuzzer campaign (docs/fuzzing.md), one target at a time at low priority:
#   tests/fuzz/campaign.sh [-u] BUILD_DIR SECONDS [TARGET...]
# BUILD_DIR is a -Dfuzzing=true build (clang). Each target (default: all) fuzzes for SECONDS
# (0: no fuzzing, only the merge) on BUILD_DIR/tests/fuzz/campaign/TARGET/corpus, which starts
# from tests/fuzz/corpus/TARGET and keeps growing across runs; crashes land in .../artifacts.
# Then the findings are merged over the committed seeds into .../new (-merge=1 -use_counters=0:
# only inputs that add edges) and "TARGET: N execs (N/s), N crash(es), N new seed(s)" is
# printed. With -u the new seeds are copied to tests/fuzz/corpus/TARGET (named by content hash)
# to be committed.
set -euo pipefail
cd "$(dirname "$0")/../.."

update=0
if [ "${1:-}" = -u ]; then update=1; shift; fi
if [ $# -lt 2 ]; then
  echo "usage: tests/fuzz/campaign.sh [-u] BUILD_DIR SECONDS [TARGET...]" >&2
  exit 2
fi
build=$1 seconds=$2
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.cc; do targets+=("$(basename -s .cc "${f#tests/fuzz/fuzz_}")"); done
fi

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
rc=0
for t in "${targets[@]}"; do
  exe=$build/tests/fuzz/fuzz_$t seeds=tests/fuzz/corpus/$t
  work=$build/tests/fuzz/campaign/$t
  if [ ! -x "$exe" ] || [ ! -d "$seeds" ]; then
    echo "$t: no $exe or no $seeds" >&2
    rc=1
    continue
  fi
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -n "$seeds"/* "$work/corpus/"
  crashes_before=$(find "$work/artifacts" -type f | wc -l)
  runs=0 rate=0
  if [ "$seconds" -gt 0 ]; then
    # A crash ends this target's run; the campaign goes on with the next one.
    nice -n 19 "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" \
      2> "$work/log" || rc=1
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
  fi
  crashes=$(( $(find "$work/artifacts" -type f | wc -l) - crashes_before ))

  rm -rf "$work/new" && mkdir -p "$work/new"
  cp "$seeds"/* "$work/new/"
  # Edge coverage only (no hit counts): a few times fewer seeds for the same edges.
  nice -n 19 "$exe" -merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=2048 "$work/new" \
    "$work/corpus" 2> "$work/merge.log" >/dev/null
  added=()
  for f in "$work/new"/*; do
    [ -e "$seeds/$(basename "$f")" ] || added+=("$f")
  done
  echo "$t: ${runs:-0} execs (${rate:-0}/s), $crashes crash(es), ${#added[@]} new seed(s)"
  if [ $update -eq 1 ]; then
    for f in "${added[@]}"; do cp "$f" "$seeds/"; done
  fi
done
exit $rc
