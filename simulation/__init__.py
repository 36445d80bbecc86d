"""skillsim: an agent-based simulation of labour-market and skills policy.

``from simulation import SkillsModel`` gives the Mesa model; ``simulation.loading``
resolves scenarios and policies; ``simulation.metrics.CATALOGUE`` lists every metric.
"""

from __future__ import annotations

import os

# numba's OpenMP threads spin-wait between parallel regions (libgomp's default spin count
# is 300,000 per wait). On a machine that is busy with other work (a shared laptop, a
# sweep with more processes than cores) a spinning thread holds a core the others need:
# a month then took 10-50x longer here. 10,000 spins keep the quiet-machine speed within
# about 10% and make the busy case degrade gracefully (see BENCHMARKS.md). The
# user's own setting wins; it must be set before the OpenMP runtime starts.
os.environ.setdefault("GOMP_SPINCOUNT", "10000")

__all__ = ["SkillsModel", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported lazily so `skillsim --help` and config checks do not load numba kernels.
    if name == "SkillsModel":
        from simulation.model import SkillsModel

        return SkillsModel
    raise AttributeError(f"module 'simulation' has no attribute {name!r}")
