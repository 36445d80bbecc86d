"""A whole city: `skillsim run` at 10 million workers, its time and its peak memory.

Usage: .venv/bin/python benchmarks/city.py [--workers 10000000] [--months 120]
       [--scenario combined] [--policy package] [--seed 0] [--threads T]

Runs ``skillsim run SCENARIO --policy POLICY --workers N --months M --out DIR`` in a
fresh process (nothing but --workers and --months besides the run's identity; the
results go to a temporary folder that is deleted afterwards), once a small model in this
process has compiled or loaded the kernels and any compile helper has ended
(``sides.settle``): the run starts on a warm cache, as after its first. It reports:

- wall time of the process (imports, set-up, burn-in, the months, writing results);
- set-up and burn-in, and time to the first month (both from the run's manifest,
  counted from the start of the simulation, after imports);
- the months' time and worker-months per second;
- peak resident memory of the process (the kernel's high-water mark, from getrusage of
  the finished child), in bytes per worker, beside the agent state's bytes per worker
  (every array of the workers, firms and providers at their capacities).

``--threads`` sets NUMBA_NUM_THREADS for the run (default: the environment's, else
numba's default of all cores). A quick check: ``--workers 1000000 --months 3``.

Target (issue "Performance and scale", point 2): 10,000,000 workers, 120 months of the
combined scenario under the policy package with peak resident memory under 4 GB
(400 bytes per worker), and in under 3 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sides import machine, settle  # benchmarks/ is the script's folder
from vs_reference import load

TARGET_WORKERS, TARGET_MONTHS = 10_000_000, 120
TARGET_BYTES_PER_WORKER = 400  # 4 GB at the target size
TARGET_SECONDS = 180.0


def state_bytes(scenario: str, policy: str, workers: int, months: int) -> dict[str, int]:
    """Bytes of the agent state of a run at its capacities, without building it."""
    from simulation import initial, loading, params
    from simulation.state import Firms, Workers

    run = loading.resolve_run(scenario, [policy], workers, months, 0)
    world = params.build_world(run)
    # providers do not scale with workers: built for a small run of the same city
    small = loading.resolve_run(scenario, [policy], 1000, months, 0)
    small_world = params.build_world(small)
    small_firms = initial.make_firms(small, small_world, 0)
    providers = initial.make_providers(small, small_world, small_firms, 0, 0.1)
    return {
        "workers": Workers.allocate(1).nbytes() * initial.worker_capacity(run),
        "firms": Firms.allocate(1).nbytes() * initial.firm_capacity(run, world),
        "providers": providers.nbytes(),
    }


def run_city(a: argparse.Namespace) -> dict:
    """One `skillsim run` in a child process: its timings and peak resident memory."""
    env = dict(os.environ)
    if a.threads is not None:
        env["NUMBA_NUM_THREADS"] = str(a.threads)
    with tempfile.TemporaryDirectory(prefix="skillsim-city-") as tmp:
        out = Path(tmp) / "run"
        cmd = [sys.executable, "-m", "simulation.cli", "run", a.scenario, "--policy", a.policy,
               "--workers", str(a.workers), "--months", str(a.months), "--seed", str(a.seed),
               "--out", str(out), "--quiet"]  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True)
        wall = time.perf_counter() - t0
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        manifest = json.loads((out / "manifest.json").read_text())
    if peak_kb <= before:  # an earlier child was larger: the high-water mark is not ours
        raise RuntimeError("peak memory of the run not measurable in this process")
    return {"wall": wall, "peak": peak_kb * 1024, **manifest["timings"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=TARGET_WORKERS)
    ap.add_argument("--months", type=int, default=TARGET_MONTHS)
    ap.add_argument("--scenario", default="combined")
    ap.add_argument("--policy", default="package")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None, help="NUMBA_NUM_THREADS of the run")
    a = ap.parse_args()
    threads = a.threads if a.threads is not None else os.environ.get("NUMBA_NUM_THREADS")
    print(f"machine: {machine()}")
    print(f"python {platform.python_version()}, numba threads {threads or 'default'}; {load()}")
    state = state_bytes(a.scenario, a.policy, a.workers, a.months)
    from simulation.model import SkillsModel

    SkillsModel(a.scenario, (a.policy,), 500, 1, 0).step()  # compile or load the kernels
    settle()  # and a cold cache's compile helper done: the run is timed warm
    r = run_city(a)
    n, wm = a.workers, a.workers * a.months
    print(f"{a.scenario} | {a.policy}: {n:,} workers x {a.months} months, seed {a.seed} "
          f"(skillsim run, one process)")  # fmt: skip
    print(f"  wall (process):            {r['wall']:8.1f} s")
    print(f"  set-up and burn-in:        {r['setup_and_burn_in_seconds']:8.1f} s")
    print(f"  to the first month:        {r['first_month_seconds']:8.1f} s")
    print(f"  months:                    {r['months_seconds']:8.1f} s   "
          f"({wm / r['months_seconds']:,.0f} worker-months per second)")  # fmt: skip
    total = sum(state.values())
    parts = ", ".join(f"{k} {v / n:.1f}" for k, v in state.items())
    print(f"  peak resident memory:      {r['peak'] / 1e9:8.2f} GB = {r['peak'] / n:,.0f} bytes "
          "per worker (the process: Python, libraries and kernels included)")  # fmt: skip
    print(f"  agent state:               {total / 1e9:8.2f} GB = {total / n:,.1f} bytes "
          f"per worker ({parts})")  # fmt: skip
    if a.workers >= TARGET_WORKERS:
        ok = "met" if r["peak"] < TARGET_BYTES_PER_WORKER * n else "NOT met"
        print(f"  memory target (< {TARGET_BYTES_PER_WORKER} bytes per worker at "
              f"{TARGET_WORKERS:,} workers): {ok}")  # fmt: skip
    if a.workers == TARGET_WORKERS and a.months == TARGET_MONTHS:
        ok = "met" if r["wall"] < TARGET_SECONDS else "NOT met"
        print(f"  time target (< {TARGET_SECONDS:.0f} s, the whole process): {ok}")
    print(load())


if __name__ == "__main__":
    main()
