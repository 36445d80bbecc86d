"""Plain-Python twins of the numba kernels: the readable specification of every rule.

One module per module of ``simulation.kernels``, with functions of the same names and
signatures that mutate the same arrays in place and return the same values, written
per agent with plain ``for`` loops, Python floats and the ``py_`` random numbers of
``simulation.rng``; the per-agent helpers (``skills.job_gaps``, ``choices.pick_path``,
``matching.firm_offers`` ...) are what a Mesa reference model calls for one agent.
``tests/test_kernels.py`` checks every twin against its kernel.

Where a twin looks fussier than the rule it states, it copies numba's arithmetic so
that results stay bit-identical (see ``common``):

- numba computes in float32 when both operands are float32, and ``float(x)`` of a
  float32 array element stays float32 in numba; so a sum of the two gaps, a difference
  of two dates, and ``r - s`` in ``job_gaps`` and on-the-job learning are float32
  (``common.f32``); everything else mixes in a float64 and is float64;
- a float to an integer power is computed by repeated squaring (``common.int_power``);
- sorts are stable (ties keep row order), like ``np.argsort(kind="mergesort")``;
- sums run left to right, like numba's ``array.sum()``.
"""
