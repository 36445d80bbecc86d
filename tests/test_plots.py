"""simulation.plots: a result DataFrame in, a Figure out, in plain words with units."""

from __future__ import annotations

import itertools
import subprocess
import sys

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from presenting import chinese_font_or_skip, small_sweep

from simulation import analysis, i18n, plots, report


@pytest.fixture(scope="module")
def sweep():
    path = small_sweep()
    results = analysis.load(path)
    effects = pd.concat(
        [analysis.effects(results), report.jobs_effects(results)], ignore_index=True
    )
    return results, effects, analysis.load(path, table="sector")


def _texts(fig: Figure) -> str:
    words = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return "\n".join(w for w in words if isinstance(w, str))


@pytest.mark.parametrize("style", plots.STYLES)
def test_every_figure_draws(sweep, style, tmp_path):
    results, effects, sectors = sweep
    figures = {
        "paths": plots.paths(results, "youth_unemployment_rate", style=style),
        "forest": plots.forest(effects, "unemployment_rate", style=style),
        "heatmap": plots.mismatch_heatmap(
            sectors[sectors["policy"] == "none"], rows="sector", columns="scenario", style=style
        ),
        "funnel": plots.funnel(results, style=style),
        "beveridge": plots.beveridge(results, style=style),
        "cost": plots.cost_effectiveness(effects, style=style),
    }
    for name, fig in figures.items():
        assert isinstance(fig, Figure)
        path = tmp_path / f"{name}.png"
        fig.savefig(path)
        assert path.read_bytes()[:4] == b"\x89PNG"
    words = _texts(figures["forest"])
    assert "change in unemployment rate, whole city (percentage points)" in words
    assert "apprenticeship subsidy" in words and "full policy package" in words
    paths_words = _texts(figures["paths"]).replace("\n", " ")
    assert "youth unemployment rate (under 25), whole city (%)" in paths_words
    assert "95% interval" in _texts(figures["paths"])
    cost_words = _texts(figures["cost"])
    assert "additional public spending (yuan per month)" in cost_words.replace("\n", " ")
    # the spending ticks: whole yuan with the axes' minus sign; never "-0"
    ticks = [t.get_text() for t in figures["cost"].axes[0].get_yticklabels()]
    assert "0" in ticks and not any(t in ("-0", "\u22120") for t in ticks)
    # the cost figure: a panel per scenario, titled; a legend of the policies, each with
    # its marker (not by colour alone)
    legend = figures["cost"].legends[-1]
    assert legend.get_title().get_text() == "policy"
    scenarios = [i18n.name_of("scenario", s, "en") for s in dict.fromkeys(effects["scenario"])]
    panels = [ax for ax in figures["cost"].axes if ax.get_visible()]
    if len(scenarios) > 1:
        assert sorted(ax.get_title() for ax in panels) == sorted(scenarios)
    marks = {h.get_marker() for h in legend.legend_handles}
    assert len(marks) == len(legend.legend_handles) == len(set(effects["policy"]))
    assert "kept by the training firm" in _texts(figures["funnel"]).replace("\n", " ")
    assert "vacancy rate (%)" in _texts(figures["beveridge"])


def test_talk_is_larger_than_paper(sweep):
    results = sweep[0]
    paper = plots.paths(results, "unemployment_rate", style="paper")
    talk = plots.paths(results, "unemployment_rate", style="talk")
    assert talk.get_figwidth() > paper.get_figwidth()
    w, h = talk.get_size_inches()
    assert w / h == pytest.approx(16 / 9, rel=0.01)  # a slide
    size = {f: f.axes[0].title.get_fontsize() for f in (paper, talk)}
    assert size[talk] > size[paper]


def test_shares_are_shown_in_percent(sweep):
    results = sweep[0]
    fig = plots.paths(results, "unemployment_rate", policies=["none"])
    line = fig.axes[0].get_lines()[0]
    shown = np.asarray(line.get_ydata(), float)
    raw = results[(results["policy"] == "none") & (results["scenario"] == "quick")]
    expected = raw.groupby("month")["unemployment_rate"].mean().to_numpy() * 100
    np.testing.assert_allclose(shown, expected)


def test_bands_are_t_intervals_of_the_mean():
    frame = pd.DataFrame({"g": ["a"] * 4, "value": [1.0, 2.0, 3.0, 4.0]})
    row = plots.t_interval(frame.groupby("g")).iloc[0]
    from scipy import stats

    half = stats.t.ppf(0.975, 3) * np.std([1, 2, 3, 4], ddof=1) / 2
    assert row["mean"] == 2.5 and row["n"] == 4
    assert row["low"] == pytest.approx(2.5 - half) and row["high"] == pytest.approx(2.5 + half)
    one = plots.t_interval(frame.head(1).groupby("g")).iloc[0]
    assert np.isnan(one["low"])  # one seed: no interval, not a zero-width one
    cut = plots.t_interval(frame.groupby("g"), (1.0, 3.0)).iloc[0]
    assert (cut["low"], cut["high"]) == (1.0, 3.0)  # stops where the mean can be


def test_scenario_panels_share_one_scale(sweep):
    """Panels side by side are read against each other: one y scale for all."""
    for fig in (plots.paths(sweep[0], "green_employment_share"), plots.funnel(sweep[0])):
        panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
        assert len(panels) == 2
        assert len({ax.get_ylim() for ax in panels}) == 1


def _bands(fig: Figure) -> list:
    return [c for c in fig.axes[0].collections if len(c.get_paths())]


def test_a_share_band_stops_at_zero():
    """Three seeds far apart: the t interval reaches below 0%, the band does not."""
    rows = _results(seeds=(1, 2, 3), policies=("none",))
    rows["unemployment_rate"] = np.where(rows["seed"] == 3, 0.2, 0.0)
    bands = _bands(plots.paths(rows, "unemployment_rate"))
    assert bands
    lows = min(p.vertices[:, 1].min() for c in bands for p in c.get_paths())
    assert lows == 0.0  # uncut: 6.7% - 4.30 x 11.5% / sqrt(3) = -22%


def test_two_seeds_draw_no_band_and_say_why():
    """A 95% interval from two seeds spans 12.7 standard errors either side (t with one
    degree of freedom): a band that swamps the lines; the note says so instead."""
    two = plots.paths(_results(seeds=(1, 2)), "unemployment_rate")
    assert _bands(two) == []
    assert "no band: a 95% interval from two seeds spans 12.7" in _texts(two).replace("\n", " ")
    assert _bands(plots.paths(_results(seeds=(1, 2, 3)), "unemployment_rate"))
    # An unfinished sweep: a policy of three seeds beside one of two. Each line by its
    # own count (the two's were drawn 12.7 standard errors wide), and the note says so.
    rows = _results(seeds=(1, 2, 3))
    mixed = plots.paths(rows[(rows.policy == "none") | (rows.seed < 3)], "unemployment_rate")
    assert len(_bands(mixed)) == 1
    assert "(none for a line of fewer than 3 seeds)" in _texts(mixed).replace("\n", " ")
    assert "fewer than 3" not in _texts(plots.paths(rows, "unemployment_rate"))


def test_sector_by_region_heatmap():
    """Months and seeds averaged per cell; a cell with no one employed left blank, not
    dropped; a shared colour scale when asked for."""
    table = pd.DataFrame(
        {
            "sector": ["manufacturing"] * 4 + ["services"] * 4,
            "region": ["urban_core", "urban_core", "county_town", "county_town"] * 2,
            "skill_gap_mean": [0.1, 0.3, 0.2, 0.2, 0.4, 0.4, np.nan, np.nan],
        }
    )
    fig = plots.mismatch_heatmap(table, rows="sector", columns="region")
    mesh = fig.axes[0].collections[0]
    values = np.ma.filled(mesh.get_array(), np.nan).reshape(2, 2)
    np.testing.assert_allclose(values, [[0.2, 0.2], [0.4, np.nan]])
    assert mesh.get_clim() == pytest.approx((0.2, 0.4))
    words = _texts(fig)
    assert "manufacturing" in words and "county town" in words
    assert "Skill gap of the employed by sector and region" in words
    shared = plots.mismatch_heatmap(table, rows="sector", columns="region", limits=(0.0, 0.5))
    assert shared.axes[0].collections[0].get_clim() == (0.0, 0.5)


def _contrast(a, b) -> float:
    """WCAG 2's contrast ratio of two colours."""
    from matplotlib.colors import to_rgba

    def lum(c):
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in to_rgba(c)[:3]]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_a_maps_numbers_and_hatches_stand_out_from_their_cells():
    """White numbers on the middle of cividis stood at 2.3:1 against their cells, and a
    white hatch vanished on the bright end (1.1:1): an outside review for forums. Each
    number is in the ink that contrasts more, at least 4.5:1 (WCAG's for text), on any
    colour of the scale, and a thin cell's hatch is in that ink."""
    from matplotlib.colors import to_rgba

    cells = np.linspace(0.0, 1.0, 41)
    table = pd.DataFrame(
        {
            "sector": [f"s{i:02d}" for i in range(41)],
            "region": "urban_core",
            "skill_gap_mean": cells,
            "employed": [1 if i % 2 else 100 for i in range(41)],  # every other one thin
        }
    )
    fig = plots.mismatch_heatmap(table, rows="sector", columns="region", limits=(0.0, 1.0))
    ax = fig.axes[0]
    mesh = ax.collections[0]
    for t in ax.texts:
        cell = mesh.cmap(mesh.norm(float(t.get_text().strip("()"))))
        assert _contrast(t.get_color(), cell) >= 4.5, (t.get_text(), t.get_color())
    hatches = [p for p in ax.patches if p.get_hatch()]
    assert len(hatches) == 20
    for p in hatches:
        cell = mesh.cmap(mesh.norm(cells[int(p.get_y())]))
        ink = plots.ink(cell)
        assert p.get_edgecolor() == pytest.approx(to_rgba(ink, 0.5))
    assert {plots.ink(mesh.cmap(x)) for x in (0.0, 1.0)} == {"black", "white"}


