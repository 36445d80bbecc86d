"""A month's cost against the model's size: the part that does not shrink with it.

Usage: .venv/bin/python benchmarks/fixed_cost.py [--sizes 1000 2000 5000 20000]
       [--months 60] [--scenario combined] [--policy package]

For each size, in this process: builds the run (burn-in skipped: the months start from
the initial state), steps five months untimed (compilation, first touches), then times
``--months`` months one by one and prints their median. The intercept of the medians
against the size is the month's fixed cost (Python between the kernels, dispatch,
per-month work on regions and sectors), which bounds what a small model can gain from
faster kernels. Before each size's timed months it prints ``timing N workers (pid P)``
on standard error: a sampling profiler attached then sees months only (start-up, with
its imports, compilation and garbage collections, would otherwise dominate), e.g.
``fixed_cost.py --sizes 20000 --months 1100 &``, then at that line
``perf record -F 4000 -g -p P -- sleep 5`` and ``perf report --no-children --sort dso``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

import sides


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 2_000, 5_000, 20_000])
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--scenario", default="combined")
    ap.add_argument("--policy", default="package")
    a = ap.parse_args()
    if a.months < 1:
        ap.error("--months must be at least 1")

    import numba

    print(f"machine: {sides.machine()}")
    print(f"numba threads {numba.get_num_threads()}; {sides.load()}")
    print(f"{a.scenario} | {a.policy}, median of {a.months} months after 5 untimed")
    print(f"{'workers':>10}  {'ms a month':>10}")
    for n in a.sizes:
        model = sides.fresh_model(a.scenario, a.policy, n, a.months + 5)
        sides.month_seconds(model, 5)
        print(f"timing {n:,} workers (pid {os.getpid()})", file=sys.stderr, flush=True)
        seconds = sides.month_seconds(model, a.months)
        print(f"{n:>10,}  {statistics.median(seconds) * 1e3:>10.3f}")


if __name__ == "__main__":
    main()
