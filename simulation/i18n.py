"""Words for figures, the report and the dashboard, in English and Chinese.

``label(name, lang)`` gives a metric's short name in plain words, ``unit(name, lang,
effect=False)`` its unit as shown (shares in %, their changes in percentage points),
``name_of(kind, key, lang)`` a scenario, policy, region or sector, and ``text(key,
lang)`` any other fixed phrase. Units and definitions come from ``simulation.metrics``;
names not listed here fall back to their snake_case name in words.

Chinese figures need a CJK font (Debian: fonts-noto-cjk, which ``make test`` and ``make
dashboard-assets`` install); ``cjk_font()`` finds one or raises ``MissingFontError``
with what to install, so that a figure never shows boxes for characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from simulation import metrics

LANGS = ("en", "zh")

# Preferred CJK families, best first (Debian: fonts-noto-cjk, fonts-wqy-microhei).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    # macOS's, which matplotlib finds (it does not read PingFang's .ttc: matplotlib#27705)
    "Hiragino Sans GB",
    "Heiti SC",
    "Heiti TC",
    "Songti SC",
    "Arial Unicode MS",
)


class MissingFontError(RuntimeError):
    """Chinese output asked for, but no font with Chinese characters is installed."""


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not supported (allowed: {', '.join(LANGS)})")
    return lang


def cjk_font() -> str:
    """The family name of an installed font with Chinese characters (for matplotlib)."""
    from matplotlib import font_manager

    def find() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in names), None)

    found = find()
    if found is None:  # installed after matplotlib cached its font list: look again
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        found = find()
    if found is None:
        raise MissingFontError(
            "--lang zh needs a font with Chinese characters for the figures, and none is "
            "installed. On Debian or Ubuntu: `apt-get install fonts-noto-cjk` (or `make "
            "dashboard-assets`, which installs it); elsewhere install Noto Sans CJK SC. "
            f"Looked for: {', '.join(CJK_FAMILIES)}."
        )
    return found


# ------------------------------------------------------------------ settings

# Chinese meanings of the settings a report or a figure names (English: the Field
# descriptions in simulation/config.py): a policy's levers by their path in a policy file
# ("subsidy.yuan_per_year"), a scenario's settings by their path in a scenario file
# ("drivers.carbon_price_yuan_per_t", "behaviour.labour_market.screening_noise"). The two
# sets of paths do not overlap. tests/test_report.py holds every setting of both to
# a meaning here.
FIELDS_ZH: dict[str, str] = {
    "subsidy.yuan_per_year": "每名学徒每年支付给企业的补贴（元）",
    "subsidy.advanced_certificate_bonus_yuan_per_year": (
        "取得高级工（三级）及以上职业技能等级证书的学徒额外补贴（元/人/年）"
    ),
    "subsidy.advance_share": "合同开始时预付的补贴比例",
    "subsidy.clawback_share": "学徒退出时收回的预付比例",
    "quality.written_agreement": "书面学徒协议",
    "quality.structured_training": "结构化的在岗与脱岗培训计划",
    "quality.assessment_certification": "职业技能等级认定（评价与发证）",
    "quality.pay_and_social_protection": "合理报酬与社会保护",
    "quality.mentor_training": "经过培训的企业导师",
    "quality.mentor_ratio": "每名合格导师带教的学徒数",
    "quality.public_cost_yuan_per_completion": "每名结业者的公共评价认证成本（元）",
    "terms.duration_months": "学徒合同期限（月）",
    "terms.wage_floor_share_of_min_wage": "学徒工资下限（占当地最低工资的比例）",
    "anticipation.lag_months": "技能需求信号的滞后（月）",
    "anticipation.noise_sd": "预测的相对噪声",
    "anticipation.foresight_months": "系统提前预测需求的月数",
    "anticipation.cost_yuan_per_1000_workers_month": "系统运行成本（元/每千名劳动者/月）",
    "core_skills.curriculum_share": "课程中核心技能课时比例",
    "core_skills.cost_yuan_per_1000_workers_month": "课程与师资成本（元/每千名劳动者/月）",
    "green_curricula.green_share": "课程中绿色技能课时最低比例",
    "green_curricula.cost_yuan_per_1000_workers_month": "课程与师资成本（元/每千名劳动者/月）",
    "vouchers.yuan_per_month": "培训券面值（元/人/培训月）",
    "vouchers.enrolment_boost": "目标人群报名率增加倍数",
    "vouchers.target_youth": "16-24岁失业青年可领取",
    "vouchers.target_rural": "农村居民可领取",
    "vouchers.target_displaced": "高碳行业转岗工人可领取",
    "rural_access.extra_seat_share": "农村培训名额增加比例",
    "rural_access.travel_cost_cut": "流动培训减少的交通成本比例",
    "rural_access.cost_yuan_per_seat_month": "每个农村/流动培训名额的月成本（元）",
    "tvet_capacity.seat_multiplier": "职业院校培训名额相对基准的倍数",
    "drivers.carbon_price_yuan_per_t": "第0个月碳价（元/吨）",
    "drivers.carbon_price_growth_per_year": "碳价年对数增长率",
    "drivers.carbon_price_growth_months": "碳价自第0个月起上涨的月数（此后保持该水平）",
    "drivers.carbon_price_jump_month": "碳价一次性跳升的月份（-1 = 无）",
    "drivers.carbon_price_jump_yuan_per_t": "碳价一次性跳升幅度（元/吨）",
    "drivers.carbon_exit_sensitivity": "单位碳负担的企业月退出风险",
    "drivers.rural_access_gain": "农村交通成本降低比例",
    "drivers.rural_access_months": "交通改善完成所需月数",
    "drivers.return_migration_boost": "返乡迁移月概率的增加倍数",
    "drivers.rural_training_capacity_gain": "农村培训名额增加比例",
    "drivers.firm_entry_elasticity": "需求变化中由企业进入/退出承担的比例",
}
# a scenario's settings other than its drivers
SCENARIO_FIELDS_ZH: dict[str, str] = {
    "burn_in_months": "第0个月前在现状政策下、情景驱动因素冻结时预热运行的月数（月）",
    "world.regions": "城市的地区（按顺序）",
    "world.regions.urban": "城镇地区（中心城区或县城；否：农村县）",
    "world.regions.population_share": "占劳动年龄人口的比例",
    "world.regions.wage_level_yuan_per_month": "平均企业中技能完全匹配者的月工资（元）",
    "world.regions.min_wage_yuan_per_month": "法定月最低工资（元）",
    "world.regions.rural_origin_share": "农村户籍/出身居民的比例",
    "world.sectors": "城市的行业（按顺序）",
    "world.sectors.kind": "绿色转型类别（brown：高碳；neutral：中性；green：绿色）",
    "world.sectors.rural": "乡村振兴行业",
    "world.sectors.profile": "各技能领域的技能要求（0-1，按技能领域顺序）",
    "world.sectors.employment_share": "各地区初始就业中该行业的比例（按地区顺序）",
    "world.sectors.trend_per_year": "需求的基准年对数变化",
    "world.sectors.carbon_intensity": "碳价1,000元/吨时碳成本占产出的比例",
    "world.sectors.productivity": "企业平均生产率（1 = 平均）",
    "world.travel_cost": "从地区i到地区j求职或迁移的交通成本（0 = 同一地区，1 = 无法承受）",
    "world.avg_firm_size": "企业平均雇员人数（人）",
    "world.firm_size_sigma": "企业基础规模的对数标准差",
    "world.firm_capacity_headroom": "为新企业进入预留的名额（占初始企业数的比例）",
    "world.providers_per_region": "每个地区的职业院校数（所）",
    "world.tvet_seats_per_1000_workers": "每千名劳动者的职业院校全日制培训名额（个）",
    "world.course_seats_per_1000_workers": "每千名劳动者的终身职业技能培训课程名额（个）",
    "world.initial_vacancy_rate": "企业在初始员工之外想增聘的岗位（占初始员工的比例；基准情景校准所得）",
    "world.requirement_noise_sd": "企业技能要求围绕所属行业技能要求的标准差",
    "behaviour.population.initial_unemployment_rate": "初始失业率（各地区；取自国家统计局城镇调查失业率）",
    "behaviour.population.initial_youth_unemployment_rate": "初始25岁以下青年失业率（取自国家统计局16-24岁不含在校生的失业率）",
    "behaviour.population.inactive_share": "初始不在劳动力市场（非劳动力）的成年人比例",
    "behaviour.population.tertiary_share": "初始人口中已受或正在接受高等教育的比例",
    "behaviour.population.retirement_age_years": "法定退休年龄（岁）",
    "behaviour.population.entry_age_years": "离校生（学校毕业生）的年龄（岁）",
    "behaviour.population.cohort_share_per_year": "每年离校生人数（占劳动者的比例）",
    "behaviour.population.cohort_month": "离校生每年进入的月份（0 = 1月）",
    "behaviour.population.capacity_headroom": "为离校生进入预留的劳动者名额（占劳动者的比例）",
    "behaviour.population.ability_sd": "学习能力的标准差（均值为1）",
    "behaviour.population.initial_skill_noise_sd": "初始技能围绕岗位技能要求的标准差（离校生的技能亦然）",
    "behaviour.population.entrant_core_skill": "离校生核心技能的平均水平（0-1）",
    "behaviour.population.entrant_digital_skill": "离校生数字技能的平均水平（0-1）",
    "behaviour.population.entrant_field_readiness": (
        "离校生专业技术技能均值占其专业领域技能要求的比例（领域按所在地区就业结构抽取行业）"
    ),
    "behaviour.population.tertiary_months": "高等教育学习时长（月）",
    "behaviour.population.tertiary_skill_gain": "高等教育使核心与数字技能向上限1提升的幅度",
    "behaviour.population.inactivity_min_age_years": "长期失业者可退出劳动力市场的最低年龄（岁）",
    "behaviour.population.inactivity_hazard": "50岁及以上长期失业者退出劳动力市场的月概率",
    "behaviour.population.withdrawal_hazard": "任一失业者退出劳动力市场的月概率",
    "behaviour.population.reactivation_hazard": "不在劳动力市场的成年人重新求职的月概率",
    "behaviour.population.return_migration_rate": "在外地的农村籍失业者返乡的月概率",
    "behaviour.labour_market.applications_per_searcher": "求职者每轮投递的申请数（未匹配者下一轮再投）",
    "behaviour.labour_market.matching_rounds": "每月发出录用通知的轮数",
    "behaviour.labour_market.on_the_job_search": "在职者每月在职求职的比例",
    "behaviour.labour_market.mismatch_search_boost": "每单位技能差距带来的在职求职增幅（倍）",
    "behaviour.labour_market.final_year_search": "毕业前最后几个月的在校生与职业院校学员每月求职的比例",
    "behaviour.labour_market.final_year_months": "高等教育或职业院校培训结束前可提前求职的月数（月）",
    "behaviour.labour_market.delayed_entry_share": (
        "未找到工作即毕业的高校与职业院校毕业生中慢就业（先暂离劳动力市场）的比例"
    ),
    "behaviour.labour_market.delayed_entry_months": (
        "慢就业毕业生暂离劳动力市场的平均时长（月；在1至该值的2倍减1之间均匀抽取）"
    ),
    "behaviour.labour_market.affinity_weight": "求职申请向技能相近岗位集中的强度",
    "behaviour.labour_market.travel_weight": "求职申请回避交通成本的强度",
    "behaviour.labour_market.hire_threshold": "录用所需的最低评分（预期生产率）",
    "behaviour.labour_market.threshold_slack": "失业人数/空缺数的对数每变化1单位时录用门槛的变化",
    "behaviour.labour_market.threshold_vacancy_age": "岗位每多空缺1个月录用门槛的降幅",
    "behaviour.labour_market.screening_noise": "企业评估求职者评分误差的标准差（每份申请重新抽取；0：评估无误差）",
    "behaviour.labour_market.youth_reservation": (
        "25岁以下失业青年的保留工资，低于则拒绝录用（占当地工资水平的比例；0：接受任何录用）"
    ),
    "behaviour.labour_market.reservation_decline": (
        "青年保留工资随失业时长每月下降的比例（保留工资乘以（1-该值）的失业月数次方）"
    ),
    "behaviour.labour_market.hiring_horizon_months": "企业为求职者计入的预期在岗学习月数（月）",
    "behaviour.labour_market.certification_signal": "职业技能等级证书带来的录用评分加分",
    "behaviour.labour_market.quit_rate": "技能匹配的在职者主动辞职的月概率",
    "behaviour.labour_market.quit_mismatch": "每单位技能差距对辞职概率的乘数",
    "behaviour.labour_market.layoff_band": "在岗人数超出目标在此比例内不裁员",
    "behaviour.labour_market.firm_shock_sd": "企业需求冲击的标准差",
    "behaviour.labour_market.firm_shock_persistence": "企业需求冲击的持续性（一阶自回归系数）",
    "behaviour.labour_market.wage_floor_share": "不论技能匹配程度均支付的基本工资比例",
    "behaviour.labour_market.tenure_premium": "任职满10年的工资溢价（比例）",
    "behaviour.labour_market.certification_premium": "职业技能等级证书带来的工资溢价（比例）",
    "behaviour.labour_market.moving_cost_weight": "外地岗位每单位交通成本带来的效用损失",
    "behaviour.skills.learning_rate": "在岗时每月缩小与岗位技能要求差距的比例",
    "behaviour.skills.core_learning_boost": "每单位核心技能带来的学习加速",
    "behaviour.skills.depreciation_employed": "在职时未使用技能的月折损率",
    "behaviour.skills.depreciation_unemployed": "失业或不在劳动力市场时全部技能的月折损率（核心技能减半）",
    "behaviour.skills.training_rate": "培训中每单位课程权重每月使技能向上限1提升的比例",
    "behaviour.skills.apprenticeship_on_job_boost": "学徒在岗学习速度的倍数",
    "behaviour.skills.under_skilled_gap": "技能不足差距超过此值即为技能不足",
    "behaviour.skills.over_skilled_gap": "技能过剩差距超过此值即为技能过剩",
    "behaviour.apprenticeship.contribution_start": "学徒第1个月的产出（占熟练工人产出的比例）",
    "behaviour.apprenticeship.contribution_end": "学徒最后1个月的产出（占熟练工人产出的比例）",
    "behaviour.apprenticeship.wage_share": "学徒工资（占熟练工人工资的比例）",
    "behaviour.apprenticeship.mentor_time_share": "每名学徒占用企业导师工作时间的比例",
    "behaviour.apprenticeship.off_the_job_share": "学徒脱产培训时间的比例",
    "behaviour.apprenticeship.retention_hiring_cost_months": "留用结业学徒节省的招聘与入职成本（月工资数）",
    "behaviour.apprenticeship.base_retention": "结业者达到录用门槛时培训企业提供岗位的概率（未达到者按比例降低）",
    "behaviour.apprenticeship.dropout_hazard": "无质量标准时学徒中途退出的月概率",
    "behaviour.apprenticeship.quality_dropout_cut": "执行全部质量标准时学徒退出减少的比例",
    "behaviour.apprenticeship.quality_skill_boost": "执行全部质量标准时学徒技能提升的额外增幅（倍）",
    "behaviour.apprenticeship.quality_cost_yuan_per_month": "企业执行全部质量标准的成本（元/学徒/月）",
    "behaviour.apprenticeship.certification_pass": "技能完全匹配的结业者通过职业技能等级认定的概率",
    "behaviour.apprenticeship.max_share_of_headcount": "学徒人数上限（占企业员工的比例）",
    "behaviour.apprenticeship.mentor_share": "企业员工中具备企业导师资格的比例",
    "behaviour.apprenticeship.contribution_sd": (
        "学徒额外生产贡献在企业间的标准差（合同期内月工资数；各企业固定不变）"
    ),
    "behaviour.apprenticeship.max_age_years": "学徒最高年龄（岁）",
    "behaviour.apprenticeship.advanced_match": "结业时取得高级职业技能等级证书所需的技能匹配度",
    "behaviour.apprenticeship.trainability_threshold": "企业招收学徒的最低可培养性（核心技能与学习能力）",
    "behaviour.apprenticeship.youth_interest": "35岁及以下无证书失业者每月同时寻找学徒岗位的比例",
    "behaviour.apprenticeship.seek_months": "离校生转为普通求职前寻找学徒岗位的月数（月）",
    "behaviour.apprenticeship.poaching_window_months": "结业后在此月数内跳槽即计为挖角（月）",
    "behaviour.providers.quality_mean": "职业院校的平均质量（0-1）",
    "behaviour.providers.quality_sd": "职业院校质量的标准差",
    "behaviour.providers.adjust_per_quarter": "课程结构每季度向目标结构调整的比例（缩小差距的比例）",
    "behaviour.providers.tvet_months": "职业院校全日制（初始）培训项目时长（月）",
    "behaviour.providers.course_months": "终身职业技能培训课程时长（月）",
    "behaviour.providers.lll_base_rate": "符合条件的失业成年人参加终身职业技能培训的月概率",
    "behaviour.providers.lll_min_spell_months": "成年失业者具备参训资格所需的失业时长（月）",
    "behaviour.providers.certification_pass": "课程完全相关时职业院校学员取得职业技能等级证书的概率",
    "behaviour.providers.seat_cost_yuan_per_month": "每个公共资助培训名额的月成本（元）",
    "behaviour.providers.apprentice_seat_share": (
        "学徒在合作院校脱产培训的名额成本中财政承担比例（0：企业付费，如新型学徒制；1：双元制公办职校）"
    ),
    "behaviour.choices.logit_scale": "离校生对预期收益的敏感度（升学阶段：能力与出身筛选谁升学的强度）",
    "behaviour.choices.apprenticeship_appeal": "相对于直接求职，对学徒制的偏好",
    "behaviour.choices.tvet_appeal": "对职业院校全日制培训的偏好",
    "behaviour.choices.tertiary_entry_share": (
        "离校生进入高等教育的比例（离校前按能力与出身确定，不受劳动力市场影响）"
    ),
    "behaviour.choices.availability_weight": (
        "获得学徒岗位机会（上年开始人数/选择学徒的离校生）每单位带来的效用"
    ),
    "behaviour.choices.relevance_weight": "职业院校课程相关性每单位带来的效用",
    "behaviour.choices.ability_weight": (
        "学习能力每高出1单位的升学对数几率（除以logit_scale）：影响谁升学，不影响人数"
    ),
    "behaviour.choices.rural_tertiary_penalty": (
        "农村籍离校生升学对数几率的降低（除以logit_scale）：影响谁升学，不影响人数"
    ),
    "behaviour.choices.rural_distance_penalty": "到职业院校每单位交通成本带来的效用损失",
}
FIELDS_ZH.update(SCENARIO_FIELDS_ZH)

# Chinese names of design parameters that set several settings at once (by their
# ``name`` in a shipped experiment); a parameter of one setting takes its meaning.
PARAMETERS_ZH: dict[str, str] = {
    "quality_standards": "高质量学徒制标准（项）",
}
# Short Chinese names of settings, for a figure's labels and legends, where a meaning is
# too long (a forest's rows read "企业评估求职者评分误差的标准差（每份申请重新抽取；0：
# 评估无误差）：0.07"); a setting not here is named by its meaning's first words
# (``short_meaning``).
SHORT_ZH: dict[str, str] = {
    "subsidy.yuan_per_year": "学徒补贴（元/年）",
    "anticipation.lag_months": "需求信号滞后（月）",
    "behaviour.labour_market.screening_noise": "企业评估误差",
    "behaviour.labour_market.youth_reservation": "青年保留工资",
    "behaviour.labour_market.reservation_decline": "保留工资月降幅",
    "behaviour.labour_market.quit_rate": "在职者辞职月概率",
    "behaviour.labour_market.hire_threshold": "录用门槛",
    "behaviour.labour_market.certification_premium": "证书工资溢价",
    "behaviour.labour_market.delayed_entry_share": "慢就业比例",
    "behaviour.labour_market.final_year_search": "毕业前求职比例",
    "behaviour.apprenticeship.dropout_hazard": "学徒退出月概率",
    "burn_in_months": "预热月数",
}
# an experiment's design kinds, as a Chinese page names them (English: the kind itself)
DESIGN_KINDS_ZH = {"grid": "网格", "lhs": "拉丁超立方", "sobol": "Sobol", "morris": "Morris"}


def _in_file(path: str) -> str:
    """A setting's path within its file (``FIELDS_ZH``'s key), from a path as an
    experiment names it ("policy.subsidy.yuan_per_year") or as it is."""
    for root in ("policy.", "scenario."):
        if path.startswith(root) and path[len(root) :] in FIELDS_ZH:
            return path[len(root) :]
    return path


def field_meaning(path: str, lang: str = "en") -> str | None:
    """The Chinese meaning of a setting (``FIELDS_ZH``): ``path`` within its file, or as
    an experiment names it ("policy.subsidy.yuan_per_year",
    "scenario.behaviour.labour_market.screening_noise"); None in English, or for a
    setting without one."""
    return FIELDS_ZH.get(_in_file(path)) if lang == "zh" else None


def short_meaning(path: str) -> str | None:
    """A setting's short Chinese name (``SHORT_ZH``), else its meaning without its asides
    in brackets, up to its first comma or colon (a unit in brackets kept:
    "每名学徒每年支付给企业的补贴（元）"); None for a setting without a meaning."""
    path = _in_file(path)
    if path in SHORT_ZH:
        return SHORT_ZH[path]
    meaning = FIELDS_ZH.get(path)
    if meaning is None:
        return None
    # (asides go; units like （元）, （元/人/年） stay)
    plain = re.sub(r"（(?:[^（）]{7,}|[^（）]*[，；：][^（）]*)）", "", meaning)
    return re.split(r"[，；：]", plain, maxsplit=1)[0] or meaning


def parameter_name(name: str, paths: Sequence[str] = (), lang: str = "en") -> str:
    """A design parameter's name for a figure or a table row: in English its ``name``
    with spaces ('subsidy yuan per year'); in Chinese ``PARAMETERS_ZH``'s, else the short
    name of the one setting it sets (``paths``, as the experiment gives them:
    ``short_meaning``), else its ``name``."""
    if lang == "zh":
        if name in PARAMETERS_ZH:
            return PARAMETERS_ZH[name]
        if len(paths) == 1 and (short := short_meaning(paths[0])):
            return short
    return name.replace("_", " ")


def design_kind(kind: str, lang: str = "en") -> str:
    """An experiment's design kind ('grid', 'sobol', ...) as a page names it."""
    return DESIGN_KINDS_ZH.get(kind, kind) if lang == "zh" else kind


