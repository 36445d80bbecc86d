"""The affinity factors kept from a matching round for the next: the later rounds' draws
with the factors read, against the same draws with the factors computed afresh, side by
side in one process.

Usage: .venv/bin/python benchmarks/draw_factors.py [--workers 1000000] [--months 4]
       [--repeats 5] [--threads 1]

Steps ``--months`` months of the combined scenario under the policy package (after two
untimed ones); every call of ``matching.draw_applications`` that reads kept factors
(``known``: the later rounds of a month's job or slot matching) runs as in the month,
then ``--repeats`` times more each way on copies of its inputs, alternating, timed:
with the factors read, and with them computed afresh (``known`` False, which also
writes them: what every round did before, plus those writes). Both give the same
applications, and the factors computed afresh are the kept ones bit for bit (checked).
Printed: the draws' milliseconds per month each way (medians of the repeats, summed
over the month's calls) and the searchers drawn.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import sides


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=4)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()

    import numba

    from simulation.kernels import matching

    numba.set_num_threads(a.threads)
    model = sides.fresh_model("combined", "package", a.workers, a.months + 2)
    model.step()
    model.step()
    sides.settle()

    draw = matching.draw_applications
    seconds = {"read": 0.0, "computed": 0.0}
    searchers = [0]

    def timed(*args) -> None:
        draw(*args)
        *head, apps, factors, known, rows = args
        if not known:
            return
        searchers[0] += head[3]
        times: dict[str, list[float]] = {"read": [], "computed": []}
        for _ in range(a.repeats):
            for way in ("read", "computed"):
                out, kept = apps.copy(), factors.copy()
                t0 = time.perf_counter()
                draw(*head, out, kept, way == "read", rows)
                times[way].append(time.perf_counter() - t0)
                assert np.array_equal(out, apps)
                assert np.array_equal(kept.view(np.uint64), factors.view(np.uint64))
        for way in times:
            seconds[way] += statistics.median(times[way])

    matching.draw_applications = timed
    try:
        for _ in range(a.months):
            model.step()
    finally:
        matching.draw_applications = draw

    print(f"combined | package, {a.workers:,} workers, {a.months} months, "
          f"{a.threads} thread(s); load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))  # fmt: skip
    per = 1e3 / a.months
    print(f"later rounds' draws: {searchers[0] / a.months:,.0f} searchers a month")
    print(f"  factors computed afresh: {seconds['computed'] * per:.2f} ms a month")
    print(f"  factors read:            {seconds['read'] * per:.2f} ms a month "
          f"({seconds['read'] / seconds['computed']:.2f} of the time)")  # fmt: skip


if __name__ == "__main__":
    main()
