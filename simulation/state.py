"""Struct-of-arrays populations: one array per field, one row per agent.

Worker and firm arrays have a fixed capacity: retired workers' rows are reused by
school leavers and exited firms' rows by entrants, so memory stays flat over a run.
"""

from __future__ import annotations

import math
from collections import namedtuple
from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np

from simulation.config import MAX_TARGET_GROWTH, K


class Status(IntEnum):
    """Worker status; every worker row is in exactly one."""

    RETIRED = 0  # also: a free row, reused by the next cohort of school leavers
    LEAVER = 1  # school leaver choosing a path this month
    STUDENT = 2  # tertiary study
    EMPLOYED = 3
    UNEMPLOYED = 4
    APPRENTICE = 5
    TRAINING = 6  # full-time TVET programme or lifelong-learning course
    INACTIVE = 7


N_STATUS = len(Status)
NEVER = -32768  # Firms.exit_month of a live or never-used row
# A firm's target, at most: 50 times its base size (shipped runs stay under 2.2), and
# 2**30 whatever its base. Drivers far outside the shipped scenarios (decades of a steep
# trend, stacked shocks) wrapped the int32 target past 2**31 to a negative number, and
# a billion vacancies a firm filled the memory (outside reviews); run_warnings warns
# of demand that moves more than 20-fold.
LOG_TARGET_GROWTH = math.log(MAX_TARGET_GROWTH)  # (config.MAX_TARGET_GROWTH)
TARGET_CAP = 2**30


class Education(IntEnum):
    SECONDARY = 0
    VOCATIONAL = 1  # completed a TVET programme or apprenticeship
    TERTIARY = 2


class Programme(IntEnum):
    NONE = 0
    TVET = 1  # initial full-time TVET of a school leaver
    COURSE = 2  # lifelong-learning course of an adult
    VOUCHER_COURSE = 3  # the same, paid by a voucher


class ApprState(IntEnum):
    NEVER = 0
    ACTIVE = 1
    COMPLETED = 2
    DROPPED = 3  # left before completion
    DISSOLVED = 4  # the training firm exited


class Cert(IntEnum):
    NONE = 0
    TVET = 1
    APPRENTICESHIP = 2
    ADVANCED = 3


class SectorKind(IntEnum):
    BROWN = 0
    NEUTRAL = 1
    GREEN = 2


class Choice(IntEnum):
    """A school leaver's path."""

    APPRENTICESHIP = 0
    TVET = 1
    SEARCH = 2
    TERTIARY = 3


class Flow(IntEnum):
    """Monthly event counters (reset each month)."""

    HIRES = 0
    UNEMPLOYED_TO_EMPLOYED = 1
    JOB_TO_JOB = 2
    LAYOFFS = 3
    QUITS = 4
    EXIT_LAYOFFS = 5
    APPR_STARTS = 6
    APPR_COMPLETIONS = 7
    APPR_DROPOUTS = 8
    APPR_DISSOLVED = 9
    APPR_RETAINED = 10
    APPR_POACHED = 11  # job-to-job moves of retained completers within the window
    APPR_CERTIFIED = 12
    TVET_ENROLMENTS = 13
    COURSE_ENROLMENTS = 14
    VOUCHER_ENROLMENTS = 15
    TERTIARY_ENROLMENTS = 16
    TVET_CERTIFIED = 17
    RETIREMENTS = 18
    ENTRANTS = 19
    ENTRANTS_TURNED_AWAY = 20
    RETURN_MIGRATIONS = 21
    FIRM_ENTRIES = 22
    FIRM_EXITS = 23
    CHOSE_APPRENTICESHIP = 24
    CHOSE_TVET = 25
    CHOSE_SEARCH = 26
    CHOSE_TERTIARY = 27
    TO_INACTIVE = 28
    FROM_INACTIVE = 29
    VOUCHER_MONTHS = 30
    SLOTS_OFFERED = 31
    APPR_RECOUPED = 32  # completions whose benefits to the training firm covered its costs
    FINAL_YEAR_HIRES = 33  # students and TVET trainees hired in their programme's last months
    GRADUATIONS = 34  # tertiary and full-time TVET programmes that ended without a hire
    DELAYED_ENTRIES = 35  # of these, graduates who stay out of the labour force a while


N_FLOW = len(Flow)


class Spend(IntEnum):
    """Public spending programmes, yuan per month."""

    SUBSIDY = 0  # apprenticeship subsidy: advances + balances - clawbacks
    QUALITY = 1  # public assessment and certification of completers
    VOUCHERS = 2  # lifelong-learning vouchers
    SEATS = 3  # funded TVET and course seats in use
    RURAL_ACCESS = 4  # extra rural and mobile training seats
    ANTICIPATION = 5  # skills anticipation system
    CORE_SKILLS = 6  # core-skills curricula
    GREEN_CURRICULA = 7  # green curricula