def _hatched(fig: Figure) -> list[tuple[int, int]]:
    """(row, column) of the map's hatched cells."""
    return sorted((int(r.get_y()), int(r.get_x())) for r in fig.axes[0].patches if r.get_hatch())


def test_heatmap_marks_the_cells_of_few_workers():
    """A cell whose mean is over fewer than THIN_CELL workers on average (the employed
    for a gap; the labour force for an unemployment rate) is hatched, its number in
    brackets, and a legend under the map says why; a map without thin cells, or one
    drawn with thin=None, has neither."""
    thin = plots.THIN_CELL
    table = pd.DataFrame(
        {
            "sector": ["manufacturing"] * 4 + ["services"] * 4,
            "region": ["urban_core", "urban_core", "county_town", "county_town"] * 2,
            # cell means: 100, thin - 0.5 (thin), thin (not thin), 0 employed (blank)
            "employed": [100, 100, thin - 1, thin, thin, thin, 0, 0],
            "labour_force": [200] * 8,
            "skill_gap_mean": [0.1, 0.3, 0.9, 0.9, 0.4, 0.4, np.nan, np.nan],
            "unemployment_rate": [0.05] * 8,
        }
    )
    fig = plots.mismatch_heatmap(table)
    assert _hatched(fig) == [(0, 1)]  # manufacturing x county town only
    numbers = sorted(t.get_text() for t in fig.axes[0].texts)
    assert numbers == ["(0.900)", "0.200", "0.400"]
    # the colours span the cells of enough workers: the thin one takes the end colour
    assert fig.axes[0].collections[0].get_clim() == pytest.approx((0.2, 0.4))
    assert f"a mean over fewer than {thin} employed workers" in _texts(fig)
    assert "workers in the labour force" in _texts(
        plots.mismatch_heatmap(table.assign(labour_force=thin - 1), value="unemployment_rate")
    )
    for plain in (
        plots.mismatch_heatmap(table, thin=None),
        plots.mismatch_heatmap(table.assign(employed=thin)),
        plots.mismatch_heatmap(table.drop(columns="employed")),  # no count: nothing to say
        plots.mismatch_heatmap(table, value="unemployment_rate"),  # its count is not thin
    ):
        assert _hatched(plain) == [] and "fewer than" not in _texts(plain)
    zh = plots.mismatch_heatmap(table, lang="zh")
    assert _hatched(zh) == [(0, 1)] and f"不足{thin}名在职者" in _texts(zh)
    # one cell of enough workers is no scale: then every cell's value sets the colours
    one = table.assign(employed=[100, 100, thin - 1, thin - 1, 1, 1, 0, 0])
    assert plots.mismatch_heatmap(one).axes[0].collections[0].get_clim() == pytest.approx(
        (0.2, 0.9)
    )


def test_readable_in_greyscale_and_for_colour_blind_readers(sweep):
    # every series differs by line pattern or marker too, not by colour alone
    looks = plots.look(list("abcdefghi"))
    assert len({lk["dashes"] for lk in looks.values()}) == 9
    assert len({lk["marker"] for lk in looks.values()}) == 9
    # the first three colours (baseline, then two more) also differ in lightness
    grey = [np.dot(mcolors.to_rgb(c), (0.299, 0.587, 0.114)) for c in plots.COLOURS[:3]]
    assert min(np.diff(sorted(grey))) > 0.2
    fig = plots.paths(sweep[0], "unemployment_rate")
    lines = fig.axes[0].get_lines()
    styles = {(str(line.get_color()), str(line._unscaled_dash_pattern)) for line in lines}
    assert len(styles) == 3 and len({s[1] for s in styles}) == 3
    assert plots.HEATMAP == "cividis"  # lightness rises steadily; safe for colour blindness
    # every colour at least 3:1 on white, as WCAG 2.1 (1.4.11) asks of a graph's lines
    # (Okabe-Ito's orange and sky blue stood at 2.3:1)
    low = {c: round(_contrast(c, "#FFFFFF"), 2) for c in plots.COLOURS}
    assert min(low.values()) >= 3.0, low
    # every two colours apart as protanopes, deuteranopes and tritanopes see them
    # (Machado, Oliveira & Fernandes 2009, severity 1, in linear RGB; CIELAB distance):
    # the ochre that stood in for yellow was the vermillion to a protanope (2.4)
    for name, m in CVD.items():
        seen = [_lab(np.asarray(m) @ _linear(mcolors.to_rgb(c))) for c in plots.COLOURS]
        for (i, a), (j, b) in itertools.combinations(enumerate(seen), 2):
            gap = float(np.linalg.norm(a - b))
            assert gap > 8, (name, plots.COLOURS[i], plots.COLOURS[j], gap)


CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}  # fmt: skip


