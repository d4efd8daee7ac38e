#!/usr/bin/env bash
# check.sh PCAP TRUTH [dissect.py options...]
#
# Dissects PCAP with the independent scapy dissector (dissect.py) and compares the result with
# the ground truth TRUTH that `wire2kafka gen` wrote (compare.py). Exit status: 0 when every
# packet agrees, 1 on a mismatch, 2 on a usage or setup error.
#
# The Python environment (scapy, pytest, exact versions and hashes from requirements.txt) is
# created once under ${INTDISSECT_VENV:-/var/cache/wire2kafka/intdissect-venv} and reused
# while requirements.txt is unchanged. Ports and INT detection settings are taken from the
# truth file's header line; options given here override them (see dissect.py --help).
# INTDISSECT_OUT=FILE keeps the dissector output in FILE.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=${INTDISSECT_VENV:-/var/cache/wire2kafka/intdissect-venv}
req=$here/requirements.txt

die() { echo "check.sh: $*" >&2; exit 2; }

if [ $# -lt 2 ]; then
  sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
fi
pcap=$1 truth=$2
shift 2
[ -r "$pcap" ] || die "cannot read $pcap"
[ -r "$truth" ] || die "cannot read $truth"

# python3 with a working venv module (Debian splits ensurepip into python3-venv).
need_python() {
  if command -v python3 >/dev/null && python3 -c 'import venv, ensurepip' 2>/dev/null; then
    return
  fi
  [ "$(id -u)" = 0 ] || die "python3 -m venv is not usable; as root: apt-get install python3-venv"
  echo "check.sh: installing python3-venv" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q python3 python3-venv >&2 ||
    { apt-get update -q >&2 && apt-get install -y -q python3 python3-venv >&2; } ||
    die "apt-get install python3-venv failed"
}

venv_ok() { [ -x "$venv/bin/python" ] && cmp -s "$req" "$venv/intdissect-requirements.txt"; }

if ! venv_ok; then
  mkdir -p "$(dirname "$venv")"
  lock=$venv.lock
  if command -v flock >/dev/null; then exec 9>"$lock"; flock 9; fi
  if ! venv_ok; then                       # another run may have built it meanwhile
    need_python
    echo "check.sh: creating $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv" >&2 || die "python3 -m venv $venv failed"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input \
      --require-hashes -r "$req" >&2 || { rm -rf "$venv"; die "pip install failed"; }
    cp "$req" "$venv/intdissect-requirements.txt"
  fi
  if command -v flock >/dev/null; then flock -u 9; exec 9>&-; fi
fi

if [ -n "${INTDISSECT_OUT:-}" ]; then
  out=$INTDISSECT_OUT
else
  out=$(mktemp "${TMPDIR:-/tmp}/intdissect.XXXXXX.jsonl")
  trap 'rm -f "$out"' EXIT
fi

py=$venv/bin/python
"$py" "$here/dissect.py" --config-from-truth "$truth" "$@" -o "$out" "$pcap"
"$py" "$here/compare.py" "$truth" "$out"
