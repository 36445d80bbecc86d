"""The ten phases of a month: each wires the model's arrays into its kernels.

``SkillsModel.step`` calls these in order. Each phase is a handful of kernel calls with
named arrays in (STYLE.md: the wrapper passes arrays, the kernel computes). ``m`` is
the model (its ``workers``, ``firms``, ``providers``, ``world`` and work buffers), ``p``
the kernel parameters of the month (the status quo during the burn-in), ``month`` the
month being simulated (negative during the burn-in).
"""

from __future__ import annotations

import time

import numpy as np

from simulation import params
from simulation.kernels import (
    accounting,
    apprenticeship,
    choices,
    demand,
    demography,
    duo,
    firms,
    matching,
    parallel,
    separations,
    skills,
    training,
)
from simulation.kernels import month as month_kernels
from simulation.rng import KEY_TABLE, Stream, key, month_keys
from simulation.state import Flow, SectorKind, Status

HISTORY = 64  # months of skill-demand history kept for lagged forecasts


def stream_key(m, stream: Stream) -> np.uint64:
    return key(m.seed_value, m.clock, int(stream))


def begin(m) -> None:
    """Reset the month's counters; remember stocks that rates are taken over."""
    m.flows[:] = 0
    m.spend[:] = 0.0
    m.appr_money[:] = 0.0
    m.mig_in[:] = 0
    m.mig_out[:] = 0
    # (``.value``: NumPy compares an int8 array with an IntEnum member by first making
    # the whole array int64, several times slower than with a plain int.)
    m.unemployed_before = float(np.count_nonzero(m.workers.status == Status.UNEMPLOYED.value))
    m.employed_before = float(np.count_nonzero(m.workers.status == Status.EMPLOYED.value))


def drivers(m, p: params.Params, month: int) -> None:
    """1. Scenario paths: sector demand by region, carbon cost, rural access. (The
    month's rows of ``ScenarioPaths``, computed ahead.)"""
    t = max(month, 0)  # drivers are frozen during the burn-in
    log_demand, carbon_burden, travel, travel_train, m.rural_phase = scenario_paths(m, p).at(t)
    np.copyto(m.log_demand, log_demand)
    np.copyto(m.carbon_burden, carbon_burden)
    np.copyto(m.travel, travel)
    np.copyto(m.travel_train, travel_train)


PATH_MONTHS = 12  # months of a ScenarioPaths computed at a time
PLANNING_MONTHS = 3  # providers plan their curricula every third month (phase 4)


class ScenarioPaths:
    """What a month takes from the scenario and the calendar alone, under parameters
    ``params``, month by month: phase 1's sector demand by region (log, carbon cost
    included), carbon burden, travel costs (to jobs, and to training, which mobile and
    rural training cut) and rural revitalization's phase-in (``drivers``), and the skill
    demand the demand paths imply (``foresight_delta``).

    None of it depends on the agents. At the first month asked for, the months up to
    ``until`` (a run's horizon) are computed, later ones ``PATH_MONTHS`` at a time, by
    the per-month functions below (so the values are the same bit for bit as month by
    month); a month then copies its rows. Computed month by month between the kernels,
    whose data had just pushed the interpreter's out of the caches, the same twenty-odd
    NumPy operations took some 60 us of a 20,000-worker month of 2.6 ms (BENCHMARKS.md)."""

    def __init__(self, world, p: params.Params, until: int = 0):
        self.world = world
        self.params = p
        self.until = until
        self._months: dict[int, tuple] = {}
        self._skill_demand: dict[int, np.ndarray] = {}
        self._foresight: dict[int, np.ndarray] = {}

    def at(self, t: int) -> tuple:
        """(log demand, carbon burden, travel, travel to training, rural phase) at month
        ``t`` (0 or later)."""
        found = self._months.get(t)
        if found is None:
            for u in range(t, max(t + PATH_MONTHS, self.until)):
                if u not in self._months:
                    self._months[u] = self._month(u)
            found = self._months[t]
        return found

    def foresight(self, t: int) -> np.ndarray:
        """The projected change of skill demand shares from month ``t`` over the
        foresight horizon (``foresight_delta``; a horizon of at least one month). Computed
        for the planning months ahead as ``at`` computes its months (every
        ``PLANNING_MONTHS``-th from ``t`` on)."""
        found = self._foresight.get(t)
        if found is None:
            horizon = self.params.providers.foresight
            for u in range(t, max(t + PATH_MONTHS, self.until), PLANNING_MONTHS):
                if u not in self._foresight:
                    self._foresight[u] = self.skill_demand(u + horizon) - self.skill_demand(u)
            found = self._foresight[t]
        return found

    def skill_demand(self, t: int) -> np.ndarray:
        """Skill demand shares implied by the demand paths at month ``t``
        (``skill_demand_of``)."""
        found = self._skill_demand.get(t)
        if found is None:
            found = self._skill_demand[t] = skill_demand_of(self.world, self.at(t)[0])
        return found

    def _month(self, t: int) -> tuple:
        world, p = self.world, self.params
        log_demand = np.empty((world.n_sectors, world.n_regions))
        carbon_burden = np.empty(world.n_sectors)
        scenario_log_demand(world, p, t, log_demand, carbon_burden)
        travel = np.empty_like(world.travel)
        demand.effective_travel(t, world.travel, world.region_urban, *p.rural_access, travel)
        travel_train = travel * (1.0 - p.providers.rural_travel_cut * world.rural_pair)
        # Rural revitalization phases in over the same months as rural access.
        rural_phase = min(t / p.rural_access[1], 1.0)
        return log_demand, carbon_burden, travel, travel_train, rural_phase