def _linear(rgb) -> np.ndarray:
    c = np.asarray(rgb, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb) -> np.ndarray:
    """CIELAB (D65) of a colour in linear sRGB."""
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    t = xyz @ np.clip(linear_rgb, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_sensitivity_figures():
    sobol = pd.DataFrame(
        {
            "scenario": "baseline",
            "policy": "apprenticeship_subsidy",
            "metric": "apprenticeship_starts",
            "parameter": ["subsidy_yuan_per_year", "anticipation_lag_months"],
            "S1": [0.7, 0.1],
            "S1_conf": [0.1, 0.05],
            "ST": [0.8, 0.15],
            "ST_conf": [0.1, 0.05],
        }
    )
    fig = plots.sensitivity(sobol)
    assert "first-order (S1)" in _texts(fig) and "subsidy yuan per year" in _texts(fig)
    assert fig.axes[0].get_xlim() == pytest.approx((-0.05, 1.05)) and "cut" not in _texts(fig)
    # a design of two samples: an interval of +-16 cut at an axis of 0 to 1, and said so
    few = plots.sensitivity(sobol.assign(S1=[-0.04, 0.1], S1_conf=[16.0, 0.05]))
    assert few.axes[0].get_xlim() == pytest.approx((-0.09, 1.05))
    assert "whiskers cut at the axis" in _texts(few).replace("\n", " ")
    morris = sobol[["scenario", "policy", "metric", "parameter"]].assign(
        mu=[1.0, 0.1], mu_star=[1.0, 0.2], mu_star_conf=[0.1, 0.1], sigma=[0.2, 0.1]
    )
    assert "mu*" in _texts(plots.sensitivity(morris))


def test_chinese_labels(sweep, tmp_path):
    chinese_font_or_skip()
    effects = sweep[1]
    fig = plots.forest(effects, "unemployment_rate", lang="zh", style="talk")
    words = _texts(fig)
    assert "全市失业率（含农村县）变化" in words and "企业新型学徒制培训补贴" in words
    families = {t.get_fontfamily()[0] for t in fig.findobj(lambda a: hasattr(a, "get_fontfamily"))}
    assert families == {i18n.cjk_font()}
    with _no_missing_glyph_warning():
        fig.savefig(tmp_path / "zh.png")


class _no_missing_glyph_warning:
    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings(record=True)
        self.seen = self._catch.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._catch.__exit__(*exc)
        missing = [str(w.message) for w in self.seen if "missing from font" in str(w.message)]
        assert missing == [], missing[:3]


def test_missing_cjk_font_is_a_clear_message(monkeypatch):
    monkeypatch.setattr(i18n, "CJK_FAMILIES", ("No Such Font CJK",))
    with pytest.raises(i18n.MissingFontError, match="fonts-noto-cjk"), plots.theme(lang="zh"):
        pass


def test_bad_arguments_say_what_is_allowed(sweep):
    with pytest.raises(ValueError, match="paper, talk"), plots.theme("poster"):
        pass
    with pytest.raises(ValueError, match="not supported"):
        i18n.check_lang("fr")
    with pytest.raises(ValueError, match="no effects of 'nonsense'"):
        plots.forest(sweep[1], "nonsense")


def test_plots_never_import_the_model():
    code = "import sys, simulation.plots; print('simulation.model' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------- synthetic tables (no model runs)


def _results(points=(0.0,), seeds=(1,), policies=("none", "apprenticeship_subsidy"), months=4):
    """A metrics table as analysis.load gives it: one row per run and month; a design
    point per value of ``points`` (the subsidy), a run per policy, point and seed."""
    rows = []
    for k, subsidy in enumerate(points):
        for p in policies:
            for seed in seeds:
                for m in range(months):
                    rows.append(
                        {
                            "run_id": f"{p}-{k}-{seed}",
                            "scenario": "baseline",
                            "policy": p,
                            "point": k,
                            "subsidy_yuan_per_year": subsidy,
                            "replicate": seed,
                            "seed": seed,
                            "month": m,
                            "unemployment_rate": 0.05 + 0.01 * k + 0.001 * seed + 0.002 * m,
                            "vacancy_rate": 0.02 + 0.001 * m,
                            "apprenticeship_starts": 10.0 + seed,
                            "apprenticeship_completions": 5.0,
                            "apprenticeship_retention_rate": 0.7,
                            "apprenticeship_employment_12m": 0.8,
                        }
                    )
    return pd.DataFrame(rows)


def _effects(n=3, points=None):
    """An effects table as analysis.effects gives it (with report.jobs_effects' rows):
    one policy against the status quo, optionally at several design points."""
    rows = []
    for k, subsidy in enumerate(points or [None]):
        for metric, effect in (
            ("unemployment_rate", -0.01),
            ("spending_total_yuan", 1000.0),
            ("in_employment", 10.0),
        ):
            row = {"scenario": "baseline", "policy": "apprenticeship_subsidy"}
            if subsidy is not None:
                row.update(point=k, subsidy_yuan_per_year=subsidy)
            half = abs(effect) / 2 if n > 1 else np.nan
            e = effect * (k + 1)
            row.update(metric=metric, unit="", n=n, effect=e, ci_low=e - half, ci_high=e + half)
            rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["skillsim"] = {"baseline_policy": "none"}  # (as analysis.effects says it)
    return out


def test_unknown_names_and_wrong_tables_are_clear_messages():
    """A typo or the wrong table: a ValueError saying what is wrong and what is allowed,
    not a ZeroDivisionError or KeyError from deep inside."""
    r = _results()
    with pytest.raises(ValueError, match=r"policy 'packge'.*policies present: none, appren"):
        plots.beveridge(r, policies=["packge"])
    with pytest.raises(ValueError, match=r"scenario 'x'.*scenarios present: baseline"):
        plots.funnel(r, scenarios=["x"])
    with pytest.raises(ValueError, match=r"policy 'packge'.*policies present"):
        plots.paths(r, "unemployment_rate", policies=["packge"])
    with pytest.raises(
        ValueError, match=r"unknown metric 'unemployment_rat'.*'unemployment_rate'.*list metrics"
    ):
        plots.paths(r, "unemployment_rat")
    region = r.assign(region="urban_core")
    for draw in (plots.funnel, plots.beveridge, lambda t: plots.paths(t, "unemployment_rate")):
        with pytest.raises(ValueError, match=r"needs the metrics table.*region breakdown"):
            draw(region)
    cell = pd.DataFrame(
        {"sector": ["manufacturing"], "region": ["urban_core"], "skill_gap_mean": [0.1]}
    )
    with pytest.raises(ValueError, match=r"value='skill_gap'.*skill_gap_mean"):
        plots.mismatch_heatmap(cell, value="skill_gap")
    with pytest.raises(ValueError, match=r"rows='sector'.*table='sector'"):
        plots.mismatch_heatmap(r)


def test_a_heat_map_does_not_average_unlike_runs(sweep):
    """A sector table of a sweep holds every scenario and policy: a map by sector and
    scenario would have averaged the policies together without a word."""
    _, _, sectors = sweep
    with pytest.raises(ValueError, match=r"values of 'policy' \(none, .*keep one"):
        plots.mismatch_heatmap(sectors, rows="sector", columns="scenario")
    one = sectors[sectors["policy"] == "none"]
    with pytest.raises(ValueError, match=r"values of 'scenario'"):
        plots.mismatch_heatmap(one, rows="sector", columns="month")
    quick = sectors[sectors["scenario"] == "quick"]
    plots.mismatch_heatmap(quick, rows="sector", columns="policy")  # policies as columns


def test_forest_filter_that_matches_nothing_names_the_filter():
    e = _effects()
    with pytest.raises(ValueError, match=r"policy 'packge'.*policies present: apprenticeship"):
        plots.forest(e, "unemployment_rate", policies=["packge"])
    with pytest.raises(ValueError, match=r"scenario 'x'.*scenarios present: baseline"):
        plots.forest(e, "unemployment_rate", scenarios=["x"])
    with pytest.raises(ValueError, match=r"no effects of 'unemployment_rat'.*'unemployment_rate'"):
        plots.forest(e, "unemployment_rat")


def test_design_points_get_their_own_rows_and_markers():
    """Effects of a design sweep: a row (forest) and a marker (cost) per point, each
    labelled by its parameter values, not all points of a policy stacked on one."""
    e = _effects(points=[0.0, 7500.0, 15000.0])
    fig = plots.forest(e, "unemployment_rate")
    ticks = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    assert len(ticks) == 3
    assert "apprenticeship subsidy, subsidy yuan per year = 7,500" in ticks
    ys = fig.axes[0].get_lines()[0].get_ydata()
    assert len(set(np.round(ys, 6))) == 3
    cost = plots.cost_effectiveness(e)
    shape = plots.look(["none", "apprenticeship_subsidy"])["apprenticeship_subsidy"]["marker"]
    markers = [ln for ln in cost.axes[0].get_lines() if ln.get_marker() == shape]
    assert len(markers) == 3  # one per point: points are not crossed with each other
    assert "subsidy yuan per year = 15,000" in _texts(cost)


@pytest.mark.parametrize("style", plots.STYLES)
def test_cost_lines_labels_keep_clear_of_the_title(style):
    """The equal-cost lines' labels, at the lines' top ends (both at the data's top
    here), stay clear of the panel's top and so of the title: they sat against it."""
    fig = plots.cost_effectiveness(_effects(), style=style)
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if "per worker-month" in t.get_text()]
    assert len(labels) == 2
    panel = ax.get_window_extent()
    gaps = [(panel.y1 - t.get_window_extent().y1) / panel.height for t in labels]
    assert min(gaps) >= 0.04, gaps


def test_both_cost_lines_are_labelled_when_the_data_reach_further_down_than_up():
    """The rays ran to the data's largest magnitude, here a negative bound of the
    spending (-61,000): in panels that share their axes the steeper one ended above
    them, and its label, placed at that end, was clipped away (an outside review).
    Both end inside the panels, with their labels."""
    panels = []
    for scenario, cost, jobs in (
        ("baseline", [-12_000.0, -61_000.0, 37_000.0], [48.0, -110.0, 230.0]),
        ("rural_revitalization", [-20_000.0, -49_000.0, 8_000.0], [45.0, -60.0, 150.0]),
    ):
        e = _effects().assign(scenario=scenario)
        e.loc[e["metric"] == "spending_total_yuan", ["effect", "ci_low", "ci_high"]] = cost
        e.loc[e["metric"] == "in_employment", ["effect", "ci_low", "ci_high"]] = jobs
        panels.append(e)
    fig = plots.cost_effectiveness(pd.concat(panels, ignore_index=True))
    fig.canvas.draw()
    drawn = [ax for ax in fig.axes if any("per worker" in t.get_text() for t in ax.texts)]
    assert len(drawn) == 2
    for ax in drawn:
        labels = [t for t in ax.texts if "per worker-month" in t.get_text()]
        assert len(labels) == 2
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        for t in labels:
            x, y = t.xy
            assert x0 <= x <= x1 and y0 <= y <= y1, (t.get_text(), t.xy, (x1, y1))


def test_paths_of_design_points_count_seeds_not_points():
    one_seed = plots.paths(_results(points=(0.0, 7500.0, 15000.0)), "unemployment_rate")
    words = _texts(one_seed)
    assert "one seed: no interval" in words and "3 seeds" not in words
    assert len(one_seed.axes[0].get_lines()) == 6  # 2 policies x 3 points
    assert "subsidy yuan per year = 7,500" in words
    one_seed.canvas.draw()  # (a short run's months are whole: no tick at month 2.5)
    ticks = [t.get_position()[0] for t in one_seed.axes[0].get_xticklabels() if t.get_text()]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    two = plots.paths(_results(points=(0.0, 15000.0), seeds=(1, 2)), "unemployment_rate")
    assert "mean over 2 seeds" in _texts(two) and "4 seeds" not in _texts(two)
    many = plots.paths(_results(points=tuple(range(7)), seeds=(1, 2)), "unemployment_rate")
    assert "thin lines: the 7 design points, each the mean over 2 seeds" in _texts(many)
    # (two seeds: no band for a point alone either, so not "select one to see its band")
    assert "needs 3 seeds or more" in _texts(many).replace("\n", " ")
    assert "to see its 95% band" not in _texts(many).replace("\n", " ")
    assert len(many.axes[0].get_lines()) == 14
    # three seeds: a point alone has its band, said in a notebook, not in a report's
    three = _results(points=tuple(range(7)), seeds=(1, 2, 3))
    said = _texts(plots.paths(three, "unemployment_rate")).replace("\n", " ")
    bare = _texts(plots.paths(three, "unemployment_rate", hints=False)).replace("\n", " ")
    assert "(e.g. results[results.point == 0]) to see its 95% band" in said
    assert "each the mean over 3 seeds" in bare and "results[" not in bare


def test_sensitivity_of_a_constant_metric():
    keys = {"scenario": "baseline", "metric": "skill_shortage_vacancies"}
    constant = pd.DataFrame({**keys, "policy": "p", "parameter": ["a", "b"]})
    with pytest.raises(ValueError, match="does not vary across the design points"):
        plots.sensitivity(constant)
    moving = constant.assign(policy="q", mu=[1.0, 0.1], mu_star=[1.0, 0.2])
    moving = moving.assign(mu_star_conf=0.1, sigma=0.1)
    fig = plots.sensitivity(pd.concat([constant, moving], ignore_index=True))
    assert "does not vary across the design points" in _texts(fig).replace("\n", " ")


