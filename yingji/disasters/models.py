"""灾情报送: disaster processes, loss reports per region (初报/续报/核报, immutable once
submitted: a correction is a new report), the deadline clocks the city may edit, and the
灾害信息员 registry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel
from yingji.standards.demo_community import STATUSES as COMMUNITY_STATUS_TABLE
from yingji.standards.demo_community import levels as community_levels
from yingji.standards.disaster_stats import disaster_types, labels, report_kinds

KINDS = disaster_types()
REPORT_KINDS = report_kinds()
OFFICER_ROLES = [("A", _("A岗")), ("B", _("B岗"))]
SOURCES = [("form", _("网页填报")), ("officer", _("信息员快报")), ("api", _("接口"))]


def _coded(values: dict, names: dict[str, str]) -> str:
    """A code-keyed mapping as 名称:值;… for the history (unknown codes kept as they are)."""
    from yingji.core.presenters import readable

    parts = [f"{names.get(k, k)}:{readable(v)}" for k, v in values.items() if v not in (None, "")]
    return ";".join(parts) if parts else "—"


class DisasterProcess(AuditedModel):
    """一次灾害过程: its type, when it started and ended (灾情稳定), the region that opened it
    (the city or a county) and the regions it affected."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("灾种"), max_length=20, choices=KINDS)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间(灾情稳定)"), null=True, blank=True)
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头区划")
    )
    affected_regions = models.ManyToManyField(
        "geo.Region", related_name="+", blank=True, verbose_name=_("受影响区划")
    )
    description = models.TextField(_("概况"), blank=True)
    event = models.ForeignKey(
        "response.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("关联突发事件"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("开启人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("灾害过程")
        verbose_name_plural = _("灾害过程")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("disasters:process", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class LossReport(AuditedModel):
    """One region's report for a process. The figures (keyed by the indicator codes of
    standards/disaster_stats) never change after submission; a correction is a new report
    pointing at the one it corrects. Only the confirmation (审核) by the level above is added."""

    process = models.ForeignKey(
        DisasterProcess,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("灾害过程"),
    )
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("填报区划")
    )
    kind = models.CharField(_("报告类型"), max_length=10, choices=REPORT_KINDS)
    as_of = models.DateField(_("数据截至日期"), null=True, blank=True)
    figures = models.JSONField(_("灾情数据"), default=dict)
    summary = models.TextField(_("灾情文字说明"), blank=True)
    findings = models.JSONField(_("核查提示"), default=list, blank=True)
    warning_reason = models.TextField(_("提示说明"), blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=SOURCES, default="form")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("报送人"),
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    due_at = models.DateTimeField(_("应报时间"), null=True, blank=True)
    is_late = models.BooleanField(_("迟报"), default=False)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("更正的报告"),
    )
    correction_reason = models.TextField(_("更正原因"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    confirmed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    casualties = models.ManyToManyField(
        "CasualtyPerson",
        blank=True,
        related_name="reports",
        verbose_name=_("死亡失踪人员名单"),
        help_text=_("报送时计入的名单版本"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("灾情报告")
        verbose_name_plural = _("灾情报告")
        indexes = [models.Index(fields=["process", "region", "submitted_at"])]

    def __str__(self):
        return f"{self.region.name}{self.get_kind_display()}({self.process.name})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("disasters:report", args=[self.pk])

    @classmethod
    def present_history_value(cls, key: str, value) -> str | None:
        """The history shows the figures by their Chinese indicator names."""
        if key == "figures" and isinstance(value, dict):
            return _coded(value, labels())
        return None

    def figure_rows(self) -> list[tuple[str, object]]:
        names = labels()
        return [(names[c], self.figures.get(c)) for c in names if self.figures.get(c) is not None]


class DeadlineSetting(AuditedModel):
    """The city's edited deadline clocks (one row; without it the 制度 defaults apply)."""

    rules = models.JSONField(_("报送时限"), default=dict)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("报送时限")
        verbose_name_plural = _("报送时限")

    def __str__(self):
        return "灾情报送时限"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("disasters:deadlines")


class InfoOfficer(AuditedModel):
    """灾害信息员: A/B post for a village/community, township or county; an officer with an
    account (``user``) may file quick reports for their own region."""

    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20)
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("负责区划")
    )
    role = models.CharField(_("岗位"), max_length=1, choices=OFFICER_ROLES, default="A")
    trained_on = models.DateField(_("最近培训日期"), null=True, blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=50, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disaster_officer_posts",
        verbose_name=_("平台账号"),
    )
    active = models.BooleanField(_("在岗"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["region__code", "role", "name"]
        verbose_name = _("灾害信息员")
        verbose_name_plural = _("灾害信息员")

    def __str__(self):
        return f"{self.name}({self.region.name}{self.get_role_display()})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("disasters:officer", args=[self.pk])


RELIEF_KINDS = [("transition", _("过渡期生活救助")), ("winter_spring", _("冬春生活救助"))]


class ReliefRecord(AuditedModel):
    """One household's relief: 过渡期生活救助 after a process (for households whose homes
    collapsed or were badly damaged) or 冬春生活救助; persons, amount (元), the date paid."""

    kind = models.CharField(_("救助类型"), max_length=20, choices=RELIEF_KINDS)
    process = models.ForeignKey(
        DisasterProcess,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relief",
        verbose_name=_("灾害过程"),
    )
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在村(社区)")
    )
    head_name = models.CharField(_("户主姓名"), max_length=50)
    persons = models.PositiveIntegerField(_("救助人数"))
    amount = models.DecimalField(_("救助金额(元)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    warning_reason = models.TextField(_("提示说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("救助记录")
        verbose_name_plural = _("救助记录")

    def __str__(self):
        return f"{self.head_name}户{self.get_kind_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("disasters:relief_record", args=[self.pk])


CASUALTY_STATES = [("dead", _("因灾死亡")), ("missing", _("因灾失踪")), ("found", _("已找到"))]
SEXES = [("M", _("男")), ("F", _("女"))]


class CasualtyPerson(AuditedModel):
    """One version of a person on a process's 死亡失踪人员名单 (《自然灾害情况统计调查制度》:
    因灾死亡失踪人员 are reported by name). ``region`` is the village/township/county where the
    person is counted: a report of a region counts the current versions within it. A later change
    (失踪 → 死亡 or 已找到) is a new version pointing at the one it replaces, which stops being
    current; no row is ever edited otherwise or deleted."""

    process = models.ForeignKey(
        DisasterProcess,
        on_delete=models.PROTECT,
        related_name="casualties",
        verbose_name=_("灾害过程"),
    )
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("统计区划")
    )
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=SEXES)
    age = models.PositiveSmallIntegerField(_("年龄"))
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    residence = models.ForeignKey(
        "geo.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("户籍(居住)地"),
    )
    state = models.CharField(_("状态"), max_length=10, choices=CASUALTY_STATES)
    occurred_on = models.DateField(_("死亡(失踪、找到)日期"))
    cause = models.CharField(_("原因"), max_length=200)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("上一版本"),
    )
    change_reason = models.CharField(_("变更说明"), max_length=200, blank=True)
    is_current = models.BooleanField(_("现行版本"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["region__code", "name", "-pk"]
        verbose_name = _("死亡失踪人员")
        verbose_name_plural = _("死亡失踪人员")

    def __str__(self):
        return f"{self.name}({self.get_state_display()})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("disasters:casualty", args=[self.pk])

    @property
    def masked_id(self) -> str:
        """The ID number with the birth date and sequence hidden (first 6, last 2 shown)."""
        n = self.id_number
        return f"{n[:6]}{'*' * (len(n) - 8)}{n[-2:]}" if len(n) > 8 else ("*" * len(n))


COMMUNITY_LEVELS = [(c, _(label)) for c, label in community_levels()]
COMMUNITY_STATUSES = [(c, _(label)) for c, label in COMMUNITY_STATUS_TABLE]
INSPECTION_RESULTS = [
    ("good", _("符合要求")),
    ("rectify", _("限期整改")),
    ("failed", _("不符合要求")),
]


class DemoCommunity(AuditedModel):
    """综合减灾示范社区 (T54): one community's (社区/村) application for a level in a year, from the
    self-assessment through the county's 初审 and the city's 评审 to 命名, then 复核 (kept or
    revoked). The checklist answers and scores are kept as the applicant and the county gave them
    (``standards/demo_community``)."""

    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("社区(村)")
    )
    level = models.CharField(_("申报级别"), max_length=12, choices=COMMUNITY_LEVELS)
    year = models.PositiveSmallIntegerField(_("创建年度"))
    status = models.CharField(
        _("状态"), max_length=16, choices=COMMUNITY_STATUSES, default="applied"
    )
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    contact = models.CharField(_("联系人及电话"), max_length=100, blank=True)
    lon = models.FloatField(_("经度(WGS84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS84)"), null=True, blank=True)
    summary = models.TextField(_("创建情况"), blank=True)
    conditions = models.JSONField(_("基本条件(自评)"), default=dict)
    self_scores = models.JSONField(_("基本要素自评分"), default=dict)
    self_total = models.PositiveSmallIntegerField(_("自评总分"), default=0)
    county_scores = models.JSONField(_("县区评分"), default=dict, blank=True)
    county_total = models.PositiveSmallIntegerField(_("县区评分总分"), null=True, blank=True)
    county_opinion = models.TextField(_("县区初审意见"), blank=True)
    county_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("县区初审人"),
    )
    city_opinion = models.TextField(_("市级评审(复核)意见"), blank=True)
    named_on = models.DateField(_("命名日期"), null=True, blank=True)
    naming_doc = models.CharField(_("命名文号"), max_length=100, blank=True)
    rechecked_on = models.DateField(_("最近复核日期"), null=True, blank=True)
    revoked_reason = models.TextField(_("撤销原因"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("申报登记人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-year", "region__code"]
        verbose_name = _("综合减灾示范社区申报")
        verbose_name_plural = _("综合减灾示范社区申报")

    def __str__(self):
        return f"{self.region.name}({self.year}年{self.get_level_display()})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("disasters:community", args=[self.pk])

    @classmethod
    def present_history_value(cls, key: str, value) -> str | None:
        """The history shows the checklist by its Chinese items, not the score map's keys."""
        if key not in ("conditions", "self_scores", "county_scores") or not isinstance(value, dict):
            return None
        from yingji.standards import demo_community as dc

        table = dc.criteria(getattr(settings, "DISASTERS_COMMUNITY_CRITERIA", None))
        items = table["conditions"] if key == "conditions" else table["elements"]
        names = {i["code"]: i["label"].split("(")[0].split("（")[0] for i in items}
        if key == "conditions":
            return _coded({k: ("符合" if v else "不符合") for k, v in value.items()}, names)
        return _coded({k: f"{v}分" for k, v in value.items()}, names)


class CommunityEvidence(AuditedModel):
    """The evidence (佐证材料) of one criterion of a community's self-assessment: a note and the
    files attached to this row (core attachments). A criterion claimed as met (a 基本条件 ticked, a
    基本要素 scored above 0) needs evidence; the county's review and the city's 督查 read it."""

    community = models.ForeignKey(
        DemoCommunity,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("示范社区申报"),
    )
    criterion = models.CharField(_("创建标准条目"), max_length=40)
    note = models.TextField(_("佐证说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["community", "criterion"]
        verbose_name = _("示范社区佐证材料")
        verbose_name_plural = _("示范社区佐证材料")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "criterion"], name="disasters_evidence_one_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.community.region.name}佐证材料({self.label})"

    @property
    def label(self) -> str:
        from yingji.standards import demo_community as dc

        table = dc.criteria(getattr(settings, "DISASTERS_COMMUNITY_CRITERIA", None))
        for item in table["conditions"] + table["elements"]:
            if item["code"] == self.criterion:
                return item["label"].split("(")[0].split("（")[0]
        return self.criterion

    def get_absolute_url(self):
        return self.community.get_absolute_url()

    @classmethod
    def present_history_value(cls, key: str, value) -> str | None:
        """The history names the criterion by its Chinese label, not its code."""
        if key != "criterion" or not isinstance(value, str):
            return None
        return cls(criterion=value).label


class CommunityInspection(AuditedModel):
    """The city's 督查 visit to a community (T54: October–December) with its findings; a visit
    outside the months is recorded and marked."""

    community = models.ForeignKey(
        DemoCommunity,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("示范社区申报"),
    )
    visited_on = models.DateField(_("督查日期"))
    inspectors = models.CharField(_("督查人员"), max_length=200)
    findings = models.TextField(_("发现问题"))
    result = models.CharField(_("督查结论"), max_length=10, choices=INSPECTION_RESULTS)
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    in_window = models.BooleanField(_("在10-12月督查期内"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("示范社区督查")
        verbose_name_plural = _("示范社区督查")

    def __str__(self):
        return f"{self.community.region.name}督查({self.visited_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return self.community.get_absolute_url()


class QuakeEstimate(AuditedModel):
    """一次地震烈度快速估算 (T29), kept as a record: the input, the intensity per district, the
    population exposed by intensity, the suggested response level and the rules it came from;
    an event in 应急响应 may be started from it (``event``). Never changed after it is made
    (a new input is a new estimate)."""

    occurred_at = models.DateTimeField(_("发震时刻"))
    place = models.CharField(_("参考位置"), max_length=100, blank=True)
    lon = models.FloatField(_("震中经度"))
    lat = models.FloatField(_("震中纬度"))
    magnitude = models.FloatField(_("震级(Ms)"))
    depth = models.FloatField(_("震源深度(千米)"))
    strike = models.FloatField(_("断层走向(度)"), null=True, blank=True)
    model = models.CharField(_("衰减模型"), max_length=20)
    rows = models.JSONField(_("各县区估计烈度"), default=list)
    townships = models.JSONField(_("各乡镇(街道)估计烈度"), default=list, blank=True)
    township_note = models.CharField(_("乡镇估算说明"), max_length=300, blank=True)
    exposure = models.JSONField(_("暴露人口"), default=dict)
    population_source = models.TextField(_("人口数据来源"), blank=True)
    suggested_level = models.CharField(_("建议响应级别"), max_length=2, blank=True)
    suggested_label = models.CharField(_("建议响应"), max_length=40, blank=True)
    reasons = models.JSONField(_("建议依据"), default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("估算人"),
    )
    event = models.ForeignKey(
        "response.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("启动的突发事件"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("地震烈度估算")
        verbose_name_plural = _("地震烈度估算")

    def __str__(self):
        where = self.place or f"{self.lon:.2f},{self.lat:.2f}"
        return f"{where} Ms{self.magnitude:g} 烈度估算"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("disasters:quake_record", args=[self.pk])

    @classmethod
    def present_history_value(cls, key: str, value) -> str | None:
        """The history reads the stored result as sentences, not JSON."""
        from yingji.core.presenters import readable

        if key in ("rows", "townships") and isinstance(value, list):
            return readable([f"{r.get('name')}{r.get('roman')}度" for r in value])
        if key == "exposure" and isinstance(value, dict):
            return readable(
                [f"{e['roman']}度及以上{e['at_least']:,}人" for e in value.get("by_degree", [])]
            )
        return None

    @property
    def max_degree(self) -> int:
        return max((r["degree"] for r in self.rows), default=0)


FUND_SOURCES = [
    ("central", _("中央")),
    ("province", _("省级")),
    ("region", _("本市上级区划")),
    ("other", _("其他(社会捐赠等)")),
]
FUND_PURPOSES = [
    ("emergency", _("应急救助")),
    ("transition", _("过渡期生活救助")),
    ("winter_spring", _("冬春生活救助")),
    ("rebuild", _("倒损住房恢复重建")),
    ("other", _("其他")),
]


class ReliefFund(AuditedModel):
    """One transfer of 救灾资金 (万元): received by a region from the 中央/省级 level (or another
    source), or allocated by a region of the city to the level below (市→县区→乡镇). What a
    region received and allocated is the sum of these rows; a region never allocates more than
    it received for the same process (or year, without a process) and purpose."""

    process = models.ForeignKey(
        DisasterProcess,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funds",
        verbose_name=_("灾害过程"),
    )
    year = models.PositiveIntegerField(_("年度"))
    purpose = models.CharField(_("资金用途"), max_length=20, choices=FUND_PURPOSES)
    source = models.CharField(_("资金来源"), max_length=10, choices=FUND_SOURCES)
    from_region = models.ForeignKey(
        "geo.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("拨出区划"),
    )
    to_region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("接收区划")
    )
    amount = models.DecimalField(_("金额(万元)"), max_digits=12, decimal_places=2)
    document_no = models.CharField(_("文号"), max_length=60, blank=True)
    on = models.DateField(_("下达日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("救灾资金")
        verbose_name_plural = _("救灾资金")

    def __str__(self):
        origin = self.from_region.name if self.from_region_id else self.get_source_display()
        return f"{origin}→{self.to_region.name} {self.amount}万元"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("disasters:relief_fund", args=[self.pk])


class ReliefSupply(AuditedModel):
    """Relief supplies distributed for a process to a region: taken from a 出库 line of the
    resources ledger (``movement_ref`` keeps its id, the item, quantity and document as they
    were) or, without a ledger line, entered by hand."""

    process = models.ForeignKey(
        DisasterProcess,
        on_delete=models.PROTECT,
        related_name="supplies",
        verbose_name=_("灾害过程"),
    )
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("发放区划")
    )
    item_name = models.CharField(_("物资名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    distributed_on = models.DateField(_("发放日期"))
    movement_ref = models.PositiveBigIntegerField(
        _("出库记录编号"), null=True, blank=True, unique=True
    )
    source_site = models.CharField(_("出库仓库"), max_length=100, blank=True)
    document_no = models.CharField(_("出库单据号"), max_length=60, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-distributed_on", "-pk"]
        verbose_name = _("救灾物资发放")
        verbose_name_plural = _("救灾物资发放")

    def __str__(self):
        return f"{self.region.name}·{self.item_name}{self.quantity}{self.unit}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("disasters:relief_supply", args=[self.pk])

    @property
    def from_ledger(self) -> bool:
        return self.movement_ref is not None
