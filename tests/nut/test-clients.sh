#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real NUT clients against the server of the fixture (TAP):
#   NUTD=build/src/nutd tests/nut/with-nutd.sh tests/nut/dummy.dev tests/nut/test-clients.sh
#   tests/nut/with-nut.sh tests/nut/dummy.dev tests/nut/test-clients.sh     (the reference)
# upsc, upscmd, upsrw, upslog (nut-client 2.8.0), upsmon (nut-server), PyNUT (python3-nut)
# and node-nut (npm). node-nut is installed with npm once into $MESON_BUILD_ROOT/node_modules
# when that is set (or into NODE_NUT_PREFIX), else into a temporary directory; without
# network access its checks are skipped.
# Needs NUT_PORT, NUT_CONFPATH (dummy.dev is rewritten there), NUT_FIXTURE_DIR, NUT_SERVER.
set -u
: "${NUT_PORT:?}" "${NUT_CONFPATH:?}" "${NUT_FIXTURE_DIR:?}" "${NUT_SERVER:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
H=127.0.0.1:$NUT_PORT
T=$NUT_FIXTURE_DIR/clients
mkdir -p "$T"
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

n=0
failed=0
check() {   # check "what" COMMAND... : ok when COMMAND succeeds
    what=$1; shift
    n=$((n + 1))
    if "$@" > "$T/check.out" 2>&1; then
        echo "ok $n - $what"
    else
        failed=$((failed + 1))
        echo "not ok $n - $what"
        sed 's/^/# /' "$T/check.out" | head -40
    fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# run CMD... > $T/out (stdout), $T/err (stderr, minus the client library's SSL notice), $T/rc
run() {
    "$@" > "$T/out" 2> "$T/err.raw"
    echo $? > "$T/rc"
    grep -v '^Init SSL without certificate database$' "$T/err.raw" > "$T/err"
    return 0
}
expect() {  # expect RC STDOUT-FILE STDERR-TEXT: compare the last run with the expectation
    ok=0
    [ "$(cat "$T/rc")" = "$1" ] || { echo "exit status $(cat "$T/rc"), expected $1"; ok=1; }
    if ! diff -u "$2" "$T/out"; then ok=1; fi
    if [ "$(cat "$T/err")" != "$3" ]; then echo "stderr: $(cat "$T/err")"; echo "expected: $3"; ok=1; fi
    return $ok
}
wait_for() {   # wait_for SECONDS COMMAND...: until COMMAND succeeds
    end=$(($(date +%s) + $1)); shift
    until "$@"; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.2; done
}

# ---- upsc ----
printf 'dummy\nUPS1\nUPS2\n' > "$T/exp"
run upsc -l "$H"
check "upsc -l lists the UPSes of ups.conf" expect 0 "$T/exp" ""

run upsc -L "$H"
printf 'dummy: Crash Dummy\nUPS1: UPS One\nUPS2: Description unavailable\n' > "$T/exp"
check "upsc -L lists them with their descriptions" expect 0 "$T/exp" ""

# every variable of the .dev comes back, with its value, in case-insensitive name order
LC_ALL=C sort -f -t: -k1,1 "$HERE/dummy.dev" > "$T/exp"
run upsc "dummy@$H"
grep -v '^driver\.' "$T/out" > "$T/out.nodriver"; mv "$T/out.nodriver" "$T/out"
check "upsc dummy@host: every variable of dummy.dev, sorted" expect 0 "$T/exp" ""
run upsc "dummy@$H"
check "upsc dummy@host: driver.name is dummy-ups" grep -qx 'driver.name: dummy-ups' "$T/out"

echo OL > "$T/exp"
run upsc "dummy@$H" ups.status
check "upsc dummy@host ups.status" expect 0 "$T/exp" ""
echo 'Dummy UPS' > "$T/exp"
run upsc "DUMMY@$H" DEVICE.MODEL
check "upsc DUMMY@host DEVICE.MODEL (names are case-insensitive)" expect 0 "$T/exp" ""

: > "$T/empty"
run upsc "nosuch@$H"
check "upsc nosuch@host: Error: Unknown UPS" expect 1 "$T/empty" "Error: Unknown UPS"
run upsc "dummy@$H" ups.bogus
check "upsc dummy@host ups.bogus: Error: Variable not supported by UPS" \
    expect 1 "$T/empty" "Error: Variable not supported by UPS"
run upsc "UPS1@$H"
check "upsc UPS1@host (no driver): Error: Driver not connected" expect 1 "$T/empty" "Error: Driver not connected"

# ---- upscmd ----
run upscmd -l "dummy@$H"
if [ "$NUT_SERVER" = upsd ]; then
    # dummy-ups 2.8.0 announces load.off (see test-diff.sh, rule 7)
    printf 'Instant commands supported on UPS [dummy]:\n\nload.off - Turn off the load immediately\n' > "$T/exp"
else
    printf 'Instant commands supported on UPS [dummy]:\n\n' > "$T/exp"
fi
check "upscmd -l dummy@host: no commands (dummy-ups has none)" expect 0 "$T/exp" ""
run upscmd -u admin -p mypass -w "dummy@$H" test.panel.start
check "upscmd -w test.panel.start: CMD-NOT-SUPPORTED" \
    expect 1 "$T/empty" "Unexpected response from upsd: ERR CMD-NOT-SUPPORTED"
run upscmd -u admin -p wrong "dummy@$H" test.panel.start
check "upscmd with a wrong password: CMD-NOT-SUPPORTED comes first, as in upsd" \
    expect 1 "$T/empty" "Unexpected response from upsd: ERR CMD-NOT-SUPPORTED"
run upscmd -u admin -p mypass "nosuch@$H" test.panel.start
check "upscmd nosuch@host: UNKNOWN-UPS" expect 1 "$T/empty" "Unexpected response from upsd: ERR UNKNOWN-UPS"

# ---- upsrw ----
run upsrw "dummy@$H"
check "upsrw dummy@host lists ups.mfr as a STRING of at most 32" \
    grep -A4 -x '\[ups.mfr\]' "$T/out"
awk '/^\[ups.mfr\]$/ { f = 1 } f && /^$/ { exit } f' "$T/out" | sed 1,2d > "$T/got"
printf 'Type: STRING\nMaximum length: 32\nValue: Lab\n' > "$T/exp"
check "upsrw: ups.mfr block" diff -u "$T/exp" "$T/got"
awk '/^\[battery.charge\]$/ { f = 1 } f && /^$/ { exit } f' "$T/out" | sed 1,2d > "$T/got"
printf 'Type: NUMBER\nValue: 100\n' > "$T/exp"
check "upsrw: battery.charge block" diff -u "$T/exp" "$T/got"
check "upsrw: driver.name is not writable (not listed)" sh -c "! grep -q '^\[driver' '$T/out'"

run upsrw -s ups.mfr=RwMfr -u admin -p mypass -w "dummy@$H"
check "upsrw -s ups.mfr=RwMfr -w: tracked to SUCCESS" expect 0 "$T/empty" "SUCCESS"
echo RwMfr > "$T/exp"
run upsc "dummy@$H" ups.mfr
check "upsc shows the value upsrw set" expect 0 "$T/exp" ""
run upsrw -s "ups.mfr=Two Words" -u admin -p mypass "dummy@$H"
check "upsrw -s with a value with a space (sent quoted)" expect 0 "$T/empty" "OK"
echo 'Two Words' > "$T/exp"
check "upsc shows the value with a space" wait_for 5 sh -c "upsc 'dummy@$H' ups.mfr 2>/dev/null | diff -q - '$T/exp'"
run upsrw -s ups.mfr=x -u admin -p wrong "dummy@$H"
check "upsrw with a wrong password: ACCESS-DENIED" expect 1 "$T/empty" "Unexpected response from upsd: ERR ACCESS-DENIED"
run upsrw -s ups.mfr=123456789012345678901234567890123 -u admin -p mypass -w "dummy@$H"
check "upsrw 33 characters into STRING:32: TOO-LONG" expect 1 "$T/empty" "Unexpected response from upsd: ERR TOO-LONG"
run upsrw -s ups.bogus=1 -u admin -p mypass "dummy@$H"
check "upsrw on an absent variable" sh -c "[ \$(cat '$T/rc') != 0 ]"
run upsrw -s ups.mfr=Lab -u admin -p mypass -w "dummy@$H"

# ---- upslog, and a change of the .dev file reaching the clients ----
upslog -s "dummy@$H" -l "$T/upslog.log" -i 1 -F -u root -p "$T/upslog" \
       -f "%VAR ups.status%|%VAR battery.charge%|%VAR ups.mfr%|%VAR device.model%" > "$T/upslog.out" 2>&1 &
UPSLOG_PID=$!
PIDS="$UPSLOG_PID $PIDS"
check "upslog logs the current values" wait_for 8 grep -qx 'OL|100|Lab|Dummy UPS' "$T/upslog.log"
sed -e 's/^ups.status: .*/ups.status: OB DISCHRG/' -e 's/^battery.charge: .*/battery.charge: 57/' \
    "$HERE/dummy.dev" > "$NUT_CONFPATH/dummy.dev.new"
mv "$NUT_CONFPATH/dummy.dev.new" "$NUT_CONFPATH/dummy.dev"
# NUT's dummy-ups notices a change by st_mtime in whole seconds: make sure it moved
touch -m -d "@$(( $(date +%s) + 2 ))" "$NUT_CONFPATH/dummy.dev"
check "upslog sees the new .dev values (OB DISCHRG, 57)" wait_for 10 grep -qx 'OB DISCHRG|57|Lab|Dummy UPS' "$T/upslog.log"
kill "$UPSLOG_PID" 2>/dev/null; wait "$UPSLOG_PID" 2>/dev/null
cp "$HERE/dummy.dev" "$NUT_CONFPATH/dummy.dev.new"; mv "$NUT_CONFPATH/dummy.dev.new" "$NUT_CONFPATH/dummy.dev"
touch -m -d "@$(( $(date +%s) + 4 ))" "$NUT_CONFPATH/dummy.dev"
check "the .dev is back to OL" wait_for 10 sh -c "upsc 'dummy@$H' ups.status 2>/dev/null | grep -qx OL"

# ---- PyNUT ----
cat > "$T/pynut.py" <<'EOF'
import sys, time, PyNUT
port = int(sys.argv[1])
c = PyNUT.PyNUTClient(host="127.0.0.1", port=port, login="admin", password="mypass")
ups = c.GetUPSList()
assert ups == {b"dummy": b"Crash Dummy", b"UPS1": b"UPS One", b"UPS2": b"Description unavailable"}, ups
v = c.GetUPSVars("dummy")
assert v[b"ups.status"] == b"OL" and v[b"device.model"] == b"Dummy UPS" and v[b"battery.charge"] == b"100", v
assert v[b"driver.name"] == b"dummy-ups", v
rw = c.GetRWVars("dummy")
assert rw[b"ups.mfr"] == b"Lab" and b"driver.name" not in rw, rw
cmds = c.GetUPSCommands("dummy")     # dummy-ups 2.8.0 announces load.off (test-diff.sh rule 7)
# PyNUT 2.8.0 turns an empty LIST CMD into {b'': b'Description unavailable'}: ignore b''
assert [k for k in cmds if k] == ([b"load.off"] if sys.argv[2] == "upsd" else []), cmds
c.SetRWVar("dummy", "ups.mfr", "PyMfr")
for _ in range(50):
    if c.GetUPSVars("dummy")[b"ups.mfr"] == b"PyMfr":
        break
    time.sleep(0.1)
assert c.GetUPSVars("dummy")[b"ups.mfr"] == b"PyMfr"
c.SetRWVar("dummy", "ups.mfr", "Lab")
for bad in (lambda: c.GetUPSVars("nosuch"), lambda: c.RunUPSCommand("dummy", "test.panel.start"),
            lambda: c.SetRWVar("dummy", "ups.bogus", "1")):
    try:
        bad()
        raise SystemExit("no error raised")
    except PyNUT.PyNUTError as e:
        print("PyNUTError:", e)
print("ok")
EOF
check "PyNUT: UPS list, variables, RW variables, commands, SetRWVar, errors" \
    /usr/bin/python3 "$T/pynut.py" "$NUT_PORT" "$NUT_SERVER"

# ---- node-nut ----
if command -v npm > /dev/null && command -v node > /dev/null; then
    prefix=${NODE_NUT_PREFIX:-${MESON_BUILD_ROOT:-$T/npm}}
    if [ ! -f "$prefix/node_modules/node-nut/package.json" ]; then
        mkdir -p "$prefix"
        timeout 120 npm install --prefix "$prefix" --no-audit --no-fund --no-save node-nut > "$T/npm.log" 2>&1 || true
    fi
    if [ -f "$prefix/node_modules/node-nut/package.json" ]; then
        NODE_PATH="$prefix/node_modules" node "$HERE/node-nut-check.js" "$NUT_PORT" > "$T/node.out" 2>&1
        echo "node exit status $?" >> "$T/node.out"
        check "node-nut: GetUPSList" grep -qx 'upslist={"dummy":"Crash Dummy","UPS1":"UPS One","UPS2":"Description unavailable"}' "$T/node.out"
        check "node-nut: GetUPSVars" sh -c "grep -qx 'vars.ups.status=OL' '$T/node.out' && grep -qx 'vars.device.model=Dummy UPS' '$T/node.out' && grep -qx 'vars.err=null' '$T/node.out'"
        check "node-nut: GetVarType (node-nut keeps the last word only)" grep -qx 'type.ups.mfr=STRING:32' "$T/node.out"
        check "node-nut: unknown UPS is an error" grep -qx 'nosuch.err=UNKNOWN-UPS' "$T/node.out"
        check "node-nut: SetRWVar, then GetUPSVars shows it" sh -c "grep -qx 'set.err=null' '$T/node.out' && grep -qx 'vars.ups.mfr=NodeMfr' '$T/node.out'"
        check "node-nut: clean exit" grep -qx 'node exit status 0' "$T/node.out"
        [ $failed = 0 ] || sed 's/^/# node: /' "$T/node.out"
    else
        skip "node-nut" "npm install node-nut failed (offline?): $(tail -1 "$T/npm.log")"
    fi
else
    skip "node-nut" "node/npm not installed"
fi

# ---- upsmon (primary): on OB LB it sets FSD and runs SHUTDOWNCMD ----
if [ -x /lib/nut/upsmon ] && [ "$(id -u)" = 0 ]; then
    cat > "$T/notify.sh" <<EOF
#!/bin/sh
echo "\$NOTIFYTYPE \$UPSNAME" >> "$T/notify.log"
EOF
    chmod +x "$T/notify.sh"
    cat > "$T/upsmon.conf" <<EOF
RUN_AS_USER root
MONITOR dummy@127.0.0.1:$NUT_PORT 1 dummy-admin P@ssW0rdAdm primary
MINSUPPLIES 1
SHUTDOWNCMD "touch $T/shutdown-called"
NOTIFYCMD $T/notify.sh
NOTIFYFLAG ONBATT SYSLOG+EXEC
NOTIFYFLAG LOWBATT SYSLOG+EXEC
NOTIFYFLAG FSD SYSLOG+EXEC
NOTIFYFLAG SHUTDOWN SYSLOG+EXEC
POLLFREQ 1
POLLFREQALERT 1
HOSTSYNC 2
FINALDELAY 0
POWERDOWNFLAG $T/killpower
EOF
    chmod 600 "$T/upsmon.conf"
    mkdir -p "$T/upsmon-state"
    # upsmon 2.8.0 writes /run/nut/upsmon.pid whatever the environment says: give it a
    # private /run/nut (mount namespace) so that the host's is never touched
    NUT_CONFPATH=$T NUT_STATEPATH=$T/upsmon-state NUT_ALTPIDPATH=$T/upsmon-state \
        unshare -m sh -c 'mount --make-rprivate / && { [ ! -d /run/nut ] || mount -t tmpfs tmpfs /run/nut; } &&
                          exec /lib/nut/upsmon -u root -D' > "$T/upsmon.log" 2>&1 &
    UPSMON_PID=$!
    PIDS="$UPSMON_PID $PIDS"
    check "upsmon logs in (NUMLOGINS dummy 1)" wait_for 10 sh -c \
        "printf 'GET NUMLOGINS dummy\n' | socat -t 1 - TCP:$H 2>/dev/null | grep -qx 'NUMLOGINS dummy 1'"
    check "LIST CLIENT shows upsmon's connection" sh -c \
        "printf 'LIST CLIENT dummy\n' | socat -t 1 - TCP:$H | grep -qx 'CLIENT dummy 127.0.0.1'"
    sed -e 's/^ups.status: .*/ups.status: OB DISCHRG LB/' -e 's/^battery.charge: .*/battery.charge: 5/' \
        "$HERE/dummy.dev" > "$NUT_CONFPATH/dummy.dev.new"
    mv "$NUT_CONFPATH/dummy.dev.new" "$NUT_CONFPATH/dummy.dev"
    check "upsmon: OB LB -> FSD -> SHUTDOWNCMD" wait_for 20 test -e "$T/shutdown-called"
    check "upsd/nutd: FSD latched by upsmon (ups.status FSD OB DISCHRG LB)" sh -c \
        "upsc 'dummy@$H' ups.status 2>/dev/null | grep -qx 'FSD OB DISCHRG LB'"
    check "upsmon's notifications: ONBATT, LOWBATT, SHUTDOWN" sh -c \
        "grep -q '^ONBATT' '$T/notify.log' && grep -q '^LOWBATT' '$T/notify.log' && grep -q '^SHUTDOWN' '$T/notify.log'"
    [ $failed = 0 ] || { sed 's/^/# upsmon: /' "$T/upsmon.log" | tail -30; sed 's/^/# notify: /' "$T/notify.log" 2>/dev/null; }
else
    skip "upsmon" "needs root and /lib/nut/upsmon"
fi

echo "1..$n"
[ $failed = 0 ]
