from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yingji.core.listing import Column, Filter, ListSpec, render_list
from yingji.core.permissions import get_restricted_or_404, restrict
from yingji.core.views import record_extras

from .models import Region

REGION_SPEC = ListSpec(
    columns=[
        Column("code", "代码"),
        Column("name", "名称", link=True),
        Column("level", "层级"),
        Column("code_system", "代码体系"),
        Column("is_functional_zone", "功能区"),
        Column("parent__name", "上级"),
    ],
    filters={
        "level": Filter("层级", "level", choices=Region.LEVELS),
        "parent": Filter("上级代码", "parent__code"),
    },
    search=("name", "code"),
    default_sort="code",
)


@login_required
def region_list(request):
    qs = restrict(Region.objects.select_related("parent"), request.user)
    return render_list(request, qs, REGION_SPEC, "geo/list.html", "行政区划")


@login_required
def region_detail(request, code):
    region = get_restricted_or_404(Region.objects.select_related("parent"), request.user, code=code)
    return render(
        request,
        "geo/detail.html",
        {
            "object": region,
            "children": region.children.all()[:500],
            **record_extras(request, region),
        },
    )


@login_required
def region_map(request):
    return render(request, "geo/map.html", {})
