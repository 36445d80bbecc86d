"""Calibration: the targets file, the moments, the search, the command, and the shipped
baseline inside the target ranges."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation import cli, loading, runner
from simulation.calibration import config as cconfig
from simulation.calibration import fit, moments, output
from simulation.config_errors import ConfigError
from simulation.experiment.executors import Outcome, run_serial

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "calibration" / "targets.toml"

TINY = """
name = "tiny"
scenario = "baseline"
policy = "none"
workers = 600
months = 6
replications = 2
root_seed = 5
budget = 4

[[targets]]
moment = "unemployment_rate"
value = 0.05
low = 0.03
high = 0.07
source = "a test"

[[targets]]
moment = "apprenticeship_dissolution_share"
value = 0.27
low = 0.2
high = 0.35
source = "a test"

[[parameters]]
path = "scenario.behaviour.labour_market.quit_rate"
low = 0.004
high = 0.02
{extra}
"""


def _write(tmp_path: Path, text: str, name: str = "tiny.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# ------------------------------------------------------------------ moments


def test_dissolution_share_sums_flows_over_the_window():
    m = pd.DataFrame(
        {
            "month": [0, 1, 2, 3],
            "apprenticeship_completions": [100, 3, 5, 2],
            "apprenticeship_dissolutions": [100, 1, 0, 3],
        }
    )
    w = moments.window(m, 1, 3)
    got = moments.MOMENTS["apprenticeship_dissolution_share"].compute(w, {}, None)
    assert got == pytest.approx(4 / 14)
    none = moments.window(
        m.assign(apprenticeship_completions=0, apprenticeship_dissolutions=0), 1, 3
    )
    assert math.isnan(moments.MOMENTS["apprenticeship_dissolution_share"].compute(none, {}, None))


def test_youth_season_is_august_minus_june_of_the_same_years():
    """Each year's August minus its June (month 0 = January), averaged over the years
    whose June and August are both in the window: a window with a June but not its
    August (or the reverse) does not pair months of different years, and a trend
    does not leak into the rise."""
    season = moments.MOMENTS["urban_youth_unemployment_season"]
    months = np.arange(0, 40)
    rise = {7: 0.05, 19: 0.07, 31: 0.03}  # Augusts of years 0-2 (its Junes: 5, 17, 29)
    rate = 0.10 + 0.002 * months + np.array([rise.get(int(t), 0.0) for t in months])
    m = pd.DataFrame({"month": months, "urban_youth_unemployment_rate": rate})
    trend = 0.002 * 2  # (two months from June to August)
    got = season.compute(moments.window(m, 1, 39), {}, None)
    assert got == pytest.approx(trend + (0.05 + 0.07 + 0.03) / 3)
    # months 6-30: Augusts 7 and 19 have their Junes (17, 29 is June too, but 31 is out)
    got = season.compute(moments.window(m, 6, 30), {}, None)
    assert got == pytest.approx(trend + 0.07)  # year 1 only: 5 is before, 31 after
    assert math.isnan(season.compute(moments.window(m, 8, 16), {}, None))
    assert season.needs(8, 16) is not None and season.needs(1, 60) is None
    assert season.needs(5, 7) is None and season.needs(6, 19) is None


def test_a_season_target_needs_a_window_with_a_summer(tmp_path, capsys):
    """A window with no June and August of one year leaves the season undefined at every
    point (the objective would be infinite everywhere): refused when the targets file
    is read, with what the window must hold, blamed on --months when that set it."""
    extra = """
