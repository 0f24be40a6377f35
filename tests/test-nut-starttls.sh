#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# STARTTLS against Debian's NUT clients (built with NSS): upsc upgrades to TLS on its own;
# upsmon verifies the server against a test CA and, when nutd requires it, presents a client
# certificate. Also: without CERTFILE, upsc goes on in plain text.
#   NUTD=... MAKE_TEST_CERTS=... test-nut-starttls.sh        (root; TAP output)
set -u
: "${NUTD:?}" "${MAKE_TEST_CERTS:?}"
command -v certutil >/dev/null || { echo "1..0 # SKIP certutil (libnss3-tools) missing"; exit 77; }
T=$(mktemp -d /tmp/nutd-tls.XXXXXX)
PID=""
n=0; failed=0
cleanup() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }; rm -rf "$T"; rm -f /run/nut/upsmon.pid; }
trap cleanup EXIT
check() {   # check DESCRIPTION COMMAND...
    n=$((n + 1)); d=$1; shift
    if "$@" >"$T/out" 2>&1; then echo "ok $n - $d"; else echo "not ok $n - $d"; sed 's/^/#   /' "$T/out"; failed=$((failed + 1)); fi
}
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

start_nutd() {   # start_nutd [extra upsd.conf lines]
    [ -z "$PID" ] || { kill "$PID"; wait "$PID" 2>/dev/null; }
    mkdir -p "$T/etc"
    printf 'DBUS no\n' > "$T/etc/nutd.conf"
    printf 'ups.status: OL\nbattery.charge: 87\n' > "$T/etc/dummy.dev"
    printf '[dummy]\n driver = dummy-ups\n port = dummy.dev\n' > "$T/etc/ups.conf"
    printf '[mon]\n password = monpass\n upsmon primary\n' > "$T/etc/upsd.users"
    { printf 'LISTEN 127.0.0.1 %s\n' "$PORT"; printf '%s\n' "$@"; } > "$T/etc/upsd.conf"
    "$NUTD" --config-dir "$T/etc" --log-level debug >"$T/nutd.log" 2>&1 &
    PID=$!
    i=0; until printf 'GET VAR dummy ups.status\n' | socat -t 1 - TCP:127.0.0.1:$PORT 2>/dev/null | grep -q OL; do
        i=$((i + 1)); [ $i -lt 100 ] || { echo "Bail out! nutd did not start"; cat "$T/nutd.log"; exit 1; }; sleep 0.05; done
}

upsmon_logs_in() {   # upsmon_logs_in NSSDB [yes|no]: does upsmon log in over verified TLS?
    mkdir -p "$T/mon"
    cat > "$T/mon/upsmon.conf" <<EOF2
MONITOR dummy@localhost:$PORT 1 mon monpass primary
MINSUPPLIES 1
SHUTDOWNCMD "/bin/true"
CERTPATH $1
CERTIDENT "nutd-test-client" ""
CERTVERIFY 1
FORCESSL 1
EOF2
    chmod 600 "$T/mon/upsmon.conf"
    rm -f /run/nut/upsmon.pid
    NUT_CONFPATH="$T/mon" timeout 4 /lib/nut/upsmon -D -u root >"$T/upsmon.log" 2>&1
    rm -f /run/nut/upsmon.pid
    if grep -q "Logged into UPS" "$T/upsmon.log"; then r=yes; else r=no; fi
    [ "$r" = "$2" ] || { cat "$T/upsmon.log"; return 1; }
}

nssdb() {   # nssdb DIR CA_PEM [P12]
    mkdir -p "$1"
    certutil -N -d "sql:$1" --empty-password
    certutil -A -d "sql:$1" -n "nutd test CA" -t "C,," -a -i "$2"
    [ -z "${3:-}" ] || pk12util -i "$3" -d "sql:$1" -W nutd-test >/dev/null
}

mkdir -p "$T/certs" "$T/other"
"$MAKE_TEST_CERTS" "$T/certs" >/dev/null
"$MAKE_TEST_CERTS" "$T/other" >/dev/null     # a second, unrelated CA
nssdb "$T/db-good" "$T/certs/ca.pem" "$T/certs/client.p12"
nssdb "$T/db-wrong" "$T/other/ca.pem"

# 1. no TLS configured: upsc asks, gets FEATURE-NOT-CONFIGURED, goes on in plain text
start_nutd
check "upsc without CERTFILE works in plain text" sh -c "upsc dummy@127.0.0.1:$PORT ups.status 2>&1 | grep -qx OL"
check "... and did not claim TLS" sh -c "! upsc dummy@127.0.0.1:$PORT ups.status 2>&1 | grep -q 'in SSL'"

# 2. TLS configured: upsc upgrades by itself
start_nutd "CERTFILE $T/certs/server.pem" "CERTPATH $T/certs/ca.pem"
check "upsc over STARTTLS reads ups.status" sh -c "upsc dummy@127.0.0.1:$PORT ups.status 2>/dev/null | grep -qx OL"
check "upsc says it is connected in SSL" sh -c "upsc dummy@127.0.0.1:$PORT ups.status 2>&1 | grep -q 'in SSL'"
check "upsc -l over TLS" sh -c "upsc -l 127.0.0.1:$PORT 2>/dev/null | grep -qx dummy"
check "upsmon verifies nutd against the test CA and logs in" upsmon_logs_in "$T/db-good" yes
check "upsmon refuses a server its CA did not sign" upsmon_logs_in "$T/db-wrong" no

# 3. client certificates required, TLS >= 1.2
start_nutd "CERTFILE $T/certs/server.pem" "CERTPATH $T/certs/ca.pem" "CERTREQUEST REQUIRE" "DISABLE_WEAK_SSL yes"
check "upsc without a client certificate is refused" sh -c "! upsc dummy@127.0.0.1:$PORT ups.status >/dev/null 2>&1"
check "upsmon with a CA-signed client certificate logs in" upsmon_logs_in "$T/db-good" yes
check "nutd still serves plain GETs after all that" sh -c "printf 'GET VAR dummy battery.charge\n' | socat -t 1 - TCP:127.0.0.1:$PORT | grep -q '\"87\"'"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
