#!/usr/bin/env bash
# deps.sh: installs what wire2kafka needs to build, test and run its demo on
# Debian 12, and nothing else. Idempotent: only missing packages are
# installed, `apt-get update` runs at most once. Run as root.
#   - Debian packages (DPDK 22.11, libpcap, protoc, Java 17, Maven, Prometheus,
#     kcat, tcpreplay, tcpdump, iproute2, python3-venv, openssl)
#   - protoc-gen-go at the version pinned below, into ./bin
#   - the Apache Kafka broker jars (deploy/kafka/kafka.sh fetch)
#   - hugepages: reserved and mounted when possible, never fatal
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PROTOC_GEN_GO_VERSION=v1.36.12
HUGEPAGES=${HUGEPAGES:-1024} # 2 MiB pages to reserve (2 GiB)
pkgs=(dpdk-dev libdpdk-dev pkg-config libpcap-dev protobuf-compiler openjdk-17-jre-headless maven
  prometheus kcat tcpreplay tcpdump iproute2 python3-venv openssl systemd)

say() { printf 'deps: %s\n' "$*"; }

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { say "need root to install: ${missing[*]}"; exit 1; }
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages present"
fi

if ! { [ -x bin/protoc-gen-go ] && bin/protoc-gen-go --version 2>/dev/null | grep -q "${PROTOC_GEN_GO_VERSION#v}"; }; then
  say "installing protoc-gen-go $PROTOC_GEN_GO_VERSION into bin/"
  GOBIN="$PWD/bin" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
fi

deploy/kafka/kafka.sh fetch

# Hugepages (best effort): DPDK is 2.5-4x faster with them; without them
# every DPDK process falls back to --no-huge.
mode="no hugepages: DPDK runs with --no-huge"
if [ "$(id -u)" -eq 0 ] && [ -w /proc/sys/vm/nr_hugepages ]; then
  cur=$(cat /proc/sys/vm/nr_hugepages)
  if [ "$cur" -lt "$HUGEPAGES" ]; then echo "$HUGEPAGES" >/proc/sys/vm/nr_hugepages 2>/dev/null || true; fi
  if ! grep -qs ' hugetlbfs ' /proc/mounts; then
    mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true
  fi
fi
free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
if grep -qs ' hugetlbfs ' /proc/mounts && [ "${free:-0}" -gt 0 ]; then
  mode="hugepages: $free free 2 MiB pages on $(awk '$3=="hugetlbfs" {print $2; exit}' /proc/mounts)"
fi
say "$mode"
