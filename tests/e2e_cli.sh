#!/usr/bin/env bash
# End to end: the command line a controller signs (issue 21), on copies of
# the demo and of fixtures/multi_currency.
# Proves: check says what a run would pay (never "paid"), per currency and
# only the currencies present; rejected orders and refused input rows are
# worded apart; usage lines name their arguments; a month out of range says
# "month must be 01-12"; status shows per period and currency what awaits
# close or was paid, what is carried and held, and warns of an input changed
# since the run; explain --order shows the spiff with its rate row and
# arithmetic and the chargeback with its months served; explain --partner
# shows every agreement of the partner; "not found" is exit 3 whatever the
# ledger state.
set -u
bin=$1
repo=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/e2e_lib.sh"
has() { grep -qF -- "$1" "$2" && echo yes || echo no; }
d=$work/demo
cp -r "$repo/fixtures/demo" "$d"; rm -rf "$d/expected" "$d/out" "$d/ledger.db"*
mc=$work/mc
cp -r "$repo/fixtures/multi_currency" "$mc"; rm -rf "$mc/expected"

# not found before any run: 3, as after one
"$bin" explain --data "$d" --order O-1101 >"$work/out" 2>"$work/err"
check "explain before any run: exit 3" 3 "$?"
check "explain before any run: says not found" yes "$(has "not found" "$work/err")"
"$bin" explain --data "$d" --agreement A-ACME-C --period 2017-11 >"$work/out" 2>"$work/err"
check "explain of a period never run, no ledger: exit 3" 3 "$?"

# usage and period wording
"$bin" check --data "$d" --period 2017-13 >"$work/out" 2>"$work/err"
check "2017-13: exit 2" 2 "$?"
check "2017-13: month must be 01-12" yes "$(has "2017-13: month must be 01-12" "$work/err")"
check "usage names --data's argument" yes "$(has "--data DIR --period YYYY-MM" "$work/err")"
check "usage has no bare X" no "$(grep -qE -- '--[a-z]+ X( |\]|$)' "$work/err" && echo yes || echo no)"

# check: what a run would pay, per currency
"$bin" check --data "$d" --period 2017-11 >"$work/out" 2>"$work/err"
check "check: exit 0" 0 "$?"
check "check: would pay" yes "$(has "a run would pay at close: USD 13950.47 to 5 agreement(s)" "$work/out")"
check "check: never says paid" no "$(grep -qE '^  paid ' "$work/out" && echo yes || echo no)"
check "check: refused input rows worded apart" yes "$(has "input row(s) refused by format checks" "$work/out")"
check "check: no 'rejected rows'" no "$(has "rejected rows" "$work/out")"
check "check: only currencies present" no "$(grep -qE 'EUR|CAD' "$work/out" && echo yes || echo no)"

for p in 2017-11 2017-12; do "$bin" run --data "$d" --period "$p" --quiet 2>/dev/null; done
"$bin" close --data "$d" --period 2017-11 --quiet >/dev/null 2>&1
"$bin" status --data "$d" >"$work/out" 2>"$work/err"
check "status: exit 0" 0 "$?"
check "status: closed period paid" yes "$(has "USD  paid 13950.47 to 5 agreement(s); carried to a later period 2729.60 (3 agreement(s))" "$work/out")"
check "status: open period awaits close" yes "$(has "USD  awaiting close 13173.13 to 7 agreement(s)" "$work/out")"
check "status: held revenue" yes "$(has "USD  revenue held 750.00 (2 row(s)" "$work/out")"
check "status: no warning while inputs are unchanged" no "$(has "warning" "$work/out")"
# explain the money of an order
"$bin" explain --data "$d" --order O-1101 >"$work/out" 2>"$work/err"
check "explain O-1101: spiff" yes "$(has "spiff 1800.00 USD to agreement A-ACME-C" "$work/out")"
check "explain O-1101: rate row" yes "$(has "rates.csv line" "$work/out")"
check "explain O-1101: arithmetic" yes "$(has "MRC 1200.00 × 1.5 = 1800.00" "$work/out")"
"$bin" explain --data "$d" --order O-1204 >"$work/out" 2>"$work/err"
check "explain O-1204: chargeback" yes "$(has "chargeback -718.75 USD" "$work/out")"
check "explain O-1204: months served" yes "$(has "1 months served" "$work/out")"
"$bin" explain --data "$d" --partner P-NORTH --period 2017-11 >"$work/out" 2>"$work/err"
check "explain --partner: exit 0" 0 "$?"
check "explain --partner: both agreements" 2 "$(grep -c '^agreement A-NW-' "$work/out")"
check "explain --partner: holds" yes "$(has "holds:" "$work/out")"
"$bin" explain --data "$d" --partner NOPE --period 2017-11 >"$work/out" 2>"$work/err"
check "explain unknown partner: exit 3" 3 "$?"
"$bin" explain --data "$d" --order NOPE >"$work/out" 2>"$work/err"
check "explain unknown order with a ledger: exit 3" 3 "$?"
"$bin" explain --data "$d" --agreement A-ACME-C --period 2018-03 >"$work/out" 2>"$work/err"
check "explain of a period never run, with a ledger: exit 3" 3 "$?"

# an input changed after the run: status warns (explain refuses: it re-decides)
echo "ADJ-X,A-ACME-C,1.00,USD,late,ops,," >>"$d/periods/2017-12/adjustments.csv"
"$bin" status --data "$d" >"$work/out" 2>"$work/err"
check "status: warns of an input changed since the run" yes \
  "$(has "warning: periods/2017-12/adjustments.csv changed" "$work/out")"


# three currencies: never one sum
for p in 2017-01 2017-02; do "$bin" run --data "$mc" --period "$p" >"$work/run-$p" 2>/dev/null; done
check "run summary: one line per currency paid" 3 "$(grep -c 'to pay at close: [A-Z][A-Z][A-Z] ' "$work/run-2017-02")"
check "run summary: carried per currency" yes "$(has "carried to a later period: EUR -750.00" "$work/run-2017-02")"
"$bin" status --data "$mc" >"$work/out" 2>"$work/err"
check "status: a line per currency" 3 "$(grep -cE '^  (CAD|EUR|USD)  awaiting close' <(sed -n '/^2017-02/,$p' "$work/out"))"
# tier guidance (rules/tiers.c tiers_guidance): explain --agreement and the
# workbook's Tiers sheet name the same next review under one program
g=$work/guide
cp -r "$repo/fixtures/demo" "$g"; rm -rf "$g/expected" "$g/out" "$g/ledger.db"*
for p in 2017-11 2017-12; do "$bin" run --data "$g" --period "$p" --quiet 2>/dev/null; done
"$bin" explain --data "$g" --agreement A-NW-C --period 2017-12 >"$work/out" 2>"$work/err"
check "explain --agreement: the next review and its program" yes \
  "$(has "next review: end of 2017-12 under CHANNEL (the program changes at that review)" "$work/out")"
check "explain --agreement: the tier that review placed" yes \
  "$(has "this period's review placed Authorized from the next period" "$work/out")"
check "Tiers sheet: the same review under the same program" yes \
  "$(unzip -p "$g/out/2017-12/payouts.xlsx" 'xl/worksheets/*.xml' 'xl/sharedStrings.xml' 2>/dev/null |
     grep -qF 'CHANNEL (program changes)' && echo yes || echo no)"
e2e_done e2e_cli
