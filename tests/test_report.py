"""skillsim report: one self-contained HTML file that references nothing outside itself."""

from __future__ import annotations

import copy
import dataclasses
import html
import itertools
import json
import os
import re
import shutil
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from presenting import CHROMIUM, CHROMIUM_FLAGS, chinese_font_or_skip
from sweeps import cell_sweep, run_row, without_cell, without_table

from simulation import analysis, cli, i18n, plots, report

GENERATOR_TAG = f'<meta name="generator" content="{report.GENERATOR}">'


class _Refs(HTMLParser):
    """Every attribute that could load or link to something, and every tag."""

    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "poster", "data", "background"):
                self.refs.append((tag, name, value or ""))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert cli.main(["report", str(cell_sweep()), "--out", str(out)]) == 0
    return out


def test_report_is_self_contained(written):
    page = written.read_text(encoding="utf-8")
    parser = _Refs()
    parser.feed(page)
    outside = [r for r in parser.refs if not r[2].startswith(("data:", "#"))]
    assert outside == [], f"references outside the file: {outside[:5]}"
    assert not {"script", "link", "iframe", "object", "embed"} & set(parser.tags)
    assert not re.search(r"url\(|@import|https?://", page)
    assert report.external_references(page) == []
    images = [r for r in parser.refs if r[0] == "img"]
    assert len(images) >= 8 and all(r[2].startswith("data:image/png;base64,") for r in images)
    anchors = {r[2][1:] for r in parser.refs if r[2].startswith("#")}
    for anchor in anchors:
        assert f'id="{anchor}"' in page


def test_report_says_what_a_forum_needs(written):
    page = written.read_text(encoding="utf-8")
    for words in (
        "Executive summary",
        "Change in unemployment rate, whole city (percentage points)",
        "Change in urban unemployment rate (percentage points)",
        "Change in urban youth unemployment rate (under 25; percentage points)",
        # unemployment read beside employment, the gap beside its shortfall part: a
        # policy that moves leavers from study into apprenticeships lowers unemployment
        # through who is counted
        "Change in employment rate (percentage points)",
        "Change in youth NEET rate (not in employment, education or training; under 25; "
        "percentage points)",
        "read the youth NEET rate (not in employment, education or training",
        "Change in under-skilled share of the employed (percentage points)",
        "apprenticeship subsidy",
        "full policy package",
        "Scenarios",
        "Policies",
        "Method notes",
        "Common random numbers",
        "95% t interval",
        "which no calibration target pins",
        # what the fits agree on, and what the model cannot answer: no over-claim
        "The two current fits agree that the package adds apprenticeships",
        "What the model cannot answer yet",
        "Spending and cost can be negative",
        "Manifest",
        "sweep_hash",
    ):
        assert words in page, words
    # policies described from their resolved configuration, with the field's meaning
    assert "subsidy.yuan_per_year" in page and "paid to the firm per apprentice per year" in page
    # and a scenario's drivers too (their meaning was left blank in English)
    assert re.search(
        r"<code>drivers\.carbon_price_growth_per_year</code></td><td class='num'>0\.15</td>"
        r"<td>log growth of the carbon price per year</td>",
        page,
    )
    # intervals in the summary: an estimate, then [low, high]
    assert re.search(
        r"[+\u2212]\d+\.\d\d<br><small>\[[+\u2212]\d+\.\d\d, [+\u2212]\d+\.\d\d\]", page
    )


def test_a_cost_without_less_unemployment_is_marked(tmp_path):
    """Employment can rise because fewer people are in training, unemployment unchanged:
    its cost per additional worker is then no cost of jobs created, and is marked; so is
    one where unemployment clearly fell, but by less than half the rise in employment
    (an outside review: the mark had said "mostly from outside the labour force" of a
    rise 56% out of unemployment, and nothing of one 10% out of it)."""
    sweep = report.read(cell_sweep())
    e = sweep.effects.copy()
    cost, unemployment = e["metric"] == analysis.COST_METRIC, e["metric"] == "unemployment_rate"
    e.loc[cost, ["effect", "ci_low", "ci_high"]] = [30_000.0, 25_000.0, 40_000.0]
    e.loc[unemployment, ["ci_low", "ci_high"]] = [-0.01, -0.002]  # fell: no mark
    counts = {"employed": 10.0, "apprentices": 2.0, "unemployed": -7.0}  # 7 of 12: most
    for name, value in counts.items():
        e.loc[e["metric"] == name, "effect"] = value
    fell = report._summary(dataclasses.replace(sweep, effects=e), "en")
    assert "30,000 †" not in fell and "†: most of the extra workers" not in fell
    package = e["policy"] == "package"
    e.loc[unemployment & package, ["ci_low", "ci_high"]] = [-0.001, 0.003]
    marked = report._summary(dataclasses.replace(sweep, effects=e), "en")
    assert marked.count("†") == 1 + (e[cost & package].shape[0])
    assert "did not come out of unemployment" in marked
    e.loc[unemployment & package, ["ci_low", "ci_high"]] = [-0.01, -0.002]  # fell clearly,
    e.loc[(e["metric"] == "unemployed") & package, "effect"] = -5.0  # but 5 of 12
    little = report._summary(dataclasses.replace(sweep, effects=e), "en")
    assert little.count("†") == 1 + (e[cost & package].shape[0])


def test_figures_also_as_png_files(written):
    folder = written.with_name("report_figures")
    pngs = sorted(folder.glob("*.png"))
    names = {p.stem for p in pngs}
    assert {
        "effects_unemployment_rate",
        "paths_youth_unemployment_rate",
        "skill_gap_by_sector",
        "skill_gap_by_region",
        "skill_gap_by_sector_and_region",  # the first scenario's (baseline's, if there)
        "skill_gap_by_sector_and_region_quick_green",  # one per other scenario
        "apprenticeship_pipeline",
        "beveridge_curve",
        "cost_effectiveness",
    } <= names
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    page = written.read_text(encoding="utf-8")
    assert page.count("<img") == len(pngs)


def test_each_figure_names_its_sweep_for_slides():
    """A PNG copied onto a slide keeps which sweep it shows: its name, workers, seeds
    and months, in a line under the figure, once (plots' own source line is left out)."""
    sweep = report.read(cell_sweep())
    e = sweep.experiment
    code = analysis.code_versions(cell_sweep()).index[0]
    want = (
        f"skillsim, sweep {e['name']}: {e['workers']:,} workers, {sweep.seeds} seeds, "
        f"{e['months']} months; code {code[:8]}"
    )
    # the manifest section names the code's digest, as the ledger and run manifests do
    assert f"; code {code}" in report.code_words(
        sweep.manifest, "en", list(analysis.code_versions(cell_sweep()).index)
    )
    specs = report.figures(sweep, "paper", "en")
    assert len(specs) >= 9
    for spec in specs:
        if spec.draw is not None:
            fig = spec.draw()
            assert want in [t.get_text() for t in fig.texts], spec.name
            # once: not the notebook's footnote line too (plots.source_line)
            words = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
            assert not any("Source: skillsim" in w for w in words if isinstance(w, str))
            if spec.name in ("skill_gap_by_sector", "skill_gap_by_region"):  # whose months
                title = fig.axes[0].get_title()
                assert f"mean of months 1-{e['months']}" in title and "status quo" in title


def test_skill_gap_by_sector_and_region(written):
    page = written.read_text(encoding="utf-8")
    first = page.index('id="fig-skill_gap_by_sector_and_region"')
    second = page.index('id="fig-skill_gap_by_sector_and_region_quick_green"')
    assert first < second
    caption = page[first:second]
    for words in (
        "Where skills and jobs differ most, sector by region",
        "“quick test scenario”, under no new policy (status quo)",
        "the last 12 months (months 3 to 14) and over 2 seeds",
        "a blank cell has no one employed",
        "same colour scale",
    ):
        assert words in caption, words
    assert "There is no map of the skill gap by sector and region" not in page
    # the title, which a PNG on a slide keeps, names the policy and the months too
    specs = {f.name: f for f in report.figures(report.read(cell_sweep()), "paper", "en")}
    fig = specs["skill_gap_by_sector_and_region"].draw()
    title = " ".join(fig.axes[0].get_title().split())
    assert "quick test scenario: no new policy (status quo), mean of months 3-14" in title


def test_every_skill_gap_map_is_on_one_colour_scale():
    """The maps by sector, by region and by sector and region share one colour scale,
    the range of all their cells (each map's own scale had one colour for two gaps side
    by side), and the first map's caption says so; with one map left, its own scale."""

    def scale(spec):
        fig = spec.draw()
        mesh = next(c for c in fig.axes[0].collections if hasattr(c, "norm"))
        return mesh.norm.vmin, mesh.norm.vmax

    sweep = report.read(cell_sweep())
    specs = [s for s in report.figures(sweep, "paper", "en") if s.name.startswith("skill_gap")]
    names = [s.name for s in specs]
    assert names[:3] == [
        "skill_gap_by_sector",
        "skill_gap_by_region",
        "skill_gap_by_sector_and_region",
    ]
    assert len(names) == 4  # (and the other scenario's sector x region map)
    scales = {s.name: scale(s) for s in specs}
    assert len(set(scales.values())) == 1, scales
    # the range of every map's cells, not one map's own
    maps = report._gap_maps(sweep, report._map_policy(sweep))
    assert scales["skill_gap_by_region"] == pytest.approx(plots.heatmap_limits(maps.values()))
    sector = plots.heatmap_limits([maps["sector"][0]], rows="sector", columns="scenario")
    own = plots.heatmap_limits([maps["region"][0]], rows="region", columns="scenario")
    assert scales["skill_gap_by_sector"] != pytest.approx(sector)
    assert "share one colour scale" in specs[0].caption
    assert all("share one colour scale" not in s.caption for s in specs[1:])
    # a sweep of the region table alone: one map, on its own scale, without the words
    alone = dataclasses.replace(sweep, breakdowns={"region": sweep.breakdowns["region"]})
    (only,) = [s for s in report.figures(alone, "paper", "en") if s.draw and "by_" in s.name]
    assert scale(only) == pytest.approx(own)
    assert "share one colour scale" not in only.caption


def test_each_paths_figure_features_the_policies_of_most_effect_on_its_measure(monkeypatch):
    """Paths show the baseline, the package, then the policies of largest effect on the
    path's own measure (mean size over scenarios), not the same ones for every measure:
    the green employment share's showed the subsidy and the quality standards, and not
    the green curricula; a measure without effects keeps the experiment's order."""
    order = ["none", "subsidy", "quality", "green", "vouchers", "package"]
    results = pd.DataFrame({"policy": order})
    sizes = {  # (scenario a, scenario b)
        "unemployment_rate": {
            "subsidy": (-0.3, -0.2),
            "quality": (-0.1, 0.0),
            "green": (0.01, 0.0),
        },
        "green_employment_share": {"subsidy": (0.01, -0.01), "green": (0.0, 0.05)},
    }
    effects = pd.DataFrame(
        [
            {"metric": m, "policy": p, "scenario": s, "effect": v}
            for m, of in sizes.items()
            for p, both in of.items()
            for s, v in zip("ab", both, strict=True)
        ]
        + [
            {
                "metric": "green_employment_share",
                "policy": "vouchers",
                "scenario": "a",
                "effect": np.nan,
            }
        ]
    )

    def featured(metric):
        return report._featured(results, "none", order, effects, metric)

    assert featured("unemployment_rate") == ["none", "package", "subsidy", "quality"]
    assert featured("green_employment_share") == ["none", "package", "green", "subsidy"]
    assert featured("skill_gap_mean") == ["none", "package", "subsidy", "quality"]
    assert report._featured(results, "none", order) == featured("skill_gap_mean")
    # chosen so in the report: each paths figure for its own measure
    asked = []

    def chosen(results, base, order, effects=None, metric=None):
        asked.append(metric)
        return report_featured(results, base, order, effects, metric)

    report_featured = report._featured
    monkeypatch.setattr(report, "_featured", chosen)
    for spec in report.figures(report.read(cell_sweep()), "paper", "en"):
        if spec.name.startswith("paths_"):
            asked.clear()
            spec.draw()
            assert asked == [spec.name.removeprefix("paths_")]


def _package_sweep(path, seeds=(1, 2, 3), points=(0,)):
    """A sweep (as ``report.read`` gives it) of no new policy, the subsidy, the quality
    standards and their combination "package" (resolved so in its manifest), two
    scenarios: the package adds fewer apprenticeship starts than its parts added up (by
    3 a month, seed noise apart) and moves unemployment as they do added up."""
    from simulation import loading

    names = ["none", "apprenticeship_subsidy", "quality_apprenticeship"]
    policies = {n: loading.load_policy(n).model_dump(mode="json") for n in names}
    both = loading.load_policy(names[1:]).model_dump(mode="json")
    policies["package"] = both | {"name": "package"}
    starts = {"none": 0.0, "apprenticeship_subsidy": 6.0, "quality_apprenticeship": -1.0}
    starts["package"] = 2.0
    rate = {"none": 0.0, "apprenticeship_subsidy": -0.002, "quality_apprenticeship": 0.0005}
    rate["package"] = -0.0015
    rows = []
    for scenario in ("baseline", "rural_revitalization"):
        for k, policy in enumerate(policies):
            for point in points:
                for seed in seeds:
                    for month in range(4):
                        noise = 0.1 * ((seed * 7 + k * 3 + month) % 5)
                        rows.append(
                            {
                                "run_id": f"{scenario}-{policy}-{point}-{seed}",
                                "scenario": scenario,
                                "policy": policy,
                                "point": point,
                                "replicate": seed,
                                "seed": seed,
                                "month": month,
                                "unemployment_rate": 0.05 + 0.001 * seed + rate[policy],
                                "youth_unemployment_rate": 0.1 + 0.001 * seed,
                                "employment_rate": 0.8,
                                "apprenticeship_starts": 5.0 + seed + starts[policy] + noise,
                                "spending_total_yuan": 1e5 + 1e3 * seed + 2e4 * k,
                            }
                        )
    return _sweep_of_parts(path, "parts", policies, rows)


