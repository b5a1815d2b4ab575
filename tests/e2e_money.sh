#!/usr/bin/env bash
# End to end: money never wraps (SPEC §2 "every sum/product overflow-checked"),
# on copies of the demo dataset. Proves: a total that would pass int64 cents
# (10,000 revenue rows of 10^13, many spiffs of mrc x 1000, many large
# adjustments, a commitment's percent) is a file error, exit 3, naming
# file:line:column of the row that pushed it over, and writes nothing; a value
# past its documented bound (payment_lag_days 3651, mrc_multiple 1000.01) is a
# row error for master data and a file error for the book; values just inside
# the bounds pass with exact results; a total carried across periods (a
# commitment's retired to date) is refused too.
#   bash tests/e2e_money.sh BIN ROOT
set -u
bin=$1
src=$2/fixtures/demo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
p=2017-11
big=10000000000000.00 # 10^15 cents: MONEY_INPUT_MAX, the largest accepted amount
. "$(dirname "$0")/e2e_lib.sh"
fresh() { # a clean copy of the demo in $work/$1
  rm -rf "$work/$1"
  cp -r "$src" "$work/$1"
  rm -rf "$work/$1/expected" "$work/$1/out" "$work/$1/ledger.db"*
  echo "$work/$1"
}
run() { # data dir: exit code of a run of $p; stderr in $work/err
  "$bin" run --data "$1" --period "$p" --quiet >/dev/null 2>"$work/err"
  echo $?
}
# Every huge amount these scenarios add is positive: a wrapped int64 total
# would show as a large negative amount somewhere in the outputs.
no_wrap() {
  if [ -d "$1/out" ] && grep -rEq --include='*.csv' -- '-[0-9]{14,}\.[0-9]{2}' "$1/out"; then echo wrapped; else echo clean; fi
}
err_has() { if grep -qE -- "$1" "$work/err"; then echo yes; else echo "no: $(cat "$work/err")"; fi; }

# 1. 10,000 revenue rows of 10^13.00: the file's total passes int64 at the
#    9,224th of them (demo rows add far less than 3.7 * 10^14 cents).
d=$(fresh revenue)
n0=$(($(wc -l <"$d/periods/$p/revenue.csv") - 1))
for i in $(seq 1 10000); do echo "RX-$i,$p,AC-1001,,CTL-IQNET,$big,USD"; done >>"$d/periods/$p/revenue.csv"
check "10,000 huge revenue rows: exit 3" 3 "$(run "$d")"
check "names revenue.csv, the line and column" yes \
  "$(err_has "periods/$p/revenue.csv:$((1 + n0 + 9224)): column amount: the sum of \|amount\| over the file")"
check "nothing written" no "$([ -e "$d/out/$p" ] && echo yes || echo no)"
check "no wrapped value" clean "$(no_wrap "$d")"
# 9,000 of them (9 * 10^18 cents) still fit: exact totals, no wrap
d=$(fresh revenue_ok)
for i in $(seq 1 9000); do echo "RX-$i,$p,AC-1001,,CTL-IQNET,$big,USD"; done >>"$d/periods/$p/revenue.csv"
check "9,000 huge revenue rows: exit 0" 0 "$(run "$d")"
# the sum of the format-valid rows (the demo's quoted "1,250.00" is a reject)
want=$(tail -n +2 "$d/periods/$p/revenue.csv" | grep -v '"' | cut -d, -f6 | paste -sd+ | BC_LINE_LENGTH=0 bc)
check "revenue_amount_in_USD exact" "revenue_amount_in_USD,$want" "$(grep '^revenue_amount_in_USD,' "$d/out/$p/results/control.csv")"
check "no wrapped value" clean "$(no_wrap "$d")"

