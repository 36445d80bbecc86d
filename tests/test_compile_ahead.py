"""The cold-start helper (``simulation.compile_ahead``): it compiles the stages of a
month that the model has not claimed, and only those, into numba's cache; the model
claims its stages and waits for the helper's; the two name the same stages; importing the
model starts the helper once, only on a cold cache, never twice for one cache, never when
turned off; two processes never give a compiled function the same name."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from simulation import compile_ahead

ROOT = Path(__file__).resolve().parents[1]


def cached(folder: Path) -> set[str]:
    """Kernels with a numba cache index in ``folder`` (module.function)."""
    return {p.name.rsplit("-", 1)[0] for p in folder.rglob("*.nbi")}


def saved_at(folder: Path, kernel: str) -> int:
    """When numba saved the cache index of ``kernel`` (module.function) in ``folder``."""
    (index,) = folder.rglob(f"{kernel}-*.nbi")
    return index.stat().st_mtime_ns


LATE = ("7 search and matching", "gini", "employability", "tally")


def test_the_helper_compiles_the_stages_the_model_has_not_claimed(tmp_path):
    cache, stages = tmp_path / "numba", tmp_path / "stages"
    cache.mkdir()
    stages.mkdir()
    (cache / compile_ahead.LOCK).touch()  # as start_helper leaves it
    for name in compile_ahead.HELPER_ORDER:  # the model has claimed all but the late ones
        if name not in LATE:
            (stages / name).touch()
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), SKILLSIM_COMPILE_HELPER="0")
    env.setdefault("SKILLSIM_SCENARIOS", str(ROOT / "scenarios"))
    subprocess.run(
        [sys.executable, "-m", "simulation.compile_ahead", str(cache), str(stages)],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    kernels = cached(cache)
    late = {  # phase 7 and the month's metrics
        "matching.draw_blocks",
        "matching.rank_firms",
        "matching.choose_offers",
        "matching.take_offers",
        "matching.employability_blocks",
        "metrics.gini_of_sorted",
        "metrics._tally_rows",
        "metrics.tally_total",
    }
    assert late <= kernels, late - kernels
    # Last, the small models' matching rounds, tallies, month and metrics, in one call.
    one_call = {
        "matching.rounds_in_one_call",
        "metrics.tally_in_one_call",
        "month.advance",
        "metrics.compose_values",
    }
    assert one_call <= kernels, one_call - kernels
    early = {  # phases 2, 5 and 8: claimed by the model
        "firms.exit_firms",
        "choices.school_leaver_choices",
        "separations.release",
    }
    # The helper compiled those only inside the month in one call (which compiles every
    # kernel it calls that is not yet in the cache), after its stages and the rounds: a
    # model that has saved them by then (as a real one has) spares it even that.
    rounds_saved = saved_at(cache, "matching.rounds_in_one_call")
    assert all(saved_at(cache, name) > rounds_saved for name in early & kernels)
    assert not (cache / compile_ahead.LOCK).exists()
    assert not stages.exists()


def test_a_helper_stopped_by_sigterm_leaves_no_folder_and_no_lock(tmp_path):
    """Killed (a CI job's leftovers, a user's kill), the helper ended at once and left
    its folder of stage claims in the temp folder and the cache's lock behind."""
    import signal

    cache, stages = tmp_path / "cache", tmp_path / "stages"
    cache.mkdir()
    stages.mkdir()
    (cache / compile_ahead.LOCK).touch()
    slow = (
        "import sys, time; from simulation import compile_ahead as c; "
        "c.compile_month = lambda stages: (print('compiling', flush=True), time.sleep(60)); "
        "sys.exit(c.main(sys.argv[1:]))"
    )
    helper = subprocess.Popen(
        [sys.executable, "-c", slow, str(cache), str(stages)], stdout=subprocess.PIPE, text=True
    )
    assert helper.stdout.readline().strip() == "compiling"
    helper.send_signal(signal.SIGTERM)
    assert helper.wait(timeout=30) == 128 + signal.SIGTERM
    assert not stages.exists() and not (cache / compile_ahead.LOCK).exists()


