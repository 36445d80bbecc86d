"""Scalar helpers the kernels use instead of numba's overloads of ``min``, ``max`` and
``ndarray.view``; ``nonneg``, which tells LLVM that an index is never negative;
``top_of_seven``, a row's highest of seven columns without branches; ``cycles``, the
processor's clock.

``lesser``, ``greater`` and the bit casts compute exactly what those overloads do, but
they are numba intrinsics: each is a few instructions written straight into the kernel
that calls it. numba's own ``min``, ``max``, ``int`` and ``view`` are small functions
of their own that numba compiles once per type signature in every process (they are
never read from the cache), 30-200 ms each: over a cold start they added up to about a
second in each of the two compiling processes (BENCHMARKS.md, "Start-up"). ``int(x)``
is written ``np.int64(x)`` in the kernels for the same reason (the same truncating
conversion, no overload).
"""

import operator
import platform

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core.errors import TypingError
from numba.core.typing import signature
from numba.extending import intrinsic

# Whether this is an x86 processor: its time-stamp counter (``cycles``) and its spinning
# thread's ``pause`` (``duo.relax``) are x86 instructions.
X86 = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686", "x86")


def _pick(typingctx, a, b, op, name):
    """The signature and code of ``b if op(b, a) else a`` with both cast to their common
    type: numba's (and Python's) two-argument ``min`` (op ``<``) and ``max`` (op ``>``),
    which keep the first argument unless the second compares strictly below (above) it,
    so that ``min(x, nan)`` is ``x`` and ``min(nan, x)`` is nan."""
    common = typingctx.unify_types(a, b)
    if not isinstance(common, (types.Integer, types.Float)):
        raise TypingError(f"{name}() takes two real numbers, got {a} and {b}")

    def codegen(context, builder, sig, args):
        x = context.cast(builder, args[0], a, common)
        y = context.cast(builder, args[1], b, common)
        compare = context.get_function(op, signature(types.boolean, common, common))
        return builder.select(compare(builder, (y, x)), y, x)

    return signature(common, a, b), codegen


@intrinsic
def lesser(typingctx, a, b):
    """``min(a, b)`` of two real numbers, exactly."""
    return _pick(typingctx, a, b, operator.lt, "lesser")


@intrinsic
def greater(typingctx, a, b):
    """``max(a, b)`` of two real numbers, exactly."""
    return _pick(typingctx, a, b, operator.gt, "greater")


def _bit_cast(name: str, source, target, doc: str):
    """An intrinsic ``name(x)`` that reads the bits of ``x``, a ``source``, as a ``target``
    of the same width."""

    def cast(typingctx, x):
        if x != source:
            raise TypingError(f"{name}() takes a {source}, got {x}")

        def codegen(context, builder, sig, args):
            return builder.bitcast(args[0], context.get_value_type(target))

        return signature(target, x), codegen

    cast.__name__ = cast.__qualname__ = name
    cast.__doc__ = doc
    return intrinsic(cast)


f32_bits = _bit_cast(
    "f32_bits",
    types.float32,
    types.uint32,
    "The bit pattern of a float32 as a uint32 (``x.view(np.uint32)`` of one value).",
)
f32_from_bits = _bit_cast(
    "f32_from_bits",
    types.uint32,
    types.float32,
    "The float32 whose bit pattern is the uint32 ``x`` (the inverse of ``f32_bits``).",
)


