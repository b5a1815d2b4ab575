#!/usr/bin/env bash
# Benchmark (issue 7): generate a month set, run it end to end, compare with a
# bare libcsv pass over the same files, and check that results do not change.
#   bash tests/bench/run.sh [REVENUE_ROWS] [ORDERS] [MONTHS]   (default 1000000 100000 3)
# Prints per month: rows, wall, CPU, peak RSS, and the ratio to the bare pass.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}; orders=${2:-$((rows / 10))}; months=${3:-3}
bash .ci/deps >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCOMMISSIONS_TESTS=OFF >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
work=${BENCH_DIR:-/tmp/commissions-bench}
mkdir -p "$work"
cc -O2 -o "$work/gen" tests/bench/gen.c
cc -O2 -o "$work/bare" tests/bench/bare.c -lcsv
data="$work/data-$rows"
[ -d "$data" ] || "$work/gen" --out "$data" --revenue "$rows" --orders "$orders" --months "$months"
rm -rf "$data/ledger.db"* "$data/out"
printf '%-8s %10s %8s %8s %9s %8s %6s\n' month rows wall_s cpu_s rss_MiB bare_s ratio
for p in $(ls "$data/periods"); do
  # the previous month's ~1.5 GB of outputs would otherwise be written back
  # to disk during this month's timing (this VM then shows up to 50 % iowait)
  sync
  files=("$data/periods/$p/"*.csv)
  bare=$( { /usr/bin/time -f '%e' "$work/bare" "${files[@]}" >/dev/null; } 2>&1 )
  stats=$( { /usr/bin/time -f '%e %U %S %M' ./build/commissions run --data "$data" --period "$p" --quiet; } 2>&1 )
  read -r wall user sys rss <<<"$stats"
  n=$(($(wc -l <"$data/periods/$p/revenue.csv") - 1))
  printf '%-8s %10d %8.2f %8.2f %9.0f %8.2f %6.2f\n' "$p" "$n" "$wall" "$(echo "$user + $sys" | bc)" \
    "$(echo "$rss / 1024" | bc)" "$bare" "$(echo "scale=2; $wall / $bare" | bc)"
done
# results must not change: a small seeded dataset run twice gives identical
# bytes (results and workbooks), and its results equal the reference sums
# committed in tests/bench/small.sha256 (the results of the build before the
# optimisations, ff4bb12; an intended change of results, or of the generator,
# regenerates it with BENCH_UPDATE=1).
small="$work/small"
rm -rf "$small" && "$work/gen" --out "$small" --revenue 20000 --orders 2000 --months 2 >/dev/null
for round in a b; do
  rm -rf "$small/ledger.db"* "$small/out"
  for p in $(ls "$small/periods"); do ./build/commissions run --data "$small" --period "$p" --quiet; done
  (cd "$small/out" && find . -name '*.csv' -o -name '*.xlsx' | sort | xargs sha256sum) >"$work/sums-$round"
done
cmp -s "$work/sums-a" "$work/sums-b" && echo "determinism: identical results and workbooks across runs" \
  || { echo "determinism: DIFFERENT"; exit 1; }
ref=tests/bench/small.sha256
grep '/results/' "$work/sums-a" >"$work/results-sums"
if [ "${BENCH_UPDATE:-0}" = 1 ]; then cp "$work/results-sums" "$ref"; echo "reference updated: $ref"; fi
cmp -s "$ref" "$work/results-sums" && echo "results unchanged against $ref" \
  || { echo "results CHANGED against $ref:"; diff "$ref" "$work/results-sums" | head; exit 1; }
