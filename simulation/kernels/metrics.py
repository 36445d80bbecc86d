"""One pass over workers and firms that tallies the counts and sums every metric is
built from. Rates are composed from these small tables in ``simulation.metrics``."""

import math

import numpy as np
from numba import njit
from numba.cpython.unsafe.numbers import trailing_zeros

from simulation.kernels import key_caches_on_sources, order, parallel
from simulation.kernels.memory import (
    AHEAD,
    EACH_BYTE,
    HINT_FROM_WORKERS,
    byte_hits,
    bytes_only,
    nonzero_bytes,
    prefetch_row,
)
from simulation.kernels.scalar import (
    f32_bits,
    f32_from_bits,
    greater,
    lesser,
    nonneg,
    top_of_seven,
)
from simulation.state import ApprState, Flow, SectorKind, Spend, Status, Training

# region table columns (residents of each region)
R_POP, R_LF, R_EMP, R_APPR, R_UNEMP, R_YOUTH_LF, R_YOUTH_UNEMP = 0, 1, 2, 3, 4, 5, 6
R_TRAINING, R_STUDENT, R_INACTIVE, R_WAGE, R_GAP, R_VAC, R_JOBS = 7, 8, 9, 10, 11, 12, 13
R_YOUTH_POP, R_YOUTH_NEET = 14, 15  # under 25: all, and not in work, education or training
N_R = 16
# sector table columns (by employer's sector)
S_EMP, S_APPR, S_VAC, S_SSV, S_FIRMS, S_TRAINING_FIRMS, S_WAGE, S_GAP, S_SLOTS = range(9)
N_S = 9
# global tallies
G_UNDER, G_OVER, G_OUTSIDE = 0, 1, 2
G_DISPLACED_LF, G_DISPLACED_UNEMP = 3, 4
G_ENTRY_WINDOW, G_ENTRY_FOUND = 5, 6
G_COMPLETERS_12, G_COMPLETERS_12_EMP = 7, 8
G_APPR_WAGE, G_APPR_N, G_OTHER_WAGE, G_OTHER_N = 9, 10, 11, 12
G_GREEN_MIX = 13
G_RETAINED_12, G_POACHED_12 = 14, 15
G_APPR_REL, G_OTHER_REL = 16, 17  # wages relative to the employer's skilled wage
N_G = 18
# entry cohort table columns (by year of labour-market entry)
C_SIZE, C_EMP, C_APPR_EVER, C_CERT, C_MATURE, C_FOUND_12, C_WAGE, C_WAGE_N = range(8)
N_C = 8
# sector x region table columns (cell c = employer's sector * R + worker's region)
X_EMP, X_GAP, X_UNDER, X_WAGE = range(4)
N_X = 4
TALLY_BLOCK = 8192  # workers per block of the parallel tally


@njit(inline="always")
def one_if(condition):
    """1.0 if ``condition``, else 0.0: a term for a sum without a branch on a condition
    that goes either way at random, row by row. Where it is false the sum adds 0.0,
    which leaves it as it was bit for bit (a sum that starts from 0.0 is never -0.0)."""
    return 1.0 if condition else 0.0


@njit(inline="always")
def _main_field(table, i, n_domains):
    """Technical domain (not core) with the highest value in row ``i`` of ``table``;
    lowest index on ties. The model's eight domains by ``top_of_seven`` (no branches);
    other widths (tests) by the loop, whose running maximum is kept in a register."""
    if n_domains == 8:
        return top_of_seven(table, i)
    best = 1
    top = table[i, 1]
    for k in range(2, n_domains):
        v = table[i, k]
        if v > top:
            top = v
            best = k
    return best


