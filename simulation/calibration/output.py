"""The calibration folder: the fitted scenario, the target table, every evaluated point.

    fitted.toml          the fitted scenario: extends the calibrated one, sets the fields
    fit.csv              per target: empirical value and range, simulated mean with a 95%
                         interval across seeds (cut to the moment's bounds), inside or
                         not, source
    evaluations.parquet  per evaluated point: stage, parameters (as run: a whole-number
                         field rounded), objective, moment means,
                         and the rule a refused point breaks (``refused``; not run)
    moments.parquet      per point and seed: every moment (the intervals' raw data)
    report.md            the table and the fitted values, for people
    manifest.json        the targets file as resolved, seeds, sizes, budget, status, code

The folder is written under a temporary name and renamed when complete; an
interrupted or failed calibration is written too (status in the manifest), so no
finished run is lost.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation import store
from simulation.calibration import moments as mom
from simulation.calibration.fit import Evaluation, Fit, interval
from simulation.i18n import counted


def default_out(name: str, root: Path = Path("results")) -> Path:
    """results/calibration-<name>-<timestamp>, never an existing folder."""
    return store.unused_folder(root / f"calibration-{name}-{time.strftime('%Y%m%d-%H%M%S')}")


def target_table(fit: Fit, point: Evaluation | None = None) -> pd.DataFrame:
    """Target against simulated value at ``point`` (default: the fitted point)."""
    e = point or fit.fitted or fit.best
    start = fit.start
    rows = []
    for t in fit.calibration.config.targets:
        # the mean as the objective takes it (over the seeds that measured it, if at least
        # half did: Evaluation.mean), and the interval over those seeds
        mean = e.mean(t.moment)
        _, sd, lo, hi = interval(e.values[t.moment], bounds=mom.MOMENTS[t.moment].bounds)
        if not math.isfinite(mean):
            sd = lo = hi = math.nan
        at_start = start.mean(t.moment) if start is not None else math.nan
        measured = int(np.isfinite(np.asarray(e.values[t.moment], dtype=float)).sum())
        half = 0.5 * (t.high - t.low)
        rows.append(
            {
                "moment": t.moment,
                "target": t.value,
                "low": t.low,
                "high": t.high,
                "simulated": mean,
                "ci_low": lo,
                "ci_high": hi,
                "sd_across_seeds": sd,
                "seeds_measured": measured,
                "inside": bool(t.low <= mean <= t.high),
                "z": (mean - t.value) / half,
                "start_simulated": at_start,
                "source": t.source,
            }
        )
    return pd.DataFrame(rows)


def evaluations_frame(fit: Fit) -> pd.DataFrame:
    """A row per evaluated point: ``EVALUATION_COLUMNS``, the parameters, the moments'
    means (names that cannot clash: ``config.load_calibration`` refuses such a file)."""
    names = fit.calibration.names
    moments = [t.moment for t in fit.calibration.config.targets]
    rows = []
    for e in fit.evaluations:
        row: dict[str, Any] = {"point": e.index, "stage": e.stage, "objective": e.objective}
        row.update(dict(zip(names, fit.calibration.applied(e.x), strict=True)))  # (as run)
        row.update({m: e.mean(m) for m in moments})
        row["cpu_seconds"] = e.seconds
        row["refused"] = e.refused
        rows.append(row)
    return pd.DataFrame(rows)


def moments_frame(fit: Fit) -> pd.DataFrame:
    rows = [
        {"point": e.index, "replicate": r, "seed": fit.seeds[r], "moment": m, "value": v}
        for e in fit.evaluations
        for m, values in e.values.items()
        for r, v in enumerate(values)
    ]
    return pd.DataFrame(rows, columns=["point", "replicate", "seed", "moment", "value"])


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def fitted_toml(fit: Fit, targets_file: str, scenario_ref: str, status: str = "complete") -> str:
    """The fitted scenario as a TOML file that extends the calibrated scenario; a search
    that did not complete (``status``) says so in its first line: the file is what a
    user copies into scenarios/, away from the manifest that records the status."""
    cal = fit.calibration
    e = fit.fitted or fit.best
    tables: dict[tuple[str, ...], list[tuple[str, Any]]] = {}
    for name, x in zip(cal.names, e.x, strict=True):
        for target in cal.fields[name]:
            value = int(round(x)) if target.kind is int else float(x)
            tables.setdefault(target.keys[:-1], []).append((target.keys[-1], value))
    budget = cal.config.budget
    lines = [
        *(
            [
                f"# {status.upper()} after {len(fit.ran)} of {budget} points: the best "
                "point so far, not a finished search."
            ]
            if status != "complete"
            else []
        ),
        f"# Fitted on {time.strftime('%Y-%m-%d')} by `skillsim calibrate {targets_file} "
        f"--budget {cal.config.budget} --workers {cal.config.workers} --months "
        f"{cal.config.months} --seeds {cal.config.replications} --root-seed "
        f"{cal.config.root_seed}` (the same points again, with any executor):",
        f"# {points_done(fit)}, objective {e.objective:.3g} "
        f"({len(cal.config.targets)} targets), {cal.config.workers:,} workers, "
        f"{len(fit.seeds)} seeds, months {cal.config.first_month}-{cal.config.months} "
        f"under policy {cal.policy.name}.",
        f"extends = {_toml_value(scenario_ref)}",
        # Its own name, so that runs of the fitted scenario (folders, manifests, sweeps
        # and effects tables) are not taken for runs of the scenario as shipped.
        f"name = {_toml_value(cal.scenario.name + '_fitted')}",
        f"description = {_toml_value(cal.scenario.description)}",
    ]
    for keys, pairs in tables.items():
        lines.append("")
        lines.append(f"[{'.'.join(keys)}]")
        lines.extend(f"{k} = {_toml_value(v)}" for k, v in pairs)
    return "\n".join(lines) + "\n"


def points_done(fit: Fit) -> str:
    """ "12 points", or "12 points run (3 more refused: a rule between fields)"."""
    ran, refused = len(fit.ran), len(fit.refused)
    if not refused:
        return counted(ran, "point")
    more = "more " if ran else ""
    return f"{counted(ran, 'point')} run ({refused} {more}refused: a rule between fields)"


def shown_in(moment: str) -> str:
    """How a moment's figures are shown: "%" for a share (values from 0 to 1), " pp"
    for a difference of shares (from -1 to 1: August's rate minus June's), "" for any
    other number. (Told by the figures' size before, tightness, vacancies per
    unemployed, showed as "80% [60%, 100%]".)"""
    from simulation.calibration.moments import MOMENTS

    bounds = MOMENTS[moment].bounds if moment in MOMENTS else None
    return "%" if bounds == (0.0, 1.0) else " pp" if bounds == (-1.0, 1.0) else ""


def pct(x: float, unit: str) -> str:
    """A simulated value in its ``unit`` (``shown_in``): a share or a difference of
    shares in percent (points) with 2 decimals, else 4 significant digits; "-" when
    missing."""
    if not math.isfinite(x):
        return "-"
    return f"{100 * x:.2f}{unit}" if unit else f"{x:.4g}"


def stated(x: float, unit: str) -> str:
    """A figure of the targets file (a target or a range's end) as the file states it:
    a share as a percentage with every digit given (0.0515: 5.15%, not 5.1%)."""
    if not math.isfinite(x):
        return "-"
    return f"{round(100 * x, 10):g}{unit}" if unit else f"{x:g}"


def progress_lines(fit: Fit) -> list[str]:
    """What the search changed: the start, the best point found and the fitted point,
    with their objectives."""
    if not fit.evaluations:
        return []
    start, best = fit.start, fit.best
    e = fit.fitted or best
    origin = (
        "the scenario's own values"
        if fit.calibration.start() is not None
        else "the centre of the ranges: the scenario's values lie outside them, or differ "
        "between fields one parameter sets together"
    )
    lines = []
    if start is not None:
        lines.append(f"Start: point {start.index} ({origin}), objective {start.objective:.3g}.")
    lines.append(
        f"Best point found: point {best.index} ({best.stage}), objective {best.objective:.3g}."
    )
    if fit.fitted is None:
        lines.append(
            f"Fitted: point {e.index}, the best so far (the search did not finish; its "
            "values are not rounded)."
        )
    elif e.stage == "fitted":
        lines.append(
            f"Fitted: point {e.index}, the best point rounded to 3 significant digits and "
            f"run again, objective {e.objective:.3g}."
        )
    elif e.index == best.index:
        rounded = [x for x in fit.evaluations if x.stage == "fitted"]
        if rounded and rounded[-1].objective > best.objective:
            lines.append(
                f"Fitted: the best point as found (point {best.index}), its values "
                f"unrounded: rounded to 3 significant digits (point {rounded[-1].index}) "
                f"it gave objective {rounded[-1].objective:.3g}, worse."
            )
        else:
            lines.append(
                f"Fitted: the best point (point {best.index}), its values at 3 significant "
                "digits already."
            )
    else:
        lines.append(f"Fitted: point {e.index}, objective {e.objective:.3g}.")
    return lines


def report_markdown(fit: Fit, table: pd.DataFrame, status: str) -> str:
    cal = fit.calibration
    cfg = cal.config
    e = fit.fitted or fit.best
    lines = [
        f"# Calibration {cfg.name}: {status}",
        "",
        f"Scenario `{cal.scenario.name}` under policy `{cal.policy.name}`, {cfg.workers:,} "
        f"workers, moments averaged over months {cfg.first_month}-{cfg.months}, "
        f"{len(fit.seeds)} seeds per point (common random numbers), {points_done(fit)}. "
        f"Objective of the fitted point: {e.objective:.3g} (sum over "
        f"{len(cfg.targets)} targets of ((simulated - target) / half-range)^2).",
        "",
        *_refused_lines(fit),
        *[" ".join(progress_lines(fit))],
        "",
        "| moment | target | range | at start | simulated | 95% CI across seeds | inside "
        "| source |",
        "|---|---:|---|---:|---:|---|---|---|",
    ]
    for r in table.itertuples():
        share = shown_in(r.moment)
        lines.append(
            f"| {r.moment} | {stated(r.target, share)} | {stated(r.low, share)}-"
            f"{stated(r.high, share)} | {pct(r.start_simulated, share)} | "
            f"{pct(r.simulated, share)} | "
            f"{pct(r.ci_low, share)} to {pct(r.ci_high, share)} | "
            f"{'yes' if r.inside else 'NO'} | {r.source} |"
        )
    if cal.names:
        lines += ["", "| parameter | low | high | start | fitted |", "|---|---:|---:|---:|---:|"]
        start = fit.evaluations[0].x if fit.evaluations else ()
        for i, p in enumerate(cfg.parameters):
            s = cal.as_run(p.label, start[i]) if start else "-"
            lines.append(
                f"| {p.label} | {p.low:g} | {p.high:g} | {s} | {cal.as_run(p.label, e.x[i])} |"
            )
    lines += [
        "",
        "Moment definitions:",
        "",
        *[f"- `{t.moment}`: {mom.MOMENTS[t.moment].definition}" for t in cfg.targets],
    ]
    return "\n".join(lines) + "\n"


def _refused_lines(fit: Fit) -> list[str]:
    """The points the search did not run, and the rules they break (each rule once)."""
    refused = fit.refused
    if not refused:
        return []
    rules = list(dict.fromkeys(e.refused for e in refused))  # (each with its values)
    shown = "; ".join(rules[:3]) + (f"; and {len(rules) - 3} more" if len(rules) > 3 else "")
    return [
        f"Not run: {counted(len(refused), 'point')} of the search, which broke a rule between "
        f"the searched fields (objective infinite; `refused` in evaluations.parquet): {shown}",
        "",
    ]


def _json_number(x: float) -> float | None:
    """``x`` for manifest.json: an objective that is not finite (a moment no seed could
    measure) is null, since JSON has no Infinity or NaN."""
    return float(x) if math.isfinite(x) else None


def write(
    fit: Fit, out: Path, status: str, info: dict[str, Any], targets_file: str, scenario_ref: str
) -> Path:
    """Write the folder atomically (temporary name, then rename); returns where it went.
    Never overwrites: if another process wrote ``out`` meanwhile, ``out-1``, ...
    (``store.NewFolder``)."""
    cal = fit.calibration
    folder = store.NewFolder(out, elsewhere=True)
    with folder as tmp:
        if fit.evaluations and not (fit.fitted or fit.best).refused:
            table = target_table(fit)
            table.to_csv(tmp / "fit.csv", index=False)
            (tmp / "report.md").write_text(report_markdown(fit, table, status), encoding="utf-8")
            fitted = fitted_toml(fit, targets_file, scenario_ref, status)
            (tmp / "fitted.toml").write_text(fitted, encoding="utf-8")
        store.write_parquet(evaluations_frame(fit), tmp / "evaluations.parquet")
        store.write_parquet(moments_frame(fit), tmp / "moments.parquet")
        e = fit.fitted or (fit.best if fit.evaluations else None)
        manifest = {
            "schema_version": store.SCHEMA_VERSION,
            "kind": "calibration",
            "status": status,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "targets_file": targets_file,
            "seeds": fit.seeds,
            "points": len(fit.ran),
            "refused_points": len(fit.refused),
            "fitted_point": None if e is None else e.index,
            "objective": None if e is None else _json_number(e.objective),
            "start_objective": None if fit.start is None else _json_number(fit.start.objective),
            "best_point": fit.best.index if fit.evaluations else None,
            "best_objective": _json_number(fit.best.objective) if fit.evaluations else None,
            **info,
            "calibration": cal.config.model_dump(mode="json"),
            "scenario": cal.scenario.model_dump(mode="json"),
            "policy": cal.policy.model_dump(mode="json"),
            "code_version": store.code_version(),
            "packages": store.package_versions(),
        }
        store.write_json(manifest, tmp / "manifest.json")
    return folder.out
