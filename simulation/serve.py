"""The dashboard's server process (``skillsim dashboard`` replaces itself with it):
Solara's own command, ``solara run ...``, run in this process so that Ctrl-C, the way a
presenter stops a dashboard, ends it as Ctrl-C ends every ``skillsim`` command: a line
that says so and exit status 130; SIGTERM, a line and 143.

Run as Solara runs itself, Ctrl-C printed "Aborted." and exited with status 1, a run
failed by ``skillsim``'s exit statuses: uvicorn shuts the server down and raises the
interrupt again, which Solara's command-line library (click) turns into a failure. And
a dashboard started in a script's background (``skillsim dashboard &``, where the shell
ignores Ctrl-C's SIGINT) stopped by ``kill -INT`` ended with 0 and no word: uvicorn
stops on SIGINT whatever the process had it do, then raised it again to be ignored."""

from __future__ import annotations

import signal
import sys

STOPPED = "skillsim dashboard: stopped ({why})"
EXIT_INTERRUPTED = 130  # (cli.EXIT_INTERRUPTED: not imported, to start the server sooner)
EXIT_TERMINATED = 143  # (cli's, as a shell reports a SIGTERM)


class _Terminated(Exception):
    """SIGTERM, raised again by uvicorn once the server has shut down."""


def _terminated(signum, frame) -> None:
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    """``solara`` with the arguments ``argv`` (default: this process's); 130 when Ctrl-C
    (SIGINT) stops it, from its first moment (the imports too) to its last, 143 when
    SIGTERM does."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminated)
    args = sys.argv[1:] if argv is None else argv
    try:
        import click
        from solara.__main__ import cli

        try:
            status = cli.main(args=args, prog_name="solara", standalone_mode=False)
        except click.exceptions.Abort:  # (click's word for the interrupt it caught)
            raise KeyboardInterrupt from None
        except click.exceptions.ClickException as exc:  # (bad arguments: Solara's words)
            exc.show()
            return exc.exit_code
    except KeyboardInterrupt:
        print(STOPPED.format(why="Ctrl-C"), file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    except _Terminated:
        print(STOPPED.format(why="SIGTERM"), file=sys.stderr, flush=True)
        return EXIT_TERMINATED
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
