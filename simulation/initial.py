"""Initial state: firms, providers and workers at the start of the burn-in.

All draws are counter-based (stream INIT kinds, month 0), so the initial state is a
function of the seed and the configuration alone. The burn-in (scenario field
``burn_in_months``) then lets the economy settle under the status-quo policy before
month 0, so the rough edges of this construction do not reach the results.
"""

from __future__ import annotations

import numpy as np

from simulation.config import RunConfig
from simulation.rng import Stream, normals, uniforms
from simulation.state import Education, Firms, Providers, Status, Workers, World


def _normal(seed: int, stream: Stream, n: int, slot: int) -> np.ndarray:
    return normals(seed, 0, int(stream), n, slot=slot)


def _uniform(seed: int, stream: Stream, n: int, slot: int) -> np.ndarray:
    return uniforms(seed, 0, int(stream), n, slot=slot)


def job_gaps(skills: np.ndarray, req: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised twin of kernels.skills.job_gaps for rows of skills and requirements."""
    s = skills.astype(np.float64)
    r = req.astype(np.float64)
    under = (r * np.maximum(r - s, 0.0)).sum(1) / r.sum(1)
    over = ((1.0 - r) * np.maximum(s - r, 0.0)).sum(1) / (1.0 - r).sum(1)
    return under, over


def provider_start(n_regions: int, per_region: int) -> np.ndarray:
    """Row of the first provider of each region (providers are stored region by region)."""
    return (np.arange(n_regions) * per_region).astype(np.int64)


def make_firms(run: RunConfig, world: World, seed: int) -> Firms:
    w = run.scenario.world
    counts = world.initial_firms
    m0 = int(counts.sum())
    capacity = int(m0 * (1.0 + w.firm_capacity_headroom)) + counts.size
    firms = Firms.allocate(capacity)
    cells = np.repeat(np.arange(counts.size), counts.ravel())
    sector = cells // world.n_regions
    region = cells % world.n_regions
    n_domains = world.sector_profile.shape[1]
    firms.alive[:m0] = 1
    firms.sector[:m0] = sector
    firms.region[:m0] = region
    sigma = w.firm_size_sigma
    z = _normal(seed, Stream.FIRM_INIT, m0, 0)
    firms.base_size[:m0] = w.avg_firm_size * np.exp(sigma * z - 0.5 * sigma * sigma)
    z = _normal(seed, Stream.FIRM_INIT, m0, 2)
    firms.productivity[:m0] = world.sector_productivity[sector] * np.exp(0.2 * z)
    for k in range(n_domains):
        z = _normal(seed, Stream.FIRM_INIT, m0, 4 + 2 * k)
        v = world.sector_profile[sector, k] + w.requirement_noise_sd * z
        firms.req[:m0, k] = np.clip(v, 0.02, 1.0)
    starts = provider_start(world.n_regions, w.providers_per_region)
    rows = np.arange(m0)
    firms.provider[:m0] = starts[region] + rows % w.providers_per_region
    contribution_sd = run.scenario.behaviour.apprenticeship.contribution_sd
    firms.appr_extra[:m0] = contribution_sd * _normal(seed, Stream.FIRM_INIT, m0, 4 + 2 * n_domains)
    firms.entry_month[:m0] = 0
    return firms


def make_providers(run: RunConfig, world: World, firms: Firms, seed: int, core_share: float):
    w = run.scenario.world
    per = w.providers_per_region
    n = world.n_regions * per
    region = np.repeat(np.arange(world.n_regions), per).astype(np.int8)
    per_provider = run.workers / 1000.0 * world.region_share[region] / per
    seats = w.tvet_seats_per_1000_workers * per_provider
    course_seats = np.rint(w.course_seats_per_1000_workers * per_provider).astype(np.int32)
    pc = run.scenario.behaviour.providers
    quality = np.clip(
        pc.quality_mean + pc.quality_sd * _normal(seed, Stream.PROVIDER_INIT, n, 0), 0.05, 1.0
    )
    alive = firms.alive == 1
    demand = (firms.base_size[alive, None] * firms.req[alive]).sum(0).astype(np.float64)
    technical = demand[1:] / demand[1:].sum()
    mix = np.empty((n, demand.shape[0]))
    mix[:, 0] = core_share
    mix[:, 1:] = (1.0 - core_share) * technical
    base = np.rint(seats).astype(np.int32)
    return Providers(
        region=region,
        base_seats=base,
        base_course_seats=course_seats,
        seats=base.copy(),
        course_seats=course_seats.copy(),
        enrolled=np.zeros(n, dtype=np.int32),
        course_enrolled=np.zeros(n, dtype=np.int32),
        quality=quality,
        mix=mix,
        relevance=np.ones(n),
    )


def make_workers(run: RunConfig, world: World, firms: Firms, seed: int) -> Workers:
    pop = run.scenario.behaviour.population
    n = run.workers
    workers = Workers.allocate(int(n * (1.0 + pop.capacity_headroom)) + 1)
    u = lambda slot: _uniform(seed, Stream.WORKER_INIT, n, slot)  # noqa: E731
    z = lambda slot: _normal(seed, Stream.WORKER_INIT, n, slot)  # noqa: E731
    n_regions = world.n_regions
    region = np.searchsorted(np.cumsum(world.region_share), u(0), side="right")
    region = np.minimum(region, n_regions - 1)
    rural = u(1) < world.region_rural_share[region]
    rural_regions = np.flatnonzero(world.region_urban == 0)
    origin = region.copy()
    if rural_regions.size:
        share = world.region_share[rural_regions] / world.region_share[rural_regions].sum()
        home = rural_regions[
            np.minimum(
                np.searchsorted(np.cumsum(share), u(2), side="right"), rural_regions.size - 1
            )
        ]
        moved = rural & (world.region_urban[region] == 1)
        origin[moved] = home[moved]
    entry = pop.entry_age_years * 12
    retire = pop.retirement_age_years * 12
    age = (entry + u(3) * (retire - entry)).astype(np.int16)
    ability = np.maximum(1.0 + pop.ability_sd * z(4), 0.2)
    graduate_age = entry + pop.tertiary_months
    tertiary = u(6) < pop.tertiary_share
    status = np.full(n, Status.EMPLOYED, dtype=np.int8)
    months_left = np.zeros(n, dtype=np.int16)
    student = tertiary & (age < graduate_age)
    status[student] = Status.STUDENT
    months_left[student] = (graduate_age - age[student]).astype(np.int16)
    education = np.where(tertiary & ~student, Education.TERTIARY, Education.SECONDARY)
    active = ~student
    status[active & (u(7) < pop.inactive_share)] = Status.INACTIVE
    youth = age < 25 * 12
    lf = status == Status.EMPLOYED
    youth_share = (lf & youth).sum() / max(lf.sum(), 1)
    rate_other = pop.initial_unemployment_rate - youth_share * pop.initial_youth_unemployment_rate
    rate_other = max(rate_other / max(1.0 - youth_share, 1e-9), 0.0)
    rate = np.where(youth, pop.initial_youth_unemployment_rate, rate_other)
    status[lf & (u(8) < rate)] = Status.UNEMPLOYED
    # Employed workers go to firms of their region in proportion to firm base size.
    employed = np.flatnonzero(status == Status.EMPLOYED)
    employer = np.full(n, -1, dtype=np.int32)
    live = np.flatnonzero(firms.alive == 1)
    pick = u(9)
    for r in range(n_regions):  # a loop over regions, not agents
        fr = live[firms.region[live] == r]
        who = employed[region[employed] == r]
        if fr.size == 0:
            status[who] = Status.UNEMPLOYED
            continue
        cum = np.cumsum(firms.base_size[fr].astype(np.float64))
        idx = np.searchsorted(cum, pick[who] * cum[-1], side="right")
        employer[who] = fr[np.minimum(idx, fr.size - 1)]
    # Skills: near the job's requirement for the employed, near a regional sector
    # profile for everyone else.
    k = world.sector_profile.shape[1]
    noise = np.column_stack([z(20 + 2 * j) for j in range(k)])
    base = np.empty((n, k))
    has_job = employer >= 0
    base[has_job] = firms.req[employer[has_job]]
    share = world.sector_share[:, region[~has_job]].T  # (n_without, S)
    cum = np.cumsum(share, axis=1)
    sec = (u(10)[~has_job, None] * cum[:, -1:] > cum).sum(1)
    sec = np.minimum(sec, world.n_sectors - 1)
    base[~has_job] = world.sector_profile[sec] * 0.9
    skills = np.clip(base + pop.initial_skill_noise_sd * noise, 0.0, 1.0).astype(np.float32)
    w = workers
    w.status[:n] = status
    w.age[:n] = age
    w.region[:n] = region
    w.origin[:n] = origin
    w.rural[:n] = rural
    w.education[:n] = education
    w.ability[:n] = ability
    w.skills[:n] = skills
    w.employer[:n] = employer
    w.months_left[:n] = months_left
    w.tenure[:n] = np.where(has_job, (u(11) * np.minimum(age - entry, 120)).astype(np.int16), 0)
    # Unemployed at the start: spells of 1-12 months (a spell counts months unemployed
    # at the start of a month, so it is at least 1 for anyone unemployed then).
    w.spell[:n] = np.where(status == Status.UNEMPLOYED, 1 + (u(12) * 12).astype(np.int16), 0)
    under, over = job_gaps(skills[has_job], firms.req[employer[has_job]])
    w.gap_under[:n][has_job] = under
    w.gap_over[:n][has_job] = over
    headcount = np.bincount(employer[has_job], minlength=firms.capacity).astype(np.int32)
    firms.headcount[:] = headcount
    vacancy_rate = run.scenario.world.initial_vacancy_rate
    alive = firms.alive == 1
    firms.base_size[alive] = np.maximum(headcount[alive], 1) * (1.0 + vacancy_rate)
    return workers
