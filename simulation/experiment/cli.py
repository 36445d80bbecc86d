"""The ``skillsim sweep`` and ``skillsim effects`` commands (wired into simulation.cli)."""

from __future__ import annotations

import argparse
import calendar
import functools
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from simulation.config_errors import show_value

# The effects table printed by `skillsim effects` and `skillsim sweep --effects`: the
# two aims policies are compared on (skill mismatch and employability), unemployment,
# the apprenticeships and the cost. (Not the skill-shortage vacancies: about zero at
# this calibration, docs/ODD.md 10.2, so a column of zeros that reads "no effect".)
HEADLINE = (  # (the youth NEET rate beside the unemployment rates: a policy that moves
    # school leavers between study and work moves those through who is counted)
    "unemployment_rate",
    "youth_unemployment_rate",
    "youth_neet_rate",
    "skill_gap_mean",
    "employability",
    "apprenticeship_completion_rate",
    "cost_per_additional_employed_yuan",
)
# What `skillsim effects --table T` shows of a breakdown by default: the measures that
# compare policies (rates, means, shares; the region's net migration and the sector's
# headcounts as counts), not every count behind them (--metric NAME shows any).
BREAKDOWN_HEADLINE = {
    "region": (
        "unemployment_rate",
        "youth_unemployment_rate",
        "skill_gap_mean",
        "wage_mean_yuan",
        "net_migration",
    ),
    "sector": ("employed", "apprentices", "vacancies", "skill_gap_mean", "wage_mean_yuan"),
    "cohort": (
        "working_share",
        "apprenticeship_share",
        "certified_share",
        "job_finding_12m",
        "wage_mean_yuan",
    ),
    "cell": ("employed", "skill_gap_mean", "under_skilled_share", "wage_mean_yuan"),
    "transitions": ("transition_rate",),
    "region_transitions": ("transition_rate", "moved_out_rate"),
}
EXIT_FAILED_RUNS = 1
EXIT_INTERRUPTED = 130  # as for SIGINT


# the experiment file's fields that command-line options replace, by option
OPTION_OF = {
    "workers": "--workers",
    "months": "--months",
    "replications": "--seeds",
    "root_seed": "--root-seed",
}


SHIPPED_EXPERIMENTS = Path(__file__).resolve().parents[2] / "experiments"


def month_window(text: str) -> tuple[int, int]:
    """``--months FROM-TO``: two whole policy months, the first 1 or later (argparse
    says a bad one is bad input, naming the option; ``analysis.in_months`` checks them
    against the results)."""
    first, dash, last = text.partition("-")
    if not (dash and first.strip().isdigit() and last.strip().isdigit()):
        raise argparse.ArgumentTypeError(
            f"{text!r} (allowed: FROM-TO, two whole policy months, e.g. 19-60)"
        )
    window = int(first), int(last)
    if window[0] < 1 or window[1] < window[0]:
        raise argparse.ArgumentTypeError(
            f"{text!r} (allowed: FROM from 1, month 0 being the policy start, the same under "
            "every policy; TO at or after FROM)"
        )
    return window


