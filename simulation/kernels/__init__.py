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

    numba names each compiled function (and its environment) with a per-process counter
    (``v1``, ``v2``, ... in the symbol names) and saves those names in its cache, which
    many processes fill: a cold start's helper beside the model
    (``simulation.compile_ahead``), a sweep's workers, the runs of earlier days. Two
    processes that compile in the same order give the same functions the same names. On
    the development machine, after an edit of ``matching.py`` was undone, every run
    stopped at its first month with ``SystemError: ... returned a result with an
    exception set`` ("In 'NRT_adapt_ndarray_to_python', 'descr' is NULL", from
    ``draw_tables``): its cached library, saved by one process, and the small models'
    one-call rounds, saved by another, both named it ``draw_tables`` ``v6``. Compiling
    ``draw_tables`` again (under another number) ended the crash, and so did a run that
    did not load the one-call rounds. (Two libraries that share names do not always
    crash: a shared name is what the crash needed, not all it needed. numba issue 10486
    reports crashes from the same shared names.) With a random 62-bit start per process,
    and a new one in a forked child (which would otherwise go on from its parent's
    count), two processes' numbers never meet. Only the symbols' names change: not the
    code, the cache's keys or any result. (numba reads the counter with ``next``; a
    numba without it is left as it is.)"""
    import itertools
    import secrets

    from numba.core import bytecode

    identity = getattr(bytecode, "FunctionIdentity", None)
    if isinstance(getattr(identity, "_unique_ids", None), itertools.count):
        identity._unique_ids = itertools.count(secrets.randbits(62) | 1 << 61)


_distinct_function_ids()
os.register_at_fork(after_in_child=_distinct_function_ids)


def cached_with_callees(dispatcher) -> None:
    """Key numba's cache of ``dispatcher`` (a ``cache=True`` kernel that calls kernels
    of other modules: ``matching.rounds_in_one_call``, ``month.advance``) on the source
    of every kernel module, the random streams and the states' enums, not only on its own
    file's: numba compiles the callees' code into the caller's, but checks only the
    caller's file for changes, so an edit of a callee elsewhere would leave the caller's
    cached code running the old rule. (numba keeps a hash of the file's bytes as the
    stamp; this one hashes the files together. Another numba, whose cache has no such
    stamp, is left as it is.)"""
    import hashlib
    from pathlib import Path

    cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    if cache_file is None or not hasattr(cache_file, "_source_stamp"):
        return
    here = Path(__file__).parent
    sources = [*sorted(here.glob("*.py")), here.parent / "rng.py", here.parent / "state.py"]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    cache_file._source_stamp = digest.digest()
