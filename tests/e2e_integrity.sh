#!/usr/bin/env bash
# End to end: not a cent changed, lost or wrapped between the reviewed run and
# the payment (issue 19), on copies of fixtures/demo (and p3_revenue_and_payables
# for two currencies). Proves: close pays and states what the run recorded
# whatever happens to the inputs after it, and master edits after P+1 never
# block closing P; a skipped periods/ folder is refused; one writer per ledger
# file whatever path names it; a carried balance never vanishes with its
# agreement; a foreign or other dataset's ledger is refused and left untouched;
# the hash chain catches sqlite3 edits (audit and the next run) and a payment
# id is never issued twice; payments.csv neutralises ids; status and the run
# summary never add two currencies.
#   e2e_integrity.sh BIN REPO
set -u
bin=$1
repo=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/e2e_lib.sh"
fresh() { # a clean copy of a fixture as $work/$2
  rm -rf "$work/$2"
  cp -r "$repo/fixtures/$1" "$work/$2"
  rm -rf "$work/$2/expected" "$work/$2/out" "$work/$2/ledger.db"* "$work/$2/.commissions-id"
}
cmd() { "$bin" "$@" >"$work/out" 2>"$work/err"; echo $?; }
has() { grep -q -- "$2" "$1" && echo 1 || echo 0; }
field() { # payments.csv amount of a payment id
  awk -F, -v id="$2" '$1 == id { print $5 }' "$1"
}
payable() { # results/payables.csv paid of an agreement
  awk -F, -v a="$2" '$1 == a { print $5 }' "$1"
}
p1=2017-11
p2=2017-12

# ---- 1. close publishes what was reviewed ---------------------------------
# approvals.csv deleted after the run: close pays A-NW-L what the run recorded
# (6,303.25), not a re-decision without the approvals (1,290.75), and says so
for gone in approvals.csv orders.csv; do
  fresh demo d
  check "close/$gone: run $p1" 0 "$(cmd run --data "$work/d" --period $p1 --quiet)"
  rm "$work/d/periods/$p1/$gone"
  echo "X,1" >"$work/d/periods/$p1/extra.csv"
  check "close/$gone: close after the file was deleted" 0 "$(cmd close --data "$work/d" --period $p1 --quiet)"
  check "close/$gone: warning names the deleted file" 1 "$(has "$work/err" "periods/$p1/$gone was removed")"
  check "close/$gone: warning names the added file" 1 "$(has "$work/err" "periods/$p1/extra.csv was added")"
  check "close/$gone: A-NW-L paid what the run recorded" \
    "$(payable "$work/d/out/$p1/results/payables.csv" A-NW-L)" "$(field "$work/d/out/$p1/payments.csv" A-NW-L-$p1)"
  # every paid payable of the run, and nothing else, is in payments.csv
  want=$(awk -F, -v p=$p1 'NR > 1 && $7 == "paid" && $5 != "0.00" { print $1 "-" p "," $5 }' \
    "$work/d/out/$p1/results/payables.csv" | sort)
  got=$(awk -F, 'NR > 1 { print $1 "," $5 }' "$work/d/out/$p1/payments.csv" | sort)
  check "close/$gone: payments are the run's payables" "$want" "$got"
done
# the statements close writes are the run's documents: a changed partner
# name after the run does not reach them
fresh demo d
cmd run --data "$work/d" --period $p1 --quiet --statements >/dev/null
mkdir -p "$work/xl/draft" "$work/xl/final"
(cd "$work/xl/draft" && unzip -q -o "$work/d/out/$p1/statements/P-ACME.xlsx")
sed -i 's/^P-ACME,Acme Telecom Agents,/P-ACME,Renamed After Run,/' "$work/d/master/partners.csv"
check "close after a partner rename" 0 "$(cmd close --data "$work/d" --period $p1 --quiet)"
(cd "$work/xl/final" && unzip -q -o "$work/d/out/$p1/statements/P-ACME.xlsx")
check "the final statement keeps the name the run saw" 0 \
  "$(cat "$work/xl/final"/xl/sharedStrings.xml "$work/xl/final"/xl/worksheets/*.xml 2>/dev/null | grep -c 'Renamed After Run')"
check "... and shows the name the run saw" 1 \
  "$(grep -q 'Acme Telecom Agents' "$work/xl/final/xl/sharedStrings.xml" && echo 1 || echo 0)"
