"""A self-contained HTML report of a sweep (or of one run: ``simulation.run_report``),
and its figures as PNG files for slides.

    from simulation import report
    path = report.write("results/sweep-default-1a2b3c4d", style="paper", lang="en")

One HTML file (``report.html`` in the sweep folder unless told otherwise) that opens
with no network: every figure is a PNG embedded as a data URI, the style sheet is
inline, there are no scripts, web fonts or links out. Beside it, ``<stem>_figures/``
holds the same figures as PNG files. Contents: an executive summary (policy x scenario
effects with 95% intervals), the figures of ``simulation.plots``, the scenarios and
policies described from their resolved configuration, method notes and the manifest.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import json
import math
import os
import re
import shutil
import typing
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulation import analysis, i18n, metrics, stop, store
from simulation.config import leaves as _leaves
from simulation.experiment.progress import SweepProgress, sweep_progress
from simulation.i18n import axis_label, label, name_of, unit

# The executive summary: one table (policy x scenario) per metric.
# The city's rates include its rural counties; the urban regions' rates are what China's
# surveyed (urban) unemployment rates measure, the figures a forum will compare with.
SUMMARY_METRICS = (
    "unemployment_rate",
    "youth_unemployment_rate",
    "urban_unemployment_rate",
    "urban_youth_unemployment_rate",
    "youth_neet_rate",
    "employment_rate",
    "skill_gap_mean",
    "under_skilled_share",
    "apprenticeship_starts",
    "apprenticeship_completion_rate",
    "green_employment_share",
    "spending_total_yuan",
    "cost_per_additional_employed_yuan",
)
FOREST_METRICS = ("unemployment_rate", "youth_unemployment_rate", "skill_gap_mean")
# The measures whose effects the report splits into the first years and the later ones
# (``over_time``): a mean over ten years hid that the package's -1.1 points of youth
# unemployment in years 1-3 were -0.1, not clear of zero, after (a review)
OVER_TIME_METRICS = (
    "youth_unemployment_rate",
    "unemployment_rate",
    "employment_rate",
    "spending_total_yuan",
)
EARLY_MONTHS = 36  # the first years' months; split only for runs of twice as many or more
PATH_METRICS = (
    "unemployment_rate",
    "youth_unemployment_rate",
    "skill_gap_mean",
    "green_employment_share",
)
SENSITIVITY_METRICS = (
    "unemployment_rate",
    "youth_unemployment_rate",
    "apprenticeship_starts",
    "skill_gap_mean",
)
FEATURED_POLICIES = 4  # paths and the funnel show the baseline and at most 3 others
CELL_MONTHS = 12  # the sector x region map averages the last 12 months of the runs
LEVELS_FROM_WORKERS = 20_000  # below, the rates move with the size (README, Running)


class ReportError(ValueError):
    """The folder cannot be reported on (not a sweep, no finished runs, ...)."""


# ------------------------------------------------------------------ words

_T: dict[str, tuple[str, str]] = {
    "title": ("Simulated outcomes of skills policies", "技能政策模拟结果"),
    "described_as_file": (
        " (The file's description: the settings below, where they differ from it, are "
        "the ones that ran.)",
        "（以上为文件中的说明：下表所列设置与之不同之处，以实际运行的设置为准。）",
    ),
    "overridden": (
        "This sweep ran with {given} from the command line, in place of the experiment "
        "file's settings (the description above is the file's).",
        "本次运行在命令行中设定了{given}，取代实验文件中的设置（上面的说明来自实验文件）。",
    ),
    "small_city": (
        "A small model city ({workers:,} workers, under {least:,}): its rates move with the "
        "size itself (few firms per sector and region) and its month-by-month paths are "
        "noisy. Compare the policies with each other here; read levels from a sweep of "
        "{least:,} workers or more.",
        "模拟城市规模较小（{workers:,}名劳动者，少于{least:,}名）：比率本身随规模变化（各行业、各地区的企业较少），"
        "逐月趋势波动较大。请在此规模下比较各项政策之间的差异；各指标的水平请参考{least:,}名劳动者及以上的模拟。",
    ),
    "subtitle": (
        "Experiment {name}: {scenarios_counted} x {policies_counted}{points_en} x "
        "{seeds_counted}, {workers:,} workers, {months} months",
        "{name}{scenarios}个情景×{policies}项政策{points_zh}×{seeds}个随机种子，"
        "{workers:,}名劳动者，模拟{months}个月{file}",
    ),
    "incomplete": (
        "This sweep is not complete ({done} of {runs} runs done, {failed} failed): the "
        "results below use the finished runs only.",
        "本次模拟尚未全部完成（{runs}次运行中完成{done}次，失败{failed}次）：以下结果仅基于已完成的运行。",
    ),
    "mixed_code": (
        "This sweep's finished runs were computed by {versions} versions of the skillsim code "
        "(the sweep was resumed after the code changed; ledger.parquet, column code): the "
        "results below mix them. Run the sweep again with a new --out to compute every run "
        "with one code.",
        "本组模拟已完成的运行由{versions}个版本的skillsim代码计算（代码修改后继续了该组模拟；"
        "见ledger.parquet的code列）：以下结果混合了不同版本。请以新的--out重新运行，使所有运行由同一版本代码计算。",
    ),
    "as_file_sets": ("As the experiment file sets it: ", "实验文件原设定："),
    "contents": ("Contents", "目录"),
    "summary": ("Executive summary", "摘要"),
    "flows": ("Where the unemployed go", "失业者的去向"),
    "parts": ("A package and its parts", "政策组合与其组成部分"),
    "over_time": ("The first years and the later ones", "前几年与之后"),
    "over_time_window": ("months {first}-{last}", "第{first}-{last}个月"),
    "over_time_said": (
        "These are means over months 1-{months}; whether an effect lasts or fades, split "
        "into the first years and the later ones:",
        "以上为第1-{months}个月的均值；效应是否持续或减弱，分前几年与之后列于",
    ),
    "over_time_intro": (
        "The summary's effects are means over all the policy months, which can hide an "
        "effect that fades or grows. Here they are over the first {years} years (months "
        "1-{early}) and over the years after, each beside the baseline's level in those "
        "months; an effect clear in the first years and not after is one that fades.",
        "摘要中的效应为全部政策月份的均值，可能掩盖逐渐减弱或增强的效应。此处分别给出前{years}年"
        "（第1-{early}个月）及之后各年的效应，并列出基准政策在相应月份的水平；"
        "若效应在前几年明确而之后不明确，则说明其逐渐减弱。",
    ),
    "parts_intro": (
        "Does the combination “{whole}” do what its parts do? Each of its {k} parts "
        "({names}) also ran alone, "
        "with the same seeds, so their effects can be added up and set beside the "
        "combination's. Each table gives the combination's effect against {base}, its "
        "parts' effects added up, and the difference, with 95% intervals over seeds (each "
        "run's mean of months 1 to {months}, paired by seed); bold, as in the summary, where "
        "the interval excludes zero (with many cells, about one in twenty is bold by chance "
        "alone). A difference clearly away from zero means that the parts change each "
        "other's working: the combination is not the sum of its parts, and its effect "
        "cannot be read off theirs.",
        "组合“{whole}”的效果是否等于其各组成部分效果之和？其{k}项组成政策（{names}）也以相同的随机种子单独运行，"
        "因此可以把它们的效应相加，与组合的效应并列比较。每张表给出组合相对于{base}的效应、各组成部分效应之和，"
        "以及二者之差，并附基于各随机种子计算的95%置信区间（每次运行第1至{months}个月的均值，按随机种子配对）；"
        "与摘要相同，置信区间不含零时以粗体显示（单元格很多时，约每二十个中会有一个仅因偶然而显示为粗体）。"
        "差值明确不为零表示各组成部分相互影响彼此的作用：组合不等于各部分之和，其效应无法由各部分的效应推出。",
    ),
    "parts_said": (
        "“{whole}” is not the sum of its parts: in every scenario its effect differs "
        "clearly from its {k} parts' effects added up on {names}, in the same direction "
        "and by at least {share} of the largest effect of a single policy (see “{section}”).",
        "“{whole}”不等于其各组成部分之和：在所有情景下，其对{names}的效应均与{k}项组成政策单独实施的"
        "效应之和有明确且同向的差异，差值至少为单项政策最大效应的{share}（见“{section}”）。",
    ),
    "pairs_intro": (
        "The sweep also ran {n} pairs of its {k} policies, each pair together, so that each "
        "pair can be set beside its two parts added up. The figures draw every pair's "
        "difference, a matrix per measure with a panel per scenario: {links}. With so "
        "many differences, some would look clear by chance even where pairs did not "
        "differ, and many are too small to matter; the tables below are of the pairs that "
        "differ clearly in every scenario, in the same direction, and by at least {share} "
        "of the largest effect of a single policy on the measure there, on those measures "
        "only.",
        "本组模拟还把{k}项政策两两组合，共{n}对，每对同时实施，以便将每对的效应与两项政策各自单独实施的效应之和"
        "并列比较。各图绘出每对的差值，每个指标一张矩阵图，每个情景一个面板：{links}。差值很多时，"
        "即使各对政策并无差异，也会有些仅因偶然而显得明确，许多则小到无关紧要；下表只列出在所有情景下均有明确且同向的差异、"
        "且差值至少为该情景下单项政策对该指标最大效应的{share}的政策对，并只列出这些指标。",
    ),
    "pairs_quiet": (
        "Of the {n} pairs, {quiet} differ from their parts added up on no measure in that "
        "way: their numbers are in the figures, and with intervals in `skillsim effects "
        "--parts`.",
        "在{n}对政策中，有{quiet}对在任何指标上均未达到上述标准：其数值见各图，置信区间见`skillsim effects --parts`。",
    ),
    "fig_pairs": (
        "{what}: each pair of policies together, against its two parts alone, added up "
        "(the difference; strong colours, bold numbers and a dark frame where its 95% "
        "interval excludes zero). Below zero, the pair together moves the measure less "
        "(or down more) than its parts added up; above zero, more (or down less).",
        "{what}：每两项政策同时实施，与两项政策各自单独实施的效应之和比较（差值；95%置信区间不含零时颜色深、"
        "数字加粗并加深色边框）。低于零：同时实施使该指标上升得比二者之和少（或下降得更多）；高于零：上升得更多"
        "（或下降得更少）。",
    ),
    "pairs_behind": (
        "On {measure}, “{whole}” differs from its parts added up by {d} {unit} in "
        "{scenario}. Of the pairs of its parts that differ from their two added up clearly "
        "and in the same direction in every scenario, the most is “{pair}”: {dp} there.",
        "在{measure}上，“{whole}”与其各组成部分之和的差值在{scenario}中为{d}{unit}。"
        "在其组成政策两两组合中，在所有情景下与两项各自效应之和均有明确且同向差异的政策对里，"
        "差值最大的是“{pair}”：该情景中为{dp}。",
    ),
    "parts_whole": ("{whole}", "{whole}"),
    "parts_col": ("effect of", "效应"),
    "parts_added": ("its {k} parts alone, added up", "{k}项组成政策单独实施的效应之和"),
    "parts_difference": (
        "difference (combination − parts added up)",
        "差值（组合减去各部分之和）",
    ),
    "parts_every": (
        "The combination differs clearly from its parts added up in every scenario in: {names}.",
        "在所有情景下，组合与各部分之和均有明确差异的指标：{names}。",
    ),
    "parts_some": (
        "The difference is clear in some scenarios only in: {names}.",
        "仅在部分情景下有明确差异的指标：{names}。",
    ),
    "parts_none": (
        "The difference is clear in no scenario in: {names}.",
        "在任何情景下均无明确差异的指标：{names}。",
    ),
    "flows_intro": (
        "What each policy changes in where the unemployed go: its effect against {base} on "
        "the monthly rates out of unemployment (of those unemployed at a month's start, the "
        "share in work, in an apprenticeship, in training or out of the labour force at its "
        "end), each run's mean over months 1 to {months}, paired by seed as in the summary, "
        "in percentage points a month. They tell how an effect on unemployment comes "
        "about: more moving into jobs, or more into training or out of the labour force, "
        "which lower it too. Bold: the interval excludes zero. From transitions.parquet "
        "(docs/ODD.md, section 9).",
        "各项政策如何改变失业者的去向：相对于{base}，对失业流出月度比率（月初失业者中，月末已就业、成为学徒、"
        "进入培训或退出劳动力者所占比例）的影响，取每次运行第1至{months}个月的均值，与摘要相同按随机种子配对，"
        "单位为每月百分点。这些比率说明失业率的变化从何而来：更多人进入就业，抑或更多人进入培训或退出劳动力"
        "（二者同样会降低失业率）。粗体：置信区间不含零。数据来自 transitions.parquet（模型说明文档（ODD）第9节）。",
    ),
    "flows_head": (
        "From unemployment {to}: effect on the monthly rate (pp)",
        "失业→{to}：对月度比率的影响（百分点）",
    ),
    "flows_to_employed": ("into a job", "就业"),
    "flows_to_apprentice": ("into an apprenticeship", "学徒"),
    "flows_to_training": ("into training", "培训"),
    "flows_to_inactive": ("out of the labour force", "退出劳动力"),
    "flows_none": (
        'Not shown: this sweep did not keep the flows between statuses ("transitions" is '
        "not in the experiment's keep list, as in sweeps made before that table existed). "
        'A sweep with "transitions" in keep, as experiments/default.toml has, shows them.',
        "未显示：本组模拟未保存状态间流动表（实验文件的 keep 列表中没有 “transitions”，该表出现之前的模拟均如此）。"
        "在 keep 中加入 “transitions” 的模拟（如 experiments/default.toml）会显示此部分。",
    ),
    "flows_points": (
        "Not shown for a design of more than {most} points: load the sweep's transitions "
        '(analysis.load(folder, table="transitions")) and compare the points in a notebook.',
        '设计点超过{most}个时不显示：请在笔记本中读取本组模拟的 transitions 表（analysis.load(folder, table="transitions")）'
        "并比较各设计点。",
    ),
    "rural_flows_intro": (
        "The same in the rural regions, pooled (the region_transitions table summed over "
        "the regions that are not urban, rates recomputed from the sums): each policy's effect against {base} "
        "on the monthly rates "
        "out of unemployment of those living in a rural region at a month's start, in "
        "percentage points a month. The last table is each policy's effect on the share "
        "of the rural unemployed hired in a job in another region in the month (an urban "
        "region or another rural one): a policy that raises the rate into a job may do it "
        "by sending the rural unemployed away, or by finding them work at home. From "
        "region_transitions.parquet (docs/ODD.md, section 9).",
        "农村地区合并后的同类结果（region_transitions 表中非城市地区的加总，比率按加总重新计算）"
        "：相对于{base}，各项政策对月初居住在农村地区的失业者月度流出比率的影响，"
        "单位为每月百分点。最后一张表为各项政策对农村失业者中当月在其他地区（城市地区或其他农村地区）就业者所占比例的影响："
        "提高就业比率的政策，可能是把农村失业者送往外地，也可能是在本地为其找到工作。"
        "数据来自 region_transitions.parquet（模型说明文档（ODD）第9节）。",
    ),
    "rural_flows_intro_alone": (
        "Where the rural unemployed go (the region_transitions table summed over the "
        "regions that are not urban, rates recomputed from the sums): each policy's effect against {base} "
        "on the monthly rates "
        "out of unemployment of those living in a rural region at a month's start (the "
        "share in work, in an apprenticeship, in training or out of the labour force at "
        "its end), each run's mean over months 1 to {months}, paired by seed as in the "
        "summary, in percentage points a month. The last table is each policy's effect on "
        "the share of the rural unemployed hired in a job in another region in the month "
        "(an urban region or another rural one). Bold: the interval excludes zero. From "
        "region_transitions.parquet (docs/ODD.md, section 9).",
        "农村失业者的去向（region_transitions 表中非城市地区的加总，比率按加总重新计算）"
        "：相对于{base}，各项政策对月初居住在农村地区的失业者月度流出比率"
        "（月末已就业、成为学徒、进入培训或退出劳动力者所占比例）的影响，取每次运行第1至{months}个月的均值，"
        "与摘要相同按随机种子配对，单位为每月百分点。最后一张表为各项政策对农村失业者中当月在其他地区"
        "（城市地区或其他农村地区）就业者所占比例的影响。粗体：置信区间不含零。"
        "数据来自 region_transitions.parquet（模型说明文档（ODD）第9节）。",
    ),
    "rural_flows_left_out": (
        "Not in these tables: {names}, whose city has no rural region.",
        "以下情景的城市没有农村地区，不在这些表中：{names}。",
    ),
    "rural_flows_head": (
        "Rural regions, from unemployment {to}: effect on the monthly rate (pp)",
        "农村地区，失业→{to}：对月度比率的影响（百分点）",
    ),
    "rural_flows_moved": (
        "Rural regions, from unemployment into a job in another region: effect on the "
        "monthly rate (pp)",
        "农村地区，失业→外地就业：对月度比率的影响（百分点）",
    ),
    "rural_flows_none": (
        "Not shown for the rural regions: this sweep did not keep the flows by region "
        '("region_transitions" is not in the experiment\'s keep list, as in sweeps made '
        'before that table existed). A sweep with "region_transitions" in keep, as '
        "experiments/default.toml has, shows them.",
        "未显示农村地区的结果：本组模拟未保存分地区的流动表（实验文件的 keep 列表中没有 "
        "“region_transitions”，该表出现之前的模拟均如此）。在 keep 中加入 “region_transitions” 的模拟"
        "（如 experiments/default.toml）会显示此部分。",
    ),
    "rural_flows_no_region": (
        "Not shown for the rural regions: the scenarios' city has none (every region is urban).",
        "未显示农村地区的结果：情景中的城市没有农村地区（所有地区均为城市）。",
    ),
    "summary_intro": (
        "Effect of each policy against {base}, by scenario: the mean paired difference over "
        "{seeds_counted} of each run's mean over months 1 to {months}, with its 95% interval in "
        "brackets. Shares are in percentage points. Bold: the interval excludes zero, so "
        "the direction of the effect is clear at this number of seeds (among many cells, "
        "about one in twenty would be bold by chance alone). The public cost per additional "
        "worker in employment is a ratio, not an effect with a direction: never bold.",
        "各情景下每项政策相对于{base}的影响：每次运行第1至{months}个月均值的配对差异，"
        "取{n}个随机种子的平均值，方括号内为95%置信区间。比例类指标单位为百分点。"
        "粗体：置信区间不含零，即在此随机种子数下影响方向明确（单元格很多时，约每二十个中会有一个仅因偶然而显示为粗体）。"
        "每新增一名就业者的公共成本是比值而非有方向的影响，不加粗。",
    ),
    "summary_intro_sampled": (
        "Effect of each policy against {base}, by scenario, over this design's sampled "
        "points: each cell is the mean over the points of the paired difference of each "
        "run's mean over months 1 to {months} (each point over {seeds_counted}), and under "
        "it the points' lowest and highest. Shares are in percentage points.",
        "各情景下每项政策相对于{base}的影响，取本设计各抽样点的结果：每格为各设计点上每次运行第1至{months}个月"
        "均值的配对差异（每个设计点取{n}个随机种子）的平均值，其下为各设计点中的最小值与最大值。"
        "比例类指标单位为百分点。",
    ),
    "summary_intro_points": (
        "Effect of each policy against {base}, by scenario, over this design's points: "
        "each cell is the mean over the points of the paired difference of each run's mean "
        "over months 1 to {months} (each point over {seeds_counted}), and under it the "
        "points' lowest and highest. Shares are in percentage points.",
        "各情景下每项政策相对于{base}的影响，取本设计各设计点的结果：每格为各设计点上每次运行第1至{months}个月"
        "均值的配对差异（每个设计点取{n}个随机种子）的平均值，其下为各设计点中的最小值与最大值。"
        "比例类指标单位为百分点。",
    ),
    "summary_read": (
        " An unemployment rate counts the labour force only, so a policy that moves school "
        "leavers between study or full-time training and work moves it through who is "
        "counted too: read the "
        "youth NEET rate (not in employment, education or training, over all under 25) and "
        "the employment rate (employed and apprentices over the whole working-age "
        "population, students included) beside it. The skill gap adds under- and "
        "over-skilling; the under-skilled share is the shortfall alone.",
        "失业率只计算劳动力，因此使毕业生在升学或全日制培训与就业之间流动的政策也会通过统计口径改变失业率："
        "请同时阅读未就业未就学未培训青年比例（NEET，占全部25岁以下人口之比）和就业率"
        "（就业者与学徒占全部劳动年龄人口之比，含在校学生）。技能差距为技能不足"
        "与技能过剩之和；技能不足比例仅反映不足部分。",
    ),
    "baseline_shares": (
        "The design sets {levers} on every policy, {base} included: each effect compares "
        "two policies at the same setting of it, so a policy that differs from {base} only "
        "there shows none. To measure a lever against no policy, leave {base} out of the "
        "experiment's policies (as experiments/subsidy_sensitivity.toml does).",
        "本设计对所有政策（包括{base}）都设定了{levers}：每项影响都是两项政策在该参数取值相同时的比较，"
        "因此与{base}仅在该参数上不同的政策不会显示任何影响。若要衡量某一政策工具相对于无政策的影响，"
        "请把{base}从实验的政策列表中去掉（如 experiments/subsidy_sensitivity.toml）。",
    ),
    "summary_scale": (
        "Counts and yuan in these tables are of a model city of {workers:,} workers: "
        "compare rates, or scale counts to a real city's size.",
        "下列表格中的人数与金额对应{workers:,}名劳动者的模拟城市：请比较比率，或按实际城市规模换算。",
    ),
    "level_row": ("level under {base}", "{base}下的水平"),
    "negative_cost": (
        "A negative cost is a saving, not a sign error: public spending fell while "
        "employment rose. Under {policy} in {scenario}, for one, {part} fell by {fell} yuan "
        "a month, more than the policy itself costs.",
        "成本为负表示节省，并非符号错误：公共支出下降而就业增加。例如在{scenario}情景下的{policy}，"
        "{part}每月减少{fell}元，超过该政策本身的支出。",
    ),
    "negative_cost_seats": (
        " The model pays for a training seat only while it is filled, so this is a saving "
        "only where the training budget shrinks with the seats in use: a college paid for "
        "its seats whether filled or not saves nothing when they empty.",
        "模型仅为有人使用的培训学位付费，因此只有当培训经费随在用学位减少时，这才是节省；"
        "若院校无论学位是否有人使用都按学位获得拨款，学位空置并不会节省开支。",
    ),
    "completion_window": (
        "The completion rate's effects are over months {first} onwards, past the longest "
        "contract ({length} months): before that a policy's new contracts can end early but "
        "none can complete yet, so a policy that starts more of them lowers the rate then "
        "by the arithmetic alone.",
        "结业率的影响取第{first}个月起的月份，即最长合同期（{length}个月）之后：此前政策新增的合同可能提前终止，"
        "却尚无一份能够结业，因此新增学徒较多的政策在此期间仅因计算方式就会拉低结业率。",
    ),
    "summary_intro_one": (
        "Effect of each policy against {base}, by scenario: the paired difference of each "
        "run's mean over months 1 to {months}, from one seed, so without an interval (the "
        "method notes say why). Shares are in percentage points.",
        "各情景下每项政策相对于{base}的影响：每次运行第1至{months}个月均值的配对差异，"
        "仅一个随机种子，因此没有置信区间（原因见方法说明）。比例类指标单位为百分点。",
    ),
    "no_effects": (
        "This sweep has no runs of the baseline policy ({base}), so there are no policy "
        "effects: see the figures.",
        "本次模拟没有基准政策（{base}）的运行，因此没有政策效应，请参阅图表。",
    ),
    "no_effects_alone": (
        "This sweep has finished runs of the baseline policy ({base}) only, so there are no "
        "policy effects: see the figures.",
        "本次模拟仅有基准政策（{base}）的已完成运行，因此没有政策效应，请参阅图表。",
    ),
    "cell_fewer": ("{k} of {n} seeds", "{n}个随机种子中的{k}个"),
    "fewer_note": (
        "A cell marked 'k of n seeds' rests on fewer seeds than the others: the sweep is not "
        "finished, or the metric has no value in some runs (a completion rate without "
        "completions, say). From one seed it is a single paired difference, without an "
        "interval.",
        "标注“n个随机种子中的k个”的单元格所依据的随机种子少于其他单元格：实验尚未完成，"
        "或该指标在部分运行中无取值（例如没有结业者时的结业率）。仅一个种子时它只是一次配对差异，没有置信区间。",
    ),
    "cost_cell_note": (
        "Cost per additional worker in employment is shown only where the employment effect "
        "is clearly above zero (Fieller interval); '—' otherwise.",
        "每新增一名就业者的公共成本仅在就业效应明确为正时给出（Fieller区间），否则显示“—”。",
    ),
    "cost_dagger_note": (
        "†: most of the extra workers in employment did not come out of unemployment there: "
        "the unemployment rate did not clearly fall (its interval reaches zero or above), or "
        "the number unemployed fell by less than half the rise in employment; the rest came "
        "from outside the labour force (fewer people in training or education, say). A cost "
        "per worker in employment, not of jobs for the unemployed.",
        "†：该处新增就业者大多并非来自失业者：失业率没有明确下降（其置信区间包含零或为正），"
        "或失业人数的减少不到就业增加的一半；其余来自劳动力之外（例如参加培训或教育的人减少）。"
        "应解读为每名就业者的成本，而非为失业者创造就业的成本。",
    ),
    "policy_col": ("policy", "政策"),
    "mechanics_note": (
        "‡ A lever or scenario the model cannot answer for yet (the method notes say why; "
        "docs/ODD.md 10.2): its effects in this report, in its tables and figures, are the "
        "model's mechanics, not evidence, however clear their intervals.",
        "‡ 模型目前尚不能回答的政策工具或情景（原因见方法说明；模型说明文档（ODD）第10.2节）："
        "本报告（含表格和图表）中的相应效应反映的是模型机制，而非实证证据，无论其区间是否明确。",
    ),
    "figures": ("Figures", "图表"),
    "map_where": ("{policy}, mean of months 1-{last}", "{policy}，第1至{last}个月平均"),
    "cell_where": (
        "{scenario}: {policy}, mean of months {first}-{last}",
        "{scenario}：{policy}，第{first}至{last}个月平均",
    ),
    "source": (
        "skillsim, sweep {name}: {workers:,} workers, {seeds_counted}, {months} months",
        "skillsim，{name}{workers:,}名劳动者，{seeds}个随机种子，{months}个月",
    ),
    "fig_forest": (
        "Effects on {what}: one row per {rows}, one marker per scenario, {intervals}; "
        "the vertical line is no effect.",
        "对{what}的影响：每行一项{rows}，每种标记一个情景，{intervals}；竖线表示无影响。",
    ),
    "fig_forest_one": (
        "Effects on {what} in {scenario}: one row per {rows}, {intervals}; the vertical "
        "line is no effect.",
        "情景“{scenario}”下对{what}的影响：每行一项{rows}，{intervals}；竖线表示无影响。",
    ),
    "forest_rows": ("policy", "政策"),
    "forest_rows_points": ("policy and design point", "政策及设计点"),
    "with_intervals": ("with 95% intervals", "附95%置信区间"),
    "sweep_scenario_span": (
        "The scenarios' paths as their files set them (over their whole horizons); this "
        "sweep's runs cover months 1 to {months} of them.",
        "以下为情景文件设定的路径（覆盖其完整时间跨度）；本组模拟的运行覆盖其中第1至{months}个月。",
    ),
    "with_intervals_both": ("with 95% intervals on both", "两者均附95%置信区间"),
    "one_seed_no_intervals": ("one seed, so no intervals", "仅一个随机种子，无置信区间"),
    "fig_paths": (
        "{what} month by month, one panel per scenario, on one scale; lines are means over "
        "seeds, bands the 95% interval of the mean level. Bands that overlap do not mean no "
        "effect: a policy's runs share their seeds' luck with the baseline's, and the paired "
        "differences (the effects above) are far more precise than the levels.",
        "{what}逐月变化，每个情景一个子图，纵轴刻度相同；线为随机种子均值，阴影为均值水平的95%置信区间。"
        "阴影重叠并不表示没有影响：各政策与基准政策使用相同的随机种子，配对差异（上文的政策效应）远比水平值精确。",
    ),
    "paths_settling": (
        " The lines under {base} are not flat over the years, and not a forecast under current "
        "trends: part of their rise or fall is the model settling (its school leavers "
        "replace the young workforce it starts with over about seven years, and their "
        "choices between TVET and work swing from year to year: docs/ODD.md 10.2, "
        '"Not stationary year by year"), part the scenario\'s own paths of demand. Read a '
        "policy against them, as the effects do.",
        "{base}下的各条线并非逐年平稳，也不是对当前趋势的预测：其升降部分来自模型趋于稳定的"
        "过程（模型中的毕业生约用七年时间替换起始时的青年劳动力，其在职业教育与就业之间的"
        "选择逐年起伏：见 docs/ODD.md 10.2“Not stationary year by year”，即“并非逐年平稳”），"
        "部分来自情景自身的需求路径。应将政策与之对照解读，正如政策效应所做的那样。",
    ),
    "fig_paths_one": (
        "{what} month by month, one panel per scenario, on one scale; one seed, so each line "
        "is one run, without a band.",
        "{what}逐月变化，每个情景一个子图，纵轴刻度相同；仅一个随机种子，每条线为一次运行，无置信区间阴影。",
    ),
    "fig_paths_two": (
        "{what} month by month, one panel per scenario, on one scale; lines are means over "
        "two seeds, without a band: a 95% interval from two seeds spans 12.7 standard "
        "errors either side (run 3 seeds or more for bands).",
        "{what}逐月变化，每个情景一个子图，纵轴刻度相同；线为两个随机种子的均值，未画阴影："
        "两个种子的95%置信区间宽达均值两侧各12.7个标准误（运行3个或更多种子可显示置信区间）。",
    ),
    "fig_paths_alone": (  # (a report without effects)
        "{what} month by month, one panel per scenario, on one scale; lines are means over "
        "seeds, bands the 95% interval of the mean level.",
        "{what}逐月变化，每个情景一个子图，纵轴刻度相同；线为随机种子均值，阴影为均值水平的95%置信区间。",
    ),
    "fig_heat_sector": (
        "Where skills and jobs differ most: mean skill gap of the employed (under- and "
        "over-skilling together; the share under-skilled is its own metric) by sector and "
        "scenario, under {base}, averaged over months and seeds{points}; lighter is a larger "
        "gap.",
        "技能差距最大之处：{base}下分行业、分情景的在职者平均技能差距（技能不足与技能过剩之和；技能不足比例"
        "另有指标），取各月与各随机种子{points}均值；颜色越浅差距越大。",
    ),
    "fig_heat_region": (
        "The same by region.",
        "分地区的同一指标。",
    ),
    "fig_heat_one_scale": (
        " This map and the skill-gap maps after it share one colour scale, so one colour is "
        "one gap in each.",
        "本图及其后各技能差距图使用同一色阶，同一颜色在各图中代表相同的差距。",
    ),
    "fig_heat_region_alone": (
        "Where skills and jobs differ most: mean skill gap of the employed (under- and "
        "over-skilling together; the share under-skilled is its own metric) by region and "
        "scenario, under {base}, averaged over months and seeds{points}; lighter is a larger "
        "gap.",
        "技能差距最大之处：{base}下分地区、分情景的在职者平均技能差距（技能不足与技能过剩之和；技能不足比例"
        "另有指标），取各月与各随机种子{points}均值；颜色越浅差距越大。",
    ),
    "no_heat": (
        "There is no map of the skill gap by {table}: this sweep did not keep the {table} "
        'table ("{table}" is not in the experiment\'s keep list). A sweep with "{table}" in '
        "keep draws it.",
        "本报告没有按{table_zh}划分的技能差距图：本次模拟未保存{table_zh}表（实验文件的 keep 列表中没有 "
        "“{table}”）。在 keep 中加入 “{table}” 的模拟会绘制此图。",
    ),
    "fig_heat_cell": (
        "Where skills and jobs differ most, sector by region: mean skill gap (under- and "
        "over-skilling together) of the employed by their "
        "employer's sector (rows) and their own region (columns), in the scenario “{scenario}”, "
        "under {policy}, averaged over {window} and over {seeds_counted}{points}; lighter is a "
        "larger gap, and a blank cell has no one employed in it.",
        "技能差距的行业与地区分布：在情景“{scenario}”、{policy}下，在职者按所在企业的行业（行）和本人"
        "所在地区（列）划分的平均技能差距（技能不足与技能过剩之和），取{window}、{seeds}个随机种子{points}的均值；颜色越浅"
        "差距越大，空白格表示该处无人就业。",
    ),
    "fig_heat_cell_more": (
        " The maps after it show each other scenario under the same policy, over the same "
        "months and on the same colour scale, so their colours compare.",
        "其后各图为其他情景在相同政策、相同月份下的结果，色阶相同，颜色可直接比较。",
    ),
    "fig_heat_cell_other": (
        "The same in the scenario “{scenario}” (same policy, months and colour scale).",
        "情景“{scenario}”下的同一指标（政策、月份与色阶均相同）。",
    ),
    "cell_window_last": (
        "the last {n} months (months {first} to {last})",
        "最后{n}个月（第{first}至{last}个月）",
    ),
    "cell_window_all": (
        "months {first} to {last} (the whole policy period)",
        "第{first}至{last}个月（整个政策期）",
    ),
    "cell_points": (" and {points} design points", "及{points}个设计点"),
    "no_cell": (
        "There is no map of the skill gap by sector and region: this sweep did not keep the "
        'table of the employed by sector and region ("cell" is not in the experiment\'s keep '
        'list, as in sweeps made before that table existed). A sweep with "cell" in keep '
        "draws it.",
        "本报告没有按行业和地区划分的技能差距图：本次模拟未保存按行业和地区划分的在职者表"
        "（实验文件的 keep 列表中没有 “cell”，该表出现之前的模拟均如此）。在 keep 中加入 “cell” "
        "的模拟会绘制此图。",
    ),
    "fig_funnel": (
        "The apprenticeship pipeline: apprentices per month who start, complete, are kept by "
        "their training firm and are in work 12 months later, averaged over the policy "
        "months. Completions include the contracts that started before the policy, so a "
        "policy that cuts starts (quality standards raise a firm's cost of a trainee) can "
        "show more completions than starts.",
        "学徒培养链条：政策期内每月开始学徒培训、结业、被培训企业留用以及12个月后在业的人数（各月平均）。"
        "结业人数包括政策实施前已开始的学徒合同，因此减少新开学徒的政策（高质量学徒制标准提高企业的培训成本）"
        "可能显示结业多于开始。",
    ),
    "fig_beveridge": (
        "Beveridge curve under {base}: each point is a year (quarterly points would loop "
        "with the seasons: school leavers enter once a year); a move to the lower left "
        "means a better-matched labour market.",
        "{base}下的贝弗里奇曲线：每个点为一年（学校毕业生每年集中进入劳动力市场，按季度的点会随季节"
        "打圈）；向左下方移动表示劳动力市场匹配改善。",
    ),
    "fig_cost": (
        "Public cost against workers gained in employment: each policy's extra spending per "
        "month against its extra workers in employment (jobs and apprenticeships), "
        "{intervals_both}. Extra workers in employment are not all jobs created: where a "
        "policy draws people out of training or education, employment rises with "
        "unemployment unchanged (where most of the rise does not come out of unemployment, the "
        "summary's cost table marks the policy with †).",
        "公共成本与新增就业：每项政策每月新增支出与新增就业人数（就业与学徒），{intervals_both}。"
        "新增就业者并不都是新创造的岗位：若政策使参加培训或教育的人减少，就业会增加而失业率不变"
        "（新增就业大多并非来自失业者时，摘要中的成本表以 † 标出该政策）。",
    ),
    "fig_sensitivity": (
        "Sensitivity of {what} to the swept parameters, under each policy: each design "
        "point's output is its runs' mean over months 1-{months}, averaged over its "
        "{seeds}; {indices}; whiskers: 95% bootstrap intervals; {size}.",
        "{what}对设计参数的敏感性（各政策分别计算）：每个设计点的输出为其各次运行第1-{months}个月"
        "的均值，再对{seeds}取平均；{indices}；误差线：95% bootstrap区间；{size}。",
    ),
    "points_range": ("{k} points: {low} to {high}", "{k}个设计点：{low}至{high}"),
    "sampled_note": (
        "This design's points are samples over the parameters' ranges: each cell is the "
        "mean of the points' paired effects, and under it their lowest and highest (a "
        "spread over the ranges, not a confidence interval); the sensitivity figures say "
        "which parameters drive it, and simulation.analysis.effects gives each point's "
        "effects with their intervals.",
        "本设计的各点是在参数取值范围内抽取的样本：每格为各设计点配对效应的均值，其下为最小值与最大值"
        "（反映参数范围内的差异，并非置信区间）；敏感性图说明哪些参数起主要作用，"
        "simulation.analysis.effects 给出各设计点的效应及其置信区间。",
    ),
    "points_note": (
        "This design has too many points to show one by one: each cell is the mean of the "
        "points' paired effects, and under it their lowest and highest (a spread over the "
        "points, not a confidence interval); simulation.analysis.effects gives each "
        "point's effects with their intervals.",
        "本设计的设计点太多，无法逐一列出：每格为各设计点配对效应的均值，其下为最小值与最大值"
        "（反映各设计点之间的差异，并非置信区间）；simulation.analysis.effects 给出各设计点的效应及其置信区间。",
    ),
    "fig_many_points": (
        "No effects figure point by point: this design's {points} points are too many to "
        "read one by one; simulation.analysis.effects gives each point's effects.",
        "不按设计点绘制效应图：本设计有{points}个设计点，数量太多，无法逐一阅读；"
        "各设计点的效应可由 simulation.analysis.effects 得到。",
    ),
    "fig_sampled_points": (
        "No effects figure point by point: this design's points are samples for its "
        "sensitivity indices (below), too many to read one by one; "
        "simulation.analysis.effects gives each point's effects.",
        "不按设计点绘制效应图：本设计的各点是用于计算敏感性指数（见下）的样本，数量太多，无法逐一阅读；"
        "各设计点的效应可由 simulation.analysis.effects 得到。",
    ),
    "fig_sensitivity_effect": (
        "Sensitivity of each policy's effect on {what} (against {base}, paired by design "
        "point and seed) to the swept parameters: each design point's output is the mean "
        "over its {seeds} of the paired difference of the runs' means over months "
        "1-{months}; {indices}; whiskers: 95% bootstrap intervals; {size}.",
        "各政策对{what}的效应（相对于{base}，按设计点与种子配对）对设计参数的敏感性："
        "每个设计点的输出为第1-{months}个月均值的配对差，再对{seeds}取平均；{indices}；"
        "误差线：95% bootstrap区间；{size}。",
    ),
    "sensitivity_lever_too": (
        "The swept policy.* parameters are set on {base} too, so its runs move with them.",
        "设计中的policy.*参数同样作用于{base}，其运行结果也随之变化。",
    ),
    "sensitivity_sobol": (
        "Sobol first-order (S1) and total (ST) indices, shares of the output's variance",
        "Sobol一阶（S1）与总效应（ST）指数，即占输出方差的比例",
    ),
    "sensitivity_morris": (
        "Morris mu*, the mean absolute change over each parameter's whole range",
        "Morris mu*，即各参数在其整个取值范围内引起的平均绝对变化",
    ),
    "sensitivity_notes": ("Note: {notes}.", "注：{notes}。"),
    "list_sep": ("; ", "；"),
    "sensitivity_missing": (
        "no scenario and policy has a value at every design point",
        "没有任何情景与政策在所有设计点上都有数值",
    ),
    "fig_sensitivity_missing": (
        "No sensitivity figure of {what}: {why}.",
        "无{what}的敏感性图：{why}。",
    ),
    "png_note": (
        "The figures are also PNG files in {folder}/, for slides.",
        "图表的 PNG 文件位于 {folder}/，可直接用于幻灯片。",
    ),
    "png_file": ("({file})", "（图片文件：{file}）"),
    "scenarios": ("Scenarios", "情景"),
    "policies": ("Policies", "政策"),
    "swept_value": ("swept (below)", "随设计点变化（见下）"),
    "setting": ("setting", "参数"),
    "value": ("value", "数值"),
    "meaning": ("meaning", "含义"),
    "as_default": (
        "Every lever at its status-quo default.",
        "所有政策工具均保持无新政策（现状）时的默认值。",
    ),
    "drivers_default": ("No drivers beyond current trends.", "除现有趋势外无其他驱动因素。"),
    "differs_from_city": (
        "Settings other than its drivers that differ from the shipped city's "
        "(scenarios/baseline.toml, the city the model is fitted to):",
        "除驱动因素外，与内置基准城市（模型据以校准的城市）不同的设置：",
    ),
    "not_fitted_swept": (
        'The design sweeps settings of this city\'s behaviour ("swept" in the table): the model is '
        "fitted at one value of each at most, so at the other points read a policy's "
        "effects against the point's own status quo, not the levels.",
        "本设计扫描了该城市的行为设置（上表中“随设计点变化”的设置）：模型最多只在其中一个取值上经过校准，"
        "其他设计点上请以该点自身的现状为基准解读政策影响，而非水平值。",
    ),
    "not_fitted": (
        "This city or its behaviour is not the fitted one, so its levels (unemployment, "
        "wages, apprenticeships) are not calibrated: read a policy's effects against this "
        "scenario's own status quo, or fit it to the city's own figures first (skillsim "
        "calibrate; docs/ODD.md 11.3).",
        "该城市或其行为设置不同于已校准的内置城市，其水平（失业率、工资、学徒数量）未经校准："
        "请以本情景自身的现状为基准解读政策影响，或先用该城市自身数据校准（skillsim calibrate；"
        "见模型说明文档第11.3节）。",
    ),
    "shock": (
        "{sectors} sectors{where}: demand {change} over {months} months from month {start}",
        "{sectors}行业{where}：自第{start}个月起{months}个月内需求变化{change}",
    ),
    "shock_rural_only": (" in rural regions", "（仅农村地区）"),
    "swept": (
        "Swept parameters ({kind} design, {points} points):",
        "设计参数（{kind}设计，{points}个设计点）：",
    ),
    "methods": ("Method notes", "方法说明"),
    "manifest": ("Manifest", "运行清单"),
    "manifest_full": ("The whole manifest.json", "完整的 manifest.json"),
    "glossary": ("What the measures mean", "指标含义"),
    "metric": ("measure", "指标"),
    "definition": ("definition", "定义"),
    "unit": ("unit", "单位"),
    "footer": (
        "Made by skillsim report from {path}. Every number comes from the simulated city, "
        "not from official statistics.",
        "由 skillsim report 根据 {path} 生成。所有数字均来自模拟城市，并非官方统计数据。",
    ),
    "seats": ("Training seats in use", "培训名额的使用"),
    "seats_intro": (
        "How many of the TVET institutions' seats learners filled under each policy, in "
        "the rural regions pooled and in the whole city: the learners at a month's end "
        "(a full-time programme's students of every year) over the seats, the mean "
        "learners over the mean seats of the months and seeds. Full-time TVET takes new "
        "students only when school leavers choose their path, once a year in the month "
        "after their cohort enters ({intake}), and its seats empty through the year as "
        "students finish or drop out: their table is of those months. Lifelong-learning courses take learners every month: "
        "theirs is of months 1 to {months}. A share well below 100% means seats stood "
        "empty when learners chose: more of them, as the rural training access policy "
        "buys, could change no choice there; at 100% seats ration who trains. {more}From "
        "region.parquet (docs/ODD.md, section 9).",
        "各项政策下职业院校的名额有多少被学员占用（农村地区合计及全市）：月末在学人数（全日制项目各年级学生合计）除以名额数，"
        "为各月及各随机种子的在学人数均值除以名额均值。全日制职业教育只在离校生选择去向时招收新生，"
        "即每届离校生进入后的次月（{intake}），此后名额因毕业或退学而逐渐空出：其表格只取这些月份。"
        "终身学习培训课程每月招收学员：其表格取第1至{months}个月。使用率远低于100%说明学员选择时名额空置："
        "在那里增加名额（如农村培训可及性政策）不会改变任何选择；使用率达到100%时，名额决定谁能参加培训。"
        "{more}数据来自 region.parquet（模型说明文档（ODD）第9节）。",
    ),
    "seats_more_note": (
        "Where a policy changes the seats, a last line gives its seats and learners "
        "against those of {base}, means over the seeds (no interval): the learners' change "
        "is the policy's whole effect on them, its other levers' included (a subsidy that "
        "draws leavers into apprenticeships lowers them), not a count of its seats filled. ",
        "政策改变名额时，最后一行给出与{base}相比的名额和学员变化（各随机种子的均值，无置信区间）：学员的变化是"
        "该政策对学员的全部影响，包括其其他政策工具的影响（吸引离校生参加学徒培训的补贴会使其减少），"
        "并非其所购名额的占用数。",
    ),
    "seats_tvet_head": (
        "Full-time TVET seats in the month school leavers choose{when}: share in use",
        "职业院校全日制培训名额（离校生选择去向的月份{when}）：使用率",
    ),
    "seats_course_head": (
        "Lifelong-learning course seats, every month: share in use",
        "终身学习培训课程名额（各月）：使用率",
    ),
    "seats_rural": ("rural {use} of {seats} seats", "农村：使用率{use}（名额{seats}个）"),
    "seats_city": (
        "whole city (rural included) {use} of {seats}",
        "全市（含农村）：使用率{use}（名额{seats}个）",
    ),
    "seats_rural_none": ("rural: no seats", "农村：无名额"),
    "seats_city_none": ("whole city: no seats", "全市：无名额"),
    "seats_intake_each": ("each scenario's own: {months}", "各情景不同：{months}"),
    "seats_no_intake": (
        "no intake in months 1 to {months}",
        "第1至{months}个月无招生",
    ),
    "seats_more": (
        "{area}, against {base}: seats {seats}, learners {learners}",
        "{area}与{base}相比：名额{seats}，学员{learners}",
    ),
    "seats_area_rural": ("rural", "农村"),
    "seats_area_city": ("whole city", "全市"),
    "seats_none": (
        'Not shown: this sweep did not keep the region table ("region" is not in the '
        "experiment's keep list).",
        "未显示：本组模拟未保存分地区表（实验文件的 keep 列表中没有 “region”）。",
    ),
    "seats_old": (
        "Not shown: this sweep's region tables were written by older code, before they "
        "counted the providers' seats (2026-12-07). Run the sweep into a new folder "
        "(--out) to see them: run again into this one, its finished runs are kept as "
        "they are.",
        "未显示：本组模拟的分地区表由旧版代码写出，当时尚未统计职业院校的名额（2026-12-07）。"
        "请将本组模拟运行到新的文件夹（--out）中以显示此部分：在原文件夹中重新运行会保留已完成的运行，不会改写其结果。",
    ),
    "seats_older_runs": (
        "Left out of these tables: {runs}, written by older code before the region tables "
        "counted the seats (a sweep resumed after the code changed).",
        "以下运行由旧版代码写出，当时分地区表尚未统计名额（代码更新后继续运行的模拟），不计入这些表格：{runs}。",
    ),
    "seats_points": (
        "Not shown for a design the summary summarises over its points (a sobol or "
        "morris design, or more than {most} points): load the sweep's region table "
        '(analysis.load(folder, table="region")) and compare tvet_seat_use and '
        "course_seat_use in a notebook.",
        "对于摘要中按设计点汇总的设计（sobol 或 morris 设计，或超过{most}个设计点）不显示："
        '请在笔记本中读取本组模拟的 region 表（analysis.load(folder, table="region")）'
        "并比较 tvet_seat_use 和 course_seat_use。",
    ),
}

# Said after the common random numbers (``_METHODS[1]``) where there are paired and
# unpaired intervals to compare; where there is one seed, said at the end.
_PAIRING_GAIN = (
    "Across these results the paired 95% intervals are a median {ratio} times narrower "
    "than unpaired (Welch) intervals of the same runs.",
    "本结果中，配对95%置信区间的宽度中位数比同样运行的非配对（Welch）区间窄{ratio}倍。",
)
_ONE_SEED = (
    "With one seed there are no intervals: one run per policy cannot tell an effect from "
    "the seed's luck. Run two seeds or more (replications) for the intervals.",
    "只有一个随机种子时没有置信区间：每项政策一次运行无法区分政策效应与随机性。"
    "请运行两个或更多随机种子（重复实验）以得到置信区间。",
)

_METHODS: tuple[tuple[str, str], ...] = (
    (
        "Each scenario and policy was run with {seeds_counted} (replications; root seed {root}). "
        "Each run starts with {burn} months of burn-in under the status quo with the "
        "scenario's drivers frozen; month 0 is the shared state when the policy starts.",
        "每个情景与政策组合运行{n}个随机种子（重复实验；根种子{root}）。每次运行先在无新政策（现状）下、"
        "情景驱动因素冻结的条件下预热{burn}个月；第0个月是政策开始时各政策共享的状态。",
    ),
    (
        "Common random numbers: a random draw is a hash of (seed, month, stream, agent, slot), so "
        "two policies run with the same seed meet the same luck, and an effect is a paired "
        "difference.",
        "公共随机数：每个随机数由（种子、月份、随机流、个体、序号）的哈希生成，因此同一种子下的两项政策面对相同的随机性，"
        "政策效应为配对差异。",
    ),
    (
        "Each run is summarised by its mean over months 1 to {months}; an effect is the mean "
        "over seeds of the paired differences (policy minus {base}), and its interval is the "
        "95% t interval of those differences (n - 1 degrees of freedom). With few seeds the "
        "intervals are wide: they say how sure the simulation is, not how sure the world is.",
        "每次运行以第1至{months}个月的均值概括；政策效应为各随机种子配对差异（政策减{base}）的均值，"
        "区间为这些差异的95% t 区间（自由度 n - 1）。随机种子较少时区间较宽：它反映的是模拟结果的不确定性，而非现实世界的不确定性。",
    ),
    (
        "The intervals cover seed noise only, not the model's parameters. The effects of "
        "apprenticeship levers (subsidy, quality standards, wage floor) rest on how strongly "
        "firms' training supply responds to its costs and benefits, which no calibration "
        "target pins (docs/ODD.md, 11.5): the two calibrations that match every target "
        "differ in the size of the status quo's apprenticeship system, and so in how much "
        "the policy package lowers youth unemployment (the current figures: docs/ODD.md, "
        "10.2 and 11.3, and the README). The two current fits agree that the package adds "
        "apprenticeships and differ in how much it lowers youth unemployment (under the "
        "shipped fit by less than a point: urban youth unemployment in the baseline "
        "scenario, 20,000 workers, months 1-120, 0.7 points [0.5, 0.9] lower over 16 paired "
        "seeds, where 4 seeds do not settle it); an earlier fit, with apprentices paid below the minimum "
        "wage, had it cut apprenticeships (docs/ODD.md, 10.3). Read the sizes as indicative, "
        "and run a policy under baseline_alternative_fit too.",
        "区间只反映随机种子带来的波动，不反映模型参数的不确定性。学徒制政策（企业新型学徒制培训补贴、高质量学徒制标准、学徒工资下限）"
        "的效应取决于企业培训供给对成本与收益的反应强度，而这一点没有任何校准目标加以约束"
        "（模型说明文档（ODD）第11.5节）：两套均拟合所有目标的校准在现状学徒制规模上不同，"
        "因而一揽子政策降低青年失业率的幅度也不同（当前数值见模型说明文档（ODD）第10.2、11.3节及模型使用说明）。"
        "当前两套校准都显示一揽子政策增加学徒，但对青年失业率的降幅看法不同（默认校准下不到1个百分点：基准情景城镇青年失业率，2万名劳动者，第1-120个月，16对种子降低0.7个百分点 [0.5, 0.9]，4对种子不足以判定）；"
        "此前一套学徒工资低于最低工资的校准曾显示其减少学徒（模型说明文档（ODD）第10.3节）。"
        "其大小仅供参考，并请同时在{alt_fit}下运行该政策。",
    ),
    (
        "Cost per additional worker in employment is the extra public spending divided by the "
        "extra workers in jobs or apprenticeships (both means over the policy months), with "
        "Fieller's interval for a ratio; it is given only where the employment effect is "
        "clearly positive. Spending and cost can be negative: a policy that draws school "
        "leavers from publicly funded TVET seats into apprenticeships can save more than it "
        "spends.",
        "每新增一名就业者的公共成本 = 新增公共支出 ÷ 新增就业人数（含学徒，均为政策期均值），"
        "区间采用比率的Fieller区间；仅在就业效应明确为正时给出。支出与成本可以为负："
        "把应届毕业生从公共资助的职业院校培训名额吸引到学徒岗位的政策，节省的可能多于花费的。",
    ),
    (
        "What the model cannot answer yet (docs/ODD.md, 10.2): rural training access has "
        "almost no way to act; skills anticipation and core skills have no path to more jobs; "
        "green curricula lower the relevance of all training; rural revitalization as shipped "
        "leaves few unemployed (its unemployment rate stays low), so policies have little "
        "to act on under it and under combined. Effects of these levers and scenarios (marked ‡ "
        "in the tables) are the model's mechanics, not evidence.",
        "模型目前尚不能回答的问题（模型说明文档（ODD）第10.2节）：农村培训可及性几乎没有作用渠道；"
        "技能预测与核心技能没有带来更多岗位的路径；绿色课程会降低全部培训的相关性；"
        "默认的乡村振兴情景失业者很少（失业率保持在低位），因此在该情景及“{combined}”情景下政策几乎无从发挥作用。"
        "这些政策工具和情景（表格中以‡标注）的效应反映的是模型机制，而非实证证据。",
    ),
    (
        "In the pipeline figure, 'kept by the training firm' and 'in work 12 months later' "
        "are completions times the rolling retention rate and the 12-month employment rate "
        "of completers. Paths show the baseline policy and at most three others: the full "
        "package where the sweep has one, then the policies of largest effect on the path's "
        "own measure (its mean size over the scenarios, however clear; the experiment's "
        "order without effects); the tables and the effect figures show every policy.",
        "学徒培养链条图中，“被培训企业留用”和“12个月后在业”为结业人数乘以滚动留用率和结业者12个月就业率。"
        "趋势图显示基准政策及最多三项其他政策：一揽子政策（如有），以及对该图所示指标影响最大的政策"
        "（按各情景效应大小的均值，不论是否明确；无效应时按实验中的顺序）；"
        "表格和效应图包含全部政策。",
    ),
    (
        "Counts (workers, apprentices, spending) are for a model city of {workers:,} workers; "
        "compare rates, or scale counts to a real city's size.",
        "人数与支出对应{workers:,}名劳动者的模拟城市；请比较比率，或按实际城市规模换算。",
    ),
)

_SECTOR_KINDS = {
    "brown": ("brown (high-carbon)", "高碳"),
    "green": ("green", "绿色"),
    "neutral": ("other", "其他"),
    "rural": ("rural", "农村"),
}
_DEFINITIONS_ZH: dict[str, str] = {
    "unemployment_rate": "全市（含农村县）失业人数 / 劳动力；劳动力 = 就业 + 学徒 + 失业（国际劳工组织定义：学徒计为就业）；国家统计局调查失业率仅覆盖城镇，可与本报告的模拟“城镇失业率”比较",
    "youth_unemployment_rate": "全市（含农村县）25岁以下劳动者的失业率（国际劳工组织青年口径；离校生默认18岁进入劳动力市场；可与国家统计局16-24岁青年失业率比较的是城镇青年失业率）",
    "urban_unemployment_rate": "城镇地区（中心城区与县城）常住劳动者的模拟失业率，与国家统计局城镇调查失业率口径相近",
    "urban_youth_unemployment_rate": "城镇地区25岁以下常住劳动者的失业率（离校生默认18岁进入劳动力市场，在校生不计入劳动力，与国家统计局城镇16-24岁不含在校生的青年失业率口径相近）",
    "employment_rate": "（就业 + 学徒）/ 劳动年龄人口（含在校学生与培训学员）",
    "youth_neet_rate": "25岁以下未就业、未上学、未培训者（失业或非劳动力）/ 全部25岁以下人口（含学生、学员与学徒；国际劳工组织，可持续发展目标8.6.1）",
    "skill_gap_mean": "在职者技能不足与技能过剩差距之和的平均值（0-1）",
    "apprenticeship_starts": "当月开始的学徒培训人数",
    "apprenticeship_completion_rate": (
        "近12个月结业人数 / （结业 + 提前终止：学员退出与企业退出）；新增学徒的政策实施后的第一个合同期内，"
        "新合同可能提前终止却尚未能结业：因此本报告按最长合同期之后的月份汇总其效应"
    ),
    "green_employment_share": "绿色行业就业人数 / 就业人数",
    "spending_total_yuan": "全部公共项目支出（元/月）",
    "cost_per_additional_employed_yuan": "新增公共支出 / 新增就业人数（相对同一情景、同一随机种子的无新政策（现状）运行）",
    "vacancy_rate": "空缺岗位 / （空缺 + 已填补岗位）",
    "rural_unemployment_rate": "农村地区常住劳动者的失业率",
    "displaced_unemployment_rate": "曾在高碳（棕色）行业失去工作的劳动者的失业率",
    "under_skilled_share": "技能不足差距超过技能不足阈值的在职者比例",
    "skill_shortage_vacancies": "空缺3个月及以上未能招到人、有申请者但达到录用门槛的申请者少于空缺数的岗位",
    "employability": "失业者能够达到录用门槛的可及空缺岗位的平均比例（抽样估计）",
    "apprentices": "在训学徒人数",
    "apprenticeship_retention_rate": "近12个月结业者中被培训企业留用的比例",
    "wage_mean_yuan": "在职者平均工资",
    "apprenticeship_completions": "当月完成学徒培训的人数",
}


def _t(key: str, lang: str) -> str:
    return _T[key][i18n.LANGS.index(lang)]


# ------------------------------------------------------------------ data


@dataclass
class Sweep:
    """What the report reads from a sweep folder."""

    path: Path
    manifest: dict[str, Any]
    results: pd.DataFrame
    effects: pd.DataFrame
    baseline: str
    # region, sector and cell tables kept by the sweep, of the runs the maps show
    # (under the baseline policy, see _map_policy)
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)
    # how far the sweep got, from its run folders and ledger (not the manifest's counts,
    # which a killed sweep left behind)
    progress: SweepProgress | None = None
    # how many versions of the code computed its finished runs (analysis.code_versions)
    code_versions: int = 1
    # the effects on the monthly rates out of unemployment (transitions.parquet's
    # transition_rate from "unemployed" to each of FLOWS_TO), None where the sweep did not
    # keep the table, has no effects or too many design points (``_summarised``)
    flows: pd.DataFrame | None = None
    # the same for the rural regions pooled (region_transitions.parquet), with the rate
    # of the rural unemployed hired in another region (moved_out_rate), None where the
    # sweep did not keep the table (``_rural_flow_effects``)
    rural_flows: pd.DataFrame | None = None
    # the training providers' seats and learners, rural regions pooled and the whole
    # city (``seat_use``), None where the sweep did not keep the region table (or has
    # too many design points), empty where its tables predate the seat columns
    seats: pd.DataFrame | None = None
    # the months (first, last) over which the effects on the apprenticeship completion
    # rate are summarised (``completion_months``), None where they are months 1..M
    completion: tuple[int, int] | None = None
    # the effects on OVER_TIME_METRICS over months 1..EARLY_MONTHS (point 0) and after
    # (point 1), None for shorter runs, design sweeps or a sweep without effects
    over_time: pd.DataFrame | None = None
    # each combination of the sweep's other policies (``analysis.policy_parts``: the
    # package) against its parts added up (``analysis.interaction``, PARTS_METRICS),
    # None where the sweep has none, one seed, or design points
    parts: pd.DataFrame | None = None

    @property
    def experiment(self) -> dict[str, Any]:
        return self.manifest["experiment"]

    @property
    def seeds(self) -> int:
        return int(self.results.groupby(["scenario", "policy", "point"])["seed"].nunique().max())

    @property
    def scenario_order(self) -> list[str]:
        """Scenario names in the experiment's order (as runs name them)."""
        names = list(self.manifest.get("scenarios", {}))
        return names + [s for s in dict.fromkeys(self.results["scenario"]) if s not in names]

    @property
    def policy_order(self) -> list[str]:
        names = list(self.manifest.get("policies", {}))
        return names + [p for p in dict.fromkeys(self.results["policy"]) if p not in names]

    @property
    def months(self) -> int:
        return int(self.results["month"].max())


