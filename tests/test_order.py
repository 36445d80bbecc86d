"""``kernels.order.stable_order`` is numpy's stable argsort: the same permutation for any
float keys (ties, NaN, signed zeros, infinities), so replacing ``np.argsort(...,
kind="mergesort")`` with it changes no result."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.kernels.order import RUN, stable_order

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
