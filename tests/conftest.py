"""Hypothesis profiles: on CI (CI=true) examples are derived from each test's name, so a
run is reproducible and a red build can be replayed exactly; elsewhere they are random,
to keep exploring. HYPOTHESIS_PROFILE=ci|dev overrides."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True, database=None)
settings.register_profile("dev", print_blob=True)
_default = "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default))
