#!/usr/bin/env bash
# bench.sh: `make bench`. Measures wire2kafka against the bare C limit and
# against the tools people use instead, on this machine, in one run:
#   1. pipeline (net_pcap infinite_rx, discard sink, full decode + batching)
#      vs the bare C loop on the same vdev and lcores, 1 and 2 lcores, next to
#      dpdk-testpmd --forward-mode=rxonly on the same capture (the machine's
#      yardstick); one rule spread over 2 flow + 2 Kafka workers (N:M) on 1
#      and on 2 lcores;
#   2. into one local Kafka broker: a. wire2kafka batch mode, b. the SCION-INT
#      way (deploy/bench/scionint), c. tcpreplay -> veth -> tcpdump | kcat -P,
#      d. Kafka's ProducerPerformance at wire2kafka's message size;
#   3. encoding: protowire appender vs proto.Marshal, and decode + encode per
#      report as the Kafka worker does it (go test ./report/intdecode -bench);
#   4. latency: wire (RX) to delivery report at 10%, 50% and 90% of case
#      2a's rate, the packets offered at that rate to a net_ring port;
#   5. cost over time: a long run into Kafka at 50% of case 2a's rate, RSS
#      every second, GC trace, allocations on the lcores (every allocation
#      recorded, those under a worker's Poll counted);
#   7. flow churn: 1,000,000 distinct flows once each through one lcore
#      (discard sink): memory, drops and key-state evictions.
# Competitors run interleaved (A B A B ...) BENCH_ROUNDS times; the summary
# (deploy/bench/benchreport) prints one table with medians, spreads and
# ratios, and writes out/bench/results.json, docs/benchmarks.md and the
# docs/bench-*.png charts.
#
#   bench.sh            full run (about 21 minutes with the defaults, 10 of them case 5)
#   bench.sh --smoke    every case for about a second, into out/bench-smoke
#                       (docs untouched): proves the cases still run
#
# Environment: BENCH_SECONDS (measured window per run, default 5),
# BENCH_WARMUP (seconds, default 1), BENCH_ROUNDS (default 3),
# BENCH_SOAK_SECONDS (case 5, default 600), BENCH_KAFKA_PORT (default 19392),
# BENCH_CASES (default "1 2 3 4 5 7"), BENCH_KEEP_RUNS=1 (keep the last run's
# results of the cases not in BENCH_CASES, e.g. to rerun one case), BENCH_CHURN_FLOWS (case 7, default
# 1000000), BENCH_RATE (packets/s of 100% load in
# cases 4 and 5 when case 2 did not run, default 200000).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD

SMOKE=0
[ "${1:-}" = "--smoke" ] && SMOKE=1
SECS=${BENCH_SECONDS:-5}
WARM=${BENCH_WARMUP:-1}
ROUNDS=${BENCH_ROUNDS:-3}
SOAK=${BENCH_SOAK_SECONDS:-600}
CHURN=${BENCH_CHURN_FLOWS:-1000000}
PORT=${BENCH_KAFKA_PORT:-19392}
CASES=${BENCH_CASES:-1 2 3 4 5 7}
OUT=out/bench
if [ $SMOKE = 1 ]; then
  SECS=1 WARM=0.3 ROUNDS=1 SOAK=1 CHURN=20000 OUT=out/bench-smoke
fi
BENCHTIME=${SECS}s PERF_RECORDS=$(awk -v s="$SECS" 'BEGIN { printf "%d", s * 20000 }')
[ $SMOKE = 1 ] && BENCHTIME=0.2s PERF_RECORDS=2000
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RUNS=$OUT/runs.jsonl
VA=w2k$$a VB=w2k$$b # veth pair of case 2c
if [ "${BENCH_KEEP_RUNS:-0}" = 1 ] && [ -f "$RUNS" ]; then
  # Rerun only CASES: the other cases' results of the last run stay.
  jq -c --arg cases " $CASES " 'select(.case as $c | $cases | contains(" " + $c + " ") | not)' "$RUNS" >"$RUNS.keep" || : >"$RUNS.keep"
  mv "$RUNS.keep" "$RUNS"
else
  : >"$RUNS"
fi
LOG=$OUT/bench.log
: >"$LOG"

