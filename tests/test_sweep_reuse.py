"""A sweep copies the runs that a sweep beside it (of any experiment) finished, as this
code and these numerical packages would compute them, rather than computing them again
(``SweepStore._reuse``): more seeds, or a policy added, compute only the new runs. A run
that could differ (other code, another numba) or lacks a table this sweep keeps is
computed."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from sweeps import small, write_experiment

from simulation import analysis, cli
from simulation.experiment import default_out, load_experiment, make_plan, run_sweep
from simulation.experiment.store import earlier_sweeps


def _plan(folder, **options):
    return make_plan(load_experiment(write_experiment(folder, small(**options))))


def _metrics(out):
    """Every run's monthly metrics, by run id's scenario, policy and seed."""
    frame = analysis.load(out)
    return frame.sort_values(["scenario", "policy", "seed", "month"]).reset_index(drop=True)


def test_more_seeds_copy_the_runs_of_the_sweep_with_fewer(tmp_path):
    """Raising the seeds of an experiment (a new folder: another hash) copies the runs
    of the seeds the earlier sweep ran (the first seeds of a root seed are the same for
    any count) and computes only the new ones; the copies hold what computing them
    gives (the same sweep computed afresh with reuse off), the ledger says where they
    were computed, the note how many came from where, and they outlive their source."""
    results = tmp_path / "results"
    two = _plan(tmp_path / "exp", replications=2)
    first = default_out(two, results)
    assert run_sweep(two, first, executor="serial", threads=1).complete
    three = _plan(tmp_path / "exp", replications=3)
    assert three.seeds[:2] == two.seeds  # (the prefix the copies stand on)
    second = default_out(three, results)
    assert second != first
    notes = []
    report = run_sweep(three, second, executor="serial", threads=1, on_note=notes.append)
    assert report.complete and report.runs == 6
    assert (report.skipped, report.done) == (4, 2)  # two policies x two seeds copied
    assert any(
        f"4 of this sweep's runs were copied, not computed again (4 from {first.resolve()})" in n
        for n in notes
    )
    ledger = pd.read_parquet(second / "ledger.parquet").set_index("seed")
    old = pd.read_parquet(first / "ledger.parquet").set_index(["seed", "policy"])
    for (seed, policy), row in old.iterrows():
        new = ledger[ledger["policy"] == policy].loc[seed]
        made = json.loads((first / "runs" / row["run_id"] / "manifest.json").read_text())
        assert new["status"] == "done" and new["attempts"] == 0
        assert new["copied_from"] == str(first.resolve())
        assert (new["host"], new["code"]) == (row["host"], row["code"])
        assert new["finished"] == made["created"]
    manifest = json.loads((second / "manifest.json").read_text())
    assert manifest["counts"] == {"pending": 0, "done": 6, "failed": 0}
    assert manifest["code"]  # (the code the copies were computed with, as a run's)
    assert manifest["copied_from"] == {str(first.resolve()): 4}
    # the same numbers as computing every run
    fresh = tmp_path / "fresh"
    again = run_sweep(three, fresh, executor="serial", threads=1, reuse=False)
    assert (again.skipped, again.done) == (0, 6)
    copied, computed = _metrics(second), _metrics(fresh)
    pd.testing.assert_frame_equal(
        copied.drop(columns=["run_id"], errors="ignore"),
        computed.drop(columns=["run_id"], errors="ignore"),
    )
    # the copies are the new sweep's own: its source can go
    shutil.rmtree(first)
    pd.testing.assert_frame_equal(_metrics(second), copied)


def test_another_experiments_runs_are_copied_with_the_tables_this_one_keeps(tmp_path):
    """A sweep of another experiment beside this one, with the same runs (the run's
    configuration hash is its own, not its experiment's) and more tables kept, gives
    its runs with only the tables this sweep keeps, its manifest naming those: the
    same numbers as computing them here, where keeping fewer tables computes no
    other numbers."""
    results = tmp_path / "results"
    wide = make_plan(
        load_experiment(
            write_experiment(
                tmp_path / "exp",
                small(policies=("none", "apprenticeship_subsidy", "quality_apprenticeship"),
                      extra='keep = ["metrics", "region"]\n'),
                name="wide",
            )
        )
    )  # fmt: skip
    first = default_out(wide, results)
    assert run_sweep(wide, first, executor="serial", threads=1).complete
    narrow = make_plan(
        load_experiment(write_experiment(tmp_path / "exp", small(replications=3), name="narrow"))
    )
    assert narrow.experiment.config.name != wide.experiment.config.name
    out = default_out(narrow, results)
    notes = []
    report = run_sweep(narrow, out, executor="serial", threads=1, on_note=notes.append)
    assert report.complete and (report.skipped, report.done) == (4, 2)
    assert any(f"(4 from {first.resolve()})" in n for n in notes)
    ledger = pd.read_parquet(out / "ledger.parquet")
    for run_id in ledger.loc[ledger["copied_from"] != "", "run_id"]:
        folder = out / "runs" / run_id
        assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "metrics.parquet"]
        assert json.loads((folder / "manifest.json").read_text())["files"] == {
            "metrics": "metrics.parquet"
        }
    fresh = run_sweep(narrow, tmp_path / "fresh", executor="serial", threads=1, reuse=False)
    assert (fresh.skipped, fresh.done) == (0, 6)
    pd.testing.assert_frame_equal(_metrics(out), _metrics(tmp_path / "fresh"))


def test_a_run_that_could_differ_is_computed_not_copied(tmp_path):
    """A finished run beside the sweep is copied only where its own manifest gives the
    run's configuration and seed, this process's code, Python, numpy and numba, and the
    tables this sweep keeps: a run computed by other code or another numba is computed
    again, and so is every run of a sweep that keeps other tables; reuse off copies
    none."""
    results = tmp_path / "results"
    two = _plan(tmp_path / "exp", replications=2)
    first = default_out(two, results)
    assert run_sweep(two, first, executor="serial", threads=1).complete
    runs = sorted((first / "runs").iterdir())
    other_code, other_numba = runs[0] / "manifest.json", runs[1] / "manifest.json"
    m = json.loads(other_code.read_text())
    other_code.write_text(json.dumps({**m, "code": "0123456789abcdef"}))
    m = json.loads(other_numba.read_text())
    other_numba.write_text(json.dumps({**m, "packages": {**m["packages"], "numba": "0.1.0"}}))
    three = _plan(tmp_path / "exp", replications=3)
    report = run_sweep(three, default_out(three, results), executor="serial", threads=1)
    assert (report.skipped, report.done) == (2, 4)  # the two tampered runs computed
    # another table kept: no run of the first has it (a run missing a table this
    # sweep keeps is computed)
    region = _plan(tmp_path / "exp", replications=2, extra='keep = ["metrics", "region"]\n')
    out = default_out(region, results)
    report = run_sweep(region, out, executor="serial", threads=1)
    assert (report.skipped, report.done) == (0, 4)
    # reuse off: the same plan as `three`, in a folder of its own beside the others
    report = run_sweep(three, results / "mine", executor="serial", threads=1, reuse=False)
    assert (report.skipped, report.done) == (0, 6)


def test_the_command_says_what_it_copies_and_can_compute_every_run(tmp_path, capsys):
    """`skillsim sweep` says that the runs both sweeps have are copied (the note that
    names the earlier folder), and with --no-reuse that none is and computes them
    all."""
    results = tmp_path / "results"
    path = write_experiment(tmp_path / "exp", small(replications=2))
    argv = ["sweep", str(path), "--executor", "serial", "--quiet"]
    plan = make_plan(load_experiment(path))
    first = default_out(plan, results)
    assert run_sweep(plan, first, executor="serial", threads=1).complete
    three = make_plan(load_experiment(path, {"replications": 3}))
    note = earlier_sweeps(default_out(three, results), three)
    assert note.endswith(
        "4 of that one's 4 finished runs are this sweep's too (the same configuration and "
        "seed, computed by this code and numerical packages): they are copied from there, "
        "the others computed"
    )
    said = earlier_sweeps(default_out(three, results), three, reuse=False)
    assert said.endswith("that one's 4 finished runs are not reused (--no-reuse)")
    # a folder of other code: said not to be copied (as _reusable would find run by run)
    manifest = json.loads((first / "manifest.json").read_text())
    edited = {**manifest, "code": {**manifest["code"], "simulation.model": "0" * 16}}
    (first / "manifest.json").write_text(json.dumps(edited))
    assert earlier_sweeps(default_out(three, results), three).endswith(
        "that one's 4 finished runs were computed by other skillsim code or another "
        "Python, numpy or numba, so they are not copied"
    )
    (first / "manifest.json").write_text(json.dumps(manifest))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path)
        assert cli.main([*argv, "--seeds", "3", "--no-reuse"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "not reused (--no-reuse)" in err and "copied" not in err
    ledger = pd.read_parquet(default_out(three, results) / "ledger.parquet")
    assert (ledger["attempts"] == 1).all()  # (every run computed here)


def test_copying_survives_what_the_folders_beside_it_and_the_disk_do(tmp_path, monkeypatch):
    """A folder beside the sweep that cannot be read is passed over; a finished run
    whose folder is gone from its sweep is computed; a full disk while copying stops
    the sweep with the runs copied so far kept and recorded as copies, and the same
    call resumes it."""
    import errno
    from pathlib import Path

    from simulation.experiment import store as sweep_store
    from simulation.experiment.store import SweepWriteError

    results = tmp_path / "results"
    two = _plan(tmp_path / "exp", replications=2)
    first = default_out(two, results)
    assert run_sweep(two, first, executor="serial", threads=1).complete
    shutil.rmtree(sorted((first / "runs").iterdir())[0])  # (the ledger still says done)
    (results / "locked").mkdir()
    real_read = sweep_store.read_manifest

    def read(folder):
        if Path(folder).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return real_read(folder)

    monkeypatch.setattr(sweep_store, "read_manifest", read)
    three = _plan(tmp_path / "exp", replications=3)
    out = default_out(three, results)
    real_write = Path.write_bytes
    written = []

    def full(self, data):
        if len(written) == 4:  # (two runs' two files each, then the disk is full)
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        written.append(self)
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(SweepWriteError, match="the runs copied so far are kept"):
        run_sweep(three, out, executor="serial", threads=1)
    monkeypatch.setattr(Path, "write_bytes", real_write)
    ledger = pd.read_parquet(out / "ledger.parquet")
    assert (ledger["copied_from"] != "").sum() == 2 and (ledger["status"] == "done").sum() == 2
    notes = []
    report = run_sweep(three, out, executor="serial", threads=1, on_note=notes.append)
    assert report.complete and (report.skipped, report.done) == (3, 3)  # 1 gone, 2 new
    ledger = pd.read_parquet(out / "ledger.parquet")
    assert (ledger["copied_from"] != "").sum() == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["copied_from"] == {str(first.resolve()): 3}
    assert any("1 of this sweep's runs was copied" in n for n in notes)


def test_a_donor_run_whose_table_is_cut_short_is_computed_not_copied(tmp_path):
    """A donor's metrics.parquet cut to its first 500 bytes was copied (its bytes read),
    the new sweep's loader then refused it, and the rerun its error asked for copied it
    back (a review): a donor's table that does not read whole is computed instead, and
    the new sweep's results are those of one computed afresh."""
    results = tmp_path / "results"
    two = _plan(tmp_path / "exp", replications=2)
    first = default_out(two, results)
    assert run_sweep(two, first, executor="serial", threads=1).complete
    torn = sorted((first / "runs").glob("*/metrics.parquet"))[0]
    torn.write_bytes(torn.read_bytes()[:500])
    three = _plan(tmp_path / "exp", replications=3)
    out = default_out(three, results)
    report = run_sweep(three, out, executor="serial", threads=1)
    assert report.complete
    ledger = pd.read_parquet(out / "ledger.parquet").set_index("run_id")
    assert ledger.loc[torn.parent.name, "copied_from"] == ""
    assert (ledger["copied_from"] != "").sum() == len(two.runs) - 1
    fresh = tmp_path / "fresh"
    assert run_sweep(three, fresh, executor="serial", threads=1, reuse=False).complete
    pd.testing.assert_frame_equal(_metrics(out), _metrics(fresh))
