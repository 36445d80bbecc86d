"""The live dashboard: a Mesa SolaraViz-style page of ``SkillsModel``, served offline on
localhost, in English or Chinese.

    skillsim dashboard                          # http://127.0.0.1:8765
    skillsim dashboard --port 9000 --lang zh --workers 50000

A presenter picks a scenario, sets the policy levers with sliders, presses Reset (in
Chinese: 重置) to start the city under them, then Step (单步) or play (▶ 播放); the
charts follow month by month: unemployment and youth unemployment, skill mismatch,
apprenticeships, green employment, and views by region (unemployment by region, the
skill gap by sector and region). Changing a lever takes effect at the next Reset
(Mesa's rule: a model is built from its parameters), which starts the city again from
month 0 under the new levers, with the same seed, so two settings meet the same luck.
Behind the run's lines the charts keep the status quo's whole path (``status_quo_path``:
the scenario with no lever moved, same seed), faint, so what a lever changed is the gap
between the two; the charts are drawn month by month over a background kept for the
run (``LiveLines``, ``LiveBars``, ``LiveMap``), about 0.1 s a month for all of them.

Every word on the page is in the language asked for, the buttons and card titles too:
Mesa's ``SolaraViz`` writes those in English only, so ``Page`` rebuilds its frame
(``Controller``, ``Charts``; see "page frame" below) around Mesa's ``ModelCreator``.

``DashboardModel`` wraps ``SkillsModel``: its keyword arguments are the levers, turned
into a policy (``lever_policy``) whose public costs are those of the ``package``
policy file, charged only for the levers moved from the status quo.

Offline: Solara's page loads its JavaScript and CSS from ``/_solara/cdn/``, which the
server answers from ``sys.prefix/share/solara/cdn``; ``install_assets()`` (``python -m
simulation.dashboard --install-assets``, run by ``make dashboard-assets`` and ``make
test``) fills that folder from the npm registry, at the versions this Solara asks for.
"""

from __future__ import annotations

import base64
import functools
import html
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import traceback
import warnings
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
import solara
import solara.lab

from simulation import i18n, loading
from simulation.config_errors import ConfigError
from simulation.model import SkillsModel

# Solara checks the rules of hooks of every component it renders and warns (nine lines
# on the server's console) about one in Mesa's SolaraViz (`ComponentsView` in
# mesa/visualization/solara_viz.py, Mesa 3.3.1 at least), which this page renders:
# Mesa's to fix, nothing a presenter can act on. Only warnings that name a file of
# mesa/visualization are silenced; a hook problem in this module is still said.
_MESA_VIZ = Path(find_spec("mesa").submodule_search_locations[0]) / "visualization"
warnings.filterwarnings("ignore", message=re.escape(str(_MESA_VIZ)), category=UserWarning)

ENV = "SKILLSIM_DASHBOARD_"  # the settings `skillsim dashboard` hands to the server
DEFAULT_PORT = 8765


def setting(name: str, default: str) -> str:
    return os.environ.get(ENV + name.upper(), default)


# ----------------------------------------------------------------- levers

# name: (English, Chinese, min, max, step, status quo). Shares of courses and the extra
# rural seats in percent, as a presenter says them (0.15 "of courses" and an extra
# "share" of 1.5 read as fractions nobody says; the policy files hold the fractions).
LEVERS: dict[str, tuple[str, str, float, float, float, float]] = {
    "subsidy_yuan_per_year": (
        "Subsidy, yuan per apprentice-year",
        "企业新型学徒制培训补贴（元/人/年）",
        0,
        15_000,
        500,
        0,
    ),
    "quality_standards": (
        "Quality standards, of 5 (R208)",
        "高质量学徒制标准（共5项，第208号建议书）",
        0,
        5,
        1,
        0,
    ),
    "anticipation_lag_months": (
        "Skills signal delay, months",
        "技能需求信号滞后（月）",
        0,
        12,
        1,
        12,
    ),
    "core_skills_percent": (
        "Core skills, % of course hours",
        "核心技能课时占比（%）",
        10,
        50,
        5,
        10,
    ),
    "green_curricula_percent": (
        "Green skills, % of course hours",
        "绿色技能课时占比（%）",
        0,
        50,
        5,
        0,
    ),
    "voucher_yuan_per_month": (
        "Voucher, yuan per training month",
        "职业培训券（元/人/培训月）",
        0,
        2_000,
        100,
        0,
    ),
    "rural_extra_seats_percent": (
        # (the package's rural access: its mobile training halves the travel cost to
        # training too, and the label says so: the seats' lever alone it was not)
        "Rural training access: seats, % more (travel cost halved)",
        "农村培训可及性：名额增加（%，交通成本减半）",
        0,
        150,
        10,
        0,
    ),
    "tvet_seat_multiplier": (
        "TVET seats, times today's",
        "职业院校招生名额（现有的倍数）",
        0.5,
        2.0,
        0.1,
        1.0,
    ),
}
QUALITY_FLAGS = (  # switched on in this order by the quality_standards lever
    "written_agreement",
    "structured_training",
    "assessment_certification",
    "pay_and_social_protection",
    "mentor_training",
)


def status_quo() -> dict[str, float]:
    return {name: spec[5] for name, spec in LEVERS.items()}


def lever_policy(levers: dict[str, float]):
    """A PolicyConfig named ``dashboard`` from lever values. Unit costs and the
    secondary settings of a lever (voucher targets, the forecast noise of the
    anticipation system...) come from the ``package`` policy, and apply only where the
    lever is moved from the status quo (the public cost of assessment and certification
    per completion only once that standard, the third, is in place)."""
    from simulation.config import PolicyConfig

    pkg = loading.load_policy("package").model_dump()
    none = PolicyConfig(name="dashboard").model_dump()
    v = {**status_quo(), **levers}
    out = {**none, "name": "dashboard", "description": "levers set on the dashboard"}
    if v["subsidy_yuan_per_year"] > 0:
        out["subsidy"] = {**pkg["subsidy"], "yuan_per_year": float(v["subsidy_yuan_per_year"])}
    k = int(v["quality_standards"])
    if k > 0:
        flags = {f: i < k for i, f in enumerate(QUALITY_FLAGS)}
        # (no public assessment to pay for without its standard: params.build)
        out["quality"] = {**pkg["quality"], **flags}
        # (The pay standard's minimum-wage floor is the status quo's already: the law.)
    lag = int(v["anticipation_lag_months"])
    if lag < LEVERS["anticipation_lag_months"][5]:
        out["anticipation"] = {**pkg["anticipation"], "lag_months": lag}
    if v["core_skills_percent"] > LEVERS["core_skills_percent"][5]:
        share = float(v["core_skills_percent"]) / 100
        out["core_skills"] = {**pkg["core_skills"], "curriculum_share": share}
    if v["green_curricula_percent"] > 0:
        share = float(v["green_curricula_percent"]) / 100
        out["green_curricula"] = {**pkg["green_curricula"], "green_share": share}
    if v["voucher_yuan_per_month"] > 0:
        out["vouchers"] = {**pkg["vouchers"], "yuan_per_month": float(v["voucher_yuan_per_month"])}
    if v["rural_extra_seats_percent"] > 0:
        extra = float(v["rural_extra_seats_percent"]) / 100
        out["rural_access"] = {**pkg["rural_access"], "extra_seat_share": extra}
    out["tvet_capacity"] = {"seat_multiplier": float(v["tvet_seat_multiplier"])}
    return PolicyConfig.model_validate(out)


def _scenario_key(scenario: str) -> str:
    """A scenario file name from its name or its label in either language; a scenario
    file given to ``skillsim dashboard --scenario`` from its path or its label."""
    for key in loading.available_scenarios():
        if scenario in (key, *i18n.NAMES["scenario"].get(key, ())):
            return key
    own = setting("scenario", "")
    # (by the file's part of its label: the scenario's own name in it may have been
    # edited since the menu was made, which made Reset look for "live (ren.toml)")
    if own.endswith(".toml") and (scenario == own or scenario.endswith(f"({Path(own).name})")):
        return own
    return scenario


