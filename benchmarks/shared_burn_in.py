"""A sweep with and without sharing burn-ins between runs of one scenario and seed.

Usage: .venv/bin/python benchmarks/shared_burn_in.py [--workers 50000] [--months 120]
       [--seeds 4] [--jobs 2] [--experiment experiments/default.toml]

The same sweep (the experiment's scenarios and policies, ``--seeds`` seeds) runs twice
on one process pool each, side by side: with ``run_sweep(share_burn_in=False)``, every
run burns in for itself, and with ``share_burn_in=True`` (the default), a worker process
starts a scenario and seed's later policies from a copy of the month-0 state its first
run reached (``model.BurnInStore``). Printed: the wall time of each, their ratio, and
whether every run's metrics are the same in both (they must be).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import pandas as pd

from simulation import analysis
from simulation.experiment import load_experiment, make_plan, run_sweep


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
    a = ap.parse_args()
    overrides = {"workers": a.workers, "months": a.months, "replications": a.seeds}
    plan = make_plan(load_experiment(a.experiment, overrides))
    cfg = plan.experiment.config
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, {platform.platform()}")
    print(
        f"{a.experiment}: {len(cfg.scenarios)} scenarios x {len(cfg.policies)} policies x "
        f"{a.seeds} seeds = {len(plan.runs)} runs of {a.workers:,} workers x {a.months} "
        f"months, {a.jobs} processes; load average {os.getloadavg()}"
    )
    seconds = {}
    with tempfile.TemporaryDirectory() as tmp:
        for share in (False, True):
            out = Path(tmp) / f"share-{share}"
            t0 = time.perf_counter()
            report = run_sweep(plan, out, jobs=a.jobs, share_burn_in=share)
            seconds[share] = time.perf_counter() - t0
            assert report.complete, report
            label = "shared burn-ins" if share else "a burn-in per run"
            print(f"  {label:20s} {seconds[share]:8.1f} s")
        same = load(Path(tmp) / "share-False").equals(load(Path(tmp) / "share-True"))
    print(f"  ratio {seconds[False] / seconds[True]:.2f}x; the same metrics in both: {same}")
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
