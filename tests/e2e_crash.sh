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
# Named kill points first (COMMISSIONS_FAILPOINT, batch/util.h): the process
# SIGKILLs itself at that exact moment, so the narrow windows are always hit.
runs_of() { sqlite3 "$1/ledger.db" "SELECT count(*) FROM runs"; }
for fp in run-before-commit run-after-commit; do
  d="$work/fp-$fp"; cp -r "$work/ref" "$d"; rm -rf "$d/out/$p2" "$d/ledger.db"*
  "$bin" run --data "$d" --period "$p1" --quiet || { echo "$fp: setup failed"; fail=1; continue; }
  COMMISSIONS_FAILPOINT=$fp "$bin" run --data "$d" --period "$p2" --quiet 2>/dev/null
  [ $? = 137 ] || { echo "$fp: the failpoint did not kill the run"; fail=1; }
  [ "$(sqlite3 "$d/ledger.db" 'PRAGMA integrity_check')" = ok ] || { echo "$fp: integrity"; fail=1; }
  want=1; [ $fp = run-after-commit ] && want=2
  [ "$(runs_of "$d")" = $want ] || { echo "$fp: ledger holds $(runs_of "$d") periods, want $want"; fail=1; }
  [ -d "$d/out/$p2" ] && { echo "$fp: out/$p2 published before the commit was complete"; fail=1; }
  "$bin" run --data "$d" --period "$p2" --quiet || { echo "$fp: re-run failed"; fail=1; }
  [ "$(reference "$d" "$p2")" = "$ref2" ] || { echo "$fp: re-run differs"; fail=1; }
  echo "e2e_crash: $fp: killed, ledger consistent, re-run identical"
done
# close killed after its commit: the period is closed, its payment file not
# (completely) published; closing again publishes exactly the recorded payments.
cp -r "$work/src" "$work/cref"
"$bin" run --data "$work/cref" --period "$p1" --quiet && "$bin" close --data "$work/cref" --period "$p1" --quiet \
  || { echo "close reference failed"; fail=1; }
pay() { (cd "$1/out/$p1" && sha256sum payments.csv payments.control && find statements -type f | sort | xargs sha256sum); }
for fp in close-after-commit close-mid-publish; do
  d="$work/fp-$fp"; cp -r "$work/src" "$d"
  "$bin" run --data "$d" --period "$p1" --quiet || { echo "$fp: setup failed"; fail=1; continue; }
  COMMISSIONS_FAILPOINT=$fp "$bin" close --data "$d" --period "$p1" --quiet 2>/dev/null
  [ $? = 137 ] || { echo "$fp: the failpoint did not kill the close"; fail=1; }
  [ "$(sqlite3 "$d/ledger.db" "SELECT state FROM runs WHERE period = '$p1'")" = closed ] \
    || { echo "$fp: not closed after the commit"; fail=1; }
  [ -f "$d/out/$p1/payments.control" ] && { echo "$fp: payments.control published early"; fail=1; }
  npay=$(sqlite3 "$d/ledger.db" "SELECT count(*) FROM payments")
  "$bin" close --data "$d" --period "$p1" --quiet || { echo "$fp: second close did not publish"; fail=1; }
  [ "$(pay "$d")" = "$(pay "$work/cref")" ] || { echo "$fp: published payments differ"; fail=1; }
  [ "$(sqlite3 "$d/ledger.db" "SELECT count(*) FROM payments")" = "$npay" ] || { echo "$fp: payments rewritten"; fail=1; }
  "$bin" close --data "$d" --period "$p1" --quiet 2>/dev/null
  [ $? = 4 ] || { echo "$fp: a third close was not refused with exit 4"; fail=1; }
  echo "e2e_crash: $fp: killed, closed once, payments published by the next close, identical"
done
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
