"""行政处罚普通程序 as data: the states of a case, the allowed transitions, the hearing right,
the 重大执法决定 criteria, and the time limits.

Sources (article numbers beside each rule below):

* 《中华人民共和国行政处罚法》(2021年1月22日修订, 2021年7月15日施行), 第五章第三节 普通程序
  and 第四节 听证程序, 第六章 执行. Confidence HIGH for the articles cited (the law's text).
* 《安全生产违法行为行政处罚办法》: the 2015 version (原国家安全监管总局令第77号) 第三十三条 set
  "较大数额罚款" at 个人 2万元以上、生产经营单位 5万元以上 where the province set no amount.
  It is replaced from 2026-02-01 by 应急管理部令第18号 (2025), whose amounts — and any 甘肃省
  amount — we could NOT confirm: the thresholds here are LOW confidence, configurable
  (setting ``YINGJI_PENALTY_HEARING_THRESHOLDS``), and the default repeats the 2015 amounts.
* 国办发〔2018〕118号 (三项制度指导意见): 行政处罚决定 publicised "自作出执法决定之日起
  7个工作日内" (MEDIUM: the 意见 gives 20 工作日 generally and asks 行政许可/处罚 within 7;
  configurable, setting ``YINGJI_PENALTY_PUBLICATION_WORKDAYS``).
* The 陈述申辩 window (3 days from the 告知书) is a common practice of the 告知书 forms, not a
  number in the law (第四十五条 fixes none): LOW, setting ``YINGJI_PENALTY_STATEMENT_DAYS``.
* The 案卷评查 scoring sheet (CASE_FILE_SHEET) is this platform's default, LOW, configurable.

Nothing here imports Django: the penalties app reads the settings and passes the numbers in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

LAW = "《中华人民共和国行政处罚法》(2021修订)"

# --- states -----------------------------------------------------------------------------------

STATES: tuple[tuple[str, str], ...] = (
    ("filed", "立案"),  # 第五十四条第二款
    ("investigating", "调查取证"),  # 第五十五条
    ("reviewing", "案件审理"),  # 第五十七条 (调查终结, 负责人审查)
    ("notified", "事先告知"),  # 第四十四条、第四十五条
    ("hearing", "听证"),  # 第六十三条、第六十四条
    ("legal_review", "法制审核"),  # 第五十八条
    ("approval", "负责人审批/集体讨论"),  # 第五十七条
    ("decided", "已决定"),  # 第五十九条
    ("served", "已送达"),  # 第六十一条
    ("enforcing", "申请强制执行"),  # 第七十二条第一款第(三)项
    ("executed", "已执行"),  # 第六十七条
    ("closed", "结案"),
    ("no_penalty", "不予处罚"),  # 第五十七条第一款第(二)(三)(四)项
    ("withdrawn", "撤案"),
)
STATE_LABELS = dict(STATES)
TERMINAL = frozenset({"closed", "withdrawn"})
OPEN_BEFORE_DECISION = frozenset(
    {"filed", "investigating", "reviewing", "notified", "hearing", "legal_review", "approval"}
)
DECIDED_STATES = frozenset({"decided", "served", "enforcing", "executed", "closed"})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    article: str


# One row per service of the penalties app. A (state, action) pair not in this table is refused.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "investigate",
        "开始调查取证",
        ("filed",),
        "investigating",
        "第五十五条:执法人员不得少于两人,并应当出示执法证件(第四十二条)",
    ),
    Transition("review", "调查终结,提交审理", ("investigating",), "reviewing", "第五十七条第一款"),
    Transition(
        "notify",
        "事先告知",
        ("reviewing",),
        "notified",
        "第四十四条:作出行政处罚决定之前,告知拟作出的行政处罚内容及事实、理由、依据,"
        "并告知当事人依法享有的陈述、申辩、要求听证等权利",
    ),
    Transition(
        "request_hearing",
        "当事人要求听证",
        ("notified",),
        "hearing",
        "第六十三条、第六十四条第(一)项:当事人要求听证的,应当在行政机关告知后五日内提出",
    ),
    Transition(
        "submit_legal_review",
        "提交法制审核",
        ("notified", "hearing"),
        "legal_review",
        "第五十八条:重大执法决定,决定前由从事行政处罚决定法制审核的人员进行法制审核",
    ),
    Transition(
        "return_for_review",
        "法制审核未通过,退回审理",
        ("legal_review",),
        "reviewing",
        "第五十八条",
    ),
    Transition(
        "submit_approval",
        "提交负责人审批/集体讨论",
        ("notified", "hearing", "legal_review"),
        "approval",
        "第五十七条:负责人审查;情节复杂或者重大违法行为给予行政处罚,负责人应当集体讨论决定",
    ),
    Transition(
        "decide",
        "作出行政处罚决定",
        ("approval",),
        "decided",
        "第五十九条:制作行政处罚决定书;第六十条:自立案之日起九十日内作出",
    ),
    Transition(
        "decide_no_penalty",
        "决定不予行政处罚",
        ("approval",),
        "no_penalty",
        "第五十七条第一款第(二)(三)(四)项",
    ),
    Transition(
        "serve",
        "送达决定书",
        ("decided",),
        "served",
        "第六十一条:宣告后当场交付;不在场的,七日内依照民事诉讼法送达",
    ),
    Transition(
        "apply_enforcement",
        "申请人民法院强制执行",
        ("served",),
        "enforcing",
        "第七十二条第一款:到期不缴纳罚款的,每日按罚款数额的百分之三加处罚款;申请人民法院强制执行",
    ),
    Transition(
        "execute",
        "登记执行完毕",
        ("served", "enforcing"),
        "executed",
        "第六十七条:自收到决定书之日起十五日内缴纳罚款",
    ),
    Transition(
        "close", "结案", ("executed", "no_penalty"), "closed", "执行完毕或不予处罚后结案归档"
    ),
    Transition(
        "withdraw",
        "撤案",
        ("filed", "investigating", "reviewing"),
        "withdrawn",
        "违法事实不能成立等情形,经负责人批准撤销立案(第五十七条第一款第(四)项)",
    ),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}
ACTION_LABELS = {t.action: t.label for t in TRANSITIONS}


def allowed_actions(state: str) -> list[str]:
    """The actions the table allows from ``state``, in table order."""
    return [t.action for t in TRANSITIONS if state in t.sources]


def target_of(state: str, action: str) -> str | None:
    """The state ``action`` leads to from ``state``, or None when the table forbids it."""
    t = BY_ACTION.get(action)
    return t.target if t is not None and state in t.sources else None


def refusal(state: str, action: str) -> str:
    """The Chinese sentence that refuses an action the table does not allow."""
    here = STATE_LABELS.get(state, state)
    if action not in BY_ACTION:
        return f"未知的办理步骤“{action}”。"
    what = ACTION_LABELS[action]
    if state in TERMINAL:
        return f"案件已{here},不能再“{what}”。"
    nxt = "、".join(ACTION_LABELS[a] for a in allowed_actions(state)) or "无"
    return f"案件处于“{here}”阶段,不能“{what}”;此阶段可办理:{nxt}。"


# --- penalty kinds (第九条) ----------------------------------------------------------------------

PENALTY_KINDS: tuple[tuple[str, str], ...] = (
    ("warning", "警告"),  # 第九条第(一)项
    ("criticism", "通报批评"),
    ("fine", "罚款"),  # 第(二)项
    ("confiscate_income", "没收违法所得"),
    ("confiscate_property", "没收非法财物"),
    ("suspend_licence", "暂扣许可证件"),  # 第(三)项
    ("lower_qualification", "降低资质等级"),
    ("revoke_licence", "吊销许可证件"),
    ("limit_business", "限制开展生产经营活动"),  # 第(四)项
    ("suspend_business", "责令停产停业"),
    ("close_down", "责令关闭"),
    ("limit_practice", "限制从业"),
)
PENALTY_LABELS = dict(PENALTY_KINDS)

# 第六十三条第一款: the kinds that give the hearing right whatever the amount.
HEARING_KINDS = frozenset(
    {
        "lower_qualification",  # (三) 降低资质等级
        "revoke_licence",  # (三) 吊销许可证件
        "suspend_business",  # (四) 责令停产停业
        "close_down",  # (四) 责令关闭
        "limit_practice",  # (四) 限制从业
    }
)

PARTY_KINDS = (("unit", "单位"), ("person", "个人"))


@dataclass(frozen=True)
class Thresholds:
    """较大数额 (第六十三条第一款第(一)(二)项): an amount AT or above the threshold gives the
    hearing right. LOW confidence: see the module docstring."""

    fine_person: Decimal = Decimal("20000")
    fine_unit: Decimal = Decimal("50000")
    confiscation_person: Decimal = Decimal("20000")
    confiscation_unit: Decimal = Decimal("50000")


DEFAULT_THRESHOLDS = Thresholds()


def hearing_reasons(
    *,
    party_kind: str,
    kinds: Iterable[str],
    fine: Decimal | None = None,
    confiscation: Decimal | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[str]:
    """Why the party has the right to a hearing (empty: no right), 第六十三条."""
    kinds = set(kinds)
    person = party_kind == "person"
    out = []
    fine_limit = thresholds.fine_person if person else thresholds.fine_unit
    if "fine" in kinds and fine is not None and fine >= fine_limit:
        out.append(f"较大数额罚款(≥{fine_limit:,.0f}元,第六十三条第一款第(一)项)")
    conf_limit = thresholds.confiscation_person if person else thresholds.confiscation_unit
    if (
        kinds & {"confiscate_income", "confiscate_property"}
        and confiscation is not None
        and confiscation >= conf_limit
    ):
        out.append(
            f"没收较大数额违法所得/较大价值非法财物(≥{conf_limit:,.0f}元,第六十三条第一款第(二)项)"
        )
    for kind in sorted(kinds & HEARING_KINDS):
        out.append(f"{PENALTY_LABELS[kind]}(第六十三条第一款第(三)(四)项)")
    return out


def has_hearing_right(**kwargs) -> bool:
    return bool(hearing_reasons(**kwargs))


# --- 重大执法决定 (第五十八条) -------------------------------------------------------------------

MAJOR_CRITERIA: tuple[tuple[str, str, str], ...] = (
    # key, label, source
    ("public_interest", "涉及重大公共利益", "第五十八条第一款第(一)项"),
    ("hearing_held", "直接关系当事人或者第三人重大权益,经过听证程序", "第五十八条第一款第(二)项"),
    ("complex", "案件情况疑难复杂、涉及多个法律关系", "第五十八条第一款第(三)项"),
    ("other_law", "法律、法规规定应当进行法制审核的其他情形", "第五十八条第一款第(四)项"),
    # A department rule, not the law: many 重大执法决定法制审核目录 list the penalties within the
    # hearing range. LOW, switched by the setting YINGJI_PENALTY_MAJOR_IF_HEARING_RIGHT.
    (
        "hearing_range",
        "拟作出听证范围内的行政处罚(部门法制审核目录,可配置)",
        "国办发〔2018〕118号;部门目录",
    ),
)
MAJOR_LABELS = {k: label for k, label, _ in MAJOR_CRITERIA}
# The criteria a case officer may assert (with a written reason); the others are derived.
ASSERTED_CRITERIA = ("public_interest", "complex", "other_law")


def major_reasons(
    *,
    asserted: Iterable[str] = (),
    hearing_held: bool = False,
    hearing_right: bool = False,
    hearing_range_is_major: bool = True,
) -> list[str]:
    """The keys of MAJOR_CRITERIA that make the decision 重大 (empty: not major)."""
    out = [k for k in ASSERTED_CRITERIA if k in set(asserted)]
    if hearing_held:
        out.append("hearing_held")
    if hearing_right and hearing_range_is_major:
        out.append("hearing_range")
    return out


def needs_collective_discussion(*, major: bool) -> bool:
    """第五十七条第二款: 情节复杂或者重大违法行为给予行政处罚,负责人应当集体讨论决定. We treat
    a 重大执法决定 (第五十八条) as such a case (MEDIUM: the two lists overlap, not identical)."""
    return major


# --- time limits ------------------------------------------------------------------------------

DECISION_DAYS = 90  # 第六十条: 自行政处罚案件立案之日起九十日内作出 (calendar days)
HEARING_REQUEST_DAYS = 5  # 第六十四条第(一)项: 告知后五日内提出
HEARING_NOTICE_DAYS = 7  # 第六十四条第(二)项: 举行听证的七日前通知
SERVICE_DAYS = 7  # 第六十一条第一款: 七日内送达
PAYMENT_DAYS = 15  # 第六十七条第三款: 收到决定书之日起十五日内
SURCHARGE_RATE = Decimal("0.03")  # 第七十二条第一款第(一)项: 每日按罚款数额的百分之三
DEFAULT_STATEMENT_DAYS = 3  # LOW: the usual 告知书 wording; 第四十五条 fixes no number
DEFAULT_PUBLICATION_WORKDAYS = 7  # MEDIUM: 国办发〔2018〕118号


def decision_deadline(filed_on: dt.date, extension_days: Iterable[int] = ()) -> dt.date:
    """The last day to decide: 立案 date + 90 calendar days (第六十条; the day of 立案 is not
    counted, as 民法典第二百零一条 counts periods), plus each approved extension."""
    return filed_on + dt.timedelta(days=DECISION_DAYS + sum(extension_days))


def days_left(deadline: dt.date, today: dt.date) -> int:
    """Calendar days from ``today`` to the deadline (0 on the day; negative when overdue)."""
    return (deadline - today).days


def window_end(start: dt.date, days: int) -> dt.date:
    """The last day of an N-day window opened on ``start`` (the start day is not counted)."""
    return start + dt.timedelta(days=days)


def surcharge(fine: Decimal, due: dt.date, paid_on: dt.date) -> Decimal:
    """加处罚款 (第七十二条第一款第(一)项): 3% of the fine per day late, never above the fine."""
    late = (paid_on - due).days
    if late <= 0 or fine <= 0:
        return Decimal("0")
    return min(fine, (fine * SURCHARGE_RATE * late).quantize(Decimal("0.01")))


# --- 决定书 (第五十九条) --------------------------------------------------------------------------

DECISION_CONTENTS: tuple[str, ...] = (
    "当事人的姓名或者名称、地址",  # 第五十九条第一款第(一)项
    "违反法律、法规、规章的事实和证据",  # (二)
    "行政处罚的种类和依据",  # (三)
    "行政处罚的履行方式和期限",  # (四)
    "申请行政复议、提起行政诉讼的途径和期限",  # (五)
    "作出行政处罚决定的行政机关名称和作出决定的日期",  # (六)
)
REMEDY_TEXT = (
    "如不服本决定,可以在收到本决定书之日起六十日内依法申请行政复议,或者在六个月内依法"
    "向人民法院提起行政诉讼。行政复议或者行政诉讼期间,本决定不停止执行(法律另有规定的除外)。"
)  # 《行政复议法》(2023修订)第二十条 60日; 《行政诉讼法》第四十六条 6个月 (HIGH)

SERVICE_METHODS = (
    ("direct", "直接送达"),
    ("lodged", "留置送达"),
    ("post", "邮寄送达"),
    ("electronic", "电子送达(当事人同意)"),  # 第六十一条第二款
    ("announcement", "公告送达"),
)

# --- 公示 redaction ----------------------------------------------------------------------------


def redact_person(name: str) -> str:
    """A natural person's name for the public page: the surname and one * per other character
    (张三 → 张*, 欧阳修 → 欧**). Units are published in full."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    return name[0] + "*" * (len(name) - 1)


