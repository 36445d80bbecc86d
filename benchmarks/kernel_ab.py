"""A change to one kernel, side by side: the same captured calls timed in this checkout
and in another one, in two processes that take turns.

Usage: .venv/bin/python benchmarks/kernel_ab.py --against DIR --kernel matching.accept_offers
       [--workers 1000000] [--warm-up 3] [--repeats 15] [--threads 1]
       [--scenario combined] [--policy package] [--seed 1]

``--kernel`` names a function of ``simulation.kernels`` (``module.function``: a numba
kernel or the Python function around one), or any function of the package by its full
path (``simulation.metrics.compose``). This checkout steps ``--warm-up`` months of
the run (burn-in skipped), then steps one more month recording the arguments of every
call of the function (copies, as they were at the call) and saves them to a temporary
file. A process in each checkout loads them, calls its own version of the function on
fresh copies once (compilation, first touches), and the parent then has the two time
the month's calls in turns (which side goes first alternates): one timing is the month's
calls, each on fresh copies of its arguments (the copying is not timed), one after
another. Printed: the median milliseconds of the month's calls on each side over
``--repeats`` timings, the median of the timing-by-timing ratio, and whether the two
versions computed the same thing bit for bit (their return values and every array
argument after the calls, which is where kernels write their results).

With ``--threads 1`` both children run on one CPU (``sides.one_cpu``). A kernel whose
month takes under a millisecond needs a few hundred ``--repeats``: with 25, the ratio
of the same change moved by 9% from run to run on the development machine.

The inputs are one month's real arguments (the shapes, the mix of statuses, the firms'
sizes of a real run), and both sides compute on the same bytes, so a few per cent show
that a month-level comparison (``ab_months.py``) cannot resolve on a shared machine.
The other checkout's function must take the same arguments (a change of signature
cannot be compared this way), and each array argument is its own copy (two arguments
that were views of one array are not any more). The arguments of every call are held
in memory: at millions of workers a kernel that takes the worker arrays needs their
size again per call.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sides


def module_of(name: str):
    """The module of ``--kernel``'s function: ``module.function`` in simulation.kernels,
    or a full path (``simulation.metrics.compose``) for the Python around the kernels."""
    module, _, _ = name.rpartition(".")
    if not module.startswith("simulation."):
        module = f"simulation.kernels.{module}"
    return importlib.import_module(module)


def function(name: str):
    return getattr(module_of(name), name.rpartition(".")[2])


def copies(args: tuple) -> tuple:
    return tuple(x.copy() if isinstance(x, np.ndarray) else x for x in args)


def capture(a: argparse.Namespace, path: str) -> int:
    """One month's calls of the function, with their arguments, saved to ``path``. The
    month runs phase by phase: a small model's month in one compiled call
    (``kernels.month``) calls its kernels from compiled code, where no wrapper sees
    them."""
    from simulation.kernels import month as month_kernels

    month_kernels.use_one_call(False)
    model = sides.fresh_model(a.scenario, a.policy, a.workers, a.warm_up + 1, a.seed)
    for _ in range(a.warm_up):
        model.step()
    sides.settle()
    module, attr = module_of(a.kernel), a.kernel.rpartition(".")[2]
    real = getattr(module, attr)
    calls: list[tuple] = []

    def record(*args, **kwargs):
        calls.append((copies(args), kwargs))
        return real(*args, **kwargs)

    setattr(module, attr, record)
    # The phases call kernels through their modules (``matching.accept_offers``); other
    # kernel modules may hold the function by name too.
    holders = [
        m
        for name, m in list(sys.modules.items())
        if name.startswith("simulation.") and getattr(m, attr, None) is real
    ]
    for holder in holders:
        setattr(holder, attr, record)
    try:
        model.step()
    finally:
        for holder in (module, *holders):
            setattr(holder, attr, real)
    with open(path, "wb") as f:
        pickle.dump(calls, f, protocol=5)
    return len(calls)


def serve(a: argparse.Namespace) -> None:
    """The child: load the calls, answer "time" with the seconds of the month's calls
    and "done" with a hash of what they computed."""
    with open(a.calls, "rb") as f:
        calls = pickle.load(f)
    fn = function(a.kernel)
    for args, kwargs in calls:  # compile or load, first touches
        fn(*copies(args), **kwargs)
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "time":
            seconds = 0.0
            for args, kwargs in calls:
                fresh = copies(args)
                t0 = time.perf_counter()
                fn(*fresh, **kwargs)
                seconds += time.perf_counter() - t0
            print(seconds, flush=True)
        else:
            digest = hashlib.sha1()
            for args, kwargs in calls:
                fresh = copies(args)
                digest.update(repr(fn(*fresh, **kwargs)).encode())
                for x in fresh:
                    if isinstance(x, np.ndarray):
                        digest.update(np.ascontiguousarray(x).tobytes())
            print(digest.hexdigest(), flush=True)
            return


def start(tree: str, a: argparse.Namespace, calls: str) -> subprocess.Popen:
    """A child of this script that times checkout ``tree``'s kernel, ready."""
    argv = ["--serve", "--calls", calls, "--kernel", a.kernel]
    return sides.child(str(Path(__file__).resolve()), argv, tree, a.threads, "kernel")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", metavar="DIR", help="another checkout, timed side by side")
    ap.add_argument(
        "--kernel",
        required=True,
        help="module.function in simulation.kernels, or simulation.module.function",
    )
    ap.add_argument("--workers", type=int, default=1_000_000)
    ap.add_argument("--warm-up", type=int, default=3, help="months stepped before capturing")
    ap.add_argument("--repeats", type=int, default=15, help="timings of the month's calls")
    sides.add_run_options(ap)
    ap.add_argument("--calls", help=argparse.SUPPRESS)
    a = sides.parse(ap, serve)
    if a is None:
        return
    if a.repeats < 1:
        ap.error("--repeats must be at least 1")
    trees = sides.checkouts(__file__, a.against)
    with tempfile.TemporaryDirectory(prefix="skillsim-kernel-ab-") as folder:
        path = os.path.join(folder, "calls.pickle")
        n_calls = capture(a, path)
        if n_calls == 0:
            raise SystemExit(f"{a.kernel} was not called in the month after the warm-up")
        print(f"{a.kernel}: {n_calls} call(s) in month {a.warm_up + 1} of {a.scenario} | "
              f"{a.policy}, {a.workers:,} workers, {a.threads} thread(s)")  # fmt: skip
        print(f"  this:  {trees['this']}\n  other: {trees['other']}")
        sides.one_cpu(a.threads)
        procs = {label: start(tree, a, path) for label, tree in trees.items()}
        times: dict[str, list[float]] = {"this": [], "other": []}
        for k in range(a.repeats):
            for label in ("this", "other") if k % 2 == 0 else ("other", "this"):
                times[label].append(float(sides.ask(procs[label], "time")))
        hashes = {label: sides.ask(proc, "done") for label, proc in procs.items()}
        for proc in procs.values():
            proc.wait()
    ratios = [x / y for x, y in zip(times["this"], times["other"], strict=True)]
    print(f"the month's calls: this {statistics.median(times['this']) * 1e3:.2f} ms, other "
          f"{statistics.median(times['other']) * 1e3:.2f} ms (medians of {a.repeats}); "
          f"this / other {statistics.median(ratios):.3f}")  # fmt: skip
    print(f"same results bit for bit: {'yes' if hashes['this'] == hashes['other'] else 'NO'}")
    print(sides.load())


if __name__ == "__main__":
    main()
