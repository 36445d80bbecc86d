"""The plain-Mesa reference model against the engine: the same trajectory.

For every scenario file under the policy package and every policy file under the
combined scenario, at 2,000 workers over 36 months (after the burn-in; 66 for the
disorderly transition, past its shocks of month 60) with two seeds, and for the test
files of levers and switches no shipped file turns (one seed each),
``ReferenceModel`` and ``SkillsModel`` give, every month:

- identical values of every integer metric (``metrics.CATALOGUE`` entries flagged
  ``integer``) and every float metric within 1e-9 relative (NaN equals NaN);
- identical agent states: every field of every worker row in use (status, employer,
  region, apprenticeship record, certificate ...), of every live firm row and of every
  provider, integers exactly and floats within 1e-9 relative.

The reference is slow (plain Python objects), so the selected cases run in a pool of
processes, one per core (or ``SKILLSIM_REFERENCE_JOBS``), started once for the module;
each test collects its case's differences from the pool. The whole matrix takes about
5 minutes of CPU.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from pathlib import Path

import numpy as np
import pytest

from simulation import metrics
from simulation.state import Status

REPO_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
WORKERS = 2_000
MONTHS = 36
SEEDS = (1, 2)
RTOL = 1e-9


def matrix() -> list[tuple[str, str]]:
    """Every scenario under the policy package, every policy under the combined scenario."""
    scenarios = sorted(p.stem for p in REPO_SCENARIOS.glob("*.toml"))
    policies = sorted(p.stem for p in (REPO_SCENARIOS / "policies").glob("*.toml"))
    cases = [(s, "package") for s in scenarios]
    cases += [("combined", p) for p in policies if p != "package"]
    return cases


# combined, with the levers the shipped scenarios leave off (firms that judge job
# applicants with error, the young unemployed's reservation pay): one seed
LEVERS = str(Path(__file__).resolve().parent / "scenarios" / "levers_on.toml")
# the switches and levers' edges no shipped file turns (an outside review found them
# compared with the reference nowhere): one seed each
SWITCHES = str(Path(__file__).resolve().parent / "scenarios" / "switches_on.toml")
EDGES = str(Path(__file__).resolve().parent / "policies" / "edges.toml")
CASES = [(s, p, seed) for s, p in matrix() for seed in SEEDS] + [
    (LEVERS, "package", SEEDS[0]),
    (SWITCHES, "package", SEEDS[0]),
    ("combined", EDGES, SEEDS[0]),
]
# the disorderly transition's shocks and carbon price jump come in month 60: its runs
# go on past them
LONGER = {"green_transition_disorderly": 66}


# ------------------------------------------------------------------ comparison


def differences(a: np.ndarray, b: np.ndarray, integer: bool) -> np.ndarray:
    """Positions where ``b`` differs from ``a``: exactly for integers, beyond RTOL for
    floats (NaN equals NaN)."""
    a, b = np.asarray(a), np.asarray(b)
    if integer:
        return np.flatnonzero((a != b).reshape(len(a), -1).any(1))
    a, b = a.astype(np.float64), b.astype(np.float64)
    same = np.isclose(b, a, rtol=RTOL, atol=0.0, equal_nan=True)
    return np.flatnonzero(~same.reshape(len(a), -1).all(1))


def state_differences(engine, reference) -> list[str]:
    """Every field of every worker row in use, live firm row and provider."""
    ref = reference.state_arrays()
    in_use = {  # (rows the engine uses, rows the reference's agents hold)
        "workers": (engine.workers.status != Status.RETIRED, ref["workers.status"] != 0),
        "firms": (engine.firms.alive == 1, ref["firms.alive"] == 1),
        "providers": (np.ones(engine.providers.count, dtype=bool),) * 2,
    }
    out = []
    for population, (rows, ref_rows) in in_use.items():
        if not np.array_equal(rows, ref_rows):
            where = np.flatnonzero(rows != ref_rows)[:5]
            out.append(f"{population}: the rows in use differ at {where}")
            continue
        for name, column in getattr(engine, population).arrays().items():
            got = ref[f"{population}.{name}"]
            bad = differences(column[rows], got[rows], integer=column.dtype.kind in "iub")
            if bad.size:
                row = np.flatnonzero(rows)[bad[0]]
                out.append(
                    f"{population}.{name}: {bad.size} rows, first {row}: {column[row]} != {got[row]}"
                )
    return out


def metric_differences(month: int, engine_values: dict, reference_values: dict) -> list[str]:
    out = []
    for m in metrics.CATALOGUE:
        a, b = engine_values[m.name], reference_values[m.name]
        if differences(np.array([a]), np.array([b]), m.integer).size:
            out.append(f"month {month} {m.name}: {a} != {b}")
    return out


def compare_run(scenario: str, policy: str, seed: int) -> list[str]:
    """Run both models side by side; the differences, month by month (stops at the
    first month that differs)."""
    from simulation.model import SkillsModel
    from simulation.reference import ReferenceModel

    months = LONGER.get(scenario, MONTHS)
    engine = SkillsModel(scenario, (policy,), WORKERS, months, seed)
    reference = ReferenceModel(scenario, (policy,), WORKERS, months, seed)
    while True:
        found = metric_differences(engine.month, engine.current, reference.current)
        found += [f"month {engine.month} {d}" for d in state_differences(engine, reference)]
        # the moves between statuses (and regions): the engine's rows against the
        # reference's agents
        for kind in ("transitions", "region_transitions"):
            moved, agents = (m.breakdown_tables[kind][-1] for m in (engine, reference))
            if not np.array_equal(moved, agents):
                found.append(f"month {engine.month} {kind}: {moved.tolist()} != {agents.tolist()}")
        if found or not engine.running:
            return found
        engine.step()
        reference.step()


# ------------------------------------------------------------------------ pool


def _init_worker() -> None:
    import numba

    numba.set_num_threads(1)  # the pool uses the cores; results do not depend on it


@pytest.fixture(scope="module")
def runs(request):
    """The selected cases (all of them unless ``-k`` says otherwise) submitted at once to
    a pool of processes; futures by case. Pending cases are cancelled at the end (after a
    failure with ``-x``, say)."""
    selected = [
        tuple(item.callspec.params[k] for k in ("scenario", "policy", "seed"))
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_reference_equals_engine"
    ]
    jobs = int(os.environ.get("SKILLSIM_REFERENCE_JOBS", os.cpu_count() or 1))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SKILLSIM_SCENARIOS", str(REPO_SCENARIOS))
        pool = concurrent.futures.ProcessPoolExecutor(
            max(min(jobs, len(selected)), 1),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
        )
        try:
            yield {case: pool.submit(compare_run, *case) for case in selected}
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize(("scenario", "policy", "seed"), CASES)
def test_reference_equals_engine(runs, scenario, policy, seed):
    found = runs[scenario, policy, seed].result()
    assert not found, "\n".join(found[:20])


def test_matrix_covers_every_scenario_and_policy():
    assert {s for s, p in matrix() if p == "package"} >= {"baseline", "combined"}
    assert len({p for s, p in matrix() if s == "combined"}) == len(
        list((REPO_SCENARIOS / "policies").glob("*.toml"))
    )
    assert len(CASES) == len(set(CASES))


# ------------------------------------------------------------- scenario paths


@pytest.mark.parametrize(("scenario", "policy"), matrix())
def test_engine_scenario_paths_are_the_reference_drivers_bit_for_bit(scenario, policy, monkeypatch):
    """The engine's drivers and foresight come from ``phases.ScenarioPaths`` (months
    computed ahead, up to the run's horizon, then a year at a time); the reference
    computes them month by month (``ReferenceModel.drivers``, ``foresight_delta``). Both
    give the same bits, for months asked in any order, inside the horizon and past it."""
    import functools
    import types

    from simulation import loading, params, phases
    from simulation.reference import ReferenceModel

    monkeypatch.setenv("SKILLSIM_SCENARIOS", str(REPO_SCENARIOS))
    run = loading.resolve_run(scenario, policy, 500, 24, 0)
    p, world = params.build(run), params.build_world(run)
    ref = types.SimpleNamespace(world=world, travel=world.travel.copy())
    ref.n_domains = world.sector_profile.shape[1]
    for name in ("scenario_demand", "projected_skill_demand"):
        setattr(ref, name, functools.partial(getattr(ReferenceModel, name), ref))
    paths = phases.ScenarioPaths(world, p, until=run.months + 1)

    def bits(*arrays):
        return [(a.dtype, a.shape, np.ascontiguousarray(a).tobytes()) for a in arrays]

    for t in (7, 0, 24, 25, 3, 61, 36, 12):
        log_demand, burden, travel, travel_train, rural_phase = paths.at(t)
        ReferenceModel.drivers(ref, p, t)
        assert bits(log_demand, burden, travel, travel_train) == bits(
            ref.log_demand, ref.carbon_burden, ref.travel, ref.travel_train
        ), t
        assert rural_phase == ref.rural_phase
        if t % phases.PLANNING_MONTHS == 0 and p.providers.foresight > 0:
            expected = ReferenceModel.foresight_delta(ref, p, t)
            assert bits(paths.foresight(t)) == bits(expected), t


# ------------------------------------------------------------------------- CLI


def test_cli_runs_the_reference_with_the_same_outputs(tmp_path, monkeypatch):
    """`skillsim run --engine reference` writes what the engine writes; the manifest
    records the engine."""
    import json

    import pandas as pd

    from simulation import cli

    monkeypatch.setenv("SKILLSIM_SCENARIOS", str(REPO_SCENARIOS))
    common = ["run", "rural_revitalization", "-p", "package", "--workers", "400"]
    common += ["--months", "3", "--seed", "4", "--quiet"]
    for engine in ("engine", "reference"):
        assert cli.main([*common, "--engine", engine, "--out", str(tmp_path / engine)]) == 0
    for engine in ("engine", "reference"):
        manifest = json.loads((tmp_path / engine / "manifest.json").read_text())
        assert manifest["engine"] == engine
    for table in ("metrics", "region", "sector", "cohort", "transitions", "region_transitions"):
        a, b = (pd.read_parquet(tmp_path / e / f"{table}.parquet") for e in ("engine", "reference"))
        pd.testing.assert_frame_equal(b, a, rtol=RTOL)
    bad = [*common, "--engine", "reference", "--profile", "--out", str(tmp_path / "x")]
    assert cli.main(bad) == 2 and not (tmp_path / "x").exists()
