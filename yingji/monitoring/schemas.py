"""Typed input of the monitoring services (one schema per service: the pages and the API)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from yingji.core.schemas import Code, Date, DateTime, Input, LongText, Name, ShortText

from .choices import element_catalogue

Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Kind = Literal["rain", "water", "weather", "geohazard", "seismic", "tank", "gas", "tailings"]
Crs = Literal["wgs84", "gcj02", "bd09"]

MAX_BATCH = 10_000
Limit = Annotated[float, Field(allow_inf_nan=False)]


class ElementSpec(Input):
    """One element a station measures; unit, interval and range default to the catalogue."""

    code: Code = Field(title="要素编码", description="rain、water_level、gas_lel……")
    interval: int | None = Field(default=None, ge=1, le=1440, title="上报间隔(分钟)")
    min: float | None = Field(default=None, allow_inf_nan=False, title="合理下限")
    max: float | None = Field(default=None, allow_inf_nan=False, title="合理上限")
    limits: dict[Literal["warning", "guarantee", "high", "high_high"], Limit] | None = Field(
        default=None,
        title="站点限值",
        description="告警规则可引用的本站限值:warning 警戒水位、guarantee 保证水位、"
        "high 高液位、high_high 高高液位",
    )

    @field_validator("code")
    @classmethod
    def _known(cls, value):
        if value not in element_catalogue():
            known = "、".join(element_catalogue())
            raise ValueError(f"未知的监测要素“{value}”,应为 {known} 之一。")
        return value

    @model_validator(mode="after")
    def _range(self):
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError("合理下限应小于合理上限。")
        return self

    def resolved(self) -> dict:
        base = element_catalogue()[self.code]
        spec = {
            "code": self.code,
            "unit": base["unit"],
            "interval": self.interval or base["interval"],
            "min": base["min"] if self.min is None else self.min,
            "max": base["max"] if self.max is None else self.max,
        }
        if self.limits:
            spec["limits"] = dict(self.limits)
        return spec


def _unique_elements(elements: list[ElementSpec] | None):
    if elements is None:
        return None
    codes = [e.code for e in elements]
    if len(codes) != len(set(codes)):
        raise ValueError("监测要素不能重复。")
    return elements


class StationIn(Input):
    """登记监测站点. Coordinates in WGS84 unless ``crs`` says GCJ-02 (高德/腾讯) or BD-09 (百度)."""

    code: Code = Field(min_length=2, pattern=r"^[A-Za-z0-9_.\-]+$", title="站点编码")
    name: Name = Field(min_length=2, title="站点名称")
    kind: Kind = Field(title="类型")
    lon: Lon = Field(title="经度")
    lat: Lat = Field(title="纬度")
    crs: Crs = Field(default="wgs84", title="坐标系")
    elements: list[ElementSpec] = Field(min_length=1, max_length=20, title="监测要素")
    owner: Code | None = Field(default=None, title="权属单位编码", description="不填为本人所在单位")
    enterprise: Code | None = Field(
        default=None, title="所属企业", description="企业的机构编码,如 DEMO-ENT-620104-01"
    )
    hazard_unit: int | None = Field(default=None, title="重大危险源编号")
    installed_on: Date | None = Field(default=None, title="安装日期")

    @field_validator("elements")
    @classmethod
    def _elements(cls, value):
        return _unique_elements(value)


class StationPatch(Input):
    """修改站点: only the fields given change."""

    name: Name | None = Field(default=None, min_length=2, title="站点名称")
    kind: Kind | None = Field(default=None, title="类型")
    lon: Lon | None = Field(default=None, title="经度")
    lat: Lat | None = Field(default=None, title="纬度")
    crs: Crs = Field(default="wgs84", title="坐标系")
    elements: list[ElementSpec] | None = Field(
        default=None, min_length=1, max_length=20, title="监测要素"
    )
    installed_on: Date | None = Field(default=None, title="安装日期")
    disabled: bool | None = Field(default=None, title="停用")
    disabled_reason: ShortText | None = Field(default=None, title="停用原因")
    version: int | None = Field(default=None, title="版本")

    @field_validator("elements")
    @classmethod
    def _elements(cls, value):
        return _unique_elements(value)

    @model_validator(mode="after")
    def _both(self):
        if (self.lon is None) != (self.lat is None):
            raise ValueError("经度和纬度须同时填写。")
        if self.disabled and not self.disabled_reason:
            raise ValueError("停用站点须说明原因。")
        return self


class ObservationBatchIn(Input):
    """A batch of observations: each record is checked on its own (a bad record is refused
    with its index and reason, the rest are kept), so records are taken as given here."""

    observations: list[Any] = Field(title="观测数据")


class AcknowledgeIn(Input):
    version: int | None = Field(default=None, title="版本")


class HandleIn(Input):
    note: LongText = Field(min_length=2, title="处置情况")
    version: int | None = Field(default=None, title="版本")


class MonitoringSettingsIn(Input):
    """监测预警设置 (project defaults, administrators)."""

    escalation_minutes: int = Field(ge=1, le=1440, title="红色告警未确认升级时限(分钟)")
    leaders: list[int] = Field(default_factory=list, max_length=50, title="带班领导")
    version: int | None = Field(default=None, title="版本")


class IngestTokenIn(Input):
    """A 数据接入令牌 for the stations of one owner organisation."""

    name: Name = Field(min_length=2, title="令牌名称")
    owner: Code = Field(title="权属单位编码", description="只能上报该单位所属站点的数据")
    expires_at: DateTime | None = Field(default=None, title="有效期至")
