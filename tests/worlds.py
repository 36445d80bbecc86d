"""Small random but consistent worlds for kernel tests.

``random_world(n_workers, seed)`` starts from the initial state ``simulation.initial``
builds for a small run (cached per scenario, policy and size), then perturbs it with
``numpy.random.default_rng(seed)`` so that every branch of every kernel runs: some
firms have exited (their rows free for entrants), firms carry vacancies, vacancy ages,
layoff quotas, slots and training accounts; workers are spread over every status
(school leavers, students, apprentices with providers, trainees in TVET and courses,
unemployed with various spells and slot searches, inactive, free rows) with
certificates, apprenticeship records (contract terms of their own: duration, subsidy
due and advance paid, often not today's terms), retention and poaching flags,
displacement flags and event dates; firms carry their own extra apprentice
contribution; skills have exact ties and boundary values; parameters are often pushed
to make rare events common.

Invariants kept (the state between two months): every employed worker or apprentice
works at a live firm in its own region; firm headcount and apprentice counts equal the
workers employed and apprenticed there; provider TVET enrolment equals its TVET
students and its course enrolment its course trainees, each within its seats; every
trainee has a provider and a programme, every apprentice an active record at its firm
with months left within its own contract; only retained completers are flagged
poached; nobody but the unemployed has a spell or seeks a slot; live and never-used
firm rows have exit month ``NEVER``. ``pending_exits=True`` instead
gives the state just after ``firms.exit_firms``: some firms have exited this month and
their workers are still attached (what ``separations.layoffs_and_quits`` clears).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from types import SimpleNamespace
from typing import Any

import numpy as np

from simulation import initial, loading, params, phases
from simulation.config import RunConfig
from simulation.kernels import metrics as metric_kernels
from simulation.rng import stream_key
from simulation.state import (
    N_FLOW,
    N_SPEND,
    N_TRAINING,
    ApprState,
    Firms,
    Programme,
    Providers,
    SectorKind,
    Status,
    Workers,
    World,
)

SCENARIOS = ("baseline", "green_transition_disorderly", "rural_revitalization", "combined")
POLICY_SETS = (
    ("none",),
    ("package",),
    ("quality_apprenticeship", "apprenticeship_subsidy"),
    ("lifelong_learning_vouchers", "rural_training_access"),
)
SIZES = (100, 160, 250)  # workers; a run needs at least 100


@dataclasses.dataclass(eq=False)
class Base:
    """What ``simulation.initial`` builds for one small run."""

    run: RunConfig
    params: params.Params
    world: World
    firms: Firms
    providers: Providers
    workers: Workers
    n_workers: int


@functools.lru_cache(maxsize=64)
def base_world(scenario: str, policies: tuple[str, ...], n_workers: int, seed: int) -> Base:
    """The initial state of a small run, as ``SkillsModel`` builds it (before burn-in)."""
    run = loading.resolve_run(scenario, policies, workers=n_workers, months=60, seed=seed)
    p = params.build(run)
    world = params.build_world(run)
    firms = initial.make_firms(run, world, seed)
    providers = initial.make_providers(run, world, firms, seed, p.providers.core_share)
    workers = initial.make_workers(run, world, firms, seed)
    return Base(run, p, world, firms, providers, workers, n_workers)


@dataclasses.dataclass(eq=False)
class RandomWorld:
    """Populations, static world, parameters and the model's buffers at one month."""

    p: params.Params
    world: World  # static; never mutated by kernels
    w: Workers
    f: Firms
    pr: Providers
    b: dict[str, np.ndarray]  # model buffers: flows, spend, travel, cells, tables...
    s: dict[str, Any]  # scalars: month, clock, seed, poach_rate, slot_ratio, ...
    providers_per_region: int

    def key(self, stream: int, clock: int | None = None) -> np.uint64:
        """Stream key as the model makes it (np.uint64)."""
        c = self.s["clock"] if clock is None else clock
        return np.uint64(stream_key(self.s["seed"], c, int(stream)))

    @property
    def month(self) -> int:
        return self.s["month"]

    def copy(self) -> RandomWorld:
        return dataclasses.replace(
            self,
            w=self.w.copy(),
            f=self.f.copy(),
            pr=self.pr.copy(),
            b={k: v.copy() for k, v in self.b.items()},
            s=dict(self.s),
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """Every mutable array, by a readable name."""
        out = {f"w.{k}": v for k, v in self.w.arrays().items()}
        out.update({f"f.{k}": v for k, v in self.f.arrays().items()})
        out.update({f"pr.{k}": v for k, v in self.pr.arrays().items()})
        out.update({f"b.{k}": v for k, v in self.b.items()})
        return out


# ------------------------------------------------------------------ parameters


def _u(rng, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def perturb_params(p: params.Params, rng: np.random.Generator) -> params.Params:
    """Parameters with rare events made common and levers switched at random (field types
    kept, so the kernels' compiled signatures are reused)."""
    if rng.random() < 0.25:
        return p
    duration = int(rng.choice([1, 2, 6, p.appr.duration, 24]))
    quality = float(rng.choice([0.0, 1.0, _u(rng, 0, 1)]))
    subsidy = float(rng.choice([0.0, 5000.0]))
    advance_share = float(rng.choice([0.0, 0.3, 1.0, p.appr.advance_share]))
    hire_threshold = _u(rng, 0.3, 0.95)
    learning_rate = _u(rng, 0.0, 0.3)
    appr = p.appr._replace(
        duration=duration,
        quality_level=quality,
        dropout_hazard=_u(rng, 0.0, 0.3),
        subsidy_per_year=subsidy,
        advance_share=advance_share,
        advanced_bonus_per_year=float(rng.choice([0.0, 1000.0])),
        wage_floor_share=float(rng.choice([0.0, 1.0])),
        certification_pass=_u(rng, 0.3, 1.0),
        advanced_match=_u(rng, 0.6, 1.0),
        base_retention=_u(rng, 0.2, 1.0),
        contribution_sd=_u(rng, 0.0, 3.0),
        clawback_share=float(rng.choice([0.0, 0.5, 1.0])),
        public_cost_per_completion=float(rng.choice([0.0, 800.0])),
        hire_threshold=hire_threshold,
    )
    skills = p.skills._replace(
        quality_level=quality,
        depreciation_employed=_u(rng, 0.0, 0.05),
        depreciation_unemployed=_u(rng, 0.0, 0.05),
        learning_rate=learning_rate,
        training_rate=_u(rng, 0.0, 0.3),
    )
    match = p.match._replace(
        applications=int(rng.integers(1, 6)),
        rounds=int(rng.integers(1, 4)),
        on_the_job_search=_u(rng, 0.0, 0.5),
        youth_interest=_u(rng, 0.0, 0.9),
        hire_threshold=hire_threshold,
        trainability_threshold=_u(rng, 0.2, 0.6),
        threshold_vacancy_age=_u(rng, 0.0, 0.1),
        affinity_weight=_u(rng, 0.0, 6.0),
        travel_weight=_u(rng, 0.0, 6.0),
        moving_cost_weight=_u(rng, 0.0, 0.9),
        max_age_months=int(rng.integers(250, 500)),
        duration=duration,
        subsidy_per_year=subsidy,
        advance_share=advance_share,
        learning_rate=learning_rate,
        core_boost=float(rng.choice([0.0, p.match.core_boost, _u(rng, 0.0, 3.0)])),
        hiring_horizon=int(rng.choice([0, 1, p.match.hiring_horizon, 60])),
        final_year_search=float(rng.choice([0.0, 1.0, _u(rng, 0.0, 1.0)])),
        final_year_months=int(rng.integers(0, 8)),
        screening_noise=float(rng.choice([0.0, _u(rng, 0.0, 0.3)])),
        youth_reservation=float(rng.choice([0.0, _u(rng, 0.2, 1.5)])),
        reservation_decline=float(rng.choice([0.0, 1.0, _u(rng, 0.0, 0.5)])),
        youth_age_months=int(rng.choice([0, p.match.youth_age_months, 1200])),
    )
    separation = p.separation._replace(quit_rate=_u(rng, 0.0, 0.2))
    choices = p.choices._replace(
        logit_scale=_u(rng, 0.1, 4.0),
        tertiary_constant=float(rng.choice([-math.inf, math.inf] + [_u(rng, -2.0, 2.0)] * 6)),
        seek_months=int(rng.integers(1, 8)),
        distance_penalty=_u(rng, 0.0, 3.0),
    )
    courses = p.courses._replace(
        base_rate=_u(rng, 0.0, 0.6),
        min_spell=int(rng.integers(0, 6)),
        target_youth=bool(rng.random() < 0.5),
        target_rural=bool(rng.random() < 0.5),
        target_displaced=bool(rng.random() < 0.5),
        voucher_value=float(rng.choice([0.0, 800.0])),
        voucher_boost=_u(rng, 0.0, 3.0),
    )
    education = p.education._replace(
        voucher_value=courses.voucher_value,
        tvet_certification_pass=_u(rng, 0.2, 1.0),
        delay_share=float(rng.choice([0.0, 1.0, _u(rng, 0.0, 1.0)])),
        delay_months=int(rng.integers(1, 9)),
    )
    match = match._replace(tvet_certification_pass=education.tvet_certification_pass)
    demography = p.demography._replace(
        inactivity_hazard=_u(rng, 0.0, 0.6),
        withdrawal_hazard=_u(rng, 0.0, 0.3),
        reactivation_hazard=_u(rng, 0.0, 0.6),
        return_rate=_u(rng, 0.0, 0.6),
        inactive_age_months=int(rng.integers(200, 700)),
    )
    wages = p.wages._replace(appr_wage_floor_share=appr.wage_floor_share)
    costs = p.costs._replace(
        rural_policy_extra=float(rng.choice([0.0, 0.5])),
        rural_seat_cost=float(rng.choice([0.0, 900.0])),
        capacity_multiplier=float(rng.choice([1.0, 1.3])),
    )
    providers = p.providers._replace(
        green_share=float(rng.choice([0.0, 0.2, 0.5])),
        noise_sd=_u(rng, 0.0, 1.0),
        core_share=_u(rng, 0.0, 0.4),
    )
    metrics = p.metrics._replace(under_gap=_u(rng, 0.0, 0.3), over_gap=_u(rng, 0.0, 0.3))
    return p._replace(
        appr=appr,
        skills=skills,
        match=match,
        separation=separation,
        choices=choices,
        courses=courses,
        education=education,
        demography=demography,
        wages=wages,
        costs=costs,
        providers=providers,
        metrics=metrics,
    )


# --------------------------------------------------------------------- world


def random_world(
    n_workers: int = 160,
    seed: int = 0,
    scenario: str | None = None,
    policies: tuple[str, ...] | None = None,
    pending_exits: bool = False,
) -> RandomWorld:
    """A consistent random world of about ``n_workers`` workers (see the module doc)."""
    rng = np.random.default_rng(seed)
    if scenario is None:
        scenario = SCENARIOS[int(rng.integers(len(SCENARIOS)))]
    if policies is None:
        policies = POLICY_SETS[int(rng.integers(len(POLICY_SETS)))]
    base = base_world(scenario, tuple(policies), n_workers, int(rng.integers(3)))
    p = perturb_params(base.params, rng)
    world = base.world
    w, f, pr = base.workers.copy(), base.firms.copy(), base.providers.copy()
    month = int(rng.integers(-30, 120))
    burn_in = base.run.scenario.burn_in_months
    _perturb_firms(rng, f, month)
    _perturb_providers(rng, pr)
    _perturb_workers(rng, p, world, w, f, pr, base.n_workers, month)
    _recount(w, f, pr)
    _set_seats(rng, pr)
    b = _buffers(rng, p, world, w, f, pr, base.run.months, burn_in)
    if pending_exits:
        _exit_this_month(rng, f, month)
    s = {
        "month": month,
        "clock": max(month + burn_in, 0),  # the model's month counter keys the draws
        "seed": int(rng.integers(0, 2**62)),
        "poach_rate": float(rng.choice([0.0, _u(rng, 0, 0.6)])),
        "slot_ratio": float(rng.choice([0.0, _u(rng, 0, 2.0)])),
        "first_cohort_year": -math.ceil(burn_in / 12),
        "rural_phase": float(rng.choice([0.0, 1.0, _u(rng, 0, 1)])),
    }
    # Return-migration hazard as the model sets it (``phases.return_hazard``: the base
    # rate, raised by the scenario's boost as rural revitalization phases in).
    s["return_hazard"] = phases.return_hazard(SimpleNamespace(rural_phase=s["rural_phase"]), p)
    return RandomWorld(
        p=p,
        world=world,
        w=w,
        f=f,
        pr=pr,
        b=b,
        s=s,
        providers_per_region=base.run.scenario.world.providers_per_region,
    )


def _perturb_firms(rng, f: Firms, month: int) -> None:
    m = f.capacity
    live = np.flatnonzero(f.alive == 1)
    # Some firms exited in earlier months: their rows are free for entrants.
    gone = live[rng.random(live.size) < rng.uniform(0.0, 0.25)]
    f.alive[gone] = 0
    f.exit_month[gone] = month - rng.integers(1, 24, gone.size)
    # Some never-used rows look like rows that exited this month (not free yet).
    spare = np.flatnonzero(f.alive == 0)
    now = spare[rng.random(spare.size) < 0.2]
    f.exit_month[now] = month
    f.shock[:] = (rng.normal(0.0, 0.15, m) * (f.alive == 1)).astype(np.float32)
    f.entry_month[f.alive == 1] = rng.integers(-30, month + 1, (f.alive == 1).sum())
    f.net_benefit[:] = rng.normal(0.0, 2000.0, m).astype(np.float32)
    trained = rng.random(m) < 0.4
    f.train_cost[:] = np.where(trained, rng.uniform(0, 5e4, m), 0.0)
    f.train_benefit[:] = np.where(trained, rng.uniform(0, 5e4, m), 0.0)
    f.appr_started[:] = np.where(trained & (rng.random(m) < 0.9), rng.integers(1, 9, m), 0)
    # Occasional exact ties in productivity, for the exit ranking.
    tie = rng.random(m) < 0.2
    f.productivity[tie] = np.float32(1.0)
    # Each firm's own extra apprentice contribution (months of its skilled wage): some
    # large enough to make training pay, some zero.
    extra = rng.normal(0.0, rng.choice([0.5, 3.0]), m) * (rng.random(m) < 0.8)
    f.appr_extra[:] = (extra * (f.alive == 1)).astype(np.float32)


def _perturb_providers(rng, pr: Providers) -> None:
    n, k = pr.mix.shape
    pr.quality[:] = rng.uniform(0.05, 1.0, n)
    mix = rng.dirichlet(np.ones(k), n)
    keep = rng.random(n) < 0.5
    pr.mix[keep] = mix[keep]
    pr.relevance[:] = rng.uniform(0.0, 1.0, n)
    # Small runs round their course seats to 0: give providers a few.
    pr.base_course_seats[:] = rng.integers(0, 4, n).astype(np.int32)


def _perturb_workers(rng, p, world, w: Workers, f: Firms, pr: Providers, n: int, month: int):
    cap = w.capacity
    retire = p.demography.retirement_months
    entry = p.demography.entry_age_months
    live = np.flatnonzero(f.alive == 1)
    n_regions = world.n_regions
    n_providers = pr.count
    codes = np.array(
        [
            Status.EMPLOYED,
            Status.UNEMPLOYED,
            Status.APPRENTICE,
            Status.TRAINING,
            Status.STUDENT,
            Status.INACTIVE,
            Status.LEAVER,
            Status.RETIRED,
        ],
        dtype=np.int8,
    )
    weights = rng.dirichlet(np.array([9.0, 3, 1.5, 1.5, 1, 1, 1, 1.5]))
    status = rng.choice(codes, size=cap, p=weights).astype(np.int8)
    status[n:] = Status.RETIRED  # rows beyond the population are free
    status[rng.random(cap) < 0.03] = Status.RETIRED
    if live.size == 0:
        status[(status == Status.EMPLOYED) | (status == Status.APPRENTICE)] = Status.UNEMPLOYED
    working = (status == Status.EMPLOYED) | (status == Status.APPRENTICE)
    # Employers: keep the initial employer if it is still alive, else a random live firm.
    employer = w.employer.copy()
    if live.size:
        stale = working & ((employer < 0) | (f.alive[np.maximum(employer, 0)] == 0))
        employer[stale] = rng.choice(live, stale.sum())
    employer[~working] = -1
    w.employer[:] = employer
    region = w.region.copy()
    region[working] = f.region[employer[working]]
    moved = ~working & (rng.random(cap) < 0.3)
    region[moved] = rng.integers(0, n_regions, moved.sum())
    w.region[:] = region
    w.status[:] = status
    # Ages: school leavers at entry age; some at the brink of retirement; a spread else.
    age = rng.integers(entry, retire, cap)
    young = rng.random(cap) < 0.35
    age[young] = rng.integers(entry, entry + 14 * 12, young.sum())
    brink = rng.random(cap) < 0.05
    age[brink] = retire - 1
    age[status == Status.LEAVER] = entry + rng.integers(0, 12, (status == Status.LEAVER).sum())
    students = status == Status.STUDENT
    age[students] = entry + rng.integers(0, 48, students.sum())
    w.age[:] = age.astype(np.int16)
    # Rural origin, some workers away from home.
    w.rural[:] = (rng.random(cap) < 0.4).astype(np.int8)
    w.origin[:] = np.where(rng.random(cap) < 0.3, rng.integers(0, n_regions, cap), w.region)
    w.education[:] = rng.integers(0, 3, cap).astype(np.int8)
    ability = rng.normal(1.0, 0.3, cap).clip(0.2, 3.0)
    ability[rng.random(cap) < 0.1] = 2.0  # the trainability cap, exactly
    w.ability[:] = ability.astype(np.float32)
    # Programmes and providers.
    w.provider[:] = -1
    w.programme[:] = Programme.NONE
    w.months_left[:] = 0
    appr = status == Status.APPRENTICE
    na = appr.sum()
    w.provider[appr] = np.where(rng.random(na) < 0.85, f.provider[employer[appr]], -1)
    # Contract lengths of the latest apprenticeship: today's, or those of earlier terms.
    durations = np.array([1, 6, 12, p.appr.duration, 24], dtype=np.int64)
    duration = rng.choice(durations, cap, p=[0.05, 0.15, 0.15, 0.5, 0.15])
    w.months_left[appr] = rng.integers(1, duration[appr] + 1)
    training = status == Status.TRAINING
    nt = training.sum()
    w.provider[training] = rng.integers(0, n_providers, nt)
    programme = rng.choice(
        np.array([Programme.TVET, Programme.COURSE, Programme.VOUCHER_COURSE], dtype=np.int8), nt
    )
    w.programme[training] = programme
    w.months_left[training] = rng.integers(1, 6, nt)
    w.months_left[students] = rng.integers(1, 6, students.sum())
    # Graduates delaying their search (a countdown), and stale counts of the unemployed
    # (an apprenticeship dissolved) that a move out of the labour force must clear.
    unemployed = status == Status.UNEMPLOYED
    counting = ((status == Status.INACTIVE) | unemployed) & (rng.random(cap) < 0.4)
    w.months_left[counting] = rng.integers(1, 5, counting.sum())
    # Spells, slot searches, tenure.
    w.spell[:] = np.where(unemployed, rng.integers(0, 30, cap), 0).astype(np.int16)
    # (the inactive too: a leaver who left the labour force in its window)
    seeking = (unemployed | (status == Status.INACTIVE)) & (rng.random(cap) < 0.3)
    w.seeking_appr[:] = np.where(seeking, rng.integers(1, 7, cap), 0).astype(np.int16)
    w.tenure[:] = np.where(working, rng.integers(0, 160, cap), 0).astype(np.int16)
    # Certificates and apprenticeship records.
    w.cert[:] = rng.choice(np.arange(4, dtype=np.int8), cap, p=[0.55, 0.15, 0.2, 0.1])
    state = rng.choice(
        np.array([ApprState.NEVER, ApprState.COMPLETED, ApprState.DROPPED, ApprState.DISSOLVED]),
        cap,
        p=[0.5, 0.3, 0.1, 0.1],
    ).astype(np.int8)
    state[appr] = ApprState.ACTIVE
    w.appr_state[:] = state
    firm_rows = rng.integers(0, f.capacity, cap)
    own = appr | (working & (rng.random(cap) < 0.6))  # an active record is at the employer
    w.appr_firm[:] = np.where(state == ApprState.NEVER, -1, np.where(own, employer, firm_rows))
    w.retained[:] = ((state == ApprState.COMPLETED) & (rng.random(cap) < 0.5)).astype(np.int8)
    # Some retained completers have since been poached: they left the training firm.
    poached = (w.retained == 1) & (rng.random(cap) < 0.4)
    w.poached[:] = poached.astype(np.int8)
    stayed = poached & (w.appr_firm == employer) & (employer >= 0)
    w.appr_firm[stayed] = (employer[stayed] + 1) % f.capacity
    # Terms of the latest apprenticeship, fixed at its start: duration, subsidy due over
    # the contract and the advance paid then (subsidy and advance share of that time).
    ever = state != ApprState.NEVER
    subsidy = rng.choice(np.array([0.0, 4000.0, 5000.0, p.appr.subsidy_per_year]), cap)
    share = rng.choice(np.array([0.0, 0.3, 1.0, p.appr.advance_share]), cap)
    entitlement = subsidy * duration / 12.0
    w.appr_duration[:] = np.where(ever, duration, 0).astype(np.int16)
    w.appr_entitlement[:] = np.where(ever, entitlement, 0.0)
    w.appr_advance[:] = np.where(ever, entitlement * share, 0.0)
    # The latest contract's own account so far (yuan): a contract in its first month
    # starts afresh, not on the account a dropout's earlier contract left.
    w.appr_net[:] = np.where(ever, rng.normal(0.0, 5000.0, cap), 0.0)
    w.displaced[:] = (rng.random(cap) < 0.15).astype(np.int8)
    # Event dates (NaN = not yet); months before ``month``.
    nan = np.float32(np.nan)

    def past(mask, lo, hi):
        d = np.full(cap, nan, dtype=np.float32)
        d[mask] = (month - rng.integers(lo, hi, mask.sum())).astype(np.float32)
        return d

    entered = (status != Status.LEAVER) & (status != Status.STUDENT) & (rng.random(cap) < 0.7)
    w.date_entry[:] = past(entered, 0, 60)
    first = entered & (working | (rng.random(cap) < 0.4)) & (rng.random(cap) < 0.8)
    gap = rng.integers(0, 20, cap).astype(np.float32)
    w.date_first_job[:] = np.where(first, np.minimum(w.date_entry + gap, month), nan)
    w.date_appr_start[:] = past(state != ApprState.NEVER, 0, 40)
    if month >= 1:  # contracts started at the policy's edge: month 0 (the burn-in's last,
        # status-quo terms) and month 1 (the policy's first), a tenth of them
        edge = (state != ApprState.NEVER) & (rng.random(cap) < 0.1)
        w.date_appr_start[edge] = rng.integers(0, 2, edge.sum()).astype(np.float32)
    w.date_appr_end[:] = past(state == ApprState.COMPLETED, 0, 30)
    w.date_displaced[:] = past(w.displaced == 1, 0, 40)
    # Skills: noise, boundary values, copies of the job's requirement and of other
    # workers (exact ties in gaps, scores and layoff order).
    skills = w.skills.astype(np.float64) + rng.normal(0.0, 0.05, w.skills.shape)
    skills = skills.clip(0.0, 1.0)
    edge = rng.random(skills.shape)
    skills[edge < 0.03] = 0.0
    skills[edge > 0.97] = 1.0
    w.skills[:] = skills.astype(np.float32)
    at_req = working & (rng.random(cap) < 0.1)
    w.skills[at_req] = f.req[employer[at_req]]
    twins = rng.random(cap) < 0.15
    w.skills[twins] = w.skills[rng.integers(0, cap, twins.sum())]
    # Gaps at the current job, wages.
    w.gap_under[:] = 0.0
    w.gap_over[:] = 0.0
    if working.any():
        under, over = initial.job_gaps(w.skills[working], f.req[employer[working]])
        w.gap_under[working] = under
        w.gap_over[working] = over
    w.wage[:] = np.where(working, rng.uniform(1500.0, 12000.0, cap), 0.0).astype(np.float32)
    tie = working & (rng.random(cap) < 0.1)
    w.wage[tie] = np.float32(5000.0)


def _recount(w: Workers, f: Firms, pr: Providers) -> None:
    """Firm headcount and apprentices, provider enrolment, from the workers."""
    m = f.capacity
    emp = w.status == Status.EMPLOYED
    app = w.status == Status.APPRENTICE
    f.headcount[:] = np.bincount(w.employer[emp], minlength=m)
    f.apprentices[:] = np.bincount(w.employer[app], minlength=m)
    tr = w.status == Status.TRAINING
    tvet = tr & (w.programme == Programme.TVET)
    pr.enrolled[:] = np.bincount(w.provider[tvet], minlength=pr.count)
    pr.course_enrolled[:] = np.bincount(w.provider[tr & ~tvet], minlength=pr.count)


def _set_seats(rng, pr: Providers) -> None:
    """TVET and course seats at least their enrolment; some providers full; occasionally
    every provider full."""
    n = pr.count
    for base, enrolled, out in (
        (pr.base_seats, pr.enrolled, pr.seats),
        (pr.base_course_seats, pr.course_enrolled, pr.course_seats),
    ):
        seats = np.maximum(base, enrolled) + rng.integers(0, 3, n)
        full = rng.random(n) < 0.3
        seats[full] = enrolled[full]
        if rng.random() < 0.15:
            seats[:] = enrolled
        out[:] = seats.astype(np.int32)


def _exit_this_month(rng, f: Firms, month: int) -> None:
    """Firms that exited this month with their workers still attached (and last month's
    vacancies, slots and quotas)."""
    live = np.flatnonzero(f.alive == 1)
    gone = live[rng.random(live.size) < 0.25]
    f.alive[gone] = 0
    f.exit_month[gone] = month


def _buffers(rng, p, world, w: Workers, f: Firms, pr: Providers, months: int, burn_in: int):
    m = f.capacity
    n_regions, n_sectors = world.n_regions, world.n_sectors
    n_domains = w.skills.shape[1]
    n_cells = n_regions * n_sectors
    live = f.alive == 1
    # Firm demand: targets around headcount, vacancies, quotas, slots.
    target = np.maximum(f.headcount + rng.integers(-4, 5, m), 0) * live
    f.target[:] = target
    f.vacancies[:] = np.where(live & (rng.random(m) < 0.7), np.maximum(target - f.headcount, 0), 0)
    f.vacancies[live & (rng.random(m) < 0.15)] += 1
    has_vac = f.vacancies > 0
    f.vac_age[:] = np.where(has_vac, rng.integers(0, 8, m), 0)
    f.vac_apps[:] = np.where(has_vac, rng.integers(0, 10, m), 0)
    f.vac_qualified[:] = np.where(has_vac & (rng.random(m) < 0.6), f.vac_apps // 2, 0)
    quota = np.where(live & (rng.random(m) < 0.2), rng.integers(1, 4, m), 0)
    f.layoff_quota[:] = np.minimum(quota, f.headcount)
    f.slots[:] = np.where(live & (rng.random(m) < 0.4), rng.integers(1, 4, m), 0)
    # Scenario drivers.
    cut = _u(rng, 0.0, 0.4)
    rural_trip = (world.region_urban[:, None] == 0) | (world.region_urban[None, :] == 0)
    travel = world.travel * np.where(rural_trip, 1.0 - cut, 1.0)
    log_demand = rng.normal(0.0, 0.2, (n_sectors, n_regions))
    desired = np.maximum(world.initial_firms + rng.integers(-2, 3, world.initial_firms.shape), 0)
    carbon = float(rng.choice([0.0, _u(rng, 0.0, 2000.0)]))
    demand = rng.dirichlet(np.ones(n_domains))
    first = -math.ceil(burn_in / 12)
    n_cohorts = months // 12 + 1 - first

    def junk(shape, dtype):  # stale contents the kernels must overwrite or ignore
        return rng.integers(-9, 9, shape).astype(dtype)

    return {
        "flows": rng.integers(0, 50, N_FLOW).astype(np.int64),
        "spend": rng.uniform(0.0, 1e4, N_SPEND),
        "appr_money": rng.uniform(0.0, 1e6, N_TRAINING),
        "mig_in": rng.integers(0, 5, n_regions).astype(np.int64),
        "mig_out": rng.integers(0, 5, n_regions).astype(np.int64),
        "log_demand": log_demand,
        "desired": desired.astype(np.int64),
        "travel": travel,
        "travel_train": travel * (1.0 - p.providers.rural_travel_cut * world.rural_pair),
        "carbon_burden": world.sector_carbon * carbon / 1000.0,
        "demand_now": demand,
        "lagged": rng.dirichlet(np.ones(n_domains)),
        "foresight": rng.normal(0.0, 0.02, n_domains) * (rng.random() < 0.5),
        "supply": junk(n_domains, np.float64),
        "choice_counts": rng.integers(0, 3, 4).astype(np.int64),
        "searchers": junk(w.capacity, np.int64),
        "thresholds": junk(m, np.float64),
        "slack": rng.uniform(-2.0, 2.0, n_regions),
        "cell_open": junk(n_cells, np.int64),
        "cell_ptr": junk(n_cells + 1, np.int64),
        "cell_firms": junk(m, np.int64),
        "cell_cum": junk(m, np.int64),
        "firm_is_brown": (world.sector_kind[f.sector] == SectorKind.BROWN).astype(np.int8),
        "by_region": junk((n_regions, metric_kernels.N_R), np.float64),
        "by_sector": junk((n_sectors, metric_kernels.N_S), np.float64),
        "by_cohort": junk((n_cohorts, metric_kernels.N_C), np.float64),
        "by_cell": junk((n_cells, metric_kernels.N_X), np.float64),
        "g": junk(metric_kernels.N_G, np.float64),
    }


__all__ = ["SIZES", "RandomWorld", "base_world", "perturb_params", "random_world"]
