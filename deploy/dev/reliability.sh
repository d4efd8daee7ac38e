#!/usr/bin/env bash
# reliability.sh: runs the broker outage tests RUNS times (default 20) in a
# loop, outside make test, and prints one line per run and a summary:
# kafkaout's TestProducerBrokerOutage (producer level: nothing acknowledged
# may be missing from the log, read back without any settle wait) and the
# daemon's TestRunBrokerOutage (the fault matrix, or the subtests RUN_FAULTS
# names, e.g. RUN_FAULTS='restart|sigstop'). Each run's output is kept in
# OUT (default out/reliability). Needs root (veth pairs, tmpfs, netns).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
RUNS=${RUNS:-20}
OUT=${OUT:-out/reliability}
faults=${RUN_FAULTS:-.*}
mkdir -p "$OUT"
export TMPDIR
TMPDIR=$(mktemp -d /tmp/wire2kafka-reliability.XXXXXX)
trap 'rm -rf "$TMPDIR" || true' EXIT
pass=0 fail=0
for i in $(seq 1 "$RUNS"); do
  for t in "kafkaout TestProducerBrokerOutage\$" "cmd/wire2kafka TestRunBrokerOutage\$/($faults)\$"; do
    set -- $t
    log="$OUT/run-$i-${2%%\$*}.log"
    start=$SECONDS
    if go test -count=1 -timeout 30m -v -run "$2" "./$1" >"$log" 2>&1; then
      pass=$((pass + 1)); verdict=PASS
    else
      fail=$((fail + 1)); verdict=FAIL
    fi
    printf 'run %2d %-28s %s in %3d s  %s\n' "$i" "${2%%\$*}" "$verdict" $((SECONDS - start)) "$(grep -Eo 'recovery: first new delivery [^ ]+|acknowledged messages not at[^"]*|missing [1-9][0-9]*' "$log" | tr '\n' ' ' | cut -c1-120)"
  done
done
echo "reliability: $pass passed, $fail failed ($RUNS runs; logs in $OUT)"
[ "$fail" -eq 0 ]
