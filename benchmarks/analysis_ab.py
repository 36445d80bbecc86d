"""The analyst's side, side by side: this checkout and another one load a sweep's table
and take its effects (``analysis.load``, ``analysis.effects``), in fresh processes that
take turns.

Usage: .venv/bin/python benchmarks/analysis_ab.py --against DIR --sweep SWEEP
       [--table region_transitions] [--repeats 3] [--summary mean]

``DIR`` is another checkout (``git worktree add DIR REV``); ``SWEEP`` a sweep folder
(``make run`` writes one: its default sweep keeps every table). Each repetition starts
one process per side, this side first in odd repetitions and the other first in even
ones; a process loads the table, then takes its effects against the sweep's baseline,
and reports the seconds of each, its peak resident memory (the process's, Python and
the libraries included) and a hash of the effects table. Printed: each side's medians,
the ratios this / other, and whether both sides computed the same table, bit for bit
(an optimisation of the analysis must).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = """
import hashlib, json, resource, sys, time
import pandas as pd
from simulation import analysis
t0 = time.perf_counter()
results = analysis.load(sys.argv[1], table=sys.argv[2])
t1 = time.perf_counter()
table = analysis.effects(results, summary=sys.argv[3])
t2 = time.perf_counter()
digest = hashlib.sha256(pd.util.hash_pandas_object(table, index=True).to_numpy().tobytes())
digest.update(repr(list(table.columns)).encode())
print(json.dumps({
    "load": t1 - t0, "effects": t2 - t1, "rows": len(results), "effect_rows": len(table),
    "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
    "hash": digest.hexdigest(),
}))
"""


def run(checkout: Path, a: argparse.Namespace) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(a.sweep), a.table, a.summary],
        cwd=checkout,
        env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.exit(f"{checkout}: the child failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", type=Path, required=True, help="another checkout")
    ap.add_argument("--sweep", type=Path, required=True, help="a sweep folder")
    ap.add_argument("--table", default="region_transitions")
    ap.add_argument("--summary", default="mean", choices=("mean", "final"))
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    here = Path(__file__).resolve().parent.parent
    a.sweep = a.sweep.resolve()
    sides: dict[str, list[dict]] = {"this": [], "other": []}
    for i in range(a.repeats):
        order = [("this", here), ("other", a.against)]
        for name, checkout in order if i % 2 == 0 else order[::-1]:
            sides[name].append(run(checkout, a))
    first = sides["this"][0]
    print(
        f"{a.sweep.name}, table {a.table} ({first['rows']:,} rows; {first['effect_rows']:,} "
        f"effect rows), summary {a.summary}; medians of {a.repeats} processes a side"
    )
    print(f"{'':8}{'load s':>9}{'effects s':>11}{'peak GB':>9}")
    med = {}
    for name, got in sides.items():
        med[name] = {
            k: statistics.median(g[k] for g in got) for k in ("load", "effects", "peak_gb")
        }
        m = med[name]
        print(f"{name:8}{m['load']:9.2f}{m['effects']:11.2f}{m['peak_gb']:9.2f}")
    ratio = {k: med["this"][k] / med["other"][k] for k in med["this"]}
    print(
        f"this / other: load {ratio['load']:.3f}, effects {ratio['effects']:.3f}, "
        f"peak memory {ratio['peak_gb']:.3f}"
    )
    same = {g["hash"] for got in sides.values() for g in got}
    print(f"same effects table bit for bit: {'yes' if len(same) == 1 else 'NO'}")


if __name__ == "__main__":
    main()