# ------------------------------------------------------------------ metrics

# name: (English, Chinese), short plain words; the unit is added separately.
METRIC_LABELS: dict[str, tuple[str, str]] = {
    "unemployment_rate": ("unemployment rate, whole city", "全市失业率（含农村县）"),
    "youth_unemployment_rate": (
        "youth unemployment rate (under 25), whole city",
        "全市青年（25岁以下）失业率",
    ),
    "rural_unemployment_rate": ("rural unemployment rate", "农村失业率"),
    # (not 调查失业率: the model's rate, not the NBS survey's; an outside review)
    "urban_unemployment_rate": ("urban unemployment rate", "城镇失业率"),
    "urban_youth_unemployment_rate": (
        "urban youth unemployment rate (under 25)",
        "城镇青年失业率（25岁以下）",
    ),
    "displaced_unemployment_rate": (
        "unemployment of workers displaced from brown jobs",
        "高碳行业转岗工人失业率",
    ),
    "employment_rate": ("employment rate", "就业率"),
    "youth_neet_rate": (
        "youth NEET rate (not in employment, education or training; under 25)",
        "未就业未就学未培训青年比例（NEET，25岁以下）",
    ),
    "vacancy_rate": ("vacancy rate", "职位空缺率"),
    "tightness": (
        "labour-market tightness (vacancies per unemployed)",
        "劳动力市场紧张度（求人倍率：空缺/失业）",
    ),
    "job_finding_rate": ("job-finding rate", "求职成功率"),
    "separation_rate": ("job separation rate", "离职率（含裁员）"),
    "employed": ("workers in a job", "就业人数"),
    "unemployed": ("unemployed workers", "失业人数"),
    "labour_force": ("labour force", "劳动力"),
    "displaced_labour_force": (
        "workers displaced from brown jobs, in the labour force",
        "劳动力中的高碳行业转岗工人",
    ),
    "vacancies": ("open vacancies", "空缺岗位"),
    "hires": ("hires", "录用人数"),
    "skill_gap_mean": ("skill gap of the employed", "在职者技能差距"),
    "under_skilled_share": ("under-skilled share of the employed", "技能不足的在职者比例"),
    "over_skilled_share": ("over-skilled share of the employed", "技能过剩的在职者比例"),
    "outside_field_share": ("employed outside their main field", "专业不对口的在职者比例"),
    "skill_shortage_vacancies": ("skill-shortage vacancies", "技能短缺空缺岗位"),
    "skill_shortage_share": ("share of vacancies that are skill shortages", "技能短缺空缺占比"),
    "green_skill_shortage_vacancies": ("green skill-shortage vacancies", "绿色岗位技能短缺空缺"),
    "employability": ("employability of the unemployed", "失业者可就业能力"),
    "cohort_job_finding_12m": ("school leavers in work within 12 months", "毕业生12个月内就业率"),
    "final_year_hires": ("students hired before graduating", "毕业前就业人数"),
    "final_year_hire_share": (
        "share of graduates hired before graduating",
        "毕业前已就业的毕业生比例",
    ),
    "delayed_entry_share": (
        "share of graduates delaying their job search",
        "慢就业毕业生比例",
    ),
    "apprentices": ("apprentices in training", "在训学徒"),
    "apprenticeship_slots": ("apprenticeship places offered", "企业提供的学徒岗位"),
    "apprenticeship_starts": ("apprenticeship starts", "新招学徒"),
    "apprenticeship_completions": ("apprenticeship completions", "学徒结业"),
    "apprenticeship_dissolutions": ("apprenticeships ended early", "学徒中途退出"),
    "apprenticeship_completion_rate": ("apprenticeship completion rate", "学徒结业率"),
    "apprenticeship_retention_rate": ("kept by the training firm", "培训企业留用率"),
    "apprenticeship_poaching_rate": ("moved to another firm after training", "结业后跳槽率"),
    "apprenticeship_employment_12m": ("completers in work 12 months later", "结业12个月后就业率"),
    "apprenticeship_wage_premium": ("wage premium of former apprentices", "学徒工资溢价"),
    "apprenticeship_wage_premium_like_for_like": (
        "wage premium of former apprentices, like for like",
        "学徒工资溢价（同类岗位比较）",
    ),
    "apprenticeship_cost_coverage": (
        "apprentices' output as a share of their cost",
        "学徒产出占培训成本比例",
    ),
    "apprenticeship_recouping_share": (
        "apprenticeships recouping the firm's cost",
        "收回企业成本的学徒合同比例",
    ),
    "firm_net_training_cost_yuan": ("firms' net cost per apprenticeship", "企业每名学徒净培训成本"),
    "training_firms_recouping_share": (
        "training firms recouping their cost",
        "收回成本的培训企业比例",
    ),
    "training_firm_share": ("firms training apprentices", "开展学徒培训的企业比例"),
    "in_training": ("learners in TVET and courses", "职业培训在学人数"),
    "tertiary_students": ("students in tertiary study", "高等教育在学人数"),
    "course_enrolments": ("lifelong-learning enrolments", "终身职业技能培训报名"),
    "voucher_enrolments": ("enrolments paid by vouchers", "培训券报名"),
    "curriculum_relevance": ("relevance of curricula to demand", "课程与需求匹配度"),
    "provider_green_share": ("green skills in curricula", "课程中绿色技能比例"),
    "green_employment_share": ("green employment share", "绿色就业比例"),
    "brown_employment_share": ("brown (high-carbon) employment share", "高碳行业就业比例"),
    "rural_urban_wage_gap": ("rural-urban wage gap", "城乡工资差距"),
    "net_migration_to_urban": ("net migration to towns and cities", "向城镇净迁移"),
    "return_migrations": ("return migrants to rural homes", "返乡人数"),
    "firms_alive": ("firms", "企业数"),
    "firm_entries": ("firms entering", "新进入企业"),
    "firm_exits": ("firms exiting", "退出企业"),
    "wage_mean_yuan": ("mean wage", "平均工资"),
    "wage_gini": ("wage inequality (Gini)", "工资基尼系数"),
    "spending_subsidy_yuan": ("spending on apprenticeship subsidies", "学徒培训补贴支出"),
    "spending_quality_yuan": ("spending on assessment and certification", "评价认证支出"),
    "spending_vouchers_yuan": ("spending on training vouchers", "培训券支出"),
    "spending_seats_yuan": ("spending on training seats", "培训名额支出"),
    "spending_rural_access_yuan": ("spending on rural training access", "农村培训可及性支出"),
    "spending_anticipation_yuan": ("spending on skills anticipation", "技能预测系统支出"),
    "spending_curricula_yuan": ("spending on curricula", "课程建设支出"),
    "spending_total_yuan": ("public spending", "公共支出"),
    "cost_per_additional_employed_yuan": (
        "public cost per additional worker in employment (jobs and apprenticeships)",
        "每新增一名就业者（含学徒）的公共成本",
    ),
    "in_employment": ("workers in employment (jobs and apprenticeships)", "就业人数（含学徒）"),
    # breakdown columns
    "net_migration": ("net migration", "净迁入"),
    "tvet_seats": ("full-time TVET seats", "职业院校全日制培训名额"),
    "tvet_enrolled": ("TVET students at the region's providers", "本地区职业院校全日制在读学生"),
    "tvet_seat_use": ("share of TVET seats in use", "职业院校全日制名额使用率"),
    "course_seats": ("lifelong-learning course seats", "终身学习培训课程名额"),
    "course_enrolled": (
        "adults in courses at the region's providers",
        "本地区职业院校培训课程学员",
    ),
    "course_seat_use": ("share of course seats in use", "培训课程名额使用率"),
    "firms": ("firms", "企业数"),
    "training_firms": ("training firms", "培训企业数"),
    "unfilled_slots": ("unfilled apprenticeship places", "未填补的学徒岗位"),
    "entrants": ("entrants", "新进入者"),
    "workers": ("workers", "人数"),
    "transition_rate": ("transition rate", "转移率"),
    "working_share": ("share in work", "在业比例"),
}

