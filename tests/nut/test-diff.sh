#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential test: the same request scripts (*.req, replayed by nutreplay.py) against the
# reference upsd 2.8.0 + dummy-ups (with-nut.sh) and against nutd (with-nutd.sh), on the
# same dummy.dev and configuration; transcripts are compared line by line after the
# normalisation rules below, one rule per INTENDED difference. Anything else that differs
# is a nutd bug.
#
#   NUTD=build/src/nutd tests/nut/test-diff.sh                  (TAP on stdout)
#   NUTD=... tests/nut/test-diff.sh --update-expected           (rewrite expected/ from upsd)
#   NUT_DIFF_KEEP=1 ...                                          (keep the transcripts; path printed)
#
# expected/NN-name.out are upsd 2.8.0's normalised transcripts. When upsd can run (root,
# nut-server installed) the live upsd transcript is checked against them too, and nutd is
# compared with the live upsd; otherwise nutd is compared with expected/ alone.
# NUTD_ONLY scripts cover what the reference gets wrong or cannot do (see each file's
# header); they run in a second nutd with one more UPS, [cmds] (cmds-ups.conf, cmds.dev),
# and nutd's normalised transcript must equal expected/<name>.out, written from
# NUT-REFERENCE.md.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
DIFF_REQS="01-basic 02-driver-absent 03-login 04-logout 05-types 05-desc 05-list-get 06-set 07-tracking 08-parse 09-fsd 10-stale"
NUTD_ONLY="11-escape 12-pipeline 13-instcmd"
UPDATE=0
[ "${1:-}" = "--update-expected" ] && UPDATE=1

T=$(mktemp -d /tmp/nutdiff.XXXXXX)
if [ -n "${NUT_DIFF_KEEP:-}" ]; then echo "# transcripts kept in $T"; else trap 'rm -rf "$T"' EXIT; fi
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------
# Intended differences: rule SERVER SED-EXPRESSION (sed -E) REASON.
# SERVER is the side whose transcript is rewritten (upsd, nutd or both).
rule() {
    case "$1" in
    upsd | nutd) printf '%s\n' "$2" >> "$T/rules.$1.sed" ;;
    both) printf '%s\n' "$2" >> "$T/rules.upsd.sed"; printf '%s\n' "$2" >> "$T/rules.nutd.sed" ;;
    esac
}
: > "$T/rules.upsd.sed"; : > "$T/rules.nutd.sed"

