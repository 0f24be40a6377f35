#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every real NUT dump in shared/data/ddl, loaded by one nutd as a dummy-ups device each, must
come out of D-Bus GetVariables exactly as the file has it (driver.* aside).

The expected values come from an oracle written here, independently of nutd's parser, from
the rules in shared/data/README.md. Needs the private bus fixture (DBUS_SYSTEM_BUS_ADDRESS).

    test-ddl-dbus.py DDL_DIR [--count N] [--measure]

--count N repeats the dumps to N devices; --measure prints nutd's resident memory and idle CPU.
"""
import argparse
import codecs
import os
import re
import subprocess
import sys
import tempfile
import time

import dbus

VAR_LINE = re.compile(rb'^[ \t]*([A-Za-z0-9_-][A-Za-z0-9._-]*):([ \t].*)?$')
ANNOTATION = re.compile(rb'[ \t]+#(BAD|COMMENT).*$')


def latin1_fallback(err):
    """What nutd sends for bytes that are not UTF-8: each byte read as Latin-1."""
    bad = err.object[err.start:err.end]
    return (''.join(chr(b) for b in bad), err.end)


codecs.register_error('latin1-fallback', latin1_fallback)


def oracle(path):
    """The variables of a .dev file: {lowercase name: (name, value)}; the last line wins."""
    out = {}
    with open(path, 'rb') as f:
        for raw in f.read().split(b'\n'):
            if raw.endswith(b'\r'):
                raw = raw[:-1]
            m = VAR_LINE.match(raw)
            if not m or raw.lstrip().startswith(b'#'):
                continue
            name, rest = m.group(1), m.group(2) or b''
            rest = ANNOTATION.sub(b'', rest)
            if rest.startswith(b' '):
                rest = rest[1:]
            if name.startswith(b'driver.'):
                continue
            key = name.decode().lower()
            first = out.get(key, (name.decode(), None))[0]
            out[key] = (first, rest.decode('utf-8', 'latin1-fallback'))
    return out


def nut_quote(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('#', '\\#') + '"'


def wait_for(cond, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    sys.exit('timed out waiting for ' + what)


def proc_stat(pid):
    with open('/proc/%d/status' % pid) as f:
        rss = next(int(l.split()[1]) for l in f if l.startswith('VmRSS:'))
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return rss, ticks / os.sysconf('SC_CLK_TCK')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('ddl')
    ap.add_argument('--count', type=int, default=0)
    ap.add_argument('--measure', action='store_true')
    args = ap.parse_args()

    if not os.path.isdir(args.ddl) or 'DBUS_SYSTEM_BUS_ADDRESS' not in os.environ:
        print('1..0 # SKIP needs the ddl data and the private bus')
        return 77
    args.ddl = os.path.abspath(args.ddl)
    dumps = sorted(os.path.join(d, f) for d, _, fs in os.walk(args.ddl) for f in fs if f.endswith('.dev'))
    count = args.count or len(dumps)
    devices = [('d%04d' % i, dumps[i % len(dumps)]) for i in range(count)]

    tmp = tempfile.mkdtemp(prefix='nutd-ddl-')
    with open(os.path.join(tmp, 'ups.conf'), 'w') as f:
        for name, path in devices:
            f.write('[%s]\n\tdriver = dummy-ups\n\tport = %s\n' % (name, nut_quote(path)))

    bus = dbus.SystemBus()
    t0 = time.monotonic()
    nutd = subprocess.Popen([os.environ['NUTD'], '--config-dir', tmp, '--log-level', 'err'])
    try:
        wait_for(lambda: bus.name_has_owner('org.nutd.Power1'), 30, 'org.nutd.Power1')

        def connected(name):
            obj = bus.get_object('org.nutd.Power1', '/org/nutd/Power1/device/' + name)
            return obj.Get('org.nutd.Power1.Device', 'Connection',
                           dbus_interface='org.freedesktop.DBus.Properties') == 'connected'

        wait_for(lambda: connected(devices[-1][0]), 60, 'the last device (%s, nutd exit %s)' % (devices[-1][0], nutd.poll()))
        startup = time.monotonic() - t0

        passed = failed = 0
        for i, (name, path) in enumerate(devices):
            obj = bus.get_object('org.nutd.Power1', '/org/nutd/Power1/device/' + name)
            got = obj.GetVariables(dbus_interface='org.nutd.Power1.Device')
            got = {str(k).lower(): (str(k), str(v)) for k, v in got.items() if not str(k).startswith('driver.')}
            want = oracle(path)
            rel = os.path.relpath(path, args.ddl)
            if got == want and len(want) > 0:
                passed += 1
                if i < len(dumps):
                    print('ok %d - %s (%d variables)' % (i + 1, rel, len(want)))
                continue
            failed += 1
            print('not ok %d - %s' % (i + 1, rel))
            for k in sorted(set(got) | set(want)):
                if got.get(k) != want.get(k):
                    print('#   %s: nutd %r, file %r' % (k, got.get(k), want.get(k)))
        print('1..%d' % min(count, len(dumps)) if count <= len(dumps) else '1..%d' % len(dumps))

        if args.measure:
            busctl = subprocess.run(['busctl', '--system', 'tree', 'org.nutd.Power1', '--list'],
                                    capture_output=True, text=True, check=True)
            objects = sum(1 for l in busctl.stdout.splitlines() if '/device/' in l)
            rss0, cpu0 = proc_stat(nutd.pid)
            time.sleep(10)
            rss1, cpu1 = proc_stat(nutd.pid)
            print('# %d devices: start-up to last device connected %.2f s; busctl tree lists %d device objects'
                  % (count, startup, objects))
            print('# resident memory %.1f MiB; idle CPU %.2f %% over 10 s' % (rss1 / 1024, (cpu1 - cpu0) * 10))
        print('# %d passed, %d failed' % (passed, failed))
        print('%d passed, %d failed' % (passed, failed))
        return 1 if failed else 0
    finally:
        nutd.terminate()
        nutd.wait(10)
        subprocess.run(['rm', '-rf', tmp])


if __name__ == '__main__':
    sys.exit(main())