[[targets]]
moment = "urban_youth_unemployment_season"
value = 0.056
low = 0.04
high = 0.072
source = "a test"
"""
    text = TINY.format(extra="").replace(
        'source = "a test"\n\n[[parameters]]', 'source = "a test"\n' + extra + "\n[[parameters]]", 1
    )
    assert "urban_youth_unemployment_season" in text
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        cconfig.load_calibration(path)
    assert "targets[2].moment" in str(err.value) and "a June and the August after it" in str(
        err.value
    )
    assert "months 1-6" in str(err.value)
    assert cconfig.load_calibration(path, {"months": 7}).config.months == 7  # (June 5, August 7)
    longer = _write(tmp_path, text.replace("months = 6\n", "months = 12\n"), "longer.toml")
    assert cconfig.load_calibration(longer).config.months == 12
    out = tmp_path / "out"
    args = ["calibrate", str(longer), "--months", "6", "--out", str(out), "--executor", "serial"]
    assert cli.main(args) == 2
    assert "(command line): --months = 6" in capsys.readouterr().err
    assert not out.exists()


def test_rural_share_reads_the_region_table():
    run = loading.resolve_run("baseline", ("none",), 1000, 2, 0)
    names = [r.name for r in run.scenario.world.regions]
    urban = {r.name: r.urban for r in run.scenario.world.regions}
    rows = []
    for month in (0, 1, 2):
        for name in names:
            rows.append({"month": month, "region": name, "labour_force": 30 if urban[name] else 10})
    region = pd.DataFrame(rows)
    m = moments.window(pd.DataFrame({"month": [0, 1, 2]}), 1, 2)
    n_rural = sum(not u for u in urban.values())
    want = 10 * n_rural / (10 * n_rural + 30 * (len(names) - n_rural))
    assert moments.MOMENTS["rural_resident_share"].compute(m, {"region": region}, run) == (
        pytest.approx(want)
    )


def test_every_catalogue_metric_is_a_moment():
    from simulation import metrics

    assert set(metrics.NAMES) <= set(moments.MOMENTS)
    assert moments.tables_needed(["unemployment_rate", "rural_resident_share"]) == ("region",)


# ---------------------------------------------------------------- the file


def test_shipped_targets_file_loads_with_sources():
    cal = cconfig.load_calibration(TARGETS)
    cfg = cal.config
    wanted = {
        "urban_unemployment_rate",  # NBS surveys urban areas only
        "urban_youth_unemployment_rate",
        "rural_resident_share",
        "apprenticeship_dissolution_share",
        "apprenticeship_retention_rate",
        "apprenticeship_wage_premium_like_for_like",  # net of sorting, as the studies compare
    }
    assert wanted <= {t.moment for t in cfg.targets}
    assert all(len(t.source) > 20 for t in cfg.targets)
    assert cal.start() is not None  # the shipped baseline lies inside the search box


def test_start_is_the_scenario_only_when_a_parameters_fields_agree(tmp_path):
    """A parameter that sets two fields together starts from the scenario's value only
    if both hold it: otherwise no value of the parameter is the scenario as it is."""
    cal = cconfig.load_calibration(_write(tmp_path, TINY.format(extra="")))
    assert cal.start() == [cal.scenario.behaviour.labour_market.quit_rate]
    both = TINY.replace(
        'path = "scenario.behaviour.labour_market.quit_rate"',
        'paths = ["scenario.behaviour.labour_market.quit_rate", '
        '"scenario.behaviour.apprenticeship.dropout_hazard"]',
    ).replace("low = 0.004\nhigh = 0.02", "low = 0.001\nhigh = 0.05")
    cal = cconfig.load_calibration(_write(tmp_path, both.format(extra=""), "both.toml"))
    lm, ap = cal.scenario.behaviour.labour_market, cal.scenario.behaviour.apprenticeship
    assert lm.quit_rate != ap.dropout_hazard  # (else this test shows nothing)
    assert cal.start() is None


@pytest.mark.parametrize(
    ("change", "field", "allowed"),
    [
        (
            ('moment = "unemployment_rate"', 'moment = "unemploymnet_rate"'),
            "targets[0].moment",
            "moment",
        ),
        (("value = 0.05", "value = 0.09"), "targets[0]", "value must lie in"),
        (  # a target twice: the message names which (it named neither)
            ('moment = "apprenticeship_dissolution_share"', 'moment = "unemployment_rate"'),
            "targets",
            "targets[1] repeats targets[0] (unemployment_rate)",
        ),
        (  # a share written in percent was fitted (5 for 5%)
            ("value = 0.05\nlow = 0.03\nhigh = 0.07", "value = 5\nlow = 3\nhigh = 7"),
            "targets[0].value",
            "a share from 0 to 1 (5.5% is 0.055)",
        ),
        (("high = 0.02", "high = 0.9"), "parameters[0].high", "0.5"),
        (  # the path as the file writes it (it was shown as a list)
            ("scenario.behaviour.labour_market.quit_rate", "policy.subsidy.yuan_per_year"),
            'parameters[0].path = "policy.subsidy.yuan_per_year"',
            "scenario.",
        ),
        (('scenario = "baseline"', 'scenario = "baseline_x"'), "scenario", "one of"),
        (("workers = 600", "workers = 6"), "workers", "100"),
        (  # a parameter named as a moment: evaluations.parquet lost one of the two
            ('path = "scenario.behaviour.labour_market.quit_rate"',
             'name = "unemployment_rate"\npath = "scenario.behaviour.labour_market.quit_rate"'),
            "parameters[0].name",
            "not a target's moment",
        ),
        (('path = "scenario.', 'name = "objective"\npath = "scenario.'), "parameters[0].name",
         "cpu_seconds"),
    ],
)  # fmt: skip
def test_bad_targets_file_names_file_field_and_allowed(tmp_path, change, field, allowed):
    path = _write(tmp_path, TINY.format(extra="").replace(*change))
    with pytest.raises(ConfigError) as info:
        cconfig.load_calibration(path)
    text = str(info.value)
    assert "tiny.toml" in text and field in text and allowed in text


def test_bad_targets_file_exits_2_and_writes_nothing(tmp_path, capsys):
    path = _write(tmp_path, TINY.format(extra="").replace("low = 0.004", "low = -1.0"))
    out = tmp_path / "out"
    assert cli.main(["calibrate", str(path), "--out", str(out), "--executor", "serial"]) == 2
    err = capsys.readouterr().err
    assert "tiny.toml" in err and "parameters[0].low" in err
    assert not out.exists() and not list(tmp_path.glob(".out*"))
    assert cli.main(["calibrate", "no_such_targets"]) == 2
    assert "TARGETS" in capsys.readouterr().err


# --------------------------------------------------------------- the search


def _fake_batch(response):
    """A batch that computes a run's metrics from its configuration, without a model:
    the search is tested on a function whose optimum is known."""

    def batch(tasks):
        for task in tasks:
            cfg = task.config
            frame = pd.DataFrame({"month": np.arange(cfg.months + 1)})
            for name, value in response(cfg).items():
                frame[name] = value
            result = runner.RunResult(cfg, frame, {}, {})
            yield Outcome(task.run_id, result)

    return batch


def test_search_finds_a_known_optimum(tmp_path):
    extra = """
