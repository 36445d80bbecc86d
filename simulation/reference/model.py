"""ReferenceModel: the engine's rules as a plain Mesa model of Agent objects.

The same month as ``SkillsModel`` (DESIGN.md, schedule), phase by phase: each phase is
a loop over the agents calling their methods, in the order of the engine's rows.
Regions and sectors are the environment: the model keeps their few arrays (demand by
sector and region, travel costs, the skill-demand signal) as the engine does.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from collections import Counter
from collections.abc import Sequence

import mesa
import numpy as np

from simulation import initial, loading, params
from simulation.config import RunConfig
from simulation.engine import EMPLOYABILITY_SAMPLE
from simulation.kernels import metrics as metric_tables
from simulation.kernels.demand import CARBON_BURDEN_MOST
from simulation.model import SkillsModel
from simulation.phases import HISTORY, return_hazard, rural_seat_extra
from simulation.reference.agents import FirmAgent, ProviderAgent, WorkerAgent
from simulation.rng import Stream, py_stream_key, py_uniform
from simulation.state import (
    N_FLOW,
    N_SPEND,
    N_STATUS,
    N_TRAINING,
    Firms,
    Flow,
    Providers,
    Spend,
    Status,
    Workers,
)
from simulation.twins import apprenticeship, demand, firms, matching, training
from simulation.twins import metrics as tally


class ReferenceModel(mesa.Model):
    """Workers, firms and training providers as Mesa Agents; every rule a method.

    Arguments and outputs are those of ``SkillsModel`` (the same DataCollector reporters,
    ``metrics_frame()`` and ``breakdown()``), and so is the trajectory: the initial state
    comes from ``simulation.initial`` and every draw from the same counter-based
    generator, so both give the same months (tests/test_reference.py).
    """

    # What does not depend on how agents are stored is the engine's own code: the
    # configuration and the clock, the burn-in, the parameters metrics are measured
    # under, the step (month then metrics), the metrics and breakdowns composed from the
    # month's tables, and the outputs.
    _configure = SkillsModel._configure
    _burn_in_and_record = SkillsModel._burn_in_and_record
    _burn_in = SkillsModel._burn_in
    measured = SkillsModel.measured
    _start_recording = SkillsModel._start_recording
    step = SkillsModel.step
    _collect = SkillsModel._collect
    metrics_frame = SkillsModel.metrics_frame
    breakdown = SkillsModel.breakdown
    _transition_frame = SkillsModel._transition_frame

    def _compose_in_one_call(self) -> bool:
        """(For ``_collect``.) The reference composes its metrics in plain Python
        (``metrics.compose``, the definition; the engine's compiled call computes the
        same, and tests/test_reference.py holds the two to 1e-9 relative: a sum such as
        the firms' net training cost can differ in its last bit)."""
        return False

    def __init__(
        self,
        scenario: str = "baseline",
        policies: str | Sequence[str] = ("none",),
        workers: int = 20_000,
        months: int = 120,
        seed: int = 0,
        run: RunConfig | None = None,
        burn_in_progress=None,
    ):
        super().__init__(rng=seed)  # (Mesa's own generators: the model draws from simulation.rng)
        if run is None:
            run = loading.resolve_run(scenario, policies, workers, months, seed)
        self._configure(run)
        self.n_domains = self.world.sector_profile.shape[1]
        self.green_domain = params.GREEN_DOMAIN
        self._create_agents(run)
        self._create_environment()
        self.workers.do("set_wage", self.status_quo.wages)
        self._remember_statuses()
        self._burn_in_and_record(burn_in_progress)

    # ------------------------------------------------------------------ set-up

    def _create_agents(self, run: RunConfig) -> None:
        """The engine's initial state, row by row turned into agents."""
        world, seed = self.world, self.seed_value
        f = initial.make_firms(run, world, seed)
        pr = initial.make_providers(run, world, f, seed, self.status_quo.providers.core_share)
        w = initial.make_workers(run, world, f, seed)
        self.providers_per_region = run.scenario.world.providers_per_region
        self.provider_start = initial.provider_start(world.n_regions, self.providers_per_region)
        self.providers = [
            ProviderAgent(
                self, q, int(pr.region[q]), int(pr.base_seats[q]), int(pr.base_course_seats[q]),
                float(pr.quality[q]), pr.mix[q],
            )
            for q in range(pr.count)
        ]  # fmt: skip
        self.provider_regions = [q.region for q in self.providers]
        firm_at = {row: FirmAgent.from_row(self, f, row) for row in np.flatnonzero(f.alive)}
        for row in np.flatnonzero(w.status != Status.RETIRED):
            WorkerAgent.from_row(self, w, row, firm_at)
        # Rows free for entrants, lowest first (a sorted list is a heap).
        self.free_firm_rows = [row for row in range(f.capacity) if row not in firm_at]
        self.free_worker_rows = np.flatnonzero(w.status == Status.RETIRED).tolist()
        self.firm_capacity, self.worker_capacity = f.capacity, w.capacity

    def _create_environment(self) -> None:
        world = self.world
        n_regions, n_sectors = world.n_regions, world.n_sectors
        self.flows = np.zeros(N_FLOW, dtype=np.int64)  # this month's events
        self.flow_history = np.zeros((12, N_FLOW), dtype=np.int64)
        self.spend = np.zeros(N_SPEND)
        self.appr_money = np.zeros(N_TRAINING)  # this month's training returns and costs
        self.mig_in = np.zeros(n_regions, dtype=np.int64)
        self.mig_out = np.zeros(n_regions, dtype=np.int64)
        self.log_demand = np.zeros((n_sectors, n_regions))
        self.carbon_burden = np.zeros(n_sectors)
        self.desired = np.zeros((n_sectors, n_regions), dtype=np.int64)
        self.travel = world.travel.copy()
        self.travel_train = world.travel.copy()
        self.region_cum = np.cumsum(world.region_share)  # where school leavers live
        self.rural_home_cum = world.rural_home_cum
        self.field_cum = world.field_cum  # school leavers' fields
        self.rural_phase = 0.0
        self.demand_now = np.zeros(self.n_domains)
        self.supply = np.zeros(self.n_domains)
        self.demand_history = np.zeros((HISTORY, self.n_domains))
        self.poach_rate = 0.0  # signals agents act on: from the last 12 months
        self.slot_ratio = 0.0
        self.first_cohort_year = -math.ceil(self.burn_in / 12)
        n_cohorts = self.config.months // 12 + 1 - self.first_cohort_year
        self.by_region = np.zeros((n_regions, metric_tables.N_R))
        self.by_sector = np.zeros((n_sectors, metric_tables.N_S))
        self.by_cohort = np.zeros((n_cohorts, metric_tables.N_C))
        self.by_cell = np.zeros((n_sectors * n_regions, metric_tables.N_X))
        self.g = np.zeros(metric_tables.N_G)

    @property
    def workers(self) -> mesa.agent.AgentSet:
        """Workers in row order (the order of every loop over them)."""
        return self.agents_by_type[WorkerAgent]

    @property
    def firms(self) -> mesa.agent.AgentSet:
        """Firms in row order: live ones, and those that exited this month until their
        workers are released."""
        return self.agents_by_type[FirmAgent]

    def key(self, stream: Stream) -> int:
        """This month's key of a random stream (simulation.rng)."""
        return py_stream_key(self.seed_value, self.clock, int(stream))

    # -------------------------------------------------------------------- step

    def _advance(self, p: params.Params) -> None:
        """A month under parameters ``p``: the engine's recipe, phase by phase."""
        month = self.month + 1
        self.begin_month()
        self.drivers(p, month)  # 1. scenario paths
        self.firm_demand(p, month)  # 2. targets, exit/entry, vacancies, layoffs due
        self.apprenticeship_supply(p)  # 3. net benefit and slots
        self.plan_training(p, month)  # 4. shortage signal, curricula, seats
        self.education_choices(p, month)  # 5. school leavers, lifelong learning
        self.workers.do("learn", p.skills)  # 6. learning and depreciation
        self.running_costs(p)  # (as learners use their seats: phases.running_costs)
        self.search_and_matching(p, month)  # 7. slots, then jobs
        self.separations_and_lifecycle(p, month)  # 8. layoffs, quits, apprentices
        self.demographic_change(p, month)  # 9. ageing, cohorts, migration
        self.accounts(p)  # 10. wages, public spending, feedback signals
        self.clock += 1
        self.month = month

    def begin_month(self) -> None:
        self.flows[:] = 0
        self.spend[:] = 0.0
        self.appr_money[:] = 0.0
        self.mig_in[:] = 0
        self.mig_out[:] = 0
        count = Counter(w.status for w in self.workers)
        self.unemployed_before = float(count[Status.UNEMPLOYED])
        self.employed_before = float(count[Status.EMPLOYED])
        self._remember_statuses()

    def _remember_statuses(self) -> None:
        """Each worker's status and region at the month's start, by agent (for
        ``_region_transitions``)."""
        self.status_before = {w.unique_id: (int(w.status), int(w.region)) for w in self.workers}

    # ------------------------------------------------------------ 1. drivers

    def drivers(self, p: params.Params, month: int) -> None:
        """Sector demand by region, carbon cost, rural access (frozen in the burn-in)."""
        world = self.world
        t = max(month, 0)
        self.log_demand, self.carbon_burden = self.scenario_demand(p, t)
        demand.effective_travel(t, world.travel, world.region_urban, *p.rural_access, self.travel)
        # Mobile and rural training cut the cost of reaching training in rural areas.
        self.travel_train = self.travel * (1.0 - p.providers.rural_travel_cut * world.rural_pair)
        self.rural_phase = min(t / p.rural_access[1], 1.0)

    def scenario_demand(self, p: params.Params, month: int) -> tuple[np.ndarray, np.ndarray]:
        """(Log demand by sector and region, carbon burden by sector) on the scenario's
        paths at ``month``: carbon cost is passed on in prices, so a sector's demand
        shrinks by its burden."""
        world, sh = self.world, p.shocks
        log_demand = np.zeros((world.n_sectors, world.n_regions))
        demand.sector_log_demand(
            month, world.sector_trend, world.sector_kind, world.sector_rural, world.region_urban,
            sh["kind"], sh["start"], sh["duration"], sh["change"], sh["rural_only"], log_demand,
        )  # fmt: skip
        price = demand.carbon_price(month, *p.carbon)
        burden = np.minimum(world.sector_carbon * price / 1000.0, CARBON_BURDEN_MOST)
        log_demand += np.log1p(-burden)[:, None]
        return log_demand, burden

    def projected_skill_demand(self, p: params.Params, month: int) -> np.ndarray:
        """Skill demand shares the scenario's paths imply at ``month``."""
        world = self.world
        log_demand, _ = self.scenario_demand(p, month)
        jobs = (world.sector_share * world.region_share[None, :] * np.exp(log_demand)).sum(1)
        skill_demand = (jobs[:, None] * world.sector_profile).sum(0)
        return skill_demand / skill_demand.sum()

    # -------------------------------------------------------- 2. firm demand

    def firm_demand(self, p: params.Params, month: int) -> None:
        pf = p.firms
        key = self.key(Stream.FIRM_SHOCK)
        for firm in self.firms:
            if firm.alive:
                firm.update_shock(key, pf)
        firms.desired_firm_counts(
            self.log_demand, pf.entry_elasticity, self.world.initial_firms, self.desired
        )
        self.flows[Flow.FIRM_EXITS] += self.exit_firms(pf, month)
        self.flows[Flow.FIRM_ENTRIES] += self.enter_firms(pf, month)
        for firm in self.firms:
            if firm.alive:
                firm.set_target(float(self.log_demand[firm.sector, firm.region]), pf)
            else:
                firm.target = 0
            firm.post_vacancies(pf)

    def exit_firms(self, pf, month: int) -> int:
        """Carbon-cost exits, then the least productive firms of overcrowded cells."""
        key = self.key(Stream.FIRM_EXIT)
        exits = 0
        for firm in self.firms:  # all alive: exited firms left at last month's layoffs
            burden = float(self.carbon_burden[firm.sector])
            u = py_uniform(key, firm.row, 0)
            if firms.carbon_exit(burden, pf.carbon_exit_sensitivity, u):
                firm.close(month)
                exits += 1
        for (s, r), members in self.firms_by_cell().items():
            excess = len(members) - int(self.desired[s, r])
            for firm in firms.least_productive(members, _productivity, excess):
                firm.close(month)
                exits += 1
        return exits

    def firms_by_cell(self) -> dict[tuple[int, int], list[FirmAgent]]:
        """Live firms by (sector, region), in row order."""
        cells: dict[tuple[int, int], list[FirmAgent]] = {}
        for firm in self.firms:
            if firm.alive:
                cells.setdefault((firm.sector, firm.region), []).append(firm)
        return cells

    def enter_firms(self, pf, month: int) -> int:
        """New firms fill the cells short of firms, cell by cell, on the lowest free rows;
        entry stops when no row is free."""
        key = self.key(Stream.FIRM_ENTRY)
        cells = self.firms_by_cell()
        entries = 0
        world = self.world
        for s in range(world.n_sectors):
            for r in range(world.n_regions):
                need = int(self.desired[s, r]) - len(cells.get((s, r), ()))
                for _ in range(need):
                    if not self.free_firm_rows:
                        break
                    FirmAgent.enter(self, heapq.heappop(self.free_firm_rows), s, r, month, key, pf)
                    entries += 1
        if entries:
            self.firms.sort(key="row", ascending=True, inplace=True)
        return entries

    # ----------------------------------------------- 3. apprenticeship supply

    def apprenticeship_supply(self, p: params.Params) -> None:
        for firm in self.firms:
            firm.offer_slots(p.appr, self.poach_rate)
        self.flows[Flow.SLOTS_OFFERED] += sum(firm.slots for firm in self.firms)

    # ------------------------------------------------------------ 4. providers

    def plan_training(self, p: params.Params, month: int) -> None:
        """Skill-shortage signal, seats, quarterly curriculum planning, relevance."""
        pp = p.providers
        unemployed = (w.skills for w in self.workers if w.status == Status.UNEMPLOYED)
        mean = training.mean_skills(unemployed, self.n_domains)
        live = [(f.vacancies, f.target, f.req) for f in self.firms if f.alive]
        self.supply[:] = mean
        self.demand_now[:] = training.demand_shares(mean, live)
        self.demand_history[self.clock % HISTORY] = self.demand_now
        rural_extra = rural_seat_extra(self, p)
        for q in self.providers:
            q.set_seats(pp, rural_extra)
        if month % 3 == 0:
            lagged = self.demand_history[max(self.clock - pp.lag, 0) % HISTORY]
            delta = self.foresight_delta(p, max(month, 0))
            key = self.key(Stream.FORECAST)
            for q in self.providers:
                q.plan_curriculum(key, lagged, delta, pp)
        for q in self.providers:
            q.assess_relevance(self.demand_now)

    def foresight_delta(self, p: params.Params, month: int) -> np.ndarray:
        """Projected change of skill demand shares over the foresight horizon."""
        horizon = p.providers.foresight
        if horizon == 0:
            return np.zeros(self.n_domains)
        now = self.projected_skill_demand(p, month)
        return self.projected_skill_demand(p, month + horizon) - now

    # ------------------------------------------------ 5. education choices

    def education_choices(self, p: params.Params, month: int) -> None:
        counts = [0, 0, 0, 0]  # by Choice
        key = self.key(Stream.CHOICE)
        for w in self.workers:
            if w.status == Status.LEAVER:
                w.choose_path(key, month, p.choices, self.slot_ratio, counts)
        self.flows[Flow.CHOSE_APPRENTICESHIP : Flow.CHOSE_TERTIARY + 1] += counts
        self.flows[Flow.TVET_ENROLMENTS] += counts[1]
        self.flows[Flow.TERTIARY_ENROLMENTS] += counts[3]
        key = self.key(Stream.LLL)
        for w in self.workers:
            enrolled, voucher = w.consider_course(key, p.courses)
            self.flows[Flow.COURSE_ENROLMENTS] += enrolled
            self.flows[Flow.VOUCHER_ENROLMENTS] += voucher

    def nearest_provider(self, home: int, course: bool) -> tuple[ProviderAgent | None, float]:
        """(The provider with a free seat at the lowest cost of travel from ``home``,
        the cost): TVET seats, or course seats if ``course``."""
        pr = self.providers
        if course:
            seats, taken = [q.course_seats for q in pr], [q.course_enrolled for q in pr]
        else:
            seats, taken = [q.seats for q in pr], [q.enrolled for q in pr]
        q, cost = training.nearest_open_provider(
            home, self.travel_train, self.provider_regions, seats, taken
        )
        return (pr[q] if q >= 0 else None), cost

    # --------------------------------------------------------- 7. matching

    def search_and_matching(self, p: params.Params, month: int) -> None:
        for firm in self.firms:
            if firm.alive and firm.vacancies > 0:
                firm.vac_age += 1
        self.match(matching.SLOTS, p, month)
        self.match(matching.JOBS, p, month)

    def match(self, mode: int, p: params.Params, month: int) -> None:
        """Matching rounds for slots or jobs: searchers apply, firms offer, workers
        accept; the unmatched try again with fresh draws in the next round."""
        pm = p.match
        if mode == matching.SLOTS:
            key, apply_stream = self.key(Stream.SLOT_SEARCH), Stream.SLOT_APPLY
            searchers = [w for w in self.workers if w.searches_slot(key, pm)]
        else:
            key, apply_stream = self.key(Stream.SEARCH), Stream.APPLY
            searchers = [w for w in self.workers if w.searches_job(key, pm)]
        if not searchers:
            return
        self.set_thresholds(mode, pm)
        key = self.key(apply_stream)
        screen_key = self.key(Stream.SCREEN)
        for rnd in range(pm.rounds):
            hiring = [f for f in self.firms if f.alive and f.openings(mode) > 0]
            if not searchers or not hiring:
                break
            cells = self.cells(hiring, mode)
            access = matching.cell_access(self.travel, pm.travel_weight, cells[0])
            for j, w in enumerate(searchers):
                w.apply(key, rnd * 2 * pm.applications, j, pm, access, cells)
            offers = [[] for _ in searchers]
            for firm in hiring:
                if firm.received:
                    firm.screen(
                        mode, pm, p.cert_bonus, offers, screen_key, rnd * 2 * pm.applications
                    )
            unmatched = []
            for w, offered in zip(searchers, offers, strict=True):
                firm = w.choose_offer(mode, pm, offered) if offered else None
                if firm is None:
                    unmatched.append(w)
                else:
                    w.accept(mode, firm, month, pm)
            searchers = unmatched

    def cells(self, hiring: list[FirmAgent], mode: int):
        """Firms with openings grouped by (sector, region) cell: the lists
        ``matching.draw_firm`` draws from."""
        entries = ((f, f.cell, f.openings(mode)) for f in hiring)
        return matching.group_by_cell(entries, self.world.n_sectors * self.world.n_regions)

    def set_thresholds(self, mode: int, pm) -> None:
        slack = self.slack()
        for firm in self.firms:
            firm.threshold = matching.hiring_threshold(
                mode, pm, float(slack[firm.region]), firm.vac_age
            )

    def slack(self) -> np.ndarray:
        """log(unemployed / vacancies) by region, clipped to +-2."""
        n = self.world.n_regions
        unemployed = [w.region for w in self.workers if w.status == Status.UNEMPLOYED]
        live = [f for f in self.firms if f.alive]
        u = np.bincount(np.array(unemployed, dtype=np.int64), minlength=n)
        regions = np.array([f.region for f in live], dtype=np.int64)
        v = np.bincount(regions, weights=[float(f.vacancies) for f in live], minlength=n)
        return np.array([matching.slack(int(u[r]), float(v[r])) for r in range(n)])

    # ------------------------------------------------------ 8. separations

    def separations_and_lifecycle(self, p: params.Params, month: int) -> None:
        """Layoffs and exits, quits, the apprentices' month, programme ends."""
        for firm in list(self.firms):
            firm.release_workers(month)
            if not firm.alive:  # its row is free from next month
                firm.remove()
                heapq.heappush(self.free_firm_rows, firm.row)
        key = self.key(Stream.QUIT)
        for w in self.workers:
            w.consider_quitting(key, p.separation)
        apprentices = [w for w in self.workers if w.status == Status.APPRENTICE]
        for w in apprentices:
            w.employer.book_apprentice_month(p.appr, w)
        key_drop, key_done = self.key(Stream.DROPOUT), self.key(Stream.COMPLETION)
        for w in apprentices:
            w.progress_apprenticeship(key_drop, key_done, month, p.appr)
        key = self.key(Stream.TRAINING_END)
        for w in self.workers:
            w.progress_education(key, month, p.education)

    # ------------------------------------------------------- 9. demography

    def demographic_change(self, p: params.Params, month: int) -> None:
        pd = p.demography
        self.workers.do("age_a_month", pd)
        key = self.key(Stream.INACTIVITY)
        for w in self.workers:
            w.change_activity(key, pd)
        hazard = return_hazard(self, p)
        key = self.key(Stream.MIGRATION)
        for w in self.workers:
            w.consider_returning(key, hazard)
        if month % 12 == pd.cohort_month:
            self.enter_cohort(round(pd.cohort_share_per_year * self.config.workers), pd)

    def retire(self, worker: WorkerAgent) -> None:
        """A retired worker leaves the model; its row takes a future school leaver."""
        worker.remove()
        heapq.heappush(self.free_worker_rows, worker.row)

    def enter_cohort(self, n: int, pd) -> None:
        """School leavers take the lowest free rows; those who find none are turned away."""
        key = self.key(Stream.ENTRANT)
        entered = 0
        while entered < n and self.free_worker_rows:
            WorkerAgent.enter(self, heapq.heappop(self.free_worker_rows), key, pd)
            entered += 1
        self.workers.sort(key="row", ascending=True, inplace=True)
        self.flows[Flow.ENTRANTS] += entered
        self.flows[Flow.ENTRANTS_TURNED_AWAY] += n - entered

    # --------------------------------------------------------- 10. accounts

    def running_costs(self, p: params.Params) -> None:
        """Public running costs: the apprentices' time off the job (its public share,
        0 as shipped), the seats learners use this month (phase 6), rural capacity,
        anticipation and curricula."""
        pc, spend = p.costs, self.spend
        if pc.appr_seat_cost > 0.0:
            # (a firm that exits this month keeps its apprentices until phase 8)
            learning = sum(firm.apprentices for firm in self.firms)
            spend[Spend.SEATS] += learning * pc.appr_seat_cost
        for q in self.providers:
            seats, rural = q.running_costs(pc)
            if rural is not None:
                spend[Spend.RURAL_ACCESS] += rural
            spend[Spend.SEATS] += seats
        spend[Spend.ANTICIPATION] += pc.anticipation_cost
        spend[Spend.CORE_SKILLS] += pc.core_cost
        spend[Spend.GREEN_CURRICULA] += pc.green_cost

    def accounts(self, p: params.Params) -> None:
        """Wages, and the lagged signals agents act on."""
        self.workers.do("set_wage", p.wages)
        # Over the last 12 months: the poaching rate firms expect (poached / retained,
        # at most 1), school leavers' chance of a slot (starts / seekers, at most 1).
        self.flow_history[self.clock % 12] = self.flows
        last_year = self.flow_history.sum(0)
        kept, poached = last_year[Flow.APPR_RETAINED], last_year[Flow.APPR_POACHED]
        self.poach_rate = min(poached / kept, 1.0) if kept > 0 else 0.0
        chose = max(last_year[Flow.CHOSE_APPRENTICESHIP], 1)
        self.slot_ratio = min(last_year[Flow.APPR_STARTS] / chose, 1.0)

    # ---------------------------------------------------------------- metrics

    def _record(self) -> None:
        """Tally every agent into this month's tables, compose the catalogue metrics and
        collect the reporters."""
        pm = self.measured.metrics
        tables = (self.by_region, self.by_sector, self.by_cohort, self.by_cell, self.g)
        for table in tables:
            table[:] = 0.0
        for w in self.workers:
            f = w.employer
            tally.tally_worker(
                self.month, pm, w.status, w.age, w.region, w.wage, w.gap_under, w.gap_over,
                w.displaced, w.skills, f.sector if f else -1, f.req if f else None,
                w.skilled_wage() if f else math.nan, w.cert,
                w.appr_state, w.retained, w.poached, w.date_entry, w.date_first_job,
                w.date_appr_end, self.first_cohort_year, *tables,
            )  # fmt: skip
        live = [f for f in self.firms if f.alive]
        for f in live:
            tally.tally_firm(
                f.sector, f.region, f.vacancies, f.headcount, f.apprentices, f.slots,
                f.vac_age, f.vac_apps, f.vac_qualified, self.by_region, self.by_sector,
            )  # fmt: skip
        for q in self.providers:
            tally.tally_provider(pm, q.mix, len(self.providers), self.g)
        net_cost, recouping = apprenticeship.training_firm_accounts(
            (f.train_cost, f.train_benefit, f.appr_started) for f in live
        )
        employed = (w.wage for w in self.workers if w.status == Status.EMPLOYED)
        self._collect(
            employability=self.employability(),
            gini=tally.gini(employed),
            relevance_mean=float(np.mean([q.relevance for q in self.providers])),
            net_training_cost=net_cost,
            recouping_share=recouping,
        )

    def _region_transitions(self) -> np.ndarray:
        """(For ``_collect``.) The month's moves between statuses by region, agent by
        agent: a worker who was not there at the month's start entered (row RETIRED) in
        the region it lives in, one who was and is no more retired (column RETIRED) from
        the region it lived in; one living in another region moved out of the first and
        into the other (``metrics.region_transitions``' columns)."""
        table = np.zeros((self.world.n_regions, N_STATUS, N_STATUS, 3), dtype=np.int64)
        before = dict(self.status_before)
        for w in self.workers:
            status, region = int(w.status), int(w.region)
            was, home = before.pop(w.unique_id, (Status.RETIRED, region))
            table[home, was, status, 0] += 1
            if home != region:
                table[home, was, status, 1] += 1
                table[region, was, status, 2] += 1
        for was, home in before.values():  # (those no longer in the model)
            table[home, was, Status.RETIRED, 0] += 1
        return table

    def _provider_seats(self) -> np.ndarray:
        """(For ``_collect``.) Each provider agent's TVET seats, TVET students, course
        seats and course learners now (4, providers)."""
        return np.array(
            [[q.seats, q.enrolled, q.course_seats, q.course_enrolled] for q in self.providers],
            dtype=np.int32,
        ).T.reshape(4, len(self.providers))

    def _provider_regions(self) -> np.ndarray:
        return np.array(self.provider_regions, dtype=np.int8)

    def employability(self) -> float:
        """Mean share of accessible vacancies a sampled unemployed worker would pass the
        hiring threshold for (vacancies drawn by accessibility alone)."""
        unemployed = [w for w in self.workers if w.status == Status.UNEMPLOYED]
        hiring = [f for f in self.firms if f.alive and f.vacancies > 0]
        if not unemployed or not hiring:
            return math.nan
        stride = max(-(-len(unemployed) // EMPLOYABILITY_SAMPLE), 1)  # (rounded up)
        sample = unemployed[::stride][:EMPLOYABILITY_SAMPLE]
        measured = self.measured
        pm = measured.match
        cells = self.cells(hiring, matching.JOBS)
        access = matching.cell_access(self.travel, pm.travel_weight, cells[0])
        self.set_thresholds(matching.JOBS, pm)
        key = self.key(Stream.EMPLOYABILITY)
        shares = [w.employability(key, pm, measured.cert_bonus, access, cells) for w in sample]
        return matching.mean_share([s for s in shares if s is not None])

    # ------------------------------------------------------------------ rows

    def state_arrays(self) -> dict[str, np.ndarray]:
        """The agents as the engine's arrays (``population.field``; free rows as the
        engine allocates them), to compare the two models row by row."""
        out = {}
        for population, agents, arrays in (
            ("workers", list(self.workers), Workers.allocate(self.worker_capacity)),
            ("firms", list(self.firms), Firms.allocate(self.firm_capacity)),
        ):
            rows = [agent.row for agent in agents]
            for name, column in arrays.arrays().items():
                column[rows] = [_as_row_value(getattr(agent, name)) for agent in agents]
                out[f"{population}.{name}"] = column
        for field in dataclasses.fields(Providers):
            values = [getattr(q, field.name) for q in self.providers]
            out[f"providers.{field.name}"] = np.array(values)
        return out


def _as_row_value(value):
    """An agent's field as the engine stores it: another agent as its row, None as -1."""
    if isinstance(value, mesa.Agent):
        return value.row
    return -1 if value is None else value


def _productivity(firm: FirmAgent) -> float:
    return firm.productivity
