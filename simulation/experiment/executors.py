"""Where runs execute: in this process, in a pool of processes, or on a Dask cluster.

Every executor takes an iterable of ``Task`` and yields one ``Outcome`` per task, in
completion order. A run that raises comes back as an Outcome with its traceback; the
executor goes on. Workers return results to the caller, which alone writes the sweep
folder (so a Dask cluster needs no shared file system).

Process pools are long-lived and use the spawn start method: each worker process
imports the engine and loads the numba kernels (cache=True) once, then runs many
runs. Numba threads per run default to cores / jobs, so jobs x threads fills the
machine without oversubscribing it.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import socket
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from simulation.config import RunConfig
from simulation.config_errors import ExecutorError
from simulation.runner import RunResult

WINDOW_PER_JOB = 2  # tasks in flight per worker: enough to keep workers busy, memory bounded


@dataclass(frozen=True)
class Task:
    run_id: str
    config: RunConfig
    keep: tuple[str, ...]  # breakdown tables to return besides the metrics
    threads: int | None = None  # numba threads for the run; None = leave as is
    # Reuse the month-0 state of an earlier run of this process that differs only in its
    # policy (model.BurnInStore): a sweep's runs do, a calibration's points do not.
    share_burn_in: bool = False


@dataclass
class Outcome:
    run_id: str
    result: RunResult | None  # None when the run failed
    error: str = ""  # the traceback of a failed run
    seconds: float = 0.0
    host: str = ""

    @property
    def ok(self) -> bool:
        return self.result is not None


def _set_threads(threads: int | None) -> None:
    if not threads:
        return
    import numba

    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))


def execute(task: Task) -> Outcome:
    """Run one task; never raises for an error inside the run."""
    from simulation import runner

    host = f"{socket.gethostname()}:{os.getpid()}"
    t0 = time.perf_counter()
    try:
        _set_threads(task.threads)
        result = runner.simulate(task.config, share_burn_in=task.share_burn_in)
        result.breakdowns = {k: v for k, v in result.breakdowns.items() if k in task.keep}
    except Exception:
        return Outcome(task.run_id, None, traceback.format_exc(), time.perf_counter() - t0, host)
    return Outcome(task.run_id, result, "", time.perf_counter() - t0, host)


def _failure(task: Task, exc: BaseException, what: str) -> Outcome:
    text = "".join(traceback.format_exception(exc))
    return Outcome(task.run_id, None, f"{what}\n{text}")


def local_threads(jobs: int) -> int:
    return max(1, (os.cpu_count() or 1) // jobs)


# ------------------------------------------------------------------- executors


def run_serial(tasks: Iterable[Any], work: Callable[[Any], Any] = execute) -> Iterator[Any]:
    """``work`` on each task in this process (default ``execute``: a Task's run); numba's
    thread count is restored afterwards."""
    import numba

    before = numba.get_num_threads()
    try:
        for task in tasks:
            yield work(task)
    finally:
        numba.set_num_threads(before)


def run_futures(
    tasks: Iterable[Task], make_pool: Callable[[], cf.Executor] | cf.Executor, jobs: int
) -> Iterator[Outcome]:
    """Run on a concurrent.futures executor, at most ``WINDOW_PER_JOB * jobs`` tasks in
    flight. ``make_pool`` makes (and this shuts down) the pool; if it breaks (a worker
    process died), the runs in flight are reported failed and a new pool takes the rest.
    A ready executor is used as it is, and left running."""
    owned = not isinstance(make_pool, cf.Executor)
    pending = iter(tasks)
    pool = make_pool() if owned else make_pool
    running: dict[cf.Future, Task] = {}
    try:
        while True:
            while len(running) < WINDOW_PER_JOB * jobs:
                task = next(pending, None)
                if task is None:
                    break
                running[pool.submit(execute, task)] = task
            if not running:
                return
            finished, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            broken = False
            for fut in finished:
                task = running.pop(fut)
                try:
                    yield fut.result()
                except cf.BrokenExecutor as exc:
                    broken = True
                    yield _failure(task, exc, "a worker process died while this run was in flight")
            if broken and owned:
                for fut, task in list(running.items()):
                    exc = fut.exception()
                    if exc is None:
                        yield fut.result()
                    else:
                        yield _failure(
                            task, exc, "a worker process died while this run was in flight"
                        )
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = make_pool()
    finally:
        if owned:
            pool.shutdown(wait=True, cancel_futures=True)


def process_pool(jobs: int) -> Callable[[], cf.Executor]:
    def make() -> cf.Executor:
        ctx = multiprocessing.get_context("spawn")
        return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)

    return make


def local_cluster(jobs: int):
    """A Dask cluster on this machine: ``jobs`` single-threaded worker processes."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=jobs,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )


SCHEDULER_SCHEMES = ("tcp", "tls")
SCHEDULER_FORM = (
    "an address of the form tcp://HOST:PORT (or tls://HOST:PORT), e.g. tcp://127.0.0.1:8786"
)


def check_scheduler(address: str) -> str:
    """``address`` if it has the form of a Dask scheduler address (tcp:// or tls://,
    a host and a port from 1 to 65535; a bare HOST:PORT means tcp://); otherwise
    ``ExecutorError`` saying what is allowed. Nothing is contacted (and Dask is not
    imported) here."""
    text = address.strip()
    parts = urlsplit(text if "://" in text else f"tcp://{text}")
    problem = ""
    try:
        port = parts.port
    except ValueError:  # not a number, or above 65535
        port = None
    if parts.scheme not in SCHEDULER_SCHEMES:
        problem = f"unknown protocol {parts.scheme}://"
    elif not parts.hostname or any(c.isspace() for c in parts.hostname) or parts.username:
        problem = "no host"
    elif port is None or not 1 <= port <= 65535:
        problem = "no port from 1 to 65535"
    elif parts.path or parts.query or parts.fragment:
        problem = "something after the port"
    if problem:
        raise ExecutorError(
            f"--scheduler {address}: not a Dask scheduler address ({problem}); "
            f"allowed: {SCHEDULER_FORM}"
        )
    return text


@contextlib.contextmanager
def dask_client(scheduler: str | None, jobs: int) -> Iterator[Any]:
    """A Dask ``Client`` of the scheduler at ``scheduler``, or of a local cluster of
    ``jobs`` single-threaded worker processes started here; the client is closed (and
    the local cluster stopped) when the block ends. A malformed address, or a
    scheduler not reached within Dask's connect timeout
    (``distributed.comm.timeouts.connect``, 30 s unless configured), raises
    ``ExecutorError`` before the block starts."""
    from distributed import Client

    if scheduler is not None:
        scheduler = check_scheduler(scheduler)
        try:
            client = Client(scheduler)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorError(
                f"--scheduler {scheduler}: no Dask scheduler answered there ({exc}); start "
                "one (`dask scheduler` prints its address) and give its address"
            ) from None
        cluster = None
    else:
        cluster = local_cluster(jobs)
        client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_dask(
    tasks: Iterable[Task], scheduler: str | None, jobs: int, client: Any = None
) -> Iterator[Outcome]:
    """Submit to ``client`` (a connected Dask ``Client``, left open), else to the Dask
    scheduler at ``scheduler`` (tcp://host:port), else to a local cluster of ``jobs``
    single-threaded worker processes started here and stopped after."""
    if client is None:
        with dask_client(scheduler, jobs) as own:
            yield from run_dask(tasks, scheduler, jobs, own)
        return
    from distributed import as_completed

    window = WINDOW_PER_JOB * max(1, len(client.scheduler_info()["workers"]))
    pending = iter(tasks)
    running = {}
    queue = as_completed()
    for task in pending:
        fut = client.submit(execute, task, pure=False)
        running[fut.key] = task
        queue.add(fut)
        if len(running) >= window:
            break
    for fut in queue:
        task = running.pop(fut.key)
        try:
            yield fut.result()
        except Exception as exc:  # the worker died or the task could not run there
            yield _failure(task, exc, "the Dask cluster could not run this run")
        fut.release()
        nxt = next(pending, None)
        if nxt is not None:
            new = client.submit(execute, nxt, pure=False)
            running[new.key] = nxt
            queue.add(new)


EXECUTORS = ("serial", "processes", "dask")


def resources(
    executor: str, jobs: int | None, scheduler: str | None, threads: int | None
) -> tuple[str, int, int | None]:
    """The executor (dask when a scheduler is given), the worker processes (default one
    per core) and numba threads per run (default cores / jobs on a local pool or
    cluster; as configured for serial and a remote cluster)."""
    if scheduler is not None:
        executor = "dask"
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)} (got {executor!r})")
    jobs = jobs or os.cpu_count() or 1
    if threads is None and (executor == "processes" or (executor == "dask" and not scheduler)):
        threads = local_threads(jobs)
    return executor, jobs, threads


