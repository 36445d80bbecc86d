"""Sweeps when things go wrong: a worker process dies, the sweep is stopped, the disk is
full, a half-written file is left behind, another sweep takes the folder meanwhile,
names that cannot be folder names."""

from __future__ import annotations

import concurrent.futures as cf
import concurrent.futures.process
import contextlib
import errno
import hashlib
import json
import multiprocessing
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import types
import warnings
from pathlib import Path

import pandas as pd
import pytest
from sweeps import QUICK_SCENARIO, small, write_experiment

from simulation import analysis, cli, runner
from simulation import store as results_store
from simulation.config_errors import ConfigError
from simulation.experiment import executors, load_experiment, make_plan, run_sweep
from simulation.experiment.executors import Outcome, Task
from simulation.experiment.progress import sweep_progress
from simulation.experiment.store import SweepFolderError, SweepStore, SweepWriteError

ROOT = Path(__file__).resolve().parents[1]


def _plan(tmp_path, **options):
    return make_plan(load_experiment(write_experiment(tmp_path / "exp", small(**options))))


def _temporaries(folder):
    return sorted(p.name for p in folder.rglob("*") if ".tmp-" in p.name)


# ------------------------------------------------------------ a worker process dies


class _BreakingPool(cf.Executor):
    """A stand-in for a process pool whose worker dies while the second run is in
    flight, just after the first run came back: the next submit finds the pool broken
    (as ProcessPoolExecutor.submit does) and the run in flight fails."""

    def __init__(self, log, breaks):
        self.log, self.breaks = log, breaks
        self.futures = []

    def submit(self, fn, task):
        if self.breaks and len(self.futures) == 2:
            for fut in self.futures:
                if not fut.done():
                    fut.set_exception(concurrent.futures.process.BrokenProcessPool("a worker died"))
            raise concurrent.futures.process.BrokenProcessPool("a worker died")
        fut = cf.Future()
        self.futures.append(fut)
        self.log.append(task.run_id)
        if not (self.breaks and len(self.futures) == 2):  # the second one never returns
            fut.set_result(Outcome(task.run_id, types.SimpleNamespace()))
        return fut

    def shutdown(self, wait=True, *, cancel_futures=False):
        pass


def test_a_pool_that_breaks_between_two_waits_is_replaced_and_the_sweep_goes_on():
    """kill -9 of a worker process used to stop the sweep with a raw BrokenProcessPool
    traceback when the pool broke after a run came back and before the next submit."""
    log, pools = [], []

    def make():
        pools.append(_BreakingPool(log, breaks=not pools))
        return pools[-1]

    tasks = [Task(f"run{i}", None, ()) for i in range(5)]
    outcomes = list(executors.run_futures(tasks, make, jobs=1))
    assert len(pools) == 2
    assert sorted(o.run_id for o in outcomes) == [f"run{i}" for i in range(5)]  # once each
    failed = [o for o in outcomes if not o.ok]
    assert [o.run_id for o in failed] == ["run1"]  # the run in flight, and only it
    assert "a worker process died while this run was in flight" in failed[0].error
    assert log == ["run0", "run1", "run2", "run3", "run4"]  # run2 was refused, then sent again


class _PoolThatDiesOn(cf.Executor):
    """A stand-in for a process pool whose worker dies while it holds the item whose
    first run is ``dies_on``: that item never returns, and the next submit finds the
    pool broken. Items are logged as submitted (a batch as a tuple of run ids)."""

    def __init__(self, log, dies_on):
        self.log, self.dies_on = log, dies_on
        self.held = None

    def submit(self, fn, item, spool=None):
        if self.held is not None:
            self.held.set_exception(concurrent.futures.process.BrokenProcessPool("died"))
            raise concurrent.futures.process.BrokenProcessPool("died")
        tasks = item if isinstance(item, tuple) else (item,)
        self.log.append(tuple(t.run_id for t in tasks) if isinstance(item, tuple) else item.run_id)
        fut = cf.Future()
        if self._dies(item, tasks, spool):
            self.held = fut
            return fut
        done = [Outcome(t.run_id, types.SimpleNamespace()) for t in tasks]
        fut.set_result(done if isinstance(item, tuple) else done[0])
        return fut

    def _dies(self, item, tasks, spool) -> bool:
        return tasks[0].run_id == self.dies_on

    def shutdown(self, wait=True, *, cancel_futures=False):
        pass


@pytest.mark.parametrize("again", [False, True])
def test_a_batch_a_broken_pool_took_runs_again_one_by_one(again):
    """A dead worker failed every run of every batch in flight, most of them not
    started (32 of a 64-run sweep: an outside review): a batch's runs go to the new pool
    one by one, and only a run that breaks a pool again (``again``) is reported
    failed."""
    log, pools = [], []
    dies_on = ["b0", "b1" if again else None, None]

    def make():
        pools.append(_PoolThatDiesOn(log, dies_on[len(pools)]))
        return pools[-1]

    single = [Task("a", None, ())]
    batch = tuple(Task(f"b{i}", None, ()) for i in range(3))
    rest = [Task("c", None, ())]
    notes = []
    outcomes = list(
        executors.run_futures([*single, batch, *rest], make, jobs=1, on_note=notes.append)
    )
    assert sorted(o.run_id for o in outcomes) == ["a", "b0", "b1", "b2", "c"]  # once each
    failed = sorted(o.run_id for o in outcomes if not o.ok)
    # (the pool died holding the batch, then holding b1 alone: b1's the run that breaks)
    assert failed == (["b1"] if again else [])
    # each new pool said (a dead worker was replaced without a word: a review)
    assert len(notes) == len(pools) - 1 and "a worker process died" in notes[0]
    assert log[:3] == ["a", ("b0", "b1", "b2"), "b0"]  # the batch, then its runs alone
    assert len(pools) == (3 if again else 2)


class _SpoolingPoolThatDies(_PoolThatDiesOn):
    """A stand-in for a process pool whose worker ends a batch's first run (leaving it
    in the spool, as ``execute_batch`` does) and then dies holding the batch."""

    def __init__(self, log, dies):
        super().__init__(log, None)
        self.dies = dies

    def _dies(self, item, tasks, spool) -> bool:
        if not (isinstance(item, tuple) and self.dies):
            return False
        assert executors.spool_outcome(Path(spool), Outcome(tasks[0].run_id, "computed"))
        return True


def test_a_batch_a_broken_pool_took_keeps_the_runs_it_ended(tmp_path):
    """The runs a dying worker's batch had ended come back from the spool, and only the
    others run again."""
    log, pools = [], []

    def make():
        pools.append(_SpoolingPoolThatDies(log, dies=not pools))
        return pools[-1]

    batch = tuple(Task(f"b{i}", None, ()) for i in range(3))
    assert executors.make_spool_key(tmp_path)  # (as the sweep makes its spool's)
    outcomes = list(executors.run_futures([batch, Task("c", None, ())], make, 1, tmp_path))
    assert sorted(o.run_id for o in outcomes) == ["b0", "b1", "b2", "c"]  # once each
    assert all(o.ok for o in outcomes)
    assert next(o for o in outcomes if o.run_id == "b0").result == "computed"  # the spool's
    assert log == [("b0", "b1", "b2"), "b1", "b2", "c"]  # b0 not computed again
    assert [p.name for p in tmp_path.iterdir()] == [executors.SPOOL_KEY]


