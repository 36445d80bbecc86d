"""Expand an experiment into its runs: replications x design points x scenarios x policies.

Runs are ordered replication first, so an interrupted sweep holds complete sets of
paired runs (every scenario and policy of a seed) rather than all seeds of one policy.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np

from simulation import loading, store
from simulation.config import PolicyConfig, RunConfig
from simulation.config_errors import ConfigError, Problem, show_value
from simulation.experiment import design
from simulation.experiment.loading import Experiment, apply, by_root, settings


@dataclass(frozen=True)
class RunSpec:
    run_id: str
    scenario: str
    policy: str
    point: int
    replicate: int
    seed: int
    config: RunConfig
    config_hash: str
    params: dict[str, float] = field(default_factory=dict)  # sampled value per parameter


@dataclass(frozen=True)
class Plan:
    experiment: Experiment
    points: np.ndarray  # design matrix, (points, parameters)
    seeds: list[int]
    runs: list[RunSpec]

    @property
    def sweep_hash(self) -> str:
        """16 hex digits identifying what the sweep computes (not where or how)."""
        payload = {
            "experiment": self.experiment.config.model_dump(mode="json", exclude={"description"}),
            "runs": [(r.run_id, r.config_hash, r.seed) for r in self.runs],
        }
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def parameter_names(self) -> list[str]:
        return [p.label for p in self.experiment.config.parameters]

    @property
    def status_quo(self) -> PolicyConfig:
        """The policy of every run's burn-in and month 0 (``make_plan`` resolves it once)."""
        return self.runs[0].config.status_quo if self.runs else loading.load_policy("none")


# (folder names in results/: store.unfit_name)
PLAIN_NAME = (
    f"a name of 1-{store.NAME_BYTES} bytes, not blank, without / or \\ or control "
    "characters and without spaces at either end"
)
RUN_NAME = f"{PLAIN_NAME} that does not start with a dot"


def _check_names(experiment: Experiment) -> None:
    """Scenario and policy names become run ids (``<scenario>__<policy>...__r<k>``),
    which name folders in runs/: each must be one plain folder name. The experiment's
    name is part of its default folder's (``sweep-<name>-<hash>``): no separator in it."""
    cfg = experiment.config
    if store.unfit_name(cfg.name):
        allowed = PLAIN_NAME
        msg = (
            f"the experiment is named {show_value(cfg.name)}, and its sweep's default folder is "
            f"results/sweep-<name>-<hash>: the name must be {allowed} (rename it)"
        )
        raise ConfigError(Problem(experiment.source, "name", show_value(cfg.name), allowed, msg))
    for where, refs, names in (
        ("scenarios", cfg.scenarios, list(experiment.scenarios)),
        ("policies", cfg.policies, list(experiment.policies)),
    ):
        for i, (ref, name) in enumerate(zip(refs, names, strict=True)):
            # (a combination "a+b" is checked part by part: its parts are the names)
            parts = name.split("+") if where == "policies" else [name]
            if any(store.unfit_name(part) or part.startswith(".") for part in parts):
                label = "scenario" if where == "scenarios" else "policy"
                msg = (
                    f"the {label} in it is named {show_value(name)}, and a sweep names run folders "
                    f"by scenario and policy; its name must be {RUN_NAME} (rename it)"
                )
                raise ConfigError(
                    Problem(experiment.source, f"{where}[{i}]", show_value(ref), RUN_NAME, msg)
                )


