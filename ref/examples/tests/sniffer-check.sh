#!/bin/sh
# Runs the sniffer example on 127.0.0.1, sends it one ICMP echo request
# with icmp-poke once it is listening, and checks the packet it prints.
#
#   sniffer-check.sh SNIFFER ICMP_POKE
#
# Exit 77 (CTest skip) when raw sockets are not permitted (not root).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 SNIFFER ICMP_POKE" >&2; exit 2; }
sniffer=$1 poke=$2
limit=20

work=$(mktemp -d "${TMPDIR:-/tmp}/sniffer-check.XXXXXX")
sniffer_pid=
cleanup() {
  if [ -n "$sniffer_pid" ]; then
    kill "$sniffer_pid" 2>/dev/null || true
    wait "$sniffer_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() { echo "FAIL: $*" >&2; exit 1; }

mkfifo "$work/sniffer.err"
timeout "$limit" "$sniffer" 127.0.0.1 >"$work/sniffer.out" 2>"$work/sniffer.err" &
sniffer_pid=$!
exec 3<"$work/sniffer.err"
IFS= read -r ready <&3 || ready=""
case $ready in
  *"listening on 127.0.0.1"*) ;;
  *EPERM*|*EACCES*) echo "skip: raw sockets not permitted: $ready"; exit 77 ;;
  *) fail "sniffer did not start: '$ready'" ;;
esac

"$poke" 127.0.0.1 || fail "icmp-poke failed with status $?"

status=0
wait "$sniffer_pid" || status=$?
sniffer_pid=
exec 3<&-
[ "$status" -eq 0 ] || fail "sniffer exited with status $status"

head=$(sed -n 1p "$work/sniffer.out")
hex=$(sed -n 2p "$work/sniffer.out")
echo "$head" | grep -Eq '^from 127\.0\.0\.1 proto 1 len [0-9]+$' \
  || fail "first line '$head'"
len=${head##* }
[ "$len" -ge 28 ] || fail "an ICMP packet with its IP header has >= 28 bytes, got $len"
[ "${#hex}" -eq $((len * 2)) ] || fail "hex line has ${#hex} digits for $len bytes"
case $hex in
  45*) ;;
  *) fail "packet does not start with an IPv4 header: ${hex%"${hex#????????}"}..." ;;
esac
echo "ok: $head"
