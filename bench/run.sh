#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: nutd's NUT server against Debian's upsd (dummy-ups) on the same device data, on
# loopback, with nutload (closed loop). Prints a Markdown table on stdout, progress on stderr.
#   bench/run.sh [--quick] [--duration S] [--warmup S] [--repeat N] [--conns "1 16 64 256"] [--only-upsd|--only-nutd]
# Runs as root (upsd and dummy-ups are started with -u root). Everything it starts is stopped by
# PID on exit. Not part of the test suite.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$HERE")
BUILD=${BUILD:-$TOP/build}
DEV="$HERE/data/Eaton__3S_550__usbhid-ups__2.6.5__01.dev"
NUT_LIBEXEC=${NUT_LIBEXEC:-/lib/nut}
DURATION=5 WARMUP=1 REPEAT=1 CONNS="1 16 64 256" SERVERS="upsd nutd"
REQUESTS=("GET VAR dummy ups.status" "LIST VAR dummy")

usage() {
        sed -n '3,5s/^# \{0,1\}//p' "$0"
        exit "${1:-0}"
}

while [ $# -gt 0 ]; do
        case $1 in
        --quick) DURATION=2 WARMUP=0.5 ;;
        --duration) DURATION=$2; shift ;;
        --warmup) WARMUP=$2; shift ;;
        --repeat) REPEAT=$2; shift ;;
        --conns) CONNS=$2; shift ;;
        --only-upsd) SERVERS=upsd ;;
        --only-nutd) SERVERS=nutd ;;
        -h|--help) usage ;;
        *) echo "run.sh: unknown argument $1" >&2; usage 1 >&2 ;;
        esac
        shift
done

