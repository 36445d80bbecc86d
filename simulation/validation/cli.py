"""The ``skillsim validate`` command (wired into simulation.cli)."""

from __future__ import annotations

import argparse
import sys
import time

from simulation import stop
from simulation.config_errors import COMMAND_LINE, out_path
from simulation.experiment.cli import add_executor_options

DEFAULT_ROOT_SEED = 20250707
MIN_MONTHS = 24  # two years: spells of 12+ months and their exits, eight quarters of cycle
MIN_WORKERS = 500  # below this the facts are mostly noise
MAX_SEEDS = 1000
EXIT_FAILED_RUNS = 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser(
        "validate",
        help="check stylized facts of labour markets the model should reproduce",
        description=(
            "Run SCENARIO (default baseline) under the policy (default none) for several "
            "seeds, as it is and with a demand cycle, and compare stylized facts of labour "
            "markets that the calibration does not target (Beveridge curve, worker flows, "
            "unemployment durations, wage dispersion and profiles, wage curve, school to "
            "work, apprenticeship outcomes) with empirical figures, each with its source and a "
            "verdict: reproduced, partly, not reproduced. Prints the table and writes a new "
            "folder: report.md, report.html, validation.csv, seeds.csv, durations.csv, "
            "age_profile.csv, manifest.json."
        ),
        epilog="Exit status: 0 the report is written (whatever the verdicts), 1 a run failed "
        "or the folder could not be written (nothing written; the facts are shown), 2 bad "
        "input (nothing written), 130/143 interrupted by Ctrl-C / SIGTERM before every run "
        "finished (nothing written; a stop after that is held, and the folder written).",
    )
    v.add_argument(
        "scenario",
        nargs="?",
        default="baseline",
        metavar="SCENARIO",
        help="scenario name from scenarios/ or a path to a .toml file (default baseline)",
    )
    v.add_argument(
        "--policy",
        "-p",
        action="append",
        default=None,
        metavar="P",
        help="policy name or .toml path; repeat to combine (default none)",
    )
    v.add_argument(
        "--workers",
        type=int,
        default=20_000,
        metavar="N",
        help=f"workers per run (default 20000, at least {MIN_WORKERS})",
    )
    v.add_argument(
        "--months",
        type=int,
        default=120,
        metavar="M",
        help=f"months per run after the burn-in (default 120, at least {MIN_MONTHS})",
    )
    v.add_argument(
        "--seeds",
        type=int,
        default=4,
        metavar="S",
        help="seeds (each run as is and with the demand cycle; default 4, at least 2)",
    )
    v.add_argument(
        "--root-seed",
        type=int,
        default=DEFAULT_ROOT_SEED,
        metavar="S",
        help=f"root seed the run seeds derive from (default {DEFAULT_ROOT_SEED})",
    )
    add_executor_options(v)
    v.add_argument(
        "--out",
        type=out_path,
        default=None,
        metavar="DIR",
        help="output folder, must not exist (default results/validate-<scenario>__<policy>__<time>)",
    )
    v.add_argument("--quiet", action="store_true", help="no progress bar and no table")


def _bad(message: str) -> Exception:
    from simulation.cli import BadInput

    return BadInput(message)


def _check(args: argparse.Namespace) -> str:
    """The executor to use; raises BadInput naming the first bad option."""
    limits = {
        "workers": (args.workers, MIN_WORKERS, None),
        "months": (args.months, MIN_MONTHS, 1200),
        "seeds": (args.seeds, 2, MAX_SEEDS),
        "root-seed": (args.root_seed, 0, 2**63 - 1),
        "jobs": (args.jobs, 1, None),
        "threads": (args.threads, 1, None),
    }
    for option, (value, low, high) in limits.items():
        if value is None:
            continue
        if value < low or (high is not None and value > high):
            allowed = f">= {low}" if high is None else f"between {low} and {high}"
            raise _bad(f"{COMMAND_LINE}: --{option} = {value}: must be a whole number {allowed}")
    from simulation.experiment.cli import executor_of

    return executor_of(args)


def command(args: argparse.Namespace) -> str:
    """The command line that gives the same report (the executor does not change it)."""
    parts = ["skillsim validate", str(args.scenario)]
    parts += [f"--policy {p}" for p in args.policy or ()]
    parts += [
        f"--workers {args.workers}",
        f"--months {args.months}",
        f"--seeds {args.seeds}",
        f"--root-seed {args.root_seed}",
    ]
    return " ".join(parts)


