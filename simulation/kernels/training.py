"""Training providers: the skill demand signal, forecasts, curricula, seats."""

import numpy as np
from numba import njit

from simulation.kernels import key_caches_on_sources
from simulation.kernels.memory import AHEAD, prefetch_row, rows_with
from simulation.kernels.scalar import greater, lesser, nonneg
from simulation.rng import normal
from simulation.state import Status


@njit(cache=True)
def skill_demand(alive, vacancies, target, req, status, skills, supply, out):
    """Observed skill shortages by domain, as shares summing to 1: open vacancies weighted
    by how far their requirement exceeds the mean skill of job seekers (``supply``,
    filled here). Falls back to plain requirement-weighted vacancies, then jobs, when
    there is no shortfall."""
    n_domains = out.shape[0]
    supply[:] = 0.0
    seekers = 0
    rows = rows_with(status, Status.UNEMPLOYED)  # (in row order: the same sums)
    for j in range(rows.shape[0]):
        if j + AHEAD < rows.shape[0]:
            prefetch_row(skills, rows[j + AHEAD])
        i = nonneg(rows[j])
        seekers += 1
        for k in range(n_domains):
            supply[k] += skills[i, k]
    if seekers > 0:
        supply /= seekers
    out[:] = 0.0
    open_total = 0
    for f in range(alive.shape[0]):
        if alive[f] == 1:
            open_total += vacancies[f]
    for f in range(alive.shape[0]):
        if alive[f] == 1 and vacancies[f] > 0:
            for k in range(n_domains):
                out[k] += vacancies[f] * greater(req[f, k] - supply[k], 0.0)
    total = 0.0
    for k in range(n_domains):  # out.sum(), without numba's sum
        total += out[k]
    if total <= 0.0:
        for f in range(alive.shape[0]):
            if alive[f] == 1:
                w = vacancies[f] if open_total > 0 else target[f]
                for k in range(n_domains):
                    out[k] += w * req[f, k]
        total = 0.0
        for k in range(n_domains):
            total += out[k]
    if total > 0.0:
        out /= total


@njit(cache=True)
def plan_curricula(
    key, lagged, foresight_delta, noise_sd, core_share, green_share, green_domain, adjust, mix
):
    """Quarterly planning: each provider's target mix is its noisy forecast of the lagged
    demand signal (plus the projected change, under foresight) over the technical
    domains, with the core-skills share and the green floor the policy sets; the mix
    moves a fixed share of the way to the target. Domain 0 is core."""
    n_providers, n_domains = mix.shape
    target = np.empty(n_domains)
    for q in range(n_providers):
        total = 0.0
        for k in range(1, n_domains):
            v = lagged[k] * (1.0 + noise_sd * normal(key, q, 2 * k)) + foresight_delta[k]
            v = greater(v, 0.0)
            target[k] = v
            total += v
        if total <= 0.0:
            for k in range(1, n_domains):
                target[k] = 1.0
            total = n_domains - 1.0
        rest = 1.0 - core_share
        for k in range(1, n_domains):
            target[k] = target[k] / total * rest
        floor = lesser(green_share, rest)  # the floor cannot exceed the technical share
        if target[green_domain] < floor:
            others = rest - target[green_domain]
            scale = (rest - floor) / others if others > 0.0 else 0.0
            for k in range(1, n_domains):
                if k != green_domain:
                    target[k] *= scale
            target[green_domain] = floor
        target[0] = core_share
        for k in range(n_domains):
            mix[q, k] += adjust * (target[k] - mix[q, k])


@njit(cache=True)
def curriculum_relevance(mix, demand, relevance):
    """Relevance of each provider: its core share counts in full; the technical part
    counts by one minus the total-variation distance between its technical mix and the
    technical part of current skill demand (both renormalised)."""
    n_providers, n_domains = mix.shape
    dsum = 0.0
    for k in range(1, n_domains):
        dsum += demand[k]
    for q in range(n_providers):
        msum = 0.0
        for k in range(1, n_domains):
            msum += mix[q, k]
        tv = 0.0
        if msum > 0.0 and dsum > 0.0:
            for k in range(1, n_domains):
                tv += abs(mix[q, k] / msum - demand[k] / dsum)
            tv *= 0.5
        else:
            tv = 1.0
        relevance[q] = mix[q, 0] + (1.0 - mix[q, 0]) * (1.0 - tv)


@njit(cache=True)
def set_seats(
    base_seats, base_course_seats, region, region_urban, capacity_multiplier, rural_extra,
    seats, course_seats,
):  # fmt: skip
    """Seats this month: TVET seats scale with the TVET capacity policy; in rural
    regions both pools grow by ``rural_extra`` (rural access policy plus the scenario's
    rural training capacity)."""
    for q in range(base_seats.shape[0]):
        extra = rural_extra if region_urban[region[q]] == 0 else 0.0
        seats[q] = np.int64(base_seats[q] * capacity_multiplier * (1.0 + extra) + 0.5)
        course_seats[q] = np.int64(base_course_seats[q] * (1.0 + extra) + 0.5)


@njit(inline="always")
def nearest_open_provider(home, travel, prov_region, seats, enrolled):
    """Provider with a free seat at the lowest travel cost from ``home``; on ties, one in
    the home region first, then the lowest index; (-1, inf) when every seat is taken.
    (Ties with home come only from a travel cost cut to 0: a rural resident then chose
    the urban core's provider, the lowest index, over free seats in its own county.)"""
    best = -1
    cost = np.inf
    for q in range(prov_region.shape[0]):
        if enrolled[q] < seats[q]:
            c = travel[home, prov_region[q]]
            if c < cost or (
                c == cost and best >= 0 and prov_region[q] == home and prov_region[best] != home
            ):
                cost = c
                best = q
    return best, cost


key_caches_on_sources(globals())  # last: every kernel above
