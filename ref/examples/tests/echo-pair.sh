#!/bin/sh
# Runs one of the seed's echo servers and its client on loopback and checks
# what both print (a CTest entry per server/client/address).
#
#   echo-pair.sh SERVER CLIENT SERVER_HOST CLIENT_HOST PEER_PATTERN
#
# The server is started with port 0 and prints `port N` once it listens; the
# client is started only after that line has been read, so no sleeping is
# needed. PEER_PATTERN is an extended regular expression the server's
# `Connected by ...` line must match. Every process is bounded by `timeout`,
# and the trap removes the FIFO and stops the server on any exit.
set -eu

if [ $# -ne 5 ]; then
  echo "usage: $0 SERVER CLIENT SERVER_HOST CLIENT_HOST PEER_PATTERN" >&2
  exit 2
fi
server=$1 client=$2 server_host=$3 client_host=$4 peer_pattern=$5
limit=20

work=$(mktemp -d "${TMPDIR:-/tmp}/echo-pair.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

mkfifo "$work/server.out"
timeout "$limit" "$server" "$server_host" 0 >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
exec 3<"$work/server.out"

IFS= read -r port_line <&3 || fail "server exited before listening: $(cat "$work/server.err")"
case $port_line in
  "port "[0-9]*) port=${port_line#port } ;;
  *) fail "server's first line is not 'port N': '$port_line'" ;;
esac
[ "$port" -gt 0 ] && [ "$port" -lt 65536 ] || fail "server reported port '$port'"

client_out=$(timeout "$limit" "$client" "$client_host" "$port") \
  || fail "client exited with status $?"
[ "$client_out" = "Received b'Hello, world'" ] \
  || fail "client printed '$client_out'"

IFS= read -r peer_line <&3 || fail "server printed no 'Connected by' line"
echo "$peer_line" | grep -Eq "^Connected by $peer_pattern\$" \
  || fail "server printed '$peer_line', expected /^Connected by $peer_pattern\$/"

status=0
wait "$server_pid" || status=$?
server_pid=
[ "$status" -eq 0 ] || fail "server exited with status $status: $(cat "$work/server.err")"
exec 3<&-

echo "ok: $client_out / $peer_line"
