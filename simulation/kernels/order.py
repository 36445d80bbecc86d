"""A stable argsort for the kernels, the first few places of one, and a sort of
unsigned 32-bit keys (``sort_u32``).

``stable_order(keys)`` gives the same indices as ``np.argsort(keys, kind="stable")``:
ascending, equal keys in index order, NaN after every number. Any correct stable sort
gives that one permutation; the kernels use this one instead of numpy's because numba
compiles its own ``argsort`` anew in every process (numba's implementations are not
kept in the cache), which cost ~1.4 CPU seconds of every cold start and of the compile
helper's (``simulation.compile_ahead``); this kernel is compiled once and cached.
"""

import functools
import time

import numpy as np
from numba import njit

from simulation.kernels import key_caches_on_sources
from simulation.kernels.scalar import greater, lesser, nonneg

RUN = 16  # runs sorted by insertion before the merges
FEW = 16  # places up to which callers take ``first_few`` instead of a whole sort


@njit(inline="always")
def _before(keys, a, b):
    """Whether item ``a`` sorts strictly before item ``b`` (NaN last)."""
    x = keys[a]
    y = keys[b]
    return x < y or (y != y and x == x)


@njit(cache=True)
def stable_order(keys):
    """Indices that sort the 1-d ``keys`` ascending, ties in index order, NaN last."""
    n = keys.shape[0]
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        order[i] = i
    for lo in range(0, n, RUN):  # insertion sort of each run (stable)
        hi = lesser(lo + RUN, n)
        for t in range(lo + 1, hi):
            item = order[t]
            u = t - 1
            while u >= lo and _before(keys, item, order[u]):
                order[u + 1] = order[u]
                u -= 1
            order[u + 1] = item
    if n <= RUN:
        return order
    other = np.empty(n, dtype=np.int64)
    width = RUN
    while width < n:  # merge neighbouring runs; the left one wins ties (stable)
        for lo in range(0, n, 2 * width):
            mid = lesser(lo + width, n)
            hi = lesser(lo + 2 * width, n)
            i = lo
            j = mid
            for k in range(lo, hi):
                if j < hi and (i >= mid or _before(keys, order[j], order[i])):
                    other[k] = order[j]
                    j += 1
                else:
                    other[k] = order[i]
                    i += 1
        order, other = other, order
        width *= 2
    return order


@njit(inline="always")
def first_few(keys, lo, hi, bar, wanted, best):
    """The places ``lo <= t < hi`` of the ``wanted`` smallest keys among those with
    -key >= bar (ties: the lower place first), into ``best[:wanted]``, best first;
    returns how many (at most ``wanted``; 0 when it is not positive).

    For keys and a bar that are numbers (no NaN) these are the first ``wanted`` places,
    among those clearing the bar, of ``stable_order(keys[lo:hi])``; one pass over the
    keys keeps them, instead of a sort of all of them whose comparisons go either way
    at random. Callers take it for a few places (``FEW``: each key that makes the cut
    moves up to ``wanted`` kept places) and check the keys for NaN first."""
    if wanted <= 0:
        return 0
    filled = 0
    for t in range(lo, hi):
        key = keys[nonneg(t)]
        if -key < bar:
            continue
        if filled == wanted:
            if not key < keys[nonneg(best[wanted - 1])]:
                continue  # (equal keys: the earlier place stays)
            filled -= 1  # the last one makes way
        u = filled
        while u > 0 and keys[nonneg(best[u - 1])] > key:
            best[u] = best[u - 1]
            u -= 1
        best[u] = t
        filled += 1
    return filled


@njit(cache=True)
def smallest(keys, lo, hi, wanted, few):
    """The places ``lo <= t < hi`` of the ``wanted`` smallest keys, in the order
    ``stable_order(keys[lo:hi])`` gives them (ties: the lower place first; NaN last):
    by ``first_few``'s one pass when ``wanted`` is at most ``few`` and no key is NaN,
    else by sorting them all."""
    plain = True
    for t in range(lo, hi):
        plain &= keys[nonneg(t)] == keys[nonneg(t)]
    wanted = greater(wanted, 0)
    if plain and wanted <= few:
        best = np.empty(wanted, dtype=np.int64)
        return best[: first_few(keys, lo, hi, -np.inf, wanted, best)]
    return lo + stable_order(keys[lo:hi])[:wanted]