def test_figures_of_loaded_results_name_their_source(sweep):
    """A figure pasted into slides still says where it came from (an outside review:
    the API's figures carried no source): the last line of its footnote names the
    skillsim version, the sweep, its size and horizon and the code's digest, in every
    figure drawn from what analysis.load gives (effects and indices keep it). A table
    built by hand has none, and its figures say none."""
    from simulation import __version__

    results, effects, sectors = sweep
    code = analysis.code_versions(small_sweep()).index[0][:8]
    line = f"Source: skillsim {__version__}, sweep presenting (400 workers, 6 months); code {code}"
    none = sectors[sectors["policy"] == "none"]
    figures = {
        "paths": plots.paths(results, "unemployment_rate"),
        "forest": plots.forest(effects, "unemployment_rate"),
        "heatmap": plots.mismatch_heatmap(none, rows="sector", columns="scenario"),
        "heatmap, no thin cells": plots.mismatch_heatmap(
            none, rows="sector", columns="scenario", thin=None
        ),
        "funnel": plots.funnel(results),
        "beveridge": plots.beveridge(results),
        "cost": plots.cost_effectiveness(effects),
    }
    for name, fig in figures.items():
        assert line in " ".join(_texts(fig).split()), name
    zh = _texts(plots.forest(effects, "unemployment_rate", lang="zh"))
    assert (
        f"来源：skillsim {__version__}，模拟实验presenting（400名劳动者，6个月）；代码{code}" in zh
    )
    assert "Source:" not in _texts(plots.forest(_effects(), "unemployment_rate"))
    assert plots.source_line(_effects()) is None
    # one run's folder; a folder of runs computed by two versions of the code
    run = analysis.load(sorted((small_sweep() / "runs").iterdir())[0])
    assert plots.source_line(run) == (
        f"Source: skillsim {__version__}, run {run['run_id'].iloc[0]} (400 workers, 6 "
        f"months); code {code}"
    )
    mixed = run.copy()
    mixed.attrs["skillsim"] = {"source": {**run.attrs["skillsim"]["source"], "code": ["a", "b"]}}
    assert plots.source_line(mixed).endswith("months); 2 versions of the code")


def test_one_seed_notes_say_so():
    e = _effects(n=1)
    for fig in (plots.forest(e, "unemployment_rate"), plots.cost_effectiveness(e)):
        words = _texts(fig).replace("\n", " ")
        assert "one seed, so no interval" in words
        assert "1 seeds" not in words and "95% interval" not in words
    words = _texts(plots.funnel(_results())).replace("\n", " ")
    assert "one seed, so no interval" in words and "95% interval" not in words
    assert "over 3 seeds, mean of the policy period; bar: 95% interval" in _texts(
        plots.forest(_effects(), "unemployment_rate")
    ).replace("\n", " ")


def test_effect_notes_say_the_months_summary_and_confidence_of_their_table():
    """The notes said "mean of the policy period" and "95%" whatever the effects were of
    (a month window, the final month, another confidence: an outside review); they say
    the table's own, from its attrs. A table whose attrs pd.concat dropped (tables of
    different baselines or months: the cost figure's two) is warned of."""
    r = _results(seeds=(1, 2, 3))
    window = analysis.effects(r, months=(2, 3), confidence=0.5)
    words = _texts(plots.forest(window, "unemployment_rate")).replace("\n", " ")
    assert "over 3 seeds, mean of months 2-3; bar: 50% interval" in words, words
    final = analysis.effects(r, summary="final")
    words = _texts(plots.forest(final, "unemployment_rate", lang="en")).replace("\n", " ")
    assert "the last month; bar: 95% interval" in words, words
    assert plots.effects_basis(final, "zh") == {"basis": "最后一个月", "level": "95%"}
    assert plots.effects_basis(window, "zh")["basis"] == "第2至3个月均值"
    mixed = pd.concat([_effects(), _effects().assign(scenario="x").pipe(_without_attrs)])
    assert mixed.attrs == {}
    with pytest.warns(UserWarning, match="these effects do not say what they are against"):
        plots.cost_effectiveness(mixed)


