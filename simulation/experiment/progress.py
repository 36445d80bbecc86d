"""How far a sweep got, read from its folder: the run folders that are there (each
written whole, by a rename) and the ledger, not the manifest's counts, which lag behind
the runs (and which a killed sweep never brings up to date). ``skillsim report``,
``skillsim effects`` and ``analysis.load`` warn from this when a sweep is not complete.

Light on imports (no engine): ``analysis`` reads it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

_EXECUTORS = ("serial", "processes", "dask")  # executors.EXECUTORS (not imported: light)

# the sweep command's options for the manifest's "overrides" (experiment/cli.py)
_OPTIONS = {
    "workers": "--workers",
    "months": "--months",
    "replications": "--seeds",
    "root_seed": "--root-seed",
}


@dataclass(frozen=True)
class SweepProgress:
    """How far a sweep folder got, from its ledger and run folders (not the manifest's
    counts: a killed sweep's manifest says "running" for good, with the counts of its
    last ledger). ``done``: runs the ledger records done whose folder is there, which
    ``analysis.load`` reads; ``unrecorded``: run folders written just before the sweep
    stopped, after its last ledger (written at most once a second), which a rerun
    records done; ``spooled``: runs a stopped pool finished, left in ``.spool`` for the
    sweep to record (``executors.execute_batch``), which a rerun records; ``failed`` as
    the ledger says; ``pending`` the rest, not run yet.
    ``report``, ``effects`` and ``analysis.load`` tell the user from this."""

    folder: Path
    runs: int  # in the sweep's plan
    done: int
    failed: int
    status: str  # the manifest's word, as the sweep last wrote it
    command: str  # the command that finishes the sweep
    unrecorded: int = 0
    running: bool = False  # a sweep holds the folder's lock: it is writing runs now
    spooled: int = 0

    @property
    def pending(self) -> int:
        return max(self.runs - self.done - self.failed - self.unrecorded - self.spooled, 0)

    @property
    def complete(self) -> bool:
        return self.done >= self.runs

    def message(self) -> str:
        """One paragraph for an incomplete sweep: done, failed and missing runs, and
        how to finish it."""
        failed = f", {self.failed} failed" if self.failed else ""
        pending = f", {self.pending} not run yet" if self.pending else ""
        tracebacks = " (tracebacks: ledger.parquet, column error)" if self.failed else ""
        if self.running:
            written = f"; {self.unrecorded} more written, not in its ledger yet"
            return (
                f"{self.folder}: this sweep is still running ({self.done} of {self.runs} "
                f"runs done{failed}{written if self.unrecorded else ''}){tracebacks}: these "
                f"results use the {self.done} finished runs only; load it again when it "
                "has finished."
            )
        unrecorded = (
            f"; {self.unrecorded} more written just before it stopped, not in its ledger yet"
            if self.unrecorded
            else ""
        )
        if self.spooled:  # (counted as not run: an outside review)
            unrecorded += (
                f"; {self.spooled} more finished and waiting in .spool, which the rerun "
                "records without computing them"
            )
        return (
            f"{self.folder}: this sweep is not complete ({self.done} of {self.runs} runs "
            f"done{failed}{pending}{unrecorded}){tracebacks}: these results use the "
            f"{self.done} finished "
            f"runs only; rerun the same sweep command to finish "
            f"it ({self.command}; any --executor, --jobs or --scheduler works): finished "
            "runs are kept and skipped, the others are run."
        )


def sweep_progress(folder: str | Path, manifest: dict[str, Any] | None = None) -> SweepProgress:
    """How far the sweep in ``folder`` got (its ``manifest``, if already read)."""
    folder = Path(folder)
    if manifest is None:
        manifest = read_manifest(folder) or {}
    ledger: dict[str, str] = {}
    with contextlib.suppress(OSError, ValueError, KeyError):  # (missing or damaged)
        frame = pd.read_parquet(folder / "ledger.parquet", columns=["run_id", "status"])
        ledger = dict(zip(frame["run_id"], frame["status"], strict=True))
    on_disk = set(finished_runs(folder))
    if ledger:
        done = {run_id for run_id, s in ledger.items() if s == "done"} & on_disk
        unrecorded = (on_disk & set(ledger)) - done
    else:  # (killed before its first ledger: the folders are all there is)
        done, unrecorded = on_disk, set()
    failed = sum(1 for run_id, s in ledger.items() if s == "failed" and run_id not in on_disk)
    spool = folder / ".spool"
    spooled = (
        {p.name.removesuffix(".pkl") for p in spool.glob("*.pkl")} if spool.is_dir() else set()
    )
    spooled -= on_disk
    runs = manifest.get("runs")
    if not isinstance(runs, int) or isinstance(runs, bool):
        runs = len(ledger) or len(done)
    status = str(manifest.get("status", ""))
    command = _command(folder, manifest)
    return SweepProgress(
        folder,
        runs,
        len(done),
        failed,
        status,
        command,
        len(unrecorded),
        _locked(folder),
        len(spooled),
    )


def _locked(folder: Path) -> bool:
    """Whether a sweep holds ``folder``'s lock (``SweepStore``: an exclusive flock on
    ``.lock`` while it writes), asked without waiting and without taking it."""
    from simulation import store

    try:
        fh = (folder / ".lock").open("rb")
    except OSError:  # (no lock file: no sweep ever wrote here, or a copy)
        return False
    with fh:
        try:
            if not store.try_lock(fh, shared=True):
                return True
        except OSError:  # (a file system without locks: the sweep could not have run)
            return False
        store.unlock(fh)
    return False


def finished_runs(folder: str | Path) -> list[str]:
    """The ids of the runs whose folder is in ``folder``/runs (written whole, by a rename:
    a run folder with its manifest is a finished run), sorted."""
    runs = Path(folder) / "runs"
    if not runs.is_dir():
        return []
    return sorted(
        p.name
        for p in runs.iterdir()
        if not p.name.startswith(".") and (p / "manifest.json").is_file()
    )


def _source(manifest: dict[str, Any]) -> str:
    """The experiment as the command that finishes the sweep names it, valid from any
    folder: a shipped experiment by its name, another file by its absolute path (the
    manifest's ``source`` is relative to where the sweep was started; a manifest
    without ``source_file``, written before it was kept, gives that)."""
    from simulation.experiment.cli import SHIPPED_EXPERIMENTS

    file = manifest.get("source_file")
    if isinstance(file, str) and file:
        path = Path(file)
        return path.stem if path.parent == SHIPPED_EXPERIMENTS else file
    return str(manifest.get("source") or "EXPERIMENT")


def _command(folder: Path, manifest: dict[str, Any]) -> str:
    """`skillsim sweep SOURCE --out FOLDER` with the options the sweep was run with,
    and the executor it last ran on (as the command line names it: not an executor
    object handed to ``run_sweep``)."""
    parts = ["skillsim", "sweep", _source(manifest)]
    # (absolute, as the experiment is: a relative folder read from another started anew)
    parts += ["--out", os.path.abspath(folder)]
    overrides = manifest.get("overrides")
    for key, value in (overrides if isinstance(overrides, dict) else {}).items():
        if key in _OPTIONS and value is not None:
            parts += [_OPTIONS[key], str(value)]
    execution = manifest.get("execution")
    execution = execution if isinstance(execution, dict) else {}
    executor = execution.get("executor")
    if executor in _EXECUTORS:
        if execution.get("scheduler"):
            parts += ["--scheduler", str(execution["scheduler"])]
        else:
            parts += ["--executor", executor]
        local_pool = executor != "serial" and not execution.get("scheduler")
        for key in ("jobs", "threads") if local_pool else ("threads",):
            value = execution.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                parts += [f"--{key}", str(value)]
    if os.name == "nt":  # (cmd.exe takes double quotes, not shlex's single ones)
        return "`" + subprocess.list2cmdline(parts) + "`"
    return "`" + " ".join(shlex.quote(p) for p in parts) + "`"


def read_manifest(folder: str | Path) -> dict[str, Any] | None:
    """The folder's manifest.json as a dict; None if missing, damaged or not an object."""
    try:
        manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None
