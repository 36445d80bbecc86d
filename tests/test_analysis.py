"""simulation.analysis: tidy loading, paired effects with CIs, sensitivity indices."""

from __future__ import annotations

import copy
import itertools
import json
import math
import os
import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from scipy import stats
from sweeps import cell_sweep, run_row, small, write_experiment

from simulation import analysis, cli, loading, metrics, plots
from simulation.experiment import cli as experiment_cli
from simulation.experiment import executors, load_experiment, make_plan, progress, run_sweep

HEADLINE = ("unemployment_rate", "youth_unemployment_rate", "employment_rate", "employed")


def _sweep(tmp_path, body: str, name: str = "exp"):
    path = write_experiment(tmp_path / name, body)
    plan = make_plan(load_experiment(path))
    out = tmp_path / f"{name}-out"
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    return plan, out


@pytest.fixture(scope="module")
def paired_sweep(tmp_path_factory):
    """The status quo and the full package, 5 seeds (common random numbers)."""
    body = small(policies=("none", "package"), replications=5, workers=800, months=12)
    return _sweep(tmp_path_factory.mktemp("paired"), body)


def test_load_is_one_tidy_frame(tmp_path):
    extra = (
        'keep = ["metrics", "sector", "cell"]\n'
        "[design]\nkind = 'lhs'\nsamples = 2\n"
        '[[parameters]]\nname = "subsidy"\npath = "policy.subsidy.yuan_per_year"\n'
        "low = 0\nhigh = 10000\n"
    )
    plan, out = _sweep(tmp_path, small(extra=extra))
    frame = analysis.load(out)
    head = ["run_id", "scenario", "policy", "point", "subsidy", "replicate", "seed", "month"]
    assert list(frame.columns) == [*head, *metrics.NAMES]
    assert len(frame) == len(plan.runs) * 4  # months 0..3
    assert set(frame["run_id"]) == {r.run_id for r in plan.runs}
    assert frame.groupby("run_id")["month"].apply(list).map(lambda m: m == [0, 1, 2, 3]).all()
    for r in plan.runs:
        rows = frame[frame["run_id"] == r.run_id]
        assert (rows["seed"] == r.seed).all() and (rows["policy"] == r.policy).all()
        assert rows["subsidy"].iloc[0] == pytest.approx(r.params["subsidy"])
    assert frame.attrs["skillsim"]["design"]["kind"] == "lhs"
    sectors = analysis.load(out, table="sector")
    assert {"run_id", "policy", "subsidy", "month", "sector"} <= set(sectors.columns)
    with pytest.raises(FileNotFoundError, match="did not keep the cohort table"):
        analysis.load(out, table="cohort")
    with pytest.raises(ValueError, match="unknown table 'cells'"):
        analysis.load(out, table="cells")
    _sector_by_region(out, plan)
    # A table the sweep keeps, gone from one run: that run's file is missing, to compute
    # again (not "did not keep")
    gone = out / "runs" / plan.runs[0].run_id / "sector.parquet"
    gone.unlink()
    with pytest.raises(FileNotFoundError, match=r"sector.parquet: missing \(this sweep keeps"):
        analysis.load(out, table="sector")


def _cell_table_of(frame, runs, months, params=()):
    """The crossed sector x region table: every run's keys, 9 sectors x 4 regions a
    month (sector-major), the measures of the employed there."""
    keys = ["run_id", "scenario", "policy", "point", *params, "replicate", "seed"]
    measures = ["employed", "skill_gap_mean", "under_skilled_share", "wage_mean_yuan"]
    assert list(frame.columns) == [*keys, "month", "sector", "region", *measures]
    assert len(frame) == runs * months * 36
    one = frame[(frame["run_id"] == frame["run_id"].iloc[0]) & (frame["month"] == 1)]
    assert one["sector"].nunique() == 9 and one["region"].nunique() == 4
    assert list(one["sector"].iloc[:4]) == [one["sector"].iloc[0]] * 4  # sector-major
    gap = frame["skill_gap_mean"]
    assert gap.notna().any() and ((gap >= 0) & (gap <= 1) | gap.isna()).all()


def _sector_by_region(out, plan):
    """load(sweep, table="cell"): the crossed table with the keys of its runs."""
    cells = analysis.load(out, table="cell")
    _cell_table_of(cells, len(plan.runs), 4, params=["subsidy"])  # months 0..3
    for r in plan.runs:  # the run's keys, as in every table
        rows = cells[cells["run_id"] == r.run_id]
        assert (rows["seed"] == r.seed).all() and (rows["policy"] == r.policy).all()
        assert rows["subsidy"].iloc[0] == pytest.approx(r.params["subsidy"])
    # the employed of a sector in a month, summed over regions, are its employed
    sectors = analysis.load(out, table="sector")
    by_cell = cells.groupby(["run_id", "month", "sector"])["employed"].sum()
    by_sector = sectors.set_index(["run_id", "month", "sector"])["employed"]
    pd.testing.assert_series_equal(by_cell, by_sector.loc[by_cell.index], check_names=False)
    only = analysis.load(out, table="cell", policies="none")
    assert set(only["policy"]) == {"none"}
    assert len(only) == len(cells[cells["policy"] == "none"])


@pytest.fixture
def one_thread():
    """Small runs are fastest on one numba thread (and a busy machine makes two slow)."""
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(before)


def test_load_reads_run_folders_too(tmp_path, one_thread):
    out = tmp_path / "runs"
    for policy in ("none", "apprenticeship_subsidy"):
        args = ["run", "baseline", "--policy", policy, "--workers", "300", "--months", "2"]
        assert cli.main([*args, "--quiet", "--out", str(out / policy)]) == 0
    both = analysis.load(out)
    assert sorted(set(both["policy"])) == ["apprenticeship_subsidy", "none"]
    assert len(both) == 2 * 3
    one = analysis.load(out / "none")
    assert list(one["run_id"].unique()) == ["none"] and list(one["month"]) == [0, 1, 2]
    _cell_table_of(analysis.load(out, table="cell"), 2, 3)  # skillsim run writes it
    with pytest.raises(FileNotFoundError, match="no results here"):
        analysis.load(tmp_path / "nothing")
    # Runs that cannot be one experiment's were paired or counted as seeds: refused.
    # (a file of the shipped policy's name elsewhere: one named so inside another file's
    # name is refused, loading._check_own_name)
    (tmp_path / "dearer").mkdir()
    dearer = tmp_path / "dearer" / "apprenticeship_subsidy.toml"
    dearer.write_text("[subsidy]\nyuan_per_year = 15000.0\n")
    for name, extra, said in (
        ("bigger", ["--workers", "400"], "they differ in workers (300 workers: "),
        ("longer", ["--months", "3"], "they differ in months (2 months: "),
        ("again", [], "are all baseline | none, seed 0: the same run more than once"),
        # the subsidy at another setting under its own name (a grid's point copied out of
        # its sweep) was averaged with the shipped one as its second seed
        (
            "setting",
            ["--policy", str(dearer), "--seed", "1"],
            "the policy 'apprenticeship_subsidy' is not the same in all of them",
        ),
    ):
        other = tmp_path / name
        shutil.copytree(out, other)
        args = ["run", "baseline", "--workers", "300", "--months", "2", *extra]
        assert cli.main([*args, "--quiet", "--out", str(other / "extra")]) == 0
        with pytest.raises(ValueError, match="cannot be compared as one experiment") as e:
            analysis.load(other)
        assert said in str(e.value)
        assert cli.main(["effects", str(other)]) == 2  # bad input, not a traceback


def _run_means(results: pd.DataFrame, name: str) -> pd.Series:
    """Each run's mean of ``name`` over months 1..M (month 0, the start, left out),
    indexed by policy and seed: computed here by hand, not by analysis.summarise."""
    later = results[results["month"] >= 1]
    return later.groupby(["policy", "seed"])[name].mean()


def test_paired_interval_is_narrower_than_unpaired(paired_sweep):
    _, out = paired_sweep
    results = analysis.load(out)
    table = analysis.effects(results, baseline_policy="none")
    rows = table.set_index("metric")
    assert set(table["policy"]) == {"package"} and (table["scenario"] == "quick").all()
    for name in HEADLINE:
        row = rows.loc[name]
        assert row["n"] == 5
        paired = row["ci_high"] - row["ci_low"]
        unpaired = row["unpaired_ci_high"] - row["unpaired_ci_low"]
        assert 0 < paired < unpaired, (name, paired, unpaired)
        assert row["ci_low"] <= row["effect"] <= row["ci_high"]
        # guards against a wrong Welch interval (e.g. its dof with n instead of n - 1):
        # scipy's Welch interval of policy minus baseline run means
        means = _run_means(results, name)
        a, b = means.loc["package"].to_numpy(), means.loc["none"].to_numpy()
        welch = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
        assert row["unpaired_ci_low"] == pytest.approx(welch.low, rel=1e-9)
        assert row["unpaired_ci_high"] == pytest.approx(welch.high, rel=1e-9)
    # The package costs money every month: a clear, positive spending effect.
    assert rows.loc["spending_total_yuan", "ci_low"] > 0


def test_effects_are_paired_t_intervals(paired_sweep):
    _, out = paired_sweep
    results = analysis.load(out)
    table = analysis.effects(results).set_index("metric")
    for name in ("unemployment_rate", "spending_total_yuan"):
        # run means by hand (months >= 1), not from summarise: guards against a wrong
        # month filter in summarise (month 0, the start, counted in the mean)
        means = _run_means(results, name)
        d = (means.loc["package"] - means.loc["none"]).to_numpy()
        assert len(d) == 5
        lo, hi = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
        assert table.loc[name, "effect"] == pytest.approx(d.mean(), rel=1e-9)
        assert table.loc[name, "ci_low"] == pytest.approx(lo, rel=1e-9)
        assert table.loc[name, "ci_high"] == pytest.approx(hi, rel=1e-9)
    final = analysis.effects(results, summary="final").set_index("metric")
    last = results[results["month"] == 12].set_index(["policy", "seed"])
    d = last.loc["package"]["employed"] - last.loc["none"]["employed"]
    assert final.loc["employed", "effect"] == pytest.approx(d.mean())
    with pytest.raises(
        ValueError,
        match=r"baseline policy 'nothing' .*: take another as the baseline, "
        r"baseline_policy='NAME' \(skillsim effects --baseline NAME\)",
    ):
        analysis.effects(results, baseline_policy="nothing")


def test_intervals_of_a_shares_effect_stop_where_a_difference_can_be():
    """Two seeds' t interval spans 12.7 standard errors either side: a share's effect
    interval reached -128 points (an outside review). Both intervals of a catalogue
    share stop at -1 and +1; a count's, a yuan amount's and a breakdown column's are
    the t interval as it is."""
    from scipy import stats as st

    a, b = np.array([0.2, 0.9]), np.array([0.6, 0.3])
    share = analysis._paired("apprenticeship_completion_rate", a, b, 0.95)
    lo, hi = st.t.interval(0.95, 1, loc=(a - b).mean(), scale=st.sem(a - b))
    assert lo < -1 and hi > 1  # (the case: past both bounds)
    assert (share["ci_low"], share["ci_high"]) == (-1.0, 1.0)
    assert share["unpaired_ci_low"] >= -1 and share["unpaired_ci_high"] <= 1
    assert share["effect"] == pytest.approx(0.1)
    for name in ("employed", "spending_total_yuan", "tvet_seat_use"):
        raw = analysis._paired(name, a, b, 0.95)
        assert (raw["ci_low"], raw["ci_high"]) == pytest.approx((lo, hi)), name
    one = analysis._paired("unemployment_rate", a[:1], b[:1], 0.95)
    assert math.isnan(one["ci_low"]) and math.isnan(one["ci_high"])


_KEY_VALUES = {
    "text": hs.one_of(hs.none(), hs.sampled_from(["rural", "urban", "a", "b", "zz"])),
    "whole": hs.integers(-3, 3),
    "real": hs.one_of(hs.just(math.nan), hs.sampled_from([-1.5, 0.0, 2.25])),
}


@settings(max_examples=80, deadline=None)
@given(hs.data())
def test_row_keys_number_the_groups_as_groupby_orders_them(data):
    """``_row_keys`` gives rows with equal values (NaN as NaN) one number, in the order
    ``groupby(sort=True, dropna=False)`` puts the groups, for text (str and object),
    whole and real columns: the pairing and the summaries group and sort by it."""
    kinds = data.draw(hs.lists(hs.sampled_from(sorted(_KEY_VALUES)), min_size=1, max_size=4))
    n = data.draw(hs.integers(1, 30))
    frame = pd.DataFrame(
        {
            f"c{i}": data.draw(hs.lists(_KEY_VALUES[kind], min_size=n, max_size=n))
            for i, kind in enumerate(kinds)
        }
    )
    if data.draw(hs.booleans()):  # (text as pandas' str dtype, or as objects)
        frame = frame.astype({c: "str" for c, k in zip(frame, kinds, strict=True) if k == "text"})
    columns = list(frame.columns)
    key = analysis._row_keys(frame, columns)
    rank = pd.factorize(key, sort=True)[0]
    expected = frame.groupby(columns, sort=True, dropna=False).ngroup().to_numpy()
    assert (rank == expected).all()


