"""Search and matching: who searches, where applications go, whom firms offer, which
offer a worker takes. The same kernels match apprenticeship slots (``JOBS`` vs
``SLOTS`` mode)."""

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from simulation.kernels import (
    accounting,
    apprenticeship,
    demography,
    duo,
    firms,
    key_caches_on_sources,
    parallel,
    separations,
    skills,
)
from simulation.kernels.memory import (
    AHEAD,
    HINT_FROM_FIRMS,
    HINT_FROM_WORKERS,
    prefetch_row,
    rows_with,
)
from simulation.kernels.order import FEW, first_few, stable_order
from simulation.kernels.scalar import greater, lesser, nonneg
from simulation.kernels.skills import job_gaps
from simulation.params import (
    ApprParams,
    DemographyParams,
    FirmParams,
    MatchParams,
    SeparationParams,
    SkillParams,
    WageParams,
)
from simulation.rng import Stream, normal, uniform
from simulation.state import (
    ApprState,
    Cert,
    FirmArrays,
    Flow,
    Programme,
    ProviderArrays,
    Spend,
    Status,
    WorkerArrays,
)

JOBS = 0
SLOTS = 1


def select_job_searchers(key, p, status, programme, months_left, gap_under, gap_over, out):
    """Every unemployed worker (those seeking an apprenticeship slot too: slots are
    matched first), employed workers searching on the job (more often when mismatched),
    and students and TVET trainees in their final months (``final_year``) with
    ``final_year_search``. Writes their rows to the front of ``out`` in row order;
    returns their number. (Drawn in parallel, block by block: ``job_search_draws``.)"""
    rows = parallel.picks(
        job_search_draws, status.shape[0], key, p, status, programme, months_left, gap_under,
        gap_over, workers=status.shape[0],
    )  # fmt: skip
    out[: rows.shape[0]] = rows
    return rows.shape[0]


@njit(inline="always")
def final_year(p, st, programme, months_left):
    """A tertiary student, or a TVET trainee, with ``final_year_months`` or fewer months
    of the programme left (this month's included): one who may search for a job."""
    tvet = st == Status.TRAINING and programme == Programme.TVET
    return (st == Status.STUDENT or tvet) and months_left <= p.final_year_months


@njit(cache=True, nogil=True)
def job_search_draws(lo, hi, key, p, status, programme, months_left, gap_under, gap_over, picked):
    """Rows ``lo <= i < hi`` of ``select_job_searchers`` (``parallel.picks``)."""
    c = lo
    for i in range(lo, hi):
        i = nonneg(i)  # (indices below are all >= 0: see scalar.nonneg)
        st = status[i]
        if st == Status.UNEMPLOYED:
            picked[nonneg(c)] = i
            c += 1
        elif st == Status.EMPLOYED:
            prob = p.on_the_job_search * (
                1.0 + p.mismatch_search_boost * (gap_under[i] + gap_over[i])
            )
            if uniform(key, i, 0) < prob:
                picked[nonneg(c)] = i
                c += 1
        elif (
            (st == Status.STUDENT or st == Status.TRAINING)
            and final_year(p, st, programme[i], months_left[i])
            and uniform(key, i, 0) < p.final_year_search
        ):
            picked[nonneg(c)] = i
            c += 1
    return c - lo


def select_slot_searchers(key, p, status, age, cert, seeking_appr, out):
    """School leavers seeking a slot, and some unemployed youth without a certificate,
    to the front of ``out`` in row order; returns their number (as
    ``select_job_searchers``)."""
    rows = parallel.picks(
        slot_search_draws, status.shape[0], key, p, status, age, cert, seeking_appr,
        workers=status.shape[0],
    )  # fmt: skip
    out[: rows.shape[0]] = rows
    return rows.shape[0]


@njit(cache=True, nogil=True)
def slot_search_draws(lo, hi, key, p, status, age, cert, seeking_appr, picked):
    """Rows ``lo <= i < hi`` of ``select_slot_searchers`` (``parallel.picks``)."""
    c = lo
    for i in range(lo, hi):
        i = nonneg(i)  # (indices below are all >= 0: see scalar.nonneg)
        if status[i] != Status.UNEMPLOYED or age[i] > p.max_age_months:
            continue
        if seeking_appr[i] > 0 or (cert[i] == Cert.NONE and uniform(key, i, 0) < p.youth_interest):
            picked[nonneg(c)] = i
            c += 1
    return c - lo


@njit(cache=True, nogil=True)
def build_cells(
    alive, sector, region, openings, n_regions, cell_open, cell_ptr, cell_firms, cell_cum
):
    """Firms with openings grouped by (sector, region) cell, c = sector * R + region (CSR),
    with cumulative openings inside each cell for proportional draws.

    One pass over every firm row lists the firms with openings (each row's index is
    written and the count moves on by 0 or 1: no branch on a test that goes either way
    from row to row); the counting and the placing then go over that list only, a
    sixth of the rows in a city. (Two passes over every row, each branching on it, took
    3.8 ms a call at 10,000,000 workers; BENCHMARKS.md.)"""
    n_cells = cell_open.shape[0]
    cell_open[:] = 0
    cell_ptr[:] = 0
    listed = np.empty(alive.shape[0], dtype=np.int32)
    k = 0
    for f in range(alive.shape[0]):
        listed[k] = f
        k += (alive[f] == 1) & (openings[f] > 0)
    for j in range(k):
        f = nonneg(listed[j])
        c = nonneg(sector[f] * n_regions + region[f])
        cell_ptr[c + 1] += 1
        cell_open[c] += openings[f]
    for c in range(n_cells):
        cell_ptr[c + 1] += cell_ptr[c]
    fill = cell_ptr[:-1].copy()
    for j in range(k):
        f = nonneg(listed[j])
        c = nonneg(sector[f] * n_regions + region[f])
        at = fill[c]
        cell_firms[at] = f
        prev = cell_cum[at - 1] if at > cell_ptr[c] else 0
        cell_cum[at] = prev + openings[f]
        fill[c] += 1


@njit(cache=True)
def opening_owners(cell_open, cell_ptr, cell_firms, cell_cum):
    """The firm of every opening, cell by cell: ``owners[start[c] + k]`` holds opening k
    of cell c (k < cell_open[c]), firms in their CSR order. Returns (start, owners).

    Drawing opening floor(u x openings) of a cell from this table picks the same firm as
    a binary search of the cell's cumulative openings for the first sum above
    u x openings (the sums are integers), in one memory access instead of a dozen."""
    n_cells = cell_open.shape[0]
    start = np.empty(n_cells + 1, dtype=np.int64)
    start[:] = 0
    for c in range(n_cells):
        start[c + 1] = start[c] + cell_open[c]
    owners = np.empty(start[n_cells], dtype=np.int64)
    for c in range(n_cells):
        k = start[c]
        prev = 0
        for j in range(cell_ptr[c], cell_ptr[c + 1]):
            for _ in range(cell_cum[j] - prev):
                owners[k] = cell_firms[j]
                k += 1
            prev = cell_cum[j]
    return start, owners


@njit(inline="always")
def cells_at_most(cum, x):
    """How many of the running sums ``cum`` are at most x: a loop without branches,
    which the CPU runs in a few vector steps."""
    count = 0
    for c in range(cum.shape[0]):
        count += cum[c] <= x
    return count


