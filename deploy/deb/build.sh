#!/usr/bin/env bash
# build.sh: builds out/wire2kafka_<version>_<arch>.deb with dpkg-deb:
#   /usr/bin/wire2kafka                         the binary (make build)
#   /lib/systemd/system/wire2kafka.service      the unit (deploy/systemd)
#   /usr/share/wire2kafka/sysctl/60-wire2kafka-hugepages.conf  boot hugepages (copy to /etc/sysctl.d to enable)
#   /etc/wire2kafka/wire2kafka.yaml             a starting config (conffile)
#   /usr/share/wire2kafka/examples/             the example configs
#   /usr/share/wire2kafka/grafana, prometheus/  dashboard, provisioning, scrape config, alerts
#   /usr/share/man/man1/wire2kafka.1.gz         generated from the commands' help
# Depends: the Debian packages of the shared libraries the binary links
# (DPDK 22.11 runtime), found with ldd and dpkg -S; Recommends: dpdk (the
# PMDs loaded as plugins).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bin=${BIN:-bin/wire2kafka}
[ -x "$bin" ] || { echo "deb: $bin missing (make build)" >&2; exit 1; }
version=$("$bin" version | awk 'NR==1 {print $2}')
case "$version" in [0-9]*) ;; *) version="0.0.0~$version" ;; esac
version=${version//-/\~}
arch=$(dpkg --print-architecture)
out=${OUT:-out}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
install -D -m 755 "$bin" "$root/usr/bin/wire2kafka"
install -D -m 644 deploy/systemd/wire2kafka.service "$root/lib/systemd/system/wire2kafka.service"
install -D -m 644 deploy/systemd/hugepages.conf "$root/usr/share/wire2kafka/sysctl/60-wire2kafka-hugepages.conf"
install -D -m 644 deploy/config/laptop.yaml "$root/etc/wire2kafka/wire2kafka.yaml"
for f in deploy/config/*.yaml; do install -D -m 644 "$f" "$root/usr/share/wire2kafka/examples/$(basename "$f")"; done
mkdir -p "$root/usr/share/wire2kafka"
cp -r deploy/grafana/dashboards deploy/grafana/provisioning "$root/usr/share/wire2kafka/" 2>/dev/null
mkdir -p "$root/usr/share/wire2kafka/grafana"
mv "$root/usr/share/wire2kafka/dashboards" "$root/usr/share/wire2kafka/provisioning" "$root/usr/share/wire2kafka/grafana/"
install -D -m 644 deploy/prometheus/prometheus.yml "$root/usr/share/wire2kafka/prometheus/prometheus.yml"
install -D -m 644 deploy/prometheus/alerts.yml "$root/usr/share/wire2kafka/prometheus/alerts.yml"
install -D -m 644 README.md "$root/usr/share/doc/wire2kafka/README.md"
install -D -m 644 config/README.md "$root/usr/share/doc/wire2kafka/config.md"

# The man page: the usage and every command's --help, verbatim.
man=$root/usr/share/man/man1/wire2kafka.1
mkdir -p "$(dirname "$man")"
esc() { sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\\&'/"; }
{
  echo ".TH WIRE2KAFKA 1 \"$(date -u +%Y-%m-%d)\" \"wire2kafka $version\" \"User Commands\""
  echo ".SH NAME"
  echo "wire2kafka \\- mirrored INT telemetry from DPDK into Kafka"
  echo ".SH SYNOPSIS"
  echo ".B wire2kafka"
  echo ".I command"
  echo "[flags]"
  echo ".SH DESCRIPTION"
  echo ".nf"
  "$bin" 2>&1 | esc || true
  echo ".fi"
  for c in $("$bin" 2>&1 | awk '/^Commands:/ {on=1; next} on && NF {print $1} on && !NF {exit}'); do
    echo ".SH COMMAND: $c"
    echo ".nf"
    "$bin" "$c" -h 2>&1 | esc || true
    echo ".fi"
  done
  echo ".SH FILES"
  echo ".TP"; echo "/etc/wire2kafka/wire2kafka.yaml"; echo "the configuration the systemd unit runs"
  echo ".TP"; echo "/usr/share/doc/wire2kafka/config.md"; echo "every configuration key"
  echo ".SH SEE ALSO"
  echo "systemctl(1), dpdk-devbind.py(1)"
} >"$man"
gzip -9n "$man"

# Depends: the packages of the libraries the binary links.
deps=$(ldd "$bin" | awk '$3 ~ /^\// {print $3}' | while read -r lib; do
  dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true
done | cut -d: -f1 | sort -u | grep -v '^libc6$' | paste -sd, | sed 's/,/, /g')
mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: wire2kafka
Version: $version
Architecture: $arch
Maintainer: wire2kafka developers <wire2kafka@localhost>
Section: net
Priority: optional
Depends: libc6${deps:+, $deps}
Recommends: dpdk, systemd
Description: mirrored In-band Network Telemetry from DPDK into Kafka
 wire2kafka takes mirrored INT packets off a NIC with DPDK, decodes P4.org
 Telemetry Reports and SCION ID-INT, and writes them into Kafka as batched
 protobuf messages, with every stage's counters in Prometheus. Check a host
 with "wire2kafka doctor -c /etc/wire2kafka/wire2kafka.yaml".
CONTROL
echo /etc/wire2kafka/wire2kafka.yaml >"$root/DEBIAN/conffiles"
cat >"$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi
POSTINST
chmod 755 "$root/DEBIAN/postinst"
mkdir -p "$out"
deb="$out/wire2kafka_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
