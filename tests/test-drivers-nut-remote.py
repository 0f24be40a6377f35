#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The nut-remote driver against the reference server: run under tests/nut/with-nut.sh (Debian's
# upsd 2.8.0 + dummy-ups serve "dummy" on NUT_PORT), as root, with NUTD = the nutd binary. nutd
# mirrors "dummy" as "remote"; everything is checked over both servers' NUT ports. With
# MAKE_TEST_CERTS set (and a TLS build), also STARTTLS from nutd to a second nutd. TAP output.
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

NUTD = os.environ["NUTD"]
NUT_PORT = int(os.environ["NUT_PORT"])
CONFPATH = os.environ["NUT_CONFPATH"]
SCRATCH = os.environ.get("NUT_FIXTURE_DIR") or tempfile.mkdtemp()
MAKE_TEST_CERTS = os.environ.get("MAKE_TEST_CERTS", "")

n_tests = 0
n_failed = 0
started = []     # (Popen, log path) of everything this test started


def ok(cond, name, diag=""):
    global n_tests, n_failed
    n_tests += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n_tests, name))
    if not cond:
        n_failed += 1
        for line in str(diag).splitlines():
            print("#   " + line)
    sys.stdout.flush()
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Nut:
    """A plain NUT protocol session."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = b""

    def close(self):
        self.sock.close()

    def line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def cmd(self, request):
        self.sock.sendall((request + "\n").encode())
        return self.line()

    def list(self, request):
        """The item lines of a LIST, or [the ERR line]."""
        first = self.cmd(request)
        if not first.startswith("BEGIN LIST"):
            return [first]
        items = []
        while True:
            line = self.line()
            if line.startswith("END LIST"):
                return items
            items.append(line)


def query(port, request, is_list=False):
    try:
        s = Nut(port)
        try:
            return s.list(request) if is_list else s.cmd(request)
        finally:
            s.close()
    except (OSError, EOFError) as e:
        return "EXC %s" % e


def wait_for(fn, timeout):
    """Polls fn() until it is true; returns (result, seconds waited)."""
    t0 = time.monotonic()
    while True:
        r = fn()
        if r or time.monotonic() - t0 > timeout:
            return r, time.monotonic() - t0
        time.sleep(0.1)


def var_map(items, ups):
    """{name: line without the UPS name} of LIST VAR lines, server.* left out."""
    out = {}
    for line in items:
        parts = line.split(" ", 3)
        if len(parts) == 4 and parts[0] == "VAR" and parts[1] == ups and not parts[2].startswith("server."):
            out[parts[2]] = parts[3]
    return out


def start_nutd(name, ups_conf, users="", upsd_extra="", dev=None):
    """A nutd with its own configuration directory; returns (Popen, port, log path)."""
    d = os.path.join(SCRATCH, name)
    os.makedirs(d, exist_ok=True)
    port = free_port()
    with open(os.path.join(d, "nutd.conf"), "w") as f:
        f.write("DBUS no\n")
    with open(os.path.join(d, "upsd.conf"), "w") as f:
        f.write("LISTEN 127.0.0.1 %d\n%s" % (port, upsd_extra))
    with open(os.path.join(d, "ups.conf"), "w") as f:
        f.write(ups_conf)
    with open(os.path.join(d, "upsd.users"), "w") as f:
        f.write(users)
    if dev is not None:
        with open(os.path.join(d, "dummy.dev"), "w") as f:
            f.write(dev)
    os.chmod(os.path.join(d, "upsd.users"), 0o600)
    log = os.path.join(d, "nutd.log")
    p = subprocess.Popen([NUTD, "--config-dir", d, "--log-level", "debug"], stdout=open(log, "w"),
                         stderr=subprocess.STDOUT)
    started.append((p, log))
    r, _ = wait_for(lambda: not query(port, "VER").startswith("EXC") or p.poll() is not None, 10)
    return p, port, log


def stop(p, log):
    """SIGTERM; True if it exited 0 (so a crash or a sanitizer report fails the test)."""
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    started[:] = [(q, l) for q, l in started if q is not p]
    if p.returncode != 0:
        print("# %s exited with %s; log:" % (log, p.returncode))
        with open(log) as f:
            for line in f.read().splitlines()[-60:]:
                print("#   " + line)
    return p.returncode == 0


def status(port, ups):
    return query(port, "GET VAR %s ups.status" % ups)


def tracked(port, user, password, request):
    """Runs SET VAR / INSTCMD with tracking on through a server; returns the final GET TRACKING answer."""
    s = Nut(port)
    try:
        for r in ("USERNAME " + user, "PASSWORD " + password, "SET TRACKING ON"):
            a = s.cmd(r)
            if a != "OK":
                return "%s -> %s" % (r, a)
        a = s.cmd(request)
        if not a.startswith("OK TRACKING "):
            return a
        tid = a.split()[2]
        t0 = time.monotonic()
        while time.monotonic() - t0 < 20:
            a = s.cmd("GET TRACKING " + tid)
            if a != "PENDING":
                return a
            time.sleep(0.1)
        return a
    finally:
        s.close()


# ---------------------------------------------------------------------------------------------------------
NUTD_USERS = """[admin]
  password = mypass
  actions = SET
  instcmds = ALL
