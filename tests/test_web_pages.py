"""Every page renders for every persona, in Chinese, with no reference to an external host."""

import re

import pytest
from django.urls import reverse

from yingji.geo.models import Region
from yingji.orgs.models import Organisation

pytestmark = pytest.mark.django_db

# src/href/url() pointing at another host (anything with a scheme or //host, except localhost)
EXTERNAL = re.compile(
    r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//(?!127\.0\.0\.1|localhost)|url\(\s*["']?(?:https?:)?//"""
)


def pages():
    org = Organisation.objects.get(name="兰州市应急管理局")
    region = Region.objects.get(code="620104")
    return [
        reverse("home"),
        reverse("orgs:list"),
        reverse("orgs:list") + "?kind=section&sort=-name",
        reverse("orgs:detail", args=[org.pk]),
        reverse("geo:list"),
        reverse("geo:list") + "?level=township&page=2",
        reverse("geo:detail", args=[region.code]),
        reverse("geo:map"),
        reverse("core:audit"),
        reverse("core:tokens"),
        reverse("core:history", args=["orgs", "organisation", org.pk]),
        reverse("password_change"),
        "/api/v1/docs",
    ]


@pytest.mark.parametrize(
    "name", ["city_admin", "leader", "section", "county_a", "county_b", "enterprise"]
)
def test_every_page_renders_without_external_hosts(as_user, name):
    client = as_user(name)
    for url in pages():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        assert not EXTERNAL.search(html), (url, EXTERNAL.search(html).group(0))


def test_login_page_and_error_pages_are_chinese(client):
    assert "登录应急管理综合平台" in client.get(reverse("login")).content.decode()
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()


def test_403_page_is_chinese(rf):
    from yingji.core.views import error_403, error_500

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert "无权访问" in error_403(request).content.decode()
    assert "服务器内部错误" in error_500(request).content.decode()


def test_english_switch(as_user):
    client = as_user("county_a")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in html and "Dashboard" in html


def test_every_module_in_the_sidebar_opens(as_user):
    html = as_user("county_a").get(reverse("home")).content.decode()
    assert "工作要点督办" in html and "指挥一张图" in html and "未开放" not in html


def test_dashboard_counts_are_real(as_user, persona):
    # The figure is the enterprises county A staff supervise (the enterprise list's rows), no
    # longer every enterprise organisation of the county (issue #12: 58 on the home page, 41 in
    # the list and on the map); all of them are in county A.
    from yingji.enterprises.selectors import visible_enterprises

    html = as_user("county_a").get(reverse("home")).content.decode()
    visible = visible_enterprises(persona("county_a"))
    n = visible.count()
    assert n and not visible.exclude(region__path__startswith="/620100/620104/").exists()
    assert f'id="count-enterprises">{n}<' in html


def test_list_exports(as_user):
    client = as_user("county_a")
    csv = client.get(reverse("orgs:list") + "?kind=enterprise&export=csv")
    text = csv.getvalue().decode("utf-8-sig")
    assert (
        csv["Content-Type"].startswith("text/csv") and "兰州西固" in text and "兰州城关" not in text
    )
    xlsx = client.get(reverse("orgs:list") + "?export=xlsx")
    assert xlsx.getvalue()[:2] == b"PK"


def test_chinese_by_default_whatever_the_browser_language(as_user):
    client = as_user("county_a")
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in html and "工作台" in html


def test_api_docs_page_leads_back_to_the_platform(as_user):
    html = as_user("section").get("/api/v1/docs").content.decode()
    assert f'href="{reverse("home")}" id="yj-back"' in html and "返回应急管理综合平台" in html
    assert "swagger-ui-init.js" in html  # the OpenAPI UI itself is still there