# --- 案卷评查 scoring sheet (LOW: the platform's default weights, configurable) ----------------

CASE_FILE_SHEET: tuple[tuple[str, str, int], ...] = (
    ("filing", "立案审批手续完备、及时(第五十四条)", 10),
    ("officers", "调查取证执法人员不少于两人且持证(第四十二条、第五十五条)", 15),
    ("evidence", "证据确凿、取证程序合法(第四十条、第四十六条)", 20),
    ("notice", "事先告知、陈述申辩、听证权利保障(第四十四条、第四十五条、第六十三条)", 15),
    ("legal_review", "重大执法决定法制审核(第五十八条)", 10),
    ("decision", "决定书内容完整、适用依据正确、处罚适当(第五条、第五十九条)", 15),
    ("service", "送达及时、方式合法(第六十一条)", 5),
    ("execution", "执行到位、按时结案归档", 5),
    ("publicity", "行政执法公示及时(国办发〔2018〕118号)", 5),
)


def sheet_total(sheet: Iterable[tuple[str, str, int]] = CASE_FILE_SHEET) -> int:
    return sum(points for _, _, points in sheet)


def score_sheet(
    scores: dict[str, int], sheet: Iterable[tuple[str, str, int]] = CASE_FILE_SHEET
) -> tuple[int, list[str]]:
    """The total of a filled sheet and the problems (an unknown item, a score above its points
    or below 0, an item left out)."""
    sheet = list(sheet)
    maxima = {key: points for key, _, points in sheet}
    problems = [f"未知的评查项目“{k}”" for k in scores if k not in maxima]
    for key, label, points in sheet:
        if key not in scores:
            problems.append(f"“{label}”未评分")
        elif not 0 <= scores[key] <= points:
            problems.append(f"“{label}”得分应在 0–{points} 分之间")
    total = sum(v for k, v in scores.items() if k in maxima)
    return total, problems
