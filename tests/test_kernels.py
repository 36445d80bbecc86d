"""Every numba kernel against its plain-Python twin (``simulation.twins``).

Each test builds a random world (``tests/worlds.py``), copies it, runs the kernel on one
copy and the twin on the other with the same arguments, and requires the same return
value and the same contents of every array of the world afterwards (integers exactly,
floats to 1e-12; in practice they agree bit for bit).

Set SKILLSIM_TWIN_EXAMPLES=10 (a multiplier) for a thorough run.
"""

from __future__ import annotations

import functools
import importlib
import math
import os
from types import SimpleNamespace

import numpy as np
import pytest
import worlds
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numba import njit

from simulation import rng
from simulation.kernels import MODULES, parallel
from simulation.params import GREEN_DOMAIN
from simulation.rng import Stream
from simulation.state import NEVER, ApprState, Cert, Education, Flow, Programme, Spend, Status

K = SimpleNamespace(**{m: importlib.import_module(f"simulation.kernels.{m}") for m in MODULES})
T = SimpleNamespace(**{m: importlib.import_module(f"simulation.twins.{m}") for m in MODULES})
JOBS, SLOTS = K.matching.JOBS, K.matching.SLOTS
TERTIARY = K.choices.TERTIARY
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


@pytest.fixture(autouse=True, scope="module")
def small_blocks():
    """Every parallel loop in pieces, and selection passes (``parallel.picks``) in blocks
    of 7 rows: the worlds here have a few hundred workers, and the kernels must agree
    with their twins however the rows are cut."""
    before = parallel.PICK_BLOCK, parallel.min_piece_override
    parallel.PICK_BLOCK, parallel.min_piece_override = 7, 1
    yield
    parallel.PICK_BLOCK, parallel.min_piece_override = before


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


def assert_seat_pools(x: worlds.RandomWorld) -> None:
    """Each provider's TVET enrolment equals its TVET students and its course enrolment
    its course trainees (a retirement or a graduation frees a seat of the right pool)."""
    w, pr = x.w, x.pr
    trainee = w.status == Status.TRAINING
    tvet = trainee & (w.programme == Programme.TVET)
    course = trainee & (w.programme != Programme.TVET)
    assert np.array_equal(pr.enrolled, np.bincount(w.provider[tvet], minlength=pr.count))
    assert np.array_equal(pr.course_enrolled, np.bincount(w.provider[course], minlength=pr.count))
    assert (w.programme[w.status != Status.TRAINING] == Programme.NONE).all()


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
    assert_seat_pools(x)
    assert (pr.enrolled <= pr.seats).all()
    assert (pr.course_enrolled <= pr.course_seats).all()
    assert (w.provider[trainee] >= 0).all() and (w.programme[trainee] != 0).all()
    appr = st_ == Status.APPRENTICE
    assert (w.appr_state[appr] == ApprState.ACTIVE).all()
    assert (w.appr_firm[appr] == w.employer[appr]).all()
    assert ((w.months_left[appr] >= 1) & (w.months_left[appr] <= w.appr_duration[appr])).all()
    ever = w.appr_state != ApprState.NEVER
    assert (w.appr_duration[ever] >= 1).all() and (w.appr_duration[~ever] == 0).all()
    assert ((w.appr_advance >= 0) & (w.appr_advance <= w.appr_entitlement)).all()
    assert (w.poached <= w.retained).all()
    kept = (w.retained == 1) & (w.appr_state == ApprState.COMPLETED)
    assert (w.retained == kept).all()
    assert (f.exit_month[f.alive == 1] == NEVER).all()
    idle = st_ != Status.UNEMPLOYED
    assert (w.spell[idle] == 0).all()
    # (a leaver's window for a slot: held by the unemployed and the inactive)
    assert (w.seeking_appr[idle & (st_ != Status.INACTIVE)] == 0).all()
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
    assert int(key) == k == int(rng.stream_key(seed, month, stream))  # numba's key too
    assert rng.uniform(key, agent, slot) == rng.py_uniform(k, agent, slot)
    assert rng.normal(key, agent, slot) == rng.py_normal(k, agent, slot)


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**64 - 1),
    month=st.integers(-(10**6), 2**62),
    streams=st.lists(st.integers(-3, 2 * rng.KEY_TABLE), min_size=1, max_size=40),
)
def test_month_keys_are_the_python_keys(seed, month, streams):
    """``key`` (a month's keys computed at once in uint64 arrays, other streams alone)
    gives ``py_stream_key``'s bits as np.uint64, for any seed, month and stream."""
    for stream in streams:
        k = rng.key(seed, month, stream)
        assert type(k) is np.uint64
        assert int(k) == rng.py_stream_key(seed, month, stream)


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
    growth_months=st.integers(0, 240),
    jump_month=st.integers(-1, 200),
    jump=st.floats(0, 1000),
)
def test_carbon_price(month, price0, growth, growth_months, jump_month, jump):
    args = (month, price0, growth, growth_months, jump_month, jump)
    assert_same(K.demand.carbon_price(*args), T.demand.carbon_price(*args), "carbon price")


def test_the_carbon_price_holds_after_its_growth_months():
    """The price grew for as long as a run went on (126,563 yuan/t at year 50 under the
    orderly transition): it holds its level after ``growth_months``, and a jump after
    them still adds."""
    for m in (K, T):
        at_120 = m.demand.carbon_price(120, 70.0, 0.15, 120, -1, 0.0)
        assert at_120 == pytest.approx(70.0 * math.exp(1.5))
        assert m.demand.carbon_price(600, 70.0, 0.15, 120, -1, 0.0) == at_120
        assert m.demand.carbon_price(60, 70.0, 0.15, 120, -1, 0.0) < at_120
        assert m.demand.carbon_price(600, 70.0, 0.15, 120, 300, 50.0) == at_120 + 50.0


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


def test_desired_firm_counts_of_a_demand_beyond_int64():
    """A cell's count past 2^63 wrapped to -2^63 (a segmentation fault in exit_firms):
    it is capped, an infinite one too, and a cell of no firms stays at none."""
    for m in (K, T):
        out = np.zeros((1, 5), dtype=np.int64)
        log_demand = np.array([[0.0, 50.0, 100.0, 1000.0, 1000.0]])
        m.firms.desired_firm_counts(log_demand, 1.0, np.array([[30, 30, 30, 30, 0]]), out)
        assert out.tolist() == [[30, 10**15, 10**15, 10**15, 0]], m


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

    after, exits = check(world, call)
    f0, f1 = world.f, after.f
    gone = (f0.alive == 1) & (f1.alive == 0)
    assert exits == gone.sum() and (f1.exit_month[gone] == world.month).all()
    if sensitivity == 0.0:  # no carbon exits: a cell sheds its least productive firms
        for s, r in zip(f0.sector[gone], f0.region[gone], strict=True):
            cell = (f0.sector == s) & (f0.region == r)
            left = f0.productivity[cell & gone].max()
            assert (f0.productivity[cell & (f1.alive == 1)] >= left).all()


@given(
    seed=st.integers(0, 2**32 - 1),
    excess=st.sampled_from([1, *(K.firms.FEW_EXITS + d for d in (-1, 0, 1)), 300]),
    ties=st.booleans(),
)
@settings(max_examples=40, deadline=None)
def test_exit_firms_in_cells_of_many_firms(seed, excess, ties):
    """Cells of hundreds of firms that lose up to ``FEW_EXITS`` of them pick the least
    productive in one pass (``order.first_few``), more by sorting the cell: both give
    the twin's exits (the worlds above have a few firms a cell, so only the first)."""
    rng = np.random.default_rng(seed)
    m, n_sectors, n_regions = 900, 2, 2
    sector = rng.integers(0, n_sectors, m).astype(np.int8)
    region = rng.integers(0, n_regions, m).astype(np.int8)
    alive = (rng.random(m) < 0.9).astype(np.int8)
    productivity = rng.random(m).astype(np.float32)
    if ties:
        productivity = np.round(productivity * 4).astype(np.float32) / np.float32(4)
    cell = sector.astype(np.int64) * n_regions + region
    count = np.bincount(cell[alive == 1], minlength=n_sectors * n_regions)
    desired = np.maximum(count - excess, 0).reshape(n_sectors, n_regions).astype(np.int64)
    results = []
    for mod in (K, T):  # the kernel and its twin
        a, exit_month = alive.copy(), np.full(m, NEVER, dtype=np.int16)
        exits = mod.firms.exit_firms(
            7, np.uint64(seed), desired, np.zeros(n_sectors), 0.0, a, sector, region,
            productivity, exit_month,
        )  # fmt: skip
        results.append((exits, a, exit_month))
    (exits, a, months), (t_exits, t_a, t_months) = results
    assert exits == t_exits == (alive == 1).sum() - (a == 1).sum() > 0
    assert np.array_equal(a, t_a) and np.array_equal(months, t_months)


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
            ws.sector_productivity, ws.sector_profile, pf.req_noise, x.p.appr.contribution_sd,
            starts, x.providers_per_region, f.alive, f.sector, f.region, f.base_size, f.shock,
            f.productivity, f.req, f.headcount, f.apprentices, f.entry_month, f.exit_month,
            f.provider, f.train_cost, f.train_benefit, f.appr_started, f.appr_extra,
        )  # fmt: skip

    after, entries = check(world, call)
    new = (world.f.alive == 0) & (after.f.alive == 1)
    assert entries == new.sum()
    assert (after.f.exit_month[new] == NEVER).all()
    assert (after.f.entry_month[new] == world.month).all()
    # Rows taken were free: exited before this month (or never used), nobody left there.
    assert (world.f.exit_month[new] < world.month).all() and (world.f.headcount[new] == 0).all()
    if world.p.appr.contribution_sd == 0.0:
        assert (after.f.appr_extra[new] == 0.0).all()


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


# Known defects (docs/ODD.md 10.3, "Found, not fixed yet"): these tests state the rule
# as documented and fail on the code as it is (strict: a fix makes them pass, and the
# marker must then go).
NOT_FIXED_YET = pytest.mark.xfail(
    raises=AssertionError,
    strict=True,
    reason="docs/ODD.md 10.3: found, not fixed yet (any fix moves every quoted figure)",
)


@NOT_FIXED_YET
def test_the_tolerance_band_rounds_up_the_exact_product():
    """A firm of target 50 and headcount 56 with a band of 0.1 keeps 55 (ceil(55)): a
    quota of 1, though 50 x 1.1 is 55.00000000000001 in floats."""
    for m in (K, T):
        quota = np.zeros(1, dtype=np.int32)
        m.firms.post_vacancies(
            np.ones(1, dtype=np.int8), np.array([50], dtype=np.int32),
            np.array([56], dtype=np.int32), 0.1, np.zeros(1, dtype=np.int32), quota,
            np.zeros(1, dtype=np.int16), np.zeros(1, dtype=np.int32),
            np.zeros(1, dtype=np.int32),
        )  # fmt: skip
        assert quota[0] == 1, m


# ----------------------------------------------------------- apprenticeship


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
            x.p.appr, x.s["poach_rate"], f.alive, f.region, f.headcount, f.apprentices,
            f.productivity, f.appr_extra, ws.wage_level, ws.min_wage, f.net_benefit, f.slots,
        )  # fmt: skip

    check(world, call)


