#!/usr/bin/env python3
"""Run one command and measure it.

    tests/bench/measure.py [--stdin FILE] [--stdout FILE] [--stderr FILE] -- CMD [ARG]...

Prints one line "elapsed=SECONDS cpu=SECONDS maxrss_kb=KB status=N" on
standard output: the wall-clock time from just before the fork to the
child's exit (time.perf_counter_ns), the child's own user+system CPU time
and peak resident set size (from wait4, so nothing else is counted), and
its exit status (128+SIG when killed).  Exits with the command's status.
"""

import os
import sys
import time


def main(argv):
    files = {"--stdin": None, "--stdout": None, "--stderr": None}
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] not in files or i + 1 >= len(argv):
            sys.exit("usage: measure.py [--stdin F] [--stdout F] [--stderr F] -- CMD...")
        files[argv[i]] = argv[i + 1]
        i += 2
    cmd = argv[i + 1:]
    if not cmd:
        sys.exit("measure.py: no command")

    fds = {}
    if files["--stdin"]:
        fds[0] = os.open(files["--stdin"], os.O_RDONLY)
    if files["--stdout"]:
        fds[1] = os.open(files["--stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if files["--stderr"]:
        fds[2] = os.open(files["--stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)

    t0 = time.perf_counter_ns()
    pid = os.fork()
    if pid == 0:
        try:
            for target, fd in fds.items():
                os.dup2(fd, target)
            os.execvp(cmd[0], cmd)
        except OSError as e:
            os.write(2, ("measure.py: %s: %s\n" % (cmd[0], e.strerror)).encode())
        os._exit(127)
    for fd in fds.values():
        os.close(fd)
    _, wstatus, ru = os.wait4(pid, 0)
    t1 = time.perf_counter_ns()
    status = os.waitstatus_to_exitcode(wstatus)
    if status < 0:
        status = 128 - status
    print("elapsed=%.6f cpu=%.6f maxrss_kb=%d status=%d" % (
        (t1 - t0) / 1e9, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, status))
    sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
