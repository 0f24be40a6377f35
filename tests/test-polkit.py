#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""nutd's admin methods against the real polkitd on a private system bus, with the project's
.policy file and the test rules in tests/polkit-rules (see there who may do what).

    test-polkit.py            under with-system-bus.sh --polkitd polkit tests/polkit-rules
    test-polkit.py --no-polkit  under with-system-bus.sh alone: polkit absent means denied
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

DEV = '/org/nutd/Power1/device/ups'
IFACE = 'org.nutd.Power1.Device'
USERS = {'nobody': 65534, 'daemon': 1, 'bin': 2, 'sys': 3, 'root': 0}
n = 0
failed = 0


def check(ok, what, detail=''):
    global n, failed
    n += 1
    print('%s %d - %s' % ('ok' if ok else 'not ok', n, what))
    if not ok:
        failed += 1
        for line in str(detail).splitlines():
            print('#   ' + line)


def busctl(user, *args, timeout=None):
    cmd = ['busctl', '--system']
    if timeout:
        cmd.append('--timeout=%s' % timeout)
    cmd += list(args)
    if user != 'root':
        uid = USERS[user]
        cmd = ['setpriv', '--reuid=%d' % uid, '--regid=%d' % uid, '--clear-groups'] + cmd
    return subprocess.run(cmd, capture_output=True, text=True)


def call(user, method, *args, timeout=None, path=DEV, iface=IFACE):
    """gdbus, because it names the D-Bus error (and does not allow interaction unless asked)."""
    cmd = ['gdbus', 'call', '--system', '--dest', 'org.nutd.Power1', '--object-path', path,
           '--method', iface + '.' + method]
    if timeout:
        cmd += ['--timeout', str(timeout)]
    cmd += list(args)
    if user != 'root':
        uid = USERS[user]
        cmd = ['setpriv', '--reuid=%d' % uid, '--regid=%d' % uid, '--clear-groups'] + cmd
    return subprocess.run(cmd, capture_output=True, text=True)


def get(name):
    r = busctl('root', 'call', 'org.nutd.Power1', DEV, IFACE, 'GetVariable', 's', name)
    return r.stdout.strip()


def expect(user, what, result, error=None):
    r = call(user, *what)
    if error is None:
        check(r.returncode == 0, '%s: %s allowed' % (user, ' '.join(what)), r.stderr)
    else:
        check(r.returncode != 0 and error in r.stderr, '%s: %s refused with %s' % (user, ' '.join(what), error),
              r.stdout + r.stderr)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    return s.getsockname()[1]


def main():
    no_polkit = '--no-polkit' in sys.argv
    if 'DBUS_SYSTEM_BUS_ADDRESS' not in os.environ or 'NUTD' not in os.environ:
        print('1..0 # SKIP needs the private bus fixture and NUTD')
        return 77
    tmp = tempfile.mkdtemp(prefix='nutd-polkit-')
    with open(os.path.join(tmp, 'ups.dev'), 'w') as f:
        f.write('ups.status: OL\nups.delay.shutdown: 20\nCMD test.battery.start.quick\nCMD load.off\n')
    with open(os.path.join(tmp, 'ups.conf'), 'w') as f:
        f.write('[ups]\n driver = dummy-ups\n port = ups.dev\n')
    with open(os.path.join(tmp, 'upsd.conf'), 'w') as f:
        f.write('LISTEN 127.0.0.1 %d\n' % free_port())
    nutd = subprocess.Popen([os.environ['NUTD'], '--config-dir', tmp])
    try:
        for _ in range(200):
            if 'connected' in busctl('root', 'get-property', 'org.nutd.Power1', DEV, IFACE, 'Connection').stdout:
                break
            time.sleep(0.05)

        if no_polkit:
            expect('nobody', ('SetVariable', 'ups.delay.shutdown', '30'), 1, 'org.freedesktop.DBus.Error.AccessDenied')
            check(get('ups.delay.shutdown') == 's "20"', 'nothing changed without polkit')
            expect('root', ('SetVariable', 'ups.delay.shutdown', '30'), 0)
            check(get('ups.delay.shutdown') == 's "30"', 'root needs no polkit')
            return finish()

        # a user the rules allow
        expect('nobody', ('SetVariable', 'ups.delay.shutdown', '31'), 0)
        check(get('ups.delay.shutdown') == 's "31"', 'the allowed write happened')
        expect('nobody', ('InstantCommand', 'test.battery.start.quick', ''), 0)
        # the same user, a command that cuts power: another action, the default (auth_admin) applies
        expect('nobody', ('InstantCommand', 'load.off', ''), 1, 'org.freedesktop.DBus.Error.InteractiveAuthorizationRequired')
        # a user the rules refuse
        expect('daemon', ('SetVariable', 'ups.delay.shutdown', '32'), 1, 'org.freedesktop.DBus.Error.AccessDenied')
        check(get('ups.delay.shutdown') == 's "31"', 'the refused write did not happen')
        # a challenge without interaction
        expect('bin', ('SetVariable', 'ups.delay.shutdown', '33'), 1, 'org.freedesktop.DBus.Error.InteractiveAuthorizationRequired')
        # Reload is "manage"
        r = call('bin', 'Reload', path='/org/nutd/Power1', iface='org.nutd.Power1.Manager')
        check(r.returncode != 0 and 'InteractiveAuthorizationRequired' in r.stderr, 'bin: Reload needs auth',
              r.stderr)
        # root, without asking
        expect('root', ('InstantCommand', 'load.off', ''), 0)
        expect('root', ('SetVariable', 'ups.delay.shutdown', '34'), 0)
        # the caller leaves before polkit answers (the rule takes 2 s): nothing is done
        r = call('sys', 'SetVariable', 'ups.delay.shutdown', '99', timeout=1)
        check(r.returncode != 0, 'sys: the caller gave up after 1 s', r.stderr)
        time.sleep(3)
        check(get('ups.delay.shutdown') == 's "34"', 'nothing happened for a caller that left', get('ups.delay.shutdown'))
        check(nutd.poll() is None, 'nutd still running')
        return finish()
    finally:
        nutd.terminate()
        nutd.wait(10)
        subprocess.run(['rm', '-rf', tmp])


def finish():
    print('1..%d' % n)
    print('# %d passed, %d failed' % (n - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
