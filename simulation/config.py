"""Typed scenario and policy models.

Every number the model uses is a field here, with its unit and meaning next to it.
Defaults are the embedded baseline; scenario and policy TOML files override them
(see ``simulation.loading``). Sources of defaults are listed in docs/ODD.md.

Scenarios (the world and how it moves) and policies (the levers) are separate axes:
a run is one scenario under one (possibly combined) policy.
"""

from __future__ import annotations

import math
import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from simulation.config_errors import show_value

SKILL_DOMAINS: tuple[str, ...] = (
    "core",
    "digital",
    "manufacturing",
    "construction",
    "fossil",
    "green",
    "agriculture",
    "services",
)
K = len(SKILL_DOMAINS)


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _profile(description: str) -> object:
    return Field(min_length=K, max_length=K, description=description)


# ---------------------------------------------------------------------- world


class RegionSpec(Strict):
    name: str = Field(min_length=1, description="region name")
    urban: bool = Field(description="urban core or county town (true) or rural county (false)")
    population_share: float = Field(gt=0, le=1, description="share of the working-age population")
    wage_level_yuan_per_month: float = Field(
        gt=0, le=1_000_000, description="monthly wage of a fully matched worker in an average firm"
    )
    min_wage_yuan_per_month: float = Field(
        gt=0, le=100_000, description="statutory monthly minimum wage"
    )
    rural_origin_share: float = Field(
        0.3, ge=0, le=1, description="share of residents with rural hukou/origin"
    )


class SectorSpec(Strict):
    name: str = Field(min_length=1, description="sector name")
    kind: Literal["brown", "neutral", "green"] = Field(description="green-transition tag")
    rural: bool = Field(False, description="a rural-revitalization sector")
    profile: list[float] = _profile("skill requirement per domain, 0..1, in SKILL_DOMAINS order")
    employment_share: list[float] = Field(
        min_length=1, description="initial share of each region's jobs in this sector"
    )
    trend_per_year: float = Field(
        0.0, ge=-0.5, le=0.5, description="baseline log change of demand per year"
    )
    carbon_intensity: float = Field(
        0.0, ge=0, le=1, description="carbon cost burden as a share of output at 1,000 yuan/t"
    )
    productivity: float = Field(1.0, gt=0, le=5, description="mean firm productivity, 1 = average")


# Regions and sectors are numbered in one byte in the agents' arrays (int8, state.py):
# 128 of each at most (an outside review: 129 passed validation and the run crashed).
MAX_REGIONS = MAX_SECTORS = 128


class WorldConfig(Strict):
    regions: list[RegionSpec] = Field(
        min_length=1, max_length=MAX_REGIONS, description="the city's regions, in order"
    )
    sectors: list[SectorSpec] = Field(
        min_length=1, max_length=MAX_SECTORS, description="the city's sectors, in order"
    )
    travel_cost: list[list[float]] = Field(
        description="cost of applying/moving from region i to region j, 0 = same place, 1 = prohibitive"
    )
    avg_firm_size: float = Field(18.0, ge=2, le=500, description="mean employees per firm")
    firm_size_sigma: float = Field(0.9, ge=0, le=3, description="log-sd of firm base size")
    firm_capacity_headroom: float = Field(
        0.5, ge=0, le=5, description="extra firm slots for entry, as a share of initial firms"
    )
    providers_per_region: int = Field(3, ge=1, le=50, description="TVET institutions per region")
    tvet_seats_per_1000_workers: float = Field(
        16.0, ge=0, le=200, description="full-time TVET programme seats per 1,000 workers"
    )
    course_seats_per_1000_workers: float = Field(
        6.0, ge=0, le=200, description="lifelong-learning course seats per 1,000 workers"
    )
    initial_vacancy_rate: float = Field(
        0.06,
        ge=0,
        le=0.5,
        description="jobs firms want beyond their initial staff, as a share of it (fitted in "
        "the baseline: docs/ODD.md 8.2, 11)",
    )
    requirement_noise_sd: float = Field(
        0.08, ge=0, le=0.5, description="sd of a firm's requirement around its sector profile"
    )

    @model_validator(mode="after")
    def _shapes(self) -> WorldConfig:
        r = len(self.regions)
        for i, s in enumerate(self.sectors):
            if len(s.employment_share) != r:
                raise ValueError(
                    f"sectors[{i}].employment_share has {len(s.employment_share)} values, "
                    f"one per region ({r}) is required"
                )
            if any(not 0 <= v <= 1 for v in s.profile):
                raise ValueError(f"sectors[{i}].profile values must lie in 0..1")
            for j, v in enumerate(s.employment_share):
                if not 0 <= v <= 1:
                    raise ValueError(
                        f"sectors[{i}].employment_share[{j}] = {v:g}: each region's share "
                        "must lie in 0..1"
                    )
        if len(self.travel_cost) != r or any(len(row) != r for row in self.travel_cost):
            raise ValueError(f"travel_cost must be a {r} x {r} matrix (one row per region)")
        if any(not 0 <= v <= 1 for row in self.travel_cost for v in row):
            raise ValueError("travel_cost values must lie in 0..1")
        for j in range(r):
            col = sum(s.employment_share[j] for s in self.sectors)
            if abs(col - 1.0) > 1e-6:
                raise ValueError(
                    f"employment_share of region {show_value(self.regions[j].name)} sums to {col:.4f} "
                    "over sectors, 1 is required"
                )
        total = sum(x.population_share for x in self.regions)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"regions' population_share sums to {total:.4f}, 1 is required")
        names = [x.name for x in self.sectors] + [x.name for x in self.regions]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(
                f"region and sector names must be unique; given more than once: {', '.join(twice)}"
            )
        return self


