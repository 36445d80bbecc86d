"""Firm demand: shocks, target size, entry and exit, vacancies and layoff quotas."""

import math

import numpy as np
from numba import njit

from simulation.kernels import key_caches_on_sources, parallel
from simulation.kernels.order import smallest
from simulation.kernels.scalar import greater, lesser, nonneg
from simulation.rng import normal, uniform
from simulation.state import LOG_TARGET_GROWTH, NEVER, TARGET_CAP


def update_shocks(key, alive, shock, persistence, sd, workers=None):
    """AR(1) idiosyncratic log demand shock of each live firm. Each firm's shock is its
    own (its own draw): the firms run in parallel (``parallel.run``; ``workers``, the
    model's worker rows, as there)."""
    parallel.run(
        update_shock_rows, alive.shape[0], key, alive, shock, persistence, sd, workers=workers
    )


@njit(cache=True, nogil=True)
def update_shock_rows(lo, hi, key, alive, shock, persistence, sd):
    """``update_shocks`` for the firms ``lo <= f < hi``."""
    for f in range(lo, hi):
        if alive[f] == 1:
            shock[f] = persistence * shock[f] + sd * normal(key, f, 0)


def set_targets(
    log_demand, elasticity, alive, sector, region, base_size, shock, target, workers=None
):
    """Desired employees: the part of demand not met by entry/exit scales firm size.
    Each firm's target is its own: the firms run in parallel (``parallel.run``;
    ``workers``, the model's worker rows, as there)."""
    parallel.run(
        set_target_rows, alive.shape[0], log_demand, elasticity, alive, sector, region,
        base_size, shock, target, workers=workers,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def set_target_rows(
    lo, hi, log_demand, elasticity, alive, sector, region, base_size, shock, target
):
    """``set_targets`` for the firms ``lo <= f < hi``."""
    for f in range(lo, hi):
        if alive[f] == 1:
            x = (1.0 - elasticity) * log_demand[sector[f], region[f]] + shock[f]
            x = lesser(x, LOG_TARGET_GROWTH)  # (state.MAX_TARGET_GROWTH)
            target[f] = np.int64(lesser(base_size[f] * math.exp(x), TARGET_CAP) + 0.5)
        else:
            target[f] = 0


# The most firms a cell is said to support: far above any city's firm rows, and below
# int64's limit, past which the conversion wrapped to -2^63 (a segmentation fault in
# ``exit_firms``, from a scenario of stacked green shocks: an outside review).
DESIRED_FIRMS_MOST = 1e15


@njit(cache=True)
def desired_firm_counts(log_demand, elasticity, initial_firms, out):
    """Firms each (sector, region) cell supports: the entry/exit share of demand change
    (at most ``DESIRED_FIRMS_MOST``)."""
    n_sectors, n_regions = log_demand.shape
    for s in range(n_sectors):
        for r in range(n_regions):
            count = initial_firms[s, r] * math.exp(elasticity * log_demand[s, r]) + 0.5
            if not count <= DESIRED_FIRMS_MOST:  # (NaN: 0 initial firms x an infinite exp)
                count = 0.0 if math.isnan(count) else DESIRED_FIRMS_MOST
            out[s, r] = np.int64(count)


# Exits of a cell up to which the least productive firms are picked in one pass
# (``order.smallest``) rather than by sorting the cell: a city's cells hold thousands
# of firms and lose a few dozen in a month (the combined scenario at 10,000,000 workers:
# 12 of 36 cells of 1,500-61,000 firms, 1-52 exits too many; the sorts were most of
# exit_firms' 8 ms, BENCHMARKS.md).
FEW_EXITS = 64


@njit(cache=True)
def exit_firms(
    month,
    key,
    desired,
    carbon_burden,
    exit_sensitivity,
    alive,
    sector,
    region,
    productivity,
    exit_month,
):
    """Exits: a carbon-cost hazard for each firm (monthly probability = sensitivity x
    its sector's carbon burden), then the least productive firms of cells with more
    firms than demand supports (ties to the lower row). Returns the number of exits.

    The live firms are put in their cells once (a counting sort, in row order within
    each cell), so that each cell with an excess ranks its own firms without a pass
    over every firm (a city has ~36 cells and ~800,000 firm rows)."""
    m = alive.shape[0]
    n_sectors, n_regions = desired.shape
    n_cells = n_sectors * n_regions
    exits = 0
    for f in range(m):
        if alive[f] == 1:
            burden = carbon_burden[sector[f]]
            if burden > 0.0 and uniform(key, f, 0) < exit_sensitivity * burden:
                alive[f] = 0
                exit_month[f] = month
                exits += 1
    start = np.empty(n_cells + 1, dtype=np.int64)  # cell c's firms: start[c]:start[c + 1]
    start[:] = 0
    for f in range(m):
        if alive[f] == 1:
            start[nonneg(sector[f] * n_regions + region[f] + 1)] += 1
    excess_anywhere = False
    for c in range(n_cells):
        if start[c + 1] > desired[c // n_regions, c % n_regions]:
            excess_anywhere = True
        start[c + 1] += start[c]
    if not excess_anywhere:
        return exits
    members = np.empty(start[n_cells], dtype=np.int64)
    fill = start[:n_cells].copy()
    for f in range(m):
        if alive[f] == 1:
            c = nonneg(sector[f] * n_regions + region[f])
            members[nonneg(fill[c])] = f
            fill[c] += 1
    for c in range(n_cells):
        lo = start[c]
        excess = start[c + 1] - lo - desired[c // n_regions, c % n_regions]
        if excess <= 0:
            continue
        score = np.empty(start[c + 1] - lo)
        for j in range(score.shape[0]):
            score[j] = productivity[members[lo + j]]
        order = smallest(score, 0, score.shape[0], excess, FEW_EXITS)
        for q in range(excess):
            f = members[lo + order[q]]
            alive[f] = 0
            exit_month[f] = month
            exits += 1
    return exits


@njit(cache=True)
def enter_firms(
    month,
    key,
    desired,
    avg_size,
    size_sigma,
    sector_productivity,
    sector_profile,
    req_noise,
    contribution_sd,
    provider_start,
    providers_per_region,
    alive,
    sector,
    region,
    base_size,
    shock,
    productivity,
    req,
    headcount,
    apprentices,
    entry_month,
    exit_month,
    provider,
    train_cost,
    train_benefit,
    appr_started,
    appr_extra,
):
    """Entries into cells with fewer firms than demand supports, in free rows (rows of
    firms that exited in an earlier month, so their workers have left, or never used).
    An entrant draws its size, productivity, requirement profile and its own extra
    apprentice contribution. Returns the number of entries; entries stop when no row is
    free."""
    m = alive.shape[0]
    n_sectors, n_regions = desired.shape
    n_domains = req.shape[1]
    count = np.empty((n_sectors, n_regions), dtype=np.int64)
    count[:] = 0
    for f in range(m):
        if alive[f] == 1:
            count[sector[f], region[f]] += 1
    free = 0
    entries = 0
    for s in range(n_sectors):
        for r in range(n_regions):
            need = desired[s, r] - count[s, r]
            while need > 0:
                while free < m and not (
                    alive[free] == 0 and exit_month[free] < month and headcount[free] == 0
                ):
                    free += 1
                if free >= m:
                    return entries
                f = free
                free += 1
                alive[f] = 1
                sector[f] = s
                region[f] = r
                base_size[f] = avg_size * math.exp(
                    size_sigma * normal(key, f, 0) - 0.5 * size_sigma * size_sigma
                )
                shock[f] = 0.0
                productivity[f] = sector_productivity[s] * math.exp(0.2 * normal(key, f, 2))
                for k in range(n_domains):
                    v = sector_profile[s, k] + req_noise * normal(key, f, 4 + 2 * k)
                    req[f, k] = lesser(greater(v, 0.02), 1.0)
                apprentices[f] = 0
                entry_month[f] = month
                exit_month[f] = NEVER
                provider[f] = provider_start[r] + f % providers_per_region
                train_cost[f] = 0.0
                train_benefit[f] = 0.0
                appr_started[f] = 0
                appr_extra[f] = contribution_sd * normal(key, f, 4 + 2 * n_domains)
                entries += 1
                need -= 1
    return entries


@njit(cache=True)
def post_vacancies(
    alive, target, headcount, band, vacancies, layoff_quota, vac_age, vac_apps, vac_qualified
):
    """Vacancies fill the gap to target; headcount above the tolerance band sets a layoff
    quota. A firm without vacancies starts its next vacancy spell afresh."""
    for f in range(alive.shape[0]):
        vacancies[f] = 0
        layoff_quota[f] = 0
        if alive[f] == 1:
            gap = target[f] - headcount[f]
            if gap > 0:
                vacancies[f] = gap
            else:
                limit = np.int64(math.ceil(target[f] * (1.0 + band)))
                layoff_quota[f] = greater(headcount[f] - limit, 0)
        if vacancies[f] == 0:
            vac_age[f] = 0
            vac_apps[f] = 0
            vac_qualified[f] = 0


key_caches_on_sources(globals())  # last: every kernel above
