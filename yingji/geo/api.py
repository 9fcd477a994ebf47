from django.db.models import Q
from django.http import HttpResponse
from ninja import Router, Schema

from yingji.core.api import page
from yingji.core.errors import ValidationFailed
from yingji.core.permissions import get_restricted_or_404, restrict
from yingji.core.schemas import FeatureCollection

from .models import Region
from .spatial import boundaries_geojson, locate

router = Router(tags=["行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    code_system: str
    is_functional_zone: bool
    parent_code: str | None
    centroid: list[float] | None = None

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_centroid(obj):
        return [obj.centroid_lon, obj.centroid_lat] if obj.centroid_lon is not None else None


@router.get("/regions", response=list[RegionOut], summary="行政区划(可按层级、上级、名称筛选)")
def list_regions(
    request,
    level: str | None = None,
    parent: str | None = None,
    q: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    *,
    response: HttpResponse,
):
    qs = restrict(Region.objects.select_related("parent"), request.user)
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    # Regions are small rows and a client often wants a whole level: a larger default page.
    return page(qs.order_by("code"), response, limit, offset, default=2000)


@router.get(
    "/regions/boundaries",
    response=FeatureCollection,
    summary="县区边界(GeoJSON FeatureCollection, WGS84)",
)
def region_boundaries(request):
    qs = restrict(Region.objects.filter(boundary__isnull=False), request.user).order_by("code")
    return boundaries_geojson(qs)


class LocateOut(Schema):
    found: bool
    region: RegionOut | None


@router.get("/regions/locate", response=LocateOut, summary="坐标所在县区")
def locate_point(request, lon: float, lat: float, crs: str = "wgs84"):
    if crs not in ("wgs84", "gcj02", "bd09"):
        raise ValidationFailed("坐标系只能是 wgs84、gcj02 或 bd09。", details={"field": "crs"})
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationFailed("经纬度超出范围。", details={"lon": lon, "lat": lat})
    region = locate(lon, lat, crs)
    return {"found": region is not None, "region": region}


@router.get("/regions/{code}", response=RegionOut, summary="单个行政区划")
def get_region(request, code: str):
    return get_restricted_or_404(Region.objects.select_related("parent"), request.user, code=code)
