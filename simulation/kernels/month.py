"""A model's month in one compiled call: ``begin`` and phases 2 to 10 of the month.

Phase by phase, a month spends a good part of its time between the kernels: some forty
kernel calls, each unboxing its arrays (about 0.1 microseconds an array), the Python of
the phases around them (``simulation.phases``; about 0.3 ms a month at any size, a
tenth of a 20,000-worker month), and in a larger model each parallel loop's hand-over
to the pool thread and back through Python (BENCHMARKS.md). ``advance`` makes the same
kernel calls, in the same order, on the same arrays, as the phases do, without going
back to Python between them, and shares its larger loops with a helper thread that
waits in compiled code (``kernels.duo``): the same run, bit for bit
(tests/test_determinism.py runs months both ways and compares every array and metric).
Models below ``WHOLE_MONTH_BELOW`` worker rows take it; a city's month keeps the phases.
A change to a phase goes here too, in the same commit.

What the phases compute in Python from the scenario and the calendar alone (phase 1's
demand paths and travel costs, the foresight projection, the cohort's size and the
month's random-stream keys) is computed before the call, by ``phases.whole_month``, and
passed in: NumPy's ``log1p`` and ``exp`` are not numba's (they may differ in the last
bit), and those values do not depend on the agents.

Compiling ``advance`` takes a while (it types the month's kernels again, and LLVM
optimises them once more inside it), which a cold start's first month must not pay: a
model uses it only if it is compiled or in numba's cache for this CPU when the model is
set up (``look_again``, ``ready``); the compile helper of a cold start
(``simulation.compile_ahead``) compiles it last, for the models after. Either path
computes the same run.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulation.kernels import (
    accounting,
    apprenticeship,
    choices,
    demography,
    firms,
    key_caches_on_sources,
    matching,
    parallel,
    separations,
    training,
)
from simulation.kernels.scalar import X86, cycles, lesser
from simulation.params import (
    ApprParams,
    ChoiceParams,
    CostParams,
    CourseParams,
    DemographyParams,
    EducationParams,
    FirmParams,
    MatchParams,
    ProviderParams,
)
from simulation.rng import KEY_TABLE, Stream
from simulation.state import FirmArrays, Flow, ProviderArrays, SectorKind, Status, WorkerArrays

# The stream keys' places in the month's table of keys (``rng.month_keys``; the
# selection passes' are ``matching``'s: ``matching.picks``).
FIRM_EXIT = int(Stream.FIRM_EXIT)
FIRM_ENTRY, FORECAST = int(Stream.FIRM_ENTRY), int(Stream.FORECAST)
CHOICE, LLL = int(Stream.CHOICE), int(Stream.LLL)
SLOT_APPLY, APPLY = int(Stream.SLOT_APPLY), int(Stream.APPLY)
DROPOUT, COMPLETION = int(Stream.DROPOUT), int(Stream.COMPLETION)
TRAINING_END, ENTRANT = int(Stream.TRAINING_END), int(Stream.ENTRANT)
SCREEN = int(Stream.SCREEN)
BROWN = int(SectorKind.BROWN)
assert max(Stream) < KEY_TABLE  # every stream's key is in the month's table

# Models below this many worker rows run their month in one call, sharing its larger
# loops with a helper thread from ``duo.FROM_WORKERS`` rows up. Against the phases, side
# by side on two threads (``benchmarks/paths.py``; BENCHMARKS.md, "The month in one
# call up to 2,000,000 workers"): 0.69-0.72 of their month at 50,000 workers, 0.84-0.93
# at 250,000, 0.97-0.99 at 1,000,000, 0.95-0.99 at 1,500,000, 1.01-1.02 at 2,000,000,
# near where a city's grouping by buckets of firms (``matching.BUCKET_FROM_FIRMS``,
# phases only) starts.
WHOLE_MONTH_BELOW = 2_000_000
# The parts of the month ``advance`` stamps the end of, in the processor's clock
# (``scalar.cycles``), in ``SharedScratch.stamps`` (its first word: the call's start):
# the phases' names of ``Engine._phases``, so that ``--profile`` times a month in one
# call by the same names (``phases.whole_month``). Phase 1 runs before the call.
PHASES = (
    "begin", "2 firm demand", "3 apprenticeship supply", "4 providers",
    "5 education choices", "6 skills", "7 search and matching", "8 separations",
    "9 demography", "10 accounts",
)  # fmt: skip
STAMPS = len(PHASES) + 1
# Whether ``cycles`` reads a clock here (x86): else a profiled month runs phase by phase.
CLOCKED = X86
_choice: bool | None = None  # ``use_one_call``'s (None: as the cache says)
_cached = False  # whether ``advance`` was compiled or in the cache when last looked for


def ready(workers: int) -> bool:
    """Whether a model of ``workers`` worker rows runs its month in one call: when it
    has fewer than ``WHOLE_MONTH_BELOW`` rows and no test cuts loops small
    (``parallel.min_piece_override``), numba's cache of ``advance`` is keyed on every
    kernel file (``key_caches_on_sources``), and ``advance`` was compiled or in numba's
    cache for this CPU when a model was last set up (``look_again``), unless
    ``use_one_call`` says otherwise."""
    if not _keyed or parallel.min_piece_override is not None or workers >= WHOLE_MONTH_BELOW:
        return False
    return _cached if _choice is None else _choice


def look_again() -> None:
    """Look for ``advance``, the one-call tallies (``metrics.tally_in_one_call``, which
    the helper compiles just before it) and the metrics' composition
    (``metrics.compose_values``, just after) in numba's cache, unless they are known to
    be there: called as each model is set up, so that a long-lived process (a sweep's
    worker, the dashboard) started before the compile helper saved them takes them up
    from its next model on. (A model may so change paths between two months: both
    compute the same run.)"""
    global _cached
    if not _cached:
        from simulation.compile_ahead import in_cache
        from simulation.kernels.metrics import compose_values, tally_in_one_call

        compiled = getattr(advance, "signatures", ())  # (none without the JIT)
        _cached = bool(compiled) or all(
            in_cache(k) for k in (advance, matching.assist, tally_in_one_call, compose_values)
        )


def use_one_call(choice: bool | None) -> None:
    """Run the month of every model below ``WHOLE_MONTH_BELOW`` rows in one call
    (True; compiled at the first call if need be), never (False), or as the cache says
    (None)."""
    global _choice
    _choice = choice


@njit(cache=True, nogil=True)
def advance(
    month, keys, now_row, lag_row, flow_row, planning, green_domain, cohort, entrants,
    foresight, rural_extra, return_hazard, poach_rate, slot_ratio, box, context,
    region_urban, region_rural_share, sector_kind, sector_productivity, initial_firms,
    region_cum, home_cum, field_cum, provider_start, providers_per_region,
    log_demand, carbon_burden, travel_train, desired, flows, flow_history, spend, appr_money,
    mig_in, mig_out, demand_now, supply, demand_history, choice_counts, no_slack,
    firm_is_brown,
):  # fmt: skip
    """Phases 2 to 10 of a month (``simulation.phases``, after ``begin`` and
    ``drivers``' paths). ``context`` (``phases.shared_context``): the parameter groups
    as plain tuples (``phases.kernel_parts``), named here ``pf`` (``Params.firms``),
    ``pa`` (appr), ``pm`` (match), ``pp`` (providers), ``pch`` (choices), ``pco``
    (courses), ``ped`` (education), ``pd`` (demography), ``pc`` (costs) (the skills',
    separations' and wages' are named where their loops run: ``matching.share``); the
    populations' arrays as plain tuples (``as_tuple``), named ``w``, ``f``, ``pr``
    (``WorkerArrays`` and the like); the certificate bonus, the regions' wage levels and
    minimum wages, travel costs, the sectors' skill profiles, the cells of openings and
    the buffers (``matching.SharedScratch``) of the loops shared with the helper thread
    of ``box`` (``kernels.duo``), if it has one: the firms' shocks, targets and slots,
    the skill update, the wages, the selection passes and the matching rounds' draws,
    grouping by firm, scores, rankings, choices and a jobs round's hires
    (``matching.share``, ``matching.picks``). (The dispatcher types plain tuples several
    times faster than named ones.) ``keys``: the month's stream keys. Returns
    (unemployed and employed at the month's start, the poaching rate and the slot ratio
    firms and school leavers act on next month)."""
    parts, arrays, _, wage_level, min_wage, _, sector_profile, cells, scratch = context
    cell_open, cell_ptr, cell_firms, cell_cum = cells
    pf, pa, pm, pp, pch, pco, ped, pd, pc = (
        FirmParams(*parts[0]), ApprParams(*parts[1]), MatchParams(*parts[3]),
        ProviderParams(*parts[5]), ChoiceParams(*parts[6]), CourseParams(*parts[7]),
        EducationParams(*parts[8]), DemographyParams(*parts[9]), CostParams(*parts[11]),
    )  # fmt: skip
    w, f, pr = WorkerArrays(*arrays[0]), FirmArrays(*arrays[1]), ProviderArrays(*arrays[2])
    n = w.status.shape[0]
    n_regions = wage_level.shape[0]
    shared = matching.SharedScratch(*scratch)
    stamps = shared.stamps
    stamps[0] = cycles()
    picked = shared.picked  # the rows a selection pass picks (matching.picks)
    for t in range(keys.shape[0]):  # (the passes' keys and numbers, for the helper too)
        shared.keys[t] = keys[t]
    shared.numbers[0] = return_hazard
    shared.numbers[1] = poach_rate

    # begin
    flows[:] = 0
    spend[:] = 0.0
    appr_money[:] = 0.0
    mig_in[:] = 0
    mig_out[:] = 0
    unemployed_before = 0
    employed_before = 0
    for i in range(n):
        if w.status[i] == Status.UNEMPLOYED:
            unemployed_before += 1
        elif w.status[i] == Status.EMPLOYED:
            employed_before += 1
    stamps[1] = cycles()

    # 2. firm demand
    n_firms = f.alive.shape[0]
    matching.share(box, matching.SHARED_SHOCKS, n_firms, matching.SHARED_FIRMS, 0, 0, 0, 0,
                   context)  # fmt: skip
    firms.desired_firm_counts(log_demand, pf.entry_elasticity, initial_firms, desired)
    flows[Flow.FIRM_EXITS] += firms.exit_firms(
        month, keys[FIRM_EXIT], desired, carbon_burden, pf.carbon_exit_sensitivity, f.alive,
        f.sector, f.region, f.productivity, f.exit_month,
    )  # fmt: skip
    flows[Flow.FIRM_ENTRIES] += firms.enter_firms(
        month, keys[FIRM_ENTRY], desired, pf.avg_size, pf.size_sigma, sector_productivity,
        sector_profile, pf.req_noise, pa.contribution_sd, provider_start, providers_per_region,
        f.alive, f.sector, f.region, f.base_size, f.shock, f.productivity, f.req, f.headcount,
        f.apprentices, f.entry_month, f.exit_month, f.provider, f.train_cost, f.train_benefit,
        f.appr_started, f.appr_extra,
    )  # fmt: skip
    # (the firms' targets, and their requirement sums for phase 6: the month's firms
    # and their requirements are known once the entrants are in)
    matching.share(box, matching.SHARED_TARGETS, n_firms, matching.SHARED_FIRMS, 0, 0, 0, 0,
                   context)  # fmt: skip
    firms.post_vacancies(
        f.alive, f.target, f.headcount, pf.layoff_band, f.vacancies, f.layoff_quota,
        f.vac_age, f.vac_apps, f.vac_qualified,
    )  # fmt: skip

    stamps[2] = cycles()

    # 3. apprenticeship supply
    matching.share(box, matching.SHARED_SLOTS, n_firms, matching.SHARED_FIRMS, 0, 0, 0, 0,
                   context)  # fmt: skip
    flows[Flow.SLOTS_OFFERED] += f.slots.sum()
    stamps[3] = cycles()

    # 4. providers
    training.skill_demand(
        f.alive, f.vacancies, f.target, f.req, w.status, w.skills, supply, demand_now
    )
    demand_history[now_row] = demand_now
    training.set_seats(
        pr.base_seats, pr.base_course_seats, pr.region, region_urban, pp.capacity_multiplier,
        rural_extra, pr.seats, pr.course_seats,
    )  # fmt: skip
    if planning:
        training.plan_curricula(
            keys[FORECAST], demand_history[lag_row], foresight, pp.noise_sd, pp.core_share,
            pp.green_share, green_domain, pp.adjust, pr.mix,
        )  # fmt: skip
    training.curriculum_relevance(pr.mix, demand_now, pr.relevance)
    stamps[4] = cycles()

    # 5. education choices
    choice_counts[:] = 0
    choices.school_leaver_choices(
        keys[CHOICE], month, pch, slot_ratio, w.status, w.region, w.rural, w.ability,
        w.date_entry, w.programme, w.provider, w.months_left, w.seeking_appr, w.spell,
        pr.region, pr.seats, pr.enrolled, pr.relevance, travel_train, choice_counts,
    )  # fmt: skip
    for c in range(choice_counts.shape[0]):
        flows[Flow.CHOSE_APPRENTICESHIP + c] += choice_counts[c]
    flows[Flow.TVET_ENROLMENTS] += choice_counts[1]
    flows[Flow.TERTIARY_ENROLMENTS] += choice_counts[3]
    enrolled, with_voucher = choices.enrol_courses(
        keys[LLL], pco, w.status, w.age, w.region, w.spell, w.seeking_appr, w.displaced,
        region_urban, w.programme, w.provider, w.months_left, pr.region, pr.course_seats,
        pr.course_enrolled, travel_train,
    )  # fmt: skip
    flows[Flow.COURSE_ENROLMENTS] += enrolled
    flows[Flow.VOUCHER_ENROLMENTS] += with_voucher
    stamps[5] = cycles()

    # 6. skills, and the month's running costs with the seats as learners use them
    # (``phases.running_costs``)
    matching.share(box, matching.SHARED_SKILLS, n, matching.SHARED_ROWS, 0, 0, 0, 0, context)
    accounting.programme_costs(
        pc, pr.region, region_urban, pr.base_seats, pr.base_course_seats, pr.seats,
        pr.course_seats, pr.enrolled, pr.course_enrolled, f.apprentices, spend,
    )  # fmt: skip
    stamps[6] = cycles()

    # 7. search and matching: slots, then jobs (``phases._match``)
    matching.age_vacancies(f.alive, f.vacancies, f.vac_age)
    for mode in (matching.SLOTS, matching.JOBS):
        if mode == matching.SLOTS:
            k = matching.picks(box, matching.PICK_SLOT_SEEKERS, n, context)
            openings, market, apply_key = f.slots, no_slack, keys[SLOT_APPLY]
        else:
            k = matching.picks(box, matching.PICK_JOB_SEEKERS, n, context)
            openings = f.vacancies
            market = matching.slack_among(  # (every unemployed worker seeks a job)
                picked[:k], w.status, w.region, f.alive, f.region, f.vacancies, n_regions
            )
            apply_key = keys[APPLY]
        if k == 0:
            continue
        matching.hiring_thresholds(
            mode, pm, f.alive, f.region, f.vac_age, market, shared.thresholds
        )
        matching.rounds_in_one_call(
            mode, month, apply_key, keys[SCREEN], pm.rounds, pm, picked, k, n_regions, openings,
            cell_open, cell_ptr, cell_firms, cell_cum, box, context, w.status, w.region,
            w.skills, w.employer, w.gap_under, w.gap_over, w.tenure, w.spell, w.months_left,
            w.provider, w.appr_state, w.appr_firm, w.appr_duration, w.appr_entitlement,
            w.appr_advance, w.retained, w.poached, w.seeking_appr, w.date_entry,
            w.date_first_job, w.date_appr_start, w.date_appr_end, f.alive, f.sector, f.region,
            f.provider, f.headcount, f.apprentices, f.vac_age, f.vac_apps, f.vac_qualified,
            f.train_benefit, f.appr_started, mig_in, mig_out, flows, spend, keys[TRAINING_END],
            w.programme, w.education, w.cert, pr.enrolled, pr.relevance,
        )  # fmt: skip

    stamps[7] = cycles()

    # 8. separations
    for j in range(f.alive.shape[0]):
        firm_is_brown[j] = 1 if sector_kind[f.sector[j]] == BROWN else 0
    c = matching.picks(box, matching.PICK_SEPARATIONS, n, context)
    separations.release(
        month, picked[:c], w.status, w.employer, w.gap_under, w.wage, w.tenure, w.spell,
        w.provider, w.appr_state, w.displaced, w.date_displaced, f.alive, firm_is_brown,
        f.layoff_quota, f.headcount, f.apprentices, flows,
    )  # fmt: skip
    separations.leave(
        picked[:c], w.status, w.employer, w.wage, w.tenure, w.spell, w.provider, f.headcount,
        flows,
    )  # fmt: skip
    apprenticeship.training_accounts(
        pa, w.status, w.employer, w.months_left, w.appr_duration, f.region, f.productivity,
        f.appr_extra, wage_level, min_wage, f.train_cost, f.train_benefit, w.appr_net,
        appr_money,
    )  # fmt: skip
    separations.apprenticeship_progress(
        keys[DROPOUT], keys[COMPLETION], month, pa, w.status, w.employer, w.gap_under, w.wage,
        w.tenure, w.spell, w.provider, w.months_left, w.appr_state, w.appr_duration,
        w.appr_entitlement, w.appr_advance, w.appr_net, w.retained, w.cert, w.education,
        w.date_appr_start, w.date_appr_end, f.alive, f.region, f.productivity, wage_level,
        f.headcount, f.apprentices, f.train_benefit, flows, spend,
    )  # fmt: skip
    separations.education_progress(
        keys[TRAINING_END], month, ped, w.status, w.programme, w.provider, w.months_left,
        w.cert, w.education, w.date_entry, w.spell, pr.enrolled, pr.course_enrolled,
        pr.relevance, flows, spend,
    )  # fmt: skip

    stamps[8] = cycles()

    # 9. demography
    c = matching.picks(box, matching.PICK_DEMOGRAPHY, n, context)
    demography.book_rows(
        picked[:c], w.status, w.employer, w.provider, w.programme, w.spell, w.months_left,
        w.region, w.origin, f.headcount, f.apprentices, pr.enrolled, pr.course_enrolled, mig_in,
        mig_out, flows,
    )  # fmt: skip
    if cohort:
        rows = demography.cohort_rows(w.status, entrants)
        demography.enter_rows(
            0, rows.shape[0], rows, keys[ENTRANT], pd, region_cum, region_rural_share,
            region_urban, home_cum, field_cum, sector_profile, w.status, w.age, w.region,
            w.origin, w.rural, w.education, w.ability, w.skills, w.employer, w.gap_under,
            w.gap_over, w.wage, w.tenure, w.spell, w.months_left, w.provider, w.programme,
            w.cert, w.appr_state, w.appr_firm, w.appr_duration, w.appr_entitlement,
            w.appr_advance, w.appr_net, w.retained, w.poached, w.seeking_appr, w.displaced,
            w.date_entry, w.date_first_job, w.date_appr_start, w.date_appr_end,
            w.date_displaced,
        )  # fmt: skip
        flows[Flow.ENTRANTS] += rows.shape[0]
        flows[Flow.ENTRANTS_TURNED_AWAY] += entrants - rows.shape[0]

    stamps[9] = cycles()

    # 10. accounts
    matching.share(box, matching.SHARED_WAGES, n, matching.SHARED_ROWS, 0, 0, 0, 0, context)
    flow_history[flow_row] = flows
    rolling = np.zeros(flows.shape[0], dtype=np.int64)
    for t in range(flow_history.shape[0]):
        for j in range(flows.shape[0]):
            rolling[j] += flow_history[t, j]
    retained = rolling[Flow.APPR_RETAINED]
    poach_rate = lesser(rolling[Flow.APPR_POACHED] / retained, 1.0) if retained > 0 else 0.0
    seekers = max(rolling[Flow.CHOSE_APPRENTICESHIP], 1)
    slot_ratio = lesser(rolling[Flow.APPR_STARTS] / seekers, 1.0)
    stamps[10] = cycles()
    return float(unemployed_before), float(employed_before), poach_rate, slot_ratio


@njit(cache=True, nogil=True)
def clock():
    """The processor's clock now (``scalar.cycles``): read around ``advance`` to turn its
    stamps into seconds."""
    return cycles()


_keyed = key_caches_on_sources(globals())  # last: every kernel above
