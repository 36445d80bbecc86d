"""Experiments: scenarios x policies x parameter designs x replications, run as sweeps.

    from simulation.experiment import load_experiment, make_plan, run_sweep
    plan = make_plan(load_experiment("experiments/default.toml", {"workers": 5000}))
    report = run_sweep(plan, "results/mine", executor="processes", jobs=2)

Modules: ``config`` (the typed experiment models), ``loading`` (TOML file ->
validated ``Experiment``), ``design`` (grid, Latin hypercube, Sobol and Morris points;
seeds), ``plan`` (every run, configured), ``executors`` (serial, process pool, Dask),
``store`` (the sweep folder: ledger, manifest, run folders), ``sweep`` (``run_sweep``),
``cli`` (the ``skillsim sweep`` and ``skillsim effects`` commands).
"""

from importlib import import_module

# Imported on first use, so that `skillsim --help` does not load the engine.
_HOME = {
    "DesignConfig": "config",
    "ExperimentConfig": "config",
    "ParameterRange": "config",
    "Experiment": "loading",
    "load_experiment": "loading",
    "Plan": "plan",
    "RunSpec": "plan",
    "make_plan": "plan",
    "SweepReport": "sweep",
    "default_out": "sweep",
    "run_sweep": "sweep",
}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        return getattr(import_module(f"simulation.experiment.{_HOME[name]}"), name)
    raise AttributeError(f"module 'simulation.experiment' has no attribute {name!r}")
