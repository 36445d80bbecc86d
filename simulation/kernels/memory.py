"""Memory hints for the kernels: they change how fast a loop runs, never what it computes.

Most of a month's time goes to reading rows of firm and worker tables at random
(a worker's employer's requirements, a searcher's skills): each read that misses the
cache waits for main memory. ``prefetch_row(table, row)`` asks the CPU to start
loading a row a few iterations before the loop needs it (LLVM's ``llvm.prefetch``
intrinsic: a hint, which never faults, even for a row outside the table, and is
dropped by CPUs without it). Measured on the development machine, a loop summing
random 32-byte rows of a 10 MB table ran about three times faster with rows
prefetched 16 iterations ahead (BENCHMARKS.md).
"""

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.core.errors import TypingError
from numba.cpython.unsafe.numbers import trailing_zeros
from numba.extending import intrinsic, overload

from simulation.kernels import key_caches_on_sources
from simulation.kernels.scalar import nonneg

AHEAD = 16  # iterations ahead at which loops prefetch the rows they will read
# Loops whose hints pay only once the tables outgrow the caches hint from this many
# worker rows up (below, the hints' own instructions cost more than they save).
# numba compiles these constants into the kernels; the cached kernels are keyed on every
# kernel file (``key_caches_on_sources``), so a change here recompiles them all.
HINT_FROM_WORKERS = 250_000
# The same for loops over firms (a model of 250,000 workers has about 21,000 firm rows).
HINT_FROM_FIRMS = 20_000


@intrinsic
def prefetch_row(typingctx, table, row):
    """Hint the CPU to fetch the first cache line of ``table[row]`` (an array of any
    number of dimensions; ``row`` indexes its first axis, unchecked).

    Call it in the kernel's own loop, on the kernel's own arrays: the same hints moved
    into a helper function (``inline="always"`` or not) made the loops around them up to
    three times slower at 1,000,000 workers (reference counts of the helper's array
    arguments, updated at every row), and a loop of choices hinted that way ran slower
    than with no hints at all (BENCHMARKS.md, "Hints written in the loops again")."""
    if not isinstance(table, types.Array) or not isinstance(row, types.Integer):
        return None
    sig = types.void(table, row)

    def codegen(context, builder, signature, args):
        table_type, row_type = signature.args
        array = context.make_array(table_type)(context, builder, args[0])
        stride = cgutils.unpack_tuple(builder, array.strides, table_type.ndim)[0]
        offset = builder.mul(context.cast(builder, args[1], row_type, types.intp), stride)
        base = builder.ptrtoint(array.data, cgutils.intp_t)
        address = builder.inttoptr(builder.add(base, offset), cgutils.voidptr_t)
        i32 = ir.IntType(32)
        hint = ir.FunctionType(ir.VoidType(), [cgutils.voidptr_t, i32, i32, i32])
        # the suffix is p0 with opaque pointers (newer LLVM), p0i8 with typed ones
        name = "llvm.prefetch." + cgutils.voidptr_t.intrinsic_name
        fn = cgutils.get_or_insert_function(builder.module, hint, name)
        builder.call(fn, [address, i32(0), i32(3), i32(1)])  # read, keep in all caches, data
        return context.get_dummy_value()

    return sig, codegen


# Bytes of eight statuses at once (``byte_hits``): each byte's low seven bits, and its
# top bit; ``GATHER`` moves the top bits of a word's eight bytes into one byte.
LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)
TOP = np.uint64(0x8080808080808080)
EACH_BYTE = np.uint64(0x0101010101010101)
GATHER = np.uint64(0x0102040810204080)
# The bit-slicing count of set bits (``_popcount``): its masks of bits, pairs and nibbles.
ODD_BITS = np.uint64(0x5555555555555555)
PAIRS = np.uint64(0x3333333333333333)
NIBBLES = np.uint64(0x0F0F0F0F0F0F0F0F)


@njit(inline="always")
def byte_hits(word, pattern):
    """The top bit of each byte of ``word`` that equals the same byte of ``pattern``
    (exactly: no carry crosses from one byte to the next)."""
    t = word ^ pattern
    return ~(((t & LOW7) + LOW7) | t) & TOP


def bytes_only(column):
    """Nothing at run time; in a kernel, a typing error unless ``column`` is a 1-D
    C-contiguous array of bytes (int8 or uint8): the check of a kernel that reads such a
    column eight rows at a time as words (``column[:k].view(np.uint64)``), which of a
    wider dtype would read the wrong rows without an error, and of a strided one fail
    with numba's own message, which names neither the kernel nor the column."""