def _without_attrs(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.attrs = {}
    return frame


def _bars(fig: Figure) -> list:
    return [p for p in fig.axes[0].patches if p.get_width() > 0]


def test_funnel_of_design_points_draws_each_point_with_its_seeds():
    """A design sweep's funnel: a bar per policy and point, each point's interval over
    its own seeds (not over all runs of the policy across points), notes counting seeds."""
    r = _results(points=(0.0, 7500.0, 15000.0), seeds=(1, 2))
    # points differ: starts rise by 5 a point, so pooling them would widen the interval
    r["apprenticeship_starts"] += 5.0 * r["point"]
    fig = plots.funnel(r)
    assert len(_bars(fig)) == 4 * 6  # 4 stages x (2 policies x 3 points)
    words = _texts(fig).replace("\n", " ")
    assert "apprenticeship subsidy, subsidy yuan per year = 7,500" in words
    assert "3 points, 2 seeds each" in words and "6 seeds" not in words
    starts = sorted(round(b.get_height(), 6) for b in _bars(fig) if b.get_x() < 0.5)
    assert starts == [11.5, 11.5, 16.5, 16.5, 21.5, 21.5]  # a mean per point
    from scipy import stats

    half = stats.t.ppf(0.975, 1) * np.std([11.0, 12.0], ddof=1) / np.sqrt(2)
    whiskers = fig.axes[0].collections[0].get_segments()  # started, policy none, point 0
    low, high = whiskers[0][0][1], whiskers[0][1][1]
    assert (low, high) == pytest.approx((11.5 - half, 11.5 + half))
    one = _texts(plots.funnel(_results(points=(0.0, 7500.0)))).replace("\n", " ")
    assert "one seed each" in one and "one seed, so no interval" in one
    assert "2 seeds" not in one and "95% interval" not in one


def test_funnel_of_many_design_points_shows_their_spread():
    r = _results(points=tuple(range(7)), seeds=(1, 2))
    r["apprenticeship_starts"] += r["point"]
    fig = plots.funnel(r)
    assert len(_bars(fig)) == 4 * 2  # a bar per policy: 14 would not read
    words = _texts(fig).replace("\n", " ")
    assert "mean over the 7 design points, each the mean over 2 seeds" in words
    assert "not an interval" in words and "results[results.point == 0]" in words
    # a report's, for a forum: the note without the notebook's Python
    bare = _texts(plots.funnel(r, hints=False)).replace("\n", " ")
    assert "not an interval. Kept and in work" in bare and "results[" not in bare
    whiskers = fig.axes[0].collections[0].get_segments()
    assert (whiskers[0][0][1], whiskers[0][1][1]) == pytest.approx((11.5, 17.5))


def test_funnel_of_a_stage_equal_at_every_design_point():
    """A design sweep over one policy, its completions the same at all 16 points: pandas'
    mean of the 16 equal values comes out a rounding error below them, which once gave
    a negative whisker and stopped the sweep's report (matplotlib refuses one)."""
    r = _results(
        points=tuple(range(16)), seeds=(1,), months=13, policies=("apprenticeship_subsidy",)
    )
    r["apprenticeship_completions"] = 2.0 * (r["month"] == 5)  # 1/6 a month at every point
    fig = plots.funnel(r)
    completions = fig.axes[0].collections[0].get_segments()[1]  # the stage's whisker
    assert completions[0][1] == pytest.approx(1 / 6) and completions[1][1] == pytest.approx(1 / 6)


def test_funnel_counts_no_retained_where_there_were_no_completions():
    """A seed without completions has no retention or employment rate (NaN): its kept
    and in-work stages are none, not left out, or a stage could outnumber the one
    before it (kept 3.5 a month against 2.5 completed, before)."""
    r = _results(seeds=(1, 2), policies=("none",))
    none = r["seed"] == 2
    r.loc[none, "apprenticeship_completions"] = 0.0
    r.loc[none, ["apprenticeship_retention_rate", "apprenticeship_employment_12m"]] = np.nan
    stages = plots.funnel_table(r).groupby("stage")["value"].mean()
    assert stages["completions"] == pytest.approx(2.5)
    assert stages["retained"] == pytest.approx(0.7 * 2.5)
    assert stages["employed"] == pytest.approx(0.8 * 2.5)


def test_funnel_counts_every_month_with_completions_in_every_stage():
    """A month with completions whose 12-month employment rate is not defined (no
    completers a year before) was left out of the in-work stage's mean alone, so that
    stage was a mean over fewer months than the completions (an outside review): the
    run's mean rate over the months that define it stands in for it there."""
    r = _results(seeds=(1,), policies=("none",))
    later = r["month"] >= 1
    r.loc[later, "apprenticeship_completions"] = 4.0
    r.loc[later, "apprenticeship_employment_12m"] = 0.5
    gap = later & (r["month"] == r.loc[later, "month"].min())
    r.loc[gap, "apprenticeship_employment_12m"] = np.nan
    r.loc[gap, "apprenticeship_completions"] = 10.0  # (a large month, left out before)
    stages = plots.funnel_table(r).groupby("stage")["value"].mean()
    assert stages["completions"] > 4.0
    assert stages["employed"] == pytest.approx(0.5 * stages["completions"])


def test_design_points_that_differ_get_labels_that_differ():
    """Four significant digits, or as many more as tell the points apart."""
    assert list(plots.point_labels(_results(points=(7500.0, 0.125)), "en").values()) == [
        "subsidy yuan per year = 0.125",
        "subsidy yuan per year = 7,500",
    ]
    large = plots.point_labels(_results(points=(1370.0, 12849.7)), "en")
    assert sorted(large.values()) == [  # whole numbers, not 1.285e+04
        "subsidy yuan per year = 1,370",
        "subsidy yuan per year = 12,850",
    ]
    close = plots.point_labels(_results(points=(5000.0, 5000.001)), "en")
    assert sorted(close.values()) == [
        "subsidy yuan per year = 5,000",
        "subsidy yuan per year = 5,000.001",
    ]
    # A morris design's repeated points (the same values twice) beside others: told by
    # their number, with the digits that tell the rest apart (not 17 digits of noise).
    noisy = 5000.000000000001
    repeats = plots.point_labels(_results(points=(0.0, noisy, 15000.0, noisy)), "en")
    assert repeats == {
        0: "subsidy yuan per year = 0",
        1: "subsidy yuan per year = 5,000 (design point 1)",
        3: "subsidy yuan per year = 5,000 (design point 3)",
        2: "subsidy yuan per year = 15,000",
    }
    # the same point in value and in float noise (5,000 and 5,000.0000000000009): one
    # value twice, told by number, not 17 digits
    noise = plots.point_labels(_results(points=(5000.0, noisy, 15000.0)), "en")
    assert noise[0] == "subsidy yuan per year = 5,000 (design point 0)"


def test_design_points_in_chinese_name_their_settings():
    """In Chinese a point names its parameter by the setting's short name, with Chinese
    punctuation (an outside review: "一揽子政策, screening noise = 0.07"); the paths come
    with the loaded results and the tables derived from them (``attrs``)."""
    r = _results(points=(0.0, 7500.0))
    r.attrs["skillsim"] = {"paths": {"subsidy_yuan_per_year": ["policy.subsidy.yuan_per_year"]}}
    assert list(plots.point_labels(r, "zh").values()) == [
        "学徒补贴（元/年）：0",
        "学徒补贴（元/年）：7,500",
    ]
    assert plots._row_label("一揽子政策", "补贴：0", "zh") == "一揽子政策，补贴：0"
    # a parameter of several settings the page cannot name: its own name
    r.attrs["skillsim"]["paths"] = {"subsidy_yuan_per_year": ["policy.a", "policy.b"]}
    assert plots.point_labels(r, "zh")[0] == "subsidy yuan per year：0"


def test_cost_axis_of_policies_that_spend_nothing_reads():
    """A sweep too short for any spending: the axis spans a few hundredths of a yuan,
    whose ticks read -0, -0, 0, 0 as whole yuan."""
    e = _effects()
    spending = e["metric"] == "spending_total_yuan"
    e.loc[spending, ["effect", "ci_low", "ci_high"]] = [0.0, -0.03, 0.03]
    fig = plots.cost_effectiveness(e)
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(set(ticks)) == len(ticks) and "0" in ticks, ticks


def test_cost_markers_have_a_white_rim():
    """Policies of little effect sit close together near the origin: each marker has a
    white rim, so one drawn over another leaves the other's shape to see."""
    fig = plots.cost_effectiveness(_effects())
    caps = ("|", "_", "", "None", None)  # (the whiskers' caps are markers too)
    markers = [ln for ln in fig.axes[0].get_lines() if ln.get_marker() not in caps]
    assert markers and all(mcolors.same_color(m.get_markeredgecolor(), "white") for m in markers)


def test_whiskers_are_never_negative_and_none_where_a_bound_is_missing():
    low_high = plots.whiskers([1.0, 2.0, 3.0], [1.0 + 1e-16, 1.5, np.nan], [0.9, 2.5, 4.0])
    assert low_high.tolist() == [[0.0, 0.5, 0.0], [0.0, 0.5, 1.0]]


def test_beveridge_by_year():
    """A point a year (the report's: quarterly points loop with the yearly intake)."""
    r = _results(points=(0.0,), seeds=(1, 2), months=30)
    quarters = plots.beveridge(r)
    years = plots.beveridge(r, per="year")
    longest = {
        f: max(len(ln.get_xdata()) for ln in f.axes[0].get_lines()) for f in (quarters, years)
    }
    assert (longest[quarters], longest[years]) == (10, 3)  # months 1-30
    assert "one point per year" in _texts(years).replace("\n", " ")
    with pytest.raises(ValueError, match="per='month' is not one of quarter, year"):
        plots.beveridge(r, per="month")


def test_beveridge_first_years_circles_hide_none_and_the_baselines_is_on_top():
    """Scenarios start from one month 0, so their first years' circles coincide: each is
    hollow and drawn over every line, the baseline scenario's last (on top), each one
    under others a ring around them; a filled circle drawn later had hidden the
    baseline's (and a hollow one of the same size, a scenario that shares its years)."""
    r = _results(seeds=(1, 2), months=30)
    r = pd.concat(
        [
            r.assign(scenario=s, run_id=r["run_id"] + s)
            for s in ("baseline", "green_orderly", "rural")
        ]
    )
    fig = plots.beveridge(r, per="year")
    lines = fig.axes[0].get_lines()
    circles = [i for i, ln in enumerate(lines) if ln.get_marker() == "o"]
    curves = [i for i, ln in enumerate(lines) if len(ln.get_xdata()) > 1]
    assert len(circles) == len(curves) == 3 and min(circles) > max(curves)
    assert all(lines[i].get_markerfacecolor() == "none" for i in circles)
    looks = plots.look(
        ["baseline", "green_orderly", "rural"], plots.SHIPPED["scenario"], "baseline"
    )
    on_top = lines[max(circles)].get_color()
    assert mcolors.same_color(on_top, looks["baseline"]["color"])
    sizes = [lines[i].get_markersize() for i in circles]  # (here all three coincide)
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == 3
    apart = r.assign(unemployment_rate=r["unemployment_rate"] + (r["scenario"] == "rural"))
    lines = plots.beveridge(apart, per="year").axes[0].get_lines()
    rural = next(ln for ln in lines if ln.get_marker() == "o")  # (drawn first: under)
    assert mcolors.same_color(rural.get_color(), looks["rural"]["color"])
    assert rural.get_markersize() == min(sizes)  # alone: no ring
    # a chain of near circles (first on second, second on third, the first and third
    # apart): each rings the one it would hide, so the first is the largest
    span = np.array([0.0, 10.0])
    ends = [(c, span + dx, span) for c, dx in (("k", 0.0), ("b", 0.15), ("c", 0.3))]
    assert [(c, r) for c, _, _, r in plots._rings(ends)] == [("c", 2), ("b", 1), ("k", 0)]


def test_beveridge_of_design_points_draws_a_line_per_point():
    r = _results(points=(0.0, 7500.0, 15000.0), seeds=(1, 2), months=7)
    fig = plots.beveridge(r)
    curves = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) > 1]
    assert len(curves) == 3  # one per point, not their mean
    firsts = sorted(round(float(c.get_xdata()[0]), 6) for c in curves)
    # quarter 1 (months 1-3) of point k: 5 + k + 0.15 (mean seed) + 0.4 (mean month), in %
    assert firsts == pytest.approx([5.55, 6.55, 7.55])
    words = _texts(fig).replace("\n", " ")
    assert "baseline (current trends), subsidy yuan per year = 15,000" in words
    assert "over the 2 seeds of its design point" in words and "6 seeds" not in words
    one = _texts(plots.beveridge(_results(points=(0.0, 1.0), months=7)))
    assert "one seed per design point" in one.replace("\n", " ")
    many = plots.beveridge(_results(points=tuple(range(13)), seeds=(1, 2), months=7))
    assert len(many.axes[0].get_lines()) == 13  # thin lines, no legend of 13 points
    words = _texts(many).replace("\n", " ")
    assert "thin lines: the 13 design points" in words and "over 2 seeds" in words
    assert "results[results.point == 0]" in words
    bare = _texts(
        plots.beveridge(_results(points=tuple(range(13)), seeds=(1, 2), months=7), hints=False)
    ).replace("\n", " ")
    assert "over 2 seeds" in bare and "results[" not in bare


def test_heatmap_weights_each_entry_by_its_workers():
    """A cell's mean over months and seeds is over the workers behind them: a seed with
    150 employed in the cell counts five times one with 30 (the unweighted mean of the
    two made the thinner seed's value as heavy); without a count, a plain mean."""
    table = pd.DataFrame(
        {
            "sector": ["manufacturing"] * 2,
            "region": ["urban_core"] * 2,
            "employed": [30, 150],
            "skill_gap_mean": [0.3, 0.1],
        }
    )

    def value(fig):
        return float(np.ma.filled(fig.axes[0].collections[0].get_array(), np.nan).ravel()[0])

    assert value(plots.mismatch_heatmap(table)) == pytest.approx((30 * 0.3 + 150 * 0.1) / 180)
    assert value(plots.mismatch_heatmap(table.drop(columns="employed"))) == pytest.approx(0.2)


def test_maps_on_one_scale_span_the_cells_they_draw():
    """``heatmap_limits`` (the report's scale for several scenarios' maps) spans the
    cells the maps draw, each its weighted mean, thin cells left out as one map leaves
    them out: not the unweighted means of every cell, a thin cell's among them."""
    thin = plots.THIN_CELL

    def table(employed, gaps):
        return pd.DataFrame(
            {
                "sector": ["manufacturing"] * 4,
                "region": ["urban_core", "urban_core", "county_town", "county_town"],
                "employed": employed,
                "skill_gap_mean": gaps,
            }
        )

    a = table([100, 300, 50, 50], [0.1, 0.2, 0.12, 0.12])  # cells 0.175 and 0.12
    b = table([100, 100, thin - 5, 1], [0.15, 0.15, 0.3, 0.9])  # 0.15; a thin cell
    assert plots.heatmap_limits([a, b]) == pytest.approx((0.12, 0.175))
    drawn = plots.mismatch_heatmap(b, limits=plots.heatmap_limits([a, b]))
    assert drawn.axes[0].collections[0].get_clim() == pytest.approx((0.12, 0.175))
    # one map alone: the same scale as the map's own
    alone = plots.mismatch_heatmap(a).axes[0].collections[0].get_clim()
    assert plots.heatmap_limits([a]) == pytest.approx(alone)
    assert plots.heatmap_limits([a.assign(skill_gap_mean=np.nan)]) is None


