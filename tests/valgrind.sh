#!/usr/bin/env bash
# Memory safety without sanitizers (issue 6): every fixture verified, and the
# demo run and closed, under valgrind memcheck — no invalid access, no use of
# uninitialised values, no definite or indirect leak.
#   tests/valgrind.sh BIN REPO      (BIN: a build without ASan, e.g. build-vg/commissions)
set -u
bin=$1; repo=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
vg=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --track-origins=yes)
fail=0; n=0
for fx in "$repo"/fixtures/*/; do
  [ -d "$fx/periods" ] || continue
  n=$((n + 1))
  "${vg[@]}" "$bin" verify "$fx" >"$work/out" 2>&1 || { echo "valgrind: verify $fx"; cat "$work/out"; fail=1; }
done
cp -r "$repo/fixtures/demo" "$work/demo"; rm -rf "$work/demo/out" "$work/demo/ledger.db"*
p=$(ls "$work/demo/periods" | head -1)
for cmd in run close; do
  n=$((n + 1))
  "${vg[@]}" "$bin" $cmd --data "$work/demo" --period "$p" --quiet >"$work/out" 2>&1 \
    || { echo "valgrind: $cmd demo $p"; cat "$work/out"; fail=1; }
done
[ $fail = 0 ] && echo "valgrind: $n runs clean" || echo "valgrind: FAILED"
exit $fail
