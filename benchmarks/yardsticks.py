"""The throughput target's two yardsticks, measured on this machine, beside the month.

Usage: .venv/bin/python benchmarks/yardsticks.py [--workers 1000000] [--months 6]
       [--repeats 15] [--scenario combined] [--policy package]

The issue "Performance and scale" sets its target (30 million worker-months a second at
1,000,000 workers on a 2-core machine) against two yardsticks, "on such a machine": a
streaming update of 64 bytes an agent at about 400 million agent-steps a second, and a
matching round with counter-based draws at about 100 million applications a second.
This script measures both here, on one thread and on every thread numba has, and the
engine's month at the same size in the same process, and prints the month in their
units.

- streaming update: ``--workers`` rows of 16 float32 (64 bytes a row, one flat array),
  each value read, multiplied, added to and written back (``a[i] = a[i] * c + 1``);
  numba's ``prange``.
- matching round: a tenth of ``--workers`` searchers each send four applications to
  firms drawn uniformly (one counter-based draw each, ``rng.uniform``; a firm per 12
  workers), each application gets a counter-based score, the applications are put in
  firm order (a count per firm, a running sum, a place each: serial, as the engine's
  phases do), each firm takes its best-scored applicant (firms in parallel), and each
  chosen searcher is marked hired (serial). The work the yardstick names, without the
  model's rules (no cell weights, skills, thresholds or choices).
- the month: ``sides.fresh_model`` (burn-in skipped) stepped ``--months`` times, the
  median month.

Each yardstick is the median of ``--repeats`` calls after one untimed call.
"""

from __future__ import annotations

import argparse
import statistics

import numba
import numpy as np
import sides
from numba import njit, prange
from two_threads import timed  # (benchmarks/ is the script's folder)

from simulation.rng import uniform

ROW_FLOATS = 16  # 64 bytes of float32
APPLICATIONS = 4
WORKERS_PER_FIRM = 12
SEARCHER_SHARE = 10  # one searcher in ten workers


@njit(parallel=True, cache=True)
def stream_rows(a, c):
    """The streaming update: every float32 of ``a`` read, scaled, shifted and written."""
    for i in prange(a.shape[0]):
        a[i] = a[i] * c + np.float32(1.0)


@njit(parallel=True, cache=True)
def draw_and_score(key, n_firms, apps, score):
    """Each searcher's applications (uniform firms) and their scores, counter-based."""
    for j in prange(apps.shape[0]):
        for a in range(apps.shape[1]):
            apps[j, a] = min(np.int64(uniform(key, j, 2 * a) * n_firms), n_firms - 1)
            score[j, a] = uniform(key, j, 2 * a + 1)


@njit(cache=True)
def order_by_firm(apps, n_firms, start, order):
    """The applications in firm order: a count per firm, a running sum, a place each."""
    start[:] = 0
    for j in range(apps.shape[0]):
        for a in range(apps.shape[1]):
            start[apps[j, a] + 1] += 1
    for f in range(n_firms):
        start[f + 1] += start[f]
    fill = start[:-1].copy()
    for j in range(apps.shape[0]):
        for a in range(apps.shape[1]):
            f = apps[j, a]
            order[fill[f]] = j * apps.shape[1] + a
            fill[f] += 1


@njit(parallel=True, cache=True)
def best_per_firm(start, order, score, best):
    """Each firm's best-scored application (-1 for a firm without any)."""
    flat = score.ravel()
    for f in prange(start.shape[0] - 1):
        top = -1
        top_score = -1.0
        for k in range(start[f], start[f + 1]):
            x = order[k]
            if flat[x] > top_score:
                top_score = flat[x]
                top = x
        best[f] = top


@njit(cache=True)
def hire(best, n_apps, hired):
    """Each chosen searcher marked hired; how many are."""
    hired[:] = False
    count = 0
    for f in range(best.shape[0]):
        if best[f] >= 0:
            j = best[f] // n_apps
            if not hired[j]:
                count += 1
                hired[j] = True
    return count


def matching_round(key, n_firms, apps, score, start, order, best, hired) -> int:
    draw_and_score(key, n_firms, apps, score)
    order_by_firm(apps, n_firms, start, order)
    best_per_firm(start, order, score, best)
    return hire(best, apps.shape[1], hired)


def median_seconds(call, repeats: int) -> float:
    call()  # compilation or the cache's load, first touches
    return timed(call, repeats)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=6)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--scenario", default="combined")
    ap.add_argument("--policy", default="package")
    args = ap.parse_args()
    n = args.workers
    print(f"machine: {sides.machine()}")
    print(f"numba {numba.__version__}, {numba.config.NUMBA_NUM_THREADS} threads; {sides.load()}")

    rows = np.ones(n * ROW_FLOATS, dtype=np.float32)
    n_firms = max(n // WORKERS_PER_FIRM, 1)
    n_searchers = max(n // SEARCHER_SHARE, 1)
    apps = np.empty((n_searchers, APPLICATIONS), dtype=np.int64)
    score = np.empty((n_searchers, APPLICATIONS))
    start = np.empty(n_firms + 1, dtype=np.int64)
    order = np.empty(n_searchers * APPLICATIONS, dtype=np.int64)
    best = np.empty(n_firms, dtype=np.int64)
    hired = np.empty(n_searchers, dtype=np.bool_)
    key = np.uint64(0x5EED)

    threads = sorted({1, numba.config.NUMBA_NUM_THREADS})
    stream_s, round_s = {}, {}
    for t in threads:
        numba.set_num_threads(t)
        stream_s[t] = median_seconds(lambda: stream_rows(rows, np.float32(0.5)), args.repeats)
        round_s[t] = median_seconds(
            lambda: matching_round(key, n_firms, apps, score, start, order, best, hired),
            args.repeats,
        )
    numba.set_num_threads(threads[-1])

    model = sides.fresh_model(args.scenario, args.policy, n, args.months + 1)
    sides.month_seconds(model, 1)  # the first month: first touches
    month = statistics.median(sides.month_seconds(model, args.months))

    print(f"\n{n:,} workers; medians of {args.repeats} calls (yardsticks), {args.months} months")
    print(f"{'threads':>7} {'streaming rows/s':>17} {'GB/s':>6} {'applications/s':>15}")
    for t in threads:
        print(
            f"{t:>7} {n / stream_s[t]:>17,.0f} {2 * 64 * n / stream_s[t] / 1e9:>6.1f} "
            f"{n_searchers * APPLICATIONS / round_s[t]:>15,.0f}"
        )
    t = threads[-1]
    print(
        f"\nthe month ({args.scenario} | {args.policy}, {t} threads): {month * 1e3:.1f} ms = "
        f"{n / month:,.0f} worker-months a second"
    )
    print(
        f"  = {month / stream_s[t]:.1f} streaming passes over 64-byte rows, or the "
        f"applications of {month / round_s[t]:.1f} yardstick rounds "
        f"({month / round_s[t] * n_searchers * APPLICATIONS:,.0f} applications)"
    )
    target = n / 30e6
    print(
        f"  the target's month ({target * 1e3:.1f} ms) = {target / stream_s[t]:.1f} passes, "
        f"or {target / round_s[t]:.1f} rounds"
    )


if __name__ == "__main__":
    main()