[[parameters]]
path = "scenario.behaviour.apprenticeship.dropout_hazard"
low = 0.005
high = 0.03
"""
    cal = cconfig.load_calibration(_write(tmp_path, TINY.format(extra=extra)))

    def response(cfg):  # unemployment rises with quits; dissolution with dropout
        lm, ap = cfg.scenario.behaviour.labour_market, cfg.scenario.behaviour.apprenticeship
        noise = (cfg.seed % 7) * 1e-4  # seeds differ, common to every point
        return {
            "unemployment_rate": 6.0 * lm.quit_rate + noise,  # target 0.05 at quit 0.00833
            "apprenticeship_completions": 10.0,
            "apprenticeship_dissolutions": 10.0 * ap.dropout_hazard / (0.04 - ap.dropout_hazard),
        }

    seen = []
    result = fit.calibrate(cal, _fake_batch(response), budget=40, on_evaluation=seen.append)
    assert len(result.evaluations) <= 41 and len(seen) == len(result.evaluations)
    assert [e.stage for e in result.evaluations][:1] == ["start"]
    best = result.fitted
    quit_rate, dropout = best.x
    mean_noise = np.mean([(s % 7) * 1e-4 for s in result.seeds])
    assert quit_rate == pytest.approx((0.05 - mean_noise) / 6.0, rel=0.05)
    # dissolution share d / (c + d) = 0.27 at dropout 0.27 * 0.04 = 0.0108
    assert dropout == pytest.approx(0.0108, rel=0.05)
    assert best.objective < 0.05 and best.objective < result.evaluations[0].objective / 100
    table = output.target_table(result)
    assert table["inside"].all() and list(table["moment"]) == [
        "unemployment_rate",
        "apprenticeship_dissolution_share",
    ]
    assert (table["ci_low"] <= table["simulated"]).all()


def _quit_rate_response(completions: float, dissolutions: float):
    """A stand-in for the model: unemployment six times the quit rate, fixed counts of
    apprenticeship completions and dissolutions."""

    def response(cfg):
        return {
            "unemployment_rate": 6.0 * cfg.scenario.behaviour.labour_market.quit_rate,
            "apprenticeship_completions": completions,
            "apprenticeship_dissolutions": dissolutions,
        }

    return response


def test_lhs_share_zero_refines_from_the_scenario(tmp_path):
    text = TINY.format(extra="").replace("budget = 4", "budget = 9\nlhs_share = 0.0")
    cal = cconfig.load_calibration(_write(tmp_path, text))
    result = fit.calibrate(cal, _fake_batch(_quit_rate_response(7.0, 3.0)))
    stages = [e.stage for e in result.evaluations]
    assert stages[:2] == ["start", "jacobian"] and "lhs" not in stages
    assert result.evaluations[0].x == (cal.scenario.behaviour.labour_market.quit_rate,)
    assert result.fitted.x[0] == pytest.approx(0.05 / 6.0, rel=0.01)


def test_objective_and_interval():
    cal = cconfig.load_calibration(TARGETS)
    at_target = {t.moment: t.value for t in cal.config.targets}
    assert fit.objective(cal, at_target) == 0.0
    edge = dict(at_target, urban_unemployment_rate=0.056)  # one target at its upper edge
    assert fit.objective(cal, edge) == pytest.approx(((0.056 - 0.0515) / 0.004) ** 2)
    assert fit.objective(cal, dict(at_target, urban_unemployment_rate=math.nan)) == math.inf
    mean, sd, low, hi = fit.interval([1.0, 2.0, 3.0])
    assert (mean, sd) == (2.0, 1.0) and hi - mean == pytest.approx(4.302653 / math.sqrt(3))
    assert mean - low == pytest.approx(hi - mean)
    # Two seeds of a share near zero: the t interval would reach below it.
    share = moments.MOMENTS["apprenticeship_dissolution_share"].bounds
    _, _, low, hi = fit.interval([0.001, 0.02], bounds=share)
    assert low == 0.0 and 0.02 < hi < 1.0
    assert moments.MOMENTS["urban_unemployment_rate"].bounds == (0.0, 1.0)
    assert moments.MOMENTS["apprenticeship_wage_premium"].bounds[0] == -1.0  # a premium can be < 0


# -------------------------------------------------------------- the command


def test_calibrate_command_writes_the_folder(tmp_path, capsys):
    path = _write(tmp_path, TINY.format(extra=""))
    out = tmp_path / "out"
    code = cli.main(["calibrate", str(path), "--out", str(out), "--executor", "serial"])
    assert code == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        "evaluations.parquet",
        "fit.csv",
        "fitted.toml",
        "manifest.json",
        "moments.parquet",
        "report.md",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "calibration" and manifest["status"] == "complete"
    evals = pd.read_parquet(out / "evaluations.parquet")
    assert len(evals) == manifest["points"] <= 5 and evals["stage"].iloc[0] == "start"
    moments_long = pd.read_parquet(out / "moments.parquet")
    assert len(moments_long) == len(evals) * 2 * 2  # points x seeds x moments
    table = pd.read_csv(out / "fit.csv")
    assert list(table["moment"]) == ["unemployment_rate", "apprenticeship_dissolution_share"]
    fitted = loading.load_scenario(out / "fitted.toml")  # a scenario that loads
    label = "scenario.behaviour.labour_market.quit_rate"  # a parameter without a name
    best = evals.loc[evals["point"] == manifest["fitted_point"], label].iloc[0]
    assert fitted.behaviour.labour_market.quit_rate == pytest.approx(best)
    assert fitted.name == "baseline_fitted"  # its runs are not taken for the shipped baseline's
    assert "quit_rate" in (out / "report.md").read_text()
    text = capsys.readouterr().out
    assert "unemployment_rate" in text and "complete" in text
    # never overwritten
    assert cli.main(["calibrate", str(path), "--out", str(out), "--executor", "serial"]) == 2


@pytest.mark.parametrize("name", ["x/../../escaped", "a/b", "a\\\\b"])
def test_a_calibration_name_that_is_no_folder_name_is_refused_without_out(
    tmp_path, monkeypatch, capsys, name
):
    """Without --out a calibration is written to results/calibration-<name>-<time>: a
    name holding a separator wrote outside results/ (or into a nested folder), exit 0
    (an outside review found it). Refused, nothing written; with --out it runs."""
    project = tmp_path / "deep" / "project"
    project.mkdir(parents=True)
    monkeypatch.chdir(project)
    text = TINY.format(extra="").replace('name = "tiny"', f'name = "{name}"')
    path = _write(tmp_path, text.replace("budget = 4", "budget = 1"))
    before = sorted(tmp_path.rglob("*"))
    assert cli.main(["calibrate", str(path), "--executor", "serial", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "name = " in err and "without / or" in err
    assert sorted(tmp_path.rglob("*")) == before  # nothing written anywhere
    out = tmp_path / "given"
    argv = ["calibrate", str(path), "--executor", "serial", "--quiet", "--out", str(out)]
    capsys.readouterr()
    assert cli.main(argv) == 0
    assert (out / "fitted.toml").exists()
    # --quiet: the folder alone on standard output, for out=$(skillsim calibrate ...) (it
    # printed the table and a status line too)
    assert capsys.readouterr().out == f"{out}\n"


def test_a_search_without_parameters_is_bad_input(tmp_path, capsys):
    """A targets file without [[parameters]] and a budget above 1 ran one point and
    wrote a fitted.toml that fitted nothing, exit 0 (an outside review). Refused; with
    a budget of 1 (the scenario checked as it is) it runs."""
    text = TINY.format(extra="")
    text = text[: text.index("[[parameters]]")]
    path = _write(tmp_path, text)
    out = tmp_path / "out"
    assert cli.main(["calibrate", str(path), "--out", str(out), "--executor", "serial"]) == 2
    err = capsys.readouterr().err
    assert "tiny.toml" in err and "no [[parameters]] to search, and budget = 4" in err
    assert not out.exists()
    argv = ["calibrate", str(path), "--out", str(out), "--executor", "serial", "--budget", "1"]
    assert cli.main([*argv, "--quiet"]) == 0
    assert (out / "fitted.toml").exists()


@pytest.mark.parametrize(
    ("executor", "stops", "sig"),
    [("serial", 1, "SIGINT"), ("processes", 2, "SIGINT"), ("serial", 1, "SIGTERM")],
    ids=["serial-one-ctrl-c", "processes-two-ctrl-c", "serial-sigterm"],
)
def test_interrupted_calibration_keeps_its_points(tmp_path, executor, stops, sig):
    """Ctrl-C mid-search: exit 130, and the folder holds every point finished so far.
    Also when Ctrl-C is pressed twice 50 ms apart (an outside review: the second one
    landed while the folder was written, and none was left)."""
    # (a moment every tiny run defines: 600 workers have no apprenticeship dissolved in 6
    # months, and a search whose every point is undefined ends before the stop comes)
    text = TINY.format(extra="").replace("budget = 4", "budget = 400")
    text = text.replace('"apprenticeship_dissolution_share"', '"youth_unemployment_rate"')
    path = _write(tmp_path, text)
    out = tmp_path / "out"
    args = ["calibrate", str(path), "--out", str(out), "--executor", executor]
    args += ["--jobs", "2"] if executor == "processes" else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulation.cli", *args],
        cwd=ROOT,
        # Ctrl-C's default handling, as a terminal's command has it (a suite run in the
        # background, under nohup, passes SIGINT ignored, and Python keeps it so)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    for line in proc.stderr:  # progress lines: one per finished point
        seen.append(line)
        if sum("objective" in s for s in seen) >= 3:
            break
    for k in range(stops):
        time.sleep(0.05 * (k > 0))
        proc.send_signal(getattr(signal, sig))
    rest = proc.stderr.read()
    # (SIGTERM, a batch scheduler's stop, is said as such: it was "interrupted" too)
    word = "interrupted" if sig == "SIGINT" else "stopped"
    assert proc.wait(timeout=120) == (130 if sig == "SIGINT" else 143), "".join(seen) + rest
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == word
    evals = pd.read_parquet(out / "evaluations.parquet")
    assert 3 <= len(evals) < 400 and (out / "fit.csv").is_file()
    assert not list(tmp_path.glob(".out*"))
    # the file a user copies says so itself (it said only "N points, objective x")
    first = (out / "fitted.toml").read_text().splitlines()[0]
    assert (
        first
        == f"# {word.upper()} after {len(evals)} of 400 points: the best point so far, not a finished search."
    )
    # the command that fits it again names the targets file from anywhere (it was the
    # path relative to where the calibration ran)
    assert f"`skillsim calibrate {path.resolve()} " in (out / "fitted.toml").read_text()
    assert loading.load_scenario(out / "fitted.toml").name == "baseline_fitted"


def test_executors_agree(tmp_path):
    """Same file, same seeds: the same points and moments on one process or a pool."""
    path = _write(tmp_path, TINY.format(extra="").replace("budget = 4", "budget = 3"))
    tables = {}
    for executor in ("serial", "processes"):
        out = tmp_path / executor
        args = ["calibrate", str(path), "--out", str(out), "--executor", executor]
        jobs = ["--jobs", "2"] if executor == "processes" else []  # (serial: one at a time)
        assert cli.main([*args, *jobs, "--quiet"]) == 0
        tables[executor] = pd.read_parquet(out / "moments.parquet")
    pd.testing.assert_frame_equal(tables["serial"], tables["processes"])


def test_list_moments(capsys):
    assert cli.main(["calibrate", "--list-moments"]) == 0
    text = capsys.readouterr().out
    assert "apprenticeship_dissolution_share:" in text and "unemployment_rate:" in text


# ---------------------------------------------------- the shipped baseline fits


def test_shipped_baseline_stays_inside_the_target_ranges():
    """The shipped baseline, at the targets file's size with 3 seeds, has every target
    moment (mean over seeds) inside its acceptable range. A rule change that moves a
    moment out fails here: recalibrate (`skillsim calibrate`) and ship the fit."""
    cal = cconfig.load_calibration(TARGETS, {"replications": 3, "budget": 1})
    result = fit.calibrate(cal, run_serial)
    table = output.target_table(result)
    outside = table.loc[~table["inside"], ["moment", "simulated", "low", "high"]]
    assert outside.empty, f"outside the target ranges:\n{outside.to_string()}"


# ------------------------------------------------------- audit: defects fixed


def test_two_parameters_setting_one_field_are_refused(tmp_path):
    """Two parameters on one field: one value was silently lost in every run, and
    fitted.toml set the key twice (a file no TOML reader accepts)."""
    extra = """
