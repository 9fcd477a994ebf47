"""Emergency plans (应急预案): kinds, review (评估) cycles and drill (演练) intervals as data.

Sources — what was confirmed and what was not (see docs/plans.md):
- 《突发事件应急预案管理办法》(国务院办公厅 国办发〔2024〕5号, 2024-01-31; replaced 国办发〔2013〕101号):
  the plan kinds (总体、专项、部门应急预案; 基层组织和单位应急预案; 工作手册 and 事件行动方案 as
  supporting documents) and the duty to evaluate plans periodically (定期评估制度). The text
  read for this module confirmed the document number, date and the 2013 version it replaced.
  The 3-year evaluation cycle for government plans and the "专项、部门应急预案至少每3年进行一次
  演练" rule were confirmed in the 2013 text (Art. 22) and are believed kept in 2024 — their
  2024 article numbers were NOT confirmed here: confidence MEDIUM.
- 《生产安全事故应急预案管理办法》(应急管理部令第2号, 2019 revision): enterprises of high-risk
  industries evaluate their plans every 3 years (Art. 35); an enterprise drills its 综合 or 专项
  plan at least once a year and its 现场处置方案 at least every half year (Art. 33). Recalled,
  not re-read for this module: confidence MEDIUM.

Every number is data below; the plans app reads it through the functions, so a corrected
number is a one-line change here (with its test).
"""

from __future__ import annotations

import calendar
import datetime as dt

KINDS = (
    ("general", "总体应急预案"),
    ("special", "专项应急预案"),
    ("department", "部门应急预案"),
    ("grassroots", "基层(乡镇/街道)应急预案"),
    ("enterprise_general", "企业综合应急预案"),
    ("enterprise_special", "企业专项应急预案"),
    ("onsite", "现场处置方案"),
    ("action", "行动方案"),
    ("handbook", "工作手册"),
)
KIND_LABELS = dict(KINDS)
ENTERPRISE_KINDS = frozenset({"enterprise_general", "enterprise_special", "onsite"})

GOV = "《突发事件应急预案管理办法》(国办发〔2024〕5号)定期评估制度;3年周期沿用2013年版"
ENT_REVIEW = "《生产安全事故应急预案管理办法》(应急管理部令第2号)第三十五条"
ENT_DRILL = "《生产安全事故应急预案管理办法》(应急管理部令第2号)第三十三条"
GOV_DRILL = "《突发事件应急预案管理办法》专项、部门应急预案至少每3年演练一次(2013年版第二十二条)"

# kind -> (review cycle in months, source, confidence)
REVIEW_CYCLES = {
    "general": (36, GOV, "MEDIUM"),
    "special": (36, GOV, "MEDIUM"),
    "department": (36, GOV, "MEDIUM"),
    "grassroots": (36, GOV, "MEDIUM"),
    "enterprise_general": (36, ENT_REVIEW, "MEDIUM"),
    "enterprise_special": (36, ENT_REVIEW, "MEDIUM"),
    "onsite": (36, ENT_REVIEW, "MEDIUM"),
    "action": (36, GOV + "(随所支撑的预案)", "LOW"),
    "handbook": (36, GOV + "(随所支撑的预案)", "LOW"),
}

# kind -> (drill interval in months, source, confidence); None = no fixed interval found
DRILL_INTERVALS = {
    "general": (None, "", ""),
    "special": (36, GOV_DRILL, "MEDIUM"),
    "department": (36, GOV_DRILL, "MEDIUM"),
    "grassroots": (None, "", ""),
    "enterprise_general": (12, ENT_DRILL, "MEDIUM"),
    "enterprise_special": (12, ENT_DRILL, "MEDIUM"),
    "onsite": (6, ENT_DRILL, "MEDIUM"),
    "action": (None, "", ""),
    "handbook": (None, "", ""),
}

