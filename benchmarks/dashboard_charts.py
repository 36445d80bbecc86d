"""The dashboard's charts, a month's drawing: a new figure per chart each month (as the
page drew them up to commit ``f2f040f``: ``plots.run_lines``, ``plots.region_bars`` and
``plots.mismatch_heatmap``, each saved as a trimmed PNG) against the charts kept for the
run (``dashboard.LiveLines``, ``LiveBars``, ``LiveMap``: a background drawn once, a
month's lines, bars and cells drawn over it), side by side in one process.

Usage: SKILLSIM_SCENARIOS=scenarios .venv/bin/python benchmarks/dashboard_charts.py
       [--workers 20000] [--months 36] [--lang en]

The model steps month by month under moved levers (a subsidy and three quality
standards, so the run's lines differ from the status quo's); each month both ways draw
the same six charts from the same model state, in turns (which goes first alternates).
Printed: the median milliseconds a month for each way, chart by chart and in all, and
the median of the month-by-month ratio. Month 1 is left out of the medians (the kept
charts are made then: their first drawing lays them out).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

import matplotlib
import sides

matplotlib.use("Agg")


def figure_per_month(model, lang: str) -> dict[str, float]:
    """Milliseconds per chart, a new trimmed PNG figure each (the page's old way)."""
    import matplotlib.pyplot as plt

    from simulation import dashboard, plots

    def png(fig) -> None:
        fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
        plt.close(fig)

    out = {}
    frame = model.metrics_frame()
    for key, metrics in LINES.items():
        t = time.perf_counter()
        png(plots.run_lines(frame, metrics, title=key, months=model.months, size=OLD, lang=lang))
        out[key] = time.perf_counter() - t
    t = time.perf_counter()
    table = model.breakdown("region")
    now = table[table["month"] == model.month]
    png(plots.region_bars(now, BARS, title="by region", size=OLD, lang=lang))
    out["by_region"] = time.perf_counter() - t
    t = time.perf_counter()
    png(plots.mismatch_heatmap(dashboard.sector_region_gap(model), title="map", lang=lang))
    out["gap_map"] = time.perf_counter() - t
    return {k: 1000 * v for k, v in out.items()}


def kept_for_the_run(model, charts: dict, lang: str) -> dict[str, float]:
    """Milliseconds per chart, the charts kept for the run (the page's way now)."""
    from simulation import dashboard

    out = {}
    if not charts:
        quo = model.status_quo
        for key, metrics in LINES.items():
            charts[key] = dashboard.LiveLines(metrics, key, model.months, lang, quo)
        charts["by_region"] = dashboard.LiveBars(BARS, "by region", lang, quo)
        charts["gap_map"] = dashboard.LiveMap("map", lang, model.world, quo)
    for key in LINES:
        t = time.perf_counter()
        charts[key].png(model.metrics_frame())
        out[key] = time.perf_counter() - t
    t = time.perf_counter()
    charts["by_region"].png(model.breakdown("region"), model.month)
    out["by_region"] = time.perf_counter() - t
    t = time.perf_counter()
    charts["gap_map"].png(dashboard.sector_region_gap(model))
    out["gap_map"] = time.perf_counter() - t
    return {k: 1000 * v for k, v in out.items()}


LINES = {
    "unemployment": ["unemployment_rate", "youth_unemployment_rate"],
    "mismatch": ["skill_gap_mean"],
    "apprenticeships": ["apprenticeship_starts", "apprenticeship_completions"],
    "green": ["green_employment_share"],
}
BARS = ["unemployment_rate", "youth_unemployment_rate"]
OLD = (6.0, 3.4)  # the size the page drew its charts at (plots.run_lines's default then)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    args = parser.parse_args()
    from simulation import dashboard

    print(f"machine: {sides.machine()}")
    model = dashboard.DashboardModel(
        workers=args.workers,
        months=args.months,
        subsidy_yuan_per_year=9000,
        quality_standards=3,
    )
    charts: dict = {}
    old, new = [], []
    while model.running:
        model.step()
        if model.month % 2:
            old.append(figure_per_month(model, args.lang))
            new.append(kept_for_the_run(model, charts, args.lang))
        else:
            new.append(kept_for_the_run(model, charts, args.lang))
            old.append(figure_per_month(model, args.lang))
    old, new = old[1:], new[1:]  # (month 1: the kept charts are made and laid out)
    print(
        f"{args.workers:,} workers, {args.lang}, months 2-{args.months} "
        f"({len(old)} months), ms a month (median)"
    )
    print(f"{'chart':16s} {'new figure':>11s} {'kept':>8s} {'kept / new':>11s}")
    for key in old[0]:
        a = statistics.median(m[key] for m in old)
        b = statistics.median(m[key] for m in new)
        print(f"{key:16s} {a:11.1f} {b:8.1f} {b / a:11.3f}")
    totals = [(sum(o.values()), sum(n.values())) for o, n in zip(old, new, strict=True)]
    a = statistics.median(t[0] for t in totals)
    b = statistics.median(t[1] for t in totals)
    ratio = statistics.median(t[1] / t[0] for t in totals)
    print(f"{'all six':16s} {a:11.1f} {b:8.1f} {ratio:11.3f}  (ratio: median of the months')")


if __name__ == "__main__":
    main()
