"""Twin of ``simulation.kernels.matching``: who searches, where applications go, whom
firms offer, which offer a worker takes (jobs or apprenticeship slots)."""

from __future__ import annotations

import math

import numpy as np

from simulation.rng import py_normal, py_uniform
from simulation.state import ApprState, Cert, Flow, Programme, Spend, Status
from simulation.twins.common import f32, int_power
from simulation.twins.separations import end_programme
from simulation.twins.skills import job_gaps

JOBS = 0
SLOTS = 1


# ------------------------------------------------------------------- searchers


def job_search_probability(p, gap_under, gap_over) -> float:
    """Monthly chance an employed worker searches: more when mismatched. The two gaps
    are float32 and numba adds them in float32."""
    return p.on_the_job_search * (1.0 + p.mismatch_search_boost * f32(gap_under + gap_over))


def final_year(p, status, programme, months_left) -> bool:
    """A tertiary student or a TVET trainee (not a course's) with ``final_year_months``
    or fewer months of the programme left, this month's included."""
    if status == Status.STUDENT or (status == Status.TRAINING and programme == Programme.TVET):
        return months_left <= p.final_year_months
    return False


def seeks_job(p, status, programme, months_left, gap_under, gap_over, u) -> bool:
    """Whether a worker searches for a job this month: every unemployed worker (those
    seeking a slot too: slots are matched first), an employed worker on the job with
    ``job_search_probability``, and a student in its final months (``final_year``) with
    ``final_year_search`` (``u`` its uniform draw)."""
    if status == Status.UNEMPLOYED:
        return True
    if status == Status.EMPLOYED:
        return u < job_search_probability(p, gap_under, gap_over)
    return final_year(p, status, programme, months_left) and u < p.final_year_search


def seeks_slot(p, status, age, cert, seeking_appr, u) -> bool:
    """Whether a worker searches for an apprenticeship slot: unemployed, up to the age
    limit, and seeking one since leaving school, or uncertified and interested this month
    (``u`` its uniform draw)."""
    if status != Status.UNEMPLOYED or age > p.max_age_months:
        return False
    return seeking_appr > 0 or (cert == Cert.NONE and u < p.youth_interest)


def select_job_searchers(key, p, status, programme, months_left, gap_under, gap_over, out):
    """The rows of job searchers (``seeks_job``), in order, into ``out``; returns the count."""
    k = int(key)
    n = 0
    for i in range(status.shape[0]):
        u = py_uniform(k, i, 0)
        if seeks_job(
            p, status[i], programme[i], int(months_left[i]), float(gap_under[i]),
            float(gap_over[i]), u,
        ):  # fmt: skip
            out[n] = i
            n += 1
    return n


def select_slot_searchers(key, p, status, age, cert, seeking_appr, out):
    """The rows of slot searchers (``seeks_slot``), in order, into ``out``; returns the count."""
    k = int(key)
    n = 0
    for i in range(status.shape[0]):
        u = py_uniform(k, i, 0)
        if seeks_slot(p, status[i], int(age[i]), int(cert[i]), int(seeking_appr[i]), u):
            out[n] = i
            n += 1
    return n


# ----------------------------------------------------------------------- cells


def build_cells(
    alive, sector, region, openings, n_regions, cell_open, cell_ptr, cell_firms, cell_cum
):
    """Firms with openings grouped by cell c = sector * R + region, in row order
    (CSR: ``cell_firms[cell_ptr[c]:cell_ptr[c + 1]]``), with each cell's total openings
    and the running sum of openings inside the cell."""
    entries = (
        (f, int(sector[f]) * n_regions + int(region[f]), int(openings[f]))
        for f in range(alive.shape[0])
        if alive[f] == 1 and openings[f] > 0
    )
    lists = group_by_cell(entries, cell_open.shape[0])
    for table, values in zip((cell_open, cell_ptr, cell_firms, cell_cum), lists, strict=True):
        table[: len(values)] = values


