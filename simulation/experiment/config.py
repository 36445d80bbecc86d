"""Typed experiment models: scenarios x policies x a parameter design x replications.

An experiment file (TOML, in ``experiments/``) is validated against these models the
way scenario files are: unknown fields, wrong types and out-of-range values are
reported with the file, the field path, the value and what is allowed.
"""

from __future__ import annotations

import math
from typing import Any, Literal, get_args

from pydantic import Field, field_validator, model_validator

from simulation.config import Strict

# Tables a sweep can keep per run: the monthly metrics (always) and the breakdowns of
# ``SkillsModel.breakdown`` (``cell``: the employed by employer's sector x worker's region;
# ``transitions``: the workers by status at the month's start and end;
# ``region_transitions``: the same by region, with the moves between regions).
Table = Literal[
    "metrics", "region", "sector", "cohort", "cell", "transitions", "region_transitions"
]
TABLES: tuple[str, ...] = get_args(Table)


class ParameterRange(Strict):
    """One swept input: a scenario or policy field (or a group of switches) and its range.

    ``path`` names one field by dotted path from ``scenario`` or ``policy``
    (``policy.subsidy.yuan_per_year``); ``paths`` names several that move together.
    A number field takes the sampled value (rounded for whole-number fields); for true
    or false fields the sampled value, rounded, is how many of ``paths`` (in order)
    are switched on, so a group of five switches spans 0..5.
    """

    name: str = Field("", description="column name in the results (default: the path)")
    path: str = Field("", description="dotted field path, e.g. policy.subsidy.yuan_per_year")
    paths: list[str] = Field(
        default_factory=list, description="several dotted paths that take one sampled value"
    )
    low: float | None = Field(None, description="lower end of the range")
    high: float | None = Field(None, description="upper end of the range")
    values: list[float] = Field(
        default_factory=list, description="explicit levels (grid design only)"
    )

    @field_validator("low", "high", "values", mode="before")
    @classmethod
    def _no_true_or_false(cls, v: Any) -> Any:
        if isinstance(v, bool) or (isinstance(v, list) and any(isinstance(x, bool) for x in v)):
            raise ValueError(
                "true and false are not levels: for true-or-false fields a level is how many "
                "of the paths are on (0 or 1 for one path)"
            )
        return v

    @model_validator(mode="after")
    def _one_target_and_a_range(self) -> ParameterRange:
        if bool(self.path) == bool(self.paths):
            raise ValueError("path or paths must be given (one of them, not both)")
        if self.values:
            if self.low is not None or self.high is not None:
                raise ValueError("values or low and high must be given (not both)")
            twice = [v for i, v in enumerate(self.values) if v in self.values[:i]]
            if twice:  # (its points would repeat each other's runs)
                raise ValueError(
                    f"values lists {twice[0]:g} twice (allowed: each level once; "
                    "replications repeat a point with other seeds)"
                )
        elif self.low is None or self.high is None:
            raise ValueError("low and high must both be given (or values, for a grid)")
        elif not self.low < self.high:
            raise ValueError(f"high must be above low ({self.low:g})")
        return self

    @property
    def targets(self) -> list[str]:
        return [self.path] if self.path else list(self.paths)

    @property
    def label(self) -> str:
        return self.name or self.path or "+".join(self.paths)

    @property
    def bounds(self) -> tuple[float, float]:
        if self.values:
            return (min(self.values), max(self.values))
        return (float(self.low), float(self.high))  # type: ignore[arg-type]


# The most runs one sweep plans: its plan holds one entry per run, and a grid of many
# parameters at many levels multiplies (1000 levels of three parameters are 10^9 points,
# which filled a 23 GB machine before anything ran). A million runs is days of a
# cluster's time; a larger study is several sweeps.
MAX_RUNS = 1_000_000


class DesignConfig(Strict):
    kind: Literal["grid", "lhs", "sobol", "morris"] = Field(
        "grid",
        description="grid: every combination of levels; lhs: Latin hypercube; sobol: Saltelli/"
        "Sobol sequence for Sobol indices; morris: elementary-effects trajectories",
    )
    samples: int = Field(
        16,
        ge=1,
        le=1_000_000,
        description="lhs: design points; sobol: base sample N (a power of 2; N x (D + 2) "
        "points, N x (2D + 2) with second order); morris: trajectories (N x (D + 1) points)",
    )
    levels: int = Field(
        4, ge=2, le=1000, description="grid: levels per parameter without values; morris: levels"
    )
    second_order: bool = Field(False, description="sobol: also second-order indices")

    @model_validator(mode="after")
    def _keys_of_its_kind(self) -> DesignConfig:
        """A key another kind of design takes is refused, not ignored (a sobol design's
        ``levels`` was read as meaning something); Morris levels are even (SALib: an
        odd number biases the sample, never reaching the range's top)."""
        given, kind = self.model_fields_set, self.kind
        takes = {
            "samples": ("lhs", "sobol", "morris"),
            "levels": ("grid", "morris"),
            "second_order": ("sobol",),
        }
        for key, kinds in takes.items():
            if key in given and kind not in kinds:
                raise ValueError(
                    f"{key} is for {' and '.join(kinds)} designs, not {kind}: remove it"
                )
        if kind == "morris" and self.levels % 2:
            raise ValueError(
                f"levels must be even for a morris design (got {self.levels}: an odd number "
                "of levels biases the sample, which never reaches the range's top)"
            )
        return self


