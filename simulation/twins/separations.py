"""Twin of ``simulation.kernels.separations``: layoffs, quits, the apprenticeship
lifecycle, and the end of training and study."""

from __future__ import annotations

from simulation.rng import py_uniform
from simulation.state import ApprState, Cert, Education, Flow, Programme, Spend, Status
from simulation.twins.common import f32


def to_unemployed(i, status, employer, wage, tenure, spell, provider):
    """Worker ``i`` loses its job, apprenticeship or place: unemployed, spell from 0."""
    status[i] = Status.UNEMPLOYED
    employer[i] = -1
    wage[i] = 0.0
    tenure[i] = 0
    spell[i] = 0
    provider[i] = -1


def layoff_order(members, gap_under, quota):
    """The ``quota`` members a live firm lays off: highest under-skill gap
    (``gap_under(member)``) first, ties to the earlier member (members are in row
    order)."""
    return sorted(members, key=lambda i: -gap_under(i))[:quota]


def layoffs(
    month,
    status,
    employer,
    gap_under,
    wage,
    tenure,
    spell,
    provider,
    appr_state,
    displaced,
    date_displaced,
    alive,
    f_sector_brown,
    layoff_quota,
    headcount,
    apprentices,
    flows,
):
    """Exited firms release everyone (apprenticeships dissolve); live firms over their band
    lay off their quota of employees. A lost brown-sector job marks a worker displaced."""
    affected = {}  # firm -> workers it may release, in row order
    for i in range(status.shape[0]):
        st = status[i]
        if st == Status.EMPLOYED or st == Status.APPRENTICE:
            f = int(employer[i])
            if alive[f] == 0 or (layoff_quota[f] > 0 and st == Status.EMPLOYED):
                affected.setdefault(f, []).append(i)
    for f in sorted(affected):
        members = affected[f]
        exited = alive[f] == 0
        quota = int(layoff_quota[f])
        chosen = members if exited else layoff_order(members, lambda i: float(gap_under[i]), quota)
        for i in chosen:
            if status[i] == Status.APPRENTICE:
                appr_state[i] = ApprState.DISSOLVED
                apprentices[f] -= 1
                flows[Flow.APPR_DISSOLVED] += 1
            else:
                headcount[f] -= 1
                flows[Flow.EXIT_LAYOFFS if exited else Flow.LAYOFFS] += 1
                if f_sector_brown[f] == 1:
                    displaced[i] = 1
                    date_displaced[i] = month
            to_unemployed(i, status, employer, wage, tenure, spell, provider)


def quit_probability(p, gap_under, gap_over) -> float:
    """Monthly chance an employed worker quits: more when mismatched (the float32 gaps
    are added in float32, as numba does)."""
    return p.quit_rate * (1.0 + p.quit_mismatch * f32(gap_under + gap_over))


def quits(
    key,
    p,
    month,
    status,
    employer,
    gap_under,
    gap_over,
    wage,
    tenure,
    spell,
    provider,
    headcount,
    flows,
):
    k = int(key)
    for i in range(status.shape[0]):
        if status[i] != Status.EMPLOYED:
            continue
        prob = quit_probability(p, float(gap_under[i]), float(gap_over[i]))
        if py_uniform(k, i, 0) < prob:
            headcount[employer[i]] -= 1
            to_unemployed(i, status, employer, wage, tenure, spell, provider)
            flows[Flow.QUITS] += 1


def layoffs_and_quits(
    month, key, p, status, employer, gap_under, gap_over, wage, tenure, spell, provider,
    appr_state, displaced, date_displaced, alive, f_sector_brown, layoff_quota, headcount,
    apprentices, flows,
):  # fmt: skip
    """Layoffs, then quits, each over every row (the kernel finds both in one pass)."""
    layoffs(
        month, status, employer, gap_under, wage, tenure, spell, provider, appr_state,
        displaced, date_displaced, alive, f_sector_brown, layoff_quota, headcount, apprentices,
        flows,
    )  # fmt: skip
    quits(
        key, p, month, status, employer, gap_under, gap_over, wage, tenure, spell, provider,
        headcount, flows,
    )  # fmt: skip


def retention_probability(p, match: float) -> float:
    """Chance the training firm keeps a completer: ``base_retention`` for a match at or
    above the firm's hiring bar, in proportion below it."""
    if match < p.hire_threshold:  # below the hiring bar: kept in proportion
        return p.base_retention * (match / p.hire_threshold)
    return p.base_retention


def dropout_hazard(p) -> float:
    """Monthly chance an apprentice drops out, cut by quality standards."""
    return p.dropout_hazard * (1.0 - p.quality_dropout_cut * p.quality_level)