def test_a_resumed_sweep_records_the_runs_a_stop_left_in_the_spool(tmp_path, monkeypatch, capsys):
    """Runs a stopped pool's batch had ended, left in the sweep's spool (a kill before
    the sweep's process recorded them), are recorded on resuming, not computed again,
    with the same results as a sweep never stopped, and the resume says so. One that
    cannot be read, or was computed by other code, is computed again (the first was
    skipped and never computed; the second stopped every resume: an outside review)."""
    plan = _plan(tmp_path, replications=2)
    whole = tmp_path / "whole"
    assert run_sweep(plan, whole, executor="serial", threads=1).complete
    out = tmp_path / "out"
    first, second, third, fourth = plan.runs
    specs = {r.run_id: r for r in plan.runs}
    # a sweep stopped after its first run: the second ended in a batch, not recorded
    # (reuse off, here and below: else its runs are copied from the whole sweep beside)
    assert run_sweep(plan, out, executor="serial", threads=1, reuse=False).complete
    for run in plan.runs[1:]:
        shutil.rmtree(out / "runs" / run.run_id)
    spool = out / ".spool"
    spool.mkdir()
    assert executors.make_spool_key(spool)
    ended = executors.execute(Task(second.run_id, specs[second.run_id].config, (), 1, False))
    assert ended.ok and executors.spool_outcome(spool, ended)
    (spool / f".{first.run_id}.pkl.tmp-123").write_bytes(b"half")  # a kill's
    # a pickle planted by someone else (a pickle is code: it ran as whoever resumed, a
    # review), without the spool key's signature: not unpickled, its run computed
    planted = tmp_path / "planted"
    executors.spool_file(spool, third.run_id).write_bytes(pickle.dumps(_Planted(planted)))
    other = executors.execute(Task(fourth.run_id, specs[fourth.run_id].config, (), 1, False))
    other.code = {**other.code, "simulation.model": "0" * 16}  # (code since changed)
    assert executors.spool_outcome(spool, other)
    # until then, the spool's runs are said as finished, not as "not run yet"
    waiting = sweep_progress(out)
    assert (waiting.spooled, waiting.pending) == (3, 0)
    assert "3 more finished and waiting in .spool" in waiting.message()
    computed = []
    real = runner.simulate
    monkeypatch.setattr(
        runner, "simulate", lambda run, **kw: computed.append(run) or real(run, **kw)
    )
    notes = []
    report = run_sweep(plan, out, executor="serial", threads=1, on_note=notes.append, reuse=False)
    assert report.complete and report.done == len(plan.runs) - 1
    assert computed == [specs[third.run_id].config, specs[fourth.run_id].config]
    assert any("1 run was finished before the sweep last stopped" in n for n in notes), notes
    assert any(n.startswith("2 finished run(s) left in") for n in notes), notes
    assert not spool.exists()  # tidied away with the sweep
    assert not planted.exists()
    pd.testing.assert_frame_equal(analysis.load(out), analysis.load(whole))


class _Planted:
    """A pickle that, loaded, makes the file ``path`` (what a planted one could run)."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def test_a_spool_key_not_the_users_own_private_file_signs_nothing(tmp_path):
    """The spool's key is this user's, readable by no one else: one readable by others
    (or replaced by another's) is not trusted, so the files it signed are not read, and
    the sweep makes a private one again."""
    spool = tmp_path / "spool"
    spool.mkdir()
    assert executors.make_spool_key(spool)
    key = spool / executors.SPOOL_KEY
    assert key.stat().st_mode & 0o777 == 0o600
    assert executors.spool_outcome(spool, Outcome("r", "computed"))
    assert executors.read_spooled(spool, "r").result == "computed"
    assert executors.spool_outcome(spool, Outcome("s", "computed"))
    if hasattr(os, "getuid"):
        key.chmod(0o644)
        assert executors.spool_key(spool) is None and executors.read_spooled(spool, "s") is None
        assert not executors.spool_file(spool, "s").exists()  # (removed: computed again)
        assert not executors.spool_outcome(spool, Outcome("t", "computed"))
        assert executors.make_spool_key(spool) and key.stat().st_mode & 0o777 == 0o600
        key.unlink()  # (a FIFO in its place: refused at once, not waited on)
        os.mkfifo(key, 0o600)
        assert executors.spool_key(spool) is None


# ------------------------------------------------------------ stopping a pool


def _never_ending_runs():
    """Pool initializer: a run of a task whose config says "quick" returns at once, any
    other runs until its process is ended."""

    def simulate(run, **options):
        if run == "quick":
            return types.SimpleNamespace(breakdowns={})
        threading.Event().wait()

    runner.simulate = simulate


def _blocking_pool(made):
    def make():
        ctx = multiprocessing.get_context("spawn")
        pool = cf.ProcessPoolExecutor(1, mp_context=ctx, initializer=_never_ending_runs)
        made.append(pool)
        return pool

    return make


def _end(pools):
    for pool in pools:
        for proc in list((pool._processes or {}).values()):
            proc.kill()


def test_a_stopped_pool_sweep_does_not_wait_for_the_runs_in_flight():
    """Ctrl-C or SIGTERM used to wait for every run in flight to finish (minutes at a
    city's size, past a batch scheduler's grace period) and then threw their results
    away: the worker processes are now ended at once."""
    made = []
    tasks = [Task("quick", "quick", ()), Task("long", "long", ()), Task("longer", "x", ())]
    outcomes = executors.run_futures(tasks, _blocking_pool(made), jobs=1)
    try:
        first = next(outcomes)
        assert first.run_id == "quick" and first.ok, first.error
        processes = list(made[0]._processes.values())
        assert processes and all(p.is_alive() for p in processes)
        stopped = _ends(outcomes.close)  # what an interruption does
        outlived = [p.pid for p in processes if not _gone(p)]
    finally:
        _end(made)
    assert stopped, "closing the sweep's executor waited for the runs in flight"
    assert not outlived, f"worker processes {outlived} outlived the sweep's executor"


def _collect(outcomes, count: int) -> list:
    """The next ``count`` outcomes, taken on a thread (guarded by 120 s against hanging:
    not a timing); fewer if they did not come."""
    got: list = []

    def take() -> None:
        for _ in range(count):
            got.append(next(outcomes))

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    thread.join(120)
    return list(got)


def test_a_batchs_runs_come_back_as_they_end(tmp_path):
    """A batch's runs came back when its last ended, so a stop (a batch scheduler's time
    limit) lost the finished runs of every batch in flight, and a batch longer than the
    limit was never recorded however often it was resumed. Through the spool each run
    comes back as it ends, while the batch's last run is still being computed."""
    made = []
    spool = tmp_path / "spool"
    spool.mkdir()
    assert executors.make_spool_key(spool)
    batch = (Task("q1", "quick", ()), Task("q2", "quick", ()), Task("long", "long", ()))
    outcomes = executors.run_futures([batch], _blocking_pool(made), jobs=1, spool=spool)
    try:
        got = _collect(outcomes, 2)
        assert [o.run_id for o in got] == ["q1", "q2"], "the batch's ended runs did not come"
        assert all(o.ok for o in got)
        assert _ends(outcomes.close)
    finally:
        _end(made)
    # q1's file went when the next outcome was asked for (q1 was recorded by then);
    # q2's stays until the sweep's folder is closed (``SweepStore.close`` tidies it)
    assert sorted(p.name for p in spool.iterdir()) == [executors.SPOOL_KEY, "q2.pkl"]


def _gone(proc, seconds: float = 30) -> bool:
    """Whether the worker process ``proc`` has ended: joined within ``seconds`` (its
    runs never end by themselves, so only the executor's close can have ended it), or
    no longer in the process table (reaped already: ``is_alive`` cannot tell, and said
    True right after a kill, which made this test fail now and then)."""
    proc.join(seconds)
    if proc.exitcode is not None:
        return True
    try:
        os.kill(proc.pid, 0)
    except ProcessLookupError:
        return True
    return False


def _ends(action) -> bool:
    """Whether ``action``, run on a thread, ends (joined with a guard of 120 s against
    hanging: not a timing)."""
    thread = threading.Thread(target=action)
    thread.start()
    thread.join(120)
    return not thread.is_alive()


def test_a_session_left_by_an_exception_ends_its_workers(monkeypatch):
    made = []
    monkeypatch.setattr(executors, "process_pool", lambda jobs: _blocking_pool(made))
    outcome = []

    def calibrate():
        try:
            with executors.session("processes", jobs=1, threads=1) as run:
                stream = run([Task("quick", "quick", ()), Task("long", "long", ())])
                outcome.append(next(stream))
                raise KeyboardInterrupt  # Ctrl-C while "long" runs
        except KeyboardInterrupt:
            outcome.append("interrupted")

    try:
        stopped = _ends(calibrate)
    finally:
        _end(made)
    assert stopped, "leaving the session waited for the run in flight"
    assert outcome[0].run_id == "quick" and outcome[1] == "interrupted"


# ------------------------------------------------------------ a full disk


def _no_space(after: int, name: str = "metrics.parquet"):
    """store.write_parquet that fails like a full disk from the ``after``-th write of
    ``name`` on, leaving a half-written temporary file as pyarrow does."""
    real = results_store.write_parquet
    calls = []

    def write(df, path, description=None):
        if path.name == name:
            calls.append(path)
            if len(calls) >= after:
                path.with_name(f".{path.name}.tmp-{os.getpid()}").write_bytes(b"PAR1")
                raise OSError(errno.ENOSPC, "No space left on device")
        return real(df, path, description)

    return write


