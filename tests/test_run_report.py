"""``skillsim report RUN_FOLDER``: the report of one run (``simulation.run_report``)."""

from __future__ import annotations

import html
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from presenting import chinese_font_or_skip
from sweeps import cell_sweep

from simulation import cli, i18n, metrics, report, run_report
from simulation.cli import SUMMARY

FIGURES = ("unemployment", "mismatch", "apprenticeships", "green", "by_region", "gap_map")


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "run"
    args = ["run", "baseline", "--workers", "600", "--months", "13", "--out", str(out)]
    assert cli.main([*args, "--no-summary"]) == 0
    return out


def _copy(run_folder, tmp_path):
    return shutil.copytree(run_folder, tmp_path / "run")


def test_a_run_folder_gets_its_own_report(run_folder, tmp_path, capsys):
    folder = _copy(run_folder, tmp_path)
    assert cli.main(["report", str(folder)]) == 0
    said = capsys.readouterr()
    assert f"report: {folder / 'report.html'}" in said.out
    assert "warning" not in said.err  # (no sweep's progress to tell)
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert report.external_references(page) == []
    assert "Simulated outcomes of one run" in page
    assert "One run is one draw of the city" in page
    assert "600 workers, 13 months, seed 0." in page
    assert "A small model city (600 workers" in page
    for name in FIGURES:  # every figure embedded and beside the page as a PNG
        assert f'<figure id="fig-{name}">' in page
        assert (folder / "report_figures" / f"{name}.png").stat().st_size > 1000
    # the table: a row per summary metric, month 0, the mean over 1-13 and month 13
    frame = pd.read_parquet(folder / "metrics.parquet")
    assert "<th>Month 0</th><th>Mean, months 1-13</th><th>Month 13</th>" in page
    for name in SUMMARY:
        assert f"<td>{i18n.label(name, 'en')}</td>" in page
    rate = frame["unemployment_rate"]
    row = (
        f"<td>{i18n.label('unemployment_rate', 'en')}</td><td>%</td>"
        f"<td class='num'>{100 * rate.iloc[0]:.2f}</td>"
        f"<td class='num'>{100 * rate.iloc[1:].mean():.2f}</td>"
        f"<td class='num'>{100 * rate.iloc[-1]:.2f}</td>"
    )
    assert row in page
    # counts as whole numbers (a small city's may have no apprentices: those rows are
    # named under the table instead, below)
    assert run_report._cell(1234.0, "apprentices", False) == "1,234"
    assert run_report._cell(1234.25, "apprentices", True) == "1,234.2"
    for name in SUMMARY:
        if i18n.catalogue_unit(name) in run_report.COUNT_UNITS and (frame[name] != 0).any():
            assert f"<td class='num'>{frame[name].iloc[-1]:,.0f}</td></tr>" in page, name
    # the scenario and policy in words, from the run's own configuration, and the measures
    assert i18n.name_of("scenario", "baseline", "en") in page
    assert "this run covers months 1 to 13 of them" in page
    assert '<section id="glossary">' in page
    for name in (*SUMMARY, "urban_youth_unemployment_rate", "apprenticeship_completions"):
        assert f"<td>{i18n.label(name, 'en')}</td><td>{i18n.unit(name, 'en')}</td>" in page
    assert "Every lever at its status-quo default." in page
    assert "apprenticeship levers" not in page  # (the caveat is for runs under a policy)
    # run again without --out: the folder's own report is rewritten, nothing else appears
    assert cli.main(["report", str(folder)]) == 0
    assert sorted(p.name for p in folder.glob("report*")) == ["report.html", "report_figures"]


