"""The statistics behind the stylized facts, as pure functions of arrays.

Nothing here runs the model: each function takes series or tallies and returns a
number, so each can be tested on constructed data whose answer is known.

Cyclical statistics follow the practice of the empirical literature the facts come
from (Shimer 2005, 2012): logs of monthly series, trend and seasonality removed (school
leavers enter once a year, in July, so unemployment has a strong annual pattern),
quarterly averages; correlations, slopes and variance shares are computed on what is
left.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

# Unemployment spell bands, [first month, first month of the next band); None = open.
DURATION_BANDS: tuple[tuple[int, int | None], ...] = ((0, 3), (3, 6), (6, 12), (12, None))
SHORT_SPELL = (0, 3)  # under 3 months
LONG_SPELL = (12, None)  # 12 months or more: long-term unemployment (ILO, OECD)


def band_label(band: tuple[int, int | None]) -> str:
    lo, hi = band
    if hi is None:
        return f"{lo}+ months"
    return f"under {hi} months" if lo == 0 else f"{lo}-{hi - 1} months"


# ------------------------------------------------------------------ across seeds


def interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the t interval of the mean across seeds (non-finite values dropped);
    the bounds are NaN with fewer than two values."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if x.size < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))
    return mean, mean - half, mean + half


# ---------------------------------------------------------------- cycle statistics


def cyclical(values: np.ndarray, months: np.ndarray, log: bool = True) -> np.ndarray:
    """The cyclical part of a monthly series, one value per quarter.

    The (log) values' residuals from a least-squares fit of a linear trend and
    month-of-year effects (``month % 12``), fitted jointly, averaged over quarters of
    the run (months 1-3, 4-6, ...; month 0 and an incomplete last quarter are left out).
    """
    x = np.asarray(values, dtype=float)
    m = np.asarray(months, dtype=np.int64)
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.log(x)
    keep = m >= 1
    n_quarters = int(keep.sum()) // 3
    x, m = x[keep][: 3 * n_quarters], m[keep][: 3 * n_quarters]
    if n_quarters < 3 or not np.isfinite(x).all():
        return np.full(0, np.nan)
    season = m % 12
    design = np.column_stack(
        [m.astype(float), *[(season == k).astype(float) for k in np.unique(season)]]
    )
    coef, *_ = np.linalg.lstsq(design, x, rcond=None)
    return (x - design @ coef).reshape(n_quarters, 3).mean(axis=1)


def correlation(x: np.ndarray, y: np.ndarray) -> float:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    # (a series ``cyclical`` could not measure is empty: a small city's month without
    # a vacancy, say; then there is no correlation, not an error)
    if x.size < 3 or x.size != y.size or x.std() == 0 or y.std() == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def ols_slope(x: np.ndarray, y: np.ndarray) -> float:
    """Slope of the least-squares line of y on x (with an intercept)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.size < 3 or x.size != y.size or x.std() == 0:  # (as ``correlation``)
        return math.nan
    xc = x - x.mean()
    return float((xc * (y - y.mean())).sum() / (xc * xc).sum())


def lead_correlations(u: np.ndarray, v: np.ndarray, max_lead: int = 4) -> np.ndarray:
    """corr(u[t], v[t - k]) for k = 0..max_lead periods: how the correlation changes
    when vacancies are allowed to lead unemployment."""
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    return np.array([correlation(u[k:], v[: v.size - k]) for k in range(max_lead + 1)])


def flow_shares(
    u: np.ndarray, f: np.ndarray, s: np.ndarray, months: np.ndarray
) -> tuple[float, float]:
    """Shares of the cyclical variance of unemployment accounted for by the job-finding
    (outflow) rate and by the separation (inflow) rate (Shimer 2012; Fujita and Ramey
    2009). With the counterfactual steady states ``u_f = s_bar / (s_bar + f_t)``
    (separations held at their mean) and ``u_s = s_t / (s_t + f_bar)``, each share is
    ``cov(c(u_x), c(u)) / var(c(u))`` on the cyclical parts of the logs. They need not
    add to 1: entry of school leavers and moves out of the labour force also move u."""
    f, s = np.asarray(f, dtype=float), np.asarray(s, dtype=float)
    valid = np.asarray(months) >= 1
    s_bar, f_bar = float(np.mean(s[valid])), float(np.mean(f[valid]))
    cu = cyclical(u, months)
    if cu.size < 3 or cu.var() == 0:
        return math.nan, math.nan
    shares = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for counterfactual in (s_bar / (s_bar + f), s / (s + f_bar)):
            c = cyclical(counterfactual, months)
            ok = c.size == cu.size and np.isfinite(c).all()
            shares.append(
                float(np.mean((c - c.mean()) * (cu - cu.mean())) / cu.var()) if ok else math.nan
            )
    return shares[0], shares[1]


