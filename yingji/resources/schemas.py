"""Typed input of the resources services (one schema per service: the pages and the API)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from yingji.core.schemas import Code, Date, DateTime, Input, Name, ShortText

Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Level = Literal["city", "county", "township", "village", "enterprise", "merchant"]
Crs = Literal["wgs84", "gcj02", "bd09"]
Quantity = Annotated[int, Field(ge=1, le=10_000_000)]


class SiteIn(Input):
    """登记储备库(点). Coordinates in WGS84 unless ``crs`` says GCJ-02 or BD-09."""

    code: Code = Field(min_length=2, pattern=r"^[A-Za-z0-9_.\-]+$", title="储备库编码")
    name: Name = Field(min_length=2, title="储备库(点)名称")
    level: Level = Field(title="级别")
    owner: Code | None = Field(default=None, title="管理单位编码", description="不填为本人单位")
    address: Name = Field(min_length=2, title="地址")
    lon: Lon = Field(title="经度")
    lat: Lat = Field(title="纬度")
    crs: Crs = Field(default="wgs84", title="坐标系")
    area_m2: int | None = Field(default=None, ge=0, le=10_000_000, title="库房面积(平方米)")
    managers: Name = Field(default="", title="管理人员")
    duty_phone: Code = Field(default="", title="24小时值班电话")
    opening: ShortText = Field(default="", title="启用条件")


class MovementIn(Input):
    """登记一笔出入库. ``adjust`` (盘点调整) takes ``counted``, the quantity found, instead of
    ``quantity``; the ledger records the difference. An outbound movement without a batch takes
    the earliest-expiring batches first."""

    kind: Literal["in", "out", "lend", "return", "scrap", "adjust"] = Field(title="类型")
    item: Code = Field(title="物资编码")
    quantity: Quantity | None = Field(default=None, title="数量")
    counted: int | None = Field(default=None, ge=0, le=10_000_000, title="盘点实有数量")
    batch: Code = Field(default="", title="批次")
    expires_on: Date | None = Field(default=None, title="有效期至")
    document_no: Code = Field(min_length=1, title="单据号")
    reason: ShortText = Field(min_length=2, title="事由")
    counterparty: Name = Field(default="", title="对方单位/人")
    occurred_at: DateTime | None = Field(default=None, title="发生时间", description="不填为现在")

    @model_validator(mode="after")
    def _amount(self):
        if self.kind == "adjust":
            if self.counted is None:
                raise ValueError("盘点调整须填写盘点实有数量。")
        elif self.quantity is None:
            raise ValueError("请填写数量。")
        return self


class TransferIn(Input):
    """调拨: one movement out of this site and one into the destination, together or not at all."""

    to_site: Code = Field(title="调入储备库编码")
    item: Code = Field(title="物资编码")
    quantity: Quantity = Field(title="数量")
    document_no: Code = Field(min_length=1, title="调拨单号")
    reason: ShortText = Field(min_length=2, title="事由")
    occurred_at: DateTime | None = Field(default=None, title="发生时间")


class MinimumIn(Input):
    item: Code = Field(title="物资编码")
    minimum: int = Field(ge=0, le=10_000_000, title="最低储备量")

    @field_validator("item")
    @classmethod
    def _strip(cls, value):
        return value.strip()


# --- forces ---------------------------------------------------------------------------------
RecordLevel = Literal["city", "county", "township"]


class PlacedIn(Input):
    """What every forces record takes: level, keeper, place (point or county), contact."""

    level: RecordLevel = Field(title="级别")
    owner: Code | None = Field(default=None, title="管理单位编码", description="不填为本人单位")
    lon: Lon | None = Field(default=None, title="经度")
    lat: Lat | None = Field(default=None, title="纬度")
    crs: Crs = Field(default="wgs84", title="坐标系")
    region: Code | None = Field(default=None, title="所在县区编码", description="无坐标时填写")
    contact: Name = Field(default="", title="联系人")
    phone: Code = Field(default="", title="联系电话")

    @model_validator(mode="after")
    def _place(self):
        if (self.lon is None) != (self.lat is None):
            raise ValueError("经度和纬度须同时填写。")
        if self.lon is None and not self.region:
            raise ValueError("请填写坐标或所在县区。")
        return self


class TeamIn(PlacedIn):
    name: Name = Field(min_length=2, title="队伍名称")
    kind: Literal["fire", "forest", "professional", "social", "grassroots", "agreement"] = Field(
        title="队伍类别"
    )
    specialty: Literal[
        "general",
        "hazchem",
        "mine",
        "geohazard",
        "earthquake",
        "water",
        "forest",
        "aviation",
        "medical",
        "power",
    ] = Field(title="专业方向")
    headcount: int = Field(ge=1, le=100_000, title="人数")
    equipment: ShortText = Field(default="", title="主要装备")
    capabilities: ShortText = Field(default="", title="救援能力")
    readiness: Literal["ready", "limited", "unavailable"] = Field(default="ready", title="战备状态")
    funding_wan: float | None = Field(
        default=None, ge=0, le=1_000_000, title="年度运行维护经费(万元)"
    )


class AgreementLineIn(Input):
    """One item an agreement holds for the city (协议储备明细)."""

    item: Code = Field(min_length=1, title="物资编码")
    quantity: int = Field(ge=1, le=10_000_000, title="协议储备数量")
    response_hours: int | None = Field(
        default=None, ge=0, le=720, title="响应时限(小时)", description="空:按协议的响应时限"
    )


class AgreementIn(PlacedIn):
    title: Name = Field(min_length=2, title="协议名称")
    kind: Literal["aviation", "medical", "power", "supplies", "equipment"] = Field(title="协议类别")
    partner: Name = Field(min_length=2, title="协议单位")
    content: ShortText = Field(min_length=2, title="保障内容")
    response_hours: int | None = Field(default=None, ge=0, le=720, title="响应时限(小时)")
    valid_from: Date = Field(title="生效日期")
    valid_until: Date = Field(title="有效期至")
    lines: list[AgreementLineIn] = Field(
        default_factory=list,
        max_length=200,
        title="协议储备明细",
        description="每行一种物资:编码、数量、响应时限(小时,可空);协议储备可在调运时调用",
    )
    # the API's first form (one item per agreement), still taken: the same as one line
    item: Code = Field(
        default="",
        title="协议储备物资",
        description="(旧写法,等同 lines 中的一行)物资编码",
        json_schema_extra={"deprecated": True},
    )
    quantity: Annotated[int, Field(ge=1, le=10_000_000)] | None = Field(
        default=None,
        title="协议储备数量",
        description="(旧写法,等同 lines 中的一行)",
        json_schema_extra={"deprecated": True},
    )

    @model_validator(mode="after")
    def _dates(self):
        if self.valid_until < self.valid_from:
            raise ValueError("有效期至不能早于生效日期。")
        if bool(self.item) != (self.quantity is not None):
            raise ValueError("协议储备物资和数量须同时填写。")
        if self.item:
            if self.lines:
                raise ValueError("协议储备请只用“协议储备明细”(lines)填写,不要同时填物资和数量。")
            self.lines = [AgreementLineIn(item=self.item, quantity=self.quantity)]
            self.item, self.quantity = "", None
        codes = [line.item for line in self.lines]
        if len(codes) != len(set(codes)):
            raise ValueError("协议储备明细中同一物资只能有一行。")
        return self


class ExpertIn(PlacedIn):
    name: Name = Field(min_length=2, title="姓名")
    specialty: Name = Field(min_length=2, title="专业领域")
    organisation_name: Name = Field(min_length=2, title="工作单位")
    title: Name = Field(default="", title="职称/职务")
    available: bool = Field(default=True, title="可随时响应")


class ShelterIn(PlacedIn):
    name: Name = Field(min_length=2, title="避难场所名称")
    kind: Literal["emergency", "fixed", "central"] = Field(title="类型")
    capacity: int = Field(ge=1, le=10_000_000, title="可容纳人数")
    area_m2: int | None = Field(default=None, ge=0, le=100_000_000, title="有效避难面积(平方米)")
    facilities: ShortText = Field(default="", title="配套设施")
    address: Name = Field(default="", title="地址")


class EvaluationIn(Input):
    """社会应急力量年度评估: one score per item of the scheme."""

    year: int = Field(ge=2000, le=2100, title="年度")
    scores: dict[str, float] = Field(title="分项得分")
    remarks: ShortText = Field(default="", title="评语")


class EvaluationPublishIn(Input):
    """发布 the year's result of the evaluation of social rescue forces."""

    year: int = Field(ge=2000, le=2100, title="年度")


