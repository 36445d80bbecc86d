"""What a second thread can give on this machine: the same loop alone, then two copies
at once on two threads (each on its own data), for three kinds of loop.

Usage: .venv/bin/python benchmarks/two_threads.py [--workers 20000] [--repeats 200]
       [--trials 5]

- the skills update (``skills.update_skill_rows``, the engine's real kernel, on the
  arrays of a ``--workers`` model after three months): arithmetic on rows that sit in
  the core's caches;
- random reads (a sum over 200,000 random rows of a 64 MB table): waiting for memory;
- a streaming update (``a[i] = a[i] * c + 1`` over 8 MB): reading and writing in order.

Printed per kind: the median time of one call alone and with the other thread running
the same loop at once, and what two threads give over one (2 x alone / at once: 2.0
when the two threads run as fast as one does alone, 1.0 when they only take turns).
Two cores of their own give close to 2 on the first kind; two hardware threads of one
core (what a cloud machine's "2 vCPUs" often are) give much less, since they share the
core's execution units.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

import numpy as np
import sides
from numba import njit


@njit(cache=True, nogil=True)
def random_reads(table, rows):
    total = 0.0
    for j in range(rows.shape[0]):
        total += table[rows[j]]
    return total


@njit(cache=True, nogil=True)
def stream(a, c):
    for i in range(a.shape[0]):
        a[i] = a[i] * c + 1.0


def timed(call, repeats: int) -> float:
    """Median seconds of one ``call()`` over ``repeats`` calls."""
    seconds = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds)


def at_once(calls, repeats: int) -> list[float]:
    """Each of ``calls`` timed (``timed``) on a thread of its own, all started together."""
    out = [0.0] * len(calls)
    go = threading.Barrier(len(calls))

    def run(k: int) -> None:
        go.wait()
        out[k] = timed(calls[k], repeats)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def skills_calls(workers: int):
    """Two independent calls of the skills kernel, each on a model of its own."""
    from simulation.kernels.skills import requirement_sums, update_skill_rows

    calls = []
    for seed in (0, 1):
        m = sides.fresh_model("combined", "package", workers, 3, seed)
        for _ in range(3):
            m.step()
        w, f, pr = m.workers, m.firms, m.providers
        args = (m.params.skills, w.status, w.employer, w.provider, w.ability, w.skills, f.req,
                pr.mix, pr.quality, pr.relevance, w.gap_under, w.gap_over,
                requirement_sums(f.req))  # fmt: skip
        rows = w.status.shape[0]  # the run's rows: room for its entrants included
        calls.append(lambda args=args, rows=rows: update_skill_rows(0, rows, *args))
    return calls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=200, help="calls per timing")
    ap.add_argument("--trials", type=int, default=5, help="alone / at once pairs; medians")
    a = ap.parse_args()

    print(f"machine: {sides.machine()}; load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))  # fmt: skip

    rng = np.random.default_rng(0)
    tables = [rng.random(8_000_000) for _ in range(2)]
    rows = [rng.integers(0, 8_000_000, 200_000) for _ in range(2)]
    streams = [np.ones(1_000_000) for _ in range(2)]
    kinds = {
        f"skills update ({a.workers:,} workers)": skills_calls(a.workers),
        "random reads (64 MB table)": [
            lambda k=k: random_reads(tables[k], rows[k]) for k in range(2)
        ],
        "streaming update (8 MB)": [lambda k=k: stream(streams[k], 0.5) for k in range(2)],
    }
    print("kind | alone ms | at once ms (each) | two threads give")
    print("--- | --- | --- | ---")
    for name, calls in kinds.items():
        for call in calls:
            call()  # compile or load, first touch
        alone, together = [], []
        for _ in range(a.trials):
            alone.append(timed(calls[0], a.repeats))
            together.append(statistics.mean(at_once(calls, a.repeats)))
        t1, t2 = statistics.median(alone), statistics.median(together)
        print(f"{name} | {1e3 * t1:.3f} | {1e3 * t2:.3f} | {2 * t1 / t2:.2f}x")


if __name__ == "__main__":
    main()
