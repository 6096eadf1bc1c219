"""How busy the shared machine is with work that is not the benchmark's.

The benchmarks run on a machine other people use (test suites, browsers): a measurement taken
while they run says more about them than about the forum. `Watch` counts the CPU time the whole
machine spent (from /proc/stat, with the time the hypervisor stole) and subtracts what the
benchmark's own processes spent (their /proc/<pid>/stat, children included, and the finished
children of this process, e.g. wrk): what is left is others' share of the machine's cores.

    watch = Watch()                   # this process and its descendants are the benchmark
    watch.wait_until_quiet()          # before a measurement
    with watch.measure() as seen:     # around it
        run()
    if seen.foreign > 0.10: ...       # others used more than a tenth of the cores: measure again
"""

import os
import resource
import time
from contextlib import contextmanager

TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


def _machine_ticks():
    """(busy ticks, stolen ticks, all ticks) of every core since boot."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq = fields[:7]
    steal = fields[7] if len(fields) > 7 else 0
    return user + nice + system + irq + softirq, steal, sum(fields[:8])


def _process_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # utime, stime, and the waited-for children's cutime, cstime
    return int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])


def _descendants(pids):
    found, todo = set(), list(pids)
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.add(pid)
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                todo += [int(c) for c in children.read().split()]
        except OSError:
            pass
    return found


class Seen:
    foreign = 0.0  # others' share of all cores (0..1), the time stolen included
    seconds = 0.0


class Watch:
    def __init__(self, own_pids=list):
        # A callable: processes of the benchmark's besides this one's descendants (which count).
        self.own_pids = own_pids

    def _own_ticks(self):
        pids = _descendants([os.getpid(), *self.own_pids()]) - {os.getpid()}
        this = sum(
            usage.ru_utime + usage.ru_stime
            for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
        )
        return sum(_process_ticks(pid) for pid in pids) + this * TICKS

    def _snapshot(self):
        busy, steal, total = _machine_ticks()
        return busy, steal, total, self._own_ticks(), time.perf_counter()

    @staticmethod
    def _foreign(before, after):
        busy, steal, total = (after[i] - before[i] for i in range(3))
        own = after[3] - before[3]
        if total <= 0:
            return 0.0
        # A process of ours that ended in the window counts once waited for: by this process
        # (RUSAGE_CHILDREN) or by one of ours (its parent's cutime).
        return max(0.0, (busy - own + steal) / total)

    @contextmanager
    def measure(self):
        seen = Seen()
        before = self._snapshot()
        yield seen
        after = self._snapshot()
        seen.foreign, seen.seconds = self._foreign(before, after), after[4] - before[4]

    def foreign_now(self, seconds=1.0):
        with self.measure() as seen:
            time.sleep(seconds)
        return seen.foreign

    def wait_until_quiet(self, below=0.10, timeout=600, quiet_seconds=2):
        """Wait until others use less than `below` of the cores for `quiet_seconds` in a row (at
        most `timeout` s). Returns (seconds waited, the last share seen)."""
        started, calm = time.perf_counter(), 0
        while True:
            share = self.foreign_now(1.0)
            calm = calm + 1 if share < below else 0
            if calm >= quiet_seconds or time.perf_counter() - started > timeout:
                return time.perf_counter() - started, share
