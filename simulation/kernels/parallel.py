"""How the kernels' big loops run on several cores.

A parallel loop is a kernel compiled with ``@njit(cache=True, nogil=True)`` that does
the items ``lo <= x < hi`` of a loop (worker rows, blocks of rows, firms), and
``run(kernel, n, *args)`` runs it over ``[0, n)``: in contiguous pieces on a pool of
Python threads (the kernels release the GIL, so the pieces run at once), or in one call
in this thread when there is one thread or too little work to share.

Every loop run this way writes only its own items' outputs (reductions go to per-block
tables that the caller adds up in block order), so a result never depends on how the
items were split, on the number of threads or on which thread ran which piece: the
thread-count tests check it. ``start`` runs a whole task (a Python function whose
kernels release the GIL) beside the calling thread, for independent work of one step.

Why not numba's ``parallel=True``: a ``prange`` kernel compiles to a second, outlined
function per loop plus numba's scheduling code, which made the five parallel kernels
about 17 of the 59 CPU seconds of a cold start (BENCHMARKS.md, "Start-up"); and numba's
threads split a loop into one fixed chunk each, so on a machine where another job holds
a core every loop waits for the thread that shares it. Here the pieces are handed out as
threads become free (``PIECES_PER_THREAD`` of them per thread), so a busy core does
fewer; and a loop too small to share runs in the calling thread at no cost.

Small models do not share their loops here (``workers`` below ``SHARE_FROM_WORKERS``):
a town's agents fit in one core's caches, and a second core would first have to fetch
its half of them, which costs more than it gives (measured month by month on the
2-core development machine: at 20,000 workers two threads took 6.68 ms a month against
6.39 on one; at 32,000 workers 10.0 against 10.8; BENCHMARKS.md). Their month runs in
one compiled call (``kernels.month``), which shares its larger loops with a helper that
waits in compiled code instead (``kernels.duo``): no hand-over through Python per loop.

The number of threads is numba's (``NUMBA_NUM_THREADS``, ``numba.set_num_threads``, and
so ``skillsim sweep --threads``): it is read in the calling thread at every call.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from numba import njit

from simulation.kernels import key_caches_on_sources

PICK_BLOCK = 16_384  # rows per block of a selection pass (``picks``; tests set it small)
PIECES_PER_THREAD = 4  # pieces of a loop per thread: a busy core takes fewer of them
MIN_PIECE = 2048  # default least number of items per piece (worker rows)
SHARE_FROM_WORKERS = 30_000  # models with fewer workers run every loop in one call
BESIDE_FROM_WORKERS = 8_000  # models with fewer worker rows run ``start``'s tasks in line
# Tests set this to 1 so that even a small model's loops are cut into many pieces
# (None: each loop's own ``min_piece``).
min_piece_override: int | None = None

_local = threading.local()  # each thread's buffer for ``picks``
_pool: ThreadPoolExecutor | None = None
_pool_pid = -1
_lock = threading.Lock()


def threads() -> int:
    """Threads the calling thread's loops use (numba's setting for this thread)."""
    return numba.get_num_threads()


def pool() -> ThreadPoolExecutor:
    """The process's pool of helper threads (the calling thread is the other one), made
    on first use, and anew in a forked child: a pool's threads do not survive a fork."""
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(
                max_workers=max(1, numba.config.NUMBA_NUM_THREADS - 1),
                thread_name_prefix="skillsim-loop",
            )
            _pool_pid = os.getpid()
        return _pool


def pieces(n: int, parts: int) -> list[tuple[int, int]]:
    """``[0, n)`` cut into ``parts`` contiguous pieces whose sizes differ by at most one."""
    parts = max(1, min(parts, n))
    size, extra = divmod(n, parts)
    out = []
    lo = 0
    for k in range(parts):
        hi = lo + size + (1 if k < extra else 0)
        out.append((lo, hi))
        lo = hi
    return out


def in_one_piece(workers: int | None) -> bool:
    """Whether a model of ``workers`` worker rows runs every loop in one call: below
    ``SHARE_FROM_WORKERS``, unless a test cuts loops small (``min_piece_override``)."""
    return min_piece_override is None and workers is not None and workers < SHARE_FROM_WORKERS


