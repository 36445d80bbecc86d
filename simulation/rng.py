"""Counter-based random numbers.

A draw is a pure function of (run seed, month, stream, agent id, slot): SplitMix64's
finaliser applied to ``key + counter * golden``, where ``key`` hashes (seed, month,
stream) and ``counter = id * 256 + slot``. Consequences:

- results do not depend on thread count, loop order or executor;
- the same worker gets the same draws under two policies (common random numbers);
- the plain-Python twins and the Mesa reference can draw exactly the same numbers.

Each function exists twice: an ``@njit`` version for kernels and a ``py_`` version in
plain Python integers for the twins and the reference; a test checks they agree.
"""

from __future__ import annotations

import functools
import math
from enum import IntEnum

import numpy as np
from numba import njit

# Before this module's kernels compile (those with a signature compile at import):
# every process numbers numba's compilations from its own random start.
import simulation.kernels  # noqa: F401
from simulation.kernels import key_caches_on_sources

MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
SLOTS = 256  # draws per (agent, stream, month); counter = id * SLOTS + slot

GOLDEN = np.uint64(_GOLDEN)
M1 = np.uint64(_M1)
M2 = np.uint64(_M2)
U30, U27, U31, U11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
USLOTS = np.uint64(SLOTS)
INV53 = 1.0 / 9007199254740992.0  # 2**-53


class Stream(IntEnum):
    """One stream per kind of decision, so adding draws to one process never shifts another."""

    FIRM_SHOCK = 2
    FIRM_ENTRY = 3
    FIRM_EXIT = 4
    FORECAST = 6
    CHOICE = 7
    LLL = 8
    SEARCH = 9
    APPLY = 10
    QUIT = 11
    DROPOUT = 12
    COMPLETION = 13
    ENTRANT = 15
    MIGRATION = 16
    INACTIVITY = 17
    TRAINING_END = 18
    EMPLOYABILITY = 19
    WORKER_INIT = 20
    FIRM_INIT = 21
    PROVIDER_INIT = 22
    SLOT_SEARCH = 23
    SLOT_APPLY = 24
    SCREEN = 25  # a firm's error in judging a job application (matching.score_rows)


# ------------------------------------------------------------------ numba side


# Compiled once for their one signature (cache=True), not inlined by numba: LLVM still
# inlines them into every kernel, and numba-level inlining re-typed their bodies at each
# of the hundreds of call sites (about 4 s of a cold start).
@njit("uint64(uint64)", cache=True)
def mix64(z):
    z = (z ^ (z >> U30)) * M1
    z = (z ^ (z >> U27)) * M2
    return z ^ (z >> U31)


@njit(cache=True)
def stream_key(seed, month, stream):
    """Key of one (seed, month, stream); all arguments are non-negative integers."""
    k = mix64(np.uint64(seed) + GOLDEN)
    k = mix64(k ^ (np.uint64(month) * M1 + np.uint64(stream) * GOLDEN))
    return k


@njit("float64(uint64, int64, int64)", cache=True)
def uniform(key, agent, slot):
    """Uniform on [0, 1) for one agent and slot under a stream key."""
    z = mix64(np.uint64(key) + (np.uint64(agent) * USLOTS + np.uint64(slot)) * GOLDEN)
    return np.float64(z >> U11) * INV53


@njit("float64(uint64, int64, int64)", cache=True)
def normal(key, agent, slot):
    """Standard normal from the uniforms at ``slot`` and ``slot + 1`` (Box-Muller)."""
    u1 = uniform(key, agent, slot)
    u2 = uniform(key, agent, slot + 1)
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


@njit(cache=True, nogil=True)
def fill_uniform(key, start, slot, out):
    for i in range(out.shape[0]):
        out[i] = uniform(key, start + i, slot)


@njit(cache=True, nogil=True)
def fill_normal(key, start, slot, out):
    for i in range(out.shape[0]):
        out[i] = normal(key, start + i, slot)


KEY_TABLE = 32  # streams whose keys ``month_keys`` computes at once (Stream's are below)


@functools.lru_cache(maxsize=64)  # (models run in threads each ask for their own month)
def month_keys(seed: int, month: int) -> np.ndarray:
    """The keys of streams ``0 .. KEY_TABLE - 1`` for (seed, month): ``py_stream_key``'s
    bits, computed for all the streams at once in uint64 arrays (whose arithmetic wraps
    modulo 2^64, as the masks of the Python version do). Read-only; remembered for the
    last (seed, month) pairs."""
    base = np.uint64(py_mix64(seed + _GOLDEN))
    streams = np.arange(KEY_TABLE, dtype=np.uint64)
    z = base ^ (np.uint64((month * _M1) & MASK64) + streams * GOLDEN)
    z = (z ^ (z >> U30)) * M1
    z = (z ^ (z >> U27)) * M2
    z ^= z >> U31
    z.flags.writeable = False
    return z


def key(seed: int, month: int, stream: int) -> np.uint64:
    """Stream key as np.uint64 (the type every kernel is compiled for), with the bits of
    the kernel ``stream_key``. A step asks for a dozen or so keys of one month, and a
    numba call costs more than the hash: the month's keys come from ``month_keys`` (one
    NumPy computation for all streams, then a look-up each, about half a microsecond
    against five for a key hashed in Python integers); other streams are hashed alone."""
    if 0 <= stream < KEY_TABLE:
        return month_keys(seed, month)[stream]
    return np.uint64(py_stream_key(seed, month, stream))


def uniforms(seed: int, month: int, stream: int, n: int, slot: int = 0, start: int = 0):
    """Array of ``n`` uniforms for agents ``start .. start + n - 1`` (Python-side helper)."""
    out = np.empty(n, dtype=np.float64)
    fill_uniform(key(seed, month, stream), start, slot, out)
    return out


def normals(seed: int, month: int, stream: int, n: int, slot: int = 0, start: int = 0):
    out = np.empty(n, dtype=np.float64)
    fill_normal(key(seed, month, stream), start, slot, out)
    return out


# ------------------------------------------------------------ plain-Python side


def py_mix64(z: int) -> int:
    z &= MASK64
    z = ((z ^ (z >> 30)) * _M1) & MASK64
    z = ((z ^ (z >> 27)) * _M2) & MASK64
    return z ^ (z >> 31)


def py_stream_key(seed: int, month: int, stream: int) -> int:
    k = py_mix64(seed + _GOLDEN)
    return py_mix64(k ^ ((month * _M1 + stream * _GOLDEN) & MASK64))


def py_uniform(key: int, agent: int, slot: int) -> float:
    z = py_mix64(key + ((agent * SLOTS + slot) * _GOLDEN))
    return float(z >> 11) * INV53


def py_normal(key: int, agent: int, slot: int) -> float:
    u1 = py_uniform(key, agent, slot)
    u2 = py_uniform(key, agent, slot + 1)
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


key_caches_on_sources(globals())  # last: every kernel above
