"""Skills: on-the-job learning, depreciation, training and apprenticeship gains."""

import numpy as np
from numba import njit

from simulation.kernels import key_caches_on_sources, parallel
from simulation.kernels.memory import AHEAD, prefetch_row
from simulation.kernels.scalar import greater, lesser, nonneg
from simulation.state import Status


@njit(inline="always")
def job_gaps(skills, i, req, f):
    """(under, over) gap of worker ``i`` at a job of firm ``f``.

    under: requirement-weighted shortfall, sum r_k max(r_k - s_k, 0) / sum r_k;
    over: excess in domains the job needs little, sum (1 - r_k) max(s_k - r_k, 0) / sum (1 - r_k).
    Expected productivity (match quality) is 1 - under.
    """
    un = 0.0
    ud = 0.0
    on = 0.0
    od = 0.0
    for k in range(skills.shape[1]):
        r = float(req[f, k])
        s = float(skills[i, k])
        un += r * greater(r - s, 0.0)
        ud += r
        on += (1.0 - r) * greater(s - r, 0.0)
        od += 1.0 - r
    under = un / ud if ud > 0.0 else 0.0
    over = on / od if od > 0.0 else 0.0
    return under, over


@njit(inline="always")
def gap_sums(sums, f, term_under, term_over):
    """``job_gaps``'s (under, over) at firm ``f`` from the domains' terms
    (``term_under[k]`` = r_k max(r_k - s_k, 0), ``term_over[k]`` = (1 - r_k) max(s_k -
    r_k, 0)) and the firm's requirement sums (``requirement_sums``): the sums added in
    domain order, as in ``job_gaps``, bit for bit.

    The skill update writes the terms (one per domain: ``term_under`` and ``term_over``
    hold as many entries as there are domains) in its own loop over the domains, from
    the skills it has just computed (``update_skill_rows``). The terms first and the
    sums after let LLVM compute several domains' terms at a time, where ``job_gaps``'s
    one loop waits on its sums domain by domain (the update in 0.85-0.90 of its time at
    20,000 workers, BENCHMARKS.md); taking the terms from the skills just computed, not
    read back from memory, where the CPU waits for the update's stores to land, took
    the update to 0.92 of its time again. The denominators, sum r_k and sum (1 - r_k),
    depend on the firm alone: they are added once per firm, not once per worker.
    tests/test_kernels.py holds the update's gaps to ``job_gaps``'s bits."""
    un = 0.0
    on = 0.0
    for k in range(term_under.shape[0]):
        un += term_under[k]
        on += term_over[k]
    ud = sums[f, 0]
    od = sums[f, 1]
    under = un / ud if ud > 0.0 else 0.0
    over = on / od if od > 0.0 else 0.0
    return under, over


@njit(cache=True, nogil=True)
def requirement_sums(req):
    """Each firm's sum r_k and sum (1 - r_k) over the domains (``job_gaps``'s
    denominators), added in domain order from 0.0 as ``job_gaps`` adds them."""
    sums = np.empty((req.shape[0], 2))
    requirement_sum_rows(0, req.shape[0], req, sums)
    return sums


@njit(cache=True, nogil=True)
def requirement_sum_rows(lo, hi, req, sums):
    """``requirement_sums`` of the firms ``lo <= f < hi``, into ``sums``."""
    for f in range(lo, hi):
        f = nonneg(f)  # (indices below are all >= 0: see scalar.nonneg)
        ud = 0.0
        od = 0.0
        for k in range(req.shape[1]):
            r = float(req[f, k])
            ud += r
            od += 1.0 - r
        sums[f, 0] = ud
        sums[f, 1] = od


@njit(inline="always")
def keep_skill(skills, i, k, r, s, term_under, term_over):
    """Store skill ``s``, clamped to [0, 1], as worker ``i``'s domain ``k``, and write
    the gaps' terms at requirement ``r`` (``gap_sums``) from the skill as stored."""
    kept = skills.dtype.type(lesser(greater(s, 0.0), 1.0))  # (as stored)
    skills[i, k] = kept
    s = float(kept)  # the gaps' terms from the skill as stored, not reloaded
    term_under[k] = r * greater(r - s, 0.0)
    term_over[k] = (1.0 - r) * greater(s - r, 0.0)


