"""Arithmetic helpers that let the twins reproduce numba's results exactly."""

from __future__ import annotations

import math
import struct

import numpy as np

_FLOAT32 = struct.Struct("f")


def f32(x: float) -> float:
    """``x`` rounded to float32, as a Python float.

    numba computes ``a + b`` in float32 when both are float32 array elements; the twins
    add the two values as Python floats and round once with this. The float64 result of
    adding two float32 values, rounded to float32, equals the float32 sum exactly (float64
    has more than twice float32's precision), so the two agree bit for bit. (Packed as a
    C float: the same rounding as ``np.float32(x)``, three times faster.)
    """
    try:
        return _FLOAT32.unpack(_FLOAT32.pack(x))[0]
    except OverflowError:  # beyond the float32 range: infinity, as NumPy gives
        return float(np.float32(x))


def int_power(x: float, n: int) -> float:
    """``x ** n`` for an integer ``n`` as numba computes it: square and multiply.

    Python's ``x ** n`` calls the C library's ``pow`` and can differ in the last bit.
    """
    if n > 0x10000 or n < -0x10000:
        return math.pow(x, float(n))
    r = 1.0
    e = -n if n < 0 else n
    while e != 0:
        if e & 1:
            r *= x
        e >>= 1
        x *= x
    return 1.0 / r if n < 0 else r