def scenario_paths(m, p: params.Params) -> ScenarioPaths:
    """``m``'s ``ScenarioPaths`` under ``p`` (made at its first use: a model keeps one
    for the status quo of the burn-in, whose drivers are frozen at month 0, and one for
    its policy, computed up to its horizon at the first policy month)."""
    kept = m.scenario_paths
    for paths in kept:
        if paths.params is p:
            return paths
    paths = ScenarioPaths(m.world, p, until=m.months + 1 if p is m.params else 0)
    kept.append(paths)
    del kept[:-4]  # (a model has two; more only if its parameters are replaced)
    return paths


def firm_demand(m, p: params.Params, month: int) -> None:
    """2. Shocks, exit and entry, target sizes, vacancies and layoff quotas."""
    f, world, pf = m.firms, m.world, p.firms
    firms.update_shocks(
        stream_key(m, Stream.FIRM_SHOCK), f.alive, f.shock, pf.shock_persistence, pf.shock_sd,
        workers=m.workers.status.shape[0],
    )  # fmt: skip
    firms.desired_firm_counts(m.log_demand, pf.entry_elasticity, world.initial_firms, m.desired)
    m.flows[Flow.FIRM_EXITS] += firms.exit_firms(
        month, stream_key(m, Stream.FIRM_EXIT), m.desired, m.carbon_burden,
        pf.carbon_exit_sensitivity, f.alive, f.sector, f.region, f.productivity, f.exit_month,
    )  # fmt: skip
    m.flows[Flow.FIRM_ENTRIES] += firms.enter_firms(
        month, stream_key(m, Stream.FIRM_ENTRY), m.desired, pf.avg_size, pf.size_sigma,
        world.sector_productivity, world.sector_profile, pf.req_noise, p.appr.contribution_sd,
        m.provider_start, m.providers_per_region, f.alive, f.sector, f.region, f.base_size,
        f.shock, f.productivity, f.req, f.headcount, f.apprentices, f.entry_month,
        f.exit_month, f.provider, f.train_cost, f.train_benefit, f.appr_started, f.appr_extra,
    )  # fmt: skip
    firms.set_targets(
        m.log_demand, pf.entry_elasticity, f.alive, f.sector, f.region, f.base_size, f.shock,
        f.target, workers=m.workers.status.shape[0],
    )  # fmt: skip
    firms.post_vacancies(
        f.alive, f.target, f.headcount, pf.layoff_band, f.vacancies, f.layoff_quota,
        f.vac_age, f.vac_apps, f.vac_qualified,
    )  # fmt: skip


def apprenticeship_supply(m, p: params.Params) -> None:
    """3. Each firm's expected net benefit of an apprentice, and its slots."""
    f, world = m.firms, m.world
    apprenticeship.offer_slots(
        p.appr, m.poach_rate, f.alive, f.region, f.headcount, f.apprentices, f.productivity,
        f.appr_extra, world.wage_level, world.min_wage, f.net_benefit, f.slots,
        workers=m.workers.status.shape[0],
    )  # fmt: skip
    m.flows[Flow.SLOTS_OFFERED] += f.slots.sum()


