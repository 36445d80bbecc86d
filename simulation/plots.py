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
Okabe-Ito palette, safe for colour-blind readers), by marker and by line pattern, so a
figure still reads in greyscale; heat maps use cividis, whose lightness rises steadily.

Intervals: a path's band is the 95% t interval of the mean across seeds at each month;
effects come with the paired intervals of ``simulation.analysis.effects``.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from contextlib import contextmanager

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from simulation import i18n
from simulation.i18n import axis_label, label, name_of, scale, text

STYLES = ("paper", "talk")
# Okabe & Ito (2008), safe for colour-blind readers; ordered so that the first three
# also differ clearly in lightness (black, blue, orange). Yellow, too faint on white, is
# replaced by grey and a dark ochre. In greyscale the series still differ by line
# pattern, marker or hatch, which every figure sets too.
COLOURS = (
    "#000000",
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#7F7F7F",
    "#8C6D00",
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
_SIZES = {"paper": (6.4, 4.2), "talk": (11.0, 6.2)}  # one panel; talk is 16:9


@contextmanager
def theme(style: str = "paper", lang: str = "en"):
    """Seaborn's paper or talk context on a white grid; a CJK font for Chinese."""
    if style not in STYLES:
        raise ValueError(f"style {style!r} is not one of {', '.join(STYLES)}")
    i18n.check_lang(lang)
    families = ["DejaVu Sans"]
    if lang == "zh":
        families = [i18n.cjk_font(), "DejaVu Sans"]
    rc = {
        # concrete names, not "sans-serif": a text keeps them when drawn after the context
        "font.family": families,
        "axes.unicode_minus": lang != "zh",
        "figure.dpi": 100,
        "savefig.dpi": 200 if style == "paper" else 120,
        "savefig.bbox": "tight",
        "axes.titleweight": "bold",
        "axes.spines.right": False,
        "axes.spines.top": False,
        "legend.frameon": False,
    }
    context = sns.plotting_context(style, font_scale=1.0 if style == "paper" else 0.95)
    with sns.axes_style("whitegrid"), plt.rc_context({**context, **rc}):
        yield


def look(keys: Sequence[str]) -> dict[str, dict]:
    """Colour, marker and line pattern per key, in order: the first (the baseline
    policy, say) is black and solid."""
    return {
        k: {
            "color": COLOURS[i % len(COLOURS)],
            "marker": MARKERS[i % len(MARKERS)],
            "dashes": DASHES[i % len(DASHES)],
        }
        for i, k in enumerate(keys)
    }


def ordered(values, first: str | None = None, wanted=None) -> list:
    """Distinct values in the order of ``wanted`` (the scenarios or policies asked
    for), else of appearance; ``first`` (if present) first."""
    seen = list(dict.fromkeys(values))
    if wanted is not None:
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        seen = [v for v in wanted if v in seen] + [v for v in seen if v not in wanted]
    if first in seen:
        seen.remove(first)
        seen.insert(0, first)
    return seen


def t_interval(groups) -> pd.DataFrame:
    """Mean, 95% t interval of the mean, and n, of column ``value`` per group."""
    from scipy import stats

    out = groups["value"].agg(["mean", "std", "count"]).rename(columns={"count": "n"})
    half = stats.t.ppf(0.975, np.maximum(out["n"] - 1, 1)) * out["std"] / np.sqrt(out["n"])
    half = half.where(out["n"] > 1)
    return out.assign(low=out["mean"] - half, high=out["mean"] + half).reset_index()


def _panels(n: int, style: str, ncols: int = 3):
    """``n`` panels in rows of ``ncols``: a 16:9 canvas for talk, compact for paper."""
    cols = min(n, ncols)
    rows = math.ceil(n / cols)
    if style == "talk":
        size = (13.33, 7.5 if rows == 1 else 4.6 * rows + 1.5)
    else:
        size = (6.4 if cols == 1 else 4.4 * cols, 3.3 * rows + 1.3)
    fig, axes = plt.subplots(rows, cols, figsize=size, squeeze=False, layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def _wrap(words: str, lang: str, width: int) -> str:
    return textwrap.fill(words, width // 2 if lang == "zh" else width)


def _finish(
    fig: Figure,
    note: str | None,
    lang: str,
    axes=None,
    handles=None,
    title: str | None = None,
    ncol: int | None = None,
) -> None:
    """A legend (of ``axes[0]``, or ``handles``) and a footnote along the bottom of
    the figure, inside it, so that a PNG carries both; the panels fill the rest."""
    renderer = fig.canvas.get_renderer()
    height = fig.bbox.height
    bottom = 0.0
    if note:
        chars = fig.get_figwidth() * 72 / (_points("small") * 0.55)
        words = _wrap(note, lang, int(chars))
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
            loc="lower center",
            bbox_to_anchor=(0.5, bottom),
            ncol=ncol or min(len(handles), 3),
            handlelength=3,
        )
        bottom += legend.get_window_extent(renderer).height / height + 0.005
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))