@pytest.mark.parametrize("style", plots.STYLES)
def test_a_figure_saved_later_keeps_its_style(style, tmp_path):
    """``fig.savefig(path)`` after the call that drew the figure (the README's way)
    saves at the style's resolution and takes in a title wider than the figure: it
    fell back to 100 dpi and the figure's frame, which cut the title off."""
    from PIL import Image

    long = "a title longer than the figure is wide " * 4
    fig = plots.forest(_effects(), "unemployment_rate", style=style, title=long)
    fig.savefig(tmp_path / "forest.png")
    png = Image.open(tmp_path / "forest.png")
    assert png.info["dpi"][0] == pytest.approx(plots.SAVE_DPI[style], abs=0.1)
    assert png.size[0] > fig.get_figwidth() * plots.SAVE_DPI[style]  # (the whole title)
    fig.savefig(tmp_path / "small.png", dpi=50)  # the caller's choice still holds
    assert Image.open(tmp_path / "small.png").info["dpi"][0] == pytest.approx(50, abs=0.1)


def test_cost_effectiveness_reads_in_greyscale():
    """Policies not by colour alone (an outside review: three policies in one scenario
    differed only by colour), and readable with many points (another: forty points of
    five scenarios on one panel piled their labels up): a panel per scenario, each
    policy with its own marker, legend included."""
    two = pd.concat(
        [_effects(), _effects().assign(policy="package")],
        ignore_index=True,
    )
    fig = plots.cost_effectiveness(two)
    drawn = {ln.get_marker() for ln in fig.axes[0].get_lines()} & set(plots.MARKERS)
    assert len(drawn) == 2
    legend = {
        t.get_text(): h
        for t, h in zip(fig.legends[-1].get_texts(), fig.legends[-1].legend_handles, strict=True)
    }
    named = ("apprenticeship subsidy", "full policy package")
    assert {legend[name].get_marker() for name in named} == drawn
    cities = pd.concat([two, two.assign(scenario="green_transition_orderly")], ignore_index=True)
    fig = plots.cost_effectiveness(cities)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == [
        "baseline (current trends)",
        "green transition, orderly",
    ]
    for ax in panels:  # each panel: its scenario's two policies, by their markers
        assert {ln.get_marker() for ln in ax.get_lines()} & set(plots.MARKERS) == drawn
    assert not [t for ax in panels for t in ax.texts if t.get_text() in ("1", "2")]


def test_many_policies_each_keep_a_look_and_the_cost_figure_room_for_them():
    """Thirty policies (a sweep of every pair of seven): no two share colour and marker
    (the tenth had the first's, as its line pattern, where the looks came round), the
    first nine as before; the cost figure grows for its legend, and its axis label sits
    beside the panels, not over the legend (both had squeezed the panels to a strip)."""
    keys = ["none", *(f"policy_{i}" for i in range(29))]
    looks = plots.look(keys)
    assert len({(v["color"], v["marker"]) for v in looks.values()}) == 30
    assert len({(v["color"], v["dashes"]) for v in looks.values()}) == 30
    for i, k in enumerate(keys[:9]):
        assert (looks[k]["color"], looks[k]["marker"]) == (plots.COLOURS[i], plots.MARKERS[i])
    one = _effects()
    many = pd.concat([one.assign(policy=k) for k in keys[1:]], ignore_index=True)
    cities = [many.assign(scenario=s) for s in ("baseline", "green_transition_orderly")]
    fig = plots.cost_effectiveness(pd.concat(cities, ignore_index=True))
    few = plots.cost_effectiveness(pd.concat([one, one.assign(scenario="rural")]))
    assert fig.get_figheight() > few.get_figheight() + 1.0
    fig.canvas.draw()
    legend = fig.legends[-1].get_window_extent()
    label = fig._supylabel  # (where matplotlib keeps it)
    assert label.get_window_extent().y0 > legend.y1  # (above the legend)
    panel = fig.axes[0].get_window_extent()
    assert panel.y0 < label.get_position()[1] * fig.bbox.height < panel.y1


def test_cost_effectiveness_keeps_black_for_the_baseline():
    """The baseline policy has no point in the cost figure but keeps its colour, black:
    the first policy drawn was black there, the baseline's colour in every other figure."""
    fig = plots.cost_effectiveness(_effects())
    drawn = {mcolors.to_hex(line.get_color()) for line in fig.axes[0].get_lines()}
    assert plots.COLOURS[1].lower() in drawn and "#000000" not in drawn


def test_a_policy_keeps_its_colour_across_sweeps():
    """Two sweeps' figures side by side: the package was orange in one (after one other
    policy) and blue in the other; a sweep without the baseline drew its first policy
    in the baseline's black. Now a shipped policy has one look in every figure, the
    baseline black, and a policy of one's own a look no other in the figure has."""

    def colours(policies):
        fig = plots.paths(_results(seeds=(1, 2, 3), policies=policies), "unemployment_rate")
        legend = fig.legends[0] if fig.legends else fig.axes[0].get_legend()
        pairs = zip(legend.texts, legend.legend_handles, strict=True)
        return {t.get_text(): h.get_color() for t, h in pairs}

    two = colours(("none", "package"))
    three = colours(("none", "apprenticeship_subsidy", "package"))
    package, none = (i18n.name_of("policy", k) for k in ("package", "none"))
    assert two[package] == three[package] != plots.COLOURS[0]
    assert two[none] == three[none] == plots.COLOURS[0]
    alone = colours(("apprenticeship_subsidy", "package"))  # no baseline in the sweep
    assert alone[package] == two[package] and plots.COLOURS[0] not in alone.values()
    own = colours(("none", "my_policy", "package"))
    assert len(set(own.values())) == 3 and own[package] == two[package]
    # beside all nine shipped policies a tenth of one's own is not drawn as the baseline
    shipped = list(plots.SHIPPED["policy"])
    looks = plots.look([*shipped, "mine"], plots.SHIPPED["policy"], "none")
    assert looks["mine"]["color"] != plots.COLOURS[0] and looks["none"]["color"] == "#000000"
    assert plots.look(shipped, plots.SHIPPED["policy"])["none"]["color"] != "#000000"


def test_effects_of_two_sweeps_are_not_drawn_as_one():
    """Two sweeps' effects concatenated (a notebook's comparison) drew two markers on
    one row that nothing told apart: refused, saying what to do; as is a breakdown's."""
    twice = pd.concat([_effects().assign(sweep="A"), _effects().assign(sweep="B")])
    for figure in (plots.forest, plots.cost_effectiveness):
        with pytest.raises(ValueError, match=r"more than once .* draw one sweep's effects"):
            figure(twice, "unemployment_rate") if figure is plots.forest else figure(twice)
    plots.forest(twice[twice.sweep == "A"], "unemployment_rate")


def test_forest_marks_cells_of_fewer_seeds():
    """An unfinished sweep's cell (fewer seeds than the rest) is a hollow marker, and
    the note says so; with every cell on the same seeds, neither."""
    e = pd.concat(
        [_effects(), _effects(n=1).assign(scenario="green_transition_orderly")],
        ignore_index=True,
    )
    fig = plots.forest(e, "unemployment_rate")
    hollow = [
        line
        for line in fig.axes[0].get_lines()
        if len(line.get_xdata()) and mcolors.to_hex(line.get_markerfacecolor()) == "#ffffff"
    ]
    assert len(hollow) == 1 and "hollow: fewer seeds" in _texts(fig)
    # drawn over the errorbar's filled marker (under it, it never showed: a review)
    marks = [line for line in fig.axes[0].get_lines() if line.get_marker() not in ("None", "")]
    filled = [line for line in marks if len(line.get_xdata()) and line not in hollow]
    assert filled and hollow[0].get_zorder() > max(line.get_zorder() for line in filled)
    # the line at zero over the grid (under it, it looked like one more grid line)
    zero = [line for line in fig.axes[0].get_lines() if list(line.get_xdata()) == [0, 0]]
    assert len(zero) == 1 and zero[0].get_zorder() > fig.axes[0].xaxis.get_zorder()
    plain = plots.forest(_effects(), "unemployment_rate")
    assert "hollow" not in _texts(plain)


def test_effects_are_against_the_sweeps_baseline_and_figures_say_so():
    """``analysis.effects`` takes a sweep's own baseline (it took "none" whatever the
    experiment said), its table names it, and a figure told another baseline refuses
    (it said "against" one policy with the numbers of another); a policy asked for
    twice is drawn once."""
    r = _results(seeds=(1, 2, 3), policies=("none", "apprenticeship_subsidy", "package"))
    r.attrs["skillsim"] = {"baseline_policy": "apprenticeship_subsidy"}
    e = analysis.effects(r, metric_names="unemployment_rate")
    assert set(e["policy"]) == {"none", "package"}
    assert analysis.baseline_of(e) == "apprenticeship_subsidy"
    assert "against apprenticeship subsidy" in _texts(plots.forest(e, "unemployment_rate"))
    with pytest.raises(ValueError, match="against 'apprenticeship_subsidy', not baseline_pol"):
        plots.forest(e, "unemployment_rate", baseline_policy="none")
    assert set(analysis.effects(r, "none", metric_names="unemployment_rate")["policy"]) == {
        "apprenticeship_subsidy",
        "package",
    }
    twice = ["apprenticeship_subsidy", "apprenticeship_subsidy", "none"]
    fig = plots.paths(r, "unemployment_rate", policies=twice)
    labels = fig.legends[0].get_texts() if fig.legends else fig.axes[0].get_legend().get_texts()
    names = [t.get_text() for t in labels]
    assert names.count("apprenticeship subsidy") == 1 and len(names) == 2


