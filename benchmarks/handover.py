"""What handing work to a second thread costs on this machine, and where a month's
metrics spend their time at the size of the reference benchmark.

Usage: .venv/bin/python benchmarks/handover.py [--workers 20000] [--months 200]

Part 1 times the primitives the metrics' hand-over is made of, with the other thread
idle (asleep) each time, as it is when a month's metrics start:

- ``submit``: ``ThreadPoolExecutor.submit`` of an empty task to an idle pool thread
  (what ``parallel.start`` does): the caller's time, and when the task starts;
- ``Event.set``: waking a thread blocked on a ``threading.Event``: the setter's time,
  and when the woken thread runs;
- ``time.sleep``: how much later than asked a short sleep returns (a thread that woke
  itself on a timer instead of being woken would be late by this much).

Part 2 runs a model (combined scenario, policy package) and timestamps each month's
metrics (``SkillsModel._tally``): the hand-over of the Gini and the employability
estimate (``parallel.start``), the tallies on the calling thread, the task on the pool
thread, the wait for it and ``_collect``; medians in microseconds from the hand-over.
The wrappers add about a microsecond each.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import sides

REPEATS = 300
IDLE = 0.003  # seconds the other thread is left idle before each hand-over


def median_us(values) -> float:
    return 1e6 * statistics.median(values)


def primitives() -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    pool.submit(lambda: None).result()
    caller, started = [], []
    for _ in range(REPEATS):
        time.sleep(IDLE)
        t0 = time.perf_counter()
        future = pool.submit(time.perf_counter)
        caller.append(time.perf_counter() - t0)
        started.append(future.result() - t0)
    pool.shutdown()
    print(f"submit to an idle pool thread | {median_us(caller):.1f} | {median_us(started):.1f}")

    wake, done = threading.Event(), threading.Event()
    woke: list[float] = []

    def sleeper() -> None:
        while True:
            wake.wait()
            wake.clear()
            woke.append(time.perf_counter())
            done.set()

    threading.Thread(target=sleeper, daemon=True).start()
    caller, started = [], []
    for _ in range(REPEATS):
        time.sleep(IDLE)
        t0 = time.perf_counter()
        wake.set()
        caller.append(time.perf_counter() - t0)
        done.wait()
        done.clear()
        started.append(woke[-1] - t0)
    print(f"Event.set to a sleeping thread | {median_us(caller):.1f} | {median_us(started):.1f}")

    for asked in (100e-6, 1e-3):
        late = []
        for _ in range(REPEATS // 2):
            t0 = time.perf_counter()
            time.sleep(asked)
            late.append(time.perf_counter() - t0 - asked)
        print(f"time.sleep({1e6 * asked:.0f} us) returns late by | | {median_us(late):.1f}")


def metrics_timeline(workers: int, months: int) -> None:
    from simulation import loading
    from simulation import model as model_module
    from simulation.model import SkillsModel

    SkillsModel("combined", ("package",), 500, 1, 0).step()  # compile or load the kernels
    sides.settle()
    run = loading.resolve_run("combined", ("package",), workers, months + 24, 0)
    model = SkillsModel(run=run)
    stamps: dict[str, float] = {}
    now = time.perf_counter
    start, beside = model_module.parallel.start, SkillsModel._gini_and_employability
    tables, collect = SkillsModel._tally_tables, SkillsModel._collect

    def timed_start(*args, **kwargs):
        stamps["handover"] = now()
        out = start(*args, **kwargs)
        stamps["handed"] = now()
        return out

    def timed_beside(self):
        stamps["task"] = now()
        stamps["on pool"] = threading.current_thread() is not threading.main_thread()
        out = beside(self)
        stamps["task end"] = now()
        return out

    def timed_tables(self):
        stamps["tallies"] = now()
        out = tables(self)
        stamps["tallies end"] = now()
        return out

    def timed_collect(self, **statistics_):
        stamps["collect"] = now()
        collect(self, **statistics_)
        stamps["collect end"] = now()

    model_module.parallel.start = timed_start
    SkillsModel._gini_and_employability = timed_beside
    SkillsModel._tally_tables = timed_tables
    SkillsModel._collect = timed_collect
    rows = []
    try:
        for month in range(months):
            model.step()
            if month >= 10:
                rows.append(dict(stamps))
    finally:
        model_module.parallel.start = start
        SkillsModel._gini_and_employability = beside
        SkillsModel._tally_tables = tables
        SkillsModel._collect = collect
    on_pool = sum(r["on pool"] for r in rows)
    print(f"\n{workers:,} workers, {len(rows)} months; the task ran on the pool thread in "
          f"{on_pool} of them")  # fmt: skip
    print("event | us after the hand-over (median)")
    print("--- | ---")
    for label, key in (
        ("hand-over returns (parallel.start)", "handed"),
        ("tallies start (calling thread)", "tallies"),
        ("task starts (pool thread)", "task"),
        ("tallies end", "tallies end"),
        ("task ends", "task end"),
        ("collect starts", "collect"),
        ("collect ends", "collect end"),
    ):
        print(f"{label} | {median_us([r[key] - r['handover'] for r in rows]):.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=20_000)
    ap.add_argument("--months", type=int, default=200)
    a = ap.parse_args()
    print(f"machine: {sides.machine()}")
    print(sides.load())
    print("\nprimitive | caller's us | the other thread runs at us")
    print("--- | --- | ---")
    primitives()
    metrics_timeline(a.workers, a.months)


if __name__ == "__main__":
    main()
