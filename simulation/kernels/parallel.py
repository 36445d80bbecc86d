"""How the parallel kernels are compiled.

``@njit(parallel=prange_only())`` parallelises a kernel's explicit ``prange`` loops and
nothing else: numba's other automatic rewrites (array expressions, reductions,
``arr[:] = x``, comprehensions, loop fusion) are switched off. The kernels write those
steps as plain loops on purpose, and the rewrites' analysis made the parallel kernels
the slowest part of a cold start (about 12 s of compilation for the five of them);
with them off each ``prange`` loop still runs on all threads.
"""


def prange_only() -> dict[str, bool]:
    """A new options dict per kernel: numba empties the dict it is given."""
    return {
        "comprehension": False,
        "reduction": False,
        "inplace_binop": False,
        "setitem": False,
        "numpy": False,
        "stencil": False,
        "fusion": False,
    }
