"""The C allocator told to keep the memory a month frees, for the next month to reuse.

A month's kernels allocate work arrays whose size follows the month (the round's
applications and their scores, the firms' orders of them, the employability sample)
and free them before the month ends. With glibc's default settings, an allocation of
more than a threshold (128 KiB at first, rising with the largest block freed, to at
most 32 MiB) is mapped fresh from the kernel and unmapped when freed, and the free
memory at the top of the heap is returned to the kernel once it exceeds twice that
threshold. At a city's size (10,000,000 workers) the months' arrays are tens of
megabytes, so every month mapped, zeroed and unmapped them anew: ~27,000 page faults
and 0.1-0.3 s of kernel time a month (and every unmap in a process with threads on
both cores flushes the other core's address translations too; BENCHMARKS.md, "Memory a
month maps anew"). At 1,000,000 workers and below the rising threshold already kept
the arrays in the heap.

``keep_freed_memory()`` fixes the threshold at glibc's upper limit (32 MiB: larger
blocks are still mapped, and the kernels keep their own buffers for those, e.g. the
Gini's) and keeps up to 1 GiB of free memory at the top of the heap instead of
returning it. That changes how fast memory is reused, never what a run computes. The
process's peak memory changes little (the blocks were in use at the peak anyway: a
city's peak went from 202 to 214 bytes per worker, with the Gini's buffers now held
too), but a process keeps up to 1 GiB of freed memory after its last model, until it
exits.

A model of ``FROM_WORKERS`` workers or more calls it at its set-up: below, glibc's
rising threshold keeps a month's arrays anyway (none of a 1,000,000-worker month's
were mapped anew), and small runs, the cold start's included, keep glibc's defaults
(a cold start with the setting took ~1 s longer in one side-by-side comparison).

It acts only where it can and should: on Linux with glibc, once per process, and not
when the user has set the allocator's own environment (``MALLOC_TRIM_THRESHOLD_``,
``MALLOC_MMAP_THRESHOLD_`` or ``glibc.malloc`` tunables), or ``SKILLSIM_KEEP_FREED=0``
(benchmarks use it to compare the two).
"""

from __future__ import annotations

import ctypes
import functools
import os
import platform

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # glibc's largest on 64-bit systems (HEAP_MAX_SIZE / 2)
TRIM_THRESHOLD = 1 << 30
FROM_WORKERS = 1_000_000  # models from this size up set it (``Engine._set_up``)
USER_SETTINGS = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_")


@functools.cache
def keep_freed_memory() -> bool:
    """Set glibc's thresholds as above, once per process; whether they were set."""
    if os.environ.get("SKILLSIM_KEEP_FREED", "1") == "0":
        return False
    if any(name in os.environ for name in USER_SETTINGS):
        return False
    if "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # (the process's own symbols: glibc's)
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success, 0 when glibc refuses the value
    mmap_set = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    trim_set = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    return mmap_set and trim_set
