#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# nutd as a secondary of Debian's upsd 2.8.0, through a MONITOR line and the nut-remote driver:
# it logs in (NUMLOGINS 1 on upsd), mirrors the UPS, and when the primary sets FSD on upsd,
# nutd shuts the host down through (python-dbusmock's) logind, once.
#   with-system-bus.sh --mock logind -- tests/nut/with-nut.sh DEV test-shutdown-remote.sh
set -u
: "${NUTD:?}" "${NUT_PORT:?}"
T=$(mktemp -d /tmp/nutd-remote.XXXXXX)
PID=""
n=0; failed=0
cleanup() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }; rm -rf "$T"; }
trap cleanup EXIT
check() {
    n=$((n + 1)); d=$1; shift
    if "$@" >"$T/out" 2>&1; then echo "ok $n - $d"; else echo "not ok $n - $d"; sed 's/^/#   /' "$T/out" | head -20; failed=$((failed + 1)); fi
}
ask() { printf "$2" | socat -t 1 - TCP:127.0.0.1:$1 2>/dev/null; }
poweroffs() {
    busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock \
        GetMethodCalls s PowerOff | awk '{print $2}'
}
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NAME="dummy@127.0.0.1:$NUT_PORT"
mkdir -p "$T/etc"
printf 'LISTEN 127.0.0.1 %s\n' "$PORT" > "$T/etc/upsd.conf"
printf 'MONITOR %s 1 dummy-user P@ssW0rd secondary\nMINSUPPLIES 1\nFINALDELAY 0\n' "$NAME" > "$T/etc/upsmon.conf"
busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock ClearCalls
RUNTIME_DIRECTORY="$T/run" "$NUTD" --config-dir "$T/etc" >"$T/nutd.log" 2>&1 &
PID=$!

i=0; until ask "$PORT" "GET VAR $NAME ups.status\n" | grep -q "\"OL"; do i=$((i+1)); [ $i -lt 200 ] || break; sleep 0.05; done
check "the remote UPS is a device of nutd, named like the MONITOR line" sh -c "printf 'GET VAR $NAME ups.status\n' | socat -t 1 - TCP:127.0.0.1:$PORT | grep -q '\"OL'"
check "nutd logged in to upsd as a secondary (NUMLOGINS 1)" sh -c "printf 'GET NUMLOGINS dummy\n' | socat -t 1 - TCP:127.0.0.1:$NUT_PORT | grep -qx 'NUMLOGINS dummy 1'"
check "it is on D-Bus too" sh -c "busctl --system tree org.nutd.Power1 | grep -q 'device/dummy'"
check "no power-off while upsd says OL" sh -c "[ \"\$(busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock GetMethodCalls s PowerOff | awk '{print \$2}')\" = 0 ]"

ask "$NUT_PORT" 'USERNAME dummy-admin\nPASSWORD P@ssW0rdAdm\nFSD dummy\n' > "$T/fsd"
check "the primary sets FSD on upsd" grep -q 'OK FSD-SET' "$T/fsd"
i=0; until [ "$(poweroffs)" = 1 ]; do i=$((i+1)); [ $i -lt 200 ] || break; sleep 0.05; done
check "nutd, as a secondary, powered off through logind once" sh -c "[ \"\$(busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock GetMethodCalls s PowerOff | awk '{print \$2}')\" = 1 ] || cat $T/nutd.log"
check "nutd saw FSD in the mirrored status" sh -c "printf 'GET VAR $NAME ups.status\n' | socat -t 1 - TCP:127.0.0.1:$PORT | grep -q 'FSD'"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
