"""experiments/compare_policies.ipynb runs from top to bottom against a small sweep; finds
its sweep wherever it runs (Jupyter and `jupyter execute` run it in experiments/); takes
the newest sweep it can compare with its baseline policy; and otherwise stops at its
first cell with a message, writing nothing."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from presenting import small_sweep
from sweeps import small, write_experiment

import simulation

NOTEBOOK = Path(__file__).resolve().parents[1] / "experiments" / "compare_policies.ipynb"
REAL_RESULTS = NOTEBOOK.parents[1] / "results"


def execute(cwd: Path, through: str | None = None, allow_errors: bool = False):
    """Run the notebook in the working directory ``cwd``, to the end or ``through`` the
    first cell whose code contains that text; its code cells, run."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    if through is not None:
        last = next(i for i, cell in enumerate(nb.cells) if through in cell.source)
        nb.cells = nb.cells[: last + 1]
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def printed(cells) -> str:
    return "".join(o.get("text", "") for cell in cells for o in cell.outputs)


def figures(cells) -> int:
    return sum("image/png" in o.get("data", {}) for cell in cells for o in cell.outputs)


# Through the cell that computes the effects: the sweep is loaded and compared with its
# baseline policy (the full runs check the figures and the report)
EFFECTS = "analysis.effects("


@pytest.fixture
def kernel_env(monkeypatch):
    monkeypatch.delenv("SKILLSIM_SWEEP", raising=False)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return monkeypatch


def test_compare_policies_notebook(tmp_path, kernel_env):
    sweep = small_sweep()
    kernel_env.setenv("SKILLSIM_SWEEP", str(sweep))
    cells = execute(tmp_path)
    assert figures(cells) >= 7, "the notebook should draw the main figures"
    text = printed(cells)
    assert f"using the folder named ({sweep}): {sweep}\n" in text
    assert "runs," in text and str(sweep / "report.html") in text
    assert (sweep / "report.html").is_file()
    # the rates out of unemployment: a table, one column per status they go to that
    # some run went to (none went to study: left out)
    flows = next(cell for cell in cells if 'table="transitions"' in cell.source)
    shown = "".join(o.get("data", {}).get("text/plain", "") for o in flows.outputs)
    assert "to_status" in shown and "employed" in shown and "apprentice" in shown, shown
    assert "student" not in shown, shown
    # the package against its parts: this sweep ran the package without its parts alone
    parts = next(cell for cell in cells if "analysis.policy_parts(SWEEP)" in cell.source)
    assert "ran no combination of its policies together with each of its parts" in printed([parts])
    # the rural regions pooled: the effects there, and (a sweep of 6 months holds no month
    # in which school leavers choose) no share of TVET seats from the wrong months
    rural = next(cell for cell in cells if "pool_regions(regions)" in cell.source)
    shown = "".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in rural.outputs
    )
    assert "unemployment_rate (pp)" in shown and "rural" in shown and "urban" not in shown
    assert "course_seat_use (pp)" in shown and "tvet_enrolled (workers)" in shown
    assert "no month in which school leavers chose" in shown


# ------------------------------------------ finding the sweep in a repository's layout


