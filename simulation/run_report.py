"""The report of one run: ``skillsim report RUN_FOLDER`` on a folder ``skillsim run``
wrote (``report.write`` sends run folders here).

The same kind of page as a sweep's report (one HTML file that opens with no network,
the figures beside it as PNG files, written whole or not at all), for what one run can
show: the city's month-by-month paths of the headline metrics, unemployment by region
and the skill gap by sector and region at the end, a table of month 0 (the policy
start), the mean over the run's months and the last month, and the scenario and policy
in words. One run is one draw of the city: the page says so at its top, and says that
comparing policies takes a sweep, whose report pairs runs by seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from simulation import i18n, metrics
from simulation.i18n import label, name_of, unit
from simulation.report import (
    CELL_MONTHS,
    GENERATOR,
    LEVELS_FROM_WORKERS,
    MONTH_NAMES,
    SEAT_COUNTS,
    FigureSpec,
    ReportError,
    _e,
    _figures_html,
    _fmt,
    _policies_html,
    _scenarios_html,
    _t,
    code_words,
    facts_html,
    glossary_table,
    intake_month,
    packages_words,
    page_css,
    sourced,
    status_words,
    time_words,
)

# The run's paths, one figure each: the dashboard's four line charts (unemployment with
# the urban rates beside the city's, what China's surveyed rates are compared with).
LINES = (
    (
        "unemployment",
        (
            "unemployment_rate",
            "urban_unemployment_rate",
            "youth_unemployment_rate",
            "urban_youth_unemployment_rate",
        ),
    ),
    ("mismatch", ("skill_gap_mean",)),
    ("apprenticeships", ("apprenticeship_starts", "apprenticeship_completions")),
    ("green", ("green_employment_share",)),
)
REGION_METRICS = ("unemployment_rate", "youth_unemployment_rate")
ENGINES = {"engine": "numba engine", "reference": "plain-Mesa reference model"}
ENGINES_ZH = {"engine": "numba 引擎", "reference": "Mesa 参照模型"}
COUNT_UNITS = (
    "workers",
    "jobs",
    "per month",
    "firms",
    "firms per month",
    "slots",
    "seats",
    "workers per month",
)

_W: dict[str, tuple[str, str]] = {
    "title": ("Simulated outcomes of one run", "单次运行的模拟结果"),
    "subtitle": (
        "Scenario: {scenario}. Policy: {policy}. {workers:,} workers, {span}, seed {seed}.",
        "情景：{scenario}。政策：{policy}。{workers:,}名劳动者，{span}，随机种子{seed}。",
    ),
    "one_draw": (
        "One run is one draw of the city: its month-by-month paths carry that draw's noise, "
        "and a difference from another run may be chance. To compare policies, run a "
        "sweep (skillsim sweep): its report pairs the runs of each policy with the "
        "baseline's by seed and gives each effect a 95% interval.",
        "单次运行只是对城市的一次随机抽样：逐月趋势包含这次抽样的随机波动，与另一次运行的差异可能出于偶然。"
        "如需比较政策，请运行一组模拟（skillsim sweep）：其报告按随机种子将各政策的运行与基准配对，"
        "并为每项效应给出95%置信区间。",
    ),
    "small_city": (
        "A small model city ({workers:,} workers, under {least:,}): its rates move with the "
        "size itself (few firms per sector and region) and its paths are noisy; read "
        "levels from a run of {least:,} workers or more.",
        "模拟城市规模较小（{workers:,}名劳动者，少于{least:,}名）：比率本身随规模变化（各行业、各地区的企业较少），"
        "趋势波动较大；各指标的水平请参考{least:,}名劳动者及以上的模拟。",
    ),
    "not_complete": (
        "This run did not finish (status: {status}): the page shows the months it wrote.",
        "本次运行未完成（状态：{status}）：本页仅显示已写出的月份。",
    ),
    "table": ("The run at a glance", "运行概览"),
    "zero": (
        "Zero in every month, so not in the table: {what}.",
        "各月均为零，未列入上表：{what}。",
    ),
    "zero_shortage": (
        "Zero in every month, so not in the table: {what}. Skill-shortage vacancies do not "
        "occur at this calibration: vacancies open three months or more had qualified "
        "applicants, who took other offers (recruitment difficulty, not a shortage of "
        "skills; docs/ODD.md, 10.2).",
        "各月均为零，未列入上表：{what}。在当前校准下不出现技能短缺空缺：空缺三个月以上的岗位"
        "都有合格的求职者，只是他们接受了其他录用（属于招聘困难，而非技能短缺；见模型说明文档（ODD）第10.2节）。",
    ),
    "and": ("; ", "；"),
    "few_displaced": (
        "The {what} is a share of about {n:,} workers (the mean over the months): one "
        "worker more or less out of work moves it by {pp:.1f} percentage points, so its "
        "month-to-month moves are mostly chance.",
        "{what}所依据的人数约为{n:,}人（各月平均）：每多或少一人失业，该比率即变动{pp:.1f}"
        "个百分点，因此其逐月变化主要是随机波动。",
    ),
    "table_intro": (
        "Month 0 is the policy start (the state the status-quo burn-in reached); the mean "
        "is over months 1 to {months}. Shares are in per cent; counts and spending are "
        "those of this model city of {workers:,} workers (scale them with its size). The "
        "measures are defined at the end of the page.",
        "第0个月为政策开始时（无新政策（现状）预热期结束时的状态）；均值为第1至{months}个月的平均值。比例类指标以百分比表示；"
        "人数与支出为这座{workers:,}名劳动者的模拟城市的数值（随规模按比例变化）。各指标的定义见本页末尾。",
    ),
    "metric": ("Metric", "指标"),
    "unit": ("Unit", "单位"),
    "month0": ("Month 0", "第0个月"),
    "mean": ("Mean, months 1-{months}", "第1至{months}个月均值"),
    "mean_one": ("Mean, month 1", "第1个月均值"),
    "last": ("Month {months}", "第{months}个月"),
    "unemployment_title": ("Unemployment", "失业"),
    "mismatch_title": ("Skill gap", "在职者技能差距"),
    "apprenticeships_title": ("Apprenticeships", "学徒制"),
    "green_title": ("Green employment", "绿色就业"),
    "by_region_title": ("Unemployment by region, month {months}", "第{months}个月各地区失业率"),
    "unemployment": (
        "Unemployment rates over the months: the whole city (its rural counties included) "
        "and its urban regions (what China's surveyed unemployment rates measure), for all "
        "workers and for young people under 25.",
        "逐月失业率：全市（含农村县）与城镇地区（国家统计局调查失业率的口径），全体劳动者与25岁以下青年。",
    ),
    "mismatch": (
        "Mean skill gap of the employed (0: every worker has what the job needs).",
        "在职者平均技能差距（0表示每位劳动者都具备岗位所需技能）。",
    ),
    "apprenticeships": (
        "Apprenticeships started and completed each month. Starts come in waves about one "
        "contract length apart: every contract has the same length, so a cluster of starts "
        "(the system's start before the burn-in, a policy's start) comes back when its "
        "contracts end (docs/ODD.md, 10.2). Compare them over the whole period, not month "
        "by month.",
        "每月新招与完成的学徒人数。新招人数大约每隔一个合同期出现一次高峰：所有合同期限相同，"
        "一批集中开始的学徒（预热期之前学徒制的起步、某项政策的开始）会在合同结束时再次出现"
        "（模型说明文档（ODD）第10.2节）。请比较整个时期的数值，而非逐月比较。",
    ),
    "green": (
        "Share of the employed in green sectors.",
        "绿色行业就业人数占就业总人数的比例。",
    ),
    "by_region": (
        "Unemployment by region in the last month (month {months}).",
        "最后一个月（第{months}个月）各地区失业率。",
    ),
    "gap_map": (
        "Mean skill gap of the employed by employer's sector and worker's region, over the "
        "last {span}.",
        "最后{span}在职者的平均技能差距，按雇主所在行业与劳动者所在地区划分。",
    ),
    "missing": (
        "Not drawn ({what}): the run folder has no {file}.",
        "未绘制（{what}）：运行文件夹中没有 {file}。",
    ),
    "missing_table": (
        "Not shown ({what}): the run folder has no {file}.",
        "未显示（{what}）：运行文件夹中没有 {file}。",
    ),
    "missing_in_sweep_table": (
        "Not shown ({what}): this run belongs to a sweep whose experiment did not keep "
        '{file}; add "{table}" to the experiment\'s keep list (as in '
        "experiments/default.toml) and run the sweep again to have it.",
        "未显示（{what}）：本次运行属于一组模拟，其实验文件未保存 {file}；"
        '请在实验文件的 keep 列表中加入 "{table}"（如 experiments/default.toml），再运行该组模拟。',
    ),
    "missing_in_sweep": (
        "Not drawn ({what}): this run belongs to a sweep whose experiment did not keep "
        '{file}; add "{table}" to the experiment\'s keep list (as in '
        "experiments/default.toml) and run the sweep again to have it.",
        "未绘制（{what}）：本次运行属于一组模拟，其实验文件未保存 {file}；"
        '请在实验文件的 keep 列表中加入 "{table}"（如 experiments/default.toml），再运行该组模拟。',
    ),
    "in_sweep": (
        "This run is one of the sweep in {sweep}: that folder's report compares its policies "
        "(skillsim report {sweep}).",
        "本次运行属于 {sweep} 中的一组模拟：该文件夹的报告对各项政策进行比较（skillsim report {sweep}）。",
    ),
    "at_point": (
        "It runs the sweep's design point {point}: {values}.",
        "本次运行为该组模拟的设计点{point}：{values}。",
    ),
    "scenario_span": (
        "The scenario's paths as its file sets them (over its whole horizon); this run "
        "covers months 1 to {months} of them.",
        "以下为情景文件设定的路径（覆盖其完整时间跨度）；本次运行覆盖其中第1至{months}个月。",
    ),
    "levers_caveat": (
        "What a policy's apprenticeship levers (subsidy, quality standards, wage floor) do "
        "here rests on how strongly firms' training supply responds to its costs and "
        "benefits, which no calibration target pins (docs/ODD.md, 11.5): read the sizes of "
        "their effects as indicative.",
        "学徒制政策（企业新型学徒制培训补贴、高质量学徒制标准、学徒工资下限）在此的作用取决于企业培训供给对成本与收益的反应强度，"
        "而这一点没有任何校准目标加以约束（模型说明文档（ODD）第11.5节）：其效应大小仅供参考。",
    ),
    "context": (
        "skillsim, one run: {scenario} | {policy} | {workers:,} workers, seed {seed}",
        "skillsim，单次运行：{scenario}｜{policy}｜{workers:,}名劳动者，随机种子{seed}",
    ),
    "apprenticeships_axis": ("apprenticeships per month", "每月学徒人数"),
    "apprenticeships_axis_smoothed": (
        "apprenticeships per month, mean of the 12 months to each",
        "每月学徒人数（截至当月12个月的平均）",
    ),
    "gap_map_what": ("the skill-gap map", "技能差距热力图"),
    "flows": ("Where workers move each month", "每月劳动者的流向"),
    "flows_what": ("the flows between statuses", "状态间流动表"),
    "flows_intro": (
        "The workers of this model city ({workers:,} workers) by status at a month's start "
        "(rows) and at its end (columns): the mean over months 1 to {months}, workers a "
        "month. The diagonal, where a row and a column name the same status, holds those "
        "who kept it (the employed include those who changed jobs); entering (the first "
        "row) are the school leavers who came into the population, retired (the first "
        "column) those who left it. Statuses are compared at the two dates "
        "only: a worker hired and laid off in one month stays unemployed here. -: none in "
        "any month; <0.1: in a few. From transitions.parquet (docs/ODD.md, section 9).",
        "本模拟城市（{workers:,}名劳动者）的劳动者按月初状态（行）与月末状态（列）划分：第1至{months}个月的月均人数。"
        "对角线（行与列为同一状态之处）为状态未变者（就业者中包括换工作的人）；“新进入”（第一行）为进入人口的毕业生，“退休”（第一列）为离开人口者。"
        "只比较月初与月末两个时点：同月内被雇用又被解雇的劳动者在此仍计为失业。-：各月均无；<0.1：仅个别月份有。"
        "数据来自 transitions.parquet（模型说明文档（ODD）第9节）。",
    ),
    "flows_corner": ("At the month's start / at its end", "月初状态 / 月末状态"),
    "exits": ("Out of unemployment, region by region", "各地区失业者的去向"),
    "exits_what": ("the flows out of unemployment by region", "各地区失业者去向表"),
    "exits_intro": (
        "Where the unemployed of each region went in a month, over months 1 to {months}: "
        "of those unemployed in the region at a month's start, the share who were in work "
        "(employed or apprentice) at its end, and of those the share who had moved to "
        "another region for it; the shares who went into training, who left the labour "
        "force (inactive), and who were in another region at its end still unemployed "
        "(most hired elsewhere and laid off within the month, some gone home: return "
        "migration). Shares per month, pooled over the months (the moves of all months "
        "over the unemployed at all months' starts; analysis.effects averages the "
        "monthly transition_rate instead). From region_transitions.parquet (docs/ODD.md, "
        "section 9).",
        "第1至{months}个月中各地区失业者一个月内的去向：月初在该地区失业者中，月末已就业（就业或学徒）者所占比例，"
        "以及其中为此迁往其他地区者所占比例；进入培训、退出劳动力（非劳动力）以及月末身处其他地区但仍失业者"
        "（多为在外地被雇用后当月又被解雇，部分为返回家乡：回流）所占比例。"
        "均为各月合并计算的月度比例（各月流动人数之和除以各月月初失业人数之和；analysis.effects 则取各月 transition_rate 的平均值）。"
        "数据来自 region_transitions.parquet（模型说明文档（ODD）第9节）。",
    ),
    "exits_region": ("Region", "地区"),
    "exits_unemployed": ("Unemployed at a month's start (mean)", "月初失业人数（月均）"),
    "exits_work": ("In work at its end", "月末已就业"),
    "exits_away": ("of them, in another region", "其中迁往其他地区"),
    "exits_training": ("In training", "进入培训"),
    "exits_inactive": ("Left the labour force", "退出劳动力"),
    "exits_home": ("In another region, unemployed", "迁往他地仍失业"),
    "by_region_what": ("unemployment by region", "各地区失业率"),
    "seats": ("Training seats, region by region", "各地区职业院校名额"),
    "seats_what": ("the training seats by region", "各地区名额表"),
    "seats_intro": (
        "The seats of each region's TVET institutions and the learners in them at a "
        "month's end (a full-time programme's students of every year), and the share in "
        "use (learners over seats). Full-time TVET takes new students only in the month "
        "school leavers choose their path, the month after their cohort enters ({intake} "
        "of each year here), and its seats empty through the year as students finish or "
        "drop out: their columns are the means of those months "
        "({chose}). Lifelong-learning courses take learners every month: theirs are the "
        "means of months 1 to {months}. A share well below 100% means seats stood empty "
        "when learners chose: more of them could change no choice there. From "
        "region.parquet (docs/ODD.md, section 9).",
        "各地区职业院校的名额、月末在学人数（全日制项目各年级学生合计）及使用率（在学人数除以名额数）。全日制职业教育只在离校生选择去向的月份招收新生，"
        "即每届离校生进入后的次月（本次运行为每年{intake}），此后名额因毕业或退学而逐渐空出：其各列为这些月份的均值（{chose}）。"
        "终身学习培训课程每月招收学员：其各列为第1至{months}个月的均值。使用率远低于100%说明学员选择时名额空置："
        "在那里增加名额不会改变任何选择。数据来自 region.parquet（模型说明文档（ODD）第9节）。",
    ),
    "seats_no_intake": (
        "none in this run's months: a run of a year or more has one",
        "本次运行的月份中没有：运行一年或以上才有",
    ),
    "seats_tvet": ("TVET seats when leavers chose", "离校生选择时的全日制培训名额"),
    "seats_tvet_in": ("TVET students (every year)", "在读学生（各年级）"),
    "seats_course": ("Course seats", "培训课程名额"),
    "seats_course_in": ("Adults in courses", "课程学员"),
    "seats_use": ("in use", "使用率"),
    "seats_old": (
        "This run's region table was written by older code, before it counted the "
        "seats (2026-12-07): run it again to see them (a sweep's run: the sweep, into a "
        "new folder with --out; a resume keeps its finished runs as they are).",
        "本次运行的分地区表由旧版代码写出，当时尚未统计名额（2026-12-07）：重新运行即可显示"
        "（组模拟中的运行：请将该组模拟运行到新的文件夹（--out）中；继续运行会保留已完成的运行）。",
    ),
    "footer": (
        "Written by skillsim report from the run folder {path}.",
        "由 skillsim report 根据运行文件夹 {path} 生成。",
    ),
}


def _w(key: str, lang: str) -> str:
    return _W[key][i18n.LANGS.index(lang)]


def _span(months: int, lang: str) -> str:
    """A number of months in words ("1 month", "12 months"; "12个月")."""
    if lang == "zh":
        return f"{months}个月"
    return "1 month" if months == 1 else f"{months} months"


@dataclass
class Run:
    """A run folder: its manifest and tables (the breakdowns None if absent)."""

    path: Path
    manifest: dict[str, Any]
    metrics: pd.DataFrame
    region: pd.DataFrame | None
    cell: pd.DataFrame | None
    transitions: pd.DataFrame | None = None
    region_transitions: pd.DataFrame | None = None

    @property
    def last_month(self) -> int:
        return int(self.metrics["month"].iloc[-1])


def read(path: str | Path, manifest: dict[str, Any]) -> Run:
    """Load a run folder whose manifest is ``manifest`` (kind "run")."""
    path = Path(path)
    tables: dict[str, pd.DataFrame | None] = {}
    for name in ("metrics", "region", "cell", "transitions", "region_transitions"):
        file = path / f"{name}.parquet"
        try:
            tables[name] = pd.read_parquet(file) if file.is_file() else None
        except (OSError, ValueError) as exc:
            raise ReportError(f"{file}: not a readable Parquet table ({exc})") from None
    frame = tables["metrics"]
    if frame is None or frame.empty:
        raise ReportError(
            f"{path}: a run folder without metrics.parquet (or with no months in it); "
            "run it again with `skillsim run`"
        )
    return Run(
        path,
        manifest,
        frame,
        tables["region"],
        tables["cell"],
        tables["transitions"],
        tables["region_transitions"],
    )


def figures(run: Run, style: str, lang: str) -> list[FigureSpec]:
    """The report's figures, in order (drawn lazily), each with the run it shows in a
    line under it (``report.sourced``): a PNG copied onto a slide keeps it."""
    m = run.manifest
    line = _w("context", lang).format(
        scenario=name_of("scenario", m.get("scenario", "?"), lang),
        policy=name_of("policy", m.get("policy", "?"), lang),
        workers=int(m.get("workers", 0)),
        seed=m.get("seed"),
    )
    return sourced(_figures(run, style, lang), line, style, lang)


SMOOTHED_FROM_MONTHS = 240  # longer runs show the apprenticeship flows' 12-month means


def _figures(run: Run, style: str, lang: str) -> list[FigureSpec]:
    from simulation import plots

    months = run.last_month
    specs = []
    for name, wanted in LINES:
        frame = run.metrics
        shown = [m for m in wanted if m in frame.columns]
        title = _w(f"{name}_title", lang)
        axis = _w(f"{name}_axis", lang) if f"{name}_axis" in _W else None
        if not shown:  # (a run written before the metric was in the catalogue)
            continue
        if name == "apprenticeships" and months > SMOOTHED_FROM_MONTHS:
            # each month's flows over a long run drew a solid block of spikes (an
            # outside review of 1,200-month runs): their 12-month means instead
            frame = frame.assign(**{m: frame[m].rolling(12, min_periods=12).mean() for m in shown})
            axis = _w("apprenticeships_axis_smoothed", lang)
        specs.append(
            FigureSpec(
                name,
                _w(name, lang),
                lambda frame=frame, shown=shown, title=title, axis=axis: plots.run_lines(
                    frame, shown, title=title, ylabel=axis, months=months, style=style, lang=lang
                ),
            )
        )
    if run.region is None:
        specs.append(FigureSpec("by_region", _missing(run, "region", "by_region_what", lang), None))
    else:
        last = run.region[run.region["month"] == months]
        specs.append(
            FigureSpec(
                "by_region",
                _w("by_region", lang).format(months=months),
                lambda: plots.region_bars(
                    last,
                    REGION_METRICS,
                    title=_w("by_region_title", lang).format(months=months),
                    style=style,
                    lang=lang,
                ),
            )
        )
    if run.cell is None:
        specs.append(FigureSpec("gap_map", _missing(run, "cell", "gap_map_what", lang), None))
    else:
        n = min(CELL_MONTHS, months)
        recent = run.cell[run.cell["month"] > months - n]
        specs.append(
            FigureSpec(
                "gap_map",
                _w("gap_map", lang).format(span=_span(n, lang)),
                lambda: plots.mismatch_heatmap(recent, style=style, lang=lang),
            )
        )
    return specs


def sweep_of(run: Run) -> Path | None:
    """The sweep folder a run folder belongs to (``<sweep>/runs/<run id>``), or None."""
    parent = run.path.resolve().parent
    if parent.name == "runs" and (parent.parent / "ledger.parquet").is_file():
        return parent.parent
    return None


def design_point(run: Run, sweep: Path) -> tuple[int, str] | None:
    """The design point a run of a design sweep ran (its number, and its parameter
    values as the sweep report labels them: as run, a whole-number field's sample
    rounded), or None outside a design of two points or more. A run folder's own
    manifest holds the values only inside its whole configuration, where nothing marks
    them as the ones swept."""
    from simulation import analysis

    try:
        ledger = pd.read_parquet(sweep / "ledger.parquet", columns=["run_id", "point"])
        design = pd.read_parquet(sweep / "design.parquet")
        experiment = (analysis._manifest(sweep) or {}).get("experiment") or {}
    except (OSError, ValueError, KeyError):  # (no design: a sweep without one)
        return None
    mine = ledger.loc[ledger["run_id"] == run.path.resolve().name, "point"]
    if mine.empty or len(design) < 2 or "point" not in design.columns:
        return None
    from simulation import plots

    # (the sampled values labelled a run "quality standards = 1.429" that ran 1: an
    # outside review)
    design = analysis.as_run(design, experiment)

    labels = plots.point_labels(design, "en", [c for c in design.columns if c != "point"])
    k = int(mine.iloc[0])
    return (k, labels[k]) if k in labels else None


def _missing(run: Run, table: str, what: str, lang: str, shown: str = "figure") -> str:
    """The note in place of a figure (``shown``: or a "table") whose table the run folder
    lacks."""
    what = _w(what, lang)
    key = "missing_in_sweep" if sweep_of(run) is not None else "missing"
    key += "_table" if shown == "table" else ""
    return _w(key, lang).format(what=what, file=f"{table}.parquet", table=table)


def _table(run: Run, lang: str) -> str:
    from simulation.cli import SUMMARY

    frame, months = run.metrics, run.last_month
    heads = [_w("metric", lang), _w("unit", lang), _w("month0", lang)]
    mean = _w("mean", lang) if months > 1 else _w("mean_one", lang)
    heads += [mean.format(months=months), _w("last", lang).format(months=months)]
    rows, zero = [], []
    for name in SUMMARY:
        if name not in frame.columns:
            continue
        col = frame[name]
        if (col == 0).all():  # a row of zeros says nothing: named under the table instead
            zero.append(label(name, lang))
            continue
        values = ((col.iloc[0], False), (col.iloc[1:].mean(), True), (col.iloc[-1], False))
        cells = "".join(
            f"<td class='num'>{_e(_cell(float(v), name, m, lang))}</td>" for v, m in values
        )
        rows.append(
            f"<tr><td>{_e(label(name, lang))}</td><td>{_e(unit(name, lang))}</td>{cells}</tr>"
        )
    head = "".join(f"<th>{_e(h)}</th>" for h in heads)
    workers = int(run.manifest.get("workers", 0))
    intro = _w("table_intro", lang).format(months=months, workers=workers)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    none = ""
    if zero:
        key = "zero_shortage" if label("skill_shortage_vacancies", lang) in zero else "zero"
        words = _w(key, lang).format(what=_w("and", lang).join(zero))
        none = f"<p class='note'>{_e(words)}</p>"
    return f"<p>{_e(intro)}</p>{table}{none}{_few_displaced(frame, lang)}"


# The transitions table's statuses as the page orders them: from school to work to out
# of the population (``metrics.FROM_STATUSES``, ``TO_STATUSES``), and their words.
# (entering's row and retired's column come first, the population's outside both, so
# that each status's row and column meet on the diagonal)
FLOW_ROWS = (
    "entering", "leaver", "student", "training", "apprentice", "employed", "unemployed",
    "inactive",
)  # fmt: skip
FLOW_COLUMNS = ("retired", *FLOW_ROWS[1:])
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "entering": ("entering", "新进入"),
    "leaver": ("school leaver choosing", "择业中的毕业生"),
    "student": ("tertiary student", "高校在读"),
    "training": ("in training", "职业培训"),
    "apprentice": ("apprentice", "学徒"),
    "employed": ("employed", "就业"),
    "unemployed": ("unemployed", "失业"),
    "inactive": ("inactive", "非劳动力"),
    "retired": ("retired", "退休"),
}


def _flow_words(mean: float) -> str:
    """A mean of workers a month in the flows' table: one decimal, and "<0.1" for a
    move made in some month that rounds to none."""
    return "<0.1" if 0 < mean < 0.05 else f"{mean:,.1f}"


def _flows(run: Run, lang: str) -> str:
    """The month's moves between statuses, a mean over the policy months (the
    transitions table), or a note that the run folder lacks it."""
    moves = run.transitions
    if moves is None:
        words = _missing(run, "transitions", "flows_what", lang, shown="table")
        return f"<p class='note'>{_e(words)}</p>"
    months = run.last_month
    later = moves[moves["month"] >= 1] if months >= 1 else moves
    mean = later.groupby(["from_status", "to_status"])["workers"].mean()
    ever = later.groupby(["from_status", "to_status"])["workers"].max()
    words = {k: v[i18n.LANGS.index(lang)] for k, v in STATUS_WORDS.items()}
    head = f"<th scope='col'>{_e(_w('flows_corner', lang))}</th>" + "".join(
        f"<th scope='col'>{_e(words[c])}</th>" for c in FLOW_COLUMNS
    )
    rows = []
    for r in FLOW_ROWS:
        cells = []
        for c in FLOW_COLUMNS:
            value = float(mean.get((r, c), 0.0))
            text = "-" if ever.get((r, c), 0) == 0 else _flow_words(value)
            cells.append(f"<td class='num'>{_e(text)}</td>")
        rows.append(f"<tr><th scope='row'>{_e(words[r])}</th>{''.join(cells)}</tr>")
    intro = _w("flows_intro", lang).format(
        months=max(months, 1), workers=int(run.manifest.get("workers", 0))
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f"<p>{_e(intro)}</p>{table}"


def _percent(num: float, den: float) -> str:
    """A share of the exits' table in per cent, one decimal; "-" where none started."""
    return "-" if den <= 0 else f"{100.0 * num / den:.1f}%"


