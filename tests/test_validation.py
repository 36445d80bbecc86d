"""`skillsim validate`: each fact's statistic on constructed data with a known answer, the
verdict rules at their edges, the demand cycle and the plan, the spell tracker, and the
command end to end (folder, same seed same report, bad input)."""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation import cli
from simulation.state import Programme, Status
from simulation.validation import facts, measures, observe, runs, sources
from simulation.validation.verdicts import (
    NOT_MEASURED,
    NOT_REPRODUCED,
    PARTLY,
    REPRODUCED,
    VERDICTS,
    Below,
    InRange,
)

ROOT = Path(__file__).resolve().parent.parent
MONTHS = np.arange(0, 121)  # month 0 and the 120 policy months


def _seasonal_trend(months: np.ndarray) -> np.ndarray:
    """A log-level with a yearly pattern and a linear trend: what ``cyclical`` removes."""
    return -3.0 + 0.002 * months + 0.1 * np.sin(2 * np.pi * (months % 12) / 12)


def _cycle(months: np.ndarray, period: int = 48) -> np.ndarray:
    return 0.2 * np.sin(2 * np.pi * months / period)


# ------------------------------------------------------------------ statistics


def test_cyclical_removes_season_and_trend_and_keeps_the_cycle():
    flat = measures.cyclical(np.exp(_seasonal_trend(MONTHS)), MONTHS)
    assert flat.size == 40
    assert np.abs(flat).max() < 1e-12
    x = np.exp(_seasonal_trend(MONTHS) + _cycle(MONTHS))
    c = measures.cyclical(x, MONTHS)
    truth = _cycle(MONTHS[1:]).reshape(40, 3).mean(axis=1)
    assert measures.correlation(c, truth) > 0.99


def test_cyclical_needs_three_quarters():
    assert measures.cyclical(np.ones(8), np.arange(8)).size == 0


def test_a_series_that_could_not_be_measured_gives_no_correlation():
    """A small city's month without a vacancy: log v is -inf, ``cyclical`` returns no
    quarters, and the correlation and slope with u are NaN (they raised, and
    `skillsim validate --workers 500` stopped with a traceback)."""
    u = np.linspace(0.04, 0.06, 8)
    assert math.isnan(measures.correlation(u, np.full(0, np.nan)))
    assert math.isnan(measures.ols_slope(u, np.full(0, np.nan)))
    assert math.isnan(measures.ols_slope(u, u[:5]))


def test_beveridge_correlation_and_slope_of_a_known_curve():
    # v = A u^-0.8 exactly (with noise-free seasonality in u): slope -0.8, corr -1.
    log_u = _seasonal_trend(MONTHS) + _cycle(MONTHS)
    log_v = np.log(0.03) - 0.8 * (log_u - log_u.mean())
    u, v = measures.cyclical(np.exp(log_u), MONTHS), measures.cyclical(np.exp(log_v), MONTHS)
    assert measures.correlation(u, v) == pytest.approx(-1.0)
    assert measures.ols_slope(u, v) == pytest.approx(-0.8)
    # An unrelated series: no Beveridge relation.
    rng = np.random.default_rng(1)
    noise = measures.cyclical(np.exp(rng.normal(-3, 0.2, MONTHS.size)), MONTHS)
    assert abs(measures.correlation(u, noise)) < 0.5


def test_lead_correlations_find_the_lead():
    rng = np.random.default_rng(2)
    v = rng.normal(size=60)
    u = np.r_[np.zeros(2), -v[:-2]]  # u follows v with two periods' lag
    leads = measures.lead_correlations(u, v, 4)
    assert int(np.argmin(leads)) == 2 and leads[2] == pytest.approx(-1.0)


def test_matching_elasticity_of_a_cobb_douglas_job_finding_rate():
    log_theta = np.log(0.7) + _cycle(MONTHS)
    f = 0.25 * np.exp(0.4 * log_theta)
    theta_c = measures.cyclical(np.exp(log_theta), MONTHS)
    assert measures.ols_slope(theta_c, measures.cyclical(f, MONTHS)) == pytest.approx(0.4)