# catalogue unit: (English, Chinese); shares are shown in % (see ``unit``)
UNITS: dict[str, tuple[str, str]] = {
    "share": ("%", "%"),
    "share per month": ("% per month", "%/月"),
    "ratio": ("ratio", "比值"),
    "index 0-1": ("index, 0-1", "指数，0-1"),
    "workers": ("workers", "人"),
    "jobs": ("jobs", "个"),
    "slots": ("places", "个"),
    "seats": ("seats", "个"),
    "firms": ("firms", "家"),
    "per month": ("per month", "人/月"),  # (every such metric counts people)
    "workers per month": ("workers per month", "人/月"),
    "firms per month": ("firms per month", "家/月"),
    "yuan per month": ("yuan per month", "元/月"),
    "yuan per apprenticeship": ("yuan per apprenticeship", "元/名学徒"),
    "yuan per worker-month": ("yuan per worker-month", "元/人月"),
}
EXTRA_UNITS = {
    "cost_per_additional_employed_yuan": "yuan per worker-month",
    "in_employment": "workers",
    "net_migration": "workers per month",
    "tvet_seats": "seats",
    "tvet_enrolled": "workers",
    "tvet_seat_use": "share",
    "course_seats": "seats",
    "course_enrolled": "workers",
    "course_seat_use": "share",
    "firms": "firms",
    "training_firms": "firms",
    "unfilled_slots": "slots",
    "entrants": "workers",
    "working_share": "share",
    "apprenticeship_share": "share",
    "certified_share": "share",
    "job_finding_12m": "share",
    "workers": "workers per month",  # (the transitions breakdowns')
    "moved_out": "workers per month",
    "moved_in": "workers per month",
    "moved_out_rate": "share per month",
    "transition_rate": "share per month",
}


