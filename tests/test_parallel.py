"""The kernels' parallel loops (``simulation.kernels.parallel.run``): every item done once,
whatever the threads and piece sizes; errors reach the caller; several callers at once;
a forked child runs its own pool. (That the model's results do not depend on the split
is tests/test_determinism.py's thread test.)"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import threading
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.kernels import parallel

TWO = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")


@pytest.fixture
def threads():
    """Set numba's thread count for the test; restored after."""
    before = numba.get_num_threads()
    yield lambda t: numba.set_num_threads(min(t, numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(before)


@numba.njit(nogil=True)
def _count(lo, hi, counts, thread_ids, ident):
    for i in range(lo, hi):
        counts[i] += 1
        thread_ids[i] = ident


def counting(lo, hi, counts, seen):
    """A piece: counts its items, records its range and thread."""
    ids = np.empty(counts.shape[0], dtype=np.int64)
    _count(lo, hi, counts, ids, threading.get_ident())
    seen.append((lo, hi, threading.get_ident()))


@given(st.integers(0, 5000), st.integers(1, 40))
def test_pieces_cut_the_range_into_near_equal_contiguous_parts(n, parts):
    cut = parallel.pieces(n, parts)
    assert len(cut) == (max(1, min(parts, n)))
    assert cut[0][0] == 0 and cut[-1][1] == n
    assert all(a[1] == b[0] for a, b in itertools.pairwise(cut))
    sizes = [hi - lo for lo, hi in cut]
    assert max(sizes) - min(sizes) <= 1


@TWO
@settings(max_examples=40, deadline=None)
@given(st.integers(0, 3000), st.integers(1, 700), st.sampled_from([1, 2]))
def test_every_item_is_done_exactly_once(n, min_piece, t):
    before = numba.get_num_threads()
    numba.set_num_threads(t)
    try:
        counts = np.zeros(n, dtype=np.int64)
        seen: list = []
        parallel.run(counting, n, counts, seen, min_piece=min_piece)
    finally:
        numba.set_num_threads(before)
    assert (counts == 1).all()
    if n > 0:
        expected = min(t * parallel.PIECES_PER_THREAD, n // min_piece)
        assert len(seen) == (expected if t > 1 and expected > 1 else 1)
        assert all(hi - lo >= min(min_piece, n) for lo, hi, _ in seen)


def test_one_thread_is_one_call_in_this_thread(threads):
    threads(1)
    seen: list = []
    parallel.run(counting, 100_000, np.zeros(100_000, dtype=np.int64), seen, min_piece=1)
    assert seen == [(0, 100_000, threading.get_ident())]


@TWO
def test_pieces_run_on_two_threads_and_the_override_cuts_small_loops(threads, monkeypatch):
    threads(2)
    seen: list = []
    parallel.run(counting, 100, np.zeros(100, dtype=np.int64), seen)  # too small to share
    assert len(seen) == 1
    monkeypatch.setattr(parallel, "min_piece_override", 1)
    seen.clear()
    counts = np.zeros(100, dtype=np.int64)
    parallel.run(counting, 100, counts, seen)
    assert len(seen) == 2 * parallel.PIECES_PER_THREAD and (counts == 1).all()


@TWO
def test_a_small_model_runs_its_loops_in_one_call_unless_overridden(threads, monkeypatch):
    threads(2)
    small, large = parallel.SHARE_FROM_WORKERS - 1, parallel.SHARE_FROM_WORKERS
    for workers, calls in ((small, 1), (large, 2 * parallel.PIECES_PER_THREAD), (None, 8)):
        seen: list = []
        counts = np.zeros(50_000, dtype=np.int64)
        parallel.run(counting, 50_000, counts, seen, min_piece=1000, workers=workers)
        assert len(seen) == calls and (counts == 1).all(), workers
    monkeypatch.setattr(parallel, "min_piece_override", 1)  # the thread-count tests' setting
    seen.clear()
    parallel.run(counting, 100, np.zeros(100, dtype=np.int64), seen, workers=small)
    assert len(seen) == 2 * parallel.PIECES_PER_THREAD


@TWO
def test_an_error_in_a_piece_reaches_the_caller_after_every_piece_ends(threads):
    threads(2)
    done = []

    def piece(lo, hi):
        if lo == 0:
            raise ValueError("bad piece")
        done.append((lo, hi))

    with pytest.raises(ValueError, match="bad piece"):
        parallel.run(piece, 80, min_piece=10)
    assert len(done) == 7  # the other pieces all ran


@TWO
def test_several_callers_at_once_share_the_pool(threads):
    def one(seed: int) -> bool:
        numba.set_num_threads(2)  # per calling thread
        n = 10_000 + seed
        counts = np.zeros(n, dtype=np.int64)
        parallel.run(counting, n, counts, [], min_piece=100)
        return bool((counts == 1).all())

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(one, range(16)))


def _child(queue) -> None:
    counts = np.zeros(5000, dtype=np.int64)
    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    parallel.run(counting, 5000, counts, [], min_piece=100)
    queue.put(int(counts.sum()))


@TWO
@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="no fork here")
def test_a_forked_child_makes_its_own_pool(threads):
    threads(2)
    parallel.run(counting, 5000, np.zeros(5000, dtype=np.int64), [], min_piece=100)
    assert parallel._pool is not None  # the parent's pool exists before the fork
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(queue,))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == 5000