def providers(m, p: params.Params, month: int) -> None:
    """4. Skill-shortage signal, seats, quarterly curriculum planning, relevance."""
    w, f, pr, world, pp = m.workers, m.firms, m.providers, m.world, p.providers
    training.skill_demand(
        f.alive, f.vacancies, f.target, f.req, w.status, w.skills, m.supply, m.demand_now
    )
    m.demand_history[m.clock % HISTORY] = m.demand_now
    training.set_seats(
        pr.base_seats, pr.base_course_seats, pr.region, world.region_urban,
        pp.capacity_multiplier, rural_seat_extra(m, p), pr.seats, pr.course_seats,
    )  # fmt: skip
    if month % PLANNING_MONTHS == 0:
        lagged = m.demand_history[max(m.clock - pp.lag, 0) % HISTORY]
        training.plan_curricula(
            stream_key(m, Stream.FORECAST), lagged, foresight_delta(m, p, max(month, 0)),
            pp.noise_sd, pp.core_share, pp.green_share, params.GREEN_DOMAIN, pp.adjust, pr.mix,
        )  # fmt: skip
    training.curriculum_relevance(pr.mix, m.demand_now, pr.relevance)


def education_choices(m, p: params.Params, month: int) -> None:
    """5. School leavers choose a path; unemployed adults enrol in courses."""
    w, pr, world = m.workers, m.providers, m.world
    counts = m.choice_counts
    counts[:] = 0
    choices.school_leaver_choices(
        stream_key(m, Stream.CHOICE), month, p.choices, m.slot_ratio, w.status, w.region, w.rural,
        w.ability, w.date_entry, w.programme, w.provider, w.months_left, w.seeking_appr,
        w.spell, pr.region, pr.seats, pr.enrolled, pr.relevance, m.travel_train, counts,
    )  # fmt: skip
    m.flows[Flow.CHOSE_APPRENTICESHIP : Flow.CHOSE_TERTIARY + 1] += counts
    m.flows[Flow.TVET_ENROLMENTS] += counts[1]
    m.flows[Flow.TERTIARY_ENROLMENTS] += counts[3]
    enrolled, with_voucher = choices.enrol_courses(
        stream_key(m, Stream.LLL), p.courses, w.status, w.age, w.region, w.spell, w.seeking_appr,
        w.displaced, world.region_urban, w.programme, w.provider, w.months_left, pr.region,
        pr.course_seats, pr.course_enrolled, m.travel_train,
    )  # fmt: skip
    m.flows[Flow.COURSE_ENROLMENTS] += enrolled
    m.flows[Flow.VOUCHER_ENROLMENTS] += with_voucher


def skill_change(m, p: params.Params) -> None:
    """6. Learning on the job, in training and apprenticeships; depreciation. The
    month's running costs of public programmes are booked here, with the seats as the
    learners use them (``running_costs``)."""
    w, f, pr = m.workers, m.firms, m.providers
    skills.update_skills(
        p.skills, w.status, w.employer, w.provider, w.ability, w.skills, f.req, pr.mix,
        pr.quality, pr.relevance, w.gap_under, w.gap_over,
    )  # fmt: skip
    running_costs(m, p)


def running_costs(m, p: params.Params) -> None:
    """The month's running costs of public programmes: every TVET and course seat a
    learner used this month (counted as they learn, phase 6), the public share of the
    apprentices' time off the job (0 as shipped), the rural access policy's capacity,
    the anticipation system and the curricula. Counted in phase 10, after the
    programmes that end this month (phase 8) had given up their seats, a 24-month TVET
    programme was paid for 23 months and a 4-month course for 3 (an outside audit)."""
    pr, f, world = m.providers, m.firms, m.world
    accounting.programme_costs(
        p.costs, pr.region, world.region_urban, pr.base_seats, pr.base_course_seats, pr.seats,
        pr.course_seats, pr.enrolled, pr.course_enrolled, f.apprentices, m.spend,
    )  # fmt: skip


