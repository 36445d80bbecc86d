"""Results into tables: load sweeps, paired policy effects with CIs, sensitivity indices.

    from simulation import analysis
    results = analysis.load("results/sweep-default-1a2b3c4d")   # one tidy DataFrame
    table = analysis.effects(results)   # paired, with 95% CIs, against its baseline
    indices = analysis.sensitivity(analysis.load(sobol_sweep), "unemployment_rate")

A run is summarised by the mean of a metric over the policy months 1..M (``summary=
"mean"``) or by its value in the last month (``"final"``); month 0 is the shared state
at policy start. Runs of two policies under one scenario, design point and seed share
their random draws (common random numbers), so an effect is the mean of paired
differences across seeds, with a t interval; the unpaired (Welch) interval is given
beside it to show what pairing buys.

Loading a sweep that is not complete (interrupted, killed, still running, or with
failed runs) warns with ``IncompleteSweepWarning``, naming the done, failed and
missing runs and how to finish the sweep; the results hold the finished runs only.
To silence it where a partial sweep is expected::

    import warnings
    warnings.simplefilter("ignore", analysis.IncompleteSweepWarning)
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation import i18n, metrics

RUN_KEYS = ("run_id", "scenario", "policy", "point", "replicate", "seed")
COST_METRIC = "cost_per_additional_employed_yuan"
_COST_INPUTS = ("spending_total_yuan", "employed", "apprentices")


class IncompleteSweepWarning(UserWarning):
    """``load`` read a sweep whose runs are not all done: its results hold the finished
    runs only. ``progress`` (a ``SweepProgress``) says how many are done, failed and
    not run yet; the message says how to finish the sweep."""

    def __init__(self, message: str, progress: Any = None) -> None:
        super().__init__(message)
        self.progress = progress


class MixedCodeWarning(UserWarning):
    """``load`` read a sweep whose finished runs were computed by more than one version
    of the skillsim code (a sweep resumed after the code changed): its results mix
    them. The ledger's ``code`` column says which run had which."""


# -------------------------------------------------------------------- loading


def load(
    path: str | Path,
    table: str = "metrics",
    policies: Sequence[str] | None = None,
    rows: Mapping[str, Sequence[Any]] | None = None,
) -> pd.DataFrame:
    """One tidy DataFrame from a sweep folder, a run folder or a folder of run folders.

    Columns: run_id, scenario, policy, point, one column per swept parameter (the value
    its runs used: a whole-number field's sample rounded, as run; the sampled values
    are in design.parquet and ``attrs["skillsim"]["points"]``), replicate, seed, then
    the table's own columns (``month`` and one column per metric for
    ``table="metrics"``; month, the region/sector/cohort and its
    measures for a breakdown; month, sector, region and the measures of the employed
    in that sector and region for ``table="cell"``; month, from_status, to_status,
    workers and transition_rate for ``table="transitions"``; month, region, urban,
    from_status, to_status, workers, moved_out, moved_in and transition_rate for
    ``table="region_transitions"``). Only finished runs are included,
    and only those of ``policies`` if given (a breakdown of a large sweep is large); and
    of a breakdown only the rows whose columns hold one of the values ``rows`` gives
    them, read so from each run's file (``rows={"from_status": ["unemployed"]}``: an
    eighth of region_transitions, whose 7 million rows of ``make run``'s sweep take
    1.6 GB loaded; filter ``to_status``, ``region`` or ``urban`` after ``pool_regions``,
    not here: its rates sum over them, and it refuses such a table; the rows kept are
    in ``attrs["skillsim"]["rows"]``). A sweep that is not complete warns with ``IncompleteSweepWarning``.
    ``DataFrame.attrs["skillsim"]`` holds the experiment and design, which
    ``sensitivity`` reads, and ``progress``: the sweep's planned, done and failed runs.

    Units and definitions: ``metrics.BY_NAME[name]`` (``unit``, ``definition``,
    ``bounds``; ``skillsim list metrics`` prints them). Shares are stored as fractions
    (0.05 is 5%; the figures and ``skillsim effects`` show percent and percentage
    points), money in yuan, counts in workers of the model city. A breakdown's columns
    that share a catalogue metric's name have its unit, for that region, sector, cohort
    or cell.

    Runs loaded together are compared as one experiment's: a folder of run folders must
    hold one size and horizon, one version of each scenario and of each policy (two
    settings of one policy, a grid's points copied out of their sweep, would be
    averaged as its seeds) and each scenario, policy and seed once (else
    ``ValueError`` names the runs that differ); a folder of sweep folders is refused
    (load one sweep).
    """
    from simulation.experiment.config import TABLES

    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}: use one of {', '.join(TABLES)}")
    if isinstance(policies, str):
        policies = [policies]
    filters = _row_filters(table, rows)
    path = Path(path)
    manifest = _manifest(path)
    if manifest is None and path.name == "runs":  # a sweep's runs: the sweep, with its design
        above = _manifest(path.parent)
        if above is not None and above.get("kind") == "sweep":
            path, manifest = path.parent, above
    files: list[Path] = []  # (read: where a value of rows that kept none is looked for)
    if manifest is not None and manifest.get("kind") == "sweep":
        out = _load_sweep(path, manifest, table, policies, filters, files)
        _check_rows_found(out, filters, files)
        if table == "region":
            intakes = {x: intake_month(manifest, x) for x in out["scenario"].unique()}
            out = _seat_use_at_intakes(out, out["scenario"].map(intakes))
        out.attrs["skillsim"]["table"] = table
        return _with_rows(out, filters)
    if manifest is not None and manifest.get("kind") == "run":
        folders = [path]
    else:
        folders = sorted(p.parent for p in path.glob("*/manifest.json"))
        if not folders:
            raise FileNotFoundError(
                f"{path}: no results here (expected a sweep folder, a run folder, or a "
                "folder of run folders, each with a manifest.json)"
            )
    frames = []
    manifests = {folder: _manifest(folder) or {} for folder in folders}
    # A calibration's or a validation's folder (results/ holds them beside runs) is not
    # a run: left out, and said ("they differ in workers (None workers: ...)" before)
    others = {f: m["kind"] for f, m in manifests.items() if _other_kind(m.get("kind"))}
    if others:
        said = ", ".join(f"{f.name} (a {kind})" for f, kind in list(others.items())[:3])
        warnings.warn(
            LeftOutWarning(
                f"{path}: left out {len(others)} folder(s) that hold no run: {said}"
                f"{' ...' if len(others) > 3 else ''}"
            ),
            stacklevel=2,
        )
        manifests = {f: m for f, m in manifests.items() if f not in others}
        folders = [f for f in folders if f not in others]
        if not folders:
            raise FileNotFoundError(f"{path}: no runs here, only {said}")
    sweeps = [f for f, m in manifests.items() if m.get("kind") == "sweep"]
    if sweeps:
        raise FileNotFoundError(
            f"{path} holds sweep folders ({', '.join(f.name for f in sweeps[:3])}"
            f"{' ...' if len(sweeps) > 3 else ''}), not runs: load one sweep, e.g. "
            f"analysis.load('{sweeps[0]}') (`skillsim effects {sweeps[0]}`)"
        )
    _check_comparable(path, manifests)
    if policies is not None:
        _check_policies(policies, {m.get("policy") for m in manifests.values()}, path)
    for folder in folders:
        m = manifests[folder]
        if policies is not None and m.get("policy") not in policies:
            continue
        keys = {
            "run_id": folder.name,
            "scenario": m.get("scenario"),
            "policy": m.get("policy"),
            "point": 0,
            "replicate": 0,
            "seed": m.get("seed"),
        }
        file = folder / f"{table}.parquet"
        if not file.is_file():
            raise FileNotFoundError(f"{file}: this run did not write the {table} table")
        files.append(file)
        frames.append((read_table(file, filters=filters), keys))
    out = _keyed(frames) if frames else pd.DataFrame(columns=[*RUN_KEYS, "month"])
    _check_rows_found(out, filters, files)
    if table == "region":
        intakes = {f.name: intake_month(manifests[f]) for f in folders}
        out = _seat_use_at_intakes(out, out["run_id"].map(intakes))
    out.attrs["skillsim"] = {"kind": "runs", "parameters": [], "table": table}
    used = [
        manifests[f] for f in folders if policies is None or manifests[f].get("policy") in policies
    ]
    if used:
        first = used[0].get("config") or used[0]
        codes = sorted({m.get("code", "") for m in used} - {""})
        out.attrs["skillsim"]["source"] = source(
            "run" if len(used) == 1 else "runs",
            folders[0].name if len(folders) == 1 else path.name,  # (a run's own name)
            first.get("workers"),
            first.get("months"),
            codes,
            used,
        )
    return _with_rows(out, filters)


def _with_rows(out: pd.DataFrame, filters: list | None) -> pd.DataFrame:
    """``out`` with the rows ``load`` kept (``rows``) said in ``attrs["skillsim"]["rows"]``
    (``pool_regions`` refuses a table of only some regions' or destinations' rows)."""
    if filters:
        out.attrs["skillsim"]["rows"] = {column: list(values) for column, _, values in filters}
    return out