N_SPEND = len(Spend)


class Training(IntEnum):
    """The month's training economics of the firms, summed over apprentice-months, yuan."""

    RETURNS = 0  # apprentices' productive contribution (on the job, and the firms' extra)
    GROSS_COST = 1  # their wage, mentor time and the cost of quality standards


N_TRAINING = len(Training)


def _empty(n: int, dtype, fill) -> np.ndarray:
    a = np.empty(n, dtype=dtype)
    a.fill(fill)
    return a


LINE = 64  # bytes of a cache line


def _rows(n: int, dtype) -> np.ndarray:
    """Zeros, (n, K), starting at a cache line's start: a row of K float32 (32 bytes)
    then never straddles two lines. NumPy's own arrays start 16 bytes into a line here
    (glibc's alignment), so every other row did, and a kernel that reads rows at random
    (a searcher's skills, a firm's requirements) waited for two lines instead of one:
    the scores of a city's applications took 1.05 of their time (BENCHMARKS.md)."""
    size = n * K * np.dtype(dtype).itemsize
    raw = np.zeros(size + LINE, dtype=np.uint8)
    skip = -raw.ctypes.data % LINE
    return raw[skip : skip + size].view(dtype).reshape(n, K)


def _copy(a: np.ndarray) -> np.ndarray:
    """A copy of ``a``; a table of rows (``_rows``: (n, K) float32) starts at a cache
    line's start, as the original does (``ndarray.copy`` would start it where NumPy's
    own arrays start)."""
    if a.ndim == 2 and a.shape[1] == K and a.dtype == np.float32:
        out = _rows(a.shape[0], a.dtype)
        out[...] = a
        return out
    return a.copy()


class _Arrays:
    """Shared helpers for the population dataclasses."""

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    def copy(self):
        return type(self)(**{k: _copy(v) for k, v in self.arrays().items()})

    def __deepcopy__(self, memo):
        """``copy``: a sweep's shared burn-in (``model.BurnInStore``) keeps and hands out
        deep copies, whose tables of rows start at a line's start too."""
        memo[id(self)] = out = self.copy()
        return out

    def nbytes(self) -> int:
        return sum(v.nbytes for v in self.arrays().values())

    def as_tuple(self):
        """The arrays as a plain tuple, in the order of the fields of ``WorkerArrays``
        (and the like), which ``kernels.month.advance`` names them by: numba's dispatcher
        types a plain tuple of arrays at a call in a third of the time of a named one."""
        named = TUPLES[type(self)]
        return tuple([getattr(self, name) for name in named._fields])