def _sweep_of_parts(path, name: str, policies: dict, rows: list[dict]) -> report.Sweep:
    """A sweep, as ``report.read`` gives it, of ``rows`` (a run's months each) of the
    resolved ``policies`` in two scenarios, against no new policy, with its
    combinations against their parts (``report._parts_table``)."""
    runs = pd.DataFrame(rows)
    manifest = {
        "experiment": {
            "baseline_policy": "none",
            "name": name,
            "keep": [],
            "design": {"kind": "none"},
        },
        "policies": policies,
        "scenarios": {"baseline": {}, "rural_revitalization": {}},
    }
    sweep = report.Sweep(Path(path), manifest, runs, analysis.effects(runs, "none"), "none")
    sweep.parts = report._parts_table(sweep)
    return sweep


def _pairs_sweep(path, pairs=("ab", "ac", "bc")):
    """A sweep (as ``report.read`` gives it) of no new policy, the subsidy (a), the
    quality standards (b), the core skills (c), the pairs ``pairs`` of them ("a+b"
    names, resolved so in its manifest) and the three together ("package"), three
    seeds, two scenarios, with no noise: the subsidy adds 6 apprenticeship starts a
    month, the quality standards take 1 away, the core skills add 0.3; with the
    subsidy, the quality standards take 3 more away (a difference from the parts added
    up of half the subsidy's effect: material); the core skills add 0.2 more in the
    baseline scenario (a thirtieth: clear, as every difference here, but not material)
    and 1.0 more in the rural one (material there only); the standards with the core
    skills 1.0 more in the baseline scenario and 1.0 fewer in the rural one (material in
    both, but one way here and the other there)."""
    from simulation import loading

    one = {"a": "apprenticeship_subsidy", "b": "quality_apprenticeship", "c": "core_skills"}
    starts = {"none": 0.0, "a": 6.0, "b": -1.0, "c": 0.3}
    extra = {
        "baseline": {"ab": -3.0, "ac": 0.2, "bc": 1.0},
        "rural_revitalization": {"ab": -3.0, "ac": 1.0, "bc": -1.0},
    }
    combos = {k: sorted(k) for k in pairs} | {"package": ["a", "b", "c"]}
    policies = {"none": loading.load_policy("none").model_dump(mode="json")}
    policies |= {one[k]: loading.load_policy(one[k]).model_dump(mode="json") for k in "abc"}
    shift = {s: {"none": 0.0} | {one[k]: starts[k] for k in "abc"} for s in extra}
    for key, keys in combos.items():
        name = "package" if key == "package" else "+".join(one[k] for k in keys)
        resolved = loading.load_policy([one[k] for k in keys]).model_dump(mode="json")
        policies[name] = resolved | {"name": name}
        for s, more in extra.items():
            joint = sum(more["".join(p)] for p in itertools.combinations(keys, 2))
            shift[s][name] = sum(starts[k] for k in keys) + joint
    rows = []
    for scenario in ("baseline", "rural_revitalization"):
        for policy in policies:
            for seed in (1, 2, 3):
                for month in range(4):
                    rows.append(
                        run_row(
                            scenario,
                            policy,
                            seed,
                            month,
                            unemployment_rate=0.05 + 0.001 * seed,
                            youth_unemployment_rate=0.1,
                            employment_rate=0.8,
                            apprenticeship_starts=5.0 + seed + shift[scenario][policy],
                            spending_total_yuan=1e5,
                        )
                    )
    return _sweep_of_parts(path, "pairs", policies, rows)


def test_many_pairs_are_drawn_and_only_the_telling_ones_tabled(tmp_path):
    """A sweep of three pairs or more of its policies: a figure per measure draws every
    pair (``plots.pair_interactions``), the section links to them and tables only the
    pairs that differ clearly and materially (a tenth of the largest single effect),
    on those measures, then says how many others there are; the summary names no
    pair that differs only immaterially. With fewer pairs, each is tabled as the
    package is."""
    sweep = _pairs_sweep(tmp_path)
    ab = "apprenticeship_subsidy+quality_apprenticeship"
    ac = "apprenticeship_subsidy+core_skills"
    bc = "quality_apprenticeship+core_skills"
    assert report._pairs(sweep) == [ab, ac, bc]
    starts = sweep.parts[sweep.parts["metric"] == "apprenticeship_starts"].set_index("policy")
    assert starts.loc[ab, "interaction"].tolist() == pytest.approx([-3.0, -3.0])
    assert starts.loc[ac, "interaction"].tolist() == pytest.approx([0.2, 1.0])
    assert starts.loc[bc, "interaction"].tolist() == pytest.approx([1.0, -1.0])
    for pair in (ac, bc):  # clear in both scenarios: a tenth of the subsidy's in one only
        assert (starts.loc[pair, "ci_low"] > 0).tolist() == [True, pair == ac]
        rows = sweep.parts[(sweep.parts["policy"] == pair)]
        assert report._telling(sweep, rows) == []  # (not in every scenario; not one way)
    assert report._material(
        sweep, sweep.parts.query("policy == @bc and metric == 'apprenticeship_starts'")
    )
    page = report._parts(sweep, "en")
    assert "The sweep also ran 3 pairs of its 3 policies" in page
    assert "at least 10% of the largest effect of a single policy" in page
    assert "<a href='#fig-pairs_apprenticeship_starts'>apprenticeship starts</a>" in page
    assert page.count("Does the combination") == 2  # (the subsidy with the standards; the package)
    assert "“apprenticeship subsidy + quality apprenticeship standards” do what" in page
    assert "“apprenticeship subsidy + core-skills curricula” do what" not in page
    pair = page[page.index("quality apprenticeship standards” do what") : page.index("package")]
    assert "Change in apprenticeship starts" in pair
    assert "Change in unemployment rate" not in pair  # (no difference there: not tabled)
    assert "Of the 3 pairs, 2 differ from their parts added up on no measure in that way" in page
    # the package's difference (-1.8 starts in the baseline scenario, -3.0 in the rural:
    # the pairs' added up) beside that of the pair of its parts that differs alike
    behind = re.search(
        "On apprenticeship starts, “full policy package” differs from its parts added up "
        "by \u22121\\.80* \\[[^]]*\\] per month in baseline \\(current trends\\)\\. Of "
        "the pairs of its parts that differ from their two added up clearly and in the "
        "same direction in every scenario, the most is “apprenticeship subsidy \\+ quality "
        "apprenticeship standards”: \u22123\\.00* \\[[^]]*\\] there\\.",
        html.unescape(page),
    )
    assert behind, page
    package = sweep.parts[sweep.parts["policy"] == "package"]
    assert report._pairs_behind(sweep, "package", package, [ac, bc], "en") == ""
    # a pair larger and alike in the first scenario, but the other way in the second: not
    # named; alike in both, and the largest: named
    parts = sweep.parts.copy()
    of_bc = (parts["policy"] == bc) & (parts["metric"] == "apprenticeship_starts")
    first = of_bc & (parts["scenario"] == "baseline")
    second = of_bc & (parts["scenario"] == "rural_revitalization")
    columns = ["interaction", "ci_low", "ci_high"]
    parts.loc[first, columns] = (-4.0, -4.5, -3.5)
    parts.loc[second, columns] = (1.0, 0.5, 1.5)
    said = report._pairs_behind(dataclasses.replace(sweep, parts=parts), "package", package,
        [ab, ac, bc], "en")  # fmt: skip
    assert "is “apprenticeship subsidy + quality apprenticeship standards”" in said
    parts.loc[second, columns] = (-4.0, -4.5, -3.5)
    said = report._pairs_behind(dataclasses.replace(sweep, parts=parts), "package", package,
        [ab, ac, bc], "en")  # fmt: skip
    assert "is “quality apprenticeship standards + core-skills curricula”" in said
    assert "On unemployment rate" not in page  # (no difference there)
    said = " ".join(report._parts_said(sweep, "en"))
    assert "“apprenticeship subsidy + quality apprenticeship standards” is not the sum" in said
    assert "core-skills curricula” is not the sum" not in said
    zh = report._parts(sweep, "zh")
    assert "本组模拟还把3项政策两两组合，共3对" in zh and "在3对政策中，有2对" in zh
    # a figure per measure, drawn
    written = dataclasses.replace(report.read(cell_sweep()), parts=sweep.parts)
    written.manifest["policies"] = sweep.manifest["policies"]
    names = [s.name for s in report.figures(written, "paper", "en")]
    assert [n for n in names if n.startswith("pairs_")] == [
        f"pairs_{m}" for m in report.PARTS_METRICS
    ]
    spec = next(
        s for s in report.figures(written, "paper", "en") if s.name == "pairs_apprenticeship_starts"
    )
    assert isinstance(spec.draw(), Figure)
    assert "each pair of policies together, against its two parts alone" in spec.caption
    # two pairs: tabled as the package is, every measure, and no figure
    few = _pairs_sweep(tmp_path, pairs=("ab", "ac"))
    assert report._pairs(few) == []
    page = report._parts(few, "en")
    assert page.count("Does the combination") == 3 and "The sweep also ran" not in page
    assert page.count("Change in unemployment rate") == 3
    written = dataclasses.replace(written, parts=few.parts)
    assert not [s for s in report.figures(written, "paper", "en") if s.name.startswith("pairs_")]
    # against a baseline that sets levers of its own (AB - A - B + G: its effect in too)
    sweep = _pairs_sweep(tmp_path)
    other = dataclasses.replace(sweep, baseline="core_skills")
    other = dataclasses.replace(other, effects=analysis.effects(sweep.results, "core_skills"))
    assert report._parts_table(other) is None


def test_a_package_is_set_beside_its_parts_added_up(tmp_path):
    """Where a sweep runs a combination of its other policies and each part alone, the
    report tables the combination's effect, its parts' added up and the difference
    (``analysis.interaction``), bold where the difference is clear, and says in which
    measures it is clear in every scenario and in none; in Chinese too. Not for a sweep
    of one seed, of design points or without a part's runs."""
    sweep = _package_sweep(tmp_path)
    parts = sweep.parts
    assert set(parts["policy"]) == {"package"}
    assert set(parts["parts"]) == {"apprenticeship_subsidy+quality_apprenticeship"}
    starts = parts[parts["metric"] == "apprenticeship_starts"]
    assert starts["interaction"].to_numpy() == pytest.approx([-3.0, -3.0], abs=0.2)
    assert (starts["ci_high"] < 0).all()
    page = report._parts(sweep, "en")
    for words in (
        "Does the combination “full policy package” do what its parts do? Each of its 2 parts "
        "(apprenticeship subsidy, quality apprenticeship standards) also ran alone",
        "its 2 parts alone, added up",
        "difference (combination − parts added up)",
        "in every scenario in: apprenticeship starts.",
    ):
        assert words in page, words
    assert "clear in no scenario in: unemployment rate, whole city; youth unemployment" in page
    assert "effect of</th>" in page and "policy</th>" not in page  # (rows not policies)

    def difference_row(heading):
        table = page[page.index(heading) :]
        row = table[table.index("difference (combination") :]
        return row[: row.index("</tr>")]

    assert difference_row("Change in apprenticeship starts").count("<strong>") == 2  # (clear)
    assert "<strong>" not in difference_row("Change in unemployment rate")
    # the summary says so, linked to the section, of the measures clear in every scenario
    (said,) = report._parts_said(sweep, "en")
    assert "“full policy package” is not the sum of its parts" in said
    assert (
        "added up on apprenticeship starts, in the same direction and by at least 10% of "
        "the largest effect of a single policy (see “A package and its parts”)"
    ) in said
    assert "href='#parts'" in said and said in report._summary(sweep, "en")
    quiet = sweep.parts.assign(ci_low=-1.0, ci_high=1.0)
    assert report._parts_said(dataclasses.replace(sweep, parts=quiet), "en") == []
    zh = report._parts(sweep, "zh")
    assert "组合“一揽子政策”的效果是否等于其各组成部分效果之和" in zh and "2项组成政策" in zh
    # the section in the page, after where the unemployed go
    written = report.read(cell_sweep())
    written = dataclasses.replace(written, parts=sweep.parts)
    page = report._html(written, [], "figures", "en")
    assert page.index("A package and its parts") > page.index("Where the unemployed go")
    assert report._parts(written, "en") in page
    # a part's run lost: its cells say so; a part without a scenario: that scenario's
    # cells empty, and left out of "in every scenario"
    lost = sweep.results
    lost = lost[~((lost["policy"] == "quality_apprenticeship") & (lost["seed"] == 3))]
    lost = lost[~((lost["policy"] == "apprenticeship_subsidy") & (lost["scenario"] == "baseline"))]
    short = dataclasses.replace(sweep, results=lost, effects=analysis.effects(lost, "none"))
    short.parts = report._parts_table(short)
    page = report._parts(short, "en")
    assert "2 of 3 seeds" in page and "rests on fewer seeds" in page
    assert "in every scenario in: apprenticeship starts." in page
    # none of one seed, of design points, or without a part
    assert _package_sweep(tmp_path, seeds=(1,)).parts is None
    assert _package_sweep(tmp_path, points=(0, 1)).parts is None
    sweep = _package_sweep(tmp_path)
    gone = sweep.results[sweep.results["policy"] != "quality_apprenticeship"]
    sweep = dataclasses.replace(sweep, results=gone, effects=analysis.effects(gone, "none"))
    assert report._parts_table(sweep) is None
    page = report._html(dataclasses.replace(written, parts=None), [], "figures", "en")
    assert "A package and its parts" not in page


