"""The sweep folder: manifest, design, run ledger and one folder per finished run.

Layout::

    manifest.json    experiment as resolved, sweep hash, root seed and replication seeds,
                     code version, package versions, status, counts, timings
    design.parquet   one row per design point: point, then one column per parameter
    ledger.parquet   one row per run: run_id, scenario, policy, point, replicate, seed,
                     config_hash, status (pending, done, failed), attempts, seconds,
                     finished, host, error (the traceback of a failed run), code (a
                     digest of the source of the skillsim modules that computed it)
    runs/<run_id>/   metrics.parquet, kept breakdowns and manifest.json (runner.write)
    .spool/          while a process pool runs batches: each run of a batch as it ends,
                     for the sweep's process to record (``executors.execute_batch``),
                     signed with the private key in .spool/.key (``executors.SPOOL_KEY``)

Only the sweep process writes here (but for the pool's ``.spool``), and every file is
written under a temporary name and renamed. A run folder is the proof that a run is
done: when the sweep opens an existing folder it marks done every run whose folder
exists (the ledger may lag by a second after a kill) and runs the rest again, failed
runs included. A lock file keeps two sweeps from writing to one folder at once. A file
that cannot be written (a full disk, a folder made read-only) stops the sweep with
``SweepWriteError``; its finished runs are kept, and temporary files are removed (those
of a killed sweep when the folder is opened again).

The manifest's status and counts are rewritten with the ledger (at most once every
``FLUSH_SECONDS`` while runs finish), so a killed sweep's manifest says "running"
with the counts of its last ledger; ``sweep_progress`` reads how far a sweep got from
its run folders and ledger (``progress.sweep_progress``), not from the manifest.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from simulation import loading, runner, store
from simulation.experiment import executors
from simulation.experiment.executors import Outcome
from simulation.experiment.plan import Plan

SWEEP_SCHEMA_VERSION = 1
LEDGER_COLUMNS = (
    "run_id",
    "scenario",
    "policy",
    "point",
    "replicate",
    "seed",
    "config_hash",
    "status",
    "attempts",
    "seconds",
    "finished",
    "host",
    "error",
    "code",
    "copied_from",
)
FLUSH_SECONDS = 1.0


class SweepFolderError(Exception):
    """The output folder cannot take this sweep (a file, not a sweep's folder, another
    sweep's folder, or busy)."""


class SweepWriteError(Exception):
    """A file of the sweep folder could not be written (a full disk, a folder made
    read-only, ...): the sweep stopped; its finished runs are kept, and the same command
    resumes it once the cause is fixed. ``reason`` is the system's word for the cause
    ("No space left on device"), for the manifest's record of why the sweep stopped."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


# The sweep's own files while they are written (store.write_json, store.write_parquet):
# left behind by a sweep killed (or out of space) in the middle of a write.
TEMPORARY = re.compile(r"\.(manifest\.json|ledger\.parquet|design\.parquet)\.tmp-\d+")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


NEVER_OVERWRITTEN = (
    "results are never overwritten (allowed: a new folder, or this sweep's own folder to resume it)"
)


def _unused(folder: Path) -> bool:
    """Missing, empty, or left by a sweep killed before it wrote its manifest."""
    if not folder.is_dir():
        return True
    for p in folder.iterdir():
        if p.name == ".lock" or TEMPORARY.fullmatch(p.name):
            continue
        if p.name == "runs" and p.is_dir() and not any(p.iterdir()):
            continue
        return False
    return True


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest.json; None if there is none; ``{}`` if it cannot be read
    as a JSON object (not written by skillsim, or damaged)."""
    import json

    path = Path(folder) / "manifest.json"
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # ValueError: not JSON, or not UTF-8
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _describe(manifest: dict[str, Any]) -> str:
    """What a folder with this (non-sweep) manifest holds, for messages."""
    kind = manifest.get("kind")
    if kind == "run":
        return "a single run (written by `skillsim run`)"
    if isinstance(kind, str) and kind:
        return f"a {kind} (not a sweep)"
    return "unknown content (a manifest.json that is not a sweep's)"


def _what_differs(existing: dict[str, Any], plan: Plan, most: int = 3) -> str:
    """What makes ``plan`` another sweep than the one whose manifest is ``existing``, in
    words: the experiment's settings (options included) and the scenarios' and policies'
    resolved definitions, as dotted paths with the folder's value and this one's
    (``most`` of them); "" if none of these differ (another code version's hash)."""
    exp = plan.experiment
    now = {
        "experiment": exp.config.model_dump(mode="json"),
        "scenarios": {n: s.model_dump(mode="json") for n, s in exp.scenarios.items()},
        "policies": {n: p.model_dump(mode="json") for n, p in exp.policies.items()},
    }
    found: list[str] = []

    def walk(path: str, then: Any, nowv: Any) -> None:
        if len(found) > most:
            return
        for where, a, b in store.differences(then, nowv, path, most - len(found)):
            found.append(f"{where} was {_short(a)}, now {_short(b)}")

    settings = {k: v for k, v in (existing.get("experiment") or {}).items() if k != "description"}
    walk("", settings, {k: v for k, v in now["experiment"].items() if k != "description"})
    for part in ("scenarios", "policies"):
        walk(part, existing.get(part) or {}, now[part])
    if "status_quo" in existing and plan.runs:  # (a user's own none.toml, edited)
        walk("status_quo", existing["status_quo"], plan.status_quo.model_dump(mode="json"))
    elif plan.runs and not loading.default_levers(plan.status_quo):
        # (a folder from before the status quo was recorded ran under the shipped one)
        found.append(
            "status_quo: the folder's runs ran under the shipped status quo (its manifest "
            "is from before skillsim recorded it), this sweep's sets levers (a none.toml "
            "of your own)"
        )
    if not found:
        return ""
    more = " (and more)" if len(found) > most else ""
    return "what differs: " + "; ".join(found[:most]) + more


def _sweeps_beside(out: Path, name: str | None = None) -> list[tuple[float, Path, dict[str, Any]]]:
    """The sweep folders beside ``out`` (in its parent folder, ``out`` itself left out),
    of experiment ``name`` or, with None, of any experiment, each as (modification time,
    folder, manifest)."""
    found = []
    try:
        entries = list(out.parent.iterdir()) if out.parent.is_dir() else []
    except OSError:  # (a parent it may not list)
        return found
    for folder in entries:
        if folder == out or folder.name.startswith("."):
            continue
        try:  # (a folder it may not enter, /tmp's systemd-private-* say: not a sweep)
            manifest = read_manifest(folder) if folder.is_dir() else None
            if (
                manifest
                and manifest.get("kind") == "sweep"
                and (name is None or (manifest.get("experiment") or {}).get("name") == name)
            ):
                found.append((folder.stat().st_mtime, folder, manifest))
        except OSError:
            continue
    return found


def _finished(folder: Path, code: str) -> dict[tuple[str, int], str]:
    """(config hash, seed) -> run id of the runs sweep folder ``folder``'s ledger says
    are done, computed by code of digest ``code``; empty where it has no readable
    ledger."""
    try:
        ledger = pd.read_parquet(
            folder / "ledger.parquet", columns=["run_id", "seed", "config_hash", "status", "code"]
        )
    except (OSError, ValueError, KeyError, pa.ArrowException):
        return {}
    done = ledger[(ledger["status"] == "done") & (ledger["code"] == code)]
    return {
        (str(h), int(seed)): str(run_id)
        for run_id, seed, h in zip(done["run_id"], done["seed"], done["config_hash"], strict=True)
    }


def earlier_sweeps(out: Path, plan: Plan, reuse: bool = True) -> str:
    """When ``out`` is a new default folder (``sweep.default_out``) and the folders
    beside it hold sweeps of the same experiment with other settings, a note naming the
    newest and what differs, and that the runs the two share are copied from there
    (``SweepStore.reuse``) or, with ``reuse`` off, that none is; "" otherwise (an
    outside review: an edit to the experiment between a stop and the rerun started all
    its runs anew in a new folder, the old one not mentioned)."""
    if out.exists() or not out.parent.is_dir():
        return ""
    name = plan.experiment.config.name
    # (only this experiment's default folders: sweep-q-* holds experiment q-x's too)
    pattern = re.compile(rf"sweep-{re.escape(name)}-[0-9a-f]{{8}}")
    found = [f for f in _sweeps_beside(out, name) if pattern.fullmatch(f[1].name)]
    if not found:
        return ""
    _, folder, manifest = max(found, key=lambda f: f[0])
    counts = manifest.get("counts") or {}
    done = counts.get("done", 0)
    differs = _what_differs(manifest, plan) or "another code version"
    more = f" (and {len(found) - 1} older)" if len(found) > 1 else ""
    unfinished = done < manifest.get("runs", 0)
    computed = executors._computing(manifest.get("packages") or {})
    mine = executors.code_digest(executors.loaded_code())
    if not reuse:
        shared = f"that one's {done} finished runs are not reused (--no-reuse)"
    elif executors.code_digest(manifest.get("code") or {}) != mine or (
        computed != executors._computing(store.package_versions())
    ):
        # (its latest run's code and packages: a sweep of mixed code has its runs
        # checked one by one all the same, SweepStore._reuse)
        shared = (
            f"that one's {done} finished runs were computed by other skillsim code or "
            "another Python, numpy or numba, so they are not copied"
        )
    elif not set(plan.experiment.config.keep) <= set(
        (manifest.get("experiment") or {}).get("keep") or []
    ):
        shared = (
            f"that one's {done} finished runs did not keep all the tables this one keeps, "
            "so they are not copied"
        )
    else:
        mine_runs = {(spec.config_hash, spec.seed) for spec in plan.runs}
        both = sum(key in mine_runs for key in _finished(folder, mine))
        shared = (
            f"{both} of that one's {done} finished runs are this sweep's too (the same "
            "configuration and seed, computed by this code and numerical packages): they "
            "are copied from there, the others computed"
            if both
            else f"none of that one's {done} finished runs is one of this sweep's (other "
            "configurations or seeds): every run is computed"
        )
    return (
        f"{folder}{more} holds a sweep of experiment {name!r} with other settings ({differs}); "
        f"this one starts anew in {out}, and {shared}"
        + (" (to finish that sweep, undo the change and rerun)" if unfinished else "")
    )


def _short(value: Any) -> str:
    text = "missing" if value is None else json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _run_manifest(path: Path) -> dict[str, Any]:
    """A run folder's manifest, or {} where it cannot be read as a JSON object."""
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return m if isinstance(m, dict) else {}


def _whole_table(data: bytes) -> bool:
    """Whether ``data`` is a Parquet table that reads whole (a donor run's file cut short
    or overwritten is computed here, not copied)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError):
        return False
    return True


def _recorded(m: dict[str, Any]) -> dict[str, Any]:
    """What the ledger records of a finished run (seconds, finished, host, code), from
    its folder's manifest ``m``: for a run whose folder was written just before the
    sweep was killed, before its ledger row was. Empty where the manifest does not say."""
    if not m:
        return {}
    out: dict[str, Any] = {"finished": m.get("created", ""), "code": m.get("code", "")}
    seconds = (m.get("timings") or {}).get("total_seconds")
    if isinstance(seconds, (int, float)):
        out["seconds"] = float(seconds)
    host = m.get("computed_by") or (m.get("environment") or {}).get("host")
    if host:
        out["host"] = host
    return out


def _foreign(m: dict[str, Any], spec) -> str:
    """What makes the run whose manifest is ``m`` another than ``spec`` (its
    configuration's hash or its seed), or "" (the same run, or a manifest that does not
    say)."""
    said = (m.get("config_hash"), m.get("seed"))
    if None in said or said == (spec.config_hash, spec.seed):
        return ""
    return (
        f"a run of another configuration or seed (its config_hash {str(said[0])[:8]}, seed "
        f"{said[1]}; this sweep's {spec.config_hash[:8]}, seed {spec.seed})"
    )


class SweepStore:
    def __init__(self, out: Path, plan: Plan) -> None:
        self.out = Path(out)
        self.plan = plan
        self.runs_dir = self.out / "runs"
        # Where a local pool's processes leave each run of a batch as it ends
        # (``executors.spool_outcome``); what a stop left there is recorded on resuming.
        self.spool = self.out / ".spool"
        self.left_in_spool: list[str] = []  # runs still to do whose outcome is there
        self._lock_fh = None
        self._last_flush = 0.0
        self.rows: dict[str, dict[str, Any]] = {}
        self.started = time.time()
        self.code: dict[str, str] = {}  # module -> source digest of the latest run's code
        self.note = ""  # what a resumed sweep should say (finished runs of other code)
        self.packages: dict[str, str] = {}  # of the latest finished run (its manifest's)
        self.status = ""  # the manifest's status, rewritten with each flush of the ledger
        # How the runs are executed, as the sweep was asked to (executor, jobs, scheduler,
        # threads; None where the default applied): the command that finishes the sweep
        # repeats it. Set by run_sweep before the folder is opened.
        self.execution: dict[str, Any] = {}
        self._fixed: dict[str, Any] | None = None  # the manifest's parts a sweep never changes
        # Copy the runs still to do that a sweep beside this one (of any experiment)
        # finished with this code and numerical packages (``_reuse``), rather than
        # compute them again; set by run_sweep (``--no-reuse``: off)
        self.reuse = True
        self.reused: dict[str, int] = {}  # folder -> runs copied from it, by this open
        self.copied: dict[str, int] = {}  # ... by every open of the folder (the manifest's)

    # ------------------------------------------------------------ open, close

    def check(self) -> None:
        """Raise ``SweepFolderError``, writing nothing, unless the folder can take this
        sweep: it is missing (and can be made: no file in the way), empty, or this
        sweep's own folder (to resume). ``open`` checks again."""
        out = self.out
        if out.exists() and not out.is_dir():
            raise SweepFolderError(f"{out} is a file, not a folder; {NEVER_OVERWRITTEN}")
        for parent in out.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise SweepFolderError(
                        f"{out}: {parent} is a file, so no folder can be made in it; "
                        f"{NEVER_OVERWRITTEN}"
                    )
                break
        existing = read_manifest(out)
        if existing == {} and self._runs_are_this_sweeps():
            return  # a damaged manifest over this sweep's runs: rewritten by ``open``
        if existing is None and not _unused(out):
            raise SweepFolderError(
                f"{out} exists and is not a sweep folder (it holds other files and no "
                f"manifest.json); {NEVER_OVERWRITTEN}"
            )
        if existing is not None and existing.get("kind") != "sweep":
            raise SweepFolderError(
                f"{out} is not a sweep folder: it holds {_describe(existing)}; {NEVER_OVERWRITTEN}"
            )
        if existing is not None and existing.get("sweep_hash") != self.plan.sweep_hash:
            name = (existing.get("experiment") or {}).get("name")
            changed = _what_differs(existing, self.plan)
            raise SweepFolderError(
                f"{out} holds another sweep (experiment {name}, hash "
                f"{existing.get('sweep_hash')}; this one {self.plan.sweep_hash})"
                + (f": {changed}" if changed else "")
                + "; rerun with the same experiment, options and scenario and policy files "
                f"to resume it, or give a new --out; {NEVER_OVERWRITTEN}"
            )

    def _runs_are_this_sweeps(self) -> bool:
        """Whether a folder whose manifest.json cannot be read is this sweep's, by what
        else it holds: a runs/ folder whose every run (by its own manifest) is one of
        this sweep's runs, the same configuration (hash) and seed, and nothing beside
        it but a sweep's own files. Then the sweep resumes and writes the manifest
        anew; a killed write, a full disk or a hand edit no longer strands its runs."""
        own = {"manifest.json", "ledger.parquet", "design.parquet", "runs", ".lock"}
        # and the sweep's own reports (``skillsim report SWEEP``: report.default_out)
        own |= {"report.html", "report_figures", "report-zh.html", "report-zh_figures"}
        entries = [p for p in self.out.iterdir() if not p.name.startswith(".") or p.name == ".lock"]
        if not self.runs_dir.is_dir() or any(p.name not in own for p in entries):
            return False
        specs = {spec.run_id: spec for spec in self.plan.runs}
        for run in self.runs_dir.iterdir():
            if run.name.startswith("."):  # (a run's temporary folder, left by a kill)
                continue
            spec = specs.get(run.name)
            manifest = read_manifest(run)
            if spec is None or not manifest:
                return False
            if (manifest.get("config_hash"), manifest.get("seed")) != (
                spec.config_hash,
                spec.seed,
            ):
                return False
        return True

    def open(self) -> list[str]:
        """Create or reopen the folder; returns the run ids still to do, in plan order.
        Raises ``SweepFolderError`` (nothing written) or ``SweepWriteError``."""
        self.check()
        made = not self.out.exists()
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # no permission, a read-only file system, ...
            raise SweepFolderError(
                f"{self.out}: cannot make the sweep folder here ({_reason(exc)})"
            ) from None
        try:
            self._lock()
        except SweepFolderError as exc:
            if made and not getattr(exc, "held", False):  # (nothing of it left behind)
                with contextlib.suppress(OSError):
                    (self.out / ".lock").unlink(missing_ok=True)
                    self.runs_dir.rmdir()
                    self.out.rmdir()
            raise
        try:
            self.check()  # again, under the lock: another sweep may have taken the folder
        except BaseException:
            self._unlock()
            raise
        self._remove_temporaries()  # left by a killed sweep
        for stale in self.runs_dir.glob(".*.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        manifest = read_manifest(self.out)
        self.code = dict((manifest or {}).get("code") or {})
        self.copied = dict((manifest or {}).get("copied_from") or {})
        previous, damaged = {}, ""
        if manifest == {}:  # (``check`` found its runs to be this sweep's)
            damaged = (
                "its manifest.json could not be read: written anew (every run in runs/ is "
                "one of this sweep's, by its configuration and seed)"
            )
        if (self.out / "ledger.parquet").is_file():
            try:  # (cut short, overwritten, or another table in its place)
                frame = pd.read_parquet(self.out / "ledger.parquet")
                missing = {"run_id", "status", "attempts"} - set(frame.columns)
                if missing:
                    raise ValueError(f"no column {', '.join(sorted(missing))}")
                previous = {r["run_id"]: r for r in frame.to_dict("records")}
            except (OSError, ValueError, pa.ArrowException) as exc:
                damaged += "; " if damaged else ""
                damaged += (
                    f"its ledger.parquet was not a readable ledger ({exc}): rebuilt from the "
                    "run folders (a finished run's folder marks it done; the attempts and "
                    "errors of runs that failed are forgotten)"
                )
        todo = []
        blocked: list[str] = []  # run folders in the way: no manifest, or another run's
        for spec in self.plan.runs:
            row = previous.get(spec.run_id) or {
                "run_id": spec.run_id,
                "scenario": spec.scenario,
                "policy": spec.policy,
                "point": spec.point,
                "replicate": spec.replicate,
                "seed": spec.seed,
                "config_hash": spec.config_hash,
                "status": "pending",
                "attempts": 0,
                "seconds": float("nan"),
                "finished": "",
                "host": "",
                "error": "",
                "code": "",
                "copied_from": "",
            }
            row.setdefault("code", "")  # (a ledger from before the column)
            row.setdefault("copied_from", "")
            folder = self.runs_dir / spec.run_id
            if (folder / "manifest.json").is_file():
                if row["status"] != "done":  # (written just before a kill: the ledger lagged)
                    recorded = _run_manifest(folder / "manifest.json")
                    foreign = _foreign(recorded, spec)
                    if foreign:  # (or no ledger: copied in by hand, say)
                        blocked.append(f"{folder} holds {foreign}")
                    row["attempts"] = int(row["attempts"]) + 1
                    row.update(_recorded(recorded))
                row["status"] = "done"
            else:
                if os.path.lexists(folder):  # never a folder skillsim leaves
                    blocked.append(f"{folder} has no manifest.json")
                if row["status"] == "done":  # the ledger says done but the folder is gone
                    row["status"] = "pending"
            if row["status"] != "done":
                todo.append(spec.run_id)
            self.rows[spec.run_id] = row
        self.left_in_spool = self._tidy_spool(todo)
        if blocked:
            # Refused before anything is computed: the run's folder could never be
            # written, and "free space and rerun" went round for ever (an outside review);
            # a run of another configuration would be paired as this sweep's.
            self._unlock()
            more = f" (and {len(blocked) - 3} more)" if len(blocked) > 3 else ""
            raise SweepFolderError(
                f"{'; '.join(blocked[:3])}{more}: not a run of this sweep that skillsim "
                "wrote (a partial copy, or a file edited or moved by hand); nothing was "
                "computed: move the folder out of runs/ (or delete it) and rerun the same "
                "command, which computes that run again"
            )
        self.packages = dict((manifest or {}).get("packages") or {})
        notes = (damaged, self._code_note(), self._packages_note() if todo else "")
        self.note = "; ".join(n for n in notes if n)
        kept = (manifest or {}).get("execution")
        if not todo and isinstance(kept, dict) and kept:
            # Nothing left to run: the executor the runs were computed on stays said (a
            # resume with --jobs 99 that ran nothing recorded jobs 99 and threads None)
            self.execution = kept
        if todo:
            try:
                self._probe_runs()
            except SweepFolderError:
                self._unlock()
                raise
        try:
            self._write_manifest("running")
            self._write_design()
            self.flush(force=True, manifest=False)  # (the manifest was just written)
        except OSError as exc:
            self._remove_temporaries()
            self._unlock()
            raise SweepWriteError(
                f"{self.out}: cannot write the sweep's files ({_reason(exc)}); no run has "
                "started. Free space (or fix the folder) and rerun the same command",
                _reason(exc),
            ) from exc
        if todo and self.reuse:
            # (after the folder's own files: a stop or a full disk while copying leaves a
            # sweep folder that the same command resumes, the runs copied so far done)
            try:
                todo = self._reuse(todo)
                if self.reused:
                    self.flush(force=True)
            except OSError as exc:
                with contextlib.suppress(OSError):  # (the copies so far, recorded if it can)
                    self.flush(force=True)
                self._remove_temporaries()
                self._unlock()
                raise SweepWriteError(
                    f"{self.out}: cannot copy a finished run into runs/ ({_reason(exc)}); "
                    "the runs copied so far are kept and nothing was computed. Free space "
                    "(or fix the folder) and rerun the same command",
                    _reason(exc),
                ) from exc
            except BaseException:  # (Ctrl-C: the lock is let go, as a computed run's stop)
                with contextlib.suppress(OSError):
                    self.flush(force=True)
                self._unlock()
                raise
            if self.reused:
                said = ", ".join(f"{k} from {f}" for f, k in self.reused.items())
                count = sum(self.reused.values())
                were = "was" if count == 1 else "were"
                copied = (
                    f"{count} of this sweep's runs {were} copied, not computed again ({said}): the "
                    "same configuration and seed, computed by this code and numerical "
                    "packages, so the same numbers (`--no-reuse` computes them)"
                )
                self.note = "; ".join(n for n in (copied, self.note) if n)
        return todo

    def _donors(self) -> dict[tuple[str, int], Path]:
        """(config hash, seed) -> run folder, of the runs the sweeps beside this folder
        (``_sweeps_beside``, of any experiment: the configuration hash is the run's own,
        not its experiment's) finished with this process's code, by their ledgers; the
        newest folder's where two have one. Each is checked again by its own manifest
        before it is copied (``_reusable``)."""
        mine = executors.code_digest(executors.loaded_code())
        found: dict[tuple[str, int], Path] = {}
        beside = _sweeps_beside(self.out)
        for _, folder, _ in sorted(beside, key=lambda f: f[0]):  # (the newest last: kept)
            for key, run_id in _finished(folder, mine).items():
                found[key] = folder / "runs" / run_id
        return found

    def _reusable(
        self, m: dict[str, Any], spec, code: str, computing: dict[str, str]
    ) -> dict[str, str]:
        """The tables to copy (table -> file name) of a run whose manifest is ``m`` as
        this sweep's run ``spec``, or {} if it cannot stand for it: its manifest must give
        the run's configuration hash and seed, this process's code (digest ``code``) and
        Python (minor), numpy and numba versions (``computing``), the engine, and every
        table this sweep keeps. Only those are copied: a run of a sweep that kept more
        (another experiment's, say) becomes one like the others here. What a run
        computes does not depend on the tables it keeps (tests/test_sweep_reuse.py)."""
        if not m or (m.get("config_hash"), m.get("seed")) != (spec.config_hash, spec.seed):
            return {}
        if m.get("code") != code:
            return {}
        then = executors._computing(m.get("packages") or {})
        if not then or then != computing:
            return {}
        files = m.get("files")
        keep = self.plan.experiment.config.keep
        if m.get("engine", "engine") != "engine" or not isinstance(files, dict):
            return {}
        if not all(isinstance(files.get(k), str) for k in keep):
            return {}
        names = {k: files[k] for k in keep}
        ok = all(n and "/" not in n and "\\" not in n for n in names.values())
        return names if ok else {}

    def _reuse(self, todo: list[str]) -> list[str]:
        """Copy into runs/ each run of ``todo`` that a sweep beside this folder (of any
        experiment) finished, computed as this sweep would compute it (``_donors``,
        ``_reusable``): each file read whole from there (a run that cannot be read there
        is computed instead) and written here, the run's folder built under a temporary
        name and renamed into place as a computed run's is, so the copies stand on
        their own. Returns the runs still to compute, in ``todo``'s order; raises
        OSError where a copy cannot be written here. A run is deterministic in its
        configuration, seed, code and numerical packages, so a copy holds what computing
        it gives (tests/test_determinism.py, tests/test_sweep_reuse.py)."""
        spooled = set(self.left_in_spool)
        donors = self._donors() if any(r not in spooled for r in todo) else {}
        if not donors:
            return todo
        specs = {spec.run_id: spec for spec in self.plan.runs}
        mine = executors.loaded_code()
        code = executors.code_digest(mine)
        computing = executors._computing(store.package_versions())
        left = []
        for run_id in todo:
            spec = specs[run_id]
            source = donors.get((spec.config_hash, spec.seed))
            if run_id in spooled or source is None:
                left.append(run_id)
                continue
            try:  # (read first: a donor gone, cut short or unreadable is no copy)
                text = (source / "manifest.json").read_bytes()
                recorded = json.loads(text)
                m = recorded if isinstance(recorded, dict) else {}
                tables = self._reusable(m, spec, code, computing)
                blobs = {name: (source / name).read_bytes() for name in tables.values()}
                if not all(_whole_table(data) for data in blobs.values()):
                    tables = {}  # (a donor's table cut short: copied, it was copied back
                    # by the rerun the loader's error asked for, a review)
            except (OSError, ValueError):
                tables = {}
            if not tables:
                left.append(run_id)
                continue
            if tables != m["files"]:  # (a run that kept more: its manifest names these)
                text = store.json_text({**m, "files": tables}).encode()
            with store.NewFolder(self.runs_dir / run_id) as tmp:
                for name, data in {**blobs, "manifest.json": text}.items():
                    (tmp / name).write_bytes(data)
            folder = str(source.parent.parent.resolve())
            row = self.rows[run_id]
            row.update(status="done", error="", copied_from=folder, **_recorded(recorded))
            self.code = dict(mine)  # (the latest finished run's, as a computed run sets it)
            self.packages = dict(recorded.get("packages") or {})
            self.reused[folder] = self.reused.get(folder, 0) + 1
            self.copied[folder] = self.copied.get(folder, 0) + 1
            self.flush()  # (at most once a second: a kill loses few records of copies)
        return left

    def _tidy_spool(self, todo: list[str]) -> list[str]:
        """The runs of ``todo`` (in its order) whose outcome a stopped pool left in the
        spool; its half-written files, and those of runs recorded already (a stop
        between the record and the file's removal), are removed."""
        if not self.spool.is_dir():
            return []
        pending = set(todo)
        found = set()
        with contextlib.suppress(OSError):
            for p in list(self.spool.iterdir()):
                run_id = p.name.removesuffix(".pkl")
                if p.name.endswith(".pkl") and run_id in pending:
                    found.add(run_id)
                elif p.name == executors.SPOOL_KEY:
                    continue  # (what the runs left are signed with: removed with the spool)
                else:  # (a temporary, a recorded run's, or nothing of skillsim's)
                    with contextlib.suppress(OSError):
                        p.unlink()
        return [r for r in todo if r in found]

    def _code_note(self) -> str:
        """Say so if finished runs of this sweep were computed by other code than this
        process's (the code changed between a sweep and its resumption)."""
        done = [r for r in self.rows.values() if r["status"] == "done"]
        versions = {r["code"] for r in done if r["code"]}
        changed = executors.changed_modules(self.code) if self.code and done else []
        mine = executors.code_digest(executors.loaded_code())
        other = [r for r in done if r["code"] and r["code"] != mine]
        if changed and other:
            return (
                f"the code changed since {len(other)} of this sweep's {len(done)} finished "
                f"runs were computed (the source of {executors.show_modules(changed)} "
                "differs): they are kept and skipped, so its results will mix two versions "
                "of the code (ledger.parquet, column code); to compute every run with this "
                "code, use a new --out"
            )
        if len(versions) > 1:
            return (
                f"this sweep's {len(done)} finished runs were computed by {len(versions)} "
                "versions of the code (ledger.parquet, column code); to compute every run "
                "with one code, use a new --out"
            )
        return ""

    def _packages_note(self) -> str:
        """Say so if Python or a key package (numba, numpy, ...) is another version than
        the one the latest finished run was computed with, with runs left to compute (an
        outside review: a resume after ``pip install -U`` mixed the two unsaid; only
        skillsim's own code was compared)."""
        then = self.packages
        if not then or not any(r["status"] == "done" for r in self.rows.values()):
            return ""
        now = store.package_versions()
        moved = [f"{k} {then[k]} -> {now[k]}" for k in now if k in then and then[k] != now[k]]
        if not moved:
            return ""
        return (
            f"{', '.join(moved)} since the latest of this sweep's finished runs was "
            "computed: they are kept and skipped, so its results will mix what two versions "
            "computed; to compute every run with these, use a new --out"
        )

    def close(self, interrupted: bool = False, stopped: str = "") -> dict[str, int]:
        """Write the ledger and the manifest's final status and let go of the folder.
        ``stopped``: why the sweep stopped early (then the files are written if they
        can be, and a failure to write them is not raised again)."""
        counts = self.counts()
        if stopped:
            status = f"stopped: {stopped}"
        elif interrupted:
            status = "interrupted"
        elif counts["failed"]:
            status = "complete with failures"
        else:
            status = "complete"
        failure = None
        try:
            for write in (
                lambda: self.flush(force=True, manifest=False),
                lambda: self._write_manifest(status),
            ):
                try:  # (each on its own: the manifest's status even if the ledger fails)
                    write()
                except OSError as exc:
                    failure = failure or exc
        finally:
            # the spool keeps only runs a stop left unrecorded (then the resume records them)
            pending = [r for r, row in self.rows.items() if row["status"] != "done"]
            if not self._tidy_spool(pending):
                with contextlib.suppress(OSError):
                    (self.spool / executors.SPOOL_KEY).unlink(missing_ok=True)
                    self.spool.rmdir()
            self._unlock()
        if failure is not None:
            self._remove_temporaries()
            if not (stopped or interrupted):
                raise SweepWriteError(
                    f"{self.out}: cannot write the ledger and manifest ({_reason(failure)}); "
                    f"the {counts['done']} finished runs are kept in runs/. Free space (or "
                    "fix the folder) and rerun the same command: it finds them done",
                    _reason(failure),
                ) from failure
        return counts

    def _lock(self) -> None:
        try:  # ("a": Windows refuses to truncate a file another process has locked)
            fh = (self.out / ".lock").open("a")
        except OSError as exc:  # a read-only folder or file system, ...
            raise SweepFolderError(
                f"{self.out}: cannot write in the sweep folder ({_reason(exc)})"
            ) from None
        try:
            taken = store.try_lock(fh)
        except OSError as exc:
            fh.close()
            # A file system without locks (Lustre without -o flock, some NFS) said
            # "another sweep is writing", for ever (an outside review).
            raise SweepFolderError(
                f"{self.out}: the file system cannot lock the sweep's folder ({_reason(exc)}), "
                "which keeps two sweeps from writing to it at once; choose an --out on a "
                "file system that can (a local disk, or a shared one mounted with locks)"
            ) from None
        if not taken:
            fh.close()
            busy = SweepFolderError(
                f"another sweep is writing to {self.out}; wait for it or choose a new --out"
            )
            busy.held = True  # (the folder is the other sweep's: left as it is)
            raise busy
        self._lock_fh = fh

    def _probe_runs(self) -> None:
        """Refuse at once a runs/ that cannot take a run's folder (made read-only, say),
        rather than after the first run is computed (an outside review)."""
        probe = self.runs_dir / f".probe.tmp-{os.getpid()}"  # (a stale one is removed)
        try:
            probe.mkdir()
            probe.rmdir()
        except OSError as exc:
            raise SweepFolderError(
                f"{self.runs_dir}: cannot write a run's folder there ({_reason(exc)}); "
                "nothing was computed and the finished runs are kept: make it writable (or "
                "free space) and rerun the same command"
            ) from None

    def _unlock(self) -> None:
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None

    def _remove_temporaries(self) -> None:
        """The sweep's own half-written files (never a run's or anyone else's)."""
        with contextlib.suppress(OSError):  # (the folder itself may be gone)
            for p in list(self.out.iterdir()):
                if TEMPORARY.fullmatch(p.name):
                    with contextlib.suppress(OSError):
                        os.unlink(p)

    # ------------------------------------------------------------ recording

    def record(self, outcome: Outcome) -> None:
        """Write a finished run's folder, or note its failure; then update the ledger."""
        row = self.rows[outcome.run_id]
        if outcome.ok:
            if outcome.code:  # in the run's manifest too: a ledger that lags can be refilled
                provenance = outcome.result.provenance or runner.provenance()
                outcome.result.provenance = {
                    **provenance,
                    "code": executors.code_digest(outcome.code),
                    "computed_by": outcome.host,  # host:pid, as the ledger says it
                }
            try:
                runner.write(outcome.result, self.runs_dir / outcome.run_id)
            except OSError as exc:  # (its temporary folder is removed by runner.write)
                raise self._cannot_write(f"run {outcome.run_id}", exc) from exc
            row.update(status="done", error="", copied_from="")
            if outcome.code:
                self.code = dict(outcome.code)
                row["code"] = executors.code_digest(outcome.code)
            computed = (outcome.result.provenance or {}).get("packages")
            self.packages = dict(computed or store.package_versions())
        else:
            row.update(status="failed", error=outcome.error)
        row.update(
            attempts=int(row["attempts"]) + 1,
            seconds=outcome.seconds,
            finished=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            host=outcome.host,
        )
        try:
            self.flush()
        except OSError as exc:
            self._remove_temporaries()
            raise self._cannot_write("the ledger and manifest", exc) from exc

    def _cannot_write(self, what: str, exc: OSError) -> SweepWriteError:
        done = self.counts()["done"]
        return SweepWriteError(
            f"{self.out}: cannot write {what} ({_reason(exc)}); the sweep stopped. Its "
            f"{done} finished runs are kept: free space (or fix the folder) and rerun the "
            "same command to resume",
            _reason(exc),
        )

    def flush(self, force: bool = False, manifest: bool = True) -> None:
        """Write the ledger (unless it was written less than ``FLUSH_SECONDS`` ago), and
        with it the manifest's counts, so that a sweep killed mid-way leaves a manifest
        that agrees with its last ledger."""
        now = time.monotonic()
        if not force and now - self._last_flush < FLUSH_SECONDS:
            return
        frame = pd.DataFrame(list(self.rows.values()), columns=list(LEDGER_COLUMNS))
        store.write_parquet(frame, self.out / "ledger.parquet")
        self._last_flush = now
        if manifest and self.status:
            self._write_manifest(self.status)

    def counts(self) -> dict[str, int]:
        statuses = [r["status"] for r in self.rows.values()]
        return {s: statuses.count(s) for s in ("pending", "done", "failed")}

    # ------------------------------------------------------------ metadata

    def _write_design(self) -> None:
        names = self.plan.parameter_names()
        frame = pd.DataFrame(self.plan.points, columns=names)
        frame.insert(0, "point", range(len(frame)))
        store.write_parquet(frame, self.out / "design.parquet")

    def _write_manifest(self, status: str) -> None:
        """Write manifest.json with this status and the current counts (and remember
        the status: each flush of the ledger writes the manifest again)."""
        self.status = status
        exp = self.plan.experiment
        if self._fixed is None:  # (dumped once: the manifest is rewritten with the ledger)
            self._fixed = {
                "source": exp.source,
                # (absolute: the command that finishes the sweep works from any folder)
                "source_file": str(Path(exp.source).resolve()),
                "experiment": exp.config.model_dump(mode="json"),
                "overrides": exp.overrides,  # the command line's, in "experiment" already
                "root_seed": exp.config.root_seed,
                "seeds": self.plan.seeds,
                "scenarios": {name: s.model_dump(mode="json") for name, s in exp.scenarios.items()},
                "policies": {name: p.model_dump(mode="json") for name, p in exp.policies.items()},
                # the burn-in's and month 0's policy, which every run carries
                "status_quo": self.plan.status_quo.model_dump(mode="json"),
            }
        store.write_json(
            {
                "schema_version": SWEEP_SCHEMA_VERSION,
                "kind": "sweep",
                "status": status,
                "sweep_hash": self.plan.sweep_hash,
                **self._fixed,
                "execution": self.execution,
                "runs": len(self.plan.runs),
                "counts": self.counts(),
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(self.started)),
                "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "code_version": store.code_version(),
                "code": self.code,  # module -> source digest, of the latest finished run
                # runs copied from other sweeps' folders, by folder (``_reuse``)
                "copied_from": self.copied,
                # (the package versions the latest finished run was computed with: a
                # resume that computes nothing keeps them, so the next one can compare)
                "packages": self.packages or store.package_versions(),
                "environment": store.environment(),
            },
            self.out / "manifest.json",
        )
