"""SkillsModel: the Mesa model whose step() is the recipe of kernel calls."""

from __future__ import annotations

# isort: off
from simulation import compile_early  # noqa: F401  (first: see its docstring)

# isort: on
import contextlib
import copy
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from functools import partial

import mesa
import numpy as np
import pandas as pd

from simulation import compile_ahead, initial, loading, metrics, params, phases
from simulation.config import RunConfig
from simulation.kernels import apprenticeship, matching
from simulation.kernels import metrics as metric_kernels
from simulation.rng import Stream
from simulation.state import N_FLOW, N_SPEND

BREAKDOWNS = ("region", "sector", "cohort", "cell")  # kinds of ``SkillsModel.breakdown``
EMPLOYABILITY_SAMPLE = 2000  # unemployed workers sampled for the employability metric
EMPLOYABILITY_DRAWS = 16  # vacancies drawn per sampled worker


def metric_value(name: str, model: SkillsModel) -> float:
    """Model reporter body: this month's value of one catalogue metric."""
    return model.current[name]


class MetricsCollector(mesa.DataCollector):
    """Mesa's DataCollector with one model reporter per catalogue metric
    (``metric_value``: the metric's value in ``model.current``). ``collect`` appends
    those values straight from ``model.current``: the same floats Mesa's own ``collect``
    stores, without calling 61 reporters and deep-copying each float they return."""

    def __init__(self):
        super().__init__(
            model_reporters={name: partial(metric_value, name) for name in metrics.NAMES}
        )

    def collect(self, model) -> None:
        current = model.current
        for name, values in self.model_vars.items():
            values.append(current[name])


