"""Tiny experiments for the sweep and analysis tests: a scenario with a 2-month burn-in
and a few hundred workers, so a run takes a fraction of a second once kernels are
compiled."""

from __future__ import annotations

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


def without_timings(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["run_id", "month"]).reset_index(drop=True)