# --- requests and dispatch ------------------------------------------------------------------


class RequestLineIn(Input):
    item: Code = Field(title="物资编码")
    quantity: Quantity = Field(title="数量")


class ForceLineIn(Input):
    """How many teams of a specialty (SPECIALTIES) or items of an equipment category."""

    category: Code = Field(title="专业/装备类别")
    count: Annotated[int, Field(ge=1, le=50)] = Field(title="数量(支/台套)")


class RequestIn(Input):
    """提出物资需求: items and quantities to a place (a point), needed by a time."""

    destination: Name = Field(min_length=2, title="送达地点")
    lon: Lon = Field(title="经度")
    lat: Lat = Field(title="纬度")
    crs: Crs = Field(default="wgs84", title="坐标系")
    needed_by: DateTime = Field(title="需送达时间")
    event: Name = Field(default="", title="关联事件")
    reason: ShortText = Field(min_length=2, title="用途说明")
    lines: list[RequestLineIn] = Field(default=[], max_length=20, title="物资明细")
    teams: list[ForceLineIn] = Field(default=[], max_length=10, title="救援队伍")
    equipment: list[ForceLineIn] = Field(default=[], max_length=10, title="应急装备")

    @field_validator("lines")
    @classmethod
    def _distinct(cls, lines):
        codes = [line.item for line in lines]
        if len(codes) != len(set(codes)):
            raise ValueError("同一物资只能填写一行。")
        return lines

    @model_validator(mode="after")
    def _forces(self):
        from .choices import EQUIPMENT_CATEGORIES, SPECIALTIES

        for field, choices, label in (
            ("teams", SPECIALTIES, "队伍专业"),
            ("equipment", EQUIPMENT_CATEGORIES, "装备类别"),
        ):
            known = dict(choices)
            codes = [line.category for line in getattr(self, field)]
            unknown = [c for c in codes if c not in known]
            if unknown:
                raise ValueError(f"没有{label}“{unknown[0]}”。")
            if len(codes) != len(set(codes)):
                raise ValueError(f"同一{label}只能填写一行。")
        if not (self.lines or self.teams or self.equipment):
            raise ValueError("请至少填写一项物资、队伍或装备。")
        return self


