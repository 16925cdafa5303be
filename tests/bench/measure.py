#!/usr/bin/env python3
"""Run one command and measure it.

    tests/bench/measure.py [--no-rss] [--stdin FILE] [--stdout FILE] [--stderr FILE] -- CMD [ARG]...

Prints one line
    elapsed=SECONDS cpu=SECONDS maxrss_kb=KB rss_from=SOURCE status=N
on standard output: the wall-clock time from just before the spawn to the
child's exit (time.perf_counter_ns), user+system CPU time (wait4), the
command's own peak resident set size, and its exit status (128+SIG when
killed).  Exits with the command's status.

Peak RSS is not taken from this process's wait4: ru_maxrss survives execve,
so a child forked from Python starts with Python's ~10 MB high-water mark
and every figure below that would read as ~10 MB.  Instead the command runs
under GNU time (/usr/bin/time -f %M, a small C program: ~1 MB baseline),
rss_from=gnu-time; without GNU time, VmHWM of the child is sampled from
/proc/PID/status every 2 ms after the exec (the high-water mark of the new
image only), rss_from=vmhwm, which can miss growth in the last 2 ms.

With --no-rss the command is the child itself, waited for at once:
maxrss_kb=-1 rss_from=none, and elapsed and cpu are the command's alone,
without GNU time's own exec (about 1 ms of wall and 0.4 ms of CPU here,
which matter for calls that take a few milliseconds) or the 2 ms polling.
"""

import os
import subprocess
import sys
import tempfile
import time

GNU_TIME = os.environ.get("BENCH_GNU_TIME", "/usr/bin/time")


def have_gnu_time():
    try:
        out = subprocess.run([GNU_TIME, "--version"], capture_output=True, text=True)
    except OSError:
        return False
    return "GNU" in out.stdout + out.stderr


def vmhwm(pid, exe):
    """VmHWM in kB of pid once it runs exe, else None."""
    try:
        if os.readlink("/proc/%d/exe" % pid) != exe:
            return None
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def main(argv):
    files = {"--stdin": None, "--stdout": None, "--stderr": None}
    no_rss = False
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] == "--no-rss":
            no_rss = True
            i += 1
            continue
        if argv[i] not in files or i + 1 >= len(argv):
            sys.exit("usage: measure.py [--no-rss] [--stdin F] [--stdout F] [--stderr F] -- CMD...")
        files[argv[i]] = argv[i + 1]
        i += 2
    cmd = argv[i + 1:]
    if not cmd:
        sys.exit("measure.py: no command")

    rss_file = None
    if no_rss:
        argv_run = cmd
        source = "none"
    elif have_gnu_time():
        fd, rss_file = tempfile.mkstemp(prefix="cg-bench-rss.")
        os.close(fd)
        argv_run = [GNU_TIME, "-f", "%M", "-o", rss_file, "--"] + cmd
        source = "gnu-time"
    else:
        argv_run = cmd
        source = "vmhwm"
        exe = os.path.realpath(cmd[0] if "/" in cmd[0] else
                               next((os.path.join(d, cmd[0]) for d in
                                     os.environ.get("PATH", "").split(":")
                                     if os.access(os.path.join(d, cmd[0]), os.X_OK)),
                                    cmd[0]))

    fds = {}
    if files["--stdin"]:
        fds[0] = os.open(files["--stdin"], os.O_RDONLY)
    if files["--stdout"]:
        fds[1] = os.open(files["--stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if files["--stderr"]:
        fds[2] = os.open(files["--stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)

    t0 = time.perf_counter_ns()
    # posix_spawn (vfork and exec) rather than fork: a child forked from
    # Python first copies Python's page tables and faults its pages in,
    # some 2 ms of CPU charged to the command (wait4) before its exec.
    actions = [(os.POSIX_SPAWN_DUP2, fd, target) for target, fd in fds.items()]
    try:
        pid = os.posix_spawnp(argv_run[0], argv_run, os.environ, file_actions=actions)
    except OSError as e:
        sys.stderr.write("measure.py: %s: %s\n" % (argv_run[0], e.strerror))
        return 127
    for fd in fds.values():
        os.close(fd)

    peak = 0
    if no_rss:
        _, wstatus, ru = os.wait4(pid, 0)
        peak = -1
    elif rss_file:
        _, wstatus, ru = os.wait4(pid, 0)
    else:
        while True:
            wpid, wstatus, ru = os.wait4(pid, os.WNOHANG)
            if wpid == pid:
                break
            hwm = vmhwm(pid, exe)
            if hwm is not None:
                peak = hwm
            time.sleep(0.002)
    t1 = time.perf_counter_ns()
    status = os.waitstatus_to_exitcode(wstatus)
    if status < 0:
        status = 128 - status
    if rss_file:
        # GNU time writes "Command exited with non-zero status N" first.
        with open(rss_file) as f:
            lines = [ln for ln in f.read().splitlines() if ln.strip()]
        os.unlink(rss_file)
        try:
            peak = int(lines[-1])
        except (IndexError, ValueError):
            peak = -1
    print("elapsed=%.6f cpu=%.6f maxrss_kb=%d rss_from=%s status=%d" % (
        (t1 - t0) / 1e9, ru.ru_utime + ru.ru_stime, peak, source, status))
    sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
