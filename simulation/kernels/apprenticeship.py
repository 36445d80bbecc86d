"""Apprenticeship supply: each firm's expected net benefit of a trainee, and its slots.

The Swiss/German cost-benefit logic (Wolter & Ryan 2011; Muehlemann & Wolter 2014):
a firm gains the apprentice's productive contribution over the contract and, if it
retains the graduate, the hiring and induction cost it saves; it pays the apprentice
wage, mentor time, the cost of quality standards, and loses retention value to
poaching. A subsidy per apprentice per year, part paid in advance and clawed back on
dropout, shifts the balance.
"""

import math

import numpy as np
from numba import njit

from simulation.kernels import key_caches_on_sources, parallel
from simulation.kernels.memory import AHEAD, prefetch_row, rows_with
from simulation.kernels.scalar import greater, lesser, nonneg
from simulation.state import Status, Training


@njit(cache=True)
def expected_net_benefit(p, skilled_wage, min_wage, poach_rate):
    """Expected net benefit of one apprentice to a firm, yuan over the contract.

    ``p`` is an ApprParams tuple. Returns (net benefit, expected completion probability).
    """
    d = p.duration
    contribution = d * 0.5 * (p.contribution_start + p.contribution_end)
    contribution *= (1.0 - p.off_the_job_share) * skilled_wage
    wage = greater(p.wage_share * skilled_wage, p.wage_floor_share * min_wage) * d
    mentor = p.mentor_time_share * skilled_wage * d
    quality = p.quality_level * p.quality_cost * d
    hazard = p.dropout_hazard * (1.0 - p.quality_dropout_cut * p.quality_level)
    complete = (1.0 - hazard) ** d
    kept_advance = p.advance_share * (1.0 - p.clawback_share)
    subsidy = p.subsidy_per_year * d / 12.0 * (complete + (1.0 - complete) * kept_advance)
    retention = complete * p.base_retention * (1.0 - poach_rate)
    retention *= p.hiring_cost_months * skilled_wage
    return contribution + retention + subsidy - wage - mentor - quality, complete


def offer_slots(
    p, poach_rate, alive, region, headcount, apprentices, productivity, appr_extra,
    wage_level, min_wage, net_benefit, slots, workers=None,
):  # fmt: skip
    """Slots of each firm: if its expected net benefit plus its own extra contribution
    (``appr_extra`` months of the skilled wage, fixed when the firm is created) is
    positive, up to its mentor capacity and headcount cap, less current apprentices.
    Each firm's slots are its own: the firms run in parallel (``parallel.run``;
    ``workers``, the model's worker rows, as there)."""
    parallel.run(
        offer_slot_rows, alive.shape[0], p, poach_rate, alive, region, headcount, apprentices,
        productivity, appr_extra, wage_level, min_wage, net_benefit, slots, workers=workers,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def offer_slot_rows(
    lo, hi, p, poach_rate, alive, region, headcount, apprentices, productivity, appr_extra,
    wage_level, min_wage, net_benefit, slots,
):  # fmt: skip
    """``offer_slots`` for the firms ``lo <= f < hi``."""
    for f in range(lo, hi):
        slots[f] = 0
        if alive[f] == 0:
            net_benefit[f] = 0.0
            continue
        w = wage_level[region[f]] * productivity[f]
        nb, _ = expected_net_benefit(p, w, min_wage[region[f]], poach_rate)
        net_benefit[f] = nb
        if nb + appr_extra[f] * w <= 0.0:
            continue
        mentors = np.int64(headcount[f] * p.mentor_share + 0.5)
        cap = lesser(np.int64(mentors * p.mentor_ratio), np.int64(p.max_share * headcount[f] + 0.5))
        slots[f] = greater(cap - apprentices[f], 0)


@njit(cache=True)
def training_accounts(
    p, status, employer, months_left, appr_duration, region, productivity, appr_extra,
    wage_level, min_wage, train_cost, train_benefit, appr_net, money,
):  # fmt: skip
    """Book each active apprentice's month at the training firm: productive contribution
    (rising over the apprentice's own contract, plus the firm's extra contribution spread
    evenly) against wage, mentor time and quality cost; into the firm's accounts, into
    the contract's own (``appr_net``: benefit - cost, started afresh in its first month)
    and into the month's totals (``money``, by ``Training``)."""
    rows = rows_with(status, Status.APPRENTICE)  # (in row order: the same sums)
    for j in range(rows.shape[0]):
        if j + AHEAD < rows.shape[0]:
            ahead = nonneg(rows[j + AHEAD])
            prefetch_row(employer, ahead)
            prefetch_row(appr_duration, ahead)
            prefetch_row(months_left, ahead)
        i = nonneg(rows[j])
        f = employer[i]
        d = appr_duration[i]
        w = wage_level[region[f]] * productivity[f]
        m = d - months_left[i]  # months done before this one
        share = p.contribution_start
        if d > 1:
            share += (p.contribution_end - p.contribution_start) * m / (d - 1)
        contribution = share * (1.0 - p.off_the_job_share) * w
        extra = appr_extra[f] * w / d
        wage = greater(p.wage_share * w, p.wage_floor_share * min_wage[region[f]])
        cost = wage + p.mentor_time_share * w + p.quality_level * p.quality_cost
        train_benefit[f] += contribution
        train_benefit[f] += extra
        train_cost[f] += cost
        net = appr_net[i] if m > 0 else 0.0
        appr_net[i] = net + contribution + extra - cost
        money[Training.RETURNS] = money[Training.RETURNS] + contribution + extra
        money[Training.GROSS_COST] = money[Training.GROSS_COST] + cost


def net_cost_share_recouping(train_cost, train_benefit, started, alive):
    """(Net cost per apprenticeship started, yuan; share of training firms whose benefits
    (contribution, subsidy, retention value) cover their costs so far). Training firms
    are live firms that have started an apprentice; accounts run from the firm's entry
    (or the start of the burn-in). The training firms' net costs are summed by NumPy
    (pairwise), from the array ``training_firms`` lists them in."""
    net, n_started, recouping = training_firms(train_cost, train_benefit, started, alive)
    n = net.shape[0]
    if n == 0:
        return math.nan, math.nan
    return float(net.sum()) / float(n_started), recouping / n


@njit(cache=True, nogil=True)
def training_firms(train_cost, train_benefit, started, alive):
    """The training firms' net costs (cost - benefit) in firm order, their apprenticeships
    started, and how many of them recoup their costs (benefit >= cost)."""
    net = np.empty(alive.shape[0])
    n = 0
    n_started = 0
    recouping = 0
    for f in range(alive.shape[0]):
        if started[f] > 0 and alive[f] == 1:
            net[n] = train_cost[f] - train_benefit[f]
            n += 1
            n_started += started[f]
            recouping += train_benefit[f] >= train_cost[f]
    return net[:n], n_started, recouping


key_caches_on_sources(globals())  # last: every kernel above