@dataclass(eq=False)
class Workers(_Arrays):
    status: np.ndarray  # int8 Status
    age: np.ndarray  # int16 months
    region: np.ndarray  # int8 region of residence
    origin: np.ndarray  # int8 home region
    rural: np.ndarray  # int8 1 = rural origin
    education: np.ndarray  # int8 Education
    ability: np.ndarray  # float32 learning ability, mean 1
    skills: np.ndarray  # float32 (n, K) 0..1
    employer: np.ndarray  # int32 firm row (employed or apprentice), -1
    gap_under: np.ndarray  # float32 requirement-weighted shortfall at the current job
    gap_over: np.ndarray  # float32 excess skill in domains the job does not need
    wage: np.ndarray  # float32 yuan per month
    tenure: np.ndarray  # int16 months with the current employer
    spell: np.ndarray  # int16 months of the current unemployment spell
    months_left: np.ndarray  # int16 months left in the current programme
    provider: np.ndarray  # int16 provider row (training or apprentice), -1
    programme: np.ndarray  # int8 Programme
    cert: np.ndarray  # int8 Cert, highest held
    appr_state: np.ndarray  # int8 ApprState of the latest apprenticeship
    appr_firm: np.ndarray  # int32 training firm of the latest apprenticeship, -1
    appr_duration: np.ndarray  # int16 contract length of the latest apprenticeship, months
    appr_entitlement: np.ndarray  # float64 subsidy due for it under the terms at its start
    appr_advance: np.ndarray  # float64 part of that subsidy paid in advance at its start
    appr_net: np.ndarray  # float64 its net benefit to the training firm so far (final once ended)
    retained: np.ndarray  # int8 1 = kept by the training firm at completion
    poached: np.ndarray  # int8 1 = left the training firm within the poaching window
    seeking_appr: np.ndarray  # int16 months left seeking an apprenticeship slot
    displaced: np.ndarray  # int8 1 = lost a job in a brown sector
    date_entry: np.ndarray  # float32 month of labour-market entry (NaN = before the run)
    date_first_job: np.ndarray  # float32 month of the first job or apprenticeship after entry
    date_appr_start: np.ndarray  # float32
    date_appr_end: np.ndarray  # float32 month of completion
    date_displaced: np.ndarray  # float32

    @classmethod
    def allocate(cls, n: int) -> Workers:
        nan = np.float32(np.nan)
        return cls(
            status=_empty(n, np.int8, Status.RETIRED),
            age=_empty(n, np.int16, 0),
            region=_empty(n, np.int8, 0),
            origin=_empty(n, np.int8, 0),
            rural=_empty(n, np.int8, 0),
            education=_empty(n, np.int8, Education.SECONDARY),
            ability=_empty(n, np.float32, 1.0),
            skills=_rows(n, np.float32),
            employer=_empty(n, np.int32, -1),
            gap_under=_empty(n, np.float32, 0.0),
            gap_over=_empty(n, np.float32, 0.0),
            wage=_empty(n, np.float32, 0.0),
            tenure=_empty(n, np.int16, 0),
            spell=_empty(n, np.int16, 0),
            months_left=_empty(n, np.int16, 0),
            provider=_empty(n, np.int16, -1),
            programme=_empty(n, np.int8, Programme.NONE),
            cert=_empty(n, np.int8, Cert.NONE),
            appr_state=_empty(n, np.int8, ApprState.NEVER),
            appr_firm=_empty(n, np.int32, -1),
            appr_duration=_empty(n, np.int16, 0),
            appr_entitlement=_empty(n, np.float64, 0.0),
            appr_advance=_empty(n, np.float64, 0.0),
            appr_net=_empty(n, np.float64, 0.0),
            retained=_empty(n, np.int8, 0),
            poached=_empty(n, np.int8, 0),
            seeking_appr=_empty(n, np.int16, 0),
            displaced=_empty(n, np.int8, 0),
            date_entry=_empty(n, np.float32, nan),
            date_first_job=_empty(n, np.float32, nan),
            date_appr_start=_empty(n, np.float32, nan),
            date_appr_end=_empty(n, np.float32, nan),
            date_displaced=_empty(n, np.float32, nan),
        )

    @property
    def capacity(self) -> int:
        return self.status.shape[0]


@dataclass(eq=False)
class Firms(_Arrays):
    alive: np.ndarray  # int8
    sector: np.ndarray  # int8 sector index
    region: np.ndarray  # int8
    base_size: np.ndarray  # float32 employees at demand index 1
    shock: np.ndarray  # float32 AR(1) log demand shock
    productivity: np.ndarray  # float32, 1 = average
    req: np.ndarray  # float32 (m, K) skill requirement 0..1
    target: np.ndarray  # int32 desired employees (MAX_TARGET_GROWTH x base, TARGET_CAP)
    headcount: np.ndarray  # int32 employees (apprentices not included)
    apprentices: np.ndarray  # int32 active apprentices
    vacancies: np.ndarray  # int32 open vacancies
    vac_age: np.ndarray  # int16 months the vacancies have gone without a hire
    vac_apps: np.ndarray  # int32 applications received during the vacancy spell
    vac_qualified: np.ndarray  # int32 applicants above the threshold during the spell
    layoff_quota: np.ndarray  # int32 layoffs decided this month
    slots: np.ndarray  # int32 open apprenticeship slots
    net_benefit: np.ndarray  # float32 expected net benefit per apprentice, yuan
    appr_extra: np.ndarray  # float32 firm's own extra apprentice contribution, months of wage
    provider: np.ndarray  # int16 partner provider
    train_cost: np.ndarray  # float64 cumulative gross cost of training, yuan
    train_benefit: np.ndarray  # float64 cumulative productive contribution + retention value
    appr_started: np.ndarray  # int32 apprenticeships started (accounts' denominator)
    entry_month: np.ndarray  # int16
    exit_month: np.ndarray  # int16 month of exit; NEVER for live and never-used rows

    @classmethod
    def allocate(cls, m: int) -> Firms:
        return cls(
            alive=_empty(m, np.int8, 0),
            sector=_empty(m, np.int8, 0),
            region=_empty(m, np.int8, 0),
            base_size=_empty(m, np.float32, 0.0),
            shock=_empty(m, np.float32, 0.0),
            productivity=_empty(m, np.float32, 1.0),
            req=_rows(m, np.float32),
            target=_empty(m, np.int32, 0),
            headcount=_empty(m, np.int32, 0),
            apprentices=_empty(m, np.int32, 0),
            vacancies=_empty(m, np.int32, 0),
            vac_age=_empty(m, np.int16, 0),
            vac_apps=_empty(m, np.int32, 0),
            vac_qualified=_empty(m, np.int32, 0),
            layoff_quota=_empty(m, np.int32, 0),
            slots=_empty(m, np.int32, 0),
            net_benefit=_empty(m, np.float32, 0.0),
            appr_extra=_empty(m, np.float32, 0.0),
            provider=_empty(m, np.int16, -1),
            train_cost=_empty(m, np.float64, 0.0),
            train_benefit=_empty(m, np.float64, 0.0),
            appr_started=_empty(m, np.int32, 0),
            entry_month=_empty(m, np.int16, 0),
            exit_month=_empty(m, np.int16, NEVER),
        )

    @property
    def capacity(self) -> int:
        return self.alive.shape[0]


