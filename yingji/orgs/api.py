from ninja import Router, Schema

from yingji.core.permissions import get_restricted_or_404, restrict

from .models import Organisation
from .services import do_rename_organisation

router = Router(tags=["组织机构"])


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    region_code: str
    is_active: bool
    is_demo: bool
    aliases: list[dict]
    version: int


def org_out(o: Organisation) -> dict:
    return {
        "id": o.pk,
        "code": o.code,
        "name": o.name,
        "kind": o.kind,
        "kind_label": o.get_kind_display(),
        "parent_id": o.parent_id,
        "region_code": o.region.code,
        "is_active": o.is_active,
        "is_demo": o.is_demo,
        "aliases": [{"name": a.name, "confirmed": a.confirmed} for a in o.aliases.all()],
        "version": o.version,
    }


@router.get("/organisations", response=list[OrgOut], summary="组织机构(按权限过滤)")
def list_orgs(request, kind: str | None = None, region: str | None = None, q: str | None = None):
    qs = restrict(
        Organisation.objects.select_related("region").prefetch_related("aliases"), request.user
    )
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region__path__contains=f"/{region}/")
    if q:
        qs = qs.filter(name__contains=q)
    return [org_out(o) for o in qs.order_by("path")]


@router.get("/organisations/{org_id}", response=OrgOut, summary="单个组织机构")
def get_org(request, org_id: int):
    return org_out(
        get_restricted_or_404(
            Organisation.objects.select_related("region"), request.user, pk=org_id
        )
    )


class RenameIn(Schema):
    name: str
    version: int


@router.post("/organisations/{org_id}/rename", response=OrgOut, summary="机构更名(原名保留为别名)")
def rename_org(request, org_id: int, payload: RenameIn):
    org = get_restricted_or_404(Organisation.objects.all(), request.user, pk=org_id)
    org = do_rename_organisation(
        actor=request.user,
        organisation=org,
        new_name=payload.name,
        expected_version=payload.version,
    )
    return org_out(Organisation.objects.select_related("region").get(pk=org.pk))
