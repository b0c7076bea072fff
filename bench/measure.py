"""What one timed sample records: wall time, this process's CPU time, other processes' CPU use, peak RSS.

The machine is shared: a sample is "disturbed" when, while it ran, the other
processes on the machine kept more than ``DISTURBED_CORES`` cores busy on
average. Busy time comes from /proc/stat (all CPUs, all processes) minus this
process's own CPU time (all its threads, BLAS and OpenMP included).

Standard library only, so the runner can use it before NumPy is imported.

>>> with Sample() as s:
...     _ = sum(range(1000))
>>> s.seconds > 0 and s.other_cores >= 0
True
"""

import os
import resource
import statistics
import time

#: average number of cores kept busy by other processes above which a sample is marked
DISTURBED_CORES = 0.25

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def busy_cpu_seconds():
    """CPU seconds spent busy (not idle, not iowait) by the whole machine since boot, or None."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
    except OSError:
        return None
    # cpu user nice system idle iowait irq softirq steal ...
    values = [int(v) for v in fields[1:9]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / _TICK


def peak_rss_mb():
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Sample:
    """Context manager timing a block and measuring how busy the rest of the machine was.

    After the block: ``seconds`` (wall), ``cpu_seconds`` (this process),
    ``other_cores`` (average cores used by other processes, None when unknown)
    and ``disturbed``.
    """

    def __enter__(self):
        self._busy = busy_cpu_seconds()
        self._cpu = time.process_time()
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = time.process_time() - self._cpu
        busy = busy_cpu_seconds()
        if busy is None or self._busy is None:
            self.other_cores = None
        else:
            # /proc/stat ticks are coarse (10 ms): clamp the rounding below zero
            self.other_cores = max(0.0, (busy - self._busy - self.cpu_seconds) / self.seconds)
        self.disturbed = self.other_cores is not None and self.other_cores > DISTURBED_CORES
        return False

    def as_dict(self):
        """The measurements as plain numbers (for the worker protocol and JSON)."""
        return {
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
            "other_cores": self.other_cores,
            "disturbed": self.disturbed,
        }


def summarize(values):
    """Median, min and max of a list of numbers (None for an empty list).

    >>> summarize([3.0, 1.0, 2.0])
    {'median': 2.0, 'min': 1.0, 'max': 3.0, 'n': 3}
    """
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}
