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
# a killed broker with its topics and messages; same KAFKA_PORT),
# KAFKA_SECURE=1 (start: also a SASL_SSL listener on KAFKA_PORT+2, SCRAM-SHA-512
# user "wire2kafka" with the password in DIR/tls/password, and an SSL listener
# on KAFKA_PORT+3 that requires a client certificate; a throw-away CA, broker
# and client certificates (PEM) are made in DIR/tls with openssl),
# KAFKA_HOST (127.0.0.1: the address the listeners bind and advertise),
# KAFKA_NETNS (start: run the broker in that network namespace, e.g. to cut
# its link in a test; KAFKA_HOST must then be an address of the namespace).
# DIR/data may be a mount point (a small tmpfs for a disk-full test).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
cache=${WIRE2KAFKA_CACHE:-$HOME/.cache/wire2kafka}
libs=$cache/kafka-$version/libs
port=${KAFKA_PORT:-19092}
cport=$((port + 1))
sasl_port=$((port + 2))
ssl_port=$((port + 3))
secure=${KAFKA_SECURE:-0}
heap=${KAFKA_HEAP:-512m}
host=${KAFKA_HOST:-127.0.0.1}
netns=()
if [ -n "${KAFKA_NETNS:-}" ]; then netns=(ip netns exec "$KAFKA_NETNS"); fi

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

alive() { # the process $1 exists and is not a zombie
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# wait_ready waits until the broker answers a metadata request. It watches
# the pid it started with alive, not running_pid: until setsid, ip netns exec
# and java have each exec'd, /proc/PID/cmdline is the forked shell's (or empty
# mid-exec) and does not name kafka.Kafka; a check then read a live broker as
# one that had exited (a CI failure of the link-down outage test, Dec 6).
wait_ready() {
  local dir=$1 deadline=$((SECONDS + 90)) pid
  pid=$(cat "$dir/kafka.pid")
  while [ $SECONDS -lt $deadline ]; do
    if ! alive "$pid"; then
      log "broker exited during startup; last log lines:"; tail -n 40 "$dir/kafka.log" >&2; return 1
    fi
    if kcat -b "$host:$port" -L -m 2 >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "broker did not answer metadata within 90 s; last log lines:"; tail -n 40 "$dir/kafka.log" >&2
  return 1
}

# make_tls DIR: a CA, a broker certificate for 127.0.0.1/localhost and a
# client certificate (CN wire2kafka), RSA, PEM, valid 2 days, and the SCRAM
# password; kept when they exist (restarts keep their clients working).
make_tls() {
  local t=$1/tls
  [ -f "$t/.complete" ] && return 0
  command -v openssl >/dev/null || { log "openssl not found (make deps installs it)"; exit 1; }
  rm -rf "$t"; mkdir -p "$t"; chmod 700 "$t"
  ( cd "$t"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=wire2kafka-test-ca
    for who in broker client; do
      local cn=localhost san="subjectAltName=IP:127.0.0.1,DNS:localhost" use=serverAuth
      if [ $who = client ]; then cn=wire2kafka san="subjectAltName=DNS:wire2kafka" use=clientAuth; fi
      openssl req -newkey rsa:2048 -nodes -keyout $who-key.pem -out $who.csr -subj "/CN=$cn"
      printf '%s\nextendedKeyUsage=%s\n' "$san" "$use" >$who.ext
      openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out $who.pem -days 2 -extfile $who.ext
    done
    cat broker-key.pem broker.pem >broker-keystore.pem
    printf '%s' "$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')" >password
  ) >/dev/null 2>"$t/openssl.log" || { log "certificates:"; cat "$t/openssl.log" >&2; exit 1; }
  touch "$t/.complete"
}

start() {
  local dir=$1
  if running_pid "$dir" >/dev/null; then echo "$host:$port"; return 0; fi
  fetch
  command -v java >/dev/null || { log "java not found (make deps installs openjdk-17-jre-headless)"; exit 1; }
  command -v kcat >/dev/null || { log "kcat not found (make deps installs it)"; exit 1; }
  local keep=
  if [ "${KAFKA_KEEP_DATA:-}" = 1 ] && [ -f "$dir/data/meta.properties" ]; then keep=1; else mkdir -p "$dir/data"; find "$dir/data" -mindepth 1 -delete; fi
  local listeners="PLAINTEXT://$host:$port" format_extra=()
  if [ "$secure" = 1 ]; then
    make_tls "$dir"
    listeners="$listeners,SASL_SSL://127.0.0.1:$sasl_port,SSL://127.0.0.1:$ssl_port"
    format_extra=(--add-scram "SCRAM-SHA-512=[name=wire2kafka,password=$(cat "$dir/tls/password")]")
  fi
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$host:$cport
listeners=$listeners,CONTROLLER://$host:$cport
advertised.listeners=$listeners
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
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
  if [ "$secure" = 1 ]; then
    cat >>"$dir/server.properties" <<PROPS
ssl.keystore.type=PEM
ssl.keystore.location=$dir/tls/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$dir/tls/ca.pem
listener.name.ssl.ssl.client.auth=required
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
PROPS
  fi
  local id
  id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  local jopts=(-Xms256m "-Xmx$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$here/log4j2.properties" -Dkafka.logs.dir="$dir")
  if [ -z "$keep" ]; then
    java "${jopts[@]}" -cp "$libs/*" kafka.tools.StorageTool format --cluster-id="$id" --config "$dir/server.properties" "${format_extra[@]}" >"$dir/kafka.log" 2>&1 ||
      { log "storage format failed:"; tail -n 20 "$dir/kafka.log" >&2; exit 1; }
  fi
  setsid "${netns[@]}" java "${jopts[@]}" -cp "$libs/*" kafka.Kafka "$dir/server.properties" >>"$dir/kafka.log" 2>&1 </dev/null &
  echo $! >"$dir/kafka.pid"
  wait_ready "$dir" || { stop "$dir"; exit 1; }
  log "broker $version running on $host:$port (pid $(cat "$dir/kafka.pid"), log $dir/kafka.log)"
  [ "$secure" = 1 ] && log "secure listeners: SASL_SSL 127.0.0.1:$sasl_port (SCRAM-SHA-512, user wire2kafka, password in $dir/tls/password), SSL 127.0.0.1:$ssl_port (client certificate required), CA $dir/tls/ca.pem"
  echo "$host:$port"
}

stop() {
  local dir=$1 pid
  if pid=$(running_pid "$dir"); then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "broker $pid did not stop in 30 s; killing it"; kill -KILL "$pid"; fi
    log "broker stopped"
  fi
  case "$dir" in /tmp/*|"${TMPDIR:-/tmp}"/*) rm -rf "$dir" || log "could not remove all of $dir" ;; *) rm -f "$dir/kafka.pid" ;; esac
}

cmd=${1:-}
dir=${2:-${KAFKA_DIR:-/tmp/wire2kafka-kafka}}
case "$cmd" in
  fetch) fetch ;;
  start) mkdir -p "$dir"; start "$dir" ;;
  stop) stop "$dir" ;;
  status) if running_pid "$dir" >/dev/null; then echo "$host:$port"; else exit 1; fi ;;
  classpath) fetch; echo "$libs/*" ;;
  *) sed -n '2,20p' "$0"; exit 2 ;;
esac
