"""The engine without Mesa: a model's state as arrays and the month's recipe of kernel
calls. ``SkillsModel`` (``simulation.model``) is this engine as a ``mesa.Model``, with
the recording of metrics; the compile helper (``simulation.compile_ahead``) runs the
month on an ``Engine`` alone, so that it does not wait for mesa, pandas and scipy to
load before it starts compiling."""

from __future__ import annotations

import contextlib
import math
import time

import numpy as np

from simulation import allocator, compile_ahead, initial, metrics, params, phases
from simulation.config import RunConfig
from simulation.kernels import apprenticeship, matching, parallel
from simulation.kernels import metrics as metric_kernels
from simulation.kernels import month as month_kernels
from simulation.rng import Stream
from simulation.state import N_FLOW, N_SPEND, N_STATUS, N_TRAINING

EMPLOYABILITY_SAMPLE = 2000  # unemployed workers sampled for the employability metric
EMPLOYABILITY_DRAWS = 16  # vacancies drawn per sampled worker


class PhaseTimer:
    """Wall-clock seconds per phase of the month, summed over months (``seconds``), when
    enabled; otherwise ``timer(name)`` is a shared no-op context."""

    def __init__(self, enabled: bool = False):
        self.enabled = enabled
        self.seconds: dict[str, float] = {}
        self._noop = contextlib.nullcontext()

    def __call__(self, name: str):
        return self._timed(name) if self.enabled else self._noop

    def add(self, name: str, seconds: float) -> None:
        """Count ``seconds`` to phase ``name``."""
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    @contextlib.contextmanager
    def _timed(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - t0)