def test_row_keys_stay_whole_numbers_past_two_to_the_62():
    """Seven columns of 600 values each have more combinations than an int64 holds: the
    key is renumbered on the way (in order), and still orders rows as groupby does."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({f"c{i}": rng.permutation(600) for i in range(7)})
    frame = pd.concat([frame, frame.iloc[::7]], ignore_index=True)  # (some rows twice)
    key = analysis._row_keys(frame, list(frame.columns))
    expected = frame.groupby(list(frame.columns), sort=True).ngroup().to_numpy()
    assert (pd.factorize(key, sort=True)[0] == expected).all()


def test_coded_keys_come_back_as_they_were(paired_sweep):
    """``effects`` pairs runs on whole numbers in place of its text keys
    (``_coded_keys``): in the texts' order, and ``_decoded`` gives the same column back,
    dtype, NaN and all; columns that hold no text stay as they are."""
    _, out = paired_sweep
    results = analysis.load(out)
    results.attrs["skillsim"]["table"] = "region"  # (a region table's keys, made up)
    regions = np.array(["urban_core", "rural_a", None, "county"], dtype=object)
    results["region"] = regions[np.arange(len(results)) % 4]  # (NaN keys come last, and back)
    coded, texts = analysis._coded_keys(results)
    assert {"run_id", "scenario", "policy", "region"} <= set(texts)
    assert "seed" not in texts and coded["seed"].equals(results["seed"])
    for column in texts:
        assert coded[column].dtype.kind == "i"
        order = results[column].sort_values(kind="stable", na_position="last").index
        assert coded[column].loc[order].is_monotonic_increasing, column
    back = analysis._decoded(coded, texts)
    pd.testing.assert_frame_equal(back, results)
    assert analysis._code_of(texts, "policy", "package") == list(texts["policy"]).index("package")
    assert analysis._code_of(texts, "seed", 7) == 7


def test_the_t_quantiles_are_scipys():
    """``_t_quantile`` (scipy's function under ``stats.t.ppf``, whole degrees of freedom
    looked up once) gives ``stats.t.ppf``'s numbers bit for bit."""
    for confidence in (0.9, 0.95, 0.99):
        for dof in (1, 2, 4, 9, 30, 1.5, 7.25, 1e6):
            assert analysis._t_quantile(confidence, dof) == stats.t.ppf(
                0.5 + confidence / 2, dof
            ), (confidence, dof)


def test_a_pair_of_runs_is_averaged_over_the_months_both_define(paired_sweep):
    """A rate undefined (NaN) in some months of one run of a pair is averaged over the
    months both runs define, in both: not the policy run over months 1..12 against
    the baseline over the months it happens to define."""
    _, out = paired_sweep
    results = analysis.load(out)
    name = "unemployment_rate"
    early = (results["policy"] == "none") & results["month"].between(1, 4)
    gappy = results.copy()
    gappy.loc[early, name] = math.nan
    row = analysis.effects(gappy, metric_names=name).set_index("metric").loc[name]
    later = results[results["month"] >= 5].groupby(["policy", "seed"])[name].mean()
    d = (later["package"] - later["none"]).to_numpy()
    assert row["n"] == 5
    assert row["effect"] == pytest.approx(d.mean(), rel=1e-12)
    assert row["baseline_mean"] == pytest.approx(later["none"].mean(), rel=1e-12)
    assert row["policy_mean"] == pytest.approx(later["package"].mean(), rel=1e-12)
    # the same with the gaps in the policy's runs: the baseline's months are left out
    ours = (results["policy"] == "package") & results["month"].between(1, 4)
    theirs_gappy = results.assign(**{name: results[name].mask(ours)})
    row = analysis.effects(theirs_gappy, metric_names=name).set_index("metric").loc[name]
    assert row["baseline_mean"] == pytest.approx(later["none"].mean(), rel=1e-12)
    assert row["policy_mean"] == pytest.approx(later["package"].mean(), rel=1e-12)
    assert row["effect"] == pytest.approx(d.mean(), rel=1e-12)

    # Without gaps the pairs' means are summarise's, bit for bit.
    def means(table):  # (the runs' means, seed by seed, averaged as effects does)
        runs = analysis.summarise(table)
        return {p: runs[runs["policy"] == p][name].to_numpy().mean() for p in ("none", "package")}

    plain = analysis.effects(results, metric_names=name).set_index("metric").loc[name]
    mean = means(results)
    assert plain["policy_mean"] == mean["package"] and plain["baseline_mean"] == mean["none"]
    # A month one run has no row for (an entry cohort without members yet) counts for
    # the other run alone, as summarise counts it: not a month to leave out of both.
    rowless = results[~early]
    row = analysis.effects(rowless, metric_names=name).set_index("metric").loc[name]
    mean = means(rowless)
    assert row["policy_mean"] == mean["package"] and row["baseline_mean"] == mean["none"]


def test_a_summary_other_than_mean_or_final_is_refused(paired_sweep):
    _, out = paired_sweep
    results = analysis.load(out)
    for call in (analysis.summarise, analysis.effects):
        with pytest.raises(ValueError, match="summary must be 'mean' or 'final' \\(got 'last'\\)"):
            call(results, summary="last")


def test_a_policy_run_without_its_baseline_run_is_left_out_of_the_pairs(paired_sweep):
    """A policy run whose baseline run is missing (failed, not finished) has no pair:
    its months are in no pair's mean, also where another pair's months are left out
    (a baseline month undefined): an outside review found them counted in the next
    pair's group."""
    _, out = paired_sweep
    results = analysis.load(out)
    name = "unemployment_rate"
    # (the lost pair's run and the gappy pair's next to each other, as runs are ordered)
    seeds = list(results.sort_values("replicate")["seed"].unique())
    is_none = results["policy"] == "none"
    gappy = results[~(is_none & (results["seed"] == seeds[0]))].copy()  # (its pair lost)
    gappy.loc[is_none & (gappy["seed"] == seeds[1]) & (gappy["month"] == 3), name] = math.nan
    row = analysis.effects(gappy, metric_names=name).set_index("metric").loc[name]
    months = gappy[gappy["month"] >= 1].pivot_table(
        index="month", columns=["policy", "seed"], values=name, dropna=False
    )
    ours, theirs = [], []
    for seed in seeds[1:]:  # (by hand: each pair over the months both define)
        both = months[[("package", seed), ("none", seed)]].dropna()
        ours.append(both[("package", seed)].mean())
        theirs.append(both[("none", seed)].mean())
    assert row["n"] == len(seeds) - 1
    assert row["policy_mean"] == pytest.approx(np.mean(ours), rel=1e-12)
    assert row["baseline_mean"] == pytest.approx(np.mean(theirs), rel=1e-12)
    assert row["effect"] == pytest.approx(np.mean(ours) - np.mean(theirs), rel=1e-9)


def _combined_runs(seeds=(1, 2, 3, 4), months=3, scenarios=("baseline", "rural")):
    """Metrics of runs of none, two parts ``a`` and ``b`` and their combination ``ab``:
    each policy's level is none's plus its effect, the combination's less than its
    parts' added up (by -1.5 starts a month: the interaction), plus seed-and-policy
    noise that differences do not cancel."""
    effect = {"none": 0.0, "a": 2.0, "b": 1.0, "ab": 1.5}
    rows = []
    for scenario in scenarios:
        for k, policy in enumerate(effect):
            for seed in seeds:
                for month in range(months + 1):
                    noise = 0.01 * ((seed * 7 + k * 3 + month) % 5)
                    rows.append(
                        run_row(
                            scenario,
                            policy,
                            seed,
                            month,
                            apprenticeship_starts=5.0 + seed + effect[policy] + noise,
                            unemployment_rate=0.05 + 0.001 * seed,
                        )
                    )
    return pd.DataFrame(rows)


def test_interaction_sets_a_combination_beside_its_parts_added_up():
    """Seed by seed, the combination's effect, its parts' effects added up and their
    difference, each with a t interval over seeds: computed here by hand from each
    run's mean of months 1..M; a metric no policy moves has no interaction."""
    runs = _combined_runs()
    out = analysis.interaction(runs, "ab", ["a", "b"], "none", ["apprenticeship_starts"])
    assert list(out["scenario"]) == ["baseline", "rural"]
    assert set(out["policy"]) == {"ab"} and set(out["parts"]) == {"a+b"}
    mean = runs[runs["month"] >= 1].groupby(["scenario", "policy", "seed"])
    y = mean["apprenticeship_starts"].mean().unstack("policy")
    for _, row in out.iterrows():
        mine = y.loc[row["scenario"]]
        whole = mine["ab"] - mine["none"]
        added = (mine["a"] - mine["none"]) + (mine["b"] - mine["none"])
        d = (whole - added).to_numpy()
        half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
        assert row["n"] == 4
        assert row["combination_effect"] == pytest.approx(whole.mean())
        assert row["parts_effect"] == pytest.approx(added.mean())
        assert row["interaction"] == pytest.approx(d.mean()) and d.mean() == pytest.approx(
            -1.5, abs=0.05
        )
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((d.mean() - half, d.mean() + half))
        assert row["ci_high"] < 0  # clear: the parts do not add up
    flat = analysis.interaction(runs, "ab", ["a", "b"], "none", "unemployment_rate")
    assert (flat["interaction"] == 0).all()
    # the combination's effect is the effects table's own
    e = analysis.effects(runs, "none", "apprenticeship_starts").query("policy == 'ab'")
    assert list(out["combination_effect"]) == pytest.approx(list(e["effect"]), rel=1e-12)
    # a seed that a part lacks counts in no mean
    short = runs[~((runs["policy"] == "b") & (runs["seed"] == 4))]
    assert set(analysis.interaction(short, "ab", ["a", "b"], "none")["n"]) == {3}
    with pytest.raises(ValueError, match=r"'c' not in these results \(policies: a, ab, b, none\)"):
        analysis.interaction(runs, "ab", ["a", "c"], "none")
    with pytest.raises(ValueError, match="needs two parts or more"):
        analysis.interaction(runs, "ab", ["a"], "none")
    with pytest.raises(ValueError, match="needs two parts or more"):
        analysis.interaction(runs, "ab", ["a", "ab"], "none")
    # two runs of a part and seed (two sweeps' tables concatenated): refused, as effects
    # refuses them, not averaged
    twice = pd.concat(
        [runs, runs[runs["policy"] == "a"].assign(run_id=lambda f: f["run_id"] + "x")]
    )
    with pytest.raises(ValueError, match="more than one run"):
        analysis.interaction(twice, "ab", ["a", "b"], "none")
    with pytest.raises(ValueError, match="a ratio of two effects"):
        analysis.interaction(runs, "ab", ["a", "b"], "none", [analysis.COST_METRIC])


def test_policy_parts_are_the_policies_whose_levers_a_combination_joins():
    """A combination is a policy whose changed levers (against the baseline policy, as
    resolved) are exactly those of two or more other policies, none shared: the
    shipped package and its seven; not a policy that changes a lever of its own too,
    nor one whose parts overlap; a pair of parts that is itself a policy is no part."""
    none = {"name": "none", "subsidy": {"yuan": 0.0, "bonus": 0.0}, "quality": {"on": False}}
    none |= {"vouchers": {"yuan": 0.0}}

    def policy(name, **changes):
        out = copy.deepcopy(none) | {"name": name, "description": f"{name} words"}
        for dotted, value in changes.items():
            table, key = dotted.split("__")
            out[table][key] = value
        return out

    a = {"subsidy__yuan": 5000.0, "subsidy__bonus": 1500.0}
    b = {"quality__on": True}
    c = {"vouchers__yuan": 800.0}
    policies = {
        "none": none,
        "a": policy("a", **a),
        "b": policy("b", **b),
        "c": policy("c", **c),
        "ab": policy("ab", **a, **b),
        "abc": policy("abc", **a, **b, **c),
        "ab_more": policy("ab_more", **a, **b, vouchers__yuan=100.0),  # (a lever of its own)
        "half_a": policy("half_a", subsidy__yuan=5000.0),  # (overlaps a)
    }
    manifest = {"experiment": {"baseline_policy": "none"}, "policies": policies}
    assert analysis.policy_parts(manifest) == {"ab": ["a", "b"], "abc": ["a", "b", "c"]}
    # the sweep's own: the shipped package of its seven policies
    shipped = analysis.policy_parts(_shipped_manifest())
    others = [p for p in loading.SHIPPED["policy"] if p not in ("none", "package")]
    assert shipped == {"package": others}
    # a part of a part: the parts are the smallest (a is the yuan and the bonus)
    policies["bonus"] = policy("bonus", subsidy__bonus=1500.0)
    assert analysis.policy_parts(manifest) == {
        "a": ["half_a", "bonus"],
        "ab": ["b", "half_a", "bonus"],
        "abc": ["b", "c", "half_a", "bonus"],
    }
    # parts that make it up in two ways (b under another name): left out
    policies["b_again"] = policy("b_again", **b)
    assert analysis.policy_parts(manifest) == {"a": ["half_a", "bonus"]}
    # against the status quo, whatever the baseline policy: the manifest's status_quo
    other = {"experiment": {"baseline_policy": "a"}, "policies": policies, "status_quo": none}
    assert analysis.policy_parts(other) == analysis.policy_parts(manifest)
    # lever values equal but for the last bits of a float's arithmetic
    near = copy.deepcopy({k: policies[k] for k in ("none", "a", "b", "ab")})
    near["ab"]["subsidy"]["yuan"] = 5000.0 * (1 + 1e-15)
    assert "ab" in analysis.policy_parts({"policies": near})
    near["ab"]["subsidy"]["yuan"] = 5000.5
    assert "ab" not in analysis.policy_parts({"policies": near})
    # without the status quo's settings, none
    assert analysis.policy_parts({"experiment": {"baseline_policy": "x"}, "policies": {}}) == {}


def _shipped_manifest() -> dict:
    """The shipped policies as a manifest resolves them, in the main experiment's order."""
    names = loading.SHIPPED["policy"]
    return {
        "experiment": {"baseline_policy": "none"},
        "policies": {n: loading.load_policy(n).model_dump(mode="json") for n in names},
    }


