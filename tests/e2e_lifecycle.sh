#!/usr/bin/env bash
# End to end: the period lifecycle of SPEC §5 on a copy of the demo dataset.
# Proves: re-runs are byte-identical; close writes payments once; a closed or
# older period is refused with exit 4; a second writer gets exit 5 at once;
# bad input is exit 3 and writes nothing; usage errors are exit 2.
set -u
bin=$1
src=$2/fixtures/demo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src" "$work/data"
rm -rf "$work/data/expected" "$work/data/out" "$work/data/ledger.db"*
data=$work/data
periods=($(ls "$data/periods"))
p1=${periods[0]}
p2=${periods[1]}
. "$(dirname "$0")/e2e_lib.sh"
run() { "$bin" "$@" --data "$data" >/dev/null 2>"$work/err"; echo $?; }

check "first run of $p1" 0 "$(run run --period "$p1" --quiet)"
check "a new ledger has 16 KiB pages" 16384 "$(sqlite3 "$data/ledger.db" 'PRAGMA page_size')"
cp -r "$data/out/$p1" "$work/first"
check "re-run of $p1" 0 "$(run run --period "$p1" --quiet)"
check "re-run results identical" 0 "$(diff -r "$work/first/results" "$data/out/$p1/results" >/dev/null; echo $?)"
check "re-run workbook identical" 0 "$(cmp -s "$work/first/payouts.xlsx" "$data/out/$p1/payouts.xlsx"; echo $?)"

# earlier orders load from each period's stub pack (order_stubs); a pack
# changed outside this program differs from its period's chain link, and the
# next run refuses to build on it (exit 6, naming the table)
for v in pack damaged; do cp -r "$data" "$work/$v"; done
sqlite3 "$work/damaged/ledger.db" "UPDATE order_stubs SET decisions = x'0100'"
check "no index by period" 0 \
  "$(sqlite3 "$data/ledger.db" "SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'orders' AND sql LIKE '%(period%' AND sql NOT LIKE '%WHERE%'")"
check "a pack per run" "$(sqlite3 "$data/ledger.db" "SELECT count(*) FROM orders WHERE period = '$p1'")" \
  "$(sqlite3 "$data/ledger.db" "SELECT orders FROM order_stubs WHERE period = '$p1'")"
"$bin" run --data "$work/pack" --period "$p2" >"$work/pack.log" 2>&1
check "run of $p2 from the pack" 0 $?
check "$p2 loads $p1's orders" 1 "$(grep -q 'ledger state loaded ([1-9]' "$work/pack.log" && echo 1 || echo 0)"
"$bin" run --data "$work/damaged" --period "$p2" --quiet >/dev/null 2>"$work/err"
check "a changed pack stops the run" 6 $?
check "message names the period and table" 1 "$(grep -q "at $p1, table decisions" "$work/err" && echo 1 || echo 0)"
check "nothing published from a changed ledger" 0 "$([ -d "$work/damaged/out/$p2" ] && echo 1 || echo 0)"
rm -rf "$work/pack" "$work/damaged"

# a re-run replaces its period's order rows: found at the table's end (no
# index by period) and counted against the pack the last run wrote; with the
# rows out of place, a scan of every row clears them
last=$(tail -n 1 "$data/periods/$p1/orders.csv" | cut -d, -f1)
for v in shrink moved; do
  cp -r "$data" "$work/$v"
  sed -i '$d' "$work/$v/periods/$p1/orders.csv" # the re-run has one order fewer
done
sqlite3 "$work/moved/ledger.db" "INSERT INTO orders(order_id, period) VALUES('O-LATER', '0000-01')"
for v in shrink moved; do
  "$bin" run --data "$work/$v" --period "$p1" --quiet >/dev/null 2>&1
  check "$v: re-run with one order fewer" 0 $?
  check "$v: the period's rows are the new file's" \
    "$(($(wc -l <"$work/$v/periods/$p1/orders.csv") - 1))" \
    "$(sqlite3 "$work/$v/ledger.db" "SELECT count(*) FROM orders WHERE period = '$p1'")"
  check "$v: the order left out is gone" 0 \
    "$(sqlite3 "$work/$v/ledger.db" "SELECT count(*) FROM orders WHERE order_id = '$last'")"
done
check "moved: other rows stay" 1 \
  "$(sqlite3 "$work/moved/ledger.db" "SELECT count(*) FROM orders WHERE order_id = 'O-LATER'")"
rm -rf "$work/shrink" "$work/moved"

