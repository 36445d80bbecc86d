"""One validation run: drive ``SkillsModel`` month by month and keep what the facts need.

Besides the monthly metrics and the region breakdown, a validation run reads the
agents' arrays after every month: unemployment spells (their lengths, and who leaves
for a job a month later), job-to-job moves, the wage distribution with its age
profile, and whether students and TVET trainees are in work when their programme
ends. None of this changes the model; it is read after each ``step()``.

Two kinds of run per seed, with the same seed (common random numbers):

- ``baseline``: the scenario as it is.
- ``cycle``: the scenario plus a demand cycle (``demand_cycle``): from month
  ``CYCLE_START`` the log demand of every sector swings between ``CYCLE_AMPLITUDE / 2``
  below and as much above its own path, taking ``CYCLE_HALF_MONTHS`` months for each
  fall or rise (a triangle wave, a four-year cycle by default). The baseline has
  no demand shocks, so the cyclical facts (Beveridge curve, matching elasticity, ins
  and outs of unemployment, wage curve) need one. The amplitude was chosen so that the
  cyclical standard deviation of log unemployment is of the order of the US one
  (about 0.19, Shimer 2005, Table 1), not to fit any of the facts.
"""

from __future__ import annotations

import math
import traceback
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulation import stop
from simulation.config import RunConfig, ScenarioConfig, ShockSpec
from simulation.state import Flow, Programme, Status

KINDS = ("baseline", "cycle")
CYCLE_AMPLITUDE = 0.07  # log change of every sector's demand from trough to peak
CYCLE_HALF_MONTHS = 24  # months down, then as many up (a four-year cycle)
CYCLE_START = 12  # first month of the first downswing
SHOCK_KINDS = ("brown", "neutral", "green")  # together: every sector
MAX_SPELL = 60  # spells of this many months or more share the last tally bin
AGE_BAND_STARTS = (18, 25, 35, 45, 55)  # years; the last band ends at retirement


