"""The ``skillsim calibrate`` command (wired into simulation.cli)."""

from __future__ import annotations

import argparse
import os
import sys
import time

from simulation import stop
from simulation.config_errors import (
    COMMAND_LINE,
    ConfigError,
    Problem,
    as_options,
    out_path,
    show_value,
)
from simulation.experiment.cli import add_executor_options
from simulation.i18n import counted

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def _shipped_settings() -> dict:
    """The default targets file's run settings (./calibration/targets.toml, else the
    shipped one), for the help (empty if unreadable)."""
    import tomllib

    from simulation.calibration.config import locate
    from simulation.config_errors import ConfigError

    try:
        with locate("targets").open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, ValueError, ConfigError):
        return {}


def add_parser(sub: argparse._SubParsersAction) -> None:
    cal = sub.add_parser(
        "calibrate",
        help="fit scenario parameters to empirical targets (simulated method of moments)",
        description=(
            "Fit the parameters listed in TARGETS (a TOML file, or a name from calibration/) "
            "so that the simulated moments come closest to the empirical targets: a Latin "
            "hypercube over the parameter ranges, then Gauss-Newton rounds with "
            "Levenberg-Marquardt damping from the best point, then a compass search, every "
            "point run with the same seeds. Writes a folder with the fitted scenario "
            "(fitted.toml), the table of target against simulated value with 95% intervals "
            "across seeds (fit.csv, report.md), every evaluated point and the manifest."
        ),
        epilog="Exit status: 0 done, 1 a run failed, 2 bad input (nothing is written), "
        "130 interrupted, 143 stopped by SIGTERM (the points evaluated so far are written).",
    )
    cal.add_argument(
        "targets",
        metavar="TARGETS",
        nargs="?",
        default="targets",
        help="targets .toml file, or a name from calibration/ (default: targets)",
    )
    cal.add_argument(
        "--budget",
        type=int,
        default=None,
        metavar="N",
        help="parameter points to run (default: the file's budget), plus the best point "
        "rounded to 3 significant digits, run again; points refused by a rule between "
        "fields cost nothing; 1 evaluates the scenario as it is, a check against the targets",
    )
    add_executor_options(cal)
    shipped = _shipped_settings()

    def default(key: str) -> str:
        value = shipped.get(key)
        shown = f"{value:,}" if key == "workers" else str(value)
        of_shipped = f"; targets.toml's is {shown}" if isinstance(value, int) else ""
        return f" (default: the TARGETS file's {key}{of_shipped})"

    cal.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="workers per run" + default("workers"),
    )
    cal.add_argument(
        "--months", type=int, default=None, metavar="M", help="months per run" + default("months")
    )
    cal.add_argument(
        "--seeds", type=int, default=None, metavar="S",
        help="seeds per point" + default("replications"),
    )  # fmt: skip
    cal.add_argument(
        "--root-seed", type=int, default=None, metavar="S", help="root seed" + default("root_seed")
    )
    cal.add_argument(
        "--out",
        type=out_path,
        default=None,
        metavar="DIR",
        help="output folder (default results/calibration-<name>-<time>; never overwritten)",
    )
    cal.add_argument(
        "--list-moments", action="store_true", help="list the moments a target can name, and exit"
    )
    cal.add_argument(
        "--quiet",
        action="store_true",
        help="no progress lines and no table: only the folder's path, on standard output "
        "(errors still go to standard error)",
    )


def _bad(field: str, value, allowed: str) -> ConfigError:
    return ConfigError(Problem(COMMAND_LINE, field, show_value(value), allowed))


# the targets file's fields that command-line options replace, by option
OPTION_OF = {
    "workers": "--workers",
    "months": "--months",
    "replications": "--seeds",
    "root_seed": "--root-seed",
    "budget": "--budget",
}


