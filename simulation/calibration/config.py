"""The targets file: what a calibration fits, to which figures, over which parameters.

A targets file (TOML, in ``calibration/``) names the scenario and policy to fit, the
run size, the moments with their empirical value, acceptable range and source, and
the scenario fields to search with their ranges. It is validated like a scenario:
unknown fields, wrong types, unknown moments and paths, and ranges the scenario
rejects are reported with the file, the field, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from simulation import loading
from simulation.calibration.moments import MOMENTS
from simulation.config import PolicyConfig, ScenarioConfig, Strict
from simulation.config_errors import ConfigError, Problem, show_path, show_value
from simulation.experiment.config import ParameterRange
from simulation.experiment.loading import (
    COMMAND_LINE,
    Target,
    apply,
    by_root,
    find_file,
    load_ref,
    read_file,
    resolve_path,
)
from simulation.experiment.loading import settings as field_settings


class TargetMoment(Strict):
    """One empirical figure the model should reproduce."""

    moment: str = Field(min_length=1, description="a moment of simulation.calibration.moments")
    value: float = Field(description="the empirical figure")
    low: float = Field(description="lower end of the acceptable range")
    high: float = Field(description="upper end of the acceptable range")
    source: str = Field(min_length=1, description="where the figure comes from")

    @model_validator(mode="after")
    def _range(self) -> TargetMoment:
        if not self.low < self.high:
            raise ValueError(f"high must be above low ({self.low:g})")
        if not self.low <= self.value <= self.high:
            raise ValueError(f"value must lie in [low, high] = [{self.low:g}, {self.high:g}]")
        return self


# The file's moments start after its horizon: blamed on --months when that was given.
FIRST_MONTH_AFTER_HORIZON = "first_month must be at most months"
# evaluations.parquet's own columns (calibration.output.evaluations_frame), beside one a
# parameter and one a target moment
EVALUATION_COLUMNS = ("point", "stage", "objective", "cpu_seconds")


class CalibrationConfig(Strict):
    name: str = Field(min_length=1, description="calibration name (default: the file's stem)")
    description: str = ""
    scenario: str = Field(min_length=1, description="scenario name or .toml path to fit")
    policy: str = Field("none", min_length=1, description="policy the moments are measured under")
    workers: int = Field(20_000, ge=100, le=100_000_000, description="workers per run")
    months: int = Field(60, ge=1, le=1200, description="policy months simulated per run")
    first_month: int = Field(
        1, ge=0, le=1200, description="moments average months first_month..months"
    )
    replications: int = Field(4, ge=2, le=1000, description="seeds per evaluated point")
    root_seed: int = Field(0, ge=0, lt=2**63, description="the seeds derive from it")
    budget: int = Field(
        96, ge=1, le=100_000, description="parameter points evaluated (search + refinement)"
    )
    lhs_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="share of the budget spent on the Latin hypercube before the local "
        "search (0: refine from the scenario's own values)",
    )
    targets: list[TargetMoment] = Field(min_length=1, description="the moments to fit")
    parameters: list[ParameterRange] = Field(
        default_factory=list, description="scenario fields searched, with their ranges"
    )

    @model_validator(mode="after")
    def _consistent(self) -> CalibrationConfig:
        if self.first_month > self.months:
            raise ValueError(f"{FIRST_MONTH_AFTER_HORIZON} ({self.months})")
        for what, names in (
            ("targets", [t.moment for t in self.targets]),
            ("parameters", [p.label for p in self.parameters]),
        ):
            twice = [(i, n) for i, n in enumerate(names) if n in names[:i]]
            if twice:
                i, n = twice[0]
                kind = "moments" if what == "targets" else "names"
                raise ValueError(
                    f"{what}[{i}] repeats {what}[{names.index(n)}] ({n}): {what} must name "
                    f"distinct {kind}"
                )
        if any(p.values for p in self.parameters):
            raise ValueError("parameters take low and high (values are for grid sweeps)")
        if not self.parameters and self.budget > 1:
            raise ValueError(
                f"no [[parameters]] to search, and budget = {self.budget}: a search needs "
                "at least one parameter (budget = 1, or --budget 1, checks the scenario as "
                "it is)"
            )
        return self


@dataclass(frozen=True)
class Calibration:
    """A targets file as resolved: validated, its scenario and policy loaded."""

    config: CalibrationConfig
    source: str  # the file, as shown in messages
    path: Path
    scenario: ScenarioConfig
    policy: PolicyConfig
    fields: dict[str, list[Target]]  # parameter label -> the fields it sets

    @property
    def names(self) -> list[str]:
        return [p.label for p in self.config.parameters]

    @property
    def bounds(self) -> list[tuple[float, float]]:
        return [p.bounds for p in self.config.parameters]

    def as_run(self, name: str, x: float) -> str:
        """Parameter ``name``'s value ``x`` as the model runs it: a whole number for a
        whole-number field (10, not the sampled 10.3: a value copied from the report
        must be one the scenario accepts), else four significant digits."""
        whole = any(t.kind is int for t in self.fields[name])
        return f"{int(round(x))}" if whole and math.isfinite(x) else f"{x:.4g}"

    def applied(self, x) -> tuple[float, ...]:
        """The point ``x`` as the model runs it: whole-number fields rounded (half to
        even, as ``field_settings`` sets them)."""
        return tuple(
            float(round(v)) if any(t.kind is int for t in self.fields[name]) else float(v)
            for name, v in zip(self.names, x, strict=True)
        )

    def scenario_at(self, x: list[float]) -> ScenarioConfig:
        """The scenario with every searched field set to its value in ``x``."""
        pairs = [
            pair
            for name, value in zip(self.names, x, strict=True)
            for pair in field_settings(self.fields[name], float(value))
        ]
        if not pairs:
            return self.scenario
        return apply(self.scenario, by_root(pairs)["scenario"])

    def start(self) -> list[float] | None:
        """The scenario's own values of the searched fields, if all lie in their ranges
        and the fields a parameter sets together (its ``paths``) hold one value: else
        None (the search starts from the centre of the ranges)."""
        out = []
        for p in self.config.parameters:
            values = set()
            for target in self.fields[p.label]:
                node: Any = self.scenario
                for key in target.keys:
                    node = getattr(node, key)
                if isinstance(node, bool) or not p.bounds[0] <= float(node) <= p.bounds[1]:
                    return None
                values.add(float(node))
            if len(values) > 1:  # no one value of the parameter is the scenario as it is
                return None
            out.append(values.pop())
        return out


SHIPPED_CALIBRATION = Path(__file__).resolve().parents[2] / "calibration"


def locate(ref: str) -> Path:
    """A targets file by path, or by name in calibration/ (one's own, then the shipped)."""
    return find_file(ref, loading.own_then_shipped(SHIPPED_CALIBRATION), "TARGETS")


# Units of the metrics that grow with the model city (README: counts and spending are
# for a city of ``workers``), and spending, whose unit (yuan per month) a wage shares.
SIZED_UNITS = frozenset(
    {"workers", "per month", "workers per month", "jobs", "firms per month", "slots", "firms"}
)


def sized_targets(cal: Calibration) -> list[str]:
    """The target moments of ``cal`` that grow with the number of workers (a count, or
    public spending): a target stated for one size is no target at another."""
    from simulation import metrics

    out = []
    for t in cal.config.targets:
        known = metrics.BY_NAME.get(t.moment)
        if known is not None and (known.unit in SIZED_UNITS or t.moment.startswith("spending_")):
            out.append(t.moment)
    return out


def load_calibration(
    path: str | os.PathLike[str], overrides: dict[str, Any] | None = None
) -> Calibration:
    """Read, validate and resolve a targets file. ``overrides`` (``workers``, ``months``,
    ``replications``, ``root_seed``, ``budget``) replace the file's values and are
    blamed on the command line when they are wrong."""
    path = Path(path)
    try:
        config = read_file(path, CalibrationConfig, overrides, "a targets file")
    except ConfigError as exc:
        months = (overrides or {}).get("months")
        if months is not None and any(FIRST_MONTH_AFTER_HORIZON in str(p) for p in exc.problems):
            # a horizon given on the command line that ends before the file's window starts
            allowed = f"a horizon of at least first_month, the first month of {show_path(path)}"
            raise ConfigError(
                Problem(COMMAND_LINE, "months", show_value(months), allowed)
            ) from None
        raise
    shown = show_path(path)
    for i, t in enumerate(config.targets):
        if t.moment not in MOMENTS:
            close = difflib.get_close_matches(t.moment, list(MOMENTS), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            allowed = "a moment listed by `skillsim calibrate --list-moments`"
            msg = f"unknown moment{hint}; must be {allowed}"
            raise ConfigError(
                Problem(shown, f"targets[{i}].moment", show_value(t.moment), allowed, msg)
            )
        lo, hi = MOMENTS[t.moment].bounds
        for end in ("value", "low", "high"):  # (a share written in percent: 5.5 for 5.5%)
            x = getattr(t, end)
            if not lo <= x <= hi:
                allowed = (
                    "a share from 0 to 1 (5.5% is 0.055)"
                    if (lo, hi) == (0.0, 1.0)
                    else f"a value from {lo:g} to {hi:g}, the values {t.moment} can take"
                )
                raise ConfigError(Problem(shown, f"targets[{i}].{end}", show_value(x), allowed))
        needs = MOMENTS[t.moment].needs(config.first_month, config.months)
        if needs is not None:
            window = f"months {config.first_month}-{config.months}"
            msg = f"needs {needs}; the window is {window}"
            if (overrides or {}).get("months") is not None:
                raise ConfigError(
                    Problem(COMMAND_LINE, "months", show_value(config.months), needs, msg)
                )
            raise ConfigError(
                Problem(shown, f"targets[{i}].moment", show_value(t.moment), needs, msg)
            )
    # evaluations.parquet has a column per parameter and per moment, and its own columns
    taken = {t.moment for t in config.targets} | set(EVALUATION_COLUMNS)
    for i, p in enumerate(config.parameters):
        if p.label in taken:
            field = f"parameters[{i}].name"
            allowed = "a name that is not a target's moment nor one of " + ", ".join(
                EVALUATION_COLUMNS
            )
            msg = (
                f"{p.label!r} names a target's moment or a column of evaluations.parquet too "
                f"(a parameter without a name takes its field's); must be {allowed}"
            )
            raise ConfigError(Problem(shown, field, show_value(p.label), allowed, msg))
    scenario = load_ref(config.scenario, "scenario", "scenario", path, loading.load_scenario)
    policy = load_ref(config.policy, "policy", "policy", path, loading.load_policy)
    fields = {}
    owner: dict[str, str] = {}  # dotted field -> the parameter that sets it
    for i, p in enumerate(config.parameters):
        field = f"parameters[{i}].path" if p.path else f"parameters[{i}].paths"
        given = show_value(p.path if p.path else p.targets)  # (as the file writes it)
        targets = [resolve_path(dotted, field, shown) for dotted in p.targets]
        if any(t.root != "scenario" for t in targets):
            allowed = "a dotted path starting with scenario. (a calibration fits the scenario)"
            raise ConfigError(Problem(shown, field, given, allowed))
        if any(t.kind is bool for t in targets):
            allowed = "a path to a number field"
            raise ConfigError(Problem(shown, field, given, allowed))
        for t in targets:
            dotted = ".".join((t.root, *t.keys))
            if dotted in owner:  # two values for one field: one would silently be lost
                first = owner[dotted]
                allowed = "a field no other parameter sets (each field is fitted once)"
                msg = (
                    f"{dotted} is already set by {first}; must be {allowed}: "
                    "drop one, or list the fields that move together in one parameter's paths"
                )
                raise ConfigError(Problem(shown, field, given, allowed, msg))
            owner[dotted] = f"parameters[{i}] ({p.label})"
        fields[p.label] = targets
    cal = Calibration(config, shown, path, scenario, policy, fields)
    for i, p in enumerate(config.parameters):
        for end, value in (("low", p.low), ("high", p.high)):
            pairs = field_settings(fields[p.label], float(value))
            try:
                apply(scenario, pairs)
            except ConfigError as exc:
                shown_value = show_value(int(value) if float(value).is_integer() else value)
                problem = exc.problems[0]
                own_bounds = problem.allowed and not problem.message.startswith(problem.allowed)
                if not own_bounds and _allowed_beside(scenario, config, fields, i, pairs):
                    continue  # (a rule with a searched field, kept at another of its values)
                if own_bounds:
                    allowed = problem.allowed  # a field's own bounds
                    msg = f"scenario.{exc.field} = {shown_value} is not allowed: must be {allowed}"
                else:  # a rule between fields: its own words (no "must be" before them)
                    allowed = problem.allowed or problem.message
                    msg = f"{p.label} = {shown_value} is not allowed: {allowed}"
                raise ConfigError(
                    Problem(shown, f"parameters[{i}].{end}", shown_value, allowed, msg)
                ) from None
    return cal


def _allowed_beside(scenario, config, fields, i: int, pairs) -> bool:
    """Whether parameter ``i``'s end (``pairs``) is allowed with another searched field at
    an end of its range: a rule between two searched fields (the final year shorter
    than the programme) refused an end that the search, moving both, can use (the
    points that break it are refused as the search meets them, ``fit.Evaluation``)."""
    for j, q in enumerate(config.parameters):
        if j == i:
            continue
        for value in (q.low, q.high):
            try:
                apply(scenario, [*pairs, *field_settings(fields[q.label], float(value))])
            except ConfigError:
                continue
            return True
    return False
