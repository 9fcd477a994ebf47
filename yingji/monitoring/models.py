"""监测预警: stations, observations (one narrow table), rules as data, alarms and their level
history. Observations are plain rows (a sensor reports every minute: an audit record per value
would dwarf the data); each ingest batch is one AuditEvent, and a revised value keeps its
previous values in ObservationRevision."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel

from .choices import (
    AGGREGATES,
    ALARM_STATES,
    KINDS,
    LEVEL_CHOICES,
    LIMITS,
    SCOPES,
    element_catalogue,
)

# A station is offline when no data came for twice its (shortest) reporting interval (#13).
OFFLINE_FACTOR = 2
OFFLINE_RULE = "DEVICE-OFFLINE"


class Station(AuditedModel):
    """A monitoring station or sensor point. ``elements`` lists what it measures:
    [{"code": "rain", "unit": "mm", "interval": 60, "min": 0, "max": 300}, …] (interval in
    minutes; min/max the plausible range: a value outside is quarantined, never alarmed on)."""

    code = models.CharField(_("站点编码"), max_length=40, unique=True)
    name = models.CharField(_("站点名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=KINDS)
    owner = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("权属单位"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hazard_unit = models.ForeignKey(
        "risk.MajorHazardUnit",
        verbose_name=_("重大危险源"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lon = models.FloatField(_("经度(WGS84)"))
    lat = models.FloatField(_("纬度(WGS84)"))
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="+"
    )
    elements = models.JSONField(_("监测要素"), default=list)
    installed_on = models.DateField(_("安装日期"), null=True, blank=True)
    disabled = models.BooleanField(_("停用"), default=False)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    last_seen_at = models.DateTimeField(_("最近数据时间"), null=True, blank=True, editable=False)
    # last_seen_at (or the registration) + OFFLINE_FACTOR × the shortest reporting interval: the
    # moment the station counts as offline if nothing else comes; kept by the ingest so that
    # the offline sweep is one indexed query
    offline_at = models.DateTimeField(_("离线判定时间"), null=True, blank=True, editable=False)
    last_implausible_at = models.DateTimeField(
        _("最近异常数据时间"), null=True, blank=True, editable=False
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("监测站点")
        verbose_name_plural = _("监测站点")
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["offline_at"])]

    def __str__(self):
        return f"{self.name}({self.code})"

    def get_absolute_url(self):
        return reverse("monitoring:station", args=[self.code])

    def element(self, code: str) -> dict | None:
        for row in self.elements:
            if row.get("code") == code:
                return {**element_catalogue().get(code, {}), **row}
        return None

    @property
    def interval_minutes(self) -> int:
        return min((int(e.get("interval") or 60) for e in self.elements), default=60)

    @property
    def offline_after(self) -> dt.timedelta:
        return dt.timedelta(minutes=OFFLINE_FACTOR * self.interval_minutes)

    def status(self, now: dt.datetime | None = None) -> str:
        """停用; 在线 (data within OFFLINE_FACTOR × the shortest reporting interval); 故障
        (within that time only implausible, quarantined values came); 离线 (nothing came)."""
        if self.disabled:
            return "停用"
        now = now or timezone.now()
        if self.last_seen_at and now - self.last_seen_at <= self.offline_after:
            return "在线"
        if self.last_implausible_at and now - self.last_implausible_at <= self.offline_after:
            return "故障"
        return "离线"


class Observation(models.Model):
    """One value of one element at one (data) time. The unique key is the index every window
    query uses: (station, element, time). On PostgreSQL the table is partitioned by month of
    ``time`` (partitions.py; its primary key there is (id, time), so nothing can reference
    ``id`` by a database foreign key: the references to an observation are plain columns,
    ``db_constraint=False``, and a detached month leaves them pointing at archived rows)."""

    id = models.BigAutoField(primary_key=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    element = models.CharField(_("要素"), max_length=20)
    time = models.DateTimeField(_("观测时间"))
    value = models.FloatField(_("数值"))
    received_at = models.DateTimeField(_("接收时间"))
    revisions = models.PositiveSmallIntegerField(_("修订次数"), default=0)

    class Meta:
        verbose_name = _("监测数据")
        verbose_name_plural = _("监测数据")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "element", "time"], name="monitoring_obs_key"
            )
        ]

    def __str__(self):
        return f"{self.station_id}/{self.element}@{self.time:%Y-%m-%d %H:%M}={self.value}"


class ObservationHour(models.Model):
    """A kept hourly aggregate of one element (sum, count, min, max of the values whose time
    falls in [hour, hour + 1 h), hour in UTC), so that a chart over 30 days reads 720 rows
    instead of 8,640. Written on first read of a completed hour (selectors.series), deleted by
    the ingest when late data or a revision touches that hour or a later one; count 0 records
    a completed hour without data. A cache of the observations, not a record of its own."""

    id = models.BigAutoField(primary_key=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    element = models.CharField(_("要素"), max_length=20)
    hour = models.DateTimeField(_("小时"))
    total = models.FloatField(_("合计"))
    count = models.PositiveIntegerField(_("条数"))
    low = models.FloatField(_("最小值"), null=True)
    high = models.FloatField(_("最大值"), null=True)

    class Meta:
        verbose_name = _("监测数据小时汇总")
        verbose_name_plural = _("监测数据小时汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "element", "hour"], name="monitoring_obs_hour_key"
            )
        ]

    def __str__(self):
        return f"{self.station_id}/{self.element}@{self.hour:%Y-%m-%d %H}时 n={self.count}"


class ObservationRevision(models.Model):
    """A value an observation had before a revision (same key, another value)."""

    observation = models.ForeignKey(
        Observation, on_delete=models.PROTECT, related_name="history", db_constraint=False
    )
    value = models.FloatField(_("原数值"))
    received_at = models.DateTimeField(_("原接收时间"))
    replaced_at = models.DateTimeField(_("修订时间"))

    class Meta:
        ordering = ["replaced_at", "pk"]
        verbose_name = _("监测数据修订记录")
        verbose_name_plural = _("监测数据修订记录")

    def __str__(self):
        return f"{self.observation_id} 原值 {self.value}"


class QuarantinedObservation(models.Model):
    """A value outside the element's plausible range: kept for the station's keeper to look
    at, never used in a window, never alarmed on."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    element = models.CharField(_("要素"), max_length=20)
    time = models.DateTimeField(_("观测时间"))
    value = models.FloatField(_("数值"))
    reason = models.CharField(_("原因"), max_length=200)
    received_at = models.DateTimeField(_("接收时间"))

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("隔离数据")
        verbose_name_plural = _("隔离数据")
        indexes = [models.Index(fields=["station", "element", "time"])]

    def __str__(self):
        return f"{self.station_id}/{self.element}@{self.time:%Y-%m-%d %H:%M}={self.value}(隔离)"