def search_and_matching(m, p: params.Params, month: int) -> None:
    """7. Apprenticeship slots are matched first, then jobs."""
    matching.age_vacancies(m.firms.alive, m.firms.vacancies, m.firms.vac_age)
    _match(m, matching.SLOTS, p, month)
    _match(m, matching.JOBS, p, month)


def separations_and_lifecycle(m, p: params.Params, month: int) -> None:
    """8. Layoffs and exits, quits, the apprentices' month, programme ends."""
    w, f, pr, world = m.workers, m.firms, m.providers, m.world
    m.firm_is_brown[:] = world.sector_kind[f.sector] == SectorKind.BROWN.value
    separations.layoffs_and_quits(
        month, stream_key(m, Stream.QUIT), p.separation, w.status, w.employer, w.gap_under,
        w.gap_over, w.wage, w.tenure, w.spell, w.provider, w.appr_state, w.displaced,
        w.date_displaced, f.alive, m.firm_is_brown, f.layoff_quota, f.headcount, f.apprentices,
        m.flows,
    )  # fmt: skip
    apprenticeship.training_accounts(
        p.appr, w.status, w.employer, w.months_left, w.appr_duration, f.region, f.productivity,
        f.appr_extra, world.wage_level, world.min_wage, f.train_cost, f.train_benefit, w.appr_net,
        m.appr_money,
    )  # fmt: skip
    separations.apprenticeship_progress(
        stream_key(m, Stream.DROPOUT), stream_key(m, Stream.COMPLETION), month, p.appr, w.status,
        w.employer, w.gap_under, w.wage, w.tenure, w.spell, w.provider, w.months_left,
        w.appr_state, w.appr_duration, w.appr_entitlement, w.appr_advance, w.appr_net, w.retained,
        w.cert, w.education, w.date_appr_start, w.date_appr_end, f.alive, f.region, f.productivity,
        world.wage_level,
        f.headcount, f.apprentices, f.train_benefit, m.flows, m.spend,
    )  # fmt: skip
    separations.education_progress(
        stream_key(m, Stream.TRAINING_END), month, p.education, w.status, w.programme, w.provider,
        w.months_left, w.cert, w.education, w.date_entry, w.spell, pr.enrolled,
        pr.course_enrolled, pr.relevance, m.flows, m.spend,
    )  # fmt: skip


def demographic_change(m, p: params.Params, month: int) -> None:
    """9. Ageing and retirement, inactivity, return migration, school-leaver cohorts."""
    w, f, pr, world, pd = m.workers, m.firms, m.providers, m.world, p.demography
    demography.age_leave_return(
        pd, stream_key(m, Stream.INACTIVITY), stream_key(m, Stream.MIGRATION),
        return_hazard(m, p), w.status, w.age, w.employer, w.provider, w.programme, w.spell,
        w.tenure, w.months_left, w.seeking_appr, w.region, w.origin, w.rural, f.headcount, f.apprentices,
        pr.enrolled, pr.course_enrolled, m.mig_in, m.mig_out, m.flows,
    )  # fmt: skip
    if month % 12 == pd.cohort_month:
        entrants = round(pd.cohort_share_per_year * m.config.workers)
        region_cum, home_cum, field_cum = _cohort_tables(m)
        demography.enter_cohort(
            stream_key(m, Stream.ENTRANT), entrants, pd, region_cum, world.region_rural_share,
            world.region_urban, home_cum, field_cum, world.sector_profile, w.status, w.age,
            w.region, w.origin, w.rural, w.education, w.ability, w.skills, w.employer,
            w.gap_under, w.gap_over, w.wage, w.tenure, w.spell, w.months_left, w.provider,
            w.programme, w.cert, w.appr_state, w.appr_firm, w.appr_duration,
            w.appr_entitlement, w.appr_advance, w.appr_net, w.retained, w.poached,
            w.seeking_appr, w.displaced, w.date_entry, w.date_first_job, w.date_appr_start,
            w.date_appr_end, w.date_displaced, m.flows,
        )  # fmt: skip


