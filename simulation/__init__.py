"""skillsim: an agent-based simulation of labour-market and skills policy.

``from simulation import SkillsModel`` gives the Mesa model; ``simulation.loading``
resolves scenarios and policies; ``simulation.metrics.CATALOGUE`` lists every metric.
"""

from __future__ import annotations

__all__ = ["SkillsModel", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported lazily so `skillsim --help` and config checks do not load numba kernels.
    if name == "SkillsModel":
        from simulation.model import SkillsModel

        return SkillsModel
    raise AttributeError(f"module 'simulation' has no attribute {name!r}")