@overload(bytes_only)
def _bytes_only(column):
    ok = (
        isinstance(column, types.Array)
        and column.ndim == 1
        and column.layout == "C"
        and column.dtype in (types.int8, types.uint8)
    )
    if not ok:
        raise TypingError(
            f"a column read eight rows at a time must be a 1-D C-contiguous array of bytes "
            f"(int8 or uint8), got {column}"
        )
    return lambda column: None


@njit(inline="always")
def nonzero_bytes(word):
    """The top bit of each byte of ``word`` that is not zero (exactly: no carry crosses
    from one byte to the next)."""
    return (((word & LOW7) + LOW7) | word) & TOP


@njit(inline="always")
def _popcount(v):
    """The number of set bits of the uint64 ``v`` (the bit-slicing sum, which LLVM
    compiles to the CPU's own count where there is one)."""
    v = v - ((v >> np.uint64(1)) & ODD_BITS)
    v = (v & PAIRS) + ((v >> np.uint64(2)) & PAIRS)
    v = (v + (v >> np.uint64(4))) & NIBBLES
    return np.int64((v * EACH_BYTE) >> np.uint64(56))


@njit(cache=True, nogil=True)
def chosen_rows(status, code, other):
    """The rows i whose ``status[i]`` is ``code`` or ``other``, in row order, in an
    array of exactly their number.

    For a pass that works on a few per cent of the workers (the unemployed, the
    apprentices): looping over these rows, it can hint each row's fields a few rows
    ahead (``prefetch_row``), where a loop over every row meets each chosen row
    unannounced and waits for memory. The selection reads the status bytes eight at a
    time as one word, compares all eight at once (``byte_hits``), and gathers 64
    rows' results into the bits of one mask (``masks``, a bit a row: 1/8 of the
    status bytes), counting the set bits as it goes. Then, the count known, it lists
    the masks' set bits (the lowest first: row order) into an array of that size: work
    for each word and each chosen row, nothing for each row.

    The masks replace two earlier schemes (BENCHMARKS.md, "The chosen rows from a
    mask a word"): listing the rows in the comparing loop into a buffer of every row's
    size (86 MB in a city, which glibc mapped, faulted in and unmapped at every call),
    and, from 4,194,304 rows up, a counting pass over the status bytes before it.
    Measured on one call at 10,000,000 rows (4% chosen): 2.1 ms against 5.4; at
    1,000,000 rows 0.18 against 0.30."""
    bytes_only(status)
    n = status.shape[0]
    a = np.uint64(code & 0xFF) * EACH_BYTE
    b = np.uint64(other & 0xFF) * EACH_BYTE
    n_words = n // 64
    words = status[: n_words * 64].view(np.uint64)
    masks = np.empty(n_words, dtype=np.uint64)
    m = 0
    for c in range(n_words):
        mask = np.uint64(0)
        for w in range(8):
            x = words[nonneg(c * 8 + w)]
            hits = byte_hits(x, a) | byte_hits(x, b)
            mask |= ((hits >> np.uint64(7)) * GATHER >> np.uint64(56)) << np.uint64(8 * w)
        masks[nonneg(c)] = mask
        m += _popcount(mask)
    for i in range(n_words * 64, n):
        s = status[i]
        m += (s == code) | (s == other)
    rows = np.empty(m, dtype=np.int64)
    m = 0
    for c in range(n_words):
        mask = masks[nonneg(c)]
        while mask != 0:
            rows[nonneg(m)] = c * 64 + trailing_zeros(mask)
            m += 1
            mask &= mask - np.uint64(1)
    for i in range(n_words * 64, n):
        s = status[i]
        if (s == code) | (s == other):
            rows[nonneg(m)] = i
            m += 1
    return rows


@njit(inline="always")
def rows_with_either(status, code, other):
    """The rows i whose ``status[i]`` is ``code`` or ``other``, in row order
    (``chosen_rows``). One compiled selection for every caller, its codes taken as
    int64: written into each of its eight callers (``inline``), it compiled eight times,
    and a cold start took seconds longer (BENCHMARKS.md)."""
    return chosen_rows(status, np.int64(code), np.int64(other))


@njit(inline="always")
def rows_with(status, code):
    """The rows i whose ``status[i]`` is ``code``, in row order (``rows_with_either``)."""
    return rows_with_either(status, code, code)


key_caches_on_sources(globals())  # last: every kernel above
