"""Every numba kernel against its plain-Python twin (``simulation.twins``).

Each test builds a random world (``tests/worlds.py``), copies it, runs the kernel on one
copy and the twin on the other with the same arguments, and requires the same return
value and the same contents of every array of the world afterwards (integers exactly,
floats to 1e-12; in practice they agree bit for bit).

Set SKILLSIM_TWIN_EXAMPLES=10 (a multiplier) for a thorough run.
"""

from __future__ import annotations

import importlib
import math
import os
from types import SimpleNamespace

import numpy as np
import worlds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation import rng
from simulation.params import GREEN_DOMAIN
from simulation.rng import Stream
from simulation.state import ApprState, Status

MODULES = (
    "accounting",
    "apprenticeship",
    "choices",
    "demand",
    "demography",
    "firms",
    "matching",
    "metrics",
    "separations",
    "skills",
    "training",
)
K = SimpleNamespace(**{m: importlib.import_module(f"simulation.kernels.{m}") for m in MODULES})
T = SimpleNamespace(**{m: importlib.import_module(f"simulation.twins.{m}") for m in MODULES})
JOBS, SLOTS = K.matching.JOBS, K.matching.SLOTS
ATOL = 1e-12
SCALE = float(os.environ.get("SKILLSIM_TWIN_EXAMPLES", "1"))
EMPLOYABILITY_DRAWS = 16

SEEDS = st.integers(0, 2**32 - 1)
SIZES = st.sampled_from(worlds.SIZES)
MODES = st.sampled_from([JOBS, SLOTS])


def cases(max_examples: int = 30, **strategies):
    """``@given`` over world size and seed (plus ``strategies``), without deadlines."""

    def wrap(test):
        test = given(n=SIZES, seed=SEEDS, **strategies)(test)
        return settings(
            max_examples=max(int(max_examples * SCALE), 1),
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )(test)

    return wrap


# ------------------------------------------------------------------ comparison


def assert_same(x, y, what: str) -> None:
    """Kernel result ``x`` and twin result ``y`` agree (NaN equals NaN)."""
    if isinstance(x, np.ndarray):
        assert isinstance(y, np.ndarray), what
        assert (x.dtype, x.shape) == (y.dtype, y.shape), what
        if x.dtype.kind == "f":
            np.testing.assert_allclose(y, x, rtol=0, atol=ATOL, equal_nan=True, err_msg=what)
        else:
            np.testing.assert_array_equal(y, x, err_msg=what)
    elif isinstance(x, tuple):
        assert isinstance(y, tuple) and len(x) == len(y), what
        for j, (a, b) in enumerate(zip(x, y, strict=True)):
            assert_same(a, b, f"{what}[{j}]")
    elif isinstance(x, float) or isinstance(y, float):
        assert (math.isnan(x) and math.isnan(y)) or abs(x - y) <= ATOL, f"{what}: {x} != {y}"
    else:
        assert x == y, f"{what}: {x} != {y}"


def check(world: worlds.RandomWorld, call):
    """Run ``call(K, copy)`` and ``call(T, other copy)``: same result, same arrays after.
    Returns the kernel's copy and result."""
    a, b = world.copy(), world.copy()
    expected = call(K, a)
    got = call(T, b)
    assert_same(expected, got, "return value")
    after = b.arrays()
    for name, x in a.arrays().items():
        assert_same(x, after[name], name)
    return a, expected


# ------------------------------------------------------------------- worlds


@cases(pending_exits=st.booleans())
def test_random_worlds_are_consistent(n, seed, pending_exits):
    """The generator keeps the invariants its doc promises (the kernels' preconditions)."""
    x = worlds.random_world(n, seed, pending_exits=pending_exits)
    w, f, pr = x.w, x.f, x.pr
    st_ = w.status
    working = (st_ == Status.EMPLOYED) | (st_ == Status.APPRENTICE)
    at = w.employer[working]
    assert (at >= 0).all() and (w.region[working] == f.region[at]).all()
    exited = (f.alive[at] == 0) & (f.exit_month[at] == x.month)
    assert ((f.alive[at] == 1) | (pending_exits & exited)).all()
    assert (w.employer[~working] == -1).all()
    m = f.capacity
    assert (f.headcount == np.bincount(w.employer[st_ == Status.EMPLOYED], minlength=m)).all()
    assert (f.apprentices == np.bincount(w.employer[st_ == Status.APPRENTICE], minlength=m)).all()
    trainee = st_ == Status.TRAINING
    assert (pr.enrolled == np.bincount(w.provider[trainee], minlength=pr.count)).all()
    assert (pr.enrolled <= pr.seats).all()
    assert (w.provider[trainee] >= 0).all() and (w.programme[trainee] != 0).all()
    appr = st_ == Status.APPRENTICE
    assert (w.appr_state[appr] == ApprState.ACTIVE).all()
    assert (w.appr_firm[appr] == w.employer[appr]).all()
    idle = st_ != Status.UNEMPLOYED
    assert (w.spell[idle] == 0).all() and (w.seeking_appr[idle] == 0).all()
    assert ((w.skills >= 0) & (w.skills <= 1)).all()
    assert (f.layoff_quota <= f.headcount).all()