[[parameters]]
name = "quits_again"
path = "scenario.behaviour.labour_market.quit_rate"
low = 0.005
high = 0.009
"""
    path = _write(tmp_path, TINY.format(extra=extra))
    with pytest.raises(ConfigError) as info:
        cconfig.load_calibration(path)
    text = str(info.value)
    assert "tiny.toml" in text and "parameters[1].path" in text
    assert "already set by parameters[0]" in text and "no other parameter" in text
    # the same field twice in one parameter's paths, likewise
    group = TINY.format(extra="").replace(
        'path = "scenario.behaviour.labour_market.quit_rate"',
        'paths = ["scenario.behaviour.labour_market.quit_rate", '
        '"scenario.behaviour.labour_market.quit_rate"]',
    )
    with pytest.raises(ConfigError) as info:
        cconfig.load_calibration(_write(tmp_path, group, "group.toml"))
    assert "parameters[0].paths" in str(info.value)


def test_fitted_point_is_the_best_one_run(tmp_path):
    """When rounding the best point to 3 significant digits lands on a worse point
    (jitter), the calibration ships the best point as found, unrounded, and says so.
    Before, fitted.toml held a point that fitted worse than the scenario; then the
    start, worse than the best in hand (an outside review: J 11.0 found, 26.4 shipped)."""
    text = TINY.format(extra="").replace("budget = 4", "budget = 12\nlhs_share = 0.0")
    cal = cconfig.load_calibration(_write(tmp_path, text))
    start = cal.scenario.behaviour.labour_market.quit_rate

    def response(cfg):
        q = cfg.scenario.behaviour.labour_market.quit_rate
        stated = float(f"{q:.3g}") == q and q != start  # a rounded point: a bad draw
        return {
            "unemployment_rate": 6.0 * q + (0.05 if stated else 0.0),
            "apprenticeship_completions": 73.0,
            "apprenticeship_dissolutions": 27.0,
        }

    result = fit.calibrate(cal, _fake_batch(response))
    first = result.evaluations[0]
    assert first.stage == "start" and result.best.objective < first.objective
    rounded = [e for e in result.evaluations if e.stage == "fitted"]
    assert rounded and rounded[0].objective > first.objective
    best = min((e for e in result.evaluations if e.stage != "fitted"), key=lambda e: e.objective)
    assert result.fitted is best and best is not first
    lines = " ".join(output.progress_lines(result))
    assert f"Fitted: the best point as found (point {best.index}), its values unrounded" in lines
    assert f"{rounded[0].objective:.3g}" in lines
    toml = output.fitted_toml(result, "tiny.toml", "baseline")
    assert f"quit_rate = {best.x[0]!r}" in toml and float(f"{best.x[0]:.3g}") != best.x[0]
    # the command that fits it again, options included (the header named the file only)
    cfg = result.calibration.config
    assert (
        f"`skillsim calibrate tiny.toml --budget {cfg.budget} --workers {cfg.workers} "
        f"--months {cfg.months} --seeds {cfg.replications} --root-seed {cfg.root_seed}`"
    ) in " ".join(line.lstrip("# ") for line in toml.splitlines())


def test_the_fitted_point_states_its_rounded_values():
    """Rounding the best point to 3 digits can land within the memory's 1e-12 of a
    point run before (0.019499999999999997 for 0.0195): that run stands for it, and
    fitted.toml wrote its x as first reached; the fitted point now holds the rounded x."""
    from types import SimpleNamespace

    drifted = 0.0195 - 3e-18
    assert drifted != 0.0195 and fit._key((drifted,)) == fit._key((0.0195,))
    best = fit.Evaluation(index=3, stage="compass", x=(drifted,), values={}, objective=1.0)
    remembered = fit.Evaluation(index=2, stage="compass", x=(drifted,), values={})
    stub = SimpleNamespace(
        cal=SimpleNamespace(bounds=[(0.0, 1.0)], applied=tuple),
        evaluate=lambda stage, xs: [remembered],
    )
    fitted = fit.Calibrator._rounded(stub, best)
    assert fitted.x == (0.0195,) and fitted.index == 2


def test_a_whole_number_field_is_rounded_as_it_ran():
    """A whole-number field's sample 11.46 ran as 11; rounded to 3 digits first (11.5)
    it was written, and run again, as 12 (an outside review)."""
    from types import SimpleNamespace

    best = fit.Evaluation(index=3, stage="compass", x=(11.46, 0.0123456), values={}, objective=1.0)
    asked = []
    stub = SimpleNamespace(
        cal=SimpleNamespace(
            bounds=[(0.0, 24.0), (0.0, 1.0)], applied=lambda x: (float(round(x[0])), x[1])
        ),
        evaluate=lambda stage, xs: asked.extend(xs) or [replace(best, index=4, x=xs[0])],
    )
    assert fit.Calibrator._rounded(stub, best).x == (11.0, 0.0123) == asked[0]


def test_figures_are_shown_in_their_moments_units():
    """By the figures' size, tightness (vacancies per unemployed, 0.8) showed as 80% and
    the summer's rise (a difference of rates) as a share: now by the moment's values."""
    assert output.stated(0.0515, output.shown_in("urban_unemployment_rate")) == "5.15%"
    assert output.pct(0.056, output.shown_in("urban_youth_unemployment_season")) == "5.60 pp"
    assert output.shown_in("tightness") == "" and output.stated(0.8, "") == "0.8"


def test_a_seed_without_a_moment_does_not_void_the_point(tmp_path):
    """One seed with no completion (so no completion rate) made the point's mean NaN
    and its objective infinite, the start's too; the mean is now over the seeds that
    measured it if at least half did (one of five is no measure of a region where the
    moment mostly does not exist), and the report says the same, with how many seeds
    measured it. The Gauss-Newton rounds still want every seed: their differences
    between points would measure a seed left out."""
    e = fit.Evaluation(index=0, stage="start", x=(), values={"a": [math.nan, 0.4, 0.6]})
    assert e.mean("a") == pytest.approx(0.5)
    assert math.isnan(e.mean("a", every_seed=True))
    assert replace(e, values={"a": [math.nan, 0.4]}).mean("a") == pytest.approx(0.4)
    assert math.isnan(replace(e, values={"a": [math.nan, math.nan, 0.4]}).mean("a"))
    # the report's table as the objective takes it
    cal = cconfig.load_calibration(_write(tmp_path, TINY.format(extra="")))
    values = {
        "unemployment_rate": [0.05, math.nan, 0.052],
        "apprenticeship_dissolution_share": [0.27, 0.28, 0.26],
    }
    point = fit.Evaluation(index=0, stage="start", x=(0.01,), values=values)
    point.objective = fit.objective(cal, {n: point.mean(n) for n in values})
    assert math.isfinite(point.objective)
    result = fit.Fit(calibration=cal, seeds=[1, 2, 3], evaluations=[point], fitted=point)
    row = output.target_table(result).set_index("moment").loc["unemployment_rate"]
    assert row["simulated"] == pytest.approx(0.051) and bool(row["inside"])
    assert row["seeds_measured"] == 2 and row["start_simulated"] == pytest.approx(0.051)


def test_report_states_targets_as_given_and_what_the_search_changed(tmp_path):
    """report.md showed a 5.15% target as "5.1%"; it now gives the file's figures, the
    moments at the start and the start, best and fitted objectives."""
    text = TINY.format(extra="").replace("value = 0.05", "value = 0.0515")
    text = text.replace("budget = 4", "budget = 6\nlhs_share = 0.0")
    cal = cconfig.load_calibration(_write(tmp_path, text))
    result = fit.calibrate(cal, _fake_batch(_quit_rate_response(73.0, 27.0)))
    table = output.target_table(result)
    start_u = 6.0 * cal.scenario.behaviour.labour_market.quit_rate
    assert table.loc[0, "start_simulated"] == pytest.approx(start_u)
    md = output.report_markdown(result, table, "complete")
    assert "| unemployment_rate | 5.15% | 3%-7% |" in md
    assert f"{100 * start_u:.2f}%" in md
    assert (
        f"Start: point 0 (the scenario's own values), objective {result.start.objective:.3g}" in md
    )
    assert "Best point found: point" in md and "Fitted: point" in md


def test_bad_command_line_values_name_the_option(tmp_path, capsys):
    """`--seeds 1` was reported as "replications = 1", a name the user never typed."""
    path = _write(tmp_path, TINY.format(extra=""))
    out = tmp_path / "out"
    for option, value in (("--seeds", "1"), ("--root-seed", "-1"), ("--workers", "5")):
        args = ["calibrate", str(path), option, value, "--out", str(out), "--executor", "serial"]
        assert cli.main(args) == 2
        err = capsys.readouterr().err
        assert f"(command line): {option} = {value}" in err
        assert not out.exists()


def test_months_before_the_files_first_month_blame_the_option(tmp_path, capsys):
    """`--months 3` with a file whose moments start at month 4 blamed the file's
    first_month, which the user did not change."""
    text = TINY.format(extra="").replace("months = 6\n", "months = 6\nfirst_month = 4\n")
    path = _write(tmp_path, text)
    out = tmp_path / "out"
    args = ["calibrate", str(path), "--months", "3", "--out", str(out), "--executor", "serial"]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "(command line): --months = 3" in err, err
    assert "first_month" in err and "tiny.toml" in err
    assert not out.exists()
    assert cconfig.load_calibration(path, {"months": 4}).config.months == 4  # (allowed)


def test_manifest_is_standard_json_when_a_moment_is_not_measured(tmp_path):
    """A window with no apprenticeship ending gives no dissolution share and an
    infinite objective, which manifest.json wrote as `Infinity`: not JSON, so jq and
    JavaScript could not read the manifest."""
    cal = cconfig.load_calibration(_write(tmp_path, TINY.format(extra="")))

    def response(cfg):
        return {
            "unemployment_rate": 0.05,
            "apprenticeship_completions": 0.0,
            "apprenticeship_dissolutions": 0.0,
        }

    result = fit.calibrate(cal, _fake_batch(response), budget=1)
    assert result.fitted.objective == math.inf
    out = output.write(result, tmp_path / "out", "complete", {}, "tiny.toml", "baseline")

    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    manifest = json.loads((out / "manifest.json").read_text(), parse_constant=refuse)
    assert manifest["objective"] is None and manifest["best_objective"] is None


def test_whole_number_parameters_are_shown_as_run(tmp_path):
    """A whole-number field's fitted value is shown as the model ran it: the report
    and the console showed 10.3 for 10, which the scenario refuses when copied."""
    text = TINY.format(extra="").replace(
        'path = "scenario.behaviour.labour_market.quit_rate"\nlow = 0.004\nhigh = 0.02',
        'path = "scenario.behaviour.labour_market.delayed_entry_months"\nlow = 1\nhigh = 12',
    )
    cal = cconfig.load_calibration(_write(tmp_path, text, "whole.toml"))
    name = cal.names[0]
    assert cal.as_run(name, 10.3) == "10" and cal.as_run(name, 10.6) == "11"
    quit_rate = cconfig.load_calibration(_write(tmp_path, TINY.format(extra="")))
    assert quit_rate.as_run(quit_rate.names[0], 0.0075829) == "0.007583"
    # The search runs each value once: samples that round to one whole number ran it
    # again, budget spent on copies (an outside review: 4 of 12 points), and
    # evaluations.parquet shows the values as run.
    text = text.replace("low = 1\nhigh = 12", "low = 1\nhigh = 3").replace(
        "budget = 4", "budget = 10"
    )
    text = text.replace('"apprenticeship_dissolution_share"', '"youth_unemployment_rate"')
    out = tmp_path / "out"
    path = _write(tmp_path, text, "few.toml")
    assert cli.main(["calibrate", str(path), "--out", str(out), "--executor", "serial"]) == 0
    evals = pd.read_parquet(out / "evaluations.parquet")
    ran = evals[name]
    assert set(ran) <= {1.0, 2.0, 3.0} and ran.is_unique, evals[["point", "stage", name]]


CROSS_PARAMETERS = """path = "scenario.behaviour.labour_market.final_year_months"
low = 1
high = 20

