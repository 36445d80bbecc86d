"""Speed of one run: worker-months per second of the full monthly step, and start-up.

Usage: .venv/bin/python benchmarks/run_speed.py [--workers 100000] [--months 120]
       [--repeats 5] [--scenario baseline] [--policy none] [--no-startup]

Times, in fresh processes so that nothing is shared between measurements:

- start-up cold: a new process with an empty numba cache (NUMBA_CACHE_DIR set to a new
  temporary folder) builds a small model and steps one month: kernels are compiled;
- start-up warm: the same in a second process with that cache filled: kernels load;
- the run: ``--repeats`` runs of the scenario at ``--workers`` for ``--months`` (seeds
  0, 1, ...), each in its own process with the warm cache. Reported: the median time
  of the months (the simulation proper), of set-up plus burn-in, and worker-months per
  second of the months.

Target (issue 2): 100,000 workers for 120 months in under 3 seconds of simulation on a
2-core machine, i.e. at least 4 million worker-months per second.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import json, sys, time
    t0 = time.perf_counter()
    from simulation import loading
    from simulation.model import SkillsModel
    scenario, policy, workers, months, seed = sys.argv[1:6]
    run = loading.resolve_run(scenario, [policy], int(workers), int(months), int(seed))
    t1 = time.perf_counter()
    model = SkillsModel(run=run)
    t2 = time.perf_counter()
    model.step()
    t3 = time.perf_counter()
    while model.running:
        model.step()
    t4 = time.perf_counter()
    print(json.dumps({"import": t1 - t0, "setup": t2 - t1, "first_month": t3 - t0,
                      "months": t4 - t2, "unemployment": model.current["unemployment_rate"]}))
    """
)


def child(
    args: list[str], cache: str | None = None, cwd: str | None = None, **environ: str
) -> dict:
    env = dict(os.environ, **environ)
    if cache is not None:
        env["NUMBA_CACHE_DIR"] = cache
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def helper_ended(cache: str, timeout: float = 300.0) -> None:
    """Wait until the compile helper a cold child started has released its lock."""
    from simulation.compile_ahead import LOCK

    end = time.monotonic() + timeout
    while any(Path(cache).rglob(LOCK)) and time.monotonic() < end:
        time.sleep(0.2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--policy", default="none")
    ap.add_argument("--no-startup", action="store_true", help="skip the cold/warm start-up")
    a = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, {platform.platform()}")
    print(f"python {platform.python_version()}, numba threads "
          f"{os.environ.get('NUMBA_NUM_THREADS', 'default')}")  # fmt: skip
    with tempfile.TemporaryDirectory() as cache:
        if not a.no_startup:
            small = [a.scenario, a.policy, "20000", "1", "0"]
            cold = child(small, cache)
            helper_ended(cache)
            warm = child(small, cache)
            print(f"start-up to the first month, 20,000 workers: cold (empty numba cache) "
                  f"{cold['first_month']:.1f} s, warm {warm['first_month']:.1f} s")  # fmt: skip
        else:
            child([a.scenario, a.policy, "2000", "1", "0"], cache)
        runs = [
            child([a.scenario, a.policy, str(a.workers), str(a.months), str(seed)], cache)
            for seed in range(a.repeats)
        ]
    months = statistics.median(r["months"] for r in runs)
    setup = statistics.median(r["setup"] for r in runs)
    rate = a.workers * a.months / months
    print(f"{a.scenario} | {a.policy}: {a.workers:,} workers x {a.months} months, "
          f"median of {a.repeats} runs (each its own process, warm cache)")  # fmt: skip
    each = ", ".join(f"{r['months']:.2f}" for r in runs)
    print(f"  months (simulation):   {months:6.2f} s   (each: {each})")
    print(f"  set-up and burn-in:    {setup:6.2f} s")
    print(f"  worker-months per second: {rate:,.0f}")


if __name__ == "__main__":
    main()