say() { printf '== %s\n' "$*" >&2; }
has_case() { [[ " $CASES " == *" $1 "* ]]; }

# record CASE WHO ROUND JSON: one line of runs.jsonl.
record() {
  local json=$4
  [ -n "$json" ] || json='{"error":"no result"}'
  printf '{"case":"%s","who":"%s","round":%s,"result":%s}\n' "$1" "$2" "$3" "$json" >>"$RUNS"
}

# last_json: the last line of stdin that is a JSON object.
last_json() { grep '^{' | tail -1 || true; }

kafka_dir=""
veth_up=0
bg_pids=()
cleanup() {
  for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ "$veth_up" = 1 ]; then ip link del ${VA} 2>/dev/null || true; fi
  if [ -n "$kafka_dir" ]; then KAFKA_PORT=$PORT deploy/kafka/kafka.sh stop "$kafka_dir" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "build (bin/wire2kafka, w2kbench, scionint, benchreport)"
BIN=$ROOT/bin/wire2kafka
[ -x "$BIN" ] || go build -o "$BIN" ./cmd/wire2kafka
go build -o "$OUT/w2kbench" ./deploy/bench/w2kbench
go build -o "$OUT/scionint" ./deploy/bench/scionint
go build -o "$OUT/benchreport" ./deploy/bench/benchreport

# The capture: 4000 Telemetry Report v2.0 packets (64 flows, 3 hops, MD
# types 2,3,4, 128 truncated bytes): small enough for net_pcap infinite_rx
# to hold in the mempool, the same reports for every contender.
PCAP=$OUT/int.pcap
"$BIN" gen -o "$PCAP" -format tr -flows 64 -hops 3 -packets 4000 -seed 1 >>"$LOG" 2>&1

# config LCORES SINK IDLE: a pipeline config on stdout. LCORES 1: every
# worker on lcore 1; 2: RX+ACL on lcore 1, flow+Kafka worker on lcore 2
# (w2kbench -map-lcores maps lcore 2 onto CPU 0 when there are 2 CPUs).
config() {
  local lcores=$1 sink=$2 idle=$3 l2=1 all="0-1"
  if [ "$lcores" = 2 ]; then l2=2 all="0-2"; fi
  cat <<EOF
eal: {lcores: "$all", main_lcore: 0, hugepages: auto, memory_mb: 512, file_prefix: w2k-bench-$$}
ports:
  - {name: net_pcap0, devargs: "rx_pcap=$PCAP,infinite_rx=1", rx_queues: 1, rx_descriptors: 1024}
mempool: {mbufs: 16383, cache: 256, data_room: 2176}
rings: {size: 1024}
burst: 32
idle: $idle
int: {formats: [telemetry_report], telemetry_report_ports: [32766], sink_isd_as: "1-ff00:0:1", sink_index: 1}
kafka:
  sink: $sink
  connections: 1
  queue: {messages: 10000, policy: block, block_timeout: 1s}
  batch: {max_reports: 256, max_bytes: 524288, linger: 5ms}
  create_topics: {enabled: true, partitions: 1, replication_factor: 1}
  producer: {bootstrap.servers: "127.0.0.1:$PORT", compression.type: lz4, linger.ms: 5}
metrics: {listen: "127.0.0.1:0", table_interval: 5s}
pipelines:
  - name: p0
    rx: [{port: net_pcap0, queues: [0], lcore: 1}]
    acl_workers: [{lcore: 1}]
    flow_workers: [{lcore: $l2}]
    kafka_workers: [{lcore: $l2}]
rules:
  - {name: tr, protocol: udp, dst_port: 32766, priority: 100, service_function: passthrough, flow_worker: 0, kafka_topic: "w2k-bench", output: batch}
EOF
}
# nm LCORES: c1/c2 with one rule spread over 2 flow and 2 Kafka workers
# (N:M, by monitored flow); LCORES 1: all on lcore 1; 2: the second flow +
# Kafka worker pair on lcore 2.
nm() {
  local l2=1
  [ "$1" = 2 ] && l2=2
  config "$1" discard '{policy: busy}' | sed \
    -e "s/    flow_workers: \[{lcore: [0-9]}\]/    flow_workers: [{lcore: 1}, {lcore: $l2}]/" \
    -e "s/    kafka_workers: \[{lcore: [0-9]}\]/    kafka_workers: [{lcore: 1}, {lcore: $l2}]/" \
    -e 's/flow_worker: 0,/flow_workers: all,/'
}
nm 1 >"$OUT/n1.yaml"
nm 2 >"$OUT/n2.yaml"
config 1 discard '{policy: busy}' >"$OUT/c1.yaml"
config 2 discard '{policy: busy}' >"$OUT/c2.yaml"
config 1 kafka '{policy: sleep, sleep_us: 50}' >"$OUT/k1.yaml"
# l1.yaml: k1 with the port replaced by net_ring_paced, which w2kbench feeds
# at -rate packets/s from the same capture (cases 4 and 5).
sed -e 's|{name: net_pcap0, devargs: "[^"]*", |{name: net_ring_paced, |' -e 's/port: net_pcap0/port: net_ring_paced/' \
  "$OUT/k1.yaml" >"$OUT/l1.yaml"

