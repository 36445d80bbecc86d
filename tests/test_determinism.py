"""Reproducibility: same seed, same run; thread-count independence; common random numbers.

- Two runs with one seed give identical metrics frames, breakdowns and final agent
  arrays (every Workers, Firms and Providers field); different seeds give different runs.
- A run is identical with NUMBA_NUM_THREADS=1 and =2 (subprocesses), the parallel
  loops (skills, applications, scores, offers, employability, tally) cut into as many
  pieces as they can be on two threads.
- Common random numbers: a draw is a pure function of (seed, month, stream, agent,
  slot); every stream key the model uses depends on the seed and month only, so two
  policies under one seed draw the same numbers; the burn-in runs under the status quo,
  so the month-0 state is bit-identical across policies (firms' own apprentice
  contributions, drawn when a firm is created, included), and so are its metrics
  (measured under the status quo); and a paired policy
  difference across seeds varies far less than an unpaired one.
- the sweeps' replication seeds (design.replication_seeds) are deterministic.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numba
import numpy as np
import pandas as pd
import pytest

from simulation import loading, phases, rng
from simulation.experiment import design
from simulation.kernels import month as month_kernels
from simulation.model import BREAKDOWNS, BURN_INS, BurnInStore, SkillsModel
from simulation.rng import Stream

REPO = Path(__file__).resolve().parents[1]
REPO_SCENARIOS = REPO / "scenarios"
# combined, with the levers the shipped scenarios leave off (firms that judge job
# applicants with error, the young unemployed's reservation pay): these tests hold its
# draws and choices to the same rules
LEVERS = str(Path(__file__).resolve().parent / "scenarios" / "levers_on.toml")


@pytest.fixture(autouse=True, scope="module")
def _repo_scenarios():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SKILLSIM_SCENARIOS", str(REPO_SCENARIOS))
        yield


def run_model(scenario="combined", policies=("package",), workers=1500, months=8, seed=3):
    model = SkillsModel(scenario, policies, workers, months, seed)
    while model.running:
        model.step()
    return model


def state_arrays(model: SkillsModel) -> dict[str, np.ndarray]:
    """Every agent array of the model, keyed ``population.field``."""
    out = {}
    for label, pop in (
        ("workers", model.workers),
        ("firms", model.firms),
        ("providers", model.providers),
    ):
        for name, arr in pop.arrays().items():
            out[f"{label}.{name}"] = arr
    return out


def arrays_equal(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


def assert_same_state(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    differ = [k for k in a if not arrays_equal(a[k], b[k])]
    assert not differ, f"arrays differ: {differ}"


# ------------------------------------------------------------------ same seed


@pytest.fixture(scope="module")
def twin_runs():
    return run_model(seed=3), run_model(seed=3)


def test_same_seed_same_metrics(twin_runs):
    a, b = twin_runs
    pd.testing.assert_frame_equal(a.metrics_frame(), b.metrics_frame(), check_exact=True)
    for kind in ("region", "sector", "cohort"):
        pd.testing.assert_frame_equal(a.breakdown(kind), b.breakdown(kind), check_exact=True)


def test_same_seed_same_agents(twin_runs):
    a, b = twin_runs
    sa, sb = state_arrays(a), state_arrays(b)
    # Every field of every population is compared.
    assert {k.split(".")[1] for k in sa if k.startswith("workers.")} == set(a.workers.arrays())
    assert_same_state(sa, sb)


def test_different_seeds_differ(twin_runs):
    a, _ = twin_runs
    c = run_model(seed=4)
    fa, fc = a.metrics_frame(), c.metrics_frame()
    assert not fa.equals(fc)
    assert (fa["employed"] != fc["employed"]).any()
    sa, sc = state_arrays(a), state_arrays(c)
    for key in ("workers.status", "workers.age", "workers.skills", "firms.productivity"):
        assert not arrays_equal(sa[key], sc[key]), key


# ------------------------------------------------------------------ threads

SCRIPT = """
import json, sys
import numba
import numpy as np
from simulation.kernels import parallel
from simulation.model import SkillsModel

out, scenario = sys.argv[1], sys.argv[2]
parallel.min_piece_override = 1  # every loop in pieces, however small the model
parallel.PICK_BLOCK = 64  # selection passes in many blocks
model = SkillsModel(scenario, ("package",), 3000, 6, 21)
while model.running:
    model.step()