# a second writer while the lock (a flock on the ledger file) is held: exit 5
# at once, nothing changed
flock "$data/ledger.db" sleep 3 &
holder=$!
sleep 0.5
start=$(date +%s)
check "concurrent run is busy" 5 "$(run run --period "$p1" --quiet)"
check "busy exit is immediate" 1 "$([ $(( $(date +%s) - start )) -lt 2 ] && echo 1 || echo 0)"
check "concurrent close is busy" 5 "$(run close --period "$p1" --quiet)"
wait $holder

# two real runs: the first stops itself inside its write transaction, holding
# the lock; the second exits 5 at once and changes nothing; the first, continued,
# completes as if alone
runs_before=$(sqlite3 "$data/ledger.db" "SELECT runs FROM runs WHERE period = '$p1'")
COMMISSIONS_FAILPOINT=run-before-commit:stop "$bin" run --data "$data" --period "$p1" --quiet &
first=$!
# (stopped: state T, then flags such as l for a process with threads)
stopped() { ps -o stat= -p "$1" | tr -d ' ' | cut -c1; }
for _ in $(seq 100); do [ "$(stopped $first)" = T ] && break; sleep 0.1; done
check "first run stopped inside its transaction" T "$(stopped $first)"
start=$(date +%s)
check "second real run is busy" 5 "$(run run --period "$p1" --quiet)"
check "second real close is busy" 5 "$(run close --period "$p1" --quiet)"
check "busy exits are immediate" 1 "$([ $(( $(date +%s) - start )) -lt 2 ] && echo 1 || echo 0)"
check "second run changed nothing" "$runs_before" "$(sqlite3 "$data/ledger.db" "SELECT runs FROM runs WHERE period = '$p1'")"
kill -CONT $first
wait $first
check "first run completes after the second was refused" 0 "$?"
check "first run's results identical" 0 "$(diff -r "$work/first/results" "$data/out/$p1/results" >/dev/null; echo $?)"

check "close $p1" 0 "$(run close --period "$p1" --quiet)"
check "payments.csv written" 1 "$([ -f "$data/out/$p1/payments.csv" ] && echo 1 || echo 0)"
check "payments.control written" 1 "$([ -f "$data/out/$p1/payments.control" ] && echo 1 || echo 0)"
sum1=$(sha256sum "$data/out/$p1/payments.csv" | cut -d' ' -f1)
check "close twice refused" 4 "$(run close --period "$p1" --quiet)"
check "payments.csv unchanged" "$sum1" "$(sha256sum "$data/out/$p1/payments.csv" | cut -d' ' -f1)"
check "re-run of closed period refused" 4 "$(run run --period "$p1" --quiet)"
check "run $p2" 0 "$(run run --period "$p2" --quiet)"
check "run older period refused" 4 "$(run run --period "$p1" --quiet)"
check "close $p2" 0 "$(run close --period "$p2" --quiet)"
dups=$(sqlite3 "$data/ledger.db" "SELECT count(*) - count(DISTINCT payment_id) FROM payments")
check "no payment id twice" 0 "$dups"
check "ledger integrity" ok "$(sqlite3 "$data/ledger.db" 'PRAGMA integrity_check')"
check "status" 0 "$(run status)"
check "check writes nothing" 0 "$(run check --period "$p2")"

