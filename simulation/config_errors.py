"""Configuration errors that name the file, the field path, the value and what is allowed.

``ConfigError`` is what every loading step raises (missing file, malformed TOML, bad
``extends``, unknown name, and every pydantic validation error). ``from_validation``
turns a pydantic ``ValidationError`` into one, reading the expected type and bounds
from the model's own field definitions so the message says what *is* allowed.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import json
import math
import re
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

Loc = tuple[str | int, ...]

_MAX_VALUE_CHARS = 80


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a configuration, as one line of text."""

    file: str
    field: str = ""
    value: str = ""
    allowed: str = ""
    message: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = self.message or f"must be {self.allowed}"
        where = self.file or "(run arguments)"
        if not self.field:
            return f"{where}: {text}"
        if self.value:
            return f"{where}: {self.field} = {self.value}: {text}"
        return f"{where}: {self.field}: {text}"


COMMAND_LINE = "(command line)"  # the file a command-line value is blamed on


def path_allowed(exc: OSError, otherwise: str) -> str:
    """What a path must be, after ``exc`` (an OSError from looking at it): every part at
    most 255 bytes where a part was too long, else ``otherwise``."""
    if exc.errno == errno.ENAMETOOLONG:
        return "a path whose every part is at most 255 bytes"
    return otherwise


def as_options(
    exc: ConfigError, option_of: Mapping[str, str], files=(COMMAND_LINE,)
) -> ConfigError:
    """``exc`` with each bad value that came from the command line (a problem blamed on
    one of ``files``, and a field in ``option_of``) named as the user typed it:
    ``(command line): --seeds = 0``, not by the field it sets (``replications``)."""
    return ConfigError(
        [
            replace(p, file=COMMAND_LINE, field=option_of[p.field])
            if p.file in files and p.field in option_of
            else p
            for p in exc.problems
        ]
    )


