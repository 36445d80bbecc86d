"""What the side-by-side benchmarks share: the machine's name, and a child process that
runs one checkout's code and answers one line per line it is sent.

``ab_months.py`` (months) and ``kernel_ab.py`` (one kernel's calls) start a child in each
of two checkouts and have them take turns; ``vs_reference.py``, ``two_threads.py`` and
``handover.py`` name the machine they ran on; ``kernel_times.py`` and ``fixed_cost.py``
time the months of a model built to be timed (``fresh_model``, ``month_seconds``), and
``page_faults.py`` counts them.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path


def machine() -> str:
    """The CPU's model name, the number of CPUs and the platform."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cpus, {platform.platform()}"


def add_run_options(ap: argparse.ArgumentParser) -> None:
    """The options both side-by-side scripts take: the run, the threads, the child flag."""
    ap.add_argument("--threads", type=int, default=1, help="numba threads of each process")
    ap.add_argument("--scenario", default="combined")
    ap.add_argument("--policy", default="package")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)


def parse(ap: argparse.ArgumentParser, serve) -> argparse.Namespace | None:
    """The options; in a child (``--serve``) runs ``serve`` and returns None; on the
    parent's side requires ``--against``."""
    a = ap.parse_args()
    if a.serve:
        serve(a)
        return None
    if not a.against:
        ap.error("--against DIR is required")
    return a


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def fresh_model(
    scenario: str, policy: str, workers: int, months: int, seed: int = 0, profile: bool = False
):
    """A model of the run whose months start from the initial state (burn-in skipped:
    months to time, not results), with room for ``months`` steps; ``profile``: its
    phases are timed (``model.timer``), as under ``skillsim run --profile``."""
    from simulation import loading
    from simulation.model import SkillsModel

    run = loading.resolve_run(scenario, [policy], workers, months, seed)
    skipped = run.scenario.model_copy(update={"burn_in_months": 0})
    return SkillsModel(run=run.model_copy(update={"scenario": skipped}), profile=profile)


def settle() -> None:
    """Wait until no compile helper is filling numba's cache (``compile_ahead``): on a
    cold cache the warm-up starts one, and it would compile on a core the timing uses
    for minutes after the warm-up ends (a run at 1,000,000 workers measured 6.3 million
    worker-months a second beside it and 11.3 million after it, on the 2-vCPU AMD EPYC
    of 2026-12-06). Said on stderr (children answer on stdout)."""
    from simulation import compile_ahead

    waited = compile_ahead.wait_for_helper(say=lambda text: print(text, file=sys.stderr))
    if waited > 0.5:
        print(f"  (waited {waited:.0f} s)", file=sys.stderr)


def month_seconds(model, months: int) -> list[float]:
    """Wall seconds of each of the model's next ``months`` steps, taken once no compile
    helper is running (``settle``)."""
    settle()
    seconds = []
    for _ in range(months):
        t0 = time.perf_counter()
        model.step()
        seconds.append(time.perf_counter() - t0)
    return seconds


def checkouts(script: str, against: str) -> dict[str, str]:
    """The two sides: "this", the checkout of the benchmark ``script``, and "other"; the
    machine, Python and load printed first."""
    print(f"machine: {machine()}")
    print(f"python {platform.python_version()}; {load()}")
    return {"this": str(Path(script).resolve().parents[1]), "other": str(Path(against).resolve())}


def one_cpu(threads: int) -> None:
    """With one thread per side (``--threads 1``), this process, and so the children it
    starts from now on, kept to one CPU (the last this process may use), which it
    prints; otherwise nothing changes. The two sides take turns, so they never compete
    for it. Left to the scheduler, the same code on both sides of ``kernel_ab.py`` came
    out 0.93 to 1.26 times as fast (4 runs on the 2-CPU development machine, a skill
    update at 20,000 workers, 25 timings each); with both on one CPU 0.95 to 1.01 (12
    runs; BENCHMARKS.md): an idle child stays where it last ran, and the virtual CPUs
    need not be equally fast at a given time."""
    allowed = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    if threads != 1 or len(allowed) < 2:
        return
    cpu = max(allowed)
    os.sched_setaffinity(0, {cpu})
    print(f"  both sides on CPU {cpu}")


def child(script: str, argv: list[str], tree: str, threads: int, what: str) -> subprocess.Popen:
    """``script`` (a benchmark's own file) run with ``argv`` by a child that imports
    checkout ``tree``'s ``simulation`` and runs from the tree, on ``threads`` numba
    threads; returned once it says "ready" (the other checkout needs no copy of the
    script). ``what`` names the child in the error if it does not start."""
    env = dict(os.environ, PYTHONPATH=tree, SKILLSIM_SCENARIOS=os.path.join(tree, "scenarios"))
    env["NUMBA_NUM_THREADS"] = str(threads)
    proc = subprocess.Popen([sys.executable, script, *argv], cwd=tree, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    if proc.stdout.readline().strip() != "ready":
        raise SystemExit(f"the {what} in {tree} did not start (exit code {proc.wait()})")
    return proc


def ask(proc: subprocess.Popen, line: str) -> str:
    """Send ``line`` to a child; its one-line answer."""
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()
