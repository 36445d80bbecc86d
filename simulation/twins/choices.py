"""Twin of ``simulation.kernels.choices``: school leavers' paths and adults' courses."""

from __future__ import annotations

import math

from simulation.rng import py_uniform
from simulation.state import Choice, Programme, Status
from simulation.twins.training import nearest_open_provider

APPR = int(Choice.APPRENTICESHIP)
TVET = int(Choice.TVET)
SEARCH = int(Choice.SEARCH)
TERTIARY = int(Choice.TERTIARY)


def tertiary_probability(p, ability, rural) -> float:
    """The chance that a school leaver enters tertiary study: a logistic in the solved
    constant, ability and rural origin, whatever the labour market (ODD 7.5)."""
    x = p.logit_scale * (
        p.tertiary_constant + p.ability_weight * (ability - 1.0) - p.rural_tertiary_penalty * rural
    )
    try:
        e = math.exp(-x)
    except OverflowError:  # the kernel's exp gives inf, and the chance 0
        e = math.inf
    return 1.0 / (1.0 + e)


def path_utilities(p, slot_ratio, tvet_relevance, tvet_cost):
    """Utility of each labour-market path (apprenticeship, TVET, search: Choice order);
    the TVET entry is None without a free seat.

    Apprenticeship: appeal plus slot availability; search: 0; TVET: appeal, relevance
    and travel cost of the nearest provider with a free seat.
    """
    u = [0.0] * 3
    u[APPR] = p.appr_appeal + p.availability_weight * min(slot_ratio, 1.0)
    u[SEARCH] = 0.0
    u[TVET] = None
    if tvet_relevance is not None:
        u[TVET] = (
            p.tvet_appeal + p.relevance_weight * tvet_relevance - p.distance_penalty * tvet_cost
        )
    return u


def pick_path(logit_scale, u, draw) -> int:
    """Multinomial logit choice with a uniform ``draw``: the first path whose cumulative
    weight exceeds ``draw`` times the total weight (search if rounding runs past). The
    weights are taken against the largest utility, so that none overflows."""
    top = max(v for v in u if v is not None)
    weights = [math.exp(logit_scale * (v - top)) if v is not None else None for v in u]
    total = 0.0
    for w in weights:
        if w is not None:
            total += w
    x = draw * total
    acc = 0.0
    for c, w in enumerate(weights):
        if w is None:
            continue
        acc += w
        if x < acc:
            return c
    return SEARCH


def studies(p, key, row, ability, rural) -> bool:
    """Whether a school leaver enters tertiary study (the first draw)."""
    return py_uniform(key, row, 0) < tertiary_probability(p, ability, rural)


def labour_market_path(p, key, row, slot_ratio, tvet_relevance, tvet_cost) -> int:
    """The path of a school leaver who does not study (the second draw)."""
    u = path_utilities(p, slot_ratio, tvet_relevance, tvet_cost)
    return pick_path(p.logit_scale, u, py_uniform(key, row, 1))


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
    k = int(key)
    for i in range(status.shape[0]):
        if status[i] != Status.LEAVER:
            continue
        if studies(p, k, i, float(ability[i]), int(rural[i])):
            choice = TERTIARY
        else:
            best, cost = nearest_open_provider(
                region[i], travel_train, prov_region, seats, enrolled
            )
            tvet_relevance = float(relevance[best]) if best >= 0 else None
            choice = labour_market_path(p, k, i, slot_ratio, tvet_relevance, cost)
        counts[choice] += 1
        if choice == APPR:  # search for a slot for a while
            status[i] = Status.UNEMPLOYED
            seeking_appr[i] = p.seek_months
            date_entry[i] = month
            spell[i] = 0
        elif choice == SEARCH:
            status[i] = Status.UNEMPLOYED
            date_entry[i] = month
            spell[i] = 0
        elif choice == TVET:  # seats are taken in row order
            status[i] = Status.TRAINING
            programme[i] = Programme.TVET
            provider[i] = best
            months_left[i] = p.tvet_months
            enrolled[best] += 1
        else:
            status[i] = Status.STUDENT
            months_left[i] = p.tertiary_months


def voucher_eligible(p, age: int, rural_region: bool, displaced: int) -> bool:
    """Whether an unemployed adult belongs to a group the vouchers target."""
    return (
        (p.target_youth and age < p.youth_age_months)
        or (p.target_rural and rural_region)
        or (p.target_displaced and displaced == 1)
    )


def course_probability(p, voucher: bool, travel_cost: float) -> float:
    """Monthly chance of enrolling: base rate, raised by a voucher, cut by travel cost."""
    return p.base_rate * (1.0 + (p.voucher_boost if voucher else 0.0)) * (1.0 - travel_cost)


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
    """Unemployed adults past the minimum spell, not seeking a slot, enrol in a course at
    the nearest provider with a free course seat, with a probability raised by a voucher
    and cut by travel cost. Returns (enrolments, of which with a voucher)."""
    k = int(key)
    enrolments = 0
    vouchers = 0
    for i in range(status.shape[0]):
        if status[i] != Status.UNEMPLOYED or seeking_appr[i] > 0:
            continue
        if spell[i] < p.min_spell or age[i] < p.adult_age_months:
            continue
        eligible = voucher_eligible(p, int(age[i]), region_urban[region[i]] == 0, int(displaced[i]))
        voucher = bool(eligible) and p.voucher_value > 0.0
        best, cost = nearest_open_provider(
            region[i], travel_train, prov_region, course_seats, course_enrolled
        )
        if best < 0:
            continue
        if py_uniform(k, i, 0) < course_probability(p, voucher, cost):
            status[i] = Status.TRAINING
            programme[i] = Programme.VOUCHER_COURSE if voucher else Programme.COURSE
            provider[i] = best
            months_left[i] = p.course_months
            course_enrolled[best] += 1
            enrolments += 1
            vouchers += int(voucher)
    return enrolments, vouchers
