"""Twin of ``simulation.kernels.demography``: ageing, retirement, inactivity, return
migration, school-leaver cohorts."""

from __future__ import annotations

import math

from simulation.rng import py_normal, py_uniform
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
    """Everyone ages a month; at retirement age a worker leaves its job, apprenticeship,
    TVET programme (a TVET seat) or course (a course seat) and its row becomes free;
    otherwise unemployment spells and the slot-search window (unemployed) or tenure
    (employed) advance."""
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


def inactivity(key, p, status, age, spell, months_left, flows):
    """The unemployed leave the labour force with a monthly hazard, higher for the older
    unemployed with a spell of a year or more (``leaves_labour_force``); the inactive
    come back with another, unemployed from the next month (spell 1: spells have
    already moved on this month). A graduate delaying its search
    (``separations.enter_after_study``) comes back when its countdown in
    ``months_left`` ends instead (no draw while it runs). A move either way clears
    ``months_left``."""
    k = int(key)
    for i in range(status.shape[0]):
        st = status[i]
        if st == Status.UNEMPLOYED:
            if leaves_labour_force(p, int(age[i]), int(spell[i]), py_uniform(k, i, 0)):
                status[i] = Status.INACTIVE
                months_left[i] = 0
                flows[Flow.TO_INACTIVE] += 1
        elif st == Status.INACTIVE:
            if months_left[i] > 1:
                months_left[i] -= 1
                continue
            if months_left[i] == 1 or py_uniform(k, i, 0) < p.reactivation_hazard:
                status[i] = Status.UNEMPLOYED
                spell[i] = 1
                months_left[i] = 0
                flows[Flow.FROM_INACTIVE] += 1


def return_migration(key, hazard, status, region, origin, rural, mig_in, mig_out, flows):
    """Unemployed rural-origin workers away from their home region return home with a
    monthly ``hazard``."""
    k = int(key)
    for i in range(status.shape[0]):
        if status[i] != Status.UNEMPLOYED:
            continue
        if returns_home(int(rural[i]), int(region[i]), int(origin[i]), hazard, py_uniform(k, i, 0)):
            mig_out[region[i]] += 1
            mig_in[origin[i]] += 1
            region[i] = origin[i]
            flows[Flow.RETURN_MIGRATIONS] += 1


def age_leave_return(
    p, key_inactivity, key_migration, hazard, status, age, employer, provider, programme,
    spell, tenure, months_left, seeking_appr, region, origin, rural, headcount, apprentices,
    enrolled, course_enrolled, mig_in, mig_out, flows,
):  # fmt: skip
    """The workers' month of demography: ageing and retirement, then inactivity, then
    return migration, each over every row (the kernel does the three in one pass)."""
    age_and_retire(
        p, status, age, employer, provider, programme, spell, tenure, seeking_appr, headcount,
        apprentices, enrolled, course_enrolled, flows,
    )  # fmt: skip
    inactivity(key_inactivity, p, status, age, spell, months_left, flows)
    return_migration(key_migration, hazard, status, region, origin, rural, mig_in, mig_out, flows)


def pick_region(u: float, region_cum) -> int:
    """First region whose cumulative population share exceeds ``u`` (the last if none);
    likewise a sector of a region's cumulative employment shares."""
    n_regions = len(region_cum)
    for r in range(n_regions):
        if u < float(region_cum[r]):
            return r
    return n_regions - 1


def entrant_skill_level(p, k: int, field_profile) -> float:
    """Mean skill of a school leaver in domain ``k``: core, digital, or technical (the
    leaver's readiness times its field's requirement, ``field_profile``)."""
    if k == 0:
        return p.entrant_core
    if k == 1:
        return p.entrant_digital
    return p.entrant_readiness * float(field_profile[k])


def entrant_draws(
    k, i, p, region_cum, region_rural_share, region_urban, home_cum, field_cum, profile, n_domains
):
    """A school leaver on row ``i`` (draws under stream key ``k``): (age, region, home
    region, rural origin, learning ability, skills). A rural-origin leaver in an urban
    region gets a rural home region by population share (``home_cum``: cumulative shares
    of rural regions, flat over urban ones). Its field is a sector drawn by the region's
    employment shares (``field_cum``), whose requirement ``profile`` sets its technical
    skills."""
    r = pick_region(py_uniform(k, i, 0), region_cum)
    age = p.entry_age_months + int(12.0 * py_uniform(k, i, 1))
    origin = r
    rural = 1 if py_uniform(k, i, 2) < float(region_rural_share[r]) else 0
    if rural == 1 and region_urban[r] == 1 and float(home_cum[-1]) > 0.0:
        origin = pick_region(py_uniform(k, i, 3), home_cum)
    ability = max(1.0 + p.ability_sd * py_normal(k, i, 4), 0.2)
    field = pick_region(py_uniform(k, i, 6 + 2 * n_domains), field_cum[r])
    skills = []
    for d in range(n_domains):
        s = entrant_skill_level(p, d, profile[field]) + p.skill_noise_sd * py_normal(
            k, i, 6 + 2 * d
        )
        skills.append(min(max(s, 0.0), 1.0))
    return age, r, origin, rural, ability, skills


def leaves_labour_force(p, age, spell, u) -> bool:
    """Whether an unemployed worker becomes inactive (``u`` its uniform draw): any of
    them with ``withdrawal_hazard`` a month, the older unemployed a year or more with
    ``inactivity_hazard`` on top."""
    hazard = p.withdrawal_hazard
    if age >= p.inactive_age_months and spell >= 12:
        hazard += p.inactivity_hazard
    return u < hazard


def returns_home(rural, region, origin, hazard, u) -> bool:
    """Whether an unemployed rural-origin worker away from home returns (``u`` its
    uniform draw)."""
    return rural == 1 and region != origin and u < hazard


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
    flows,
):
    """School leavers take free (retired) rows in row order, every field reset; those who
    find no free row are turned away. A rural-origin leaver in an urban region gets a
    rural home region by population share (``home_cum``: cumulative shares of rural
    regions, flat over urban ones); a leaver's field is a sector drawn by its region's
    employment shares (``field_cum``). Returns the number who entered."""
    k = int(key)
    entered = 0
    for i in range(status.shape[0]):
        if entered >= n_entrants:
            break
        if status[i] != Status.RETIRED:
            continue
        status[i] = Status.LEAVER
        age[i], region[i], origin[i], rural[i], ability[i], skills[i, :] = entrant_draws(
            k, i, p, region_cum, region_rural_share, region_urban, home_cum, field_cum, profile,
            skills.shape[1],
        )  # fmt: skip
        education[i] = Education.SECONDARY
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
        entered += 1
    flows[Flow.ENTRANTS] += entered
    flows[Flow.ENTRANTS_TURNED_AWAY] += n_entrants - entered
    return entered
