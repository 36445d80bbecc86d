"""The ``skillsim`` command.

Exit status: 0 success, 1 a run failed, 2 bad input (nothing written), 130 interrupted,
143 stopped by SIGTERM, 141 output cut off (a closed pipe: ``skillsim ... | head``).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import difflib
import json
import math
import os
import select
import signal
import stat
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from simulation import loading, stop
from simulation.calibration import cli as calibration_cli
from simulation.config_errors import (
    COMMAND_LINE,
    ConfigError,
    ExecutorError,
    as_options,
    out_path,
    show_value,
)
from simulation.experiment import cli as experiment_cli
from simulation.validation import cli as validation_cli

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1  # a run that could not be written (as a sweep's failed runs)
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)
EXIT_TERMINATED = 143  # SIGTERM
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of stdout went away (`| head`)

# Metrics shown in the end-of-run summary and by `skillsim compare`.
SUMMARY = (
    "unemployment_rate",
    "youth_unemployment_rate",
    "urban_unemployment_rate",  # what the NBS surveyed rates measure (calibrated)
    "urban_youth_unemployment_rate",
    "rural_unemployment_rate",
    "displaced_unemployment_rate",
    "skill_gap_mean",
    "under_skilled_share",
    "skill_shortage_vacancies",
    "employability",
    "apprentices",
    "apprenticeship_starts",
    "apprenticeship_completion_rate",
    "apprenticeship_retention_rate",
    "green_employment_share",
    "wage_mean_yuan",
    "spending_total_yuan",
)


class BadInput(Exception):
    """A command-line value that is not allowed (reported like a ConfigError)."""


class _Version(argparse.Action):
    """``--version``: worked out when asked for (the code's digest reads every module),
    without importing the model: on a cold numba cache its import starts the compile
    helper, minutes of a core's time the version does not need (an outside review)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from simulation import __version__, source, store

        commit = store.code_version()
        where = commit.get("commit") or "not a git checkout"
        if commit.get("dirty"):
            where += ", with uncommitted changes"
        code = source.code_digest(source.snapshot())
        print(f"skillsim {__version__} (code {code}; commit {where})")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="skillsim",
        description=(
            "Agent-based simulation of labour-market and skills policy: workers, firms and "
            "TVET providers month by month under green-transition and rural-revitalization "
            "scenarios, to compare apprenticeship and lifelong-learning policies."
        ),
        epilog="Exit status: 0 success, 1 a run failed, 2 bad input (nothing is written), 130 "
        "interrupted (Ctrl-C), 143 stopped by SIGTERM, 141 output cut off by a closed pipe "
        "(as `| head` does; quietly, as other commands do).",
    )
    top.add_argument(
        "--version",
        action=_Version,
        help="print skillsim's version, the digest of its code (as run manifests and a "
        "sweep's ledger record it: `code`) and its git commit, and exit",
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    top.set_defaults(_commands=sub.choices)  # (for _unrecognized: each command's parser)

    run = sub.add_parser(
        "run",
        help="run one scenario under one (possibly combined) policy",
        description=(
            "Run SCENARIO under the given policies and write metrics.parquet (one row per "
            "month), region/sector/cohort/cell/transitions/region_transitions breakdowns and "
            "manifest.json to a new folder."
        ),
    )
    run.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="scenario name from scenarios/ (e.g. baseline, green_transition_orderly) or a path "
        "to a .toml file",
    )
    run.add_argument(
        "--policy",
        "-p",
        action="append",
        default=None,
        metavar="P",
        help="policy name from scenarios/policies/ or a .toml path; repeat, or join names with "
        "+, to combine (merged in order); default: none",
    )
    run.add_argument("--seed", type=int, default=0, metavar="S", help="run seed (default 0)")
    run.add_argument(
        "--months",
        type=int,
        default=120,
        metavar="M",
        help="horizon in months, 1 to 1200 (default 120; the model is fitted over 120)",
    )
    run.add_argument(
        "--workers",
        type=int,
        default=20_000,
        metavar="N",
        help="number of worker agents (default 20000); firms and providers scale with it",
    )
    run.add_argument(
        "--out",
        type=out_path,
        default=None,
        metavar="DIR",
        help="output folder, must not exist (default: results/<scenario>__<policy>__seed<S>__<time>)",
    )
    run.add_argument(
        "--profile",
        action="store_true",
        help="time each phase of the month over the run (burn-in excluded); print the "
        "table and store it in the manifest (timings.phase_seconds). The months run as "
        "they would without it: a model of under 2,000,000 worker rows, whose phases 2-10 "
        "run in one compiled call once that is compiled, times them by the processor's "
        "clock inside the call (x86; elsewhere such a model's profiled months run phase "
        "by phase, slower, with the same results)",
    )
    run.add_argument(
        "--engine",
        choices=("engine", "reference"),
        default="engine",
        help="engine: the numba engine (default); reference: the plain-Mesa reference model "
        "(the same rules as Agent objects, the same results to the rounding of the last "
        "digit, hundreds of times slower); the manifest records which",
    )
    run.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar and no summary: only the output folder's path, on standard "
        "output (--profile's table goes to standard error)",
    )
    run.add_argument(
        "--no-summary", action="store_true", help="no summary table at the end (progress only)"
    )

    again = sub.add_parser(
        "rerun",
        help="compute a run again from its folder's manifest, and compare the tables",
        description="Compute the run of RUN_DIR (a folder `skillsim run` or a sweep wrote) "
        "again from its manifest.json alone: its resolved scenario, policy and status quo, "
        "size, horizon, seed and engine, whatever scenario files are found now. The rerun "
        "is written to a new folder, then compared table by table with the original: with "
        "the same skillsim code and the same numba, numpy and Python, every table is "
        "identical, bit for bit. Exit status 0 when they are, 1 when a table differs (the "
        "rerun is kept either way).",
    )
    again.add_argument(
        "run", type=Path, metavar="RUN_DIR", help="a run folder (or its manifest.json)"
    )
    again.add_argument(
        "--out",
        type=out_path,
        default=None,
        metavar="DIR",
        help="the rerun's folder, must not exist (default: RUN_DIR-rerun, or -rerun-1, ...; "
        "for a sweep's run, SWEEP-rerun-RUN_ID beside the sweep)",
    )
    again.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar: the comparison's lines only, on standard error, and the "
        "rerun's folder on standard output",
    )

    cmp_ = sub.add_parser(
        "compare",
        help="print runs side by side",
        description="Print the summary metrics of several run folders side by side: the mean "
        "over months 1-M and the value at the final month M.",
    )
    cmp_.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR", help="run folders")

    lst = sub.add_parser("list", help="list scenarios, policies, metrics and breakdown columns")
    lst.add_argument(
        "what",
        nargs="?",
        choices=("scenarios", "policies", "metrics", "breakdowns", "settings", "all"),
        default="all",
        help="what to list (default all; settings: every field of a scenario or policy "
        "file, with what it allows, its value in the shipped baseline or the status quo, "
        "and its meaning)",
    )

    show = sub.add_parser(
        "show",
        help="print a resolved scenario and policy as JSON",
        description="Resolve SCENARIO and policies (extends applied, defaults filled) and print "
        "the result as JSON: exactly what a run would use.",
    )
    show.add_argument("scenario", metavar="SCENARIO", help="scenario name or .toml path")
    show.add_argument(
        "--policy", "-p", action="append", default=None, metavar="P", help="policy; repeatable"
    )
    experiment_cli.add_parsers(sub)  # sweep, effects
    validation_cli.add_parser(sub)  # validate
    calibration_cli.add_parser(sub)  # calibrate
    _add_presenting_parsers(sub)  # report, dashboard
    return top


