#!/usr/bin/env bash
# End to end: what the batch refuses about its inputs and paths (README "What
# it refuses, and why"), each on a fresh copy of the demo dataset.
# Proves: --out/--db overlapping the inputs or a ledger inside the output tree
# is exit 2 naming both paths; a missing dataset folder is exit 3 and is never
# created; a symlinked out/P is replaced, never followed; SIGTERM/SIGINT/SIGHUP
# mid-run leave no temporary folder and the previous ledger state, and stale
# ones of dead runs are swept; inputs must be regular files (FIFO, directory)
# and an error never prints a file's content; currencies come from the ISO
# 4217 table; a known file name in the wrong case is a file error; four eyes
# compare names trimmed and case-folded; text XML 1.0 forbids is bad_text.
set -u
bin=$1
src=$2/fixtures/demo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/e2e_lib.sh"
n=0
fresh() { # a new copy of the demo in $data
  n=$((n + 1))
  data=$work/d$n/data
  mkdir -p "$work/d$n"
  cp -r "$src" "$data"
  rm -rf "$data/expected" "$data/out" "$data/ledger.db"*
}
run() { timeout ${REFUSALS_TIMEOUT:-20} "$bin" "$@" >"$work/out" 2>"$work/err"; echo $?; }
has() { grep -qF -- "$1" "$2" && echo yes || echo no; } # literal text in a file
p1=2017-11
p2=2017-12

# ---- 1. paths are checked ---------------------------------------------------
fresh
check "--out DATA/periods refused" 2 "$(run run --data "$data" --period $p1 --out "$data/periods")"
check "--out refusal names the output path" yes "$(has "$data/periods" "$work/err")"
check "--out DATA/periods leaves orders.csv" yes \
  "$([ -f "$data/periods/$p1/orders.csv" ] && echo yes || echo no)"
check "--out inside master/ refused" 2 "$(run run --data "$data" --period $p1 --out "$data/master/x")"
check "--out containing the dataset refused" 2 "$(run run --data "$data" --period $p1 --out "$work/d$n")"
ln -s "$data/periods" "$work/d$n/alias"
check "--out through a symlink to periods/ refused" 2 \
  "$(run run --data "$data" --period $p1 --out "$work/d$n/alias/new")"
check "--db inside periods/ refused" 2 "$(run run --data "$data" --period $p1 --db "$data/periods/l.db")"
check "--db inside the output tree refused" 2 \
  "$(run run --data "$data" --period $p1 --db "$data/out/$p1/ledger.db")"
check "--db refusal names the ledger" yes "$(has "$data/out/$p1/ledger.db" "$work/err")"
check "--db refusal names the output folder" yes "$(has "$data/out" "$work/err")"
check "--db inside --out refused" 2 \
  "$(run run --data "$data" --period $p1 --out "$work/o" --db "$work/o/x/l.db")"
check "refused runs wrote nothing" no "$([ -e "$data/out" ] || [ -e "$data/ledger.db" ] && echo yes || echo no)"
check "status --db inside master/ refused" 2 "$(run status --data "$data" --db "$data/master/l.db")"
check "a disjoint --out and --db run" 0 \
  "$(run run --data "$data" --period $p1 --out "$work/o" --db "$work/l.db" --quiet)"

# ---- 2. a dataset folder is never created -----------------------------------
fresh
for cmd in "run --period $p1" "check --period $p1" "close --period $p1" "status" "explain --order O-1"; do
  check "$cmd on a missing dataset" 3 "$(run $cmd --data "$work/nope/data")"
  check "$cmd says no such dataset directory" yes \
    "$(has "no such dataset directory: $work/nope/data" "$work/err")"
done
check "the missing dataset was not created" no "$([ -e "$work/nope" ] && echo yes || echo no)"
check "a file as dataset" 3 "$(run run --period $p1 --data "$data/master/partners.csv")"

# ---- 3. a symlinked out/P is replaced, never followed ------------------------
fresh
check "run $p1" 0 "$(run run --data "$data" --period $p1 --quiet)"
mv "$data/out/$p1" "$work/target"
mkdir -p "$work/target/statements"
echo keep >"$work/target/statements/keep.txt"
echo keep >"$work/target/payments.csv"
ln -s "$work/target" "$data/out/$p1"
check "close through a symlinked out/P" 0 "$(run close --data "$data" --period $p1 --quiet)"
check "close left the link's target alone (statements)" keep "$(cat "$work/target/statements/keep.txt" 2>&1)"
check "close left the link's target alone (payments)" keep "$(cat "$work/target/payments.csv" 2>&1)"
check "out/P is a real folder now" yes "$([ -d "$data/out/$p1" ] && [ ! -L "$data/out/$p1" ] && echo yes || echo no)"
check "payments published in out/P" yes "$([ -f "$data/out/$p1/payments.control" ] && echo yes || echo no)"
fresh
check "run $p1 (symlinked out/P)" 0 "$(run run --data "$data" --period $p1 --quiet)"
mkdir -p "$work/target2"
echo keep >"$work/target2/keep.txt"
rm -rf "$data/out/$p1"
ln -s "$work/target2" "$data/out/$p1"
check "re-run through a symlinked out/P" 0 "$(run run --data "$data" --period $p1 --quiet)"
check "re-run left the link's target alone" keep "$(cat "$work/target2/keep.txt" 2>&1)"
check "re-run made out/P a real folder" yes \
  "$([ -d "$data/out/$p1" ] && [ ! -L "$data/out/$p1" ] && [ -f "$data/out/$p1/payouts.xlsx" ] && echo yes || echo no)"

