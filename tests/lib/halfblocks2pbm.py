#!/usr/bin/env python3
"""halfblocks2pbm.py SCALE < text > image.pbm: the QR codes that cg-pass
print --format txt draws with half blocks, back to a black-on-white bitmap
(light modules are ink there, for dark terminals), so zbarimg can read
them.  Lines without block characters end a code; codes are stacked."""
import sys

scale = int(sys.argv[1]) if len(sys.argv) > 1 else 4
UPPER, LOWER, FULL = "\u2580", "\u2584", "\u2588"
rows = []
for line in sys.stdin.read().split("\n"):
    if not any(c in line for c in (UPPER, LOWER, FULL)) and line.strip():
        continue
    top, bottom = [], []
    for c in line:
        top.append(c in (UPPER, FULL))
        bottom.append(c in (LOWER, FULL))
    rows += [top, bottom]
width = max((len(r) for r in rows), default=0)
out = ["P1", "%d %d" % (width * scale, len(rows) * scale)]
for r in rows:
    # light in the drawing = white in the image
    bits = " ".join("0" if (i < len(r) and r[i]) else "1" for i in range(width) for _ in range(scale))
    out += [bits] * scale
sys.stdout.write("\n".join(out) + "\n")
