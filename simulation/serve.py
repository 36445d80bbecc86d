"""The dashboard's server process (``skillsim dashboard`` replaces itself with it):
Solara's own command, ``solara run ...``, run in this process so that Ctrl-C, the way a
presenter stops a dashboard, ends it as Ctrl-C ends every ``skillsim`` command: a line
that says so and exit status 130 (``cli.EXIT_INTERRUPTED``).

Run as Solara runs itself, Ctrl-C printed "Aborted." and exited with status 1, a run
failed by ``skillsim``'s exit statuses: uvicorn shuts the server down and raises the
interrupt again, which Solara's command-line library (click) turns into a failure."""

from __future__ import annotations

import sys

STOPPED = "skillsim dashboard: stopped (Ctrl-C)"
EXIT_INTERRUPTED = 130  # (cli.EXIT_INTERRUPTED: not imported, to start the server sooner)


def main(argv: list[str] | None = None) -> int:
    """``solara`` with the arguments ``argv`` (default: this process's); 130 when Ctrl-C
    stops it, from its first moment (the imports too) to its last."""
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
        print(STOPPED, file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