# ---- 4. signals mid-run remove the run's temporary folder ---------------------
stopped() { ps -o stat= -p "$1" | tr -d ' ' | cut -c1; }
set -m # background jobs keep the default SIGINT action
for sig in TERM INT HUP; do
  fresh
  check "run $p1 before SIG$sig" 0 "$(run run --data "$data" --period $p1 --quiet)"
  before=$(sqlite3 "$data/ledger.db" "SELECT runs FROM runs WHERE period = '$p1'")
  COMMISSIONS_FAILPOINT=run-before-commit:stop "$bin" run --data "$data" --period $p1 --quiet \
    >/dev/null 2>"$work/err" &
  pid=$!
  for _ in $(seq 200); do [ "$(stopped $pid)" = T ] && break; sleep 0.1; done
  check "SIG$sig: the run stopped inside its transaction" yes \
    "$(ls -a "$data/out" | grep -q "^\.tmp-run-$p1-$pid\$" && echo yes || echo no)"
  kill -$sig $pid
  kill -CONT $pid
  st=147 # with job control, wait also returns when the job stops
  while [ $st = 147 ]; do wait $pid 2>/dev/null; st=$?; done
  check "SIG$sig: the run ends by the signal" $((128 + $(kill -l $sig))) $st
  check "SIG$sig: no temporary folder left" "" "$(ls -a "$data/out" | grep '^\.tmp-' | tr '\n' ' ')"
  check "SIG$sig: the ledger keeps its previous state" "$before" \
    "$(sqlite3 "$data/ledger.db" "SELECT runs FROM runs WHERE period = '$p1'")"
done
set +m
# a stale temporary folder of a dead process is removed by the next run
fresh
check "run $p1 (stale sweep)" 0 "$(run run --data "$data" --period $p1 --quiet)"
dead=$(sh -c 'echo $$') # a process that has ended
mkdir -p "$data/out/.tmp-run-$p1-$dead/results" "$data/out/.tmp-close-$p2-$dead" \
  "$data/out/.old-$p1-$dead" "$data/out/.tmp-run-$p1-$$"
check "a later run" 0 "$(run run --data "$data" --period $p1 --quiet)"
check "stale folders of a dead process removed" ".tmp-run-$p1-$$ " \
  "$(ls -a "$data/out" | grep '^\.tmp-\|^\.old-' | tr '\n' ' ')"

# ---- 5. input files are regular files ------------------------------------------
fresh
rm "$data/periods/$p1/revenue.csv"
mkfifo "$data/periods/$p1/revenue.csv"
check "a FIFO named revenue.csv" 3 "$(run run --data "$data" --period $p1 --quiet)"
check "the FIFO is named" yes "$(has "periods/$p1/revenue.csv" "$work/err")"
rm "$data/periods/$p1/revenue.csv"
mkdir "$data/periods/$p1/revenue.csv"
check "a directory named revenue.csv" 3 "$(run run --data "$data" --period $p1 --quiet)"
rmdir "$data/periods/$p1/revenue.csv"
mkfifo "$data/periods/$p1/adjustments.csv"
cp "$src/periods/$p1/revenue.csv" "$data/periods/$p1/"
check "a FIFO named adjustments.csv (optional)" 3 "$(run check --data "$data" --period $p1)"
rm "$data/periods/$p1/adjustments.csv"
ln -s "$work/nothing" "$data/periods/$p1/adjustments.csv"
check "a dangling link named adjustments.csv (optional)" 3 "$(run check --data "$data" --period $p1)"
rm "$data/periods/$p1/adjustments.csv"
# a link to a copy of /etc/passwd (never to the file itself: nothing here may
# ever write through the link to a system file)
head -3 /etc/passwd >"$work/passwd"
rm "$data/periods/$p1/orders.csv"
ln -s "$work/passwd" "$data/periods/$p1/orders.csv"
check "an input linked to a passwd file" 3 "$(run run --data "$data" --period $p1 --quiet)"
check "the error does not print the file's content" no "$(has "root" "$work/err")"
check "the error names file and line" yes "$(has "periods/$p1/orders.csv:1:" "$work/err")"
rm "$data/periods/$p1/orders.csv"
printf 'order_id,\001secret\001 text\n' >"$data/periods/$p1/orders.csv"
check "a header with control characters" 3 "$(run run --data "$data" --period $p1 --quiet)"
check "the error does not print the header's text" no "$(has "secret" "$work/err")"