@dataclass(eq=False)
class Providers(_Arrays):
    region: np.ndarray  # int8
    base_seats: np.ndarray  # int32 TVET programme seats before policy
    base_course_seats: np.ndarray  # int32 adult course seats before policy
    seats: np.ndarray  # int32 TVET seats this month (policy and scenario applied)
    course_seats: np.ndarray  # int32 adult course seats this month
    enrolled: np.ndarray  # int32 TVET students
    course_enrolled: np.ndarray  # int32 adults in lifelong-learning courses
    quality: np.ndarray  # float64 0..1
    mix: np.ndarray  # float64 (p, K) share of programme time per domain, sums to 1
    relevance: np.ndarray  # float64 0..1: 1 - total-variation distance of mix and skill demand

    @property
    def count(self) -> int:
        return self.region.shape[0]


def _named_tuple(cls: type) -> type:
    return namedtuple(cls.__name__[:-1] + "Arrays", [f.name for f in fields(cls)])


WorkerArrays = _named_tuple(Workers)
FirmArrays = _named_tuple(Firms)
ProviderArrays = _named_tuple(Providers)
TUPLES = {Workers: WorkerArrays, Firms: FirmArrays, Providers: ProviderArrays}


@dataclass(eq=False)
class World:
    """Static description of regions and sectors, as arrays for the kernels."""

    region_urban: np.ndarray  # int8 (R,)
    region_share: np.ndarray  # float64 (R,) population share
    region_rural_share: np.ndarray  # float64 (R,) share of rural origin
    wage_level: np.ndarray  # float64 (R,) yuan per month
    min_wage: np.ndarray  # float64 (R,) yuan per month
    travel: np.ndarray  # float64 (R, R) base travel cost
    sector_kind: np.ndarray  # int8 (S,) SectorKind
    sector_rural: np.ndarray  # int8 (S,)
    sector_profile: np.ndarray  # float64 (S, K)
    sector_share: np.ndarray  # float64 (S, R) employment share by region
    sector_trend: np.ndarray  # float64 (S,) log change per year
    sector_carbon: np.ndarray  # float64 (S,)
    sector_productivity: np.ndarray  # float64 (S,)
    initial_firms: np.ndarray  # int32 (S, R) firms per cell at month 0
    region_names: tuple[str, ...]
    sector_names: tuple[str, ...]

    @property
    def rural_pair(self) -> np.ndarray:
        """(R, R) 1 where either end of a trip is a rural region."""
        rural = self.region_urban == 0
        return (rural[:, None] | rural[None, :]).astype(np.float64)

    @property
    def rural_home_cum(self) -> np.ndarray:
        """(R,) cumulative population shares of rural regions (flat over urban ones,
        1 at the end; all 0 without rural regions): where a rural-origin city dweller's
        home is drawn from."""
        share = np.where(self.region_urban == 0, self.region_share, 0.0)
        total = share.sum()
        return np.cumsum(share) / total if total > 0 else np.zeros_like(share)

    @property
    def field_cum(self) -> np.ndarray:
        """(R, S) each region's cumulative employment shares over sectors (1 at the end;
        all 0 for a region without jobs): where a school leaver's field is drawn from."""
        share = self.sector_share.T
        total = share.sum(axis=1, keepdims=True)
        cum = np.cumsum(np.divide(share, total, out=np.zeros_like(share), where=total > 0), 1)
        return np.ascontiguousarray(cum)  # (rows by region, as the kernels index it)

    @property
    def n_regions(self) -> int:
        return self.region_urban.shape[0]

    @property
    def n_sectors(self) -> int:
        return self.sector_kind.shape[0]
