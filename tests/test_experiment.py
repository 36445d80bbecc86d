"""Experiment files: validation (clear errors, exit 2, nothing written), designs, plans."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sweeps import small, write_experiment

from simulation import analysis, cli
from simulation.config_errors import ConfigError
from simulation.experiment import design, load_experiment, make_plan
from simulation.experiment.config import TABLES

REPO = Path(__file__).resolve().parents[1]
QUALITY = [
    "policy.quality.written_agreement",
    "policy.quality.structured_training",
    "policy.quality.assessment_certification",
    "policy.quality.pay_and_social_protection",
    "policy.quality.mentor_training",
]


def _param(path: str, low, high) -> str:
    return f'[[parameters]]\npath = "{path}"\nlow = {low}\nhigh = {high}\n'


BAD = {
    "unknown field": (
        small() + "replicatons = 3\n",
        ["replicatons", "did you mean replications?"],
    ),
    "workers too few": (small(workers=10), ["workers = 10", "whole number >= 100"]),
    "unknown scenario": (
        small().replace('"quick.toml"', '"atlantis"'),
        ['scenarios[0] = "atlantis"', "unknown scenario", "baseline"],
    ),
    "unknown policy in a combination": (
        small(policies=("none", "package+subsidy")),
        ['policies[1] = "subsidy"', "apprenticeship_subsidy"],
    ),
    "missing file in a combination": (
        small(policies=("none", "mine.toml+quality_apprenticeship")),
        ['policies[1] = "mine.toml"', "no such file", "must be an existing .toml file"],
    ),
    "misspelt path": (
        small() + _param("policy.subsidy.yuan_per_yer", 0, 1),
        ["parameters[0].path", "did you mean yuan_per_year?"],
    ),
    "path to a table": (
        small() + _param("policy.subsidy", 0, 1),
        ["parameters[0].path", "not a number or true-or-false field"],
    ),
    "range beyond the model's bound": (
        small() + _param("policy.subsidy.yuan_per_year", 0, 1e9),
        ["parameters[0].high", "policy.subsidy.yuan_per_year", "<= 100000"],
    ),
    "scenario range beyond the bound": (
        small() + _param("scenario.behaviour.skills.learning_rate", 0.01, 2),
        ["parameters[0].high", "scenario.behaviour.skills.learning_rate", "<= 1"],
    ),
    "high below low": (
        small() + _param("policy.subsidy.yuan_per_year", 5, 1),
        ["parameters[0].high", "above low"],
    ),
    "too many switches": (
        small() + f"[[parameters]]\npaths = {QUALITY[:2]}\nlow = 0\nhigh = 3\n".replace("'", '"'),
        ["parameters[0].high", "from 0 to 2"],
    ),
    "sobol samples not a power of two": (
        small()
        + "[design]\nkind = 'sobol'\nsamples = 12\n"
        + _param("policy.subsidy.yuan_per_year", 0, 1)
        + _param("policy.anticipation.lag_months", 0, 12),
        ["design.samples = 12", "power of 2"],
    ),
    "unknown table to keep": (
        small() + 'keep = ["metrics", "regions"]\n',
        ['keep[1] = "regions"', "metrics, region, sector, cohort, cell"],
    ),
    "malformed toml": (small() + "x = [\n", ["malformed TOML"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_experiment_exits_2_and_writes_nothing(case, tmp_path, capsys):
    body, expected = BAD[case]
    path = write_experiment(tmp_path / "exp", body)
    out = tmp_path / "out"
    assert cli.main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "exp.toml" in err, err
    for text in expected:
        assert text in err, (text, err)
    assert not out.exists()


def test_a_policy_file_of_ones_own_combines_with_a_shipped_one(tmp_path):
    """ "mine.toml+quality_apprenticeship" in an experiment: the file beside the
    experiment, then the shipped policy, merged as ``skillsim run`` merges them (it was
    refused as an unknown policy "mine.toml+..."); the combination is named by its
    parts' names, and a shipped name misspelt beside the file is still said unknown."""
    mine = (
        'extends = "apprenticeship_subsidy"\nname = "subsidy_7500"\n'
        'description = "half as much again"\n[subsidy]\nyuan_per_year = 7500.0\n'
    )
    policies = ("none", "apprenticeship_subsidy", "mine.toml+quality_apprenticeship")
    path = write_experiment(tmp_path / "exp", small(policies=policies))
    (path.parent / "mine.toml").write_text(mine)
    experiment = load_experiment(path)
    both = experiment.policies["subsidy_7500+quality_apprenticeship"]
    assert both.subsidy.yuan_per_year == 7500.0 and both.quality.mentor_training
    assert experiment.policies["apprenticeship_subsidy"].subsidy.yuan_per_year == 5000.0
    found = analysis.policy_parts(
        {"policies": {n: p.model_dump(mode="json") for n, p in experiment.policies.items()}}
    )
    assert found == {}  # (7,500 yuan is no shipped part's: a combination of none here)
    typo = write_experiment(tmp_path / "typo", small(policies=("none", "mine.toml+quality")))
    (typo.parent / "mine.toml").write_text(mine)
    with pytest.raises(ConfigError, match=r'policies\[1\] = "quality": unknown policy'):
        load_experiment(typo)
    # an absolute path; a file with "+" in its name, whole; the same two in the other
    # order, refused as one policy twice
    other = tmp_path / "elsewhere" / "my_pol.toml"
    other.parent.mkdir()
    other.write_text(mine.replace("subsidy_7500", "my_pol"))
    joined = other.with_name("my+pol.toml")  # (a whole file; no part of a combination)
    joined.write_text(mine.replace("subsidy_7500", "joined"))
    refs = ("none", f"{other}+core_skills", "elsewhere/my+pol.toml")
    path = write_experiment(tmp_path, small(policies=refs), name="abs")
    assert set(load_experiment(path).policies) == {"none", "my_pol+core_skills", "joined"}
    swapped = ("none", "mine.toml+quality_apprenticeship", "quality_apprenticeship+mine.toml")
    path = write_experiment(tmp_path / "exp", small(policies=swapped), name="swapped")
    with pytest.raises(ConfigError, match="the same policy as"):
        load_experiment(path)


