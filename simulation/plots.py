"""Figures: a result DataFrame in, a matplotlib Figure out. Never runs the model.

    from simulation import analysis, plots
    results = analysis.load("results/sweep-default-1a2b3c4d")
    effects = analysis.effects(results)
    plots.paths(results, "youth_unemployment_rate")          # over time, 95% bands
    plots.forest(effects, "unemployment_rate")               # effects with 95% CIs
    plots.funnel(results, scenario="baseline")               # apprenticeship pipeline
    plots.beveridge(results)                                 # vacancies vs unemployment
    plots.cost_effectiveness(effects)                        # needs the in_employment rows
    plots.sensitivity(analysis.sensitivity(sobol, "apprentices"))
    plots.mismatch_heatmap(table, rows="sector", columns="region")

Every function takes ``style`` ("paper": compact, for documents; "talk": large type and
thick lines on a 16:9 canvas, for slides) and ``lang`` ("en" or "zh"). Labels are plain
words with units (``simulation.i18n`` over the metric catalogue); shares are shown in
%, their changes in percentage points. Policies and scenarios differ by colour (the
Okabe-Ito palette with grey and a wine for yellow, safe for colour-blind readers), by
marker and by line pattern, so a figure still reads in greyscale; heat maps use
cividis, whose lightness rises steadily.

Intervals: a path's band is the 95% t interval of the mean across seeds at each month
(from three seeds: two give one of 12.7 standard errors either side, and no band);
effects come with the paired intervals of ``simulation.analysis.effects``. A design
sweep's points are never taken for seeds: ``paths`` and ``beveridge`` draw a line,
``funnel`` a bar and ``forest`` a row per point, labelled by its parameter values (too many
points: the spread over them, and a note on selecting one), and every interval and note
counts seeds (one seed: no interval, and the note says so). An unknown scenario, policy or metric, or the wrong table
(a breakdown where the metrics table is needed), is a ValueError saying what is there.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import math
import textwrap
import unicodedata
import warnings
from collections.abc import Sequence
from contextlib import contextmanager

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, MultipleLocator

from simulation import analysis, i18n, loading, metrics
from simulation.i18n import axis_label, label, name_of, scale, text, unit
from simulation.metrics import AT_INTAKE

STYLES = ("paper", "talk")
# Okabe & Ito (2008), safe for colour-blind readers; ordered so that the first three
# also differ clearly in lightness (black, blue, orange). Yellow, too faint on white, is
# replaced by grey and Tol's wine (#882255; a dark ochre before it was the vermillion's
# colour to a protanope, CIELAB distance 2.4: an outside review; the wine is at least
# 18 from every other colour under protanopia, deuteranopia and tritanopia, Machado et
# al. 2009, and 8.7:1 on white). Okabe-Ito's orange (#E69F00) and sky blue (#56B4E9)
# stood at 2.3:1 on white, under the 3:1 that WCAG 2.1 (1.4.11) asks of a graph's lines:
# each is the lightest colour of its hue at 3:1 or more that keeps every two colours 8
# apart for colour-blind readers (found by a search over hue, lightness and saturation
# under the test's own checks): an ochre (#BC8A2F, 3.1:1) and a mid blue (#0098EB,
# 3.1:1). In greyscale the series still differ by line pattern, marker or hatch, which
# every figure sets too.
COLOURS = (
    "#000000",
    "#0072B2",
    "#BC8A2F",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#0098EB",
    "#7F7F7F",
    "#882255",
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h", "*")
DASHES = (
    (),
    (5, 2),
    (1.5, 1.5),
    (6, 2, 1.5, 2),
    (3, 1),
    (8, 2, 2, 2, 2, 2),
    (2, 3),
    (10, 3),
    (4, 1, 1, 1),
)
HEATMAP = "cividis"
PERIODS = {"quarter": 3, "year": 12}  # the Beveridge curve's points: months in one
MAX_POINT_LINES = 12  # lines of a panel of paths that still read with a legend
# lines of a panel of paths whose bands still read apart: beyond, the baseline's alone
# (nine policies' bands ran into one grey mass: an outside review; and four, the
# report's, into a smear where the policies do not move the measure: another)
MAX_BANDS = 3
_SIZES = {"paper": (6.4, 4.2), "talk": (11.0, 6.2)}  # one panel; talk is 16:9


SAVE_DPI = {"paper": 200, "talk": 160}  # a talk PNG of a 16:9 panel: about 1,800 px wide


class StyledFigure(Figure):
    """A figure drawn in ``theme``: its ``savefig`` keeps the style's resolution and a
    tight box (``SAVE_DPI``, ``bbox_inches="tight"``) after the theme's context has
    closed, unless told otherwise. (Matplotlib reads its saving defaults when saving:
    ``fig.savefig("x.png")`` after the call that drew the figure fell back to 100 dpi
    and the figure's frame, which cut a long title off.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.save_dpi = matplotlib.rcParams["savefig.dpi"]  # (the theme's, when drawn in it)

    def savefig(self, fname, *args, **kwargs):
        kwargs.setdefault("dpi", self.save_dpi)
        kwargs.setdefault("bbox_inches", "tight")
        return super().savefig(fname, *args, **kwargs)


def _subplots(*args, **kwargs):
    """``plt.subplots`` of a ``StyledFigure``."""
    return plt.subplots(*args, FigureClass=StyledFigure, **kwargs)


@contextmanager
def theme(style: str = "paper", lang: str = "en"):
    """Seaborn's paper or talk context on a white grid; a CJK font for Chinese."""
    check_style(style)
    i18n.check_lang(lang)
    families = ["DejaVu Sans"]
    if lang == "zh":
        families = [i18n.cjk_font(), "DejaVu Sans"]
    rc = {
        # concrete names, not "sans-serif": a text keeps them when drawn after the context
        "font.family": families,
        "axes.unicode_minus": lang != "zh",
        "figure.dpi": 100,
        "savefig.dpi": SAVE_DPI[style],
        "savefig.bbox": "tight",
        "axes.titleweight": "bold",
        "axes.spines.right": False,
        "axes.spines.top": False,
        "legend.frameon": False,
    }
    context = sns.plotting_context(style, font_scale=1.0 if style == "paper" else 0.95)
    with sns.axes_style("whitegrid"), plt.rc_context({**context, **rc}):
        yield


def check_style(style: str) -> str:
    if style not in STYLES:
        raise ValueError(f"style {style!r} is not supported (allowed: {', '.join(STYLES)})")
    return style


def _figure(draw):
    """A figure function whose ``style`` and ``lang`` are checked before anything else
    (a typo had given ``KeyError: 'slides'`` or "tuple.index(x): x not in tuple" from
    deep inside: an outside review)."""
    signature = inspect.signature(draw)

    @functools.wraps(draw)
    def checked(*args, **kwargs):
        given = signature.bind_partial(*args, **kwargs).arguments
        check_style(given.get("style", "paper"))
        i18n.check_lang(given.get("lang", "en"))
        return draw(*args, **kwargs)

    return checked


