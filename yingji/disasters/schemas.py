"""Typed input of the 灾情报送 services (one schema per service: the pages and the API)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from ninja.files import UploadedFile
from pydantic import Field, model_validator

from yingji.core.schemas import Code, Date, DateTime, Input, LongText, Name, ShortText
from yingji.standards.disaster_stats import disaster_types, indicators

Kind = Literal[tuple(code for code, _ in disaster_types())]  # type: ignore[valid-type]
ReportKind = Literal["initial", "followup", "verified"]
People = int | None
Area = Annotated[Decimal | None, Field(default=None, ge=0, max_digits=12, decimal_places=2)]
Money = Annotated[Decimal | None, Field(default=None, ge=0, max_digits=14, decimal_places=2)]
Phone = Annotated[str, Field(pattern=r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")]


class ProcessIn(Input):
    """开启灾害过程."""

    name: Name = Field(min_length=2, title="名称")
    kind: Kind = Field(title="灾种")
    started_at: DateTime = Field(title="开始时间")
    region: Code = Field(title="牵头区划(代码)", description="市或县区的行政区划代码,如 620123")
    affected: list[Code] = Field(default=[], max_length=200, title="受影响区划(代码)")
    description: LongText = Field(default="", title="概况")


class CloseProcessIn(Input):
    """灾情稳定,结束灾害过程 (核报 deadlines count from this time)."""

    ended_at: DateTime = Field(title="结束时间(灾情稳定)")
    version: int | None = Field(default=None, title="版本")


class FiguresIn(Input):
    """The indicators of 自然灾害损失情况统计快报表; empty = not reported."""

    affected_people: People = Field(default=None, ge=0, le=100_000_000, title="受灾人口(人次)")
    deaths: People = Field(default=None, ge=0, le=1_000_000, title="因灾死亡人口(人)")
    missing: People = Field(default=None, ge=0, le=1_000_000, title="因灾失踪人口(人)")
    relocated: People = Field(default=None, ge=0, le=100_000_000, title="紧急转移安置人口(人次)")
    need_aid: People = Field(default=None, ge=0, le=100_000_000, title="需紧急生活救助人口(人次)")
    collapsed_households: People = Field(default=None, ge=0, le=10_000_000, title="倒塌房屋(户)")
    collapsed_rooms: People = Field(default=None, ge=0, le=100_000_000, title="倒塌房屋(间)")
    severe_households: People = Field(default=None, ge=0, le=10_000_000, title="严重损坏房屋(户)")
    severe_rooms: People = Field(default=None, ge=0, le=100_000_000, title="严重损坏房屋(间)")
    general_households: People = Field(default=None, ge=0, le=10_000_000, title="一般损坏房屋(户)")
    general_rooms: People = Field(default=None, ge=0, le=100_000_000, title="一般损坏房屋(间)")
    crop_affected: Area = Field(default=None, title="农作物受灾面积(公顷)")
    crop_damaged: Area = Field(default=None, title="农作物成灾面积(公顷)")
    crop_lost: Area = Field(default=None, title="农作物绝收面积(公顷)")
    direct_loss: Money = Field(default=None, title="直接经济损失(万元)")
    loss_agriculture: Money = Field(default=None, title="其中:农业损失(万元)")
    loss_industry: Money = Field(default=None, title="其中:工矿商贸业损失(万元)")
    loss_infrastructure: Money = Field(default=None, title="其中:基础设施损失(万元)")
    loss_public: Money = Field(default=None, title="其中:公共服务设施损失(万元)")
    loss_housing: Money = Field(default=None, title="其中:居民住房损失(万元)")
    loss_household: Money = Field(default=None, title="其中:家庭财产损失(万元)")
    loss_other: Money = Field(default=None, title="其中:其他损失(万元)")

    def as_dict(self) -> dict:
        """The reported figures as JSON numbers (areas and money to 2 decimals)."""
        out = {}
        for item in indicators():
            value = getattr(self, item["code"])
            if value is not None:
                out[item["code"]] = int(value) if item["kind"] == "int" else float(value)
        return out


class LossReportIn(FiguresIn):
    """报送灾情 (初报/续报/核报, or a correction of an earlier report)."""

    region: Code = Field(title="填报区划(代码)")
    kind: ReportKind = Field(title="报告类型")
    as_of: Date | None = Field(default=None, title="数据截至日期", description="续报必填")
    summary: LongText = Field(default="", title="灾情文字说明")
    warning_reason: LongText = Field(default="", title="提示说明", description="有核查提示时必填")
    corrects: int | None = Field(default=None, title="更正的报告编号")
    correction_reason: ShortText = Field(default="", title="更正原因")

    @model_validator(mode="after")
    def _rules(self):
        if self.kind == "followup" and self.as_of is None:
            raise ValueError("续报须填写数据截至日期。")
        if self.corrects is not None and len(self.correction_reason) < 2:
            raise ValueError("更正报告须说明更正原因。")
        return self


class QuickReportIn(Input):
    """信息员首报 from the phone page: what happened, where, rough figures."""

    process: int = Field(title="灾害过程")
    region: Code = Field(title="村(社区)")
    summary: LongText = Field(min_length=4, title="发生了什么")
    affected_people: People = Field(default=None, ge=0, le=1_000_000, title="受灾人口(人次)")
    deaths: People = Field(default=None, ge=0, le=100_000, title="因灾死亡人口(人)")
    missing: People = Field(default=None, ge=0, le=100_000, title="因灾失踪人口(人)")
    relocated: People = Field(default=None, ge=0, le=1_000_000, title="紧急转移安置人口(人次)")
    collapsed_households: People = Field(default=None, ge=0, le=100_000, title="倒塌房屋(户)")
    collapsed_rooms: People = Field(default=None, ge=0, le=1_000_000, title="倒塌房屋(间)")
    warning_reason: LongText = Field(default="", title="提示说明")


class ConfirmIn(Input):
    version: int | None = Field(default=None, title="版本")


class OfficerIn(Input):
    """登记灾害信息员."""

    name: Name = Field(min_length=2, max_length=50, title="姓名")
    phone: Phone = Field(title="手机号")
    region: Code = Field(title="负责区划(代码)", description="村(社区)、乡镇(街道)或县区代码")
    role: Literal["A", "B"] = Field(default="A", title="岗位")
    trained_on: Date | None = Field(default=None, title="最近培训日期")
    certificate_no: Code = Field(default="", title="证书编号")
    username: Code = Field(default="", title="平台账号(用户名)")


class DeadlinesIn(Input):
    """修改报送时限 (hours after the start for 初报, the hour of the next day for 续报, days after
    the end for 核报), per level."""

    initial_village: int = Field(ge=1, le=72, title="初报:村(社区)(小时)")
    initial_township: int = Field(ge=1, le=72, title="初报:乡镇(小时)")
    initial_county: int = Field(ge=1, le=72, title="初报:县区(小时)")
    initial_city: int = Field(ge=1, le=72, title="初报:市(小时)")
    followup_village: int = Field(ge=0, le=23, title="续报:村(社区)(次日几时前)")
    followup_township: int = Field(ge=0, le=23, title="续报:乡镇(次日几时前)")
    followup_county: int = Field(ge=0, le=23, title="续报:县区(次日几时前)")
    followup_city: int = Field(ge=0, le=23, title="续报:市(次日几时前)")
    verified_village: int = Field(ge=1, le=60, title="核报:村(社区)(天)")
    verified_township: int = Field(ge=1, le=60, title="核报:乡镇(天)")
    verified_county: int = Field(ge=1, le=60, title="核报:县区(天)")
    verified_city: int = Field(ge=1, le=60, title="核报:市(天)")
    note: ShortText = Field(min_length=2, title="修改依据")
    version: int | None = Field(default=None, title="版本")


class QuakeIn(Input):
    """快速估算地震烈度: epicentre (WGS84), Ms, depth, optional strike, model."""

    lon: float = Field(ge=70, le=140, allow_inf_nan=False, title="震中经度")
    lat: float = Field(ge=15, le=55, allow_inf_nan=False, title="震中纬度")
    magnitude: float = Field(ge=3, le=9, allow_inf_nan=False, title="震级(Ms)")
    depth: float = Field(default=10, ge=0, le=700, allow_inf_nan=False, title="震源深度(千米)")
    strike: float | None = Field(
        default=None, ge=0, lt=360, allow_inf_nan=False, title="断层走向(度,未知可不填)"
    )
    model: Literal["gb18306_qz", "gb18306_zb", "wang2000_west"] = Field(
        default="gb18306_qz", title="衰减模型"
    )


class QuakeRecordIn(QuakeIn):
    """保存一次地震烈度估算 (kept as a record, T29)."""

    occurred_at: DateTime = Field(title="发震时刻")
    place: Name = Field(default="", max_length=100, title="参考位置", description="如 榆中县附近")


class QuakeEventIn(Input):
    """由估算启动突发事件 (接报 in 应急响应, type 地震灾害)."""

    title: Name = Field(default="", max_length=100, title="事件名称", description="不填按估算生成")
    version: int | None = Field(default=None, title="版本")


class LinkEventIn(Input):
    """关联突发事件 (by its 事件编号, e.g. SJ-20260701-001)."""

    number: Code = Field(min_length=4, max_length=30, title="事件编号")
    version: int | None = Field(default=None, title="版本")


class FiguresReleaseIn(Input):
    """起草灾情信息发布稿 from the confirmed roll-up (through 应急响应's one-window release)."""

    kind: Literal["first", "follow_up"] = Field(default="follow_up", title="发布类型")
    channels: list[Literal["website", "new_media", "press_conference", "sms"]] = Field(
        default=["website"], min_length=1, max_length=4, title="发布渠道"
    )
    title: Name = Field(default="", max_length=200, title="标题", description="不填按过程生成")
    note: LongText = Field(default="", title="补充说明", description="附在数字之后")


class ReliefIn(Input):
    """登记救助 (one household)."""

    kind: Literal["transition", "winter_spring"] = Field(title="救助类型")
    process: int | None = Field(default=None, title="灾害过程", description="过渡期生活救助必填")
    region: Code = Field(title="所在村(社区)(代码)")
    head_name: Name = Field(min_length=2, max_length=50, title="户主姓名")
    persons: int = Field(ge=1, le=50, title="救助人数")
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2, title="救助金额(元)")
    paid_on: Date | None = Field(default=None, title="发放日期")
    note: ShortText = Field(default="", max_length=200, title="备注")
    warning_reason: LongText = Field(
        default="",
        title="提示说明",
        description="救助人数超过报告的需紧急生活救助人口时须说明",
    )

    @model_validator(mode="after")
    def _process(self):
        if self.kind == "transition" and self.process is None:
            raise ValueError("过渡期生活救助须选择灾害过程。")
        return self