def _add_presenting_parsers(sub) -> None:
    rep = sub.add_parser(
        "report",
        help="write a self-contained HTML report of a sweep (or of one run)",
        description="Write one HTML file that opens offline (figures embedded, no network): an "
        "executive summary of policy effects with 95% intervals, figures, the scenarios and "
        "policies as resolved, method notes and the manifest. The figures are also written as "
        "PNG files to <FILE stem>_figures/ beside it, for slides. Given a run folder "
        "(`skillsim run`'s), the report of that one run: its paths, regions and skill-gap map, "
        "a table of month 0, the mean and the last month, where workers move each "
        "month (the flows between statuses) and where each region's unemployed go. A "
        "sweep's report also tables each policy's effect on the rates out of "
        "unemployment, in the whole city and in its rural regions (with those hired in "
        "another region).",
    )
    rep.add_argument(
        "results", type=Path, metavar="RESULTS_DIR", help="a sweep folder, or a run folder"
    )
    rep.add_argument(
        "--out",
        type=out_path,
        default=None,
        metavar="FILE",
        help="the HTML file, must not exist: results are never overwritten (default "
        "RESULTS_DIR/report.html, or report-zh.html for --lang zh: the folder's own report, "
        "rewritten with its figures each time this command runs without --out)",
    )
    rep.add_argument(
        "--style",
        choices=("paper", "talk"),
        default="paper",
        help="figures for documents (paper, the default) or for slides (talk: large type, 16:9)",
    )
    rep.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="language (default en; zh: Chinese)"
    )
    dash = sub.add_parser(
        "dashboard",
        help="start the live dashboard (Mesa/Solara) on localhost",
        description="Serve the live dashboard: choose a scenario, set the policy levers, press "
        "Reset, then Step or play, and watch unemployment, mismatch, apprenticeships, green "
        "employment and the regions month by month. Needs `make dashboard-assets` once: it "
        "installs the page's JavaScript and CSS (served from this machine, so the page also "
        "works offline) and a CJK font.",
    )
    dash.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 opens it to "
        "the network)",
    )
    dash.add_argument("--port", type=int, default=8765, metavar="N", help="port (default 8765)")
    dash.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="language (default en; zh: Chinese)"
    )
    dash.add_argument(
        "--workers",
        type=int,
        default=20_000,
        metavar="N",
        help="workers in the simulated city (default 20000; more is smoother and slower)",
    )
    dash.add_argument(
        "--months",
        type=int,
        default=120,
        metavar="M",
        help="horizon in months, 1 to 1200 (default 120; the model is fitted over 120)",
    )
    dash.add_argument(
        "--scenario",
        default="baseline",
        metavar="SCENARIO",
        help="scenario shown first: a shipped name or a scenario file (.toml)",
    )
    dash.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="S",
        help="run seed (default 0); Reset restarts the city with it",
    )


RUN_OPTIONS = {"workers": "--workers", "months": "--months", "seed": "--seed"}


class Terminated(KeyboardInterrupt):
    """SIGTERM (a batch scheduler's or a cluster's stop), raised where Ctrl-C's
    KeyboardInterrupt would be, so that both stop a command the same clean way: a run
    leaves no folder, a sweep keeps its finished runs and marks itself interrupted."""


_terminated: list[int] = []  # SIGTERM received during this ``main``


def _terminate(signum, frame) -> None:
    _terminated.append(signum)
    stop.sigterm.set()
    if not stop.defer(signum):  # (a model stepping stops after its month: stop.deferred)
        raise Terminated


def _interrupt(signum, frame) -> None:
    """Ctrl-C: Python's own KeyboardInterrupt, and ``stop.requested`` beside it (only
    the latter for a first Ctrl-C while a model steps: ``stop.deferred``)."""
    if not stop.defer(signum):
        raise KeyboardInterrupt


def _unraisable(hook):
    """``sys.unraisablehook`` that stays quiet about a stop's exception that Python had to
    drop (raised inside a garbage-collection callback): the stop is kept in
    ``stop.requested``; other unraisable exceptions go to ``hook``."""

    def quiet(unraisable) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            hook(unraisable)

    return quiet