def catalogue_unit(name: str) -> str:
    """The unit of a metric as the catalogue writes it ('share', 'yuan per month', ...)."""
    if name in metrics.BY_NAME:
        return metrics.BY_NAME[name].unit
    return EXTRA_UNITS.get(name, "")


def is_share(name: str) -> bool:
    return catalogue_unit(name).startswith("share")


def label(name: str, lang: str = "en") -> str:
    """A metric's short name in plain words."""
    words = METRIC_LABELS.get(name)
    if words is None:
        return name.replace("_yuan", "").replace("_", " ")
    return words[LANGS.index(lang)]


def unit(name: str, lang: str = "en", effect: bool = False) -> str:
    """The unit as shown: a share in %, its change in percentage points."""
    raw = catalogue_unit(name)
    if effect and raw.startswith("share"):
        return text("pp", lang) + (text("per_month_suffix", lang) if "month" in raw else "")
    pair = UNITS.get(raw)
    return pair[LANGS.index(lang)] if pair else raw


def axis_label(name: str, lang: str = "en", effect: bool = False, region: bool = False) -> str:
    """'unemployment rate, whole city (%)', or for an effect 'change in unemployment
    rate, whole city (percentage points)'; ``region``: of a region's own rate
    (``region_label``)."""
    u = unit(name, lang, effect)
    head = region_label(name, lang) if region else label(name, lang)
    if effect:
        head = text("change_in", lang).format(what=head)
    if not u:
        return head
    # A name that ends in brackets takes the unit inside them: 'youth unemployment rate
    # (under 25; %)', not '(under 25) (%)'.
    if lang == "zh":
        return f"{head[:-1]}，{u}）" if head.endswith("）") else f"{head}（{u}）"
    return f"{head[:-1]}; {u})" if head.endswith(")") else f"{head} ({u})"


