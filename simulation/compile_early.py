"""Imported first by ``simulation.model``: on a cold numba cache, the compile helper
(``simulation.compile_ahead``) starts here, while mesa, pandas and the model's other
modules load, about two seconds before the model itself would start it. A no-op with
a warm cache, with one core, or with ``SKILLSIM_COMPILE_HELPER=0``."""

from simulation import compile_ahead

compile_ahead.start_helper()
