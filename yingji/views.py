"""Project-level pages: the home dashboard (real counts only) and the login view."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from yingji.core.forms import ThrottledLoginForm
from yingji.core.models import ObjectChange
from yingji.core.permissions import restrict, scope_of
from yingji.geo.models import Region
from yingji.orgs.choices import ROLE_LABELS
from yingji.orgs.models import Organisation


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    user = request.user
    scope = scope_of(user)
    orgs = restrict(Organisation.objects.all(), user)
    enterprises = orgs.filter(kind="enterprise", is_active=True)
    by_region = {}
    for name in enterprises.values_list("region__path", flat=True):
        by_region[name] = by_region.get(name, 0) + 1
    counties = Region.objects.filter(level="county").order_by("code")
    county_counts = []
    for county in counties:
        n = sum(v for k, v in by_region.items() if k.startswith(county.path))
        if n or scope.read_all or scope.is_admin:
            county_counts.append({"region": county, "count": n})
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    changes = restrict(ObjectChange.objects.select_related("content_type"), user)
    jurisdiction = Region.objects.filter(path__in=scope.region_paths)
    from yingji.core.hooks import dashboard_cards

    return render(
        request,
        "home.html",
        {
            "cards": dashboard_cards(request),
            "scope": scope,
            "role_labels": [ROLE_LABELS.get(r, r) for r in sorted(scope.roles)],
            "jurisdiction": jurisdiction,
            "counts": {
                "organisations": orgs.exclude(kind="enterprise").count(),
                "enterprises": enterprises.count(),
                "regions_county": counties.count(),
                "regions_township": Region.objects.filter(level="township").count(),
                "regions_village": Region.objects.filter(level="village").count(),
                "changes_today": changes.filter(time__gte=today).count(),
            },
            "county_counts": county_counts,
            "county_counts_json": [
                {"name": row["region"].name, "count": row["count"]} for row in county_counts
            ],
            "enterprise_list": enterprises.select_related("region").order_by(
                "region__code", "name"
            )[:20],
            "recent_changes": changes[:10],
        },
    )
