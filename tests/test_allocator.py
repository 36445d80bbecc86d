"""The C allocator keeps the memory a month frees (``simulation.allocator``): a month's
work arrays of a city's size are reused, not mapped and zeroed anew every month; and
the user's own allocator settings, or ``SKILLSIM_KEEP_FREED=0``, are left alone.

Each case runs in a fresh process: the settings are made once per process."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"

# A month's pattern at a city's size: work arrays of tens of megabytes (together more
# than twice glibc's automatic threshold for returning the heap's top), written, then
# all freed; the page faults of the later months are counted.
MONTHS = """
import json, resource
import numpy as np
from simulation import allocator
tuned = allocator.keep_freed_memory()
faults = []
for month in range(5):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    arrays = [np.ones(2_500_000) for _ in range(8)]  # 20 MB each
    del arrays
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(json.dumps({"tuned": tuned, "later": sum(faults[1:])}))
"""


def months(**env: str) -> dict:
    """The pattern run in a fresh process whose allocator settings are only ``env``."""
    own = ("MALLOC_", "GLIBC_TUNABLES", "SKILLSIM_KEEP_FREED")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    environment.update(env)
    out = subprocess.run(
        [sys.executable, "-c", MONTHS], env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


@pytest.mark.skipif(not GLIBC, reason="the settings are glibc's (Linux)")
def test_freed_work_arrays_are_reused_not_mapped_anew():
    kept = months()
    default = months(SKILLSIM_KEEP_FREED="0")
    assert kept["tuned"] and not default["tuned"]
    # glibc's defaults return the freed arrays to the kernel: every month faults them in
    # again (~4,000 faults a month with 4 KiB pages, ~80 with huge pages)
    assert default["later"] >= 40
    assert kept["later"] * 10 <= default["later"]


@pytest.mark.parametrize(
    "env",
    [
        {"SKILLSIM_KEEP_FREED": "0"},
        {"MALLOC_TRIM_THRESHOLD_": "131072"},
        {"MALLOC_MMAP_THRESHOLD_": "131072"},
        {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"},
    ],
)
def test_the_users_own_settings_are_left_alone(env):
    assert months(**env)["tuned"] is False