def group_by_cell(entries, n_cells):
    """(cell_open, cell_ptr, cell_firms, cell_cum) as lists from (firm, cell, openings) of
    the firms with openings, in row order: the CSR layout ``build_cells`` describes."""
    members = [[] for _ in range(n_cells)]
    for firm, c, n_open in entries:
        members[c].append((firm, n_open))
    cell_open, cell_ptr, cell_firms, cell_cum = [], [0], [], []
    for c in range(n_cells):
        running = 0
        for firm, n_open in members[c]:
            running += n_open
            cell_firms.append(firm)
            cell_cum.append(running)
        cell_open.append(running)
        cell_ptr.append(len(cell_firms))
    return cell_open, cell_ptr, cell_firms, cell_cum


def sector_affinity(skills_row, profile_row) -> float:
    """Profile-weighted mean skill of a worker in a sector."""
    num = 0.0
    den = 0.0
    for k in range(len(skills_row)):
        num += float(skills_row[k]) * float(profile_row[k])
        den += float(profile_row[k])
    return num / den


def cell_access(travel, travel_weight, cell_open):
    """(R, cells) table of each home region's access to each cell: openings x
    exp(-travel weight x travel cost to the cell's region), 0 without openings."""
    n_regions = travel.shape[0]
    out = np.zeros((n_regions, len(cell_open)))
    for h in range(n_regions):
        for c in range(len(cell_open)):
            if cell_open[c] > 0:
                x = -travel_weight * float(travel[h, c % n_regions])
                out[h, c] = int(cell_open[c]) * math.exp(x)
    return out


def cell_weights(i, skills, region, access, profile, affinity_weight, weights):
    """``worker_cell_weights`` of worker ``i``."""
    return worker_cell_weights(skills[i], int(region[i]), access, profile, affinity_weight, weights)


def worker_cell_weights(skills_row, home, access, profile, affinity_weight, weights):
    """Weight of each cell for a worker with skills ``skills_row`` living in ``home``
    (into ``weights``): access from the home region x exp(affinity weight x sector
    affinity); returns the total."""
    n_regions = access.shape[0]
    total = 0.0
    for s in range(profile.shape[0]):
        e = math.exp(affinity_weight * sector_affinity(skills_row, profile[s]))
        for r in range(n_regions):
            c = s * n_regions + r
            w = float(access[home, c]) * e
            weights[c] = w
            total += w
    return total


def draw_firm(u_cell, u_firm, weights, total, cell_open, cell_ptr, cell_firms, cell_cum):
    """A firm drawn with probability proportional to its cell's weight, then to its
    openings within the cell, from two uniforms."""
    x = u_cell * total
    n_cells = len(weights)
    c = n_cells - 1
    acc = 0.0
    for cc in range(n_cells):
        acc += weights[cc]
        if x < acc:
            c = cc
            break
    while weights[c] <= 0.0:  # rounding at the end of the scan
        c -= 1
    y = u_firm * int(cell_open[c])
    # first firm of the cell whose running openings exceed y
    lo = int(cell_ptr[c])
    hi = int(cell_ptr[c + 1]) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cell_cum[mid] > y:
            hi = mid
        else:
            lo = mid + 1
    return cell_firms[lo]


def draw_firm_at(k, row, slot, weights, total, cell_open, cell_ptr, cell_firms, cell_cum):
    """``draw_firm`` with the uniforms at ``slot`` and ``slot + 1`` of the agent on
    ``row`` under stream key ``k``."""
    u_cell, u_firm = py_uniform(k, row, slot), py_uniform(k, row, slot + 1)
    return draw_firm(u_cell, u_firm, weights, total, cell_open, cell_ptr, cell_firms, cell_cum)


def worker_applications(
    k,
    slot0,
    i,
    n_apps,
    skills,
    region,
    own_employer,
    access,
    profile,
    affinity_weight,
    cell_open,
    cell_ptr,
    cell_firms,
    cell_cum,
):
    """Worker ``i``'s ``n_apps`` applications (``applications_from``): firm rows, -1 for
    an unused one."""
    apps = applications_from(
        k, slot0, i, n_apps, skills[i], int(region[i]), own_employer, access, profile,
        affinity_weight, cell_open, cell_ptr, cell_firms, cell_cum,
    )  # fmt: skip
    return [-1 if f is None else f for f in apps]


