"""Demography: ageing, retirement, inactivity, return migration, school-leaver cohorts."""

import math

import numpy as np
from numba import njit

from simulation.kernels import key_caches_on_sources, parallel
from simulation.kernels.memory import AHEAD, HINT_FROM_WORKERS, prefetch_row, rows_with
from simulation.kernels.scalar import greater, lesser, nonneg
from simulation.rng import normal, uniform
from simulation.state import ApprState, Cert, Education, Flow, Programme, Status


def age_and_retire(
    p,
    status,
    age,
    employer,
    provider,
    programme,
    spell,
    tenure,
    seeking_appr,
    headcount,
    apprentices,
    enrolled,
    course_enrolled,
    flows,
):
    """Everyone ages a month; at retirement age a worker leaves (the row becomes free,
    an apprenticeship or programme in course ends with it); unemployment spells, tenure
    and the apprenticeship search window advance. Each worker's month is its own: the
    rows run in parallel (``age_rows``), the retirements, which free seats and jobs,
    are booked after in row order (``retire``)."""
    rows = parallel.picks(
        age_rows, status.shape[0], p, status, age, spell, tenure, seeking_appr,
        workers=status.shape[0],
    )  # fmt: skip
    retire(
        rows, status, employer, provider, programme, headcount, apprentices, enrolled,
        course_enrolled, flows,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def age_rows(lo, hi, p, status, age, spell, tenure, seeking_appr, picked):
    """Rows ``lo <= i < hi`` of ``age_and_retire``: the month of those who stay; those
    who reach retirement age are picked (``parallel.picks``)."""
    c = lo
    for i in range(lo, hi):
        i = nonneg(i)  # (indices below are all >= 0: see scalar.nonneg)
        st = status[i]
        if st == Status.RETIRED:
            continue
        age[i] += 1
        if age[i] >= p.retirement_months:
            picked[nonneg(c)] = i
            c += 1
        elif st == Status.UNEMPLOYED:
            spell[i] += 1
            if seeking_appr[i] > 0:
                seeking_appr[i] -= 1
        elif st == Status.EMPLOYED:
            tenure[i] += 1
    return c - lo


@njit(cache=True)
def retire(
    rows, status, employer, provider, programme, headcount, apprentices, enrolled,
    course_enrolled, flows,
):  # fmt: skip
    """The retirements ``rows``: the job, apprenticeship or seat freed, the row left."""
    for t in range(rows.shape[0]):
        i = nonneg(rows[t])  # (indices below are all >= 0: see scalar.nonneg)
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


def inactivity(key, p, status, age, spell, flows):
    """The unemployed leave the labour force (the older long-term unemployed more often:
    ``twins.demography.leaves_labour_force``); inactive adults come back, unemployed
    from the next month (spell 1, as if the spell update had run after).
    Who moves is drawn in parallel (``inactivity_draws``), the moves are made in row
    order (``move``)."""
    rows = parallel.picks(
        inactivity_draws, status.shape[0], key, p, status, age, spell, workers=status.shape[0]
    )
    move(rows, status, spell, flows)


@njit(cache=True, nogil=True)
def inactivity_draws(lo, hi, key, p, status, age, spell, picked):
    """Rows ``lo <= i < hi`` of the workers who leave or rejoin the labour force."""
    c = lo
    for i in range(lo, hi):
        i = nonneg(i)  # (indices below are all >= 0: see scalar.nonneg)
        st = status[i]
        if st == Status.UNEMPLOYED:
            hazard = p.withdrawal_hazard
            if age[i] >= p.inactive_age_months and spell[i] >= 12:
                hazard += p.inactivity_hazard
            if uniform(key, i, 0) < hazard:
                picked[nonneg(c)] = i
                c += 1
        elif st == Status.INACTIVE and uniform(key, i, 0) < p.reactivation_hazard:
            picked[nonneg(c)] = i
            c += 1
    return c - lo


@njit(cache=True)
def move(rows, status, spell, flows):
    """``inactivity``'s moves (``rows``): the unemployed picked become inactive, the
    inactive picked unemployed."""
    for t in range(rows.shape[0]):
        i = nonneg(rows[t])  # (indices below are all >= 0: see scalar.nonneg)
        if status[i] == Status.UNEMPLOYED:
            status[i] = Status.INACTIVE
            flows[Flow.TO_INACTIVE] += 1
        else:
            status[i] = Status.UNEMPLOYED
            spell[i] = 1  # spells already moved on this month: unemployed from the next
            flows[Flow.FROM_INACTIVE] += 1


def return_migration(key, hazard, status, region, origin, rural, mig_in, mig_out, flows):
    """Unemployed rural-origin workers away from home return with a monthly hazard. Who
    returns is drawn in parallel (``return_draws``), the moves are booked in row order
    (``go_home``)."""
    rows = parallel.picks(
        return_draws, status.shape[0], key, hazard, status, region, origin, rural,
        workers=status.shape[0],
    )  # fmt: skip
    go_home(rows, region, origin, mig_in, mig_out, flows)


@njit(cache=True, nogil=True)
def return_draws(lo, hi, key, hazard, status, region, origin, rural, picked):
    """Rows ``lo <= i < hi`` of the workers who return home (``parallel.picks``)."""
    c = lo
    for i in range(lo, hi):
        i = nonneg(i)  # (indices below are all >= 0: see scalar.nonneg)
        if status[i] != Status.UNEMPLOYED or rural[i] == 0 or region[i] == origin[i]:
            continue
        if uniform(key, i, 0) < hazard:
            picked[nonneg(c)] = i
            c += 1
    return c - lo


@njit(cache=True)
def go_home(rows, region, origin, mig_in, mig_out, flows):
    """The returns ``rows`` booked: out of the region, into the origin."""
    for t in range(rows.shape[0]):
        i = nonneg(rows[t])  # (indices below are all >= 0: see scalar.nonneg)
        mig_out[nonneg(region[i])] += 1
        mig_in[nonneg(origin[i])] += 1
        region[i] = origin[i]
        flows[Flow.RETURN_MIGRATIONS] += 1


def enter_cohort(
    key, n_entrants, p, region_cum, region_rural_share, region_urban, home_cum, status, *arrays
):
    """School leavers take free rows in row order: region by population share, rural
    origin by the region's share (a rural-origin leaver in an urban region gets a rural
    home region by population share, ``home_cum``, as initial workers do), ability and
    skills drawn around their means (core, digital, then every technical domain); every
    other field is reset. They choose a path next month. Returns the number who entered.

    The free rows are listed first (``cohort_rows``); each entrant's fields depend only
    on its row's draws, so the rows are filled in parallel (``enter_rows``). ``arrays``
    are ``enter_rows``'s after ``status``, then ``flows``."""
    *fields, flows = arrays
    rows = cohort_rows(status, n_entrants)
    parallel.run(
        enter_rows, rows.shape[0], rows, key, p, region_cum, region_rural_share, region_urban,
        home_cum, status, *fields, min_piece=ENTER_PIECE, workers=status.shape[0],
    )  # fmt: skip
    entered = rows.shape[0]
    flows[Flow.ENTRANTS] += entered
    flows[Flow.ENTRANTS_TURNED_AWAY] += n_entrants - entered
    return entered


ENTER_PIECE = 4096  # least entrants per piece of the parallel filling


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
        for k in range(skills.shape[1]):
            level = p.entrant_technical
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
