"""Writing results: atomic Parquet tables and the run manifest.

Every file is written under a temporary name in its final folder and renamed, so a
reader never sees half a file and an interrupted run leaves no partial results.
"""

from __future__ import annotations

import errno
import functools
import glob
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from simulation.config_errors import path_allowed

try:
    import fcntl
except ImportError:  # (Windows: try_lock takes msvcrt's locks)
    fcntl = None
    import msvcrt

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


def remove_stale_temporaries(parent: Path, name: str) -> None:
    """Remove ``parent/.<name>.tmp-<pid>`` files and folders whose process is gone: a
    writer killed with SIGKILL cannot remove its own (this process's are kept)."""
    for path in parent.glob(f".{glob.escape(name)}.tmp-*"):
        pid = path.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or _running(int(pid)):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    if os.name == "nt":  # (os.kill(pid, 0) there sends a console Ctrl-C, not a probe)
        return _running_on_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # (PermissionError: another user's process)
        return True
    return True


def _running_on_windows(pid: int) -> bool:
    import _winapi

    try:
        handle = _winapi.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    except OSError as exc:  # (no such process; or another user's: kept)
        return getattr(exc, "winerror", None) == 5  # ERROR_ACCESS_DENIED
    try:
        return _winapi.GetExitCodeProcess(handle) == 259  # STILL_ACTIVE
    finally:
        _winapi.CloseHandle(handle)


def try_lock(fh, shared: bool = False) -> bool:
    """Lock the open file ``fh`` without waiting: True if taken, False if another
    process holds it. OSError if the file system cannot lock. POSIX: flock (shared or
    exclusive); Windows: msvcrt's lock of its first byte (exclusive only), where
    ``fcntl`` does not exist and every sweep failed to import (an outside review)."""
    if fcntl is None:
        fh.seek(0)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EDEADLK):  # (held)
                return False
            raise
        return True
    try:
        fcntl.flock(fh, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):  # (held)
            return False
        raise
    return True


def unlock(fh) -> None:
    """Let go of a lock ``try_lock`` took."""
    if fcntl is None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(fh, fcntl.LOCK_UN)


NAME_BYTES = 100  # the longest name that becomes part of a folder's name (UTF-8 bytes)


def unfit_name(name: str) -> bool:
    """Whether ``name`` cannot be part of a folder's name in results/: it holds a path
    separator or a NUL ("x/../../y" would write elsewhere), a control character (a
    newline split the printed folder over two lines), is blank, starts or ends with a
    space ("none " beside "none" printed as a second "none" in an effects table: an
    outside review), or is longer than ``NAME_BYTES`` in UTF-8 (a folder's name holds at
    most 255 bytes, and a run's joins a scenario's and a policy's)."""
    return (
        any(c in name for c in "/\\") or any(ord(c) < 32 or ord(c) == 127 for c in name)
        or not name.strip() or name != name.strip() or len(name.encode()) > NAME_BYTES
    )  # fmt: skip


