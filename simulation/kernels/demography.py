"""Demography: ageing, retirement, inactivity, return migration, school-leaver cohorts."""

import math

import numpy as np
from numba import njit

from simulation.kernels import key_caches_on_sources, parallel
from simulation.kernels.memory import AHEAD, HINT_FROM_WORKERS, prefetch_row, rows_with
from simulation.kernels.scalar import greater, lesser, nonneg
from simulation.rng import normal, uniform
from simulation.state import ApprState, Cert, Education, Flow, Programme, Status

# What a worker's month in ``month_rows`` brings: bits of a pick's tag (``parallel.tagged``).
RETIRES, MOVES, RETURNS = 1, 2, 4


def age_leave_return(
    p, key_inactivity, key_migration, hazard, status, age, employer, provider, programme,
    spell, tenure, months_left, seeking_appr, region, origin, rural, headcount, apprentices,
    enrolled, course_enrolled, mig_in, mig_out, flows,
):  # fmt: skip
    """The workers' month of demography, in this order (``twins.demography``):

    1. Everyone ages a month; at retirement age a worker leaves (the row becomes free,
       an apprenticeship or programme in course ends with it); unemployment spells,
       tenure and the apprenticeship search window advance.
    2. The unemployed leave the labour force (the older long-term unemployed more
       often: ``twins.demography.leaves_labour_force``); inactive adults come back,
       unemployed from the next month (spell 1, as if the spell update had run after):
       with a monthly hazard, or, graduates delaying their search
       (``separations.enter_after_study``), when their countdown in ``months_left``
       ends (the hazard is not drawn while it runs; every move in or out clears it).
    3. Unemployed rural-origin workers away from home (after step 2) return with a
       monthly ``hazard``.

    Each row's three steps depend on that row alone (its own draws, counter-based), so
    one pass over the rows (``month_rows``, in parallel) does all three and picks the
    rows with something to book: a retirement, a move in or out of the labour force, a
    return home. The bookings (``book_rows``: jobs, seats, regions, counts) follow in
    row order. They are integer counts and each row's own fields, the same whatever the
    order, so the result is that of the three steps one after the other over every row,
    which it replaced (three passes, 2.4 ms a month at 1,000,000 workers;
    BENCHMARKS.md)."""
    rows = parallel.picks(
        month_rows, status.shape[0], p, key_inactivity, key_migration, hazard, status, age,
        spell, tenure, months_left, seeking_appr, region, origin, rural,
        workers=status.shape[0],
    )  # fmt: skip
    book_rows(
        rows, status, employer, provider, programme, spell, months_left, region, origin,
        headcount, apprentices, enrolled, course_enrolled, mig_in, mig_out, flows,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def month_rows(
    lo, hi, p, key_inactivity, key_migration, hazard, status, age, spell, tenure, months_left,
    seeking_appr, region, origin, rural, picked,
):  # fmt: skip
    """Rows ``lo <= i < hi`` of ``age_leave_return``: each ages, its spell or tenure
    moves on; those with a retirement, a move or a return to book are picked
    (``parallel.picks``), each with its tag (``parallel.tagged``: ``RETIRES``,
    ``MOVES``, ``RETURNS``). Apart from its age, spell, tenure, search window and a
    delaying graduate's countdown (``months_left``), no row is changed here: who moves
    and who returns is decided by the status the row will have after the moves booked
    before (``book_rows``)."""
    c = lo
    for i in range(lo, hi):
        i = nonneg(i)  # (indices below are all >= 0: see scalar.nonneg)
        st = status[i]
        if st == Status.RETIRED:
            continue
        age[i] += 1
        a = age[i]  # (as stored)
        if a >= p.retirement_months:
            picked[nonneg(c)] = parallel.tagged(i, RETIRES)
            c += 1
            continue
        tag = 0
        unemployed = st == Status.UNEMPLOYED  # after step 2
        if st == Status.UNEMPLOYED:
            spell[i] += 1
            sp = spell[i]
            if seeking_appr[i] > 0:
                seeking_appr[i] -= 1
            hz = p.withdrawal_hazard
            if a >= p.inactive_age_months and sp >= 12:
                hz += p.inactivity_hazard
            if uniform(key_inactivity, i, 0) < hz:
                tag = MOVES
                unemployed = False
        elif st == Status.EMPLOYED:
            tenure[i] += 1
        elif st == Status.INACTIVE:
            left = months_left[i]  # a graduate's delayed search (separations.enter_after_study)
            if left > 1:
                months_left[i] = left - 1
            elif left == 1 or uniform(key_inactivity, i, 0) < p.reactivation_hazard:
                tag = MOVES
                unemployed = True
        away = unemployed and rural[i] != 0 and region[i] != origin[i]
        if away and uniform(key_migration, i, 0) < hazard:
            tag |= RETURNS
        if tag != 0:
            picked[nonneg(c)] = parallel.tagged(i, tag)
            c += 1
    return c - lo


@njit(cache=True)
def book_rows(
    rows, status, employer, provider, programme, spell, months_left, region, origin, headcount,
    apprentices, enrolled, course_enrolled, mig_in, mig_out, flows,
):  # fmt: skip
    """The picks of ``month_rows`` booked in row order. A retirement frees the job,
    apprenticeship or seat and leaves the row; a move takes an unemployed worker out of
    the labour force or brings an inactive one back (unemployed from the next month:
    spell 1, spells having moved on this month); a return moves the worker home, out of
    its region into its origin."""
    for t in range(rows.shape[0]):
        tag = parallel.pick_tag(rows[t])
        i = nonneg(parallel.pick_row(rows[t]))  # (indices below are all >= 0: see scalar.nonneg)
        if tag & RETIRES:
            st = status[i]
            if st == Status.EMPLOYED:
                headcount[nonneg(employer[i])] -= 1
            elif st == Status.APPRENTICE:
                apprentices[nonneg(employer[i])] -= 1
            elif st == Status.TRAINING:
                if programme[i] == Programme.TVET:
                    enrolled[nonneg(provider[i])] -= 1
                else:
                    course_enrolled[nonneg(provider[i])] -= 1
                programme[i] = Programme.NONE
            status[i] = Status.RETIRED
            employer[i] = -1
            provider[i] = -1
            flows[Flow.RETIREMENTS] += 1
        if tag & MOVES:
            if status[i] == Status.UNEMPLOYED:
                status[i] = Status.INACTIVE
                flows[Flow.TO_INACTIVE] += 1
            else:
                status[i] = Status.UNEMPLOYED
                spell[i] = 1
                flows[Flow.FROM_INACTIVE] += 1
            months_left[i] = 0  # (no countdown left: a programme's, a delayed search's)
        if tag & RETURNS:
            mig_out[nonneg(region[i])] += 1
            mig_in[nonneg(origin[i])] += 1
            region[i] = origin[i]
            flows[Flow.RETURN_MIGRATIONS] += 1


def enter_cohort(
    key,
    n_entrants,
    p,
    region_cum,
    region_rural_share,
    region_urban,
    home_cum,
    field_cum,
    profile,
    status,
    *arrays,
):
    """School leavers take free rows in row order: region by population share, rural
    origin by the region's share (a rural-origin leaver in an urban region gets a rural
    home region by population share, ``home_cum``, as initial workers do), ability, and
    skills drawn around their means: core and digital at their own, every technical
    domain at ``entrant_readiness`` times the requirement ``profile`` of the leaver's
    field, a sector drawn by the region's employment shares (``field_cum``, ``World``);
    every other field is reset. They choose a path next month. Returns the number who
    entered.

    The free rows are listed first (``cohort_rows``); each entrant's fields depend only
    on its row's draws, so the rows are filled in parallel (``enter_rows``). ``arrays``
    are ``enter_rows``'s after ``status``, then ``flows``."""
    *fields, flows = arrays
    rows = cohort_rows(status, n_entrants)
    parallel.run(
        enter_rows, rows.shape[0], rows, key, p, region_cum, region_rural_share, region_urban,
        home_cum, field_cum, profile, status, *fields, min_piece=ENTER_PIECE,
        workers=status.shape[0],
    )  # fmt: skip
    entered = rows.shape[0]
    flows[Flow.ENTRANTS] += entered
    flows[Flow.ENTRANTS_TURNED_AWAY] += n_entrants - entered
    return entered


ENTER_PIECE = 4096  # least entrants per piece of the parallel filling


@njit(cache=True, nogil=True)
def field_slot(n_domains):
    """An entrant's draw slot for its field: the first after its skills' normals (two
    slots each from slot 6)."""
    return 6 + 2 * n_domains


@njit(cache=True, nogil=True)
def cohort_rows(status, n_entrants):
    """The first ``n_entrants`` free (retired) rows, in row order: fewer if there are not
    that many."""
    rows = rows_with(status, Status.RETIRED)
    return rows[: lesser(greater(n_entrants, 0), rows.shape[0])]


@njit(cache=True, nogil=True)
def enter_rows(
    lo,
    hi,
    rows,
    key,
    p,
    region_cum,
    region_rural_share,
    region_urban,
    home_cum,
    field_cum,
    profile,
    status,
    age,
    region,
    origin,
    rural,
    education,
    ability,
    skills,
    employer,
    gap_under,
    gap_over,
    wage,
    tenure,
    spell,
    months_left,
    provider,
    programme,
    cert,
    appr_state,
    appr_firm,
    appr_duration,
    appr_entitlement,
    appr_advance,
    appr_net,
    retained,
    poached,
    seeking_appr,
    displaced,
    date_entry,
    date_first_job,
    date_appr_start,
    date_appr_end,
    date_displaced,
):
    """``enter_cohort``'s entrants ``rows[lo:hi]``. The rows are scattered over the table
    and each writes some thirty fields: from ``HINT_FROM_WORKERS`` rows up, the row
    ``AHEAD`` entrants on is hinted in the widest fields (``prefetch_row``), so that
    their cache lines are on their way before the writes."""
    n_regions = region_cum.shape[0]
    hinted = hi - AHEAD if status.shape[0] >= HINT_FROM_WORKERS else lo
    for j in range(lo, hi):
        j = nonneg(j)  # (indices below are all >= 0: see scalar.nonneg)
        if j < hinted:
            ahead = nonneg(rows[nonneg(j + AHEAD)])
            prefetch_row(skills, ahead)
            prefetch_row(ability, ahead)
            prefetch_row(employer, ahead)
            prefetch_row(gap_under, ahead)
            prefetch_row(gap_over, ahead)
            prefetch_row(wage, ahead)
            prefetch_row(appr_firm, ahead)
            prefetch_row(appr_entitlement, ahead)
            prefetch_row(appr_advance, ahead)
            prefetch_row(appr_net, ahead)
            prefetch_row(date_entry, ahead)
            prefetch_row(date_first_job, ahead)
            prefetch_row(date_appr_start, ahead)
            prefetch_row(date_appr_end, ahead)
            prefetch_row(date_displaced, ahead)
        i = nonneg(rows[j])
        u = uniform(key, i, 0)
        r = n_regions - 1
        for rr in range(n_regions):
            if u < region_cum[rr]:
                r = rr
                break
        status[i] = Status.LEAVER
        age[i] = p.entry_age_months + np.int64(12.0 * uniform(key, i, 1))
        region[i] = r
        origin[i] = r
        rural[i] = 1 if uniform(key, i, 2) < region_rural_share[r] else 0
        if rural[i] == 1 and region_urban[r] == 1 and home_cum[n_regions - 1] > 0.0:
            u = uniform(key, i, 3)  # a rural-origin leaver in a city: home county
            for rr in range(n_regions):
                if u < home_cum[rr]:
                    origin[i] = rr
                    break
        education[i] = Education.SECONDARY
        ability[i] = greater(1.0 + p.ability_sd * normal(key, i, 4), 0.2)
        n_domains = skills.shape[1]
        fields = field_cum[r]
        u = uniform(key, i, field_slot(n_domains))
        field = fields.shape[0] - 1
        for sec in range(fields.shape[0]):
            if u < fields[sec]:
                field = sec
                break
        for k in range(n_domains):
            level = p.entrant_readiness * profile[field, k]
            if k == 0:
                level = p.entrant_core
            elif k == 1:
                level = p.entrant_digital
            s = level + p.skill_noise_sd * normal(key, i, 6 + 2 * k)
            skills[i, k] = lesser(greater(s, 0.0), 1.0)
        employer[i] = -1
        gap_under[i] = 0.0
        gap_over[i] = 0.0
        wage[i] = 0.0
        tenure[i] = 0
        spell[i] = 0
        months_left[i] = 0
        provider[i] = -1
        programme[i] = Programme.NONE
        cert[i] = Cert.NONE
        appr_state[i] = ApprState.NEVER
        appr_firm[i] = -1
        appr_duration[i] = 0
        appr_entitlement[i] = 0.0
        appr_advance[i] = 0.0
        appr_net[i] = 0.0
        retained[i] = 0
        poached[i] = 0
        seeking_appr[i] = 0
        displaced[i] = 0
        date_entry[i] = math.nan
        date_first_job[i] = math.nan
        date_appr_start[i] = math.nan
        date_appr_end[i] = math.nan
        date_displaced[i] = math.nan


key_caches_on_sources(globals())  # last: every kernel above
