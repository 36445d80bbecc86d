"""Demography: ageing, retirement, inactivity, return migration, school-leaver cohorts."""

import math

import numpy as np
from numba import njit

from simulation.kernels.scalar import greater, lesser
from simulation.rng import normal, uniform
from simulation.state import ApprState, Cert, Education, Flow, Programme, Status


@njit(cache=True)
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
    and the apprenticeship search window advance."""
    for i in range(status.shape[0]):
        st = status[i]
        if st == Status.RETIRED:
            continue
        age[i] += 1
        if age[i] >= p.retirement_months:
            if st == Status.EMPLOYED:
                headcount[employer[i]] -= 1
            elif st == Status.APPRENTICE:
                apprentices[employer[i]] -= 1
            elif st == Status.TRAINING:
                if programme[i] == Programme.TVET:
                    enrolled[provider[i]] -= 1
                else:
                    course_enrolled[provider[i]] -= 1
                programme[i] = Programme.NONE
            status[i] = Status.RETIRED
            employer[i] = -1
            provider[i] = -1
            flows[Flow.RETIREMENTS] += 1
            continue
        if st == Status.UNEMPLOYED:
            spell[i] += 1
            if seeking_appr[i] > 0:
                seeking_appr[i] -= 1
        elif st == Status.EMPLOYED:
            tenure[i] += 1


@njit(cache=True)
def inactivity(key, p, status, age, spell, flows):
    """Older long-term unemployed leave the labour force; inactive adults come back,
    unemployed from the next month (spell 1, as if the spell update had run after)."""
    for i in range(status.shape[0]):
        st = status[i]
        if st == Status.UNEMPLOYED:
            long_term = age[i] >= p.inactive_age_months and spell[i] >= 12
            if long_term and uniform(key, i, 0) < p.inactivity_hazard:
                status[i] = Status.INACTIVE
                flows[Flow.TO_INACTIVE] += 1
        elif st == Status.INACTIVE and uniform(key, i, 0) < p.reactivation_hazard:
            status[i] = Status.UNEMPLOYED
            spell[i] = 1  # spells already moved on this month: unemployed from the next
            flows[Flow.FROM_INACTIVE] += 1


@njit(cache=True)
def return_migration(key, hazard, status, region, origin, rural, mig_in, mig_out, flows):
    """Unemployed rural-origin workers away from home return with a monthly hazard."""
    for i in range(status.shape[0]):
        if status[i] != Status.UNEMPLOYED or rural[i] == 0 or region[i] == origin[i]:
            continue
        if uniform(key, i, 0) < hazard:
            mig_out[region[i]] += 1
            mig_in[origin[i]] += 1
            region[i] = origin[i]
            flows[Flow.RETURN_MIGRATIONS] += 1


@njit(cache=True)
def enter_cohort(
    key,
    n_entrants,
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
    retained,
    poached,
    seeking_appr,
    displaced,
    date_entry,
    date_first_job,
    date_appr_start,
    date_appr_end,
    date_displaced,
    flows,
):
    """School leavers take free rows in row order: region by population share, rural
    origin by the region's share (a rural-origin leaver in an urban region gets a rural
    home region by population share, ``home_cum``, as initial workers do), ability and skills drawn around their means (core,
    digital, then every technical domain); every other field is reset. They choose a
    path next month. Returns the number who entered."""
    entered = 0
    n_regions = region_cum.shape[0]
    for i in range(status.shape[0]):
        if entered >= n_entrants:
            break
        if status[i] != Status.RETIRED:
            continue
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
        retained[i] = 0
        poached[i] = 0
        seeking_appr[i] = 0
        displaced[i] = 0
        date_entry[i] = math.nan
        date_first_job[i] = math.nan
        date_appr_start[i] = math.nan
        date_appr_end[i] = math.nan
        date_displaced[i] = math.nan
        entered += 1
    flows[Flow.ENTRANTS] += entered
    flows[Flow.ENTRANTS_TURNED_AWAY] += n_entrants - entered
    return entered
