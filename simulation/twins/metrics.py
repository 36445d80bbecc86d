"""Twin of ``simulation.kernels.metrics``: the monthly tallies and the wage Gini."""

from __future__ import annotations

import math

from simulation.kernels.metrics import (
    C_APPR_EVER,
    C_CERT,
    C_EMP,
    C_FOUND_12,
    C_MATURE,
    C_SIZE,
    C_WAGE,
    C_WAGE_N,
    G_APPR_N,
    G_APPR_REL,
    G_APPR_WAGE,
    G_COMPLETERS_12,
    G_COMPLETERS_12_EMP,
    G_DISPLACED_LF,
    G_DISPLACED_UNEMP,
    G_ENTRY_FOUND,
    G_ENTRY_WINDOW,
    G_GREEN_MIX,
    G_OTHER_N,
    G_OTHER_REL,
    G_OTHER_WAGE,
    G_OUTSIDE,
    G_OVER,
    G_POACHED_12,
    G_RETAINED_12,
    G_UNDER,
    R_APPR,
    R_EMP,
    R_GAP,
    R_INACTIVE,
    R_JOBS,
    R_LF,
    R_POP,
    R_STUDENT,
    R_TRAINING,
    R_UNEMP,
    R_VAC,
    R_WAGE,
    R_YOUTH_LF,
    R_YOUTH_NEET,
    R_YOUTH_POP,
    R_YOUTH_UNEMP,
    S_APPR,
    S_EMP,
    S_FIRMS,
    S_GAP,
    S_SLOTS,
    S_SSV,
    S_TRAINING_FIRMS,
    S_VAC,
    S_WAGE,
    X_EMP,
    X_GAP,
    X_UNDER,
    X_WAGE,
)
from simulation.state import ApprState, Status
from simulation.twins.common import f32


def main_field(row) -> int:
    """Technical domain (not core) with the highest value; lowest index on ties."""
    best = 1
    for k in range(2, len(row)):
        if row[k] > row[best]:
            best = k
    return best


def found_job_within_a_year(date_entry: float, date_first_job: float) -> bool:
    """First job or apprenticeship within 12 months of entry (dates are float32 and their
    difference is taken in float32, as numba does)."""
    return not math.isnan(date_first_job) and f32(date_first_job - date_entry) <= 12


def entry_cohort(date_entry: float, first_cohort_year: int, n_cohorts: int) -> int:
    """Row of the entry cohort (year = floor(entry month / 12)), clipped to the table."""
    c = int(math.floor(date_entry / 12.0)) - first_cohort_year
    return min(max(c, 0), n_cohorts - 1)


