"""行政处罚案件 (《行政处罚法》2021 普通程序): the case with its state, 90-day clock and the
record of each step; evidence items; deadline extensions; the 案卷评查 of closed files.

The 执法主体 of a case is a bureau (the city bureau or a county bureau), like the inspections
app's. Nothing is deleted: a case ends 结案, 不予处罚 or 撤案 with its reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel
from yingji.standards import penalty_procedure as pp

from .choices import (
    APPROVAL_MODES,
    EVIDENCE_KINDS,
    EXECUTION_KINDS,
    PARTY_KINDS,
    SERVICE_METHODS,
    SOURCES,
    STATES,
)

USER = settings.AUTH_USER_MODEL


def _money(label):
    return models.DecimalField(label, max_digits=12, decimal_places=2, null=True, blank=True)


class PenaltyCase(AuditedModel):
    number = models.CharField(_("案件编号"), max_length=60, unique=True)
    year = models.PositiveIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    authority = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("承办科室/单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 当事人: a unit of the registry, or a natural person by name
    party_kind = models.CharField(_("当事人类型"), max_length=8, choices=PARTY_KINDS)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("当事人(单位)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    party_name = models.CharField(_("当事人"), max_length=200)
    party_address = models.CharField(_("当事人地址"), max_length=300, blank=True)
    source = models.CharField(_("案件来源"), max_length=12, choices=SOURCES)
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name=_("来源检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("来源隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    source_ref = models.CharField(_("来源说明"), max_length=300, blank=True)
    cause = models.CharField(_("案由"), max_length=300)
    facts = models.TextField(_("违法事实"), blank=True)
    violated = models.TextField(_("违反的规定"), blank=True)
    basis = models.TextField(_("处罚依据"), blank=True)
    state = models.CharField(_("办理阶段"), max_length=14, choices=STATES, default="filed")
    filed_on = models.DateField(_("立案日期"))
    filing_approver = models.CharField(_("立案审批负责人"), max_length=100)
    deadline = models.DateField(_("决定期限"))
    # 第五十八条 criteria asserted by the case officers, with their reason
    major_asserted = models.JSONField(_("重大执法决定情形"), default=list, blank=True)
    major_reason = models.CharField(_("重大情形说明"), max_length=500, blank=True)
    # 拟作出的处罚 (事先告知) and the decided one
    proposed_kinds = models.JSONField(_("拟处罚种类"), default=list, blank=True)
    proposed_fine = _money(_("拟罚款(元)"))
    proposed_confiscation = _money(_("拟没收金额(元)"))
    proposed_text = models.TextField(_("拟处罚内容"), blank=True)
    notice_served_on = models.DateField(_("告知书送达日"), null=True, blank=True)
    hearing_right = models.BooleanField(_("享有听证权"), default=False)
    statement_text = models.TextField(_("陈述申辩意见"), blank=True)
    statement_on = models.DateField(_("陈述申辩日期"), null=True, blank=True)
    statement_waived = models.BooleanField(_("放弃陈述申辩和听证"), default=False)
    statement_adopted = models.TextField(_("对陈述申辩的复核意见"), blank=True)
    hearing_requested_on = models.DateField(_("听证申请日期"), null=True, blank=True)
    hearing_on = models.DateField(_("听证日期"), null=True, blank=True)
    hearing_host = models.CharField(_("听证主持人"), max_length=100, blank=True)
    hearing_record = models.TextField(_("听证笔录摘要"), blank=True)
    legal_reviewer = models.ForeignKey(
        USER,
        verbose_name=_("法制审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_review_opinion = models.TextField(_("法制审核意见"), blank=True)
    legal_review_passed = models.BooleanField(_("法制审核通过"), null=True, blank=True)
    legal_reviewed_on = models.DateField(_("法制审核日期"), null=True, blank=True)
    approval_mode = models.CharField(
        _("决定方式"), max_length=10, choices=APPROVAL_MODES, blank=True
    )
    approver = models.CharField(_("审批负责人"), max_length=100, blank=True)
    meeting_record = models.TextField(_("集体讨论记录"), blank=True)
    approved_on = models.DateField(_("审批日期"), null=True, blank=True)
    decided_kinds = models.JSONField(_("处罚种类"), default=list, blank=True)
    decided_fine = _money(_("罚款(元)"))
    decided_confiscation = _money(_("没收金额(元)"))
    decision_text = models.TextField(_("处罚内容"), blank=True)
    decision_number = models.CharField(_("决定书文号"), max_length=100, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    no_penalty_reason = models.TextField(_("不予处罚理由"), blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    service_method = models.CharField(
        _("送达方式"), max_length=14, choices=SERVICE_METHODS, blank=True
    )
    service_proof = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("送达回证"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enforcement_applied_on = models.DateField(_("申请强制执行日期"), null=True, blank=True)
    enforcement_court = models.CharField(_("受理法院"), max_length=200, blank=True)
    execution_kind = models.CharField(
        _("执行方式"), max_length=10, choices=EXECUTION_KINDS, blank=True
    )
    executed_on = models.DateField(_("执行完毕日期"), null=True, blank=True)
    paid_amount = _money(_("缴纳金额(元)"))
    execution_note = models.TextField(_("执行情况"), blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤案理由"), blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    officers = models.ManyToManyField(
        "enforcement.LawOfficer", verbose_name=_("承办执法人员"), related_name="penalty_cases"
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year", "serial"], name="penalty_case_serial"
            )
        ]
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")

    def __str__(self):
        return f"{self.number} {self.party_name}"

    def get_absolute_url(self):
        return reverse("penalties:case", args=[self.pk])

    # --- the 90-day clock (第六十条) ----------------------------------------------------------
    @property
    def clock_running(self) -> bool:
        return self.state in pp.OPEN_BEFORE_DECISION

    @property
    def days_left(self) -> int | None:
        if not self.clock_running:
            return None
        return pp.days_left(self.deadline, timezone.localdate())

    @property
    def overdue(self) -> bool:
        if self.clock_running:
            return self.days_left < 0
        return bool(self.decided_on and self.decided_on > self.deadline)

    @property
    def is_decided(self) -> bool:
        return self.state in pp.DECIDED_STATES

    @property
    def kinds_label(self) -> str:
        return "、".join(pp.PENALTY_LABELS.get(k, k) for k in self.decided_kinds)

    @property
    def public_party(self) -> str:
        """The party as the public page shows it (个人 redacted)."""
        return pp.redact_person(self.party_name) if self.party_kind == "person" else self.party_name


class DeadlineExtension(AuditedModel):
    """An approved extension of the 90-day limit (第六十条: 法律、法规、规章另有规定的除外)."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.PROTECT, related_name="extensions")
    days = models.PositiveIntegerField(_("延长天数"))
    reason = models.CharField(_("延长理由"), max_length=500)
    approver = models.CharField(_("批准负责人"), max_length=100)
    approved_on = models.DateField(_("批准日期"))
    new_deadline = models.DateField(_("延长后期限"))
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "approved_on", "pk"]
        verbose_name = _("办案期限延长")
        verbose_name_plural = _("办案期限延长")

    def __str__(self):
        return f"{self.case.number} 延长 {self.days} 日"

    def get_absolute_url(self):
        return self.case.get_absolute_url() + "#deadline"