def test_the_helper_can_run_every_stage_on_its_state():
    # what a helper that got ahead of the model would do (here in this process, whose
    # cache the other tests have filled): no stage may fail on the helper's odd state
    compile_ahead.compile_month(None, workers=300)


class FakeHelper:
    def __init__(self):
        self.ended = False

    def poll(self):
        return 0 if self.ended else None


@pytest.fixture
def shared(monkeypatch, tmp_path):
    """This process as if it had started a helper (a fake one) sharing ``tmp_path``."""
    helper = FakeHelper()
    monkeypatch.setattr(compile_ahead, "_stages", str(tmp_path))
    monkeypatch.setattr(compile_ahead, "_helper", helper)
    monkeypatch.setattr(compile_ahead, "_passed", set())
    return helper


def test_the_model_claims_a_stage_and_marks_it_done(shared, tmp_path):
    with compile_ahead.stage("1 drivers"):
        assert (tmp_path / "1 drivers").exists()
        assert not (tmp_path / "1 drivers.done").exists()
    assert (tmp_path / "1 drivers.done").exists()
    assert compile_ahead.stage("1 drivers") is compile_ahead._NOOP  # once per process
    for name in compile_ahead.HELPER_ORDER:  # the rest of the first month
        with compile_ahead.stage(name):
            pass
    assert compile_ahead._stages is None  # nothing left to share: later months skip it
    timer = object()
    assert compile_ahead.staged(timer) is timer


def test_the_model_waits_for_a_stage_the_helper_is_compiling(shared, tmp_path):
    (tmp_path / "gini").touch()  # the helper's
    finish = threading.Timer(0.3, (tmp_path / "gini.done").touch)
    start = time.monotonic()
    finish.start()
    with compile_ahead.stage("gini"):
        assert (tmp_path / "gini.done").exists()
    assert time.monotonic() - start >= 0.25
    assert "gini" in compile_ahead._passed


def test_the_model_stops_waiting_when_the_helper_ends(shared, tmp_path, monkeypatch):
    monkeypatch.setattr(compile_ahead, "WAIT_SECONDS", 10.0)
    (tmp_path / "tally").touch()  # the helper's, never finished: it died
    threading.Timer(0.2, lambda: setattr(shared, "ended", True)).start()
    start = time.monotonic()
    with compile_ahead.stage("tally"):
        pass
    assert 0.15 < time.monotonic() - start < 5
    shared.ended = True
    with compile_ahead.stage("gini"):  # after the helper: nothing claimed, and no more
        pass
    assert not (tmp_path / "gini").exists()
    assert compile_ahead._stages is None
    timer = object()
    assert compile_ahead.staged(timer) is timer


def test_the_model_stops_sharing_when_the_helper_does_not_get_on(shared, tmp_path, monkeypatch):
    monkeypatch.setattr(compile_ahead, "WAIT_SECONDS", 0.2)
    (tmp_path / "gini").touch()  # the helper's, and the helper hangs
    with compile_ahead.stage("gini"):
        pass
    assert compile_ahead._stages is None
    assert compile_ahead.stage("tally") is compile_ahead._NOOP


def test_the_helper_and_the_model_name_the_same_stages(monkeypatch):
    from simulation.model import SkillsModel

    names: list[str] = []

    def stage(name):
        names.append(name)
        return compile_ahead._NOOP

    def staged(timer):
        return stage

    monkeypatch.setattr(compile_ahead, "stage", stage)
    monkeypatch.setattr(compile_ahead, "staged", staged)
    monkeypatch.setattr(compile_ahead, "sharing", lambda: True)  # a cold start's month
    model = SkillsModel(workers=300, months=1)
    model.step()
    assert set(names) - {"begin"} == set(compile_ahead.HELPER_ORDER)
    # in its first month, the model takes the metrics in the reverse of the helper's order
    metrics = ["tally", "employability", "gini"]
    helper = [n for n in compile_ahead.HELPER_ORDER if n in metrics]
    assert [n for n in dict.fromkeys(names) if n in metrics] == helper[::-1]


