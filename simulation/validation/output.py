"""The validation folder, written under a temporary name and renamed into place.

Layout::

    report.md       the report (facts table, failures, details, sources)
    report.html     the same, one self-contained page
    validation.csv  one row per fact: fact, label, group, unit, run, simulated, ci_low,
                    ci_high, seeds (that gave a figure: the mean's), seeds_run,
                    empirical, empirical_low, empirical_high, verdict, rule, source,
                    how, note
    seeds.csv       one row per fact and seed: fact, replicate, seed, value
    durations.csv   unemployment by spell band: share of the unemployed, exit rate to a job
    age_profile.csv mean wage of the employed by age band
    manifest.json   scenario, policy, seeds, sizes, demand cycle, executor, code and
                    package versions, timings, the resolved configuration
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from simulation import loading, store
from simulation.validation import observe, report, summary
from simulation.validation.runs import Plan

SCHEMA_VERSION = 1


def default_out(plan: Plan, root: Path = Path("results")) -> Path:
    """results/validate-<scenario>__<policy>__<timestamp>, never an existing folder."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    policy = plan.policy.replace("+", "-")
    return store.unused_folder(root / f"validate-{plan.scenario}__{policy}__{stamp}")


def manifest(plan: Plan, ctx: report.Context, run_info: dict) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "validation",
        "status": "complete",
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "scenario": plan.scenario,
        "policy": plan.policy,
        "root_seed": plan.root_seed,
        "seeds": plan.seeds,
        "workers": plan.run.workers,
        "months": plan.run.months,
        "runs_per_seed": list(observe.KINDS),
        "demand_cycle": {
            "log_demand_trough_to_peak": observe.CYCLE_AMPLITUDE,
            "half_cycle_months": observe.CYCLE_HALF_MONTHS,
            "first_month": observe.CYCLE_START,
            "sector_kinds": list(observe.SHOCK_KINDS),
        },
        "command": ctx.command,
        "verdicts": ctx.counts,
        "config_hash": loading.config_hash(plan.run),
        "code_version": store.code_version(),
        "packages": store.package_versions(),
        "environment": store.environment(),
        **run_info,
        "files": {
            "report": "report.md",
            "html": "report.html",
            "facts": "validation.csv",
            "seeds": "seeds.csv",
            "durations": "durations.csv",
            "age_profile": "age_profile.csv",
        },
        "config": plan.run.model_dump(mode="json"),
    }


def write(
    out: Path,
    plan: Plan,
    result_rows: Sequence[summary.Row],
    ctx: report.Context,
    run_info: dict,
) -> Path:
    """Write the folder; returns where it went: built beside ``out`` under a temporary
    name, then renamed, so ``out`` either holds a complete validation or does not exist
    (if another process wrote ``out`` meanwhile: ``out-1``, ...; ``store.NewFolder``)."""
    folder = store.NewFolder(out, elsewhere=True)
    with folder as tmp:
        blocks = report.document(result_rows, ctx)
        (tmp / "report.md").write_text(report.markdown(blocks), encoding="utf-8")
        (tmp / "report.html").write_text(report.to_html(blocks), encoding="utf-8")
        summary.table(result_rows).to_csv(tmp / "validation.csv", index=False)
        summary.seed_table(result_rows, plan.seeds).to_csv(tmp / "seeds.csv", index=False)
        ctx.durations.to_csv(tmp / "durations.csv", index=False)
        ctx.age_profile.to_csv(tmp / "age_profile.csv", index=False)
        store.write_json(manifest(plan, ctx, run_info), tmp / "manifest.json")
    return folder.out