# 2. mrc x mrc_multiple: the multiple is bounded (1000.00, so one spiff of the
#    largest mrc is 10^18 cents); 10 spiffs of that for one agreement pass
#    int64 at the 10th order.
d=$(fresh spiff)
mkdir -p "$d/book"
sed -E 's/^(ASCEND-STD,spiff,[^,]*,[^,]*,[^,]*,)[0-9.]+,/\11000.01,/' "$2/rules/book/rates.csv" >"$d/book/rates.csv"
line=$(grep -n '^ASCEND-STD,spiff' "$d/book/rates.csv" | head -1 | cut -d: -f1)
check "mrc_multiple 1000.01: exit 3" 3 "$(run "$d")"
check "names rates.csv:line:mrc_multiple" yes "$(err_has "book/rates.csv:$line: bad value in column mrc_multiple \(bad_money\)")"
sed -E 's/^(ASCEND-STD,spiff,[^,]*,[^,]*,[^,]*,)[0-9.]+,/\11000.00,/' "$2/rules/book/rates.csv" >"$d/book/rates.csv"
n0=$(($(wc -l <"$d/periods/$p/orders.csv") - 1))
for i in $(seq 1 10); do
  echo "OX-$i,P-ACME,A-ACME-C,AC-1001,CTL-IQNET,new,,,$p-03,$p-04,$big,0.00,USD,36"
done >>"$d/periods/$p/orders.csv"
check "10 spiffs of 10^18 cents: exit 3" 3 "$(run "$d")"
check "names the 10th order's line and mrc" yes \
  "$(err_has "periods/$p/orders.csv:$((1 + n0 + 10)): column mrc: the spiff lines of the agreement A-ACME-C")"
check "nothing written" no "$([ -e "$d/out/$p" ] && echo yes || echo no)"
# 9 of them fit: each spiff is exactly mrc x 1000
head -n $((1 + n0 + 9)) "$d/periods/$p/orders.csv" >"$work/o" && mv "$work/o" "$d/periods/$p/orders.csv"
check "9 spiffs of 10^18 cents: exit 0" 0 "$(run "$d")"
check "spiff exact" 1 "$(grep -c '^A-ACME-C,spiff,OX-9,10000000000000.00,1000,10000000000000000.00,$' "$d/out/$p/results/lines.csv")"
check "no wrapped value" clean "$(no_wrap "$d")"
# close states and pays it (statements, payments.control totals) exactly
"$bin" close --data "$d" --period "$p" --quiet >/dev/null 2>"$work/err"
check "close with 9 x 10^18 cents of spiffs: exit 0" 0 "$?"
earned=$(grep '^A-ACME-C,' "$d/out/$p/results/payables.csv" | cut -d, -f3)
check "paid = earned, exact" "$earned" "$(grep ',A-ACME-C,' "$d/out/$p/payments.csv" | cut -d, -f5)"
check "no wrapped value after close" clean "$(no_wrap "$d")"

# 3. 10,000 approved adjustments of 10^13.00 for one agreement: its
#    adjustment lines pass int64 at the 9,224th.
d=$(fresh adjustments)
{
  echo "adjustment_id,agreement_id,amount,currency,reason,entered_by,approved_by,approved_on"
  for i in $(seq 1 10000); do echo "ADJ-$i,A-ACME-C,$big,USD,bonus,ann,bob,$p-05"; done
} >"$d/periods/$p/adjustments.csv"
check "10,000 huge adjustments: exit 3" 3 "$(run "$d")"
check "names adjustments.csv:line:amount" yes \
  "$(err_has "periods/$p/adjustments.csv:$((1 + 9224)): column amount: the adjustment lines of the agreement A-ACME-C")"
check "nothing written" no "$([ -e "$d/out/$p" ] && echo yes || echo no)"

# 4. payment_lag_days: 0..3650. 3651 (or the 2^31-1 that gave 0231-08-21) is a
#    row error of master data (rejects.csv, every period); 3650 is paid on
#    the last day of P + 3650 days.
d=$(fresh lag)
sed -i 's/^\(A-ACME-C,P-ACME,CTL,ASCEND-STD,USD,2016-03-01,,monthly,\)30,/\12147483647,/' "$d/master/agreements.csv"
check "lag 2147483647: exit 0" 0 "$(run "$d")"
check "lag 2147483647: bad_int reject" 1 "$(grep -c '^master/agreements.csv,2,payment_lag_days,bad_int$' "$d/out/$p/results/rejects.csv")"
# every due date is the last day of P plus at most 3650 days (2017-11 + ten years)
check "no due date past lag 3650" 0 \
  "$(tail -n +2 "$d/out/$p/results/payables.csv" | cut -d, -f8 | awk '$0 != "" && ($0 < "2017-11-30" || $0 > "2027-11-28")' | wc -l)"