class CasualtyIn(Input):
    """登记死亡失踪人员 (one person on a process's name list)."""

    process: int = Field(title="灾害过程")
    region: Code = Field(title="统计区划(代码)", description="死亡或失踪发生地的村(社区)、乡镇代码")
    name: Name = Field(min_length=2, max_length=50, title="姓名")
    sex: Literal["M", "F"] = Field(title="性别")
    age: int = Field(ge=0, le=120, title="年龄")
    id_number: Code = Field(default="", max_length=18, title="身份证号(可不填)")
    residence: Code = Field(default="", title="户籍(居住)地(区划代码,可不填)")
    state: Literal["dead", "missing"] = Field(title="状态")
    occurred_on: Date = Field(title="死亡(失踪)日期")
    cause: ShortText = Field(min_length=2, max_length=200, title="原因")

    @model_validator(mode="after")
    def _id(self):
        from yingji.standards.disaster_stats import resident_id_valid

        if self.id_number and not resident_id_valid(self.id_number):
            raise ValueError("身份证号不正确(应为18位,末位校验码按GB 11643计算)。")
        return self


class CasualtyChangeIn(Input):
    """变更死亡失踪人员状态 (失踪 → 死亡 or 已找到): a new version of the person."""

    state: Literal["dead", "found"] = Field(title="新状态")
    occurred_on: Date = Field(title="死亡(找到)日期")
    reason: ShortText = Field(min_length=2, max_length=200, title="变更说明")
    version: int | None = Field(default=None, title="版本")


