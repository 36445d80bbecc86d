"""Twin of ``simulation.kernels.apprenticeship``: a firm's net benefit of a trainee, its
slots, and the monthly training accounts."""

from __future__ import annotations

import math

from simulation.state import Status, Training
from simulation.twins.common import int_power


def expected_net_benefit(p, skilled_wage, min_wage, poach_rate):
    """(Net benefit of one apprentice over the contract in yuan, completion probability).

    Gains: productive contribution (rising linearly from ``contribution_start`` to
    ``contribution_end`` of a skilled wage, on the job only), the subsidy (in full on
    completion, the kept part of the advance otherwise), and the hiring cost saved by
    retaining the graduate unless poached. Costs: apprentice wage (share of the skilled
    wage, at least the floor), mentor time, quality standards.
    """
    d = p.duration
    contribution = d * 0.5 * (p.contribution_start + p.contribution_end)
    contribution *= (1.0 - p.off_the_job_share) * skilled_wage
    wage = max(p.wage_share * skilled_wage, p.wage_floor_share * min_wage) * d
    mentor = p.mentor_time_share * skilled_wage * d
    quality = p.quality_level * p.quality_cost * d
    hazard = p.dropout_hazard * (1.0 - p.quality_dropout_cut * p.quality_level)
    complete = int_power(1.0 - hazard, d)
    kept_advance = p.advance_share * (1.0 - p.clawback_share)
    subsidy = p.subsidy_per_year * d / 12.0 * (complete + (1.0 - complete) * kept_advance)
    retention = complete * p.base_retention * (1.0 - poach_rate)
    retention *= p.hiring_cost_months * skilled_wage
    return contribution + retention + subsidy - wage - mentor - quality, complete


def firm_slots(p, net_benefit: float, own: float, headcount: int, apprentices: int) -> int:
    """Open slots of a live firm: none unless net benefit plus its own extra contribution
    (yuan) is positive; else mentor capacity (mentors x ratio) capped by the share of
    headcount, less the apprentices it already trains."""
    if net_benefit + own <= 0.0:
        return 0
    mentors = int(headcount * p.mentor_share + 0.5)
    cap = min(int(mentors * p.mentor_ratio), int(p.max_share * headcount + 0.5))
    return max(cap - apprentices, 0)


def offer_slots(
    p,
    poach_rate,
    alive,
    region,
    headcount,
    apprentices,
    productivity,
    appr_extra,
    wage_level,
    min_wage,
    net_benefit,
    slots,
):
    """Each live firm's expected net benefit of an apprentice and its slots; the firm's
    own extra contribution is ``appr_extra`` months of its skilled wage."""
    for f in range(alive.shape[0]):
        slots[f] = 0
        if alive[f] == 0:
            net_benefit[f] = 0.0
            continue
        r = int(region[f])
        w = float(wage_level[r]) * float(productivity[f])
        nb, _ = expected_net_benefit(p, w, float(min_wage[r]), poach_rate)
        net_benefit[f] = nb
        own = float(appr_extra[f]) * w
        slots[f] = firm_slots(p, nb, own, int(headcount[f]), int(apprentices[f]))


def contribution_share(p, duration: int, months_done: int) -> float:
    """Share of a skilled worker's output an apprentice on a ``duration``-month contract
    produces after ``months_done`` months: rising linearly from ``contribution_start``
    to ``contribution_end``."""
    share = p.contribution_start
    if duration > 1:
        share += (p.contribution_end - p.contribution_start) * months_done / (duration - 1)
    return share


def apprentice_month_cost(p, skilled_wage: float, min_wage: float) -> float:
    """Cost to the training firm of one apprentice month: wage, mentor time, quality."""
    wage = max(p.wage_share * skilled_wage, p.wage_floor_share * min_wage)
    return wage + p.mentor_time_share * skilled_wage + p.quality_level * p.quality_cost


def training_accounts(
    p,
    status,
    employer,
    months_left,
    appr_duration,
    region,
    productivity,
    appr_extra,
    wage_level,
    min_wage,
    train_cost,
    train_benefit,
    appr_net,
    money,
):
    """Book each apprentice's month at its training firm: on-the-job contribution over
    the apprentice's own contract, the firm's extra contribution spread evenly over it,
    against wage, mentor time and quality cost; into the firm's accounts, into the
    contract's own (``appr_net``, ``contract_net``) and into the month's totals
    (``money``, by ``Training``)."""
    for i in range(status.shape[0]):
        if status[i] != Status.APPRENTICE:
            continue
        f = int(employer[i])
        r = int(region[f])
        w = float(wage_level[r]) * float(productivity[f])
        contribution, extra, cost = apprentice_month(
            p,
            int(appr_duration[i]),
            int(months_left[i]),
            w,
            float(min_wage[r]),
            float(appr_extra[f]),
        )
        train_benefit[f] = float(train_benefit[f]) + contribution + extra
        train_cost[f] = float(train_cost[f]) + cost
        d, left = int(appr_duration[i]), int(months_left[i])
        appr_net[i] = contract_net(d, left, float(appr_net[i]), contribution, extra, cost)
        book_month_totals(money, contribution, extra, cost)


def book_month_totals(money, contribution, extra, cost):
    """Add one apprentice-month to the month's training totals (in worker row order)."""
    money[Training.RETURNS] = float(money[Training.RETURNS]) + contribution + extra
    money[Training.GROSS_COST] = float(money[Training.GROSS_COST]) + cost


def contract_net(duration, months_left, net, contribution, extra, cost):
    """The contract's net benefit to its training firm after this month's booking: its
    first month (none done yet) starts the account afresh."""
    if duration - months_left == 0:
        net = 0.0
    return net + contribution + extra - cost


def apprentice_month(p, duration, months_left, skilled_wage, min_wage, own_extra):
    """One apprentice month at its training firm: (on-the-job contribution over the
    apprentice's own contract, the firm's extra contribution ``own_extra`` months of the
    skilled wage spread evenly over the contract, cost: wage, mentor time, quality).
    Book the benefit as ``(benefit + contribution) + extra``, in that order."""
    share = contribution_share(p, duration, duration - months_left)
    contribution = share * (1.0 - p.off_the_job_share) * skilled_wage
    extra = own_extra * skilled_wage / duration
    return contribution, extra, apprentice_month_cost(p, skilled_wage, min_wage)


def net_cost_share_recouping(train_cost, train_benefit, started, alive):
    """``training_firm_accounts`` of the live firms."""
    return training_firm_accounts(
        (float(train_cost[f]), float(train_benefit[f]), int(started[f]))
        for f in range(alive.shape[0])
        if alive[f] == 1
    )


def training_firm_accounts(accounts):
    """(Net cost per apprenticeship started, share of training firms whose benefits cover
    their costs) from (cost, benefit, apprenticeships started) of each live firm; training
    firms are those that have started an apprentice. The kernel sums with NumPy
    (pairwise), so the net cost agrees to rounding only."""
    net = []
    n_started = 0
    recouping = 0
    for cost, benefit, started in accounts:
        if started > 0:
            net.append(cost - benefit)
            n_started += started
            recouping += benefit >= cost
    if not net:
        return math.nan, math.nan
    return math.fsum(net) / n_started, recouping / len(net)