def tally_worker(
    month,
    p,
    st,
    age,
    region,
    wage,
    under,
    over,
    displaced,
    skills_row,
    employer_sector,
    employer_req,
    skilled_wage,
    cert,
    appr_state,
    retained,
    poached,
    date_entry,
    date_first_job,
    date_appr_end,
    first_cohort_year,
    by_region,
    by_sector,
    by_cohort,
    by_cell,
    g,
):
    """Add one worker to the month's tables. ``employer_sector`` and ``employer_req`` are
    those of its firm (used for the employed and apprentices only), ``skilled_wage`` the
    skilled wage of its job (its region's wage level times the firm's productivity: the
    wage's scale, used for the employed only); dates are floats
    (NaN = not yet); retired rows and school leavers are not counted."""
    if st == Status.RETIRED or st == Status.LEAVER:
        return
    r = region
    w = wage
    by_region[r, R_POP] += 1
    youth = age < p.youth_age_months
    if youth:
        by_region[r, R_YOUTH_POP] += 1
    if st in (Status.EMPLOYED, Status.APPRENTICE, Status.UNEMPLOYED):  # labour force
        by_region[r, R_LF] += 1
        if youth:
            by_region[r, R_YOUTH_LF] += 1
        if displaced == 1:
            g[G_DISPLACED_LF] += 1
    if st == Status.EMPLOYED:
        s = employer_sector
        gap = f32(under + over)
        by_region[r, R_EMP] += 1
        by_region[r, R_WAGE] += w
        by_region[r, R_GAP] += gap
        by_sector[s, S_EMP] += 1
        by_sector[s, S_WAGE] += w
        by_sector[s, S_GAP] += gap
        x = s * by_region.shape[0] + r  # sector x region cell
        by_cell[x, X_EMP] += 1
        by_cell[x, X_GAP] += gap
        by_cell[x, X_WAGE] += w
        if under > p.under_gap:
            g[G_UNDER] += 1
            by_cell[x, X_UNDER] += 1
        if over > p.over_gap:
            g[G_OVER] += 1
        if main_field(skills_row) != main_field(employer_req):
            g[G_OUTSIDE] += 1
        if age < p.premium_age_months:
            if appr_state == ApprState.COMPLETED:
                g[G_APPR_WAGE] += w
                g[G_APPR_REL] += w / skilled_wage
                g[G_APPR_N] += 1
            elif appr_state == ApprState.NEVER:
                g[G_OTHER_WAGE] += w
                g[G_OTHER_REL] += w / skilled_wage
                g[G_OTHER_N] += 1
    elif st == Status.APPRENTICE:
        by_region[r, R_APPR] += 1
        by_sector[employer_sector, S_APPR] += 1
    elif st == Status.UNEMPLOYED:
        by_region[r, R_UNEMP] += 1
        if youth:
            by_region[r, R_YOUTH_UNEMP] += 1
            by_region[r, R_YOUTH_NEET] += 1  # not in work, education or training
        if displaced == 1:
            g[G_DISPLACED_UNEMP] += 1
    elif st == Status.TRAINING:
        by_region[r, R_TRAINING] += 1
    elif st == Status.STUDENT:
        by_region[r, R_STUDENT] += 1
    elif st == Status.INACTIVE:
        by_region[r, R_INACTIVE] += 1
        if youth:
            by_region[r, R_YOUTH_NEET] += 1
    working = st == Status.EMPLOYED or st == Status.APPRENTICE
    end = date_appr_end
    if not math.isnan(end) and 12 <= month - end < 24:  # completers a year on
        g[G_COMPLETERS_12] += 1
        if retained == 1:  # kept by the training firm; poached since?
            g[G_RETAINED_12] += 1
            if poached == 1:
                g[G_POACHED_12] += 1
        if working:
            g[G_COMPLETERS_12_EMP] += 1
    entry = date_entry
    if math.isnan(entry):
        return
    since = month - entry
    found = found_job_within_a_year(entry, date_first_job)
    if 12 <= since < 24:
        g[G_ENTRY_WINDOW] += 1
        if found:
            g[G_ENTRY_FOUND] += 1
    c = entry_cohort(entry, first_cohort_year, by_cohort.shape[0])
    by_cohort[c, C_SIZE] += 1
    if working:
        by_cohort[c, C_EMP] += 1
    if appr_state != ApprState.NEVER:
        by_cohort[c, C_APPR_EVER] += 1
    if cert > 0:
        by_cohort[c, C_CERT] += 1
    if since >= 12:
        by_cohort[c, C_MATURE] += 1
        if found:
            by_cohort[c, C_FOUND_12] += 1
    if st == Status.EMPLOYED:
        by_cohort[c, C_WAGE] += w
        by_cohort[c, C_WAGE_N] += 1


def tally_firm(
    sector, region, vacancies, headcount, apprentices, slots, vac_age, vac_apps, vac_qualified,
    by_region, by_sector,
):  # fmt: skip
    """Add one live firm to the month's tables: its vacancies and jobs, slots, whether it
    trains, and its skill-shortage vacancies (open 3+ months, with applicants, fewer
    qualified than openings)."""
    s, r, vac = sector, region, vacancies
    by_region[r, R_VAC] += vac
    by_region[r, R_JOBS] += headcount
    by_sector[s, S_VAC] += vac
    by_sector[s, S_FIRMS] += 1
    by_sector[s, S_SLOTS] += slots
    if apprentices > 0:
        by_sector[s, S_TRAINING_FIRMS] += 1
    if vac > 0 and vac_age >= 3 and vac_apps > 0 and vac_qualified < vac:
        by_sector[s, S_SSV] += vac


def tally_provider(p, mix_row, n_providers, g):
    """Add one provider's green share of programme time to the mean over providers."""
    g[G_GREEN_MIX] += float(mix_row[p.green_domain]) / n_providers