def _done(fig: Figure) -> Figure:
    """Hand the figure over without keeping it in pyplot's list of open figures: no
    window opens, no memory piles up over many figures, and a notebook shows it once
    (as the cell's value)."""
    plt.close(fig)
    return fig


def _points(size: str) -> float:
    return matplotlib.font_manager.FontProperties(size=size).get_size_in_points()


def _subset(frame: pd.DataFrame, column: str, keep) -> pd.DataFrame:
    if keep is None or column not in frame:
        return frame
    keep = [keep] if isinstance(keep, str) else list(keep)
    return frame[frame[column].isin(keep)]


# ------------------------------------------------------------------- paths


def paths(
    results: pd.DataFrame,
    metric: str,
    *,
    scenarios: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    baseline_policy: str = "none",
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
) -> Figure:
    """A metric over the months: one panel per scenario, one line per policy, the
    mean over seeds with the 95% t interval of the mean as a band."""
    data = _subset(_subset(results, "scenario", scenarios), "policy", policies)
    if data.empty:
        raise ValueError("no rows to plot (check the scenarios and policies asked for)")
    value = data[metric] * scale(metric)
    frame = data.assign(value=value)[["scenario", "policy", "month", "value"]]
    stats = t_interval(frame.groupby(["scenario", "policy", "month"], sort=False))
    scen = ordered(data["scenario"], wanted=scenarios)
    pols = ordered(data["policy"], baseline_policy, policies)
    looks = look(pols)
    seeds = int(stats["n"].max())
    with theme(style, lang):
        fig, axes = _panels(len(scen), style)
        for ax, s in zip(axes, scen, strict=True):
            for p in pols:
                line = stats[(stats["scenario"] == s) & (stats["policy"] == p)]
                if line.empty:
                    continue
                lk = looks[p]
                ax.plot(
                    line["month"],
                    line["mean"],
                    color=lk["color"],
                    dashes=lk["dashes"],
                    label=name_of("policy", p, lang),
                )
                if line["low"].notna().any():
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
        for ax in axes[:: min(len(scen), 3)]:
            ax.set_ylabel(_wrap(axis_label(metric, lang), lang, 34))
        fig.suptitle(title or text("paths_title", lang).format(what=label(metric, lang)))
        note = text("seeds_band", lang).format(n=seeds) if seeds > 1 else text("one_seed", lang)
        _finish(fig, note, lang, axes, title=text("policy", lang))
    return _done(fig)


# ------------------------------------------------------------------ forest