def test_sector_region_window():
    """The maps average one policy's runs over the last 12 months, never month 0."""
    cell = pd.DataFrame(
        {
            "policy": ["none"] * 21 + ["package"] * 21,
            "month": list(range(21)) * 2,
            "skill_gap_mean": 0.1,
        }
    )
    rows, first, last = report.sector_region_gap(cell, "none")
    assert (first, last) == (9, 20) and sorted(rows["month"]) == list(range(9, 21))
    assert set(rows["policy"]) == {"none"}
    short = cell[cell["month"] <= 5]
    rows, first, last = report.sector_region_gap(short, "package")
    assert (first, last) == (1, 5) and sorted(rows["month"]) == [1, 2, 3, 4, 5]


def test_the_flows_section_tables_the_effects_on_the_rates_out_of_unemployment(written, tmp_path):
    """Where the unemployed go: a table per status reached (a job, an apprenticeship,
    training, out of the labour force), each policy's paired effect against the
    baseline on the monthly rate out of unemployment into it (each run's mean of
    transitions.parquet's transition_rate over months 1..M, differenced by seed),
    computed here by hand; in Chinese too; a sweep that did not keep the table says so."""
    page = written.read_text(encoding="utf-8")
    assert page.count("Where the unemployed go") == 2  # (the contents, the heading)
    for to in ("into a job", "into an apprenticeship", "into training", "out of the labour force"):
        assert f"From unemployment {to}: effect on the monthly rate (pp)" in page, to
    sweep = report.read(cell_sweep())
    moves = analysis.load(cell_sweep(), table="transitions")
    later = moves[(moves["month"] >= 1) & (moves["from_status"] == "unemployed")]
    mean = later.groupby(["scenario", "policy", "seed", "to_status"])["transition_rate"].mean()
    flows = sweep.flows.set_index(["scenario", "policy", "to_status"])
    assert set(flows.index.get_level_values("to_status")) == set(report.FLOWS_TO)
    for (scenario, policy, to), row in flows.iterrows():
        d = (mean[scenario, policy].xs(to, level="to_status")
             - mean[scenario, "none"].xs(to, level="to_status"))  # fmt: skip
        assert row["effect"] == pytest.approx(d.mean(), rel=1e-12, abs=1e-15), (policy, to)
        assert row["n"] == len(d) == 2
    # the page's cell: the effect in percentage points, as the summary shows a share
    row = flows.loc[(sweep.scenario_order[0], "package", "employed")]
    shown = report._fmt(row["effect"], "transition_rate", True, None, "en")
    section = page.split("Where the unemployed go")[2].split("<h2")[0]
    assert shown in section and "percentage points a month" in section
    zh = report._flows(sweep, "zh")
    assert "失业→就业：对月度比率的影响（百分点）" in zh and "每月百分点" in zh
    # a sweep without the table
    bare = report.read(without_table(cell_sweep(), tmp_path / "old", "transitions"))
    assert bare.flows is None
    assert "this sweep did not keep the flows between statuses" in report._flows(bare, "en")


def test_the_flows_section_tables_the_rural_unemployed_and_those_hired_away(
    written, tmp_path, monkeypatch
):
    """The rural regions pooled: each policy's paired effect on the rural unemployed's
    monthly rates into each status and into a job in another region, recomputed here by
    hand from region_transitions.parquet's counts (sums over the rural regions, each
    run's mean of the monthly ratios, differenced by seed); a sweep without the table,
    or a city without rural regions, says so."""
    page = written.read_text(encoding="utf-8")
    section = page.split("Where the unemployed go")[2].split("<h2")[0]
    for to in ("into a job", "into training", "out of the labour force"):
        assert f"Rural regions, from unemployment {to}: effect on the monthly rate" in section
    assert "Rural regions, from unemployment into a job in another region" in section
    sweep = report.read(cell_sweep())
    moves = analysis.load(cell_sweep(), table="region_transitions")
    rural = moves[(moves["month"] >= 1) & ~moves["urban"] & (moves["from_status"] == "unemployed")]
    run = ["scenario", "policy", "seed", "month"]
    sums = rural.groupby([*run, "to_status"])[["workers", "moved_out"]].sum()
    started = sums["workers"].groupby(run).transform("sum")
    rates = {
        "transition_rate": sums["workers"] / started,
        "moved_out_rate": sums["moved_out"] / started,
    }
    got = sweep.rural_flows.set_index(["scenario", "policy", "to_status", "metric"])
    assert set(got.index.get_level_values("metric")) == set(rates)
    assert set(got.xs("moved_out_rate", level="metric").index.get_level_values("to_status")) == {
        "employed"
    }
    for (scenario, policy, to, metric), row in got.iterrows():
        rate = rates[metric].xs((scenario, to), level=("scenario", "to_status"))
        # (a month without rural unemployed in either run of a pair is left out of both)
        pair = pd.concat([rate.xs(policy), rate.xs("none")], axis=1, keys=["p", "b"]).dropna()
        means = pair.groupby(level="seed").mean()
        d = means["p"] - means["b"]
        assert row["effect"] == pytest.approx(d.mean(), rel=1e-12, abs=1e-15), (policy, to)
        assert row["region"] == "rural" and row["n"] == len(d) == 2
    zh = report._flows(sweep, "zh")
    assert "农村地区，失业→就业" in zh and "农村地区，失业→外地就业" in zh
    # a sweep without the table
    old = without_table(cell_sweep(), tmp_path / "old", "region_transitions")
    bare = report.read(old)
    assert bare.rural_flows is None and bare.flows is not None
    html = report._flows(bare, "en")
    assert "did not keep the flows by region" in html and "From unemployment into a job" in html
    # a sweep that kept the flows by region only: the rural tables stand on their own
    sweep.flows = None
    alone = report._flows(sweep, "en")
    assert "did not keep the flows between statuses" in alone
    assert "Where the rural unemployed go (" in alone and "months 1 to 14" in alone
    assert "Rural regions, from unemployment into a job" in alone
    # a scenario whose city is all urban: left out of the tables, and said
    green = moves["scenario"] == "quick_green"
    mixed = moves.assign(urban=moves["urban"] | green)
    monkeypatch.setattr(analysis, "load", lambda path, table, **_: mixed)
    sweep.rural_flows = report._rural_flow_effects(cell_sweep(), "none")
    assert set(sweep.rural_flows["scenario"]) == {"quick"}
    name = report.name_of("scenario", "quick_green", "en")
    assert f"Not in these tables: {name}, whose city has no rural region." in report._flows(
        sweep, "en"
    )
    # a city whose regions are all urban
    monkeypatch.setattr(analysis, "load", lambda path, table, **_: moves.assign(urban=True))
    sweep.rural_flows = report._rural_flow_effects(cell_sweep(), "none")
    assert sweep.rural_flows is not None and sweep.rural_flows.empty
    assert "city has none (every region is urban)" in report._flows(sweep, "en")


def test_the_seats_section_says_how_many_training_seats_learners_filled(
    written, tmp_path, monkeypatch
):
    """Each policy's TVET and course seats and the share in use, rural regions pooled
    and the whole city, recomputed here from region.parquet's counts (sums over the
    regions of a run's month, means over the months and seeds, learners over seats):
    TVET in the months school leavers choose (month 7 of each year: seats are taken then
    only, and empty through the year), courses in months 1..M; a sweep whose months
    hold no intake, or without the region table, or whose tables predate the seat
    columns, says so, and a sweep some of whose runs' tables do leaves them out."""
    page = written.read_text(encoding="utf-8")
    section = page.split('<section id="seats">')[1].split("</section>")[0]
    assert (
        "Full-time TVET seats in the month school leavers choose (August): share in use" in section
    )
    assert "once a year in the month after their cohort enters (August)" in section
    assert "Lifelong-learning course seats, every month: share in use" in section
    # (this small city's rural providers have no seats: said so, not as a share)
    assert "rural: no seats" in section and "city " in section
    # seats and learners of some size everywhere, so that every sum and share counts
    regions = analysis.load(cell_sweep(), table="region")
    rng = np.random.default_rng(5)
    counts = {c: rng.integers(1, 60, len(regions)) for c in ("tvet_seats", "course_seats")}
    for c in ("tvet", "course"):
        counts[f"{c}_enrolled"] = rng.integers(0, counts[f"{c}_seats"] + 1)
    regions = regions.assign(**counts)
    sweep = report.read(cell_sweep())
    assert report.intake_month(sweep.manifest, "quick") == 7
    monkeypatch.setattr(analysis, "load", lambda path, table, **_: regions)
    sweep.seats = report.seat_use(cell_sweep(), sweep.manifest)
    section = report._seats(sweep, "en")
    months = regions[regions["month"] >= 1]
    keys = ["scenario", "policy"]
    checked = 0

    def means_of(rows, kind):
        if kind == "tvet":  # (the intake months only: 7 of this sweep's 14)
            rows = rows[rows["month"] % 12 == 7]
            assert set(rows["month"]) == {7}
        columns = [f"{kind}_seats", f"{kind}_enrolled"]
        return rows.groupby([*keys, "seed", "month"])[columns].sum().groupby(keys).mean()

    for area, rows in (("rural", months[~months["urban"]]), ("city", months)):
        got = sweep.seats[sweep.seats["area"] == area].set_index(keys)
        for kind in ("tvet", "course"):
            means = means_of(rows, kind)
            assert set(got.index) == set(means.index)
            for key, row in got.iterrows():
                seats, enrolled = (
                    means.loc[key, f"{kind}_seats"],
                    means.loc[key, f"{kind}_enrolled"],
                )
                assert row[f"{kind}_seats"] == pytest.approx(seats, rel=1e-12)
                assert row[f"{kind}_seat_use"] == pytest.approx(enrolled / seats, rel=1e-12)
                words = report._t(f"seats_{area}", "en").format(
                    use=f"{100 * enrolled / seats:.0f}%", seats=f"{seats:,.0f}"
                )
                assert words in section, (area, key, kind)
                checked += 1
    assert checked == 2 * 2 * len(set(regions["policy"])) * len(set(regions["scenario"]))
    # a policy's seats and learners against the baseline policy's, where it changes them
    # (here every policy's seats are drawn at random), and none for the baseline itself
    means = means_of(months[~months["urban"]], "tvet")
    lines = 0
    for scenario in set(regions["scenario"]):
        for policy in set(regions["policy"]) - {"none"}:
            more = means.loc[(scenario, policy)] - means.loc[(scenario, "none")]
            words = report._t("seats_more", "en").format(
                area="rural",
                base="no new policy (status quo)",  # (the baseline named, as elsewhere)
                seats=report._signed(more["tvet_seats"]),
                learners=report._signed(more["tvet_enrolled"]),
            )
            assert words in section, (scenario, policy)
            lines += 1
    assert lines and section.count("against no new policy (status quo): seats") == 2 * lines
    assert report._signed(-0.4) == "0" and report._signed(-1.6) == "\u22122"
    assert report._signed(1.6) == "+2" and "-" not in section.split("against")[-1][:80]
    assert "whole city (rural included)" in section
    assert "终身学习培训课程名额（各月）：使用率" in report._seats(sweep, "zh")
    # months without an intake: no TVET share, said (not a share of the wrong months)
    early = regions[regions["month"] <= 6]
    monkeypatch.setattr(analysis, "load", lambda path, table, **_: early)
    sweep.seats = report.seat_use(cell_sweep(), sweep.manifest)
    assert (sweep.seats["intakes"] == 0).all() and sweep.seats["tvet_seat_use"].isna().all()
    assert report._t("seats_no_intake", "en").format(months=14) in report._seats(sweep, "en")
    # runs written by older code (a sweep resumed after the change): left out, and said
    old_runs = sorted(set(regions["run_id"]))[:3]
    mixed = regions.copy()
    mixed.loc[mixed["run_id"].isin(old_runs), list(report.SEAT_COUNTS)] = np.nan
    monkeypatch.setattr(analysis, "load", lambda path, table, **_: mixed)
    sweep.seats = report.seat_use(cell_sweep(), sweep.manifest)
    kept = regions[~regions["run_id"].isin(old_runs) & (regions["month"] >= 1)]
    city = sweep.seats[sweep.seats["area"] == "city"].set_index(keys)
    means = means_of(kept, "course")
    for key, row in city.iterrows():
        assert row["course_seats"] == pytest.approx(means.loc[key, "course_seats"], rel=1e-12)
    assert "Left out of these tables: 3 runs, written by older code" in report._seats(sweep, "en")
    monkeypatch.undo()
    # a sweep without the region table
    bare = report.read(without_table(cell_sweep(), tmp_path / "bare", "region"))
    assert bare.seats is None
    assert 'did not keep the region table ("region"' in html.unescape(report._seats(bare, "en"))
    # one whose region tables were written before they counted the seats
    old = tmp_path / "old"
    shutil.copytree(cell_sweep(), old, ignore=shutil.ignore_patterns(".lock"))
    for table in old.glob("runs/*/region.parquet"):
        frame = pd.read_parquet(table)
        added = [c for c in frame.columns if "seat" in c or "enrolled" in c]
        frame.drop(columns=added).to_parquet(table)
    older = report.read(old)
    assert older.seats is not None and older.seats.empty
    assert "Run the sweep into a new folder (--out)" in report._seats(older, "en")