@cases()
def test_training_accounts(n, seed):
    world = worlds.random_world(n, seed)
    ws = world.world

    def call(m, x):
        w, f = x.w, x.f
        m.apprenticeship.training_accounts(
            x.p.appr, w.status, w.employer, w.months_left, w.appr_duration, f.region,
            f.productivity, f.appr_extra, ws.wage_level, ws.min_wage, f.train_cost,
            f.train_benefit, w.appr_net, x.b["appr_money"],
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

    after, _ = check(world, call)
    # Mixes stay distributions, even when the green floor exceeds the technical share.
    mix = after.pr.mix
    assert (mix >= -1e-12).all()
    np.testing.assert_allclose(mix.sum(1), world.pr.mix.sum(1), rtol=0, atol=1e-9)
    if adjust == 1.0:
        floor = min(green_share, 1.0 - core_share)
        assert (mix[:, green] >= floor - 1e-12).all()


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

    def call(m, x):
        pr = x.pr
        m.training.set_seats(
            pr.base_seats, pr.base_course_seats, pr.region, urban, multiplier, extra, pr.seats,
            pr.course_seats,
        )  # fmt: skip

    after = check(world, call)[0].pr
    town = urban[after.region] == 1  # no rural extra for urban providers
    assert np.array_equal(after.course_seats[town], after.base_course_seats[town])
    assert (after.course_seats >= after.base_course_seats).all()


# ------------------------------------------------------------------ choices


def fill_seats(world) -> None:
    """Every TVET and course seat taken."""
    world.pr.seats[:] = world.pr.enrolled
    world.pr.course_seats[:] = world.pr.course_enrolled


def leaver_choices(x, p=None, slot_ratio=None, m=K) -> None:
    """The school leavers' choices kernel (or, with ``m=T``, its twin) on world ``x``
    (its own parameters and slot ratio unless given)."""
    w, pr = x.w, x.pr
    m.choices.school_leaver_choices(
        x.key(Stream.CHOICE), x.month, x.p.choices if p is None else p,
        x.s["slot_ratio"] if slot_ratio is None else slot_ratio, w.status, w.region, w.rural,
        w.ability, w.date_entry, w.programme, w.provider, w.months_left, w.seeking_appr,
        w.spell, pr.region, pr.seats, pr.enrolled, pr.relevance, x.b["travel_train"],
        x.b["choice_counts"],
    )  # fmt: skip


@cases(full=st.booleans(), many=st.booleans(), steep=st.booleans())
def test_school_leaver_choices(n, seed, full, many, steep):
    world = worlds.random_world(n, seed)
    if full:
        fill_seats(world)
    if steep:  # the config's extremes: exp(50 * 25) overflows unless weights are relative
        world.p = world.p._replace(
            choices=world.p.choices._replace(
                logit_scale=50.0, appr_appeal=5.0, availability_weight=20.0, tvet_appeal=-5.0
            )
        )
    if many:  # a large cohort: every unemployed and inactive row a school leaver
        status = world.w.status
        status[(status == Status.UNEMPLOYED) | (status == Status.INACTIVE)] = Status.LEAVER

    after, _ = check(world, lambda m, x: leaver_choices(x, m=m))
    assert_seat_pools(after)
    assert (after.pr.enrolled <= after.pr.seats).all()
    assert np.array_equal(after.pr.course_enrolled, world.pr.course_enrolled)


@cases(full=st.booleans(), slot_ratio=st.floats(0.0, 2.0))
def test_tertiary_study_does_not_answer_to_the_labour_market(n, seed, full, slot_ratio):
    """Who enters tertiary study is the same whatever the slots, the seats and the tastes
    for the labour-market paths: a firm subsidy or more TVET seats cannot draw school
    leavers out of study (ODD 7.5). The others' paths do move."""
    world = worlds.random_world(n, seed)
    status = world.w.status
    status[(status == Status.UNEMPLOYED) | (status == Status.INACTIVE)] = Status.LEAVER
    leavers = status == Status.LEAVER
    world.b["choice_counts"][:] = 0  # (the month resets them before the call)
    a, b = world.copy(), world.copy()
    if full:
        fill_seats(b)
    pc = world.p.choices
    keen = pc._replace(appr_appeal=5.0, availability_weight=20.0, tvet_appeal=-5.0)
    leaver_choices(a)
    leaver_choices(b, keen, slot_ratio)
    studies = a.w.status == Status.STUDENT
    assert np.array_equal(studies, b.w.status == Status.STUDENT)
    assert (
        a.b["choice_counts"][TERTIARY] == b.b["choice_counts"][TERTIARY] == studies[leavers].sum()
    )
    if pc.tertiary_constant == math.inf:
        assert studies[leavers].all()
    if pc.tertiary_constant == -math.inf:
        assert not studies[leavers].any()
    # The others do answer: at an appeal of 5 (weight at least e^5 against 1 for search
    # and at most e^-4 for TVET at a logit scale of 1), nearly all seek a slot.
    others = (leavers & ~studies).sum()
    if others >= 20 and pc.logit_scale >= 1.0:
        assert b.b["choice_counts"][K.choices.APPR] >= 0.8 * others


@pytest.mark.parametrize("share", [0.0, 0.2, 0.55, 0.9, 1.0])
def test_tertiary_entry_share_is_met(share):
    """The solved constant (``params.tertiary_constant``) gives the tertiary entry share
    asked for: the expectation over ability and origin to 1e-8, and the kernel's draws
    over 400,000 school leavers of the entrants' ability and origin within 4.5 standard
    errors."""
    from simulation.params import tertiary_constant, tertiary_share_at

    scale, weight, sd, penalty, rural = 3.0, 2.0, 0.15, 0.5, 0.4
    c = tertiary_constant(share, scale, weight, sd, penalty, rural)
    if 0.0 < share < 1.0:  # against an adaptive quadrature, not the solver's own grid
        from scipy.integrate import quad

        def at(r):
            def f(z):
                a = max(1.0 + sd * z, 0.2)
                x = scale * (c + weight * (a - 1.0) - penalty * r)
                return math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi) / (1.0 + math.exp(-x))

            return quad(f, -12.0, 12.0, points=[-0.8 / sd], limit=200)[0]

        assert abs((1.0 - rural) * at(0.0) + rural * at(1.0) - share) < 1e-8
        assert tertiary_share_at(c, scale, weight, sd, penalty, rural) == pytest.approx(share)
    world = worlds.random_world(worlds.SIZES[0], 1)
    n = 400_000
    g = np.random.default_rng(7)
    status = np.full(n, Status.LEAVER, dtype=world.w.status.dtype)
    ability = np.maximum(1.0 + sd * g.standard_normal(n), 0.2).astype(world.w.ability.dtype)
    rural_rows = (g.random(n) < rural).astype(world.w.rural.dtype)
    zeros = {k: np.zeros(n, dtype=v.dtype) for k, v in world.w.arrays().items()}
    counts = np.zeros(4, dtype=world.b["choice_counts"].dtype)
    pc = world.p.choices._replace(
        logit_scale=scale,
        tertiary_constant=c,
        ability_weight=weight,
        rural_tertiary_penalty=penalty,
    )
    pr = world.pr
    K.choices.school_leaver_choices(
        world.key(Stream.CHOICE), world.month, pc, 0.5, status, zeros["region"], rural_rows,
        ability, zeros["date_entry"], zeros["programme"], zeros["provider"],
        zeros["months_left"], zeros["seeking_appr"], zeros["spell"], pr.region,
        pr.seats.copy(), pr.enrolled.copy(), pr.relevance, world.b["travel_train"], counts,
    )  # fmt: skip
    got = counts[TERTIARY] / n
    assert abs(got - share) <= 4.5 * math.sqrt(share * (1.0 - share) / n) + 1e-12, got
    if 0.0 < share < 1.0:  # who studies: the able, and fewer of rural origin
        studies = status == Status.STUDENT
        assert ability[studies].mean() > ability[~studies].mean() + 0.05
        assert rural_rows[studies].mean() < rural_rows[~studies].mean() - 0.05


def test_the_labour_market_paths_take_a_draw_of_their_own():
    """Those who do not study choose with a second draw, not the first again (which,
    having failed the tertiary test, lies above the tertiary chance): at equal utilities
    the three labour-market paths take a third each, whatever the tertiary share."""
    world = worlds.random_world(worlds.SIZES[0], 2)
    n = 300_000
    status = np.full(n, Status.LEAVER, dtype=world.w.status.dtype)
    zeros = {k: np.zeros(n, dtype=v.dtype) for k, v in world.w.arrays().items()}
    ability = np.ones(n, dtype=world.w.ability.dtype)
    counts = np.zeros(4, dtype=world.b["choice_counts"].dtype)
    pr = world.pr
    seats = np.full_like(pr.seats, n)  # a free seat for everyone, at no travel cost
    relevance = np.zeros_like(pr.relevance)
    pc = world.p.choices._replace(
        tertiary_constant=0.0, ability_weight=0.0, rural_tertiary_penalty=0.0, appr_appeal=0.0,
        availability_weight=0.0, tvet_appeal=0.0, relevance_weight=0.0, distance_penalty=0.0,
    )  # fmt: skip
    K.choices.school_leaver_choices(
        world.key(Stream.CHOICE), world.month, pc, 0.5, status, zeros["region"],
        zeros["rural"], ability, zeros["date_entry"], zeros["programme"], zeros["provider"],
        zeros["months_left"], zeros["seeking_appr"], zeros["spell"], pr.region, seats,
        np.zeros_like(pr.enrolled), relevance, np.zeros_like(world.b["travel_train"]), counts,
    )  # fmt: skip
    others = n - counts[TERTIARY]
    assert abs(counts[TERTIARY] / n - 0.5) < 0.01
    for path in (K.choices.APPR, K.choices.TVET, K.choices.SEARCH):
        assert abs(counts[path] / others - 1.0 / 3.0) < 0.01, counts


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
            pr.region, pr.course_seats, pr.course_enrolled, x.b["travel_train"],
        )  # fmt: skip

    after, (enrolments, vouchers) = check(world, call)
    # Courses take course seats, never beyond them, and leave TVET seats alone.
    assert_seat_pools(after)
    assert (after.pr.course_enrolled <= after.pr.course_seats).all()
    assert np.array_equal(after.pr.enrolled, world.pr.enrolled)
    assert enrolments == after.pr.course_enrolled.sum() - world.pr.course_enrolled.sum()
    assert 0 <= vouchers <= enrolments
    if full:
        assert enrolments == 0


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


_job_gaps_of = K.skills.job_gaps
_job_gaps = njit(lambda skills, req: _job_gaps_of(skills, 0, req, 0))
_SKILL_PARAMS = worlds.random_world(100, 0).p.skills
# Float32 values in [0, 1] spread over magnitudes (a full mantissa times 2^-e): with
# numbers on one grid (numpy's uniform float32s, multiples of 2^-24) every sum of the
# gaps' terms is exact and any order of adding them gives the same bits; spread out,
# the order shows. Plus the edges: 0, 1, the smallest float32, 1 - 2^-24.
_unit = st.one_of(
    st.builds(
        lambda m, e: float(np.float32(m / 2.0**24 * 2.0**-e)),
        st.integers(2**23, 2**24 - 1),
        st.integers(0, 40),
    ),
    st.sampled_from([0.0, 1.0, 2.0**-149, 1.0 - 2.0**-24]),
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.integers(1, 12).flatmap(
        lambda k: st.tuples(st.lists(_unit, min_size=k, max_size=k),
                            st.lists(_unit, min_size=k, max_size=k))
    ),
    nan_at=st.one_of(st.none(), st.integers(0, 11)),
    flat_req=st.sampled_from([None, 0.0, 1.0]),
    overshoot=st.booleans(),
)  # fmt: skip
def test_skill_update_gaps_are_job_gaps_bit_for_bit(rows, nan_at, flat_req, overshoot):
    """The skill update's gaps (terms from the skills it has just computed, then
    ``gap_sums`` with the firm's ``requirement_sums``) equal ``job_gaps`` of the updated
    skills bit for bit (the sums added in the same order): any domain count, values
    spread over magnitudes, a requirement row of all zeros or all ones (a zero
    denominator), a NaN skill; an employed worker and an apprentice with a provider;
    rates that push skills past 1 and below 0 (the update clamps them). The gaps are
    kept as float64 here (the model keeps float32), so that a change in the order of
    the sums shows (a float32 gap hides most)."""
    k = len(rows[0])
    skills = np.array([rows[0], rows[0]], dtype=np.float32)
    req = np.array([rows[1]], dtype=np.float32)
    if flat_req is not None:
        req[:] = flat_req
    if nan_at is not None and nan_at < k:
        skills[:, nan_at] = np.nan
    p = _SKILL_PARAMS
    if overshoot:
        p = p._replace(learning_rate=3.0, depreciation_employed=2.5)
    status = np.array([Status.EMPLOYED, Status.APPRENTICE], dtype=np.int8)
    mix = np.full((1, k), 1.0 / k)
    gaps = np.full(2, -1.0), np.full(2, -1.0)
    K.skills.update_skill_rows(
        0, 2, p, status, np.zeros(2, np.int32), np.zeros(2, np.int16),
        np.ones(2, np.float32), skills, req, mix, np.ones(1), np.ones(1), *gaps,
        K.skills.requirement_sums(req),
    )  # fmt: skip
    assert ((skills >= 0.0) & (skills <= 1.0) | np.isnan(skills)).all()
    for i in range(2):
        expected = np.array(_job_gaps(skills[i : i + 1], req))
        got = np.array([gaps[0][i], gaps[1][i]])
        assert np.array_equal(expected.view(np.uint64), got.view(np.uint64)), (i, expected, got)


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
        x.key(Stream.SEARCH), x.p.match, w.status, w.programme, w.months_left, w.gap_under,
        w.gap_over, x.b["searchers"],
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


def applications(m, x, slot0, *factors) -> None:
    b, w = x.b, x.w
    m.matching.draw_applications(
        x.key(Stream.APPLY), slot0, b["sel"], b["sel"].size, w.skills, w.region, w.employer,
        b["travel"], x.world.sector_profile, x.p.match.affinity_weight, x.p.match.travel_weight,
        b["cell_open"], b["cell_ptr"], b["cell_firms"], b["cell_cum"], b["apps"], *factors,
    )  # fmt: skip


def offers(m, x, mode, slot0: int = 0) -> int:
    b, w = x.b, x.w
    return m.matching.make_offers(
        mode, x.p.match, b["sel"], b["sel"].size, b["apps"], w.skills, w.ability, w.cert,
        x.p.cert_bonus, x.f.req, openings(x, mode), b["thresholds"], x.f.vac_apps,
        x.f.vac_qualified, b["offers"], x.key(Stream.SCREEN), slot0,
    )  # fmt: skip


