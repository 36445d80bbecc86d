"""Twin of ``simulation.kernels.skills``: learning on the job, depreciation, training."""

from __future__ import annotations

from simulation.state import Status
from simulation.twins.common import f32


def job_gaps(skills_row, req_row) -> tuple[float, float]:
    """(under, over) gap of a worker's skills at a job's requirements.

    under: requirement-weighted shortfall, sum r_k max(r_k - s_k, 0) / sum r_k;
    over: excess in domains the job needs little, sum (1 - r_k) max(s_k - r_k, 0) / sum (1 - r_k).
    Expected productivity (match quality) is 1 - under.

    The differences r_k - s_k are taken in float32, as numba does (in numba ``float()`` of
    a float32 stays float32); everything else is float64.
    """
    un = ud = on = od = 0.0
    for k in range(len(skills_row)):
        r = float(req_row[k])
        s = float(skills_row[k])
        if r > s:  # (adding r x 0 elsewhere would change nothing)
            un += r * f32(r - s)
        elif s > r:
            on += (1.0 - r) * f32(s - r)
        ud += r
        od += 1.0 - r
    under = un / ud if ud > 0.0 else 0.0
    over = on / od if od > 0.0 else 0.0
    return under, over


def learn_at_work(p, apprentice, ability, skills_row, req_row, mix_row, quality, relevance):
    """One month at a job (or apprenticeship), in place on ``skills_row``.

    Each domain closes a share ``speed`` of its shortfall to the requirement (speed grows
    with ability and core skill; apprentices learn ``appr_boost`` times faster, more with
    quality standards, for their on-the-job share of time) and depreciates in proportion
    to how little the job uses it. An apprentice with a provider (``mix_row`` not None)
    also gains toward 1 by the domain's weight in the programme, scaled by quality,
    ability, provider quality and relevance. Skills stay in [0, 1]. (The shortfall
    r - s is a float32 difference, as in the kernel.)
    """
    a = ability
    speed = p.learning_rate * a * (1.0 + p.core_boost * float(skills_row[0]))
    off = 0.0
    if apprentice:
        boost = 1.0 + p.quality_boost * p.quality_level
        speed *= p.appr_boost * boost * (1.0 - p.off_the_job_share)
        if mix_row is not None:
            off = p.training_rate * p.off_the_job_share * boost * a
            off *= quality * relevance
    for k in range(len(skills_row)):
        r = float(req_row[k])
        s = float(skills_row[k])
        if r > s:
            s += speed * f32(r - s)
        s -= p.depreciation_employed * s * (1.0 - r)
        if mix_row is not None:
            s += off * float(mix_row[k]) * (1.0 - s)
        skills_row[k] = min(max(s, 0.0), 1.0)


def depreciate_idle(p, skills_row):
    """One month without work or study: every skill decays (core skills at half rate)."""
    for k in range(len(skills_row)):
        rate = p.depreciation_unemployed * (0.5 if k == 0 else 1.0)
        s = float(skills_row[k])
        skills_row[k] = s - rate * s


def learn_in_training(p, ability, skills_row, mix_row, quality, relevance):
    """One month of a TVET programme or course: each domain gains toward 1 by its weight
    in the programme, scaled by provider quality, relevance, ability and core skill."""
    core = float(skills_row[0])
    g = p.training_rate * quality * relevance * ability * (1.0 + p.core_boost * core)
    for k in range(len(skills_row)):
        s = float(skills_row[k])
        skills_row[k] = min(s + g * float(mix_row[k]) * (1.0 - s), 1.0)


def learn_in_tertiary(p, skills_row):
    """One month of tertiary study: core and digital skills gain toward 1."""
    for k in range(2):
        s = float(skills_row[k])
        skills_row[k] = s + p.tertiary_gain_per_month * (1.0 - s)


def update_skills(
    p,
    status,
    employer,
    provider,
    ability,
    skills,
    req,
    prov_mix,
    prov_quality,
    prov_relevance,
    gap_under,
    gap_over,
):
    for i in range(status.shape[0]):
        st = status[i]
        a = float(ability[i])
        if st == Status.EMPLOYED or st == Status.APPRENTICE:
            f = int(employer[i])
            q = int(provider[i]) if st == Status.APPRENTICE else -1
            mix_row, quality, relevance = None, 0.0, 0.0
            if q >= 0:
                mix_row = prov_mix[q]
                quality, relevance = float(prov_quality[q]), float(prov_relevance[q])
            apprentice = st == Status.APPRENTICE
            learn_at_work(p, apprentice, a, skills[i], req[f], mix_row, quality, relevance)
            gap_under[i], gap_over[i] = job_gaps(skills[i], req[f])
        elif st == Status.UNEMPLOYED or st == Status.INACTIVE:
            depreciate_idle(p, skills[i])
        elif st == Status.TRAINING:
            q = int(provider[i])
            quality, relevance = float(prov_quality[q]), float(prov_relevance[q])
            learn_in_training(p, a, skills[i], prov_mix[q], quality, relevance)
        elif st == Status.STUDENT:
            learn_in_tertiary(p, skills[i])