def _unrecognized(args: argparse.Namespace, extra: list[str]) -> None:
    """Options the command does not take: its own usage and error (argparse's is the
    top level's, "usage: skillsim [-h] COMMAND ..."), with the option meant where one
    is close (``--wokers``: did you mean --workers?). Exits with 2."""
    parser = args._commands[args.command]
    known = [o for action in parser._actions for o in action.option_strings]
    close = []
    for word in extra:
        if word.startswith("-"):
            close += difflib.get_close_matches(word.split("=")[0], known, n=1, cutoff=0.6)
    hint = f" (did you mean {', '.join(dict.fromkeys(close))}?)" if close else ""
    parser.error(f"unrecognized arguments: {' '.join(extra)}{hint}")


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit code: 0, 1 (some runs failed), 2 (bad input,
    nothing written), 130 (interrupted with Ctrl-C), 143 (stopped by SIGTERM)."""
    try:
        args, extra = _parser().parse_known_args(argv)  # (it imports calibrate's settings)
        if extra:
            _unrecognized(args, extra)
    except KeyboardInterrupt:
        print("skillsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _broken_pipe()
    except SystemExit:  # --help, or a usage error: printed, maybe into a closed pipe
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            return _broken_pipe()
        raise
    in_main = threading.current_thread() is threading.main_thread()  # (handlers: only there)
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    # (Ctrl-C's handler only in place of Python's own: a process started with SIGINT
    # ignored, as a shell starts a background job, keeps ignoring it.)
    own_int = in_main and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if own_int:
        signal.signal(signal.SIGINT, _interrupt)
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _unraisable(previous_hook)
    _terminated.clear()
    stop.sigterm.clear()
    stop.requested.clear()
    try:
        code = _command(args)
        sys.stdout.flush()  # (here, not at exit: a closed pipe is caught below)
    except BrokenPipeError:
        if not _stdout_closed():  # another pipe or socket broke: a real error
            raise
        code = _broken_pipe()
    except SystemExit as exc:  # rich's Console exits so when its output's reader has
        # gone (on_broken_pipe, which has already sent stdout to /dev/null)
        if not isinstance(exc.__context__, BrokenPipeError):
            raise
        code = _broken_pipe()
    except KeyboardInterrupt:
        print(f"skillsim: {_stopped_words(args)}", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except Exception:
        # A stop's KeyboardInterrupt raised inside a callback from compiled code comes
        # back out of it as a SystemError ("returned a result with an exception set"): a
        # stop, not a failure (an outside review saw 60 lines of it and exit 1).
        if not stop.requested.is_set():
            raise
        print(f"skillsim: {_stopped_words(args)}", file=sys.stderr)
        code = EXIT_INTERRUPTED
    finally:
        sys.unraisablehook = previous_hook
        stop.requested.clear()  # (this command's stop: not the next one's in this process)
        if in_main:  # (None: a handler not set from Python; the default stands for it)
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
        if own_int:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    if _terminated and code == EXIT_INTERRUPTED:
        code = EXIT_TERMINATED
    return code


def _stopped_words(args) -> str:
    """What a stop of the command did: "interrupted" (Ctrl-C) or "stopped (SIGTERM)",
    and for a run, that nothing of it was written (it is written once finished; a stop
    while it is written keeps it, ``stop.held``)."""
    said = "stopped (SIGTERM)" if _terminated else "interrupted"
    if getattr(args, "command", None) == "run":
        said += "; nothing of the run was written (its results are written once it finishes)"
    return said


def _stdout_closed() -> bool:
    """Whether stdout is a pipe whose reader has gone (``| head`` after its lines): a
    BrokenPipeError is then this, not another pipe or socket of the command breaking."""
    try:
        fd = sys.stdout.fileno()
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return False
        poll = select.poll()
        poll.register(fd, select.POLLOUT)
        return any(events & select.POLLERR for _, events in poll.poll(0))
    except (OSError, ValueError, AttributeError):  # (stdout is not a file here)
        return False


def _broken_pipe() -> int:
    """The reader of stdout went away (``skillsim show ... | head``): stop quietly, as
    other commands do, with 141 (128 + SIGPIPE). What is still buffered for stdout goes
    to /dev/null, so that Python's flush at exit does not complain about the pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # (stdout is not a file here)
        pass
    return EXIT_BROKEN_PIPE