def certification(p, match, u, cert, entitlement, advance, duration, started):
    """Assessment of a finisher with match quality ``match`` (``u`` its uniform draw):
    (passed, certificate held after, subsidy balance then due to the firm). A pass
    (chance: pass rate x match) earns the apprenticeship certificate, advanced at a
    high match; the balance is the subsidy recorded at the start (``entitlement``) less
    the ``advance`` paid then, plus for an advanced certificate the bonus over the
    contract's ``duration`` if it ``started`` under the run's policy (month >= 1; a
    contract of the burn-in, month 0 included, has the status quo's terms)."""
    if u >= p.certification_pass * match:
        return False, cert, 0.0
    balance = entitlement - advance
    if match >= p.advanced_match:
        if started > 0.0:
            balance += p.advanced_bonus_per_year * duration / 12.0
        return True, Cert.ADVANCED, balance
    return True, max(cert, Cert.APPRENTICESHIP), balance


def apprenticeship_progress(
    key_drop,
    key_done,
    month,
    p,
    status,
    employer,
    gap_under,
    wage,
    tenure,
    spell,
    provider,
    months_left,
    appr_state,
    appr_duration,
    appr_entitlement,
    appr_advance,
    appr_net,
    retained,
    cert,
    education,
    date_appr_start,
    date_appr_end,
    alive,
    f_region,
    productivity,
    wage_level,
    headcount,
    apprentices,
    train_benefit,
    flows,
    spend,
):
    """Each apprentice may drop out (``clawback_share`` of the advance recorded at its
    start is clawed back); otherwise counts down a month. A finisher costs the public
    assessment and is assessed (pass chance x match quality); a pass earns the
    certificate (advanced at high match, with the bonus over its own contract) and the
    rest of the subsidy recorded at its start. The training firm, if alive, retains the
    graduate (``retention_probability``); otherwise the graduate searches."""
    kd, kc = int(key_drop), int(key_done)
    hazard = dropout_hazard(p)
    for i in range(status.shape[0]):
        if status[i] != Status.APPRENTICE:
            continue
        f = int(employer[i])
        if py_uniform(kd, i, 0) < hazard:
            claw = float(appr_advance[i]) * p.clawback_share
            spend[Spend.SUBSIDY] -= claw
            train_benefit[f] -= claw
            appr_net[i] = float(appr_net[i]) + float(appr_advance[i]) - claw
            apprentices[f] -= 1
            appr_state[i] = ApprState.DROPPED
            to_unemployed(i, status, employer, wage, tenure, spell, provider)
            flows[Flow.APPR_DROPOUTS] += 1
            continue
        months_left[i] -= 1
        if months_left[i] > 0:
            continue
        # completion
        apprentices[f] -= 1
        appr_state[i] = ApprState.COMPLETED
        date_appr_end[i] = month
        if education[i] < Education.VOCATIONAL:
            education[i] = Education.VOCATIONAL
        flows[Flow.APPR_COMPLETIONS] += 1
        match = 1.0 - float(gap_under[i])
        spend[Spend.QUALITY] += p.public_cost_per_completion
        net = float(appr_net[i]) + float(appr_advance[i])
        certified, cert[i], balance = certification(
            p,
            match,
            py_uniform(kc, i, 0),
            int(cert[i]),
            float(appr_entitlement[i]),
            float(appr_advance[i]),
            int(appr_duration[i]),
            float(date_appr_start[i]),
        )
        if certified:
            flows[Flow.APPR_CERTIFIED] += 1
            spend[Spend.SUBSIDY] += balance
            train_benefit[f] += balance
            net += balance
        provider[i] = -1
        keep = retention_probability(p, match)
        if alive[f] == 1 and py_uniform(kc, i, 1) < keep:
            status[i] = Status.EMPLOYED
            headcount[f] += 1
            tenure[i] = 0
            retained[i] = 1
            saved = p.hiring_cost_months * float(wage_level[f_region[f]]) * float(productivity[f])
            train_benefit[f] += saved
            net += saved
            flows[Flow.APPR_RETAINED] += 1
        else:
            retained[i] = 0
            to_unemployed(i, status, employer, wage, tenure, spell, provider)
        appr_net[i] = net
        if recouped(net):
            flows[Flow.APPR_RECOUPED] += 1


def recouped(net: float) -> bool:
    """A completed contract recouped its training firm's costs: its benefits (on-the-job
    contribution, the firm's own extra, subsidy, and the hiring cost saved if the firm
    retains the graduate) are at least its costs (wage, mentor time, quality)."""
    return net >= 0.0


def tvet_certifies(key, row, pass_rate, relevance) -> bool:
    """Whether a TVET programme's end gives a certificate: the pass rate times the
    provider's curriculum relevance, on the row's draw under the month's programme-end
    key (``key``), at the programme's end or at a hire in its final months alike."""
    return py_uniform(key, row, 0) < pass_rate * relevance


