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
# The tests' temp dirs (t.TempDir: the outage tests' own brokers, captures)
# go under a TMPDIR of this run's own, so that the cleanup below touches
# nothing of another run on the same machine.
test_tmp=$(mktemp -d /tmp/wire2kafka-test-tmp.XXXXXX)
export TMPDIR=$test_tmp
cleanup() {
  rc=$?
  if [ -n "$kafka_dir" ]; then
    if [ "$rc" -ne 0 ] && [ -f "$kafka_dir/kafka.log" ]; then
      # A failure may be the broker's: show its log and keep a copy.
      keep=$(mktemp /tmp/wire2kafka-test-kafka-log.XXXXXX)
      cp "$kafka_dir/kafka.log" "$keep"
      echo "== make test failed (exit $rc): last 40 lines of the broker log (whole log: $keep)"
      tail -n 40 "$keep"
    fi
    deploy/kafka/kafka.sh stop "$kafka_dir" || true
  fi
  # Brokers a crashed test binary could not stop (its cleanups never ran):
  # the outage tests' own brokers live in t.TempDir() dirs (TMPDIR/TestName*/NNN);
  # kafka.sh stops only the pid its own pid file names. Prometheus is
  # started with Pdeathsig (SIGKILL when the thread that started it exits).
  for pidf in "$test_tmp"/Test*/*/kafka.pid; do
    [ -f "$pidf" ] && deploy/kafka/kafka.sh stop "$(dirname "$pidf")" >/dev/null 2>&1 || true
  done
  if [ "$rc" -eq 0 ]; then rm -rf "$test_tmp" || true; else echo "== the tests' temp dir (kept broker logs): $test_tmp"; fi
  return "$rc"
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
# One test binary at a time (-p 1): the integration packages each start
# their own brokers, daemons and veth traffic, and on a 2-CPU machine
# several of them at once starve the brokers (controller events of 30 s
# were seen, and an outage test lost its deliveries). Build first, in
# parallel, so only the runs are serial.
go test -count=1 -run '^$' -exec /bin/true ./... >/dev/null
go test -p 1 -count=1 -timeout 25m ./...

step "Debian package: build, install with dpkg -i, run version and doctor from it"
deb=$(make -s deb | tail -n 1)
dpkg -i "$deb" >/dev/null
# Readers that stop early (head, grep -q) would leave the writer a SIGPIPE,
# and with pipefail its exit 141 fails the step: `version | head -n 1`
# failed make test once (version writes its module list line by line).
/usr/bin/wire2kafka version | sed -n 1p
man_page=$(zcat /usr/share/man/man1/wire2kafka.1.gz)
grep -q '^.SH COMMAND: doctor' <<<"$man_page" || { echo "deb: the man page lacks the doctor command"; exit 1; }
doctor_cfg=$(mktemp /tmp/wire2kafka-doctor.XXXXXX.yaml)
sed "s|bootstrap.servers: \"127.0.0.1:9092\"|bootstrap.servers: \"$KAFKA_BOOTSTRAP\"|; s|listen: \"127.0.0.1:9469\"|listen: \"127.0.0.1:0\"|" /etc/wire2kafka/wire2kafka.yaml >"$doctor_cfg"
/usr/bin/wire2kafka doctor -c "$doctor_cfg"
rm -f "$doctor_cfg"
dpkg --purge wire2kafka >/dev/null

step "independent decoder: scapy dissector tests, then mixed captures against the generator's truth"
# deploy/tools/intdissect is a second decoder written from the spec text
# (Python, scapy): it judges the generator's captures independently of the
# Go decoder, which the Go tests check against the same truth.
intdissect_dir=$(mktemp -d /tmp/wire2kafka-intdissect.XXXXXX)
go build -o "$intdissect_dir/wire2kafka" ./cmd/wire2kafka
"$intdissect_dir/wire2kafka" gen -o "$intdissect_dir/tr.pcap" -format tr -mix -md-udp-ports 5000 -flows 16 -hops 3 -packets 3000 -reports-per-packet 2 -malformed 0.02 -seed 21
"$intdissect_dir/wire2kafka" gen -o "$intdissect_dir/idint.pcap" -format idint -mix -flows 8 -hops 4 -packets 2000 -malformed 0.02 -seed 22
deploy/tools/intdissect/check.sh "$intdissect_dir/tr.pcap" "$intdissect_dir/tr.truth.jsonl"
deploy/tools/intdissect/check.sh "$intdissect_dir/idint.pcap" "$intdissect_dir/idint.truth.jsonl"
"${INTDISSECT_VENV:-/var/cache/wire2kafka/intdissect-venv}/bin/python" -m pytest -q -p no:cacheprovider deploy/tools/intdissect
rm -rf "$intdissect_dir"

step "fuzz (${FUZZTIME} per target)"
FUZZTIME=$FUZZTIME deploy/dev/fuzz.sh