class CaseStep(AuditedModel):
    """One transition of a case: who did it, when, with which officers, and what was said."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(_("步骤"), max_length=24)
    from_state = models.CharField(_("原阶段"), max_length=14, blank=True)
    to_state = models.CharField(_("新阶段"), max_length=14)
    actor = models.ForeignKey(
        USER, verbose_name=_("办理人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    text = models.TextField(_("说明"), blank=True)
    officers = models.ManyToManyField(
        "enforcement.LawOfficer", verbose_name=_("执法人员"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["case", "at", "pk"]
        verbose_name = _("办案步骤")
        verbose_name_plural = _("办案步骤")

    def __str__(self):
        return f"{self.case.number} {self.label}"

    # the procedure's actions, and the records made inside a stage (not transitions)
    LABELS = {
        **pp.ACTION_LABELS,
        "file": "立案",
        "statement": "陈述申辩",
        "hearing_held": "举行听证",
        "approval_recorded": "负责人审批/集体讨论",
        "extend": "延长办案期限",
        "publish": "行政执法公示",
    }

    @property
    def label(self) -> str:
        return self.LABELS.get(self.action, self.action)

    def get_absolute_url(self):
        return self.case.get_absolute_url() + f"#s{self.pk}"


class Evidence(AuditedModel):
    """证据 (第四十六条): 询问笔录, 现场检查笔录, photos, audio/video … with who recorded it; the
    file (if any) is an attachment of the case."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.PROTECT, related_name="evidence")
    number = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("证据种类"), max_length=12, choices=EVIDENCE_KINDS)
    title = models.CharField(_("名称"), max_length=200)
    recorded_by = models.CharField(_("记录/制作人"), max_length=200)
    recorded_on = models.DateField(_("取证日期"))
    description = models.TextField(_("证明内容"), blank=True)
    storage = models.CharField(_("存储位置"), max_length=300, blank=True)
    attachment = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="penalty_evidence_number")
        ]
        verbose_name = _("证据")
        verbose_name_plural = _("证据")

    def __str__(self):
        return f"{self.case.number} 证据{self.number} {self.title}"

    def get_absolute_url(self):
        return self.case.get_absolute_url() + f"#e{self.pk}"


class CaseFileReview(AuditedModel):
    """案卷评查 of a closed case: the scoring sheet filled (scores per item) by a reviewer."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.PROTECT, related_name="file_reviews")
    reviewer = models.ForeignKey(
        USER, verbose_name=_("评查人"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField(_("评查日期"))
    scores = models.JSONField(_("各项得分"), default=dict)
    total = models.PositiveSmallIntegerField(_("总分"))
    full_marks = models.PositiveSmallIntegerField(_("满分"))
    remarks = models.TextField(_("评查意见"), blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("案卷评查")
        verbose_name_plural = _("案卷评查")

    def __str__(self):
        return f"{self.case.number} 评查 {self.total}/{self.full_marks}"

    def get_absolute_url(self):
        return self.case.get_absolute_url() + "#review"
