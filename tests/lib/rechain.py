#!/usr/bin/env python3
"""rechain.py FILE: recompute seq and chain of every line of a journal, as a
forger would after editing it (lib/store/journal.h: chain = SHA-256 of the
previous chain in hex and the line up to its "seq" field, closed with '}').
"""
import hashlib
import re
import sys

TAIL = re.compile(rb',"seq":[0-9]+,"chain":"[0-9a-f]{64}"\}$')

path = sys.argv[1]
with open(path, "rb") as f:
    lines = f.read().split(b"\n")[:-1]
chain = b"0" * 64
out = []
for seq, line in enumerate(lines, 1):
    body = TAIL.sub(b"", line) + b',"seq":%d}' % seq
    chain = hashlib.sha256(chain + body).hexdigest().encode()
    out.append(body[:-1] + b',"chain":"' + chain + b'"}')
with open(path, "wb") as f:
    f.write(b"".join(l + b"\n" for l in out))