def tally(
    month,
    p,
    status,
    age,
    region,
    employer,
    skills,
    gap_under,
    gap_over,
    wage,
    cert,
    appr_state,
    retained,
    poached,
    displaced,
    date_entry,
    date_first_job,
    date_appr_end,
    alive,
    f_sector,
    f_region,
    req,
    headcount,
    apprentices,
    vacancies,
    vac_age,
    vac_apps,
    vac_qualified,
    slots,
    productivity,
    wage_level,
    prov_mix,
    first_cohort_year,
    by_region,
    by_sector,
    by_cohort,
    by_cell,
    g,
):
    by_region[:] = 0.0
    by_sector[:] = 0.0
    by_cohort[:] = 0.0
    by_cell[:] = 0.0
    g[:] = 0.0
    for i in range(status.shape[0]):
        f = int(employer[i])
        tally_worker(
            month, p, status[i], int(age[i]), int(region[i]), float(wage[i]),
            float(gap_under[i]), float(gap_over[i]), int(displaced[i]), skills[i],
            int(f_sector[f]) if f >= 0 else -1, req[f] if f >= 0 else None,
            float(wage_level[region[i]]) * float(productivity[f]) if f >= 0 else math.nan,
            int(cert[i]),
            int(appr_state[i]), int(retained[i]), int(poached[i]), float(date_entry[i]),
            float(date_first_job[i]), float(date_appr_end[i]), first_cohort_year,
            by_region, by_sector, by_cohort, by_cell, g,
        )  # fmt: skip
    for f in range(alive.shape[0]):
        if alive[f] == 1:
            tally_firm(
                int(f_sector[f]), int(f_region[f]), int(vacancies[f]), int(headcount[f]),
                int(apprentices[f]), int(slots[f]), int(vac_age[f]), int(vac_apps[f]),
                int(vac_qualified[f]), by_region, by_sector,
            )  # fmt: skip
    for q in range(prov_mix.shape[0]):
        tally_provider(p, prov_mix[q], prov_mix.shape[0], g)


def gini(wages) -> float:
    """Gini coefficient of a list of wages (sorted here); NaN below two."""
    wages = sorted(wages)
    n = len(wages)
    if n < 2:
        return math.nan
    num = 0.0
    total = 0.0
    for j, w in enumerate(wages):
        num += (j + 1) * w
        total += w
    return 2.0 * num / (n * total) - (n + 1.0) / n


def wage_gini(status, wage, scratch=None):
    """Gini coefficient of employees' wages (apprentices excluded); NaN below two.
    (``scratch``: the kernel's work buffer; the rule needs none.)"""
    return gini(float(wage[i]) for i in range(status.shape[0]) if status[i] == Status.EMPLOYED)


def status_changes(before, after, region_before, region_after, table):
    """The month's moves between statuses by region (``region_transitions``), row by
    row: each worker row whose status or region changed counts at (region and status at
    the start, status at the end); a free row taken by a school leaver as an entry (row
    RETIRED, in the region entered); a row in use taken by one (it retired in the month,
    and its row was taken) as a retirement and an entry; a leaver who is still one
    counts on the diagonal. Of those, the ones in another region at the end (not the
    retired, not an entry) count as moving out of the first region and into the other.
    Rows that kept any other status and their region are not counted
    (``metrics.region_transitions`` takes them from the stocks)."""
    table[:] = 0
    for i in range(before.shape[0]):
        was, now = int(before[i]), int(after[i])
        home, there = int(region_before[i]), int(region_after[i])
        if was == now == Status.RETIRED:
            continue  # (a row no one is in)
        if now == Status.LEAVER and was not in (Status.LEAVER, Status.RETIRED):
            table[home, was, Status.RETIRED, 0] += 1
            table[there, Status.RETIRED, Status.LEAVER, 0] += 1
        elif was == Status.RETIRED:
            table[there, was, now, 0] += 1
        elif now == Status.RETIRED:
            table[home, was, now, 0] += 1
        elif now != was or now == Status.LEAVER or there != home:
            table[home, was, now, 0] += 1
            if there != home:
                table[home, was, now, 1] += 1
                table[there, was, now, 2] += 1