def source(
    kind: str,
    name: str,
    workers: int | None,
    months: int | None,
    codes: Sequence[str],
    manifests: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Where a table's numbers come from, for a figure's source line (``plots``): a
    ``kind`` ("sweep", "run" or "runs") named ``name`` (the experiment's, or the
    folder's), its size and horizon, the digests of the skillsim code that computed it
    (a run manifest's ``code``; a sweep's ledger column ``code``) and skillsim's version
    as its ``manifests`` record it (``code_version.package``: the version that computed
    it, not this one)."""
    from simulation import __version__

    versions = sorted(
        {str((m.get("code_version") or {}).get("package") or "") for m in manifests} - {""}
    )
    return {
        "kind": kind,
        "name": name,
        "workers": workers,
        "months": months,
        "code": list(codes),
        "version": "/".join(versions) or __version__,
    }


class LeftOutWarning(UserWarning):
    """Folders in a folder of runs that hold no run (a calibration's, a validation's),
    left out of what ``load`` returns."""


def _other_kind(kind: Any) -> bool:
    """A manifest's kind that is neither a run's nor a sweep's (a calibration, ...)."""
    return isinstance(kind, str) and kind not in ("run", "sweep")


def _check_comparable(path: Path, manifests: dict[Path, dict[str, Any]]) -> None:
    """Runs loaded together are compared as one experiment's: summaries pair them by
    scenario and seed, figures treat runs of one scenario and policy as its seeds. So a
    folder of runs must hold one size and horizon, one version of each scenario and each
    policy (by name), and each scenario, policy and seed once; else ``ValueError`` names
    the runs that differ."""
    if len(manifests) < 2:
        return
    where = f"{path}: these runs cannot be compared as one experiment's: "
    advice = "; load the runs to compare from a folder of their own"

    def runs(group: list[Path]) -> str:
        return ", ".join(f.name for f in group[:4]) + (" ..." if len(group) > 4 else "")

    def config(m: dict[str, Any], field: str) -> Any:
        return (m.get("config") or {}).get(field, m.get(field))

    for field, what in (("workers", "workers"), ("months", "months")):
        seen: dict[Any, list[Path]] = {}
        for folder, m in manifests.items():
            seen.setdefault(config(m, field), []).append(folder)
        if len(seen) > 1:
            told = "; ".join(f"{v} {what}: {runs(g)}" for v, g in seen.items())
            raise ValueError(where + f"they differ in {what} ({told})" + advice)
    # One version of each scenario and of each policy: two settings of one policy (a
    # grid's points copied out of their sweep) would be averaged as its seeds.
    versions: dict[tuple[str, str], dict[str, list[Path]]] = {}
    cells: dict[tuple, list[Path]] = {}
    for folder, m in manifests.items():
        for kind in ("scenario", "policy"):
            settings = dict(config(m, kind) or {})
            settings.pop("description", None)
            text = json.dumps(settings, sort_keys=True, default=str)
            name = (kind, str(m.get(kind)))
            versions.setdefault(name, {}).setdefault(text, []).append(folder)
        cells.setdefault((m.get("scenario"), m.get("policy"), m.get("seed")), []).append(folder)
    for (kind, name), variants in versions.items():
        if len(variants) > 1:
            told = " | ".join(runs(g) for g in variants.values())
            raise ValueError(
                where + f"the {kind} {name!r} is not the same in all of them (runs with "
                f"one version each: {told})" + advice
            )
    # One status quo: the burn-in's and month 0's policy, which every pairing assumes
    # shared (a run from before a none.toml of one's own beside one after: an outside
    # review). A manifest from before it was recorded ran under the shipped one.
    from simulation.config import PolicyConfig

    plain = {"name", "description"}
    shipped = PolicyConfig(name="none").model_dump(mode="json", exclude=plain)
    texts: dict[str, list[Path]] = {}
    for folder, m in manifests.items():
        quo = config(m, "status_quo")
        levers = {k: v for k, v in quo.items() if k not in plain} if quo else shipped
        texts.setdefault(json.dumps(levers, sort_keys=True), []).append(folder)
    if len(texts) > 1:
        told = " | ".join(runs(g) for g in texts.values())
        raise ValueError(
            where + "they ran under different status quos (the policy none of their "
            f"burn-in and month 0: config.status_quo; runs with one each: {told})" + advice
        )
    for (scenario, policy, seed), group in cells.items():
        if len(group) > 1:
            raise ValueError(
                where + f"{runs(group)} are all {scenario} | {policy}, seed {seed}: the same "
                "run more than once would count as several seeds" + advice
            )


def _check_policies(wanted: Sequence[str], present: set, path: Path) -> None:
    """A ``policies`` filter must name policies that have runs there."""
    unknown = [p for p in wanted if p not in present]
    if unknown:
        have = ", ".join(sorted(str(p) for p in present if p is not None)) or "none at all"
        raise ValueError(
            f"{path}: no runs of policy {unknown[0]!r} (policies with runs there: {have})"
        )


def find_sweep(
    named: str | os.PathLike[str] | None = None, places: Sequence[str | Path] | None = None
) -> tuple[Path, list[str]]:
    """The sweep folder to compare policies in, and lines that say which and why (the
    notebook prints them).

    ``named`` (a folder: absolute, or relative to one of ``places``; the notebook passes
    ``SKILLSIM_SWEEP``) is used if it can be compared with its baseline policy. Without
    it, the most recently run sweep (its manifest's time: a sweep rewrites it as runs
    finish, and a resumed one too) in ``place/results`` that can, for the
    places in order: by default the current folder, then the repository (the folder
    holding the ``simulation`` package, where ``make run`` writes ``results/``), so the
    same call works in a notebook run in ``experiments/``. A sweep can be compared when
    its policies include its baseline policy and ``runs/`` holds finished runs of the
    baseline and of another policy (read from its manifest, ledger and run folders, not
    its results). The shell's folder (``PWD``) comes second when it is another: the
    folder ``jupyter execute`` was typed in, whose kernel runs in the notebook's folder.
    Raises ``FileNotFoundError`` (no such folder, no usable sweep: every
    folder looked at with its reason, and what to run) or ``ValueError`` (``named``
    cannot be used, and why)."""
    import simulation
    from simulation.experiment.progress import read_manifest

    if places is None:
        places = [Path.cwd(), Path(simulation.__file__).resolve().parents[1]]
        shell = os.environ.get("PWD")  # where the command was typed: Jupyter runs a
        if shell and Path(shell).is_dir():  # notebook in its own folder, not there
            places.insert(1, Path(shell))
    places = list(dict.fromkeys(Path(p).resolve() for p in places))
    if named:
        found = [place / named for place in places if (place / named).is_dir()]
        if not found:
            where = (  # (an absolute path is looked for there alone: "in <cwd>" misled)
                "" if Path(named).is_absolute() else " in " + " or ".join(map(str, places))
            )
            raise FileNotFoundError(f"{named}: no such folder{where}")
        if problem := sweep_problem(found[0]):
            raise ValueError(f"{named} cannot be used: {problem}")
        return found[0].resolve(), [f"using the folder named ({named}): {found[0].resolve()}"]
    candidates = []
    for results in [place / "results" for place in places]:
        sweeps = [m.parent for m in results.glob("*/manifest.json")]
        sweeps = [s for s in sweeps if (read_manifest(s) or {}).get("kind") == "sweep"]
        candidates += sorted(sweeps, key=lambda s: (s / "manifest.json").stat().st_mtime)[::-1]
    problems = {folder: sweep_problem(folder) for folder in candidates}
    usable = [folder for folder in candidates if problems[folder] is None]
    if not usable:
        looked = "".join(f"\n  {folder}: {problem}" for folder, problem in problems.items())
        raise FileNotFoundError(
            "no sweep to compare policies in. Looked in "
            + " and ".join(str(place / "results") for place in places)
            + (looked or " (no sweep folders there)")
            + "\nRun `make run` in the repository (it makes the default sweep, "
            "results/sweep-default-..., with the baseline policy 'none'), or name a sweep "
            "folder (the notebook: SKILLSIM_SWEEP)."
        )
    chosen = usable[0].resolve()
    baseline = read_manifest(chosen)["experiment"].get("baseline_policy", "none")
    said = [f"using the newest sweep with the baseline policy {baseline!r}: {chosen}"]
    said += [f"  (skipped {f}: {problems[f]})" for f in candidates[: candidates.index(usable[0])]]
    return chosen, said


def sweep_problem(folder: str | Path) -> str | None:
    """Why the sweep in ``folder`` cannot be compared with its baseline policy, or None
    if it can (``find_sweep``); reads its manifest, ledger and run folders only."""
    from simulation.experiment.progress import finished_runs, read_manifest

    folder = Path(folder)
    manifest, file = read_manifest(folder), folder / "manifest.json"
    if manifest is None:
        inside = sorted(
            m.parent.name
            for m in folder.glob("*/manifest.json")
            if (read_manifest(m.parent) or {}).get("kind") == "sweep"
        )
        if inside:  # (a results folder: name a sweep in it, not a missing manifest)
            return (
                f"{folder} holds sweep folders ({', '.join(inside[:3])}"
                f"{' ...' if len(inside) > 3 else ''}), not a sweep: name one of them, e.g. "
                f"{folder / inside[-1]}"
            )
        return f"{file} is missing or unreadable (`skillsim sweep` writes one)"
    if manifest.get("kind") != "sweep":
        return f"{file} says this folder holds a {manifest.get('kind')}, not a sweep"
    baseline = manifest.get("experiment", {}).get("baseline_policy", "none")
    policies = manifest.get("policies", [])
    if baseline not in policies:
        return (
            f"its policies ({', '.join(policies)}) do not include the baseline policy {baseline!r}"
        )
    try:
        runs = read_table(folder / "ledger.parquet", columns=["run_id", "policy"])
    except (OSError, ValueError, KeyError):
        return f"{folder / 'ledger.parquet'} is missing or unreadable"
    done = set(finished_runs(folder))
    finished = set(runs.loc[runs["run_id"].isin(done), "policy"])
    if baseline not in finished or len(finished) < 2:
        return (
            f"{folder / 'runs'}: no finished runs of {baseline!r} and of another policy yet "
            "(rerun the command that started the sweep to resume it)"
        )
    return None


def folder_kind(path: str | Path) -> str | None:
    """What a results folder holds: its manifest's kind ("sweep", "run", ...), "runs"
    for a folder of run folders, or None when there are no results there."""
    path = Path(path)
    manifest = _manifest(path)
    if manifest is not None:
        return manifest.get("kind") if isinstance(manifest, dict) else None
    return "runs" if any(path.glob("*/manifest.json")) else None


class DamagedFolderError(ValueError):
    """A run or sweep folder's file that is there but cannot be read (a manifest that is
    not JSON, a table cut short): the message names the file."""


DAMAGED = "a damaged manifest: skillsim writes it, so rerun what wrote this folder"


def _manifest(folder: Path, required: bool = True) -> dict[str, Any] | None:
    """The folder's manifest.json, or None where it has none; a damaged one (not JSON,
    not an object, or, with ``required``, without a field of ``REQUIRED``) is a
    ``DamagedFolderError`` that names the file. (``skillsim compare`` checks the fields
    itself, field by field, and a sweep folder's kind first.)"""
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DamagedFolderError(f"{path}: {DAMAGED} (not valid JSON: {exc})") from None
    if not isinstance(manifest, dict):
        kind = type(manifest).__name__
        raise DamagedFolderError(f"{path}: {DAMAGED} (a JSON {kind}, not an object)")
    # what the readers take without asking (a hand-edited manifest without them ended
    # in a KeyError traceback: an outside review)
    for key, kind in (REQUIRED.get(manifest.get("kind"), {}) if required else {}).items():
        if not isinstance(manifest.get(key), kind):
            raise DamagedFolderError(f"{path}: {DAMAGED} (no {key!r})")
    return manifest


REQUIRED = {  # a manifest's fields every reader needs, by the manifest's kind
    "sweep": {"experiment": dict},
    "run": {"scenario": str, "policy": str, "seed": int, "workers": int, "months": int},
}


def _row_filters(table: str, rows: Mapping[str, Sequence[Any]] | None) -> list | None:
    """``load``'s ``rows`` as parquet filters (column, "in", values), or None; a column
    that does not name a breakdown's rows is a ValueError naming the allowed ones."""
    if not rows:
        return None
    allowed = [*BREAKDOWN_KEYS.get(table, []), *(["urban"] if table.startswith("region") else [])]
    out = []
    for column, values in rows.items():
        if column not in allowed:
            raise ValueError(
                f"rows: {column!r} is not a column that names the rows of the {table} table "
                f"(allowed: {', '.join(allowed) or 'none: the metrics table has a row per month'})"
            )
        if isinstance(values, (str, bytes, bool)) or not hasattr(values, "__iter__"):
            values = [values]
        values = [v.item() if hasattr(v, "item") else v for v in values]
        if not values or any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
            raise ValueError(f"rows: {column!r} needs one value or more, none of them missing")
        _check_row_values(column, values)
        out.append((column, "in", values))
    return out


_ROW_TYPES = {
    "urban": (bool, "True or False"),
    "cohort": (int, "whole numbers, years of entry: 0 = policy months 0-11, -1 the burn-in's last"),
}


def _check_row_values(column: str, values: list) -> None:
    """``rows``' values of a type the column holds (a text "False" for ``urban`` gave
    pyarrow's "no kernel matching input types"), and a status one of the statuses (a
    typo gave an empty table, and ``effects`` then "no finished runs": a review)."""
    kind, said = _ROW_TYPES.get(column, (str, "texts"))
    wrong = [v for v in values if not isinstance(v, kind) or (kind is int and isinstance(v, bool))]
    if wrong:
        raise ValueError(f"rows: {column}={wrong[0]!r} is not of its values (allowed: {said})")
    statuses = {"from_status": metrics.FROM_STATUSES, "to_status": metrics.TO_STATUSES}
    unknown = [v for v in values if column in statuses and v not in statuses[column]]
    if unknown:
        raise ValueError(
            f"rows: {column}={unknown[0]!r} is no status (allowed: {', '.join(statuses[column])})"
        )


def _check_rows_found(out: pd.DataFrame, filters: list | None, files: list[Path]) -> None:
    """A region, sector or cohort in ``rows`` that no file read holds (a typo, or "rural",
    a pool's name, for a region) refused, naming those they hold: it gave an empty table
    without a word (a review). Read again, that column alone, only when a value kept no
    row (it may be in none of the rows the other columns' values keep)."""
    import pyarrow.parquet as pq

    if not files:  # (no run read: nothing to look in, and no rows either way)
        return
    for column, _, values in filters or []:
        if column in ("from_status", "to_status", "urban"):
            continue  # (checked before reading)
        found = set(out[column].unique()) if column in out.columns else set()
        if all(v in found for v in values):
            continue
        held: set = set()
        for file in files:
            held.update(pq.read_table(file, columns=[column]).column(0).unique().to_pylist())
        unknown = [v for v in values if v not in held]
        if unknown:
            raise ValueError(
                f"rows: {column}={unknown[0]!r} is in no run's {files[0].stem} table "
                f"(allowed: {', '.join(map(str, sorted(held))) or 'none: no runs'})"
            )


def read_table(
    file: Path, columns: Sequence[str] | None = None, filters: list | None = None
) -> pd.DataFrame:
    """A results table (parquet) of a run or sweep folder (its rows that pass
    ``filters``, parquet's, if given); a missing file is a FileNotFoundError and a
    damaged one (cut short, overwritten) a ``DamagedFolderError``, each naming the
    file."""
    import pyarrow as pa

    try:
        return pd.read_parquet(
            file, columns=None if columns is None else list(columns), filters=filters
        )
    except FileNotFoundError:
        raise FileNotFoundError(f"{file}: missing (skillsim writes it with the folder)") from None
    except (OSError, ValueError, pa.ArrowException) as exc:
        if filters:  # (rows of another type than the column's, or a column it lacks)
            raise ValueError(f"{file}: cannot keep the rows {filters} ({exc})") from None
        raise DamagedFolderError(
            f"{file}: not a readable table ({exc}); rerun what wrote this folder"
        ) from None


def as_run(design: pd.DataFrame, experiment: dict[str, Any]) -> pd.DataFrame:
    """A sweep's design points (design.parquet's sampled values) as its runs had them:
    a whole-number field (or a count of true-or-false switches) takes its sample rounded
    (half to even, as run); ``experiment`` is the sweep manifest's."""
    applied = design.copy()
    for name in _whole_parameters(experiment):
        if name in applied:
            applied[name] = np.round(applied[name].to_numpy(float))
    return applied


def _whole_parameters(experiment: dict[str, Any]) -> list[str]:
    """The labels of an experiment's parameters that set whole-number or true-or-false
    fields (their runs take the sampled value rounded)."""
    from simulation.config_errors import ConfigError
    from simulation.experiment.loading import resolve_path

    whole = []
    for p in experiment.get("parameters", []):
        paths = p.get("paths") or [p.get("path")]
        try:
            kinds = {resolve_path(str(q), "", "").kind for q in paths}
        except ConfigError:  # (a field since renamed: its values as sampled)
            continue
        if kinds & {int, bool}:
            whole.append(p.get("name") or p.get("path") or "+".join(paths))
    return whole


def code_versions(path: str | Path, ledger: pd.DataFrame | None = None) -> pd.Series:
    """How many of a sweep's finished runs each version of the skillsim code computed
    (its ledger's ``code`` column: digest -> runs), of the whole sweep (``ledger``: the
    whole ledger if already read)."""
    if ledger is None:
        ledger = read_table(Path(path) / "ledger.parquet")
    if "code" not in ledger:
        return pd.Series(dtype="int64")
    done = ledger[ledger["status"] == "done"]
    return done["code"][done["code"] != ""].value_counts()


def mixed_code(path: str | Path, codes: pd.Series | None = None) -> str:
    """What to say of a sweep whose finished runs were computed by more than one
    version of the skillsim code (``code_versions``, or ``codes`` if given), "" if they
    were not."""
    if codes is None:
        codes = code_versions(path)
    if len(codes) < 2:
        return ""
    done = int(codes.sum())
    counts = ", ".join(f"{n} by {code}" for code, n in codes.items())
    return (
        f"{path}: its {done} finished runs were computed by {len(codes)} versions of "
        f"the skillsim code ({counts}: ledger.parquet, column code), so its results mix "
        "them; to compute every run with one code, run the sweep again with a new --out"
    )


def _keyed(parts: list[tuple[pd.DataFrame, dict[str, Any]]]) -> pd.DataFrame:
    """The runs' tables one below the other, each row led by its run's keys (run_id,
    scenario, policy...): each key column made once, its run's value repeated for its
    rows (a column a run built from a list of one value a row took half the loading of
    a breakdown)."""
    tables = pd.concat([table.reset_index(drop=True) for table, _ in parts], ignore_index=True)
    head = pd.DataFrame([keys for _, keys in parts], dtype=object)
    for column in head.columns:  # (typed, but a key some runs lack stays objects: no seed
        if head[column].notna().all():  # of 19 digits made a float)
            head[column] = head[column].infer_objects()
    head = head.iloc[np.repeat(np.arange(len(parts)), [len(t) for t, _ in parts])]
    return pd.concat([head.reset_index(drop=True), tables], axis=1)


def _load_sweep(
    path: Path,
    manifest: dict[str, Any],
    table: str,
    policies: Sequence[str] | None,
    filters: list | None = None,
    files: list[Path] | None = None,
) -> pd.DataFrame:
    from simulation.experiment.progress import sweep_progress

    progress = sweep_progress(path, manifest)
    try:
        ledger = read_table(path / "ledger.parquet")
    except FileNotFoundError:  # (a sweep stopped before it: a full disk, say)
        raise FileNotFoundError(
            f"{path / 'ledger.parquet'}: missing, so this sweep stopped before it wrote its "
            f"ledger (a full disk?): rerun {progress.command} to finish it (its finished "
            "runs are found done)"
        ) from None
    codes = code_versions(path, ledger)  # (of the whole sweep, before any filter)
    if policies is not None:
        _check_policies(policies, set(ledger["policy"]), path)
        ledger = ledger[ledger["policy"].isin(list(policies))]
    # Runs the ledger records done whose folders are gone (removed or renamed since):
    # said first, and alone (a warning counted them "not run yet" before the error)
    gone = [
        r for r in ledger.loc[ledger["status"] == "done", "run_id"]
        if not (path / "runs" / r / "manifest.json").is_file()
    ]  # fmt: skip
    if gone:
        listed = ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
        raise FileNotFoundError(
            f"{path / 'runs'}: the ledger records {len(gone)} run(s) done whose folders are "
            f"gone ({listed}); put them back, or rerun the sweep command "
            f"({progress.command}) to run them again"
        )
    if not progress.complete:
        warnings.warn(IncompleteSweepWarning(progress.message(), progress), stacklevel=3)
    mixed = mixed_code(path, codes)
    if mixed:
        warnings.warn(MixedCodeWarning(mixed), stacklevel=3)
    design = read_table(path / "design.parquet").set_index("point")
    names = list(design.columns)
    # The values the runs had: a whole-number field (or a count of switches) takes its
    # sampled value rounded; the sampled values stay in design.parquet and in
    # ``attrs["skillsim"]["points"]``, which sensitivity reads (labels showed 4.667
    # months where 5 ran).
    applied = as_run(design, manifest["experiment"])
    frames = []
    kept = manifest["experiment"].get("keep", [])
    for row in ledger[ledger["status"] == "done"].itertuples(index=False):
        file = path / "runs" / row.run_id / f"{table}.parquet"
        if not file.is_file() and (table == "metrics" or table in kept):
            raise FileNotFoundError(
                f"{file}: missing (this sweep keeps the {table} table, but the file of this "
                f"run is gone); delete its run folder {file.parent} and rerun the sweep "
                f"command ({progress.command}) to compute that run again"
            )
        if not file.is_file():
            raise FileNotFoundError(f"{file}: this sweep did not keep the {table} table")
        keys = {"run_id": row.run_id, "scenario": row.scenario, "policy": row.policy}
        keys["point"] = int(row.point)
        keys.update({n: float(applied.at[int(row.point), n]) for n in names})
        keys.update(replicate=int(row.replicate), seed=int(row.seed))
        if files is not None:
            files.append(file)
        try:
            frames.append((read_table(file, filters=filters), keys))
        except DamagedFolderError as exc:  # (a resumed sweep skips a run whose folder exists)
            raise DamagedFolderError(
                f"{str(exc).split('; rerun')[0]}; delete its run folder {file.parent} and rerun "
                f"the sweep command ({progress.command}) to compute that run again"
            ) from None
    if frames:
        out = _keyed(frames)
    else:
        out = pd.DataFrame(columns=[*RUN_KEYS[:4], *names, *RUN_KEYS[4:], "month"])
    experiment = manifest["experiment"]
    out.attrs["skillsim"] = {
        "kind": "sweep",
        "experiment": experiment["name"],
        "parameters": names,
        # each parameter's settings, as the experiment gives them (the figures' Chinese
        # names of a parameter: i18n.parameter_name)
        "paths": {
            p["name"]: list(p.get("paths") or [p.get("path")]) for p in experiment["parameters"]
        },
        "design": experiment["design"],
        "bounds": [[float(design[n].min()), float(design[n].max())] for n in names],
        "ranges": [_bounds(p) for p in experiment["parameters"]],
        "points": design.reset_index().to_dict("list"),
        "baseline_policy": experiment.get("baseline_policy", "none"),
        # the experiment's order, which ``effects`` keeps (and so the figures and the
        # report: the figures had sorted by name, the report kept this)
        "order": {
            "scenario": list(manifest.get("scenarios", {})),
            "policy": list(manifest.get("policies", {})),
            # (a breakdown's regions and sectors as the scenarios list them: the urban
            # core first, not county_town, rural_county_a, ... urban_core)
            **{
                kind: list(
                    dict.fromkeys(
                        str(item.get("name"))
                        for scenario in (manifest.get("scenarios") or {}).values()
                        for item in ((scenario or {}).get("world") or {}).get(kind + "s") or []
                    )
                )
                for kind in ("region", "sector")
            },
        },
        "progress": {"runs": progress.runs, "done": progress.done, "failed": progress.failed},
        "code_versions": len(codes),
        "source": source(
            "sweep",
            experiment["name"],
            experiment.get("workers"),
            experiment.get("months"),
            list(codes.index),
            [manifest],
        ),
    }
    return out


def _bounds(p: dict[str, Any]) -> list[float]:
    if p.get("values"):
        return [min(p["values"]), max(p["values"])]
    return [p["low"], p["high"]]


def _groups(results: pd.DataFrame) -> list[str]:
    """What a summary's row is of: scenario, policy, design point and the point's
    parameters (``load`` names them in ``attrs``). A table whose ``attrs`` are gone
    (``pd.concat`` keeps them only when every part has the same) names none, so its
    parameters are the columns besides the keys and measures that hold one value a run:
    without them, two sweeps' points of one number were pooled as one (an outside
    review). A region's ``urban`` is no parameter, though it holds one value a run in a
    table of urban (or rural) regions only: taken for one, it was a key twice in
    ``pool_regions``, which failed."""
    info = results.attrs.get("skillsim")
    if info is not None:
        params = info.get("parameters", [])
    else:
        known = {*RUN_KEYS, "month", "urban", *_rows_of(results), *_catalogue_measures(results)}
        rest = [c for c in results.columns if c not in known]
        if rest and "run_id" in results.columns:
            spread = results.groupby("run_id", sort=False)[rest].nunique(dropna=False)
            params = [c for c in rest if (spread[c] <= 1).all()]
        else:
            params = rest
    return ["scenario", "policy", "point", *[p for p in params if p in results.columns]]


def _warn_if_run_covariates(results: pd.DataFrame) -> None:
    """Warn (at the caller's caller: ``effects``' or ``summarise``'s user) of a column
    taken for a design parameter (``attrs`` gone) that gives each run a value of its
    own: a run's covariate (its seconds, merged in from the ledger; ``pd.merge`` drops
    ``attrs``) split every point into groups of one seed, so every effect had n = 1 and
    no interval, unsaid (an outside review)."""
    if results.attrs.get("skillsim") is not None or "run_id" not in results.columns:
        return  # (the parameters named: none guessed)
    params = _groups(results)[3:]
    present = [c for c in ("scenario", "policy", "point") if c in results.columns]
    if not params or not present:
        return
    runs = results.drop_duplicates("run_id")
    if runs.groupby(present, sort=False).size().max() < 2:
        return  # (one seed a point anyway: nothing to split)
    alone = [p for p in params if runs.groupby([*present, p], sort=False).size().max() < 2]
    if alone:
        warnings.warn(
            f"{', '.join(map(repr, alone))}: taken for a design parameter (this table's "
            'attrs["skillsim"] are gone: pd.merge and pd.concat drop them), and it gives '
            "each run a value of its own, so no two seeds are compared; restore them "
            "(frame.attrs = results.attrs), add the column with .map instead of merge, or "
            "drop it",
            UserWarning,
            stacklevel=3,
        )


def window_of(months: Any) -> tuple[int, int]:
    """``months`` as (first, last), two whole numbers; any other value refused, naming
    what is allowed (an int gave "'int' object is not subscriptable", and (1.9, 60.7)
    was taken as months 1 to 60: an outside review)."""
    pair = list(months) if isinstance(months, (tuple, list, np.ndarray)) else None
    whole = pair is not None and len(pair) == 2
    whole = whole and all(
        isinstance(m, (int, np.integer))
        or (isinstance(m, (float, np.floating)) and float(m).is_integer())
        for m in pair
    )
    if not whole:
        raise ValueError(
            f"months {months!r}: allowed, a pair (first, last) of whole policy months, "
            "e.g. months=(19, 60)"
        )
    return int(pair[0]), int(pair[1])


def in_months(results: pd.DataFrame, months: tuple[int, int] | None) -> pd.DataFrame:
    """``results`` kept to the policy months ``months`` = (first, last), both included,
    for a summary of those months only (``summarise``, ``effects``); all of them with
    ``months`` None. A window that starts at month 0 (the policy start, the same state
    under every policy), ends before it starts, or holds none of the results' months
    is refused, naming the months there are."""
    if months is None:
        return results
    first, last = window_of(months)
    have = int(results["month"].max()) if len(results) else 0
    if first < 1 or last < first or first > have:
        raise ValueError(
            f"months {first}-{last}: allowed, a first month from 1 (month 0 is the policy "
            f"start, the same under every policy) to a last month at or after it, within "
            f"these results' months 1-{have}"
        )
    out = results[results["month"].between(first, last)]
    out.attrs = {**results.attrs}
    return out


def baseline_shares(results: pd.DataFrame) -> dict[str, list[str]]:
    """The design parameters of a sweep (``load``'s ``attrs``) that set a policy field
    (``policy.*``) while its baseline policy ran: set on every policy, the baseline
    included, so the effects compare policies at the same setting of them, and a policy
    that differs from the baseline only there shows none (a subsidy swept on ``none``
    and ``apprenticeship_subsidy`` alike). Each parameter's name and its policy paths."""
    info = results.attrs.get("skillsim", {})
    if info.get("kind") != "sweep" or "policy" not in results.columns:
        return {}
    if not (results["policy"] == info.get("baseline_policy", "none")).any():
        return {}  # (compared, not made a set: a breakdown's millions of rows took 3 s)
    shared = {}
    for name, paths in (info.get("paths") or {}).items():
        policy = [str(p) for p in paths if str(p).startswith("policy.")]
        if policy:
            shared[name] = policy
    return shared


def intake_month(manifest: dict[str, Any], scenario: str | None = None) -> int:
    """The month of the year (0 = January) in which a scenario's school leavers choose
    their path, and so take TVET seats (``metrics.intake_month``: the month after their
    cohort enters). From a sweep's manifest, of its ``scenario``; from a run's, of its
    own. August (7) for the shipped scenarios, and where the manifest does not say."""
    dump = (manifest.get("scenarios") or {}).get(scenario) if scenario is not None else None
    if dump is None:  # (a run's manifest: its resolved configuration)
        dump = (manifest.get("config") or {}).get("scenario") or {}
    population = (dump.get("behaviour") or {}).get("population") or {}
    return metrics.intake_month(population.get("cohort_month", 6))


def _seat_use_at_intakes(table: pd.DataFrame, intake: pd.Series) -> pd.DataFrame:
    """A region table's ``tvet_seat_use`` left empty outside each row's intake month
    (``intake``: the month of the year, row by row), as the model writes it since
    2026-12-07: a table written before gave it in every month, and a sweep resumed after
    the change, or a folder of runs of both, mixed the two readings in one mean."""
    if "tvet_seat_use" in table.columns and len(table):
        off = (table["month"] % 12).to_numpy() != intake.to_numpy()
        if off.any() and table.loc[off, "tvet_seat_use"].notna().any():
            table.loc[off, "tvet_seat_use"] = np.nan
    return table


def pool_regions(
    results: pd.DataFrame, groups: dict[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """A region table of ``load`` with its regions pooled: by default into "urban" and
    "rural" (the ``urban`` column), or into ``groups`` (a new region name -> a list of
    the regions it sums, each region in one group at most; a region in none is
    dropped), so that ``effects`` and ``summarise`` take the result as they take the
    table. A pool's ``urban`` says whether all its regions are urban.

    ``load(path, table="region_transitions")``: the counts (workers, moved_out,
    moved_in) are summed over each group's regions, and the rates computed again from
    the sums (transition_rate, moved_out_rate: of all in the group in from_status at the
    month's start). A move between two regions of one group stays a move (moved_out and
    moved_in both count it).

    ``load(path, table="region")``: the counts summed, the shares recomputed from their
    summed numerators and denominators (an unemployment rate of the group's unemployed
    over its labour force, a seat use of its learners over its seats), the means of the
    employed (skill gap, wage) weighted by the employed, as ``metrics.REGION_POOLING``
    says; net migration summed, so a move between two of the group's regions cancels.
    A share whose counts the table lacks is left out, with a warning; a share the table
    leaves empty in a month for all the group's regions stays empty (``tvet_seat_use``
    outside the intake months).

    A pool's value is undefined (NaN) where a member region's is: a sweep resumed
    after the code changed holds older runs without a newer column, and summing their
    gaps as zeros gave wrong pools. A column an analyst added is left out, with a
    warning: grouped by, it split the pools."""
    kind = breakdown(results)
    _check_kept_rows(results, kind, groups)
    needed = {"month", "region"} | ({"urban"} if groups is None else set())
    if kind not in ("region", "region_transitions") or not needed <= set(results.columns):
        raise ValueError(
            "pool_regions takes a region table month by month: load(path, "
            'table="region") or load(path, table="region_transitions"), with columns '
            f"{', '.join(sorted(needed))} (not a summary of one: summarise the pooled table)"
        )
    # each row's group as a whole number (-1: none), its name put in once pooled
    # (_decoded): the names written out row by row (7 million texts for a sweep's
    # region_transitions) took a quarter to a third of the time
    if groups is None:
        group = results["urban"].to_numpy(bool).astype(np.int64)
        names = pd.Index(["rural", "urban"])
    else:
        at, regions = pd.factorize(results["region"], use_na_sentinel=False)
        of = pd.Series(regions).map(_group_of(groups, set(regions))).to_numpy(object)
        code, names = pd.factorize(of)  # (each region's group)
        group = code[at]
        names = pd.Index(list(names))  # (typed as a groupby's index types them)
    frame = results.assign(region=group)
    if (group < 0).any():
        frame = frame[group >= 0]
    if kind == "region":
        out = _pooled_region_table(results, frame)
    else:
        out = _pooled_region_transitions(results, frame)
    out = _decoded(out, {"region": names})
    out.attrs = {**results.attrs}
    return out


def _check_kept_rows(results: pd.DataFrame, kind: str | None, groups: Mapping | None) -> None:
    """Refuse a table that ``load(..., rows=...)`` kept only some of whose pooled rows:
    a rate's denominator sums over every destination (``to_status``), and "urban" and
    "rural" over every region; a filter on them gave pools of the wrong sums, silently.
    (With ``groups``, a region filter is fine: a group naming a region not kept is
    refused as unknown; and ``urban`` always: the default pools are its values, each
    kept whole or not at all.)"""
    kept = (results.attrs.get("skillsim") or {}).get("rows") or {}
    unsafe = {"to_status", *(("region",) if groups is None else ())}
    cut = [c for c in kept if c in unsafe]
    if not cut:
        return
    keys = [*BREAKDOWN_KEYS.get(kind or "", []), "urban"]
    allowed = [c for c in keys if c not in unsafe]
    fix = (
        "give pool_regions the groups of the regions kept (groups={name: [regions]}), or "
        if "to_status" not in cut
        else ""
    )
    said = ", ".join(f"{c}={kept[c]!r}" for c in cut)
    raise ValueError(
        f"pool_regions: this table was loaded with only the rows {said} (load's rows=), "
        "and its pools would sum only those where they sum all: a rate over every "
        f"destination, urban and rural over every region; {fix}load without them and "
        "filter the pooled table (allowed in rows= before pooling"
        f"{' without groups' if groups is None else ''}: {', '.join(allowed) or 'none'})"
    )


def _group_of(groups: Mapping[str, Sequence[str]], known: set) -> dict:
    """Each region's group in ``groups`` (pool_regions), or bad input named: a group
    given as a string, not a list; no region at all; an unknown region; a region in two
    groups (it was silently taken by the last)."""
    allowed = ", ".join(sorted(map(str, known)))
    if not isinstance(groups, Mapping):
        raise ValueError(
            f"pool_regions groups: {type(groups).__name__} {groups!r}, not a mapping of each "
            "group's name to its regions (allowed: e.g. {'rural': ['rural_county_a', "
            f"'rural_county_b']}}; regions: {allowed})"
        )
    for name, regions in groups.items():
        if not isinstance(regions, str) and not len(regions):
            raise ValueError(
                f"pool_regions groups: {name!r} has no region (allowed: a list of one or "
                f"more of {allowed})"
            )
    of: dict = {}
    for name, regions in groups.items():
        if isinstance(regions, str):
            raise ValueError(
                f"pool_regions groups: {name!r} is given the string {regions!r}, not a list "
                f"of regions (allowed: a list such as [{regions!r}]; regions: {allowed})"
            )
        for r in regions:
            if r in of:
                raise ValueError(
                    f"pool_regions groups: region {r!r} is in {of[r]!r} and {name!r}: each "
                    "region pools into one group at most (pool twice for two views)"
                )
            of[r] = name
    if not of:
        raise ValueError(f"pool_regions groups: no region in any group (allowed: {allowed})")
    unknown = sorted(str(r) for r in of if r not in known)
    if unknown:
        raise ValueError(
            f"pool_regions groups: unknown region(s) {', '.join(unknown)} (allowed: {allowed})"
        )
    return of


def _pool_keys(results: pd.DataFrame, frame: pd.DataFrame, pooled: Sequence[str]):
    """``frame`` without the columns it cannot pool, said in a warning, and the columns
    to group by: the run's keys and parameters, the month and the table's rows. Any
    other column (one an analyst added, numbers or words), grouped by, split the pools
    and their rates came out of the wrong sums."""
    keys = {*RUN_KEYS, "month", *_rows_of(results), *_groups(results)}
    added = [c for c in frame.columns if c not in keys and c not in (*pooled, "urban")]
    if added:
        warnings.warn(
            f"pool_regions: left out the column(s) {', '.join(added)}, which it cannot "
            "sum or recompute: add them to the pooled table instead",
            stacklevel=4,
        )
        frame = frame.drop(columns=added)
    return frame, [c for c in frame.columns if c in keys]


def _summed(frame: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """``columns`` summed over the rows of each group of ``keys``, NaN where any row's
    is (pandas' sum counts NaN as 0), and ``urban``: whether all of them are urban; a
    row a group, keys first, as ``groupby(keys, sort=False, dropna=False)`` gives them.
    """
    # grouped by one whole number a row (_row_keys): the same groups in the same order,
    # so the same sums, without the codes of every key and the index of millions of
    # rows that pandas builds of them
    grouped = frame[[*columns, "urban"]].groupby(_row_keys(frame, keys), sort=False)
    out = grouped.agg({**dict.fromkeys(columns, "sum"), "urban": "all"})
    if frame[columns].isna().to_numpy().any():  # (a gap: the groups that hold one)
        short = grouped[columns].count().lt(grouped.size(), axis=0)
        out[columns] = out[columns].mask(short)
    # each group's keys from its first row: where the groups' running count steps up
    # (numbered in the order they come)
    counted = np.maximum.accumulate(grouped.ngroup().to_numpy())
    first = np.flatnonzero(np.diff(counted, prepend=-1))
    heads = frame[keys].iloc[first].reset_index(drop=True)
    # object keys typed as a groupby's index types them, their empty keys NaN (column by
    # column: a frame's infer_objects leaves texts in a block of columns as objects)
    for column in [c for c in keys if pd.api.types.is_object_dtype(heads[c])]:
        values = heads[column]
        heads[column] = values.where(values.notna(), np.nan).infer_objects()
    return pd.concat([heads, out.reset_index(drop=True)], axis=1)


def _pooled_region_transitions(results: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    counts = ["workers", "moved_out", "moved_in"]
    rates = ("transition_rate", "moved_out_rate")
    frame, keys = _pool_keys(results, frame, (*counts, *rates))
    pooled = _summed(frame, keys, counts)
    start = [k for k in keys if k != "to_status"]
    by_start = pooled.groupby(_row_keys(pooled, start), sort=False)["workers"]
    started = by_start.transform("sum")
    if pooled["workers"].isna().any():  # (a pair undefined: the status's whole row is)
        started = started.mask(by_start.transform("count") < by_start.transform("size"))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled["transition_rate"] = (pooled["workers"] / started).where(started > 0)
        pooled["moved_out_rate"] = (pooled["moved_out"] / started).where(started > 0)
    return pooled[[c for c in results.columns if c in pooled.columns]]


_GIVEN = "__given"  # (a pooled share's count of regions that give it: dropped after)


def _pooled_region_table(results: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    rules = {c: r for c, r in metrics.REGION_POOLING.items() if c in frame.columns}
    lacking = [
        c for c, r in rules.items() if r[0] != "sum" and not set(r[1:]) <= set(frame.columns)
    ]
    if lacking:  # (warnings from here name the caller of pool_regions)
        needs = ", ".join(sorted({x for c in lacking for x in rules[c][1:]} - set(frame.columns)))
        warnings.warn(
            f"pool_regions: left out {', '.join(lacking)}: this table lacks {needs}, which "
            "it is recomputed from (a table written by older code, before they were added, "
            "or one without those columns)",
            stacklevel=3,
        )
        frame = frame.drop(columns=lacking)
        rules = {c: r for c, r in rules.items() if c not in lacking}
    frame, keys = _pool_keys(results, frame, tuple(metrics.REGION_POOLING))
    sums = [c for c, r in rules.items() if r[0] == "sum"]
    weighted = [c for c, r in rules.items() if r[0] == "weighted"]
    # a mean times its weight (a region without employed adds nothing; an undefined
    # mean where there are employed, or an undefined weight, leaves the pool undefined)
    parts = frame[[*keys, "urban", *sums]].copy()
    for c in weighted:
        weight = frame[rules[c][1]]
        parts[c] = (frame[c] * weight).where(~(weight == 0), 0.0)
    # how many of a pool's regions give each share: a share that the table leaves empty
    # in a month for every region (the TVET seats' use outside the intake month) stays
    # empty in the pool, not recomputed from the counts of that month
    ratios = [c for c, r in rules.items() if r[0] == "ratio"]
    given = [f"{c}{_GIVEN}" for c in ratios]
    parts[given] = frame[ratios].notna().to_numpy(int)
    pooled = _summed(parts, keys, [*sums, *weighted, *given])
    with np.errstate(divide="ignore", invalid="ignore"):
        for c, rule in rules.items():
            if rule[0] == "weighted":
                weight = pooled[rule[1]]
                pooled[c] = (pooled[c] / weight).where(weight > 0)
            elif rule[0] == "ratio":
                top, bottom = pooled[rule[1]], pooled[rule[2]]
                pooled[c] = (top / bottom).where((bottom > 0) & (pooled[f"{c}{_GIVEN}"] > 0))
    return pooled[[c for c in results.columns if c in pooled.columns]]


COMPLETION = "apprenticeship_completion_rate"


def completion_months(manifest: dict[str, Any], months: int) -> tuple[int, int] | None:
    """The months past the longest apprenticeship contract of a sweep's policies (their
    ``terms.duration_months``, and a design's highest setting of it), to its last month:
    where the report and ``skillsim effects`` summarise the effects on the completion
    rate. In a policy's first contract length its new contracts can end early but none
    can complete yet, so a policy that starts more of them lowers the rate then by
    construction: the subsidy's -3.6 points over months 1-120 of the default sweep were
    such (an outside review). None where the runs end within that length. (A policy
    that does not set the length has the default contract, 18 months.)"""
    from simulation.config import ApprenticeshipTerms

    default = int(ApprenticeshipTerms.model_fields["duration_months"].default)
    longest = default
    for policy in (manifest.get("policies") or {}).values():
        terms = (policy or {}).get("terms") or {}
        longest = max(longest, int(terms.get("duration_months", default)))
    for p in (manifest.get("experiment") or {}).get("parameters") or []:
        paths = p.get("paths") or [p.get("path")]
        if "policy.terms.duration_months" in paths:
            top = max([float(p.get("high") or 0), *(float(v) for v in p.get("values") or [])])
            longest = max(longest, math.ceil(top))
    return (longest + 1, months) if months > longest else None


def past_the_contracts(
    table: pd.DataFrame, results: pd.DataFrame, baseline: Any, window: tuple[int, int]
) -> pd.DataFrame:
    """``table`` (``effects`` of ``results`` against ``baseline``, each run's mean of
    months 1..M) with its completion-rate rows summarised over ``window`` instead
    (``completion_months``), in their places; its ``attrs`` kept. The report's summary
    and ``skillsim effects`` give these, so that the two say the same."""
    if COMPLETION not in set(table["metric"]):
        return table
    later = effects(results, baseline, metric_names=COMPLETION, months=window)
    rows = (table["metric"] == COMPLETION).to_numpy()
    keys = [c for c in table.columns if c not in EFFECT_COLUMNS]
    if table.loc[rows, keys].reset_index(drop=True).equals(later[keys]):
        out = table.copy()  # (in place: the rows keep their order)
        for column in later.columns:
            out.loc[rows, column] = later[column].to_numpy()
    else:  # (groups in another order: after the others)
        out = pd.concat([table[~rows], later], ignore_index=True)
    out.attrs = table.attrs
    return out


def months_used(results: pd.DataFrame, months: tuple[int, int]) -> tuple[int, int]:
    """The months of the window ``months`` that ``results`` has: its last month at most
    the results' last (a window past a run's end summarises the months there are)."""
    first, last = window_of(months)
    have = int(results["month"].max()) if len(results) else 0
    return first, min(last, have)


def summarise(
    results: pd.DataFrame, summary: str = "mean", months: tuple[int, int] | None = None
) -> pd.DataFrame:
    """One row per run: the keys, then each metric's mean over months 1..M (``mean``)
    or its value in the last month (``final``); over months first..last, or in month
    last, with ``months`` = (first, last) (``in_months``). The region table's
    ``tvet_seat_use``, given in the intake months only (``metrics.AT_INTAKE``): its mean
    over the intake months, or its value at the last intake. Of a breakdown (``load(path,
    table="region")``), one row per run and region (sector, cohort, cell, pair of
    statuses), its columns
    summarised the same way (a month where a group's value is undefined, NaN, is left
    out of its mean)."""
    need_runs_once(results, "these results")
    _warn_if_run_covariates(results)
    return _summary(in_months(results, months), summary)


def _summary(results: pd.DataFrame, summary: str) -> pd.DataFrame:
    """``summarise``'s table, of results checked (``need_runs_once``) and kept to the
    months to summarise."""
    if summary not in ("mean", "final"):
        raise ValueError(f"summary must be 'mean' or 'final' (got {summary!r})")
    rows = _rows_of(results)
    keys = [c for c in (*_groups(results), "replicate", "seed", "run_id", *rows) if c in results]
    names = _measures(results)
    if summary == "mean":
        kept = (results["month"] >= 1).to_numpy()
        # grouped by one whole number a row (_row_keys: the same groups in the same
        # order, so the same means), not by the seven or so columns it stands for
        key = _row_keys(results, keys)[kept]
        means = results.loc[kept, names].groupby(key, sort=True).mean()
        _, first = np.unique(key, return_index=True)
        heads = results[keys].iloc[np.flatnonzero(kept)[first]].reset_index(drop=True)
        heads = heads.infer_objects()  # (object keys typed, as a groupby's index types them)
        return pd.concat([heads, means.reset_index(drop=True)], axis=1)
    else:
        last = results[results["month"] == results.groupby("run_id")["month"].transform("max")]
        out = last.set_index(keys)[names].sort_index()
        # a measure given in the intake months only: its last intake's
        sparse = [c for c in metrics.AT_INTAKE if c in names]
        if sparse:
            given = results[results["month"] >= 1].sort_values("month", kind="stable")
            out[sparse] = given.groupby(keys, dropna=False)[sparse].last().reindex(out.index)
    return out.reset_index()


# the columns that name a breakdown's rows (its measures: metrics.BREAKDOWN_MEASURES)
BREAKDOWN_KEYS = {
    "cell": ["sector", "region"],
    "transitions": ["from_status", "to_status"],
    "region_transitions": ["region", "from_status", "to_status"],
    "region": ["region"],
    "sector": ["sector"],
    "cohort": ["cohort"],
}


def _rows_of(results: pd.DataFrame) -> list[str]:
    """The columns naming a row of ``results`` within a run and month: none for the
    metrics table, the region (sector, cohort; sector and region) for a breakdown."""
    kind = breakdown(results)
    return [] if kind is None else BREAKDOWN_KEYS[kind]


def _catalogue_measures(results: pd.DataFrame) -> list[str]:
    """The catalogue's measures of ``results``, in its order: the metrics, or the
    breakdown's."""
    kind = breakdown(results)
    names = metrics.NAMES if kind is None else metrics.BREAKDOWN_MEASURES[kind]
    return [m for m in names if m in results.columns]


def _measures(results: pd.DataFrame) -> list[str]:
    """The measures of ``results``: the catalogue's (``_catalogue_measures``), then any
    numeric column an analyst added (``results["apprentice_share"] = ...``, in column
    order): none of the keys, the month, a breakdown's rows or ``urban``, nor a design
    parameter (``_groups``: named by ``load``'s ``attrs``, or, where they are gone, a
    column of one value a run)."""
    names = _catalogue_measures(results)
    known = {*RUN_KEYS, "month", "urban", *_rows_of(results), *names}
    rest = [
        c
        for c in results.columns
        if c not in known
        and pd.api.types.is_numeric_dtype(results[c])
        and not pd.api.types.is_bool_dtype(results[c])
    ]
    if rest:
        params = set(_groups(results))
        names += [c for c in rest if c not in params]
    return names


def _compared(results: pd.DataFrame) -> list[str]:
    """The measures ``effects`` compares when none are named: ``_measures``, less the
    added columns that are no month-by-month measure: one value a run (an id, a
    constant, a run's total: named, they are compared all the same) or no value at
    all."""
    names = _measures(results)
    added = [n for n in names if n not in set(_catalogue_measures(results))]
    if not added:
        return names
    values = results[added]
    empty = values.isna().all()
    if "run_id" in results.columns:
        spread = values.groupby(results["run_id"], sort=False).nunique()
        flat = (spread <= 1).all()
    else:
        flat = pd.Series(False, index=added)
    left_out = {c for c in added if empty[c] or flat[c]}
    return [n for n in names if n not in left_out]


# what one row of each breakdown is (``load(path, table=...)``)
BREAKDOWN_ROWS = {
    "cell": "sector and region",
    "transitions": "pair of statuses (at the month's start and end)",
    "region_transitions": "region and pair of statuses (at the month's start and end)",
    "region": "region",
    "sector": "sector",
    "cohort": "cohort",
}


def breakdown(results: pd.DataFrame) -> str | None:
    """The breakdown a table of ``load`` is ("region", "sector", "cohort", "cell",
    "transitions", "region_transitions"), or None for the metrics table (one row per run and month): as
    ``load`` recorded it, else by its columns."""
    table = results.attrs.get("skillsim", {}).get("table", "metrics")
    if table in BREAKDOWN_ROWS:
        return table
    if {"from_status", "to_status"} <= set(results.columns):
        return "region_transitions" if "region" in results.columns else "transitions"
    if {"sector", "region"} <= set(results.columns):
        return "cell"
    return next((c for c in ("region", "sector", "cohort") if c in results.columns), None)


def _need_metrics_table(results: pd.DataFrame, what: str) -> None:
    """``what`` (a sensitivity analysis) takes whole runs, from the metrics table: a
    breakdown's rows (a region's, a sector's) would be averaged as if they were runs'
    months."""
    kind = breakdown(results)
    if kind is not None:
        raise ValueError(
            f"this is the {kind} breakdown, one row per {BREAKDOWN_ROWS[kind]} and month: "
            f"{what} is of whole runs (allowed: analysis.load(path), the metrics table)"
        )


def need_runs_once(
    results: pd.DataFrame, what: str, texts: dict[str, pd.Index] | None = None
) -> None:
    """One row per run and month in a metrics table (per run, month and region,
    sector... in a breakdown): two tables with the same run ids (``pd.concat`` of two
    sweeps run from one root seed) would be averaged run by run as if they were one.
    Raises ``ValueError`` naming a repeated run (of a ``_coded_keys`` table, by the
    ``texts`` of its run ids)."""
    if "run_id" not in results.columns or "month" not in results.columns:
        return
    repeated = results.duplicated(["run_id", "month", *_rows_of(results)])
    if repeated.any():
        row = _decoded(results[repeated].iloc[:1], texts or {}).iloc[0]
        raise ValueError(
            f"{what}: run {row['run_id']!r} has more than one row for month {row['month']}: "
            "these are the tables of two sweeps (or folders) with the same run ids, e.g. "
            "pd.concat of two analysis.load results, and their runs would be mixed; "
            "compare each sweep on its own (or, to pool the seeds of sweeps run from "
            "different root seeds, make their run ids differ first, e.g. "
            "results['run_id'] += '@b' on one)"
        )


# -------------------------------------------------------------------- effects


def effects(
    results: pd.DataFrame | str | Path,
    baseline_policy: str | None = None,
    metric_names: str | Sequence[str] | None = None,
    summary: str = "mean",
    confidence: float = 0.95,
    months: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Paired policy effects, per scenario, policy (and design point) and metric,
    against ``baseline_policy``: by default the sweep's own (its experiment's
    ``baseline_policy``, as ``skillsim effects`` and the report take it), "none" for
    results that do not say. The table's ``attrs["skillsim"]["baseline_policy"]`` names
    it, and the figures of ``simulation.plots`` take it from there.

    Columns: scenario, policy, point and parameters, metric, unit, n (paired seeds),
    baseline_mean, policy_mean, effect (mean paired difference, policy - baseline),
    ci_low and ci_high (t interval of the paired differences; a catalogue metric's cut to
    where its difference can be, within ±1 for a share), unpaired_ci_low and
    unpaired_ci_high (Welch interval of the two samples, for comparison).

    ``metric_names`` (a name or a list) keeps to those metrics; by default every metric of
    the results and the cost row.

    Of a breakdown (``load(path, table="region")``, "sector", "cohort", "cell",
    "transitions", "region_transitions"): who gains. The effects on its columns, one
    row per region (sector, cohort, sector and region, pair of statuses, region and
    pair) as well: each run's region against the baseline run's same region, same
    seed (no cost row). A group whose value is undefined in some runs (no one there)
    has its n counted over the others.

    The row ``cost_per_additional_employed_yuan`` is extra public spending over extra
    workers in employment (employed + apprentices), both as means over the summary
    months: yuan per additional worker-month, with Fieller's interval for a ratio of
    paired means. It is left empty (NaN) unless the employment effect is clearly
    positive (its interval above zero); its baseline_mean and policy_mean are always
    NaN (a ratio of two differences has no level under either policy).

    With ``summary="mean"`` the two runs of a pair are averaged over the same months:
    a month where a rate is undefined (NaN: no completions yet, say) in either run is
    left out of both means, so that a policy that makes a rate defined sooner is not
    compared with a baseline averaged over fewer, later months.

    An effect from one seed (n = 1) has no interval: ci_low and ci_high are NaN.

    ``months`` = (first, last) summarises the policy months first..last only (``mean``;
    ``final``: month last), e.g. past a policy's first contract length, where a
    12-month rate such as the apprenticeship completion rate counts its new contracts'
    early ends before any of them can complete; ``attrs["skillsim"]["months"]`` keeps it,
    as ``summary`` and ``confidence`` the others (the figures' notes say them).

    Raises ``ValueError`` when there is nothing to compare: no finished runs, none of
    the baseline policy, none of any other policy, or none that a baseline run of the
    same scenario, design point and seed pairs with.
    """
    results, baseline_policy = _compared_against(results, baseline_policy, confidence)
    _warn_if_run_covariates(results)
    window = {} if months is None else {"months": list(months_used(results, months))}
    results = in_months(results, months)
    # (the pairing's merges and groupings on whole numbers, not on text: _coded_keys)
    coded, texts = _coded_keys(results)
    need_runs_once(coded, "these results", texts)
    coded_runs = _summary(coded, summary)
    runs = _decoded(coded_runs, texts)
    policies = sorted(set(runs["policy"]))
    if not policies:
        raise ValueError("no finished runs in these results")
    if baseline_policy not in policies:
        raise ValueError(
            f"baseline policy {baseline_policy!r} is not in these results (policies with "
            f"finished runs: {', '.join(policies)}): take another as the baseline, "
            "baseline_policy='NAME' (skillsim effects --baseline NAME)"
        )
    if len(policies) == 1:
        raise ValueError(
            f"no policy besides the baseline {baseline_policy!r} has finished runs in these "
            "results, so there is nothing to compare it with"
        )
    names = _metric_names(metric_names, results)  # (of the months: runs hold one row a run)
    asked = metric_names is not None and COST_METRIC in (
        [metric_names] if isinstance(metric_names, str) else metric_names
    )
    lacking = [c for c in _COST_INPUTS if c not in runs.columns]
    if asked and lacking:
        raise ValueError(
            f"{COST_METRIC} needs the columns {', '.join(_COST_INPUTS)}; these results "
            f"lack {', '.join(lacking)}"
        )
    # (without its inputs, no cost row: empty, it read as "employment not clearly up")
    with_cost = breakdown(results) is None and not lacking and (metric_names is None or asked)
    rows_of = _rows_of(results)  # a breakdown's: each region (sector, ...) paired on its own
    groups = [*_groups(results), *rows_of]
    pair_on = ["scenario", "point", "seed", *rows_of]
    wanted = dict.fromkeys([*names, *(c for c in _COST_INPUTS if c in runs.columns)])
    base = runs[runs["policy"] == baseline_policy][[*pair_on, *wanted]]
    _need_one_each(runs, [*groups, "seed"])
    if summary == "mean":
        baseline_code = _code_of(texts, "policy", baseline_policy)
        pairs = _month_pairs(coded, baseline_code, pair_on, list(wanted), coded_runs)
        pairs = _decoded(pairs, texts)
    else:
        others = runs[runs["policy"] != baseline_policy]
        pairs = others.merge(base, on=pair_on, how="inner", suffixes=("", "__base"))
    rows = []
    paired = len(pairs)
    # each group's pairs (in the order of its first), as arrays: a pandas group by group
    # took a third of a breakdown's effects (50,000 groups)
    group, _ = pd.factorize(_row_keys(pairs, groups))
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0]) if paired else []
    ends = [*starts[1:], paired] if paired else []
    heads = pairs[groups].iloc[order[starts]].to_dict("records")
    columns = {c: pairs[c].to_numpy(float)[order] for c in (*names, *(f"{n}__base" for n in names))}
    cost_inputs = [c for c in pairs.columns if c.removesuffix("__base") in _COST_INPUTS]
    for head, lo, hi in zip(heads, starts, ends, strict=True):
        for name in names:
            a, b = columns[name][lo:hi], columns[f"{name}__base"][lo:hi]
            ok = ~(np.isnan(a) | np.isnan(b))
            rows.append({**head, **_paired(name, a[ok], b[ok], confidence)})
        if with_cost:
            joined = pairs[cost_inputs].iloc[order[lo:hi]]
            rows.append({**head, **_cost(joined, confidence)})
    if paired == 0:

        def runs_of(which: pd.DataFrame) -> str:
            keys = which[["scenario", "point", "seed"]].drop_duplicates().head(3)
            return "; ".join(
                f"{r.scenario}, point {r.point}, seed {r.seed}" for r in keys.itertuples()
            )

        others = runs[runs["policy"] != baseline_policy]
        raise ValueError(
            f"no run of a policy has a run of the baseline {baseline_policy!r} of the same "
            "scenario, design point and seed to pair with, so there is nothing to compare "
            f"(the baseline's runs: {runs_of(base)}; the others': {runs_of(others)}): run "
            "the policies and the baseline with the same seeds, as a sweep does"
        )
    out = _in_experiment_order(pd.DataFrame(rows), results)
    out.attrs["skillsim"] = (
        {"baseline_policy": baseline_policy, "summary": summary, "confidence": confidence}
        | _source_of(results)
        | window
    )
    return out


def _compared_against(
    results: pd.DataFrame | str | Path, baseline_policy: str | None, confidence: float
) -> tuple[pd.DataFrame, str]:
    """The results to compare (loaded, given a sweep folder) and the baseline policy
    (the results' own by default), the confidence checked."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, e.g. 0.95 (got {confidence!r})")
    if not isinstance(results, pd.DataFrame):
        results = load(results)
    return results, baseline_of(results) if baseline_policy is None else baseline_policy


def _coded_keys(results: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.Index]]:
    """``results`` with its text key columns (scenario, policy, run_id, a breakdown's
    region or statuses...) as whole numbers in the texts' sorted order, NaN last, and
    each column's texts (``_decoded`` puts them back). Sorted and grouped by the codes,
    rows come in the order the texts give. A breakdown's pairing merged and grouped
    millions of rows on text: region_transitions' effects of a 225-run sweep took 34 s
    and 8.7 GB."""
    keys = [*_groups(results), "replicate", "seed", "run_id", *_rows_of(results)]
    coded = results.copy(deep=False)
    texts = {}
    for column in dict.fromkeys(k for k in keys if k in results.columns):
        values = results[column]
        text = pd.api.types.is_string_dtype(values.dtype)
        if values.dtype == object:
            text = pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")
        if not text:
            continue
        codes, uniques = pd.factorize(values, sort=True)
        if not len(uniques):  # (no text at all: nothing to gain)
            continue
        coded[column] = np.where(codes < 0, len(uniques), codes)
        texts[column] = uniques
    coded.attrs = {**results.attrs}
    return coded, texts


def _code_of(texts: dict[str, pd.Index], column: str, value: Any) -> Any:
    """``value``'s code in ``column`` of a ``_coded_keys`` table (-1 for a text that is
    not there; the value itself in a column that was not coded)."""
    if column not in texts:
        return value
    return int(texts[column].get_indexer([value])[0])


def _decoded(table: pd.DataFrame, texts: dict[str, pd.Index]) -> pd.DataFrame:
    """``table`` (made from a ``_coded_keys`` table) with its coded columns as text
    again, of the dtype they had."""
    out = table.copy(deep=False)
    for column, uniques in texts.items():
        if column not in out.columns:
            continue
        codes = out[column].to_numpy()
        given = codes < len(uniques)
        values = uniques.take(np.where(given, codes, 0))
        out[column] = pd.Series(values, index=out.index).where(given)
    return out


def _source_of(frame: pd.DataFrame) -> dict[str, Any]:
    """What a derived table keeps of ``frame``'s ``attrs["skillsim"]``, so that its
    figures say it too: the source (``source``) and the design parameters' settings
    (``paths``, which name the parameters in Chinese); empty if it has neither."""
    info = frame.attrs.get("skillsim", {})
    return {k: info[k] for k in ("source", "paths") if info.get(k)}


def _in_experiment_order(table: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """``table``'s rows with scenarios and policies in the sweep's experiment order
    (``load``'s ``attrs``), then by design point, then a breakdown's sectors and regions
    as its scenarios list them (pooled, ``pool_regions``' urban before rural), others
    after them; as they were without it (a stable sort)."""
    order = results.attrs.get("skillsim", {}).get("order")
    if not order or table.empty:
        return table

    def ranked(column: str) -> np.ndarray:
        names = [*(order.get(column) or []), *(("urban", "rural") if column == "region" else ())]
        rank = {name: i for i, name in enumerate(dict.fromkeys(names))}
        return table[column].map(lambda v: rank.get(v, len(rank))).to_numpy()

    keys = [ranked("scenario"), ranked("policy")]
    rows = [c for c in _rows_of(results) if c in ("sector", "region") and c in table.columns]
    if rows and "point" in table.columns:
        keys.append(table["point"].to_numpy())
    keys += [ranked(c) for c in rows]
    at = np.lexsort(list(reversed(keys)))
    return table.iloc[at].reset_index(drop=True)


def _month_pairs(
    results: pd.DataFrame,
    baseline_policy: Any,
    pair_on: list[str],
    names: list[str],
    runs: pd.DataFrame,
) -> pd.DataFrame:
    """Each run of a policy other than ``baseline_policy`` beside the baseline run it
    pairs with (the same ``pair_on``: scenario, design point, seed, a breakdown's row),
    one row each: its keys, then each of ``names`` averaged over months 1..M in both
    runs (``name`` and ``name__base``). A month where both runs have a row and one of
    them leaves the measure undefined (NaN: no one to count) is left out of both means,
    so that the two means of a pair cover the same months; a month where only one run
    has a row (an entry cohort with no members yet in the other) counts for that run
    alone, as in ``summarise``. A mean with no month left out is ``runs``' (``summarise``
    of ``results``, whose rows are its runs' rows in order), bit for bit; the others are
    taken again without those months. Rows come in ``summarise``'s order.

    Done on arrays with one whole number a row (``_row_keys``): merges of the frames
    copied a breakdown's millions of rows many times over (region_transitions' effects
    of a 225-run sweep took 34 s and 8.7 GB)."""
    rows = _rows_of(results)
    keys = [c for c in (*_groups(results), "replicate", "seed", "run_id", *rows) if c in results]
    # (the months 1..M as arrays: a copy of the table's months was a third of the memory)
    kept_rows = np.flatnonzero(results["month"].to_numpy() >= 1)
    month = results["month"].to_numpy(np.int64)[kept_rows]
    span = int(month.max()) + 1 if len(month) else 1
    is_base = (results["policy"] == baseline_policy).to_numpy()[kept_rows]
    run_row = _row_keys(results, keys)[kept_rows]  # a run's row, in summarise's order
    pair_row = _row_keys(results, pair_on)[kept_rows]  # the same row of the runs paired with it
    every = np.unique(run_row)  # (runs' rows, in order)
    if len(every) != len(runs):
        raise ValueError("the runs' summary does not match their months")
    means = runs[names].to_numpy(float)
    values = results[names].to_numpy(float)[kept_rows]
    own, pair, when, mine = run_row[~is_base], pair_row[~is_base], month[~is_base], values[~is_base]
    base_run, base_pair = run_row[is_base], pair_row[is_base]
    base_when, theirs = month[is_base], values[is_base]
    del values, run_row, pair_row, month  # (the split copies are what is used now)
    # each policy run's row beside its baseline run's of the same month (-1: none)
    base_at = pd.Index(base_pair * span + base_when)
    if not base_at.is_unique:
        raise ValueError("a baseline run's row comes twice in a month: results of two sweeps?")
    at = base_at.get_indexer(pair * span + when)
    # the policy runs' rows (in order), and the baseline run's row each pairs with
    ours, first = np.unique(own, return_index=True)
    base_of = pd.Series(base_run, index=base_pair)
    base_of = base_of[~base_of.index.duplicated()]
    partner = base_of.reindex(pair[first]).to_numpy()
    kept = ~np.isnan(partner)  # (a row the baseline runs do not have: no pair)
    ours, first, partner = ours[kept], first[kept], partner[kept].astype(np.int64)
    if not kept.all():  # (their months too: else counted in the next pair's group)
        paired_rows = np.isin(own, ours)
        own, when, mine, at = (
            own[paired_rows],
            when[paired_rows],
            mine[paired_rows],
            at[paired_rows],
        )
    # the baseline run's months of each pair, in its order, beside the policy run's
    order = np.flatnonzero(np.isin(base_run, partner))
    order = order[np.argsort(base_run[order], kind="stable")]
    lo = np.searchsorted(base_run[order], partner, side="left")
    count = np.searchsorted(base_run[order], partner, side="right") - lo
    each = np.repeat(np.arange(len(ours)), count)
    step = np.arange(len(each)) - np.repeat(np.cumsum(count) - count, count)
    paired = order[np.repeat(lo, count) + step]
    back = pd.Index(own * span + when).get_indexer(ours[each] * span + base_when[paired])

    def masked(own_values, own_rows, other_values, there, groups, summary):
        # (a run's means: ``summary``'s, or, where a month's value is left out because
        # the other run's row of that month is there and its value undefined, the mean
        # without those months, each group's rows in their order. Row i's values are
        # own_values[own_rows[i]], or own_values[i] without own_rows: column by column,
        # no copy of all of them)
        gone = np.zeros((len(there), len(names)), dtype=bool)
        present = there >= 0
        for c in range(len(names)):
            value = own_values[:, c] if own_rows is None else own_values[own_rows, c]
            undefined = np.isnan(other_values[:, c])[np.maximum(there, 0)]
            gone[:, c] = present & undefined & ~np.isnan(value)
        result = summary.copy()
        hit_rows, hit_columns = np.nonzero(gone)
        if not len(hit_rows):
            return result
        at_group = np.searchsorted(ours, groups)
        again = np.flatnonzero(np.isin(at_group, at_group[hit_rows]))
        out = own_values[again if own_rows is None else own_rows[again]]  # (a copy)
        out[gone[again]] = np.nan
        redone = pd.DataFrame(out).groupby(at_group[again], sort=True).mean()
        hit = np.zeros(result.shape, dtype=bool)
        hit[at_group[hit_rows], hit_columns] = True
        where = redone.index.to_numpy()
        result[where] = np.where(hit[where], redone.to_numpy(), result[where])
        return result

    policy_means = masked(mine, None, theirs, at, own, means[np.searchsorted(every, ours)])
    base_means = masked(
        theirs, paired, mine, back, ours[each], means[np.searchsorted(every, partner)]
    )
    heads = results[keys].iloc[kept_rows[np.flatnonzero(~is_base)[first]]]
    heads = heads.reset_index(drop=True)
    based = [f"{n}__base" for n in names]
    return pd.concat(
        [
            heads,
            pd.DataFrame(policy_means, columns=names),
            pd.DataFrame(base_means, columns=based),
        ],
        axis=1,
    )


def _row_keys(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """One whole number a row of ``frame``, the same for rows with the same values in
    ``columns`` (NaN the same as NaN, as merges match them), and in the order
    ``groupby(columns, sort=True, dropna=False)`` puts them: by the first column's
    values, then the second's, ..., NaN after the values."""
    key = np.zeros(len(frame), dtype=np.int64)
    size = 1
    for column in columns:
        codes, uniques = pd.factorize(frame[column], sort=True)
        n = len(uniques) + 1
        if size * n >= 2**62:  # (renumbered in order, the key stays small)
            key, kept = pd.factorize(key, sort=True)
            size = len(kept)
        key *= n  # (in place: no new arrays of every row)
        key += codes
        key[codes < 0] += n  # (NaN after the values)
        size *= n
    return key


def baseline_of(table: pd.DataFrame) -> str:
    """The baseline policy a results or effects table names (its experiment's, or the
    one its effects were taken against), "none" where it names none."""
    return table.attrs.get("skillsim", {}).get("baseline_policy", "none")


# what ``effects`` gives for each row besides its keys (scenario, policy, point...)
EFFECT_COLUMNS = (
    "metric",
    "unit",
    "n",
    "baseline_mean",
    "policy_mean",
    "effect",
    "ci_low",
    "ci_high",
    "unpaired_ci_low",
    "unpaired_ci_high",
)


def effects_table(
    effects: pd.DataFrame, metric_names: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """``effects`` to read: one row per scenario and policy (and design point, region,
    ...), one column per metric (``metric_names``, in that order; default: all), each
    cell the effect and its interval, "-0.21 [-0.35, -0.07]", as ``skillsim effects``
    prints it: shares in percentage points, a column's unit in its name."""
    if isinstance(metric_names, str):
        metric_names = [metric_names]
    names = list(metric_names or dict.fromkeys(effects["metric"]))
    missing = [n for n in names if n not in set(effects["metric"])]
    if missing:
        raise ValueError(
            f"no effects of {missing[0]!r} in this table (its metrics: "
            f"{', '.join(dict.fromkeys(effects['metric']))})"
        )
    keys = [c for c in effects.columns if c not in EFFECT_COLUMNS]
    keys = [k for k in keys if k != "point" or effects["point"].nunique() > 1]
    units = dict(zip(effects["metric"], effects["unit"], strict=False))
    rows = []
    for key, grp in effects[effects["metric"].isin(names)].groupby(keys, sort=False):
        by_metric = grp.set_index("metric")
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        for n in names:
            column = _headed(n, units[n])
            there = n in by_metric.index
            row[column] = effect_words(n, units[n], by_metric.loc[n]) if there else ""
        rows.append(row)
    return pd.DataFrame(rows).set_index(keys)


def unemployment_fell(effects: pd.DataFrame, where: Mapping[str, Any]) -> bool:
    """Whether the unemployment-rate effect in ``effects`` at ``where`` (column -> value:
    the policy, the scenario, the design point, ...) is clearly below zero (its
    interval's upper end is). Where it is not, a cost per additional worker in
    employment is not a cost of jobs created: the extra workers came mostly from outside
    the labour force (fewer in training or education, say)."""
    rows = _at(effects, where)
    rows = rows[rows["metric"] == "unemployment_rate"]
    return bool(len(rows)) and float(rows["ci_high"].iloc[0]) < 0


def _at(effects: pd.DataFrame, where: Mapping[str, Any]) -> pd.DataFrame:
    """The rows of ``effects`` at ``where`` (column -> value)."""
    for column, value in where.items():
        effects = effects[effects[column] == value]
    return effects


def mostly_from_unemployment(effects: pd.DataFrame, where: Mapping[str, Any]) -> bool:
    """Whether the extra workers in employment at ``where`` came mostly out of
    unemployment: the unemployment rate clearly fell (``unemployment_fell``), and the
    number unemployed fell by at least half the rise in workers in employment (employed
    plus apprentices; the mean paired effects, where ``effects`` has those metrics).
    Where not, a cost per additional worker in employment is not a cost of jobs for the
    unemployed: the fall in unemployment can be clear and still a tenth of the rise in
    employment (an outside review: the subsidy under rural revitalization), the rest
    coming from outside the labour force (fewer in training or education, say)."""
    if not unemployment_fell(effects, where):
        return False
    effect = _at(effects, where).set_index("metric")["effect"]
    if any(m not in effect.index for m in ("unemployed", "employed", "apprentices")):
        return True  # (the rate's test alone)
    rise = float(effect["employed"] + effect["apprentices"])
    return rise <= 0 or -float(effect["unemployed"]) >= 0.5 * rise


def shown_unit(unit: str) -> str:
    """The unit an effect is shown in: percentage points (pp) for a share ("pp per
    month" for a share per month)."""
    return "pp" + unit[len("share") :] if unit.startswith("share") else unit


def _headed(name: str, unit: str) -> str:
    """A column's heading: the measure and the unit its effects are shown in (none for
    a column an analyst added, which has no unit)."""
    shown = shown_unit(unit)
    return f"{name} ({shown})" if shown else name


def effect_words(name: str, unit: str, row: Any, sep: str = " ") -> str:
    """An effect (``row``: one row of ``effects``) in words: the estimate, ``sep``, its
    interval in brackets ("-" where there is none)."""
    est, lo, hi = row["effect"], row["ci_low"], row["ci_high"]
    if name == COST_METRIC:
        if isinstance(est, float) and math.isnan(est):
            return "-"
        # (signed bounds, as the report's: "[40,766, 78,686]" ran the numbers together)
        return f"{est:,.0f}" + ("" if math.isnan(lo) else f"{sep}[{lo:+,.0f}, {hi:+,.0f}]")
    places = effect_decimals(name, est, lo, hi)
    words = [_number(v, unit, places) for v in (est, lo, hi)]
    return f"{words[0]}{sep}[{words[1]}, {words[2]}]"


def effect_decimals(name: str, est: float, lo: float, hi: float) -> int:
    """Decimals to show an effect and its interval with (in the shown unit: percentage
    points for a share): the unit's usual ones, more (up to four more) where the
    interval is narrower than they show (two significant digits of its half-width), or
    where it stops short of zero closer than they show, or just crosses it (a bound
    would read as 0.00, without its sign, while it is not zero)."""
    unit = i18n.catalogue_unit(name)
    k = 100.0 if unit.startswith("share") else 1.0
    usual = usual_places(unit, est)
    need = usual
    if math.isfinite(lo) and math.isfinite(hi) and hi > lo:
        need = max(need, 1 - math.floor(math.log10((hi - lo) / 2 * k)))
        if lo > 0 or hi < 0:
            need = max(need, -math.floor(math.log10(min(abs(lo), abs(hi)) * k)))
        for bound in (lo, hi):
            if bound != 0 and abs(bound) * k < 0.5 * 10.0**-need:
                need = max(need, -math.floor(math.log10(abs(bound) * k)))
    return min(need, usual + 4)


def usual_places(unit: str, x: float) -> int:
    """The decimals a value of ``unit`` is shown with (``x`` as stored: a share's
    percentage points, an index's four places, a count of 100 or more whole)."""
    return 4 if unit.startswith("index") else 0 if abs(x) >= 100 else 2


def format_number(x: float, places: int, signed: bool = True, k: float = 1.0) -> str:
    """``k`` times ``x`` with ``places`` decimals and thousands separators, signed if
    asked; a value that rounds to zero has no sign ("-0.00" reads as less than zero)."""
    words = f"{k * x:{'+' if signed else ''},.{places}f}"
    return f"{0:.{places}f}" if float(words.replace(",", "")) == 0 else words


def _number(x: float, unit: str, places: int | None = None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    places = usual_places(unit, x) if places is None else places
    return format_number(x, places, k=100.0 if unit.startswith("share") else 1.0)


def _need_one_each(runs: pd.DataFrame, keys: list[str]) -> None:
    """Pairs are one policy run and one baseline run of a scenario, point and seed: a
    seed run twice (results of two sweeps put together under other run ids) would
    pair every run with every other."""
    twice = runs.duplicated(keys)
    if twice.any():
        row = runs[twice].iloc[0]
        said = ", ".join(f"{k} {row[k]}" for k in keys)
        raise ValueError(
            f"more than one run of {said}: runs are paired by scenario, design point and "
            "seed, so each must be there once (results of two sweeps put together? "
            "compare each sweep on its own)"
        )


def _metric_names(wanted: str | Sequence[str] | None, results: pd.DataFrame) -> list[str]:
    """The measures to compare: ``wanted`` (a name or a list; the cost row,
    ``COST_METRIC``, is not a column and comes only if named), or every measure of the
    results (``_measures``: the catalogue's and any an analyst added)."""
    present = _measures(results)
    if wanted is None:
        return _compared(results)
    if isinstance(wanted, str):
        wanted = [wanted]
    wanted = list(dict.fromkeys(wanted))  # (a name given twice: one row)
    if not wanted:
        raise ValueError(
            "metric_names names no metric: name one or more (`skillsim list metrics`), or "
            "leave it out (None) for every metric"
        )
    kind = breakdown(results)
    names = [n for n in wanted if kind is not None or n != COST_METRIC]  # (made apart)
    unknown = [n for n in names if n not in present]
    if unknown:
        allowed = (
            f"the catalogue's metrics in these results, `skillsim list metrics`, a numeric "
            f"column you added (not one of one value a run: a design parameter), and "
            f"{COST_METRIC}"
            if kind is None
            else f"the {kind} breakdown's columns: {', '.join(present)}"
        )
        close = difflib.get_close_matches(unknown[0], [*present, COST_METRIC], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"unknown metric {unknown[0]!r} in metric_names{hint} (allowed: {allowed})"
        )
    return names


def _unit(name: str) -> str:
    """A measure's unit: the catalogue's, a breakdown column's, or a comparative one's."""
    return i18n.catalogue_unit(name) or {m.name: m.unit for m in metrics.COMPARATIVE}.get(name, "")


def _t_quantile(confidence: float, dof: float) -> float:
    """The two-sided ``confidence`` quantile of Student's t at ``dof`` degrees of
    freedom: ``scipy.stats.t.ppf(0.5 + confidence / 2, dof)``'s own number, from the
    function it calls (``scipy.special.stdtrit``) without the distribution's argument
    handling, which took a seventh of a breakdown's effects (50,000 groups) in
    ``ppf``'s checks alone. Whole degrees of freedom (a paired interval's) are looked up
    once (``_whole_quantile``)."""
    if float(dof).is_integer():
        return _whole_quantile(confidence, int(dof))
    from scipy.special import stdtrit

    return stdtrit(dof, 0.5 + confidence / 2)


@functools.lru_cache(maxsize=256)
def _whole_quantile(confidence: float, dof: int) -> float:
    from scipy.special import stdtrit

    return stdtrit(float(dof), 0.5 + confidence / 2)


def _t_interval(mean: float, sd: float, n: int, confidence: float) -> tuple[float, float]:
    if n < 2 or not np.isfinite(sd):
        return (math.nan, math.nan)
    half = _t_quantile(confidence, n - 1) * sd / math.sqrt(n)
    return (mean - half, mean + half)


def _paired(name: str, a: np.ndarray, b: np.ndarray, confidence: float) -> dict:
    n = len(a)
    d = a - b
    mean = float(d.mean()) if n else math.nan
    sd = float(d.std(ddof=1)) if n > 1 else math.nan
    lo, hi = _difference_bounds(name, *_t_interval(mean, sd, n, confidence))
    ulo, uhi = _difference_bounds(name, *_welch(a, b, confidence))
    return {
        "metric": name,
        "unit": _unit(name),
        "n": n,
        "baseline_mean": float(b.mean()) if n else math.nan,
        "policy_mean": float(a.mean()) if n else math.nan,
        "effect": mean,
        "ci_low": lo,
        "ci_high": hi,
        "unpaired_ci_low": ulo,
        "unpaired_ci_high": uhi,
    }


def _difference_bounds(name: str, lo: float, hi: float) -> tuple[float, float]:
    """An interval of a difference of a catalogue metric's values cut to where such a
    difference can be (``metrics.Metric.bounds``: a share's lies within -1 and +1; the
    interval's coverage is unchanged). Two seeds' t interval spans 12.7 standard errors
    either side, and reached -128 percentage points of a completion rate (an outside
    review)."""
    metric = metrics.BY_NAME.get(name)
    if metric is None:
        return lo, hi
    low, high = metric.bounds
    span = high - low
    if not math.isfinite(span):
        return lo, hi
    return max(lo, -span), min(hi, span)


def _welch(a: np.ndarray, b: np.ndarray, confidence: float) -> tuple[float, float]:
    n1, n2 = len(a), len(b)
    if n1 < 2 or n2 < 2:
        return (math.nan, math.nan)
    v1, v2 = a.var(ddof=1) / n1, b.var(ddof=1) / n2
    se = math.sqrt(v1 + v2)
    diff = float(a.mean() - b.mean())
    if se == 0:
        return (diff, diff)
    dof = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    half = _t_quantile(confidence, dof) * se
    return (diff - half, diff + half)


def _cost(joined: pd.DataFrame, confidence: float) -> dict:
    """Ratio of mean paired extra spending to mean paired extra employment, Fieller CI.

    Given only where the employment effect is clearly positive (its t interval above
    zero, which is also when Fieller's interval is bounded): a ratio to an effect
    that may be zero is no estimate."""
    row: dict[str, Any] = {"metric": COST_METRIC, "unit": _unit(COST_METRIC), "n": 0}
    row.update(
        dict.fromkeys(("baseline_mean", "policy_mean", "effect", "ci_low", "ci_high"), math.nan)
    )
    if any(c not in joined for c in _COST_INPUTS):
        return row
    x = (joined["spending_total_yuan"] - joined["spending_total_yuan__base"]).to_numpy(float)
    y = (
        (joined["employed"] - joined["employed__base"])
        + (joined["apprentices"] - joined["apprentices__base"])
    ).to_numpy(float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = len(x)
    row["n"] = n
    if n < 2:
        return row
    a, b = float(x.mean()), float(y.mean())
    t = _t_quantile(confidence, n - 1)
    v11, v22 = x.var(ddof=1) / n, y.var(ddof=1) / n
    v12 = float(np.cov(x, y, ddof=1)[0, 1]) / n
    qa = b * b - t * t * v22
    if b <= 0 or qa <= 0:  # employment effect not clearly above zero
        return row
    qb = a * b - t * t * v12
    qc = a * a - t * t * v11
    disc = max(qb * qb - qa * qc, 0.0)
    row.update(
        effect=a / b,
        ci_low=(qb - math.sqrt(disc)) / qa,
        ci_high=(qb + math.sqrt(disc)) / qa,
    )
    return row


# ------------------------------------------------------- a policy and its parts


# the measures a combination of policies is set against its parts on, unless asked for
# others (the report's section and `skillsim effects --parts`): what a policy does for
# jobs, apprenticeships and spending; not the cost per additional worker, a ratio that
# parts do not add up to
PARTS_METRICS = (
    "unemployment_rate",
    "youth_unemployment_rate",
    "employment_rate",
    "apprenticeship_starts",
    "spending_total_yuan",
)
# combinations from which a sweep is a matrix of pairs (the report draws them as one, and
# `effects --parts` says how to read many): each counts the same status quo's runs, so
# their differences' errors move together
MANY_PAIRS = 3


def _lever_same(a: Any, b: Any) -> bool:
    """Two settings of a lever equal (floats to 1e-12 of each other)."""
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, int | float)
            and isinstance(b, int | float)
            and math.isclose(a, b, rel_tol=1e-12)
        )
    return a == b


def sweep_manifest(path: str | Path) -> dict[str, Any]:
    """A sweep folder's manifest (or, given its runs/ folder, the sweep's, as ``load``
    takes it); a folder without one is a ``ValueError``."""
    path = Path(path)
    found = _manifest(path)
    if found is None and path.name == "runs":  # (a sweep's runs: the sweep's, as load)
        above = _manifest(path.parent)
        found = above if above is not None and above.get("kind") == "sweep" else None
    if found is None:
        raise ValueError(
            f"{path}: no manifest.json to read its policies from (allowed: a sweep "
            "folder, written by `skillsim sweep`)"
        )
    return found


def changed_levers(manifest: Mapping[str, Any] | str | Path) -> dict[str, dict[str, Any]] | None:
    """Each of a sweep's policies' levers set otherwise than in the status quo (as
    resolved in its manifest: its ``status_quo``, or the policy "none"), by their dotted
    paths; an empty dict for a policy that changes none. None where the manifest has
    no status quo to tell by. ``manifest`` is a sweep's (or the sweep folder, or its
    runs/ as ``load`` takes it: a folder without a manifest is a ``ValueError``)."""
    from simulation.config import leaves

    if not isinstance(manifest, Mapping):
        manifest = sweep_manifest(manifest)
    policies = manifest.get("policies") or {}
    base = manifest.get("status_quo") or policies.get("none")
    if base is None:
        return None

    def levers(policy: Mapping[str, Any]) -> dict[str, Any]:  # (not its name and words)
        return {
            k: v
            for k, v in leaves(dict(policy)).items()
            if k not in ("name", "description", "extends")
        }

    quo = levers(base)
    missing = object()
    return {
        name: {k: v for k, v in levers(p).items() if not _lever_same(quo.get(k, missing), v)}
        for name, p in policies.items()
    }


def policy_parts(manifest: Mapping[str, Any] | str | Path) -> dict[str, list[str]]:
    """The sweep's policies that are combinations of its other policies: each
    combination's name -> its parts, in the experiment's order. A policy is a
    combination when the levers it changes from the status quo's (``changed_levers``;
    "none" as shipped) are exactly those of two or more of the others', to the
    same values (floats to 1e-12 of each other), no lever changed by two of them (the
    shipped ``package`` and its seven policies). Its parts are policies that are not
    combinations themselves (a pair that is a policy too is not a part of the whole
    package); a combination that its parts make up in more than one way is left out.
    ``manifest`` is a sweep's (or the sweep folder)."""
    changed = changed_levers(manifest)
    if changed is None:
        return {}
    same = _lever_same

    def covers(whole: str, among: Sequence[str]) -> list[list[str]]:
        """The ways to make ``whole``'s changes of policies in ``among``."""
        its = changed[whole]
        inside = [
            p
            for p in among
            if p != whole
            and changed[p]
            and all(k in its and same(its[k], v) for k, v in changed[p].items())
        ]
        found: list[list[str]] = []

        def extend(chosen: list[str], left: set[str]) -> None:
            if not left:
                found.append(chosen)
                return
            lever = next(k for k in its if k in left)  # (each lever by one part: no repeats)
            for p in inside:
                if lever in changed[p] and set(changed[p]) <= left:
                    extend([*chosen, p], left - set(changed[p]))

        extend([], set(its))
        return [c for c in found if len(c) >= 2]

    names = list(changed)
    single = [p for p in names if not covers(p, names)]
    out = {}
    for whole in names:
        ways = covers(whole, single) if whole not in single else []
        if len(ways) == 1:
            out[whole] = sorted(ways[0], key=names.index)
    return out


def interaction(
    results: pd.DataFrame | str | Path,
    combination: str,
    parts: Sequence[str],
    baseline_policy: str | None = None,
    metric_names: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    months: tuple[int, int] | None = None,
    summary: str = "mean",
) -> pd.DataFrame:
    """Whether a combination of policies (the package) does what its parts do alone,
    added up: per scenario (and design point) and metric, the combination's paired
    effect against ``baseline_policy``, its ``parts``' paired effects added up, and
    their difference, the interaction (combination - parts), each with a t interval
    over the seeds (seed by seed: the combination's run, each part's and the
    baseline's share their random draws). An interaction clearly away from zero says
    the parts change each other's working (the default sweep's package adds a quarter
    of the apprenticeship starts its parts add alone, and lowers unemployment less than
    the subsidy alone): its effect cannot be read off theirs. ``policy_parts`` finds a
    sweep's combinations and their parts.

    Each run is summarised as ``summarise`` does (``summary``: "mean" or "final", over
    or at the end of ``months``); a mean over its own months, where ``effects``
    averages a pair over the months both runs define (the same for a metric defined
    every month, as the report's are; a rate undefined in some months, such as a
    completion rate, can differ in its last digits). A seed counts where the combination, every part and the baseline ran it.
    The cost per additional worker, a ratio, is refused: take the spending and the
    employed apart. ``baseline_policy`` should be the status quo (one that changes no
    lever: ``changed_levers``): against another, G, the difference is AB - A - B + G,
    the interaction plus G's own effect.

    Columns: scenario, point, metric, unit, n (seeds), policy (the combination), parts
    (their names joined by "+"), combination_effect, combination_ci_low,
    combination_ci_high, parts_effect, parts_ci_low, parts_ci_high, interaction,
    ci_low, ci_high."""
    results, baseline_policy = _compared_against(results, baseline_policy, confidence)
    wanted = [combination, *parts, baseline_policy]
    present = set(results["policy"].unique())
    missing = [p for p in wanted if p not in present]
    if missing or len(parts) < 2 or len(set(wanted)) < len(wanted):
        raise ValueError(
            f"interaction of {combination!r} and its parts {list(parts)!r} against "
            f"{baseline_policy!r}: "
            + (
                f"{', '.join(map(repr, missing))} not in these results (policies: "
                f"{', '.join(sorted(map(str, present)))})"
                if missing
                else "needs two parts or more, each other than the combination and the baseline"
            )
        )
    if breakdown(results) is not None:
        raise ValueError("interaction takes the metrics table (load(path)), not a breakdown")
    if COST_METRIC in ([metric_names] if isinstance(metric_names, str) else metric_names or []):
        raise ValueError(
            f"interaction of {COST_METRIC}: a ratio of two effects, which parts do not add "
            "up to (allowed: the metrics of these results; the spending and the employed "
            "apart)"
        )
    names = _metric_names(metric_names, results)
    runs = summarise(results[results["policy"].isin(wanted)], summary=summary, months=months)
    keys = ["scenario", "point", "seed"]
    _need_one_each(runs, [*_groups(runs), "seed"])  # (a pivot would average two runs)
    values = runs.pivot_table(index=keys, columns="policy", values=names, dropna=False)
    rows = []
    for (scenario, point), one in values.groupby(level=["scenario", "point"], sort=False):
        for name in names:
            table = one[name].reindex(columns=wanted)
            table = table[table.notna().all(axis=1)]
            y = {p: table[p].to_numpy(float) for p in wanted}
            whole = y[combination] - y[baseline_policy]
            added = sum(y[p] - y[baseline_policy] for p in parts)
            row = {
                "scenario": scenario,
                "point": point,
                "metric": name,
                "unit": _unit(name),
                "n": len(table),
                "policy": combination,
                "parts": "+".join(parts),
            }
            for label, d in (("combination_", whole), ("parts_", added), ("", whole - added)):
                mean = float(d.mean()) if len(d) else math.nan
                sd = float(d.std(ddof=1)) if len(d) > 1 else math.nan
                effect = f"{label}effect" if label else "interaction"
                row[effect] = mean
                low, high = _t_interval(mean, sd, len(d), confidence)
                if label == "combination_":  # (one difference: cut as effects cuts it)
                    low, high = _difference_bounds(name, low, high)
                row[f"{label}ci_low"], row[f"{label}ci_high"] = low, high
            rows.append(row)
    out = _in_experiment_order(pd.DataFrame(rows), results)
    out.attrs["skillsim"] = {
        "baseline_policy": baseline_policy,
        "confidence": confidence,
        "summary": summary,
        "months": list(months_used(results, months)) if months else None,
    } | _source_of(results)
    return out


# ---------------------------------------------------------------- sensitivity


MORRIS_COLUMNS = ("mu", "mu_star", "mu_star_conf", "sigma")


class ConstantMetricWarning(UserWarning):
    """``sensitivity`` of a metric that does not move over the design: NaN indices."""


SENSITIVITY_OF = ("level", "effect")
FEW_SAMPLES = {"sobol": 16, "morris": 4}  # below these, SALib's intervals are not to be trusted


class SensitivityWarning(UserWarning):
    """``sensitivity`` left a scenario and policy out, or has too few samples to trust.
    ``what`` names the case and ``facts`` holds its values, from which a report words it
    in its own language (``report._sensitivity_note``)."""

    def __init__(self, message: str, what: str = "", **facts: Any):
        super().__init__(message)
        self.what = what
        self.facts = facts


NOISY_SOBOL = 0.05  # how far past 0 to 1 a Sobol index is noise said (its estimate's)


def _warn_if_noisy(res: Any, row: dict, samples: int) -> None:
    """Warn of Sobol indices more than ``NOISY_SOBOL`` outside 0 to 1, though the design
    has enough samples not to be warned of (FEW_SAMPLES): 16 samples and one seed gave
    S1 -0.13 and ST 1.09 with half-widths of 0.6-1.0, unsaid (a review). (Wide intervals
    alone are not said: 16 samples of a clean linear signal give ±0.5 on its small
    index.)"""
    values = np.concatenate([np.asarray(res["S1"], float), np.asarray(res["ST"], float)])
    widths = np.concatenate([np.asarray(res["S1_conf"], float), np.asarray(res["ST_conf"], float)])
    low, high, widest = np.nanmin(values), np.nanmax(values), np.nanmax(widths)
    if low >= -NOISY_SOBOL and high <= 1 + NOISY_SOBOL:
        return
    facts = {k: row[k] for k in ("scenario", "policy", "metric")}
    facts |= {"samples": samples, "low": round(float(low), 2), "high": round(float(high), 2)}
    facts |= {"widest": round(float(widest), 2)}
    message = (
        f"{row['scenario']} | {row['policy']}: the Sobol indices of {row['metric']} are noisy "
        f"at this design's {samples} base samples (indices {facts['low']:+.2f} to "
        f"{facts['high']:+.2f}, where 0 to 1 is possible; intervals up to "
        f"±{facts['widest']:.2f}): read each with its interval, or sweep more samples (or "
        "seeds)"
    )
    warnings.warn(SensitivityWarning(message, "noisy", **facts), stacklevel=3)


def sensitivity(
    results: pd.DataFrame | str | Path,
    metric: str,
    summary: str = "mean",
    seed: int = 0,
    of: str = "level",
    baseline_policy: str | None = None,
) -> pd.DataFrame:
    """Sensitivity indices of ``metric`` to the swept parameters, through SALib,
    matching the sweep's design: Sobol indices (S1, S1_conf, ST, ST_conf; with the
    design's ``second_order``, also a row per pair of parameters, ``"a x b"``, with S2
    and S2_conf) for a sobol design, Morris elementary effects (mu, mu_star,
    mu_star_conf, sigma) for a morris design. One row per scenario, policy and
    parameter; column ``of`` says which output.

    ``of="level"``: the output of a design point is the mean over its seeds of each run's
    summary (see ``summarise``: the mean over months 1..M, or the last month), policy by
    policy: what drives the metric under each policy. ``of="effect"``: the mean over
    seeds of the paired effect, each run's summary less that of the baseline run
    (``baseline_policy``, by default the sweep's) of the same scenario, design point and
    seed, for each policy but the baseline: what the policy's effect depends on; with
    ``summary="mean"`` the two runs of a pair are averaged over the same months, as in
    ``effects`` (a month where the metric is undefined in either run is left out of
    both), so that a point's effect here is the one ``effects`` gives it. (A
    ``policy.*`` parameter is set on the baseline too, so sweep ``scenario.*``
    parameters for this, or the baseline moves with the lever.)

    Morris's mu, mu* and sigma are in the metric's own units (a share as a fraction:
    0.02 is 2 percentage points), over each parameter's whole range; the ``_conf``
    columns are half-widths of 95% bootstrap intervals. A scenario and policy whose
    metric has no value at some design point (unfinished or failed runs, or a metric
    undefined there, as completion rates without completions) is left out with a
    ``SensitivityWarning``; a design of fewer than 16 Sobol samples or 4 Morris
    trajectories warns too (its intervals can be zero, and indices far outside 0-1).
    """
    if not isinstance(results, pd.DataFrame):
        results = load(results)
    _need_metrics_table(results, "a sensitivity analysis")
    if of not in SENSITIVITY_OF:
        raise ValueError(f"of must be 'level' or 'effect' (got {of!r})")
    info = results.attrs.get("skillsim", {})
    design = info.get("design", {})
    kind = design.get("kind")
    if kind not in ("sobol", "morris"):
        these = (
            "no design information"
            if kind is None
            else "a sweep with no design"
            if kind == "grid" and not info.get("parameters")
            else f"a {kind} design"
        )
        raise ValueError(
            "sensitivity needs the results of a sobol or morris design, loaded with "
            f"simulation.analysis.load (these: {these})"
        )
    if metric not in metrics.NAMES or metric not in results.columns:
        import difflib

        present = [m for m in metrics.NAMES if m in results.columns]
        close = difflib.get_close_matches(metric, present, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"unknown metric {metric!r}{hint}: sensitivity takes a metric of the catalogue "
            "(`skillsim list metrics`, simulation.metrics.NAMES)"
        )
    names = info["parameters"]
    problem = {"num_vars": len(names), "names": names, "bounds": info["ranges"]}
    points = pd.DataFrame(info["points"]).set_index("point")
    samples = int(design.get("samples", 0))
    if samples < FEW_SAMPLES[kind]:
        from simulation.i18n import counted

        what = counted(samples, "base sample" if kind == "sobol" else "trajectory")
        odd = "indices far outside 0 to 1, " if kind == "sobol" else ""
        message = (
            f"a {kind} design of {what}: too few for indices to trust ({odd}intervals "
            f"of 0 or far too wide); use {FEW_SAMPLES[kind]} or more"
        )
        facts = {"kind": kind, "samples": samples, "need": FEW_SAMPLES[kind]}
        warnings.warn(SensitivityWarning(message, "few_samples", **facts), stacklevel=2)
    if kind == "morris":  # (SALib divides by the sampled step; a rounded field ran another)
        # the points that ran (an unfinished sweep's others are not rounded: not run)
        ran = results.groupby("point")[names].first()
        sampled = points.loc[points.index.intersection(ran.index)]
        ran = ran.loc[sampled.index]
        rounded = [n for n in names if not np.allclose(ran[n], sampled[n], equal_nan=True)]
        if rounded:
            message = (
                f"{', '.join(rounded)}: whole-number fields whose runs took the sampled "
                "values rounded, so their steps differ from the design's and their mu* is "
                "approximate (a range and levels whose steps fall on whole numbers avoid it)"
            )
            warnings.warn(SensitivityWarning(message, "rounded", names=rounded), stacklevel=2)
    runs = summarise(results, summary)
    base = baseline_policy or baseline_of(results)
    if of == "effect":
        if base not in set(runs["policy"]):
            raise ValueError(
                f"of='effect' pairs each policy's runs with the baseline policy's, and this "
                f"sweep has no runs of {base!r} (policies present: "
                f"{', '.join(dict.fromkeys(runs['policy']))}); give baseline_policy=, or "
                "of='level'"
            )
        keys = ["scenario", "point", "seed"]
        if summary == "mean":  # (the pair's two means over the same months, as in effects)
            pairs = _month_pairs(results, base, keys, [metric], runs)
            runs = pairs.assign(**{metric: pairs[metric] - pairs[f"{metric}__base"]})
        else:
            against = runs[runs["policy"] == base].set_index(keys)[metric]
            others = runs[runs["policy"] != base]
            paired = others.set_index(keys)[metric] - against.reindex(others.set_index(keys).index)
            runs = others.assign(**{metric: paired.to_numpy()})
    progress = info.get("progress", {})
    unfinished = progress.get("done", 0) + progress.get("failed", 0) < progress.get("runs", 0)
    second = kind == "sobol" and bool(design.get("second_order", False))
    cols = ("S1", "S1_conf", "ST", "ST_conf") if kind == "sobol" else MORRIS_COLUMNS
    rows = []
    for (scen, pol), grp in runs.groupby(["scenario", "policy"], sort=False):
        by_point = grp.groupby("point")[metric]
        y = by_point.mean().reindex(points.index)
        seeds = by_point.count().reindex(points.index, fill_value=0)
        fewer = seeds.index[(seeds > 0) & (seeds < seeds.max())].tolist()
        if fewer:  # (a point's mean over the seeds that have a value: said, not silent)
            least, most = int(seeds[fewer].min()), int(seeds.max())
            message = (
                f"{scen} | {pol}: design points {fewer[:10]}{' ...' if len(fewer) > 10 else ''}"
                f" have {metric} in fewer seeds than the rest ({least} of {most}): their "
                "outputs are means over fewer runs"
            )
            facts = {"scenario": scen, "policy": pol, "metric": metric, "points": fewer}
            facts |= {"least": least, "most": most}
            warnings.warn(SensitivityWarning(message, "fewer_seeds", **facts), stacklevel=2)
        missing = y.index[y.isna()].tolist()
        if missing:
            cause = (
                "unfinished"
                if unfinished
                else "failed"
                if progress.get("failed", 0)
                else "undefined"
            )
            why = {
                "unfinished": "the sweep is unfinished: finish it (rerun its command)",
                "failed": "some runs failed (ledger.parquet has their errors)",
                "undefined": "the metric is undefined in those runs",
            }[cause]
            message = (
                f"{scen} | {pol}: left out, no {metric} at design points {missing[:10]}"
                f"{' ...' if len(missing) > 10 else ''}; {why}"
            )
            facts = {"scenario": scen, "policy": pol, "metric": metric, "points": missing}
            warnings.warn(
                SensitivityWarning(message, "left_out", cause=cause, **facts), stacklevel=2
            )
            continue
        Y = y.to_numpy(float)
        row0 = {"scenario": scen, "policy": pol, "metric": metric, "of": of}
        if np.ptp(Y) == 0:  # the metric does not move: indices are undefined (0 / 0)
            warnings.warn(
                f"{scen} | {pol}: {metric} is the same at every design point, so its "
                "sensitivity indices are undefined (NaN)",
                ConstantMetricWarning,
                stacklevel=2,
            )
            for name in names:
                rows.append(row0 | {"parameter": name} | dict.fromkeys(cols, math.nan))
            continue
        if kind == "sobol":
            from SALib.analyze import sobol

            # SALib seeds its bootstrap only with a seed that is true: 0 drew on numpy's
            # global state, so the intervals (and the report's whiskers) changed call by
            # call. seed + 1: every seed from 0 up, a distinct true one. (Morris's too,
            # below: SALib 1.5's morris tests its seed so, an outside review.)
            res = sobol.analyze(problem, Y, calc_second_order=second, seed=seed + 1)
        else:
            from SALib.analyze import morris

            X = points[names].to_numpy(float)
            # (one trajectory: sigma is NaN, 0 / 0, which numpy would warn of on stderr)
            with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
                warnings.filterwarnings("ignore", "Degrees of freedom", RuntimeWarning)
                levels = design.get("levels", 4)
                res = morris.analyze(problem, X, Y, num_levels=levels, seed=seed + 1)
        for j, name in enumerate(names):
            rows.append(row0 | {"parameter": name} | {c: float(res[c][j]) for c in cols})
        if kind == "sobol" and samples >= FEW_SAMPLES[kind]:
            _warn_if_noisy(res, row0, samples)
        if second:
            for j, a in enumerate(names):
                for k in range(j + 1, len(names)):
                    pair = {"S2": float(res["S2"][j, k]), "S2_conf": float(res["S2_conf"][j, k])}
                    rows.append(row0 | {"parameter": f"{a} x {names[k]}"} | pair)
    if not rows:
        raise ValueError(
            f"no scenario and policy of this sweep has {metric} at every design point "
            "(the warnings say where it is missing)"
        )
    out = pd.DataFrame(rows)
    out.attrs["skillsim"] = {
        "baseline_policy": base,
        "of": of,
        "samples": samples,
        "kind": kind,
    } | _source_of(results)
    return out