def applications_from(
    k, slot0, row, n_apps, skills_row, home, own_employer, access, profile, affinity_weight,
    cell_open, cell_ptr, cell_firms, cell_cum,
):  # fmt: skip
    """The ``n_apps`` applications of the worker on ``row`` (its draws under stream key
    ``k`` from slot ``slot0``), with skills ``skills_row``, living in ``home``: firms
    drawn by ``draw_firm`` from the round's cells (``access``: the round's
    ``cell_access`` table); None for an unused application: a repeat draw, a draw of its
    own employer (``own_employer``) or no opening anywhere."""
    weights = [0.0] * len(cell_open)
    total = worker_cell_weights(skills_row, home, access, profile, affinity_weight, weights)
    apps = []
    for a in range(n_apps):
        if total <= 0.0:
            apps.append(None)
            continue
        cells = (cell_open, cell_ptr, cell_firms, cell_cum)
        f = draw_firm_at(k, row, slot0 + 2 * a, weights, total, *cells)
        apps.append(None if f == own_employer or f in apps else f)
    return apps


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
    """Every searcher's applications (``worker_applications``). The kernel keeps the
    searchers' affinity factors from a month's first round for its later rounds
    (``factors``, ``known``, ``factor_rows``); the twin computes them afresh every
    round, which gives the same factors, so it takes and leaves them."""
    k = int(key)
    n_apps = apps.shape[1]
    access = cell_access(travel, travel_weight, cell_open)
    for j in range(n):
        i = int(searchers[j])
        apps[j, :] = worker_applications(
            k,
            slot0,
            i,
            n_apps,
            skills,
            region,
            int(employer[i]),
            access,
            profile,
            affinity_weight,
            cell_open,
            cell_ptr,
            cell_firms,
            cell_cum,
        )


# ---------------------------------------------------------------------- offers


def learned_share(p, ability: float, core: float) -> float:
    """Share of an under-skill gap a worker closes on the job over the firm's hiring
    horizon: monthly speed (learning rate x ability x core-skill boost, at most 1)
    compounded over ``hiring_horizon`` months."""
    speed = p.learning_rate * ability * (1.0 + p.core_boost * core)
    return 1.0 - int_power(1.0 - min(speed, 1.0), p.hiring_horizon)


def applicant_score(mode, p, i, f, skills, ability, cert, cert_bonus, req) -> float:
    """Firm ``f``'s score of applicant ``i`` (``score_applicant``)."""
    return score_applicant(mode, p, skills[i], float(ability[i]), int(cert[i]), cert_bonus, req[f])


def score_applicant(mode, p, skills_row, ability, cert, cert_bonus, req_row) -> float:
    """A firm's score of an applicant with skills ``skills_row``, learning ability and
    certificate level ``cert``. Jobs: expected productivity over the hiring horizon
    (the under-skill gap at requirements ``req_row`` less what the worker will learn on
    the job in that time) plus the certificate signal. Slots: trainability from core
    skill and ability."""
    if mode == JOBS:
        under, _ = job_gaps(skills_row, req_row)
        learned = learned_share(p, ability, float(skills_row[0]))
        return 1.0 - under * (1.0 - learned) + float(cert_bonus[cert])
    return 0.5 * float(skills_row[0]) + 0.25 * min(ability, 2.0)


def firm_offers(scores, openings: int, threshold: float) -> list[int]:
    """Positions (into ``scores``) of the applicants a firm offers to: the best first
    (ties: earlier application), while openings last and scores reach the threshold."""
    ranked = sorted(range(len(scores)), key=lambda t: -scores[t])
    chosen = []
    for t in ranked:
        if len(chosen) >= openings or scores[t] < threshold:
            break
        chosen.append(t)
    return chosen


def judged(mode, p, score: float, key: int, agent: int, slot: int) -> float:
    """A firm's judgement of a job application scored ``score``: plus
    ``p.screening_noise`` standard normals drawn at ``slot`` (and the next) of worker
    ``agent`` under ``key`` (the kernel ``score_rows``'s); slots are judged without
    error."""
    if mode != JOBS or p.screening_noise <= 0.0:
        return score
    return score + p.screening_noise * py_normal(key, agent, slot)