def _exits(run: Run, lang: str) -> str:
    """Where each region's unemployed went in a month (the region_transitions table),
    or a note that the run folder lacks it."""
    moves = run.region_transitions
    if moves is None:
        words = _missing(run, "region_transitions", "exits_what", lang, shown="table")
        return f"<p class='note'>{_e(words)}</p>"
    months = run.last_month
    later = moves[moves["month"] >= 1] if months >= 1 else moves
    out = later[later["from_status"] == "unemployed"]
    by = out.groupby(["region", "to_status"], sort=False)[["workers", "moved_out"]].sum()
    heads = ("exits_region", "exits_unemployed", "exits_work", "exits_away", "exits_training")
    heads += ("exits_inactive", "exits_home")
    head = "".join(f"<th scope='col'>{_e(_w(h, lang))}</th>" for h in heads)
    n_months = max(int(later["month"].nunique()), 1)
    rows = []
    for region in dict.fromkeys(out["region"]):  # (the scenario's order)
        went = by.loc[region].reindex(metrics.TO_STATUSES, fill_value=0).astype(float)
        started = went["workers"].sum()
        work, away = went.loc[["employed", "apprentice"]].sum()
        cells = [
            f"{started / n_months:,.1f}",
            _percent(work, started),
            _percent(away, work),
            _percent(went.at["training", "workers"], started),
            _percent(went.at["inactive", "workers"], started),
            _percent(went.at["unemployed", "moved_out"], started),
        ]
        name = name_of("region", region, lang)
        rows.append(
            f"<tr><th scope='row'>{_e(name)}</th>"
            + "".join(f"<td class='num'>{_e(c)}</td>" for c in cells)
            + "</tr>"
        )
    intro = _w("exits_intro", lang).format(months=max(months, 1))
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f"<p>{_e(intro)}</p>{table}"


