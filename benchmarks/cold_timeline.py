"""A cold start's two processes, kernel by kernel: who compiled what, and when.

Usage: .venv/bin/python benchmarks/cold_timeline.py [--workers 20000]
       [--scenario baseline] [--policy none] [--all]

One cold start (``run_speed.child`` on a new empty numba cache, the compile helper on),
with both processes listening to numba's ``numba:compile`` events (one per kernel and
signature actually compiled, not for one loaded from the cache). The listener comes
from a ``sitecustomize`` module in a temporary folder put on PYTHONPATH, so the run
and the helper it starts are the code as shipped; it registers once numba is imported.

Printed: the merged timeline, seconds since the run's process started (the run's
kernels on the left, the helper's on the right; numba's own implementations, such as
``np.empty``, which compile inside a kernel's event, are left out unless ``--all``),
then for each process its first and last compile and its compile seconds (kernels'
events only), and what both compiled (double work). What
to look for: the two should end close together, and compile nothing twice
(BENCHMARKS.md, "Start-up").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from run_speed import child, helper_ended

SITECUSTOMIZE = """
import atexit, json, os, sys, time
_out, _t0, _rows = os.environ["TIMELINE_OUT"], float(os.environ["TIMELINE_T0"]), []

def _listen():
    from numba.core import event

    class Listener(event.Listener):
        def __init__(self):
            self.starts = []

        def on_start(self, ev):
            self.starts.append(time.time())

        def on_end(self, ev):
            start = self.starts.pop()
            f = ev.data["dispatcher"].py_func
            outer = not self.starts  # a kernel's callees compile inside its own event
            if outer or not f.__module__.startswith("simulation"):  # numba's own, nested
                row = (start - _t0, time.time() - _t0, f.__module__, f.__qualname__, outer)
                _rows.append(row)

    event.register("numba:compile", Listener())

class _Finder:  # registers the listener at the first import after numba's
    def find_spec(self, name, path=None, target=None):
        if "numba.core.event" in sys.modules and not _Finder.done:
            _Finder.done = True
            _listen()
        return None

_Finder.done = False
sys.meta_path.insert(0, _Finder())

def _dump():
    main = getattr(sys.modules.get("__main__"), "__spec__", None)
    role = "helper" if main is not None and main.name == "simulation.compile_ahead" else "run"
    with open(os.path.join(_out, f"{role}-{os.getpid()}.json"), "w") as fh:
        json.dump({"role": role, "end": time.time() - _t0, "rows": _rows}, fh)

atexit.register(_dump)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=20_000)
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--policy", default="none")
    ap.add_argument("--all", action="store_true", help="numba's own implementations too")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site, cache, out = (Path(tmp) / name for name in ("site", "cache", "out"))
        for folder in (site, cache, out):
            folder.mkdir()
        (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
        path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
        t0 = time.time()
        result = child(
            [a.scenario, a.policy, str(a.workers), "1", "0"],
            str(cache),
            PYTHONPATH=path,
            TIMELINE_OUT=str(out),
            TIMELINE_T0=repr(t0),
        )
        helper_ended(str(cache))
        time.sleep(1.0)  # the helper writes its timeline as it exits
        reports = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
    print(f"{a.scenario} | {a.policy}, {a.workers:,} workers, cold: first month completed "
          f"{result['first_month']:.1f} s after the run's imports began")  # fmt: skip

    def shown(row) -> bool:  # outermost kernels; with --all, numba's own (nested) too
        return a.all or (row[4] and row[2].startswith("simulation"))

    events = sorted(
        (start, end, r["role"], f"{module}.{name}")
        for r in reports
        for start, end, module, name, _ in filter(shown, r["rows"])
    )
    print(f"\n  {'start':>6s} {'end':>6s}   {'run':44s} helper")
    for start, end, role, name in events:
        name = name.removeprefix("simulation.kernels.")
        cell = f"{name} {end - start:.2f}"
        left, right = (cell, "") if role == "run" else ("", cell)
        print(f"  {start:6.1f} {end:6.1f}   {left:44s} {right}")
    print()
    compiled: dict[str, set[str]] = {}
    for r in reports:
        rows = list(filter(shown, r["rows"]))
        secs = sum(end - start for start, end, *_, outer in r["rows"] if outer)
        first = min((start for start, *_ in rows), default=float("nan"))
        last = max((end for _, end, *_ in rows), default=float("nan"))
        print(f"  {r['role']:6s}: compiled {first:5.1f} -> {last:5.1f} s, {secs:5.1f} s of "
              f"compilation, exited at {r['end']:5.1f} s")  # fmt: skip
        compiled[r["role"]] = {f"{m}.{n}" for _, _, m, n, _ in rows}
    both = sorted(compiled.get("run", set()) & compiled.get("helper", set()))
    print("  compiled by both: " + (", ".join(both) or "nothing"))
    if "helper" not in compiled:
        print("  (no helper ran: one core, SKILLSIM_COMPILE_HELPER=0, or a lock held)")


if __name__ == "__main__":
    sys.exit(main())
