#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian's real upsmon as a secondary of nutd: on low battery nutd (primary) sets FSD, upsmon
# sees it, runs its (harmless) SHUTDOWNCMD and logs out, and only then — before HOSTSYNC runs
# out — nutd asks logind (python-dbusmock's) to power off.
#   with-system-bus.sh --mock logind -- test-shutdown-upsmon.sh      (root; NUTD set; TAP)
set -u
: "${NUTD:?}"
[ -x /lib/nut/upsmon ] || { echo "1..0 # SKIP upsmon (nut-client) missing"; exit 77; }
T=$(mktemp -d /tmp/nutd-upsmon.XXXXXX)
NUTD_PID=""; MON_PID=""
n=0; failed=0
cleanup() {
    for p in $MON_PID $NUTD_PID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
check() {
    n=$((n + 1)); d=$1; shift
    if "$@" >"$T/out" 2>&1; then echo "ok $n - $d"; else echo "not ok $n - $d"; sed 's/^/#   /' "$T/out" | head -20; failed=$((failed + 1)); fi
}
poweroff_calls() {
    busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock \
        GetMethodCalls s PowerOff | awk '{print $2}'
}
numlogins() { printf 'GET NUMLOGINS ups\n' | socat -t 1 - TCP:127.0.0.1:$PORT 2>/dev/null | awk '{print $3}'; }
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

mkdir -p "$T/etc" "$T/mon"
printf 'ups.status: OL\nbattery.charge: 100\n' > "$T/etc/ups.dev"
printf '[ups]\n driver = dummy-ups\n port = ups.dev\n' > "$T/etc/ups.conf"
printf 'LISTEN 127.0.0.1 %s\n' "$PORT" > "$T/etc/upsd.conf"
printf '[monuser]\n password = monpass\n upsmon secondary\n' > "$T/etc/upsd.users"
printf 'MONITOR ups 1 admin secret primary\nMINSUPPLIES 1\nHOSTSYNC 10\nFINALDELAY 0\n' > "$T/etc/upsmon.conf"
cat > "$T/mon/upsmon.conf" <<EOF2
MONITOR ups@127.0.0.1:$PORT 1 monuser monpass secondary
MINSUPPLIES 1
POLLFREQ 1
POLLFREQALERT 1
FINALDELAY 0
SHUTDOWNCMD "touch $T/upsmon-shut-down"
EOF2
chmod 600 "$T/mon/upsmon.conf"

busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock ClearCalls
RUNTIME_DIRECTORY="$T/run" "$NUTD" --config-dir "$T/etc" >"$T/nutd.log" 2>&1 &
NUTD_PID=$!
i=0; until [ "$(numlogins)" = 0 ]; do i=$((i+1)); [ $i -lt 100 ] || break; sleep 0.05; done
# upsmon 2.8.0 always writes /run/nut/upsmon.pid: give it a private /run/nut
unshare -m sh -c 'mount -t tmpfs tmpfs /run/nut && NUT_CONFPATH="$1" exec /lib/nut/upsmon -D -u root' \
    upsmon "$T/mon" >"$T/upsmon.log" 2>&1 &
MON_PID=$!
i=0; until [ "$(numlogins)" = 1 ]; do i=$((i+1)); [ $i -lt 200 ] || break; sleep 0.05; done
check "upsmon logged in to nutd as a secondary (NUMLOGINS 1)" sh -c "[ \"\$(printf 'GET NUMLOGINS ups\n' | socat -t 1 - TCP:127.0.0.1:$PORT | awk '{print \$3}')\" = 1 ] || cat $T/upsmon.log"

START=$(date +%s.%N)
printf 'ups.status: OB DISCHRG LB\nbattery.charge: 5\n' > "$T/etc/ups.dev.tmp" && mv "$T/etc/ups.dev.tmp" "$T/etc/ups.dev"
i=0; until [ -e "$T/upsmon-shut-down" ]; do i=$((i+1)); [ $i -lt 200 ] || break; sleep 0.05; done
check "upsmon saw FSD and ran its SHUTDOWNCMD" test -e "$T/upsmon-shut-down"
i=0; until [ "$(poweroff_calls)" = 1 ]; do i=$((i+1)); [ $i -lt 300 ] || break; sleep 0.05; done
END=$(date +%s.%N)
check "nutd then powered off through logind, once" sh -c "[ \"\$(busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock GetMethodCalls s PowerOff | awk '{print \$2}')\" = 1 ] || cat $T/nutd.log"
check "... without waiting the whole HOSTSYNC (the secondary logged out)" \
    awk "BEGIN { exit !($END - $START < 9) }"
check "nutd's journal lines tell the story" sh -c "grep -q 'LOWBATT ups' $T/nutd.log && grep -q 'SHUTDOWN' $T/nutd.log"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
