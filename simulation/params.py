"""Kernel parameters: the resolved scenario and policy flattened into small typed tuples.

Kernels never see config objects; they take arrays and these NamedTuples of scalars
(numba passes them as plain structs). ``build(run)`` is the only place that reads the
config for the kernels, so every lever's path from TOML to kernel is visible here.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from simulation.config import SKILL_DOMAINS, RunConfig
from simulation.state import Cert, SectorKind, World

GREEN_DOMAIN = SKILL_DOMAINS.index("green")
SECTOR_KIND = {"brown": SectorKind.BROWN, "neutral": SectorKind.NEUTRAL, "green": SectorKind.GREEN}
SHOCK_KIND = {"brown": 0, "neutral": 1, "green": 2, "rural": 3}


class FirmParams(NamedTuple):
    shock_persistence: float
    shock_sd: float
    layoff_band: float
    entry_elasticity: float
    carbon_exit_sensitivity: float
    avg_size: float
    size_sigma: float
    req_noise: float


class ApprParams(NamedTuple):
    duration: int
    contribution_start: float
    contribution_end: float
    off_the_job_share: float
    wage_share: float
    wage_floor_share: float
    mentor_time_share: float
    quality_level: float
    quality_cost: float
    dropout_hazard: float
    quality_dropout_cut: float
    subsidy_per_year: float
    advanced_bonus_per_year: float
    advance_share: float
    clawback_share: float
    base_retention: float
    hiring_cost_months: float
    contribution_sd: float
    mentor_share: float
    mentor_ratio: float
    max_share: float
    certification_pass: float
    advanced_match: float
    public_cost_per_completion: float
    hire_threshold: float


class SkillParams(NamedTuple):
    learning_rate: float
    core_boost: float
    depreciation_employed: float
    depreciation_unemployed: float
    training_rate: float
    appr_boost: float
    quality_boost: float
    quality_level: float
    off_the_job_share: float
    tertiary_gain_per_month: float


class MatchParams(NamedTuple):
    applications: int
    rounds: int
    on_the_job_search: float
    mismatch_search_boost: float
    affinity_weight: float
    travel_weight: float
    hire_threshold: float
    threshold_slack: float
    threshold_vacancy_age: float
    trainability_threshold: float
    youth_interest: float
    max_age_months: int
    wage_floor_share: float
    moving_cost_weight: float
    poaching_window: int
    duration: int
    subsidy_per_year: float
    advance_share: float
    learning_rate: float
    core_boost: float
    hiring_horizon: int
    final_year_search: float
    final_year_months: int
    # (a final-year TVET trainee hired certifies as at its programme's end: the same
    # pass rate as EducationParams', both set from providers.certification_pass)
    tvet_certification_pass: float
    screening_noise: float  # sd of a firm's error in judging an applicant (jobs)
    youth_reservation: float  # the young's reservation pay, a share of the wage level
    reservation_decline: float  # its monthly fall with the unemployment spell
    youth_age_months: int


class SeparationParams(NamedTuple):
    quit_rate: float
    quit_mismatch: float


class ProviderParams(NamedTuple):
    lag: int
    noise_sd: float
    foresight: int
    core_share: float
    green_share: float
    adjust: float
    capacity_multiplier: float
    rural_policy_extra: float
    rural_travel_cut: float


class ChoiceParams(NamedTuple):
    logit_scale: float
    appr_appeal: float
    tvet_appeal: float
    tertiary_constant: float  # solved for the tertiary entry share: tertiary_constant()
    availability_weight: float
    relevance_weight: float
    ability_weight: float
    rural_tertiary_penalty: float
    distance_penalty: float
    seek_months: int
    tvet_months: int
    tertiary_months: int


class CourseParams(NamedTuple):
    base_rate: float
    min_spell: int
    adult_age_months: int
    youth_age_months: int
    target_youth: bool
    target_rural: bool
    target_displaced: bool
    voucher_value: float
    voucher_boost: float
    course_months: int


class EducationParams(NamedTuple):
    voucher_value: float
    tvet_certification_pass: float
    delay_share: float
    delay_months: int


class DemographyParams(NamedTuple):
    retirement_months: int
    inactive_age_months: int
    inactivity_hazard: float
    withdrawal_hazard: float
    reactivation_hazard: float
    return_rate: float
    entry_age_months: int
    ability_sd: float
    entrant_core: float
    entrant_digital: float
    entrant_readiness: float
    skill_noise_sd: float
    cohort_share_per_year: float
    cohort_month: int


class WageParams(NamedTuple):
    wage_floor_share: float
    tenure_premium: float
    certification_premium: float
    appr_wage_share: float
    appr_wage_floor_share: float


class CostParams(NamedTuple):
    seat_cost: float
    # the public cost of an apprentice-month off the job: seat cost x off-the-job share x
    # the public share (``providers.apprentice_seat_share``; 0 as shipped)
    appr_seat_cost: float
    capacity_multiplier: float
    rural_policy_extra: float
    rural_seat_cost: float
    # the city's monthly costs of these programmes (the policy's cost per 1,000 workers
    # times the run's workers, in thousands)
    anticipation_cost: float
    core_cost: float
    green_cost: float


class MetricParams(NamedTuple):
    youth_age_months: int
    premium_age_months: int
    under_gap: float
    over_gap: float
    green_domain: int


class Params(NamedTuple):
    firms: FirmParams
    appr: ApprParams
    skills: SkillParams
    match: MatchParams
    separation: SeparationParams
    providers: ProviderParams
    choices: ChoiceParams
    courses: CourseParams
    education: EducationParams
    demography: DemographyParams
    wages: WageParams
    costs: CostParams
    metrics: MetricParams
    cert_bonus: np.ndarray  # score bonus by Cert level
    shocks: dict[str, np.ndarray]
    carbon: tuple[float, float, int, int, float]  # demand.carbon_price's arguments
    rural_access: tuple[float, int]  # (travel cost cut at full strength, months to it)
    return_boost: float  # scenario: added return-migration multiplier at full strength
    rural_capacity_gain: float  # scenario: extra rural seats at full strength


YOUTH_AGE_MONTHS = 25 * 12  # ILO youth: 15-24
ADULT_AGE_MONTHS = 18 * 12


def build(run: RunConfig) -> Params:
    """Flatten a resolved run configuration into kernel parameters."""
    sc, po = run.scenario, run.policy
    b = sc.behaviour
    lm, sk, ap, pr, ch, pop = (
        b.labour_market,
        b.skills,
        b.apprenticeship,
        b.providers,
        b.choices,
        b.population,
    )
    q = po.quality
    thousands = run.workers / 1000.0
    quality_level = q.level
    duration = po.terms.duration_months
    # A recognised assessment makes the apprenticeship certificate a full signal.
    recognised = 1.0 if q.assessment_certification else 0.5
    cert_bonus = np.zeros(len(Cert), dtype=np.float64)
    cert_bonus[Cert.TVET] = 0.5 * lm.certification_signal
    cert_bonus[Cert.APPRENTICESHIP] = recognised * lm.certification_signal
    cert_bonus[Cert.ADVANCED] = recognised * lm.certification_signal * 1.5
    floor = po.terms.wage_floor_share_of_min_wage
    if q.pay_and_social_protection:
        floor = max(floor, 1.0)  # R208: pay at least the minimum wage
    dr = sc.drivers
    return Params(
        firms=FirmParams(
            shock_persistence=lm.firm_shock_persistence,
            shock_sd=lm.firm_shock_sd,
            layoff_band=lm.layoff_band,
            entry_elasticity=dr.firm_entry_elasticity,
            carbon_exit_sensitivity=dr.carbon_exit_sensitivity,
            avg_size=sc.world.avg_firm_size,
            size_sigma=sc.world.firm_size_sigma,
            req_noise=sc.world.requirement_noise_sd,
        ),
        appr=ApprParams(
            duration=duration,
            contribution_start=ap.contribution_start,
            contribution_end=ap.contribution_end,
            off_the_job_share=ap.off_the_job_share,
            wage_share=ap.wage_share,
            wage_floor_share=floor,
            mentor_time_share=ap.mentor_time_share,
            quality_level=quality_level,
            quality_cost=ap.quality_cost_yuan_per_month,
            dropout_hazard=ap.dropout_hazard,
            quality_dropout_cut=ap.quality_dropout_cut,
            subsidy_per_year=po.subsidy.yuan_per_year,
            advanced_bonus_per_year=po.subsidy.advanced_certificate_bonus_yuan_per_year,
            advance_share=po.subsidy.advance_share,
            clawback_share=po.subsidy.clawback_share,
            base_retention=ap.base_retention,
            hiring_cost_months=ap.retention_hiring_cost_months,
            contribution_sd=ap.contribution_sd,
            mentor_share=ap.mentor_share,
            mentor_ratio=q.mentor_ratio,
            max_share=ap.max_share_of_headcount,
            certification_pass=ap.certification_pass,
            advanced_match=ap.advanced_match,
            # (the public assessment is paid for only where the standard has it)
            public_cost_per_completion=(
                q.public_cost_yuan_per_completion if q.assessment_certification else 0.0
            ),
            hire_threshold=lm.hire_threshold,
        ),
        skills=SkillParams(
            learning_rate=sk.learning_rate,
            core_boost=sk.core_learning_boost,
            depreciation_employed=sk.depreciation_employed,
            depreciation_unemployed=sk.depreciation_unemployed,
            training_rate=sk.training_rate,
            appr_boost=sk.apprenticeship_on_job_boost,
            quality_boost=ap.quality_skill_boost,
            quality_level=quality_level,
            off_the_job_share=ap.off_the_job_share,
            tertiary_gain_per_month=pop.tertiary_skill_gain / pop.tertiary_months,
        ),
        match=MatchParams(
            applications=lm.applications_per_searcher,
            rounds=lm.matching_rounds,
            on_the_job_search=lm.on_the_job_search,
            mismatch_search_boost=lm.mismatch_search_boost,
            affinity_weight=lm.affinity_weight,
            travel_weight=lm.travel_weight,
            hire_threshold=lm.hire_threshold,
            threshold_slack=lm.threshold_slack,
            threshold_vacancy_age=lm.threshold_vacancy_age,
            trainability_threshold=ap.trainability_threshold,
            youth_interest=ap.youth_interest,
            max_age_months=int(ap.max_age_years * 12),
            wage_floor_share=lm.wage_floor_share,
            moving_cost_weight=lm.moving_cost_weight,
            poaching_window=ap.poaching_window_months,
            duration=duration,
            subsidy_per_year=po.subsidy.yuan_per_year,
            advance_share=po.subsidy.advance_share,
            learning_rate=sk.learning_rate,
            core_boost=sk.core_learning_boost,
            hiring_horizon=lm.hiring_horizon_months,
            final_year_search=lm.final_year_search,
            final_year_months=lm.final_year_months,
            tvet_certification_pass=pr.certification_pass,
            screening_noise=lm.screening_noise,
            youth_reservation=lm.youth_reservation,
            reservation_decline=lm.reservation_decline,
            youth_age_months=YOUTH_AGE_MONTHS,
        ),
        separation=SeparationParams(quit_rate=lm.quit_rate, quit_mismatch=lm.quit_mismatch),
        providers=ProviderParams(
            lag=po.anticipation.lag_months,
            noise_sd=po.anticipation.noise_sd,
            foresight=po.anticipation.foresight_months,
            core_share=po.core_skills.curriculum_share,
            green_share=po.green_curricula.green_share,
            adjust=pr.adjust_per_quarter,
            capacity_multiplier=po.tvet_capacity.seat_multiplier,
            rural_policy_extra=po.rural_access.extra_seat_share,
            rural_travel_cut=po.rural_access.travel_cost_cut,
        ),
        choices=ChoiceParams(
            logit_scale=ch.logit_scale,
            appr_appeal=ch.apprenticeship_appeal,
            tvet_appeal=ch.tvet_appeal,
            tertiary_constant=tertiary_constant(
                ch.tertiary_entry_share,
                ch.logit_scale,
                ch.ability_weight,
                pop.ability_sd,
                ch.rural_tertiary_penalty,
                leavers_rural_share(sc.world),
            ),
            availability_weight=ch.availability_weight,
            relevance_weight=ch.relevance_weight,
            ability_weight=ch.ability_weight,
            rural_tertiary_penalty=ch.rural_tertiary_penalty,
            distance_penalty=ch.rural_distance_penalty,
            seek_months=ap.seek_months,
            tvet_months=pr.tvet_months,
            tertiary_months=pop.tertiary_months,
        ),
        courses=CourseParams(
            base_rate=pr.lll_base_rate,
            min_spell=pr.lll_min_spell_months,
            adult_age_months=ADULT_AGE_MONTHS,
            youth_age_months=YOUTH_AGE_MONTHS,
            target_youth=po.vouchers.target_youth,
            target_rural=po.vouchers.target_rural,
            target_displaced=po.vouchers.target_displaced,
            voucher_value=po.vouchers.yuan_per_month,
            voucher_boost=po.vouchers.enrolment_boost,
            course_months=pr.course_months,
        ),
        education=EducationParams(
            voucher_value=po.vouchers.yuan_per_month,
            tvet_certification_pass=pr.certification_pass,
            delay_share=lm.delayed_entry_share,
            delay_months=lm.delayed_entry_months,
        ),
        demography=DemographyParams(
            retirement_months=int(pop.retirement_age_years * 12),
            inactive_age_months=int(pop.inactivity_min_age_years * 12),
            inactivity_hazard=pop.inactivity_hazard,
            withdrawal_hazard=pop.withdrawal_hazard,
            reactivation_hazard=pop.reactivation_hazard,
            return_rate=pop.return_migration_rate,
            entry_age_months=int(pop.entry_age_years * 12),
            ability_sd=pop.ability_sd,
            entrant_core=pop.entrant_core_skill,
            entrant_digital=pop.entrant_digital_skill,
            entrant_readiness=pop.entrant_field_readiness,
            skill_noise_sd=pop.initial_skill_noise_sd,
            cohort_share_per_year=pop.cohort_share_per_year,
            cohort_month=pop.cohort_month,
        ),
        wages=WageParams(
            wage_floor_share=lm.wage_floor_share,
            tenure_premium=lm.tenure_premium,
            certification_premium=lm.certification_premium,
            appr_wage_share=ap.wage_share,
            appr_wage_floor_share=floor,
        ),
        costs=CostParams(
            seat_cost=pr.seat_cost_yuan_per_month,
            appr_seat_cost=pr.seat_cost_yuan_per_month
            * ap.off_the_job_share
            * pr.apprentice_seat_share,
            capacity_multiplier=po.tvet_capacity.seat_multiplier,
            rural_policy_extra=po.rural_access.extra_seat_share,
            rural_seat_cost=po.rural_access.cost_yuan_per_seat_month,
            # the city's programme costs a month: given per 1,000 workers, so that
            # spending scales with the model city as its counts do
            anticipation_cost=po.anticipation.cost_yuan_per_1000_workers_month * thousands,
            core_cost=po.core_skills.cost_yuan_per_1000_workers_month * thousands,
            green_cost=po.green_curricula.cost_yuan_per_1000_workers_month * thousands,
        ),
        metrics=MetricParams(
            youth_age_months=YOUTH_AGE_MONTHS,
            premium_age_months=35 * 12,
            under_gap=sk.under_skilled_gap,
            over_gap=sk.over_skilled_gap,
            green_domain=GREEN_DOMAIN,
        ),
        cert_bonus=cert_bonus,
        shocks={
            "kind": np.array([SHOCK_KIND[s.kind] for s in dr.shocks], dtype=np.int64),
            "start": np.array([s.start_month for s in dr.shocks], dtype=np.float64),
            "duration": np.array([s.duration_months for s in dr.shocks], dtype=np.float64),
            "change": np.array([s.log_change for s in dr.shocks], dtype=np.float64),
            "rural_only": np.array([int(s.rural_regions_only) for s in dr.shocks], dtype=np.int64),
        },
        carbon=(
            dr.carbon_price_yuan_per_t,
            dr.carbon_price_growth_per_year,
            dr.carbon_price_growth_months,
            dr.carbon_price_jump_month,
            dr.carbon_price_jump_yuan_per_t,
        ),
        rural_access=(dr.rural_access_gain, dr.rural_access_months),
        return_boost=dr.return_migration_boost,
        rural_capacity_gain=dr.rural_training_capacity_gain,
    )


def leavers_rural_share(world) -> float:
    """The share of school leavers of rural origin: regions' population shares (where
    leavers are drawn, ``demography.enter_cohort``) times their rural-origin shares."""
    return float(sum(r.population_share * r.rural_origin_share for r in world.regions))


# The standard normal on a grid for tertiary_constant's expectation over ability: a
# midpoint rule over +-9 sd in 3,600 cells (the share it gives is off by under 1e-9 at
# the baseline's settings, by a few 1e-6 at the extremes of the config's ranges).
_Z = np.linspace(-9.0, 9.0, 3601)
_Z = 0.5 * (_Z[1:] + _Z[:-1])
_Z_WEIGHT = np.exp(-0.5 * _Z**2)
_Z_WEIGHT /= _Z_WEIGHT.sum()


def tertiary_share_at(
    constant: float, scale: float, ability_weight: float, ability_sd: float, penalty: float,
    rural_share: float,
) -> float:  # fmt: skip
    """The expected share of school leavers entering tertiary study at ``constant``:
    ``sigmoid(scale (constant + ability_weight (a - 1) - penalty rural))`` averaged over
    leavers' ability ``a = max(1 + ability_sd z, 0.2)`` and rural origin (ODD 7.5)."""
    a = np.maximum(1.0 + ability_sd * _Z, 0.2)
    share = 0.0
    for rural, weight in ((0.0, 1.0 - rural_share), (1.0, rural_share)):
        if weight > 0.0:
            x = scale * (constant + ability_weight * (a - 1.0) - penalty * rural)
            with np.errstate(over="ignore"):  # exp(-x) of a large x: inf, a share of 0
                share += weight * float(_Z_WEIGHT @ (1.0 / (1.0 + np.exp(-x))))
    return share


