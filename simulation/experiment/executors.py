"""Where runs execute: in this process, in a pool of processes, or on a Dask cluster.

Every executor takes an iterable of ``Task`` and yields one ``Outcome`` per task, in
completion order. A run that raises comes back as an Outcome with its traceback; the
executor goes on. Workers return results to the caller, which alone writes the sweep
folder (so a Dask cluster needs no shared file system). A local pool's worker that runs
a batch hands each run's outcome over as it ends, through a spool folder on the same
machine (``spool_outcome``), so that a stop loses only the runs being computed.

Process pools are long-lived and use the spawn start method: each worker process
imports the engine and loads the numba kernels (cache=True) once, then runs many
runs. Numba threads per run default to cores / jobs, so jobs x threads fills the
machine without oversubscribing it. A pool's workers end with the process that
started them (even killed with SIGKILL), and a pool stopped early (Ctrl-C, SIGTERM)
ends them at once rather than waiting for the runs they hold.

An Outcome carries the source digest of every skillsim module, each as the process
where the run was computed imported it (``loaded_code``, ``simulation.source``), and its
result the versions of Python, numpy and numba it was computed with: a sweep writes only
runs of its own code and numerical stack (``foreign_code``, ``foreign_packages``).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import hashlib
import hmac
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import stat
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from simulation import loading, source, stop
from simulation.config import RunConfig
from simulation.config_errors import ExecutorError
from simulation.runner import RunResult

WINDOW_PER_JOB = 2  # tasks in flight per worker: enough to keep workers busy, memory bounded
BATCH_MOST = 8  # runs of one burn-in that a worker process takes at once (``batches``)
STOP_SECONDS = 5.0  # a stopped pool's worker gets this long to end after SIGTERM


@dataclass(frozen=True)
class Task:
    run_id: str
    config: RunConfig
    keep: tuple[str, ...]  # breakdown tables to return besides the metrics
    # numba threads for the run; None = leave as is; 0 = numba's default (the node's cores)
    threads: int | None = None
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
    # The code that computed it: a digest of the source of each skillsim module as the
    # process where it ran imported it (``loaded_code``), so that a sweep writes only
    # results of its own code.
    code: dict[str, str] | None = None

    @property
    def ok(self) -> bool:
        return self.result is not None


def loaded_code() -> dict[str, str]:
    """Module name -> source digest of every skillsim module, as this process imported
    it (``simulation.source``): the code a run here is computed with."""
    return source.snapshot()


def changed_modules(code: dict[str, str]) -> list[str]:
    """The modules of ``code`` (name -> source digest, as ``loaded_code`` gives it)
    whose source differs from this process's."""
    return source.changed(code)


code_digest = source.code_digest  # 16 hex digits for a whole ``loaded_code``


