"""Load an experiment TOML file into a validated, resolved ``Experiment``.

Every failure raises ``ConfigError`` (simulation.config_errors) naming the experiment
file, the field path (``parameters[1].high``), the value and what is allowed; values
given on the command line are blamed on ``(command line)``. Scenarios and policies
are loaded with ``simulation.loading``, so their own errors name their own files.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from simulation import loading
from simulation.config import PolicyConfig, ScenarioConfig
from simulation.config_errors import (
    COMMAND_LINE,
    ConfigError,
    Problem,
    field_names,
    from_validation,
    show_path,
    show_value,
)
from simulation.experiment.config import ExperimentConfig, ParameterRange

M = TypeVar("M", bound=BaseModel)
ROOTS: dict[str, type[BaseModel]] = {"scenario": ScenarioConfig, "policy": PolicyConfig}


@dataclass(frozen=True)
class Target:
    """A swept field: ``root`` (scenario or policy), the key path below it, its type."""

    root: str
    keys: tuple[str, ...]
    kind: type  # float, int or bool


@dataclass(frozen=True)
class Experiment:
    """An experiment as resolved: the validated file, its scenarios and policies loaded."""

    config: ExperimentConfig
    source: str  # the file, as shown in messages
    scenarios: dict[str, ScenarioConfig]  # by name, in file order
    policies: dict[str, PolicyConfig]
    targets: dict[str, list[Target]]  # parameter label -> the fields it sets
    # the command line's replacements of the file's values (workers, months, ...)
    overrides: dict[str, Any] = field(default_factory=dict)


def load_experiment(
    path: str | os.PathLike[str], overrides: dict[str, Any] | None = None
) -> Experiment:
    """Read, validate and resolve an experiment file. ``overrides`` (``workers``,
    ``months``, ``replications``, ``root_seed``) replace the file's values."""
    path = Path(path)
    config = read_file(path, ExperimentConfig, overrides, "an experiment")
    shown = show_path(path)
    scenarios = _load_all(config.scenarios, "scenarios", path, loading.load_scenario)
    policies = _load_all(config.policies, "policies", path, loading.load_policy)
    _check_baseline(config, policies, shown)
    targets = {p.label: _targets(p, i, shown) for i, p in enumerate(config.parameters)}
    _check_owners(config, targets, shown)
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    experiment = Experiment(config, shown, scenarios, policies, targets, given)
    for i, p in enumerate(config.parameters):
        _check_range(experiment, p, i)
    return experiment


def read_file(path: Path, model: type[M], overrides: dict[str, Any] | None, what: str) -> M:
    """A TOML file validated against ``model`` (its ``name`` defaults to the file's
    stem). ``overrides`` replace the file's values; a bad override is blamed on the
    command line, anything else on the file. ``what`` names the file in messages."""
    shown = show_path(path)
    if path.suffix != ".toml":
        raise ConfigError(Problem(shown, message=f"{what} must be a .toml file"))
    data = loading._read_toml(path)
    data.setdefault("name", path.stem)
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    data.update(given)

    def file_of(loc: tuple) -> str:
        return COMMAND_LINE if loc and loc[0] in given else shown

    try:
        return model.model_validate(data, strict=True)
    except ValidationError as exc:
        raise from_validation(exc, model, file_of, shown) from None


