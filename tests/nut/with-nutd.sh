#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Test fixture: nutd serving the NUT protocol on 127.0.0.1:<free port>, no D-Bus, with the
# same generated configuration as with-nut.sh (plus nutd.conf "DBUS no").
#   with-nutd.sh [--ups-conf F] [--upsd-conf F] [--users F] [--file F] DEVFILE COMMAND [ARGS...]
# NUTD = the nutd binary (default: ../../build/src/nutd next to this script).
# Exports NUT_SERVER=nutd, NUT_PORT and NUTD_PORT, NUTD_PID and NUT_SERVER_PID, NUT_CONFPATH
# (the --config-dir; rewrite $NUT_CONFPATH/dummy.dev to change the UPS), NUT_FIXTURE_DIR
# (scratch space, removed on exit), NUTD_LOG (nutd's stderr).
# After COMMAND, nutd must still be running and must exit 0 on SIGTERM (so a crash, or an
# ASan/LSan report in sanitizer builds, fails the test); its log is printed when it did not.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/fixture-common.sh"

NUTD=${NUTD:-$HERE/../../build/src/nutd}
[ -x "$NUTD" ] || { echo "fixture: NUTD=$NUTD is not executable" >&2; exit 1; }

T=$(mktemp -d /tmp/nutdsrv.XXXXXX)
NUTD_PID=""
cleanup() {
    [ -z "$NUTD_PID" ] || { kill "$NUTD_PID" 2>/dev/null || true; wait "$NUTD_PID" 2>/dev/null || true; }
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(fixture_free_port)
fixture_write_config "$T/etc" "$PORT"
mkdir -p "$T/scratch"
export NUT_CONFPATH="$T/etc"

"$NUTD" --config-dir "$T/etc" > "$T/nutd.log" 2>&1 &
NUTD_PID=$!
fixture_wait_ready "$PORT" "$NUTD_PID" "$T/nutd.log"

export NUT_SERVER=nutd NUT_PORT="$PORT" NUTD_PORT="$PORT" NUTD_PID NUT_SERVER_PID="$NUTD_PID" \
       NUT_FIXTURE_DIR="$T/scratch" NUTD_LOG="$T/nutd.log"
set +e
"$@" &
wait $!
rc=$?
if ! kill -0 "$NUTD_PID" 2>/dev/null; then
    wait "$NUTD_PID"; nrc=$?
    NUTD_PID=""
    echo "fixture: nutd died during the test (status $nrc); its log:" >&2
    cat "$T/nutd.log" >&2
    [ $rc -ne 0 ] || rc=1
else
    kill "$NUTD_PID"
    wait "$NUTD_PID"; nrc=$?
    NUTD_PID=""
    if [ $nrc -ne 0 ]; then
        echo "fixture: nutd exited with status $nrc on SIGTERM; its log:" >&2
        cat "$T/nutd.log" >&2
        [ $rc -ne 0 ] || rc=1
    fi
fi
[ -z "${NUTD_FIXTURE_SHOW_LOG:-}" ] || cat "$T/nutd.log" >&2
exit $rc
