"""The analyst's side, side by side: this checkout and another one load a sweep's table
and take its effects (``analysis.load``, ``analysis.effects``), in fresh processes that
take turns.

Usage: .venv/bin/python benchmarks/analysis_ab.py --against DIR --sweep SWEEP
       [--table region_transitions] [--repeats 3] [--summary mean] [--pool-regions]

``DIR`` is another checkout (``git worktree add DIR REV``); ``SWEEP`` a sweep folder
(``make run`` writes one: its default sweep keeps every table). Each repetition starts
one process per side, this side first in odd repetitions and the other first in even
ones; a process loads the table, with ``--pool-regions`` pools its regions into urban
and rural (``analysis.pool_regions``, as ``skillsim effects --pool-regions`` does),
then takes its effects against the sweep's baseline, and reports the seconds of each,
its peak resident memory (the process's, Python and the libraries included) and a hash
of the effects table (and of the pooled table). Printed: each side's medians, the
ratios this / other, and whether both sides computed the same tables, bit for bit (an
optimisation of the analysis must).
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

def digest(table):
    out = hashlib.sha256(pd.util.hash_pandas_object(table, index=True).to_numpy().tobytes())
    out.update(repr([*table.columns, *table.dtypes]).encode())
    return out.hexdigest()

t0 = time.perf_counter()
results = analysis.load(sys.argv[1], table=sys.argv[2])
t1 = time.perf_counter()
pooled = analysis.pool_regions(results) if sys.argv[4] == "pool" else results
t2 = time.perf_counter()
table = analysis.effects(pooled, summary=sys.argv[3])
t3 = time.perf_counter()
print(json.dumps({
    "load": t1 - t0, "pool": t2 - t1, "effects": t3 - t2, "rows": len(results),
    "pooled_rows": len(pooled), "effect_rows": len(table),
    "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
    "hash": digest(table), "pooled_hash": digest(pooled) if pooled is not results else "",
}))
"""


def run(checkout: Path, a: argparse.Namespace) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(a.sweep), a.table, a.summary, a.pool],
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
    ap.add_argument(
        "--pool-regions",
        dest="pool",
        action="store_const",
        const="pool",
        default="",
        help="pool the region table's regions into urban and rural before its effects "
        "(analysis.pool_regions), and time it",
    )
    a = ap.parse_args()
    here = Path(__file__).resolve().parent.parent
    a.sweep = a.sweep.resolve()
    sides: dict[str, list[dict]] = {"this": [], "other": []}
    for i in range(a.repeats):
        order = [("this", here), ("other", a.against)]
        for name, checkout in order if i % 2 == 0 else order[::-1]:
            sides[name].append(run(checkout, a))
    first = sides["this"][0]
    pooled = f"; pooled into {first['pooled_rows']:,} rows" if a.pool else ""
    print(
        f"{a.sweep.name}, table {a.table} ({first['rows']:,} rows{pooled}; "
        f"{first['effect_rows']:,} effect rows), summary {a.summary}; medians of "
        f"{a.repeats} processes a side"
    )
    timed = ["load", *(["pool"] if a.pool else []), "effects", "peak_gb"]
    heads = {"load": "load s", "pool": "pool s", "effects": "effects s", "peak_gb": "peak GB"}
    print(f"{'':8}" + "".join(f"{heads[k]:>11}" for k in timed))
    med = {}
    for name, got in sides.items():
        med[name] = {k: statistics.median(g[k] for g in got) for k in timed}
        print(f"{name:8}" + "".join(f"{med[name][k]:11.2f}" for k in timed))
    ratio = {k: med["this"][k] / med["other"][k] for k in timed}
    said = {"load": "load", "pool": "pool", "effects": "effects", "peak_gb": "peak memory"}
    print("this / other: " + ", ".join(f"{said[k]} {ratio[k]:.3f}" for k in timed))
    for what, key in (("pooled", "pooled_hash"), ("effects", "hash")):
        if key == "hash" or a.pool:
            same = {g[key] for got in sides.values() for g in got}
            print(f"same {what} table bit for bit: {'yes' if len(same) == 1 else 'NO'}")


if __name__ == "__main__":
    main()
