"""A sweep with and without sharing burn-ins between runs of one scenario and seed.

Usage: .venv/bin/python benchmarks/shared_burn_in.py [--workers 50000] [--months 120]
       [--seeds 4] [--jobs 2] [--experiment experiments/default.toml] [--repeats 1]

The same sweep (the experiment's scenarios, policies and design, ``--seeds`` seeds) runs
three ways on a process pool each, side by side: with ``run_sweep(share_burn_in=False)``
every run burns in for itself; with ``share_burn_in=True`` (the default) a worker process
starts a run from a copy of the month-0 state an earlier run of its burn-in reached
(``model.BurnInStore``), the runs dealt to the pool one by one (as before
``executors.batches``) or, as a sweep does now, the runs of one burn-in in batches that
one worker takes together. ``--repeats`` runs the three in turn that many times.
Printed: the wall time of each (the median over repeats), the ratios, and whether every
run's metrics are the same in all (they must be).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from simulation import analysis
from simulation.experiment import executors, load_experiment, make_plan, run_sweep

ONE_BY_ONE = "shared, one by one"
BATCHES = "shared, in batches"
VARIANTS = ("a burn-in per run", ONE_BY_ONE, BATCHES)


def one_by_one(tasks, jobs, total):
    """``executors.batches`` as it was not: every task alone."""
    return iter(tasks)


def load(folder: Path) -> pd.DataFrame:
    frame = analysis.load(folder)
    return frame.drop(columns=[c for c in frame.columns if "second" in c]).sort_index(axis=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--experiment", default="experiments/default.toml")
    ap.add_argument("--workers", type=int, default=50_000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeats", type=int, default=1)
    a = ap.parse_args()
    overrides = {"workers": a.workers, "months": a.months, "replications": a.seeds}
    plan = make_plan(load_experiment(a.experiment, overrides))
    cfg = plan.experiment.config
    points = len({r.point for r in plan.runs})
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, {platform.platform()}")
    print(
        f"{a.experiment}: {len(cfg.scenarios)} scenarios x {len(cfg.policies)} policies x "
        f"{points} design points x {a.seeds} seeds = {len(plan.runs)} runs of "
        f"{a.workers:,} workers x {a.months} months, {a.jobs} processes; load average "
        f"{os.getloadavg()}"
    )
    seconds: dict[str, list[float]] = {v: [] for v in VARIANTS}
    batches = executors.batches
    frames = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(a.repeats):
            for v in VARIANTS:
                out = Path(tmp) / f"{VARIANTS.index(v)}-{r}"
                executors.batches = one_by_one if v == ONE_BY_ONE else batches
                t0 = time.perf_counter()
                try:
                    report = run_sweep(plan, out, jobs=a.jobs, share_burn_in=v != VARIANTS[0])
                finally:
                    executors.batches = batches
                seconds[v].append(time.perf_counter() - t0)
                assert report.complete, report
                frames[v] = load(out)
                print(f"  {v:20s} {seconds[v][-1]:8.1f} s")
        same = all(frames[v].equals(frames[VARIANTS[0]]) for v in VARIANTS)
    median = {v: statistics.median(s) for v, s in seconds.items()}
    print(
        "medians: "
        + ", ".join(f"{v} {median[v]:.1f} s" for v in VARIANTS)
        + f"; a burn-in per run / in batches {median[VARIANTS[0]] / median[BATCHES]:.2f}x, "
        f"one by one / in batches {median[ONE_BY_ONE] / median[BATCHES]:.2f}x; the same "
        f"metrics in all: {same}"
    )
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
