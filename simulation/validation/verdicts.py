"""Verdicts: a stated rule turns a simulated figure and its interval into a plain word.

REPRODUCED: the mean across seeds lies in the empirical range (or, for a direction, its
whole 95% interval is on the right side). PARTLY: outside the range, but within a
tolerance (25%) of its nearer end (or, for a direction, the mean is on the right side
but the interval is not). NOT_REPRODUCED: otherwise.
NOT_MEASURED: the run gave no figure (too short, or no events to measure).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

REPRODUCED = "reproduced"
PARTLY = "partly"
NOT_REPRODUCED = "not reproduced"
NOT_MEASURED = "not measured"
VERDICTS = (REPRODUCED, PARTLY, NOT_REPRODUCED, NOT_MEASURED)


@dataclass(frozen=True)
class InRange:
    """The figure should lie in [low, high]; ``tolerance`` is the relative distance from
    the nearer end (a share of its absolute value) that still counts as partly."""

    low: float
    high: float
    tolerance: float = 0.25

    def verdict(self, mean: float, ci_low: float, ci_high: float) -> str:
        if math.isnan(mean):
            return NOT_MEASURED
        if self.low <= mean <= self.high:
            return REPRODUCED
        nearest = self.low if mean < self.low else self.high
        if abs(mean - nearest) <= self.tolerance * abs(nearest):
            return PARTLY
        return NOT_REPRODUCED

    def describe(self) -> str:
        return (
            f"reproduced if the mean over seeds is in [{self.low:g}, {self.high:g}]; "
            f"partly if it is outside by at most {self.tolerance:.0%} of the nearer end's "
            "absolute value; otherwise not reproduced"
        )


@dataclass(frozen=True)
class Below:
    """The figure should be below ``threshold`` (a direction, not a level)."""

    threshold: float

    def verdict(self, mean: float, ci_low: float, ci_high: float) -> str:
        if math.isnan(mean):
            return NOT_MEASURED
        if mean < self.threshold:
            return REPRODUCED if not math.isnan(ci_high) and ci_high < self.threshold else PARTLY
        return NOT_REPRODUCED

    def describe(self) -> str:
        return (
            f"reproduced if the whole 95% interval is below {self.threshold:g}; partly if "
            "only the mean is; otherwise not reproduced"
        )


Rule = InRange | Below
