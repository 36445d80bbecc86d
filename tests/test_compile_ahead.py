"""The cold-start helper (``simulation.compile_ahead``): it compiles the month's later
kernels, and only those, into numba's cache; a model starts it once, only on a cold
cache, never twice for one cache, never when turned off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulation import compile_ahead

ROOT = Path(__file__).resolve().parents[1]


def cached(folder: Path) -> set[str]:
    """Kernels with a numba cache index in ``folder`` (module.function)."""
    return {p.name.rsplit("-", 1)[0] for p in folder.rglob("*.nbi")}


def test_the_helper_fills_an_empty_cache_with_the_late_kernels_only(tmp_path):
    cache = tmp_path / "numba"
    cache.mkdir()
    (cache / compile_ahead.LOCK).touch()  # as start_helper leaves it
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), SKILLSIM_COMPILE_HELPER="0")
    env.setdefault("SKILLSIM_SCENARIOS", str(ROOT / "scenarios"))
    subprocess.run(
        [sys.executable, "-m", "simulation.compile_ahead", str(cache)],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    kernels = cached(cache)
    late = {  # phase 7 and the month's metrics
        "matching.draw_blocks",
        "matching.rank_firms",
        "matching.accept_offers",
        "matching.employability_blocks",
        "metrics.wage_gini",
        "metrics._tally_rows",
        "metrics.tally_total",
    }
    assert late <= kernels, late - kernels
    early = {  # phases 2, 5 and 8: the model's own share
        "firms.exit_firms",
        "choices.school_leaver_choices",
        "separations.layoffs",
    }
    assert not early & kernels
    assert not (cache / compile_ahead.LOCK).exists()


@pytest.fixture
def decide(monkeypatch, tmp_path):
    """start_helper with the cache state, the cores and Popen replaced; returns a
    function that runs it once afresh and says whether it started a helper."""
    started: list[list[str]] = []

    class FakePopen:
        def __init__(self, args, **kwargs):
            started.append(args)
            assert kwargs["env"][compile_ahead.ENV] == "0"

    monkeypatch.setattr(compile_ahead.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(compile_ahead, "_cores", lambda: 2)
    monkeypatch.delenv(compile_ahead.ENV, raising=False)

    def run(cached: bool = False, fresh: bool = True) -> bool:
        if fresh:
            monkeypatch.setattr(compile_ahead, "_checked", False)
        monkeypatch.setattr(compile_ahead, "_cache_state", lambda: (cached, str(tmp_path)))
        before = len(started)
        compile_ahead.start_helper()
        return len(started) > before

    return run


def test_a_cold_cache_starts_one_helper_and_takes_the_lock(decide, tmp_path):
    assert decide()
    assert (tmp_path / compile_ahead.LOCK).exists()
    assert not decide(fresh=False)  # once per process
    assert not decide()  # another process: the lock is held
    os.utime(tmp_path / compile_ahead.LOCK, (0, 0))  # a helper that died long ago
    assert decide()


def test_no_helper_for_a_warm_cache_one_core_or_when_turned_off(decide, monkeypatch):
    assert not decide(cached=True)
    monkeypatch.setattr(compile_ahead, "_cores", lambda: 1)
    assert not decide()
    monkeypatch.setattr(compile_ahead, "_cores", lambda: 2)
    monkeypatch.setenv(compile_ahead.ENV, "0")
    assert not decide()