def update_skills(
    p, status, employer, provider, ability, skills, req, prov_mix, prov_quality,
    prov_relevance, gap_under, gap_over,
):  # fmt: skip
    """One month of skill change for every worker, then the gaps at the current job.

    Employed and apprentices learn toward the job's requirement (faster with ability
    and core skill; apprentices faster still, scaled by quality, for the on-the-job
    part of their time) and lose skills the job does not use; apprentices and trainees
    gain toward 1 in each domain by its weight in the provider's programme, scaled by
    provider quality and curriculum relevance; the unemployed and inactive lose skills
    (core skills at half the rate); tertiary students gain core and digital skills.
    Each worker's change is its own: the rows run in parallel (``parallel.run``), after
    the firms' ``requirement_sums``.
    """
    parallel.run(
        update_skill_rows, status.shape[0], p, status, employer, provider, ability, skills,
        req, prov_mix, prov_quality, prov_relevance, gap_under, gap_over,
        requirement_sums(req), workers=status.shape[0],
    )  # fmt: skip


@njit(cache=True, nogil=True)
def update_skill_rows(
    lo,
    hi,
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
    req_sums,
):
    """``update_skills`` for the workers in rows ``lo <= i < hi``; ``req_sums`` the
    firms' ``requirement_sums``."""
    n_domains = skills.shape[1]
    n = status.shape[0]
    term_under = np.empty(n_domains)  # the gaps' terms (gap_sums)
    term_over = np.empty(n_domains)
    for i in range(lo, hi):
        i = nonneg(i)  # (indices below are all >= 0: see scalar.nonneg)
        if i + AHEAD < n:  # the employer's requirements and their sums, soon
            ahead = employer[nonneg(i + AHEAD)]
            prefetch_row(req, ahead)
            prefetch_row(req_sums, ahead)
        st = status[i]
        a = float(ability[i])
        core = float(skills[i, 0])
        if st == Status.EMPLOYED or st == Status.APPRENTICE:
            f = nonneg(employer[i])
            speed = p.learning_rate * a * (1.0 + p.core_boost * core)
            off = 0.0
            q = -1
            if st == Status.APPRENTICE:
                quality = 1.0 + p.quality_boost * p.quality_level
                speed *= p.appr_boost * quality * (1.0 - p.off_the_job_share)
                q = provider[i]
                if q >= 0:
                    q = nonneg(q)
                    off = p.training_rate * p.off_the_job_share * quality * a
                    off *= prov_quality[q] * prov_relevance[q]
            if q >= 0:  # an apprentice at a provider: the programme's part too
                for k in range(n_domains):
                    r = float(req[f, k])
                    s = float(skills[i, k])
                    if r > s:
                        s += speed * (r - s)
                    s -= p.depreciation_employed * s * (1.0 - r)
                    s += off * prov_mix[q, k] * (1.0 - s)
                    keep_skill(skills, i, k, r, s, term_under, term_over)
            else:  # the same without it: no test a domain (BENCHMARKS.md)
                for k in range(n_domains):
                    r = float(req[f, k])
                    s = float(skills[i, k])
                    if r > s:
                        s += speed * (r - s)
                    s -= p.depreciation_employed * s * (1.0 - r)
                    keep_skill(skills, i, k, r, s, term_under, term_over)
            under, over = gap_sums(req_sums, f, term_under, term_over)
            gap_under[i] = under
            gap_over[i] = over
        elif st == Status.UNEMPLOYED or st == Status.INACTIVE:
            for k in range(n_domains):
                rate = p.depreciation_unemployed * (0.5 if k == 0 else 1.0)
                s = float(skills[i, k])
                skills[i, k] = s - rate * s
        elif st == Status.TRAINING:
            q = nonneg(provider[i])
            g = (
                p.training_rate
                * prov_quality[q]
                * prov_relevance[q]
                * a
                * (1.0 + p.core_boost * core)
            )
            for k in range(n_domains):
                s = float(skills[i, k])
                skills[i, k] = lesser(s + g * prov_mix[q, k] * (1.0 - s), 1.0)
        elif st == Status.STUDENT:
            for k in range(2):  # core and digital
                s = float(skills[i, k])
                skills[i, k] = s + p.tertiary_gain_per_month * (1.0 - s)


key_caches_on_sources(globals())  # last: every kernel above