def test_rewriting_a_report_keeps_the_users_own_files_in_its_figures_folder(
    run_folder, tmp_path, capsys
):
    """Without --out the folder's own report is rewritten, its figures folder replaced:
    a file the user had put there (a slide annotated by hand) was deleted with it (an
    outside review found it). Refused now, naming the file, and nothing changes; the
    earlier report's own figures (named on its page) are still replaced."""
    folder = _copy(run_folder, tmp_path)
    assert cli.main(["report", str(folder)]) == 0
    figures = folder / "report_figures"
    drawn = sorted(p.name for p in figures.iterdir())
    assert drawn == sorted(f"{name}.png" for name in FIGURES)
    for mine in ("my_annotated_slide.png", "notes.txt"):
        (figures / mine).write_text("mine")
        before = {p.name: p.read_bytes() for p in figures.iterdir()}
        page = (folder / "report.html").read_bytes()
        capsys.readouterr()
        assert cli.main(["report", str(folder)]) == cli.EXIT_BAD_INPUT
        err = capsys.readouterr().err
        assert mine in err and "never deleted" in err and "move them out of it" in err
        assert {p.name: p.read_bytes() for p in figures.iterdir()} == before
        assert (folder / "report.html").read_bytes() == page
        assert not [p for p in folder.iterdir() if ".tmp-" in p.name]
        (figures / mine).unlink()
    (figures / "gap_map.png").write_bytes(b"an older drawing")  # the report's own
    assert cli.main(["report", str(folder)]) == 0
    assert sorted(p.name for p in figures.iterdir()) == drawn
    assert (figures / "gap_map.png").read_bytes() != b"an older drawing"


def test_the_displaced_rate_of_few_workers_is_said_to_be_noisy():
    """Under the table, when the displaced workers' unemployment rate is a share of few
    workers (their labour force, the mean over months 1..M): how many, and how much one
    worker moves it; no note for many workers, a run without the count, or none."""
    frame = pd.DataFrame({"displaced_labour_force": [999.0, 100.0, 150.0]})
    note = run_report._few_displaced(frame, "en")
    assert "about 125 workers" in note and "0.8 percentage points" in note
    assert "125" in run_report._few_displaced(frame, "zh")
    many = frame.assign(displaced_labour_force=[0.0, 2000.0, 3000.0])
    for quiet in (
        many,
        frame.assign(displaced_labour_force=0.0),
        frame.drop(columns="displaced_labour_force"),
    ):
        assert run_report._few_displaced(quiet, "en") == ""


def test_a_measure_zero_in_every_month_is_named_not_tabled(run_folder):
    """A summary row of zeros says nothing: the measure is named under the table (the
    skill-shortage vacancies with why they are zero at this calibration)."""
    run = run_report.read(run_folder, json.loads((run_folder / "manifest.json").read_text()))
    frame = run.metrics.copy()
    for name in SUMMARY:  # the others not zero throughout, whatever this small city did
        if name in frame.columns and (frame[name] == 0).all():
            frame[name] = 1.0
    frame["apprenticeship_starts"] = np.arange(len(frame)) * 1000.0  # a count: whole
    frame["skill_shortage_vacancies"] = 0.0
    frame["apprentices"] = 0.0
    run = run_report.Run(run.path, run.manifest, frame, run.region, run.cell)
    page = run_report._table(run, "en")
    named = [i18n.label(m, "en") for m in ("skill_shortage_vacancies", "apprentices")]  # (order)
    assert f"Zero in every month, so not in the table: {'; '.join(named)}." in page
    assert "recruitment difficulty" in page
    rows = [f"<tr><td>{html.escape(n)}</td>" for n in named]
    assert not any(r in page for r in rows)
    assert f"<tr><td>{html.escape(i18n.label('unemployment_rate', 'en'))}</td>" in page
    assert f"<td class='num'>{(len(frame) - 1) * 1000:,}</td></tr>" in page


