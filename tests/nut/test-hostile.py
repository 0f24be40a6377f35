#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile clients against nutd's NUT server (TAP). Loopback only, bounded loops and time.

    NUTD=build/src/nutd tests/nut/with-nutd.sh tests/nut/dummy.dev tests/nut/test-hostile.py

Needs NUT_PORT; NUTD_PID (exported by with-nutd.sh) for the memory checks (VmRSS of
/proc/<pid>/status), which are skipped without it. NUT_MAXCONN (default 1024, nutd's
default MAXCONN) is the number of connections that must be served at once.
"""
import errno
import os
import resource
import select
import socket
import sys
import time

PORT = int(os.environ["NUT_PORT"])
PID = os.environ.get("NUTD_PID")
MAXCONN = int(os.environ.get("NUT_MAXCONN", "1024"))
ADDR = ("127.0.0.1", PORT)

n = 0
failed = 0


def tap(ok, what, diag=None):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print(("ok" if ok else "not ok"), n, "-", what, flush=True)
    if not ok and diag:
        for line in str(diag).splitlines()[:30]:
            print("#", line, flush=True)


def readable(sock, timeout):
    """poll() (select() cannot take fds >= 1024)."""
    p = select.poll()
    p.register(sock, select.POLLIN)
    return bool(p.poll(max(timeout, 0) * 1000))


def writable(sock, timeout):
    p = select.poll()
    p.register(sock, select.POLLOUT)
    return bool(p.poll(max(timeout, 0) * 1000))


def sanitized():
    """An ASan build keeps freed memory in its quarantine: RSS bounds say nothing there."""
    try:
        with open("/proc/%s/maps" % PID) as f:
            return "libasan" in f.read()
    except OSError:
        return False


ASAN = bool(PID) and sanitized()


def rss_kb():
    if not PID or ASAN:
        return None
    with open("/proc/%s/status" % PID) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def alive():
    return not PID or os.path.exists("/proc/%s" % PID)


class Conn:
    def __init__(self, timeout=5):
        self.s = socket.create_connection(ADDR, timeout=timeout)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def line(self, timeout=5):
        """One reply line without its LF; None on timeout, b'<EOF>' on close."""
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                return None
            if not readable(self.s, left):
                return None
            try:
                d = self.s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                d = b""
            if not d:
                return b"<EOF>"
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        return l

    def ask(self, req, timeout=5):
        self.send(req)
        return self.line(timeout)

    def close(self):
        self.s.close()


def get_status(timeout=5):
    c = Conn()
    try:
        return c.ask(b"GET VAR dummy ups.status\n", timeout)
    finally:
        c.close()


OK_STATUS = b'VAR dummy ups.status "OL"'


def check_serving(what):
    try:
        r = get_status()
    except OSError as e:
        r = repr(e)
    tap(r == OK_STATUS and alive(), what + ": another client is still served", r)


# --------------------------------------------------------------------------- parsing
def parsing():
    c = Conn()
    words = b" ".join(b"w%d" % i for i in range(100))
    r = c.ask(b"GET VAR dummy ups.status " + words + b"\n")
    tap(r is not None and r != b"<EOF>" and c.ask(b"NETVER\n") == b"1.3",
        ">32 words: one answer, connection still usable", r)
    tap(r == OK_STATUS, ">32 words: words after the 32nd are ignored, the request answered (NUT-REFERENCE §12 46)", r)

    r = c.ask(b"GET VAR dummy " + b"a" * 600 + b"\n")
    tap(r == b"ERR VAR-NOT-SUPPORTED", ">512-character word: ERR VAR-NOT-SUPPORTED", r)
    r = c.ask(b"GET DESC dummy " + b"y" * 600 + b"\n")
    tap(r is not None and r.startswith(b"DESC dummy " + b"y" * 512 + b" ") and b"y" * 513 not in r,
        ">512-character word is cut to 512 characters (echoed by GET DESC)", r and r[:80] + b"...")
    r = c.ask(b"USERNAME " + b"u" * 100000 + b"\n")
    tap(r == b"OK", "a 100000-character word: USERNAME OK (cut)", r)

    # 1 MB without LF, then a valid request in the same stream
    t0 = time.monotonic()
    c.send(b"A" * (1 << 20))
    c.send(b"\nGET VAR dummy ups.status\n")
    r1, r2 = c.line(10), c.line(10)
    tap(r1 == b"ERR UNKNOWN-COMMAND" and r2 == OK_STATUS and time.monotonic() - t0 < 10,
        "1 MB line without LF (one word), then a valid request", (r1, r2))
    c.send(b"GET " * (1 << 18))
    c.send(b"\nGET VAR dummy ups.status\n")
    r1, r2 = c.line(10), c.line(10)
    tap(r1 is not None and r1.startswith(b"ERR ") and r2 == OK_STATUS,
        "1 MB line without LF (262144 words), then a valid request", (r1, r2))

    r = c.ask(b"GET VAR dummy ups.st\x00atus\n")
    tap(r == OK_STATUS, "NUL byte inside a word is dropped", r)
    r = c.ask(b"\x00\x00\x00\n")
    tap(r == b"ERR UNKNOWN-COMMAND", "a line of NUL bytes: ERR UNKNOWN-COMMAND", r)
    r = c.ask(b"GET VAR dummy \x00" + b"\x00" * 5000 + b"ups.status\n")
    tap(r == OK_STATUS, "5000 NUL bytes inside a word", r)

    c.send(b"GET VAR dummy ups.status\r\nNETVER\r\n")
    raw_end = time.monotonic() + 5
    while c.buf.count(b"\n") < 2 and time.monotonic() < raw_end:
        if readable(c.s, 0.5):
            c.buf += c.s.recv(65536)
    raw, c.buf = c.buf, b""
    tap(raw == OK_STATUS + b"\n1.3\n", "CRLF requests: answered, replies end in LF only", raw)

    c.send(b'GET VAR dummy "ups.status#x"\nGET VAR dummy ups.status\n')
    r1, r2 = c.line(), c.line()
    tap(r1 == b"ERR INVALID-ARGUMENT" and r2 == OK_STATUS,
        "unescaped # in quotes: ERR INVALID-ARGUMENT, next line in the same packet answered", (r1, r2))
    c.send(b'GET VAR dummy "unterminated\nGET VAR dummy ups.status\n')
    r1, r2 = c.line(), c.line()
    tap(r1 == b"ERR INVALID-ARGUMENT" and r2 == OK_STATUS,
        "unbalanced quote: ERR INVALID-ARGUMENT, next line answered", (r1, r2))
    r = c.ask(b"\xff\xfe\x80 GET\n")
    tap(r == b"ERR UNKNOWN-COMMAND" or r == b"ERR INVALID-ARGUMENT", "8-bit garbage: an error answer", r)
    tap(c.ask(b"NETVER\n") == b"1.3", "the connection survived all of it")
    c.close()
    check_serving("parsing")


# --------------------------------------------------------------------------- flood
def flood():
    base = rss_kb()
    a = socket.create_connection(ADDR)
    a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    a.setblocking(False)
    reqs = b"LIST VAR dummy\n" * 10000
    sent = 0
    end = time.monotonic() + 5
    while sent < len(reqs) and time.monotonic() < end:
        try:
            sent += a.send(reqs[sent:sent + 65536])
        except BlockingIOError:
            writable(a, 0.2)
    time.sleep(1)
    # while the flooder sits there, unread, another client is served quickly
    t0 = time.monotonic()
    r = get_status(2)
    dt = time.monotonic() - t0
    tap(r == OK_STATUS and dt < 0.5, "10000 LIST VAR never read (%d requests got in): others served in %.0f ms"
        % (sent // 15, dt * 1000), r)
    peak = rss_kb()
    if base is not None:
        tap(peak - base < 20 * 1024, "memory while flooded: +%d kB (bound 20 MB)" % (peak - base))
    a.close()
    time.sleep(0.5)
    check_serving("after the flooder left")


# --------------------------------------------------------------------------- many connections
def many_connections():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 2200
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < want:
        tap(True, "2000 connections # SKIP RLIMIT_NOFILE hard limit %d" % hard)
        return
    base = rss_kb()
    conns, refused_at_connect = [], 0
    for i in range(2000):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(ADDR)
            conns.append(s)
        except (ConnectionRefusedError, socket.timeout, OSError):
            refused_at_connect += 1
            conns.append(None)
            s.close()
    # every connection asks; the first MAXCONN must be answered, the rest closed
    for s in conns:
        if s:
            try:
                s.sendall(b"NETVER\n")
            except OSError:
                pass
    served, closed, hanging = [], [], []
    end = time.monotonic() + 15
    for i, s in enumerate(conns):
        if s is None:
            closed.append(i)
            continue
        data = b""
        while b"\n" not in data:
            left = end - time.monotonic()
            if not readable(s, max(left, 0.01)):
                break
            try:
                d = s.recv(100)
            except OSError:
                d = b""
            if not d:
                data = None
                break
            data += d
        if data == b"1.3\n":
            served.append(i)
        elif data is None:
            closed.append(i)
        else:
            hanging.append(i)
    first_ok = served == list(range(MAXCONN))
    tap(first_ok, "2000 connections: the first %d are served" % MAXCONN,
        "served %d (first missing: %s), closed %d, no answer %d" %
        (len(served), next((i for i in range(MAXCONN) if i not in served), None), len(closed), len(hanging)))
    tap(len(closed) == 2000 - MAXCONN and not hanging,
        "2000 connections: the %d over MAXCONN are refused or closed at once, none left hanging" % (2000 - MAXCONN),
        "closed %d (refused at connect %d), no answer %d" % (len(closed), refused_at_connect, len(hanging)))
    again = 0
    for i in served:
        try:
            conns[i].sendall(b"GET VAR dummy ups.status\n")
        except OSError:
            pass
    for i in served:
        s, data, end = conns[i], b"", time.monotonic() + 5
        while not data.endswith(b"\n") and time.monotonic() < end:
            if not readable(s, 1):
                break
            d = s.recv(200)
            if not d:
                break
            data += d
        again += data == OK_STATUS + b"\n"
    tap(again == len(served) and served, "the served connections keep working (%d/%d)" % (again, len(served)))
    peak = rss_kb()
    for s in conns:
        if s:
            s.close()
    time.sleep(1.5)
    after = rss_kb()
    if base is not None:
        tap(after - base < 10 * 1024, "memory after closing them all: baseline %d kB, with %d connections %d kB, "
            "after %d kB (bound +10 MB)" % (base, len(served), peak, after))
    check_serving("after 2000 connections")


# --------------------------------------------------------------------------- storm
def storm():
    base = rss_kb()
    t0 = time.monotonic()
    errors = 0
    for i in range(5000):
        try:
            s = socket.create_connection(ADDR, timeout=5)
            if i % 3 == 1:
                s.sendall(b"GET VAR dummy ups.status\n")
            elif i % 3 == 2:      # abortive close: RST
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()
        except OSError:
            errors += 1
        if time.monotonic() - t0 > 60:
            break
    tap(errors == 0, "5000 connect/disconnect in %.1f s, %d failed" % (time.monotonic() - t0, errors))
    time.sleep(0.5)
    t1 = time.monotonic()
    r = get_status(1)
    dt = time.monotonic() - t1
    tap(r == OK_STATUS and dt < 0.1, "after the storm GET VAR answers in %.1f ms (< 100 ms)" % (dt * 1000), r)
    # no connection slot leaked: MAXCONN connections can still be open at once
    conns, served = [], 0
    for i in range(MAXCONN):
        s = socket.create_connection(ADDR, timeout=5)
        s.sendall(b"NETVER\n")
        conns.append(s)
    for s in conns:
        data, end = b"", time.monotonic() + 5
        while not data.endswith(b"\n") and time.monotonic() < end:
            if not readable(s, 1):
                break
            d = s.recv(100)
            if not d:
                break
            data += d
        served += data == b"1.3\n"
        s.close()
    tap(served == MAXCONN, "after the storm %d connections at once are all served (no slot leaked): %d"
        % (MAXCONN, served))
    time.sleep(1)
    after = rss_kb()
    if base is not None:
        tap(after - base < 10 * 1024, "memory after the storm: +%d kB (bound +10 MB)" % (after - base))
    check_serving("after the storm")


def main():
    if ASAN:
        print("# nutd is an ASan build: memory bounds not checked", flush=True)
    for part in (parsing, flood, many_connections, storm):
        try:
            part()
        except Exception as e:     # a crash of the test itself is a failure, not a stop
            import traceback
            tap(False, "%s raised %r" % (part.__name__, e), traceback.format_exc())
    tap(alive(), "nutd is still running")
    print("1..%d" % n)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