class ExperimentConfig(Strict):
    name: str = Field(min_length=1, description="experiment name (default: the file's stem)")
    description: str = ""
    scenarios: list[str] = Field(
        min_length=1, description="scenario names from scenarios/ or .toml paths"
    )
    policies: list[str] = Field(
        min_length=1,
        description='policy names from scenarios/policies/ or .toml paths; "a+b" combines',
    )
    baseline_policy: str = Field(
        "none",
        min_length=1,
        description="the counterfactual policy effects are measured against; when given, "
        "one of policies (by name)",
    )
    replications: int = Field(5, ge=1, le=100_000, description="seeds per design point")
    root_seed: int = Field(
        0, ge=0, lt=2**63, description="every run seed derives from it (numpy SeedSequence)"
    )
    workers: int = Field(20_000, ge=100, le=100_000_000, description="workers per run")
    months: int = Field(120, ge=1, le=1200, description="horizon of each run in months")
    keep: list[Table] = Field(
        default_factory=lambda: ["metrics"],
        min_length=1,
        description="tables written per run (metrics always)",
    )
    design: DesignConfig = DesignConfig()
    parameters: list[ParameterRange] = Field(
        default_factory=list, description="swept scenario and policy fields"
    )

    @model_validator(mode="after")
    def _consistent(self) -> ExperimentConfig:
        if "metrics" not in self.keep:
            raise ValueError("keep must include metrics")
        twice = sorted({t for t in self.keep if self.keep.count(t) > 1})
        if twice:
            raise ValueError(f"keep must name each table once ({', '.join(twice)} more than once)")
        if "design" in self.model_fields_set and not self.parameters:
            raise ValueError(
                "design is given without [[parameters]] for it to vary: a comparison of "
                "scenarios and policies alone needs no [design] (remove it, or add parameters)"
            )
        labels = [p.label for p in self.parameters]
        if len(set(labels)) != len(labels):
            raise ValueError("parameters must have distinct names")
        if self.design.kind != "grid" and any(p.values for p in self.parameters):
            raise ValueError(
                f"parameters values are for grid designs; a {self.design.kind} design needs "
                "low and high"
            )
        if self.design.kind == "sobol" and self.parameters:
            n = self.design.samples
            if n & (n - 1):
                raise ValueError(f"design.samples must be a power of 2 for sobol (got {n})")
        if self.design.kind in ("sobol", "morris") and len(self.parameters) < 2:
            raise ValueError(f"parameters must number at least 2 for a {self.design.kind} design")
        runs = self.design_points * len(self.scenarios) * len(self.policies) * self.replications
        if runs > MAX_RUNS:
            if self.design.kind != "grid":
                fewer = "lower design.samples"
            elif all(p.values for p in self.parameters):
                fewer = "fewer parameter values"
            else:
                fewer = "lower design.levels"
            counts = (
                (self.design_points, "design point", "design points"),
                (len(self.scenarios), "scenario", "scenarios"),
                (len(self.policies), "policy", "policies"),
                (self.replications, "seed", "seeds"),
            )
            factors = " x ".join(f"{n:,} {one if n == 1 else many}" for n, one, many in counts)
            raise ValueError(
                f"{factors} = {runs:,} runs: at most {MAX_RUNS:,} in one sweep ({fewer}; "
                "fewer seeds (replications, --seeds), parameters, scenarios or policies; or "
                "several sweeps)"
            )
        return self

    @property
    def design_points(self) -> int:
        """The number of design points (``design.matrix``'s rows), counted without
        building them."""
        d, params = self.design, self.parameters
        if not params:
            return 1
        k = len(params)
        if d.kind == "grid":
            return math.prod(len(p.values) if p.values else d.levels for p in params)
        if d.kind == "lhs":
            return d.samples
        if d.kind == "sobol":
            return d.samples * (2 * k + 2 if d.second_order else k + 2)
        return d.samples * (k + 1)
