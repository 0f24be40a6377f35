#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The systemd side: the units pass systemd-analyze verify, the service's exposure stays at or
# below 2.0, and nutd tells systemd READY=1, STATUS=… and WATCHDOG=1 over a notify socket.
#   NUTD=... SERVICE=build/systemd/nutd.service SOCKET=systemd/nutd.socket test-systemd-units.sh
set -u
: "${NUTD:?}" "${SERVICE:?}" "${SOCKET:?}"
T=$(mktemp -d /tmp/nutd-units.XXXXXX)
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; wait $p 2>/dev/null; done; rm -rf "$T"' EXIT
n=0; failed=0
check() { n=$((n + 1)); d=$1; shift; if "$@" >"$T/out" 2>&1; then echo "ok $n - $d"; else echo "not ok $n - $d"; sed 's/^/#   /' "$T/out" | head -20; failed=$((failed + 1)); fi; }

# the installed ExecStart does not exist here: point it at the built daemon
sed "s|^ExecStart=.*|ExecStart=$NUTD|" "$SERVICE" > "$T/nutd.service"
cp "$SOCKET" "$T/nutd.socket"
check "systemd-analyze verify nutd.service nutd.socket" systemd-analyze verify --man=no "$T/nutd.service" "$T/nutd.socket"
check "systemd-analyze security: exposure at most 2.0" systemd-analyze security --offline=yes --threshold=20 --no-pager "$T/nutd.service"
systemd-analyze security --offline=yes --no-pager "$T/nutd.service" 2>&1 | grep "Overall exposure" | sed 's/^/# /'

# sd_notify: READY, STATUS and the watchdog
mkdir -p "$T/etc"
printf 'DBUS no\n' > "$T/etc/nutd.conf"
printf 'ups.status: OL\n' > "$T/etc/ups.dev"
printf '[ups]\n driver = dummy-ups\n port = ups.dev\n' > "$T/etc/ups.conf"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'LISTEN 127.0.0.1 %s\n' "$PORT" > "$T/etc/upsd.conf"
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "w", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode() + "\n")
' "$T/notify.sock" "$T/notify.log" &
PIDS="$!"
sleep 0.2
NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=400000 "$NUTD" --config-dir "$T/etc" >"$T/nutd.log" 2>&1 &
PIDS="$! $PIDS"
sleep 1.5
check "READY=1" grep -q '^READY=1' "$T/notify.log"
check "STATUS= says what nutd monitors" grep -q '^STATUS=1 devices, 1 connected, 0 on battery' "$T/notify.log"
check "WATCHDOG=1 more than once (WatchdogSec honoured)" sh -c "[ \$(grep -c '^WATCHDOG=1' $T/notify.log) -ge 3 ]"
kill -TERM $(echo $PIDS | cut -d' ' -f1) 2>/dev/null
sleep 0.3
check "STOPPING=1 on SIGTERM" grep -q '^STOPPING=1' "$T/notify.log"
echo "1..$n"
[ $failed -eq 0 ]
