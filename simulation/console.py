"""The ``skillsim`` command's entry point (``[project.scripts]``).

The command line module, with numpy, pandas and pydantic under it, takes about half a
second to import; Ctrl-C in that time printed a traceback of the imports (30-50 lines)
instead of the one line and exit 130 it gives later. Importing it here, inside a
``try``, ends such a stop the same way."""

from __future__ import annotations

import os
import sys


def entry() -> None:
    try:
        from simulation.cli import entry as command
    except KeyboardInterrupt:
        print("skillsim: interrupted", file=sys.stderr, flush=True)
        os._exit(130)
    command()
