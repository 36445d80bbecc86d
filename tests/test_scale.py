"""Set-up at scale: the initial population is built block by block.

- ``initial.make_workers`` gives the same workers and firm headcounts whatever the block
  size (every value is a function of the worker's row, and of the youth share of the
  employed, counted over all blocks before anyone is made unemployed).
- Its memory beyond the agent state is bounded by the blocks in flight (one per
  thread), not by the population (numpy reports its allocations to tracemalloc): a
  10-million-worker city sets up in little more than its state.
- ``worker_capacity`` and ``firm_capacity`` are the rows the state is allocated with.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numba
import numpy as np
import pytest

from simulation import initial, loading, params
from simulation.kernels import parallel

REPO_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(autouse=True, scope="module")
def _repo_scenarios():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SKILLSIM_SCENARIOS", str(REPO_SCENARIOS))
        yield


def _build(scenario: str, workers: int, seed: int):
    run = loading.resolve_run(scenario, ["package"], workers, 12, seed)
    world = params.build_world(run)
    firms = initial.make_firms(run, world, seed)
    return run, world, firms, initial.make_workers(run, world, firms, seed)


@pytest.mark.parametrize(
    "scenario,workers,seed",
    [("baseline", 100, 3), ("combined", 5000, 0), ("rural_revitalization", 3001, 7)],
)
def test_workers_do_not_depend_on_the_block_size(monkeypatch, scenario, workers, seed):
    _, _, firms, workers_ref = _build(scenario, workers, seed)
    # the blocks run on two threads, in pieces, as in a large model (parallel.run)
    monkeypatch.setattr(parallel, "min_piece_override", 1)
    for block in (1, 97, 1024):
        monkeypatch.setattr(initial, "WORKER_BLOCK", block)
        _, _, f, w = _build(scenario, workers, seed)
        for name, a in workers_ref.arrays().items():
            b = getattr(w, name)
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), (block, name)
        for name, a in firms.arrays().items():
            b = getattr(f, name)
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), (block, name)


def test_the_initial_unemployment_rates_are_the_scenarios():
    """The labour force starts at the scenario's unemployment rates: the youth's (under
    25) and, overall, ``initial_unemployment_rate`` (the rest's rate is set so that the
    two average to it: a rest's rate not scaled up by their share of the labour force
    started the city about half a point of unemployment too low). Within four binomial
    standard errors, at 200,000 workers."""
    from simulation.state import Status

    run, _, _, w = _build("baseline", 200_000, 1)
    pop = run.scenario.behaviour.population
    assert (pop.initial_unemployment_rate, pop.initial_youth_unemployment_rate) == (0.052, 0.15)
    st = w.status
    in_lf = (st == Status.EMPLOYED) | (st == Status.UNEMPLOYED) | (st == Status.APPRENTICE)
    unemployed = st == Status.UNEMPLOYED
    for rows, target in ((in_lf, 0.052), (in_lf & (w.age < 25 * 12), 0.15)):
        rate, n = unemployed[rows].mean(), rows.sum()
        assert abs(rate - target) < 4 * np.sqrt(target * (1 - target) / n), (rate, n, target)


def test_capacities_are_the_allocated_rows():
    run, world, firms, workers = _build("combined", 2000, 0)
    assert workers.capacity == initial.worker_capacity(run)
    assert firms.capacity == initial.firm_capacity(run, world)
    assert workers.capacity > run.workers
    assert (workers.status[: run.workers] != 0).all()  # every worker placed
    assert (workers.status[run.workers :] == 0).all()  # the rest free rows
    assert firms.headcount.sum() == (workers.employer >= 0).sum()


def test_set_up_memory_is_bounded_by_the_block():
    n = 400_000
    run = loading.resolve_run("combined", ["package"], n, 12, 0)
    world = params.build_world(run)
    firms = initial.make_firms(run, world, 0)
    tracemalloc.start()
    try:
        workers = initial.make_workers(run, world, firms, 0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    extra = peak - workers.nbytes()
    # a block's temporaries: under 1 kB per row of the block, for each block in flight
    # (one per thread: they are built in parallel), a firm table per piece of blocks,
    # and nothing per worker (building the whole population at once took over 600
    # bytes per worker)
    threads = numba.get_num_threads()
    tables = threads * parallel.PIECES_PER_THREAD + 2
    assert extra < threads * initial.WORKER_BLOCK * 1024 + firms.capacity * 8 * tables, extra
    assert np.isfinite(workers.skills[:n]).all()