# ---------------------------------------------------------------------- rng


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**63 - 1),
    month=st.integers(0, 5000),
    stream=st.integers(0, 64),
    agent=st.integers(0, 2**40),
    slot=st.integers(0, 254),
)
def test_rng_numba_and_python_agree(seed, month, stream, agent, slot):
    key = rng.key(seed, month, stream)
    k = rng.py_stream_key(seed, month, stream)
    assert int(key) == k
    assert rng.uniform(key, agent, slot) == rng.py_uniform(k, agent, slot)
    assert rng.normal(key, agent, slot) == rng.py_normal(k, agent, slot)


def test_rng_arrays_agree_with_python():
    for seed, month, stream in [(0, 0, 1), (12345, 7, Stream.APPLY), (2**62 + 3, 999, 24)]:
        k = rng.py_stream_key(seed, month, int(stream))
        u = rng.uniforms(seed, month, int(stream), 3000, slot=5, start=17)
        z = rng.normals(seed, month, int(stream), 3000, slot=8, start=17)
        assert u.tolist() == [rng.py_uniform(k, 17 + i, 5) for i in range(3000)]
        assert z.tolist() == [rng.py_normal(k, 17 + i, 8) for i in range(3000)]


# ------------------------------------------------------------------- demand

SHOCKS = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.floats(-24, 120),
        st.floats(1, 60),
        st.floats(-1, 1),
        st.integers(0, 1),
    ),
    max_size=4,
)


@cases(month=st.integers(-40, 240), extra=SHOCKS)
def test_sector_log_demand(n, seed, month, extra):
    world = worlds.random_world(n, seed)
    ws, sh = world.world, world.p.shocks
    kind = np.concatenate([sh["kind"], np.array([e[0] for e in extra], dtype=np.int64)])
    start = np.concatenate([sh["start"], np.array([e[1] for e in extra], dtype=np.float64)])
    dur = np.concatenate([sh["duration"], np.array([e[2] for e in extra], dtype=np.float64)])
    change = np.concatenate([sh["change"], np.array([e[3] for e in extra], dtype=np.float64)])
    rural = np.concatenate([sh["rural_only"], np.array([e[4] for e in extra], dtype=np.int64)])

    def call(m, x):
        m.demand.sector_log_demand(
            month, ws.sector_trend, ws.sector_kind, ws.sector_rural, ws.region_urban,
            kind, start, dur, change, rural, x.b["log_demand"],
        )  # fmt: skip

    check(world, call)


@settings(max_examples=100, deadline=None)
@given(
    month=st.integers(0, 240),
    price0=st.floats(0, 500),
    growth=st.floats(-0.1, 0.3),
    jump_month=st.integers(-1, 200),
    jump=st.floats(0, 1000),
)
def test_carbon_price(month, price0, growth, jump_month, jump):
    args = (month, price0, growth, jump_month, jump)
    assert_same(K.demand.carbon_price(*args), T.demand.carbon_price(*args), "carbon price")


@cases(month=st.integers(0, 240), gain=st.floats(0, 1), months=st.integers(1, 120))
def test_effective_travel(n, seed, month, gain, months):
    world = worlds.random_world(n, seed)
    ws = world.world
    check(
        world,
        lambda m, x: m.demand.effective_travel(
            month, ws.travel, ws.region_urban, gain, months, x.b["travel"]
        ),
    )


# -------------------------------------------------------------------- firms


@cases()
def test_update_shocks(n, seed):
    world = worlds.random_world(n, seed)
    pf = world.p.firms
    check(
        world,
        lambda m, x: m.firms.update_shocks(
            x.key(Stream.FIRM_SHOCK), x.f.alive, x.f.shock, pf.shock_persistence, pf.shock_sd
        ),
    )


@cases(elasticity=st.floats(0, 1))
def test_set_targets(n, seed, elasticity):
    world = worlds.random_world(n, seed)

    def call(m, x):
        f = x.f
        m.firms.set_targets(
            x.b["log_demand"], elasticity, f.alive, f.sector, f.region, f.base_size, f.shock,
            f.target,
        )  # fmt: skip

    check(world, call)


