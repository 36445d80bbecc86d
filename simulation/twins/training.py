"""Twin of ``simulation.kernels.training``: the skill demand signal, curricula, seats."""

from __future__ import annotations

import math

from simulation.rng import py_normal
from simulation.state import Status


def _sum(values) -> float:
    """Left-to-right float sum (what numba's ``array.sum()`` does)."""
    total = 0.0
    for v in values:
        total += v
    return total


def mean_skills(rows, n_domains) -> list[float]:
    """Mean skill vector of the given rows (summed left to right; zeros without rows)."""
    mean = [0.0] * n_domains
    n = 0
    for row in rows:
        n += 1
        for k in range(n_domains):
            mean[k] += float(row[k])
    if n > 0:
        mean = [v / n for v in mean]
    return mean


def demand_shares(mean, firms) -> list[float]:
    """Shares of skill demand by domain from the live firms, in row order, given as
    (vacancies, target, requirement row): each open vacancy's shortfall of the mean job
    seeker ``mean`` below its requirement; if there is no shortfall, the requirements
    of open vacancies (or of all jobs when none is open). Sums to 1 (zeros if empty)."""
    n_domains = len(mean)
    open_total = sum(v for v, _, _ in firms)
    demand = [0.0] * n_domains
    for v, _, req_row in firms:
        if v > 0:
            for k in range(n_domains):
                demand[k] += v * max(float(req_row[k]) - mean[k], 0.0)
    total = _sum(demand)
    if total <= 0.0:
        for v, target, req_row in firms:
            w = v if open_total > 0 else target
            for k in range(n_domains):
                demand[k] += w * float(req_row[k])
        total = _sum(demand)
    if total > 0.0:
        demand = [v / total for v in demand]
    return demand


def skill_demand(alive, vacancies, target, req, status, skills, supply, out):
    """``demand_shares`` of the live firms against the mean unemployed worker (``supply``,
    filled here)."""
    n_domains = out.shape[0]
    seekers = (skills[i] for i in range(status.shape[0]) if status[i] == Status.UNEMPLOYED)
    mean = mean_skills(seekers, n_domains)
    supply[:] = mean
    firms = [
        (int(vacancies[f]), int(target[f]), req[f]) for f in range(alive.shape[0]) if alive[f] == 1
    ]
    out[:] = demand_shares(mean, firms)


def target_mix(forecast, core_share, green_share, green_domain):
    """A provider's target programme mix from its forecast of technical demand (domains
    1..K-1; entry 0 ignored): shares of the non-core time, the green domain raised to
    its floor (other technical domains scaled down; the floor is at most the non-core
    time), core time as policy sets it."""
    n_domains = len(forecast)
    target = [0.0] * n_domains
    total = 0.0
    for k in range(1, n_domains):
        target[k] = forecast[k]
        total += forecast[k]
    if total <= 0.0:
        for k in range(1, n_domains):
            target[k] = 1.0
        total = n_domains - 1.0
    rest = 1.0 - core_share
    for k in range(1, n_domains):
        target[k] = target[k] / total * rest
    floor = min(green_share, rest)
    if target[green_domain] < floor:
        others = rest - target[green_domain]
        scale = (rest - floor) / others if others > 0.0 else 0.0
        for k in range(1, n_domains):
            if k != green_domain:
                target[k] *= scale
        target[green_domain] = floor
    target[0] = core_share
    return target


def plan_mix(
    k0, q, lagged, foresight_delta, noise_sd, core_share, green_share, green_domain, adjust, mix_row
):
    """Provider ``q`` (its draws under stream key ``k0``) forecasts the lagged demand
    signal with noise (plus the projected change under foresight) and moves its mix
    ``mix_row`` (in place) ``adjust`` of the way to its target."""
    n_domains = len(mix_row)
    forecast = [0.0] * n_domains
    for k in range(1, n_domains):
        noise = 1.0 + noise_sd * py_normal(k0, q, 2 * k)
        forecast[k] = max(float(lagged[k]) * noise + float(foresight_delta[k]), 0.0)
    target = target_mix(forecast, core_share, green_share, green_domain)
    for k in range(n_domains):
        m = float(mix_row[k])
        mix_row[k] = m + adjust * (target[k] - m)


def plan_curricula(
    key, lagged, foresight_delta, noise_sd, core_share, green_share, green_domain, adjust, mix
):
    k0 = int(key)
    for q in range(mix.shape[0]):
        plan_mix(
            k0, q, lagged, foresight_delta, noise_sd, core_share, green_share, green_domain,
            adjust, mix[q],
        )  # fmt: skip


def relevance_of(mix_row, demand) -> float:
    """Core share in full, plus the technical share times one minus the total-variation
    distance between the technical mix and technical demand (both renormalised)."""
    n_domains = len(mix_row)
    dsum = _sum(float(demand[k]) for k in range(1, n_domains))
    msum = _sum(float(mix_row[k]) for k in range(1, n_domains))
    if msum > 0.0 and dsum > 0.0:
        tv = 0.0
        for k in range(1, n_domains):
            tv += abs(float(mix_row[k]) / msum - float(demand[k]) / dsum)
        tv *= 0.5
    else:
        tv = 1.0
    core = float(mix_row[0])
    return core + (1.0 - core) * (1.0 - tv)


def curriculum_relevance(mix, demand, relevance):
    for q in range(mix.shape[0]):
        relevance[q] = relevance_of(mix[q], demand)


def provider_seats(base_seats, base_course_seats, rural, capacity_multiplier, rural_extra):
    """(TVET seats, course seats) of a provider: base seats times TVET capacity; course
    seats: base course seats; in a rural region both times (1 + extra)."""
    extra = rural_extra if rural else 0.0
    seats = int(base_seats * capacity_multiplier * (1.0 + extra) + 0.5)
    return seats, int(base_course_seats * (1.0 + extra) + 0.5)


def set_seats(
    base_seats,
    base_course_seats,
    region,
    region_urban,
    capacity_multiplier,
    rural_extra,
    seats,
    course_seats,
):
    for q in range(base_seats.shape[0]):
        seats[q], course_seats[q] = provider_seats(
            int(base_seats[q]),
            int(base_course_seats[q]),
            region_urban[region[q]] == 0,
            capacity_multiplier,
            rural_extra,
        )


def nearest_open_provider(home, travel, prov_region, seats, enrolled):
    """(Provider with a free seat at the lowest travel cost from ``home``, the cost);
    on ties, one in the home region first, then the lowest row; (-1, inf) when every
    seat is taken."""
    best = -1
    cost = math.inf
    for q in range(len(prov_region)):
        if enrolled[q] < seats[q]:
            c = float(travel[home, prov_region[q]])
            at_home = prov_region[q] == home
            if c < cost or (c == cost and best >= 0 and at_home and prov_region[best] != home):
                cost = c
                best = q
    return best, cost