def accept(m, x, mode) -> int:
    b, w, f, ws = x.b, x.w, x.f, x.world
    return m.matching.accept_offers(
        mode, x.month, x.p.match, b["sel"], b["sel"].size, b["apps"], b["offers"], b["hired"],
        w.status, w.region, w.skills, w.employer, w.gap_under, w.gap_over, w.wage, w.age,
        w.tenure, w.spell, w.months_left, w.provider, w.appr_state, w.appr_firm, w.appr_duration,
        w.appr_entitlement, w.appr_advance, w.retained, w.poached, w.seeking_appr,
        w.date_entry, w.date_first_job, w.date_appr_start, w.date_appr_end, f.region, f.productivity, f.req, f.provider, f.headcount, f.apprentices,
        openings(x, mode), f.vac_age, f.vac_apps, f.vac_qualified, f.train_benefit,
        f.appr_started, ws.wage_level, b["travel"], b["mig_in"], b["mig_out"], b["flows"],
        b["spend"], x.key(Stream.TRAINING_END), w.programme, w.education, w.cert,
        x.pr.enrolled, x.pr.relevance,
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
    offers(K, world, mode, slot0)


@cases()
def test_select_job_searchers(n, seed):
    world = worlds.random_world(n, seed)
    after, count = check(world, lambda m, x: select(m, x, JOBS))
    rows = after.b["searchers"][:count]
    status = world.w.status
    # Every unemployed worker searches, those seeking a slot too; else only employees
    # and students in their final months (tertiary and TVET, not a course's).
    unemployed = np.flatnonzero(status == Status.UNEMPLOYED)
    assert np.isin(unemployed, rows).all()
    pm, w = world.p.match, world.w
    final = (w.months_left <= pm.final_year_months) & (
        (status == Status.STUDENT) | ((status == Status.TRAINING) & (w.programme == Programme.TVET))
    )
    assert (np.isin(status[rows], (Status.UNEMPLOYED, Status.EMPLOYED)) | final[rows]).all()
    if pm.final_year_search == 1.0:
        assert np.isin(np.flatnonzero(final), rows).all()
    if pm.final_year_search == 0.0:
        assert not final[rows].any()
    assert (np.diff(rows) > 0).all()


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


@cases(tight=st.booleans())
def test_market_slack(n, seed, tight):
    x = worlds.random_world(n, seed)
    w, f, n_regions = x.w, x.f, x.world.n_regions
    if tight:  # few unemployed, many vacancies: slack clipped at -2 somewhere
        w.status[w.status == Status.UNEMPLOYED] = Status.EMPLOYED
        f.vacancies[:] = 50
    slack = K.matching.market_slack(w.status, w.region, f.alive, f.region, f.vacancies, n_regions)
    live = f.alive == 1
    unemployed = np.bincount(w.region[w.status == Status.UNEMPLOYED], minlength=n_regions)
    vacancies = np.bincount(
        f.region[live], weights=f.vacancies[live].astype(float), minlength=n_regions
    )
    twin = [T.matching.slack(int(u), float(v)) for u, v in zip(unemployed, vacancies, strict=True)]
    assert slack.tolist() == twin
    # From rows that hold every unemployed worker and others (the job seekers): the same.
    rows = np.flatnonzero((w.status == Status.UNEMPLOYED) | (np.arange(w.status.size) % 3 == 0))
    among = K.matching.slack_among(
        rows, w.status, w.region, f.alive, f.region, f.vacancies, n_regions
    )
    assert among.tolist() == twin
    if tight and live.any():
        assert slack.min() == -2.0
    assert (T.matching.slack(0, 0.0), T.matching.slack(500, 3.0)) == (0.0, 2.0)


@cases(mode=MODES, rnd=st.integers(0, 2), no_openings=st.booleans())
def test_draw_applications(n, seed, mode, rnd, no_openings):
    world = worlds.random_world(n, seed)
    if no_openings:
        openings(world, mode)[:] = 0
    prepare(world, mode, "apps")
    slot0 = rnd * 2 * world.p.match.applications
    after, _ = check(world, lambda m, x: applications(m, x, slot0))
    assert_applications_valid(after)


@cases(mode=MODES, rnd=st.integers(0, 2))
def test_draw_applications_with_a_citys_openings(n, seed, mode, rnd):
    """From ``HINT_FROM_FIRMS`` openings up, a block's draws take their firms in a second
    pass (``draw_blocks``): the twin's applications still, repeats and own employers
    dropped as before."""
    from simulation.kernels.memory import HINT_FROM_FIRMS

    world = worlds.random_world(n, seed)
    live = world.f.alive == 1
    openings(world, mode)[live] += HINT_FROM_FIRMS // max(int(live.sum()), 1) + 1
    prepare(world, mode, "apps")
    assert world.b["cell_open"].sum() >= HINT_FROM_FIRMS or not live.any()
    slot0 = rnd * 2 * world.p.match.applications
    after, _ = check(world, lambda m, x: applications(m, x, slot0))
    assert_applications_valid(after)


@cases(mode=MODES, rnd=st.integers(1, 2))
def test_a_later_round_reads_the_first_rounds_affinity_factors(n, seed, mode, rnd):
    """The factors the first round computes and keeps, read in a later round (``known``),
    give the draws of the plain-Python twin, which computes them afresh; also when each
    searcher's factors are kept in a row of its own (``factor_rows``, here shuffled)."""
    world = worlds.random_world(n, seed)
    prepare(world, mode, "apps")
    b, w, pm = world.b, world.w, world.p.match
    sel, n_apps = b["sel"], pm.applications
    factors = np.full((sel.size, world.world.sector_profile.shape[0]), np.nan)
    rows = np.random.default_rng(seed).permutation(sel.size)

    def draw(slot0, apps, *keep, m=K):
        m.matching.draw_applications(
            world.key(Stream.APPLY), slot0, sel, sel.size, w.skills, w.region, w.employer,
            b["travel"], world.world.sector_profile, pm.affinity_weight, pm.travel_weight,
            b["cell_open"], b["cell_ptr"], b["cell_firms"], b["cell_cum"], apps, *keep,
        )  # fmt: skip
        return apps

    first = draw(0, np.full((sel.size, n_apps), -5), factors, False)
    assert not np.isnan(factors).any()
    slot0 = rnd * 2 * n_apps
    fresh = draw(slot0, np.full((sel.size, n_apps), -5), m=T)
    assert np.array_equal(draw(slot0, np.full((sel.size, n_apps), -5), factors, True), fresh)
    assert np.array_equal(first, draw(0, np.full((sel.size, n_apps), -5), m=T))
    shuffled = np.full_like(factors, np.nan)
    assert np.array_equal(draw(0, np.full((sel.size, n_apps), -5), shuffled, False, rows), first)
    assert np.array_equal(shuffled[rows], factors)
    kept = draw(slot0, np.full((sel.size, n_apps), -5), shuffled, True, rows)
    assert np.array_equal(kept, fresh)


@given(
    hired=st.lists(st.integers(0, 1), max_size=300),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=40, deadline=None)
def test_keep_unmatched(hired, seed):
    """The unmatched searchers and the rows of their factors move to the front, in order."""
    rng = np.random.default_rng(seed)
    hired = np.array(hired, dtype=np.int8)
    searchers = rng.permutation(10 * hired.size + 1)[: hired.size].astype(np.int64)
    rows = rng.permutation(hired.size).astype(np.int64)
    for m in (K, T):  # the kernel and its twin
        s, r = searchers.copy(), rows.copy()
        left = m.matching.keep_unmatched(hired, s, r)
        assert left == (hired == 0).sum()
        assert np.array_equal(s[:left], searchers[hired == 0])
        assert np.array_equal(r[:left], rows[hired == 0])


def assert_applications_valid(x: worlds.RandomWorld) -> None:
    """Applications go to distinct live firms with openings, never the own employer."""
    apps, sel = x.b["apps"], x.b["sel"]
    own = x.w.employer[sel]
    for j in range(sel.size):
        sent = apps[j][apps[j] >= 0]
        assert np.unique(sent).size == sent.size
        assert own[j] < 0 or own[j] not in sent, (sel[j], own[j], sent)
    sent = apps[apps >= 0]
    assert (x.f.alive[sent] == 1).all() and (x.b["cell_open"].sum() > 0 or sent.size == 0)


@cases(max_examples=40, rnd=st.integers(0, 2))
def test_no_application_to_own_employer(n, seed, rnd):
    """Every employee searches and the only openings are at one employer, so that its
    employees draw their own employer every time: those draws are dropped (the kernel
    and the twin agree on it), while without the rule they would be applications."""
    world = worlds.random_world(n, seed)
    w, f = world.w, world.f
    employed = np.flatnonzero(w.status == Status.EMPLOYED)
    if employed.size == 0:
        return
    firm = int(w.employer[employed[0]])
    f.vacancies[:] = 0
    f.vacancies[firm] = 1000
    world.p = world.p._replace(match=world.p.match._replace(on_the_job_search=1.0))
    prepare(world, JOBS, "apps")
    slot0 = rnd * 2 * world.p.match.applications
    after, _ = check(world, lambda m, x: applications(m, x, slot0))
    assert_applications_valid(after)
    x, k = after, int(after.key(Stream.APPLY))
    own = [j for j, i in enumerate(x.b["sel"]) if x.w.employer[i] == firm]
    assert own and (x.b["apps"][own] == -1).all()  # every draw was the own employer
    # The twin without the rule (own employer -1) applies there: the rule bites.
    access = T.matching.cell_access(x.b["travel"], x.p.match.travel_weight, x.b["cell_open"])
    i = int(x.b["sel"][own[0]])
    free = T.matching.worker_applications(
        k, slot0, i, x.p.match.applications, x.w.skills, x.w.region, -1, access,
        x.world.sector_profile, x.p.match.affinity_weight, x.b["cell_open"], x.b["cell_ptr"],
        x.b["cell_firms"], x.b["cell_cum"],
    )  # fmt: skip
    assert free[0] == firm


@cases(mode=MODES, random_thresholds=st.booleans(), slot0=st.sampled_from([0, 8, 38]))
def test_make_offers(n, seed, mode, random_thresholds, slot0):
    world = worlds.random_world(n, seed)
    prepare(world, mode, "offers")
    if random_thresholds:
        world.b["thresholds"][:] = np.random.default_rng(seed).uniform(0.0, 1.2, world.f.capacity)
    check(world, lambda m, x: offers(m, x, mode, slot0))


def test_firms_judge_job_applications_with_the_set_error():
    # The twins compare the kernel with its twin on one formula; here the error itself:
    # judged minus exact scores are screening_noise times the normal of the worker's row
    # (not its place among the searchers) at the application's own slots, so standard
    # normals, independent across a searcher's applications and from round to round,
    # and nothing for slot applications.
    n, rows, n_apps, n_firms, sd = 10_000, 30_000, 4, 50, 0.15
    gen = np.random.default_rng(3)
    world = worlds.random_world(200, 3)
    skills = gen.uniform(0.0, 1.0, (rows, 8)).astype(np.float32)
    ability = gen.uniform(0.7, 1.3, rows).astype(np.float32)
    cert = np.zeros(rows, dtype=np.int8)
    req = gen.uniform(0.2, 0.9, (n_firms, 8)).astype(np.float32)
    apps = gen.integers(0, n_firms, (n, n_apps))
    searchers = gen.choice(rows, n, replace=False)
    key = rng.key(11, 4, Stream.SCREEN)

    def scores(mode, sd, slot0):
        p = world.p.match._replace(screening_noise=sd)
        out = np.full((n, n_apps), np.nan)
        K.matching.score_rows(
            0, n, mode, p, searchers, n, apps, skills, ability, cert, world.p.cert_bonus, req,
            out, key, slot0,
        )  # fmt: skip
        return out

    exact = scores(JOBS, 0.0, 0)
    for slot0 in (0, 8):
        drawn = np.array(
            [
                [rng.py_normal(int(key), int(i), slot0 + 2 * a) for a in range(n_apps)]
                for i in searchers
            ]
        )
        np.testing.assert_allclose(scores(JOBS, sd, slot0) - exact, sd * drawn, rtol=0, atol=1e-12)
    errors = (scores(JOBS, sd, 0) - exact) / sd
    assert abs(errors.mean()) < 0.03 and abs(errors.std() - 1.0) < 0.03
    assert abs(np.mean(errors**4) - 3.0) < 0.2  # normal, not uniform (1.8)
    assert np.abs(np.corrcoef(errors.T)[np.triu_indices(n_apps, 1)]).max() < 0.05
    later = (scores(JOBS, sd, 8) - exact) / sd
    assert abs(np.corrcoef(errors.ravel(), later.ravel())[0, 1]) < 0.03
    assert np.array_equal(scores(SLOTS, sd, 0), scores(SLOTS, 0.0, 0))


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
        w.poached[:] = 0
    prepare(world, mode, "accept")
    if any_offers:  # offers beyond what firms would make: ties, several offers each
        apps = world.b["apps"]
        pick = gen.random(apps.shape) < 0.6
        world.b["offers"][:] = (pick & (apps >= 0)).astype(np.int8)
    after, hires = check(world, lambda m, x: accept(m, x, mode))
    w0, w1, month = world.w, after.w, world.month
    sel = world.b["sel"]
    rows = sel[after.b["hired"] == 1]
    assert hires == rows.size
    flows = after.b["flows"] - world.b["flows"]
    was = w0.status[rows]
    # A move out of unemployment counts only for those unemployed since the month began.
    old_unemployed = (was == Status.UNEMPLOYED) & (w0.spell[rows] >= 1)
    assert flows[Flow.UNEMPLOYED_TO_EMPLOYED] == old_unemployed.sum()
    assert flows[Flow.JOB_TO_JOB] == (was == Status.EMPLOYED).sum()
    # Poached: retained completers leaving the training firm less than a window after.
    window = world.p.match.poaching_window
    left = rows[(was == Status.EMPLOYED) & (w0.appr_firm[rows] == w0.employer[rows])]
    kept = (w0.retained[left] == 1) & (w0.appr_state[left] == ApprState.COMPLETED)
    poachings = left[kept & (month - w0.date_appr_end[left] < window)]
    assert flows[Flow.APPR_POACHED] == poachings.size
    assert (w1.poached[poachings] == 1).all()
    newly = (w1.poached == 1) & (w0.poached == 0)
    assert np.isin(np.flatnonzero(newly), poachings).all()
    if poachable:
        late = (was == Status.EMPLOYED) & (month - w0.date_appr_end[rows] >= window)
        assert (w1.poached[rows[late]] == 0).all()
    if mode == SLOTS:  # a start records the terms of today's contract and pays the advance
        pm = world.p.match
        due = pm.subsidy_per_year * pm.duration / 12.0
        assert (w1.appr_duration[rows] == pm.duration).all()
        assert (w1.months_left[rows] == pm.duration).all()
        np.testing.assert_allclose(w1.appr_entitlement[rows], due, rtol=1e-15)
        np.testing.assert_allclose(w1.appr_advance[rows], due * pm.advance_share, rtol=1e-15)
        assert (w1.poached[rows] == 0).all() and (w1.retained[rows] == 0).all()
        paid = after.b["spend"][Spend.SUBSIDY] - world.b["spend"][Spend.SUBSIDY]
        assert math.isclose(paid, w1.appr_advance[rows].sum(), rel_tol=1e-9, abs_tol=1e-6)


@cases(decline=st.sampled_from([0.0, 0.1, 0.5]))
def test_young_unemployed_refuse_job_offers_below_their_reservation_pay(n, seed, decline):
    """A young unemployed searcher (under ``youth_age_months``) takes its best job offer
    only if it is worth its reservation pay, ``youth_reservation`` times its home
    region's wage level times (1 - ``reservation_decline``) to its spell's months; an
    older one, or one in school, takes any offer. The floor is set between the young
    searchers' best offers, so that some take and some refuse."""
    world = worlds.random_world(n, seed)
    gen = np.random.default_rng(seed)
    w = world.w
    young = gen.random(w.status.size) < 0.5
    edge = gen.random(w.status.size) < 0.5  # a month either side of 25
    w.age[:] = np.where(
        young, np.where(edge, 25 * 12 - 1, 20 * 12), np.where(edge, 25 * 12, 40 * 12)
    )
    pm = world.p.match._replace(
        youth_reservation=0.0, reservation_decline=decline, youth_age_months=25 * 12
    )
    world.p = world.p._replace(match=pm)
    prepare(world, JOBS, "accept")
    apps, sel = world.b["apps"], world.b["sel"]
    world.b["offers"][:] = ((gen.random(apps.shape) < 0.6) & (apps >= 0)).astype(np.int8)
    offers, ws, f, travel = world.b["offers"], world.world, world.f, world.b["travel"]

    def worth(i, g):  # the offer of firm g to worker i
        value = T.matching.offer_value
        return value(JOBS, pm, i, g, w.skills, w.region, f.req, f.region, f.productivity,
                     ws.wage_level, travel)  # fmt: skip

    def best(j):  # the best offer's worth to searcher j, or None
        got = [worth(sel[j], apps[j, a]) for a in range(apps.shape[1]) if offers[j, a] != 0]
        return max(got) if got else None

    values = [best(j) for j in range(sel.size)]
    i_of = sel
    choosy = [
        j
        for j in range(sel.size)
        if values[j] is not None and w.status[i_of[j]] == Status.UNEMPLOYED and young[i_of[j]]
    ]
    assume(len(choosy) >= 2)
    # the floor's share: between the young unemployed's best offers over their floors' base
    base = [ws.wage_level[w.region[i_of[j]]] * (1.0 - decline) ** w.spell[i_of[j]] for j in choosy]
    shares = np.sort([values[j] / b for j, b in zip(choosy, base, strict=True)])
    assume(shares[0] < shares[-1])
    cut = shares.size // 2
    share = float(0.5 * (shares[cut - 1] + shares[cut])) if shares[cut - 1] < shares[cut] else None
    assume(share is not None)
    world.p = world.p._replace(match=pm._replace(youth_reservation=share))
    after, _ = check(world, lambda m, x: accept(m, x, JOBS))
    hired = after.b["hired"]
    took = refused = 0
    for j in range(sel.size):
        if values[j] is None:
            assert hired[j] == 0
            continue
        i = i_of[j]
        st0 = w.status[i]
        if st0 == Status.UNEMPLOYED and young[i]:
            floor = share * float(ws.wage_level[w.region[i]]) * math.pow(1.0 - decline, w.spell[i])
            assert hired[j] == (values[j] >= floor), (j, values[j], floor)
            took += values[j] >= floor
            refused += values[j] < floor
        elif st0 == Status.EMPLOYED:  # only an offer above the wage, whatever the age
            assert hired[j] == (values[j] > float(w.wage[i]))
        else:  # older unemployed, students, trainees: any offer
            assert hired[j] == 1
    assert took >= 1 and refused >= 1


@cases()
def test_an_offer_worth_exactly_the_reservation_pay_is_taken(n, seed):
    """The floor is a least acceptable pay: an offer worth exactly it is taken, one a
    hair below it refused. Every wage level equal, every skill 1 and productivity 1,
    no moving cost and no decline: every job offer is worth the wage level exactly, and
    so is a young unemployed searcher's floor at ``youth_reservation`` = 1."""
    world = worlds.random_world(n, seed)
    w, f, ws = world.w, world.f, world.world
    w.age[:] = 20 * 12
    w.skills[:] = 1.0
    f.productivity[:] = 1.0
    ws.wage_level[:] = ws.wage_level[0]
    pm = world.p.match._replace(
        moving_cost_weight=0.0, wage_floor_share=0.5, reservation_decline=0.0,
        youth_age_months=25 * 12,
    )  # fmt: skip
    prepare(world, JOBS, "accept")
    sel, apps = world.b["sel"], world.b["apps"]
    world.b["offers"][:] = (apps >= 0).astype(np.int8)
    young = (w.status[sel] == Status.UNEMPLOYED) & (apps >= 0).any(axis=1)
    assume(young.any())
    for share, taken in ((1.0, True), (1.0 + 1e-9, False)):
        world.p = world.p._replace(match=pm._replace(youth_reservation=share))
        after, _ = check(world, lambda m, x: accept(m, x, JOBS))
        assert (after.b["hired"][young] == taken).all(), share


@cases()
def test_slot_offers_know_no_reservation_pay(n, seed):
    """An apprenticeship slot is taken as before whatever the young's reservation pay:
    the same hires and the same rows with it at 2 as at 0."""
    world = worlds.random_world(n, seed)
    world.w.age[:] = 20 * 12
    prepare(world, SLOTS, "accept")
    apps = world.b["apps"]
    world.b["offers"][:] = (apps >= 0).astype(np.int8)
    runs = []
    for share in (0.0, 2.0):
        world.p = world.p._replace(match=world.p.match._replace(youth_reservation=share))
        runs.append(check(world, lambda m, x: accept(m, x, SLOTS)))
    (a, hires_a), (b, hires_b) = runs
    assert hires_a == hires_b
    assert np.array_equal(a.b["hired"], b.b["hired"])
    assert np.array_equal(a.w.status, b.w.status)


def end_programmes(m, x):
    w, pr = x.w, x.pr
    m.separations.education_progress(
        x.key(Stream.TRAINING_END), x.month, x.p.education, w.status, w.programme,
        w.provider, w.months_left, w.cert, w.education, w.date_entry, w.spell, pr.enrolled,
        pr.course_enrolled, pr.relevance, x.b["flows"], x.b["spend"],
    )  # fmt: skip


@cases()
def test_final_year_students_hired_end_their_programmes(n, seed):
    """Students and TVET trainees in their final months search, and a hire ends the
    programme as its last month would have: the seat freed, the education, the entry
    date, and the certificate that the programme's end would have drawn (the same
    draw: the month's programme-end stream, the row's own)."""
    world = worlds.random_world(n, seed)
    gen = np.random.default_rng(seed)
    w0 = world.w
    final = (w0.status == Status.STUDENT) | (
        (w0.status == Status.TRAINING) & (w0.programme == Programme.TVET)
    )
    w0.months_left[final] = gen.integers(1, 7, final.sum())
    w0.date_entry[final] = np.nan  # (students have not entered the labour market)
    w0.date_first_job[final] = np.nan
    w0.cert[final] = Cert.NONE  # (leavers: no certificate yet)
    w0.spell[final] = gen.integers(0, 13, final.sum())  # (a stale spell must not count)
    world.p = world.p._replace(
        match=world.p.match._replace(final_year_search=1.0, final_year_months=6)
    )
    prepare(world, JOBS, "accept")
    apps = world.b["apps"]  # offers wherever applied: most searchers are hired
    world.b["offers"][:] = (apps >= 0).astype(np.int8)
    after, _ = check(world, lambda m, x: accept(m, x, JOBS))
    w1, month = after.w, world.month
    sel = world.b["sel"]
    rows = sel[(after.b["hired"] == 1) & final[sel]]
    assume(rows.size > 0)
    assert (w1.status[rows] == Status.EMPLOYED).all()
    assert (w1.months_left[rows] == 0).all()
    assert (w1.date_entry[rows] == month).all() and (w1.date_first_job[rows] == month).all()
    students = rows[w0.status[rows] == Status.STUDENT]
    trainees = rows[w0.status[rows] == Status.TRAINING]
    assert (w1.education[students] == Education.TERTIARY).all()
    assert (w1.education[trainees] >= Education.VOCATIONAL).all()
    assert (w1.programme[rows] == Programme.NONE).all() and (w1.provider[trainees] == -1).all()
    assert_seat_pools(after)
    assert (w1.spell[rows] == 0).all()
    # Not a move out of unemployment, nor a job-to-job move.
    flows = after.b["flows"] - world.b["flows"]
    hired = sel[after.b["hired"] == 1]
    was = w0.status[hired]
    assert flows[Flow.JOB_TO_JOB] == (was == Status.EMPLOYED).sum()
    out_of_unemployment = (was == Status.UNEMPLOYED) & (w0.spell[hired] >= 1)
    assert flows[Flow.UNEMPLOYED_TO_EMPLOYED] == out_of_unemployment.sum()
    assert flows[Flow.FINAL_YEAR_HIRES] == rows.size
    # The certificates are those of the programmes' ends this month.
    ended = world.copy()
    ended.w.months_left[trainees] = 1
    end_programmes(K, ended)
    assert np.array_equal(w1.cert[trainees], ended.w.cert[trainees])
    key, pass_rate = int(world.key(Stream.TRAINING_END)), world.p.education.tvet_certification_pass
    passed = [
        T.separations.tvet_certifies(key, int(i), pass_rate, world.pr.relevance[w0.provider[i]])
        for i in trainees
    ]
    assert flows[Flow.TVET_CERTIFIED] == sum(passed)
    assert np.array_equal(w1.cert[trainees] == Cert.TVET, np.array(passed, dtype=bool))


@cases(pending_exits=st.booleans())
def test_age_vacancies(n, seed, pending_exits):
    world = worlds.random_world(n, seed, pending_exits=pending_exits)
    check(world, lambda m, x: m.matching.age_vacancies(x.f.alive, x.f.vacancies, x.f.vac_age))


def employability_call(sample):
    """The employability kernel (or twin) ``m`` on the sample, in world ``x``."""

    def call(m, x):
        w, b = x.w, x.b
        return m.matching.employability(
            x.key(Stream.EMPLOYABILITY), x.p.match, sample, sample.size, w.skills, w.ability, w.region,
            w.cert, x.p.cert_bonus, x.f.req, b["travel"], x.world.sector_profile,
            x.p.match.travel_weight, b["thresholds"], b["cell_open"], b["cell_ptr"],
            b["cell_firms"], b["cell_cum"], EMPLOYABILITY_DRAWS,
        )  # fmt: skip

    return call


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

    check(world, employability_call(sample))


@cases(max_examples=10)
def test_employability_with_skills_off_the_scale(n, seed):
    """Workers whose skills fail ``plain_skills`` (huge values here) take the per-worker
    cell weights instead of their home region's table: still the twin's answer."""
    world = worlds.random_world(n, seed)
    thresholds(K, world, JOBS)
    cells(K, world, JOBS)
    sample = np.flatnonzero(world.w.status == Status.UNEMPLOYED)
    world.w.skills[sample[::3]] = 2e30

    check(world, employability_call(sample))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 5000),
    share=st.floats(0.0, 1.0),
    size=st.integers(1, 3000),
    seed=SEEDS,
)
def test_employability_sample(n, share, size, seed):
    """Every stride-th unemployed row, the stride rounded up, so at most ``size`` rows
    spread over all the unemployed: with a stride rounded down and the sample cut at
    ``size``, 3,999 unemployed and a size of 2,000 sampled only the first 2,000."""
    status = np.where(
        np.random.default_rng(seed).random(n) < share, Status.UNEMPLOYED, Status.EMPLOYED
    ).astype(np.int8)
    unemployed = np.flatnonzero(status == Status.UNEMPLOYED)
    stride = max(-(-unemployed.size // size), 1)
    expected = unemployed[::stride]
    got = K.matching.employability_sample(status, size)
    assert got.dtype == np.int64
    assert np.array_equal(got, expected) and len(got) <= size
    if unemployed.size > size:  # (the last stride's worth of rows holds the last sampled)
        assert got[-1] >= unemployed[-stride]


@cases(max_examples=20)
def test_applicant_score_credits_learning(n, seed):
    """The job score credits the on-the-job learning of the hiring horizon: between the
    plain score (1 - under-skill gap + signal, what a zero horizon gives) and a perfect
    match's (1 + signal); the kernel's inline helper equals the twin's."""
    world = worlds.random_world(n, seed)
    w, f, pm = world.w, world.f, world.p.match
    live = np.flatnonzero(f.alive == 1)[:15]
    people = np.flatnonzero(w.status != Status.RETIRED)[:15]
    bonus = world.p.cert_bonus
    flat = pm._replace(hiring_horizon=0)
    for i in people:
        for firm in live:
            args = (int(i), int(firm), w.skills, w.ability, w.cert, bonus, f.req)
            score = K.matching.applicant_score(JOBS, pm, *args)
            assert score == T.matching.applicant_score(JOBS, pm, *args)
            plain = K.matching.applicant_score(JOBS, flat, *args)
            under, _ = T.skills.job_gaps(w.skills[i], f.req[firm])
            signal = float(bonus[w.cert[i]])
            assert plain == 1.0 - under + signal
            assert plain - 1e-12 <= score <= 1.0 + signal + 1e-12
            slot = K.matching.applicant_score(SLOTS, pm, *args)
            assert slot == T.matching.applicant_score(SLOTS, pm, *args)


def test_inline_helpers_at_exact_boundaries():
    """Shared inline helpers on hand-made inputs where a comparison is an exact tie."""
    draw = K.matching.draw_firm  # numba functions, callable from Python too
    nearest = K.training.nearest_open_provider
    weights = np.array([0.0, 2.0, 0.0, 1.0])
    cell_open = np.array([0, 4, 0, 2], dtype=np.int64)
    cell_ptr = np.array([0, 0, 3, 3, 5], dtype=np.int64)
    cell_firms = np.array([7, 8, 9, 10, 11], dtype=np.int64)
    cell_cum = np.array([1, 3, 4, 1, 2], dtype=np.int64)
    # The kernel draws from running sums of the weights and a table of the openings'
    # firms; the twin scans the weights and binary-searches the cumulative openings.
    cum = np.cumsum(weights)
    start, owners = K.matching.opening_owners(cell_open, cell_ptr, cell_firms, cell_cum)
    assert owners.tolist() == [7, 8, 8, 9, 10, 11]
    # u_firm * openings lands exactly on a running sum; u_cell exactly on a cell edge;
    # the largest uniform below 1
    for u_cell in [0.0, 0.5, 2 / 3, 0.999999, 1.0 - 2.0**-53]:
        for u_firm in [0.0, 0.25, 0.5, 0.75, 0.999, 1.0 - 2.0**-53]:
            args = (u_cell, u_firm, weights, 3.0, cell_open, cell_ptr, cell_firms, cell_cum)
            fast = draw(u_cell, u_firm, weights, cum, 3.0, cell_open, start, owners)
            assert fast == T.matching.draw_firm(*args), (u_cell, u_firm)
    travel = np.array([[0.0, 0.2, 0.2], [0.2, 0.0, 0.1], [0.2, 0.1, 0.0]])
    prov_region = np.array([1, 2, 1, 2], dtype=np.int8)
    seats = np.array([1, 3, 2, 3], dtype=np.int32)
    for enrolled in ([0, 0, 0, 0], [1, 0, 0, 0], [1, 3, 2, 3], [1, 3, 2, 2]):
        enrolled = np.array(enrolled, dtype=np.int32)
        for home in range(3):
            args = (home, travel, prov_region, seats, enrolled)
            assert nearest(*args) == T.training.nearest_open_provider(*args)
    # Travel cut to nothing (a rural access cut of 1): every provider ties at 0, and the
    # home region's comes first, then the lowest row (an outside review: rural trainees
    # took the urban core's seats, row 0, and left their own county's empty).
    free = np.zeros((3, 3))
    prov_region = np.array([0, 1, 2, 2, 1], dtype=np.int8)
    seats = np.array([5, 5, 5, 5, 5], dtype=np.int32)
    for enrolled, want in (
        ([0, 0, 0, 0, 0], [0, 1, 2]),
        ([0, 5, 0, 0, 0], [0, 4, 2]),
        ([0, 5, 5, 0, 5], [0, 0, 3]),
        ([0, 5, 5, 5, 5], [0, 0, 0]),
        ([5, 5, 5, 5, 5], [-1, -1, -1]),
    ):
        enrolled = np.array(enrolled, dtype=np.int32)
        for home in range(3):
            args = (home, free, prov_region, seats, enrolled)
            assert nearest(*args)[0] == want[home], (enrolled, home)
            assert nearest(*args) == T.training.nearest_open_provider(*args)


@cases(max_examples=15, mode=MODES)
def test_matching_rounds(n, seed, mode):
    """A whole matching pass (as phases._match runs it) by kernels and by twins."""

    def run(m, x):
        hires = []
        n_sel = select(m, x, mode)
        x.b["sel"] = x.b["searchers"][:n_sel].copy()
        factors = np.empty((n_sel, x.world.sector_profile.shape[0]))
        rows = np.arange(n_sel)
        thresholds(m, x, mode)
        for rnd in range(x.p.match.rounds):
            if x.b["sel"].size == 0 or openings(x, mode).sum() == 0:
                break
            k, n_apps = x.b["sel"].size, x.p.match.applications
            x.b["apps"] = np.empty((k, n_apps), dtype=np.int64)
            x.b["offers"] = np.zeros((k, n_apps), dtype=np.int8)
            x.b["hired"] = np.zeros(k, dtype=np.int8)
            cells(m, x, mode)
            applications(m, x, rnd * 2 * n_apps, factors, rnd > 0, rows)
            hires.append((offers(m, x, mode, rnd * 2 * n_apps), accept(m, x, mode)))
            left = m.matching.keep_unmatched(x.b["hired"], x.b["sel"], rows)
            x.b["sel"], rows = x.b["sel"][:left], rows[:left]
        return tuple(hires)

    check(worlds.random_world(n, seed), run)


# -------------------------------------------------------------- separations


@cases(pending_exits=st.booleans(), every=st.booleans())
def test_layoffs_and_quits(n, seed, pending_exits, every):
    """The kernel's one pass against layoffs, then quits, over every row. ``every``:
    every employed worker draws a quit, those laid off first among them (a row both a
    candidate and a quit, booked once)."""
    world = worlds.random_world(n, seed, pending_exits=pending_exits)
    if every:
        world.p = world.p._replace(separation=world.p.separation._replace(quit_rate=1.0))
    w0, flows0 = world.copy().w, world.b["flows"].copy()

    def call(m, x):
        w, f = x.w, x.f
        m.separations.layoffs_and_quits(
            x.month, x.key(Stream.QUIT), x.p.separation, w.status, w.employer, w.gap_under,
            w.gap_over, w.wage, w.tenure, w.spell, w.provider, w.appr_state, w.displaced,
            w.date_displaced, f.alive, x.b["firm_is_brown"], f.layoff_quota, f.headcount,
            f.apprentices, x.b["flows"],
        )  # fmt: skip

    after, _ = check(world, call)
    if every:
        employed = w0.status == Status.EMPLOYED
        assert (after.w.status[employed] == Status.UNEMPLOYED).all()
        gone = after.b["flows"] - flows0
        assert gone[Flow.QUITS] + gone[Flow.LAYOFFS] + gone[Flow.EXIT_LAYOFFS] == employed.sum()


def progress(m, x):
    w, f = x.w, x.f
    m.separations.apprenticeship_progress(
        x.key(Stream.DROPOUT), x.key(Stream.COMPLETION), x.month, x.p.appr, w.status,
        w.employer, w.gap_under, w.wage, w.tenure, w.spell, w.provider, w.months_left,
        w.appr_state, w.appr_duration, w.appr_entitlement, w.appr_advance, w.appr_net, w.retained,
        w.cert, w.education, w.date_appr_start, w.date_appr_end, f.alive, f.region, f.productivity,
        x.world.wage_level,
        f.headcount, f.apprentices, f.train_benefit, x.b["flows"], x.b["spend"],
    )  # fmt: skip


def test_the_advanced_bonus_is_a_term_of_contracts_started_under_the_policy():
    """A contract of the burn-in (months 0 and below: the status quo's terms, no bonus;
    month 0 is the burn-in's last month) certified at an advanced level after the
    policy starts gets no bonus; one started in month 1 or later does."""
    from simulation.twins import separations as twin

    p = SimpleNamespace(certification_pass=1.0, advanced_match=0.9, advanced_bonus_per_year=1200.0)
    args = (p, 0.95, 0.0, Cert.NONE, 6000.0, 1000.0, 24)  # entitlement 6,000, advance 1,000
    assert twin.certification(*args, -3.0) == (True, Cert.ADVANCED, 5000.0)
    assert twin.certification(*args, 0.0) == (True, Cert.ADVANCED, 5000.0)
    assert twin.certification(*args, 1.0) == (True, Cert.ADVANCED, 5000.0 + 2400.0)


@cases(pending_exits=st.booleans(), perfect=st.booleans())
def test_apprenticeship_progress(n, seed, pending_exits, perfect):
    world = worlds.random_world(n, seed, pending_exits=pending_exits)
    if perfect:  # perfectly matched finishers, at an advanced-certificate bar of exactly 1
        world.p = world.p._replace(appr=world.p.appr._replace(advanced_match=1.0))
        apprentices = np.flatnonzero(world.w.status == Status.APPRENTICE)
        world.w.gap_under[apprentices[::2]] = 0.0
        world.w.months_left[apprentices] = 1
    check(world, progress)


@cases(pending_exits=st.booleans(), claw=st.sampled_from([0.0, 0.5, 1.0]))
def test_clawback_is_the_recorded_advance(n, seed, pending_exits, claw):
    """Every apprentice drops out: the clawback of each is clawback_share times the
    advance recorded at its start (whatever today's subsidy terms), taken from the
    public subsidy and from its training firm's accounts."""
    world = worlds.random_world(n, seed, pending_exits=pending_exits)
    appr = world.p.appr._replace(dropout_hazard=1.0, quality_level=0.0, clawback_share=claw)
    world.p = world.p._replace(appr=appr)
    rows = np.flatnonzero(world.w.status == Status.APPRENTICE)
    after, _ = check(world, progress)
    clawed = world.w.appr_advance[rows] * claw
    spent = after.b["spend"] - world.b["spend"]
    assert math.isclose(spent[Spend.SUBSIDY], -clawed.sum(), rel_tol=1e-9, abs_tol=1e-6)
    assert spent[Spend.QUALITY] == 0.0
    m = world.f.capacity
    firm_claw = np.bincount(world.w.employer[rows], weights=clawed, minlength=m)
    benefit = after.f.train_benefit - world.f.train_benefit
    np.testing.assert_allclose(benefit, -firm_claw, rtol=1e-9, atol=1e-6)
    flows = after.b["flows"] - world.b["flows"]
    assert flows[Flow.APPR_DROPOUTS] == rows.size and flows[Flow.APPR_COMPLETIONS] == 0
    assert (after.w.appr_state[rows] == ApprState.DROPPED).all()
    assert (after.w.status[rows] == Status.UNEMPLOYED).all()
    assert (after.f.apprentices == 0).all()


@cases(pending_exits=st.booleans(), retention=st.sampled_from([1.0, 0.6]))
def test_completion_pays_the_recorded_balance(n, seed, pending_exits, retention):
    """Every apprentice finishes this month: each costs the public assessment; a pass
    (and only a pass) earns the balance of the subsidy recorded at its start, plus the
    bonus over its own contract for an advanced certificate if it started under the
    policy (month >= 1, not in the burn-in); the training firm, if alive,
    keeps a graduate at or above its hiring bar with probability base_retention."""
    world = worlds.random_world(n, seed, pending_exits=pending_exits)
    appr = world.p.appr._replace(dropout_hazard=0.0, base_retention=retention)
    world.p = world.p._replace(appr=appr)
    w0 = world.w
    rows = np.flatnonzero(w0.status == Status.APPRENTICE)
    w0.months_left[rows] = 1
    w0.cert[rows] = Cert.NONE
    w0.gap_under[rows[::3]] = 0.0  # some perfect matches
    after, _ = check(world, progress)
    w1, a = after.w, appr
    spent = after.b["spend"] - world.b["spend"]
    flows = after.b["flows"] - world.b["flows"]
    assert flows[Flow.APPR_COMPLETIONS] == rows.size and flows[Flow.APPR_DROPOUTS] == 0
    assert math.isclose(
        spent[Spend.QUALITY], a.public_cost_per_completion * rows.size, rel_tol=1e-9
    )
    passed = w1.cert[rows] > Cert.NONE
    advanced = w1.cert[rows] == Cert.ADVANCED
    assert flows[Flow.APPR_CERTIFIED] == passed.sum()
    balance = (w0.appr_entitlement[rows] - w0.appr_advance[rows]) * passed
    bonus = a.advanced_bonus_per_year * w0.appr_duration[rows].astype(np.int64) / 12.0
    bonus *= w0.date_appr_start[rows] > 0
    due = balance.sum() + (bonus * advanced).sum()
    assert math.isclose(spent[Spend.SUBSIDY], due, rel_tol=1e-9, abs_tol=1e-6)
    assert (w1.appr_state[rows] == ApprState.COMPLETED).all()
    assert (w1.date_appr_end[rows] == world.month).all()
    firm = w0.employer[rows]
    kept = w1.retained[rows] == 1
    assert (w1.status[rows][kept] == Status.EMPLOYED).all()
    assert (world.f.alive[firm[kept]] == 1).all()
    assert flows[Flow.APPR_RETAINED] == kept.sum()
    match = 1.0 - w0.gap_under[rows].astype(np.float64)
    if retention == 1.0:
        sure = (world.f.alive[firm] == 1) & (match >= a.hire_threshold)
        assert kept[sure].all()


@cases()
def test_education_progress(n, seed):
    world = worlds.random_world(n, seed)
    w0 = world.copy().w

    after, _ = check(world, end_programmes)
    assert_seat_pools(after)
    # GRADUATIONS: the tertiary and full-time TVET programmes that ran to their end
    # this month (not the courses), each now ended in search.
    tvet = (w0.status == Status.TRAINING) & (w0.programme == Programme.TVET)
    due = ((w0.status == Status.STUDENT) | tvet) & (w0.months_left <= 1)
    flows = after.b["flows"] - world.b["flows"]
    assert flows[Flow.GRADUATIONS] == due.sum()
    # Each either searches or delays its search (DELAYED_ENTRIES): inactive with a
    # countdown of L + 1, L in 1 .. 2 delay_months - 1; spells start at 0. Who delays,
    # and for how long, from the row's own draws 1 and 2 of the programme-end stream.
    w1, pe = after.w, world.p.education
    delayed = due & (w1.status == Status.INACTIVE)
    assert (w1.status[due & ~delayed] == Status.UNEMPLOYED).all()
    assert (w1.months_left[due & ~delayed] <= 0).all()
    assert flows[Flow.DELAYED_ENTRIES] == delayed.sum()
    assert (w1.spell[due] == 0).all()
    key, span = int(world.key(Stream.TRAINING_END)), 2 * pe.delay_months - 1
    for i in np.flatnonzero(due):
        waits = pe.delay_share > 0.0 and rng.py_uniform(key, int(i), 1) < pe.delay_share
        assert delayed[i] == waits
        if waits:
            months = 1 + min(int(rng.py_uniform(key, int(i), 2) * span), span - 1)
            assert w1.months_left[i] == months + 1
    if pe.delay_share == 1.0:
        assert delayed.sum() == due.sum()
    # Course learners at their end search at once: a course is not a graduation.
    course = (w0.status == Status.TRAINING) & (w0.programme != Programme.TVET)
    ended = course & (w0.months_left <= 1)
    assert (w1.status[ended] == Status.UNEMPLOYED).all() and (w1.spell[ended] == 0).all()


# --------------------------------------------------------------- demography


@cases(sure=st.booleans())
def test_age_leave_return(n, seed, sure):
    """The kernel's one pass against the three steps over every row, one after the
    other. ``sure``: every inactive adult without a countdown comes back and, if away
    from a rural home, returns there in the same month (a row with a move and a return
    to book)."""
    world = worlds.random_world(n, seed)
    if sure:
        pd = world.p.demography._replace(reactivation_hazard=1.0, withdrawal_hazard=0.0)
        world.p = world.p._replace(demography=pd._replace(inactivity_hazard=0.0))
        world.s["return_hazard"] = 1.0
    w0 = world.copy().w

    def call(m, x):
        w, f, b = x.w, x.f, x.b
        m.demography.age_leave_return(
            x.p.demography, x.key(Stream.INACTIVITY), x.key(Stream.MIGRATION),
            x.s["return_hazard"], w.status, w.age, w.employer, w.provider, w.programme, w.spell,
            w.tenure, w.months_left, w.seeking_appr, w.region, w.origin, w.rural, f.headcount,
            f.apprentices, x.pr.enrolled, x.pr.course_enrolled, b["mig_in"], b["mig_out"],
            b["flows"],
        )  # fmt: skip

    after, _ = check(world, call)
    # Delaying graduates count down, without the hazard, and come back when it ends;
    # a move in or out of the labour force clears the count.
    w1 = after.w
    staying = w0.age + 1 < world.p.demography.retirement_months
    inactive = staying & (w0.status == Status.INACTIVE)
    counting = inactive & (w0.months_left > 1)
    assert (w1.status[counting] == Status.INACTIVE).all()
    assert (w1.months_left[counting] == w0.months_left[counting] - 1).all()
    ending = inactive & (w0.months_left == 1)
    assert (w1.status[ending] == Status.UNEMPLOYED).all()
    assert (w1.spell[ending] == 1).all()
    moved = staying & (w1.status != w0.status)
    assert (w1.months_left[moved] == 0).all()
    # A retiring learner frees a seat of its own programme's pool.
    assert_seat_pools(after)
    assert (after.pr.enrolled >= 0).all() and (after.pr.course_enrolled >= 0).all()
    if sure:
        staying = w0.age + 1 < world.p.demography.retirement_months
        back = staying & (w0.status == Status.INACTIVE) & (w0.months_left <= 1)
        assert (after.w.status[back] == Status.UNEMPLOYED).all()
        away = back & (w0.rural != 0) & (w0.region != w0.origin)
        assert (after.w.region[away] == w0.origin[away]).all()


@NOT_FIXED_YET
def test_a_leavers_window_runs_out_out_of_the_labour_force():
    """A school leaver's window for a slot runs out ``seek_months`` after the choice
    (docs/ODD.md 7.5), in any status: out of the labour force too, not waiting there
    for the leaver's return."""
    world = worlds.random_world(400, 3)
    x, w = world, world.w
    young = (w.status == Status.INACTIVE) & (w.age + 1 < world.p.demography.retirement_months)
    assert young.sum() >= 5
    w.seeking_appr[young] = 3
    w0 = world.copy().w
    K.demography.age_leave_return(
        x.p.demography, x.key(Stream.INACTIVITY), x.key(Stream.MIGRATION),
        x.s["return_hazard"], w.status, w.age, w.employer, w.provider, w.programme, w.spell,
        w.tenure, w.months_left, w.seeking_appr, w.region, w.origin, w.rural, x.f.headcount,
        x.f.apprentices, x.pr.enrolled, x.pr.course_enrolled, x.b["mig_in"], x.b["mig_out"],
        x.b["flows"],
    )  # fmt: skip
    assert (w.seeking_appr[young] == w0.seeking_appr[young] - 1).all()


def enter_cohort_call(entrants: int, pd=None):
    """``enter_cohort`` on a world's copy ``x`` through the kernels or twins ``m`` (``pd``:
    the demography parameters, the world's own by default)."""

    def call(m, x):
        w, ws = x.w, x.world
        return m.demography.enter_cohort(
            x.key(Stream.ENTRANT), entrants, x.p.demography if pd is None else pd,
            np.cumsum(ws.region_share), ws.region_rural_share, ws.region_urban,
            ws.rural_home_cum, ws.field_cum, ws.sector_profile, w.status, w.age, w.region,
            w.origin, w.rural, w.education, w.ability, w.skills, w.employer, w.gap_under,
            w.gap_over, w.wage, w.tenure, w.spell, w.months_left, w.provider, w.programme,
            w.cert, w.appr_state, w.appr_firm, w.appr_duration, w.appr_entitlement,
            w.appr_advance, w.appr_net, w.retained, w.poached, w.seeking_appr, w.displaced,
            w.date_entry, w.date_first_job, w.date_appr_start, w.date_appr_end,
            w.date_displaced, x.b["flows"],
        )  # fmt: skip

    return call


@cases(entrants=st.integers(0, 120))
def test_enter_cohort(n, seed, entrants):
    world = worlds.random_world(n, seed)
    ws = world.world
    after, entered = check(world, enter_cohort_call(entrants))
    new = (world.w.status == Status.RETIRED) & (after.w.status == Status.LEAVER)
    assert entered == new.sum()
    w = after.w
    assert (w.appr_duration[new] == 0).all() and (w.appr_entitlement[new] == 0.0).all()
    assert (w.appr_advance[new] == 0.0).all() and (w.poached[new] == 0).all()
    assert (w.appr_net[new] == 0.0).all()
    # Rural-origin leavers in a city have a rural home; everyone else's home is where they are.
    migrant = new & (w.rural == 1) & (ws.region_urban[w.region] == 1)
    assert (ws.region_urban[w.origin[migrant]] == 0).all()
    assert (w.origin[new & ~migrant] == w.region[new & ~migrant]).all()


@cases(max_examples=15, readiness=st.floats(0.1, 1.0))
def test_entrants_technical_skills_are_their_fields(n, seed, readiness):
    """Without noise, a school leaver's core and digital skills are their means and its
    technical skills are ``entrant_readiness`` times the requirement profile of one
    sector (its field) among those with jobs in its region: not one level in every
    technical domain, which made every leaver over-skilled in domains its job does not
    need (docs/ODD.md 11.3, step 11)."""
    world = worlds.random_world(n, seed)
    ws = world.world
    pd = world.p.demography._replace(skill_noise_sd=0.0, entrant_readiness=readiness)
    after, _ = check(world, enter_cohort_call(60, pd))
    new = np.flatnonzero((world.w.status == Status.RETIRED) & (after.w.status == Status.LEAVER))
    skills = after.w.skills[new].astype(np.float64)
    assert np.allclose(skills[:, 0], np.clip(pd.entrant_core, 0, 1), atol=1e-6)
    assert np.allclose(skills[:, 1], np.clip(pd.entrant_digital, 0, 1), atol=1e-6)
    fields = np.clip(readiness * ws.sector_profile[:, 2:], 0, 1)  # (S, technical domains)
    for i, row in zip(new, skills[:, 2:], strict=True):
        jobs_here = ws.sector_share[:, after.w.region[i]] > 0
        jobs_here[-1] |= not jobs_here.any()  # (a region without jobs: the last sector)
        match = np.abs(fields - row).max(axis=1) < 1e-6
        assert (match & jobs_here).any(), (i, row)


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
            x.p.costs, pr.region, x.world.region_urban, pr.base_seats, pr.base_course_seats,
            pr.seats, pr.course_seats, pr.enrolled, pr.course_enrolled, x.f.apprentices,
            x.b["spend"],
        )  # fmt: skip

    check(world, call)
    # with the apprentices' time off the job paid as seats (0 as shipped)
    world.p = world.p._replace(costs=world.p.costs._replace(appr_seat_cost=375.0))
    check(world, call)


def test_an_occupied_extra_rural_seat_is_paid_for_once():
    """A rural provider of 10 TVET and 4 course seats, +50% under the rural access
    policy (and +10% from the scenario, not the policy's to pay): the policy pays for
    its 5 + 2 seats used or not; occupied seats beyond the provider's other ones are the
    policy's, not charged again at the seat cost. An urban provider pays its occupied."""
    from simulation.kernels import accounting
    from simulation.params import CostParams
    from simulation.twins import accounting as twin

    p = CostParams(
        seat_cost=100.0, anticipation_cost=0.0, core_cost=0.0, rural_seat_cost=30.0,
        green_cost=0.0, capacity_multiplier=1.0, rural_policy_extra=0.5, appr_seat_cost=0.0,
    )  # fmt: skip
    region_urban = np.array([0, 1], dtype=np.int8)
    args = (
        np.array([0, 1]), region_urban, np.array([10, 10]), np.array([4, 4]),
        np.array([16, 10]), np.array([6, 4]),  # seats this month: 10 x 1.6, 4 x 1.6 (rounded)
        np.array([13, 7]), np.array([6, 3]),  # enrolled: 13 - (16 - 5) = 2 and 6 - (6 - 2) = 2
        np.array([4, 0, 2]),  # the firms' apprentices
    )  # fmt: skip
    for costs in (accounting.programme_costs, twin.programme_costs):
        spend = np.zeros(len(Spend))
        costs(p, *args, spend)
        assert spend[Spend.RURAL_ACCESS] == (5 + 2) * 30.0
        assert spend[Spend.SEATS] == (13 + 6 - 2 - 2) * 100.0 + (7 + 3) * 100.0
        # the apprentices' time off the job, when the public pays for it
        spend = np.zeros(len(Spend))
        costs(p._replace(appr_seat_cost=25.0), *args, spend)
        assert spend[Spend.SEATS] == (13 + 6 - 2 - 2) * 100.0 + (7 + 3) * 100.0 + (4 + 2) * 25.0


# ------------------------------------------------------------------ metrics


@cases()
def test_tally(n, seed):
    world = worlds.random_world(n, seed)

    def call(m, x):
        w, f, b = x.w, x.f, x.b
        m.metrics.tally(
            x.month, x.p.metrics, w.status, w.age, w.region, w.employer, w.skills, w.gap_under,
            w.gap_over, w.wage, w.cert, w.appr_state, w.retained, w.poached, w.displaced,
            w.date_entry, w.date_first_job, w.date_appr_end, f.alive, f.sector, f.region, f.req,
            f.headcount, f.apprentices, f.vacancies, f.vac_age, f.vac_apps, f.vac_qualified,
            f.slots, f.productivity, x.world.wage_level, x.pr.mix, x.s["first_cohort_year"],
            b["by_region"], b["by_sector"],
            b["by_cohort"], b["by_cell"], b["g"],
        )  # fmt: skip

    after, _ = check(world, call)
    g, c, w = after.b["g"], after.b["by_cohort"], world.w
    mk = K.metrics
    # The sector x region table adds up to the sector table (cells are sector-major).
    cells = after.b["by_cell"].reshape(world.world.n_sectors, world.world.n_regions, mk.N_X)
    sectors = after.b["by_sector"]
    assert np.array_equal(cells[:, :, mk.X_EMP].sum(1), sectors[:, mk.S_EMP])
    np.testing.assert_allclose(cells[:, :, mk.X_GAP].sum(1), sectors[:, mk.S_GAP], rtol=1e-9)
    assert cells[:, :, mk.X_UNDER].sum() == g[mk.G_UNDER]
    # Poached completers are among the retained, who are among the completers.
    assert 0 <= g[mk.G_POACHED_12] <= g[mk.G_RETAINED_12] <= g[mk.G_COMPLETERS_12]
    since = world.month - w.date_appr_end.astype(np.float64)
    window = (since >= 12) & (since < 24) & (w.status != Status.RETIRED)
    window &= w.status != Status.LEAVER
    assert g[mk.G_RETAINED_12] == (window & (w.retained == 1)).sum()
    assert g[mk.G_POACHED_12] == (window & (w.retained == 1) & (w.poached == 1)).sum()
    # The cohort wage table counts the wages it sums: employed entrants.
    earning = (w.status == Status.EMPLOYED) & ~np.isnan(w.date_entry)
    assert c[:, mk.C_WAGE_N].sum() == earning.sum()


@settings(max_examples=max(int(200 * SCALE), 1), deadline=None)
@given(
    n=st.integers(0, K.metrics.PAIRWISE_BLOCK),
    lo=st.integers(0, 3),
    seed=SEEDS,
    zeros=st.sampled_from([None, 0.0, -0.0]),
)
def test_numpy_sum_is_numpys_sum(n, lo, seed, zeros):
    """``numpy_sum`` adds as NumPy's ``sum`` does, bit for bit (signed zeros too), for
    values of every magnitude, which different orders of addition round differently."""
    r = np.random.default_rng(seed)
    a = r.standard_normal(lo + n) * 10.0 ** r.integers(-12, 12, lo + n)
    if zeros is not None:
        a[lo:] = zeros
    got = K.metrics.numpy_sum(a, lo, lo + n)
    assert np.float64(got).view(np.uint64) == np.sum(a[lo:]).view(np.uint64)


def _month_tables(seed: int, n_regions: int, n_sectors: int):
    """A month's tables (``metrics.MonthTables``) of random whole-number counts and
    float sums over many magnitudes, with some columns empty (ratios of 0 / 0)."""
    from simulation import metrics
    from simulation.state import N_FLOW, N_SPEND, N_TRAINING

    r = np.random.default_rng(seed)

    def counts(*shape):
        c = r.integers(0, 50, shape).astype(np.float64)
        return c * (r.random(shape) > 0.2)

    def sums(*shape):
        return r.random(shape) * 10.0 ** r.integers(-3, 7, shape)

    by_region = counts(n_regions, K.metrics.N_R)
    by_region[:, [K.metrics.R_WAGE, K.metrics.R_GAP]] = sums(n_regions, 2)
    by_sector = counts(n_sectors, K.metrics.N_S)
    g = counts(K.metrics.N_G)
    mk = K.metrics
    g[[mk.G_APPR_WAGE, mk.G_OTHER_WAGE, mk.G_APPR_REL, mk.G_OTHER_REL, mk.G_GREEN_MIX]] = sums(5)
    g[[mk.G_OTHER_WAGE, mk.G_OTHER_REL]] += 1.0  # (never 0 where there are workers)
    return metrics.MonthTables(
        by_region=by_region,
        by_sector=by_sector,
        by_cohort=counts(3, K.metrics.N_C),
        by_cell=counts(n_sectors * n_regions, K.metrics.N_X),
        g=g,
        flows=r.integers(0, 100, N_FLOW),
        rolling=r.integers(0, 1000, N_FLOW),
        spend=sums(N_SPEND),
        appr_money=sums(N_TRAINING) * (r.random(N_TRAINING) > 0.2),
        mig_in=r.integers(0, 30, n_regions),
        mig_out=r.integers(0, 30, n_regions),
        unemployed_before=float(r.integers(0, 3)) if r.random() < 0.3 else math.nan,
        employed_before=float(r.integers(0, 1000)),
        employability=float(r.random()) if r.random() < 0.8 else math.nan,
        gini=float(r.random()),
        relevance_mean=float(r.random()),
        net_training_cost=float(r.standard_normal()),
        recouping_share=float(r.random()),
        region_urban=(r.random(n_regions) < 0.5).astype(np.int8),
        sector_kind=r.integers(0, 3, n_sectors).astype(np.int8),
    )


def _same_metrics(a: dict, b: dict) -> None:
    assert list(a) == list(b)
    bits = [np.float64(v).view(np.uint64) for v in a.values()]
    assert bits == [np.float64(v).view(np.uint64) for v in b.values()], [
        (k, a[k], b[k])
        for k in a
        if np.float64(a[k]).view(np.uint64) != np.float64(b[k]).view(np.uint64)
    ]


@settings(max_examples=max(int(100 * SCALE), 1), deadline=None)
@given(seed=SEEDS, n_regions=st.integers(1, 12), n_sectors=st.integers(1, 12))
def test_compose_values_is_compose_bit_for_bit(seed, n_regions, n_sectors):
    """The metrics composed in one compiled call (``metrics.compose_compiled``, which
    small models use) are ``metrics.compose``'s, bit for bit, NaNs included: any number
    of regions and sectors, regions all urban or all rural, empty columns."""
    from simulation import metrics

    tables = _month_tables(seed, n_regions, n_sectors)
    _same_metrics(metrics.compose(tables), metrics.compose_compiled(tables))


def test_compose_compiled_takes_compose_beyond_numpy_sums_reach():
    """A world of more regions than ``numpy_sum`` adds as NumPy does is composed by
    ``compose`` itself."""
    from simulation import metrics

    tables = _month_tables(5, K.metrics.PAIRWISE_BLOCK + 9, 4)
    _same_metrics(metrics.compose(tables), metrics.compose_compiled(tables))


@pytest.mark.parametrize("n, seed", [(300, 1), (9_000, 2), (17_000, 3)])
def test_tally_in_one_call_is_the_tally_bit_for_bit(n, seed):
    """The one-call tally (small models) adds the same blocks in the same order as the
    parallel one: one block, two, three (``TALLY_BLOCK`` rows each)."""
    world = worlds.random_world(n, seed)
    tables = [
        _tallied(tally, world.copy()) for tally in (K.metrics.tally, K.metrics.tally_in_one_call)
    ]
    for parallel_table, one_call_table in zip(*tables, strict=True):
        assert np.array_equal(parallel_table, one_call_table)


def _tallied(tally, x, w=None) -> list[np.ndarray]:
    """The tables (as bits) that ``tally`` fills for world ``x``, or for its firms and
    the workers ``w``."""
    w, f, b = (x.w if w is None else w), x.f, x.b
    tally(
        x.month, x.p.metrics, w.status, w.age, w.region, w.employer, w.skills, w.gap_under,
        w.gap_over, w.wage, w.cert, w.appr_state, w.retained, w.poached, w.displaced,
        w.date_entry, w.date_first_job, w.date_appr_end, f.alive, f.sector, f.region, f.req,
        f.headcount, f.apprentices, f.vacancies, f.vac_age, f.vac_apps, f.vac_qualified,
        f.slots, f.productivity, x.world.wage_level, x.pr.mix, x.s["first_cohort_year"],
        b["by_region"], b["by_sector"], b["by_cohort"], b["by_cell"], b["g"],
    )  # fmt: skip
    return [b[k].view(np.uint64) for k in ("by_region", "by_sector", "by_cohort", "by_cell", "g")]


def _with_rows(w, rows: int):
    """A copy of workers ``w`` with retired rows added up to ``rows`` rows."""
    from simulation.state import Workers

    out = Workers.allocate(rows)
    for name, values in w.arrays().items():
        getattr(out, name)[: values.shape[0]] = values
    return out


def test_hinted_loops_are_the_loops_bit_for_bit():
    """Loops that hint the rows they will read (``memory.prefetch_row``) do so only in
    models of ``HINT_FROM_WORKERS`` worker rows (or ``HINT_FROM_FIRMS`` firm rows) and
    more: a world's tallies and its applications in firm order are the same bit for bit
    when retired workers, or firms without applications, take it past those sizes."""
    from simulation.kernels.memory import HINT_FROM_FIRMS, HINT_FROM_WORKERS

    world = worlds.random_world(3_000, 5)
    results = []
    for rows in (world.w.status.shape[0], HINT_FROM_WORKERS + 1):
        x = world.copy()
        results.append(_tallied(K.metrics.tally, x, _with_rows(x.w, rows)))
    for small, large in zip(*results, strict=True):
        assert np.array_equal(small, large)

    gen = np.random.default_rng(5)
    n, m = 4_000, 900
    apps = gen.integers(-1, m, (n, 4))
    score = gen.normal(size=(n, 4)).round(1)  # (ties among a firm's applicants)
    counts = np.bincount(apps[apps >= 0] + 1, minlength=m + 1)
    ordered = []
    for firms in (m, HINT_FROM_FIRMS + m):
        start = np.full(firms + 1, counts.sum())
        start[: m + 1] = np.cumsum(counts)
        ordered.append(K.matching.order_in_one_pass(apps, n, score, start))
    for a, b in zip(*ordered, strict=True):
        assert np.array_equal(a.view(np.uint64), b.view(np.uint64))


def _grouped_in_one_pass(apps, score, m):
    """``group_and_order``'s counting sort (``group_by_firm``, ``order_in_one_pass``)."""
    n = apps.shape[0]
    offers = np.ones(apps.shape, dtype=np.int8)
    start, firms = K.matching.group_by_firm(apps, n, m, offers)
    keys, order = K.matching.order_in_one_pass(apps, n, score, start)
    assert not offers.any()
    return start, firms, keys, order


@settings(max_examples=max(int(60 * SCALE), 1), deadline=None)
@given(
    m=st.integers(1, 5_000),
    n=st.integers(0, 700),
    n_apps=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_applications_in_firm_buckets_are_the_counting_sort(m, n, n_apps, seed):
    """A city's applications grouped by firm in buckets of firms (``group_and_order``,
    which this module's cut-small loops make take that path at any size, in 8 pieces of
    searchers and up to 2**BUCKETS buckets) are the counting sort's, entry for entry:
    the same firms' places, the same firms, the same order within each firm (ties and
    unused applications among them), and the offers cleared."""
    gen = np.random.default_rng(seed)
    apps = gen.integers(-1, m, (n, n_apps))
    if m > 40:  # (three busy firms too: many applicants each)
        busy = gen.random((n, n_apps)) < 0.3
        apps[busy] = gen.integers(0, 3, busy.sum())
    score = gen.normal(size=(n, n_apps)).round(1)  # (ties among a firm's applicants)
    offers = np.ones(apps.shape, dtype=np.int8)
    bucketed = K.matching.group_and_order(apps, n, m, score, offers)
    assert not offers.any()
    for a, b in zip(bucketed, _grouped_in_one_pass(apps, score, m), strict=True):
        assert a.dtype == b.dtype
        assert np.array_equal(a.view(np.uint64), b.view(np.uint64))


def test_applications_in_firm_buckets_from_their_size_up(monkeypatch):
    """Without the tests' small pieces, a round of ``BUCKET_FROM_FIRMS`` x 4 firm rows
    takes the buckets on any number of threads (pieces and bucket width as a city's):
    the counting sort's grouping."""
    monkeypatch.setattr(parallel, "min_piece_override", None)
    gen = np.random.default_rng(8)
    n, m = 3_000, K.matching.BUCKET_FROM_FIRMS * 4
    apps = gen.integers(-1, m, (n, 4))
    score = gen.normal(size=(n, 4)).round(1)
    got = K.matching.group_and_order(apps, n, m, score, np.ones(apps.shape, np.int8))
    for a, b in zip(got, _grouped_in_one_pass(apps, score, m), strict=True):
        assert np.array_equal(a.view(np.uint64), b.view(np.uint64))


def _tied_skill_rows(domains: int):
    """Lists of skill rows (core first) of ``domains + 1`` entries, drawn from a few
    values so that rows are full of ties (-0.0 among them: equal to 0.0)."""
    row = st.lists(
        st.sampled_from([0.0, -0.0, 0.5, 1.0]), min_size=domains + 1, max_size=domains + 1
    )
    return st.lists(row, min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(rows=st.integers(1, 8).flatmap(_tied_skill_rows))
def test_main_field_keeps_the_lowest_index_on_ties(rows):
    """The tally's main field is the twin's: the highest technical skill, the lowest
    index among equals (rows full of ties, which random skills never give)."""
    table = np.array(rows, dtype=np.float32)
    got = K.metrics.main_fields(table, table.shape[0])
    assert got.tolist() == [T.metrics.main_field(row) for row in table]


def test_main_field_of_the_eight_domains_without_branches():
    """The model's eight domains take ``scalar.top_of_seven`` (one vector of the row):
    the twin's main field on 20,000 rows of ties (-0.0 and 0.0 among them), of distinct
    values, and of a core skill above every other; and a table it cannot read as one
    vector a row is refused when the kernel is typed, not read wrongly."""
    gen = np.random.default_rng(12)
    tied = gen.choice(np.array([0.0, -0.0, 0.25, 0.5, 1.0]), size=(10_000, 8))
    distinct = gen.random((10_000, 8))
    distinct[::7, 0] = 2.0  # the core skill is never the main field
    table = np.vstack([tied, distinct]).astype(np.float32)
    got = K.metrics.main_fields(table, table.shape[0])
    assert got.tolist() == [T.metrics.main_field(row) for row in table]
    with pytest.raises(Exception, match="C-contiguous float32"):
        K.metrics.main_fields(np.asfortranarray(table), table.shape[0])


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 3000),
    share=st.sampled_from([0.0, 0.003, 0.03, 0.3]),
)
def test_status_changes_of_rows_that_mostly_stay(seed, n, share):
    """A month's rows mostly keep their status and region, and the kernel passes over
    eight of them at a time where none changed and none is a leaver's: against the twin,
    for any number of rows (words of eight and a remainder), with ``share`` of them
    changing status and as many region, and leavers among the rest (which count on the
    diagonal though nothing changed)."""
    gen = np.random.default_rng(seed)
    before = gen.integers(0, len(Status), n).astype(np.int8)
    home = gen.integers(0, 3, n).astype(np.int8)
    after, there = before.copy(), home.copy()
    changed = gen.random(n) < share
    after[changed] = gen.integers(0, len(Status), int(changed.sum()))
    moved = gen.random(n) < share
    there[moved] = gen.integers(0, 3, int(moved.sum()))
    got, expected = (np.full((3, len(Status), len(Status), 3), 7, dtype=np.int64) for _ in "ab")
    K.metrics.status_changes(before, after, home, there, got)
    T.metrics.status_changes(before, after, home, there, expected)
    assert np.array_equal(got, expected)


def test_status_changes_refuses_columns_it_would_misread():
    """The kernel reads its four columns eight rows at a time as words: a column of
    wider integers would be read as the wrong rows without an error, a strided one
    failed with numba's message, which named neither; both are refused when it
    compiles, with what it takes."""
    from numba.core.errors import TypingError

    rows = np.zeros(16, dtype=np.int8)
    table = np.zeros((3, len(Status), len(Status), 3), dtype=np.int64)
    for wrong in (rows.astype(np.int16), np.zeros(32, dtype=np.int8)[::2]):
        with pytest.raises(TypingError, match="1-D C-contiguous array of bytes"):
            K.metrics.status_changes(rows, rows, wrong, rows, table)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(list(Status)),
            st.sampled_from(list(Status)),
            st.integers(0, 2),
            st.integers(0, 2),
        ),
        max_size=300,
    )
)
def test_status_changes(rows):
    """The month's moves between statuses and regions against the twin, for any pairs
    of statuses and regions at a row's month start and end (impossible ones too: a
    leaver becoming one again, a free row taking a status other than a leaver's, a free
    row changing region): the kernel's table and the twin's the same; an entry for every
    row a school leaver took, in the region it is in; a retirement for every row in use
    that retired or was taken, in the region it was in; every row in use at both ends
    whose region changed moves out of one and into the other; and the city's moves
    between statuses those of the month's rows whose status changed."""
    columns = np.array(rows, dtype=np.int8).reshape(-1, 4).T  # (no rows: four empty)
    before, after, home, there = (np.ascontiguousarray(c) for c in columns)
    got, expected = (np.full((3, len(Status), len(Status), 3), 7, dtype=np.int64) for _ in "ab")
    K.metrics.status_changes(before, after, home, there, got)
    T.metrics.status_changes(before, after, home, there, expected)
    assert np.array_equal(got, expected)
    workers, out, into = (got[..., k] for k in range(3))
    took = (after == Status.LEAVER) & (before != Status.LEAVER)
    assert workers[:, Status.RETIRED, Status.LEAVER].tolist() == [
        (took & (there == r)).sum() for r in range(3)
    ]
    gone = (before != Status.RETIRED) & ((after == Status.RETIRED) | took)
    assert workers[..., Status.RETIRED].sum((1,)).tolist() == [
        (gone & (home == r)).sum() for r in range(3)
    ]
    stay = (before != Status.RETIRED) & (after != Status.RETIRED) & ~took
    moved = stay & (home != there)
    assert out.sum((1, 2)).tolist() == [(moved & (home == r)).sum() for r in range(3)]
    assert into.sum((1, 2)).tolist() == [(moved & (there == r)).sum() for r in range(3)]
    changed = stay & (before != after)
    city = workers.sum(0)
    off = ~np.eye(len(Status), dtype=bool)
    off[Status.RETIRED, :] = off[:, Status.RETIRED] = False
    assert city[off].sum() == changed.sum()


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
    # with a model's work buffer, left dirty by an earlier month with other wages
    scratch = K.metrics.gini_scratch(w.status.shape[0])
    K.metrics.wage_gini(w.status, w.wage[::-1].copy(), scratch)
    check(world, lambda m, x: m.metrics.wage_gini(x.w.status, x.w.wage, scratch))


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.integers(-3, 3).map(float), min_size=0, max_size=80),
    lo=st.integers(0, 5),
)
def test_rank_segment_is_a_stable_sort(keys, lo):
    """Firms rank applicants with an insertion sort (few applicants) or a merge sort
    (many): both must order like numpy's stable argsort, ties in arrival order."""
    keys = np.array([9.0] * lo + keys)
    items = np.arange(keys.size, dtype=np.int64) * 10
    expect = np.argsort(keys[lo:], kind="mergesort") + lo
    k, it = keys.copy(), items.copy()
    K.matching._rank_segment(k, it, lo, keys.size)
    assert it[lo:].tolist() == items[expect].tolist()
    assert k[lo:].tolist() == keys[expect].tolist()
    assert it[:lo].tolist() == items[:lo].tolist()