def test_effects_by_region_and_cohort_pair_each_group(tmp_path):
    """Who gains: effects of a breakdown pair each run's region (cohort) with the
    baseline run's same region, same seed, its columns summarised over months 1..M as
    the metrics are (a month where the group's value is undefined left out); computed
    here by hand. No cost row; an unknown column names the breakdown's columns."""
    keep = 'keep = ["metrics", "region", "cohort", "transitions", "region_transitions"]\n'
    body = small(policies=("none", "package"), replications=3, workers=800, months=6, extra=keep)
    _, out = _sweep(tmp_path, body)
    region = analysis.load(out, table="region")
    table = analysis.effects(region)
    assert set(table["metric"]) == set(metrics.REGION_COLUMNS)
    assert "cost_per_additional_employed_yuan" not in set(table["metric"])
    regions = sorted(set(region["region"]))
    rate = table[table["metric"] == "unemployment_rate"].set_index(["scenario", "region"])
    assert sorted(set(rate.index.get_level_values("region"))) == regions
    later = region[region["month"] >= 1]
    mean = later.groupby(["scenario", "policy", "seed", "region"])["unemployment_rate"].mean()
    for scenario in set(region["scenario"]):
        for r in regions:
            d = (mean[scenario, "package"].xs(r, level="region")
                 - mean[scenario, "none"].xs(r, level="region")).dropna()  # fmt: skip
            row = rate.loc[(scenario, r)]
            assert row["n"] == len(d) == 3 and row["unit"] == "share"
            assert row["effect"] == pytest.approx(d.mean(), rel=1e-12)
            half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
            assert row["ci_low"] == pytest.approx(d.mean() - half, rel=1e-9)
    cohort = analysis.effects(analysis.load(out, table="cohort"), metric_names="entrants")
    assert set(cohort["metric"]) == {"entrants"} and "cohort" in cohort.columns
    # the gross flows: a pair of statuses each run's against the baseline run's same pair
    moves = analysis.load(out, table="transitions")
    bare = moves.copy()
    bare.attrs = {}  # (told from its columns too: not taken for the metrics table)
    assert analysis.breakdown(moves) == analysis.breakdown(bare) == "transitions"
    flows = analysis.effects(moves).set_index(["scenario", "from_status", "to_status"])
    assert set(flows["metric"]) == {"workers", "transition_rate"}
    assert len(flows) == len(set(region["scenario"])) * 64 * 2
    assert set(flows["unit"]) == {"workers per month", "share per month"}
    flows = flows[flows["metric"] == "workers"]
    later = moves[moves["month"] >= 1]
    hired = later[(later["from_status"] == "unemployed") & (later["to_status"] == "employed")]
    mean = hired.groupby(["scenario", "policy", "seed"])["workers"].mean()
    for scenario in set(region["scenario"]):
        d = mean[scenario, "package"] - mean[scenario, "none"]
        row = flows.loc[(scenario, "unemployed", "employed")]
        assert row["n"] == 3 and row["effect"] == pytest.approx(d.mean(), rel=1e-12)
    # ... and by region: a region and pair each run's against the baseline run's same
    local = analysis.load(out, table="region_transitions")
    bare = local.copy()
    bare.attrs = {}
    assert analysis.breakdown(local) == analysis.breakdown(bare) == "region_transitions"
    keys = ["scenario", "region", "from_status", "to_status"]
    away = analysis.effects(local, metric_names="moved_out").set_index(keys)
    assert len(away) == len(set(region["scenario"])) * len(regions) * 64
    assert set(away["unit"]) == {"workers per month"}
    later = local[local["month"] >= 1]
    pick = (later["from_status"] == "unemployed") & (later["to_status"] == "employed")
    mean = later[pick].groupby(["scenario", "policy", "seed", "region"])["moved_out"].mean()
    for scenario in set(region["scenario"]):
        for r in regions:
            d = mean[scenario, "package"].xs(r, level="region") - mean[scenario, "none"].xs(
                r, level="region"
            )
            row = away.loc[(scenario, r, "unemployed", "employed")]
            assert row["effect"] == pytest.approx(d.mean(), rel=1e-12, abs=1e-15)
    # pooled into urban and rural: the counts summed over the regions, the rates of the
    # sums (not a mean of the regions' rates), and effects take the pooled table
    pooled = analysis.pool_regions(local)
    assert list(pooled.columns) == list(local.columns)
    assert set(pooled["region"]) == {"urban", "rural"}
    assert (pooled["urban"] == (pooled["region"] == "urban")).all()
    keys = ["run_id", "month", "from_status", "to_status"]
    rural = local[~local["urban"]].groupby(keys)[["workers", "moved_out", "moved_in"]].sum()
    got = pooled[pooled["region"] == "rural"].set_index(keys)
    for column in ("workers", "moved_out", "moved_in"):
        assert (got[column] == rural[column].reindex(got.index)).all(), column
    started = rural["workers"].groupby(["run_id", "month", "from_status"]).transform("sum")
    rate = (rural["moved_out"] / started).where(started > 0).reindex(got.index)
    pd.testing.assert_series_equal(got["moved_out_rate"], rate, check_names=False)
    found = analysis.effects(pooled, metric_names="transition_rate")
    assert set(found["region"]) == {"urban", "rural"} and set(found["unit"]) == {"share per month"}
    named = analysis.pool_regions(local, {"county_a": ["rural_county_a"]})
    assert set(named["region"]) == {"county_a"}
    mine = local[local["region"] == "rural_county_a"].reset_index(drop=True)
    assert (named["workers"].to_numpy() == mine["workers"].to_numpy()).all()
    with pytest.raises(ValueError, match=r"unknown region.*rural_county_x.*allowed: county_town"):
        analysis.pool_regions(local, {"x": ["rural_county_x"]})
    with pytest.raises(ValueError, match="takes a region table"):
        analysis.pool_regions(analysis.load(out, table="cohort"))
    with pytest.raises(ValueError, match="the region breakdown's columns: labour_force"):
        analysis.effects(region, metric_names="employment_rate")


def test_effects_table_is_for_reading(paired_sweep):
    """effects_table: a row per scenario and policy, a column per metric named with the
    unit shown (shares in percentage points), each cell the effect and its interval as
    skillsim effects prints them; the metrics in the order asked."""
    _, out = paired_sweep
    effects = analysis.effects(analysis.load(out))
    table = analysis.effects_table(effects, ["employed", "unemployment_rate"])
    assert list(table.columns) == ["employed (workers)", "unemployment_rate (pp)"]
    assert table.index.names == ["scenario", "policy"]
    row = effects[effects["metric"] == "unemployment_rate"].iloc[0]
    cell = table.loc[(row["scenario"], row["policy"]), "unemployment_rate (pp)"]
    # (as `skillsim effects` prints it: the rules of its digits and signs are tested below)
    assert cell == analysis.effect_words("unemployment_rate", "share", row)
    with pytest.raises(ValueError, match="no effects of 'employment'"):
        analysis.effects_table(effects, "employment")


def test_effects_are_shown_with_the_decimals_their_intervals_need():
    """An interval narrower than the unit's usual decimals show, or stopping short of
    zero closer than they show, gets more decimals (up to four more), so that a clear
    effect never reads as "+0.0000 [+0.0000, +0.0000]" or its bound as "-0.00"; a
    value that rounds to zero has no sign."""
    row = {"effect": 2.5e-5, "ci_low": 1.3e-5, "ci_high": 3.7e-5}
    assert analysis.effect_words("skill_gap_mean", "index 0-1", row) == (
        "+0.000025 [+0.000013, +0.000037]"
    )
    row = {"effect": -0.0124, "ci_low": -0.0247, "ci_high": -0.00002}
    assert analysis.effect_words("unemployment_rate", "share", row) == "-1.240 [-2.470, -0.002]"
    row = {"effect": -0.00001, "ci_low": -0.0247, "ci_high": 0.0246}
    assert analysis.effect_words("unemployment_rate", "share", row) == "0.00 [-2.47, +2.46]"
    row = {"effect": -131.0, "ci_low": -199.0, "ci_high": -63.0}
    assert analysis.effect_words("employed", "workers", row) == "-131 [-199, -63]"
    # A bound that just crosses zero keeps its sign: not "+0.0022 [0.0000, +0.0045]".
    row = {"effect": 0.0022, "ci_low": -0.0000403, "ci_high": 0.0045}
    assert analysis.effect_words("skill_gap_mean", "index 0-1", row) == (
        "+0.00220 [-0.00004, +0.00450]"
    )


def test_a_share_per_month_is_shown_in_percentage_points_per_month():
    """job_finding_rate and separation_rate are shares per month: their effects read in
    percentage points like any share, with the unit saying per month."""
    assert analysis.shown_unit("share per month") == "pp per month"
    row = {"effect": 0.1139, "ci_low": 0.0501, "ci_high": 0.1777}
    assert analysis.effect_words("job_finding_rate", "share per month", row) == (
        "+11.39 [+5.01, +17.77]"
    )
    row = {"effect": 0.000177, "ci_low": -0.000207, "ci_high": 0.000562}
    assert analysis.effect_words("separation_rate", "share per month", row) == (
        "+0.018 [-0.021, +0.056]"
    )
    # a cost's bounds signed, as the report's: "[40,766, 78,686]" ran together
    row = {"effect": 55_012.4, "ci_low": 40_766.0, "ci_high": 78_686.2}
    assert analysis.effect_words(analysis.COST_METRIC, "", row) == "55,012 [+40,766, +78,686]"
    row = {"effect": -188.0, "ci_low": -1_937.0, "ci_high": 382.0}
    assert analysis.effect_words(analysis.COST_METRIC, "", row) == "-188 [-1,937, +382]"


def test_what_effects_cannot_do_is_said_not_guessed(paired_sweep):
    """A sensitivity analysis of a breakdown table (a region's rows are no run), a
    misspelled metric, a confidence given in per cent, an unknown policy filter: each a
    ValueError saying what is allowed. A metric name alone is a list of one; the cost
    row comes when named; a sweep's runs/ folder loads as the sweep."""
    _, out = paired_sweep
    results = analysis.load(out)
    with pytest.raises(ValueError, match=r"this is the region breakdown.*a sensitivity"):
        analysis.sensitivity(results.assign(region="urban_core"), "unemployment_rate")
    sectors = results.copy()
    sectors.attrs = {"skillsim": {**results.attrs["skillsim"], "table": "sector"}}
    with pytest.raises(ValueError, match="this is the sector breakdown"):
        analysis.sensitivity(sectors, "unemployment_rate")
    with pytest.raises(
        ValueError,
        match="unknown metric 'unemployment_rat' in metric_names \\(did you mean 'unemployment_rate'\\?\\)",
    ):
        analysis.effects(results, metric_names=["unemployment_rat"])
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        analysis.effects(results, confidence=95)
    with pytest.raises(ValueError, match=r"no runs of policy 'packge'.*none, package"):
        analysis.load(out, policies=["packge"])
    one = analysis.effects(results, metric_names="unemployment_rate")
    both = analysis.effects(results, metric_names=["unemployment_rate", analysis.COST_METRIC])
    assert list(one["metric"]) == ["unemployment_rate"]  # the cost row only when named
    assert list(both["metric"]) == ["unemployment_rate", analysis.COST_METRIC]
    pd.testing.assert_frame_equal(one, both.iloc[:1])
    cost = analysis.effects(results, metric_names=analysis.COST_METRIC)
    pd.testing.assert_frame_equal(cost, both.iloc[1:][cost.columns].reset_index(drop=True))
    every = analysis.effects(results)
    assert list(every["metric"])[-1] == analysis.COST_METRIC
    runs = analysis.load(out / "runs")
    assert runs.attrs["skillsim"]["kind"] == "sweep"
    pd.testing.assert_frame_equal(runs, results)


def test_cost_per_additional_employed_worker():
    """Ratio of mean extra spending to mean extra employment, with Fieller's interval."""
    rng = np.random.default_rng(0)
    n = 6
    extra_jobs = 50 + rng.normal(0, 5, n)
    # The extra spending varies from seed to seed too, with the extra jobs (a seed that
    # places more workers pays more subsidy) and on its own: the interval then needs
    # every variance and the covariance (a constant spending made v11 and v12 zero).
    extra_spend = 1e6 + 2e4 * (extra_jobs - 50) + rng.normal(0, 5e4, n)
    rows = []
    for policy, spend, jobs in (("none", np.zeros(n), 0.0), ("p", extra_spend, 1.0)):
        for i in range(n):
            rows.append(
                {
                    "run_id": f"{policy}{i}",
                    "scenario": "s",
                    "policy": policy,
                    "point": 0,
                    "replicate": i,
                    "seed": i,
                    "month": 1,
                    "spending_total_yuan": spend[i] + 1000 * i,
                    # the extra workers in employment: 60% in jobs, 40% apprentices
                    "employed": 1000 + i + jobs * 0.6 * extra_jobs[i],
                    "apprentices": 10 + jobs * 0.4 * extra_jobs[i],
                }
            )
    table = analysis.effects(pd.DataFrame(rows)).set_index("metric")
    cost = table.loc[analysis.COST_METRIC]
    assert cost["n"] == n
    assert cost["effect"] == pytest.approx(extra_spend.mean() / extra_jobs.mean(), rel=1e-12)
    assert cost["ci_low"] < cost["effect"] < cost["ci_high"]
    # Guards against a wrong Fieller interval (a variance or the covariance term dropped).
    # Fieller's interval for mu1 / mu2, mu1 the mean paired extra spending (numerator),
    # mu2 the mean paired extra employment, employed + apprentices (denominator; a
    # cost that forgot the apprentices is off by 40%: an outside review's mutant). v11, v22, v12: the sample variances and covariance
    # of the paired differences over n (those of the means); t: Student's t quantile
    # with n - 1 degrees of freedom, as for the paired t interval. Textbook form:
    # g = t^2 v22 / mu2^2; bounds = (q - g v12 / v22 -+ t / mu2 * sqrt(v11 - 2 q v12
    # + q^2 v22 - g (v11 - v12^2 / v22))) / (1 - g), q = mu1 / mu2.
    mu1, mu2 = extra_spend.mean(), extra_jobs.mean()
    v11 = extra_spend.var(ddof=1) / n
    v22 = extra_jobs.var(ddof=1) / n
    v12 = np.cov(extra_spend, extra_jobs, ddof=1)[0, 1] / n
    t = stats.t.ppf(0.975, n - 1)
    q = mu1 / mu2
    g = t**2 * v22 / mu2**2
    root = math.sqrt(v11 - 2 * q * v12 + q**2 * v22 - g * (v11 - v12**2 / v22))
    low = (q - g * v12 / v22 - t / mu2 * root) / (1 - g)
    high = (q - g * v12 / v22 + t / mu2 * root) / (1 - g)
    assert cost["ci_low"] == pytest.approx(low, rel=1e-9)
    assert cost["ci_high"] == pytest.approx(high, rel=1e-9)
    assert cost["unit"] == "yuan per worker-month"
    # No extra employment, or an effect that may be zero: no cost per additional worker.
    for jobs in (np.zeros(n), np.array([3.0, -2, 1, -4, 2, 1])):
        for row in rows:
            if row["policy"] == "p":
                row["employed"] = 1000 + row["replicate"] + jobs[row["replicate"]]
                row["apprentices"] = 10
        table = analysis.effects(pd.DataFrame(rows)).set_index("metric")
        none = table.loc[analysis.COST_METRIC]
        assert math.isnan(none["effect"]) and math.isnan(none["ci_low"])


