"""The month's helper thread (``simulation.kernels.duo``): every piece of every job is done
exactly once, whichever thread claims it; the poster never waits for a helper that has
not come, and stops waiting for one that failed.

The model's own use (the month's loops shared with the helper, the same run bit for bit)
is tested in tests/test_determinism.py."""

from __future__ import annotations

import threading
import time

import numba
import numpy as np
import pytest
from numba import njit

from simulation.kernels import duo


@njit(nogil=True)
def _do_pieces(box, job, marks, helper, done):
    """Claim pieces of ``job`` and mark their items in row ``a0`` of ``marks``; returns how
    many pieces this thread did (the helper counts them in ``DONE`` from ``done``)."""
    _, pieces, items, row, _, _, _ = duo.job_numbers(box, job)
    count = 0
    piece = duo.claim(box, job)
    while piece >= 0:
        lo, hi = duo.bounds(piece, pieces, items)
        for i in range(lo, hi):
            marks[row, i] += 1
        count += 1
        if helper:
            duo.store(box, duo.DONE, done + count)
        piece = duo.claim(box, job)
    return count


@njit(nogil=True)
def _helper(box, marks):
    done = 0
    while True:
        job = duo.next_job(box)
        if job == 0:
            return done
        done += _do_pieces(box, job, marks, True, done)


@njit(nogil=True)
def _poster(box, marks):
    """One job per row of ``marks``, of 1 to all its items in 1 to MOST_PIECES pieces;
    returns the pieces this thread did (-1 if the helper failed)."""
    total = 0
    for row in range(marks.shape[0]):
        items = 1 + (row * 7919) % marks.shape[1]
        pieces = min(1 + row % duo.MOST_PIECES, items)
        job = duo.post(box, 0, pieces, items, row, 0, 0, 0)
        mine = _do_pieces(box, job, marks, False, 0)
        if not duo.finish(box, pieces, mine):
            return -1
        total += mine
    return total


def _expected(marks: np.ndarray) -> np.ndarray:
    want = np.zeros_like(marks)
    for row in range(marks.shape[0]):
        want[row, : 1 + (row * 7919) % marks.shape[1]] = 1
    return want


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_every_piece_is_done_once_whichever_thread_claims_it():
    quit_at_once = duo.new_box()
    quit_at_once[duo.QUIT] = 1
    _helper(quit_at_once, np.zeros((1, 1), dtype=np.int64))  # (both compiled before the
    _poster(duo.new_box(), np.zeros((1, 1), dtype=np.int64))  # helper starts)
    jobs = 40_000
    pieces = sum(min(1 + r % duo.MOST_PIECES, 1 + (r * 7919) % 97) for r in range(jobs))
    helped_at_all = False
    # On a loaded machine the helper thread may be scheduled only after the poster has
    # done all its jobs itself (4,000 jobs, under a millisecond: a CI check run beside
    # other tests saw it once, and full runs beside two simulations every time in ten
    # attempts): so 40,000 jobs, some milliseconds, which a helper given a timeslice
    # joins. Every attempt must do every piece once; one of ten must have the helper
    # take some, each giving the helper a moment to reach its loop before the poster
    # starts.
    for _ in range(10):
        marks = np.zeros((jobs, 97), dtype=np.int64)
        box = duo.new_box()
        box[duo.HELPING] = 1
        helped = []
        up = threading.Event()

        def helper_thread(box=box, marks=marks, helped=helped, up=up):
            up.set()
            helped.append(_helper(box, marks))

        helper = threading.Thread(target=helper_thread)
        helper.start()
        assert up.wait(timeout=60)
        time.sleep(0.05)  # (the helper into its compiled loop, where it waits for jobs)
        mine = _poster(box, marks)
        box[duo.QUIT] = 1
        helper.join(timeout=60)
        assert not helper.is_alive()
        np.testing.assert_array_equal(marks, _expected(marks))
        assert mine + helped[0] == pieces
        if helped[0] > 0:  # the helper took pieces (40,000 jobs: it is up for most of them)
            helped_at_all = True
            break
    assert helped_at_all


def test_without_a_helper_the_poster_does_every_piece():
    # A helper was promised (HELPING) but never came: the poster claims every piece.
    marks = np.zeros((300, 50), dtype=np.int64)
    box = duo.new_box()
    box[duo.HELPING] = 1
    pieces = sum(min(1 + r % duo.MOST_PIECES, 1 + (r * 7919) % 50) for r in range(300))
    assert _poster(box, marks) == pieces
    np.testing.assert_array_equal(marks, _expected(marks))
    assert duo.pieces_for(duo.new_box(), 10_000, 1) == 1  # no helper: one piece
    assert duo.pieces_for(box, 10_000, 1) == duo.MOST_PIECES
    assert duo.pieces_for(box, 10_000, 4_000) == 2


def test_the_poster_stops_waiting_for_a_helper_that_failed():
    box = duo.new_box()
    box[duo.HELPING] = 1
    job = duo.post(box, 0, 2, 10, 0, 0, 0, 0)
    assert duo.claim(box, job) == 0  # the "helper" takes piece 0 and never finishes it
    assert duo.claim(box, job) == 1  # the poster takes piece 1
    assert duo.claim(box, job) == -1
    box[duo.FAILED] = 1
    assert not duo.finish(box, 2, 1)


def test_a_late_helper_finds_its_box_told_to_quit():
    box = duo.new_box()
    box[duo.QUIT] = 1
    assert _helper(box, np.zeros((1, 1), dtype=np.int64)) == 0


def test_a_helper_never_told_to_quit_gives_up():
    # A month whose thread stopped without setting QUIT (an interrupt between the
    # helper's start and the month's ``try``) must not leave a core spinning for ever.
    box = duo.new_box()
    assert _helper(box, np.zeros((1, 1), dtype=np.int64)) == 0  # (returns: no job came)


@njit(nogil=True)
def _count(counts, where, atomic, gate):
    """Count ``where``'s entries into ``counts`` once both threads have reached the gate
    (``gate[0]``: how many have), atomically or not."""
    duo.add(gate, 0, 1)
    while duo.load(gate, 0) < 2:
        duo.relax()
    for t in range(where.shape[0]):
        if atomic:
            duo.add(counts, where[t], 1)
        else:
            counts[where[t]] += 1


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two cores")
def test_two_threads_counting_at_once_lose_no_count():
    # A jobs round's hires, taken in pieces on two threads, count into the firms'
    # headcounts and openings by atomic adds (duo.add). Plain additions from two threads
    # at once lose counts (checked here too, so that the test shows the two overlap);
    # the atomic ones never do. The threads start counting together (a gate).
    where = np.random.default_rng(0).integers(0, 4, 4_000_000)
    for atomic in (False, True):  # (compiled before the threads)
        _count(np.zeros(4, dtype=np.int32), where[:1], atomic, np.ones(1, dtype=np.int64))

    def total(atomic: bool) -> int:
        counts, gate = np.zeros(4, dtype=np.int32), np.zeros(1, dtype=np.int64)
        threads = [
            threading.Thread(target=_count, args=(counts, where, atomic, gate)) for _ in "ab"
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return int(counts.sum())

    # (a busy machine may run the two one after the other: a few tries to see them overlap)
    if all(total(False) == 2 * where.size for _ in range(8)):
        pytest.skip("the two threads never overlapped (a busy machine): nothing shown")
    for _ in range(3):
        assert total(True) == 2 * where.size
