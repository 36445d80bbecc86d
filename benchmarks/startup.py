"""Start-up: time to the first completed month with a cold and a warm numba cache, and
what each kernel costs to compile.

Usage: .venv/bin/python benchmarks/startup.py [--workers 20000] [--repeats 3]
       [--scenario baseline] [--policy none] [--top 20] [--passes 8]
       [--against DIR [--pairs 5]]

Every measurement is a fresh process, so nothing compiled is shared between them:

- cold: ``run_speed.child`` (the start-up measurement of ``benchmarks/run_speed.py``)
  with NUMBA_CACHE_DIR a new empty temporary folder: every kernel compiles, in this
  process and in the helper process it starts (``simulation.compile_ahead``); the
  script waits for the helper to end before it goes on;
- cold, one process: the same with the helper turned off (SKILLSIM_COMPILE_HELPER=0),
  alternating with the above;
- warm: ``run_speed.child`` again on the folder the cold process filled: every kernel
  loads from the cache;
- compile profile: more cold processes, the helper off, that listen to numba's compiler events
  (``numba.core.event``): ``numba:compile`` (one per dispatcher and type signature
  compiled, numba's own implementations such as ``np.empty`` or ``np.argsort``
  included), ``numba:run_pass`` (one per compiler pass) and ``numba:llvm_lock`` (time
  in LLVM). Times are CPU seconds of the compiling thread, which a busy machine does
  not inflate, and "self": a kernel compiles the ``@njit`` functions it calls during
  its own type inference, and their time is theirs, not the caller's.

Reported: medians over ``--repeats`` processes of each kind: wall time to the first
completed month (and the child's CPU time, the helper's included when the child reaps
it, which it does when the helper ends first; without the helper, what a quiet 2-core
machine would see as wall time, as compilation runs on one thread); kernels by compile
time, with the
number of type signatures each was compiled for (more than one: the same kernel
compiled twice, e.g. for int64 and uint64 arguments or for literal constants);
compiler passes by time.

``--against DIR`` measures a change side by side instead: cold starts (helper on) of this
checkout and of another one (``git worktree add DIR REV``), alternating, ``--pairs``
pairs (which side goes first alternates too), each a fresh process on a new empty
cache; it prints each pair and the medians.

Target (issue "Performance and scale", point 3): cold under 20 s, warm under 3 s, on a
2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from run_speed import child, helper_ended

PROFILE_CHILD = textwrap.dedent(
    """
    import json, sys, time
    from numba.core import event

    class Recorder(event.Listener):
        # Events nest (a kernel compiles its callees inside its own compilation, passes
        # run inside compilations): each event's "self" time excludes nested ones.
        def __init__(self):
            self.stack = []
            self.rows = []

        def on_start(self, ev):
            self.stack.append([time.thread_time(), 0.0])

        def on_end(self, ev):
            start, inner = self.stack.pop()
            dt = time.thread_time() - start
            if self.stack:
                self.stack[-1][1] += dt
            self.rows.append((ev.data, dt, dt - inner, len(self.stack)))

    t0 = time.perf_counter()
    compiles, passes, llvm = Recorder(), Recorder(), Recorder()
    with event.install_listener("numba:compile", compiles), \\
            event.install_listener("numba:run_pass", passes), \\
            event.install_listener("numba:llvm_lock", llvm):
        # imported inside: a kernel with an explicit signature compiles at import
        from simulation import loading
        from simulation.model import SkillsModel
        scenario, policy, workers, months, seed = sys.argv[1:6]
        run = loading.resolve_run(scenario, [policy], int(workers), int(months), int(seed))
        model = SkillsModel(run=run)
        model.step()
    wall = time.perf_counter() - t0
    kernels = {}
    for data, total, own, depth in compiles.rows:
        f = data["dispatcher"].py_func
        name = f"{f.__module__}.{f.__qualname__}"
        k = kernels.setdefault(name, {"self": 0.0, "signatures": []})
        k["self"] += own
        k["signatures"].append(str(data["args"]))
    by_pass = {}
    for data, total, own, depth in passes.rows:
        by_pass[data["name"]] = by_pass.get(data["name"], 0.0) + own
    print(json.dumps({
        "first_month": wall,
        "compile": sum(own for _, _, own, _ in compiles.rows),
        "llvm": sum(total for _, total, _, depth in llvm.rows if depth == 0),
        "kernels": kernels,
        "passes": by_pass,
    }))
    """
)


def timed(fn, *args, **kwargs) -> dict:
    """``fn(*args, **kwargs)`` (which runs one child process and returns its report),
    with the child's CPU time (user + system) added as ``cpu``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = fn(*args, **kwargs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["cpu"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return out


