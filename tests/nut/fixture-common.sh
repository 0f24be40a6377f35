# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by with-nut.sh and with-nutd.sh: option parsing and the NUT configuration both
# servers read (same file names and syntax, so one directory could serve either).
#
#   [--ups-conf FILE]...   append FILE (more ups.conf sections) to the generated ups.conf
#   [--upsd-conf FILE]...  append FILE to the generated upsd.conf (after the LISTEN line)
#   [--users FILE]         use FILE as upsd.users instead of the default users below
#   [--file FILE]...       copy FILE into the configuration directory (e.g. more .dev files)
#   DEVFILE                copied to <confdir>/dummy.dev, served as UPS "dummy"
#   COMMAND [ARGS...]      run with the exported variables; its exit status is ours
#
# Default ups.conf: [dummy] (dummy-ups, dummy.dev, desc "Crash Dummy") and, as in
# NUT-REFERENCE §12, [UPS1] (desc "UPS One") and [UPS2] (no desc) whose .dev files do not
# exist, so their driver is never connected.
# Default users (NUT-REFERENCE §12): admin/mypass (SET, instcmds ALL), dummy-admin/P@ssW0rdAdm
# (upsmon primary), dummy-user/P@ssW0rd (upsmon secondary), reader/public (nothing),
# tester/testpass (instcmds test.panel.start only).

fixture_usage() {
    echo "usage: $0 [--ups-conf FILE] [--upsd-conf FILE] [--users FILE] [--file FILE] DEVFILE COMMAND [ARGS...]" >&2
    exit 2
}

FX_UPS_EXTRA=""
FX_UPSD_EXTRA=""
FX_USERS=""
FX_FILES=""
while [ $# -gt 0 ]; do
    case "$1" in
    --ups-conf) [ $# -ge 2 ] || fixture_usage; FX_UPS_EXTRA="$FX_UPS_EXTRA $2"; shift 2 ;;
    --upsd-conf) [ $# -ge 2 ] || fixture_usage; FX_UPSD_EXTRA="$FX_UPSD_EXTRA $2"; shift 2 ;;
    --users) [ $# -ge 2 ] || fixture_usage; FX_USERS=$2; shift 2 ;;
    --file) [ $# -ge 2 ] || fixture_usage; FX_FILES="$FX_FILES $2"; shift 2 ;;
    --) shift; break ;;
    -*) fixture_usage ;;
    *) break ;;
    esac
done
[ $# -ge 2 ] || fixture_usage
FX_DEV=$1; shift
[ -r "$FX_DEV" ] || { echo "fixture: cannot read $FX_DEV" >&2; exit 2; }

fixture_free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# fixture_write_config DIR PORT
fixture_write_config() {
    mkdir -p "$1"
    cp "$FX_DEV" "$1/dummy.dev"
    for f in $FX_FILES; do cp "$f" "$1/"; done
    printf 'MODE=standalone\n' > "$1/nut.conf"
    printf 'DBUS no\n' > "$1/nutd.conf"
    {
        printf '[dummy]\n  driver = dummy-ups\n  port = dummy.dev\n  desc = "Crash Dummy"\n'
        printf '[UPS1]\n  driver = dummy-ups\n  port = ups1-absent.dev\n  desc = "UPS One"\n'
        printf '[UPS2]\n  driver = dummy-ups\n  port = ups2-absent.dev\n'
        for f in $FX_UPS_EXTRA; do cat "$f"; done
    } > "$1/ups.conf"
    {
        printf 'LISTEN 127.0.0.1 %s\n' "$2"
        for f in $FX_UPSD_EXTRA; do cat "$f"; done
    } > "$1/upsd.conf"
    if [ -n "$FX_USERS" ]; then
        cp "$FX_USERS" "$1/upsd.users"
    else
        cat > "$1/upsd.users" <<'EOF'
[admin]
  password = mypass
  actions = SET
  instcmds = ALL
[dummy-admin]
  password = P@ssW0rdAdm
  upsmon primary
[dummy-user]
  password = P@ssW0rd
  upsmon secondary
[reader]
  password = public
[tester]
  password = testpass
  instcmds = test.panel.start
EOF
    fi
    chmod 600 "$1/upsd.users" "$1/upsd.conf"
}

# fixture_wait_ready PORT PID LOG: until "GET VAR dummy ups.status" gives a value other than WAIT (10 s)
fixture_wait_ready() {
    i=0
    until printf 'GET VAR dummy ups.status\n' | socat -t 1 - "TCP:127.0.0.1:$1" 2>/dev/null |
            grep '^VAR dummy ups.status ' | grep -qv '"WAIT"'; do
        i=$((i + 1))
        if [ $i -ge 200 ] || ! kill -0 "$2" 2>/dev/null; then
            echo "fixture: server on port $1 not ready" >&2
            cat "$3" >&2
            exit 1
        fi
        sleep 0.05
    done
}