class DecisionIn(Input):
    """审批/调运/签收/取消: the version the user saw, and an optional note."""

    note: ShortText = Field(default="", title="说明")
    version: int | None = Field(default=None, title="版本")


# --- editing forces records (the same fields, and the version the user saw) -----------------


class TeamEditIn(TeamIn):
    version: int | None = Field(default=None, title="版本")


class AgreementEditIn(AgreementIn):
    version: int | None = Field(default=None, title="版本")


class ExpertEditIn(ExpertIn):
    version: int | None = Field(default=None, title="版本")


class ShelterEditIn(ShelterIn):
    version: int | None = Field(default=None, title="版本")


# --- equipment (装备台账) ---------------------------------------------------------------------
EquipmentCategory = Literal[
    "engineering",
    "drainage",
    "power",
    "communication",
    "reconnaissance",
    "rescue",
    "water",
    "vehicle",
    "other",
]


class EquipmentIn(PlacedIn):
    """登记应急装备. Held at a reserve site (``site``) or by a team (``team``): its place is
    theirs; otherwise give coordinates or the county."""

    code: Code = Field(min_length=2, pattern=r"^[A-Za-z0-9_.\-]+$", title="装备编号")
    name: Name = Field(min_length=2, title="装备名称")
    category: EquipmentCategory = Field(title="装备类别")
    model_spec: Name = Field(default="", title="规格型号")
    serial_no: Code = Field(default="", title="出厂编号")
    quantity: int = Field(default=1, ge=1, le=100_000, title="数量")
    unit: Code = Field(default="台", min_length=1, max_length=10, title="单位")
    source: Literal["own", "agreement"] = Field(default="own", title="来源")
    site: Code | None = Field(default=None, title="存放储备库编码")
    team: int | None = Field(default=None, ge=1, title="配属队伍编号")
    interval_days: int | None = Field(default=None, ge=1, le=3650, title="保养周期(天)")
    last_maintained_on: Date | None = Field(default=None, title="上次保养日期")
    remarks: ShortText = Field(default="", title="备注")

    @model_validator(mode="after")
    def _place(self):
        if (self.lon is None) != (self.lat is None):
            raise ValueError("经度和纬度须同时填写。")
        if self.site and self.team:
            raise ValueError("存放储备库和配属队伍只能填一个。")
        if self.lon is None and not self.region and not self.site and not self.team:
            raise ValueError("请填写存放储备库、配属队伍、坐标或所在县区之一。")
        if self.serial_no and self.quantity != 1:
            raise ValueError("有出厂编号的装备按台(件)登记,数量应为 1。")
        return self


