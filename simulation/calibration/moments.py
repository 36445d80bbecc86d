"""Moments: what a calibration target compares, computed from one run's tables.

A moment is one number per run: the mean of a monthly metric over the calibration
window (months ``first``..``last`` of the policy period), or a figure built from
flows or breakdown tables where the catalogue's monthly metric is not the quantity the
empirical source measures. Every catalogue metric is a moment under its own name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation import metrics as catalogue
from simulation.config import RunConfig


@dataclass(frozen=True)
class Moment:
    name: str
    definition: str
    tables: tuple[str, ...]  # breakdown tables it reads besides the monthly metrics
    compute: Callable[[pd.DataFrame, Mapping[str, pd.DataFrame], RunConfig], float]
    bounds: tuple[float, float]  # the values it can take (intervals are cut there)
    # what a window (first and last month) must hold for the moment to be defined: None
    # if it does, else what it needs (for a targets file's message)
    needs: Callable[[int, int], str | None] = lambda first, last: None


def window(frame: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    return frame[(frame["month"] >= first) & (frame["month"] <= last)]


def _metric_mean(name: str):
    def compute(m: pd.DataFrame, tables: Mapping[str, pd.DataFrame], run: RunConfig) -> float:
        return float(m[name].mean())

    return compute


def _dissolution_share(m: pd.DataFrame, tables, run: RunConfig) -> float:
    done = float(m["apprenticeship_completions"].sum())
    ended = float(m["apprenticeship_dissolutions"].sum())
    return ended / (done + ended) if done + ended > 0 else float("nan")


def _rural_share(m: pd.DataFrame, tables: Mapping[str, pd.DataFrame], run: RunConfig) -> float:
    region = tables["region"]
    rural = [r.name for r in run.scenario.world.regions if not r.urban]
    lf = region.pivot_table(index="month", columns="region", values="labour_force")
    lf = lf.loc[lf.index.isin(m["month"])]
    total = lf.sum(axis=1).to_numpy()
    return float(np.mean(lf[rural].sum(axis=1).to_numpy() / total))


JUNE, AUGUST = 5, 7  # calendar months of the policy period's months (month 0 = January)


def _season_years(first: int, last: int) -> list[int]:
    """The years (month // 12) whose June and August both lie in months first..last."""
    return [
        y
        for y in range(first // 12, last // 12 + 1)
        if first <= 12 * y + JUNE and 12 * y + AUGUST <= last
    ]


def _youth_season(m: pd.DataFrame, tables, run: RunConfig) -> float:
    """August minus June of each year whose June and August are both in the window,
    averaged over those years (a year's rise, not a trend across years)."""
    if m.empty:
        return float("nan")
    years = _season_years(int(m["month"].min()), int(m["month"].max()))
    if not years:
        return float("nan")
    rate = m.set_index("month")["urban_youth_unemployment_rate"]
    return float(np.mean([rate[12 * y + AUGUST] - rate[12 * y + JUNE] for y in years]))


def _needs_a_summer(first: int, last: int) -> str | None:
    if _season_years(first, last):
        return None
    return (
        "a window (first_month to months) that holds a June and the August after it "
        "(months 5 and 7 of a year, month 0 being January)"
    )


_DERIVED = (
    Moment(
        "apprenticeship_dissolution_share",
        "apprenticeships ended early (dropout or firm exit) / (completions + early ends), "
        "summed over the window: the share of contracts dissolved (BIBB's Lösungsquote)",
        (),
        _dissolution_share,
        (0.0, 1.0),
    ),
    Moment(
        "urban_youth_unemployment_season",
        "urban youth unemployment rate in August minus that in June of the same year, "
        "averaged over the years whose June and August are both in the window: the rise "
        "as the year's school leavers and graduates enter the labour market (NBS's "
        "monthly series)",
        (),
        _youth_season,
        (-1.0, 1.0),
        _needs_a_summer,
    ),
    Moment(
        "rural_resident_share",
        "labour force living in rural regions / labour force, mean over the window",
        ("region",),
        _rural_share,
        (0.0, 1.0),
    ),
)

MOMENTS: dict[str, Moment] = {
    **{
        m.name: Moment(
            m.name, f"mean over the window of: {m.definition}", (), _metric_mean(m.name), m.bounds
        )
        for m in catalogue.CATALOGUE
    },
    **{m.name: m for m in _DERIVED},
}


def tables_needed(names: list[str]) -> tuple[str, ...]:
    return tuple(sorted({t for n in names for t in MOMENTS[n].tables}))


def compute(
    names: list[str],
    metrics: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    run: RunConfig,
    first: int,
    last: int,
) -> dict[str, float]:
    """Each named moment of one run over months ``first``..``last``."""
    m = window(metrics, first, last)
    return {n: MOMENTS[n].compute(m, tables, run) for n in names}
