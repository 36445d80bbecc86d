"""`skillsim effects --parts`: each policy of a sweep that combines others against its
parts added up (``analysis.interaction``), in a table and a CSV; bad input refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from sweeps import small, write_experiment

from simulation import analysis, cli
from simulation.experiment import load_experiment, make_plan, run_sweep

PAIR = "apprenticeship_subsidy+quality_apprenticeship"
PARTS = ["apprenticeship_subsidy", "quality_apprenticeship"]
OTHER = "apprenticeship_subsidy+core_skills"


@pytest.fixture(scope="module")
def pair_sweep(tmp_path_factory) -> Path:
    """A finished sweep of none, three policies and two pairs of them, 3 seeds."""
    root = tmp_path_factory.mktemp("parts")
    policies = ("none", *PARTS, "core_skills", PAIR, OTHER)
    text = small(policies=policies, replications=3, workers=600, months=6)
    path = write_experiment(root / "exp", text)
    out = root / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    return out


def test_effects_parts_sets_a_combination_beside_its_parts(pair_sweep, tmp_path, capsys):
    """The table's three lines a cell are the combination's effect, its parts' added
    up and the difference, as analysis.interaction gives them, on the report's
    measures; the CSV holds them with what they are of; --summary final and --metric
    pass through."""
    csv = tmp_path / "parts.csv"
    assert cli.main(["effects", str(pair_sweep), "--parts", "--csv", str(csv)]) == 0
    out = capsys.readouterr().out
    frame = analysis.load(pair_sweep)
    want = analysis.interaction(frame, PAIR, PARTS, "none", list(analysis.PARTS_METRICS))
    written = pd.read_csv(csv)
    written = written[written["policy"] == PAIR]
    assert set(pd.read_csv(csv)["policy"]) == {PAIR, OTHER}
    assert list(written["metric"]) == list(want["metric"])
    for column in ("combination_effect", "parts_effect", "interaction", "ci_low", "ci_high"):
        assert list(written[column]) == pytest.approx(list(want[column]), rel=1e-12, nan_ok=True)
    assert set(written["against_policy"]) == {"none"}
    assert set(written["summarised_months"]) == {"mean of months 1-6"}
    assert written["sweep_hash"].notna().all()
    for name in analysis.PARTS_METRICS:
        assert name in out, name
    assert "apprenticeship_subsidy +" in out and "together" in out and "parts added up" in out
    starts = want[want["metric"] == "apprenticeship_starts"].iloc[0]
    for effect, low, high in (
        ("combination_effect", "combination_ci_low", "combination_ci_high"),
        ("parts_effect", "parts_ci_low", "parts_ci_high"),
        ("interaction", "ci_low", "ci_high"),
    ):
        row = {"effect": starts[effect], "ci_low": starts[low], "ci_high": starts[high]}
        assert analysis.effect_words("apprenticeship_starts", starts["unit"], row) in out
    assert "n = 3 paired seeds" in out
    clear = ((want["ci_low"] > 0) | (want["ci_high"] < 0)).any()
    assert ("*: its interval excludes zero" in out) == clear
    # the last month, of one measure
    argv = ["effects", str(pair_sweep), "--parts", "--summary", "final", "--metric"]
    assert cli.main([*argv, "employment_rate"]) == 0
    out = capsys.readouterr().out
    final = analysis.interaction(frame, PAIR, PARTS, "none", "employment_rate", summary="final")
    row = final.iloc[0]
    words = {"effect": row["interaction"], "ci_low": row["ci_low"], "ci_high": row["ci_high"]}
    assert analysis.effect_words("employment_rate", row["unit"], words) in out
    assert "month 6" in out and "unemployment_rate" not in out
    # a window of months, to the CSV too
    csv = tmp_path / "window.csv"
    argv = ["effects", str(pair_sweep), "--parts", "--months", "3-5", "--csv", str(csv)]
    assert cli.main(argv) == 0
    capsys.readouterr()
    window = analysis.interaction(frame, PAIR, PARTS, "none", "employment_rate", months=(3, 5))
    written = pd.read_csv(csv).query("policy == @PAIR and metric == 'employment_rate'")
    assert written["interaction"].tolist() == pytest.approx(window["interaction"].tolist())
    assert set(written["summarised_months"]) == {"mean of months 3-5"}
    whole = want.query("metric == 'employment_rate'")["interaction"].tolist()
    assert written["interaction"].tolist() != pytest.approx(whole)  # (not months 1-6)


def test_effects_parts_marks_a_clear_difference(pair_sweep, capsys, monkeypatch):
    """A difference whose interval excludes zero is marked, and the note says what the
    mark means; one whose interval holds zero is not."""
    interaction = analysis.interaction

    def clear_starts(*args, **kwargs):
        out = interaction(*args, **kwargs)
        starts = out["metric"] == "apprenticeship_starts"
        out.loc[starts, ["interaction", "ci_low", "ci_high"]] = (-0.75, -1.0, -0.5)
        out.loc[~starts, ["interaction", "ci_low", "ci_high"]] = (0.25, -0.5, 1.0)
        return out

    monkeypatch.setattr(analysis, "interaction", clear_starts)
    assert cli.main(["effects", str(pair_sweep), "--parts"]) == 0
    out = capsys.readouterr().out
    assert "-0.75 [-1.00, -0.50] *" in out
    assert "+0.25 [-0.50, +1.00] *" not in out and "+0.25 [-0.50, +1.00]" in out
    assert "*: its interval excludes zero" in out


def test_effects_parts_says_many_combinations_share_the_baselines_runs(
    pair_sweep, capsys, monkeypatch
):
    """With many combinations (``analysis.MANY_PAIRS``: a matrix of pairs) the note
    says that every difference counts the baseline's runs, so a lean of them all is one
    reading, and how to check it; with fewer (this sweep's two), it does not."""
    assert cli.main(["effects", str(pair_sweep), "--parts"]) == 0
    assert "--root-seed" not in capsys.readouterr().out
    monkeypatch.setattr(analysis, "MANY_PAIRS", 2)
    assert cli.main(["effects", str(pair_sweep), "--parts"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Every difference counts the same runs of none (together less the parts" in out
    assert "AB - A - B + none" in out
    assert "another --root-seed" in out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--table", "region"], "--parts: sets combinations against their parts on the metrics"),
        (["--metric", "skill_gap"], "--metric skill_gap: unknown metric"),
        (
            ["--metric", analysis.COST_METRIC],
            f"interaction of {analysis.COST_METRIC}: a ratio of two effects",
        ),
        (
            # (AB - A - B + G: the interaction plus the baseline's own effect)
            ["--baseline", "quality_apprenticeship"],
            "--parts --baseline quality_apprenticeship: it changes levers of the status quo "
            "(quality.written_agreement",
        ),
    ],
)
def test_effects_parts_refuses_what_it_cannot_compare(pair_sweep, tmp_path, capsys, argv, said):
    csv = tmp_path / "p.csv"
    assert cli.main(["effects", str(pair_sweep), "--parts", *argv, "--csv", str(csv)]) == 2
    assert said.format(sweep=pair_sweep) in capsys.readouterr().err
    assert not csv.exists()


def test_effects_parts_says_which_combination_it_left_out_and_why(
    pair_sweep, tmp_path, capsys, monkeypatch
):
    """A part that has not run (a sweep stopped early): its combination left out, said
    on stderr, the others shown; every combination without a part: refused, naming the
    parts missing. A folder of runs, without the sweep's manifest of policies: refused,
    said so."""
    load = analysis.load
    gone: set[str] = {"core_skills"}

    def unfinished(*args, **kwargs):
        frame = load(*args, **kwargs)
        return frame[~frame["policy"].isin(gone)]

    monkeypatch.setattr(analysis, "load", unfinished)
    assert cli.main(["effects", str(pair_sweep), "--parts", "--metric", "employment_rate"]) == 0
    said = capsys.readouterr()
    assert f"--parts: {OTHER} left out: its part(s) core_skills did not run" in said.err
    assert "quality_apprenticeship" in said.out and "core_skills" not in said.out
    gone.add("quality_apprenticeship")
    assert cli.main(["effects", str(pair_sweep), "--parts"]) == 2
    err = capsys.readouterr().err
    assert "--parts: no policy of" in err
    assert f"core_skills, quality_apprenticeship did not run (parts of {PAIR}, {OTHER})" in err
    monkeypatch.setattr(analysis, "load", load)
    # the sweep's runs/ folder: the sweep's manifest, as load takes it; a folder of run
    # folders of one's own has none
    assert cli.main(["effects", str(pair_sweep / "runs"), "--parts"]) == 0
    assert "together" in capsys.readouterr().out
    mine = tmp_path / "my_runs"
    for run in list((pair_sweep / "runs").iterdir())[:4]:
        shutil.copytree(run, mine / run.name)
    assert cli.main(["effects", str(mine), "--parts"]) == 2
    err = capsys.readouterr().err
    assert "has no sweep manifest to read its policies from (no manifest.json; allowed" in err
    assert "Traceback" not in err


def test_effects_parts_of_a_sweep_without_a_combination(tmp_path, capsys):
    """A sweep whose policies combine none of the others: refused, naming what would do."""
    path = write_experiment(tmp_path / "exp", small(replications=2))
    out = tmp_path / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    assert cli.main(["effects", str(out), "--parts"]) == 2
    err = capsys.readouterr().err
    assert f"--parts: no policy of {out} combines others" in err
    assert "experiments/package_pairs.toml" in err


@pytest.mark.parametrize("parts", [False, True])
def test_a_table_wider_than_the_terminal_comes_in_parts_that_fit(
    pair_sweep, capsys, monkeypatch, parts
):
    """At a terminal narrower than the effects table, its measures come in parts that
    each fit, each part with the scenario and policy columns again (a table of 250
    characters wrapped in a terminal of 100 could not be read, and `make run` ends with
    one: an outside review); into a file or pipe it comes whole."""
    import os
    import re
    import sys

    from simulation.experiment import cli as sweep_cli

    argv = ["effects", str(pair_sweep), *(["--parts"] if parts else [])]
    assert cli.main(argv) == 0
    whole = capsys.readouterr().out
    drawn = [line for line in whole.splitlines() if set(line) & set("│┃━─")]
    assert "(part 1 of" not in whole and max(len(line) for line in drawn) > 100
    monkeypatch.setattr(
        sweep_cli.shutil, "get_terminal_size", lambda *a, **k: os.terminal_size((100, 500))
    )
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert cli.main(argv) == 0
    said = capsys.readouterr()
    out = re.sub(r"\x1b\[[0-9;]*m", "", said.out)  # (the styles of a terminal)
    drawn = [line for line in out.splitlines() if set(line) & set("│┃━─")]  # (the tables)
    assert drawn and max(len(line) for line in drawn) <= 100
    n = len(re.findall(r"\(part \d+ of (\d+)\)", out))
    assert n > 1 and f"(part {n} of {n})" in out
    assert f"shown in {n} parts" in " ".join(said.err.split())
    heads = ("scenario", "policies") if parts else ("scenario", "policy")
    for head in heads:  # (every part starts with them)
        assert len(re.findall(rf"┃ {head}\b", out)) == n, head
    # every measure of the whole table is in one of the parts
    for name in analysis.PARTS_METRICS if parts else sweep_cli.HEADLINE:
        assert (name in whole) == (name in out), name
