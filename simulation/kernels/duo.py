"""Two threads in one compiled call: loops shared with a helper that waits in compiled code.

A model's month runs in one compiled call (``kernels.month``, below
``month.WHOLE_MONTH_BELOW`` worker rows). A small model's loops take tens to hundreds of
microseconds each, and handing a loop to another thread through Python
(``parallel.run``) costs about as much: the pool's thread sleeps until woken (30-55 us
on a VM that halts idle CPUs at once, BENCHMARKS.md), then takes Python's lock. So those
loops stay on one thread below ``parallel.SHARE_FROM_WORKERS`` workers when the month
runs phase by phase; a larger model's hand-overs cost it a few per cent of its month.

Here the second thread is woken once a month and then waits for work in compiled code,
reading a word of memory in a loop: a ``box`` of int64 words that the two threads share.
The month's thread posts a job (which loop, how many pieces, a few numbers) and then
both threads claim its pieces, one at a time, by an atomic compare-and-swap on the
box's counter, until none is left; the poster then waits for the pieces the helper took
to be done. A piece is a contiguous range of the loop's items, each written by one
thread only, and every item's result is the same whichever thread computes it and
however the loop is cut: the run does not change, bit for bit (tests/test_determinism.py).
If the helper is not there (one thread, the other core busy with another job, not yet
woken, or no helper started at all), the poster claims every piece itself: nothing waits
for a thread that may never come. The helper spins (x86's ``pause`` between reads) while
the month's serial parts run: a month with a helper keeps both cores busy to its end,
when it is told to quit (``stop``); it also gives up after ``IDLE_SPINS`` reads without
work. Models from ``FROM_WORKERS`` rows up, on two threads or more, start one.

The box: ``COUNTER`` holds (job number << 16) | pieces claimed; ``DONE`` the helper's
count of pieces done, all jobs together; ``QUIT`` tells the helper to return. A job's
numbers are in one of two slots, by the job number's parity: the poster writes job j + 1's
slot while the helper may still read job j's.
"""

from collections.abc import Callable
from concurrent.futures import Future

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from simulation.kernels import key_caches_on_sources, parallel
from simulation.kernels.scalar import X86

COUNTER, DONE, QUIT = 0, 1, 2
SLOT0, SLOT = 3, 8  # a job's numbers: box[SLOT0 + SLOT * (job & 1) + t]
KIND, PIECES, ITEMS = 0, 1, 2  # a slot's first words; the job's own numbers from ARG on
ARG = 3
# The poster's own words: the last job's number, the pieces the helper took in all,
# whether a helper was started (set before it is), whether it failed (set by its caller),
# and the least items per piece that tests set (0: each loop's own).
LAST, HELPED, HELPING, FAILED, LEAST = range(SLOT0 + 2 * SLOT, SLOT0 + 2 * SLOT + 5)
BOX = LEAST + 1  # words in a box
MOST_PIECES = 8  # pieces a job is cut into at most
SHIFT = 16  # the counter's low bits count the pieces claimed
MAX_PIECES = (1 << SHIFT) - 1
# Reads of the box a helper makes without finding work before it gives up (1-3 s at
# 50-150 cycles a pause: a small model's month waits far less between its jobs).
IDLE_SPINS = 1 << 26


def _element(context, builder, signature, args):
    array_type = signature.args[0]
    array = context.make_array(array_type)(context, builder, args[0])
    return cgutils.get_item_pointer(context, builder, array_type, array, [args[1]])


@intrinsic
def load(typingctx, box, at):
    """``box[at]``, read atomically with acquire order: what the thread that stored it
    wrote before (with ``store``) is visible after."""
    if not isinstance(box, types.Array) or box.dtype != types.int64:
        return None

    def codegen(context, builder, signature, args):
        return builder.load_atomic(_element(context, builder, signature, args), "acquire", 8)

    return types.int64(box, at), codegen


@intrinsic
def store(typingctx, box, at, value):
    """``box[at] = value``, stored atomically with release order."""
    if not isinstance(box, types.Array) or box.dtype != types.int64:
        return None

    def codegen(context, builder, signature, args):
        value = context.cast(builder, args[2], signature.args[2], types.int64)
        builder.store_atomic(value, _element(context, builder, signature, args), "release", 8)
        return context.get_dummy_value()

    return types.void(box, at, value), codegen


@intrinsic
def swap(typingctx, box, at, expected, new):
    """Set ``box[at]`` to ``new`` if it holds ``expected`` (one atomic step); whether it
    did."""
    if not isinstance(box, types.Array) or box.dtype != types.int64:
        return None

    def codegen(context, builder, signature, args):
        old = context.cast(builder, args[2], signature.args[2], types.int64)
        value = context.cast(builder, args[3], signature.args[3], types.int64)
        pointer = _element(context, builder, signature, args)
        pair = builder.cmpxchg(pointer, old, value, "acq_rel", "acquire")
        return builder.extract_value(pair, 1)

    return types.boolean(box, at, expected, new), codegen


