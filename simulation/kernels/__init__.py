"""The numba kernels: the model's rules over arrays, one module per area."""

import functools
import hashlib
import os
from pathlib import Path

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
if hasattr(os, "register_at_fork"):  # (Unix only: Windows has no fork; every command failed)
    os.register_at_fork(after_in_child=_distinct_function_ids)


@functools.cache
def _sources_digest() -> bytes:
    """A hash of every kernel module's source, the random streams' and the states' (whose
    enums the kernels compile in as constants)."""
    here = Path(__file__).parent
    sources = [*sorted(here.glob("*.py")), here.parent / "rng.py", here.parent / "state.py"]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def key_caches_on_sources(namespace: dict) -> bool:
    """Key numba's cache of every ``cache=True`` kernel defined in the module whose
    ``globals()`` are ``namespace`` on the source of every kernel module, the random
    streams and the states (``_sources_digest``), not only on the kernel's own file.
    Every module of kernels calls it last.

    numba compiles a kernel's callees into its code (helpers inlined, other kernels
    linked in) and keeps its cache until the kernel's own file changes: an edit of a
    callee in another file (``skills.job_gaps``, ``rng.uniform``, ``order``'s sorts)
    left its callers' cached code running the old rule, and the one-call kernels
    (``matching.rounds_in_one_call``, ``month.advance``) call nearly every kernel. Now
    an edit of any of those files makes every kernel compile anew: slower the first
    time, never stale. (numba keeps a hash of the file's bytes as the stamp; this
    replaces it by the hash of all the files.) Returns False if this numba's cache has no
    such stamp: its kernels then keep numba's own keys, and the one-call kernels are
    not used (``month.ready``, ``matching.one_call_ready``)."""
    keyed = True
    for value in list(namespace.values()):
        py_func = getattr(value, "py_func", None)
        cache = getattr(value, "_cache", None)
        if py_func is None or py_func.__module__ != namespace.get("__name__"):
            continue
        cache_file = getattr(cache, "_cache_file", None)
        if cache_file is None:  # not cache=True (numba's NullCache)
            continue
        if not hasattr(cache_file, "_source_stamp"):
            keyed = False
            continue
        cache_file._source_stamp = _sources_digest()
    return keyed