def _two(path1: str, path2: str) -> str:
    return (
        f'[[parameters]]\nname = "a"\npath = "{path1}"\nlow = 0\nhigh = 10000\n'
        f'[[parameters]]\nname = "b"\npath = "{path2}"\nlow = 0\nhigh = 24\n'
    )


def _fake_metric(frame: pd.DataFrame, metric: str, bounds) -> pd.DataFrame:
    """Replace ``metric`` by a known function of the (normalised) parameters."""
    out = frame.copy()
    u = [(out[p] - lo) / (hi - lo) for p, (lo, hi) in zip("ab", bounds, strict=True)]
    out[metric] = 10 * u[0] + u[1]
    return out


def test_effects_of_tables_put_together_keep_their_parameters_apart():
    """``pd.concat`` of two sweeps' results drops their ``attrs`` (they differ), and
    with them the names of the swept parameters: two sweeps' design points of one
    number were pooled as one, their parameter columns dropped, without a word (an
    outside review). Here point 0 is a = 1 in one sweep (effect +1) and a = 2 in the
    other (+5), with other run ids and seeds."""
    rows = []
    for a, seeds, effect in ((1.0, (0, 1), 1.0), (2.0, (2, 3), 5.0)):
        for seed in seeds:
            for policy, shift in (("none", 0.0), ("package", effect)):
                for month in (0, 1, 2):
                    rows.append(
                        {
                            "run_id": f"quick__{policy}__p0__s{seed}",
                            "scenario": "quick",
                            "policy": policy,
                            "point": 0,
                            "a": a,
                            "replicate": seed % 2,
                            "seed": seed,
                            "month": month,
                            "employed": 100.0 + seed + (shift if month else 0.0),
                        }
                    )
    table = pd.DataFrame(rows)
    assert table.attrs == {}
    got = analysis.effects(table, metric_names="employed")
    assert list(got["a"]) == [1.0, 2.0]
    assert list(got["effect"]) == [1.0, 5.0]
    assert list(got["n"]) == [2, 2]


def test_a_column_an_analyst_adds_is_a_measure_too(paired_sweep):
    """A numeric column added in a notebook (a rate of two metrics) is summarised and
    compared as the catalogue's metrics are: by default and by name, with or without
    the frame's ``attrs`` (where a column of one value a run stays a design parameter,
    as before); a column of text or of True/False is not a measure."""
    _, out = paired_sweep
    results = analysis.load(out)
    results["apprentice_share"] = results["apprentices"] / results["labour_force"]
    results["flag"] = results["apprentices"] > 0
    results["note"] = "x"
    got = analysis.effects(results, metric_names="apprentice_share").set_index("policy")
    later = results[results["month"] >= 1]
    mean = later.groupby(["policy", "seed"])["apprentice_share"].mean()
    d = mean["package"] - mean["none"]
    assert got.loc["package", "effect"] == pytest.approx(d.mean(), rel=1e-12)
    assert got.loc["package", "n"] == len(d) == 5
    results["run_no"] = results["seed"] % 1000  # (one value a run: an id)
    results["nothing"] = np.nan
    every = analysis.effects(results)
    assert "apprentice_share" in set(every["metric"])
    assert not {"flag", "note", "run_no", "nothing"} & set(every["metric"])
    named = analysis.effects(results, metric_names="run_no")  # (named: compared all the same)
    assert list(named["metric"].unique()) == ["run_no"]
    assert "apprentice_share" in analysis.summarise(results).columns
    table = analysis.effects_table(got.reset_index(), "apprentice_share")
    assert "apprentice_share" in table.columns  # (no unit: no empty brackets)
    bare = results.assign(lever=results["seed"] % 2 * 1.0)  # (one value a run)
    bare.attrs = {}
    # (run_no, one value a run and a value of its own each, splits every pair: said)
    with pytest.warns(UserWarning, match=r"^'run_no': taken for a design parameter"):
        plain = analysis.effects(bare, metric_names="apprentice_share")
    assert set(plain["lever"]) == {0.0, 1.0}  # (a parameter: a row each)
    with pytest.raises(ValueError, match="unknown metric 'lever'"):
        analysis.effects(bare.drop(columns="run_no"), metric_names="lever")


def test_intake_months_are_the_month_after_the_cohort_enters():
    """Leavers choose the month after their cohort enters (phase 9, then phase 5 of the
    next month); month 0 is an intake only where a burn-in's last month ran it."""
    assert metrics.intake_month(6) == 7 and metrics.intake_month(11) == 0
    assert np.flatnonzero(metrics.intake_months(30, 6)).tolist() == [7, 19]
    assert np.flatnonzero(metrics.intake_months(13, 11)).tolist() == [0, 12]
    assert np.flatnonzero(metrics.intake_months(13, 11, burned_in=False)).tolist() == [12]


def test_the_region_table_pooled_gives_the_citys_own_metrics(tmp_path):
    """The region table pooled (counts summed, shares of the sums, the employed's means
    weighted by them) gives, for the rural and urban regions and for the whole city,
    the catalogue metrics the model computes itself from every worker: the rural and
    urban unemployment rates, the city's unemployment and youth rates, skill gap and
    wage; and the seats' use is the learners over the seats summed."""
    keep = 'keep = ["metrics", "region"]\n'
    _, out = _sweep(tmp_path, small(months=8, workers=1500, extra=keep))  # (an intake: 7)
    region = analysis.load(out, table="region")
    city = analysis.load(out).set_index(["run_id", "month"])
    assert set(metrics.REGION_POOLING) == set(metrics.REGION_COLUMNS)
    pooled = analysis.pool_regions(region)
    assert list(pooled.columns) == list(region.columns)
    assert set(pooled["region"]) == {"urban", "rural"}
    for kind in ("rural", "urban"):
        mine = pooled[pooled["region"] == kind].set_index(["run_id", "month"])
        theirs = city[f"{kind}_unemployment_rate"].reindex(mine.index)
        assert mine["unemployment_rate"].to_numpy() == pytest.approx(theirs.to_numpy(), rel=1e-12)
    whole = analysis.pool_regions(region, {"city": sorted(set(region["region"]))})
    whole = whole.set_index(["run_id", "month"])
    for column, metric in (
        ("unemployment_rate", "unemployment_rate"),
        ("youth_unemployment_rate", "youth_unemployment_rate"),
        ("skill_gap_mean", "skill_gap_mean"),
        ("wage_mean_yuan", "wage_mean_yuan"),
    ):
        theirs = city[metric].reindex(whole.index).to_numpy()
        assert whole[column].to_numpy() == pytest.approx(theirs, rel=1e-9, nan_ok=True), column
    sums = region.groupby(["run_id", "month"])[["tvet_enrolled", "tvet_seats"]].sum()
    use = (sums["tvet_enrolled"] / sums["tvet_seats"]).reindex(whole.index)
    # (in the intake month, as the table gives it: empty in the others, pooled too)
    intake = whole.index.get_level_values("month") % 12 == metrics.intake_month(6)
    assert intake.any() and use[intake].notna().all()
    use = use.where(intake)
    assert whole["tvet_seat_use"].to_numpy() == pytest.approx(
        use.to_numpy(), rel=1e-12, nan_ok=True
    )
    assert region.loc[region["month"] % 12 != 7, "tvet_seat_use"].isna().all()
    assert (whole["net_migration"] == 0).all()  # (moves between the city's regions cancel)
    found = analysis.effects(pooled, metric_names=["unemployment_rate", "tvet_seat_use"])
    assert set(found["region"]) == {"urban", "rural"}
    # the seats' use averaged over the runs' months is its use at the intake
    at_intake = pooled[(pooled["month"] == 7) & (pooled["policy"] == "none")]
    seat_rows = found[found["metric"] == "tvet_seat_use"].set_index("region")
    expected = at_intake.groupby("region")["tvet_seat_use"].mean().dropna()
    assert len(expected) and seat_rows.loc[expected.index, "baseline_mean"].to_numpy() == (
        pytest.approx(expected.to_numpy(), rel=1e-12)
    )
    # each region a group of its own: every column as the table has it (each share's
    # rule recomputes the table's own share, each mean's its own mean)
    alone = analysis.pool_regions(region, {r: [r] for r in dict.fromkeys(region["region"])})
    assert len(alone) == len(region)
    for column in metrics.REGION_COLUMNS:
        assert alone[column].to_numpy() == pytest.approx(
            region[column].to_numpy(), rel=1e-12, nan_ok=True
        ), column
    # a table written before its youth counts were added: the youth rate left out, said
    old = region.drop(columns=["youth_labour_force", "youth_unemployed"])
    with pytest.warns(UserWarning, match="left out youth_unemployment_rate: this table lacks"):
        older = analysis.pool_regions(old)
    assert "youth_unemployment_rate" not in older.columns
    assert older["unemployment_rate"].to_numpy() == pytest.approx(
        pooled["unemployment_rate"].to_numpy(), rel=1e-12
    )
    # a sweep resumed after the code changed: its older runs lack the newer columns
    # (NaN in load's table), and their pools are undefined, not sums of zeros
    old_run = sorted(set(region["run_id"]))[0]
    mixed = region.copy()
    gone = ["tvet_seats", "tvet_enrolled", "youth_labour_force", "youth_unemployed"]
    mixed.loc[mixed["run_id"] == old_run, gone] = np.nan
    mixed.loc[
        (mixed["run_id"] == old_run) & (mixed["region"] == "rural_county_a"), "wage_mean_yuan"
    ] = np.nan
    got = analysis.pool_regions(mixed)
    theirs = got["run_id"] == old_run
    for column in (*gone, "tvet_seat_use", "youth_unemployment_rate"):
        assert got.loc[theirs, column].isna().all(), column
        pd.testing.assert_series_equal(got.loc[~theirs, column], pooled.loc[~theirs, column])
    rural = theirs & (got["region"] == "rural")
    assert got.loc[rural, "wage_mean_yuan"].isna().all()  # (not the other county's alone)
    assert got.loc[theirs & ~rural, "wage_mean_yuan"].notna().all()
    # a column an analyst added, numbers or words, is no key: left out, said
    labelled = region.assign(label=region["region"].str.upper(), flag=region["urban"])
    with pytest.warns(UserWarning, match="left out the column.s. label, flag"):
        pd.testing.assert_frame_equal(analysis.pool_regions(labelled), pooled)
    # groups as the analyst means them, or bad input that says what is allowed
    for groups, said in (
        ({"a": "rural_county_a"}, "'a' is given the string 'rural_county_a', not a list"),
        ({}, "no region in any group"),
        ({"a": []}, "'a' has no region (allowed: a list of one or more"),
        (
            {"city": sorted(set(region["region"])), "rural": ["rural_county_a"]},
            "region 'rural_county_a' is in 'city' and 'rural': each region pools into one",
        ),
    ):
        with pytest.raises(ValueError, match=re.escape(said)):
            analysis.pool_regions(region, groups)
    with pytest.raises(ValueError, match=r"a region table month by month.*not a summary"):
        analysis.pool_regions(analysis.summarise(region))


def test_pool_regions_leaves_out_a_column_it_cannot_pool(tmp_path):
    """A column added to region_transitions is no key to pool by: grouped by it, the
    pools split and their rates came out of the wrong sums; it is left out, and said."""
    keep = 'keep = ["metrics", "region_transitions"]\n'
    _, out = _sweep(tmp_path, small(months=3, extra=keep))
    table = analysis.load(out, table="region_transitions")
    plain = analysis.pool_regions(table)
    with pytest.warns(UserWarning, match="left out the column.s. share_x"):
        pooled = analysis.pool_regions(table.assign(share_x=table["workers"] / 10))
    pd.testing.assert_frame_equal(pooled, plain)


def test_pool_regions_of_urban_regions_only_without_attrs(tmp_path):
    """A region table kept to its urban regions, its ``attrs`` gone (a filter and a
    concat, say): each run's ``urban`` is one value, and was taken for a design
    parameter, a key to pool by as well as the pools' own column, and both tables
    failed (a NotImplementedError, a TypeError). Pooled as with its ``attrs``."""
    keep = 'keep = ["metrics", "region", "region_transitions"]\n'
    _, out = _sweep(tmp_path, small(months=3, extra=keep))
    for name in ("region", "region_transitions"):
        table = analysis.load(out, table=name)
        urban = table[table["urban"]]
        bare = urban.copy()
        bare.attrs = {}
        assert "urban" not in analysis._groups(bare)
        want = analysis.pool_regions(urban)
        got = analysis.pool_regions(bare)
        assert list(got["region"].unique()) == ["urban"]
        pd.testing.assert_frame_equal(got, want, check_like=False, check_exact=True)


def _pooled_by_names(table: pd.DataFrame, groups) -> pd.DataFrame:
    """``pool_regions`` done the plain way, to hold it to: each row's group written out
    as text, the table grouped by it and its other keys (``groupby(sort=False,
    dropna=False)``), the counts summed (NaN where a row's is), the shares recomputed
    from the sums, the employed's means weighted by them."""
    if groups is None:
        names = np.where(table["urban"].to_numpy(bool), "urban", "rural")
    else:
        of = {region: name for name, regions in groups.items() for region in regions}
        names = table["region"].map(of).to_numpy(object)
    frame = table.assign(region=names)
    frame = frame[frame["region"].notna()]
    moves = "to_status" in table.columns
    rows = ["region", "from_status", "to_status"] if moves else ["region"]
    known = {*analysis.RUN_KEYS, "month", *rows, *analysis._groups(table)}
    keys = [c for c in frame.columns if c in known]
    rules = {} if moves else metrics.REGION_POOLING
    sums = ["workers", "moved_out", "moved_in"] if moves else []
    sums += [c for c, rule in rules.items() if rule[0] == "sum"]
    weighted = [c for c, rule in rules.items() if rule[0] == "weighted"]
    ratios = [c for c, rule in rules.items() if rule[0] == "ratio"]
    parts = frame[[*keys, "urban", *sums]].copy()
    for c in weighted:
        weight = frame[rules[c][1]]
        parts[c] = (frame[c] * weight).where(weight != 0, 0.0)
    for c in ratios:
        parts[f"{c} given"] = frame[c].notna().to_numpy(int)
    summed = [*sums, *weighted, *(f"{c} given" for c in ratios)]
    grouped = parts.groupby(keys, sort=False, dropna=False, observed=True)
    pooled = grouped.agg({**dict.fromkeys(summed, "sum"), "urban": "all"})
    if parts[summed].isna().to_numpy().any():
        gap = grouped[summed].count().lt(grouped.size(), axis=0)
        pooled[summed] = pooled[summed].mask(gap)
    pooled = pooled.reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        if moves:
            start = pooled.groupby(keys[:-1], sort=False, dropna=False, observed=True)["workers"]
            started = start.transform("sum")
            if pooled["workers"].isna().any():
                started = started.mask(start.transform("count") < start.transform("size"))
            pooled["transition_rate"] = (pooled["workers"] / started).where(started > 0)
            pooled["moved_out_rate"] = (pooled["moved_out"] / started).where(started > 0)
        for c in weighted:
            weight = pooled[rules[c][1]]
            pooled[c] = (pooled[c] / weight).where(weight > 0)
        for c in ratios:
            top, bottom, given = pooled[rules[c][1]], pooled[rules[c][2]], pooled[f"{c} given"]
            pooled[c] = (top / bottom).where((bottom > 0) & (given > 0))
    out = pooled[[c for c in table.columns if c in pooled.columns]]
    out.attrs = {**table.attrs}
    return out


