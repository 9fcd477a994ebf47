"""Typed input and output of 工作要点督办 (issue #9).

Input: one schema per service input, used by the web form (``form_input``/``action_view``) and
the API endpoint (its body) alike, so both refuse bad input with the same Chinese field
messages. The service keeps its own rules (a report's 0–100 percent and 已完成 = 100%, a return
needs a comment, a reason cannot be blank…): the schema checks types, choices and lengths.

Output: the API's response shapes, read from the model objects (``Field(alias="a.b")`` or a
``resolve_<field>`` method)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Schema
from ninja.files import UploadedFile

from yingji.core.schemas import Code, Input, LongText, Name, ShortText, Version, text

ReportableStatus = Literal["not_started", "in_progress", "done", "late"]
CycleKind = Literal["half_year", "annual", "monthly", "other"]
OrgName = Name
IndicatorText = ShortText

# --- input: import ------------------------------------------------------------------------------


class WorkplanImportIn(Input):
    """Who the uploaded work points belong to (the file itself comes as an upload)."""

    owner: Code | None = Field(
        None, title="制定单位", description="制定单位编码;不填时取文件的发文单位"
    )
    coordinator: Code = Field("LZYJJ-ZHXT", title="督办科室", description="督办科室编码")


class WorkplanMappingIn(Input):
    """Names of the document mapped to organisations: {文中名称: [机构名称, …]}."""

    mapping: dict[OrgName, list[OrgName]] = Field(title="名称对应")
    version: Version = Field(None, title="版本")


class WorkplanConfirmIn(Input):
    version: Version = Field(None, title="版本")


class WorkplanImportDecisionIn(WorkplanConfirmIn):
    """The review page's two buttons: 确认导入 or 放弃."""

    action: Literal["confirm", "discard"] = Field("confirm", title="操作")


# --- input: tasks, cycles, assignments -------------------------------------------------------


class AssignmentQuery(Input):
    """Filters of the assignment list (query string)."""

    plan: int | None = Field(None, title="计划")
    status: Code | None = Field(None, title="完成状态")
    mine: bool = Field(False, title="只看本单位牵头的")
    overdue: bool = Field(False, title="只看逾期的")
    q: Name | None = Field(None, title="任务内容包含")


class WorkTaskDueIn(Input):
    due: date = Field(title="完成时限")
    due_interpretation: text(300) = Field("", title="时限说明")
    version: Version = Field(None, title="版本")


class ReportingCycleIn(Input):
    name: text(100) = Field(title="周期名称")
    kind: CycleKind = Field("monthly", title="周期类型")
    due: date = Field(title="报送截止日期")
    sections_only: bool = Field(True, title="仅局机关科室单位")


class ReportingCycleForm(ReportingCycleIn):
    """The web form of ReportingCycleIn: an unticked box is not posted, so it means 否."""

    sections_only: bool = Field(False, title="仅局机关科室单位")


class CountyPlanIn(Input):
    county: Code = Field(title="县区应急管理部门", description="县区应急局编码,如 XGQ-YJJ")


class AssignmentCancelIn(Input):
    reason: text(300) = Field(title="取消原因")


class SupervisionNoticeIn(Input):
    deadline: date = Field(title="办结时限")
    reason: LongText = Field(title="督办事项")


# --- input: reports ----------------------------------------------------------------------------


class ProgressReportIn(Input):
    cycle_id: int = Field(title="报送周期")
    reported_status: ReportableStatus = Field(title="完成状态")
    # 0–100, and 100 when 已完成: the service's rule (the ledger import goes through it too)
    percent: int = Field(title="完成进度(%)")
    narrative: LongText = Field(title="进展情况")
    indicator_actuals: dict[IndicatorText, ShortText] = Field({}, title="指标完成值")
    version: Version = Field(None, title="版本")


class ProgressReportForm(ProgressReportIn):
    """The web form of ProgressReportIn, with supporting files."""

    attachments: list[UploadedFile] = Field([], title="佐证材料")


class ReportReviewIn(Input):
    decision: Literal["accept", "return"] = Field(title="审核结论")
    comment: LongText = Field("", title="审核意见")
    version: Version = Field(None, title="版本")


