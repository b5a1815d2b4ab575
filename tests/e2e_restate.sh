#!/usr/bin/env bash
# End to end: revenue restatement (SPEC §4.8, issue 23) on copies of
# fixtures/restate_revenue.
# Proves: a corrected file of a closed period posts, per agreement, the
# difference in residuals as a cash line of kind restatement (source_id P,
# basis the difference in assigned revenue, rate blank, note "restates P")
# paid through Q's payables and payments; restating again posts only the
# difference from the previous restatement; P's results, ledger rows and
# payments never change; rejects name the corrected file; a re-run of Q
# replaces its restatement (never adds to it) and gives the same bytes;
# audit covers the restatements (a changed row is found); Control reconciles
# them; a what-if with the dataset's own book gives Q's results, restatement
# included; refusals: restating an open period, a period never run, Q itself
# or a later period (4), a restate/ entry that is not a period folder, a
# missing or wrongly cased revenue.csv (3), with nothing recorded.
set -u
bin=$1
src=$2/fixtures/restate_revenue
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/e2e_lib.sh"
run() { timeout ${RESTATE_TIMEOUT:-30} "$bin" "$@" >"$work/out" 2>"$work/err"; echo $?; }
has() { grep -qF -- "$1" "$2" && echo yes || echo no; }
n=0
fresh() { # a new copy of the fixture in $data
  n=$((n + 1))
  data=$work/d$n
  cp -r "$src" "$data"
  rm -rf "$data/expected" "$data/out" "$data/ledger.db"*
}
rows_of() { # the ledger's rows of period $2 in the tables a restatement must not touch
  sqlite3 "$1/ledger.db" \
    "SELECT * FROM agreement_periods WHERE period = '$2' ORDER BY agreement_id" \
    "SELECT * FROM payables WHERE period = '$2' ORDER BY agreement_id" \
    "SELECT * FROM tiers WHERE period = '$2' ORDER BY agreement_id" \
    "SELECT * FROM payments WHERE period = '$2' ORDER BY payment_id" | sha256sum
}
tree_of() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum; }
p1=2017-01
p2=2017-02
p3=2017-03

# ---- 1. the fixture's story, step by step ------------------------------------
fresh
check "run $p1" 0 "$(run run --data "$data" --period $p1 --quiet)"
check "close $p1" 0 "$(run close --data "$data" --period $p1 --quiet)"
rows1=$(rows_of "$data" $p1)
out1=$(tree_of "$data/out/$p1")
check "run $p2 restating $p1" 0 "$(run run --data "$data" --period $p2 --quiet)"
L=$data/out/$p2/results/lines.csv
check "A1's restatement line" yes "$(has "A1,restatement,$p1,250.00,,25.00,restates $p1" "$L")"
check "A2's restatement line (credit, late service)" yes "$(has "A2,restatement,$p1,30.00,,3.00,restates $p1" "$L")"
check "two restatement lines" 2 "$(grep -c ',restatement,' "$L")"
check "Q's own residuals untouched (Silver 12 %)" yes "$(has "A1,residual,R4,500.00,12,60.00," "$L")"
check "paid through Q's payables" yes "$(has "A1,0.00,85.00,85.00,85.00,0.00,paid," "$data/out/$p2/results/payables.csv")"
R=$data/out/$p2/results/rejects.csv
check "wrong_period names the corrected file" yes "$(has "periods/$p2/restate/$p1/revenue.csv,8,period,wrong_period" "$R")"
check "duplicate_id names the corrected file" yes "$(has "periods/$p2/restate/$p1/revenue.csv,9,revenue_id,duplicate_id" "$R")"
C=$data/out/$p2/results/control.csv
check "control: restatement lines" yes "$(has "lines_restatement_amount_USD,28.00" "$C")"
check "control: residuals now" yes "$(has "restate_${p1}_residual_USD,168.00" "$C")"
check "control: residuals as stated" yes "$(has "restate_${p1}_residual_stated_USD,140.00" "$C")"
check "control: rejects counted" yes "$(has "rejects,2" "$C")"
before2=$(tree_of "$data/out/$p2/results")
check "re-run of $p2 (open)" 0 "$(run run --data "$data" --period $p2 --quiet)"
check "re-run gives the same bytes" "$before2" "$(tree_of "$data/out/$p2/results")"
check "re-run replaces, never adds" 2 "$(sqlite3 "$data/ledger.db" "SELECT count(*) FROM restated WHERE period = '$p2'")"
check "whatif with the dataset's own book = the run" 0 \
  "$(run whatif --data "$data" --period $p2 --book "$data/book" --out "$work/wi" --quiet >/dev/null; diff -r "$work/wi/results" "$data/out/$p2/results" >/dev/null; echo $?)"