def main(args: argparse.Namespace) -> int:
    from rich.console import Console

    from simulation import store
    from simulation.validation import observe, output, runs

    executor = _check(args)
    plan = runs.make_plan(
        args.scenario,
        args.policy or ("none",),
        args.workers,
        args.months,
        args.seeds,
        args.root_seed,
    )
    if args.out is None:
        from simulation.cli import check_folder_names

        check_folder_names(args, plan.run, "results/validate-<scenario>__<policy>__<time>")
    out = args.out if args.out is not None else output.default_out(plan)
    problem = store.check_out(out, store.out_option(args.out))
    if problem:
        raise _bad(problem)
    console = Console(stderr=True)
    whole = observe.CYCLE_START + 2 * observe.CYCLE_HALF_MONTHS
    if args.months < whole:  # (24 months gave the Beveridge slope's verdict on half a cycle)
        console.print(
            f"skillsim: note: --months {args.months}: the demand cycle's facts (the "
            f"Beveridge curve, the cycle's correlations) see less than its one whole cycle "
            f"(months {observe.CYCLE_START}-{whole}), so their verdicts are not to be "
            f"relied on; give --months {whole} or more for them",
            markup=False,
            highlight=False,
        )
    if not args.quiet:
        console.print(
            f"validate {plan.scenario} | {plan.policy}: {len(plan.seeds)} seeds x 2 runs "
            f"(as is, demand cycle), {args.workers:,} workers, {args.months} months, "
            f"executor {executor}"
        )
    t0 = time.perf_counter()
    results = _run(plan, executor, args, console)  # (a silent scheduler: ExecutorError)
    seconds = time.perf_counter() - t0
    failed = [r for r in results if r.observation is None]
    if failed:
        for r in failed:
            console.print(f"[red]run {r.key[0]} seed #{r.key[1]} failed[/red]\n{r.error}")
        console.print("nothing written")
        return EXIT_FAILED_RUNS
    # Finished: a stop from here on would lose the runs for nothing (it is held, and said).
    with stop.held() as held:
        code, out = _finish(args, plan, results, out, executor, seconds, console)
    if held and code == 0:
        print(
            f"skillsim: a stop came once the runs had finished; they are kept in {out}",
            file=sys.stderr,
        )
    return code


def _finish(args, plan, results, out, executor, seconds, console) -> tuple[int, object]:
    """The finished runs' facts: written to ``out`` and shown; the exit code and the
    folder written. A folder that cannot be written (a full disk) is said in one line,
    and the facts are still shown: the runs are not lost from sight."""
    from simulation import store
    from simulation.validation import output, report, summary

    seeds = summary.by_seed([r.observation for r in results])
    rows = summary.rows(seeds)
    version = store.code_version()
    commit = (version.get("commit") or "unknown")[:10]
    if version.get("dirty"):
        commit += " with uncommitted changes"
    fit, fit_targets = report.fitted_by(args.scenario)  # (a calibration's fitted.toml)
    ctx = report.Context(
        scenario=plan.scenario,
        policy=plan.policy,
        seeds=plan.seeds,
        root_seed=plan.root_seed,
        workers=args.workers,
        months=args.months,
        command=command(args),
        commit=commit,
        counts=summary.counts(rows),
        durations=summary.durations(seeds),
        age_profile=summary.age_profile(seeds),
        cycle=summary.cycle(seeds),
        fit=fit,
        fit_targets=fit_targets,
    )
    info = {
        "executor": executor,
        "jobs": args.jobs,
        "threads": args.threads,
        "timings": {"total_seconds": seconds},
    }
    title = f"{plan.scenario} | {plan.policy}: stylized facts"
    try:
        out = output.write(out, plan, rows, ctx, info)
    except OSError as exc:  # a full disk, a folder made read-only meanwhile, ...
        report.terminal(rows, title=title)  # (the runs' facts, on screen at least)
        print(
            f"skillsim: error: cannot write the validation to {out} ({exc.strerror or exc}); "
            "nothing of it was kept there (its facts are above): free space (or fix the "
            "folder) and run it again",
            file=sys.stderr,
        )
        return EXIT_FAILED_RUNS, out
    if not args.quiet:
        report.terminal(rows, title=title)
        console.print(f"wrote {out} in {seconds:.1f} s")
    else:
        print(out)
    return 0, out


def _run(plan, executor: str, args: argparse.Namespace, console) -> list:
    from simulation.validation import runs

    if args.quiet:
        return runs.execute(plan.tasks, executor, args.jobs, args.scheduler, args.threads)
    import rich.progress as rp

    with rp.Progress(
        rp.TextColumn("[bold]runs"),
        rp.BarColumn(),
        rp.MofNCompleteColumn(),
        rp.TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("runs", total=len(plan.tasks))
        return runs.execute(
            plan.tasks,
            executor,
            args.jobs,
            args.scheduler,
            args.threads,
            on_result=lambda _: bar.advance(task),
        )
