"""A stop asked for by a signal (Ctrl-C, SIGTERM), kept beside the KeyboardInterrupt that
the command's handler raises (``simulation.cli.main``).

Python drops an exception raised inside a garbage-collection callback ("Exception
ignored in ..."), and a Dask client runs one at every collection (distributed's
``GCDiagnosis``): a Ctrl-C that landed there was lost, and the sweep ran to its end.
So the handler also sets ``requested``, and a long loop (the sweep's, after each run)
stops when it is set (``check``)."""

from __future__ import annotations

import threading

requested = threading.Event()


def check() -> None:
    """Raise KeyboardInterrupt if a stop was asked for (its own exception may be lost)."""
    if requested.is_set():
        raise KeyboardInterrupt
