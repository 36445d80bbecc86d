"""Tiny experiments for the sweep, analysis and report tests: scenarios with a 2-month
burn-in and a few hundred workers, so a run takes a fraction of a second once kernels
are compiled."""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

QUICK_SCENARIO = """extends = "baseline"
name = "quick"
burn_in_months = 2
"""


def write_experiment(folder: Path, body: str, name: str = "exp") -> Path:
    """``folder``/quick.toml (the quick scenario) and ``folder``/<name>.toml."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "quick.toml").write_text(QUICK_SCENARIO)
    path = folder / f"{name}.toml"
    path.write_text(body)
    return path


def small(
    policies=("none", "apprenticeship_subsidy"),
    replications=2,
    workers=300,
    months=3,
    extra="",
) -> str:
    """An experiment on the quick scenario (and baseline's world)."""
    quoted = ", ".join(f'"{p}"' for p in policies)
    return (
        f'scenarios = ["quick.toml"]\npolicies = [{quoted}]\nreplications = {replications}\n'
        f"root_seed = 11\nworkers = {workers}\nmonths = {months}\n{extra}"
    )


def run_row(scenario: str, policy: str, seed: int, month: int, **metrics) -> dict:
    """One month of one run as a loaded sweep's frame has it (design point 0, replicate
    = seed), with ``metrics``: for tests that build a sweep's metrics by hand."""
    return {
        "run_id": f"{scenario}-{policy}-{seed}",
        "scenario": scenario,
        "policy": policy,
        "point": 0,
        "replicate": seed,
        "seed": seed,
        "month": month,
        **metrics,
    }


def without_timings(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["run_id", "month"]).reset_index(drop=True)


# A small sweep for the report: two scenarios x three policies x 2 seeds, keeping every
# breakdown the report draws, the crossed sector x region table (cell) included; 14
# months, so the sector x region maps average the last 12 (months 3 to 14).
QUICK_GREEN_SCENARIO = """extends = "green_transition_orderly"
name = "quick_green"
burn_in_months = 2
"""
CELL_EXPERIMENT = """name = "cells"
scenarios = ["quick.toml", "quick_green.toml"]
policies = ["none", "apprenticeship_subsidy", "package"]
replications = 2
root_seed = 7
workers = 300
months = 14
keep = ["metrics", "region", "sector", "cell", "transitions", "region_transitions"]
"""


@functools.cache
def cell_sweep() -> Path:
    """The sweep folder of CELL_EXPERIMENT, built once per test session (and deleted
    when it ends)."""
    from simulation.experiment import load_experiment, make_plan, run_sweep

    root = Path(tempfile.mkdtemp(prefix="skillsim-cells-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    (root / "quick_green.toml").write_text(QUICK_GREEN_SCENARIO)
    path = write_experiment(root, CELL_EXPERIMENT, name="cells")
    out = root / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    return out


def without_table(sweep: Path, out: Path, table: str) -> Path:
    """A copy of ``sweep`` as a sweep that did not keep ``table`` (as one made before
    the table existed): no <table>.parquet in its runs and no ``table`` in its
    manifest's keep."""
    ignore = shutil.ignore_patterns(f"{table}.parquet", ".lock")
    shutil.copytree(sweep, out, ignore=ignore)
    manifest = json.loads((out / "manifest.json").read_text())
    keep = manifest["experiment"]["keep"]
    manifest["experiment"]["keep"] = [k for k in keep if k != table]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return out


def without_cell(sweep: Path, out: Path) -> Path:
    """A copy of ``sweep`` as a sweep made before the cell table existed."""
    return without_table(sweep, out, "cell")
