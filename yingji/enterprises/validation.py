"""Cleaning of enterprise data, shared by the web form, the API and the Excel import: every
problem is a Chinese sentence keyed by field, so that the importer can say row + column + what."""

from __future__ import annotations

import math

from django.db.models import Q

from yingji.geo.models import Region
from yingji.geo.spatial import locate
from yingji.standards.coords import convert
from yingji.standards.ids import validate_uscc

from .choices import COORD_SYSTEMS, SCALES, SECTORS, STATUSES

# field → column label (also the Excel template's header row, in this order)
FIELD_LABELS = {
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "region": "所在县区",
    "sector": "行业类别",
    "scale": "规模",
    "employees": "从业人员数",
    "status": "经营状态",
    "legal_representative": "法定代表人",
    "principal": "主要负责人",
    "principal_phone": "主要负责人电话",
    "safety_contact": "安全管理联系人",
    "safety_phone": "安全管理联系电话",
    "address": "地址",
    "lon": "经度",
    "lat": "纬度",
    "coord_system": "坐标系",
}
REQUIRED = ("name", "uscc", "region", "sector", "lon", "lat")
TEXT_FIELDS = {
    "legal_representative": 50,
    "principal": 50,
    "principal_phone": 30,
    "safety_contact": 50,
    "safety_phone": 30,
    "address": 200,
}


def _choice(value, choices, what: str) -> tuple[str | None, str | None]:
    text = str(value).strip()
    for key, label in choices:
        if text in (key, str(label)):
            return key, None
    listed = "、".join(str(label) for _, label in choices)
    return None, f"{what}“{text}”无效,应为:{listed}"


def find_county(value) -> Region | None:
    """A county-level region by code (620104) or name (西固区 / 西固)."""
    if isinstance(value, Region):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    qs = Region.objects.filter(level="county")
    found = qs.filter(Q(code=text) | Q(name=text)).first()
    if found is None and len(text) >= 2:
        found = qs.filter(name__startswith=text).first()
    return found


def _number(value, what: str) -> tuple[float | None, str | None]:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None, f"{what}“{value}”不是数值"
    if not math.isfinite(number):
        return None, f"{what}“{value}”不是有限数值"
    return number, None


def resolve_location(lon, lat, crs: str, declared: Region) -> tuple[dict, dict]:
    """Convert to WGS84, find the district containing the point, and check it against the
    declared one. Returns (values, errors)."""
    errors: dict[str, str] = {}
    if not (70 <= lon <= 140 and 0 <= lat <= 56):
        errors["lon"] = f"坐标({lon}, {lat})不在中国境内,请检查经纬度是否填反"
        return {}, errors
    try:
        wlon, wlat = convert(lon, lat, crs, "wgs84")
    except ValueError as exc:
        errors["coord_system"] = str(exc).split(" / ")[0]
        return {}, errors
    located = locate(wlon, wlat)
    if located is None:
        errors["lon"] = f"坐标({lon:.6f}, {lat:.6f})不在本市任何县区范围内"
        return {}, errors
    if declared.boundary and located.pk != declared.pk:
        errors["region"] = (
            f"坐标({lon:.6f}, {lat:.6f})位于{located.name},与申报的所在县区“{declared.name}”不一致"
        )
        return {}, errors
    return {
        "lon": round(wlon, 7),
        "lat": round(wlat, 7),
        "coord_source": crs,
        "located_region": located,
    }, errors


def clean_enterprise_data(raw: dict, *, partial: bool = False) -> tuple[dict, dict]:
    """Validate raw values (strings or typed). Returns (clean, errors) with errors keyed by field.

    partial=True: only the keys present are checked (an update); the location is checked when
    any of region/lon/lat/coord_system is present, and then all of region, lon and lat are needed.
    """
    clean: dict = {}
    errors: dict[str, str] = {}

    def present(key):
        value = raw.get(key)
        return value is not None and str(value).strip() != ""

    for key in REQUIRED:
        if not partial and not present(key):
            errors[key] = f"{FIELD_LABELS[key]}不能为空"
    if present("name"):
        name = str(raw["name"]).strip()
        if len(name) > 200:
            errors["name"] = "企业名称不能超过200字"
        clean["name"] = name
    if present("uscc"):
        result = validate_uscc(str(raw["uscc"]))
        if result.valid:
            clean["uscc"] = result.normalized
        else:
            errors["uscc"] = "统一社会信用代码“{}”有误:{}".format(
                str(raw["uscc"]).strip(), ";".join(result.errors)
            )
    if present("sector"):
        clean["sector"], err = _choice(raw["sector"], SECTORS, "行业类别")
        if err:
            errors["sector"] = err
    if present("scale"):
        clean["scale"], err = _choice(raw["scale"], SCALES, "规模")
        if err:
            errors["scale"] = err
    if present("status"):
        clean["status"], err = _choice(raw["status"], STATUSES, "经营状态")
        if err:
            errors["status"] = err
    if present("employees"):
        number, err = _number(raw["employees"], "从业人员数")
        if err or number is None or number < 0 or number != int(number):
            errors["employees"] = err or f"从业人员数“{raw['employees']}”应为非负整数"
        else:
            clean["employees"] = int(number)
    for key, limit in TEXT_FIELDS.items():
        if key in raw and raw[key] is not None:
            text = str(raw[key]).strip()
            if len(text) > limit:
                errors[key] = f"{FIELD_LABELS[key]}不能超过{limit}字"
            clean[key] = text[:limit]

    wants_location = not partial or any(present(k) for k in ("region", "lon", "lat"))
    if wants_location:
        region = find_county(raw.get("region")) if present("region") else None
        if present("region") and region is None:
            errors["region"] = f"所在县区“{raw['region']}”不是本市的县区(可填代码如620104或名称)"
        elif partial and region is None:
            errors["region"] = "修改坐标时须同时给出所在县区"
        crs = "wgs84"
        if present("coord_system"):
            text = str(raw["coord_system"]).strip()
            key = text.lower().replace("-", "").replace("_", "").replace(" ", "")
            if key in dict(COORD_SYSTEMS):
                crs = key
            else:
                crs = None
                errors["coord_system"] = f"坐标系“{text}”无效,应为 WGS84、GCJ-02 或 BD-09"
        lon = lat = None
        if present("lon"):
            lon, err = _number(raw["lon"], "经度")
            if err:
                errors["lon"] = err
        elif partial:
            errors["lon"] = "经度不能为空"
        if present("lat"):
            lat, err = _number(raw["lat"], "纬度")
            if err:
                errors["lat"] = err
        elif partial:
            errors["lat"] = "纬度不能为空"
        if region is not None and lon is not None and lat is not None and crs:
            values, loc_errors = resolve_location(lon, lat, crs, region)
            errors.update(loc_errors)
            clean.update(values)
            clean["region"] = region
    return clean, errors