def forest(
    effects: pd.DataFrame,
    metric: str,
    *,
    scenarios: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    baseline_policy: str = "none",
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
) -> Figure:
    """Policy effects on one metric with their 95% intervals: one row per policy, one
    marker per scenario, a line at zero (no effect)."""
    rows = _subset(_subset(effects, "scenario", scenarios), "policy", policies)
    rows = rows[rows["metric"] == metric]
    if rows.empty:
        raise ValueError(f"no effects of {metric!r} in this table")
    k = scale(metric)
    pols = ordered(rows["policy"], wanted=policies)
    scen = ordered(rows["scenario"], wanted=scenarios)
    looks = look(scen)
    step = 0.7 / max(len(scen), 1)
    w, h = _SIZES[style]
    with theme(style, lang):
        per_row = 0.45 if style == "paper" else 0.6
        fig, ax = plt.subplots(
            figsize=(w, max(h * 0.6, per_row * len(pols) + 1.6)), layout="constrained"
        )
        for j, s in enumerate(scen):
            part = rows[rows["scenario"] == s].set_index("policy")
            y = np.array([pols.index(p) for p in part.index]) + (j - (len(scen) - 1) / 2) * step
            est = part["effect"].to_numpy(float) * k
            lo = part["ci_low"].to_numpy(float) * k
            hi = part["ci_high"].to_numpy(float) * k
            err = np.vstack([est - lo, hi - est])
            ax.errorbar(
                est,
                y,
                xerr=np.where(np.isfinite(err), err, 0),
                fmt=looks[s]["marker"],
                color=looks[s]["color"],
                markersize=6 if style == "paper" else 9,
                capsize=2,
                lw=1.2 if style == "paper" else 2,
                label=name_of("scenario", s, lang),
            )
        ax.axvline(0, color="#333333", lw=0.8, zorder=0)
        ax.set_yticks(range(len(pols)), [name_of("policy", p, lang) for p in pols])
        ax.set_ylim(len(pols) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(axis_label(metric, lang, effect=True))
        ax.set_title(title or text("forest_title", lang).format(what=label(metric, lang)))
        n = int(rows["n"].max())
        note = text("effect_note", lang).format(base=name_of("policy", baseline_policy, lang), n=n)
        axes = [ax] if len(scen) > 1 else None
        _finish(fig, note, lang, axes, title=text("scenario", lang), ncol=min(len(scen), 2))
    return _done(fig)


# ---------------------------------------------------------------- heat map


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
) -> Figure:
    """A heat map of ``value`` (the mean skill gap of the employed, by default) with
    one row per ``rows`` key and one column per ``columns`` key; a long table with
    several entries per cell (months, seeds) is averaged, and a cell with no value
    (no one employed there) is left blank. ``limits`` (low, high, in the table's units)
    fixes the colour scale, so that several maps drawn with the same limits compare;
    by default it spans this map's values."""
    grid = table.pivot_table(
        index=rows, columns=columns, values=value, aggfunc="mean", sort=False, dropna=False
    )
    grid = grid * scale(value)
    vmin, vmax = (
        (None, None) if limits is None else (limits[0] * scale(value), limits[1] * scale(value))
    )
    kinds = {"sector", "region", "scenario", "policy"}
    grid.index = [name_of(rows, r, lang) if rows in kinds else r for r in grid.index]
    grid.columns = [name_of(columns, c, lang) if columns in kinds else c for c in grid.columns]
    w, h = _SIZES[style]
    with theme(style, lang):
        height = max(h * 0.8, (0.42 if style == "paper" else 0.6) * len(grid) + 1.8)
        fig, ax = plt.subplots(figsize=(w, height), layout="constrained")
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
        ax.set_xlabel(text(columns, lang) if columns in kinds else columns)
        ax.set_ylabel(text(rows, lang) if rows in kinds else rows)
        ax.tick_params(axis="x", rotation=20)
        ax.tick_params(axis="y", rotation=0)  # seaborn turns long labels upright
        for t in ax.get_xticklabels():
            t.set_ha("right")
        where = {k: text(k, lang) if k in kinds else k for k in (rows, columns)}
        ax.set_title(
            title or text("heatmap_title", lang).format(rows=where[rows], columns=where[columns])
        )
    return _done(fig)


# ------------------------------------------------------------------ funnel

STAGES = ("starts", "completions", "retained", "employed")


def funnel_table(results: pd.DataFrame) -> pd.DataFrame:
    """Per run: apprentices per month at each stage, means over months 1..M.
    ``retained`` and ``employed`` are completions times the retention rate and the
    12-month employment rate of completers."""
    months = results[results["month"] >= 1]
    comp = months["apprenticeship_completions"]
    stages = pd.DataFrame(
        {
            "starts": months["apprenticeship_starts"],
            "completions": comp,
            "retained": comp * months["apprenticeship_retention_rate"],
            "employed": comp * months["apprenticeship_employment_12m"],
        }
    )
    keys = months[["scenario", "policy", "run_id"]]
    per_run = pd.concat([keys, stages], axis=1).groupby(
        ["scenario", "policy", "run_id"], sort=False
    )
    long = per_run.mean().reset_index().melt(["scenario", "policy", "run_id"], var_name="stage")
    return long


