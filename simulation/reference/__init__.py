"""The plain-Mesa reference model: the engine's rules as Agent objects.

``ReferenceModel`` runs the same month as ``SkillsModel`` with workers, firms and
training providers as ``mesa.Agent`` objects that act through their own methods; the
rules are the per-agent helpers of ``simulation.twins``. It draws the same counter-based
random numbers, so it gives the engine's trajectory (tests/test_reference.py), only far
slower (benchmarks/vs_reference.py).
"""

from simulation.reference.agents import FirmAgent, ProviderAgent, WorkerAgent
from simulation.reference.model import ReferenceModel

__all__ = ["FirmAgent", "ProviderAgent", "ReferenceModel", "WorkerAgent"]
