"""Calibration: fit a scenario's parameters to empirical moments (simulated method of
moments) and check the shipped baseline against them.

    from simulation.calibration import calibrate, load_calibration
    from simulation.experiment.executors import session
    cal = load_calibration("calibration/targets.toml", {"workers": 5000})
    with session("processes", jobs=2) as batch:
        fit = calibrate(cal, batch, budget=32)

Modules: ``moments`` (what a target compares, from one run's tables), ``config`` (the
targets file, validated), ``fit`` (objective, Latin hypercube and compass search),
``output`` (the calibration folder), ``cli`` (the ``skillsim calibrate`` command).
"""

from importlib import import_module

_HOME = {
    "MOMENTS": "moments",
    "Calibration": "config",
    "CalibrationConfig": "config",
    "load_calibration": "config",
    "Fit": "fit",
    "Evaluation": "fit",
    "calibrate": "fit",
    "target_table": "output",
}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        return getattr(import_module(f"simulation.calibration.{_HOME[name]}"), name)
    raise AttributeError(f"module 'simulation.calibration' has no attribute {name!r}")
