"""The kernels' scalar intrinsics (simulation/kernels/scalar.py) against what they
replace: Python's (and numba's) min and max of two numbers, ndarray.view, and plain
indexing (``nonneg``)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit, types
from numba.core.errors import TypingError

from simulation.kernels.scalar import f32_bits, f32_from_bits, greater, lesser, nonneg


@njit
def ours(a, b):
    return lesser(a, b), greater(a, b)


@njit
def numbas(a, b):
    return min(a, b), max(a, b)


def same(x, y) -> bool:
    """Equal bit for bit (so that 0.0 and -0.0 differ, and nan equals nan)."""
    return np.array(x).tobytes() == np.array(y).tobytes() and type(x) is type(y)


floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, math.nan, math.inf, -math.inf]),
)
kinds = st.sampled_from([np.float64, np.float32, np.int64, np.int32, np.int16, np.int8])


@settings(max_examples=300, deadline=None)
@given(a=floats, b=floats, ka=kinds, kb=kinds)
def test_lesser_and_greater_are_min_and_max(a, b, ka, kb):
    def cast(x, kind):
        if np.issubdtype(kind, np.integer):
            info = np.iinfo(kind)
            x = 0 if not math.isfinite(x) else int(min(max(x, info.min), info.max))
        with np.errstate(over="ignore"):  # a float64 beyond float32's range: inf
            return kind(x)

    x, y = cast(a, ka), cast(b, kb)
    for got, want in zip(ours(x, y), numbas(x, y), strict=True):
        assert same(got, want), (x, y, got, want)
    if not (math.isnan(a) or math.isnan(b)):  # Python's own min and max, on the values
        assert float(ours(x, y)[0]) == min(float(x), float(y))
        assert float(ours(x, y)[1]) == max(float(x), float(y))


@njit
def round_trip(values):
    bits = np.empty(values.shape[0], dtype=np.uint32)
    back = np.empty(values.shape[0], dtype=np.float32)
    for i in range(values.shape[0]):
        bits[i] = f32_bits(values[i])
        back[i] = f32_from_bits(bits[i])
    return bits, back


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(width=32, allow_nan=True, allow_infinity=True), max_size=50))
def test_f32_bits_is_a_view_of_the_bits(values):
    a = np.array(values, dtype=np.float32)
    bits, back = round_trip(a)
    assert np.array_equal(bits, a.view(np.uint32))
    assert np.array_equal(back.view(np.uint32), a.view(np.uint32))


@njit
def promised_value(v):
    return nonneg(v)


@njit
def plain_value(v):
    return v


@njit
def gather(table, rows, promise):
    """``table[rows[j], 1]`` for every j, with or without ``nonneg``."""
    out = np.empty(rows.shape[0], dtype=table.dtype)
    for j in range(rows.shape[0]):
        out[j] = table[nonneg(rows[j]), 1] if promise else table[rows[j], 1]
    return out


@settings(max_examples=100, deadline=None)
@given(
    kind=st.sampled_from([np.int64, np.int32, np.int16, np.int8, np.uint32, np.uint64]),
    rows=st.lists(st.integers(0, 99), max_size=40),
    x=st.integers(0, 127),
)
def test_nonneg_keeps_the_value_and_indexes_like_a_plain_index(kind, rows, x):
    assert same(promised_value(kind(x)), plain_value(kind(x)))
    assert promised_value(kind(x)) == x
    table = np.arange(300.0).reshape(100, 3)
    r = np.array(rows, dtype=kind)
    assert np.array_equal(gather(table, r, True), gather(table, r, False))
    assert np.array_equal(gather(table, r, True), table[r.astype(np.int64), 1])


def test_nonneg_removes_the_negative_index_test():
    """What it is for: in the optimised code of ``a[i]`` numba's test of i < 0 (and its
    correction, a select) is there, and with ``a[nonneg(i)]`` it is gone."""

    def plain(a, i):
        return a[i]

    def promised(a, i):
        return a[nonneg(i)]

    sig = (types.float64[::1], types.int64)
    code = {}
    for fn in (plain, promised):
        kernel = njit(no_cpython_wrapper=True)(fn)
        kernel.compile(sig)
        code[fn.__name__] = kernel.inspect_llvm(sig)
    assert "icmp slt" in code["plain"] and "select" in code["plain"]
    assert "icmp slt" not in code["promised"] and "select" not in code["promised"]
    assert "llvm.assume" in code["promised"]


def test_the_intrinsics_refuse_other_types():
    with pytest.raises(TypingError):
        njit(lambda x: f32_bits(x))(1.0)  # a float64
    with pytest.raises(TypingError):
        njit(lambda x: f32_from_bits(x))(np.int64(1))
    with pytest.raises(TypingError):
        njit(lambda x, y: lesser(x, y))(1.0, (1, 2))
    with pytest.raises(TypingError):
        njit(lambda x: nonneg(x))(1.0)
