#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds nutd if needed and runs it on its demo configuration: one simulated UPS that goes
# through a power failure every minute (data/demo/power-failure.seq). Uses the system bus if
# nutd's bus policy is installed there, else a private bus with the project's policy.
#   tools/run-demo.sh [--seconds N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
seconds=0
[ "${1:-}" = "--seconds" ] && seconds=${2:?}

if [ ! -x "$build/src/nutd" ] || [ -n "$(find "$top/src" -newer "$build/src/nutd" -name '*.[ch]' | head -n 1)" ]; then
    [ -d "$build" ] || meson setup "$build" "$top" >/dev/null
    ninja -C "$build" >/dev/null
fi

T=$(mktemp -d /tmp/nutd-demo.XXXXXX)
chmod 755 "$T"
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

policy_installed=false
for d in /usr/share/dbus-1/system.d /etc/dbus-1/system.d; do
    [ -f "$d/org.nutd.Power1.conf" ] && policy_installed=true
done
if $policy_installed && busctl --system status >/dev/null 2>&1; then
    echo "Using the system bus."
else
    sed -e "s#@TESTS_BUILD_DIR@#$T#" -e "s#@POLICY_FILE@#$top/dbus/org.nutd.Power1.conf#" \
        "$top/tests/system-bus.conf.in" > "$T/bus.conf"
    dbus-daemon --config-file="$T/bus.conf" --address="unix:path=$T/bus" --nofork \
        --print-address=3 3>"$T/address" 2>"$T/dbus-daemon.log" &
    PIDS="$!"
    i=0; while [ ! -s "$T/address" ]; do i=$((i+1)); [ $i -lt 100 ] || exit 1; sleep 0.05; done
    export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus"
    echo "No system bus with nutd's policy here: using a private one."
    echo "In another shell, first:  export DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS"
fi

"$build/src/nutd" --config-dir "$top/data/demo" &
PIDS="$! $PIDS"
i=0; until busctl --system status org.nutd.Power1 >/dev/null 2>&1; do
    i=$((i+1)); [ $i -lt 100 ] || { echo "nutd did not start"; exit 1; }; sleep 0.05; done

dev=/org/nutd/Power1/device/demo
cat <<EOF2

nutd is running with one simulated UPS, "demo". Look at it with:
  $build/src/nutctl                      (or: nutctl status demo, nutctl monitor, nutctl cmd demo test.battery.start.quick)
  upsc demo@localhost                    (the NUT protocol, port 3493)
  busctl --system tree org.nutd.Power1
  busctl --system introspect org.nutd.Power1 $dev
  busctl --system get-property org.nutd.Power1 $dev org.nutd.Power1.Device Status Charge Runtime
  busctl --system call org.nutd.Power1 $dev org.nutd.Power1.Device GetVariables
  busctl --system monitor org.nutd.Power1

Its state, as it changes (Ctrl-C stops):
EOF2

last=""
start=$(date +%s)
while :; do
    now=$(busctl --system get-property org.nutd.Power1 $dev org.nutd.Power1.Device Status Charge Runtime 2>/dev/null |
          tr '\n' ' ' | sed -e 's/as [0-9]* //' -e 's/"//g' -e 's/ d / /' -e 's/ x / /') || now="(no answer)"
    set -- $now
    status=""; while [ $# -gt 2 ]; do status="$status $1"; shift; done
    line="status:$status  charge: ${1:-?} %  runtime: ${2:-?} s"
    if [ "$line" != "$last" ]; then
        echo "$(date +%T)  $line"
        last=$line
    fi
    [ "$seconds" -gt 0 ] && [ $(( $(date +%s) - start )) -ge "$seconds" ] && break
    sleep 0.5
done