# ----------------------------------------------------------------- population


class PopulationConfig(Strict):
    initial_unemployment_rate: float = Field(
        0.052,
        ge=0,
        le=0.5,
        description="unemployment rate at start, in every region (set from NBS's surveyed "
        "urban rate)",
    )
    initial_youth_unemployment_rate: float = Field(
        0.15,
        ge=0,
        le=0.8,
        description="unemployment rate of workers under 25 at start (set from NBS's rate of "
        "16-24 year-olds, students excluded)",
    )
    inactive_share: float = Field(0.06, ge=0, le=0.5, description="initially inactive adults")
    tertiary_share: float = Field(
        0.55, ge=0, le=1, description="share of the initial population with or in tertiary study"
    )
    retirement_age_years: float = Field(60.0, ge=45, le=70, description="statutory retirement age")
    entry_age_years: float = Field(18.0, ge=15, le=22, description="age of school leavers")
    cohort_share_per_year: float = Field(
        0.024, ge=0, le=0.1, description="school leavers per year as a share of workers"
    )
    cohort_month: int = Field(6, ge=0, le=11, description="calendar month of entry, 0 = January")
    capacity_headroom: float = Field(
        0.08, ge=0, le=1, description="spare worker slots for cohort entry, share of workers"
    )
    ability_sd: float = Field(0.15, ge=0, le=0.5, description="sd of learning ability, mean 1")
    initial_skill_noise_sd: float = Field(
        0.12, ge=0, le=0.5, description="sd of initial skills around the job's requirement"
    )
    entrant_core_skill: float = Field(
        0.40, ge=0, le=1, description="mean core skill of a school leaver"
    )
    entrant_digital_skill: float = Field(
        0.30, ge=0, le=1, description="mean digital skill of a school leaver"
    )
    entrant_field_readiness: float = Field(
        0.30,
        ge=0,
        le=1,
        description="a school leaver's mean technical skills as a share of the requirements "
        "of their field (a sector drawn by their region's employment shares)",
    )
    tertiary_months: int = Field(48, ge=12, le=72, description="length of tertiary study")
    tertiary_skill_gain: float = Field(
        0.25, ge=0, le=1, description="gain toward 1 in core and digital skills from tertiary"
    )
    inactivity_min_age_years: float = Field(
        50.0, ge=16, le=70, description="youngest age at which the long-term unemployed may leave"
    )
    inactivity_hazard: float = Field(
        0.004, ge=0, le=0.2, description="monthly hazard of long-term unemployed 50+ leaving"
    )
    withdrawal_hazard: float = Field(
        0.012,
        ge=0,
        le=0.5,
        description="monthly hazard of any unemployed worker leaving the labour force",
    )
    reactivation_hazard: float = Field(
        0.01, ge=0, le=0.5, description="monthly hazard of an inactive adult searching again"
    )
    return_migration_rate: float = Field(
        0.004,
        ge=0,
        le=0.2,
        description="monthly hazard that a rural-origin unemployed worker returns",
    )


# --------------------------------------------------------------- labour market


