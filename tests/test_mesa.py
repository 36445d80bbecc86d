"""SkillsModel as a Mesa model: batch_run, the DataCollector, and the stopping rule."""

from __future__ import annotations

import inspect
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest

from simulation import metrics
from simulation.config_errors import ConfigError
from simulation.model import SkillsModel

REPO_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(autouse=True, scope="module")
def _repo_scenarios():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SKILLSIM_SCENARIOS", str(REPO_SCENARIOS))
        yield


# Mesa 3.4 (Python 3.12 and newer) gave batch_run an ``rng`` argument whose values replace
# a model's ``seed`` parameter; up to Mesa 3.3 (all that Python 3.11 gets) the seeds are
# a parameter like any other. The README shows both.
RNG_ARGUMENT = "rng" in inspect.signature(mesa.batch_run).parameters


def test_batch_run_returns_every_metric():
    parameters = {
        "scenario": "baseline",
        "policies": [("none",), ("apprenticeship_subsidy",)],
        "workers": 500,
        "months": 3,
    }
    options = {"max_steps": 3, "number_processes": 1, "display_progress": False}
    if RNG_ARGUMENT:
        rows = mesa.batch_run(SkillsModel, parameters, rng=[1, 2], **options)
    else:
        rows = mesa.batch_run(SkillsModel, {**parameters, "seed": [1, 2]}, iterations=1, **options)
    assert len(rows) == 4  # one row per run: batch_run collects the last step by default
    df = pd.DataFrame(rows)
    missing = [name for name in metrics.NAMES if name not in df.columns]
    assert not missing, missing
    assert set(map(tuple, df["policies"])) == {("none",), ("apprenticeship_subsidy",)}
    assert set(df["seed"]) == {1, 2}
    assert set(df["RunId"]) == {0, 1, 2, 3}
    for name in metrics.NAMES:
        assert pd.api.types.is_numeric_dtype(df[name]), name
    for m in metrics.CATALOGUE:
        if m.integer:
            assert (df[m.name] == df[m.name].round()).all(), m.name
    assert (df["labour_force"] == df["employed"] + df["apprentices"] + df["unemployed"]).all()
    # Each row matches a direct run of the same model at the same step.
    row = df[(df["seed"] == 2) & (df["policies"] == ("apprenticeship_subsidy",))].iloc[0]
    model = SkillsModel("baseline", ("apprenticeship_subsidy",), 500, 3, 2)
    while model.running:
        model.step()
    direct = model.metrics_frame().iloc[int(row["Step"])]
    for name in metrics.NAMES:
        a, b = row[name], direct[name]
        assert (np.isnan(a) and np.isnan(b)) or a == b, (name, a, b)


def test_batch_run_every_step():
    """With data_collection_period=1 each row is the month its Step names (the model
    collects month 0 at construction, so record i is month i)."""
    options = {"data_collection_period": 1, "max_steps": 10, "number_processes": 1}
    parameters = {"scenario": "baseline", "workers": 300, "months": 2}
    if RNG_ARGUMENT:
        rows = mesa.batch_run(
            SkillsModel, parameters, rng=[5, 5], display_progress=False, **options
        )
    else:
        rows = mesa.batch_run(
            SkillsModel,
            {**parameters, "seed": 5},
            iterations=2,
            display_progress=False,
            **options,
        )
    df = pd.DataFrame(rows)
    # mesa 3.3 leaves out the last record (mesa issue #2514): months 0 and 1 of 0..2.
    assert {0, 1} <= set(df["Step"]) <= {0, 1, 2}
    model = SkillsModel("baseline", ("none",), 300, 2, 5)
    model.run_model()
    direct = model.metrics_frame()
    for _, row in df.iterrows():
        expected = direct.iloc[int(row["Step"])]
        for name in metrics.NAMES:
            a, b = row[name], expected[name]
            assert (np.isnan(a) and np.isnan(b)) or a == b, (row["Step"], name, a, b)
    # Iterations repeat the same seed, so they are identical.
    first, second = (
        g.drop(columns=["RunId", "iteration"]).reset_index(drop=True)
        for _, g in df.groupby("iteration")
    )
    pd.testing.assert_frame_equal(first, second)


def test_a_seed_of_none_says_how_batch_run_takes_seeds():
    """batch_run from Mesa 3.4 on passes None as the seed unless given ``rng``: the error
    says so rather than a bare type error, and no run starts on a seed nobody chose."""
    with pytest.raises(ConfigError, match=r"seed = None.*rng=\[1, 2, 3\]") as err:
        SkillsModel("baseline", ("none",), 300, 2, None)
    assert err.value.field == "seed"


def test_datacollector_has_one_reporter_per_metric():
    model = SkillsModel("baseline", ("none",), 300, 2, 0)
    dc = model.datacollector
    assert list(dc.model_reporters) == list(metrics.NAMES)
    assert dc.agent_reporters == {}
    # Month 0 is collected at construction, then one row per step.
    assert all(len(v) == 1 for v in dc.model_vars.values())
    model.step()
    assert all(len(v) == 2 for v in dc.model_vars.values())
    frame = model.metrics_frame()
    assert list(frame.columns) == ["month", *metrics.NAMES]
    assert list(frame["month"]) == [0, 1]
    assert frame.iloc[-1].drop("month").to_dict() == pytest.approx(model.current, nan_ok=True)


def test_running_becomes_false_at_horizon():
    model = SkillsModel("baseline", ("none",), 300, 4, 0)
    assert model.running
    for month in range(1, 5):
        model.step()
        assert model.month == month
        assert model.running == (month < 4)
    assert model.steps == 4
    assert len(model.metrics_frame()) == 5  # months 0..4
    # past the horizon the scenario's paths end: a step is refused, and nothing changes
    with pytest.raises(RuntimeError, match=r"ended at month 4 \(months=4\); build a model"):
        model.step()
    assert model.month == 4 and model.steps == 4 and len(model.metrics_frame()) == 5


def test_mesa_run_model_stops_at_horizon():
    model = SkillsModel("baseline", ("none",), 300, 3, 0)
    model.run_model()
    assert not model.running
    assert model.month == 3
    assert len(model.metrics_frame()) == 4
