#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a command with name lookups this test controls: in a private mount namespace, an
# /etc/hosts that names 127.0.0.1 "nutd-test-peer" and ::1 "nutd-test-peer6", and an
# nsswitch.conf that looks in files only (so an unknown name fails at once, with no DNS).
# Needs root (unshare --mount); skips otherwise.
#   with-hosts.sh COMMAND [ARGS...]
set -u
[ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null || { echo "1..0 # SKIP needs root and unshare"; exit 77; }
if [ -z "${NUTD_HOSTS_NS:-}" ]; then
    NUTD_HOSTS_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
T=$(mktemp -d /tmp/nutd-hosts.XXXXXX)
trap 'rm -rf "$T"' EXIT
printf '127.0.0.1\tlocalhost nutd-test-peer\n::1\tnutd-test-peer6\n' > "$T/hosts"
printf 'hosts: files\n' > "$T/nsswitch.conf"
mount --bind "$T/hosts" /etc/hosts && mount --bind "$T/nsswitch.conf" /etc/nsswitch.conf || exit 1
"$@"
