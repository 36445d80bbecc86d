"""skillsim: an agent-based simulation of labour-market and skills policy.

``from simulation import SkillsModel`` gives the Mesa model; ``simulation.loading``
resolves scenarios and policies; ``simulation.metrics.CATALOGUE`` lists every metric.
"""

from __future__ import annotations

from simulation import source as _source

__all__ = ["SkillsModel", "__version__"]
__version__ = "0.1.0"

# The source of each module as this process imports it: the code its runs record.
_source.install()


def __getattr__(name: str):
    # Imported lazily so `skillsim --help` and config checks do not load numba kernels.
    if name == "SkillsModel":
        from simulation.model import SkillsModel

        return SkillsModel
    raise AttributeError(f"module 'simulation' has no attribute {name!r}")