@pytest.mark.parametrize("full", ["metrics.parquet", "ledger.parquet"])
def test_a_full_disk_stops_the_sweep_clearly_and_the_rerun_resumes(full, tmp_path, monkeypatch):
    plan = _plan(tmp_path, replications=3)
    out = tmp_path / "out"
    # The ledger is written at the start (1), then at most once a second after a run.
    monkeypatch.setattr(results_store, "write_parquet", _no_space(3 if full[0] == "m" else 2, full))
    monkeypatch.setattr("simulation.experiment.store.FLUSH_SECONDS", 0.0)
    with pytest.raises(SweepWriteError) as err:
        run_sweep(plan, out, executor="serial", threads=1)
    message = str(err.value)
    assert "No space left on device" in message and "rerun the same command" in message
    assert _temporaries(out) == []  # no half-written file, no temporary run folder
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"].startswith("stopped: a file could not be written")
    assert "(No space left on device)" in manifest["status"]  # the error's reason
    kept = sorted(p.name for p in (out / "runs").iterdir())
    assert 1 <= len(kept) < len(plan.runs)

    monkeypatch.undo()  # space freed: the same sweep resumes (the lock was let go)
    report = run_sweep(plan, out, executor="serial", threads=1)
    assert report.complete and report.skipped == len(kept)
    assert sorted(p.name for p in (out / "runs").iterdir()) == sorted(r.run_id for r in plan.runs)
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def test_the_command_says_what_could_not_be_written(tmp_path, monkeypatch, capsys):
    path = write_experiment(tmp_path / "exp", small())
    out = tmp_path / "out"
    monkeypatch.setattr(results_store, "write_parquet", _no_space(2))
    args = ["sweep", str(path), "--executor", "serial", "--threads", "1", "--out", str(out)]
    assert cli.main([*args, "--quiet"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "skillsim: error:" in err and "cannot write run" in err, err
    assert "No space left on device" in err and "Traceback" not in err


# ------------------------------------------------------------ leftovers


def test_half_written_files_of_a_killed_sweep_do_not_lock_its_folder(tmp_path):
    """A sweep killed (or out of space) while it wrote its first manifest left
    .manifest.json.tmp-<pid>; the folder was then refused as "not a sweep folder" for
    good. Such files are the sweep's own: ignored, and removed when it reopens."""
    plan = _plan(tmp_path, replications=1)
    out = tmp_path / "out"
    (out / "runs").mkdir(parents=True)
    (out / ".lock").touch()
    (out / ".manifest.json.tmp-4242").write_text('{"kind": "sw')
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    (out / ".ledger.parquet.tmp-4243").write_bytes(b"PAR1")  # killed in a later write
    assert run_sweep(plan, out, executor="serial", threads=1).skipped == len(plan.runs)
    assert _temporaries(out) == []
    (out / ".notes.tmp-1").write_text("not the sweep's")  # anything else is left alone
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    assert (out / ".notes.tmp-1").read_text() == "not the sweep's"


# ------------------------------------------------------------ the folder taken meanwhile


def test_a_sweep_that_took_the_folder_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    """Two sweeps started into one new folder: the second checked the folder, waited
    while the first took it and finished, then wrote over its manifest and counted its
    run folders (same names, other settings) as its own."""
    plan = _plan(tmp_path, replications=1)
    other = make_plan(load_experiment(tmp_path / "exp" / "exp.toml", {"months": 2}))
    out = tmp_path / "out"
    real_lock = SweepStore._lock

    def lock_after_the_other(self):
        monkeypatch.setattr(SweepStore, "_lock", real_lock)
        assert run_sweep(other, out, executor="serial", threads=1).complete
        real_lock(self)

    monkeypatch.setattr(SweepStore, "_lock", lock_after_the_other)
    with pytest.raises(SweepFolderError, match="holds another sweep"):
        run_sweep(plan, out, executor="serial", threads=1)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sweep_hash"] == other.sweep_hash and manifest["status"] == "complete"
    assert set(analysis.load(out)["month"]) == {0, 1, 2}


def test_a_file_system_without_locks_is_not_called_another_sweep(tmp_path, monkeypatch):
    """Every failure to lock the folder was "another sweep is writing", for ever, on a
    shared file system without locks (Lustre without -o flock, some NFS: ENOLCK; an
    outside review). Only a lock held elsewhere says so; the rest names the file system."""
    import fcntl

    plan = _plan(tmp_path, replications=1)
    out = tmp_path / "out"

    def no_locks_here(fh, how):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks_here)
    with pytest.raises(SweepFolderError) as caught:
        run_sweep(plan, out, executor="serial", threads=1)
    said = str(caught.value)
    assert "the file system cannot lock the sweep's folder (No locks available)" in said
    assert "another sweep" not in said
    assert not out.exists()  # (the folder it made for it, gone again)

    def held(fh, how):
        raise BlockingIOError(errno.EWOULDBLOCK, os.strerror(errno.EWOULDBLOCK))

    monkeypatch.setattr(fcntl, "flock", held)
    with pytest.raises(SweepFolderError, match="another sweep is writing to"):
        run_sweep(plan, out, executor="serial", threads=1)


def test_a_new_default_folder_names_the_earlier_sweep_of_its_experiment(tmp_path):
    """An edit to the experiment between a stop and its rerun (no --out) started every
    run anew in a new folder, the old one and its finished runs not mentioned (an
    outside review). The note names it, what differs and how many of its runs are
    copied (none here: other months; tests/test_sweep_reuse.py)."""
    from simulation.experiment import default_out
    from simulation.experiment.store import earlier_sweeps

    plan = _plan(tmp_path, replications=1)
    first = default_out(plan, tmp_path / "results")
    assert earlier_sweeps(first, plan) == ""
    assert run_sweep(plan, first, executor="serial", threads=1).complete
    assert earlier_sweeps(first, plan) == ""  # (the folder itself: resumed, not new)
    edited = make_plan(load_experiment(tmp_path / "exp" / "exp.toml", {"months": 2}))
    second = default_out(edited, tmp_path / "results")
    assert second != first
    # another experiment whose name starts with this one's (a review of the first form
    # named experiment exp-q's folder as this one's), newer
    other = shutil.copytree(first, tmp_path / "results" / "sweep-exp-q-0123abcd")
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["experiment"]["name"] = "exp-q"
    (other / "manifest.json").write_text(json.dumps(manifest))
    os.utime(first, (1_000_000, 1_000_000))
    note = earlier_sweeps(second, edited)
    assert note.startswith(f"{first} holds a sweep of experiment 'exp' with other settings")
    assert "months was 3, now 2" in note
    assert note.endswith(
        f"this one starts anew in {second}, and none of that one's 2 finished runs is one of "
        "this sweep's (other configurations or seeds): every run is computed"
    )
    # an unfinished one: how to finish it
    manifest = json.loads((first / "manifest.json").read_text())
    manifest["runs"] = 5
    (first / "manifest.json").write_text(json.dumps(manifest))
    assert earlier_sweeps(second, edited).endswith(
        "(to finish that sweep, undo the change and rerun)"
    )


def test_a_sweep_whose_runs_do_not_finish_still_says_so_in_a_log(tmp_path, monkeypatch, capsys):
    """A log's lines came only as runs finished: a cluster that lost its workers (or a
    long run) left it silent, "about 21 s left" for ever (an outside review). A line
    comes at least every EVERY_SECONDS (here shortened) while none finishes."""
    from simulation import progress

    monkeypatch.setattr(progress, "EVERY_SECONDS", 0.4)
    monkeypatch.setattr(progress, "QUIET_SECONDS", 0.0)
    plan_file = write_experiment(tmp_path / "exp", small(replications=1))
    real = runner.simulate

    def slow(run, **options):
        time.sleep(1.5)  # (no run finishes meanwhile)
        return real(run, **options)

    monkeypatch.setattr(runner, "simulate", slow)
    args = ["sweep", str(plan_file), "--executor", "serial", "--threads", "1"]
    assert cli.main([*args, "--out", str(tmp_path / "out")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "runs: 0/2 (done 0, failed 0; no run finished in the last" in err, err


def test_a_resume_onto_runs_it_cannot_write_is_refused_before_computing(tmp_path, monkeypatch):
    """A resume while runs/ was still read-only computed a run before it failed (an
    outside review). Refused at once, nothing computed, the finished runs kept; a
    finished sweep's read-only runs/ (results kept safe) is no reason to refuse."""
    plan = _plan(tmp_path, replications=2)
    out = tmp_path / "out"
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    shutil.rmtree(out / "runs" / plan.runs[0].run_id)
    real_mkdir = Path.mkdir

    def read_only(self, *args, **kwargs):
        if self.parent == out / "runs":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    computed = []
    monkeypatch.setattr(executors, "execute", lambda task: computed.append(task))
    with pytest.raises(
        SweepFolderError, match=r"runs: cannot write a run's folder there \(Read-only"
    ):
        run_sweep(plan, out, executor="serial", threads=1)
    assert computed == []
    assert len(list((out / "runs").iterdir())) == len(plan.runs) - 1
    monkeypatch.undo()
    assert run_sweep(plan, out, executor="serial", threads=1).done == 1
    monkeypatch.setattr(Path, "mkdir", read_only)  # (finished: nothing to write there)
    assert run_sweep(plan, out, executor="serial", threads=1).complete


def test_a_run_folder_in_the_way_is_refused_before_computing(tmp_path, monkeypatch):
    """A run's folder without its manifest (a partial copy, a manifest deleted by hand)
    was taken as a run to do: computed, then refused as "already exists", and the advice
    "free space and rerun" went round for ever. A run of another configuration copied in
    (the ledger gone) was taken as done and paired as this sweep's (an outside review).
    Both are refused before anything is computed, naming the folder; moved away, the
    rerun computes that run again."""
    plan = _plan(tmp_path, replications=2)
    out = tmp_path / "out"
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    computed = []
    monkeypatch.setattr(executors, "execute", lambda task: computed.append(task))
    first = out / "runs" / plan.runs[0].run_id
    (first / "manifest.json").unlink()
    with pytest.raises(SweepFolderError) as refused:
        run_sweep(plan, out, executor="serial", threads=1)
    assert f"{first} has no manifest.json" in str(refused.value)
    assert "move the folder out of runs/" in str(refused.value)
    assert computed == [] and first.is_dir()
    monkeypatch.undo()
    shutil.rmtree(first)
    assert run_sweep(plan, out, executor="serial", threads=1).done == 1
    # a run of a 400-worker sweep in a 300-worker sweep's place, its ledger gone
    other = make_plan(load_experiment(write_experiment(tmp_path / "exp2", small(workers=400))))
    other_out = tmp_path / "other"
    assert run_sweep(other, other_out, executor="serial", threads=1).complete
    shutil.rmtree(first)
    shutil.copytree(other_out / "runs" / first.name, first)
    (out / "ledger.parquet").unlink()
    monkeypatch.setattr(executors, "execute", lambda task: computed.append(task))
    with pytest.raises(SweepFolderError, match="a run of another configuration or seed"):
        run_sweep(plan, out, executor="serial", threads=1)
    assert computed == []


def test_a_refused_folder_prints_no_header_or_progress_first(tmp_path, capsys):
    """--out holding another sweep: the header and a "0/?" progress bar printed before
    the error, as if the sweep had started."""
    plan = _plan(tmp_path, replications=1)
    out = tmp_path / "out"
    out.mkdir()
    taken = {"kind": "sweep", "sweep_hash": "0" * 16, "experiment": {"name": "other"}}
    (out / "manifest.json").write_text(json.dumps(taken))
    args = ["sweep", plan.experiment.source, "--executor", "serial", "--out", str(out)]
    assert cli.main(args) == cli.EXIT_BAD_INPUT  # (not --quiet: the header and the bar)
    captured = capsys.readouterr()
    err = " ".join(captured.err.split())
    assert err.startswith(f"skillsim: error: {out} holds another sweep (experiment other"), err
    assert "0/?" not in err and "sweep exp:" not in err and captured.out == ""
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


# ------------------------------------------------------------ names


def _named(folder, kind, file, name):
    base = "baseline" if kind == "scenario" else "apprenticeship_subsidy"
    extra = "burn_in_months = 2\n" if kind == "scenario" else ""
    (folder / file).write_text(f'extends = "{base}"\nname = "{name}"\n{extra}')


def test_a_name_that_is_a_path_is_refused_before_anything_runs(tmp_path, capsys):
    """A scenario named "../../x" wrote its runs outside the sweep folder."""
    folder = tmp_path / "exp"
    path = write_experiment(folder, small().replace('"quick.toml"', '"odd.toml"'))
    _named(folder, "scenario", "odd.toml", "../../escape")
    out = tmp_path / "out"
    assert cli.main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert 'exp.toml: scenarios[0] = "odd.toml"' in err and '"../../escape"' in err, err
    assert "without / or \\" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp"]


def test_a_policy_named_with_a_space_at_an_end_is_refused(tmp_path, capsys):
    """A policy named "none " beside "none": its runs' folders sat beside the status
    quo's, and the effects table printed a row "none" against "none" (an outside
    review)."""
    folder = tmp_path / "exp"
    body = small().replace('"apprenticeship_subsidy"', '"spaced.toml"')
    path = write_experiment(folder, body)
    _named(folder, "policy", "spaced.toml", "none ")
    out = tmp_path / "out"
    assert cli.main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert '"none "' in err and "without spaces at either end" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp"]


def test_names_that_spell_the_same_run_id_are_refused(tmp_path):
    """Scenario "q" with policy "none__x" and scenario "q__none" with policy "x" are
    both q__none__x__r0: the second run crashed the sweep after the first was written,
    and a resumed sweep took one for the other."""
    folder = tmp_path / "exp"
    body = small(policies=("none", "x.toml", "nx.toml")).replace(
        '["quick.toml"]', '["quick.toml", "qn.toml"]'
    )
    path = write_experiment(folder, body)
    (folder / "quick.toml").write_text(QUICK_SCENARIO.replace('"quick"', '"q"'))
    _named(folder, "scenario", "qn.toml", "q__none")
    with (folder / "qn.toml").open("a") as f:  # (another scenario, not q under a new name)
        f.write("[behaviour.population]\nability_sd = 0.16\n")
    _named(folder, "policy", "x.toml", "x")
    _named(folder, "policy", "nx.toml", "none__x")
    with (folder / "nx.toml").open("a") as f:  # (another policy, not x under a new name)
        f.write("[subsidy]\nyuan_per_year = 7000.0\n")
    with pytest.raises(ConfigError, match='both give the run id "q__none__x__r0"') as err:
        make_plan(load_experiment(path))
    # the entry by its place, as the file writes it (it said scenarios = "q__none")
    assert err.value.field == "scenarios[1]" and err.value.value == '"qn.toml"'


# ------------------------------------------------------------ a local Dask cluster


def test_a_local_dask_cluster_does_not_warn_about_a_busy_dashboard_port():
    """`--executor dask` printed Dask's "Port 8787 is already in use. Perhaps you already
    have a cluster running?" whenever anything held port 8787 (a Jupyter Dask dashboard,
    a cluster of one's own)."""
    pytest.importorskip("distributed")
    holder = socket.socket()
    with contextlib.suppress(OSError):  # (if it is taken already, so much the better)
        holder.bind(("0.0.0.0", 8787))
        holder.listen()
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            cluster = executors.local_cluster(1)
            cluster.close()
    finally:
        holder.close()
    assert not [w for w in seen if "already in use" in str(w.message)], [
        str(w.message) for w in seen
    ]


# ------------------------------------------------------------ workers with other code


def test_a_run_computed_by_other_code_is_not_written(tmp_path, monkeypatch):
    """A cluster node with an old skillsim (or a worker process started after a module
    was edited) gave results that were written beside the others, and the run's
    manifest named the sweep host's code, not the code that computed it."""
    plan = _plan(tmp_path)
    stale = plan.runs[1].run_id
    real = executors.execute

    def on_a_stale_node(task):
        outcome = real(task)
        assert outcome.code and "simulation.model" in outcome.code  # what the run used
        if task.run_id == stale:
            outcome.code = {**outcome.code, "simulation.model": "0" * 16}
        return outcome

    monkeypatch.setattr(executors, "execute", on_a_stale_node)
    out = tmp_path / "out"
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        report = run_sweep(plan, out, executor=pool, jobs=1, threads=1)
    # the sweep stops there: every run of that code would be refused (an outside review:
    # a stale Dask worker had all 120 runs of a sweep computed and thrown away)
    assert (report.done, report.failed) == (1, 1)
    assert report.stopped == "a run came back computed with other skillsim code"
    assert json.loads((out / "manifest.json").read_text())["status"] == (
        "stopped: a run came back computed with other skillsim code"
    )
    error = report.failures[stale]
    assert "other skillsim code than this sweep's (the source of simulation.model differs)" in (
        error
    )
    assert "not written" in error
    assert stale not in {p.name for p in (out / "runs").iterdir()}
    monkeypatch.setattr(executors, "execute", real)  # the node updated: the rerun runs it
    rerun = run_sweep(plan, out, executor="serial", threads=1)
    assert (rerun.done, rerun.failed, rerun.stopped) == (len(plan.runs) - 1, 0, "")


def test_a_run_computed_with_another_numba_is_not_written(tmp_path, monkeypatch):
    """A cluster node with its own environment (another numba, numpy or Python minor
    version) computed runs that were written beside the sweep's: only skillsim's code
    was compared per worker. Such a run is refused and the sweep stops, as for other
    code; a Python patch release or another pandas is no reason to."""
    from simulation import store as run_store

    plan = _plan(tmp_path)
    odd, patched = plan.runs[1].run_id, plan.runs[0].run_id
    real = executors.execute
    mine = run_store.package_versions()

    def on_another_node(task):
        outcome = real(task)
        packages = dict(outcome.result.provenance["packages"])
        assert packages == mine  # (what the run was computed with, in its process)
        if task.run_id == patched:  # a patch release of Python, another pandas: the same
            packages.update(python=mine["python"] + "1", pandas="0.0.1")
        if task.run_id == odd:
            packages["numba"] = "0.0.1"
        outcome.result.provenance = {**outcome.result.provenance, "packages": packages}
        return outcome

    monkeypatch.setattr(executors, "execute", on_another_node)
    out = tmp_path / "out"
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        report = run_sweep(plan, out, executor=pool, jobs=1, threads=1)
    assert (report.done, report.failed) == (1, 1)
    assert report.stopped == "a run came back computed with another Python, numpy or numba"
    error = report.failures[odd]
    assert f"with numba 0.0.1 (this sweep's: {mine['numba']}): not written" in error
    assert {p.name for p in (out / "runs").iterdir()} == {patched}
    monkeypatch.setattr(executors, "execute", real)  # the node updated: the rerun runs it
    rerun = run_sweep(plan, out, executor="serial", threads=1)
    assert (rerun.done, rerun.failed, rerun.stopped) == (len(plan.runs) - 1, 0, "")


def test_a_resume_with_other_package_versions_is_said(tmp_path):
    """Only skillsim's own code was compared on a resume: after ``pip install -U`` the
    finished runs of one numba were kept beside the new ones' without a word (an outside
    review)."""
    plan = _plan(tmp_path, replications=1)
    out = tmp_path / "out"
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    notes: list[str] = []
    assert run_sweep(plan, out, executor="serial", threads=1, on_note=notes.append).complete
    assert notes == []  # (the same packages)
    manifest = json.loads((out / "manifest.json").read_text())
    now = manifest["packages"]["numba"]
    manifest["packages"]["numba"] = "0.0.1"
    (out / "manifest.json").write_text(json.dumps(manifest))
    # nothing left to compute: nothing to mix, nothing said, and the versions kept for
    # the resume that computes (a review of the first form: said, then forgotten)
    assert run_sweep(plan, out, executor="serial", threads=1, on_note=notes.append).done == 0
    assert notes == []
    assert json.loads((out / "manifest.json").read_text())["packages"]["numba"] == "0.0.1"
    shutil.rmtree(out / "runs" / plan.runs[0].run_id)
    assert run_sweep(plan, out, executor="serial", threads=1, on_note=notes.append).done == 1
    assert len(notes) == 1
    assert notes[0].startswith(
        f"numba 0.0.1 -> {now} since the latest of this sweep's finished runs was computed"
    )
    assert json.loads((out / "manifest.json").read_text())["packages"]["numba"] == now


CODE_AS_RUN = r"""
import json, sys
from pathlib import Path
import simulation
from simulation import source

root = Path(simulation.__file__).parent
seen = {"start": source.snapshot(), "file": simulation.__file__}
(root / "stop.py").write_text("# edited after the package was imported, before stop\n")
(root / "i18n.py").write_text("# edited after the package was imported, not imported\n")
import simulation.stop  # (read as imported: the edited file is the code it runs)
seen["later"] = source.snapshot()
(root / "stop.py").write_text("# edited again, after its import\n")
(root / "scratch.py").write_text("# a file that appeared while the process ran\n")
seen["again"] = source.snapshot()
seen["changed"] = source.changed(seen["start"])
print(json.dumps(seen))
"""


def test_a_process_records_each_module_as_it_imported_it(tmp_path):
    """The code a run records is each module's source as its process imported it:
    a worker that imported the code before an edit reports the old code (its results
    are of the old code: a sweep of the new code refuses them), a module imported after
    an edit the new one; a module never imported, edited later, keeps the code as the
    package was imported. Every module of the package is in it, whatever the process
    imported, so the same code has one digest in any process (a pool worker, the
    serial loop, a Dask worker)."""
    import shutil

    import simulation
    from simulation import source

    copy = tmp_path / "simulation"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(Path(simulation.__file__).parent, copy, ignore=ignore)
    modules = len(list(copy.rglob("*.py")))
    # no modules: an editor's lock (a dangling link), a notebook's checkpoint
    (copy / ".#model.py").symlink_to(tmp_path / "nowhere.py")
    (copy / ".ipynb_checkpoints").mkdir()
    (copy / ".ipynb_checkpoints" / "model-checkpoint.py").write_text("x = 1\n")
    done = subprocess.run(
        [sys.executable, "-c", CODE_AS_RUN],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path), "SKILLSIM_COMPILE_HELPER": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    start, later, again = seen["start"], seen["later"], seen["again"]
    assert Path(seen["file"]).parent == copy  # (the copy ran, not this checkout)
    assert start == source.snapshot()  # the same code, another process: the same digests
    assert len(start) == modules and all(".#" not in n and "ipynb" not in n for n in start)
    edited = b"# edited after the package was imported, before stop\n"
    assert later["simulation.stop"] == hashlib.sha256(edited).hexdigest()[:16]
    assert later["simulation.i18n"] == start["simulation.i18n"]  # never imported
    assert again["simulation.stop"] == later["simulation.stop"]  # as imported
    assert set(again) == set(start)  # (the package as the process found it)
    assert seen["changed"] == ["simulation.stop"]


def test_a_scheduler_without_workers_is_pointed_out_and_the_runs_wait_for_them(tmp_path):
    """`--scheduler` to a scheduler with no workers sat at 0 runs with no word why."""
    pytest.importorskip("distributed")
    import logging

    from distributed import LocalCluster

    plan = _plan(tmp_path, replications=1)
    notes = []
    with LocalCluster(
        n_workers=0,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.ERROR,
    ) as cluster:

        def note(text):
            notes.append(text)
            cluster.scale(1)  # the researcher starts a worker

        address = cluster.scheduler_address
        report = run_sweep(plan, tmp_path / "out", scheduler=address, threads=1, on_note=note)
    assert report.complete
    assert notes == [
        f"the Dask scheduler at {address} has no workers yet: the runs wait until workers "
        f"join (start them with `dask worker {address}`, on machines with this skillsim "
        "installed)"
    ]


def test_a_second_ctrl_c_while_the_executor_stops_still_closes_the_folder(tmp_path, monkeypatch):
    """Ctrl-C pressed twice: the second landed while the executor stopped, and the sweep
    folder was left saying "running", its lock held."""
    plan = _plan(tmp_path)
    real = executors.run_serial

    def impatient(tasks, work=executors.execute):
        try:
            yield from real(tasks, work)
        finally:
            raise KeyboardInterrupt  # the second Ctrl-C

    def first_ctrl_c(outcome):
        raise KeyboardInterrupt

    monkeypatch.setattr(executors, "run_serial", impatient)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(plan, out, executor="serial", threads=1, on_outcome=first_ctrl_c)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["counts"]["done"] == 1
    monkeypatch.setattr(executors, "run_serial", real)
    assert run_sweep(plan, out, executor="serial", threads=1).complete  # not locked


# ------------------------------------------------------------ the sweep process killed


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(stat.parent.name))
    return out


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _sweep_process(tmp_path, out: Path, executor: str, stderr) -> subprocess.Popen:
    """``skillsim sweep`` of 80 small runs on two workers of ``executor``, in a process
    group of its own (signalled as a terminal signals its group) with Ctrl-C's default
    handling, as a terminal's command has it."""
    path = write_experiment(tmp_path / "exp", small(replications=40, workers=800, months=6))
    args = ["sweep", str(path), "--executor", executor, "--jobs", "2", "--out", str(out)]
    return subprocess.Popen(
        [sys.executable, "-m", "simulation.cli", *args, "--quiet"],
        cwd=ROOT,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
    )


def _wait_for_a_run(proc, out: Path) -> None:
    """Until the sweep ``proc`` has written its first run folder in ``out`` (or ended)."""
    runs = out / "runs"
    deadline = time.monotonic() + 240  # (guards against hanging, not timings)
    while time.monotonic() < deadline and proc.poll() is None:
        if runs.is_dir() and any(not p.name.startswith(".") for p in runs.iterdir()):
            return
        time.sleep(0.05)


def _left_running(workers: list[int]) -> list[int]:
    """The processes of ``workers`` still running after up to a minute."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(map(_running, workers)):
        time.sleep(0.1)
    return [w for w in workers if _running(w)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_pool_workers_end_with_a_killed_sweep(tmp_path):
    """kill -9 of the sweep's own process (or the out-of-memory killer) left its pool's
    worker processes running for good, each holding its kernels and month-0 states."""
    out = tmp_path / "out"
    proc = _sweep_process(tmp_path, out, "processes", stderr=subprocess.DEVNULL)
    workers = []
    try:
        _wait_for_a_run(proc, out)
        workers = _children(proc.pid)
        assert proc.poll() is None and len(workers) >= 2, "the sweep should be mid-way"
        proc.kill()  # the sweep's process only, as the out-of-memory killer does
        proc.wait()
        left = _left_running(workers)
    finally:
        for pid in workers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes {left} outlived the sweep"


WORKER_LOGS = """
import logging, sys
logging.basicConfig(stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")
import simulation.experiment.worker_signals  # as the local cluster preloads it
log = logging.getLogger("distributed.worker")
try:
    raise OSError("Stream is closed")
except OSError:
    log.exception("Failed to communicate with scheduler during heartbeat.")
    log.exception("Unexpected exception during heartbeat. Closing worker.")
log.error("Compute Failed")
"""


def test_a_local_worker_does_not_log_the_heartbeat_that_finds_the_sweep_gone():
    """Stopping a local Dask sweep (Ctrl-C) now and then made a worker whose heartbeat
    fell after the scheduler's stop log ~40 lines of traceback under the sweep's one
    line (the scheduler lives in the sweep's process). The workers drop that record
    and keep every other one."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER_LOGS], capture_output=True, text=True, timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Failed to communicate with scheduler" not in done.stderr, done.stderr
    assert "Unexpected exception during heartbeat" in done.stderr
    assert "distributed.worker ERROR Compute Failed" in done.stderr


def _past_warnings(text: str) -> str:
    """What a stopped sweep said after the warnings it prints before it starts (the
    test city's size leaves some regions without seats, and says so)."""
    head, word, rest = text.partition("interrupted")
    assert not head.strip() or head.lstrip().startswith("warning:"), head
    return word + rest


def test_ctrl_c_stops_a_local_dask_sweep_without_worker_tracebacks(tmp_path):
    """Ctrl-C in a terminal reaches the whole process group: each worker process of the
    local Dask cluster printed a KeyboardInterrupt traceback (~30 lines each) under the
    sweep's own message. Now the workers ignore it and the sweep stops them: one line,
    exit 130, the finished runs kept, no worker left."""
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    proc = _sweep_process(tmp_path, out, "dask", stderr=subprocess.PIPE)
    try:
        _wait_for_a_run(proc, out)
        workers = _children(proc.pid)
        assert proc.poll() is None, "the sweep should be mid-way"
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert _past_warnings(err).startswith("interrupted; finished runs are kept"), err
    assert not _left_running(workers)


def test_a_run_written_before_its_ledger_row_gets_its_row_filled_on_resume(tmp_path):
    """A kill between a run's folder and the ledger's next write left its row pending
    and blank: resuming counts it done (not run again) and fills its seconds, finish
    time, host and code from the run's manifest, so the code check covers it too."""
    plan = _plan(tmp_path, replications=2)
    out = tmp_path / "out"
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    ledger = pd.read_parquet(out / "ledger.parquet")
    first = ledger.iloc[0]
    blank = {"status": "pending", "seconds": float("nan"), "finished": "", "host": "", "code": ""}
    lagged = ledger.copy()
    for column, value in blank.items():
        lagged.loc[0, column] = value
    lagged.to_parquet(out / "ledger.parquet", index=False)
    folder = out / "runs" / first["run_id"]
    before = (folder / "metrics.parquet").stat().st_mtime_ns
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    row = pd.read_parquet(out / "ledger.parquet").set_index("run_id").loc[first["run_id"]]
    assert row["status"] == "done" and row["code"] == first["code"] != ""
    assert row["host"] == first["host"] and row["finished"] != ""
    assert row["seconds"] > 0
    assert (folder / "metrics.parquet").stat().st_mtime_ns == before  # not run again


def test_a_damaged_ledger_is_rebuilt_from_the_run_folders_on_resume(tmp_path):
    """A ledger cut short gave a pyarrow traceback on resume (an outside fuzz); the run
    folders say which runs finished: the ledger is rebuilt from them, the sweep says so,
    and no finished run is run again. A damaged run table is named with the way to
    recompute it (a resumed sweep skips a run whose folder exists)."""
    plan = _plan(tmp_path, replications=2)
    out = tmp_path / "out"
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    before = pd.read_parquet(out / "ledger.parquet").set_index("run_id")
    written = {p: p.stat().st_mtime_ns for p in (out / "runs").glob("*/metrics.parquet")}
    whole = (out / "ledger.parquet").read_bytes()
    (out / "ledger.parquet").write_bytes(whole[:300])
    notes = []
    report = run_sweep(plan, out, executor="serial", threads=1, on_note=notes.append)
    assert report.complete and report.skipped == len(before)
    assert len(notes) == 1 and "its ledger.parquet was not a readable ledger" in notes[0]
    assert "rebuilt from the run folders" in notes[0]
    after = pd.read_parquet(out / "ledger.parquet").set_index("run_id")
    assert (after["status"] == "done").all() and set(after.index) == set(before.index)
    assert (after["seed"] == before["seed"]).all() and (after["code"] == before["code"]).all()
    assert {p: p.stat().st_mtime_ns for p in written} == written  # none run again
    shutil.copyfile(next(iter(written)), out / "ledger.parquet")  # another table in its place
    notes.clear()
    assert run_sweep(plan, out, executor="serial", threads=1, on_note=notes.append).complete
    assert "no column attempts, run_id, status" in notes[0]
    table = next(iter(written))
    table.write_bytes(table.read_bytes()[:200])
    with pytest.raises(analysis.DamagedFolderError) as err:
        analysis.load(out)
    assert f"delete its run folder {table.parent} and rerun the sweep command" in str(err.value)


def test_a_damaged_manifest_over_the_sweeps_own_runs_is_written_anew_on_resume(tmp_path):
    """A sweep folder whose manifest.json could not be read could not be resumed ("not
    a sweep folder"), nor loaded ("rerun what wrote this folder"): its finished runs
    were stranded (an outside review). The same command now resumes it when every run
    in runs/ is one of this sweep's (configuration and seed), writes the manifest anew
    and says so; a run of another sweep in it keeps the folder refused."""
    plan = _plan(tmp_path, replications=2)
    out = tmp_path / "out"
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    written = {p: p.stat().st_mtime_ns for p in (out / "runs").glob("*/metrics.parquet")}
    whole = (out / "manifest.json").read_text()
    (out / "manifest.json").write_text(whole[:100])
    (out / "report_figures").mkdir()  # (the sweep's own report, as `skillsim report` puts it)
    (out / "report.html").write_text("<html>its report</html>")
    with pytest.raises(analysis.DamagedFolderError):
        analysis.load(out)
    notes = []
    report = run_sweep(plan, out, executor="serial", threads=1, on_note=notes.append)
    assert report.complete and report.skipped == len(written)
    assert len(notes) == 1 and "its manifest.json could not be read: written anew" in notes[0]
    assert json.loads((out / "manifest.json").read_text())["sweep_hash"] == plan.sweep_hash
    assert {p: p.stat().st_mtime_ns for p in written} == written  # none run again
    assert len(analysis.load(out)) > 0
    # another sweep's plan (other runs: another size) does not take the folder
    (out / "manifest.json").write_text("{")
    other = _plan(tmp_path / "other", replications=2, workers=400)
    with pytest.raises(SweepFolderError, match="not a sweep folder"):
        SweepStore(out, other).check()
    # nor does this one, with a stranger's folder beside its runs
    (out / "notes.txt").write_text("mine")
    with pytest.raises(SweepFolderError, match="not a sweep folder"):
        SweepStore(out, plan).check()


# ------------------------------------------------------------ resumed after a code change


def test_resuming_after_the_code_changed_says_so(tmp_path):
    """The same command after an edit of the model skipped the finished runs, computed
    by the old code, without a word: the sweep's results silently mixed two codes."""
    plan = _plan(tmp_path, replications=3)
    out = tmp_path / "out"
    notes = []

    def stop(outcome):
        raise KeyboardInterrupt

    for _ in range(2):  # interrupted twice, the code unchanged: nothing to say
        with pytest.raises(KeyboardInterrupt):
            run_sweep(
                plan, out, executor="serial", threads=1, on_outcome=stop, on_note=notes.append
            )
    assert notes == []
    ledger = pd.read_parquet(out / "ledger.parquet").set_index("run_id")
    done = ledger[ledger["status"] == "done"]
    assert len(done) == 2 and done["code"].str.len().eq(16).all() and done["code"].nunique() == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert "simulation.model" in manifest["code"]

    manifest["code"]["simulation.model"] = "0" * 16  # as if the model was edited since
    (out / "manifest.json").write_text(json.dumps(manifest))
    table = pd.read_parquet(out / "ledger.parquet")
    table.loc[table["status"] == "done", "code"] = "0" * 16  # (their code's digest)
    table.to_parquet(out / "ledger.parquet")
    report = run_sweep(plan, out, executor="serial", threads=1, on_note=notes.append)
    assert report.complete and report.skipped == 2
    assert notes == [
        "the code changed since 2 of this sweep's 2 finished runs were computed (the source "
        "of simulation.model differs): they are kept and skipped, so its results will mix "
        "two versions of the code (ledger.parquet, column code); to compute every run with "
        "this code, use a new --out"
    ]
    # ... and reading the results says so too, whenever they are read
    with pytest.warns(
        analysis.MixedCodeWarning, match=r"its 6 finished runs were computed by 2 versions"
    ):
        analysis.load(out)
    # ... and the report, at the top of its page, once (not a warning per table it loads)
    from simulation import report

    with warnings.catch_warnings():
        warnings.simplefilter("error", analysis.MixedCodeWarning)
        sweep = report.read(out)
    assert sweep.code_versions == 2
    page = report._html(sweep, [], "figures", "en")
    assert page.count("computed by 2 versions of the skillsim code") == 1


_KILLED_AFTER = """
import os, signal, sys
from simulation.experiment import load_experiment, make_plan, run_sweep, store
store.FLUSH_SECONDS = float(sys.argv[4])
left = [int(sys.argv[3])]
def outcome(_):
    left[0] -= 1
    if left[0] == 0:  # after the run is written and the ledger flushed (if due)
        os.kill(os.getpid(), signal.SIGKILL)
run_sweep(make_plan(load_experiment(sys.argv[1])), sys.argv[2], executor="serial",
          threads=1, on_outcome=outcome)
"""


def _killed_after(tmp_path, runs: int, flush_seconds: float):
    """A sweep of 8 runs killed with SIGKILL just after its ``runs``-th run (its own
    process, serial: the kill lands at a known run)."""
    plan = _plan(tmp_path, replications=4)
    out = tmp_path / "killed"
    argv = [plan.experiment.source, str(out), str(runs), str(flush_seconds)]
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_AFTER, *argv], cwd=ROOT, capture_output=True, timeout=300
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    return plan, out


def test_a_killed_sweeps_manifest_counts_what_its_ledger_says(tmp_path, capsys):
    """After kill -9 the manifest said running {'pending': 90, 'done': 0} though 28 runs
    were on disk and the ledger said 25: its counts were written only when the sweep
    started and ended. They are now written with each flush of the ledger; and report,
    effects and analysis.load count from the ledger and the run folders, and say which
    runs a lagging ledger has not recorded yet."""
    plan, out = _killed_after(tmp_path, runs=3, flush_seconds=0.0)  # (a flush each run)
    ledger = pd.read_parquet(out / "ledger.parquet")
    manifest = json.loads((out / "manifest.json").read_text())
    assert (ledger["status"] == "done").sum() == 3 == len(list((out / "runs").iterdir()))
    assert manifest["status"] == "running"
    assert manifest["counts"] == {"pending": 5, "done": 3, "failed": 0}

    # the ledger a kill within a second of the last flush leaves: one run behind
    ledger.loc[ledger["status"] == "done", "status"] = ["done", "done", "pending"]
    ledger.to_parquet(out / "ledger.parquet")
    shown = r"\(2 of 8 runs done, 5 not run yet; 1 more written just before it stopped"
    with pytest.warns(analysis.IncompleteSweepWarning, match=shown):
        assert analysis.load(out)["run_id"].nunique() == 2
    cli.main(["effects", str(out)])  # (its exit status: enough runs to compare, or not)
    err = " ".join(capsys.readouterr().err.split())
    assert f"skillsim: warning: {out}: this sweep is not complete (2 of 8 runs done" in err
    assert (
        f"`skillsim sweep {plan.experiment.source} --out {out} --executor serial --threads 1`"
        in err
    )
    assert run_sweep(plan, out, executor="serial", threads=1).skipped == 3  # it resumes


def test_a_run_written_just_before_a_kill_counts_one_attempt(tmp_path):
    """The ledger is written at most once a second, so a kill can leave a written run
    "pending" with 0 attempts; the rerun marked it done and kept the 0."""
    plan = _plan(tmp_path)
    out = tmp_path / "out"
    assert run_sweep(plan, out, executor="serial", threads=1).complete
    ledger = pd.read_parquet(out / "ledger.parquet")
    last = ledger.index[-1]
    ledger.loc[last, ["status", "attempts"]] = ["pending", 0]  # the ledger a kill left
    ledger.to_parquet(out / "ledger.parquet")
    assert run_sweep(plan, out, executor="serial", threads=1).skipped == len(plan.runs)
    ledger = pd.read_parquet(out / "ledger.parquet")
    assert (ledger["status"] == "done").all() and (ledger["attempts"] == 1).all()


def test_a_runs_manifest_says_where_it_was_computed(tmp_path, monkeypatch):
    """A run computed on a cluster node was written with the environment of the sweep's
    host (its platform, CPUs, numba threads): the manifest now carries the worker's."""
    plan = _plan(tmp_path)
    real = executors.execute

    def on_a_node(task):
        outcome = real(task)
        outcome.result.provenance["environment"].update(host="node-7", cpus=96)
        return outcome

    monkeypatch.setattr(executors, "execute", on_a_node)
    out = tmp_path / "out"
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        assert run_sweep(plan, out, executor=pool, jobs=1, threads=1).complete
    runs = list((out / "runs").iterdir())
    assert runs
    for run in runs:
        environment = json.loads((run / "manifest.json").read_text())["environment"]
        assert (environment["host"], environment["cpus"]) == ("node-7", 96)


def test_a_ctrl_c_whose_exception_python_dropped_still_stops_the_sweep(tmp_path):
    # Python drops an exception raised inside a garbage-collection callback: a Dask
    # client runs one at every collection, and a Ctrl-C that landed there was lost (the
    # sweep ran to its end, exit 0). The handler also sets simulation.stop.requested,
    # which the sweep checks after each run.
    from simulation import stop

    plan = _plan(tmp_path)
    assert len(plan.runs) > 1
    out = tmp_path / "out"

    def ctrl_c_dropped(outcome):
        stop.requested.set()  # what cli._interrupt does before its exception is lost

    try:
        with pytest.raises(KeyboardInterrupt):
            run_sweep(plan, out, executor="serial", threads=1, on_outcome=ctrl_c_dropped)
    finally:
        stop.requested.clear()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["counts"]["done"] == 1
    # ... and the dropped exception is not reported as a traceback under the sweep's line
    reported = []
    quiet = cli._unraisable(reported.append)
    quiet(types.SimpleNamespace(exc_value=KeyboardInterrupt()))
    quiet(types.SimpleNamespace(exc_value=cli.Terminated()))
    other = types.SimpleNamespace(exc_value=ValueError("a real one"))
    quiet(other)
    assert reported == [other]


def test_effects_csv_on_a_full_disk_is_one_line(tmp_path, monkeypatch, capsys):
    """effects --csv on a full disk was pandas' traceback: one line, exit 1, no file."""
    plan = _plan(tmp_path)
    out = tmp_path / "out"
    assert run_sweep(plan, out, executor="serial", threads=1).complete

    def full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    csv = tmp_path / "e.csv"
    assert cli.main(["effects", str(out), "--csv", str(csv)]) == 1
    err = capsys.readouterr().err
    assert f"cannot write --csv {csv} (No space left on device)" in err
    assert "Traceback" not in err and not csv.exists() and not list(tmp_path.glob(".e.csv*"))


def test_dask_uses_workers_that_join_a_sweep_under_way(monkeypatch):
    """A batch cluster's workers come up after the client: the runs in flight were
    counted once, at the start (one worker: two at a time however many joined, an
    outside review). Now the window follows the workers there."""
    from distributed import Client, LocalCluster

    from simulation.experiment import executors

    def slow(task):
        time.sleep(0.3)
        return task.run_id

    monkeypatch.setattr(executors, "execute", slow)  # (workers in this process: threads)
    tasks = [types.SimpleNamespace(run_id=f"r{i}") for i in range(40)]
    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        joined = threading.Timer(1.0, lambda: cluster.scale(3))
        joined.start()
        peak, done = 0, []
        for out in executors.run_dask(tasks, None, 1, client):
            done.append(out)
            peak = max(peak, sum(len(v) for v in client.processing().values()))
        joined.join()
    assert sorted(done) == sorted(t.run_id for t in tasks)
    assert peak > executors.WINDOW_PER_JOB  # (more than one worker's window)


@pytest.mark.parametrize("kind", ["http", "ssh"])
def test_a_scheduler_address_where_something_else_listens(kind):
    """--scheduler at a port where no Dask scheduler listens but something does: a web
    server (the scheduler's dashboard, 8787, for its 8786) took the handshake and the
    sweep hung past Dask's own timeout; an SSH banner, read as a message's length, gave
    numpy's traceback asking for exbibytes (an outside review). Both: ExecutorError."""
    import dask

    from simulation.experiment import executors

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    held = []

    def answer():
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                held.append(conn)
                if kind == "ssh":  # (an SSH server speaks first)
                    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
                else:  # (a web server answers what it was sent, and keeps the line)
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    threading.Thread(target=answer, daemon=True).start()
    try:
        with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
            t0 = time.monotonic()
            with (
                pytest.raises(executors.ExecutorError) as said,
                executors.dask_client(f"tcp://127.0.0.1:{port}", 1),
            ):
                pass
            assert time.monotonic() - t0 < 30
        # what Dask could not read is said as such, not as numpy's request for exbibytes
        words = str(said.value)
        assert "something answered there, but not as a Dask scheduler" in words, words
        assert "EiB" not in words and "allocate" not in words, words
    finally:
        server.close()
        for conn in held:
            conn.close()


@pytest.mark.parametrize("finished", [0, 1])
def test_an_interrupted_sweep_says_whether_any_run_is_kept(tmp_path, monkeypatch, capsys, finished):
    """Ctrl-C before any run had finished said "finished runs are kept" of none (an
    outside review): now it says that none had finished and how to start again."""
    import simulation.experiment as experiment

    path = write_experiment(tmp_path / "exp", small())
    out = tmp_path / "sweep"

    def stopped(plan, folder, *args, **kwargs):
        (Path(folder) / "runs").mkdir(parents=True)
        if finished:
            (Path(folder) / "runs" / "quick__none__r0").mkdir()
            (Path(folder) / "runs" / "quick__none__r0" / "manifest.json").write_text("{}")
        raise KeyboardInterrupt

    monkeypatch.setattr(experiment, "run_sweep", stopped)
    assert cli.main(["sweep", str(path), "--out", str(out), "--quiet"]) == 130
    said = " ".join(capsys.readouterr().err.split())
    if finished:
        assert _past_warnings(said).startswith(f"interrupted; finished runs are kept in {out}")
    else:
        assert _past_warnings(said).startswith(
            f"interrupted before any run finished; {out} holds the sweep's"
        )
        assert "rerun the same command to start it" in said
    # SIGTERM (a batch scheduler's stop) is said as such, as `skillsim run` says it (it
    # was "interrupted": an outside review)
    import signal

    def terminated(plan, folder, *args, **kwargs):
        try:
            stopped(plan, folder)
        except KeyboardInterrupt:
            signal.raise_signal(signal.SIGTERM)  # (cli.main's handler: no model steps)

    monkeypatch.setattr(experiment, "run_sweep", terminated)
    out = tmp_path / "again"
    assert cli.main(["sweep", str(path), "--out", str(out), "--quiet"]) == 143
    said = " ".join(capsys.readouterr().err.split())
    told = "stopped (SIGTERM)" + ("; finished runs are kept" if finished else " before any run")
    assert told in said and "interrupted before" not in said and "interrupted;" not in said


def test_more_threads_than_cores_are_said_and_recorded_as_used(tmp_path, capsys):
    """--threads 99 on 2 cores ran each run on 2 threads, said nothing, and the sweep's
    manifest recorded 99 (an outside review)."""
    import numba

    cores = numba.config.NUMBA_NUM_THREADS
    path = write_experiment(tmp_path / "exp", small(replications=1))
    out = tmp_path / "sweep"
    args = ["sweep", str(path), "--out", str(out), "--executor", "serial", "--quiet"]
    assert cli.main([*args, "--threads", str(cores + 97)]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert f"--threads {cores + 97}: this machine has {cores} cores; each run uses {cores}" in err
    assert json.loads((out / "manifest.json").read_text())["execution"]["threads"] == cores


def test_a_resume_that_runs_nothing_keeps_the_execution_the_runs_had(tmp_path, capsys):
    """The sweep's manifest says the executor its runs were computed on; a rerun of a
    finished sweep with other options, which ran nothing, overwrote it (an outside
    review: jobs 99, threads None)."""
    path = write_experiment(tmp_path / "exp", small(replications=1))
    out = tmp_path / "sweep"
    args = ["sweep", str(path), "--out", str(out), "--quiet"]
    assert cli.main([*args, "--executor", "serial", "--threads", "1"]) == 0
    first = json.loads((out / "manifest.json").read_text())["execution"]
    assert first == {"executor": "serial", "jobs": None, "scheduler": None, "threads": 1}
    assert cli.main([*args, "--executor", "processes", "--jobs", "2"]) == 0
    assert json.loads((out / "manifest.json").read_text())["execution"] == first


def _holds_sigint() -> bool:
    import signal

    return signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())


def test_worker_processes_start_with_ctrl_c_held_back():
    """A Ctrl-C in a worker's first seconds (importing numba and mesa, before it could
    ignore the signal) printed its traceback into the sweep's message: 34 lines from a
    pool's worker, 74 from a local Dask cluster's two (an outside review). The workers
    start with SIGINT held back and leave it to the sweep's process; the sweep's own
    process keeps receiving it."""
    pool = executors.process_pool(1)()
    try:
        assert pool.submit(_holds_sigint).result(timeout=120) is True
    finally:
        pool.shutdown()
    assert not _holds_sigint()
    # A local Dask cluster, in a process of its own as a sweep starts one (Python's
    # resource tracker not yet running: started in the cluster's thread, it unblocked
    # SIGINT there and its workers started with it live; an outside review)
    pytest.importorskip("distributed")
    script = (
        "import signal\n"
        "from distributed import Client\n"
        "from simulation.experiment import executors\n"
        "def held():\n"
        "    return signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())\n"
        "cluster = executors.local_cluster(2)\n"
        "with Client(cluster) as client:\n"
        "    print(sorted(client.run(held).values()), held())\n"
        "cluster.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SKILLSIM_COMPILE_HELPER": "0"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "[True, True] False", done.stdout
