"""The stylized facts: what is measured, how, against which empirical figure, by which rule.

Each ``Fact`` turns one seed's runs (``{"baseline": Observation, "cycle": Observation}``)
into one number; the report takes the mean over seeds, its 95% interval and the
verdict of the fact's rule. Facts read the policy months 1..M (the burn-in and month 0
are left out). None of them is a calibration target: unemployment, youth unemployment,
the rural population share, apprenticeship dissolution and retention, the share of
apprenticeships recouping their firms' costs and the apprenticeship wage premium are targets
(calibration/targets.toml) and are not validated here.

``if_not`` says, for a fact the model does not reproduce, which of the model's rules
stand behind the gap (the report prints it only then).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.calibration.moments import AUGUST, JUNE
from simulation.validation import measures
from simulation.validation.observe import Observation
from simulation.validation.verdicts import Below, InRange, Rule

Runs = Mapping[str, Observation]  # kind ("baseline", "cycle") -> the seed's run


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    unit: str
    group: str
    run: str  # the kind of run it is measured on
    measure: Callable[[Runs], float]
    how: str  # how the simulated figure is computed
    empirical: str  # the empirical figure, as shown
    rule: Rule
    sources: tuple[str, ...]  # keys of sources.SOURCES
    if_not: str = ""
    # The values the figure can take: its interval across seeds is cut to them (a t
    # interval over a few seeds can reach past them, e.g. a correlation below -1).
    bounds: tuple[float, float] = (-math.inf, math.inf)
    # The calibration moment the figure is a direct transform of, when its key is not
    # that moment's name: a calibration that targets it targeted the fact
    # (``targeted_by``).
    moment: str = ""

    def targeted_by(self, moments) -> bool:
        """Whether a calibration of these target ``moments`` fitted this fact."""
        return self.key in moments or (self.moment != "" and self.moment in moments)


# ---------------------------------------------------------------- per-seed measures


def _policy_months(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["month"] >= 1]


def _metric_mean(name: str, run: str = "baseline") -> Callable[[Runs], float]:
    def measure(runs: Runs) -> float:
        values = _policy_months(runs[run].metrics)[name].to_numpy(dtype=float)
        return float(np.nanmean(values)) if np.isfinite(values).any() else np.nan

    return measure


def _cycle_series(runs: Runs, name: str) -> np.ndarray:
    m = runs["cycle"].metrics
    return measures.cyclical(m[name].to_numpy(dtype=float), m["month"].to_numpy())


def _beveridge_correlation(runs: Runs) -> float:
    u, v = _cycle_series(runs, "unemployment_rate"), _cycle_series(runs, "vacancy_rate")
    return measures.correlation(u, v)


def _beveridge_slope(runs: Runs) -> float:
    u, v = _cycle_series(runs, "unemployment_rate"), _cycle_series(runs, "vacancy_rate")
    return measures.ols_slope(u, v)


def _matching_elasticity(runs: Runs) -> float:
    theta, f = _cycle_series(runs, "tightness"), _cycle_series(runs, "job_finding_rate")
    return measures.ols_slope(theta, f)


def flow_shares(runs: Runs) -> tuple[float, float]:
    """Outflow and inflow shares of unemployment's cyclical variance (cycle run)."""
    m = runs["cycle"].metrics
    return measures.flow_shares(
        m["unemployment_rate"].to_numpy(dtype=float),
        m["job_finding_rate"].to_numpy(dtype=float),
        m["separation_rate"].to_numpy(dtype=float),
        m["month"].to_numpy(),
    )


def _outflow_share(runs: Runs) -> float:
    return flow_shares(runs)[0]


def regional_quarters(region: pd.DataFrame, column: str) -> np.ndarray:
    """(regions, quarters) quarterly means of a region breakdown column over months
    1..M (complete quarters only)."""
    r = _policy_months(region)
    n_quarters = int(r["month"].max()) // 3 if len(r) else 0
    r = r[r["month"] <= 3 * n_quarters]
    quarter = (r["month"] - 1) // 3
    table = r.assign(quarter=quarter).pivot_table(
        index="region", columns="quarter", values=column, aggfunc="mean", sort=True
    )
    return table.to_numpy(dtype=float)


def _wage_curve(runs: Runs) -> float:
    region = runs["cycle"].region
    with np.errstate(divide="ignore", invalid="ignore"):
        log_w = np.log(regional_quarters(region, "wage_mean_yuan"))
        log_u = np.log(regional_quarters(region, "unemployment_rate"))
    return measures.wage_curve(log_w, log_u)


def _job_to_job_rate(runs: Runs) -> float:
    b = runs["baseline"]
    return float(b.job_to_job.sum() / b.employed_before.sum())


