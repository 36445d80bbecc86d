"""SkillsModel: the Mesa model whose step() is the recipe of kernel calls (the engine,
``simulation.engine``), recorded month by month."""

from __future__ import annotations

# isort: off
from simulation import compile_early  # noqa: F401  (first: see its docstring)

# isort: on
import copy
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import partial

import mesa
import numpy as np
import pandas as pd

from simulation import compile_ahead, loading, metrics
from simulation.config import RunConfig
from simulation.engine import Engine, PhaseTimer
from simulation.kernels import metrics as metric_kernels
from simulation.kernels import parallel

# the kinds of ``SkillsModel.breakdown``
BREAKDOWNS = ("region", "sector", "cohort", "cell", "transitions", "region_transitions")


def metric_value(name: str, model: SkillsModel) -> float:
    """Model reporter body: this month's value of one catalogue metric."""
    return model.current[name]


class MetricsCollector(mesa.DataCollector):
    """Mesa's DataCollector with one model reporter per catalogue metric
    (``metric_value``: the metric's value in ``model.current``). ``collect`` appends
    those values straight from ``model.current``: the same floats Mesa's own ``collect``
    stores, without calling 66 reporters and deep-copying each float they return."""

    def __init__(self):
        super().__init__(
            model_reporters={name: partial(metric_value, name) for name in metrics.NAMES}
        )

    def collect(self, model) -> None:
        current = model.current
        for name, values in self.model_vars.items():
            values.append(current[name])
        # Newer Mesa (3.5) also notes the time of each collection, and its batch_run
        # finds a step's row by it: without it, batch_run returns no rows.
        steps = getattr(self, "_collection_steps", None)
        if steps is not None:
            steps.append(getattr(model, "time", model.steps))


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
        return loading.burn_in_key(run)

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