def test_prefetch_is_only_a_hint():
    """Prefetching rows (inside or outside the table) changes nothing a kernel reads."""
    from numba import njit

    from simulation.kernels.memory import prefetch_row

    @njit
    def gather(table, rows):
        total = 0.0
        for t in range(rows.shape[0]):
            prefetch_row(table, rows[(t + 3) % rows.shape[0]])
            prefetch_row(table, -1)  # before the table: still only a hint
            prefetch_row(table, table.shape[0] + 1000)
            total += table[rows[t], 1]
        return total

    table = np.arange(40.0, dtype=np.float32).reshape(10, 4)
    rows = np.array([3, 0, 9, 3, 7], dtype=np.int64)
    assert gather(table, rows) == float(table[rows, 1].sum())


@functools.cache
def _rows_with_both():
    """``rows_with`` and ``rows_with_either`` (inline-only helpers) in one compiled call,
    compiled once for every example."""
    from numba import njit

    from simulation.kernels.memory import rows_with, rows_with_either

    @njit
    def both(status, code, other):
        return rows_with(status, code), rows_with_either(status, code, other)

    return both


@settings(max_examples=int(60 * SCALE), deadline=None)
@given(
    status=st.lists(st.integers(-128, 127), max_size=300),
    code=st.integers(-128, 127),
    other=st.integers(-128, 127),
    offset=st.integers(0, 7),
)
def test_rows_with_picks_the_rows_of_a_status_in_row_order(status, code, other, offset):
    """``rows_with`` / ``rows_with_either``: exactly the rows holding the code(s), in row
    order, whatever the codes and statuses (none, all, the int8 extremes), the rows past
    the last whole 64 included, and from a status array that starts anywhere within a
    word (``offset``: its eight-byte reads not aligned)."""
    s = np.array([0] * offset + status, dtype=np.int8)[offset:]
    one, either = _rows_with_both()(s, np.int8(code), np.int8(other))
    assert one.tolist() == np.flatnonzero(s == code).tolist()
    assert either.tolist() == np.flatnonzero((s == code) | (s == other)).tolist()


