"""The numba kernels: the model's rules over arrays, one module per area."""

# The modules of rules (``simulation.twins`` has a plain-Python twin of each); ``order``,
# ``parallel``, ``memory`` and ``scalar`` are their tools.
MODULES = (
    "accounting",
    "apprenticeship",
    "choices",
    "demand",
    "demography",
    "firms",
    "matching",
    "metrics",
    "separations",
    "skills",
    "training",
)