@njit(cache=True, no_cpython_wrapper=True)  # called from kernels only: no Python wrapper to compile
def _tally_rows(
    lo, hi, month, p, status, age, region, employer, skills, gap_under, gap_over, wage, cert,
    appr_state, retained, poached, displaced, date_entry, date_first_job, date_appr_end,
    f_sector, f_field, productivity, wage_level, first_cohort_year, by_region, by_sector,
    by_cohort, by_cell, g,
):  # fmt: skip
    """Add workers ``lo <= i < hi`` to the tables. (One call per block of rows: called
    once per worker, its ~25 array arguments cost a reference count update each.)

    The global sums are kept in local variables and added to ``g`` at the end: LLVM
    cannot keep ``g``'s entries in registers (it may share memory with the other
    tables), and a load and a store per addition cost 7-8% of the tally (BENCHMARKS.md).
    Each is added up in the same order, from the same 0.0 as ``g``'s block row, so the
    sums are the same bit for bit.

    From ``HINT_FROM_WORKERS`` rows up, each row hints the firm fields of the row
    ``AHEAD`` rows on (``prefetch_row``): in a city the pass over the workers pushes the
    firms' arrays out of the caches, and the tally waited on them (twice as long at
    10,000,000 workers; BENCHMARKS.md).

    An employed worker's tests (under- and over-skilled, outside its field, which
    premium group) add ``one_if`` terms instead of branching: each goes either way at
    random from row to row. The tally took 0.93-0.96 of its time at 20,000 workers (at
    10,000,000, where it waits on memory, as long as before). Without the branch on the
    status as well (every row adding the employed terms, 0.0 for the others) it took
    1.27: more work for every row than the mispredictions cost (BENCHMARKS.md)."""
    if skills.shape[1] != 8:  # (the main field reads a row's eight skills at once)
        raise ValueError("the tally takes the model's eight skill domains")
    n_regions = by_region.shape[0]
    n_cohorts = by_cohort.shape[0]
    # rows hinted ahead: those before ``hinted`` (none below HINT_FROM_WORKERS rows)
    hinted = hi - AHEAD if status.shape[0] >= HINT_FROM_WORKERS else lo
    g_appr_n = 0.0
    g_appr_rel = 0.0
    g_appr_wage = 0.0
    g_completers_12 = 0.0
    g_completers_12_emp = 0.0
    g_displaced_lf = 0.0
    g_displaced_unemp = 0.0
    g_entry_found = 0.0
    g_entry_window = 0.0
    g_other_n = 0.0
    g_other_rel = 0.0
    g_other_wage = 0.0
    g_outside = 0.0
    g_over = 0.0
    g_poached_12 = 0.0
    g_retained_12 = 0.0
    g_under = 0.0
    for i in range(lo, hi):
        i = nonneg(i)  # (indices below are all >= 0: see scalar.nonneg)
        if i < hinted:  # the employer's sector, field and productivity, soon
            ahead = employer[nonneg(i + AHEAD)]
            prefetch_row(f_sector, ahead)
            prefetch_row(f_field, ahead)
            prefetch_row(productivity, ahead)
        st = status[i]
        if st == Status.RETIRED or st == Status.LEAVER:
            continue
        r = nonneg(region[i])
        by_region[r, R_POP] += 1
        youth = age[i] < p.youth_age_months
        by_region[r, R_YOUTH_POP] += one_if(youth)
        in_lf = st == Status.EMPLOYED or st == Status.APPRENTICE or st == Status.UNEMPLOYED
        if in_lf:
            by_region[r, R_LF] += 1
            if youth:
                by_region[r, R_YOUTH_LF] += 1
            if displaced[i] == 1:
                g_displaced_lf += 1
        if st == Status.EMPLOYED:
            f = nonneg(employer[i])
            s = nonneg(f_sector[f])
            gap = gap_under[i] + gap_over[i]
            by_region[r, R_EMP] += 1
            by_region[r, R_WAGE] += wage[i]
            by_region[r, R_GAP] += gap
            by_sector[s, S_EMP] += 1
            by_sector[s, S_WAGE] += wage[i]
            by_sector[s, S_GAP] += gap
            x = nonneg(s * n_regions + r)
            by_cell[x, X_EMP] += 1
            by_cell[x, X_GAP] += gap
            by_cell[x, X_WAGE] += wage[i]
            under = gap_under[i] > p.under_gap
            g_under += one_if(under)
            by_cell[x, X_UNDER] += one_if(under)
            g_over += one_if(gap_over[i] > p.over_gap)
            g_outside += one_if(top_of_seven(skills, i) != f_field[f])  # (the main field)
            if age[i] < p.premium_age_months:
                a_st = appr_state[i]
                completed = a_st == ApprState.COMPLETED
                never = a_st == ApprState.NEVER
                scale = wage_level[r] * productivity[f] if completed | never else 1.0
                rel = wage[i] / scale
                g_appr_wage += wage[i] if completed else 0.0
                g_appr_rel += rel if completed else 0.0
                g_appr_n += one_if(completed)
                g_other_wage += wage[i] if never else 0.0
                g_other_rel += rel if never else 0.0
                g_other_n += one_if(never)
        elif st == Status.APPRENTICE:
            by_region[r, R_APPR] += 1
            by_sector[nonneg(f_sector[nonneg(employer[i])]), S_APPR] += 1
        elif st == Status.UNEMPLOYED:
            by_region[r, R_UNEMP] += 1
            if youth:
                by_region[r, R_YOUTH_UNEMP] += 1
                by_region[r, R_YOUTH_NEET] += 1
            if displaced[i] == 1:
                g_displaced_unemp += 1
        elif st == Status.TRAINING:
            by_region[r, R_TRAINING] += 1
        elif st == Status.STUDENT:
            by_region[r, R_STUDENT] += 1
        elif st == Status.INACTIVE:
            by_region[r, R_INACTIVE] += 1
            by_region[r, R_YOUTH_NEET] += one_if(youth)
        working = st == Status.EMPLOYED or st == Status.APPRENTICE
        if not math.isnan(date_appr_end[i]):
            since = month - date_appr_end[i]
            if 12 <= since < 24:
                g_completers_12 += 1
                if retained[i] == 1:
                    g_retained_12 += 1
                    if poached[i] == 1:
                        g_poached_12 += 1
                if working:
                    g_completers_12_emp += 1
        if not math.isnan(date_entry[i]):
            since = month - date_entry[i]
            found = (not math.isnan(date_first_job[i])) and date_first_job[i] - date_entry[i] <= 12
            if 12 <= since < 24:
                g_entry_window += 1
                if found:
                    g_entry_found += 1
            c = np.int64(math.floor(date_entry[i] / 12.0)) - first_cohort_year
            c = nonneg(lesser(greater(c, 0), n_cohorts - 1))
            by_cohort[c, C_SIZE] += 1
            if working:
                by_cohort[c, C_EMP] += 1
            if appr_state[i] != ApprState.NEVER:
                by_cohort[c, C_APPR_EVER] += 1
            if cert[i] > 0:
                by_cohort[c, C_CERT] += 1
            if since >= 12:
                by_cohort[c, C_MATURE] += 1
                if found:
                    by_cohort[c, C_FOUND_12] += 1
            if st == Status.EMPLOYED:
                by_cohort[c, C_WAGE] += wage[i]
                by_cohort[c, C_WAGE_N] += 1
    g[G_APPR_N] += g_appr_n
    g[G_APPR_REL] += g_appr_rel
    g[G_APPR_WAGE] += g_appr_wage
    g[G_COMPLETERS_12] += g_completers_12
    g[G_COMPLETERS_12_EMP] += g_completers_12_emp
    g[G_DISPLACED_LF] += g_displaced_lf
    g[G_DISPLACED_UNEMP] += g_displaced_unemp
    g[G_ENTRY_FOUND] += g_entry_found
    g[G_ENTRY_WINDOW] += g_entry_window
    g[G_OTHER_N] += g_other_n
    g[G_OTHER_REL] += g_other_rel
    g[G_OTHER_WAGE] += g_other_wage
    g[G_OUTSIDE] += g_outside
    g[G_OVER] += g_over
    g[G_POACHED_12] += g_poached_12
    g[G_RETAINED_12] += g_retained_12
    g[G_UNDER] += g_under


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
    """Fill the region, sector, cohort, sector x region and global tables for this month. Cohort row c
    holds entrants of year ``first_cohort_year + c`` (year = floor(entry month / 12)).

    Workers are tallied in parallel in fixed blocks of ``TALLY_BLOCK`` rows, each into
    tables of its own (``tally_blocks``), which are then added up in block order
    (``tally_total``): the result does not depend on the number of threads. A model
    whose month runs in one call takes the same steps in one call
    (``tally_in_one_call``, ``Engine._tally_tables``)."""
    n_blocks = (status.shape[0] + TALLY_BLOCK - 1) // TALLY_BLOCK
    f_field = main_fields(req, alive.shape[0])
    reg = np.zeros((n_blocks, *by_region.shape))
    sec = np.zeros((n_blocks, *by_sector.shape))
    coh = np.zeros((n_blocks, *by_cohort.shape))
    cel = np.zeros((n_blocks, *by_cell.shape))
    glob = np.zeros((n_blocks, g.shape[0]))
    parallel.run(
        tally_blocks, n_blocks, month, p, status, age, region, employer, skills, gap_under,
        gap_over, wage, cert, appr_state, retained, poached, displaced, date_entry,
        date_first_job, date_appr_end, f_sector, f_field, productivity, wage_level,
        first_cohort_year, reg, sec, coh, cel, glob, min_piece=1, workers=status.shape[0],
    )  # fmt: skip
    tally_total(
        p, alive, f_sector, f_region, headcount, apprentices, vacancies, vac_age, vac_apps,
        vac_qualified, slots, prov_mix, reg, sec, coh, cel, glob, by_region, by_sector,
        by_cohort, by_cell, g,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def tally_in_one_call(
    month, p, status, age, region, employer, skills, gap_under, gap_over, wage, cert,
    appr_state, retained, poached, displaced, date_entry, date_first_job, date_appr_end,
    alive, f_sector, f_region, req, headcount, apprentices, vacancies, vac_age, vac_apps,
    vac_qualified, slots, productivity, wage_level, prov_mix, first_cohort_year, by_region,
    by_sector, by_cohort, by_cell, g,
):  # fmt: skip
    """``tally``'s steps in one call, its blocks one after the other: some 20 us of
    calls and allocations less a month at 20,000 workers. For models whose month runs
    in one call (``Engine._in_one_call``): like that month's kernel it is compiled by
    the cold start's helper (``compile_ahead.compile_month``), not in a first month
    (it took a cold start about 2 s longer there)."""
    n_blocks = (status.shape[0] + TALLY_BLOCK - 1) // TALLY_BLOCK
    f_field = main_fields(req, alive.shape[0])
    reg = np.zeros((n_blocks, by_region.shape[0], by_region.shape[1]))
    sec = np.zeros((n_blocks, by_sector.shape[0], by_sector.shape[1]))
    coh = np.zeros((n_blocks, by_cohort.shape[0], by_cohort.shape[1]))
    cel = np.zeros((n_blocks, by_cell.shape[0], by_cell.shape[1]))
    glob = np.zeros((n_blocks, g.shape[0]))
    tally_blocks(
        0, n_blocks, month, p, status, age, region, employer, skills, gap_under, gap_over,
        wage, cert, appr_state, retained, poached, displaced, date_entry, date_first_job,
        date_appr_end, f_sector, f_field, productivity, wage_level, first_cohort_year, reg,
        sec, coh, cel, glob,
    )  # fmt: skip
    tally_total(
        p, alive, f_sector, f_region, headcount, apprentices, vacancies, vac_age, vac_apps,
        vac_qualified, slots, prov_mix, reg, sec, coh, cel, glob, by_region, by_sector,
        by_cohort, by_cell, g,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def main_fields(req, n_firms):
    """Each firm's main field (``_main_field``), once per month."""
    f_field = np.empty(n_firms, dtype=np.int8)
    for f in range(n_firms):
        f_field[f] = _main_field(req, f, req.shape[1])
    return f_field


@njit(cache=True, nogil=True)
def tally_blocks(
    b0, b1, month, p, status, age, region, employer, skills, gap_under, gap_over, wage, cert,
    appr_state, retained, poached, displaced, date_entry, date_first_job, date_appr_end,
    f_sector, f_field, productivity, wage_level, first_cohort_year, reg, sec, coh, cel, glob,
):  # fmt: skip
    """The workers of blocks ``b0 <= b < b1`` (``TALLY_BLOCK`` rows each), block b into
    the tables ``reg[b]``, ``sec[b]``, ``coh[b]``, ``cel[b]``, ``glob[b]``."""
    n = status.shape[0]
    for b in range(b0, b1):
        _tally_rows(
            b * TALLY_BLOCK, lesser((b + 1) * TALLY_BLOCK, n), month, p, status, age, region,
            employer, skills, gap_under, gap_over, wage, cert, appr_state, retained, poached,
            displaced, date_entry, date_first_job, date_appr_end, f_sector, f_field,
            productivity, wage_level, first_cohort_year, reg[b], sec[b], coh[b], cel[b], glob[b],
        )  # fmt: skip


@njit(cache=True, nogil=True)
def tally_total(
    p, alive, f_sector, f_region, headcount, apprentices, vacancies, vac_age, vac_apps,
    vac_qualified, slots, prov_mix, reg, sec, coh, cel, glob, by_region, by_sector, by_cohort,
    by_cell, g,
):  # fmt: skip
    """The blocks' tables added up in block order, then the firms' and providers' part."""
    _add_blocks(reg, by_region)
    _add_blocks(sec, by_sector)
    _add_blocks(coh, by_cohort)
    _add_blocks(cel, by_cell)
    for k in range(g.shape[0]):
        g[k] = 0.0
        for b in range(glob.shape[0]):
            g[k] += glob[b, k]
    for f in range(alive.shape[0]):
        if alive[f] == 0:
            continue
        s = f_sector[f]
        r = f_region[f]
        by_region[r, R_VAC] += vacancies[f]
        by_region[r, R_JOBS] += headcount[f]
        by_sector[s, S_VAC] += vacancies[f]
        by_sector[s, S_FIRMS] += 1
        by_sector[s, S_SLOTS] += slots[f]
        if apprentices[f] > 0:
            by_sector[s, S_TRAINING_FIRMS] += 1
        if (
            vacancies[f] > 0
            and vac_age[f] >= 3
            and vac_apps[f] > 0
            and vac_qualified[f] < vacancies[f]
        ):
            by_sector[s, S_SSV] += vacancies[f]
    for q in range(prov_mix.shape[0]):
        g[G_GREEN_MIX] += prov_mix[q, p.green_domain] / prov_mix.shape[0]


@njit(cache=True)
def _add_blocks(blocks, out):
    """``out`` = the sum of the (block, row, column) tables over blocks, in block order
    (plain loops: numba's array expressions compile far more slowly)."""
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            total = 0.0
            for b in range(blocks.shape[0]):
                total += blocks[b, r, c]
            out[r, c] = total


def wage_gini(status, wage, scratch=None):
    """Gini coefficient of the wages of employed workers (apprentices excluded); NaN
    below two.

    Wages are float32 and never negative, so their bit patterns (uint32) sort like their
    values. ``order.sort_u32`` sorts them (numpy's sort or a radix sort, whichever is
    faster on the machine; both without the GIL); a sort's output does not depend on
    how it sorts, so the sum over the sorted wages is the same bit for bit.

    ``scratch``: uint32 of shape (2, at least rows + 1), the bits and the sort's spare
    (``gini_scratch``); a model keeps one, so that a month's Gini allocates nothing.
    Without it, this call allocates its own."""
    if scratch is None:
        scratch = gini_scratch(status.shape[0])
    keys = employed_wage_bits(status, wage, scratch[0])
    if keys.shape[0] < 2:
        return math.nan
    return gini_of_sorted(order.sort_u32(keys, scratch[1]))


def gini_scratch(rows):
    """The work buffer ``wage_gini`` takes for ``rows`` worker rows."""
    return np.empty((2, rows + 1), dtype=np.uint32)


@njit(cache=True, nogil=True)
def employed_wage_bits(status, wage, out):
    """The bit patterns of the employed workers' wages, in row order: the first places
    of ``out`` (uint32, at least rows + 1 long). (Every row's bits are written at the
    next place, which moves on only past an employed worker: no branch to mispredict on
    the workers who are not.)"""
    n = 0
    for i in range(status.shape[0]):
        n += status[i] == Status.EMPLOYED
    keys = out[: n + 1]  # (+1: the place after the last employed)
    j = 0
    for i in range(status.shape[0]):
        keys[nonneg(lesser(j, n))] = f32_bits(wage[i])
        j += status[i] == Status.EMPLOYED
    return keys[:n]


@njit(cache=True, nogil=True)
def gini_of_sorted(keys):
    """The Gini coefficient of the float32 wages whose bit patterns ``keys`` holds in
    ascending order (at least two)."""
    n = keys.shape[0]
    num = 0.0
    total = 0.0
    for j in range(n):
        w = float(f32_from_bits(keys[j]))
        num += (j + 1) * w
        total += w
    return 2.0 * num / (n * total) - (n + 1.0) / n


# The catalogue metrics ``compose_values`` computes, in the order of its output (the
# same metrics as ``simulation.metrics.compose``, which is their definition).
COMPOSED = (
    "unemployment_rate", "youth_unemployment_rate", "rural_unemployment_rate",
    "urban_unemployment_rate", "urban_youth_unemployment_rate", "displaced_unemployment_rate",
    "employment_rate", "vacancy_rate", "tightness", "job_finding_rate", "separation_rate",
    "employed", "unemployed", "labour_force", "displaced_labour_force", "vacancies", "hires",
    "skill_gap_mean", "under_skilled_share", "over_skilled_share", "outside_field_share",
    "skill_shortage_vacancies", "skill_shortage_share", "green_skill_shortage_vacancies",
    "employability", "cohort_job_finding_12m", "apprentices", "apprenticeship_slots",
    "apprenticeship_starts", "apprenticeship_completions", "apprenticeship_dissolutions",
    "apprenticeship_completion_rate", "apprenticeship_retention_rate",
    "apprenticeship_poaching_rate", "apprenticeship_employment_12m",
    "apprenticeship_wage_premium", "apprenticeship_wage_premium_like_for_like",
    "apprenticeship_recouping_share", "apprenticeship_cost_coverage",
    "firm_net_training_cost_yuan", "training_firms_recouping_share", "training_firm_share",
    "in_training", "tertiary_students", "course_enrolments", "voucher_enrolments",
    "curriculum_relevance", "provider_green_share", "green_employment_share",
    "brown_employment_share", "rural_urban_wage_gap", "net_migration_to_urban",
    "return_migrations", "firms_alive", "firm_entries", "firm_exits", "wage_mean_yuan",
    "wage_gini", "spending_subsidy_yuan", "spending_quality_yuan", "spending_vouchers_yuan",
    "spending_seats_yuan", "spending_rural_access_yuan", "spending_anticipation_yuan",
    "spending_curricula_yuan", "spending_total_yuan", "youth_neet_rate", "final_year_hires",
    "final_year_hire_share", "delayed_entry_share",
)  # fmt: skip
PAIRWISE_BLOCK = 128  # NumPy's PW_BLOCKSIZE: numpy_sum's most values


@njit(cache=True)
def numpy_sum(a, lo, hi):
    """``np.sum`` of the float64 values ``a[lo:hi]``, at most ``PAIRWISE_BLOCK`` of them,
    bit for bit: NumPy's pairwise summation (``pairwise_sum`` in its loops_utils.h),
    which under 8 values adds them one by one from -0.0, and up to ``PAIRWISE_BLOCK`` in
    eight running sums joined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then
    the rest one by one; a reduction adds that to 0.0. (Beyond ``PAIRWISE_BLOCK`` NumPy
    adds two halves summed so: a recursion, which numba's cache does not load back
    safely, so callers take NumPy then.) tests/test_kernels.py holds it to NumPy's own
    sums."""
    n = hi - lo
    if n < 8:
        res = -0.0
        for i in range(lo, hi):
            res += a[i]
        return 0.0 + res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - n % 8:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return 0.0 + res


@njit(inline="always")
def _share(num, den):
    """``simulation.metrics._ratio``: num / den, NaN unless den > 0."""
    return float(num) / float(den) if den > 0 else math.nan


@njit(cache=True, nogil=True)
def compose_values(
    R, S, g, flows, rolling, spend, appr_money, mig_in, mig_out, region_urban, sector_kind,
    unemployed_before, employed_before, employability, gini, relevance_mean, net_training_cost,
    recouping_share,
):  # fmt: skip
    """``simulation.metrics.compose``'s values in one compiled call, in ``COMPOSED``
    order, bit for bit: the same tables, the same sums (counts of whole numbers in any
    order, the float sums as NumPy adds them, ``numpy_sum``) and the same divisions. For
    models whose month runs in one call (``simulation.metrics.compose_compiled``): there
    ``compose``'s some twenty NumPy calls on tables of a few rows were ~4% of a month at
    20,000 workers (BENCHMARKS.md). tests/test_kernels.py holds the two to the same bits;
    a change of a metric goes into both."""
    n_regions = R.shape[0]
    n_cols = R.shape[1]
    counts = np.zeros(n_cols)
    urban_counts = np.zeros(n_cols)
    rural_counts = np.zeros(n_cols)
    urban_wage = np.empty(n_regions)
    rural_wage = np.empty(n_regions)
    wage_col = np.empty(n_regions)
    gap_col = np.empty(n_regions)
    n_urban = 0
    n_rural = 0
    net_urban = 0
    for r in range(n_regions):
        urban = region_urban[r] == 1
        for c in range(n_cols):
            counts[c] += R[r, c]
            if urban:
                urban_counts[c] += R[r, c]
            else:
                rural_counts[c] += R[r, c]
        wage_col[r] = R[r, R_WAGE]
        gap_col[r] = R[r, R_GAP]
        if urban:
            urban_wage[n_urban] = R[r, R_WAGE]
            n_urban += 1
            net_urban += mig_in[r] - mig_out[r]
        else:
            rural_wage[n_rural] = R[r, R_WAGE]
            n_rural += 1
    firms = np.zeros(S.shape[1])
    green = np.zeros(S.shape[1])
    brown_emp = 0.0
    for s in range(S.shape[0]):
        for c in range(S.shape[1]):
            firms[c] += S[s, c]
            if sector_kind[s] == SectorKind.GREEN:
                green[c] += S[s, c]
        if sector_kind[s] == SectorKind.BROWN:
            brown_emp += S[s, S_EMP]
    lf = counts[R_LF]
    unemp = counts[R_UNEMP]
    emp = counts[R_EMP]
    appr = counts[R_APPR]
    vac = counts[R_VAC]
    jobs = counts[R_JOBS]
    ssv = firms[S_SSV]
    completions = rolling[Flow.APPR_COMPLETIONS]
    ended = completions + rolling[Flow.APPR_DROPOUTS] + rolling[Flow.APPR_DISSOLVED]
    retained = rolling[Flow.APPR_RETAINED]
    wages = numpy_sum(wage_col, 0, n_regions)
    wage_urban = _share(numpy_sum(urban_wage, 0, n_urban), urban_counts[R_EMP])
    wage_rural = _share(numpy_sum(rural_wage, 0, n_rural), rural_counts[R_EMP])
    appr_wage = _share(g[G_APPR_WAGE], g[G_APPR_N])
    other_wage = _share(g[G_OTHER_WAGE], g[G_OTHER_N])
    appr_rel = _share(g[G_APPR_REL], g[G_APPR_N])
    other_rel = _share(g[G_OTHER_REL], g[G_OTHER_N])
    live_firms = firms[S_FIRMS]
    out = np.empty(len(COMPOSED))
    out[0] = _share(unemp, lf)
    out[1] = _share(counts[R_YOUTH_UNEMP], counts[R_YOUTH_LF])
    out[2] = _share(rural_counts[R_UNEMP], rural_counts[R_LF])
    out[3] = _share(urban_counts[R_UNEMP], urban_counts[R_LF])
    out[4] = _share(urban_counts[R_YOUTH_UNEMP], urban_counts[R_YOUTH_LF])
    out[5] = _share(g[G_DISPLACED_UNEMP], g[G_DISPLACED_LF])
    out[6] = _share(emp + appr, counts[R_POP])
    out[7] = _share(vac, vac + jobs)
    out[8] = _share(vac, unemp)
    out[9] = _share(flows[Flow.UNEMPLOYED_TO_EMPLOYED], unemployed_before)
    out[10] = _share(
        flows[Flow.LAYOFFS] + flows[Flow.QUITS] + flows[Flow.EXIT_LAYOFFS], employed_before
    )
    out[11] = emp
    out[12] = unemp
    out[13] = lf
    out[14] = g[G_DISPLACED_LF]
    out[15] = vac
    out[16] = flows[Flow.HIRES]
    out[17] = _share(numpy_sum(gap_col, 0, n_regions), emp)
    out[18] = _share(g[G_UNDER], emp)
    out[19] = _share(g[G_OVER], emp)
    out[20] = _share(g[G_OUTSIDE], emp)
    out[21] = ssv
    out[22] = _share(ssv, vac)
    out[23] = green[S_SSV]
    out[24] = employability
    out[25] = _share(g[G_ENTRY_FOUND], g[G_ENTRY_WINDOW])
    out[26] = appr
    out[27] = flows[Flow.SLOTS_OFFERED]
    out[28] = flows[Flow.APPR_STARTS]
    out[29] = flows[Flow.APPR_COMPLETIONS]
    out[30] = flows[Flow.APPR_DROPOUTS] + flows[Flow.APPR_DISSOLVED]
    out[31] = _share(completions, ended)
    out[32] = _share(retained, completions)
    out[33] = _share(g[G_POACHED_12], g[G_RETAINED_12])
    out[34] = _share(g[G_COMPLETERS_12_EMP], g[G_COMPLETERS_12])
    out[35] = appr_wage / other_wage - 1.0
    out[36] = appr_rel / other_rel - 1.0
    out[37] = _share(rolling[Flow.APPR_RECOUPED], completions)
    out[38] = _share(appr_money[Training.RETURNS], appr_money[Training.GROSS_COST])
    out[39] = net_training_cost
    out[40] = recouping_share
    out[41] = _share(firms[S_TRAINING_FIRMS], live_firms)
    out[42] = counts[R_TRAINING]
    out[43] = counts[R_STUDENT]
    out[44] = flows[Flow.COURSE_ENROLMENTS]
    out[45] = flows[Flow.VOUCHER_ENROLMENTS]
    out[46] = relevance_mean
    out[47] = g[G_GREEN_MIX]
    out[48] = _share(green[S_EMP], emp)
    out[49] = _share(brown_emp, emp)
    out[50] = 1.0 - wage_rural / wage_urban
    out[51] = net_urban
    out[52] = flows[Flow.RETURN_MIGRATIONS]
    out[53] = live_firms
    out[54] = flows[Flow.FIRM_ENTRIES]
    out[55] = flows[Flow.FIRM_EXITS]
    out[56] = _share(wages, emp)
    out[57] = gini
    out[58] = spend[Spend.SUBSIDY]
    out[59] = spend[Spend.QUALITY]
    out[60] = spend[Spend.VOUCHERS]
    out[61] = spend[Spend.SEATS]
    out[62] = spend[Spend.RURAL_ACCESS]
    out[63] = spend[Spend.ANTICIPATION]
    out[64] = spend[Spend.CORE_SKILLS] + spend[Spend.GREEN_CURRICULA]
    out[65] = numpy_sum(spend, 0, spend.shape[0])
    out[66] = _share(counts[R_YOUTH_NEET], counts[R_YOUTH_POP])
    out[67] = flows[Flow.FINAL_YEAR_HIRES]
    programmes_ended = rolling[Flow.FINAL_YEAR_HIRES] + rolling[Flow.GRADUATIONS]
    out[68] = _share(rolling[Flow.FINAL_YEAR_HIRES], programmes_ended)
    out[69] = _share(rolling[Flow.DELAYED_ENTRIES], programmes_ended)
    return out


# The columns of ``status_changes``' table (and of ``metrics.region_transitions``')
T_WORKERS, T_MOVED_OUT, T_MOVED_IN = 0, 1, 2


@njit(cache=True, nogil=True)
def status_changes(before, after, region_before, region_after, table):
    """The month's moves between statuses, by region (the transitions breakdowns): into
    ``table`` (n_regions x N_STATUS x N_STATUS x 3, zeroed here), at ``[r, b, a]``, the
    worker rows whose status or region changed in the month (status ``b`` at its start,
    ``before``, and ``a`` at its end, ``after``): in column T_WORKERS at ``r``, their
    region at the month's start (``region_before``); of them, those in another region at
    its end (``region_after``) in T_MOVED_OUT at ``r`` and in T_MOVED_IN at the region
    they moved to.

    Row RETIRED counts the rows that entered the population (a free row taken by a
    school leaver), in the region entered; column RETIRED those that left it (neither
    moves); a row that retired and was taken by a school leaver in the same month counts
    once in each (a school leaver's status, LEAVER, is taken only at entry). Rows that
    kept their status and region are left to the caller (each status's stock in a region
    at the month's end less those who came into it: ``metrics.region_transitions``), but
    for leavers, which the tallies do not count: those are counted here on the diagonal
    (none, as the model stands: every school leaver chooses a path in the month after
    entering).

    The four columns are C-contiguous 1-D arrays of bytes (the states' own;
    ``memory.bytes_only`` refuses others when the kernel compiles): they are read eight
    rows at a time as words, and a word whose rows all kept their status and region,
    none of them a leaver's, is passed over; the other rows are counted one by one."""
    bytes_only(before)
    bytes_only(after)
    bytes_only(region_before)
    bytes_only(region_after)
    table[:] = 0
    n = before.shape[0]
    n_words = n // 8
    before_w = before[: n_words * 8].view(np.uint64)
    after_w = after[: n_words * 8].view(np.uint64)
    region_before_w = region_before[: n_words * 8].view(np.uint64)
    region_after_w = region_after[: n_words * 8].view(np.uint64)
    leaver = np.uint64(Status.LEAVER) * EACH_BYTE
    for c in range(n_words):
        x = after_w[nonneg(c)]
        d = (before_w[nonneg(c)] ^ x) | (region_before_w[nonneg(c)] ^ region_after_w[nonneg(c)])
        hits = nonzero_bytes(d) | byte_hits(x, leaver)
        while hits != 0:  # (the rows of the word whose bytes differ, or a leaver's)
            i = c * 8 + (trailing_zeros(hits) >> 3)
            hits &= hits - np.uint64(1)
            _count_change(before[i], after[i], region_before[i], region_after[i], table)
    for i in range(n_words * 8, n):
        _count_change(before[i], after[i], region_before[i], region_after[i], table)


@njit(inline="always")
def _count_change(before, after, region_before, region_after, table):
    """``status_changes``' count of one row (status ``before`` and ``after``, region
    ``region_before`` and ``region_after``), where one of them changed, or where it is
    a leaver's (the caller skips the other rows; here a free row is skipped too)."""
    b = np.int64(before)
    a = np.int64(after)
    rb = np.int64(region_before)
    ra = np.int64(region_after)
    free = a == Status.RETIRED and b == Status.RETIRED  # (a row no one is in)
    if (a != b or a == Status.LEAVER or ra != rb) and not free:
        if a == Status.LEAVER and b != Status.RETIRED and b != Status.LEAVER:
            table[nonneg(rb), nonneg(b), Status.RETIRED, T_WORKERS] += 1  # retired, taken
            b = np.int64(Status.RETIRED)
        if b == Status.RETIRED:
            rb = ra  # (an entry: in the region entered)
        table[nonneg(rb), nonneg(b), nonneg(a), T_WORKERS] += 1
        if ra != rb and a != Status.RETIRED:
            table[nonneg(rb), nonneg(b), nonneg(a), T_MOVED_OUT] += 1
            table[nonneg(ra), nonneg(b), nonneg(a), T_MOVED_IN] += 1


key_caches_on_sources(globals())  # last: every kernel above
