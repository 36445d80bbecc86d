"""Sweep scaling: a 16-run sweep on 1 vs 2 worker processes, and memory as runs accumulate.

Usage: .venv/bin/python benchmarks/sweep_scaling.py [--workers 50000] [--months 120]
       [--memory-runs 64]

1. Speed: the same 16-run sweep (baseline, none and package, 8 seeds) on the process
   pool with 1 worker process, then with 2 (one numba thread per run in both), side by
   side; wall time includes starting the pool. A third line runs 1 process with 2
   numba threads per run, for comparison. Target: 2 processes >= 1.7x 1 process.
2. Memory: a longer sweep of small runs (every table kept) on 2 processes; the
   resident memory of the sweep process and of its worker processes is sampled after
   each finished run. Results stream to disk, so it should stay flat.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

import psutil

from simulation.experiment import load_experiment, make_plan, run_sweep

EXPERIMENT = """
scenarios = ["baseline"]
policies = ["none", "package"]
replications = {seeds}
root_seed = 1
workers = {workers}
months = {months}
keep = {keep}
"""


def plan_for(folder: Path, name: str, seeds: int, workers: int, months: int, keep: str):
    path = folder / f"{name}.toml"
    path.write_text(EXPERIMENT.format(seeds=seeds, workers=workers, months=months, keep=keep))
    return make_plan(load_experiment(path))


def speed(folder: Path, workers: int, months: int) -> None:
    plan = plan_for(folder, "speed", 8, workers, months, '["metrics"]')
    print(
        f"\n16-run sweep: baseline x (none, package) x 8 seeds, {workers:,} workers, "
        f"{months} months (+ burn-in), process pool"
    )
    print("(worker CPU s: CPU time of the pool's processes; cores used = worker CPU s / wall s,")
    print(" below the process count when other work on the machine takes the cores)")
    print(
        f"{'processes':>9} {'threads/run':>11} {'wall s':>8} {'runs/min':>9} {'speed-up':>9} "
        f"{'worker CPU s':>12} {'cores used':>10}"
    )
    base = None
    for jobs, threads in ((1, 1), (2, 1), (1, 2)):
        out = folder / f"speed-{jobs}x{threads}"
        cpu0 = children_cpu()
        t0 = time.perf_counter()
        report = run_sweep(plan, out, executor="processes", jobs=jobs, threads=threads)
        wall = time.perf_counter() - t0
        cpu = children_cpu() - cpu0
        assert report.complete and not report.failed, report.failures
        base = base or wall
        print(
            f"{jobs:>9} {threads:>11} {wall:>8.1f} {16 / wall * 60:>9.1f} {base / wall:>8.2f}x "
            f"{cpu:>12.1f} {cpu / wall:>10.2f}"
        )


def children_cpu() -> float:
    """User + system CPU seconds of this process's finished children (the pools)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rss_mb(proc: psutil.Process) -> tuple[float, float]:
    """Resident memory of ``proc`` and of its children, MB."""
    own = proc.memory_info().rss / 2**20
    kids = 0.0
    for child in proc.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            kids += child.memory_info().rss / 2**20
    return own, kids


def memory(folder: Path, runs: int) -> None:
    seeds = max(1, runs // 2)
    plan = plan_for(folder, "memory", seeds, 5_000, 24, '["metrics", "region", "sector", "cohort"]')
    me = psutil.Process()
    samples: list[tuple[int, float, float]] = []

    def sample(_outcome) -> None:
        own, kids = rss_mb(me)
        samples.append((len(samples) + 1, own, kids))

    run_sweep(plan, folder / "memory", executor="processes", jobs=2, on_outcome=sample)
    print(
        f"\nmemory: {len(plan.runs)} runs of 5,000 workers x 24 months, every table kept, "
        "2 processes; resident memory after each finished run (MB)"
    )
    print(f"{'runs done':>9} {'sweep process':>13} {'2 workers':>10}")
    step = max(1, len(samples) // 8)
    for n, own, kids in samples[step - 1 :: step]:
        print(f"{n:>9} {own:>13.0f} {kids:>10.0f}")
    quarter = max(1, len(samples) // 4)
    first = sum(s[1] for s in samples[:quarter]) / quarter
    last = sum(s[1] for s in samples[-quarter:]) / quarter
    print(
        f"sweep process: mean of the first quarter {first:.0f} MB, last quarter {last:.0f} MB "
        f"({last - first:+.0f} MB)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=50_000, help="workers per run (speed)")
    ap.add_argument("--months", type=int, default=120, help="months per run (speed)")
    ap.add_argument("--memory-runs", type=int, default=64, help="runs in the memory sweep")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, {platform.platform()}")
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        speed(folder, args.workers, args.months)
        memory(folder, args.memory_runs)
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