def test_flow_shares_attribute_steady_state_unemployment_to_its_flow():
    cyc = _cycle(MONTHS)
    f = 0.25 * np.exp(cyc)
    s = np.full(MONTHS.size, 0.012)
    out_share, in_share = measures.flow_shares(s / (s + f), f, s, MONTHS)
    assert out_share == pytest.approx(1.0) and in_share == pytest.approx(0.0, abs=1e-9)
    f = np.full(MONTHS.size, 0.25)
    s = 0.012 * np.exp(cyc)
    out_share, in_share = measures.flow_shares(s / (s + f), f, s, MONTHS)
    assert out_share == pytest.approx(0.0, abs=1e-9) and in_share == pytest.approx(1.0)


def test_wage_curve_recovers_the_elasticity_with_region_and_period_effects():
    rng = np.random.default_rng(3)
    regions, periods = 4, 40
    log_u = np.log(0.05) + rng.normal(0, 0.2, (regions, periods))
    region_effect = np.array([8.9, 8.5, 8.3, 8.2])[:, None]
    period_effect = 0.01 * np.arange(periods)[None, :]
    log_w = region_effect + period_effect - 0.1 * log_u
    assert measures.wage_curve(log_w, log_u) == pytest.approx(-0.1)
    # Wages that ignore unemployment: no wage curve.
    assert measures.wage_curve(region_effect + period_effect + 0 * log_u, log_u) == pytest.approx(
        0.0, abs=1e-12
    )
    assert math.isnan(measures.wage_curve(log_w[:1], log_u[:1]))


def test_duration_shares_and_hazards_from_constructed_spells():
    counts = np.zeros(observe.MAX_SPELL + 1)
    exits = np.zeros(observe.MAX_SPELL + 1)
    counts[1], exits[1] = 40, 20  # under 3 months: 50% leave
    counts[4], exits[4] = 20, 6  # 3-5 months: 30%
    counts[8], exits[8] = 20, 2  # 6-11 months: 10%
    counts[30], exits[30] = 10, 1  # 12+ months
    counts[-1], exits[-1] = 10, 0  # 60+ months share the last bin, still 12+
    shares = measures.band_shares(counts)
    assert shares.tolist() == pytest.approx([0.4, 0.2, 0.2, 0.2])
    assert measures.band_hazards(counts, exits).tolist() == pytest.approx([0.5, 0.3, 0.1, 0.05])
    assert measures.hazard_ratio(counts, exits) == pytest.approx(0.1)
    assert measures.band_shares(counts, (measures.LONG_SPELL,))[0] == pytest.approx(0.2)
    assert math.isnan(measures.hazard_ratio(np.zeros(5), np.zeros(5)))


def test_year_later_ratio():
    counts, working = np.zeros(61), np.zeros(61)
    counts[2], working[2] = 100, 80  # short spells: 80% in work a year later
    counts[9], working[9] = 50, 30  # 6+ months: 60%
    assert measures.later_ratio(counts, working, split=6) == pytest.approx(0.75)


def test_wage_statistics():
    rng = np.random.default_rng(4)
    wages = np.exp(rng.normal(8.5, 0.5, 400_000))
    assert measures.percentile_ratio(wages) == pytest.approx(math.exp(2 * 1.2816 * 0.5), rel=0.01)
    assert measures.old_to_peak(np.array([4.0, 6.0, 7.0, 6.5, 5.0])) == pytest.approx(5 / 7)
    assert measures.old_to_peak(np.array([4.0, 5.0, 6.0, 7.0, 8.0])) > 1


def test_interval_is_the_t_interval_of_the_mean():
    mean, low, high = measures.interval([1.0, 2.0, 3.0, 4.0, math.nan])
    half = 3.182446 * np.std([1, 2, 3, 4], ddof=1) / 2
    assert mean == 2.5 and low == pytest.approx(2.5 - half) and high == pytest.approx(2.5 + half)
    assert math.isnan(measures.interval([1.0])[1])
    assert math.isnan(measures.interval([])[0])


# ---------------------------------------------------------------- verdict rules


