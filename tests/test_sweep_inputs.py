"""Bad input to `skillsim sweep` and `skillsim effects`: a clear error naming the file
or option, the field and what is allowed; exit 2; nothing written, nothing overwritten."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sweeps import small, write_experiment

from simulation import analysis, cli, runner
from simulation.config_errors import ConfigError
from simulation.experiment import executors, load_experiment, make_plan, run_sweep
from simulation.experiment.store import SweepFolderError


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    """A finished sweep: none and apprenticeship_subsidy on the quick scenario, 2 seeds."""
    root = tmp_path_factory.mktemp("inputs")
    path = write_experiment(root / "exp", small())
    out = root / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    return out


@pytest.fixture(scope="module")
def regional(tmp_path_factory) -> Path:
    """A finished sweep that kept the region and region_transitions tables."""
    root = tmp_path_factory.mktemp("regional")
    keep = 'keep = ["metrics", "region", "region_transitions"]\n'
    path = write_experiment(root / "exp", small(months=8, workers=1500, extra=keep))  # (intake: 7)
    out = root / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    return out


def test_effects_of_a_breakdown_by_its_rows(regional, tmp_path, capsys, monkeypatch):
    """`skillsim effects --table T`: the effects on a breakdown, by region (pair of
    statuses, ...), its own measures by default and no cost; --pool-regions sums the
    regions into urban and rural before --where keeps to the rows asked for (a rate's
    denominator is the sum over every to_status: pooling what --where left would make
    the rate into a job 1); the CSV says which rows it is of."""
    csv = tmp_path / "rural.csv"
    argv = ["effects", str(regional), "--table", "region_transitions", "--pool-regions"]
    argv += ["--where", "from_status=unemployed", "--where", "to_status=employed"]
    assert cli.main([*argv, "--csv", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "the regions pooled into urban and rural" in out and "moved_out_rate" in out
    assert "cost:" not in out
    got = pd.read_csv(csv, dtype={"sweep_hash": str, "code_digest": str})
    assert set(got["region"]) == {"urban", "rural"}
    assert set(got["from_status"]) == {"unemployed"} and set(got["to_status"]) == {"employed"}
    assert set(got["metric"]) == {
        "workers",
        "moved_out",
        "moved_in",
        "transition_rate",
        "moved_out_rate",
    }
    assert set(got["results_table"]) == {
        "region_transitions, from_status=unemployed, to_status=employed, pooled"
    }
    pooled = analysis.effects(
        analysis.pool_regions(analysis.load(regional, table="region_transitions"))
    )
    pooled = pooled[(pooled["from_status"] == "unemployed") & (pooled["to_status"] == "employed")]
    keys = ["policy", "region", "metric"]
    mine = got.set_index(keys)["effect"].sort_index()
    assert mine.to_numpy() == pytest.approx(
        pooled.set_index(keys)["effect"].sort_index().to_numpy()
    )
    rates = pooled.loc[pooled["metric"] == "transition_rate", "policy_mean"]
    assert (rates < 0.9).all()  # (not 1: the denominator is every unemployed worker)
    assert analysis.baseline_shares(analysis.load(regional)) == {}  # (no design: no note)
    assert "note: the design sets" not in out
    # the region table, its own measures by default (in a terminal of 6 lines, more rows
    # than it shows: --where named, with the table's columns; one region's row fits)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a: os.terminal_size((1000, 6)))
    assert cli.main(["effects", str(regional), "--table", "region"]) == 0
    err = capsys.readouterr().err
    assert (
        "than the terminal shows: --where COLUMN=VALUE keeps to some of them (COLUMN: region)"
        in err
    )
    assert (
        cli.main(["effects", str(regional), "--table", "region", "--where", "region=urban_core"])
        == 0
    )
    out, err = capsys.readouterr()
    assert "more than the terminal shows" not in err
    assert "by region" in out and "urban_core" in out and "rural_county_a" not in out
    assert "unemployment_rate" in out and "net_migration" in out and "cost:" not in out
    # ... pooled into urban and rural (its shares of the sums: analysis.pool_regions)
    argv = ["effects", str(regional), "--table", "region", "--pool-regions"]
    assert cli.main([*argv, "--where", "region=rural", "--csv", str(tmp_path / "r.csv")]) == 0
    out = capsys.readouterr().out
    assert "the regions pooled into urban and rural" in out and "urban_core" not in out
    got = pd.read_csv(tmp_path / "r.csv", dtype={"sweep_hash": str, "code_digest": str})
    assert set(got["region"]) == {"rural"}
    assert set(got["results_table"]) == {"region, region=rural, pooled"}
    pooled = analysis.effects(analysis.pool_regions(analysis.load(regional, table="region")))
    pooled = pooled[pooled["region"] == "rural"].set_index(["policy", "metric"])["effect"]
    mine = got.set_index(["policy", "metric"])["effect"]
    assert mine.to_numpy() == pytest.approx(pooled.reindex(mine.index).to_numpy(), nan_ok=True)
    assert {"unemployment_rate", "skill_gap_mean"} <= set(got["metric"])
    # a sweep written before the region table had its youth counts: pooled, the youth
    # rate cannot be recomputed, so the default headline shows the rest, and says why
    old = tmp_path / "old"
    shutil.copytree(regional, old, ignore=shutil.ignore_patterns(".lock"))
    for table in old.glob("runs/*/region.parquet"):
        frame = pd.read_parquet(table)
        frame.drop(columns=["youth_labour_force", "youth_unemployed"]).to_parquet(table)
    assert cli.main(["effects", str(old), "--table", "region", "--pool-regions"]) == 0
    said = capsys.readouterr()
    assert "skillsim: warning: pool_regions: left out youth_unemployment_rate" in said.err
    assert "unemployment_rate" in said.out and "youth_unemployment_rate" not in said.out


def test_effects_on_the_tvet_seats_use_say_which_months_they_are_of(regional, tmp_path, capsys):
    """`skillsim effects --table region` on ``tvet_seat_use``, which the table gives in
    the intake months only: the effects are its effects there (the mean over the intake
    months, "final" the last intake's), and a note says so; a window without an intake
    says why every cell is empty. A sweep written before the table left the other months
    empty (its use given every month) reads the same."""
    argv = ["effects", str(regional), "--table", "region", "--pool-regions"]
    argv += ["--metric", "tvet_seat_use", "--csv"]
    assert cli.main([*argv, str(tmp_path / "mean.csv")]) == 0
    out = capsys.readouterr().out
    assert "tvet_seat_use: given only in the months school leavers choose (August of each " in out
    assert "here months 7): its mean over those months, not over every month." in out
    mean = pd.read_csv(tmp_path / "mean.csv", dtype={"sweep_hash": str, "code_digest": str})
    mean = mean[mean["metric"] == "tvet_seat_use"]
    pooled = analysis.pool_regions(analysis.load(regional, table="region"))
    at_intake = pooled[pooled["month"] == 7].groupby(["policy", "region"])["tvet_seat_use"]
    means = at_intake.mean()
    base = mean.set_index("region")["baseline_mean"]
    assert len(base) and base.to_numpy() == pytest.approx(
        means.loc["none"].reindex(base.index).to_numpy(), rel=1e-12
    )
    # "final": the last intake's, not the last month's (month 8: no intake)
    assert cli.main([*argv, str(tmp_path / "final.csv"), "--summary", "final"]) == 0
    assert "its value at the last of them" in capsys.readouterr().out
    final = pd.read_csv(tmp_path / "final.csv", dtype={"sweep_hash": str, "code_digest": str})
    final = final[final["metric"] == "tvet_seat_use"]
    assert final["baseline_mean"].to_numpy() == pytest.approx(base.to_numpy(), rel=1e-12)
    # a window without an intake: said, not a table of dashes alone
    assert cli.main([*argv, str(tmp_path / "none.csv"), "--months", "1-6"]) == 0
    assert "and none is among the months summarised: '-' throughout" in capsys.readouterr().out
    # a sweep's region tables written before: the use given every month
    old = tmp_path / "old"
    shutil.copytree(regional, old, ignore=shutil.ignore_patterns(".lock"))
    for table in old.glob("runs/*/region.parquet"):
        frame = pd.read_parquet(table)
        frame["tvet_seat_use"] = (frame["tvet_enrolled"] / frame["tvet_seats"]).where(
            frame["tvet_seats"] > 0
        )
        frame.to_parquet(table)
    new = analysis.load(regional, table="region")
    loaded = analysis.load(old, table="region")
    assert loaded["tvet_seat_use"].notna().sum() == new["tvet_seat_use"].notna().sum() > 0
    pd.testing.assert_series_equal(loaded["tvet_seat_use"], new["tvet_seat_use"])


def test_a_report_without_the_sector_table_says_so_and_captions_the_region_map_in_full(
    regional,
):
    """A sweep that kept the region table but not the sector table: the report's region
    map was captioned "The same by region." under no sector map, which nothing
    explained (an outside review)."""
    from simulation import report

    for lang, alone, missing in (
        ("en", "Where skills and jobs differ most: mean skill gap", "by sector: this sweep"),
        ("zh", "分地区、分情景的在职者平均技能差距", "按行业划分的技能差距图"),
    ):
        specs = {f.name: f for f in report.figures(report.read(regional), "paper", lang)}
        assert specs["skill_gap_by_sector"].draw is None
        assert missing in specs["skill_gap_by_sector"].caption
        region = specs["skill_gap_by_region"]
        assert region.draw is not None and alone in region.caption


def test_a_table_not_kept_is_named_from_a_sweeps_runs_folder_too(regional, capsys):
    assert cli.main(["effects", str(regional / "runs"), "--table", "cell"]) == 2
    assert "allowed here: metrics, region, region_transitions" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--where", "region=urban_core"], "--where: the metrics table has one row per run"),
        (["--table", "region", "--where", "sector=energy"], "COLUMN one of region"),
        (["--table", "region", "--where", "region"], "no VALUE; region must be one of: county"),
        (
            ["--table", "region", "--where", "region=nowhere"],
            "no such region in the region table; must be one of: county_town, rural_county_a",
        ),
        (
            ["--table", "sector", "--pool-regions"],
            "pools a region table, not sector (allowed: --pool-regions with --table region or",
        ),
        (
            ["--table", "cell"],
            "--table cell: {sweep} did not keep the cell table (a sweep keeps the tables its "
            "experiment file's keep lists); allowed here: metrics, region, region_transitions",
        ),
        (
            ["--table", "region_transitions", "--pool-regions", "--where", "region=rural_county_a"],
            "must be one of: rural, urban (the regions pooled by --pool-regions)",
        ),
        (
            ["--table", "region_transitions", "--where", "region=rural"],
            "(or, with --pool-regions, urban and rural)",
        ),
        (
            ["--table", "region_transitions", "--where", "from_status="],
            "no VALUE; from_status must be one of: apprentice, employed, ",
        ),
        (["--table", "region", "--metric", "skill_gap"], "the region table's measures in"),
    ],
)
def test_effects_of_a_breakdown_refuses_rows_it_has_not(regional, tmp_path, capsys, argv, said):
    csv = tmp_path / "e.csv"
    assert cli.main(["effects", str(regional), *argv, "--csv", str(csv)]) == 2
    assert said.format(sweep=regional) in capsys.readouterr().err
    assert not csv.exists()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# ------------------------------------------------------------ 1. effects --csv


def test_effects_csv_refuses_an_existing_file_before_any_work(sweep, tmp_path, capsys):
    precious = tmp_path / "metrics.parquet"
    precious.write_bytes(b"a finished run's table")
    with pytest.MonkeyPatch.context() as mp:  # checked before the sweep is even read
        mp.setattr(analysis, "load", lambda *a, **k: pytest.fail("loaded the sweep first"))
        assert cli.main(["effects", str(sweep), "--csv", str(precious)]) == 2
    err = capsys.readouterr().err
    assert f"--csv {precious}: the file already exists" in err, err
    assert "(allowed: a path that does not exist yet)" in err
    assert precious.read_bytes() == b"a finished run's table"
    for where in (tmp_path / "no_folder" / "e.csv", precious / "e.csv"):
        assert cli.main(["effects", str(sweep), "--csv", str(where)]) == 2
        assert f"--csv {where}:" in capsys.readouterr().err
        assert not where.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.parquet"]


def test_effects_csv_is_written_whole_or_not_at_all(sweep, tmp_path, capsys, monkeypatch):
    csv = tmp_path / "effects.csv"
    assert cli.main(["effects", str(sweep), "--csv", str(csv)]) == 0
    # (hexadecimal text, read as such: a digest 9262178e58727609 was read as inf)
    table = pd.read_csv(csv, dtype={"sweep_hash": str, "code_digest": str})
    assert {"metric", "effect", "ci_low", "ci_high"} <= set(table.columns) and len(table)
    # what the numbers are of, in every row (an outside review: the CSV said none of it)
    manifest = json.loads((sweep / "manifest.json").read_text())
    code = "+".join(analysis.code_versions(sweep).index)
    months = int(analysis.load(sweep)["month"].max())
    assert set(table["sweep_name"]) == {manifest["experiment"]["name"]}
    assert set(table["sweep_hash"]) == {manifest["sweep_hash"]}
    assert set(table["code_digest"]) == {code} and set(table["against_policy"]) == {"none"}
    assert set(table["summarised_months"]) == {f"mean of months 1-{months}"}
    assert set(table["results_table"]) == {"metrics"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["effects.csv"]  # no temporary file
    capsys.readouterr()

    # an unknown --metric is bad input: no CSV either
    args = ["effects", str(sweep), "--csv", str(tmp_path / "m.csv"), "--metric", "x"]
    assert cli.main(args) == 2
    assert "--metric x" in capsys.readouterr().err
    assert not (tmp_path / "m.csv").exists()

    real = pd.DataFrame.to_csv

    def interrupted(self, path, **kw):  # half the rows, then Ctrl-C
        real(self.iloc[: len(self) // 2], path, **kw)
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    try:  # cli.main may report the interruption itself
        status = cli.main(["effects", str(sweep), "--csv", str(tmp_path / "cut.csv")])
    except KeyboardInterrupt:
        status = None
    assert status != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["effects.csv"]

    def raced(self, path, **kw):  # another process writes the file meanwhile
        real(self, path, **kw)
        (tmp_path / "race.csv").write_text("theirs")

    monkeypatch.setattr(pd.DataFrame, "to_csv", raced)
    assert cli.main(["effects", str(sweep), "--csv", str(tmp_path / "race.csv")]) == 2
    assert (tmp_path / "race.csv").read_text() == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["effects.csv", "race.csv"]


# ------------------------------------------------------------ 2. baseline_policy


def test_baseline_policy_must_be_one_of_the_policies(tmp_path, capsys):
    body = small(policies=("apprenticeship_subsidy",), extra='baseline_policy = "none"\n')
    path = write_experiment(tmp_path / "exp", body)
    with pytest.raises(ConfigError) as err:
        load_experiment(path)
    assert err.value.field == "baseline_policy" and err.value.value == '"none"'
    assert err.value.allowed == "one of the policies: apprenticeship_subsidy"
    out = tmp_path / "out"
    for extra in ([], ["--effects"]):
        assert cli.main(["sweep", str(path), "--out", str(out), "--quiet", *extra]) == 2
        msg = capsys.readouterr().err
        assert 'exp.toml: baseline_policy = "none"' in msg, msg
        assert "one of the policies: apprenticeship_subsidy" in msg
        assert not out.exists()
    # A policy given as a .toml path is named by its file: the hint says which name.
    (tmp_path / "exp" / "mine.toml").write_text('extends = "apprenticeship_subsidy"\nname = "m"\n')
    body = small(policies=("none", "mine.toml"), extra='baseline_policy = "mine.toml"\n')
    with pytest.raises(ConfigError, match=r'the policy in mine.toml is named "m"'):
        load_experiment(write_experiment(tmp_path / "exp", body, name="toml"))
    body = small(policies=("none", "mine.toml"), extra='baseline_policy = "m"\n')
    assert load_experiment(write_experiment(tmp_path / "exp", body, name="ok")).policies


def test_a_sweep_says_its_folder_without_running(tmp_path, capsys, monkeypatch):
    """`sweep ... --folder` prints the folder the same options write or resume, named
    after the experiment's name field (here not its file's: `make run` guessed it from
    the file and its report step found nothing), and runs nothing."""
    from simulation.experiment import default_out, make_plan

    path = write_experiment(tmp_path / "exp", small(extra='name = "other"\n'), name="file")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["sweep", str(path), "--workers", "400", "--folder"]) == 0
    folder = capsys.readouterr().out.strip()
    expected = default_out(make_plan(load_experiment(path, {"workers": 400})))
    assert folder == str(expected) and folder.startswith("results/sweep-other-")
    assert cli.main(["sweep", str(path), "--folder"]) == 0  # other options, other folder
    assert capsys.readouterr().out.strip() != folder
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize(
    "name", ["a/b", "../up", "back\\slash", "two\nlines", "   ", "x" * 101, "none ", " x"]
)
def test_an_experiment_name_with_a_path_separator_is_bad_input(name, tmp_path, capsys, monkeypatch):
    """The name is part of the sweep's default folder (results/sweep-<name>-<hash>): a
    separator in it would nest the folder elsewhere; a newline split the folder printed
    over two lines, a blank name made a folder "sweep-   -...", a name of 300 characters
    a traceback (a folder's name holds at most 255 bytes), a space at an end a second
    "none" printed beside "none" (an outside review, of a policy's name)."""
    path = write_experiment(tmp_path / "exp", small(extra=f"name = {json.dumps(name)}\n"))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["sweep", str(path), "--quiet"]) == 2
    msg = capsys.readouterr().err
    assert "exp.toml: name = " in msg and "not blank, without / or \\ or control" in msg
    assert not (tmp_path / "results").exists()


def test_a_combination_of_policies_is_named_part_by_part(tmp_path):
    """Six shipped policies combined make a name of 113 bytes, past a single name's 100:
    a combination's parts are the names (each short), its run ids under 255 bytes."""
    combo = "+".join(
        [
            "apprenticeship_subsidy", "quality_apprenticeship", "skills_anticipation",
            "core_skills", "lifelong_learning_vouchers", "rural_training_access",
        ]
    )  # fmt: skip
    assert len(combo) > 100
    path = write_experiment(tmp_path / "exp", small(policies=("none", combo)))
    plan = make_plan(load_experiment(path))
    assert max(len(r.run_id.encode()) for r in plan.runs) <= 255


@pytest.mark.parametrize(
    ("extra", "field", "said"),
    [
        ("[design]\nkind = 'grid'\nlevels = 2\n", "design", "no [design] (remove it"),
        ('keep = ["metrics", "region", "metrics"]\n', "keep", "(metrics more than once)"),
    ],
)
def test_a_design_without_parameters_or_a_table_kept_twice_is_bad_input(
    extra, field, said, tmp_path, capsys
):
    """Both ran without a word (an outside review): a [design] with no parameters
    for it to vary ran one point, as if the design were not there; a table named
    twice in keep was kept once. Each is likely a mistake in the file: refused."""
    path = write_experiment(tmp_path / "exp", small(extra=extra))
    with pytest.raises(ConfigError) as err:
        load_experiment(path)
    assert err.value.field == field
    out = tmp_path / "out"
    assert cli.main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    assert f"exp.toml: {field} = " in capsys.readouterr().err
    assert said in str(err.value) and not out.exists()


def test_more_jobs_than_cores_run_as_many_as_the_cores(capsys):
    """--jobs 200 on 2 cores started a process per run up to 200, each loading the
    kernels and holding a model, without a word: now as many as the cores, with a
    note (the results do not depend on it)."""
    import argparse
    import os

    from simulation.experiment.cli import executor_of

    cores = os.cpu_count() or 1
    args = argparse.Namespace(executor=None, scheduler=None, jobs=cores + 198)
    assert executor_of(args) == "processes" and args.jobs == cores
    said = capsys.readouterr().err
    assert f"--jobs {cores + 198}: this machine has {cores} cores; {cores} runs at a time" in said
    args = argparse.Namespace(executor="dask", scheduler=None, jobs=cores)
    assert executor_of(args) == "dask" and args.jobs == cores
    assert capsys.readouterr().err == ""


def test_one_field_swept_by_two_parameters_is_bad_input(tmp_path, capsys):
    """Two parameters on one field ran (an outside review): the runs had the second's
    values, labelled with the first's. Refused, naming both."""
    extra = (
        "[design]\nkind = 'grid'\nlevels = 2\n"
        '[[parameters]]\nname = "a"\npath = "policy.subsidy.advance_share"\nlow = 0\nhigh = 1\n'
        '[[parameters]]\nname = "b"\npaths = ["policy.subsidy.clawback_share", '
        '"policy.subsidy.advance_share"]\nlow = 0\nhigh = 0.5\n'
    )
    path = write_experiment(tmp_path / "exp", small(extra=extra))
    with pytest.raises(ConfigError) as err:
        load_experiment(path)
    assert err.value.field == "parameters[1].paths"
    assert "policy.subsidy.advance_share is already set by parameters[0] (a)" in str(err.value)
    out = tmp_path / "out"
    assert cli.main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    assert not out.exists()
    twice = (
        "[design]\nkind = 'grid'\nlevels = 2\n"
        '[[parameters]]\nname = "q"\npaths = ["policy.quality.written_agreement", '
        '"policy.quality.written_agreement"]\nlow = 0\nhigh = 2\n'
    )
    path = write_experiment(tmp_path / "twice", small(extra=twice))
    with pytest.raises(ConfigError, match="written_agreement is listed twice in its paths"):
        load_experiment(path)


def test_one_policy_under_two_names_is_pointed_out(tmp_path, capsys):
    """ "a+b" and "b+a" are one policy: the sweep ran it twice and reported it twice."""
    pair = ("none", "apprenticeship_subsidy+core_skills", "core_skills+apprenticeship_subsidy")
    path = write_experiment(tmp_path / "exp", small(policies=pair))
    with pytest.raises(ConfigError) as err:
        load_experiment(path)
    assert err.value.field == "policies[2]" and err.value.allowed == "distinct policies"
    assert 'the same policy as "apprenticeship_subsidy+core_skills"' in str(err.value)
    assert cli.main(["sweep", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert 'exp.toml: policies[2] = "core_skills+apprenticeship_subsidy"' in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_one_scenario_under_two_names_is_pointed_out(tmp_path):
    """green_transition is an alias of green_transition_orderly: a sweep of both ran
    every run twice (an outside fuzz); refused as one policy under two names is."""
    body = small(extra="").replace(
        'scenarios = ["quick.toml"]',
        'scenarios = ["green_transition", "green_transition_orderly"]',
    )
    with pytest.raises(ConfigError) as err:
        load_experiment(write_experiment(tmp_path / "exp", body))
    assert err.value.field == "scenarios[1]" and err.value.allowed == "distinct scenarios"
    assert 'the same scenario as "green_transition"' in str(err.value)


def test_an_experiment_without_a_baseline_runs_but_not_with_effects(tmp_path, capsys):
    # baseline_policy left at its default: a sweep without "none" (a sensitivity
    # design, like experiments/subsidy_sensitivity.toml) is fine ...
    path = write_experiment(tmp_path / "exp", small(policies=("apprenticeship_subsidy",)))
    assert load_experiment(path).config.baseline_policy == "none"
    out = tmp_path / "out"
    # ... but --effects has nothing to measure against: refused before anything runs.
    assert cli.main(["sweep", str(path), "--out", str(out), "--quiet", "--effects"]) == 2
    err = capsys.readouterr().err
    assert "--effects:" in err and '"none" is not among its policies' in err, err
    assert not out.exists()
    only = write_experiment(tmp_path / "exp", small(policies=("none",)), name="only")
    assert cli.main(["sweep", str(only), "--out", str(out), "--quiet", "--effects"]) == 2
    assert 'only the baseline policy "none"' in capsys.readouterr().err
    assert not out.exists()
    # --effects-if-possible (what `make run` passes): the sweep runs and says why no table
    args = ["sweep", str(path), "--out", str(out), "--quiet", "--effects-if-possible"]
    assert cli.main(args) == 0
    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert "no effects table:" in said and '"none" is not among its policies' in said, said
    assert "allowed:" not in said and "mean paired difference" not in said
    assert (out / "ledger.parquet").is_file()


def test_effects_if_possible_shows_the_table_when_there_is_one(tmp_path, capsys):
    path = write_experiment(tmp_path / "exp", small(policies=("none", "apprenticeship_subsidy")))
    args = ["sweep", str(path), "--out", str(tmp_path / "o"), "--quiet", "--effects-if-possible"]
    assert cli.main(args) == 0
    shown = capsys.readouterr().out
    assert "apprenticeship_subsidy" in shown and "unemployment" in shown, shown


def test_a_policy_lever_swept_on_the_baseline_too_is_pointed_out(tmp_path, capsys):
    """A design that sets a policy field on every policy, the baseline included, measures
    no effect of that lever: the sweep says so before it runs (and runs)."""
    from simulation.experiment.cli import baseline_shares_the_design

    lever = (
        '[design]\nkind = "grid"\nlevels = 2\n[[parameters]]\nname = "subsidy"\n'
        'path = "policy.subsidy.yuan_per_year"\nlow = 0.0\nhigh = 5000.0\n'
    )
    both = write_experiment(tmp_path / "exp", small(months=1, replications=1, extra=lever))
    assert baseline_shares_the_design(load_experiment(both)) == ["subsidy"]
    out = tmp_path / "out"
    assert cli.main(["sweep", str(both), "--out", str(out), "--executor", "serial"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert 'note: subsidy set on every policy, the baseline "none" included' in err, err
    # ... and again where the effects are read (it explains their zeros): effects, report
    shared = {"subsidy": ["policy.subsidy.yuan_per_year"]}
    assert analysis.baseline_shares(analysis.load(out)) == shared
    assert cli.main(["effects", str(out)]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert (
        "note: the design sets subsidy (policy.subsidy.yuan_per_year) on every policy, the "
        'baseline "none" included, so each effect compares policies at the same setting'
    ) in said, said
    from simulation import report

    for lang, words in (("en", "The design sets subsidy"), ("zh", "本设计对所有政策")):
        assert words in report._summary(report.read(out), lang)
    alone = write_experiment(
        tmp_path / "exp",
        small(policies=("apprenticeship_subsidy",), extra=lever),
        name="alone",
    )
    assert baseline_shares_the_design(load_experiment(alone)) == []


def test_design_points_that_round_to_the_same_settings_are_pointed_out(tmp_path, capsys):
    """A grid of 4 levels over a whole-number field from 2 to 4 samples 2, 2.67, 3.33 and
    4, which run as 2, 3, 3 and 4: points 1 and 2 repeat each other, and the sweep says
    so before it runs (and runs)."""
    from simulation.experiment.plan import repeated_points

    grid = (
        '[design]\nkind = "grid"\nlevels = {levels}\n[[parameters]]\nname = "rounds"\n'
        'path = "scenario.behaviour.labour_market.matching_rounds"\nlow = 2\nhigh = 4\n'
    )
    four = write_experiment(tmp_path / "exp", small(extra=grid.format(levels=4)), "four")
    assert repeated_points(make_plan(load_experiment(four))) == [(1, 2)]
    three = write_experiment(tmp_path / "exp", small(extra=grid.format(levels=3)), "three")
    assert repeated_points(make_plan(load_experiment(three))) == []
    out = tmp_path / "out"
    args = ["sweep", str(four), "--out", str(out), "--executor", "serial", "--months", "1"]
    assert cli.main([*args, "--seeds", "1"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "note: design points 1 = 2 run with the same settings" in err, err
    # Points a morris design itself repeats (its trajectories meet; 2 levels of two
    # float fields leave four points to visit) are no rounding's: said as such (the note
    # blamed whole-number fields where there were none)
    morris = (
        '[design]\nkind = "morris"\nsamples = 4\nlevels = 2\n'
        '[[parameters]]\npath = "scenario.behaviour.labour_market.quit_rate"\n'
        "low = 0.004\nhigh = 0.02\n"
        '[[parameters]]\npath = "scenario.behaviour.apprenticeship.dropout_hazard"\n'
        "low = 0.005\nhigh = 0.05\n"
    )
    met = write_experiment(tmp_path / "exp", small(extra=morris), "met")
    args = ["sweep", str(met), "--out", str(tmp_path / "met"), "--executor", "serial"]
    assert cli.main([*args, "--months", "1", "--seeds", "1"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "are the same point of the design (a morris design's trajectories can meet)" in err
    assert "once whole-number fields" not in err, err


# ------------------------------------------------------------ 3. --scheduler


@pytest.mark.parametrize(
    "address", ["notanaddress", "tcp://host", "tcp://host:0", "tcp://host:99999",
                "http://host:8786", "tcp://:8786", "tcp://host:8786/path", "tcp://host:port"]
)  # fmt: skip
def test_a_malformed_scheduler_address_is_bad_input(address, tmp_path, capsys):
    path = write_experiment(tmp_path / "exp", small())
    out = tmp_path / "out"
    args = ["sweep", str(path), "--executor", "dask", "--scheduler", address, "--out", str(out)]
    assert cli.main([*args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"--scheduler {address}: not a Dask scheduler address" in err, err
    assert "allowed: an address of the form tcp://HOST:PORT" in err
    assert not out.exists()
    with pytest.raises(executors.ExecutorError):
        run_sweep(make_plan(load_experiment(path)), out, scheduler=address)
    assert not out.exists()


@pytest.mark.parametrize("command", [["sweep", "default"], ["validate"], ["calibrate"]])
@pytest.mark.parametrize(
    "where, said",
    [
        (["--executor", "serial"], "--executor serial runs one run at a time"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler's cluster has the workers"),
    ],
)
def test_jobs_where_it_sets_nothing_is_bad_input(command, where, said, tmp_path, capsys):
    """--jobs is the number of worker processes of the pool or of a local Dask cluster:
    with the serial executor or a running cluster it would be recorded but do nothing."""
    out = tmp_path / "out"
    argv = [*command, *where, "--jobs", "4", "--out", str(out)]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert f"--jobs 4: {said}" in err and "allowed: --jobs with --executor processes" in err
    assert not out.exists()


def test_a_changed_definition_is_named_when_resuming_is_refused(tmp_path, capsys):
    """The same experiment and options, but a scenario file edited since: the folder
    holds another sweep, and the refusal says what differs (the path in the resolved
    scenario, its value then and now), as it does for a changed option."""
    path = write_experiment(tmp_path / "exp", small(policies=("none",), replications=1))
    out = tmp_path / "out"
    argv = ["sweep", str(path), "--out", str(out), "--quiet", "--executor", "serial"]
    assert cli.main(argv) == 0
    quick = tmp_path / "exp" / "quick.toml"
    quick.write_text(quick.read_text() + "[behaviour.skills]\nlearning_rate = 0.0421\n")
    capsys.readouterr()
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "holds another sweep" in err
    assert "what differs: scenarios.quick.behaviour.skills.learning_rate was " in err
    assert "now 0.0421" in err and "scenario and policy files" in err
    quick.write_text(quick.read_text().replace("learning_rate = 0.0421", ""))
    assert cli.main([*argv, "--workers", "301"]) == 2
    assert "what differs: workers was 300, now 301" in capsys.readouterr().err


def test_a_changed_design_value_is_named_when_resuming_is_refused(tmp_path, capsys):
    """A [[parameters]] list edited since: the message names the entry and field that
    changed (it showed the list's start, cut off before the difference)."""
    design = (
        '[design]\nkind = "grid"\n[[parameters]]\nname = "rate"\n'
        'path = "scenario.behaviour.skills.learning_rate"\nvalues = [0.04, 0.05]\n'
    )
    path = write_experiment(
        tmp_path / "exp", small(policies=("none",), replications=1, extra=design)
    )
    out = tmp_path / "out"
    argv = ["sweep", str(path), "--out", str(out), "--quiet", "--executor", "serial"]
    assert cli.main(argv) == 0
    path.write_text(path.read_text().replace("[0.04, 0.05]", "[0.04, 0.06]"))
    capsys.readouterr()
    assert cli.main(argv) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "what differs: parameters[0].values[1] was 0.05, now 0.06;" in err


def test_well_formed_scheduler_addresses():
    for address in ("tcp://127.0.0.1:8786", "tls://sched.example.org:8786", "[::1]:8786"):
        assert executors.check_scheduler(address) == address


def test_a_scheduler_that_does_not_answer_leaves_no_folder(tmp_path, capsys):
    pytest.importorskip("distributed")
    import dask

    path = write_experiment(tmp_path / "exp", small())
    out = tmp_path / "out"
    args = ["sweep", str(path), "--scheduler", "tcp://127.0.0.1:1", "--out", str(out), "--quiet"]
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "--scheduler tcp://127.0.0.1:1: no Dask scheduler answered there" in err, err
    assert not out.exists()
    # Refused: said by the probe before Dask's client (whose wait is 30 s by default).
    assert cli.main(args) == 2
    assert "(connection refused at 127.0.0.1:1)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [["validate", "baseline", "--seeds", "2", "--workers", "2000", "--months", "24"],
     ["calibrate", "--budget", "1"]],
    ids=["validate", "calibrate"],
)  # fmt: skip
def test_validate_and_calibrate_check_the_scheduler_too(command, tmp_path, capsys):
    """The same checks as a sweep's: a malformed address, then one where no scheduler
    answers; exit 2 and no folder either way."""
    pytest.importorskip("distributed")
    import dask

    out = tmp_path / "out"
    assert cli.main([*command, "--scheduler", "nohost", "--out", str(out), "--quiet"]) == 2
    assert "--scheduler nohost: not a Dask scheduler address" in capsys.readouterr().err
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        args = [*command, "--scheduler", "tcp://127.0.0.1:1", "--out", str(out), "--quiet"]
        assert cli.main(args) == 2
    assert "no Dask scheduler answered there" in capsys.readouterr().err
    assert not out.exists()


def test_a_bad_scheduler_address_does_not_import_dask(tmp_path):
    path = write_experiment(tmp_path / "exp", small())
    code = (
        "import sys; from simulation import cli; "
        f"rc = cli.main(['sweep', {str(path)!r}, '--scheduler', 'nohost', '--quiet']); "
        "print(rc, 'distributed' in sys.modules, 'dask' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["2", "False", "False"], done.stderr


# ------------------------------------------------------------ 4. effects of what


def test_effects_of_a_single_run_folder(sweep, capsys):
    run = sweep / "runs" / "quick__none__r0"
    assert json.loads((run / "manifest.json").read_text())["kind"] == "run"
    assert cli.main(["effects", str(run)]) == 2
    err = capsys.readouterr().err
    assert f"{run} is a single run, not a sweep" in err, err
    assert "effects compares policies across a sweep's seeds" in err


def test_effects_when_only_the_baseline_finished(sweep, tmp_path, capsys):
    copy = tmp_path / "sweep"
    shutil.copytree(sweep, copy)
    ledger = pd.read_parquet(copy / "ledger.parquet")
    ledger.loc[ledger["policy"] != "none", "status"] = "failed"
    ledger.to_parquet(copy / "ledger.parquet")
    assert cli.main(["effects", str(copy)]) == 2
    err = capsys.readouterr().err
    assert f"{copy}: no policy besides the baseline 'none' has finished runs" in err, err
    with pytest.raises(ValueError, match="no policy besides the baseline"):
        analysis.effects(copy)
    ledger["status"] = "pending"  # nothing finished at all
    ledger.to_parquet(copy / "ledger.parquet")
    assert cli.main(["effects", str(copy)]) == 2
    assert f"{copy}: no finished runs" in capsys.readouterr().err


def _fails_but_the_baseline(real):
    """``runner.simulate`` whose runs of any policy but "none" fail."""

    def failing(run, **options):
        if run.policy.name != "none":
            raise RuntimeError("injected failure")
        return real(run, **options)

    return failing


def test_sweep_effects_after_failed_runs_exits_1_not_2(tmp_path, monkeypatch, capsys):
    path = write_experiment(tmp_path / "exp", small())
    monkeypatch.setattr(runner, "simulate", _fails_but_the_baseline(runner.simulate))
    out = tmp_path / "out"
    args = ["sweep", str(path), "--executor", "serial", "--threads", "1", "--out", str(out)]
    assert cli.main([*args, "--quiet", "--effects"]) == 1
    err = " ".join(capsys.readouterr().err.split())  # as one line, however wrapped
    assert "no effects table:" in err and "no policy besides the baseline" in err, err


def test_a_resumed_sweep_says_its_report_is_of_fewer_runs(tmp_path, monkeypatch, capsys):
    """A report made of a sweep that stopped short still read "not complete (11 of 36
    runs done)" after the sweep was resumed and finished (an outside review): the
    resumed sweep says the folder's reports are of fewer runs, and how to write them
    again."""
    path = write_experiment(tmp_path / "exp", small())
    out = tmp_path / "out"
    args = ["sweep", str(path), "--executor", "serial", "--threads", "1", "--out", str(out)]
    with monkeypatch.context() as m:
        m.setattr(runner, "simulate", _fails_but_the_baseline(runner.simulate))
        assert cli.main(args) == 1
    for page in ("report.html", "report-zh.html"):
        (out / page).write_text("<html>an earlier report</html>")
    capsys.readouterr()
    assert cli.main(args) == 0  # (the failed runs run again, and finish)
    err = " ".join(capsys.readouterr().err.split())
    assert (
        f"note: report.html and report-zh.html in {out} were made before the 2 runs "
        f"finished now, from fewer: `skillsim report {out}` and `skillsim report {out} "
        "--lang zh` to write them again"
    ) in err, err
    assert cli.main(args) == 0  # (nothing left to run: no note)
    assert "was made before" not in capsys.readouterr().err


# ------------------------------------------------------------ 5, 6. --out


def test_out_that_is_a_run_folder_or_unknown(sweep, tmp_path, capsys):
    path = write_experiment(tmp_path / "exp", small())
    run = tmp_path / "run"
    shutil.copytree(sweep / "runs" / "quick__none__r0", run)
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "manifest.json").write_text("{not json")
    for folder, what in ((run, "a single run"), (odd, "unknown content")):
        before = _snapshot(folder)
        assert cli.main(["sweep", str(path), "--out", str(folder), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert f"{folder} is not a sweep folder: it holds {what}" in err, err
        assert "results are never overwritten" in err and "another sweep" not in err
        assert _snapshot(folder) == before and not (folder / "runs").exists()
    with pytest.raises(SweepFolderError, match="a single run"):
        run_sweep(make_plan(load_experiment(path)), run, executor="serial")


def test_out_that_is_or_is_under_a_file(tmp_path, capsys):
    path = write_experiment(tmp_path / "exp", small())
    file = tmp_path / "notes.txt"
    file.write_text("mine")
    for out in (file, file / "sub", file / "sub" / "deeper"):
        assert cli.main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert f"{file} is a file" in err and "never overwritten" in err, err
        assert file.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp", "notes.txt"]
    with pytest.raises(SweepFolderError, match="is a file"):
        run_sweep(make_plan(load_experiment(path)), file / "sub", executor="serial")


def test_the_manifest_records_what_the_command_line_set(tmp_path):
    path = write_experiment(tmp_path / "exp", small(months=3, replications=1))
    out = tmp_path / "out"
    args = ["sweep", str(path), "--months", "2", "--executor", "serial", "--quiet"]
    assert cli.main([*args, "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["overrides"] == {"months": 2}
    assert manifest["experiment"]["months"] == 2


def test_a_first_sweep_says_its_workers_compile_first(tmp_path, monkeypatch, capsys):
    """On a machine whose numba cache is cold, a sweep's workers compile the kernels
    before their first run: minutes with no run finished, which an outside review took
    for a hang. The sweep says so, for a pool on this machine; not in a warm cache, and
    not for serial runs (the run's own line says it compiles) or a remote cluster."""
    from simulation.experiment import cli as sweep_cli

    path = write_experiment(tmp_path / "exp", small(policies=("none",), replications=1))
    said = "each worker process compiles them before its first run"
    for cold, executor, shown in ((True, "processes", True), (False, "processes", False),
                                  (True, "serial", False)):  # fmt: skip
        monkeypatch.setattr(sweep_cli, "_cold_cache", lambda cold=cold: cold)
        out = tmp_path / f"out-{cold}-{executor}"
        args = ["sweep", str(path), "--out", str(out), "--executor", executor, "--jobs", "1"]
        if executor == "serial":
            args = args[:-2]
        assert cli.main(args) == 0
        assert (said in " ".join(capsys.readouterr().err.split())) == shown, (cold, executor)
