#!/usr/bin/env python3
"""Time commands in alternating rounds: A B A B ... (or A B C A B C ...).

    tests/bench/paired.py --runs N [--prepare CMD] -- NAME CMD [NAME CMD]...

Each CMD is a shell command (sh -c), so that it can be a pipeline or read a
file on its standard input; it must exit 0.  Round r runs every command
once, in the order given, each after --prepare (not timed), so that the
load of a busy machine falls on every side alike.  The wall time of a run
is from just before the fork to the exit (time.perf_counter_ns); its CPU
time is user + system of the shell and everything it waited for (wait4 on
Linux counts reaped descendants).

Prints, per command, "name=NAME wall=MEDIAN cpu=MEDIAN walls=a,b,..
cpus=a,b,.." and, for each command after the first, the medians of the
per-round ratios against the first: "ratio NAME/FIRST wall=X cpu=Y" (the
ratio of each round, then the median: a round's slow machine weighs on both
sides of its ratio).  Exits 1 when a command fails.

hyperfine (Debian's 1.15) times each command's runs back to back, not in
alternation (sharkdp/hyperfine#21), which is why this exists.
"""

import os
import statistics
import subprocess
import sys
import time


def run(cmd):
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(["sh", "-c", cmd])
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter_ns()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.stderr.write("paired.py: exit %d: %s\n" % (p.returncode, cmd))
        sys.exit(1)
    return (t1 - t0) / 1e9, ru.ru_utime + ru.ru_stime


def main(argv):
    runs, prepare = 3, None
    while argv and argv[0] != "--":
        if argv[0] == "--runs":
            runs = int(argv[1])
        elif argv[0] == "--prepare":
            prepare = argv[1]
        else:
            sys.exit("usage: paired.py --runs N [--prepare CMD] -- NAME CMD [NAME CMD]...")
        argv = argv[2:]
    argv = argv[1:]
    if len(argv) < 2 or len(argv) % 2:
        sys.exit("usage: paired.py --runs N [--prepare CMD] -- NAME CMD [NAME CMD]...")
    sides = [(argv[i], argv[i + 1]) for i in range(0, len(argv), 2)]
    res = {name: [] for name, _ in sides}
    for _ in range(runs):
        for name, cmd in sides:
            if prepare:
                subprocess.run(["sh", "-c", prepare], check=True)
            res[name].append(run(cmd))
    for name, _ in sides:
        w = [x[0] for x in res[name]]
        c = [x[1] for x in res[name]]
        print("name=%s wall=%.4f cpu=%.4f walls=%s cpus=%s" % (
            name, statistics.median(w), statistics.median(c),
            ",".join("%.3f" % x for x in w), ",".join("%.3f" % x for x in c)))
    first = sides[0][0]
    for name, _ in sides[1:]:
        rw = [b[0] / a[0] for a, b in zip(res[first], res[name])]
        rc = [b[1] / a[1] if a[1] > 0 else 0 for a, b in zip(res[first], res[name])]
        print("ratio=%s/%s wall=%.3f cpu=%.3f" % (
            name, first, statistics.median(rw), statistics.median(rc)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