def scale(name: str) -> float:
    """Factor from stored values to shown values (100 for shares, shown in %)."""
    return 100.0 if is_share(name) else 1.0


# --------------------------------------------------------- names of things

NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "scenario": {
        "baseline": ("baseline (current trends)", "基准情景（延续现有趋势）"),
        "baseline_alternative_fit": (
            "baseline, second calibration (robustness check)",
            "基准情景（第二套校准，稳健性检验）",
        ),
        "green_transition": ("green transition", "绿色转型"),
        "green_transition_orderly": ("green transition, orderly", "有序绿色转型"),
        "green_transition_disorderly": ("green transition, disorderly", "无序绿色转型"),
        "rural_revitalization": ("rural revitalization", "乡村振兴"),
        "combined": ("green transition + rural revitalization", "绿色转型+乡村振兴"),
        "quick": ("quick test scenario", "快速测试情景"),
    },
    "policy": {
        "none": ("no new policy (status quo)", "无新政策（现状）"),
        "apprenticeship_subsidy": ("apprenticeship subsidy", "企业新型学徒制培训补贴"),
        "quality_apprenticeship": ("quality apprenticeship standards", "高质量学徒制标准"),
        "skills_anticipation": ("skills anticipation system", "技能需求预测系统"),
        "core_skills": ("core-skills curricula", "核心技能课程"),
        "green_curricula": ("green-skills curricula", "绿色技能课程"),
        "lifelong_learning_vouchers": ("lifelong-learning vouchers", "职业培训券"),
        "rural_training_access": ("rural training access", "农村培训可及性"),
        "package": ("full policy package", "一揽子政策"),
        "dashboard": ("levers as set", "当前政策设置"),
    },
    "region": {
        "urban_core": ("urban core", "中心城区"),
        "county_town": ("county town", "县城"),
        "rural_county_a": ("rural county A", "农村县A"),
        "rural_county_b": ("rural county B", "农村县B"),
    },
    "sector": {
        "heavy_industry": ("heavy industry", "重工业"),
        "fossil_energy": ("fossil energy", "化石能源"),
        "manufacturing": ("manufacturing", "制造业"),
        "construction": ("construction", "建筑业"),
        "renewable_energy": ("renewable energy", "可再生能源"),
        "environmental_services": ("environmental services", "环境服务"),
        "agriculture": ("agriculture", "农业"),
        "rural_new_industries": ("rural new industries", "乡村新产业"),
        "services": ("services", "服务业"),
    },
}

# The shipped experiments' descriptions in Chinese (the report's header; by the
# experiment's name, the English ones from experiments/*.toml).
EXPERIMENT_DESCRIPTIONS_ZH: dict[str, str] = {
    "default": "全部情景×（无新政策、各单项政策、一揽子政策）×5个随机种子，50,000名劳动者",
    "subsidy_sensitivity": "学徒补贴水平、高质量学徒制标准要素数量与技能需求信号滞后的Sobol敏感性指数",
    "hiring_assumptions": "企业评判求职者存在误差、青年求职者坚持保留工资时，一揽子政策与企业新型学徒制培训补贴的效果",
    "package_pairs": "各单项政策、每两项政策的组合与一揽子政策相对于现状的效果：哪些组成部分相互影响",
    "subsidy_with_standards": "五档学徒培训补贴与高质量学徒制标准同时实施相对于现状的效果",
}

# The shipped experiments' names in Chinese (a Chinese page names an experiment by
# these, not by its file's identifier).
EXPERIMENT_NAMES_ZH: dict[str, str] = {
    "default": "主实验（全部情景×全部政策）",
    "subsidy_sensitivity": "学徒补贴敏感性分析",
    "hiring_assumptions": "招聘假设稳健性检验",
    "package_pairs": "政策两两组合实验",
    "subsidy_with_standards": "补贴水平与质量标准实验",
}


