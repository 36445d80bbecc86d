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


def skill_demand(alive, vacancies, target, req, status, skills, supply, out):
    """Shares of skill demand by domain: each open vacancy's shortfall of the mean job
    seeker (``supply``, filled here) below its requirement; if there is no shortfall, the
    requirements of open vacancies (or of all jobs when none is open). Sums to 1."""
    n_domains = out.shape[0]
    mean = [0.0] * n_domains
    seekers = 0
    for i in range(status.shape[0]):
        if status[i] == Status.UNEMPLOYED:
            seekers += 1
            for k in range(n_domains):
                mean[k] += float(skills[i, k])
    if seekers > 0:
        mean = [v / seekers for v in mean]
    supply[:] = mean
    live = [f for f in range(alive.shape[0]) if alive[f] == 1]
    open_total = sum(int(vacancies[f]) for f in live)
    demand = [0.0] * n_domains
    for f in live:
        v = int(vacancies[f])
        if v > 0:
            for k in range(n_domains):
                demand[k] += v * max(float(req[f, k]) - mean[k], 0.0)
    total = _sum(demand)
    if total <= 0.0:
        for f in live:
            w = int(vacancies[f]) if open_total > 0 else int(target[f])
            for k in range(n_domains):
                demand[k] += w * float(req[f, k])
        total = _sum(demand)
    if total > 0.0:
        demand = [v / total for v in demand]
    out[:] = demand


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


def plan_curricula(
    key, lagged, foresight_delta, noise_sd, core_share, green_share, green_domain, adjust, mix
):
    """Each provider forecasts the lagged demand signal with noise (plus the projected
    change under foresight) and moves its mix ``adjust`` of the way to its target."""
    k0 = int(key)
    n_providers, n_domains = mix.shape
    for q in range(n_providers):
        forecast = [0.0] * n_domains
        for k in range(1, n_domains):
            noise = 1.0 + noise_sd * py_normal(k0, q, 2 * k)
            forecast[k] = max(float(lagged[k]) * noise + float(foresight_delta[k]), 0.0)
        target = target_mix(forecast, core_share, green_share, green_domain)
        for k in range(n_domains):
            m = float(mix[q, k])
            mix[q, k] = m + adjust * (target[k] - m)


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
    """TVET seats: base seats times TVET capacity; course seats: base course seats; in
    rural regions both times (1 + extra)."""
    for q in range(base_seats.shape[0]):
        extra = rural_extra if region_urban[region[q]] == 0 else 0.0
        seats[q] = int(int(base_seats[q]) * capacity_multiplier * (1.0 + extra) + 0.5)
        course_seats[q] = int(int(base_course_seats[q]) * (1.0 + extra) + 0.5)


def nearest_open_provider(home, travel, prov_region, seats, enrolled):
    """(Provider with a free seat at the lowest travel cost from ``home``, the cost);
    lowest row on ties; (-1, inf) when every seat is taken."""
    best = -1
    cost = math.inf
    for q in range(prov_region.shape[0]):
        if enrolled[q] < seats[q]:
            c = float(travel[home, prov_region[q]])
            if c < cost:
                cost = c
                best = q
    return best, cost
