#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# How nutd's NUT server gets its sockets and lets go of clients: a listener passed by
# systemd-socket-activate (no LISTEN line used), LISTEN lines, the idle timeout of nutd.conf
# (a silent client is dropped, one polling faster stays), and MAXCONN.
#   NUTD=... test-nut-listen.sh      (TAP)
set -u
: "${NUTD:?}"
T=$(mktemp -d /tmp/nutd-listen.XXXXXX)
PID=""
n=0; failed=0
cleanup() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }; rm -rf "$T"; }
trap cleanup EXIT
check() {
    n=$((n + 1)); d=$1; shift
    if "$@" >"$T/out" 2>&1; then echo "ok $n - $d"; else echo "not ok $n - $d"; sed 's/^/#   /' "$T/out"; failed=$((failed + 1)); fi
}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
stop() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }; PID=""; }
P1=$(free_port); P2=$(free_port)
mkdir -p "$T/etc"
printf 'DBUS no\nIDLE_TIMEOUT 1\n' > "$T/etc/nutd.conf"
printf 'ups.status: OL\n' > "$T/etc/dummy.dev"
printf '[dummy]\n driver = dummy-ups\n port = dummy.dev\n' > "$T/etc/ups.conf"
printf 'LISTEN 127.0.0.1 %s\nMAXCONN 3\n' "$P2" > "$T/etc/upsd.conf"

# socket activation: the passed socket is used, the LISTEN line is not
systemd-socket-activate -l "127.0.0.1:$P1" "$NUTD" --config-dir "$T/etc" >"$T/nutd.log" 2>&1 &
PID=$!
sleep 0.3
check "upsc through a socket passed by systemd" sh -c "upsc dummy@127.0.0.1:$P1 ups.status 2>/dev/null | grep -qx OL"
check "the LISTEN line is not used then" sh -c "! upsc dummy@127.0.0.1:$P2 ups.status >/dev/null 2>&1"
stop

"$NUTD" --config-dir "$T/etc" >"$T/nutd.log" 2>&1 &
PID=$!
i=0; until upsc dummy@127.0.0.1:$P2 ups.status >/dev/null 2>&1; do i=$((i+1)); [ $i -lt 100 ] || break; sleep 0.05; done
check "LISTEN 127.0.0.1 $P2" sh -c "upsc dummy@127.0.0.1:$P2 ups.status 2>/dev/null | grep -qx OL"

/usr/bin/python3 - "$P2" >"$T/py.out" 2>&1 <<'EOF2'
import socket, sys, time
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(('127.0.0.1', port)); s.settimeout(3); return s
def closed(s):
    try:
        return s.recv(100) == b''
    except (socket.timeout, ConnectionResetError):
        return False
# IDLE_TIMEOUT 1: a silent client is dropped within ~1.5 s; one asking every 0.4 s stays
silent, busy = conn(), conn()
t0 = time.monotonic()
for _ in range(6):
    busy.sendall(b'GET VAR dummy ups.status\n'); assert busy.recv(100).startswith(b'VAR'), 'busy answered'
    time.sleep(0.4)
silent.settimeout(0.1)
assert closed(silent), 'silent client dropped'
print('idle ok after %.1f s' % (time.monotonic() - t0))
# MAXCONN 3: the fourth is closed at once, the first three still work
busy.close()
time.sleep(0.3)
a, b, c = conn(), conn(), conn()
d = conn()
assert closed(d), 'fourth refused'
for s in (a, b, c):
    s.sendall(b'VER\n'); assert s.recv(200).startswith(b'Network UPS Tools'), 'within MAXCONN served'
print('maxconn ok')
EOF2
check "idle clients dropped, busy ones kept; MAXCONN refuses the excess cleanly" sh -c "grep -q 'maxconn ok' $T/py.out || { cat $T/py.out; false; }"
check "nutd logged the MAXCONN refusal" grep -q "MAXCONN (3) reached" "$T/nutd.log"
stop

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
