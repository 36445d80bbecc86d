"""A stop asked for by a signal (Ctrl-C, SIGTERM), kept beside the KeyboardInterrupt that
the command's handler raises (``simulation.cli.main``).

Python drops an exception raised inside a garbage-collection callback ("Exception
ignored in ..."), and a Dask client runs one at every collection (distributed's
``GCDiagnosis``): a Ctrl-C that landed there was lost, and the sweep ran to its end.
So the handler also sets ``requested``, and a long loop (the sweep's, after each run)
stops when it is set (``check``).

While a model steps in the main thread (``deferred``), the handler raises nothing at
the first stop: it sets ``requested``, and the model's loop stops at its next month
(``check``). An exception raised at any bytecode of numba's dispatcher could leave
llvmlite's lock taken, and a helper thread waiting for it, for ever (an outside review:
a single Ctrl-C hung a run at 0% CPU), or come back out of compiled code as a
``SystemError`` (exit 1, and a serial sweep's run recorded failed). A second stop acts
at once."""

from __future__ import annotations

import contextlib
import os
import signal
import threading

requested = threading.Event()
# Set beside ``requested`` when the stop was SIGTERM (a batch scheduler's), not Ctrl-C:
# a command says "stopped" then. Here, not in the command line's module, which runs as
# ``__main__`` under ``python -m simulation.cli`` (an import of it is another module).
sigterm = threading.Event()


def check() -> None:
    """Raise KeyboardInterrupt if a stop was asked for (its own exception may be lost)."""
    if requested.is_set():
        raise KeyboardInterrupt


@contextlib.contextmanager
def once():
    """The first stop acts (the handlers in place raise as they do); those after it,
    until the block ends, are only kept (yielded), as ``held`` keeps them: a command that
    writes what it finished once stopped (a calibration's points) is not cut short
    between catching the first stop and holding the signals for its writing (a Ctrl-C
    pressed twice left no folder, now and then, in a CI run). Off the main thread,
    nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    kept: list[int] = []
    fired: list[int] = []
    before = {sig: signal.getsignal(sig) for sig in STOPS}

    def first_only(previous):
        def handler(signum, frame):
            # (after the stop has acted: it raised, or a model's deferred stop has ended
            # the model, which no longer steps; while it steps, a second acts at once)
            if fired or (requested.is_set() and not _deferring):
                kept.append(signum)
                return
            try:
                previous(signum, frame)
            except BaseException:
                fired.append(signum)
                raise

        return handler

    for sig, handler in before.items():
        if callable(handler):
            signal.signal(sig, first_only(handler))
    try:
        yield kept
    finally:
        for sig, handler in before.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)


_deferring = 0  # ``deferred`` contexts open in the main thread


@contextlib.contextmanager
def deferred():
    """A model steps in this thread, checking ``requested`` after every month (and
    burn-in month): the first stop only sets it (``defer``). Off the main thread, where
    no signal handler runs, nothing changes."""
    global _deferring
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1


def defer(signum: int) -> bool:
    """For a command's signal handler: set ``requested``, and whether to leave the stop
    to the next ``check`` (the first stop while a model steps, ``deferred``), saying so
    on stderr, rather than raise. (os.write, not print: a handler may run in the middle
    of a print.)"""
    first = not requested.is_set()
    requested.set()
    if not (first and _deferring):
        return False
    what = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
    with contextlib.suppress(OSError):
        os.write(
            2, f"skillsim: {what}: stopping after this month ({what} again: at once)\n".encode()
        )
    return True


STOPS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def held():
    """Ctrl-C and SIGTERM held while finished work is written and reported: a stop then
    has nothing left to stop, and acting on it would lose what was finished (a second
    Ctrl-C while an interrupted calibration wrote its folder left none) or leave a
    complete folder behind an exit code that says "stopped, nothing written" (a script
    would run it again). Yields the list of the signals held; they are dropped at the
    end. (Off the main thread, where handlers cannot be set, nothing is held.)"""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    kept: list[int] = []
    before = {sig: signal.signal(sig, lambda n, f: kept.append(n)) for sig in STOPS}
    try:
        yield kept
    finally:
        for sig, handler in before.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