strip() { grep -o '<t[^>]*>[^<]*</t>' "$1" | grep -v 'DRAFT\|BORRADOR'; }
check "the final statement is the draft but for the draft marker" \
  "$(strip "$work/xl/draft/xl/sharedStrings.xml")" "$(strip "$work/xl/final/xl/sharedStrings.xml")"
check "master/partners.csv named as changed" 1 "$(has "$work/err" "master/partners.csv was changed")"

# ---- 2. master or book edits after P+1 ran never block closing P ----------
fresh demo d
cmd run --data "$work/d" --period $p1 --quiet >/dev/null
cmd run --data "$work/d" --period $p2 --quiet >/dev/null
sed -i 's/^P-ACME,Acme Telecom Agents,/P-ACME,Acme Telecom Agents Ltd,/' "$work/d/master/partners.csv"
check "close $p1 after a master edit and the run of $p2" 0 "$(cmd close --data "$work/d" --period $p1 --quiet)"
check "close $p2 as well" 0 "$(cmd close --data "$work/d" --period $p2 --quiet)"

# ---- 3. months in order -----------------------------------------------------
fresh demo d
mkdir "$work/d/periods/2018-01"
for f in "$work/d/periods/$p2"/*.csv; do head -n 1 "$f" >"$work/d/periods/2018-01/$(basename "$f")"; done
cmd run --data "$work/d" --period $p1 --quiet >/dev/null
check "2018-01 with periods/$p2 never run is refused" 4 "$(cmd run --data "$work/d" --period 2018-01 --quiet)"
check "refusal names the skipped folder" 1 "$(has "$work/err" "periods/$p2 was never run")"
check "nothing run" 1 "$(sqlite3 "$work/d/ledger.db" "SELECT count(*) FROM runs")"
mv "$work/d/periods/$p2" "$work/d/skipped"
check "a month without a folder is a gap" 0 "$(cmd run --data "$work/d" --period 2018-01 --quiet)"
fresh demo d
check "a fresh ledger may start at any month" 0 "$(cmd run --data "$work/d" --period $p2 --quiet)"

# ---- 4. one writer per ledger file, whatever path names it ----------------
fresh demo d
cmd run --data "$work/d" --period $p1 --quiet >/dev/null
ln -s "$work/d/ledger.db" "$work/link.db"
stopped() { ps -o stat= -p "$1" | tr -d ' ' | cut -c1; }
for fp in run-after-commit run-before-commit; do
  COMMISSIONS_FAILPOINT=$fp:stop "$bin" run --data "$work/d" --period $p2 --quiet >/dev/null 2>&1 &
  first=$!
  for _ in $(seq 100); do [ "$(stopped $first)" = T ] && break; sleep 0.1; done
  check "$fp: first writer stopped" T "$(stopped $first)"
  check "$fp: second writer through a symlink is busy" 5 \
    "$(cmd run --data "$work/d" --db "$work/link.db" --period $p2 --quiet)"
  check "$fp: second writer through dir/../ledger.db is busy" 5 \
    "$(cmd run --data "$work/d" --db "$work/d/periods/../ledger.db" --period $p2 --quiet)"
  check "$fp: a close through the symlink is busy" 5 \
    "$(cmd close --data "$work/d" --db "$work/link.db" --period $p1 --quiet)"
  kill -CONT $first
  wait $first
  check "$fp: the first writer completes" 0 $?
done
check "no lock file beside the ledger" 0 "$(ls "$work"/d/*.lock "$work"/*.lock 2>/dev/null | wc -l)"

# ---- 5. balances never vanish ------------------------------------------------
# A-SUM-L carries 1,578.40 (not_due) out of 2017-11
for how in deleted rejected; do
  fresh demo d
  cmd run --data "$work/d" --period $p1 --quiet >/dev/null
  if [ $how = deleted ]; then
    sed -i '/^A-SUM-L,/d' "$work/d/master/agreements.csv"
  else
    sed -i '/^A-SUM-L,/s/,[0-9.]*$/,500.0O/' "$work/d/master/agreements.csv"
  fi
  check "balance of a $how agreement: run refused" 3 "$(cmd run --data "$work/d" --period $p2 --quiet)"
  check "balance of a $how agreement: message names it and the amount" 1 \
    "$(has "$work/err" "A-SUM-L carries a balance of 1578.40 USD")"
  check "balance of a $how agreement: nothing run" 1 "$(sqlite3 "$work/d/ledger.db" "SELECT count(*) FROM runs")"
done

# ---- 6. the ledger knows itself ----------------------------------------------
fresh demo d
sqlite3 "$work/foreign.db" "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES('mine')"
before=$(sha256sum "$work/foreign.db" | cut -d' ' -f1)
check "another program's SQLite file is refused" 4 "$(cmd run --data "$work/d" --db "$work/foreign.db" --period $p1 --quiet)"
check "the refusal says so" 1 "$(has "$work/err" "is not a commissions ledger")"
check "the foreign file is unchanged" "$before" "$(sha256sum "$work/foreign.db" | cut -d' ' -f1)"
check "no WAL beside it" 0 "$(ls "$work"/foreign.db-* 2>/dev/null | wc -l)"
check "close refuses it too" 4 "$(cmd close --data "$work/d" --db "$work/foreign.db" --period $p1 --quiet)"
check "status refuses it too" 4 "$(cmd status --data "$work/d" --db "$work/foreign.db")"
printf 'not a database at all\n' >"$work/text.db"
check "a file that is not SQLite is refused" 4 "$(cmd run --data "$work/d" --db "$work/text.db" --period $p1 --quiet)"
check "and left as it was" "not a database at all" "$(cat "$work/text.db")"
cmd run --data "$work/d" --period $p1 --quiet >/dev/null
check "a ledger is stamped" "1129270605 2" \
  "$(sqlite3 "$work/d/ledger.db" 'PRAGMA application_id' 'PRAGMA user_version' | tr '\n' ' ' | sed 's/ $//')"
cp "$work/d/ledger.db" "$work/v2.db"
sqlite3 "$work/v2.db" 'PRAGMA user_version = 1'
check "a ledger of another schema version is refused" 4 "$(cmd run --data "$work/d" --db "$work/v2.db" --period $p2 --quiet)"
check "the refusal names the version" 1 "$(has "$work/err" "schema version 1")"
# the demo's ledger used for another dataset
fresh p3_revenue_and_payables other
check "a ledger started for another dataset is refused" 4 \
  "$(cmd run --data "$work/other" --db "$work/d/ledger.db" --period $p1 --quiet)"
check "the refusal says another dataset" 1 "$(has "$work/err" "another dataset")"
check "nothing of it recorded" 1 "$(sqlite3 "$work/d/ledger.db" "SELECT count(*) FROM runs")"
cp "$work/d/.commissions-id" "$work/other/.commissions-id"
echo 0123456789abcdef0123456789abcdef >"$work/other/.commissions-id"
check "a dataset with another id is refused" 4 \
  "$(cmd run --data "$work/other" --db "$work/d/ledger.db" --period $p1 --quiet)"

# ---- 7. tamper-evident ---------------------------------------------------------
fresh demo d
cmd run --data "$work/d" --period $p1 --quiet >/dev/null
check "audit of an intact ledger" 0 "$(cmd audit --data "$work/d")"
cp -r "$work/d" "$work/t"
sqlite3 "$work/t/ledger.db" "UPDATE payables SET carried_out = carried_out + 10000000 WHERE agreement_id = 'A-BYTE-C'"
check "audit finds a changed payable" 6 "$(cmd audit --data "$work/t")"
check "audit names the period and table" 1 "$(has "$work/err" "at $p1, table payables")"
check "the next run refuses to build on it" 6 "$(cmd run --data "$work/t" --period $p2 --quiet)"
check "the run names the period and table" 1 "$(has "$work/err" "at $p1, table payables")"
check "nothing of $p2 published" 0 "$([ -d "$work/t/out/$p2" ] && echo 1 || echo 0)"
check "close refuses it too" 6 "$(cmd close --data "$work/t" --period $p1 --quiet)"
check "no payment file from a changed ledger" 0 "$([ -f "$work/t/out/$p1/payments.csv" ] && echo 1 || echo 0)"
# a closed period set open again: audit sees it, a second close is refused
check "close $p1" 0 "$(cmd close --data "$work/d" --period $p1 --quiet)"
check "payments.control carries the close's chain link" \
  "$(sqlite3 "$work/d/ledger.db" "SELECT link FROM chain ORDER BY seq DESC LIMIT 1")" \
  "$(awk -F, '$1 == "chain_link" { print $2 }' "$work/d/out/$p1/payments.control")"
check "audit after close" 0 "$(cmd audit --data "$work/d")"
sum=$(sha256sum "$work/d/out/$p1/payments.csv" | cut -d' ' -f1)
npay=$(sqlite3 "$work/d/ledger.db" "SELECT group_concat(payment_id || ':' || amount) FROM payments")
rm "$work/d/out/$p1/payments.control"
sqlite3 "$work/d/ledger.db" "UPDATE runs SET state = 'open' WHERE period = '$p1'"
check "audit finds a reopened period" 6 "$(cmd audit --data "$work/d")"
check "audit names the runs table" 1 "$(has "$work/err" "at $p1, table runs")"
check "a reopened period is not re-run" 6 "$(cmd run --data "$work/d" --period $p1 --quiet)"
sqlite3 "$work/d/ledger.db" "UPDATE payables SET paid = paid + 100000, balance = balance + 100000 WHERE agreement_id = 'A-NW-L' AND period = '$p1'"
code=$(cmd close --data "$work/d" --period $p1 --quiet)
check "a second close with new payment content is refused" 1 "$([ "$code" != 0 ] && echo 1 || echo 0)"
check "payments.csv unchanged" "$sum" "$(sha256sum "$work/d/out/$p1/payments.csv" | cut -d' ' -f1)"
check "recorded payments unchanged" "$npay" \
  "$(sqlite3 "$work/d/ledger.db" "SELECT group_concat(payment_id || ':' || amount) FROM payments")"
# a re-run replaces P's results: its superseded link stays, audit checks the new
fresh demo d
cmd run --data "$work/d" --period $p1 --quiet >/dev/null
cmd run --data "$work/d" --period $p1 --quiet >/dev/null
check "re-run: two links" 2 "$(sqlite3 "$work/d/ledger.db" "SELECT count(*) FROM chain")"
check "re-run: audit intact" 0 "$(cmd audit --data "$work/d")"
sqlite3 "$work/d/ledger.db" "DELETE FROM chain WHERE seq = 1"
check "a deleted link breaks the chain" 6 "$(cmd audit --data "$work/d")"

# ---- 8. payments.csv neutralised, never two currencies added ------------------
fresh p3_revenue_and_payables c
sed -i 's/quarterly/monthly/' "$work/c/master/agreements.csv"
sed -i 's/^A1,P1,/-A1,-P1,/; s/^A2,P1,/A2,-P1,/' "$work/c/master/agreements.csv"
sed -i 's/,A1$/,-A1/' "$work/c/master/accounts.csv"
sed -i 's/^P1,/-P1,/' "$work/c/master/partners.csv"
sed -i 's/,P1,/,-P1,/; s/,A1,/,-A1,/' "$work/c/periods/$p1"/*.csv
"$bin" run --data "$work/c" --period $p1 >"$work/summary" 2>/dev/null
check "run with ids starting with -" 0 $?
check "run summary: USD on its own" 1 "$(has "$work/summary" "to pay at close: USD 52.00 to 1 agreement")"
check "run summary: EUR on its own" 1 "$(has "$work/summary" "to pay at close: EUR 36.00 to 1 agreement")"
"$bin" close --data "$work/c" --period $p1 >"$work/summary" 2>/dev/null
check "close summary per currency" 1 "$(has "$work/summary" "paid EUR 36.00 to 1 agreement")"
check "payment id, partner and agreement neutralised" 1 \
  "$(has "$work/c/out/$p1/payments.csv" "^'-A1-$p1,'-P1,'-A1,USD,52.00,")"
check "no cell starts with -" 0 "$(grep -c -- '\(^\|,\)-' "$work/c/out/$p1/payments.csv")"
"$bin" status --data "$work/c" >"$work/status" 2>/dev/null
check "status pays per currency" 1 "$(grep -A3 "^$p1 " "$work/status" | grep -q '^  EUR  paid 36.00' &&
  grep -A3 "^$p1 " "$work/status" | grep -q '^  USD  paid 52.00' && echo 1 || echo 0)"
check "status never shows the mixed sum" 0 "$(grep -c '88\.00' "$work/status")"

e2e_done e2e_integrity