def screen_applicants(scores, openings: int, threshold: float) -> tuple[int, list[int]]:
    """(How many applicants reach the threshold, ``firm_offers``)."""
    qualified = sum(1 for s in scores if s >= threshold)
    return qualified, firm_offers(scores, openings, threshold)


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
    n_apps = apps.shape[1]
    received = {}  # firm -> its applications (j, a), in order of j then a
    for j in range(n):
        for a in range(n_apps):
            offers[j, a] = 0
            f = int(apps[j, a])
            if f >= 0:
                received.setdefault(f, []).append((j, a))
    made = 0
    for f in sorted(received):
        applications = received[f]
        scores = []
        for j, a in applications:
            i = int(searchers[j])
            score = applicant_score(mode, p, i, f, skills, ability, cert, cert_bonus, req)
            scores.append(judged(mode, p, score, int(screen_key), i, slot0 + 2 * a))
        qualified, chosen = screen_applicants(scores, int(openings[f]), float(threshold[f]))
        vac_apps[f] += len(applications)
        vac_qualified[f] += qualified
        for t in chosen:
            j, a = applications[t]
            offers[j, a] = 1
            made += 1
    return made


def slack(unemployed: int, vacancies: float) -> float:
    """How slack a region's market is: log(unemployed / vacancies), each at least 1,
    clipped to +-2 (the C library's log, as the kernel ``market_slack``'s)."""
    return min(max(math.log(max(unemployed, 1) / max(vacancies, 1.0)), -2.0), 2.0)


def hiring_thresholds(mode, p, alive, region, vac_age, slack, out):
    """Jobs: base threshold plus slack of the firm's region, less an allowance per month
    its vacancies have waited (not below 0). Slots: the trainability threshold."""
    for f in range(alive.shape[0]):
        out[f] = hiring_threshold(mode, p, float(slack[region[f]]), int(vac_age[f]))


def hiring_threshold(mode, p, slack: float, vac_age: int) -> float:
    """A firm's hiring threshold given the slack of its region and the age of its
    vacancies (see ``hiring_thresholds``)."""
    if mode == SLOTS:
        return p.trainability_threshold
    t = p.hire_threshold + p.threshold_slack * slack
    return max(t - p.threshold_vacancy_age * vac_age, 0.0)


# ------------------------------------------------------------------ acceptance


def offer_value(mode, p, i, f, skills, region, req, f_region, productivity, wage_level, travel):
    """Worth of firm ``f``'s offer to worker ``i`` (``value_of_offer``)."""
    return value_of_offer(
        mode, p, skills[i], int(region[i]), req[f], int(f_region[f]), float(productivity[f]),
        wage_level, travel,
    )  # fmt: skip


def value_of_offer(
    mode, p, skills_row, home, req_row, firm_region, productivity, wage_level, travel
) -> float:
    """Worth of an offer from a firm (requirements ``req_row``, in ``firm_region``) to a
    worker (skills ``skills_row``, living in ``home``): the firm's pay (for jobs scaled
    by expected match quality above the floor share) net of the cost of moving."""
    pay = float(wage_level[firm_region]) * productivity
    if mode == JOBS:
        under, _ = job_gaps(skills_row, req_row)
        pay *= p.wage_floor_share + (1.0 - p.wage_floor_share) * (1.0 - under)
    return pay * (1.0 - p.moving_cost_weight * float(travel[home, firm_region]))


def pick_offer(values, wage, reservation=None) -> int:
    """Position (into ``values``) of the offer a worker takes: the best (first on ties);
    a worker in a job (``wage`` not None) only if it pays more than ``wage``; a young
    job seeker (``reservation`` not None, ``reservation_pay``) only if it is worth at
    least ``reservation``; -1 for none."""
    best, best_u = -1, -math.inf
    for t, u in enumerate(values):
        if u > best_u:
            best, best_u = t, u
    if best < 0 or (wage is not None and best_u <= wage):
        return -1
    if reservation is not None and best_u < reservation:
        return -1
    return best


