#!/usr/bin/env python3
"""Interactive latency of cg-checkin: one event in, wait for its decision.

    tests/bench/latency.py [--lines N] [--warmup N] [--timeout S] [--pause S]
                           [--no-ts] -- CMD [ARG]...

Starts CMD with a pipe as standard input and a pipe as standard output,
then, for each of WARMUP + N generated events, writes the line and waits
until the whole decision line can be read.  The latency of a line is from
just before the write to just after its newline arrives
(time.perf_counter_ns); the warm-up lines are not counted.  With --pause,
it waits S seconds after each decision before the next event, as a gate
does between people (a disk that was idle is slower to sync than one
kept busy).  With --no-ts the events carry no "ts": the command's clock
(--now) places them.  Then it closes
the input and waits for CMD to exit.

Prints "key=value" lines on standard output:
  status=ok|stalled|died|exited   ok, or why it stopped early
  lines=N  median_ms=  p90_ms=  p99_ms=  max_ms=  mean_ms=
  exit=N   the command's exit status
  cpu_ms=  the command's user+system CPU time, its whole run (wait4)
p99 is the nearest-rank 99th percentile.  "stalled" means a decision did
not arrive within --timeout seconds (the command is then killed and, if
nothing at all came back, stalled_first=1).  Exits 0 unless it could not
run at all.
"""

import math
import re
import os
import select
import signal
import statistics
import subprocess
import sys
import time

import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "gen_events", os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen-events.py"))
gen_events = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen_events)


def percentile(sorted_vals, p):
    k = max(0, math.ceil(p / 100.0 * len(sorted_vals)) - 1)
    return sorted_vals[k]


def main(argv):
    lines, warmup, timeout, pause, no_ts = 1000, 20, 5.0, 0.0, False
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] == "--lines":
            lines = int(argv[i + 1])
        elif argv[i] == "--warmup":
            warmup = int(argv[i + 1])
        elif argv[i] == "--timeout":
            timeout = float(argv[i + 1])
        elif argv[i] == "--pause":
            pause = float(argv[i + 1])
        elif argv[i] == "--no-ts":
            no_ts = True
            i -= 1
        else:
            sys.exit("usage: latency.py [--lines N] [--warmup N] [--timeout S] [--pause S] [--no-ts] -- CMD...")
        i += 2
    cmd = argv[i + 1:]
    if not cmd:
        sys.exit("latency.py: no command")

    events = gen_events.events(warmup + lines, until="19:59", seed=7)
    if no_ts:
        events = [re.sub(r'"ts":"[^"]*",?', "", ev) for ev in events]
    events = [(ev + "\n").encode() for ev in events]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            bufsize=0)
    wfd, rfd = proc.stdin.fileno(), proc.stdout.fileno()
    poller = select.poll()
    poller.register(rfd, select.POLLIN)
    pending = b""
    samples = []
    status = "ok"
    got_any = False

    for n, ev in enumerate(events):
        t0 = time.perf_counter_ns()
        try:
            os.write(wfd, ev)
        except BrokenPipeError:
            status = "died"
            break
        deadline = t0 + int(timeout * 1e9)
        while b"\n" not in pending:
            left = (deadline - time.perf_counter_ns()) / 1e6
            if left <= 0 or not poller.poll(max(1, int(left))):
                if time.perf_counter_ns() >= deadline:
                    status = "stalled"
                    break
                continue
            chunk = os.read(rfd, 65536)
            if not chunk:
                status = "exited"
                break
            pending += chunk
        if status != "ok":
            break
        t1 = time.perf_counter_ns()
        got_any = True
        pending = pending.split(b"\n", 1)[1]
        if n >= warmup:
            samples.append((t1 - t0) / 1e6)
        if pause:
            time.sleep(pause)

    if status == "stalled":
        proc.send_signal(signal.SIGTERM)
    try:
        proc.stdin.close()
    except BrokenPipeError:
        pass
    try:
        rest = proc.stdout.read()
    except OSError:
        rest = b""
    _, wstatus, ru = os.wait4(proc.pid, 0)
    code = proc.returncode = os.waitstatus_to_exitcode(wstatus)
    print("status=%s" % status)
    if status == "stalled":
        print("stalled_first=%d" % (0 if got_any else 1))
        print("late_output_lines=%d" % (pending + rest).count(b"\n"))
    print("lines=%d" % len(samples))
    if samples:
        s = sorted(samples)
        print("median_ms=%.3f" % statistics.median(s))
        print("p90_ms=%.3f" % percentile(s, 90))
        print("p99_ms=%.3f" % percentile(s, 99))
        print("max_ms=%.3f" % s[-1])
        print("mean_ms=%.3f" % statistics.fmean(s))
    print("exit=%d" % code)
    print("cpu_ms=%.3f" % ((ru.ru_utime + ru.ru_stime) * 1000))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
