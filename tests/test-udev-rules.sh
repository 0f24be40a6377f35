#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The generated udev rules, run by udev itself: `udevadm test` on umockdev records of a UPS
# (051d:0002, in the --ids list) and of a keyboard (not in it). Runs as root in a private
# mount namespace: udevadm test writes /run/udev/data and /dev/char links for real (umockdev
# only redirects paths its testbed has), so /dev, /run and the rules directories are tmpfs
# there, and the host is not touched.
#   GEN_UDEV_RULES=build/tools/gen-udev-rules RULES=build/udev/60-nutd.rules DATA=tests/data/udev \
#       test-udev-rules.sh
set -u
: "${GEN_UDEV_RULES:?}" "${RULES:?}" "${DATA:?}"
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root (mount namespace)"; exit 77; }
for p in udevadm umockdev-run unshare; do
    command -v $p >/dev/null || { echo "1..0 # SKIP $p missing"; exit 77; }
done
if [ -z "${NUTD_UDEV_NS:-}" ]; then
    NUTD_UDEV_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

T=$(mktemp -d /tmp/nutd-udev.XXXXXX)
trap 'umount "$T/dev" 2>/dev/null; rm -rf --one-file-system "$T"' EXIT
UPS=/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1
KBD=/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; failed=$((failed + 1)); [ -f "$T/out" ] && sed "s/^/#   /" "$T/out" | tail -25; }
check() { d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d"; fi; }
check_not() { d=$1; shift; if "$@" >/dev/null 2>&1; then not_ok "$d"; else ok "$d"; fi; }

# the system's rules, less NUT's own (nut-server's 62-nut-usbups.rules also sets GROUP="nut")
mkdir -p "$T/system-rules"
for f in /usr/lib/udev/rules.d/*.rules /lib/udev/rules.d/*.rules /etc/udev/rules.d/*.rules; do
    [ -f "$f" ] && cp "$f" "$T/system-rules/"
done
rm -f "$T/system-rules/"*nut*

# a private /dev with the few nodes a shell needs, a private /run, empty rules directories
mkdir "$T/dev"
mount --bind /dev "$T/dev"
mount -t tmpfs -o mode=0755 tmpfs /dev
for d in null zero full random urandom; do touch "/dev/$d"; mount --bind "$T/dev/$d" "/dev/$d"; done
umount "$T/dev"
ln -s /proc/self/fd /dev/fd
mount -t tmpfs -o mode=0755 tmpfs /run
for d in /etc/udev/rules.d /usr/lib/udev/rules.d /lib/udev/rules.d; do
    [ -d "$d" ] && [ ! -L "$d" ] && mount -t tmpfs tmpfs "$d"
done
# a group nut, as sysusers creates it on an installed system
if ! getent group nut >/dev/null; then
    cp /etc/group "$T/group"
    echo "nut:x:4242:" >> "$T/group"
    mount --bind "$T/group" /etc/group
fi
NUT_GID=$(getent group nut | cut -d: -f3)

# udev_test RULES_FILE... -- RECORD SYSFS_PATH ACTION: output in $T/out
udev_test() {
    rm -rf /run/udev /dev/char
    mkdir -p /run/udev/rules.d
    while [ "$1" != "--" ]; do cp "$1" /run/udev/rules.d/; shift; done
    umockdev-run -d "$2" -- udevadm test --action="$4" "$3" >"$T/out" 2>&1
}
assigned() {    # assigned KEY VALUE: our rules assigned it
    grep -q "60-nutd.rules:[0-9]* $1 $2\$" "$T/out"
}
last_assigned_by_us() {    # last_assigned_by_us KEY: no later rule assigned KEY again
    grep " $1 [0-9]*\$" "$T/out" | tail -n 1 | grep -q "60-nutd.rules:"
}

"$GEN_UDEV_RULES" --ids "$DATA/ids" > "$T/60-nutd.rules" || not_ok "gen-udev-rules --ids"
check "one rule per VID:PID of the --ids list, duplicates dropped" \
    test "$(grep -c '^SUBSYSTEM==' "$T/60-nutd.rules")" -eq 2

udev_test "$T/60-nutd.rules" -- "$DATA/ups.umockdev" $UPS add
check "the rules parse without complaint" sh -c "! grep -i '60-nutd.rules.*\(invalid\|ignoring\|error\)' $T/out"
check "UPS, add: GROUP nut ($NUT_GID)" assigned GROUP "$NUT_GID"
check "UPS, add: MODE 0660" assigned MODE 0660
check "UPS, add: tagged systemd" grep -q '^CURRENT_TAGS=.*:systemd:' "$T/out"
check "UPS, add: SYSTEMD_WANTS=nutd.service" grep -qx 'SYSTEMD_WANTS=nutd.service' "$T/out"
for action in bind change; do
    udev_test "$T/60-nutd.rules" -- "$DATA/ups.umockdev" $UPS $action
    check "UPS, $action: GROUP, MODE, tag and SYSTEMD_WANTS kept" sh -c "
        grep -q '60-nutd.rules:[0-9]* GROUP $NUT_GID\$' $T/out && grep -q '60-nutd.rules:[0-9]* MODE 0660\$' $T/out &&
        grep -q '^CURRENT_TAGS=.*:systemd:' $T/out && grep -qx SYSTEMD_WANTS=nutd.service $T/out"
done
udev_test "$T/60-nutd.rules" -- "$DATA/ups.umockdev" $UPS remove
check_not "UPS, remove: our rules do nothing" grep -q "60-nutd.rules:[0-9]* " "$T/out"

udev_test "$T/60-nutd.rules" -- "$DATA/keyboard.umockdev" $KBD add
check_not "keyboard: no GROUP or MODE from our rules" grep -q "60-nutd.rules:[0-9]* \(GROUP\|MODE\)" "$T/out"
check_not "keyboard: not tagged systemd" grep -q '^CURRENT_TAGS=.*:systemd:' "$T/out"
check_not "keyboard: no SYSTEMD_WANTS" grep -q '^SYSTEMD_WANTS=' "$T/out"

# among the system's rules: none after ours overrides the group or the mode
udev_test "$T/system-rules/"*.rules "$T/60-nutd.rules" -- "$DATA/ups.umockdev" $UPS add
check "UPS, with the system's rules: ours set the group last" last_assigned_by_us GROUP
check "UPS, with the system's rules: ours set the mode last" last_assigned_by_us MODE
check "UPS, with the system's rules: tagged systemd, SYSTEMD_WANTS=nutd.service" sh -c \
    "grep -q '^CURRENT_TAGS=.*:systemd:' $T/out && grep -qx SYSTEMD_WANTS=nutd.service $T/out"
udev_test "$T/system-rules/"*.rules "$T/60-nutd.rules" -- "$DATA/keyboard.umockdev" $KBD add
check_not "keyboard, with the system's rules: no group nut" grep -q " GROUP $NUT_GID\$" "$T/out"

# the rules built from the driver table load as cleanly
udev_test "$RULES" -- "$DATA/ups.umockdev" $UPS add
check "the driver table's rules parse without complaint" sh -c \
    "grep -q 'Reading rules file: .*60-nutd.rules' $T/out && ! grep -i '60-nutd.rules.*\(invalid\|ignoring\|error\)' $T/out"

echo "1..$n"
[ $failed -eq 0 ]
