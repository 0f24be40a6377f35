#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""nutctl against a real nutd with two dummy-ups devices on the private system bus.

Run under the fixture, as root (nutd owns org.nutd.Power1 as root; nutctl is also run as
users nobody, daemon and bin):

    NUTD_TEST_BUS_CONF=build/tests/system-bus.conf NUTD=build/src/nutd NUTCTL=build/src/nutctl \\
        tests/with-system-bus.sh tests/test-nutctl.py
    ... tests/with-system-bus.sh --polkitd polkit tests/polkit-rules tests/test-nutctl.py --polkit

Without polkit every change by a user other than root is refused (exit 4). With --polkit the
real polkitd decides by tests/polkit-rules: nobody may set variables and run ordinary
commands, daemon may do nothing, bin gets the .policy default (a password it cannot give).

TAP on stdout. Exit 77 (skip) without DBUS_SYSTEM_BUS_ADDRESS, NUTD or NUTCTL, or when not
root.
"""
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

USERS = {'nobody': 65534, 'daemon': 1, 'bin': 2}

UPS1_DEV = (b'battery.charge: 100\n'
            b'battery.runtime: 2400\n'
            b'battery.voltage: 27.3\n'
            b'device.mfr: Eaton\n'
            b'device.model: 5E 1500i\n'
            b'device.description: "quoted" back\\slash\ttab \xc3\xbc\n'
            b'device.location: caf\xe9\n'          # not UTF-8: nutd sends it as Latin-1
            b'input.voltage: 230.0\n'
            b'ups.delay.shutdown: 20\n'
            b'ups.load: 23\n'
            b'ups.status: OL CHRG\n'
            b'CMD test.battery.start.quick\n'
            b'CMD beeper.toggle\n')

UPS2_DEV = (b'battery.charge: 35\n'
            b'battery.runtime: 3900\n'
            b'ups.load: 61.5\n'
            b'ups.status: OB DISCHRG LB\n')


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        print('%s %d - %s' % ('ok' if cond else 'not ok', self.n, name))
        if not cond:
            self.failed += 1
            for line in str(diag or '').splitlines():
                print('# ' + line)
        sys.stdout.flush()
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, 'got:  %r\nwant: %r' % (got, want))


def skip(why):
    print('1..0 # SKIP ' + why)
    sys.exit(77)


def nutctl(*args, user=None, timeout=15):
    cmd = [os.environ['NUTCTL']] + list(args)
    if user:
        cmd = ['setpriv', '--reuid=%d' % USERS[user], '--regid=%d' % USERS[user], '--clear-groups'] + cmd
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def write_dev(path, data):
    """Replace the file at once, as an editor does: write a temporary file, rename it."""
    with open(path + '.tmp', 'wb') as f:
        f.write(data)
    os.rename(path + '.tmp', path)


def make_config(d):
    with open(os.path.join(d, 'nutd.conf'), 'w'):
        pass
    with open(os.path.join(d, 'upsd.conf'), 'w') as f:
        f.write('LISTEN 127.0.0.1 %d\n' % free_port())
    with open(os.path.join(d, 'ups.conf'), 'w') as f:
        f.write('[ups1]\n\tdriver = dummy-ups\n\tport = ups1.dev\n\tdesc = "Rack UPS"\n'
                '[ups2]\n\tdriver = dummy-ups\n\tport = ups2.dev\n')
    write_dev(os.path.join(d, 'ups1.dev'), UPS1_DEV)
    write_dev(os.path.join(d, 'ups2.dev'), UPS2_DEV)


def wait_ready(timeout=10):
    """Until both devices are connected with the data of their files."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r = nutctl('list', '--json')
        if r.returncode == 0:
            devs = {d['name']: d for d in json.loads(r.stdout)}
            if all(devs.get(n, {}).get('connection') == 'connected' and devs[n]['status']
                   for n in ('ups1', 'ups2')):
                return True
        time.sleep(0.05)
    return False


class LineReader:
    """Lines of a child's stdout, with a deadline per read."""

    def __init__(self, proc):
        self.proc = proc
        self.buf = b''

    def readline(self, timeout):
        end = time.monotonic() + timeout
        while b'\n' not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return line.decode()