_EFFECT_KEYS = ("scenario", "policy", "point")
_EFFECT_COLUMNS = (
    "metric",
    "n",
    "effect",
    "ci_low",
    "ci_high",
    "unpaired_ci_low",
    "unpaired_ci_high",
)


def jobs_effects(
    results: pd.DataFrame,
    baseline_policy: str | None = None,
    summary: str = "mean",
    months: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Paired effects on workers in employment (employed + apprentices) as rows of
    metric ``in_employment``, computed by ``analysis.effects`` exactly as for any
    catalogue metric (its ``employed`` column replaced by the sum), against the same
    baseline (by default the sweep's own), over the same months (``summary``,
    ``months``: ``analysis.effects``'s)."""
    total = results.assign(employed=results["employed"] + results["apprentices"])
    total.attrs = results.attrs
    out = analysis.effects(
        total, baseline_policy, metric_names=["employed"], summary=summary, months=months
    )
    attrs = out.attrs
    out = out[out["metric"] == "employed"]
    out = out.assign(metric="in_employment", unit="workers").reset_index(drop=True)
    out.attrs = attrs  # (the baseline it is against)
    return out


def _manifest_of(path: Path) -> dict | None:
    """The folder's manifest (None: no folder, or none in it); a damaged one is a
    ReportError naming the file."""
    try:
        return analysis._manifest(path) if path.is_dir() else None
    except analysis.DamagedFolderError as exc:
        raise ReportError(str(exc)) from None


def read(path: str | Path) -> Sweep:
    """Load a sweep folder: results, effects (with ``in_employment``), breakdowns."""
    path = Path(path)
    manifest = _manifest_of(path)
    if not path.exists():
        raise ReportError(
            f"{path}: no such folder (allowed: a folder `skillsim sweep` or `skillsim run` wrote)"
        )
    inside: dict[str, list[str]] = {}  # (what the folder's folders are, where it is none)
    for child in sorted(path.glob("*/manifest.json")) if manifest is None else []:
        try:  # (only its kind: a damaged one is said where it is read)
            kind = json.loads(child.read_text(encoding="utf-8")).get("kind")
        except (OSError, ValueError, AttributeError):
            continue
        inside.setdefault(str(kind), []).append(child.parent.name)
    for kind, what in (("sweep", "sweep folders"), ("run", "run folders")):
        if kind in inside:
            names = inside[kind]
            compare = f"; `skillsim effects {path}` compares the runs" if kind == "run" else ""
            raise ReportError(
                f"{path}: a folder of {what} ({', '.join(names[:3])}"
                f"{' ...' if len(names) > 3 else ''}), not one: a report is of one sweep or "
                f"one run (allowed: `skillsim report {path / names[0]}`{compare})"
            )
    if manifest is None or manifest.get("kind") != "sweep":
        raise ReportError(
            f"{path}: neither a sweep folder nor a run folder (allowed: the folder "
            "`skillsim sweep` writes, with manifest.json, ledger.parquet and runs/, or the "
            "folder `skillsim run` writes, with manifest.json and metrics.parquet)"
        )
    progress = sweep_progress(path, manifest)
    with warnings.catch_warnings():  # (the report says both itself: ``progress``, ``mixed``)
        warnings.simplefilter("ignore", analysis.IncompleteSweepWarning)
        warnings.simplefilter("ignore", analysis.MixedCodeWarning)
        results = _unsourced(analysis.load(path))
    if results.empty:
        raise ReportError(f"{path}: no finished runs yet; run or resume the sweep first")
    baseline = manifest["experiment"].get("baseline_policy", "none")
    policies = set(results["policy"])
    if baseline in policies and len(policies) > 1:
        effects = analysis.effects(results, baseline)
        attrs = effects.attrs  # (what they are against: the figures' notes, the levels)
        effects = pd.concat([effects, jobs_effects(results, baseline)], ignore_index=True)
        effects.attrs = attrs
    else:  # a sensitivity sweep of one policy, or a sweep stopped before any other
        # policy's run had finished: paths and indices, no effects
        effects = pd.DataFrame(columns=[*_EFFECT_KEYS, *_EFFECT_COLUMNS])
    window = completion_months(manifest, int(results["month"].max()))
    if window is not None:  # (attrs kept: the table's, the figures' notes read)
        effects = analysis.past_the_contracts(effects, results, baseline, window)
    sweep = Sweep(path, manifest, results, effects, baseline, progress=progress)
    sweep.completion = (
        window if window is not None and COMPLETION in set(effects["metric"]) else None
    )
    sweep.code_versions = max(results.attrs["skillsim"]["code_versions"], 1)
    keeps = "transitions" in manifest["experiment"].get("keep", [])
    if keeps and not effects.empty and not _summarised(sweep):  # (one table per point)
        sweep.flows = _flow_effects(path, baseline)
    regional = "region_transitions" in manifest["experiment"].get("keep", [])
    if regional and not effects.empty and not _summarised(sweep):
        sweep.rural_flows = _rural_flow_effects(path, baseline)
    if "region" in manifest["experiment"].get("keep", []) and not _summarised(sweep):
        sweep.seats = seat_use(path, manifest)
    if not effects.empty:
        sweep.parts = _parts_table(sweep)
    sweep.over_time = _over_time_effects(sweep)
    policy = _map_policy(sweep)  # the maps show one policy: load no other (cell is large)
    for table in ("sector", "region", "cell"):
        if table in manifest["experiment"].get("keep", []):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", analysis.IncompleteSweepWarning)
                    warnings.simplefilter("ignore", analysis.MixedCodeWarning)
                    sweep.breakdowns[table] = _unsourced(
                        analysis.load(path, table=table, policies=[policy])
                    )
            except FileNotFoundError:  # a run folder without it: no figure, not a failure
                continue
    return sweep


COMPLETION = analysis.COMPLETION
PARTS_METRICS = analysis.PARTS_METRICS  # (the measures of a package against its parts)


def _parts_table(sweep: Sweep) -> pd.DataFrame | None:
    """Each of the sweep's combinations of its other policies against its parts added
    up (``analysis.interaction``), of the sweep's runs; None without a combination
    whose parts all ran, with one seed (no interval to tell a difference by), or with
    design points (a point's settings may change the parts: their sums are not
    comparable across them)."""
    r = sweep.results
    if r["point"].nunique() > 1 or sweep.seeds < 2:
        return None
    if (analysis.changed_levers(sweep.manifest) or {}).get(sweep.baseline):
        return None  # (against a policy that sets levers, its own effect counts in too)
    ran = set(r["policy"].unique())
    combos = {
        whole: parts
        for whole, parts in analysis.policy_parts(sweep.manifest).items()
        if whole in ran and set(parts) <= ran and sweep.baseline not in (whole, *parts)
    }
    names = [m for m in PARTS_METRICS if m in r.columns]
    if not combos or not names or sweep.baseline not in ran:
        return None
    tables = [
        analysis.interaction(r, whole, parts, sweep.baseline, names)
        for whole, parts in combos.items()
    ]
    out = pd.concat(tables, ignore_index=True)
    out.attrs = tables[0].attrs  # (the source and baseline the figures' notes say)
    return out


MANY_PAIRS = analysis.MANY_PAIRS  # pairs of policies the report draws as matrices from
# A difference from the parts added up that the summary and a pair's table name: clear
# in every scenario, one way, and at least this share of the largest effect of a single
# policy on the measure there (with 21 pairs x 5 measures, the summary had named four
# pairs, three of them for differences of 0.03 points of unemployment or a few tenths
# of a start, where a single policy moved 0.3 points or 37 starts)
MATERIAL_SHARE = 0.1


def _pairs(sweep: Sweep) -> list[str]:
    """The sweep's combinations of two policies, where it has ``MANY_PAIRS`` or more
    (drawn as matrices, ``plots.pair_interactions``; fewer are tabled as the package
    is); else none."""
    if sweep.parts is None:
        return []
    one = sweep.parts.drop_duplicates("policy")
    pairs = list(one.loc[one["parts"].str.count(r"\+") == 1, "policy"])
    return pairs if len(pairs) >= MANY_PAIRS else []


def _material(sweep: Sweep, rows: pd.DataFrame) -> bool:
    """Whether the difference of a combination from its parts added up (``rows`` of
    one measure, a scenario each) is at least ``MATERIAL_SHARE`` of the largest effect
    of a single policy (a part of any of the sweep's combinations) on the measure, in
    every scenario with an interval."""
    parts = {p for joined in sweep.parts["parts"] for p in joined.split("+")}
    e = sweep.effects
    e = e[e["policy"].isin(parts) & (e["metric"] == rows["metric"].iloc[0])]
    largest = e.groupby("scenario")["effect"].apply(lambda x: x.abs().max())
    known = rows[rows["n"] >= 2]
    return not known.empty and all(
        abs(d) >= MATERIAL_SHARE * largest.get(s, math.inf)
        for s, d in zip(known["scenario"], known["interaction"], strict=True)
    )


# (the window of the completion rate's effects: analysis's, which `skillsim effects` uses too)
completion_months = analysis.completion_months


# Where the unemployed go: the statuses at a month's end whose rates out of unemployment
# the report's flows section tables (the rest stay unemployed or retire)
FLOWS_TO = ("employed", "apprentice", "training", "inactive")


def _kept_table(path: Path, table: str, rows=None) -> pd.DataFrame | None:
    """The sweep's breakdown ``table`` (``analysis.load``, of its ``rows`` only, its
    warnings of an unfinished sweep or mixed code left to the report, which says both
    itself), or None where its run folders lack it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", analysis.IncompleteSweepWarning)
            warnings.simplefilter("ignore", analysis.MixedCodeWarning)
            return analysis.load(path, table=table, rows=rows)
    except FileNotFoundError:
        return None


def _flow_effects(path: Path, baseline: str) -> pd.DataFrame | None:
    """The paired effects on the monthly rates out of unemployment into ``FLOWS_TO``
    (``analysis.effects`` of the sweep's transitions, the pairs from "unemployed" only),
    or None where its run folders lack the table."""
    moves = _kept_table(path, "transitions", rows={"from_status": ["unemployed"]})
    if moves is None:
        return None
    out = moves[(moves["from_status"] == "unemployed") & moves["to_status"].isin(FLOWS_TO)]
    out.attrs = moves.attrs
    return analysis.effects(out, baseline, metric_names="transition_rate")


def _rural_flow_effects(path: Path, baseline: str) -> pd.DataFrame | None:
    """The paired effects on the rural unemployed's monthly rates (region_transitions
    pooled into urban and rural regions, ``analysis.pool_regions``): out of unemployment
    into each of ``FLOWS_TO`` (transition_rate), and into a job in another region
    (moved_out_rate of to_status employed: of all the rural unemployed at the month's
    start, as every rate here); None where the run folders lack the table, and an empty
    frame where the city has no rural region. ``attrs["all_urban"]`` lists the scenarios
    whose city has none (left out of the tables)."""
    # (the unemployed's rows only, read so: an eighth of the table, whose 7 million rows
    # of the default sweep made the report's peak, 2.6 GB, an outside review)
    moves = _kept_table(path, "region_transitions", rows={"from_status": ["unemployed"]})
    if moves is None:
        return None
    # (the rates' denominators are sums over to_status, within from_status: filter the
    # from_status before pooling, the to_status after)
    urban = moves["urban"].astype(bool)
    everywhere = urban.groupby(moves["scenario"], sort=False).all()
    all_urban = [str(x) for x in everywhere.index[everywhere.to_numpy()]]
    out = moves[(moves["from_status"] == "unemployed") & ~urban]
    out.attrs = moves.attrs
    if out.empty:
        e = out
    else:
        pooled = analysis.pool_regions(out)
        pooled = pooled[pooled["to_status"].isin(FLOWS_TO)]
        e = analysis.effects(pooled, baseline, metric_names=["transition_rate", "moved_out_rate"])
        keep = (e["metric"] == "transition_rate") | (e["to_status"] == "employed")
        e = e[keep].reset_index(drop=True)
    e.attrs = {**e.attrs, "all_urban": all_urban}
    return e


# The region table's counts of the training providers' seats and learners
SEAT_COUNTS = ("tvet_seats", "tvet_enrolled", "course_seats", "course_enrolled")


MONTH_NAMES = (
    ("January", "1月"), ("February", "2月"), ("March", "3月"), ("April", "4月"),
    ("May", "5月"), ("June", "6月"), ("July", "7月"), ("August", "8月"),
    ("September", "9月"), ("October", "10月"), ("November", "11月"), ("December", "12月"),
)  # fmt: skip


# The month of the year in which a scenario's school leavers take TVET seats, from a
# sweep's or a run's manifest (``analysis.intake_month``).
intake_month = analysis.intake_month


def seat_use(path: str | Path, manifest: dict[str, Any] | None = None) -> pd.DataFrame | None:
    """The training providers' seats and learners by scenario, policy and design point,
    the region table's counts summed over the rural regions (``area`` "rural") and over
    the city ("city"), each a mean over the runs' months and seeds, with the share in
    use (the mean learners over the mean seats): TVET in the intake months only
    (``intake_month``: leavers take TVET seats then, which empty through the year as
    students finish or drop out; ``intakes``, how many a run had from month 1 on, 0
    where none: no TVET share), courses (which take learners every month) in months
    1..M. None where the run folders lack the region table; an empty frame where its
    tables predate the seat columns; ``attrs["older_runs"]``: runs left out because
    their tables do (a sweep resumed after the code changed). A scenario whose city
    has no rural region has no "rural" rows. (``manifest``: the sweep's, read from
    ``path`` where not given.)"""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"seat_use takes a sweep folder's path, not a {type(path).__name__} (allowed: "
            "the folder `skillsim sweep` wrote, e.g. report.seat_use('results/sweep-...'))"
        )
    path = Path(path)
    if not path.is_dir():  # (None said "the region table was not kept": an outside review)
        raise FileNotFoundError(f"{path}: no such folder (allowed: a sweep folder)")
    manifest = (_manifest_of(path) or {}) if manifest is None else manifest
    regions = _kept_table(path, "region")
    if regions is None:
        return None
    if not set(SEAT_COUNTS) <= set(regions.columns):
        return pd.DataFrame()
    older = regions.loc[regions["tvet_seats"].isna(), "run_id"].unique()
    regions = regions[~regions["run_id"].isin(older) & (regions["month"] >= 1)]
    if regions.empty:
        return pd.DataFrame()
    keys = ["scenario", "policy", "point"]
    months = {x: intake_month(manifest, str(x)) for x in regions["scenario"].unique()}
    at_intake = regions["month"] % 12 == regions["scenario"].map(months)
    parts = []
    rural = ~regions["urban"].astype(bool)
    for area, here in (("rural", rural), ("city", pd.Series(True, index=regions.index))):
        month = regions[here].groupby([*keys, "seed", "month"], sort=False)
        courses = month[["course_seats", "course_enrolled"]].sum().groupby(keys, sort=False)
        chose = regions[here & at_intake]
        tvet = chose.groupby([*keys, "seed", "month"], sort=False)
        tvet = tvet[["tvet_seats", "tvet_enrolled"]].sum().groupby(keys, sort=False)
        both = courses.mean().join(tvet.mean(), how="left")
        runs = chose.groupby([*keys, "seed"], sort=False)["month"].nunique()
        both["intakes"] = runs.groupby(keys, sort=False).min()
        parts.append(both.reset_index().assign(area=area))
    out = pd.concat(parts, ignore_index=True)
    out["intakes"] = out["intakes"].fillna(0).astype(int)
    for seats, enrolled, use in (
        ("tvet_seats", "tvet_enrolled", "tvet_seat_use"),
        ("course_seats", "course_enrolled", "course_seat_use"),
    ):
        out[use] = (out[enrolled] / out[seats]).where(out[seats] > 0)
    out.attrs["older_runs"] = len(older)
    return out


def _unsourced(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its source (``analysis.source``): the report puts its own line
    under each figure (``sourced``), so plots draws none (two lines said it twice)."""
    frame.attrs.get("skillsim", {}).pop("source", None)
    return frame


# --------------------------------------------------------------- figures


@dataclass
class FigureSpec:
    """A figure of the report (``draw`` makes it), or, with ``draw=None``, a note in its
    place saying why it is missing."""

    name: str
    caption: str
    draw: Callable[[], Any] | None


def figures(sweep: Sweep, style: str, lang: str) -> list[FigureSpec]:
    """The report's figures, in order (drawn lazily), each with the sweep it shows in a
    line under it (``sourced``): a PNG copied onto a slide keeps it."""
    e = sweep.experiment
    named, file = _experiment_words(sweep, lang)
    if not named and file:  # (a Chinese page's experiment without a Chinese name: its file)
        named = file.strip("（）") + "，"
    line = _t("source", lang).format(
        name=named,
        workers=int(e.get("workers", 0)),
        seeds=sweep.seeds,
        seeds_counted=i18n.counted(sweep.seeds, "seed"),
        months=int(e.get("months", sweep.results["month"].max())),
    )
    codes = analysis.code_versions(sweep.path).index
    if len(codes) == 1:  # (the code that computed the runs, as the ledger names it)
        line += ("；代码" if lang == "zh" else "; code ") + str(codes[0])[:8]
    return sourced(_figures(sweep, style, lang), line, style, lang)


def _experiment_words(sweep: Sweep, lang: str) -> tuple[str, str]:
    """How the page names the sweep's experiment: (a lead-in, a note of its file). In
    English its identifier; in Chinese its Chinese name (a shipped experiment's,
    "主实验（全部情景×全部政策）："), else no name and the file once, in the subtitle
    ("（实验文件：mine.toml）"): an identifier is no word in a Chinese sentence."""
    name = sweep.experiment.get("name", sweep.path.name)
    if lang != "zh":
        return name, ""
    words = i18n.experiment_name(name, lang)
    if words is not None:
        return f"{words}：", ""
    source = sweep.manifest.get("source") or f"{name}.toml"
    return "", f"（实验文件：{Path(str(source)).name}）"


def sourced(specs: list[FigureSpec], line: str, style: str, lang: str) -> list[FigureSpec]:
    """``specs`` whose figures carry ``line`` (the runs they show) in small grey type
    under them, at the right, where a chart's source goes: a PNG taken out of the report
    for a slide or a paper still says what it shows."""

    def under(draw):
        from simulation import plots

        def drawn():
            fig = draw()
            with plots.theme(style, lang):  # (the style's fonts: CJK ones for zh)
                # under the lowest thing drawn: a legend or note may reach below the
                # figure's edge (a heat map's thin-cell legend sat on the line)
                from matplotlib.backends.backend_agg import FigureCanvasAgg

                canvas = FigureCanvasAgg(fig)  # (a closed pyplot figure has a bare canvas)
                canvas.draw()
                renderer = canvas.get_renderer()
                # Laid out now and kept: saved with bbox_inches="tight", the figure's frame
                # widens to take the line in, and a legend placed against the frame's
                # bottom ("outside lower center") moved down onto it. Each figure legend
                # is pinned where it is, in figure coordinates.
                fig.set_layout_engine("none")
                for legend in fig.legends:
                    box = legend.get_window_extent(renderer).transformed(fig.transFigure.inverted())
                    legend.set_bbox_to_anchor(box.bounds, transform=fig.transFigure)
                    legend.set_loc("center")  # (centred in its own box: no padding moves it)
                low = fig.get_tightbbox(renderer).y0 / fig.get_figheight()
                y = min(0.0, low) - 0.01
                fig.text(1.0, y, line, ha="right", va="top", fontsize="x-small", color="#555555")
                # a slide is 1920 px wide (11 in at 100 dpi was soft), and a page prints
                # at 200 dpi or more: the style's resolution (laid out above: it scales)
                fig.set_dpi(plots.SAVE_DPI[style])
            return fig

        return drawn

    return [FigureSpec(s.name, s.caption, s.draw and under(s.draw)) for s in specs]


def _forest_caption(e: pd.DataFrame, what: str, intervals: str, lang: str) -> str:
    """A forest figure's caption: its rows (policies, or policies and design points) and,
    with one scenario, which (its markers have no legend then: "one marker per
    scenario" named none, an outside review)."""
    points = "point" in e.columns and e["point"].nunique() > 1
    rows = _t("forest_rows_points" if points else "forest_rows", lang)
    scenarios = list(dict.fromkeys(e["scenario"]))
    if len(scenarios) == 1:
        return _t("fig_forest_one", lang).format(
            what=what, intervals=intervals, rows=rows,
            scenario=name_of("scenario", scenarios[0], lang),
        )  # fmt: skip
    return _t("fig_forest", lang).format(what=what, intervals=intervals, rows=rows)


def _figures(sweep: Sweep, style: str, lang: str) -> list[FigureSpec]:
    from simulation import plots

    r, e, base = sweep.results, sweep.effects, sweep.baseline
    present = set(e["metric"])
    featured = _featured(r, base, sweep.policy_order)
    kw = {"style": style, "lang": lang}
    order = {"scenarios": sweep.scenario_order, "policies": sweep.policy_order}
    specs = []
    # A sobol or morris design's points are samples for its indices, dozens to hundreds
    # of them: a forest or cost figure with a row or marker per point cannot be read
    # (a 25-point forest was 7,000 pixels tall). Its effects are read through the
    # sensitivity figures; the point-by-point effects stay in analysis.effects. So are
    # a grid's or an lhs design's points past MANY_POINTS (a 100-point grid's forest was
    # 27,644 pixels tall, its cost figure's labels a smear: an outside review).
    sampled = _summarised(sweep)
    # (one paired seed: effects without intervals, as the figures say on them)
    single = e.empty or int(e["n"].max()) < 2
    intervals = _t("one_seed_no_intervals" if single else "with_intervals", lang)
    both = _t("one_seed_no_intervals" if single else "with_intervals_both", lang)
    if sampled and not e.empty:
        why = (
            _t("fig_sampled_points", lang)
            if _for_indices(sweep)
            else _t("fig_many_points", lang).format(points=sweep.results["point"].nunique())
        )
        specs.append(FigureSpec("effects_by_point", why, None))
    for m in () if sampled else FOREST_METRICS:
        if m in present:
            what = label(m, lang)
            specs.append(
                FigureSpec(
                    f"effects_{m}",
                    _forest_caption(e, what, intervals, lang),
                    lambda m=m: plots.forest(e, m, baseline_policy=base, **order, **kw),
                )
            )
    most = r.groupby(["scenario", "policy", "point"])["seed"].nunique().max()
    paths_caption = (  # (bands from 3 seeds up, as plots.paths draws them)
        "fig_paths_one" if most < 2
        else "fig_paths_two" if most == 2
        else "fig_paths_alone" if e.empty
        else "fig_paths"
    )  # fmt: skip
    # (over years, the status quo's own path rises and falls: an outside review read the
    # baseline's hump as what current trends do; said where the runs span three years)
    settling = (
        _t("paths_settling", lang).format(base=name_of("policy", base, lang))
        if int(r["month"].max()) >= 36 and base in set(r["policy"])
        else ""
    )
    for m in [m for m in PATH_METRICS if m in r.columns]:
        said, settling = settling, ""  # (under the first paths figure only: said 4 times)
        specs.append(
            FigureSpec(
                f"paths_{m}",
                _t(paths_caption, lang).format(what=_cap(label(m, lang))) + said,
                lambda m=m: plots.paths(
                    r,
                    m,
                    scenarios=sweep.scenario_order,
                    policies=_featured(r, base, sweep.policy_order, e, m),
                    baseline_policy=base,
                    hints=False,  # (no Python in a forum's notes)
                    **kw,
                ),
            )
        )
    policy = _map_policy(sweep)
    gaps = _gap_maps(sweep, policy)
    # One colour scale for every skill-gap map: side by side in a report, the map by
    # region and the map by sector had each its own, so one colour was two gaps (a
    # review); the sector x region maps shared theirs only among themselves.
    limits = plots.heatmap_limits(list(gaps.values())) if len(gaps) > 1 else None
    one_scale = _t("fig_heat_one_scale", lang) if len(gaps) > 1 else ""
    drawn = set()
    for table, key in (("sector", "fig_heat_sector"), ("region", "fig_heat_region")):
        frame = sweep.breakdowns.get(table)
        if frame is None and table not in sweep.manifest["experiment"].get("keep", [table]):
            # (not kept: said, as the cell map's absence is; its caption said "The same
            # by region" under no figure by sector: an outside review)
            zh = {"sector": "行业", "region": "地区"}[table]
            words = _t("no_heat", lang).format(table=table, table_zh=zh)
            specs.append(FigureSpec(f"skill_gap_by_{table}", words, None))
            continue
        if key == "fig_heat_region" and "sector" not in drawn:
            key = "fig_heat_region_alone"
        if table in gaps:
            under_base = gaps[table][0]
            points = under_base["point"].nunique()
            said = _t("cell_points", lang).format(points=points) if points > 1 else ""
            caption = _t(key, lang).format(base=i18n.name_of("policy", policy, lang), points=said)
            specs.append(
                FigureSpec(
                    f"skill_gap_by_{table}",
                    caption + ("" if drawn else one_scale),
                    # a design sweep's points are averaged, and the caption says so; the
                    # title says which policy and months (a PNG on a slide keeps it)
                    lambda t=table, f=under_base: plots.mismatch_heatmap(
                        f,
                        rows=t,
                        columns="scenario",
                        pool=("point",),
                        title=_map_title(t, "scenario", policy, int(f["month"].max()), lang),
                        limits=limits,
                        **kw,
                    ),
                )
            )
            drawn.add(table)
    specs += _sector_region_maps(sweep, policy, style, lang, limits, "" if drawn else one_scale)
    specs.append(
        FigureSpec(
            "apprenticeship_pipeline",
            _t("fig_funnel", lang),
            lambda: plots.funnel(
                r,
                scenarios=sweep.scenario_order,
                policies=featured,
                baseline_policy=base,
                hints=False,
                **kw,
            ),
        )
    )
    # The baseline policy's curve; a design sweep without it (every run under the
    # swept lever) draws every policy it has, and the caption names them.
    ran = set(r["policy"])
    drawn = [base] if base in ran else [p for p in sweep.policy_order if p in ran]
    drawn_words = ("、" if lang == "zh" else ", ").join(
        i18n.name_of("policy", p, lang) for p in drawn
    )
    specs.append(
        FigureSpec(
            "beveridge_curve",
            _t("fig_beveridge", lang).format(base=drawn_words),
            lambda: plots.beveridge(
                r,
                scenarios=sweep.scenario_order,
                policies=drawn,
                baseline_policy=base,
                per="year",
                hints=False,
                **kw,
            ),
        )
    )
    if (
        {"spending_total_yuan", "in_employment"} <= present
        and len(set(e["policy"])) > 0
        and not sampled
    ):
        specs.append(
            FigureSpec(
                "cost_effectiveness",
                _t("fig_cost", lang).format(intervals_both=both),
                lambda: plots.cost_effectiveness(
                    e,
                    scenarios=sweep.scenario_order,
                    # the paths' and pipeline's policies first: each keeps its colour
                    policies=featured + [p for p in sweep.policy_order if p not in featured],
                    baseline_policy=base,
                    **kw,
                ),
            )
        )
    if _pairs(sweep):
        for m in PARTS_METRICS:
            if m in set(sweep.parts["metric"]):
                specs.append(
                    FigureSpec(
                        f"pairs_{m}",
                        _t("fig_pairs", lang).format(what=_cap(label(m, lang))),
                        lambda m=m: plots.pair_interactions(
                            sweep.parts, m, scenarios=sweep.scenario_order, **kw
                        ),
                    )
                )
    design = sweep.experiment["design"]
    if design["kind"] in ("sobol", "morris"):
        # Of the policies' effects where the sweep has its baseline and another policy
        # (what a policy's effect depends on), else of each policy's level.
        policies = set(r["policy"])
        of = "effect" if base in policies and len(policies) > 1 else "level"
        for m in SENSITIVITY_METRICS:
            with warnings.catch_warnings(record=True) as said:
                warnings.simplefilter("always", analysis.SensitivityWarning)
                warnings.simplefilter("ignore", analysis.ConstantMetricWarning)
                try:
                    indices = analysis.sensitivity(r, m, of=of, baseline_policy=base)
                except ValueError:  # no scenario and policy with every design point
                    indices = None
            notes = [
                _sensitivity_note(w.message, lang, r.attrs.get("skillsim", {}).get("paths", {}))
                for w in said
                if w.category is analysis.SensitivityWarning
            ]
            what = label(m, lang)
            if indices is None or not (
                indices[[c for c in indices.columns if c in _INDEX_COLUMNS]].notna().any(axis=None)
            ):
                if indices is None:  # (an unfinished sweep: said, not silently dropped)
                    why = _t("list_sep", lang).join(notes) or _t("sensitivity_missing", lang)
                    specs.append(
                        FigureSpec(
                            f"sensitivity_{m}",
                            _t("fig_sensitivity_missing", lang).format(what=what, why=why),
                            None,
                        )
                    )
                continue
            caption = _sensitivity_caption(sweep, design, of, what, base, lang)
            if notes:
                caption += ("" if lang == "zh" else " ") + _t("sensitivity_notes", lang).format(
                    notes=_t("list_sep", lang).join(notes)
                )
            specs.append(
                FigureSpec(
                    f"sensitivity_{m}",
                    caption,
                    lambda i=indices: plots.sensitivity(i, **kw),
                )
            )
    return specs


_INDEX_COLUMNS = ("S1", "ST", "mu_star")


def _sensitivity_caption(sweep: Sweep, design: dict, of: str, what: str, base: str, lang: str):
    """What a sensitivity figure shows: of what (each policy's level, or its effect
    against the baseline), summarised how, which indices, their intervals, and N."""
    n = int(design.get("samples", 0))
    if design["kind"] == "sobol":
        size = i18n.counted(n, "base sample") if lang == "en" else f"{n}个基础样本"
        indices = _t("sensitivity_sobol", lang)
    else:
        size = i18n.counted(n, "trajectory") if lang == "en" else f"{n}条轨迹"
        indices = _t("sensitivity_morris", lang)
    key = "fig_sensitivity_effect" if of == "effect" else "fig_sensitivity"
    paths = [
        q
        for p in sweep.experiment.get("parameters", [])
        for q in (p.get("paths") or [p.get("path")])
    ]
    lever = of == "effect" and any(str(q).startswith("policy.") for q in paths)
    tail = (" " if lang == "en" else "") + _t("sensitivity_lever_too", lang) if lever else ""
    return _t(key, lang).format(
        what=what,
        base=name_of("policy", base, lang),
        months=sweep.months,
        indices=indices,
        size=size,
        seeds=(
            i18n.counted(sweep.experiment["replications"], "seed")
            if sweep.experiment["replications"] > 1
            else "one seed"
        )
        if lang == "en"
        else f"{sweep.experiment['replications']}个种子",
    ) + tail.format(base=name_of("policy", base, lang))


def _map_policy(sweep: Sweep) -> str:
    """The policy the skill-gap maps show: the baseline policy (no new policy), or the
    first policy of a sweep without it."""
    present = set(sweep.results["policy"])
    if sweep.baseline in present:
        return sweep.baseline
    return next(p for p in sweep.policy_order if p in present)


def _map_scenarios(sweep: Sweep) -> list[str]:
    """The scenarios of the sector x region maps, in order: ``baseline`` first (the
    other scenarios are read against it), else the experiment's first scenario."""
    present = set(sweep.results["scenario"])
    order = [s for s in sweep.scenario_order if s in present]
    if "baseline" in order:
        order.remove("baseline")
        order.insert(0, "baseline")
    return order


def sector_region_gap(
    cell: pd.DataFrame, policy: str, months: int = CELL_MONTHS
) -> tuple[pd.DataFrame, int, int]:
    """The rows of a sweep's ``cell`` table (``analysis.load(path, table="cell")``)
    that the sector x region maps average: runs under ``policy`` in their last
    ``months`` months (never month 0, the shared state at policy start). Returns the
    rows and the first and last month of the window."""
    last = int(cell["month"].max())
    first = max(1, last - months + 1)
    rows = cell[(cell["policy"] == policy) & cell["month"].between(first, last)]
    return rows, first, last


def _gap_maps(sweep: Sweep, policy: str) -> dict[str, tuple[pd.DataFrame, str, str]]:
    """The report's skill-gap maps under ``policy``, in order, each as (its rows of the
    table, the map's rows, its columns): by sector and by region (scenarios across,
    months 1 to M), then one by sector and region per scenario (its last months,
    ``sector_region_gap``), keyed by scenario. Tables the sweep did not keep, or that
    hold no rows, have none."""
    maps = {}
    for table in ("sector", "region"):
        frame = sweep.breakdowns.get(table)
        if frame is not None and not frame.empty:
            rows = frame[(frame["policy"] == policy) & (frame["month"] >= 1)]
            maps[table] = (rows, table, "scenario")
    cell = sweep.breakdowns.get("cell")
    if cell is not None and not cell.empty:
        rows = sector_region_gap(cell, policy)[0]
        for s in _map_scenarios(sweep):
            mine = rows[rows["scenario"] == s]
            if not mine.empty:
                maps[f"cell {s}"] = (mine, "sector", "region")
    return maps


def _sector_region_maps(
    sweep: Sweep,
    policy: str,
    style: str,
    lang: str,
    limits: tuple[float, float] | None = None,
    one_scale: str = "",
) -> list[FigureSpec]:
    """The mean skill gap by sector x region: the baseline scenario under ``policy``,
    then each other scenario, all on the colour scale ``limits`` (the report's one
    scale for its skill-gap maps: ``_gap_maps``); a note if the sweep has no cell
    table. ``one_scale`` ends the first map's caption (it says the scale is shared, where
    no map before it did)."""
    from simulation import plots

    cell = sweep.breakdowns.get("cell")
    if cell is None or cell.empty:
        return [FigureSpec("skill_gap_by_sector_and_region", _t("no_cell", lang), None)]
    rows, first, last = sector_region_gap(cell, policy)
    scenarios = [s for s in _map_scenarios(sweep) if s in set(rows["scenario"])]
    if not scenarios:
        return [FigureSpec("skill_gap_by_sector_and_region", _t("no_cell", lang), None)]
    window = (
        _t("cell_window_last", lang).format(n=last - first + 1, first=first, last=last)
        if first > 1
        else _t("cell_window_all", lang).format(first=first, last=last)
    )
    kw = {"rows": "sector", "columns": "region", "style": style, "lang": lang}
    specs = []
    for i, scenario in enumerate(scenarios):
        mine = rows[rows["scenario"] == scenario]
        where = name_of("scenario", scenario, lang)
        # (the policy and months in the title too: a PNG on a slide keeps no caption, and
        # beside the by-sector map of months 1 to M it read as the same numbers: a review)
        said = _t("cell_where", lang).format(
            scenario=where, policy=name_of("policy", policy, lang), first=first, last=last
        )
        title = i18n.text("heatmap_title_in", lang).format(
            rows=i18n.text("sector", lang), columns=i18n.text("region", lang), where=said
        )
        if i == 0:
            points = mine["point"].nunique()
            caption = _t("fig_heat_cell", lang).format(
                scenario=where,
                policy=name_of("policy", policy, lang),
                window=window,
                seeds=mine["seed"].nunique(),
                seeds_counted=i18n.counted(mine["seed"].nunique(), "seed"),
                points=_t("cell_points", lang).format(points=points) if points > 1 else "",
            )
            if len(scenarios) > 1:
                caption += _t("fig_heat_cell_more", lang)
            caption += one_scale
            name = "skill_gap_by_sector_and_region"
        else:
            caption = _t("fig_heat_cell_other", lang).format(scenario=where)
            name = f"skill_gap_by_sector_and_region_{_file_safe(scenario)}"
        specs.append(
            FigureSpec(
                name,
                caption,
                lambda f=mine, t=title: plots.mismatch_heatmap(
                    f, title=t, limits=limits, pool=("point",), **kw
                ),
            )
        )
    return specs


def _map_title(rows: str, columns: str, policy: str, last: int, lang: str) -> str:
    """A heat map's title with the policy and the months it averages."""
    where = _t("map_where", lang).format(policy=name_of("policy", policy, lang), last=last)
    return i18n.text("heatmap_title_in", lang).format(
        rows=i18n.text(rows, lang), columns=i18n.text(columns, lang), where=where
    )


def _file_safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name)


def _cap(words: str) -> str:
    return words[:1].upper() + words[1:]


def _featured(
    results: pd.DataFrame,
    base: str,
    order: list[str],
    effects: pd.DataFrame | None = None,
    metric: str | None = None,
) -> list[str]:
    """The baseline policy, the full package if present, then others: those of largest
    effect on ``metric`` first (the mean over scenarios and design points of its size
    in ``effects``), else in order. Paths of the green employment share showed the
    subsidy and the quality standards, the policies of most effect on unemployment,
    and not the green curricula (a review)."""
    present = set(results["policy"])
    pols = [p for p in order if p in present]
    if len(pols) <= FEATURED_POLICIES:
        return pols
    chosen = [base] + (["package"] if "package" in pols and base != "package" else [])
    others = [p for p in pols if p not in chosen]
    if effects is not None and metric is not None and not effects.empty:
        mine = effects[effects["metric"] == metric]
        size = mine["effect"].abs().groupby(mine["policy"]).mean().dropna()
        # largest first, a policy without an effect last; ties in order (a stable sort)
        others.sort(key=lambda p: -size[p] if p in size.index else math.inf)
    return (chosen + others)[:FEATURED_POLICIES]


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", dpi=fig.dpi)  # (plots.SAVE_DPI)
    plt.close(fig)
    return buf.getvalue()


# ------------------------------------------------------------------- write


GENERATOR = "skillsim report"  # in every report's <head>: what wrote the file

NEVER_OVERWRITTEN = "results are never overwritten"


def check_out(out: Path, default: bool = False) -> None:
    """Raise ReportError unless ``out`` is free for a report: a path that does not exist
    yet, whose ``<stem>_figures`` folder does not exist either (or is empty). A file
    the user named is never overwritten, an earlier report included. Only at the
    ``default`` place, the sweep folder's own report.html (report-zh.html), is an
    earlier report replaced, with its figures folder: it is derived from the sweep, and
    the command rewrites it on purpose."""
    figures_folder = out.with_name(f"{out.stem}_figures")
    if out.is_dir():
        raise ReportError(f"--out {out}: a folder (allowed: an HTML file's path)")
    if out.suffix.lower() not in (".html", ".htm"):
        raise ReportError(
            f"--out {out}: not an HTML file's name (allowed: a path ending in .html or .htm)"
        )
    if default:
        if not out.exists() and figures_folder.exists() and _holds_something(figures_folder):
            raise ReportError(
                f"{out}: {figures_folder} exists without its report; it is never "
                "overwritten (allowed: --out with a path whose <name>_figures does not exist)"
            )
        others = _not_written_by_a_report(figures_folder, out)
        if others:
            shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if others[5:] else "")
            raise ReportError(
                f"{out}: its figures folder {figures_folder} holds files an earlier report "
                f"did not write ({shown}); the report replaces that folder, and a file of "
                "yours is never deleted (allowed: move them out of it, or --out elsewhere)"
            )
        return
    if out.exists() or out.is_symlink():
        raise ReportError(
            f"--out {out}: the file already exists; {NEVER_OVERWRITTEN} (allowed: a path "
            "that does not exist yet; without --out, the folder's own report.html is "
            "rewritten)"
        )
    if figures_folder.exists() and _holds_something(figures_folder):
        raise ReportError(
            f"--out {out}: {figures_folder} exists without its report; {NEVER_OVERWRITTEN} "
            "(allowed: a path whose <name>_figures does not exist yet)"
        )


