"""A stable argsort for the kernels, and the first few places of one.

``stable_order(keys)`` gives the same indices as ``np.argsort(keys, kind="stable")``:
ascending, equal keys in index order, NaN after every number. Any correct stable sort
gives that one permutation; the kernels use this one instead of numpy's because numba
compiles its own ``argsort`` anew in every process (numba's implementations are not
kept in the cache), which cost ~1.4 CPU seconds of every cold start and of the compile
helper's (``simulation.compile_ahead``); this kernel is compiled once and cached.
"""

import numpy as np
from numba import njit

from simulation.kernels.scalar import lesser, nonneg

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