@pytest.mark.parametrize(
    ("ref", "said"),
    [
        ("gone+pol.toml", 'policies[1] = "gone+pol.toml": no such file'),  # (whole, not "gone")
        ("mine.toml+", 'policies[1] = "mine.toml+": an empty policy name'),
        ("gone.toml+core_skills", 'policies[1] = "gone.toml": no such file'),
    ],
)
def test_a_combination_of_files_says_what_is_wrong_with_it(ref, said, tmp_path, capsys):
    path = write_experiment(tmp_path / "exp", small(policies=("none", ref)))
    (path.parent / "mine.toml").write_text('extends = "core_skills"\nname = "mine"\n')
    out = tmp_path / "out"
    assert cli.main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    assert said in capsys.readouterr().err
    assert not out.exists()


def test_scenarios_do_not_combine(tmp_path):
    text = small().replace('"quick.toml"', '"baseline+combined"')
    path = write_experiment(tmp_path / "exp", text)
    with pytest.raises(ConfigError, match=r"scenarios\[0\].*scenarios do not combine"):
        load_experiment(path)


def test_bad_command_line_override_is_blamed_on_the_command_line(tmp_path, capsys):
    path = write_experiment(tmp_path / "exp", small())
    out = tmp_path / "out"
    assert cli.main(["sweep", str(path), "--workers", "5", "--out", str(out)]) == 2
    assert "(command line): --workers = 5" in capsys.readouterr().err
    assert cli.main(["sweep", "no_such_experiment", "--out", str(out)]) == 2
    assert "default" in capsys.readouterr().err  # lists the experiments there are
    assert not out.exists()


def test_errors_name_the_field_and_the_allowed_values():
    with pytest.raises(ConfigError) as err:
        load_experiment(REPO / "experiments" / "default.toml", {"months": 0})
    assert err.value.file == "(command line)"
    assert err.value.field == "months"
    assert err.value.allowed == "a whole number >= 1 and <= 1200"