def test_rows_with_allocates_only_the_chosen_rows():
    """The same rows as numpy finds, in an array of their number, and beside it only
    the masks (a bit a row): not a buffer of every row's index (8 bytes a row, which
    glibc maps anew at every call from 4,194,304 rows up)."""
    import tracemalloc

    n = 1_000_003  # (rows past the last whole 64 too)
    s = np.random.default_rng(4).choice(np.array([0, 1, 2], dtype=np.int8), n, p=[0.9, 0.05, 0.05])
    both = _rows_with_both()
    both(s[:10], np.int8(1), np.int8(2))  # (compiled before measuring)
    tracemalloc.start()
    try:
        one, either = both(s, np.int8(1), np.int8(2))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert one.tolist() == np.flatnonzero(s == 1).tolist()
    assert either.tolist() == np.flatnonzero((s == 1) | (s == 2)).tolist()
    chosen = 8 * (one.shape[0] + either.shape[0])
    assert peak <= chosen + n // 8 + 4096, (peak, chosen)


@settings(max_examples=int(100 * SCALE), deadline=None)
@given(
    weights=st.lists(
        st.one_of(st.just(0.0), st.floats(0.0, 1e6), st.floats(0.0, 1e-300)),
        min_size=1,
        max_size=60,
    ),
    u=st.floats(0.0, 1.0, exclude_max=True),
)
def test_cell_count_finds_the_cell_the_binary_search_finds(weights, u):
    """``draw_firm``'s two ways to the first running sum above x (a count of the sums at
    most x, for finite totals; a binary search otherwise) agree on every non-negative
    weights, zero weights and ties included, and at x = 0 and x just below the total."""
    w = np.array(weights)
    cum = np.empty_like(w)
    total = 0.0
    for c in range(w.size):  # running sums as the kernels add them
        total += w[c]
        cum[c] = total
    for x in (u * total, 0.0, np.nextafter(total, 0.0), total):
        count = K.matching.cells_at_most(cum, x)
        assert count == K.matching.first_above(cum, x)