@contextlib.contextmanager
def session(
    executor: str = "processes",
    jobs: int | None = None,
    scheduler: str | None = None,
    threads: int | None = None,
) -> Iterator[Callable[[Iterable[Task]], Iterator[Outcome]]]:
    """One executor kept open for several batches of runs (a calibration's rounds).

    Yields ``run(tasks)``, which takes tasks (their ``threads`` are set here) and yields
    their outcomes in completion order. A process pool or a local Dask cluster starts
    once, so its workers load the kernels once, and stops when the block ends; a
    remote Dask scheduler is connected to once, when the block starts
    (``ExecutorError`` if it cannot be).
    ``threads`` defaults to cores / jobs on a local pool or cluster.
    """
    executor, jobs, threads = resources(executor, jobs, scheduler, threads)

    def with_threads(tasks: Iterable[Task]) -> Iterator[Task]:
        for t in tasks:
            yield replace(t, threads=threads)

    if executor == "serial":
        yield lambda tasks: run_serial(with_threads(tasks))
        return
    if executor == "processes":
        pool = process_pool(jobs)()
        try:
            yield lambda tasks: run_futures(with_threads(tasks), pool, jobs)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    with dask_client(scheduler, jobs) as client:  # connects now: a bad address fails here
        yield lambda tasks: run_dask(with_threads(tasks), scheduler, jobs, client)