def test_the_shipped_experiments_load():
    plan = make_plan(load_experiment(REPO / "experiments" / "default.toml"))
    exp = plan.experiment
    assert exp.config.workers == 50_000 and exp.config.replications == 5
    assert len(exp.scenarios) == 5 and len(exp.policies) == 9
    assert {"none", "package"} <= set(exp.policies)
    assert len(plan.runs) == 5 * 9 * 5
    # the report's sector x region maps need the cell table: 36 cells x 121 months a run
    # (about 0.1 MB), 4,356 x 225 = 980,100 rows for the sweep
    assert {"metrics", "region", "sector", "cell"} <= set(exp.config.keep)
    assert set(exp.config.keep) <= set(TABLES)
    sens = make_plan(load_experiment(REPO / "experiments" / "subsidy_sensitivity.toml"))
    assert sens.experiment.config.design.kind == "sobol"
    # its policy carries the public assessment's cost, paid at the points whose design
    # puts that standard in place
    (policy,) = sens.experiment.policies.values()
    assert policy.quality.public_cost_yuan_per_completion == 800.0
    assert sens.points.shape == (32 * (3 + 2), 3)
    hiring = make_plan(load_experiment(REPO / "experiments" / "hiring_assumptions.toml"))
    assert hiring.experiment.config.design.kind == "grid"
    assert hiring.points.shape == (3 * 2, 2) and len(hiring.runs) == 6 * 3 * 4
    assert hiring.experiment.config.baseline_policy in hiring.experiment.policies
    # each policy, every pair of them ("a+b") and the package: 22 combinations of the
    # seven, as analysis.policy_parts finds them from the policies as resolved
    pairs = make_plan(load_experiment(REPO / "experiments" / "package_pairs.toml"))
    policies = pairs.experiment.policies
    assert len(policies) == 1 + 7 + 21 + 1 and len(pairs.runs) == 2 * 30 * 24
    resolved = {name: p.model_dump(mode="json") for name, p in policies.items()}
    found = analysis.policy_parts({"policies": resolved})
    assert len(found) == 22 and len(found["package"]) == 7
    assert all(name == "+".join(parts) for name, parts in found.items() if name != "package")
    # the subsidy at five levels with the standards: four levels are policy files of the
    # experiment's own, each a part of a combination with a shipped policy
    levels = make_plan(load_experiment(REPO / "experiments" / "subsidy_with_standards.toml"))
    policies = levels.experiment.policies
    yuan = {n: p.subsidy.yuan_per_year for n, p in policies.items() if p.quality.mentor_training}
    assert sorted(yuan.values()) == [0.0, 5000.0, 7500.0, 10000.0, 12500.0, 15000.0]
    assert len(levels.runs) == 2 * 8 * 8
    # every shipped experiment is one of these (a new one is added here, and loads)
    shipped = {path.name for path in (REPO / "experiments").glob("*.toml")}
    assert shipped == {
        "default.toml",
        "subsidy_sensitivity.toml",
        "hiring_assumptions.toml",
        "package_pairs.toml",
        "subsidy_with_standards.toml",
    }


# ---------------------------------------------------------------------- designs


def _config(tmp_path, extra, name="exp"):
    path = write_experiment(tmp_path / name, small(extra=extra))
    return load_experiment(path).config


def test_grid_is_every_combination(tmp_path):
    cfg = _config(
        tmp_path,
        "[design]\nkind = 'grid'\nlevels = 3\n"
        + _param("policy.subsidy.yuan_per_year", 0, 10_000)
        + '[[parameters]]\npath = "policy.anticipation.lag_months"\nvalues = [3, 12]\n',
    )
    points = design.matrix(cfg)
    assert points.shape == (6, 2)
    assert sorted(map(tuple, points.tolist())) == sorted(
        (s, lag) for s in (0.0, 5000.0, 10_000.0) for lag in (3.0, 12.0)
    )


def test_latin_hypercube_fills_every_stratum_once(tmp_path):
    n = 10
    cfg = _config(
        tmp_path,
        f"[design]\nkind = 'lhs'\nsamples = {n}\n"
        + _param("policy.subsidy.yuan_per_year", 0, 10_000)
        + _param("policy.anticipation.noise_sd", 0.1, 0.5),
    )
    points = design.matrix(cfg)
    assert points.shape == (n, 2)
    for j, (lo, hi) in enumerate([(0, 10_000), (0.1, 0.5)]):
        strata = np.floor((points[:, j] - lo) / (hi - lo) * n).astype(int)
        assert sorted(strata) == list(range(n))
    assert np.array_equal(points, design.matrix(cfg))  # the root seed fixes the design


