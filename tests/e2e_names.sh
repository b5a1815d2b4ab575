#!/usr/bin/env bash
# Ids SPEC §2 allows that look like paths or that Excel forbids as sheet
# names (issue 19): the demo with partners `../../../../escaped`,
# `../payouts`, `a/b`, `ab` and `AB`, and agreements `A:NW/C`, `a:nw/c` (case
# only) and `L3/2017/001`, run with draft statements and closed. Nothing is
# written outside out/P, payouts.xlsx stays the finance workbook, file and
# sheet names follow the documented mappings (statements.h), index.csv maps
# every partner to its file and each sheet shows the full agreement id.
#   e2e_names.sh BIN REPO
set -u
bin=$1; repo=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/e2e_lib.sh"
d=$work/data
cp -r "$repo/fixtures/demo" "$d"; rm -rf "$d/out" "$d/ledger.db"* "$d/expected"
# whole CSV fields only (twice: adjacent fields share a comma)
rename() {
  for f in "$d"/master/*.csv "$d"/periods/*/*.csv; do
    sed -i -E "s#(^|,)$1(,|\$)#\\1$2\\2#g; s#(^|,)$1(,|\$)#\\1$2\\2#g" "$f"
  done
}
rename P-ACME '../../../../escaped'
rename P-RIOS '../payouts'
rename P-NORTH 'a/b'
rename P-SUMMIT 'ab'
rename P-BYTE 'AB'
rename A-NW-C 'A:NW/C'
rename A-NW-L 'a:nw/c'
rename A-SUM-L 'L3/2017/001'
before=$(cd "$work" && find . -type f | sort)
for p in 2017-11 2017-12; do
  "$bin" run --data "$d" --period "$p" --statements --quiet 2>"$work/err"
  check "run $p --statements exits 0 ($(head -c 200 "$work/err"))" 0 $?
done
"$bin" close --data "$d" --period 2017-11 --quiet 2>"$work/err"
check "close 2017-11 exits 0 ($(head -c 200 "$work/err"))" 0 $?

# nothing outside out/P: every new file under the work folder is the ledger
# (and the dataset's identity beside it, DATA/.commissions-id) or in a
# period's output folder
stray=$(cd "$work" && find . -type f ! -path './data/out/2017-1[12]/*' ! -name 'ledger.db*' \
  ! -path ./data/.commissions-id ! -name err | sort | comm -13 <(echo "$before") -)
check "no file outside out/P" "" "$stray"
check "no temporary folder left" "" "$(cd "$d/out" && ls -A | grep '^\.tmp' || true)"

for p in 2017-11 2017-12; do
  o=$d/out/$p
  check "$p: payouts.xlsx is the finance workbook" 1 \
    "$(unzip -p "$o/payouts.xlsx" xl/workbook.xml 2>/dev/null | grep -c 'name="Overview"')"
  ix=$o/statements/index.csv
  check "$p: index ../payouts" '../payouts,~2E.~2Fpayouts.xlsx' "$(grep -F '../payouts,' "$ix")"
  check "$p: index a/b" 'a/b,a~2Fb.xlsx' "$(grep -F 'a/b,' "$ix")"
  check "$p: index ab, AB (case)" 'AB,AB.xlsx ab,ab~2.xlsx' "$(grep -iE '^ab,' "$ix" | tr '\n' ' ' | sed 's/ $//')"
  # every file of the folder is listed once, every listed file exists
  listed=$(tail -n +2 "$ix" | sed 's/.*,//' | sort)
  present=$(cd "$o/statements" && ls | grep -v '^index.csv$' | sort)
  check "$p: index lists the folder" "$present" "$listed"
  nb=$o/statements/a~2Fb.xlsx
  wb=$(unzip -p "$nb" xl/workbook.xml 2>/dev/null)
  check "$p: a/b sheets" 'A_NW_C a_nw_c~2' "$(grep -o 'name="[^"]*"' <<<"$wb" | sed 's/name="//; s/"//' | tr '\n' ' ' | sed 's/ $//')"
  text=$(unzip -p "$nb" xl/sharedStrings.xml 'xl/worksheets/*.xml' 2>/dev/null)
  check "$p: full id A:NW/C shown" 1 "$(grep -c '>A:NW/C<' <<<"$text")"
  check "$p: full id a:nw/c shown" 1 "$(grep -c '>a:nw/c<' <<<"$text")"
done
s=$d/out/2017-12/statements/ab~2.xlsx
check "L3/2017/001 sheet" 1 "$(unzip -p "$s" xl/workbook.xml 2>/dev/null | grep -c 'name="L3_2017_001"')"
e2e_done e2e_names