def tertiary_constant(
    share: float, scale: float, ability_weight: float, ability_sd: float, penalty: float,
    rural_share: float,
) -> float:  # fmt: skip
    """The constant of the school leavers' tertiary logit (``ChoiceParams``) at which the
    expected share entering tertiary study is ``share``: -inf for 0, inf for 1, else by
    bisection (the share rises with the constant) to the last bit the doubles hold."""
    if share <= 0.0:
        return -math.inf
    if share >= 1.0:
        return math.inf
    args = (scale, ability_weight, ability_sd, penalty, rural_share)
    low, high = -1.0, 1.0
    while tertiary_share_at(low, *args) > share:
        low *= 2.0
    while tertiary_share_at(high, *args) < share:
        high *= 2.0
    while True:
        mid = 0.5 * (low + high)
        if mid in (low, high):
            return mid
        if tertiary_share_at(mid, *args) < share:
            low = mid
        else:
            high = mid


def build_world(run: RunConfig) -> World:
    """Arrays describing regions and sectors, and the initial firm count of each cell."""
    w = run.scenario.world
    region_share = np.array([r.population_share for r in w.regions], dtype=np.float64)
    sector_share = np.array([s.employment_share for s in w.sectors], dtype=np.float64)
    jobs = run.workers * region_share[None, :] * sector_share
    initial_firms = np.maximum(np.rint(jobs / w.avg_firm_size), 1).astype(np.int32)
    initial_firms[sector_share == 0] = 0
    return World(
        region_urban=np.array([int(r.urban) for r in w.regions], dtype=np.int8),
        region_share=region_share,
        region_rural_share=np.array([r.rural_origin_share for r in w.regions], dtype=np.float64),
        wage_level=np.array([r.wage_level_yuan_per_month for r in w.regions], dtype=np.float64),
        min_wage=np.array([r.min_wage_yuan_per_month for r in w.regions], dtype=np.float64),
        travel=np.array(w.travel_cost, dtype=np.float64),
        sector_kind=np.array([SECTOR_KIND[s.kind] for s in w.sectors], dtype=np.int8),
        sector_rural=np.array([int(s.rural) for s in w.sectors], dtype=np.int8),
        sector_profile=np.array([s.profile for s in w.sectors], dtype=np.float64),
        sector_share=sector_share,
        sector_trend=np.array([s.trend_per_year for s in w.sectors], dtype=np.float64),
        sector_carbon=np.array([s.carbon_intensity for s in w.sectors], dtype=np.float64),
        sector_productivity=np.array([s.productivity for s in w.sectors], dtype=np.float64),
        initial_firms=initial_firms,
        region_names=tuple(r.name for r in w.regions),
        sector_names=tuple(s.name for s in w.sectors),
    )