def start_monitor(*args):
    p = subprocess.Popen([os.environ['NUTCTL'], 'monitor'] + list(args), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p, LineReader(p)


def stop_monitor(p):
    p.send_signal(signal.SIGTERM)
    try:
        return p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return None


def wait_for_line(reader, pred, timeout):
    """Reads lines until pred(line) holds; returns (line or None, all lines read)."""
    seen = []
    end = time.monotonic() + timeout
    while True:
        line = reader.readline(max(0, end - time.monotonic()))
        if line is None:
            return None, seen
        seen.append(line)
        if pred(line):
            return line, seen


def test_cli(t):
    r = nutctl('--version')
    t.ok(r.returncode == 0 and r.stdout.startswith(b'nutctl '), '--version')
    r = nutctl('--help')
    t.ok(r.returncode == 0 and b'Exit status' in r.stdout and b'monitor' in r.stdout, '--help')
    for args in (['get', 'ups1'], ['frobnicate'], ['--bogus'], ['set', 'ups1', 'x', '1', '--json'],
                 ['list', 'extra'], ['--json=yaml', 'list']):
        r = nutctl(*args)
        t.ok(r.returncode == 2 and r.stderr.startswith(b'nutctl: '), 'usage error exits 2: %s' % ' '.join(args),
             r)


def test_list(t):
    r = nutctl('list')
    t.eq(r.returncode, 0, 'list succeeds')
    lines = r.stdout.decode().splitlines()
    t.ok(len(lines) == 3 and lines[0].split() == ['NAME', 'STATUS', 'CHARGE', 'RUNTIME', 'LOAD'],
         'list: header and one line per device', r.stdout.decode())
    rows = {l.split()[0]: l for l in lines[1:]}
    ups1, ups2 = rows.get('ups1', ''), rows.get('ups2', '')
    t.ok('online, charging' in ups1 and '100%' in ups1 and '40 min' in ups1 and '23%' in ups1,
         'list: ups1 in words', ups1)
    t.ok('on battery, discharging, low battery' in ups2 and '35%' in ups2 and '1 h 5 min' in ups2
         and '61.5%' in ups2, 'list: ups2 in words', ups2)
    col = lines[0].index('STATUS')
    t.ok(all(l[col - 2:col] == '  ' and l[col] != ' ' for l in lines[1:]), 'list: columns aligned', r.stdout)
    t.ok('\033' not in r.stdout.decode(), 'list: no colour when stdout is not a terminal')
    t.eq(nutctl().stdout, r.stdout, 'nutctl without a command lists')
    r = nutctl('list', '--no-legend')
    t.ok(len(r.stdout.splitlines()) == 2 and not r.stdout.startswith(b'NAME'), 'list --no-legend')

    r = nutctl('list', '--json')
    devs = json.loads(r.stdout)
    t.ok(r.returncode == 0 and len(r.stdout.splitlines()) == 1, 'list --json: one line')
    t.eq([d['name'] for d in devs], ['ups1', 'ups2'], 'list --json: devices by name')
    d = devs[0]
    t.eq((d['connection'], d['status'], d['charge'], d['runtime'], d['load'], d['description'], d['state']),
         ('connected', ['OL', 'CHRG'], 100, 2400, 23, 'Rack UPS', 'online, charging'), 'list --json: ups1')
    t.eq(sorted(d['commands']), ['beeper.toggle', 'test.battery.start.quick'], 'list --json: commands')
    t.eq(json.loads(nutctl('list', '--json=pretty').stdout), devs, 'list --json=pretty is the same data')


def test_status(t):
    r = nutctl('status', 'ups1')
    out = r.stdout.decode()
    t.eq(r.returncode, 0, 'status succeeds')
    t.ok(out.startswith('ups1 - Rack UPS\n') and 'Status: online, charging' in out and 'Runtime: 40 min' in out,
         'status: summary at the top', out)
    lines = out.splitlines()
    t.ok('battery' in lines and 'ups' in lines and 'device' in lines and
         lines.index('battery') < lines.index('device') < lines.index('ups'), 'status: groups with headings', out)
    t.ok(any(l.split() == ['battery.charge', '100'] for l in lines), 'status: variables listed', out)
    t.ok(any(l.split() == ['ups.status', 'OL', 'CHRG'] for l in lines[lines.index('ups'):]),
         'status: variable under its group', out)
    t.ok('\\ttab' in out and '\t' not in out, 'status: control characters escaped in text', out)

    r = nutctl('status', 'ups1', '--json')
    s = json.loads(r.stdout)
    t.eq((s['name'], s['status'], s['state']), ('ups1', ['OL', 'CHRG'], 'online, charging'),
         'status --json: properties')
    t.eq(s['variables'].get('device.description'), '"quoted" back\\slash\ttab \u00fc',
         'status --json: quotes, backslash, tab and UTF-8 escaped and read back')
    t.eq(s['variables'].get('device.location'), 'caf\u00e9', 'status --json: Latin-1 byte as U+00E9')
    t.eq(s['variables'].get('battery.voltage'), '27.3', 'status --json: variables')


def test_get_set_cmd(t):
    r = nutctl('get', 'ups1', 'battery.charge')
    t.eq((r.returncode, r.stdout), (0, b'100\n'), 'get')
    r = nutctl('get', 'ups1', 'device.description')
    t.eq(r.stdout, b'"quoted" back\\slash\ttab \xc3\xbc\n', 'get: value as it is when not on a terminal')
    r = nutctl('get', 'ups1', 'battery.charge', '--json')
    t.eq(json.loads(r.stdout), {'device': 'ups1', 'name': 'battery.charge', 'value': '100'}, 'get --json')

    r = nutctl('set', 'ups1', 'ups.delay.shutdown', '40')
    t.eq((r.returncode, r.stderr), (0, b''), 'set as root')
    t.eq(nutctl('get', 'ups1', 'ups.delay.shutdown').stdout, b'40\n', 'get after set')
    r = nutctl('cmd', 'ups1', 'test.battery.start.quick')
    t.eq((r.returncode, r.stderr), (0, b''), 'cmd as root')
    r = nutctl('reload')
    t.eq((r.returncode, r.stderr), (0, b''), 'reload as root')

    r = nutctl('commands', 'ups1', '--json')
    cmds = {c['name']: c['description'] for c in json.loads(r.stdout)}
    t.eq(sorted(cmds), ['beeper.toggle', 'test.battery.start.quick'], 'commands --json')
    t.ok(all(cmds.values()), 'commands --json: with descriptions', cmds)
    r = nutctl('commands', 'ups1')
    t.ok(r.stdout.startswith(b'COMMAND') and b'test.battery.start.quick' in r.stdout, 'commands: table')
    t.eq(json.loads(nutctl('commands', 'ups2', '--json').stdout), [], 'commands --json: none')


def test_errors(t):
    cases = [
        (['status', 'nosuch'], 3, 'nutctl: nosuch: no such device\n'),
        (['get', 'nosuch', 'battery.charge'], 3, 'nutctl: nosuch: no such device\n'),
        (['get', 'ups1', 'battery.chrage'], 3, 'nutctl: ups1: no such variable battery.chrage\n'),
        (['set', 'ups1', 'battery.chrage', '1'], 3, 'nutctl: ups1: no such variable battery.chrage\n'),
        (['cmd', 'ups1', 'no.such.command'], 3, 'nutctl: ups1: no such command no.such.command\n'),
        (['commands', 'nosuch'], 3, 'nutctl: nosuch: no such device\n'),
        (['monitor', 'nosuch'], 3, 'nutctl: nosuch: no such device\n'),
        (['set', 'ups1', 'battery.charge', 'many'], 1, 'nutctl: ups1: value not accepted for battery.charge\n'),
    ]
    for args, status, message in cases:
        r = nutctl(*args)
        t.eq((r.returncode, r.stderr.decode()), (status, message), 'exit %d: %s' % (status, ' '.join(args)))


def test_disconnected(t, confdir):
    """A device whose file is gone is disconnected: get gives no value (as upsd's GET VAR)."""
    path = os.path.join(confdir, 'ups2.dev')
    os.rename(path, path + '.away')
    end = time.monotonic() + 5
    while time.monotonic() < end and b'disconnected' not in nutctl('list').stdout:
        time.sleep(0.05)
    r = nutctl('list')
    t.ok(any(l.split()[:2] == ['ups2', 'disconnected'] for l in r.stdout.decode().splitlines()),
         'list: a disconnected device says so', r.stdout)
    r = nutctl('get', 'ups2', 'battery.charge')
    t.eq((r.returncode, r.stdout, r.stderr),
         (6, b'', b'nutctl: ups2: the driver is not connected to the device (disconnected)\n'),
         'exit 6: get from a disconnected device')
    t.eq(json.loads(nutctl('status', 'ups2', '--json').stdout)['connection'], 'disconnected',
         'status --json: connection')
    os.rename(path + '.away', path)
    t.ok(wait_ready(), 'the device reconnects')


def test_users(t, polkit):
    r = nutctl('list', user='nobody')
    t.ok(r.returncode == 0 and b'ups1' in r.stdout, 'nobody: list works', r)
    r = nutctl('status', 'ups1', '--json', user='nobody')
    t.ok(r.returncode == 0 and json.loads(r.stdout)['name'] == 'ups1', 'nobody: status works', r)
    if not polkit:
        for args in (['set', 'ups1', 'ups.delay.shutdown', '50'], ['cmd', 'ups1', 'test.battery.start.quick'],
                     ['reload']):
            r = nutctl(*args, user='nobody')
            t.ok(r.returncode == 4 and b'access denied' in r.stderr, 'nobody: %s exits 4' % args[0], r)
        t.eq(nutctl('get', 'ups1', 'ups.delay.shutdown').stdout, b'40\n', 'nobody: nothing was changed')
        return
    r = nutctl('set', 'ups1', 'ups.delay.shutdown', '41', user='nobody')
    t.eq((r.returncode, r.stderr), (0, b''), 'polkit: nobody may set')
    t.eq(nutctl('get', 'ups1', 'ups.delay.shutdown').stdout, b'41\n', 'polkit: the value was set')
    r = nutctl('cmd', 'ups1', 'test.battery.start.quick', user='nobody')
    t.eq((r.returncode, r.stderr), (0, b''), 'polkit: nobody may run a command')
    r = nutctl('reload', user='nobody')
    t.ok(r.returncode == 4 and b'authentication required' in r.stderr, 'polkit: nobody may not reload', r)
    r = nutctl('set', 'ups1', 'ups.delay.shutdown', '42', user='daemon')
    t.eq((r.returncode, r.stderr), (4, b'nutctl: ups1: access denied\n'), 'polkit: daemon is refused, exit 4')
    r = nutctl('set', 'ups1', 'ups.delay.shutdown', '43', '--no-ask-password', user='bin')
    t.ok(r.returncode == 4 and b'authentication required' in r.stderr, 'polkit: bin must authenticate, exit 4',
         r)
    t.eq(nutctl('get', 'ups1', 'ups.delay.shutdown').stdout, b'41\n', 'polkit: refused changes did not happen')
    nutctl('set', 'ups1', 'ups.delay.shutdown', '40')


def test_monitor(t, confdir):
    p, reader = start_monitor('ups1', '--json')
    first = reader.readline(5)
    try:
        ev = json.loads(first or '')
    except ValueError:
        ev = {}
    t.eq((ev.get('event'), ev.get('device'), ev.get('properties', {}).get('status')),
         ('state', 'ups1', ['OL', 'CHRG']), 'monitor --json: current state first')

    write_dev(os.path.join(confdir, 'ups2.dev'), UPS2_DEV.replace(b'35', b'34'))     # not watched
    start = time.monotonic()
    write_dev(os.path.join(confdir, 'ups1.dev'), UPS1_DEV.replace(b'OL CHRG', b'OB DISCHRG'))

    def on_battery(line):
        e = json.loads(line)
        return (e.get('event') == 'variables' and e['changed'].get('ups.status') == 'OB DISCHRG') or \
               (e.get('event') == 'properties' and e['changed'].get('status') == ['OB', 'DISCHRG'])

    try:
        line, seen = wait_for_line(reader, on_battery, 1.0)
        parsed = True
    except ValueError as e:
        line, seen, parsed = None, [str(e)], False
    elapsed = time.monotonic() - start
    t.ok(parsed and line is not None, 'monitor --json: OB DISCHRG within 1 s (%.0f ms)' % (elapsed * 1000),
         '\n'.join(seen))
    # both signals of the commit, nothing about ups2
    _, more = wait_for_line(reader, lambda l: False, 0.3)
    events = [json.loads(l) for l in seen + more]
    t.ok(all(e.get('device') == 'ups1' and 'time' in e and 'timestamp' in e for e in events),
         'monitor ups1: only ups1, each line with a timestamp', '\n'.join(seen + more))
    t.ok({'variables', 'properties'} <= {e['event'] for e in events}, 'monitor: VariablesChanged and '
         'PropertiesChanged both shown', '\n'.join(seen + more))
    t.eq(stop_monitor(p), 0, 'monitor: SIGTERM ends it with status 0')

    p, reader = start_monitor()
    wait_for_line(reader, lambda l: l.split()[2:3] == ['ups2:'], 5)      # the state lines
    write_dev(os.path.join(confdir, 'ups2.dev'), UPS2_DEV)
    line, seen = wait_for_line(reader, lambda l: 'ups2: ' in l and 'battery.charge=35' in l, 1.0)
    t.ok(line is not None and line[:4].isdigit(), 'monitor (text): change with a timestamp', '\n'.join(seen))
    stop_monitor(p)


def test_stopped(t, nutd):
    p, reader = start_monitor('--json')
    wait_for_line(reader, lambda l: json.loads(l).get('device') == 'ups2', 5)
    nutd.send_signal(signal.SIGTERM)
    t.eq(nutd.wait(timeout=10), 0, 'nutd stops on SIGTERM')
    line, seen = wait_for_line(reader, lambda l: json.loads(l).get('event') == 'service', 2)
    t.ok(line is not None and json.loads(line)['running'] is False, 'monitor: nutd stopping is shown',
         '\n'.join(seen))
    stop_monitor(p)
    for args in (['list'], ['status', 'ups1'], ['get', 'ups1', 'battery.charge'], ['monitor'],
                 ['set', 'ups1', 'ups.delay.shutdown', '40']):
        r = nutctl(*args)
        t.ok(r.returncode == 5 and b'nutd is not running' in r.stderr, 'nutd not running: %s exits 5' % args[0],
             r)
    r = subprocess.run([os.environ['NUTCTL'], 'list'], capture_output=True, stdin=subprocess.DEVNULL,
                       env=dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS='unix:path=/nonexistent/bus'))
    t.eq(r.returncode, 5, 'no system bus: exit 5')