def experiment_name(name: str, lang: str = "en") -> str | None:
    """An experiment in words: its Chinese name on a Chinese page (None for an
    experiment without one: a Chinese page then names its file once, not in prose);
    its identifier in English."""
    if lang == "zh":
        return EXPERIMENT_NAMES_ZH.get(name)
    return name


# Policy and scenario descriptions in Chinese (the English ones come from the TOML files).
DESCRIPTIONS_ZH: dict[str, str] = {
    "baseline": "试点城市（中心城区、县城、两个农村县），延续现有趋势",
    "baseline_alternative_fit": "基准情景的第二套校准：同样符合全部校准目标，学徒工资约为熟练工资的40%，留用价值为3.76个月工资；用于检验学徒政策效果的稳健性",
    "green_transition": "绿色转型（即有序绿色转型）",
    "green_transition_orderly": "有序绿色转型：高碳行业逐步收缩，绿色行业增长，碳价自第0月起上升",
    "green_transition_disorderly": "无序绿色转型：第60个月前不变，之后高碳行业骤然收缩、碳价跳升",
    "rural_revitalization": "乡村振兴：农村产业需求、农村交通与培训能力提升、返乡就业",
    "combined": "有序绿色转型与乡村振兴同时进行",
    "none": "无新政策（现状）：不增加政策",
    "apprenticeship_subsidy": "企业新型学徒制培训补贴：每名学徒每年5,000元，部分预付给企业",
    "quality_apprenticeship": "高质量学徒制标准（国际劳工组织第208号建议书）：书面协议、结构化培训、职业技能等级认定（评价与发证）、薪酬与社会保护、合格导师",
    "skills_anticipation": "技能需求预测系统：滞后3个月、低噪声、提前12个月预测",
    "core_skills": "核心技能课程：25%的课时用于可迁移的核心技能",
    "green_curricula": "绿色技能课程：至少20%的课时用于绿色技能",
    "lifelong_learning_vouchers": "职业培训券（终身职业技能培训）：面向青年、农村居民和转岗工人，参训期间每人每月800元",
    "rural_training_access": "农村培训可及性：农村培训名额增加50%，流动培训使交通成本减半",
    "package": "全部政策组合",
}


# Full names where a short one stands in tables and legends (headings and prose use
# these): the official names a Chinese policy audience knows.
FULL_NAMES_ZH: dict[str, dict[str, str]] = {
    "policy": {
        "quality_apprenticeship": "高质量学徒制标准（国际劳工组织第208号建议书）",
        "lifelong_learning_vouchers": "职业培训券（终身职业技能培训）",
    },
}


def full_name(kind: str, key: str, lang: str = "en") -> str:
    """``name_of``, in its long official form where a short one stands in tables."""
    if lang == "zh" and key in FULL_NAMES_ZH.get(kind, {}):
        return FULL_NAMES_ZH[kind][key]
    return name_of(kind, key, lang)


# A region's own rate (a bar or cell per region): the whole city's words do not fit.
REGION_LABELS: dict[str, tuple[str, str]] = {
    "unemployment_rate": ("unemployment rate", "失业率"),
    "youth_unemployment_rate": ("youth unemployment rate (under 25)", "青年（25岁以下）失业率"),
}


def region_label(name: str, lang: str = "en") -> str:
    """``label`` of a metric measured in each region (a breakdown's column), not the
    whole city's."""
    words = REGION_LABELS.get(name)
    return words[LANGS.index(lang)] if words else label(name, lang)


def name_of(kind: str, key: str, lang: str = "en") -> str:
    """A scenario, policy, region or sector in plain words; a combined policy a+b as
    'A + B'; unknown keys in words."""
    if kind == "policy" and "+" in key:
        return " + ".join(name_of(kind, part, lang) for part in key.split("+"))
    pair = NAMES.get(kind, {}).get(key)
    if pair is None:
        return str(key).replace("_", " ")
    return pair[LANGS.index(lang)]


# ------------------------------------------------------------ other phrases

