"""The numba kernels: the model's rules over arrays, one module per area."""

import os

# The modules of rules (``simulation.twins`` has a plain-Python twin of each); ``order``,
# ``parallel``, ``memory`` and ``scalar`` are their tools.
MODULES = (
    "accounting",
    "apprenticeship",
    "choices",
    "demand",
    "demography",
    "firms",
    "matching",
    "metrics",
    "separations",
    "skills",
    "training",
)


def _distinct_function_ids() -> None:
    """Number this process's numba compilations from a random start.

    numba names each compiled function (and its environment) with a per-process
    counter (``v1``, ``v2``, ... in the symbol names) and saves those names in its cache.
    Several processes fill one cache: a cold start's helper beside the model
    (``simulation.compile_ahead``), a sweep's workers, the runs of earlier days. When
    two of them gave the same function the same number, a process that loads both
    cached libraries (a small model's matching rounds in one call, saved by one process,
    and a kernel they call, saved by another) binds both to one symbol, and the second
    library's function runs with an environment nobody set: on this project's machine,
    ``SystemError: ... returned a result with an exception set`` ("In
    'NRT_adapt_ndarray_to_python', 'descr' is NULL") at the first month, in every run
    until the cache was cleared (numba issue 10486 describes the same collision). With a
    random 62-bit start per process (and a new one in a forked child, which would
    otherwise go on from its parent's count), two processes' numbers never meet. Only
    the symbols' names change: not the code, the cache's keys or any result. (numba
    reads the counter with ``next``; a numba without it is left as it is.)"""
    import itertools
    import secrets

    from numba.core import bytecode

    identity = getattr(bytecode, "FunctionIdentity", None)
    if isinstance(getattr(identity, "_unique_ids", None), itertools.count):
        identity._unique_ids = itertools.count(secrets.randbits(62) | 1 << 61)


_distinct_function_ids()
os.register_at_fork(after_in_child=_distinct_function_ids)