# the long-run spread of a firm's demand shock, in logs, at most (LabourMarketConfig)
MAX_SHOCK_SPREAD = 1.0
# a firm's target, at most, as a multiple of its base size (kernels.firms.set_target_rows;
# state.py says why)
MAX_TARGET_GROWTH = 50.0


class LabourMarketConfig(Strict):
    applications_per_searcher: int = Field(
        4,
        ge=1,
        le=20,
        description="applications per round (a searcher still unmatched applies again next round)",
    )
    matching_rounds: int = Field(2, ge=1, le=5, description="offer rounds a month")
    on_the_job_search: float = Field(
        0.03, ge=0, le=1, description="monthly share of employed workers searching"
    )
    mismatch_search_boost: float = Field(
        4.0, ge=0, le=50, description="extra on-the-job search per unit of skill gap"
    )
    final_year_search: float = Field(
        0.3,
        ge=0,
        le=1,
        description="monthly share of students and TVET trainees in their final months searching",
    )
    final_year_months: int = Field(
        6,
        ge=0,
        le=48,
        description="months before the end of tertiary study or TVET in which students search",
    )
    delayed_entry_share: float = Field(
        0.0,
        ge=0,
        le=1,
        description="share of tertiary and TVET graduates leaving without a job who delay "
        "their search ('slow employment'): out of the labour force for a while first",
    )
    delayed_entry_months: int = Field(
        6,
        ge=1,
        le=24,
        description="mean months a delaying graduate stays out of the labour force "
        "(drawn uniformly from 1 to twice this less one)",
    )
    affinity_weight: float = Field(
        4.0, ge=0, le=50, description="how strongly applications follow skill affinity"
    )
    travel_weight: float = Field(
        5.0, ge=0, le=50, description="how strongly applications avoid travel cost"
    )
    hire_threshold: float = Field(
        0.75, ge=0, le=1, description="minimum score (expected productivity) to hire"
    )
    threshold_slack: float = Field(
        0.06, ge=0, le=1, description="threshold change per unit of log(unemployed/vacancies)"
    )
    threshold_vacancy_age: float = Field(
        0.01, ge=0, le=1, description="threshold fall per month a vacancy stays open"
    )
    screening_noise: float = Field(
        0.0,
        ge=0,
        le=1,
        description="standard deviation of a firm's error in judging a job applicant's "
        "score (a fresh normal draw per application; 0: firms judge without error)",
    )
    youth_reservation: float = Field(
        0.0,
        ge=0,
        le=2,
        description="young unemployed job seekers' (under 25) reservation pay, as a share "
        "of the wage level where they live: they refuse a job offer worth less (0: they "
        "take any offer)",
    )
    reservation_decline: float = Field(
        0.1,
        ge=0,
        le=1,
        description="monthly fall of the young's reservation pay with the unemployment "
        "spell (a share: the reservation times (1 - this) to the spell's months)",
    )
    hiring_horizon_months: int = Field(
        12,
        ge=0,
        le=60,
        description="months of expected on-the-job learning firms credit an applicant with",
    )
    certification_signal: float = Field(
        0.06, ge=0, le=1, description="score bonus of a recognised certificate"
    )
    quit_rate: float = Field(0.006, ge=0, le=0.5, description="monthly quit hazard, matched")
    quit_mismatch: float = Field(
        6.0, ge=0, le=100, description="quit hazard multiplier per unit of skill gap"
    )
    layoff_band: float = Field(
        0.10, ge=0, le=1, description="headcount above target tolerated before layoffs"
    )
    firm_shock_sd: float = Field(0.05, ge=0, le=1, description="sd of firm demand shocks")
    firm_shock_persistence: float = Field(0.9, ge=0, lt=1, description="AR(1) of firm shocks")
    wage_floor_share: float = Field(
        0.5, ge=0, le=1, description="base wage share paid regardless of skill"
    )
    tenure_premium: float = Field(
        0.15, ge=0, le=1, description="wage premium after 10 years of tenure"
    )
    certification_premium: float = Field(
        0.08, ge=0, le=1, description="wage premium of a recognised certificate"
    )
    moving_cost_weight: float = Field(
        0.3, ge=0, le=5, description="utility cost of a job in another region, per travel cost"
    )

    @model_validator(mode="after")
    def _shock_spread(self) -> LabourMarketConfig:
        # A firm's shock is AR(1): its spread in the long run is sd / sqrt(1 - p^2), and a
        # spread of a few units makes targets of millions at any size (an outside review:
        # sd 1 and persistence 0.999999 put 593 million vacancies in a city of 300).
        sd, p = self.firm_shock_sd, self.firm_shock_persistence
        spread = sd / math.sqrt(1.0 - p * p)
        if spread > MAX_SHOCK_SPREAD:
            raise ValueError(
                f"firm_shock_sd ({sd:g}) with firm_shock_persistence ({p:g}) spreads firms' "
                f"shocks to {spread:.3g} in logs in the long run (sd / sqrt(1 - "
                f"persistence^2)): at most {MAX_SHOCK_SPREAD:g} is allowed, a firm's target "
                "from a twentieth to 20 times its base size at three spreads (the shipped "
                "0.05 and 0.9 give 0.115)"
            )
        return self


