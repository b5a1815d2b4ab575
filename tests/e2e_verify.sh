#!/usr/bin/env bash
# End to end: `verify` compares or fails (SPEC §7, issue 19 item 13), on
# copies of the demo fixture. Proves: a fixture without expected/, a
# missing expected results file (each of the nine SPEC §6 lists), a run
# period without expected/P, and an expected period that no periods/ folder
# produces are each a difference (exit 6) with a message naming it; the
# untouched copy still verifies (exit 0).
#   bash tests/e2e_verify.sh BIN ROOT
set -u
bin=$1
src=$2/fixtures/demo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/e2e_lib.sh"
fresh() { rm -rf "$work/fx"; cp -r "$src" "$work/fx"; rm -rf "$work/fx/out" "$work/fx/ledger.db"*; }
verify() { "$bin" verify "$work/fx" >"$work/outp" 2>&1; echo $?; }
says() { if grep -qF -- "$1" "$work/outp"; then echo yes; else echo "no: $(cat "$work/outp")"; fi; }
periods=($(ls "$src/periods"))
p=${periods[0]}

fresh
check "untouched copy verifies" 0 "$(verify)"

fresh
rm -rf "$work/fx/expected"
check "no expected/: exit 6" 6 "$(verify)"
check "no expected/: says so" yes "$(says "no expected/ folder: nothing to compare with")"

for f in attribution revenue lines commitments tiers points payables rejects control; do
  fresh
  rm "$work/fx/expected/$p/results/$f.csv"
  check "expected $f.csv missing: exit 6" 6 "$(verify)"
  check "expected $f.csv missing: named" yes "$(says "$p/results/$f.csv: no expected file")"
done

fresh
rm -rf "$work/fx/expected/$p"
check "expected/$p missing: exit 6" 6 "$(verify)"
check "expected/$p missing: named" yes "$(says "no expected/$p: nothing to compare with")"

fresh
cp -r "$work/fx/expected/$p" "$work/fx/expected/2099-01"
check "expected period never run: exit 6" 6 "$(verify)"
check "expected period never run: named" yes "$(says "expected/2099-01: no periods/2099-01")"

e2e_done e2e_verify