def _command(args: argparse.Namespace) -> int:
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "compare":
            return _compare(args.runs)
        if args.command == "rerun":
            return _rerun(args)
        if args.command == "list":
            return _list(args.what)
        if args.command in ("sweep", "effects"):
            return experiment_cli.main(args)
        if args.command == "validate":
            return validation_cli.main(args)
        if args.command == "calibrate":
            return calibration_cli.main(args)
        if args.command == "report":
            return _report(args)
        if args.command == "dashboard":
            return _dashboard(args)
        if args.command == "show":
            run = loading.resolve_run(args.scenario, args.policy or ("none",))
            print(json.dumps(run.model_dump(mode="json"), indent=2))
            return 0
    except (ConfigError, BadInput, ExecutorError) as exc:  # (raised before anything is written)
        print(f"skillsim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def _report(args: argparse.Namespace) -> int:
    from simulation import analysis, i18n, report
    from simulation.experiment.progress import sweep_progress

    try:
        path = report.write(args.results, args.out, style=args.style, lang=args.lang)
    except (
        report.ReportError,
        i18n.MissingFontError,
        FileNotFoundError,
        analysis.DamagedFolderError,
    ) as exc:
        raise BadInput(str(exc)) from None
    except OSError as exc:  # a full disk, ...: the earlier report (if any) is kept
        print(
            f"skillsim: error: cannot write the report ({exc.strerror or exc}"
            f"{': ' + str(exc.filename) if exc.filename else ''}); nothing of it was kept: "
            "free space (or fix the folder) and run it again",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(f"report: {path}")
    print(f"figures (PNG): {path.with_name(path.stem + '_figures')}")
    manifest = analysis._manifest(args.results)
    if manifest is not None and manifest.get("kind") == "run":
        return 0  # one run's report: no sweep's progress to tell
    progress = sweep_progress(args.results)
    if not progress.complete:  # (the report says so too, at its top)
        print(f"skillsim: warning: {progress.message()}", file=sys.stderr)
    mixed = analysis.mixed_code(args.results)
    if mixed:  # (so does this)
        print(f"skillsim: warning: {mixed}", file=sys.stderr)
    return 0


def _dashboard(args: argparse.Namespace) -> int:
    from simulation import i18n

    if not 0 < args.port < 65536:
        raise BadInput(f"{COMMAND_LINE}: --port = {args.port}: must be between 1 and 65535")
    if args.workers < 100:
        raise BadInput(f"{COMMAND_LINE}: --workers = {args.workers}: must be at least 100")
    names = loading.available_scenarios()
    if args.scenario.endswith(".toml"):  # a scenario file: checked with the run's settings
        if Path(args.scenario).is_dir():
            raise BadInput(
                f"{args.scenario}: a folder, not a file (allowed: a scenario .toml file)"
            )
        if not Path(args.scenario).is_file():
            raise BadInput(f"{args.scenario}: no such scenario file")
        args.scenario = str(Path(args.scenario).resolve())  # (the server runs it by path)
    elif args.scenario not in names:
        close = difflib.get_close_matches(args.scenario, names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise BadInput(
            f"{COMMAND_LINE}: --scenario = {show_value(args.scenario)}: unknown scenario{hint}; must be "
            f"one of: {', '.join(names)}, or a scenario file (.toml)"
        )
    try:
        if args.lang == "zh":
            i18n.cjk_font()
    except i18n.MissingFontError as exc:
        raise BadInput(str(exc)) from None
    from simulation import dashboard

    try:
        return dashboard.serve(
            args.host, args.port, args.lang, args.workers, args.months, args.scenario,
            seed=args.seed,
        )  # fmt: skip
    except ConfigError as exc:  # a bad size named by its option, as the user typed it
        raise as_options(exc, RUN_OPTIONS, files=("",)) from None


def check_folder_names(args: argparse.Namespace, run, folder: str) -> None:
    """A run (or a validation) without --out is written to a folder of ``results/``
    named by ``folder`` (e.g. results/<scenario>__<policy>__seed<S>__<time>): its
    scenario's and policies' names must be plain folder names there (as a sweep
    requires of them), or a name such as "../x" would write outside results/."""
    from simulation import store
    from simulation.experiment.plan import RUN_NAME

    def plain(name: str) -> bool:
        return not (store.unfit_name(name) or name.startswith("."))

    policies = ", ".join(args.policy or ("none",))
    given = [("scenario", args.scenario, run.scenario.name)]
    given += [("policy", policies, name) for name in run.policy.name.split("+")]
    for label, ref, name in given:
        if not plain(name):
            raise BadInput(
                f"{ref}: name = {show_value(name)}: without --out this is written to "
                f"{folder}, so the {label}'s name must be {RUN_NAME} (rename it, or give "
                "--out)"
            )


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from simulation import store

    try:
        run = loading.resolve_run(
            args.scenario, args.policy or ("none",), args.workers, args.months, args.seed
        )
    except ConfigError as exc:  # a bad size named by its option, as the user typed it
        raise as_options(exc, RUN_OPTIONS, files=("",)) from None
    if args.out is None:
        check_folder_names(args, run, "results/<scenario>__<policy>__seed<S>__<time>")
    out = args.out if args.out is not None else store.default_run_out(run)
    problem = store.check_out(out, store.out_option(args.out))
    if problem:
        raise BadInput(problem)
    if args.profile and args.engine == "reference":
        raise BadInput("--profile times the engine's phases (allowed with --engine engine)")
    # (the model's import, past the checks: on a cold numba cache it starts the compile
    # helper, minutes of a core's time a refused run does not need: an outside review)
    from simulation import runner

    for line in loading.run_warnings([run.scenario], run.months, [run.policy], run.workers):
        print(f"skillsim: warning: {line}", file=sys.stderr)
    console = Console(stderr=True)
    if args.quiet:
        result = runner.simulate(run, profile=args.profile, engine=args.engine)
    else:
        result = _run_with_progress(run, console, args.profile, args.engine)
    if result.turned_away:
        pop = run.scenario.behaviour.population
        print(
            f"skillsim: warning: {result.turned_away:,} school leavers found no free worker "
            f"row and were turned away: the population reached its row capacity (workers x "
            f"(1 + population.capacity_headroom {pop.capacity_headroom:g})); its cohorts "
            "outnumber its retirements (population.cohort_share_per_year, "
            "retirement_age_years)",
            file=sys.stderr,
        )
    with stop.held() as held:
        try:
            wanted, out = out, runner.write(result, out, elsewhere=True)
        except OSError as exc:  # a full disk, a folder made read-only meanwhile, ...
            print(
                f"skillsim: error: cannot write the run's results to {out} "
                f"({exc.strerror or exc}); nothing of it was kept there: free space (or fix "
                "the folder) and run it again",
                file=sys.stderr,
            )
            return EXIT_FAILED
        if out != wanted:
            console.print(
                f"[yellow]{wanted} was written by another process while this run ran; this "
                f"run's results are in {out}[/yellow]"
            )
        if args.profile:  # (with --quiet on stderr: stdout holds the folder's path alone)
            _profile_table(result.timings, run.workers, run.months, stderr=args.quiet)
        if not (args.quiet or args.no_summary):
            # (scenario and policy on lines of their own: on one, long names widened the
            # month-0 column under them to about 50 characters, an outside review)
            title = f"{run.scenario.name}\n{run.policy.name}"
            _summary_table({title: result.metrics}, title=f"{out}")
        if args.quiet:  # the folder alone, for scripts: out=$(skillsim run ... --quiet)
            print(out)
        else:
            console.print(
                f"wrote {out} in {result.timings['total_seconds']:.1f} s "
                f"(setup and burn-in {result.timings['setup_and_burn_in_seconds']:.1f} s)"
            )
        sys.stdout.flush()
    if held:
        print(
            f"skillsim: a stop came once the run had finished; it is kept in {out}", file=sys.stderr
        )
    return 0


def _rerun(args: argparse.Namespace) -> int:
    """``skillsim rerun``: a run folder's run computed again from its manifest, written
    to a new folder, and compared with the original table by table."""
    from pydantic import ValidationError
    from rich.console import Console

    from simulation import analysis, runner, store
    from simulation.config import RunConfig

    folder = args.run.parent if args.run.name == "manifest.json" else args.run
    try:
        manifest = analysis._manifest(folder)
    except analysis.DamagedFolderError as exc:
        raise BadInput(str(exc)) from None
    if manifest is None or manifest.get("kind") != "run":
        what = "no manifest.json" if manifest is None else f"a {manifest.get('kind')} folder"
        raise BadInput(
            f"{folder}: not a run folder ({what}; allowed: a folder `skillsim run` wrote, or a "
            "sweep's runs/<run id>/ folder)"
        )
    try:
        run = RunConfig.model_validate(manifest.get("config"))
    except ValidationError as exc:
        raise BadInput(
            f"{folder / 'manifest.json'}: its config is not a run's configuration for this "
            f"skillsim ({exc.error_count()} problems, the first at "
            f"{'.'.join(map(str, exc.errors()[0]['loc']))}: {exc.errors()[0]['msg']})"
        ) from None
    engine = manifest.get("engine", "engine")
    if engine not in ("engine", "reference"):
        raise BadInput(
            f"{folder / 'manifest.json'}: engine {engine!r} (allowed: engine, reference)"
        )
    wanted = args.out if args.out is not None else store.unused_folder(_rerun_folder(folder))
    problem = store.check_out(wanted, store.out_option(args.out))
    if problem:
        raise BadInput(problem)
    console = Console(stderr=True)
    now = runner.provenance()
    said = [f"rerun of {folder}: {run.scenario.name} | {run.policy.name}, seed {run.seed}, "
            f"{run.workers:,} workers, {run.months} months, engine {engine}"]  # fmt: skip
    other_code = bool(manifest.get("code")) and manifest["code"] != now["code"]
    if other_code:
        said.append(
            f"note: the run was computed by skillsim code {manifest['code']}, this is "
            f"{now['code']}: its numbers may differ"
        )
    recorded = manifest.get("config_hash")
    if recorded and loading.config_hash(run) != recorded:  # (a table's change looked random)
        why = (
            "edited since the run, or written by other code whose configuration had other fields"
            if other_code
            else "edited since the run"
        )
        said.append(
            f"note: the manifest's config does not give its config_hash ({recorded}): it was "
            f"{why}; the rerun computes the config as it reads now"
        )
    then = manifest.get("packages") or {}
    moved = [f"{k} {then[k]} -> {v}" for k, v in now["packages"].items() if then.get(k, v) != v]
    if moved:
        said.append(f"note: {', '.join(moved)} since the run was computed")
    for line in said:
        print(line, file=sys.stderr)
    if args.quiet:
        result = runner.simulate(run, engine=engine)
    else:
        result = _run_with_progress(run, console, engine=engine)
    with stop.held() as held:
        try:
            out = runner.write(result, wanted, elsewhere=True)
        except OSError as exc:
            print(
                f"skillsim: error: cannot write the rerun to {wanted} ({exc.strerror or exc}); "
                "nothing of it was kept there: free space (or fix the folder) and run it again",
                file=sys.stderr,
            )
            return EXIT_FAILED
        differ, compared, absent = _tables_differ(folder, out, manifest)
        lines = differ or [_same_words(folder, compared, absent)]
        if differ and absent:
            lines.append(f"not compared, not in {folder}: {', '.join(absent)}")
        for line in lines:
            print(line, file=sys.stderr)
        if args.quiet:
            print(out)
        else:
            print(f"wrote {out}", file=sys.stderr)
        sys.stdout.flush()
    if held:
        print(
            f"skillsim: a stop came once the rerun had finished; it is kept in {out}",
            file=sys.stderr,
        )
    # (nothing compared is nothing verified: a script's `rerun X && echo reproduced`
    # took a folder of the manifest alone for a match; a review)
    return EXIT_FAILED if differ or not compared else 0


def _rerun_folder(folder: Path) -> Path:
    """Where ``skillsim rerun`` writes by default: beside the run folder
    (``<run>-rerun``), or for a sweep's run beside the sweep (``<sweep>-rerun-<run
    id>``), not in its runs/, where it would count as one of its runs (an outside
    review; ``rerun .`` wrote a hidden ``.-rerun`` in the run folder)."""
    here = folder if folder.name not in ("", ".", "..") else folder.resolve()
    sweep = here.parent.parent
    if here.parent.name == "runs" and (sweep / "ledger.parquet").is_file():
        sweep = sweep if sweep.name not in ("", ".", "..") else sweep.resolve()
        return sweep.with_name(f"{sweep.name}-rerun-{here.name}")
    return here.with_name(f"{here.name}-rerun")


def _same_words(original: Path, compared: list[str], absent: list[str]) -> str:
    """What a rerun without a difference found, in words: a folder of its manifest
    alone said "every table identical, bit for bit", having compared none (an outside
    review)."""
    if not compared:
        return (
            f"nothing compared: {original} holds none of the run's tables "
            f"({', '.join(absent)}), only its manifest; the rerun's are its own"
        )
    if absent or any(" (its columns;" in name for name in compared):
        missing = f"; not compared, not in {original}: {', '.join(absent)}" if absent else ""
        return f"the same as {original} in {', '.join(compared)}, bit for bit{missing}"
    return f"the same as {original}: every table identical, bit for bit"


def _tables_differ(
    original: Path, rerun: Path, manifest: dict
) -> tuple[list[str], list[str], list[str]]:
    """What differs between the original run's tables and the rerun's (each table the
    original has), in lines ([] if every one is identical, values and dtypes); the
    tables compared; and those of the manifest's list the original folder lacks."""
    import numpy as np
    import pandas as pd

    lines, compared, absent = [], [], []
    files = sorted((manifest.get("files") or {}).values()) or ["metrics.parquet"]
    for name in files:
        mine, theirs = rerun / name, original / name
        if not theirs.is_file():
            absent.append(name)
            continue
        a, b = pd.read_parquet(theirs), pd.read_parquet(mine)
        added = [c for c in b.columns if c not in a.columns]
        if added and len(a) == len(b) and list(a.columns) == [c for c in b if c in a]:
            # (a table of older code, before columns were added: its own compared)
            b = b[list(a.columns)]
            name = f"{name} (its columns; the rerun adds {', '.join(added)})"
        compared.append(name)
        if a.equals(b) and list(a.dtypes) == list(b.dtypes):
            continue
        if list(a.columns) != list(b.columns) or a.shape != b.shape:
            lines.append(f"{name}: differs in shape or columns ({a.shape} against {b.shape})")
            continue
        cols = [c for c in a.columns if not a[c].equals(b[c])]
        where = ""
        if "month" in a.columns and cols:
            c = cols[0]
            off = ~(a[c].eq(b[c]) | (a[c].isna() & b[c].isna()))
            if off.any():
                first = a["month"].to_numpy()[np.argmax(off.to_numpy())]
                where = f", first in month {int(first)}"
        shown = ", ".join(cols[:4]) + (f" and {len(cols) - 4} more" if len(cols) > 4 else "")
        lines.append(f"{name}: differs from the original in {shown}{where}")
    return lines, compared, absent


_STOPS = stop.STOPS


def _stopping_column():
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Stopping(ProgressColumn):
        """After a first Ctrl-C (or SIGTERM) while the model steps: that it stops after
        this month, on the bar itself, redrawn by the bar's own thread. (The handler's
        line on stderr, ``stop.defer``, is wiped by the bar's next redraw in a terminal:
        an outside review; it stays in a log.)"""

        def render(self, task) -> Text:
            if not stop.requested.is_set():
                return Text("")
            return Text("stopping after this month (again: at once)", style="yellow")

    return Stopping()


def _run_with_progress(run, console, profile: bool = False, engine: str = "engine"):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from simulation import runner

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("months"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        _stopping_column(),
    )
    # The run's name on a line of its own (a long combination of policies would push the
    # bar off an 80-column terminal), then the bar: until the first month, set-up and
    # burn-in, which on a machine's first run include compiling the kernels (BENCHMARKS.md,
    # "Start-up").
    console.print(f"[bold]{run.scenario.name} | {run.policy.name} | seed {run.seed}[/bold]")
    # The burn-in's months counted too (they were 54-71% of a large run's time, under a
    # bar at 0 with no estimate), and "compiles" said only when the kernels are not in
    # numba's cache (it was said on every run).
    burn = run.scenario.burn_in_months
    setting_up = "set-up, burn-in" + (" (compiles)" if _compiles(engine) else "")
    if not console.is_terminal:  # (a log file: lines, not a bar drawn at the end)
        from simulation.progress import Lines

        burning = Lines(console, setting_up, burn, "months")
        months = Lines(console, "run", run.months, "months")
        return runner.simulate(
            run,
            progress=months.update,
            burn_in_progress=burning.update,
            started=months.restart,  # (the run's clock from its first month: not set-up's)
            profile=profile,
            engine=engine,
        )
    with Progress(*columns, console=console, transient=False) as bar:
        # (no burn-in: a bar without a total, done when the run starts)
        setup = bar.add_task(setting_up, total=burn or None)
        task = bar.add_task("run", total=run.months, start=False)

        def started() -> None:  # (a burn-in shared with an earlier run counts as done)
            bar.update(setup, total=burn or 1, completed=burn or 1)
            bar.start_task(task)

        return runner.simulate(
            run,
            progress=lambda month: bar.update(task, completed=month),
            burn_in_progress=lambda k: bar.update(setup, completed=k),
            started=started,
            profile=profile,
            engine=engine,
        )


def _compiles(engine: str) -> bool:
    """Whether this run compiles kernels first (the engine's, not in numba's cache): as
    the tally kernel, which every run compiles itself, is cached or not. (Not by the
    kernels only the compile helper compiles, the small models' month in one call: with
    the helper off they are never cached, and a run without them compiles nothing.)"""
    if engine != "engine":
        return False
    from simulation import compile_ahead
    from simulation.kernels import metrics

    return compile_ahead.in_cache(metrics._tally_rows) is False


def _profile_table(timings: dict, workers: int, months: int, stderr: bool = False) -> None:
    """Seconds per phase over the run's months, share of the total, ms per month."""
    from rich.console import Console
    from rich.table import Table

    phases = timings["phase_seconds"]
    total = sum(phases.values())
    table = Table(title=f"time per phase: {workers:,} workers, {months} months (no burn-in)")
    for head in ("phase", "seconds", "share", "ms per month"):
        table.add_column(head, justify="left" if head == "phase" else "right")
    for name, sec in [*sorted(phases.items(), key=lambda kv: -kv[1]), ("all", total)]:
        share = f"{sec / total:.1%}" if total > 0 else "-"
        table.add_row(name, f"{sec:.3f}", share, f"{1000 * sec / max(months, 1):.2f}")
    Console(width=100, stderr=stderr).print(table)


def _fmt(value: float, unit: str = "") -> str:
    """A summary value as the report and ``skillsim effects`` show it: a share in
    percent (two decimals under 1%), an index with four decimals, other values whole
    from 1,000 up and with one decimal below (a count's mean over months, say)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit.startswith("share"):
        percent = 100.0 * value
        return f"{percent:.2f}%" if abs(percent) < 1 and percent != 0 else f"{percent:.1f}%"
    if unit.startswith("index"):
        return f"{value:.4f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.1f}"


def _summary_table(frames: dict, title: str, parts=("m0", "mean", "final")) -> None:
    """Rows: summary metrics. Per run (its label may hold line breaks), the columns in
    ``parts``: ``m0`` the value at month 0 (policy start), ``mean`` the mean over months
    1..M, ``final`` the value at the last month M."""
    from rich.console import Console
    from rich.table import Table

    from simulation.metrics import BY_NAME

    heads = {"m0": "month 0", "mean": "mean 1-{M}", "final": "month {M}"}
    table = Table(title=title, show_lines=False)
    table.add_column("metric", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    width = 34 + 22
    for label, df in frames.items():
        last = int(df["month"].iloc[-1])
        blank = "\n" * label.count("\n")  # (the run's label over its first column only)
        for i, part in enumerate(parts):
            head = f"{label if i == 0 else blank}\n{heads[part].format(M=last)}"
            table.add_column(head, justify="right", no_wrap=True)
            width += max(len(line) for line in head.splitlines()) + 3
    for name in SUMMARY:
        if not any(name in df.columns for df in frames.values()):
            continue  # (runs written before the metric was in the catalogue)
        unit = BY_NAME[name].unit
        row = [name, "percent" + unit[len("share") :] if unit.startswith("share") else unit]
        for df in frames.values():
            if name not in df.columns:
                row += ["-"] * len(parts)
                continue
            col = df[name]
            values = {"m0": col.iloc[0], "mean": col.iloc[1:].mean(), "final": col.iloc[-1]}
            row += [_fmt(values[part], unit) for part in parts]
        table.add_row(*row)
    Console(width=max(120, width)).print(table)


def _compare(runs: Sequence[Path]) -> int:
    from simulation import analysis

    twice = [p for i, p in enumerate(runs) if p.resolve() in {q.resolve() for q in runs[:i]}]
    if twice:
        raise BadInput(f"{twice[0]}: named twice (compare takes different run folders)")
    labels, frames, configs = [], [], []
    for path in runs:
        manifest_path = path / "manifest.json"
        if not path.is_dir():
            what = "not a folder" if path.exists() else "no such folder"
            raise BadInput(f"{path}: {what} (allowed: a folder written by `skillsim run`)")
        if not manifest_path.is_file():
            raise BadInput(
                f"{path}: not a run folder (no manifest.json; allowed: a folder "
                "written by `skillsim run`)"
            )
        try:
            manifest = analysis._manifest(path, required=False)
        except analysis.DamagedFolderError as exc:
            raise BadInput(str(exc)) from None
        kind = manifest.get("kind", "run")
        if kind != "run":
            hint = (
                f" (its runs are in {path / 'runs'}; `skillsim effects {path}` compares its "
                "policies)"
                if kind == "sweep"
                else ""
            )
            raise BadInput(
                f"{path}: a {kind or 'unknown'} folder, not a run{hint} (allowed: a folder "
                "written by `skillsim run`)"
            )
        missing = [k for k in ("scenario", "policy", "seed", "workers") if k not in manifest]
        if missing:
            raise BadInput(f"{manifest_path}: no {', '.join(missing)} ({analysis.DAMAGED})")
        labels.append(
            f"{manifest['scenario']}\n{manifest['policy']}\nseed {manifest['seed']}\n"
            f"{int(manifest['workers']):,} workers"
        )
        configs.append(manifest.get("config") or {})
        try:
            frames.append(analysis.read_table(path / "metrics.parquet"))
        except (FileNotFoundError, analysis.DamagedFolderError) as exc:
            raise BadInput(str(exc)) from None
    # Runs of one scenario, policy and seed (another size, horizon or engine) are told
    # apart by their folders' names.
    labels = [
        f"{x}\n{p.name}" if labels.count(x) > 1 else x for x, p in zip(labels, runs, strict=True)
    ]
    if len(set(labels)) < len(labels):  # the same folder name twice: the whole path
        labels = [f"{x}\n{p}" for x, p in zip(labels, runs, strict=True)]
    labels, common = _common_lines(labels)
    title = "runs side by side" + (f": {', '.join(common)}" if common else "")
    _summary_table(dict(zip(labels, frames, strict=True)), title=title, parts=("mean", "final"))
    for line in _same_names_other_settings(runs, configs):
        print(f"note: {line}", file=sys.stderr)
    ends = sorted({int(frame["month"].max()) for frame in frames})
    if len(ends) > 1:  # (a 600-month run beside a 1,200-month one went unsaid: a review)
        print(
            f"note: the runs end at different months ({', '.join(f'{e:,}' for e in ends)}): "
            "each mean and final month is over its own run's months, so a row compares "
            "different spans",
            file=sys.stderr,
        )
    return 0


def _same_names_other_settings(runs: Sequence[Path], configs: list[dict]) -> list[str]:
    """Scenarios (policies, status quos) of one name whose settings differ between the
    runs (a scenario file of one's own in place of a shipped one, or edited between two
    runs): the table names them alike (an outside review), so each is said, with a
    setting that differs."""

    from simulation import store

    lines = []
    for part in ("scenario", "policy", "status_quo"):
        seen: dict[str, tuple[Path, dict]] = {}
        for path, config in zip(runs, configs, strict=True):
            settings = config.get(part)
            if not isinstance(settings, dict):
                continue
            name = str(settings.get("name"))
            first = seen.setdefault(name, (path, settings))
            plain = {k: v for k, v in settings.items() if k != "description"}
            other = {k: v for k, v in first[1].items() if k != "description"}
            if plain != other:
                field, a, b = store.differences(other, plain, most=0)[0]
                where = f"{field}: {a!r} in one, {b!r} in the other"
                lines.append(
                    f"{part.replace('_', ' ')} {name} is not the same in {first[0]} and {path} "
                    f"({where}): their rows compare two settings of it"
                )
    return lines


def _common_lines(labels: list[str]) -> tuple[list[str], list[str]]:
    """The lines every label has at the same place (the same scenario, policy or seed of
    all runs), taken out of the labels for the title, and the labels without them (at
    least one line each)."""
    rows = [label.split("\n") for label in labels]
    if len(rows) < 2 or len({len(r) for r in rows}) > 1:
        return labels, []
    same = [i for i in range(len(rows[0])) if len({r[i] for r in rows}) == 1]
    if len(same) == len(rows[0]):
        same = same[1:]  # (identical labels: keep one line)
    common = [rows[0][i] for i in same]
    kept = ["\n".join(x for i, x in enumerate(r) if i not in same) for r in rows]
    return kept, common


def _list(what: str) -> int:
    from simulation.metrics import BREAKDOWN_DEFINITIONS, BREAKDOWN_MEASURES, CATALOGUE

    if what in ("scenarios", "all"):
        print("scenarios: " + ", ".join(loading.available_scenarios()))
    if what in ("policies", "all"):
        print("policies:  " + ", ".join(loading.available_policies()))
    rows = []  # (heading, name, unit, definition), in columns as wide as their longest
    if what in ("metrics", "all"):
        rows += [("metrics:", m.name, m.unit, m.definition) for m in CATALOGUE]
    if what in ("breakdowns", "all"):
        for kind, columns in BREAKDOWN_DEFINITIONS.items():
            measures = BREAKDOWN_MEASURES[kind]
            for name, text in columns.items():  # a measure's text: "unit: definition"
                unit, definition = text.split(": ", 1) if name in measures else ("", text)
                rows.append((f"breakdown {kind} ({kind}.parquet):", name, unit, definition))
    wide = max((len(r[1]) for r in rows), default=0)
    unit_wide = max((len(r[2]) for r in rows), default=0)
    heading = None
    for head, name, unit, definition in rows:
        if head != heading:
            print(heading := head)
        print(f"  {name:{wide}s} {unit:{unit_wide}s} {definition}")
    if what in ("settings", "all"):
        _list_settings()
    return 0


def _list_settings() -> None:
    """Every field of a scenario file and of a policy file: its path, what it allows,
    its value (the shipped baseline's for a scenario, the status quo's for a policy)
    and its meaning (the allowed values were learnt from the errors: an outside review
    of writing one's own files)."""
    from simulation.config import PolicyConfig, ScenarioConfig, leaves, setting_rows

    shipped = loading.load_scenario(loading.SHIPPED_SCENARIOS / "baseline.toml")
    city = leaves(shipped.model_dump(mode="json"))
    for kind, model in (("scenario", ScenarioConfig), ("policy", PolicyConfig)):
        rows = [r for r in setting_rows(model) if r[0] not in ("name", "description")]
        if kind == "scenario":  # (its values: the shipped baseline's, which one extends)
            rows = [(p, a, city.get(p), m) for p, a, _, m in rows]
            print(
                'scenario settings (a scenario .toml file; "baseline": the shipped '
                "baseline's value, which a scenario that extends it keeps):"
            )
            word = "baseline"
        else:
            print(
                "policy settings (a policy .toml file; a default is the status quo's, "
                "none.toml's: a policy sets only what it changes):"
            )
            word = "default"
        wide = max(len(r[0]) for r in rows)
        allowed_wide = max(len(r[1]) for r in rows)
        shown = [f"{word} {_setting_value(r[2])}" if r[2] is not None else "" for r in rows]
        shown_wide = max(len(x) for x in shown)
        for (path, allowed, _, meaning), value in zip(rows, shown, strict=True):
            print(f"  {path:{wide}s} {allowed:{allowed_wide}s} {value:{shown_wide}s} {meaning}")


def _setting_value(value: object) -> str:
    """A setting's value as a .toml file writes it (true, 0.3; a table of lists short)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[...]" if value and isinstance(value[0], list | dict) else json.dumps(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def entry() -> None:
    """The ``skillsim`` command: ``main``, then exit with its code. A command stopped
    by Ctrl-C or SIGTERM has by then written all it keeps (a run's nothing, a sweep's
    finished runs and its interrupted mark) and exits at once, without waiting for
    threads that a stopped process pool may leave behind: once in about twelve SIGTERMs
    a sweep printed that it was interrupted and then hung at exit, Python joining the
    pool's manager thread, which still waited for a result from a worker already
    ended. A stop after the command is done (in Python's exit, joining such threads)
    ends the process with the command's own code. For the console script only: it
    ends the process, and leaves its stop handlers in place for that. (``main`` itself
    returns the code, for callers in Python.)

    Python's exit takes the stop handlers away once its exit handlers have run (they
    return to the default action, which ends the process), and its teardown of the
    modules takes a while after that: a stop there ended a run already written with
    130 or 143, not 0 (an outside review found it, in 4 of 10 late Ctrl-Cs). So the
    last exit handler (registered first) ignores the stops: from there on the process
    only tears down and ends with the command's code."""
    atexit.register(_ignore_stops)
    code = main()
    if code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        _exit_now(code)
    # The command is done and has written all it keeps; what is left is Python's exit,
    # which joins the threads a process pool or a Dask client leaves (a sweep's can take
    # a second). A stop that lands there has nothing to stop: it ends the process at
    # once with the command's own code (SIGTERM's default would give 143 after a sweep
    # had reported all its runs done, and a script would run it again).
    # (A signal the process was started with ignored, as a shell starts a background
    # job's Ctrl-C, stays ignored.)
    if threading.current_thread() is threading.main_thread():
        for sig in _STOPS:
            if signal.getsignal(sig) is not signal.SIG_IGN:
                signal.signal(sig, lambda signum, frame: _exit_now(code))
    sys.exit(code)


def _ignore_stops() -> None:
    """Ignore Ctrl-C and SIGTERM from now on (the main thread only can set them)."""
    if threading.current_thread() is threading.main_thread():
        for sig in _STOPS:
            signal.signal(sig, signal.SIG_IGN)


def _exit_now(code: int) -> None:
    """End the process with ``code`` now: standard output and error flushed, no wait
    for threads or exit handlers."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    # ``python -m simulation.cli`` runs this file as ``__main__``: a second copy of the
    # module beside ``simulation.cli``, whose ``BadInput`` the subcommands raise. The
    # command runs from that one, so that their errors are caught as the command's.
    from simulation import cli

    cli.entry()