def accounts(m, p: params.Params) -> None:
    """10. Wages; lagged feedback signals (the running costs of public programmes are
    booked in phase 6: ``running_costs``)."""
    set_wages(m, p)
    # Signals agents act on next month, from the last 12 months: the poaching rate firms
    # expect (poached / retained, at most 1) and school leavers' chance of a slot
    # (apprenticeship starts / leavers who chose apprenticeship, at most 1).
    m.flow_history[m.clock % 12] = m.flows
    rolling = m.flow_history.sum(0)
    retained = rolling[Flow.APPR_RETAINED]
    m.poach_rate = min(rolling[Flow.APPR_POACHED] / retained, 1.0) if retained > 0 else 0.0
    seekers = max(rolling[Flow.CHOSE_APPRENTICESHIP], 1)
    m.slot_ratio = min(rolling[Flow.APPR_STARTS] / seekers, 1.0)


def set_wages(m, p: params.Params) -> None:
    w, f, world = m.workers, m.firms, m.world
    accounting.set_wages(
        p.wages, w.status, w.employer, w.region, w.gap_under, w.tenure, w.cert, f.productivity,
        world.wage_level, world.min_wage, w.wage,
    )  # fmt: skip


def whole_month(m, p: params.Params, month: int) -> None:
    """The month with ``begin`` and phases 2 to 10 in one compiled call
    (``kernels.month.advance``: the same kernels in the same order, for models below
    ``month.WHOLE_MONTH_BELOW`` worker rows). What the call takes from the scenario and
    the calendar is computed here first: phase 1, the foresight projection, the
    cohort's size, the month's stream keys and rows of the history tables. The month's
    larger loops are shared with a helper thread started for the month
    (``kernels.duo``), in models large enough to pay for it and with two threads or
    more. Profiled (``m.timer``), the call's parts are timed by the stamps it leaves
    (``month.PHASES``; ``_time_phases``)."""
    w, world, pp, pd = m.workers, m.world, p.providers, p.demography
    with m.timer("1 drivers"):
        drivers(m, p, month)
    if m.timer.enabled:
        started = time.perf_counter(), month_kernels.clock()
    planning = month % PLANNING_MONTHS == 0
    foresight = foresight_delta(m, p, max(month, 0)) if planning else m.demand_now
    cohort = month % 12 == pd.cohort_month
    entrants = round(pd.cohort_share_per_year * m.config.workers) if cohort else 0
    region_cum, home_cum, field_cum = _cohort_tables(m)
    context = shared_context(m, p)
    box, helper = duo.start(matching.assist, context, w.status.shape[0])
    try:
        (
            m.unemployed_before,
            m.employed_before,
            m.poach_rate,
            m.slot_ratio,
        ) = month_kernels.advance(
            month, month_keys(m.seed_value, m.clock), m.clock % HISTORY,
            max(m.clock - pp.lag, 0) % HISTORY, m.clock % 12, planning, params.GREEN_DOMAIN,
            cohort, entrants, foresight, rural_seat_extra(m, p), return_hazard(m, p),
            m.poach_rate, m.slot_ratio, box, context, world.region_urban,
            world.region_rural_share, world.sector_kind, world.sector_productivity,
            world.initial_firms, region_cum, home_cum, field_cum, m.provider_start,
            m.providers_per_region, m.log_demand, m.carbon_burden, m.travel_train, m.desired,
            m.flows, m.flow_history, m.spend, m.appr_money, m.mig_in, m.mig_out, m.demand_now,
            m.supply, m.demand_history, m.choice_counts, m.no_slack, m.firm_is_brown,
        )  # fmt: skip
    finally:
        duo.stop(box, helper)
    if m.timer.enabled:
        _time_phases(m, *started)


def _time_phases(m, t0: float, c0: int) -> None:
    """Add to ``m.timer`` the seconds of each part of the month in one call that has
    just ended, from the processor's clock at each part's end (``month.PHASES``, stamped
    in ``SharedScratch.stamps``), turned into seconds by the clock's ticks and the
    seconds since ``t0`` and ``c0`` (read just before the call was prepared). What ran
    outside the call's stamps (preparing it in Python, the helper's start and stop)
    counts to "begin", as the Python of each phase counts to its phase phase by
    phase."""
    c1, t1 = month_kernels.clock(), time.perf_counter()
    seconds_per_tick = (t1 - t0) / max(c1 - c0, 1)
    stamps = matching.SharedScratch(*m.shared_scratch).stamps
    parts = np.diff(stamps) * seconds_per_tick
    outside = (t1 - t0) - parts.sum()
    for name, seconds in zip(month_kernels.PHASES, parts, strict=True):
        m.timer.add(name, float(seconds) + (outside if name == "begin" else 0.0))