@cases(elasticity=st.floats(0, 1))
def test_desired_firm_counts(n, seed, elasticity):
    world = worlds.random_world(n, seed)
    check(
        world,
        lambda m, x: m.firms.desired_firm_counts(
            x.b["log_demand"], elasticity, x.world.initial_firms, x.b["desired"]
        ),
    )


@cases(sensitivity=st.sampled_from([0.0, 0.04, 0.5]), shrink=st.booleans())
def test_exit_firms(n, seed, sensitivity, shrink):
    world = worlds.random_world(n, seed)
    if shrink:  # cells with more firms than demand supports
        world.b["desired"] //= 2

    def call(m, x):
        f = x.f
        return m.firms.exit_firms(
            x.month, x.key(Stream.FIRM_EXIT), x.b["desired"], x.b["carbon_burden"], sensitivity,
            f.alive, f.sector, f.region, f.productivity, f.exit_month,
        )  # fmt: skip

    check(world, call)


@cases(surge=st.integers(0, 40))
def test_enter_firms(n, seed, surge):
    world = worlds.random_world(n, seed)
    world.b["desired"][-1, -1] += surge  # enough demand to run out of free rows
    pf, ws = world.p.firms, world.world
    starts = np.arange(ws.n_regions, dtype=np.int64) * world.providers_per_region

    def call(m, x):
        f = x.f
        return m.firms.enter_firms(
            x.month, x.key(Stream.FIRM_ENTRY), x.b["desired"], pf.avg_size, pf.size_sigma,
            ws.sector_productivity, ws.sector_profile, pf.req_noise, starts,
            x.providers_per_region, f.alive, f.sector, f.region, f.base_size, f.shock,
            f.productivity, f.req, f.headcount, f.apprentices, f.entry_month, f.exit_month,
            f.provider, f.train_cost, f.train_benefit, f.appr_started,
        )  # fmt: skip

    check(world, call)


@cases(band=st.floats(0, 0.5))
def test_post_vacancies(n, seed, band):
    world = worlds.random_world(n, seed)

    def call(m, x):
        f = x.f
        m.firms.post_vacancies(
            f.alive, f.target, f.headcount, band, f.vacancies, f.layoff_quota, f.vac_age,
            f.vac_apps, f.vac_qualified,
        )  # fmt: skip

    check(world, call)


# ----------------------------------------------------------- apprenticeship


def firm_key(world):
    return world.key(Stream.APPR_CONTRIBUTION, clock=0)


@cases(
    max_examples=40,
    skilled_wage=st.floats(500, 30_000),
    min_wage=st.floats(500, 4000),
    poach=st.floats(0, 1),
)
def test_expected_net_benefit(n, seed, skilled_wage, min_wage, poach):
    world = worlds.random_world(n, seed)
    p = world.p.appr
    check(
        world, lambda m, x: m.apprenticeship.expected_net_benefit(p, skilled_wage, min_wage, poach)
    )


@cases()
def test_offer_slots(n, seed):
    world = worlds.random_world(n, seed)
    ws = world.world

    def call(m, x):
        f = x.f
        m.apprenticeship.offer_slots(
            firm_key(x), x.p.appr, x.s["poach_rate"], f.alive, f.region, f.headcount,
            f.apprentices, f.productivity, ws.wage_level, ws.min_wage, f.net_benefit, f.slots,
        )  # fmt: skip

    check(world, call)


@cases()
def test_training_accounts(n, seed):
    world = worlds.random_world(n, seed)
    ws = world.world

    def call(m, x):
        w, f = x.w, x.f
        m.apprenticeship.training_accounts(
            firm_key(x), x.p.appr, w.status, w.employer, w.months_left, f.region,
            f.productivity, ws.wage_level, ws.min_wage, f.train_cost, f.train_benefit,
        )  # fmt: skip

    check(world, call)


@cases(none_started=st.booleans(), ties=st.booleans())
def test_net_cost_share_recouping(n, seed, none_started, ties):
    world = worlds.random_world(n, seed)
    f = world.f
    if none_started:
        f.appr_started[:] = 0
    if ties:  # benefits exactly covering costs
        f.train_benefit[::2] = f.train_cost[::2]
    args = (f.train_cost, f.train_benefit, f.appr_started, f.alive)
    net, share = K.apprenticeship.net_cost_share_recouping(*args)
    twin_net, twin_share = T.apprenticeship.net_cost_share_recouping(*args)
    # NumPy sums pairwise, the twin exactly: equal up to rounding.
    assert math.isnan(net) == math.isnan(twin_net)
    assert math.isnan(net) or math.isclose(net, twin_net, rel_tol=1e-12, abs_tol=1e-9)
    assert_same(share, twin_share, "recouping share")