def _sharing(n: int, min_piece: int, workers: int | None) -> tuple[int, int]:
    """(threads, pieces) that ``run`` shares a loop of ``n`` items among; 1 piece: the
    loop runs in one call in the calling thread."""
    small_model = in_one_piece(workers)
    if min_piece_override is not None:
        min_piece = min_piece_override
    min_piece = max(1, min_piece)
    # (asking numba for the thread count costs a few microseconds)
    t = threads() if n >= 2 * min_piece and not small_model else 1
    return t, (min(t * PIECES_PER_THREAD, n // min_piece) if t > 1 else 1)


def run(
    kernel: Callable, n: int, *args, min_piece: int = MIN_PIECE, workers: int | None = None
) -> None:
    """``kernel(lo, hi, *args)`` over ``[0, n)``, in pieces of at least ``min_piece``
    items shared by up to ``threads()`` threads (this one among them), or in one call
    here: when the loop is too small, or ``workers`` (the model's worker rows, given by
    the model's loops) is below ``SHARE_FROM_WORKERS``. Returns when every piece is
    done; an error in a piece is re-raised here once every other piece has run."""
    if n <= 0:
        return
    t, parts = _sharing(n, min_piece, workers)
    if parts <= 1:
        kernel(0, n, *args)
        return
    todo = pieces(n, parts)
    taken = [0]
    errors: list[Exception] = []
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                k = taken[0]
                taken[0] += 1
            if k >= len(todo):
                return
            try:
                kernel(todo[k][0], todo[k][1], *args)
            except Exception as error:  # the other pieces still run; the caller gets it
                errors.append(error)

    helpers = [pool().submit(work) for _ in range(min(t, parts) - 1)]
    try:
        work()
    finally:
        # Every piece is taken: a helper that has not started (the pool's threads are
        # busy, with another caller's loop or a task of ``start``) would find none, so
        # it is cancelled, not waited for. (Waiting for it could wait for this thread:
        # a ``start`` task's loops run on a pool thread.) The others are waited for.
        helpers = [future for future in helpers if not future.cancel()]
        for future in helpers:
            future.exception()
    for future in helpers:
        future.result()
    if errors:
        raise errors[0]


def picks(kernel: Callable, n: int, *args, workers: int | None = None) -> np.ndarray:
    """The rows ``0 <= i < n`` that ``kernel`` picks, in row order, for a selection pass
    whose choices are independent row by row (who quits, who is laid off).
    ``kernel(lo, hi, *args, picked)`` writes the rows ``lo <= i < hi`` it picks to
    ``picked[lo:]`` and returns their number. It runs over pieces of whole blocks of
    ``PICK_BLOCK`` rows in parallel (``run``), each piece's count kept at its first
    block; the pieces' picks are then moved together in row order (``_compact``), so the
    result does not depend on the threads. The caller books the picks in that order.

    The rows returned are a view of this thread's own buffer, kept for the thread's life
    and reused from pass to pass (valid until the thread's next ``picks``): a new array
    each time cost more than the pass saved at 10,000,000 workers, where every page a
    pass touched first was a page fault."""
    block = PICK_BLOCK
    n_blocks = (n + block - 1) // block
    picked = getattr(_local, "picked", None)
    if picked is None or picked.shape[0] < n:
        picked = _local.picked = np.empty(n, dtype=np.int64)
    if n_blocks <= 0 or _sharing(n_blocks, 1, workers)[1] <= 1:  # one piece: no moving
        return picked[: kernel(0, n, *args, picked)]
    counts = np.zeros(n_blocks, dtype=np.int64)

    def piece(b0: int, b1: int) -> None:
        counts[b0] = kernel(b0 * block, min(b1 * block, n), *args, picked)

    run(piece, n_blocks, min_piece=1, workers=workers)
    return picked[: _compact(picked, counts, block)]


# A pick may carry a tag of what it brings, for steps over the rows that share one pass
# (``separations.separation_rows``, ``demography.month_rows``): its row in the low bits,
# its tag ``TAG_SHIFT`` bits up (rows are far below 2**56).
TAG_SHIFT = 56
ROW_MASK = (1 << TAG_SHIFT) - 1


@njit(inline="always")
def tagged(row, tag):
    """Row ``row`` picked with tag ``tag`` (bits of what it brings)."""
    return row | (tag << TAG_SHIFT)


@njit(inline="always")
def pick_row(pick):
    """The row of a ``tagged`` pick."""
    return pick & ROW_MASK


@njit(inline="always")
def pick_tag(pick):
    """The tag of a ``tagged`` pick."""
    return pick >> TAG_SHIFT


@njit(cache=True, nogil=True)
def _compact(picked, counts, block):
    """The picks written from the start of each block (``counts``: how many; a piece's
    picks may run on over the blocks after its first, whose counts are 0) moved to the
    front of ``picked`` in block order (picks move down, never onto ones not yet
    moved); returns their number."""
    n = 0
    for b in range(counts.shape[0]):
        for t in range(b * block, b * block + counts[b]):
            picked[n] = picked[t]
            n += 1
    return n


class Beside:
    """A task started by ``start``: ``result()`` waits for its value (and re-raises its
    error); if no pool thread has taken the task by then, the caller runs it itself."""

    def __init__(self, task: Callable, args: tuple, share: bool):
        self._task, self._args = task, args
        self._future = pool().submit(task, *args) if share else None

    def result(self):
        if self._future is None or self._future.cancel():
            return self._task(*self._args)
        return self._future.result()


def start(task: Callable, *args, workers: int | None = None) -> Beside:
    """``task(*args)`` beside the calling thread, on one of the pool's threads, when the
    calling thread's loops use more than one thread; ``result()`` waits for its value.
    The task runs in the calling thread instead (at ``result()``) when the loops use
    one thread, when ``workers`` (the model's worker rows) is below
    ``BESIDE_FROM_WORKERS``, or when no pool thread has taken the task by then (on a
    machine where another job holds the other core, the caller does not wait for a
    thread that has none).

    For independent work of one step (the month's metrics: the wage Gini and the
    employability estimate beside the tallies), so that a model whose loops run in one
    call each (from ``BESIDE_FROM_WORKERS`` up to ``SHARE_FROM_WORKERS``) still uses a
    second core. The task must not write what the
    calling thread reads, nor the reverse, until ``result()``; its own loops may use
    ``run``: pieces that no pool thread is free to take are done by the thread that
    runs the loop.

    Handing a task to another thread has a cost of its own, about a quarter of a
    millisecond a month on the development machine (the pool thread wakes from idle,
    and the two threads pass Python's lock back and forth around their kernel calls):
    below ``BESIDE_FROM_WORKERS`` the month's metrics are too little work to pay it
    (measured month by month, one thread against two: 17-23% slower with two at 500 and
    2,000 workers, 3% at 5,000; 4-6% faster from 10,000 up; BENCHMARKS.md)."""
    share = threads() > 1 and (workers is None or workers >= BESIDE_FROM_WORKERS)
    return Beside(task, args, share)


key_caches_on_sources(globals())  # last: every kernel above
