"""One run from resolved configuration to a results folder.

Layout of a run folder::

    metrics.parquet    one row per month (0 = policy start), one column per metric
    region.parquet     month x region breakdown
    sector.parquet     month x sector breakdown
    cohort.parquet     month x entry-cohort (year of labour-market entry) breakdown
    cell.parquet       month x employer's sector x worker's region (the employed)
    transitions.parquet  month x status at the month's start x at its end (gross flows)
    region_transitions.parquet  the same by region at the month's start, with moves
                                 between regions
    manifest.json      resolved config, hash, seed, code and package versions, timings
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulation import metrics, stop, store
from simulation.config import RunConfig
from simulation.loading import config_hash
from simulation.model import BREAKDOWNS  # the tables a run writes besides the metrics
from simulation.state import Flow

ENGINES = ("engine", "reference")  # SkillsModel (numba); ReferenceModel (plain Mesa)


@dataclass
class RunResult:
    config: RunConfig
    metrics: pd.DataFrame
    breakdowns: dict[str, pd.DataFrame]
    timings: dict[str, float]
    engine: str = "engine"
    # Where and with what it was computed (``provenance()``, taken in the process that
    # ran it: on a cluster, the worker's, not that of the sweep process that writes it).
    provenance: dict | None = None
    # School leavers who found no free worker row over the run's months (the population
    # at its row capacity): none in the shipped scenarios; said, not silent.
    turned_away: int = 0


def provenance() -> dict:
    """This process's code version, package versions and environment (with its host),
    and the digest of the skillsim source it runs (``code``, as a sweep's ledger has it:
    a commit with a dirty tree does not tell two versions of its files apart). The
    digest covers every module of the package, each as this process imported it (the
    others as the package was imported: ``simulation.source``), so the same code has
    one digest in any process."""
    from simulation.experiment.executors import code_digest, loaded_code

    return {
        "code_version": store.code_version(),
        "code": code_digest(loaded_code()),
        "packages": store.package_versions(),
        "environment": {**store.environment(), "host": socket.gethostname()},
    }


def simulate(
    run: RunConfig,
    progress: Callable[[int], None] | None = None,
    profile: bool = False,
    engine: str = "engine",
    share_burn_in: bool = False,
    burn_in_progress: Callable[[int], None] | None = None,
    started: Callable[[], None] | None = None,
) -> RunResult:
    """Build the model (burn-in included) and step it to the horizon; ``progress(month)``
    after each month of the run, ``burn_in_progress(k)`` after the burn-in's k-th month
    (the engine's; none for a burn-in shared with an earlier run), ``started()`` once the
    model is built, before its first month. With ``profile``,
    ``timings["phase_seconds"]`` holds the time of each phase over the run's months
    (burn-in excluded). ``engine="reference"`` runs the plain-Mesa reference model
    instead (the same results, far slower; no phase profile). ``share_burn_in``: the
    engine reuses the month-0 state of an earlier run in this process that differs only
    in policy (``model.BurnInStore``; the results are the same)."""
    with stop.deferred():  # (a stop acts between months: see simulation.stop)
        result = _simulate(run, progress, profile, engine, share_burn_in, burn_in_progress, started)
        # (a stop after the last month's check, while the tables were made: the run is
        # not finished till it is returned, and a deferred stop is never swallowed)
        stop.check()
        return result


def _simulate(run, progress, profile, engine, share_burn_in, burn_in_progress, started):
    from simulation.model import SkillsModel  # imported here: compiling kernels is slow

    def burned_in(k: int) -> None:  # (a stop during the burn-in ends it there)
        stop.check()
        if burn_in_progress is not None:
            burn_in_progress(k)

    t0 = time.perf_counter()
    if engine == "reference":
        from simulation.reference import ReferenceModel

        model = ReferenceModel(run=run, burn_in_progress=burned_in)
        profile = False
    else:
        model = SkillsModel(
            run=run,
            profile=profile,
            share_burn_in=share_burn_in,
            burn_in_progress=burned_in,
        )
        model.timer.seconds.clear()  # the profile covers the run's months, not the burn-in
    t1 = time.perf_counter()
    if started is not None:
        started()
    first_month = None
    # A stop whose KeyboardInterrupt Python dropped (one landing in a callback from
    # compiled code, as numba's cache loader makes) is kept in ``stop.requested``: the
    # run ends at the next month, not at its last with the stop forgotten.
    stop.check()
    turned_away = 0
    while model.running:
        model.step()
        turned_away += int(model.flows[Flow.ENTRANTS_TURNED_AWAY])
        stop.check()
        if first_month is None:
            first_month = time.perf_counter() - t0
        if progress is not None:
            progress(model.month)
    t2 = time.perf_counter()
    frames = {kind: model.breakdown(kind) for kind in BREAKDOWNS}
    timings = {
        "setup_and_burn_in_seconds": t1 - t0,
        "first_month_seconds": first_month if first_month is not None else t1 - t0,
        "months_seconds": t2 - t1,
        "total_seconds": t2 - t0,
    }
    if profile:
        timings["phase_seconds"] = dict(model.timer.seconds)
    return RunResult(
        config=run,
        metrics=model.metrics_frame(),
        breakdowns=frames,
        timings=timings,
        engine=engine,
        provenance=provenance(),
        turned_away=turned_away,
    )


def manifest(result: RunResult, status: str = "complete") -> dict:
    run = result.config
    return {
        "schema_version": store.SCHEMA_VERSION,
        "kind": "run",
        "status": status,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "scenario": run.scenario.name,
        "policy": run.policy.name,
        "engine": result.engine,
        "seed": run.seed,
        "workers": run.workers,
        "months": run.months,
        "config_hash": config_hash(run),
        **(result.provenance or provenance()),
        "timings": result.timings,
        "entrants_turned_away": result.turned_away,
        "files": {
            "metrics": "metrics.parquet",
            **{kind: f"{kind}.parquet" for kind in result.breakdowns},
        },
        "config": run.model_dump(mode="json"),
    }


def write(result: RunResult, out: Path, elsewhere: bool = False) -> Path:
    """Write a run folder; returns where it went. The folder is built beside ``out``
    under a temporary name and renamed into place, so ``out`` either holds a complete
    run or does not exist. If ``out`` exists: FileExistsError, or with ``elsewhere`` the
    first unused ``out-1``, ``out-2``, ... (``store.NewFolder``)."""
    folder = store.NewFolder(out, elsewhere=elsewhere)
    with folder as tmp:
        units = {"month": metrics.MONTH} | {
            m.name: f"{m.unit}: {m.definition}" for m in metrics.CATALOGUE
        }
        store.write_parquet(result.metrics, tmp / "metrics.parquet", units)
        for kind, frame in result.breakdowns.items():
            store.write_parquet(frame, tmp / f"{kind}.parquet", metrics.BREAKDOWN_DEFINITIONS[kind])
        store.write_json(manifest(result), tmp / "manifest.json")
    return folder.out


default_out = store.default_run_out  # results/<scenario>__<policy>__seed<S>__<timestamp>