# ----------------------------------------------------------------- training


@cases(
    no_vacancies=st.booleans(),
    no_shortfall=st.booleans(),
    no_unemployed=st.booleans(),
)
def test_skill_demand(n, seed, no_vacancies, no_shortfall, no_unemployed):
    world = worlds.random_world(n, seed)
    w = world.w
    unemployed = w.status == Status.UNEMPLOYED
    if no_vacancies:
        world.f.vacancies[:] = 0
    if no_shortfall:
        w.skills[unemployed] = 1.0
    if no_unemployed:
        w.status[unemployed] = Status.INACTIVE

    def call(m, x):
        f = x.f
        m.training.skill_demand(
            f.alive, f.vacancies, f.target, f.req, x.w.status, x.w.skills, x.b["supply"],
            x.b["demand_now"],
        )  # fmt: skip

    check(world, call)


@cases(
    lagged=st.sampled_from(["signal", "zero", "green"]),
    core_share=st.floats(0, 0.8),
    green_share=st.sampled_from([0.0, 0.1, 0.3, 0.8]),
    adjust=st.floats(0, 1),
)
def test_plan_curricula(n, seed, lagged, core_share, green_share, adjust):
    world = worlds.random_world(n, seed)
    green = GREEN_DOMAIN
    signal = world.b["lagged"]
    if lagged == "zero":
        signal[:] = 0.0
        world.b["foresight"][:] = 0.0
    elif lagged == "green":
        signal[:] = 0.0
        signal[green] = 1.0
    noise = world.p.providers.noise_sd

    def call(m, x):
        m.training.plan_curricula(
            x.key(Stream.FORECAST), x.b["lagged"], x.b["foresight"], noise, core_share,
            green_share, green, adjust, x.pr.mix,
        )  # fmt: skip

    check(world, call)


@cases(no_demand=st.booleans(), core_only=st.booleans())
def test_curriculum_relevance(n, seed, no_demand, core_only):
    world = worlds.random_world(n, seed)
    if no_demand:
        world.b["demand_now"][1:] = 0.0
    if core_only:
        world.pr.mix[0] = 0.0
        world.pr.mix[0, 0] = 1.0
    check(
        world,
        lambda m, x: m.training.curriculum_relevance(x.pr.mix, x.b["demand_now"], x.pr.relevance),
    )


@cases(multiplier=st.floats(0.5, 3), extra=st.floats(0, 2))
def test_set_seats(n, seed, multiplier, extra):
    world = worlds.random_world(n, seed)
    urban = world.world.region_urban
    check(
        world,
        lambda m, x: m.training.set_seats(
            x.pr.base_seats, x.pr.region, urban, multiplier, extra, x.pr.seats
        ),
    )


# ------------------------------------------------------------------ choices


def fill_seats(world) -> None:
    world.pr.seats[:] = world.pr.enrolled


@cases(full=st.booleans(), many=st.booleans())
def test_school_leaver_choices(n, seed, full, many):
    world = worlds.random_world(n, seed)
    if full:
        fill_seats(world)
    if many:  # a large cohort: every unemployed and inactive row a school leaver
        status = world.w.status
        status[(status == Status.UNEMPLOYED) | (status == Status.INACTIVE)] = Status.LEAVER

    def call(m, x):
        w, pr = x.w, x.pr
        m.choices.school_leaver_choices(
            x.key(Stream.CHOICE), x.month, x.p.choices, x.s["slot_ratio"], w.status, w.region,
            w.rural, w.ability, w.date_entry, w.programme, w.provider, w.months_left,
            w.seeking_appr, w.spell, pr.region, pr.seats, pr.enrolled, pr.relevance,
            x.b["travel_train"], x.b["choice_counts"],
        )  # fmt: skip

    check(world, call)


@cases(full=st.booleans())
def test_enrol_courses(n, seed, full):
    world = worlds.random_world(n, seed)
    if full:
        fill_seats(world)

    def call(m, x):
        w, pr = x.w, x.pr
        return m.choices.enrol_courses(
            x.key(Stream.LLL), x.p.courses, w.status, w.age, w.region, w.spell, w.seeking_appr,
            w.displaced, x.world.region_urban, w.programme, w.provider, w.months_left,
            pr.region, pr.seats, pr.enrolled, x.b["travel_train"],
        )  # fmt: skip

    check(world, call)


# ------------------------------------------------------------------- skills