def funnel(
    results: pd.DataFrame,
    *,
    scenarios: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    baseline_policy: str = "none",
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
) -> Figure:
    """The apprenticeship pipeline: started, completed, kept by the training firm and
    in work 12 months later, per month, one bar per policy, one panel per scenario,
    with the 95% interval over seeds."""
    data = _subset(_subset(results, "scenario", scenarios), "policy", policies)
    long = funnel_table(data)
    stats = t_interval(long.groupby(["scenario", "policy", "stage"], sort=False))
    stats["low"] = stats["low"].clip(lower=0)  # counts: an interval stops at zero
    scen = ordered(long["scenario"], wanted=scenarios)
    pols = ordered(long["policy"], baseline_policy, policies)
    looks = look(pols)
    width = 0.8 / len(pols)
    hatches = ("", "//", "..", "xx", "\\\\", "oo", "--", "++", "**")
    with theme(style, lang):
        fig, axes = _panels(len(scen), style, ncols=2)
        for ax, s in zip(axes, scen, strict=True):
            for i, p in enumerate(pols):
                part = stats[(stats["scenario"] == s) & (stats["policy"] == p)].set_index("stage")
                part = part.reindex(list(STAGES))
                x = np.arange(len(STAGES)) + (i - (len(pols) - 1) / 2) * width
                err = np.vstack([part["mean"] - part["low"], part["high"] - part["mean"]])
                ax.bar(
                    x,
                    part["mean"],
                    width=width * 0.95,
                    color=looks[p]["color"],
                    hatch=hatches[i % len(hatches)],
                    edgecolor="white",
                    label=name_of("policy", p, lang),
                )
                ax.errorbar(
                    x, part["mean"], yerr=np.nan_to_num(err), fmt="none", ecolor="#333333", lw=1
                )
            names = [text(f"stage_{s_}", lang) for s_ in STAGES]
            wrap = 8 if lang == "zh" else 14
            ax.set_xticks(range(len(STAGES)), [textwrap.fill(n, wrap) for n in names])
            ax.set_title(name_of("scenario", s, lang) if len(scen) > 1 else "")
            ax.grid(axis="x", visible=False)
        for ax in axes[::2]:
            ax.set_ylabel(text("funnel_y", lang))
        fig.suptitle(title or text("funnel_title", lang))
        _finish(fig, text("funnel_note", lang), lang, axes, title=text("policy", lang))
    return _done(fig)


# --------------------------------------------------------------- Beveridge