def _long_term_share(runs: Runs) -> float:
    return float(measures.band_shares(runs["baseline"].spell_counts, (measures.LONG_SPELL,))[0])


def _hazard_ratio(runs: Runs) -> float:
    b = runs["baseline"]
    return measures.hazard_ratio(b.spell_counts, b.spell_exits)


def _year_later_ratio(runs: Runs) -> float:
    b = runs["baseline"]
    return measures.later_ratio(b.year_counts, b.year_working, split=6)


def _p90_p10(runs: Runs) -> float:
    b = runs["baseline"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.nanmean(b.wage_p90 / b.wage_p10))


def _old_to_peak(runs: Runs) -> float:
    return measures.old_to_peak(np.nanmean(runs["baseline"].age_wage, axis=0))


NOVEMBER = 10  # calendar month of a model month (month 0 is January, as JUNE and AUGUST)


def youth_peak_left(rate: pd.Series, month: int = NOVEMBER) -> float:
    """The share of the summer rise in the urban youth unemployment rate (August less
    June) still there in ``month``: the sum over years of ``month`` less June over the
    sum of August less June, over the years whose June, August and ``month`` are all in
    ``rate`` (indexed by model month) and not NaN. Pooled over years rather than a mean
    of each year's ratio, which a year with a small rise would swing (a small model's
    youth are few). NaN without such a year or if the rises sum to zero or less."""
    later_sum = rise_sum = 0.0
    for y in range(int(rate.index.min()) // 12, int(rate.index.max()) // 12 + 1):
        june, august, later = (rate.get(12 * y + m) for m in (JUNE, AUGUST, month))
        if any(v is None or math.isnan(v) for v in (june, august, later)):
            continue
        later_sum += later - june
        rise_sum += august - june
    return later_sum / rise_sum if rise_sum > 0 else math.nan


# NBS's urban youth unemployment rate (ages 16-24, students excluded) in each month of
# 2024, January to December (sources.SOURCES["nbs_youth"]).
NBS_YOUTH_2024 = (
    0.146, 0.153, 0.153, 0.147, 0.142, 0.132, 0.171, 0.188, 0.176, 0.171, 0.161, 0.157,
)  # fmt: skip


def youth_month_gap(rate: pd.Series, reference: tuple[float, ...] = NBS_YOUTH_2024) -> float:
    """The largest gap, in percentage points, between the year's shape of ``rate``
    (indexed by model month, month 0 a January; averaged over the years in each calendar
    month) and ``reference``'s (January first), each less its mean over the twelve
    months: the level is a calibration target, and a small model's level moves by
    seed. NaN values are left out of the means; NaN if a calendar month has none."""
    by_month = rate.groupby(rate.index.to_numpy() % 12).mean()
    months = by_month.reindex(range(12)).to_numpy(dtype=float)
    if np.isnan(months).any():
        return math.nan
    gaps = months - np.asarray(reference)
    return float(np.max(np.abs(gaps - gaps.mean()))) * 100.0


def _youth_month_by_month(runs: Runs) -> float:
    m = _policy_months(runs["baseline"].metrics)
    return youth_month_gap(m.set_index("month")["urban_youth_unemployment_rate"])


def _youth_peak_in_november(runs: Runs) -> float:
    m = _policy_months(runs["baseline"].metrics)
    return youth_peak_left(m.set_index("month")["urban_youth_unemployment_rate"])


def _graduates_in_work(runs: Runs) -> float:
    b = runs["baseline"]
    return b.graduates_in_work / b.graduates_due if b.graduates_due else math.nan


def _rural_urban_ratio(runs: Runs) -> float:
    gap = _policy_months(runs["baseline"].metrics)["rural_urban_wage_gap"].to_numpy(float)
    return float(np.nanmean(1.0 / (1.0 - gap)))


# -------------------------------------------------------------------- the facts

_CYCLE = (
    "in the demand-cycle run: logs less a linear trend and month-of-year effects "
    "(fitted together), quarterly means"
)

FACTS: tuple[Fact, ...] = (
    Fact(
        "job_finding_rate",
        "Job-finding rate",
        "per month",
        "worker flows",
        "baseline",
        _metric_mean("job_finding_rate"),
        "catalogue metric job_finding_rate (unemployed at the start of the month who are "
        "in a job or apprenticeship at its end), mean over months 1..M",
        "about 0.45 (US); 0.04-0.10 (continental Europe)",
        InRange(0.04, 0.45),
        ("shimer2005", "ehs2013"),
        bounds=(0.0, 1.0),
    ),
    Fact(
        "separation_rate",
        "Separation rate into unemployment",
        "per month",
        "worker flows",
        "baseline",
        _metric_mean("separation_rate"),
        "catalogue metric separation_rate (layoffs, quits and exit layoffs over the "
        "employed at the start of the month), mean over months 1..M",
        "about 0.034 (US); under 0.01 (continental Europe)",
        InRange(0.004, 0.035),
        ("shimer2005", "ehs2013"),
        bounds=(0.0, 1.0),
    ),
    Fact(
        "job_to_job_rate",
        "Job-to-job moves",
        "share of the employed per month",
        "worker flows",
        "baseline",
        _job_to_job_rate,
        "job-to-job moves (flow JOB_TO_JOB) over the employed at the start of the month, "
        "summed over months 1..M",
        "0.026 (US); lower in most of Europe (range 0.003-0.03, lower end approximate)",
        InRange(0.003, 0.03),
        ("fallick2004", "jolivet2006"),
        "on-the-job search is a fixed monthly share of the employed, raised by mismatch, "
        "and a move needs a higher wage",
        bounds=(0.0, 1.0),
    ),
    Fact(
        "long_term_share",
        "Long-term unemployed (12+ months)",
        "share of the unemployed",
        "unemployment duration",
        "baseline",
        _long_term_share,
        "unemployed whose current spell has lasted 12 months or more, over all unemployed, "
        "pooled over the month ends 0..M-1 (spells restart after a training course)",
        "0.10-0.15 (US, Canada) to over 0.5 (Italy) and about 0.7 (Greece); OECD about 0.25",
        InRange(0.10, 0.70),
        ("oecd_ltu",),
        bounds=(0.0, 1.0),
    ),
    Fact(
        "duration_dependence",
        "Exit rate to a job at 12+ months / at under 3 months",
        "ratio",
        "unemployment duration",
        "baseline",
        _hazard_ratio,
        "share of the unemployed at a month's end who are in a job or apprenticeship a "
        "month later, for spells of 12+ months over spells under 3 months, pooled over "
        "months 0..M-1",
        "below 1: the exit rate falls with the duration of unemployment",
        Below(1.0),
        ("machin1999", "kroft2013"),
        "skills of the unemployed depreciate, and long spells select workers whom "
        "firms' hiring thresholds screen out; the threshold itself does not look at the "
        "spell",
        bounds=(0.0, math.inf),
    ),
    Fact(
        "year_later_ratio",
        "In work a year later: long-term (6+ months) / short-term unemployed",
        "ratio",
        "unemployment duration",
        "baseline",
        _year_later_ratio,
        "share in a job or apprenticeship 12 months later of the unemployed whose spell "
        "had lasted 6 months or more, over that share for shorter spells, pooled over "
        "the month ends 0..M-12 (workers who retire in between are left out)",
        "0.6-0.8: the long-term unemployed are 20-40% less likely to be employed 1-2 "
        "years later (US)",
        InRange(0.6, 0.8),
        ("krueger2014",),
        "a long spell marks a worker whom firms' hiring thresholds keep screening out "
        "(skills below the bar, depreciating further while unemployed), so the pool of "
        "long-term unemployed is nearly stuck; nothing else (benefits, search effort, "
        "stigma) differs with the spell",
        bounds=(0.0, math.inf),
    ),
    Fact(
        "beveridge_correlation",
        "Beveridge curve: corr(u, v) over a demand cycle",
        "correlation",
        "cycle",
        "cycle",
        _beveridge_correlation,
        f"correlation of unemployment and vacancy rates, {_CYCLE}",
        "-0.89 (US 1951-2003)",
        InRange(-1.0, -0.7),
        ("shimer2005",),
        "vacancies lead unemployment (see the details: the correlation at the best "
        "lead): firms post vacancies as soon as demand moves, while unemployment follows "
        "with the lags of matching and of the yearly school-leaver entry, so u and v trace "
        "loops around the curve rather than moving along it",
        bounds=(-1.0, 1.0),
    ),
    Fact(
        "beveridge_slope",
        "Beveridge curve: slope of log v on log u",
        "elasticity",
        "cycle",
        "cycle",
        _beveridge_slope,
        f"least-squares slope of the vacancy rate on the unemployment rate, {_CYCLE}",
        "about -0.95 (US, implied by Shimer 2005, Table 1)",
        InRange(-1.5, -0.5),
        ("shimer2005",),
        "the slope is flattened by the same lead of vacancies over unemployment as the correlation",
    ),
    Fact(
        "matching_elasticity",
        "Elasticity of the job-finding rate to v/u",
        "elasticity",
        "cycle",
        "cycle",
        _matching_elasticity,
        f"least-squares slope of the job-finding rate on tightness v/u, {_CYCLE}",
        "0.28 (US, Shimer 2005) to 0.3-0.5 (survey, Petrongolo and Pissarides 2001)",
        InRange(0.28, 0.50),
        ("shimer2005", "petrongolo2001"),
        "hiring is rationed by vacancies and hiring thresholds (each firm fills its "
        "openings from the applicants above its bar), so job finding moves almost one "
        "for one with vacancies per searcher rather than along a smooth matching function",
    ),
    Fact(
        "outflow_share",
        "Share of unemployment fluctuations due to job finding",
        # (a covariance over a variance, not a share of a whole: it passes 1 where the
        # other flows' part is negative, and 1.01 read as an error: an outside review)
        "beta: cov/var, can pass 1",
        "cycle",
        "cycle",
        _outflow_share,
        "cov(c(u_f), c(u)) / var(c(u)), u_f = mean separation rate / (mean separation rate "
        f"+ job-finding rate), {_CYCLE}",
        "about 0.75 (US); 0.55 (continental Europe, Nordic) to 0.85 (Anglo-Saxon)",
        InRange(0.55, 0.85),
        ("shimer2012", "ehs2013"),
        "separations barely move with demand: a firm lays off only when its headcount "
        "exceeds its target by more than the layoff band (10%), and quits do not depend "
        "on the market, so a fall in demand raises unemployment through fewer hires "
        "rather than more job losses",
    ),
    Fact(
        "wage_curve",
        "Wage curve: elasticity of regional wages to regional unemployment",
        "elasticity",
        "cycle",
        "cycle",
        _wage_curve,
        "slope of log mean wage on log unemployment rate across the 4 regions and the "
        "quarters of the demand-cycle run, region and quarter fixed effects",
        "about -0.1 (many countries); about -0.07 (meta-analysis); negative in Chinese cities",
        InRange(-0.20, -0.05),
        ("blanchflower1994", "nijkamp2005", "peng2026"),
        "wages are set by rule (regional wage level x firm productivity x match quality, "
        "tenure and certificate premia, minimum wage) and do not respond to unemployment; "
        "only the composition of the employed moves with the cycle",
    ),
    Fact(
        "wage_p90_p10",
        "Wage dispersion: P90/P10",
        "ratio",
        "wages",
        "baseline",
        _p90_p10,
        "90th over 10th percentile of the monthly wages of the employed (apprentices "
        "excluded), mean over month ends 1..M",
        "about 2.3 to 5 (OECD, full-time employees)",
        InRange(2.3, 5.0),
        ("oecd_earnings",),
        bounds=(1.0, math.inf),
    ),
    Fact(
        "wage_gini",
        "Wage dispersion: Gini",
        "index 0-1",
        "wages",
        "baseline",
        _metric_mean("wage_gini"),
        "catalogue metric wage_gini (wages of the employed), mean over months 1..M",
        "about 0.30-0.45 (urban China wage earners, 2007-2013; rounded range)",
        InRange(0.30, 0.45),
        ("gustafsson2018",),
        "wages vary only with region, firm productivity (log-sd 0.2 around the sector "
        "mean), match quality, tenure and certificates: there is no occupation, "
        "education or ownership premium and no top tail",
        bounds=(0.0, 1.0),
    ),
    Fact(
        "age_wage_profile",
        "Age-earnings profile: wage at the oldest ages / at the peak",
        "ratio",
        "wages",
        "baseline",
        _old_to_peak,
        "mean wage of employed workers in the last age band before retirement over the "
        "highest mean wage of the younger bands (18-24, 25-34, 35-44, 45-54), mean over "
        "month ends 1..M",
        "below 1: an inverted U in urban China (2007-2013)",
        Below(1.0),
        ("gustafsson2018", "li2016"),
        "wages rise with tenure (capped at 10 years) and skills, and nothing lowers them "
        "late in working life except skill depreciation and job loss",
        bounds=(0.0, math.inf),
    ),
    Fact(
        "rural_urban_ratio",
        "Urban / rural mean wage",
        "ratio",
        "regions",
        "baseline",
        _rural_urban_ratio,
        "1 / (1 - rural_urban_wage_gap): mean wage of employed urban residents over that "
        "of rural residents, mean over months 1..M",
        "1.35-2.41 (urban average wage, private to non-private units, over local migrant "
        "workers' monthly income, 2024); 2.34 (disposable income per resident, 2024)",
        InRange(1.35, 2.41),
        ("nbs_wages2024", "nbs2024"),
        "regional wage levels are inputs; the ratio is partly set by them",
        bounds=(0.0, math.inf),
        moment="rural_urban_wage_gap",
    ),
    Fact(
        "youth_peak_in_november",
        "Youth unemployment's summer rise still there in November",
        "share of the rise",
        "school to work",
        "baseline",
        _youth_peak_in_november,
        "catalogue metric urban_youth_unemployment_rate: November less June over August "
        "less June, each summed over the years of months 1..M (the calibration targets "
        "the rise, August less June, and the rate's mean, not how fast the rise goes)",
        "0.52 (2024: 13.2% June, 18.8% August, 16.1% November); 0.55 (2025: 14.5%, "
        "18.9%, 16.9%); range a tolerance of 0.1 either side",
        InRange(0.42, 0.65),
        ("nbs_youth",),
        "the year's graduates and school leavers who find no job before the summer stay "
        "unemployed as long as the job-finding rate (docs/ODD.md 7.7) keeps them: nothing "
        "about them, or about firms' hiring over the year, changes with the calendar "
        "after August",
        bounds=(-math.inf, math.inf),
    ),
    Fact(
        "youth_month_by_month",
        "Youth unemployment's year, month by month: the largest gap to 2024's",
        "percentage points",
        "school to work",
        "baseline",
        _youth_month_by_month,
        "urban youth unemployment rate averaged over the years in each calendar month of "
        "months 1..M, against NBS's same month of 2024, each of the two profiles less its "
        "mean over the twelve months (the mean level is a calibration target): the "
        "largest of the twelve gaps",
        "0 (2024, January to December: 14.6, 15.3, 15.3, 14.7, 14.2, 13.2, 17.1, 18.8, "
        "17.6, 17.1, 16.1, 15.7%); range 0-2 points, about 1.5 times the largest change "
        "from 2024 to 2025 of the months known for both (June: 13.2% to 14.5%)",
        InRange(0.0, 2.0),
        ("nbs_youth",),
        "only the mean and the rise from June to August are fitted; the months from "
        "September to May follow from how long the unemployed young take to find work "
        "and how long graduates who delay their search stay out (delayed_entry_months, "
        "an assumption: docs/ODD.md 7.8)",
        bounds=(0.0, math.inf),
    ),
    Fact(
        "graduates_in_work_at_end",
        "Graduates in work when their programme ends",
        "share",
        "school to work",
        "baseline",
        _graduates_in_work,
        "tertiary students and full-time TVET trainees followed from the month their job "
        "search window opens (final_year_months months left) to the month their programme "
        "is due to end: the share in a job or apprenticeship at that month's end, pooled "
        "over the programme ends of months 1..M",
        "0.28-0.38 signed contracts in late April and in the final winter; 0.47 by "
        "mid-June (2003); 0.68 'employed' on 1 July (2009, further study included)",
        InRange(0.28, 0.68),
        ("moe_graduates",),
        "final_year_search is fitted to the youth unemployment rate's rise from June to "
        "August together with the share of graduates who wait out of the labour force "
        "before searching ('slow employment', delayed_entry_share): the fewer hired "
        "before they leave, the more must wait for the rise to stay small. None of them "
        "goes on to further study (postgraduate entry is not modelled)",
        bounds=(0.0, 1.0),
    ),
    Fact(
        "apprenticeship_employment_12m",
        "Apprenticeship completers in work a year later",
        "share",
        "apprenticeship",
        "baseline",
        _metric_mean("apprenticeship_employment_12m"),
        "catalogue metric apprenticeship_employment_12m (completers of 12-23 months ago "
        "now in a job or apprenticeship), mean over months 1..M",
        "about 0.76-0.81 (EU recent VET graduates); about 0.9 (China, higher vocational "
        "graduates after six months)",
        InRange(0.76, 0.92),
        ("eu_vet", "mycos"),
        "completers carry a certificate that raises their hiring score, nearly all are "
        "under 35 with skills close to their job's needs, and they leave the labour "
        "force only from unemployment, which few of them reach (no further study)",
        bounds=(0.0, 1.0),
    ),
    Fact(
        "training_firm_share",
        "Firms training apprentices",
        "share of firms",
        "apprenticeship",
        "baseline",
        _metric_mean("training_firm_share"),
        "catalogue metric training_firm_share (live firms with at least one apprentice), "
        "mean over months 1..M",
        "0.188-0.241 (Germany, establishments, 2007-2023)",
        InRange(0.188, 0.241),
        ("bibb",),
        "a firm trains only when its expected net benefit plus its own extra "
        "contribution is positive, and firms with fewer than 5 employees never train",
        bounds=(0.0, 1.0),
    ),
)

BY_KEY = {f.key: f for f in FACTS}