def scenario_words(key: str, lang: str) -> str:
    """A scenario in words: a shipped one by its name in ``lang``; a scenario file by
    its own name and the file's ("late start (late.toml)"). A file that cannot be read
    now (edited into an error while the page is open) is named as it last read, or by
    the file's name: the status line and the menu read it every month, and its error
    replaced the whole page with a traceback (an outside review); Reset says the
    error."""
    if key.endswith(".toml"):
        try:
            name = _file_scenario(key, _stamp(key))
        except ConfigError:
            name = _LAST_NAME.get(key, Path(key).stem)
        return f"{i18n.name_of('scenario', name, lang)} ({Path(key).name})"
    return i18n.name_of("scenario", key, lang)


_LAST_NAME: dict[str, str] = {}  # a scenario file's name at its last good read


def _stamp(key: str) -> int:
    """A scenario file's modification time (0 for a shipped scenario, or a file gone):
    the caches below are keyed on it, so that a file edited while the page is open is
    read again (its status quo was the old file's, and "status quo" beside an unmoved
    run showed other spending)."""
    if not key.endswith(".toml"):
        return 0
    try:
        return Path(key).stat().st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=16)
def _file_scenario(path: str, stamp: int = 0) -> str:
    """The name of the scenario in the file ``path`` (read once per version, ``stamp``:
    the status line asks every month)."""
    name = loading.load_scenario(path).name
    _LAST_NAME[path] = name
    return name


@dataclass(frozen=True)
class StatusQuo:
    """The whole run of a scenario with every lever at the status quo: the charts' faint
    lines and marks, against which a moved lever shows, and their fixed scales."""

    metrics: pd.DataFrame  # metrics_frame(), months 0..M
    region: pd.DataFrame  # breakdown("region")
    gap_limits: tuple[float, float]  # the skill gap by sector and region: its range
    # over the cells of at least plots.THIN_CELL employed


@functools.lru_cache(maxsize=8)
def status_quo_path(
    scenario: str, workers: int, months: int, seed: int, stamp: int = 0
) -> StatusQuo:
    """``StatusQuo`` of ``scenario`` (a key): same seed, so the same luck as the run on
    the page (with the levers unmoved, the two paths are one). Computed once per
    scenario (and version of its file, ``stamp``), size and seed (a second or two at
    20,000 workers)."""
    run = loading.resolve_run(scenario, ("none",), workers, months, seed)
    model = SkillsModel(run=run.model_copy(update={"policy": lever_policy(status_quo())}))
    while model.running:
        model.step()
    # The colour scale spans the cells of enough workers: a thin cell's gap (hatched on
    # the map) swings widely, and let in it stretched the scale so that every other
    # cell had nearly one colour; beyond the scale a cell takes its end colour.
    from simulation.plots import THIN_CELL

    cells = model.breakdown("cell")
    kept = (cells["month"] >= 0) & (cells["employed"] >= THIN_CELL)
    gaps = cells.loc[kept, "skill_gap_mean"].to_numpy(float)
    gaps = gaps[np.isfinite(gaps)]
    limits = (float(gaps.min()), float(gaps.max())) if gaps.size else (0.0, 1.0)
    return StatusQuo(model.metrics_frame(), model.breakdown("region"), limits)


class DashboardModel(SkillsModel):
    """SkillsModel under the dashboard's levers (keyword arguments, see LEVERS), with
    its charts (``LiveLines``, kept for the run) and the status quo's path."""

    def __init__(
        self,
        scenario: str = "baseline",
        subsidy_yuan_per_year: float = 0,
        quality_standards: int = 0,
        anticipation_lag_months: int = 12,
        core_skills_percent: float = 10,
        green_curricula_percent: float = 0,
        voucher_yuan_per_month: float = 0,
        rural_extra_seats_percent: float = 0,
        tvet_seat_multiplier: float = 1.0,
        workers: int = 20_000,
        months: int = 120,
        seed: int = 0,
    ):
        levers = {k: v for k, v in locals().items() if k in LEVERS}
        key = _scenario_key(scenario)
        run = loading.resolve_run(key, ("none",), workers, months, seed)
        run = run.model_copy(update={"policy": lever_policy(levers)})
        super().__init__(run=run)
        self.scenario_key = key
        self.levers = levers
        self.status_quo = status_quo_path(key, workers, months, seed, _stamp(key))
        self.charts: dict[str, _Live] = {}  # made at their first drawing
        # whether its latest month came from play (the Controller sets it): the status's
        # live region is silent then, but at the run's end (``live_words``)
        self.playing = False


# A chart's size in inches (at 100 dpi): the page shows it in a cell about 400-600 px
# wide, so its text, drawn at the paper style's sizes, stays readable on a projector.
LIVE_SIZE = (4.8, 2.9)
FAINT = 0.75  # the status quo's lines behind the run's (LiveLines)
# The status quo's mark across a region's bar: vermillion, 3.8:1 on white and apart
# from the bars' black and blue (the orange before it was 2.2:1: an outside review).
MARK = "#D55E00"
CHART_ROWS = 8  # its cell's height in the page's grid rows (30 px and a 10 px margin each)
MAP_ROWS = 13  # the heat map's: nine sectors high


class _Live:
    """A chart of one run, kept while it runs and drawn again each month, fast enough
    to play: a new figure each month, laid out and trimmed, cost ~0.1-0.4 s a chart
    (mostly its text), so a 120-month run took minutes on the page. Here all that does
    not change month by month (axes, ticks, labels, legend, the status quo's path) is
    drawn once into a background image; a month copies it, draws the changing artists
    (``animated``) over it and encodes the PNG. The scales are fixed for the run (the
    status quo's range), widened only if the run leaves it, so nothing jumps."""

    def _start(self, lang: str, size=LIVE_SIZE):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=size, layout="constrained")
        FigureCanvasAgg(fig)
        self.fig, self.ax = fig, fig.subplots()
        self.lang = lang
        self.moving: list = []
        return self.ax

    def _top(self, reference: pd.DataFrame) -> None:
        """The y scale: from 0 to above the status quo's highest value of the metrics."""
        self.top = max(
            float(np.nanmax(reference[m] * i18n.scale(m), initial=0)) for m in self.metrics
        )
        self.ax.set_ylim(0, self.top * 1.15 if self.top > 0 else 1)

    def _close(self, handles: list, title: str) -> None:
        """The legend under the axes (in two columns, or one if two are wider than the
        chart: the English charts' long labels ran past both edges of the image, cut
        off, at every window size: an outside review), the title, and the layout
        fixed."""
        self.ax.set_title(title)
        for ncols in (2, 1):
            legend = self.fig.legend(
                handles=handles,
                loc="outside lower center",
                ncols=ncols,
                fontsize="small",
                frameon=False,
            )
            # (its width from its texts, before any layout: a draw with the wide legend
            # squeezed the axes to nothing, and matplotlib warned of it on the log)
            width = legend.get_window_extent(self.fig.canvas.get_renderer()).width
            if ncols == 1 or width <= self.fig.bbox.width:
                break
            legend.remove()
        self._fix()

    def _fix(self) -> None:
        """Lay out once and keep the background (called inside the theme)."""
        for artist in self.moving:
            artist.set_animated(True)
        self.fig.canvas.draw()
        self.fig.set_layout_engine("none")
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)

    def _widen(self, top: float) -> None:
        """The run above the top of the scale: a new top with room to spare (a scale
        that crept up with the run would change its ticks month after month), laid out
        again for the new tick labels, and the background drawn again, in the chart's theme
        (the tick locator makes room by the font sizes in force at a draw: outside the
        theme a widened scale got as many ticks as matplotlib's default sizes leave)."""
        from simulation import plots

        if top > self.ax.get_ylim()[1]:
            # Three times the value: a lever that moves a metric far from the status quo
            # moves it on for months. Apprenticeship starts under the largest subsidy
            # (20,000 workers, 120 months) rose from 67 in month 1 to 201: a top of 1.3
            # times the value jumped twice (17 -> 88 -> 221, months 1 and 7), as did
            # twice and 2.5 times; three times, once (to 204).
            self.ax.set_ylim(0, top * 3)
            with plots.theme("paper", self.lang):
                self.fig.set_layout_engine("constrained")
                self.fig.canvas.draw()
                self.fig.set_layout_engine("none")
                self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)

    def _said(self, metric: str, value: float) -> str:
        """A value as the alt text says it: a share in %, an index to three places, a
        count whole with its unit (where it is undefined, "no value": no one counted)."""
        if not np.isfinite(value):
            return _w("no_value", self.lang)
        if i18n.is_share(metric):
            return f"{100 * value:.1f}%"
        if i18n.catalogue_unit(metric).startswith("index"):
            return f"{value:.3f}"
        unit = i18n.unit(metric, self.lang)
        return f"{value:,.0f}{unit}" if self.lang == "zh" else f"{value:,.0f} {unit}".strip()

    def _alt(self, month: int, items: list[str]) -> str:
        """The chart in words (its image's alt text, what a screen reader says of it):
        its title, the month, and what it shows then."""
        return _w("alt", self.lang).format(
            title=self.title, month=month, items=_w("alt_join", self.lang).join(items)
        )

    def _png(self) -> bytes:
        import io

        from PIL import Image

        canvas = self.fig.canvas
        canvas.restore_region(self.background)
        for artist in self.moving:
            self.ax.draw_artist(artist)
        out = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(out, format="png", compress_level=1)
        return out.getvalue()