def beveridge(
    results: pd.DataFrame,
    *,
    scenarios: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    baseline_policy: str = "none",
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
) -> Figure:
    """The Beveridge curve: vacancy rate against unemployment rate, quarter by quarter
    (means over the quarter's months and over seeds), one line per scenario; one panel
    per policy (by default the baseline policy only)."""
    if policies is None:
        policies = [baseline_policy] if baseline_policy in set(results["policy"]) else None
    data = _subset(_subset(results, "scenario", scenarios), "policy", policies)
    data = data[data["month"] >= 1]
    data = data.assign(month=(data["month"] - 1) // 3 + 1)  # quarters 1, 2, ...
    cols = ["unemployment_rate", "vacancy_rate"]
    mean = data.groupby(["policy", "scenario", "month"], sort=False)[cols].mean().reset_index()
    mean[cols] = mean[cols] * 100
    scen = ordered(mean["scenario"], wanted=scenarios)
    pols = ordered(mean["policy"], baseline_policy, policies)
    looks = look(scen)
    with theme(style, lang):
        fig, axes = _panels(len(pols), style)
        for ax, p in zip(axes, pols, strict=True):
            for s in scen:
                line = mean[(mean["policy"] == p) & (mean["scenario"] == s)].sort_values("month")
                if line.empty:
                    continue
                lk = looks[s]
                x, y = line["unemployment_rate"].to_numpy(), line["vacancy_rate"].to_numpy()
                ax.plot(x, y, color=lk["color"], dashes=lk["dashes"], lw=1, alpha=0.9)
                ax.plot(x[:1], y[:1], "o", color=lk["color"], mfc="white", mew=1.5)
                ax.plot(x[-1:], y[-1:], "s", color=lk["color"])
                ax.plot(
                    [],
                    [],
                    color=lk["color"],
                    dashes=lk["dashes"],
                    label=name_of("scenario", s, lang),
                )
            ax.set_xlabel(axis_label("unemployment_rate", lang))
            ax.set_ylabel(axis_label("vacancy_rate", lang))
            ax.set_title(name_of("policy", p, lang))
        fig.suptitle(title or text("beveridge_title", lang))
        note = text("beveridge_note", lang)
        _finish(fig, note, lang, axes, title=text("scenario", lang), ncol=min(len(scen), 2))
    return _done(fig)


# ------------------------------------------------------ cost-effectiveness


def cost_effectiveness(
    effects: pd.DataFrame,
    *,
    jobs_metric: str = "in_employment",
    scenarios: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    baseline_policy: str = "none",
    style: str = "paper",
    lang: str = "en",
    title: str | None = None,
) -> Figure:
    """Public cost against jobs gained: each policy's extra public spending (yuan per
    month) against its extra workers in employment, both paired effects with 95%
    intervals; grey lines through zero mark equal cost per additional worker.

    ``effects`` needs rows of ``spending_total_yuan`` and of ``jobs_metric`` (see
    ``simulation.report.jobs_effects`` for ``in_employment``: employed + apprentices)."""
    rows = _subset(_subset(effects, "scenario", scenarios), "policy", policies)
    keys = ["scenario", "policy"]
    cost = rows[rows["metric"] == "spending_total_yuan"].set_index(keys)
    jobs = rows[rows["metric"] == jobs_metric].set_index(keys)
    if cost.empty or jobs.empty:
        raise ValueError(f"the effects table needs rows of spending_total_yuan and {jobs_metric}")
    both = cost.merge(jobs, left_index=True, right_index=True, suffixes=("_cost", "_jobs"))
    both = both.reset_index()
    pols = ordered(both["policy"], wanted=policies)
    scen = ordered(both["scenario"], wanted=scenarios)
    colours = look(pols)
    markers = look(scen)
    w, h = _SIZES[style]
    with theme(style, lang):
        fig, ax = plt.subplots(figsize=(w, h * 1.15), layout="constrained")
        for _, r in both.iterrows():
            x, y = r["effect_jobs"], r["effect_cost"]
            xerr = [[x - r["ci_low_jobs"]], [r["ci_high_jobs"] - x]]
            yerr = [[y - r["ci_low_cost"]], [r["ci_high_cost"] - y]]
            ax.errorbar(
                x,
                y,
                xerr=np.nan_to_num(xerr),
                yerr=np.nan_to_num(yerr),
                fmt=markers[r["scenario"]]["marker"],
                color=colours[r["policy"]]["color"],
                markersize=6 if style == "paper" else 9,
                capsize=2,
                lw=1,
            )
        _iso_cost(ax, both, lang)
        ax.axhline(0, color="#333333", lw=0.8, zorder=0)
        ax.axvline(0, color="#333333", lw=0.8, zorder=0)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_xlabel(text("cost_x", lang))
        ax.set_ylabel(text("cost_y", lang))
        ax.set_title(title or text("cost_title", lang))
        handles = [
            plt.Line2D(
                [],
                [],
                ls="",
                marker="o",
                color=colours[p]["color"],
                label=name_of("policy", p, lang),
            )
            for p in pols
        ]
        if len(scen) > 1:
            handles += [
                plt.Line2D(
                    [],
                    [],
                    ls="",
                    marker=markers[s]["marker"],
                    color="#555555",
                    label=name_of("scenario", s, lang),
                )
                for s in scen
            ]
        n = int(both["n_cost"].max())
        note = text("cost_note", lang).format(base=name_of("policy", baseline_policy, lang), n=n)
        _finish(fig, note, lang, handles=handles, ncol=2)
    return _done(fig)


def _iso_cost(ax, both: pd.DataFrame, lang: str) -> None:
    """Grey rays of equal cost per additional worker-month through the origin."""
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
    for c in (base, 10 * base):
        xs = np.array([0, min(x_max, y_max / c)])
        ax.plot(xs, c * xs, color="#aaaaaa", lw=0.8, dashes=(3, 2), zorder=0)
        ax.annotate(
            text("cost_line", lang).format(cost=f"{c:,.0f}"),
            (xs[-1], c * xs[-1]),
            fontsize="x-small",
            color="#777777",
            ha="right",
            va="bottom",
        )


# ------------------------------------------------------------- sensitivity


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
    sobol = "ST" in indices
    groups = list(indices.groupby(["scenario", "policy"], sort=False))
    metric = str(indices["metric"].iloc[0])
    with theme(style, lang):
        fig, axes = _panels(len(groups), style, ncols=2)
        for ax, ((s, p), part) in zip(axes, groups, strict=True):
            names = [str(n).replace("_", " ") for n in part["parameter"]]
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
            else:
                ax.barh(
                    y,
                    part["mu_star"],
                    xerr=part["mu_star_conf"].fillna(0),
                    color=COLOURS[1],
                    error_kw={"ecolor": "#333333", "lw": 1},
                )
                ax.set_xlabel(text("morris_x", lang))
            ax.set_yticks(y, names)
            ax.set_ylim(len(part) - 0.5, -0.5)
            ax.axvline(0, color="#333333", lw=0.8)
            ax.grid(axis="y", visible=False)
            ax.set_title(f"{name_of('scenario', s, lang)} | {name_of('policy', p, lang)}")
        fig.suptitle(title or text("sensitivity_title", lang).format(what=label(metric, lang)))
        _finish(fig, None, lang, axes if sobol else None, ncol=2)
    return _done(fig)


# ------------------------------------------------------- one run, live


def run_lines(
    frame: pd.DataFrame,
    metrics: Sequence[str],
    *,
    title: str | None = None,
    size: tuple[float, float] = (6.0, 3.4),
    months: int | None = None,
    style: str = "paper",
    lang: str = "en",
) -> Figure:
    """Metrics of one run over the months (``model.metrics_frame()``, say), one line
    each; the metrics should share a unit. ``months`` fixes the x axis."""
    looks = look(metrics)
    with theme(style, lang):
        fig, ax = plt.subplots(figsize=size, layout="constrained")
        for m in metrics:
            lk = looks[m]
            ax.plot(
                frame["month"],
                frame[m] * scale(m),
                color=lk["color"],
                dashes=lk["dashes"],
                lw=2,
                label=label(m, lang),
            )
        if months:
            ax.set_xlim(0, months)
        top = max(float(np.nanmax(frame[m] * scale(m), initial=0)) for m in metrics)
        ax.set_ylim(0, top * 1.15 if top > 0 else 1)
        ax.set_xlabel(text("month", lang))
        ax.set_ylabel(_wrap(axis_label(metrics[0], lang), lang, 30))
        if len(metrics) > 1:
            ax.set_ylabel(i18n.unit(metrics[0], lang))
            ax.legend(loc="best", fontsize="small")
        ax.set_title(title or label(metrics[0], lang))
    return _done(fig)


def region_bars(
    table: pd.DataFrame,
    metrics: Sequence[str],
    *,
    title: str | None = None,
    size: tuple[float, float] = (6.0, 3.4),
    style: str = "paper",
    lang: str = "en",
) -> Figure:
    """One month of a breakdown by region (``model.breakdown("region")`` at a month):
    one bar group per region, one bar per metric (metrics sharing a unit)."""
    looks = look(metrics)
    hatches = ("", "//", "..", "xx")
    regions = list(table["region"])
    width = 0.8 / len(metrics)
    with theme(style, lang):
        fig, ax = plt.subplots(figsize=size, layout="constrained")
        for i, m in enumerate(metrics):
            x = np.arange(len(regions)) + (i - (len(metrics) - 1) / 2) * width
            ax.bar(
                x,
                table[m].to_numpy(float) * scale(m),
                width=width * 0.95,
                color=looks[m]["color"],
                hatch=hatches[i % len(hatches)],
                edgecolor="white",
                label=label(m, lang),
            )
        ax.set_xticks(range(len(regions)), [name_of("region", r, lang) for r in regions])
        ax.grid(axis="x", visible=False)
        ax.set_ylabel(
            axis_label(metrics[0], lang) if len(metrics) == 1 else i18n.unit(metrics[0], lang)
        )
        if len(metrics) > 1:
            ax.legend(loc="best", fontsize="small")
        ax.set_title(title or text("region", lang))
    return _done(fig)
