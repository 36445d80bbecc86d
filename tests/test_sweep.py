"""Sweeps: the sweep folder, resume after SIGKILL, failures, and executors that agree."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from sweeps import small, without_timings, write_experiment

from simulation import analysis, cli, loading, runner
from simulation.experiment import executors, load_experiment, make_plan, run_sweep
from simulation.experiment.executors import Task
from simulation.experiment.progress import sweep_progress
from simulation.model import BURN_INS

ROOT = Path(__file__).resolve().parents[1]


def _ledger(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "ledger.parquet")


def _run_folders(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "runs").iterdir())


def test_sweep_folder_and_resume(tmp_path):
    keep = 'keep = ["metrics", "region", "cell"]\n'
    path = write_experiment(tmp_path / "exp", small(extra=keep))
    plan = make_plan(load_experiment(path))
    out = tmp_path / "out"
    seen = []
    real_get = BURN_INS.get
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(BURN_INS, "get", lambda run: seen.append(real_get(run)) or seen[-1])
        report = run_sweep(plan, out, executor="serial", threads=1)
    assert (report.done, report.failed, report.skipped) == (4, 0, 0) and report.complete
    # Two policies of each seed in a row: the second starts from the first's burn-in,
    # and the sweep lets go of the kept states when it ends.
    assert [state is not None for state in seen] == [False, True, False, True]
    assert not BURN_INS._states
    assert sorted(p.name for p in out.iterdir()) == [
        ".lock",
        "design.parquet",
        "ledger.parquet",
        "manifest.json",
        "runs",
    ]
    ids = [r.run_id for r in plan.runs]
    assert _run_folders(out) == sorted(ids)
    for run_id in ids:  # kept tables only, and the run's own manifest
        files = sorted(p.name for p in (out / "runs" / run_id).iterdir())
        assert files == ["cell.parquet", "manifest.json", "metrics.parquet", "region.parquet"]
    ledger = _ledger(out)
    assert list(ledger["run_id"]) == ids
    assert set(ledger["status"]) == {"done"} and (ledger["attempts"] == 1).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["status"] == "complete"
    assert manifest["root_seed"] == 11 and manifest["seeds"] == plan.seeds
    assert manifest["experiment"]["workers"] == 300
    assert manifest["sweep_hash"] == plan.sweep_hash
    assert {"commit", "dirty"} <= set(manifest["code_version"])
    assert {"numpy", "numba", "SALib", "dask", "distributed"} <= set(manifest["packages"])
    assert manifest["counts"] == {"pending": 0, "done": 4, "failed": 0}
    first = analysis.load(out)
    stamps = {p: p.stat().st_mtime_ns for p in (out / "runs").rglob("*.parquet")}

    again = run_sweep(
        plan, out, executor="serial", threads=1
    )  # the same sweep again: nothing to do
    assert (again.done, again.failed, again.skipped) == (0, 0, 4)
    assert stamps == {p: p.stat().st_mtime_ns for p in (out / "runs").rglob("*.parquet")}
    pd.testing.assert_frame_equal(analysis.load(out), first)

    other = make_plan(load_experiment(path, {"months": 4}))  # another sweep, same folder
    assert cli.main(["sweep", str(path), "--months", "4", "--out", str(out), "--quiet"]) == 2
    assert other.sweep_hash != plan.sweep_hash
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    assert cli.main(["sweep", str(path), "--out", str(foreign), "--quiet"]) == 2
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


def test_runs_that_failed_alike_are_said_once_with_what_to_do(tmp_path):
    """A sweep refused on a stale worker printed the same seven lines for each of its
    120 runs, and a pool child killed mid-run said only BrokenProcessPool, with nothing on
    what to do (an outside review). Failures alike are one line, the executor's words
    first, and the rerun is named."""
    import io

    from rich.console import Console

    from simulation.experiment import cli as experiment_cli
    from simulation.experiment.sweep import SweepReport

    died = (
        "a worker process died while this run was in flight\nTraceback (most recent call "
        "last):\nconcurrent.futures.process.BrokenProcessPool: A process in the pool died"
    )
    report = SweepReport(tmp_path, 10, 0, 6, 4, 1.0)
    report.failures = {
        "a__none__r0": died,
        "a__none__r1": died,
        "a__none__r2": died,
        "b__none__r0": "Traceback (most recent call last):\n  x\nRuntimeError: [odd] boom",
    }
    text = io.StringIO()
    experiment_cli._print_failures(Console(file=text, width=400), report, tmp_path)
    lines = text.getvalue().splitlines()
    assert lines == [
        "failed 3 runs (a__none__r0, a__none__r1, ...): a worker process died while this run "
        "was in flight (concurrent.futures.process.BrokenProcessPool: A process in the pool "
        "died)",
        "failed b__none__r0: RuntimeError: [odd] boom",
        f"tracebacks in {tmp_path / 'ledger.parquet'} (column error); finished runs are "
        "kept: rerun the same command to retry the 4 failed runs",
    ]


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch, capsys):
    path = write_experiment(tmp_path / "exp", small(replications=3))
    plan = make_plan(load_experiment(path))
    bad_seed = plan.seeds[1]
    real = runner.simulate

    def flaky(run, **options):
        if run.seed == bad_seed and run.policy.name == "apprenticeship_subsidy":
            raise RuntimeError("injected failure")
        return real(run, **options)

    monkeypatch.setattr(runner, "simulate", flaky)
    out = tmp_path / "out"
    args = ["sweep", str(path), "--executor", "serial", "--threads", "1", "--out", str(out)]
    assert cli.main(args) == 1  # with the progress bar
    err = capsys.readouterr().err
    assert "5 runs done and 1 failed" in err
    assert "failed quick__apprenticeship_subsidy__r1: RuntimeError: injected failure" in err
    ledger = _ledger(out).set_index("run_id")
    assert ledger.loc["quick__apprenticeship_subsidy__r1", "status"] == "failed"
    error = ledger.loc["quick__apprenticeship_subsidy__r1", "error"]
    assert "Traceback" in error and "injected failure" in error
    assert (ledger.drop("quick__apprenticeship_subsidy__r1")["status"] == "done").all()
    assert "quick__apprenticeship_subsidy__r1" not in _run_folders(out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete with failures"

    monkeypatch.setattr(runner, "simulate", real)  # fixed: the rerun retries only that run
    assert cli.main([*args, "--quiet"]) == 0
    ledger = _ledger(out).set_index("run_id")
    assert (ledger["status"] == "done").all()
    assert ledger.loc["quick__apprenticeship_subsidy__r1", "attempts"] == 2
    assert ledger.loc["quick__none__r0", "attempts"] == 1
    assert len(_run_folders(out)) == 6


def test_any_concurrent_futures_executor(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    path = write_experiment(tmp_path / "exp", small())
    plan = make_plan(load_experiment(path))
    serial = run_sweep(plan, tmp_path / "serial", executor="serial", threads=1)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # (reuse off: else the second sweep copies the first's runs, computing none)
        threads = run_sweep(
            plan, tmp_path / "threads", executor=pool, jobs=1, threads=1, reuse=False
        )
        assert threads.done == serial.done == 4
        assert pool.submit(int, "7").result() == 7  # the caller's pool is left running
    pd.testing.assert_frame_equal(
        without_timings(analysis.load(tmp_path / "threads")),
        without_timings(analysis.load(tmp_path / "serial")),
    )
    # each run's manifest has the numba threads it ran on (--threads), not a setting
    for run in (tmp_path / "serial" / "runs").iterdir():
        manifest = json.loads((run / "manifest.json").read_text())
        assert manifest["environment"]["numba_threads"] == 1, run.name


def test_runs_of_one_burn_in_go_to_a_worker_together(tmp_path):
    """A pool's or cluster's worker takes the runs of one burn-in as a batch (dealt one
    by one, a design's two policies a point went to two processes, each of which burned
    in: an outside review), at most BATCH_MOST of them, a larger group split evenly;
    runs that do not share, and the last BATCH_MOST x jobs, one by one."""
    grid = (
        '[design]\nkind = "grid"\n[[parameters]]\nname = "subsidy"\n'
        'path = "policy.subsidy.yuan_per_year"\nvalues = ['
        + ", ".join(str(1000 * k) for k in range(5))
        + "]\n"
    )
    path = write_experiment(tmp_path / "exp", small(replications=3, extra=grid))
    plan = make_plan(load_experiment(path))
    tasks = [Task(r.run_id, r.config, (), None, True) for r in plan.runs]
    # a seed's 5 points x 2 policies share its burn-in (a lever is not in it): 10 runs.
    # On one process: batches of at most 7 (30 runs: 4 items or more a process), so two
    # of 5; the last seed's first 3 runs one batch, its last 7 (7 x 1) one by one.
    items = list(executors.batches(iter(tasks), 1, len(tasks)))
    sizes = [len(i) if isinstance(i, tuple) else 1 for i in items]
    assert sizes == [5, 5, 5, 5, 3] + [1] * 7
    assert [t for i in items for t in (i if isinstance(i, tuple) else (i,))] == tasks
    for item in items:
        if isinstance(item, tuple):
            assert len({(t.config.seed, loading.burn_in_key(t.config)) for t in item}) == 1
    # more processes than 30 runs make 4 items each of: no batches
    assert list(executors.batches(iter(tasks), 8, len(tasks))) == tasks
    # a big sweep: batches of BATCH_MOST (10 runs: 5 and 5), the last 8 x 2 alone
    many = list(executors.batches(iter(tasks), 2, 10_000))
    assert [len(i) if isinstance(i, tuple) else 1 for i in many] == [5] * 6
    assert list(executors.batches(iter([]), 2, 0)) == []
    alone = [replace(t, share_burn_in=False) for t in tasks]
    assert list(executors.batches(iter(alone), 2, len(alone))) == alone


def test_dask_local_cluster_equals_serial(tmp_path):
    pytest.importorskip("distributed")
    path = write_experiment(tmp_path / "exp", small(replications=10))
    plan = make_plan(load_experiment(path))
    serial = run_sweep(plan, tmp_path / "serial", executor="serial", threads=1)
    dask = run_sweep(plan, tmp_path / "dask", executor="dask", jobs=2, reuse=False)
    assert serial.done == dask.done == len(plan.runs) and dask.failed == 0
    ledger = _ledger(tmp_path / "dask").set_index("run_id")
    assert str(os.getpid()) not in {h.split(":")[1] for h in ledger["host"]}  # in the workers
    # the first two seeds' two policies each ran in one worker, as a batch (20 runs on
    # two processes: batches of 2 at most, the last 2 x 2 runs one by one)
    for seed in plan.seeds[:2]:
        ids = [r.run_id for r in plan.runs if r.seed == seed]
        assert ledger.loc[ids, "host"].nunique() == 1, seed
    pd.testing.assert_frame_equal(
        without_timings(analysis.load(tmp_path / "dask")),
        without_timings(analysis.load(tmp_path / "serial")),
    )


def test_sigkill_mid_sweep_then_rerun_gives_every_run_exactly_once(tmp_path):
    body = small(replications=8, workers=800, months=8)
    path = write_experiment(tmp_path / "exp", body)
    plan = make_plan(load_experiment(path))
    ids = sorted(r.run_id for r in plan.runs)
    out = tmp_path / "killed"
    args = ["sweep", str(path), "--executor", "processes", "--jobs", "2", "--out", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulation.cli", *args, "--quiet"],
        cwd=ROOT,
        start_new_session=True,  # its own process group: the pool's workers die with it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    runs = out / "runs"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if runs.is_dir() and any(not p.name.startswith(".") for p in runs.iterdir()):
            break
        time.sleep(0.02)
    assert proc.poll() is None, proc.stderr.read().decode()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    finished = [p for p in runs.iterdir() if not p.name.startswith(".")]
    assert 1 <= len(finished) < len(ids), "the kill should land mid-sweep"
    print(f"killed with {len(finished)} of {len(ids)} runs done")
    # The readers count from the ledger and the run folders, which the ledger (written
    # at most once a second) may lag behind; the manifest is no older than the ledger's
    # last flush but one (a kill can land between the two writes).
    done = int((_ledger(out)["status"] == "done").sum())
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "running" and manifest["counts"]["done"] <= done
    progress = sweep_progress(out)
    assert (progress.done, progress.runs, progress.complete) == (done, len(ids), False)
    # the command that finishes it names the executor it ran on
    assert progress.command == f"`skillsim sweep {path} --out {out} --executor processes --jobs 2`"
    assert progress.done + progress.unrecorded == len(finished)
    with pytest.warns(analysis.IncompleteSweepWarning, match=f"\\({done} of {len(ids)} runs"):
        assert analysis.load(out)["run_id"].nunique() == done

    assert cli.main([*args, "--quiet"]) == 0  # the same command resumes
    assert _run_folders(out) == ids  # every run once, no temporary folders left
    ledger = _ledger(out)
    assert sorted(ledger["run_id"]) == ids and set(ledger["status"]) == {"done"}
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"

    whole = tmp_path / "whole"  # (computed, not copied from the killed sweep beside it)
    assert run_sweep(plan, whole, executor="serial", threads=1, reuse=False).complete
    resumed, uninterrupted = analysis.load(out), analysis.load(whole)
    assert len(resumed) == len(plan.runs) * 9  # months 0..8, each run once
    pd.testing.assert_frame_equal(without_timings(resumed), without_timings(uninterrupted))


def test_school_leavers_turned_away_in_a_sweep_are_said(tmp_path, capsys):
    """`skillsim run` said so; a sweep's runs only counted them in their manifests (a
    review of the first form)."""
    folder = tmp_path / "exp"
    path = write_experiment(folder, small(policies=("none",), replications=1, months=24))
    (folder / "quick.toml").write_text(
        'extends = "baseline"\nname = "quick"\nburn_in_months = 2\n'
        "[behaviour.population]\ncohort_share_per_year = 0.1\n"
    )
    out = tmp_path / "out"
    args = ["sweep", str(path), "--executor", "serial", "--threads", "1", "--out", str(out)]
    assert cli.main(args) == 0
    err = " ".join(capsys.readouterr().err.split())
    (run,) = (out / "runs").iterdir()
    turned = json.loads((run / "manifest.json").read_text())["entrants_turned_away"]
    assert turned > 0
    assert f"warning: {turned:,} school leavers found no free worker row in these runs" in err


def test_a_sweep_records_its_status_quo_and_a_changed_one_is_another_sweep(
    tmp_path, monkeypatch, capsys
):
    """The status quo (a user's own none.toml) is every run's burn-in policy: the sweep's
    manifest holds it, and a sweep resumed after it changed is refused, saying so (it
    resumed and mixed the runs of two status quos, unsaid: an outside review)."""
    monkeypatch.delenv("SKILLSIM_SCENARIOS", raising=False)
    own = tmp_path / "scenarios" / "policies"
    own.mkdir(parents=True)
    (own / "none.toml").write_text('extends = "none"\n[tvet_capacity]\nseat_multiplier = 1.5\n')
    monkeypatch.chdir(tmp_path)
    body = small(policies=("apprenticeship_subsidy",), replications=1, months=2)
    path = write_experiment(tmp_path / "exp", body)
    out = tmp_path / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status_quo"]["tvet_capacity"]["seat_multiplier"] == 1.5
    run = next((out / "runs").iterdir())
    config = json.loads((run / "manifest.json").read_text())["config"]
    assert config["status_quo"]["tvet_capacity"]["seat_multiplier"] == 1.5
    (own / "none.toml").write_text('extends = "none"\n[tvet_capacity]\nseat_multiplier = 2.0\n')
    args = ["sweep", str(path), "--executor", "serial", "--out", str(out)]
    assert cli.main(args) == cli.EXIT_BAD_INPUT
    err = " ".join(capsys.readouterr().err.split())
    assert "holds another sweep" in err
    assert "status_quo.tvet_capacity.seat_multiplier was 1.5, now 2.0" in err
    # a folder from before the status quo was recorded: its runs had the shipped one
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["status_quo"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert cli.main(args) == cli.EXIT_BAD_INPUT
    err = " ".join(capsys.readouterr().err.split())
    assert "status_quo: the folder's runs ran under the shipped status quo" in err


def test_a_remote_clusters_runs_take_numbas_default_threads_each_time():
    """Without --threads, a run on a remote Dask cluster left its worker's numba threads
    as they were: a worker kept an earlier sweep's --threads 1 for every later sweep,
    unsaid (a review). Such a run sets numba's default (0: the node's cores) itself;
    --threads is kept as given; a local pool takes cores / jobs; serial, as configured."""
    import numba

    from simulation.experiment import executors

    assert executors.run_threads("dask", 2, "tcp://h:8786", None) == 0
    assert executors.run_threads("dask", 2, "tcp://h:8786", 1) == 1
    assert executors.run_threads("dask", 2, None, None) == executors.local_threads(2)
    assert executors.run_threads("processes", 2, None, None) == executors.local_threads(2)
    assert executors.run_threads("serial", 2, None, None) is None
    assert executors.resources("dask", 2, "tcp://h:8786", None)[2] == 0
    before = numba.get_num_threads()
    try:
        executors.set_threads(1)
        assert numba.get_num_threads() == 1
        executors.set_threads(None)  # (as configured: left)
        assert numba.get_num_threads() == 1
        executors.set_threads(0)
        assert numba.get_num_threads() == numba.config.NUMBA_NUM_THREADS
    finally:
        numba.set_num_threads(before)