CommunityLevel = Literal["national", "provincial", "city"]
Scores = Annotated[dict[str, int], Field(max_length=50)]
# criterion code → the note of its evidence (佐证说明); the files come with the web form
Evidence = Annotated[dict[Code, LongText], Field(max_length=50)]


class CommunityApplyIn(Input):
    """申报综合减灾示范社区: the community's self-assessment (国减发〔2020〕2号 第七条)."""

    region: Code = Field(title="社区(村)(代码)")
    level: CommunityLevel = Field(title="申报级别")
    year: int = Field(ge=2000, le=2100, title="创建年度")
    households: int | None = Field(default=None, ge=1, le=1_000_000, title="户数")
    contact: ShortText = Field(default="", max_length=100, title="联系人及电话")
    lon: float | None = Field(default=None, ge=73, le=136, title="经度(WGS84)")
    lat: float | None = Field(default=None, ge=3, le=54, title="纬度(WGS84)")
    summary: LongText = Field(default="", title="创建情况")
    conditions: list[Code] = Field(default=[], max_length=20, title="具备的基本条件")
    scores: Scores = Field(title="基本要素自评分")
    evidence: Evidence = Field(
        default={},
        title="佐证说明",
        description="每一项自评为具备或得分的创建标准须有佐证(说明或附件)",
    )

    @model_validator(mode="after")
    def _both(self):
        if (self.lon is None) != (self.lat is None):
            raise ValueError("经度和纬度须同时填写。")
        return self


class CommunityResubmitIn(Input):
    """退回后重新申报 (the self-assessment again)."""

    summary: LongText = Field(default="", title="创建情况")
    conditions: list[Code] = Field(default=[], max_length=20, title="具备的基本条件")
    scores: Scores = Field(title="基本要素自评分")
    evidence: Evidence = Field(
        default={},
        title="佐证说明",
        description="每一项自评为具备或得分的创建标准须有佐证(说明或附件,已有的可沿用)",
    )
    version: int | None = Field(default=None, title="版本")