def _not_written_by_a_report(folder: Path, page: Path) -> list[str]:
    """What in an earlier report's figures ``folder`` that report did not write (a
    user's own files, which rewriting the report must not delete): the entries that
    are not a PNG file of a figure on its ``page`` (``<figure id="fig-<name>">``), or,
    with no such figure there (a page from before the figures' ids, or none), not a
    PNG file. A file where the folder should be is not the report's."""
    if not folder.exists() and not folder.is_symlink():
        return []
    if folder.is_symlink() or not folder.is_dir():
        return [folder.name]
    try:
        text = page.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    ours = {html.unescape(name) + ".png" for name in re.findall(r'<figure id="fig-([^"]*)"', text)}
    others = []
    for path in folder.iterdir():
        plain = path.is_file() and not path.is_symlink()
        written = path.name in ours if ours else path.suffix.lower() == ".png"
        if not (plain and written):
            others.append(path.name)
    return sorted(others)


def _holds_something(path: Path) -> bool:
    """A file, or a folder that is not empty."""
    return not path.is_dir() or any(path.iterdir())


def default_out(results_dir: str | Path, lang: str = "en") -> Path:
    return Path(results_dir) / ("report.html" if lang == "en" else f"report-{lang}.html")


def write(
    results_dir: str | Path,
    out: str | Path | None = None,
    style: str = "paper",
    lang: str = "en",
) -> Path:
    """Write the report of a sweep folder, or of a run folder (``skillsim run``'s:
    ``simulation.run_report``); returns the HTML file's path. The figures go as PNG
    files to ``<out stem>_figures/`` beside it."""
    i18n.check_lang(lang)
    if lang == "zh":
        i18n.cjk_font()  # a clear message now, rather than boxes in the figures
    default = out is None
    out = default_out(results_dir, lang) if default else Path(out)
    check_out(out, default)
    manifest = _manifest_of(Path(results_dir))
    if manifest is not None and manifest.get("kind") == "run":
        from simulation import run_report

        run = run_report.read(results_dir, manifest)
        specs = run_report.figures(run, style, lang)
        return write_page(out, default, specs, lambda r, f: run_report.html(run, r, f, lang))
    sweep = read(results_dir)
    specs = figures(sweep, style, lang)
    return write_page(out, default, specs, lambda r, f: _html(sweep, r, f, lang))


