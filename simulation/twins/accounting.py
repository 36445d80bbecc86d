"""Twin of ``simulation.kernels.accounting``: wages and programme costs."""

from __future__ import annotations

from simulation.state import Cert, Spend, Status


def employee_wage(p, skilled_wage, gap_under, tenure, cert, min_wage) -> float:
    """Wage of an employee: the skilled wage (regional level x firm productivity) scaled
    by match quality above the floor share, a tenure premium over ten years and a
    certificate premium, at least the minimum wage."""
    w = skilled_wage
    w *= p.wage_floor_share + (1.0 - p.wage_floor_share) * (1.0 - gap_under)
    w *= 1.0 + p.tenure_premium * min(tenure, 120) / 120.0
    if cert >= Cert.APPRENTICESHIP:
        w *= 1.0 + p.certification_premium
    return max(w, min_wage)


def apprentice_wage(p, skilled_wage, min_wage) -> float:
    """Wage share of the skilled wage, or the apprentice floor share of the minimum wage."""
    return max(p.appr_wage_share * skilled_wage, p.appr_wage_floor_share * min_wage)


def set_wages(
    p, status, employer, region, gap_under, tenure, cert, productivity, wage_level, min_wage, wage
):
    for i in range(status.shape[0]):
        st = status[i]
        if st == Status.EMPLOYED or st == Status.APPRENTICE:
            r = int(region[i])
            skilled = float(wage_level[r]) * float(productivity[employer[i]])
            if st == Status.EMPLOYED:
                wage[i] = employee_wage(
                    p,
                    skilled,
                    float(gap_under[i]),
                    int(tenure[i]),
                    int(cert[i]),
                    float(min_wage[r]),
                )
            else:
                wage[i] = apprentice_wage(p, skilled, float(min_wage[r]))
        else:
            wage[i] = 0.0


def programme_costs(
    p,
    prov_region,
    region_urban,
    base_seats,
    base_course_seats,
    seats,
    course_seats,
    enrolled,
    course_enrolled,
    apprentices,
    spend,
):
    """This month's public running costs: the TVET and course capacity the rural access
    policy adds in rural regions at the rural seat cost, used or not; every other
    occupied seat (TVET and courses) at the seat cost; the public share of the
    apprentices' time off the job, as seats (every firm's counter: one that exits this
    month still has its apprentices learning); the anticipation system,
    core-skills and green curricula (the city's costs, ``params.CostParams``)."""
    if p.appr_seat_cost > 0.0:
        spend[Spend.SEATS] += int(apprentices.sum()) * p.appr_seat_cost
    n_providers = prov_region.shape[0]
    for q in range(n_providers):
        occupied, rural = provider_running_costs(
            p,
            region_urban[prov_region[q]] == 0,
            int(base_seats[q]),
            int(base_course_seats[q]),
            int(seats[q]),
            int(course_seats[q]),
            int(enrolled[q]),
            int(course_enrolled[q]),
        )
        if rural is not None:
            spend[Spend.RURAL_ACCESS] += rural
        spend[Spend.SEATS] += occupied
    spend[Spend.ANTICIPATION] += p.anticipation_cost
    spend[Spend.CORE_SKILLS] += p.core_cost
    spend[Spend.GREEN_CURRICULA] += p.green_cost


def provider_running_costs(
    p, rural, base_seats, base_course_seats, seats, course_seats, enrolled, course_enrolled
):
    """(Cost of a provider's occupied seats, cost of the capacity the rural access policy
    adds to it: None for an urban provider), yuan this month. The policy's seats are the
    provider's last ones (of ``seats`` and ``course_seats``, this month's): the occupied
    ones among them are paid for by the policy, not again as occupied seats."""
    occupied = enrolled + course_enrolled
    if not rural:
        return occupied * p.seat_cost, None
    extra = int(base_seats * p.capacity_multiplier * p.rural_policy_extra + 0.5)
    extra_c = int(base_course_seats * p.rural_policy_extra + 0.5)
    occupied -= min(max(enrolled - (seats - extra), 0), extra)
    occupied -= min(max(course_enrolled - (course_seats - extra_c), 0), extra_c)
    return occupied * p.seat_cost, (extra + extra_c) * p.rural_seat_cost
