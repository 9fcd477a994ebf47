"""The 工作台 (issue #12): each persona gets the cards of its role, and every figure on it equals
the number of rows of the list its link opens (followed with the same client)."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

COUNT = re.compile(r'<a class="yj-count[^"]*" href="([^"]+)"[^>]* data-count="(\d+)"')
TOTAL = re.compile(r"共 ([\d,]+) 条")
USERNAMES = [
    "city_admin",
    "leader",
    "whk_staff",
    "duty",
    "xigu_staff",
    "chengguan_staff",
    "ent_user",
]


def client_for(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def figures(html):
    """(url, count) of every figure on the page, and of every bar of its charts."""
    from html import unescape

    found = [(unescape(url), int(n)) for url, n in COUNT.findall(html)]
    assert len(found) == html.count('<a class="yj-count')  # none missed by the pattern
    charts = re.search(
        r'<script id="workbench-charts" type="application/json">(.*?)</script>', html
    )
    for chart in json.loads(charts.group(1)):
        found += [(row["url"], row["count"]) for row in chart["rows"]]
    return found


def list_total(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    totals = TOTAL.findall(response.content.decode())
    assert len(totals) == 1, (url, totals)
    return int(totals[0].replace(",", ""))


def sections(html):
    return set(re.findall(r'id="section-(\w+)"', html))


def cards(html):
    return set(re.findall(r'class="card h-100 yj-workbench-card" id="card-([\w-]+)"', html))


@pytest.mark.parametrize("username", USERNAMES)
def test_every_figure_equals_the_list_it_links_to(username):
    client = client_for(username)
    html = client.get(reverse("home")).content.decode()
    shown = figures(html)
    assert shown, username
    for url, count in shown:
        assert urlsplit(url).netloc == "", url
        assert list_total(client, url) == count, (username, url, count)


def test_each_persona_gets_what_its_role_does():
    pages = {u: client_for(u).get(reverse("home")).content.decode() for u in USERNAMES}
    # the leader reads: figures, nothing "to do"
    assert sections(pages["leader"]) == {"figures"}
    # the duty officer: today's city-wide items, and the figures
    # (and, as a reader of the briefs distributed to them, those still to read: the demo sends
    # last week's brief to the duty officer, unread)
    assert {"duty", "figures"} <= sections(pages["duty"])
    assert "待阅研判简报" in pages["duty"]
    assert "值班关注:隐患" in pages["duty"] and "近7天完成的执法检查" in pages["duty"]
    # staff and the county bureaus have work waiting; the enterprise its own
    for u in ("whk_staff", "xigu_staff", "chengguan_staff", "ent_user", "city_admin"):
        assert "todo" in sections(pages[u]), u
    assert "待验收销号的隐患" in pages["xigu_staff"] and "本单位逾期的任务" in pages["xigu_staff"]
    assert "待整改的隐患" in pages["ent_user"] and "工作要点督办待办" not in pages["ent_user"]
    assert "执法检查待办" not in pages["ent_user"]
    assert "hazards-duty" not in cards(pages["xigu_staff"])


def test_county_staff_see_their_county_and_the_lists_agree():
    """xigu_staff was told 58 enterprises (every enterprise organisation in 西固区) by the old home
    page while the enterprise list and the map showed the 41 it supervises: the 工作台 figure is
    now the enterprise list's own total."""
    from yingji.enterprises.selectors import visible_enterprises

    user = get_user_model().objects.get(username="xigu_staff")
    client = client_for("xigu_staff")
    html = client.get(reverse("home")).content.decode()
    visible = visible_enterprises(user)
    n = visible.count()
    assert n and not visible.exclude(region__path__startswith="/620100/620104/").exists()
    assert f'id="count-enterprises">{n}<' in html
    assert list_total(client, reverse("enterprises:index")) == n
    assert "城关区" not in html


def test_hazard_filters_added_for_the_workbench():
    from yingji.hazards.choices import OPEN_STATES
    from yingji.hazards.models import Hazard

    client = client_for("city_admin")
    index = reverse("hazards:index")
    assert (
        list_total(client, index + "?open=1")
        == Hazard.objects.filter(state__in=OPEN_STATES).count()
    )
    assert (
        list_total(client, index + "?open=0")
        == Hazard.objects.exclude(state__in=OPEN_STATES).count()
    )
    span = {"deadline__gte": "2026-01-01", "deadline__lte": "2026-12-31"}
    n = Hazard.objects.filter(**span).count()
    assert n and list_total(client, index + "?deadline_from=2026-01-01&deadline_to=2026-12-31") == n
    # "mine" is what the user may grade/verify: an enterprise user has none of it
    ent = client_for("ent_user")
    assert list_total(ent, index + "?mine=1") == 0 < list_total(ent, index)


@pytest.mark.parametrize("username", ["city_admin", "xigu_staff"])
def test_the_workbench_counts_in_the_database(username, django_assert_max_num_queries):
    """No per-row loop: the number of queries does not grow with the rows (300 enterprises,
    hundreds of hazards and assignments); each figure is one COUNT, each chart one aggregate."""
    client = client_for(username)
    client.get(reverse("home"))  # the session and the scope are warm
    # 64 for the city administrator once the session-5 modules added their cards (equipment,
    # reserve coverage, 督办单, officers' certificates, …); the cap grows with cards, never rows
    with django_assert_max_num_queries(75):
        assert client.get(reverse("home")).status_code == 200


def test_every_notice_figure_has_a_colour():
    """A notice's figure given without a level was drawn as white text on nothing (class
    ``yj-level-``): each one now has a colour class."""
    html = client_for("duty").get(reverse("home")).content.decode()
    badges = re.findall(r'<a class="badge ([^"]*)"', html)
    assert badges
    for classes in badges:
        assert re.search(r"yj-level-\w|text-bg-\w", classes), classes
