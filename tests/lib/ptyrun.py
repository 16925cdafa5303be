#!/usr/bin/env python3
"""ptyrun.py [--stats FILE] [--stty FILE] SCRIPT TRANSCRIPT CMD...: drive CMD
on a pseudo-terminal.

CMD's standard input and standard error are the terminal; its standard
output is passed through to ours, so records can be checked apart from
the screen.  SCRIPT has one step a line, which waits until TEXT has
appeared on the screen since the previous step, then:

  TEXT<TAB>ANSWER         types ANSWER and Enter (a carriage return, as a
                          keyboard sends it); ^D and ^C alone type that key
  TEXT<TAB>KEYS<TAB>keys  types KEYS exactly, with \\r, \\x7f (Backspace),
                          \\x03 (Ctrl-C), \\x04 (Ctrl-D) and \\\\ decoded
  TEXT<TAB>DATA<TAB>scan  sends DATA and a carriage return in one write, as
                          a QR or barcode scanner does: not typed by the guard
  TEXT<TAB>SIG<TAB>signal sends signal SIG (TERM, HUP, INT) to CMD

--stats FILE writes "typed N" and "scanned N", the bytes typed and
scanned.  --stty FILE writes the output of `stty -g` run on the terminal
before CMD starts and after it ends, one line each.  The screen is saved
to TRANSCRIPT.  Exit status: the command's, or 124 when a step times out.
"""
import os
import select
import signal
import subprocess
import sys
import time


def decode(keys):
    out = keys
    for esc, key in (("\\r", "\r"), ("\\x7f", "\x7f"), ("\\x03", "\x03"),
                     ("\\x04", "\x04"), ("\\x1b", "\x1b"), ("\\\\", "\\")):
        out = out.replace(esc, key)
    return out.encode()


def parse(script):
    steps = []
    with open(script, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                fields = line.split("\t")
                text, answer = fields[0], fields[1] if len(fields) > 1 else ""
                mode = fields[2] if len(fields) > 2 else "line"
                steps.append((text, answer, mode))
    return steps


def stty(slave):
    return subprocess.run(["stty", "-g"], stdin=slave, capture_output=True,
                          text=True).stdout


def main():
    args = sys.argv[1:]
    opts = {}
    while args and args[0] in ("--stats", "--stty"):
        opts[args[0]] = args[1]
        args = args[2:]
    script, transcript, cmd = args[0], args[1], args[2:]
    steps = parse(script)
    master, slave = os.openpty()
    before = stty(slave) if "--stty" in opts else ""
    proc = subprocess.Popen(cmd, stdin=slave, stderr=slave, close_fds=True)
    if "--stty" not in opts:
        os.close(slave)
    screen = b""
    seen = 0
    status = None
    typed = scanned = 0

    def read_some(timeout):
        nonlocal screen
        r, _, _ = select.select([master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(master, 4096)
        except OSError:
            return False
        screen += data
        return bool(data)

    for text, answer, mode in steps:
        want = text.encode()
        deadline = time.time() + 10
        while want not in screen[seen:]:
            if time.time() > deadline or not read_some(0.2) and proc.poll() is not None:
                sys.stderr.write("ptyrun: timed out waiting for %r\n" % text)
                status = 124
                break
        if status is not None:
            break
        seen = screen.index(want, seen) + len(want)
        if mode == "signal":
            proc.send_signal(getattr(signal, "SIG" + answer))
            continue
        if mode == "scan":
            data = answer.encode() + b"\r"
            scanned += len(data)
        elif mode == "keys":
            data = decode(answer)
            typed += len(data)
        else:
            data = {"^D": b"\x04", "^C": b"\x03"}.get(answer, answer.encode() + b"\r")
            typed += len(data)
        os.write(master, data)
    if status is None:
        try:
            status = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            status = 124
    while read_some(0.1):
        pass
    with open(transcript, "wb") as f:
        f.write(screen)
    if "--stats" in opts:
        with open(opts["--stats"], "w") as f:
            f.write("typed %d\nscanned %d\n" % (typed, scanned))
    if "--stty" in opts:
        with open(opts["--stty"], "w") as f:
            f.write(before + stty(slave))
    sys.exit(status)


if __name__ == "__main__":
    main()
