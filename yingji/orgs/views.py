from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import get_restricted_or_404, restrict
from yingji.core.views import record_extras
from yingji.core.webforms import action_view

from .choices import ORG_KINDS
from .models import Membership, Organisation
from .schemas import RenameIn
from .services import do_rename_organisation

ORG_SPEC = ListSpec(
    columns=[
        Column("code", "编码"),
        Column("name", "名称", link=True),
        Column("kind", "类型"),
        Column("parent__name", "上级"),
        Column("region__name", "区域"),
        Column("is_active", "有效"),
        Column("is_demo", "演示数据"),
    ],
    filters={
        "kind": Filter("类型", "kind", choices=ORG_KINDS),
        "region": Filter("区域(代码)", "region__path__contains"),
    },
    search=("name", "code", "aliases__name"),
    default_sort="path",
)


@login_required
def org_list(request):
    qs = restrict(Organisation.objects.select_related("parent", "region"), request.user).distinct()
    return render_list(request, qs, ORG_SPEC, "orgs/list.html", "组织机构")


@login_required
def org_detail(request, pk):
    org = get_restricted_or_404(
        Organisation.objects.select_related("parent", "region"), request.user, pk=pk
    )
    memberships = restrict(
        Membership.objects.filter(organisation=org).select_related("user"), request.user
    )
    return render(
        request,
        "orgs/detail.html",
        {
            "object": org,
            "aliases": org.aliases.all(),
            "groups": org.groups.all(),
            "children": restrict(org.children.all(), request.user),
            "memberships": memberships,
            **record_extras(request, org),
        },
    )


org_rename = action_view(
    fetch=lambda user: Organisation.objects.all(),
    schema=RenameIn,
    call=lambda user, org, data: do_rename_organisation(
        actor=user, organisation=org, new_name=data.name, expected_version=data.version
    ),
    success="已更名,原名称保留为别名。",
)
