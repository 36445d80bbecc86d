"""Initial state: firms, providers and workers at the start of the burn-in.

All draws are counter-based (stream INIT kinds, month 0), so the initial state is a
function of the seed and the configuration alone. The burn-in (scenario field
``burn_in_months``) then lets the economy settle under the status-quo policy before
month 0, so the rough edges of this construction do not reach the results.
"""

from __future__ import annotations

import numpy as np

from simulation.config import RunConfig
from simulation.kernels import parallel
from simulation.rng import Stream, normals, uniforms
from simulation.state import Education, Firms, Providers, Status, Workers, World

WORKER_BLOCK = 1 << 16  # workers set up per block: temporaries stay a few MB at any size


def _normal(seed: int, stream: Stream, n: int, slot: int) -> np.ndarray:
    return normals(seed, 0, int(stream), n, slot=slot)


def _uniform(seed: int, stream: Stream, n: int, slot: int) -> np.ndarray:
    return uniforms(seed, 0, int(stream), n, slot=slot)


def job_gaps(skills: np.ndarray, req: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised twin of kernels.skills.job_gaps for rows of skills and requirements."""
    s = skills.astype(np.float64)
    r = req.astype(np.float64)
    ud, od = r.sum(1), (1.0 - r).sum(1)
    # (0 where a job requires nothing, or everything, as the kernel has it: NaN before)
    under = np.divide((r * np.maximum(r - s, 0.0)).sum(1), ud, out=np.zeros_like(ud), where=ud > 0)
    over = np.divide(
        ((1.0 - r) * np.maximum(s - r, 0.0)).sum(1), od, out=np.zeros_like(od), where=od > 0
    )
    return under, over


def provider_start(n_regions: int, per_region: int) -> np.ndarray:
    """Row of the first provider of each region (providers are stored region by region)."""
    return (np.arange(n_regions) * per_region).astype(np.int64)


def firm_capacity(run: RunConfig, world: World) -> int:
    """Firm rows: the initial firms, the entry headroom, and one per cell."""
    counts = world.initial_firms
    return int(int(counts.sum()) * (1.0 + run.scenario.world.firm_capacity_headroom)) + counts.size


def worker_capacity(run: RunConfig) -> int:
    """Worker rows: ``run.workers`` and the headroom for entering cohorts."""
    return int(run.workers * (1.0 + run.scenario.behaviour.population.capacity_headroom)) + 1


def make_firms(run: RunConfig, world: World, seed: int) -> Firms:
    w = run.scenario.world
    counts = world.initial_firms
    m0 = int(counts.sum())
    firms = Firms.allocate(firm_capacity(run, world))
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
    """The initial population, written block by block of ``WORKER_BLOCK`` rows straight
    into the state arrays. Every draw and value is a function of the worker's row alone
    (besides two counts over everyone: the youth share of the employed), so the result
    does not depend on the block size, and set-up needs no float64 arrays of the
    population's size."""
    pop = run.scenario.behaviour.population
    n = run.workers
    w = Workers.allocate(worker_capacity(run))
    blocks = [(lo, min(lo + WORKER_BLOCK, n)) for lo in range(0, n, WORKER_BLOCK)]
    labour = np.zeros((len(blocks), 2), dtype=np.int64)  # (employed, under 25) per block

    def people(b0: int, b1: int) -> None:
        for b in range(b0, b1):
            labour[b] = _people(run, world, seed, w, *blocks[b])

    # Blocks write only their own rows: they run on the loops' threads (numpy and the
    # draws release the GIL), in one call in a small model (parallel.run).
    parallel.run(people, len(blocks), min_piece=1, workers=n)
    lf, youth_lf = (int(x) for x in labour.sum(0))
    youth_share = youth_lf / max(lf, 1)
    rate_other = pop.initial_unemployment_rate - youth_share * pop.initial_youth_unemployment_rate
    rate_other = max(rate_other / max(1.0 - youth_share, 1e-9), 0.0)
    # Employed workers go to firms of their region in proportion to firm base size.
    live = np.flatnonzero(firms.alive == 1)
    region_firms = []
    for r in range(world.n_regions):
        fr = live[firms.region[live] == r]
        region_firms.append((fr, np.cumsum(firms.base_size[fr].astype(np.float64))))
    hired: list[np.ndarray] = []  # employees by firm, one table per piece of blocks

    def jobs(b0: int, b1: int) -> None:
        counts = np.zeros(firms.capacity, dtype=np.int64)
        for b in range(b0, b1):
            lo, hi = blocks[b]
            counts += _jobs_and_skills(run, world, firms, seed, w, lo, hi, rate_other, region_firms)
        hired.append(counts)

    parallel.run(jobs, len(blocks), min_piece=1, workers=n)
    headcount = np.sum(hired, axis=0) if hired else np.zeros(firms.capacity, dtype=np.int64)
    firms.headcount[:] = headcount
    vacancy_rate = run.scenario.world.initial_vacancy_rate
    alive = firms.alive == 1
    firms.base_size[alive] = np.maximum(firms.headcount[alive], 1) * (1.0 + vacancy_rate)
    return w


def _people(run: RunConfig, world: World, seed: int, w: Workers, lo: int, hi: int):
    """Rows lo..hi-1: region, origin, age, ability, education and status before
    unemployment. Returns (employed, employed under 25) of the block."""
    pop = run.scenario.behaviour.population
    n = hi - lo
    u = lambda slot: uniforms(seed, 0, int(Stream.WORKER_INIT), n, slot=slot, start=lo)  # noqa: E731
    z = lambda slot: normals(seed, 0, int(Stream.WORKER_INIT), n, slot=slot, start=lo)  # noqa: E731
    region = np.searchsorted(np.cumsum(world.region_share), u(0), side="right")
    region = np.minimum(region, world.n_regions - 1)
    rural = u(1) < world.region_rural_share[region]
    origin = region.copy()
    rural_regions = np.flatnonzero(world.region_urban == 0)
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
    graduate_age = entry + pop.tertiary_months
    tertiary = u(6) < pop.tertiary_share
    student = tertiary & (age < graduate_age)
    status = w.status[lo:hi]
    status[:] = Status.EMPLOYED
    status[student] = Status.STUDENT
    w.months_left[lo:hi][student] = (graduate_age - age[student]).astype(np.int16)
    status[~student & (u(7) < pop.inactive_share)] = Status.INACTIVE
    w.education[lo:hi] = np.where(tertiary & ~student, Education.TERTIARY, Education.SECONDARY)
    w.region[lo:hi] = region
    w.origin[lo:hi] = origin
    w.rural[lo:hi] = rural
    w.age[lo:hi] = age
    w.ability[lo:hi] = np.maximum(1.0 + pop.ability_sd * z(4), 0.2)
    lf = status == Status.EMPLOYED
    return int(lf.sum()), int((lf & (age < 25 * 12)).sum())


def _jobs_and_skills(
    run: RunConfig,
    world: World,
    firms: Firms,
    seed: int,
    w: Workers,
    lo: int,
    hi: int,
    rate_other: float,
    region_firms: list[tuple[np.ndarray, np.ndarray]],
) -> np.ndarray:
    """Rows lo..hi-1: unemployment, employer, skills, tenure, spell and job gaps; returns
    the block's employees by firm."""
    pop = run.scenario.behaviour.population
    n = hi - lo
    u = lambda slot: uniforms(seed, 0, int(Stream.WORKER_INIT), n, slot=slot, start=lo)  # noqa: E731
    z = lambda slot: normals(seed, 0, int(Stream.WORKER_INIT), n, slot=slot, start=lo)  # noqa: E731
    status, age, region = w.status[lo:hi], w.age[lo:hi], w.region[lo:hi]
    rate = np.where(age < 25 * 12, pop.initial_youth_unemployment_rate, rate_other)
    status[(status == Status.EMPLOYED) & (u(8) < rate)] = Status.UNEMPLOYED
    employed = np.flatnonzero(status == Status.EMPLOYED)
    employer = w.employer[lo:hi]
    pick = u(9)
    for r, (fr, cum) in enumerate(region_firms):  # a loop over regions, not agents
        who = employed[region[employed] == r]
        if fr.size == 0:
            status[who] = Status.UNEMPLOYED
            continue
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
    skills = w.skills[lo:hi]
    skills[:] = np.clip(base + pop.initial_skill_noise_sd * noise, 0.0, 1.0)
    entry = pop.entry_age_years * 12
    w.tenure[lo:hi] = np.where(has_job, (u(11) * np.minimum(age - entry, 120)).astype(np.int16), 0)
    # Unemployed at the start: spells of 1-12 months (a spell counts months unemployed
    # at the start of a month, so it is at least 1 for anyone unemployed then).
    w.spell[lo:hi] = np.where(status == Status.UNEMPLOYED, 1 + (u(12) * 12).astype(np.int16), 0)
    under, over = job_gaps(skills[has_job], firms.req[employer[has_job]])
    w.gap_under[lo:hi][has_job] = under
    w.gap_over[lo:hi][has_job] = over
    return np.bincount(employer[has_job], minlength=firms.capacity)