@pytest.mark.parametrize(
    ("mean", "expected"),
    [
        (0.30, REPRODUCED),
        (0.50, REPRODUCED),
        (0.2999, PARTLY),
        (0.225, PARTLY),  # exactly 25% of 0.30 below the range
        (0.2249, NOT_REPRODUCED),
        (0.625, PARTLY),  # exactly 25% of 0.50 above
        (0.6251, NOT_REPRODUCED),
        (math.nan, NOT_MEASURED),
    ],
)
def test_in_range_rule_at_its_edges(mean, expected):
    assert InRange(0.30, 0.50).verdict(mean, mean - 0.01, mean + 0.01) == expected


def test_in_range_rule_with_a_negative_range_and_a_wide_interval():
    rule = InRange(-1.0, -0.7)
    assert rule.verdict(-0.7, -0.9, -0.5) == REPRODUCED
    assert rule.verdict(-0.6, -0.7, -0.5) == PARTLY  # 0.1 from -0.7, tolerance 0.175
    assert rule.verdict(-0.5, -2.0, 1.0) == NOT_REPRODUCED  # a wide interval does not help
    assert rule.verdict(0.3, -1.0, 1.0) == NOT_REPRODUCED


def test_below_rule():
    rule = Below(1.0)
    assert rule.verdict(0.5, 0.4, 0.99) == REPRODUCED
    assert rule.verdict(0.9, 0.7, 1.1) == PARTLY
    assert rule.verdict(0.9, math.nan, math.nan) == PARTLY
    assert rule.verdict(1.0, 0.9, 1.1) == NOT_REPRODUCED
    assert rule.verdict(math.nan, math.nan, math.nan) == NOT_MEASURED


# ----------------------------------------------------- catalogue, cycle, plan


def test_every_fact_has_a_source_a_rule_and_no_fact_is_a_calibration_target():
    keys = [f.key for f in facts.FACTS]
    assert len(keys) == len(set(keys))
    targets = {
        "unemployment_rate",
        "youth_unemployment_rate",
        "rural_resident_share",
        "apprenticeship_dissolution_share",
        "apprenticeship_completion_rate",
        "apprenticeship_retention_rate",
        "training_firms_recouping_share",
        "apprenticeship_recouping_share",
        "apprenticeship_wage_premium",
        "apprenticeship_wage_premium_like_for_like",
    }
    file = ROOT / "calibration" / "targets.toml"
    if file.is_file():
        targets |= {t["moment"] for t in tomllib.loads(file.read_text())["targets"]}
    for f in facts.FACTS:
        assert f.key not in targets
        assert f.label and f.unit and f.how and f.empirical
        assert f.run in observe.KINDS
        assert f.sources and all(k in sources.SOURCES for k in f.sources)
        assert f.rule.describe()