def show_modules(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def foreign_code(outcome: Outcome) -> Outcome:
    """``outcome``, or, if it was computed with skillsim modules whose source differs
    from this process's (an old install on a cluster node, a module edited while the
    sweep ran and a worker process started after), the same run failed, naming them."""
    if not outcome.ok or not outcome.code:
        return outcome
    differ = changed_modules(outcome.code)
    if not differ:
        return outcome
    error = (
        f"computed on {outcome.host} with other skillsim code than this sweep's (the source "
        f"of {show_modules(differ)} differs): not written, so that a sweep holds the results "
        "of one code; give every worker the sweep's skillsim (after changing the code, "
        "restart the Dask workers, which keep the code they imported, and start the sweep "
        "from a new process, not a notebook's old kernel) and rerun to resume"
    )
    return Outcome(outcome.run_id, None, error, outcome.seconds, outcome.host, outcome.code)


# What computes a run's numbers besides skillsim's own code: another numba (another
# LLVM) or numpy can change a result's last digits, so a run computed with other
# versions is not written beside this sweep's. (Python itself by its minor version:
# its patch releases do not change arithmetic. pandas, pyarrow, pydantic and mesa
# assemble, store and validate; they compute nothing a table holds.)
COMPUTING_PACKAGES = ("python", "numpy", "numba")


def _computing(versions: dict[str, str]) -> dict[str, str]:
    out = {k: str(versions[k]) for k in COMPUTING_PACKAGES if k in versions}
    if "python" in out:
        out["python"] = ".".join(out["python"].split(".")[:2])
    return out


def foreign_packages(outcome: Outcome) -> Outcome:
    """``outcome``, or, if it was computed with another Python (minor version), numpy or
    numba than this process has (a cluster node with its own environment), the same
    run failed, naming them. A result that does not say (no provenance) is kept."""
    if not outcome.ok:
        return outcome
    from simulation import store

    then = _computing((outcome.result.provenance or {}).get("packages") or {})
    now = _computing(store.package_versions())
    moved = [
        f"{k} {then[k]} (this sweep's: {now[k]})" for k in then if k in now and then[k] != now[k]
    ]
    if not moved:
        return outcome
    error = (
        f"computed on {outcome.host} with {', '.join(moved)}: not written, so that a sweep "
        "holds the results of one numerical stack (another numba or numpy can change a "
        "result's last digits, and paired effects take differences of runs); install this "
        "sweep's versions on every worker, restart the Dask workers and rerun to resume"
    )
    return Outcome(outcome.run_id, None, error, outcome.seconds, outcome.host, outcome.code)


def foreign(outcome: Outcome) -> tuple[Outcome, str]:
    """``outcome`` as a sweep may write it (``foreign_code``, then ``foreign_packages``:
    failed if computed by other code or another numerical stack), and why a worker's
    every run would be thrown away, or ""."""
    if not outcome.ok:
        return outcome, ""
    checked = foreign_code(outcome)
    if not checked.ok:
        return checked, "a run came back computed with other skillsim code"
    checked = foreign_packages(checked)
    if not checked.ok:
        return checked, "a run came back computed with another Python, numpy or numba"
    return checked, ""


def set_threads(threads: int | None) -> None:
    """Numba's threads for the runs of this process: ``Task.threads`` (None: left as
    they are; 0: numba's default, the node's cores), shared by sweeps and validation."""
    if threads is None:
        return
    import numba

    most = numba.config.NUMBA_NUM_THREADS
    numba.set_num_threads(max(1, min(threads, most)) if threads else most)


def execute(task: Task) -> Outcome:
    """Run one task; never raises for an error inside the run."""
    from simulation import runner

    host = f"{socket.gethostname()}:{os.getpid()}"
    t0 = time.perf_counter()
    try:
        set_threads(task.threads)
        result = runner.simulate(task.config, share_burn_in=task.share_burn_in)
        result.breakdowns = {k: v for k, v in result.breakdowns.items() if k in task.keep}
        code = loaded_code()
    except Exception:
        # (a stop's KeyboardInterrupt that came back out of compiled code as another
        # exception is the stop, not the run's failure: the ledger recorded one)
        stop.check()
        return Outcome(task.run_id, None, traceback.format_exc(), time.perf_counter() - t0, host)
    return Outcome(task.run_id, result, "", time.perf_counter() - t0, host, code)


def execute_batch(batch: tuple[Task, ...], spool: str | None = None) -> list[Outcome | str]:
    """Run ``batch``'s tasks one after the other in this process (``batches``).

    With ``spool`` (a folder of the caller's, on this machine), each run's outcome is
    written there as soon as the run ends (``spool_outcome``) and its run id comes back
    in its place, so that the caller can record it at once (``run_futures``): a batch's
    runs came back together when its last ended, and a stop (Ctrl-C, a batch
    scheduler's time limit) lost the finished runs of every batch in flight; a batch
    longer than the time limit was never recorded at all. An outcome that cannot be
    written there (a full disk) comes back itself."""
    done: list[Outcome | str] = []
    for task in batch:
        outcome = execute(task)
        spooled = spool is not None and spool_outcome(Path(spool), outcome)
        done.append(outcome.run_id if spooled else outcome)
    return done


# ------------------------------------------------------------------- the spool
#
# A folder where a local pool's worker process leaves each finished run of a batch for
# the sweep's process: ``<run id>.pkl``, written whole under a temporary name and
# renamed. The sweep's process reads it (``spooled``), records the run and removes the
# file; files left by a stop are recorded when the sweep stops, or when it is resumed.

SPOOL_POLL_SECONDS = 0.5  # how often the sweep looks for runs of the batches in flight
# Each spooled file opens with an HMAC-SHA256 of its pickle under the key in this file of
# the spool, which the sweep's process makes (mode 0600) and only its owner can read: a
# pickle is code, and a crafted one left in a shared sweep folder ran as whoever resumed
# the sweep (a review). A file without the right signature, or a key not the user's
# own, is not unpickled: its run is computed again.
SPOOL_KEY = ".key"
_SIGNATURE = hashlib.sha256().digest_size


def spool_file(spool: Path, run_id: str) -> Path:
    return spool / f"{run_id}.pkl"


def make_spool_key(spool: Path) -> bool:
    """The spool's key, made if missing (whole, mode 0600: renamed into place from a
    temporary); whether the spool has a key of this user's now."""
    key = spool / SPOOL_KEY
    if spool_key(spool) is not None:
        return True
    temporary = spool / f".key.tmp-{os.getpid()}"
    try:  # (another's, or not private: not trusted, replaced; the sweep's lock keeps
        # a second sweep from making one at the same time)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(temporary, flags, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32))
        os.replace(temporary, key)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return spool_key(spool) is not None


def spool_key(spool: Path) -> bytes | None:
    """The spool's key, or None where there is none, or it is not a private file of this
    user's (on POSIX: owned by this user, readable by no one else)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)  # (a FIFO put there: not waited on, refused)
    try:  # (checked and read through one handle: a file swapped in between is not read)
        fd = os.open(spool / SPOOL_KEY, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None
        if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
            return None
        data = fh.read(33)
    return data if len(data) == 32 else None


def spool_outcome(spool: Path, outcome: Outcome) -> bool:
    """Write ``outcome`` into ``spool`` whole or not at all, signed with the spool's key
    (``SPOOL_KEY``); whether it was written."""
    final = spool_file(spool, outcome.run_id)
    temporary = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    try:
        key = spool_key(spool)
        if key is None:  # (none to sign with: the batch's runs come back as it ends)
            return False
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        with open(temporary, "wb") as fh:
            fh.write(hmac.new(key, data, hashlib.sha256).digest())
            fh.write(data)
        os.replace(temporary, final)
    except Exception:  # (a full disk, a folder gone, a result that does not pickle)
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    return True


def read_spooled(spool: Path, run_id: str) -> Outcome | None:
    """The outcome of ``run_id`` in ``spool``, or None if there is none; one that
    cannot be read (written by another version of a package it pickles, say), or whose
    signature is not the spool key's (``SPOOL_KEY``: not unpickled), is removed and is
    None (the caller computes its run again)."""
    path = spool_file(spool, run_id)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        blob = b""
    key = spool_key(spool)
    signature, data = blob[:_SIGNATURE], blob[_SIGNATURE:]
    outcome = None
    if key is not None and hmac.compare_digest(
        signature, hmac.new(key, data, hashlib.sha256).digest()
    ):
        try:
            outcome = pickle.loads(data)
        except Exception:
            outcome = None
    if not isinstance(outcome, Outcome) or outcome.run_id != run_id:
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return outcome


def handed_over(spool: Path, outcomes: Iterable[Outcome]) -> Iterator[Outcome]:
    """``outcomes``, each one's file in ``spool`` removed when the caller asks for the
    next, so after it recorded the run (a stop in between leaves the file: the resumed
    sweep, which finds the run done, removes it)."""
    for outcome in outcomes:
        yield outcome
        with contextlib.suppress(OSError):
            spool_file(spool, outcome.run_id).unlink()


def spooled(spool: Path, run_ids: Iterable[str], read: set[str] | None = None) -> Iterator[Outcome]:
    """The outcomes of ``run_ids`` found in ``spool`` (and not in ``read``, to which
    each is added), read one by one and ``handed_over``."""

    def found() -> Iterator[Outcome]:
        for run_id in run_ids:
            if read is not None and run_id in read:
                continue
            outcome = read_spooled(spool, run_id)
            if outcome is not None:
                if read is not None:
                    read.add(run_id)
                yield outcome

    return handed_over(spool, found())


Item = Task | tuple[Task, ...]  # what a pool or cluster is given: a run, or a batch


def batches(tasks: Iterable[Task], jobs: int, total: int) -> Iterator[Item]:
    """``tasks`` (``total`` of them, for ``jobs`` worker processes) in their order, as a
    pool or cluster takes them: consecutive tasks that share a burn-in
    (``share_burn_in``, the same ``loading.burn_in_key``) in batches, a group split
    evenly, each run by one worker process one after the other, so that it burns in
    once for them (``model.BurnInStore``); the others one by one, and the last
    ``jobs`` x the batches' most as well, so that no worker waits long at the end for
    another's batch (with the last 2 x ``jobs`` alone, the default sweep's groups of nine
    policies took 1.02-1.05 times as long in batches as dealt one by one on two
    processes, which burn each group in twice either way: BENCHMARKS.md).

    A batch holds at most ``BATCH_MOST`` runs, and fewer when the sweep is small for its
    processes, so that there are 4 items or more a process (a cluster of more processes
    than batches would wait on them); at one run a batch, nothing is batched.

    Dealt one by one, a group's runs went to different processes, each of which
    burned in: a design's two or three policies a point were burned in nearly once per
    run on two processes, and a cluster of more processes than a group's policies
    shared nothing (an outside review: 294 burn-ins for 160 groups on two processes,
    160 on one). A batch's runs come back together when its last ends, unless the pool
    hands each over as it ends (``execute_batch``'s spool: a local process pool)."""
    most = max(1, min(BATCH_MOST, total // (4 * max(jobs, 1))))
    key_of: dict[tuple[int, int, int, int], str] = {}  # (the hash of each distinct object)

    def key(task: Task) -> tuple[str, int] | None:
        if not task.share_burn_in or most == 1:
            return None
        run = task.config
        ids = (id(run.scenario), id(run.status_quo), run.workers, run.months)
        if ids not in key_of:
            key_of[ids] = loading.burn_in_key(run)[0]
        return key_of[ids], int(run.seed)

    singles_from = total - most * jobs
    group: list[Task] = []
    last = None
    for i, task in enumerate(tasks):
        k = key(task)
        if group and (k is None or k != last or i >= singles_from):
            yield from _split(group, most)
            group = []
        group.append(task)
        last = k
    yield from _split(group, most)


def _split(group: list[Task], most: int) -> Iterator[Item]:
    """``group`` (runs of one burn-in) in even batches of at most ``most``."""
    if len(group) <= 1:  # (none: no task at all)
        yield from group
        return
    pieces = -(-len(group) // most)
    size = -(-len(group) // pieces)
    for lo in range(0, len(group), size):
        yield tuple(group[lo : lo + size])


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


def _submit(submit: Callable[..., Any], item: Item, spool: Path | None = None) -> Any:
    """``item`` (a task, or a batch of them: a tuple) submitted through ``submit``; a
    batch hands its runs over through ``spool``, if given (``execute_batch``)."""
    if isinstance(item, tuple):
        if spool is not None:
            return submit(execute_batch, item, str(spool))
        return submit(execute_batch, item)
    return submit(execute, item)


def _outcomes(
    result: Outcome | list[Outcome | str], spool: Path | None = None, read: set[str] | None = None
) -> Iterator[Outcome]:
    """A finished item's outcomes: those it returned, and those of its runs it left in
    ``spool`` (a run id in the list) not yet ``read``."""
    for done in result if isinstance(result, list) else [result]:
        if spool is None or not isinstance(done, str):
            yield done
        elif read is None or done not in read:
            found = False
            for outcome in spooled(spool, [done], read):
                found = True
                yield outcome
            if not found:  # (removed by hand meanwhile, or unreadable: it runs again)
                yield Outcome(
                    done,
                    None,
                    f"its result, left in {spool}, could not be read: rerun to compute it again",
                )
        if read is not None:
            read.discard(done if isinstance(done, str) else done.run_id)


def _tasks(item: Item) -> tuple[Task, ...]:
    return item if isinstance(item, tuple) else (item,)


def _lost(
    item: Item,
    exc: BaseException,
    again: list[Item] | None,
    spool: Path | None = None,
    read: set[str] | None = None,
) -> Iterator[Outcome]:
    """What a broken pool took with ``item``: a task is reported failed; a batch's runs
    that it left in ``spool`` come back, and its other tasks go back to ``again``
    (taken from its end) to run one by one, if given."""
    tasks = _tasks(item)
    if isinstance(item, tuple) and spool is not None:
        yield from spooled(spool, [t.run_id for t in tasks], read)
        ended = read if read is not None else set()
        tasks = tuple(t for t in tasks if t.run_id not in ended)
        for t in item:
            ended.discard(t.run_id)
    if isinstance(item, tuple) and again is not None:
        again.extend(reversed(tasks))
        return
    for task in tasks:
        yield _failure(task, exc, "a worker process died while this run was in flight")


def run_futures(
    tasks: Iterable[Item],
    make_pool: Callable[[], cf.Executor] | cf.Executor,
    jobs: int,
    spool: Path | None = None,
    on_note: Callable[[str], None] | None = None,
) -> Iterator[Outcome]:
    """Run on a concurrent.futures executor, at most ``WINDOW_PER_JOB * jobs`` tasks or
    batches of tasks (``batches``) in flight; yields an Outcome per task. With ``spool``
    (a folder the pool's processes can write: a pool on this machine), a batch's runs
    are yielded as they end, each read from the spool within ``SPOOL_POLL_SECONDS``
    (``execute_batch``), not when the batch's last run ends. ``make_pool``
    makes (and this shuts down) the pool; if it breaks (a worker process died), the runs
    in flight are reported failed and a new pool takes the rest. A batch in flight is
    not reported failed: its runs go to the new pool one by one (most of them had not
    started, and a dead worker failed up to 16 runs a process with batches of 8: an
    outside review), and a run of them that breaks a pool again is reported failed.
    A ready executor is used as it is, and left running. Each new pool is said to
    ``on_note`` (a dead worker was replaced without a word: a review).

    Closed before the end (Ctrl-C, SIGTERM, an error of the caller's), an owned pool is
    stopped at once, its worker processes ended with the runs they hold: a stop does
    not wait for runs whose results nobody will read."""
    owned = not isinstance(make_pool, cf.Executor)
    pending = iter(tasks)
    pool = make_pool() if owned else make_pool
    running: dict[cf.Future, Item] = {}
    unsent: list[Item] = []  # taken from ``tasks`` but refused by a broken pool
    read: set[str] = set()  # runs of the batches in flight read from the spool
    ended = False
    try:
        while True:
            broken = False
            while len(running) < WINDOW_PER_JOB * jobs:
                task = unsent.pop() if unsent else next(pending, None)
                if task is None:
                    break
                try:
                    running[_submit(pool.submit, task, spool)] = task
                except cf.BrokenExecutor:  # the pool broke since the last wait
                    if not owned:
                        raise
                    unsent.append(task)  # never ran: it goes to the new pool
                    broken = True
                    break
            if not running and not broken:
                ended = True
                return
            if running:
                batches_out = spool is not None and any(
                    isinstance(t, tuple) for t in running.values()
                )
                finished, _ = cf.wait(
                    running,
                    # (Windows: a wait without a timeout takes no Ctrl-C before Python 3.14)
                    timeout=SPOOL_POLL_SECONDS if batches_out or os.name == "nt" else None,
                    return_when=cf.FIRST_COMPLETED,
                )
                for fut in finished:
                    task = running.pop(fut)
                    try:
                        yield from _outcomes(fut.result(), spool, read)
                    except cf.BrokenExecutor as exc:
                        broken = True
                        yield from _lost(task, exc, unsent if owned else None, spool, read)
                if batches_out:  # the runs the batches still in flight have ended
                    ids = [
                        t.run_id
                        for item in list(running.values())
                        if isinstance(item, tuple)
                        for t in item
                    ]
                    yield from spooled(spool, ids, read)
            if broken and owned:
                for fut, task in list(running.items()):
                    exc = fut.exception()
                    if exc is None:
                        yield from _outcomes(fut.result(), spool, read)
                    else:
                        yield from _lost(task, exc, unsent, spool, read)
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = make_pool()
                if on_note is not None:
                    on_note(
                        "a worker process died (killed, or out of memory?), and a new pool "
                        "goes on: the runs of the batches it had in flight run again one by "
                        "one, and a run in flight alone is recorded as failed (the rerun "
                        "retries it)"
                    )
    finally:
        if owned:
            if ended:
                pool.shutdown(wait=True)
            else:
                stop_pool(pool)


def stop_pool(pool: cf.Executor) -> None:
    """Shut ``pool`` down without waiting: queued runs are cancelled, and the worker
    processes of a process pool are ended with the runs they hold (SIGTERM, then
    SIGKILL for one that has not ended within a few seconds)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.terminate()
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.join(STOP_SECONDS)
            if proc.is_alive():
                proc.kill()
                proc.join(STOP_SECONDS)


@contextlib.contextmanager
def sigint_held():
    """Ctrl-C held back while this thread starts processes or threads, which then start
    with SIGINT blocked (a process inherits the block across exec, a thread from the
    thread that starts it): a Ctrl-C in a worker's first seconds, while it imports numba
    and mesa and before it could ignore the signal, printed its KeyboardInterrupt
    traceback into the sweep's message (an outside review: 34 lines from a pool's
    worker, 74 from a Dask cluster's two). The workers leave Ctrl-C to the sweep's
    process, which stops them. In this process a Ctrl-C meanwhile is kept and raised
    once the processes have started (in the main thread, where the handler is: other
    threads, numpy's among them, do not block it), not halfway through starting one."""
    if not hasattr(signal, "pthread_sigmask"):  # (not on Windows)
        yield
        return
    # Python's resource tracker unblocks SIGINT in the thread that starts it (a Dask
    # cluster's event loop starts it, then its workers): started first, here.
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    main = threading.current_thread() is threading.main_thread()
    kept: list[int] = []
    handler = signal.signal(signal.SIGINT, lambda n, f: kept.append(n)) if main else None
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        if main:
            signal.signal(signal.SIGINT, signal.SIG_DFL if handler is None else handler)
            if kept:
                signal.raise_signal(signal.SIGINT)  # (to the handler in place again)


class _QuietProcess(multiprocessing.get_context("spawn").Process):
    """A pool's worker process, started with SIGINT held back (``sigint_held``)."""

    def start(self) -> None:
        with sigint_held():
            super().start()


class _QuietSpawn(type(multiprocessing.get_context("spawn"))):
    Process = _QuietProcess


def process_pool(jobs: int) -> Callable[[], cf.Executor]:
    def make() -> cf.Executor:
        ctx = _QuietSpawn()
        return cf.ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=ctx,
            initializer=exit_with_parent,
            initargs=(os.getpid(),),
        )

    return make


PARENT_POLL_SECONDS = 1.0


def exit_with_parent(parent: int) -> None:
    """Pool initializer: end this worker process when ``parent`` (the sweep's process)
    is gone. A pool's workers hold both ends of its task queue, so they never see it
    close: killed with SIGKILL (or by the out-of-memory killer), a sweep left them
    running forever, each with its kernels and kept month-0 states in memory."""

    def watch() -> None:
        if os.name == "nt":  # (Windows does not reparent an orphan: wait on the parent)
            from multiprocessing import connection, parent_process

            connection.wait([parent_process().sentinel])
            os._exit(1)
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="skillsim-exit-with-parent", daemon=True).start()


def local_cluster(jobs: int):
    """A Dask cluster on this machine: ``jobs`` single-threaded worker processes."""
    from distributed import LocalCluster

    # (its event loop's thread, started here, starts the workers' processes, now and
    # when one is restarted: it and they hold SIGINT back for good; sigint_held)
    with sigint_held():
        return LocalCluster(
            n_workers=jobs,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # The scheduler serves HTTP (health, metrics) even without a dashboard, by default
            # on port 8787: a port another cluster's dashboard often holds, which made Dask
            # warn "Port 8787 is already in use" to the researcher. Any free local port will do.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
            preload=["simulation.experiment.worker_signals"],  # Ctrl-C: the sweep stops them
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
        refused = _refused(scheduler)
        if refused:
            raise ExecutorError(
                f"--scheduler {scheduler}: no Dask scheduler answered there ({refused}); "
                "start one (`dask scheduler` prints its address) and give its address"
            )
        try:
            client = _connect(Client, scheduler)
        except (OSError, TimeoutError) as exc:  # (nothing answered, or not in time)
            raise ExecutorError(
                f"--scheduler {scheduler}: no Dask scheduler answered there "
                f"({type(exc).__name__}: {exc}); start one (`dask scheduler` prints its "
                "address: port 8786 unless told, its dashboard is 8787) and give its address"
            ) from None
        except Exception as exc:  # something answered, but not in Dask's protocol: an
            # SSH banner or an HTTP 400 read as a message's length asked numpy for
            # exbibytes ("MemoryError: Unable to allocate 3.07 EiB ..."), said as such
            raise ExecutorError(
                f"--scheduler {scheduler}: something answered there, but not as a Dask "
                f"scheduler (a web server, an SSH port? Dask could not read its reply: "
                f"{type(exc).__name__}); a Dask scheduler listens on port 8786 unless told "
                "(`dask scheduler` prints its address; its dashboard, 8787, is no "
                "scheduler): give that address"
            ) from None
        cluster = None
    else:
        cluster = local_cluster(jobs)
        client = Client(cluster)
    # Ctrl-C (or SIGTERM) in the middle of Dask's own calls made it log its internals
    # under the sweep's one line: distributed's sync() cancelling with a NameError of its
    # own (through tornado's callback logger, at once, from its event-loop thread) and,
    # while closing, the scheduler's "couldn't gather keys" for the runs abandoned. The
    # first logger is quiet while the client is open, the second once stopped.
    loop_errors = logging.getLogger("tornado.application")
    dask_log = logging.getLogger("distributed")
    before = loop_errors.level, dask_log.level
    loop_errors.setLevel(logging.CRITICAL)
    try:
        yield client
    except KeyboardInterrupt:
        dask_log.setLevel(logging.CRITICAL)
        raise
    finally:
        try:
            client.close()
            if cluster is not None:
                cluster.close()
        finally:
            loop_errors.setLevel(before[0])
            dask_log.setLevel(before[1])


def _connect(client_class, scheduler: str):
    """``Client(scheduler)``, given up after Dask's connect timeout and a margin: a port
    where something else listens (a web server: the scheduler's dashboard, say) took
    the handshake and never answered, and Dask's own timeout did not end the wait."""
    import dask

    limit = dask.utils.parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))
    got: list = []

    def connect() -> None:
        try:
            got.append(client_class(scheduler, timeout=limit))
        except BaseException as exc:  # (handed to the caller's thread)
            got.append(exc)

    thread = threading.Thread(target=connect, daemon=True, name="skillsim-dask-connect")
    thread.start()
    thread.join(limit + 5)
    if not got:
        raise TimeoutError(
            f"something listens there but did not answer as a Dask scheduler within "
            f"{limit + 5:.0f} s"
        )
    if isinstance(got[0], BaseException):
        raise got[0]
    return got[0]


def _refused(address: str) -> str:
    """Why nothing can listen at a tcp:// ``address``, found at once (the host unknown,
    the connection refused), or "": Dask's client would wait its whole connect timeout
    (30 s) to say so. A host that does not answer is left to that timeout."""
    import socket

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp":
        return ""
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=2):
            return ""
    except socket.gaierror as exc:
        return f"unknown host {parts.hostname}: {exc.strerror}"
    except ConnectionRefusedError:
        return f"connection refused at {parts.hostname}:{parts.port}"
    except OSError:  # (a timeout: a slow network, maybe; Dask's own timeout decides)
        return ""


def no_workers(client: Any, scheduler: str) -> str:
    """What to say when the scheduler has no workers (runs wait for them); else ""."""
    if client.scheduler_info().get("workers"):
        return ""
    return (
        f"the Dask scheduler at {scheduler} has no workers yet: the runs wait until "
        f"workers join (start them with `dask worker {scheduler}`, on machines with this "
        "skillsim installed)"
    )


def run_dask(
    tasks: Iterable[Item], scheduler: str | None, jobs: int, client: Any = None
) -> Iterator[Outcome]:
    """Submit to ``client`` (a connected Dask ``Client``, left open), else to the Dask
    scheduler at ``scheduler`` (tcp://host:port), else to a local cluster of ``jobs``
    single-threaded worker processes started here and stopped after."""
    if client is None:
        with dask_client(scheduler, jobs) as own:
            yield from run_dask(tasks, scheduler, jobs, own)
        return
    from distributed import as_completed

    pending = iter(tasks)
    running = {}
    queue = as_completed()

    def top_up() -> None:
        """Runs in flight up to a window of the workers there now (the client's view,
        refreshed every few seconds): workers that join a sweep under way are used (a
        window counted once, at the start, kept a cluster whose workers came up after
        the client at two runs in flight)."""
        window = WINDOW_PER_JOB * max(1, len(client.scheduler_info()["workers"]))
        while len(running) < window:
            task = next(pending, None)
            if task is None:
                return
            fut = _submit(functools.partial(client.submit, pure=False), task)
            running[fut.key] = task
            queue.add(fut)

    top_up()
    for fut in queue:
        task = running.pop(fut.key)
        try:
            done = _outcomes(fut.result())
        except Exception as exc:  # the worker died or the task could not run there
            done = [
                _failure(t, exc, "the Dask cluster could not run this run") for t in _tasks(task)
            ]
        yield from done
        fut.release()
        top_up()


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
    return executor, jobs, run_threads(executor, jobs, scheduler, threads)


def run_threads(executor: Any, jobs: int, scheduler: str | None, threads: int | None) -> int | None:
    """Numba threads per run (``Task.threads``): as given; else cores / jobs on a local
    pool or cluster, 0 (numba's default, the node's cores, set each run) on a remote
    cluster (left as is, a worker kept an earlier sweep's --threads, unsaid: a review),
    None (as configured) for serial or a caller's own executor."""
    if threads is not None:
        return threads
    if executor == "processes" or (executor == "dask" and not scheduler):
        return local_threads(jobs)
    return 0 if executor == "dask" else None


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
        except BaseException:  # (Ctrl-C, SIGTERM: stop now, not after the runs in flight)
            stop_pool(pool)
            raise
        pool.shutdown(wait=True, cancel_futures=True)
        return
    with dask_client(scheduler, jobs) as client:  # connects now: a bad address fails here
        yield lambda tasks: run_dask(with_threads(tasks), scheduler, jobs, client)