_REGIONS = {"urban_core": True, "county_town": True, "rural_a": False, "rural_b": False}


@settings(max_examples=120, deadline=None)
@given(hs.data())
def test_pool_regions_is_a_groupby_on_the_group_names(data):
    """``pool_regions`` groups by a whole number a group and writes the names after:
    its tables are the plain groupby's on the names, bit for bit (dtypes, row order,
    index, attrs), for both region tables, urban and rural or groups given (by text or
    number), keys as str, objects or categories, rows in any order, NaN in any value
    and key, a share empty in a month for all of a group's regions, and the columns a
    run of a resumed sweep lacks."""
    kind = data.draw(hs.sampled_from(["region", "region_transitions"]))
    n = data.draw(hs.integers(0, 40))

    def column(values):
        return data.draw(hs.lists(values, min_size=n, max_size=n))

    run = column(hs.integers(0, 2))
    table = pd.DataFrame(
        {
            "run_id": [f"r{r}" for r in run],
            "scenario": [("base", "shock")[r % 2] for r in run],
            "policy": [("none", "package", "none")[r] for r in run],
            "point": 0,
            "replicate": run,
            "seed": [1000 + r for r in run],
            "subsidy": [(0.5, 1.5, math.nan)[r] for r in run],
            "month": column(hs.integers(0, 2)),
            "region": column(hs.one_of(hs.none(), hs.sampled_from(sorted(_REGIONS)))),
        }
    )
    table["urban"] = table["region"].map(_REGIONS).fillna(False).astype(bool)
    if kind == "region_transitions":
        for c in ("from_status", "to_status"):
            table[c] = column(hs.one_of(hs.none(), hs.sampled_from(["employed", "unemployed"])))
        measures = ["workers", "moved_out", "moved_in", "transition_rate", "moved_out_rate"]
    else:
        measures = list(metrics.REGION_POOLING)
    whole = data.draw(hs.booleans())  # (counts as whole numbers, or reals with gaps)
    values = hs.integers(0, 5) if whole else hs.sampled_from([0.0, 0.1, 0.7, 1.25, 3.0, math.nan])
    for c in measures:
        table[c] = column(values)
    if not whole and n:  # (a column a run of a resumed sweep lacks; a share empty in a month)
        gone = data.draw(hs.lists(hs.sampled_from(measures), max_size=3, unique=True))
        table.loc[table["run_id"] == "r0", gone] = np.nan
        share = "tvet_seat_use" if kind == "region" else "transition_rate"
        table.loc[table["month"] == 1, share] = np.nan
    texts = ["run_id", "scenario", "policy", "region", "from_status", "to_status"]
    as_type = data.draw(hs.sampled_from(["str", "object", "category"]))
    table = table.astype({c: as_type for c in texts if c in table.columns})
    table.attrs["skillsim"] = {"table": kind, "parameters": ["subsidy"], "source": "made up"}
    groups = None
    present = sorted(table["region"].dropna().unique())
    if present and data.draw(hs.booleans()):
        names = data.draw(hs.sampled_from([("west", "east"), (1, 2)]))
        into = data.draw(hs.lists(hs.sampled_from([None, *names]), min_size=len(present)))
        groups = {}
        for region, name in zip(present, into, strict=False):
            if name is not None:
                groups.setdefault(name, []).append(region)
        groups = groups or {names[0]: present[:1]}
    expected = _pooled_by_names(table, groups)
    got = analysis.pool_regions(table, groups)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.index.equals(expected.index) and type(got.index) is type(expected.index)
    assert got.attrs == expected.attrs


def test_sobol_indices_match_the_design(tmp_path):
    extra = "[design]\nkind = 'sobol'\nsamples = 16\n" + _two(
        "policy.subsidy.yuan_per_year", "policy.anticipation.lag_months"
    )
    plan, out = _sweep(tmp_path, small(policies=("none",), replications=1, months=2, extra=extra))
    assert len(plan.runs) == 16 * (2 + 2)
    results = analysis.load(out)
    real = analysis.sensitivity(results, "spending_total_yuan")
    assert list(real["parameter"]) == ["a", "b"]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(real.columns)
    assert real.set_index("parameter").loc["a", "ST"] > 0.5  # the subsidy is paid out
    with warnings.catch_warnings():  # (16 samples of a clean signal: no word of noise)
        warnings.simplefilter("error", analysis.SensitivityWarning)
        known = analysis.sensitivity(
            _fake_metric(results, "employed", [(0, 10_000), (0, 24)]), "employed"
        ).set_index("parameter")
    # ... and of noise, which no parameter explains: indices outside 0 to 1, said though
    # the design has enough samples (a review: S1 -0.13, ST 1.09 from 16 samples, unsaid)
    noise = results.assign(employed=np.random.default_rng(5).normal(size=len(results)))
    with pytest.warns(
        analysis.SensitivityWarning, match=r"are noisy at this design's 16 base"
    ) as w:
        analysis.sensitivity(noise, "employed")
    # (the first of the sensitivity's own: an older SALib or pandas warns of its own too)
    said = next(x.message for x in w if isinstance(x.message, analysis.SensitivityWarning))
    facts = said.facts
    assert said.what == "noisy" and (facts["low"] < -0.05 or facts["high"] > 1.05)
    from simulation import report

    assert "噪声较大" in report._sensitivity_note(said, "zh")
    # y = 10 a + b (a, b uniform on [0, 1]): S1 = 100/101 and 1/101, no interactions.
    assert known.loc["a", "S1"] == pytest.approx(100 / 101, abs=0.1)
    assert known.loc["b", "S1"] == pytest.approx(1 / 101, abs=0.05)
    assert known.loc["a", "ST"] > 0.9 > 0.1 > known.loc["b", "ST"]


def test_morris_indices_match_the_design(tmp_path):
    extra = "[design]\nkind = 'morris'\nsamples = 4\nlevels = 4\n" + _two(
        "policy.subsidy.yuan_per_year", "policy.anticipation.lag_months"
    )
    plan, out = _sweep(tmp_path, small(policies=("none",), replications=1, months=2, extra=extra))
    assert len(plan.runs) == 4 * (2 + 1)
    results = _fake_metric(analysis.load(out), "employed", [(0, 10_000), (0, 24)])
    table = analysis.sensitivity(results, "employed").set_index("parameter")
    # (the sweep's source, for the figure's source line: plots.source_line)
    assert table.attrs["skillsim"]["source"] == results.attrs["skillsim"]["source"]
    assert table.attrs["skillsim"]["source"]["kind"] == "sweep"
    # Elementary effects of y = 10 a + b in the unit cube are exactly 10 and 1.
    assert table.loc["a", "mu_star"] == pytest.approx(10)
    assert table.loc["b", "mu_star"] == pytest.approx(1)
    assert table.loc["a", "sigma"] == pytest.approx(0, abs=1e-9)


def test_morris_of_one_trajectory_has_no_sigma_and_no_warning(tmp_path):
    """One trajectory: an elementary effect per parameter, whose spread (sigma) is
    undefined: NaN, without numpy's division warnings on the report's stderr."""
    extra = "[design]\nkind = 'morris'\nsamples = 1\nlevels = 4\n" + _two(
        "policy.subsidy.yuan_per_year", "policy.anticipation.lag_months"
    )
    _, out = _sweep(tmp_path, small(policies=("none",), replications=1, months=2, extra=extra))
    results = _fake_metric(analysis.load(out), "employed", [(0, 10_000), (0, 24)])
    with warnings.catch_warnings(), pytest.warns(analysis.SensitivityWarning, match="1 traj"):
        warnings.simplefilter("error", RuntimeWarning)
        table = analysis.sensitivity(results, "employed").set_index("parameter")
    assert table.loc["a", "mu_star"] == pytest.approx(10)
    assert table["sigma"].isna().all()


def test_effects_of_runs_that_never_pair_say_why(paired_sweep):
    """The baseline's runs and the policy's of other seeds: nothing pairs. Once a table
    of dashes with n = 0; now a ValueError naming the runs on each side."""
    _, out = paired_sweep
    results = analysis.load(out)
    apart = results[(results["policy"] == "none") == (results["replicate"] == 0)]
    with pytest.raises(ValueError, match=r"nothing to compare \(the baseline.s runs: .*seed"):
        analysis.effects(apart)
    with pytest.raises(ValueError, match="metric_names names no metric"):
        analysis.effects(results, metric_names=[])
    twice = analysis.effects(results, metric_names=["employed", "employed"])
    assert list(twice["metric"]) == ["employed"]
    assert analysis.effects_table(twice).shape == (1, 1)


def test_a_damaged_sweep_folder_names_the_file(paired_sweep, tmp_path, capsys):
    _, out = paired_sweep
    torn = shutil.copytree(out, tmp_path / "torn", ignore=shutil.ignore_patterns(".lock"))
    (torn / "manifest.json").write_text('{"kind": "sweep",')
    assert cli.main(["effects", str(torn)]) == cli.EXIT_BAD_INPUT
    err = " ".join(capsys.readouterr().err.split())
    assert f"{torn / 'manifest.json'}: a damaged manifest" in err
    assert cli.main(["report", str(torn)]) == cli.EXIT_BAD_INPUT
    assert f"{torn / 'manifest.json'}: a damaged manifest" in capsys.readouterr().err
    # valid JSON without what the readers need (a hand edit): a message, not a KeyError
    (torn / "manifest.json").write_text('{"kind": "sweep"}')
    for command in ("effects", "report"):
        assert cli.main([command, str(torn)]) == cli.EXIT_BAD_INPUT
        err = " ".join(capsys.readouterr().err.split())
        assert "a damaged manifest" in err and "(no 'experiment')" in err, err
    run = next(p for p in (out / "runs").iterdir() if not p.name.startswith("."))
    run = shutil.copytree(run, tmp_path / "run")
    data = json.loads((run / "manifest.json").read_text())
    del data["workers"]
    (run / "manifest.json").write_text(json.dumps(data))
    assert cli.main(["report", str(run)]) == cli.EXIT_BAD_INPUT
    assert "(no 'workers')" in " ".join(capsys.readouterr().err.split())
    keep = shutil.ignore_patterns(".lock")
    undesigned = shutil.copytree(out, tmp_path / "nodesign", ignore=keep)
    (undesigned / "design.parquet").unlink()
    assert cli.main(["effects", str(undesigned)]) == cli.EXIT_BAD_INPUT
    assert f"{undesigned / 'design.parquet'}: missing" in capsys.readouterr().err


def test_sensitivity_needs_a_sobol_or_morris_design(paired_sweep):
    _, out = paired_sweep
    with pytest.raises(ValueError, match=r"sobol or morris design.*these: a sweep with no design"):
        analysis.sensitivity(analysis.load(out), "unemployment_rate")


def test_sensitivity_of_what_is_not_a_metric_or_does_not_move(tmp_path):
    extra = "[design]\nkind = 'morris'\nsamples = 2\nlevels = 4\n" + _two(
        "policy.subsidy.yuan_per_year", "policy.anticipation.lag_months"
    )
    _, out = _sweep(tmp_path, small(policies=("none",), replications=1, months=2, extra=extra))
    results = analysis.load(out)
    warnings.simplefilter("ignore", analysis.SensitivityWarning)  # (2 trajectories: few)
    for column in ("seed", "month", "point"):  # columns, not metrics
        with pytest.raises(ValueError, match=f"unknown metric {column!r}"):
            analysis.sensitivity(results, column)
    with pytest.raises(ValueError, match="did you mean 'unemployment_rate'"):
        analysis.sensitivity(results, "unemployment_rat")
    still = results.assign(employed=7)
    with pytest.warns(analysis.ConstantMetricWarning, match="same at every design point"):
        table = analysis.sensitivity(still, "employed")
    assert list(table.columns[-4:]) == list(analysis.MORRIS_COLUMNS)
    assert table[list(analysis.MORRIS_COLUMNS)].isna().all(axis=None) and len(table) == 2


def test_two_sweeps_put_together_are_not_mixed(paired_sweep):
    """Two sweeps from one root seed share run ids: concatenated, summarise averaged
    them run by run; given distinct run ids, effects paired every run with every other."""
    _, out = paired_sweep
    one = analysis.load(out)
    both = pd.concat([one, one], ignore_index=True)
    first = re.escape(repr(one["run_id"].iloc[0]))  # (named as it is, not by a code)
    with pytest.raises(ValueError, match=f"run {first} has more than one row for month 0"):
        analysis.effects(both)
    with pytest.raises(ValueError, match="has more than one row"):
        plots.paths(both, "unemployment_rate")
    apart = pd.concat([one, one.assign(run_id="b/" + one["run_id"])], ignore_index=True)
    with pytest.raises(ValueError, match="more than one run of scenario quick, policy "):
        analysis.effects(apart)