model.metrics_frame().to_parquet(out + ".parquet")
arrays = {}
for label, pop in (("workers", model.workers), ("firms", model.firms),
                   ("providers", model.providers)):
    for name, arr in pop.arrays().items():
        arrays[label + "." + name] = arr
np.savez(out + ".npz", **arrays)
with open(out + ".json", "w") as fh:
    json.dump({"threads": numba.get_num_threads()}, fh)
"""


def _run_with_threads(tmp_path: Path, threads: int, scenario: str):
    out = str(tmp_path / f"t{threads}")
    env = dict(os.environ)
    env["NUMBA_NUM_THREADS"] = str(threads)
    env["SKILLSIM_SCENARIOS"] = str(REPO_SCENARIOS)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, out, scenario],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out + ".json") as fh:
        assert json.load(fh)["threads"] == threads
    with np.load(out + ".npz") as data:
        arrays = {k: data[k] for k in data.files}
    return pd.read_parquet(out + ".parquet"), arrays


@pytest.mark.parametrize("scenario", ["green_transition_disorderly", LEVERS])
def test_thread_count_independence(tmp_path, scenario):
    frame1, state1 = _run_with_threads(tmp_path, 1, scenario)
    frame2, state2 = _run_with_threads(tmp_path, 2, scenario)
    pd.testing.assert_frame_equal(frame1, frame2, check_exact=True)
    assert_same_state(state1, state2)
    assert frame1["hires"].sum() > 0  # the parallel matching loop really ran


# ------------------------------------------------------- common random numbers


def test_draws_are_a_function_of_seed_month_stream_agent_slot():
    seed, month, stream = 17, 5, int(Stream.QUIT)
    whole = rng.uniforms(seed, month, stream, 50, slot=3)
    # Agent 30's draw is the same whether drawn alone, in a slice or in the whole range.
    assert rng.uniforms(seed, month, stream, 1, slot=3, start=30)[0] == whole[30]
    assert np.array_equal(rng.uniforms(seed, month, stream, 20, slot=3, start=30), whole[30:])
    # The plain-Python twin draws the same numbers.
    k = rng.py_stream_key(seed, month, stream)
    assert k == int(rng.key(seed, month, stream))
    assert [rng.py_uniform(k, i, 3) for i in range(50)] == whole.tolist()
    normals = rng.normals(seed, month, stream, 10, slot=4)
    assert np.allclose([rng.py_normal(k, i, 4) for i in range(10)], normals, rtol=0, atol=1e-12)
    # Change any coordinate and the draws change.
    for other in (
        rng.uniforms(seed + 1, month, stream, 50, slot=3),
        rng.uniforms(seed, month + 1, stream, 50, slot=3),
        rng.uniforms(seed, month, stream + 1, 50, slot=3),
        rng.uniforms(seed, month, stream, 50, slot=4),
        rng.uniforms(seed, month, stream, 50, slot=3, start=1),
    ):
        assert not np.any(other == whole)
    assert np.all((whole >= 0) & (whole < 1))


def _keys_used(monkeypatch, policy: str, seed: int) -> tuple[dict[tuple[int, int], int], int]:
    """Every stream key the model asks for, by (internal month, stream); months run."""
    seen: dict[tuple[int, int], int] = {}
    original = phases.stream_key

    def stream_key(m, stream):
        k = original(m, stream)
        prev = seen.setdefault((m.clock, int(stream)), int(k))
        assert prev == int(k)
        return k

    with monkeypatch.context() as mp:
        mp.setattr(phases, "stream_key", stream_key)
        # Phase by phase: the month in one call takes the month's table of keys
        # (rng.month_keys), a function of (seed, month) alone.
        mp.setattr(month_kernels, "_choice", False)
        model = SkillsModel("baseline", (policy,), 800, 6, seed)
        while model.running:
            model.step()
    return seen, model.clock


def test_policies_draw_the_same_numbers(monkeypatch):
    seed = 9
    none, clock = _keys_used(monkeypatch, "none", seed)
    subsidy, clock_subsidy = _keys_used(monkeypatch, "apprenticeship_subsidy", seed)
    assert clock == clock_subsidy
    common = none.keys() & subsidy.keys()
    assert len(common) > 100
    for month, stream in common:
        # The key depends on nothing but (seed, month, stream): not on the policy.
        expected = int(rng.key(seed, max(month, 0), stream))
        assert none[month, stream] == subsidy[month, stream] == expected
    # Every month draws its firm shocks, quits and dropouts under both policies.
    for stream in (Stream.FIRM_SHOCK, Stream.QUIT, Stream.DROPOUT):
        months = {c for c, s in none if s == stream}
        assert months == {c for c, s in subsidy if s == stream}
        assert months == set(range(clock))  # every month of the burn-in and the horizon


@pytest.mark.parametrize("scenario", ["combined", LEVERS])
def test_matching_rounds_in_one_call_give_the_run_of_rounds_in_python(monkeypatch, scenario):
    # A small model runs each mode's matching rounds in one compiled call
    # (matching.rounds_in_one_call); the same kernels called round by round from Python
    # must give the same run, bit for bit.
    from simulation.kernels import matching, parallel

    monkeypatch.setattr(parallel, "min_piece_override", None)
    monkeypatch.setattr(matching, "_one_call", True)  # compiled here if not in the cache
    monkeypatch.setattr(month_kernels, "_choice", False)  # the month phase by phase
    calls = []
    one_call = matching.rounds_in_one_call
    monkeypatch.setattr(
        matching, "rounds_in_one_call", lambda *args: calls.append(1) or one_call(*args)
    )
    runs = {}
    for below in (matching.ONE_CALL_BELOW, 0):
        monkeypatch.setattr(matching, "ONE_CALL_BELOW", below)
        calls.clear()
        runs[below] = run_model(scenario, workers=2500, months=10, seed=5)
        assert bool(calls) == (below > 0)  # each path really ran
    in_one_call, in_python = runs.values()
    pd.testing.assert_frame_equal(in_one_call.metrics_frame(), in_python.metrics_frame())
    assert_same_state(state_arrays(in_one_call), state_arrays(in_python))
    assert in_one_call.metrics_frame()["hires"].sum() > 0


def test_job_applications_are_judged_with_the_screen_streams_draws(monkeypatch):
    # The callers of make_offers (the rounds of phases._match; the month in one call and
    # the rounds in one call are held to them by the tests below, the reference by
    # tests/test_reference.py) pass the month's SCREEN key and each round's first slot,
    # 2 x applications x round: not another stream's key, nor round 0's slots again.
    from simulation.kernels import matching

    monkeypatch.setattr(month_kernels, "_choice", False)  # the month phase by phase
    monkeypatch.setattr(matching, "ONE_CALL_BELOW", 0)  # each round from Python
    model = SkillsModel(LEVERS, ("package",), 2500, 6, 3)
    calls = []
    make_offers = matching.make_offers

    def spy(mode, p, *args):
        calls.append((model.clock, mode, int(args[-2]), args[-1]))
        return make_offers(mode, p, *args)

    monkeypatch.setattr(matching, "make_offers", spy)
    while model.running:
        model.step()
    per_month = 2 * model.params.match.applications
    rounds: dict[tuple[int, int], list[int]] = {}
    for clock, mode, key, slot0 in calls:
        assert key == int(rng.key(model.seed_value, clock, Stream.SCREEN))
        rounds.setdefault((clock, mode), []).append(slot0)
    assert {mode for _, mode in rounds} == {matching.JOBS, matching.SLOTS}
    for slots in rounds.values():
        assert slots == [r * per_month for r in range(len(slots))]
    assert max(len(s) for s in rounds.values()) > 1  # later rounds ran


@pytest.mark.parametrize(
    "scenario, policy",
    [
        ("combined", "package"),
        ("rural_revitalization", "skills_anticipation"),
        ("baseline", "none"),
        (LEVERS, "package"),
    ],
)
def test_the_month_in_one_call_gives_the_run_of_the_phases(monkeypatch, scenario, policy):
    # A small model runs phases 2-10 of its months (the burn-in's too) in one compiled
    # call (kernels.month.advance); the phases, kernel by kernel from Python, must give
    # the same run, bit for bit: 60 months after the burn-in reach curriculum planning
    # (with foresight under skills anticipation), school-leaver cohorts, the scenarios'
    # shocks, rural access and revitalization at full strength, and the wrap of the
    # 64-month history of skill demand.
    from simulation.kernels import parallel

    monkeypatch.setattr(parallel, "min_piece_override", None)
    calls = []
    advance = month_kernels.advance
    monkeypatch.setattr(month_kernels, "advance", lambda *a: calls.append(1) or advance(*a))
    runs = []
    for one_call in (True, False):  # (compiled here if not in numba's cache)
        monkeypatch.setattr(month_kernels, "_choice", one_call)
        calls.clear()
        runs.append(run_model(scenario, (policy,), workers=2500, months=60, seed=5))
        assert bool(calls) == one_call  # each path really ran
    assert_same_runs(*runs)


def assert_same_runs(in_one_call, in_phases) -> None:
    """The two runs' metrics, breakdowns, agent states, work buffers and the rates
    carried to the next month are the same, bit for bit."""
    pd.testing.assert_frame_equal(in_one_call.metrics_frame(), in_phases.metrics_frame())
    for kind in BREAKDOWNS:
        pd.testing.assert_frame_equal(in_one_call.breakdown(kind), in_phases.breakdown(kind))
    assert_same_state(state_arrays(in_one_call), state_arrays(in_phases))
    buffers = [  # the engine's work buffers (not its scratch, which is not state)
        name
        for name, value in vars(in_phases).items()
        if isinstance(value, np.ndarray) and name not in in_phases.SCRATCH
    ]
    assert len(buffers) > 25
    for name in buffers:
        assert arrays_equal(getattr(in_one_call, name), getattr(in_phases, name)), name
    assert (in_one_call.poach_rate, in_one_call.slot_ratio) == (
        in_phases.poach_rate,
        in_phases.slot_ratio,
    )
    frame = in_one_call.metrics_frame()
    assert frame["hires"].sum() > 0 and frame["apprenticeship_starts"].sum() > 0


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
@pytest.mark.parametrize("scenario", ["combined", LEVERS])
def test_the_month_shared_with_a_helper_thread_gives_the_run_of_the_phases(monkeypatch, scenario):
    # A month in one call shares its skill update, its wages and its matching rounds'
    # draws, scores and choices with a helper thread that waits for them in compiled
    # code (kernels.duo). Cut into as many pieces as they can be, each done by whichever
    # thread claims it first, they must give the run of the phases, bit for bit.
    from simulation.kernels import duo, matching, parallel

    monkeypatch.setattr(parallel, "min_piece_override", None)
    monkeypatch.setattr(duo, "FROM_WORKERS", 0)  # a helper for this small model too
    monkeypatch.setattr(duo, "least_override", 1)  # pieces of one item and up
    helped = []
    assist = matching.assist

    def counted(box, context):
        helped.append(assist(box, context))
        return helped[-1]

    monkeypatch.setattr(matching, "assist", counted)
    monkeypatch.setattr(month_kernels, "_choice", True)
    run_model(workers=600, months=1)  # its helper compiles (or loads) the helper's kernel
    parallel.pool().submit(int).result()  # (done when the pool's helpers are)
    helped.clear()
    monkeypatch.setattr(month_kernels, "_choice", False)
    in_phases = run_model(scenario, ("package",), workers=2500, months=24, seed=7)
    parallel.pool().submit(int).result()
    assert helped == [], "the phases started a helper"
    monkeypatch.setattr(month_kernels, "_choice", True)
    for _ in range(3):  # (until the helper has done pieces: it may wake late on a busy host)
        in_one_call = run_model(scenario, ("package",), workers=2500, months=24, seed=7)
        parallel.pool().submit(int).result()  # (the helpers started before are done)
        assert len(helped) >= 24, f"{len(helped)} helpers for the months in one call"
        assert_same_runs(in_one_call, in_phases)
        if sum(helped) > 0:
            break
        helped.clear()
    assert sum(helped) > 0, "the helper did no piece in three runs"


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_a_larger_month_in_one_call_gives_the_run_of_the_phases(monkeypatch):
    # From parallel.SHARE_FROM_WORKERS rows up the phases share their loops with the
    # pool's thread through Python (parallel.run); the month in one call shares them with
    # its helper (kernels.duo), in pieces of its own, and its tallies are then made in
    # blocks on the pool (metrics.tally), not in one call. Both must give the same run.
    from simulation.kernels import metrics as metric_kernels
    from simulation.kernels import parallel

    monkeypatch.setattr(parallel, "min_piece_override", None)
    workers = parallel.SHARE_FROM_WORKERS + 5_000
    assert workers < month_kernels.WHOLE_MONTH_BELOW
    calls, in_one_call = [], []
    advance, tally_in_one_call = month_kernels.advance, metric_kernels.tally_in_one_call
    monkeypatch.setattr(month_kernels, "advance", lambda *a: calls.append(1) or advance(*a))
    monkeypatch.setattr(
        metric_kernels,
        "tally_in_one_call",
        lambda *a: in_one_call.append(1) or tally_in_one_call(*a),
    )
    runs = []
    for one_call in (True, False):
        monkeypatch.setattr(month_kernels, "_choice", one_call)
        calls.clear()
        runs.append(run_model(workers=workers, months=6, seed=11))
        assert bool(calls) == one_call  # each path really ran
    assert in_one_call == []  # (a model this large tallies in blocks on both paths)
    assert_same_runs(*runs)


@pytest.mark.skipif(not month_kernels.CLOCKED, reason="reads x86's time-stamp counter")
def test_a_profiled_month_in_one_call_times_its_phases_by_the_clock(monkeypatch):
    # Under --profile a month below month.WHOLE_MONTH_BELOW rows still runs in one call:
    # advance stamps each phase's end with the processor's clock (month.PHASES) and
    # phases.whole_month turns the stamps into seconds. The run must be the one without
    # the profile, bit for bit; every phase is timed, and the parts add up to the months.
    import time

    from simulation.kernels import matching, parallel

    monkeypatch.setattr(parallel, "min_piece_override", None)
    monkeypatch.setattr(month_kernels, "_choice", True)
    calls = []
    advance = month_kernels.advance
    monkeypatch.setattr(month_kernels, "advance", lambda *a: calls.append(1) or advance(*a))
    plain = run_model(workers=2500, months=12, seed=4)
    profiled = SkillsModel("combined", ("package",), 2500, 12, 4, profile=True)
    profiled.timer.seconds.clear()  # (the burn-in's)
    calls.clear()
    started = time.perf_counter()
    while profiled.running:
        profiled.step()
    wall = time.perf_counter() - started
    assert len(calls) == 12  # every month in one call
    assert_same_runs(profiled, plain)
    seconds = profiled.timer.seconds
    assert set(seconds) == {*month_kernels.PHASES, "1 drivers", "metrics"}
    assert all(v > 0 for k, v in seconds.items() if k != "1 drivers"), seconds
    assert 0.3 * wall < sum(seconds.values()) <= wall
    stamps = matching.SharedScratch(*profiled.shared_scratch).stamps
    assert stamps.shape == (month_kernels.STAMPS,)
    assert stamps[0] > 0 and np.all(np.diff(stamps) >= 0), stamps  # (each phase's end)


def test_a_process_takes_up_the_month_in_one_call_at_its_next_model(monkeypatch):
    # A process that started before the compile helper saved the month in one call (a
    # sweep's worker, the dashboard) keeps the phases for that model, and takes the one
    # call up from its next model, once the cache holds it.
    from simulation import compile_ahead
    from simulation.kernels import parallel

    monkeypatch.setattr(parallel, "min_piece_override", None)
    monkeypatch.setattr(month_kernels, "_choice", None)  # as the cache says
    monkeypatch.setattr(month_kernels, "_cached", False)
    calls = []
    advance = month_kernels.advance
    monkeypatch.setattr(month_kernels, "advance", SimpleNamespace(signatures=()))  # not yet
    monkeypatch.setattr(compile_ahead, "in_cache", lambda kernel: False)
    before = run_model(workers=600, months=3)
    assert not month_kernels.ready(600) and before.month == 3
    monkeypatch.setattr(month_kernels, "advance", lambda *a: calls.append(1) or advance(*a))
    monkeypatch.setattr(compile_ahead, "in_cache", lambda kernel: True)  # saved since
    after = run_model(workers=600, months=3)
    assert month_kernels.ready(600) and calls  # the burn-in and the months in one call
    pd.testing.assert_frame_equal(before.metrics_frame(), after.metrics_frame())


POLICIES = ("none", "apprenticeship_subsidy", "quality_apprenticeship", "package")


def test_month_zero_state_identical_across_policies():
    """The burn-in runs under the status quo: every policy starts from the same state."""
    models = {p: SkillsModel("green_transition_orderly", (p,), 1200, 3, 8) for p in POLICIES}
    ref = state_arrays(models["none"])
    assert np.any(ref["firms.appr_extra"] != 0.0)  # firm-specific draws are state too
    for policy, model in models.items():
        assert_same_state(ref, state_arrays(model))
        assert model.clock == models["none"].clock, policy
    # ... and the same month-0 metrics, measured under the status quo: the employability
    # estimate too, which scores with the certificate signal that the quality standards'
    # recognised assessment raises once the policy acts.
    month0 = models["none"].metrics_frame()
    for model in models.values():
        pd.testing.assert_frame_equal(model.metrics_frame(), month0, check_exact=True)
        for kind in BREAKDOWNS:
            pd.testing.assert_frame_equal(
                model.breakdown(kind), models["none"].breakdown(kind), check_exact=True
            )
    # (the package's signal does differ, so the check has teeth)
    assert not np.array_equal(models["package"].params.cert_bonus, models["none"].params.cert_bonus)
    # ... and the runs part once the policy acts.
    for model in models.values():
        while model.running:
            model.step()
    final = {p: m.metrics_frame() for p, m in models.items()}
    assert not final["none"].equals(final["package"])
    assert not final["none"].equals(final["apprenticeship_subsidy"])


def test_month_zero_is_measured_under_the_status_quo():
    """Month 0's metrics read the parameters in force in the burn-in that made its state
    (``measured``), the policy's from month 1 on: a certificate signal the policy changes
    does not move month 0's employability estimate, and does move month 1's."""
    model = SkillsModel("baseline", ("package",), 1500, 3, 1)
    assert model.measured is model.status_quo
    before = model._employability()
    assert 0.0 < before < 1.0
    model.params.cert_bonus[:] += 10.0  # every applicant would pass every bar
    assert model._employability() == before
    model.step()
    assert model.measured is model.params
    assert model._employability() == 1.0


def _finished(model: SkillsModel) -> SkillsModel:
    while model.running:
        model.step()
    return model


def _same_run(a: SkillsModel, b: SkillsModel) -> None:
    pd.testing.assert_frame_equal(a.metrics_frame(), b.metrics_frame(), check_exact=True)
    for kind in BREAKDOWNS:
        pd.testing.assert_frame_equal(a.breakdown(kind), b.breakdown(kind), check_exact=True)
    assert_same_state(state_arrays(a), state_arrays(b))
    assert a.clock == b.clock and a.month == b.month


def test_a_shared_burn_in_gives_the_same_runs():
    """A sweep's runs reuse the month-0 state of an earlier run of the same scenario,
    size, horizon and seed (model.BurnInStore): each gives the run it would alone."""
    BURN_INS.clear()
    try:
        args = ("green_transition_orderly", 1500, 5)
        alone = {
            (p, s): _finished(SkillsModel(args[0], (p,), *args[1:], seed=s))
            for p in ("none", "package", "apprenticeship_subsidy")
            for s in (4, 5)
        }
        shared = {}
        for s in (4, 5):  # the order of a sweep: every policy of a seed in a row
            for p in ("none", "package", "apprenticeship_subsidy"):
                shared[p, s] = _finished(
                    SkillsModel(args[0], (p,), *args[1:], seed=s, share_burn_in=True)
                )
        assert (BURN_INS.misses, BURN_INS.hits) == (2, 4)
        for key, model in alone.items():
            _same_run(model, shared[key])
        # The kept state is a copy: stepping a model built from it changed nothing there.
        again = SkillsModel(args[0], ("package",), *args[1:], seed=4, share_burn_in=True)
        assert BURN_INS.hits == 5
        # Its rows of skills and requirements start at a cache line (``state._rows``), as
        # a model's own do.
        for table in (again.workers.skills, again.firms.req):
            assert table.ctypes.data % 64 == 0
        _same_run(alone["package", 4], _finished(again))
        # Another horizon, size or scenario is another burn-in.
        SkillsModel(args[0], ("package",), 1500, 6, seed=4, share_burn_in=True)
        SkillsModel("baseline", ("package",), 1500, 5, seed=4, share_burn_in=True)
        assert (BURN_INS.misses, BURN_INS.hits) == (4, 5)
    finally:
        BURN_INS.clear()


def test_the_burn_in_store_keeps_the_most_recent_within_its_bounds():
    store = BurnInStore(max_entries=2, max_bytes=10_000)
    runs = [loading.resolve_run("baseline", ("none",), 1000, 3, seed) for seed in range(3)]
    for run in runs:
        store.put(run, {"a": np.zeros(100)})  # 800 bytes each
    assert store.get(runs[0]) is None and store.get(runs[2]) is not None
    store.put(runs[0], {"a": np.zeros(2_000)})  # 16,000 bytes: more than the store holds
    assert store.get(runs[0]) is None and store.get(runs[1]) is not None
    kept = store.get(runs[1])
    kept["a"][:] = 1.0
    assert store.get(runs[1])["a"].sum() == 0.0  # a copy out, never the kept state


def test_paired_differences_vary_less_than_unpaired():
    """Under common random numbers the seed-to-seed noise cancels in a paired policy
    difference: its variance across seeds is far below that of an unpaired difference."""
    seeds = range(6)
    values: dict[tuple[str, int], pd.DataFrame] = {}
    for policy in ("none", "apprenticeship_subsidy"):
        for s in seeds:
            model = SkillsModel("baseline", (policy,), 1000, 6, s)
            while model.running:
                model.step()
            values[policy, s] = model.metrics_frame().iloc[1:]
    for metric in ("employed", "wage_mean_yuan"):
        treated = np.array([values["apprenticeship_subsidy", s][metric].mean() for s in seeds])
        control = np.array([values["none", s][metric].mean() for s in seeds])
        paired = np.var(treated - control, ddof=1)
        unpaired = np.var(treated - np.roll(control, 1), ddof=1)
        assert paired * 10 < unpaired, (metric, paired, unpaired)


# ------------------------------------------------------------ replication seeds


def test_replication_seeds_deterministic():
    """The seeds every sweep, validation and calibration derives from its root seed
    (``design.replication_seeds``; its prefix property in test_experiment.py). A
    second copy in rng.py gave other seeds after the first, which a researcher redoing
    a sweep's runs by hand would have got without a word (an outside review): gone."""
    a = design.replication_seeds(2024, 8)
    assert a == design.replication_seeds(2024, 8)
    assert len(set(a)) == 8
    assert all(isinstance(s, int) and 0 <= s < 2**63 for s in a)
    assert design.replication_seeds(2024, 0) == []
    assert not hasattr(rng, "replication_seeds")
    # The seeds are valid run seeds.
    SkillsModel("baseline", ("none",), 200, 1, a[0])


