#!/usr/bin/env python3
"""ptyrun.py SCRIPT TRANSCRIPT CMD...: drive CMD on a pseudo-terminal.

CMD's standard input and standard error are the terminal; its standard
output is passed through to ours, so records can be checked apart from
the screen.  SCRIPT has one step a line: TEXT<TAB>ANSWER waits until TEXT
has appeared on the screen since the previous step, then types ANSWER and
a newline; an ANSWER of ^D sends end of input.  The screen is saved to
TRANSCRIPT.  Exit status: the command's, or 124 when a step times out.
"""
import os
import select
import subprocess
import sys
import time


def main():
    script, transcript, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    steps = []
    with open(script, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                text, _, answer = line.partition("\t")
                steps.append((text, answer))
    master, slave = os.openpty()
    proc = subprocess.Popen(cmd, stdin=slave, stderr=slave, close_fds=True)
    os.close(slave)
    screen = b""
    seen = 0
    status = None

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

    for text, answer in steps:
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
        os.write(master, b"\x04" if answer == "^D" else answer.encode() + b"\n")
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
    sys.exit(status)


if __name__ == "__main__":
    main()
