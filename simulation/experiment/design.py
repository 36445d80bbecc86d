"""Designs (the points of a parameter space) and replication seeds.

A design is a matrix with one row per point and one column per parameter, in the
order of ``ExperimentConfig.parameters``. Without parameters it has one empty row.
Seeds derive from the experiment's root seed through numpy's SeedSequence: the first
child gives the replication seeds (the same for every scenario, policy and point, so
runs that differ only in policy share their random draws), the second the seed of the
design's own sampling. Asking for more replications keeps the earlier seeds.
"""

from __future__ import annotations

import itertools

import numpy as np

from simulation.experiment.config import ExperimentConfig


def _children(root_seed: int) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(root_seed).spawn(2)


def replication_seeds(root_seed: int, n: int) -> list[int]:
    """``n`` run seeds in 0..2**63 - 1; the first k do not depend on ``n``."""
    words = _children(root_seed)[0].generate_state(n, np.uint64)
    return [int(w >> np.uint64(1)) for w in words]


def design_seed(root_seed: int) -> int:
    return int(_children(root_seed)[1].generate_state(1, np.uint32)[0])


def problem(config: ExperimentConfig) -> dict:
    """The SALib problem: parameter names and bounds."""
    return {
        "num_vars": len(config.parameters),
        "names": [p.label for p in config.parameters],
        "bounds": [list(p.bounds) for p in config.parameters],
    }


def matrix(config: ExperimentConfig) -> np.ndarray:
    """The design points, shape (points, parameters)."""
    params, d = config.parameters, config.design
    if not params:
        return np.zeros((1, 0))
    seed = design_seed(config.root_seed)
    if d.kind == "grid":
        axes = [p.values or list(np.linspace(*p.bounds, d.levels)) for p in params]
        return np.array(list(itertools.product(*axes)), dtype=float)
    if d.kind == "lhs":
        from SALib.sample import latin

        return latin.sample(problem(config), d.samples, seed=seed)
    if d.kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem(config), d.samples, calc_second_order=d.second_order, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem(config), d.samples, num_levels=d.levels, seed=seed)