def test_the_status_quo_travels_with_the_run(tmp_path, monkeypatch):
    """The burn-in and month 0 run under the policy "none", which was looked up by name
    where the run ran and recorded nowhere: a user's own none.toml changed every number
    under the same config hash, and a Dask node with other files computed another run
    (an outside review). The run carries it: its hash and manifest name it, and the
    configuration rebuilt from the manifest gives the same run anywhere."""
    from simulation import runner
    from simulation.config import RunConfig

    shipped = loading.resolve_run("baseline", "apprenticeship_subsidy", 600, 3, 7)
    assert loading.default_levers(shipped.status_quo)
    # (a run under the shipped status quo keeps the hash it had before)
    before = json.dumps(
        {
            "scenario": shipped.scenario.model_dump(mode="json"),
            "policy": shipped.policy.model_dump(mode="json"),
            "workers": 600,
            "months": 3,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    import hashlib

    assert loading.config_hash(shipped) == hashlib.sha256(before.encode()).hexdigest()[:16]
    own = tmp_path / "mine" / "scenarios" / "policies"
    own.mkdir(parents=True)
    (own / "none.toml").write_text('extends = "none"\n[tvet_capacity]\nseat_multiplier = 1.5\n')
    monkeypatch.delenv("SKILLSIM_SCENARIOS")  # (this module's: ./scenarios, then the shipped)
    monkeypatch.chdir(tmp_path / "mine")
    mine = loading.resolve_run("baseline", "apprenticeship_subsidy", 600, 3, 7)
    assert mine.status_quo.tvet_capacity.seat_multiplier == 1.5
    assert loading.config_hash(mine) != loading.config_hash(shipped)
    result = runner.simulate(mine)
    manifest = runner.manifest(result)
    assert manifest["config"]["status_quo"]["tvet_capacity"]["seat_multiplier"] == 1.5
    monkeypatch.chdir(tmp_path)  # elsewhere: the shipped none.toml is the one found here
    assert loading.resolve_run("baseline").status_quo.tvet_capacity.seat_multiplier == 1.0
    again = runner.simulate(RunConfig.model_validate(manifest["config"]))
    pd.testing.assert_frame_equal(again.metrics, result.metrics, check_exact=True)
    other = runner.simulate(shipped).metrics
    assert not other.drop(columns="month").equals(result.metrics.drop(columns="month"))
