"""Typed input of the warnings services (one schema per service: the pages and the API)."""

from __future__ import annotations

from typing import Annotated, Literal

from django.utils import timezone
from pydantic import Field, field_validator, model_validator

from yingji.core.schemas import Code, DateTime, Input, LongText, Name, ShortText, text
from yingji.orgs.choices import ROLE_LABELS

AlarmId = Annotated[int, Field(ge=1, le=2_147_483_647)]
Level = Literal["red", "orange", "yellow", "blue"]
PolygonText = text(8_000)

# 兰州市's extent (WGS84, lon 102°36′–104°34′ E, lat 35°34′–37°07′ N) with a margin of about
# 5 km: a drawn polygon must lie inside it
LANZHOU_BBOX = (102.55, 35.52, 104.62, 37.17)  # (west, south, east, north)
MAX_VERTICES = 200


def parse_polygon(value: str) -> list[tuple[float, float]]:
    """CAP ``polygon`` text (``lat,lon`` pairs separated by spaces) → [(lon, lat), …] (GeoJSON
    order), checked: at least 4 points, the first equal to the last (a closed ring), every point
    inside 兰州市's extent. Raises ValueError with the Chinese reason."""
    pairs = value.split()
    if len(pairs) > MAX_VERTICES:
        raise ValueError(f"绘制范围最多 {MAX_VERTICES} 个点。")
    points = []
    for pair in pairs:
        try:
            lat_text, lon_text = pair.split(",")
            lat, lon = float(lat_text), float(lon_text)
        except ValueError:
            raise ValueError(f"绘制范围的点“{pair[:40]}”应为“纬度,经度”。") from None
        west, south, east, north = LANZHOU_BBOX
        if not (south <= lat <= north and west <= lon <= east):
            raise ValueError(f"绘制范围的点({lat:g},{lon:g})不在兰州市范围内。")
        points.append((lon, lat))
    if len(points) < 4:
        raise ValueError("绘制范围至少需要 4 个点(3 个顶点,最后一点回到起点)。")
    if points[0] != points[-1]:
        raise ValueError("绘制范围应闭合:最后一个点须与第一个点相同。")
    if len(set(points)) < 3:
        raise ValueError("绘制范围至少需要 3 个不同的顶点。")
    return points


class WarningIn(Input):
    """起草/修改预警信息 (a draft). ``regions``: GB/T 2260 codes of the affected counties or
    townships; ``jurisdiction``: the issuing area (the city, or a county) — defaults to the
    smallest area containing every affected region."""

    event_type: Code = Field(title="事件类型", description="事件类型编码,如 rainstorm")
    level: Level = Field(title="预警级别", description="red=Ⅰ级 orange=Ⅱ级 yellow=Ⅲ级 blue=Ⅳ级")
    regions: list[Code] = Field(min_length=1, max_length=200, title="影响区域")
    jurisdiction: Code | None = Field(default=None, title="发布区域(辖区)")
    headline: Name = Field(min_length=4, title="标题")
    description: LongText = Field(min_length=4, title="预警内容")
    instruction: LongText = Field(
        default="", title="防御指南", description="不填则用事件类型的模板"
    )
    effective: DateTime = Field(title="生效时间")
    onset: DateTime | None = Field(default=None, title="开始时间")
    expires: DateTime = Field(title="失效时间")
    scope: Literal["public", "internal"] = Field(default="public", title="发布范围")
    consult_at: DateTime | None = Field(default=None, title="会商时间")
    consult_participants: LongText = Field(default="", title="会商参加人员")
    consult_organisations: LongText = Field(default="", title="会商参加单位")
    consult_opinions: LongText = Field(default="", title="会商意见")
    consult_decision: LongText = Field(default="", title="会商结论")
    source_alarms: list[AlarmId] = Field(default=[], max_length=100, title="来源告警")
    polygon: PolygonText = Field(
        default="",
        title="绘制范围",
        description="CAP polygon:以空格分隔的“纬度,经度”,至少 4 个点且首尾相同,须在兰州市内",
    )
    recipient_roles: list[Code] = Field(
        default=[],
        max_length=10,
        title="按角色接收",
        description="角色编码(如 county_staff、dept_liaison、duty_officer):"
        "持有该角色人员所在、辖区与影响区域相交的单位",
    )
    recipient_orgs: list[Code] = Field(default=[], max_length=500, title="指定接收单位")
    recipient_groups: list[Name] = Field(default=[], max_length=50, title="接收分组")
    version: int | None = Field(default=None, title="版本")

    @field_validator("regions", "recipient_orgs", "recipient_groups")
    @classmethod
    def _unique(cls, value):
        return list(dict.fromkeys(value))

    @field_validator("recipient_roles")
    @classmethod
    def _roles(cls, value):
        unknown = [r for r in value if r not in ROLE_LABELS]
        if unknown:
            raise ValueError(f"角色编码不存在:{'、'.join(unknown)}。")
        return list(dict.fromkeys(value))

    @field_validator("polygon")
    @classmethod
    def _polygon(cls, value):
        if value:
            parse_polygon(value)
        return value

    @model_validator(mode="after")
    def _times(self):
        for name in ("effective", "onset", "expires", "consult_at"):
            value = getattr(self, name)
            if value is not None and (value.tzinfo is None or value.utcoffset() is None):
                # a form's datetime-local has no zone: it is local time (Asia/Shanghai)
                setattr(self, name, timezone.make_aware(value))
        if self.expires <= self.effective:
            raise ValueError("失效时间应晚于生效时间。")
        if self.onset is not None and self.onset > self.expires:
            raise ValueError("开始时间不能晚于失效时间。")
        return self


class SubmitIn(Input):
    version: int | None = Field(default=None, title="版本")


class ApproveIn(Input):
    opinion: LongText = Field(default="", title="审批意见")
    version: int | None = Field(default=None, title="版本")


class ReturnIn(Input):
    opinion: LongText = Field(min_length=2, title="退回意见")
    version: int | None = Field(default=None, title="版本")


Channel = Literal["platform", "wecom", "dingtalk", "email", "sms", "mqtt"]
ALL_CHANNELS = ["platform", "wecom", "dingtalk", "email", "sms", "mqtt"]


class ReleaseIn(Input):
    """发布: the channels (a channel without its settings is recorded as 未配置, not sent)."""

    channels: list[Channel] = Field(
        default=ALL_CHANNELS, min_length=1, max_length=6, title="发布渠道"
    )
    version: int | None = Field(default=None, title="版本")

    @field_validator("channels")
    @classmethod
    def _unique(cls, value):
        return list(dict.fromkeys(value))


class ResendIn(Input):
    """重发 to the recipient organisations that have not 签收 yet."""

    channels: list[Channel] = Field(
        default=["platform", "sms", "email"], min_length=1, max_length=6, title="重发渠道"
    )

    @field_validator("channels")
    @classmethod
    def _unique(cls, value):
        return list(dict.fromkeys(value))


class CancelIn(Input):
    reason: ShortText = Field(min_length=2, title="解除原因")
    version: int | None = Field(default=None, title="版本")


class AckIn(Input):
    version: int | None = Field(default=None, title="版本")


class DoneIn(Input):
    note: LongText = Field(min_length=2, title="落实情况")
    version: int | None = Field(default=None, title="版本")
