"""Writing results: atomic Parquet tables and the run manifest.

Every file is written under a temporary name in its final folder and renamed, so a
reader never sees half a file and an interrupted run leaves no partial results.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA_VERSION = 1
PACKAGES = (
    "skillsim",
    "numpy",
    "numba",
    "mesa",
    "pandas",
    "pyarrow",
    "pydantic",
    "seaborn",
    "scipy",
    "SALib",
    "dask",
    "distributed",
)


def write_parquet(df: pd.DataFrame, path: Path, description: dict[str, str] | None = None) -> None:
    """Write ``df`` to ``path`` atomically; ``description`` (column -> text) goes into the
    Parquet schema metadata so the table documents itself."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    if description:
        meta = dict(table.schema.metadata or {})
        meta[b"skillsim.columns"] = json.dumps(description).encode()
        table = table.replace_schema_metadata(meta)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def unused_folder(base: Path) -> Path:
    """``base``, or ``base-1``, ``base-2``, ...: the first that does not exist yet."""
    out, i = Path(base), 1
    while out.exists():
        out = Path(base).with_name(f"{Path(base).name}-{i}")
        i += 1
    return out


@contextlib.contextmanager
def new_folder(out: Path) -> Iterator[Path]:
    """Build the folder ``out`` under a temporary name beside it and rename it into
    place when the block ends, so ``out`` either holds every file or does not exist.
    Yields the temporary folder to write into; removes it if the block raises.
    Raises FileExistsError for an existing ``out``: results are never overwritten."""
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} already exists; results are never overwritten")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_json(obj: Any, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n")
    os.replace(tmp, path)


def column_descriptions(path: Path) -> dict[str, str]:
    """The column descriptions stored in a table written by ``write_parquet``."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"skillsim.columns")
    return json.loads(raw) if raw else {}


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def code_version() -> dict[str, Any]:
    """Git commit and dirty flag of the source tree, when it is a git checkout."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = (
            subprocess.run(
                ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            ).stdout.strip()
            != ""
        )
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None, "package": package_versions()["skillsim"]}
    return {"commit": commit, "dirty": dirty, "package": package_versions()["skillsim"]}


def environment() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "numba_threads": os.environ.get("NUMBA_NUM_THREADS", "default"),
        "argv": sys.argv,
    }


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
