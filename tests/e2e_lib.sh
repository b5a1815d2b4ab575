# e2e_lib.sh — what every end-to-end script shares; source it after setting
# `work` (the script's mktemp folder). check counts and reports one outcome
# (on a failure it also shows the first lines of $work/err, the last
# command's stderr when the script keeps it there); e2e_done prints the
# closing line CI reads ("NAME: N passed, N failed") and fails when any did.
pass=0
fail=0
check() { # name, expected, actual
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL: $1 (expected $2, got $3)"
    head -3 "${work:-/nonexistent}/err" 2>/dev/null | sed 's/^/  stderr: /'
  fi
}
e2e_done() { # script name
  echo "$1: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