def demand_cycle(scenario: ScenarioConfig, months: int) -> ScenarioConfig:
    """``scenario`` with the validation's demand cycle added to its own shocks: a
    triangle wave around the scenario's own demand path, first down by half the
    amplitude over half a half-cycle, then up and down by the full amplitude over each
    half-cycle, to the horizon."""
    segments = [(CYCLE_START, CYCLE_HALF_MONTHS // 2, -CYCLE_AMPLITUDE / 2)]
    start, sign = CYCLE_START + CYCLE_HALF_MONTHS // 2, 1.0
    while start <= months:
        segments.append((start, CYCLE_HALF_MONTHS, sign * CYCLE_AMPLITUDE))
        start, sign = start + CYCLE_HALF_MONTHS, -sign
    shocks = list(scenario.drivers.shocks)
    for start, duration, change in segments:
        for kind in SHOCK_KINDS:
            shocks.append(
                ShockSpec(kind=kind, start_month=start, duration_months=duration, log_change=change)
            )
    drivers = scenario.drivers.model_copy(update={"shocks": shocks})
    return scenario.model_copy(update={"drivers": drivers})


def age_band_labels(retirement_age_years: float) -> list[str]:
    ends = [*AGE_BAND_STARTS[1:], retirement_age_years]
    return [f"{lo}-{math.ceil(hi) - 1}" for lo, hi in zip(AGE_BAND_STARTS, ends, strict=True)]


@dataclass(frozen=True)
class ObservationTask:
    kind: str  # "baseline" or "cycle"
    replicate: int  # index of the seed in the validation's seed list
    config: RunConfig
    # numba threads for the run; None = leave as is; 0 = numba's default (the node's cores)
    threads: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.replicate)


@dataclass
class Observation:
    """What one run gives the facts. Monthly arrays cover months 1..M."""

    kind: str
    replicate: int
    seed: int
    metrics: pd.DataFrame  # one row per month 0..M, the catalogue metrics
    region: pd.DataFrame  # month x region breakdown
    job_to_job: np.ndarray  # job-to-job moves in the month
    employed_before: np.ndarray  # employed at the start of the month
    spell_counts: np.ndarray  # (MAX_SPELL + 1,) unemployed person-months by spell length
    spell_exits: np.ndarray  # of those, in a job or apprenticeship at the next month's end
    year_counts: np.ndarray  # (MAX_SPELL + 1,) unemployed by spell, followed for 12 months
    year_working: np.ndarray  # of those, in a job or apprenticeship 12 months later
    wage_p10: np.ndarray  # wage percentiles of the employed at the month's end
    wage_p90: np.ndarray
    age_wage: np.ndarray  # (months, bands) mean wage of the employed by age band
    # Students and TVET trainees whose programme was due to end in months 1..M, and of
    # them those in a job or apprenticeship at that month's end (``GraduateTracker``).
    graduates_due: float = 0.0
    graduates_in_work: float = 0.0
    age_bands: list[str] = field(default_factory=list)


@dataclass
class Result:
    """An observation, or the traceback of a run that failed."""

    key: tuple[str, int]
    observation: Observation | None
    error: str = ""


def observe(task: ObservationTask) -> Result:
    """Run one task (in any process); never raises for an error inside the run."""
    try:
        from simulation.experiment.executors import set_threads

        set_threads(task.threads)  # (0 on a remote cluster: numba's default)
        return Result(task.key, _observe(task))
    except Exception:
        stop.check()  # (a stop that came back out of compiled code as another error)
        return Result(task.key, None, traceback.format_exc())


class SpellTracker:
    """Follows the unemployed of each month end: are they in work a month later (the
    exit rate by spell length) and a year later? A row is the same worker only if its
    age moved on by exactly the months elapsed (rows of retirees are reused by school
    leavers); others are left out."""

    def __init__(self, months_ahead: int = 12):
        self.ahead = months_ahead
        self.cohorts: deque[tuple[np.ndarray, np.ndarray, np.ndarray]] = deque()
        self.month_counts = np.zeros(MAX_SPELL + 1)
        self.month_exits = np.zeros(MAX_SPELL + 1)
        self.year_counts = np.zeros(MAX_SPELL + 1)
        self.year_working = np.zeros(MAX_SPELL + 1)

    def record(self, status: np.ndarray, spell: np.ndarray, age: np.ndarray) -> None:
        """After a month: tally last month's and last year's unemployed, then remember
        this month's."""
        if self.cohorts:
            self._tally(self.cohorts[-1], 1, status, age, self.month_counts, self.month_exits)
        if len(self.cohorts) == self.ahead:
            cohort = self.cohorts.popleft()
            self._tally(cohort, self.ahead, status, age, self.year_counts, self.year_working)
        rows = np.flatnonzero(status == Status.UNEMPLOYED)
        self.cohorts.append((rows, np.minimum(spell[rows], MAX_SPELL), age[rows].copy()))

    @staticmethod
    def _tally(cohort, elapsed, status, age, counts, working) -> None:
        rows, spells, ages = cohort
        same = age[rows] == ages + elapsed
        now = status[rows[same]]
        work = (now == Status.EMPLOYED) | (now == Status.APPRENTICE)
        counts += np.bincount(spells[same], minlength=MAX_SPELL + 1)
        working += np.bincount(spells[same], weights=work, minlength=MAX_SPELL + 1)


class GraduateTracker:
    """Follows the tertiary students and full-time TVET trainees who enter the job
    search window of their programme's final months (``final_year_months`` months left
    at a month's end: they may search in each of the next ``final_year_months`` months,
    docs/ODD.md 7.7) to the end of the month their programme is due to end: are they in
    a job or an apprenticeship then? Those hired before the end ended their programme
    with the hire; the others ended it that month and are counted out of work (unless
    hired and still in work). A row is the same worker only if its age moved on by the
    months elapsed; others are left out. Cohorts whose end falls after the run's last
    month are never tallied."""

    def __init__(self, window: int):
        if window < 1:
            raise ValueError(f"GraduateTracker: window must be at least 1 month, not {window}")
        self.window = window
        self.cohorts: deque[tuple[np.ndarray, np.ndarray]] = deque()
        self.due = 0.0
        self.in_work = 0.0

    def record(
        self, status: np.ndarray, programme: np.ndarray, months_left: np.ndarray, age: np.ndarray
    ) -> None:
        """After a month: tally the cohort whose programme was due to end this month,
        then remember the one that enters its final months."""
        if len(self.cohorts) == self.window:
            rows, ages = self.cohorts.popleft()
            same = age[rows] == ages + self.window
            now = status[rows[same]]
            self.due += float(same.sum())
            self.in_work += float(((now == Status.EMPLOYED) | (now == Status.APPRENTICE)).sum())
        tvet = (status == Status.TRAINING) & (programme == Programme.TVET)
        entering = ((status == Status.STUDENT) | tvet) & (months_left == self.window)
        rows = np.flatnonzero(entering)
        self.cohorts.append((rows, age[rows].copy()))


def _observe(task: ObservationTask) -> Observation:
    with stop.deferred():  # (a stop acts between months: see simulation.stop)
        observed = _observe_months(task)
        stop.check()  # (one after the last month: the run is not finished till here)
        return observed


def _observe_months(task: ObservationTask) -> Observation:
    from simulation.model import SkillsModel  # imported here: loading the kernels is slow

    run = task.config
    model = SkillsModel(run=run, burn_in_progress=lambda k: stop.check())
    w = model.workers
    retire = run.scenario.behaviour.population.retirement_age_years
    edges = np.array([*AGE_BAND_STARTS, retire], dtype=float) * 12
    n_bands = len(AGE_BAND_STARTS)
    spells = SpellTracker()
    spells.record(w.status, w.spell, w.age)  # month 0: at risk in month 1
    # (Without final-year search, final_year_months 0, the cohorts are followed from
    # their programme's last month: none of them is in work at its end.)
    graduates = GraduateTracker(max(run.scenario.behaviour.labour_market.final_year_months, 1))
    graduates.record(w.status, w.programme, w.months_left, w.age)
    j2j, emp_before, p10, p90, age_wage = [], [], [], [], []
    while model.running:
        model.step()
        stop.check()
        spells.record(w.status, w.spell, w.age)
        graduates.record(w.status, w.programme, w.months_left, w.age)
        j2j.append(float(model.flows[Flow.JOB_TO_JOB]))
        emp_before.append(float(model.employed_before))
        employed = w.status == Status.EMPLOYED
        wages = w.wage[employed].astype(np.float64)
        low, high = np.percentile(wages, [10, 90]) if wages.size else (np.nan, np.nan)
        p10.append(low)
        p90.append(high)
        band = np.searchsorted(edges, w.age[employed], side="right") - 1
        inside = (band >= 0) & (band < n_bands)
        sums = np.bincount(band[inside], weights=wages[inside], minlength=n_bands)
        counts = np.bincount(band[inside], minlength=n_bands)
        with np.errstate(invalid="ignore", divide="ignore"):
            age_wage.append(sums / counts)
    # The unemployed at the last month's end have no next month: never tallied.
    return Observation(
        kind=task.kind,
        replicate=task.replicate,
        seed=run.seed,
        metrics=model.metrics_frame(),
        region=model.breakdown("region"),
        job_to_job=np.array(j2j),
        employed_before=np.array(emp_before),
        spell_counts=spells.month_counts,
        spell_exits=spells.month_exits,
        year_counts=spells.year_counts,
        year_working=spells.year_working,
        wage_p10=np.array(p10),
        wage_p90=np.array(p90),
        age_wage=np.array(age_wage).reshape(-1, n_bands),
        graduates_due=graduates.due,
        graduates_in_work=graduates.in_work,
        age_bands=age_band_labels(retire),
    )