def test_the_flows_between_statuses_are_tabled(run_folder):
    """Where workers move: a row per status at the month's start, a column per status at
    its end, each cell the mean over months 1-13 of transitions.parquet's workers; "-"
    for a move made in no month; the statuses in words, in Chinese too."""
    run = run_report.read(run_folder, json.loads((run_folder / "manifest.json").read_text()))
    page = run_report._flows(run, "en")
    moves = pd.read_parquet(run_folder / "transitions.parquet")
    later = moves[moves["month"] >= 1].groupby(["from_status", "to_status"])["workers"]
    mean, ever = later.mean(), later.max()
    rows = page.split("<tr>")[2:]  # (the head's row first)
    assert len(rows) == len(run_report.FLOW_ROWS) == 8
    # each status's row and column meet on the diagonal (the page says so), the
    # population's outside first in both
    assert run_report.FLOW_ROWS[1:] == run_report.FLOW_COLUMNS[1:]
    assert {run_report.FLOW_ROWS[0], run_report.FLOW_COLUMNS[0]} == {"entering", "retired"}
    assert set(run_report.FLOW_ROWS) == set(metrics.FROM_STATUSES)
    assert set(run_report.FLOW_COLUMNS) == set(metrics.TO_STATUSES)
    for status, row in zip(run_report.FLOW_ROWS, rows, strict=True):
        words = run_report.STATUS_WORDS[status][0]
        cells = [c.split("</td>")[0] for c in row.split("<td class='num'>")[1:]]
        assert row.startswith(f"<th scope='row'>{words}</th>") and len(cells) == 8
        for to, cell in zip(run_report.FLOW_COLUMNS, cells, strict=True):
            made = ever[status, to] > 0
            words = run_report._flow_words(mean[status, to]).replace("<", "&lt;")
            assert cell == (words if made else "-"), (status, to)
    assert "the mean over months 1 to 13" in page
    assert [run_report._flow_words(x) for x in (0.0, 0.04, 0.05, 1234.56)] == [
        "0.0",
        "<0.1",
        "0.1",
        "1,234.6",
    ]
    assert ">employed</th>" in page and "<th scope='col'>retired</th>" in page
    zh = run_report._flows(run, "zh")
    assert "<th scope='row'>失业</th>" in zh and "<th scope='col'>退休</th>" in zh
    assert "第1至13个月" in zh


def test_the_flows_out_of_unemployment_are_tabled_by_region(run_folder):
    """Where each region's unemployed went: a row per region in the scenario's order,
    its unemployed at a month's start (the mean over months 1-13) and the shares of
    them in work, in training, inactive and gone home unemployed at the month's end,
    pooled over the months, and of those in work the share who moved region for it,
    from region_transitions.parquet's rows; in Chinese too."""
    run = run_report.read(run_folder, json.loads((run_folder / "manifest.json").read_text()))
    page = run_report._exits(run, "en")
    moves = pd.read_parquet(run_folder / "region_transitions.parquet")
    out = moves[(moves["month"] >= 1) & (moves["from_status"] == "unemployed")]
    regions = list(dict.fromkeys(moves["region"]))
    rows = page.split("<tr>")[2:]
    assert len(rows) == len(regions) == 4
    found = 0
    for region, row in zip(regions, rows, strict=True):
        mine = out[out["region"] == region].groupby("to_status")[["workers", "moved_out"]].sum()
        n = mine["workers"].sum()
        work = mine.loc[["employed", "apprentice"]].sum()
        found += work["moved_out"]
        expected = [
            f"{n / 13:,.1f}",
            f"{100 * work['workers'] / n:.1f}%",
            f"{100 * work['moved_out'] / work['workers']:.1f}%",
            f"{100 * mine.loc['training', 'workers'] / n:.1f}%",
            f"{100 * mine.loc['inactive', 'workers'] / n:.1f}%",
            f"{100 * mine.loc['unemployed', 'moved_out'] / n:.1f}%",
        ]
        cells = [c.split("</td>")[0] for c in row.split("<td class='num'>")[1:]]
        assert row.startswith(f"<th scope='row'>{i18n.name_of('region', region)}</th>")
        assert cells == expected, region
    assert found > 0  # (some moved region for a job: the column is not all zeros)
    assert "over months 1 to 13" in page and "of them, in another region" in page
    zh = run_report._exits(run, "zh")
    assert "其中迁往其他地区" in zh and "第1至13个月" in zh
    assert f"<th scope='row'>{i18n.name_of('region', regions[0], 'zh')}</th>" in zh


