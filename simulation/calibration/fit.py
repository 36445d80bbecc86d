"""Simulated method of moments: search the parameter box for the point whose simulated
moments come closest to the targets.

The objective of a point is

    J = sum over targets k of ((m_k - t_k) / h_k)^2

where ``m_k`` is the moment's mean over the seeds, ``t_k`` the empirical figure and
``h_k`` half the width of its acceptable range: a diagonal weighting by what the
sources call acceptable (the targets come from different surveys with no joint
covariance, so the efficient SMM weighting matrix is not available). A point whose
every moment lies in its range has J < 1 only if all are near the centre; J of about
the number of targets means each is about at the edge of its range.

Every point is run with the same seeds (common random numbers), so J is a
deterministic function of the parameters and differences between points are not
seed noise. The search is a Latin hypercube over the box (``lhs_share`` of the budget), then
Gauss-Newton rounds with Levenberg-Marquardt damping from the best point (SMM is a
least-squares problem in the scaled residuals; a round costs one point per parameter
for the Jacobian and three trial steps), and, once a round stops improving, a compass
search: each round tries one step up and down along every parameter (and, after an
improving round, the same move once more: Hooke and Jeeves' pattern move), moves to
the best if it improves J, and halves the step otherwise. Each round evaluates its
points in one batch, in parallel on the experiment executors.

A point that breaks a rule between two searched fields (the final year of school
longer than the programme, say) is refused, not run: its objective is infinite, it
costs none of the budget, and the search goes on (``Evaluation.refused`` holds the
rule). The box's ends were checked against the rules before the search began.

The fitted point is the best point with each value rounded to 3 significant digits,
as a scenario file states it, and run again; if that point's J is above the start's
(rounding can cross a threshold, see docs/ODD.md 11.5), the start is the fitted point:
a calibration never hands back a scenario that fits its targets worse than the one it
began from.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import stats

from simulation import loading
from simulation.calibration import moments as mom
from simulation.calibration.config import Calibration
from simulation.config_errors import ConfigError
from simulation.experiment import design
from simulation.experiment.executors import Outcome, Task
from simulation.i18n import counted

Batch = Callable[[Iterable[Task]], Iterator[Outcome]]

FD_STEP = 0.1  # finite-difference step of the Jacobian, as a share of each range
DAMPING = (0.01, 0.1, 1.0)  # Levenberg-Marquardt trial dampings, relative to diag(J'J)
MIN_GAIN = 0.01  # a Gauss-Newton round that cuts J by less than this share is the last
FIRST_STEP = 0.125  # compass step, as a share of each parameter's range
LAST_STEP = 1 / 128


class CalibrationFailed(RuntimeError):
    """A run of the calibration failed; ``error`` holds its traceback."""

    def __init__(self, message: str, error: str) -> None:
        super().__init__(message)
        self.error = error


@dataclass
class Evaluation:
    """One parameter point, run with every seed."""

    index: int
    stage: str  # start, lhs, jacobian, newton, compass or fitted
    x: tuple[float, ...]  # parameter values, in the order of the targets file
    values: dict[str, list[float]]  # moment -> one value per seed, in seed order
    objective: float = math.inf
    seconds: float = 0.0
    refused: str = ""  # the rule between searched fields this point breaks: not run

    def mean(self, moment: str, every_seed: bool = False) -> float:
        """The mean over the seeds that measured the moment, if at least half of them
        did (NaN otherwise: a point scored on one seed of five that happened to have an
        event would be rewarded for a region where the moment mostly does not exist).
        One seed without it (no completion to time, say) made the whole point's
        objective infinite before, the start's too. ``every_seed``: NaN unless every
        seed measured it (the Gauss-Newton rounds' differences compare the same seeds)."""
        v = np.asarray(self.values[moment], dtype=float)
        finite = v[np.isfinite(v)]
        if every_seed and finite.size < v.size:
            return math.nan
        return float(np.mean(finite)) if finite.size and 2 * finite.size >= v.size else math.nan


@dataclass
class Fit:
    calibration: Calibration
    seeds: list[int]
    evaluations: list[Evaluation] = field(default_factory=list)
    fitted: Evaluation | None = None

    @property
    def best(self) -> Evaluation:
        """The point of the lowest objective; a point that was run before any refused
        one (``Evaluation.refused``), whatever the objectives."""
        return min(self.evaluations, key=lambda e: (bool(e.refused), e.objective, e.index))

    @property
    def ran(self) -> list[Evaluation]:
        """The points that were run: the budget counts these (a refused point costs
        nothing)."""
        return [e for e in self.evaluations if not e.refused]

    @property
    def refused(self) -> list[Evaluation]:
        return [e for e in self.evaluations if e.refused]

    @property
    def start(self) -> Evaluation | None:
        """The point the search began from (the scenario's own values when they lie
        in the ranges, else the centre of the ranges), once it has been run."""
        return next((e for e in self.evaluations if e.stage == "start"), None)


def objective(cal: Calibration, means: dict[str, float]) -> float:
    total = 0.0
    for t in cal.config.targets:
        m = means[t.moment]
        if not math.isfinite(m):
            return math.inf
        total += ((m - t.value) / (0.5 * (t.high - t.low))) ** 2
    return total


def interval(
    values: list[float],
    level: float = 0.95,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> tuple[float, float, float, float]:
    """Mean, standard deviation and the t interval of the mean across seeds, cut to
    ``bounds`` (the values the moment can take: a share's interval stops at 0 and 1;
    the cut changes no coverage, the mean being inside them)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]  # (the seeds that measured it, as ``Evaluation.mean`` takes them)
    n = len(v)
    if n == 0:
        return math.nan, math.nan, math.nan, math.nan
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if n > 1 else math.nan
    if n < 2 or not math.isfinite(sd):
        return mean, sd, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return mean, sd, max(mean - half, bounds[0]), min(mean + half, bounds[1])


def _key(x: tuple[float, ...]) -> tuple[float, ...]:
    """A point as remembered (as run: ``Calibration.applied``): the same point reached
    by two routes, or two samples of a whole-number field that run the same value, is
    run once."""
    return tuple(round(v, 12) for v in x)


def _significant(x: float, digits: int = 3) -> float:
    return float(f"{x:.{digits}g}")


class Calibrator:
    """Runs the search; ``on_evaluation`` is called after every point."""

    def __init__(
        self,
        cal: Calibration,
        batch: Batch,
        on_evaluation: Callable[[Evaluation], None] | None = None,
    ) -> None:
        self.cal = cal
        self.batch = batch
        self.on_evaluation = on_evaluation
        cfg = cal.config
        self.fit = Fit(cal, design.replication_seeds(cfg.root_seed, cfg.replications))
        self.targets = cfg.targets
        self.names = [t.moment for t in cfg.targets]
        self.tables = mom.tables_needed(self.names)
        # the burn-in's policy, resolved once (as a sweep's plan does), not per run
        self.status_quo = loading.load_policy("none")
        self._seen: dict[tuple[float, ...], Evaluation] = {}
        lows, highs = zip(*cal.bounds, strict=True) if cal.bounds else ((), ())
        self.low = np.asarray(lows, dtype=float)
        self.span = np.asarray(highs, dtype=float) - self.low

    # ------------------------------------------------------------- running points

    def _x(self, u: np.ndarray) -> tuple[float, ...]:
        return tuple(float(v) for v in self.low + np.clip(u, 0.0, 1.0) * self.span)

    def _u(self, x: tuple[float, ...]) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.low) / np.where(self.span > 0, self.span, 1)

    def evaluate(self, stage: str, points: list[tuple[float, ...]]) -> list[Evaluation]:
        """Run every point with every seed (in one batch) and score it."""
        cfg = self.cal.config
        fresh: list[Evaluation] = []
        out: list[Evaluation] = []
        for x in points:
            key = _key(self.cal.applied(x))
            if key in self._seen:
                out.append(self._seen[key])
                continue
            e = Evaluation(len(self.fit.evaluations) + len(fresh), stage, x, {})
            self._seen[key] = e
            fresh.append(e)
            out.append(e)
        tasks = []
        runs = {}
        for e in fresh:
            try:
                scenario = self.cal.scenario_at(list(e.x))
            except ConfigError as exc:  # a rule between two searched fields, say
                # Outside the allowed region: an objective of infinity, the search goes
                # on (the box's ends were checked before the search; points inside can
                # still break a rule that ties two searched fields together).
                e.refused = "; ".join(p.message or f"must be {p.allowed}" for p in exc.problems)
                e.values = {n: [math.nan] * len(self.fit.seeds) for n in self.names}
                self.fit.evaluations.append(e)
                if self.on_evaluation is not None:
                    self.on_evaluation(e)
                continue
            for r, seed in enumerate(self.fit.seeds):
                run = loading.resolve_run(
                    scenario, self.cal.policy, cfg.workers, cfg.months, seed, self.status_quo
                )
                run_id = f"p{e.index:04d}-r{r:03d}"
                runs[run_id] = (e, r, run)
                tasks.append(Task(run_id, run, self.tables))
        got: dict[int, dict[int, dict[str, float]]] = {e.index: {} for e in fresh}
        remaining = {e.index: len(self.fit.seeds) for e in fresh}
        for outcome in self.batch(tasks):
            e, r, run = runs[outcome.run_id]
            if not outcome.ok:
                raise CalibrationFailed(
                    f"run {outcome.run_id} (point {e.index}, seed {self.fit.seeds[r]}) failed",
                    outcome.error,
                )
            res = outcome.result
            got[e.index][r] = mom.compute(
                self.names, res.metrics, res.breakdowns, run, cfg.first_month, cfg.months
            )
            e.seconds += outcome.seconds
            remaining[e.index] -= 1
            if remaining[e.index] == 0:
                per_seed = got[e.index]
                e.values = {n: [per_seed[r][n] for r in sorted(per_seed)] for n in self.names}
                e.objective = objective(self.cal, {n: e.mean(n) for n in self.names})
                self.fit.evaluations.append(e)
                if self.on_evaluation is not None:
                    self.on_evaluation(e)
        self.fit.evaluations.sort(key=lambda e: e.index)
        return out

    # ------------------------------------------------------------------ search

    def run(self, budget: int) -> Fit:
        cal, d = self.cal, len(self.cal.names)
        start = cal.start()
        if start is None:
            start = list(self._x(np.full(d, 0.5)))
        self.evaluate("start", [tuple(start)])
        if d == 0 or budget <= 1:
            self.fit.fitted = self._allowed(self.fit.best)
            return self.fit
        n_lhs = min(budget - 1, round(cal.config.lhs_share * budget))
        if n_lhs > 0:
            seed = design.design_seed(cal.config.root_seed)
            sampler = stats.qmc.LatinHypercube(d=d, seed=seed)
            self.evaluate("lhs", [self._x(u) for u in sampler.random(n_lhs)])
        self._levenberg_marquardt(budget)
        self._compass(budget)
        best = self._allowed(self.fit.best)
        fitted = self._rounded(best)
        if fitted.refused or fitted.objective > best.objective:
            # Rounding crossed a rule's edge, or moved the best point to a worse one (the
            # objective is rough at small sizes, docs/ODD.md 11.5): the best point as
            # found, its values unrounded. (The start was kept instead before: a fit
            # worse than one in hand.)
            fitted = best
        self.fit.fitted = fitted
        return self.fit

    def _allowed(self, best: Evaluation) -> Evaluation:
        """``best``, unless even the best point is refused: then no point searched is
        allowed (only a start at the ranges' centre can be refused; every other point
        then was too), and the calibration fails."""
        if best.refused:
            raise CalibrationFailed(
                f"no point searched is allowed ({counted(len(self.fit.evaluations), 'point')}, "
                "each breaking a rule between the searched fields); move or narrow the "
                f"parameters' ranges in {self.cal.source} so that some of the box is allowed",
                best.refused,
            )
        return best

    def _left(self, budget: int) -> int:
        return budget - len(self.fit.ran)

    def _residuals(self, e: Evaluation) -> np.ndarray:
        """(simulated - target) / half-range, per target, every seed's (a moment a seed
        did not measure makes its residual NaN: the rounds' finite differences would
        otherwise measure a seed left out, not the parameter)."""
        return np.array(
            [
                (e.mean(t.moment, every_seed=True) - t.value) / (0.5 * (t.high - t.low))
                for t in self.targets
            ]
        )

    def _levenberg_marquardt(self, budget: int) -> None:
        """Gauss-Newton rounds with Levenberg-Marquardt damping from the best point: a
        forward-difference Jacobian of the scaled residuals (one point per parameter,
        a step of FD_STEP of its range, backward at the upper end), then one trial
        step per damping, all in one batch each. Stops when a round does not improve J
        by MIN_GAIN or the budget cannot pay for another round."""
        d = len(self.cal.names)
        while self._left(budget) >= d + len(DAMPING):
            best = self.fit.best
            r0 = self._residuals(best)
            if not np.isfinite(r0).all():
                return
            u0 = self._u(best.x)
            steps = np.where(u0 + FD_STEP <= 1.0, FD_STEP, -FD_STEP)
            probes = [self._x(u0 + steps[k] * np.eye(d)[k]) for k in range(d)]
            jac = np.empty((len(r0), d))
            for k, e in enumerate(self.evaluate("jacobian", probes)):
                jac[:, k] = (self._residuals(e) - r0) / steps[k]
            if not np.isfinite(jac).all():
                return
            a, g = jac.T @ jac, jac.T @ r0
            scale = np.diag(a) + 1e-12 * max(1.0, float(np.max(np.diag(a))))
            trials = []
            for lam in DAMPING:
                delta = np.linalg.solve(a + lam * np.diag(scale), -g)
                x = self._x(u0 + delta)
                if x not in trials:
                    trials.append(x)
            tried = self.evaluate("newton", trials)
            if min(e.objective for e in tried) > best.objective * (1 - MIN_GAIN) - 1e-9:
                return

    def _compass(self, budget: int) -> None:
        d = len(self.cal.names)
        step = FIRST_STEP
        previous = None  # the best point before the last improving round
        while self._left(budget) > 0 and step >= LAST_STEP:
            best = self.fit.best
            centre = self._u(best.x)
            candidates = []
            if previous is not None:  # pattern move: the last improvement, once more
                x = self._x(2 * centre - self._u(previous.x))
                if _key(self.cal.applied(x)) not in self._seen:
                    candidates.append(x)
            for k in range(d):
                for sign in (1.0, -1.0):
                    u = centre.copy()
                    u[k] = min(1.0, max(0.0, u[k] + sign * step))
                    x = self._x(u)
                    if _key(self.cal.applied(x)) not in self._seen and x not in candidates:
                        candidates.append(x)
            if not candidates:
                step /= 2
                continue
            tried = self.evaluate("compass", candidates[: self._left(budget)])
            if min(e.objective for e in tried) >= best.objective:
                step /= 2
                previous = None
            else:
                previous = best

    def _rounded(self, best: Evaluation) -> Evaluation:
        """The best point with each value at 3 significant digits (inside its range), as
        a scenario file states it; evaluated again if rounding moved it. The values as
        run are rounded (a whole-number field's too: 11.46 ran as 11, and rounded
        before, as 11.5, it was written as 12)."""
        x = []
        for v, (lo, hi) in zip(self.cal.applied(best.x), self.cal.bounds, strict=True):
            x.append(min(hi, max(lo, _significant(v))))
        x = tuple(x)
        if x == best.x:
            return best
        fitted = self.evaluate("fitted", [x])[0]
        # (a point within _key's rounding of one run before is that run, its x as first
        # reached: 0.019499999999999997 for 0.0195, which fitted.toml then wrote)
        return fitted if fitted.x == x else replace(fitted, x=x)


def calibrate(
    cal: Calibration,
    batch: Batch,
    budget: int | None = None,
    on_evaluation: Callable[[Evaluation], None] | None = None,
) -> Fit:
    """Fit ``cal``'s parameters to its targets with at most ``budget`` points (default
    the file's budget), plus the rounded fitted point. The fitted point is the best
    point rounded to 3 significant digits and run again, or the start if that has the
    lower objective: the fit never ends worse than it began."""
    calibrator = Calibrator(cal, batch, on_evaluation)
    return calibrator.run(budget or cal.config.budget)
