"""Shared by the tests of figures, the report, the dashboard and the notebook: a small
sweep (two quick scenarios with a 2-month burn-in x the status quo, the apprenticeship
subsidy and the package x 3 seeds, 400 workers, 6 months; built once per test session)
and how to start Debian's chromium."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from simulation import i18n

# Debian's chromium, driven by Playwright with executable_path (never `playwright
# install`), with the flags that work on a closed network (no background requests).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SCENARIOS = {
    "quick": 'extends = "baseline"\nname = "quick"\nburn_in_months = 2\n',
    "quick_green": 'extends = "green_transition_orderly"\nname = "quick_green"\nburn_in_months = 2\n',
}
EXPERIMENT = """name = "presenting"
description = "small sweep for the presenting tests"
scenarios = ["quick.toml", "quick_green.toml"]
policies = ["none", "apprenticeship_subsidy", "package"]
replications = 3
root_seed = 5
workers = 400
months = 6
keep = ["metrics", "region", "sector", "transitions"]
"""


@functools.cache
def small_sweep() -> Path:
    """The sweep folder (deleted when the test session ends)."""
    from simulation.experiment import load_experiment, make_plan, run_sweep

    root = Path(tempfile.mkdtemp(prefix="skillsim-presenting-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    for name, body in SCENARIOS.items():
        (root / f"{name}.toml").write_text(body)
    (root / "presenting.toml").write_text(EXPERIMENT)
    plan = make_plan(load_experiment(root / "presenting.toml"))
    out = root / "sweep"
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    return out


def chinese_font_or_skip() -> None:
    """Skip where no CJK font is installed; on CI (where make test installs
    fonts-noto-cjk) a missing font is a failure."""
    try:
        i18n.cjk_font()
    except i18n.MissingFontError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no CJK font here (make test installs fonts-noto-cjk)")