@intrinsic
def nonneg(typingctx, x):
    """``x``, an integer the caller promises is never negative (a row, a loop index
    from ``range(lo, hi)`` with ``lo >= 0``, a table's column).

    numba indexes arrays the Python way: a signed index below zero counts from the end,
    so every ``a[i]`` compiles a test of ``i < 0`` and a correction, and LLVM removes
    them only where it can prove the index non-negative (rarely, across the kernels'
    function arguments and loaded values). ``nonneg`` states the fact to LLVM
    (``llvm.assume``): indexing with its result skips the test; the value and its type
    are unchanged. The tally took a sixth less time with it, the month about 5% less
    (BENCHMARKS.md). The promise is not checked: a negative value passed here makes the
    indexing read or write outside the array, so give it indices only."""
    if not isinstance(x, types.Integer):
        raise TypingError(f"nonneg() takes an integer, got {x}")

    def codegen(context, builder, sig, args):
        value = args[0]
        if x.signed:
            zero = ir.Constant(value.type, 0)
            builder.assume(builder.icmp_signed(">=", value, zero))
        return value

    return signature(x, x), codegen


@intrinsic
def top_of_seven(typingctx, table, row):
    """The column (1 to 7) of the highest of ``table[row, 1:8]``, the lowest column
    among equal values, for an (n, 8) C-contiguous float32 table (a worker's skills, a
    firm's requirements: the main field of ``metrics._main_field``) whose values are
    not NaN; ``row`` is not checked.

    A loop that keeps the running maximum branches on each comparison, and which of a
    row's skills beats the best so far is a coin toss: about a third of the tally's main
    field went to mispredicted branches (BENCHMARKS.md). Here the row is one vector
    load of its eight values (column 0 replaced by -inf), its maximum a vector reduction
    (``llvm.vector.reduce.fmax``), and the answer the lowest set bit of the lanes equal
    to it: a dozen instructions and no branch. Equal includes -0.0 and 0.0, as ``>`` in
    the loop does; every lane is a value of the row, so the maximum is one of them."""
    ok = (
        isinstance(table, types.Array)
        and table.ndim == 2
        and table.dtype == types.float32
        and table.layout == "C"
        and isinstance(row, types.Integer)
    )
    if not ok:
        raise TypingError(
            f"top_of_seven() takes a 2-D C-contiguous float32 table and a row, got {table}, {row}"
        )

    def codegen(context, builder, sig, args):
        array = context.make_array(table)(context, builder, args[0])
        stride = cgutils.unpack_tuple(builder, array.strides, 2)[0]
        offset = builder.mul(context.cast(builder, args[1], row, types.intp), stride)
        base = builder.ptrtoint(array.data, cgutils.intp_t)
        f32, i8, i32 = ir.FloatType(), ir.IntType(8), ir.IntType(32)
        lanes = ir.VectorType(f32, 8)
        address = builder.inttoptr(builder.add(base, offset), lanes.as_pointer())
        values = builder.load(address, align=4)
        values = builder.insert_element(values, f32(float("-inf")), i32(0))
        reduce = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(f32, [lanes]), "llvm.vector.reduce.fmax.v8f32"
        )
        top = builder.call(reduce, [values])
        one = builder.insert_element(ir.Constant(lanes, ir.Undefined), top, i32(0))
        every = builder.shuffle_vector(one, one, ir.Constant(ir.VectorType(i32, 8), [0] * 8))
        equal = builder.bitcast(builder.fcmp_ordered("==", values, every), i8)
        lowest = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(i8, [i8, ir.IntType(1)]), "llvm.cttz.i8"
        )
        column = builder.call(lowest, [equal, ir.IntType(1)(0)])
        return builder.zext(column, ir.IntType(64))

    return signature(types.int64, table, row), codegen


@intrinsic
def cycles(typingctx):
    """The processor's time-stamp counter (x86's ``rdtsc``, through LLVM's
    ``llvm.readcyclecounter``): ticks at a constant rate on today's x86 processors
    (``constant_tsc``), whatever the core's speed, and a few dozen cycles to read, so a
    compiled call can stamp where its time goes (``month.advance``; ``--profile``).
    0 on other processors (on ARM the intrinsic reads a counter Linux does not let
    programs read)."""

    def codegen(context, builder, sig, args):
        i64 = ir.IntType(64)
        if not X86:
            return i64(0)
        read = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(i64, []), "llvm.readcyclecounter"
        )
        return builder.call(read, [])

    return signature(types.int64), codegen