# The radix sort's digits: 11, 11 and 10 bits (three passes over 2,048 buckets, whose
# counts stay in the first-level cache).
DIGIT = 11
BUCKETS = 1 << DIGIT


# From this many keys up (2 MB of them, past a core's second-level cache) ``sort_u32``
# takes the radix sort that first splits the keys by their top bits
# (``split_sort_u32``): the wage Gini took 0.91 of its time at 1,000,000 workers, 0.76
# at 10,000,000 (BENCHMARKS.md).
SPLIT_FROM = 1 << 19
SPLIT_BITS = 10  # the split's buckets: 1,024, each ~1/1,000 of the keys


@njit(inline="always")
def _sort_bucket(a, b, lo, hi, bits, base):
    """``a[lo:hi]``, keys whose ``k - base`` agree above their low ``bits`` bits, in
    ascending order, in place (``b[lo:hi]`` the spare): insertion for a few keys, else
    LSD passes of at most 11 bits over ``k - base`` (a pass whose digit every key
    shares is skipped)."""
    n = hi - lo
    if n <= 48:
        for t in range(lo + 1, hi):
            k = a[t]
            u = t - 1
            while u >= lo and a[u] > k:
                a[u + 1] = a[u]
                u -= 1
            a[u + 1] = k
        return
    if bits <= 0:  # (keys that agree in every bit: equal)
        return
    passes = (bits + DIGIT - 1) // DIGIT
    width = (bits + passes - 1) // passes
    counts = np.empty((1 << width) + 1, dtype=np.int64)
    mask = np.uint32((1 << width) - 1)
    in_b = False
    for p in range(passes):
        src = b if in_b else a
        dst = a if in_b else b
        shift = p * width
        counts[:] = 0
        for j in range(lo, hi):
            counts[nonneg((((src[j] - base) >> shift) & mask) + 1)] += 1
        shared = False
        for d in range(1 << width):
            if counts[d + 1] == n:
                shared = True
        if shared:
            continue
        counts[0] = lo
        for d in range(1 << width):
            counts[d + 1] += counts[d]
        for j in range(lo, hi):
            k = src[j]
            d = nonneg(((k - base) >> shift) & mask)
            t = nonneg(counts[d])
            dst[t] = k
            counts[d] = t + 1
        in_b = not in_b
    if in_b:
        for j in range(lo, hi):
            a[j] = b[j]


@njit(cache=True, nogil=True)
def split_sort_u32(keys, spare):
    """``radix_sort_u32``'s result for many keys: one pass moves the keys into ``SPLIT_BITS``
    buckets by the top bits of ``k - min`` (into ``spare``), then each bucket, a few
    thousand keys that stay in the nearer caches, is sorted on its own
    (``_sort_bucket``, ``keys`` its spare). Returns the first ``keys.shape[0]`` places
    of ``spare``. An LSD sort's every pass scatters over the whole array, out of the
    caches at a city's size (BENCHMARKS.md)."""
    n = keys.shape[0]
    out = spare[:n]
    if n == 0:
        return out
    low = keys[0]
    high = keys[0]
    for j in range(n):
        k = keys[j]
        low = k if k < low else low
        high = k if k > high else high
    span = np.uint32(high - low)
    shift = 0
    while shift < 32 and (span >> np.uint32(shift)) >= np.uint32(1 << SPLIT_BITS):
        shift += 1
    start = np.zeros((1 << SPLIT_BITS) + 1, dtype=np.int64)
    for j in range(n):
        start[nonneg(((keys[j] - low) >> shift) + 1)] += 1
    for d in range(1 << SPLIT_BITS):
        start[d + 1] += start[d]
    fill = start[: 1 << SPLIT_BITS].copy()
    for j in range(n):
        k = keys[j]
        d = nonneg((k - low) >> shift)
        t = nonneg(fill[d])
        out[t] = k
        fill[d] = t + 1
    for d in range(1 << SPLIT_BITS):
        _sort_bucket(out, keys, start[d], start[d + 1], shift, low)
    return out


