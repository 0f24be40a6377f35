#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A UPS on the network: it is served by another nutd (the "UPS host", on a bus of its own),
# and the nutd under test mirrors it through nut-remote, with python-dbusmock's logind. When
# the power runs out and logind sends PrepareForShutdown(true):
#  - as that UPS's secondary, nutd powers off and tells the UPS nothing (its primary will);
#  - as its primary, nutd sets FSD on it, powers off, and on PrepareForShutdown tells it
#    shutdown.return while the network is still up, then lets its inhibitor go.
#   with-system-bus.sh --mock logind -- test-shutdown-network.sh    (NUTD, WITH_BUS set)
set -u
: "${NUTD:?}" "${WITH_BUS:?}"
T=$(mktemp -d /tmp/nutd-net.XXXXXX)
PIDS=""
n=0; failed=0
cleanup() { touch "$T/stop"; for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; [ -z "${KEEP:-}" ] || tail -n 30 "$T"/*.log; rm -rf "$T"; }
trap cleanup EXIT
check() {
    n=$((n + 1)); d=$1; shift
    if "$@" >"$T/out" 2>&1; then echo "ok $n - $d"; else echo "not ok $n - $d"; sed 's/^/#   /' "$T/out" | head -20; failed=$((failed + 1)); fi
}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mock() { busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.DBus.Mock "$@"; }
poweroffs() { mock GetMethodCalls s PowerOff 2>/dev/null | awk '{print $2}'; }
inhibitors() { busctl --system call org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager ListInhibitors | grep -c nutd; }
wait_until() { i=0; until eval "$1" >/dev/null 2>&1; do i=$((i+1)); [ $i -lt "${2:-200}" ] || return 1; sleep 0.05; done; }
stamp() { date +%s.%N; }
numlogins() { printf 'GET NUMLOGINS ups\n' | socat -t 1 - TCP:127.0.0.1:$PU 2>/dev/null | awk '{print $3}'; }
# another upsmon's session on the UPS host, counted there (NUMLOGINS) until $T/logout appears
other_upsmon() {
    /usr/bin/python3 - "$PU" "$T/logout" <<'EOF2' &
import os, socket, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(b'USERNAME sec\nPASSWORD secpass\nLOGIN ups\n')
while not os.path.exists(sys.argv[2]):
    time.sleep(0.02)
s.sendall(b'LOGOUT\n')
time.sleep(0.2)
EOF2
    OTHER=$!
    PIDS="$OTHER $PIDS"
}
# the simulated UPS has the commands of a real one
ups_status() {
    printf 'ups.status: %s\nbattery.charge: %s\nCMD shutdown.return\nCMD shutdown.stayoff\nCMD load.off\n' "$1" "$2" \
        > "$T/u/ups.dev.tmp" && mv "$T/u/ups.dev.tmp" "$T/u/ups.dev"
}
PU=$(free_port)
mkdir -p "$T/u" "$T/h"

# The UPS host: no MONITOR line, so with only a simulated UPS it never shuts anything down
# itself. Its own private bus.
ups_status OL 100
printf '[ups]\n driver = dummy-ups\n port = ups.dev\n' > "$T/u/ups.conf"
printf 'LISTEN 127.0.0.1 %s\n' "$PU" > "$T/u/upsd.conf"
printf '[pri]\n password = pripass\n upsmon primary\n instcmds = ALL\n[sec]\n password = secpass\n upsmon secondary\n instcmds = ALL\n' > "$T/u/upsd.users"
: > "$T/u/upsmon.conf"
cat > "$T/ups-host.sh" <<'EOF2'
#!/bin/sh
RUNTIME_DIRECTORY="$D/u/run" exec "$NUTD" --config-dir "$D/u" >"$D/ups-host.log" 2>&1
EOF2
chmod +x "$T/ups-host.sh"
D="$T" NUTD="$NUTD" "$WITH_BUS" -- "$T/ups-host.sh" >/dev/null 2>&1 &
PIDS="$!"
wait_until "printf 'GET VAR ups ups.status\n' | socat -t 1 - TCP:127.0.0.1:$PU | grep -q OL"

# one host under test at a time, on this bus: start_host ROLE USER PASS
start_host() {
    printf 'MONITOR ups@127.0.0.1:%s 1 %s %s %s\nMINSUPPLIES 1\nFINALDELAY 0\nHOSTSYNC %s\nDEADTIME 15\nPOLLFREQ 1\nPOLLFREQALERT 1\n' \
        "$PU" "$2" "$3" "${1%%-*}" "${HOSTSYNC:-1}" > "$T/h/upsmon.conf"
    : > "$T/h/ups.conf"
    PH=$(free_port)
    printf 'LISTEN 127.0.0.1 %s\n' "$PH" > "$T/h/upsd.conf"
    printf '[admin]\n password = adminpass\n upsmon primary\n' > "$T/h/upsd.users"
    chmod 600 "$T/h/upsd.users"
    mock ClearCalls >/dev/null
    NUTD_LOG_LEVEL=debug RUNTIME_DIRECTORY="$T/h/run" "$NUTD" --config-dir "$T/h" >"$T/$1.log" 2>&1 &
    HOST=$!
    PIDS="$HOST $PIDS"
    wait_until "[ \$(busctl --system get-property org.nutd.Power1 /org/nutd/Power1 org.nutd.Power1.Shutdown State 2>/dev/null | awk '{print \$2}') = '\"idle\"' ]" &&
        wait_until "grep -q 'connected to' $T/$1.log" && wait_until "[ \$(inhibitors) = 1 ]"
}
prepare_for_shutdown() { mock EmitSignal sssav org.freedesktop.login1.Manager PrepareForShutdown b 1 b true >/dev/null; }
stop_host() { kill "$HOST"; wait "$HOST" 2>/dev/null; }

# --- secondary --------------------------------------------------------------------------------
check "secondary: up, mirroring the UPS, inhibitor taken" start_host secondary sec secpass
ups_status "OB DISCHRG" 40
sleep 0.5
ups_status "OB DISCHRG LB" 5
check "secondary: powered off once on low battery" wait_until "[ \"\$(poweroffs)\" = 1 ]"
prepare_for_shutdown
check "secondary: inhibitor released on PrepareForShutdown" wait_until "[ \$(inhibitors) = 0 ]"
sleep 1
check "secondary: the UPS was not told to cut power" sh -c "! grep -q 'instant command' $T/ups-host.log"
check "secondary: ... nor asked to set FSD" sh -c "! printf 'GET VAR ups ups.status\n' | socat -t 1 - TCP:127.0.0.1:$PU | grep -q FSD"
stop_host

# --- a NUT client's FSD on nutd stays there (upsd keeps FSD for its own clients too) ------------
ups_status OL 100
start_host secondary-fsd sec secpass
check "FSD from a NUT client of the host: OK FSD-SET" eval "printf 'USERNAME admin\nPASSWORD adminpass\nFSD ups@127.0.0.1:$PU\n' | socat -t 1 - TCP:127.0.0.1:$PH | grep -q 'OK FSD-SET'"
sleep 1
check "... the UPS's own server did not get it" sh -c "! printf 'GET VAR ups ups.status\n' | socat -t 1 - TCP:127.0.0.1:$PU | grep -q FSD"
stop_host

# --- primary ----------------------------------------------------------------------------------
ups_status OL 100
check "primary: up, mirroring the UPS, inhibitor taken" start_host primary pri pripass
T0=$(stamp)
ups_status "OB DISCHRG LB" 5
check "primary: set FSD on the UPS (as seen by its NUT clients)" \
    wait_until "printf 'GET VAR ups ups.status\n' | socat -t 1 - TCP:127.0.0.1:$PU | grep -q FSD"
check "primary: powered off once" wait_until "[ \"\$(poweroffs)\" = 1 ]"
T1=$(stamp)
check "primary: nothing told before PrepareForShutdown" sh -c "! grep -q 'instant command' $T/ups-host.log"
prepare_for_shutdown
T2=$(stamp)
check "primary: the UPS got shutdown.return" wait_until "grep -q 'ups: instant command shutdown.return' $T/ups-host.log"
T3=$(stamp)
check "primary: inhibitor released after that" wait_until "[ \$(inhibitors) = 0 ]"
check "primary: exactly one power-off" eval "[ \"\$(poweroffs)\" = 1 ]"
check "primary: one command only" sh -c "[ \$(grep -c 'instant command' $T/ups-host.log) = 1 ]"
stop_host

# --- primary, with another upsmon logged in on the UPS host -------------------------------------
ups_status OL 100
other_upsmon
check "another upsmon is counted on the UPS host" wait_until "[ \"\$(numlogins)\" = 1 ]"
HOSTSYNC=15 start_host primary-waiting pri pripass
check "primary: up, and counted too (NUMLOGINS 2)" wait_until "[ \"\$(numlogins)\" = 2 ]"
ups_status "OB DISCHRG LB" 5
# (the UPS host keeps FSD latched since the phase above, as upsd does: not checked again)
sleep 2
check "primary: no power-off while the other upsmon is logged in" eval "[ \"\$(poweroffs)\" = 0 ]"
L0=$(stamp)
touch "$T/logout"
check "primary: powered off once the other upsmon logged out (not after HOSTSYNC, 15 s)" \
    wait_until "[ \"\$(poweroffs)\" = 1 ]" 100
L1=$(stamp)
stop_host
awk "BEGIN { printf \"# the other upsmon logged out -> primary power-off %.0f ms\n\", ($L1 - $L0) * 1000 }"
awk "BEGIN { printf \"# timings: low battery -> power-off call %.0f ms; PrepareForShutdown -> shutdown.return at the UPS host %.0f ms\n\", ($T1 - $T0) * 1000, ($T3 - $T2) * 1000 }"

echo "1..$n"
[ $failed -eq 0 ]