def test_effects_without_the_costs_inputs_have_no_cost_row():
    """Results without spending, employed and apprentices: no cost row (it came out
    empty, as if employment had not clearly risen), and naming it says what is missing."""
    r = _results(seeds=(1, 2, 3))
    assert analysis.COST_METRIC not in set(analysis.effects(r)["metric"])
    with pytest.raises(ValueError, match="lack spending_total_yuan, employed, apprentices"):
        analysis.effects(r, metric_names=["unemployment_rate", analysis.COST_METRIC])


def test_counts_of_one_run_have_whole_ticks():
    """Starts and completions are whole numbers: their axis had ticks at 0.5 and 1.5."""
    frame = pd.DataFrame(
        {"month": [0, 1, 2, 3], "apprenticeship_starts": [0, 1, 2, 1],
         "apprenticeship_completions": [0, 0, 1, 1], "unemployment_rate": [0.05] * 4}
    )  # fmt: skip
    fig = plots.run_lines(frame, ["apprenticeship_starts", "apprenticeship_completions"])
    fig.canvas.draw()
    ticks = fig.axes[0].get_yticks()
    assert len(ticks) >= 2 and np.all(ticks == np.round(ticks))


def test_the_tvet_seats_use_of_one_run_is_drawn_at_its_intakes():
    """The region table gives the TVET seats' use in the intake months only: a line
    through values between gaps draws nothing, so such a series is drawn with markers
    (a full series is not); bars of a month with no value anywhere are refused, saying
    which months have one, not drawn empty."""
    months = np.arange(26)
    use = np.where(months % 12 == 7, 0.9, np.nan)
    frame = pd.DataFrame(
        {"month": months, "tvet_seat_use": use, "course_seat_use": np.full(26, 0.1)}
    )
    fig = plots.run_lines(frame, ["tvet_seat_use", "course_seat_use"])
    tvet, course = fig.axes[0].get_lines()[:2]
    assert tvet.get_marker() == "o" and course.get_marker() in (None, "None", "")
    one = frame[frame["month"] == 8].assign(region="urban_core")
    with pytest.raises(ValueError, match="tvet_seat_use: given only in the months school"):
        plots.region_bars(one, ["tvet_seat_use"])
    at_intake = frame[frame["month"] == 7].assign(region="urban_core")
    assert plots.region_bars(at_intake, ["tvet_seat_use"]).axes[0].patches


def test_points_that_ran_the_same_values_are_labelled_apart():
    """Two samples of a whole-number field that round to the same value ran the same
    settings: their labels say which point each is, not the same words twice."""
    frame = pd.DataFrame({"point": [0, 1, 2], "lag_months": [5.0, 5.0, 7.0]})
    labels = plots.point_labels(frame, "en", ["lag_months"])
    assert labels == {
        0: "lag months = 5 (design point 0)",
        1: "lag months = 5 (design point 1)",
        2: "lag months = 7",
    }


def test_paths_in_rows_have_one_axis_label():
    """Panels in two rows labelled row by row: the upper label, wrapped, ran into the
    lower one's (an outside review's slide). One label for the figure instead."""
    results = pd.concat(
        [_results().assign(scenario=s) for s in ("a", "b", "c", "d", "e")], ignore_index=True
    )
    results["run_id"] = results["scenario"] + results["run_id"]
    fig = plots.paths(results, "unemployment_rate")
    assert [ax.get_ylabel() for ax in fig.axes if ax.get_visible()].count("") >= 5
    assert fig.get_supylabel() == "unemployment rate, whole city (%)"


def test_month_axes_tick_whole_years():
    """Paths of 36 months were ticked at 0, 8, 16, ...: from 24 months up the ticks
    are years (multiples of 12); a short run keeps whole months."""
    r = _results(seeds=(1, 2, 3), months=37)
    for fig in (
        plots.paths(r, "unemployment_rate"),
        plots.run_lines(r[r["run_id"] == r["run_id"].iloc[0]], ["unemployment_rate"], months=36),
    ):
        ax = fig.axes[0]
        ax.figure.canvas.draw()
        ticks = [t for t in ax.get_xticks() if 0 <= t <= 36]
        assert ticks == [0, 12, 24, 36], ticks
    short = plots.paths(_results(months=6), "unemployment_rate").axes[0]
    short.figure.canvas.draw()
    assert all(float(t).is_integer() for t in short.get_xticks())
    assert 1 in set(short.get_xticks()) or 2 in set(short.get_xticks())
    ax = plots.run_lines(_results(months=121), ["unemployment_rate"], months=240).axes[0]
    ax.figure.canvas.draw()
    assert all(t % 24 == 0 for t in ax.get_xticks())


def test_chinese_cost_axis_in_wan_and_region_bars_say_a_regions_rate():
    chinese_font_or_skip()
    e = _effects()
    spending = e["metric"] == "spending_total_yuan"
    e.loc[spending, ["effect", "ci_low", "ci_high"]] = [204_000.0, 190_000.0, 215_000.0]
    fig = plots.cost_effectiveness(e, lang="zh")
    words = _texts(fig)
    assert "新增公共支出（万元/月）" in words.replace("\n", "")
    assert "万元" in words and "每人每月1万元" in words.replace(",", "")
    ticks = [float(t.get_text().replace("\u2212", "-")) for t in fig.axes[0].get_yticklabels()]
    assert max(ticks) < 100  # (in 万: 20.4, not 204,000)
    english = _texts(plots.cost_effectiveness(e, lang="en"))
    assert "additional public spending (yuan per month)" in english.replace("\n", " ")
    table = pd.DataFrame(
        {
            "region": ["urban_core", "rural_county_a"],
            "unemployment_rate": [0.05, 0.03],
            "youth_unemployment_rate": [0.12, 0.04],
        }
    )
    bars = _texts(
        plots.region_bars(table, ["unemployment_rate", "youth_unemployment_rate"], lang="zh")
    )
    assert "全市" not in bars and "青年（25岁以下）失业率" in bars
    one = plots.region_bars(table, ["unemployment_rate"], lang="en")
    assert one.axes[0].get_ylabel() == "unemployment rate (%)"


def test_chinese_heat_map_ticks_stand_upright_apart_from_their_label(sweep):
    chinese_font_or_skip()
    sectors = sweep[2]
    fig = plots.mismatch_heatmap(
        sectors[sectors["policy"] == "none"], rows="sector", columns="scenario", lang="zh"
    )
    ax = fig.axes[0]
    assert all(t.get_rotation() == 0 for t in ax.get_xticklabels())
    assert ax.yaxis.labelpad >= 10
    english = plots.mismatch_heatmap(
        sectors[sectors["policy"] == "none"], rows="sector", columns="scenario"
    )
    assert all(t.get_rotation() == 20 for t in english.axes[0].get_xticklabels())


def test_chinese_tick_labels_break_where_the_words_do():
    assert plots._zh_lines("绿色转型+乡村振兴") == "绿色转型+\n乡村振兴"
    assert plots._zh_lines("基准情景（延续现有趋势）") == "基准情景\n（延续现有趋势）"
    assert plots._zh_lines("有序绿色转型") == "有序绿色转型"


def test_bad_arguments_of_the_figures_and_tables_are_named():
    """Each gave an error from deep inside, or none (an outside review): a style or
    language typo, a month window that is not two whole months, regions grouped by a
    list or into a group of none, the seats of a table instead of a folder, a folder
    that does not exist, a heat map pooled over a key that is not one."""
    from simulation import report

    e = _effects()
    with pytest.raises(
        ValueError, match=r"style 'slides' is not supported \(allowed: paper, talk\)"
    ):
        plots.forest(e, "unemployment_rate", style="slides")
    with pytest.raises(ValueError, match=r"language 'fr' is not supported \(allowed: en, zh\)"):
        plots.cost_effectiveness(e, lang="fr")
    r = _results()
    for months in (12, (1.9, 60.7), (1, 2, 3)):
        with pytest.raises(ValueError, match=r"allowed, a pair \(first, last\) of whole policy"):
            analysis.effects(r, months=months)
    assert analysis.window_of((2.0, 3)) == (2, 3)
    regions = pd.DataFrame(
        {"run_id": "a", "scenario": "s", "policy": "none", "point": 0, "replicate": 0,
         "seed": 1, "month": 1, "region": ["urban_core", "rural_county_a"],
         "urban": [True, False], "unemployed": [1.0, 2.0], "labour_force": [10.0, 20.0]}
    )  # fmt: skip
    with pytest.raises(ValueError, match="not a mapping of each group's name to its regions"):
        analysis.pool_regions(regions, ["urban_core"])
    with pytest.raises(ValueError, match=r"'a' has no region \(allowed: a list of one or more"):
        analysis.pool_regions(regions, {"a": [], "b": ["urban_core"]})
    with pytest.raises(TypeError, match="seat_use takes a sweep folder's path, not a DataFrame"):
        report.seat_use(regions)
    with pytest.raises(FileNotFoundError, match="no such folder"):
        report.seat_use("/nonexistent/sweep")
    sectors = pd.DataFrame(
        {"sector": ["a"], "region": ["r"], "skill_gap_mean": [0.1], "employed": [100.0]}
    )
    with pytest.raises(ValueError, match=r"pool 'points' is not a key a map can average over"):
        plots.mismatch_heatmap(sectors, pool=("points",))


def test_forest_of_spending_writes_whole_yuan_and_refuses_the_cost_ratio():
    """The spending axis read "1e6" apart from its ticks, and the cost per additional
    worker, a ratio with Fieller's interval, was drawn as a paired difference (an
    outside review)."""
    e = _effects()
    spending = e["metric"] == "spending_total_yuan"
    e.loc[spending, ["effect", "ci_low", "ci_high"]] = [-1_800_000.0, -2_200_000.0, -1_500_000.0]
    fig = plots.forest(e, "spending_total_yuan")
    fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.xaxis.get_offset_text().get_text() == ""
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert any("," in t for t in ticks) and not any("e" in t for t in ticks), ticks
    with pytest.raises(ValueError, match="is a ratio of two effects with Fieller's interval"):
        plots.forest(e, analysis.COST_METRIC)


