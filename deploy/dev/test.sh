#!/usr/bin/env bash
# test.sh: what `make test` runs after `make deps`: format and vet checks, the
# generated-code check, then every Go test (unit, DPDK vdev, real Kafka, real
# Prometheus) and a short fuzz run of every packet parser. It starts one Kafka
# broker for all test binaries (unless KAFKA_BOOTSTRAP names one) and stops
# it on exit, also on failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$PWD/bin:$PATH"
FUZZTIME=${FUZZTIME:-30s}

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$bad" ]; then echo "gofmt would change:"; echo "$bad"; exit 1; fi

step "go vet"
go vet ./...

step "generated code is current"
make -s proto-check

kafka_dir=""
cleanup() {
  if [ -n "$kafka_dir" ]; then deploy/kafka/kafka.sh stop "$kafka_dir" || true; fi
}
trap cleanup EXIT INT TERM
if [ -z "${KAFKA_BOOTSTRAP:-}" ]; then
  step "start Kafka broker"
  kafka_dir=$(mktemp -d /tmp/wire2kafka-test-kafka.XXXXXX)
  KAFKA_BOOTSTRAP=$(deploy/kafka/kafka.sh start "$kafka_dir")
  export KAFKA_BOOTSTRAP
fi
echo "KAFKA_BOOTSTRAP=$KAFKA_BOOTSTRAP"

step "go test"
go test -count=1 -timeout 20m ./...

step "fuzz (${FUZZTIME} per target)"
FUZZTIME=$FUZZTIME deploy/dev/fuzz.sh