@cases()
def test_update_skills(n, seed):
    world = worlds.random_world(n, seed)

    def call(m, x):
        w, pr = x.w, x.pr
        m.skills.update_skills(
            x.p.skills, w.status, w.employer, w.provider, w.ability, w.skills, x.f.req, pr.mix,
            pr.quality, pr.relevance, w.gap_under, w.gap_over,
        )  # fmt: skip

    check(world, call)


# ----------------------------------------------------------------- matching


def select(m, x, mode) -> int:
    """Searchers of ``mode`` into ``x.b['searchers']``; returns their number."""
    w = x.w
    if mode == SLOTS:
        return m.matching.select_slot_searchers(
            x.key(Stream.SLOT_SEARCH), x.p.match, w.status, w.age, w.cert, w.seeking_appr,
            x.b["searchers"],
        )  # fmt: skip
    return m.matching.select_job_searchers(
        x.key(Stream.SEARCH), x.p.match, w.status, w.gap_under, w.gap_over, w.seeking_appr,
        x.b["searchers"],
    )  # fmt: skip


def openings(x, mode) -> np.ndarray:
    return x.f.slots if mode == SLOTS else x.f.vacancies


def cells(m, x, mode) -> None:
    f, b = x.f, x.b
    m.matching.build_cells(
        f.alive, f.sector, f.region, openings(x, mode), x.world.n_regions, b["cell_open"],
        b["cell_ptr"], b["cell_firms"], b["cell_cum"],
    )  # fmt: skip


def thresholds(m, x, mode) -> None:
    f = x.f
    m.matching.hiring_thresholds(
        mode, x.p.match, f.alive, f.region, f.vac_age, x.b["slack"], x.b["thresholds"]
    )


def applications(m, x, slot0) -> None:
    b, w = x.b, x.w
    m.matching.draw_applications(
        x.key(Stream.APPLY), slot0, b["sel"], b["sel"].size, w.skills, w.region, b["travel"],
        x.world.sector_profile, x.p.match.affinity_weight, x.p.match.travel_weight,
        b["cell_open"], b["cell_ptr"], b["cell_firms"], b["cell_cum"], b["apps"],
    )  # fmt: skip


def offers(m, x, mode) -> int:
    b, w = x.b, x.w
    return m.matching.make_offers(
        mode, b["sel"], b["sel"].size, b["apps"], w.skills, w.ability, w.cert, x.p.cert_bonus,
        x.f.req, openings(x, mode), b["thresholds"], x.f.vac_apps, x.f.vac_qualified,
        b["offers"],
    )  # fmt: skip


def accept(m, x, mode) -> int:
    b, w, f, ws = x.b, x.w, x.f, x.world
    return m.matching.accept_offers(
        mode, x.month, x.p.match, b["sel"], b["sel"].size, b["apps"], b["offers"], b["hired"],
        w.status, w.region, w.skills, w.employer, w.gap_under, w.gap_over, w.wage, w.tenure,
        w.spell, w.months_left, w.provider, w.appr_state, w.appr_firm, w.retained,
        w.seeking_appr, w.date_entry, w.date_first_job, w.date_appr_start, w.date_appr_end,
        f.region, f.productivity, f.req, f.provider, f.headcount, f.apprentices,
        openings(x, mode), f.vac_age, f.vac_apps, f.vac_qualified, f.train_benefit,
        f.appr_started, ws.wage_level, b["travel"], b["mig_in"], b["mig_out"], b["flows"],
        b["spend"],
    )  # fmt: skip


def prepare(world, mode, upto: str, slot0: int = 0) -> None:
    """Run the kernels of a matching round up to (not including) step ``upto``, storing
    searchers (``sel``), applications, offers and the hired flags in ``world.b``."""
    n = select(K, world, mode)
    sel = world.b["searchers"][:n].copy()
    n_apps = world.p.match.applications
    world.b["sel"] = sel
    world.b["apps"] = np.full((n, n_apps), -5, dtype=np.int64)
    world.b["offers"] = np.zeros((n, n_apps), dtype=np.int8)
    world.b["hired"] = np.zeros(n, dtype=np.int8)
    thresholds(K, world, mode)
    cells(K, world, mode)
    if upto == "apps":
        return
    applications(K, world, slot0)
    if upto == "offers":
        return
    offers(K, world, mode)


@cases()
def test_select_job_searchers(n, seed):
    check(worlds.random_world(n, seed), lambda m, x: select(m, x, JOBS))


@cases()
def test_select_slot_searchers(n, seed):
    check(worlds.random_world(n, seed), lambda m, x: select(m, x, SLOTS))


@cases(mode=MODES, no_openings=st.booleans())
def test_build_cells(n, seed, mode, no_openings):
    world = worlds.random_world(n, seed)
    if no_openings:
        openings(world, mode)[:] = 0
    check(world, lambda m, x: cells(m, x, mode))


