#!/usr/bin/env python3
"""ttyout.py CMD...: run CMD with its standard output on a pseudo-terminal.

What CMD writes there is copied to our standard output, the terminal's
CR LF turned back into LF; standard input and standard error are ours.
Exit status: the command's, or 124 when it has not ended in 10 seconds.
"""
import os
import select
import subprocess
import sys


def main():
    master, slave = os.openpty()
    proc = subprocess.Popen(sys.argv[1:], stdout=slave, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        r, _, _ = select.select([master], [], [], 10)
        if not r:
            proc.kill()
            sys.exit(124)
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the terminal's last writer has gone
            break
        if not data:
            break
        out += data
    sys.stdout.buffer.write(out.replace(b"\r\n", b"\n"))
    sys.exit(proc.wait())


if __name__ == "__main__":
    main()
