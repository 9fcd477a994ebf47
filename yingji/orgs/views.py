from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yingji.core.errors import DomainError
from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import get_restricted_or_404, restrict
from yingji.core.views import record_extras

from .choices import ORG_KINDS
from .models import Membership, Organisation
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


@login_required
@require_POST
def org_rename(request, pk):
    org = get_restricted_or_404(Organisation.objects.all(), request.user, pk=pk)
    try:
        version = int(request.POST.get("version", "0"))
        do_rename_organisation(
            actor=request.user,
            organisation=org,
            new_name=request.POST.get("name", ""),
            expected_version=version,
        )
        messages.success(request, "已更名,原名称保留为别名。")
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValueError:
        messages.error(request, "表单已过期,请刷新后重试。")
    return redirect("orgs:detail", pk=org.pk)