class TaskContributionIn(Input):
    cycle_id: int = Field(title="报送周期")
    organisation: Code = Field(title="配合单位", description="配合单位编码")
    narrative: LongText = Field(title="配合工作情况")


class LedgerImportIn(Input):
    """A filled-in 任务分解台账 read back as progress reports (web)."""

    cycle_id: int = Field(title="报送周期")
    only_valid: bool = Field(False, title="有错误时仍导入正确的行")
    file: UploadedFile | None = Field(None, title="任务分解台账")


# --- output ----------------------------------------------------------------------------------------


class ReportingCycleOut(Schema):
    id: int
    name: str
    kind: str
    due: date


class WorkPlanOut(Schema):
    id: int
    title: str
    year: int
    issuer: str
    issued_on: date | None
    owner: str = Field(alias="owner.name")
    coordinator: str = Field(alias="coordinator.name")
    parent_id: int | None
    is_demo: bool
    cycles: list[ReportingCycleOut]
    version: int


class WorkTaskOut(Schema):
    id: int
    ref: str
    number: int | None
    part: int = Field(alias="section.part.number")
    section: int | None = Field(alias="section.number")
    text: str
    responsibility: str
    shared_duty: bool
    due: date | None
    due_start: date | None
    due_interpretation: str
    indicators: list[Any]
    cooperate: list[str]
    status: str
    percent: int
    withdrawn: bool
    city_task_id: int | None
    version: int

    @staticmethod
    def resolve_cooperate(obj) -> list[str]:
        return [o.name for o in obj.cooperating.all()]


class WorkPlanDetailOut(WorkPlanOut):
    tasks: list[WorkTaskOut]

    @staticmethod
    def resolve_tasks(obj):
        return (
            obj.tasks.select_related("section__part")
            .prefetch_related("cooperating")
            .order_by("position")
        )


class TaskAssignmentOut(Schema):
    id: int
    task_id: int
    task_ref: str = Field(alias="task.ref")
    plan_id: int = Field(alias="task.plan_id")
    organisation: str = Field(alias="organisation.name")
    status: str
    status_label: str
    percent: int
    due: date | None
    latest_progress: str
    cancel_reason: str
    version: int

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class ProgressReportOut(Schema):
    id: int
    assignment_id: int
    cycle: str = Field(alias="cycle.name")
    cycle_id: int
    state: str
    state_label: str
    reported_status: str
    percent: int
    narrative: str
    indicator_actuals: dict[str, str]
    submissions: int
    submitted_at: datetime | None
    review_comment: str
    version: int

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class WorkplanImportOut(Schema):
    id: int
    file_name: str
    state: str
    plan_id: int | None
    parsed: dict
    mapping: dict
    diff: dict
    blocking: list[dict]
    version: int

    @staticmethod
    def resolve_blocking(obj) -> list[dict]:
        from .services import blocking_warnings

        return blocking_warnings(obj.parsed)


class WorkplanConfirmOut(Schema):
    plan_id: int
    changes: dict[str, int]


class TaskContributionOut(Schema):
    id: int
    task_id: int
    organisation: str = Field(alias="organisation.name")
    cycle: str = Field(alias="cycle.name")


class SupervisionNoticeOut(Schema):
    id: int
    number: str
    issued_on: date
    deadline: date
    docx: str

    @staticmethod
    def resolve_docx(obj) -> str:
        return reverse("workplan:notice_docx", args=[obj.pk])


# --- 督查督办 (issue #19) -----------------------------------------------------------------------

LadderRung = Literal["remind", "urge", "notice", "bulletin", "interview"]
NoticeState = Literal["issued", "replied", "closed", "reissued"]


class LadderStepIn(Input):
    """A rung taken by hand on an assignment (or on its missing report for a cycle)."""

    rung: LadderRung = Field(title="督办阶梯")
    note: LongText = Field(title="内容")
    cycle_id: int | None = Field(None, title="报送周期(未报送进展时)")
    deadline: date | None = Field(None, title="反馈时限(督办单)")


class NoticeReplyIn(Input):
    reply: LongText = Field(title="办理情况")
    version: Version = Field(None, title="版本")


