#!/usr/bin/env bash
# demo.sh: the main job end to end on this machine, alone (what `make demo`
# runs after `make deps build`):
#   1. generate two INT captures with ground truth with the bundled generator,
#      each mixing every variant it knows (Telemetry Report v2.0/v1.0/v0.5,
#      INT by DSCP and by INT_TBD port with NPT 0/1/2, inner Ethernet/802.1Q/
#      IPv4/IPv6, TCP and UDP, drop and Inner Only reports, domain-specific
#      metadata, several reports per packet; SCION ID-INT in both wire
#      revisions),
#   2. start a fresh local Kafka broker (KRaft, temp dir, its own port),
#   3. run wire2kafka on the captures through DPDK net_pcap, printing the
#      stats table while it runs, until RX has been idle for 2 s (then drain),
#   4. consume the topics: summary per topic and flow, one decoded report, and
#      a check of every report against the ground truth; then the captures
#      through a second, independent decoder (deploy/tools/intdissect, scapy
#      layers written from the specs) against the same truth,
#   5. stop everything it started (also on failure).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BIN=bin/wire2kafka
OUT=out/demo
PORT=${DEMO_KAFKA_PORT:-19292}
mkdir -p "$OUT"

say() { printf '\n== %s\n' "$*"; }

kafka_dir=$(mktemp -d /tmp/wire2kafka-demo-kafka.XXXXXX)
cleanup() { KAFKA_PORT=$PORT deploy/kafka/kafka.sh stop "$kafka_dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

say "1. generate INT captures with ground truth"
$BIN gen -o "$OUT/tr.pcap" -format tr -mix -md-udp-ports 5000 -flows 16 -hops 3 -packets 50000 -reports-per-packet 2 -malformed 0.01 -micro -seed 1
$BIN gen -o "$OUT/idint.pcap" -format idint -mix -flows 8 -hops 3 -packets 25000 -micro -seed 2

say "2. start a local Kafka broker"
bootstrap=$(KAFKA_PORT=$PORT deploy/kafka/kafka.sh start "$kafka_dir")
sed "s/127.0.0.1:19092/$bootstrap/" deploy/demo/demo.yaml >"$OUT/demo.yaml"
echo "broker $bootstrap; config $OUT/demo.yaml"

say "3. wire2kafka run (DPDK net_pcap -> RX -> ACL -> flow -> Kafka workers -> Kafka)"
$BIN run -c "$OUT/demo.yaml" --exit-when-idle 2s

say "4. consume: reports per topic and flow, one decoded report"
$BIN consume -b "$bootstrap" -t '^AS' -e --summary

say "4b. verify every report against the generator's ground truth"
$BIN consume -b "$bootstrap" -t ASff00_0_1-1 -e --verify "$OUT/tr.truth.jsonl"
$BIN consume -b "$bootstrap" -t ASff00_0_1-1-idint -e --verify "$OUT/idint.truth.jsonl"

say "4c. an independent decoder (scapy layers written from the specs) against the same truth"
deploy/tools/intdissect/check.sh "$OUT/tr.pcap" "$OUT/tr.truth.jsonl"
deploy/tools/intdissect/check.sh "$OUT/idint.pcap" "$OUT/idint.truth.jsonl"

say "5. done: stopping the broker"