def main(args: argparse.Namespace) -> int:
    from simulation.calibration import moments

    if args.list_moments:
        for m in moments.MOMENTS.values():
            print(f"{m.name}: {m.definition}")
        return 0
    from simulation import store
    from simulation.calibration import config, fit, output
    from simulation.experiment.cli import executor_of
    from simulation.experiment.executors import session

    executor = executor_of(args)
    for option in ("jobs", "threads", "budget"):
        value = getattr(args, option)
        if value is not None and value < 1:
            raise _bad(f"--{option}", value, "a whole number >= 1")
    path = config.locate(args.targets)
    overrides = {
        "workers": args.workers,
        "months": args.months,
        "replications": args.seeds,
        "root_seed": args.root_seed,
        "budget": args.budget,
    }
    try:
        cal = config.load_calibration(path, overrides)
    except ConfigError as exc:
        raise as_options(exc, OPTION_OF) from None
    if args.out is None and store.unfit_name(cal.config.name):
        from simulation.experiment.plan import PLAIN_NAME as allowed

        name = show_value(cal.config.name)
        msg = (
            "without --out a calibration is written to results/calibration-<name>-<time>, "
            f"so its name must be {allowed} (rename it, or give --out)"
        )
        raise ConfigError(Problem(str(path), "name", name, allowed, msg))
    out = args.out if args.out is not None else output.default_out(cal.config.name)
    problem = store.check_out(out, store.out_option(args.out))
    if problem:
        from simulation.cli import BadInput

        raise BadInput(problem)
    cfg = cal.config
    scaled = config.sized_targets(cal) if args.workers is not None else []
    stated = config.load_calibration(path).config.workers if scaled else cfg.workers
    if scaled and stated != cfg.workers:  # (said even with --quiet: it moves the fit)
        print(
            f"skillsim: note: --workers {cfg.workers:,}: the targets of counts and spending "
            f"({', '.join(scaled)}) are for the {stated:,} workers of {path.name} and are "
            f"compared as they are; scale them by {cfg.workers / stated:.3g} in a copy of "
            "the file, or calibrate at its size",
            file=sys.stderr,
        )
    say = (lambda *a: None) if args.quiet else (lambda text: print(text, file=sys.stderr))
    say(
        f"calibrate {cfg.name}: {counted(len(cal.names), 'parameter')}, "
        f"{counted(len(cfg.targets), 'target')}, "
        f"budget {counted(cfg.budget, 'point')} x {counted(cfg.replications, 'seed')}, "
        f"{cfg.workers:,} workers, "
        f"{cfg.months} months, executor {executor} -> {out}"
    )
    t0 = time.perf_counter()

    def progress(e: fit.Evaluation) -> None:
        if e.refused:
            say(f"  point {e.index:4d} {e.stage:7s} refused, not run: {e.refused}")
            return
        say(
            f"  point {e.index:4d} {e.stage:7s} objective {e.objective:10.4g}   best "
            f"{calibrator.fit.best.objective:.4g}   {time.perf_counter() - t0:6.0f} s"
        )

    calibrator = fit.Calibrator(cal, lambda tasks: iter(()), progress)
    status, code, error = "complete", 0, ""
    with stop.once() as later:  # (a second Ctrl-C, from the first to the folder, is kept)
        try:
            with session(executor, args.jobs, args.scheduler, args.threads) as batch:
                calibrator.batch = batch
                calibrator.run(cfg.budget)
        except KeyboardInterrupt:  # (Ctrl-C, or SIGTERM: a batch scheduler's stop)
            stopped = "stopped" if stop.sigterm.is_set() else "interrupted"
            status, code = stopped, EXIT_INTERRUPTED
        except fit.CalibrationFailed as exc:
            status, code, error = "failed", EXIT_FAILED, f"{exc}\n{exc.error}"
        with stop.held() as held:  # (a second Ctrl-C while the folder is written lost it)
            code = _finish(args, calibrator.fit, out, path, (status, code, error), executor, t0)
        held += later
    if held and status == "complete" and code == 0:
        print(
            "skillsim: a stop came once the calibration had finished; it is kept (above)",
            file=sys.stderr,
        )
    return code


def _finish(args, result, out, path, outcome, executor, t0) -> int:
    """Write the calibration's folder and report it; returns the exit code."""
    from simulation.calibration import config, output

    status, code, error = outcome
    cfg = result.calibration.config
    info = {
        "executor": executor,
        # (a serial calibration is one process, not a pool of the machine's cores)
        "jobs": 1 if executor == "serial" else args.jobs or os.cpu_count(),
        "threads": args.threads,
        "seconds": time.perf_counter() - t0,
        "error": error,
    }
    scenario_ref = cfg.scenario
    if scenario_ref.endswith(".toml"):
        scenario_ref = str((path.parent / scenario_ref).resolve())
    # The targets file as the header's command names it, valid from any folder: the
    # shipped one by its name, another by its absolute path (it was relative to where
    # the calibration ran, where ``extends`` beside it is absolute)
    shipped = path.resolve().parent == config.SHIPPED_CALIBRATION
    targets_ref = path.stem if shipped else str(path.resolve())
    try:
        out = output.write(result, out, status, info, targets_ref, scenario_ref)
    except OSError as exc:  # a full disk, ...: the points on screen, at least
        if result.evaluations and not (result.fitted or result.best).refused:
            _print_table(result, status)
        print(
            f"skillsim: error: cannot write the calibration to {out} ({exc.strerror or exc}); "
            f"nothing of it was kept there ({output.points_done(result)}: the fitted values "
            "are above): free space (or fix the folder) and run it again",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if error:
        print(f"skillsim: calibration failed: {error}", file=sys.stderr)
    if args.quiet:  # the folder alone, for scripts: out=$(skillsim calibrate ... --quiet)
        print(out)
        return code
    if result.evaluations and not (result.fitted or result.best).refused:
        _print_table(result, status)
    done = output.points_done(result)
    print(f"{status}: {done} in {info['seconds']:.0f} s; {out}")
    return code


def _print_table(fit, status: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from simulation.calibration import output

    table = output.target_table(fit)
    e = fit.fitted or fit.best
    out = Table(
        title=f"{fit.calibration.config.name} ({status}): point {e.index}, objective "
        f"{e.objective:.3g}; simulated = mean over {len(fit.seeds)} seeds [95% CI]",
        show_lines=False,
    )
    for col, justify in (
        ("moment", "left"),
        ("target [range]", "right"),
        ("simulated [95% CI]", "right"),
        ("inside", "center"),
    ):
        out.add_column(col, justify=justify, no_wrap=True, min_width=len(col))
    for r in table.itertuples():
        share = output.shown_in(r.moment)
        f, g = output.pct, output.stated
        out.add_row(
            r.moment,
            f"{g(r.target, share)} [{g(r.low, share)}, {g(r.high, share)}]",
            f"{f(r.simulated, share)} [{f(r.ci_low, share)}, {f(r.ci_high, share)}]",
            "yes" if r.inside else "[red]NO[/red]",
        )
    Console(width=max(112, Console().width)).print(out)  # (the widest row, uncut)
    for line in output.progress_lines(fit):
        print(line)
    if fit.calibration.names:
        print(
            "fitted: "
            + ", ".join(
                f"{n} = {fit.calibration.as_run(n, x)}"
                for n, x in zip(fit.calibration.names, e.x, strict=True)
            )
        )
