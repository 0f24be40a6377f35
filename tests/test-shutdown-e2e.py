#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The shutdown path end to end, with python-dbusmock's logind on a private bus:
a UPS goes on battery, then low battery; nutd notifies (NOTIFYCMD gets the NOTIFYTYPE
sequence, D-Bus Event signals), sets FSD, and asks logind to power off exactly once; it held
a delay inhibitor and lets it go on PrepareForShutdown. Then ForcedShutdown() on a fresh nutd.

    with-system-bus.sh --mock logind -- test-shutdown-e2e.py
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

n = 0
failed = 0


def check(ok, what, detail=''):
    global n, failed
    n += 1
    print('%s %d - %s' % ('ok' if ok else 'not ok', n, what))
    if not ok:
        failed += 1
        for line in str(detail).splitlines()[:20]:
            print('#   ' + line)


def busctl(*args):
    return subprocess.run(['busctl', '--system', '--json=short'] + list(args), capture_output=True, text=True)


def mock_calls(method):
    r = busctl('call', 'org.freedesktop.login1', '/org/freedesktop/login1', 'org.freedesktop.DBus.Mock',
               'GetMethodCalls', 's', method)
    return json.loads(r.stdout)['data'][0] if r.returncode == 0 else None


def wait_for(cond, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    return s.getsockname()[1]


def write(path, text):
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.rename(path + '.tmp', path)


def shutdown_state():
    r = busctl('get-property', 'org.nutd.Power1', '/org/nutd/Power1', 'org.nutd.Power1.Shutdown', 'State')
    return json.loads(r.stdout)['data'] if r.returncode == 0 else None


def start(tmp, extra_upsmon=''):
    with open(os.path.join(tmp, 'ups.conf'), 'w') as f:
        f.write('[ups]\n driver = dummy-ups\n port = ups.dev\n')
    with open(os.path.join(tmp, 'upsd.conf'), 'w') as f:
        f.write('LISTEN 127.0.0.1 %d\n' % free_port())
    with open(os.path.join(tmp, 'notify.sh'), 'w') as f:
        f.write('#!/bin/sh\necho "$NOTIFYTYPE $UPSNAME" >> %s/notify.log\n' % tmp)
    os.chmod(os.path.join(tmp, 'notify.sh'), 0o755)
    flags = ''.join('NOTIFYFLAG %s SYSLOG+EXEC\n' % t for t in ('ONLINE', 'ONBATT', 'LOWBATT', 'FSD', 'SHUTDOWN'))
    with open(os.path.join(tmp, 'upsmon.conf'), 'w') as f:
        f.write('MONITOR ups 1 admin secret primary\nMINSUPPLIES 1\nFINALDELAY 0\nHOSTSYNC 1\n'
                'NOTIFYCMD %s/notify.sh\n%s%s' % (tmp, flags, extra_upsmon))
    write(os.path.join(tmp, 'ups.dev'), 'ups.status: OL\nbattery.charge: 100\n')
    env = dict(os.environ, RUNTIME_DIRECTORY=os.path.join(tmp, 'run'))
    p = subprocess.Popen([os.environ['NUTD'], '--config-dir', tmp], env=env)
    wait_for(lambda: shutdown_state() == 'idle')
    return p


def notified(tmp):
    try:
        with open(os.path.join(tmp, 'notify.log')) as f:
            return f.read().split('\n')
    except FileNotFoundError:
        return []


def main():
    if 'DBUS_SYSTEM_BUS_ADDRESS' not in os.environ or 'NUTD' not in os.environ:
        print('1..0 # SKIP needs the private bus with the logind mock, and NUTD')
        return 77
    tmp = tempfile.mkdtemp(prefix='nutd-shutdown-')
    busctl('call', 'org.freedesktop.login1', '/org/freedesktop/login1', 'org.freedesktop.DBus.Mock', 'ClearCalls')
    monitor = subprocess.Popen(['busctl', '--system', 'monitor', '--json=short', 'org.nutd.Power1'],
                               stdout=subprocess.PIPE, text=True)
    nutd = start(tmp)
    try:
        check(shutdown_state() == 'idle', 'idle on mains')
        check(wait_for(lambda: (mock_calls('Inhibit') or []) != []), 'a logind inhibitor was taken',
              mock_calls('Inhibit'))
        inhibit = mock_calls('Inhibit') or [[0, []]]
        args = [a.get('data') for a in inhibit[0][1]]
        check(args[:2] == ['shutdown:sleep', 'nutd'] and args[3:4] == ['delay'],
              'delay inhibitor for shutdown and sleep', inhibit)

        write(os.path.join(tmp, 'ups.dev'), 'ups.status: OB DISCHRG\nbattery.charge: 60\n')
        check(wait_for(lambda: 'ONBATT ups' in notified(tmp)), 'NOTIFYCMD: ONBATT', notified(tmp))
        check(shutdown_state() == 'idle', 'on battery is not critical')
        check(mock_calls('PowerOff') == [], 'no power-off yet')

        write(os.path.join(tmp, 'ups.dev'), 'ups.status: OB DISCHRG LB\nbattery.charge: 8\n')
        check(wait_for(lambda: 'SHUTDOWN ' in notified(tmp)), 'NOTIFYCMD: SHUTDOWN', notified(tmp))
        # NOTIFYCMD runs concurrently, so the log has the set; the order is checked on D-Bus below
        got = lambda: sorted(l.split()[0] for l in notified(tmp) if l)
        wait_for(lambda: got() == ['FSD', 'LOWBATT', 'ONBATT', 'SHUTDOWN'], 5)
        check(got() == ['FSD', 'LOWBATT', 'ONBATT', 'SHUTDOWN'], 'NOTIFYCMD got ONBATT, LOWBATT, FSD, SHUTDOWN', got())
        check(wait_for(lambda: len(mock_calls('PowerOff') or []) == 1), 'logind PowerOff called',
              mock_calls('PowerOff'))
        check([a.get('data') for a in (mock_calls('PowerOff') or [[0, []]])[0][1]] == [False], 'PowerOff(false): the fallback of a '
              'logind without PowerOffWithFlags', mock_calls('PowerOff'))
        check(shutdown_state() == 'shutting-down', 'state shutting-down', shutdown_state())
        r = subprocess.run(['upsc', 'ups@127.0.0.1:%s' % open(os.path.join(tmp, 'upsd.conf')).read().split()[2],
                            'ups.status'], capture_output=True, text=True)
        check(r.stdout.strip() == 'FSD OB DISCHRG LB', 'NUT clients see FSD', r.stdout + r.stderr)
        check(os.path.exists(os.path.join(tmp, 'run', 'killpower')), 'kill-power flag written')
        time.sleep(1)
        check(len(mock_calls('PowerOff') or []) == 1, 'PowerOff called exactly once', mock_calls('PowerOff'))

        busctl('call', 'org.freedesktop.login1', '/org/freedesktop/login1', 'org.freedesktop.DBus.Mock',
               'EmitSignal', 'sssav', 'org.freedesktop.login1.Manager', 'PrepareForShutdown', 'b', '1', 'b', 'true')
        check(wait_for(lambda: busctl('call', 'org.freedesktop.login1', '/org/freedesktop/login1',
                                      'org.freedesktop.login1.Manager', 'ListInhibitors').stdout.count('nutd') == 0),
              'inhibitor released on PrepareForShutdown',
              busctl('call', 'org.freedesktop.login1', '/org/freedesktop/login1', 'org.freedesktop.login1.Manager',
                     'ListInhibitors').stdout)
        nutd.terminate()
        nutd.wait(10)

        # ForcedShutdown() on a nutd whose UPS is fine
        busctl('call', 'org.freedesktop.login1', '/org/freedesktop/login1', 'org.freedesktop.DBus.Mock', 'ClearCalls')
        os.unlink(os.path.join(tmp, 'notify.log'))
        nutd = start(tmp)
        r = busctl('call', 'org.nutd.Power1', '/org/nutd/Power1', 'org.nutd.Power1.Shutdown', 'ForcedShutdown')
        check(r.returncode == 0, 'ForcedShutdown() as root', r.stderr)
        check(wait_for(lambda: len(mock_calls('PowerOff') or []) == 1), 'ForcedShutdown powers off',
              mock_calls('PowerOff'))
        check(wait_for(lambda: 'FSD ups' in notified(tmp), 5), 'FSD notified', notified(tmp))
    finally:
        nutd.terminate()
        nutd.wait(10)
        monitor.terminate()
        out = monitor.communicate()[0]
        events = [json.loads(l)['payload']['data'][0] for l in out.splitlines()
                  if '"member":"Event"' in l.replace(' ', '')]
        subprocess.run(['rm', '-rf', tmp])
    # as upsmon: a primary sets FSD and shuts down; FSD is notified when it shows in the status
    first = events[:events.index('SHUTDOWN') + 1] if 'SHUTDOWN' in events else events
    check([e for e in first if e != 'SHUTDOWN_HOSTSYNC'] == ['ONBATT', 'LOWBATT', 'SHUTDOWN'] and 'FSD' in events,
          'D-Bus Event signals: ONBATT, LOWBATT, SHUTDOWN in that order, and FSD', events)
    print('1..%d' % n)
    print('# %d passed, %d failed' % (n - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