# 1. VER and server.info name the server that answers: upsd 2.8.0's own text, and nutd's
#    "Network UPS Tools upsd (nutd <version>) - https://www.networkupstools.org/" (it keeps
#    upsd's prefix, which NIT and some clients look for).
UPSD_INFO='Network UPS Tools upsd 2\.8\.0 - http://www\.networkupstools\.org/'
NUTD_INFO='Network UPS Tools upsd \(nutd [0-9][0-9a-z.~+-]*\) - https://www\.networkupstools\.org/'
rule upsd "s#^< $UPSD_INFO\$#< <server-info>#"
rule nutd "s#^< $NUTD_INFO\$#< <server-info>#"
rule upsd "s#^(< VAR [^ ]+ server\\.info )\"$UPSD_INFO\"\$#\\1\"<server-info>\"#"
rule nutd "s#^(< VAR [^ ]+ server\\.info )\"$NUTD_INFO\"\$#\\1\"<server-info>\"#"
# 2. server.version: "2.8.0" vs "nutd <version>".
rule upsd 's#^(< VAR [^ ]+ server\.version )"2\.8\.0"$#\1"<server-version>"#'
rule nutd 's#^(< VAR [^ ]+ server\.version )"nutd [0-9][0-9a-z.~+-]*"$#\1"<server-version>"#'
# 3. Tracking ids are random: any upper-case UUIDv4 (the only form upscmd/upsrw accept) is
#    equal. A malformed id stays as it is and shows up as a difference.
rule both 's#^< OK TRACKING [0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$#< OK TRACKING <uuid>#'
# 4. A parse error (unescaped # inside quotes) gets no answer from upsd; nutd answers
#    ERR INVALID-ARGUMENT so that a client stays in step (one answer per request line).
rule nutd '/^>! /{n;s/^< ERR INVALID-ARGUMENT$/< (no reply)/}'
# 5. HELP: nutd sends the current upstream text, which advertises PROTVER (accepted by
#    upsd 2.8.0 too, but its HELP predates the alias).
rule upsd 's#^< Commands: HELP VER GET LIST #< Commands: HELP VER PROTVER GET LIST #'
# 6. Driver identity: nutd's built-in dummy-ups is not NUT's dummy-ups 2.8.0 process, so
#    driver.version / driver.version.internal differ, and NUT's driver-core defaults
#    driver.parameter.{mode,pollinterval,synchronous} (parameters of a separate driver
#    process) do not exist in nutd.
rule upsd 's#^(< (VAR|RW) [^ ]+ driver\.version )"2\.8\.0"$#\1"<driver-version>"#'
rule nutd 's#^(< (VAR|RW) [^ ]+ driver\.version )"[0-9][0-9a-z.~+-]*"$#\1"<driver-version>"#'
rule both 's#^(< (VAR|RW) [^ ]+ driver\.version\.internal )"[0-9][0-9.]*"$#\1"<driver-version>"#'
rule upsd '/^< (VAR|RW) [^ ]+ driver\.parameter\.(mode|pollinterval|synchronous) /d'
# 7. dummy-ups 2.8.0 announces the instant command load.off but cannot run it (its
#    instcmd handler answers "unknown"); nutd's dummy-ups announces no commands.
rule upsd '/^< CMD [^ ]+ load\.off$/d'
# 9. GET DESC / GET CMDDESC: nutd's descriptions are its own words (src/shared/nut-names-table.c,
#    as the issue asks), not NUT's cmdvartab, and it knows more names. Whether there is a
#    description at all is not compared either; that there is an answer of the right shape is.
rule both 's#^(< (DESC|CMDDESC) [^ ]+ [^ ]+ )"[^"]*"$#\1"<description>"#'
# 10. dummy-ups variable types: NUT's dummy-ups has its own small table (ups.id and
#    ups.firmware STRING:16, ups.timer.shutdown and ups.realpower.nominal STRING:32); nutd's
#    types loaded variables from the RFC 9271 names (NUMBER for numeric ones, else STRING:32),
#    so a 17-character ups.firmware is accepted.
rule upsd 's#^(< TYPE [^ ]+ ups\.(id|firmware) RW) STRING:16$#\1 STRING:32#'
rule upsd 's#^(< TYPE [^ ]+ ups\.(timer\.shutdown|realpower\.nominal) RW) STRING:32$#\1 NUMBER#'
rule upsd '/^> SET VAR [^ ]+ ups\.firmware 12345678901234567$/{n;s/^< ERR TOO-LONG$/< OK TRACKING <uuid>/}'
# 8. LIST UPS: upsd lists ups.conf order, nutd case-insensitive name order (extra-ups.conf
#    puts [Alpha] last): the upsd list is sorted before comparing (awk below).
# Not comparable with upsd 2.8.0 at all, so tested against expected/ only (NUTD_ONLY):
# 9. 11-escape: upsd 2.8.0 forwards SET values to the driver without escaping them ("a\\b"
#    is stored as "ab", "a\"b" as "a" and the stray quote eats the next SET; a value of two
#    unquoted words also loses the next SET). nutd: NUT-REFERENCE §12 44/45.
# 10. 12-pipeline: a parse error in a pipelined read makes upsd drop the rest of that read
#    silently; an unbalanced quote makes upsd swallow the following lines. nutd answers
#    ERR INVALID-ARGUMENT for the bad line and goes on with the next one (rule 4).

normalise() {   # normalise SERVER IN OUT
    sed -E -f "$T/rules.$1.sed" "$2" > "$3.tmp"
    if [ "$1" = upsd ]; then
        awk 'function flush(   i, j, t) {
                 for (i = 2; i <= n; i++) for (j = i; j > 1 && tolower(b[j-1]) > tolower(b[j]); j--) { t = b[j]; b[j] = b[j-1]; b[j-1] = t }
                 for (i = 1; i <= n; i++) print b[i]; n = 0 }
             /^< BEGIN LIST UPS$/ { print; inl = 1; next }
             inl && /^< END LIST UPS$/ { flush(); inl = 0; print; next }
             inl { b[++n] = $0; next }
             { print }' "$3.tmp" > "$3"
    else
        mv "$3.tmp" "$3"
    fi
    rm -f "$3.tmp"
}
# ---------------------------------------------------------------------------------------

export NUT_OUT_LOG="$T/nutd-only.nutd.log"
FIX="--upsd-conf $HERE/maxage.conf --ups-conf $HERE/extra-ups.conf $HERE/dummy.dev"
reqs() { for r in "$@"; do printf '%s ' "$HERE/$r.req"; done; }

have_upsd=0
if [ "$(id -u)" = 0 ] && [ -x /lib/nut/upsd ] && [ -x /lib/nut/dummy-ups ]; then
    have_upsd=1
    # shellcheck disable=SC2046,SC2086
    "$HERE/with-nut.sh" $FIX "$HERE/nutreplay.py" "$T/upsd" $(reqs $DIFF_REQS) > "$T/upsd.log" 2>&1 &
    upsd_job=$!