class ConfigError(Exception):
    """A scenario, policy or run configuration that cannot be used.

    ``file``, ``field``, ``value`` and ``allowed`` describe the first problem;
    ``problems`` holds them all, and ``str()`` shows one line per problem.
    """

    def __init__(self, problems: Sequence[Problem] | Problem) -> None:
        if isinstance(problems, Problem):
            problems = [problems]
        if not problems:
            raise ValueError("ConfigError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0]
        self.file = first.file
        self.field = first.field
        self.value = first.value
        self.allowed = first.allowed
        self.line = first.line
        self.column = first.column
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across process executors
        return (ConfigError, (self.problems,))


def out_path(text: str) -> Path:
    """An ``--out`` option's path (argparse's ``type``): an empty one is refused, where
    ``Path("")`` would be the current folder, said back to the user as "--out .: the
    folder already exists"."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "an empty path (allowed: a path that does not exist yet, e.g. results/my-run)"
        )
    return Path(text)


def show_path(path: str | Path) -> str:
    """A path as shown in messages: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


def show_value(value: object) -> str:
    """A value as a message shows it: as it would be written in a TOML file (``true``,
    ``"text"``, ``[1, 2]``, ``{a = 1}``), not in Python's form, cut short if long."""
    text = _toml_form(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_form(value: object) -> str:
    if type(value).__module__ == "numpy" and getattr(value, "ndim", 1) == 0:
        value = value.item()  # a numpy scalar: its Python value
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        items = (
            f"{k if isinstance(k, str) and _BARE_KEY.fullmatch(k) else _toml_form(str(k))}"
            f" = {_toml_form(v)}"
            for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_form(v) for v in value) + "]"
    return str(value)


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ------------------------------------------------------------ describing types


def _is_model(tp: object) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _strip_optional(tp: Any) -> Any:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _walk(model: type[BaseModel], loc: Loc) -> tuple[Any, list[Any] | None, bool]:
    """Annotation and constraints at ``loc``; the bool says whether the walk succeeded."""
    tp: Any = model
    meta: list[Any] | None = None
    for part in loc:
        tp = _strip_optional(tp)
        if _is_model(tp) and isinstance(part, str) and part in tp.model_fields:
            info = tp.model_fields[part]
            tp, meta = info.annotation, list(info.metadata)
        elif isinstance(part, int) and get_origin(tp) is list:
            tp, meta = get_args(tp)[0], None
        else:
            return None, None, False
    return _strip_optional(tp), meta, True


def _bounds(meta: list[Any] | None) -> list[str]:
    out = []
    for m in meta or ():
        for attr, op in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            bound = getattr(m, attr, None)
            if bound is not None:
                out.append(f"{op} {bound:g}" if isinstance(bound, float) else f"{op} {bound}")
    return out


def _lengths(meta: list[Any] | None) -> tuple[int | None, int | None]:
    lo = hi = None
    for m in meta or ():
        lo = getattr(m, "min_length", lo)
        hi = getattr(m, "max_length", hi)
    return lo, hi


_PLURALS = {"a number": "numbers", "a whole number": "whole numbers", "a string": "strings"}


def _plural(tp: Any) -> str:
    text = describe(tp, None)
    if text in _PLURALS:
        return _PLURALS[text]
    if text == "a table" or text.startswith("a list of "):
        return text.replace("a table", "tables").replace("a list of ", "lists of ", 1)
    return f"items that are {text}"


def describe(tp: Any, meta: list[Any] | None) -> str:
    """Plain words for what a field with annotation ``tp`` and constraints ``meta`` accepts."""
    if get_origin(tp) is Literal:
        return "one of: " + ", ".join(str(a) for a in get_args(tp))
    if tp is bool:
        return "true or false"
    if tp is str:
        lo, _ = _lengths(meta)
        return "a non-empty string" if lo else "a string"
    if tp in (int, float):
        kind = "a whole number" if tp is int else "a number"
        bounds = _bounds(meta)
        return f"{kind} {' and '.join(bounds)}" if bounds else kind
    if get_origin(tp) is list:
        (item,) = get_args(tp) or (Any,)
        lo, hi = _lengths(meta)
        if lo and lo == hi:
            return f"a list of exactly {lo} {_plural(item)}"
        if lo and hi is not None:
            return f"a list of {lo} to {hi} {_plural(item)}"
        if lo == 1:
            return f"a non-empty list of {_plural(item)}"
        if lo:
            return f"a list of at least {lo} {_plural(item)}"
        return f"a list of {_plural(item)}"
    if _is_model(tp):
        return "a table"
    return "a value of the right type"


def field_names(model: type[BaseModel], loc: Loc) -> list[str]:
    tp, _, ok = _walk(model, loc)
    return list(tp.model_fields) if ok and _is_model(tp) else []


# Fields a policy may still carry from an earlier version (by their section and name):
# what replaced them.
_PER_PROVIDER = (
    "replaced by cost_yuan_per_1000_workers_month, the cost for every 1,000 workers of "
    "the city, so that spending scales with --workers: 20,000 a provider at the 12 "
    "providers of a city of 20,000 workers is 12,000"
)
RENAMED = {
    "anticipation.cost_yuan_per_month": (
        "replaced by cost_yuan_per_1000_workers_month, the cost for every 1,000 workers of "
        "the city, so that spending scales with --workers: 200,000 a month for a city of "
        "20,000 workers is 10,000"
    ),
    "core_skills.cost_yuan_per_provider_month": _PER_PROVIDER,
    "green_curricula.cost_yuan_per_provider_month": _PER_PROVIDER,
    "population.entrant_technical_skill": (
        "replaced on 2026-12-05 by entrant_field_readiness, a school leaver's technical "
        "skills as a share of the requirements of their field (a sector), not one level in "
        "every technical domain; the shipped baseline's is 0.82 (docs/ODD.md 7.9)"
    ),
    "choices.tertiary_appeal": (
        "replaced on 2026-12-05 by tertiary_entry_share, the share of school leavers who "
        "enter tertiary study (0.55 in the baseline); tertiary study is no longer one of "
        "the labour-market paths' logit (docs/ODD.md 7.5)"
    ),
}


# ---------------------------------------------------- from pydantic's errors


def _other_kinds_table(model: type[BaseModel], field: str) -> str:
    """What to say of a top-level table that belongs to the other kind of file (a
    policy's ``[subsidy]`` in a scenario file, or the reverse); "" if it does not."""
    from simulation.config import PolicyConfig, ScenarioConfig

    if model is ScenarioConfig and field in PolicyConfig.model_fields:
        return "a policy's table: a policy is a file of its own, given with --policy"
    if model is PolicyConfig and field in ScenarioConfig.model_fields:
        return "a scenario's table: a scenario is a file of its own, the run's first argument"
    return ""


def _problem(
    err: Mapping[str, Any],
    model: type[BaseModel],
    file_of: Callable[[Loc], str],
    top_file: str,
    extra_top_fields: Sequence[str],
) -> Problem:
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    file = file_of(loc)
    value = show_value(err.get("input"))
    if kind == "extra_forbidden":
        names = field_names(model, loc[:-1])
        if len(loc) == 1:
            names = [*names, *extra_top_fields]
        allowed = "one of: " + ", ".join(names) if names else "no fields here"
        close = difflib.get_close_matches(str(loc[-1]), names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        renamed = RENAMED.get(".".join(map(str, loc[-2:])))
        if renamed:
            hint = f" ({renamed})"
        elif len(loc) == 1 and (other := _other_kinds_table(model, str(loc[0]))):
            hint = f" ({other})"
        return Problem(file, dotted(loc), value, allowed, f"unknown field{hint}; must be {allowed}")
    tp, meta, ok = _walk(model, loc)
    allowed = describe(tp, meta) if ok else err["msg"]
    if kind == "finite_number":  # inf or nan (every number of a config must be finite)
        allowed = allowed.replace("a number", "a finite number", 1)
    if kind == "missing":
        return Problem(file, dotted(loc), "", allowed, f"missing; must be given as {allowed}")
    if kind in ("value_error", "assertion_error"):
        # A cross-field check: blame the file being loaded, say where the value came from.
        text = str(err.get("ctx", {}).get("error", err["msg"]))
        loc, value = _refine(loc, err.get("input"), text)
        source = file_of(loc)
        note = f" (value from {source})" if top_file and source != top_file else ""
        return Problem(top_file or source, dotted(loc), value, text, text + note)
    if not ok:
        return Problem(file, dotted(loc), value, allowed, err["msg"])
    if kind in ("too_long", "too_short") and isinstance(err.get("input"), list | tuple):
        # (a long list's value is cut short when shown: say how many it has)
        many = len(err["input"])
        return Problem(file, dotted(loc), value, allowed, f"must be {allowed} ({many} given)")
    return Problem(file, dotted(loc), value, allowed)


def _refine(loc: Loc, data: object, text: str) -> tuple[Loc, str]:
    """Point a model-level error at the field its message starts with, when it names one."""
    head = text.split(" ", 1)[0]
    parts: list[str | int] = []
    for piece in head.replace("]", "").replace("[", ".").split("."):
        parts.append(int(piece) if piece.isdigit() else piece)
    node = data
    for part in parts:
        try:
            node = node[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return loc, ""
    return (*loc, *parts), show_value(node)


def from_validation(
    exc: ValidationError,
    model: type[BaseModel],
    file_of: Callable[[Loc], str],
    top_file: str = "",
    extra_top_fields: Sequence[str] = (),
) -> ConfigError:
    """One ConfigError listing every error in ``exc`` (one line each).

    ``file_of(loc)`` names the file that set the value at ``loc``; ``top_file`` is the
    file being loaded, blamed for cross-field errors; ``extra_top_fields`` are keys
    allowed at the top level besides the model's fields (``extends``).
    """
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        p = _problem(err, model, file_of, top_file, extra_top_fields)
        if p not in problems:
            problems.append(p)
    return ConfigError(problems)


class ExecutorError(ValueError):
    """A sweep's executor cannot start: a malformed scheduler address, or a scheduler
    that does not answer (``experiment.executors``). Raised before any run is
    submitted; the command line reports it as bad input (exit 2)."""
