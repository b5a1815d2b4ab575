#!/usr/bin/env bash
# The workbooks read back (issue 5): the demo's months run with draft
# statements, twice; then every sheet is present, the Summary's totals equal
# results/payables.csv to the cent, no cell of any workbook is a formula, the
# Spanish partner's statement is in Spanish, the English one in English, and
# both runs give identical bytes.
#   e2e_workbooks.sh BIN REPO
set -u
bin=$1; repo=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/e2e_lib.sh"
for round in a b; do
  cp -r "$repo/fixtures/demo" "$work/$round"; rm -rf "$work/$round/out" "$work/$round/ledger.db"* "$work/$round/expected"
  for p in $(ls "$work/$round/periods"); do
    "$bin" run --data "$work/$round" --period "$p" --statements --quiet || { echo "run $p failed"; exit 1; }
  done
done
out=$work/a/out
for p in $(ls "$out"); do
  x=$out/$p/payouts.xlsx
  wb=$(unzip -p "$x" xl/workbook.xml)
  for s in Overview Summary Lines Exceptions Commitments Tiers Points Control; do
    check "$p: sheet $s" 1 "$(grep -c "name=\"$s\"" <<<"$wb")"
  done
  # Summary (sheet2): the totals row is the last row; columns M..P are carried_in, earned, paid, carried_out
  summary=$(unzip -p "$x" xl/worksheets/sheet2.xml)
  for col in M:carried_in N:earned O:paid P:carried_out; do
    c=${col%%:*}; name=${col#*:}
    got=$(grep -o "<c r=\"$c[0-9]*\"[^>]*><v>[^<]*</v>" <<<"$summary" | tail -1 | sed 's/.*<v>//; s/<\/v>//')
    n=$(head -1 "$out/$p/results/payables.csv" | tr ',' '\n' | grep -n "^$name\$" | cut -d: -f1)
    want=$(tail -n +2 "$out/$p/results/payables.csv" | awk -F, -v n="$n" '{s += $n} END {printf "%.2f", s}')
    check "$p: Summary total $name = payables.csv" "$want" "$(awk -v v="$got" 'BEGIN {printf "%.2f", v}')"
  done
  check "$p: charts" 3 "$(unzip -l "$x" | grep -c 'xl/charts/chart[0-9]*.xml')"
  for f in "$x" "$out/$p"/statements/*.xlsx; do
    formulas=$(unzip -p "$f" 'xl/worksheets/*.xml' | grep -c "<f>")
    check "$p: no formula in $(basename "$f")" 0 "$formulas"
  done
  # small statements are built in memory: their text is in the shared strings
  es=$(unzip -p "$out/$p/statements/P-RIOS.xlsx" 'xl/worksheets/*.xml' 'xl/sharedStrings.xml')
  for t in "Estado de comisiones" "Saldo del período anterior" "Nivel vigente" "Comisiones recurrentes" "Fecha de pago"; do
    check "$p: Spanish statement has '$t'" 1 "$(grep -c "$t" <<<"$es" | awk '{print ($1 > 0)}')"
  done
  check "$p: Spanish statement has no English label" 0 "$(grep -c "Carried in" <<<"$es")"
  en=$(unzip -p "$out/$p/statements/P-ACME.xlsx" 'xl/worksheets/*.xml' 'xl/sharedStrings.xml')
  check "$p: English statement" 1 "$(grep -c "Commission statement" <<<"$en" | awk '{print ($1 > 0)}')"
done
# issue 21: multi_currency's workbooks (USD, EUR, CAD): per-currency totals
# equal payables.csv, every Control check OK at 0 and equal to control.csv,
# charts name their currency, no cell text cut (tests/check_workbook.py)
mc=$work/mc
cp -r "$repo/fixtures/multi_currency" "$mc"; rm -rf "$mc/expected"
for p in $(ls "$mc/periods"); do
  "$bin" run --data "$mc" --period "$p" --quiet || { echo "run multi_currency $p failed"; exit 1; }
  python3 "$repo/tests/check_workbook.py" "$mc/out/$p/payouts.xlsx" "$mc/out/$p/results" \
    "$mc/master/agreements.csv" >"$work/check.txt"
  check "multi_currency $p: workbook checks" 0 "$?"
  grep FAIL "$work/check.txt"
  check "multi_currency $p: no total adds currencies" 0 \
    "$(unzip -p "$mc/out/$p/payouts.xlsx" 'xl/worksheets/*.xml' 'xl/sharedStrings.xml' 2>/dev/null | grep -c 'all currencies')"
done
check "multi_currency 2017-02: the backlog lists O-UH" 1 \
  "$(unzip -p "$mc/out/2017-02/payouts.xlsx" xl/worksheets/sheet4.xml | grep -c '<t>O-UH</t>' | awk '{print ($1 > 0)}')"
for p in $(ls "$out"); do
  python3 "$repo/tests/check_workbook.py" "$out/$p/payouts.xlsx" "$out/$p/results" \
    "$work/a/master/agreements.csv" >"$work/check.txt"
  check "demo $p: workbook checks" 0 "$?"
  grep FAIL "$work/check.txt"
done
# workbooks are deflated at level 1 (reports/deflate.c): every entry's stored
# bytes are what zlib gives at level 1 for its content, not at the default 6
level=$(python3 - "$x" <<'PY'
import sys, zipfile, zlib
z = zipfile.ZipFile(sys.argv[1])
def raw(data, level):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 8)
    return len(c.compress(data) + c.flush())
big = max(z.infolist(), key=lambda i: i.file_size)
data = z.read(big.filename)
print(1 if big.compress_size == raw(data, 1) != raw(data, 6) else 0)
PY
)
check "workbook deflated at level 1" 1 "$level"
check "identical bytes across runs" 0 "$(cd "$work/a/out" && find . -name '*.xlsx' | sort | xargs sha256sum >"$work/sa";
  cd "$work/b/out" && find . -name '*.xlsx' | sort | xargs sha256sum >"$work/sb"; cmp -s "$work/sa" "$work/sb"; echo $?)"
e2e_done e2e_workbooks
[ $fail = 0 ]