def find_file(ref: str, folders: Sequence[Path], field: str) -> Path:
    """``ref`` as a path, or as the name of a .toml file in the first of ``folders``
    that has one; an unknown name is blamed on the command-line argument ``field`` with
    the names there and the folders searched."""
    path = Path(ref)
    if path.suffix == ".toml" or path.exists():
        return path
    found = loading.find_named(folders, ref)
    if found is not None:
        return found
    names = loading.names_in(folders)
    allowed = "one of: " + ", ".join(names) + ", or a path to a .toml file"
    close = difflib.get_close_matches(ref, names, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    msg = f"no {ref}.toml in {loading.searched_words(folders)}{hint}; must be {allowed}"
    raise ConfigError(Problem(COMMAND_LINE, field, show_value(ref), allowed, msg))


# ----------------------------------------------------------- scenarios, policies


def load_ref(ref: str, field: str, label: str, path: Path, load) -> Any:
    """The scenario or policy ``ref`` names in the file ``path``: a .toml path relative
    to it, or a known name; policies combine with "+", each part a name or a .toml path
    ("mine.toml+quality_apprenticeship": a policy of one's own beside a shipped one was
    refused as an unknown policy, where ``skillsim run`` took it); scenarios do not
    combine. Errors blame ``field``."""
    shown = show_path(path)
    known = loading.available_scenarios() if label == "scenario" else loading.available_policies()

    def missing_file(part: str) -> ConfigError:
        target = path.parent / part
        msg = f"no such file {show_path(target)}; must be an existing .toml file"
        return ConfigError(Problem(shown, field, show_value(part), "an existing .toml file", msg))

    def unknown(name: str) -> ConfigError:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        allowed = "one of: " + ", ".join(known)
        if label == "scenario" and "+" in name:
            hint, allowed = " (scenarios do not combine)", "one scenario: " + ", ".join(known)
        msg = f"unknown {label}{hint}; must be {allowed}"
        return ConfigError(Problem(shown, field, show_value(name), allowed, msg))

    if label == "scenario" or "+" not in ref:
        if ref.endswith(".toml"):
            if not (path.parent / ref).is_file():
                raise missing_file(ref)
            return load(path.parent / ref)
        if ref.strip() not in known and ref.strip() != "none":
            raise unknown(ref.strip())
        return load(ref)
    if ref.endswith(".toml") and (path.parent / ref).is_file():  # (a file named "a+b.toml")
        return load(path.parent / ref)
    parts = [p.strip() for p in ref.split("+")]
    if not all(parts):
        allowed = "policy names or .toml paths joined by '+', none of them empty"
        msg = f"an empty policy name; must be {allowed}"
        raise ConfigError(Problem(shown, field, show_value(ref), allowed, msg))
    found: list[Any] = []
    for part in parts:
        if part.endswith(".toml"):
            if not (path.parent / part).is_file():
                raise missing_file(part)
            found.append(path.parent / part)
        elif part in known or part == "none":
            found.append(part)
        elif ref.endswith(".toml"):  # (a file "a+b.toml" not there: said whole, not "a")
            raise missing_file(ref)
        else:
            raise unknown(part)
    return load(found)


def _load_all(refs: list[str], field: str, path: Path, load) -> dict[str, Any]:
    shown = show_path(path)
    label = "scenario" if field == "scenarios" else "policy"
    out: dict[str, Any] = {}
    settings: dict[str, str] = {}  # a scenario's or policy's settings -> its reference
    for i, ref in enumerate(refs):
        cfg = load_ref(ref, f"{field}[{i}]", label, path, load)
        if cfg.name in out:
            msg = f"{label} {show_value(cfg.name)} is listed twice; names must be distinct"
            raise ConfigError(
                Problem(shown, f"{field}[{i}]", show_value(ref), "distinct names", msg)
            )
        # "a+b" and "b+a", or a scenario and its alias (green_transition): two names,
        # the same runs twice
        same = json.dumps(cfg.model_dump(mode="json", exclude={"name", "description"}))
        if same in settings:
            msg = (
                f"the same {label} as {show_value(settings[same])} (every setting equal, listed "
                "under another name); list it once"
            )
            plural = "scenarios" if label == "scenario" else "policies"
            raise ConfigError(
                Problem(shown, f"{field}[{i}]", show_value(ref), f"distinct {plural}", msg)
            )
        settings[same] = ref
        out[cfg.name] = cfg
    return out


def _check_baseline(config: ExperimentConfig, policies: dict[str, Any], shown: str) -> None:
    """A ``baseline_policy`` the file gives must be one of its policies (by name: a
    .toml path stands for the policy named in it). Left at its default ("none"), it
    may be missing: a sweep without a baseline (a sensitivity design) is fine, and
    ``effects`` then needs another baseline."""
    baseline = config.baseline_policy
    if "baseline_policy" not in config.model_fields_set or baseline in policies:
        return
    names = list(policies)
    allowed = "one of the policies: " + ", ".join(names)
    hint = ""
    for ref, name in zip(config.policies, names, strict=True):
        if ref == baseline and ref != name:  # a .toml path: its runs carry the name
            hint = f" (the policy in {ref} is named {show_value(name)}: give that name)"
    msg = (
        f"not one of this experiment's policies{hint}; effects are measured against the "
        f"baseline, so it must be {allowed}"
    )
    raise ConfigError(Problem(shown, "baseline_policy", show_value(baseline), allowed, msg))


# ------------------------------------------------------------------ parameters


def _check_owners(config, targets: dict[str, list[Target]], shown: str) -> None:
    """Each field is set by one parameter: two values for one field would leave one of
    them silently unused, and the runs labelled with a value they never had."""
    owner: dict[str, str] = {}  # dotted field -> the parameter that sets it
    for i, p in enumerate(config.parameters):
        field = f"parameters[{i}].path" if p.path else f"parameters[{i}].paths"
        for t in targets[p.label]:
            dotted = ".".join((t.root, *t.keys))
            me = f"parameters[{i}] ({p.label})"
            given = show_value(p.path if p.path else p.targets)
            if owner.get(dotted) == me:
                allowed = "each field once"
                msg = f"{dotted} is listed twice in its paths; must be {allowed}"
                raise ConfigError(Problem(shown, field, given, allowed, msg))
            if dotted in owner:
                allowed = "a field no other parameter sets (each field is swept by one)"
                msg = (
                    f"{dotted} is already set by {owner[dotted]}; must be {allowed}: drop "
                    "one, or list the fields that move together in one parameter's paths"
                )
                raise ConfigError(Problem(shown, field, given, allowed, msg))
            owner[dotted] = me


def _targets(p: ParameterRange, i: int, shown: str) -> list[Target]:
    field = f"parameters[{i}].path" if p.path else f"parameters[{i}].paths"
    out = []
    for j, dotted in enumerate(p.targets):
        where = field if p.path else f"{field}[{j}]"
        out.append(resolve_path(dotted, where, shown))
    kinds = {t.kind is bool for t in out}
    if len(kinds) > 1:
        raise ConfigError(
            Problem(
                shown,
                field,
                show_value(p.targets),
                "all true-or-false fields or all number fields",
                "a group must be all true-or-false fields or all number fields",
            )
        )
    return out


def resolve_path(dotted: str, where: str, shown: str) -> Target:
    parts = dotted.split(".")
    if parts[0] not in ROOTS or len(parts) < 2:
        allowed = (
            "a dotted path starting with scenario. or policy. (e.g. policy.subsidy.yuan_per_year)"
        )
        raise ConfigError(Problem(shown, where, show_value(dotted), allowed))
    model: Any = ROOTS[parts[0]]
    for depth, key in enumerate(parts[1:], start=1):
        names = field_names(model, ())
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            stem = ".".join(parts[:depth])
            allowed = f"one of: {', '.join(names)}" if names else "nothing (not a table)"
            msg = f"{stem} has no field {show_value(key)}{hint}; after {stem}. must come {allowed}"
            raise ConfigError(Problem(shown, where, show_value(dotted), allowed, msg))
        model = model.model_fields[key].annotation
    if model not in (float, int, bool):
        allowed = "a path to a number or true-or-false field"
        msg = f"{dotted} is not a number or true-or-false field; must be {allowed}"
        raise ConfigError(Problem(shown, where, show_value(dotted), allowed, msg))
    return Target(parts[0], tuple(parts[1:]), model)


def value_of(target: Target, x: float) -> float | int | bool:
    """The value a field takes for the sampled ``x`` (bool groups: see ``settings``)."""
    return int(round(x)) if target.kind is int else float(x)


def settings(targets: list[Target], x: float) -> list[tuple[Target, Any]]:
    """The (field, value) pairs one parameter sets for the sampled value ``x``."""
    if targets[0].kind is bool:
        on = int(round(x))
        return [(t, j < on) for j, t in enumerate(targets)]
    return [(t, value_of(t, x)) for t in targets]


def apply(cfg: BaseModel, pairs: list[tuple[Target, Any]], file_of_loc=None) -> Any:
    """A copy of ``cfg`` with the fields in ``pairs`` set, validated like a TOML file."""
    data = cfg.model_dump()
    for target, value in pairs:
        node = data
        for key in target.keys[:-1]:
            node = node[key]
        node[target.keys[-1]] = value
    try:
        return type(cfg).model_validate(data, strict=True)
    except ValidationError as exc:
        raise from_validation(exc, type(cfg), file_of_loc or (lambda loc: "")) from None


def _check_range(experiment: Experiment, p: ParameterRange, i: int) -> None:
    """Set the range's ends on every scenario or policy of the experiment: a value the
    models reject is reported against ``parameters[i].low``/``high``/``values``."""
    shown = experiment.source
    targets = experiment.targets[p.label]
    if targets[0].kind is bool:
        n = len(targets)
        lo, hi = p.bounds
        for end, value in (("low", lo), ("high", hi)):
            if not -0.5 < value < n + 0.5:
                allowed = f"a number from 0 to {n} (how many of the {n} switches are on)"
                field = f"parameters[{i}].{end}" if not p.values else f"parameters[{i}].values"
                raise ConfigError(Problem(shown, field, show_value(value), allowed))
        return
    ends = [(f"values[{k}]", v) for k, v in enumerate(p.values)]
    for end, value in ends or [("low", p.low), ("high", p.high)]:
        if float(value).is_integer():  # (2000, not 2000.0: a whole-number field's value)
            value = int(value)
        for root, pairs in by_root(settings(targets, value)).items():
            bases = experiment.scenarios if root == "scenario" else experiment.policies
            for base in bases.values():
                try:
                    apply(base, pairs)
                except ConfigError as exc:
                    problem = exc.problems[0]
                    own_bounds = problem.allowed and not problem.message.startswith(problem.allowed)
                    if own_bounds:  # the field's own bounds: that field, at this value
                        allowed = problem.allowed
                        path = f"{root}.{exc.field}"
                        msg = f"{path} = {show_value(value)} is not allowed: must be {allowed}"
                    else:  # a rule between fields (which may name another): its own words
                        allowed = problem.allowed or problem.message
                        swept = ", ".join(".".join((t.root, *t.keys)) for t, _ in pairs)
                        msg = f"{swept} = {show_value(value)} is not allowed: {allowed}"
                    field = f"parameters[{i}].{end}"
                    raise ConfigError(
                        Problem(shown, field, show_value(value), allowed, msg)
                    ) from None


def by_root(pairs: list[tuple[Target, Any]]) -> dict[str, list[tuple[Target, Any]]]:
    out: dict[str, list[tuple[Target, Any]]] = {}
    for target, value in pairs:
        out.setdefault(target.root, []).append((target, value))
    return out
