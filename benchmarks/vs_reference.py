"""The engine against the plain-Mesa reference model, side by side in one process.

Usage: .venv/bin/python benchmarks/vs_reference.py [--sizes 5000 20000 50000]
       [--months 24] [--repeats 3] [--scenario combined] [--policy package]

For each size, ``--repeats`` times (seeds 0, 1, ...): build ``SkillsModel`` and
``ReferenceModel`` of the same run (set-up and burn-in, not timed), then time
``--months`` calls of ``step()`` of each, one model after the other. Both compute the
same trajectory (tests/test_reference.py), so they do the same work. Printed per size:
the medians of worker-months per second of each and of the ratio engine / reference
(each repetition's ratio of its own two timings), with the set-up and burn-in times.
Then the engine's time per phase at the size of the target (``SkillsModel(profile=True)``,
the median repetition's seed), to show where its time goes.

The numba kernels are compiled (or loaded from the cache) by a small warm-up run first.
The engine uses numba's threads (all cores by default; NUMBA_NUM_THREADS to change);
the reference runs in one thread. The load average is printed before and after: the
machine may be shared.

Target (issue 3): the engine at least 300 times faster than the reference at 20,000
workers.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

TARGET_SIZE, TARGET_RATIO = 20_000, 300.0


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cpus, {platform.platform()}"


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def timed_months(model, months: int) -> float:
    t0 = time.perf_counter()
    for _ in range(months):
        model.step()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000, 50_000])
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scenario", default="combined")
    ap.add_argument("--policy", default="package")
    a = ap.parse_args()

    import numba

    from simulation import loading
    from simulation.model import SkillsModel
    from simulation.reference import ReferenceModel

    print(f"machine: {machine()}")
    print(f"python {platform.python_version()}, numba {numba.__version__} with "
          f"{numba.get_num_threads()} threads; {load()}")  # fmt: skip
    print(f"{a.scenario} | {a.policy}, {a.months} months timed after the burn-in, "
          f"{a.repeats} repetitions (seeds 0..{a.repeats - 1}), medians")  # fmt: skip
    SkillsModel(a.scenario, (a.policy,), 500, 1, 0).step()  # compile or load the kernels

    head = ("workers", "engine wm/s", "reference wm/s", "ratio", "engine setup s", "ref setup s")
    print("\n" + " | ".join(head))
    print(" | ".join("---" for _ in head))
    median_seed = {}
    for n in a.sizes:
        rows = []
        for seed in range(a.repeats):
            run = loading.resolve_run(a.scenario, (a.policy,), n, a.months, seed)
            t0 = time.perf_counter()
            engine = SkillsModel(run=run)
            t1 = time.perf_counter()
            reference = ReferenceModel(run=run)
            t2 = time.perf_counter()
            te = timed_months(engine, a.months)
            tr = timed_months(reference, a.months)
            assert engine.current["employed"] == reference.current["employed"]  # same work
            rows.append((n * a.months / te, n * a.months / tr, tr / te, t1 - t0, t2 - t1, seed))
            del engine, reference
        ratio = statistics.median(r[2] for r in rows)
        median_seed[n] = min(rows, key=lambda r: abs(r[2] - ratio))[5]
        cells = [
            f"{n:,}",
            f"{statistics.median(r[0] for r in rows):,.0f}",
            f"{statistics.median(r[1] for r in rows):,.0f}",
            f"{ratio:,.0f}x",
            f"{statistics.median(r[3] for r in rows):.2f}",
            f"{statistics.median(r[4] for r in rows):.1f}",
        ]
        print(" | ".join(cells), flush=True)
        if n == TARGET_SIZE:
            verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
            print(f"(target: engine >= {TARGET_RATIO:.0f}x the reference at {n:,}: {verdict})")

    n = TARGET_SIZE if TARGET_SIZE in a.sizes else a.sizes[0]
    run = loading.resolve_run(a.scenario, (a.policy,), n, a.months, median_seed[n])
    engine = SkillsModel(run=run, profile=True)
    engine.timer.seconds.clear()  # the months, not the burn-in
    total = timed_months(engine, a.months)
    print(f"\nengine time per phase at {n:,} workers, {a.months} months ({total:.3f} s):")
    print("phase | seconds | share | ms per month")
    print("--- | --- | --- | ---")
    phases = sorted(engine.timer.seconds.items(), key=lambda kv: -kv[1])
    for name, seconds in phases:
        ms = 1000 * seconds / a.months
        print(f"{name} | {seconds:.3f} | {seconds / total:.0%} | {ms:.1f}")
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
