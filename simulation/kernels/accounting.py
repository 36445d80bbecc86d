"""Accounting: wages and the monthly cost of public programmes."""

import numpy as np
from numba import njit

from simulation.kernels import key_caches_on_sources, parallel
from simulation.kernels.scalar import greater, lesser, nonneg
from simulation.state import Cert, Spend, Status


def set_wages(p, status, *arrays):
    """Wages: the regional wage level times firm productivity, scaled by match quality
    above a floor share, with tenure and certificate premia, never below the minimum
    wage. Apprentices get their wage share of the skilled wage, or the apprentice wage
    floor. Each worker's wage is its own: the rows run in parallel (``parallel.run``);
    ``arrays`` are ``set_wage_rows``'s after ``status``."""
    parallel.run(set_wage_rows, status.shape[0], p, status, *arrays, workers=status.shape[0])


@njit(cache=True, nogil=True)
def set_wage_rows(
    lo, hi, p, status, employer, region, gap_under, tenure, cert, productivity, wage_level,
    min_wage, wage,
):  # fmt: skip
    """``set_wages`` for the workers in rows ``lo <= i < hi``."""
    for i in range(lo, hi):
        i = nonneg(i)  # (indices below are all >= 0: see scalar.nonneg)
        st = status[i]
        if st == Status.EMPLOYED:
            f = nonneg(employer[i])
            r = nonneg(region[i])
            w = wage_level[r] * productivity[f]
            w *= p.wage_floor_share + (1.0 - p.wage_floor_share) * (1.0 - gap_under[i])
            w *= 1.0 + p.tenure_premium * lesser(tenure[i], 120) / 120.0
            if cert[i] >= Cert.APPRENTICESHIP:
                w *= 1.0 + p.certification_premium
            wage[i] = greater(w, min_wage[r])
        elif st == Status.APPRENTICE:
            f = nonneg(employer[i])
            r = nonneg(region[i])
            skilled = wage_level[r] * productivity[f]
            wage[i] = greater(p.appr_wage_share * skilled, p.appr_wage_floor_share * min_wage[r])
        else:
            wage[i] = 0.0


@njit(cache=True)
def programme_costs(
    p, prov_region, region_urban, base_seats, base_course_seats, seats, course_seats, enrolled,
    course_enrolled, apprentices, spend,
):  # fmt: skip
    """Running costs of this month: the capacity the rural access policy adds in rural
    regions at the rural seat cost (whether or not it is used); every other occupied
    seat (TVET and courses) at the seat cost; the public share of the apprentices' time
    off the job at their firms' partner providers, as seats (``appr_seat_cost`` each, 0
    as shipped; the firms' counters, a firm that exits this month's included: its
    apprentices learn until phase 8 dissolves their contracts); the anticipation system,
    core-skills and green curricula (the city's costs, ``params.CostParams``). The
    policy's seats are a provider's last ones: those occupied beyond its other seats
    (``seats`` minus the policy's) are paid for once, by the policy, not again as
    occupied seats."""
    if p.appr_seat_cost > 0.0:
        learning = 0
        for f in range(apprentices.shape[0]):
            learning += apprentices[f]
        spend[Spend.SEATS] += learning * p.appr_seat_cost
    n_providers = prov_region.shape[0]
    for q in range(n_providers):
        occupied = enrolled[q] + course_enrolled[q]
        if region_urban[prov_region[q]] == 0:
            extra = np.int64(base_seats[q] * p.capacity_multiplier * p.rural_policy_extra + 0.5)
            extra_c = np.int64(base_course_seats[q] * p.rural_policy_extra + 0.5)
            spend[Spend.RURAL_ACCESS] += (extra + extra_c) * p.rural_seat_cost
            occupied -= lesser(greater(enrolled[q] - (seats[q] - extra), 0), extra)
            occupied -= lesser(
                greater(course_enrolled[q] - (course_seats[q] - extra_c), 0), extra_c
            )
        spend[Spend.SEATS] += occupied * p.seat_cost
    spend[Spend.ANTICIPATION] += p.anticipation_cost
    spend[Spend.CORE_SKILLS] += p.core_cost
    spend[Spend.GREEN_CURRICULA] += p.green_cost


key_caches_on_sources(globals())  # last: every kernel above