log() { printf '%s\n' "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }
has() { case " $SERVERS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

[ "$(id -u)" = 0 ] || die "run as root: Debian's upsd and dummy-ups are started with -u root"
if has upsd && { [ ! -x "$NUT_LIBEXEC/upsd" ] || [ ! -x "$NUT_LIBEXEC/dummy-ups" ]; }; then
        die "$NUT_LIBEXEC/upsd or dummy-ups missing (apt-get install nut-server)"
fi

T=$(mktemp -d /tmp/nutbench.XXXXXX)
PIDS=""
cleanup() {
        for p in $PIDS; do kill "$p" 2>/dev/null || true; done
        for p in $PIDS; do wait "$p" 2>/dev/null || true; done
        rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# nutload: the meson-built one if bench/ is hooked into the build, else compiled here.
build_tools() {
        NUTLOAD=$BUILD/bench/nutload
        if [ ! -x "$NUTLOAD" ] || [ "$HERE/nutload.c" -nt "$NUTLOAD" ]; then
                NUTLOAD=$T/nutload
                ${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE \
                        -I"$TOP/src/shared" -o "$NUTLOAD" "$HERE/nutload.c" -lm ||
                        die "cannot build nutload"
        fi
        if has nutd; then
                [ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$TOP" >&2 || die "meson setup failed"
                ninja -C "$BUILD" src/nutd >&2 || die "building nutd failed"
        fi
}

# Two distinct free loopback ports.
free_ports() {
        /usr/bin/python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))'
}

# The first reply line to GET VAR dummy ups.status on port $1, or nothing.
ups_status() {
        local fd line=""
        { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
        { printf 'GET VAR dummy ups.status\n' >&"$fd"; } 2>/dev/null || true
        IFS= read -r -t 1 line <&"$fd" || true
        exec {fd}>&-
        printf '%s\n' "${line%$'\r'}"
}

# Ready = the server answers and the driver has delivered data (ups.status is not WAIT).
wait_ready() {
        local name=$1 port=$2 logfile=$3 line i
        for ((i = 0; i < 200; i++)); do
                line=$(ups_status "$port")
                case $line in
                "VAR dummy ups.status "*WAIT*) ;;
                "VAR dummy ups.status "*) log "$name ready on port $port: $line"; return 0 ;;
                esac
                sleep 0.05
        done
        log "$name did not answer GET VAR dummy ups.status on port $port within 10 s; log:"
        cat "$logfile" >&2
        exit 1
}

start_upsd() {
        local d=$T/upsd
        mkdir -p "$d/etc" "$d/state"
        chmod 700 "$d/state"
        cp "$DEV" "$d/etc/bench.dev"
        printf 'MODE=standalone\n' > "$d/etc/nut.conf"
        printf '[dummy]\n  driver = dummy-ups\n  port = bench.dev\n  desc = "bench"\n' > "$d/etc/ups.conf"
        printf 'LISTEN 127.0.0.1 %s\n' "$UPSD_PORT" > "$d/etc/upsd.conf"
        printf '[admin]\n  password = adminpass\n  actions = SET\n' > "$d/etc/upsd.users"
        chmod 600 "$d/etc/upsd.users" "$d/etc/upsd.conf"
        export NUT_CONFPATH=$d/etc NUT_STATEPATH=$d/state NUT_ALTPIDPATH=$d/state
        "$NUT_LIBEXEC/dummy-ups" -a dummy -u root -F > "$d/driver.log" 2>&1 &
        PIDS="$! $PIDS"
        local i=0
        until [ -S "$d/state/dummy-ups-dummy" ]; do
                i=$((i + 1)); [ $i -lt 200 ] || { cat "$d/driver.log" >&2; die "dummy-ups did not start"; }
                sleep 0.05
        done
        "$NUT_LIBEXEC/upsd" -u root -F > "$d/upsd.log" 2>&1 &
        PIDS="$! $PIDS"
        unset NUT_CONFPATH NUT_STATEPATH NUT_ALTPIDPATH
        wait_ready upsd "$UPSD_PORT" "$d/upsd.log"
}

start_nutd() {
        local d=$T/nutd
        mkdir -p "$d"
        cp "$DEV" "$d/bench.dev"
        printf 'DBUS no\n' > "$d/nutd.conf"
        printf '[dummy]\n  driver = dummy-ups\n  port = bench.dev\n  desc = "bench"\n' > "$d/ups.conf"
        printf 'LISTEN 127.0.0.1 %s\n' "$NUTD_PORT" > "$d/upsd.conf"
        "$BUILD/src/nutd" --config-dir "$d" > "$T/nutd.log" 2>&1 &
        PIDS="$! $PIDS"
        wait_ready nutd "$NUTD_PORT" "$T/nutd.log"
}

# result FILE KEY: one field of nutload's JSON line (flat object, numbers or null).
result() {
        sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" "$1" 2>/dev/null
}

# One cell: server $1, request index $2, $3 connections, repetition $4.
run_cell() {
        local port=$UPSD_PORT out=$T/run-$1-$2-$3-$4.json
        [ "$1" = nutd ] && port=$NUTD_PORT
        log "$1: ${REQUESTS[$2]} x $3 connections, ${DURATION}s (run $4 of $REPEAT)"
        "$NUTLOAD" -j -p "$port" -c "$3" -d "$DURATION" -w "$WARMUP" -r "${REQUESTS[$2]}" > "$out" ||
                log "  (nutload exit $?)"
        log "  $(cat "$out")"
}

# With --repeat N the servers take turns, and each cell keeps its run with the median req/s.
run_matrix() {
        local r c s k
        for r in "${!REQUESTS[@]}"; do
                for c in $CONNS; do
                        for ((k = 1; k <= REPEAT; k++)); do
                                for s in $SERVERS; do run_cell "$s" "$r" "$c" "$k"; done
                        done
                        for s in $SERVERS; do pick_median "$s-$r-$c"; done
                done
        done
}

pick_median() {
        local f median
        median=$(for f in "$T"/run-"$1"-*.json; do printf '%s %s\n' "$(result "$f" rps)" "$f"; done |
                sort -g | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }')
        [ -n "$median" ] && cp "$median" "$T/result-$1.json"
}

fmt_ms() {
        awk -v v="$1" 'BEGIN { if (v == "" || v == "null") print "—";
                else if (v < 1) printf "%.3f", v; else if (v < 10) printf "%.2f", v; else printf "%.1f", v }'
}

fmt_rps() {
        awk -v v="$1" 'BEGIN { if (v == "") print "—"; else if (v < 100) printf "%.1f", v; else printf "%.0f", v }'
}

fmt_ratio() {
        awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == 0) print "—";
                else if (b / a < 10) printf "%.2f×", b / a; else printf "%.0f×", b / a }'
}

# Variables each server lists for the device (LIST VAR reply lines minus BEGIN/END).
var_count() {
        local n
        n=$(result "$T/result-$1-1-${CONNS%% *}.json" reply_lines)
        [ -n "$n" ] && awk -v n="$n" 'BEGIN { printf "%d", n - 2 }' || echo "?"
}

