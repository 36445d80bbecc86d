"""The metric catalogue: the single source of metric names, units and definitions.

``CATALOGUE`` lists every monthly metric; ``compose`` builds their values from the
tables the ``tally`` kernel fills (plus the month's flows and spending), and the
breakdown tables by region, sector and entry cohort. The DataCollector has one model
reporter per catalogue entry; plots and reports read units and labels from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation.kernels import metrics as mk
from simulation.state import Flow, Spend, Status, Training


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    definition: str
    group: str
    integer: bool = False  # a count: identical across engines, not just close
    # The values it can take: intervals across seeds stop there (a t interval's coverage
    # is unchanged by cutting it to where the mean can be).
    bounds: tuple[float, float] = (-math.inf, math.inf)


_INF = math.inf
# Every unit's range, so that a new unit must be given one (KeyError at import).
UNIT_BOUNDS: dict[str, tuple[float, float]] = {
    "share": (0.0, 1.0),
    "share per month": (0.0, 1.0),
    "index 0-1": (0.0, 1.0),
    "ratio": (0.0, _INF),
    "workers": (0.0, _INF),
    "jobs": (0.0, _INF),
    "slots": (0.0, _INF),
    "firms": (0.0, _INF),
    "per month": (0.0, _INF),
    "workers per month": (0.0, _INF),
    "firms per month": (0.0, _INF),
    "yuan per month": (0.0, _INF),
    "yuan per apprenticeship": (-_INF, _INF),
    "yuan per worker-month": (-_INF, _INF),
}
# Metrics whose unit's range is not theirs: differences and net flows.
SIGNED: dict[str, tuple[float, float]] = {
    "apprenticeship_wage_premium": (-1.0, _INF),  # a wage ratio minus 1
    "apprenticeship_wage_premium_like_for_like": (-1.0, _INF),
    "rural_urban_wage_gap": (-_INF, 1.0),  # 1 minus a wage ratio
    "net_migration_to_urban": (-_INF, _INF),  # moves in minus moves out
    "spending_subsidy_yuan": (-_INF, _INF),  # clawbacks are subtracted
    "spending_total_yuan": (-_INF, _INF),
    # a firm's own extra contribution is a normal draw (7.3): with short contracts and
    # few apprentices the month's returns can sum below zero
    "apprenticeship_cost_coverage": (-_INF, _INF),
    # the month's separations over the month's first employed: workers hired in the
    # month and gone by its end count in the first, not the second, so at monthly quit
    # rates above about 0.3 it passed 1 (an outside review)
    "separation_rate": (0.0, _INF),
}


def _m(name, unit, definition, group, integer=False):
    return Metric(name, unit, definition, group, integer, SIGNED.get(name, UNIT_BOUNDS[unit]))


# fmt: off
CATALOGUE: tuple[Metric, ...] = (
    # --- labour market
    _m("unemployment_rate", "share", "unemployed / labour force, whole city (rural counties included; China's surveyed rates are urban: urban_unemployment_rate); labour force = employed + apprentices + unemployed (ILO: apprentices count as employed)", "labour market"),
    _m("youth_unemployment_rate", "share", "unemployment rate of workers under 25, whole city (ILO youth; school leavers enter at 18 by default)", "labour market"),
    _m("rural_unemployment_rate", "share", "unemployment rate of residents of rural regions", "labour market"),
    _m("urban_unemployment_rate", "share", "unemployment rate of residents of urban regions (what the NBS surveyed urban rate measures)", "labour market"),
    _m("urban_youth_unemployment_rate", "share", "unemployment rate of residents of urban regions under 25", "labour market"),
    _m("displaced_unemployment_rate", "share", "unemployment rate of workers who lost a job in a brown sector", "labour market"),
    _m("employment_rate", "share", "(employed + apprentices) / working-age population (students and trainees included)", "labour market"),
    _m("youth_neet_rate", "share", "workers under 25 not in employment, education or training (unemployed or inactive) / all under 25 (students, trainees and apprentices included; ILO, SDG 8.6.1): unlike an unemployment rate, leavers moving between study and work do not move it", "labour market"),
    _m("vacancy_rate", "share", "open vacancies / (vacancies + filled jobs)", "labour market"),
    _m("tightness", "ratio", "open vacancies / unemployed (v/u)", "labour market"),
    _m("job_finding_rate", "share per month", "workers unemployed at the start of the month who found a job or apprenticeship in it / unemployed at the start of the month (those hired and laid off or retired in the month included: above the transitions' rates into work)", "labour market"),
    _m("separation_rate", "share per month", "layoffs, quits and exit layoffs this month / employed at the start of the month (the month's hires who leave in it count in the first only: at quit rates far above the calibrated, above 1)", "labour market"),
    _m("employed", "workers", "workers in a job (apprentices not included)", "labour market", True),
    _m("unemployed", "workers", "workers without a job, searching", "labour market", True),
    _m("labour_force", "workers", "employed + apprentices + unemployed", "labour market", True),
    _m("displaced_labour_force", "workers", "workers in the labour force who lost a job in a brown sector (the displaced unemployment rate's base: few workers in a small city)", "labour market", True),
    _m("vacancies", "jobs", "open vacancies", "labour market", True),
    _m("hires", "workers per month", "hires into jobs (out of unemployment, job to job, and of final-year students and TVET trainees)", "labour market", True),
    # --- skill mismatch
    _m("skill_gap_mean", "index 0-1", "mean of under-skill + over-skill gap of the employed (see docs/ODD.md, submodel skills)", "skill mismatch"),
    _m("under_skilled_share", "share", "employed whose under-skill gap exceeds the under-skilled threshold", "skill mismatch"),
    _m("over_skilled_share", "share", "employed whose over-skill gap exceeds the over-skilled threshold", "skill mismatch"),
    _m("outside_field_share", "share", "employed whose main technical skill is not the main domain their job requires", "skill mismatch"),
    _m("skill_shortage_vacancies", "jobs", "vacancies open 3+ months without a hire, with applicants but fewer above the hiring threshold than vacancies", "skill mismatch", True),
    _m("skill_shortage_share", "share", "skill-shortage vacancies / open vacancies", "skill mismatch"),
    _m("green_skill_shortage_vacancies", "jobs", "skill-shortage vacancies in green sectors", "skill mismatch", True),
    # --- employability
    _m("employability", "share", "mean share of accessible vacancies an unemployed worker would pass the hiring threshold for (sampled)", "employability"),
    _m("cohort_job_finding_12m", "share", "labour-market entrants of 12-23 months ago who found a job or apprenticeship within 12 months of entry", "employability"),
    _m("final_year_hires", "workers per month", "tertiary students and TVET trainees hired in their programme's final months, whose programme ends with the hire: they enter the labour market employed (included in hires)", "employability", True),
    _m("final_year_hire_share", "share", "of the tertiary and full-time TVET programmes that ended in the last 12 months, the share ended by a final-year hire (the graduate entered the labour market employed, not unemployed)", "employability"),
    _m("delayed_entry_share", "share", "of the tertiary and full-time TVET programmes that ended in the last 12 months, the share whose graduate delayed the search (slow employment: out of the labour force a few months first, labour_market.delayed_entry_share)", "employability"),
    # --- apprenticeship
    _m("apprentices", "workers", "active apprentices", "apprenticeship", True),
    _m("apprenticeship_slots", "slots", "apprenticeship slots firms offered this month (before matching)", "apprenticeship", True),
    _m("apprenticeship_starts", "per month", "apprenticeships started this month", "apprenticeship", True),
    _m("apprenticeship_completions", "per month", "apprenticeships completed this month", "apprenticeship", True),
    _m("apprenticeship_dissolutions", "per month", "apprenticeships ended early this month (dropout or firm exit)", "apprenticeship", True),
    _m("apprenticeship_completion_rate", "share", "completions / (completions + early ends: dropouts and firm exits), last 12 months (in the first contract length of a policy that adds starts, its new contracts can end early but not yet complete: its effects are summarised over the months past the longest contract, as the report and skillsim effects do)", "apprenticeship"),
    _m("apprenticeship_retention_rate", "share", "completers kept by the training firm / completers, last 12 months", "apprenticeship"),
    _m("apprenticeship_poaching_rate", "share", "of completers of 12-23 months ago kept by their training firm, the share who moved to another firm within the poaching window", "apprenticeship"),
    _m("apprenticeship_employment_12m", "share", "completers of 12-23 months ago now in a job or apprenticeship", "apprenticeship"),
    _m("apprenticeship_wage_premium", "share", "mean wage of employed completers under 35 / that of employed never-apprentices under 35, minus 1 (raw: includes their sorting across regions, sectors and firms)", "apprenticeship"),
    _m("apprenticeship_wage_premium_like_for_like", "share", "the same premium on wages relative to the job's skilled wage (the region's wage level x the employer's productivity): completers against never-apprentices in jobs of the same pay scale, net of sorting across regions, sectors and firms", "apprenticeship"),
    _m("apprenticeship_recouping_share", "share", "completed apprenticeships whose benefits to the training firm (on-the-job contribution, subsidy, and the hiring cost saved if it retains the graduate) covered its costs (wage, mentor time, quality) over the contract / completions, last 12 months", "apprenticeship"),
    _m("apprenticeship_cost_coverage", "ratio", "apprentices' productive contribution (on the job, with the firms' own extra) / their gross cost to the firms (wage, mentor time, quality standards), summed over this month's apprentice-months (the returns' share of gross costs in the BIBB cost-benefit surveys; subsidies and the value of retention not counted)", "apprenticeship"),
    _m("firm_net_training_cost_yuan", "yuan per apprenticeship", "net cost to training firms (wage, mentor time, quality - contribution, subsidy, retention value) per apprenticeship started, cumulative", "apprenticeship"),
    _m("training_firms_recouping_share", "share", "training firms whose benefits cover their costs, on accounts cumulative since the firm's entry or the burn-in's start (they age with the firms: see apprenticeship_recouping_share for each contract's)", "apprenticeship"),
    _m("training_firm_share", "share", "live firms with at least one apprentice", "apprenticeship"),
    # --- training
    _m("in_training", "workers", "learners in TVET programmes and lifelong-learning courses", "training", True),
    _m("tertiary_students", "workers", "workers in tertiary study", "training", True),
    _m("course_enrolments", "per month", "lifelong-learning course enrolments this month", "training", True),
    _m("voucher_enrolments", "per month", "course enrolments paid by a voucher this month", "training", True),
    _m("curriculum_relevance", "index 0-1", "mean relevance of provider curricula to current skill demand", "training"),
    _m("provider_green_share", "share", "mean share of programme time on green skills", "training"),
    # --- green and rural
    _m("green_employment_share", "share", "employed in green sectors / employed", "green and rural"),
    _m("brown_employment_share", "share", "employed in brown sectors / employed", "green and rural"),
    _m("rural_urban_wage_gap", "share", "1 - mean wage in rural regions / mean wage in urban regions", "green and rural"),
    _m("net_migration_to_urban", "workers per month", "moves into urban regions minus moves out of them this month", "green and rural", True),
    _m("return_migrations", "workers per month", "rural-origin workers returning home this month", "green and rural", True),
    _m("firms_alive", "firms", "live firms", "green and rural", True),
    _m("firm_entries", "firms per month", "firms entering this month", "green and rural", True),
    _m("firm_exits", "firms per month", "firms exiting this month", "green and rural", True),
    # --- wages
    _m("wage_mean_yuan", "yuan per month", "mean wage of the employed", "wages"),
    _m("wage_gini", "index 0-1", "Gini coefficient of wages of the employed", "wages"),
    # --- public spending
    _m("spending_subsidy_yuan", "yuan per month", "apprenticeship subsidy: advances + balances + certificate bonuses - clawbacks", "public spending"),
    _m("spending_quality_yuan", "yuan per month", "public assessment and certification of completers", "public spending"),
    _m("spending_vouchers_yuan", "yuan per month", "lifelong-learning vouchers", "public spending"),
    _m("spending_seats_yuan", "yuan per month", "funded training seats in use", "public spending"),
    _m("spending_rural_access_yuan", "yuan per month", "extra rural and mobile training seats", "public spending"),
    _m("spending_anticipation_yuan", "yuan per month", "skills anticipation system", "public spending"),
    _m("spending_curricula_yuan", "yuan per month", "core-skills and green curricula", "public spending"),
    _m("spending_total_yuan", "yuan per month", "all public programmes", "public spending"),
)
# fmt: on

BY_NAME = {m.name: m for m in CATALOGUE}
NAMES = tuple(m.name for m in CATALOGUE)

# Compared across runs, not within one (simulation.analysis): listed for the record.
COMPARATIVE: tuple[Metric, ...] = (
    _m(
        "cost_per_additional_employed_yuan",
        "yuan per worker-month",
        "extra public spending / extra workers in employment (employed + apprentices) against "
        "the same scenario and seed without the policy",
        "public spending",
    ),
)

REGION_COLUMNS = (
    "labour_force",
    "employed",
    "apprentices",
    "unemployed",
    "unemployment_rate",
    "youth_unemployment_rate",
    "youth_labour_force",
    "youth_unemployed",
    "in_training",
    "skill_gap_mean",
    "wage_mean_yuan",
    "vacancies",
    "net_migration",
    "tvet_seats",
    "tvet_enrolled",
    "tvet_seat_use",
    "course_seats",
    "course_enrolled",
    "course_seat_use",
)
# The region table's columns given in the intake months only (``region_rows``), empty
# in the others: a mean over months is theirs at the intakes (``analysis.summarise``).
AT_INTAKE = ("tvet_seat_use",)
# How regions pool (``analysis.pool_regions``): a count is summed; a share is
# recomputed from its summed numerator and denominator; a mean of the employed is
# weighted by them.
REGION_POOLING: dict[str, tuple[str, ...]] = {
    "labour_force": ("sum",),
    "employed": ("sum",),
    "apprentices": ("sum",),
    "unemployed": ("sum",),
    "unemployment_rate": ("ratio", "unemployed", "labour_force"),
    "youth_unemployment_rate": ("ratio", "youth_unemployed", "youth_labour_force"),
    "youth_labour_force": ("sum",),
    "youth_unemployed": ("sum",),
    "in_training": ("sum",),
    "skill_gap_mean": ("weighted", "employed"),
    "wage_mean_yuan": ("weighted", "employed"),
    "vacancies": ("sum",),
    "net_migration": ("sum",),  # (a move between two pooled regions cancels)
    "tvet_seats": ("sum",),
    "tvet_enrolled": ("sum",),
    "tvet_seat_use": ("ratio", "tvet_enrolled", "tvet_seats"),
    "course_seats": ("sum",),
    "course_enrolled": ("sum",),
    "course_seat_use": ("ratio", "course_enrolled", "course_seats"),
}
SECTOR_COLUMNS = (
    "employed",
    "apprentices",
    "vacancies",
    "skill_shortage_vacancies",
    "firms",
    "training_firms",
    "unfilled_slots",
    "skill_gap_mean",
    "wage_mean_yuan",
)
CELL_COLUMNS = (  # employer's sector x worker's region, the employed only
    "employed",
    "skill_gap_mean",
    "under_skilled_share",
    "wage_mean_yuan",
)
COHORT_COLUMNS = (
    "entrants",
    "working_share",
    "apprenticeship_share",
    "certified_share",
    "job_finding_12m",
    "wage_mean_yuan",
)

# The transitions breakdown: every worker's status at the month's start (``from_status``;
# "entering": not yet in the population, a school leaver who enters this month) and at
# its end (``to_status``; "retired": left the population), one row per pair, in the
# order of ``state.Status`` (whose RETIRED, 0, is both ends' outside).
FROM_STATUSES = (
    "entering", "leaver", "student", "employed", "unemployed", "apprentice", "training",
    "inactive",
)  # fmt: skip
TO_STATUSES = ("retired", *FROM_STATUSES[1:])
TRANSITION_COLUMNS = ("workers", "transition_rate")
# ... and by region at the month's start (the region entered, for an entry), with the
# workers of each pair who moved to another region in the month, and those who came
REGION_TRANSITION_COLUMNS = (
    "workers", "moved_out", "moved_in", "transition_rate", "moved_out_rate",
)  # fmt: skip
BREAKDOWN_MEASURES = {
    "region": REGION_COLUMNS,
    "sector": SECTOR_COLUMNS,
    "cohort": COHORT_COLUMNS,
    "cell": CELL_COLUMNS,
    "transitions": TRANSITION_COLUMNS,
    "region_transitions": REGION_TRANSITION_COLUMNS,
}

# What each breakdown column is, as "unit: definition" (stored in each breakdown's
# Parquet file, listed by `skillsim list breakdowns`). A breakdown's rows are one
# month's: residents of a region; firms of a sector and their workers; members of an
# entry cohort; the employed by employer's sector and own region.
_EMPLOYED_GAP = "index 0-1: mean under- plus over-skill gap of the employed at their jobs"
MONTH = (
    "month of the policy period (0 = policy start; the month mod 12 is the calendar month, "
    "0 = January; the shipped scenarios' school leavers enter in July, month 6)"
)
_EMPLOYED_WAGE = "yuan per month: mean wage of the employed"
BREAKDOWN_DEFINITIONS: dict[str, dict[str, str]] = {
    "region": {
        "month": MONTH,
        "region": "the region workers live in",
        "urban": "whether the scenario counts the region as urban (urban rates sum these)",
        "labour_force": "workers: employed, apprentices and unemployed living there",
        "employed": "workers: employed (apprentices not included)",
        "apprentices": "workers: in an apprenticeship",
        "unemployed": "workers: unemployed",
        "unemployment_rate": "share: unemployed / labour force",
        "youth_unemployment_rate": "share: unemployed under 25 / labour force under 25",
        "youth_labour_force": (
            "workers: under 25 in the labour force (the youth rate's denominator; summed "
            "over regions, the city's)"
        ),
        "youth_unemployed": "workers: unemployed under 25 (the youth rate's numerator)",
        "in_training": "workers: in a full-time TVET programme or lifelong-learning course",
        "skill_gap_mean": _EMPLOYED_GAP,
        "wage_mean_yuan": _EMPLOYED_WAGE,
        "vacancies": "jobs: open vacancies of the region's firms at the month's end",
        "net_migration": (
            "workers per month: moved in (for a job elsewhere, or home again) minus moved out"
        ),
        "tvet_seats": (
            "seats: full-time TVET programme seats of the region's providers this month "
            "(capacity policies and the rural extra seats applied)"
        ),
        "tvet_enrolled": (
            "workers: TVET students at the region's providers at the month's end, wherever "
            "they live (in_training counts the region's residents)"
        ),
        "tvet_seat_use": (
            "share: tvet_enrolled / tvet_seats, given in the intake month only and empty "
            "in the others. Seats are taken only when school leavers choose, the month "
            "after their cohort enters (month 7 of each year, August, in the shipped "
            "scenarios), and empty through the year as students finish or drop out: "
            "averaged over every month, seats that bind would read as slack. Below 1, "
            "seats stood empty when leavers chose; above 1, seats were cut since students "
            "entered. Empty where the region has no seats. (Any month's share of seats "
            "filled: tvet_enrolled / tvet_seats)"
        ),
        "course_seats": (
            "seats: lifelong-learning course seats of the region's providers this month "
            "(the rural extra seats applied)"
        ),
        "course_enrolled": (
            "workers: adults in a course at the region's providers at the month's end"
        ),
        "course_seat_use": (
            "share: course_enrolled / course_seats (courses take learners every month; "
            "empty where the region has no seats)"
        ),
    },
    "sector": {
        "month": MONTH,
        "sector": "the employer's sector",
        "employed": "workers: employed by the sector's firms (apprentices not included)",
        "apprentices": "workers: apprentices of the sector's firms",
        "vacancies": "jobs: open vacancies of its firms at the month's end",
        "skill_shortage_vacancies": (
            "jobs: vacancies open 3 months or more whose applicants were too few qualified"
        ),
        "firms": "firms: live firms",
        "training_firms": "firms: firms with at least one apprentice",
        "unfilled_slots": "slots: apprenticeship places offered and not filled at the month's end",
        "skill_gap_mean": _EMPLOYED_GAP,
        "wage_mean_yuan": _EMPLOYED_WAGE,
    },
    "cohort": {
        "month": MONTH,
        "cohort": (
            "year of labour-market entry: entry month // 12 (0 = months 0-11 of the policy "
            "period, negative: the burn-in); rows only for cohorts with members. Entry is "
            "when a school leaver's path is chosen or a full-time programme ends, so a "
            "policy that changes paths moves workers between cohorts: two policies' "
            "cohorts of one year are not the same people"
        ),
        "entrants": (
            "workers: the cohort's members in the population this month (it grows through "
            "its year as school leavers enter)"
        ),
        "working_share": "share: of its members employed or in an apprenticeship",
        "apprenticeship_share": "share: of its members who ever started an apprenticeship",
        "certified_share": "share: of its members holding a certificate",
        "job_finding_12m": (
            "share: of its members who entered 12 months ago or more, those who found a "
            "first job within 12 months (empty before any member has been in 12 months)"
        ),
        "wage_mean_yuan": "yuan per month: mean wage of its employed members",
    },
    "cell": {
        "month": MONTH,
        "sector": "the employer's sector",
        "region": "the region the worker lives in",
        "employed": "workers: employed by the sector's firms and living in the region",
        "skill_gap_mean": _EMPLOYED_GAP,
        "under_skilled_share": "share: of these employed, those under-skilled for their job",
        "wage_mean_yuan": _EMPLOYED_WAGE,
    },
    "transitions": {
        "month": MONTH,
        "from_status": (
            "status at the month's start: leaver (a school leaver choosing a path), "
            "student (tertiary study), employed, unemployed, apprentice, training "
            "(full-time TVET or a lifelong-learning course), inactive; entering: not in "
            "the population then (a school leaver who entered in the month)"
        ),
        "to_status": (
            "status at the month's end: the same, or retired (left the population at "
            "retirement age)"
        ),
        "workers": (
            "workers per month: in from_status at the month's start and to_status at its "
            "end (a status left and taken again within the month is no move; the employed "
            "who stay employed include job-to-job moves). Summed over to_status, the "
            "stock of from_status a month earlier; over from_status, the stock of "
            "to_status. Month 0: the last burn-in month's (with no burn-in, everyone "
            "where they started)"
        ),
        "transition_rate": (
            "share per month: workers / all in from_status at the month's start, the "
            "month's transition probability (a count follows the size of its from_status: "
            "compare policies by this; empty where none was in from_status)"
        ),
    },
    "region_transitions": {
        "month": MONTH,
        "region": (
            "the region the workers lived in at the month's start (for those entering: "
            "the region they entered)"
        ),
        "urban": "whether the region is urban (the scenario's region kinds)",
        "from_status": "as in transitions.parquet",
        "to_status": "as in transitions.parquet",
        "workers": (
            "workers per month: living in the region and in from_status at the month's "
            "start, and in to_status at its end, wherever they live then. Summed over "
            "to_status, the region's stock of from_status a month earlier; summed over "
            "regions, transitions.parquet's workers. Month 0: the last burn-in month's "
            "(with no burn-in, everyone where they started)"
        ),
        "moved_out": (
            "workers per month: of these, those living in another region at the month's "
            "end (hired in another region, or returned home; none for retired or "
            "entering)"
        ),
        "moved_in": (
            "workers per month: living in another region and in from_status at the "
            "month's start, and in this region and in to_status at its end (not counted "
            "in workers). Summed over regions, moved_out. The region's stock of to_status "
            "at the month's end: its workers less moved_out plus moved_in, summed over "
            "from_status"
        ),
        "transition_rate": (
            "share per month: workers / all in the region in from_status at the month's "
            "start (empty where none was)"
        ),
        "moved_out_rate": (
            "share per month: moved_out / all in the region in from_status at the month's "
            "start, the movers' share (compare policies by this, not by moved_out; empty "
            "where none was)"
        ),
    },
}


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den > 0 else math.nan


@dataclass
class MonthTables:
    """What ``tally`` and the step produced for one month."""

    by_region: np.ndarray
    by_sector: np.ndarray
    by_cohort: np.ndarray
    by_cell: np.ndarray  # (sectors x regions, N_X), sector-major
    g: np.ndarray
    flows: np.ndarray
    rolling: np.ndarray  # flows summed over the last 12 months
    spend: np.ndarray
    appr_money: np.ndarray  # by state.Training
    mig_in: np.ndarray
    mig_out: np.ndarray
    unemployed_before: float
    employed_before: float
    employability: float
    gini: float
    relevance_mean: float
    net_training_cost: float
    recouping_share: float
    region_urban: np.ndarray
    sector_kind: np.ndarray  # SectorKind codes


def compose(t: MonthTables) -> dict[str, float]:
    """Every catalogue metric from one month's tables: their definition.
    ``kernels.metrics.compose_values`` computes the same values in one compiled call
    for small models (``compose_compiled``): a change here goes there too, in the same
    commit (tests/test_kernels.py holds the two to the same bits)."""
    R, S = t.by_region, t.by_sector
    # Python numbers: a numpy scalar costs more to index, add and divide. The counts
    # (the count columns of the tables, flows, migrations) are whole numbers, whose sums
    # are exact in any order, so each set of rows is summed once for all of them; the
    # float columns (wages, gaps, spending) keep numpy's sums of their own.
    G, F, roll = t.g.tolist(), t.flows.tolist(), t.rolling.tolist()
    urban = t.region_urban == 1
    rural = ~urban
    green = t.sector_kind == 2
    brown = t.sector_kind == 0
    counts, counts_urban, counts_rural = (
        R.sum(axis=0).tolist(),
        R[urban].sum(axis=0).tolist(),
        R[rural].sum(axis=0).tolist(),
    )
    firms, firms_green = S.sum(axis=0).tolist(), S[green].sum(axis=0).tolist()
    lf = counts[mk.R_LF]
    unemp = counts[mk.R_UNEMP]
    emp = counts[mk.R_EMP]
    appr = counts[mk.R_APPR]
    vac = counts[mk.R_VAC]
    jobs = counts[mk.R_JOBS]
    ssv = firms[mk.S_SSV]
    completions = roll[Flow.APPR_COMPLETIONS]
    ended = completions + roll[Flow.APPR_DROPOUTS] + roll[Flow.APPR_DISSOLVED]
    retained = roll[Flow.APPR_RETAINED]
    programmes_ended = roll[Flow.FINAL_YEAR_HIRES] + roll[Flow.GRADUATIONS]  # tertiary, TVET
    wages = R[:, mk.R_WAGE].sum()
    wage_urban = _ratio(R[urban, mk.R_WAGE].sum(), counts_urban[mk.R_EMP])
    wage_rural = _ratio(R[rural, mk.R_WAGE].sum(), counts_rural[mk.R_EMP])
    appr_wage = _ratio(G[mk.G_APPR_WAGE], G[mk.G_APPR_N])
    other_wage = _ratio(G[mk.G_OTHER_WAGE], G[mk.G_OTHER_N])
    appr_rel = _ratio(G[mk.G_APPR_REL], G[mk.G_APPR_N])
    other_rel = _ratio(G[mk.G_OTHER_REL], G[mk.G_OTHER_N])
    live_firms = firms[mk.S_FIRMS]
    sp = t.spend.tolist()
    v = {
        "unemployment_rate": _ratio(unemp, lf),
        "youth_unemployment_rate": _ratio(counts[mk.R_YOUTH_UNEMP], counts[mk.R_YOUTH_LF]),
        "rural_unemployment_rate": _ratio(counts_rural[mk.R_UNEMP], counts_rural[mk.R_LF]),
        "urban_unemployment_rate": _ratio(counts_urban[mk.R_UNEMP], counts_urban[mk.R_LF]),
        "urban_youth_unemployment_rate": _ratio(
            counts_urban[mk.R_YOUTH_UNEMP], counts_urban[mk.R_YOUTH_LF]
        ),
        "displaced_unemployment_rate": _ratio(G[mk.G_DISPLACED_UNEMP], G[mk.G_DISPLACED_LF]),
        "youth_neet_rate": _ratio(counts[mk.R_YOUTH_NEET], counts[mk.R_YOUTH_POP]),
        "employment_rate": _ratio(emp + appr, counts[mk.R_POP]),
        "vacancy_rate": _ratio(vac, vac + jobs),
        "tightness": _ratio(vac, unemp),
        "job_finding_rate": _ratio(F[Flow.UNEMPLOYED_TO_EMPLOYED], t.unemployed_before),
        "separation_rate": _ratio(
            F[Flow.LAYOFFS] + F[Flow.QUITS] + F[Flow.EXIT_LAYOFFS], t.employed_before
        ),
        "employed": emp,
        "unemployed": unemp,
        "labour_force": lf,
        "displaced_labour_force": G[mk.G_DISPLACED_LF],
        "vacancies": vac,
        "hires": F[Flow.HIRES],
        "final_year_hires": F[Flow.FINAL_YEAR_HIRES],
        "final_year_hire_share": _ratio(roll[Flow.FINAL_YEAR_HIRES], programmes_ended),
        "delayed_entry_share": _ratio(roll[Flow.DELAYED_ENTRIES], programmes_ended),
        "skill_gap_mean": _ratio(R[:, mk.R_GAP].sum(), emp),
        "under_skilled_share": _ratio(G[mk.G_UNDER], emp),
        "over_skilled_share": _ratio(G[mk.G_OVER], emp),
        "outside_field_share": _ratio(G[mk.G_OUTSIDE], emp),
        "skill_shortage_vacancies": ssv,
        "skill_shortage_share": _ratio(ssv, vac),
        "green_skill_shortage_vacancies": firms_green[mk.S_SSV],
        "employability": t.employability,
        "cohort_job_finding_12m": _ratio(G[mk.G_ENTRY_FOUND], G[mk.G_ENTRY_WINDOW]),
        "apprentices": appr,
        "apprenticeship_slots": F[Flow.SLOTS_OFFERED],
        "apprenticeship_starts": F[Flow.APPR_STARTS],
        "apprenticeship_completions": F[Flow.APPR_COMPLETIONS],
        "apprenticeship_dissolutions": F[Flow.APPR_DROPOUTS] + F[Flow.APPR_DISSOLVED],
        "apprenticeship_completion_rate": _ratio(completions, ended),
        "apprenticeship_retention_rate": _ratio(retained, completions),
        "apprenticeship_poaching_rate": _ratio(G[mk.G_POACHED_12], G[mk.G_RETAINED_12]),
        "apprenticeship_employment_12m": _ratio(G[mk.G_COMPLETERS_12_EMP], G[mk.G_COMPLETERS_12]),
        "apprenticeship_wage_premium": appr_wage / other_wage - 1.0,
        "apprenticeship_wage_premium_like_for_like": appr_rel / other_rel - 1.0,
        "apprenticeship_recouping_share": _ratio(roll[Flow.APPR_RECOUPED], completions),
        "apprenticeship_cost_coverage": _ratio(
            t.appr_money[Training.RETURNS], t.appr_money[Training.GROSS_COST]
        ),
        "firm_net_training_cost_yuan": t.net_training_cost,
        "training_firms_recouping_share": t.recouping_share,
        "training_firm_share": _ratio(firms[mk.S_TRAINING_FIRMS], live_firms),
        "in_training": counts[mk.R_TRAINING],
        "tertiary_students": counts[mk.R_STUDENT],
        "course_enrolments": F[Flow.COURSE_ENROLMENTS],
        "voucher_enrolments": F[Flow.VOUCHER_ENROLMENTS],
        "curriculum_relevance": t.relevance_mean,
        "provider_green_share": G[mk.G_GREEN_MIX],
        "green_employment_share": _ratio(firms_green[mk.S_EMP], emp),
        "brown_employment_share": _ratio(S[brown, mk.S_EMP].sum(), emp),
        "rural_urban_wage_gap": 1.0 - wage_rural / wage_urban,
        "net_migration_to_urban": (t.mig_in - t.mig_out)[urban].sum(),
        "return_migrations": F[Flow.RETURN_MIGRATIONS],
        "firms_alive": live_firms,
        "firm_entries": F[Flow.FIRM_ENTRIES],
        "firm_exits": F[Flow.FIRM_EXITS],
        "wage_mean_yuan": _ratio(wages, emp),
        "wage_gini": t.gini,
        "spending_subsidy_yuan": sp[Spend.SUBSIDY],
        "spending_quality_yuan": sp[Spend.QUALITY],
        "spending_vouchers_yuan": sp[Spend.VOUCHERS],
        "spending_seats_yuan": sp[Spend.SEATS],
        "spending_rural_access_yuan": sp[Spend.RURAL_ACCESS],
        "spending_anticipation_yuan": sp[Spend.ANTICIPATION],
        "spending_curricula_yuan": sp[Spend.CORE_SKILLS] + sp[Spend.GREEN_CURRICULA],
        "spending_total_yuan": t.spend.sum(),
    }
    return {name: float(v[name]) for name in NAMES}


# Where each catalogue metric is in ``compose_values``' output.
_COMPOSED_AT = np.array([mk.COMPOSED.index(name) for name in NAMES])


def compose_compiled(t: MonthTables) -> dict[str, float]:
    """``compose`` in one compiled call (``kernels.metrics.compose_values``): the same
    values, bit for bit, for models whose month runs in one call, where ``compose``'s
    NumPy calls on tables of a few rows are a noticeable part of the month. (Worlds of
    more regions than ``numpy_sum`` adds as NumPy does take ``compose``.)"""
    if max(t.by_region.shape[0], t.spend.shape[0]) > mk.PAIRWISE_BLOCK:
        return compose(t)
    values = mk.compose_values(
        t.by_region, t.by_sector, t.g, t.flows, t.rolling, t.spend, t.appr_money, t.mig_in,
        t.mig_out, t.region_urban, t.sector_kind, float(t.unemployed_before),
        float(t.employed_before), float(t.employability), float(t.gini),
        float(t.relevance_mean), float(t.net_training_cost), float(t.recouping_share),
    )  # fmt: skip
    return dict(zip(NAMES, values[_COMPOSED_AT].tolist(), strict=True))


def intake_month(cohort_month: int) -> int:
    """The month of the year (0 = January) in which school leavers choose their path, and
    so take TVET seats: the month after their cohort enters (``cohort_month``, at the
    end of a month, phase 9; they choose in phase 5 of the next). A run's month m is
    month ``m % 12`` of the year."""
    return (int(cohort_month) + 1) % 12


def intake_months(months: int, cohort_month: int, burned_in: bool = True) -> np.ndarray:
    """Whether each of a run's months ``0 .. months - 1`` is an intake month
    (``intake_month``): ``region_rows``' ``intake``. Month 0 is the state after the
    burn-in's last month (month 0 of the year): without a burn-in (``burned_in``
    False) it is the initial state, in which no one chose."""
    out = np.arange(months) % 12 == intake_month(cohort_month)
    if not burned_in and months:
        out[0] = False
    return out


def region_rows(
    R: np.ndarray,
    net_migration: np.ndarray,
    seats: np.ndarray,
    provider_region: np.ndarray,
    intake: np.ndarray | bool,
) -> np.ndarray:
    """The region breakdown's rows from the region tables of one or more months
    (``R``: ..., regions, N_R), the net migration into each region (arrivals minus
    departures: ..., regions) and the providers' seats and learners (..., 4, providers:
    TVET seats, TVET students, course seats, course learners), summed by the providers'
    regions (``provider_region``): (..., regions, REGION_COLUMNS). ``intake`` (...: one
    per month) says whether school leavers took TVET seats that month: the TVET seats'
    use is read then only, and left empty (NaN) in the other months (``intake_months``)."""
    in_region = np.arange(R.shape[-2])[:, None] == np.asarray(provider_region)[None, :]
    # (exact: counts of a few thousand at most, summed in float64)
    tvet_seats, tvet_enrolled, course_seats, course_enrolled = np.moveaxis(
        seats.astype(np.float64) @ in_region.T.astype(np.float64), -2, 0
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.stack(
            [
                R[..., mk.R_LF],
                R[..., mk.R_EMP],
                R[..., mk.R_APPR],
                R[..., mk.R_UNEMP],
                R[..., mk.R_UNEMP] / R[..., mk.R_LF],
                R[..., mk.R_YOUTH_UNEMP] / R[..., mk.R_YOUTH_LF],
                R[..., mk.R_YOUTH_LF],
                R[..., mk.R_YOUTH_UNEMP],
                R[..., mk.R_TRAINING],
                R[..., mk.R_GAP] / R[..., mk.R_EMP],
                R[..., mk.R_WAGE] / R[..., mk.R_EMP],
                R[..., mk.R_VAC],
                net_migration,
                tvet_seats,
                tvet_enrolled,
                np.where(
                    (tvet_seats > 0) & np.asarray(intake, dtype=bool)[..., None],
                    tvet_enrolled / tvet_seats,
                    np.nan,
                ),
                course_seats,
                course_enrolled,
                np.where(course_seats > 0, course_enrolled / course_seats, np.nan),
            ],
            axis=-1,
        )


def sector_rows(S: np.ndarray) -> np.ndarray:
    """The sector breakdown's rows from the sector tables (..., sectors, N_S)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.stack(
            [
                S[..., mk.S_EMP],
                S[..., mk.S_APPR],
                S[..., mk.S_VAC],
                S[..., mk.S_SSV],
                S[..., mk.S_FIRMS],
                S[..., mk.S_TRAINING_FIRMS],
                S[..., mk.S_SLOTS],
                S[..., mk.S_GAP] / S[..., mk.S_EMP],
                S[..., mk.S_WAGE] / S[..., mk.S_EMP],
            ],
            axis=-1,
        )