def experiment_folders() -> list[Path]:
    """The folders experiment names are looked up in: ./experiments, then the shipped."""
    from simulation.loading import own_then_shipped

    return own_then_shipped(SHIPPED_EXPERIMENTS)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    from simulation.config_errors import out_path

    sweep = sub.add_parser(
        "sweep",
        help="run an experiment: scenarios x policies x design x seeds",
        description=(
            "Run every run of EXPERIMENT (a TOML file, or a name from experiments/) and "
            "write one folder: manifest.json, design.parquet, ledger.parquet (status of "
            "every run, tracebacks of failed ones) and runs/<run id>/. Running the same "
            "command again resumes: finished runs are skipped, failed ones are retried."
        ),
        epilog="Exit status: 0 every run done, 1 some runs failed (see ledger.parquet) or "
        "the sweep folder could not be written (a full disk: the message says which), 2 bad "
        "input (nothing is written), 130 interrupted (Ctrl-C), 143 stopped by SIGTERM "
        "(finished runs are kept; the same command resumes).",
    )
    sweep.add_argument(
        "experiment",
        metavar="EXPERIMENT",
        help="experiment .toml file, or a name from experiments/ (e.g. default)",
    )
    add_executor_options(sweep)
    sweep.add_argument(
        "--out",
        type=out_path,
        default=None,
        metavar="DIR",
        help="sweep folder (default: results/sweep-<experiment>-<hash>, the same for the "
        "same experiment and options, so rerunning resumes)",
    )
    sweep.add_argument(
        "--workers", type=int, default=None, metavar="N", help="override the workers per run"
    )
    sweep.add_argument(
        "--months", type=int, default=None, metavar="M", help="override the horizon in months"
    )
    sweep.add_argument(
        "--seeds",
        type=int,
        default=None,
        metavar="S",
        help="override the replications (seeds per design point)",
    )
    sweep.add_argument(
        "--root-seed", type=int, default=None, metavar="S", help="override the root seed"
    )
    sweep.add_argument(
        "--effects",
        action="store_true",
        help="print the effects table (paired differences against the experiment's "
        "baseline policy, 95%% CIs) when the sweep is done",
    )
    sweep.add_argument(
        "--effects-if-possible",
        action="store_true",
        help="as --effects for an experiment that compares policies with its baseline "
        "policy; for one that does not (a design over one policy), say why and show none "
        "(what `make run` passes, for any EXPERIMENT; --effects, if also given, wins)",
    )
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.add_argument(
        "--no-reuse",
        action="store_true",
        help="compute every run; by default a run that a sweep in the same parent folder "
        "finished (of any experiment: the same configuration and seed, computed by this "
        "code and the same Python, numpy and numba, with the tables this sweep keeps) is "
        "copied from there, so more seeds or an added policy compute only the new runs",
    )
    sweep.add_argument(
        "--folder",
        action="store_true",
        help="print the sweep folder these options write (or resume), and run nothing "
        '(for scripts: skillsim report "$(skillsim sweep EXPERIMENT ... --folder)")',
    )

    eff = sub.add_parser(
        "effects",
        help="print paired policy effects with confidence intervals",
        description=(
            "Print, per scenario and policy, the mean paired difference against the baseline "
            "policy across seeds, with a 95% t interval, for the headline metrics, and the "
            "public cost per additional employed worker. Effects are on the mean over the "
            "policy months 1..M (FROM..TO with --months) unless --summary final (the last "
            "month, or TO). A sweep that is not complete "
            "(interrupted, killed, still running, or with failed runs) is shown from its "
            "finished runs, with a warning on stderr that says how many and how to finish it. "
            "With --table, the effects on a breakdown the sweep kept, group by group (each "
            "region, sector, cohort, pair of statuses): who gains. With --parts, each policy "
            'that combines others (the package, a pair "a+b") against its parts added up: '
            "does it do what they do alone?"
        ),
    )
    eff.add_argument(
        "results",
        type=Path,
        metavar="RESULTS_DIR",
        help="a sweep folder (skillsim sweep), or a folder of run folders (skillsim run)",
    )
    eff.add_argument(
        "--baseline",
        default=None,
        metavar="P",
        help="baseline policy (default: the experiment's baseline_policy, usually none)",
    )
    eff.add_argument(
        "--summary",
        choices=("mean", "final"),
        default="mean",
        help="summarise each run by its mean over months 1..M (default) or its last month",
    )
    eff.add_argument(
        "--months",
        type=month_window,
        default=None,
        metavar="FROM-TO",
        help="summarise the policy months FROM to TO only (e.g. 19-60: past a policy's first "
        "contract length), every measure; default all, 1..M, but the completion rate past "
        "the longest contract (as the report)",
    )
    eff.add_argument(
        "--metric",
        action="append",
        default=None,
        metavar="NAME",
        help="metric to show (repeatable; default: the headline metrics)",
    )
    eff.add_argument(
        "--csv",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write every metric's effects (long format) to this CSV file",
    )
    eff.add_argument(
        "--table",
        choices=("metrics", *BREAKDOWN_HEADLINE),
        default="metrics",
        help="the effects on a breakdown, one row per region (sector, cohort, sector and "
        "region, pair of statuses, region and pair) as well: each run's group against "
        "the baseline run's same group; the sweep must have kept the table (keep in the "
        "experiment file). Default: metrics, the whole city",
    )
    eff.add_argument(
        "--where",
        action="append",
        default=None,
        metavar="COLUMN=VALUE",
        help="keep to the breakdown's rows whose COLUMN (region, sector, cohort, "
        "from_status, to_status) is VALUE (repeatable; two of one COLUMN keep either), "
        "e.g. --table transitions --where from_status=unemployed",
    )
    eff.add_argument(
        "--parts",
        action="store_true",
        help='set each policy that combines others (the package; "a+b") against its parts '
        "added up, seed by seed: does it do what they do alone? (analysis.interaction; "
        "the sweep must have run each part too, as experiments/package_pairs.toml does)",
    )
    eff.add_argument(
        "--pool-regions",
        action="store_true",
        help="with --table region or region_transitions: pool the regions into urban and "
        "rural (counts summed, rates recomputed from the sums, means weighted by the "
        "employed; analysis.pool_regions)",
    )


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    """--executor, --jobs, --scheduler and --threads, as sweep, calibrate and validate
    take them (``executors.resources`` fills in the defaults)."""
    parser.add_argument(
        "--executor",
        choices=("serial", "processes", "dask"),
        default=None,
        help="where runs execute: serial (this process), processes (a pool of worker "
        "processes on this machine; the default), dask (a Dask cluster: a local one of "
        "--jobs workers, or the one at --scheduler)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help=f"worker processes for processes and a local dask cluster (default: one per "
        f"core, here {os.cpu_count()})",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="address of a running Dask scheduler (tcp://HOST:PORT) to submit runs to; "
        "implies --executor dask",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        metavar="T",
        help="numba threads per run (default: cores / jobs for processes and a local dask "
        "cluster; numba's default, all of a machine's cores, for serial and for --scheduler: "
        "with several Dask workers per node, give cores / workers per node)",
    )


def executor_of(args: argparse.Namespace) -> str:
    """The executor ``add_executor_options``' options name ("serial", "processes",
    "dask"); raises BadInput for options that do not go together (--scheduler without
    dask, --jobs where it sets nothing) and for a malformed --scheduler address."""
    from simulation.experiment.executors import check_scheduler

    executor = args.executor or ("dask" if args.scheduler else "processes")
    if args.scheduler and executor != "dask":
        raise _bad(f"--scheduler needs --executor dask (got --executor {executor})")
    if args.jobs is not None and (executor == "serial" or args.scheduler):
        where = "--executor serial runs one run at a time in this process"
        if args.scheduler:
            where = "--scheduler's cluster has the workers it was started with"
        raise _bad(
            f"--jobs {args.jobs}: {where} (allowed: --jobs with --executor processes or "
            "a local dask cluster)"
        )
    if args.scheduler is not None:
        check_scheduler(args.scheduler)
    cores = os.cpu_count() or 1
    if args.jobs is not None and args.jobs > cores:
        # (each process loads the kernels and holds a model: 200 of them on 2 cores only
        # share the cores and fill the memory; results do not depend on it)
        print(
            f"skillsim: note: --jobs {args.jobs}: this machine has {cores} cores; "
            f"{cores} runs at a time",
            file=sys.stderr,
        )
        args.jobs = cores
    return executor


def main(args: argparse.Namespace) -> int:
    if args.command == "sweep":
        return _sweep(args)
    return _effects(
        args.results,
        args.baseline,
        args.summary,
        args.metric,
        args.csv,
        args.months,
        table=args.table,
        where=args.where,
        pool=args.pool_regions,
        parts=args.parts,
    )


def _bad(message: str) -> Exception:
    from simulation.cli import BadInput

    return BadInput(message)


def _sweep(args: argparse.Namespace) -> int:
    from rich.console import Console

    from simulation import loading
    from simulation.cli import BadInput
    from simulation.config_errors import COMMAND_LINE, ConfigError, as_options
    from simulation.experiment import default_out, load_experiment, make_plan, run_sweep
    from simulation.experiment.loading import find_file
    from simulation.experiment.plan import repeated_points
    from simulation.experiment.store import (
        SweepFolderError,
        SweepStore,
        SweepWriteError,
        earlier_sweeps,
    )
    from simulation.i18n import counted

    executor = executor_of(args)
    for option in ("jobs", "threads"):
        value = getattr(args, option)
        if value is not None and value < 1:
            raise _bad(f"{COMMAND_LINE}: --{option} = {value}: must be a whole number >= 1")
    cores = _cores()
    if args.threads is not None and args.threads > cores and args.scheduler is None:
        # (numba runs at most a thread a core here: 99 was taken as 2, and the sweep's
        # manifest said 99; a remote scheduler's workers have cores of their own)
        print(
            f"skillsim: note: --threads {args.threads}: this machine has {cores} cores; "
            f"each run uses {cores} threads",
            file=sys.stderr,
        )
        args.threads = cores
    overrides = {
        "workers": args.workers,
        "months": args.months,
        "replications": args.seeds,
        "root_seed": args.root_seed,
    }
    path = find_file(args.experiment, experiment_folders(), "EXPERIMENT")
    try:
        experiment = load_experiment(path, overrides)
    except ConfigError as exc:  # a bad override named by its option (--seeds, not replications)
        raise as_options(exc, OPTION_OF) from None
    plan = make_plan(experiment)
    if args.effects:
        _check_effects_possible(plan)
    no_effects = None  # why --effects-if-possible shows no table
    if args.effects_if_possible and not args.effects:
        try:
            _check_effects_possible(plan)
            args.effects = True
        except BadInput as exc:
            no_effects = str(exc).removeprefix("--effects: ")
    out = args.out if args.out is not None else default_out(plan)
    if args.folder:  # (named after the experiment's name field, not its file: ask)
        print(out)
        return 0
    try:  # before anything is printed: a refused folder shows no header or progress bar
        SweepStore(out, plan).check()
    except SweepFolderError as exc:
        raise _bad(str(exc)) from None
    console = Console(stderr=True)
    cfg = plan.experiment.config
    if args.out is None and (earlier := earlier_sweeps(Path(out), plan, not args.no_reuse)):
        console.print(f"note: {earlier}", markup=False, highlight=False)
    shared = baseline_shares_the_design(plan.experiment)
    if shared:
        console.print(
            f"note: {', '.join(shared)} set on every policy, the baseline "
            f"{show_value(cfg.baseline_policy)} included, so effects against it compare policies at "
            "the same setting (to sweep a lever against no policy, leave the baseline out "
            "of policies, as experiments/subsidy_sensitivity.toml does)",
            markup=False,
            highlight=False,
        )
    # (a design that sets a policy field moves levers the policy files leave alone)
    designed = designed_policy_fields(plan.experiment)
    policies = [] if designed else list(plan.experiment.policies.values())
    for line in loading.run_warnings(
        list(plan.experiment.scenarios.values()), cfg.months, policies, cfg.workers
    ):
        console.print(f"warning: {line}", markup=False, highlight=False)
    repeated = repeated_points(plan)
    # (the same sampled values: a morris design's trajectories met at a point; else
    # whole-number fields rounded two samples to one setting)
    same = [
        g for g in repeated if all(np.array_equal(plan.points[g[0]], plan.points[k]) for k in g)
    ]
    rounded = [g for g in repeated if g not in same]
    for groups, why in (
        (
            same,
            "are the same point of the design (a morris design's trajectories can meet): "
            "their runs repeat each other's, and the indices count the point in each "
            "trajectory, as SALib's design does",
        ),
        (
            rounded,
            "run with the same settings once whole-number fields (and counts of "
            "true-or-false ones) are rounded: their runs repeat each other's (design.parquet "
            "keeps the sampled values); fewer levels, or a range of whole numbers, avoid it",
        ),
    ):
        if groups:
            shown = "; ".join(" = ".join(map(str, g)) for g in groups[:5])
            more = f" and {len(groups) - 5} more groups" if len(groups) > 5 else ""
            console.print(f"note: design points {shown}{more} {why}", markup=False, highlight=False)
    if not args.quiet:
        console.print(
            f"sweep {cfg.name}: {counted(len(plan.runs), 'run')} "
            f"({counted(len(plan.experiment.scenarios), 'scenario')} x "
            f"{counted(len(plan.experiment.policies), 'policy')} x "
            f"{counted(len(plan.points), 'point')} x {counted(cfg.replications, 'seed')}), "
            f"{cfg.workers:,} workers, {cfg.months} months, executor {executor} -> {out}"
        )
        if executor != "serial" and not args.scheduler and _cold_cache():
            console.print(
                "note: numba's cache holds no compiled kernels yet: each worker process "
                "compiles them before its first run (about 40 s of one core each; longer "
                "while they share the cores), so no run finishes for the first minute or "
                "more; later sweeps load them in seconds",
                markup=False,
                highlight=False,
            )

    def note(text: str) -> None:
        console.print(f"note: {text}", markup=False, highlight=False)

    sweep = functools.partial(run_sweep, reuse=not args.no_reuse)
    try:
        if args.quiet:
            report = sweep(
                plan, out, executor, args.jobs, args.scheduler, args.threads, on_note=note
            )
        else:
            report = _with_progress(plan, out, executor, args, console, sweep, note)
    except SweepFolderError as exc:  # raised before anything is written
        raise _bad(str(exc)) from None
    except SweepWriteError as exc:  # a full disk, ...: finished runs are kept
        console.print(f"skillsim: error: {exc}", markup=False, highlight=False)
        return EXIT_FAILED_RUNS
    except KeyboardInterrupt:
        from simulation import stop
        from simulation.experiment.progress import finished_runs

        # (SIGTERM, a batch scheduler's stop, is said as such, as `skillsim run` says it)
        said = "stopped (SIGTERM)" if stop.sigterm.is_set() else "interrupted"
        if Path(out).exists() and finished_runs(out):
            console.print(
                f"{said}; finished runs are kept in {out}: rerun the same command to resume"
            )
        elif Path(out).exists():  # ("finished runs are kept" of none read as a loss)
            console.print(
                f"{said} before any run finished; {out} holds the sweep's plan: rerun "
                "the same command to start it"
            )
        else:  # (stopped while connecting to a scheduler, before the folder was made)
            console.print(f"{said} before any run; nothing written")
        return EXIT_INTERRUPTED
    if not args.quiet:
        console.print(
            f"{report.done} runs done and {report.failed} failed in {report.seconds:.1f} s "
            f"({report.skipped} already done); results in {out}"
        )
    if report.turned_away:  # (as `skillsim run` says it of one run)
        console.print(
            f"warning: {report.turned_away:,} school leavers found no free worker row in "
            "these runs and were turned away (each run's manifest.json, "
            "entrants_turned_away): their populations reached the row capacity",
            markup=False,
            highlight=False,
        )
    _print_failures(console, report, out)
    older = _reports_in(Path(out)) if report.done else {}
    if older:  # (a report of a sweep stopped, then resumed: its numbers are of fewer runs)
        again = " and ".join(
            f"`skillsim report {out}{'' if lang == 'en' else f' --lang {lang}'}`" for lang in older
        )
        was, it = ("were", "them") if len(older) > 1 else ("was", "it")
        console.print(
            f"note: {' and '.join(p.name for p in older.values())} in {out} {was} made "
            f"before the {report.done} runs finished now, from fewer: {again} to write {it} "
            "again",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if no_effects is not None:
        config = plan.experiment.config
        if config.parameters and config.design.kind in ("sobol", "morris"):
            reading = " (its report and analysis.sensitivity read a design's results)"
        elif config.parameters:  # (a grid or lhs: no indices; the report by point)
            reading = " (its report shows its runs, design point by design point)"
        else:
            reading = " (its report shows its runs)"
        console.print(
            f"no effects table: {no_effects.split('; allowed:')[0]}{reading}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if args.effects:
        try:
            _effects(out, None, "mean", None, None)
        except BadInput as exc:
            if not report.failures:
                raise
            # Failed runs can leave a policy without finished runs: the exit status is
            # the sweep's own (some runs failed), not bad input.
            console.print(f"no effects table: {exc}", markup=False, highlight=False)
    return EXIT_FAILED_RUNS if report.failures else 0


def designed_policy_fields(experiment) -> list[str]:
    """The design's parameters that set a policy field (on every policy)."""
    return [
        label
        for label, targets in experiment.targets.items()
        if any(t.root == "policy" for t in targets)
    ]


def baseline_shares_the_design(experiment) -> list[str]:
    """The design's parameters that set a policy field while the baseline policy is
    among the policies: they change the baseline's runs too (a subsidy swept on
    ``none`` and ``apprenticeship_subsidy`` alike leaves no subsidy effect to measure)."""
    if experiment.config.baseline_policy not in experiment.policies:
        return []
    return designed_policy_fields(experiment)


def _check_effects_possible(plan) -> None:
    """``sweep --effects`` needs the baseline policy and another policy to compare it
    with: checked before anything runs."""
    exp = plan.experiment
    baseline = exp.config.baseline_policy
    names = list(exp.policies)
    if baseline not in names:
        raise _bad(
            f"--effects: {exp.source} has no baseline policy to measure effects against "
            f"(baseline_policy {show_value(baseline)} is not among its policies: {', '.join(names)}); "
            "allowed: --effects with an experiment that lists its baseline_policy in policies"
        )
    if len(names) < 2:
        raise _bad(
            f"--effects: {exp.source} has only the baseline policy {show_value(baseline)}, so there "
            "are no effects to show; allowed: --effects with an experiment of two or more "
            "policies"
        )


def _with_progress(plan, out, executor, args, console, run_sweep, note=None):
    import rich.progress as rp

    if not console.is_terminal:  # (a log file: lines as runs finish, not a bar at the end)
        return _with_lines(plan, out, executor, args, console, run_sweep, note)
    with rp.Progress(
        rp.TextColumn("[bold]{task.description}"),
        rp.BarColumn(),
        rp.MofNCompleteColumn(),
        rp.TextColumn("done {task.fields[done]}, [red]failed {task.fields[failed]}[/red]"),
        rp.TimeElapsedColumn(),
        rp.TextColumn("left"),
        rp.TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("runs", total=None, done=0, failed=0)

        def start(todo: int, skipped: int) -> None:
            label = f"runs ({skipped} already done)" if skipped else "runs"
            bar.update(task, total=todo, description=label)

        def step(outcome) -> None:
            fields = bar.tasks[0].fields
            key = "done" if outcome.ok else "failed"
            bar.update(task, advance=1, **{key: fields[key] + 1})

        return run_sweep(
            plan, out, executor, args.jobs, args.scheduler, args.threads, start, step, on_note=note
        )


def _cold_cache() -> bool:
    """Whether this machine's numba cache lacks the engine's kernels (the workers of a
    local pool or cluster share it): a first sweep's workers compile them first, and an
    outside review took the silent minutes that follow for a hang."""
    from simulation import cli

    return cli._compiles("engine")


def _cores() -> int:
    """The threads a run can use here: numba's (all cores unless NUMBA_NUM_THREADS)."""
    import numba

    return numba.config.NUMBA_NUM_THREADS


def _with_lines(plan, out, executor, args, console, run_sweep, note=None):
    """``_with_progress`` for output that is no terminal: ``progress.Lines``, and a line
    at least every ``EVERY_SECONDS`` while no run finishes (a cluster that lost its
    workers, long runs): the lines came only as runs finished, so a batch log went
    silent, "about 21 s left" for ever (an outside review)."""
    import threading

    from simulation.progress import EVERY_SECONDS, Lines

    counts = {"done": 0, "failed": 0}
    lines: list[Lines] = []
    lock = threading.Lock()
    last = [time.monotonic()]

    def said() -> str:
        return f"done {counts['done']}, failed {counts['failed']}"

    def start(todo: int, skipped: int) -> None:
        with lock:
            lines.append(
                Lines(console, f"runs ({skipped} already done)" if skipped else "runs", todo)
            )
            last[0] = time.monotonic()

    def step(outcome) -> None:
        with lock:
            counts["done" if outcome.ok else "failed"] += 1
            last[0] = time.monotonic()
            lines[0].update(sum(counts.values()), said())

    quiet = threading.Event()

    def beat() -> None:
        while not quiet.wait(EVERY_SECONDS / 6):
            with lock:
                waited = time.monotonic() - last[0]
                if lines and waited >= EVERY_SECONDS:
                    where = (
                        " (a Dask cluster without workers waits for ever: check its workers)"
                        if executor == "dask"
                        else ""
                    )
                    lines[0].update(
                        sum(counts.values()),
                        f"{said()}; no run finished in the last {waited:.0f} s{where}",
                    )

    beating = threading.Thread(target=beat, name="sweep-lines", daemon=True)
    beating.start()
    try:
        return run_sweep(
            plan, out, executor, args.jobs, args.scheduler, args.threads, start, step, on_note=note
        )
    finally:
        quiet.set()


# -------------------------------------------------------------------- effects


def _failure_line(error: str) -> str:
    """A failed run's error in a line: its exception's, and what the executor said of
    it first where the executor failed it (a worker process died, a Dask cluster could
    not run it, other code), not the run."""
    lines = error.strip().splitlines()
    if not lines:
        return "unknown error"
    if not lines[0].startswith("Traceback") and lines[0] != lines[-1]:
        return f"{lines[0]} ({lines[-1]})"
    return lines[-1]


def _print_failures(console, report, out: Path) -> None:
    """The failed runs, those that failed alike in one line (an outside review: a
    sweep refused on a stale worker printed the same seven lines for each of 120 runs),
    and what to do."""
    from rich.markup import escape

    alike: dict[str, list[str]] = {}
    for run_id, error in report.failures.items():
        alike.setdefault(_failure_line(error), []).append(run_id)
    for line, ids in alike.items():
        which = ids[0] if len(ids) == 1 else f"{len(ids)} runs ({', '.join(ids[:2])}"
        which += "" if len(ids) == 1 else (", ...)" if len(ids) > 2 else ")")
        console.print(f"[red]failed[/red] {escape(which)}: {escape(line)}")
    if report.stopped:
        console.print(
            f"stopped: {report.stopped} (not written, as no other run computed with it "
            "would be); the runs not started are left for the rerun",
            markup=False,
            highlight=False,
        )
    if report.failures or report.stopped:
        failed = len(report.failures)
        console.print(
            f"tracebacks in {out / 'ledger.parquet'} (column error); finished runs are kept: "
            f"rerun the same command to retry the {failed} failed run{'s' if failed != 1 else ''}"
            f"{' and run the rest' if report.stopped else ''}",
            markup=False,
            highlight=False,
        )


def _effects(
    results: Path,
    baseline,
    summary,
    names,
    csv,
    months=None,
    table: str = "metrics",
    where: list[str] | None = None,
    pool: bool = False,
    parts: bool = False,
) -> int:
    from rich.table import Table

    from simulation import analysis
    from simulation.metrics import AT_INTAKE

    if csv is not None:
        _check_new_file(csv, "--csv")
    if parts and table != "metrics":
        raise _bad(
            f"--parts: sets combinations against their parts on the metrics table, not the "
            f"{table} table (allowed: --parts without --table)"
        )
    if where and table == "metrics":
        raise _bad(
            "--where: the metrics table has one row per run and month, no rows to keep to "
            f"(allowed: --where with --table {', '.join(BREAKDOWN_HEADLINE)})"
        )
    if pool and table not in ("region", "region_transitions"):
        raise _bad(
            f"--pool-regions: pools a region table, not {table} (allowed: --pool-regions "
            "with --table region or --table region_transitions)"
        )
    try:
        kind = analysis.folder_kind(results)
    except analysis.DamagedFolderError as exc:
        raise _bad(str(exc)) from None
    if kind == "run":
        raise _bad(
            f"{results} is a single run, not a sweep: effects compares policies across a "
            "sweep's seeds (allowed: a sweep folder written by `skillsim sweep`, or a "
            "folder of run folders)"
        )
    try:
        with warnings.catch_warnings(record=True) as caught:
            said = (
                analysis.IncompleteSweepWarning,
                analysis.LeftOutWarning,
                analysis.MixedCodeWarning,
            )
            for category in said:
                warnings.simplefilter("always", category)
            frame = analysis.load(results, table=table)
    except (FileNotFoundError, ValueError) as exc:
        raise _bad(_not_kept(results, table) or str(exc)) from None
    if pool:  # (first: a rate's denominator sums over every to_status, which --where may drop)
        with warnings.catch_warnings(record=True) as pooling:
            warnings.simplefilter("always", UserWarning)
            frame = analysis.pool_regions(frame)
        for warning in pooling:  # (a share an older table cannot recompute: left out)
            print(f"skillsim: warning: {warning.message}", file=sys.stderr)
    if where:
        frame = _rows_where(frame, where, table, pooled=pool)
    for warning in caught:  # a sweep not complete: said on stderr, the table still shown
        if issubclass(warning.category, said):
            print(f"skillsim: warning: {warning.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    baseline = baseline or frame.attrs.get("skillsim", {}).get("baseline_policy", "none")
    if months is not None and len(frame) and int(months[1]) > int(frame["month"].max()):
        end = int(frame["month"].max())  # (cut, as analysis.effects cuts it: said)
        if int(months[0]) <= end:
            print(
                f"skillsim: warning: --months {months[0]}-{months[1]}: these results end at "
                f"month {end}, so months {months[0]}-{end} are summarised",
                file=sys.stderr,
            )
    if parts:
        return _parts_effects(frame, results, baseline, summary, names, csv, months)
    try:
        effects = analysis.effects(frame, baseline_policy=baseline, summary=summary, months=months)
        completion = _completion_window(effects, frame, results, baseline, summary, months)
        if completion is not None:  # (the report's window for it: the same numbers)
            effects = analysis.past_the_contracts(effects, frame, baseline, completion)
    except ValueError as exc:
        raise _bad(f"{results}: {exc}") from None
    present = list(dict.fromkeys(effects["metric"]))
    shown = names or list(HEADLINE if table == "metrics" else BREAKDOWN_HEADLINE[table])
    if not names:  # (the headline a table has: an older sweep's pooled regions lack a rate)
        shown = [m for m in shown if m in present] or shown
    _check_metrics(shown, present, results, table)
    if csv is not None:
        try:
            rows = table + "".join(f", {w}" for w in where or []) + (", pooled" if pool else "")
            provenance = _with_provenance(effects, frame, results, baseline, summary, months, rows)
            if completion is not None:
                provenance.loc[provenance["metric"] == analysis.COMPLETION, "summarised_months"] = (
                    _summarised(frame, summary, completion)
                )
            _write_new_csv(provenance, csv)
        except OSError as exc:  # a full disk, ... (a file in the way is bad input, above)
            print(
                f"skillsim: error: cannot write --csv {csv} ({exc.strerror or exc}); nothing "
                "of it was kept: free space (or fix the folder) and run it again",
                file=sys.stderr,
            )
            return EXIT_FAILED_RUNS
    keys = [c for c in effects.columns if c not in analysis.EFFECT_COLUMNS]
    span = _summarised(frame, summary, months)
    of = "" if table == "metrics" else f", by {analysis.BREAKDOWN_ROWS[table]}"
    of += ", the regions pooled into urban and rural" if pool else ""
    out = Table(
        title=f"{results}: effect against {baseline} ({span}{of}), mean "
        "paired difference [95% CI] across seeds",
        show_lines=True,
    )
    visible = [k != "point" or effects["point"].nunique() > 1 for k in keys]
    for k, show in zip(keys, visible, strict=True):
        if show:
            out.add_column(k, no_wrap=True)
    units = dict(zip(effects["metric"], effects["unit"], strict=False))
    for n in shown:
        own = (
            f"\nmonths {completion[0]}-{completion[1]}"
            if completion and n == analysis.COMPLETION
            else ""
        )
        out.add_column(
            f"{n}\n{analysis.shown_unit(units.get(n, ''))}{own}", justify="right", no_wrap=True
        )
    wide = effects[effects["metric"].isin(shown)]
    daggers = False
    # each group's rows by metric, as dicts (a pandas group and an index a group took a
    # third of a breakdown's 10,000 rows' printing)
    groups: dict[tuple, dict[str, dict]] = {}
    for record in wide.to_dict("records"):
        key = tuple(record[k] for k in keys)
        groups.setdefault(key, {})[record["metric"]] = record
    for key, by_metric in groups.items():
        head = [
            f"{v:g}" if isinstance(v, float) else str(v)
            for v, show in zip(key, visible, strict=True)
            if show
        ]
        cells = [analysis.effect_words(n, units.get(n, ""), by_metric[n], "\n") for n in shown]
        if analysis.COST_METRIC in shown:
            at = shown.index(analysis.COST_METRIC)
            group = dict(zip(keys, key, strict=True))
            if cells[at] != "-" and not analysis.mostly_from_unemployment(effects, group):
                cells[at] = (
                    cells[at].replace("\n", " \u2020\n", 1)
                    if "\n" in cells[at]
                    else cells[at] + " \u2020"
                )
                daggers = True
        out.add_row(*head, *cells)
    fewer = (
        ""
        if table == "metrics"
        else "--where COLUMN=VALUE keeps to some of them (COLUMN: "
        f"{', '.join(analysis.BREAKDOWN_KEYS[table])}), "
    )
    # (a row: two lines and a rule; the key columns shown start each part)
    _print_table(out, len(groups), 3, fewer, keys=sum(visible))
    counts = wide.loc[wide["metric"] != analysis.COST_METRIC, "n"] if len(wide) else wide["n"]
    least, most = (int(counts.min()), int(counts.max())) if len(counts) else (0, 0)
    seeds = (
        ("1 paired seed" if most == 1 else f"{most} paired seeds")
        if least == most
        else f"{least}-{most} paired seeds"
    )
    if least != most:
        seeds += " (fewer where a run is missing or the metric undefined in some runs)"
    lone = " [-, -]: fewer than two pairs, no interval;" if least < 2 else ""
    cost = (
        "; cost: extra public spending per additional worker in employment (employed + "
        "apprentices), yuan per worker-month, '-' unless the employment effect is clearly "
        "above zero (its CI)"
        if analysis.COST_METRIC in shown
        else ""
    )
    print(f"n = {seeds};{lone} shares in percentage points (pp){cost}.")
    for name in (m for m in AT_INTAKE if m in shown and m in frame.columns):
        print(_intake_note(name, frame, summary, months))
    if completion is not None and analysis.COMPLETION in shown:
        first = completion[0]
        print(
            f"note: {analysis.COMPLETION} is the mean of months {first}-{completion[1]}, past the "
            f"longest contract ({first - 1} months), as in the report: before that a "
            "policy's new contracts can end early but none can complete yet, so a policy "
            "that starts more of them lowers the rate by the arithmetic alone (--months "
            "FROM-TO sets one window for every measure)"
        )
    shared = analysis.baseline_shares(frame)
    if shared:  # (said when the sweep started, and again here: it explains zeros)
        levers = ", ".join(f"{k} ({', '.join(v)})" for k, v in shared.items())
        print(
            f"note: the design sets {levers} on every policy, the baseline "
            f"{show_value(baseline)} included, so each effect compares policies at the same "
            "setting of it, and a policy that differs from the baseline only there shows "
            "none (to sweep a lever against no policy, leave the baseline out of policies, "
            "as experiments/subsidy_sensitivity.toml does)"
        )
    if daggers:
        print(
            "\u2020: most of the extra workers in employment did not come out of "
            "unemployment there: the unemployment rate did not clearly fall (its CI reaches "
            "zero or above), or the number unemployed fell by less than half the rise in "
            "employment; the rest came from outside the labour force (fewer in training or "
            "education, say). A cost per worker in employment, not of jobs for the unemployed."
        )
    return 0


def _completion_window(effects, frame, results: Path, baseline, summary, months):
    """The months over which the completion rate's effects are summarised by the report
    (``analysis.completion_months``: past the sweep's longest contract), where they are
    summarised as the mean of all the policy months (no ``--months``, no ``--summary
    final``) of a sweep whose manifest names its policies; None otherwise."""
    from simulation import analysis

    if summary != "mean" or months is not None or analysis.COMPLETION not in set(effects["metric"]):
        return None
    manifest = analysis._manifest(results, required=False) or {}
    if not manifest and results.name == "runs":  # (a sweep's runs: load reads the sweep)
        manifest = analysis._manifest(results.parent, required=False) or {}
    if not manifest.get("policies") or not len(frame):
        return None
    return analysis.completion_months(manifest, int(frame["month"].max()))


def _parts_effects(frame, results: Path, baseline: str, summary, names, csv, months) -> int:
    """``skillsim effects --parts``: each of the sweep's policies that combines others
    (``analysis.policy_parts``: the package, "a+b") against its parts added up, per
    scenario (and design point), on the measures the report's section takes or
    ``names``: three lines a cell (together, the parts added up, the difference), a
    difference clearly away from zero marked."""
    import pandas as pd
    from rich.table import Table

    from simulation import analysis

    try:
        manifest = analysis.sweep_manifest(results)  # (read once, for both)
        found = analysis.policy_parts(manifest)
        changed = analysis.changed_levers(manifest) or {}
    except (OSError, ValueError) as exc:
        why = "no manifest.json" if "manifest.json" in str(exc) else str(exc)
        raise _bad(
            f"--parts: {results} has no sweep manifest to read its policies from ({why}; "
            "allowed: --parts with a sweep folder written by `skillsim sweep`)"
        ) from None
    if changed.get(baseline):  # (AB - A - B + G: the interaction plus G's own effect)
        levers = ", ".join(list(changed[baseline])[:3]) + (
            ", ..." if len(changed[baseline]) > 3 else ""
        )
        raise _bad(
            f"--parts --baseline {baseline}: it changes levers of the status quo ({levers}), "
            "so a combination's difference from its parts added up against it would count "
            "its own effect too (allowed: --parts against the status quo: --baseline none, "
            "or a policy that changes no lever)"
        )
    ran = set(frame["policy"].unique())
    combos = {
        whole: its
        for whole, its in found.items()
        if whole in ran and set(its) <= ran and baseline not in (whole, *its)
    }
    short = {whole: sorted(set(its) - ran) for whole, its in found.items() if whole in ran}
    short = {whole: lacking for whole, lacking in short.items() if lacking}
    if not combos or baseline not in ran:
        lacking = sorted({p for ps in short.values() for p in ps})
        why = (
            f": the baseline {baseline} did not run"
            if baseline not in ran
            else f": {', '.join(lacking)} did not run (parts of {', '.join(short)})"
            if lacking
            else ""
        )
        raise _bad(
            f"--parts: no policy of {results} combines others that ran beside it and the "
            f"baseline {baseline}{why} (allowed: a sweep that runs a combination, such as "
            '"package" or "a+b", with each of its parts and the baseline, as '
            "experiments/default.toml and experiments/package_pairs.toml do)"
        )
    for whole, lacking in short.items():  # (the others shown: said on stderr, not dropped unsaid)
        print(
            f"skillsim: warning: --parts: {whole} left out: its part(s) {', '.join(lacking)} "
            "did not run",
            file=sys.stderr,
        )
    present = analysis._measures(frame)
    shown = names or [m for m in analysis.PARTS_METRICS if m in present]
    _check_metrics(shown, [*present, analysis.COST_METRIC], results)
    try:
        tables = [
            analysis.interaction(frame, whole, its, baseline, shown, months=months, summary=summary)
            for whole, its in combos.items()
        ]
        # (each scenario's combinations together: the tables come a combination each)
        table = analysis._in_experiment_order(pd.concat(tables, ignore_index=True), frame)
    except ValueError as exc:
        raise _bad(f"{results}: {exc}") from None
    if csv is not None:
        try:
            provenance = _with_provenance(table, frame, results, baseline, summary, months)
            _write_new_csv(provenance, csv)
        except OSError as exc:
            print(
                f"skillsim: error: cannot write --csv {csv} ({exc.strerror or exc}); nothing "
                "of it was kept: free space (or fix the folder) and run it again",
                file=sys.stderr,
            )
            return EXIT_FAILED_RUNS
    span = _summarised(frame, summary, months)
    out = Table(
        title=f"{results}: policies together against their parts added up, each against "
        f"{baseline} ({span}), mean paired difference [95% CI] across seeds",
        show_lines=True,
    )
    points = table["point"].nunique() > 1
    for head in ("scenario", *(["point"] if points else []), "policies", ""):
        out.add_column(head, no_wrap=True)
    units = dict(zip(table["metric"], table["unit"], strict=False))
    for n in shown:
        out.add_column(
            f"{n}\n{analysis.shown_unit(units.get(n, ''))}", justify="right", no_wrap=True
        )
    kinds = (("together", "combination_effect", "combination_"), ("parts added up",
        "parts_effect", "parts_"), ("difference", "interaction", ""))  # fmt: skip
    clear = False
    groups: dict[tuple, dict[str, dict]] = {}
    for record in table.to_dict("records"):
        key = (record["scenario"], record["point"], record["policy"])
        groups.setdefault(key, {})[record["metric"]] = record
    for (scenario, point, whole), by_metric in groups.items():
        its = combos[whole]
        named = whole if whole == "+".join(its) else f"{whole} ({len(its)} parts)"
        head = [str(scenario), *([f"{point:g}"] if points else []), named.replace("+", " +\n")]
        cells = []
        for n in shown:
            r = by_metric[n]
            lines = []
            for _, effect, prefix in kinds:
                lo, hi = r[f"{prefix}ci_low"], r[f"{prefix}ci_high"]
                words = analysis.effect_words(n, units[n], {"effect": r[effect],
                    "ci_low": lo, "ci_high": hi})  # fmt: skip
                if not prefix and (lo > 0 or hi < 0):
                    words += " *"
                    clear = True
                lines.append(words)
            cells.append("\n".join(lines))
        out.add_row(*head, "\n".join(k for k, _, _ in kinds), *cells)
    _print_table(out, len(groups), 4, keys=3 + points)  # (a row: three lines and a rule)
    counts = table["n"]
    least, most = int(counts.min()), int(counts.max())
    seeds = f"{most} paired seeds" if least == most else f"{least}-{most} paired seeds"
    if least != most:
        seeds += " (fewer where a run is missing)"
    lone = " [-, -]: fewer than two paired seeds, no interval;" if least < 2 else ""
    print(
        f"n = {seeds};{lone} shares in percentage points (pp). together: the combined "
        "policy's effect; parts added up: its parts' effects, each alone, summed seed by "
        "seed; difference: together less the parts added up"
        + (
            "; *: its interval excludes zero: the parts change each other's working, and "
            "the combination's effect cannot be read off theirs."
            if clear
            else "."
        )
    )
    for whole, its in combos.items():
        if whole != "+".join(its):
            print(f"{whole}: the parts {', '.join(its)}.")
    if sum(len(its) == 2 for its in combos.values()) >= analysis.MANY_PAIRS:  # (a matrix)
        print(
            f"Every difference counts the same runs of {baseline} (together less the parts "
            f"added up: AB - A - B + {baseline}, seed by seed), and a part's runs in every "
            "combination it joins, so their errors move together: differences that lean "
            "one way across many combinations are one reading of those runs, not many "
            "findings. Run the sweep again with another --root-seed, or with more --seeds "
            "(its finished runs are copied, not computed again), before taking such a lean "
            "for the model's."
        )
    return 0


def _print_table(out, rows: int, lines: int, fewer: str = "", keys: int = 0) -> None:
    """Print rich table ``out`` at its natural width (120 characters or more), and say
    on stderr, at a terminal, where it is longer (``rows`` of ``lines`` each) than the
    terminal shows, and how to see less of it (``fewer``: a way to fewer rows, ending
    ", ") or all of it. At a terminal narrower than the table, its columns after the
    first ``keys`` (scenario, policy, ...) are printed in parts that each fit, every
    part with those first columns again: a table of 250 characters wrapped in a
    terminal of 100 could not be read (an outside review; ``make run`` ends with one).
    Into a file or pipe it is printed whole."""
    from rich.console import Console

    natural = Console(width=10_000).measure(out).maximum
    columns, height = shutil.get_terminal_size()
    parts = _column_parts(out, keys, columns) if sys.stdout.isatty() and natural > columns else []
    tables = [_table_part(out, keys, part, k, len(parts)) for k, part in enumerate(parts, 1)]
    widths = [Console(width=10_000).measure(t).maximum for t in tables]
    if len(parts) > 1 and max(widths) <= columns:  # (else parts would cut cells: whole)
        for table in tables:
            Console(width=columns).print(table)
        print(
            f"skillsim: the table is {natural} characters wide, the terminal {columns}: "
            f"shown in {len(parts)} parts, each with its first columns again; --metric NAME "
            "(repeat) shows fewer columns, --csv FILE writes them all",
            file=sys.stderr,
        )
    else:
        Console(width=max(120, natural)).print(out)
        if sys.stdout.isatty() and natural > columns:
            print(
                f"skillsim: the table is {natural} characters wide, the terminal {columns}: "
                "--metric NAME (repeat) shows fewer columns, --csv FILE writes them all",
                file=sys.stderr,
            )
    if sys.stdout.isatty() and lines * rows > height:
        print(
            f"skillsim: the table has {rows:,} row{'' if rows == 1 else 's'}, more than the "
            f"terminal shows: {fewer}--csv FILE writes them all",
            file=sys.stderr,
        )


def _column_parts(out, keys: int, width: int) -> list[list[int]]:
    """The columns of ``out`` after its first ``keys``, in groups (their indices) that
    each fit ``width`` characters beside those first columns; at least one column a
    group. A column takes its widest line (of its header and its cells) and three
    characters of padding and rule."""
    from rich.cells import cell_len

    def wide(column) -> int:
        texts = [str(column.header), *(str(c) for c in column.cells)]
        return max((cell_len(line) for t in texts for line in t.split("\n")), default=0) + 3

    fixed = 1 + sum(wide(c) for c in out.columns[:keys])
    parts: list[list[int]] = []
    used = fixed
    for i in range(keys, len(out.columns)):
        w = wide(out.columns[i])
        if parts and used + w <= width:
            parts[-1].append(i)
            used += w
        else:
            parts.append([i])
            used = fixed + w
    return parts


def _table_part(out, keys: int, part: list[int], k: int, n: int):
    """Table ``out`` with its first ``keys`` columns and the columns ``part``; its title
    says which part of ``n`` it is."""
    from rich.table import Table

    title = f"{out.title} (part {k} of {n})" if k == 1 else f"(part {k} of {n})"
    table = Table(title=title, show_lines=out.show_lines)
    chosen = [*range(keys), *part]
    for i in chosen:
        c = out.columns[i]
        table.add_column(c.header, justify=c.justify, no_wrap=c.no_wrap)
    for row in zip(*(list(out.columns[i].cells) for i in chosen), strict=True):
        table.add_row(*row)
    return table


def _reports_in(out: Path) -> dict[str, Path]:
    """The reports at a sweep folder's own places (``report.default_out``: report.html,
    report-zh.html) that exist, by language."""
    from simulation import i18n
    from simulation.report import default_out

    return {lang: page for lang in i18n.LANGS if (page := default_out(out, lang)).is_file()}


def _intake_note(name: str, frame, summary: str, months) -> str:
    """What the effects on a measure given in the intake months only
    (``metrics.AT_INTAKE``) are over: those months of the summarised ones, found in the
    table itself (where the measure is given), or a note that none of them is one."""
    from simulation import analysis

    window = analysis.in_months(frame, months) if months else frame[frame["month"] >= 1]
    given = sorted({int(m) for m in window.loc[window[name].notna(), "month"]})
    if not given:
        return (
            f"{name}: given only in the months school leavers choose (the intake: August "
            "of each year as shipped), and none is among the months summarised: '-' "
            "throughout (allowed: a window with an intake month, --months FROM-TO)"
        )
    of_year = ", ".join(calendar.month_name[m % 12 + 1] for m in sorted({m % 12 for m in given}))
    shown = ", ".join(map(str, given[:4])) + (f", ... {given[-1]}" if len(given) > 4 else "")
    over = "its mean over those months" if summary == "mean" else "its value at the last of them"
    return (
        f"{name}: given only in the months school leavers choose ({of_year} of each year; "
        f"here months {shown}): {over}, not over every month."
    )


def _not_kept(results: Path, table: str) -> str | None:
    """Why ``--table table`` has nothing to read where the sweep did not keep it: the
    tables it kept, from its manifest (None where it did keep it, or says nothing)."""
    from simulation import analysis

    if table == "metrics":
        return None
    try:
        manifest = analysis._manifest(results, required=False) or {}
        if not manifest and results.name == "runs":  # (a sweep's runs: the sweep's, as load)
            manifest = analysis._manifest(results.parent, required=False) or {}
    except (OSError, ValueError):
        return None
    keep = (manifest.get("experiment") or {}).get("keep")
    if not keep or table in keep:
        return None
    return (
        f"--table {table}: {results} did not keep the {table} table (a sweep keeps the "
        f"tables its experiment file's keep lists); allowed here: {', '.join(keep)}"
    )


def _rows_where(frame, where: list[str], table: str, pooled: bool = False):
    """The rows of breakdown ``frame`` that each ``--where COLUMN=VALUE`` keeps (values of
    one column: either), or bad input naming the columns and values allowed (``pooled``:
    the regions are urban and rural, --pool-regions said)."""
    from simulation import analysis

    columns = analysis.BREAKDOWN_KEYS[table]

    def allowed(column: str) -> str:  # (in the column's own order: cohorts -3, ..., 0, 1)
        values = ", ".join(map(str, sorted(frame[column].unique())))
        if column == "region" and pooled:
            return f"{values} (the regions pooled by --pool-regions)"
        if column == "region":
            return f"{values} (or, with --pool-regions, urban and rural)"
        if column == "cohort":
            return f"{values} (the policy year of entry: 0 the first, below 0 the burn-in's)"
        return values

    wanted: dict[str, list[str]] = {}
    for item in where:
        column, _, value = item.partition("=")
        column, value = column.strip(), value.strip()
        if column not in columns:
            raise _bad(
                f"--where {item}: expected COLUMN=VALUE with COLUMN one of "
                f"{', '.join(columns)} (the rows of the {table} table)"
            )
        if not value:
            raise _bad(f"--where {item}: no VALUE; {column} must be one of: {allowed(column)}")
        wanted.setdefault(column, []).append(value)
    keep = np.ones(len(frame), dtype=bool)
    for column, values in wanted.items():
        known = set(map(str, frame[column].unique()))
        unknown = [v for v in values if v not in known]
        if unknown:
            raise _bad(
                f"--where {column}={unknown[0]}: no such {column} in the {table} table; "
                f"must be one of: {allowed(column)}"
            )
        keep &= frame[column].astype(str).isin(values).to_numpy()
    out = frame[keep]
    out.attrs = frame.attrs
    return out


def _check_metrics(
    shown: list[str], known: list[str], results: Path, table: str = "metrics"
) -> None:
    """Each --metric must be a metric of the effects table ``results`` gives: else bad
    input naming the closest one and every allowed one, as the configuration errors
    do (difflib's closest match)."""
    import difflib

    what = f"the metrics of {results}"
    listing = "metrics"
    if table != "metrics":
        what, listing = f"the {table} table's measures in {results}", "breakdowns"
    for name in shown:
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise _bad(
            f"--metric {name}: unknown metric{hint}; must be one of: {', '.join(known)} "
            f"({what}; `skillsim list {listing}` defines them)"
        )


def _check_new_file(path: Path, option: str) -> None:
    """``path`` must not exist yet, and its folder must: results are never overwritten."""
    if path.exists() or path.is_symlink():
        what = "a folder" if path.is_dir() else "the file"
        raise _bad(
            f"{option} {path}: {what} already exists; results are never overwritten "
            "(allowed: a path that does not exist yet)"
        )
    if path.parent.exists() and not path.parent.is_dir():
        raise _bad(
            f"{option} {path}: {path.parent} is a file, not a folder "
            "(allowed: a new file in an existing folder)"
        )
    if not path.parent.is_dir():
        raise _bad(
            f"{option} {path}: there is no folder {path.parent} to write it in "
            "(allowed: a new file in an existing folder)"
        )
    if not os.access(path.parent, os.W_OK):
        raise _bad(
            f"{option} {path}: the folder {path.parent} is not writable "
            "(allowed: a new file in a folder you can write to)"
        )


def _summarised(frame, summary: str, months: tuple[int, int] | None = None) -> str:
    """The months an effects table summarises, in words (its title and its CSV): all
    the policy months, or ``months`` (first, last; a last past the results' ends
    there)."""
    from simulation import analysis

    last = int(frame["month"].max()) if len(frame) else 0
    first, last = (1, last) if months is None else analysis.months_used(frame, months)
    return f"mean of months {first}-{last}" if summary == "mean" else f"month {last}"


def _with_provenance(
    table, frame, results: Path, baseline: str, summary: str, months=None, of="metrics"
):
    """The effects table with what its numbers are of in columns of their own, the same
    in every row (a CSV read months later, or beside another, said none of it: an
    outside review): the sweep (or folder of runs), its hash, the code's digest, the
    baseline the effects are against, the months summarised, and the table of the
    results (``of``: metrics, or a breakdown's, with --where's rows and ", pooled" for
    --pool-regions)."""
    from simulation import analysis

    source = frame.attrs.get("skillsim", {}).get("source") or {}
    manifest = analysis._manifest(results, required=False) or {}
    said = {
        "sweep_name": source.get("name", results.name),
        "sweep_hash": manifest.get("sweep_hash", ""),
        "code_digest": "+".join(source.get("code", [])),
        "against_policy": baseline,
        "summarised_months": _summarised(frame, summary, months),
        "results_table": of,
    }
    # (a design's parameter of one of these names keeps its column)
    return table.assign(**{k: v for k, v in said.items() if k not in table.columns})


def _write_new_csv(table, path: Path) -> None:
    """Write ``table`` to ``path`` under a temporary name beside it, then move it in
    place, so an interrupted write leaves nothing; a file that appeared at ``path``
    meanwhile is kept, not replaced."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        table.to_csv(tmp, index=False)
        try:
            os.link(tmp, path)  # fails if path exists, unlike a rename
        except FileExistsError:
            _check_new_file(path, "--csv")
            raise
        except OSError:  # no hard links on this file system
            _check_new_file(path, "--csv")
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
