"""The dashboard's server process (``skillsim dashboard`` replaces itself with it):
Solara's own command, ``solara run ...``, run in this process so that Ctrl-C, the way a
presenter stops a dashboard, ends it with exit status 0 and a line that says so.

Run as Solara runs itself, Ctrl-C printed "Aborted!" and exited with status 1: uvicorn
shuts the server down and raises the interrupt again, which Solara's command-line
library (click) turns into a failure. A script that starts a forum's dashboard read
that as a crash."""

from __future__ import annotations

import sys

STOPPED = "skillsim dashboard: stopped (Ctrl-C)"


def main(argv: list[str] | None = None) -> int:
    """``solara`` with the arguments ``argv`` (default: this process's); 0 when Ctrl-C
    stops it, as when it ends of itself."""
    import click
    from solara.__main__ import cli

    args = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=args, prog_name="solara", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        print(STOPPED, file=sys.stderr, flush=True)  # (under the newline click wrote)
    except click.exceptions.ClickException as exc:  # (bad arguments: Solara's own words)
        exc.show()
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
