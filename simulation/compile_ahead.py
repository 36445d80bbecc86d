"""A cold start on two cores: a helper process compiles half of the first month.

The first run on a machine compiles about sixty numba kernels (``cache=True``), one
after the other as the first month calls them: about 35 CPU seconds, on one core,
because numba compiles under one lock per process. A second process can compile into
the same cache at the same time, and numba loads from its cache any kernel that another
process has saved by the time this one first calls it.

So when ``simulation.model`` is first imported, and numba's cache does not yet hold the
month's kernels, this process starts ``python -m simulation.compile_ahead`` (before
mesa and pandas load, so that the helper's own imports overlap the model's) and goes on.
The helper builds a small model's initial state (an ``Engine``: it never loads mesa or
pandas) and runs the month's *stages* (the ten phases, and the metrics in three parts)
in an order of its own: search and matching (phase 7, the largest) first, then the
metrics, then phases 10 back to 1. The model runs them in the month's order (its three
metric parts in the reverse of the helper's order), so the two work toward each other.
Whichever of the two reaches a stage first claims it (a file created in a folder the
two share) and compiles it; the helper skips a stage the model has claimed, and the
model waits for a stage the helper is compiling rather than compile it a second time.
So the two meet where their work is even, whatever the machine and the scenario
(BENCHMARKS.md, "Start-up"). The helper's results are thrown away: it only fills the
cache, and a compiled kernel is the same whichever process compiled it. Outside the
first month, and in any process without a helper, ``stage`` is a shared no-op.

The helper starts at most once per process, only when the cache lacks the tally
kernel, or the small models' matching rounds, or the month in one call (which it compiles
last, for the runs after: ``matching.one_call_ready``, ``kernels.month.ready``), on a
machine where this process may use two cores or more, and not while another helper for
the same cache is running (a lock file in the cache folder).
``SKILLSIM_COMPILE_HELPER=0`` turns it off; ``python -m simulation.compile_ahead`` runs
it in the foreground (every stage, then the one-call kernels).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ENV = "SKILLSIM_COMPILE_HELPER"  # "0": never start a helper (the helper itself runs so)
LOCK = "skillsim-compile-helper.lock"  # in numba's cache folder of the metrics kernels
STALE_SECONDS = 600  # a lock older than this is a helper that died: taken over
WAIT_SECONDS = 120.0  # the longest the model waits for one stage the helper is compiling
POLL_SECONDS = 0.005

_checked = False  # the decision is made once per process
_helper: subprocess.Popen | None = None  # kept: a dropped Popen warns that it still runs
_stages: str | None = None  # the folder of stage claims shared with a running helper
_passed: set[str] = set()  # stages this process has run once (or no longer shares)
_NOOP = contextlib.nullcontext()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def in_cache(kernel) -> bool | None:
    """Whether numba's cache holds ``kernel`` (a ``cache=True`` dispatcher) compiled for
    this machine's CPU, read from numba's cache index the way numba does (a cache folder
    shared with machines of other CPUs holds their code too); None if it cannot tell."""
    try:
        index = kernel._cache._cache_file._load_index()
        here = kernel.targetctx.codegen().magic_tuple()
        return any(key[1] == here for key in index)
    except Exception:  # another numba version, caching off
        return None


def _cache_state() -> tuple[bool, str | None]:
    """(whether numba's cache holds the tally kernel, and the small models' matching
    rounds, tallies, month and metrics' composition in one call, the folder of that
    cache); (True, None) if it cannot tell."""
    from simulation.kernels import matching, metrics, month

    kernels = (
        metrics._tally_rows,
        matching.rounds_in_one_call,
        metrics.tally_in_one_call,
        month.advance,
        matching.assist,
        metrics.compose_values,
    )
    held = [in_cache(k) for k in kernels]
    if None in held:  # start no helper
        return True, None
    return all(held), metrics._tally_rows._cache.cache_path


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


def wait_for_helper(timeout: float = STALE_SECONDS, say=None) -> float:
    """Wait while a compile helper fills this process's numba cache (its lock held and
    not stale), started by this process or another, for at most ``timeout`` seconds;
    the seconds waited. A timing that starts while the helper runs shares the cores
    with its compiler: a benchmark's warm-up on a cold cache returns in seconds, and the
    helper then compiles for minutes (4 minutes on a 2-vCPU AMD EPYC, BENCHMARKS.md).
    ``say(text)`` is called once, before the wait, if there is one."""
    try:
        from simulation.kernels import metrics

        lock = os.path.join(metrics._tally_rows._cache.cache_path, LOCK)
    except Exception:  # caching off, another numba version
        return 0.0
    start = time.monotonic()
    told = False
    while time.monotonic() - start < timeout:
        try:
            if time.time() - os.path.getmtime(lock) > STALE_SECONDS:
                break
        except OSError:  # no lock: no helper
            break
        if not told and say is not None:
            say(f"waiting for the compile helper to fill numba's cache ({lock})")
            told = True
        time.sleep(0.2)
    return time.monotonic() - start


def start_helper() -> subprocess.Popen | None:
    """Start the helper if numba's cache is cold (see the module docstring); returns it,
    or None. Called when ``simulation.model`` is first imported (``compile_early``);
    later calls return None at once."""
    global _checked, _helper, _stages
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
    stages = None
    try:
        stages = tempfile.mkdtemp(prefix="skillsim-compile-")
        _helper = subprocess.Popen(
            [sys.executable, "-m", "simulation.compile_ahead", folder, stages],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not stopped by the terminal's Ctrl-C with the run
        )
    except OSError:
        if stages is not None:
            shutil.rmtree(stages, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, LOCK))
        return None
    _stages = stages
    return _helper


def _claim(folder: str, name: str) -> bool | None:
    """Claim stage ``name``: True if this process now owns it, False if the other one
    does, None if the folder is gone (the helper has ended)."""
    try:
        os.close(os.open(os.path.join(folder, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    except OSError:
        return None
    return True


def _mark_done(folder: str, name: str) -> None:
    with contextlib.suppress(OSError):
        os.close(os.open(os.path.join(folder, name + ".done"), os.O_CREAT | os.O_WRONLY))


def sharing() -> bool:
    """Whether the model's stages are still shared with a running helper (``stage`` is
    not a no-op): the first month of a cold start."""
    return _stages is not None


def stage(name: str):
    """The context in which the model runs stage ``name`` of its month (a phase, or a
    part of the metrics). While this process's helper is running, the first time: the
    model claims the stage and marks it done after, or, if the helper has claimed it,
    first waits until the helper has compiled it (or has ended, or WAIT_SECONDS). A
    shared no-op otherwise."""
    if _stages is None or name in _passed:
        return _NOOP
    return _shared_stage(name)


def staged(timer):
    """``timer`` (a ``PhaseTimer``, called with a phase's name for its context), each of
    whose contexts also runs in ``stage(name)`` while a helper is running."""
    if _stages is None:
        return timer

    @contextlib.contextmanager
    def both(name: str):
        with stage(name), timer(name):
            yield

    return both


@contextlib.contextmanager
def _shared_stage(name: str):
    global _stages
    folder = _stages
    claim = None if _helper is None or _helper.poll() is not None else _claim(folder, name)
    if claim is False and not _wait_for(folder, name):
        _stages = None  # the helper is not getting on: share no more
    try:
        yield
    finally:
        _passed.add(name)
        if claim:
            _mark_done(folder, name)
        if claim is None or _passed.issuperset(HELPER_ORDER):
            _stages = None  # the helper has ended, or nothing is left: all no-ops now


def _wait_for(folder: str, name: str) -> bool:
    """Wait until the helper has done stage ``name`` or has ended (True), or for at most
    WAIT_SECONDS (False)."""
    end = time.monotonic() + WAIT_SECONDS
    done = os.path.join(folder, name + ".done")
    while not os.path.exists(done) and _helper.poll() is None:
        if time.monotonic() > end:
            return False
        time.sleep(POLL_SECONDS)
    return True


# The stages of a month (SkillsModel._advance's phase names, and _tally's three parts) in
# the helper's order; the model's is phases 1 to 10, then gini, employability, tally: the
# reverse of this order but for phase 7, which the model reaches when the helper has
# long taken it. So the two work toward each other and meet where their work is even,
# usually inside the metrics (the helper's largest first, the model's smallest first).
HELPER_ORDER = (
    "7 search and matching",
    "tally",
    "employability",
    "gini",
    "10 accounts",
    "9 demography",
    "8 separations",
    "6 skills",
    "5 education choices",
    "4 providers",
    "3 apprenticeship supply",
    "2 firm demand",
    "1 drivers",
)


def _plain_wages(m, p) -> None:
    """The helper's stand-in for ``phases.set_wages`` in its set-up: every employed
    worker and apprentice paid the wage level of their region."""
    import numpy as np

    from simulation.state import Status

    w = m.workers
    paid = (w.status == Status.EMPLOYED) | (w.status == Status.APPRENTICE)
    w.wage[:] = np.where(paid, m.world.wage_level[w.region], 0.0)


def compile_month(stages: str | None, workers: int = 500) -> None:
    """Run the month's stages on a small model's initial state in ``HELPER_ORDER``,
    each only if this process claims it in the folder ``stages`` (every stage if None);
    see the module docstring. The state is made to reach every kernel, not to make
    sense: every firm gets an opening and a slot and every worker seeks an
    apprenticeship (so that the matching runs), then every other employed worker
    becomes unemployed (so that employability has someone to sample). The model is an
    ``Engine``, not a ``SkillsModel``: the helper needs neither mesa nor pandas, and
    starts compiling about a second sooner without their imports."""
    import numpy as np

    from simulation import loading, phases
    from simulation.engine import Engine, PhaseTimer
    from simulation.kernels import duo
    from simulation.kernels import matching as matching_kernels
    from simulation.kernels import metrics as metric_kernels
    from simulation.kernels import month as month_kernels
    from simulation.state import Status

    run = loading.resolve_run("baseline", ("none",), workers, 1, 0)
    m = Engine()
    m.timer = PhaseTimer()
    m._configure(run)
    # The model compiles set_wages first thing in its own set-up, at the moment this
    # process would: here the workers get a plain wage instead (their region's wage
    # level), and set_wages is phase 10's, compiled by whichever process takes it.
    m._set_up(pay=_plain_wages)
    w, f, p = m.workers, m.firms, m.status_quo
    live = f.alive == 1

    def matching() -> None:
        f.vacancies[live] = 1
        f.slots[live] = 1
        w.seeking_appr[:] = 1
        phases.search_and_matching(m, p, 1)

    def employability() -> None:
        # employability samples the unemployed and draws open vacancies: make both
        laid_off = np.flatnonzero(w.status == Status.EMPLOYED)[::2]
        w.status[laid_off] = Status.UNEMPLOYED
        w.employer[laid_off] = -1
        f.vacancies[live] = 1
        m._employability()

    run_stage = {
        "7 search and matching": matching,
        "gini": m._gini,
        "employability": employability,
        "tally": m._tally_tables,
        "10 accounts": lambda: phases.accounts(m, p),
        "9 demography": lambda: phases.demographic_change(m, p, 1),
        "8 separations": lambda: phases.separations_and_lifecycle(m, p, 1),
        "6 skills": lambda: phases.skill_change(m, p),
        "5 education choices": lambda: phases.education_choices(m, p, 1),
        "4 providers": lambda: phases.providers(m, p, 1),
        "3 apprenticeship supply": lambda: phases.apprenticeship_supply(m, p),
        "2 firm demand": lambda: phases.firm_demand(m, p, 1),
        "1 drivers": lambda: phases.drivers(m, p, 1),
    }
    for name in HELPER_ORDER:
        if stages is None or _claim(stages, name):
            run_stage[name]()
            if stages is not None:
                _mark_done(stages, name)
    # Last, what a cold start's first month does without: a small model's matching
    # rounds, its tallies, then its whole month, in one compiled call (several seconds,
    # one, then about twenty, to compile), the month's helper thread (kernels.duo), and
    # its metrics composed in one call, which later processes take from the cache
    # (matching.one_call_ready, month.ready).
    before = matching_kernels._one_call, month_kernels._choice
    try:
        matching_kernels.use_one_call(True)
        matching()
        month_kernels.use_one_call(True)
        m._tally_tables()
        phases.whole_month(m, p, 1)
        month_kernels.clock()  # (read around the call when profiled)
        stopped = duo.new_box()  # (the month's helper: told to quit, it returns at once)
        stopped[duo.QUIT] = 1
        matching_kernels.assist(stopped, phases.shared_context(m, p))
        metric_kernels.compose_values(  # (as metrics.compose_compiled calls it)
            m.by_region, m.by_sector, m.g, m.flows, m.flow_history.sum(0), m.spend,
            m.appr_money, m.mig_in, m.mig_out, m.world.region_urban, m.world.sector_kind,
            1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0,
        )  # fmt: skip
    finally:  # (the process's own choices back: tests call this in theirs)
        matching_kernels.use_one_call(before[0])
        month_kernels.use_one_call(before[1])


def _stop(signum: int, frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    """The helper: ``argv`` is the cache folder (whose lock it releases at the end) and
    the folder of stage claims (removed at the end), either optional."""
    folder = argv[0] if argv else None
    stages = argv[1] if len(argv) > 1 else None
    # Stopped by a signal (a CI job's leftovers killed, a user's `kill`), the helper
    # still removes its folder of claims and its lock below: by default SIGTERM ended
    # it at once, and an empty skillsim-compile-* folder stayed in the temp folder.
    signal.signal(signal.SIGTERM, _stop)
    try:
        compile_month(stages)
    finally:
        if stages is not None:
            shutil.rmtree(stages, ignore_errors=True)
        if folder is not None:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, LOCK))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
