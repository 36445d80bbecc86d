"""The validation's runs: which ones (a plan), and where they execute.

A plan is, for each of ``n`` seeds (derived from a root seed as sweeps derive theirs),
one run of the scenario as it is and one with the demand cycle; the two runs of a seed
share its random draws. Runs execute as sweeps' runs do (``experiment.executors``): in
this process (serial), on a spawn process pool of ``jobs`` workers (processes, the
default) or on Dask (a local cluster of ``jobs`` workers, or the scheduler at
``scheduler``), with cores / jobs numba threads per run on a local pool or cluster.
Each worker returns a small ``Observation``; only the calling process writes.
"""

from __future__ import annotations

import concurrent.futures as cf
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from simulation import loading
from simulation.config import RunConfig
from simulation.experiment import design, executors
from simulation.validation.observe import KINDS, ObservationTask, Result, demand_cycle, observe

EXECUTORS = ("serial", "processes", "dask")


@dataclass(frozen=True)
class Plan:
    run: RunConfig  # the scenario as it is, seed 0 (each task sets its seed)
    root_seed: int
    seeds: list[int]
    tasks: list[ObservationTask]

    @property
    def scenario(self) -> str:
        return self.run.scenario.name

    @property
    def policy(self) -> str:
        return self.run.policy.name


def make_plan(
    scenario: str,
    policies: Sequence[str],
    workers: int,
    months: int,
    n_seeds: int,
    root_seed: int,
) -> Plan:
    """Every run of the validation, configured and validated (nothing runs here);
    an unknown scenario or policy or a bad size raises ConfigError."""
    run = loading.resolve_run(scenario, policies, workers, months, 0)
    cycle = run.model_copy(update={"scenario": demand_cycle(run.scenario, months)})
    seeds = design.replication_seeds(root_seed, n_seeds)
    tasks = [
        ObservationTask(kind, r, config.model_copy(update={"seed": seed}))
        for r, seed in enumerate(seeds)
        for kind, config in zip(KINDS, (run, cycle), strict=True)
    ]
    return Plan(run, root_seed, seeds, tasks)


def execute(
    tasks: Iterable[ObservationTask],
    executor: str = "processes",
    jobs: int | None = None,
    scheduler: str | None = None,
    threads: int | None = None,
    on_result: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Run every task; the results in plan order (kind, then seed), whatever order the
    executor finished them in."""
    executor, jobs, threads = executors.resources(executor, jobs, scheduler, threads)
    todo = [replace(t, threads=threads) for t in tasks]
    if executor == "serial":
        stream = executors.run_serial(todo, observe)
    elif executor == "processes":
        stream = _pool(todo, jobs)
    else:
        stream = _dask(todo, scheduler, jobs)
    results = []
    for result in stream:
        results.append(result)
        if on_result is not None:
            on_result(result)
    return sorted(results, key=lambda r: (KINDS.index(r.key[0]), r.key[1]))


def _failed(task: ObservationTask, exc: BaseException, what: str) -> Result:
    return Result(task.key, None, f"{what}\n{''.join(traceback.format_exception(exc))}")


def _pool(tasks: list[ObservationTask], jobs: int) -> Iterator[Result]:
    pool = executors.process_pool(jobs)()
    try:
        running = {pool.submit(observe, task): task for task in tasks}
        for fut in cf.as_completed(running):
            try:
                yield fut.result()
            except Exception as exc:  # the worker process died
                yield _failed(running[fut], exc, "a worker process died during this run")
    except BaseException:  # Ctrl-C, SIGTERM, the generator closed: stop now, not after
        executors.stop_pool(pool)  # the runs in flight, whose results nobody will read
        raise
    pool.shutdown(wait=True, cancel_futures=True)


def _dask(tasks: list[ObservationTask], scheduler: str | None, jobs: int) -> Iterator[Result]:
    from distributed import as_completed

    # (a malformed or silent scheduler: executors.ExecutorError, before any run)
    with executors.dask_client(scheduler, jobs) as client:
        running = {}
        for task in tasks:
            fut = client.submit(observe, task, pure=False)
            running[fut.key] = (fut, task)
        for fut in as_completed([f for f, _ in running.values()]):
            try:
                yield fut.result()
            except Exception as exc:  # the worker died or the task could not run there
                yield _failed(running[fut.key][1], exc, "the Dask cluster could not run this run")
