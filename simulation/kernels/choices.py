"""Education and training choices: school leavers' paths, adults' lifelong learning."""

import math

import numpy as np
from numba import njit

from simulation.kernels import key_caches_on_sources
from simulation.kernels.memory import AHEAD, HINT_FROM_WORKERS, prefetch_row, rows_with
from simulation.kernels.scalar import lesser, nonneg
from simulation.kernels.training import nearest_open_provider
from simulation.rng import uniform
from simulation.state import Choice, Programme, Status

APPR = int(Choice.APPRENTICESHIP)
TVET = int(Choice.TVET)
SEARCH = int(Choice.SEARCH)
TERTIARY = int(Choice.TERTIARY)


@njit(cache=True)
def school_leaver_choices(
    key,
    month,
    p,
    slot_ratio,
    status,
    region,
    rural,
    ability,
    date_entry,
    programme,
    provider,
    months_left,
    seeking_appr,
    spell,
    prov_region,
    seats,
    enrolled,
    relevance,
    travel_train,
    counts,
):
    """Each school leaver enters tertiary study or the labour market in two stages.

    Tertiary study first, with probability ``sigmoid(logit_scale * x)``, ``x`` the
    solved constant for the cohort's tertiary entry share (``params.tertiary_constant``)
    plus ability and less a rural-origin penalty: a track set by examinations and
    admission quotas years before, so it does not answer to the labour market the
    leaver meets (ODD 7.5). The others take apprenticeship search, TVET or direct search
    by a multinomial logit over slot availability, the relevance and distance of the
    nearest provider with a free seat, and tastes, with a second draw. Seats are taken
    in row order. ``counts`` gets the number choosing each path (Choice order). The
    school leavers are listed first (``rows_with``, in row order: a city's ten million
    status bytes compared eight at a time, not one by one with a branch each)."""
    u = np.empty(3)
    u[:] = 0.0
    rows = rows_with(status, Status.LEAVER)
    for j in range(rows.shape[0]):
        i = nonneg(rows[j])  # (indices below are all >= 0: see scalar.nonneg)
        x = p.logit_scale * (
            p.tertiary_constant
            + p.ability_weight * (ability[i] - 1.0)
            - p.rural_tertiary_penalty * rural[i]
        )
        if uniform(key, i, 0) < 1.0 / (1.0 + math.exp(-x)):  # exp(inf) is inf here: 0
            counts[TERTIARY] += 1
            status[i] = Status.STUDENT
            months_left[i] = p.tertiary_months
            continue
        best, cost = nearest_open_provider(region[i], travel_train, prov_region, seats, enrolled)
        u[APPR] = p.appr_appeal + p.availability_weight * lesser(slot_ratio, 1.0)
        u[SEARCH] = 0.0
        if best >= 0:
            u[TVET] = (
                p.tvet_appeal + p.relevance_weight * relevance[best] - p.distance_penalty * cost
            )
        top = u[SEARCH]  # weights against the largest utility: no exp overflows
        for c in range(3):
            if (c != TVET or best >= 0) and u[c] > top:
                top = u[c]
        total = 0.0
        for c in range(3):
            if c == TVET and best < 0:
                continue
            total += math.exp(p.logit_scale * (u[c] - top))
        draw = uniform(key, i, 1) * total
        choice = SEARCH
        acc = 0.0
        for c in range(3):
            if c == TVET and best < 0:
                continue
            acc += math.exp(p.logit_scale * (u[c] - top))
            if draw < acc:
                choice = c
                break
        counts[choice] += 1
        if choice == APPR:
            status[i] = Status.UNEMPLOYED
            seeking_appr[i] = p.seek_months
            date_entry[i] = month
            spell[i] = 0
        elif choice == SEARCH:
            status[i] = Status.UNEMPLOYED
            date_entry[i] = month
            spell[i] = 0
        else:
            status[i] = Status.TRAINING
            programme[i] = Programme.TVET
            provider[i] = best
            months_left[i] = p.tvet_months
            enrolled[best] += 1


@njit(cache=True)
def enrol_courses(
    key,
    p,
    status,
    age,
    region,
    spell,
    seeking_appr,
    displaced,
    region_urban,
    programme,
    provider,
    months_left,
    prov_region,
    course_seats,
    course_enrolled,
    travel_train,
):
    """Unemployed adults past the minimum spell enrol in a lifelong-learning course with a
    probability raised by vouchers for targeted groups and lowered by travel cost to the
    nearest provider with a free course seat. Returns (enrolments, of which with a voucher).

    The unemployed are listed first (``rows_with``), in row order. The nearest open
    provider depends only on the home region and on which providers have a free seat, so
    it is kept for every region (``nearest_open_provider``'s answers) and looked up again
    only when an enrolment takes a provider's last seat: the same answers as asking for
    every worker, without a loop over the providers for each."""
    enrolments = 0
    vouchers = 0
    n_regions = travel_train.shape[0]
    best_of = np.empty(n_regions, dtype=np.int64)
    cost_of = np.empty(n_regions)
    stale = True  # (the regions' answers to be asked for before they are read)
    rows = rows_with(status, Status.UNEMPLOYED)  # (in row order: seats taken in that order)
    hint = status.shape[0] >= HINT_FROM_WORKERS
    for j in range(rows.shape[0]):
        if hint and j + AHEAD < rows.shape[0]:  # the unemployed are rows far apart
            ahead = nonneg(rows[j + AHEAD])
            prefetch_row(seeking_appr, ahead)
            prefetch_row(spell, ahead)
            prefetch_row(age, ahead)
            prefetch_row(region, ahead)
        i = nonneg(rows[j])  # (indices below are all >= 0: see scalar.nonneg)
        if seeking_appr[i] > 0 or spell[i] < p.min_spell or age[i] < p.adult_age_months:
            continue
        if stale:
            for r in range(n_regions):
                best_of[r], cost_of[r] = nearest_open_provider(
                    r, travel_train, prov_region, course_seats, course_enrolled
                )
            stale = False
        home = nonneg(region[i])
        eligible = (
            (p.target_youth and age[i] < p.youth_age_months)
            or (p.target_rural and region_urban[home] == 0)
            or (p.target_displaced and displaced[i] == 1)
        )
        voucher = eligible and p.voucher_value > 0.0
        best = best_of[home]
        cost = cost_of[home]
        if best < 0:
            continue
        prob = p.base_rate * (1.0 + (p.voucher_boost if voucher else 0.0)) * (1.0 - cost)
        if uniform(key, i, 0) < prob:
            status[i] = Status.TRAINING
            programme[i] = Programme.VOUCHER_COURSE if voucher else Programme.COURSE
            provider[i] = best
            months_left[i] = p.course_months
            course_enrolled[best] += 1
            enrolments += 1
            vouchers += voucher
            stale = course_enrolled[best] >= course_seats[best]  # its last seat: ask again
    return enrolments, vouchers


key_caches_on_sources(globals())  # last: every kernel above
