"""Separations and the apprenticeship lifecycle: layoffs (lowest match quality first),
exits, quits, apprenticeship dropout, completion with certification, retention."""

import numpy as np
from numba import njit

from simulation.kernels import key_caches_on_sources, parallel
from simulation.kernels.memory import (
    AHEAD,
    HINT_FROM_WORKERS,
    prefetch_row,
    rows_with,
    rows_with_either,
)
from simulation.kernels.order import FEW, smallest
from simulation.kernels.scalar import greater, nonneg
from simulation.rng import uniform
from simulation.state import ApprState, Cert, Education, Flow, Programme, Spend, Status


@njit(inline="always")
def _to_unemployed(i, status, employer, wage, tenure, spell, provider):
    status[i] = Status.UNEMPLOYED
    employer[i] = -1
    wage[i] = 0.0
    tenure[i] = 0
    spell[i] = 0
    provider[i] = -1


# What ``separation_rows`` picks a row for: bits of its tag (``parallel.tagged``).
CANDIDATE, QUITS = 1, 2


def layoffs_and_quits(
    month, key, p, status, employer, gap_under, gap_over, wage, tenure, spell, provider,
    appr_state, displaced, date_displaced, alive, f_sector_brown, layoff_quota, headcount,
    apprentices, flows,
):  # fmt: skip
    """Layoffs, then quits (``twins.separations``).

    Layoffs: firms over their band lay off their quota, lowest match quality (highest
    under-skill gap) first, ties to the lower row; exited firms lay off everyone and
    dissolve their apprenticeships. Losing a brown-sector job marks a worker displaced.
    Quits: the employed who are still employed quit into unemployment, more often when
    mismatched.

    One pass over the rows, in parallel (``separation_rows``), finds both the workers
    who may be laid off (employees of firms with a quota, everyone at exited firms) and
    those who draw a quit (each draw is the row's own, and a layoff changes no other
    row's gaps); the firms then choose among the candidates in row order (``release``),
    and the quits of those still employed are booked in row order (``leave``): the
    result of the two steps one after the other, which took a pass over the rows each
    (BENCHMARKS.md)."""
    rows = parallel.picks(
        separation_rows, status.shape[0], key, p, status, employer, gap_under, gap_over,
        alive, layoff_quota, workers=status.shape[0],
    )  # fmt: skip
    release(
        month, rows, status, employer, gap_under, wage, tenure, spell, provider,
        appr_state, displaced, date_displaced, alive, f_sector_brown, layoff_quota, headcount,
        apprentices, flows,
    )  # fmt: skip
    leave(rows, status, employer, wage, tenure, spell, provider, headcount, flows)


@njit(cache=True, nogil=True)
def separation_rows(lo, hi, key, p, status, employer, gap_under, gap_over, alive, layoff_quota,
                    picked):  # fmt: skip
    """Rows ``lo <= i < hi`` of ``layoffs_and_quits`` (``parallel.picks``), each with its
    tag (``parallel.tagged``): ``CANDIDATE`` if the firm may lay it off, ``QUITS`` if it drew a quit."""
    c = lo
    for i in range(lo, hi):
        i = nonneg(i)  # (indices below are all >= 0: see scalar.nonneg)
        st = status[i]
        tag = 0
        if st == Status.EMPLOYED:
            f = nonneg(employer[i])
            if alive[f] == 0 or layoff_quota[f] > 0:
                tag = CANDIDATE
            prob = p.quit_rate * (1.0 + p.quit_mismatch * (gap_under[i] + gap_over[i]))
            if uniform(key, i, 0) < prob:
                tag |= QUITS
        elif st == Status.APPRENTICE and alive[nonneg(employer[i])] == 0:
            tag = CANDIDATE
        if tag != 0:
            picked[nonneg(c)] = parallel.tagged(i, tag)
            c += 1
    return c - lo