"""

ups_conf = """[remote]
  driver = nut-remote
  port = dummy@127.0.0.1:%(p)d
  username = dummy-admin
  password = P@ssW0rdAdm
  login = yes
  pollinterval = 1
[remote-admin]
  driver = nut-remote
  port = dummy@localhost:%(p)d
  username = admin
  password = mypass
  pollinterval = 1
  desc = "the same, as admin"
[remote-unknown]
  driver = nut-remote
  port = nosuch@127.0.0.1:%(p)d
[remote-name]
  driver = nut-remote
  port = dummy@ups.example.invalid:%(p)d
""" % {"p": NUT_PORT}


def log_tail(log, word, n=40):
    with open(log) as f:
        return "\n".join([l for l in f.read().splitlines() if word in l][-n:])


def test_mirror(port, log):
    r, t = wait_for(lambda: status(port, "remote") == 'VAR remote ups.status "OL"', 10)
    ok(r, "nutd mirrors upsd's dummy as remote (%.1f s)" % t, status(port, "remote"))

    # The first poll is complete when every variable has its type: a new variable appears with it.
    def same_vars():
        return var_map(query(port, "LIST VAR remote", True), "remote") == \
            var_map(query(NUT_PORT, "LIST VAR dummy", True), "dummy")
    wait_for(same_vars, 3)
    ours = var_map(query(port, "LIST VAR remote", True), "remote")
    theirs = var_map(query(NUT_PORT, "LIST VAR dummy", True), "dummy")
    diff = ["- %s %s" % (k, v) for k, v in sorted(theirs.items()) if ours.get(k) != v]
    diff += ["+ %s %s" % (k, v) for k, v in sorted(ours.items()) if theirs.get(k) != v]
    ok(ours == theirs and len(ours) > 20, "LIST VAR remote is upsd's LIST VAR dummy (%d variables, driver.* "
       "included, server.* not)" % len(ours), "\n".join(diff))

    bad = []
    for name in sorted(theirs):
        a = query(port, "GET TYPE remote " + name).replace(" remote ", " X ", 1)
        b = query(NUT_PORT, "GET TYPE dummy " + name).replace(" dummy ", " X ", 1)
        if a != b:
            bad.append("%s: nutd %r, upsd %r" % (name, a, b))
    ok(not bad, "GET TYPE is the same for every variable (RW, STRING:n, NUMBER)",
       "\n".join(bad) + "\n" + log_tail(log, "remote:", 200))

    a = [x.replace(" remote ", " X ") for x in query(port, "LIST CMD remote", True)]
    b = [x.replace(" dummy ", " X ") for x in query(NUT_PORT, "LIST CMD dummy", True)]
    ok(a == b and len(a) > 0, "LIST CMD is the same (%s)" % ", ".join(a), "nutd %r\nupsd %r" % (a, b))

    ok(query(port, "GET UPSDESC remote") == 'UPSDESC remote "Crash Dummy"',
       "without a desc of its own the device takes the remote UPSDESC", query(port, "GET UPSDESC remote"))
    ok(query(port, "GET UPSDESC remote-admin") == 'UPSDESC remote-admin "the same, as admin"',
       "ups.conf's desc wins over the remote one", query(port, "GET UPSDESC remote-admin"))
    v = query(port, "GET VAR remote-admin ups.status")
    ok(v == 'VAR remote-admin ups.status "OL"', "port = ups@localhost:port works", v)
    ok(query(port, "GET VAR remote driver.parameter.password") == "ERR VAR-NOT-SUPPORTED",
       "the password is not published as a variable")


def test_logins(port):
    a = query(NUT_PORT, "GET NUMLOGINS dummy")
    ok(a == "NUMLOGINS dummy 1", "login = yes: upsd counts one LOGIN (the login = no section is not counted)", a)
    a = query(NUT_PORT, "LIST CLIENT dummy", True)
    ok(a == ["CLIENT dummy 127.0.0.1"], "LIST CLIENT dummy on upsd shows nutd", a)


def test_errors(port):
    r, _ = wait_for(lambda: status(port, "remote-unknown") == "ERR DRIVER-NOT-CONNECTED", 5)
    ok(r, "a UPS unknown to the remote server is DRIVER-NOT-CONNECTED", status(port, "remote-unknown"))
    ok(status(port, "remote-name") == "ERR DRIVER-NOT-CONNECTED",
       "a host name that would need a DNS lookup is refused, the device disconnected", status(port, "remote-name"))


def write_dev(text):
    tmp = os.path.join(CONFPATH, "dummy.dev.tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, os.path.join(CONFPATH, "dummy.dev"))


def test_dev_edit(port):
    with open(os.path.join(CONFPATH, "dummy.dev")) as f:
        orig = f.read()
    lines = [l for l in orig.splitlines() if not l.startswith("battery.charge:")]
    lines += ["battery.charge: 42", "ups.test.added: yes"]
    t0 = time.monotonic()
    write_dev("\n".join(lines) + "\n")

    def changed():
        v = var_map(query(port, "LIST VAR remote", True), "remote")
        return v.get("battery.charge") == '"42"' and v.get("ups.test.added") == '"yes"'
    r, _ = wait_for(changed, 10)
    t = time.monotonic() - t0
    ok(r, "an edit of the remote .dev reaches nutd: a changed and an added variable (%.1f s after the write, "
       "dummy-ups's own reload included)" % t, var_map(query(port, "LIST VAR remote", True), "remote"))
    ok(t < 5, "... within a few seconds", "%.1f s" % t)
    ours = var_map(query(port, "LIST VAR remote", True), "remote")
    ok(ours == var_map(query(NUT_PORT, "LIST VAR dummy", True), "dummy"), "... and the lists are equal again")
    a = query(port, "GET TYPE remote ups.test.added").replace(" remote ", " X ")
    b = query(NUT_PORT, "GET TYPE dummy ups.test.added").replace(" dummy ", " X ")
    ok(a == b, "a new variable gets its type too", "nutd %r upsd %r" % (a, b))
    write_dev(orig)
    wait_for(lambda: query(port, "GET VAR remote battery.charge") == 'VAR remote battery.charge "100"', 10)


def test_set(port):
    a = tracked(port, "admin", "mypass", 'SET VAR remote-admin ups.id "lab9"')
    ok(a == "SUCCESS", "SET VAR through nutd (remote-admin's user may SET on upsd): tracked to SUCCESS", a)
    v = query(NUT_PORT, "GET VAR dummy ups.id")
    ok(v == 'VAR dummy ups.id "lab9"', "... and upsd has the new value", v)
    r, _ = wait_for(lambda: query(port, "GET VAR remote ups.id") == 'VAR remote ups.id "lab9"', 5)
    ok(r, "... which the other mirror of the same UPS shows too", query(port, "GET VAR remote ups.id"))

    a = tracked(port, "admin", "mypass", 'SET VAR remote ups.id "lab10"')
    ok(a.startswith("ERR"), "SET VAR with credentials upsd refuses (dummy-admin may not SET): an error, not "
       "SUCCESS", a)
    ok(query(NUT_PORT, "GET VAR dummy ups.id") == 'VAR dummy ups.id "lab9"', "... and upsd's value is unchanged")

    a = tracked(port, "admin", "mypass", 'SET VAR remote-admin ups.id "this-is-far-too-long-for-16"')
    ok(a == "ERR INVALID-ARGUMENT" or a == "ERR TOO-LONG", "a value over STRING:16 is refused (from the "
       "mirrored type)", a)
    a = tracked(port, "admin", "mypass", "INSTCMD remote-admin load.off")
    b = tracked(NUT_PORT, "admin", "mypass", "INSTCMD dummy load.off")
    ok(a == b and a.startswith(("SUCCESS", "ERR")), "INSTCMD through nutd gets dummy-ups's own verdict "
       "(%s; dummy-ups 2.8.0 lists load.off but runs no command)" % a, "nutd %r, upsd %r" % (a, b))
    a = tracked(port, "admin", "mypass", "INSTCMD remote load.off")
    ok(a.startswith("ERR"), "INSTCMD with credentials upsd refuses: an error", a)


def test_server_loss(port):
    upsd_pid = int(os.environ["NUT_SERVER_PID"])
    os.kill(upsd_pid, signal.SIGTERM)
    r, t = wait_for(lambda: status(port, "remote") in ("ERR DRIVER-NOT-CONNECTED", "ERR DATA-STALE"), 10)
    ok(r, "upsd gone: remote is DRIVER-NOT-CONNECTED in nutd (%.1f s)" % t, status(port, "remote"))
    ok(Nut(port).cmd("VER").startswith("Network UPS Tools"), "nutd itself keeps serving")

    time.sleep(2)
    # A new upsd on the same port and state path (the variables with-nut.sh exported): dummy-ups is still up.
    log = os.path.join(SCRATCH, "upsd2.log")
    p = subprocess.Popen(["/lib/nut/upsd", "-u", "root", "-F"], stdout=open(log, "w"), stderr=subprocess.STDOUT)
    started.append((p, log))
    r, t = wait_for(lambda: status(port, "remote") == 'VAR remote ups.status "OL"', 40)
    ok(r, "a new upsd: nutd reconnects by itself (%.1f s, with backoff)" % t, status(port, "remote"))
    r, _ = wait_for(lambda: query(NUT_PORT, "GET NUMLOGINS dummy") == "NUMLOGINS dummy 1", 5)
    ok(r, "... and logs in again", query(NUT_PORT, "GET NUMLOGINS dummy"))
    v = var_map(query(port, "LIST VAR remote", True), "remote")
    ok(v == var_map(query(NUT_PORT, "LIST VAR dummy", True), "dummy"), "... and mirrors everything again")


def make_certs():
    d = os.path.join(SCRATCH, "certs")
    o = os.path.join(SCRATCH, "other")
    os.makedirs(d, exist_ok=True)
    os.makedirs(o, exist_ok=True)
    subprocess.run([MAKE_TEST_CERTS, d], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([MAKE_TEST_CERTS, o], check=True, stdout=subprocess.DEVNULL)
    return d, o


def test_starttls():
    certs, other = make_certs()
    remote, rport, rlog = start_nutd(
        "tls-server", "[ups]\n  driver = dummy-ups\n  port = dummy.dev\n",
        users="[mon]\n  password = monpass\n  upsmon primary\n",
        upsd_extra="CERTFILE %s/server.pem\nCERTPATH %s/ca.pem\nCERTREQUEST 1\n" % (certs, certs),
        dev="ups.status: OL\nbattery.charge: 77\nups.id: tls\n")
    r, _ = wait_for(lambda: status(rport, "ups") == 'VAR ups ups.status "OL"', 10)
    ok(r, "second nutd (the remote) serves over STARTTLS", status(rport, "ups"))

    conf = ""
    for name, opts in (("tls-verified", "starttls = yes\n  cafile = %s/ca.pem\n" % certs),
                       ("tls-localhost", "starttls = yes\n  cafile = %s/ca.pem\n" % certs),
                       ("tls-unverified", "starttls = yes\n"),
                       ("tls-wrong-ca", "starttls = yes\n  cafile = %s/ca.pem\n" % other),
                       ("tls-try", "starttls = try\n  cafile = %s/ca.pem\n" % certs),
                       ("tls-client-cert", "starttls = yes\n  cafile = %s/ca.pem\n  certfile = %s/client.pem\n"
                        % (certs, certs))):
        host = "localhost" if name == "tls-localhost" else "127.0.0.1"
        conf += ("[%s]\n  driver = nut-remote\n  port = ups@%s:%d\n  username = mon\n  password = monpass\n"
                 "  login = yes\n  pollinterval = 1\n  %s" % (name, host, rport, opts))
    for name, opts in (("upsd-try", "starttls = try\n"), ("upsd-yes", "starttls = yes\n")):
        conf += "[%s]\n  driver = nut-remote\n  port = dummy@127.0.0.1:%d\n  %s" % (name, NUT_PORT, opts)
    local, lport, llog = start_nutd("tls-client", conf)

    for name in ("tls-verified", "tls-localhost", "tls-unverified", "tls-try", "tls-client-cert"):
        r, _ = wait_for(lambda: query(lport, "GET VAR %s battery.charge" % name) ==
                        'VAR %s battery.charge "77"' % name, 10)
        ok(r, "nutd -> nutd over STARTTLS: %s mirrors the remote" % name,
           query(lport, "GET VAR %s battery.charge" % name))
    time.sleep(1)
    ok(status(lport, "tls-wrong-ca") == "ERR DRIVER-NOT-CONNECTED",
       "a server certificate from another CA is refused", status(lport, "tls-wrong-ca"))
    with open(llog) as f:
        text = f.read()
    ok("tls-wrong-ca: TLS with 127.0.0.1" in text and "rejected" in text, "... and the log says why",
       "\n".join(l for l in text.splitlines() if "tls-wrong-ca" in l)[-2000:])
    with open(rlog) as f:
        text = f.read()
    n = text.count(": TLS1.")
    ok(n >= 5, "the remote nutd saw %d TLS sessions" % n)
    ok("client certificate CN=nutd-test-client" in text, "certfile: the client certificate is presented")
    a = query(rport, "GET NUMLOGINS ups")
    ok(a == "NUMLOGINS ups 5", "logins over TLS count (5 sessions logged in)", a)

    # nutd's dummy-ups (dummy-once) drops what the file no longer names: so must the mirror
    t0 = time.monotonic()
    with open(os.path.join(SCRATCH, "tls-server", "dummy.dev.tmp"), "w") as f:
        f.write("ups.status: OB\nbattery.charge: 76\n")
    os.rename(os.path.join(SCRATCH, "tls-server", "dummy.dev.tmp"), os.path.join(SCRATCH, "tls-server", "dummy.dev"))
    r, _ = wait_for(lambda: query(lport, "GET VAR tls-verified ups.id") == "ERR VAR-NOT-SUPPORTED" and
                    status(lport, "tls-verified") == 'VAR tls-verified ups.status "OB"', 5)
    ok(r, "a variable the remote drops is dropped here too (%.1f s)" % (time.monotonic() - t0),
       query(lport, "LIST VAR tls-verified", True))

    # the remote's own driver loses its device: the remote says DRIVER-NOT-CONNECTED, and so do we
    dev = os.path.join(SCRATCH, "tls-server", "dummy.dev")
    os.rename(dev, dev + ".away")
    r, t = wait_for(lambda: status(lport, "tls-verified") == "ERR DRIVER-NOT-CONNECTED", 5)
    ok(r, "the remote's driver not connected: DRIVER-NOT-CONNECTED here too (%.1f s)" % t,
       status(lport, "tls-verified"))
    os.rename(dev + ".away", dev)
    r, t = wait_for(lambda: status(lport, "tls-verified") == 'VAR tls-verified ups.status "OB"', 5)
    ok(r, "... and back on the same session (%.1f s)" % t, status(lport, "tls-verified"))

    # a remote that hangs: stale after 3 polls without data, then the request timeout drops the session
    remote.send_signal(signal.SIGSTOP)
    try:
        r, t = wait_for(lambda: status(lport, "tls-verified") == "ERR DATA-STALE", 8)
        ok(r, "a hung remote makes the data stale (%.1f s, pollinterval 1)" % t, status(lport, "tls-verified"))
        r, t2 = wait_for(lambda: status(lport, "tls-verified") == "ERR DRIVER-NOT-CONNECTED", 10)
        ok(r, "... then, after the request timeout, disconnected (%.1f s later)" % t2,
           status(lport, "tls-verified"))
    finally:
        remote.send_signal(signal.SIGCONT)
    r, t = wait_for(lambda: status(lport, "tls-verified") == 'VAR tls-verified ups.status "OB"', 40)
    ok(r, "... and reconnected once it runs again (%.1f s)" % t, status(lport, "tls-verified"))

    r, _ = wait_for(lambda: status(lport, "upsd-try") == 'VAR upsd-try ups.status "OL"', 10)
    ok(r, "starttls = try against upsd without TLS: goes on in plaintext", status(lport, "upsd-try"))
    ok(status(lport, "upsd-yes") == "ERR DRIVER-NOT-CONNECTED",
       "starttls = yes against upsd without TLS: no session", status(lport, "upsd-yes"))
    ok(stop(local, llog), "the client nutd exits cleanly")
    ok(stop(remote, rlog), "the remote nutd exits cleanly")


def main():
    p, port, log = start_nutd("nutd", ups_conf, users=NUTD_USERS)
    if p.poll() is not None:
        print("Bail out! nutd did not start")
        stop(p, log)
        return 1
    try:
        test_mirror(port, log)
        test_logins(port)
        test_errors(port)
        test_dev_edit(port)
        test_set(port)
        if MAKE_TEST_CERTS:
            test_starttls()
        test_server_loss(port)
        ok(stop(p, log), "nutd exits 0 on SIGTERM")
    finally:
        for q, l in list(started):
            if q.poll() is None:
                q.terminate()
                q.wait()
    print("1..%d" % n_tests)
    return 1 if n_failed else 0


if __name__ == "__main__":
    sys.exit(main())