def end_tvet(key, i, month, pass_rate, programme, provider, cert, education, date_entry,
             enrolled, relevance) -> int:  # fmt: skip
    """Trainee ``i``'s TVET programme ends (at its last month or at a hire before it):
    the seat freed, vocational education, the month as its entry date, and a
    certificate on ``tvet_certifies``. Returns 1 if it certifies, else 0."""
    q = int(provider[i])
    enrolled[q] -= 1
    education[i] = max(int(education[i]), Education.VOCATIONAL)
    date_entry[i] = month
    programme[i] = Programme.NONE
    provider[i] = -1
    if tvet_certifies(int(key), i, pass_rate, float(relevance[q])):
        cert[i] = max(int(cert[i]), Cert.TVET)
        return 1
    return 0


def end_study(i, month, education, date_entry) -> None:
    """Student ``i``'s tertiary study ends: tertiary education, the month as its entry
    date."""
    education[i] = Education.TERTIARY
    date_entry[i] = month


def end_programme(
    key, i, month, pass_rate, status, programme, provider, months_left, cert, education,
    date_entry, enrolled, relevance,
) -> int:  # fmt: skip
    """A final-year student or TVET trainee ``i`` hired: its programme ends with the
    hire as at its end (``end_tvet``, ``end_study``; none months left). Returns 1 if a
    TVET certificate was won."""
    won = 0
    if status[i] == Status.TRAINING:
        won = end_tvet(
            key, i, month, pass_rate, programme, provider, cert, education, date_entry,
            enrolled, relevance,
        )  # fmt: skip
    else:
        end_study(i, month, education, date_entry)
    months_left[i] = 0
    return won


def delayed_months(key, row, share, mean_months) -> int:
    """Months a graduate ``row`` without a job stays out of the labour force before it
    searches ("slow employment"): with probability ``share`` (its draw 1 under ``key``,
    the month's programme-end stream) L, uniform on 1 .. 2 ``mean_months`` - 1 (draw
    2); else 0, it searches at once."""
    if share > 0.0 and py_uniform(key, row, 1) < share:
        span = 2 * mean_months - 1
        return 1 + min(int(py_uniform(key, row, 2) * span), span - 1)
    return 0


def enter_after_study(key, i, p, status, months_left, spell) -> int:
    """Graduate ``i`` without a job searches (unemployed) or delays its search
    (``delayed_months``): inactive for L month-ends, counted down in ``months_left``
    from L + 1 by ``demography.inactivity`` (the graduation month's own tick is the
    first). Returns 1 if it delays."""
    spell[i] = 0
    months = delayed_months(key, i, p.delay_share, p.delay_months)
    if months > 0:
        status[i] = Status.INACTIVE
        months_left[i] = months + 1
        return 1
    status[i] = Status.UNEMPLOYED
    return 0


def education_progress(
    key,
    month,
    p,
    status,
    programme,
    provider,
    months_left,
    cert,
    education,
    date_entry,
    spell,
    enrolled,
    course_enrolled,
    relevance,
    flows,
    spend,
):
    """Trainees count down (a voucher course month is paid); at the end TVET students
    free their TVET seat, may certify (pass chance x provider relevance) and enter the
    labour market; course graduates free their course seat and return to search.
    Students graduate into search with tertiary education. A graduate may delay its
    search (``enter_after_study``)."""
    k = int(key)
    for i in range(status.shape[0]):
        st = status[i]
        if st == Status.TRAINING:
            q = int(provider[i])
            if programme[i] == Programme.VOUCHER_COURSE:
                spend[Spend.VOUCHERS] += p.voucher_value
                flows[Flow.VOUCHER_MONTHS] += 1
            months_left[i] -= 1
            if months_left[i] > 0:
                continue
            if programme[i] == Programme.TVET:
                flows[Flow.TVET_CERTIFIED] += end_tvet(
                    k, i, month, p.tvet_certification_pass, programme, provider, cert,
                    education, date_entry, enrolled, relevance,
                )  # fmt: skip
                flows[Flow.GRADUATIONS] += 1
                flows[Flow.DELAYED_ENTRIES] += enter_after_study(
                    k, i, p, status, months_left, spell
                )
            else:
                course_enrolled[q] -= 1
                programme[i] = Programme.NONE
                provider[i] = -1
                status[i] = Status.UNEMPLOYED
                spell[i] = 0
        elif st == Status.STUDENT:
            months_left[i] -= 1
            if months_left[i] <= 0:
                end_study(i, month, education, date_entry)
                flows[Flow.GRADUATIONS] += 1
                flows[Flow.DELAYED_ENTRIES] += enter_after_study(
                    k, i, p, status, months_left, spell
                )
