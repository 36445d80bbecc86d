"""The skillsim source a process runs, as digests: the code a run is computed with.

Every module file of the package is read once per process: a module this process
imports, as it is imported (a finder on ``sys.meta_path`` reads its file just before
Python loads it), and every other file when the package itself is imported
(``pin``). A module edited after a process imported it therefore keeps, in this
process, the digest of the code the process runs, and a long-lived worker (a Dask
worker started before an edit) is told apart from a fresh one. The set of files is
the whole package in every process, so the same code has one digest wherever it
runs: in a sweep's process pool, its serial loop, a Dask worker or a notebook.

``snapshot()`` is the module name -> digest map a run records; ``changed(code)`` the
modules of such a map whose source differs from this process's.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent  # the package's folder
_DIGESTS: dict[str, str] = {}  # module name -> 16 hex digits of its file's sha256
_LOCK = threading.Lock()
_PINNED = False  # whether ``pin`` has read the package's files


def digest(path: Path) -> str:
    """16 hex digits of sha256 of a file, "" if it cannot be read. Its lines end as on
    Linux and macOS whatever the checkout: Git for Windows writes CRLF by default, and
    one commit's code had two digests (an outside review)."""
    try:
        return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()[:16]
    except OSError:
        return ""


def module_name(path: Path) -> str:
    """``simulation.kernels.matching`` of ``.../simulation/kernels/matching.py``;
    a package's ``__init__.py`` names the package."""
    parts = (ROOT.name, *Path(path).resolve().relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _files() -> list[Path]:
    """The package's module files: each part of the path below the package a Python
    name (no __pycache__, no editor's ``.#x.py`` lock or ``.ipynb_checkpoints``), the
    file inside the package (not a link to a file elsewhere)."""
    out = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if not all(p.isidentifier() for p in parts):
            continue
        try:
            inside = path.resolve(strict=True).is_relative_to(ROOT)
        except OSError:  # (a dangling link)
            continue
        if inside:
            out.append(path)
    return sorted(out)


def pin() -> None:
    """Read every module file of the package not read yet, once per process (the
    package's import calls it): the code as this process started, for the modules it
    has not imported. Files that appear later are not added: the set is the package
    as the process found it."""
    global _PINNED
    with _LOCK:
        if _PINNED:
            return
        for path in _files():
            name = module_name(path)
            if name not in _DIGESTS:
                _DIGESTS[name] = digest(path)
        _PINNED = True


def snapshot() -> dict[str, str]:
    """Module name -> source digest of every module of the package: as imported, for
    the modules this process imported, else as the package was imported."""
    pin()
    with _LOCK:
        return dict(sorted(_DIGESTS.items()))


def code_digest(code: dict[str, str]) -> str:
    """16 hex digits for a whole ``snapshot`` (a ledger column, ``skillsim --version``)."""
    text = ",".join(f"{name}={d}" for name, d in sorted(code.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def changed(code: dict[str, str]) -> list[str]:
    """The modules of ``code`` (a ``snapshot`` of another process, or of a run) whose
    source differs from this process's, or that this package does not have."""
    mine = snapshot()
    return [name for name, d in code.items() if mine.get(name) != d]


class _ReadOnImport(importlib.abc.MetaPathFinder):
    """Reads a skillsim module's file as the module is about to be imported (just before
    Python finds and loads it), so that its digest is of the code this process runs.
    It finds nothing itself: the finders after it import the module as ever."""

    def find_spec(self, name, path, target=None):
        if name.startswith("simulation."):
            spec = importlib.machinery.PathFinder.find_spec(name, path, target)
            if spec is not None and spec.origin and spec.origin.endswith(".py"):
                file = Path(spec.origin)
                if file.resolve().is_relative_to(ROOT):
                    with _LOCK:
                        _DIGESTS[module_name(file)] = digest(file)
        return None


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once) and read the package's files."""
    if not any(isinstance(f, _ReadOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _ReadOnImport())
    pin()
