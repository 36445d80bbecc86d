"""Load scenario and policy TOML files, with ``extends``, into validated configs.

A scenario file lives in ``scenarios/``, a policy file in ``scenarios/policies/``.
A file may say ``extends = "baseline"`` or ``extends = ["a", "b", "../x.toml"]``:
parents are merged first, in order, then the file itself; tables merge
recursively, arrays and scalars replace. A name is looked up beside the extending
file first, then in the scenarios (or policies) directory; a string ending in
``.toml`` is a path relative to the extending file. ``name`` is the file's own
``name`` or its stem, and ``description`` is never inherited.

Every failure raises ``ConfigError`` naming the file, the field path, the value and
what is allowed; a value inherited from a parent is blamed on the parent.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import json
import math
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from simulation.config import (
    LONG_RUN_MONTHS,
    MAX_TARGET_GROWTH,
    PolicyConfig,
    RunConfig,
    ScenarioConfig,
)
from simulation.config_errors import (
    ConfigError,
    Loc,
    Problem,
    from_validation,
    path_allowed,
    show_path,
    show_value,
)

__all__ = [
    "ConfigError",
    "available_policies",
    "available_scenarios",
    "config_hash",
    "load_policy",
    "load_scenario",
    "policy_folders",
    "resolve_run",
    "scenario_folders",
]

Origin = dict[tuple[str, ...], str]  # key path -> file that set it


# ------------------------------------------------------------------ locations


SHIPPED_SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def own_then_shipped(shipped: Path) -> list[Path]:
    """The working folder's own folder of ``shipped``'s name (``./scenarios``,
    ``./experiments``, ``./calibration``), when it has one, then ``shipped``: one's own
    files add to the shipped ones (a file of a shipped name takes its place), so that
    the shipped ones stay at hand beside one's own."""
    local = Path.cwd() / shipped.name
    if local.is_dir() and local.resolve() != shipped:
        return [local, shipped]
    return [shipped]


def scenario_folders() -> list[Path]:
    """The folders scenario names are looked up in, first first: $SKILLSIM_SCENARIOS
    alone when it is set; else ``own_then_shipped`` (the status quo ``none`` among the
    shipped policies stays at hand beside a folder of one's own)."""
    env = os.environ.get("SKILLSIM_SCENARIOS")
    if env and not Path(env).is_dir():
        allowed = "a folder of scenario .toml files (or unset: ./scenarios, then the shipped)"
        what = "a file, not a folder" if Path(env).exists() else "no such folder"
        raise ConfigError(
            Problem(
                "the environment",
                "SKILLSIM_SCENARIOS",
                show_value(env),
                allowed,
                f"{what}; must be {allowed}",
            )
        )
    return [Path(env)] if env else own_then_shipped(SHIPPED_SCENARIOS)


def policy_folders() -> list[Path]:
    return [folder / "policies" for folder in scenario_folders()]


def _names(folder: Path) -> list[str]:
    # (files only: a folder named x.toml is no scenario)
    return sorted(p.stem for p in folder.glob("*.toml") if p.is_file()) if folder.is_dir() else []


def names_in(folders: Sequence[Path]) -> list[str]:
    """The names of the .toml files in ``folders``, sorted, each once."""
    return sorted({name for folder in folders for name in _names(folder)})


# The shipped scenarios and policies in the main experiment's order (then the robustness
# fit and the alias): the order of the dashboard's menu, and each one's look in every
# figure (``plots.look``).
SHIPPED = {
    "scenario": (
        "baseline",
        "green_transition_orderly",
        "green_transition_disorderly",
        "rural_revitalization",
        "combined",
        "baseline_alternative_fit",
        "green_transition",
    ),
    "policy": (
        "none",
        "apprenticeship_subsidy",
        "quality_apprenticeship",
        "skills_anticipation",
        "core_skills",
        "green_curricula",
        "lifelong_learning_vouchers",
        "rural_training_access",
        "package",
    ),
}


def available_scenarios() -> list[str]:
    return names_in(scenario_folders())


def available_policies() -> list[str]:
    return names_in(policy_folders())