# The model's buffers that the month's helper thread counts into too (``SharedScratch``).
MODEL_BUFFERS = ("flows", "mig_in", "mig_out", "spend")


def shared_context(m, p: params.Params) -> tuple:
    """What the loops of a month in one call that it shares with a helper thread
    read and write (``matching.shared_piece``; ``kernels.month.advance`` and
    ``matching.rounds_in_one_call`` take the rest of their arrays from it too): the
    parameter groups (``kernel_parts``), the populations' arrays (``as_tuple``), the
    certificate bonus, the regions' wage levels and minimum wages, travel costs, the
    sectors' skill profiles, the cells of openings, and the model's buffers for the
    shared loops (``matching.SharedScratch``, kept as a plain tuple in
    ``m.shared_scratch``: numba's dispatcher types it faster)."""
    w, f, pr, world = m.workers, m.firms, m.providers, m.world
    rows, per_searcher, firm_rows = w.status.shape[0], p.match.applications, f.req.shape[0]
    s = None if m.shared_scratch is None else matching.SharedScratch(*m.shared_scratch)
    if (
        s is None
        or s.apps.shape != (rows, per_searcher)
        or s.req_sums.shape[0] != firm_rows
        or s.thresholds is not m.thresholds  # (the model's own buffers, if replaced)
        or s.slot_apps is not m.slot_apps_scratch
        or s.log_demand is not m.log_demand
        or any(getattr(s, name) is not getattr(m, name) for name in MODEL_BUFFERS)
    ):
        m.shared_scratch = tuple(
            matching.SharedScratch(
                req_sums=np.empty((firm_rows, 2)),
                selected=np.empty(rows, dtype=np.int64),
                factors=np.empty((rows, world.sector_profile.shape[0])),
                factor_rows=np.empty(rows, dtype=np.int64),
                apps=np.empty((rows, per_searcher), dtype=np.int64),
                offers=np.empty((rows, per_searcher), dtype=np.int8),
                score=np.empty((rows, per_searcher)),
                chosen=np.empty(rows, dtype=np.int64),
                gaps=np.empty((rows, 2)),
                apply_key=np.zeros(1, dtype=np.uint64),
                picked=np.empty(rows, dtype=np.int64),
                counts=np.zeros(duo.MOST_PIECES, dtype=np.int64),
                keys=np.zeros(KEY_TABLE, dtype=np.uint64),
                numbers=np.zeros(2),
                thresholds=m.thresholds,
                slot_apps=m.slot_apps_scratch,
                slot_qualified=m.slot_qualified_scratch,
                log_demand=m.log_demand,
                by_firm=np.empty(firm_rows + 1, dtype=np.int64),
                firms=np.empty(firm_rows, dtype=np.int64),
                app_keys=np.empty(rows * per_searcher),
                app_order=np.empty(rows * per_searcher, dtype=np.int64),
                given_by=np.empty(firm_rows, dtype=np.int64),
                stamps=np.zeros(month_kernels.STAMPS, dtype=np.int64),
                piece_places=np.empty((duo.MOST_PIECES, firm_rows), dtype=np.int64),
                hired=np.zeros(rows, dtype=np.int8),
                flows=m.flows,
                mig_in=m.mig_in,
                mig_out=m.mig_out,
                spend=m.spend,
            )
        )
    return (
        kernel_parts(p), (w.as_tuple(), f.as_tuple(), pr.as_tuple()), p.cert_bonus,
        world.wage_level, world.min_wage, m.travel, world.sector_profile,
        (m.cell_open, m.cell_ptr, m.cell_firms, m.cell_cum), m.shared_scratch,
    )  # fmt: skip


def kernel_parts(p: params.Params) -> tuple:
    """The twelve parameter groups ``kernels.month.advance`` takes, as plain tuples (it
    names them): numba's dispatcher types the twelve named tuples in ~13 us a call,
    plain ones in ~2."""
    return tuple(
        tuple(x) for x in (p.firms, p.appr, p.skills, p.match, p.separation, p.providers,
        p.choices, p.courses, p.education, p.demography, p.wages, p.costs)
    )  # fmt: skip