W2K="$OUT/w2kbench"

# EAL memory for dpdk-testpmd as the pipeline configs' "hugepages: auto"
# decides it: hugepages when 512 MiB of them are free, else --no-huge.
hp_free=$(awk '/HugePages_Free/ {f=$2} /Hugepagesize/ {s=$2} END {print f*s/1024}' /proc/meminfo)
TP_MEM=(--no-huge -m 1024)
[ "${hp_free%.*}" -ge 512 ] 2>/dev/null && TP_MEM=(-m 512)

# testpmd: dpdk-testpmd --forward-mode=rxonly on the capture for W+S
# seconds (plus 4 for its start: it loads the capture into mbufs); prints {"mpps": median Rx-pps of the
# per-second stats after the first non-zero one and the warm-up}.
testpmd() {
  local secs
  secs=$(echo "$WARM + $SECS + 4" | bc)
  timeout --signal=INT "$secs" dpdk-testpmd -l 0-1 --no-pci --file-prefix "w2k-tp-$$" "${TP_MEM[@]}" \
    --vdev "net_pcap0,rx_pcap=$PCAP,infinite_rx=1" -- --forward-mode=rxonly --port-topology=loop --auto-start \
    --stats-period 1 --total-num-mbufs=16384 </dev/null 2>>"$LOG" |
    awk -v skip="$(echo "$WARM" | cut -d. -f1)" '/Rx-pps:/ { if ($2 == 0 && n == 0) next; n++; if (n > skip) v[m++] = $2 }
      END { if (m == 0) exit
        for (i = 1; i < m; i++) for (j = i; j > 0 && v[j-1] > v[j]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
        printf "{\"mode\":\"testpmd rxonly\",\"mpps\":%.3f,\"samples\":%d}\n", v[int((m-1)/2)] / 1e6, m }'
}
wb() { "$W2K" "$@" -map-lcores -warmup "$WARM" -seconds "$SECS" 2>>"$LOG" | last_json; }

if has_case 1; then
  say "case 1: pipeline vs bare C loop, 1 and 2 lcores, $ROUNDS interleaved rounds of ${SECS}s"
  for r in $(seq 1 "$ROUNDS"); do
    record 1 pipeline-1lc "$r" "$(wb pipeline -c "$OUT/c1.yaml")"
    record 1 c-1lc "$r" "$(wb cforward -c "$OUT/c1.yaml" -lcores 1)"
    record 1 pipeline-2lc "$r" "$(wb pipeline -c "$OUT/c2.yaml")"
    record 1 c-2lc "$r" "$(wb cforward -c "$OUT/c2.yaml" -lcores 2)"
    record 1 nm-1lc "$r" "$(wb pipeline -c "$OUT/n1.yaml")"
    record 1 nm-2lc "$r" "$(wb pipeline -c "$OUT/n2.yaml")"
    if command -v dpdk-testpmd >/dev/null; then
      record 1 testpmd-rxonly "$r" "$(testpmd || true)"
    fi
  done
  say "case 1: CPU profile of the 1-lcore N:M pipeline (per-stage costs of the 16-core model)"
  "$W2K" pipeline -c "$OUT/n1.yaml" -map-lcores -warmup "$WARM" -seconds "$SECS" \
    -cpuprofile "$OUT/pipeline.pprof" 2>>"$LOG" >/dev/null || true
  go tool pprof -top -nodecount=25 "$W2K" "$OUT/pipeline.pprof" >"$OUT/pipeline.pprof.txt" 2>&1 || true
  go tool pprof -top -cum -nodefraction=0 -nodecount=400 "$W2K" "$OUT/pipeline.pprof" >"$OUT/pipeline.pprof.cum.txt" 2>&1 || true
fi

if has_case 3; then
  say "case 3: encoding, appender vs proto.Marshal ($ROUNDS counts)"
  go test ./report/intdecode -run '^$' -bench 'EncodeDecoded|DecodeEncode' -benchmem -benchtime "$BENCHTIME" -count "$ROUNDS" 2>>"$LOG" |
    tee -a "$LOG" | awk '/^Benchmark(EncodeDecoded|DecodeEncode)\/.*ns\/op/ {
      split($1, a, "/"); who = a[2] "/" a[3]; sub(/-[0-9]+$/, "", who)
      ns = ""; allocs = ""; bytes = ""
      for (i = 2; i <= NF; i++) { if ($i == "ns/op") ns = $(i-1); if ($i == "allocs/op") allocs = $(i-1); if ($i == "B/op") bytes = $(i-1) }
      # DecodeEncode reports per report, not per packet (op).
      for (i = 2; i <= NF; i++) { if ($i == "ns/report") ns = $(i-1); if ($i == "allocs/report") allocs = $(i-1) }
      n[who]++
      printf "{\"case\":\"3\",\"who\":\"%s\",\"round\":%d,\"result\":{\"ns_per_report\":%s,\"allocs_per_report\":%s,\"bytes_per_report\":%s}}\n", who, n[who], ns, allocs, bytes
    }' >>"$RUNS"