# ---------------------------------------------------------------------- skills


class SkillsConfig(Strict):
    learning_rate: float = Field(
        0.03, ge=0, le=1, description="monthly share of the gap to the job requirement closed"
    )
    core_learning_boost: float = Field(
        1.0, ge=0, le=5, description="learning speed-up per unit of core skill"
    )
    depreciation_employed: float = Field(
        0.004, ge=0, le=0.1, description="monthly decay of unused skills while employed"
    )
    depreciation_unemployed: float = Field(
        0.006, ge=0, le=0.1, description="monthly decay of all skills while unemployed"
    )
    training_rate: float = Field(
        0.06, ge=0, le=1, description="monthly gain toward 1 per unit of programme weight"
    )
    apprenticeship_on_job_boost: float = Field(
        1.5, ge=0, le=10, description="on-the-job learning multiplier of an apprentice"
    )
    under_skilled_gap: float = Field(
        0.12, ge=0, le=1, description="under-skill gap above which a worker is under-skilled"
    )
    over_skilled_gap: float = Field(
        0.12, ge=0, le=1, description="over-skill gap above which a worker is over-skilled"
    )


# ------------------------------------------------------------- apprenticeship


class ApprenticeshipConfig(Strict):
    contribution_start: float = Field(
        0.25, ge=0, le=1, description="apprentice output as a share of a skilled worker's, month 1"
    )
    contribution_end: float = Field(
        0.75, ge=0, le=1.5, description="apprentice output share in the last month"
    )
    wage_share: float = Field(
        0.45, ge=0, le=1, description="apprentice wage as a share of the skilled wage"
    )
    mentor_time_share: float = Field(
        0.10, ge=0, le=1, description="share of a mentor's time per apprentice"
    )
    off_the_job_share: float = Field(
        0.25, ge=0, le=1, description="share of apprentice time in off-the-job training"
    )
    retention_hiring_cost_months: float = Field(
        4.0, ge=0, le=24, description="hiring and induction cost saved by retention, months of wage"
    )
    base_retention: float = Field(
        0.55,
        ge=0,
        le=1,
        description="probability the training firm offers a job to a completer who meets its "
        "hiring bar (less, in proportion, to one who does not)",
    )
    dropout_hazard: float = Field(
        0.018, ge=0, le=0.5, description="monthly dropout hazard without quality standards"
    )
    quality_dropout_cut: float = Field(
        0.5, ge=0, le=1, description="share of dropout removed by full quality standards"
    )
    quality_skill_boost: float = Field(
        0.6, ge=0, le=5, description="extra skill gain at full quality standards"
    )
    quality_cost_yuan_per_month: float = Field(
        300.0,
        ge=0,
        le=100_000,
        description="firm cost of full quality standards per apprentice-month",
    )
    certification_pass: float = Field(
        0.65, ge=0, le=1, description="assessment pass probability of a fully matched completer"
    )
    max_share_of_headcount: float = Field(
        0.10, ge=0, le=1, description="cap on apprentices as a share of a firm's workforce"
    )
    mentor_share: float = Field(
        0.12, ge=0, le=1, description="share of a firm's workers qualified as mentors"
    )
    contribution_sd: float = Field(
        1.5,
        ge=0,
        le=10,
        description="sd across firms of the apprentice's extra productive contribution, months of "
        "wage over the contract (persistent per firm)",
    )
    max_age_years: float = Field(35.0, ge=16, le=65, description="oldest apprentice")
    advanced_match: float = Field(
        0.92,
        ge=0,
        le=1,
        description="match quality at completion that earns an advanced certificate",
    )
    trainability_threshold: float = Field(
        0.35, ge=0, le=1, description="minimum trainability (core skill and ability) to take on"
    )
    youth_interest: float = Field(
        0.2,
        ge=0,
        le=1,
        description="monthly share of the unemployed aged 35 or under without a certificate also seeking a slot",
    )
    seek_months: int = Field(
        6, ge=1, le=36, description="months a school leaver seeks a slot before plain search"
    )
    poaching_window_months: int = Field(
        12,
        ge=1,
        le=60,
        description="a job-to-job move this soon after completion counts as poaching",
    )


