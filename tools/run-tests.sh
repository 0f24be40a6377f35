#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds nutd twice (plain, and with ASan+UBSan) and runs the whole test suite in both.
# Ends with one line "N passed, N failed" (meson tests, both builds together).
#   tools/run-tests.sh [meson test arguments...]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
passed=0
failed=0
rc=0

run_suite() {   # run_suite BUILD_DIR [meson setup options...]
    dir=$1; shift
    if [ ! -d "$dir" ]; then
        meson setup "$dir" "$top" "$@" >/dev/null || { echo "meson setup $dir failed"; failed=$((failed+1)); rc=1; return; }
    fi
    ninja -C "$dir" || { echo "build in $dir failed"; failed=$((failed+1)); rc=1; return; }
    meson test -C "$dir" --print-errorlogs --num-processes 2 $EXTRA || rc=1
    ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$dir/meson-logs/testlog.txt" | tail -n 1)
    bad=0
    for k in Fail Timeout "Unexpected Pass"; do
        n=$(sed -n "s/^$k: *\([0-9]*\).*/\1/p" "$dir/meson-logs/testlog.txt" | tail -n 1)
        bad=$((bad + ${n:-0}))
    done
    passed=$((passed + ${ok:-0}))
    failed=$((failed + bad))
}

EXTRA="$*"
echo "== plain build =="
run_suite "$top/build"
echo "== ASan + UBSan build =="
run_suite "$top/build-asan" -Db_sanitize=address,undefined -Db_lundef=false
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || rc=1
exit $rc