fi

# watermark TOPIC: messages the broker holds in partition 0 of TOPIC.
watermark() {
  kcat -b "127.0.0.1:$PORT" -Q -t "$1:0:-1" 2>/dev/null | awk '{print $NF}' | tail -1
}

B=127.0.0.1:$PORT
if has_case 2 || has_case 4 || has_case 5; then
  say "local Kafka broker on $PORT"
  kafka_dir=$(mktemp -d /tmp/w2k-bench-kafka.XXXXXX)
  KAFKA_PORT=$PORT deploy/kafka/kafka.sh start "$kafka_dir" >>"$LOG" 2>&1
fi

if has_case 2; then
  say "case 2: into the broker"
  CP=$(deploy/kafka/kafka.sh classpath)
  KVER=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' deploy/kafka/pom.xml)
  echo "{\"kafka_version\":\"$KVER\"}" >"$OUT/kafka.json"
  "$OUT/scionint" -b "$B" -create scionint,kernel,perf >>"$LOG" 2>&1
  # veth pair for case c (root only).
  if ip link add ${VA} type veth peer name ${VB} 2>>"$LOG"; then
    veth_up=1
    ip link set ${VA} up && ip link set ${VB} up
  fi
  for r in $(seq 1 "$ROUNDS"); do
    say "case 2 round $r: a. wire2kafka batch"
    prof=()
    [ "$r" = 1 ] && prof=(-cpuprofile "$OUT/kafka.pprof")
    res=$(wb pipeline -c "$OUT/k1.yaml" "${prof[@]}") || true
    if [ "$r" = 1 ]; then
      go tool pprof -top -cum -nodecount=30 "$W2K" "$OUT/kafka.pprof" >"$OUT/kafka.pprof.txt" 2>&1 || true
    fi
    record 2 a-wire2kafka "$r" "$res"
    msgsize=$(echo "$res" | jq -r 'if .messages > 0 then (.bytes / .messages | floor) else 8192 end' 2>/dev/null || echo 8192)
    rpm=$(echo "$res" | jq -r 'if .messages > 0 then (.reports / .messages) else 1 end' 2>/dev/null || echo 1)

    say "case 2 round $r: b. SCION-INT way (proto.Marshal + one message per report)"
    before=$(watermark scionint || echo 0)
    res=$("$OUT/scionint" -pcap "$PCAP" -b "$B" -t scionint -warmup "$WARM" -seconds "$SECS" \
      -X compression.type=lz4 -X linger.ms=5 2>>"$LOG" | last_json) || true
    after=$(watermark scionint || echo 0)
    record 2 b-scionint "$r" "$(echo "$res" | jq -c --argjson h "$(( ${after:-0} - ${before:-0} ))" '. + {broker_messages_run: $h}' 2>/dev/null || echo "$res")"

    if [ "$veth_up" = 1 ]; then
      say "case 2 round $r: c. tcpreplay -> veth -> tcpdump -l | kcat -P"
      before=$(watermark kernel || echo 0)
      (tcpdump -l -nn -tt -i ${VB} 2>>"$LOG" | kcat -P -b "$B" -t kernel -X linger.ms=5 -X compression.type=lz4 2>>"$LOG") &
      bg_pids+=($!)
      cpid=$!
      sleep 1
      t0=$(date +%s.%N)
      timeout "$(echo "$WARM + $SECS" | bc)" tcpreplay -q -t -l 0 -i ${VA} "$PCAP" >>"$LOG" 2>&1 || true
      t1=$(date +%s.%N)
      sleep 2
      # CPU of tcpdump and kcat (children of the subshell) before they exit.
      cpu=0
      for p in $(pgrep -P "$cpid" || true); do
        c=$(awk '{print ($14 + $15) / 100}' "/proc/$p/stat" 2>/dev/null || echo 0)
        cpu=$(echo "$cpu + $c" | bc)
      done
      kill "$cpid" 2>/dev/null || true
      pkill -P "$cpid" 2>/dev/null || true
      wait "$cpid" 2>/dev/null || true
      sleep 1
      after=$(watermark kernel || echo 0)
      n=$(( ${after:-0} - ${before:-0} ))
      record 2 c-tcpdump-kcat "$r" "$(jq -nc --argjson n "$n" --argjson t0 "$t0" --argjson t1 "$t1" --argjson cpu "$cpu" \
        '{mode:"tcpdump|kcat", reports:$n, seconds:($t1-$t0), reports_per_s:($n/($t1-$t0)), cpu_seconds:$cpu,
          cpu_s_per_mreports:(if $n > 0 then $cpu/($n/1e6) else 0 end), note:"whole run incl. warm-up; tcpdump+kcat CPU only"}')"
    fi

    say "case 2 round $r: d. ProducerPerformance, $msgsize-byte records"
    records=$PERF_RECORDS
    before=$(watermark perf || echo 0)
    TIMEFORMAT='%U %S %R'
    { time java -Xmx512m -cp "$CP" org.apache.kafka.tools.ProducerPerformance --topic perf \
        --num-records "$records" --record-size "$msgsize" --throughput -1 \
        --producer-props bootstrap.servers="$B" compression.type=lz4 linger.ms=5 batch.size=1048576 \
        >"$OUT/perf.txt" 2>>"$LOG"; } 2>"$OUT/perf.time" || true
    after=$(watermark perf || echo 0)
    line=$(grep 'records sent' "$OUT/perf.txt" | tail -1)
    rps=$(echo "$line" | sed -n 's/.* \([0-9.]*\) records\/sec.*/\1/p')
    mbs=$(echo "$line" | sed -n 's/.*(\([0-9.]*\) MB\/sec).*/\1/p')
    read -r u s real <"$OUT/perf.time" || true
    record 2 d-producerperf "$r" "$(jq -nc --argjson rps "${rps:-0}" --argjson mbs "${mbs:-0}" --argjson rpm "$rpm" \
      --argjson size "$msgsize" --argjson n "$(( ${after:-0} - ${before:-0} ))" --argjson u "${u:-0}" --argjson s "${s:-0}" \
      '{mode:"ProducerPerformance", record_size:$size, records_per_s:$rps, mb_per_s:$mbs, broker_messages_run:$n,
        reports_per_message:$rpm, reports_per_s:($rps*$rpm), cpu_seconds:($u+$s),
        cpu_s_per_mreports:(if $n > 0 then ($u+$s)/($n*$rpm/1e6) else 0 end), note:"records/s x reports per wire2kafka message; CPU incl. JVM start"}')"
  done