[[parameters]]
path = "scenario.behaviour.providers.tvet_months"
low = {low}
high = 36"""
CROSS = (
    TINY.format(extra="")
    .replace("budget = 4", "budget = 12\nlhs_share = 0.9")
    .replace(
        'path = "scenario.behaviour.labour_market.quit_rate"\nlow = 0.004\nhigh = 0.02',
        CROSS_PARAMETERS,
    )
    # (a moment every tiny run defines, so that objectives are finite)
    .replace('"apprenticeship_dissolution_share"', '"youth_unemployment_rate"')
)


def test_a_point_that_breaks_a_rule_between_fields(tmp_path, capsys):
    """Two searched fields with a rule between them (the final year shorter than the
    programme): an end that breaks it at every end of the other field is refused before
    anything runs, in the rule's own words. A point inside that breaks it is refused, not run, and the search goes
    on (it stopped with exit 2, "bad input, nothing is written", and lost the finished
    points; then with exit 1): the refused points cost none of the budget, the fitted
    point is allowed, and the folder says which points were refused and why."""
    # An end that no end of the other searched field allows: tvet_months = 6, where
    # final_year_months is 8 to 20 (and 6 in the scenario) and must be shorter.
    text = CROSS.format(low=6).replace("low = 1\nhigh = 20", "low = 8\nhigh = 20")
    at_corner = _write(tmp_path, text, "corner.toml")
    out = tmp_path / "corner"
    assert cli.main(["calibrate", str(at_corner), "--out", str(out), "--executor", "serial"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "parameters[1].low = 6: scenario.behaviour.providers.tvet_months = 6 is not" in err
    assert "allowed: labour_market.final_year_months (6) must be less than" in err
    assert "must be labour_market" not in err and not out.exists()
    # tvet_months = 6 breaks the rule beside the scenario's final year (6 months) but not
    # beside final_year_months = 1, its range's low end: the search may use it (it was
    # refused before anything ran, an outside review)
    six = _write(tmp_path, CROSS.format(low=6).replace("budget = 12", "budget = 1"), "six.toml")
    assert cconfig.load_calibration(six).config.parameters[1].low == 6
    inside = _write(tmp_path, CROSS.format(low=8), "inside.toml")
    out = tmp_path / "inside"
    assert cli.main(["calibrate", str(inside), "--out", str(out), "--executor", "serial"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "refused, not run: labour_market.final_year_months (" in err
    evals = pd.read_parquet(out / "evaluations.parquet")
    refused = evals[evals["refused"] != ""]
    ran = evals[evals["refused"] == ""]
    # the budget counts points run (the rounded fitted point is run beyond it)
    assert len(refused) >= 1 and len(ran[ran["stage"] != "fitted"]) == 12
    assert np.isinf(refused["objective"]).all() and refused["unemployment_rate"].isna().all()
    final, tvet = (
        "scenario.behaviour.labour_market.final_year_months",
        "scenario.behaviour.providers.tvet_months",
    )
    assert (refused[final].round() >= refused[tvet].round()).all()
    assert (ran[final].round() < ran[tvet].round()).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["points"] == len(ran) and manifest["refused_points"] == len(refused)
    assert manifest["status"] == "complete" and math.isfinite(manifest["objective"])
    fitted = loading.load_scenario(out / "fitted.toml")  # an allowed scenario
    assert fitted.behaviour.labour_market.final_year_months < fitted.behaviour.providers.tvet_months
    report = " ".join((out / "report.md").read_text().split())
    assert f"Not run: {len(refused)} point" in report and "must be less than" in report
    assert f"run ({len(refused)} more refused" in (out / "fitted.toml").read_text()
    # a box where no point is allowed (the start at the centre of the ranges too) fails
    # with the points written: nothing to fit, and no fitted.toml of a refused scenario
    # (each end allowed with the other field at the scenario's value: 6 and 24 months)
    nowhere = CROSS.format(low=8).replace("low = 1\nhigh = 20", "low = 19.5\nhigh = 20")
    nowhere = nowhere.replace("high = 36", "high = 19.4")
    path = _write(tmp_path, nowhere, "nowhere.toml")
    out = tmp_path / "nowhere"
    assert cli.main(["calibrate", str(path), "--out", str(out), "--executor", "serial"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "no point searched is allowed (" in err and "nowhere.toml" in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["points"] == 0
    assert manifest["refused_points"] >= 1 and not (out / "fitted.toml").exists()


def test_a_calibration_that_cannot_be_written_is_one_line_with_its_fit_shown(
    tmp_path, monkeypatch, capsys
):
    """A full disk while the folder is written was a traceback, the points lost from
    sight too (an outside review): one line, exit 1, and the table and fitted values
    on screen."""

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "write", full)
    path = _write(tmp_path, TINY.format(extra=""))
    out = tmp_path / "out"
    args = ["calibrate", str(path), "--out", str(out), "--executor", "serial", "--budget", "2"]
    assert cli.main(args) == 1
    captured = capsys.readouterr()
    assert "cannot write the calibration to" in captured.err and "Traceback" not in captured.err
    assert "fitted: scenario.behaviour.labour_market.quit_rate = " in captured.out
    assert not out.exists()


def test_a_size_given_on_the_command_line_names_the_targets_it_leaves_unscaled(tmp_path, capsys):
    """A target of apprenticeship starts stated for the file's 20,000 workers was
    compared as it is at --workers 2000, where it dominated the objective, and nothing
    said so (an outside review): now a note names it and the factor to scale it by."""
    extra = (
        '[[targets]]\nmoment = "apprenticeship_starts"\nvalue = 1.5\nlow = 1.0\nhigh = 2.0\n'
        'source = "a test"\n'
    )
    text = TINY.format(extra="").replace("[[parameters]]", extra + "\n[[parameters]]")
    path = _write(tmp_path, text)
    cal = cconfig.load_calibration(path)
    assert cconfig.sized_targets(cal) == ["apprenticeship_starts"]
    args = ["calibrate", str(path), "--executor", "serial", "--budget", "1", "--quiet"]
    assert cli.main([*args, "--workers", "300", "--out", str(tmp_path / "a")]) in (0, 1)
    said = " ".join(capsys.readouterr().err.split())
    assert (
        "--workers 300: the targets of counts and spending (apprenticeship_starts) are for "
        "the 600 workers of tiny.toml and are compared as they are; scale them by 0.5"
    ) in said
    assert cli.main([*args, "--workers", "600", "--out", str(tmp_path / "b")]) in (0, 1)
    assert "targets of counts" not in capsys.readouterr().err