# ------------------------------------------------------------------ providers


class ProvidersConfig(Strict):
    quality_mean: float = Field(0.55, ge=0, le=1, description="mean provider quality")
    quality_sd: float = Field(0.12, ge=0, le=0.5, description="sd of provider quality")
    adjust_per_quarter: float = Field(
        0.15, ge=0, le=1, description="share of the gap to the target mix closed per quarter"
    )
    tvet_months: int = Field(24, ge=3, le=48, description="length of an initial TVET programme")
    course_months: int = Field(4, ge=1, le=24, description="length of a lifelong-learning course")
    lll_base_rate: float = Field(
        0.01, ge=0, le=1, description="monthly enrolment of eligible unemployed adults"
    )
    lll_min_spell_months: int = Field(
        3, ge=0, le=60, description="unemployment spell before an adult is eligible"
    )
    certification_pass: float = Field(
        0.6, ge=0, le=1, description="TVET certificate pass probability at full relevance"
    )
    seat_cost_yuan_per_month: float = Field(
        1500.0, ge=0, le=100_000, description="public cost of a funded training seat per month"
    )
    apprentice_seat_share: float = Field(
        0.0,
        ge=0,
        le=1,
        description="public share of the seat cost of an apprentice's time off the job at the partner provider, pro rata of that time (0: the firm pays the provider, as in China's NEA; 1: a public vocational school, as in a dual system)",
    )


# -------------------------------------------------------------------- choices


class ChoicesConfig(Strict):
    logit_scale: float = Field(
        3.0,
        gt=0,
        le=50,
        description="sensitivity of school leavers to expected payoffs (in the tertiary stage: how strongly ability and origin sort who studies)",
    )
    apprenticeship_appeal: float = Field(
        -0.3, ge=-5, le=5, description="taste for apprenticeship relative to direct search"
    )
    tvet_appeal: float = Field(0.0, ge=-5, le=5, description="taste for full-time TVET")
    tertiary_entry_share: float = Field(
        0.55,
        ge=0,
        le=1,
        description="share of school leavers who enter tertiary study (a track set before they leave school, by ability and origin: not by the labour market they meet)",
    )
    availability_weight: float = Field(
        1.5,
        ge=0,
        le=20,
        description="apprenticeship utility per unit chance of a slot (last year's starts per leaver choosing it)",
    )
    relevance_weight: float = Field(
        1.0, ge=0, le=20, description="TVET utility per unit of provider curriculum relevance"
    )
    ability_weight: float = Field(
        2.0,
        ge=0,
        le=20,
        description="tertiary log-odds (over logit_scale) per unit of learning ability above 1: who studies, not how many",
    )
    rural_tertiary_penalty: float = Field(
        0.5,
        ge=0,
        le=10,
        description="lower tertiary log-odds (over logit_scale) of rural-origin leavers: who studies, not how many",
    )
    rural_distance_penalty: float = Field(
        1.0, ge=0, le=10, description="utility cost of TVET per unit of travel cost to a provider"
    )


# -------------------------------------------------------------------- drivers


class ShockSpec(Strict):
    kind: Literal["brown", "neutral", "green", "rural"] = Field(
        description="sectors hit: by green-transition tag, or all rural sectors"
    )
    start_month: int = Field(ge=0, le=1200, description="month the shock starts")
    duration_months: int = Field(ge=1, le=1200, description="months to reach the full change")
    log_change: float = Field(ge=-5, le=5, description="total log change of demand")
    rural_regions_only: bool = Field(False, description="apply only in rural regions")