@njit(cache=True)
def release(
    month, rows, status, employer, gap_under, wage, tenure, spell, provider,
    appr_state, displaced, date_displaced, alive, f_sector_brown, layoff_quota, headcount,
    apprentices, flows,
):  # fmt: skip
    """The layoffs (``layoffs_and_quits``): the firms' choices among the rows of
    ``rows`` tagged ``CANDIDATE`` (row order within each firm): a firm's quota of its
    candidates in a stable sort by key; for a quota of at most ``order.FEW`` and keys
    that are numbers, those first few without the sort (``order.smallest``: the same
    workers, in the same order)."""
    m = alive.shape[0]
    hint = status.shape[0] >= HINT_FROM_WORKERS
    start = np.empty(m + 1, dtype=np.int64)
    start[:] = 0
    for t in range(rows.shape[0]):
        if hint and t + AHEAD < rows.shape[0]:
            prefetch_row(employer, nonneg(parallel.pick_row(rows[t + AHEAD])))
        if parallel.pick_tag(rows[t]) & CANDIDATE:
            start[nonneg(employer[nonneg(parallel.pick_row(rows[t]))]) + 1] += 1
    for f in range(m):
        start[f + 1] += start[f]
    members = np.empty(start[m], dtype=np.int64)
    fill = start[:-1].copy()
    for t in range(rows.shape[0]):
        if parallel.pick_tag(rows[t]) & CANDIDATE:
            i = parallel.pick_row(rows[t])
            f = nonneg(employer[i])
            members[nonneg(fill[f])] = i
            fill[f] += 1
    # Every candidate's key (the higher the under-skill gap, the earlier it goes), firm
    # by firm in one pass, each hinting the gap of the candidate AHEAD on: the
    # candidates of a firm are rows far apart, and a city's gaps are 40 MB.
    keys = np.empty(start[m])
    for t in range(start[m]):
        if hint and t + AHEAD < start[m]:
            prefetch_row(gap_under, nonneg(members[t + AHEAD]))
        keys[t] = -gap_under[nonneg(members[t])]
    for f in range(m):
        lo = start[f]
        hi = start[f + 1]
        if hi == lo:
            continue
        if alive[f] == 0:
            chosen = members[lo:hi]
        else:  # (a quota of up to FEW: the first few of the sort, without the sort)
            chosen = members[smallest(keys, lo, hi, np.int64(layoff_quota[f]), FEW)]
        for i in chosen:
            if status[i] == Status.APPRENTICE:
                appr_state[i] = ApprState.DISSOLVED
                apprentices[f] -= 1
                flows[Flow.APPR_DISSOLVED] += 1
            else:
                headcount[f] -= 1
                if alive[f] == 0:
                    flows[Flow.EXIT_LAYOFFS] += 1
                else:
                    flows[Flow.LAYOFFS] += 1
                if f_sector_brown[f] == 1:
                    displaced[i] = 1
                    date_displaced[i] = month
            _to_unemployed(i, status, employer, wage, tenure, spell, provider)