@pytest.fixture
def decide(monkeypatch, tmp_path):
    """start_helper with the cache state, the cores and Popen replaced; returns a
    function that runs it once afresh and says whether it started a helper."""
    started: list[list[str]] = []

    class FakePopen(FakeHelper):
        def __init__(self, args, **kwargs):
            super().__init__()
            started.append(args)
            assert kwargs["env"][compile_ahead.ENV] == "0"

    monkeypatch.setattr(compile_ahead.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(compile_ahead, "_stages", None)  # restored after the test
    monkeypatch.setattr(compile_ahead, "_helper", None)
    monkeypatch.setattr(compile_ahead.tempfile, "mkdtemp", lambda prefix: str(tmp_path))
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


def test_a_benchmark_waits_while_a_helper_holds_the_cache_lock(monkeypatch):
    """``wait_for_helper`` (benchmarks call it after their warm-up): it waits while the
    lock is held, says so once, and stops when the lock goes; a stale lock (a helper
    that died) or none: no wait. A lock of this test's own name, in the real cache."""
    from simulation.kernels import metrics

    monkeypatch.setattr(compile_ahead, "LOCK", f"test-wait-{os.getpid()}.lock")
    lock = Path(metrics._tally_rows._cache.cache_path) / compile_ahead.LOCK
    lock.parent.mkdir(parents=True, exist_ok=True)  # (a clone where nothing compiled yet)
    said = []
    assert compile_ahead.wait_for_helper(say=said.append) < 0.1 and said == []
    lock.touch()
    try:
        threading.Timer(0.6, lock.unlink).start()
        waited = compile_ahead.wait_for_helper(say=said.append)
        assert 0.5 < waited < 10 and len(said) == 1 and str(lock) in said[0]
        lock.touch()
        os.utime(lock, (0, 0))  # a helper that died long ago
        assert compile_ahead.wait_for_helper(say=said.append) < 0.1 and len(said) == 1
        os.utime(lock)  # held again: at most ``timeout``
        assert 0.2 <= compile_ahead.wait_for_helper(timeout=0.3) < 5
    finally:
        lock.unlink(missing_ok=True)


FIRST_ID = """
import os

import simulation.kernels
from numba import njit

add_one = njit(lambda x: x + 1)
add_one(1)
print(next(iter(add_one.overloads.values())).fndesc.uid)
if os.fork() == 0:  # a forked child numbers its own compilations from a new start
    add_two = njit(lambda x: x + 2)
    add_two(1)
    print(next(iter(add_two.overloads.values())).fndesc.uid, flush=True)
    os._exit(0)
os.wait()
"""


def test_two_processes_never_give_a_compiled_function_the_same_id():
    """Processes that fill one cache (the model and its helper, a sweep's workers, a
    forked child) number their numba compilations from random starts far above numba's
    own counter (``simulation.kernels._distinct_function_ids``): two that compile the same
    functions in the same order give them different symbol names, which two cached
    libraries loaded in one process must have (a shared name was part of a crash at the
    first month: simulation/kernels/__init__.py)."""

    def first_ids() -> list[int]:  # the process's, then its forked child's
        out = subprocess.run(
            [sys.executable, "-c", FIRST_ID], capture_output=True, text=True, check=True
        )
        return [int(word) for word in out.stdout.split()]

    ids = first_ids() + first_ids()
    assert len(ids) == 4
    assert len(set(ids)) == 4
    assert all(abs(a - b) > 2**32 for a in ids for b in ids if a != b)
    assert min(ids) >= 2**61  # far from the small numbers of caches saved before


def test_every_cached_kernel_is_keyed_on_every_kernel_file():
    # numba would key a kernel's cache on its own file only, and keep running a caller's
    # code compiled with an old callee (kernels.key_caches_on_sources): every module of
    # kernels, and the random streams, must call it last.
    import importlib
    import pkgutil

    from simulation import kernels

    names = [f"simulation.kernels.{m.name}" for m in pkgutil.iter_modules(kernels.__path__)]
    stamp = kernels._sources_digest()
    keyed = []
    for module in map(importlib.import_module, [*names, "simulation.rng"]):
        for value in vars(module).values():
            cache_file = getattr(getattr(value, "_cache", None), "_cache_file", None)
            if cache_file is not None and value.py_func.__module__ == module.__name__:
                assert cache_file._source_stamp == stamp, f"{module.__name__}.{value.__name__}"
                keyed.append(value)
    assert len(keyed) > 60