class LiveLines(_Live):
    """Metrics of the run month by month (thick, a dot at this month), the status quo's
    whole path faint behind them in the same colours: a moved lever shows as the gap
    between the two."""

    def __init__(self, metrics, title: str, months: int, lang: str, quo: StatusQuo):
        from matplotlib.lines import Line2D

        from simulation import plots

        self.metrics = list(metrics)
        self.title = title
        looks = plots.look(self.metrics)
        reference = quo.metrics
        self.reference = reference.set_index("month")
        with plots.theme("paper", lang):
            ax = self._start(lang)
            self.lines, self.dots = {}, {}
            for m in self.metrics:
                lk, y = looks[m], reference[m] * i18n.scale(m)
                # (faint, but not so faint that a projector loses it: at 0.35 the
                # blue line stood at 1.7:1 on white, under the 3:1 a graphic needs (an
                # outside review); at 0.75 the black is 7:1 and the blue 3.2:1, and the
                # run's line stays apart by its width and its dot)
                ax.plot(reference["month"], y, color=lk["color"], dashes=lk["dashes"], lw=1.3)
                ax.lines[-1].set_alpha(FAINT)
                (self.lines[m],) = ax.plot(
                    [],
                    [],
                    color=lk["color"],
                    dashes=lk["dashes"],
                    lw=2.2,
                    label=i18n.label(m, lang),
                )
                (self.dots[m],) = ax.plot([], [], "o", color=lk["color"], ms=5)  # this month
                self.dots[m].set_clip_on(False)  # (whole at the last month, the axis' end)
                # (and out of the layout: an unclipped empty line measures as a marker at
                # the figure's corner, and the layout squeezed the axes to a third of
                # the chart, a blank band above the legend)
                self.dots[m].set_in_layout(False)
            self.moving = [*self.lines.values(), *self.dots.values()]
            ax.set_xlim(0, months)
            self._top(reference)
            ax.set_xlabel(i18n.text("month", lang))
            ax.set_ylabel(plots._wrap(i18n.axis_label(self.metrics[0], lang), lang, 30))
            if len(self.metrics) > 1:
                ax.set_ylabel(i18n.unit(self.metrics[0], lang))
            faint = Line2D(
                [], [], color="black", lw=1.3, alpha=FAINT, label=_w("status_quo_line", lang)
            )
            self._close([*self.lines.values(), faint], title)

    def png(self, frame: pd.DataFrame) -> bytes:
        """The chart with the run's months so far (``model.metrics_frame()``); its words
        in ``alt``: each metric this month, and the status quo's."""
        top = self.top
        months = frame["month"].to_numpy()
        month = int(months[-1])
        items = []
        for m, line in self.lines.items():
            y = frame[m].to_numpy(float) * i18n.scale(m)
            line.set_data(months, y)
            self.dots[m].set_data(months[-1:], y[-1:])  # (month 0 too: a line needs two)
            top = max(top, float(np.nanmax(y, initial=0)))
            quo = self.reference[m].get(month, np.nan)
            now = float(frame[m].iloc[-1])
            items.append(
                _w("alt_item", self.lang).format(
                    what=i18n.label(m, self.lang),
                    value=self._said(m, now),
                    quo=self._said(m, float(quo)),
                )
            )
        self.alt = self._alt(month, items)
        self._widen(top)
        return self._png()


class LiveBars(_Live):
    """One month by region: a bar per metric, the status quo's value that month an
    orange mark across it."""

    def __init__(self, metrics, title: str, lang: str, quo: StatusQuo, said_as: str = ""):
        from matplotlib.lines import Line2D

        from simulation import plots

        self.metrics = list(metrics)
        self.title = said_as or title  # (the alt text's: "..., this month, month 3" read badly)
        self.quo = quo.region
        self.regions = list(dict.fromkeys(self.quo["region"]))
        looks = plots.look(self.metrics)
        hatches = ("", "//", "..", "xx")
        width = 0.8 / len(self.metrics)
        with plots.theme("paper", lang):
            ax = self._start(lang)
            self.bars, self.marks = {}, {}
            for i, m in enumerate(self.metrics):
                x = np.arange(len(self.regions)) + (i - (len(self.metrics) - 1) / 2) * width
                self.bars[m] = ax.bar(
                    x,
                    np.zeros(len(x)),
                    width=width * 0.95,
                    color=looks[m]["color"],
                    hatch=hatches[i % len(hatches)],
                    edgecolor="white",
                    label=i18n.region_label(m, lang),  # (a region's, not the whole city's)
                )
                self.marks[m] = [
                    ax.plot([c - width * 0.48, c + width * 0.48], [0, 0], color=MARK, lw=2.5)[0]
                    for c in x
                ]
            self.moving = [
                *(b for m in self.metrics for b in self.bars[m]),
                *(k for m in self.metrics for k in self.marks[m]),
            ]
            labels = [i18n.name_of("region", r, lang) for r in self.regions]
            ax.set_xticks(range(len(self.regions)), labels)
            ax.grid(axis="x", visible=False)
            ax.set_ylabel(i18n.unit(self.metrics[0], lang))
            self._top(self.quo)
            mark = Line2D([], [], color=MARK, lw=2.5, label=_w("status_quo_mark", lang))
            self._close([*(self.bars[m] for m in self.metrics), mark], title)

    def png(self, table: pd.DataFrame, month: int) -> bytes:
        """The chart at ``month`` of the run (``table``: its region breakdown); its words
        in ``alt``: each region's metrics, and the status quo's."""
        now = table[table["month"] == month].set_index("region")
        then = self.quo[self.quo["month"] == month].set_index("region")
        top = self.top
        said: dict[str, list[str]] = {r: [] for r in self.regions}
        for m in self.metrics:
            k = i18n.scale(m)
            for r, bar, mark in zip(self.regions, self.bars[m], self.marks[m], strict=True):
                value = float(now[m].get(r, np.nan)) * k
                bar.set_height(0.0 if not np.isfinite(value) else value)
                quo = float(then[m].get(r, np.nan)) * k if r in then.index else np.nan
                mark.set_ydata([quo, quo])
                top = max(top, value if np.isfinite(value) else 0.0)
                said[r].append(
                    _w("alt_item", self.lang).format(
                        what=i18n.region_label(m, self.lang),
                        value=self._said(m, value / k),
                        quo=self._said(m, quo / k),
                    )
                )
        items = [
            _w("alt_region", self.lang).format(
                region=i18n.name_of("region", r, self.lang),
                items=_w("alt_join_inner", self.lang).join(said[r]),
            )
            for r in self.regions
        ]
        self.alt = self._alt(month, items)
        self._widen(top)
        return self._png()