class CommunityCountyReviewIn(Input):
    """县区初审: the county's scores (材料审核、现场核查并评分) and its decision."""

    passed: bool = Field(title="初审通过")
    scores: Scores = Field(default={}, title="县区评分", description="通过时必填")
    opinion: LongText = Field(min_length=2, title="初审意见")
    version: int | None = Field(default=None, title="版本")


class CommunityCityReviewIn(Input):
    """市级评审: 命名 (with the date and the naming document) or 不通过."""

    decision: Literal["name", "reject"] = Field(title="评审结论")
    opinion: LongText = Field(min_length=2, title="评审意见")
    named_on: Date | None = Field(default=None, title="命名日期")
    naming_doc: ShortText = Field(default="", max_length=100, title="命名文号")
    version: int | None = Field(default=None, title="版本")

    @model_validator(mode="after")
    def _named(self):
        if self.decision == "name" and self.named_on is None:
            raise ValueError("命名须填写命名日期。")
        return self


class CommunityRecheckIn(Input):
    """复核 a named community: kept, or its naming revoked (with the reason)."""

    keep: bool = Field(title="复核保留")
    opinion: LongText = Field(min_length=2, title="复核意见(撤销原因)")
    rechecked_on: Date = Field(title="复核日期")
    version: int | None = Field(default=None, title="版本")


class CommunityInspectionIn(Input):
    """督查 visit (T54: 10–12月) with its findings."""

    visited_on: Date = Field(title="督查日期")
    inspectors: Name = Field(min_length=2, title="督查人员")
    findings: LongText = Field(min_length=2, title="发现问题")
    result: Literal["good", "rectify", "failed"] = Field(title="督查结论")
    rectify_by: Date | None = Field(default=None, title="整改期限")

    @model_validator(mode="after")
    def _deadline(self):
        if self.result == "rectify" and self.rectify_by is None:
            raise ValueError("限期整改须填写整改期限。")
        if self.rectify_by is not None and self.rectify_by < self.visited_on:
            raise ValueError("整改期限不能早于督查日期。")
        return self


class ReliefImportIn(Input):
    """导入救助名单 (Excel, the template's columns; each row is then checked with ReliefIn)."""

    file: UploadedFile = Field(title="按模板填写的 Excel 文件")
    only_valid: bool = Field(default=False, title="有错误时仍导入正确的行")
    warning_reason: LongText = Field(
        default="", title="提示说明", description="救助人数超过需紧急生活救助人口时须说明"
    )


class ReliefFundIn(Input):
    """登记救灾资金:接收(来自中央、省级或其他来源)或下拨(市→县区→乡镇)."""

    process: int | None = Field(default=None, title="灾害过程")
    year: int = Field(ge=2000, le=2100, title="年度")
    purpose: Literal["emergency", "transition", "winter_spring", "rebuild", "other"] = Field(
        title="资金用途"
    )
    source: Literal["central", "province", "region", "other"] = Field(
        title="资金来源", description="本市上级区划下拨时选 region 并填拨出区划"
    )
    from_region: Code | None = Field(default=None, title="拨出区划(代码)")
    to_region: Code = Field(title="接收区划(代码)")
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2, title="金额(万元)")
    document_no: ShortText = Field(default="", max_length=60, title="文号")
    on: Date = Field(title="下达日期")
    note: ShortText = Field(default="", max_length=200, title="备注")

    @model_validator(mode="after")
    def _origin(self):
        if self.source == "region" and not self.from_region:
            raise ValueError("由本市上级区划下拨的资金须填写拨出区划。")
        if self.source != "region" and self.from_region:
            raise ValueError("只有由本市上级区划下拨的资金才填写拨出区划。")
        return self


class ReliefSupplyIn(Input):
    """登记救灾物资发放:选一条出库记录(物资、数量、单据取自台账),或手工填写."""

    process: int = Field(title="灾害过程")
    region: Code = Field(title="发放区划(代码)")
    movement: int | None = Field(
        default=None, title="出库记录", description="应急资源出库台账的记录"
    )
    item_name: ShortText = Field(default="", max_length=100, title="物资名称")
    unit: ShortText = Field(default="", max_length=20, title="计量单位")
    quantity: Decimal | None = Field(
        default=None, gt=0, max_digits=12, decimal_places=2, title="数量"
    )
    distributed_on: Date | None = Field(default=None, title="发放日期")
    note: ShortText = Field(default="", max_length=200, title="备注")

    @model_validator(mode="after")
    def _what(self):
        if self.movement is None and (not self.item_name or self.quantity is None):
            raise ValueError("未选出库记录时须填写物资名称和数量。")
        if self.movement is None and self.distributed_on is None:
            raise ValueError("未选出库记录时须填写发放日期。")
        return self
