"""A cold start on two cores: a helper process compiles the month's later kernels.

The first run on a machine compiles about sixty numba kernels (``cache=True``), one
after the other as the first month calls them: about 35 CPU seconds, on one core,
because numba compiles under one lock per process. A second process can compile into
the same cache at the same time, and numba loads from its cache any kernel that another
process has saved by the time this one first calls it.

So when a model is built, and numba's cache does not yet hold the late kernels, this
process starts ``python -m simulation.compile_ahead`` and goes on with its own month.
The helper builds a small model's initial state and calls the kernels of the month in
an order opposite to the model's: search and matching (phase 7, the largest) first,
then the month's metrics from last to first (the Gini, employability, the tally). The
model meanwhile compiles phases 1 to 6 and 8 to 10, then finds phase 7 in the cache,
and the two meet somewhere in the metrics (BENCHMARKS.md, "Start-up"): 37 s -> about
22 s on the 2-core development machine. The helper's results are thrown away: it only fills the
cache, and a compiled kernel is the same whichever process compiled it.

The helper starts at most once per process, only when the cache lacks the tally
kernel, on a machine where this process may use two cores or more, and not while
another helper for the same cache is running (a lock file in the cache folder).
``SKILLSIM_COMPILE_HELPER=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time

ENV = "SKILLSIM_COMPILE_HELPER"  # "0": never start a helper (the helper itself runs so)
LOCK = "skillsim-compile-helper.lock"  # in numba's cache folder of the metrics kernels
STALE_SECONDS = 600  # a lock older than this is a helper that died: taken over

_checked = False  # the decision is made once per process
_helper: subprocess.Popen | None = None  # kept: a dropped Popen warns that it still runs


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _cache_state() -> tuple[bool, str | None]:
    """(whether numba's cache holds the tally kernel, the folder of that cache). Reads
    numba's cache index the way numba does; (True, None) if it cannot tell."""
    try:
        from simulation.kernels import metrics

        cache = metrics._tally_rows._cache
        return bool(cache._cache_file._load_index()), cache.cache_path
    except Exception:  # another numba version, caching off: start no helper
        return True, None


def _take_lock(folder: str) -> bool:
    path = os.path.join(folder, LOCK)
    with contextlib.suppress(OSError):
        if time.time() - os.path.getmtime(path) > STALE_SECONDS:
            os.unlink(path)
    try:
        os.makedirs(folder, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except OSError:
        return False
    return True


def start_helper() -> subprocess.Popen | None:
    """Start the helper if this process's first model is a cold start (see the module
    docstring); returns it, or None. Later calls return None at once."""
    global _checked, _helper
    if _checked:
        return None
    _checked = True
    import numba

    if os.environ.get(ENV) == "0" or numba.config.DISABLE_JIT or _cores() < 2:
        return None
    cached, folder = _cache_state()
    if cached or folder is None or not _take_lock(folder):
        return None
    env = dict(os.environ, **{ENV: "0"})
    try:
        _helper = subprocess.Popen(
            [sys.executable, "-m", "simulation.compile_ahead", folder],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not stopped by the terminal's Ctrl-C with the run
        )
        return _helper
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, LOCK))
        return None


def compile_late_kernels(workers: int = 500) -> None:
    """Call the month's later kernels on a small model's initial state, in the order
    opposite to a model's month (see the module docstring). The state is made to reach
    every kernel, not to make sense: every firm gets an opening and a slot and every
    worker seeks an apprenticeship (so that the matching runs), then every other
    employed worker becomes unemployed (so that employability has someone to sample)."""
    import mesa
    import numpy as np

    from simulation import loading, phases
    from simulation.kernels import metrics as metric_kernels
    from simulation.model import PhaseTimer, SkillsModel
    from simulation.state import Status

    run = loading.resolve_run("baseline", ("none",), workers, 1, 0)
    m = SkillsModel.__new__(SkillsModel)
    mesa.Model.__init__(m, seed=0)
    m.timer = PhaseTimer()
    m._configure(run)
    m._set_up()
    w, f, p = m.workers, m.firms, m.status_quo
    live = f.alive == 1
    f.vacancies[live] = 1
    f.slots[live] = 1
    w.seeking_appr[:] = 1
    phases.search_and_matching(m, p, 1)
    metric_kernels.wage_gini(w.status, w.wage)
    # employability samples the unemployed and draws open vacancies: make some of both
    laid_off = np.flatnonzero(w.status == Status.EMPLOYED)[::2]
    w.status[laid_off] = Status.UNEMPLOYED
    w.employer[laid_off] = -1
    f.vacancies[live] = 1
    m._employability()
    m._start_recording()  # the tally, and the rest of the month's record (now cached)


def main(argv: list[str]) -> int:
    """The helper: compile, then release the lock in ``argv[0]`` (the cache folder)."""
    try:
        compile_late_kernels()
    finally:
        if argv:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(argv[0], LOCK))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