class LiveMap(_Live):
    """The skill gap by sector and region this month: a heat map whose colour scale is
    fixed for the run (the status quo's range over its months, so a colour means the
    same gap all along), each cell with its value."""

    def __init__(self, title: str, lang: str, world, quo: StatusQuo, said_as: str = ""):
        from matplotlib.patches import Rectangle

        from simulation import plots

        self.n = (world.n_sectors, world.n_regions)
        self.title = said_as or title  # (the alt text's)
        self.names = (
            [i18n.name_of("sector", x, lang) for x in world.sector_names],
            [i18n.name_of("region", x, lang) for x in world.region_names],
        )
        low, high = quo.gap_limits
        with plots.theme("paper", lang):
            height = max(LIVE_SIZE[1], 0.36 * world.n_sectors + 1.6)
            ax = self._start(lang, size=(LIVE_SIZE[0], height))
            self.image = ax.imshow(
                np.full(self.n, np.nan), cmap=plots.HEATMAP, vmin=low, vmax=high, aspect="auto"
            )
            self.cmap = self.image.cmap
            self.norm = self.image.norm
            self.fig.colorbar(self.image, ax=ax, label=i18n.axis_label("skill_gap_mean", lang))
            self.texts = [
                [
                    ax.text(j, i, "", ha="center", va="center", fontsize="small")
                    for j in range(self.n[1])
                ]
                for i in range(self.n[0])
            ]
            ax.set_xticks(
                range(self.n[1]), [i18n.name_of("region", r, lang) for r in world.region_names]
            )
            ax.set_yticks(
                range(self.n[0]), [i18n.name_of("sector", r, lang) for r in world.sector_names]
            )
            ax.tick_params(axis="x", rotation=30)
            for t in ax.get_xticklabels():
                t.set_ha("right")
            # thin cells (plots.THIN_CELL): hatched, numbers in brackets; the legend says so
            self.hatches = [
                [
                    ax.add_patch(
                        Rectangle((j - 0.5, i - 0.5), 1, 1, visible=False, **plots.THIN_MARK)
                    )
                    for j in range(self.n[1])
                ]
                for i in range(self.n[0])
            ]
            plots.thin_legend(self.fig, plots.THIN_CELL, "skill_gap_mean", lang, fontsize="small")
            ax.grid(False)
            ax.set_xlabel(i18n.text("region", lang))
            ax.set_ylabel(i18n.text("sector", lang))
            ax.set_title(title)
            self.moving = [
                self.image,
                *(h for row in self.hatches for h in row),
                *(t for row in self.texts for t in row),
            ]
            self._fix()

    def png(self, gap: pd.DataFrame, month: int = 0) -> bytes:
        """The map of month ``month``'s ``sector_region_gap(model)`` (sector-major rows);
        its words in ``alt`` (``_map_alt``)."""
        from simulation import plots
        from simulation.plots import THIN_CELL

        grid = gap["skill_gap_mean"].to_numpy(float).reshape(self.n)
        few = gap["employed"].to_numpy().reshape(self.n) < THIN_CELL
        self.alt = self._map_alt(grid, few, month)
        self.image.set_data(np.ma.masked_invalid(grid))
        for i in range(self.n[0]):
            for j in range(self.n[1]):
                v = grid[i, j]
                text = self.texts[i][j]
                self.hatches[i][j].set_visible(bool(few[i, j]) and np.isfinite(v))
                if not np.isfinite(v):
                    text.set_text("")
                    continue
                colour = self.cmap(self.norm(v))
                text.set_text(f"({v:.3f})" if few[i, j] else f"{v:.3f}")
                text.set_color(plots.ink(colour))
                self.hatches[i][j].set_edgecolor(plots.thin_hatch(colour))
        return self._png()

    def _map_alt(self, grid: np.ndarray, few: np.ndarray, month: int) -> str:
        """``LiveMap``'s alt text: the cells of enough workers with the widest and the
        narrowest gap (the one, if one), and how many cells are thin (hatched on the
        map) and blank (no one employed)."""
        ok = np.isfinite(grid) & ~few
        items = []
        masked = np.where(ok, grid, np.nan)
        cells = (
            [("alt_only", np.nanargmax(masked))]
            if ok.sum() == 1
            else [("alt_widest", np.nanargmax(masked)), ("alt_narrowest", np.nanargmin(masked))]
            if ok.any()
            else []
        )
        for key, at in cells:
            i, j = np.unravel_index(at, grid.shape)
            items.append(
                _w(key, self.lang).format(
                    value=f"{grid[i, j]:.3f}", sector=self.names[0][i], region=self.names[1][j]
                )
            )
        thin = int((np.isfinite(grid) & few).sum())
        if thin:
            items.append(_w("alt_thin", self.lang).format(n=self._cells(thin)))
        blank = int((~np.isfinite(grid)).sum())
        if blank:
            items.append(_w("alt_blank", self.lang).format(n=self._cells(blank)))
        return self._alt(month, items or [_w("no_value", self.lang)])

    def _cells(self, n: int) -> str:
        return f"{n}个单元格" if self.lang == "zh" else i18n.counted(n, "cell")