class DriversConfig(Strict):
    shocks: list[ShockSpec] = Field(default_factory=list, description="demand shocks")
    carbon_price_yuan_per_t: float = Field(
        70.0, ge=0, le=5000, description="carbon price at month 0 (China ETS, ~70 yuan/t in 2023)"
    )
    carbon_price_growth_per_year: float = Field(
        0.03, ge=-1, le=2, description="log growth of the carbon price per year"
    )
    carbon_price_growth_months: int = Field(
        120,
        ge=0,
        le=1200,
        description="months from month 0 that the carbon price grows; it then holds its level",
    )
    carbon_price_jump_month: int = Field(
        -1, ge=-1, le=1200, description="month of a one-off carbon price jump, -1 = none"
    )
    carbon_price_jump_yuan_per_t: float = Field(
        0.0, ge=0, le=5000, description="size of the one-off carbon price jump, yuan per tonne"
    )
    carbon_exit_sensitivity: float = Field(
        0.04, ge=0, le=5, description="monthly exit hazard per unit of carbon burden"
    )
    rural_access_gain: float = Field(
        0.0,
        ge=0,
        le=1,
        description="share of rural travel cost removed, reached after rural_access_months",
    )
    rural_access_months: int = Field(60, ge=1, le=1200, description="months to full access gain")
    return_migration_boost: float = Field(
        0.0, ge=0, le=20, description="multiplier added to the return migration hazard"
    )
    rural_training_capacity_gain: float = Field(
        0.0, ge=0, le=5, description="extra rural training seats, share of baseline"
    )
    firm_entry_elasticity: float = Field(
        0.6, ge=0, le=1, description="share of demand change met by firm entry/exit (not size)"
    )

    def late_shocks(self, months: int) -> list[tuple[int, ShockSpec]]:
        """The shocks (with their places) that change nothing in a run of ``months``
        months: a shock moves demand from the month after its start."""
        return [(i, s) for i, s in enumerate(self.shocks) if s.start_month >= months]

    def late_jump(self, months: int) -> bool:
        """Whether a carbon price jump comes only after a run of ``months`` months (it
        jumps in its month)."""
        return self.carbon_price_jump_month > months and self.carbon_price_jump_yuan_per_t != 0


LONGEST_CONTRACT_MONTHS = 48  # the longest apprenticeship a policy may set
# The horizon the model was fitted over (docs/ODD.md 11.3): longer runs drift (10.2,
# "Long runs"), and are warned of (loading.run_warnings) and noted in reports.
LONG_RUN_MONTHS = 120


class Behaviour(Strict):
    population: PopulationConfig = PopulationConfig()
    labour_market: LabourMarketConfig = LabourMarketConfig()
    skills: SkillsConfig = SkillsConfig()
    apprenticeship: ApprenticeshipConfig = ApprenticeshipConfig()
    providers: ProvidersConfig = ProvidersConfig()
    choices: ChoicesConfig = ChoicesConfig()

    @model_validator(mode="after")
    def _final_months(self) -> Behaviour:
        # A final-year search window as long as a programme would let a leaver be hired
        # in the month it enrols, with the programme's label and certificate for nothing.
        window = self.labour_market.final_year_months
        tvet, tertiary = self.providers.tvet_months, self.population.tertiary_months
        if window >= min(tvet, tertiary):
            raise ValueError(
                f"labour_market.final_year_months ({window}) must be less than the shortest "
                f"programme: providers.tvet_months ({tvet}) and population.tertiary_months "
                f"({tertiary})"
            )
        # An apprentice who reached the retirement age would leave in no apprenticeship
        # flow (docs/ODD.md 7.9): the oldest start plus the longest contract a policy may
        # set (ApprenticeshipTerms.duration_months) must end before it.
        oldest = self.apprenticeship.max_age_years
        retire = self.population.retirement_age_years
        longest = LONGEST_CONTRACT_MONTHS
        if oldest * 12 + longest >= retire * 12:
            raise ValueError(
                f"apprenticeship.max_age_years must be less than {retire - longest / 12:g}: "
                f"population.retirement_age_years ({retire:g}) minus the longest contract a "
                f"policy may set ({longest} months, terms.duration_months), or a contract "
                "could run past the retirement age"
            )
        return self


class ScenarioConfig(Strict):
    name: str = Field(min_length=1)
    description: str = ""
    burn_in_months: int = Field(
        36,
        ge=0,
        le=600,
        description="months run under the status-quo policy with drivers frozen before month 0",
    )
    world: WorldConfig
    drivers: DriversConfig = DriversConfig()
    behaviour: Behaviour = Behaviour()


# ------------------------------------------------------------------- policies