@njit(inline="always")
def first_above(cum, x):
    """The first c with x < cum[c] (cum.shape[0] if none), by binary search."""
    lo = 0
    hi = cum.shape[0]
    while lo < hi:
        mid = nonneg(lo + hi) // 2
        if x < cum[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(inline="always")
def draw_opening(u_cell, u_firm, weights, cum, total, cell_open, start):
    """An opening drawn with probability proportional to cell weight, then uniformly
    within the cell: its place in ``owners`` (``draw_firm``). ``cum`` holds the running
    sums of ``weights`` (the cell is the first whose running sum exceeds u_cell x total);
    ``start`` comes from ``opening_owners``.

    With a finite total every weight is finite and not negative (an access times an
    exp), so the running sums never decrease, and the first sum above x comes right
    after the sums at most x: counting those (``cells_at_most``, ~13 ns a draw over 36
    cells) finds the cell that a binary search finds, whose branches go either way at
    random (~37 ns a draw). Any other total (NaN, inf: extreme inputs) takes the binary
    search (``first_above``)."""
    x = u_cell * total
    n_cells = weights.shape[0]
    lo = cells_at_most(cum, x) if math.isfinite(total) else first_above(cum, x)
    c = lesser(lo, n_cells - 1)
    while weights[c] <= 0.0:  # guard against rounding at the end of the scan
        c -= 1
    c = nonneg(c)
    k = lesser(np.int64(u_firm * cell_open[c]), cell_open[c] - 1)
    return nonneg(start[c] + k)


@njit(inline="always")
def draw_firm(u_cell, u_firm, weights, cum, total, cell_open, start, owners):
    """A firm drawn with probability proportional to cell weight, then to openings: the
    owner of a ``draw_opening`` (``owners`` from ``opening_owners``)."""
    return owners[draw_opening(u_cell, u_firm, weights, cum, total, cell_open, start)]


@njit(inline="always")
def cell_access(travel, travel_weight, cell_open, out):
    """(R, cells) table: openings of cell c x exp(-travel weight x travel cost from home
    region h to the cell's region), 0 for cells without openings. Computed once per
    matching round, so each searcher only needs one exp per sector."""
    n_regions = travel.shape[0]
    for h in range(n_regions):
        for c in range(cell_open.shape[0]):
            out[h, c] = 0.0
            if cell_open[c] > 0:
                out[h, c] = cell_open[c] * math.exp(-travel_weight * travel[h, c % n_regions])


@njit(inline="always")
def sector_factor(i, skills, profile, profile_sum, affinity_weight, s):
    """exp(affinity weight x worker ``i``'s affinity to sector ``s``): its skills dotted
    with the sector's profile over the profile's sum (``profile_sum[s]``)."""
    num = 0.0
    for k in range(skills.shape[1]):
        num += skills[i, k] * profile[s, k]
    return math.exp(affinity_weight * (num / profile_sum[s]))


@njit(inline="always")
def add_sector(home, access, s, factor, weights, cum, total):
    """The weights of sector ``s``'s cells for a worker living in ``home`` (access x
    ``factor``) and their running sums, on from ``total``; returns the new total."""
    n_regions = access.shape[0]
    for r in range(n_regions):
        c = nonneg(s * n_regions + r)
        w = access[home, c] * factor
        weights[c] = w
        total += w
        cum[c] = total
    return total


@njit(inline="always")
def cell_weights(i, skills, region, access, profile, profile_sum, affinity_weight, weights, cum):
    """Weight of each cell for worker ``i``: access (openings x exp(-travel)) x
    exp(affinity weight x sector affinity), and their running sums; returns the total.
    ``profile_sum[s]`` is the sum of sector s's skill profile."""
    home = nonneg(region[i])
    total = 0.0
    for s in range(profile.shape[0]):
        e = sector_factor(i, skills, profile, profile_sum, affinity_weight, s)
        total = add_sector(home, access, s, e, weights, cum, total)
    return total


@njit(cache=True)
def profile_sums(profile):
    """Sum of each sector's skill profile, added in domain order."""
    out = np.empty(profile.shape[0])
    out[:] = 0.0
    for s in range(profile.shape[0]):
        for k in range(profile.shape[1]):
            out[s] += profile[s, k]
    return out


@njit(cache=True, nogil=True)
def draw_tables(travel, travel_weight, profile, cell_open, cell_ptr, cell_firms, cell_cum):
    """What every searcher's draws share in a round: the access table (``cell_access``),
    the openings' firms (``opening_owners``: start, owners) and the profile sums."""
    access = np.empty((travel.shape[0], cell_open.shape[0]))
    cell_access(travel, travel_weight, cell_open, access)
    start, owners = opening_owners(cell_open, cell_ptr, cell_firms, cell_cum)
    return access, start, owners, profile_sums(profile)


SKILL_BOUND = 1e30  # see home_cell_weights
PROFILE_SUM_FLOOR = 1e-200


@njit(inline="always")
def plain_skills(skills, i):
    """Whether every skill of worker ``i`` is a number of magnitude at most SKILL_BOUND."""
    plain = True
    for k in range(skills.shape[1]):
        if not abs(skills[i, k]) <= SKILL_BOUND:  # false for NaN too
            plain = False
    return plain


@njit(cache=True, nogil=True)
def home_cell_weights(access, profile, psum):
    """``cell_weights`` without the affinity term (affinity weight 0), for a worker of
    each home region: (weights, running sums, totals), one row per region.

    With weight 0 the affinity factor is exp(0 x affinity) = 1 exactly whenever the
    affinity (a worker's skills . profile / profile sum) is a finite number, so a cell's
    weight is its access from the home region, bit for bit, whatever the skills: the
    tables are computed once per region instead of once per worker. The affinity is
    finite when the worker's skills pass ``plain_skills`` and the profile passes the
    checks here (entries at most SKILL_BOUND in magnitude, sums at least
    PROFILE_SUM_FLOOR); otherwise the tables come back empty and every worker takes
    ``cell_weights``."""
    n_regions, n_cells = access.shape
    ok = True
    for s in range(profile.shape[0]):
        if not abs(psum[s]) >= PROFILE_SUM_FLOOR:
            ok = False
        for k in range(profile.shape[1]):
            if not abs(profile[s, k]) <= SKILL_BOUND:
                ok = False
    if not ok:
        n_regions = 0
    weights = np.empty((n_regions, n_cells))
    cum = np.empty((n_regions, n_cells))
    total = np.empty(n_regions)
    for h in range(n_regions):
        t = 0.0
        for c in range(n_cells):  # c = s * R + r, the order of cell_weights
            w = access[h, c]
            weights[h, c] = w
            t += w
            cum[h, c] = t
        total[h] = t
    return weights, cum, total


DRAW_BLOCK = 256  # searchers per block of the parallel draws (scratch allocated per block)
DRAW_PIECE = 2  # least blocks of searchers per piece a thread takes (512 searchers)


def draw_applications(
    key,
    slot0,
    searchers,
    n,
    skills,
    region,
    employer,
    travel,
    profile,
    affinity_weight,
    travel_weight,
    cell_open,
    cell_ptr,
    cell_firms,
    cell_cum,
    apps,
    factors=None,
    known=False,
    factor_rows=None,
):
    """Each searcher sends up to A applications (A = apps.shape[1]) to distinct firms drawn
    by accessibility and skill affinity, never to its own employer; -1 marks an unused
    application (a repeat draw or the own employer). Searchers draw in parallel, in
    blocks of ``DRAW_BLOCK`` (``draw_blocks``); each draw is its own counter-based number.

    ``factors`` (searchers x sectors, optional) keeps each searcher's affinity factors
    (``sector_factor``: a dot product and an exp per sector, nearly half of a
    searcher's draws) for the month's next round, whose searchers have the same skills:
    with ``known`` the factors are read from it, else computed and written to it. Searcher
    j's factors are row ``factor_rows[j]`` of ``factors`` (by default row j): a later
    round's searchers, the first round's minus those hired, keep their rows, and only
    the row numbers move up (``keep_unmatched``). The factors read are the ones
    computed, so the draws are the same."""
    access, start, owners, psum = draw_tables(
        travel, travel_weight, profile, cell_open, cell_ptr, cell_firms, cell_cum
    )
    if factors is None:
        factors, known = np.empty((n, profile.shape[0])), False
    elif factors.shape[0] < n or factors.shape[1] != profile.shape[0]:  # (read unchecked)
        raise ValueError(
            f"factors has shape {factors.shape}: it needs a row for each of the {n} "
            f"searchers and a column for each of the {profile.shape[0]} sectors"
        )
    if factor_rows is None:
        factor_rows = np.arange(n)
    elif factor_rows.shape[0] < n:  # (its rows are read unchecked: the caller's own)
        raise ValueError(f"factor_rows has {factor_rows.shape[0]} rows for {n} searchers")
    parallel.run(
        draw_blocks, (n + DRAW_BLOCK - 1) // DRAW_BLOCK, key, slot0, searchers, n, skills,
        region, employer, profile, affinity_weight, cell_open, access, start, owners, psum,
        apps, factors, known, factor_rows, min_piece=DRAW_PIECE, workers=skills.shape[0],
    )  # fmt: skip


@njit(cache=True, nogil=True)
def draw_blocks(
    b0, b1, key, slot0, searchers, n, skills, region, employer, profile, affinity_weight,
    cell_open, access, start, owners, psum, apps, factors, known, factor_rows,
):  # fmt: skip
    """``draw_applications`` for the searchers of blocks ``b0 <= b < b1``.

    From ``HINT_FROM_FIRMS`` openings up, a block's draws are made first, each
    application holding its opening's place in ``owners`` and hinting it
    (``prefetch_row``); then the places become firms, in the same order, with the same
    test for repeats. A city's ``owners`` (4 MB: an entry per opening) does not stay in
    the nearer caches, and each draw waited ~20 ns for its firm (BENCHMARKS.md); by the
    second pass the block's ~1,000 entries have arrived. With fewer openings each
    searcher's places become firms as soon as it has drawn."""
    n_apps = apps.shape[1]
    n_cells = cell_open.shape[0]
    split = owners.shape[0] >= HINT_FROM_FIRMS
    for b in range(b0, b1):
        weights = np.empty(n_cells)
        cum = np.empty(n_cells)
        own = np.empty(DRAW_BLOCK, dtype=np.int64)  # each searcher's employer
        j0 = b * DRAW_BLOCK
        j1 = lesser(j0 + DRAW_BLOCK, n)
        for j in range(j0, j1):
            j = nonneg(j)  # (indices below are all >= 0: see scalar.nonneg)
            if j + AHEAD < n:
                ahead = nonneg(searchers[nonneg(j + AHEAD)])
                prefetch_row(skills, ahead)
                prefetch_row(region, ahead)
                prefetch_row(employer, ahead)
            i = nonneg(searchers[j])
            fr = nonneg(factor_rows[j])
            if not known:
                for s in range(profile.shape[0]):
                    factors[fr, s] = sector_factor(i, skills, profile, psum, affinity_weight, s)
            home = nonneg(region[i])
            total = 0.0
            for s in range(profile.shape[0]):
                total = add_sector(home, access, s, factors[fr, s], weights, cum, total)
            own[nonneg(j - j0)] = employer[i]
            for a in range(n_apps):
                apps[j, a] = -1
                if total <= 0.0:  # (a NaN total draws, as it always has)
                    continue
                t = draw_opening(
                    uniform(key, i, slot0 + 2 * a),
                    uniform(key, i, slot0 + 2 * a + 1),
                    weights,
                    cum,
                    total,
                    cell_open,
                    start,
                )
                if split:
                    prefetch_row(owners, t)
                apps[j, a] = t
            # The places become firms: this searcher's now, or the whole block's once
            # its last searcher has drawn (their owners hinted meanwhile).
            if split and j < j1 - 1:
                continue
            for r in range(j0 if split else j, j + 1):
                r = nonneg(r)
                for a in range(n_apps):
                    t = apps[r, a]
                    if t < 0:
                        continue
                    f = owners[nonneg(t)]
                    dup = f == own[nonneg(r - j0)]
                    for c in range(a):
                        if apps[r, c] == f:
                            dup = True
                    apps[r, a] = -1 if dup else f


@njit(inline="always")
def worker_terms(mode, p, i, skills, ability, cert, cert_bonus):
    """The parts of worker ``i``'s score that no firm changes, computed once per worker.
    Jobs: (share of the under-skill gap learned over the hiring horizon, faster with
    ability and core skill; certificate signal). Slots: (trainability from core skill
    and ability, 0)."""
    if mode == JOBS:
        speed = p.learning_rate * ability[i] * (1.0 + p.core_boost * skills[i, 0])
        learned = 1.0 - (1.0 - lesser(speed, 1.0)) ** p.hiring_horizon
        return learned, cert_bonus[cert[i]]
    return 0.5 * skills[i, 0] + 0.25 * lesser(ability[i], 2.0), 0.0


@njit(inline="always")
def score_at(mode, i, f, skills, req, term, bonus):
    """Worker ``i``'s score at firm ``f`` from its ``worker_terms``. Jobs: expected
    productivity over the hiring horizon plus the certificate signal. Slots: the
    trainability, the same at every firm."""
    if mode == JOBS:
        under, _ = job_gaps(skills, i, req, f)
        return 1.0 - under * (1.0 - term) + bonus
    return term


@njit(inline="always")
def applicant_score(mode, p, i, f, skills, ability, cert, cert_bonus, req):
    """Firm's ranking score (``worker_terms`` then ``score_at``). Jobs: expected
    productivity over the hiring horizon (the under-skill gap shrinks by the share the
    worker will learn on the job in that time, faster with ability and core skill) plus
    the certificate signal. Slots: trainability from core skill and ability."""
    term, bonus = worker_terms(mode, p, i, skills, ability, cert, cert_bonus)
    return score_at(mode, i, f, skills, req, term, bonus)


SMALL_SORT = 24  # applicants per firm up to which an insertion sort ranks them


@njit(inline="always")
def _rank_segment(keys, items, lo, hi):
    """Sort ``items[lo:hi]`` by ``keys[lo:hi]`` ascending, in place and stably (equal keys
    keep their order); keys move with their items. Insertion sort for the few
    applicants most firms get, a merge sort (``order.stable_order``) beyond."""
    if hi - lo <= SMALL_SORT:
        for t in range(lo + 1, hi):
            k = keys[t]
            v = items[t]
            u = t - 1
            while u >= lo and keys[u] > k:
                keys[u + 1] = keys[u]
                items[u + 1] = items[u]
                u -= 1
            keys[u + 1] = k
            items[u + 1] = v
    else:
        rank = stable_order(keys[lo:hi])
        sorted_keys = keys[lo:hi][rank]
        sorted_items = items[lo:hi][rank]
        for t in range(hi - lo):  # a loop, not slice assignment (which compiles slowly)
            keys[lo + t] = sorted_keys[t]
            items[lo + t] = sorted_items[t]


def make_offers(
    mode,
    p,
    searchers,
    n,
    apps,
    skills,
    ability,
    cert,
    cert_bonus,
    req,
    openings,
    threshold,
    vac_apps,
    vac_qualified,
    offers,
    screen_key,
    slot0,
):
    """Each firm ranks its applicants by score (ties: lower worker row first) and offers
    its openings to the best above its threshold. The searchers' scores (``score_rows``,
    with the firms' errors in judging them drawn under ``screen_key`` from ``slot0`` on)
    are computed in parallel; the applications are then grouped by firm, in searcher
    order within a firm (``group_and_order``), and the firms that got any applications
    rank them (``rank_firms``), in parallel too (no draws, and each writes only its own
    rows, so the result does not depend on the thread count). Returns the number of
    offers."""
    score = np.empty(apps.shape)
    parallel.run(
        score_rows, n, mode, p, searchers, n, apps, skills, ability, cert, cert_bonus, req,
        score, screen_key, slot0, min_piece=SCORE_PIECE, workers=skills.shape[0],
    )  # fmt: skip
    start, firms, keys, order = group_and_order(
        apps, n, openings.shape[0], score, offers, workers=skills.shape[0]
    )
    given_by = np.zeros(firms.shape[0], dtype=np.int64)
    parallel.run(
        rank_firms, firms.shape[0], firms, start, keys, order, threshold, openings, vac_apps,
        vac_qualified, offers, given_by, min_piece=RANK_PIECE, workers=skills.shape[0],
    )  # fmt: skip
    return int(given_by.sum())


SCORE_PIECE = 512  # least searchers per piece of the parallel scoring
RANK_PIECE = 256  # least firms per piece of the parallel ranking
# Least searchers per piece of a month in one call's grouping of a round's applications
# by firm (``count_piece``, ``place_piece``), cut in two pieces from twice as many
# searchers up: 0.98-0.99 of the month at 1,000,000 workers, the same at 100,000
# (BENCHMARKS.md, "The profile of a month in one call").
SORT_PIECE = 4096


@njit(cache=True)
def group_by_firm(apps, n, m, offers):
    """Clears the offers; returns ``start`` (applications to firm f are entries
    start[f]:start[f + 1] of the grouped arrays) and the firms with applicants, in row
    order."""
    start = np.empty(m + 1, dtype=np.int64)
    firms = np.empty(m, dtype=np.int64)
    return start, firms[: group_by_firm_into(apps, n, m, offers, start, firms)]


@njit(cache=True, nogil=True)
def group_by_firm_into(apps, n, m, offers, start, firms):
    """``group_by_firm`` into ``start[:m + 1]`` and ``firms`` (room for ``m``); returns
    the number of firms with applicants."""
    start[0] = 0
    count_piece(0, n, apps, offers, start[1 : m + 1])  # (firm f's count in start[f + 1])
    n_firms = 0
    for f in range(m):
        start[f + 1] += start[f]
        if start[f + 1] > start[f]:
            firms[n_firms] = f
            n_firms += 1
    return n_firms


@njit(cache=True, nogil=True)
def score_rows(
    lo, hi, mode, p, searchers, n, apps, skills, ability, cert, cert_bonus, req, score,
    screen_key, slot0,
):  # fmt: skip
    """Scores of the applications of searchers ``lo <= j < hi``, in searcher order (a
    searcher's row is read once for all its applications, not once per application in
    its firms' order).

    A job application's score is the firm's judgement of it: with ``p.screening_noise``
    above 0, the score plus that many standard normals, worker i's application a drawn
    at slots ``slot0 + 2a`` and ``slot0 + 2a + 1`` of ``screen_key`` (the round's
    application draws' slots, under the SCREEN stream's key). Ranking and the threshold
    both read the judged score."""
    n_apps = apps.shape[1]
    noise = p.screening_noise if mode == JOBS else 0.0
    for j in range(lo, hi):
        j = nonneg(j)  # (indices below are all >= 0: see scalar.nonneg)
        if j + AHEAD < n:
            ahead = nonneg(searchers[nonneg(j + AHEAD)])
            prefetch_row(skills, ahead)
            prefetch_row(ability, ahead)
            prefetch_row(cert, ahead)
            for a in range(n_apps):
                prefetch_row(req, apps[nonneg(j + AHEAD), a])
        i = nonneg(searchers[j])
        term, bonus = worker_terms(mode, p, i, skills, ability, cert, cert_bonus)
        for a in range(n_apps):
            f = apps[j, a]
            if f >= 0:
                x = score_at(mode, i, nonneg(f), skills, req, term, bonus)
                if noise > 0.0:
                    x += noise * normal(screen_key, i, slot0 + 2 * a)
                score[j, a] = x


# Firm rows from which the applications are grouped in buckets of firms
# (``group_and_order``) when the loops use more than one thread; from four times as many
# on one thread too.
BUCKET_FROM_FIRMS = 150_000
BUCKETS = 9  # about 2**BUCKETS buckets of firms (a power of two of firms each)
APP_BITS = 40  # a staged application: its index in the low bits, its firm in the bucket above


def group_and_order(apps, n, m, score, offers, workers=None):
    """The applications of searchers ``0 <= j < n`` (``apps[j, a]``: a firm of
    ``0 <= f < m``, or -1) grouped by firm, in searcher order within a firm; clears the
    offers. Returns (start, firms, keys, order): a firm f's applications are entries
    ``start[f]:start[f + 1]`` of ``keys`` (minus the score: ascending keys rank best
    first) and ``order`` (the application's index j * A + a); ``firms``: the firms with
    applications, in row order.

    Below ``BUCKET_FROM_FIRMS`` firm rows, a counting sort (``group_by_firm``, then
    ``order_in_one_pass``): each application is written to its firm's next place. With
    many firms those places are scattered over tables larger than the caches, and every
    write waited on memory (the two passes took 57-66 ms of a 10,000,000-worker first
    round on two threads). From there up, a sort in two steps, each of whose writes go
    to places in the caches (BENCHMARKS.md): the firms are cut into buckets of 2**shift
    consecutive firms (``2**BUCKETS`` of them at most), the applications are first
    staged bucket by bucket, in searcher order (``bucket_stage``: a few hundred streams
    of writes), then each bucket's are put in firm order within the bucket's own part of
    the tables (``bucket_sort``). Both steps keep the searcher order within a firm, so
    the result is the counting sort's, entry for entry (tests/test_kernels.py). The
    staging runs over pieces of searchers in parallel (each piece's places counted
    first, ``bucket_counts``), the sorting over buckets."""
    n_apps = apps.shape[1]
    threads = parallel.threads()
    if parallel.min_piece_override is None:
        enough = m >= BUCKET_FROM_FIRMS * (1 if threads > 1 else 4)
        if not enough or n * n_apps >= 1 << APP_BITS:
            start, firms = group_by_firm(apps, n, m, offers)
            keys, order = order_in_one_pass(apps, n, score, start)
            return start, firms, keys, order
        parts = threads * parallel.PIECES_PER_THREAD if threads > 1 else 1
    else:  # (tests: many pieces and buckets, however small)
        parts = 8
    shift = max(1, int(m).bit_length() - BUCKETS)
    n_buckets = (m + (1 << shift) - 1) >> shift
    cuts = np.array([lo for lo, _ in parallel.pieces(n, parts)] + [n], dtype=np.int64)
    parts = cuts.shape[0] - 1
    counts = np.zeros((parts, n_buckets), dtype=np.int64)
    parallel.run(
        bucket_counts, parts, cuts, apps, shift, counts, offers, min_piece=1, workers=workers
    )
    fill, first = bucket_places(counts)
    total = int(first[n_buckets])
    keys = np.empty(total)
    order = np.empty(total, dtype=np.int64)
    parallel.run(
        bucket_stage, parts, cuts, apps, score, shift, fill, keys, order, min_piece=1,
        workers=workers,
    )  # fmt: skip
    start = np.empty(m + 1, dtype=np.int64)
    start[m] = total
    with_apps = np.empty(n_buckets, dtype=np.int64)
    parallel.run(
        bucket_sort, n_buckets, first, m, shift, keys, order, start, with_apps, min_piece=1,
        workers=workers,
    )  # fmt: skip
    firm_places = np.zeros(n_buckets + 1, dtype=np.int64)
    np.cumsum(with_apps, out=firm_places[1:])
    firms = np.empty(int(firm_places[n_buckets]), dtype=np.int64)
    parallel.run(
        bucket_firms, n_buckets, firm_places, m, shift, start, firms, min_piece=1,
        workers=workers,
    )  # fmt: skip
    return start, firms, keys, order


@njit(cache=True, nogil=True)
def bucket_counts(p0, p1, cuts, apps, shift, counts, offers):
    """``group_and_order``: clears the offers of the searchers of pieces ``p0 <= p <
    p1`` (searchers ``cuts[p] <= j < cuts[p + 1]``) and counts their applications by
    bucket (firm >> shift) into ``counts[p]``."""
    n_apps = apps.shape[1]
    for p in range(p0, p1):
        p = nonneg(p)
        for j in range(cuts[p], cuts[p + 1]):
            j = nonneg(j)
            for a in range(n_apps):
                offers[j, a] = 0
                f = apps[j, a]
                if f >= 0:
                    counts[p, nonneg(f >> shift)] += 1


@njit(cache=True, nogil=True)
def bucket_places(counts):
    """From ``bucket_counts``: each piece's first place in each bucket (pieces in order
    within a bucket, buckets in order), and each bucket's first place (one more entry:
    the total)."""
    parts, n_buckets = counts.shape
    fill = np.empty((parts, n_buckets), dtype=np.int64)
    first = np.empty(n_buckets + 1, dtype=np.int64)
    place = 0
    for b in range(n_buckets):
        first[b] = place
        for p in range(parts):
            fill[p, b] = place
            place += counts[p, b]
    first[n_buckets] = place
    return fill, first


@njit(cache=True, nogil=True)
def bucket_stage(p0, p1, cuts, apps, score, shift, fill, keys, order):
    """``group_and_order``'s first step for the searchers of pieces ``p0 <= p < p1``:
    each application, in searcher order, to its bucket's next place (``fill[p]``): its
    key, and in ``order`` its firm within the bucket (above ``APP_BITS``) and its
    index."""
    n_apps = apps.shape[1]
    within = (1 << shift) - 1
    for p in range(p0, p1):
        p = nonneg(p)
        for j in range(cuts[p], cuts[p + 1]):
            j = nonneg(j)
            for a in range(n_apps):
                f = apps[j, a]
                if f >= 0:
                    b = nonneg(f >> shift)
                    t = nonneg(fill[p, b])
                    order[t] = ((f & within) << APP_BITS) | (j * n_apps + a)
                    keys[t] = -score[j, a]
                    fill[p, b] = t + 1


@njit(cache=True, nogil=True)
def bucket_sort(b0, b1, first, m, shift, keys, order, start, with_apps):
    """``group_and_order``'s second step for buckets ``b0 <= b < b1``: a counting sort
    of each bucket's staged applications by firm, in its own part of the tables
    (``first[b]:first[b + 1]``), through a buffer: the bucket's firms' ``start``, and
    how many of them have applications (``with_apps[b]``)."""
    width = 1 << shift
    low = (1 << APP_BITS) - 1
    place = np.empty(width, dtype=np.int64)  # each firm's count, then its next place
    largest = 0
    for b in range(b0, b1):
        largest = greater(largest, first[b + 1] - first[b])
    buffer_keys = np.empty(largest)
    buffer_order = np.empty(largest, dtype=np.int64)
    for b in range(b0, b1):
        b = nonneg(b)
        lo = first[b]
        hi = first[b + 1]
        f0 = b << shift
        firms = lesser(f0 + width, m) - f0
        for x in range(firms):
            place[x] = 0
        for t in range(lo, hi):
            place[nonneg(order[nonneg(t)] >> APP_BITS)] += 1
        at = lo
        busy = 0
        for x in range(firms):
            x = nonneg(x)
            c = place[x]
            busy += c > 0
            place[x] = at
            start[nonneg(f0 + x)] = at
            at += c
        with_apps[b] = busy
        for t in range(lo, hi):
            t = nonneg(t)
            v = order[t]
            x = nonneg(v >> APP_BITS)
            q = nonneg(place[x] - lo)
            place[x] += 1
            buffer_keys[q] = keys[t]
            buffer_order[q] = v & low
        for q in range(hi - lo):
            keys[lo + q] = buffer_keys[q]
            order[lo + q] = buffer_order[q]


@njit(cache=True, nogil=True)
def bucket_firms(b0, b1, firm_places, m, shift, start, firms):
    """``group_and_order``'s firms with applications, of buckets ``b0 <= b < b1``, from
    ``firm_places[b]`` on."""
    for b in range(b0, b1):
        b = nonneg(b)
        k = firm_places[b]
        for f in range(b << shift, lesser((b + 1) << shift, m)):
            f = nonneg(f)
            if start[f + 1] > start[f]:
                firms[nonneg(k)] = f
                k += 1


@njit(cache=True)
def order_in_one_pass(apps, n, score, start):
    """``group_and_order``'s counting sort, in one pass over the applications: each
    written to its firm's next place (``start`` from ``group_by_firm``)."""
    m = start.shape[0] - 1
    keys = np.empty(start[m])
    order = np.empty(start[m], dtype=np.int64)
    order_into(apps, n, score, start, keys, order)
    return keys, order


@njit(cache=True, nogil=True)
def order_into(apps, n, score, start, keys, order):
    """``order_in_one_pass`` into ``keys`` and ``order`` (room for ``start[-1]``
    applications): every searcher's in one piece (``place_piece``)."""
    place_piece(0, n, apps, score, start[:-1].copy(), keys, order)


@njit(cache=True, nogil=True)
def count_piece(lo, hi, apps, offers, counts):
    """``group_by_firm_into``'s count for the searchers ``lo <= j < hi``, one piece of a
    round's (``SHARED_COUNTS``): their applications per firm in ``counts`` (a row of
    ``SharedScratch.piece_places``, zeroed here), their offers zeroed."""
    n_apps = apps.shape[1]
    counts[:] = 0
    for j in range(lo, hi):
        for a in range(n_apps):
            offers[j, a] = 0
            f = apps[j, a]
            if f >= 0:
                counts[nonneg(f)] += 1


@njit(cache=True, nogil=True)
def places_of_pieces(places, pieces, m, start, firms):
    """The pieces' counts (``count_piece``, rows ``places[:pieces]``) become where each
    firm's applications start (``start[:m + 1]``, as ``group_by_firm_into`` makes it)
    and where each piece's first one goes in its firm's run (the piece's row of
    ``places``): after those of the pieces before it, whose searchers come first. The
    firms with applications go to ``firms``; returns their number."""
    total = 0
    n_firms = 0
    for f in range(m):
        start[f] = total
        for piece in range(pieces):
            c = places[piece, f]
            places[piece, f] = total
            total += c
        if total > start[f]:
            firms[n_firms] = f
            n_firms += 1
    start[m] = total
    return n_firms


@njit(cache=True, nogil=True)
def place_piece(lo, hi, apps, score, fill, keys, order):
    """``order_into`` for the searchers ``lo <= j < hi``, one piece of a round's
    (``SHARED_PLACES``): each application to the next place of its firm in ``fill`` (the
    piece's row of places, ``places_of_pieces``). The pieces write disjoint places, and
    every application the place the whole loop in one piece gives it."""
    n_apps = apps.shape[1]
    hint = fill.shape[0] >= HINT_FROM_FIRMS
    for j in range(lo, hi):
        j = nonneg(j)  # (indices below are all >= 0: see scalar.nonneg)
        if hint and j + 2 * AHEAD < hi:  # the places of the applications a few ahead
            for a in range(n_apps):
                prefetch_row(fill, apps[nonneg(j + 2 * AHEAD), a])
                g = apps[nonneg(j + AHEAD), a]
                if g >= 0:
                    t = fill[nonneg(g)]
                    prefetch_row(order, t)
                    prefetch_row(keys, t)
        for a in range(n_apps):
            f = apps[j, a]
            if f >= 0:
                t = nonneg(fill[nonneg(f)])
                order[t] = j * n_apps + a
                keys[t] = -score[j, a]
                fill[nonneg(f)] = t + 1


@njit(cache=True, nogil=True)
def rank_firms(
    x0, x1, firms, start, keys, order, threshold, openings, vac_apps, vac_qualified, offers,
    given_by,
):  # fmt: skip
    """Firms ``firms[x0:x1]`` rank their applicants and make their offers; each writes
    only its own rows and its applicants' offers.

    A firm offers its openings to its best qualified applicants: the first ones of its
    applications sorted by key (ties in application order). A firm with at most
    ``order.FEW`` openings, no NaN key and a threshold that is a number picks those few
    directly (``order.first_few``) instead of sorting all its applicants: the same
    applicants, without the sort's comparisons, which go either way at random."""
    flat = offers.reshape(-1)  # offers[j, a] is flat[j * A + a], an application's index
    best = np.empty(FEW, dtype=np.int64)  # (scratch for first_few)
    for x in range(x0, x1):
        x = nonneg(x)  # (indices below are all >= 0: see scalar.nonneg)
        f = nonneg(firms[x])
        lo = nonneg(start[f])
        hi = start[f + 1]
        bar = threshold[f]
        qualified = 0
        plain = bar == bar
        for t in range(lo, hi):
            key = keys[nonneg(t)]
            if -key >= bar:
                qualified += 1
            plain &= key == key
        vac_apps[f] += hi - lo
        vac_qualified[f] += qualified
        given = 0
        if plain and openings[f] <= FEW:
            given = first_few(keys, lo, hi, bar, lesser(openings[f], qualified), best)
            for b in range(given):
                flat[nonneg(order[nonneg(best[b])])] = 1
        else:
            _rank_segment(keys, order, lo, hi)
            for t in range(lo, hi):
                t = nonneg(t)
                if given >= openings[f] or -keys[t] < bar:
                    break
                flat[nonneg(order[t])] = 1
                given += 1
        given_by[x] = given


@njit(cache=True, nogil=True)
def market_counts(rows, status, region, alive, f_region, vacancies, n_regions):
    """(Unemployed residents, vacancies of live firms) of each region, for
    ``phases.slack``: the unemployed among ``rows``, which hold every unemployed
    worker's row (and any others). The vacancies are added up in firm order as floats,
    as ``np.bincount`` with weights adds them. (Plain loops and ``np.empty`` only:
    numba compiles its own ``np.zeros`` anew in every process.)"""
    unemployed = np.empty(n_regions, dtype=np.int64)
    open_jobs = np.empty(n_regions)
    for r in range(n_regions):
        unemployed[r] = 0
        open_jobs[r] = 0.0
    for j in range(rows.shape[0]):  # (counts: any order gives the same)
        i = nonneg(rows[j])
        unemployed[nonneg(region[i])] += status[i] == Status.UNEMPLOYED
    for f in range(alive.shape[0]):
        if alive[f] == 1:
            open_jobs[nonneg(f_region[f])] += float(vacancies[f])
    return unemployed, open_jobs


@njit(cache=True, nogil=True)
def market_slack(status, region, alive, f_region, vacancies, n_regions):
    """log(unemployed / vacancies) of each region's market (each at least 1), clipped
    to +-2: how slack it is (``phases.slack``; twin ``twins.matching.slack``). The log
    is the C library's (``math.log``, as the twin's), not NumPy's: NumPy picks its
    own vectorised log by the CPU's instruction sets (on AVX-512 machines it differed
    from the C library's in the last bit for 0.3% of ratios), and a month compiled in
    one call (``kernels.month``) must compute the same thresholds as the phases."""
    rows = rows_with(status, Status.UNEMPLOYED)
    return slack_among(rows, status, region, alive, f_region, vacancies, n_regions)


@njit(cache=True, nogil=True)
def slack_among(rows, status, region, alive, f_region, vacancies, n_regions):
    """``market_slack`` from ``rows`` that hold every unemployed worker's row (and any
    others): the month in one call counts the unemployed among the job seekers it has
    just picked (every unemployed worker is one), not in a pass over every row (0.46 ms
    a month at 1,000,000 workers, on one thread; BENCHMARKS.md)."""
    unemployed, open_jobs = market_counts(
        rows, status, region, alive, f_region, vacancies, n_regions
    )
    out = np.empty(n_regions)
    for r in range(n_regions):
        ratio = max(unemployed[r], 1) / max(open_jobs[r], 1.0)
        out[r] = lesser(greater(math.log(ratio), -2.0), 2.0)
    return out


@njit(cache=True, nogil=True)
def hiring_thresholds(mode, p, alive, region, vac_age, slack, out):
    """Hiring threshold of each firm: base plus slack of its region (log unemployed per
    vacancy, clipped to +-2), minus an allowance per month its vacancies have waited.
    Slots use the trainability threshold."""
    for f in range(alive.shape[0]):
        if mode == SLOTS:
            out[f] = p.trainability_threshold
        else:
            t = p.hire_threshold + p.threshold_slack * slack[region[f]]
            out[f] = greater(t - p.threshold_vacancy_age * vac_age[f], 0.0)


ACCEPT_PIECE = 4096  # least searchers per piece of the parallel choice (``choose_offers``)
TAKE_PIECE = 4096  # least searchers per piece of a jobs round's hires in one call


def accept_offers(
    mode, month, p, searchers, n, apps, offers, hired,
    status, region, skills, employer, gap_under, gap_over, wage, age, tenure, spell,
    months_left, provider, appr_state, appr_firm, appr_duration, appr_entitlement,
    appr_advance, retained, poached, seeking_appr, date_entry, date_first_job,
    date_appr_start, date_appr_end, f_region, productivity, req, f_provider, headcount,
    apprentices, openings, vac_age, vac_apps, vac_qualified, train_benefit, appr_started,
    wage_level, travel, mig_in, mig_out, flows, spend, end_key, programme, education, cert,
    enrolled, relevance,
):  # fmt: skip
    """Each searcher with offers takes the best by expected wage net of moving cost (an
    employed searcher only if it beats the current wage; a young unemployed searcher
    only a job worth its reservation pay, ``reservation_pay``). Hires move workers to the
    firm's region. A retained apprenticeship graduate who leaves the training firm
    within the poaching window counts as poached. An apprenticeship start records the
    contract's terms: duration, the subsidy due, and the advance paid now. Returns the
    number of hires.

    A searcher's choice reads only its own row and its offers' firms, none of which an
    acceptance changes (a hire writes the worker's own row and the firm's counts), so
    the choices are made first, in parallel (``choose_offers``), and then taken in
    searcher order (``take_offers``): the firms' counts and sums, and the flows, as if
    each searcher chose and took in turn. (``rounds_in_one_call`` calls the two kernels
    the same way, and takes a jobs round's hires in pieces too.)"""
    chosen = np.empty(n, dtype=np.int64)
    gaps = np.empty((n, 2))
    parallel.run(
        choose_offers, n, mode, p, searchers, n, apps, offers, status, region, skills, wage,
        age, spell, f_region, productivity, req, wage_level, travel, chosen, gaps,
        min_piece=ACCEPT_PIECE,
        workers=status.shape[0],
    )  # fmt: skip
    return take_offers(
        0, n, False, mode, month, p, searchers, chosen, gaps, hired, status, region, employer,
        gap_under, gap_over, tenure, spell, months_left, provider, appr_state, appr_firm,
        appr_duration, appr_entitlement, appr_advance, retained, poached, seeking_appr,
        date_entry, date_first_job, date_appr_start, date_appr_end, f_region, f_provider,
        headcount, apprentices, openings, vac_age, vac_apps, vac_qualified, train_benefit,
        appr_started, mig_in, mig_out, flows, spend, end_key, programme, education, cert,
        enrolled, relevance,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def choose_offers(
    lo, hi, mode, p, searchers, n, apps, offers, status, region, skills, wage, age, spell,
    f_region, productivity, req, wage_level, travel, chosen, gaps,
):  # fmt: skip
    """``accept_offers``' choices of searchers ``lo <= j < hi``: ``chosen[j]`` the firm
    whose offer searcher j takes (-1: none, none that beats an employed searcher's
    wage, or for a young unemployed searcher a best job offer worth less than its
    ``reservation_pay``), ``gaps[j]`` its (under, over) gaps there."""
    n_apps = apps.shape[1]
    hint = status.shape[0] >= HINT_FROM_WORKERS
    choosy = mode == JOBS and p.youth_reservation > 0.0
    for j in range(lo, hi):
        if hint and j + AHEAD < n:  # the rows of a searcher a few ahead, its offers' firms
            ahead = nonneg(searchers[nonneg(j + AHEAD)])
            prefetch_row(region, ahead)
            prefetch_row(status, ahead)
            prefetch_row(skills, ahead)
            prefetch_row(wage, ahead)
            for a in range(n_apps):
                if offers[nonneg(j + AHEAD), a] != 0:
                    g = nonneg(apps[nonneg(j + AHEAD), a])
                    prefetch_row(req, g)
                    prefetch_row(f_region, g)
                    prefetch_row(productivity, g)
        j = nonneg(j)
        chosen[j] = -1
        i = nonneg(searchers[j])  # (indices below are all >= 0: see scalar.nonneg)
        home = nonneg(region[i])
        best = -1
        best_u = -np.inf
        for a in range(n_apps):
            if offers[j, a] == 0:
                continue
            f = nonneg(apps[j, a])  # an offer's firm
            there = nonneg(f_region[f])
            pay = wage_level[there] * productivity[f]
            if mode == JOBS:
                under, _ = job_gaps(skills, i, req, f)
                pay *= p.wage_floor_share + (1.0 - p.wage_floor_share) * (1.0 - under)
            u = pay * (1.0 - p.moving_cost_weight * travel[home, there])
            if u > best_u:
                best_u = u
                best = f
        if best < 0:
            continue
        st = status[i]
        if st == Status.EMPLOYED:
            if best_u <= wage[i]:
                continue
        elif (
            choosy
            and st == Status.UNEMPLOYED
            and age[i] < p.youth_age_months
            and best_u < reservation_pay(p, wage_level[home], spell[i])
        ):
            continue
        chosen[j] = best
        under, over = job_gaps(skills, i, req, nonneg(best))
        gaps[j, 0] = under
        gaps[j, 1] = over


@njit(inline="always")
def reservation_pay(p, home_wage_level, spell):
    """The least a young unemployed job seeker accepts (jobs): ``youth_reservation``
    times the wage level where it lives, falling by ``reservation_decline`` a month of
    its unemployment spell (``spell`` months). The twin's ``reservation_pay`` says who
    holds one."""
    fall = math.pow(1.0 - p.reservation_decline, float(spell))
    return p.youth_reservation * float(home_wage_level) * fall


@njit(inline="always")
def count_to(array, at, value, shared):
    """``array[at] += value``, atomically (``duo.add``) if ``shared``: integer counts
    that another thread may add to at the same time."""
    if shared:
        duo.add(array, at, value)
    else:
        array[at] += value


@njit(cache=True, nogil=True)
def take_offers(
    lo, hi, shared, mode, month, p, searchers, chosen, gaps, hired,
    status, region, employer, gap_under, gap_over, tenure, spell, months_left, provider,
    appr_state, appr_firm, appr_duration, appr_entitlement, appr_advance, retained, poached,
    seeking_appr, date_entry, date_first_job, date_appr_start, date_appr_end, f_region,
    f_provider, headcount, apprentices, openings, vac_age, vac_apps, vac_qualified,
    train_benefit, appr_started, mig_in, mig_out, flows, spend, end_key, programme,
    education, cert, enrolled, relevance,
):  # fmt: skip
    """``accept_offers``' hires of searchers ``lo <= j < hi``, in searcher order:
    searcher j joins firm ``chosen[j]`` (``choose_offers``) if it is one. Returns the
    number of hires.

    A final-year student or TVET trainee hired (``final_year``; jobs only) ends its
    programme with the hire, as it would have at its end (``separations.end_tvet``,
    ``separations.end_study``; the certificate's draw under ``end_key``, the month's
    programme-end stream): its TVET seat is freed, and its entry date is the month.

    A hire writes its worker's row, counts to its firms (headcount, openings), to the
    flows and to the regions' migration, and, for a slot, adds the subsidy's advance to
    float sums (the firm's benefit, public spending), whose bits depend on the order. A
    jobs round's hires add integers only, and no firm gets more acceptances than it has
    openings (``rank_firms`` offers no more), so they can be taken in pieces on two
    threads (``shared``: ``SHARED_HIRES``), the firms' counts by atomic adds: the same
    counts in any order. The flows and the migration are counted here and added once,
    at the end."""
    n_regions = mig_in.shape[0]
    moved_in = np.zeros(n_regions, dtype=np.int64)
    moved_out = np.zeros(n_regions, dtype=np.int64)
    hires = 0
    job_to_job = 0
    poached_now = 0
    from_unemployment = 0
    certified = 0
    final_year_hires = 0
    hint = status.shape[0] >= HINT_FROM_WORKERS
    for j in range(lo, hi):
        j = nonneg(j)  # (indices below are all >= 0: see scalar.nonneg)
        if hint and j + AHEAD < hi and chosen[nonneg(j + AHEAD)] >= 0:  # a hire a few ahead
            ahead = nonneg(searchers[nonneg(j + AHEAD)])
            prefetch_row(status, ahead)
            prefetch_row(region, ahead)
            prefetch_row(employer, ahead)
            prefetch_row(date_first_job, ahead)
            prefetch_row(date_entry, ahead)
            prefetch_row(tenure, ahead)  # (written: a store waits for its line too)
            prefetch_row(spell, ahead)
            prefetch_row(seeking_appr, ahead)
            prefetch_row(gap_under, ahead)
            prefetch_row(gap_over, ahead)
            g = nonneg(chosen[nonneg(j + AHEAD)])
            prefetch_row(f_region, g)
            prefetch_row(headcount, g)
            prefetch_row(openings, g)
            prefetch_row(vac_age, g)
            prefetch_row(vac_apps, g)
            prefetch_row(vac_qualified, g)
        if chosen[j] < 0:
            continue
        i = nonneg(searchers[j])
        f = nonneg(chosen[j])
        home = nonneg(region[i])
        there = nonneg(f_region[f])
        hires += 1
        hired[j] = 1
        if home != there:
            moved_out[home] += 1
            moved_in[there] += 1
            region[i] = there
        st = status[i]
        if st == Status.TRAINING:  # (a final-year TVET trainee: jobs only)
            final_year_hires += 1
            q = nonneg(provider[i])
            count_to(enrolled, q, -1, shared)
            certified += separations.end_tvet(
                end_key, i, month, p.tvet_certification_pass * relevance[q], programme,
                provider, cert, education, date_entry,
            )  # fmt: skip
            months_left[i] = 0
        elif st == Status.STUDENT:  # (a final-year student)
            final_year_hires += 1
            separations.end_study(i, month, education, date_entry)
            months_left[i] = 0
        if math.isnan(date_first_job[i]) and not math.isnan(date_entry[i]):
            date_first_job[i] = month
        if st == Status.EMPLOYED:
            old = nonneg(employer[i])
            count_to(headcount, old, -1, shared)
            job_to_job += 1
            if (
                appr_state[i] == ApprState.COMPLETED
                and retained[i] == 1
                and appr_firm[i] == old
                and month - date_appr_end[i] < p.poaching_window
            ):
                poached[i] = 1
                poached_now += 1
        elif st == Status.UNEMPLOYED and spell[i] >= 1:  # unemployed since the month's start
            from_unemployment += 1
        employer[i] = f
        tenure[i] = 0
        spell[i] = 0
        seeking_appr[i] = 0
        count_to(openings, f, -1, shared)
        if mode == JOBS:
            status[i] = Status.EMPLOYED
            count_to(headcount, f, 1, shared)
            vac_age[f] = 0
            vac_apps[f] = 0
            vac_qualified[f] = 0
        else:
            status[i] = Status.APPRENTICE
            apprentices[f] += 1
            appr_state[i] = ApprState.ACTIVE
            appr_firm[i] = f
            appr_duration[i] = p.duration
            entitlement = p.subsidy_per_year * p.duration / 12.0
            advance = entitlement * p.advance_share
            appr_entitlement[i] = entitlement
            appr_advance[i] = advance
            retained[i] = 0
            poached[i] = 0
            months_left[i] = p.duration
            provider[i] = f_provider[f]
            date_appr_start[i] = month
            spend[Spend.SUBSIDY] += advance
            train_benefit[f] += advance
            appr_started[f] += 1
        gap_under[i] = gaps[j, 0]
        gap_over[i] = gaps[j, 1]
    for r in range(n_regions):
        if moved_out[r] != 0:
            count_to(mig_out, r, moved_out[r], shared)
        if moved_in[r] != 0:
            count_to(mig_in, r, moved_in[r], shared)
    count_to(flows, Flow.JOB_TO_JOB, job_to_job, shared)
    count_to(flows, Flow.APPR_POACHED, poached_now, shared)
    count_to(flows, Flow.UNEMPLOYED_TO_EMPLOYED, from_unemployment, shared)
    if final_year_hires != 0:
        count_to(flows, Flow.FINAL_YEAR_HIRES, final_year_hires, shared)
        count_to(flows, Flow.TVET_CERTIFIED, certified, shared)
    count_to(flows, Flow.HIRES if mode == JOBS else Flow.APPR_STARTS, hires, shared)
    return hires


def apply_and_offer(
    mode, key, screen_key, slot0, p, searchers, n, n_regions, cert_bonus, openings,
    thresholds, apps_seen, qualified_seen, cell_open, cell_ptr, cell_firms, cell_cum, skills,
    ability, cert, region, employer, alive, f_sector, f_region, req, travel, profile,
    factors=None, known=False, factor_rows=None,
):  # fmt: skip
    """The first half of a matching round: firms with openings grouped by cell
    (``build_cells``), each searcher's applications (``draw_applications``, draws from
    ``slot0`` on; ``factors``, ``known`` and ``factor_rows`` as there) and the firms' offers
    (``make_offers``; their errors in judging an application drawn under ``screen_key``).
    Returns (applications, offers) for ``accept_offers``.
    (``rounds_in_one_call`` repeats these steps for small models: a change here goes
    there too; tests/test_determinism.py holds the two paths to the same run.)"""
    build_cells(alive, f_sector, f_region, openings, n_regions, cell_open, cell_ptr, cell_firms,
                cell_cum)  # fmt: skip
    apps = np.empty((n, p.applications), dtype=np.int64)
    offers = np.zeros((n, p.applications), dtype=np.int8)
    draw_applications(
        key, slot0, searchers, n, skills, region, employer, travel, profile, p.affinity_weight,
        p.travel_weight, cell_open, cell_ptr, cell_firms, cell_cum, apps, factors, known,
        factor_rows,
    )  # fmt: skip
    make_offers(
        mode, p, searchers, n, apps, skills, ability, cert, cert_bonus, req, openings, thresholds,
        apps_seen, qualified_seen, offers, screen_key, slot0,
    )  # fmt: skip
    return apps, offers


@njit(cache=True)
def keep_unmatched(hired, searchers, factor_rows):
    """The searchers not hired this round (``hired[j] == 0``) and the rows of their
    affinity factors (``draw_applications``' ``factor_rows``) moved to the front of
    ``searchers`` and ``factor_rows``, in their order; returns their number. The factors
    stay where the first round wrote them: moving a city's rows of them (72 bytes a
    searcher) took ~3 ms a round, moving their row numbers a fraction of that
    (BENCHMARKS.md). Every searcher is copied to the front and the front moves on by 0
    or 1: no branch on who was hired, which goes either way at random. (So the entries
    past the returned number are overwritten with some of the hired: read only the
    first ones.)"""
    left = 0
    for j in range(hired.shape[0]):
        searchers[left] = searchers[j]  # (left <= j: row j is read before it is written)
        factor_rows[left] = factor_rows[j]
        left += hired[j] == 0
    return left


@njit(cache=True)
def age_vacancies(alive, vacancies, vac_age):
    """Open vacancies grow a month older as the month's matching starts; a hire resets
    the age, so after matching it counts the months in a row without a hire."""
    for f in range(alive.shape[0]):
        if alive[f] == 1 and vacancies[f] > 0:
            vac_age[f] += 1


@njit(cache=True, nogil=True)
def employability_sample(status, size):
    """Rows of the employability sample: every stride-th unemployed worker in row order,
    stride = ceil(unemployed / size) (at least 1), so at most ``size`` of them, spread
    over all the unemployed (a stride rounded down, with the sample cut at ``size``,
    left out the last rows: up to half of the unemployed, by row order)."""
    rows = rows_with(status, Status.UNEMPLOYED)
    unemployed = rows.shape[0]
    stride = greater((unemployed + size - 1) // size, 1)
    out = np.empty(lesser((unemployed + stride - 1) // stride, size), dtype=np.int64)
    for j in range(out.shape[0]):
        out[j] = rows[j * stride]
    return out


def employability(
    key,
    p,
    sample,
    n,
    skills,
    ability,
    region,
    cert,
    cert_bonus,
    req,
    travel,
    profile,
    travel_weight,
    threshold,
    cell_open,
    cell_ptr,
    cell_firms,
    cell_cum,
    draws,
):
    """Share of accessible vacancies each sampled worker qualifies for, estimated from
    ``draws`` vacancies drawn by accessibility alone; returns the mean over the sample
    (workers with no accessible vacancy are left out). Workers are scored in parallel
    (``employability_blocks``) and their shares summed in sample order
    (``mean_share``), so the result does not depend on threads."""
    share = np.full(n, -1.0)
    access, start, owners, psum = draw_tables(
        travel, travel_weight, profile, cell_open, cell_ptr, cell_firms, cell_cum
    )
    home_weights, home_cum, home_total = home_cell_weights(access, profile, psum)
    parallel.run(
        employability_blocks, (n + DRAW_BLOCK - 1) // DRAW_BLOCK, key, p, sample, n, skills,
        ability, region, cert, cert_bonus, req, profile, threshold, cell_open, access, start,
        owners, psum, home_weights, home_cum, home_total, draws, share, min_piece=2,
        workers=skills.shape[0],
    )  # fmt: skip
    return mean_share(share)


@njit(cache=True, nogil=True)
def employability_blocks(
    b0, b1, key, p, sample, n, skills, ability, region, cert, cert_bonus, req, profile,
    threshold, cell_open, access, start, owners, psum, home_weights, home_cum, home_total,
    draws, share,
):  # fmt: skip
    """``employability``'s shares for the sampled workers of blocks ``b0 <= b < b1``
    (``DRAW_BLOCK`` each); -1 for a worker with no accessible vacancy."""
    n_cells = cell_open.shape[0]
    for b in range(b0, b1):
        weights = np.empty(n_cells)
        cum = np.empty(n_cells)
        drawn = np.empty(draws, dtype=np.int64)
        for j in range(b * DRAW_BLOCK, lesser((b + 1) * DRAW_BLOCK, n)):
            j = nonneg(j)  # (indices below are all >= 0: see scalar.nonneg)
            i = nonneg(sample[j])
            if home_total.shape[0] > 0 and plain_skills(skills, i):
                h = nonneg(region[i])
                total = home_total[h]
                for c in range(n_cells):
                    weights[c] = home_weights[h, c]
                    cum[c] = home_cum[h, c]
            else:
                total = cell_weights(i, skills, region, access, profile, psum, 0.0, weights, cum)
            if total <= 0.0:
                continue
            for d in range(draws):  # all draws first, so their firms' rows load together
                f = draw_firm(
                    uniform(key, i, 2 * d),
                    uniform(key, i, 2 * d + 1),
                    weights,
                    cum,
                    total,
                    cell_open,
                    start,
                    owners,
                )
                drawn[d] = f
                prefetch_row(req, f)
            term, bonus = worker_terms(JOBS, p, i, skills, ability, cert, cert_bonus)
            hits = 0
            for d in range(draws):
                f = nonneg(drawn[d])
                if score_at(JOBS, i, f, skills, req, term, bonus) >= threshold[f]:
                    hits += 1
            share[j] = hits / draws


@njit(cache=True, nogil=True)
def mean_share(share):
    """Mean of the shares that are not -1, added in sample order (NaN if none)."""
    acc = 0.0
    counted = 0
    n = share.shape[0]
    for j in range(n):
        if share[j] >= 0.0:
            acc += share[j]
            counted += 1
    return acc / counted if counted > 0 else math.nan


# Models with fewer worker rows than this run a mode's matching rounds in one compiled
# call (``rounds_in_one_call``) once it is compiled; tests that watch each round's
# kernels set it to 0.
ONE_CALL_BELOW = parallel.SHARE_FROM_WORKERS
_one_call: bool | None = None  # this process's choice (``one_call_ready``)


def one_call_ready() -> bool:
    """Whether this process runs small models' rounds in one call: when
    ``rounds_in_one_call`` is in numba's cache at the first call (or compiled here).
    Compiling it takes several seconds (it types its dozen kernels again, and LLVM
    optimises them once more inside it), which a cold start's first month must not pay
    (BENCHMARKS.md): a process that starts without it keeps the round-by-round path,
    and the compile helper of a cold start (``compile_ahead``) compiles it last, for the
    runs after. Either path computes the same run."""
    global _one_call
    if not _keyed:  # (see key_caches_on_sources)
        return False
    if _one_call is None:
        from simulation.compile_ahead import in_cache

        compiled = getattr(rounds_in_one_call, "signatures", ())  # (none without the JIT)
        _one_call = bool(compiled) or bool(in_cache(rounds_in_one_call))
    return _one_call


def use_one_call(choice: bool | None) -> None:
    """Set this process's choice (None: decide again at the next call)."""
    global _one_call
    _one_call = choice


@njit(cache=True)
def rounds_in_one_call(
    mode, month, key, screen_key, rounds, p, searchers, k, n_regions, openings, cell_open,
    cell_ptr, cell_firms, cell_cum, box, context,
    status, region, skills, employer, gap_under, gap_over, tenure, spell,
    months_left, provider, appr_state, appr_firm, appr_duration, appr_entitlement,
    appr_advance, retained, poached, seeking_appr, date_entry, date_first_job,
    date_appr_start, date_appr_end, alive, f_sector, f_region, f_provider,
    headcount, apprentices, vac_age, vac_apps, vac_qualified, train_benefit, appr_started,
    mig_in, mig_out, flows, spend, end_key, programme, education, cert, enrolled, relevance,
):  # fmt: skip
    """The month's matching rounds of one mode (``phases._match``) in one compiled call,
    for models whose loops run in one piece anyway (below ``ONE_CALL_BELOW`` worker
    rows): the kernels of ``apply_and_offer``, ``accept_offers`` and ``keep_unmatched``
    in the same order, on the same arrays, without going back to Python between them:
    the same run bit for bit (tests/test_determinism.py), without ~50 kernel calls'
    dispatch and the Python around them a month. ``searchers[:k]`` are the mode's
    searchers; returns the number of searchers left.

    The draws, the grouping of the applications by firm (``count_piece``,
    ``place_piece``: ``group_by_firm_into`` and ``order_into`` in pieces of searchers),
    the scores, the firms' rankings, the choices and a jobs round's hires
    (``take_offers``) are loops that ``share`` cuts into pieces for a helper thread, if ``box`` has one (``duo``); their arrays are
    the buffers of ``context`` (``SharedScratch``), which the helper sees too: the
    mode's hiring thresholds and counts of applicants seen are read there (the firms'
    own for jobs; for slots, the buffers ``phases._match`` names)."""
    s = SharedScratch(*context[8])
    s.apply_key[0] = key  # (the draws' stream key, for the helper too)
    s.keys[TRAINING_END] = end_key  # (the hires' key of certificates: a helper's too)
    s.keys[SCREEN] = screen_key  # (the firms' errors in judging applications: the same)
    m = openings.shape[0]
    for j in range(k):
        s.selected[j] = searchers[j]
        s.factor_rows[j] = j  # searcher j's row of the affinity factors (keep_unmatched)
    for rnd in range(rounds):
        if k == 0 or openings.sum() == 0:
            break
        build_cells(alive, f_sector, f_region, openings, n_regions, cell_open, cell_ptr,
                    cell_firms, cell_cum)  # fmt: skip
        share(box, SHARED_DRAWS, (k + DRAW_BLOCK - 1) // DRAW_BLOCK, 1, k, rnd, 0, 0, context)
        # the applications grouped by firm in two pieces of searchers (or one; more
        # only in tests that cut loops small): counted, then placed
        half = greater(k // 2, SORT_PIECE)
        pieces = share(box, SHARED_COUNTS, k, half, 0, 0, 0, 0, context)
        n_firms = places_of_pieces(s.piece_places, pieces, m, s.by_firm, s.firms)
        slot0 = rnd * 2 * p.applications  # (the round's draws' slots: shared_draws's)
        share(box, SHARED_SCORES, k, SCORE_PIECE // 2, mode, k, slot0, 0, context)
        share(box, SHARED_PLACES, k, half, 0, 0, 0, 0, context)
        share(box, SHARED_RANKS, n_firms, RANK_PIECE // 4, mode, 0, 0, 0, context)
        hired = s.hired[:k]
        hired[:] = 0
        share(box, SHARED_CHOICES, k, SCORE_PIECE // 2, mode, k, 0, 0, context)
        if mode == JOBS:  # (the hires in pieces: integer counts only)
            share(box, SHARED_HIRES, k, TAKE_PIECE, k, month, 0, 0, context)
        else:
            take_offers(
                0, k, False, mode, month, p, s.selected, s.chosen, s.gaps, hired, status,
                region, employer, gap_under, gap_over, tenure, spell, months_left, provider,
                appr_state, appr_firm, appr_duration, appr_entitlement, appr_advance,
                retained, poached, seeking_appr, date_entry, date_first_job, date_appr_start,
                date_appr_end, f_region, f_provider, headcount, apprentices, openings,
                vac_age, vac_apps, vac_qualified, train_benefit, appr_started, mig_in,
                mig_out, flows, spend, end_key, programme, education, cert, enrolled,
                relevance,
            )  # fmt: skip
        k = keep_unmatched(hired, s.selected[:k], s.factor_rows[:k])
    return k


class SharedScratch(NamedTuple):
    """The buffers of the loops a month in one call shares with its helper thread
    (``share``), which both threads see; made by ``phases.shared_context`` (one row per
    worker row where a row is a worker's or a searcher's) and passed as a plain tuple."""

    req_sums: np.ndarray  # the firms' requirement sums (skills.requirement_sum_rows)
    selected: np.ndarray  # a matching round's searchers
    factors: np.ndarray  # their affinity factors (draw_applications)
    factor_rows: np.ndarray  # each searcher's row of them (keep_unmatched)
    apps: np.ndarray  # the round's applications (searchers x applications)
    offers: np.ndarray  # their offers
    score: np.ndarray  # their scores
    chosen: np.ndarray  # each searcher's choice (choose_offers)
    gaps: np.ndarray  # its gaps there
    apply_key: np.ndarray  # the round's stream key (one word)
    picked: np.ndarray  # the rows a selection pass picks (picks)
    counts: np.ndarray  # how many each of its pieces picked
    keys: np.ndarray  # the month's stream keys (rng.month_keys)
    numbers: np.ndarray  # the month's hazard of return migration, the poaching rate
    log_demand: np.ndarray  # the month's log demand by sector and region (the model's)
    thresholds: np.ndarray  # the firms' hiring thresholds of the mode being matched
    slot_apps: np.ndarray  # slot applicants seen, per firm (not the vacancies')
    slot_qualified: np.ndarray  # qualified ones among them
    by_firm: np.ndarray  # where each firm's applications start (group_by_firm_into)
    firms: np.ndarray  # the firms with applications
    app_keys: np.ndarray  # the applications in firm order: their keys (order_into)
    app_order: np.ndarray  # and their indices
    given_by: np.ndarray  # the offers each firm made (rank_firms)
    stamps: np.ndarray  # the clock at the start and each phase's end (month.advance)
    piece_places: np.ndarray  # per piece of searchers, per firm: places (place_piece)
    hired: np.ndarray  # whether each of a round's searchers was hired (take_offers)
    flows: np.ndarray  # the month's flows (the model's)
    mig_in: np.ndarray  # and its migration by region (the model's)
    mig_out: np.ndarray
    spend: np.ndarray  # and its public spending (the model's)


# The loops of a month in one call that it shares with a helper thread (``duo``):
# the skill update, the wages, each matching round's draws, grouping by firm, scores,
# rankings and choices, a jobs round's hires, the selection passes (``picks``), and the
# firms' shocks, targets and slots.
SHARED_SKILLS, SHARED_WAGES, SHARED_DRAWS, SHARED_SCORES, SHARED_CHOICES = 1, 2, 3, 4, 5
SHARED_PICKS, SHARED_RANKS, SHARED_SHOCKS, SHARED_TARGETS, SHARED_SLOTS = 6, 7, 8, 9, 10
SHARED_COUNTS, SHARED_PLACES, SHARED_HIRES = 11, 12, 13
SHARED_ROWS = 2048  # least worker rows per piece of the loops over the workers
SHARED_FIRMS = 2048  # least firm rows per piece of the loops over the firms
# The selection passes (``picks``): who seeks a slot, a job; layoff candidates and
# quits (``separations.separation_rows``); the demography's retirements, moves in and
# out of the labour force and returns home (``demography.month_rows``).
PICK_SLOT_SEEKERS, PICK_JOB_SEEKERS, PICK_SEPARATIONS, PICK_DEMOGRAPHY = 1, 2, 3, 4
SLOT_SEARCH, SEARCH, QUIT = int(Stream.SLOT_SEARCH), int(Stream.SEARCH), int(Stream.QUIT)
FIRM_SHOCK = int(Stream.FIRM_SHOCK)
INACTIVITY, MIGRATION = int(Stream.INACTIVITY), int(Stream.MIGRATION)
TRAINING_END = int(Stream.TRAINING_END)
SCREEN = int(Stream.SCREEN)


@njit(cache=True, nogil=True)
def share(box, kind, items, least, a0, a1, a2, a3, context):
    """Loop ``kind`` over its ``items`` (worker rows, searchers, blocks of searchers),
    with the numbers ``a0``-``a3`` (``shared_piece``): in pieces of at least ``least``
    items, which this thread and the helper of ``box`` claim in turn (``duo``), or in one
    piece here if there is no helper or too few items. Every piece writes its own items'
    results only, the same whoever computes them."""
    pieces = duo.pieces_for(box, items, least)
    if pieces <= 1:
        if kind == SHARED_DRAWS:
            shared_draws(0, items, a0, a1, context, draw_context_tables(context))
        else:
            shared_piece(kind, 0, 0, items, a0, a1, a2, a3, context)
        return 1
    job = duo.post(box, kind, pieces, items, a0, a1, a2, a3)
    mine = shared_work(box, job, context, False, 0)
    if not duo.finish(box, pieces, mine):
        raise RuntimeError("the month's helper thread failed (its error follows the month)")
    return pieces


@njit(cache=True, nogil=True)
def picks(box, which, n, context):
    """The rows ``0 <= i < n`` that selection pass ``which`` (``PICK_SLOT_SEEKERS``
    ...) picks, in row order, at the front of the buffer of picked rows
    (``shared_context``); returns their number. The pass runs in pieces (``share``),
    each writing its picks from its first row on and its count; they are then moved
    together in piece order (down only, never onto picks not yet moved), as
    ``parallel.picks`` does."""
    pieces = share(box, SHARED_PICKS, n, SHARED_ROWS, which, 0, 0, 0, context)
    s = SharedScratch(*context[8])
    picked, counts = s.picked, s.counts
    total = 0
    for piece in range(pieces):
        lo, _ = duo.bounds(piece, pieces, n)
        for t in range(lo, lo + counts[piece]):
            picked[total] = picked[t]
            total += 1
    return total


@njit(cache=True, nogil=True)
def shared_work(box, job, context, helper, done):
    """Claim pieces of job ``job`` and do them until none is left; returns how many this
    thread did. The helper (``helper``) counts them, from ``done``, in the box's
    ``DONE`` as it goes. (The draws' tables are computed once a job by each thread that
    takes a piece of it.)"""
    kind, pieces, items, a0, a1, a2, a3 = duo.job_numbers(box, job)
    count = 0
    piece = duo.claim(box, job)
    if piece < 0:
        return count
    if kind == SHARED_DRAWS:
        tables = draw_context_tables(context)
        while piece >= 0:
            lo, hi = duo.bounds(piece, pieces, items)
            shared_draws(lo, hi, a0, a1, context, tables)
            count += 1
            if helper:
                duo.store(box, duo.DONE, done + count)
            piece = duo.claim(box, job)
        return count
    while piece >= 0:
        lo, hi = duo.bounds(piece, pieces, items)
        shared_piece(kind, piece, lo, hi, a0, a1, a2, a3, context)
        count += 1
        if helper:
            duo.store(box, duo.DONE, done + count)
        piece = duo.claim(box, job)
    return count


@njit(cache=True, nogil=True)
def draw_context_tables(context):
    """``draw_tables`` of the month's cells of openings (``shared_context``)."""
    cell_open, cell_ptr, cell_firms, cell_cum = context[7]
    travel_weight = MatchParams(*context[0][3]).travel_weight
    return draw_tables(context[5], travel_weight, context[6], cell_open, cell_ptr, cell_firms,
                       cell_cum)  # fmt: skip


@njit(cache=True, nogil=True)
def shared_draws(b0, b1, k, rnd, context, tables):
    """The applications of round ``rnd``'s searchers in blocks ``b0 <= b < b1`` of
    ``DRAW_BLOCK`` (``draw_blocks``), of ``k`` searchers; ``tables``: the round's
    ``draw_context_tables``."""
    parts, arrays, profile, s = context[0], context[1], context[6], SharedScratch(*context[8])
    pm, w = MatchParams(*parts[3]), WorkerArrays(*arrays[0])
    access, start, owners, psum = tables
    draw_blocks(
        b0, b1, s.apply_key[0], rnd * 2 * pm.applications, s.selected, k, w.skills, w.region,
        w.employer, profile, pm.affinity_weight, context[7][0], access, start, owners, psum,
        s.apps, s.factors, rnd > 0, s.factor_rows,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def shared_piece(kind, piece, lo, hi, a0, a1, a2, a3, context):
    """Items ``lo <= x < hi`` (piece ``piece``) of loop ``kind``. ``context``
    (``phases.shared_context``): the parameter groups and the populations' arrays as
    plain tuples (``kernels.month``), the certificate bonus, the regions' wage levels and
    minimum wages, travel costs, the sectors' skill profiles, the cells of openings, and
    the buffers of the shared loops (``SharedScratch``, as a plain tuple)."""
    parts, arrays, cert_bonus, wage_level, min_wage, travel, _, _, scratch = context
    w, f, pr = WorkerArrays(*arrays[0]), FirmArrays(*arrays[1]), ProviderArrays(*arrays[2])
    s = SharedScratch(*scratch)
    if kind == SHARED_PICKS:  # a0: which pass
        picked, keys, hazard = s.picked, s.keys, s.numbers[0]
        if a0 == PICK_SLOT_SEEKERS:
            c = slot_search_draws(lo, hi, keys[SLOT_SEARCH], MatchParams(*parts[3]), w.status,
                                  w.age, w.cert, w.seeking_appr, picked)  # fmt: skip
        elif a0 == PICK_JOB_SEEKERS:
            c = job_search_draws(lo, hi, keys[SEARCH], MatchParams(*parts[3]), w.status,
                                 w.programme, w.months_left, w.gap_under, w.gap_over,
                                 picked)  # fmt: skip
        elif a0 == PICK_SEPARATIONS:
            c = separations.separation_rows(
                lo, hi, keys[QUIT], SeparationParams(*parts[4]), w.status, w.employer,
                w.gap_under, w.gap_over, f.alive, f.layoff_quota, picked,
            )  # fmt: skip
        else:  # PICK_DEMOGRAPHY
            c = demography.month_rows(
                lo, hi, DemographyParams(*parts[9]), keys[INACTIVITY], keys[MIGRATION], hazard,
                w.status, w.age, w.spell, w.tenure, w.months_left, w.seeking_appr, w.region,
                w.origin, w.rural, picked,
            )  # fmt: skip
        s.counts[piece] = c
    elif kind == SHARED_RANKS:  # a0: mode (the firms with applicants, from group_by_firm)
        if a0 == SLOTS:
            openings, seen, qualified = f.slots, s.slot_apps, s.slot_qualified
        else:
            openings, seen, qualified = f.vacancies, f.vac_apps, f.vac_qualified
        m = openings.shape[0]
        rank_firms(lo, hi, s.firms, s.by_firm[: m + 1], s.app_keys, s.app_order, s.thresholds,
                   openings, seen, qualified, s.offers, s.given_by)  # fmt: skip
    elif kind == SHARED_SKILLS:
        skills.update_skill_rows(
            lo, hi, SkillParams(*parts[2]), w.status, w.employer, w.provider, w.ability,
            w.skills, f.req, pr.mix, pr.quality, pr.relevance, w.gap_under, w.gap_over,
            s.req_sums,
        )  # fmt: skip
    elif kind == SHARED_WAGES:
        accounting.set_wage_rows(
            lo, hi, WageParams(*parts[10]), w.status, w.employer, w.region, w.gap_under,
            w.tenure, w.cert, f.productivity, wage_level, min_wage, w.wage,
        )  # fmt: skip
    elif kind == SHARED_SCORES:  # a0: mode, a1: searchers, a2: the round's first slot
        score_rows(lo, hi, a0, MatchParams(*parts[3]), s.selected, a1, s.apps, w.skills,
                   w.ability, w.cert, cert_bonus, f.req, s.score, s.keys[SCREEN],
                   a2)  # fmt: skip
    elif kind == SHARED_CHOICES:  # a0: mode, a1: searchers
        choose_offers(
            lo, hi, a0, MatchParams(*parts[3]), s.selected, a1, s.apps, s.offers, w.status,
            w.region, w.skills, w.wage, w.age, w.spell, f.region, f.productivity, f.req,
            wage_level, travel, s.chosen, s.gaps,
        )  # fmt: skip
    elif kind == SHARED_COUNTS:  # (a round's searchers' applications per firm)
        count_piece(lo, hi, s.apps, s.offers, s.piece_places[piece])
    elif kind == SHARED_PLACES:  # (and their places in firm order)
        place_piece(lo, hi, s.apps, s.score, s.piece_places[piece], s.app_keys, s.app_order)
    elif kind == SHARED_HIRES:  # a0: searchers, a1: month (a jobs round's hires)
        take_offers(
            lo, hi, True, JOBS, a1, MatchParams(*parts[3]), s.selected, s.chosen, s.gaps,
            s.hired, w.status, w.region, w.employer, w.gap_under, w.gap_over, w.tenure,
            w.spell, w.months_left, w.provider, w.appr_state, w.appr_firm, w.appr_duration,
            w.appr_entitlement, w.appr_advance, w.retained, w.poached, w.seeking_appr,
            w.date_entry, w.date_first_job, w.date_appr_start, w.date_appr_end, f.region,
            f.provider, f.headcount, f.apprentices, f.vacancies, f.vac_age, f.vac_apps,
            f.vac_qualified, f.train_benefit, f.appr_started, s.mig_in, s.mig_out, s.flows,
            s.spend, s.keys[TRAINING_END], w.programme, w.education, w.cert, pr.enrolled,
            pr.relevance,
        )  # fmt: skip
    elif kind == SHARED_SHOCKS:
        pf = FirmParams(*parts[0])
        firms.update_shock_rows(lo, hi, s.keys[FIRM_SHOCK], f.alive, f.shock,
                                pf.shock_persistence, pf.shock_sd)  # fmt: skip
    elif kind == SHARED_TARGETS:  # (and the requirement sums of the skill update)
        firms.set_target_rows(
            lo, hi, s.log_demand, FirmParams(*parts[0]).entry_elasticity, f.alive, f.sector,
            f.region, f.base_size, f.shock, f.target,
        )  # fmt: skip
        skills.requirement_sum_rows(lo, hi, f.req, s.req_sums)
    elif kind == SHARED_SLOTS:  # (the poaching rate: numbers[1])
        apprenticeship.offer_slot_rows(
            lo, hi, ApprParams(*parts[1]), s.numbers[1], f.alive, f.region, f.headcount,
            f.apprentices, f.productivity, f.appr_extra, wage_level, min_wage, f.net_benefit,
            f.slots,
        )  # fmt: skip


@njit(cache=True, nogil=True)
def assist(box, context):
    """The helper thread's month: wait for jobs in ``box`` and do pieces of them
    (``shared_work``) until told to quit (or idle too long: ``duo.next_job``); returns
    the pieces done."""
    done = 0
    while True:
        job = duo.next_job(box)
        if job == 0:
            return done
        done += shared_work(box, job, context, True, done)


_keyed = key_caches_on_sources(globals())  # last: every kernel above
