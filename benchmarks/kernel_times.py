"""Where a month's time goes, kernel by kernel: wall time of every kernel call of the
month (and of the Python functions around kernels, such as ``matching.apply_and_offer``).

Usage: .venv/bin/python benchmarks/kernel_times.py [--workers 1000000] [--months 6]
       [--scenario combined] [--policy package] [--top 30] [--nested | --idle]

Builds the run (burn-in skipped: the months start from the initial state), steps a year
untimed (compilation of every kernel, the yearly and quarterly ones included; first
touches), then wraps every function of the kernel
modules and steps ``--months`` months. Printed: the month's median wall time, then per
function the milliseconds per month and calls per month, largest first. The months run
phase by phase (a small model's month in one compiled call, ``kernels.month``, is turned
off: its kernels' calls would not be seen). By default
only outermost calls count (what the month's phases call); ``--nested`` also counts the
calls made inside them (a parallel loop's pieces: their times add up over threads).

Kernels that run beside the calling thread (the Gini and the employability estimate,
``parallel.start``) are timed in their own thread: with more than one thread, the
listed times add up to more than the month. ``skillsim run --profile`` gives the same
month by phase.

``--idle``: where the other cores wait. For the calls the model's own thread makes, the
process's CPU time during the call is taken too (``getrusage``: every thread's), and
the listing is ordered by the cores' idle milliseconds a month, threads x wall - CPU: a
serial kernel on two threads idles a core for its whole time, a parallel loop for its
uneven ends and hand-overs. (Only the calling thread's calls are listed then: the
pieces the pool threads run are inside them.)
"""

from __future__ import annotations

import argparse
import collections
import importlib
import resource
import statistics
import threading
import time
import types

import sides

WARM_UP = 12  # months stepped before the timing


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=6)
    ap.add_argument("--scenario", default="combined")
    ap.add_argument("--policy", default="package")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--nested", action="store_true", help="count calls inside others too")
    ap.add_argument("--idle", action="store_true", help="order by the cores' idle time")
    a = ap.parse_args()
    if a.months < 1:
        ap.error("--months must be at least 1")
    if a.idle and a.nested:
        ap.error("--idle lists the calling thread's outermost calls: not with --nested")

    import numba

    from simulation.kernels import MODULES
    from simulation.kernels import month as month_kernels

    # Phase by phase: a small model's month in one compiled call (kernels.month) calls
    # its kernels from compiled code, where the wrappers below cannot see them.
    month_kernels.use_one_call(False)
    # A year untimed first: every kernel, the yearly cohort's and the quarterly
    # curricula's included, compiles (or loads) before the wrappers below replace the
    # module globals, which a kernel compiled later would be typed against (and fail).
    # (A kernel first called later, under a shock or policy that starts after month 12,
    # would still fail so.)
    model = sides.fresh_model(a.scenario, a.policy, a.workers, a.months + WARM_UP)
    sides.month_seconds(model, WARM_UP)

    seconds: collections.Counter = collections.Counter()
    cpu: collections.Counter = collections.Counter()
    calls: collections.Counter = collections.Counter()
    lock = threading.Lock()
    local = threading.local()
    main_thread = threading.main_thread()

    def cpu_seconds() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def wrap(label: str, f):
        def timed(*args, **kwargs):
            depth = getattr(local, "depth", 0)
            if depth and not a.nested:
                return f(*args, **kwargs)
            if a.idle and threading.current_thread() is not main_thread:
                return f(*args, **kwargs)
            local.depth = depth + 1
            c0 = cpu_seconds() if a.idle else 0.0
            t0 = time.perf_counter()
            try:
                return f(*args, **kwargs)
            finally:
                dt = time.perf_counter() - t0
                dc = cpu_seconds() - c0 if a.idle else 0.0
                local.depth = depth
                with lock:
                    seconds[label] += dt
                    cpu[label] += dc
                    calls[label] += 1

        return timed

    for name in (*MODULES, "order"):
        mod = importlib.import_module(f"simulation.kernels.{name}")
        for attr, f in list(vars(mod).items()):
            is_function = hasattr(f, "py_func") or isinstance(f, types.FunctionType)
            if is_function and getattr(f, "__module__", None) == mod.__name__:
                setattr(mod, attr, wrap(f"{name}.{attr}", f))

    c0 = cpu_seconds()
    months = sides.month_seconds(model, a.months)
    month_cpu = (cpu_seconds() - c0) / a.months
    threads = numba.get_num_threads()
    print(f"machine: {sides.machine()}")
    print(f"numba threads {threads}; {sides.load()}")
    print(f"{a.scenario} | {a.policy}, {a.workers:,} workers, {a.months} months: "
          f"{statistics.median(months) * 1e3:.1f} ms a month (median)")  # fmt: skip
    per = 1e3 / a.months
    if a.idle:
        wall = sum(months) / a.months
        print(f"a month: {wall * 1e3:.1f} ms wall (mean), {month_cpu * 1e3:.1f} ms CPU, "
              f"{month_cpu / wall:.2f} cores busy of {threads}")  # fmt: skip
        idle = {k: threads * seconds[k] - cpu[k] for k in seconds}
        print(f"{'function':44s} {'ms/month':>10s} {'CPU ms':>8s} {'idle core ms':>13s}")
        for label in sorted(idle, key=idle.get, reverse=True)[: a.top]:
            print(f"{label:44s} {seconds[label] * per:10.2f} {cpu[label] * per:8.2f} "
                  f"{idle[label] * per:13.2f}")  # fmt: skip
        print(f"{'all listed':44s} {sum(seconds.values()) * per:10.2f} "
              f"{sum(cpu.values()) * per:8.2f} {sum(idle.values()) * per:13.2f}")  # fmt: skip
        return
    print(f"{'function':44s} {'ms/month':>10s} {'calls/month':>12s}")
    for label, s in seconds.most_common(a.top):
        print(f"{label:44s} {s * per:10.2f} {calls[label] / a.months:12.1f}")
    total = sum(seconds.values()) / a.months
    print(f"{'all listed' if a.nested else 'all outermost calls':44s} {total * 1e3:10.2f}")


if __name__ == "__main__":
    main()
