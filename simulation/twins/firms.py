"""Twin of ``simulation.kernels.firms``: shocks, targets, entry and exit, vacancies."""

from __future__ import annotations

import math

from simulation.rng import py_normal, py_uniform
from simulation.state import LOG_TARGET_GROWTH, NEVER, TARGET_CAP


def next_shock(shock: float, persistence: float, sd: float, z: float) -> float:
    """AR(1) step of a firm's log demand shock with a standard normal innovation ``z``."""
    return persistence * shock + sd * z


def update_shocks(key, alive, shock, persistence, sd):
    k = int(key)
    for f in range(alive.shape[0]):
        if alive[f] == 1:
            shock[f] = next_shock(float(shock[f]), persistence, sd, py_normal(k, f, 0))


def firm_target(log_demand: float, elasticity: float, base_size: float, shock: float) -> int:
    """Desired employees: base size scaled by the part of demand entry/exit does not
    absorb, and by the firm's own shock; rounded half up; at most ``MAX_TARGET_GROWTH``
    times its base size and ``TARGET_CAP``."""
    x = min((1.0 - elasticity) * log_demand + shock, LOG_TARGET_GROWTH)
    return int(min(base_size * math.exp(x), TARGET_CAP) + 0.5)


def set_targets(log_demand, elasticity, alive, sector, region, base_size, shock, target):
    for f in range(alive.shape[0]):
        if alive[f] == 1:
            target[f] = firm_target(
                float(log_demand[sector[f], region[f]]),
                elasticity,
                float(base_size[f]),
                float(shock[f]),
            )
        else:
            target[f] = 0


def desired_firm_counts(log_demand, elasticity, initial_firms, out):
    n_sectors, n_regions = log_demand.shape
    for s in range(n_sectors):
        for r in range(n_regions):
            try:
                scale = math.exp(elasticity * float(log_demand[s, r]))
            except OverflowError:
                scale = math.inf
            count = int(initial_firms[s, r]) * scale + 0.5
            out[s, r] = 0 if math.isnan(count) else int(min(count, 1e15))


def _close(f, month, alive, exit_month):
    alive[f] = 0
    exit_month[f] = month


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
    """Carbon-cost exits first (monthly probability = sensitivity x the sector's carbon
    burden); then, in each cell with more firms than demand supports, the least
    productive firms (ties: lower row)."""
    k = int(key)
    m = alive.shape[0]
    exits = 0
    for f in range(m):
        burden = float(carbon_burden[sector[f]])
        if alive[f] == 1 and carbon_exit(burden, exit_sensitivity, py_uniform(k, f, 0)):
            _close(f, month, alive, exit_month)
            exits += 1
    n_sectors, n_regions = desired.shape
    members = {(s, r): [] for s in range(n_sectors) for r in range(n_regions)}
    for f in range(m):
        if alive[f] == 1:
            members[int(sector[f]), int(region[f])].append(f)
    for s in range(n_sectors):
        for r in range(n_regions):
            excess = len(members[s, r]) - int(desired[s, r])
            for f in least_productive(members[s, r], lambda f: float(productivity[f]), excess):
                _close(f, month, alive, exit_month)
                exits += 1
    return exits


def carbon_exit(burden: float, sensitivity: float, u: float) -> bool:
    """Whether a firm closes under its sector's carbon burden (monthly probability
    sensitivity x burden; ``u`` its uniform draw)."""
    return burden > 0.0 and u < sensitivity * burden


def least_productive(members, productivity, excess: int) -> list:
    """The ``excess`` members of an overcrowded cell that exit: lowest ``productivity(f)``
    first, ties to the earlier member (members are in row order)."""
    if excess <= 0:
        return []
    return sorted(members, key=productivity)[:excess]


def row_is_free(f, month, alive, exit_month, headcount) -> bool:
    """A firm row can take an entrant once its firm exited in an earlier month and all
    its workers have left, or if it was never used (exit month ``NEVER``)."""
    return alive[f] == 0 and exit_month[f] < month and headcount[f] == 0


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
    """Entrants fill the cells short of firms, cell by cell, taking free rows in row
    order; each draws its size, productivity, requirement profile and its own extra
    apprentice contribution (months of its skilled wage, sd ``contribution_sd``).
    Entry stops when no row is free."""
    k = int(key)
    m = alive.shape[0]
    n_sectors, n_regions = desired.shape
    n_domains = req.shape[1]
    count = {(s, r): 0 for s in range(n_sectors) for r in range(n_regions)}
    for f in range(m):
        if alive[f] == 1:
            count[int(sector[f]), int(region[f])] += 1
    free = 0
    entries = 0
    for s in range(n_sectors):
        for r in range(n_regions):
            need = int(desired[s, r]) - count[s, r]
            while need > 0:
                while free < m and not row_is_free(free, month, alive, exit_month, headcount):
                    free += 1
                if free >= m:
                    return entries
                f = free
                free += 1
                alive[f] = 1
                sector[f] = s
                region[f] = r
                size, prod, req_row, extra = entrant_draws(
                    k, f, s, avg_size, size_sigma, sector_productivity, sector_profile,
                    req_noise, contribution_sd, n_domains,
                )  # fmt: skip
                base_size[f] = size
                shock[f] = 0.0
                productivity[f] = prod
                req[f, :] = req_row
                apprentices[f] = 0
                entry_month[f] = month
                exit_month[f] = NEVER
                provider[f] = int(provider_start[r]) + f % providers_per_region
                train_cost[f] = 0.0
                train_benefit[f] = 0.0
                appr_started[f] = 0
                appr_extra[f] = extra
                entries += 1
                need -= 1
    return entries


def entrant_draws(
    k, f, s, avg_size, size_sigma, sector_productivity, sector_profile, req_noise,
    contribution_sd, n_domains,
):  # fmt: skip
    """A new firm of sector ``s`` on row ``f`` (draws under stream key ``k``): (base size,
    productivity, skill requirement row, own extra apprentice contribution)."""
    z = py_normal(k, f, 0)
    size = avg_size * math.exp(size_sigma * z - 0.5 * size_sigma * size_sigma)
    productivity = float(sector_productivity[s]) * math.exp(0.2 * py_normal(k, f, 2))
    req_row = []
    for d in range(n_domains):
        v = float(sector_profile[s, d]) + req_noise * py_normal(k, f, 4 + 2 * d)
        req_row.append(min(max(v, 0.02), 1.0))
    extra = contribution_sd * py_normal(k, f, 4 + 2 * n_domains)
    return size, productivity, req_row, extra


def vacancies_and_quota(target: int, headcount: int, band: float) -> tuple[int, int]:
    """(vacancies, layoff quota) of a live firm: vacancies fill the gap to target; a
    headcount above target times (1 + band), rounded up, is laid off."""
    gap = target - headcount
    if gap > 0:
        return gap, 0
    limit = int(math.ceil(target * (1.0 + band)))
    return 0, max(headcount - limit, 0)


def post_vacancies(
    alive, target, headcount, band, vacancies, layoff_quota, vac_age, vac_apps, vac_qualified
):
    for f in range(alive.shape[0]):
        vac, quota = 0, 0
        if alive[f] == 1:
            vac, quota = vacancies_and_quota(int(target[f]), int(headcount[f]), band)
        vacancies[f] = vac
        layoff_quota[f] = quota
        if vac == 0:  # the next vacancy spell starts afresh
            vac_age[f] = 0
            vac_apps[f] = 0
            vac_qualified[f] = 0
