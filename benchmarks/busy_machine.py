"""A run on a quiet and on a busy machine, on one thread and on all of them.

Usage: .venv/bin/python benchmarks/busy_machine.py [--workers 100000] [--months 24]
       [--repeats 2]

Each measurement is a fresh process that builds the model (burn-in included) and then
times ``--months`` months. "busy" starts one busy-loop process per core for the
duration of the measurement (and stops them after), as another user's work would.
Settings: NUMBA_NUM_THREADS=1 and the default (every core). The kernels' parallel loops
run in pieces handed to threads as they become free (``simulation/kernels/parallel.py``),
so a busy core should slow a run down, not stall it. (The default size is above
``parallel.SHARE_FROM_WORKERS``: a smaller model runs its loops in one call anyway.)
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import textwrap
import time

from sides import settle  # benchmarks/ is the script's folder

CHILD = textwrap.dedent(
    """
    import sys, time
    from simulation.model import SkillsModel
    model = SkillsModel("baseline", ["none"], workers=int(sys.argv[1]), months=int(sys.argv[2]))
    t = time.perf_counter()
    while model.running:
        model.step()
    print(time.perf_counter() - t)
    """
)
SETTINGS = {
    "1 thread (NUMBA_NUM_THREADS=1)": {"NUMBA_NUM_THREADS": "1"},
    f"{os.cpu_count()} threads (default)": {},
}


def spin(stop_at: float) -> None:
    while time.time() < stop_at:
        pass


def measure(env: dict[str, str], workers: int, months: int, busy: bool) -> float:
    hogs = []
    if busy:
        stop_at = time.time() + 300  # a bound, in case this process dies first
        hogs = [mp.Process(target=spin, args=(stop_at,)) for _ in range(os.cpu_count() or 1)]
        for h in hogs:
            h.start()
    try:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(workers), str(months)],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        for h in hogs:
            h.terminate()
            h.join()
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, {platform.platform()}")
    print(f"baseline | none, {a.workers:,} workers, {a.months} months timed; seconds per run")
    measure({}, 2000, 1, busy=False)  # fill the numba cache
    settle()  # and let its compile helper end
    print(f"{'setting':42s} {'quiet':>14s} {'busy':>14s}")
    for label, env in SETTINGS.items():
        quiet = [measure(env, a.workers, a.months, False) for _ in range(a.repeats)]
        busy = [measure(env, a.workers, a.months, True) for _ in range(a.repeats)]
        show = lambda xs: " ".join(f"{x:.2f}" for x in xs)  # noqa: E731
        print(f"{label:42s} {show(quiet):>14s} {show(busy):>14s}")


if __name__ == "__main__":
    main()