def rural_seat_extra(m, p: params.Params) -> float:
    """Extra seats in rural providers this month (a share of their base seats): the
    policy's, and the scenario's rural revitalization as it phases in."""
    return p.providers.rural_policy_extra + p.rural_capacity_gain * m.rural_phase


def return_hazard(m, p: params.Params) -> float:
    """This month's hazard of return migration: rural revitalization raises it as it
    phases in."""
    return p.demography.return_rate * (1.0 + p.return_boost * m.rural_phase)


def _cohort_tables(m) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where school leavers are drawn from (``demography.enter_cohort``): the regions'
    cumulative population shares, rural homes' (``World.rural_home_cum``) and fields'
    (``World.field_cum``)."""
    tables = getattr(m, "cohort_tables", None)
    if tables is None:
        world = m.world
        cum = np.cumsum(world.region_share)
        tables = m.cohort_tables = (cum, world.rural_home_cum, world.field_cum)
    return tables


# ------------------------------------------------------------------- helpers


def _match(m, mode: int, p: params.Params, month: int) -> None:
    """Matching rounds for jobs or apprenticeship slots: searchers apply, firms offer,
    workers accept; the unmatched try again with fresh draws in the next round."""
    w, f, pr, world, pm = m.workers, m.firms, m.providers, m.world, p.match
    # (a final-year student hired ends its programme: its certificate's draw is the
    # month's programme-end draw, as if it had ended in phase 8)
    end_key = stream_key(m, Stream.TRAINING_END)
    if mode == matching.SLOTS:
        n = matching.select_slot_searchers(
            stream_key(m, Stream.SLOT_SEARCH),
            pm,
            w.status,
            w.age,
            w.cert,
            w.seeking_appr,
            m.searchers,
        )
        openings, apply_stream = f.slots, Stream.SLOT_APPLY
        # Slot applicants do not count toward the vacancy spell (skill-shortage metric).
        apps_seen, qualified_seen = m.slot_apps_scratch, m.slot_qualified_scratch
    else:
        n = matching.select_job_searchers(
            stream_key(m, Stream.SEARCH), pm, w.status, w.programme, w.months_left,
            w.gap_under, w.gap_over, m.searchers,
        )  # fmt: skip
        openings, apply_stream = f.vacancies, Stream.APPLY
        apps_seen, qualified_seen = f.vac_apps, f.vac_qualified
    if n == 0:
        return
    searchers = m.searchers[:n].copy()
    # Slot thresholds do not depend on the market's slack.
    market = m.no_slack if mode == matching.SLOTS else slack(m)
    matching.hiring_thresholds(mode, pm, f.alive, f.region, f.vac_age, market, m.thresholds)
    apply_key = stream_key(m, apply_stream)
    screen_key = stream_key(m, Stream.SCREEN)  # (firms' errors in judging job applications)
    rows = w.status.shape[0]
    if rows < matching.ONE_CALL_BELOW and parallel.in_one_piece(rows) and matching.one_call_ready():
        # A small model's rounds in one compiled call: the same kernels as the loop below
        # (a change to the loop goes there too; tests/test_determinism.py compares them).
        matching.rounds_in_one_call(
            mode, month, apply_key, screen_key, pm.rounds, pm, searchers, n, world.n_regions,
            openings, m.cell_open, m.cell_ptr, m.cell_firms, m.cell_cum, duo.new_box(),
            shared_context(m, p), w.status, w.region, w.skills,
            w.employer, w.gap_under, w.gap_over, w.tenure, w.spell, w.months_left,
            w.provider, w.appr_state, w.appr_firm, w.appr_duration, w.appr_entitlement,
            w.appr_advance, w.retained, w.poached, w.seeking_appr, w.date_entry,
            w.date_first_job, w.date_appr_start, w.date_appr_end, f.alive, f.sector, f.region,
            f.provider, f.headcount, f.apprentices, f.vac_age, f.vac_apps, f.vac_qualified,
            f.train_benefit, f.appr_started, m.mig_in, m.mig_out, m.flows, m.spend, end_key,
            w.programme, w.education, w.cert, pr.enrolled, pr.relevance,
        )  # fmt: skip
        return
    # The searchers' affinity factors, computed in the first round and read in the
    # next ones (skills do not change within the month's matching).
    factors = m.affinity_factors  # (a buffer kept from month to month: a city's is
    if factors.shape[0] < n:  # 50 MB, which would be mapped anew every month)
        factors = m.affinity_factors = np.empty((n + n // 4, world.sector_profile.shape[0]))
    factors = factors[:n]
    factor_rows = np.arange(n)  # searcher j's row of factors (matching.keep_unmatched)
    for rnd in range(pm.rounds):
        if searchers.size == 0 or openings.sum() == 0:
            break
        k = searchers.size
        apps, offers = matching.apply_and_offer(
            mode, apply_key, screen_key, rnd * 2 * pm.applications, pm, searchers, k,
            world.n_regions, p.cert_bonus, openings, m.thresholds, apps_seen, qualified_seen,
            m.cell_open, m.cell_ptr, m.cell_firms, m.cell_cum, w.skills, w.ability, w.cert,
            w.region, w.employer, f.alive, f.sector, f.region, f.req, m.travel,
            world.sector_profile, factors, rnd > 0, factor_rows,
        )  # fmt: skip
        hired = np.zeros(k, dtype=np.int8)
        matching.accept_offers(
            mode, month, pm, searchers, k, apps, offers, hired, w.status, w.region, w.skills,
            w.employer, w.gap_under, w.gap_over, w.wage, w.age, w.tenure, w.spell,
            w.months_left, w.provider, w.appr_state, w.appr_firm, w.appr_duration,
            w.appr_entitlement, w.appr_advance, w.retained, w.poached, w.seeking_appr,
            w.date_entry, w.date_first_job, w.date_appr_start, w.date_appr_end, f.region,
            f.productivity, f.req, f.provider, f.headcount, f.apprentices, openings, f.vac_age,
            f.vac_apps, f.vac_qualified, f.train_benefit, f.appr_started, world.wage_level,
            m.travel, m.mig_in, m.mig_out, m.flows, m.spend, end_key, w.programme, w.education,
            w.cert, pr.enrolled, pr.relevance,
        )  # fmt: skip
        left = matching.keep_unmatched(hired, searchers, factor_rows)
        searchers, factor_rows = searchers[:left], factor_rows[:left]


def slack(m) -> np.ndarray:
    """log(unemployed / vacancies) by region, clipped to +-2: how slack each market is."""
    w, f = m.workers, m.firms
    return matching.market_slack(
        w.status, w.region, f.alive, f.region, f.vacancies, m.world.n_regions
    )


def foresight_delta(m, p: params.Params, month: int) -> np.ndarray:
    """Projected change of skill demand shares over the foresight horizon, from the
    scenario's sector demand paths (zero without foresight)."""
    horizon = p.providers.foresight
    if horizon == 0:
        return np.zeros(m.demand_now.shape[0])
    return scenario_paths(m, p).foresight(month)


