"""Run a sweep: plan -> sweep folder -> executor -> one run folder per finished run."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from simulation import stop
from simulation.experiment import executors
from simulation.experiment.executors import EXECUTORS, Outcome, Task
from simulation.experiment.plan import Plan
from simulation.experiment.store import SweepStore, SweepWriteError


@dataclass
class SweepReport:
    out: Path
    runs: int  # in the plan
    skipped: int  # already done when the sweep started
    done: int  # finished in this call
    failed: int  # failed in this call
    seconds: float
    failures: dict[str, str] = field(default_factory=dict)  # run id -> traceback
    # why the sweep stopped before its last run (a worker with other skillsim code), or ""
    stopped: str = ""
    # school leavers turned away in this call's finished runs (runner.RunResult)
    turned_away: int = 0

    @property
    def complete(self) -> bool:
        return self.skipped + self.done == self.runs


def _after(first: Iterator[Outcome], then: Iterator[Outcome]) -> Iterator[Outcome]:
    """``first``'s outcomes, then ``then``'s; closing it closes both."""
    try:
        yield from first
        yield from then
    finally:
        for it in (first, then):
            if hasattr(it, "close"):
                it.close()


def _left_in_spool(store: SweepStore) -> tuple[list[Outcome], int]:
    """The outcomes a stopped pool left in the spool for runs still to do, read now, and
    how many others it left there: unreadable (a pickle of older packages, a file cut
    short by a crash) or computed by other code or packages, whose files are removed so
    that their runs are computed again (read when the runs were recorded, they were
    skipped and never computed, or stopped every resume: an outside review)."""
    kept, stale = [], 0
    for run_id in store.left_in_spool:
        outcome = executors.read_spooled(store.spool, run_id)  # (None: removed)
        if outcome is not None:
            if not executors.foreign(outcome)[1]:
                kept.append(outcome)
                continue
            with contextlib.suppress(OSError):
                executors.spool_file(store.spool, run_id).unlink()
        stale += 1
    return kept, stale


def _spool(store: SweepStore) -> Path | None:
    """The sweep's spool folder, made; None if it cannot be (then a batch's runs come
    back when its last ends)."""
    try:
        store.spool.mkdir(exist_ok=True)
    except OSError:
        return None
    return store.spool if executors.make_spool_key(store.spool) else None


def default_out(plan: Plan, root: Path = Path("results")) -> Path:
    """results/sweep-<experiment>-<hash>: the same command finds the same folder again."""
    return root / f"sweep-{plan.experiment.config.name}-{plan.sweep_hash[:8]}"


def run_sweep(
    plan: Plan,
    out: Path,
    executor: str | cf.Executor = "processes",
    jobs: int | None = None,
    scheduler: str | None = None,
    threads: int | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    share_burn_in: bool = True,
    on_note: Callable[[str], None] | None = None,
    reuse: bool = True,
) -> SweepReport:
    """Run every run of ``plan`` not yet done in ``out``.

    ``executor``: "serial", "processes" (a spawn process pool of ``jobs`` workers,
    default one per core), "dask" (a local cluster of ``jobs`` workers, or the
    scheduler at ``scheduler``), or any concurrent.futures executor. ``threads``: numba
    threads per run (default: cores / jobs on a local pool or cluster; numba's default,
    set each run, on a remote cluster; as configured for serial).
    ``on_start(todo, skipped)`` is called once,
    ``on_outcome`` after each run is recorded. ``share_burn_in``: a worker process
    starts a run from the month-0 state of an earlier run of the same scenario, size,
    horizon and seed (``model.BurnInStore``; the results are the same either way).
    ``on_note(text)`` is told what the researcher should know before the runs start
    (a Dask scheduler without workers: the runs wait for them; finished runs computed
    by other code than this: a resumed sweep mixes them with the new ones; runs copied
    from another sweep). ``reuse``: a run still to do that a sweep of the same
    experiment beside ``out`` finished with this code and numerical packages (its
    configuration and seed the same) is copied from there, not computed again
    (``SweepStore._reuse``: more seeds, or a policy added, compute only the new runs).

    Process pools start their workers with the spawn method, which imports the
    caller's main module again: a script that calls this needs the usual
    ``if __name__ == "__main__":`` guard.

    Raises, before anything is written: ``SweepFolderError`` if ``out`` cannot take
    this sweep (a file, not a sweep's folder, another sweep's folder, busy);
    ``executors.ExecutorError`` if the scheduler address is malformed or does not
    answer. Raises ``SweepWriteError`` if a file of the folder cannot be written (a
    full disk, ...): the sweep stops at once, its finished runs kept, and the manifest
    says why if it can be written; the same call resumes it once the cause is fixed.
    On Ctrl-C or SIGTERM (``KeyboardInterrupt``) a process pool stops at once too: the
    runs in flight are abandoned, as a kill would. A pool of this call's own whose
    worker process dies is replaced and the sweep goes on; a caller's own executor that
    breaks so stops the sweep (it cannot be replaced here), its finished runs kept.
    """
    t0 = time.perf_counter()
    if scheduler is not None:
        executor = "dask"
    if isinstance(executor, str) and executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)} (got {executor!r})")
    asked_jobs = jobs
    jobs = jobs or os.cpu_count() or 1
    if scheduler is not None:
        executors.check_scheduler(scheduler)
    store = SweepStore(out, plan)
    store.reuse = reuse
    store.execution = {
        "executor": executor if isinstance(executor, str) else type(executor).__name__,
        "jobs": asked_jobs,
        "scheduler": scheduler,
        "threads": threads,
    }
    store.check()
    with contextlib.ExitStack() as stack:
        # A Dask scheduler is connected to (a local cluster started) before the folder
        # is made: an address that does not answer leaves nothing behind.
        client = None
        if executor == "dask":
            client = stack.enter_context(executors.dask_client(scheduler, jobs))
            if scheduler is not None and on_note is not None:
                note = executors.no_workers(client, scheduler)
                if note:
                    on_note(note)
        todo = store.open()
        if store.note and on_note is not None:
            on_note(store.note)
        kept, stale = _left_in_spool(store)  # finished by a stopped pool, not recorded
        left = [outcome.run_id for outcome in kept]
        if left and on_note is not None:
            were = "run was" if len(left) == 1 else "runs were"
            on_note(
                f"{len(left)} {were} finished before the sweep last stopped and not yet "
                f"recorded (in {store.spool}): recorded now, not computed again"
            )
        if stale and on_note is not None:
            on_note(
                f"{stale} finished run(s) left in {store.spool} by the last stop could not be "
                "read, were not signed with this sweep's spool key, or were computed by "
                "other skillsim code or another Python, numpy or numba: computed again"
            )
        skipped = len(plan.runs) - len(todo)
        if on_start is not None:
            on_start(len(todo), skipped)
        specs = {r.run_id: r for r in plan.runs}
        keep = tuple(k for k in plan.experiment.config.keep if k != "metrics")
        threads = executors.run_threads(executor, jobs, scheduler, threads)
        recorded_left = set(left)
        fresh = [run_id for run_id in todo if run_id not in recorded_left]
        tasks = (
            Task(run_id, specs[run_id].config, keep, threads, share_burn_in) for run_id in fresh
        )
        # (a pool's or cluster's worker takes the runs of one burn-in together; a
        # remote cluster's processes are its workers now, and none known: no batches)
        parallel = jobs
        if scheduler is not None and client is not None:
            parallel = len(client.scheduler_info().get("workers", {})) or len(todo)
        items = executors.batches(tasks, parallel, len(fresh))
        spool = None
        if executor == "processes":  # (the pool's processes share this machine's disk)
            spool = _spool(store)
            if spool is None and on_note is not None:
                on_note(
                    f"{store.spool}: could not be made, or its key could not be kept private "
                    "(a file system without POSIX permissions?): a batch's runs are recorded "
                    "when its last run ends, so a stop loses the finished runs of the "
                    "batches in flight"
                )
        if executor == "serial":
            computed = executors.run_serial(tasks)
        elif executor == "processes":
            computed = executors.run_futures(
                items, executors.process_pool(jobs), jobs, spool, on_note
            )
        elif executor == "dask":
            computed = executors.run_dask(items, scheduler, jobs, client)
        else:
            computed = executors.run_futures(items, executor, jobs)
        outcomes = _after(executors.handed_over(store.spool, kept), computed)
        report = SweepReport(Path(out), len(plan.runs), skipped, 0, 0, 0.0)
        interrupted = True
        stopped = ""

        def take(outcome: Outcome) -> str:
            """Record ``outcome``; returns why every run of its worker would be thrown
            away (other code or packages), or ""."""
            nonlocal stopped
            outcome, foreign = executors.foreign(outcome)
            try:
                store.record(outcome)
            except SweepWriteError as exc:
                stopped = f"a file could not be written ({exc.reason})"
                raise
            if outcome.ok:
                report.done += 1
                report.turned_away += getattr(outcome.result, "turned_away", 0)
            else:
                report.failed += 1
                report.failures[outcome.run_id] = outcome.error
            if on_outcome is not None:
                on_outcome(outcome)
            return foreign

        try:
            for outcome in outcomes:
                foreign = take(outcome)  # (why a worker's runs would all be thrown away)
                if foreign:
                    # Every run that worker computes would be thrown away: stop at the
                    # first (an outside review: a stale Dask worker had all 120 runs of a
                    # sweep computed, refused and printed, one by one).
                    stopped = report.stopped = foreign
                    break
                stop.check()  # a Ctrl-C whose KeyboardInterrupt Python dropped
            interrupted = False
        finally:
            try:
                outcomes.close()  # (a second Ctrl-C may land while it stops)
            finally:
                try:
                    if spool is not None and interrupted and not stopped:
                        # the runs of the abandoned batches that had ended: kept now
                        pending = [r for r in fresh if store.rows[r]["status"] != "done"]
                        for outcome in executors.spooled(spool, pending):
                            take(outcome)
                except (Exception, KeyboardInterrupt):  # (left for the resume to record)
                    pass
                finally:
                    store.close(interrupted=interrupted, stopped=stopped)
                model = sys.modules.get("simulation.model")
                if model is not None:  # runs in this process kept month-0 states
                    model.BURN_INS.clear()
        report.seconds = time.perf_counter() - t0
        return report
