"""Scenario and policy loading: shipped files, extends, merging, hashing, and bad input."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.config import SKILL_DOMAINS, PolicyConfig
from simulation.loading import (
    ConfigError,
    available_policies,
    available_scenarios,
    config_hash,
    load_policy,
    load_scenario,
    resolve_run,
    scenario_folders,
    show_path,
)

REPO_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
BASELINE = REPO_SCENARIOS / "baseline.toml"

SCENARIOS = [
    "baseline",
    "green_transition_orderly",
    "green_transition_disorderly",
    "rural_revitalization",
    "combined",
]
POLICIES = [
    "none",
    "apprenticeship_subsidy",
    "quality_apprenticeship",
    "skills_anticipation",
    "core_skills",
    "green_curricula",
    "lifelong_learning_vouchers",
    "rural_training_access",
    "package",
]


@pytest.fixture(autouse=True)
def _repo_scenarios(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILLSIM_SCENARIOS", str(REPO_SCENARIOS))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def child(tmp_path: Path, body: str, name: str = "child") -> Path:
    """A scenario file extending the shipped baseline."""
    return write(tmp_path / f"{name}.toml", f'extends = "{BASELINE.as_posix()}"\n{body}')


def error_of(fn, *args) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        fn(*args)
    return info.value


# ------------------------------------------------------------ shipped files


def test_shipped_names_are_available() -> None:
    assert set(SCENARIOS) <= set(available_scenarios())
    assert set(POLICIES) <= set(available_policies())
    assert available_scenarios() == sorted(available_scenarios())


@pytest.mark.parametrize("scenario", sorted(set(SCENARIOS) | {"green_transition"}))
def test_every_scenario_loads_with_every_policy(scenario: str) -> None:
    for policy in available_policies():
        run = resolve_run(scenario, policy, workers=1000, months=12, seed=3)
        assert run.scenario.name == scenario
        assert run.policy.name == policy
        assert (run.workers, run.months, run.seed) == (1000, 12, 3)


def test_baseline_world() -> None:
    world = load_scenario("baseline").world
    assert len(world.regions) == 4
    assert [r.urban for r in world.regions] == [True, True, False, False]
    assert len(world.sectors) == 9
    assert {s.name for s in world.sectors if s.rural} == {"agriculture", "rural_new_industries"}
    kinds = {s.name: s.kind for s in world.sectors}
    assert {n for n, k in kinds.items() if k == "brown"} == {"heavy_industry", "fossil_energy"}
    assert {n for n, k in kinds.items() if k == "green"} == {
        "renewable_energy",
        "environmental_services",
    }
    for s in world.sectors:
        assert len(s.profile) == len(SKILL_DOMAINS)
        assert max(s.profile[1:]) >= 0.6, s.name  # a sector-specific domain stands out
    assert len({tuple(s.profile) for s in world.sectors}) == 9  # distinctive profiles
    assert all(world.travel_cost[i][i] == 0 for i in range(4))


def test_scenario_drivers() -> None:
    orderly = load_scenario("green_transition_orderly").drivers
    assert {(s.kind, s.start_month, s.log_change) for s in orderly.shocks} == {
        ("brown", 0, -0.5),
        ("green", 0, 0.6),
    }
    disorderly = load_scenario("green_transition_disorderly").drivers
    assert disorderly.carbon_price_jump_month == 60
    assert all(s.start_month == 60 for s in disorderly.shocks)
    combined = load_scenario("combined").drivers
    assert {s.kind for s in combined.shocks} == {"brown", "green", "rural"}
    # diamond: combined -> (orderly, rural) -> baseline; baseline must not undo orderly
    assert combined.carbon_price_growth_per_year == orderly.carbon_price_growth_per_year
    assert (
        combined.rural_access_gain
        == load_scenario("rural_revitalization").drivers.rural_access_gain
    )


def test_package_contains_every_component() -> None:
    none = load_policy("none").model_dump()
    package = load_policy("package").model_dump()
    for name in POLICIES[1:-1]:
        component = load_policy(name).model_dump()
        for table, fields in component.items():
            if table in ("name", "description"):
                continue
            for field, value in fields.items():
                if value != none[table][field]:
                    assert package[table][field] == value, (name, table, field)
    assert load_policy("quality_apprenticeship").quality.level == 1.0


# ------------------------------------------------------------- resolution


def test_path_and_name_resolve_the_same() -> None:
    assert load_scenario(BASELINE) == load_scenario("baseline")
    assert load_scenario(str(BASELINE)) == load_scenario("baseline")


def test_scenario_folders_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert scenario_folders() == [REPO_SCENARIOS]  # $SKILLSIM_SCENARIOS alone
    monkeypatch.delenv("SKILLSIM_SCENARIOS")
    monkeypatch.chdir(tmp_path)
    assert scenario_folders() == [REPO_SCENARIOS]  # no folder of one's own: the shipped
    (tmp_path / "scenarios").mkdir()
    assert scenario_folders() == [tmp_path / "scenarios", REPO_SCENARIOS]


def test_a_scenario_folder_that_is_not_there_is_named_by_its_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """SKILLSIM_SCENARIOS=/no/such/dir said "/no/such/dir/baseline.toml: unknown
    scenario (none found)", naming neither the variable nor the missing folder (an
    outside review)."""
    from simulation import cli

    for value, what in ((tmp_path / "nowhere", "no such folder"), (BASELINE, "a file")):
        monkeypatch.setenv("SKILLSIM_SCENARIOS", str(value))
        with pytest.raises(ConfigError) as err:
            load_scenario("baseline")
        assert err.value.field == "SKILLSIM_SCENARIOS" and what in str(err.value)
        out = tmp_path / "out"
        assert cli.main(["run", "baseline", "--workers", "200", "--out", str(out)]) == 2
        said = capsys.readouterr().err
        assert f'SKILLSIM_SCENARIOS = "{value}": {what}' in said and not out.exists()


def _own_scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict) -> None:
    """Work in ``tmp_path`` with a ./scenarios folder of one's own holding ``files``
    (paths under scenarios/: text), SKILLSIM_SCENARIOS unset."""
    monkeypatch.delenv("SKILLSIM_SCENARIOS")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios" / "policies").mkdir(parents=True)
    for name, text in files.items():
        (tmp_path / "scenarios" / name).write_text(text)


def test_a_folder_of_ones_own_adds_to_the_shipped_scenarios(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """./scenarios (the layout a user copies from the repository) used to replace the
    shipped folder: `extends = "baseline"`, `--policy none` and every shipped name
    failed there. One's own files now come first, the shipped ones after."""
    _own_scenarios(
        tmp_path,
        monkeypatch,
        {
            "mine.toml": 'extends = "baseline"\nname = "mine"\n[world]\n'
            "initial_vacancy_rate = 0.05\n",
            "policies/mine.toml": 'extends = "apprenticeship_subsidy"\nname = "mine"\n'
            "[subsidy]\nyuan_per_year = 9000\n",
        },
    )
    assert load_scenario("mine").world.initial_vacancy_rate == 0.05
    assert load_policy("mine").subsidy.yuan_per_year == 9000
    assert load_policy("none").name == "none" and load_scenario("baseline").name == "baseline"
    assert {"mine", "baseline"} <= set(available_scenarios())
    assert {"mine", "none", "package"} <= set(available_policies())
    with pytest.raises(ConfigError, match=r"no minee\.toml in scenarios and .*scenarios"):
        load_scenario("minee")
    # experiments/ and calibration/ of one's own add to the shipped ones the same way
    from simulation.calibration.config import locate
    from simulation.experiment.cli import experiment_folders
    from simulation.experiment.loading import find_file

    for folder in ("experiments", "calibration"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "mine.toml").write_text("")
    assert find_file("mine", experiment_folders(), "EXPERIMENT").parent.name == "experiments"
    assert find_file("default", experiment_folders(), "EXPERIMENT").is_file()  # shipped
    assert locate("mine").is_file() and locate("targets").is_file()
    with pytest.raises(ConfigError, match=r"no nothere\.toml in experiments and .*experiments"):
        find_file("nothere", experiment_folders(), "EXPERIMENT")