def write_page(
    out: Path,
    default: bool,
    specs: list[FigureSpec],
    page: Callable[[list, str], str],
) -> Path:
    """Draw ``specs`` and write the page ``page(rendered, figures folder name)`` to
    ``out`` (checked by ``check_out``), the figures as PNG files beside it; returns
    ``out``."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(
            f"--out {out}: cannot make its folder {out.parent} ({exc.strerror})"
        ) from None
    folder = out.with_name(f"{out.stem}_figures")
    # Figures and page are made under temporary names and moved into place at the end:
    # a report that fails on the way leaves nothing (and no figures folder that would
    # then block the next try).
    tmp_folder = out.with_name(f".{folder.name}.tmp-{os.getpid()}")
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    for name in (folder.name, out.name):  # left by reports killed with SIGKILL
        store.remove_stale_temporaries(out.parent, name)
    shutil.rmtree(tmp_folder, ignore_errors=True)
    try:
        tmp_folder.mkdir()
    except OSError as exc:
        raise ReportError(
            f"{out}: cannot write in its folder {out.parent} ({exc.strerror}; allowed: a "
            "folder this user can write in, or --out elsewhere)"
        ) from None
    try:
        rendered = []
        for spec in specs:
            if spec.draw is None:  # a note where a figure cannot be drawn
                rendered.append((spec, None))
                continue
            data = _png(spec.draw())
            (tmp_folder / f"{spec.name}.png").write_bytes(data)
            rendered.append((spec, data))
        tmp.write_text(page(rendered, folder.name), encoding="utf-8")
        # (a stop between the earlier figures' removal and the new ones' arrival would
        # leave the earlier report without its figures: held, the swap is whole)
        with stop.held():
            if default:  # the folder's own report: an earlier one is replaced (check_out)
                shutil.rmtree(folder, ignore_errors=True)
                tmp_folder.rename(folder)
                tmp.replace(out)
            else:
                _place_new(tmp_folder, folder, tmp, out)
    finally:
        shutil.rmtree(tmp_folder, ignore_errors=True)
        tmp.unlink(missing_ok=True)
    return out


def _place_new(tmp_folder: Path, folder: Path, tmp: Path, out: Path) -> None:
    """Move a finished report and its figures to paths the user named, replacing
    nothing: a file or figures folder that appeared there while the report was drawn
    is kept, and the report is refused (ReportError, naming the path in the way). If
    the report cannot be placed, its figures are taken back out: no figures folder is
    left without its report."""

    def in_the_way(path: Path) -> ReportError:
        return ReportError(
            f"--out {out}: {path} appeared while this report was drawn; it is kept, "
            f"{NEVER_OVERWRITTEN} (allowed: a path that does not exist yet)"
        )

    with contextlib.suppress(OSError):
        folder.rmdir()  # (an empty folder only, as check_out allowed)
    try:
        tmp_folder.rename(folder)  # fails if a folder with files appeared
    except OSError:
        raise in_the_way(folder) from None
    try:
        try:
            os.link(tmp, out)  # fails if out exists, unlike a rename
        except FileExistsError:
            raise in_the_way(out) from None
        except OSError:  # no hard links on this file system
            if out.exists() or out.is_symlink():
                raise in_the_way(out) from None
            os.replace(tmp, out)
    except BaseException:  # (Ctrl-C too): the figures go with the report they belong to
        shutil.rmtree(folder, ignore_errors=True)  # (ours, moved in just now)
        raise


# -------------------------------------------------------------------- html

_CSS = """
body{max-width:64rem;margin:2rem auto;padding:0 1.2rem;color:#1a1a1a;line-height:1.5}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #0072B2;padding-bottom:.2rem;margin-top:2.4rem}
.sub{color:#555;margin-top:0}.warn{background:#fff4e0;border-left:4px solid #D55E00;padding:.6rem 1rem}
.note{border-left:4px solid #999;padding:.4rem 1rem;color:#333}
table{border-collapse:collapse;margin:.6rem 0 1.4rem;font-size:.92rem;display:block;
 max-width:100%;overflow-x:auto}
th,td{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.num small{color:#555}td.clear{font-weight:bold}td.lvl{text-align:right;color:#555;white-space:nowrap}
small.id{color:#666;font-weight:normal}
figure{margin:1.4rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#333;font-size:.95rem}
details pre{background:#f7f7f7;padding:.8rem;overflow-x:auto;font-size:.8rem}
nav ol{columns:2}footer{margin-top:3rem;color:#666;font-size:.85rem}
@media print{h2{break-before:page}h2,h3{break-after:avoid}table,figure{break-inside:avoid}
 table{display:table;font-size:.8rem}td.num,td.lvl{white-space:normal}}
"""
# The page's fonts: a CJK family first in Chinese; in English a Latin one first (a CJK
# font's full-width quotation marks and spaces showed in the English report: a review)
_CJK_CSS = '"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei"'
_LATIN_CSS = '"Helvetica Neue",Arial,"Noto Sans","Liberation Sans"'


def page_css(lang: str) -> str:
    """The reports' style sheet for a page in ``lang``."""
    first, then = (_CJK_CSS, _LATIN_CSS) if lang == "zh" else (_LATIN_CSS, _CJK_CSS)
    return f"body{{font-family:{first},{then},sans-serif}}{_CSS}"


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _design_points(sweep: Sweep) -> tuple[int, int]:
    """The number of a sweep's design points, and of their distinct settings: a morris
    design's trajectories can meet at a point, and a whole-number field's samples
    (or a count of switches) are rounded as run, so two points can run one setting
    (an outside review read "12 design points" of a design that ran 9)."""
    info = sweep.results.attrs.get("skillsim", {})
    design = pd.DataFrame(info.get("points", {}))
    if design.empty:
        return 0, 0
    values = analysis.as_run(design.drop(columns="point", errors="ignore"), sweep.experiment)
    return len(design), len(values.drop_duplicates())


def _html(sweep: Sweep, rendered, folder: str, lang: str) -> str:
    exp = sweep.experiment
    progress = sweep.progress or sweep_progress(sweep.path, sweep.manifest)
    title = _t("title", lang)
    sections = [
        ("summary", _t("summary", lang), _summary(sweep, lang)),
        *(
            [("over_time", _t("over_time", lang), _over_time(sweep, lang))]
            if sweep.over_time is not None
            else []
        ),
        *([("flows", _t("flows", lang), _flows(sweep, lang))] if not sweep.effects.empty else []),
        *([("parts", _t("parts", lang), _parts(sweep, lang))] if sweep.parts is not None else []),
        ("seats", _t("seats", lang), _seats(sweep, lang)),
        ("figures", _t("figures", lang), _figures_html(rendered, folder, lang)),
        (
            "scenarios",
            _t("scenarios", lang),
            f"<p>{_e(_t('sweep_scenario_span', lang).format(months=sweep.months))}</p>"
            + _scenarios_html(sweep, lang),
        ),
        ("policies", _t("policies", lang), _policies_html(sweep, lang)),
        ("methods", _t("methods", lang), _methods_html(sweep, lang)),
        ("glossary", _t("glossary", lang), _glossary_html(sweep, lang)),
        ("manifest", _t("manifest", lang), _manifest_html(sweep, lang)),
    ]
    named, file = _experiment_words(sweep, lang)
    # a design's points too (the header said "1 scenario x 1 policy x 1 seed" of a
    # sweep of 160 points: an outside review)
    points, distinct = _design_points(sweep)
    points_en = points_zh = ""
    if points > 1:
        points_en = f" x {i18n.counted(points, 'design point')}"
        points_zh = f"×{points}个设计点"
    if distinct < points:  # (the runs of a repeated point repeat another's)
        points_en += f" ({distinct:,} distinct)"
        points_zh += f"（其中{distinct:,}个互不相同）"
    sub = _t("subtitle", lang).format(
        name=named,
        file=file,
        points_en=points_en,
        points_zh=points_zh,
        scenarios=len(exp["scenarios"]),
        policies=len(exp["policies"]),
        seeds=exp["replications"],
        scenarios_counted=i18n.counted(len(exp["scenarios"]), "scenario"),
        policies_counted=i18n.counted(len(exp["policies"]), "policy"),
        seeds_counted=i18n.counted(exp["replications"], "seed"),
        workers=exp["workers"],
        months=exp["months"],
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{GENERATOR}">',
        f"<title>{_e(_page_title(title, named, lang))}</title><style>{page_css(lang)}</style>"
        "</head><body>",
        f"<header><h1>{_e(title)}</h1><p class='sub'>{_e(sub)}</p>",
    ]
    if exp.get("description"):
        described = exp["description"]
        if lang == "zh" and described == _shipped_experiment_description(exp["name"]):
            described = i18n.EXPERIMENT_DESCRIPTIONS_ZH[exp["name"]]  # (only the shipped one's)
        overrides = {
            k: v for k, v in (sweep.manifest.get("overrides") or {}).items() if v is not None
        }
        if overrides:  # the description is the file's: its settings may not be these
            described = _t("as_file_sets", lang) + described
        parts.append(f"<p>{_e(described)}</p>")
        if overrides:
            words = _t("overridden", lang).format(given=_overrides_words(overrides, lang))
            parts.append(f"<p class='note'>{_e(words)}</p>")
    for note in _late_drivers(sweep, lang):  # (a shock after the runs' months: said)
        parts.append(f"<p class='warn'>{_e(note)}</p>")
    for note in i18n.long_run(sweep.months, lang):
        parts.append(f"<p class='warn'>{_e(note)}</p>")
    if exp["workers"] < LEVELS_FROM_WORKERS:  # (README: "read levels from 20,000 up")
        words = _t("small_city", lang).format(workers=exp["workers"], least=LEVELS_FROM_WORKERS)
        parts.append(f"<p class='warn'>{_e(words)}</p>")
    if sweep.code_versions > 1:  # (runs of more than one code: analysis.mixed_code)
        words = _t("mixed_code", lang).format(versions=sweep.code_versions)
        parts.append(f"<p class='warn'>{_e(words)}</p>")
    if not progress.complete:  # (from the run folders: a killed sweep's manifest lags)
        parts.append(
            "<p class='warn'>"
            + _e(
                _t("incomplete", lang).format(
                    done=progress.done, runs=progress.runs, failed=progress.failed
                )
            )
            + "</p>"
        )
    parts.append(f"</header><nav><h2>{_e(_t('contents', lang))}</h2><ol>")
    parts += [f'<li><a href="#{key}">{_e(head)}</a></li>' for key, head, _ in sections]
    parts.append("</ol></nav>")
    for key, head, body in sections:
        parts.append(f'<section id="{key}"><h2>{_e(head)}</h2>{body}</section>')
    footer = _t("footer", lang).format(path=sweep.path.resolve().name)
    parts.append(f"<footer>{_e(footer)}</footer></body></html>")
    return "\n".join(parts)


def _page_title(title: str, named: str, lang: str) -> str:
    """The page's <title>: the title and the experiment (in Chinese its name, if it
    has one; no identifier)."""
    if lang == "zh":
        return f"{title}：{named.rstrip('：')}" if named else title
    return f"{title}: {named}"


# The command line's settings, as a Chinese page names them (an English one: by key).
_OVERRIDES_ZH = {
    "workers": "劳动者人数",
    "months": "模拟月数",
    "replications": "随机种子数",
    "root_seed": "根随机种子",
}


def _overrides_words(overrides: dict[str, Any], lang: str) -> str:
    """'workers = 5,000, months = 60, replications = 3'; '劳动者人数5,000、模拟月数60、
    随机种子数3'."""

    def shown(v: Any) -> str:
        return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)

    said = {k: str(v) if k == "root_seed" else shown(v) for k, v in overrides.items()}
    if lang == "zh":
        return "、".join(f"{_OVERRIDES_ZH.get(k, k)}{v}" for k, v in said.items())
    return ", ".join(f"{k} = {v}" for k, v in said.items())


def _fmt(
    x: float,
    name: str,
    signed: bool = True,
    decimals: int | None = None,
    lang: str = "en",
    wan: int | None = None,
) -> str:
    """A number as the tables show it: shares in percentage points, a true minus sign;
    ``decimals`` (``analysis.effect_decimals``) overrides the unit's usual ones. On a
    Chinese page an amount of yuan of 10,000 or more is in 万 ("+20.4万"): ``wan``
    (``_in_wan``), the decimals in 万 of a whole cell (an estimate and its bounds in one
    unit), or None to decide from ``x`` alone."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return DASH
    u = i18n.catalogue_unit(name)
    if wan is None:
        wan = _in_wan(name, (x,), lang)
    if wan is not None:
        return i18n.wan(x, signed=signed, places=wan).replace("-", "\u2212")
    places = analysis.usual_places(u, x) if decimals is None else decimals
    k = 100.0 if u.startswith("share") else 1.0
    return analysis.format_number(x, places, signed, k).replace("-", "\u2212")


DASH = "\u2014"  # a missing number (an ASCII "-" read as a stray minus)


WAN_FROM = 100_000  # yuan: a Chinese table's column of amounts from here up is in 万


def _in_wan(name: str, values, lang: str) -> int | None:
    """The decimals in 万 of a table cell of ``name`` showing ``values`` (an estimate and
    its bounds), or None where it shows plain yuan: an English page, another unit, or
    amounts all under 10万 (``WAN_FROM``: from 10,000 up, a column of costs per worker
    of 16,270 read "-0.033万" for the subsidy's -328, oddly to a Chinese reader: a
    review; "16,270" is as plain)."""
    if lang != "zh" or not i18n.catalogue_unit(name).startswith("yuan"):
        return None
    size = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    if size < WAN_FROM:
        return None
    return _wan_places(values)


def _wan_places(values) -> int:
    """The decimals in 万 of a cell showing ``values``: three significant digits of the
    largest from 10,000 yuan up (+1.23万, +12.6万, +125万), two down to 10 yuan (+0.44万
    for 4,357, -0.027万 for -266, 0.0045万 for 45), so that a small amount in a column
    in 万 keeps its size and its sign (not "-0.03万" beside English's "-266", nor
    "0.00万" for -38: an outside review)."""
    size = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    if size < 100:
        return 4
    if size < 1_000:
        return 3
    return 2 if size < 100_000 else 1 if size < 1_000_000 else 0


def _column_wan(rows: pd.DataFrame, name: str, fields: list[str], lang: str) -> dict:
    """Whether each scenario column of a table of ``name`` (its ``rows``, the ``fields``
    they show) is in 万 (``_in_wan`` of the whole column): every cell of a column in 万
    or none, so that a column never mixes "+4,357" with "-0.20万"; each cell then has
    the decimals its own size needs (``_cell_wan``), not "0万" beside "+125万"."""
    return {
        s: _in_wan(name, rows.loc[rows["scenario"] == s, fields].to_numpy(float).ravel(), lang)
        is not None
        for s in dict.fromkeys(rows["scenario"])
    }


def _cell_wan(in_wan: bool, values) -> int | None:
    """The decimals in 万 of a cell showing ``values`` in a column that is in 万
    (``_column_wan``), None in one that is not: the most any of its values other than 0
    needs (``_wan_places``), so that an estimate of -38 between bounds of -1,200 and
    +1,100 keeps its size and sign ("-0.0038万", not "0.00万": an outside review), as a
    bound near 0 keeps its sign."""
    if not in_wan:
        return None
    return max((_wan_places((v,)) for v in values if math.isfinite(v) and v), default=2)


COLUMN_MOST_EXTRA = 2  # decimals a column takes beyond its cells' usual ones, at most


def _column_decimals(rows: pd.DataFrame, name: str) -> dict[str, int]:
    """One number of decimals per scenario column of a summary table: the most any of
    its cells needs (``analysis.effect_decimals``), so that a column never mixes
    -0.37 with -0.0145; but at most ``COLUMN_MOST_EXTRA`` beyond the usual ones (one
    cell of a near-zero interval gave a whole column six, "+0.662307 [+0.586684,
    +0.737930]": an outside review). A cell that needs more shows its own
    (``_cell_decimals``). (One number for the whole table, so that a row did not mix
    "-0.516" with "-0.38" either, gave every cell the needs of the few: "-0.3243
    [-0.4111, -0.2375]" where two decimals tell it, another review; the columns keep
    their own.)"""
    out: dict[str, int] = {}
    usual: dict[str, int] = {}
    unit = i18n.catalogue_unit(name)
    for _, r in rows.iterrows():
        est, lo, hi = float(r["effect"]), float(r["ci_low"]), float(r["ci_high"])
        if not math.isfinite(est):
            continue
        places = analysis.effect_decimals(name, est, lo, hi)
        out[r["scenario"]] = max(out.get(r["scenario"], 0), places)
        usual[r["scenario"]] = max(usual.get(r["scenario"], 0), analysis.usual_places(unit, est))
    return {s: min(places, usual[s] + COLUMN_MOST_EXTRA) for s, places in out.items()}


def _cell_decimals(column: int | None, name: str, est: float, lo: float, hi: float) -> int:
    """A summary cell's decimals: its column's, or its own where it needs more."""
    own = analysis.effect_decimals(name, est, lo, hi)
    return own if column is None else max(column, own)


def _policy_points(rows: pd.DataFrame, pols: list[str]) -> list[tuple[str, int]]:
    """The summary table's rows: each policy, and within it each design point it has."""
    points = rows.groupby("policy")["point"].unique()
    return [(p, int(k)) for p in pols if p in points.index for k in sorted(points[p])]


def _row_head(policy: str, point: int, points: dict, lang: str) -> str:
    """A summary table's row opened with its header cell: the policy, and the design
    point's label where the sweep has ``points``."""
    at = (f"（{points[point]}）" if lang == "zh" else f" ({points[point]})") if points else ""
    return f"<tr><th scope='row'>{_e(_marked('policy', policy, lang) + at)}</th>"


def _summary(sweep: Sweep, lang: str) -> str:
    e = sweep.effects
    if e.empty:
        alone = sweep.baseline in set(sweep.results["policy"])
        key = "no_effects_alone" if alone else "no_effects"
        words = _t(key, lang).format(base=name_of("policy", sweep.baseline, lang))
        return f"<p>{_e(words)}</p>"
    scen = [s for s in sweep.scenario_order if s in set(e["scenario"])]
    pols = [p for p in sweep.policy_order if p in set(e["policy"])]
    n = int(e["n"].max())
    base = name_of("policy", sweep.baseline, lang)
    out = [
        "<p>"
        + _e(
            _t(
                ("summary_intro_sampled" if _for_indices(sweep) else "summary_intro_points")
                if _summarised(sweep)
                else "summary_intro"
                if n > 1
                else "summary_intro_one",
                lang,
            ).format(base=base, n=n, seeds_counted=i18n.counted(n, "seed"), months=sweep.months)
            + _t("summary_read", lang)
        )
        + "</p>"
    ]
    workers = sweep.experiment.get("workers")
    if workers:  # (said in the method notes only, under "+2,008,638 yuan": a review)
        words = _t("summary_scale", lang).format(workers=int(workers))
        out.append(f"<p><small>{_e(words)}</small></p>")
    shared = analysis.baseline_shares(sweep.results)
    if shared:  # (why a policy's effects may all be zero)
        levers = "、".join if lang == "zh" else ", ".join
        words = _t("baseline_shares", lang).format(
            base=base, levers=levers(f"{k} ({', '.join(v)})" for k, v in shared.items())
        )
        out.append(f"<p class='note'>{_e(words)}</p>")
    out += _mechanics_note(scen, pols, lang)
    if sweep.over_time is not None:  # (a mean over ten years read as lasting: a review)
        words = _t("over_time_said", lang).format(months=sweep.months)
        out.append(
            f"<p><small>{_e(words)} <a href='#over_time'>{_e(_t('over_time', lang))}</a>"
            f"{'。' if lang == 'zh' else '.'}</small></p>"
        )
    out += _parts_said(sweep, lang)
    from simulation import plots

    points = plots.point_labels(sweep.results, lang)  # {} without design points
    if _summarised(sweep):  # (dozens to hundreds of points: a row each could not be read)
        return "".join(out) + _sampled_summary(sweep, scen, pols, lang)
    fewer = False
    for m in SUMMARY_METRICS:
        rows = e[e["metric"] == m]
        if rows.empty:
            continue
        cost = m == analysis.COST_METRIC
        head = _cap(axis_label(m, lang) if cost else axis_label(m, lang, effect=True))
        head += _window_words(sweep, m, lang)
        table, short = _effects_table(rows, m, head, scen, pols, points, n, lang, e)
        out.append(table)
        if cost:  # (a negative cost read as a sign error: an outside review)
            out += _negative_cost(e, rows, lang)
        if m == COMPLETION and sweep.completion is not None:
            first, _ = sweep.completion
            words = _t("completion_window", lang).format(first=first, length=first - 1)
            out.append(f"<p><small>{_e(words)}</small></p>")
        fewer |= short
    if fewer:
        out.append(f"<p><small>{_e(_t('fewer_note', lang))}</small></p>")
    return "".join(out)


def _effects_table(
    rows: pd.DataFrame,
    m: str,
    head: str,
    scen: list,
    pols: list,
    points: dict,
    n: int,
    lang: str,
    e: pd.DataFrame,
) -> tuple[str, bool]:
    """A summary table of measure ``m``'s effects (``rows``: one per policy, design point
    and scenario, as ``analysis.effects`` gives them), policies down and scenarios
    across, each cell the effect and its interval (bold where the interval excludes 0;
    the cost never), under the heading ``head``; and whether a cell counts fewer seeds
    than the sweep's ``n``. (``e``: all the effects, for the cost's dagger.)"""
    out = []
    daggers = fewer = False
    cost = m == analysis.COST_METRIC
    out.append(_table_head(head, scen, lang))
    cells = rows.set_index(["policy", "point", "scenario"])
    columns = {} if cost else _column_decimals(rows, m)
    wans = _column_wan(rows, m, ["effect", "ci_low", "ci_high"], lang)
    if not cost:  # (the level an effect is of: "+36.75 starts" of ~5)
        base = name_of("policy", e.attrs.get("skillsim", {}).get("baseline_policy", "none"), lang)
        if not points:
            out.append(_level_row(rows, m, scen, base, lang))
        else:  # (a design moves the levels too: a row per point, an outside review)
            comma = "，" if lang == "zh" else ", "
            for k, words in points.items():
                at = rows[rows["point"] == k]
                if not at.empty:
                    out.append(_level_row(at, m, scen, base, lang, f"{comma}{words}"))
    for p, point in _policy_points(rows, pols):
        out.append(_row_head(p, point, points, lang))
        for s in scen:
            if (p, point, s) not in cells.index:
                out.append(f"<td class='num'>{DASH}</td>")
                continue
            r = cells.loc[(p, point, s)]
            est, lo, hi = r["effect"], r["ci_low"], r["ci_high"]
            if cost:  # (one number of decimals for a cell: "-173 [-590, +179]")
                unit = i18n.catalogue_unit(m)
                size = max((abs(v) for v in (est, lo, hi) if math.isfinite(v)), default=0)
                places = analysis.usual_places(unit, size) if math.isfinite(est) else None
            else:
                places = _cell_decimals(columns.get(s), m, est, lo, hi)
            mark = seeds = ""
            where = {"policy": p, "point": point, "scenario": s}
            if cost and math.isfinite(est) and not analysis.mostly_from_unemployment(e, where):
                mark, daggers = " †", True
            if 0 < int(r["n"]) < n:  # (an unfinished sweep's, or a metric's gaps)
                seeds = _t("cell_fewer", lang).format(k=int(r["n"]), n=n)
                fewer = True
            wan = _cell_wan(wans[s], (est, lo, hi))
            out.append(_effect_cell(m, est, lo, hi, places, wan, lang, mark, seeds))
        out.append("</tr>")
    out.append("</tbody></table>")
    if cost:
        out.append(f"<p><small>{_e(_t('cost_cell_note', lang))}</small></p>")
        if daggers:
            out.append(f"<p><small>{_e(_t('cost_dagger_note', lang))}</small></p>")
    return "".join(out), fewer


def _is_clear(lo: float, hi: float) -> bool:
    """Whether an interval excludes zero (an effect whose direction is clear)."""
    return math.isfinite(lo) and math.isfinite(hi) and (lo > 0 or hi < 0)


def _effect_cell(
    m: str,
    est: float,
    lo: float,
    hi: float,
    places: int | None,
    wan: int | None,
    lang: str,
    mark: str = "",
    seeds: str = "",
) -> str:
    """A table cell of an effect of ``m`` and its interval, in ``places`` decimals (in
    万 with ``wan``'s), bold where the interval excludes zero (the cost per additional
    worker, a ratio, never; unsigned); ``mark`` after the effect (the cost's dagger),
    ``seeds`` after the interval (a cell of fewer seeds than the sweep)."""
    cost = m == analysis.COST_METRIC
    # (bounds signed in every table, the cost's too: "-173 [-590, +179]")
    interval = (
        f"[{_fmt(lo, m, True, places, lang, wan)}, {_fmt(hi, m, True, places, lang, wan)}]"
        if math.isfinite(lo)
        else ""
    )
    if seeds:
        interval = f"{interval} ({seeds})" if interval else seeds
    bold = _is_clear(lo, hi) and not cost
    # (strong, not only bold by its class: a screen reader says it)
    shown = _e(_fmt(est, m, not cost, places, lang, wan) + mark)
    return (
        f"<td class='num clear'><strong>{shown}</strong><br><small>{_e(interval)}</small></td>"
        if bold
        else f"<td class='num'>{shown}<br><small>{_e(interval)}</small></td>"
    )


def _level_row(
    rows: pd.DataFrame, m: str, scen: list, base: str, lang: str, point: str = ""
) -> str:
    """A summary table's first row: the baseline policy's level of ``m`` in each
    scenario (its runs' mean, as the effects pair them: ``baseline_mean``), in the
    metric's own unit (a share in per cent, not points), so that an effect can be read
    against it (a forum could not tell "+36.75 starts" of about 5 a month, or "-0.93
    points" of 11%: an outside review). ``point``: the words of a design point after
    the row's name (the rows being that point's)."""
    level = rows.groupby("scenario", sort=False)["baseline_mean"].first()
    unit = i18n.catalogue_unit(m)
    name = _t("level_row", lang).format(base=base) + point
    out = [f"<tr class='level'><th scope='row'>{_e(name)}</th>"]
    for s in scen:
        v = float(level.get(s, math.nan))
        if not math.isfinite(v):
            shown = DASH
        elif unit.startswith("share"):
            shown = f"{100 * v:.1f}%"
        else:
            shown = _fmt(v, m, False, None, lang)
        out.append(f"<td class='lvl'><small>{_e(shown)}</small></td>")
    out.append("</tr>")
    return "".join(out)


def _over_time_effects(sweep: Sweep) -> pd.DataFrame | None:
    """``Sweep.over_time``: the effects on OVER_TIME_METRICS over the first
    EARLY_MONTHS policy months (point 0) and the rest (point 1), for a sweep without
    design points whose runs span twice EARLY_MONTHS or more."""
    results, months = sweep.results, sweep.months
    if sweep.effects.empty or months < 2 * EARLY_MONTHS or results["point"].nunique() > 1:
        return None
    names = [m for m in OVER_TIME_METRICS if m in results.columns]
    if not names:
        return None
    parts = []
    for k, window in enumerate(((1, EARLY_MONTHS), (EARLY_MONTHS + 1, months))):
        part = analysis.effects(results, sweep.baseline, metric_names=names, months=window)
        parts.append(part.assign(point=k))
    out = pd.concat(parts, ignore_index=True)
    # (concat drops attrs that differ, the windows' months: the level rows read the
    # baseline's name from them, and named "none" for another baseline: a review)
    out.attrs = {"skillsim": {**parts[0].attrs.get("skillsim", {}), "months": None}}
    return out


def _over_time(sweep: Sweep, lang: str) -> str:
    """The early and later years section: each OVER_TIME_METRICS' effects over months
    1..EARLY_MONTHS and after, a table each as the summary's, a row per policy and
    window, each window with the baseline's level in it."""
    e = sweep.over_time
    if e is None:
        return ""
    scen = [s for s in sweep.scenario_order if s in set(e["scenario"])]
    pols = [p for p in sweep.policy_order if p in set(e["policy"])]
    n = int(e["n"].max())
    windows = {
        0: _t("over_time_window", lang).format(first=1, last=EARLY_MONTHS),
        1: _t("over_time_window", lang).format(first=EARLY_MONTHS + 1, last=sweep.months),
    }
    intro = _t("over_time_intro", lang).format(early=EARLY_MONTHS, years=EARLY_MONTHS // 12)
    out = [f"<p>{_e(intro)}</p>"]
    for m in OVER_TIME_METRICS:
        rows = e[e["metric"] == m]
        if not rows.empty:
            head = _cap(axis_label(m, lang, effect=True))
            out.append(_effects_table(rows, m, head, scen, pols, windows, n, lang, e)[0])
    return "".join(out)


def _flows(sweep: Sweep, lang: str) -> str:
    """The flows section: each policy's effect on the monthly rates out of unemployment
    (``sweep.flows``), a table per status reached, as the summary's, then the same in
    the rural regions pooled with the rate of those hired in another region
    (``sweep.rural_flows``); or a note of why either is missing."""
    if _summarised(sweep):
        return f"<p>{_e(_t('flows_points', lang).format(most=MANY_POINTS))}</p>"
    base = name_of("policy", sweep.baseline, lang)
    out, fewer = [], False
    if sweep.flows is None:
        out.append(f"<p>{_e(_t('flows_none', lang))}</p>")
    else:
        intro = _t("flows_intro", lang).format(base=base, months=sweep.months)
        out.append(f"<p>{_e(intro)}</p>")
        tables = [
            ("to_status", to, "transition_rate", _t("flows_head", lang), to) for to in FLOWS_TO
        ]
        html, fewer = _flow_tables(sweep, sweep.flows, tables, lang)
        out.append(html)
    rural = sweep.rural_flows
    if rural is None:
        out.append(f"<p>{_e(_t('rural_flows_none', lang))}</p>")
    elif rural.empty:
        out.append(f"<p>{_e(_t('rural_flows_no_region', lang))}</p>")
    else:
        key = "rural_flows_intro" if sweep.flows is not None else "rural_flows_intro_alone"
        out.append(f"<p>{_e(_t(key, lang).format(base=base, months=sweep.months))}</p>")
        if rural.attrs.get("all_urban"):
            names = [name_of("scenario", x, lang) for x in rural.attrs["all_urban"]]
            joined = ("、" if lang == "zh" else ", ").join(names)
            left = _t("rural_flows_left_out", lang).format(names=joined)
            out.append(f"<p>{_e(left)}</p>")
        head = _t("rural_flows_head", lang)
        tables = [("to_status", to, "transition_rate", head, to) for to in FLOWS_TO] + [
            ("to_status", "employed", "moved_out_rate", _t("rural_flows_moved", lang), None)
        ]
        html, short = _flow_tables(sweep, rural, tables, lang)
        out.append(html)
        fewer |= short
    if fewer:
        out.append(f"<p><small>{_e(_t('fewer_note', lang))}</small></p>")
    return "".join(out)


def _parts_said(sweep: Sweep, lang: str) -> list[str]:
    """The summary's note of each combination whose effect differs clearly from its
    parts' added up in every scenario, on the measures it does, linked to the section
    (the package lowered unemployment less than the subsidy alone, which the summary's
    tables left unexplained: a review); none where none does."""
    if sweep.parts is None:
        return []
    out = []
    sep = "、" if lang == "zh" else "; "
    for whole, one in sweep.parts.groupby("policy", sort=False):
        names = [label(m, lang) for m in _telling(sweep, one)]
        if names:
            words = _t("parts_said", lang).format(
                whole=name_of("policy", whole, lang),
                k=len(one["parts"].iloc[0].split("+")),
                names=sep.join(names),
                share=f"{MATERIAL_SHARE:.0%}",
                section=_t("parts", lang),
            )
            out.append(f"<p class='note'>{_e(words)} <a href='#parts'>→</a></p>")
    return out


def _telling(sweep: Sweep, one: pd.DataFrame) -> list[str]:
    """The measures on which combination ``one`` (its rows of ``sweep.parts``) differs
    from its parts added up clearly in every scenario, one way (``_one_sign``), and by
    a material amount (``_material``): what the summary says of it, and a pair's table
    shows."""
    return [
        m
        for m in PARTS_METRICS
        if _clear_in(rows := one[one["metric"] == m]) == "every"
        and _one_sign(rows)
        and _material(sweep, rows)
    ]


def _one_sign(rows: pd.DataFrame) -> bool:
    """Whether the differences of ``rows`` (a combination's, one measure, a scenario
    each; those with an interval) all lie on one side of zero: clear in every scenario
    but one way here and the other there is no one finding."""
    known = rows.loc[rows["n"] >= 2, "interaction"]
    return bool((known > 0).all() or (known < 0).all())


def _parts(sweep: Sweep, lang: str) -> str:
    """The section of a package against its parts (``sweep.parts``): for each
    combination, what it is, then a table per measure (the combination's effect, its
    parts' added up, their difference; scenarios across), and in which measures the
    difference is clear in every scenario, in some or in none. Where the sweep runs
    many pairs of policies (``_pairs``), a paragraph on the figures that draw them all,
    and tables of the pairs that differ clearly and by a material amount only, on those
    measures."""
    out = []
    pairs = _pairs(sweep)
    if pairs:
        one = sweep.parts.drop_duplicates("policy").set_index("policy")["parts"]
        policies = {p for w in pairs for p in one[w].split("+")}
        drawn = [m for m in PARTS_METRICS if m in set(sweep.parts["metric"])]
        links = ("、" if lang == "zh" else ", ").join(
            f"<a href='#fig-pairs_{m}'>{_e(label(m, lang))}</a>" for m in drawn
        )
        words = _t("pairs_intro", lang).format(
            n=len(pairs), k=len(policies), share=f"{MATERIAL_SHARE:.0%}", links="{links}"
        )
        out.append(f"<p>{_e(words).replace('{links}', links)}</p>")
    quiet = 0
    for whole, one in sweep.parts.groupby("policy", sort=False):
        if whole in pairs:
            telling = _telling(sweep, one)
            if not telling:
                quiet += 1
                continue
            out.append(_combination(sweep, whole, one, lang, telling))
        else:
            out.append(_combination(sweep, whole, one, lang, PARTS_METRICS))
            out.append(_pairs_behind(sweep, whole, one, pairs, lang))
    if pairs:
        out.append(f"<p>{_e(_t('pairs_quiet', lang).format(quiet=quiet, n=len(pairs)))}</p>")
    return "".join(out)


def _pairs_behind(sweep: Sweep, whole: str, one: pd.DataFrame, pairs: list[str], lang: str):
    """Which pair of its parts a combination's difference from its parts added up is
    like, where the sweep ran the pairs (``pairs``): on each measure where the
    combination's difference tells (``_telling``), the pair of its parts whose own
    difference tells too, on the same side of zero in every scenario, the largest in
    the first scenario (the package's shortfall in starts is the subsidy's with the
    quality standards). Empty where no pair is. Set side by side, not added: the
    differences of the pairs need not sum to the combination's."""
    its = set(one["parts"].iloc[0].split("+"))
    mine = sweep.parts[
        sweep.parts["policy"].isin(pairs)
        & sweep.parts["parts"].map(lambda joined: set(joined.split("+")) <= its)
    ]
    said = []
    for m in _telling(sweep, one):
        rows = one[(one["metric"] == m) & (one["n"] >= 2)].set_index("scenario")
        alike = []
        for pair, theirs in mine[mine["metric"] == m].groupby("policy", sort=False):
            if m not in _telling(sweep, theirs):
                continue
            theirs = theirs[theirs["n"] >= 2].set_index("scenario")
            shared = rows.index.intersection(theirs.index)
            same = theirs.loc[shared, "interaction"] * rows.loc[shared, "interaction"] > 0
            if len(shared) == len(rows) and same.all():
                alike.append(pair)
        if not alike:
            continue
        scenario = next(s for s in sweep.scenario_order if s in rows.index)
        first = mine[(mine["metric"] == m) & (mine["scenario"] == scenario)].set_index("policy")
        top = first.loc[alike, "interaction"].abs().idxmax()
        said.append(
            _t("pairs_behind", lang).format(
                measure=label(m, lang),
                whole=name_of("policy", whole, lang),
                d=_difference_words(m, rows.loc[scenario]),
                scenario=name_of("scenario", scenario, lang),
                pair=name_of("policy", top, lang),
                dp=_difference_words(m, first.loc[top]),
                unit=i18n.unit(m, lang, effect=True),
            )
        )
    return f"<p>{_e(('' if lang == 'zh' else ' ').join(said))}</p>" if said else ""


def _difference_words(metric: str, row) -> str:
    """A row of ``sweep.parts``' difference and its interval, in words: "−24.17 [−25.91,
    −22.43]"."""
    at = {"effect": row["interaction"], "ci_low": row["ci_low"], "ci_high": row["ci_high"]}
    return analysis.effect_words(metric, row["unit"], at).replace("-", "\u2212")


def _combination(sweep: Sweep, whole: str, one: pd.DataFrame, lang: str, measures) -> str:
    """One combination's part of the section (``_parts``): what it is, a table per
    measure of ``measures``, in which of them the difference is clear."""
    out = []
    sep = "、" if lang == "zh" else ", "
    base = name_of("policy", sweep.baseline, lang)
    parts = one["parts"].iloc[0].split("+")
    named = name_of("policy", whole, lang)
    words = _t("parts_intro", lang).format(
        whole=named,
        k=len(parts),
        names=sep.join(name_of("policy", p, lang) for p in parts),
        base=base,
        months=sweep.months,
    )
    out.append(f"<p>{_e(words)}</p>")
    scen = [s for s in sweep.scenario_order if s in set(one["scenario"])]
    labels = [
        (_t("parts_whole", lang).format(whole=named), "combination_"),
        (_t("parts_added", lang).format(k=len(parts)), "parts_"),
        (_t("parts_difference", lang), ""),
    ]
    clear: dict[str, list[str]] = {"every": [], "some": [], "none": []}
    fewer = False
    for m in measures:
        rows = one[one["metric"] == m]
        if rows.empty:
            continue
        kinds = {
            prefix: rows.assign(
                effect=rows[f"{prefix}effect" if prefix else "interaction"],
                ci_low=rows[f"{prefix}ci_low"],
                ci_high=rows[f"{prefix}ci_high"],
            ).set_index("scenario")
            for _, prefix in labels
        }
        every = pd.concat(kinds.values()).reset_index()
        columns = _column_decimals(every, m)
        wans = _column_wan(every, m, ["effect", "ci_low", "ci_high"], lang)
        head = _cap(axis_label(m, lang, effect=True))
        out.append(_table_head(head, scen, lang, _t("parts_col", lang)))
        for row_head, prefix in labels:
            out.append(f"<tr><th scope='row'>{_e(row_head)}</th>")
            for s in scen:
                r = kinds[prefix].loc[s]
                est, lo, hi = float(r["effect"]), float(r["ci_low"]), float(r["ci_high"])
                places = _cell_decimals(columns.get(s), m, est, lo, hi)
                wan = _cell_wan(wans[s], (est, lo, hi))
                seeds = ""
                if 0 < int(r["n"]) < sweep.seeds:  # (a part's or the baseline's runs lost)
                    seeds = _t("cell_fewer", lang).format(k=int(r["n"]), n=sweep.seeds)
                    fewer = True
                out.append(_effect_cell(m, est, lo, hi, places, wan, lang, seeds=seeds))
            out.append("</tr>")
        out.append("</tbody></table>")
        kind = _clear_in(rows)
        if kind is not None:
            clear[kind].append(label(m, lang))
    said = [  # (the names hold commas: "unemployment rate, whole city")
        _t(f"parts_{kind}", lang).format(names=("、" if lang == "zh" else "; ").join(names))
        for kind, names in clear.items()
        if names
    ]
    out.append(f"<p>{_e(' '.join(said))}</p>")
    if fewer:
        out.append(f"<p><small>{_e(_t('fewer_note', lang))}</small></p>")
    return "".join(out)


def _clear_in(rows: pd.DataFrame) -> str | None:
    """Whether the difference of a combination from its parts added up (``rows`` of one
    measure, a scenario each) is clear in "every" scenario, in "some" or in "none":
    counted over the scenarios with an interval (two seeds or more of every policy);
    None without any."""
    known = rows[rows["n"] >= 2]
    if known.empty:
        return None
    differs = [_is_clear(lo, hi) for lo, hi in zip(known["ci_low"], known["ci_high"], strict=True)]
    return "every" if all(differs) else "some" if any(differs) else "none"


def _seats(sweep: Sweep, lang: str) -> str:
    """The seats section: a table of the share of seats in use under each policy
    (policies down, scenarios across), the rural regions pooled and the whole city, for
    full-time TVET in the months school leavers choose and for courses in every month
    (``sweep.seats``); or a note of why it is missing."""
    if _summarised(sweep):
        return f"<p>{_e(_t('seats_points', lang).format(most=MANY_POINTS))}</p>"
    if sweep.seats is None:
        return f"<p>{_e(_t('seats_none', lang))}</p>"
    if sweep.seats.empty:
        return f"<p>{_e(_t('seats_old', lang))}</p>"
    from simulation import plots

    seats = sweep.seats
    more = ""
    if sweep.baseline in set(seats["policy"]):  # (a last line against its seats)
        more = _t("seats_more_note", lang).format(base=name_of("policy", sweep.baseline, lang))
    k = i18n.LANGS.index(lang)
    intakes = {s: intake_month(sweep.manifest, s) for s in dict.fromkeys(seats["scenario"])}
    if len(set(intakes.values())) == 1:  # (one month: named in the heading too)
        month = MONTH_NAMES[next(iter(intakes.values()))][k]
        intake, when = month, (f"，{month}" if lang == "zh" else f" ({month})")
    else:
        sep = "；" if lang == "zh" else "; "
        each = sep.join(
            f"{name_of('scenario', s, lang)} {MONTH_NAMES[m][k]}" for s, m in intakes.items()
        )
        intake, when = _t("seats_intake_each", lang).format(months=each), ""
    words = _t("seats_intro", lang).format(months=sweep.months, more=more, intake=intake)
    out = [f"<p>{_e(words)}</p>"]
    if seats.attrs.get("older_runs"):
        n = seats.attrs["older_runs"]
        runs = f"{n}次运行" if lang == "zh" else i18n.counted(n, "run")
        out.append(f"<p class='note'>{_e(_t('seats_older_runs', lang).format(runs=runs))}</p>")
    scen = [s for s in sweep.scenario_order if s in set(seats["scenario"])]
    pols = [p for p in sweep.policy_order if p in set(seats["policy"])]
    points = plots.point_labels(sweep.results, lang)
    cells = seats.set_index(["area", "policy", "point", "scenario"])
    for kind in ("tvet", "course"):
        out.append(_table_head(_t(f"seats_{kind}_head", lang).format(when=when), scen, lang))
        for p, point in _policy_points(seats, pols):
            out.append(_row_head(p, point, points, lang))
            for s in scen:
                lines = _seat_lines(cells, kind, p, point, s, sweep.months, lang)
                if not lines:
                    out.append(f"<td class='num'>{DASH}</td>")
                    continue
                lines += _more_seats(cells, kind, p, sweep.baseline, point, s, lang)
                rest = "".join(f"<br><small>{_e(x)}</small>" for x in lines[1:])
                out.append(f"<td class='num'>{_e(lines[0])}{rest}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
    return "".join(out)


def _seat_lines(cells, kind: str, policy: str, point: int, scenario: str, months: int, lang: str):
    """A cell of the seats section: the share of seats of ``kind`` in use in the rural
    regions and in the city, each of its mean seats; "no seats" where there are none,
    and, for TVET, "no intake" where the runs' months hold no month leavers chose in."""
    lines = []
    for area in ("rural", "city"):
        if (area, policy, point, scenario) not in cells.index:
            continue
        r = cells.loc[(area, policy, point, scenario)]
        if kind == "tvet" and r["intakes"] == 0:
            return [_t("seats_no_intake", lang).format(months=months)]
        if not r[f"{kind}_seats"] > 0:  # (a small city's rural providers)
            lines.append(_t(f"seats_{area}_none", lang))
            continue
        use, n = f"{100 * r[f'{kind}_seat_use']:.0f}%", f"{r[f'{kind}_seats']:,.0f}"
        lines.append(_t(f"seats_{area}", lang).format(use=use, seats=n))
    return lines


def _more_seats(cells, kind: str, policy: str, base: str, point: int, scenario: str, lang: str):
    """The seats section's line of a policy that changes the seats of ``kind``: its mean
    seats and learners against the baseline policy's (same scenario and point), in the
    first area where they differ by a seat or more (the rural regions, then the city);
    none for the baseline itself or where they do not differ."""
    if policy == base:
        return []
    for area in ("rural", "city"):
        mine, theirs = (area, policy, point, scenario), (area, base, point, scenario)
        if mine not in cells.index or theirs not in cells.index:
            continue
        a, b = cells.loc[mine], cells.loc[theirs]
        more = a[f"{kind}_seats"] - b[f"{kind}_seats"]
        if abs(more) >= 1:
            learners = a[f"{kind}_enrolled"] - b[f"{kind}_enrolled"]
            words = _t("seats_more", lang).format(
                area=_t(f"seats_area_{area}", lang),
                base=name_of("policy", base, lang),
                seats=_signed(more),
                learners=_signed(learners),
            )
            return [words]
    return []


def _signed(x: float) -> str:
    """A whole number with its sign, "0" for one that rounds to none (not "-0"); a
    minus sign, as the report's other numbers have (an ASCII hyphen stood out)."""
    whole = round(x)
    return f"{whole:+,}".replace("-", "\u2212") if whole else "0"


def _flow_tables(sweep: Sweep, e: pd.DataFrame, tables: list[tuple], lang: str) -> tuple[str, bool]:
    """The flows section's tables of effects ``e``: one per (column, value, metric,
    heading, status reached) of ``tables`` that has rows (``_effects_table``: policies
    down, scenarios across), the heading's ``{to}`` the status reached in words; and
    whether a cell counts fewer seeds than the sweep."""
    from simulation import plots

    scen = [s for s in sweep.scenario_order if s in set(e["scenario"])]
    pols = [p for p in sweep.policy_order if p in set(e["policy"])]
    n = int(e["n"].max()) if len(e) else 0
    points = plots.point_labels(sweep.results, lang)
    out, fewer = [], False
    for column, value, metric, head, to in tables:
        rows = e[(e[column] == value) & (e["metric"] == metric)]
        if rows.empty:
            continue
        if to is not None:
            head = head.format(to=_t(f"flows_to_{to}", lang))
        table, short = _effects_table(rows, metric, head, scen, pols, points, n, lang, e)
        out.append(table)
        fewer |= short
    return "".join(out), fewer


def _late_drivers(sweep: Sweep, lang: str) -> list[str]:
    """Notes of the sweep's scenarios whose shocks or carbon price jump come after its
    months (a 36-month sweep's disorderly transition equals the baseline, which the
    report showed without a word)."""
    from simulation.config import ScenarioConfig

    out = []
    for dump in (sweep.manifest.get("scenarios") or {}).values():
        try:
            scenario = ScenarioConfig.model_validate(dump)
        except ValueError:  # (a manifest of an older version: no notes, not a failure)
            continue
        out += i18n.late_drivers(scenario, sweep.months, lang, named=True)
    return out


# The shipped levers and scenarios the model cannot answer for yet (the method notes'
# "What the model cannot answer yet", docs/ODD.md 10.2): marked ‡ in the report's
# tables, whose summary at the top only the method notes at the bottom qualified (a
# forum would have read green curricula's +0.34 points of youth unemployment as a
# finding: a review)
MECHANICS_ONLY = {
    "policy": ("rural_training_access", "skills_anticipation", "core_skills", "green_curricula"),
    "scenario": ("rural_revitalization", "combined"),
}


def _marked(kind: str, name: str, lang: str) -> str:
    """A policy's or scenario's name in a table, ‡ after it where ``MECHANICS_ONLY``."""
    return name_of(kind, name, lang) + (" ‡" if name in MECHANICS_ONLY[kind] else "")


def _mechanics_note(scen: list[str], pols: list[str], lang: str) -> list[str]:
    """What ‡ means, where a table marks one (``MECHANICS_ONLY``)."""
    marked = set(MECHANICS_ONLY["scenario"]) & set(scen)
    marked |= set(MECHANICS_ONLY["policy"]) & set(pols)
    if not marked:
        return []
    return [f"<p class='note'>{_e(_t('mechanics_note', lang))}</p>"]


def _table_head(head: str, scen: list, lang: str, rows: str | None = None) -> str:
    """A summary table's heading and head row: policies down (or ``rows``, the first
    column's head), scenarios across (each header cell's scope said, for a screen
    reader: an outside review), ‡ after a scenario of ``MECHANICS_ONLY``."""
    cells = "".join(f"<th scope='col'>{_e(_marked('scenario', s, lang))}</th>" for s in scen)
    first = _t("policy_col", lang) if rows is None else rows
    return (
        f"<h3>{_e(head)}</h3><table><thead><tr><th scope='col'>{_e(first)}"
        f"</th>{cells}</tr></thead><tbody>"
    )


MANY_POINTS = 12  # a grid's design points past which the report summarises them


def _for_indices(sweep: Sweep) -> bool:
    """Whether the sweep's design points are samples (sobol, morris) for its indices."""
    kind = sweep.experiment["design"]["kind"]
    return kind in ("sobol", "morris") and sweep.results["point"].nunique() > 1


def _summarised(sweep: Sweep) -> bool:
    """Whether the report summarises the design's effects over its points, too many to
    show one by one: samples for indices (sobol, morris), or more than MANY_POINTS
    points (a grid's, an lhs design's)."""
    return _for_indices(sweep) or sweep.results["point"].nunique() > MANY_POINTS


SPENDING_PARTS = tuple(
    m.name
    for m in metrics.CATALOGUE
    if m.group == "public spending" and m.name != "spending_total_yuan"
)


def _negative_cost(e: pd.DataFrame, rows: pd.DataFrame, lang: str) -> list[str]:
    """Under the cost table, where a cost is negative: that public spending fell, and
    where (the first such policy and scenario's programme whose spending fell most)."""
    negative = rows[rows["effect"] < 0]
    if negative.empty:
        return []
    first = negative.iloc[0]
    at = (e["policy"] == first["policy"]) & (e["scenario"] == first["scenario"])
    at &= e["point"] == first["point"]
    parts = e[at & e["metric"].isin(SPENDING_PARTS)].set_index("metric")["effect"]
    if parts.empty or not parts.min() < 0:
        return []
    part = str(parts.idxmin())
    words = _t("negative_cost", lang).format(
        policy=name_of("policy", first["policy"], lang),
        scenario=name_of("scenario", first["scenario"], lang),
        part=label(part, lang),
        fell=f"{-parts[part]:,.0f}",
    )
    if part == "spending_seats_yuan":
        words += _t("negative_cost_seats", lang)
    return [f"<p><small>{_e(words)}</small></p>"]


def _window_words(sweep: Sweep, m: str, lang: str) -> str:
    """A summary table's heading's months, where they are not 1..M: the completion
    rate's (``completion_months``)."""
    if m != COMPLETION or sweep.completion is None:
        return ""
    first, last = sweep.completion
    return f"（第{first}至{last}个月）" if lang == "zh" else f", months {first} to {last}"


def _sampled_summary(sweep: Sweep, scen: list, pols: list, lang: str) -> str:
    """A sampled design's effects, a row per policy: the mean over the design points of
    each point's paired effect, and the points' lowest and highest (not an interval:
    the spread over the parameters' ranges, which the sensitivity figures break down)."""
    e = sweep.effects
    out = []
    for m in SUMMARY_METRICS:
        rows = e[e["metric"] == m]
        if rows.empty or m == analysis.COST_METRIC:
            continue
        head = _cap(axis_label(m, lang, effect=True)) + _window_words(sweep, m, lang)
        out.append(_table_head(head, scen, lang))
        wans = _column_wan(rows, m, ["effect"], lang)
        for p in pols:
            out.append(f"<tr><th scope='row'>{_e(name_of('policy', p, lang))}</th>")
            for s in scen:
                cell = rows[(rows["policy"] == p) & (rows["scenario"] == s)]["effect"].dropna()
                if cell.empty:
                    out.append(f"<td class='num'>{DASH}</td>")
                    continue
                low, high, mean = float(cell.min()), float(cell.max()), float(cell.mean())
                places = analysis.effect_decimals(m, mean, low, high)
                wan = _cell_wan(wans[s], (mean, low, high))
                spread = _t("points_range", lang).format(
                    k=len(cell),
                    low=_fmt(low, m, True, places, lang, wan),
                    high=_fmt(high, m, True, places, lang, wan),
                )
                out.append(
                    f"<td class='num'>{_e(_fmt(mean, m, True, places, lang, wan))}<br>"
                    f"<small>{_e(spread)}</small></td>"
                )
            out.append("</tr>")
        out.append("</tbody></table>")
    note = "sampled_note" if _for_indices(sweep) else "points_note"
    out.append(f"<p><small>{_e(_t(note, lang))}</small></p>")
    return "".join(out)


def _css_width(png: bytes) -> int | None:
    """The width a PNG is shown at on the page: its pixels at 100 to the inch, from the
    resolution it was saved at (its pHYs chunk, in pixels a metre), so a figure saved
    at 200 dpi shows at its drawn size and prints sharp; None without the chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    at = 8
    while at + 8 <= len(png):  # chunk by chunk: length, type, data, CRC
        size = int.from_bytes(png[at : at + 4], "big")
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + size]
        if kind == b"IDAT":  # (pHYs comes before the image data, or not at all)
            return None
        if kind == b"pHYs" and size == 9 and data[8] == 1:  # unit 1: the metre
            per_metre = int.from_bytes(data[:4], "big")
            if per_metre <= 0:
                return None
            return round(int.from_bytes(png[16:20], "big") * 100 / (per_metre * 0.0254))
        at += 12 + size
    return None


def _alt(caption: str, k: int, lang: str) -> str:
    """A figure's alt text: its number and its caption's first sentence. (It was the
    whole caption, which a screen reader then read twice, the figure's caption after
    it: an outside review.)"""
    first = re.split(r"(?<=\.)\s+|(?<=。)", caption.strip(), maxsplit=1)[0]
    return f"图{k}：{first}" if lang == "zh" else f"Figure {k}: {first}"


def _figures_html(rendered, folder: str, lang: str) -> str:
    out = [f"<p>{_e(_t('png_note', lang).format(folder=folder))}</p>"]
    drawn = 0
    for spec, data in rendered:
        if data is None:
            out.append(f'<p class="note" id="fig-{_e(spec.name)}">{_e(spec.caption)}</p>')
            continue
        uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        width = _css_width(data)
        size = f' width="{width}"' if width else ""
        drawn += 1
        alt = _alt(spec.caption, drawn, lang)
        out.append(
            f'<figure id="fig-{_e(spec.name)}"><img alt="{_e(alt)}"{size} src="{uri}">'
            f"<figcaption>{_e(spec.caption)} <small>"
            f"{_e(_t('png_file', lang).format(file=spec.name + '.png'))}</small>"
            "</figcaption></figure>"
        )
    return "".join(out)


# ----------------------------------------------------- configs in words


_ITEM = re.compile(r"\[[^\]]*\]")  # an item of a list of named tables: "[county_town]"


def _setting_leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """``_leaves``, with a list of named tables (a city's regions and sectors) taken
    item by item, by name ("world.regions[county_town].population_share"), and the
    names in order as a setting of their own ("world.regions"): a city of one's own
    showed as a whole list of tables in one cell, or not at all (an outside review)."""
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for k, v in data.items():
            out.update(_setting_leaves(v, f"{prefix}.{k}" if prefix else k))
        return out
    if isinstance(data, list) and data and all(isinstance(x, dict) and "name" in x for x in data):
        out = {prefix: [x["name"] for x in data]}
        for x in data:
            for k, v in x.items():
                if k != "name":
                    out.update(_setting_leaves(v, f"{prefix}[{x['name']}].{k}"))
        return out
    return {prefix: data}


def _field_description(model: type, path: str) -> str:
    """The Field description of a dotted path in a pydantic model tree (a list's items
    by their model: "world.regions[x].urban" is RegionSpec's ``urban``)."""
    parts = _ITEM.sub("", path).split(".")
    for part in parts[:-1]:
        info = model.model_fields.get(part)
        annotation = info.annotation if info is not None else None
        if typing.get_origin(annotation) is list:
            annotation = typing.get_args(annotation)[0]
        if not isinstance(annotation, type):
            return ""
        model = annotation
    info = model.model_fields.get(parts[-1])
    return (info.description or "") if info is not None else ""


def _meaning(model: type, path: str, lang: str, prefix: str = "") -> str:
    """What the setting ``prefix + path`` means; ``path`` is a field of ``model``."""
    general = _ITEM.sub("", prefix + path)
    return i18n.field_meaning(general, lang) or _field_description(model, path)


def _value(v: Any, lang: str = "en", share: bool = False, yuan: bool = False) -> str:
    """A setting's value as the tables show it: a share in per cent (0.25: '25%'), an
    amount of yuan of 10,000 or more in 万 on a Chinese page."""
    if isinstance(v, bool):
        return ("yes", "是")[lang == "zh"] if v else ("no", "否")[lang == "zh"]
    if share and isinstance(v, int | float):
        return f"{100 * v:.4g}%"
    if yuan and lang == "zh" and isinstance(v, int | float) and abs(v) >= 10_000:
        return f"{v / 10_000:,.4g}万"  # (a setting: as exact as set, '1.2万')
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"
    if isinstance(v, int) and abs(v) >= 10_000:
        return f"{v:,}"
    if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
        return ", ".join(v)  # (a city's regions or sectors, by name)
    if isinstance(v, list):
        return json.dumps(v)
    return str(v)


def _is_share(model: type, path: str) -> bool:
    """Whether a setting is a share (0 to 1; its Field says 'share'), shown in %."""
    return "share" in _field_description(model, path) or path.endswith("_share")


class SweptValue:
    """A setting a sweep's design sets per point (shown as swept, not as the file's)."""


# ``analysis.SensitivityWarning``s in Chinese, by their ``what`` (English: the message)
_SENSITIVITY_ZH = {
    "few_samples": (
        "{kind}设计仅有{samples}个{unit}，不足以得出可信的指数（{odd}置信区间为0或过宽）；"
        "请使用{need}个或以上"
    ),
    "rounded": (
        "{names}为整数参数，其运行取抽样值取整后的值，步长与设计不同，μ*为近似值"
        "（选择步长落在整数上的取值范围与水平数可避免）"
    ),
    "fewer_seeds": (
        "{scenario} | {policy}：设计点{points}中{metric}有数值的随机种子少于其他设计点"
        "（{least}/{most}），其输出为较少次运行的均值"
    ),
    "left_out": "{scenario} | {policy}：未纳入，设计点{points}无{metric}数值；{why}",
    "noisy": (
        "{scenario} | {policy}：{metric}的Sobol指数在本设计的{samples}个基础样本下噪声较大"
        "（指数为{low:+.2f}至{high:+.2f}，而其可能范围为0至1；置信区间最宽为±{widest:.2f}）："
        "请结合置信区间解读，或增加样本（或随机种子）"
    ),
}
_SENSITIVITY_WHY_ZH = {
    "unfinished": "本组模拟尚未完成：请重新运行其命令以完成",
    "failed": "部分运行失败（错误记录在ledger.parquet中）",
    "undefined": "该指标在这些运行中无定义",
}


def _sensitivity_note(warning: Warning, lang: str, paths: dict | None = None) -> str:
    """A ``SensitivityWarning`` in the page's language (``paths``: each design
    parameter's settings, which name it in Chinese)."""
    what = getattr(warning, "what", "")
    if lang != "zh" or what not in _SENSITIVITY_ZH:
        return str(warning)
    f = dict(warning.facts)
    if "points" in f:
        shown = [int(k) for k in f["points"][:10]]
        f["points"] = "、".join(map(str, shown)) + ("等" if len(f["points"]) > 10 else "")
    if "scenario" in f:
        f["scenario"] = name_of("scenario", f["scenario"], lang)
        f["policy"] = name_of("policy", f["policy"], lang)
        f["metric"] = label(f["metric"], lang)
    if what == "few_samples":
        f["kind"] = i18n.design_kind(f["kind"], lang)
        f["unit"] = "基础样本" if f["kind"] == "Sobol" else "轨迹"
        f["odd"] = "指数可能远超出0到1的范围，" if f["kind"] == "Sobol" else ""
    if what == "rounded":
        paths = paths or {}
        f["names"] = "、".join(i18n.parameter_name(n, paths.get(n, ()), lang) for n in f["names"])
    if what == "left_out":
        f["why"] = _SENSITIVITY_WHY_ZH[f["cause"]]
    return _SENSITIVITY_ZH[what].format(**f)


def _settings_table(model: type, changed: dict[str, Any], lang: str, prefix: str = "") -> str:
    """The settings ``changed`` from their defaults: in English the setting's path, its
    value and its meaning; in Chinese the meaning first (the path in small grey type
    under it), then the value."""
    rows = []
    for path, v in changed.items():
        if isinstance(v, SweptValue):
            shown = _t("swept_value", lang)
        else:
            shown = _value(v, lang, share=_is_share(model, path), yuan="yuan" in path)
        meaning = _meaning(model, path, lang, prefix)
        if lang == "zh":
            rows.append(
                f"<tr><td>{_e(meaning)}<br><small class='id'>{_e(prefix + path)}</small></td>"
                f"<td class='num'>{_e(shown)}</td></tr>"
            )
        else:
            rows.append(
                f"<tr><td><code>{_e(prefix + path)}</code></td><td class='num'>{_e(shown)}</td>"
                f"<td>{_e(meaning)}</td></tr>"
            )
    keys = ("setting", "value") if lang == "zh" else ("setting", "value", "meaning")
    head = "".join(f"<th>{_e(_t(k, lang))}</th>" for k in keys)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _id_note(name: str, lang: str) -> str:
    """A scenario's or policy's command-line name beside its heading, in small grey type."""
    if lang == "zh":
        return f" <small class='id'>（命令行名称：<code>{_e(name)}</code>）</small>"
    return f" <small><code>{_e(name)}</code></small>"


def _description(name: str, dumped: dict[str, Any], lang: str, kind: str = "scenario") -> str:
    """A scenario's or policy's description; in Chinese the shipped file's own
    translation, where the description is the shipped file's (one's own baseline.toml,
    a city of five regions, was described in Chinese as the shipped city of four: an
    outside review)."""
    own = dumped.get("description", "")
    shipped = _shipped_config(kind, name)
    said = own
    if lang == "zh" and name in i18n.DESCRIPTIONS_ZH and own == _shipped(kind, name, "description"):
        said = i18n.DESCRIPTIONS_ZH[name]
    # The shipped file's description over settings that are not the file's (a run of a
    # design sweep: its point's values; the run report of one read "5,000 yuan" above a
    # table of 5,921: an outside review): said, the table being the run's.
    # Only the settings both hold are compared: a run written before a field was added
    # (or after one was dropped) holds the file's settings all the same.
    if shipped is not None and own == shipped.get("description"):
        theirs, ours = _setting_leaves(shipped), _setting_leaves(dumped)
        if any(theirs[k] != ours[k] for k in theirs.keys() & ours.keys()):
            said += _t("described_as_file", lang)
    return said


@functools.cache
def _shipped_config(kind: str, name: str) -> dict[str, Any] | None:
    """The shipped scenario or policy ``name`` as a run's manifest holds it (None if no
    such file is shipped)."""
    from simulation import loading

    folder = loading.SHIPPED_SCENARIOS / ("policies" if kind == "policy" else "")
    if kind == "policy":  # (a combination, "a+b": its shipped parts merged in order)
        paths = [folder / f"{part}.toml" for part in name.split("+")]
        if not all(path.is_file() for path in paths):
            return None
        return loading.load_policy(paths).model_dump(mode="json")
    path = folder / f"{name}.toml"
    if not path.is_file():
        return None
    return loading.load_scenario(path).model_dump(mode="json")


@functools.cache
def _shipped_experiment_description(name: str) -> str | None:
    """The description of the shipped experiment ``name``, where it has a Chinese one
    (a copy of default.toml with a description of its own was described in Chinese as
    the shipped one: a review)."""
    import tomllib

    from simulation import loading

    path = loading.SHIPPED_SCENARIOS.parent / "experiments" / f"{name}.toml"
    if name not in i18n.EXPERIMENT_DESCRIPTIONS_ZH or not path.is_file():
        return None
    return tomllib.loads(path.read_text(encoding="utf-8")).get("description")


def _shipped(kind: str, name: str, key: str) -> Any:
    """One entry of ``_shipped_config`` (None where it has none)."""
    return (_shipped_config(kind, name) or {}).get(key)


def _policies_html(sweep: Sweep, lang: str) -> str:
    from simulation.config import PolicyConfig

    default = _leaves(PolicyConfig(name="default").model_dump(mode="json"))
    params = sweep.experiment.get("parameters") or []
    # a design's policy.* fields: each run has its point's value, not the policy's
    swept = _swept_fields(sweep, "policy")
    out = []
    for name, dumped in sweep.manifest.get("policies", {}).items():
        leaves = _leaves(dumped)
        changed = {
            k: (SweptValue() if k in swept else v)
            for k, v in leaves.items()
            if k not in ("name", "description") and (default.get(k) != v or k in swept)
        }
        out.append(f"<h3>{_e(i18n.full_name('policy', name, lang))}{_id_note(name, lang)}</h3>")
        out.append(f"<p>{_e(_description(name, dumped, lang, 'policy'))}</p>")
        out.append(
            _settings_table(PolicyConfig, changed, lang)
            if changed
            else f"<p>{_e(_t('as_default', lang))}</p>"
        )
    if params:
        design = sweep.experiment["design"]
        points = len(sweep.results["point"].unique())
        out.append(
            "<p>"
            + _e(
                _t("swept", lang).format(kind=i18n.design_kind(design["kind"], lang), points=points)
            )
            + "</p><ul>"
        )
        for p in params:
            paths = [x for x in (p.get("paths") or [p.get("path")]) if x]
            span = p.get("values") or [p.get("low"), p.get("high")]
            said = _e(p["name"])
            # (in Chinese the setting's meaning, else the parameter's name in words)
            meaning = (i18n.field_meaning(paths[0], lang) if len(paths) == 1 else None) or (
                i18n.parameter_name(p["name"], paths, lang)
            )
            if meaning != i18n.parameter_name(p["name"]):  # (Chinese: meaning, then name)
                said = f"{_e(meaning)}<small class='id'>（{said}）</small>"
            out.append(
                f"<li><b>{said}</b>{'：' if lang == 'zh' else ': '}"
                f"{_e(', '.join(str(x) for x in paths))} &isin; {_e(span)}</li>"
            )
        out.append("</ul>")
    return "".join(out)


def _swept_fields(sweep: Sweep, root: str) -> set[str]:
    """The fields under ``root`` ("scenario" or "policy") that the sweep's design sets
    per point, without the root: their runs had each point's value, not the file's."""
    return {
        path.removeprefix(f"{root}.")
        for p in sweep.experiment.get("parameters") or []
        for path in (p.get("paths") or [p.get("path")])
        if path and path.startswith(f"{root}.")
    }


def _scenarios_html(sweep: Sweep, lang: str) -> str:
    from simulation.config import DriversConfig, ScenarioConfig

    scenarios = sweep.manifest.get("scenarios", {})
    drivers_default = _leaves(DriversConfig().model_dump(mode="json"))
    # a design's scenario.* fields are shown as swept, where a table shows them (the
    # scenario's own value did not run: an outside review)
    swept = _swept_fields(sweep, "scenario")
    swept_drivers = {k.removeprefix("drivers.") for k in swept if k.startswith("drivers.")}
    # each scenario's other settings against the shipped city, the one the model is
    # fitted to (they were shown only for a sweep's second scenario on, against its
    # first: a city of one's own was never described; an outside review)
    city = _setting_leaves(_shipped_config("scenario", "baseline") or {})
    out = []
    for name, dumped in scenarios.items():
        out.append(f"<h3>{_e(name_of('scenario', name, lang))}{_id_note(name, lang)}</h3>")
        out.append(f"<p>{_e(_description(name, dumped, lang))}</p>")
        drivers = dumped.get("drivers", {})
        shocks = drivers.get("shocks", [])
        if shocks:
            out.append(
                "<ul>" + "".join(f"<li>{_e(_shock(s, lang))}</li>" for s in shocks) + "</ul>"
            )
        changed = {
            k: (SweptValue() if k in swept_drivers else v)
            for k, v in _leaves({k: v for k, v in drivers.items() if k != "shocks"}).items()
            if drivers_default.get(k) != v or k in swept_drivers
        }
        if changed:
            out.append(_settings_table(DriversConfig, changed, lang, prefix="drivers."))
        elif not shocks:
            out.append(f"<p>{_e(_t('drivers_default', lang))}</p>")
        other = {
            k: (SweptValue() if k in swept else v)
            for k, v in _setting_leaves(dumped).items()
            if not k.startswith(("drivers", "name", "description"))
            and (city.get(k) != v or k in swept)
        }
        if other:
            out.append(f"<p>{_e(_t('differs_from_city', lang))}</p>")
            out.append(_settings_table(ScenarioConfig, other, lang))
            shipped = _shipped_config("scenario", name)
            as_shipped = shipped is not None and {
                k: v for k, v in shipped.items() if k != "description"
            } == {k: v for k, v in dumped.items() if k != "description"}
            # (not a burn-in's length: the same city, run in earlier)
            refit = [k for k in other if k.startswith(("world", "behaviour"))]
            if not as_shipped and any(not isinstance(other[k], SweptValue) for k in refit):
                out.append(f"<p class='note'>{_e(_t('not_fitted', lang))}</p>")
            elif refit:  # (a design over the fitted city's behaviour: hiring_assumptions)
                out.append(f"<p class='note'>{_e(_t('not_fitted_swept', lang))}</p>")
    return "".join(out)


def _shock(s: dict[str, Any], lang: str) -> str:
    i = i18n.LANGS.index(lang)
    where = _t("shock_rural_only", lang) if s.get("rural_regions_only") else ""
    return _t("shock", lang).format(
        sectors=_SECTOR_KINDS.get(s["kind"], (s["kind"], s["kind"]))[i],
        where=where,
        change=f"{math.exp(s['log_change']) - 1:+.0%}".replace("-", "\u2212"),  # (as tables)
        months=s["duration_months"],
        start=s["start_month"],
    )


# ---------------------------------------------------------------- notes


def _pairing_gain(effects: pd.DataFrame) -> float:
    """Median ratio of unpaired (Welch) to paired interval widths."""
    paired = effects["ci_high"] - effects["ci_low"]
    unpaired = effects["unpaired_ci_high"] - effects["unpaired_ci_low"]
    ratio = (unpaired / paired).replace([float("inf")], float("nan")).dropna()
    ratio = ratio[ratio > 0]
    return float(ratio.median()) if len(ratio) else float("nan")


def _methods_html(sweep: Sweep, lang: str) -> str:
    exp = sweep.experiment
    burn = {s.get("burn_in_months") for s in sweep.manifest.get("scenarios", {}).values()}
    gain = _pairing_gain(sweep.effects[sweep.effects["metric"] != analysis.COST_METRIC])
    n = exp["replications"]
    values = {
        "n": n,
        "seeds_counted": i18n.counted(n, "seed"),
        "root": exp["root_seed"],
        "burn": "/".join(str(b) for b in sorted(b for b in burn if b is not None)) or "?",
        "ratio": f"{gain:.1f}",
        "months": sweep.months,
        "base": name_of("policy", sweep.baseline, lang),
        "workers": exp["workers"],
        "alt_fit": name_of("scenario", "baseline_alternative_fit", lang),
        "combined": name_of("scenario", "combined", lang),
    }
    i = i18n.LANGS.index(lang)
    paragraphs = [pair[i].format(**values) for pair in _METHODS]
    if math.isfinite(gain):
        paragraphs[1] += (" " if lang == "en" else "") + _PAIRING_GAIN[i].format(**values)
    if n == 1:
        paragraphs.append(_ONE_SEED[i])
    return "".join(f"<p>{_e(text)}</p>" for text in paragraphs)


def _glossary_html(sweep: Sweep, lang: str) -> str:
    return glossary_table(
        list(dict.fromkeys([*SUMMARY_METRICS, *PATH_METRICS, "vacancy_rate"])), lang
    )


def glossary_table(names: list[str], lang: str) -> str:
    """The metrics ``names``: label, unit and definition, a row each."""
    defs = {m.name: m.definition for m in (*metrics.CATALOGUE, *metrics.COMPARATIVE)}
    rows = []
    for n in names:
        meaning = _DEFINITIONS_ZH.get(n) if lang == "zh" else None
        rows.append(
            f"<tr><td>{_e(label(n, lang))}</td><td>{_e(unit(n, lang))}</td>"
            f"<td>{_e(meaning or defs.get(n, ''))}</td></tr>"
        )
    head = (
        "<tr>"
        + "".join(f"<th>{_e(_t(k, lang))}</th>" for k in ("metric", "unit", "definition"))
        + "</tr>"
    )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


# The manifest's facts as a Chinese page names them (an English page: by their keys).
MANIFEST_FACTS_ZH = {
    "experiment": "实验",
    "source": "实验文件",
    "status": "状态",
    "runs": "运行次数",
    "counts": "各状态运行数",
    "sweep_hash": "模拟组哈希值",
    "root_seed": "根随机种子",
    "seeds": "随机种子",
    "code": "代码版本",
    "started": "开始时间",
    "updated": "更新时间",
    "packages": "软件包版本",
    # (a run's: simulation.run_report)
    "scenario": "情景",
    "policy": "政策",
    "workers": "劳动者人数",
    "months": "模拟月数",
    "seed": "随机种子",
    "engine": "计算引擎",
    "created": "生成时间",
    "config_hash": "配置哈希值",
    "command": "命令",
}


def _manifest_html(sweep: Sweep, lang: str) -> str:
    m = sweep.manifest
    progress = sweep.progress or sweep_progress(sweep.path, m)
    facts = {
        "experiment": _named_id(m["experiment"].get("name"), i18n.experiment_name, lang),
        "source": m.get("source"),
        "status": status_words(m.get("status"), lang),
        "runs": m.get("runs"),
        # (the run folders', not the manifest's: it may lag)
        "counts": counts_words(progress.done, progress.failed, progress.pending, lang),
        "sweep_hash": m.get("sweep_hash"),
        "root_seed": m.get("root_seed"),
        "seeds": ", ".join(str(s) for s in m.get("seeds", [])),
        "code": code_words(m, lang, list(analysis.code_versions(sweep.path).index)),
        "started": time_words(m.get("started")),
        "updated": time_words(m.get("updated")),
        "packages": packages_words(m),
    }
    return facts_html(m, facts, lang)


def _named_id(key: Any, words: Callable[[str, str], str | None], lang: str) -> Any:
    """A manifest's identifier in the facts: on a Chinese page its name in words (the
    identifier in brackets after it); as it is where it has no name or in English."""
    if key is None or lang != "zh":
        return key
    named = words(str(key), lang)
    return f"{named}（{key}）" if named and named != key else key


# A sweep's or run's status, as a Chinese page says it (runs: "done", "failed", ...).
STATUS_ZH = {
    "complete": "已完成",
    "complete with failures": "已完成（部分运行失败）",
    "running": "运行中",
    "interrupted": "已中断",
    "stopped": "已停止",
    "done": "已完成",
    "failed": "失败",
    "pending": "待运行",
}


def status_words(status: str | None, lang: str) -> str | None:
    """A manifest's status in the page's language ('stopped: why' keeps its why)."""
    if status is None or lang != "zh":
        return status
    head, sep, why = str(status).partition(": ")
    words = STATUS_ZH.get(head)
    if words is None:
        return str(status)
    return f"{words}：{why}" if sep else words


def counts_words(done: int, failed: int, pending: int, lang: str) -> str:
    """'done 135, failed 0, pending 0'; '已完成135，失败0，待运行0'."""
    if lang == "zh":
        return f"已完成{done:,}，失败{failed:,}，待运行{pending:,}"
    return f"done {done:,}, failed {failed:,}, pending {pending:,}"


def time_words(stamp: Any) -> Any:
    """A manifest's time ('2026-12-06T16:13:59+0800') as '2026-12-06 08:13 UTC'; one it
    cannot read, as it is."""
    if not isinstance(stamp, str):
        return stamp
    from datetime import UTC, datetime

    try:
        when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            when = datetime.fromisoformat(stamp)
        except ValueError:
            return stamp
    if when.tzinfo is None:  # (no zone said: shown as written, not guessed)
        return when.strftime("%Y-%m-%d %H:%M")
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def code_words(manifest: dict[str, Any], lang: str = "en", digests: list[str] | None = None) -> str:
    """The code a manifest records: package version, commit, whether it was dirty, and
    the digest of the code that computed the runs (``digests``: a sweep's ledger's; by
    default the manifest's own ``code``), which the ledger, the run manifests and
    ``skillsim --version`` give (the page named only the commit: an outside review)."""
    code = manifest.get("code_version", {})
    dirty = ("（含未提交修改）" if lang == "zh" else " (dirty)") if code.get("dirty") else ""
    words = f"{code.get('package', '')} {code.get('commit', '')}{dirty}"
    if digests is None:
        own = manifest.get("code")
        if isinstance(own, dict) and own:  # (a sweep's: module -> digest, of its latest run)
            from simulation.experiment.executors import code_digest

            own = code_digest(own)
        digests = [own] if isinstance(own, str) and own else []
    if digests:
        words += ("；代码摘要" if lang == "zh" else "; code ") + ", ".join(digests)
    return words


def packages_words(manifest: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in manifest.get("packages", {}).items())


def facts_html(manifest: dict[str, Any], facts: dict[str, Any], lang: str) -> str:
    """``facts`` (a row each, named in the page's language; None left out) and, folded
    below them, the whole ``manifest``."""
    names = MANIFEST_FACTS_ZH if lang == "zh" else {}
    rows = "".join(
        f"<tr><th>{_e(names.get(k, k))}</th><td>{_e(v)}</td></tr>"
        for k, v in facts.items()
        if v is not None
    )
    full = json.dumps(manifest, indent=2, ensure_ascii=False)
    return (
        f"<table><tbody>{rows}</tbody></table><details><summary>"
        f"{_e(_t('manifest_full', lang))}</summary><pre>{_e(full)}</pre></details>"
    )


# A reference to anything outside the file: used by the tests and by `check`.
_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?(?!data:|#)[^"'\s>]+)"""
    r"""|url\(\s*["']?(?!data:|#)|@import|<script|<link|<iframe|<object|<embed""",
    re.IGNORECASE,
)


def external_references(page: str) -> list[str]:
    """Every place where ``page`` would load something from outside itself."""
    return [m.group(0) for m in _EXTERNAL.finditer(page)]