# ------------------------------------------------------------ tasks beside the caller


def _hold_the_pool() -> tuple[threading.Event, threading.Event]:
    """Occupy every pool thread until ``release`` is set (at the latest in 60 s, so that a
    failing test cannot hang the suite); ``freed`` is set when they let go."""
    release, held, freed = threading.Event(), threading.Event(), threading.Event()
    n = parallel.pool()._max_workers
    barrier = threading.Barrier(n, action=held.set)

    def hold() -> None:
        barrier.wait()
        release.wait(60)
        freed.set()

    for _ in range(n):
        parallel.pool().submit(hold)
    assert held.wait(60)
    return release, freed


def test_a_task_beside_runs_here_on_one_thread(threads):
    threads(1)
    ran: list = []
    beside = parallel.start(lambda x: ran.append(threading.get_ident()) or x * 2, 21)
    assert beside.result() == 42 and ran == [threading.get_ident()]


@TWO
def test_a_task_beside_runs_on_a_pool_thread_and_its_error_reaches_the_caller(threads):
    threads(2)
    started = threading.Event()

    def task() -> str:
        started.set()
        return threading.current_thread().name

    beside = parallel.start(task)
    assert started.wait(60)  # it runs before anyone asks for its result
    assert beside.result().startswith("skillsim-loop")

    def fails() -> None:
        raise ValueError("bad task")

    with pytest.raises(ValueError, match="bad task"):
        parallel.start(fails).result()


@TWO
def test_a_small_model_runs_its_task_beside_here(threads):
    """Below ``BESIDE_FROM_WORKERS`` the task runs in the caller, at ``result()``; from
    there up (or with no model size given) on a pool thread."""
    threads(2)
    small, large = parallel.BESIDE_FROM_WORKERS - 1, parallel.BESIDE_FROM_WORKERS
    for workers, beside in ((small, False), (large, True), (None, True)):
        started = threading.Event()

        def task(started: threading.Event) -> str:
            started.set()
            return threading.current_thread().name

        pending = parallel.start(task, started, workers=workers)
        # on a pool thread it starts before anyone asks for its result; here it does not
        assert started.wait(60 if beside else 0.2) == beside
        assert pending.result().startswith("skillsim-loop") == beside


@TWO
def test_no_one_waits_for_a_busy_pool(threads):
    """With every pool thread busy, a task beside runs in the caller at ``result()``, and
    a loop's pieces are all done by the caller: neither waits for the pool."""
    threads(2)
    release, freed = _hold_the_pool()
    try:
        beside = parallel.start(threading.get_ident)
        assert beside.result() == threading.get_ident()
        seen: list = []
        counts = np.zeros(10_000, dtype=np.int64)
        parallel.run(counting, 10_000, counts, seen, min_piece=100)
        assert not freed.is_set()  # returned while the pool was still held
        assert (counts == 1).all() and {ident for _, _, ident in seen} == {threading.get_ident()}
    finally:
        release.set()


@TWO
def test_a_task_beside_may_run_loops_of_its_own(threads):
    """A task on the pool's only thread that runs a loop: its pieces that no other
    thread takes are its own, it does not wait for itself."""
    threads(2)

    def task() -> int:
        numba.set_num_threads(2)  # per thread: the pool thread's own setting
        counts = np.zeros(20_000, dtype=np.int64)
        parallel.run(counting, 20_000, counts, [], min_piece=100)
        return int(counts.sum())

    assert parallel.start(task).result() == 20_000


# ------------------------------------------------------------------ selection passes


@numba.njit(nogil=True)
def _pick_marked(lo, hi, marked, picked):
    c = lo
    for i in range(lo, hi):
        if marked[i]:
            picked[c] = i
            c += 1
    return c - lo


def picked_rows(marked: np.ndarray) -> np.ndarray:
    return parallel.picks(_pick_marked, marked.shape[0], marked).copy()


@TWO
@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 2000),
    block=st.integers(1, 300),
    share=st.floats(0, 1),
    t=st.sampled_from([1, 2]),
    seed=st.integers(0, 2**32 - 1),
)
def test_picks_gives_the_picked_rows_in_row_order(n, block, share, t, seed):
    marked = np.random.default_rng(seed).random(n) < share
    before = numba.get_num_threads(), parallel.PICK_BLOCK, parallel.min_piece_override
    numba.set_num_threads(t)
    parallel.PICK_BLOCK, parallel.min_piece_override = block, 1
    try:
        rows = picked_rows(marked)
    finally:
        numba.set_num_threads(before[0])
        parallel.PICK_BLOCK, parallel.min_piece_override = before[1:]
    assert np.array_equal(rows, np.flatnonzero(marked))


@TWO
def test_threads_picking_at_once_keep_their_own_picks(threads):
    """Each thread's picks are its own (a model per thread, as a threads executor runs a
    sweep): passes in several threads at once give each its rows."""

    def one(seed: int) -> bool:
        numba.set_num_threads(2)
        marked = np.random.default_rng(seed).random(200_000 + seed) < 0.3
        return all(np.array_equal(picked_rows(marked), np.flatnonzero(marked)) for _ in range(5))

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(one, range(12)))
