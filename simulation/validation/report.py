"""The validation report: one document, written as Markdown and as HTML.

The document is a list of blocks (headings, paragraphs, tables, lists) built once from
the summary and rendered twice. It holds no timings or dates, so the same command on
the same code gives the same report, byte for byte (those go to manifest.json).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from simulation.validation import observe
from simulation.validation.sources import SOURCES
from simulation.validation.summary import Row
from simulation.validation.verdicts import NOT_MEASURED, NOT_REPRODUCED, PARTLY, REPRODUCED


@dataclass
class Context:
    """What the report says about the runs besides the facts."""

    scenario: str
    policy: str
    seeds: list[int]
    root_seed: int
    workers: int
    months: int
    command: str
    commit: str  # short commit, "+ uncommitted changes" when dirty
    counts: dict[str, int]
    durations: pd.DataFrame
    age_profile: pd.DataFrame
    cycle: dict[str, float] = field(default_factory=dict)
    # The calibration that fitted the scenario (its folder), if the scenario is its
    # fitted.toml, and that fit's target moments (``fitted_by``)
    fit: str = ""
    fit_targets: tuple[str, ...] = ()


def independence(result_rows: Sequence[Row], ctx: Context) -> str:
    """Whether the facts are independent of the fit: which are targets of the shipped
    calibration (read from its file, not assumed: none, as shipped), and of a
    calibration of one's own that fitted the scenario (a fact and a moment of one
    name measure one thing, as does a fact and the moment it is a transform of:
    ``Fact.targeted_by``)."""
    shipped = shipped_targets()
    fitted = [r.fact.label for r in result_rows if r.fact.targeted_by(shipped)]
    said = (
        "None of them is a target of the shipped calibration (calibration/targets.toml)"
        if not fitted
        else f"The shipped calibration (calibration/targets.toml) targets {len(fitted)} of "
        f"them: {'; '.join(fitted)}"
    )
    if not ctx.fit:
        return said + "."
    shared = [r.fact.label for r in result_rows if r.fact.targeted_by(ctx.fit_targets)]
    if not shared:
        return said + f", nor of the calibration that fitted this scenario ({ctx.fit})."
    return (
        said + f"; the calibration that fitted this scenario ({ctx.fit}) targeted "
        f"{len(shared)}: {'; '.join(shared)}. Those are no independent check here."
    )


def shipped_targets() -> tuple[str, ...]:
    """The target moments of the shipped calibration (its calibration/targets.toml)."""
    import tomllib

    from simulation.calibration.config import SHIPPED_CALIBRATION

    try:
        with (SHIPPED_CALIBRATION / "targets.toml").open("rb") as fh:
            targets = tomllib.load(fh).get("targets") or []
    except (OSError, ValueError):
        return ()
    return tuple(t.get("moment", "") for t in targets if isinstance(t, dict))


def fitted_by(scenario: str) -> tuple[str, tuple[str, ...]]:
    """(the calibration folder, its target moments) when ``scenario`` is a calibration's
    fitted.toml, its manifest beside it; else ("", ())."""
    import json
    from pathlib import Path

    path = Path(scenario)
    if path.suffix != ".toml" or not path.is_file():
        return "", ()
    try:
        manifest = json.loads((path.parent / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", ()
    if not isinstance(manifest, dict) or manifest.get("kind") != "calibration":
        return "", ()
    targets = (manifest.get("calibration") or {}).get("targets") or []
    moments = tuple(t.get("moment", "") for t in targets if isinstance(t, dict))
    return str(path.parent), moments


def number(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.3g}"


def simulated(row: Row) -> str:
    text = number(row.mean)
    if not math.isnan(row.ci_low):
        text += f" [{number(row.ci_low)}, {number(row.ci_high)}]"
    if 0 < row.measured < len(row.values):  # the mean is not over every seed: say so
        text += f" ({row.measured} of {len(row.values)} seeds)"
    return text


# ----------------------------------------------------------------- the document

Block = tuple  # ("h1"|"h2"|"h3"|"p", text) | ("table", headers, rows) | ("ul", items)


def document(result_rows: Sequence[Row], ctx: Context) -> list[Block]:
    c = ctx.counts
    blocks: list[Block] = [
        ("h1", "skillsim validation: stylized facts of labour markets"),
        (
            "p",
            f"Scenario `{ctx.scenario}`, policy `{ctx.policy}`; {len(ctx.seeds)} seeds "
            f"(root seed {ctx.root_seed}), each run twice: as it is and with a demand "
            f"cycle; {ctx.workers:,} workers, {ctx.months} months after the burn-in; "
            f"code {ctx.commit}.",
        ),
        ("p", f"Command: `{ctx.command}`"),
        (
            "p",
            f"**{c[REPRODUCED]} reproduced, {c[PARTLY]} partly, {c[NOT_REPRODUCED]} not "
            f"reproduced, {c[NOT_MEASURED]} not measured** of {len(result_rows)} facts. "
            + independence(result_rows, ctx),
        ),
        (
            "table",
            ["Fact", "Unit", "Simulated [95% interval]", "Empirical", "Verdict"],
            [
                [r.fact.label, r.fact.unit, simulated(r), r.fact.empirical, r.verdict]
                for r in result_rows
            ],
        ),
        ("h2", "How to read it"),
        (
            "p",
            "Simulated: the mean over seeds of the fact's figure in each seed, with the 95% "
            "t interval of that mean across seeds (seed-to-seed noise only; it says nothing "
            "about parameter uncertainty). Empirical: the figure or range the literature or "
            "official statistics report, with its source below. Verdict: reproduced if the "
            "mean lies in the empirical range (for a direction, if the whole interval lies "
            "on the right side); partly if it lies outside, but within 25% of the range's "
            "nearer end (for a direction, if only the mean is on the right side); not "
            "reproduced otherwise. The interval shows whether a near miss could be seed "
            "noise. A seed that gives no figure for a fact (no event of its kind, such as "
            "no long-term unemployed) is left out of that fact's mean and interval, and the "
            "table says on how many seeds they rest. Each fact's rule is stated below.",
        ),
        (
            "p",
            "Worker flows, durations, wages and apprenticeship facts are measured on the "
            "scenario as it is, over months 1..M. The cyclical facts need demand shocks, "
            "which the baseline does not have: they are measured on a second run of each "
            "seed (the same seed, so the same draws) in which, from month "
            f"{observe.CYCLE_START}, every sector's log demand swings between "
            f"{observe.CYCLE_AMPLITUDE / 2:g} below and {observe.CYCLE_AMPLITUDE / 2:g} "
            f"above its own path, each fall or rise taking {observe.CYCLE_HALF_MONTHS} "
            "months (a triangle wave). "
            "Their series are taken in logs, cleared of a linear trend and month-of-year "
            "effects fitted together (school leavers enter in July), and averaged by "
            "quarter.",
        ),
    ]
    missed = [r for r in result_rows if r.verdict in (NOT_REPRODUCED, PARTLY)]
    if missed:
        blocks.append(("h2", "Facts the model does not reproduce, or only partly"))
        blocks.append(
            (
                "ul",
                [
                    f"**{r.fact.label}** ({r.verdict}): simulated {simulated(r)}, empirical "
                    f"{r.fact.empirical}. "
                    + (f"In the model: {r.fact.if_not}." if r.fact.if_not else "")
                    for r in missed
                ],
            )
        )
    blocks += _details(ctx)
    blocks.append(("h2", "Each fact: what is measured, against what, by which rule"))
    for r in result_rows:
        f = r.fact
        per_seed = ", ".join(number(v) for v in r.values)
        blocks.append(("h3", f.label))
        blocks.append(
            (
                "ul",
                [
                    f"Simulated ({f.run} run): {f.how}. Per seed: {per_seed}.",
                    f"Empirical: {f.empirical}.",
                    f"Rule: {f.rule.describe()}.",
                    *[f"Source: {SOURCES[k]}" for k in f.sources],
                ],
            )
        )
    return blocks


def _details(ctx: Context) -> list[Block]:
    d, a, cy = ctx.durations, ctx.age_profile, ctx.cycle
    blocks: list[Block] = [
        ("h2", "Details"),
        ("h3", "Unemployment by spell length (scenario as it is)"),
        (
            "table",
            ["Spell so far", "Share of the unemployed", "Monthly exit rate to a job"],
            [
                [s, number(x), number(h)]
                for s, x, h in zip(
                    d["spell"], d["share_of_unemployed"], d["exit_rate_to_job"], strict=True
                )
            ],
        ),
        ("h3", "Wages by age (employed, scenario as it is)"),
        (
            "table",
            ["Age", "Mean wage, yuan per month"],
            [[g, f"{w:,.0f}"] for g, w in zip(a["age"], a["wage_mean_yuan"], strict=True)],
        ),
    ]
    if cy:
        blocks += [
            ("h3", "Size of the demand cycle"),
            (
                "p",
                f"Unemployment in the cycle run: mean {number(cy['unemployment_mean'])}, from "
                f"{number(cy['unemployment_min'])} to {number(cy['unemployment_max'])} "
                f"(monthly); standard deviation of its cyclical log "
                f"{number(cy['sd_log_unemployment'])}, of the vacancy rate's "
                f"{number(cy['sd_log_vacancies'])} (US 1951-2003: 0.190 and 0.202, Shimer "
                "2005). Shares of its cyclical variance due to the job-finding rate "
                f"{number(cy['outflow_share'])} and to the separation rate "
                f"{number(cy['inflow_share'])}. The correlation of unemployment with "
                "vacancies is strongest when vacancies lead by "
                f"{cy['best_lead_quarters']:.0f} quarter(s): "
                f"{number(cy['correlation_at_best_lead'])}. Means over seeds.",
            ),
        ]
    return blocks


# -------------------------------------------------------------------- renderers


def markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            out.append(f"{'#' * int(kind[1])} {block[1]}")
        elif kind == "p":
            out.append(block[1])
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in block[1]))
        elif kind == "table":
            heads, rows = block[1], block[2]
            lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
            lines += ["| " + " | ".join(_cell(x) for x in row) + " |" for row in rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def _inline(text: str) -> str:
    """Escape, then `code` and **bold** (the only inline marks the document uses)."""
    t = html.escape(str(text))
    t = re.sub(r"`([^`]+)`", r"<code>\1</code>", t)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", t)


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.45}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid "
    "#bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#eee}"
    "code{background:#f4f4f4;padding:0 .2rem}.reproduced{color:#1a7f37}.partly{color:#9a6700}"
    ".not-reproduced{color:#cf222e;font-weight:600}"
)


def to_html(blocks: list[Block]) -> str:
    title = next((b[1] for b in blocks if b[0] == "h1"), "skillsim validation")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
    ]
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3", "p"):
            out.append(f"<{kind}>{_inline(block[1])}</{kind}>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in block[1]) + "</ul>")
        elif kind == "table":
            heads, rows = block[1], block[2]
            out.append("<table><thead><tr>" + "".join(f"<th>{_inline(h)}</th>" for h in heads))
            out.append("</tr></thead><tbody>")
            for row in rows:
                cells = []
                for x in row:
                    cls = str(x).replace(" ", "-")
                    mark = f' class="{cls}"' if x in (REPRODUCED, PARTLY, NOT_REPRODUCED) else ""
                    cells.append(f"<td{mark}>{_inline(x)}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def terminal(result_rows: Sequence[Row], title: str) -> None:
    """Print the facts table with rich (stdout)."""
    from rich.console import Console
    from rich.table import Table

    styles = {REPRODUCED: "green", PARTLY: "yellow", NOT_REPRODUCED: "bold red"}
    t = Table(title=title, show_lines=True)
    t.add_column("fact")
    t.add_column("simulated [95% CI]", justify="right", no_wrap=True)
    t.add_column("empirical")
    t.add_column("verdict", no_wrap=True)
    for r in result_rows:
        style = styles.get(r.verdict, "")
        verdict = f"[{style}]{r.verdict}[/{style}]" if style else r.verdict
        t.add_row(f"{r.fact.label}\n({r.fact.unit})", simulated(r), r.fact.empirical, verdict)
    Console(width=140).print(t)
