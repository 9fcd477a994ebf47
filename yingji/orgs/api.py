from django.http import HttpResponse
from ninja import Field, Router, Schema

from yingji.core.api import page
from yingji.core.permissions import get_restricted_or_404, restrict

from .models import Organisation
from .schemas import RenameIn
from .services import do_rename_organisation

router = Router(tags=["组织机构"])


class AliasOut(Schema):
    name: str
    confirmed: bool


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    parent_id: int | None
    region_code: str = Field(alias="region.code")
    is_active: bool
    is_demo: bool
    aliases: list[AliasOut]
    version: int

    @staticmethod
    def resolve_aliases(obj):
        return list(obj.aliases.all())


@router.get("/organisations", response=list[OrgOut], summary="组织机构(按权限过滤)")
def list_orgs(
    request,
    response: HttpResponse,
    kind: str | None = None,
    region: str | None = None,
    q: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    qs = restrict(
        Organisation.objects.select_related("region").prefetch_related("aliases"), request.user
    )
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region__path__contains=f"/{region}/")
    if q:
        qs = qs.filter(name__contains=q)
    return page(qs.order_by("path"), response, limit, offset)


@router.get("/organisations/{org_id}", response=OrgOut, summary="单个组织机构")
def get_org(request, org_id: int):
    return get_restricted_or_404(
        Organisation.objects.select_related("region"), request.user, pk=org_id
    )


@router.post("/organisations/{org_id}/rename", response=OrgOut, summary="机构更名(原名保留为别名)")
def rename_org(request, org_id: int, payload: RenameIn):
    org = get_restricted_or_404(Organisation.objects.all(), request.user, pk=org_id)
    org = do_rename_organisation(
        actor=request.user,
        organisation=org,
        new_name=payload.name,
        expected_version=payload.version,
    )
    return Organisation.objects.select_related("region").get(pk=org.pk)
