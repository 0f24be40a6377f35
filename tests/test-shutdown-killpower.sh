#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# nutd-killpower, the systemd-shutdown hook: only on poweroff/halt, only with the flag nutd
# leaves after a power-failure shutdown, and then every local device is told to cut power.
#   KILLPOWER=... test-shutdown-killpower.sh      (TAP)
set -u
: "${KILLPOWER:?}"
T=$(mktemp -d /tmp/nutd-killpower.XXXXXX)
trap 'rm -rf "$T"' EXIT
printf 'ups.status: OB LB\n' > "$T/a.dev"
printf 'ups.status: OB LB\n' > "$T/b.dev"
printf '[a]\n driver = dummy-ups\n port = a.dev\n[b]\n driver = dummy-ups\n port = b.dev\n[far]\n driver = nut-remote\n port = ups@192.0.2.1\n' > "$T/ups.conf"
n=0; failed=0
check() { n=$((n + 1)); d=$1; shift; if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; sed 's/^/#   /' "$T/out"; failed=$((failed + 1)); fi; }
run() { "$KILLPOWER" --config-dir "$T" --flag "$T/killpower" "$@" >"$T/out" 2>&1; }

run poweroff; rc=$?
check "no flag: nothing is done" sh -c "[ $rc -eq 0 ] && [ ! -s $T/out ]"
touch "$T/killpower"
run reboot; rc=$?
check "reboot: nothing is done" sh -c "[ $rc -eq 0 ] && [ ! -s $T/out ]"
run poweroff; rc=$?
check "poweroff with the flag: both local devices told" sh -c "[ $rc -eq 0 ] && grep -q 'a: kill-power sent' $T/out && grep -q 'b: kill-power sent' $T/out"
check "... the network device is left alone (told before the network went)" sh -c "! grep -q far $T/out"
run halt; rc=$?
check "halt counts too" sh -c "[ $rc -eq 0 ] && grep -q 'kill-power sent' $T/out"
echo "1..$n"
[ $failed -eq 0 ]