def profile_child(args: list[str], cache: str) -> dict:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache, SKILLSIM_COMPILE_HELPER="0")
    out = subprocess.run(
        [sys.executable, "-c", PROFILE_CHILD, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def kernel_table(profiles: list[dict]) -> list[tuple[str, float, int]]:
    """(kernel, median self compile seconds, signatures compiled) by decreasing time;
    numba's own implementations (np.empty, argsort, min, ...) summed into one row."""
    rows: dict[str, list[float]] = {}
    signatures: dict[str, int] = {}
    for r in profiles:
        mine: dict[str, float] = {}
        for name, k in r["kernels"].items():
            if not name.startswith("simulation."):
                name = "(numba's own: np.empty, argsort, min, ...)"
            else:
                name = name.removeprefix("simulation.")
                signatures[name] = max(signatures.get(name, 0), len(set(k["signatures"])))
            mine[name] = mine.get(name, 0.0) + k["self"]
        for name, secs in mine.items():
            rows.setdefault(name, []).append(secs)
    table = [
        (name, statistics.median(v + [0.0] * (len(profiles) - len(v))), signatures.get(name, 0))
        for name, v in rows.items()
    ]
    return sorted(table, key=lambda row: -row[1])


def side_by_side(args: list[str], other: str, pairs: int) -> None:
    """Cold starts of this checkout and of the one in ``other``, alternating, the first
    of each pair in turn (so that a pair's order does not favour one side)."""
    here = str(Path(__file__).resolve().parents[1])
    trees = {"this": here, "other": str(Path(other).resolve())}
    times: dict[str, list[float]] = {label: [] for label in trees}
    for i in range(pairs):
        for label in ("this", "other") if i % 2 == 0 else ("other", "this"):
            tree = trees[label]
            with tempfile.TemporaryDirectory() as cache:
                out = child(
                    args,
                    cache,
                    PYTHONPATH=tree,  # and the child runs from the tree: its `simulation`
                    SKILLSIM_SCENARIOS=os.path.join(tree, "scenarios"),
                    cwd=tree,
                )
                helper_ended(cache)
            time.sleep(1.0)  # the helper's exit, after it released the lock
            times[label].append(out["first_month"])
        first = "this" if i % 2 == 0 else "other"
        print(f"  pair {i + 1} ({first} first): this {times['this'][-1]:5.1f} s, "
              f"other {times['other'][-1]:5.1f} s")  # fmt: skip
    print(f"  medians: this {statistics.median(times['this']):.1f} s ({here}), "
          f"other {statistics.median(times['other']):.1f} s ({trees['other']})")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--policy", default="none")
    ap.add_argument("--top", type=int, default=20, help="kernels listed")
    ap.add_argument("--passes", type=int, default=8, help="compiler passes listed")
    ap.add_argument("--against", metavar="DIR", help="another checkout, timed side by side")
    ap.add_argument("--pairs", type=int, default=5, help="pairs of cold starts with --against")
    a = ap.parse_args()
    small = [a.scenario, a.policy, str(a.workers), "1", "0"]
    import numba

    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, {platform.platform()}")
    print(f"python {platform.python_version()}, numba {numba.__version__}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    if a.against:
        print(f"{a.scenario} | {a.policy}, {a.workers:,} workers: cold start to the first "
              f"completed month, this checkout and another alternating")  # fmt: skip
        side_by_side(small, a.against, a.pairs)
        return
    print(f"{a.scenario} | {a.policy}, {a.workers:,} workers: start-up to the first completed "
          f"month, median of {a.repeats} fresh processes")  # fmt: skip

    cold, alone, warm = [], [], []
    for _ in range(a.repeats):
        with tempfile.TemporaryDirectory() as cache:
            cold.append(timed(child, small, cache))
            helper_ended(cache)
            warm.append(timed(child, small, cache))
        with tempfile.TemporaryDirectory() as cache:
            alone.append(timed(child, small, cache, SKILLSIM_COMPILE_HELPER="0"))
    print(
        f"  {'':24s} {'wall s':>7s} {'CPU s':>7s} {'imports s':>10s} {'set-up s':>9s}   wall each"
    )
    rows = (
        ("cold (empty cache)", cold),
        ("cold, no helper", alone),
        ("warm (filled cache)", warm),
    )
    for label, runs in rows:
        each = ", ".join(f"{r['first_month']:.1f}" for r in runs)
        print(f"  {label:24s} {statistics.median(r['first_month'] for r in runs):7.1f} "
              f"{statistics.median(r['cpu'] for r in runs):7.1f} "
              f"{statistics.median(r['import'] for r in runs):10.1f} "
              f"{statistics.median(r['setup'] for r in runs):9.1f}   {each}")  # fmt: skip
    print("  (CPU: the child's user + system time; set-up: SkillsModel(), burn-in included;"
          " the first month follows)")  # fmt: skip

    profiles = []
    for _ in range(a.repeats):
        with tempfile.TemporaryDirectory() as cache:
            profiles.append(profile_child(small, cache))
    kernels = kernel_table(profiles)
    total = statistics.median(r["compile"] for r in profiles)
    llvm = statistics.median(r["llvm"] for r in profiles)
    print(f"\ncompile CPU seconds by kernel (self), median of {a.repeats} cold processes; "
          f"total {total:.1f} s, of which LLVM {llvm:.1f} s")  # fmt: skip
    print(f"  {'kernel':50s} {'seconds':>8s} {'share':>6s} {'signatures':>11s}")
    for name, secs, sigs in kernels[: a.top]:
        print(f"  {name:50s} {secs:8.2f} {secs / total:6.0%} {sigs or '':>11}")
    rest = kernels[a.top :]
    if rest:
        secs = sum(row[1] for row in rest)
        print(f"  {f'({len(rest)} more)':50s} {secs:8.2f} {secs / total:6.0%}")
    twice = [f"{name} ({sigs})" for name, _, sigs in kernels if sigs > 1]
    print("  kernels compiled for more than one signature: " + (", ".join(twice) or "none"))

    passes: dict[str, list[float]] = {}
    for r in profiles:
        merged: dict[str, float] = {}
        for name, secs in r["passes"].items():
            name = re.sub(r" \[.*\]$", "", name)  # the pass, without the function
            merged[name] = merged.get(name, 0.0) + secs
        for name, secs in merged.items():
            passes.setdefault(name, []).append(secs)
    by_pass = sorted(((statistics.median(v), k) for k, v in passes.items()), reverse=True)
    print("\ncompiler passes by CPU seconds (self, summed over kernels)")
    for secs, name in by_pass[: a.passes]:
        print(f"  {name:50s} {secs:8.2f} {secs / total:6.0%}")


if __name__ == "__main__":
    main()
