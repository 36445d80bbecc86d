"""From the runs' observations to the validation table: one row per fact, plus details.

A row holds the fact's figure for each seed, their mean, the 95% t interval of the mean
across seeds (cut to the values the figure can take, ``Fact.bounds``) and the verdict of
the fact's rule. The details are the distributions behind some facts (unemployment by
spell length, wages by age, the demand cycle's size) averaged over seeds.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.validation import measures
from simulation.validation.facts import FACTS, Fact, Runs, flow_shares
from simulation.validation.observe import Observation
from simulation.validation.sources import SOURCES


@dataclass
class Row:
    fact: Fact
    values: list[float]  # one per seed, in seed order
    mean: float
    ci_low: float
    ci_high: float
    verdict: str

    @property
    def measured(self) -> int:
        """Seeds that gave a figure: the mean and interval are over these only (a seed
        with no event to measure, e.g. no long-term unemployed, gives none)."""
        return int(np.isfinite(np.asarray(self.values, dtype=float)).sum())

    def record(self) -> dict:
        """The row as the machine-readable table stores it."""
        f = self.fact
        low = getattr(f.rule, "low", None)
        high = getattr(f.rule, "high", getattr(f.rule, "threshold", None))
        return {
            "fact": f.key,
            "label": f.label,
            "group": f.group,
            "unit": f.unit,
            "run": f.run,
            "simulated": self.mean,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "seeds": self.measured,
            "seeds_run": len(self.values),
            "empirical": f.empirical,
            "empirical_low": low,
            "empirical_high": high,
            "verdict": self.verdict,
            "rule": f.rule.describe(),
            "source": " | ".join(SOURCES[k] for k in f.sources),
            "how": f.how,
            "note": f.if_not if self.verdict != "reproduced" else "",
        }


def by_seed(observations: Sequence[Observation]) -> list[Runs]:
    """One ``{kind: observation}`` per seed, in seed order."""
    grouped: dict[int, dict[str, Observation]] = {}
    for obs in observations:
        grouped.setdefault(obs.replicate, {})[obs.kind] = obs
    return [grouped[r] for r in sorted(grouped)]


def rows(seeds: list[Runs], facts: Sequence[Fact] = FACTS) -> list[Row]:
    out = []
    for fact in facts:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            values = [float(fact.measure(runs)) for runs in seeds]
        mean, low, high = measures.interval(values)
        least, most = fact.bounds
        low, high = max(low, least), min(high, most)  # (NaN stays NaN)
        out.append(Row(fact, values, mean, low, high, fact.rule.verdict(mean, low, high)))
    return out


def table(result_rows: Sequence[Row]) -> pd.DataFrame:
    return pd.DataFrame([r.record() for r in result_rows])


def seed_table(result_rows: Sequence[Row], seeds: Sequence[int]) -> pd.DataFrame:
    """Long format: fact, replicate, seed, value."""
    records = [
        {"fact": r.fact.key, "replicate": i, "seed": seeds[i], "value": v}
        for r in result_rows
        for i, v in enumerate(r.values)
    ]
    return pd.DataFrame(records)


# ----------------------------------------------------------------------- details


def durations(seeds: list[Runs]) -> pd.DataFrame:
    """By spell band: share of the unemployed and monthly exit rate to a job (baseline),
    means over seeds."""
    shares = [measures.band_shares(s["baseline"].spell_counts) for s in seeds]
    hazards = [
        measures.band_hazards(s["baseline"].spell_counts, s["baseline"].spell_exits) for s in seeds
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return pd.DataFrame(
            {
                "spell": [measures.band_label(b) for b in measures.DURATION_BANDS],
                "share_of_unemployed": np.nanmean(shares, axis=0),
                "exit_rate_to_job": np.nanmean(hazards, axis=0),
            }
        )


def age_profile(seeds: list[Runs]) -> pd.DataFrame:
    """Mean wage of the employed by age band (baseline), means over months and seeds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        profile = np.nanmean([np.nanmean(s["baseline"].age_wage, axis=0) for s in seeds], axis=0)
    labels = seeds[0]["baseline"].age_bands
    return pd.DataFrame({"age": labels, "wage_mean_yuan": profile})


def cycle(seeds: list[Runs]) -> dict[str, float]:
    """How large the demand cycle's swings are, means over seeds."""
    out: dict[str, list[float]] = {
        "sd_log_unemployment": [],
        "sd_log_vacancies": [],
        "unemployment_min": [],
        "unemployment_max": [],
        "unemployment_mean": [],
        "outflow_share": [],
        "inflow_share": [],
    }
    leads = []
    for s in seeds:
        outflow, inflow = flow_shares(s)
        out["outflow_share"].append(outflow)
        out["inflow_share"].append(inflow)
        m = s["cycle"].metrics
        m = m[m["month"] >= 1]
        months = m["month"].to_numpy()
        u = m["unemployment_rate"].to_numpy(dtype=float)
        out["sd_log_unemployment"].append(float(np.std(measures.cyclical(u, months))))
        v = m["vacancy_rate"].to_numpy(dtype=float)
        out["sd_log_vacancies"].append(float(np.std(measures.cyclical(v, months))))
        out["unemployment_min"].append(float(np.min(u)))
        out["unemployment_max"].append(float(np.max(u)))
        out["unemployment_mean"].append(float(np.mean(u)))
        leads.append(
            measures.lead_correlations(measures.cyclical(u, months), measures.cyclical(v, months))
        )
    result = {k: float(np.mean(v)) for k, v in out.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        by_lead = np.nanmean(leads, axis=0)
    best = int(np.nanargmin(by_lead)) if np.isfinite(by_lead).any() else 0
    result["best_lead_quarters"] = float(best)
    result["correlation_at_best_lead"] = float(by_lead[best])
    return result


def counts(result_rows: Sequence[Row]) -> dict[str, int]:
    from simulation.validation.verdicts import VERDICTS

    return {v: sum(r.verdict == v for r in result_rows) for v in VERDICTS}