d=$(fresh lag_edge)
sed -i 's/^\(A-ACME-C,P-ACME,CTL,ASCEND-STD,USD,2016-03-01,,monthly,\)30,/\13651,/' "$d/master/agreements.csv"
check "lag 3651: exit 0" 0 "$(run "$d")"
check "lag 3651: bad_int reject" 1 "$(grep -c '^master/agreements.csv,2,payment_lag_days,bad_int$' "$d/out/$p/results/rejects.csv")"
d=$(fresh lag_in)
sed -i 's/^\(A-ACME-C,P-ACME,CTL,ASCEND-STD,USD,2016-03-01,,monthly,\)30,/\13650,/' "$d/master/agreements.csv"
check "lag 3650: exit 0" 0 "$(run "$d")"
due=$(date -u -d "2017-11-30 + 3650 days" +%F)
check "lag 3650: due date" "paid,$due" "$(grep '^A-ACME-C,' "$d/out/$p/results/payables.csv" | cut -d, -f7,8)"

# The due date stays a 4-digit-year date: in period 9999-12 even a lag of 30
# days would pass 9999-12-31, a file error naming the agreement's row.
d=$(fresh lag_9999)
mv "$d/periods/$p" "$d/periods/9999-12"
rm -rf "$d/periods/2017-12"
sed -i "s/$p/9999-12/g" "$d/periods/9999-12/"*.csv
"$bin" run --data "$d" --period 9999-12 --quiet >/dev/null 2>"$work/err"
check "due date past 9999-12-31: exit 3" 3 "$?"
check "names agreements.csv:2:payment_lag_days" yes \
  "$(err_has "master/agreements.csv:2: column payment_lag_days: the due date .* of the agreement A-ACME-C in 9999-12 is past 9999-12-31")"

# 5. A commitment's percent retired is uncapped (§8.7) but must fit: 0.01
#    retired by 10^13.00 of revenue is 10^19 hundredths of a percent.
d=$(fresh commitment)
sed -i 's/^CM-ACME-2H,A-ACME-C,revenue,60000.00,/CM-ACME-2H,A-ACME-C,revenue,0.01,/' "$d/master/commitments.csv"
echo "RX-1,$p,AC-1001,,CTL-IQNET,$big,USD" >>"$d/periods/$p/revenue.csv"
check "commitment percent past int64: exit 3" 3 "$(run "$d")"
check "names commitments.csv:2:amount" yes \
  "$(err_has "master/commitments.csv:2: column amount: the percent retired or remaining amount of the commitment of the agreement A-ACME-C")"
check "nothing written" no "$([ -e "$d/out/$p" ] && echo yes || echo no)"
# amount 1.00: the same revenue is 10^17 hundredths, exact
sed -i 's/^CM-ACME-2H,A-ACME-C,revenue,0.01,/CM-ACME-2H,A-ACME-C,revenue,1.00,/' "$d/master/commitments.csv"
check "commitment percent in range: exit 0" 0 "$(run "$d")"
to_date=$(grep '^CM-ACME-2H,' "$d/out/$p/results/commitments.csv" | cut -d, -f4)
check "percent = to_date x 100 exactly" "$(echo "$to_date * 100" | bc)" \
  "$(grep '^CM-ACME-2H,' "$d/out/$p/results/commitments.csv" | cut -d, -f6)"

# 6. Totals across periods: 9,000 rows of 10^13.00 in each of 2017-11 and
#    2017-12 fit each month, but the commitment CM-ACME-2H (2017-11..12)
#    retires both: its retired to date would pass int64 in 2017-12.
d=$(fresh periods)
for q in 2017-11 2017-12; do
  for i in $(seq 1 9000); do echo "RX-$i,$q,AC-1001,,CTL-IQNET,$big,USD"; done >>"$d/periods/$q/revenue.csv"
done
check "first month of 9,000 huge rows: exit 0" 0 "$(run "$d")"
"$bin" run --data "$d" --period 2017-12 --quiet >/dev/null 2>"$work/err"
check "second month: exit 3" 3 "$?"
check "names the commitment's row and what overflowed" yes \
  "$(err_has "master/commitments.csv:2: column amount: the retired to date of the commitment of the agreement A-ACME-C in 2017-12 overflows")"
check "2017-12 not written" no "$([ -e "$d/out/2017-12" ] && echo yes || echo no)"

e2e_done e2e_money