def _offers_after_a_sort(firms, start, keys, order, threshold, openings, n_apps):
    """``rank_firms``'s offers the long way: every firm's applicants sorted
    (``_rank_segment``), then offers down the sorted list while openings last and the
    score clears the bar."""
    keys, order = keys.copy(), order.copy()
    offers = np.zeros((order.size // n_apps + 1, n_apps), dtype=np.int8)
    given_by = []
    for f in firms:
        lo, hi = int(start[f]), int(start[f + 1])
        K.matching._rank_segment(keys, order, lo, hi)
        given = 0
        for t in range(lo, hi):
            if given >= openings[f] or -keys[t] < threshold[f]:
                break
            offers[order[t] // n_apps, order[t] % n_apps] = 1
            given += 1
        given_by.append(given)
    return offers, given_by


@settings(max_examples=int(150 * SCALE), deadline=None)
@given(
    segments=st.lists(
        st.tuples(
            st.lists(
                st.one_of(st.integers(-4, 4).map(float), st.just(math.nan)),
                min_size=1,
                max_size=60,
            ),
            st.integers(0, 40),  # openings: both sides of FEW_OPENINGS
            st.one_of(st.integers(-4, 4).map(float), st.just(math.nan)),  # threshold
        ),
        min_size=1,
        max_size=6,
    ),
    nan_keys=st.booleans(),
)
def test_rank_firms_offers_what_a_full_sort_offers(segments, nan_keys):
    """Firms with few openings pick their best applicants without sorting them
    (``best_few``); the offers and their number are those of sorting every firm's
    applicants and offering down the list (ties by application order), for ties, bars
    at a score, more openings than qualified applicants, zero openings, and the NaN
    keys and thresholds that take the sort."""
    n_apps = 4
    keys = np.array([k for seg, _, _ in segments for k in seg])
    if not nan_keys:
        keys = np.nan_to_num(keys, nan=1.0)
    sizes = [len(seg) for seg, _, _ in segments]
    start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    firms = np.arange(len(segments), dtype=np.int64)
    order = np.random.default_rng(len(keys)).permutation(keys.size).astype(np.int64)
    threshold = np.array([bar for _, _, bar in segments])
    openings = np.array([g for _, g, _ in segments], dtype=np.int64)
    expect, expect_given = _offers_after_a_sort(
        firms, start, keys, order, threshold, openings, n_apps
    )
    offers = np.zeros_like(expect)
    given_by = np.zeros(firms.size, dtype=np.int64)
    vac_apps = np.zeros(firms.size, dtype=np.int64)
    vac_qualified = np.zeros(firms.size, dtype=np.int64)
    K.matching.rank_firms(
        0, firms.size, firms, start, keys.copy(), order.copy(), threshold, openings, vac_apps,
        vac_qualified, offers, given_by,
    )  # fmt: skip
    assert offers.tolist() == expect.tolist()
    assert given_by.tolist() == expect_given
    assert vac_apps.tolist() == sizes
    bars = zip(start[:-1], start[1:], threshold, strict=True)
    assert vac_qualified.tolist() == [int((-keys[lo:hi] >= bar).sum()) for lo, hi, bar in bars]


def test_initial_gaps_of_jobs_that_require_everything_or_nothing():
    """The set-up's vectorised gaps divided by the requirements' sums without the
    kernel's guard: a sector whose profile is all 1 (or all 0), with no requirement
    noise, gave a NaN mean skill gap in month 0 (an outside review). Now 0, as the
    kernel's, and the same as the kernel's on ordinary rows."""
    from simulation import initial

    skills = np.array([[0.2] * 8, [0.9] * 8, [0.5, 0.1, 0.7, 0.3, 0.9, 0.0, 1.0, 0.4]])
    req = np.array([[1.0] * 8, [0.0] * 8, [0.6, 0.2, 0.1, 0.8, 0.5, 0.3, 0.9, 0.7]])
    under, over = initial.job_gaps(skills, req)
    assert not np.isnan(under).any() and not np.isnan(over).any()
    assert under[0] == pytest.approx(0.8) and over[0] == 0.0  # (no domain to be over in)
    assert under[1] == 0.0 and over[1] == pytest.approx(0.9)
    for i in range(3):
        want = _job_gaps(skills[i : i + 1], req[i : i + 1])
        assert (under[i], over[i]) == pytest.approx(want, rel=1e-12)


def test_a_firms_target_stops_at_the_cap():
    """Drivers far outside the shipped scenarios (an outside review: decades of a steep
    trend, or stacked shocks of 5 in logs) put a firm's target past 2**31, and the int32
    target wrapped to a negative number; below that, a billion vacancies a firm filled
    the memory. A target now stops at ``MAX_TARGET_GROWTH`` times the firm's base size
    (and ``TARGET_CAP``), in the kernel and its twin alike; below that nothing changes."""
    from simulation.state import MAX_TARGET_GROWTH, TARGET_CAP

    log_demand = np.array([[0.0, 3.0, 40.0, 800.0, 3.8]])
    n = log_demand.shape[1]
    alive = np.ones(n, dtype=np.int8)
    sector = np.zeros(n, dtype=np.int8)
    region = np.arange(n, dtype=np.int8)
    base_size = np.array([20.0, 20.0, 20.0, 20.0, 1e8], dtype=np.float32)
    shock = np.array([0.1, -0.2, 0.0, 0.0, 0.3])
    got = np.zeros(n, dtype=np.int32)
    twin = np.zeros(n, dtype=np.int32)
    K.firms.set_target_rows(0, n, log_demand, 0.0, alive, sector, region, base_size, shock, got)
    T.firms.set_targets(log_demand, 0.0, alive, sector, region, base_size, shock, twin)
    assert got.tolist() == twin.tolist()
    assert got[2] == got[3] == int(20.0 * MAX_TARGET_GROWTH + 0.5) == 1000
    assert got[4] == TARGET_CAP  # (50 times a base of 1e8 is past it)
    assert got[0] == int(20.0 * np.exp(0.1) + 0.5) and got[1] == int(20.0 * np.exp(2.8) + 0.5)