def test_a_sweep_without_the_cell_table_says_so(tmp_path, monkeypatch):
    old = without_cell(cell_sweep(), tmp_path / "old")
    sweep = report.read(old)
    assert "cell" not in sweep.breakdowns and "sector" in sweep.breakdowns
    specs = report.figures(sweep, "paper", "en")
    notes = [s for s in specs if s.draw is None]
    assert [s.name for s in notes] == ["skill_gap_by_sector_and_region"]
    assert "did not keep" in notes[0].caption
    assert "skill_gap_by_sector" in {s.name for s in specs if s.draw is not None}
    # the whole page, with only the note among the figures (drawing them all is slow)
    monkeypatch.setattr(report, "figures", lambda *args, **kwargs: notes)
    out = report.write(old, tmp_path / "old.html")
    page = out.read_text(encoding="utf-8")
    assert "There is no map of the skill gap by sector and region" in page
    assert "<img" not in page and not list(out.with_name("old_figures").glob("*.png"))


def test_report_opens_offline_in_chromium(written, tmp_path):
    if not Path(CHROMIUM).is_file():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: `make test` installs it")
        pytest.skip("no chromium here (make test installs it)")
    from playwright.sync_api import sync_playwright

    requests = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(written.as_uri())
        page.wait_for_load_state("load")
        broken = page.eval_on_selector_all(
            "img", "els => els.filter(e => !(e.complete && e.naturalWidth > 0)).length"
        )
        page.screenshot(path=tmp_path / "report.png", full_page=False)
        browser.close()
    assert broken == 0
    outside = [u for u in requests if u != written.as_uri() and not u.startswith("data:")]
    assert outside == []
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_chinese_report(tmp_path):
    chinese_font_or_skip()
    out = tmp_path / "zh.html"
    args = ["report", str(cell_sweep()), "--out", str(out), "--lang", "zh", "--style", "talk"]
    assert cli.main(args) == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    for words in (
        "技能政策模拟结果",
        "摘要",
        "全市失业率（含农村县）变化",
        "城镇失业率变化",
        "企业新型学徒制培训补贴",
        "方法说明",
        "公共随机数",
        "校准目标",
        "技能差距的行业与地区分布",
        "最后12个月（第3至14个月）",
        "<tr><th>根随机种子</th>",  # the manifest's facts named in Chinese too
    ):
        assert words in page, words
    assert "<tr><th>root_seed</th>" not in page
    assert report.external_references(page) == []


def test_a_shipped_experiments_description_in_chinese(tmp_path):
    """The header gave the experiment file's English description in the Chinese report."""
    from simulation.experiment import load_experiment

    shipped = Path(__file__).resolve().parents[1] / "experiments"
    for file in sorted(shipped.glob("*.toml")):  # each shipped experiment has one
        assert load_experiment(file).config.name in i18n.EXPERIMENT_DESCRIPTIONS_ZH, file
    chinese_font_or_skip()
    sweep = shutil.copytree(cell_sweep(), tmp_path / "s", ignore=shutil.ignore_patterns(".lock"))
    manifest = json.loads((sweep / "manifest.json").read_text())
    described = load_experiment(shipped / "default.toml").config.description
    manifest["experiment"].update(name="default", description=described)
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    page = report.write(sweep, tmp_path / "zh.html", lang="zh").read_text(encoding="utf-8")
    assert f"<p>{i18n.EXPERIMENT_DESCRIPTIONS_ZH['default']}</p>" in page
    assert f"<p>{html.escape(described)}</p>" not in page  # (the manifest section keeps it)
    # a copy of default.toml with a description of its own keeps it (it was given the
    # shipped one's translation: a review)
    manifest["experiment"].update(description="Our own comparison of three policies")
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    page = report.write(sweep, tmp_path / "own.html", lang="zh").read_text(encoding="utf-8")
    assert "<p>Our own comparison of three policies</p>" in page
    assert i18n.EXPERIMENT_DESCRIPTIONS_ZH["default"] not in page


def test_report_needs_a_sweep(tmp_path, capsys):
    assert cli.main(["report", str(tmp_path)]) == cli.EXIT_BAD_INPUT
    assert "neither a sweep folder nor a run folder" in capsys.readouterr().err
    assert cli.main(["report", str(tmp_path / "typo")]) == cli.EXIT_BAD_INPUT
    assert f"{tmp_path / 'typo'}: no such folder" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()
    # a folder of run folders (which effects compares), or of sweeps: named, with the
    # command for one of them
    runs = tmp_path / "myruns"
    for name in ("a", "b"):
        (runs / name).mkdir(parents=True)
        (runs / name / "manifest.json").write_text(json.dumps({"kind": "run"}))
    assert cli.main(["report", str(runs)]) == cli.EXIT_BAD_INPUT
    err = " ".join(capsys.readouterr().err.split())
    assert f"{runs}: a folder of run folders (a, b), not one: a report is of one sweep or" in err
    assert f"`skillsim report {runs / 'a'}`; `skillsim effects {runs}` compares" in err, err
    (runs / "b" / "manifest.json").write_text(json.dumps({"kind": "sweep"}))
    assert cli.main(["report", str(runs)]) == cli.EXIT_BAD_INPUT
    err = " ".join(capsys.readouterr().err.split())
    assert f"{runs}: a folder of sweep folders (b), not one" in err, err
    assert "skillsim effects" not in err and not list(runs.glob("*.html"))


def test_a_named_file_is_never_overwritten_an_earlier_report_neither(written, tmp_path, capsys):
    """`report --out FILE` silently replaced an earlier report at FILE, where `run --out`
    and `effects --csv` refuse an existing path: now refused the same way (exit 2,
    nothing written). Only the sweep folder's own report.html is rewritten."""
    precious = tmp_path / "precious.html"
    precious.write_text("<html>a user's own page</html>")
    code = cli.main(["report", str(cell_sweep()), "--out", str(precious)])
    assert code == cli.EXIT_BAD_INPUT
    err = " ".join(capsys.readouterr().err.split())
    assert f"--out {precious}: the file already exists; results are never overwritten" in err
    assert "(allowed: a path that does not exist yet" in err
    assert precious.read_text() == "<html>a user's own page</html>"
    assert not (tmp_path / "precious_figures").exists()
    orphan = tmp_path / "new_figures"
    orphan.mkdir()
    (orphan / "mine.png").write_bytes(b"not ours")
    code = cli.main(["report", str(cell_sweep()), "--out", str(tmp_path / "new.html")])
    assert code == cli.EXIT_BAD_INPUT and not (tmp_path / "new.html").exists()
    assert "exists without its report" in capsys.readouterr().err
    figures = written.with_name(f"{written.stem}_figures")
    before = (written.read_bytes(), sorted(figures.iterdir()), written.stat().st_mtime_ns)
    code = cli.main(["report", str(cell_sweep()), "--out", str(written)])  # an earlier report
    assert code == cli.EXIT_BAD_INPUT
    assert "the file already exists; results are never overwritten" in capsys.readouterr().err
    assert (written.read_bytes(), sorted(figures.iterdir()), written.stat().st_mtime_ns) == before
    assert not [p for p in written.parent.iterdir() if ".tmp-" in p.name]
    # In the sweep's own folder, the default report.html is replaced (reports written
    # before the generator tag had none), and its figures folder with it.
    sweep = shutil.copytree(
        cell_sweep(), tmp_path / "sweep", ignore=shutil.ignore_patterns(".lock")
    )
    (sweep / "report.html").write_text("<html>an older report</html>")
    (sweep / "report_figures").mkdir()
    (sweep / "report_figures" / "old.png").write_bytes(b"old")
    assert cli.main(["report", str(sweep)]) == 0
    assert GENERATOR_TAG in (sweep / "report.html").read_text()
    assert not (sweep / "report_figures" / "old.png").exists()
    assert "warning" not in capsys.readouterr().err  # (a complete sweep)


def test_a_report_that_appears_meanwhile_is_kept(tmp_path, monkeypatch, capsys):
    """A file written at --out while the report was drawn is kept, not replaced."""
    out = tmp_path / "mine.html"
    real = report._html

    def and_meanwhile(*args, **kwargs):
        out.write_text("written meanwhile")
        return real(*args, **kwargs)

    monkeypatch.setattr(report, "_html", and_meanwhile)
    monkeypatch.setattr(report, "figures", lambda sweep, style, lang: [])  # (no drawing)
    assert cli.main(["report", str(cell_sweep()), "--out", str(out)]) == cli.EXIT_BAD_INPUT
    assert f"{out} appeared while this report was drawn; it is kept" in capsys.readouterr().err
    assert out.read_text() == "written meanwhile"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.html"]  # no figures left


def test_a_report_that_cannot_be_placed_leaves_no_figures_behind(tmp_path, monkeypatch):
    """Placing the report failed after its figures were moved in (a file system error,
    Ctrl-C): the figures folder is taken back out, so the path stays free."""
    out = tmp_path / "mine.html"

    def no_link(src, dst):
        raise PermissionError(1, "Operation not permitted")

    def no_replace(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "figures", lambda sweep, style, lang: [])  # (no drawing)
    monkeypatch.setattr(report.os, "link", no_link)
    monkeypatch.setattr(report.os, "replace", no_replace)
    with pytest.raises(KeyboardInterrupt):
        report.write(cell_sweep(), out)
    assert list(tmp_path.iterdir()) == []


def test_temporaries_of_a_killed_report_are_removed_by_the_next(tmp_path, monkeypatch):
    """A report killed with SIGKILL leaves its hidden .<name>_figures.tmp-<pid> folder
    and page; the next report to that path removed neither (an outside fuzz). Those of
    processes that are gone go now; a running process's are left alone."""
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    alive = str(os.getppid())
    out = tmp_path / "mine.html"
    for pid in (gone, alive):
        (tmp_path / f".mine_figures.tmp-{pid}").mkdir()
        (tmp_path / f".mine_figures.tmp-{pid}" / "a.png").write_bytes(b"x")
        (tmp_path / f".mine.html.tmp-{pid}").write_text("half")
    (tmp_path / ".other.html.tmp-1").write_text("not this report's")
    monkeypatch.setattr(report, "figures", lambda sweep, style, lang: [])  # (no drawing)
    report.write(cell_sweep(), out)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(
        [".mine.html.tmp-" + alive, ".mine_figures.tmp-" + alive, ".other.html.tmp-1",
         "mine.html", "mine_figures"]
    )  # fmt: skip


def test_a_cost_interval_has_its_estimates_decimals():
    """A cost cell's bounds take the estimate's decimals: "[-552, -50.18]" mixed two."""
    sweep = report.read(cell_sweep())
    e = sweep.effects.copy()
    cost = e["metric"] == analysis.COST_METRIC
    e.loc[cost, ["effect", "ci_low", "ci_high"]] = [-297.0, -552.4, -50.18]
    words = html.unescape(report._summary(dataclasses.replace(sweep, effects=e), "en"))
    assert "[\u2212552, \u221250]" in words and "50.18" not in words


def test_figures_show_at_their_drawn_size_and_print_sharp(written):
    """The PNGs are saved at the style's resolution (200 dpi for the paper style) and
    shown at the size they were drawn at (100 px an inch): a page that printed them at
    100 dpi was soft on paper."""
    import base64
    import io

    from PIL import Image

    from simulation import plots

    page = written.read_text(encoding="utf-8")
    images = re.findall(r'<img alt="[^"]*" width="(\d+)" src="data:image/png;base64,([^"]+)"', page)
    assert len(images) >= 8 and len(images) == page.count("<img ")
    for width, data in images:
        png = Image.open(io.BytesIO(base64.b64decode(data)))
        assert png.info["dpi"][0] == pytest.approx(plots.SAVE_DPI["paper"], abs=0.1)
        # (within a pixel: the PNG keeps its resolution as whole pixels a metre)
        assert int(width) == pytest.approx(png.size[0] * 100 / plots.SAVE_DPI["paper"], abs=1)
    plain = io.BytesIO()
    Image.new("RGB", (40, 20)).save(plain, format="PNG")  # (no resolution saved)
    assert report._css_width(plain.getvalue()) is None and report._css_width(b"GIF89a") is None


def test_a_cell_of_fewer_seeds_says_so():
    """A cell on fewer seeds than the rest (an unfinished sweep's, or a metric without a
    value in some runs) says how many, and a note under the tables says what that
    means; with every cell on every seed, neither."""
    sweep = report.read(cell_sweep())
    e = sweep.effects.copy()
    n = int(e["n"].max())
    full = e.assign(n=n)
    plain = html.unescape(report._summary(dataclasses.replace(sweep, effects=full), "en"))
    assert f"of {n} seeds" not in plain and "rests on fewer seeds" not in plain
    one = (full["metric"] == "unemployment_rate") & (full["policy"] == "package")
    at = full.index[one][0]
    full.loc[at, ["n", "ci_low", "ci_high"]] = [1, float("nan"), float("nan")]
    words = html.unescape(report._summary(dataclasses.replace(sweep, effects=full), "en"))
    assert words.count(f"1 of {n} seeds") == 1 and "rests on fewer seeds" in words