@cases(mode=MODES)
def test_hiring_thresholds(n, seed, mode):
    check(worlds.random_world(n, seed), lambda m, x: thresholds(m, x, mode))


@cases(mode=MODES, rnd=st.integers(0, 2), no_openings=st.booleans())
def test_draw_applications(n, seed, mode, rnd, no_openings):
    world = worlds.random_world(n, seed)
    if no_openings:
        openings(world, mode)[:] = 0
    prepare(world, mode, "apps")
    slot0 = rnd * 2 * world.p.match.applications
    check(world, lambda m, x: applications(m, x, slot0))


@cases(mode=MODES, random_thresholds=st.booleans())
def test_make_offers(n, seed, mode, random_thresholds):
    world = worlds.random_world(n, seed)
    prepare(world, mode, "offers")
    if random_thresholds:
        world.b["thresholds"][:] = np.random.default_rng(seed).uniform(0.0, 1.2, world.f.capacity)
    check(world, lambda m, x: offers(m, x, mode))


@cases(mode=MODES, any_offers=st.booleans(), poachable=st.booleans(), wage_ties=st.booleans())
def test_accept_offers(n, seed, mode, any_offers, poachable, wage_ties):
    world = worlds.random_world(n, seed)
    gen = np.random.default_rng(seed)
    if wage_ties:  # offers worth exactly the current wage (no gap, no moving cost)
        w, ws = world.w, world.world
        world.p = world.p._replace(match=world.p.match._replace(moving_cost_weight=0.0))
        world.f.productivity[:] = 1.0
        employed = w.status == Status.EMPLOYED
        w.skills[employed] = 1.0
        w.wage[employed] = ws.wage_level[w.region[employed]]
    if poachable:  # employees kept by their training firm about one poaching window ago
        w = world.w
        kept = w.status == Status.EMPLOYED
        w.appr_state[kept] = ApprState.COMPLETED
        w.retained[kept] = 1
        w.appr_firm[kept] = w.employer[kept]
        window = world.p.match.poaching_window
        w.date_appr_end[kept] = world.month - window + gen.integers(-1, 2, kept.sum())
    prepare(world, mode, "accept")
    if any_offers:  # offers beyond what firms would make: ties, several offers each
        apps = world.b["apps"]
        pick = gen.random(apps.shape) < 0.6
        world.b["offers"][:] = (pick & (apps >= 0)).astype(np.int8)
    check(world, lambda m, x: accept(m, x, mode))


@cases(pending_exits=st.booleans())
def test_age_vacancies(n, seed, pending_exits):
    world = worlds.random_world(n, seed, pending_exits=pending_exits)
    check(world, lambda m, x: m.matching.age_vacancies(x.f.alive, x.f.vacancies, x.f.vac_age))


@cases(stride=st.integers(1, 3), no_vacancies=st.booleans(), ties=st.booleans())
def test_employability(n, seed, stride, no_vacancies, ties):
    world = worlds.random_world(n, seed)
    if no_vacancies:
        world.f.vacancies[:] = 0
    thresholds(K, world, JOBS)
    cells(K, world, JOBS)
    sample = np.flatnonzero(world.w.status == Status.UNEMPLOYED)[::stride]
    if ties:  # uncertified workers with every skill, at thresholds of exactly 1
        world.b["thresholds"][:] = 1.0
        world.w.skills[sample[::2]] = 1.0
        world.w.cert[sample[::2]] = 0

    def call(m, x):
        w, b = x.w, x.b
        return m.matching.employability(
            x.key(Stream.EMPLOYABILITY), sample, sample.size, w.skills, w.ability, w.region,
            w.cert, x.p.cert_bonus, x.f.req, b["travel"], x.world.sector_profile,
            x.p.match.travel_weight, b["thresholds"], b["cell_open"], b["cell_ptr"],
            b["cell_firms"], b["cell_cum"], EMPLOYABILITY_DRAWS,
        )  # fmt: skip

    check(world, call)


