"""Hypothesis profiles: on CI (CI=true) examples are derived from each test's name, so a
run is reproducible and a red build can be replayed exactly; elsewhere they are random,
to keep exploring. HYPOTHESIS_PROFILE=ci|dev overrides. And Ctrl-C as a terminal's
foreground command has it, however the suite was started (``pytest_configure``). Each
test leaves numba's thread count as it found it (``numba_threads_kept``)."""

from __future__ import annotations

import os
import signal
import threading

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True, database=None)
settings.register_profile("dev", print_blob=True)
_default = "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default))


def pytest_configure(config) -> None:
    """The stop tests raise SIGINT at ``cli.main``'s handler, which the command installs
    only where Python's own is in place: a process started with Ctrl-C ignored, as a
    shell starts a background job (``make test &``, ``nohup ... &``), keeps ignoring it,
    by design. A suite started so, or from a thread that holds SIGINT back (a process
    inherits the block), saw those runs go on to their end: exit 0 where 130 was
    expected. So Ctrl-C here is Python's own and not blocked in the main thread, and
    the processes the tests start inherit its default action, as from a terminal."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "pthread_sigmask"):  # (not on Windows)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@pytest.fixture(autouse=True)
def numba_threads_kept():
    """numba's thread count restored after each test: a test that runs a sweep's task in
    this process (``executors.execute``, which sets a worker process's count and leaves
    it) left one thread to every later test, and the tests of the month shared with a
    helper thread then failed ("0 helpers") in a suite that ran them later."""
    import numba

    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)