TEXT: dict[str, tuple[str, str]] = {
    "late_who": ("in this scenario", "本情景的"),
    "late_who_named": ("in the scenario {name}", "情景“{name}”的"),
    "late_shock": (
        "Note: {who}, the {kind} shock moves demand from month {first} on, after the "
        "{months} months simulated: it changes nothing here (runs of {first} months or "
        "more show it)",
        "注意：{who}{kind}冲击自第{first}个月起才影响需求，本次只模拟到第{months}个月，"
        "结果中不含这一冲击（模拟{first}个月或更长方可看到）",
    ),
    "long_run": (
        "Note: {months} months run past the {fitted} years the model was fitted over: its "
        "sectors' demand trends go on while the labour force stays flat, so its rates drift "
        "from their fitted levels (urban youth unemployment fell from 16% in year 10 to 10% "
        'in year 15 in the status quo: docs/ODD.md 10.2, "Long runs"); read what comes '
        "after year {fitted} with care",
        "注意：本次模拟{months}个月，超出模型校准所用的{fitted}年：各行业需求趋势持续增长而劳动力"
        "规模不变，各项比率会逐渐偏离校准水平（现状情景下城镇青年失业率从第10年的16%降至第15年的"
        "10%，见docs/ODD.md 10.2“长期运行”）；解读第{fitted}年以后的结果须谨慎",
    ),
    "late_jump": (
        "Note: {who}, the carbon price jump comes at month {start}, past the {months} "
        "months simulated: it changes nothing here",
        "注意：{who}碳价跃升发生在第{start}个月，晚于本次模拟的{months}个月，在此不起作用",
    ),
    # plots' notes on seeds and design points
    # (the funnel's and the Beveridge curve's)
    "funnel_points": (
        "one bar per policy and design point ({k} points, {n} seeds each); ",
        "每项政策、每个设计点一根柱（共{k}个设计点，各{n}个随机种子）；",
    ),
    "funnel_points_one": (
        "one bar per policy and design point ({k} points, one seed each); ",
        "每项政策、每个设计点一根柱（共{k}个设计点，各一个随机种子）；",
    ),
    "funnel_spread": (
        "per month, mean over the policy period; bar: mean over the {k} design points, each "
        "the mean over {n} seeds; whisker: lowest to highest point, not an interval{hint}. "
        "Kept and in work: completions x the retention and 12-month employment rates",
        "每月人数，政策期均值；柱：{k}个设计点的均值（各为{n}个随机种子的均值）；竖线：各设计点"
        "的最低至最高值，并非置信区间{hint}。留用与就业 = 结业人数 × 留用率、12个月就业率",
    ),
    "funnel_spread_one": (
        "per month, mean over the policy period; bar: mean over the {k} design points, one "
        "seed each; whisker: lowest to highest point, not an interval. Kept and in work: "
        "completions x the retention and 12-month employment rates",
        "每月人数，政策期均值；柱：{k}个设计点的均值（各一个随机种子）；竖线：各设计点的最低"
        "至最高值，并非置信区间。留用与就业 = 结业人数 × 留用率、12个月就业率",
    ),
    "beveridge_points": (
        "one line per scenario and design point ({k} points); one point per {per}, mean "
        "over its months and over the {n} seeds of its design point; circle: first {per}, "
        "square: last {per}",
        "每个情景、每个设计点一条线（共{k}个设计点）；每{per}一个点（该{per}各月及该设计点{n}个"
        "随机种子的均值）；圆点：第一个{per}，方块：最后一个{per}",
    ),
    "beveridge_points_one": (
        "one line per scenario and design point ({k} points); one point per {per}, mean "
        "over its months, one seed per design point; circle: first {per}, square: last "
        "{per}",
        "每个情景、每个设计点一条线（共{k}个设计点）；每{per}一个点（该{per}各月的均值，每个设计点"
        "一个随机种子）；圆点：第一个{per}，方块：最后一个{per}",
    ),
    "beveridge_thin": (
        "thin lines: the {k} design points, each a {per}-by-{per} mean over {n} seeds{hint}",
        "细线：{k}个设计点，各为{n}个随机种子的逐{per}均值{hint}",
    ),
    "beveridge_thin_one": (
        "thin lines: the {k} design points, one seed each, {per} by {per}{hint}",
        "细线：{k}个设计点，各一个随机种子，逐{per}{hint}",
    ),
    # (forest's, cost's, paths')
    "effect_note_one": (
        "marker: paired difference against {base} in one seed, {basis}; one seed, so no interval",
        "标记：与{base}的配对差异（单一随机种子，{basis}）；单一随机种子，无置信区间",
    ),
    "cost_note_one": (
        "against {base}, paired in one seed, {basis}; one seed, so no intervals; grey "
        "lines: equal cost per additional worker",
        "相对于{base}，单一随机种子配对，{basis}；单一随机种子，无置信区间；"
        "灰线：每新增一名就业者的成本相同",
    ),
    "funnel_note_one": (
        "per month, mean over the policy period; one seed, so no interval. Kept and in "
        "work: completions x the retention and 12-month employment rates",
        "每月人数，政策期均值；单一随机种子，无置信区间。留用与就业 = 结业人数 × 留用率、12个月就业率",
    ),
    "point_lines": ("one line per design point ({k} points); ", "每个设计点一条线（共{k}个）；"),
    "point_thin": (
        "thin lines: the {k} design points, each the mean over {n} seeds{hint}",
        "细线：{k}个设计点，各为{n}个随机种子的均值{hint}",
    ),
    # (a notebook's hint, after the notes above; a report's figures go without it:
    # Python in a caption read oddly to a forum, an outside review)
    "hint_band": (
        "; select one point (e.g. results[results.point == {first}]) to see its 95% band",
        "；选取单个设计点（如 results[results.point == {first}]）可显示其95%置信区间",
    ),
    "hint_interval": (
        "; select one point (e.g. results[results.point == {first}]) to see its 95% interval",
        "；选取单个设计点（如 results[results.point == {first}]）可显示其95%置信区间",
    ),
    "hint_curve": (
        "; select one point (e.g. results[results.point == {first}]) to see its curve on its own",
        "；选取单个设计点（如 results[results.point == {first}]）可单独显示其曲线",
    ),
    "point_thin_two": (
        "thin lines: the {k} design points, each the mean over {n} seeds; one point's "
        "95% band needs 3 seeds or more",
        "细线：{k}个设计点，各为{n}个随机种子的均值；单个设计点的95%置信区间需至少3个随机种子",
    ),
    "point_thin_one": (
        "thin lines: the {k} design points, one seed each (no interval)",
        "细线：{k}个设计点，各一个随机种子（无置信区间）",
    ),
    "point": ("design point {k}", "设计点{k}"),
    "sobol_cut": (
        "whiskers cut at the axis: indices are shares of the variance (0 to 1), and an "
        "interval far wider comes from too few samples; raise the design's samples",
        "置信区间在坐标轴处截断：敏感性指数为方差占比（0至1），远宽于此的区间源于样本太少；请增加设计的样本数",
    ),
    "no_variation": (
        "{what} does not vary across the design points: no indices",
        "{what}在各设计点间无变化：无敏感性指数",
    ),
    "pp": ("percentage points", "百分点"),
    "per_month_suffix": (" per month", "/月"),
    "change_in": ("change in {what}", "{what}变化"),
    "month": ("month of the policy period", "政策实施月份"),
    "month_short": ("month", "月份"),
    "scenario": ("scenario", "情景"),
    "policy": ("policy", "政策"),
    "region": ("region", "地区"),
    "sector": ("sector", "行业"),
    "seeds_band": (
        "line: mean over {n} seeds; band: 95% interval of the mean",
        "线：{n}个随机种子的均值；阴影：均值的95%置信区间",
    ),
    "band_baseline_only": (  # (a report's: no API to name policies with)
        "; a band for {base} only (more lines' bands run together)",
        "；仅为{base}画阴影（线条较多时阴影相互重叠）",
    ),
    "band_baseline": (
        "; a band for {base} only (more lines' bands run together: name {most} or fewer "
        "policies for theirs)",
        "；仅为{base}画阴影（线条较多时阴影相互重叠：指定{most}项或更少政策可显示各自阴影）",
    ),
    "band_fewer": (
        " (none for a line of fewer than 3 seeds)",
        "（少于3个随机种子的线未画阴影）",
    ),
    "one_seed": ("one seed: no interval", "单一随机种子：无置信区间"),
    "two_seeds": (
        "line: mean over {n} seeds; no band: a 95% interval from two seeds spans 12.7 "
        "standard errors either side (run 3 seeds or more for bands)",
        "线：{n}个随机种子的均值；未画阴影：两个种子的95%置信区间宽达均值两侧各12.7个标准误"
        "（运行3个或更多种子可显示置信区间）",
    ),
    "effect_note": (
        "marker: mean paired difference against {base} over {n} seeds, {basis}; bar: "
        "{level} interval",
        "标记：与{base}的配对差异均值（{n}个随机种子，{basis}）；横线：{level}置信区间",
    ),
    "effect_note_fewer": (
        "; hollow: fewer seeds than the rest (an unfinished sweep, or no value in some runs)",
        "；空心标记：随机种子少于其他（实验尚未完成，或部分运行中无取值）",
    ),
    "no_effect": ("no effect", "无影响"),
    # a figure's source line (plots.source_line): what it was drawn from
    "source_sweep": (
        "Source: skillsim {version}, sweep {name}",
        "来源：skillsim {version}，模拟实验{name}",
    ),
    "source_run": (
        "Source: skillsim {version}, run {name}",
        "来源：skillsim {version}，运行{name}",
    ),
    "source_runs": (
        "Source: skillsim {version}, the runs in {name}",
        "来源：skillsim {version}，{name}中的各次运行",
    ),
    "source_size": (
        " ({workers:,} workers, {months} months)",
        "（{workers:,}名劳动者，{months}个月）",
    ),
    "source_code": ("; code {code}", "；代码{code}"),
    "source_codes": ("; {k} versions of the code", "；{k}个代码版本"),
    "forest_title": ("Effect of each policy on {what}", "各项政策对{what}的影响"),
    "paths_title": ("{what} over time", "{what}随时间变化"),
    "pairs_title": (
        "Each pair of policies against its two parts added up: {what}",
        "每两项政策同时实施与各自单独实施之和的比较：{what}",
    ),
    "pairs_scale": (
        "the pair's effect less its parts' added up ({unit})",
        "同时实施减去各自效应之和（{unit}）",
    ),
    "pairs_note": (
        "Each cell: the effect of two policies together, against {base}, less the effects "
        "of each alone added up, seed by seed ({basis}; {seeds} paired seeds). Blue: below "
        "the parts added up; red: above. Strong colour, a bold number and a frame: the "
        "{level} interval excludes zero; pale: it does not (were no pair to differ, about "
        "one in twenty of the {cells} cells would still look clear by chance, on "
        "average). Every cell counts the same runs of {base}, so chance moves the cells "
        "of a panel together: a whole panel leaning one way is one reading of those "
        "runs, to be checked with other seeds before it is read as the model's.",
        "每个单元格：两项政策同时实施相对于{base}的效应，减去两项政策各自单独实施的效应之和，按随机种子配对"
        "（{basis}；{seeds}对随机种子）。蓝色：低于各自效应之和；红色：高于。颜色深、数字加粗并有边框："
        "{level}置信区间不含零；颜色浅：含零（即使各对政策并无差异，{cells}个单元格中平均也约有二十分之一会仅因偶然而显得明确）。"
        "每个单元格都用到{base}的同一组模拟，因此偶然误差使同一面板中的单元格一同偏移：整个面板偏向一方只是这组模拟的一次读数，"
        "须用其他随机种子复核后，才能视为模型的性质。",
    ),
    "heatmap_title": (
        "Skill gap of the employed by {rows} and {columns}",
        "按{rows}和{columns}划分的在职者技能差距",
    ),
    "heatmap_title_in": (
        "Skill gap of the employed by {rows} and {columns}\n{where}",
        "按{rows}和{columns}划分的在职者技能差距\n{where}",
    ),
    "thin_cells": (
        "hatched, (value): a mean over fewer than {n} {who}; a few workers move it",
        "斜线、（数值）：不足{n}名{who}的均值，少数人即可使其变动",
    ),
    "thin_base_employed": ("employed workers", "在职者"),
    "thin_base_labour_force": ("workers in the labour force", "劳动力"),
    "funnel_title": ("Apprenticeship pipeline", "学徒培养链条"),
    "funnel_y": ("apprentices per month", "每月学徒人数"),
    "funnel_note": (
        "per month, mean over the policy period; bar: 95% interval over seeds. Kept and in "
        "work: completions x the retention and 12-month employment rates",
        "每月人数，政策期均值；竖线：随机种子间95%置信区间。留用与就业 = 结业人数 × 留用率、12个月就业率",
    ),
    "stage_starts": ("started", "开始\n学徒培训"),  # (zh: broken where the words allow)
    "stage_completions": ("completed", "结业"),
    "stage_retained": ("kept by the training firm", "被培训企业\n留用"),
    "stage_employed": ("in work 12 months later", "12个月后\n在业"),
    "per_quarter": ("quarter", "季度"),
    "per_year": ("year", "年"),
    # (the Beveridge note's first and last point: Chinese says 第一年 but 第一个季度)
    "first_quarter": ("first quarter", "第一个季度"),
    "last_quarter": ("last quarter", "最后一个季度"),
    "first_year": ("first year", "第一年"),
    "last_year": ("last year", "最后一年"),
    "beveridge_title": (
        "Beveridge curve: vacancies against unemployment",
        "贝弗里奇曲线：空缺率与失业率",
    ),
    "beveridge_note": (
        "one point per {per}, mean over its months and over seeds; circle: first {per} (a "
        "larger ring around circles it would hide), square: last {per}",
        "每{per}一个点（该{per}各月及各随机种子的均值）；圆圈：{first}（与其他圆圈重合时画成较大的外环），方块：{last}",
    ),
    "cost_title": (
        "Public cost against workers gained in employment",
        "公共成本与新增就业",
    ),
    "cost_x": (
        "additional workers in employment (jobs and apprenticeships)",
        "新增就业人数（含学徒）",
    ),
    "cost_y": ("additional public spending (yuan per month)", "新增公共支出（元/月）"),
    "cost_y_wan": ("additional public spending (yuan per month)", "新增公共支出（万元/月）"),
    "cost_note": (
        "against {base}, paired over {n} seeds, {basis}; bars: {level} intervals; grey lines: "
        "equal cost per additional worker",
        "相对于{base}，{n}个随机种子配对，{basis}；误差线：{level}置信区间；灰线：每新增一名就业者的成本相同",
    ),
    "cost_line": ("{cost} yuan per worker-month", "每人每月{cost}元"),
    "sensitivity_title": ("What drives {what}: sensitivity indices", "{what}的敏感性指数"),
    "sensitivity_title_effect": (
        "What the policies' effect on {what} depends on: sensitivity indices",
        "政策对{what}的效应的敏感性指数",
    ),
    "sensitivity_title_effect_one": (
        "What the policy's effect on {what} depends on: sensitivity indices",
        "政策对{what}的效应的敏感性指数",
    ),
    "against_base": ("against {base}", "相对于{base}"),
    "sobol_first": ("first-order (S1)", "一阶指数（S1）"),
    "sobol_total": ("total (ST)", "总效应指数（ST）"),
    "sobol_x": ("share of the variance of the outcome", "占结果方差的比例"),
    "morris_x": ("mean absolute elementary effect (mu*)", "基本效应绝对值均值（mu*）"),
    "morris_x_unit": (
        "mu*: mean absolute change over each parameter's range ({unit})",
        "mu*：各参数在其取值范围内引起的平均绝对变化（{unit}）",
    ),
    "parameter": ("parameter", "参数"),
    "value": ("value", "数值"),
    "no_data": ("no data", "无数据"),
}