# explain: plain text tracing a decision or a cent
ex=$("$bin" explain --data "$data" --order O-1101 2>&1); rc=$?
check "explain order" 0 "$rc"
check "explain order names its rule" 1 "$(grep -q 'named_agreement' <<<"$ex" && echo 1 || echo 0)"
ex=$("$bin" explain --data "$data" --revenue RN-1101 --period "$p1" 2>&1); rc=$?
check "explain revenue" 0 "$rc"
check "explain revenue shows the rate row and arithmetic" 1 "$(grep -q 'rates.csv line' <<<"$ex" && grep -q 'arithmetic' <<<"$ex" && echo 1 || echo 0)"
# RN-1101 is billed to a known service (O-1101): the run does not need its account, explain shows it
check "explain revenue names the row's account" 1 "$(grep -q 'account AC-1001,' <<<"$ex" && echo 1 || echo 0)"
# RN-9104 follows a row rejected at line 40 (bad_money): its own line is 41, not its row number + 2
ex=$("$bin" explain --data "$data" --revenue RN-9104 --period "$p1" 2>&1)
check "explain revenue names the row's line after a rejected row" 1 "$(grep -q '(line 41 of revenue.csv)' <<<"$ex" && echo 1 || echo 0)"
# two rows more before RN-3203 (line 22, known service O-1103): a repeat of RN-1101 (duplicate_id,
# dropped after the file) and a bad amount; explain still names its line (24) and its account
cp -r "$src" "$work/shift"
rm -rf "$work/shift/expected" "$work/shift/out" "$work/shift/ledger.db"*
sed -i '2{p;p;s/^RN-1101,.*/RN-1199,'"$p1"',AC-1001,,CTL-IQNET,12.345,USD/}' "$work/shift/periods/$p1/revenue.csv"
check "run with the two rows more" 0 "$("$bin" run --data "$work/shift" --period "$p1" --quiet >/dev/null 2>&1; echo $?)"
check "the repeat is rejected at its line" 1 "$(grep -q "revenue.csv,3,revenue_id,duplicate_id" "$work/shift/out/$p1/results/rejects.csv" && echo 1 || echo 0)"
ex=$("$bin" explain --data "$work/shift" --revenue RN-3203 --period "$p1" 2>&1)
check "explain revenue after dropped rows names its line" 1 "$(grep -q '(line 24 of revenue.csv)' <<<"$ex" && echo 1 || echo 0)"
check "explain revenue after dropped rows names its account" 1 "$(grep -q 'account AC-3002, service O-1103' <<<"$ex" && echo 1 || echo 0)"
ex=$("$bin" explain --data "$data" --agreement A-ACME-C --period "$p1" 2>&1); rc=$?
check "explain agreement waterfall" 0 "$rc"
check "waterfall has carried out" 1 "$(grep -q 'carried out' <<<"$ex" && echo 1 || echo 0)"
check "explain unknown order is input error" 3 "$(run explain --order NOPE)"

# a rule book whose rates overlap is a file error naming both rows
mkdir -p "$data/book"
printf 'plan_id,component,category,tier,rate_pct,mrc_multiple,min_term_months,effective_from,effective_to\nX,residual,*,*,5,,,2017-01-01,\nX,residual,*,*,6,,,2017-06-01,2017-12-31\n' >"$data/book/rates.csv"
check "overlapping rates exit 3" 3 "$(run check --period "$p2")"
check "message names both rows" 1 "$(grep -q 'rates.csv:3: overlaps line 2' "$work/err" && echo 1 || echo 0)"
rm -rf "$data/book"

# bad input: a file error is exit 3 and leaves the ledger as it was
before=$(sqlite3 "$data/ledger.db" "SELECT count(*) FROM runs")
mkdir -p "$data/periods/2099-01"
printf 'order_id,bogus\n' >"$data/periods/2099-01/orders.csv"
check "file error exit 3" 3 "$(run run --period 2099-01 --quiet)"
check "message names the file" 1 "$(grep -q 'periods/2099-01/orders.csv' "$work/err" && echo 1 || echo 0)"
check "nothing written on file error" "$before" "$(sqlite3 "$data/ledger.db" "SELECT count(*) FROM runs")"
check "no output folder on file error" 0 "$([ -d "$data/out/2099-01" ] && echo 1 || echo 0)"

# usage
"$bin" run --period 2017-13 --data "$data" >/dev/null 2>&1
check "bad period is usage" 2 $?
"$bin" frobnicate >/dev/null 2>&1
check "unknown command is usage" 2 $?

# a re-run undoes what its earlier run set on orders of earlier periods: OR2
# (2017-01, no install date) is re-delivered with one in 2017-02 and installed
# there; re-run without that row, it is not installed and earns no spiff
rd=$work/redelivery
cp -r "$2/fixtures/order_redelivery" "$rd"
rm -rf "$rd/expected" "$rd/out" "$rd/ledger.db"*
"$bin" run --data "$rd" --period 2017-01 --quiet >/dev/null 2>&1
"$bin" run --data "$rd" --period 2017-02 --quiet >/dev/null 2>&1
installs() { sqlite3 "$rd/ledger.db" "SELECT coalesce(install_date, '-') || ' ' || coalesce(installed_period, '-') || ' ' || coalesce(spiff, '-') FROM orders WHERE order_id = 'OR2'"; }
check "OR2 installed in 2017-02" "2017-02-10 2017-02 10000" "$(installs)"
grep -v '^OR2,' "$rd/periods/2017-02/orders.csv" >"$work/orders.csv"
cp "$work/orders.csv" "$rd/periods/2017-02/orders.csv"
"$bin" run --data "$rd" --period 2017-02 --quiet >/dev/null 2>&1
check "re-run without OR2's row" 0 $?
check "OR2's installation undone" "- - -" "$(installs)"

e2e_done e2e_lifecycle