fi

# RATE: 100% load of cases 4 and 5, case 2a's median reports/s (one
# report per packet).
RATE=$(jq -s '[.[] | select(.case == "2" and .who == "a-wire2kafka") | .result.reports_per_s // empty] | sort |
  if length > 0 then .[length / 2 | floor] | floor else empty end' "$RUNS" 2>/dev/null || true)
RATE=${RATE:-${BENCH_RATE:-200000}}
[ "$RATE" -gt 0 ] 2>/dev/null || RATE=${BENCH_RATE:-200000}

if has_case 4; then
  say "case 4: latency at 10%, 50%, 90% of $RATE packets/s, $ROUNDS interleaved rounds of ${SECS}s"
  for r in $(seq 1 "$ROUNDS"); do
    for pct in 10 50 90; do
      rate=$(( RATE * pct / 100 ))
      record 4 "load-${pct}pct" "$r" "$(wb pipeline -c "$OUT/l1.yaml" -rate "$rate" -pcap "$PCAP" |
        jq -c --argjson pct "$pct" --argjson full "$RATE" '. + {load_pct: $pct, full_rate: $full}' 2>/dev/null || true)"
    done
  done
fi

if has_case 5; then
  soak_rate=$(( RATE / 2 ))
  # As the daemon is deployed: the systemd unit sets MALLOC_ARENA_MAX=2
  # (deploy/systemd/wire2kafka.service, README "Deployment": librdkafka's
  # message copies otherwise spread over up to 8 x CPUs glibc arenas).
  say "case 5: cost over time, ${SOAK}s into Kafka at $soak_rate packets/s (50%), 1 lcore, GODEBUG=gctrace=1, MALLOC_ARENA_MAX=2 (as the systemd unit)"
  MALLOC_ARENA_MAX=2 GODEBUG=gctrace=1 "$W2K" pipeline -c "$OUT/l1.yaml" -rate "$soak_rate" -pcap "$PCAP" -map-lcores -warmup "$WARM" \
    -seconds "$SOAK" 2>"$OUT/gctrace.txt" | last_json >"$OUT/soak.json" || true
  gcs=$(grep -c '^gc ' "$OUT/gctrace.txt" || true)
  record 5 soak 1 "$(jq -c --argjson gcs "${gcs:-0}" '. + {gctrace_lines: $gcs}' "$OUT/soak.json" 2>/dev/null || echo '')"
  # Lcore allocations in a run of their own: the recorder (every allocation
  # of the process kept, MemProfileRate=1) grows RSS by itself, so the soak
  # above runs without it.
  allocs_secs=$(( SOAK < 60 ? SOAK : 60 ))
  say "case 5b: allocations on the lcores, ${allocs_secs}s at $soak_rate packets/s, every allocation recorded"
  record 5 soak-allocs 1 "$(MALLOC_ARENA_MAX=2 "$W2K" pipeline -c "$OUT/l1.yaml" -rate "$soak_rate" -pcap "$PCAP" -map-lcores -warmup "$WARM" \
    -seconds "$allocs_secs" -lcore-allocs 2>>"$LOG" | last_json)"
