"""The engine against the plain-Mesa reference model, side by side in one process.

Usage: .venv/bin/python benchmarks/vs_reference.py [--sizes 5000 20000 50000]
       [--months 24] [--repeats 3] [--chunks 6] [--scenario combined] [--policy package]

For each size, ``--repeats`` times (seeds 0, 1, ...): build the engine's
``SkillsModel`` twice and ``ReferenceModel`` once for the same run (set-up and burn-in,
not timed), and time ``--months`` calls of ``step()`` of each, the three taking turns
(``--chunks`` turns; ``interleaved``): the engine with numba's thread count (all cores
by default, NUMBA_NUM_THREADS), the engine on one thread (``numba.set_num_threads(1)``),
and the reference (plain Python: one thread). All three compute the same trajectory
(tests/test_reference.py), so they do the same work. Printed per size: the medians of
worker-months per second and of the ratios engine / reference (each repetition's ratio
of its own timings), with the set-up and burn-in times. Then the engine's time per
phase at the size of the target (``SkillsModel(profile=True)``, the median
repetition's seed), on all threads and on one, to show where its time goes.

The numba kernels are compiled (or loaded from the cache) by a small warm-up run first.
The load average is printed before and after: the machine may be shared, and a busy
core slows the engine's parallel loops.

Target (issue 3): the engine at least 300 times faster than the reference at 20,000
workers.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import time

import sides

TARGET_SIZE, TARGET_RATIO = 20_000, 300.0


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def timed_months(model, months: int, threads: int | None = None) -> float:
    """Seconds of ``months`` steps (on ``threads`` numba threads, if given)."""
    import numba

    default = numba.get_num_threads()
    numba.set_num_threads(threads or default)
    try:
        t0 = time.perf_counter()
        for _ in range(months):
            model.step()
        return time.perf_counter() - t0
    finally:
        numba.set_num_threads(default)


def interleaved(engine, single, reference, months: int, chunks: int) -> tuple[float, ...]:
    """Seconds of ``months`` steps of each model (the engine on numba's threads,
    ``single`` on one, the reference), taken in turns: ``chunks`` times, a share of the
    months of the reference, then of the engine and of ``single`` (which of the two goes
    first alternates). The engine's months are spread over the reference's tens of
    seconds, so that both see the same machine: on a shared machine the engine's
    months, a tenth of a second in one piece, landed whole in a fast or a slow spell
    (BENCHMARKS.md), while the reference's averaged over them. While the engines step,
    Python's garbage collector leaves the reference's objects alone (``gc.freeze``; put
    back by ``gc.unfreeze`` before the reference steps again): alive beside an engine,
    the reference's tens of thousands of objects would make every collection in the
    engine's months slow, which an engine alone in its process does not pay. The
    engine's months start with caches the reference's have just filled: a cost the
    engine alone does not pay either (it counts against the engine)."""
    seconds = [0.0, 0.0, 0.0]
    done = 0
    for c in range(chunks):
        step = (months * (c + 1)) // chunks - done
        done += step
        seconds[2] += timed_months(reference, step)
        gc.freeze()
        try:
            for k in (0, 1) if c % 2 == 0 else (1, 0):
                seconds[k] += timed_months((engine, single)[k], step, threads=1 if k else None)
        finally:
            gc.unfreeze()
    return tuple(seconds)


def phase_table(model, months: int, threads: int) -> None:
    model.timer.seconds.clear()  # the months, not the burn-in
    total = timed_months(model, months, threads)
    print(f"\nengine time per phase, {threads} thread(s): {total:.3f} s for {months} months")
    print("phase | seconds | share | ms per month")
    print("--- | --- | --- | ---")
    for name, seconds in sorted(model.timer.seconds.items(), key=lambda kv: -kv[1]):
        print(f"{name} | {seconds:.3f} | {seconds / total:.0%} | {1000 * seconds / months:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000, 50_000])
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--chunks", type=int, default=6, help="turns the months are taken in")
    ap.add_argument("--scenario", default="combined")
    ap.add_argument("--policy", default="package")
    a = ap.parse_args()
    if not 1 <= a.chunks <= a.months:
        ap.error("--chunks must be between 1 and --months")

    import numba

    from simulation import loading
    from simulation.model import SkillsModel
    from simulation.reference import ReferenceModel

    print(f"machine: {sides.machine()}")
    threads = numba.get_num_threads()
    print(f"python {platform.python_version()}, numba {numba.__version__}, {threads} threads; "
          f"{load()}")  # fmt: skip
    print(f"{a.scenario} | {a.policy}, {a.months} months timed after the burn-in, "
          f"{a.repeats} repetitions (seeds 0..{a.repeats - 1}), medians")  # fmt: skip
    SkillsModel(a.scenario, (a.policy,), 500, 1, 0).step()  # compile or load the kernels
    sides.settle()

    head = (
        "workers",
        f"engine wm/s ({threads} thr)",
        "engine wm/s (1 thr)",
        "reference wm/s",
        f"ratio ({threads} thr)",
        "ratio (1 thr)",
        "engine setup s",
        "ref setup s",
    )
    print("\n" + " | ".join(head))
    print(" | ".join("---" for _ in head))
    median_seed = {}
    for n in a.sizes:
        rows = []
        for seed in range(a.repeats):
            run = loading.resolve_run(a.scenario, (a.policy,), n, a.months, seed)
            gc.collect()
            t0 = time.perf_counter()
            engine = SkillsModel(run=run)
            t1 = time.perf_counter()
            single = SkillsModel(run=run)
            t2 = time.perf_counter()
            reference = ReferenceModel(run=run)
            t3 = time.perf_counter()
            te, t1e, tr = interleaved(engine, single, reference, a.months, a.chunks)
            same = {m.current["employed"] for m in (engine, single, reference)}
            assert len(same) == 1, same  # the same work
            del engine, single, reference
            wm = n * a.months
            rows.append((wm / te, wm / t1e, wm / tr, tr / te, tr / t1e, t1 - t0, t3 - t2, seed))
        med = [statistics.median(r[k] for r in rows) for k in range(7)]
        median_seed[n] = min(rows, key=lambda r: abs(r[3] - med[3]))[7]
        cells = [
            f"{n:,}",
            *(f"{v:,.0f}" for v in med[:3]),
            *(f"{v:,.0f}x" for v in med[3:5]),
            f"{med[5]:.2f}",
            f"{med[6]:.1f}",
        ]
        ratio = med[3]
        print(" | ".join(cells), flush=True)
        for col, label in ((3, f"{threads} thr"), (4, "1 thr")):
            each = ", ".join(f"{r[col]:.0f}x" for r in rows)
            print(f"(ratios by repetition, {label}: {each})")
        if n == TARGET_SIZE:
            verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
            print(f"(target: engine >= {TARGET_RATIO:.0f}x the reference at {n:,}: {verdict})")

    n = TARGET_SIZE if TARGET_SIZE in a.sizes else a.sizes[0]
    run = loading.resolve_run(a.scenario, (a.policy,), n, a.months, median_seed[n])
    print(f"\n{n:,} workers, seed {median_seed[n]}:")
    for k in sorted({threads, 1}, reverse=True):
        phase_table(SkillsModel(run=run, profile=True), a.months, k)
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