def test_a_file_of_ones_own_that_takes_a_shipped_name_extends_the_shipped_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One's own scenarios/baseline.toml takes the shipped baseline's place; with
    ``extends = "baseline"`` it extended itself ("extends cycle: baseline -> baseline",
    an outside review found it) and there was no way to change one field of the
    shipped baseline. It extends the shipped file now. Shipped scenarios still extend
    the shipped baseline (README: make your own copy to put them on yours)."""
    _own_scenarios(
        tmp_path,
        monkeypatch,
        {
            "baseline.toml": 'extends = "baseline"\nname = "baseline"\n[behaviour.skills]\n'
            "learning_rate = 0.09\n",
            "policies/package.toml": 'extends = "package"\nname = "package"\n[subsidy]\n'
            "yuan_per_year = 9000\n",
        },
    )
    mine, shipped = load_scenario("baseline"), load_scenario(REPO_SCENARIOS / "baseline.toml")
    assert mine.behaviour.skills.learning_rate == 0.09
    assert shipped.behaviour.skills.learning_rate != 0.09
    same = {"behaviour", "description"}  # (a description is not inherited)
    assert mine.model_dump(exclude=same) == shipped.model_dump(exclude=same)
    assert load_policy("package").subsidy.yuan_per_year == 9000
    assert (
        load_policy("package").quality.level
        == load_policy(REPO_SCENARIOS / "policies" / "package.toml").quality.level
    )
    green = load_scenario("green_transition_orderly")  # a shipped file: the shipped baseline
    assert green.behaviour.skills.learning_rate == shipped.behaviour.skills.learning_rate
    # a file that extends itself by path is still a cycle
    (tmp_path / "scenarios" / "loop.toml").write_text('extends = "loop.toml"\nname = "loop"\n')
    with pytest.raises(ConfigError, match="extends cycle"):
        load_scenario("loop")


def test_a_copy_that_keeps_another_files_name_is_refused(tmp_path: Path) -> None:
    """A city of one's own copied from baseline.toml, its ``name = "baseline"`` kept,
    ran as "baseline" (folder, report title, the shipped description in Chinese), and
    vouchers in a copy of none.toml named "none" became a sweep's status quo, without a
    word (an outside review). A name of the file's own that no other file has stays
    allowed (a calibration's fitted.toml is named ``<scenario>_fitted``)."""
    city = write(tmp_path / "my_city.toml", 'extends = "baseline"\nname = "baseline"\n')
    e = error_of(load_scenario, city)
    assert (e.file, e.field, e.value) == (show_path(city), "name", '"baseline"')
    assert '"my_city" (the file\'s own name), or a name no other scenario has' in str(e)
    vouchers = write(
        tmp_path / "fake_none.toml", 'name = "none"\n[vouchers]\nyuan_per_month = 500.0\n'
    )
    e = error_of(load_policy, [vouchers])
    assert (e.file, e.field, e.value) == (show_path(vouchers), "name", '"none"')
    assert "another policy file (none.toml)" in str(e)
    fitted = write(tmp_path / "fitted.toml", 'extends = "baseline"\nname = "baseline_fitted"\n')
    assert load_scenario(fitted).name == "baseline_fitted"
    assert load_scenario(write(tmp_path / "x.toml", 'extends = "baseline"\n')).name == "x"


def test_a_copy_or_a_link_of_a_named_file_keeps_its_name(tmp_path, monkeypatch) -> None:
    """fitted.toml copied into one's scenarios/ as baseline_fitted.toml (as the README
    says to keep a fit) made the calibration's own fitted.toml refused, and a link
    scenarios/current.toml to mycity.toml was refused with "must be current" (a review):
    a copy of the named file, byte for byte, or the file itself is its own."""
    fitted = 'extends = "baseline"\nname = "baseline_fitted"\n'
    mycity = 'extends = "baseline"\nname = "mycity"\n'
    _own_scenarios(tmp_path, monkeypatch, {"baseline_fitted.toml": fitted, "mycity.toml": mycity})
    (tmp_path / "res").mkdir()
    (tmp_path / "res" / "fitted.toml").write_text(fitted)
    assert load_scenario(tmp_path / "res" / "fitted.toml").name == "baseline_fitted"
    (tmp_path / "scenarios" / "current.toml").symlink_to(tmp_path / "scenarios" / "mycity.toml")
    assert load_scenario("current").name == "mycity"
    # another fit of the same name, other values: two files that name one scenario
    (tmp_path / "res" / "fitted.toml").write_text(fitted + "burn_in_months = 30\n")
    e = error_of(load_scenario, tmp_path / "res" / "fitted.toml")
    assert e.field == "name" and "baseline_fitted.toml" in str(e)


def test_none_policy() -> None:
    for arg in ("none", [], ()):
        policy = load_policy(arg)
        assert policy.name == "none"
        assert policy.model_dump(exclude={"description"}) == PolicyConfig(name="none").model_dump(
            exclude={"description"}
        )
    # an empty name is a name left out (`--policy "$UNSET"`), not the status quo
    for arg in ("", "core_skills+", "+core_skills", "a++b"):
        with pytest.raises(ConfigError, match="an empty policy name"):
            load_policy(arg)


# ---------------------------------------------------------------- extends


def test_extends_merges_deep_and_child_overrides(tmp_path: Path) -> None:
    base = load_scenario("baseline")
    path = child(
        tmp_path,
        """
[behaviour.skills]
learning_rate = 0.05
[drivers]
carbon_price_growth_per_year = 0.5
[[drivers.shocks]]
kind = "green"
start_month = 1
duration_months = 2
log_change = 0.1
""",
    )
    s = load_scenario(path)
    assert s.name == "child"  # default: file stem
    assert s.description == ""  # never inherited
    assert s.behaviour.skills.learning_rate == 0.05
    assert s.behaviour.skills.training_rate == base.behaviour.skills.training_rate  # sibling kept
    assert s.behaviour.population == base.behaviour.population  # untouched table kept
    assert s.drivers.carbon_price_yuan_per_t == base.drivers.carbon_price_yuan_per_t
    assert s.drivers.carbon_price_growth_per_year == 0.5
    assert [x.start_month for x in s.drivers.shocks] == [1]  # arrays replace
    assert s.world == base.world


def test_extends_list_order_and_diamond(tmp_path: Path) -> None:
    a = "[behaviour.skills]\nlearning_rate = 0.1\n[behaviour.population]\ntertiary_share = 0.4\n"
    child(tmp_path, a, "a")
    child(tmp_path, "[behaviour.skills]\nlearning_rate = 0.2\n", "b")
    write(tmp_path / "c.toml", 'extends = ["a", "b"]\nname = "see"\ndescription = "mine"\n')
    write(tmp_path / "d.toml", 'extends = ["b", "a"]\n')
    c, d = load_scenario(tmp_path / "c.toml"), load_scenario(tmp_path / "d.toml")
    assert (c.name, c.description) == ("see", "mine")
    assert c.behaviour.skills.learning_rate == 0.2  # later parent wins
    assert d.behaviour.skills.learning_rate == 0.1
    # diamond: baseline states tertiary_share = 0.55; b's copy must not reset a's value
    assert c.behaviour.population.tertiary_share == 0.4
    assert d.behaviour.population.tertiary_share == 0.4


def test_extends_relative_path(tmp_path: Path) -> None:
    child(tmp_path / "sub", "[behaviour.skills]\nlearning_rate = 0.3\n", "parent")
    write(tmp_path / "kid.toml", 'extends = "sub/parent.toml"\n')
    assert load_scenario(tmp_path / "kid.toml").behaviour.skills.learning_rate == 0.3


def test_multiple_policies_merge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    both = load_policy(["apprenticeship_subsidy", "quality_apprenticeship"])
    assert both.name == "apprenticeship_subsidy+quality_apprenticeship"
    assert both.subsidy.yuan_per_year == 5000
    assert both.quality.level == 1.0
    assert load_policy("apprenticeship_subsidy+quality_apprenticeship") == both
    assert load_policy(["none", "core_skills"]).name == "core_skills"
    assert load_policy(["core_skills", "core_skills"]) == load_policy("core_skills")  # once

    monkeypatch.setenv("SKILLSIM_SCENARIOS", str(tmp_path))
    write(tmp_path / "policies/p1.toml", "[subsidy]\nyuan_per_year = 1000\nadvance_share = 0.2\n")
    write(tmp_path / "policies/p2.toml", "[subsidy]\nyuan_per_year = 2000\n")
    assert load_policy(["p1", "p2"]).subsidy.yuan_per_year == 2000
    assert load_policy(["p2", "p1"]).subsidy.yuan_per_year == 1000
    assert load_policy(["p1", "p2"]).subsidy.advance_share == 0.2
    assert load_policy("none").name == "none"  # no none.toml there: built-in defaults


# -------------------------------------------------------------- bad input


def assert_names(err: ConfigError, file: str, field: str, value: str, allowed: str) -> None:
    text = str(err)
    for part in (file, field, value, allowed):
        assert part in text, (part, text)
    assert file in err.file
    assert err.field == field
    assert value in err.value
    assert allowed in err.allowed


def test_unknown_field(tmp_path: Path) -> None:
    path = child(tmp_path, "[behaviour.skills]\nlearnin_rate = 0.1\n")
    err = error_of(load_scenario, path)
    assert_names(err, "child.toml", "behaviour.skills.learnin_rate", "0.1", "learning_rate")
    assert "training_rate" in err.allowed and "did you mean learning_rate" in str(err)


@pytest.mark.parametrize("assessed", [True, False])
@pytest.mark.parametrize(("pay", "floor"), [(True, 0.0), (True, 0.8), (False, 0.8)])
def test_the_quality_standards_set_what_they_change(assessed: bool, pay: bool, floor: float):
    """``params.build``, which the engine and the reference model share (so no twin
    test sees a change in it): the assessment standard makes the certificates a full
    signal (half without it) and is the only one whose public cost is paid; the pay
    standard lifts the apprentices' floor to the minimum wage."""
    from simulation import params
    from simulation.config import PolicyConfig
    from simulation.state import Cert

    data = load_policy("quality_apprenticeship").model_dump()
    data["quality"].update(assessment_certification=assessed, pay_and_social_protection=pay)
    data["terms"]["wage_floor_share_of_min_wage"] = floor
    p = params.build(resolve_run("baseline", PolicyConfig.model_validate(data), 1000, 12))
    signal = load_scenario("baseline").behaviour.labour_market.certification_signal
    r = 1.0 if assessed else 0.5
    assert list(p.cert_bonus) == pytest.approx([0.0, 0.5 * signal, r * signal, 1.5 * r * signal])
    assert Cert.NONE == 0 and Cert.TVET == 1 and Cert.ADVANCED == 3
    assert p.appr.public_cost_per_completion == (800.0 if assessed else 0.0)
    assert p.wages.appr_wage_floor_share == (1.0 if pay else floor)


def test_a_folder_named_like_a_scenario_file_is_no_scenario(tmp_path, monkeypatch):
    """A folder x.toml in a scenario folder was listed as scenario x, and the error
    for it said "no x.toml ...; did you mean x?"."""
    from simulation import loading

    (tmp_path / "dirlike.toml").mkdir()
    write(tmp_path / "mine.toml", f'extends = "{BASELINE.as_posix()}"\n')
    assert loading.names_in([tmp_path]) == ["mine"]


def test_a_negative_employment_share_is_refused_though_the_columns_sum_to_one(tmp_path):
    """A share of -0.5 beside one of 0.58 summed to 1 and ran (an outside review)."""
    text = BASELINE.read_text()
    for old, new in (
        ("employment_share = [0.06, 0.08, 0.03, 0.02]", "employment_share = [-0.5, 0.08, 0.03, 0.02]"),
        ("employment_share = [0.02, 0.04, 0.03, 0.02]", "employment_share = [0.58, 0.04, 0.03, 0.02]"),
    ):  # fmt: skip
        assert text.count(old) == 1
        text = text.replace(old, new)
    path = write(tmp_path / "neg.toml", text)
    err = error_of(load_scenario, path)
    assert err.field == "world.sectors[0].employment_share[0]" and "-0.5" in err.value
    assert "must lie in 0..1" in str(err)


@pytest.mark.parametrize(("oldest", "retire", "refused"), [(41, 45, True), (40.5, 45, False)])
def test_a_contract_must_end_before_the_retirement_age(
    tmp_path: Path, oldest: float, retire: float, refused: bool
) -> None:
    # An apprentice who retired would leave in no apprenticeship flow: the oldest start
    # plus the longest contract a policy may set (48 months) must come before retirement.
    body = (
        f"[behaviour.population]\nretirement_age_years = {retire}\n"
        f"[behaviour.apprenticeship]\nmax_age_years = {oldest}\n"
    )
    path = child(tmp_path, body)
    if not refused:
        assert load_scenario(path).behaviour.apprenticeship.max_age_years == oldest
        return
    err = error_of(load_scenario, path)
    assert_names(err, "child.toml", "behaviour.apprenticeship.max_age_years", "41", "less than 41")
    assert "must be less than 41" in str(err) and "retirement_age_years (45)" in str(err)


def test_unknown_top_level_field_lists_extends(tmp_path: Path) -> None:
    err = error_of(load_scenario, child(tmp_path, "behavior = 1\n"))
    assert_names(err, "child.toml", "behavior", "1", "behaviour")
    assert "extends" in err.allowed


@pytest.mark.parametrize(
    ("body", "field", "value", "allowed"),
    [
        (
            "[behaviour.skills]\nlearning_rate = -0.1\n",
            "behaviour.skills.learning_rate",
            "-0.1",
            "a number >= 0 and <= 1",
        ),
        (  # (money has bounds too: 1e308 ran, its spending an overflow to inf)
            "[behaviour.providers]\nseat_cost_yuan_per_month = 1e308\n",
            "behaviour.providers.seat_cost_yuan_per_month",
            "1e+308",
            "a number >= 0 and <= 100000",
        ),
        (
            '[behaviour.skills]\nlearning_rate = "fast"\n',
            "behaviour.skills.learning_rate",
            '"fast"',
            "a number >= 0 and <= 1",
        ),
        (
            "[behaviour.population]\ntertiary_months = 12.5\n",
            "behaviour.population.tertiary_months",
            "12.5",
            "a whole number >= 12 and <= 72",
        ),
        (
            "[[drivers.shocks]]\nkind = 'blue'\nstart_month = 0\nduration_months = 1\n"
            "log_change = 0.1\n",
            "drivers.shocks[0].kind",
            '"blue"',
            "one of: brown, neutral, green, rural",
        ),
        (
            "[[drivers.shocks]]\nkind = 'green'\nstart_month = 0\nlog_change = 0.1\n",
            "drivers.shocks[0].duration_months",
            "",
            "a whole number >= 1 and <= 1200",
        ),
        (
            "[world]\ntravel_cost = [[0, 1], [1, 0]]\n",
            "world.travel_cost",
            "[[0, 1], [1, 0]]",
            "4 x 4",
        ),
        (  # a search window as long as a programme: hired the month it enrols
            "[behaviour.providers]\ntvet_months = 6\n",
            "behaviour.labour_market.final_year_months",
            "6",
            "less than the shortest programme: providers.tvet_months (6)",
        ),
    ],
    ids=["range", "money", "type", "int", "literal", "missing", "cross-field", "cross-section"],
)
def test_bad_value(tmp_path: Path, body: str, field: str, value: str, allowed: str) -> None:
    err = error_of(load_scenario, child(tmp_path, body))
    assert_names(err, "child.toml", field, value, allowed)


def test_bad_bool_in_list_item(tmp_path: Path) -> None:
    text = BASELINE.read_text().replace("urban = false", "urban = 0", 1)
    path = write(tmp_path / "copy.toml", text)
    err = error_of(load_scenario, path)
    assert_names(err, "copy.toml", "world.regions[2].urban", "0", "true or false")


@pytest.mark.parametrize("number", ["inf", "-inf", "nan"])
def test_numbers_must_be_finite_even_without_an_upper_bound(tmp_path: Path, number: str) -> None:
    """An unbounded cost or wage of inf would run and write infinite spending (and a
    manifest that is not valid JSON): every number of a config must be finite."""
    text = BASELINE.read_text().replace(
        "wage_level_yuan_per_month = 7500", f"wage_level_yuan_per_month = {number}", 1
    )
    err = error_of(load_scenario, write(tmp_path / "copy.toml", text))
    assert_names(
        err,
        "copy.toml",
        "world.regions[0].wage_level_yuan_per_month",
        number,
        "a finite number > 0",
    )
    policy = write(
        tmp_path / "p.toml", f"[anticipation]\ncost_yuan_per_1000_workers_month = {number}\n"
    )
    err = error_of(load_policy, policy)
    assert_names(
        err,
        "p.toml",
        "anticipation.cost_yuan_per_1000_workers_month",
        number,
        "a finite number >= 0",
    )


@pytest.mark.parametrize(
    "section, old",
    [
        ("anticipation", "cost_yuan_per_month"),
        ("core_skills", "cost_yuan_per_provider_month"),
        ("green_curricula", "cost_yuan_per_provider_month"),
    ],
)
def test_a_cost_field_of_an_earlier_version_says_what_replaced_it(
    tmp_path: Path, section: str, old: str
) -> None:
    """The programme costs became costs per 1,000 workers: a policy file written before
    is refused with the new field's name and how to convert the old value."""
    policy = write(tmp_path / "old.toml", f"[{section}]\n{old} = 20000.0\n")
    err = error_of(load_policy, policy)
    assert_names(err, "old.toml", f"{section}.{old}", "20000.0", "cost_yuan_per_1000_workers_month")
    assert "replaced by cost_yuan_per_1000_workers_month" in str(err)
    assert "every 1,000 workers" in str(err)


@pytest.mark.parametrize(
    "table, old, value, new",
    [
        # one level in every technical domain, until 2026-12-05
        ("population", "entrant_technical_skill", "0.35", "entrant_field_readiness"),
        # tertiary study as a fourth path of one logit, until 2026-12-05
        ("choices", "tertiary_appeal", "0.6", "tertiary_entry_share"),
    ],
)
def test_a_field_of_an_earlier_version_says_what_replaced_it(
    tmp_path: Path, table: str, old: str, value: str, new: str
) -> None:
    """A scenario written for an earlier version sets a field that was replaced: refused
    with the field that replaced it and what it means."""
    text = f'extends = "baseline"\nname = "old"\n[behaviour.{table}]\n{old} = {value}\n'
    scenario = write(tmp_path / "old.toml", text)
    err = error_of(load_scenario, scenario)
    assert_names(err, "old.toml", f"behaviour.{table}.{old}", value, new)
    assert f"replaced on 2026-12-05 by {new}" in str(err)


def test_several_errors_one_line_each(tmp_path: Path) -> None:
    path = child(
        tmp_path,
        "[behaviour.skills]\nlearning_rate = 2\ntraining_rate = -1\nbogus = 1\n",
    )
    err = error_of(load_scenario, path)
    lines = str(err).splitlines()
    assert len(lines) == len(err.problems) == 3
    for field in ("learning_rate", "training_rate", "bogus"):
        assert sum(f"behaviour.skills.{field}" in line for line in lines) == 1
    assert all(line.startswith(str(err.file)) for line in lines)


def test_error_in_parent_names_the_parent(tmp_path: Path) -> None:
    child(tmp_path, "[behaviour.skills]\nlearning_rate = 7\n", "parent")
    write(tmp_path / "kid.toml", 'extends = "parent"\n[behaviour.skills]\ntraining_rate = 0.1\n')
    err = error_of(load_scenario, tmp_path / "kid.toml")
    assert_names(err, "parent.toml", "behaviour.skills.learning_rate", "7", "<= 1")


def test_missing_file(tmp_path: Path) -> None:
    err = error_of(load_scenario, tmp_path / "nothing.toml")
    assert "nothing.toml" in err.file and "not found" in str(err)


def test_malformed_toml(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.toml", 'name = "x"\n[world\nregions = 1\n')
    err = error_of(load_scenario, path)
    assert "broken.toml" in err.file
    assert (err.line, err.column) == (2, 7)
    assert "line 2, column 7" in str(err) and "malformed TOML" in str(err)


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows Notepad saves UTF-8 with a byte-order mark, which TOML refuses ("Invalid
    statement" at line 1, column 1: an outside fuzz); it is read past, in scenarios,
    policies and experiments alike (one reader)."""
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + 'extends = "baseline"\nname = "带BOM"\n'.encode())
    assert load_scenario(path).name == "带BOM"
    (tmp_path / "p.toml").write_bytes(b"\xef\xbb\xbf" + b'extends = "core_skills"\n')
    assert load_policy(tmp_path / "p.toml").core_skills == load_policy("core_skills").core_skills
    (tmp_path / "latin1.toml").write_bytes(b'name = "caf\xe9"\n')  # not UTF-8: still refused
    assert "not UTF-8 text" in str(error_of(load_scenario, tmp_path / "latin1.toml"))


def test_extends_cycle(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", 'extends = "b"\n')
    write(tmp_path / "b.toml", 'extends = "a"\n')
    err = error_of(load_scenario, tmp_path / "a.toml")
    assert "a -> b -> a" in str(err)
    assert err.field == "extends" and "b.toml" in err.file
    write(tmp_path / "self.toml", 'extends = ["baseline", "self.toml"]\n')
    assert "self -> self" in str(error_of(load_scenario, tmp_path / "self.toml"))
    # by name, a file's own name means another file of that name (one it takes the
    # place of): with none, the name is unknown
    write(tmp_path / "self.toml", 'extends = ["baseline", "self"]\n')
    err = error_of(load_scenario, tmp_path / "self.toml")
    assert err.field == "extends" and "no scenario of that name" in str(err)


def test_extends_unknown_name_lists_available(tmp_path: Path) -> None:
    path = write(tmp_path / "kid.toml", 'extends = ["baseline", "basline"]\n')
    err = error_of(load_scenario, path)
    assert_names(err, "kid.toml", "extends", '"basline"', "baseline")
    assert "green_transition_orderly" in err.allowed
    assert "(did you mean baseline?)" in str(err)
    assert "kid" not in err.allowed  # a file cannot extend itself
    # Files beside it are named apart from the shipped scenarios (they may be any kind).
    write(tmp_path / "sweep_plan.toml", 'name = "a plan"\n')
    err = error_of(load_scenario, path)
    assert err.allowed.startswith("one of the scenarios baseline, ")
    assert "; a file beside this one: sweep_plan; or a relative path" in err.allowed


def test_extends_missing_path_and_bad_type(tmp_path: Path) -> None:
    err = error_of(load_scenario, write(tmp_path / "k.toml", 'extends = "no/where.toml"\n'))
    assert_names(err, "k.toml", "extends", '"no/where.toml"', "an existing .toml file")
    err = error_of(load_scenario, write(tmp_path / "k.toml", "extends = 3\n"))
    assert_names(err, "k.toml", "extends", "3", "a list of names")


def test_a_combination_is_named_with_plus_in_a_list_too() -> None:
    """``-p a+b`` on the command line (a list of one) combines as ``-p a -p b`` does, and
    an unknown member is named alone."""
    both = load_policy("apprenticeship_subsidy+core_skills")
    assert load_policy(["apprenticeship_subsidy+core_skills"]) == both
    assert load_policy(["apprenticeship_subsidy", "core_skills"]) == both
    err = error_of(load_policy, ["apprenticeship_subsidy+bogus"])
    assert_names(err, "bogus.toml", "policy", '"bogus"', "apprenticeship_subsidy")
    # files joined by "+" too (looked for as one file, "a.toml+b.toml": an outside
    # review), and with names; a file whose own name has a "+" is that file
    folder = REPO_SCENARIOS / "policies"
    a, b = folder / "apprenticeship_subsidy.toml", folder / "core_skills.toml"
    assert load_policy(f"{a}+{b}") == both
    assert load_policy(f"{a}+core_skills") == both


def test_a_policy_file_with_a_plus_in_its_name_is_that_file(tmp_path: Path) -> None:
    plus = write(tmp_path / "a+b.toml", "[subsidy]\nyuan_per_year = 700.0\n")
    assert load_policy(str(plus)).subsidy.yuan_per_year == 700.0
    (tmp_path / "my+dir").mkdir()
    inside = write(tmp_path / "my+dir" / "p.toml", "[subsidy]\nyuan_per_year = 900.0\n")
    assert load_policy(str(inside)).subsidy.yuan_per_year == 900.0
    # a missing file in such a folder is said to be missing, not "unknown policy my"
    e = error_of(load_policy, str(tmp_path / "my+dir" / "typo.toml"))
    assert "typo.toml" in str(e) and "unknown policy" not in str(e)


def test_unknown_scenario_and_policy_list_available() -> None:
    err = error_of(load_scenario, "nowhere")
    assert_names(
        err, "nowhere.toml", "scenario", '"nowhere"', "baseline, baseline_alternative_fit, combined"
    )
    err = error_of(load_policy, ["core_skills", "subsidy"])
    assert_names(err, "subsidy.toml", "policy", '"subsidy"', "apprenticeship_subsidy")
    assert "package" in err.allowed
    assert "did you mean baseline?" in str(error_of(load_scenario, "baselin"))
    assert "did you mean core_skills?" in str(error_of(load_policy, "core_skill"))


def test_a_file_that_is_not_toml_is_not_looked_up_as_a_name(tmp_path: Path) -> None:
    """A run's manifest.json given as the scenario: not 'no manifest.json.toml in
    scenarios', but what the file is not and what is allowed."""
    manifest = tmp_path / "manifest.json"
    manifest.write_text("{}")
    text = str(error_of(load_scenario, str(manifest)))
    assert "manifest.json: not a scenario file (allowed: a scenario .toml file" in text
    assert ".json.toml" not in text


@pytest.mark.parametrize(
    ("load", "path", "told"),
    [
        (load_scenario, REPO_SCENARIOS / "policies" / "package.toml", "give it with --policy"),
        (load_scenario, REPO_SCENARIOS / "policies" / "core_skills.toml", "give it with --policy"),
        (load_policy, REPO_SCENARIOS / "combined.toml", "give it as the scenario"),
        (load_policy, BASELINE, "give it as the scenario"),
    ],
)
def test_a_policy_file_as_the_scenario_or_the_other_way_round_is_named_so(load, path, told):
    """One message that says what the file is and where it goes, not one line for each
    table of it (or of the files it extends) that the other kind does not know."""
    err = error_of(load, str(path))
    text = str(err)
    assert path.name in text and told in text and len(text.splitlines()) == 1


def test_a_scenario_that_extends_a_policy_is_told_so(tmp_path):
    """A scenario file holding only ``extends = "<a policy>"`` was told "this is a
    policy file (its tables: ...)", tables it does not have: what it extends is."""
    path = write(
        tmp_path / "mine.toml",
        f'extends = "{(REPO_SCENARIOS / "policies" / "package.toml").as_posix()}"\n',
    )
    err = error_of(load_scenario, path)
    assert err.field == "extends" and "it extends a policy, so it is a policy file" in str(err)
    assert "or have it extend a scenario" in str(err)


@pytest.mark.parametrize(
    ("kwargs", "field", "value"),
    [
        ({"workers": 5}, "workers", "5"),
        ({"months": 0}, "months", "0"),
        ({"seed": -1}, "seed", "-1"),
    ],
)
def test_bad_run_size(kwargs: dict[str, int], field: str, value: str) -> None:
    err = error_of(lambda: resolve_run("baseline", **kwargs))
    assert err.field == field and err.value == value
    assert f"{field} = {value}: must be a whole number >=" in str(err)


def test_config_error_pickles(tmp_path: Path) -> None:
    err = error_of(load_scenario, child(tmp_path, "[behaviour.skills]\nlearning_rate = 2\n"))
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err) and copy.field == err.field


# ------------------------------------------------------------------- hash


def test_config_hash(tmp_path: Path) -> None:
    run = resolve_run("baseline", "package")
    h = config_hash(run)
    assert len(h) == 16 and int(h, 16) >= 0
    assert config_hash(resolve_run("baseline", ["package"])) == h  # stable on reload
    assert config_hash(resolve_run("baseline", "package", seed=99)) == h  # not the seed
    assert config_hash(resolve_run("baseline", "package", workers=999)) != h
    assert config_hash(resolve_run("baseline", "package", months=60)) != h
    assert config_hash(resolve_run("baseline", "none")) != h
    header = f'description = "{run.scenario.description}"\n'
    (tmp_path / "same").mkdir()
    same = child(tmp_path / "same", header, "baseline")
    assert config_hash(resolve_run(same, "package")) == h  # same content, other file
    (tmp_path / "tweak").mkdir()
    tweak = child(
        tmp_path / "tweak", header + "[behaviour.skills]\nlearning_rate = 0.031\n", "baseline"
    )
    assert config_hash(resolve_run(tweak, "package")) != h


# ------------------------------------------------------------- property

BOUNDED = [  # (dotted field, lower bound, upper bound, whole number?)
    ("behaviour.skills.learning_rate", 0.0, 1.0, False),
    ("behaviour.population.initial_unemployment_rate", 0.0, 0.5, False),
    ("drivers.carbon_price_yuan_per_t", 0.0, 5000.0, False),
    ("world.avg_firm_size", 2.0, 500.0, False),
    ("behaviour.labour_market.applications_per_searcher", 1, 20, True),
]


@st.composite
def out_of_range(draw: st.DrawFn) -> tuple[str, object]:
    field, lo, hi, whole = draw(st.sampled_from(BOUNDED))
    if whole:
        value = draw(st.integers(-(10**9), lo - 1) | st.integers(hi + 1, 10**9))
    else:
        finite = {"allow_nan": False, "allow_infinity": False}
        value = draw(
            st.floats(max_value=lo - 1e-9, **finite) | st.floats(min_value=hi + 1e-9, **finite)
        )
    return field, value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=out_of_range())
def test_out_of_range_error_names_the_field(case: tuple[str, object]) -> None:
    field, value = case
    *tables, key = field.split(".")
    with tempfile.TemporaryDirectory() as tmp:
        path = child(Path(tmp), f"[{'.'.join(tables)}]\n{key} = {value!r}\n")
        err = error_of(load_scenario, path)
    assert err.field == field
    assert f"{field} = {value!r}: must be a" in str(err)
    assert "child.toml" in err.file


def test_messages_for_a_city_of_ones_own(tmp_path: Path) -> None:
    """What a researcher writing their own city met (2026-12-03): an empty file, a
    policy's table in a scenario, a duplicate key and a name given twice each say what
    is wrong, not only where."""
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    with pytest.raises(ConfigError, match=r"empty\.toml: the file is empty; a scenario"):
        load_scenario(empty)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(
        'extends = "baseline"\n[world]\ninitial_vacancy_rate = 0.05\n[subsidy]\nyuan_per_year = 1\n'
    )
    with pytest.raises(ConfigError, match=r"unknown field \(a policy's table: .*--policy\)"):
        load_scenario(wrong)
    twice = tmp_path / "twice.toml"
    twice.write_text('extends = "baseline"\nname = "a"\nname = "b"\n')
    with pytest.raises(ConfigError, match=r"line 3, .*\(the line: name = \"b\"\)"):
        load_scenario(twice)
    base = load_scenario("baseline").model_dump()
    base["world"]["regions"][1]["name"] = base["world"]["regions"][0]["name"]
    with pytest.raises(
        ValueError, match="given more than once: " + base["world"]["regions"][0]["name"]
    ):
        type(load_scenario("baseline")).model_validate(base)


def test_counts_read_as_english() -> None:
    from simulation.i18n import counted

    assert [counted(1, "scenario"), counted(2, "policy"), counted(1, "policy")] == [
        "1 scenario",
        "2 policies",
        "1 policy",
    ]
    assert counted(12000, "run") == "12,000 runs"


def test_what_a_run_will_do_unsaid_is_warned_of(tmp_path: Path) -> None:
    """A shock that starts after the run's last month changes nothing, a city with no
    urban region has no urban rates, a policy file that moves no lever is the status
    quo: the run warns (each ran without a word)."""
    from simulation.loading import run_warnings

    disorderly = load_scenario("green_transition_disorderly")  # its shocks from month 60
    shipped = [load_policy(p) for p in ("none", "package")]
    assert run_warnings([disorderly], 120, shipped) == []
    late = run_warnings([disorderly], 48)
    assert len(late) == 3 and all("48 months" in w and "changes nothing" in w for w in late)
    # a shock moves demand from the month after its start; the carbon price jumps in its
    # month (both at 60 here): a 60-month run warns of the shocks, a 59-month one of all
    at_60 = run_warnings([disorderly], 60)
    assert len(at_60) == 2 and all("drivers.shocks" in w for w in at_60)
    assert len(run_warnings([disorderly], 59)) == 3
    assert (
        "carbon_price_jump_month is 60, after the run's 59 months"
        in run_warnings([disorderly], 59)[-1]
    )
    data = load_scenario("baseline").model_dump()
    for region in data["world"]["regions"]:
        region["urban"] = False
    rural = type(disorderly).model_validate(data)
    assert any("no region has urban = true" in w for w in run_warnings([rural], 120))
    # a minimum wage above the wage level: every wage the minimum (an outside fuzz ran
    # one at 5,000 against a level of 1,000 without a word)
    data = load_scenario("baseline").model_dump()
    data["world"]["regions"][2]["min_wage_yuan_per_month"] = 5000.0
    floor = run_warnings([type(disorderly).model_validate(data)], 120)
    assert floor == [
        "scenario baseline: world.regions[2] (rural_county_a) has a minimum wage (5,000 yuan "
        "a month) at or above its wage level (4,000): nearly every wage there is the minimum"
    ]
    data["world"]["regions"][2]["min_wage_yuan_per_month"] = 4000.0  # at: said too
    assert "at or above" in run_warnings([type(disorderly).model_validate(data)], 120)[0]
    data["world"]["regions"][2]["min_wage_yuan_per_month"] = 3999.0  # below: not
    assert run_warnings([type(disorderly).model_validate(data)], 120) == []
    (tmp_path / "empty.toml").write_text("")
    said = run_warnings([disorderly], 120, [load_policy(tmp_path / "empty.toml")])
    assert said == [
        "policy empty: it moves no lever from the status quo (an empty file, "
        "or every value the default): its runs are the status quo's"
    ]
    # a field that another keeps from acting (an outside review: each of these ran as
    # the status quo, bit for bit, unsaid); no shipped policy has one
    every = [load_policy(f) for f in sorted((REPO_SCENARIOS / "policies").glob("*.toml"))]
    assert len(every) > 5 and run_warnings([], 120, every) == []
    idle = {
        "vouchers.yuan_per_month = 800.0": "no group is eligible",
        "vouchers.enrolment_boost = 3.0\nvouchers.target_youth = true": "boost reaches no one",
        "quality.public_cost_yuan_per_completion = 800.0": "assessment standard only",
        "rural_access.cost_yuan_per_seat_month = 900.0": "extra_seat_share is 0",
        # (capped at the technical share without a word: an outside review)
        "green_curricula.green_share = 0.8\ncore_skills.curriculum_share = 0.5": (
            "the green floor is 0.5, and a green share above it changes nothing"
        ),
    }
    for body, why in idle.items():
        (tmp_path / "idle.toml").write_text(body + "\n")
        said = run_warnings([], 120, [load_policy(tmp_path / "idle.toml")])
        assert len(said) == 1 and said[0].startswith("policy idle: ") and why in said[0], said
    for group in ("youth", "rural", "displaced"):  # any one group eligible: no warning
        (tmp_path / "idle.toml").write_text(
            f"vouchers.yuan_per_month = 800.0\nvouchers.target_{group} = true\n"
        )
        assert run_warnings([], 120, [load_policy(tmp_path / "idle.toml")]) == [], group
    (tmp_path / "idle.toml").write_text(  # (at the technical share: the floor is all of it)
        "green_curricula.green_share = 0.5\ncore_skills.curriculum_share = 0.5\n"
    )
    assert run_warnings([], 120, [load_policy(tmp_path / "idle.toml")]) == []
    for core in range(20, 81):  # (0.2 beside 0.8: 1 - 0.8 is 0.19999999999999996)
        text = f"green_curricula.green_share = {(100 - core) / 100}\n"
        (tmp_path / "idle.toml").write_text(f"{text}core_skills.curriculum_share = {core / 100}\n")
        assert run_warnings([], 120, [load_policy(tmp_path / "idle.toml")]) == [], core
    # a run past the 10 years the model was fitted over (from 20 years until a review of
    # long runs: youth unemployment had fallen from 16% to 10% by year 15), and trends
    # that move a sector more than 20-fold (an outside review: the model drifts, and
    # vacancies by the million slowed months to seconds)
    baseline = load_scenario("baseline")
    assert run_warnings([baseline], 120) == []
    (far,) = run_warnings([baseline], 121)
    assert far.startswith("scenario baseline: a run of 121 months, past the 10 years the model")
    data = baseline.model_dump()
    data["world"]["sectors"][1]["trend_per_year"] = 0.5
    trend = type(baseline).model_validate(data)
    assert run_warnings([trend], 72) == []  # (e**3 at 72 months: not more)
    (steep,) = run_warnings([trend], 73)
    assert "move 1 sector(s) more than 20-fold" in steep
    assert f"{data['world']['sectors'][1]['name']}: 20.9 times" in steep
    assert "vacancies pile up" in steep
    # a fall says so (a review of the first form spoke of vacancies piling up), and
    # shocks count with the trend (stacked shocks of 5 in logs ran unwarned)
    data["world"]["sectors"][1]["trend_per_year"] = -0.5
    (fall,) = run_warnings([type(baseline).model_validate(data)], 73)
    assert "0.0478 times its month-0 demand): its firms shrink toward nothing" in fall
    data["world"]["sectors"][1]["trend_per_year"] = 0.0
    kind = data["world"]["sectors"][1]["kind"]
    data["drivers"]["shocks"] = [
        {"kind": kind, "start_month": 0, "duration_months": 1, "log_change": 2.0}
    ] * 2
    shocked = type(baseline).model_validate(data)
    (boom,) = run_warnings([shocked], 12)
    hit = sum(s["kind"] == kind for s in data["world"]["sectors"])
    assert f"move {hit} sector(s) more than 20-fold" in boom and "54.6 times" in boom
    # cohorts that outgrow retirements but stay within the spare rows turn no one away
    data = baseline.model_dump()
    data["behaviour"]["population"].update(cohort_share_per_year=0.03, capacity_headroom=0.5)
    (grows,) = run_warnings([type(baseline).model_validate(data)], 120)
    assert grows.endswith(
        "is 126% of the workers it starts with, so it grows toward that, with its job demand unchanged"
    )


def test_values_in_messages_are_shown_as_toml_writes_them(tmp_path: Path) -> None:
    """A message shows a value as the file would hold it (``true``, ``"fast"``, ``{a =
    1}``), not in Python's form (``True``, ``'fast'``, ``{'a': 1}``), which a user
    writing TOML would not recognise."""
    import numpy as np

    from simulation.config_errors import show_value

    assert show_value(True) == "true" and show_value(False) == "false"
    assert show_value("a 'b'") == "\"a 'b'\"" and show_value('say "hi"') == '"say \\"hi\\""'
    assert show_value({"a": 1, "b c": [1, 2.5]}) == '{a = 1, "b c" = [1, 2.5]}'
    assert show_value((1, "y")) == '[1, "y"]'
    assert show_value(float("inf")) == "inf" and show_value(float("nan")) == "nan"
    assert show_value(np.float64(0.5)) == "0.5" and show_value(np.int32(3)) == "3"
    assert show_value("x" * 200).endswith("...") and len(show_value("x" * 200)) == 80
    body = "[behaviour.skills]\nlearning_rate = true\ntraining_rate = {a = 1}\n"
    text = str(error_of(load_scenario, child(tmp_path, body)))
    assert "learning_rate = true:" in text and "training_rate = {a = 1}:" in text, text


def test_a_folder_named_like_a_toml_file_is_said_to_be_a_folder(tmp_path, capsys):
    """A folder called x.toml was "file not found" (an outside review): it is there."""
    from simulation import cli

    folder = tmp_path / "mine.toml"
    folder.mkdir()
    assert cli.main(["run", str(folder), "--workers", "400", "--months", "2"]) == 2
    assert f"{folder}: a folder, not a file (allowed: a scenario .toml file)" in (
        capsys.readouterr().err
    )
    assert cli.main(["run", "baseline", "-p", str(folder), "--months", "2"]) == 2
    assert "a folder, not a file (allowed: a policy .toml file)" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [folder]


def test_at_most_128_regions_and_sectors(tmp_path: Path) -> None:
    """Agents hold their region and sector in one byte: 129 sectors (or regions) passed
    validation and the run crashed (a segmentation fault, no message; an outside
    review). Refused, saying how many were given; 128 load."""
    region = (
        '[[world.regions]]\nname = "r0"\nurban = true\npopulation_share = 1.0\n'
        "wage_level_yuan_per_month = 6000\nmin_wage_yuan_per_month = 2000\n"
    )

    def sectors(n: int) -> str:
        return "".join(
            f'[[world.sectors]]\nname = "s{i}"\nkind = "neutral"\n'
            f"profile = [0.5, 0.3, 0.3, 0.3, 0.2, 0.2, 0.2, 0.5]\nemployment_share = [{1 / n!r}]\n"
            for i in range(n)
        )

    for n in (128, 129):
        world = f"[world]\ntravel_cost = [[0.0]]\n{region}{sectors(n)}"
        (tmp_path / f"s{n}.toml").write_text(f'name = "s{n}"\n{world}')
    assert len(load_scenario(tmp_path / "s128.toml").world.sectors) == 128
    with pytest.raises(ConfigError) as caught:
        load_scenario(tmp_path / "s129.toml")
    assert "world.sectors = " in str(caught.value)
    assert str(caught.value).endswith("must be a list of 1 to 128 tables (129 given)")


def test_regions_without_seats_are_warned_of_as_the_model_rounds_them() -> None:
    """A small city rounds some regions' seats to 0 (an outside review: at 500 workers
    no course seat anywhere, and vouchers paid nothing); the warning names the regions
    whose providers the model leaves with no seat of a pool, and no others."""
    from simulation.loading import seatless
    from simulation.model import SkillsModel

    baseline = load_scenario("baseline")
    names = [r.name for r in baseline.world.regions]
    for workers in (100, 500, 1000, 1724, 1725, 3000):
        said = " ".join(seatless(baseline, workers))
        model = SkillsModel("baseline", "none", workers=workers, months=1, seed=0)
        pr = model.providers
        for pool, seats in (("TVET", pr.base_seats), ("course", pr.base_course_seats)):
            for r, name in enumerate(names):
                none = seats[pr.region == r].sum() == 0
                listed = any(
                    f" {pool} seat" in line and f" {name}" in line.split(" have no ")[0]
                    for line in seatless(baseline, workers)
                )
                assert none == listed, (workers, pool, name, said)
    assert seatless(baseline, 1725) == [] and seatless(baseline, 1724) != []