_SHOCK_SECTORS = {  # (the sectors a shock hits, by its kind)
    "brown": ("brown-sector", "高碳行业"),
    "neutral": ("neutral-sector", "中性行业"),
    "green": ("green-sector", "绿色行业"),
    "rural": ("rural-sector", "农村行业"),
}


def long_run(months: int, lang: str = "en") -> list[str]:
    """The note of a run past the horizon the model was fitted over (none within it):
    the warning `skillsim run` prints, for the pages a forum reads (an outside review:
    a 1,200-month run's report said nothing of it)."""
    from simulation.config import LONG_RUN_MONTHS

    if months <= LONG_RUN_MONTHS:
        return []
    return [text("long_run", lang).format(months=months, fitted=LONG_RUN_MONTHS // 12)]


def late_drivers(scenario, months: int, lang: str = "en", named: bool = False) -> list[str]:
    """What ``scenario``'s drivers would do after a run of ``months`` months ends, in
    words (the dashboard's page, the report's notes): a disorderly transition's shock at
    month 60 changes nothing in a 36-month run, which looked like "the disorderly
    transition has no effect". ``named``: the scenario by name, not "this scenario"."""
    who = (
        text("late_who_named", lang).format(name=name_of("scenario", scenario.name, lang))
        if named
        else text("late_who", lang)
    )
    drivers = scenario.drivers
    out = [
        text("late_shock", lang).format(
            who=who,
            kind=_SHOCK_SECTORS[shock.kind][LANGS.index(lang)],
            first=shock.start_month + 1,
            months=months,
        )
        for _, shock in drivers.late_shocks(months)
    ]
    if drivers.late_jump(months):
        start = drivers.carbon_price_jump_month
        out.append(text("late_jump", lang).format(who=who, start=start, months=months))
    return out


def wan(x: float, signed: bool = False, places: int | None = None) -> str:
    """An amount of yuan in 万 (ten thousands), as a Chinese page writes 10,000 or
    more: 204,000 -> '20.4万', 1,250,000 -> '125万'; three significant digits unless
    ``places`` says; ``signed`` adds '+' to a positive amount."""
    v = x / 10_000
    if places is None:
        size = abs(v)
        places = 2 if size < 10 else 1 if size < 100 else 0
    words = f"{v:{'+' if signed else ''},.{places}f}"
    if float(words.replace(",", "")) == 0:
        words = f"{0:.{places}f}"
    return words + "万"


def text(key: str, lang: str = "en") -> str:
    return TEXT[key][LANGS.index(lang)]


def counted(n: int, word: str) -> str:
    """'1 scenario', '2 scenarios', '1 policy', '3 policies': an English count."""
    if n == 1:
        return f"1 {word}"
    return f"{n:,} {word[:-1]}ies" if word.endswith("y") else f"{n:,} {word}s"