class SubsidyPolicy(Strict):
    yuan_per_year: float = Field(
        0.0, ge=0, le=100_000, description="paid to the firm per apprentice per year"
    )
    advanced_certificate_bonus_yuan_per_year: float = Field(
        0.0, ge=0, le=100_000, description="extra for apprentices who certify at an advanced level"
    )
    advance_share: float = Field(
        0.5, ge=0, le=1, description="share of the subsidy paid at the start of the contract"
    )
    clawback_share: float = Field(
        1.0, ge=0, le=1, description="share of the advance recovered if the apprentice drops out"
    )


class QualityStandards(Strict):
    """ILO Recommendation R208 (2023) elements of a quality apprenticeship."""

    written_agreement: bool = Field(False, description="written apprenticeship agreement")
    structured_training: bool = Field(False, description="structured on- and off-the-job plan")
    assessment_certification: bool = Field(
        False, description="recognised assessment and certificate"
    )
    pay_and_social_protection: bool = Field(False, description="fair pay and social protection")
    mentor_training: bool = Field(False, description="trained, qualified in-company mentors")
    mentor_ratio: float = Field(2.0, gt=0, le=10, description="apprentices per qualified mentor")
    public_cost_yuan_per_completion: float = Field(
        0.0, ge=0, le=100_000, description="public assessment and certification cost per completion"
    )

    @property
    def level(self) -> float:
        flags = (
            self.written_agreement,
            self.structured_training,
            self.assessment_certification,
            self.pay_and_social_protection,
            self.mentor_training,
        )
        return sum(flags) / len(flags)


class ApprenticeshipTerms(Strict):
    duration_months: int = Field(
        18, ge=6, le=LONGEST_CONTRACT_MONTHS, description="contract length (China: 1-2 years)"
    )
    # 1 in the status quo: NEA apprentices hold labour contracts, so China's Minimum Wage
    # Provisions apply (docs/ODD.md 8.9); 0 is a counterfactual without the law.
    wage_floor_share_of_min_wage: float = Field(
        1.0, ge=0, le=2, description="apprentice wage floor as a share of the regional minimum wage"
    )


class AnticipationPolicy(Strict):
    lag_months: int = Field(12, ge=0, le=60, description="delay of the skill demand signal")
    noise_sd: float = Field(0.35, ge=0, le=3, description="relative noise of the forecast")
    foresight_months: int = Field(
        0, ge=0, le=60, description="months ahead the system projects demand paths"
    )
    cost_yuan_per_1000_workers_month: float = Field(
        0.0,
        ge=0,
        le=10_000_000,
        description="running cost of the system for every 1,000 workers of the city",
    )


class CoreSkillsPolicy(Strict):
    curriculum_share: float = Field(
        0.10, ge=0, le=0.8, description="share of programme time on core skills"
    )
    cost_yuan_per_1000_workers_month: float = Field(
        0.0,
        ge=0,
        le=10_000_000,
        description="curriculum and teacher cost for every 1,000 workers of the city",
    )


class GreenCurriculaPolicy(Strict):
    green_share: float = Field(
        0.0, ge=0, le=0.8, description="minimum share of programme time on green skills"
    )
    cost_yuan_per_1000_workers_month: float = Field(
        0.0,
        ge=0,
        le=10_000_000,
        description="curriculum and teacher cost for every 1,000 workers of the city",
    )


class VoucherPolicy(Strict):
    yuan_per_month: float = Field(
        0.0, ge=0, le=50_000, description="voucher value per course month"
    )
    enrolment_boost: float = Field(
        0.0, ge=0, le=100, description="multiplier added to enrolment of targeted adults"
    )
    target_youth: bool = Field(False, description="unemployed aged 16-24 eligible")
    target_rural: bool = Field(False, description="rural residents eligible")
    target_displaced: bool = Field(
        False, description="workers displaced from brown sectors eligible"
    )


class RuralAccessPolicy(Strict):
    extra_seat_share: float = Field(
        0.0, ge=0, le=5, description="extra rural training seats, share of baseline"
    )
    travel_cost_cut: float = Field(
        0.0, ge=0, le=1, description="share of travel cost to training removed (mobile training)"
    )
    cost_yuan_per_seat_month: float = Field(
        0.0, ge=0, le=100_000, description="cost of a mobile/rural seat"
    )


class TvetCapacityPolicy(Strict):
    seat_multiplier: float = Field(1.0, ge=0.1, le=5, description="TVET seats relative to baseline")


