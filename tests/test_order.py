"""``kernels.order.stable_order`` is numpy's stable argsort: the same permutation for any
float keys (ties, NaN, signed zeros, infinities), so replacing ``np.argsort(...,
kind="mergesort")`` with it changes no result; ``first_few`` gives the first places of
that sort among the keys that clear a bar."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.kernels.order import FEW, RUN, first_few, stable_order

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