def default_run_out(run, root: Path = Path("results")) -> Path:
    """results/<scenario>__<policy>__seed<S>__<timestamp> of a run (a ``RunConfig``),
    never an existing folder."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    policy = run.policy.name.replace("+", "-")
    return unused_folder(root / f"{run.scenario.name}__{policy}__seed{run.seed}__{stamp}")


def unused_folder(base: Path) -> Path:
    """``base``, or ``base-1``, ``base-2``, ...: the first that does not exist yet."""
    out, i = Path(base), 1
    while out.exists():
        out = Path(base).with_name(f"{Path(base).name}-{i}")
        i += 1
    return out


class NewFolder:
    """Build the folder ``out`` under a temporary name beside it and rename it into
    place when the block ends, so ``out`` either holds every file or does not exist.
    ``with NewFolder(out) as tmp`` gives the temporary folder to write into; it is
    removed if the block raises. Results are never overwritten: if ``out`` exists (at
    the start, or when the block ends: another process wrote it meanwhile), the folder
    goes to the first unused ``out-1``, ``out-2``, ... (``elsewhere=True``: a finished
    run is never thrown away for its name), or FileExistsError is raised
    (``elsewhere=False``). After the block, ``.out`` is where the folder went."""

    def __init__(self, out: Path, elsewhere: bool = False):
        self.wanted = self.out = Path(out)
        self.elsewhere = elsewhere
        self._tmp: Path | None = None

    def __enter__(self) -> Path:
        self._taken(self.out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        # (those of an earlier writer of this name killed with SIGKILL while it wrote:
        # nothing else removes them; an outside review)
        remove_stale_temporaries(self.out.parent, self.out.name)
        tmp = self.out.with_name(f".{self.out.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir()
            self._tmp = tmp
        except BaseException:  # (a Ctrl-C just after the mkdir: __exit__ will not run)
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return tmp

    def __exit__(self, kind, error, trace) -> None:
        tmp = self._tmp
        if kind is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            return
        try:
            while True:
                self._taken(self.out)
                try:
                    # (a folder renamed onto an existing one: an error, unless that one
                    # is empty, which it replaces)
                    os.rename(tmp, self.out)
                    return
                except OSError:
                    if not self.out.exists():
                        raise
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def _taken(self, out: Path) -> None:
        """Move ``self.out`` on to an unused name if ``out`` exists (or raise)."""
        if out.exists():
            if not self.elsewhere:
                raise FileExistsError(f"{out} already exists; results are never overwritten")
            self.out = unused_folder(self.wanted)


def out_option(given) -> str:
    """How ``check_out`` names the folder: ``--out`` if the user gave it, else as the
    default it is (a message "--out results/...: cannot make its folder results" blamed
    an option no one had given)."""
    return "--out" if given is not None else "the default output folder (no --out given)"


def check_out(out: Path, option: str = "--out") -> str | None:
    """Why ``out`` cannot become a new results folder (None: it can): it exists, or a
    part of its path is a file. Checked before a run starts, so that a bad path costs
    nothing; the folders above it are made here."""
    out = Path(out)
    try:
        return _why_not_out(out, option)
    except OSError as exc:  # (a part of the path too long, a folder not readable)
        allowed = path_allowed(exc, "a path in a folder that can be read and written")
        return f"{option} {out}: cannot be used ({exc.strerror or exc}; allowed: {allowed})"


def _why_not_out(out: Path, option: str) -> str | None:
    if out.exists() or out.is_symlink():
        what = "a file of that name" if out.is_file() else "the folder"
        return (
            f"{option} {out}: {what} already exists; results are never overwritten "
            "(allowed: a path that does not exist yet)"
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a part of the path is a file, or not writable
        reason = exc.strerror or str(exc)
        return (
            f"{option} {out}: cannot make its folder {out.parent} ({reason}; allowed: a "
            "path in a writable folder)"
        )
    if not os.access(out.parent, os.W_OK | os.X_OK):
        return (
            f"{option} {out}: the folder {out.parent} is not writable (allowed: a path in "
            "a writable folder)"
        )
    # Make (and remove) a folder beside it, as the results will be: write permission is
    # not all (a root user may write anywhere but in /proc or a read-only mount).
    probe = out.with_name(f".{out.name}.probe-{os.getpid()}")
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as exc:
        return (
            f"{option} {out}: cannot make a folder in {out.parent} ({exc.strerror or exc}; "
            "allowed: a path in a writable folder)"
        )
    return None


def differences(then: Any, now: Any, path: str = "", most: int | None = None) -> list:
    """Where two resolved configurations (JSON-like dicts and lists) differ: (dotted
    path, then's value, now's value) for each leaf, in ``then``'s key order (keys only
    ``now`` has after), lists of one length item by item (``path[i]``); at most ``most``
    + 1 of them (so a caller can say "and more")."""
    found: list[tuple[str, Any, Any]] = []

    def walk(path: str, a: Any, b: Any) -> None:
        if (most is not None and len(found) > most) or a == b:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in [*a, *(k for k in b if k not in a)]:
                walk(f"{path}.{key}" if path else str(key), a.get(key), b.get(key))
            return
        if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):  # ([[parameters]], shocks)
                walk(f"{path}[{i}]", x, y)
            return
        found.append((path, a, b))

    walk(path, then, now)
    return found


def json_text(obj: Any) -> str:
    """``obj`` as the manifests write it (``write_json``)."""
    return json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n"


def write_json(obj: Any, path: Path) -> None:
    """Write ``obj`` to ``path`` atomically (a temporary file beside it, renamed; removed
    if the write or a stop, Ctrl-C between the two, ends it: an outside review found
    one left beside a sweep's manifest)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(json_text(obj), encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def column_descriptions(path: Path) -> dict[str, str]:
    """The column descriptions stored in a table written by ``write_parquet``."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"skillsim.columns")
    return json.loads(raw) if raw else {}


def package_versions() -> dict[str, str]:
    """Python's and the key packages' versions (read once per process: a sweep writes
    them into every run's manifest)."""
    return dict(_package_versions())


@functools.cache
def _package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def code_version() -> dict[str, Any]:
    """Git commit and dirty flag of the source tree, when it is a git checkout: asked of
    git once per process (the code a process runs is the code it imported; a sweep
    writes this into every run's manifest, and two git calls a run were most of a small
    run's cost in a sweep)."""
    return dict(_code_version())


@functools.cache
def _code_version() -> dict[str, Any]:
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
    """The machine and process a result was computed in: ``numba_threads`` is the
    computing thread's numba thread count when numba runs here (a sweep's ``--threads``
    share, capped at the machine's), else the NUMBA_NUM_THREADS setting; the command
    line and the folder it ran in (a run's manifest named its scenario file by a path
    relative to a folder it did not say: an outside review)."""
    numba = sys.modules.get("numba")
    threads = (
        numba.get_num_threads()
        if numba is not None
        else os.environ.get("NUMBA_NUM_THREADS", "default")
    )
    try:  # (argv's relative paths are relative to it: a run's scenario file, say)
        here = os.getcwd()
    except OSError:  # (a folder removed under the process)
        here = None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "numba_threads": threads,
        "argv": sys.argv,
        "working_directory": here,
    }


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