@njit(cache=True)
def leave(rows, status, employer, wage, tenure, spell, provider, headcount, flows):
    """The quits (``layoffs_and_quits``): the rows of ``rows`` tagged ``QUITS`` that are
    still employed, booked: the firm's headcount, the worker unemployed.

    From ``HINT_FROM_WORKERS`` rows up, each row hints the row ``AHEAD`` on, in the
    arrays a quit writes as well as its employer (a store waits for its line as a load
    does, and the quits are rows far apart), and the headcount of the employer of the
    row half as far on, whose employer has had that long to arrive (firm 0 for a row
    laid off meanwhile). Hinting the employer and the headcount alone left the pass as
    slow as before; with the written rows too it took 0.41 of its time at 10,000,000
    workers (BENCHMARKS.md)."""
    n = rows.shape[0]
    hint = status.shape[0] >= HINT_FROM_WORKERS
    for t in range(n):
        if hint and t + AHEAD < n:
            ahead = nonneg(parallel.pick_row(rows[nonneg(t + AHEAD)]))
            prefetch_row(employer, ahead)
            prefetch_row(status, ahead)
            prefetch_row(wage, ahead)
            prefetch_row(tenure, ahead)
            prefetch_row(spell, ahead)
            prefetch_row(provider, ahead)
        if hint and t + AHEAD // 2 < n:
            half = nonneg(parallel.pick_row(rows[nonneg(t + AHEAD // 2)]))
            prefetch_row(headcount, nonneg(greater(employer[half], 0)))
        i = nonneg(parallel.pick_row(rows[t]))  # (indices below are all >= 0: see scalar.nonneg)
        if not (parallel.pick_tag(rows[t]) & QUITS) or status[i] != Status.EMPLOYED:
            continue
        headcount[nonneg(employer[i])] -= 1
        _to_unemployed(i, status, employer, wage, tenure, spell, provider)
        flows[Flow.QUITS] += 1


@njit(cache=True)
def apprenticeship_progress(
    key_drop, key_done, month, p, status, employer, gap_under, wage, tenure, spell, provider,
    months_left, appr_state, appr_duration, appr_entitlement, appr_advance, appr_net, retained,
    cert, education, date_appr_start, date_appr_end, alive, f_region, productivity, wage_level,
    headcount, apprentices, train_benefit, flows, spend,
):  # fmt: skip
    """The apprentices' month. Dropout (hazard lower with quality standards): the
    advance paid at the start is clawed back. Completion: an assessment (pass chance
    = certification_pass x match quality); a pass earns the certificate (advanced at
    high match, with its bonus if the contract started under the run's policy: one
    started in the burn-in has the status quo's terms) and the rest of the subsidy due
    under the terms at the start; then the training firm keeps the graduate with probability base_retention,
    scaled down when the match is below its hiring bar, or the graduate searches. Each
    ended contract's account (``appr_net``) takes its subsidy (the advance, less any
    clawback, plus any balance) and, if the graduate is retained, the hiring cost saved;
    a completed contract whose account is not negative is counted as recouped
    (``Flow.APPR_RECOUPED``)."""
    hazard = p.dropout_hazard * (1.0 - p.quality_dropout_cut * p.quality_level)
    rows = rows_with(status, Status.APPRENTICE)  # (in row order: the same sums)
    for j in range(rows.shape[0]):
        if j + AHEAD < rows.shape[0]:
            ahead = nonneg(rows[j + AHEAD])
            prefetch_row(employer, ahead)
            prefetch_row(months_left, ahead)
            prefetch_row(appr_advance, ahead)
        i = nonneg(rows[j])
        f = employer[i]
        if uniform(key_drop, i, 0) < hazard:
            claw = appr_advance[i] * p.clawback_share
            spend[Spend.SUBSIDY] -= claw
            train_benefit[f] -= claw
            appr_net[i] = appr_net[i] + appr_advance[i] - claw
            apprentices[f] -= 1
            appr_state[i] = ApprState.DROPPED
            _to_unemployed(i, status, employer, wage, tenure, spell, provider)
            flows[Flow.APPR_DROPOUTS] += 1
            continue
        months_left[i] -= 1
        if months_left[i] > 0:
            continue
        apprentices[f] -= 1
        appr_state[i] = ApprState.COMPLETED
        date_appr_end[i] = month
        if education[i] < Education.VOCATIONAL:
            education[i] = Education.VOCATIONAL
        flows[Flow.APPR_COMPLETIONS] += 1
        match = 1.0 - gap_under[i]
        spend[Spend.QUALITY] += p.public_cost_per_completion
        net = appr_net[i] + appr_advance[i]
        if uniform(key_done, i, 0) < p.certification_pass * match:
            flows[Flow.APPR_CERTIFIED] += 1
            balance = appr_entitlement[i] - appr_advance[i]
            if match >= p.advanced_match:
                cert[i] = Cert.ADVANCED
                if date_appr_start[i] > 0.0:  # (the burn-in's months: 0 and below)
                    balance += p.advanced_bonus_per_year * appr_duration[i] / 12.0
            elif cert[i] < Cert.APPRENTICESHIP:
                cert[i] = Cert.APPRENTICESHIP
            spend[Spend.SUBSIDY] += balance
            train_benefit[f] += balance
            net += balance
        provider[i] = -1
        keep = p.base_retention
        if match < p.hire_threshold:  # below the hiring bar: kept in proportion
            keep *= match / p.hire_threshold
        if alive[f] == 1 and uniform(key_done, i, 1) < keep:
            status[i] = Status.EMPLOYED
            headcount[f] += 1
            tenure[i] = 0
            retained[i] = 1
            saved = p.hiring_cost_months * wage_level[f_region[f]] * productivity[f]
            train_benefit[f] += saved
            net += saved
            flows[Flow.APPR_RETAINED] += 1
        else:
            retained[i] = 0
            _to_unemployed(i, status, employer, wage, tenure, spell, provider)
        appr_net[i] = net
        if net >= 0.0:
            flows[Flow.APPR_RECOUPED] += 1


@njit(inline="always")
def end_tvet(key, i, month, pass_chance, programme, provider, cert, education, date_entry):
    """Trainee ``i``'s TVET programme ends (its seat is freed by the caller): vocational
    education, the month as its entry date, and a TVET certificate with ``pass_chance``
    (the provider's relevance times the pass rate) on its draw under ``key`` (the
    month's programme-end stream). Returns 1 if it certifies, else 0."""
    if education[i] < Education.VOCATIONAL:
        education[i] = Education.VOCATIONAL
    date_entry[i] = month
    programme[i] = Programme.NONE
    provider[i] = -1
    if uniform(key, i, 0) < pass_chance:
        if cert[i] < Cert.TVET:
            cert[i] = Cert.TVET
        return 1
    return 0


@njit(inline="always")
def end_study(i, month, education, date_entry):
    """Student ``i``'s tertiary study ends: tertiary education, the month as its entry
    date."""
    education[i] = Education.TERTIARY
    date_entry[i] = month


@njit(inline="always")
def enter_after_study(key, i, p, status, months_left, spell):
    """Graduate ``i`` leaves its tertiary study or TVET programme without a job: it
    searches (unemployed, spell 0) or, with ``p.delay_share`` on its draw under ``key``
    (the month's programme-end stream, draw 1), delays its search ("slow employment"):
    inactive for L month-ends, L uniform on 1 .. 2 ``p.delay_months`` - 1 (draw 2), then
    unemployed. ``months_left`` counts them down from L + 1: the graduation month's own
    tick (``demography.month_rows``) is the first. Returns 1 if it delays, else 0."""
    spell[i] = 0
    if p.delay_share > 0.0 and uniform(key, i, 1) < p.delay_share:
        span = 2 * p.delay_months - 1
        months = 1 + min(int(uniform(key, i, 2) * span), span - 1)
        status[i] = Status.INACTIVE
        months_left[i] = months + 1
        return 1
    status[i] = Status.UNEMPLOYED
    return 0


@njit(cache=True)
def education_progress(
    key, month, p, status, programme, provider, months_left, cert, education, date_entry, spell,
    enrolled, course_enrolled, relevance, flows, spend,
):  # fmt: skip
    """Trainees and students count down their programme; vouchers are paid per course
    month. At the end TVET students may certify (pass chance scales with the provider's
    relevance) and, like tertiary graduates, enter the labour market (both counted in
    GRADUATIONS: programmes that ended without a final-year hire), or delay their
    search a while (``enter_after_study``, counted in DELAYED_ENTRIES); course graduates
    return to search."""
    rows = rows_with_either(status, Status.TRAINING, Status.STUDENT)  # (in row order)
    for j in range(rows.shape[0]):
        if j + AHEAD < rows.shape[0]:
            ahead = nonneg(rows[j + AHEAD])
            prefetch_row(months_left, ahead)
            prefetch_row(programme, ahead)
            prefetch_row(provider, ahead)
        i = nonneg(rows[j])
        st = status[i]
        if st == Status.TRAINING:
            q = provider[i]
            if programme[i] == Programme.VOUCHER_COURSE:
                spend[Spend.VOUCHERS] += p.voucher_value
                flows[Flow.VOUCHER_MONTHS] += 1
            months_left[i] -= 1
            if months_left[i] > 0:
                continue
            if programme[i] == Programme.TVET:
                enrolled[q] -= 1
                flows[Flow.TVET_CERTIFIED] += end_tvet(
                    key, i, month, p.tvet_certification_pass * relevance[q], programme,
                    provider, cert, education, date_entry,
                )  # fmt: skip
                flows[Flow.GRADUATIONS] += 1
                flows[Flow.DELAYED_ENTRIES] += enter_after_study(
                    key, i, p, status, months_left, spell
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
                    key, i, p, status, months_left, spell
                )


key_caches_on_sources(globals())  # last: every kernel above
