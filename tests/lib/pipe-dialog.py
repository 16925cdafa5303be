#!/usr/bin/env python3
"""pipe-dialog.py N CMD...: send N lines to CMD over a pipe one at a time,
waiting (at most 5 s) for each line's answer before sending the next, as a
program that talks to a cg command would.  Exit 1 if an answer is missing."""
import select
import subprocess
import sys

n, cmd = int(sys.argv[1]), sys.argv[2:]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
line = b'{"gate":"north","dir":"in","kind":"staff","temp":36.5,"mask":true}\n'
for i in range(n):
    p.stdin.write(line)
    p.stdin.flush()
    r, _, _ = select.select([p.stdout], [], [], 5)
    if not r or not p.stdout.readline():
        sys.stderr.write("no answer to line %d\n" % (i + 1))
        p.kill()
        sys.exit(1)
p.stdin.close()
sys.exit(p.wait())
