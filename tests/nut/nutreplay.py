#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Replay NUT request scripts (*.req) against a NUT server and write readable transcripts.

    NUT_PORT=PORT nutreplay.py OUTDIR REQFILE...   -> OUTDIR/<basename>.out for every REQFILE

Transcript: "> request" for every request sent, "< reply" for every reply line, and
"< (no reply)", "< (closed)", "< (still open)", "< (extra) ..." markers.

Request script syntax, one item per line:
  ; comment                  ignored (NUT requests never start with ';')
  <anything else>            sent verbatim + LF as one packet; then one reply is read: a line,
                             or BEGIN LIST ... END LIST; "(no reply)" after the timeout
  @conn NAME                 switch to connection NAME (opened on first use); "main" is open
  @close                     check nothing unexpected is pending, then close this connection
  @timeout SECONDS           reply timeout for the following requests (default 2)
  @sleep SECONDS
  @parse-error LINE          send LINE (a NUT parse error) and read one reply with a 0.5 s
                             timeout; logged as ">! LINE" so test-diff.sh can apply its rule
  @raw PYTHON-BYTES-LITERAL  send these bytes (e.g. b"GET VAR dummy ups.status\\r\\n") as one
                             packet, then read one reply; logged as "> raw b'...'"
  @batch / @end              the lines between are sent in ONE write (as socat would), then
                             one reply per line is read
  @expect-close SECONDS      wait for the server to close this connection (after LOGOUT)
  @wait-tracking             GET TRACKING $TRACKID until the answer is not PENDING (5 s);
                             only the final exchange is logged
$TRACKID in a request is the id of the last "OK TRACKING <id>" reply on any connection; the
logged request keeps the literal "$TRACKID".
"""
import ast
import os
import re
import select
import socket
import sys
import time


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.eof = False

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return False
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if not data:
                self.eof = True
                return False
            self.buf += data
            return True

    def readline(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if self.eof or not self._fill(deadline):
                return None
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def pending(self, timeout):
        """Whatever arrives within timeout (no framing)."""
        deadline = time.monotonic() + timeout
        while not self.eof and self._fill(deadline):
            pass
        data, self.buf = self.buf, b""
        return data

    def close(self):
        self.sock.close()


def show(b):
    s = b.decode("latin-1")
    return "".join(c if 0x20 <= ord(c) < 0x7f else "\\x%02x" % ord(c) for c in s)


class Replay:
    def __init__(self, port, out):
        self.port = port
        self.out = out
        self.conns = {}
        self.cur = None
        self.timeout = 2.0
        self.trackid = None
        self.switch("main")

    def log(self, s):
        self.out.write(s + "\n")

    def switch(self, name):
        if name not in self.conns:
            self.conns[name] = Conn(self.port)
        self.cur = self.conns[name]
        self.curname = name

    def read_reply(self, timeout=None):
        c = self.cur
        t = self.timeout if timeout is None else timeout
        line = c.readline(t)
        if line is None:
            self.log("< (closed)" if c.eof and not c.buf else "< (no reply)")
            return []
        lines = [line]
        if line.startswith(b"BEGIN LIST "):
            while not line.startswith(b"END LIST "):
                line = c.readline(t)
                if line is None:
                    self.log("< (list not terminated)")
                    break
                lines.append(line)
        for l in lines:
            self.log("< " + show(l))
            m = re.match(rb"OK TRACKING (\S+)$", l)
            if m:
                self.trackid = m.group(1)
        return lines

    def subst(self, line):
        if b"$TRACKID" in line:
            line = line.replace(b"$TRACKID", self.trackid or b"NO-TRACKING-ID-SEEN")
        return line

    def request(self, line, marker=">"):
        self.log(marker + " " + show(line))
        self.cur.send(self.subst(line) + b"\n")
        return self.read_reply(0.5 if marker == ">!" else None)

    def close_cur(self):
        extra = self.cur.pending(0.2)
        for l in extra.split(b"\n"):
            if l:
                self.log("< (extra) " + show(l))
        self.cur.close()
        del self.conns[self.curname]
        self.cur = None

    def run(self, lines):
        batch = None
        for raw in lines:
            line = raw.rstrip(b"\n")
            if batch is not None:
                if line == b"@end":
                    self.log("> batch of %d lines" % len(batch))
                    for l in batch:
                        self.log("> " + show(l))
                    self.cur.send(b"".join(self.subst(l) + b"\n" for l in batch))
                    for _ in batch:
                        self.read_reply()
                    batch = None
                else:
                    batch.append(line)
                continue
            if line.startswith(b";"):
                continue
            if not line.startswith(b"@"):
                if self.cur is None:
                    self.switch("main")
                self.request(line)
                continue
            words = line.decode().split(None, 1)
            cmd, arg = words[0], (words[1] if len(words) > 1 else "")
            if cmd == "@conn":
                self.log("@conn " + arg)
                self.switch(arg)
            elif cmd == "@close":
                self.log("@close " + self.curname)
                self.close_cur()
            elif cmd == "@timeout":
                self.timeout = float(arg)
            elif cmd == "@sleep":
                time.sleep(float(arg))
            elif cmd == "@parse-error":
                self.request(arg.encode(), ">!")
            elif cmd == "@raw":
                data = ast.literal_eval(arg)
                self.log("> raw " + repr(data))
                self.cur.send(data)
                self.read_reply()
            elif cmd == "@batch":
                batch = []
            elif cmd == "@expect-close":
                c = self.cur
                extra = c.pending(float(arg))
                for l in extra.split(b"\n"):
                    if l:
                        self.log("< (extra) " + show(l))
                self.log("< (closed)" if c.eof else "< (still open)")
                c.close()
                del self.conns[self.curname]
                self.cur = None
            elif cmd == "@wait-tracking":
                self.log("> GET TRACKING $TRACKID (until not PENDING)")
                deadline = time.monotonic() + 5
                while True:
                    self.cur.send(b"GET TRACKING " + (self.trackid or b"NONE") + b"\n")
                    ans = self.cur.readline(self.timeout)
                    if ans != b"PENDING" or time.monotonic() > deadline:
                        break
                    time.sleep(0.05)
                self.log("< " + (show(ans) if ans is not None else "(no reply)"))
            else:
                raise SystemExit("unknown directive " + cmd)
        for name in list(self.conns):
            self.switch(name)
            self.close_cur()


def main():
    if len(sys.argv) < 3 or "NUT_PORT" not in os.environ:
        raise SystemExit(__doc__)
    port, outdir = int(os.environ["NUT_PORT"]), sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for req in sys.argv[2:]:
        name = os.path.splitext(os.path.basename(req))[0]
        with open(req, "rb") as f, open(os.path.join(outdir, name + ".out"), "w") as out:
            Replay(port, out).run(f.readlines())


if __name__ == "__main__":
    main()
