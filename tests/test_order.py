"""``kernels.order.stable_order`` is numpy's stable argsort: the same permutation for any
float keys (ties, NaN, signed zeros, infinities), so replacing ``np.argsort(...,
kind="mergesort")`` with it changes no result; ``first_few`` gives the first places of
that sort among the keys that clear a bar. ``radix_sort_u32`` is numpy's sort of
unsigned 32-bit keys, and ``sort_u32`` gives the same whichever sort it picked."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.kernels import order
from simulation.kernels.order import (
    FEW,
    RUN,
    first_few,
    radix_sort_u32,
    split_sort_u32,
    stable_order,
)

SPECIAL = [0.0, -0.0, 1.0, -1.0, np.nan, np.inf, -np.inf, 0.5]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True)),
        max_size=5 * RUN,
    )
)
def test_stable_order_is_numpys_stable_argsort(values):
    keys = np.array(values, dtype=np.float64)
    np.testing.assert_array_equal(stable_order(keys), np.argsort(keys, kind="stable"))


def test_long_inputs_with_many_ties():
    rng = np.random.default_rng(7)
    for n in (RUN - 1, RUN, RUN + 1, 1000, 4097):
        keys = rng.integers(0, 7, n).astype(np.float64)
        keys[rng.random(n) < 0.1] = np.nan
        np.testing.assert_array_equal(stable_order(keys), np.argsort(keys, kind="stable"))


NUMBERS = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, 0.5, 2.0]


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.sampled_from(NUMBERS), st.floats(allow_nan=False, allow_infinity=True)),
        max_size=3 * FEW,
    ),
    lo=st.integers(0, 4),
    wanted=st.integers(-1, FEW),
    bar=st.one_of(st.sampled_from([-np.inf, np.inf, 0.0, -0.5]), st.floats(allow_nan=False)),
)
def test_first_few_are_the_first_places_of_the_stable_sort(values, lo, wanted, bar):
    """Keys that are numbers (ties, signed zeros, infinities): ``first_few`` keeps the
    first ``wanted`` places of ``stable_order`` among the keys with -key >= bar, in
    that order."""
    keys = np.array([9.0] * lo + values, dtype=np.float64)
    best = np.full(max(wanted, 0), -1, dtype=np.int64)
    n = first_few(keys, lo, keys.size, bar, wanted, best)
    expect = [lo + t for t in stable_order(keys[lo:]) if -keys[lo + t] >= bar][: max(wanted, 0)]
    assert best[:n].tolist() == expect


U32 = st.integers(0, 2**32 - 1)
# keys sharing digits (one bucket holds all keys for a digit: its pass is skipped)
SHARED = st.sampled_from([0, 1, 2047, 2048, 2**22 - 1, 2**22, 0x4600_0000, 2**32 - 1])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(U32, SHARED), max_size=300))
def test_radix_sort_is_numpys_sort(values):
    keys = np.array(values, dtype=np.uint32)
    expect = np.sort(keys)
    got = radix_sort_u32(keys.copy(), np.empty_like(keys))
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, expect)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(U32, SHARED), max_size=3000))
def test_split_sort_is_numpys_sort(values):
    """The large arrays' sort (``split_sort_u32``, from ``SPLIT_FROM`` keys up) at any
    size: buckets of one key, of equal keys, of more than an insertion sort's few, keys
    spanning a few values or all 32 bits."""
    keys = np.array(values, dtype=np.uint32)
    expect = np.sort(keys)
    got = split_sort_u32(keys.copy(), np.empty_like(keys))
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, expect)


def test_split_sort_of_crowded_buckets():
    """Buckets of hundreds of keys, sorted by one LSD pass (a span of 2^20: 10 bits left
    below the split's), or by two with the first digit shared (keys 2^11 apart)."""
    rng = np.random.default_rng(11)
    narrow = rng.integers(1000, 1000 + 2**20, 200_000).astype(np.uint32)
    spaced = (rng.integers(0, 2**20, 200_000) << 11).astype(np.uint32)
    for keys in (narrow, spaced):
        got = split_sort_u32(keys.copy(), np.empty_like(keys))
        np.testing.assert_array_equal(got, np.sort(keys))


def test_radix_sort_of_wage_bits_and_the_machines_choice():
    """Wages' float32 bit patterns (a month's share their top digit), at sizes across
    the digit widths; ``sort_u32`` (whichever sort it picked) gives the same."""
    rng = np.random.default_rng(3)
    for n in (0, 1, 2, 2049, 100_000, order.SPLIT_FROM + 3):
        keys = rng.lognormal(8.5, 0.6, n).astype(np.float32).view(np.uint32)
        expect = np.sort(keys)
        spare = rng.integers(0, 2**32, n + 1, dtype=np.uint32)  # longer, not empty
        np.testing.assert_array_equal(radix_sort_u32(keys.copy(), spare), expect)
        np.testing.assert_array_equal(order.sort_u32(keys.copy(), spare), expect)
    assert order._sorter() in (order.radix_sort_u32, order._numpy_sort_u32)
