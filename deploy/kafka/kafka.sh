#!/usr/bin/env bash
# kafka.sh: a single-node Apache Kafka (KRaft, broker+controller) for tests,
# the demo and benchmarks, fetched from Maven Central and run from the jars.
#
#   kafka.sh fetch                 download the broker jars (once) into the cache
#   kafka.sh start [DIR]           start a broker with state in DIR (default below)
#   kafka.sh stop  [DIR]           stop it (the pid in DIR/kafka.pid only) and remove DIR
#   kafka.sh status [DIR]          print the bootstrap address if running
#   kafka.sh classpath             print the classpath (for Kafka's own tools)
#
# Environment: KAFKA_PORT (default 19092; controller on +1), KAFKA_HEAP (512m),
# WIRE2KAFKA_CACHE (~/.cache/wire2kafka), KAFKA_DIR (/tmp/wire2kafka-kafka),
# KAFKA_KEEP_DATA=1 (start: keep DIR/data from an earlier run, e.g. to restart
# a killed broker with its topics and messages; same KAFKA_PORT).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
cache=${WIRE2KAFKA_CACHE:-$HOME/.cache/wire2kafka}
libs=$cache/kafka-$version/libs
port=${KAFKA_PORT:-19092}
cport=$((port + 1))
heap=${KAFKA_HEAP:-512m}

log() { printf 'kafka.sh: %s\n' "$*" >&2; }

fetch() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || { log "mvn not found (make deps installs maven)"; exit 1; }
  log "fetching Apache Kafka $version from Maven Central into $libs"
  rm -rf "$libs"
  mkdir -p "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$libs" >&2
  ls "$libs"/kafka_2.13-"$version".jar >/dev/null
  touch "$libs/.complete"
}

running_pid() { # prints the pid when the broker of $1 runs
  local pidf=$1/kafka.pid pid
  [ -f "$pidf" ] || return 1
  pid=$(cat "$pidf")
  kill -0 "$pid" 2>/dev/null || return 1
  grep -q kafka.Kafka "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

wait_ready() { # waits until the broker answers a metadata request
  local dir=$1 deadline=$((SECONDS + 90))
  while [ $SECONDS -lt $deadline ]; do
    if ! running_pid "$dir" >/dev/null; then
      log "broker exited during startup; last log lines:"; tail -n 40 "$dir/kafka.log" >&2; return 1
    fi
    if kcat -b "127.0.0.1:$port" -L -m 2 >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "broker did not answer metadata within 90 s; last log lines:"; tail -n 40 "$dir/kafka.log" >&2
  return 1
}

start() {
  local dir=$1
  if running_pid "$dir" >/dev/null; then echo "127.0.0.1:$port"; return 0; fi
  fetch
  command -v java >/dev/null || { log "java not found (make deps installs openjdk-17-jre-headless)"; exit 1; }
  command -v kcat >/dev/null || { log "kcat not found (make deps installs it)"; exit 1; }
  local keep=
  if [ "${KAFKA_KEEP_DATA:-}" = 1 ] && [ -f "$dir/data/meta.properties" ]; then keep=1; else rm -rf "$dir/data"; mkdir -p "$dir/data"; fi
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.bytes=1073741824
log.segment.bytes=268435456
num.network.threads=2
num.io.threads=2
PROPS
  local id
  id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  local jopts=(-Xms256m "-Xmx$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$here/log4j2.properties" -Dkafka.logs.dir="$dir")
  if [ -z "$keep" ]; then
    java "${jopts[@]}" -cp "$libs/*" kafka.tools.StorageTool format --cluster-id="$id" --config "$dir/server.properties" >"$dir/kafka.log" 2>&1 ||
      { log "storage format failed:"; tail -n 20 "$dir/kafka.log" >&2; exit 1; }
  fi
  setsid java "${jopts[@]}" -cp "$libs/*" kafka.Kafka "$dir/server.properties" >>"$dir/kafka.log" 2>&1 </dev/null &
  echo $! >"$dir/kafka.pid"
  wait_ready "$dir" || { stop "$dir"; exit 1; }
  log "broker $version running on 127.0.0.1:$port (pid $(cat "$dir/kafka.pid"), log $dir/kafka.log)"
  echo "127.0.0.1:$port"
}

stop() {
  local dir=$1 pid
  if pid=$(running_pid "$dir"); then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "broker $pid did not stop in 30 s; killing it"; kill -KILL "$pid"; fi
    log "broker stopped"
  fi
  case "$dir" in /tmp/*|"${TMPDIR:-/tmp}"/*) rm -rf "$dir" ;; *) rm -f "$dir/kafka.pid" ;; esac
}

cmd=${1:-}
dir=${2:-${KAFKA_DIR:-/tmp/wire2kafka-kafka}}
case "$cmd" in
  fetch) fetch ;;
  start) mkdir -p "$dir"; start "$dir" ;;
  stop) stop "$dir" ;;
  status) if running_pid "$dir" >/dev/null; then echo "127.0.0.1:$port"; else exit 1; fi ;;
  classpath) fetch; echo "$libs/*" ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
