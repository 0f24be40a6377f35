#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# polkit/50-nutd.rules with the real polkitd: user nut may power off through logind (also past
# inhibitors and other sessions), nobody else gains anything.
#   with-system-bus.sh --polkitd ACTIONS RULES -- test-polkit-logind-rules.sh
set -u
id nut >/dev/null 2>&1 || { echo "1..0 # SKIP no user nut"; exit 77; }
NUT=$(id -u nut)
setpriv --reuid="$NUT" --regid="$(id -g nut)" --clear-groups sleep 30 & N=$!
setpriv --reuid=65534 --regid=65534 --clear-groups sleep 30 & O=$!
trap 'kill $N $O 2>/dev/null' EXIT
sleep 0.2
n=0; failed=0
check() { n=$((n + 1)); d=$1; shift; if "$@" >/dev/null 2>&1; then echo "ok $n - $d"; else echo "not ok $n - $d"; failed=$((failed + 1)); fi; }
for a in power-off power-off-multiple-sessions power-off-ignore-inhibit; do
    check "nut: org.freedesktop.login1.$a" pkcheck --action-id "org.freedesktop.login1.$a" --process $N
done
check "nobody: not org.freedesktop.login1.power-off-ignore-inhibit" \
    sh -c "! pkcheck --action-id org.freedesktop.login1.power-off-ignore-inhibit --process $O"
check "nut: nothing else (reboot)" sh -c "! pkcheck --action-id org.freedesktop.login1.reboot-ignore-inhibit --process $N"
echo "1..$n"
[ $failed -eq 0 ]