def find_named(folders: Sequence[Path], name: str, besides: Path | None = None) -> Path | None:
    """The first ``name``.toml in ``folders``; with ``besides``, the first that is not
    that file: a file of one's own that takes a shipped file's place and extends it by
    its name (``extends = "baseline"`` in one's own ``baseline.toml``) extends the
    shipped file, not itself."""
    for folder in folders:
        path = folder / f"{name}.toml"
        if path.is_file() and not (besides is not None and _same_file(path, besides)):
            return path
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def searched_words(folders: Sequence[Path]) -> str:
    """'scenarios and /path/to/scenarios': the folders a name was looked up in."""
    return " and ".join(show_path(f) for f in folders)


@dataclass(frozen=True)
class _Kind:
    label: str  # "scenario" or "policy"
    model: type[BaseModel]

    def folders(self) -> list[Path]:
        return scenario_folders() if self.label == "scenario" else policy_folders()


_SCENARIO = _Kind("scenario", ScenarioConfig)
_POLICY = _Kind("policy", PolicyConfig)


def _locate(arg: str | os.PathLike[str], kind: _Kind) -> Path:
    """A name (``baseline``) or a path to an existing .toml file -> the file's path."""
    try:
        return _locate_file(arg, kind)
    except OSError as exc:  # (a part of the path too long, a folder not readable)
        allowed = path_allowed(exc, "a path in a folder that can be read")
        raise ConfigError(
            Problem(
                show_path(Path(arg)),
                message=f"cannot be read ({exc.strerror or exc}; allowed: a {kind.label} "
                f".toml file or name, and {allowed})",
            )
        ) from None


