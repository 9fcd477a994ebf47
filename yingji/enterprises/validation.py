"""Validation of enterprise data, shared by the services, the API, the web pages and the Excel
import. Two steps:

1. the schema (``schemas.EnterpriseIn`` / ``EnterpriseProfileIn``) types the input: text
   lengths and control characters, choices (key or label), numbers, the USCC check character.
   The API and the pages do this at the edge; a service given a plain dict does it with
   :func:`typed`;
2. :func:`clean_enterprise_data` checks what needs the database: the declared district, the
   coordinates (converted to WGS84) inside it. Every problem is a Chinese sentence keyed by
   field, so that the importer can say row + column + what.
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.errors import ValidationFailed
from yingji.core.schemas import summary, validate
from yingji.geo.models import Region
from yingji.geo.spatial import locate
from yingji.standards.coords import convert

from .schemas import EnterpriseIn

# field → column label (also the Excel template's header row, in this order): the schema's titles
FIELD_LABELS = {name: info.title for name, info in EnterpriseIn.model_fields.items()}
REQUIRED = tuple(name for name, info in EnterpriseIn.model_fields.items() if info.is_required())
LOCATION_FIELDS = ("region", "lon", "lat", "coord_system")
NOT_PROFILE = (*LOCATION_FIELDS, "version")


def typed(schema, data):
    """A service's input as its schema: an instance as it is; a dict (a test, the import,
    another app) validated by the schema, and refused with the same field messages as the API
    (``details["fields"]``: field → message)."""
    if isinstance(data, schema):
        return data
    if hasattr(data, "model_dump"):
        data = data.model_dump(exclude_unset=True)
    parsed = validate(schema, data)
    if not parsed.ok:
        raise ValidationFailed(
            summary(parsed.errors), details={"fields": parsed.by_field, "errors": parsed.errors}
        )
    return parsed.data


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


def _declared_region(text: str | None, *, partial: bool) -> tuple[Region | None, str | None]:
    if not text:
        return None, "修改坐标时须同时给出所在县区" if partial else "所在县区不能为空"
    region = find_county(text)
    if region is None:
        return None, f"所在县区“{text}”不是本市的县区(可填代码如620104或名称)"
    return region, None


def check_location(data, *, partial: bool = False) -> tuple[dict, dict]:
    """The district and coordinates of typed input (``EnterpriseIn``, ``LocationIn`` or
    ``EnterpriseProfileIn``) → (model values: region, WGS84 lon/lat, coord_source,
    located_region; errors by field). An update (``partial``) that gives none of the district
    and the coordinates leaves them alone; one that gives any needs all three."""
    lon, lat = data.lon, data.lat
    if partial and data.region is None and lon is None and lat is None:
        return {}, {}
    errors: dict[str, str] = {}
    region, problem = _declared_region(data.region, partial=partial)
    if problem:
        errors["region"] = problem
    if lon is None:
        errors["lon"] = "经度不能为空"
    if lat is None:
        errors["lat"] = "纬度不能为空"
    if errors:
        return {}, errors
    values, errors = resolve_location(lon, lat, data.coord_system or "wgs84", region)
    if not errors:
        values["region"] = region
    return values, errors


def clean_enterprise_data(data, *, partial: bool = False) -> tuple[dict, dict]:
    """Typed input (``EnterpriseIn``, or ``EnterpriseProfileIn`` with ``partial=True``: only
    the fields given) → (values for the model, errors by field)."""
    values = {
        key: value
        for key, value in data.model_dump().items()
        if value is not None and key not in NOT_PROFILE
    }
    place, errors = check_location(data, partial=partial)
    return values | place, errors
