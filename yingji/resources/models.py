"""应急资源: storage sites (储备库/点), the item catalogue, and stock as a ledger.

Stock is never a typed number: every change is a ``Movement`` (入库, 出库, 调拨 in two legs,
借用/归还, 报废, 盘点调整) with who, when, why, document number and batch/expiry. ``Stock`` is one
row per (site, item): it holds the minimum the keeper sets, and a cached balance that only the
ledger service changes, in the same transaction as the movement, with a conditional update
(``quantity >= n``) under a row lock; a check constraint keeps it from going below zero. The
balance always equals the sum of the movements (tests check it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel

from .choices import (
    AGREEMENT_KINDS,
    ALLOCATION_STATES,
    ASSIGNMENT_ACTIVE,
    ASSIGNMENT_STATES,
    CALL_STATES,
    EQUIPMENT_CATEGORIES,
    EQUIPMENT_SOURCES,
    EQUIPMENT_STATUS,
    FORCE_KINDS,
    MAINTENANCE_KINDS,
    MOVEMENT_KINDS,
    READINESS,
    RECORD_LEVELS,
    REQUEST_STATES,
    SHELTER_KINDS,
    SITE_LEVELS,
    SPECIALTIES,
    TEAM_KINDS,
)


class Item(AuditedModel):
    """A catalogue item. ``code`` follows the GB/T 38565-2020 structure (yingji.standards.supplies)."""

    code = models.CharField(_("物资编码"), max_length=7, unique=True)
    name = models.CharField(_("物资名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=10)
    shelf_life_days = models.PositiveIntegerField(_("保质期(天)"), null=True, blank=True)
    reusable = models.BooleanField(_("可回收复用"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("物资")
        verbose_name_plural = _("物资目录")

    def __str__(self):
        return self.name

    @property
    def category(self) -> str:
        from yingji.standards.supplies import category_name

        return category_name(self.code)


class Site(AuditedModel):
    code = models.CharField(_("储备库编码"), max_length=40, unique=True)
    name = models.CharField(_("储备库(点)名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=12, choices=SITE_LEVELS)
    owner = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("管理单位"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200)
    lon = models.FloatField(_("经度(WGS84)"))
    lat = models.FloatField(_("纬度(WGS84)"))
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="+"
    )
    area_m2 = models.PositiveIntegerField(_("库房面积(平方米)"), null=True, blank=True)
    managers = models.CharField(_("管理人员"), max_length=200, blank=True)
    duty_phone = models.CharField(_("24小时值班电话"), max_length=60, blank=True)
    opening = models.CharField(_("启用条件"), max_length=500, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("储备库(点)")
        verbose_name_plural = _("储备库(点)")
        indexes = [models.Index(fields=["level"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:site", args=[self.pk])


class Stock(AuditedModel):
    """One item at one site: the keeper's minimum and the cached balance (see module doc)."""

    site = models.ForeignKey(Site, verbose_name=_("储备库(点)"), on_delete=models.PROTECT)
    item = models.ForeignKey(Item, verbose_name=_("物资"), on_delete=models.PROTECT)
    quantity = models.IntegerField(_("库存数量"), default=0, editable=False)
    reserved = models.IntegerField(_("已预留(待调运)"), default=0, editable=False)
    minimum = models.PositiveIntegerField(_("最低储备量"), default=0)

    class Meta:
        ordering = ["site__code", "item__code"]
        verbose_name = _("库存")
        verbose_name_plural = _("库存")
        constraints = [
            models.UniqueConstraint(fields=["site", "item"], name="resources_stock_key"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="resources_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0, reserved__lte=models.F("quantity")),
                name="resources_stock_reserved_within",
            ),
        ]

    def __str__(self):
        return f"{self.site.name}·{self.item.name}"

    def get_absolute_url(self):
        return reverse("resources:site", args=[self.site_id]) + f"#item-{self.item_id}"

    @property
    def available(self) -> int:
        return self.quantity - self.reserved

    @property
    def below_minimum(self) -> bool:
        return self.quantity < self.minimum


