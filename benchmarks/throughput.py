"""Throughput of the full monthly step, in worker-months per second.

Usage: .venv/bin/python benchmarks/throughput.py [--workers 20000 100000] [--months 24]
       [--repeats 3] [--scenario combined] [--policy package]

Each size is built once per repeat (burn-in excluded from the timing), stepped for
``--months`` months, and timed; the median over repeats is reported. Kernels are
compiled (or loaded from the numba cache) by a small warm-up run first.
"""

from __future__ import annotations

import argparse
import os
import statistics

import sides


def time_run(scenario: str, policy: str, workers: int, months: int, seed: int) -> float:
    model = sides.fresh_model(scenario, policy, workers, months, seed)
    return sum(sides.month_seconds(model, months))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[20_000, 100_000])
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scenario", default="combined")
    ap.add_argument("--policy", default="package")
    args = ap.parse_args()
    print(f"machine: {sides.machine()}")
    print(f"numba threads: {os.environ.get('NUMBA_NUM_THREADS', 'default')}")
    print(
        f"scenario {args.scenario}, policy {args.policy}, {args.months} months, "
        f"median of {args.repeats}"
    )
    time_run(args.scenario, args.policy, 1_000, 2, 0)  # compile / load the cache
    print(f"{'workers':>10} {'seconds':>9} {'worker-months/s':>16}")
    for n in args.workers:
        times = [
            time_run(args.scenario, args.policy, n, args.months, r) for r in range(args.repeats)
        ]
        t = statistics.median(times)
        print(f"{n:>10,} {t:>9.2f} {n * args.months / t:>16,.0f}")


if __name__ == "__main__":
    main()
