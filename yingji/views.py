"""Project-level pages: the 工作台 (home, built from the apps' dashboard cards) and the login view."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yingji.core.forms import ThrottledLoginForm
from yingji.core.hooks import dashboard_cards
from yingji.core.permissions import scope_of
from yingji.geo.models import Region
from yingji.orgs.choices import ROLE_LABELS


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


# The 工作台's sections: each card says its ``kind``; a card without one (a notice such as the
# calendar's) is shown above them.
SECTIONS = (
    ("todo", "待我处理"),
    ("duty", "值班关注"),
    ("figures", "辖区数据"),
)


@login_required
def home(request):
    """The 工作台: the cards every installed app declares (``dashboard_cards``), by section.
    Each figure on a card links to the list that shows exactly that many rows."""
    scope = scope_of(request.user)
    cards = dashboard_cards(request)
    titles = dict(SECTIONS)
    if scope.roles == {"enterprise_user"}:
        titles["figures"] = "本企业数据"
    elif scope.read_all or scope.is_admin:
        titles["figures"] = "全市数据"
    sections = [
        {"key": key, "title": titles[key], "cards": [c for c in cards if c.get("kind") == key]}
        for key, _ in SECTIONS
    ]
    return render(
        request,
        "home.html",
        {
            "notices": [c for c in cards if c.get("kind") not in dict(SECTIONS)],
            "sections": [s for s in sections if s["cards"]],
            "charts": [{"id": f"chart-{c['key']}", **c["chart"]} for c in cards if c.get("chart")],
            "scope": scope,
            "role_labels": [ROLE_LABELS.get(r, r) for r in sorted(scope.roles)],
            "jurisdiction": Region.objects.filter(path__in=scope.region_paths),
        },
    )
