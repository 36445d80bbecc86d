"""The month in one call against the phases, side by side in one process.

Usage: .venv/bin/python benchmarks/paths.py [--workers 50000 1000000] [--months 30]
       [--warm-up 2] [--scenario combined] [--policy package] [--seed 0]

Two models of the same run (burn-in skipped) step in turns, one month each, which goes
first alternating: one through ``kernels.month.advance`` (the month in one compiled
call, its larger loops shared with a helper thread, ``kernels.duo``), the other phase
by phase (``Engine._phases``, the loops shared through Python, ``parallel.run``). Both
take the same numba threads (``NUMBA_NUM_THREADS``). Printed per size: the median month
of each, the median of the month-by-month ratio (one call / phases) with its quartiles,
and whether the two ran the same run bit for bit (every agent array, every metric).

A size at or above ``month.WHOLE_MONTH_BELOW`` runs its month in one call here too (the
threshold is raised for the script), so that the threshold itself can be measured. The
month in one call needs ``advance`` compiled or in numba's cache (``python -m
simulation.compile_ahead``); without it the first month compiles it (~20 s), outside
the timing.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import sides


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[50_000, 1_000_000])
    ap.add_argument("--months", type=int, default=30)
    ap.add_argument("--warm-up", type=int, default=2)
    ap.add_argument("--scenario", default="combined")
    ap.add_argument("--policy", default="package")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.months < 1 or a.warm_up < 1:
        ap.error("--months and --warm-up must be at least 1")

    import numba

    from simulation.kernels import month as month_kernels

    print(f"machine: {sides.machine()}")
    print(f"numba threads {numba.get_num_threads()}; {sides.load()}")
    month_kernels.WHOLE_MONTH_BELOW = max(month_kernels.WHOLE_MONTH_BELOW, max(a.workers) + 1)
    for workers in a.workers:
        models = {
            side: sides.fresh_model(
                a.scenario, a.policy, workers, a.warm_up + a.months, seed=a.seed
            )
            for side in (True, False)
        }
        seconds: dict[bool, list[float]] = {True: [], False: []}
        sides.settle()
        for k in range(a.warm_up + a.months):
            for one_call in (True, False) if k % 2 else (False, True):
                month_kernels.use_one_call(one_call)
                t0 = time.perf_counter()
                models[one_call].step()
                if k >= a.warm_up:
                    seconds[one_call].append(time.perf_counter() - t0)
        month_kernels.use_one_call(None)
        ratios = [x / y for x, y in zip(seconds[True], seconds[False], strict=True)]
        q1, q3 = np.percentile(ratios, [25, 75])
        print(
            f"{workers:>10,} workers: one call {statistics.median(seconds[True]) * 1e3:8.2f} "
            f"ms, phases {statistics.median(seconds[False]) * 1e3:8.2f} ms a month "
            f"(medians of {a.months}); one call / phases {statistics.median(ratios):.3f} "
            f"(quartiles {q1:.3f}-{q3:.3f})"
        )
        print(f"{'':>19} same run bit for bit: {'yes' if same_run(*models.values()) else 'NO'}")
    print(sides.load())


def same_run(a, b) -> bool:
    """Whether two models hold the same agents and recorded the same metrics."""
    for pop_a, pop_b in ((a.workers, b.workers), (a.firms, b.firms), (a.providers, b.providers)):
        for x, y in zip(pop_a.arrays().values(), pop_b.arrays().values(), strict=True):
            if not np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
                return False
    return a.metrics_frame().equals(b.metrics_frame())


if __name__ == "__main__":
    main()
