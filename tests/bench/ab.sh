#!/usr/bin/env bash
# Side-by-side timing of two builds at 10M rows (issue 20): A B B A per round.
#   bash tests/bench/ab.sh DATA PERIOD LEDGER|- ROUNDS BIN_A BIN_B
# DATA/periods/PERIOD is run with each binary; LEDGER (a ledger of the
# periods before, copied before each run) or - for a new ledger. Each run is
# normalised by a bare libcsv pass over the same files just before it
# (tests/bench/bare.c, built as $BARE, default /tmp/bare). Prints per run:
# label, wall s, user+sys s, peak MiB, bare s, wall/bare.
set -euo pipefail
data=$1; period=$2; ledger=$3; rounds=$4; a=$5; b=$6
bare=${BARE:-/tmp/bare}
[ -x "$bare" ] || cc -O2 -o "$bare" "$(dirname "$0")/bare.c" -lcsv
scratch=$(mktemp -d "${SCRATCH:-/tmp}/ab.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
one() {
  local label=$1 bin=$2
  rm -rf "$scratch"/*
  if [ "$ledger" = - ]; then db=$scratch/l.db; else cp "$ledger" "$scratch/l.db"; db=$scratch/l.db; fi
  sync
  local files=("$data/periods/$period/"*.csv)
  local bw; bw=$( { /usr/bin/time -f '%e' "$bare" "${files[@]}" >/dev/null; } 2>&1 )
  local s; s=$( { /usr/bin/time -f '%e %U %S %M' "$bin" run --data "$data" --period "$period" \
      --db "$db" --out "$scratch/out" --quiet; } 2>&1 | tail -1)
  read -r w u sy m <<<"$s"
  printf '%s %s %.2f %d %s %.2f\n' "$label" "$w" "$(echo "$u + $sy" | bc)" $((m / 1024)) "$bw" \
    "$(echo "scale=3; $w / $bw" | bc)"
}
for r in $(seq "$rounds"); do
  one A "$a"; one B "$b"; one B "$b"; one A "$a"
done
