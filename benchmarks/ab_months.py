"""A change's effect on the month, side by side: this checkout and another one step the
same run in two processes that take turns, month by month.

Usage: .venv/bin/python benchmarks/ab_months.py --against DIR [--workers 20000]
       [--months 100] [--pairs 3] [--threads 1] [--turn 1] [--warm-up 3] [--burn-in 12]
       [--scenario combined] [--policy package] [--seed 1]

``DIR`` is another checkout (``git worktree add DIR REV``). Each pair starts one process
in each checkout (its own ``simulation`` and numba cache, filled by a first untimed
run if empty); both build the same run, step ``--warm-up`` months, and wait. Then the
parent has them step one month at a time, in turn (which side goes first alternates
month by month), so that both see the same machine: on a shared machine the speed of
the whole machine drifts by a quarter within minutes, which makes separate runs
incomparable at the level of a few per cent. Each process times its own months
(``time.perf_counter`` around ``model.step``); the parent reports, per pair and over
all pairs, the median month of each side and the median of the month-by-month ratio
(this / other). Fresh pairs of processes (``--pairs``) average over how each process
happens to lay out its memory and code.

With ``--turn N`` each process steps N months a turn (the months' ratios pair the
i-th month of a turn on each side). A process waits idle while the other takes its
turn, and the first month after a pause runs on cores that have idled: on the
development machine a second thread's work started after a pause gained nothing
(see BENCHMARKS.md, "The metrics beside the tallies"), where months run back to back,
as in a real run, it gained 6-9%. Compare changes that add work on a second thread
with turns of 10 or more.

At the end both sides hash their agent arrays and the month's metrics: the script says
whether the two checkouts computed the same run bit for bit (an optimisation must).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
from pathlib import Path

import sides


def serve(a: argparse.Namespace) -> None:
    """The child: build the run, warm up, then step a month per line read from stdin
    ("step"), answering its seconds; "path" answers how its months run (in one compiled
    call, or phase by phase); "done" answers the state's hash and exits."""
    import time

    from simulation import loading
    from simulation.model import SkillsModel

    run = loading.resolve_run(a.scenario, [a.policy], a.workers, a.warm_up + a.months, a.seed)
    scenario = run.scenario.model_copy(update={"burn_in_months": a.burn_in})
    model = SkillsModel(run=run.model_copy(update={"scenario": scenario}))
    for _ in range(a.warm_up):
        model.step()
    sides.settle()
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words and words[0] == "step":
            seconds = []
            for _ in range(int(words[1]) if len(words) > 1 else 1):
                t0 = time.perf_counter()
                model.step()
                seconds.append(time.perf_counter() - t0)
            print(" ".join(map(str, seconds)), flush=True)
        elif words and words[0] == "path":
            one = getattr(model, "_in_one_call", None)  # (an older checkout may lack it)
            said = "unknown" if one is None else "one call" if one() else "phase by phase"
            print(said, flush=True)
        else:
            digest = hashlib.sha1()
            for pop in (model.workers, model.firms, model.providers):
                for arr in pop.arrays().values():
                    digest.update(arr.tobytes())
            digest.update(json.dumps(model.current, sort_keys=True).encode())
            print(digest.hexdigest(), flush=True)
            return


def start(tree: str, a: argparse.Namespace) -> subprocess.Popen:
    """A child of this script that steps the run with checkout ``tree``'s code, ready."""
    argv = [
        "--serve", "--workers", str(a.workers), "--months", str(a.months),
        "--warm-up", str(a.warm_up), "--burn-in", str(a.burn_in), "--scenario", a.scenario,
        "--policy", a.policy, "--seed", str(a.seed),
    ]  # fmt: skip
    return sides.child(str(Path(__file__).resolve()), argv, tree, a.threads, "run")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", metavar="DIR", help="another checkout, timed side by side")
    ap.add_argument("--workers", type=int, default=20_000)
    ap.add_argument("--months", type=int, default=100, help="months timed per pair")
    ap.add_argument("--pairs", type=int, default=3, help="pairs of processes, one after another")
    ap.add_argument("--turn", type=int, default=1, help="months a process steps per turn")
    ap.add_argument("--warm-up", type=int, default=3, help="months stepped before timing")
    ap.add_argument("--burn-in", type=int, default=12, help="the run's burn-in months")
    sides.add_run_options(ap)
    a = sides.parse(ap, serve)
    if a is None:
        return
    if a.months < 1 or a.pairs < 1 or a.months * a.pairs < 2:
        ap.error("--months and --pairs must be at least 1, and give at least 2 months in all")
    if a.turn < 1:
        ap.error("--turn must be at least 1")
    trees = sides.checkouts(__file__, a.against)
    print(f"{a.scenario} | {a.policy}, {a.workers:,} workers, {a.threads} thread(s): "
          f"{a.months} months per pair in turns of {a.turn}, {a.pairs} pair(s) of processes")  # fmt: skip
    print(f"  this:  {trees['this']}\n  other: {trees['other']}")
    sides.one_cpu(a.threads)
    times: dict[str, list[float]] = {"this": [], "other": []}
    ratios: list[float] = []
    same = True
    for pair in range(a.pairs):
        procs = {label: start(tree, a) for label, tree in trees.items()}
        paths = {label: sides.ask(proc, "path") for label, proc in procs.items()}
        if paths["this"] != paths["other"]:  # (a ratio of two paths, not of the change)
            print(f"  WARNING pair {pair + 1}: the months run {paths['this']} here and "
                  f"{paths['other']} in the other checkout, so the ratio compares the two "
                  "paths, not the change (is the one-call month missing from one numba "
                  "cache? `python -m simulation.compile_ahead` in that checkout fills it)")  # fmt: skip
        mine: dict[str, list[float]] = {"this": [], "other": []}
        for turn, first in enumerate(range(0, a.months, a.turn)):
            count = min(a.turn, a.months - first)
            for label in ("this", "other") if turn % 2 == 0 else ("other", "this"):
                mine[label] += map(float, sides.ask(procs[label], f"step {count}").split())
        hashes = {label: sides.ask(proc, "done") for label, proc in procs.items()}
        for proc in procs.values():
            proc.wait()
        same = same and hashes["this"] == hashes["other"]
        pair_ratios = [x / y for x, y in zip(mine["this"], mine["other"], strict=True)]
        ratios += pair_ratios
        for label in mine:
            times[label] += mine[label]
        print(f"  pair {pair + 1} ({paths['this']} | {paths['other']}): this "
              f"{statistics.median(mine['this']) * 1e3:8.2f} ms, "
              f"other {statistics.median(mine['other']) * 1e3:8.2f} ms a month (medians); "
              f"this / other month by month {statistics.median(pair_ratios):.3f}")  # fmt: skip
    print(f"all months: this {statistics.median(times['this']) * 1e3:.2f} ms, other "
          f"{statistics.median(times['other']) * 1e3:.2f} ms; this / other "
          f"{statistics.median(ratios):.3f} (median of {len(ratios)} months; quartiles "
          f"{statistics.quantiles(ratios, n=4)[0]:.3f}-{statistics.quantiles(ratios, n=4)[2]:.3f})")  # fmt: skip
    print(f"same run bit for bit (agent arrays and the last month's metrics): "
          f"{'yes' if same else 'NO'}")  # fmt: skip
    print(sides.load())


if __name__ == "__main__":
    main()