@njit(cache=True, nogil=True)
def radix_sort_u32(keys, spare):
    """``keys`` (uint32) in ascending order: ``keys`` itself or the first
    ``keys.shape[0]`` places of ``spare`` (uint32, at least as long, not overlapping
    ``keys``), whichever the last pass wrote; both are overwritten. LSD radix sort: one
    pass counts all three digits, then a pass per digit moves the keys (stable); a digit
    that every key shares is skipped (a month's wages share their top bits: sign and
    high exponent). The caller owns ``spare``, so that a sort of a city's wages
    allocates nothing (a fresh array of that size was mapped and zeroed by the kernel
    every month; BENCHMARKS.md, "Memory a month maps anew")."""
    n = keys.shape[0]
    counts = np.zeros((3, BUCKETS + 1), dtype=np.int64)
    mask = np.uint32(BUCKETS - 1)
    for j in range(n):
        k = keys[j]
        counts[0, nonneg((k & mask) + 1)] += 1
        counts[1, nonneg(((k >> DIGIT) & mask) + 1)] += 1
        counts[2, nonneg((k >> (2 * DIGIT)) + 1)] += 1  # (10 bits: no mask)
    src = keys
    dst = spare[:n]
    for p in range(3):
        c = counts[p]
        shared = False
        for d in range(BUCKETS):
            if c[d + 1] == n:
                shared = True
                break
        if shared:
            continue
        for d in range(BUCKETS):
            c[d + 1] += c[d]
        shift = DIGIT * p
        for j in range(n):
            k = src[j]
            d = nonneg((k >> shift) & mask)
            t = nonneg(c[d])
            dst[t] = k
            c[d] = t + 1
        src, dst = dst, src
    return src


def _numpy_sort_u32(keys, spare):
    keys.sort()
    return keys


@functools.cache
def _sorter():
    """The faster of numpy's sort and ``radix_sort_u32`` on this machine, timed once per
    process on 32,768 keys (best of five each). numpy's vectorised sort is 3-4 times
    faster than the radix sort on Intel's AVX-512; on AMD's Zen 4, whose compressing
    stores are microcoded, numpy's is 3-6 times slower (BENCHMARKS.md). Both give the
    same array: the choice changes the time only."""
    keys = np.random.default_rng(0).integers(1 << 30, 1 << 31, 1 << 15, dtype=np.uint32)
    spare = np.empty_like(keys)
    best = {}
    for sort in (_numpy_sort_u32, radix_sort_u32):
        sort(keys.copy(), spare)  # (compiled, or loaded from the cache, before timing)
        times = []
        for _ in range(5):
            trial = keys.copy()
            t0 = time.perf_counter()
            sort(trial, spare)
            times.append(time.perf_counter() - t0)
        best[sort] = min(times)
    return min(best, key=best.get)


def sort_u32(keys, spare):
    """``keys`` (a 1-d uint32 array, which may be reordered) in ascending order, by the
    faster sort on this machine (``_sorter``): ``keys`` itself or a view of ``spare``
    (a uint32 array at least as long, which may be overwritten). Where the radix sort
    is the faster, from ``SPLIT_FROM`` keys up ``split_sort_u32`` (chosen here, not
    inside the radix sort, so that only a model that large compiles it: ~1 s)."""
    sort = _sorter()
    if sort is radix_sort_u32 and keys.shape[0] >= SPLIT_FROM:
        return split_sort_u32(keys, spare)
    return sort(keys, spare)


key_caches_on_sources(globals())  # last: every kernel above