def main():
    for v in ('DBUS_SYSTEM_BUS_ADDRESS', 'NUTD', 'NUTCTL'):
        if not os.environ.get(v):
            skip(v + ' not set (run under tests/with-system-bus.sh)')
    if os.geteuid() != 0:
        skip('needs root (nutd owns org.nutd.Power1 as root; nutctl also runs as nobody)')
    polkit = '--polkit' in sys.argv[1:]
    if polkit and subprocess.run(['busctl', '--system', 'status', 'org.freedesktop.PolicyKit1'],
                                 capture_output=True).returncode != 0:
        skip('--polkit needs polkitd on the bus (with-system-bus.sh --polkitd)')

    t = Tap()
    with tempfile.TemporaryDirectory(prefix='nutctl-test.') as d:
        make_config(d)
        log = open(os.path.join(d, 'nutd.log'), 'w+')
        nutd = subprocess.Popen([os.environ['NUTD'], '--config-dir', d], stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            if not t.ok(wait_ready(), 'nutd up with both devices connected'):
                log.seek(0)
                print('# ' + log.read().replace('\n', '\n# '))
            else:
                test_cli(t)
                test_list(t)
                test_status(t)
                test_get_set_cmd(t)
                test_errors(t)
                test_disconnected(t, d)
                test_users(t, polkit)
                test_monitor(t, d)
                test_stopped(t, nutd)
        finally:
            if nutd.poll() is None:
                nutd.kill()
                nutd.wait()
    print('1..%d' % t.n)
    return 1 if t.failed else 0


if __name__ == '__main__':
    sys.exit(main())