def _check_run_ids(experiment: Experiment, runs: list[RunSpec]) -> None:
    """Two runs with one id would share a folder: a scenario and a policy name that
    contain the separator ``__`` can spell another pair's id."""
    seen: dict[str, RunSpec] = {}
    for run in runs:
        if len(run.run_id.encode()) > 255:  # (a folder's name holds at most 255 bytes)
            msg = (
                f"scenario {show_value(run.scenario)} with policy {show_value(run.policy)} "
                f"gives the run id {show_value(run.run_id)}, {len(run.run_id.encode())} bytes: "
                "a run folder's name holds at most 255; use shorter names"
            )
            allowed = "scenario and policy names whose run ids are at most 255 bytes"
            i = list(experiment.scenarios).index(run.scenario)
            where, given = f"scenarios[{i}]", show_value(experiment.config.scenarios[i])
            raise ConfigError(Problem(experiment.source, where, given, allowed, msg))
        other = seen.setdefault(run.run_id, run)
        if other is not run:
            msg = (
                f"scenario {show_value(other.scenario)} with policy {show_value(other.policy)} and scenario "
                f"{show_value(run.scenario)} with policy {show_value(run.policy)} both give the run id "
                f'{show_value(run.run_id)}; rename one so that the names do not contain "__"'
            )
            allowed = "scenario and policy names that give distinct run ids"
            # (the entry as the file writes it, by its place: scenarios[1] = "../a.toml")
            names = list(experiment.scenarios)
            i = names.index(run.scenario)
            where, given = f"scenarios[{i}]", show_value(experiment.config.scenarios[i])
            raise ConfigError(Problem(experiment.source, where, given, allowed, msg))


def make_plan(experiment: Experiment) -> Plan:
    """Every run of the experiment, configured and validated (nothing runs here)."""
    _check_names(experiment)
    cfg = experiment.config
    points = design.matrix(cfg)
    seeds = design.replication_seeds(cfg.root_seed, cfg.replications)
    names = [p.label for p in cfg.parameters]
    resolved: dict[tuple[str, str, int], tuple[RunConfig, str]] = {}
    status_quo = loading.load_policy("none")  # (once: every run carries it)
    for k, row in enumerate(points):
        pairs = [
            pair
            for name, x in zip(names, row, strict=True)
            for pair in settings(experiment.targets[name], float(x))
        ]
        changes = by_root(pairs)
        try:
            for s_name, scenario in experiment.scenarios.items():
                scen = apply(scenario, changes["scenario"]) if "scenario" in changes else scenario
                for p_name, policy in experiment.policies.items():
                    pol = apply(policy, changes["policy"]) if "policy" in changes else policy
                    run = loading.resolve_run(
                        scen, pol, cfg.workers, cfg.months, 0, status_quo=status_quo
                    )
                    resolved[s_name, p_name, k] = (run, loading.config_hash(run))
        except ConfigError as exc:  # a combination the ends of the ranges did not show
            point = ", ".join(f"{n} = {x:g}" for n, x in zip(names, row, strict=True))
            msg = f"design point {k} ({point}) gives an invalid configuration: {exc}"
            raise ConfigError(Problem(experiment.source, "parameters", message=msg)) from None
    width_p = len(str(len(points) - 1))
    width_r = len(str(len(seeds) - 1))
    runs = []
    for r, seed in enumerate(seeds):
        for k, row in enumerate(points):
            params = dict(zip(names, map(float, row), strict=True))
            for s_name in experiment.scenarios:
                for p_name in experiment.policies:
                    run, chash = resolved[s_name, p_name, k]
                    point = f"__p{k:0{width_p}d}" if names else ""
                    run_id = f"{s_name}__{p_name}{point}__r{r:0{width_r}d}"
                    runs.append(
                        RunSpec(
                            run_id,
                            s_name,
                            p_name,
                            k,
                            r,
                            seed,
                            run.model_copy(update={"seed": seed}),
                            chash,
                            params,
                        )
                    )
    _check_run_ids(experiment, runs)
    return Plan(experiment, points, seeds, runs)


def repeated_points(plan: Plan) -> list[tuple[int, ...]]:
    """Design points whose runs have the same settings as another point's for every
    scenario and policy: a whole-number field takes a sampled value rounded, and a
    true-or-false switch count too, so two sampled points can run as one (design.parquet
    keeps the sampled values, which sensitivity analysis needs). Groups of two or more
    points, lowest first; empty if every point is its own."""
    by_point: dict[int, list[str]] = {}
    for run in plan.runs:
        if run.replicate == 0:
            by_point.setdefault(run.point, []).append(run.config_hash)
    groups: dict[tuple[str, ...], list[int]] = {}
    for point, hashes in by_point.items():
        groups.setdefault(tuple(hashes), []).append(point)
    return sorted(tuple(g) for g in groups.values() if len(g) > 1)