def test_inline_helpers_at_exact_boundaries():
    """Shared inline helpers on hand-made inputs where a comparison is an exact tie."""
    draw = K.matching.draw_firm  # numba functions, callable from Python too
    nearest = K.training.nearest_open_provider
    weights = np.array([0.0, 2.0, 0.0, 1.0])
    cell_open = np.array([0, 4, 0, 2], dtype=np.int64)
    cell_ptr = np.array([0, 0, 3, 3, 5], dtype=np.int64)
    cell_firms = np.array([7, 8, 9, 10, 11], dtype=np.int64)
    cell_cum = np.array([1, 3, 4, 1, 2], dtype=np.int64)
    # u_firm * openings lands exactly on a running sum; u_cell exactly on a cell edge
    for u_cell in [0.0, 0.5, 2 / 3, 0.999999]:
        for u_firm in [0.0, 0.25, 0.5, 0.75, 0.999]:
            args = (u_cell, u_firm, weights, 3.0, cell_open, cell_ptr, cell_firms, cell_cum)
            assert draw(*args) == T.matching.draw_firm(*args), (u_cell, u_firm)
    travel = np.array([[0.0, 0.2, 0.2], [0.2, 0.0, 0.1], [0.2, 0.1, 0.0]])
    prov_region = np.array([1, 2, 1, 2], dtype=np.int8)
    seats = np.array([1, 3, 2, 3], dtype=np.int32)
    for enrolled in ([0, 0, 0, 0], [1, 0, 0, 0], [1, 3, 2, 3], [1, 3, 2, 2]):
        enrolled = np.array(enrolled, dtype=np.int32)
        for home in range(3):
            args = (home, travel, prov_region, seats, enrolled)
            assert nearest(*args) == T.training.nearest_open_provider(*args)


@cases(max_examples=15, mode=MODES)
def test_matching_rounds(n, seed, mode):
    """A whole matching pass (as phases._match runs it) by kernels and by twins."""

    def run(m, x):
        hires = []
        n_sel = select(m, x, mode)
        x.b["sel"] = x.b["searchers"][:n_sel].copy()
        thresholds(m, x, mode)
        for rnd in range(x.p.match.rounds):
            if x.b["sel"].size == 0 or openings(x, mode).sum() == 0:
                break
            k, n_apps = x.b["sel"].size, x.p.match.applications
            x.b["apps"] = np.empty((k, n_apps), dtype=np.int64)
            x.b["offers"] = np.zeros((k, n_apps), dtype=np.int8)
            x.b["hired"] = np.zeros(k, dtype=np.int8)
            cells(m, x, mode)
            applications(m, x, rnd * 2 * n_apps)
            hires.append((offers(m, x, mode), accept(m, x, mode)))
            x.b["sel"] = x.b["sel"][x.b["hired"] == 0]
        return tuple(hires)

    check(worlds.random_world(n, seed), run)


# -------------------------------------------------------------- separations


@cases(pending_exits=st.booleans())
def test_layoffs(n, seed, pending_exits):
    world = worlds.random_world(n, seed, pending_exits=pending_exits)

    def call(m, x):
        w, f = x.w, x.f
        m.separations.layoffs(
            x.month, w.status, w.employer, w.gap_under, w.wage, w.tenure, w.spell, w.provider,
            w.appr_state, w.displaced, w.date_displaced, f.alive, x.b["firm_is_brown"],
            f.layoff_quota, f.headcount, f.apprentices, x.b["flows"],
        )  # fmt: skip

    check(world, call)


@cases()
def test_quits(n, seed):
    world = worlds.random_world(n, seed)

    def call(m, x):
        w = x.w
        m.separations.quits(
            x.key(Stream.QUIT), x.p.separation, x.month, w.status, w.employer, w.gap_under,
            w.gap_over, w.wage, w.tenure, w.spell, w.provider, x.f.headcount, x.b["flows"],
        )  # fmt: skip

    check(world, call)


@cases(pending_exits=st.booleans(), perfect=st.booleans())
def test_apprenticeship_progress(n, seed, pending_exits, perfect):
    world = worlds.random_world(n, seed, pending_exits=pending_exits)
    if perfect:  # perfectly matched finishers, at an advanced-certificate bar of exactly 1
        world.p = world.p._replace(appr=world.p.appr._replace(advanced_match=1.0))
        apprentices = np.flatnonzero(world.w.status == Status.APPRENTICE)
        world.w.gap_under[apprentices[::2]] = 0.0
        world.w.months_left[apprentices] = 1

    def call(m, x):
        w, f = x.w, x.f
        m.separations.apprenticeship_progress(
            x.key(Stream.DROPOUT), x.key(Stream.COMPLETION), x.month, x.p.appr, w.status,
            w.employer, w.gap_under, w.wage, w.tenure, w.spell, w.provider, w.months_left,
            w.appr_state, w.retained, w.cert, w.education, w.date_appr_end, f.alive, f.region,
            f.productivity, x.world.wage_level, f.headcount, f.apprentices, f.train_benefit,
            x.b["flows"], x.b["spend"],
        )  # fmt: skip

    check(world, call)