@pytest.fixture
def repo(tmp_path, kernel_env) -> Path:
    """A repository's layout in tmp_path (experiments/, results/) that the notebook takes
    for the repository: a stand-in package `simulation` first on the kernel's path, whose
    modules are the real ones (its __path__ points at them). So the notebook looks in
    tmp_path/results, and never in the real results/."""
    (tmp_path / "experiments").mkdir()
    (tmp_path / "results").mkdir()
    real = Path(simulation.__file__).resolve()
    (tmp_path / "simulation").mkdir()
    (tmp_path / "simulation" / "__init__.py").write_text(
        f"exec(compile(open({str(real)!r}).read(), {str(real)!r}, 'exec'))\n"
        f"__path__ = [{str(real.parent)!r}]\n"
    )
    paths = [str(tmp_path), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    kernel_env.setenv("PYTHONPATH", os.pathsep.join(paths))
    # the shell's folder is the layout's too: find_sweep looks there second, and the
    # real repository's results/ (a developer's `make run`) took the layout's place
    kernel_env.setenv("PWD", str(tmp_path))
    return tmp_path


@functools.cache
def one_policy_sweep() -> Path:
    """A sweep without the baseline policy 'none', as a design sweep of one policy
    (experiments/subsidy_sensitivity.toml) is: one run, built once per test session."""
    from simulation.experiment import load_experiment, make_plan, run_sweep

    root = Path(tempfile.mkdtemp(prefix="skillsim-one-policy-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    body = small(policies=("apprenticeship_subsidy",), replications=1)
    path = write_experiment(root, body, name="subsidy_sensitivity")
    out = root / "sweep"
    assert run_sweep(make_plan(load_experiment(path)), out, executor="serial", threads=1).complete
    return out


def add(sweep: Path, repo: Path, name: str, mtime: float) -> Path:
    """A copy of ``sweep`` as repo/results/<name>, its manifest last written at ``mtime``."""
    out = shutil.copytree(sweep, repo / "results" / name)
    os.utime(out / "manifest.json", (mtime, mtime))
    return out


def _files(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` with its time of last change (nanoseconds)."""
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_notebook_run_in_experiments_finds_the_repository_results(repo):
    real = _files(REAL_RESULTS)
    sweep = add(small_sweep(), repo, "sweep-presenting-1", 1_000_000)
    cells = execute(repo / "experiments")  # where Jupyter and `jupyter execute` run it
    assert figures(cells) >= 7
    text = printed(cells)
    assert f"using the newest sweep with the baseline policy 'none': {sweep}\n" in text
    assert (sweep / "report.html").is_file() and str(sweep / "report.html") in text
    assert _files(REAL_RESULTS) == real  # (no report written into a real sweep either)


def test_notebook_skips_a_newer_sweep_without_the_baseline(repo):
    usable = add(small_sweep(), repo, "sweep-presenting-1", 1_000_000)
    newer = add(one_policy_sweep(), repo, "sweep-subsidy_sensitivity-1", 2_000_000)
    text = printed(execute(repo, through=EFFECTS))  # run in the repository: results/ here
    assert f"using the newest sweep with the baseline policy 'none': {usable}\n" in text
    assert f"(skipped {newer}: its policies (apprenticeship_subsidy) do not include" in text
    assert "runs," in text


def test_notebook_takes_a_relative_skillsim_sweep_from_the_repository(repo, kernel_env):
    sweep = add(small_sweep(), repo, "sweep-presenting-1", 1_000_000)
    kernel_env.setenv("SKILLSIM_SWEEP", "results/sweep-presenting-1")
    text = printed(execute(repo / "experiments", through=EFFECTS))
    assert f"using the folder named (results/sweep-presenting-1): {sweep}\n" in text
    assert "runs," in text


@pytest.mark.parametrize(
    ("named", "error", "words"),
    [
        (None, "FileNotFoundError", ["no sweep to compare policies in", "make run"]),
        (
            "results/sweep-subsidy_sensitivity-1",
            "ValueError",
            [
                "cannot be used: its policies (apprenticeship_subsidy) do not include the "
                "baseline policy 'none'"
            ],
        ),
        (
            "results/sweep-presenting-stopped",
            "ValueError",
            ["sweep-presenting-stopped/runs: no finished runs of 'none' and of another policy"],
        ),
        ("results", "ValueError", ["holds sweep folders", "not a sweep: name one of them"]),
        ("results/sweep-nothing", "FileNotFoundError", ["no such folder"]),
    ],
)
def test_notebook_stops_at_its_first_cell_without_a_sweep_to_compare(
    repo, kernel_env, named, error, words
):
    unusable = add(one_policy_sweep(), repo, "sweep-subsidy_sensitivity-1", 2_000_000)
    stopped = add(small_sweep(), repo, "sweep-presenting-stopped", 1_000_000)
    for run in stopped.glob("runs/*__none__*"):  # stopped before its baseline runs
        shutil.rmtree(run)
    if named:
        kernel_env.setenv("SKILLSIM_SWEEP", named)
    before = sorted(repo.joinpath("results").rglob("*"))
    # Every cell runs, as with `jupyter execute --allow-errors`: none may write a report
    cells = execute(repo / "experiments", allow_errors=True)
    first = [o for o in cells[0].outputs if o.output_type == "error"]
    assert first, "the first cell should stop with a message"
    assert first[0].ename == error
    message = first[0].evalue
    assert all(w in message for w in words), message
    if named is None:  # the message names each folder it looked at, and why it was not used
        assert f"{unusable}: its policies (apprenticeship_subsidy)" in message
        assert f"{stopped}: {stopped / 'runs'}: no finished runs" in message
    assert sorted(repo.joinpath("results").rglob("*")) == before  # no report.html, nothing