# ---- 6. currencies are ISO 4217 codes -------------------------------------------
fresh
sed -i '2s/,USD$/,QQQ/' "$data/periods/$p1/revenue.csv"
sed -i '2s/,USD,/,ZZZ,/' "$data/periods/$p1/orders.csv"
check "run with unknown currencies" 0 "$(run run --data "$data" --period $p1 --quiet)"
check "QQQ in revenue.csv is bad_currency" yes \
  "$(has "periods/$p1/revenue.csv,2,currency,bad_currency" "$data/out/$p1/results/rejects.csv")"
check "ZZZ in orders.csv is bad_currency" yes \
  "$(has "periods/$p1/orders.csv,2,currency,bad_currency" "$data/out/$p1/results/rejects.csv")"

# ---- 7. file-name case ----------------------------------------------------------
fresh
mv "$data/periods/$p1/approvals.csv" "$data/periods/$p1/Approvals.csv"
check "Approvals.csv (wrong case)" 3 "$(run run --data "$data" --period $p1 --quiet)"
check "the message names the file" yes "$(has "periods/$p1/Approvals.csv" "$work/err")"
check "the message names the expected name" yes "$(has "approvals.csv" "$work/err")"
mv "$data/periods/$p1/Approvals.csv" "$data/periods/$p1/approvals.csv"
mkdir -p "$data/book"
cp "$data/master/partners.csv" "$data/master/PARTNERS.CSV"
check "master/PARTNERS.CSV beside partners.csv" 3 "$(run run --data "$data" --period $p1 --quiet)"
rm "$data/master/PARTNERS.CSV"
echo x >"$data/book/Rates.csv"
check "book/Rates.csv (wrong case)" 3 "$(run run --data "$data" --period $p1 --quiet)"
rm "$data/book/Rates.csv"
echo notes >"$data/periods/$p1/notes.txt"
check "an unknown file is not an error" 0 "$(run run --data "$data" --period $p1)"
check "an unknown file is warned about" yes "$(has "periods/$p1/notes.txt" "$work/err")"

# ---- 8. four eyes compare names trimmed and case-folded ---------------------------
fresh
check "run $p1 (four eyes)" 0 "$(run run --data "$data" --period $p1 --quiet)"
adj=$data/periods/$p2/adjustments.csv
printf 'ADJ-1202,A-NW-C,10.00,USD,one,ap.clerk,AP.Clerk,2017-12-12\n' >>"$adj"
printf 'ADJ-1203,A-NW-C,10.00,USD,two,ap.clerk,"ap.clerk ",2017-12-12\n' >>"$adj"
printf 'ADJ-1204,A-NW-C,10.00,USD,three, ap.clerk,AP.CLERK,2017-12-12\n' >>"$adj"
check "run $p2 (four eyes)" 0 "$(run run --data "$data" --period $p2 --quiet)"
for l in 3 4 5; do
  check "approver differing only in case or spaces (line $l) is unapproved" yes \
    "$(has "periods/$p2/adjustments.csv,$l,approved_by,unapproved" "$data/out/$p2/results/rejects.csv")"
done
check "a real second approver still passes" no \
  "$(has "periods/$p2/adjustments.csv,2," "$data/out/$p2/results/rejects.csv")"

# ---- 9. text XML 1.0 forbids is bad_text ------------------------------------------
fresh
sed -i "2s/Acme Telecom Agents/Acme $(printf '\xef\xbf\xbe') Agents/" "$data/master/partners.csv"
sed -i "3s/Ríos/R$(printf '\xef\xbf\xbf')os/" "$data/master/partners.csv"
sed -i "2s/joint pursuit form/joint $(printf '\x01') form/" "$data/periods/$p1/approvals.csv"
check "run with forbidden characters" 0 "$(run run --data "$data" --period $p1 --quiet)"
check "U+FFFE in a partner name is bad_text" yes \
  "$(has "master/partners.csv,2,name,bad_text" "$data/out/$p1/results/rejects.csv")"
check "U+FFFF in a partner name is bad_text" yes \
  "$(has "master/partners.csv,3,name,bad_text" "$data/out/$p1/results/rejects.csv")"
check "a C0 control in document_ref is bad_text" yes \
  "$(has "periods/$p1/approvals.csv,2,document_ref,bad_text" "$data/out/$p1/results/rejects.csv")"
check "a tab in text stays valid" 0 "$(sed -i "2s/joint $(printf '\x01') form/joint$(printf '\t')form/" \
  "$data/periods/$p1/approvals.csv"; run check --data "$data" --period $p1 >/dev/null; \
  grep -c 'approvals.csv' "$work/out")"

e2e_done e2e_refusals