def test_the_training_seats_are_tabled_by_region(run_folder, tmp_path):
    """Each region's TVET seats and students in the month school leavers chose (month 7
    of this 13-month run: seats are taken then only), its course seats and learners over
    months 1-13, and the shares in use, from region.parquet's rows; in Chinese too; a
    run whose table predates the seat columns says so."""
    run = run_report.read(run_folder, json.loads((run_folder / "manifest.json").read_text()))
    page = run_report._seats(run, "en")
    table = pd.read_parquet(run_folder / "region.parquet")
    regions = list(dict.fromkeys(table["region"]))
    rows = page.split("<tr>")[2:]
    assert len(rows) == len(regions) == 4

    def share(num, den):
        return "-" if den <= 0 else f"{100 * num / den:.1f}%"

    for region, row in zip(regions, rows, strict=True):
        mine = table[(table["region"] == region) & (table["month"] >= 1)]
        chose = mine[mine["month"] == 7]
        seats, students = chose["tvet_seats"].mean(), chose["tvet_enrolled"].mean()
        course, learners = mine["course_seats"].mean(), mine["course_enrolled"].mean()
        expected = [f"{seats:,.1f}", f"{students:,.1f}", share(students, seats)]
        expected += [f"{course:,.1f}", f"{learners:,.1f}", share(learners, course)]
        cells = [c.split("</td>")[0] for c in row.split("<td class='num'>")[1:]]
        assert row.startswith(f"<th scope='row'>{i18n.name_of('region', region)}</th>")
        assert cells == expected, region
    assert "(August of each year here)" in page and "(month 7)" in page
    assert "means of months 1 to 13" in page
    zh = run_report._seats(run, "zh")
    assert (
        "离校生选择时的全日制培训名额" in zh
        and "（本次运行为每年8月）" in zh
        and "（第7个月）" in zh
    )
    # a run's table written before the seat columns
    folder = _copy(run_folder, tmp_path)
    old = table.drop(columns=[c for c in table.columns if "seat" in c or "enrolled" in c])
    old.to_parquet(folder / "region.parquet")
    older = run_report.read(folder, json.loads((folder / "manifest.json").read_text()))
    assert "written by older code, before it counted the seats" in run_report._seats(older, "en")


def test_a_run_without_breakdowns_says_what_is_missing(run_folder, tmp_path):
    folder = _copy(run_folder, tmp_path)
    (folder / "region.parquet").unlink()
    (folder / "cell.parquet").unlink()
    (folder / "transitions.parquet").unlink()
    (folder / "region_transitions.parquet").unlink()
    out = report.write(folder, tmp_path / "r.html")
    page = out.read_text(encoding="utf-8")
    assert "Not drawn (unemployment by region): the run folder has no region.parquet." in page
    assert "Not drawn (the skill-gap map): the run folder has no cell.parquet." in page
    assert (
        "Not shown (the flows between statuses): the run folder has no transitions.parquet." in page
    )
    assert (
        "Not shown (the flows out of unemployment by region): the run folder has no "
        "region_transitions.parquet." in page
    )
    drawn = sorted(p.stem for p in (tmp_path / "r_figures").iterdir())
    assert drawn == sorted(FIGURES[:4])