def test_paths_of_many_policies_band_the_baseline_alone():
    """Nine policies' bands ran into one grey mass (an outside review): beyond
    ``MAX_BANDS`` lines a panel bands the baseline only, and the note says how to see
    the others' (a report's, without Python: not how); three policies keep every band
    (four, the report's, ran into a smear where the policies move nothing: a review)."""
    many = ("none", "a", "b", "c", "d", "e")
    fig = plots.paths(_results(seeds=(1, 2, 3), policies=many), "unemployment_rate")
    assert len(_bands(fig)) == 1
    words = _texts(fig).replace("\n", " ")
    assert "a band for no new policy (status quo) only" in words, words
    assert "name 3 or fewer policies" in words
    four = plots.paths(
        _results(seeds=(1, 2, 3), policies=many[:4]), "unemployment_rate", hints=False
    )
    words = _texts(four).replace("\n", " ")
    assert len(_bands(four)) == 1 and "a band for" in words and "name 3" not in words
    few = plots.paths(_results(seeds=(1, 2, 3), policies=many[:3]), "unemployment_rate")
    assert len(_bands(few)) == 3 and "a band for" not in _texts(few)


def test_a_heat_maps_default_title_says_the_policy_and_months_it_averages():
    """A map drawn from the API said neither which policy nor which months it averaged
    (an outside review): its default title's second line does, where the table has
    one policy; a title given is kept as it is."""
    table = pd.DataFrame(
        {"policy": "none", "month": [1, 2, 3, 1, 2, 3], "sector": ["a"] * 3 + ["b"] * 3,
         "region": "r", "skill_gap_mean": 0.1, "employed": 100.0}
    )  # fmt: skip
    title = plots.mismatch_heatmap(table).axes[0].get_title()
    assert title.splitlines()[1] == "no new policy (status quo), mean of months 1-3", title
    assert plots.mismatch_heatmap(table, title="mine").axes[0].get_title() == "mine"
    two = pd.concat([table, table.assign(policy="package")])
    title = plots.mismatch_heatmap(two, columns="policy").axes[0].get_title()
    assert title.splitlines()[1] == "mean of months 1-3", title


def _pair_rows(values: dict[str, tuple[float, float, float]], scenarios=("baseline",)):
    """Rows as ``analysis.interaction`` gives them, of pairs "a+b" on apprenticeship
    starts: each pair's difference and its interval, the same in every scenario."""
    rows = [
        {
            "scenario": s,
            "point": 0,
            "metric": "apprenticeship_starts",
            "unit": "per month",
            "n": 4,
            "policy": pair,
            "parts": pair,
            "interaction": d,
            "ci_low": lo,
            "ci_high": hi,
        }
        for s in scenarios
        for pair, (d, lo, hi) in values.items()
    ]
    out = pd.DataFrame(rows)
    out.attrs["skillsim"] = {"baseline_policy": "none", "confidence": 0.95}
    return out


def test_pair_interactions_draw_each_pair_once_in_a_triangle():
    """A panel per scenario; a cell per pair below the diagonal, at its two policies'
    row and column, with its difference; blue below zero and red above, strong and bold
    where the interval excludes zero, pale where it does not; a combination of more
    than two policies is left out; the numbers keep no sign where they round to zero."""
    pairs = {
        "apprenticeship_subsidy+quality_apprenticeship": (-24.0, -26.0, -22.0),
        "apprenticeship_subsidy+core_skills": (0.5, 0.1, 0.9),
        "quality_apprenticeship+core_skills": (-0.004, -0.5, 0.5),
    }
    table = _pair_rows(pairs, scenarios=("baseline", "combined"))
    package = table.iloc[:1].assign(policy="package", parts="a+b+c", interaction=99.0)
    fig = plots.pair_interactions(pd.concat([table, package]), "apprenticeship_starts")
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in axes] == [
        i18n.name_of("scenario", "baseline"),
        i18n.name_of("scenario", "combined"),
    ]
    ax = axes[0]
    cells = {t.get_text(): t for t in ax.texts}
    assert set(cells) == {"\u221224.00", "+0.50", "0.00"}  # (not 99: the package's)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "quality\napprenticeship\nstandards",
        "core-skills\ncurricula",
    ]
    # subsidy x quality: row quality (0), column subsidy (0); quality x core: row core
    # (1), column quality (1)
    where = {t.get_text(): tuple(round(v - 0.5) for v in t.get_position()) for t in ax.texts}
    assert where == {"\u221224.00": (0, 0), "+0.50": (0, 1), "0.00": (1, 1)}
    colour = {}
    for patch in ax.patches:
        if patch.get_fill():  # (not the frames)
            x, y = patch.get_xy()
            colour[(round(x), round(y))] = np.array(patch.get_facecolor())
    assert len(colour) == 3
    strong_blue, clear_red, pale = colour[(0, 0)], colour[(0, 1)], colour[(1, 1)]
    assert strong_blue[2] > strong_blue[0] and clear_red[0] > clear_red[2]
    assert pale[:3].min() > 0.9  # (near white: not clear, and near zero)
    assert cells["\u221224.00"].get_fontweight() == "bold"
    assert cells["+0.50"].get_fontweight() == "bold"
    assert cells["0.00"].get_fontweight() == "normal"
    # the clear cells framed (a clear difference near zero is near white)
    frames = [p for p in ax.patches if not p.get_fill()]
    assert sorted((round(p.get_x()), round(p.get_y())) for p in frames) == [(0, 0), (0, 1)]
    # an unclear difference as large as a clear one: the same hue, paler
    loud = _pair_rows({**pairs, "quality_apprenticeship+core_skills": (24.0, -1.0, 49.0)})
    fig = plots.pair_interactions(loud, "apprenticeship_starts")
    ax = next(ax for ax in fig.axes if ax.get_title())
    faces = {
        (round(p.get_x()), round(p.get_y())): np.array(p.get_facecolor())
        for p in ax.patches
        if p.get_fill()
    }
    assert faces[(1, 1)][0] > faces[(1, 1)][2]  # red
    assert faces[(1, 1)][:3].min() > faces[(0, 0)][:3].min()  # paler than the clear blue
    note = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "against no new policy (status quo)" in note and "4 paired seeds" in note
    fewer = loud.assign(n=[2, 4, 4])  # (a part's run lost: the note gives the range)
    fig = plots.pair_interactions(fewer, "apprenticeship_starts")
    assert "2-4 paired seeds" in " ".join(t.get_text() for t in fig.texts).replace("\n", " ")


def test_pair_interactions_write_yuan_in_wan_on_a_chinese_page():
    """Every cell in 万 where the figure's scale is (8,964 yuan beside a scale in 万 read
    as 8,964万), three significant digits, never in scientific notation (995,000 yuan
    was "+1e+02万"), rounded before the places are chosen (99,960 is "+10.0万"); whole
    yuan otherwise."""
    words = {v: plots._pair_number(v, "spending_total_yuan", wan=True) for v in (
        995_000.0, -25_000_000.0, 15_000.0, 8_964.0, 99_960.0, 0.0)}  # fmt: skip
    assert words == {
        995_000.0: "+99.5万",
        -25_000_000.0: "\u22122,500万",
        15_000.0: "+1.50万",
        8_964.0: "+0.896万",
        99_960.0: "+10.0万",
        0.0: "0",
    }
    assert plots._pair_number(4_321.0, "spending_total_yuan") == "+4,321"
    assert plots._pair_number(-0.4, "spending_total_yuan") == "0"
    assert plots._pair_number(995_000.0, "spending_total_yuan") == "+995,000"
    chinese_font_or_skip()
    both = {
        "apprenticeship_subsidy+core_skills": (62_000.0, 30_000.0, 90_000.0),
        "apprenticeship_subsidy+green_curricula": (8_964.0, -1_000.0, 19_000.0),
        "core_skills+green_curricula": (500.0, -1_000.0, 2_000.0),
    }
    rows = _pair_rows(both).assign(metric="spending_total_yuan", unit="yuan per month")
    fig = plots.pair_interactions(rows, "spending_total_yuan", lang="zh")
    bar = next(ax for ax in fig.axes if not ax.get_title())
    assert "万元" in bar.get_ylabel()
    assert bar.get_ylim()[1] == pytest.approx(6.2)
    panel = next(ax for ax in fig.axes if ax.get_title())
    assert sorted(t.get_text() for t in panel.texts) == ["+0.0500万", "+0.896万", "+6.20万"]
    english = plots.pair_interactions(rows, "spending_total_yuan")
    panel = next(ax for ax in english.axes if ax.get_title())
    assert sorted(t.get_text() for t in panel.texts) == ["+500", "+62,000", "+8,964"]


def test_pair_interactions_refuse_what_they_cannot_draw():
    table = _pair_rows({"apprenticeship_subsidy+core_skills": (0.5, 0.1, 0.9)})
    with pytest.raises(ValueError, match="no pair of policies has 'employment_rate' here"):
        plots.pair_interactions(table, "employment_rate")
    two = pd.concat([table, table.assign(point=1)])
    with pytest.raises(ValueError, match="draws one design point"):
        plots.pair_interactions(two, "apprenticeship_starts")
    with pytest.raises(ValueError, match="style 'slides' is not supported"):
        plots.pair_interactions(table, "apprenticeship_starts", style="slides")