class NoticeReplyForm(NoticeReplyIn):
    """The web form of NoticeReplyIn, with supporting files."""

    attachments: list[UploadedFile] = Field([], title="反馈材料")


class NoticeCloseIn(Input):
    comment: LongText = Field("", title="办结意见")
    version: Version = Field(None, title="版本")


class NoticeReissueIn(Input):
    reason: LongText = Field(title="重新督办事项")
    deadline: date = Field(title="反馈时限")
    version: Version = Field(None, title="版本")


class LadderSettingsIn(Input):
    """督办阶梯 triggers (working days; empty = by hand only) and 考核 points."""

    remind: int | None = Field(None, title="提醒(逾期工作日)")
    urge: int | None = Field(None, title="催办(逾期工作日)")
    notice: int | None = Field(None, title="督办单(逾期工作日)")
    bulletin: int | None = Field(None, title="通报(督办单逾期工作日)")
    interview: int | None = Field(None, title="约谈(督办单逾期工作日)")
    reply_days: int = Field(5, title="督办单反馈时限(工作日)")
    on_time_report: float = Field(2, title="按时报送进展(每份)")
    late_report: float = Field(-2, title="逾期或未报送进展(每份)")
    done: float = Field(5, title="完成任务(每项)")
    notice_points: float = Field(-3, title="收到督办单(每份)")
    bulletin_points: float = Field(-5, title="被通报(每次)")
    interview_points: float = Field(-10, title="被约谈(每次)")


class WorkplanBulletinIn(Input):
    period_start: date = Field(title="统计起")
    period_end: date = Field(title="统计止")
    remarks: LongText = Field("", title="通报意见")


class WorkplanNoticeQuery(Input):
    """Filters of the 督办单 list (query string)."""

    state: NoticeState | None = Field(None, title="状态")
    plan: int | None = Field(None, title="计划")
    mine: bool = Field(False, title="只看发给本单位的")


class LadderActionOut(Schema):
    id: int
    rung: str
    rung_label: str
    taken_on: date
    overdue_days: int
    by_hand: bool
    note: str
    notice_id: int | None = None
    docx: str | None = None

    @staticmethod
    def resolve_rung_label(obj) -> str:
        return str(obj.get_rung_display())

    @staticmethod
    def resolve_docx(obj) -> str | None:
        if obj.rung == "notice":
            return None
        return reverse("workplan:ladder_docx", args=[obj.pk])


class SupervisionNoticeDetailOut(Schema):
    id: int
    number: str
    state: str
    state_label: str
    organisation: str | None = Field(None, alias="organisation.name")
    task_ref: str = Field(alias="assignment.task.ref")
    task_id: int = Field(alias="assignment.task_id")
    cycle: str | None = None
    issued_on: date
    deadline: date
    reason: str
    reply: str
    replied_at: datetime | None = None
    close_comment: str
    previous_id: int | None = None
    version: int
    docx: str

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_cycle(obj) -> str | None:
        if obj.escalation_id and obj.escalation.cycle_id:
            return obj.escalation.cycle.name
        return None

    @staticmethod
    def resolve_docx(obj) -> str:
        return reverse("workplan:notice_docx", args=[obj.pk])


class LadderStepOut(Schema):
    rung: str
    label: str
    position: int
    trigger_days: int | None = None
    reply_days: int

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.get_rung_display())


class LadderSettingsOut(Schema):
    steps: list[LadderStepOut]
    weights: dict[str, float]


class WorkplanScoreRowOut(Schema):
    rank: int
    organisation: str
    code: str
    reports_due: int
    on_time_report: int
    late_report: int
    on_time_rate: float | None = None
    assignments: int
    done: int
    completion_rate: float
    notice: int
    bulletin: int
    interview: int
    points: float


class WorkplanBulletinOut(Schema):
    id: int
    number: str
    title: str
    period_start: date
    period_end: date
    issued_on: date
    rows: list[WorkplanScoreRowOut]
    docx: str

    @staticmethod
    def resolve_docx(obj) -> str:
        return reverse("workplan:bulletin_docx", args=[obj.pk])
