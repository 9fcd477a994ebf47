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