def test_sobol_and_morris_sizes_and_bounds(tmp_path):
    two = _param("policy.subsidy.yuan_per_year", 0, 10_000) + _param(
        "policy.anticipation.lag_months", 0, 24
    )
    sobol = _config(tmp_path, "[design]\nkind = 'sobol'\nsamples = 8\n" + two, "s")
    points = design.matrix(sobol)
    assert points.shape == (8 * (2 + 2), 2)
    assert points[:, 0].min() >= 0 and points[:, 0].max() <= 10_000
    second = _config(
        tmp_path, "[design]\nkind = 'sobol'\nsamples = 8\nsecond_order = true\n" + two, "s2"
    )
    assert design.matrix(second).shape == (8 * (2 * 2 + 2), 2)
    morris = _config(tmp_path, "[design]\nkind = 'morris'\nsamples = 5\nlevels = 4\n" + two, "m")
    points = design.matrix(morris)
    assert points.shape == (5 * (2 + 1), 2)
    assert set(np.round(points[:, 1], 6)) <= {0.0, 8.0, 16.0, 24.0}  # 4 levels


def test_design_points_are_counted_without_building_them(tmp_path):
    """``design_points`` (what the size check counts) is ``design.matrix``'s rows, for
    every kind of design."""
    two = _param("policy.subsidy.yuan_per_year", 0, 10_000) + _param(
        "policy.anticipation.lag_months", 0, 24
    )
    values = '[[parameters]]\npath = "policy.anticipation.noise_sd"\nvalues = [0.1, 0.2]\n'
    for i, extra in enumerate(
        (
            "",
            "[design]\nkind = 'grid'\nlevels = 3\n" + two + values,
            "[design]\nkind = 'lhs'\nsamples = 7\n" + two,
            "[design]\nkind = 'sobol'\nsamples = 8\n" + two,
            "[design]\nkind = 'sobol'\nsamples = 8\nsecond_order = true\n" + two,
            "[design]\nkind = 'morris'\nsamples = 5\n" + two,
        )
    ):
        cfg = _config(tmp_path, extra, f"e{i}")
        assert cfg.design_points == design.matrix(cfg).shape[0], extra


def test_a_design_too_large_to_plan_is_refused_before_it_is_built(tmp_path, capsys):
    """1000 levels of three parameters are 10^9 grid points: building them filled a 23 GB
    machine until the kernel killed the sweep, with no message (an outside fuzz). More
    than MAX_RUNS runs are refused with the count, naming the field to lower."""
    three = "".join(
        _param(path, 0, 1)
        for path in (
            "policy.subsidy.advance_share",
            "policy.subsidy.clawback_share",
            "policy.anticipation.noise_sd",
        )
    )
    path = write_experiment(tmp_path / "exp", small(extra="[design]\nlevels = 1000\n" + three))
    out = tmp_path / "out"
    assert cli.main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    msg = capsys.readouterr().err
    assert "1,000,000,000 design points x 1 scenario x 2 policies x 2 seeds" in msg, msg
    assert "at most 1,000,000 in one sweep (lower design.levels" in msg
    assert not out.exists()
    lhs = small(extra="[design]\nkind = 'lhs'\nsamples = 400000\n" + three)
    with pytest.raises(ConfigError, match="1,600,000 runs: at most 1,000,000 in one sweep "):
        load_experiment(write_experiment(tmp_path / "lhs", lhs))


def test_replication_seeds_derive_from_the_root_seed():
    seeds = design.replication_seeds(123, 5)
    assert len(set(seeds)) == 5 and all(0 <= s < 2**63 for s in seeds)
    assert design.replication_seeds(123, 8)[:5] == seeds  # more seeds keep the first ones
    assert design.replication_seeds(124, 5) != seeds
    assert design.design_seed(123) == design.design_seed(123)
    # guards against a design seed that ignores the root seed or reuses a run's seed
    assert design.design_seed(123) != design.design_seed(124)
    assert design.design_seed(123) not in design.replication_seeds(123, 8)


# ------------------------------------------------------------------------ plans