class Movement(models.Model):
    """One ledger line, never changed or deleted. ``quantity`` is signed (+ adds to the site)."""

    stock = models.ForeignKey(
        Stock, verbose_name=_("库存"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("类型"), max_length=14, choices=MOVEMENT_KINDS)
    quantity = models.IntegerField(_("数量(增+减-)"))
    batch = models.CharField(_("批次"), max_length=60, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    document_no = models.CharField(_("单据号"), max_length=60)
    reason = models.CharField(_("事由"), max_length=500)
    counterparty = models.CharField(_("对方单位/人"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"), db_index=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    peer = models.OneToOneField(
        "self",
        verbose_name=_("调拨另一方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("出入库记录")
        verbose_name_plural = _("出入库台账")
        indexes = [models.Index(fields=["stock", "batch"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.stock} {self.quantity:+d}({self.document_no})"

    def get_absolute_url(self):
        return reverse("resources:site", args=[self.stock.site_id]) + "#movements"


class ScopedRecord(AuditedModel):
    """What every forces record shares: who keeps it, where it is, at which level."""

    level = models.CharField(_("级别"), max_length=10, choices=RECORD_LEVELS)
    owner = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("管理单位"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="+"
    )
    lon = models.FloatField(_("经度(WGS84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS84)"), null=True, blank=True)
    contact = models.CharField(_("联系人"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=60, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        abstract = True


class Team(ScopedRecord):
    name = models.CharField(_("队伍名称"), max_length=100, unique=True)
    kind = models.CharField(_("队伍类别"), max_length=14, choices=TEAM_KINDS)
    specialty = models.CharField(_("专业方向"), max_length=12, choices=SPECIALTIES)
    headcount = models.PositiveIntegerField(_("人数"))
    equipment = models.CharField(_("主要装备"), max_length=500, blank=True)
    capabilities = models.CharField(_("救援能力"), max_length=500, blank=True)
    readiness = models.CharField(_("战备状态"), max_length=12, choices=READINESS, default="ready")
    funding_wan = models.DecimalField(
        _("年度运行维护经费(万元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("救援队伍")
        verbose_name_plural = _("救援队伍")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:team", args=[self.pk])


class TeamEvaluation(AuditedModel):
    """The yearly evaluation of a social rescue force (T44): one score per item of the scheme
    (resources/data/social_force_evaluation.json), the total and grade computed from them."""

    team = models.ForeignKey(
        Team, verbose_name=_("队伍"), on_delete=models.PROTECT, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    scores = models.JSONField(_("分项得分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    grade = models.CharField(_("等次"), max_length=10)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    remarks = models.CharField(_("评语"), max_length=500, blank=True)
    # 发布 (do_publish_evaluations): the year's result is published at once; from then on its
    # scores are frozen and the evaluated teams' keepers see it (before, only the evaluators)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "-total"]
        verbose_name = _("社会应急力量年度评估")
        verbose_name_plural = _("社会应急力量年度评估")
        constraints = [
            models.UniqueConstraint(fields=["team", "year"], name="resources_evaluation_key")
        ]

    def __str__(self):
        return f"{self.team.name} {self.year}年度评估"

    def get_absolute_url(self):
        return reverse("resources:team", args=[self.team_id]) + "#evaluation"


class Agreement(ScopedRecord):
    title = models.CharField(_("协议名称"), max_length=150)
    kind = models.CharField(_("协议类别"), max_length=12, choices=AGREEMENT_KINDS)
    partner = models.CharField(_("协议单位"), max_length=150)
    content = models.CharField(_("保障内容"), max_length=500)
    response_hours = models.PositiveIntegerField(_("响应时限(小时)"), null=True, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("有效期至"))
    # 协议储备: the lines (AgreementLine: item, quantity, response time, what has been called
    # off) — an agreement may hold several items

    class Meta:
        ordering = ["valid_until", "title"]
        verbose_name = _("合作协议")
        verbose_name_plural = _("合作协议")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:agreement", args=[self.pk])


class AgreementLine(AuditedModel):
    """One item an agreement's partner holds for the city (协议储备): how much, how fast (its
    own response time, else the agreement's), and what has been called off (调用) with requests
    (``called``, raised only by a conditional UPDATE in the approval's transaction; a check
    constraint keeps it within the quantity)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("协议"), on_delete=models.PROTECT, related_name="lines"
    )
    item = models.ForeignKey(
        Item,
        verbose_name=_("协议储备物资"),
        on_delete=models.PROTECT,
        related_name="agreement_lines",
    )
    quantity = models.PositiveIntegerField(_("协议储备数量"))
    response_hours = models.PositiveIntegerField(_("响应时限(小时)"), null=True, blank=True)
    called = models.PositiveIntegerField(_("已调用数量"), default=0, editable=False)

    class Meta:
        ordering = ["agreement", "item__code"]
        verbose_name = _("协议储备明细")
        verbose_name_plural = _("协议储备明细")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "item"], name="resources_agreement_line_key"
            ),
            models.CheckConstraint(
                condition=models.Q(called__lte=models.F("quantity")),
                name="resources_agreement_line_called_within",
            ),
        ]

    @property
    def remaining(self) -> int:
        return self.quantity - self.called

    @property
    def hours(self) -> int | None:
        """The response time that applies: the line's, else the agreement's."""
        return self.agreement.response_hours if self.response_hours is None else self.response_hours

    def __str__(self):
        return f"{self.agreement.title}:{self.item.name} {self.quantity} {self.item.unit}"

    def get_absolute_url(self):
        return self.agreement.get_absolute_url() + "#lines"


class Expert(ScopedRecord):
    name = models.CharField(_("姓名"), max_length=60)
    specialty = models.CharField(_("专业领域"), max_length=100)
    organisation_name = models.CharField(_("工作单位"), max_length=150)
    title = models.CharField(_("职称/职务"), max_length=60, blank=True)
    available = models.BooleanField(_("可随时响应"), default=True)

    class Meta:
        ordering = ["specialty", "name"]
        verbose_name = _("专家")
        verbose_name_plural = _("专家库")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:expert", args=[self.pk])


class Shelter(ScopedRecord):
    name = models.CharField(_("避难场所名称"), max_length=150, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=SHELTER_KINDS)
    capacity = models.PositiveIntegerField(_("可容纳人数"))
    area_m2 = models.PositiveIntegerField(_("有效避难面积(平方米)"), null=True, blank=True)
    facilities = models.CharField(_("配套设施"), max_length=500, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("应急避难场所")
        verbose_name_plural = _("应急避难场所")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:shelter", args=[self.pk])


class SupplyRequest(AuditedModel):
    """A request (需求) for items to a place: submitted → approved (stock reserved at the
    proposed sites) → dispatched (出库 movements) → received; or cancelled (reservations
    released)."""

    number = models.CharField(_("需求单号"), max_length=30, unique=True)
    state = models.CharField(_("状态"), max_length=12, choices=REQUEST_STATES, default="submitted")
    destination = models.CharField(_("送达地点"), max_length=200)
    lon = models.FloatField(_("经度(WGS84)"))
    lat = models.FloatField(_("纬度(WGS84)"))
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="+"
    )
    needed_by = models.DateTimeField(_("需送达时间"))
    event = models.CharField(_("关联事件"), max_length=200, blank=True)
    reason = models.CharField(_("用途说明"), max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("需求提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receipt_note = models.CharField(_("签收说明"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("物资需求")
        verbose_name_plural = _("物资需求")

    def __str__(self):
        return f"{self.number} {self.destination}"

    def get_absolute_url(self):
        return reverse("resources:request", args=[self.pk])


class RequestLine(models.Model):
    request = models.ForeignKey(
        SupplyRequest, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="lines"
    )
    item = models.ForeignKey(Item, verbose_name=_("物资"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("数量"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("需求明细")
        verbose_name_plural = _("需求明细")
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="resources_request_item")
        ]

    def __str__(self):
        return f"{self.item.name} × {self.quantity}"


class Allocation(models.Model):
    """One leg of an approved request: this much of an item from this site (reserved there
    until dispatched or released)."""

    request = models.ForeignKey(
        SupplyRequest, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="allocations"
    )
    stock = models.ForeignKey(Stock, verbose_name=_("库存"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("数量"))
    distance_km = models.FloatField(_("估算路程(公里)"))
    eta_hours = models.FloatField(_("预计到达(小时)"))
    state = models.CharField(
        _("状态"), max_length=12, choices=ALLOCATION_STATES, default="reserved"
    )
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    # returns of reusable items after the event (归还 movements; damaged/lost ones 报废)
    returned = models.PositiveIntegerField(_("已归还"), default=0)
    scrapped = models.PositiveIntegerField(_("损耗报废"), default=0)

    class Meta:
        ordering = ["request", "distance_km", "pk"]
        verbose_name = _("调运分配")
        verbose_name_plural = _("调运分配")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=models.F("returned") + models.F("scrapped")),
                name="resources_allocation_returns_within",
            )
        ]

    def __str__(self):
        return f"{self.request.number}:{self.stock} × {self.quantity}"

    @property
    def outstanding(self) -> int:
        """What is still out (reusable items only are expected back)."""
        if self.state != "dispatched" or not self.stock.item.reusable:
            return 0
        return self.quantity - self.returned - self.scrapped


class ForceLine(models.Model):
    """A request for rescue teams of a specialty or equipment of a category (how many)."""

    request = models.ForeignKey(
        SupplyRequest, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="force_lines"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=FORCE_KINDS)
    category = models.CharField(_("专业/装备类别"), max_length=16)
    count = models.PositiveIntegerField(_("数量(支/台套)"))

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("队伍装备需求")
        verbose_name_plural = _("队伍装备需求")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "category"], name="resources_force_line_key"
            )
        ]

    def __str__(self):
        return f"{self.category_label} × {self.count}"

    @property
    def category_label(self) -> str:
        from .choices import EQUIPMENT_CATEGORIES, SPECIALTIES

        labels = dict(SPECIALTIES if self.kind == "team" else EQUIPMENT_CATEGORIES)
        return str(labels.get(self.category, self.category))


class ForceAssignment(models.Model):
    """A team or an item of equipment sent with a request: 已调派 at approval (taken: a partial
    unique index lets no second active assignment hold it), 已出发 at dispatch, 已到达 at
    receipt, 已归队/归还 afterwards, or 已撤回 when the request is cancelled."""

    request = models.ForeignKey(
        SupplyRequest, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="assignments"
    )
    team = models.ForeignKey(
        "Team",
        verbose_name=_("队伍"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    equipment = models.ForeignKey(
        "Equipment",
        verbose_name=_("装备"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    category = models.CharField(_("专业/装备类别"), max_length=16)
    distance_km = models.FloatField(_("估算路程(公里)"), null=True, blank=True)
    eta_hours = models.FloatField(_("预计到达(小时)"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=ASSIGNMENT_STATES, default="assigned"
    )
    assigned_at = models.DateTimeField(_("调派时间"))
    dispatched_at = models.DateTimeField(_("出发时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("归队/归还时间"), null=True, blank=True)
    return_condition = models.CharField(_("归还状况"), max_length=10, blank=True)
    return_note = models.CharField(_("归还说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["request", "distance_km", "pk"]
        verbose_name = _("队伍装备调派")
        verbose_name_plural = _("队伍装备调派")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=True, equipment__isnull=False)
                | models.Q(team__isnull=False, equipment__isnull=True),
                name="resources_assignment_one_unit",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=models.Q(state__in=ASSIGNMENT_ACTIVE),
                name="resources_team_taken_once",
            ),
            models.UniqueConstraint(
                fields=["equipment"],
                condition=models.Q(state__in=ASSIGNMENT_ACTIVE),
                name="resources_equipment_taken_once",
            ),
        ]

    def __str__(self):
        return f"{self.request.number}:{self.unit}"

    def get_absolute_url(self):
        return self.request.get_absolute_url() + "#assignments"

    @property
    def unit(self):
        return self.team if self.team_id else self.equipment


class Equipment(ScopedRecord):
    """One line of the 装备台账 (T45): a machine with a serial number (quantity 1) or a set of
    identical items, held by an organisation, a team or a reserve site; its status changes only
    through its maintenance records (``MaintenanceRecord``, a ledger)."""

    code = models.CharField(_("装备编号"), max_length=40, unique=True)
    name = models.CharField(_("装备名称"), max_length=100)
    category = models.CharField(_("装备类别"), max_length=16, choices=EQUIPMENT_CATEGORIES)
    model_spec = models.CharField(_("规格型号"), max_length=100, blank=True)
    serial_no = models.CharField(_("出厂编号"), max_length=60, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    unit = models.CharField(_("单位"), max_length=10, default="台")
    source = models.CharField(_("来源"), max_length=10, choices=EQUIPMENT_SOURCES, default="own")
    site = models.ForeignKey(
        Site,
        verbose_name=_("存放储备库(点)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="equipment",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("配属队伍"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="equipment_items",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=EQUIPMENT_STATUS, default="good", editable=False
    )
    interval_days = models.PositiveIntegerField(_("保养周期(天)"), null=True, blank=True)
    last_maintained_on = models.DateField(_("上次保养"), null=True, blank=True, editable=False)
    next_due_on = models.DateField(_("下次保养到期"), null=True, blank=True, editable=False)
    remarks = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("应急装备")
        verbose_name_plural = _("应急装备台账")
        indexes = [models.Index(fields=["next_due_on"])]

    def __str__(self):
        return f"{self.name}({self.code})"

    def get_absolute_url(self):
        return reverse("resources:equipment_item", args=[self.pk])

    @property
    def holder(self) -> str:
        if self.team_id:
            return f"{self.team.name}(队伍)"
        if self.site_id:
            return f"{self.site.name}(储备库)"
        return self.owner.name


class MaintenanceRecord(models.Model):
    """One line of an item's maintenance ledger, never changed or deleted."""

    equipment = models.ForeignKey(
        Equipment, verbose_name=_("装备"), on_delete=models.PROTECT, related_name="maintenance"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=MAINTENANCE_KINDS)
    performed_on = models.DateField(_("日期"))
    description = models.CharField(_("内容"), max_length=500)
    performed_by = models.CharField(_("实施单位/人"), max_length=100, blank=True)
    cost = models.DecimalField(
        _("费用(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status_after = models.CharField(_("处理后状态"), max_length=10, choices=EQUIPMENT_STATUS)
    next_due_on = models.DateField(_("下次保养到期"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-performed_on", "-pk"]
        verbose_name = _("装备保养维修记录")
        verbose_name_plural = _("装备保养维修记录")

    def __str__(self):
        return f"{self.equipment} {self.get_kind_display()} {self.performed_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return self.equipment.get_absolute_url() + "#maintenance"


class ReserveTarget(AuditedModel):
    """The bureau's reserve target for an item in a county (or, for the city region itself, for
    the 市级 reserves): coverage = the stock there ÷ this target. Set as data by the city bureau;
    no national or provincial quota was confirmed (docs/resources.md)."""

    region = models.ForeignKey(
        "geo.Region", verbose_name=_("县区"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(Item, verbose_name=_("物资"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("储备目标"))
    basis = models.CharField(_("依据/说明"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["region__code", "item__code"]
        verbose_name = _("储备目标")
        verbose_name_plural = _("储备目标")
        constraints = [
            models.UniqueConstraint(fields=["region", "item"], name="resources_target_key")
        ]

    def __str__(self):
        return f"{self.region.name}·{self.item.name}储备目标"

    def get_absolute_url(self):
        return reverse("resources:coverage") + f"?region={self.region.code}"


class LinkagePartner(AuditedModel):
    """A member unit of the city's 物资联动机制 (T39: 发改, 公安, 财政, 交通, 粮食和物资储备,
    红十字会, 警备区, 武警 …): its contacts and what it provides (the 联动清单). Kept by the
    city bureau; shown in the 一表 and offered when a request exceeds the city's stock."""

    name = models.CharField(_("联动单位"), max_length=100, unique=True)
    contact = models.CharField(_("联络人"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=60, blank=True)
    duty_phone = models.CharField(_("24小时值班电话"), max_length=60, blank=True)
    provides = models.CharField(_("联动保障内容"), max_length=500)
    items = models.ManyToManyField(
        Item, verbose_name=_("可协调物资"), blank=True, related_name="partners"
    )
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("在用"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["sort", "name"]
        verbose_name = _("物资联动单位")
        verbose_name_plural = _("物资联动单位")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:partners") + f"#partner-{self.pk}"


class LinkageCall(models.Model):
    """A request for help sent to a linkage partner when a request exceeds the city's stock
    (a record of who was asked for what, when, by whom; never changed)."""

    request = models.ForeignKey(
        SupplyRequest,
        verbose_name=_("需求"),
        on_delete=models.PROTECT,
        related_name="linkage_calls",
    )
    partner = models.ForeignKey(
        LinkagePartner, verbose_name=_("联动单位"), on_delete=models.PROTECT, related_name="calls"
    )
    content = models.CharField(_("请求内容"), max_length=500)
    asked_at = models.DateTimeField(_("发出时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("物资联动请求")
        verbose_name_plural = _("物资联动请求")

    def __str__(self):
        return f"{self.request.number} → {self.partner.name}"

    def get_absolute_url(self):
        return self.request.get_absolute_url() + "#linkage"


class AgreementCall(models.Model):
    """A call-off (调用) of agreement stock (协议储备) for a request: at approval, when the
    physical reserves fall short; counted against the agreement's remaining quantity
    (``Agreement.called``), released if the request is cancelled before dispatch."""

    request = models.ForeignKey(
        SupplyRequest, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="calls"
    )
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("协议"), on_delete=models.PROTECT, related_name="calls"
    )
    line = models.ForeignKey(
        AgreementLine,
        verbose_name=_("协议储备明细"),
        on_delete=models.PROTECT,
        related_name="calls",
    )
    quantity = models.PositiveIntegerField(_("调用数量"))
    distance_km = models.FloatField(_("估算路程(公里)"), null=True, blank=True)
    eta_hours = models.FloatField(_("预计到达(小时)"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=CALL_STATES, default="called")
    called_at = models.DateTimeField(_("调用时间"))
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)

    class Meta:
        ordering = ["request", "eta_hours", "pk"]
        verbose_name = _("协议储备调用")
        verbose_name_plural = _("协议储备调用")

    def __str__(self):
        return f"{self.request.number}:{self.agreement} × {self.quantity}"

    def get_absolute_url(self):
        return self.request.get_absolute_url() + "#calls"


class TransitPosition(models.Model):
    """A position report of a dispatch on the road (在途): entered on the request page or sent
    through the API with a personal token (a driver's or escort's phone). Never changed."""

    request = models.ForeignKey(
        SupplyRequest, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="positions"
    )
    carrier = models.CharField(_("车辆/队伍"), max_length=60, blank=True)
    lon = models.FloatField(_("经度(WGS84)"))
    lat = models.FloatField(_("纬度(WGS84)"))
    reported_at = models.DateTimeField(_("定位时间"), db_index=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    via_api = models.BooleanField(_("接口上报"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("在途位置")
        verbose_name_plural = _("在途位置")
        indexes = [models.Index(fields=["request", "-reported_at"])]

    def __str__(self):
        return f"{self.request.number} {self.lon:.4f},{self.lat:.4f}"

    def get_absolute_url(self):
        return self.request.get_absolute_url() + "#positions"
