"""Plain-Python twins of the numba kernels: the readable specification of every rule.

One module per module of ``simulation.kernels``, with functions of the same names and
signatures that mutate the same arrays in place and return the same values, written
per agent with plain ``for`` loops, Python floats and the ``py_`` random numbers of
``simulation.rng``. ``tests/test_kernels.py`` checks each twin against its kernel.

Where a twin looks fussier than the rule it states, it is copying numba's arithmetic
so that results stay bit-identical (see ``common``): kernels read float32 arrays into
float64 before computing, except where both operands are float32 (a sum of two gaps,
a difference of two dates), which numba computes in float32; a float raised to an
integer power is computed by repeated squaring; ties in sorts keep row order.
"""
