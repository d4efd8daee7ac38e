#!/usr/bin/env bash
# fuzz.sh: runs every Go fuzz target of the module for FUZZTIME each
# (default 5m). A crasher fails the run and is kept in testdata/fuzz.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
FUZZTIME=${FUZZTIME:-5m}
n=0
for dir in $(go list -f '{{.Dir}}' ./...); do
  for name in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "-- $name (${dir#$PWD/}) for $FUZZTIME"
    (cd "$dir" && go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" .)
    n=$((n + 1))
  done
done
echo "fuzz: $n targets ran for $FUZZTIME each"