def sector_region_gap(model: SkillsModel) -> pd.DataFrame:
    """This month's mean skill gap of the employed by employer's sector and worker's
    region (as the catalogue's skill_gap_mean: under- plus over-skill gap), with the
    number employed in each cell (the map hatches the thin ones)."""
    from simulation.state import Status

    w, f, world = model.workers, model.firms, model.world
    emp = np.flatnonzero(w.status == Status.EMPLOYED)
    firm = w.employer[emp]
    cell = f.sector[firm].astype(np.int64) * world.n_regions + w.region[emp]
    gap = w.gap_under[emp].astype(float) + w.gap_over[emp].astype(float)
    size = world.n_sectors * world.n_regions
    employed = np.bincount(cell, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(cell, gap, size) / employed
    return pd.DataFrame(
        {
            "sector": np.repeat(world.sector_names, world.n_regions),
            "region": np.tile(world.region_names, world.n_sectors),
            "employed": employed,
            "skill_gap_mean": mean,
        }
    )


# ------------------------------------------------------------------ page

_WORDS = {
    "title": ("skillsim: a city's labour market, live", "skillsim：城市劳动力市场实时模拟"),
    "scenario": ("Scenario", "情景"),
    "unemployment": ("Unemployment", "失业"),
    "mismatch": ("Skill mismatch", "技能差距"),
    "apprenticeships": ("Apprenticeships", "学徒制"),
    "green": ("Green employment", "绿色就业"),
    "by_region": ("Unemployment by region, this month", "本月各地区失业率"),
    "gap_map": ("Skill gap by sector and region, this month", "本月分行业、分地区技能差距"),
    "by_region_said": ("Unemployment by region", "各地区失业率"),  # (the alt texts')
    "gap_map_said": ("Skill gap by sector and region", "分行业、分地区技能差距"),
    "status": (
        "Month {month} of {months} | {scenario} | a model city of {workers:,} workers, seed "
        "{seed} (counts and spending are for this size) | unemployment {u:.1f}% (urban {uu:.1f}%) | "
        "youth {y:.1f}% (urban {yu:.1f}%) | skill gap {g:.3f} | apprentices {a:,.0f} | "
        "green jobs {gr:.1f}% | public spending {s} yuan/month (status quo {sq})",
        "第{month}个月（共{months}个月）｜{scenario}｜模拟城市{workers:,}名劳动者，随机种子{seed}"
        "（人数与支出均按此规模）｜全市失业率{u:.1f}%（城镇{uu:.1f}%）｜"
        "全市青年失业率{y:.1f}%（城镇{yu:.1f}%）｜技能差距{g:.3f}｜在训学徒{a:,.0f}人｜"
        "绿色就业占比{gr:.1f}%｜公共支出{s}元/月（现状{sq}元/月）",
    ),
    "levers": ("Levers in force: {words}", "当前政策：{words}"),
    # what the status's live region says (a screen reader), at a Step, a Reset, the end
    "live": (
        "Month {month} of {months}: unemployment {u:.1f}%, youth {y:.1f}%, public spending "
        "{s} yuan a month (status quo {sq}).",
        "第{month}个月（共{months}个月）：失业率{u:.1f}%，青年失业率{y:.1f}%，公共支出{s}元/月（现状{sq}元/月）。",
    ),
    # a chart in words (its image's alt text)
    "alt": ("{title}, month {month}: {items}.", "{title}，第{month}个月：{items}。"),
    "alt_join": ("; ", "；"),
    "alt_join_inner": (", ", "，"),
    "alt_item": ("{what} {value} (status quo {quo})", "{what}{value}（现状{quo}）"),
    "alt_region": ("{region}: {items}", "{region}：{items}"),
    "alt_widest": (
        "widest gap {value} ({sector}, {region})",
        "差距最大{value}（{sector}，{region}）",
    ),
    "alt_narrowest": (
        "narrowest gap {value} ({sector}, {region})",
        "差距最小{value}（{sector}，{region}）",
    ),
    "alt_thin": (
        "{n} of too few workers to tell (hatched)",
        "{n}就业人数过少、不作比较（阴影）",
    ),
    "no_value": ("no value (no one counted)", "无数据（无人计入）"),
    "alt_only": (
        "one cell of enough workers: gap {value} ({sector}, {region})",
        "仅一个单元格就业人数足够：差距{value}（{sector}，{region}）",
    ),
    "alt_blank": ("{n} with no one employed (blank)", "{n}无人就业（空白）"),
    # (the faint lines are each metric's own colour and pattern: a grey legend line
    # looked like none of them)
    "status_quo_line": (
        "faint lines: status quo, same colours, same seed",
        "浅色线：现状（颜色同上，同一随机种子）",
    ),
    "status_quo_mark": ("status quo, same seed", "现状（同一随机种子）"),
    "status_quo": ("status quo", "无新政策（现状）"),
    "hint": (
        "Move the levers, then {reset} to start the city under them; {step} or {play} to run it.",
        "调整政策后点击“{reset}”以新政策重新开始；点击“{step}”或“{play}”逐月运行。",
    ),
    "ended": (
        "The run has reached its last month: {reset} to run it again, with the levers as set.",
        "已运行到最后一个月：点击“{reset}”按当前政策设置重新运行。",
    ),
    "next_reset": (
        "{reset} starts: {scenario}; {words}",
        "点击“{reset}”后运行：{scenario}；{words}",
    ),
    # the frame around the charts (what Mesa's SolaraViz shows in English only)
    "controls": ("Controls", "运行控制"),
    "play_interval": ("Pause between months when playing, ms", "播放时每月间隔（毫秒）"),
    "render_interval": ("Months per step (and per redraw)", "每步运行的月数（每步刷新一次）"),
    "reset": ("Reset", "重置"),
    "step": ("Step", "单步"),
    "play": ("▶ Play", "▶ 播放"),
    "pause": ("❚❚ Pause", "❚❚ 暂停"),
    "play_name": ("play", "播放"),
    "parameters": ("Model Parameters", "模型参数"),
    "information": ("Information", "信息"),
    "steps": ("Step: {n}", "已运行步数：{n}"),
    "step_error": ("error in step: {e}", "运行出错：{e}"),
    "reset_error": (
        "Reset could not start the city (the one shown is kept): {e}",
        "无法按当前设置重新开始（保留当前运行）：{e}",
    ),
    "start_error": (
        "The city could not be started: {e}. Fix the file and reload the page.",
        "无法启动城市：{e}。请修正文件后重新加载页面。",
    ),
}


def _w(key: str, lang: str) -> str:
    return _WORDS[key][i18n.LANGS.index(lang)]


def hint(lang: str, ended: bool = False) -> str:
    """What to press, naming the buttons as the page shows them (``ended``: the run is at
    its last month, where only Reset works)."""
    names = {key: _w(key, lang) for key in ("reset", "step")}
    if ended:
        return _w("ended", lang).format(reset=names["reset"])
    return _w("hint", lang).format(**names, play=_w("play_name", lang))


def next_reset_words(parameters: dict, lang: str) -> str:
    """What Reset will start: the scenario and the levers as set on the page (Mesa's
    ``ModelCreator`` values), which the sliders themselves do not show in numbers."""
    scenario = _scenario_key(str(parameters.get("scenario", "baseline")))
    levers = {k: parameters[k] for k in LEVERS if k in parameters}
    return _w("next_reset", lang).format(
        reset=_w("reset", lang),
        scenario=scenario_words(scenario, lang),
        words=lever_words(levers, lang),
    )


def lever_words(levers: dict[str, float], lang: str) -> str:
    """The levers moved from the status quo, in words, with their units
    ("Subsidy = 9,000 (yuan per apprentice-year)")."""
    i = i18n.LANGS.index(lang)
    moved = []
    for k, v in levers.items():
        if np.isclose(v, LEVERS[k][5]):
            continue
        name, unit = re.match(r"([^,（]*)(?:, |（)?([^）]*)", LEVERS[k][i]).groups()
        said = f"{name} = {v:,g}"
        if unit.startswith("of "):  # "Quality standards = 3 of 5 (R208)"
            said, unit = f"{said} {unit}", ""
        elif unit.startswith("%"):  # "Core skills = 20% of course hours"
            said, unit = f"{said}{unit}", ""
        moved.append(
            said if not unit else f"{said}（{unit}）" if lang == "zh" else f"{said} ({unit})"
        )
    return ("；" if lang == "zh" else "; ").join(moved) or _w("status_quo", lang)


def money_words(amounts, lang: str) -> list[str]:
    """Amounts of yuan side by side in one form: on a Chinese page in 万 from 10,000 up,
    as the reports write them (both in 万 if either is), else whole yuan."""
    if lang == "zh" and max(abs(x) for x in amounts) >= 10_000:
        return [i18n.wan(x) for x in amounts]
    return [f"{x:,.0f}" for x in amounts]


def live_words(model: DashboardModel, lang: str) -> str:
    """What the status's live region says (unseen: the status line shows it), for a
    screen reader: the month's few numbers, said again when a Step or a Reset changes
    them; nothing while playing (a month every 0.1-0.5 s, where the whole status line
    took 15 s to say), but at the run's end, with what to do then. (The charts are
    images: their alt text says them.)"""
    if model.playing and model.running:
        return ""
    c = model.current
    spent = money_words((c["spending_total_yuan"], quo_spending(model)), lang)
    said = _w("live", lang).format(
        month=model.month,
        months=model.months,
        u=100 * c["unemployment_rate"],
        y=100 * c["youth_unemployment_rate"],
        **dict(zip(("s", "sq"), spent, strict=True)),
    )
    return said if model.running else f"{said} {hint(lang, ended=True)}"


def quo_spending(model: DashboardModel) -> float:
    """The status quo's public spending this month (beside the run's: what the moved
    levers cost, the fixed costs of the programmes they switch on included)."""
    quo = model.status_quo.metrics
    return float(quo.loc[quo["month"] == model.month, "spending_total_yuan"].iloc[0])


def make_components(lang: str):
    """The dashboard's status text, then its charts, each a function of the model (Mesa
    redraws them after every step)."""

    def image(png: bytes, alt: str):
        """A chart's image with its words as alt text (what a screen reader says of it,
        and what shows if the image does not load): an <img> of its own, as an
        ipywidgets Image takes no alt."""
        src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        return solara.HTML(tag="img", attributes={"src": src, "alt": alt})

    def lines(metrics, key):
        def component(model):
            if key not in model.charts:
                model.charts[key] = LiveLines(
                    metrics, _w(key, lang), model.months, lang, model.status_quo
                )
            chart = model.charts[key]
            png = chart.png(model.metrics_frame())
            return image(png, chart.alt)

        component.__name__ = f"Chart_{key}"
        return component

    def status(model):
        c = model.current
        spent = money_words((c["spending_total_yuan"], quo_spending(model)), lang)
        words = _w("status", lang).format(
            month=model.month,
            months=model.months,
            scenario=scenario_words(model.scenario_key, lang),
            workers=model.config.workers,
            seed=model.seed_value,
            u=100 * c["unemployment_rate"],
            y=100 * c["youth_unemployment_rate"],
            uu=100 * c["urban_unemployment_rate"],
            yu=100 * c["urban_youth_unemployment_rate"],
            g=c["skill_gap_mean"],
            a=c["apprentices"],
            gr=100 * c["green_employment_share"],
            **dict(zip(("s", "sq"), spent, strict=True)),
        )
        levers = _w("levers", lang).format(words=lever_words(model.levers, lang))
        said = live_words(model, lang)
        with solara.Column(classes=["skillsim-status"]) as main:
            # plain text: solara.Markdown would fetch mermaid from a CDN
            solara.Text(words, style={"font-weight": "bold", "font-size": "1.05rem"})
            live = {"role": "status", "aria-live": "polite", "aria-atomic": "true"}
            solara.HTML(
                tag="div",
                unsafe_innerHTML=html.escape(said),
                attributes=live,
                classes=["skillsim-said"],
            )
            solara.Text(levers, classes=["skillsim-levers"])
            notes = i18n.late_drivers(model.config.scenario, model.months, lang)
            for note in [*notes, *i18n.long_run(model.months, lang)]:
                solara.Text(note, classes=["skillsim-late"], style={"color": "#8C6D00"})
            solara.Text(hint(lang, ended=not model.running))
        return main

    def by_region(model):
        if "by_region" not in model.charts:
            metrics = ["unemployment_rate", "youth_unemployment_rate"]
            model.charts["by_region"] = LiveBars(
                metrics, _w("by_region", lang), lang, model.status_quo, _w("by_region_said", lang)
            )
        table = model.breakdown("region")
        chart = model.charts["by_region"]
        png = chart.png(table, model.month)
        return image(png, chart.alt)

    def gap_map(model):
        if "gap_map" not in model.charts:
            model.charts["gap_map"] = LiveMap(
                _w("gap_map", lang), lang, model.world, model.status_quo, _w("gap_map_said", lang)
            )
        chart = model.charts["gap_map"]
        png = chart.png(sector_region_gap(model), model.month)
        return image(png, chart.alt)

    gap_map.rows = MAP_ROWS
    return [
        status,
        lines(["unemployment_rate", "youth_unemployment_rate"], "unemployment"),
        lines(["skill_gap_mean"], "mismatch"),
        lines(["apprenticeship_starts", "apprenticeship_completions"], "apprenticeships"),
        lines(["green_employment_share"], "green"),
        by_region,
        gap_map,
    ]


# The scenario menu in the report's order (the main experiment's, then the robustness
# fit): alphabetical, it began 基准, 第二套校准, 绿色转型+乡村振兴 in Chinese.
SCENARIO_ORDER = loading.SHIPPED["scenario"]


def model_params(
    lang: str, workers: int, months: int, seed: int, scenario: str = "baseline"
) -> dict:
    """Mesa's user parameters: the scenario (``scenario`` selected, the one the page
    starts with), the levers at the status quo, and the fixed size, horizon and seed."""
    from mesa.visualization import Slider

    i = i18n.LANGS.index(lang)
    scenario = _scenario_key(scenario)
    scenarios = sorted(
        (s for s in loading.available_scenarios() if s != "green_transition" or s == scenario),
        key=lambda s: (SCENARIO_ORDER.index(s) if s in SCENARIO_ORDER else len(SCENARIO_ORDER), s),
    )
    if scenario not in scenarios:  # a scenario file (skillsim dashboard --scenario x.toml)
        scenarios.insert(0, scenario)
    params = {
        "scenario": {
            "type": "Select",
            "value": scenario_words(scenario, lang),
            "values": [scenario_words(s, lang) for s in scenarios],
            "label": _w("scenario", lang),
        }
    }
    for name, spec in LEVERS.items():
        lo, hi, step, value = spec[2:]
        is_float = any(isinstance(x, float) and not float(x).is_integer() for x in spec[2:])
        params[name] = Slider(
            spec[i], value=value, min=lo, max=hi, step=step, dtype=float if is_float else int
        )
    params.update(workers=workers, months=months, seed=seed)
    return params


# ------------------------------------------------------------ page frame
#
# Mesa's SolaraViz writes its own words in English only (the Reset, play and Step
# buttons, the Controls, Model Parameters and Information cards, the interval sliders,
# the step counter, a "Page 0" tab) and takes no other controller. So the frame around
# the charts is built here, with SolaraViz's layout and behaviour and the words of the
# page's language. The one piece of Mesa it uses is ``ModelCreator`` (the parameter
# inputs, which show our labels); tests/test_dashboard.py renders this page and fails if
# a Mesa upgrade changes it.

redraw = solara.reactive(0)  # bumped after every step; the charts and the counter read it


def _session():
    """Solara's session (its virtual kernel's context) of the page being drawn, None
    outside a server (solara.render in the tests)."""
    from solara.server import kernel_context

    return kernel_context.get_current_context() if kernel_context.has_current_context() else None


def redraw_now() -> None:
    redraw.value += 1


@solara.component
def Controller(
    model: solara.Reactive,
    parameters: solara.Reactive[dict],
    lang: str,
    play_interval: int = 100,
):
    """Reset, play/pause and Step, with the play and render intervals: what Mesa's
    ``ModelController`` does (without its "Use Threads" option, which would draw the
    charts while the next month changes the arrays they read), in ``lang``.

    Step runs ``render interval`` months, then the charts redraw; play does that every
    ``play interval`` ms until paused or the last month; Reset builds a new model from
    ``parameters`` (the scenario and levers as set, see ``ModelCreator``).

    The buttons' states are the browser's: a second click on Step sent before the page
    has drawn the first one's result (a double click, say) reaches the server all the
    same, as does a Step click sent while play starts. So the server checks too: one
    ``advance`` at a time (``lock``: play's thread and the page's events take turns),
    never past the last month, and no Step while playing. A double click on Step in the
    last month once stepped the model past its horizon, and the page went blank but for
    a traceback."""
    playing = solara.use_reactive(False)
    running = solara.use_reactive(True)
    interval = solara.use_reactive(play_interval)
    per_render = solara.use_reactive(1)
    error = solara.use_reactive(None)
    lock = solara.use_memo(threading.Lock, dependencies=[])

    # Set when the page's session ends (its tab closed, or the server stopping): play's
    # thread stops with it. It stepped on to the run's last month before, unseen, and
    # held the server's exit on Ctrl-C for as long (12 s at 5,000 workers, minutes at 600
    # months), the second Ctrl-C ending in a traceback.
    gone = solara.use_memo(threading.Event, dependencies=[])
    solara.use_effect(lambda: gone.set, [])
    session = solara.use_memo(_session, dependencies=[])

    def advance(from_play: bool = False):
        with lock:
            if from_play and not playing.value:  # (paused, or a Reset, while it waited)
                return
            m = model.value  # (a Reset meanwhile replaces it: this month is the old city's)
            was_playing = playing.value
            m.playing = from_play
            for _ in range(per_render.value):
                if not m.running:  # (a click sent before the last month drew)
                    break
                m.step()
                if was_playing and not playing.value:
                    break
            if model.value is m:
                running.value = m.running
                if not running.value:  # the last month: nothing plays on (the button shows play)
                    playing.value = False
        redraw_now()

    def failed(e: Exception) -> None:
        """A month that raised: said on the page, and play stopped (Reset starts over)."""
        traceback.print_exc()
        error.value = _w("step_error", lang).format(e=e)
        playing.value = False

    def step():
        if playing.value:  # (the button is disabled while playing; a late click is not)
            return
        try:
            advance()
        except Exception as e:
            failed(e)

    def stopping() -> bool:
        """The page gone, the server's main thread ended (Ctrl-C: Python then waits for
        this thread before it exits), or a newer play loop started (Pause then Play
        within one interval left two loops, two months an interval)."""
        return gone.is_set() or not threading.main_thread().is_alive() or not task.is_current()

    def shown() -> bool:
        """Whether a page shows this session: a tab closed or cut off leaves it for
        Solara's cull (10 minutes), and play's months went on meanwhile, unseen (4.5 s of
        a core every 10 s at 5,000 workers). Play waits, and goes on if the page is back."""
        pages = getattr(session, "page_status", None)
        # (a copy: Solara's event loop adds a page's status while this thread reads)
        return not pages or any(str(s.value) == "connected" for s in tuple(pages.values()))

    def play():
        try:
            while playing.value and running.value and not stopping():
                if gone.wait(interval.value / 1000) or stopping():
                    break
                if playing.value and shown():
                    advance(from_play=True)
        except Exception as e:
            failed(e)

    task = solara.lab.use_task(
        play, dependencies=[playing.value, running.value], prefer_threaded=True
    )

    def reset():
        playing.value = False
        try:
            with lock:  # (after a month under way; play's next one sees the new city)
                model.value = type(model.value)(**parameters.value)
                running.value = True
        except Exception as e:  # (a scenario file broken since the page opened, say)
            traceback.print_exc()
            error.value = _w("reset_error", lang).format(e=e)
            return
        error.value = None

    solara.SliderInt(_w("play_interval", lang), value=interval, min=10, max=500, step=10)
    solara.SliderInt(_w("render_interval", lang), value=per_render, min=1, max=100, step=1)
    with solara.Row(justify="space-between"):
        solara.Button(label=_w("reset", lang), color="primary", on_click=reset)
        solara.Button(
            label=_w("pause" if playing.value else "play", lang),
            color="primary",
            on_click=lambda: playing.set(not playing.value),
            disabled=not running.value,
        )
        solara.Button(
            label=_w("step", lang),
            color="primary",
            on_click=step,
            disabled=playing.value or not running.value,
        )
    if error.value:
        solara.Error(label=error.value)


@solara.component
def NextReset(parameters: solara.Reactive[dict], lang: str):
    """Under the inputs: the scenario and levers as set, which Reset will start."""
    if not parameters.value:  # before ModelCreator has filled in its defaults
        return solara.Text("")
    return solara.Text(next_reset_words(parameters.value, lang), classes=["skillsim-next"])


@solara.component
def StepCount(model, lang: str):
    redraw.get()
    return solara.Text(_w("steps", lang).format(n=model.steps))


@solara.component
def Live(draw, model):
    """One of ``make_components``, drawn again after every step."""
    redraw.get()
    return draw(model)


@solara.component
def Charts(draws: list, model):
    """The charts two by two, each draggable and resizable (as on SolaraViz's page)."""
    start, y = [], 0
    for i in range(0, len(draws), 2):  # rows as tall as their charts (grid rows of 40 px)
        pair = draws[i : i + 2]
        h = max(getattr(d, "rows", CHART_ROWS) for d in pair)
        start += [{"i": i + k, "x": 6 * k, "y": y, "w": 6, "h": h} for k in range(len(pair))]
        y += h
    layout, set_layout = solara.use_state(start)  # as the presenter arranged them
    solara.GridDraggable(
        items=[Live(draw, model) for draw in draws],
        grid_layout=layout,
        resizable=True,
        draggable=True,
        on_grid_layout=set_layout,
    )


def _started(start: dict) -> DashboardModel | ConfigError:
    """A page's model, or the error of a scenario file that cannot be read now."""
    try:
        return DashboardModel(**start)
    except ConfigError as exc:
        return exc


def start_arguments(params: dict, scenario: str = "baseline") -> dict:
    """``DashboardModel``'s keyword arguments for the page's first model: the starting
    values of the user parameters ``params`` (``model_params``: the levers at the status
    quo), the scenario by key."""
    start = {k: (v.value if hasattr(v, "value") else v) for k, v in params.items()}
    start["scenario"] = scenario
    return start


# A slider's label on a line of its own, over the whole width of the track: beside it, a
# long label left a track of 60-110 px (15,000 yuan in steps of 500 on 63 px).
SIDEBAR_CSS = """
.v-navigation-drawer .v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-navigation-drawer .v-input__slider .v-input__slot > .v-label {
  flex: 1 0 100%; max-width: 100%; height: auto; margin: 0 0 54px 0; white-space: normal;
}
.v-navigation-drawer .v-slider__thumb-label-container { display: block !important; }
.v-navigation-drawer .v-slider__thumb-label {
  width: 40px !important; height: 40px !important; font-size: 11px;
}
.vue-grid-item img { width: 100%; height: 100%; object-fit: contain; object-position: left top; }
.skillsim-said {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap;
}
"""
# (Each slider shows its value in its thumb's bubble all the time, not only while it is
# dragged: a projected room sees the levers' settings; the label leaves room above the
# bubble, and takes its own height: a label of two lines overflowed one line's height
# into the bubble (a review). Mesa's sliders take no thumb_label option, so the bubble's
# container, which Vuetify hides with an inline display:none, is shown by the rule. The bubble is a size
# larger than Vuetify's 32 px, its type a size smaller, so that five digits, the
# subsidy's 15000, fit in it.)
# (The last rule: a chart fills its grid cell, keeping its shape, so that a presenter
# who drags a cell larger on a wide screen or projector gets a larger chart, and a
# narrow window shrinks it instead of cutting it off.)


@solara.component
def Page():
    """One model per browser session, built with the levers at the status quo."""
    from mesa.visualization.solara_viz import ModelCreator

    lang = setting("lang", "en")
    workers = int(setting("workers", "20000"))
    months = int(setting("months", "120"))
    seed = int(setting("seed", "0"))
    scenario = setting("scenario", "baseline")
    params = model_params(lang, workers, months, seed, scenario)
    start = start_arguments(params, scenario)
    made = solara.use_memo(lambda: _started(start), [])
    model = solara.use_reactive(made)
    parameters = solara.use_reactive({})  # ModelCreator keeps the inputs' values here
    draws = solara.use_memo(lambda: make_components(lang), [lang])
    title = _w("title", lang)
    if isinstance(made, ConfigError):  # (its scenario file broken since the server started)
        # (after every hook: Solara warns of a hook after an early return, on the log)
        solara.Error(_w("start_error", lang).format(e=made))
        return

    solara.Title(title)
    solara.Style(SIDEBAR_CSS)
    with solara.AppBar():
        solara.AppBarTitle(title)
        solara.lab.ThemeToggle()
    with solara.Sidebar(), solara.Column():
        with solara.Card(_w("controls", lang)):
            Controller(model, parameters, lang, play_interval=100)
        with solara.Card(_w("parameters", lang)):
            ModelCreator(model, params, model_parameters=parameters)
            NextReset(parameters, lang)
        with solara.Card(_w("information", lang)):
            StepCount(model.value, lang)
    # The status text above the charts, as tall as its words: in the charts' grid it
    # had a chart's fixed height, and at 1280x720 its notes (a shock after the run's
    # end, the hint) were drawn under the next chart (an outside review).
    status, charts = draws[0], draws[1:]
    Live(status, model.value)
    Charts(charts, model.value)


# ------------------------------------------------------- offline assets

_NPM_NAME = re.compile(r"/((?:@widgetti/)?[a-z0-9][a-z0-9.-]*)@([0-9][0-9A-Za-z.-]*)/")


def asset_packages() -> list[str]:
    """The npm packages (name@version) Solara's page loads from its CDN path, as this
    Solara and ipyvue ask for them: the app bundle (Vue 2 or 3), requirejs, Font
    Awesome and the grid layout Mesa's SolaraViz uses."""
    import solara.server.settings as settings
    from solara.server import server

    root = Path(solara.__file__).parent
    template = (root / "server" / "templates" / "solara.html.j2").read_text(encoding="utf-8")
    app = "solara-vuetify3-app" if server.vue3 else "solara-vuetify-app"
    grid = root / "widgets" / "vue" / ("gridlayout_v3.vue" if server.vue3 else "gridlayout.vue")
    found = dict.fromkeys(
        f"{name}@{version}"
        for name, version in _NPM_NAME.findall(template + grid.read_text(encoding="utf-8"))
        if name in (f"@widgetti/{app}", "requirejs", "@widgetti/vue-grid-layout")
    )
    fa = settings.assets.fontawesome_path.strip("/").split("/")[0]  # font-awesome@4.5.0
    found[fa] = None
    return list(found)


def cache_dir() -> Path:
    import solara.server.settings as settings

    return Path(settings.assets.proxy_cache_dir)


def missing_assets() -> list[str]:
    return [p for p in asset_packages() if not (cache_dir() / p / "package.json").is_file()]


def install_assets(quiet: bool = False) -> list[str]:
    """Fill Solara's CDN cache from the npm registry (``npm pack``); returns what was
    installed (nothing when all is there already)."""
    todo = missing_assets()
    if not todo:
        return []
    npm = shutil.which("npm")  # (npm.cmd on Windows, which a bare "npm" does not find)
    if npm is None:
        raise FileNotFoundError(
            "npm is not installed: the dashboard's page assets come from the npm registry "
            "(install Node.js, which brings npm, and run this again)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "pack", "--silent", "--pack-destination", tmp, *todo],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for spec in todo:
            name, version = spec.rsplit("@", 1)
            tarball = Path(tmp) / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
            target = cache_dir() / spec
            target.mkdir(parents=True, exist_ok=True)
            with tarfile.open(tarball) as tar:
                for member in tar.getmembers():
                    if member.isfile() and member.name.startswith("package/"):
                        member.name = member.name[len("package/") :]
                        tar.extract(member, target, filter="data")
            if not quiet:
                print(f"installed {spec} in {target}")
    return todo


# -------------------------------------------------------------- serve


SAMESITE_WARNING = "ignore:Cookies with samesite=none require https:UserWarning"


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (taken, not this machine's
    address, not allowed), or None: said before the server starts, which would print
    its address and then fail with its own error."""
    import errno
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as e:
        return f"--host {host}: not a name or address this machine knows ({e.strerror})"
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            sock.bind(address)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {host} is in use (another dashboard?): choose another "
                    "with --port"
                )
            return f"cannot listen on {host}:{port} ({e.strerror}): choose another --host or --port"
    return None


CULL_AFTER = "10m"  # a lost page's session is closed after this (``serve``)


SLOW_FIRST_PAGE_WORKERS = 1_000_000  # from this size the first page's wait is said


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    lang: str = "en",
    workers: int = 20_000,
    months: int = 120,
    scenario: str = "baseline",
    seed: int = 0,
) -> int:
    """Start the Solara server in this process (does not return until stopped).

    Bad settings (a horizon, size or seed a run does not allow, an unknown scenario)
    raise ``ConfigError`` here, before the server starts, rather than showing the
    presenter a traceback in place of the page."""
    i18n.check_lang(lang)
    loading.resolve_run(scenario, ("none",), workers, months, seed)  # raises ConfigError
    if lang == "zh":
        i18n.cjk_font()
    if problem := port_problem(host, port):
        print(f"skillsim dashboard: {problem}", file=sys.stderr)
        return 2
    missing = missing_assets()
    if missing:
        print(
            "skillsim dashboard: the page's JavaScript and CSS are not installed for offline "
            f"use ({', '.join(missing)}); run `make dashboard-assets` (or `python -m "
            "simulation.dashboard --install-assets`, which needs npm). Without them the "
            "browser would fetch them from the internet.",
            file=sys.stderr,
        )
        return 2
    env = {
        **os.environ,
        ENV + "LANG": lang,
        ENV + "WORKERS": str(workers),
        ENV + "MONTHS": str(months),
        ENV + "SCENARIO": scenario,
        ENV + "SEED": str(seed),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_ASSETS_PROXY": "True",
        "SOLARA_THEME_SHOW_BANNER": "False",  # an English line over the charts' corner
        # A page gone (closed, or its browser or network dropped) for this long has its
        # session closed, and the session's model (the city's arrays and the status quo
        # run) freed: Solara's default keeps it a day, for a reconnection that a
        # dashboard never needs (a reload starts a new session). A day of a forum's
        # visitors added up (~4-5 MB a session at 2,000 workers, more at the default size).
        "SOLARA_KERNEL_CULL_TIMEOUT": CULL_AFTER,
        # Solara warns (twelve lines, on the first page load) that its session cookie
        # falls back to SameSite=Lax on plain http at any host but "localhost": what a
        # dashboard on a laptop or a LAN wants (no iframe embedding), so not said.
        "PYTHONWARNINGS": ",".join(
            filter(None, [os.environ.get("PYTHONWARNINGS"), SAMESITE_WARNING])
        ),
    }
    print(f"skillsim dashboard: http://{host}:{port}  (Ctrl-C stops it)", flush=True)
    if workers >= SLOW_FIRST_PAGE_WORKERS:
        # (the page showed only Solara's "Loading app" for 64 s at 1,000,000 workers and
        # 122 s at 5,000,000 and 3 months: an outside review)
        print(
            f"skillsim dashboard: a city of {workers:,} workers: the first page computes "
            f"the status quo's whole run ({months} months, after its burn-in) for the "
            "charts' faint lines before it shows a chart, about a minute per million "
            "workers on a two-core laptop; open the page once before presenting (later "
            "pages and tabs reuse that run)",
            flush=True,
        )
    # (Solara's command in simulation.serve, which ends a Ctrl-C as every command does)
    args = [sys.executable, "-m", "simulation.serve", "run", "simulation.dashboard", "--production"]
    args += ["--host", host, "--port", str(port), "--no-open", "--log-level", "warning"]
    if os.name == "nt":  # (Windows' execve starts a new process and ends this one)
        return subprocess.call(args, env=env)
    os.execve(sys.executable, args, env)
    return 0  # pragma: no cover (execve does not return)


if __name__ == "__main__":
    if sys.argv[1:] == ["--install-assets"]:
        try:
            install_assets()
        except FileNotFoundError as exc:
            sys.exit(f"python -m simulation.dashboard --install-assets: {exc}")
        sys.exit(0)
    sys.exit("usage: python -m simulation.dashboard --install-assets  (fills Solara's CDN cache)")