def test_a_sweep_of_two_seeds_promises_no_bands(tmp_path):
    """Paths draw bands from three seeds up: with two, the caption says there are none
    and why (it promised bands the figure did not draw)."""
    sweep = shutil.copytree(
        cell_sweep(), tmp_path / "sweep", ignore=shutil.ignore_patterns(".lock")
    )
    _keep_runs(sweep, lambda run: run["replicate"] < 2)
    words = " ".join(html.unescape(report.write(sweep, tmp_path / "r.html").read_text()).split())
    assert "lines are means over two seeds, without a band" in words
    assert "bands the 95%" not in words


def test_a_partial_sweeps_report_counts_the_runs_on_disk(tmp_path, capsys):
    """A killed sweep's manifest says "running" with the counts of its start: the
    report counted from it. It counts the run folders now, and the command says on
    stderr what the page says at its top."""
    sweep = shutil.copytree(
        cell_sweep(), tmp_path / "sweep", ignore=shutil.ignore_patterns(".lock")
    )
    ledger = pd.read_parquet(sweep / "ledger.parquet")
    for run_id in ledger["run_id"].iloc[-3:]:  # (the last scenario's package runs, say)
        shutil.rmtree(sweep / "runs" / run_id)
    ledger.loc[ledger.index[-3:], "status"] = "pending"
    ledger.to_parquet(sweep / "ledger.parquet")
    manifest = json.loads((sweep / "manifest.json").read_text())
    manifest.update(status="running", counts={"pending": 12, "done": 0, "failed": 0})
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "partial.html"
    assert cli.main(["report", str(sweep), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "This sweep is not complete (9 of 12 runs done, 0 failed)" in page
    assert "<tr><th>counts</th><td>done 9, failed 0, pending 3</td></tr>" in page
    err = " ".join(capsys.readouterr().err.split())
    assert f"skillsim: warning: {sweep}: this sweep is not complete (9 of 12 runs done" in err
    assert "IncompleteSweepWarning" not in err  # (said once, by the command)


def _keep_runs(sweep: Path, keep) -> None:
    """``sweep`` as if stopped before the runs ``keep(ledger row)`` rejects had finished."""
    ledger = pd.read_parquet(sweep / "ledger.parquet")
    gone = ~ledger.apply(keep, axis=1)
    for run_id in ledger.loc[gone, "run_id"]:
        shutil.rmtree(sweep / "runs" / run_id)
    ledger.loc[gone, "status"] = "pending"
    ledger.to_parquet(sweep / "ledger.parquet")


def test_a_sweep_stopped_after_its_baseline_runs_still_reports(tmp_path):
    """Runs go baseline first, so a sweep stopped early has finished runs of the
    baseline only: the report stopped on the effects it cannot compute. It says why
    there are none, and the paths' captions point to no effects "above"."""
    sweep = shutil.copytree(
        cell_sweep(), tmp_path / "sweep", ignore=shutil.ignore_patterns(".lock")
    )
    _keep_runs(sweep, lambda run: run["policy"] == "none")
    page = report.write(sweep, tmp_path / "r.html").read_text()
    assert "has finished runs of the baseline policy (no new policy (status quo)) only" in page
    assert "the effects above" not in page and "month by month" in page


def test_a_sweep_of_one_seed_says_it_has_no_intervals(tmp_path):
    sweep = shutil.copytree(
        cell_sweep(), tmp_path / "sweep", ignore=shutil.ignore_patterns(".lock")
    )
    manifest = json.loads((sweep / "manifest.json").read_text())
    assert manifest["experiment"]["replications"] > 1
    manifest["experiment"]["replications"] = 1
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    _keep_runs(sweep, lambda run: run["replicate"] == 0)
    words = " ".join(html.unescape(report.write(sweep, tmp_path / "r.html").read_text()).split())
    assert "was run with 1 seed (replications" in words
    assert "With one seed there are no intervals" in words
    assert "from one seed, so without an interval" in words  # the summary's table
    assert "one seed, so each line is one run, without a band" in words  # the paths
    assert "one marker per scenario, one seed, so no intervals;" in words  # the forests
    months = manifest["experiment"]["months"]
    assert f"this sweep's runs cover months 1 to {months} of them" in words
    assert "(jobs and apprenticeships), one seed, so no intervals." in words  # the cost
    for wrong in (
        "a median - times", "1 seeds", "95% interval in brackets", "bands the 95%",
        "with 95% intervals",
    ):  # fmt: skip
        assert wrong not in words


def test_settings_from_the_command_line_are_told_apart_from_the_files(tmp_path):
    """A sweep run with --workers (and the like) says so under the file's description,
    which may give other settings; the manifest records what the command line set."""
    sweep = shutil.copytree(
        cell_sweep(), tmp_path / "sweep", ignore=shutil.ignore_patterns(".lock")
    )
    manifest = json.loads((sweep / "manifest.json").read_text())
    assert manifest["overrides"] == {}
    manifest["experiment"]["description"] = "Five seeds at 50,000 workers."
    manifest["overrides"] = {"workers": 3000, "replications": 2}
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    page = report.write(sweep, tmp_path / "r.html").read_text()
    assert "Five seeds at 50,000 workers." in page
    assert "This sweep ran with workers = 3,000, replications = 2 from the command line" in page
    # A city under 20,000 workers: levels are not to be read from it, and the page says so.
    said = "A small model city (300 workers, under 20,000)"
    assert manifest["experiment"]["workers"] == 300 and said in page
    manifest["experiment"]["workers"] = 20_000  # (as the header reads it)
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    assert "A small model city" not in report.write(sweep, tmp_path / "big.html").read_text()


def test_a_design_sweep_with_its_baseline_reports_each_point(tmp_path):
    """Effects of a grid over a policy lever, the baseline among the policies: the
    summary has a row per policy and design point, labelled by the point's values; the
    skill-gap maps (the sweep keeps the breakdowns) average the points and say so."""
    from sweeps import small, write_experiment

    from simulation.experiment import load_experiment, make_plan, run_sweep

    lever = (
        '[design]\nkind = "grid"\nlevels = 2\n[[parameters]]\nname = "subsidy"\n'
        'path = "policy.subsidy.yuan_per_year"\nlow = 0.0\nhigh = 6000.0\n'
    )
    keep = 'keep = ["metrics", "sector", "region", "cell"]\n'
    path = write_experiment(tmp_path / "exp", small(months=3, extra=keep + lever))
    out = tmp_path / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    page = report.write(out, tmp_path / "r.html").read_text()
    for value in ("0", "6,000"):
        assert f"(subsidy = {value})" in page
    assert "averaged over months and seeds and 2 design points" in page  # sector map
    assert "seeds and 2 design points; lighter" in page  # the sector x region map
    # The policies' settings show the swept field as swept, under each policy (the runs
    # had their point's value, not the policy's 5,000: an outside review), not the file's.
    assert "1 scenario x 2 policies x 2 design points x 2 seeds" in page  # the header
    row = "<code>subsidy.yuan_per_year</code></td><td class='num'>{}</td>"
    assert page.count(row.format("swept (below)")) == 2
    assert row.format("5,000") not in page
    assert not list(tmp_path.glob(".*tmp*"))  # nothing left behind


def test_a_design_of_rounded_points_says_how_many_ran_distinct_and_marks_scenario_fields(
    tmp_path,
):
    """Four grid points of whole-number fields between 1 and 2 run two settings (1, 1, 2,
    2 once rounded): the header says so (an outside review read "12 design points" of a
    morris design whose points repeated). A swept scenario field is shown as swept in
    the scenario's settings, not as the file's value (its runs did not have it)."""
    from sweeps import small, write_experiment

    from simulation.experiment import load_experiment, make_plan, run_sweep

    lever = (
        '[design]\nkind = "grid"\nlevels = 4\n[[parameters]]\nname = "months"\n'
        'paths = ["policy.anticipation.lag_months", "scenario.drivers.rural_access_months"]\n'
        "low = 1\nhigh = 2\n"
    )
    body = small(policies=("none",), replications=1, months=2, extra=lever)
    out = tmp_path / "sweep"
    path = write_experiment(tmp_path / "exp", body)
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    page = report.write(out, tmp_path / "r.html").read_text()
    assert "1 scenario x 1 policy x 4 design points (2 distinct) x 1 seed" in page
    row = "<code>drivers.rural_access_months</code></td><td class='num'>{}</td>"
    assert page.count(row.format("swept (below)")) == 1
    assert "<code>anticipation.lag_months</code></td><td class='num'>swept (below)" in page
    zh = report.write(out, tmp_path / "zh.html", lang="zh").read_text()
    assert "×4个设计点（其中2个互不相同）×1个随机种子" in zh
    # every point its own: nothing said
    grid = body.replace("low = 1\nhigh = 2", "low = 1\nhigh = 4")
    other = tmp_path / "other"
    path = write_experiment(tmp_path / "exp2", grid)
    assert run_sweep(make_plan(load_experiment(path)), other, executor="serial", threads=1)
    page = report.write(other, tmp_path / "o.html").read_text()
    assert "4 design points x 1 seed" in page and "distinct" not in page


def test_a_design_sweep_without_its_baseline_names_the_policy_its_beveridge_curve_draws(
    tmp_path,
):
    """A design over a lever of one policy, no baseline among the policies: the
    Beveridge curve draws that policy's runs, and its caption says so (it said "under no
    new policy")."""
    from sweeps import small, write_experiment

    from simulation.experiment import load_experiment, make_plan, run_sweep

    lever = (
        '[design]\nkind = "grid"\nlevels = 2\n[[parameters]]\nname = "subsidy"\n'
        'path = "policy.subsidy.yuan_per_year"\nlow = 1000.0\nhigh = 6000.0\n'
    )
    body = small(policies=("apprenticeship_subsidy",), months=3, extra=lever)
    path = write_experiment(tmp_path / "exp", body)
    out = tmp_path / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    page = report.write(out, tmp_path / "r.html").read_text()
    drawn = i18n.name_of("policy", "apprenticeship_subsidy", "en")
    assert f"Beveridge curve under {drawn}:" in page
    assert "Beveridge curve under " + i18n.name_of("policy", "none", "en") not in page


def test_a_grid_of_many_points_is_summarised_not_drawn_point_by_point(tmp_path, monkeypatch):
    """A grid of more than MANY_POINTS points: its effects in a row per policy (the
    points' mean and spread), no forest of a row per point nor a cost figure of a label
    per point (a 100-point grid's forest was 27,644 pixels tall: an outside review).
    Three points here, past a lowered MANY_POINTS."""
    from sweeps import small, write_experiment

    from simulation.experiment import load_experiment, make_plan, run_sweep

    grid = (
        '[design]\nkind = "grid"\nlevels = 3\n[[parameters]]\nname = "quit"\n'
        'path = "scenario.behaviour.labour_market.quit_rate"\nlow = 0.005\nhigh = 0.02\n'
    )
    body = small(replications=1, months=3, extra=grid)
    path = write_experiment(tmp_path / "exp", body)
    out = tmp_path / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    sweep = report.read(out)
    assert not report._summarised(sweep)  # (3 points: one by one)
    monkeypatch.setattr(report, "MANY_POINTS", 2)
    assert report._summarised(sweep) and not report._for_indices(sweep)
    page = " ".join(html.unescape(report.write(out, tmp_path / "r.html").read_text()).split())
    assert "No effects figure point by point: this design's 3 points are too many" in page
    assert "over this design's points: each cell is the mean over the points" in page
    assert "3 points: " in page and "too many points to show one by one" in page
    assert "Where the unemployed go</h2><p>Not shown for a design of more than 2 points" in page
    assert "sensitivity figures" not in page  # (a grid has none: not pointed to)
    assert 'id="fig-effects_unemployment_rate"' not in page
    assert 'id="fig-cost_effectiveness"' not in page


def test_a_sensitivity_design_reports_the_effects_indices_and_says_what_they_are(tmp_path):
    """A Morris design over two scenario fields with the baseline and a policy: the report's
    sensitivity figures are of the policy's effect against the baseline (what a policy
    researcher asks), and their captions say of what, summarised how, which indices,
    what the whiskers are, and N (an outside review: they said only "Sensitivity of
    unemployment rate to the swept parameters"). Too few trajectories: said under the
    figure. Stopped before every point ran: the missing figures say why (they were
    dropped without a word)."""
    from sweeps import small, write_experiment

    from simulation.experiment import load_experiment, make_plan, run_sweep

    lever = (
        '[design]\nkind = "morris"\nsamples = 2\nlevels = 4\n'
        '[[parameters]]\nname = "quit"\npath = "scenario.behaviour.labour_market.quit_rate"\n'
        "low = 0.005\nhigh = 0.02\n"
        '[[parameters]]\nname = "dropout"\n'
        'path = "scenario.behaviour.apprenticeship.dropout_hazard"\nlow = 0.005\nhigh = 0.05\n'
    )
    body = small(replications=1, workers=1500, months=12, extra=lever)
    path = write_experiment(tmp_path / "exp", body)
    out = tmp_path / "sweep"
    plan = make_plan(load_experiment(path))
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    page = " ".join(html.unescape(report.write(out, tmp_path / "r.html").read_text()).split())
    assert (
        "Sensitivity of each policy's effect on unemployment rate, whole city (against no new "
        "policy" in page
    )
    assert "Morris mu*, the mean absolute change over each parameter's whole range" in page
    assert "whiskers: 95% bootstrap intervals; 2 trajectories." in page
    assert "Note: a morris design of 2 trajectories: too few" in page
    assert "youth unemployment rate" in page
    assert "parameters are set on" not in page  # (scenario fields only: no lever on both)
    # its points are samples: no forest of a row per point, and the page says why
    assert "No effects figure point by point: this design's points are samples" in page
    assert 'id="fig-effects_unemployment_rate"' not in page
    # ... nor a summary row per point: a row per policy, the points' mean and spread
    points = len(pd.read_parquet(out / "design.parquet"))
    assert f"{points} points: " in page and "(quit = " not in page
    assert "not a confidence interval" in page
    assert "over this design's sampled points" in page and "Bold: the interval" not in page
    # an unfinished design: the figures' places say why they are missing
    half = tmp_path / "half"
    shutil.copytree(out, half, ignore=shutil.ignore_patterns(".lock"))
    ledger = pd.read_parquet(half / "ledger.parquet")
    gone = ledger["run_id"].iloc[-1]
    ledger = ledger.assign(status=ledger["status"].where(ledger["run_id"] != gone, "pending"))
    ledger.to_parquet(half / "ledger.parquet")
    page = " ".join(html.unescape(report.write(half, tmp_path / "h.html").read_text()).split())
    assert "No sensitivity figure of unemployment rate, whole city:" in page
    assert "the sweep is unfinished: finish it" in page
    # In Chinese the swept settings, the design's kind and the notes are Chinese (an
    # outside review: "quit rate" on the figures' axes, "a morris design of 2
    # trajectories: too few ..." in a Chinese caption)
    chinese_font_or_skip()
    zh = report.write(half, tmp_path / "zh.html", lang="zh").read_text(encoding="utf-8")
    zh = " ".join(html.unescape(zh).split())
    quit_zh = i18n.FIELDS_ZH["behaviour.labour_market.quit_rate"]
    assert f"Morris设计，{points}个设计点" in zh and f"<b>{quit_zh}<small class='id'>（quit）" in zh
    assert "Morris设计仅有2个轨迹，不足以得出可信的指数" in zh and "too few" not in zh
    assert "请使用4个或以上；快速测试情景 | " in zh and "本组模拟尚未完成" in zh
    assert "unfinished" not in zh
    with pytest.warns(analysis.SensitivityWarning, match="too few"):
        indices = analysis.sensitivity(analysis.load(out), "unemployment_rate")
    ticks = [t.get_text() for t in plots.sensitivity(indices, lang="zh").axes[0].get_yticklabels()]
    # (in a figure a setting's short name: "在职者辞职月概率")
    short = [
        i18n.short_meaning(f"behaviour.{k}")
        for k in ("labour_market.quit_rate", "apprenticeship.dropout_hazard")
    ]
    assert [t.replace("\n", "") for t in ticks] == short


def test_missing_font_stops_a_chinese_report(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(i18n, "CJK_FAMILIES", ("No Such Font CJK",))
    code = cli.main(
        ["report", str(cell_sweep()), "--out", str(tmp_path / "r.html"), "--lang", "zh"]
    )
    assert code == cli.EXIT_BAD_INPUT
    assert "fonts-noto-cjk" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_a_stop_while_the_report_is_put_in_place_is_held_and_a_full_disk_is_one_line(
    tmp_path, monkeypatch, capsys
):
    """Ctrl-C between an earlier report's figures going and the new ones arriving left
    the report without figures (an outside review); the swap is now whole, the stop
    held. A full disk was a traceback: one line, exit 1, nothing left."""
    import signal

    place = report._place_new

    def stopped(*args):
        os.kill(os.getpid(), signal.SIGINT)  # (cli.main's handler is in place)
        return place(*args)

    monkeypatch.setattr(report, "_place_new", stopped)
    out = tmp_path / "r.html"
    assert cli.main(["report", str(cell_sweep()), "--out", str(out)]) == 0
    assert out.is_file() and list((tmp_path / "r_figures").glob("*.png"))
    monkeypatch.setattr(report, "_place_new", place)
    capsys.readouterr()

    def full(self, data):
        raise OSError(28, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    out = tmp_path / "full.html"
    assert cli.main(["report", str(cell_sweep()), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "cannot write the report (No space left on device" in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".full*"))
    assert not (tmp_path / "full_figures").exists()


def test_a_shock_after_the_sweeps_months_is_noted(tmp_path):
    """A 12-month sweep of the disorderly transition equals the baseline (its shocks
    start at month 60): the report says so at its top, as `skillsim run` warns."""
    from sweeps import write_experiment

    from simulation.experiment import load_experiment, make_plan, run_sweep

    body = (
        'scenarios = ["green_transition_disorderly"]\npolicies = ["none"]\nreplications = 1\n'
        "root_seed = 3\nworkers = 300\nmonths = 12\n"
    )
    path = write_experiment(tmp_path / "exp", body)
    out = tmp_path / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    page = " ".join(html.unescape(report.write(out, tmp_path / "r.html").read_text()).split())
    assert (
        "Note: in the scenario green transition, disorderly, the brown-sector shock moves "
        "demand from month 61 on, after the 12 months simulated: it changes nothing here" in page
    )


def _page_words(page: str) -> str:
    """What a reader of ``page`` reads: its text without the folded manifest, the
    style sheet, the images, the command-line names in small grey type and the PNG
    files' names under the figures."""
    page = re.sub(r"<details>.*?</details>|<style>.*?</style>", "", page, flags=re.S)
    page = re.sub(r"<small class='id'>.*?</small>|（图片文件：[^）]*）", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _as_default_sweep(tmp_path: Path) -> Path:
    """The cell sweep as if it were the shipped default experiment run with --workers
    300 --months 14 --seeds 2, from a working tree with uncommitted changes."""
    sweep = shutil.copytree(cell_sweep(), tmp_path / "s", ignore=shutil.ignore_patterns(".lock"))
    manifest = json.loads((sweep / "manifest.json").read_text())
    shipped = Path(__file__).resolve().parents[1] / "experiments" / "default.toml"
    described = tomllib.loads(shipped.read_text(encoding="utf-8"))["description"]
    manifest["experiment"].update(name="default", description=described)
    manifest["overrides"] = {"workers": 300, "months": 14, "replications": 2, "root_seed": None}
    manifest["code_version"] = {"package": "0.1.0", "commit": "abc123", "dirty": True}
    manifest["scenarios"]["green_transition_orderly"] = manifest["scenarios"].pop("quick_green")
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    return sweep


def test_the_chinese_page_names_things_as_its_readers_do(tmp_path):
    """A Chinese page for a policy forum said "实验 default", "green_transition_orderly",
    "docs/ODD.md", "baseline_alternative_fit", '{"pending": 0, ...}', "(dirty)" and raw
    ISO times: identifiers its readers cannot read. It names them in words now."""
    sweep = report.read(_as_default_sweep(tmp_path))
    page = report._html(sweep, [], "r_figures", "zh")
    words = _page_words(page)
    # (the manifest's facts keep an identifier in brackets after its name, for whoever
    # runs the sweep again: the rest of the page has none)
    prose = _page_words(page.split('<section id="manifest">')[0])
    assert "主实验（全部情景×全部政策）（default）" in words
    for raw in ('{"pending"', "(dirty)", "complete"):
        assert raw not in words, raw
    for raw in (
        "default",
        "green_transition_orderly",
        "docs/ODD.md",
        "README",
        "baseline_alternative_fit",
        "combined",
        "urban_unemployment_rate",
        '{"pending"',
        "(dirty)",
        "complete",
        "学位",
        "终身学习培训券",
        "课程月",
        "技能错配",
    ):
        assert raw not in prose, raw
    assert not re.search(r"\d [一-龥]|[一-龥] \d", words)  # (no space between 5 and 个)
    assert not re.search(r"T\d\d:\d\d:\d\d", words)  # (times as "2026-12-06 08:13 UTC")
    assert re.search(r"<title>技能政策模拟结果：主实验（全部情景×全部政策）</title>", page)
    for said in (
        "主实验（全部情景×全部政策）：",
        "实验文件原设定：全部情景×",
        "在命令行中设定了劳动者人数300、模拟月数14、随机种子数2，",
        "有序绿色转型 <small class='id'>（命令行名称：<code>green_transition_orderly</code>）",
        "模型说明文档（ODD）第11.5节",
        "基准情景（第二套校准，稳健性检验）",
        "<tr><th>状态</th><td>已完成</td></tr>",
        "<tr><th>各状态运行数</th><td>已完成12，失败0，待运行0</td></tr>",
        "（含未提交修改）",
        "<th>单位</th>",
        "<th>参数</th><th>数值</th></tr>",
        "取得高级工（三级）及以上职业技能等级证书的学徒额外补贴（元/人/年）",
        "全市失业率（含农村县）",
        "未就业未就学未培训青年比例（NEET，25岁以下）",
    ):
        assert said in page, said
    assert re.search(r"<th>开始时间</th><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC</td>", page)
    # the English page keeps its identifiers, its counts said in words too
    english = report._html(sweep, [], "r_figures", "en")
    assert "<tr><th>counts</th><td>done 12, failed 0, pending 0</td></tr>" in english
    assert "As the experiment file sets it: Every scenario x (none, each single" in english
    assert "<small><code>green_transition_orderly</code></small>" in english
    assert "(dirty)" in english and '{"pending"' not in _page_words(english)


def test_an_experiment_without_a_chinese_name_is_named_by_its_file_once(tmp_path):
    chinese_font_or_skip()
    sweep = report.read(cell_sweep())  # (experiment "cells": no Chinese name)
    page = report._html(sweep, [], "r_figures", "zh")
    words = _page_words(page)
    assert words.count("实验文件：cells.toml") == 1
    assert "<title>技能政策模拟结果</title>" in page
    spec = report.figures(sweep, "paper", "zh")[0]
    assert "cells" not in spec.caption
    # a PNG on a slide, out of the page, still says which sweep: by its file
    e = sweep.experiment
    code = analysis.code_versions(sweep.path).index[0][:8]
    want = (
        f"skillsim，实验文件：cells.toml，{e['workers']:,}名劳动者，{sweep.seeds}个随机种子，"
        f"{e['months']}个月；代码{code}"
    )
    assert want in [t.get_text() for t in spec.draw().texts]


def test_chinese_tables_write_yuan_in_wan_and_one_dash_for_none():
    assert i18n.wan(204_000, signed=True) == "+20.4万"
    assert i18n.wan(-1_250_000) == "-125万"
    assert i18n.wan(12_345) == "1.23万"
    assert report._fmt(204_000.0, "spending_total_yuan", lang="zh") == "+20.4万"
    assert report._fmt(204_000.0, "spending_total_yuan", lang="en") == "+204,000"
    assert report._fmt(5_000.0, "spending_total_yuan", signed=False, lang="zh") == "5,000"
    assert report._fmt(float("nan"), "spending_total_yuan") == "\u2014"
    # one unit for a cell: an estimate under 10万 beside bounds over it
    places = report._in_wan("spending_total_yuan", (2_700.0, -214_000.0, 159_000.0), "zh")
    assert report._fmt(2_700.0, "spending_total_yuan", lang="zh", wan=places) == "+0.3万"
    assert report._in_wan("spending_total_yuan", (2_700.0,), "zh") is None
    # amounts under 10万 are plain yuan: "16,270" and "-328", not "-0.033万" (a review)
    assert report._in_wan("spending_total_yuan", (-328.0, -426.0, 20_576.0), "zh") is None
    # small amounts in a column in 万 keep their size and sign (-266 was "-0.03万", -38
    # "0.00万")
    for value, bounds, shown in [
        (-266.0, (-904.0, 128.0), "\u22120.027万"),
        (-38.0, (-60.0, 5.0), "\u22120.0038万"),
        (45.0, (10.0, 80.0), "+0.0045万"),
        (-38.0, (-1_200.0, 1_100.0), "\u22120.0038万"),  # (bounds wide: not "0.00万")
    ]:
        places = report._cell_wan(True, (value, *bounds))
        assert report._fmt(value, "spending_total_yuan", lang="zh", wan=places) == shown


def test_the_summary_writes_costs_with_signed_bounds_and_a_column_in_one_decimals():
    sweep = report.read(cell_sweep())
    e = sweep.effects.copy()
    cost = e["metric"] == analysis.COST_METRIC
    e.loc[cost, ["effect", "ci_low", "ci_high"]] = [-173.2, -590.4, 179.1]
    rate = (e["metric"] == "unemployment_rate") & (e["scenario"] == "quick")
    e.loc[rate & (e["policy"] == "package"), ["effect", "ci_low", "ci_high"]] = [
        -0.0037,
        -0.005,
        -0.002,
    ]
    e.loc[rate & (e["policy"] != "package"), ["effect", "ci_low", "ci_high"]] = [
        -0.000145,
        -0.0002,
        -0.0001,
    ]
    page = report._summary(dataclasses.replace(sweep, effects=e), "en")
    assert "\u2212173<br><small>[\u2212590, +179]</small>" in page
    table = page.split("Change in unemployment rate, whole city")[1].split("</table>")[0]
    shown = re.findall(
        r"<td class='num[^']*'>(?:<strong>)?([+\u2212][\d.]+)(?:</strong>)?<br>", table
    )
    quick = shown[::2]  # (the quick scenario's column: the first of two)
    assert len({len(v.split(".")[1]) for v in quick}) == 1, quick
    # On a Chinese page a column of yuan is in 万 in every cell or in none: not
    # "+4,357" under "-0.20万" under "+12.6万"
    spend = (e["metric"] == "spending_total_yuan") & (e["scenario"] == "quick")
    values = [[1_260_000.0, 1_170_000.0, 1_350_000.0], [4_357.0, 993.0, 7_720.0]]
    values += [[-2_033.0, -14_400.0, 10_300.0]] * (int(spend.sum()) - 2)
    e.loc[spend, ["effect", "ci_low", "ci_high"]] = values[: int(spend.sum())]
    zh = report._summary(dataclasses.replace(sweep, effects=e), "zh")
    table = zh.split("公共支出")[1].split("</table>")[0]
    cells = re.findall(
        r"<td class='num[^']*'>(?:<strong>)?([^<]+)(?:</strong>)?<br><small>\[([^\]]+)\]", table
    )
    quick = cells[::2]
    assert len(quick) == int(spend.sum()) >= 2, cells
    assert all("万" in est and bounds.count("万") == 2 for est, bounds in quick), quick
    # ... each cell with the decimals its size needs: not "0万" beside "+126万"
    assert ("+0.436万", "+0.099万, +0.772万") in quick and ("+126万", "+117万, +135万") in quick


def test_one_cell_of_a_near_zero_interval_does_not_give_its_column_six_decimals():
    """A column's decimals were the most any of its cells needed: one near-zero
    interval gave a whole column six ("+0.662307 [+0.586684, +0.737930]": an outside
    review). A column takes at most two beyond the usual; the cell that needs more
    shows its own."""
    sweep = report.read(cell_sweep())
    e = sweep.effects.copy()
    rate = (e["metric"] == "unemployment_rate") & (e["scenario"] == "quick")
    values = [[-0.0066, -0.0074, -0.0059]] * int(rate.sum())
    values[0] = [1.2e-7, 1.0e-7, 1.4e-7]  # (pp: 0.0000120 [0.0000100, 0.0000140])
    e.loc[rate, ["effect", "ci_low", "ci_high"]] = values
    page = report._summary(dataclasses.replace(sweep, effects=e), "en")
    table = page.split("Change in unemployment rate, whole city")[1].split("</table>")[0]
    shown = re.findall(r"<td class='num[^']*'>(?:<strong>)?([+\u2212][\d.]+)", table)[::2]
    places = [len(v.split(".")[1]) for v in shown]
    assert places[0] > 4 and set(places[1:]) == {2 + report.COLUMN_MOST_EXTRA}, shown


def test_bold_cells_are_the_effects_whose_interval_excludes_zero_and_never_the_cost():
    """The summary's legend said "Bold: the interval excludes zero", and a cost per
    worker of 26,325 [+13,325, +520,989] stood plain beside it (an outside review):
    a cost is a ratio with no direction, never bold, and now the legend says so."""
    sweep = report.read(cell_sweep())
    e = sweep.effects.copy()
    cost = e["metric"] == analysis.COST_METRIC
    e.loc[cost, ["effect", "ci_low", "ci_high"]] = [5000.0, 4000.0, 6000.0]
    rate = e["metric"] == "unemployment_rate"
    e.loc[rate, ["effect", "ci_low", "ci_high"]] = [-0.004, -0.006, -0.002]
    skills = e["metric"] == "skill_gap_mean"
    e.loc[skills, ["effect", "ci_low", "ci_high"]] = [-0.001, -0.003, 0.001]
    headings = {  # (the tables' headings: cost, a clear effect, an unclear one)
        "en": ("Public cost per additional", "Change in unemployment rate,", "in skill gap"),
        "zh": ("的公共成本", "全市失业率", "在职者技能差距"),
    }
    for lang, never in (("en", "never bold"), ("zh", "不加粗")):
        page = report._summary(dataclasses.replace(sweep, effects=e), lang)
        assert never in page
        for heading, bold in zip(headings[lang], (False, True, False), strict=True):
            (table,) = [h for h in page.split("<h3>")[1:] if heading in h.split("</h3>")[0]]
            body = table.split("</table>")[0]
            classes = re.findall(r"<td class='(num[^']*)'>", body)
            assert classes and set(classes) == {"num clear" if bold else "num"}, (heading, classes)
            # (and in strong type, which a screen reader says, not only bold by its class;
            # the header cells with their scope)
            assert body.count("<strong>") == (len(classes) if bold else 0)
            assert "<th scope='col'>" in body and "<th scope='row'>" in body
            assert "<th>" not in body


def test_a_city_of_ones_own_is_described_setting_by_setting_and_said_to_be_unfitted(tmp_path):
    """A run report showed a scenario's drivers only: a city of five regions, a sector
    of its own, a firm's judging error set, and the page said "No drivers beyond current
    trends" (an outside review). Each scenario's other settings are listed against the
    shipped city's now, its regions and sectors by name and setting, with a note that
    such a city is not fitted; the shipped scenarios (the robustness fit included) get
    no note, and a description of one's own is not replaced by a shipped translation."""
    from simulation.loading import load_scenario
    from simulation.run_report import _AsSweep

    shipped = load_scenario("baseline").model_dump(mode="json")
    mine = copy.deepcopy(shipped)
    mine.update(name="baseline", description="my own city under the shipped name")
    mine["behaviour"]["labour_market"]["screening_noise"] = 0.07
    region = {**mine["world"]["regions"][-1], "name": "mountain_county", "population_share": 0.1}
    mine["world"]["regions"].append(region)
    mine["world"]["regions"][0]["wage_level_yuan_per_month"] = 6200.0

    def page(dumped, lang, swept=()):
        sweep = _AsSweep({"scenario": dumped})
        sweep.experiment = {"parameters": [{"path": f"scenario.{p}"} for p in swept]}
        text = report._scenarios_html(sweep, lang)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())

    en, zh = page(mine, "en"), page(mine, "zh")
    names = ", ".join(r["name"] for r in mine["world"]["regions"])
    for line in (
        "behaviour.labour_market.screening_noise 0.07 standard deviation of a firm",
        f"world.regions {names} the city's regions, in order",
        "world.regions[mountain_county].urban no urban core or county town",
        "world.regions[mountain_county].population_share 10%",
        f"world.regions[{mine['world']['regions'][0]['name']}].wage_level_yuan_per_month 6,200",
        "is not the fitted one, so its levels",
    ):
        assert line in en, line
    first = mine["world"]["regions"][0]["name"]
    assert f"world.regions[{first}].min_wage_yuan_per_month" not in en  # (as shipped)
    assert "world.regions[county_town]" not in en
    assert "my own city under the shipped name" in zh and "未经校准" in zh
    assert "平均企业中技能完全匹配者的月工资（元）" in zh  # (the region's settings' meaning)
    assert i18n.DESCRIPTIONS_ZH["baseline"] not in zh
    quick = {**shipped, "name": "quick", "burn_in_months": 2}  # (the same city, run in less)
    assert "burn_in_months 2" in page(quick, "en") and "not the fitted one" not in page(quick, "en")
    # a design over the fitted city's behaviour (hiring_assumptions): said too (a review)
    noise = "behaviour.labour_market.screening_noise"
    swept = page(shipped, "en", swept=[noise])
    assert f"{noise} swept (below)" in swept and "fitted at one value of each at most" in swept
    assert "not the fitted one" not in swept
    for name in ("baseline", "baseline_alternative_fit", "green_transition_orderly"):
        text = page(load_scenario(name).model_dump(mode="json"), "en")
        assert "not the fitted one" not in text, name
        assert ("differ from the shipped city" in text) == (name == "baseline_alternative_fit")


def test_every_setting_of_a_policy_or_a_scenario_has_a_chinese_meaning():
    """A Chinese page explained the robustness scenario's settings in English (its
    fields had no Chinese meaning: an outside review): every setting of a policy
    and of a scenario has one, and every meaning is of a setting."""
    from simulation.config import PolicyConfig
    from simulation.loading import load_scenario

    policy = report._leaves(PolicyConfig(name="p").model_dump(mode="json"))
    scenario = report._setting_leaves(load_scenario("baseline").model_dump(mode="json"))
    # (a region's and a sector's settings by item, "world.regions[x].urban": their
    # meaning is the field's; not the shocks' table, which a page shows otherwise)
    tables = ("name", "description", "drivers.shocks")
    settings = {report._ITEM.sub("", k) for k in [*policy, *scenario]} - set(tables)
    assert set(i18n.FIELDS_ZH) == settings
    assert (
        i18n.field_meaning("scenario.world.initial_vacancy_rate", "zh")
        == (i18n.FIELDS_ZH["world.initial_vacancy_rate"])
    )
    assert i18n.field_meaning("policy.subsidy.yuan_per_year", "en") is None
    paths = ["scenario.behaviour.labour_market.screening_noise"]
    assert i18n.parameter_name("noise", paths, "zh") == "企业评估误差"
    # a setting without a short name: its meaning without asides, to its first comma
    assert i18n.short_meaning("scenario.behaviour.population.entrant_core_skill") == (
        "离校生核心技能的平均水平（0-1）"
    )
    assert i18n.short_meaning("behaviour.labour_market.youth_reservation") == "青年保留工资"
    assert i18n.short_meaning("scenario.behaviour.labour_market.reservation_decline") == (
        "保留工资月降幅"
    )
    assert i18n.short_meaning("behaviour.providers.quality_sd") == "职业院校质量的标准差"
    assert i18n.parameter_name("noise", paths, "en") == "noise"


def test_settings_in_chinese_lead_with_their_meaning_and_show_shares_in_per_cent():
    from simulation.config import PolicyConfig

    zh = report._settings_table(
        PolicyConfig, {"core_skills.curriculum_share": 0.25, "subsidy.yuan_per_year": 5000.0}, "zh"
    )
    assert zh.startswith("<table><thead><tr><th>参数</th><th>数值</th></tr>")
    assert (
        "<td>课程中核心技能课时比例<br><small class='id'>core_skills.curriculum_share</small></td>"
        "<td class='num'>25%</td>"
    ) in zh
    en = report._settings_table(PolicyConfig, {"core_skills.curriculum_share": 0.25}, "en")
    assert "<code>core_skills.curriculum_share</code></td><td class='num'>25%</td>" in en


def test_manifest_words():
    assert report.time_words("2026-12-06T16:13:59+0800") == "2026-12-06 08:13 UTC"
    assert report.time_words("not a time") == "not a time"
    assert report.status_words("complete", "zh") == "已完成"
    assert report.status_words("stopped: disk full", "zh") == "已停止：disk full"
    assert report.status_words("complete", "en") == "complete"
    assert report.counts_words(135, 0, 0, "zh") == "已完成135，失败0，待运行0"
    assert report.counts_words(135, 0, 0, "en") == "done 135, failed 0, pending 0"


def test_workers_in_employment_are_the_employed_and_the_apprentices():
    """``jobs_effects`` (the cost figure's axis) pairs employed + apprentices, run by
    run: checked against the effect of that sum computed by hand (an outside review's
    mutant that dropped the apprentices passed every test)."""
    results = analysis.load(cell_sweep())
    rows = report.jobs_effects(results)
    runs = analysis.summarise(results, "mean")
    runs = runs.assign(total=runs["employed"] + runs["apprentices"])
    base = runs[runs["policy"] == "none"].set_index(["scenario", "seed"])["total"]
    assert (runs.groupby("policy")["apprentices"].mean().diff().abs() > 0).any()
    for r in rows.itertuples():
        mine = runs[(runs["policy"] == r.policy) & (runs["scenario"] == r.scenario)]
        diff = mine.set_index(["scenario", "seed"])["total"] - base
        assert r.effect == pytest.approx(diff.mean(), rel=1e-9, abs=1e-9), r
    # over a window of months, as analysis.effects takes it
    window = report.jobs_effects(results, months=(2, 3))
    cut = report.jobs_effects(results[results["month"].between(2, 3)])
    pd.testing.assert_frame_equal(window, cut, check_like=True)
    assert window.attrs["skillsim"]["months"] == [2, 3]


def test_the_methods_say_how_much_narrower_the_paired_intervals_are():
    """The methods' ratio is unpaired over paired widths (about 3 times narrower, not
    0.3: an outside review's mutant passed every test)."""
    e = pd.DataFrame(
        {
            "ci_low": [-1.0, -2.0, 0.0],
            "ci_high": [1.0, 2.0, 0.0],  # (a zero width: left out)
            "unpaired_ci_low": [-3.0, -8.0, -1.0],
            "unpaired_ci_high": [3.0, 8.0, 1.0],
        }
    )
    assert report._pairing_gain(e) == pytest.approx(3.5)  # the median of 3 and 4


def test_the_completion_rate_is_summarised_past_the_longest_contract(tmp_path, capsys):
    """In a policy's first contract length its new contracts can end early but none can
    complete yet: the subsidy's -3.6 points over months 1-120 of the default sweep came
    from that alone, and +1.4 [+0.1, +2.7] over months 19-120 (an outside review). The
    summary gives the completion rate past the longest contract, says so in its heading
    and under the table; the other measures stay over months 1..M."""
    from sweeps import small, write_experiment

    from simulation.experiment import load_experiment, make_plan, run_sweep

    path = write_experiment(tmp_path / "exp", small(months=21))
    out = tmp_path / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    sweep = report.read(out)
    assert sweep.completion == (19, 21)
    results = analysis.load(out)
    later = analysis.effects(
        results, "none", metric_names=report.COMPLETION, months=(19, 21)
    ).set_index("policy")
    mine = sweep.effects[sweep.effects["metric"] == report.COMPLETION].set_index("policy")
    for column in ("effect", "ci_low", "ci_high", "n"):
        assert mine[column].to_numpy() == pytest.approx(
            later.loc[mine.index, column].to_numpy(), nan_ok=True
        ), column
    # `skillsim effects` (and so `make run`'s table) gives the report's numbers, said
    # (it gave -3.6 where the report gave +1.4: an outside review); --months sets one
    # window for every measure
    # (SWEEP/runs, which load reads as the sweep, too: it took all months, a review)
    for folder, argv, window in (
        (out, [], (19, 21)),
        (out / "runs", [], (19, 21)),
        (out, ["--months", "1-21"], (1, 21)),
    ):
        csv = tmp_path / f"effects-{folder.name}-{window[0]}.csv"
        assert cli.main(["effects", str(folder), "--csv", str(csv), *argv]) == 0
        said = " ".join(capsys.readouterr().out.split())
        assert ("note: apprenticeship_completion_rate is the mean of months 19-21" in said) == (
            window[0] == 19
        )
        table = pd.read_csv(csv)
        rate = table[table["metric"] == report.COMPLETION].set_index("policy")
        assert set(rate["summarised_months"]) == {f"mean of months {window[0]}-21"}
        assert set(table.loc[table["metric"] != report.COMPLETION, "summarised_months"]) == {
            "mean of months 1-21"
        }
        expected = analysis.effects(results, "none", metric_names=report.COMPLETION, months=window)
        expected = expected.set_index("policy").loc[rate.index]
        for column in ("effect", "ci_low", "ci_high", "n"):
            assert rate[column].to_numpy() == pytest.approx(
                expected[column].to_numpy(), nan_ok=True
            ), (argv, column)
        assert list(table["metric"].iloc[: len(set(table["metric"]))]) == list(
            dict.fromkeys(table["metric"])
        )  # (its rows where they were: by policy, each policy's measures in order)
    whole = analysis.effects(results, "none", metric_names="unemployment_rate")
    rate = sweep.effects[sweep.effects["metric"] == "unemployment_rate"]
    assert rate["effect"].to_numpy() == pytest.approx(whole["effect"].to_numpy())
    for lang, head, note, scale in (
        ("en", "completion rate (percentage points), months 19 to 21", "months 19 onwards",
         "of a model city of 300 workers"),
        ("zh", "（第19至21个月）", "第19个月起", "对应300名劳动者的模拟城市"),
    ):  # fmt: skip
        page = html.unescape(report._summary(sweep, lang))
        assert head in page and note in page, lang
        assert scale in page, lang  # (counts of a model city: said beside the tables)
    # the longest contract of the sweep's policies, or of its design
    manifest = {"policies": {"a": {"terms": {"duration_months": 24}}, "b": {}}}
    assert report.completion_months(manifest, 120) == (25, 120)
    assert report.completion_months(manifest, 24) is None
    design = {
        "experiment": {"parameters": [{"path": "policy.terms.duration_months", "high": 30.2}]}
    }
    assert report.completion_months(design, 120) == (32, 120)


def test_a_negative_cost_is_said_to_be_a_saving_and_where():
    """The subsidy's cost per additional worker, -328 yuan, read as a sign error: it is
    a saving (fewer publicly funded TVET students, 346,000 yuan a month less, than the
    subsidy costs). Under the cost table, a negative cost says so, and which programme's
    spending fell most; a positive one says nothing of it."""
    sweep = report.read(cell_sweep())
    e = sweep.effects.copy()
    cost = e["metric"] == analysis.COST_METRIC
    e.loc[cost, ["effect", "ci_low", "ci_high"]] = [5000.0, 4000.0, 6000.0]
    plain = report._summary(dataclasses.replace(sweep, effects=e), "en")
    assert "A negative cost" not in plain
    first = e[cost].iloc[0]
    here = (e["policy"] == first["policy"]) & (e["scenario"] == first["scenario"])
    e.loc[cost & here, ["effect", "ci_low", "ci_high"]] = [-328.0, -426.0, -239.0]
    parts = here & e["metric"].isin(report.SPENDING_PARTS)
    e.loc[parts, "effect"] = 10.0
    e.loc[here & (e["metric"] == "spending_seats_yuan"), "effect"] = -345_668.0
    # (a saving of seats only where the budget shrinks with them: a presenter could say
    # "the subsidy pays for itself", a review)
    for lang, words, seats in (
        ("en", "A negative cost is a saving, not a sign error", "only while it is filled"),
        ("zh", "成本为负表示节省，并非符号错误", "仅为有人使用的培训学位付费"),
    ):
        page = html.unescape(report._summary(dataclasses.replace(sweep, effects=e), lang))
        assert words in page and "345,668" in page and seats in page, lang
    assert "spending on training seats fell by 345,668 yuan" in html.unescape(
        report._summary(dataclasses.replace(sweep, effects=e), "en")
    )
    e.loc[parts, "effect"] = 10.0  # (another programme's spending fell most: not said)
    e.loc[here & (e["metric"] == "spending_vouchers_yuan"), "effect"] = -345_668.0
    page = html.unescape(report._summary(dataclasses.replace(sweep, effects=e), "en"))
    assert "A negative cost" in page and "only while it is filled" not in page


def test_each_summary_table_opens_with_the_baselines_level():
    """A forum could not tell "+36.75 starts" of about 5 a month, or "-0.93 points" of
    11% (an outside review): each effects table opens with the baseline's level in each
    scenario, in the metric's own unit (a share in per cent); the cost, a ratio, has
    none."""
    sweep = report.read(cell_sweep())
    for lang, words in (("en", "level under no new policy (status quo)"), ("zh", "下的水平")):
        page = html.unescape(report._summary(sweep, lang))
        table = page.split("<h3>")[1:]
        rate = next(t for t in table if ("unemployment rate, whole city" in t or "全市失业率" in t))
        first = rate.split("<tbody>")[1].split("</tr>")[0]
        assert words in first, first
        e = sweep.effects
        for s in sweep.scenario_order:
            level = e[(e["metric"] == "unemployment_rate") & (e["scenario"] == s)]
            assert f"{100 * level['baseline_mean'].iloc[0]:.1f}%" in first, (lang, s)
        cost = next(t for t in table if "cost per additional" in t or "的公共成本" in t)
        assert words not in cost.split("</table>")[0]


def test_a_design_sweeps_summary_gives_the_baselines_level_at_each_point(tmp_path):
    """A design moves the levels too (hiring_assumptions' points differ by half a point
    of unemployment): its summary tables had no level row at all (an outside review).
    They open with the baseline's level at each design point, named by its values."""
    from sweeps import small, write_experiment

    from simulation.experiment import load_experiment, make_plan, run_sweep

    lever = (
        '[design]\nkind = "grid"\nlevels = 2\n[[parameters]]\nname = "noise"\n'
        'path = "scenario.behaviour.labour_market.screening_noise"\nlow = 0.0\nhigh = 0.1\n'
    )
    path = write_experiment(tmp_path / "exp", small(months=4, extra=lever))
    out = tmp_path / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    sweep = report.read(out)
    e = sweep.effects
    page = html.unescape(report._summary(sweep, "en"))
    rate = next(t for t in page.split("<h3>")[1:] if "unemployment rate, whole city" in t)
    body = rate.split("<tbody>")[1].split("</tbody>")[0]
    levels = [r for r in body.split("</tr>") if "<tr class='level'>" in r]
    assert len(levels) == 2 and body.startswith("<tr class='level'>")  # (first, by value)
    for k, (row, value) in enumerate(zip(levels, ("0", "0.1"), strict=True)):
        assert "level under no new policy (status quo), " in row and f"= {value}</th>" in row
        level = e[(e["metric"] == "unemployment_rate") & (e["point"] == k)]["baseline_mean"]
        assert f"{100 * level.iloc[0]:.1f}%" in row, (k, row)


def test_the_paths_say_the_status_quos_own_path_is_not_flat(tmp_path):
    """Over years the status quo's own lines rise and fall (the model settling: docs/
    ODD.md 10.2, and the scenario's demand), and a forum read the baseline's hump as what
    current trends do (an outside review): the paths' captions say so, naming the
    baseline policy, where the runs span three years and the baseline ran, in both
    languages; not for a short sweep."""
    from sweeps import small, write_experiment

    from simulation.experiment import load_experiment, make_plan, run_sweep

    path = write_experiment(tmp_path / "exp", small(months=36, replications=1))
    out = tmp_path / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    sweep = report.read(out)
    for lang, said in (
        ("en", "under no new policy (status quo) are not flat over the years, and not a forecast"),
        ("zh", "无新政策（现状）下的各条线并非逐年平稳"),
    ):
        paths = [s for s in report.figures(sweep, "paper", lang) if s.name.startswith("paths_")]
        # (under the first only: a review read it four times over)
        assert len(paths) > 1 and said in paths[0].caption, lang
        assert not any(said in s.caption for s in paths[1:]), lang
    short = report.figures(report.read(cell_sweep()), "paper", "en")
    assert not any("model settling" in s.caption for s in short if s.name.startswith("paths_"))


def test_a_files_description_over_settings_that_differ_says_the_table_is_what_ran():
    """A run of a design sweep carries its policy file's description ("5,000 yuan", all
    five standards) over its point's settings (5,921 yuan, one standard): its report
    read both (an outside review). The description says it is the file's where the
    settings differ, for a combination of shipped policies too; not where they are the
    file's."""
    name = "apprenticeship_subsidy+quality_apprenticeship"
    shipped = report._shipped_config("policy", name)
    assert shipped is not None and "5,000 yuan" in shipped["description"]
    point = copy.deepcopy(shipped)
    point["subsidy"]["yuan_per_year"] = 5920.9
    for lang, said in (("en", "The file's description"), ("zh", "以上为文件中的说明")):
        assert said in report._description(name, point, lang, "policy"), lang
        assert said not in report._description(name, shipped, lang, "policy"), lang
    own = {**point, "description": "my own subsidy"}  # (a description of one's own)
    assert report._description(name, own, "en", "policy") == "my own subsidy"
    # a run written before a field was added (or after one was dropped) ran the file's
    # settings: not said (only the settings both hold are compared)
    older = copy.deepcopy(shipped)
    del older["subsidy"]["yuan_per_year"]
    older["subsidy"]["a_field_since_dropped"] = 1
    assert "The file's description" not in report._description(name, older, "en", "policy")
    del point["subsidy"]["clawback_share"]  # (older, and of other settings: still said)
    assert "The file's description" in report._description(name, point, "en", "policy")


def test_levers_and_scenarios_the_model_cannot_answer_for_are_marked_in_the_tables():
    """The method notes, at the page's end, said four levers' and two scenarios'
    effects are the model's mechanics, not evidence, while the summary at its top showed
    them as findings (green curricula's +0.34 points of youth unemployment, bold: a
    review). Their names carry ‡ in every table, and the summary says what it means,
    in both languages; a sweep of none of them says nothing of it."""
    head = report._table_head("h", ["baseline", "combined"], "en")
    assert head.count("‡") == 1 and "rural revitalization ‡</th>" in head
    assert "‡" in report._row_head("green_curricula", 0, {}, "en")
    assert "‡" not in report._row_head("apprenticeship_subsidy", 0, {}, "en")
    for lang, words in (("en", "the model's mechanics, not evidence"), ("zh", "而非实证证据")):
        note = html.unescape("".join(report._mechanics_note(["baseline"], ["core_skills"], lang)))
        assert note.startswith("<p class='note'>‡") and words in note, lang
    assert report._mechanics_note(["baseline"], ["none", "package"], "en") == []
    page = report._summary(report.read(cell_sweep()), "en")
    assert "‡" not in page


def test_the_effects_are_split_into_the_first_years_and_the_later_ones(tmp_path):
    """A mean over ten years hid that an effect fades: the package's -1.1 points of
    youth unemployment in years 1-3 were -0.1, not clear of zero, after (a review).
    Runs of six years or more get a section of the effects over months 1-36 and after,
    each window with the baseline's level in it, the same numbers as ``effects`` over
    those months; the summary points to it. Shorter runs get none."""
    from sweeps import small, write_experiment

    from simulation.experiment import load_experiment, make_plan, run_sweep

    path = write_experiment(tmp_path / "exp", small(months=2 * report.EARLY_MONTHS))
    out = tmp_path / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    sweep = report.read(out)
    assert sweep.over_time is not None
    # (the baseline named: concat dropped the attrs the level rows read it from)
    assert sweep.over_time.attrs["skillsim"]["baseline_policy"] == "none"
    results = analysis.load(out)
    for k, window in enumerate(((1, 36), (37, 72))):
        want = analysis.effects(
            results, "none", metric_names=list(report.OVER_TIME_METRICS), months=window
        )
        got = sweep.over_time[sweep.over_time["point"] == k]
        for column in ("effect", "ci_low", "ci_high", "baseline_mean"):
            assert got[column].to_numpy() == pytest.approx(want[column].to_numpy(), nan_ok=True), (
                window,
                column,
            )
    for lang, words in (
        ("en", ("months 1-36", "months 37-72")),
        ("zh", ("第1-36个月", "第37-72个月")),
    ):
        page = html.unescape(report._over_time(sweep, lang))
        assert all(w in page for w in words) and page.count("<table>") == len(
            report.OVER_TIME_METRICS
        ), lang
        assert "href='#over_time'" in report._summary(sweep, lang)
    short = report.read(cell_sweep())
    assert short.over_time is None and "#over_time" not in report._summary(short, "en")