def test_bad_run_folders_are_refused_and_nothing_is_written(run_folder, tmp_path, capsys):
    folder = _copy(run_folder, tmp_path)
    (folder / "metrics.parquet").unlink()
    assert cli.main(["report", str(folder)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"{folder}: a run folder without metrics.parquet" in err
    (folder / "metrics.parquet").write_bytes(b"not parquet")
    assert cli.main(["report", str(folder)]) == cli.EXIT_BAD_INPUT
    assert f"{folder / 'metrics.parquet'}: not a readable Parquet table" in capsys.readouterr().err
    assert not list(folder.glob("*report*")) and not list(folder.glob(".*"))
    # a named file is never overwritten, for a run as for a sweep
    taken = tmp_path / "taken.html"
    taken.write_text("mine")
    assert cli.main(["report", str(run_folder), "--out", str(taken)]) == cli.EXIT_BAD_INPUT
    assert taken.read_text() == "mine" and not (tmp_path / "taken_figures").exists()
    # --out names an HTML file (a folder's path would have become a file without a suffix)
    assert cli.main(["report", str(run_folder), "--out", str(tmp_path / "new")]) == 2
    assert "not an HTML file's name (allowed: a path ending in .html" in capsys.readouterr().err
    assert not (tmp_path / "new").exists() and not (tmp_path / "new_figures").exists()


def test_a_folder_it_cannot_write_in_is_said_plainly(run_folder, tmp_path, monkeypatch, capsys):
    real = Path.mkdir

    def refused(self, *args, **kwargs):
        if self.name.startswith(".report_figures.tmp"):
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refused)
    folder = _copy(run_folder, tmp_path)
    assert cli.main(["report", str(folder)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert (
        f"{folder / 'report.html'}: cannot write in its folder {folder} (Permission denied" in err
    )
    assert not list(folder.glob("*report*"))


def test_a_run_of_a_sweep_points_to_its_sweep(tmp_path):
    sweep = shutil.copytree(cell_sweep(), tmp_path / "s", ignore=shutil.ignore_patterns(".lock"))
    run = sorted((sweep / "runs").iterdir())[0]
    (run / "region.parquet").unlink()
    page = report.write(run).read_text(encoding="utf-8")
    assert f"This run is one of the sweep in {sweep}" in page
    assert "Not drawn (unemployment by region): this run belongs to a sweep whose" in page
    assert html.escape('add "region" to the experiment\'s keep list') in page
    assert "design point" not in page  # (a sweep of one point)


def test_a_run_of_a_design_sweep_names_its_point(tmp_path):
    """The values a run's design point set are in its configuration, unmarked among the
    others: the page says which point it ran, labelled as the sweep's report labels it."""
    sweep = shutil.copytree(cell_sweep(), tmp_path / "s", ignore=shutil.ignore_patterns(".lock"))
    ledger = pd.read_parquet(sweep / "ledger.parquet")
    ledger.loc[ledger.index[1], "point"] = 1
    ledger.to_parquet(sweep / "ledger.parquet")
    pd.DataFrame({"point": [0, 1], "subsidy": [0.0, 6000.0]}).to_parquet(sweep / "design.parquet")
    second = sweep / "runs" / ledger["run_id"].iloc[1]
    page = html.unescape(report.write(second).read_text(encoding="utf-8"))
    assert "It runs the sweep's design point 1: subsidy = 6,000." in page
    # A whole-number field: the value the run had, not the sample (an outside review
    # read "quality standards = 1.429" of a run with 1 standard)
    manifest = json.loads((sweep / "manifest.json").read_text())
    manifest["experiment"]["parameters"] = [
        {"name": "lag", "path": "policy.anticipation.lag_months", "low": 0, "high": 24}
    ]
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    pd.DataFrame({"point": [0, 1], "lag": [0.0, 12.59]}).to_parquet(sweep / "design.parquet")
    page = html.unescape(report.write(second, second / "again.html").read_text(encoding="utf-8"))
    assert "It runs the sweep's design point 1: lag = 13." in page


def test_a_run_under_a_policy_carries_the_levers_caveat(tmp_path):
    policy = tmp_path / "policy"
    assert cli.main(["run", "baseline", "--policy", "package", "--workers", "600", "--months",
                     "2", "--out", str(policy), "--no-summary"]) == 0  # fmt: skip
    caveat = html.escape(run_report._W["levers_caveat"][0])
    assert caveat in report.write(policy).read_text(encoding="utf-8")


def test_a_run_past_the_fitted_horizon_says_so_on_its_page(tmp_path):
    """`skillsim run` warned of a run past the ten years the model was fitted over only
    on its terminal: the report of a 1,200-month run, all a forum sees, said nothing of
    the drift (an outside review of long runs)."""
    assert i18n.long_run(120, "en") == [] and i18n.long_run(120, "zh") == []
    (zh,) = i18n.long_run(121, "zh")
    assert zh.startswith("注意：本次模拟121个月，超出模型校准所用的10年")
    long = tmp_path / "long"
    assert cli.main(["run", "baseline", "--workers", "300", "--months", "121", "--out",
                     str(long), "--no-summary"]) == 0  # fmt: skip
    (note,) = i18n.long_run(121, "en")
    assert note.startswith("Note: 121 months run past the 10 years the model was fitted over")
    assert f"<p class='warn'>{html.escape(note)}</p>" in report.write(long).read_text("utf-8")


def test_a_long_runs_apprenticeships_are_drawn_as_twelve_month_means():
    """A 1,200-month run's monthly starts and completions drew a solid block of spikes
    (an outside review): past SMOOTHED_FROM_MONTHS the figure shows their 12-month
    means, and says so on its axis; shorter runs keep every month."""
    months = np.arange(301)
    spikes = np.where(months % 12 == 8, 24.0, 0.0)  # a yearly wave
    frame = pd.DataFrame(
        {"month": months, "apprenticeship_starts": spikes, "apprenticeship_completions": spikes}
    )
    for last, smoothed in ((300, True), (run_report.SMOOTHED_FROM_MONTHS, False)):
        run = run_report.Run(Path("x"), {}, frame[frame["month"] <= last], None, None)
        (spec,) = [
            f for f in run_report._figures(run, "paper", "en") if f.name == "apprenticeships"
        ]
        ax = spec.draw().axes[0]
        y = ax.lines[0].get_ydata()
        if smoothed:
            assert np.isnan(y[:11]).all() and np.allclose(y[11:], 2.0)
            assert ax.get_ylabel() == run_report._W["apprenticeships_axis_smoothed"][0]
        else:
            assert np.array_equal(y, spikes[: last + 1])


def test_a_run_report_in_chinese_for_slides(run_folder, tmp_path):
    chinese_font_or_skip()
    out = report.write(run_folder, tmp_path / "zh.html", style="talk", lang="zh")
    page = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    assert run_report._W["title"][1] in page and run_report._W["one_draw"][1] in page
    assert "<tr><th>随机种子</th><td>0</td></tr>" in page  # the manifest's facts too
    for key, (en, zh) in run_report._W.items():  # every text has its Chinese
        assert zh and zh != en, key
    assert sorted(p.stem for p in (tmp_path / "zh_figures").iterdir()) == sorted(FIGURES)


def test_each_figure_names_its_run_for_slides(run_folder):
    """A PNG copied onto a slide keeps which run it shows: scenario, policy, size, seed."""
    run = run_report.read(run_folder, json.loads((run_folder / "manifest.json").read_text()))
    specs = run_report.figures(run, "talk", "en")
    assert [s.name for s in specs] == list(FIGURES)
    want = f"skillsim, one run: {i18n.name_of('scenario', 'baseline', 'en')} | "
    want += f"{i18n.name_of('policy', 'none', 'en')} | 600 workers, seed 0"
    plain = {s.name: s.draw for s in run_report._figures(run, "talk", "en")}
    for style in ("talk", "paper"):
        for spec in run_report.figures(run, style, "en"):
            fig = spec.draw()
            assert want in [t.get_text() for t in fig.texts], spec.name
            png = report._png(fig)
            # the line is under the figure and inside its PNG (which grows by it), alone
            # on its rows: its grey, no darker text (the heat map's legend sat on it)
            if style == "talk":
                assert _height(png) > _height(report._png(plain[spec.name]())), spec.name
            assert _last_line_darkest(png) >= 0x50, (style, spec.name)
    assert any(fig.legends for fig in (s.draw() for s in specs))  # (a legend was there)


@pytest.mark.parametrize("style", ["paper", "talk"])
def test_the_source_line_leaves_the_figure_as_it_was_laid_out(run_folder, style):
    """The line under a figure moves nothing in it: the heat map's legend stays where
    its layout put it (pinned once laid out, it had moved up onto the x label by its
    padding; unpinned, down onto the line), at any dpi the PNG is saved at."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from simulation import plots

    run = run_report.read(run_folder, json.loads((run_folder / "manifest.json").read_text()))

    def legend_box(fig):
        box = fig.legends[-1].get_window_extent(fig.canvas.get_renderer())
        return box.transformed(fig.transFigure.inverted()).bounds

    plain = next(s for s in run_report._figures(run, style, "en") if s.name == "gap_map").draw()
    with plots.theme(style, "en"):
        FigureCanvasAgg(plain).draw()
    sourced = next(s for s in run_report.figures(run, style, "en") if s.name == "gap_map").draw()
    report._png(sourced)
    (x, y, w, h), (x0, y0, w0, h0) = legend_box(sourced), legend_box(plain)
    assert (y, h) == pytest.approx((y0, h0), abs=2e-3)  # (its padding alone is ~1e-2)
    assert (x, w) == pytest.approx((x0, w0), abs=1e-2)  # (text widths differ with dpi)
    assert sourced.dpi == plots.SAVE_DPI[style]  # (the style's resolution: sharp in print)


def _height(png: bytes) -> int:
    from PIL import Image

    return Image.open(io.BytesIO(png)).size[1]


def _last_line_darkest(png: bytes) -> int:
    """The darkest grey level in the PNG's last band of rows with ink (its last line)."""
    import numpy as np
    from PIL import Image

    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L")).astype(int)
    ink = (grey < 200).any(axis=1)
    last = np.flatnonzero(ink)[-1]
    first = last
    while first > 0 and ink[first - 1]:
        first -= 1
    return int(grey[first : last + 1].min())


def test_a_chinese_run_page_names_its_run_in_words(run_folder):
    """The Chinese run page's facts said "情景 | baseline", "状态 | complete" and a raw ISO
    time, and its notes pointed to "docs/ODD.md": now words a policy reader reads."""
    manifest = json.loads((run_folder / "manifest.json").read_text())
    manifest.update(policy="package", created="2026-12-06T16:13:59+0800")
    run = run_report.read(run_folder, manifest)
    page = run_report.html(run, [], "zh_figures", "zh")
    assert "<tr><th>情景</th><td>基准情景（延续现有趋势）（baseline）</td></tr>" in page
    assert "<tr><th>政策</th><td>一揽子政策（package）</td></tr>" in page
    assert "<tr><th>状态</th><td>已完成</td></tr>" in page
    assert "<tr><th>生成时间</th><td>2026-12-06 08:13 UTC</td></tr>" in page
    assert "<tr><th>模拟月数</th>" in page
    outside = page.split("<details>")[0]
    assert "docs/ODD.md" not in outside and "模型说明文档（ODD）第11.5节" in outside
    assert "<td>全市失业率（含农村县）</td><td>%</td>" in page
    english = run_report.html(run, [], "en_figures", "en")
    assert "<tr><th>scenario</th><td>baseline</td></tr>" in english
    assert "<tr><th>created</th><td>2026-12-06 08:13 UTC</td></tr>" in english


def test_the_gap_map_averages_the_last_twelve_months(run_folder, monkeypatch):
    """The run report's sector x region map draws months M-11..M, as its caption says
    (a mutation review: a window of 13 months passed every test)."""
    from simulation import plots

    run = run_report.read(run_folder, json.loads((run_folder / "manifest.json").read_text()))
    drawn = []
    monkeypatch.setattr(plots, "mismatch_heatmap", lambda cells, **_: drawn.append(cells))
    next(s for s in run_report._figures(run, "paper", "en") if s.name == "gap_map").draw()
    assert sorted(set(drawn[0]["month"])) == list(range(2, 14))  # a run of 13 months