class Rule(AuditedModel):
    """A rolling-window alarm rule, as data: the aggregate of ``element`` over each level's
    window, compared (≥) with that level's threshold. ``levels`` is
    [{"level": "blue", "window_minutes": 720, "threshold": 50}, …]; a window of 0 minutes is
    the value itself. Scope: every station measuring the element, one kind, or one station."""

    code = models.CharField(_("规则编码"), max_length=40, unique=True)
    name = models.CharField(_("规则名称"), max_length=100)
    element = models.CharField(_("要素"), max_length=20)
    aggregate = models.CharField(_("统计方式"), max_length=8, choices=AGGREGATES, default="sum")
    levels = models.JSONField(_("分级阈值"), default=list)
    scope = models.CharField(_("适用范围"), max_length=8, choices=SCOPES, default="all")
    station_kind = models.CharField(_("站点类型"), max_length=12, choices=KINDS, blank=True)
    station = models.ForeignKey(
        Station, verbose_name=_("站点"), null=True, blank=True, on_delete=models.PROTECT
    )
    active = models.BooleanField(_("启用"), default=True)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    confidence = models.CharField(_("可信度"), max_length=40, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("告警规则")
        verbose_name_plural = _("告警规则")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from yingji.standards.cma_signals import LEVELS

        if self.aggregate == "offline":
            self.element = ""  # the offline rule looks at no element: at the data's absence
        elif self.element not in element_catalogue():
            raise ValidationError({"element": f"未知的监测要素“{self.element}”。"})
        rows = self.levels if isinstance(self.levels, list) else None
        ok = bool(rows) and all(
            isinstance(r, dict)
            and r.get("level") in LEVELS
            and isinstance(r.get("window_minutes"), int)
            and 0 <= r["window_minutes"] <= 7 * 24 * 60
            and (
                isinstance(r.get("threshold"), int | float)
                and not isinstance(r.get("threshold"), bool)
                or r.get("limit") in LIMITS
            )
            and (r.get("limit") in (None, *LIMITS))
            and (r.get("threshold") is None or isinstance(r.get("threshold"), int | float))
            for r in rows
        )
        if not ok or len({r["level"] for r in rows}) != len(rows):
            raise ValidationError(
                {
                    "levels": '应为列表,每级一项且不重复:{"level": "blue|yellow|orange|red", '
                    '"window_minutes": 0–10080 的整数, "threshold": 数字}(或以 "limit": '
                    f'"{"|".join(LIMITS)}" 取站点自己的限值,"threshold" 为站点未填时的默认值)。'
                }
            )
        if self.scope == "station" and self.station_id is None:
            raise ValidationError({"station": "适用于单个站点的规则须选择站点。"})
        if self.scope == "kind" and not self.station_kind:
            raise ValidationError({"station_kind": "适用于某类站点的规则须选择站点类型。"})

    @property
    def max_window(self) -> int:
        return max((int(row["window_minutes"]) for row in self.levels), default=0)

    def levels_for(self, station: Station) -> list[dict]:
        """The levels for this station: a level naming a per-station ``limit`` (警戒/保证水位, a
        tank's high/high-high) takes the station's own value from its element spec, else the
        level's fixed ``threshold``; a level with neither is left out."""
        limits = {}
        if any(row.get("limit") for row in self.levels):
            for spec in station.elements:
                if spec.get("code") == self.element:
                    limits = spec.get("limits") or {}
        table = []
        for row in self.levels:
            threshold = limits.get(row["limit"]) if row.get("limit") else None
            if threshold is None:
                threshold = row.get("threshold")
            if threshold is not None:
                table.append({**row, "threshold": threshold})
        return table

    def applies_to(self, station: Station) -> bool:
        if not self.active or self.aggregate == "offline":
            return False
        if self.scope == "station":
            return self.station_id == station.pk
        if self.scope == "kind":
            return self.station_kind == station.kind
        return True


class Alarm(AuditedModel):
    """One alarm of one station under one rule. Active (未确认/已确认/已处置) from the first level
    met until no level is; at most one active alarm per station × rule."""

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.PROTECT)
    rule = models.ForeignKey(Rule, verbose_name=_("规则"), on_delete=models.PROTECT)
    element = models.CharField(_("要素"), max_length=20)
    level = models.CharField(_("当前等级"), max_length=8, choices=LEVEL_CHOICES)
    peak_level = models.CharField(_("最高等级"), max_length=8, choices=LEVEL_CHOICES)
    state = models.CharField(_("状态"), max_length=14, choices=ALARM_STATES, default="open")
    value = models.FloatField(_("触发统计值"), null=True)
    raised_at = models.DateTimeField(_("发生时间(数据时间)"))
    last_data_at = models.DateTimeField(_("最近评估数据时间"))
    cleared_at = models.DateTimeField(_("解除时间(数据时间)"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    handling_note = models.TextField(_("处置情况"), blank=True)
    escalated_at = models.DateTimeField(_("升级上报时间"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("告警")
        verbose_name_plural = _("告警")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "rule"],
                condition=~models.Q(state="cleared"),
                name="monitoring_one_active_alarm",
            )
        ]
        indexes = [models.Index(fields=["state", "level"])]

    def __str__(self):
        return f"{self.station.name} {self.rule.name} {self.get_level_display()}"

    def get_absolute_url(self):
        return reverse("monitoring:alarm", args=[self.pk])


class AlarmLevel(models.Model):
    """Each level change of an alarm: the data time that caused it, the observation, and when
    it was processed. ``level`` is empty for the clearing."""

    alarm = models.ForeignKey(Alarm, on_delete=models.PROTECT, related_name="changes")
    level = models.CharField(_("等级"), max_length=8, choices=LEVEL_CHOICES, blank=True)
    value = models.FloatField(_("统计值"), null=True)
    data_time = models.DateTimeField(_("数据时间"))
    processed_at = models.DateTimeField(_("处理时间"))
    observation = models.ForeignKey(
        Observation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,  # observations are partitioned on PostgreSQL (see Observation)
    )

    class Meta:
        ordering = ["data_time", "pk"]
        verbose_name = _("告警等级变化")
        verbose_name_plural = _("告警等级变化")

    def __str__(self):
        return f"{self.alarm_id} {self.level or '解除'} @{self.data_time:%Y-%m-%d %H:%M}"


class MonitoringSettings(AuditedModel):
    """Project defaults of the alarm board, editable by administrators (one row): after how
    many minutes an unacknowledged red alarm is escalated, and to whom (带班领导; none chosen:
    every 市局领导)."""

    escalation_minutes = models.PositiveSmallIntegerField(
        _("红色告警未确认升级时限(分钟)"), default=15
    )
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("带班领导"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("监测预警设置")
        verbose_name_plural = _("监测预警设置")

    def __str__(self):
        return "监测预警设置"


class AlarmNotice(models.Model):
    """A notification of an alarm to one person: an alarm raised or escalated, to the members of
    the station's owner (and enterprise); an unacknowledged red alarm, to the 带班领导."""

    KINDS = [
        ("raised", _("告警产生")),
        ("escalated", _("告警升级")),
        ("to_leader", _("超时未确认升级带班领导")),
    ]

    alarm = models.ForeignKey(Alarm, on_delete=models.PROTECT, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=12, choices=KINDS, default="to_leader")
    level = models.CharField(_("等级"), max_length=8, choices=LEVEL_CHOICES, blank=True)
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("通知时间"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("告警通知")
        verbose_name_plural = _("告警通知")
        indexes = [models.Index(fields=["recipient", "-created_at"], name="monitoring_notice_mine")]

    def __str__(self):
        return self.message

    def get_absolute_url(self):
        return self.alarm.get_absolute_url()


class IngestToken(AuditedModel):
    """An ingest-only token (数据接入令牌) for a device integrator: it can POST observations for
    the stations of its owner organisation, and nothing else (no other endpoint accepts it).
    It acts with the rights of the person who created it, narrowed to that owner; only the
    SHA-256 of the key is stored, the key is shown once."""

    PREFIX = "yjm_"
    name = models.CharField(_("名称"), max_length=100)
    owner = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("权属单位"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key_prefix = models.CharField(_("前缀"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("数据接入令牌")
        verbose_name_plural = _("数据接入令牌")

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ObservationImport(models.Model):
    """A CSV/xlsx file of observations being imported in steps (so that a long file shows its
    progress): the file's rows are read and kept as records once, then each step ingests the
    next chunk through the same service as the API. Rejected rows keep their file row number
    and the API's reason. Progress is bookkeeping (not a change record per step: the records
    would be copied into each); the upload, each chunk's ingest and the end are AuditEvents."""

    STATES = [("running", _("导入中")), ("done", _("已完成"))]
    file_name = models.CharField(_("文件名"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=8, choices=STATES, default="running")
    records = models.JSONField(_("待导入记录"), default=list, editable=False)
    rows = models.JSONField(_("记录所在行"), default=list, editable=False)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done = models.PositiveIntegerField(_("已处理行数"), default=0)
    accepted = models.PositiveIntegerField(_("新增"), default=0)
    duplicates = models.PositiveIntegerField(_("重复"), default=0)
    revised = models.PositiveIntegerField(_("修订"), default=0)
    quarantined = models.PositiveIntegerField(_("隔离"), default=0)
    rejected = models.JSONField(_("拒收行"), default=list, editable=False)
    alarm_changes = models.PositiveIntegerField(_("告警变化"), default=0)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("监测数据文件导入")
        verbose_name_plural = _("监测数据文件导入")

    def __str__(self):
        return f"导入 {self.file_name}"

    def get_absolute_url(self):
        return reverse("monitoring:import", args=[self.pk])

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)