def test_effects_in_a_narrow_terminal_says_how_to_show_less(paired_sweep, capsys, monkeypatch):
    import os
    import shutil
    import sys

    _, out = paired_sweep
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a: os.terminal_size((80, 24)))
    assert cli.main(["effects", str(out)]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "the terminal 80: shown in" in err and "--metric NAME (repeat)" in err
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a: os.terminal_size((1000, 24)))
    assert cli.main(["effects", str(out)]) == 0
    err = capsys.readouterr().err
    assert "characters wide" not in err and "more than the terminal shows" not in err
    # a table longer than the terminal (a row: two lines and a rule) says how to cut it
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a: os.terminal_size((1000, 2)))
    assert cli.main(["effects", str(out)]) == 0
    err = capsys.readouterr().err
    assert "the table has 1 row, more than the terminal shows: --csv FILE writes" in err


def test_unemployment_fell_reads_the_unemployment_effects_upper_end():
    rows = [
        ("a", "p", "unemployment_rate", -0.010, -0.020, -0.001),  # clearly down
        ("b", "p", "unemployment_rate", -0.010, -0.020, 0.001),  # its interval reaches 0
        ("a", "p", analysis.COST_METRIC, 900.0, 500.0, 2000.0),
    ]
    cols = ["scenario", "policy", "metric", "effect", "ci_low", "ci_high"]
    table = pd.DataFrame(rows, columns=cols)
    assert analysis.unemployment_fell(table, {"scenario": "a", "policy": "p"})
    assert not analysis.unemployment_fell(table, {"scenario": "b", "policy": "p"})
    assert not analysis.unemployment_fell(table, {"scenario": "c", "policy": "p"})  # none


def test_effects_over_a_window_of_months_are_those_of_its_months(paired_sweep):
    """effects(months=(first, last)): the effects of the results cut to those months,
    bit for bit, the window kept in attrs; summary "final" takes month last; a window
    that starts at month 0 or past the results is refused."""
    _, out = paired_sweep
    results = analysis.load(out)
    last = int(results["month"].max())
    window = analysis.effects(results, months=(2, last - 1))
    cut = results[results["month"].between(2, last - 1)]
    pd.testing.assert_frame_equal(window, analysis.effects(cut))
    assert window.attrs["skillsim"]["months"] == [2, last - 1]
    past = analysis.effects(results, months=(2, last + 7))  # (the months there are)
    assert past.attrs["skillsim"]["months"] == [2, last]
    assert "months" not in analysis.effects(results).attrs["skillsim"]
    final = analysis.effects(results, summary="final", months=(1, last - 1))
    at = results[results["month"] == last - 1].assign(month=last)
    expected = analysis.effects(pd.concat([results[results["month"] == 0], at]), summary="final")
    pd.testing.assert_frame_equal(final, expected, check_like=True)
    summed = analysis.summarise(results, months=(3, 3)).set_index("run_id")
    month_3 = results[results["month"] == 3].set_index("run_id")
    rate = summed["unemployment_rate"]
    assert rate.tolist() == month_3["unemployment_rate"].loc[rate.index].tolist()
    for bad in ((0, 3), (3, 2), (last + 1, last + 2)):
        with pytest.raises(ValueError, match=f"months {bad[0]}-{bad[1]}: allowed"):
            analysis.effects(results, months=bad)


def test_effects_command_prints_the_table(paired_sweep, capsys, tmp_path, monkeypatch):
    _, out = paired_sweep
    csv = tmp_path / "effects.csv"
    assert cli.main(["effects", str(out), "--csv", str(csv)]) == 0
    printed = capsys.readouterr().out
    for name in ("unemployment_rate", "skill_gap_mean", "employability"):
        assert name in printed
    assert "package" in printed and "quick" in printed
    # the months it summarises, as its CSV says them (the title said "months 1..M")
    last = int(analysis.load(out)["month"].max())
    assert f"(mean of months 1-{last})" in " ".join(printed.split())  # (wrapped or not)
    assert set(pd.read_csv(csv)["summarised_months"]) == {f"mean of months 1-{last}"}
    assert cli.main(["effects", str(out), "--summary", "final"]) == 0
    assert f"(month {last})" in " ".join(capsys.readouterr().out.split())
    # a window of the policy months (past a contract length, say), said in the title and
    # the CSV; a window with month 0, backwards, or past the results refused
    window = tmp_path / "window.csv"
    assert cli.main(["effects", str(out), "--months", f"2-{last}", "--csv", str(window)]) == 0
    assert f"(mean of months 2-{last})" in " ".join(capsys.readouterr().out.split())
    assert set(pd.read_csv(window)["summarised_months"]) == {f"mean of months 2-{last}"}
    for bad in ("0-3", "3-2", "x", "2"):
        with pytest.raises(SystemExit) as stopped:
            cli.main(["effects", str(out), "--months", bad])
        assert stopped.value.code == 2
        assert f"argument --months: '{bad}' (allowed: " in capsys.readouterr().err
    assert cli.main(["effects", str(out), "--months", f"{last + 1}-{last + 5}"]) == 2
    assert f"within these results' months 1-{last}" in capsys.readouterr().err
    # a window past the results' end says the months it summarised; the final month of a
    # window is its last
    for summary, said in (("mean", f"mean of months 2-{last}"), ("final", f"month {last}")):
        past = tmp_path / f"past-{summary}.csv"
        args = ["--months", f"2-{last + 9}", "--summary", summary, "--csv", str(past)]
        assert cli.main(["effects", str(out), *args]) == 0
        shown = capsys.readouterr()
        assert f"({said})" in " ".join(shown.out.split())
        assert set(pd.read_csv(past)["summarised_months"]) == {said}
        assert (  # (and a warning: the title alone said it, an outside review)
            f"skillsim: warning: --months 2-{last + 9}: these results end at month {last}, "
            f"so months 2-{last} are summarised"
        ) in " ".join(shown.err.split())
    assert cli.main(["effects", str(out), "--months", "1-2", "--summary", "final"]) == 0
    shown = capsys.readouterr()
    assert "(month 2)" in " ".join(shown.out.split()) and "warning" not in shown.err
    # 5 seeds, or fewer for a metric undefined in some runs (a small model's few
    # apprentices: no completion in some seeds, or in any at 800 workers over 12 months)
    assert re.search(r"n = (5|[0-4]-5) paired seeds( \(fewer where [^)]*\))?;.* shares in", printed)
    saved = pd.read_csv(csv)
    assert set(saved["metric"]) >= set(metrics.NAMES) | {analysis.COST_METRIC}
    assert cli.main(["effects", str(tmp_path / "missing")]) == 2
    # A cost where unemployment did not clearly fall, or fell by less than half the rise
    # in employment, is marked, and the mark explained; elsewhere none is. (A cost of 5,000 yuan set in every row: at this
    # size the package need not raise employment clearly, and then shows no cost.)
    table = analysis.effects(analysis.load(out))
    cost = table["metric"] == analysis.COST_METRIC
    table.loc[cost, ["effect", "ci_low", "ci_high"]] = [5000.0, 4000.0, 6000.0]
    down = table["metric"] == "unemployment_rate"
    for name, value in {"employed": 10.0, "apprentices": 2.0}.items():
        table.loc[table["metric"] == name, "effect"] = value
    fewer = table["metric"] == "unemployed"
    for fell, change, unemployed in (
        (False, [-0.001, -0.004, 0.002], -7.0),  # the rate's interval reaches 0
        (True, [-0.02, -0.03, -0.01], -7.0),  # clearly down, by 7 of the 12
        (False, [-0.02, -0.03, -0.01], -5.0),  # clearly down, but 5 of the 12
    ):
        shown = table.copy()
        shown.loc[down, ["effect", "ci_low", "ci_high"]] = change
        shown.loc[fewer, "effect"] = unemployed
        monkeypatch.setattr(analysis, "effects", lambda *a, t=shown, **k: t)
        assert cli.main(["effects", str(out), "--metric", analysis.COST_METRIC]) == 0
        printed = capsys.readouterr().out
        assert "5,000" in printed
        marks = printed.count("\u2020")
        assert marks == (0 if fell else cost.sum() + 1), printed  # (+1: the note)


# ------------------------------------------------------------ a sweep not complete


def _partial(sweep: Path, out: Path, gone: int = 3, failed: int = 1) -> Path:
    """A copy of ``sweep`` as an interrupted sweep leaves it: ``gone`` runs never
    written (the last ``failed`` of them failed, as the ledger says), the manifest still
    saying "running" with the counts it had when the sweep started."""
    shutil.copytree(sweep, out, ignore=shutil.ignore_patterns(".lock"))
    ledger = pd.read_parquet(out / "ledger.parquet")
    gone_rows = ledger.index[len(ledger) - gone :]
    for run_id in ledger.loc[gone_rows, "run_id"]:
        shutil.rmtree(out / "runs" / run_id)
    ledger.loc[gone_rows, "status"] = "pending"
    if failed:
        ledger.loc[ledger.index[-failed:], ["status", "error"]] = ["failed", "Traceback: boom"]
    ledger.to_parquet(out / "ledger.parquet")
    manifest = json.loads((out / "manifest.json").read_text())
    runs = manifest["runs"]
    manifest.update(status="running", counts={"pending": runs, "done": 0, "failed": 0})
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


@pytest.mark.parametrize(
    ("execution", "tail"),
    [
        ({"executor": "processes", "jobs": None, "scheduler": None, "threads": None},
         " --executor processes"),
        ({"executor": "processes", "jobs": 4, "scheduler": None, "threads": 2},
         " --executor processes --jobs 4 --threads 2"),
        ({"executor": "serial", "jobs": None, "scheduler": None, "threads": 1},
         " --executor serial --threads 1"),
        ({"executor": "dask", "jobs": 3, "scheduler": "tcp://10.0.0.5:8786", "threads": None},
         " --scheduler tcp://10.0.0.5:8786"),
        ({"executor": "ThreadPoolExecutor", "jobs": 2, "scheduler": None, "threads": None}, ""),
        (None, ""),  # a sweep written before the manifest recorded its executor
    ],
)  # fmt: skip
def test_the_command_that_finishes_a_sweep_names_its_executor(tmp_path, execution, tail):
    manifest = {"source": "experiments/x.toml", "overrides": {"workers": 500}, "runs": 4}
    if execution is not None:
        manifest["execution"] = execution
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    command = progress.sweep_progress(tmp_path).command
    assert command == f"`skillsim sweep experiments/x.toml --out {tmp_path} --workers 500{tail}`"
    # progress keeps its own copy of the executors' names (it must not import the engine)
    assert progress._EXECUTORS == executors.EXECUTORS


def test_the_command_that_finishes_a_sweep_quotes_for_windows_there(tmp_path, monkeypatch):
    """The command was quoted for a POSIX shell only: cmd.exe does not take single
    quotes around a path with a space (an outside review of portability)."""
    manifest = {"source": "my experiments/x.toml", "runs": 4}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert "'my experiments/x.toml'" in progress.sweep_progress(tmp_path).command
    monkeypatch.setattr(progress.os, "name", "nt")
    assert '"my experiments/x.toml"' in progress._command(tmp_path, manifest)


def test_a_partial_sweep_is_loaded_with_a_warning(paired_sweep, tmp_path):
    """analysis.load (and so the notebook) of an interrupted sweep said nothing: a
    table from fewer seeds looked like the whole sweep."""
    _, out = paired_sweep
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a complete sweep: no warning at all
        whole = analysis.load(out)
    assert whole.attrs["skillsim"]["progress"] == {"runs": 10, "done": 10, "failed": 0}
    part = _partial(out, tmp_path / "part")
    with pytest.warns(analysis.IncompleteSweepWarning) as caught:
        frame = analysis.load(part)
    message = str(caught[0].message)
    assert "not complete (7 of 10 runs done, 1 failed, 2 not run yet)" in message
    assert "rerun the same sweep command" in message and f"--out {part}" in message
    assert caught[0].message.progress.done == 7 and caught[0].filename == __file__
    assert frame["run_id"].nunique() == 7
    assert frame.attrs["skillsim"]["progress"] == {"runs": 10, "done": 7, "failed": 1}
    with warnings.catch_warnings():  # analysts can filter it by its class
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", analysis.IncompleteSweepWarning)
        analysis.load(part)