@cases()
def test_education_progress(n, seed):
    world = worlds.random_world(n, seed)

    def call(m, x):
        w, pr = x.w, x.pr
        m.separations.education_progress(
            x.key(Stream.TRAINING_END), x.month, x.p.education, w.status, w.programme,
            w.provider, w.months_left, w.cert, w.education, w.date_entry, w.spell, pr.enrolled,
            pr.relevance, x.b["flows"], x.b["spend"],
        )  # fmt: skip

    check(world, call)


# --------------------------------------------------------------- demography


@cases()
def test_age_and_retire(n, seed):
    world = worlds.random_world(n, seed)

    def call(m, x):
        w, f = x.w, x.f
        m.demography.age_and_retire(
            x.p.demography, w.status, w.age, w.employer, w.provider, w.spell, w.tenure,
            w.seeking_appr, f.headcount, f.apprentices, x.pr.enrolled, x.b["flows"],
        )  # fmt: skip

    check(world, call)


@cases()
def test_inactivity(n, seed):
    world = worlds.random_world(n, seed)
    check(
        world,
        lambda m, x: m.demography.inactivity(
            x.key(Stream.INACTIVITY), x.p.demography, x.w.status, x.w.age, x.w.spell, x.b["flows"]
        ),
    )


@cases()
def test_return_migration(n, seed):
    world = worlds.random_world(n, seed)

    def call(m, x):
        w, b = x.w, x.b
        m.demography.return_migration(
            x.key(Stream.MIGRATION), x.p.demography, w.status, w.region, w.origin, w.rural,
            b["mig_in"], b["mig_out"], b["flows"],
        )  # fmt: skip

    check(world, call)


@cases(entrants=st.integers(0, 120))
def test_enter_cohort(n, seed, entrants):
    world = worlds.random_world(n, seed)
    ws = world.world
    region_cum = np.cumsum(ws.region_share)

    def call(m, x):
        w = x.w
        return m.demography.enter_cohort(
            x.key(Stream.ENTRANT), entrants, x.p.demography, region_cum, ws.region_rural_share,
            w.status, w.age, w.region, w.origin, w.rural, w.education, w.ability, w.skills,
            w.employer, w.gap_under, w.gap_over, w.wage, w.tenure, w.spell, w.months_left,
            w.provider, w.programme, w.cert, w.appr_state, w.appr_firm, w.retained,
            w.seeking_appr, w.displaced, w.date_entry, w.date_first_job, w.date_appr_start,
            w.date_appr_end, w.date_displaced, x.b["flows"],
        )  # fmt: skip

    check(world, call)


# --------------------------------------------------------------- accounting


@cases()
def test_set_wages(n, seed):
    world = worlds.random_world(n, seed)

    def call(m, x):
        w, ws = x.w, x.world
        m.accounting.set_wages(
            x.p.wages, w.status, w.employer, w.region, w.gap_under, w.tenure, w.cert,
            x.f.productivity, ws.wage_level, ws.min_wage, w.wage,
        )  # fmt: skip

    check(world, call)


@cases()
def test_programme_costs(n, seed):
    world = worlds.random_world(n, seed)

    def call(m, x):
        pr = x.pr
        m.accounting.programme_costs(
            x.p.costs, pr.region, x.world.region_urban, pr.base_seats, pr.enrolled, x.b["spend"]
        )

    check(world, call)


# ------------------------------------------------------------------ metrics


@cases()
def test_tally(n, seed):
    world = worlds.random_world(n, seed)

    def call(m, x):
        w, f, b = x.w, x.f, x.b
        m.metrics.tally(
            x.month, x.p.metrics, w.status, w.age, w.region, w.employer, w.skills, w.gap_under,
            w.gap_over, w.wage, w.cert, w.appr_state, w.displaced, w.date_entry,
            w.date_first_job, w.date_appr_end, f.alive, f.sector, f.region, f.req, f.headcount,
            f.apprentices, f.vacancies, f.vac_age, f.vac_apps, f.vac_qualified, f.slots,
            x.pr.mix, x.s["first_cohort_year"], b["by_region"], b["by_sector"], b["by_cohort"],
            b["g"],
        )  # fmt: skip

    check(world, call)


@cases(employed=st.sampled_from(["all", "one", "none"]))
def test_wage_gini(n, seed, employed):
    world = worlds.random_world(n, seed)
    w = world.w
    rows = np.flatnonzero(w.status == Status.EMPLOYED)
    if employed == "one":
        w.status[rows[1:]] = Status.UNEMPLOYED
    elif employed == "none":
        w.status[rows] = Status.UNEMPLOYED
    check(world, lambda m, x: m.metrics.wage_gini(x.w.status, x.w.wage))