class Engine:
    """Workers, firms and training providers as arrays, and the month's recipe
    (``_advance``): what a model needs to run its months, without recording them. An
    engine is made ready by setting ``timer`` (a ``PhaseTimer``), then ``_configure(run)``
    and ``_set_up()``, as ``SkillsModel.__init__`` and the compile helper do."""

    # Work buffers whose contents between uses are not state (only a front part is set,
    # or what is left there depends on how the month ran: phase by phase or in one call)
    SCRATCH = ("searchers", "gini_scratch", "affinity_factors")

    def _configure(self, run: RunConfig) -> None:
        """The resolved run, kernel parameters (the policy's and the status quo's), the
        world, and the clock before the burn-in. (Shared with ReferenceModel.)"""
        self.config = run
        self.seed_value = int(run.seed)
        self.months = run.months
        self.params = params.build(run)
        self.status_quo = params.build(run.model_copy(update={"policy": run.status_quo}))
        self.world = params.build_world(run)
        self.scenario_paths: list[phases.ScenarioPaths] = []  # (phases.scenario_paths)
        self.shared_scratch: tuple | None = None  # (phases.shared_context)
        self.burn_in = run.scenario.burn_in_months
        self.clock = 0  # internal month counter; draws are keyed by it
        self.month = -self.burn_in  # reported month: 0 is the policy start
        month_kernels.look_again()  # (whether the month can run in one call)

    def _set_up(self, pay=None) -> None:
        """The initial firms, providers and workers, the work buffers and the wages
        (``pay(self, params)``, by default ``phases.set_wages``; the compile helper
        passes its own)."""
        run, world = self.config, self.world
        if run.workers >= allocator.FROM_WORKERS:
            allocator.keep_freed_memory()  # (once per process)
        self.firms = initial.make_firms(run, world, self.seed_value)
        self.providers = initial.make_providers(
            run, world, self.firms, self.seed_value, self.status_quo.providers.core_share
        )
        self.workers = initial.make_workers(run, world, self.firms, self.seed_value)
        self._allocate_buffers()
        (pay or phases.set_wages)(self, self.status_quo)

    def _burn_in(self, progress=None) -> None:
        """The burn-in's months; ``progress(k)`` after the k-th."""
        for k in range(1, self.burn_in + 1):
            self._advance(self.status_quo)
            if progress is not None:
                progress(k)

    @property
    def measured(self) -> params.Params:
        """The parameters this month's metrics are measured under: the status quo's for
        month 0 (its state comes from the status-quo burn-in, and no policy month has
        run), the policy's after. So every metric of month 0, not only the state, is the
        same under every policy (the employability estimate scores with the hiring
        thresholds and certificate signal in force), and a paired policy difference is
        exactly 0 there. (Shared with ReferenceModel.)"""
        return self.params if self.month > 0 else self.status_quo

    def _allocate_buffers(self) -> None:
        w, f, world = self.workers, self.firms, self.world
        n_cells = world.n_sectors * world.n_regions
        n_domains = w.skills.shape[1]
        self.flows = np.zeros(N_FLOW, dtype=np.int64)
        self.flow_history = np.zeros((12, N_FLOW), dtype=np.int64)
        # Each worker row's status and region at the month's start (``_advance``), and
        # the month's moves between statuses and regions counted from them
        # (``region_transitions``)
        self.status_before = w.status.copy()
        self.region_before = w.region.copy()
        self.status_changes = np.zeros(
            (world.n_regions, N_STATUS, N_STATUS, metric_kernels.T_MOVED_IN + 1), dtype=np.int64
        )
        self.spend = np.zeros(N_SPEND, dtype=np.float64)
        self.appr_money = np.zeros(N_TRAINING, dtype=np.float64)  # by Training, this month
        self.mig_in = np.zeros(world.n_regions, dtype=np.int64)
        self.mig_out = np.zeros(world.n_regions, dtype=np.int64)
        self.log_demand = np.zeros((world.n_sectors, world.n_regions))
        self.desired = np.zeros((world.n_sectors, world.n_regions), dtype=np.int64)
        self.travel = world.travel.copy()
        self.travel_train = world.travel.copy()
        self.carbon_burden = np.zeros(world.n_sectors)
        self.demand_now = np.zeros(n_domains)
        self.supply = np.zeros(n_domains)
        self.demand_history = np.zeros((phases.HISTORY, n_domains))
        self.choice_counts = np.zeros(4, dtype=np.int64)
        self.searchers = np.empty(w.capacity, dtype=np.int64)
        self.thresholds = np.zeros(f.capacity)
        self.no_slack = np.zeros(world.n_regions)  # slot thresholds ignore the market
        self.cell_open = np.zeros(n_cells, dtype=np.int64)
        self.cell_ptr = np.zeros(n_cells + 1, dtype=np.int64)
        self.cell_firms = np.zeros(f.capacity, dtype=np.int64)
        self.cell_cum = np.zeros(f.capacity, dtype=np.int64)
        self.firm_is_brown = np.zeros(f.capacity, dtype=np.int8)
        self.poach_rate = 0.0
        self.providers_per_region = self.config.scenario.world.providers_per_region
        self.provider_start = initial.provider_start(world.n_regions, self.providers_per_region)
        self.rural_phase = 0.0
        self.slot_apps_scratch = np.zeros(f.capacity, dtype=np.int32)
        self.slot_qualified_scratch = np.zeros(f.capacity, dtype=np.int32)
        self.slot_ratio = 0.0
        first = -math.ceil(self.config.scenario.burn_in_months / 12)
        self.first_cohort_year = first
        n_cohorts = self.config.months // 12 + 1 - first
        self.by_region = np.zeros((world.n_regions, metric_kernels.N_R))
        self.by_sector = np.zeros((world.n_sectors, metric_kernels.N_S))
        self.by_cohort = np.zeros((n_cohorts, metric_kernels.N_C))
        self.by_cell = np.zeros((n_cells, metric_kernels.N_X))
        self.g = np.zeros(metric_kernels.N_G)
        self.gini_scratch = metric_kernels.gini_scratch(w.capacity)  # (untouched until used)
        self.affinity_factors = np.empty((0, world.sector_profile.shape[0]))  # (grows)

    def _advance(self, p: params.Params) -> None:
        """The recipe of a month (DESIGN.md, schedule), under parameters ``p``: phase by
        phase (``_phases``), or, in a model below ``month.WHOLE_MONTH_BELOW`` worker
        rows, in one compiled call (``phases.whole_month``: the same kernels in the
        same order, the same run bit for bit), unless the phases are being compiled."""
        month = self.month + 1
        np.copyto(self.status_before, self.workers.status)
        np.copyto(self.region_before, self.workers.region)
        if self._in_one_call():
            phases.whole_month(self, p, month)
        else:
            self._phases(p, month)
        self.clock += 1
        self.month = month

    def _in_one_call(self) -> bool:
        """Whether this month runs in one compiled call (``month.ready``), unless the
        phases are being compiled, or timed where the call cannot time its own parts
        (``month.CLOCKED``)."""
        return (
            (month_kernels.CLOCKED or not self.timer.enabled)
            and not compile_ahead.sharing()
            and month_kernels.ready(self.workers.status.shape[0])
        )

    def _phases(self, p: params.Params, month: int) -> None:
        """The month phase by phase. Each runs inside ``self.timer`` (a no-op unless
        profiling), and in a cold start's first month inside ``compile_ahead.stage``
        (shared with the compile helper)."""
        t = compile_ahead.staged(self.timer)
        with t("begin"):
            phases.begin(self)
        with t("1 drivers"):
            phases.drivers(self, p, month)  # scenario paths
        with t("2 firm demand"):
            phases.firm_demand(self, p, month)  # targets, exit/entry, vacancies, layoffs due
        with t("3 apprenticeship supply"):
            phases.apprenticeship_supply(self, p)  # net benefit and slots
        with t("4 providers"):
            phases.providers(self, p, month)  # shortage signal, curricula, seats
        with t("5 education choices"):
            phases.education_choices(self, p, month)  # school leavers, lifelong learning
        with t("6 skills"):
            phases.skill_change(self, p)  # learning and depreciation
        with t("7 search and matching"):
            phases.search_and_matching(self, p, month)  # slots, then jobs
        with t("8 separations"):
            phases.separations_and_lifecycle(self, p, month)  # layoffs, quits, apprentices
        with t("9 demography"):
            phases.demographic_change(self, p, month)  # ageing, cohorts, migration
        with t("10 accounts"):
            phases.accounts(self, p)  # wages, public spending, feedback signals

    def _tally_tables(self) -> tuple[float, float]:
        """The month's tallies (by region, sector, cohort, cell, and ``self.g``); returns
        the net training cost share and the recouping share. A model whose month runs
        in one call and whose loops run in one piece tallies in one call too; a larger
        one in blocks on the pool's threads (``metrics.tally``): the same blocks added
        in the same order."""
        w, f, pr, p = self.workers, self.firms, self.providers, self.measured
        one_call = self._in_one_call() and parallel.in_one_piece(w.status.shape[0])
        (metric_kernels.tally_in_one_call if one_call else metric_kernels.tally)(
            self.month,
            p.metrics,
            w.status,
            w.age,
            w.region,
            w.employer,
            w.skills,
            w.gap_under,
            w.gap_over,
            w.wage,
            w.cert,
            w.appr_state,
            w.retained,
            w.poached,
            w.displaced,
            w.date_entry,
            w.date_first_job,
            w.date_appr_end,
            f.alive,
            f.sector,
            f.region,
            f.req,
            f.headcount,
            f.apprentices,
            f.vacancies,
            f.vac_age,
            f.vac_apps,
            f.vac_qualified,
            f.slots,
            f.productivity,
            self.world.wage_level,
            pr.mix,
            self.first_cohort_year,
            self.by_region,
            self.by_sector,
            self.by_cohort,
            self.by_cell,
            self.g,
        )
        metric_kernels.status_changes(
            self.status_before, w.status, self.region_before, w.region, self.status_changes
        )
        return apprenticeship.net_cost_share_recouping(
            f.train_cost, f.train_benefit, f.appr_started, f.alive
        )

    def _region_transitions(self) -> np.ndarray:
        """The month's moves between statuses by region (``metrics.region_transitions``),
        once tallied."""
        return metrics.region_transitions(self.status_changes, self.by_region)

    def _provider_seats(self) -> np.ndarray:
        """(For ``_collect``.) Each provider's TVET seats, TVET students, course seats
        and course learners now (4, providers): ``metrics.region_rows`` sums them by the
        providers' regions (``_provider_regions``)."""
        pr = self.providers
        return np.stack((pr.seats, pr.enrolled, pr.course_seats, pr.course_enrolled))

    def _provider_regions(self) -> np.ndarray:
        return self.providers.region

    def _gini(self) -> float:
        return metric_kernels.wage_gini(self.workers.status, self.workers.wage, self.gini_scratch)

    def _employability(self) -> float:
        w, f, world = self.workers, self.firms, self.world
        sample = matching.employability_sample(w.status, EMPLOYABILITY_SAMPLE)
        if sample.size == 0 or f.vacancies.sum() == 0:
            return math.nan
        measured = self.measured
        pm = measured.match
        matching.build_cells(
            f.alive,
            f.sector,
            f.region,
            f.vacancies,
            world.n_regions,
            self.cell_open,
            self.cell_ptr,
            self.cell_firms,
            self.cell_cum,
        )
        matching.hiring_thresholds(
            matching.JOBS, pm, f.alive, f.region, f.vac_age, phases.slack(self), self.thresholds
        )
        return matching.employability(
            phases.stream_key(self, Stream.EMPLOYABILITY),
            pm,
            sample,
            sample.size,
            w.skills,
            w.ability,
            w.region,
            w.cert,
            measured.cert_bonus,
            f.req,
            self.travel,
            world.sector_profile,
            pm.travel_weight,
            self.thresholds,
            self.cell_open,
            self.cell_ptr,
            self.cell_firms,
            self.cell_cum,
            EMPLOYABILITY_DRAWS,
        )