class PolicyConfig(Strict):
    name: str = Field(min_length=1)
    description: str = ""
    subsidy: SubsidyPolicy = SubsidyPolicy()
    quality: QualityStandards = QualityStandards()
    terms: ApprenticeshipTerms = ApprenticeshipTerms()
    anticipation: AnticipationPolicy = AnticipationPolicy()
    core_skills: CoreSkillsPolicy = CoreSkillsPolicy()
    green_curricula: GreenCurriculaPolicy = GreenCurriculaPolicy()
    vouchers: VoucherPolicy = VoucherPolicy()
    rural_access: RuralAccessPolicy = RuralAccessPolicy()
    tvet_capacity: TvetCapacityPolicy = TvetCapacityPolicy()


class RunConfig(Strict):
    """What one run needs: the resolved scenario and policy, and the run's size."""

    scenario: ScenarioConfig
    policy: PolicyConfig
    workers: int = Field(20_000, ge=100, le=100_000_000, description="number of workers")
    months: int = Field(120, ge=1, le=1200, description="horizon in months")
    seed: int = Field(0, ge=0, lt=2**63, description="run seed")
    # The counterfactual the burn-in and month 0 run under: the policy "none" as resolved
    # when the run was configured (a user's own none.toml takes the shipped one's place),
    # carried with the run, so that its manifest holds it and a worker elsewhere (a Dask
    # node with other files) runs the same (an outside review: it was looked up by name
    # where the run ran, and recorded nowhere).
    status_quo: PolicyConfig = Field(
        default_factory=lambda: PolicyConfig(name="none"),
        description="the status quo: the policy of the burn-in and month 0",
    )


# ------------------------------------------------------------- settings listed


def leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """A dumped config's values by dotted path ("world.avg_firm_size"); a list is one
    value (the reports' settings tables, ``skillsim list settings``)."""
    if isinstance(data, dict):
        out = {}
        for k, v in data.items():
            out.update(leaves(v, f"{prefix}.{k}" if prefix else k))
        return out
    return {prefix: data}


def _allowed(annotation: Any, metadata: list) -> str:
    """What a field allows, in words ("number 0 to 0.8", "whole number >= 1")."""
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(annotation))
    if origin is list:
        (item,) = typing.get_args(annotation)
        if typing.get_origin(item) is list:
            inner = "lists"
        elif isinstance(item, type) and issubclass(item, BaseModel):
            inner = "tables"
        else:
            inner = _allowed(item, []) + "s"
        lengths = {type(m).__name__: m for m in metadata}
        size = ""
        if "MinLen" in lengths and "MaxLen" in lengths:
            lo, hi = lengths["MinLen"].min_length, lengths["MaxLen"].max_length
            size = f" {lo}" if lo == hi else f" {lo} to {hi}"
        return f"list of{size} {inner}"
    words = {bool: "true/false", int: "whole number", float: "number", str: "text"}
    text = words.get(annotation, getattr(annotation, "__name__", str(annotation)))
    bounds = []
    for m in metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            value = getattr(m, attr, None)
            if value is not None:
                bounds.append((sign, value))
    low = [b for b in bounds if b[0] in (">=", ">")]
    high = [b for b in bounds if b[0] in ("<=", "<")]
    if low and high and low[0][0] == ">=" and high[0][0] == "<=":
        return f"{text} {_bound(low[0][1])} to {_bound(high[0][1])}"
    return " ".join([text, " and ".join(f"{sign} {_bound(v)}" for sign, v in bounds)]).strip()


def _bound(x: float) -> str:
    """A bound as a reader writes it: 1,000,000 (not 1e+06), 0.8."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def setting_rows(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, Any, str]]:
    """(path, allowed, default or None, meaning) of every field of ``model``, nested
    tables by their dotted path, a list of tables' items by ``[]`` ("world.regions[]")."""
    rows = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = info.annotation
        args = typing.get_args(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows += setting_rows(annotation, f"{path}.")
            continue
        allowed = _allowed(annotation, info.metadata)
        item = args[0] if typing.get_origin(annotation) is list and args else None
        if isinstance(item, type) and issubclass(item, BaseModel):
            rows.append((path, allowed, None, info.description or ""))
            rows += setting_rows(item, f"{path}[].")
            continue
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        rows.append((path, allowed, default, info.description or ""))
    return rows