class SkillsModel(Engine, mesa.Model):
    """Workers, firms and training providers as arrays; every process a numba kernel.

    Arguments mirror ``skillsim run``: a scenario name or path, policy names (merged
    in order), the number of workers, the horizon in months and the seed. Pass
    ``run`` to use an already resolved RunConfig instead; ``profile=True`` sums the
    wall-clock time of each phase in ``model.timer.seconds``. The model first runs the
    scenario's burn-in under the status-quo policy with drivers frozen, then
    records month 0; each ``step()`` advances one month and records it.
    ``burn_in_progress(k)``, if given, is called after the burn-in's k-th month.
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
        burn_in_progress: Callable[[int], None] | None = None,
    ):
        super().__init__(rng=seed)  # (Mesa's own generators: the model draws from simulation.rng)
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
            self._burn_in(burn_in_progress)
            if share_burn_in:
                kept = (set(self.__dict__) - configured) | {"clock", "month", "world"}
                BURN_INS.put(run, {k: self.__dict__[k] for k in kept})
        self._start_recording()

    def _burn_in_and_record(self, progress: Callable[[int], None] | None = None) -> None:
        """Run the burn-in under the status quo (``progress(k)`` after its k-th month),
        then record month 0."""
        self._burn_in(progress)
        self._start_recording()

    def _start_recording(self) -> None:
        """The metrics' collector and the breakdowns' tables, and month 0 recorded."""
        # Each month's breakdown tables as the tally left them (copies: the tally reuses
        # its buffers), the arguments of ``metrics.region_rows`` and the like;
        # ``breakdown`` turns every month's into rows at once.
        self.breakdown_tables: dict[str, list] = {kind: [] for kind in BREAKDOWNS}
        self.datacollector = MetricsCollector()
        self._record()

    # -------------------------------------------------------------------- step

    def step(self) -> None:
        """One month: the ten processes of DESIGN.md in order, then the metrics. The
        last month is ``months``: past it the scenario's paths and the status quo's
        comparison end, and a step is refused (``running`` is False from then on)."""
        if self.month >= self.months:
            self.steps = self.month  # (Mesa counts a step before calling this: not this one)
            raise RuntimeError(
                f"this model's run ended at month {self.months} (months={self.months}); "
                "build a model with more months to run longer"
            )
        self._advance(self.params)
        self._record()
        if self.month >= self.months:
            self.running = False

    # ----------------------------------------------------------------- metrics

    def _record(self) -> None:
        """Compute this month's metrics and breakdowns; collect the reporters."""
        with self.timer("metrics"):
            self._tally()

    def _tally(self) -> None:
        pr = self.providers
        # Three reads of the same state, in any order, each writing only its own
        # buffers. In a cold start's first month, one after the other, in the compile
        # helper's order backwards, so that the two meet in the middle (compile_ahead);
        # otherwise the Gini and the employability estimate run beside the tallies, on
        # a second thread (parallel.start; with one thread, or in a model too small to
        # pay for the hand-over, here after the tallies).
        if compile_ahead.sharing():
            stage = compile_ahead.stage
            with stage("gini"):
                gini = self._gini()
            with stage("employability"):
                employability = self._employability()
            with stage("tally"):
                net_cost, recouping = self._tally_tables()
        else:
            beside = parallel.start(
                self._gini_and_employability, workers=self.workers.status.shape[0]
            )
            net_cost, recouping = self._tally_tables()
            gini, employability = beside.result()
        self._collect(
            employability=employability,
            gini=gini,
            relevance_mean=float(pr.relevance.mean()),
            net_training_cost=net_cost,
            recouping_share=recouping,
        )

    def _compose_in_one_call(self) -> bool:
        """Whether the month's metrics are composed in one compiled call
        (``metrics.compose_compiled``): in models whose month runs in one call."""
        return self._in_one_call()

    def _gini_and_employability(self) -> tuple[float, float]:
        return self._gini(), self._employability()

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
            appr_money=self.appr_money,
            mig_in=self.mig_in,
            mig_out=self.mig_out,
            unemployed_before=getattr(self, "unemployed_before", math.nan),
            employed_before=getattr(self, "employed_before", math.nan),
            region_urban=self.world.region_urban,
            sector_kind=self.world.sector_kind,
            **statistics,
        )
        compose = metrics.compose_compiled if self._compose_in_one_call() else metrics.compose
        self.current = compose(tables)
        kept = self.breakdown_tables
        kept["region"].append(
            (self.by_region.copy(), self.mig_in - self.mig_out, self._provider_seats())
        )
        kept["sector"].append((self.by_sector.copy(),))
        kept["cohort"].append((self.by_cohort.copy(),))
        kept["cell"].append((self.by_cell.copy(),))
        moves = self._region_transitions()
        kept["region_transitions"].append(moves)
        kept["transitions"].append(moves[..., metric_kernels.T_WORKERS].sum(0))
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ output

    def metrics_frame(self) -> pd.DataFrame:
        """One row per month (0 = policy start), one column per catalogue metric."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df.insert(0, "month", np.arange(len(df), dtype=np.int64))
        return df

    def _transition_frame(self, kind: str = "transitions") -> pd.DataFrame:
        """The transitions breakdown (one row per month and pair of statuses) or, for
        ``kind="region_transitions"``, by region too (one row per month, region at the
        month's start and pair of statuses)."""
        kept = self.breakdown_tables[kind]
        by_region = kind == "region_transitions"
        labels = self.world.region_names if by_region else ("",)
        n_from, n_to = len(metrics.FROM_STATUSES), len(metrics.TO_STATUSES)
        months, n_regions = len(kept), len(labels)
        depth = metric_kernels.T_MOVED_IN + 1 if by_region else 1  # (the counts a pair has)
        counts = np.array(kept, dtype=np.int64).reshape(months, n_regions, n_from, n_to, depth)
        workers = counts[..., metric_kernels.T_WORKERS]
        started = workers.sum(axis=3, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):  # (none there: NaN)
            rates = workers / started
        pairs = n_from * n_to
        columns = {"month": np.repeat(np.arange(months, dtype=np.int64), n_regions * pairs)}
        if by_region:
            columns["region"] = np.tile(np.repeat(np.array(labels), pairs), months)
            urban = np.repeat(self.world.region_urban == 1, pairs)
            columns["urban"] = np.tile(urban, months)
        columns["from_status"] = np.tile(np.repeat(metrics.FROM_STATUSES, n_to), months * n_regions)
        columns["to_status"] = np.tile(metrics.TO_STATUSES, months * n_regions * n_from)
        columns["workers"] = workers.reshape(-1)
        if by_region:
            columns["moved_out"] = counts[..., metric_kernels.T_MOVED_OUT].reshape(-1)
            columns["moved_in"] = counts[..., metric_kernels.T_MOVED_IN].reshape(-1)
        columns["transition_rate"] = rates.reshape(-1)
        if by_region:
            with np.errstate(divide="ignore", invalid="ignore"):
                moved = counts[..., metric_kernels.T_MOVED_OUT] / started
            columns["moved_out_rate"] = moved.reshape(-1)
        return pd.DataFrame(columns)

    def breakdown(self, kind: str) -> pd.DataFrame:
        """Monthly breakdown by ``region``, ``sector``, entry ``cohort``, ``cell``
        (employer's sector x worker's region; columns ``sector`` and ``region``) or
        ``transitions`` (status at the month's start x at its end; columns
        ``from_status`` and ``to_status``) or ``region_transitions`` (the same by region
        at the month's start; column ``region`` too), in long format."""
        world = self.world
        if kind == "region":
            labels, columns = world.region_names, metrics.REGION_COLUMNS
            rows = partial(
                metrics.region_rows,
                provider_region=self._provider_regions(),
                intake=metrics.intake_months(
                    len(self.breakdown_tables[kind]),
                    self.params.demography.cohort_month,
                    burned_in=self.burn_in > 0,
                ),
            )
        elif kind == "sector":
            labels, columns, rows = world.sector_names, metrics.SECTOR_COLUMNS, metrics.sector_rows
        elif kind == "cohort":
            n = self.by_cohort.shape[0]
            labels = tuple(range(self.first_cohort_year, self.first_cohort_year + n))
            columns, rows = metrics.COHORT_COLUMNS, metrics.cohort_rows
        elif kind == "cell":
            labels, columns, rows = (), metrics.CELL_COLUMNS, metrics.cell_rows
        elif kind in ("transitions", "region_transitions"):
            return self._transition_frame(kind)
        else:
            raise ValueError(f"unknown breakdown {kind!r}: use one of {', '.join(BREAKDOWNS)}")
        kept = self.breakdown_tables[kind]  # per month: the tables ``rows`` takes
        months = len(kept)
        if kept:  # every month's rows at once: the tables stacked month by month
            data = rows(*(np.array(tables) for tables in zip(*kept, strict=True)))
            data = data.reshape(-1, len(columns))
        else:
            data = np.empty((0, len(columns)))
        df = pd.DataFrame(data, columns=list(columns))
        if kind == "cell":
            n_cells = world.n_sectors * world.n_regions
            df.insert(0, "region", np.tile(np.tile(world.region_names, world.n_sectors), months))
            df.insert(0, "sector", np.tile(np.repeat(world.sector_names, world.n_regions), months))
            df.insert(0, "month", np.repeat(np.arange(months, dtype=np.int64), n_cells))
            return df
        if kind == "region":
            df.insert(0, "urban", np.tile(world.region_urban == 1, months))
        df.insert(0, kind, np.tile(np.array(labels), months))
        df.insert(0, "month", np.repeat(np.arange(months, dtype=np.int64), len(labels)))
        if kind == "cohort":
            df = df[df["entrants"] > 0].reset_index(drop=True)
        return df