print_header() {
        local cpu
        cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
        echo "nutd vs upsd, closed loop on loopback ($(date -u +%Y-%m-%d))"
        echo
        echo "- machine: ${cpu:-unknown CPU}, $(nproc) cores, Linux $(uname -r)." \
                "nutload (one thread) and the server share these cores."
        has upsd && echo "- upsd: Debian nut-server $(dpkg-query -W -f='${Version}' nut-server 2>/dev/null || echo '?')" \
                "with dummy-ups; lists $(var_count upsd) variables."
        has nutd && echo "- nutd: $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?');" \
                "lists $(var_count nutd) variables."
        echo "- device: bench/data/$(basename "$DEV") ($(grep -c '^[a-z]' "$DEV") variables in the file)."
        echo "- each cell: ${DURATION} s measured after ${WARMUP} s warm-up$([ "$REPEAT" -gt 1 ] &&
                echo ", median req/s of $REPEAT runs (servers alternating)"); latency p50 / p99 in ms."
        echo
}

# shellcheck disable=SC2016 # the backquotes are Markdown
print_table() {
        local r c f_u f_n
        print_header
        if [ "$SERVERS" = "upsd nutd" ]; then
                echo "| request | conns | upsd req/s | nutd req/s | nutd/upsd | upsd p50 / p99 | nutd p50 / p99 |"
                echo "|---|---:|---:|---:|---:|---:|---:|"
        else
                echo "| request | conns | $SERVERS req/s | $SERVERS p50 / p99 |"
                echo "|---|---:|---:|---:|"
        fi
        for r in "${!REQUESTS[@]}"; do
                for c in $CONNS; do
                        f_u=$T/result-upsd-$r-$c.json f_n=$T/result-nutd-$r-$c.json
                        if [ "$SERVERS" = "upsd nutd" ]; then
                                printf '| `%s` | %s | %s | %s | %s | %s / %s | %s / %s |\n' "${REQUESTS[$r]}" "$c" \
                                        "$(fmt_rps "$(result "$f_u" rps)")" "$(fmt_rps "$(result "$f_n" rps)")" \
                                        "$(fmt_ratio "$(result "$f_u" rps)" "$(result "$f_n" rps)")" \
                                        "$(fmt_ms "$(result "$f_u" p50_ms)")" "$(fmt_ms "$(result "$f_u" p99_ms)")" \
                                        "$(fmt_ms "$(result "$f_n" p50_ms)")" "$(fmt_ms "$(result "$f_n" p99_ms)")"
                        else
                                f_u=$T/result-$SERVERS-$r-$c.json
                                printf '| `%s` | %s | %s | %s / %s |\n' "${REQUESTS[$r]}" "$c" \
                                        "$(fmt_rps "$(result "$f_u" rps)")" \
                                        "$(fmt_ms "$(result "$f_u" p50_ms)")" "$(fmt_ms "$(result "$f_u" p99_ms)")"
                        fi
                done
        done
        print_errors
        print_client_cpu
}

# nutload near one full core means that cell measures the client as much as the server.
print_client_cpu() {
        local f cpu max=0 where=""
        for f in "$T"/result-*.json; do
                cpu=$(result "$f" client_cpu_pct)
                [ -n "$cpu" ] && [ "$cpu" -gt "$max" ] && max=$cpu where=$(basename "$f" .json)
        done
        echo
        echo "nutload used at most ${max} % of one core (${where#result-})$([ "$max" -ge 90 ] &&
                echo '; cells near 100 % are bounded by the load generator')."
}

# Any ERR reply or dropped connection is listed under the table; a clean run prints nothing.
print_errors() {
        local f e ce first
        for f in "$T"/result-*.json; do
                [ -s "$f" ] || continue
                e=$(result "$f" errors) ce=$(result "$f" conn_errors)
                [ "${e:-0}" = 0 ] && [ "${ce:-0}" = 0 ] && continue
                first=$(sed -n 's/.*"first_error":"\(.*\)"}$/\1/p' "$f")
                echo
                echo "- $(basename "$f" .json): $e ERR replies, $ce connection errors; first: $first"
        done
}

read -r UPSD_PORT NUTD_PORT < <(free_ports)
build_tools
has upsd && start_upsd
has nutd && start_nutd
run_matrix
print_table