class EquipmentEditIn(EquipmentIn):
    version: int | None = Field(default=None, title="版本")


class MaintenanceIn(Input):
    """登记一次保养/检测/维修/报废. ``status_after`` is the item's state afterwards (报废 makes
    it 报废 whatever is given)."""

    kind: Literal["maintain", "inspect", "repair", "scrap"] = Field(title="类型")
    performed_on: Date = Field(title="日期")
    description: ShortText = Field(min_length=2, title="内容")
    performed_by: Name = Field(default="", title="实施单位/人")
    cost: float | None = Field(default=None, ge=0, le=100_000_000, title="费用(元)")
    status_after: Literal["good", "repair"] = Field(default="good", title="处理后状态")
    version: int | None = Field(default=None, title="版本")


# --- coverage targets ------------------------------------------------------------------------


class ReserveTargetIn(Input):
    """设置储备目标: a county (or the city, for the 市级 reserves), an item, the quantity the
    bureau wants held there (0 = no target)."""

    region: Code = Field(title="县区编码")
    item: Code = Field(title="物资编码")
    quantity: int = Field(ge=0, le=100_000_000, title="储备目标")
    basis: ShortText = Field(default="", title="依据/说明")


# --- returns, linkage partners ----------------------------------------------------------------


class SupplyReturnIn(Input):
    """归还 of reusable items dispatched with a request (one allocation): how many come back in
    use, how many are damaged or lost (报废), why."""

    allocation: int = Field(title="调运分配")
    returned: Annotated[int, Field(ge=0, le=10_000_000)] = Field(default=0, title="归还完好数量")
    scrapped: Annotated[int, Field(ge=0, le=10_000_000)] = Field(default=0, title="损坏/丢失数量")
    reason: ShortText = Field(min_length=2, title="说明")

    @model_validator(mode="after")
    def _something(self):
        if self.returned + self.scrapped == 0:
            raise ValueError("请填写归还或损耗数量。")
        return self


class ForceReturnIn(Input):
    """A team back (归队) or an item of equipment returned, and the state it came back in."""

    assignment: int = Field(title="调派记录")
    condition: Literal["good", "repair", "scrapped"] = Field(default="good", title="归还状况")
    note: ShortText = Field(default="", title="说明")


class LinkageCallIn(Input):
    """请求物资联动: ask a partner for what the city's reserves cannot cover."""

    partner: int = Field(title="联动单位")
    content: ShortText = Field(min_length=2, title="请求内容")


class PartnerIn(Input):
    """登记物资联动单位 and its 联动清单."""

    name: Name = Field(min_length=2, title="联动单位")
    contact: Name = Field(default="", title="联络人")
    phone: Code = Field(default="", title="联系电话")
    duty_phone: Code = Field(default="", title="24小时值班电话")
    provides: ShortText = Field(min_length=2, title="联动保障内容")
    items: list[Code] = Field(default=[], max_length=50, title="可协调物资(编码)")
    sort: Annotated[int, Field(ge=0, le=999)] = Field(default=0, title="排序")


class PartnerEditIn(PartnerIn):
    version: int | None = Field(default=None, title="版本")


class ArrivalIn(Input):
    """到达 of some lines of a dispatched request (partial arrivals): the allocations (物资),
    call-offs (协议储备) and assignments (队伍装备) that arrived."""

    allocations: list[int] = Field(default_factory=list, max_length=500, title="已到达物资")
    calls: list[int] = Field(default_factory=list, max_length=500, title="已到达协议储备")
    assignments: list[int] = Field(default_factory=list, max_length=500, title="已到达队伍装备")
    note: ShortText = Field(default="", title="说明")
    version: int | None = Field(default=None, title="版本")


class PositionIn(Input):
    """A position of a dispatch on the road (在途): entered, or sent with a personal token."""

    lon: Lon = Field(title="经度")
    lat: Lat = Field(title="纬度")
    crs: Crs = Field(default="wgs84", title="坐标系")
    reported_at: DateTime | None = Field(default=None, title="定位时间", description="不填为现在")
    carrier: Name = Field(default="", title="车辆/队伍", description="车牌号或队伍名称")
    note: Name = Field(default="", title="说明")