def _seats(run: Run, lang: str) -> str:
    """Each region's TVET and course seats, the learners in them and the share in use:
    TVET in the months school leavers chose (``report.intake_month``), courses in
    months 1..M (the region table); or a note that the run folder lacks the table or
    its seat columns."""
    regions = run.region
    if regions is None:
        return (
            f"<p class='note'>{_e(_missing(run, 'region', 'seats_what', lang, shown='table'))}</p>"
        )
    if not set(SEAT_COUNTS) <= set(regions.columns):
        return f"<p class='note'>{_e(_w('seats_old', lang))}</p>"
    months = run.last_month
    later = regions[regions["month"] >= 1] if months >= 1 else regions
    intake = intake_month(run.manifest)
    chose = later[later["month"] % 12 == intake]
    by = later.groupby("region", sort=False)[["course_seats", "course_enrolled"]].mean()
    tvet = chose.groupby("region", sort=False)[["tvet_seats", "tvet_enrolled"]].mean()
    heads = ("exits_region", "seats_tvet", "seats_tvet_in", "seats_use", "seats_course")
    heads += ("seats_course_in", "seats_use")
    head = "".join(f"<th scope='col'>{_e(_w(h, lang))}</th>" for h in heads)
    rows = []
    for region in dict.fromkeys(later["region"]):  # (the scenario's order)
        cells = []
        if region in tvet.index:
            seats, learners = tvet.loc[region]
            cells += [f"{seats:,.1f}", f"{learners:,.1f}", _percent(learners, seats)]
        else:
            cells += ["-", "-", "-"]
        seats, learners = by.loc[region]
        cells += [f"{seats:,.1f}", f"{learners:,.1f}", _percent(learners, seats)]
        name = name_of("region", region, lang)
        rows.append(
            f"<tr><th scope='row'>{_e(name)}</th>"
            + "".join(f"<td class='num'>{_e(c)}</td>" for c in cells)
            + "</tr>"
        )
    when = sorted(int(m) for m in set(chose["month"]))
    if not when:
        said = _w("seats_no_intake", lang)
    elif lang == "zh":  # (a long run's: the first two, the last, how many)
        said = "第" + "、".join(map(str, when)) + "个月"
        if len(when) > 3:
            said = f"第{when[0]}、{when[1]}……{when[-1]}个月，共{len(when)}个月"
    else:
        said = ("month " if len(when) == 1 else "months ") + ", ".join(map(str, when))
        if len(when) > 3:
            said = f"months {when[0]}, {when[1]}, ..., {when[-1]}: {len(when)} in all"
    intro = _w("seats_intro", lang).format(
        intake=MONTH_NAMES[intake][i18n.LANGS.index(lang)], chose=said, months=max(months, 1)
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f"<p>{_e(intro)}</p>{table}"


FEW_DISPLACED = 1000  # displaced workers in the labour force below which the table says so


def _few_displaced(frame: pd.DataFrame, lang: str) -> str:
    """A note under the table when the displaced workers' unemployment rate is a share
    of few workers (``displaced_labour_force``, a run written before it: no note)."""
    if "displaced_labour_force" not in frame.columns or len(frame) < 2:
        return ""
    n = float(frame["displaced_labour_force"].iloc[1:].mean())
    if not 0 < n < FEW_DISPLACED:
        return ""
    words = _w("few_displaced", lang).format(
        n=round(n), what=label("displaced_unemployment_rate", lang), pp=100.0 / n
    )
    return f"<p class='note'>{_e(words)}</p>"


def _cell(x: float, name: str, mean: bool, lang: str = "en") -> str:
    """A value of the table: a count of workers, jobs or events as a whole number (a
    mean over months with one decimal), anything else as the sweep report's tables
    show it (shares in per cent; in Chinese, yuan of 10,000 or more in 万)."""
    if math.isfinite(x) and i18n.catalogue_unit(name) in COUNT_UNITS:
        return f"{x:,.1f}" if mean else f"{x:,.0f}"
    return _fmt(x, name, signed=False, lang=lang)


def _facts(run: Run, lang: str) -> str:
    m = run.manifest
    engines = ENGINES_ZH if lang == "zh" else ENGINES
    facts = {
        "scenario": _named(m.get("scenario"), "scenario", lang),
        "policy": _named(m.get("policy"), "policy", lang),
        "workers": f"{m.get('workers', 0):,}",
        "months": m.get("months"),
        "seed": m.get("seed"),
        "engine": engines.get(m.get("engine"), m.get("engine")),
        "status": status_words(m.get("status"), lang),
        "created": time_words(m.get("created")),
        "config_hash": m.get("config_hash"),
        "code": code_words(m, lang),
        "command": " ".join(m.get("environment", {}).get("argv", [])) or None,
        "packages": packages_words(m),
    }
    return facts_html(m, facts, lang)


def _named(key: Any, kind: str, lang: str) -> Any:
    """A scenario or policy of the facts: in Chinese by its name (the command line's
    in brackets); in English by its command-line name, as the manifest has it."""
    if key is None or lang != "zh":
        return key
    return f"{i18n.full_name(kind, str(key), lang)}（{key}）"


def _measures(run: Run) -> list[str]:
    """The metrics the page shows: the table's, then the figures'."""
    from simulation.cli import SUMMARY

    shown = [*SUMMARY, *(m for _, names in LINES for m in names)]
    return [m for m in dict.fromkeys(shown) if m in run.metrics.columns]


class _AsSweep:
    """What the sweep report's scenario and policy sections read of a sweep."""

    def __init__(self, config: dict[str, Any]):
        scenario, policy = config.get("scenario") or {}, config.get("policy") or {}
        self.manifest = {
            "scenarios": {scenario.get("name", "?"): scenario} if scenario else {},
            "policies": {policy.get("name", "?"): policy} if policy else {},
        }
        self.experiment: dict[str, Any] = {}


def html(run: Run, rendered, folder: str, lang: str) -> str:
    """The page, from the figures drawn (``report.write_page``'s ``rendered``)."""
    m = run.manifest
    scenario, policy = m.get("scenario", "?"), m.get("policy", "?")
    title = _w("title", lang)
    sub = _w("subtitle", lang).format(
        scenario=name_of("scenario", scenario, lang),
        policy=name_of("policy", policy, lang),
        workers=int(m.get("workers", 0)),
        span=_span(run.last_month, lang),
        seed=m.get("seed"),
    )
    as_sweep = _AsSweep(m.get("config") or {})
    sections = [
        ("glance", _w("table", lang), _table(run, lang)),
        ("figures", _t("figures", lang), _figures_html(rendered, folder, lang)),
        ("flows", _w("flows", lang), _flows(run, lang)),
        ("exits", _w("exits", lang), _exits(run, lang)),
        ("seats", _w("seats", lang), _seats(run, lang)),
        (
            "scenarios",
            _t("scenarios", lang),
            f"<p>{_e(_w('scenario_span', lang).format(months=run.last_month))}</p>"
            + _scenarios_html(as_sweep, lang),
        ),
        ("policies", _t("policies", lang), _policies_html(as_sweep, lang)),
        ("glossary", _t("glossary", lang), glossary_table(_measures(run), lang)),
        ("manifest", _t("manifest", lang), _facts(run, lang)),
    ]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{GENERATOR}">',
        f"<title>{_e(title)}{'：' if lang == 'zh' else ': '}"
        f"{_e(name_of('scenario', scenario, lang))}{'｜' if lang == 'zh' else ' | '}"
        f"{_e(name_of('policy', policy, lang))}"
        f"</title><style>{page_css(lang)}</style></head>",
        f"<body><header><h1>{_e(title)}</h1><p class='sub'>{_e(sub)}</p>",
        f"<p class='note'>{_e(_w('one_draw', lang))}</p>",
    ]
    if m.get("policy", "none") != "none":
        parts.append(f"<p class='note'>{_e(_w('levers_caveat', lang))}</p>")
    sweep = sweep_of(run)
    if sweep is not None:
        words = _w("in_sweep", lang).format(sweep=sweep)
        point = design_point(run, sweep)
        if point is not None:
            words += (" " if lang == "en" else "") + _w("at_point", lang).format(
                point=point[0], values=point[1]
            )
        parts.append(f"<p class='note'>{_e(words)}</p>")
    for note in i18n.long_run(run.last_month, lang):
        parts.append(f"<p class='warn'>{_e(note)}</p>")
    if int(m.get("workers", 0)) < LEVELS_FROM_WORKERS:
        words = _w("small_city", lang).format(workers=int(m["workers"]), least=LEVELS_FROM_WORKERS)
        parts.append(f"<p class='warn'>{_e(words)}</p>")
    if m.get("status", "complete") != "complete":
        parts.append(
            f"<p class='warn'>"
            f"{_e(_w('not_complete', lang).format(status=status_words(m['status'], lang)))}</p>"
        )
    parts.append(f"</header><nav><h2>{_e(_t('contents', lang))}</h2><ol>")
    parts += [f'<li><a href="#{key}">{_e(head)}</a></li>' for key, head, _ in sections]
    parts.append("</ol></nav>")
    for key, head, body in sections:
        parts.append(f'<section id="{key}"><h2>{_e(head)}</h2>{body}</section>')
    footer = _w("footer", lang).format(path=run.path.resolve().name)
    parts.append(f"<footer>{_e(footer)}</footer></body></html>")
    return "\n".join(parts)