def test_plan_pairs_policies_on_seeds_and_applies_parameters(tmp_path):
    extra = (
        "[design]\nkind = 'lhs'\nsamples = 4\n"
        + _param("policy.subsidy.yuan_per_year", 0, 10_000)
        + _param("policy.anticipation.lag_months", 0, 24)
        + f"[[parameters]]\nname = 'quality'\npaths = {QUALITY}\nlow = 0\nhigh = 5\n".replace(
            "'", '"'
        )
        + _param("scenario.behaviour.skills.learning_rate", 0.01, 0.05)
    )
    path = write_experiment(tmp_path / "exp", small(replications=3, extra=extra))
    plan = make_plan(load_experiment(path))
    assert len(plan.runs) == 3 * 4 * 2
    assert len({r.run_id for r in plan.runs}) == len(plan.runs)
    for r in plan.runs:
        assert r.seed == plan.seeds[r.replicate] == r.config.seed
        pol, scen = r.config.policy, r.config.scenario
        assert pol.subsidy.yuan_per_year == pytest.approx(r.params["policy.subsidy.yuan_per_year"])
        assert pol.anticipation.lag_months == round(r.params["policy.anticipation.lag_months"])
        assert pol.quality.level == round(r.params["quality"]) / 5
        assert scen.behaviour.skills.learning_rate == pytest.approx(
            r.params["scenario.behaviour.skills.learning_rate"]
        )
    # Both policies of one point and seed: same seed, same scenario, differ in name only
    # where the design does not touch them.
    first = [r for r in plan.runs if r.point == 0 and r.replicate == 0]
    assert {r.policy for r in first} == {"none", "apprenticeship_subsidy"}
    assert len({r.seed for r in first}) == 1
    assert make_plan(load_experiment(path)).sweep_hash == plan.sweep_hash
    changed = make_plan(load_experiment(path, {"workers": 400}))
    assert changed.sweep_hash != plan.sweep_hash


@pytest.mark.parametrize(
    "path, values, field, said",
    [
        # a level twice would run the same point twice (a note said so after the fact,
        # blaming rounding): refused, naming the entry
        (
            "policy.anticipation.noise_sd",
            "[0.0, 0.1, 0.0]",
            "parameters[0].values",
            "values lists 0 twice (allowed: each level once",
        ),
        # a level the field refuses: named by its place, shown as written (it was
        # ``parameters[0].values = 2000.0`` for a whole-number field)
        (
            "scenario.burn_in_months",
            "[12, 2000]",
            "parameters[0].values[1]",
            "scenario.burn_in_months = 2000 is not allowed",
        ),
        # a level a rule between fields refuses: the swept field and its value, then the
        # rule's words (it named the rule's other field at the swept value, "must be ...
        # must be")
        (
            "scenario.behaviour.providers.tvet_months",
            "[3, 24]",
            "parameters[0].values[0]",
            "scenario.behaviour.providers.tvet_months = 3 is not allowed: "
            "labour_market.final_year_months (6) must be less than the shortest programme",
        ),
        # true and false for a switch: a level is a count of switches on (it said only
        # "must be a number")
        (
            "policy.quality.written_agreement",
            "[true, false]",
            "parameters[0].values",
            "a level is how many of the paths are on (0 or 1 for one path)",
        ),
    ],
)
def test_a_grid_level_refused_is_named(tmp_path, path, values, field, said):
    extra = f"[design]\nkind = 'grid'\n[[parameters]]\npath = \"{path}\"\nvalues = {values}\n"
    with pytest.raises(ConfigError) as err:
        _config(tmp_path, extra)
    assert err.value.field == field
    assert said in str(err.value) and "2000.0" not in str(err.value)


@pytest.mark.parametrize(
    ("design", "message"),
    [
        (
            "kind = 'sobol'\nsamples = 4\nlevels = 4",
            "levels is for grid and morris designs, not sobol",
        ),
        ("kind = 'morris'\nsamples = 4\nsecond_order = true", "second_order is for sobol designs"),
        ("kind = 'grid'\nsamples = 8", "samples is for lhs and sobol and morris designs, not grid"),
        ("kind = 'morris'\nsamples = 4\nlevels = 3", "levels must be even for a morris design"),
    ],
)
def test_a_key_of_another_kind_of_design_is_refused(tmp_path, design, message):
    """A key the design's kind does not take was accepted and ignored (a sobol design
    with levels = 4, in the README's own example); odd Morris levels biased the sample
    (SALib warned on stderr). Both refused, naming the key."""
    two = (
        '[[parameters]]\nname = "a"\npath = "policy.subsidy.yuan_per_year"\nlow = 0\nhigh = 1000\n'
        '[[parameters]]\nname = "b"\npath = "policy.anticipation.lag_months"\nlow = 0\nhigh = 10\n'
    )
    path = write_experiment(tmp_path / "e", small(extra=f"[design]\n{design}\n" + two))
    with pytest.raises(ConfigError) as err:
        load_experiment(path)
    assert message in str(err.value) and "design." in str(err.value)