@intrinsic
def add(typingctx, array, at, value):
    """``array[at] += value`` as one atomic step (``lock add`` on x86), for an array of
    integers that two threads count into at once (a firm's headcount, a flow): integer
    sums come out the same in any order. Relaxed order: it makes no other write
    visible; the job's end (``finish``) does."""
    if not isinstance(array, types.Array) or not isinstance(array.dtype, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        value = context.cast(builder, args[2], signature.args[2], array.dtype)
        builder.atomic_rmw("add", _element(context, builder, signature, args), value, "monotonic")
        return context.get_dummy_value()

    return types.void(array, at, value), codegen


@intrinsic
def relax(typingctx):
    """A spinning thread's pause (x86's ``pause``: it frees the core's resources for
    the other hyperthread and saves power; nothing elsewhere)."""

    def codegen(context, builder, signature, args):
        if X86:
            kind = ir.FunctionType(ir.VoidType(), [])
            builder.call(
                cgutils.get_or_insert_function(builder.module, kind, "llvm.x86.sse2.pause"), []
            )
        return context.get_dummy_value()

    return types.void(), codegen


@njit(cache=True, nogil=True)
def pieces_for(box, items, least):
    """Pieces to cut a loop of ``items`` into, at least ``least`` items each: 1 (the
    loop runs in one call, not posted) if no helper was started."""
    if box[HELPING] == 0:
        return 1
    if box[LEAST] > 0:
        least = box[LEAST]
    return max(1, min(MOST_PIECES, items // max(least, 1)))


@njit(cache=True, nogil=True)
def post(box, kind, pieces, items, a0, a1, a2, a3):
    """Post the next job: its kind, pieces and items, and four numbers of its own;
    returns its number (the first is 1). The poster's thread only, once the last job is
    done (``finish``)."""
    job = box[LAST] + 1
    box[LAST] = job
    slot = SLOT0 + SLOT * (job & 1)
    store(box, slot + KIND, kind)
    store(box, slot + PIECES, pieces)
    store(box, slot + ITEMS, items)
    store(box, slot + ARG, a0)
    store(box, slot + ARG + 1, a1)
    store(box, slot + ARG + 2, a2)
    store(box, slot + ARG + 3, a3)
    store(box, COUNTER, job << SHIFT)
    return job


@njit(cache=True, nogil=True)
def job_numbers(box, job):
    """(kind, pieces, items, a0, a1, a2, a3) of job ``job``."""
    slot = SLOT0 + SLOT * (job & 1)
    return (
        load(box, slot + KIND), load(box, slot + PIECES), load(box, slot + ITEMS),
        load(box, slot + ARG), load(box, slot + ARG + 1), load(box, slot + ARG + 2),
        load(box, slot + ARG + 3),
    )  # fmt: skip


@njit(cache=True, nogil=True)
def finish(box, pieces, mine):
    """The poster's end of a job of ``pieces`` pieces, ``mine`` of which it did: wait
    for the helper's. False if the helper failed (its pieces may not be done)."""
    helped = box[HELPED] + pieces - mine
    box[HELPED] = helped
    while load(box, DONE) < helped:
        if load(box, FAILED) != 0:
            return False
        relax()
    return True


@njit(cache=True, nogil=True)
def next_job(box):
    """The helper's wait: the number of a job with pieces left to claim, or 0 when told
    to quit, or after ``IDLE_SPINS`` reads with none (a month whose thread stopped
    without telling it: the poster then does every piece itself)."""
    idle = 0
    while idle < IDLE_SPINS:
        if load(box, QUIT) != 0:
            return 0
        c = load(box, COUNTER)
        job = c >> SHIFT
        if job > 0 and c & MAX_PIECES < load(box, SLOT0 + SLOT * (job & 1) + PIECES):
            return job
        relax()
        idle += 1
    return 0


@njit(cache=True, nogil=True)
def claim(box, job):
    """The next unclaimed piece of job ``job`` for this thread, or -1 when none is left
    (or the box has moved on to another job)."""
    while True:
        c = load(box, COUNTER)
        if c >> SHIFT != job:
            return -1
        taken = c & MAX_PIECES
        if taken >= load(box, SLOT0 + SLOT * (job & 1) + PIECES):
            return -1
        if swap(box, COUNTER, c, c + 1):
            return taken


@njit(inline="always")
def bounds(piece, pieces, items):
    """Items ``[lo, hi)`` of piece ``piece`` of ``pieces`` (sizes differing by at most one)."""
    size = items // pieces
    extra = items - size * pieces
    lo = piece * size + (piece if piece < extra else extra)
    return lo, lo + size + (1 if piece < extra else 0)


# Models with fewer worker rows than this share none of their month's loops: the
# helper's wake and its pieces' hand-overs cost more than sharing such short loops saves
# (BENCHMARKS.md, "A helper that waits in compiled code").
FROM_WORKERS = parallel.BESIDE_FROM_WORKERS
# Tests set this to 1 so that even a small model's loops are cut into many pieces
# (None: each loop's own least piece).
least_override: int | None = None


def new_box() -> np.ndarray:
    """A box with no helper (its loops run in one piece, in the calling thread)."""
    return np.zeros(BOX, dtype=np.int64)


def start(task: Callable, context: tuple, workers: int) -> tuple[np.ndarray, Future | None]:
    """A new box, and ``task(box, context)`` (a compiled helper that waits for the
    box's jobs, ``matching.assist``) started on a pool thread, if the calling thread's
    loops use more than one thread and the model has ``FROM_WORKERS`` rows or more;
    else no helper (None). The caller sets the box's ``QUIT`` when its month is done,
    whatever happens (``stop``). A box is for one month: a helper that wakes late finds
    its own box told to quit, never another month's jobs."""
    box = new_box()
    if workers < FROM_WORKERS or parallel.threads() < 2:
        return box, None
    box[HELPING] = 1
    box[LEAST] = least_override or 0

    def helper() -> int:
        try:
            return task(box, context)
        except BaseException:
            box[FAILED] = 1  # (the poster stops waiting for its pieces)
            raise

    return box, parallel.pool().submit(helper)


def stop(box: np.ndarray, helper: Future | None) -> None:
    """Tell the month's helper to return (it is not waited for), and raise its error if
    it failed."""
    box[QUIT] = 1
    if helper is not None and box[FAILED] != 0:
        helper.result()  # (raises the helper's error)


_keyed = key_caches_on_sources(globals())  # last: every kernel above