class PhaseTimer:
    """Wall-clock seconds per phase of the month, summed over months (``seconds``), when
    enabled; otherwise ``timer(name)`` is a shared no-op context."""

    def __init__(self, enabled: bool = False):
        self.enabled = enabled
        self.seconds: dict[str, float] = {}
        self._noop = contextlib.nullcontext()

    def __call__(self, name: str):
        return self._timed(name) if self.enabled else self._noop

    @contextlib.contextmanager
    def _timed(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0


class BurnInStore:
    """Month-0 states of this process's recent burn-ins, for runs that differ only in
    policy (``SkillsModel(..., share_burn_in=True)``, which sweeps use).

    The burn-in runs under the status quo, so its end state does not depend on the
    run's policy: two runs of one scenario, size, horizon and seed reach the same month-0
    state bit for bit (tests/test_determinism.py). A sweep's runs come seed by seed,
    scenario by scenario, every policy in a row, so each worker process burns in once
    per scenario and seed instead of once per run. States are kept by value (a copy in,
    a copy out), the most recent first, within ``max_bytes``."""

    def __init__(self, max_entries: int = 4, max_bytes: int = 512 * 2**20):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self._states: OrderedDict[tuple[str, int], tuple[dict, int]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(run: RunConfig) -> tuple[str, int]:
        status_quo = run.model_copy(update={"policy": loading.load_policy("none")})
        return loading.config_hash(status_quo), int(run.seed)

    def get(self, run: RunConfig) -> dict | None:
        """A copy of the month-0 state of ``run``'s burn-in, if kept here."""
        key = self.key(run)
        with self._lock:
            found = self._states.get(key)
            if found is None:
                self.misses += 1
                return None
            self._states.move_to_end(key)
            self.hits += 1
        return copy.deepcopy(found[0])

    def put(self, run: RunConfig, state: dict) -> None:
        size = _nbytes(state)
        if size > self.max_bytes:
            return
        kept = copy.deepcopy(state)
        with self._lock:
            self._states[self.key(run)] = (kept, size)
            while len(self._states) > self.max_entries or (
                sum(n for _, n in self._states.values()) > self.max_bytes
            ):
                self._states.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._states.clear()
            self.hits = self.misses = 0


def _nbytes(obj) -> int:
    """Bytes of the numpy arrays in ``obj`` (dicts, lists, tuples and object attributes
    searched)."""
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, dict):
        return sum(_nbytes(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return sum(_nbytes(v) for v in obj)
    if hasattr(obj, "__dict__"):
        return _nbytes(vars(obj))
    return 0


BURN_INS = BurnInStore()


class SkillsModel(mesa.Model):
    """Workers, firms and training providers as arrays; every process a numba kernel.

    Arguments mirror ``skillsim run``: a scenario name or path, policy names (merged
    in order), the number of workers, the horizon in months and the seed. Pass
    ``run`` to use an already resolved RunConfig instead; ``profile=True`` sums the
    wall-clock time of each phase in ``model.timer.seconds``. The model first runs the
    scenario's burn-in under the status-quo policy with drivers frozen, then
    records month 0; each ``step()`` advances one month and records it.
    """

    def __init__(
        self,
        scenario: str = "baseline",
        policies: str | Sequence[str] = ("none",),
        workers: int = 20_000,
        months: int = 120,
        seed: int = 0,
        run: RunConfig | None = None,
        profile: bool = False,
        share_burn_in: bool = False,
    ):
        super().__init__(seed=seed)
        self.timer = PhaseTimer(enabled=profile)
        if run is None:
            run = loading.resolve_run(scenario, policies, workers, months, seed)
        self._configure(run)
        shared = BURN_INS.get(run) if share_burn_in else None
        if shared is not None:
            self.__dict__.update(shared)
        else:
            configured = set(self.__dict__)
            self._set_up()
            self._burn_in()
            if share_burn_in:
                kept = (set(self.__dict__) - configured) | {"clock", "month", "world"}
                BURN_INS.put(run, {k: self.__dict__[k] for k in kept})
        self._start_recording()

    def _configure(self, run: RunConfig) -> None:
        """The resolved run, kernel parameters (the policy's and the status quo's), the
        world, and the clock before the burn-in. (Shared with ReferenceModel.)"""
        self.config = run
        self.seed_value = int(run.seed)
        self.months = run.months
        self.params = params.build(run)
        self.status_quo = params.build(
            run.model_copy(update={"policy": loading.load_policy("none")})
        )
        self.world = params.build_world(run)
        self.burn_in = run.scenario.burn_in_months
        self.clock = 0  # internal month counter; draws are keyed by it
        self.month = -self.burn_in  # reported month: 0 is the policy start

    def _set_up(self) -> None:
        """The initial firms, providers and workers, the work buffers and the wages."""
        run, world = self.config, self.world
        self.firms = initial.make_firms(run, world, self.seed_value)
        self.providers = initial.make_providers(
            run, world, self.firms, self.seed_value, self.status_quo.providers.core_share
        )
        self.workers = initial.make_workers(run, world, self.firms, self.seed_value)
        self._allocate_buffers()
        phases.set_wages(self, self.status_quo)

    def _burn_in_and_record(self) -> None:
        """Run the burn-in under the status quo, then record month 0."""
        self._burn_in()
        self._start_recording()

    def _burn_in(self) -> None:
        for _ in range(self.burn_in):
            self._advance(self.status_quo)

    def _start_recording(self) -> None:
        """The metrics' collector and breakdown frames, and month 0 recorded."""
        self.frames: dict[str, list[np.ndarray]] = {kind: [] for kind in BREAKDOWNS}
        self.datacollector = MetricsCollector()
        self._record()

    # ----------------------------------------------------------------- buffers

    def _allocate_buffers(self) -> None:
        w, f, world = self.workers, self.firms, self.world
        n_cells = world.n_sectors * world.n_regions
        n_domains = w.skills.shape[1]
        self.flows = np.zeros(N_FLOW, dtype=np.int64)
        self.flow_history = np.zeros((12, N_FLOW), dtype=np.int64)
        self.spend = np.zeros(N_SPEND, dtype=np.float64)
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

    # -------------------------------------------------------------------- step

    def step(self) -> None:
        """One month: the ten processes of DESIGN.md in order, then the metrics."""
        self._advance(self.params)
        self._record()
        if self.month >= self.months:
            self.running = False

    def _advance(self, p: params.Params) -> None:
        """The recipe of a month (DESIGN.md, schedule), under parameters ``p``. Each phase
        runs inside ``self.timer`` (a no-op unless profiling), and in a cold start's first
        month inside ``compile_ahead.stage`` (shared with the compile helper)."""
        month, t = self.month + 1, compile_ahead.staged(self.timer)
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
        self.clock += 1
        self.month = month

    # ----------------------------------------------------------------- metrics

    def _record(self) -> None:
        """Compute this month's metrics and breakdowns; collect the reporters."""
        with self.timer("metrics"):
            self._tally()

    def _tally(self) -> None:
        w, pr = self.workers, self.providers
        stage = compile_ahead.stage  # a no-op, except in a cold start's first month
        # Three reads of the same state, in any order: this one is the compile helper's
        # backwards, so that in a cold start the two meet in the middle (compile_ahead).
        with stage("gini"):
            gini = metric_kernels.wage_gini(w.status, w.wage)
        with stage("employability"):
            employability = self._employability()
        with stage("tally"):
            net_cost, recouping = self._tally_tables()
        self._collect(
            employability=employability,
            gini=gini,
            relevance_mean=float(pr.relevance.mean()),
            net_training_cost=net_cost,
            recouping_share=recouping,
        )

    def _tally_tables(self) -> tuple[float, float]:
        """The month's tallies (by region, sector, cohort, cell, and ``self.g``); returns
        the net training cost share and the recouping share."""
        w, f, pr, p = self.workers, self.firms, self.providers, self.params
        metric_kernels.tally(
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
            pr.mix,
            self.first_cohort_year,
            self.by_region,
            self.by_sector,
            self.by_cohort,
            self.by_cell,
            self.g,
        )
        return apprenticeship.net_cost_share_recouping(
            f.train_cost, f.train_benefit, f.appr_started, f.alive
        )

    def _collect(self, **statistics: float) -> None:
        """The month's tables (the tallies, the flows, spending and migration of the step,
        and ``statistics``) composed into the catalogue metrics and breakdowns; the
        reporters collected. (Shared with ReferenceModel.)"""
        tables = metrics.MonthTables(
            by_region=self.by_region,
            by_sector=self.by_sector,
            by_cohort=self.by_cohort,
            by_cell=self.by_cell,
            g=self.g,
            flows=self.flows,
            rolling=self.flow_history.sum(0),
            spend=self.spend,
            mig_in=self.mig_in,
            mig_out=self.mig_out,
            unemployed_before=getattr(self, "unemployed_before", math.nan),
            employed_before=getattr(self, "employed_before", math.nan),
            region_urban=self.world.region_urban,
            sector_kind=self.world.sector_kind,
            **statistics,
        )
        self.current = metrics.compose(tables)
        self.frames["region"].append(metrics.region_rows(tables))
        self.frames["sector"].append(metrics.sector_rows(tables))
        self.frames["cohort"].append(metrics.cohort_rows(tables))
        self.frames["cell"].append(metrics.cell_rows(tables))
        self.datacollector.collect(self)

    def _employability(self) -> float:
        w, f, world = self.workers, self.firms, self.world
        sample = matching.employability_sample(w.status, EMPLOYABILITY_SAMPLE)
        if sample.size == 0 or f.vacancies.sum() == 0:
            return math.nan
        pm = self.params.match
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
            self.params.cert_bonus,
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

    # ------------------------------------------------------------------ output

    def metrics_frame(self) -> pd.DataFrame:
        """One row per month (0 = policy start), one column per catalogue metric."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df.insert(0, "month", np.arange(len(df), dtype=np.int64))
        return df

    def breakdown(self, kind: str) -> pd.DataFrame:
        """Monthly breakdown by ``region``, ``sector``, entry ``cohort`` or ``cell``
        (employer's sector x worker's region; columns ``sector`` and ``region``), in long
        format."""
        world = self.world
        if kind == "cell":
            rows = self.frames["cell"]
            data = np.concatenate(rows) if rows else np.empty((0, len(metrics.CELL_COLUMNS)))
            df = pd.DataFrame(data, columns=list(metrics.CELL_COLUMNS))
            n_cells = world.n_sectors * world.n_regions
            df.insert(0, "region", np.tile(np.tile(world.region_names, world.n_sectors), len(rows)))
            df.insert(
                0, "sector", np.tile(np.repeat(world.sector_names, world.n_regions), len(rows))
            )
            df.insert(0, "month", np.repeat(np.arange(len(rows), dtype=np.int64), n_cells))
            return df
        if kind == "region":
            labels, columns = world.region_names, metrics.REGION_COLUMNS
        elif kind == "sector":
            labels, columns = world.sector_names, metrics.SECTOR_COLUMNS
        elif kind == "cohort":
            n = self.by_cohort.shape[0]
            labels = tuple(range(self.first_cohort_year, self.first_cohort_year + n))
            columns = metrics.COHORT_COLUMNS
        else:
            raise ValueError(f"unknown breakdown {kind!r}: use one of {', '.join(BREAKDOWNS)}")
        rows = self.frames[kind]
        data = np.concatenate(rows) if rows else np.empty((0, len(columns)))
        df = pd.DataFrame(data, columns=list(columns))
        df.insert(0, kind, np.tile(np.array(labels), len(rows)))
        df.insert(0, "month", np.repeat(np.arange(len(rows), dtype=np.int64), len(labels)))
        if kind == "cohort":
            df = df[df["entrants"] > 0].reset_index(drop=True)
        return df
