#!/usr/bin/env bash
# Crash safety (SPEC §5, issue 6): SIGKILL `run` at random moments, then check
# that the ledger passes integrity_check and holds the previous state or the
# complete run, that out/P is absent or complete, and that a re-run completes
# with results byte-identical to an uninterrupted run.
#   e2e_crash.sh BIN REPO [KILLS]      (CI: 30; a long campaign: 500+)
set -u
bin=$1; repo=$2; kills=${3:-30}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/fixtures/demo" "$work/src"
rm -rf "$work/src/out" "$work/src/ledger.db"*
periods=($(ls "$work/src/periods"))
p1=${periods[0]}; p2=${periods[1]}
# the reference: both periods uninterrupted
cp -r "$work/src" "$work/ref"
"$bin" run --data "$work/ref" --period "$p1" --quiet || exit 1
"$bin" run --data "$work/ref" --period "$p2" --quiet || exit 1
reference() { (cd "$1/out/$2/results" && sha256sum ./*.csv) }
ref1=$(reference "$work/ref" "$p1"); ref2=$(reference "$work/ref" "$p2")
# how long an uninterrupted run of p2 takes, in microseconds, to spread the kills over
t0=$(date +%s%N); "$bin" run --data "$work/ref" --period "$p2" --quiet; t1=$(date +%s%N)
span=$(( (t1 - t0) / 1000 + 1000 ))
fail=0; killed=0; completed=0
for i in $(seq 1 "$kills"); do
  d="$work/k$i"; rm -rf "$d"; cp -r "$work/ref" "$d"
  rm -rf "$d/out/$p2" "$d/ledger.db"*
  "$bin" run --data "$d" --period "$p1" --quiet || { echo "setup failed"; fail=1; break; }
  before=$(sqlite3 "$d/ledger.db" "SELECT count(*) FROM runs")
  delay=$(( (RANDOM * 32768 + RANDOM) % span ))
  "$bin" run --data "$d" --period "$p2" --quiet & pid=$!
  sleep "$(printf '0.%06d' "$delay")"
  kill -9 "$pid" 2>/dev/null && killed=$((killed + 1)) || completed=$((completed + 1))
  wait "$pid" 2>/dev/null
  ok=$(sqlite3 "$d/ledger.db" 'PRAGMA integrity_check')
  [ "$ok" = ok ] || { echo "kill $i: integrity $ok"; fail=1; }
  after=$(sqlite3 "$d/ledger.db" "SELECT count(*) FROM runs")
  [ "$after" = "$before" ] || [ "$after" = $((before + 1)) ] || { echo "kill $i: runs $before -> $after"; fail=1; }
  if [ -d "$d/out/$p2" ]; then   # published: must be complete and right
    [ "$(reference "$d" "$p2")" = "$ref2" ] || { echo "kill $i: partial out/$p2"; fail=1; }
  fi
  [ "$(reference "$d" "$p1")" = "$ref1" ] || { echo "kill $i: out/$p1 changed"; fail=1; }
  "$bin" run --data "$d" --period "$p2" --quiet || { echo "kill $i: re-run failed"; fail=1; }
  [ "$(reference "$d" "$p2")" = "$ref2" ] || { echo "kill $i: re-run differs"; fail=1; }
  rm -rf "$d"
done
echo "e2e_crash: $kills kill points ($killed killed mid-run, $completed finished first)"
[ $fail = 0 ] && echo "e2e_crash: $kills passed, 0 failed" || echo "e2e_crash: FAILED"
exit $fail