def scenario_log_demand(
    world, p: params.Params, month: int, log_demand: np.ndarray, carbon_burden: np.ndarray
) -> None:
    """The scenario's sector demand by region at ``month`` (log, into ``log_demand``),
    carbon cost included: it is passed on in prices, so a sector's demand shrinks by its
    burden (cost per unit of output, into ``carbon_burden``)."""
    sh = p.shocks
    demand.sector_log_demand(
        month, world.sector_trend, world.sector_kind, world.sector_rural, world.region_urban,
        sh["kind"], sh["start"], sh["duration"], sh["change"], sh["rural_only"], log_demand,
    )  # fmt: skip
    price = demand.carbon_price(month, *p.carbon)
    np.minimum(world.sector_carbon * price / 1000.0, demand.CARBON_BURDEN_MOST, out=carbon_burden)
    log_demand += np.log1p(-carbon_burden)[:, None]


def skill_demand_of(world, log_demand: np.ndarray) -> np.ndarray:
    """Skill demand shares implied by sector demand ``log_demand`` (``ScenarioPaths``:
    at a month of the scenario's paths, what a perfect-foresight anticipation system
    projects)."""
    jobs = (world.sector_share * world.region_share[None, :] * np.exp(log_demand)).sum(1)
    d = (jobs[:, None] * world.sector_profile).sum(0)
    return d / d.sum()
