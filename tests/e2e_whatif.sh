#!/usr/bin/env bash
# End to end: `commissions whatif` (SPEC §7, issue 23) on a generated
# three-month dataset (tests/bench/gen.c) and on fixtures/whatif_combined_basis.
# Proves: a what-if of a closed period (with a later period run) and of the
# open newest period gives exactly the result files a real run of that
# period with the other book gives, from a copy of dataset and ledger as they
# were before it; comparison.csv's actual side is what the run recorded and
# its what-if side what the alternative results say; the ledger and out/P
# keep their SHA-256 and audit still passes; refusals: a period never run
# (4), a period input changed since the run (4), a missing book folder (3),
# --out overlapping out/P, the inputs or the --book folder (2), with nothing
# written; the fixture's what-if equals its expected files.
set -u
bin=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/e2e_lib.sh"
run() { timeout ${WHATIF_TIMEOUT:-60} "$bin" "$@" >"$work/out" 2>"$work/err"; echo $?; }
same_results() { # dir1 dir2: every result file equal, and the same set of files
  local a=$1 b=$2 bad=0
  [ "$(cd "$a" && ls)" = "$(cd "$b" && ls)" ] || bad=1
  for f in "$a"/*.csv; do cmp -s "$f" "$b/$(basename "$f")" || { bad=1; echo "  differs: $(basename "$f")" >&2; }; done
  [ $bad = 0 ] && echo same || echo different
}
hashes() { # the ledger and out/P, as bytes
  (cd "$1" && sha256sum ledger.db && find "out/$2" -type f -print0 | sort -z | xargs -0 sha256sum)
}

cc -O2 -o "$work/gen" "$root/tests/bench/gen.c" || { echo "FAIL: cannot build gen"; exit 1; }
data=$work/g/data
"$work/gen" --out "$data" --partners 300 --revenue 20000 --orders 3000 --months 3 >/dev/null
p1=2017-10
p2=2017-11
p3=2017-12

# the other book: P7 combined basis from the start, monthly MVP reviews,
# other residual rates
book=$work/book
mkdir -p "$book"
sed -e 's/^ASCEND,CTL,revenue,monthly,1,Registered,,,/ASCEND,CTL,revenue,monthly,1,Registered,,2017-01,/' \
    -e 's/^MVP,LVL3,revenue,quarterly,3,Authorized,,,/MVP,LVL3,revenue,monthly,3,Authorized,,2017-01,/' \
    "$root/rules/book/programs.csv" >"$book/programs.csv"
sed -e 's/^ASCEND-STD,residual,\*,\*,8,/ASCEND-STD,residual,*,*,8.25,/' \
    -e 's/^L3-CHANNEL,residual,\*,\*,7.5,/L3-CHANNEL,residual,*,*,9,/' \
    "$root/rules/book/rates.csv" >"$book/rates.csv"
check "the other book differs" yes "$(cmp -s "$book/rates.csv" "$root/rules/book/rates.csv" || echo yes)"

check "run $p1" 0 "$(run run --data "$data" --period $p1 --quiet)"
cp -a "$work/g" "$work/after1"
check "run $p2" 0 "$(run run --data "$data" --period $p2 --quiet)"
check "close $p2 (closed what-if)" 0 "$(run close --data "$data" --period $p2 --quiet)"
cp -a "$work/g" "$work/after2"
check "run $p3" 0 "$(run run --data "$data" --period $p3 --quiet)"
before2=$(hashes "$data" $p2)
before3=$(hashes "$data" $p3)

# ---- 1. what-if of the closed P2, with P3 run after it ------------------------
check "whatif $p2" 0 "$(run whatif --data "$data" --period $p2 --book "$book")"
wi=$data/out/whatif-$p2
check "whatif summary names the period" yes "$(grep -q "whatif $p2" "$work/out" && echo yes)"
check "ledger and out/$p2 unchanged" "$before2" "$(hashes "$data" $p2)"
check "audit passes after whatif" 0 "$(run audit --data "$data")"
# the real run of P2 with that book, from the state after P1
ref=$work/after1/data
cp "$book"/*.csv "$ref/book/" 2>/dev/null || { mkdir -p "$ref/book" && cp "$book"/*.csv "$ref/book/"; }
check "reference run of $p2 with the other book" 0 "$(run run --data "$ref" --period $p2 --quiet)"
check "whatif $p2 results = a run of $p2 with that book" same "$(same_results "$wi/results" "$ref/out/$p2/results")"
check "the book changes the results" different "$(same_results "$wi/results" "$data/out/$p2/results" 2>/dev/null)"
check "whatif.xlsx written" yes "$([ -s "$wi/whatif.xlsx" ] && echo yes)"
# comparison.csv: actual = out/P2's payables, what-if = the alternative payables
col() { head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }
pay_of() { # payables.csv -> "agreement paid" lines
  awk -F, -v c="$(col "$1" paid)" 'NR > 1 { print $1, $c }' "$1" | sort
}
cmp_of() { # comparison.csv column -> "agreement value" lines of rows with a value
  awk -F, -v c="$(col "$1" "$2")" 'NR > 1 && $c != "" { print $1, $c }' "$1" | sort
}
check "comparison actual_paid = the run's payables" \
  "$(pay_of "$data/out/$p2/results/payables.csv" | md5sum)" \
  "$(cmp_of "$wi/comparison.csv" actual_paid | md5sum)"
check "comparison whatif_paid = the what-if payables" \
  "$(pay_of "$wi/results/payables.csv" | md5sum)" \
  "$(cmp_of "$wi/comparison.csv" whatif_paid | md5sum)"
check "some agreement changes" yes \
  "$(awk -F, -v c="$(col "$wi/comparison.csv" changed)" '$c == "yes" { f = 1 } END { print f ? "yes" : "no" }' "$wi/comparison.csv")"
cp -r "$wi" "$work/wi1"
check "whatif again (replaces the folder)" 0 "$(run whatif --data "$data" --period $p2 --book "$book" --quiet)"
check "whatif is deterministic" 0 "$(cmp -s "$wi/comparison.csv" "$work/wi1/comparison.csv" && cmp -s "$wi/whatif.xlsx" "$work/wi1/whatif.xlsx"; echo $?)"
check "no temporary folder left" 0 "$(ls -A "$data/out" | grep -c '^\.')"

# ---- 2. what-if of the open newest period P3 ---------------------------------
check "whatif $p3 (open) into --out" 0 "$(run whatif --data "$data" --period $p3 --book "$book" --out "$work/wi3")"
check "ledger and out/$p3 unchanged" "$before3" "$(hashes "$data" $p3)"
ref=$work/after2/data
mkdir -p "$ref/book" && cp "$book"/*.csv "$ref/book/"
check "reference run of $p3 with the other book" 0 "$(run run --data "$ref" --period $p3 --quiet)"
check "whatif $p3 results = a run of $p3 with that book" same "$(same_results "$work/wi3/results" "$ref/out/$p3/results")"

# ---- 3. refusals, nothing written --------------------------------------------
after=$(hashes "$data" $p2)
check "a period never run: 4" 4 "$(run whatif --data "$data" --period 2018-01 --book "$book")"
check "a missing book folder: 3" 3 "$(run whatif --data "$data" --period $p2 --book "$work/nobook")"
check "--out = out/P: 2" 2 "$(run whatif --data "$data" --period $p2 --book "$book" --out "$data/out/$p2")"
check "--out inside out/P: 2" 2 "$(run whatif --data "$data" --period $p2 --book "$book" --out "$data/out/$p2/x")"
check "--out containing out/P: 2" 2 "$(run whatif --data "$data" --period $p2 --book "$book" --out "$data/out")"
check "--out overlapping the inputs: 2" 2 "$(run whatif --data "$data" --period $p2 --book "$book" --out "$data/periods/x")"
check "--book inside --out: 2" 2 "$(run whatif --data "$data" --period $p2 --book "$work/wi3/book" --out "$work/wi3")"
check "--out inside --book: 2" 2 "$(run whatif --data "$data" --period $p2 --book "$book" --out "$book/wi")"
check "the book survives" yes "$([ -s "$book/rates.csv" ] && [ ! -e "$book/wi" ] && echo yes)"
check "missing --book: usage" 2 "$(run whatif --data "$data" --period $p2)"
echo "x" >>"$data/periods/$p2/orders.csv"
check "a period file changed since the run: 4" 4 "$(run whatif --data "$data" --period $p2 --book "$book")"
check "that refusal names the file" yes "$(grep -q "periods/$p2/orders.csv" "$work/err" && echo yes)"
check "ledger and out/$p2 unchanged by refusals" "$after" "$(hashes "$data" $p2)"

# ---- 4. the fixture ----------------------------------------------------------
fx=$root/fixtures/whatif_combined_basis
if [ -d "$fx" ]; then
  d=$work/fx
  cp -r "$fx" "$d"
  rm -rf "$d/expected" "$d/expected-whatif" "$d/out" "$d/ledger.db"* "$d/.commissions-id"
  for p in $(ls "$fx/periods"); do
    check "fixture run $p" 0 "$(run run --data "$d" --period $p --quiet)"
  done
  for e in "$fx"/expected-whatif/*; do
    p=$(basename "$e")
    check "fixture whatif $p" 0 "$(run whatif --data "$d" --period $p --book "$fx/whatif-book" --out "$work/fxwi-$p" --quiet)"
    check "fixture whatif $p results = expected" same "$(same_results "$e/results" "$work/fxwi-$p/results")"
    check "fixture whatif $p comparison = expected" 0 "$(cmp -s "$e/comparison.csv" "$work/fxwi-$p/comparison.csv"; echo $?)"
  done
else
  check "fixture whatif_combined_basis exists" yes no
fi

e2e_done e2e_whatif