def cohort_rows(C: np.ndarray) -> np.ndarray:
    """The entry-cohort breakdown's rows from the cohort tables (..., cohorts, N_C)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.stack(
            [
                C[..., mk.C_SIZE],
                C[..., mk.C_EMP] / C[..., mk.C_SIZE],
                C[..., mk.C_APPR_EVER] / C[..., mk.C_SIZE],
                C[..., mk.C_CERT] / C[..., mk.C_SIZE],
                C[..., mk.C_FOUND_12] / C[..., mk.C_MATURE],
                C[..., mk.C_WAGE] / C[..., mk.C_WAGE_N],
            ],
            axis=-1,
        )


# Where the tallies count each status at the month's end (region table columns): the
# stocks that give the transitions' diagonal (``region_transitions``).
_STOCK_COLUMNS = (
    (Status.STUDENT, mk.R_STUDENT),
    (Status.EMPLOYED, mk.R_EMP),
    (Status.UNEMPLOYED, mk.R_UNEMP),
    (Status.APPRENTICE, mk.R_APPR),
    (Status.TRAINING, mk.R_TRAINING),
    (Status.INACTIVE, mk.R_INACTIVE),
)


def region_transitions(changes: np.ndarray, by_region: np.ndarray) -> np.ndarray:
    """One month's transitions by region (n_regions x N_STATUS x N_STATUS x 3: region x
    from x to, ``FROM_STATUSES`` and ``TO_STATUSES``; the workers by region at the
    month's start, those of them who moved out of it, and those who moved in, by region
    at the month's end: ``kernels.metrics.T_*``) from the rows whose status or region
    changed (``changes``, as ``kernels.metrics.status_changes`` counted them) and the
    month's region tables: the workers who kept their status and region are its stock
    there at the month's end less those who came into it. Summed over regions, the
    workers are the city's transitions."""
    table = changes.copy()
    counted = table[..., mk.T_WORKERS] - table[..., mk.T_MOVED_OUT] + table[..., mk.T_MOVED_IN]
    came = counted.sum(axis=1)  # (by region and status at the month's end)
    for s, column in _STOCK_COLUMNS:
        stayed = np.rint(by_region[:, column]).astype(np.int64) - came[:, s]
        table[:, s, s, mk.T_WORKERS] += stayed
    return table


def cell_rows(X: np.ndarray) -> np.ndarray:
    """The sector x region breakdown's rows from the cell tables (..., sectors x
    regions, N_X), sector-major."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.stack(
            [
                X[..., mk.X_EMP],
                X[..., mk.X_GAP] / X[..., mk.X_EMP],
                X[..., mk.X_UNDER] / X[..., mk.X_EMP],
                X[..., mk.X_WAGE] / X[..., mk.X_EMP],
            ],
            axis=-1,
        )