fi

if has_case 7; then
  say "case 7: flow churn, $CHURN distinct flows once each, 1 lcore, discard sink"
  "$BIN" gen -o "$OUT/churn.pcap" -truth /dev/null -format tr -flows "$CHURN" -hops 3 -packets "$CHURN" -seed 3 >>"$LOG" 2>&1
  sed -e "s|rx_pcap=$PCAP,infinite_rx=1|rx_pcap=$OUT/churn.pcap|" "$OUT/c1.yaml" >"$OUT/churn.yaml"
  # The capture is read once (no infinite_rx); the window outlasts it.
  churn_secs=$(( CHURN / 50000 + 5 ))
  [ $SMOKE = 1 ] && churn_secs=2
  record 7 churn 1 "$("$W2K" pipeline -c "$OUT/churn.yaml" -map-lcores -warmup 0 -seconds "$churn_secs" -lcore-allocs 2>>"$LOG" | last_json)"
  rm -f "$OUT/churn.pcap"
fi

say "summary"
"$OUT/benchreport" -runs "$RUNS" -out "$OUT" -pprof "$OUT/pipeline.pprof.txt" -kafka "$OUT/kafka.json" \
  -kafka-pprof "$OUT/kafka.pprof.txt" \
  -seconds "$SECS" -rounds "$ROUNDS" -soak "$SOAK" $([ $SMOKE = 1 ] || echo -docs docs)