def look(keys: Sequence[str], named: Sequence[str] = (), first: str | None = None) -> dict:
    """Colour, marker and line pattern per key, in order: the first (the baseline
    policy, say) is black and solid.

    With ``named`` (``SHIPPED["policy"]`` or ``["scenario"]``), a key among them keeps
    one look whatever else a figure shows, so that two sweeps' figures side by side
    agree (the package was orange in one and blue in the other): ``first`` (the
    baseline) black and solid, the others by their place in ``named``; other keys take
    the looks left free, in order."""
    if not named:
        slots = dict(zip(keys, range(len(keys)), strict=True))
    else:
        fixed = [k for k in named if k != first]
        place = {k: i + 1 for i, k in enumerate(fixed)}
        if first is not None:
            place[first] = 0
        slots = {k: place[k] for k in keys if k in place}
        # the looks left free, never the baseline's black and solid (slot 0 and its
        # repeats: with all nine shipped policies a tenth got slot 9, black again)
        free = (i for i in range(1, 10**6) if i not in slots.values() and i % len(COLOURS))
        slots.update({k: next(free) for k in keys if k not in slots})
    # Past the ninth look the markers and line patterns step on by one for each round of
    # the colours, so that no two keys share all three (the tenth policy of a sweep of
    # 30, a pair, was the first's blue square)
    turn = len(COLOURS)
    return {
        k: {
            "color": COLOURS[i % turn],
            "marker": MARKERS[(i + i // turn) % len(MARKERS)],
            "dashes": DASHES[(i + i // turn) % len(DASHES)],
        }
        for k, i in slots.items()
    }


# The shipped scenarios and policies, in order: their looks in every figure (``look``).
SHIPPED = loading.SHIPPED


def ordered(values, first: str | None = None, wanted=None) -> list:
    """Distinct values in the order of ``wanted`` (the scenarios or policies asked
    for), else of appearance; ``first`` (if present) first."""
    seen = list(dict.fromkeys(values))
    if wanted is not None:  # (each once: a name asked for twice is drawn once)
        wanted = [wanted] if isinstance(wanted, str) else list(dict.fromkeys(wanted))
        seen = [v for v in wanted if v in seen] + [v for v in seen if v not in wanted]
    if first in seen:
        seen.remove(first)
        seen.insert(0, first)
    return seen


def whiskers(centre, low, high) -> np.ndarray:
    """Error bar lengths (2, n) below and above ``centre``, for ``errorbar``: none where
    a bound is missing, and never negative. A mean of equal values can come out a
    rounding error outside their lowest and highest (pandas adds a group's values with
    a compensated sum), which matplotlib refuses as a negative length."""
    centre, low, high = (np.asarray(v, dtype=float) for v in (centre, low, high))
    err = np.vstack([centre - low, high - centre])
    return np.where(np.isfinite(err), np.maximum(err, 0.0), 0.0)


def t_interval(groups, bounds: tuple[float, float] = (-math.inf, math.inf)) -> pd.DataFrame:
    """Mean, 95% t interval of the mean, and n, of column ``value`` per group; the
    interval stops at ``bounds``, the values the mean can take."""
    from scipy import stats

    out = groups["value"].agg(["mean", "std", "count"]).rename(columns={"count": "n"})
    half = stats.t.ppf(0.975, np.maximum(out["n"] - 1, 1)) * out["std"] / np.sqrt(out["n"])
    half = half.where(out["n"] > 1)
    low = (out["mean"] - half).clip(lower=bounds[0])
    return out.assign(low=low, high=(out["mean"] + half).clip(upper=bounds[1])).reset_index()


def _panels(n: int, style: str, ncols: int = 3):
    """``n`` panels in rows of ``ncols``: a 16:9 canvas for talk, compact for paper."""
    cols = min(n, ncols)
    rows = math.ceil(n / cols)
    if style == "talk":
        size = (13.33, 7.5 if rows == 1 else 4.6 * rows + 1.5)
    else:
        size = (6.4 if cols == 1 else 4.4 * cols, 3.3 * rows + 1.3)
    fig, axes = _subplots(rows, cols, figsize=size, squeeze=False, layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def _share_scale(axes, axis: str = "y") -> None:
    """One scale for every panel (``axis`` "y" or "x"): panels side by side are read
    against each other."""
    lows, highs = zip(*(getattr(ax, f"get_{axis}lim")() for ax in axes), strict=True)
    for ax in axes:
        getattr(ax, f"set_{axis}lim")(min(lows), max(highs))


def _wrap(words: str, lang: str, width: int) -> str:
    """``words`` on lines of at most ``width`` narrow characters. A Chinese character
    is two wide, so Chinese text wraps at half the count, unless it fits as it is (a
    line of Latin words and numbers in it, a source line's, broke where none was due)."""
    if lang == "zh":
        wide = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in words)
        return words if wide <= width and "\n" not in words else textwrap.fill(words, width // 2)
    return textwrap.fill(words, width)


def effects_basis(effects: pd.DataFrame, lang: str) -> dict[str, str]:
    """What an effects table's numbers are of, from its ``attrs`` (``analysis.effects``):
    ``basis``, the months each run is summarised by ("mean of months 19-60", "month
    120", or the policy period), and ``level``, the intervals' confidence ("95%"). The
    notes had said "mean of the policy period" and "95%" whatever the table was (an
    outside review)."""
    info = effects.attrs.get("skillsim", {})
    months, summary = info.get("months"), info.get("summary", "mean")
    if summary == "final":
        if months:
            basis = f"第{months[1]}个月" if lang == "zh" else f"month {months[1]}"
        else:
            basis = "最后一个月" if lang == "zh" else "the last month"
    elif months:
        first, last = months
        basis = f"第{first}至{last}个月均值" if lang == "zh" else f"mean of months {first}-{last}"
    else:
        basis = "政策期均值" if lang == "zh" else "mean of the policy period"
    level = f"{100 * float(info.get('confidence', 0.95)):g}%"
    return {"basis": basis, "level": level}


def source_line(frame: pd.DataFrame, lang: str = "en") -> str | None:
    """What a figure of ``frame`` was drawn from, as its footnote's last line: the
    skillsim version, the sweep (or run, or folder of runs), its size and horizon, and
    the code's digest (the run manifests' ``code``), from ``attrs["skillsim"]["source"]``
    (``analysis.load`` writes it; ``effects`` and ``sensitivity`` keep it). A figure
    pasted into slides then still says where it came from. None if the table has no
    source (built by hand, or joined from tables of several)."""
    found = frame.attrs.get("skillsim", {}).get("source")
    if not found:
        return None
    words = text(f"source_{found['kind']}", lang).format(**found)
    if found.get("workers") and found.get("months"):
        words += text("source_size", lang).format(**found)
    codes = found.get("code") or []
    if len(codes) == 1:
        words += text("source_code", lang).format(code=codes[0][:8])
    elif codes:
        words += text("source_codes", lang).format(k=len(codes))
    return words


def _finish(
    fig: Figure,
    note: str | None,
    lang: str,
    axes=None,
    handles=None,
    title: str | None = None,
    ncol: int | None = None,
    source: str | None = None,
) -> float:
    """A legend (of ``axes[0]``, or ``handles``) and a footnote along the bottom of
    the figure, inside it, so that a PNG carries both, ``source`` (``source_line``) on
    the footnote's last line; the panels fill the rest, above the share of the
    figure's height returned."""
    renderer = fig.canvas.get_renderer()
    height = fig.bbox.height
    bottom = 0.0
    if note or source:
        chars = fig.get_figwidth() * 72 / (_points("small") * 0.55)
        words = "\n".join(_wrap(w, lang, int(chars)) for w in (note, source) if w)
        t = fig.text(0.005, 0.005, words, ha="left", va="bottom", fontsize="small", color="#444")
        bottom = t.get_window_extent(renderer).height / height + 0.012
    labels = None
    if handles is None and axes:
        handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        legend = fig.legend(
            handles,
            labels if labels is not None else [h.get_label() for h in handles],
            title=title,
            title_fontproperties={"weight": "bold"},  # a heading, not the axis label's end
            loc="lower center",
            bbox_to_anchor=(0.5, bottom),
            ncol=ncol or min(len(handles), 3),
            handlelength=3,
        )
        bottom += legend.get_window_extent(renderer).height / height + 0.02
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))
    return bottom


def _done(fig: Figure) -> Figure:
    """Hand the figure over without keeping it in pyplot's list of open figures: no
    window opens, no memory piles up over many figures, and a notebook shows it once
    (as the cell's value)."""
    plt.close(fig)
    return fig


def _points(size: str) -> float:
    return matplotlib.font_manager.FontProperties(size=size).get_size_in_points()


# ------------------------------------------------- what a figure is given


def _need_metrics_table(frame: pd.DataFrame, figure: str, columns: Sequence[str] = ()) -> None:
    """``figure`` draws from the metrics table (one row per run and month): refuse a
    breakdown table, whose rows (one per region, say) would pass for runs, and a table
    without ``columns``."""
    kind = analysis.breakdown(frame)
    if kind is not None:
        raise ValueError(
            f"{figure} needs the metrics table, one row per run and month "
            f"(analysis.load(path)); this is the {kind} breakdown, one row per "
            f"{analysis.BREAKDOWN_ROWS[kind]} and month"
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{figure} needs the column(s) {', '.join(missing)} of the metrics table "
            "(analysis.load(path)), which this table lacks"
        )
    analysis.need_runs_once(frame, figure)


def _close(name: str, present) -> str:
    """' (did you mean 'x'?)' when a name in ``present`` is close to ``name``."""
    near = difflib.get_close_matches(name, [str(p) for p in present], n=3, cutoff=0.75)
    return f" (did you mean {' or '.join(repr(n) for n in near)}?)" if near else ""


def _need_metric(frame: pd.DataFrame, metric: str, figure: str) -> None:
    """``metric`` must be a column of the metrics table ``frame``."""
    _need_metrics_table(frame, figure)
    if metric in frame.columns:
        return
    if metric in metrics.NAMES:
        raise ValueError(f"{figure}: this table has no column {metric!r}")
    columns = [c for c in frame.columns if c in metrics.NAMES]
    raise ValueError(
        f"{figure}: unknown metric {metric!r}{_close(metric, columns)}; "
        "`skillsim list metrics` lists them all"
    )


def _need_effect(effects: pd.DataFrame, metric: str, figure: str) -> None:
    """``effects`` must be a table of ``analysis.effects`` with rows of ``metric``."""
    if "metric" not in effects.columns or "effect" not in effects.columns:
        raise ValueError(
            f"{figure} needs a table of effects (analysis.effects(results)), with columns "
            "metric, effect, ci_low and ci_high; this table has none"
        )
    present = set(effects["metric"])
    if metric not in present:
        raise ValueError(
            f"no effects of {metric!r} in this table{_close(metric, present)}; "
            "`skillsim list metrics` lists the metrics"
        )
    # One row per scenario, policy and point: the effects of two sweeps concatenated
    # (or a breakdown's regions) were drawn as same-looking markers on one row,
    # nothing telling them apart.
    keys = [k for k in ("scenario", "policy", "point") if k in effects.columns]
    twice = effects[effects["metric"] == metric].duplicated(keys, keep=False)
    if twice.any():
        first = effects.loc[twice[twice].index[0], keys]
        raise ValueError(
            f"{figure}: these effects hold {' | '.join(map(str, first))} more than once "
            f"for {metric!r} (the effects of two sweeps concatenated, or a breakdown's "
            "groups?): draw one sweep's effects, or one group's, at a time"
        )


_PLURAL = {"scenario": "scenarios", "policy": "policies"}


def _pick(frame: pd.DataFrame, what: str, scenarios=None, policies=None) -> pd.DataFrame:
    """The rows of the ``scenarios`` and ``policies`` asked for (None: all; names absent
    from the table are skipped). Raises ValueError when the table is empty or a filter
    matches nothing, naming the scenarios or policies there are."""
    if frame.empty:
        raise ValueError(f"no {what} to plot: this table is empty (no finished runs?)")
    for column, keep in (("scenario", scenarios), ("policy", policies)):
        if keep is None or column not in frame.columns:
            continue
        keep = [keep] if isinstance(keep, str) else list(keep)
        part = frame[frame[column].isin(keep)]
        if part.empty:
            have = ", ".join(str(v) for v in dict.fromkeys(frame[column]))
            hint = ""
            if column == "policy" and "effect" in frame.columns:
                hint = "; the baseline policy has no effects of its own"
            raise ValueError(
                f"no {what} for {column} {', '.join(repr(k) for k in keep)} in this table "
                f"({_PLURAL[column]} present: {have}{hint})"
            )
        frame = part
    return frame


# ---------------------------------------------------------- design points


def _parameters(frame: pd.DataFrame) -> list[str]:
    """The swept parameters' columns: as ``analysis.load`` records them, else the
    columns between ``point`` and the next key (``analysis`` puts them there, in its
    results and in its effects)."""
    names = frame.attrs.get("skillsim", {}).get("parameters") or []
    if names:
        return [n for n in names if n in frame.columns]
    columns = list(frame.columns)
    if "point" not in columns:
        return []
    out = []
    for c in columns[columns.index("point") + 1 :]:
        if c in ("replicate", "seed", "run_id", "month", "metric"):
            break
        if pd.api.types.is_numeric_dtype(frame[c]):
            out.append(c)
    return out


def parameter_words(frame: pd.DataFrame, name: str, lang: str) -> str:
    """Design parameter ``name`` of ``frame`` in words (``i18n.parameter_name``; its
    settings from the frame's ``attrs``, which ``analysis.load`` and the tables derived
    from its results keep)."""
    paths = frame.attrs.get("skillsim", {}).get("paths", {}).get(name, ())
    return i18n.parameter_name(name, paths, lang)


def point_labels(frame: pd.DataFrame, lang: str, params: Sequence[str] | None = None) -> dict:
    """The design points of ``frame``, ordered by their parameter values (``params``,
    by default ``_parameters(frame)``): point -> its label ('subsidy yuan per year =
    7,500'); one point (or no ``point`` column): {}."""
    if "point" not in frame.columns or frame["point"].nunique() < 2:
        return {}
    params = list(_parameters(frame) if params is None else params)
    first = frame.groupby("point", sort=True)[params].first() if params else None
    if first is None or first.empty:
        return {k: text("point", lang).format(k=k) for k in sorted(frame["point"].unique())}
    first = first.sort_values(params, kind="stable")
    # As few digits as tell apart the points that differ; points that ran the same
    # values (a whole-number field's samples, rounded; a morris design's repeats) are
    # told by their number, not by 17 digits of float noise (5,000.0000000000009).
    distinct = len(first.apply(lambda c: c.map(lambda v: float(f"{v:.12g}"))).drop_duplicates())
    names = {n: parameter_words(frame, n, lang) for n in params}
    # (in Chinese: "补贴（元）：7,500，..." with the page's own punctuation)
    equals, comma = ("：", "，") if lang == "zh" else (" = ", ", ")
    for digits in (4, 6, 9, 17):
        labels = {
            k: comma.join(f"{names[n]}{equals}{_number(v, digits)}" for n, v in row.items())
            for k, row in first.iterrows()
        }
        if len(set(labels.values())) == distinct:
            break
    said = list(labels.values())
    twice = {v for v in said if said.count(v) > 1}
    pt = text("point", lang)
    return {k: f"{v} ({pt.format(k=k)})" if v in twice else v for k, v in labels.items()}


def _number(v, digits: int = 4) -> str:
    """``v`` with ``digits`` significant digits, in plain notation from 1 up (a value of
    ``digits`` or more digits before the point is rounded to a whole number, not
    written 1.285e+04)."""
    v = float(v)
    if v.is_integer() or abs(v) >= 10 ** (digits - 1):
        return f"{v:,.0f}"
    return f"{v:,.{digits}g}"


MONTH_STEPS = (12, 24, 60, 120, 240, 600)  # ticks a year apart, or several years


def month_ticks(ax, months: float) -> None:
    """Ticks on a month axis: on whole years (multiples of 12, or of 24, 60, ... for a
    long horizon: ten ticks at most) from 24 months up, where 0, 8, 16 read as nothing;
    whole months below."""
    if months >= 24:
        step = next((k for k in MONTH_STEPS if months / k <= 10), MONTH_STEPS[-1])
        ax.xaxis.set_major_locator(MultipleLocator(step))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # (no month 2.5)


def _with_point(name: str, point: str, lang: str) -> str:
    """'policy, parameter = value' (in Chinese with its own comma)."""
    return f"{name}{'，' if lang == 'zh' else ', '}{point}"


def _row_label(name: str, point: str, lang: str, width: int = 44) -> str:
    """'policy, parameter = value' on one line, or the parameters on lines below the
    policy when that is long, a line broken only between two parameters' settings
    ("youth reservation =" above its "0" read as two: an outside review)."""
    one = _with_point(name, point, lang)
    if len(one) <= (width // 2 if lang == "zh" else width):
        return one
    comma = "，" if lang == "zh" else ", "
    lines: list[str] = []
    for part in point.split(comma):
        joined = f"{lines[-1]}{comma}{part}" if lines else part
        if lines and len(_wrap(joined, lang, width).splitlines()) == 1:
            lines[-1] = joined
        else:
            lines.append(part)
    return f"{name}{comma.rstrip()}\n" + f"{comma.rstrip()}\n".join(lines)


def _policy_months(frame: pd.DataFrame, figure: str) -> pd.DataFrame:
    """The rows of months 1.. (month 0 is the state at policy start)."""
    months = frame[frame["month"] >= 1]
    if months.empty:
        raise ValueError(f"{figure}: these results have no month of the policy period (1 on)")
    return months


def _baseline(table: pd.DataFrame, given: str | None, effects: bool = False) -> str:
    """The baseline policy of a figure: ``given``, else the one the table names
    (``analysis.baseline_of``: a sweep's own, or what its effects are against), else
    "none". Effects against another baseline than ``given`` are refused: the figure
    would say "against" one policy with the numbers of another."""
    named = analysis.baseline_of(table)
    if given is None:
        if effects and "baseline_policy" not in table.attrs.get("skillsim", {}):
            warnings.warn(
                "these effects do not say what they are against, or over which months "
                "(their attrs are gone: pd.concat drops them where its tables' differ, as "
                "analysis.effects and report.jobs_effects of another baseline_policy, "
                f"summary or months do); the note says against {named!r}, over the policy "
                "period: take both tables with the same arguments, or name baseline_policy",
                UserWarning,
                stacklevel=4,  # (the caller of the figure, past its argument check)
            )
        return named
    if effects and "baseline_policy" in table.attrs.get("skillsim", {}) and named != given:
        raise ValueError(
            f"these effects are against {named!r}, not baseline_policy={given!r}: leave "
            f"baseline_policy out, or take the effects against it "
            f"(analysis.effects(results, {given!r}))"
        )
    return given


def _seeds(counts) -> tuple[int, str]:
    """The largest of the seed counts and the counts in words ('3', or '2-3' when
    they differ)."""
    counts = [int(c) for c in counts if pd.notna(c)]
    lo, hi = (min(counts), max(counts)) if counts else (0, 0)
    return hi, (str(hi) if lo == hi else f"{lo}-{hi}")


# ------------------------------------------------------------------- paths


@_figure
def paths(
    results: pd.DataFrame,
    metric: str,
    *,
    scenarios: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    baseline_policy: str | None = None,
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
    hints: bool = True,
) -> Figure:
    """A metric over the months: one panel per scenario, one line per policy, the
    mean over seeds with the 95% t interval of the mean as a band (for a line of 3
    seeds or more: from two, the interval spans 12.7 standard errors either side and
    would swamp the lines; the note says so).

    Results of several design points (a design sweep) get one line per policy and
    point: the colour is the policy's, the line pattern the point's, the legend gives
    the point's parameter values. Beyond ``MAX_POINT_LINES`` lines a panel shows each
    point as a thin line of its policy's colour, without bands: the spread of the paths
    over the design; select a point (``results[results.point == k]``) for its band (the
    note says so, unless ``hints`` is off: a report's figures, for a forum, go without
    Python in their notes). ``results`` is the metrics table (``analysis.load(path)``), not a breakdown."""
    _need_metric(results, metric, "paths")
    baseline_policy = _baseline(results, baseline_policy)
    data = _pick(results, "rows", scenarios, policies)
    if "point" not in data.columns:
        data = data.assign(point=0)
    keys = ["scenario", "policy", "point"]
    value = data[metric] * scale(metric)
    frame = data.assign(value=value)[[*keys, "month", "value"]]
    known = metrics.BY_NAME.get(metric)
    bounds = tuple(b * scale(metric) for b in known.bounds) if known else (-math.inf, math.inf)
    stats = t_interval(frame.groupby([*keys, "month"], sort=False), bounds)
    scen = ordered(data["scenario"], wanted=scenarios)
    pols = ordered(data["policy"], baseline_policy, policies)
    looks = look(pols, SHIPPED["policy"], baseline_policy)
    points = point_labels(data, lang)  # {} for one point
    run = "run_id" if "run_id" in data.columns else "seed" if "seed" in data.columns else None
    if run is not None:
        most, seeds = _seeds(data.groupby(keys, sort=False)[run].nunique())
    else:
        most, seeds = _seeds([stats["n"].max()])
    thin = len(points) * len(pols) > MAX_POINT_LINES or len(points) > len(DASHES)
    banded = len(pols) * max(len(points), 1) <= MAX_BANDS  # (else the baseline's alone)
    with theme(style, lang):
        fig, axes = _panels(len(scen), style)
        for ax, s in zip(axes, scen, strict=True):
            for p in pols:
                lk = looks[p]
                mine = stats[(stats["scenario"] == s) & (stats["policy"] == p)]
                for i, k in enumerate(points or [None]):
                    line = mine
                    if k is not None:
                        line = line[line["point"] == k]
                    if line.empty:
                        continue
                    if thin:
                        ax.plot(line["month"], line["mean"], color=lk["color"], lw=0.8, alpha=0.6)
                        continue
                    name = name_of("policy", p, lang)
                    ax.plot(
                        line["month"],
                        line["mean"],
                        color=lk["color"],
                        dashes=lk["dashes"] if k is None else DASHES[i],
                        label=name if k is None else _with_point(name, points[k], lang),
                    )
                    # (two seeds: see the note; a line's own count, as an unfinished
                    # sweep's lines differ: 2 of them beside 3 drew +-12.7-SE bands)
                    if (
                        (banded or p == baseline_policy)
                        and line["low"].notna().any()
                        and line["n"].max() > 2
                    ):
                        ax.fill_between(
                            line["month"],
                            line["low"],
                            line["high"],
                            color=lk["color"],
                            alpha=0.15,
                            lw=0,
                        )
            ax.set_title(name_of("scenario", s, lang) if len(scen) > 1 else "")
            ax.set_xlabel(text("month", lang))
            month_ticks(ax, float(stats["month"].max()))
        if len(axes) > 3:  # rows of panels: one label for all (row by row, a wrapped
            # label ran into the next row's)
            fig.supylabel(axis_label(metric, lang), fontsize=axes[0].yaxis.label.get_size())
        else:
            axes[0].set_ylabel(_wrap(axis_label(metric, lang), lang, 34))
        _share_scale(axes)
        fig.suptitle(title or text("paths_title", lang).format(what=label(metric, lang)))
        # Two seeds give a 95% interval of +-12.7 standard errors (t with one degree of
        # freedom): right, but a band that swamps the lines on a slide; none is drawn.
        key = "seeds_band" if most > 2 else "two_seeds" if most == 2 else "one_seed"
        note = text(key, lang).format(n=seeds)
        if most > 2 and stats.groupby(keys, sort=False)["n"].max().min() <= 2:
            note += text("band_fewer", lang)
        if most > 2 and not banded:
            base = name_of("policy", baseline_policy, lang)
            key = "band_baseline" if hints else "band_baseline_only"
            note += text(key, lang).format(base=base, most=MAX_BANDS)
        handles = None
        if thin:
            first = next(iter(points))
            # (bands from 3 seeds up: with 2, selecting a point would show none)
            key = "point_thin" if most > 2 else "point_thin_two" if most == 2 else "point_thin_one"
            hint = text("hint_band", lang).format(first=first) if hints else ""
            note = text(key, lang).format(k=len(points), n=seeds, hint=hint)
            handles = [
                plt.Line2D([], [], color=looks[p]["color"], label=name_of("policy", p, lang))
                for p in pols
            ]
        elif points:
            note = text("point_lines", lang).format(k=len(points)) + note
        ncol = 1 if points and not thin else None
        _finish(
            fig,
            note,
            lang,
            axes,
            handles=handles,
            title=text("policy", lang),
            ncol=ncol,
            source=source_line(results, lang),
        )
    return _done(fig)


# ------------------------------------------------------------------ forest


@_figure
def forest(
    effects: pd.DataFrame,
    metric: str,
    *,
    scenarios: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    baseline_policy: str | None = None,
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
) -> Figure:
    """Policy effects on one metric with their 95% intervals: one row per policy, one
    marker per scenario, a line at zero (no effect).

    Effects of several design points (a design sweep: a ``point`` column and one column
    per swept parameter) get one row per policy and point, labelled by the point's
    parameter values ('apprenticeship subsidy, subsidy yuan per year = 7,500') and
    ordered by them. An analyst sweeping a policy's setting wants to see how its effect
    changes with the setting, each level with its own interval, side by side; averaging
    the points would blur that into one row, and refusing would leave one figure per
    point to compare by eye. Many points make a tall figure (a row each): select the
    ones to show first, e.g. ``effects[effects.point.isin([0, 4, 8])]``."""
    if metric == analysis.COST_METRIC:  # (drawn as a difference, it read as one: a review)
        raise ValueError(
            f"forest: {metric} is a ratio of two effects with Fieller's interval, not a paired "
            "difference (allowed: cost_effectiveness(effects) draws spending against the "
            "workers gained; forest takes a catalogue metric, e.g. spending_total_yuan)"
        )
    _need_effect(effects, metric, "forest")
    baseline_policy = _baseline(effects, baseline_policy, effects=True)
    rows = _pick(
        effects[effects["metric"] == metric], f"effects of {metric!r}", scenarios, policies
    )
    if "point" not in rows.columns:
        rows = rows.assign(point=0)
    k = scale(metric)
    pols = ordered(rows["policy"], wanted=policies)
    scen = ordered(rows["scenario"], wanted=scenarios)
    points = point_labels(rows, lang)  # {} for one point
    keys = [
        (p, q)
        for p in pols
        for q in (points or [None])
        if q is None or ((rows["policy"] == p) & (rows["point"] == q)).any()
    ]
    where = {key: i for i, key in enumerate(keys)}
    names = []
    for p, q in keys:
        name = name_of("policy", p, lang)
        names.append(name if q is None else _row_label(name, points[q], lang))
    looks = look(scen, SHIPPED["scenario"], "baseline")
    step = 0.7 / max(len(scen), 1)
    w, h = _SIZES[style]
    with theme(style, lang):
        # (a row's room: a line's and the gap between rows; three lines a row at 0.45 in
        # each made a design's 12 rows a strip of 3,600 px: an outside review)
        lines = max(n.count("\n") + 1 for n in names)
        per_row = 0.27 + 0.18 * lines if style == "paper" else 0.36 + 0.24 * lines
        # (talk: the legend and note in larger type take more of the height; a strip of
        # 2.7:1 crowded the rows)
        least, extra = (h * 0.6, 1.6) if style == "paper" else (h * 0.8, 2.4)
        fig, ax = _subplots(
            figsize=(w, max(least, per_row * len(keys) + extra)), layout="constrained"
        )
        most, n = _seeds(rows["n"])
        for j, s in enumerate(scen):
            part = rows[rows["scenario"] == s]
            pairs = zip(part["policy"], part["point"], strict=True)
            at = [where[(p, q if points else None)] for p, q in pairs]
            y = np.array(at, float) + (j - (len(scen) - 1) / 2) * step
            est = part["effect"].to_numpy(float) * k
            lo = part["ci_low"].to_numpy(float) * k
            hi = part["ci_high"].to_numpy(float) * k
            ax.errorbar(
                est,
                y,
                xerr=whiskers(est, lo, hi),
                fmt=looks[s]["marker"],
                color=looks[s]["color"],
                markersize=6 if style == "paper" else 9,
                capsize=2,
                lw=1.2 if style == "paper" else 2,
                label=name_of("scenario", s, lang),
            )
            few = part["n"].to_numpy(float) < most  # (an unfinished sweep, a metric's gaps)
            ax.plot(
                est[few],
                y[few],
                looks[s]["marker"],
                color=looks[s]["color"],
                markerfacecolor="white",
                markersize=6 if style == "paper" else 9,
                zorder=3,  # (over the errorbar's filled marker, at 2.1)
            )
        ax.axvline(0, color="#333333", lw=1.0, zorder=1)  # (over the grid)
        if i18n.catalogue_unit(metric).startswith("yuan"):  # (whole yuan, not "1e6" apart)
            ax.xaxis.set_major_formatter(
                matplotlib.ticker.FuncFormatter(
                    lambda v, _: _number(v + 0.0).replace("-", "\u2212")
                )
            )
        ax.set_yticks(range(len(keys)), names)
        ax.set_ylim(len(keys) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(axis_label(metric, lang, effect=True))
        ax.set_title(title or text("forest_title", lang).format(what=label(metric, lang)))
        base = name_of("policy", baseline_policy, lang)
        note = text("effect_note", lang) if most > 1 else text("effect_note_one", lang)
        note = note.format(base=base, n=n, **effects_basis(effects, lang))
        if (rows["n"] < most).any():
            note += text("effect_note_fewer", lang)
        # (a legend for one scenario too: a design sweep's forest on a slide named
        # none of its scenario: an outside review)
        _finish(
            fig,
            note,
            lang,
            [ax],
            title=text("scenario", lang),
            ncol=min(len(scen), 2),
            source=source_line(effects, lang),
        )
    return _done(fig)


# ---------------------------------------------------------------- heat map


# The count a measure of a table row is a mean over (``mismatch_heatmap``'s thin cells).
COUNT_OF = {
    "skill_gap_mean": "employed",
    "under_skilled_share": "employed",
    "wage_mean_yuan": "employed",
    "unemployment_rate": "labour_force",
}
# Fewer workers than this behind a cell's mean and the map hatches it: the mean of n
# workers' values moves by about their spread / sqrt(n), over 18% of it below 30.
THIN_CELL = 30


def _one_setting(table: pd.DataFrame, rows: str, columns: str, pool: Sequence[str]) -> None:
    """Refuse a map that would average unlike runs (``mismatch_heatmap``), unless the
    caller asks for it (``pool``)."""
    if isinstance(pool, str):
        pool = (pool,)
    unknown = [k for k in pool if k not in ("scenario", "policy", "point")]
    if unknown:  # (a typo, "points", was ignored and the policies blamed: an outside review)
        raise ValueError(
            f"mismatch_heatmap: pool {', '.join(map(repr, unknown))} is not a key a map can "
            "average over (allowed: 'scenario', 'policy', 'point')"
        )
    for key in ("scenario", "policy", "point"):
        if key in (rows, columns) or key in pool or key not in table.columns:
            continue
        present = list(dict.fromkeys(table[key].dropna()))
        if len(present) > 1:
            shown = ", ".join(map(str, present[:6])) + (", ..." if len(present) > 6 else "")
            raise ValueError(
                f"mismatch_heatmap: the table holds {len(present)} values of {key!r} "
                f"({shown}), and one map would average them together; keep one (e.g. "
                f"table[table[{key!r}] == {present[0]!r}]) or map {key!r} as rows or columns"
            )


@_figure
def mismatch_heatmap(
    table: pd.DataFrame,
    *,
    rows: str = "sector",
    columns: str = "region",
    value: str = "skill_gap_mean",
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
    limits: tuple[float, float] | None = None,
    pool: Sequence[str] = (),
    thin: int | None = THIN_CELL,
) -> Figure:
    """A heat map of ``value`` (the mean skill gap of the employed, by default) with
    one row per ``rows`` key and one column per ``columns`` key; a long table with
    several entries per cell (months, seeds) is averaged, and a cell with no value
    (no one employed there) is left blank. The average is over the workers behind the
    entries, each entry weighted by its count (``COUNT_OF``: the employed for a gap,
    share or wage, the labour force for an unemployment rate) where the table has it:
    a seed with 30 workers in a cell does not count as much as one with 150.
    ``limits`` (low, high, in the table's units)
    fixes the colour scale, so that several maps drawn with the same limits compare;
    by default it spans this map's values (those of its thin cells, below, left out: a
    thin cell beyond the scale takes its end colour; every cell's, where the cells of
    enough workers hold fewer than two values and so give no scale).

    A cell whose value is a mean over fewer than ``thin`` workers (on average over the
    entries averaged: the employed for a gap, share or wage, the labour force for an
    unemployment rate, when the table has that count) is hatched, and a legend under
    the map says so: its value moves with a handful of workers. ``thin=None`` marks
    none.

    Runs that differ in what they simulate are not averaged together: a table with
    several scenarios, policies or design points that are not the map's rows or
    columns is refused (filter it to one first, as the report and the notebook do),
    except those named in ``pool`` (``pool=("point",)`` averages a design sweep's points,
    as the report does, saying so in its caption)."""
    _need_cells(table, rows, columns, value)
    _one_setting(table, rows, columns, pool)
    grid = _cell_means(table, rows, columns, value)
    few = _thin_cells(table, rows, columns, value, thin, grid)
    if limits is None:
        limits = _steady_range([(grid, few)])
    grid = grid * scale(value)
    vmin, vmax = (limits[0] * scale(value), limits[1] * scale(value)) if limits else (None, None)
    kinds = {"sector", "region", "scenario", "policy"}
    grid.index = [name_of(rows, r, lang) if rows in kinds else r for r in grid.index]
    grid.columns = [name_of(columns, c, lang) if columns in kinds else c for c in grid.columns]
    w, h = _SIZES[style]
    with theme(style, lang):
        height = max(h * 0.8, (0.42 if style == "paper" else 0.6) * len(grid) + 1.8)
        fig, ax = _subplots(figsize=(w, height), layout="constrained")
        sns.heatmap(
            grid,
            ax=ax,
            cmap=HEATMAP,
            vmin=vmin,
            vmax=vmax,
            annot=True,
            fmt=".3f" if scale(value) == 1 else ".1f",
            linewidths=0.5,
            linecolor="white",
            cbar_kws={"label": axis_label(value, lang)},
        )
        ax.set_xlabel(text(columns, lang) if columns in kinds else columns, labelpad=8)
        # (apart from the tick labels: Chinese ones sat against it)
        ax.set_ylabel(text(rows, lang) if rows in kinds else rows, labelpad=10)
        # Chinese names are upright, broken onto lines where long ("基准情景\n（延续
        # 现有趋势）"): turned, they only take room
        ax.tick_params(axis="x", rotation=0 if lang == "zh" else 20)
        if lang == "zh":
            ax.set_xticklabels([_zh_lines(t.get_text()) for t in ax.get_xticklabels()])
        ax.tick_params(axis="y", rotation=0)  # seaborn turns long labels upright
        if lang != "zh":
            for t in ax.get_xticklabels():
                t.set_ha("right")
        where = {k: text(k, lang) if k in kinds else k for k in (rows, columns)}
        ax.set_title(
            title
            or text("heatmap_title", lang).format(rows=where[rows], columns=where[columns])
            + _averaged(table, rows, columns, lang)
        )
        colours = _cell_colours(ax, few.shape)
        _ink_numbers(ax, colours)
        _hatch_thin(fig, ax, few, colours, thin, value, lang, source=source_line(table, lang))
    return _done(fig)


def _averaged(table: pd.DataFrame, rows: str, columns: str, lang: str) -> str:
    """A heat map's default title's second line: the policy its table is of (where it
    has one, and it is not the map's rows or columns) and the months it averages
    (a map drawn from the API said neither: an outside review); empty where the table
    says neither."""
    parts = []
    if "policy" in table.columns and "policy" not in (rows, columns):
        policies = table["policy"].dropna().unique()
        if len(policies) == 1:
            parts.append(name_of("policy", str(policies[0]), lang))
    if "month" in table.columns and "month" not in (rows, columns) and len(table):
        first, last = int(table["month"].min()), int(table["month"].max())
        if lang == "zh":
            parts.append(f"第{first}个月" if first == last else f"第{first}至{last}个月平均")
        else:
            parts.append(f"month {first}" if first == last else f"mean of months {first}-{last}")
    return ("\n" + ("，" if lang == "zh" else ", ").join(parts)) if parts else ""


def ink(rgba) -> str:
    """The ink, black or white, that contrasts more with a cell of colour ``rgba``
    (WCAG 2's relative luminance). Seaborn's own switch left white numbers on the
    middle of cividis at 2.3:1, where text needs 4.5:1 (an outside review); the
    better of the two is at least 4.6:1 on any colour."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(float(c)) for c in rgba[:3])
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "white"


def thin_hatch(rgba) -> tuple[float, float, float, float]:
    """The hatch of a thin cell of colour ``rgba``: its numbers' ink, half through (a
    white hatch vanished on the map's bright end, 1.1:1: an outside review)."""
    return (0.0, 0.0, 0.0, 0.5) if ink(rgba) == "black" else (1.0, 1.0, 1.0, 0.5)


def _cell_colours(ax: Axes, shape: tuple[int, int]) -> np.ndarray:
    """Each cell's colour (rows x columns x RGBA) of the heat map seaborn drew on ``ax``."""
    mesh = ax.collections[0]
    values = np.ma.masked_invalid(np.ma.asarray(mesh.get_array(), dtype=float)).reshape(shape)
    return mesh.cmap(mesh.norm(values))


def _ink_numbers(ax: Axes, colours: np.ndarray) -> None:
    """Each of seaborn's numbers in the ink of its cell (``ink``; ``colours`` from
    ``_cell_colours``)."""
    for t in ax.texts:  # (one at each cell's centre)
        x, y = t.get_position()
        t.set_color(ink(colours[int(y), int(x)]))


def _zh_lines(words: str, width: int = 6) -> str:
    """A Chinese tick label on lines of about ``width`` characters, a bracketed
    remark on a line of its own."""
    head, bracket, rest = words.partition("（")
    if len(head) > width and "+" in head:  # ("绿色转型+\n乡村振兴", not "…+乡\n村振兴")
        lines = [part for part in head.replace("+", "+\n").split("\n") if part]
    else:
        lines = textwrap.wrap(head, width) or [head]
    if bracket:
        lines += textwrap.wrap(bracket + rest, width + 2)
    return "\n".join(lines)


def _cell_means(table: pd.DataFrame, rows: str, columns: str, value: str) -> pd.DataFrame:
    """``mismatch_heatmap``'s grid: each cell's mean of ``value`` over its entries,
    weighted by the workers behind each (``COUNT_OF``) when the table has that count."""
    count = COUNT_OF.get(value)
    if count is None or count not in table.columns:
        return table.pivot_table(
            index=rows, columns=columns, values=value, aggfunc="mean", sort=False, dropna=False
        )
    known = table[value].notna() & table[count].gt(0)
    weights = table[count].where(known, 0.0).astype(float)
    parts = table[[rows, columns]].assign(
        _sum=(table[value].where(known, 0.0) * weights), _n=weights
    )
    sums = parts.pivot_table(
        index=rows, columns=columns, values=["_sum", "_n"], aggfunc="sum", sort=False,
        dropna=False,
    )  # fmt: skip
    n = sums["_n"]
    return (sums["_sum"] / n.where(n > 0)).rename_axis(columns=columns)


def heatmap_limits(
    tables: Sequence[pd.DataFrame | tuple[pd.DataFrame, str, str]],
    *,
    rows: str = "sector",
    columns: str = "region",
    value: str = "skill_gap_mean",
    thin: int | None = THIN_CELL,
) -> tuple[float, float] | None:
    """One colour scale for the maps of ``tables`` (``mismatch_heatmap``'s ``limits``,
    in the table's units): the range of the cells the maps draw, each map's own
    weighted means, its thin cells left out as a single map leaves them out (a thin cell
    beyond the scale takes its end colour); every cell's, where the cells of enough
    workers hold fewer than two values. None if no map has a value.

    A map of other rows and columns is given as ``(table, rows, columns)``: maps by
    sector, by region and by sector and region on one scale (the report's), so that one
    colour is one value in each."""
    maps = [(t, rows, columns) if isinstance(t, pd.DataFrame) else tuple(t) for t in tables]
    return _steady_range(
        [
            (grid, _thin_cells(t, r, c, value, thin, grid))
            for t, r, c in maps
            for grid in [_cell_means(t, r, c, value)]
        ]
    )


def _steady_range(maps) -> tuple[float, float] | None:
    """The colour scale of ``maps`` ((grid, thin mask) pairs): the least and greatest
    value of their cells of enough workers, or of all their cells where those hold
    fewer than two values; None without a value."""
    values = [(m.to_numpy(dtype=float), few) for m, few in maps]
    steady = np.concatenate([v[~few & np.isfinite(v)] for v, few in values])
    if np.unique(steady).size < 2:  # (no spread to scale to: every cell's values)
        steady = np.concatenate([v[np.isfinite(v)] for v, _ in values])
    return (float(steady.min()), float(steady.max())) if steady.size else None


def _thin_cells(
    table: pd.DataFrame, rows: str, columns: str, value: str, thin: int | None, grid
) -> np.ndarray:
    """For each cell of ``grid`` (the map's values, rows x columns), whether its value is
    a mean over fewer than ``thin`` workers on average (``COUNT_OF``); none without a
    threshold, a count column or a value."""
    count = COUNT_OF.get(value)
    if thin is None or count not in table.columns:
        return np.zeros(grid.shape, dtype=bool)
    mean = table.pivot_table(
        index=rows, columns=columns, values=count, aggfunc="mean", sort=False, dropna=False
    )
    few = mean.reindex_like(grid).to_numpy(dtype=float) < thin
    return few & np.isfinite(grid.to_numpy(dtype=float))


def _hatch_thin(
    fig: Figure,
    ax,
    few: np.ndarray,
    colours: np.ndarray,
    thin: int | None,
    value: str,
    lang: str,
    source: str | None = None,
):
    """Hatch the map's thin cells (``few``, rows x columns; ``colours``, each cell's, as
    ``_cell_colours`` gives them), put their numbers in brackets, and say why in a
    legend under the map, ``source`` (``source_line``) under it."""
    if not few.any():
        if source:
            _map_footer(fig, [], [], source, lang)
        return
    from matplotlib.patches import Rectangle

    for i, j in zip(*np.nonzero(few), strict=True):
        mark = {**THIN_MARK, "edgecolor": thin_hatch(colours[i, j])}
        ax.add_patch(Rectangle((j, i), 1, 1, zorder=1.5, **mark))
    for t in ax.texts:  # seaborn's numbers, one at each cell's centre
        x, y = t.get_position()
        if few[int(y), int(x)]:
            t.set_text(f"({t.get_text()})")
    thin_legend(fig, thin, value, lang, source=source)


# How a thin cell is hatched (``mismatch_heatmap``, the dashboard's live map; its
# colour by the cell's, ``thin_hatch``).
THIN_MARK = {"hatch": "///", "edgecolor": (1.0, 1.0, 1.0, 0.5), "linewidth": 0.0, "fill": False}


def thin_legend(
    fig: Figure, thin: int | None, value: str, lang: str, source: str | None = None, **kw
) -> None:
    """The legend under a map that says what its hatched cells are (and ``source``,
    the figure's source line, under it)."""
    from matplotlib.patches import Patch

    who = text("thin_base_labour_force" if COUNT_OF[value] == "labour_force" else
               "thin_base_employed", lang)  # fmt: skip
    key = Patch(facecolor="#808080", hatch="///", edgecolor="#FFFFFF", linewidth=0.0)
    words = text("thin_cells", lang).format(n=thin, who=who)
    _map_footer(fig, [key], [words], source, lang, **kw)


def _map_footer(fig: Figure, keys: list, words: list[str], source, lang: str, **kw) -> None:
    """A legend under a map: its ``keys`` and ``words``, then ``source`` on a row of its
    own (no key), each wrapped to the figure's width (as _finish wraps its note), less
    the key's room. (A legend, not a text: the map's layout makes room for it.)"""
    from matplotlib.patches import Patch

    keyed = bool(keys)
    if source:
        keys, words = [*keys, Patch(visible=False)], [*words, source]
    size = kw.get("fontsize", plt.rcParams["legend.fontsize"])
    chars = fig.get_figwidth() * 72 / (_points(size) * 0.55) - (15 if keyed else 0)
    fig.legend(
        keys,
        [_wrap(w, lang, max(40, int(chars))) for w in words],
        loc="outside lower center",
        frameon=False,
        **({} if keyed else {"handlelength": 0, "handletextpad": 0}) | kw,
    )


def _need_cells(table: pd.DataFrame, rows: str, columns: str, value: str) -> None:
    """The heat map's keys and measure must be columns of ``table``."""
    if table.empty:
        raise ValueError("mismatch_heatmap: this table is empty, nothing to plot")
    measures = [
        c
        for c in table.columns
        if pd.api.types.is_numeric_dtype(table[c])
        and c not in ("point", "replicate", "seed", "month", *_parameters(table))
    ]
    for arg, key in (("rows", rows), ("columns", columns)):
        if key not in table.columns:
            keys = [c for c in table.columns if c not in measures and c != "run_id"]
            raise ValueError(
                f"mismatch_heatmap: {arg}={key!r} is not a column of this table (its keys: "
                f"{', '.join(keys)}); by sector or region it needs a breakdown: "
                "analysis.load(path, table='sector'), 'region', or 'cell' for sector x region"
            )
    if value not in table.columns:
        raise ValueError(
            f"mismatch_heatmap: value={value!r} is not a column of this table"
            f"{_close(value, measures)}; its measures: {', '.join(measures)}"
        )


# ------------------------------------------------------------------ funnel

STAGES = ("starts", "completions", "retained", "employed")
FUNNEL_COLUMNS = (
    "run_id",
    "month",
    "apprenticeship_starts",
    "apprenticeship_completions",
    "apprenticeship_retention_rate",
    "apprenticeship_employment_12m",
)
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--", "++", "**")


def funnel_table(results: pd.DataFrame) -> pd.DataFrame:
    """Per run: apprentices per month at each stage, means over months 1..M.
    ``retained`` and ``employed`` are completions times the retention rate and the
    12-month employment rate of completers: none in a month without completions, where
    the rates are not defined (NaN); in a month with completions whose rate is not
    defined (the 12-month rate in a month whose completers of a year before were none),
    the run's mean rate over the months that define it, so that a run's stages count the
    same months (such months had been left out of the later stages' means alone: an
    outside review). A design sweep's runs keep their ``point``."""
    months = results[results["month"] >= 1]
    comp = months["apprenticeship_completions"]

    def of_completions(rate: pd.Series) -> pd.Series:
        usual = rate.groupby(months["run_id"]).transform("mean")  # (NaN left out)
        return comp * rate.fillna(usual).where(comp != 0, 0.0)

    stages = pd.DataFrame(
        {
            "starts": months["apprenticeship_starts"],
            "completions": comp,
            "retained": of_completions(months["apprenticeship_retention_rate"]),
            "employed": of_completions(months["apprenticeship_employment_12m"]),
        }
    )
    keys = ["scenario", "policy", *(["point"] if "point" in months.columns else []), "run_id"]
    per_run = pd.concat([months[keys], stages], axis=1).groupby(keys, sort=False)
    long = per_run.mean().reset_index().melt(keys, var_name="stage")
    return long


@_figure
def funnel(
    results: pd.DataFrame,
    *,
    scenarios: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    baseline_policy: str | None = None,
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
    hints: bool = True,
) -> Figure:
    """The apprenticeship pipeline: started, completed, kept by the training firm and
    in work 12 months later, per month, one bar per policy, one panel per scenario,
    with the 95% interval over seeds.

    Results of several design points (a design sweep) get a bar per policy and point:
    the colour is the policy's, the hatch the point's, the legend gives the point's
    parameter values; each interval is over the seeds of its point. Beyond
    ``MAX_POINT_LINES`` bars a stage, a policy's bar is the mean over the points with a
    whisker from the lowest to the highest point (the spread over the design, not an
    interval); select a point (``results[results.point == k]``) for its interval."""
    _need_metrics_table(results, "funnel", FUNNEL_COLUMNS)
    baseline_policy = _baseline(results, baseline_policy)
    data = _pick(results, "rows", scenarios, policies)
    long = funnel_table(_policy_months(data, "funnel"))
    if "point" not in long.columns:
        long = long.assign(point=0)
    keys = ["scenario", "policy", "point"]
    stats = t_interval(long.groupby([*keys, "stage"], sort=False), (0.0, math.inf))  # counts
    scen = ordered(long["scenario"], wanted=scenarios)
    pols = ordered(long["policy"], baseline_policy, policies)
    looks = look(pols, SHIPPED["policy"], baseline_policy)
    points = point_labels(data, lang)  # {} for one point
    most, seeds = _seeds(long.groupby(keys, sort=False)["run_id"].nunique())
    had = set(zip(stats["policy"], stats["point"], strict=True))  # a policy may lack a point
    spread = len(points) * len(pols) > MAX_POINT_LINES or len(points) > len(HATCHES)
    if spread:  # each policy: the mean over the points, whiskers from lowest to highest
        over = stats.groupby(["scenario", "policy", "stage"], sort=False)["mean"]
        stats = over.agg(["mean", "min", "max"]).reset_index()
        stats = stats.rename(columns={"min": "low", "max": "high"})
    bars = [
        (i, p, j, k)
        for i, p in enumerate(pols)
        for j, k in enumerate(points if points and not spread else [None])
        if k is None or (p, k) in had
    ]
    width = 0.8 / len(bars)
    with theme(style, lang):
        fig, axes = _panels(len(scen), style, ncols=2)
        for ax, s in zip(axes, scen, strict=True):
            for b, (i, p, j, k) in enumerate(bars):
                part = stats[(stats["scenario"] == s) & (stats["policy"] == p)]
                if k is not None:
                    part = part[part["point"] == k]
                part = part.set_index("stage").reindex(list(STAGES))
                x = np.arange(len(STAGES)) + (b - (len(bars) - 1) / 2) * width
                name = name_of("policy", p, lang)
                ax.bar(
                    x,
                    part["mean"],
                    width=width * 0.95,
                    color=looks[p]["color"],
                    hatch=HATCHES[(i if k is None else j) % len(HATCHES)],
                    edgecolor="white",
                    label=name if k is None else _with_point(name, points[k], lang),
                )
                ax.errorbar(
                    x,
                    part["mean"],
                    yerr=whiskers(part["mean"], part["low"], part["high"]),
                    fmt="none",
                    ecolor="#333333",
                    lw=1,
                )
            names = [text(f"stage_{s_}", lang) for s_ in STAGES]
            if lang != "zh":  # (the Chinese names carry their own line breaks)
                names = [textwrap.fill(n, 10 if style == "talk" else 14) for n in names]
            ax.set_xticks(range(len(STAGES)), names)
            ax.set_title(name_of("scenario", s, lang) if len(scen) > 1 else "")
            ax.grid(axis="x", visible=False)
        for ax in axes[::2]:
            ax.set_ylabel(text("funnel_y", lang))
        _share_scale(axes)
        fig.suptitle(title or text("funnel_title", lang))
        note = text("funnel_note_one", lang) if most < 2 else text("funnel_note", lang)
        if spread:
            key = "funnel_spread_one" if most < 2 else "funnel_spread"
            first = next(iter(points))
            hint = text("hint_interval", lang).format(first=first) if hints else ""
            note = text(key, lang).format(k=len(points), n=seeds, hint=hint)
        elif points:
            key = "funnel_points_one" if most < 2 else "funnel_points"
            note = text(key, lang).format(k=len(points), n=seeds) + note
        ncol = 1 if points and not spread else None
        _finish(
            fig,
            note,
            lang,
            axes,
            title=text("policy", lang),
            ncol=ncol,
            source=source_line(results, lang),
        )
    return _done(fig)


# --------------------------------------------------------------- Beveridge


@_figure
def beveridge(
    results: pd.DataFrame,
    *,
    scenarios: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    baseline_policy: str | None = None,
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
    hints: bool = True,
    per: str = "quarter",
) -> Figure:
    """The Beveridge curve: vacancy rate against unemployment rate, quarter by quarter
    (means over the quarter's months and over seeds), one line per scenario; one panel
    per policy (by default the baseline policy only). ``per="year"`` gives a point a year
    (the months' seasonal swing, school leavers entering once a year, makes quarterly
    curves loop; the report draws years).

    Results of several design points (a design sweep) get a line per scenario and
    point: the colour is the scenario's, the line pattern the point's, the legend gives
    the point's parameter values. Beyond ``MAX_POINT_LINES`` lines a panel shows each
    point as a thin line of its scenario's colour: the spread of the curves over the
    design; select a point (``results[results.point == k]``) to see its curve alone."""
    cols = ["unemployment_rate", "vacancy_rate"]
    _need_metrics_table(results, "beveridge", ["month", *cols])
    baseline_policy = _baseline(results, baseline_policy)
    if policies is None and "policy" in results.columns:
        policies = [baseline_policy] if baseline_policy in set(results["policy"]) else None
    data = _policy_months(_pick(results, "rows", scenarios, policies), "beveridge")
    if per not in PERIODS:
        raise ValueError(f"beveridge: per={per!r} is not one of {', '.join(PERIODS)}")
    data = data.assign(month=(data["month"] - 1) // PERIODS[per] + 1)  # periods 1, 2, ...
    points = point_labels(data, lang)  # {} for one point
    if "point" not in data.columns:
        data = data.assign(point=0)
    keys = ["policy", "scenario", "point"]
    mean = data.groupby([*keys, "month"], sort=False)[cols].mean().reset_index()
    mean[cols] = mean[cols] * 100
    scen = ordered(mean["scenario"], wanted=scenarios)
    pols = ordered(mean["policy"], baseline_policy, policies)
    looks = look(scen, SHIPPED["scenario"], "baseline")
    run = "run_id" if "run_id" in data.columns else "seed" if "seed" in data.columns else None
    most, seeds = _seeds(data.groupby(keys, sort=False)[run].nunique()) if run else (0, "")
    thin = len(points) * len(scen) > MAX_POINT_LINES or len(points) > len(DASHES)
    with theme(style, lang):
        fig, axes = _panels(len(pols), style)
        for ax, p in zip(axes, pols, strict=True):
            ends = []  # (colour, xs, ys) of each line: its first and last points, drawn last
            for s in scen:
                lk = looks[s]
                mine = mean[(mean["policy"] == p) & (mean["scenario"] == s)]
                for i, k in enumerate(points or [None]):
                    line = mine if k is None else mine[mine["point"] == k]
                    line = line.sort_values("month")
                    if line.empty:
                        continue
                    x, y = line["unemployment_rate"].to_numpy(), line["vacancy_rate"].to_numpy()
                    if thin:
                        ax.plot(x, y, color=lk["color"], lw=0.8, alpha=0.6)
                        continue
                    dashes = lk["dashes"] if k is None else DASHES[i]
                    ax.plot(x, y, color=lk["color"], dashes=dashes, lw=1, alpha=0.9)
                    ends.append((lk["color"], x, y))
                    name = name_of("scenario", s, lang)
                    ax.plot(
                        [],
                        [],
                        color=lk["color"],
                        dashes=dashes,
                        label=name if k is None else _with_point(name, points[k], lang),
                    )
            # The first years' circles sit close together (every scenario starts from
            # the same month 0, and one that departs later shares its first years): the
            # first scenario's (the baseline's) on top, drawn last, and each circle that
            # lies under others a ring around them, hollow, so that none hides another
            # (the baseline's was hidden under the later scenarios' white-filled circles:
            # a review).
            size = plt.rcParams["lines.markersize"]
            for colour, x, y, under in _rings(ends):
                ax.plot(x[:1], y[:1], "o", color=colour, mfc="none", mew=1.5, ms=size + 3 * under)
                ax.plot(x[-1:], y[-1:], "s", color=colour)
            ax.set_xlabel(axis_label("unemployment_rate", lang))
            ax.set_ylabel(axis_label("vacancy_rate", lang))
            ax.set_title(name_of("policy", p, lang))
        fig.suptitle(title or text("beveridge_title", lang))
        words = text(f"per_{per}", lang)
        note = text("beveridge_note", lang).format(
            per=words, first=text(f"first_{per}", lang), last=text(f"last_{per}", lang)
        )
        handles = None
        ncol = min(len(scen), 2)
        if thin:
            key = "beveridge_thin_one" if most < 2 else "beveridge_thin"
            first = next(iter(points))
            hint = text("hint_curve", lang).format(first=first) if hints else ""
            note = text(key, lang).format(k=len(points), n=seeds, per=words, hint=hint)
            handles = [
                plt.Line2D([], [], color=looks[s]["color"], label=name_of("scenario", s, lang))
                for s in scen
            ]
        elif points:
            key = "beveridge_points_one" if most < 2 else "beveridge_points"
            note = text(key, lang).format(k=len(points), n=seeds, per=words)
            ncol = 1
        _finish(
            fig,
            note,
            lang,
            axes,
            handles=handles,
            title=text("scenario", lang),
            ncol=ncol,
            source=source_line(results, lang),
        )
    return _done(fig)


def _rings(ends: list) -> list:
    """``ends`` (colour, xs, ys of each curve, in the order drawn) in the order their
    first points' circles are drawn, the first curve's last, each with its ring: 0 for
    a circle that lies on none drawn after it (within 2% of the panel's data span), else
    one more than the largest ring of those it lies on (``beveridge`` draws it that many
    sizes larger), so that each circle rings every one it would hide, a chain of near
    circles included."""
    if not ends:
        return []
    xs = np.concatenate([x for _, x, _ in ends])
    ys = np.concatenate([y for _, _, y in ends])
    near = 0.02 * np.array([np.ptp(xs) or 1.0, np.ptp(ys) or 1.0])
    order = list(reversed(ends))
    ring = [0] * len(order)
    for i in reversed(range(len(order))):  # (those drawn after it first)
        _, x, y = order[i]
        under = [
            ring[j]
            for j in range(i + 1, len(order))
            if np.all(np.abs([x[0] - order[j][1][0], y[0] - order[j][2][0]]) <= near)
        ]
        ring[i] = 1 + max(under) if under else 0
    return [(colour, x, y, r) for (colour, x, y), r in zip(order, ring, strict=True)]


# ------------------------------------------------------ pairs of policies


def _pair_number(v: float, metric: str, wan: bool = False) -> str:
    """A pair's difference in a matrix cell, short: a share's in percentage points, two
    decimals; a count or an index as its effects show it; yuan whole, or with ``wan``
    (a Chinese figure whose scale is in 万) in 万, to three significant digits
    ('+6.23万', '+0.896万', '+2,500万')."""
    shown = v * scale(metric)
    if i18n.catalogue_unit(metric).startswith("yuan"):
        if wan and v != 0 and math.isfinite(v):
            digits = float(f"{v / 10_000:.3g}")  # (three digits, then as many places)
            places = max(0, 2 - math.floor(math.log10(abs(digits))))
            return f"{digits:+,.{places}f}万".replace("-", "\u2212")
        if round(v) == 0:
            return "0"
        return f"{v:+,.0f}".replace("-", "\u2212")
    places = analysis.usual_places(i18n.catalogue_unit(metric), v)
    if round(shown, places) == 0:  # ("0.00", not "−0.00" for -0.004)
        return f"{0.0:.{places}f}"
    return f"{shown:+.{places}f}".replace("-", "\u2212")


@_figure
def pair_interactions(
    interactions: pd.DataFrame,
    metric: str,
    *,
    scenarios: Sequence[str] | None = None,
    style: str = "paper",
    lang: str = "en",
) -> Figure:
    """Which pairs of policies work together or against each other: a matrix per
    scenario, one cell per pair of policies, of how much the pair's effect on
    ``metric`` differs from its two parts' effects added up (``interactions``: rows of
    ``analysis.interaction`` of combinations of two parts, one design point; others are
    left out). A cell's colour is the difference on one scale for every panel (blue
    below zero, red above); strong, with its number in bold, where its interval excludes
    zero, pale where it does not."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import Rectangle

    pairs = interactions[interactions["parts"].astype(str).str.count(r"\+") == 1]
    if pairs["point"].nunique() > 1:
        raise ValueError(
            "pair_interactions draws one design point: keep the rows of one "
            "(interactions[interactions['point'] == p])"
        )
    rows = pairs[pairs["metric"] == metric]
    if rows.empty:
        known = ", ".join(dict.fromkeys(pairs["metric"])) or "none"
        raise ValueError(
            f"pair_interactions: no pair of policies has {metric!r} here (pairs' metrics: "
            f"{known}; analysis.interaction of each pair and its two parts gives them)"
        )
    present = list(dict.fromkeys(rows["scenario"]))
    # (in the order asked for, the others after)
    scen = [s for s in scenarios or () if s in present]
    scen += [s for s in present if s not in scen]
    parts = list(dict.fromkeys(p for both in rows["parts"] for p in both.split("+")))
    at = {p: i for i, p in enumerate(parts)}
    n = len(parts) - 1  # (the matrix's rows: parts 2..; its columns: parts ..n-1)
    k = scale(metric)
    shown_unit = unit(metric, lang, effect=True)
    top = float(np.nanmax(np.abs(rows["interaction"].to_numpy(float)))) * k
    # a Chinese page's yuan in 万 from 10,000 up: the scale and every cell alike (a cell
    # of 8,964 yuan beside a scale in 万 read as 8,964万)
    wan = lang == "zh" and i18n.catalogue_unit(metric).startswith("yuan") and top >= 10_000
    if wan:
        k, top = k / 10_000, top / 10_000
        shown_unit = "万" + shown_unit
    norm = Normalize(-top, top) if top > 0 else Normalize(-1.0, 1.0)
    cmap = sns.color_palette("vlag", as_cmap=True)
    names = [_wrap(name_of("policy", p, lang), lang, 18) for p in parts]
    # (Chinese names upright under the columns, on lines of five: side by side they ran
    # into each other)
    below = [_zh_lines(name_of("policy", p, lang), 5) for p in parts] if lang == "zh" else names
    cols = min(len(scen), 2 if style == "paper" else 3)
    grid_rows = math.ceil(len(scen) / cols)
    side = (0.62 if style == "paper" else 0.8) * n + 2.4
    with theme(style, lang):
        fig, axes = _subplots(
            grid_rows,
            cols,
            figsize=(side * cols + 1.2, side * grid_rows + 1.4),
            squeeze=False,
            layout="constrained",
        )
        for ax in axes.flat[len(scen) :]:
            ax.set_visible(False)
        size = _points("x-small" if n > 6 else "small")
        for ax, s in zip(axes.flat, scen, strict=False):
            for r in rows[rows["scenario"] == s].to_dict("records"):
                a, b = r["parts"].split("+")
                i, j = max(at[a], at[b]), min(at[a], at[b])
                v = float(r["interaction"])
                clear = bool(r["ci_low"] > 0 or r["ci_high"] < 0)
                colour = np.array(cmap(norm(v * k)))
                if not clear:  # (pale: a third of the colour on white)
                    colour[:3] = 1 - (1 - colour[:3]) / 3
                ax.add_patch(Rectangle((j, i - 1), 1, 1, facecolor=colour, edgecolor="white"))
                if clear:  # (framed: a clear difference near zero is near white)
                    ax.add_patch(
                        Rectangle(
                            (j + 0.04, i - 0.96), 0.92, 0.92, fill=False, ec="#333333", lw=1.0
                        )
                    )
                if math.isfinite(v):
                    ax.text(
                        j + 0.5,
                        i - 0.5,
                        _pair_number(v, metric, wan),
                        ha="center",
                        va="center",
                        fontsize=size,
                        color=ink(colour) if clear else "#555",
                        fontweight="bold" if clear else "normal",
                    )
            ax.set_xlim(0, n)
            ax.set_ylim(n, 0)
            ax.set_aspect("equal")
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
            ax.set_xticks(np.arange(n) + 0.5, below[:-1], rotation=0 if lang == "zh" else 40)
            ax.set_yticks(np.arange(n) + 0.5, names[1:])
            if lang != "zh":
                for t in ax.get_xticklabels():
                    t.set_ha("right")
            ax.tick_params(length=0)
            ax.set_title(name_of("scenario", s, lang))
        fig.colorbar(
            ScalarMappable(norm, cmap),
            ax=axes.flat[: len(scen)],
            shrink=0.7,
            label=_wrap(text("pairs_scale", lang).format(unit=shown_unit), lang, 40),
        )  # fmt: skip
        fig.suptitle(text("pairs_title", lang).format(what=label(metric, lang)), weight="bold")
        info = interactions.attrs.get("skillsim", {})
        basis = effects_basis(interactions, lang)
        least, most = int(rows["n"].min()), int(rows["n"].max())
        seeds = f"{most}" if least == most else f"{least}-{most}"
        note = text("pairs_note", lang).format(
            base=name_of("policy", str(info.get("baseline_policy", "none")), lang),
            basis=basis["basis"],
            level=basis["level"],
            seeds=seeds,
            cells=len(rows),
        )
        _finish(fig, note, lang, source=source_line(interactions, lang))
    return _done(fig)


# ------------------------------------------------------ cost-effectiveness


@_figure
def cost_effectiveness(
    effects: pd.DataFrame,
    *,
    jobs_metric: str = "in_employment",
    scenarios: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    baseline_policy: str | None = None,
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
) -> Figure:
    """Public cost against jobs gained: each policy's extra public spending (yuan per
    month) against its extra workers in employment, both paired effects with 95%
    intervals; grey lines through zero mark equal cost per additional worker.

    ``effects`` needs rows of ``spending_total_yuan`` and of ``jobs_metric`` (see
    ``simulation.report.jobs_effects`` for ``in_employment``: employed + apprentices)."""
    wanted = ["spending_total_yuan", jobs_metric]
    if "metric" in effects.columns and not set(wanted) <= set(effects["metric"]):
        raise ValueError(f"the effects table needs rows of spending_total_yuan and {jobs_metric}")
    _need_effect(effects, jobs_metric, "cost_effectiveness")
    baseline_policy = _baseline(effects, baseline_policy, effects=True)
    rows = _pick(effects[effects["metric"].isin(wanted)], "effects", scenarios, policies)
    # a design sweep's effects: one marker per point, labelled by its parameter values
    params = _parameters(rows)
    keys = ["scenario", "policy", *(["point", *params] if "point" in rows else [])]
    cost = rows[rows["metric"] == "spending_total_yuan"].set_index(keys)
    jobs = rows[rows["metric"] == jobs_metric].set_index(keys)
    if cost.empty or jobs.empty:
        raise ValueError(f"the effects table needs rows of spending_total_yuan and {jobs_metric}")
    both = cost.merge(jobs, left_index=True, right_index=True, suffixes=("_cost", "_jobs"))
    both = both.reset_index()
    # A Chinese page writes 10,000 yuan and more in 万: the spending axis in 万元
    spent = ["effect_cost", "ci_low_cost", "ci_high_cost"]
    per = 1.0
    if lang == "zh" and np.nanmax(np.abs(both[spent].to_numpy(float)), initial=0) >= 10_000:
        per = 10_000.0
        both[spent] = both[spent] / per
    cost_y = text("cost_y_wan" if per > 1 else "cost_y", lang)
    points = point_labels(both, lang, params)
    pols = ordered(both["policy"], wanted=policies)
    scen = ordered(both["scenario"], wanted=scenarios)
    # The baseline policy has no effect to draw, but keeps its colour (black) as in
    # ``paths`` and ``funnel``: given the same ``policies``, a policy is one colour in all.
    colours = look(
        [baseline_policy, *(p for p in pols if p != baseline_policy)],
        SHIPPED["policy"],
        baseline_policy,
    )
    # A panel per scenario (forty points of eight policies in five scenarios on one
    # panel piled their labels up), each policy with its own colour and marker: not by
    # colour alone (greyscale, colour-blind readers).
    w, h = _SIZES[style]
    with theme(style, lang):
        if len(scen) == 1:
            fig, ax = _subplots(figsize=(w, h * 1.15), layout="constrained")
            axes = [ax]
        else:
            fig, axes = _panels(len(scen), style, ncols=3)
        for ax, s in zip(axes, scen, strict=True):
            part = both[both["scenario"] == s]
            for _, r in part.iterrows():
                x, y = r["effect_jobs"], r["effect_cost"]
                ax.errorbar(
                    x,
                    y,
                    xerr=whiskers([x], [r["ci_low_jobs"]], [r["ci_high_jobs"]]),
                    yerr=whiskers([y], [r["ci_low_cost"]], [r["ci_high_cost"]]),
                    fmt=colours[r["policy"]]["marker"],
                    color=colours[r["policy"]]["color"],
                    markersize=7 if style == "paper" else 10,
                    # (a white rim: policies of little effect sit close together near
                    # the origin, and a marker drawn over another hid its shape)
                    mec="white",
                    mew=0.8,
                    capsize=2,
                    lw=1,
                )
                if points:
                    ax.annotate(
                        points[r["point"]],
                        (x, y),
                        xytext=(4, 4),
                        textcoords="offset points",
                        fontsize="x-small",
                        color="#555555",
                    )
            ax.axhline(0, color="#333333", lw=1.0, zorder=1)  # (over the grid)
            ax.axvline(0, color="#333333", lw=1.0, zorder=1)  # (over the grid)
            # (whole yuan, or the digits a narrow axis needs: no "-0" ticks)
            ax.yaxis.set_major_formatter(
                matplotlib.ticker.FuncFormatter(
                    lambda v, _: _number(v + 0.0).replace("-", "\u2212")
                )
            )
            if len(scen) > 1:
                ax.set_title(name_of("scenario", s, lang))
        if len(scen) > 1:  # one scale: panels side by side are read against each other
            _share_scale(axes, "x")
            _share_scale(axes)
        for ax in axes:
            _iso_cost(ax, both, lang, per)
        if len(scen) == 1:
            axes[0].set_xlabel(text("cost_x", lang))
            axes[0].set_ylabel(_wrap(cost_y, lang, 30))
            axes[0].set_title(title or text("cost_title", lang))
        else:
            for ax in axes:  # (as paths does: a figure-wide one ran into the footnote)
                ax.set_xlabel(_wrap(text("cost_x", lang), lang, 30))
                ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
            fig.suptitle(title or text("cost_title", lang))
        handles = [
            plt.Line2D(
                [],
                [],
                ls="",
                marker=colours[p]["marker"],
                color=colours[p]["color"],
                label=name_of("policy", p, lang),
            )
            for p in pols
        ]
        # (a legend of many policies takes the figure's height from its panels: room for
        # it below them, at three entries a row, past the first three rows)
        rows = math.ceil(len(handles) / 3) - 3
        if rows > 0:
            fig.set_figheight(fig.get_figheight() + rows * 0.28 * _points("medium") / 10)
        most, n = _seeds(both[["n_cost", "n_jobs"]].min(axis=1))
        note = text("cost_note", lang) if most > 1 else text("cost_note_one", lang)
        note = note.format(
            base=name_of("policy", baseline_policy, lang), n=n, **effects_basis(effects, lang)
        )
        bottom = _finish(
            fig,
            note,
            lang,
            handles=handles,
            title=text("policy", lang),
            source=source_line(effects, lang),
        )
        if len(scen) > 1:  # (beside the panels, not the legend: a long one ran under it)
            size = axes[0].yaxis.label.get_size()
            fig.supylabel(cost_y, fontsize=size, y=(1 + bottom) / 2, va="center")
    return _done(fig)


def _iso_cost(ax, both: pd.DataFrame, lang: str, per: float = 1.0) -> None:
    """Grey rays of equal cost per additional worker-month through the origin
    (``per``: yuan per unit of the spending axis, 10,000 where it is in 万元)."""
    x_max = float(
        np.nanmax(np.abs(both[["ci_low_jobs", "ci_high_jobs", "effect_jobs"]].to_numpy()))
    )
    y_max = float(
        np.nanmax(np.abs(both[["ci_low_cost", "ci_high_cost", "effect_cost"]].to_numpy()))
    )
    if not (np.isfinite(x_max) and np.isfinite(y_max)) or x_max == 0 or y_max == 0:
        return
    typical = y_max / x_max
    base = 10 ** math.floor(math.log10(typical))
    # each ray ends inside the panel as drawn: one that ran past its top (the data's
    # largest magnitude can be a negative bound) had its label clipped away, so the
    # steeper ray stood unlabelled (an outside review)
    x_top, y_top = ax.get_xlim()[1], ax.get_ylim()[1]
    if x_top <= 0 or y_top <= 0:
        return
    for c in (base, 10 * base):
        xs = np.array([0, min(x_max, x_top, 0.97 * y_top / c)])
        ax.plot(xs, c * xs, color="#8c8c8c", lw=0.8, dashes=(3, 2), zorder=0)
        ax.annotate(
            text("cost_line", lang).format(cost=_yuan(c * per, lang)),
            (xs[-1], c * xs[-1]),
            fontsize="x-small",
            color="#595959",
            ha="right",
            va="bottom",
        )
    # Room above the data for a label at a ray's top end (it sat against the title).
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.07 * (high - low))


def _yuan(x: float, lang: str) -> str:
    """An amount of yuan for a label: '12,000'; in Chinese 10,000 and more in 万 ('1.2万')."""
    if lang == "zh" and abs(x) >= 10_000:
        return f"{x / 10_000:,.4g}万"
    return f"{x:,.0f}"


# ------------------------------------------------------------- sensitivity


@_figure
def sensitivity(
    indices: pd.DataFrame,
    *,
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
) -> Figure:
    """Sensitivity indices from ``simulation.analysis.sensitivity``: Sobol first-order
    (S1) and total (ST) indices with their 95% intervals, or Morris mu* with its
    interval; one bar group per parameter, one panel per scenario and policy."""
    need = ["scenario", "policy", "metric", "parameter"]
    if indices.empty or any(c not in indices.columns for c in need):
        raise ValueError(
            "sensitivity needs the indices of analysis.sensitivity(results, metric) "
            f"(columns {', '.join(need)} and the indices); this table has none"
        )
    metric = str(indices["metric"].iloc[0])
    of = str(indices["of"].iloc[0]) if "of" in indices else "level"
    if "S2" in indices:  # (a second-order design's pairs: a table's, not bars)
        indices = indices[indices["S2"].isna()]
    sobol = "ST" in indices
    values = ["S1", "ST"] if sobol else ["mu_star"]
    if any(c not in indices.columns for c in values) or indices[values].isna().all(axis=None):
        raise ValueError(
            f"{metric!r} does not vary across the design points (the same value at every "
            "point), so it has no sensitivity indices to draw (Sobol S1 and ST or Morris mu*)"
        )
    groups = list(indices.groupby(["scenario", "policy"], sort=False))
    cut = False  # a Sobol whisker beyond its axis (a few samples' interval)
    with theme(style, lang):
        fig, axes = _panels(len(groups), style, ncols=2)
        for ax, ((s, p), part) in zip(axes, groups, strict=True):
            names = [
                _wrap(parameter_words(indices, str(n), lang), lang, 30) for n in part["parameter"]
            ]
            y = np.arange(len(part))
            if sobol:
                for j, (col, key, colour, hatch) in enumerate(
                    (("S1", "sobol_first", COLOURS[1], ""), ("ST", "sobol_total", COLOURS[2], "//"))
                ):
                    ax.barh(
                        y + (j - 0.5) * 0.4,
                        part[col],
                        height=0.38,
                        xerr=part[f"{col}_conf"].fillna(0),
                        color=colour,
                        hatch=hatch,
                        edgecolor="white",
                        error_kw={"ecolor": "#333333", "lw": 1},
                        label=text(key, lang),
                    )
                ax.set_xlabel(text("sobol_x", lang))
                # The axis spans 0 to 1 and the estimates, not an interval of +-16 from
                # a design of two samples, which would leave the bars too thin to read.
                est = part[["S1", "ST"]].to_numpy(float)
                conf = part[["S1_conf", "ST_conf"]].fillna(0).to_numpy(float)
                if np.isfinite(est).any():
                    lo = min(0.0, float(np.nanmin(est))) - 0.05
                    hi = max(1.0, float(np.nanmax(est))) + 0.05
                    ax.set_xlim(lo, hi)
                    cut |= bool(np.any((est - conf < lo) | (est + conf > hi)))
            else:  # (in the units the metric is shown in: a share's in points)
                k = scale(metric)
                ax.barh(
                    y,
                    part["mu_star"] * k,
                    xerr=part["mu_star_conf"].fillna(0) * k,
                    color=COLOURS[1],
                    error_kw={"ecolor": "#333333", "lw": 1},
                )
                shown = unit(metric, lang, effect=True)
                ax.set_xlabel(
                    _wrap(text("morris_x_unit", lang).format(unit=shown), lang, 44)
                    if shown
                    else text("morris_x", lang)
                )
            ax.set_yticks(y, names)
            ax.set_ylim(len(part) - 0.5, -0.5)
            ax.axvline(0, color="#333333", lw=0.8)
            ax.grid(axis="y", visible=False)
            head = f"{name_of('scenario', s, lang)} | {name_of('policy', p, lang)}"
            if of == "effect":
                base = indices.attrs.get("skillsim", {}).get("baseline_policy", "none")
                against = text("against_base", lang).format(base=name_of("policy", base, lang))
                head = _wrap(f"{head} {against}", lang, 48)
            ax.set_title(head)
            if part[values].isna().all(axis=None):  # this panel's metric is constant
                words = text("no_variation", lang).format(what=label(metric, lang))
                ax.text(
                    0.5,
                    0.5,
                    _wrap(words, lang, 40),
                    transform=ax.transAxes,
                    ha="center",
                    va="center",
                    color="#444",
                )
        if not sobol:  # one scale for every panel: bars of one size read as one size
            k = scale(metric)
            reach = (indices["mu_star"] + indices["mu_star_conf"].fillna(0)) * k
            if np.isfinite(reach).any() and float(np.nanmax(reach)) > 0:
                for ax in axes[: len(groups)]:
                    ax.set_xlim(0, 1.05 * float(np.nanmax(reach)))
        key = "sensitivity_title_effect" if of == "effect" else "sensitivity_title"
        if of == "effect" and indices["policy"].nunique() == 1:
            key = "sensitivity_title_effect_one"
        fig.suptitle(title or text(key, lang).format(what=label(metric, lang)))
        _finish(
            fig,
            text("sobol_cut", lang) if cut else None,
            lang,
            axes if sobol else None,
            ncol=2,
            source=source_line(indices, lang),
        )
    return _done(fig)


# ------------------------------------------------------- one run, live

COUNT_UNITS = ("per month", "workers")  # units of whole counts: whole ticks (run_lines)


@_figure
def run_lines(
    frame: pd.DataFrame,
    metrics: Sequence[str],
    *,
    title: str | None = None,
    ylabel: str | None = None,
    size: tuple[float, float] | None = None,
    months: int | None = None,
    style: str = "paper",
    lang: str = "en",
) -> Figure:
    """Metrics of one run over the months (``model.metrics_frame()``, say), one line
    each; the metrics should share a unit. ``months`` fixes the x axis; ``size``
    (inches) is the style's panel by default; ``ylabel`` replaces the axis label (by
    default the metric's, or the unit of several)."""
    looks = look(metrics)
    with theme(style, lang):
        fig, ax = _subplots(figsize=size or _SIZES[style], layout="constrained")
        for m in metrics:
            lk = looks[m]
            values = frame[m].to_numpy(float)
            ax.plot(
                frame["month"],
                values * scale(m),
                color=lk["color"],
                dashes=lk["dashes"],
                lw=2,
                label=label(m, lang),
                # a value between two gaps (the TVET seats' use, given at the intakes
                # only) is no line: a marker shows it
                marker="o" if _isolated(values).any() else None,
                markersize=5,
            )
        if months:
            ax.set_xlim(0, months)
        month_ticks(ax, months or float(frame["month"].max()))
        if all(i18n.catalogue_unit(m) in COUNT_UNITS for m in metrics):
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # (no half apprentices)
        top = max(float(np.nanmax(frame[m] * scale(m), initial=0)) for m in metrics)
        ax.set_ylim(0, top * 1.15 if top > 0 else 1)
        ax.set_xlabel(text("month", lang))
        ax.set_ylabel(_wrap(axis_label(metrics[0], lang), lang, 30))
        if len(metrics) > 1:
            ax.set_ylabel(i18n.unit(metrics[0], lang))
            # under the panel, not in it: "best" still sat on the peaks of a long run
            fig.legend(
                loc="outside lower center", ncols=min(len(metrics), 2), fontsize="small",
                frameon=False,
            )  # fmt: skip
        if ylabel is not None:
            ax.set_ylabel(ylabel)
        ax.set_title(title or label(metrics[0], lang))
    return _done(fig)


def _isolated(values: np.ndarray) -> np.ndarray:
    """Which of a line's values have no value on either side (NaN or the end)."""
    given = ~np.isnan(values)
    before = np.concatenate(([False], given[:-1]))
    after = np.concatenate((given[1:], [False]))
    return given & ~before & ~after


@_figure
def region_bars(
    table: pd.DataFrame,
    metrics: Sequence[str],
    *,
    title: str | None = None,
    size: tuple[float, float] | None = None,
    style: str = "paper",
    lang: str = "en",
) -> Figure:
    """One month of a breakdown by region (``model.breakdown("region")`` at a month):
    one bar group per region, one bar per metric (metrics sharing a unit); ``size``
    (inches) is the style's panel by default."""
    empty = [m for m in metrics if table[m].isna().all()]
    if empty:
        intake = [m for m in empty if m in AT_INTAKE]
        raise ValueError(
            f"region_bars: {', '.join(empty)} has no value in any region of this table"
            + (
                f" ({', '.join(intake)}: given only in the months school leavers choose, "
                "August as shipped; allowed: such a month of the table)"
                if intake
                else ""
            )
        )
    looks = look(metrics)
    hatches = ("", "//", "..", "xx")
    regions = list(table["region"])
    width = 0.8 / len(metrics)
    with theme(style, lang):
        fig, ax = _subplots(figsize=size or _SIZES[style], layout="constrained")
        for i, m in enumerate(metrics):
            x = np.arange(len(regions)) + (i - (len(metrics) - 1) / 2) * width
            ax.bar(
                x,
                table[m].to_numpy(float) * scale(m),
                width=width * 0.95,
                color=looks[m]["color"],
                hatch=hatches[i % len(hatches)],
                edgecolor="white",
                label=i18n.region_label(m, lang),  # (each region's own rate)
            )
        ax.set_xticks(range(len(regions)), [name_of("region", r, lang) for r in regions])
        ax.grid(axis="x", visible=False)
        ax.set_ylabel(
            axis_label(metrics[0], lang, region=True)
            if len(metrics) == 1
            else i18n.unit(metrics[0], lang)
        )
        if len(metrics) > 1:
            ax.legend(loc="best", fontsize="small")
        ax.set_title(title or text("region", lang))
    return _done(fig)