check "close $p2" 0 "$(run close --data "$data" --period $p2 --quiet)"
check "the restatement is paid" yes "$(has "A1-$p2,P1,A1,USD,85.00," "$data/out/$p2/payments.csv")"
check "A2 paid with its restatement" yes "$(has "A2-$p2,P2,A2,USD,33.00," "$data/out/$p2/payments.csv")"
check "run $p3 restating $p1 again" 0 "$(run run --data "$data" --period $p3 --quiet)"
L=$data/out/$p3/results/lines.csv
check "only the difference from the last restatement" yes "$(has "A1,restatement,$p1,-150.00,,-15.00,restates $p1" "$L")"
check "no line where nothing changed since" 1 "$(grep -c ',restatement,' "$L")"
check "$p1's ledger rows never change" "$rows1" "$(rows_of "$data" $p1)"
check "out/$p1 never changes" "$out1" "$(tree_of "$data/out/$p1")"
check "audit passes" 0 "$(run audit --data "$data")"
check "statement shows the restated period" yes \
  "$(run close --data "$data" --period $p3 --quiet >/dev/null; unzip -p "$data/out/$p3/statements/P1.xlsx" xl/sharedStrings.xml | grep -q "restates $p1" && echo yes)"
check "workbook Lines names the restated period" yes \
  "$(unzip -p "$data/out/$p3/payouts.xlsx" 'xl/worksheets/*.xml'  | grep -q "restates $p1" && echo yes)"
check "workbook Control reconciles it" yes \
  "$(unzip -p "$data/out/$p3/payouts.xlsx" 'xl/worksheets/*.xml'  | grep -q "restatement of $p1" && echo yes)"
run explain --data "$data" --revenue R1 --period $p1 >/dev/null
check "explain --revenue: the old assignment" yes "$(has "500.00 × 10% = 50.00" "$work/out")"
check "explain --revenue: the first restated one" yes "$(has "restated in $p2 (periods/$p2/restate/$p1/revenue.csv line 2): 650.00 USD" "$work/out")"
check "explain --revenue: the second restated one" yes "$(has "600.00 × 10% = 60.00 (tier Registered of $p1)" "$work/out")"
check "explain --revenue of a row billed only in a correction" 0 "$(run explain --data "$data" --revenue R7 --period $p1)"
check "  assigned to its account's owner, as $p1 knew it" yes "$(has "assigned to agreement A2" "$work/out")"
run explain --data "$data" --agreement A1 --period $p1 >/dev/null
check "explain --agreement: later restatements of the period" yes "$(has "restated in $p3: assigned revenue 1200.00, residuals 120.00 (line: basis -150.00, amount -15.00)" "$work/out")"
run explain --data "$data" --agreement A1 --period $p2 >/dev/null
check "explain --agreement: the restatement it pays" yes "$(has "restates $p1: assigned revenue 1350.00 (stated 1100.00), residuals 135.00 (stated 110.00)" "$work/out")"
sqlite3 "$data/ledger.db" "UPDATE restated SET amount = amount + 1 WHERE period = '$p3'"
check "audit finds a changed restatement" 6 "$(run audit --data "$data")"
check "naming the table" yes "$(has "restated" "$work/err")"

# ---- 2. refusals --------------------------------------------------------------
fresh
run run --data "$data" --period $p1 --quiet >/dev/null
check "restating an open period: 4" 4 "$(run run --data "$data" --period $p2 --quiet)"
check "the refusal names the folder" yes "$(has "periods/$p2/restate/$p1" "$work/err")"
check "nothing recorded for $p2" 0 "$(sqlite3 "$data/ledger.db" "SELECT count(*) FROM runs WHERE period = '$p2'")"
run close --data "$data" --period $p1 --quiet >/dev/null
mkdir -p "$data/periods/$p2/restate/2016-12" && cp "$data/periods/$p2/restate/$p1/revenue.csv" "$data/periods/$p2/restate/2016-12/"
check "restating a period never run: 4" 4 "$(run run --data "$data" --period $p2 --quiet)"
rm -rf "$data/periods/$p2/restate/2016-12"
mkdir -p "$data/periods/$p2/restate/$p2" && cp "$src/periods/$p2/revenue.csv" "$data/periods/$p2/restate/$p2/"
check "restating Q itself: 4" 4 "$(run run --data "$data" --period $p2 --quiet)"
rm -rf "$data/periods/$p2/restate/$p2"
mkdir -p "$data/periods/$p2/restate/january"
check "a restate/ entry that is not a period folder: 3" 3 "$(run run --data "$data" --period $p2 --quiet)"
rmdir "$data/periods/$p2/restate/january"
touch "$data/periods/$p2/restate/2017-01.csv"
check "a file in restate/: 3" 3 "$(run run --data "$data" --period $p2 --quiet)"
rm "$data/periods/$p2/restate/2017-01.csv"
mv "$data/periods/$p2/restate/$p1/revenue.csv" "$data/periods/$p2/restate/$p1/Revenue.csv"
check "a wrongly cased revenue.csv: 3" 3 "$(run run --data "$data" --period $p2 --quiet)"
rm "$data/periods/$p2/restate/$p1/Revenue.csv"
check "a missing revenue.csv: 3" 3 "$(run run --data "$data" --period $p2 --quiet)"
check "still nothing recorded for $p2" 0 "$(sqlite3 "$data/ledger.db" "SELECT count(*) FROM runs WHERE period = '$p2'")"
cp "$src/periods/$p2/restate/$p1/revenue.csv" "$data/periods/$p2/restate/$p1/"
check "with the folder whole again it runs" 0 "$(run run --data "$data" --period $p2 --quiet)"

e2e_done e2e_restate