def reservation_pay(mode, p, status, age, spell, home_wage_level) -> float | None:
    """The least a job offer must be worth to a young job seeker (jobs; under
    ``youth_age_months``, unemployed): ``youth_reservation`` times its home region's
    wage level, falling by ``reservation_decline`` a month of its unemployment spell.
    None where no such floor applies (slots, anyone else, or the lever off)."""
    if mode != JOBS or p.youth_reservation <= 0.0:
        return None
    if status != Status.UNEMPLOYED or age >= p.youth_age_months:
        return None
    fall = math.pow(1.0 - p.reservation_decline, float(spell))
    return p.youth_reservation * float(home_wage_level) * fall


def apprenticeship_terms(p) -> tuple[int, float, float]:
    """Terms of an apprenticeship starting now: (duration in months, subsidy due over
    the contract, part of it paid in advance at the start)."""
    entitlement = p.subsidy_per_year * p.duration / 12.0
    return p.duration, entitlement, entitlement * p.advance_share


def is_poaching(p, month, appr_state, retained, appr_firm, date_appr_end, old) -> bool:
    """Whether a job-to-job move from firm ``old`` is a poaching: a completer retained by
    its training firm ``old`` leaves it less than ``poaching_window`` months after
    completing."""
    return (
        appr_state == ApprState.COMPLETED
        and retained == 1
        and appr_firm == old
        and month - date_appr_end < p.poaching_window
    )


def accept_offers(
    mode,
    month,
    p,
    searchers,
    n,
    apps,
    offers,
    hired,
    status,
    region,
    skills,
    employer,
    gap_under,
    gap_over,
    wage,
    age,
    tenure,
    spell,
    months_left,
    provider,
    appr_state,
    appr_firm,
    appr_duration,
    appr_entitlement,
    appr_advance,
    retained,
    poached,
    seeking_appr,
    date_entry,
    date_first_job,
    date_appr_start,
    date_appr_end,
    f_region,
    productivity,
    req,
    f_provider,
    headcount,
    apprentices,
    openings,
    vac_age,
    vac_apps,
    vac_qualified,
    train_benefit,
    appr_started,
    wage_level,
    travel,
    mig_in,
    mig_out,
    flows,
    spend,
    end_key,
    programme,
    education,
    cert,
    enrolled,
    relevance,
):
    """Each searcher takes its best offer (first on ties); an employed searcher only if
    it pays more than the current wage, a young unemployed searcher only if it is worth
    its reservation pay (``reservation_pay``). A move out of unemployment counts as one
    only for a worker unemployed since the start of the month (spell of 1 or more); a
    retained completer leaving its training firm within the window is poached; an
    apprenticeship start records its terms and pays the advance; a final-year student
    or TVET trainee ends its programme (``separations.end_programme``, the certificate
    drawn under ``end_key``). Returns the number of hires."""
    n_apps = apps.shape[1]
    hires = 0
    for j in range(n):
        i = int(searchers[j])
        offered = [int(apps[j, a]) for a in range(n_apps) if offers[j, a] != 0]
        values = [
            offer_value(
                mode, p, i, f, skills, region, req, f_region, productivity, wage_level, travel
            )
            for f in offered
        ]
        current = float(wage[i]) if status[i] == Status.EMPLOYED else None
        least = reservation_pay(
            mode, p, status[i], age[i], spell[i], wage_level[region[i]]
        )  # fmt: skip
        t = pick_offer(values, current, least)
        if t < 0:
            continue
        f = offered[t]
        hires += 1
        hired[j] = 1
        fr = int(f_region[f])
        if region[i] != fr:  # hires in another region migrate
            mig_out[region[i]] += 1
            mig_in[fr] += 1
            region[i] = fr
        st = status[i]
        if st == Status.TRAINING or st == Status.STUDENT:  # a final-year student
            flows[Flow.FINAL_YEAR_HIRES] += 1
            flows[Flow.TVET_CERTIFIED] += end_programme(
                end_key, i, month, p.tvet_certification_pass, status, programme, provider,
                months_left, cert, education, date_entry, enrolled, relevance,
            )  # fmt: skip
        if math.isnan(date_first_job[i]) and not math.isnan(date_entry[i]):
            date_first_job[i] = month
        if st == Status.EMPLOYED:
            old = int(employer[i])
            headcount[old] -= 1
            flows[Flow.JOB_TO_JOB] += 1
            if is_poaching(
                p, month, appr_state[i], retained[i], appr_firm[i], float(date_appr_end[i]), old
            ):
                poached[i] = 1
                flows[Flow.APPR_POACHED] += 1
        elif st == Status.UNEMPLOYED and spell[i] >= 1:  # unemployed since the month's start
            flows[Flow.UNEMPLOYED_TO_EMPLOYED] += 1
        employer[i] = f
        tenure[i] = 0
        spell[i] = 0
        seeking_appr[i] = 0
        openings[f] -= 1
        if mode == JOBS:
            status[i] = Status.EMPLOYED
            headcount[f] += 1
            vac_age[f] = 0
            vac_apps[f] = 0
            vac_qualified[f] = 0
            flows[Flow.HIRES] += 1
        else:
            status[i] = Status.APPRENTICE
            apprentices[f] += 1
            appr_state[i] = ApprState.ACTIVE
            appr_firm[i] = f
            duration, entitlement, advance = apprenticeship_terms(p)
            appr_duration[i] = duration
            appr_entitlement[i] = entitlement
            appr_advance[i] = advance
            retained[i] = 0
            poached[i] = 0
            months_left[i] = duration
            provider[i] = f_provider[f]
            date_appr_start[i] = month
            spend[Spend.SUBSIDY] += advance
            train_benefit[f] += advance
            appr_started[f] += 1
            flows[Flow.APPR_STARTS] += 1
        gap_under[i], gap_over[i] = job_gaps(skills[i], req[f])
    return hires