def test_a_sweep_still_running_is_said_to_be(paired_sweep, tmp_path):
    """A sweep that holds its folder's lock is writing runs now: the warning said it had
    stopped and gave the command to finish it."""
    import fcntl

    _, out = paired_sweep
    part = _partial(out, tmp_path / "part")
    with (part / ".lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as SweepStore does while it runs
        with pytest.warns(analysis.IncompleteSweepWarning) as caught:
            analysis.load(part)
    message = str(caught[0].message)
    assert "this sweep is still running (7 of 10 runs done, 1 failed)" in message
    assert "load it again when it has finished" in message and "rerun" not in message
    with pytest.warns(analysis.IncompleteSweepWarning) as caught:  # the lock let go
        analysis.load(part)
    assert "rerun the same sweep command" in str(caught[0].message)


def test_a_folder_of_sweeps_is_not_a_folder_of_runs(paired_sweep, tmp_path):
    _, out = paired_sweep
    shutil.copytree(out, tmp_path / "results" / "sweep-a", ignore=shutil.ignore_patterns(".lock"))
    with pytest.raises(FileNotFoundError, match="holds sweep folders \\(sweep-a\\), not runs"):
        analysis.load(tmp_path / "results")
    # the command line's words too, of one the list names (it had named another)
    shutil.copytree(out, tmp_path / "results" / "sweep-b", ignore=shutil.ignore_patterns(".lock"))
    one = tmp_path / "results" / "sweep-a"
    with pytest.raises(FileNotFoundError, match=f"analysis.load\\('{one}'\\) \\(`skillsim effects"):
        analysis.load(tmp_path / "results")


def test_a_calibration_beside_runs_is_left_out_and_said(paired_sweep, tmp_path):
    """results/ holds calibrations and validations beside runs: loading it compared
    the calibration as a run ("they differ in workers (None workers: calibration-...)",
    an outside review). Such a folder is left out, with a warning naming it."""
    _, out = paired_sweep
    results = tmp_path / "results"
    runs = sorted((out / "runs").iterdir())[:2]
    for run in runs:
        shutil.copytree(run, results / run.name)
    other = results / "calibration-targets-20261206-010203"
    other.mkdir()
    (other / "manifest.json").write_text('{"kind": "calibration", "status": "complete"}')
    with pytest.warns(analysis.LeftOutWarning, match="left out 1 folder") as caught:
        frame = analysis.load(results)
    assert "calibration-targets-20261206-010203 (a calibration)" in str(caught[0].message)
    assert sorted(frame["run_id"].unique()) == sorted(r.name for r in runs)
    for run in runs:
        shutil.rmtree(results / run.name)
    only = "no runs here, only calibration-targets"
    with pytest.raises(FileNotFoundError, match=only), pytest.warns(analysis.LeftOutWarning):
        analysis.load(results)


def test_runs_written_after_the_last_ledger_are_counted_apart(paired_sweep, tmp_path):
    """A kill within a second of a run leaves its folder written and the ledger saying
    pending: load reads the ledger's done runs; the warning says the others are there
    (the rerun records them), and the stale manifest is not what it counts from."""
    _, out = paired_sweep
    lagging = _partial(out, tmp_path / "lag", gone=0, failed=0)
    ledger = pd.read_parquet(lagging / "ledger.parquet")
    ledger.loc[ledger.index[-2:], "status"] = "pending"  # the last flush never happened
    ledger.to_parquet(lagging / "ledger.parquet")
    with pytest.warns(analysis.IncompleteSweepWarning) as caught:
        frame = analysis.load(lagging)
    assert frame["run_id"].nunique() == 8
    assert (
        "(8 of 10 runs done; 2 more written just before it stopped, not in its ledger yet)"
        in str(caught[0].message)
    )


def test_effects_command_warns_of_a_partial_sweep(paired_sweep, tmp_path, capsys):
    """`skillsim effects` printed a full table from a partial sweep, exit 0, with no
    word that runs were missing; now a warning on stderr says how many and how to
    finish (the table is still printed, exit 0)."""
    _, out = paired_sweep
    assert cli.main(["effects", str(out)]) == 0
    captured = capsys.readouterr()
    assert "warning" not in captured.err
    # the youth NEET rate beside the unemployment rates by default (a policy that moves
    # leavers between study and work moves those through who is counted)
    assert "youth_neet_rate" in captured.out
    part = _partial(out, tmp_path / "part")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said by the command, not as a Python warning
        assert cli.main(["effects", str(part)]) == 0
    captured = capsys.readouterr()
    assert "unemployment_rate" in captured.out
    assert re.search(r"n = (3|[0-2]-3) paired seeds( \(fewer where [^)]*\))?;", captured.out)
    err = " ".join(captured.err.split())
    assert err.startswith(f"skillsim: warning: {part}: this sweep is not complete (7 of 10 runs")
    assert "rerun the same sweep command to finish it" in err and "Traceback" not in err


def test_effects_command_says_when_rows_rest_on_fewer_seeds(tmp_path, capsys):
    """The footer gave the largest n as every row's, though a missing run leaves its
    policy's rows on fewer seeds."""
    body = small(policies=("none", "package", "apprenticeship_subsidy"), months=2)
    _, out = _sweep(tmp_path, body)
    part = _partial(out, tmp_path / "part", gone=1, failed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", analysis.IncompleteSweepWarning)
        table = analysis.effects(analysis.load(part), metric_names="employed")
    counts = sorted(set(table.loc[table["metric"] == "employed", "n"]))
    assert counts == [1, 2]  # the run gone was of a policy, not of the baseline
    assert cli.main(["effects", str(part)]) == 0
    out_text = capsys.readouterr().out
    said = "n = 0-2 paired seeds (fewer where a run is missing or the metric undefined in "
    assert said + "some runs); [-, -]: fewer than two pairs, no interval;" in out_text
    # one seed: "1 paired seed" (it said "n = 1 paired seeds")
    _, one = _sweep(tmp_path / "one", small(replications=1, months=2))
    assert cli.main(["effects", str(one), "--metric", "employed"]) == 0
    assert "n = 1 paired seed; [-, -]: fewer than two pairs" in capsys.readouterr().out


def test_a_misspelled_metric_gets_a_did_you_mean(paired_sweep, capsys):
    _, out = paired_sweep
    code = cli.main(["effects", str(out), "--metric", "green_employment_shar"])
    assert code == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "--metric green_employment_shar: unknown metric" in err
    assert "(did you mean green_employment_share?)" in err
    assert "must be one of: unemployment_rate, " in err and analysis.COST_METRIC in err


def test_a_run_folder_removed_by_hand_is_named(paired_sweep, tmp_path):
    """The ledger said done of a run folder since deleted: load blamed the sweep for not
    keeping the metrics table; then it warned of runs "not run yet" before the error.
    Now the error alone, naming the runs (a renamed one too) and what to do."""
    _, out = paired_sweep
    copy = _partial(out, tmp_path / "copy", gone=0, failed=0)
    first, second = sorted((copy / "runs").iterdir())[:2]
    shutil.rmtree(first)
    second.rename(second.with_name("renamed"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no IncompleteSweepWarning first)
        with pytest.raises(FileNotFoundError) as e:
            analysis.load(copy)
    said = str(e.value)
    assert f"records 2 run(s) done whose folders are gone ({first.name}, {second.name})" in said
    assert "rerun the sweep command (`skillsim sweep " in said


def test_find_sweep_takes_the_newest_comparable_sweep_of_the_places_in_order(tmp_path):
    """``find_sweep`` (the notebook's first cell; tests/test_notebook.py runs it there):
    the places in order, the newest sweep first, skipping what cannot be compared."""
    from presenting import small_sweep

    here, repo = tmp_path / "here", tmp_path / "repo"
    older = shutil.copytree(small_sweep(), repo / "results" / "sweep-a")
    newer = shutil.copytree(small_sweep(), repo / "results" / "sweep-b")
    for run in newer.glob("runs/*__none__*"):  # stopped before its baseline's runs
        shutil.rmtree(run)
    for sweep, when in ((older, 1_000_000), (newer, 2_000_000)):
        os.utime(sweep / "manifest.json", (when, when))
    (here / "results").mkdir(parents=True)
    found, said = analysis.find_sweep(places=[here, repo])
    assert found == older.resolve()
    assert said[0] == f"using the newest sweep with the baseline policy 'none': {found}"
    assert said[1].startswith(f"  (skipped {newer}: {newer / 'runs'}: no finished runs of")
    assert analysis.find_sweep("results/sweep-a", places=[here, repo])[0] == found
    with pytest.raises(ValueError, match=r"sweep-b cannot be used: .*no finished runs"):
        analysis.find_sweep("results/sweep-b", places=[here, repo])
    with pytest.raises(FileNotFoundError, match=r"(?s)no sweep to compare policies in.*make run"):
        analysis.find_sweep(places=[here])
    # an absolute path that is not there is said so, not "in" the places; a folder of
    # sweeps named for one names a sweep in it (an outside review)
    gone = tmp_path / "gone"
    with pytest.raises(FileNotFoundError, match=f"^{gone}: no such folder$"):
        analysis.find_sweep(str(gone), places=[here, repo])
    with pytest.raises(ValueError, match=r"holds sweep folders \(sweep-a, sweep-b\), not a sweep"):
        analysis.find_sweep("results", places=[repo])


def test_find_sweep_looks_where_the_command_was_typed(tmp_path, monkeypatch):
    """`jupyter execute` runs the notebook's kernel in the notebook's folder: a relative
    SKILLSIM_SWEEP (and results/) of the shell's folder were not found."""
    from presenting import small_sweep

    shell, notebook = tmp_path / "shell", tmp_path / "notebook"
    notebook.mkdir()
    sweep = shutil.copytree(small_sweep(), shell / "results" / "sweep-a")
    monkeypatch.chdir(notebook)
    monkeypatch.setenv("PWD", str(shell))
    assert analysis.find_sweep("results/sweep-a")[0] == sweep.resolve()
    assert analysis.find_sweep()[0] == sweep.resolve()


def test_the_command_that_finishes_a_sweep_works_from_any_folder(tmp_path, monkeypatch):
    """A shipped experiment by its name, another file by its absolute path: the
    manifest's ``source`` is relative to the folder the sweep was started from."""
    shipped = experiment_cli.SHIPPED_EXPERIMENTS / "default.toml"
    assert shipped.is_file()
    own = tmp_path / "mine.toml"
    for file, shown in ((shipped, "default"), (own, str(own))):
        manifest = {"source": "x/y.toml", "source_file": str(file), "runs": 4}
        (tmp_path / "manifest.json").write_text(json.dumps(manifest))
        assert progress.sweep_progress(tmp_path).command == (
            f"`skillsim sweep {shown} --out {tmp_path}`"
        )
    # a folder given relative to here: absolute in the command too (an outside review:
    # run from another folder, the command started a new sweep there)
    monkeypatch.chdir(tmp_path.parent)
    assert progress.sweep_progress(Path(tmp_path.name)).command == (
        f"`skillsim sweep {own} --out {tmp_path}`"
    )


def test_sensitivity_of_the_effect_pairs_with_the_baseline(tmp_path):
    """of='effect': each design point's output is the mean paired effect against the
    baseline's run of the same point and seed, not the policy's level (an outside
    review: indices of the level ranked the parameters differently from the effect's,
    and the effect's could not be had). Here the policy's level is 10 a + b + 5 + noise
    and the baseline's 10 a + the same noise (common random numbers): the level's mu*
    is 10 for a; the effect's, b + 5, has mu* 0 for a and 1 for b."""
    extra = "[design]\nkind = 'morris'\nsamples = 4\nlevels = 4\n" + _two(
        "policy.subsidy.yuan_per_year", "policy.anticipation.lag_months"
    )
    body = small(policies=("none", "apprenticeship_subsidy"), replications=2, months=2, extra=extra)
    _, out = _sweep(tmp_path, body)
    results = _fake_metric(analysis.load(out), "employed", [(0, 10_000), (0, 24)])
    b = (results["b"] - 0) / 24
    noise = (results["seed"] % 7).astype(float)  # a seed's draw, shared by both policies
    a10 = results["employed"] - b
    policy = results["policy"] == "apprenticeship_subsidy"
    results["employed"] = a10 + noise + np.where(policy, b + 5, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (4 trajectories: no warning)
        level = analysis.sensitivity(results, "employed")
        effect = analysis.sensitivity(results, "employed", of="effect")
    assert set(level["policy"]) == {"none", "apprenticeship_subsidy"}
    assert (level["of"] == "level").all() and (effect["of"] == "effect").all()
    lv = level[level["policy"] == "apprenticeship_subsidy"].set_index("parameter")
    assert lv.loc["a", "mu_star"] == pytest.approx(10)
    assert lv.loc["b", "mu_star"] == pytest.approx(1)
    assert list(effect["policy"]) == ["apprenticeship_subsidy"] * 2  # the baseline has none
    ef = effect.set_index("parameter")
    assert ef.loc["a", "mu_star"] == pytest.approx(0, abs=1e-9)
    assert ef.loc["b", "mu_star"] == pytest.approx(1)
    assert ef.loc["b", "mu"] == pytest.approx(1)  # signed: the effect rises with b
    # the same of each run's last month (summary="final": an outside review's mutant
    # that reversed its sign passed every test)
    final = analysis.sensitivity(results, "employed", of="effect", summary="final")
    ff = final.set_index("parameter")
    assert ff.loc["b", "mu"] == pytest.approx(1) and ff.loc["b", "mu_star"] == pytest.approx(1)
    assert ff.loc["a", "mu_star"] == pytest.approx(0, abs=1e-9)
    assert effect.attrs["skillsim"]["baseline_policy"] == "none"
    with pytest.raises(ValueError, match=r"no runs of .package.*give baseline_policy="):
        analysis.sensitivity(results, "employed", of="effect", baseline_policy="package")
    with pytest.raises(ValueError, match="of must be 'level' or 'effect'"):
        analysis.sensitivity(results, "employed", of="effects")
    # a point whose metric is missing in one seed: its mean over the other, said
    thin = results.copy()
    thin.loc[
        (thin["policy"] == "none") & (thin["point"] == 1) & (thin["replicate"] == 0), "employed"
    ] = np.nan
    with pytest.warns(
        analysis.SensitivityWarning,
        match=r"points \[1\] have employed in fewer seeds than the rest .1 of 2",
    ):
        analysis.sensitivity(thin, "employed")
    # a policy whose metric is undefined at some point is left out, the rest kept
    gap = results.copy()
    gap.loc[(gap["policy"] == "none") & (gap["point"] == 0), "employed"] = np.nan
    with pytest.warns(
        analysis.SensitivityWarning,
        match=r"quick \| none: left out, no employed at design points \[0\]; the metric is undef",
    ):
        kept = analysis.sensitivity(gap, "employed")
    assert set(kept["policy"]) == {"apprenticeship_subsidy"}
    # a month the baseline's run leaves undefined is left out of its pair's policy run
    # too, as in effects (an outside review: the policy's mean kept it, and a point's
    # effect differed from the effects table's by up to 7 points)
    late = results.copy()
    late.loc[late["policy"] == "apprenticeship_subsidy", "employed"] += 3.0 * late["month"]
    undefined = (late["point"] % 3 == 0) & (late["month"] == 1) & (late["replicate"] == 0)
    one = late.copy()
    one.loc[undefined & (one["policy"] == "none"), "employed"] = np.nan
    both = one.copy()
    both.loc[undefined, "employed"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", analysis.SensitivityWarning)
        got = analysis.sensitivity(one, "employed", of="effect")
        want = analysis.sensitivity(both, "employed", of="effect")
        whole = analysis.sensitivity(late, "employed", of="effect")
    pd.testing.assert_frame_equal(got, want)
    assert not np.allclose(got["mu_star"], whole["mu_star"])  # (the months left out matter)


def test_sobol_second_order_and_too_few_samples(tmp_path):
    """A design with second_order also returns S2 for each pair (it cost the runs, and
    the indices were dropped); a design of too few samples warns (S1 of 2.2 with an
    interval of 0 came out of one sample, without a word)."""
    extra = "[design]\nkind = 'sobol'\nsamples = 4\nsecond_order = true\n" + _two(
        "policy.subsidy.yuan_per_year", "policy.anticipation.lag_months"
    )
    plan, out = _sweep(tmp_path, small(policies=("none",), replications=1, months=2, extra=extra))
    assert len(plan.runs) == 4 * (2 * 2 + 2)
    results = _fake_metric(analysis.load(out), "employed", [(0, 10_000), (0, 24)])
    with pytest.warns(
        analysis.SensitivityWarning, match="sobol design of 4 base samples: too few.*outside 0 to 1"
    ):
        table = analysis.sensitivity(results, "employed")
    with pytest.warns(analysis.SensitivityWarning):  # the same intervals call by call
        again = analysis.sensitivity(results, "employed")
    pd.testing.assert_frame_equal(table, again)
    pair = table[table["parameter"] == "a x b"]
    assert len(pair) == 1 and np.isfinite(pair["S2"].iloc[0]) and pair["S1"].isna().all()
    assert list(table["parameter"]) == ["a", "b", "a x b"]


def test_whole_number_parameters_load_as_the_runs_had_them(tmp_path):
    """A whole-number field takes its sampled value rounded: the loaded results (and so
    every label and effects table) show the value the runs had, 5 where 4.667 was
    sampled (an outside review); the sampled values stay in the design, which the
    sensitivity indices read."""
    extra = "[design]\nkind = 'lhs'\nsamples = 3\n" + _two(
        "policy.subsidy.yuan_per_year", "policy.anticipation.lag_months"
    )
    _, out = _sweep(tmp_path, small(policies=("none",), replications=1, months=2, extra=extra))
    results = analysis.load(out)
    sampled = pd.read_parquet(out / "design.parquet").set_index("point")
    assert not np.allclose(sampled["b"], np.round(sampled["b"]))  # (an lhs: not whole)
    per_point = results.groupby("point")[["a", "b"]].first()
    assert (per_point["b"] == np.round(sampled["b"])).all()  # as run: whole months
    assert (per_point["a"] == sampled["a"]).all()  # a yuan amount: as sampled
    points = pd.DataFrame(results.attrs["skillsim"]["points"]).set_index("point")
    assert np.allclose(points["b"], sampled["b"])  # (what sensitivity reads)
    for manifest in sorted((out / "runs").glob("*/manifest.json")):
        lag = json.loads(manifest.read_text())["config"]["policy"]["anticipation"]["lag_months"]
        assert results.loc[results["run_id"] == manifest.parent.name, "b"].iloc[0] == lag


def test_morris_of_a_rounded_whole_number_field_warns(tmp_path):
    """Morris's mu* divides by the design's step; a whole-number field whose levels are
    not whole ran other steps (a review: mu* 25% low), which is said."""
    extra = "[design]\nkind = 'morris'\nsamples = 4\nlevels = 4\n" + _two(
        "policy.subsidy.yuan_per_year", "policy.anticipation.lag_months"
    ).replace("high = 24", "high = 10")
    _, out = _sweep(tmp_path, small(policies=("none",), replications=1, months=2, extra=extra))
    with pytest.warns(analysis.SensitivityWarning, match=r"^b: whole-number fields whose runs"):
        analysis.sensitivity(analysis.load(out), "employed")
    # An unfinished sweep: the points not run yet are not rounded ones (a review saw
    # every field of a stopped sweep named, fractions too).
    results = analysis.load(out)
    unfinished = results[results["point"] != results["point"].max()]
    with (
        pytest.warns(analysis.SensitivityWarning) as said,
        pytest.raises(ValueError, match="at every design point"),
    ):
        analysis.sensitivity(unfinished, "employed")
    rounded = [str(w.message) for w in said if "whole-number" in str(w.message)]
    assert len(rounded) == 1 and rounded[0].startswith("b: whole-number"), rounded


def test_a_sweep_without_its_ledger_says_how_to_finish_it(tmp_path):
    """A sweep stopped by a full disk after its manifest and before its ledger: loading
    it said only "ledger.parquet: missing (skillsim writes it with the folder)", not what
    to do (an outside review). It names the command that finishes the sweep."""
    from presenting import small_sweep

    sweep = shutil.copytree(small_sweep(), tmp_path / "sweep")
    (sweep / "ledger.parquet").unlink()
    with pytest.raises(FileNotFoundError) as caught:
        analysis.load(sweep)
    said = str(caught.value)
    assert "ledger.parquet: missing, so this sweep stopped before it wrote its ledger" in said
    assert "rerun `skillsim sweep " in said and f"--out {sweep}" in said


def test_effects_keep_the_experiments_order():
    """The effects table, and so the figures drawn from it, lists scenarios and policies
    in the experiment's order, as the report does (an outside review: the notebook's
    forest plot sorted them by name, the report's did not). Here the order is turned
    round in the attrs, as an experiment listing them the other way round would have it."""
    from presenting import small_sweep

    from simulation import plots

    results = analysis.load(small_sweep())
    order = results.attrs["skillsim"]["order"]
    assert {k: order[k] for k in ("scenario", "policy")} == {
        "scenario": ["quick", "quick_green"],
        "policy": ["none", "apprenticeship_subsidy", "package"],
    }
    table = analysis.effects(results, metric_names=["employed"])
    pairs = list(dict.fromkeys(zip(table["scenario"], table["policy"], strict=True)))
    assert pairs == [(s, p) for s in order["scenario"] for p in order["policy"][1:]]
    results.attrs["skillsim"]["order"] = {k: v[::-1] for k, v in order.items()}
    table = analysis.effects(results, metric_names=["employed"])
    pairs = list(dict.fromkeys(zip(table["scenario"], table["policy"], strict=True)))
    assert pairs == [
        ("quick_green", "package"), ("quick_green", "apprenticeship_subsidy"),
        ("quick", "package"), ("quick", "apprenticeship_subsidy"),
    ]  # fmt: skip
    figure = plots.forest(table, "employed")  # (its first row at the top)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == ["full policy package", "apprenticeship subsidy"], labels
    # a breakdown's regions and sectors as the scenario lists them, not by name (the
    # urban core came last, after county_town and the rural counties: an outside
    # review); pooled, urban before rural
    regions = ["urban_core", "county_town", "rural_county_a", "rural_county_b"]
    assert order["region"] == regions and sorted(regions) != regions
    for kind, columns in (("region", ["region"]), ("cell", ["sector", "region"])):
        rows = analysis.load(cell_sweep(), table=kind)
        listed = rows.attrs["skillsim"]["order"]
        for orders in (listed, {k: v[::-1] for k, v in listed.items()}):
            rows.attrs["skillsim"]["order"] = orders  # (as listed, then turned round)
            table = analysis.effects(rows, metric_names=["employed"])
            for (_, _), group in table.groupby(["scenario", "policy"], sort=False):
                seen = list(dict.fromkeys(zip(*(group[c] for c in columns), strict=True)))
                want = [
                    key
                    for key in itertools.product(*(orders[c] for c in columns))
                    if key in set(seen)
                ]
                assert seen == want, (kind, seen[:3])
    pooled = analysis.effects(
        analysis.pool_regions(analysis.load(small_sweep(), table="region")),
        metric_names=["employed"],
    )
    assert list(dict.fromkeys(pooled["region"])) == ["urban", "rural"]


def test_runs_under_two_status_quos_are_not_compared_as_one_experiment(tmp_path):
    """Runs from before and after a none.toml of one's own (another status quo for the
    burn-in and month 0) were paired as one experiment's (an outside review): refused,
    as two settings of a scenario are. A manifest from before the status quo was
    recorded counts as the shipped one."""
    from simulation import cli

    for policy in ("none", "package"):
        args = ["run", "baseline", "--policy", policy, "--workers", "400", "--months", "2"]
        assert cli.main([*args, "--quiet", "--out", str(tmp_path / policy)]) == 0
    older = tmp_path / "none" / "manifest.json"
    manifest = json.loads(older.read_text())
    del manifest["config"]["status_quo"]  # (written before it was recorded)
    older.write_text(json.dumps(manifest))
    assert set(analysis.load(tmp_path)["policy"]) == {"none", "package"}
    newer = tmp_path / "package" / "manifest.json"
    manifest = json.loads(newer.read_text())
    manifest["config"]["status_quo"]["tvet_capacity"]["seat_multiplier"] = 1.5
    newer.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="they ran under different status quos"):
        analysis.load(tmp_path)


def test_load_reads_only_the_rows_asked_for():
    """``load(rows=...)`` reads a breakdown's rows of those values only, from each run's
    file: the same rows as the whole table filtered (the report's flows read the
    unemployed's rows so: region_transitions' 7 million rows made its 2.6 GB peak, an
    outside review); a column that names no rows is refused, naming those that do."""
    sweep = cell_sweep()
    for table, rows in (
        ("region_transitions", {"from_status": ["unemployed"], "urban": False}),
        ("transitions", {"from_status": ["unemployed", "employed"]}),
        ("region", {"region": "urban_core"}),
    ):
        whole = analysis.load(sweep, table=table)
        keep = np.ones(len(whole), dtype=bool)
        for column, values in rows.items():
            values = values if isinstance(values, list) else [values]
            keep &= whole[column].isin(values).to_numpy()
        read = analysis.load(sweep, table=table, rows=rows)
        assert 0 < len(read) < len(whole), table
        pd.testing.assert_frame_equal(read, whole[keep].reset_index(drop=True), check_like=False)
    with pytest.raises(ValueError, match=r"'workers' is not a column .* \(allowed: region, urban"):
        analysis.load(sweep, table="region", rows={"workers": [1]})
    with pytest.raises(ValueError, match="the metrics table has a row per month"):
        analysis.load(sweep, rows={"month": [1]})


def test_rows_of_no_such_value_are_refused_naming_the_values(tmp_path):
    """A typo in ``rows`` (a status, or "rural", a pool's name, for a region) gave an
    empty table, and ``effects`` then "no finished runs"; a text "False" for ``urban``
    pyarrow's "no kernel matching input types" (a review). Each is refused, naming the
    values allowed."""
    sweep = cell_sweep()
    for table, rows, said in (
        ("region_transitions", {"from_status": ["unemploye"]}, r"is no status \(allowed: "),
        ("region_transitions", {"urban": ["False"]}, r"is not of its values \(allowed: True"),
        ("cohort", {"cohort": [1.0]}, r"\(allowed: whole numbers"),
        ("region", {"region": ["urban_core", "rural"]}, "'rural' is in no run's region table"),
        ("sector", {"sector": ["Manufacturing"]}, "is in no run's sector table"),
    ):
        with pytest.raises(ValueError, match=said):
            analysis.load(sweep, table=table, rows=rows)
    held = analysis.load(sweep, table="region")["region"].unique()
    with pytest.raises(ValueError, match=f"allowed: {', '.join(sorted(held))}"):
        analysis.load(sweep, table="region", rows={"region": ["rural"]})
    # a folder of run folders too
    runs = tmp_path / "runs"
    runs.mkdir()
    for run in list((sweep / "runs").iterdir())[:2]:
        shutil.copytree(run, runs / run.name)
    with pytest.raises(ValueError, match="'rural' is in no run's region table"):
        analysis.load(runs, table="region", rows={"region": ["rural"]})
    sector = analysis.load(sweep, table="sector")["sector"].iloc[0]
    assert len(analysis.load(sweep, table="sector", rows={"sector": [sector]})) > 0


def test_a_runs_own_column_merged_in_is_said_to_split_the_pairs(paired_sweep):
    """``pd.merge`` drops ``attrs``; a run's covariate merged in (its seconds, from the
    ledger) was then taken for a design parameter, every effect of n = 1 without an
    interval, unsaid (a review): warned, at the caller's line; added with ``.map``
    (attrs kept) or a parameter of two sweeps put together, not."""
    _, out = paired_sweep
    results = analysis.load(out)
    ledger = pd.read_parquet(out / "ledger.parquet")
    merged = results.merge(ledger[["run_id", "seconds"]], on="run_id")
    assert not merged.attrs
    with pytest.warns(UserWarning, match="'seconds': taken for a design parameter") as said:
        table = analysis.effects(merged, metric_names="employed")
    assert said[0].filename == __file__ and (table["n"] == 1).all()
    with pytest.warns(UserWarning, match="'seconds': taken for a design parameter"):
        analysis.summarise(merged)
    mapped = results.assign(seconds=results["run_id"].map(ledger.set_index("run_id")["seconds"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert (analysis.effects(mapped, metric_names="employed")["n"] == 5).all()
        shared = merged.drop(columns="seconds").assign(a=1.0)  # (one value a point: a parameter)
        assert (analysis.effects(shared, metric_names="employed")["n"] == 5).all()


def test_rows_are_kept_as_each_file_is_read_and_pools_of_some_rows_refused(monkeypatch):
    """``rows=`` filters as parquet reads each run's file (fewer rows read than the file
    holds: the point of it, a review found no test that proved it), and says what it
    kept in ``attrs``; ``pool_regions`` refuses a table of only some destinations (its
    rates' denominators sum them all) or, without groups, of only some regions (urban
    and rural pools of part of them), and takes one of some origins."""
    import pyarrow.parquet as pq

    sweep = cell_sweep()
    read = []
    real = pd.read_parquet

    def counted(file, *args, **kwargs):
        out = real(file, *args, **kwargs)
        if Path(file).name == "region_transitions.parquet":
            read.append((kwargs.get("filters"), len(out), pq.read_metadata(file).num_rows))
        return out

    monkeypatch.setattr(pd, "read_parquet", counted)
    kept = {"from_status": ["unemployed"]}
    table = analysis.load(sweep, table="region_transitions", rows=kept)
    assert read and all(f and 0 < got < held for f, got, held in read), read
    assert table.attrs["skillsim"]["rows"] == kept
    assert len(analysis.pool_regions(table)) > 0
    whole = analysis.pool_regions(analysis.load(sweep, table="region_transitions"))
    assert len(whole) > 0
    for rows in ({"to_status": ["employed"]}, {"region": ["urban_core"]}):
        some = analysis.load(sweep, table="region_transitions", rows=rows)
        with pytest.raises(ValueError, match=r"loaded with only the rows .*allowed in rows="):
            analysis.pool_regions(some)
    # (urban kept: its pools are whole, the same as the whole table's)
    rural = analysis.load(sweep, table="region_transitions", rows={"urban": [False]})
    pd.testing.assert_frame_equal(
        analysis.pool_regions(rural), whole[whole["region"] == "rural"].reset_index(drop=True)
    )
    core = analysis.load(sweep, table="region", rows={"region": ["urban_core"]})
    with pytest.raises(ValueError, match="give pool_regions the groups"):
        analysis.pool_regions(core)
    assert set(analysis.pool_regions(core, groups={"core": ["urban_core"]})["region"]) == {"core"}