def _locate_file(arg: str | os.PathLike[str], kind: _Kind) -> Path:
    path = Path(arg)
    if path.suffix == ".toml":
        if path.is_dir():  # (not "file not found": the path is there, as a folder)
            raise ConfigError(
                Problem(
                    show_path(path),
                    message=f"a folder, not a file (allowed: a {kind.label} .toml file)",
                )
            )
        if not path.is_file():
            raise ConfigError(Problem(show_path(path), message="file not found"))
        return path
    if path.is_file() and (path.suffix or len(path.parts) > 1):  # (a file, not a name:
        # say so, not "no <file>.toml in the folders"; a bare name is looked up, as ever)
        raise ConfigError(
            Problem(
                show_path(path),
                message=f"not a {kind.label} file (allowed: a {kind.label} .toml file, or a "
                f"{kind.label} name: `skillsim list`)",
            )
        )
    folders = kind.folders()
    found = find_named(folders, str(arg))
    if found is not None:
        return found
    names = names_in(folders)
    allowed = "one of: " + ", ".join(names) if names else f"a {kind.label} file (none found)"
    close = difflib.get_close_matches(str(arg), names, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    where = f"no {arg}.toml in {searched_words(folders)}"
    raise ConfigError(
        Problem(
            show_path(folders[0] / f"{arg}.toml"),
            kind.label,
            show_value(str(arg)),
            allowed,
            f"unknown {kind.label} ({where}{hint}); must be {allowed}",
        )
    )


# ------------------------------------------------------------------ reading


def _read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict. A UTF-8 byte-order mark at its start (Windows Notepad
    writes one) is read past: TOML itself refuses it ("Invalid statement" at line 1)."""
    shown = show_path(path)
    try:
        raw = path.read_bytes()
        return tomllib.loads(raw.removeprefix(codecs.BOM_UTF8).decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(Problem(shown, message="file not found")) from None
    except tomllib.TOMLDecodeError as exc:
        text = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", text)
        if m:
            line, col = int(m.group(1)), int(m.group(2))
            reason = text[: m.start()].strip()
            msg = f"malformed TOML at line {line}, column {col}: {reason}{_quoted_line(path, line)}"
            raise ConfigError(Problem(shown, message=msg, line=line, column=col)) from None
        raise ConfigError(Problem(shown, message=f"malformed TOML: {text}")) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(Problem(shown, message=f"not UTF-8 text: {exc}")) from None
    except OSError as exc:
        raise ConfigError(Problem(shown, message=f"cannot read: {exc.strerror}")) from None


def _quoted_line(path: Path, line: int) -> str:
    """' (the line: ...)' for a TOML error's line (a duplicate key is named only so)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    words = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return f" (the line: {words[:80]})" if words else ""


def _parents(raw: object, path: Path, kind: _Kind) -> list[Path]:
    shown = show_path(path)
    if isinstance(raw, str):
        refs = [raw]
    elif isinstance(raw, list) and all(isinstance(r, str) for r in raw):
        refs = list(raw)
    else:
        allowed = f"a {kind.label} name or a list of names (or relative .toml paths)"
        raise ConfigError(Problem(shown, "extends", show_value(raw), allowed))
    out = []
    for ref in refs:
        if ref.endswith(".toml"):
            target = path.parent / ref
            if not target.is_file():
                msg = f"no such file {show_path(target)}; must be an existing .toml file"
                raise ConfigError(
                    Problem(shown, "extends", show_value(ref), "an existing .toml file", msg)
                )
            out.append(target)
            continue
        found = find_named([path.parent, *kind.folders()], ref, besides=path)
        if found is not None:
            out.append(found)
        else:
            shipped = names_in(kind.folders())
            # Other files beside this one are found by name too; they are listed apart,
            # since a folder of one's own may hold other kinds of file (experiments, ...).
            beside = sorted(set(_names(path.parent)) - {path.stem} - set(shipped))
            names = sorted(set(shipped) | set(beside))
            plural = "policies" if kind.label == "policy" else f"{kind.label}s"
            allowed = f"one of the {plural} {', '.join(shipped)}"
            if beside:
                allowed += f"; a file beside this one: {', '.join(beside)}"
            allowed += "; or a relative path ending in .toml"
            close = difflib.get_close_matches(ref, names, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            msg = f"no {kind.label} of that name{hint}; must be {allowed}"
            raise ConfigError(Problem(shown, "extends", show_value(ref), allowed, msg))
    return out


def _key_paths(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for key, value in data.items():
        out.append((*prefix, key))
        if isinstance(value, dict):
            out.extend(_key_paths(value, (*prefix, key)))
    return out


def _merge(
    base: dict[str, Any],
    origin: Origin,
    over: dict[str, Any],
    over_origin: Origin,
    prefix: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Deep-merge ``over`` onto ``base`` (new dict); ``origin`` is updated in place."""
    out = dict(base)
    for key, value in over.items():
        here = (*prefix, key)
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], origin, value, over_origin, here)
            origin[here] = over_origin[here]
            continue
        out[key] = value
        n = len(here)
        for p in [p for p in origin if p[:n] == here]:
            del origin[p]
        origin.update({p: f for p, f in over_origin.items() if p[:n] == here})
    return out


_Files = dict[Path, tuple[dict[str, Any], list[Path]]]  # own data, parents


def _linearize(path: Path, kind: _Kind, files: _Files, chain: tuple[Path, ...] = ()) -> list[Path]:
    """The file and all its ancestors, each once, every ancestor before its descendants.

    Depth-first, parents in order, first occurrence kept: with ``combined`` extending
    ``[orderly, rural]`` which both extend ``baseline``, the order is baseline, orderly,
    rural, combined, so baseline's values never override orderly's. ``files`` caches
    each file's own data (``extends`` removed) and parents.
    """
    real = path.resolve()
    if real in chain:
        cycle = " -> ".join(p.stem for p in (*chain[chain.index(real) :], real))
        raise ConfigError(
            Problem(
                show_path(chain[-1]),
                "extends",
                show_value(path.stem),
                "a chain of extends without cycles",
                f"extends cycle: {cycle}",
            )
        )
    if real not in files:
        data = _read_toml(real)
        raw_extends = data.pop("extends", None)
        files[real] = (data, [] if raw_extends is None else _parents(raw_extends, real, kind))
    order: list[Path] = []
    for parent in files[real][1]:
        order += _linearize(parent, kind, files, (*chain, real))
    order.append(real)
    return list(dict.fromkeys(order))


def _load_tree(
    paths: Sequence[Path], kind: _Kind
) -> tuple[dict[str, Any], Origin, list[tuple[Any, Any]]]:
    """The files, with all their ancestors, merged in order; where each key came from;
    and each file's own name (default: its stem) and description (default: empty)."""
    files: _Files = {}
    order: list[Path] = []
    for path in paths:
        order += _linearize(path, kind, files)
    merged: dict[str, Any] = {}
    origin: Origin = {}
    for real in dict.fromkeys(order):
        own: Origin = dict.fromkeys(_key_paths(files[real][0]), show_path(real))
        merged = _merge(merged, origin, files[real][0], own)
    mine = [files[p.resolve()][0] for p in paths]
    labels = [
        (d.get("name", p.stem), d.get("description", "")) for d, p in zip(mine, paths, strict=True)
    ]
    return merged, origin, labels


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _check_own_name(kind: _Kind, name: Any, path: Path) -> None:
    """A file whose ``name`` is another file's, left in a copy of a shipped file (a
    city of one's own named "baseline", vouchers named "none"), is refused: results
    carry the name, and the run was labelled, described and compared as the shipped
    scenario or the status quo, without a word (an outside review). A name of the
    file's own that no other file has (a calibration's ``<scenario>_fitted`` in
    fitted.toml) is kept, as is the name of the file it is a link to or a copy of, byte
    for byte (that fitted.toml kept in one's scenarios/ as baseline_fitted.toml)."""
    if not isinstance(name, str) or name == path.stem:
        return
    taken = set(names_in(kind.folders())) | ({"none"} if kind is _POLICY else set())
    if name not in taken:
        return
    other = find_named(kind.folders(), name)
    if other is not None and (_same_file(other, path) or _same_bytes(other, path)):
        return  # (the file itself, by a link; or a copy of it: a calibration's fitted.toml)
    allowed = f'"{path.stem}" (the file\'s own name), or a name no other {kind.label} has'
    raise ConfigError(
        Problem(
            show_path(path),
            "name",
            show_value(name),
            allowed,
            f"the name of another {kind.label} file ({name}.toml), not of this one: results "
            f"carry the name, and this file's runs would be labelled, described and "
            f"compared as that {kind.label}'s; must be {allowed}",
        )
    )


def _validate(kind: _Kind, data: dict[str, Any], origin: Origin, default_file: str) -> Any:
    def file_of(loc: Loc) -> str:
        for n in range(len(loc), 0, -1):  # longest key path that some file set
            prefix = loc[:n]
            if all(isinstance(k, str) for k in prefix) and prefix in origin:
                return origin[prefix]  # type: ignore[index]
        return default_file

    try:
        return kind.model.model_validate(data, strict=True)
    except ValidationError as exc:
        raise from_validation(exc, kind.model, file_of, default_file, ("extends",)) from None


# ---------------------------------------------------------------------- API


_LABELS = ("name", "description", "extends")  # keys both kinds of file have


def _check_kind(kind: _Kind, keys: Iterable[str], path: Path, inherited: bool = False) -> None:
    """A policy file given as a scenario (or the other way round) is named as such,
    in one message, rather than by every table of it the other kind does not know.
    ``inherited``: ``keys`` are the file's after its ``extends`` (the file itself
    passed), so what it extends is the other kind."""
    keys = set(keys) - set(_LABELS)
    other = _POLICY if kind is _SCENARIO else _SCENARIO
    theirs = set(other.model.model_fields) - set(_LABELS)
    if not keys or keys & set(kind.model.model_fields) or not keys <= theirs:
        return
    mine = ", ".join(f for f in kind.model.model_fields if f not in _LABELS)
    where = "with --policy" if other is _POLICY else "as the scenario (the first argument)"
    if inherited:
        raise ConfigError(
            Problem(
                show_path(path),
                "extends",
                message=f"it extends a {other.label}, so it is a {other.label} file, not a "
                f"{kind.label} (the tables it inherits: {', '.join(sorted(keys))}): give it "
                f"{where}, or have it extend a {kind.label}",
            )
        )
    raise ConfigError(
        Problem(
            show_path(path),
            message=f"this is a {other.label} file, not a {kind.label} (its tables: "
            f"{', '.join(sorted(keys))}): give it {where}; a {kind.label} file has {mine}",
        )
    )


def load_scenario(name_or_path: str | os.PathLike[str]) -> ScenarioConfig:
    """A scenario by name (``baseline``) or by path to a .toml file, validated."""
    path = _locate(name_or_path, _SCENARIO)
    raw = _read_toml(path)
    if not raw:
        raise ConfigError(
            Problem(
                show_path(path),
                message='the file is empty; a scenario file needs extends = "baseline" (or '
                "another scenario) and the fields that differ, or [world], [drivers] and "
                "[behaviour] of its own",
            )
        )
    _check_kind(_SCENARIO, raw, path)
    data, origin, labels = _load_tree([path], _SCENARIO)
    _check_kind(_SCENARIO, data, path, inherited=True)
    data["name"], data["description"] = labels[0]
    scenario = _validate(_SCENARIO, data, origin, show_path(path))
    _check_own_name(_SCENARIO, labels[0][0], path)  # (after its fields: those first)
    return scenario


def _joined(name: str) -> bool:
    """Whether ``name`` ("a.toml+b.toml", "a.toml+core_skills") is policies joined by
    "+", each a file there or a policy's name, rather than one path with a "+" in it (a
    folder "my+dir/"), missing, which is then said to be missing as a whole."""
    known = set(names_in(_POLICY.folders())) | {"none"}
    parts = [part.strip() for part in name.split("+")]
    return all(Path(p).is_file() if p.endswith(".toml") else p in known for p in parts)


def load_policy(names: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> PolicyConfig:
    """One policy, or several merged in order (``"a+b"`` or ``["a", "b"]``).

    An empty list or ``"none"`` gives the ``none`` policy (all levers off); ``none``
    alongside other policies is dropped, and a policy named twice counts once. The name
    of a combination is joined with "+".
    """
    items: list[str | os.PathLike[str]] = []
    for name in [names] if isinstance(names, str | os.PathLike) else names:
        # "a+b": a, then b; "a.toml+b.toml" too (it was looked for as one file: an
        # outside review), unless a file of that whole name is there
        whole = isinstance(name, str) and name.endswith(".toml")
        if whole and "+" in name and not Path(name).is_file() and _joined(name):
            whole = False  # (else the whole path, missing, is said to be missing)
        if isinstance(name, str) and not whole:
            parts = [n.strip() for n in name.split("+")]
            if not all(parts):  # "", "a+", "a++b": a name left out, not "none"
                names = names_in(_POLICY.folders())
                allowed = "policy names joined by '+', none of them empty: " + ", ".join(names)
                raise ConfigError(
                    Problem(
                        show_path(_POLICY.folders()[0]),
                        _POLICY.label,
                        show_value(name),
                        allowed,
                        f"an empty policy name; must be {allowed}",
                    )
                )
            items += parts
        else:
            items.append(name)
    items = list(dict.fromkeys(items))  # (a policy named twice: merged once, named once)
    if len(items) > 1:
        items = [n for n in items if n != "none"]
    if not items or items == ["none"]:
        if find_named(policy_folders(), "none") is None:
            return PolicyConfig(name="none")
        items = ["none"]
    paths = [_locate(item, _POLICY) for item in items]
    for path in paths:
        _check_kind(_POLICY, _read_toml(path), path)
    data, origin, labels = _load_tree(paths, _POLICY)
    _check_kind(_POLICY, data, paths[-1], inherited=True)
    data["name"] = "+".join(str(n) for n, _ in labels) if len(labels) > 1 else labels[0][0]
    data["description"] = "\n".join(str(d) for _, d in labels if d)
    policy = _validate(_POLICY, data, origin, show_path(paths[-1]))
    for (name, _), path in zip(labels, paths, strict=True):  # (after its fields: those first)
        _check_own_name(_POLICY, name, path)
    return policy


def default_levers(policy: PolicyConfig) -> bool:
    """Whether every lever of ``policy`` is at its default (its name and description
    aside): the shipped status quo's."""
    lever = {"name", "description"}
    return policy.model_dump(exclude=lever) == PolicyConfig(name="none").model_dump(exclude=lever)


def resolve_run(
    scenario: str | os.PathLike[str] | ScenarioConfig,
    policies: str | Sequence[str] | PolicyConfig = ("none",),
    workers: int = 20_000,
    months: int = 120,
    seed: int = 0,
    status_quo: PolicyConfig | None = None,
) -> RunConfig:
    """The validated configuration of one run; bad sizes raise ConfigError (field
    ``workers``). ``status_quo``: the policy of the burn-in and month 0, by default
    "none" as found now (``load_policy``: a user's own none.toml in place of the
    shipped one); the run carries it."""
    if seed is None:
        # mesa.batch_run from Mesa 3.4 on passes its ``rng`` values (None unless given) as
        # a model's ``seed`` argument, in place of a "seed" parameter the caller gave.
        raise ConfigError(
            Problem(
                file="",
                field="seed",
                value="None",
                message="must be a whole number >= 0 (with mesa.batch_run from Mesa 3.4 on, "
                "give the seeds as batch_run(..., rng=[1, 2, 3]): it replaces a model's "
                '"seed" parameter with its rng values, None unless given)',
            )
        )
    scen = scenario if isinstance(scenario, ScenarioConfig) else load_scenario(scenario)
    pol = policies if isinstance(policies, PolicyConfig) else load_policy(policies)
    sizes = {"workers": workers, "months": months, "seed": seed}
    # numpy integers from experiment designs are fine; bools and floats are not.
    sizes = {
        k: int(v) if isinstance(v, Integral) and not isinstance(v, bool) else v
        for k, v in sizes.items()
    }
    quo = status_quo if status_quo is not None else load_policy("none")
    try:
        return RunConfig.model_validate(
            {"scenario": scen, "policy": pol, **sizes, "status_quo": quo}, strict=True
        )
    except ValidationError as exc:
        raise from_validation(exc, RunConfig, lambda loc: "") from None


# a trend that moves demand more than e**3 (20-fold) over a run, and runs longer than
# this, are warned of (run_warnings)
STEEP_TREND = 3.0
# a population whose cohorts and working life keep it more than this share away from
# its start (cohort share x working life beyond 1 +- this) is warned of
POPULATION_DRIFT = 0.1


def run_warnings(
    scenarios: Sequence[ScenarioConfig],
    months: int,
    policies: Sequence[PolicyConfig] = (),
    workers: int | None = None,
) -> list[str]:
    """What runs of ``scenarios`` for ``months`` months under ``policies`` will do that
    their files do not say, in words, for a warning (not errors: a scenario does not
    know how long it is run, and a policy may be the status quo on purpose): shocks
    and a carbon price jump that come only after the run, a city with no urban
    region (the urban rates, which the calibration targets, are then undefined), a
    region whose minimum wage is at or above its wage level, demand trends that move
    a sector more than 20-fold over the run, a run past the 10 years the model was
    fitted over, cohorts and a working life that grow or shrink the population,
    (given ``workers``) regions whose providers have no seats at that size, a policy
    that moves no lever or has a field another keeps from acting (``idle_fields``)."""
    out = []
    for scenario in scenarios:
        out += [
            f"scenario {scenario.name}: drivers.shocks[{i}] ({shock.kind}) starts at month "
            f"{shock.start_month} and the run's {months} months end there or before: it "
            "changes nothing in it"
            for i, shock in scenario.drivers.late_shocks(months)
        ]
        jump = scenario.drivers.carbon_price_jump_month
        if scenario.drivers.late_jump(months):
            out.append(
                f"scenario {scenario.name}: drivers.carbon_price_jump_month is {jump}, after "
                f"the run's {months} months: the jump changes nothing in it"
            )
        moved = demand_moves(scenario, months)
        if moved:
            name, change = max(moved, key=lambda pair: abs(pair[1]))
            if change > 0:
                what = (
                    "firms' targets leave their workforce far behind (they stop at "
                    f"{MAX_TARGET_GROWTH:g} times a firm's base size), and months slow down as "
                    "vacancies pile up"
                )
            else:
                what = "its firms shrink toward nothing and leave the city"
            out.append(
                f"scenario {scenario.name}: over the run's {months} months the demand trends "
                f"and shocks move {len(moved)} sector(s) more than "
                f"{math.exp(STEEP_TREND):.0f}-fold (world.sectors {name}: "
                f"{math.exp(change):.3g} times its month-0 demand): {what}"
            )
        pop = scenario.behaviour.population
        life = pop.retirement_age_years - pop.entry_age_years
        level = pop.cohort_share_per_year * life
        if abs(level - 1.0) > POPULATION_DRIFT:
            if level > 1.0 + pop.capacity_headroom:
                where = (
                    "grows toward that, fills the spare worker rows "
                    f"(population.capacity_headroom, {pop.capacity_headroom:g}) and turns "
                    "the later school leavers away"
                )
            elif level > 1.0:
                where = "grows toward that, with its job demand unchanged"
            else:
                where = "shrinks toward that, with its job demand unchanged"
            out.append(
                f"scenario {scenario.name}: population.cohort_share_per_year "
                f"({pop.cohort_share_per_year:g}) times the working life (retirement_age_years "
                f"- entry_age_years = {life:g} years) is {level:.2f}: in the long run the "
                f"population is {level:.0%} of the workers it starts with, so it {where}"
            )
        if workers is not None:
            out += [f"scenario {scenario.name}: {said}" for said in seatless(scenario, workers)]
        if months > LONG_RUN_MONTHS:
            out.append(
                f"scenario {scenario.name}: a run of {months} months, past the "
                f"{LONG_RUN_MONTHS // 12} years the model was fitted over: the sectors' demand "
                "trends go on while the labour force stays flat, so the rates drift from their "
                "fitted levels (an outside review, 4 seeds: the baseline's urban youth "
                "unemployment rate was 16.2% in year 10, 9.9% in year 15 and 3.8% in year 30, "
                "its vacancy rate 3.9%, then 8.6% in year 30); read what comes after year 10 "
                "with care (docs/ODD.md 10.2)"
            )
        if not any(region.urban for region in scenario.world.regions):
            out.append(
                f"scenario {scenario.name}: no region has urban = true, so the urban "
                "unemployment rates (what China's surveys and the calibration's targets "
                "measure) are undefined (NaN) in every month"
            )
        out += [
            f"scenario {scenario.name}: world.regions[{i}] ({region.name}) has a minimum wage "
            f"({region.min_wage_yuan_per_month:,.0f} yuan a month) at or above its wage level "
            f"({region.wage_level_yuan_per_month:,.0f}): nearly every wage there is the minimum"
            for i, region in enumerate(scenario.world.regions)
            if region.min_wage_yuan_per_month >= region.wage_level_yuan_per_month
        ]
    quo = PolicyConfig(name="none").model_dump(exclude={"name", "description"})
    for policy in policies:
        if policy.name != "none" and policy.model_dump(exclude={"name", "description"}) == quo:
            out.append(
                f"policy {policy.name}: it moves no lever from the status quo (an empty "
                "file, or every value the default): its runs are the status quo's"
            )
        out += [f"policy {policy.name}: {said}" for said in idle_fields(policy)]
    return out


def demand_moves(scenario: ScenarioConfig, months: int) -> list[tuple[str, float]]:
    """The sectors whose demand its trend and the shocks that hit it (by kind; rural
    shocks the rural sectors) move by more than ``STEEP_TREND`` in logs over a run of
    ``months``: (name, the log change), the shocks' full changes counted."""
    out = []
    for sector in scenario.world.sectors:
        change = sector.trend_per_year * months / 12 + sum(
            shock.log_change
            for shock in scenario.drivers.shocks
            if shock.start_month < months
            and (shock.kind == sector.kind or (shock.kind == "rural" and sector.rural))
        )
        if abs(change) > STEEP_TREND:
            out.append((sector.name, change))
    return out


def seatless(scenario: ScenarioConfig, workers: int) -> list[str]:
    """The seat pools (TVET, courses) whose providers in some region get no seat at
    ``workers`` workers: a provider's seats are its region's share of the city's, rounded
    (``initial.make_providers``), and small cities round them to 0 (an outside review:
    at 500 workers vouchers paid nothing, no course seat anywhere)."""
    w = scenario.world
    per = w.providers_per_region
    out = []
    for pool, rate in (
        ("TVET", w.tvet_seats_per_1000_workers),
        ("course", w.course_seats_per_1000_workers),
    ):
        if rate == 0:  # (none on purpose)
            continue
        empty = [
            r.name
            for r in w.regions
            if round(rate * workers / 1000.0 * r.population_share / per) == 0  # (as np.rint)
        ]
        if empty:
            if len(empty) > 5:  # (a city of many regions: the first few, and a count)
                empty = [*empty[:5], f"{len(empty) - 5} more regions"]
            least = min(r.population_share for r in w.regions)
            enough = math.floor(500.0 * per / (rate * least)) + 1
            out.append(
                f"at {workers:,} workers the providers of {', '.join(empty)} have no {pool} "
                f"seat (their share of {rate:g} per 1,000 workers rounds to 0), so "
                f"programmes and policies that act through {pool} seats do nothing there; "
                f"{enough:,} workers or more give every region some"
            )
    return out


def idle_fields(policy: PolicyConfig) -> list[str]:
    """Fields of ``policy`` set to act that another of its fields keeps from acting
    (an outside review: such a policy ran as the status quo, bit for bit, unsaid)."""
    out = []
    v, q, ra = policy.vouchers, policy.quality, policy.rural_access
    targeted = v.target_youth or v.target_rural or v.target_displaced
    if (v.yuan_per_month > 0 or v.enrolment_boost > 0) and not targeted:
        out.append(
            "vouchers.yuan_per_month or enrolment_boost is set, but no group is eligible "
            "(target_youth, target_rural and target_displaced are all false): the vouchers "
            "change nothing"
        )
    elif v.enrolment_boost > 0 and v.yuan_per_month == 0:
        out.append(
            "vouchers.enrolment_boost is set, but yuan_per_month is 0: a voucher needs a "
            "value, so the boost reaches no one"
        )
    if q.public_cost_yuan_per_completion > 0 and not q.assessment_certification:
        out.append(
            "quality.public_cost_yuan_per_completion is paid for the assessment standard "
            "only, and assessment_certification is false: it changes nothing"
        )
    green, core = policy.green_curricula.green_share, policy.core_skills.curriculum_share
    if green > 1.0 - core + 1e-9:  # (the floor stops at the technical share: training.py;
        # 0.2 beside 0.8 is no more than 1 - 0.8 = 0.19999999999999996: a review)
        out.append(
            f"green_curricula.green_share is {green:g}, but core_skills.curriculum_share "
            f"({core:g}) leaves {1.0 - core:g} of programme time to technical skills: the "
            f"green floor is {1.0 - core:g}, and a green share above it changes nothing"
        )
    if ra.cost_yuan_per_seat_month > 0 and ra.extra_seat_share == 0:
        out.append(
            "rural_access.cost_yuan_per_seat_month is paid for the extra seats, and "
            "extra_seat_share is 0: it changes nothing"
        )
    return out


def burn_in_key(run: RunConfig) -> tuple[str, int]:
    """What a run's burn-in depends on: runs with the same key reach the same month-0
    state bit for bit, whatever their policy (the burn-in runs under the status quo;
    tests/test_determinism.py). The config hash of the run under its status quo (its
    scenario, size and horizon), and its seed."""
    return config_hash(run.model_copy(update={"policy": run.status_quo})), int(run.seed)


def config_hash(run: RunConfig) -> str:
    """16 hex digits identifying scenario, policy, workers and months (not the seed), and
    the status quo where its levers are not all at their defaults (the shipped none.toml
    sets none: a run under it keeps the hash it had before the status quo was part of
    the run's configuration)."""
    payload = {
        "scenario": run.scenario.model_dump(mode="json"),
        "policy": run.policy.model_dump(mode="json"),
        "workers": run.workers,
        "months": run.months,
    }
    if not default_levers(run.status_quo):
        payload["status_quo"] = run.status_quo.model_dump(mode="json")
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
