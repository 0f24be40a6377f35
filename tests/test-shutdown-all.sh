#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole power failure, three hosts on one machine: a primary nutd with the UPS, Debian's
# upsmon as one secondary and a second nutd (through nut-remote) as another, each host with
# its own logind (python-dbusmock, one private bus each). The UPS goes on battery and low: the
# secondaries shut down first, then the primary, each with exactly one power-off, and the
# primary's kill-power hook tells the UPS to cut power. Timings are printed as TAP comments.
#   with-system-bus.sh --mock logind -- test-shutdown-all.sh    (root; NUTD, KILLPOWER, WITH_BUS set)
set -u
: "${NUTD:?}" "${KILLPOWER:?}" "${WITH_BUS:?}"
[ -x /lib/nut/upsmon ] || { echo "1..0 # SKIP upsmon missing"; exit 77; }
T=$(mktemp -d /tmp/nutd-all.XXXXXX)
PIDS=""
n=0; failed=0
cleanup() { touch "$T/stop"; for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; [ -z "${KEEP:-}" ] || cat "$T/secondary-bus.log"; rm -rf "$T"; }
trap cleanup EXIT
check() {
    n=$((n + 1)); d=$1; shift
    if "$@" >"$T/out" 2>&1; then echo "ok $n - $d"; else echo "not ok $n - $d"; sed 's/^/#   /' "$T/out" | head -20; failed=$((failed + 1)); fi
}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
poweroffs() {
    busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock \
        GetMethodCalls s PowerOff 2>/dev/null | awk '{print $2}'
}
numlogins() { printf 'GET NUMLOGINS ups\n' | socat -t 1 - TCP:127.0.0.1:$PP 2>/dev/null | awk '{print $3}'; }
stamp() { date +%s.%N; }
PP=$(free_port); PS=$(free_port)
mkdir -p "$T/p" "$T/s" "$T/mon"

# primary nutd: the UPS is here
printf 'ups.status: OL\nbattery.charge: 100\n' > "$T/p/ups.dev"
printf '[ups]\n driver = dummy-ups\n port = ups.dev\n' > "$T/p/ups.conf"
printf 'LISTEN 127.0.0.1 %s\n' "$PP" > "$T/p/upsd.conf"
printf '[monuser]\n password = monpass\n upsmon secondary\n[nutdsec]\n password = secpass\n upsmon secondary\n' > "$T/p/upsd.users"
cat > "$T/notify.sh" <<'EOF2'
#!/bin/sh
echo "$(date +%s.%N) $NOTIFYTYPE $UPSNAME" >> "$LOG"
EOF2
chmod +x "$T/notify.sh"
{
    printf 'MONITOR ups 1 admin x primary\nMINSUPPLIES 1\nHOSTSYNC 15\nFINALDELAY 0\nNOTIFYCMD %s/notify.sh\n' "$T"
    for t in ONLINE ONBATT LOWBATT FSD SHUTDOWN; do printf 'NOTIFYFLAG %s SYSLOG+EXEC\n' $t; done
} > "$T/p/upsmon.conf"
busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock ClearCalls >/dev/null
LOG="$T/primary.notify" RUNTIME_DIRECTORY="$T/p/run" "$NUTD" --config-dir "$T/p" >"$T/primary.log" 2>&1 &
PIDS="$!"
i=0; until [ "$(numlogins)" = 0 ]; do i=$((i+1)); [ $i -lt 100 ] || break; sleep 0.05; done

# secondary 1: Debian's upsmon
cat > "$T/mon/upsmon.conf" <<EOF2
MONITOR ups@127.0.0.1:$PP 1 monuser monpass secondary
MINSUPPLIES 1
POLLFREQ 1
POLLFREQALERT 1
FINALDELAY 0
SHUTDOWNCMD "sh -c 'date +%s.%N > $T/upsmon-shutdown'"
EOF2
chmod 600 "$T/mon/upsmon.conf"
unshare -m sh -c 'mount -t tmpfs tmpfs /run/nut && NUT_CONFPATH="$1" exec /lib/nut/upsmon -D -u root' \
    upsmon "$T/mon" >"$T/upsmon.log" 2>&1 &
PIDS="$! $PIDS"