def wage_curve(log_wage: np.ndarray, log_unemployment: np.ndarray) -> float:
    """Elasticity of the regional wage with respect to regional unemployment, with region
    and period fixed effects (Blanchflower and Oswald 1994): the slope of two-way
    demeaned log wages on two-way demeaned log unemployment rates, from a balanced
    (regions x periods) panel."""
    w = np.asarray(log_wage, dtype=float)
    u = np.asarray(log_unemployment, dtype=float)
    if w.shape != u.shape or w.ndim != 2 or min(w.shape) < 2:
        return math.nan
    if not (np.isfinite(w).all() and np.isfinite(u).all()):
        return math.nan

    def two_way(a: np.ndarray) -> np.ndarray:
        return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()

    return ols_slope(two_way(u).ravel(), two_way(w).ravel())


# ------------------------------------------------------------ unemployment spells


def _band_slice(band: tuple[int, int | None], n: int) -> slice:
    lo, hi = band
    return slice(lo, n if hi is None else min(hi, n))


def band_shares(counts: np.ndarray, bands=DURATION_BANDS) -> np.ndarray:
    """Share of unemployed person-months in each spell band; ``counts[d]`` holds the
    unemployed whose spell has lasted d months (the last entry: that many or more)."""
    c = np.asarray(counts, dtype=float)
    total = c.sum()
    if total <= 0:
        return np.full(len(bands), np.nan)
    return np.array([c[_band_slice(b, c.size)].sum() / total for b in bands])


def band_hazards(counts: np.ndarray, exits: np.ndarray, bands=DURATION_BANDS) -> np.ndarray:
    """Monthly exit rate into a job or apprenticeship by spell band: exits a month later
    over the unemployed at risk, by the spell length at the start of that month."""
    c, e = np.asarray(counts, dtype=float), np.asarray(exits, dtype=float)
    out = []
    for b in bands:
        at_risk = c[_band_slice(b, c.size)].sum()
        out.append(e[_band_slice(b, e.size)].sum() / at_risk if at_risk > 0 else np.nan)
    return np.array(out)


def later_ratio(counts: np.ndarray, working: np.ndarray, split: int = 6) -> float:
    """Share in work some months later of those unemployed for ``split`` months or more,
    over that share for those unemployed less long (``counts[d]``: followed workers
    with spell d; ``working[d]``: of those, in work at the end)."""
    short, long = band_hazards(counts, working, ((0, split), (split, None)))
    if not (short > 0) or math.isnan(long):
        return math.nan
    return float(long / short)


def hazard_ratio(
    counts: np.ndarray, exits: np.ndarray, short=SHORT_SPELL, long=LONG_SPELL
) -> float:
    """Exit rate of the long-term unemployed over that of the newly unemployed: below 1
    when the chance of leaving unemployment falls with its duration."""
    h_short, h_long = band_hazards(counts, exits, (short, long))
    if not (h_short > 0) or math.isnan(h_long):
        return math.nan
    return float(h_long / h_short)


# ------------------------------------------------------------------------- wages


def percentile_ratio(wages: np.ndarray, high: float = 90, low: float = 10) -> float:
    """P_high / P_low of a wage distribution (NumPy's linear interpolation)."""
    w = np.asarray(wages, dtype=float)
    w = w[np.isfinite(w)]
    if w.size < 10:
        return math.nan
    p_low, p_high = np.percentile(w, [low, high])
    return float(p_high / p_low) if p_low > 0 else math.nan


def old_to_peak(profile: np.ndarray) -> float:
    """Mean wage of the oldest age band over the highest mean wage of the bands before
    it: below 1 when earnings fall after a mid-career peak (an inverted U)."""
    p = np.asarray(profile, dtype=float)
    if p.size < 3 or not np.isfinite(p).all():
        return math.nan
    return float(p[-1] / p[:-1].max())
