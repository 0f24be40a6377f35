#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Test fixture: the reference peer, Debian's NUT 2.8.0 (nut-server): /lib/nut/dummy-ups for
# every dummy-ups section whose port file exists, and /lib/nut/upsd, on 127.0.0.1:<free port>.
# Runs as root (upsd/dummy-ups -u root).
#   with-nut.sh [--ups-conf F] [--upsd-conf F] [--users F] [--file F] DEVFILE COMMAND [ARGS...]
# (options: see fixture-common.sh). Exports NUT_SERVER=upsd, NUT_PORT, NUT_SERVER_PID (upsd),
# NUT_CONFPATH (the configuration directory: rewrite $NUT_CONFPATH/dummy.dev to change the
# UPS; dummy-ups sees it within ~2 s), NUT_STATEPATH, NUT_ALTPIDPATH, NUT_FIXTURE_DIR (scratch
# space, removed on exit). Everything it starts is stopped by PID on exit.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/fixture-common.sh"

for p in /lib/nut/upsd /lib/nut/dummy-ups; do
    [ -x "$p" ] || { echo "fixture: $p missing (apt-get install nut-server)" >&2; exit 77; }
done

T=$(mktemp -d /tmp/nutref.XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(fixture_free_port)
fixture_write_config "$T/etc" "$PORT"
mkdir -p "$T/state" "$T/scratch"; chmod 700 "$T/state"
export NUT_CONFPATH="$T/etc" NUT_STATEPATH="$T/state" NUT_ALTPIDPATH="$T/state"

# one dummy-ups per "driver = dummy-ups" section whose port file exists
awk '/^[ \t]*\[/ { gsub(/[][ \t]/, ""); s = $0; next }
     /^[ \t]*driver[ \t]*=/ { sub(/^[^=]*=[ \t]*/, ""); d[s] = $0 }
     /^[ \t]*port[ \t]*=/ { sub(/^[^=]*=[ \t]*/, ""); p[s] = $0; order[++n] = s }
     END { for (i = 1; i <= n; i++) if (d[order[i]] == "dummy-ups") print order[i], p[order[i]] }' \
    "$T/etc/ups.conf" > "$T/drivers"
while read -r name port; do
    case "$port" in /*) f=$port ;; *) f=$T/etc/$port ;; esac
    [ -e "$f" ] || continue
    /lib/nut/dummy-ups -a "$name" -u root -F > "$T/driver-$name.log" 2>&1 &
    PIDS="$! $PIDS"
    i=0; until [ -S "$T/state/dummy-ups-$name" ]; do
        i=$((i + 1)); [ $i -lt 200 ] || { echo "fixture: dummy-ups $name did not start" >&2; cat "$T/driver-$name.log" >&2; exit 1; }
        sleep 0.05
    done
done < "$T/drivers"

/lib/nut/upsd -u root -F > "$T/upsd.log" 2>&1 &
UPSD_PID=$!
PIDS="$UPSD_PID $PIDS"
fixture_wait_ready "$PORT" "$UPSD_PID" "$T/upsd.log"

export NUT_SERVER=upsd NUT_PORT="$PORT" NUT_SERVER_PID="$UPSD_PID" NUT_FIXTURE_DIR="$T/scratch"
"$@" &
wait $!
exit $?   # explicit: dash would otherwise return the EXIT trap's last status
