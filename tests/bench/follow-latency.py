#!/usr/bin/env python3
"""Append-to-row latency of cg-sync push --follow into ClickHouse.

    tests/bench/follow-latency.py --home DIR --cg-checkin BIN --url URL
                                  [--count N] [--pause S]

With a cg-sync push --follow of DIR's journals already running, appends N
check-ins one at a time (cg-checkin, a pause of S seconds between them:
a gate's pace), and polls ClickHouse at URL every 20 ms for the number of
rows of DIR's compound on the day.  The latency of the k-th check-in is
from cg-checkin's exit (journaled, durable) to the first poll that sees k
more rows than at the start (time.perf_counter_ns).

Prints "key=value" on one line:
  n=N p50_s= p90_s= p99_s= max_s=
p99 is the nearest-rank 99th percentile.  Exits 1 when a row never came
(60 s after the last append).
"""

import argparse
import json
import math
import subprocess
import threading
import time
import urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("--home", required=True)
ap.add_argument("--cg-checkin", required=True)
ap.add_argument("--url", required=True)
ap.add_argument("--compound", required=True)
ap.add_argument("--day", required=True)
ap.add_argument("--count", type=int, default=60)
ap.add_argument("--pause", type=float, default=0.25)
a = ap.parse_args()

QUERY = ("SELECT uniqExact(rid) FROM cg_checkin WHERE day = toDate('%s') AND compound = '%s'"
         % (a.day, a.compound))


def rows():
    req = urllib.request.Request(a.url, data=QUERY.encode())
    with urllib.request.urlopen(req) as r:
        return int(r.read().decode().strip())


base = rows()
appended = []
seen = {}
done = threading.Event()


def poll():
    while not done.is_set():
        n = rows() - base
        t = time.perf_counter_ns()
        for k in range(1, n + 1):
            seen.setdefault(k, t)
        time.sleep(0.02)


th = threading.Thread(target=poll, daemon=True)
th.start()
for i in range(a.count):
    ev = {"gate": "north", "dir": "in", "kind": "resident", "household": "9-9-%d" % (i + 1),
          "temp": 36.5, "mask": True}
    subprocess.run([a.cg_checkin, "--home", a.home], input=json.dumps(ev) + "\n",
                   text=True, check=True, stdout=subprocess.DEVNULL)
    appended.append(time.perf_counter_ns())
    time.sleep(a.pause)
deadline = time.time() + 60
while len(seen) < a.count and time.time() < deadline:
    time.sleep(0.05)
done.set()
th.join()
if len(seen) < a.count:
    print("n=%d missing=%d" % (a.count, a.count - len(seen)))
    raise SystemExit(1)
lat = sorted((seen[k + 1] - appended[k]) / 1e9 for k in range(a.count))


def rank(p):
    return lat[max(0, math.ceil(p / 100 * len(lat)) - 1)]


print("n=%d p50_s=%.2f p90_s=%.2f p99_s=%.2f max_s=%.2f"
      % (len(lat), rank(50), rank(90), rank(99), lat[-1]))
