#!/usr/bin/env bash
# Data races (issue 7: the run uses threads — the revenue reader, the stub
# decoder, two output workers, the statement writers): every fixture
# verified, and the lifecycle end to end, with a ThreadSanitizer build.
#   tests/tsan.sh BIN REPO      (BIN: built with -DCOMMISSIONS_TSAN=ON)
set -u
bin=$1; repo=$(cd "$2" && pwd)
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$repo/tests/tsan.supp"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
"$bin" verify "$repo"/fixtures/*/ >"$work/out" 2>&1 || { echo "tsan: verify"; grep -v '^ok' "$work/out" | head -60; fail=1; }
bash "$repo/tests/e2e_lifecycle.sh" "$bin" "$repo" >"$work/out" 2>&1 \
  || { echo "tsan: e2e_lifecycle"; tail -60 "$work/out"; fail=1; }
[ $fail = 0 ] && echo "tsan: fixtures and lifecycle clean" || echo "tsan: FAILED"
exit $fail