def test_demand_cycle_is_a_triangle_wave_around_the_scenarios_own_path():
    from simulation import loading

    scenario = loading.load_scenario("green_transition_disorderly")
    own = len(scenario.drivers.shocks)
    cycled = observe.demand_cycle(scenario, 120)
    added = cycled.drivers.shocks[own:]
    assert cycled.drivers.shocks[:own] == scenario.drivers.shocks
    half, amp = observe.CYCLE_HALF_MONTHS, observe.CYCLE_AMPLITUDE
    starts = sorted({s.start_month for s in added})
    assert starts == [observe.CYCLE_START, *range(observe.CYCLE_START + half // 2, 121, half)]
    level, levels = 0.0, []
    for start in starts:
        here = [s for s in added if s.start_month == start]
        assert {s.kind for s in here} == set(observe.SHOCK_KINDS)
        assert len({(s.log_change, s.duration_months) for s in here}) == 1
        level += here[0].log_change
        levels.append(level)
    # It swings between half the amplitude below and above the scenario's own path.
    assert levels[0] == pytest.approx(-amp / 2)
    assert set(np.round(levels, 12)) == {round(-amp / 2, 12), round(amp / 2, 12)}
    assert (
        scenario.drivers.shocks
        == loading.load_scenario("green_transition_disorderly").drivers.shocks
    )


def test_plan_pairs_each_seed_with_a_cycle_run():
    plan = runs.make_plan("baseline", ("none",), 500, 24, 3, 11)
    assert (
        len(plan.tasks) == 6
        and plan.seeds == runs.make_plan("baseline", ("none",), 500, 24, 3, 11).seeds
    )
    for task in plan.tasks:
        assert task.config.seed == plan.seeds[task.replicate]
        shocks = task.config.scenario.drivers.shocks
        assert (len(shocks) > 0) == (task.kind == "cycle")
    assert plan.run.scenario.drivers.shocks == []


def test_spell_tracker_follows_the_same_workers():
    tracker = observe.SpellTracker(months_ahead=2)
    U, E, R = Status.UNEMPLOYED, Status.EMPLOYED, Status.RETIRED
    status = np.array([U, U, U, U, E], dtype=np.int8)
    spell = np.array([1, 2, 13, 70, 0], dtype=np.int16)
    age = np.array([300, 400, 500, 719, 600], dtype=np.int16)
    tracker.record(status, spell, age)
    # A month later: worker 0 found a job, 1 and 2 still searching, 3 retired (no ageing).
    status = np.array([E, U, U, R, E], dtype=np.int8)
    tracker.record(status, spell + 1, age + np.array([1, 1, 1, 0, 1]))
    assert tracker.month_counts[[1, 2, 13]].tolist() == [1, 1, 1]
    assert tracker.month_exits[[1, 2, 13]].tolist() == [1, 0, 0]
    assert tracker.month_counts[observe.MAX_SPELL] == 0  # the retiree is left out
    # Two months on: row 2 was reused by a school leaver (age 216) who now works.
    status = np.array([E, E, E, R, E], dtype=np.int8)
    tracker.record(status, spell + 2, np.array([302, 402, 216, 719, 602], dtype=np.int16))
    assert tracker.year_counts.sum() == 2  # workers 0 and 1 of the first month
    assert tracker.year_working[[1, 2]].tolist() == [1, 1]


def test_youth_month_gap_is_the_largest_of_the_calendar_months_gaps_in_shape():
    """Each calendar month averaged over the years, against the reference's month, in
    points, each year's profile less its mean (a level shift is no gap); a month with
    no value gives NaN."""
    ref = facts.NBS_YOUTH_2024
    months = np.arange(1, 37)  # three years from a February
    rate = pd.Series([ref[m % 12] for m in months], index=months, dtype=float)
    assert facts.youth_month_gap(rate) == pytest.approx(0.0, abs=1e-12)
    assert facts.youth_month_gap(rate + 0.02) == pytest.approx(0.0, abs=1e-12)
    shifted = rate.copy()
    shifted[shifted.index % 12 == 3] += 0.012  # April 1.2 points higher every year
    # April's gap 1.2 less the mean gap 0.1: 1.1; every other month's 0.1
    assert facts.youth_month_gap(shifted) == pytest.approx(1.1)
    shifted[shifted.index == 30] -= 0.036  # one July of three 3.6 points lower: 1.2
    # gaps: April 1.2, July -1.2, mean 0: the largest 1.2
    assert facts.youth_month_gap(shifted) == pytest.approx(1.2)
    gap = rate.copy()
    gap[gap.index % 12 == 0] = np.nan  # no January
    assert math.isnan(facts.youth_month_gap(gap))


def test_youth_peak_left_pools_the_years_that_hold_june_august_and_november():
    months = np.arange(1, 36)  # month 0 is January: years 0 (from February), 1 and 2
    rate = pd.Series(0.10, index=months)
    # Year 0: a rise of 6 points, 3 left in November; year 1: 2 points, 2 left; year 2
    # ends in November (month 34) with no rise and 1 point more.
    rate[5], rate[7], rate[10] = 0.10, 0.16, 0.13
    rate[17], rate[19], rate[22] = 0.10, 0.12, 0.12
    rate[29], rate[31], rate[34] = 0.10, 0.10, 0.11
    assert facts.youth_peak_left(rate) == pytest.approx((0.03 + 0.02 + 0.01) / 0.08)
    assert facts.youth_peak_left(rate[rate.index < 22]) == pytest.approx(0.5)  # year 0
    assert math.isnan(facts.youth_peak_left(rate[rate.index < 10]))  # no November
    flat = pd.Series(0.1, index=months)
    assert math.isnan(facts.youth_peak_left(flat))  # no rise to measure against


def test_graduate_tracker_follows_each_cohort_to_its_programme_end():
    S, T, E, U = Status.STUDENT, Status.TRAINING, Status.EMPLOYED, Status.UNEMPLOYED
    TVET, COURSE = Programme.TVET, Programme.COURSE
    with pytest.raises(ValueError, match="at least 1 month"):
        observe.GraduateTracker(window=0)
    tracker = observe.GraduateTracker(window=2)
    # Rows 0-3 enter their final two months; row 4 is a course trainee, row 5 a student
    # with three months left, row 6 a student with one left (past the window's start).
    status = np.array([S, S, T, S, T, S, S], dtype=np.int8)
    programme = np.array([0, 0, TVET, 0, COURSE, 0, 0], dtype=np.int8)
    left = np.array([2, 2, 2, 2, 2, 3, 1], dtype=np.int16)
    age = np.array([260, 270, 220, 250, 400, 260, 280], dtype=np.int16)
    tracker.record(status, programme, left, age)
    assert tracker.due == 0
    # A month on: row 0 hired (its programme ends), row 5 enters the window.
    status = np.array([E, S, T, S, T, S, U], dtype=np.int8)
    left = np.array([0, 1, 1, 1, 1, 2, 0], dtype=np.int16)
    tracker.record(status, programme, left, age + 1)
    assert tracker.due == 0
    # The first cohort's programmes end: row 1 graduated without a job, row 2 (TVET)
    # was hired, row 3's row was reused by a school leaver (age 216).
    status = np.array([E, U, E, E, U, S, U], dtype=np.int8)
    left = np.array([0, 0, 0, 0, 0, 1, 0], dtype=np.int16)
    tracker.record(status, programme, left, np.array([262, 272, 222, 216, 402, 262, 282]))
    assert (tracker.due, tracker.in_work) == (3, 2)  # rows 0, 1 and 2; 0 and 2 in work
    # Row 5's cohort: out of work when its programme ends.
    status[5] = U
    tracker.record(status, programme, left * 0, np.array([263, 273, 223, 217, 403, 263, 283]))
    assert (tracker.due, tracker.in_work) == (4, 2)


@pytest.mark.parametrize(
    ("setting", "hired"),
    [("", True), ("final_year_search = 0.0", False), ("final_year_months = 0", False)],
)
def test_graduates_are_followed_in_the_model_to_their_programme_end(setting, hired, tmp_path):
    """In a model run: graduates come due, and some are in work at their programme's
    end only if final-year students search (7.7); without the search (its rate 0, or
    no window, which the tracker then follows from the programme's last month) none is.
    So the tally is neither a month early (a student still in its programme) nor late."""
    path = tmp_path / "graduates.toml"
    path.write_text(
        f'extends = "baseline"\nname = "graduates"\n[behaviour.labour_market]\n{setting}\n'
    )
    plan = runs.make_plan(str(path), ("none",), 2000, 24, 1, 11)
    task = next(t for t in plan.tasks if t.kind == "baseline")
    result = observe.observe(task)
    assert result.error == ""
    seen = result.observation
    assert seen.graduates_due > 50
    assert (seen.graduates_in_work > 0) == hired


# ------------------------------------------------------------------ end to end

SMALL = ["--workers", "2000", "--months", "24", "--seeds", "2", "--executor", "serial"]


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    """Two validations with the same options (serial, 2,000 workers, 24 months, 2 seeds)."""
    base = tmp_path_factory.mktemp("validate")
    for name in ("a", "b"):
        assert cli.main(["validate", *SMALL, "--quiet", "--out", str(base / name)]) == 0
    return base


def test_validate_writes_the_folder_with_every_fact(validated):
    out = validated / "a"
    assert sorted(p.name for p in out.iterdir()) == [
        "age_profile.csv",
        "durations.csv",
        "manifest.json",
        "report.html",
        "report.md",
        "seeds.csv",
        "validation.csv",
    ]
    table = pd.read_csv(out / "validation.csv")
    assert table["fact"].tolist() == [f.key for f in facts.FACTS]
    for column in ("simulated", "ci_low", "ci_high", "empirical", "source", "verdict"):
        assert column in table.columns
    assert table["simulated"].notna().all()
    assert table["empirical"].str.len().gt(0).all() and table["source"].str.len().gt(20).all()
    assert set(table["verdict"]) <= set(VERDICTS)
    seeds = pd.read_csv(out / "seeds.csv")
    assert len(seeds) == 2 * len(facts.FACTS)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "validation" and manifest["scenario"] == "baseline"
    assert manifest["policy"] == "none" and manifest["workers"] == 2000 and manifest["months"] == 24
    assert len(manifest["seeds"]) == 2 and {"commit", "dirty"} <= set(manifest["code_version"])
    report = (out / "report.md").read_text()
    for f in facts.FACTS:
        assert f.label in report
    assert "skillsim validate baseline --workers 2000 --months 24 --seeds 2" in report
    assert (out / "report.html").read_text().startswith("<!DOCTYPE html>")


def test_same_seed_same_report(validated):
    for name in ("report.md", "report.html", "validation.csv", "seeds.csv"):
        assert (validated / "a" / name).read_bytes() == (validated / "b" / name).read_bytes()


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["no_such_scenario"], ["no_such_scenario", "baseline"]),
        (["--months", "10"], ["--months", "10", "24"]),
        (["--seeds", "1"], ["--seeds", "1"]),
        (["--workers", "50"], ["--workers", "50"]),
        (["--policy", "no_such_policy"], ["no_such_policy", "apprenticeship_subsidy"]),
        (["--scheduler", "tcp://x:1", "--executor", "serial"], ["--scheduler"]),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, args, names):
    out = tmp_path / "v"
    assert cli.main(["validate", *args, "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    for name in names:
        assert name in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path, capsys):
    out = tmp_path / "v"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert cli.main(["validate", *SMALL, "--quiet", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


# ------------------------------------------------------- audit: defects fixed


def test_a_seed_without_a_figure_is_counted_out_and_the_table_says_so():
    """A seed with no event to measure (no long-term unemployed: no exit-rate ratio)
    is left out of the mean and interval; validation.csv still gave ``seeds`` = every
    seed run and the report did not say the figure rested on fewer."""
    from simulation.validation import report, summary

    fact = facts.Fact(
        "probe",
        "A probe",
        "ratio",
        "unemployment duration",
        "baseline",
        lambda runs: runs["value"],
        "a constructed figure",
        "below 1",
        Below(1.0),
        ("machin1999",),
    )
    seeds = [{"value": 0.2}, {"value": math.nan}, {"value": 0.4}]
    (row,) = summary.rows(seeds, [fact])
    assert row.mean == pytest.approx(0.3)
    record = row.record()
    assert record["seeds"] == 2 and record["seeds_run"] == 3
    assert report.simulated(row).endswith("(2 of 3 seeds)")
    (full,) = summary.rows([{"value": 0.2}, {"value": 0.4}], [fact])
    assert "seeds" not in report.simulated(full) and full.record()["seeds"] == 2


def test_the_interval_is_cut_to_the_values_a_figure_can_take():
    """Two seeds' t interval of a correlation reached -2.09 (`validate --seeds 2`): the
    interval is cut to the fact's bounds, the mean and verdict untouched; a fact without
    bounds keeps the t interval."""
    from simulation.validation import summary

    def probe(bounds):
        return facts.Fact(
            "probe", "A probe", "correlation", "cycle", "cycle", lambda runs: runs["value"],
            "a constructed figure", "-0.89", InRange(-1.0, -0.7), ("shimer2005",),
            bounds=bounds,
        )  # fmt: skip

    seeds = [{"value": -0.95}, {"value": -0.2}]
    (cut,) = summary.rows(seeds, [probe((-1.0, 1.0))])
    (free,) = summary.rows(seeds, [probe((-math.inf, math.inf))])
    assert free.ci_low < -1.0 < 1.0 < free.ci_high  # the t interval over two seeds
    assert (cut.ci_low, cut.ci_high) == (-1.0, 1.0)
    assert cut.mean == free.mean and cut.verdict == free.verdict
    by_key = facts.BY_KEY
    assert by_key["beveridge_correlation"].bounds == (-1.0, 1.0)
    assert by_key["wage_gini"].bounds == (0.0, 1.0)


def test_a_fact_that_a_fit_of_ones_own_targeted_is_named(tmp_path, monkeypatch):
    """Validating a calibration's fitted.toml: a fact that fit targeted is no
    independent check, and the report says so (it said "None of them is a calibration
    target" whatever the scenario's fit had used)."""
    from types import SimpleNamespace

    from simulation.validation import report

    folder = tmp_path / "cal"
    folder.mkdir()
    (folder / "fitted.toml").write_text('extends = "baseline"\nname = "mine"\n')
    manifest = {"kind": "calibration", "calibration": {"targets": [{"moment": "job_finding_rate"}]}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    fit, targets = report.fitted_by(str(folder / "fitted.toml"))
    assert fit == str(folder) and targets == ("job_finding_rate",)
    assert report.fitted_by("baseline") == ("", ())
    rows = [SimpleNamespace(fact=f) for f in facts.FACTS]
    mine = report.independence(rows, SimpleNamespace(fit=fit, fit_targets=targets))
    job = next(f.label for f in facts.FACTS if f.key == "job_finding_rate")
    assert f"targeted 1: {job}. Those are no independent check here." in mine
    shipped = report.independence(rows, SimpleNamespace(fit="", fit_targets=()))
    assert (
        shipped == "None of them is a target of the shipped calibration (calibration/targets.toml)."
    )
    # a fact computed from a targeted moment of another name is named too (the
    # urban/rural wage ratio is 1 / (1 - rural_urban_wage_gap): missed before)
    gap = report.independence(rows, SimpleNamespace(fit=fit, fit_targets=("rural_urban_wage_gap",)))
    ratio = next(f.label for f in facts.FACTS if f.key == "rural_urban_ratio")
    assert f"targeted 1: {ratio}." in gap
    # the shipped file read, not assumed: its targets, none a fact; one on a fact is said
    assert "urban_unemployment_rate" in report.shipped_targets()
    assert not any(f.targeted_by(report.shipped_targets()) for f in facts.FACTS)
    monkeypatch.setattr(report, "shipped_targets", lambda: ("wage_gini",))
    gini = next(f.label for f in facts.FACTS if f.key == "wage_gini")
    said = report.independence(rows, SimpleNamespace(fit="", fit_targets=()))
    assert said == f"The shipped calibration (calibration/targets.toml) targets 1 of them: {gini}."


def test_a_stop_once_the_runs_are_done_keeps_them_and_a_full_disk_shows_them(
    tmp_path, monkeypatch, capsys
):
    """Ctrl-C after every run has finished, while the folder is written: the runs were
    lost, exit 130 (an outside review); now the stop is held, the folder written, and
    a line says so. A folder that cannot be written (a full disk) was a traceback: now
    one line, exit 1, and the facts shown on screen."""
    import os
    import signal

    from simulation.validation import output

    write = output.write

    def stopped_while_writing(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # (cli.main's handler is in place)
        return write(*args, **kwargs)

    monkeypatch.setattr(output, "write", stopped_while_writing)
    out = tmp_path / "held"
    assert cli.main(["validate", *SMALL, "--quiet", "--out", str(out)]) == 0
    assert (out / "validation.csv").is_file()
    assert "a stop came once the runs had finished; they are kept in" in capsys.readouterr().err

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "write", full)
    out = tmp_path / "full"
    assert cli.main(["validate", *SMALL, "--quiet", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "cannot write the validation to" in captured.err and "No space left" in captured.err
    assert "Traceback" not in captured.err and not out.exists()
    assert "Beveridge" in captured.out  # (the facts' table, on screen)


@pytest.mark.parametrize("months", [24, 60])
def test_a_run_shorter_than_the_cycle_is_said(months, tmp_path, monkeypatch, capsys):
    """24 months, the least validate takes, see half of the demand cycle (months 12-60):
    the Beveridge slope's verdict turned with it (an outside review). Said, from 60 not."""
    from simulation.validation import cli as validation_cli

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(validation_cli, "_run", stopped)
    args = ["validate", *SMALL, "--quiet", "--out", str(tmp_path / "v")]
    args[args.index("--months") + 1] = str(months)
    assert cli.main(args) == 130
    said = " ".join(capsys.readouterr().err.split())
    note = "the demand cycle's facts (the Beveridge curve, the cycle's correlations) see less"
    assert (note in said) == (months < 60), said
