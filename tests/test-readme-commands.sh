#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The command lines of the README's "Looking at it" section work as written, against nutd on
# its demo configuration (under with-system-bus.sh). monitor lines are run for a second.
#   NUTD=... NUTCTL=... README=... DEMO=... test-readme-commands.sh
set -u
: "${NUTD:?}" "${NUTCTL:?}" "${README:?}" "${DEMO:?}"
T=$(mktemp -d /tmp/nutd-readme.XXXXXX)
cp "$DEMO"/* "$T/"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'LISTEN 127.0.0.1 %s\n' "$PORT" > "$T/upsd.conf"
"$NUTD" --config-dir "$T" --log-level err &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$T"' EXIT
i=0; until busctl --system get-property org.nutd.Power1 /org/nutd/Power1/device/demo org.nutd.Power1.Device Connection 2>/dev/null | grep -q connected; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "Bail out! nutd did not start"; exit 1; }; sleep 0.05; done
mkdir -p "$T/bin"
ln -s "$NUTCTL" "$T/bin/nutctl"
n=0; failed=0
sed -n '/^## Looking at it/,/^## /p' "$README" | sed -n '/^```sh/,/^```/p' | grep -E '^(busctl|nutctl|upsc) ' |
    sed 's/ *#.*$//' > "$T/commands"
while read -r cmd; do
    n=$((n + 1))
    run="$cmd"
    case "$cmd" in
        upsc*) run=$(echo "$cmd" | sed "s/@localhost/@127.0.0.1:$PORT/") ;;
        *monitor*) run="timeout 1 $cmd; [ \$? -eq 124 ]" ;;
    esac
    if PATH="$T/bin:$PATH" sh -c "$run" >"$T/out" 2>&1; then
        echo "ok $n - $cmd"
    else
        echo "not ok $n - $cmd"; sed 's/^/#   /' "$T/out" | head -5; failed=$((failed + 1))
    fi
done < "$T/commands"
echo "1..$n"
[ "$n" -ge 10 ] || { echo "# only $n commands found in the README"; exit 1; }
[ $failed -eq 0 ]
