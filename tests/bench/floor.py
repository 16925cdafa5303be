#!/usr/bin/env python3
"""The floor of interactive latency: what any gate program must do per event.

    tests/bench/floor.py FILE

For each line of standard input: append it to FILE (O_APPEND), fdatasync
FILE, write the line to standard output.  No parsing, no rules: the time a
line takes here is the disk's and the pipes', which cg-checkin's latency is
compared with in make bench.
"""

import os
import sys


def main(argv):
    if len(argv) != 1:
        sys.exit("usage: floor.py FILE")
    fd = os.open(argv[0], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    rd = sys.stdin.buffer.raw
    buf = b""
    while True:
        chunk = os.read(rd.fileno(), 65536)
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            os.write(fd, line + b"\n")
            os.fdatasync(fd)
            os.write(1, line + b"\n")
    os.close(fd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
