#!/usr/bin/env bash
# A fuzzing campaign: builds the libFuzzer harnesses with clang (ASan + UBSan,
# build-fuzz/), then runs each harness in turn, single worker, for the given
# time over a scratch corpus outside the repository seeded from
# tests/fuzz/corpus/<harness>/ (which it never writes), and prints per
# harness the executions, the corpus growth and the crashes found.
#
#   bash tests/fuzz/campaign.sh [seconds-per-harness] [harness...]
#   bash tests/fuzz/campaign.sh 600 fuzz_csv       # ten minutes of the CSV reader
#
# Environment: FUZZ_WORK (scratch dir, default a new /tmp/commissions-fuzz.*),
# FUZZ_BUILD (build dir, default build-fuzz). A crash stops that harness; its
# input is FUZZ_WORK/<harness>/artifacts/crash-*; replay it with
# build-fuzz/tests/<harness> FILE (or build*/tests/replay_<harness> FILE).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-300}
[ $# -gt 0 ] && shift
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(fuzz_csv fuzz_ingest fuzz_money fuzz_date)
build=${FUZZ_BUILD:-build-fuzz}
work=${FUZZ_WORK:-$(mktemp -d /tmp/commissions-fuzz.XXXXXX)}
mkdir -p "$work"

CC=clang cmake -S . -B "$build" -DCOMMISSIONS_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target "${harnesses[@]}" >/dev/null

summary=()
for h in "${harnesses[@]}"; do
    d="$work/$h"
    mkdir -p "$d/corpus" "$d/artifacts" "$d/tmp"
    seeds=$(find "tests/fuzz/corpus/$h" -type f | wc -l)
    echo "== $h: ${secs}s from $seeds seeds (log: $d/log)"
    start=$(date +%s)
    set +e
    # New inputs go to the first directory (scratch); the repo's seeds are read only.
    TMPDIR="$d/tmp" "$build/tests/$h" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$d/artifacts/" "$d/corpus" "tests/fuzz/corpus/$h" >"$d/log" 2>&1
    rc=$?
    set -e
    took=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -1)
    crashes=$(find "$d/artifacts" -type f | wc -l)
    corpus=$(find "$d/corpus" -type f | wc -l)
    line=$(printf '%-12s %6ss %12s execs %6s new inputs %3s crashes (exit %s)' \
        "$h" "$took" "${execs:-?}" "$corpus" "$crashes" "$rc")
    echo "$line"
    [ "$crashes" -eq 0 ] || grep -m3 -E 'ERROR|invariant failed|runtime error' "$d/log" || true
    summary+=("$line")
done

echo
echo "== summary ($work)"
printf '%s\n' "${summary[@]}"
echo
echo "To keep a minimized set of new interesting inputs in the repo (keep it small):"
echo "  mkdir /tmp/min && $build/tests/<harness> -merge=1 /tmp/min tests/fuzz/corpus/<harness> $work/<harness>/corpus"
echo "  then copy the few new files of /tmp/min into tests/fuzz/corpus/<harness>/"