# How long before the due date a plan counts as "due soon" (临期), in days. A working choice of
# this platform, not a national rule.
DUE_SOON_DAYS = 90


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; the 31st becomes the month's last day when it has fewer."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due(kind: str, effective_on: dt.date) -> dt.date:
    """The date by which a plan of ``kind`` in force since ``effective_on`` must be evaluated."""
    months, _source, _confidence = REVIEW_CYCLES[kind]
    return add_months(effective_on, months)


def review_status(kind: str, effective_on: dt.date, today: dt.date) -> str:
    """ "overdue" (past the due date), "due_soon" (within DUE_SOON_DAYS) or "current"."""
    due = review_due(kind, effective_on)
    if today > due:
        return "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "current"


REVIEW_STATUS_LABELS = {"overdue": "已超期", "due_soon": "临期(90天内)", "current": "在有效期内"}


def drill_due(kind: str, last_drill: dt.date | None, effective_on: dt.date) -> dt.date | None:
    """When the next drill of a plan of ``kind`` is due (from its last drill, or from when it took
    effect); None when no fixed interval applies to the kind."""
    months = DRILL_INTERVALS[kind][0]
    if months is None:
        return None
    return add_months(last_drill or effective_on, months)


# 备案 (filing) checklists: what the filer must hand in, checked item by item by the bureau.
# Enterprise plans: 《生产安全事故应急预案管理办法》(应急管理部令第2号, 2019 revision) 第二十六条
# lists the materials of an enterprise's filing (备案申报表; 评审意见 for the units of 第二十一条;
# the electronic document; 风险评估结果和应急资源调查清单) — recalled, not re-read: MEDIUM.
# Government (county bureau) plans: 《突发事件应急预案管理办法》(国办发〔2024〕5号) asks for the plan
# text and its 编制说明 when filed (报送备案); the finer items below are this platform's reading of
# what the 编制说明 covers (风险评估、资源调查、征求意见和评审) — LOW.
ENT_FILING = "《生产安全事故应急预案管理办法》(应急管理部令第2号)第二十六条"
GOV_FILING = "《突发事件应急预案管理办法》(国办发〔2024〕5号)报送备案(细目为本平台归纳)"

# filer -> ((item key, label), ...), source, confidence
FILING_CHECKLISTS = {
    "enterprise": (
        (
            ("application", "应急预案备案申报表"),
            ("review_opinion", "应急预案评审意见(第二十一条所列单位)"),
            ("document", "应急预案电子文档"),
            ("risk_assessment", "风险评估结果"),
            ("resource_survey", "应急资源调查清单"),
        ),
        ENT_FILING,
        "MEDIUM",
    ),
    "government": (
        (
            ("document", "应急预案正文"),
            ("explanation", "编制说明"),
            ("risk_assessment", "风险评估情况"),
            ("resource_survey", "应急资源调查情况"),
            ("consultation", "征求意见和评审情况"),
        ),
        GOV_FILING,
        "LOW",
    ),
}


def filing_checklist(filer: str) -> tuple[tuple[str, str], ...]:
    """The (key, label) items a filing of ``filer`` ("enterprise" or "government") is checked
    against."""
    return FILING_CHECKLISTS[filer][0]


def check_filing(filer: str, checked) -> tuple[bool, list[str]]:
    """(complete, labels of the missing items) of a filing whose present items are ``checked``
    (keys); a key not on the list is an error (a stale form must not pass silently)."""
    items = filing_checklist(filer)
    keys = {k for k, _ in items}
    unknown = set(checked) - keys
    if unknown:
        raise ValueError(f"unknown checklist items: {sorted(unknown)}")
    missing = [label for key, label in items if key not in set(checked)]
    return not missing, missing


def drill_overdue(
    kind: str,
    last_drill: dt.date | None,
    effective_on: dt.date,
    today: dt.date,
    months: int | None = None,
) -> bool:
    """Whether a plan of ``kind`` has gone past its drill interval on ``today`` (``months``
    overrides the table's interval, e.g. from a setting); False when no interval applies."""
    months = DRILL_INTERVALS[kind][0] if months is None else months
    if months is None:
        return False
    return add_months(last_drill or effective_on, months) < today
