"""Memory a month maps anew: page faults and kernel time per phase of the month, with
the C allocator keeping freed memory (``simulation.allocator``) and without.

Usage: .venv/bin/python benchmarks/page_faults.py [--workers 10000000] [--months 3]
       [--warm-up 2] [--scenario combined] [--policy package] [--seed 1]

Runs the same model twice, one process after the other: with the allocator told to
keep freed memory (as a run of ``allocator.FROM_WORKERS`` workers or more does; here at
any size), then with ``SKILLSIM_KEEP_FREED=0`` (glibc's defaults).
Each builds the run (burn-in skipped), steps ``--warm-up`` months, then steps
``--months`` months phase by phase (the month in one call, ``kernels.month``, turned
off: its phases' functions would not be called), reading the
process's page faults (minor: memory mapped or returned, touched again) and its
kernel (system) and user CPU seconds around every phase and around the metrics. The
counts are the whole process's, all threads. A month that allocates nothing new has no
page faults; each fault is time the kernel spends mapping and zeroing a page, and
every unmap in a process with threads on both cores flushes the other core's address
translations too.

Fault counts do not depend on the machine's load, so the two processes need not take
turns; their month times do: ``ab_months.py`` measures those side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

from sides import fresh_model, load, machine, settle  # benchmarks/ is the script's folder

PHASES = (
    "begin",
    "drivers",
    "firm_demand",
    "apprenticeship_supply",
    "providers",
    "education_choices",
    "skill_change",
    "search_and_matching",
    "separations_and_lifecycle",
    "demographic_change",
    "accounts",
)


def child(a: argparse.Namespace) -> None:
    """Build, warm up, count; print one JSON line."""
    from simulation import allocator, phases
    from simulation.kernels import month as month_kernels

    month_kernels.use_one_call(False)
    kept = allocator.keep_freed_memory()  # (a model sets it only from FROM_WORKERS up)
    months = a.warm_up + a.months
    model = fresh_model(a.scenario, a.policy, a.workers, months, a.seed, profile=True)
    for _ in range(a.warm_up):
        model.step()
    settle()
    totals: dict[str, list[float]] = {}

    def counted(name: str, f):
        def call(*args, **kwargs):
            r0 = resource.getrusage(resource.RUSAGE_SELF)
            out = f(*args, **kwargs)
            r1 = resource.getrusage(resource.RUSAGE_SELF)
            t = totals.setdefault(name, [0.0, 0.0, 0.0])
            t[0] += r1.ru_minflt - r0.ru_minflt
            t[1] += r1.ru_stime - r0.ru_stime
            t[2] += r1.ru_utime - r0.ru_utime
            return out

        return call

    for name in PHASES:
        setattr(phases, name, counted(name, getattr(phases, name)))
    model._record = counted("metrics", model._record)
    walls = []
    for _ in range(a.months):
        t0 = time.perf_counter()
        model.step()
        walls.append(time.perf_counter() - t0)
    per_month = {k: [v / a.months for v in t] for k, t in totals.items()}
    print(json.dumps({"kept": kept, "phases": per_month, "month": statistics.median(walls)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=10_000_000)
    ap.add_argument("--months", type=int, default=3)
    ap.add_argument("--warm-up", type=int, default=2)
    ap.add_argument("--scenario", default="combined")
    ap.add_argument("--policy", default="package")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a)
        return
    print(f"machine: {machine()}")
    print(f"python {sys.version.split()[0]}; {load()}")
    print(
        f"{a.scenario} | {a.policy}, {a.workers:,} workers: {a.months} months after "
        f"{a.warm_up} (burn-in skipped), per month, the whole process"
    )
    results = {}
    for label, env in (("kept", {}), ("glibc defaults", {"SKILLSIM_KEEP_FREED": "0"})):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
        environment.update(env)
        out = subprocess.run(
            [sys.executable, __file__, "--child", *sys.argv[1:]],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        results[label] = json.loads(out.stdout.strip().splitlines()[-1])
    kept, default = results["kept"], results["glibc defaults"]
    print(f"allocator keeping freed memory: {kept['kept']} (second process: {default['kept']})")
    print(f"{'':27s}{'kept':>27s}   {'glibc defaults':>27s}")
    print(f"{'phase':27s}" + f"{'faults':>9s}{'kernel s':>9s}{'user s':>9s}" * 2)
    for name in (*PHASES, "metrics"):
        row = f"{name:27s}"
        for side in (kept, default):
            faults, system, user = side["phases"].get(name, [0.0, 0.0, 0.0])
            row += f"{faults:9.0f}{system:9.3f}{user:9.3f}"
        print(row)
    for label, side in (("kept", kept), ("glibc defaults", default)):
        faults = sum(v[0] for v in side["phases"].values())
        system = sum(v[1] for v in side["phases"].values())
        print(
            f"{label}: {faults:,.0f} page faults and {system:.3f} kernel seconds a month; "
            f"month {side['month'] * 1000:.0f} ms (median; not side by side)"
        )
    print(load())


if __name__ == "__main__":
    main()