fi
if [ $UPDATE = 0 ]; then
    # shellcheck disable=SC2046,SC2086
    "$HERE/with-nutd.sh" $FIX "$HERE/nutreplay.py" "$T/nutd" $(reqs $DIFF_REQS) > "$T/nutd.log" 2>&1 &
    nutd_job=$!
    # shellcheck disable=SC2046,SC2086
    "$HERE/with-nutd.sh" --ups-conf "$HERE/cmds-ups.conf" --file "$HERE/cmds.dev" $FIX sh -c \
        '"$0" "$@"; rc=$?; cp "$NUTD_LOG" "$NUT_OUT_LOG"; exit $rc' "$HERE/nutreplay.py" "$T/nutd" $(reqs $NUTD_ONLY) \
        > "$T/nutd-only.log" 2>&1 &
    nutd_only_job=$!
fi

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
show() { sed 's/^/# /' "$1" | head -n "${2:-80}"; }

upsd_rc=1
if [ $have_upsd = 1 ]; then
    wait $upsd_job; upsd_rc=$?
    if [ $upsd_rc = 0 ]; then ok "reference upsd 2.8.0 + dummy-ups ran every script"
    else notok "reference upsd 2.8.0 + dummy-ups ran every script (status $upsd_rc)"; show "$T/upsd.log"; fi
fi
if [ $UPDATE = 1 ]; then
    [ $upsd_rc = 0 ] || { echo "Bail out! no upsd transcripts to update from"; exit 1; }
    mkdir -p "$HERE/expected"
    for r in $DIFF_REQS; do normalise upsd "$T/upsd/$r.out" "$HERE/expected/$r.out"; done
    echo "# expected/ rewritten from upsd"; echo "1..$n"; exit 0
fi
wait $nutd_job; nutd_rc=$?
if [ $nutd_rc = 0 ]; then ok "nutd ran every script and exited cleanly"
else notok "nutd ran every script and exited cleanly (status $nutd_rc)"; show "$T/nutd.log" 200; fi
wait $nutd_only_job; nutd_rc=$?
if [ $nutd_rc = 0 ]; then ok "nutd (with UPS cmds) ran the nutd-only scripts and exited cleanly"
else notok "nutd (with UPS cmds) ran the nutd-only scripts and exited cleanly (status $nutd_rc)"; show "$T/nutd-only.log" 200; fi

for r in $DIFF_REQS; do
    exp="$HERE/expected/$r.out"
    if [ $upsd_rc = 0 ]; then
        normalise upsd "$T/upsd/$r.out" "$T/$r.upsd"
        if diff -u "$exp" "$T/$r.upsd" > "$T/$r.refdiff"; then ok "$r: upsd 2.8.0 still answers as recorded in expected/"
        else notok "$r: upsd 2.8.0 still answers as recorded in expected/"; show "$T/$r.refdiff"; fi
        exp="$T/$r.upsd"
    fi
    if [ ! -f "$T/nutd/$r.out" ]; then notok "$r: nutd answers as upsd 2.8.0 (no transcript)"; continue; fi
    normalise nutd "$T/nutd/$r.out" "$T/$r.nutd"
    if diff -u --label "upsd-2.8.0/$r" --label "nutd/$r" "$exp" "$T/$r.nutd" > "$T/$r.diff"; then
        ok "$r: nutd answers as upsd 2.8.0"
    else
        notok "$r: nutd answers as upsd 2.8.0"; show "$T/$r.diff"
    fi
done
for r in $NUTD_ONLY; do
    if [ ! -f "$T/nutd/$r.out" ]; then notok "$r: nutd answers as expected/$r.out (no transcript)"; continue; fi
    normalise nutd "$T/nutd/$r.out" "$T/$r.nutd"
    if diff -u --label "expected/$r" --label "nutd/$r" "$HERE/expected/$r.out" "$T/$r.nutd" > "$T/$r.diff"; then
        ok "$r: nutd answers as expected/$r.out"
    else
        notok "$r: nutd answers as expected/$r.out"; show "$T/$r.diff"
    fi
done
if grep -q 'cmds: instant command load.off.delay 120$' "$NUT_OUT_LOG" 2>/dev/null; then
    ok "13-instcmd: the driver got INSTCMD load.off.delay with its parameter 120"
else
    notok "13-instcmd: the driver got INSTCMD load.off.delay with its parameter 120"; show "$NUT_OUT_LOG"
fi
echo "1..$n"
[ $failed = 0 ]