def keep_unmatched(hired, searchers, factor_rows):
    """The searchers not hired (and the rows of their factors) moved to the front, in
    order; returns their number."""
    left = [j for j in range(hired.shape[0]) if hired[j] == 0]
    searchers[: len(left)] = searchers[left]
    factor_rows[: len(left)] = factor_rows[left]
    return len(left)


def age_vacancies(alive, vacancies, vac_age):
    """Open vacancies of live firms grow a month older (run as matching starts; a hire
    resets the age)."""
    for f in range(alive.shape[0]):
        if alive[f] == 1 and vacancies[f] > 0:
            vac_age[f] += 1


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
    """Mean over sampled workers of the share of ``draws`` vacancies, drawn by
    accessibility alone, whose hiring threshold the worker meets (NaN if none can
    reach a vacancy)."""
    k = int(key)
    access = cell_access(travel, travel_weight, cell_open)
    shares = []
    for j in range(n):
        i = int(sample[j])
        drawn = vacancies_sampled(
            k, i, skills[i], int(region[i]), access, profile, cell_open, cell_ptr, cell_firms,
            cell_cum, draws,
        )  # fmt: skip
        if drawn:
            hits = sum(
                applicant_score(JOBS, p, i, f, skills, ability, cert, cert_bonus, req)
                >= float(threshold[f])
                for f in drawn
            )
            shares.append(hits / draws)
    return mean_share(shares)


def vacancies_sampled(
    k, row, skills_row, home, access, profile, cell_open, cell_ptr, cell_firms, cell_cum, draws
) -> list:
    """The firms of ``draws`` vacancies drawn for the worker on ``row`` (draws under stream
    key ``k``) by accessibility alone (``access``: the ``cell_access`` table); empty when
    no vacancy can be reached."""
    weights = [0.0] * len(cell_open)
    total = worker_cell_weights(skills_row, home, access, profile, 0.0, weights)
    if total <= 0.0:
        return []
    cells = (cell_open, cell_ptr, cell_firms, cell_cum)
    return [draw_firm_at(k, row, 2 * d, weights, total, *cells) for d in range(draws)]


def mean_share(shares) -> float:
    """Mean of the sampled workers' shares, summed in sample order (NaN without any)."""
    if not shares:
        return math.nan
    acc = 0.0
    for s in shares:
        acc += s
    return acc / len(shares)