# secondary 2: another nutd, on its own bus with its own logind; when its host powers off,
# nutd goes away with it (so it logs out of the primary)
printf 'LISTEN 127.0.0.1 %s\n' "$PS" > "$T/s/upsd.conf"
printf 'MONITOR ups@127.0.0.1:%s 1 nutdsec secpass secondary\nMINSUPPLIES 1\nFINALDELAY 0\n' "$PP" > "$T/s/upsmon.conf"
cat > "$T/secondary.sh" <<'EOF2'
#!/bin/sh
RUNTIME_DIRECTORY="$D/s/run" "$NUTD" --config-dir "$D/s" >"$D/secondary.log" 2>&1 &
pid=$!
until [ -e "$D/stop" ]; do
    c=$(busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock \
            GetMethodCalls s PowerOff 2>/dev/null | awk '{print $2}')
    if [ "${c:-0}" -ge 1 ] && [ ! -e "$D/secondary-poweroff" ]; then
        date +%s.%N > "$D/secondary-poweroff"
        echo "$c" > "$D/secondary-poweroff-count"
        kill $pid; wait $pid
        pid=""
    fi
    sleep 0.05
done
[ -z "$pid" ] || kill $pid
EOF2
chmod +x "$T/secondary.sh"
# (not "T": the fixture uses that name itself)
D="$T" NUTD="$NUTD" "$WITH_BUS" --mock logind -- "$T/secondary.sh" >"$T/secondary-bus.log" 2>&1 &
PIDS="$! $PIDS"

i=0; until [ "$(numlogins)" = 2 ]; do i=$((i+1)); [ $i -lt 300 ] || break; sleep 0.05; done
check "both secondaries logged in to the primary (NUMLOGINS 2)" sh -c "[ \"\$(printf 'GET NUMLOGINS ups\n' | socat -t 1 - TCP:127.0.0.1:$PP | awk '{print \$3}')\" = 2 ]"

T0=$(stamp)
printf 'ups.status: OB DISCHRG\nbattery.charge: 50\n' > "$T/p/ups.dev.tmp" && mv "$T/p/ups.dev.tmp" "$T/p/ups.dev"
i=0; until grep -q ONBATT "$T/primary.notify" 2>/dev/null; do i=$((i+1)); [ $i -lt 100 ] || break; sleep 0.02; done
T1=$(stamp)
printf 'ups.status: OB DISCHRG LB\nbattery.charge: 5\n' > "$T/p/ups.dev.tmp" && mv "$T/p/ups.dev.tmp" "$T/p/ups.dev"
i=0; until [ "$(poweroffs)" = 1 ]; do i=$((i+1)); [ $i -lt 400 ] || break; sleep 0.05; done
T3=$(stamp)
sleep 1

# (NOTIFYCMD runs concurrently: LOWBATT and SHUTDOWN of one evaluation may land in either order)
check "the primary notified ONBATT first, then LOWBATT and SHUTDOWN" sh -c "head -n 1 $T/primary.notify | grep -q ' ONBATT ' && grep -q ' LOWBATT ' $T/primary.notify && grep -q ' SHUTDOWN' $T/primary.notify || cat $T/primary.notify"
check "upsmon (secondary) ran its SHUTDOWNCMD" test -e "$T/upsmon-shutdown"
check "the secondary nutd powered its host off, once" sh -c "[ \"\$(cat $T/secondary-poweroff-count)\" = 1 ] || cat $T/secondary.log"
check "the primary powered off exactly once" sh -c "[ \"\$(busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock GetMethodCalls s PowerOff | awk '{print \$2}')\" = 1 ]"
check "... and only after both secondaries had gone" awk "BEGIN { exit !($(cat "$T/upsmon-shutdown" 2>/dev/null || echo 9e9) <= $T3 && $(cat "$T/secondary-poweroff" 2>/dev/null || echo 9e9) <= $T3) }"
check "... without waiting out HOSTSYNC (15 s)" awk "BEGIN { exit !($T3 - $T1 < 10) }"
"$KILLPOWER" --config-dir "$T/p" --flag "$T/p/run/killpower" poweroff >"$T/killpower.log" 2>&1
check "the primary's kill-power hook told the UPS to cut power" grep -q "ups: kill-power sent" "$T/killpower.log"

ONB=$(awk '$2 == "ONBATT" { print $1; exit }' "$T/primary.notify")
LOWB=$(awk '$2 == "LOWBATT" { print $1; exit }' "$T/primary.notify")
awk "BEGIN { printf \"# timings: on battery -> ONBATT notified %.0f ms; low battery -> LOWBATT notified %.0f ms; \", ($ONB - $T0) * 1000, ($LOWB - $T1) * 1000 }"
awk "BEGIN { printf \"low battery -> upsmon SHUTDOWNCMD %.0f ms, -> secondary nutd power-off %.0f ms, -> primary power-off %.0f ms\n\", ($(cat "$T/upsmon-shutdown") - $T1) * 1000, ($(cat "$T/secondary-poweroff") - $T1) * 1000, ($T3 - $T1) * 1000 }"
echo "1..$n"
[ $failed -eq 0 ]
