"""The registry of app hooks (issue #9): what the foundation reads from the apps' AppConfigs."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from yingji.core import hooks

pytestmark = pytest.mark.django_db


def test_every_app_route_and_router_comes_from_the_registry():
    from yingji.api import api

    prefixes = {h.config.label: h.url_prefix for h in hooks.all_hooks() if h.url_prefix is not None}
    assert prefixes["hazards"] == "hazards/" and prefixes["calendars"] == "calendar/"
    assert reverse("hazards:index") == "/hazards/" and reverse("calendars:index") == "/calendar/"
    tags = {
        op.get("tags", [""])[0]
        for ops in api.get_openapi_schema()["paths"].values()
        for op in ops.values()
    }
    assert {"隐患排查治理", "工作日历", "工作要点督办"} <= tags


def test_navigation_follows_the_page_rules(persona):
    def labels(name):
        return [n.label for n in hooks.navigation(persona(name))]

    assert "工作要点督办" in labels("county_a")
    assert "工作要点督办" not in labels("enterprise")  # rule workplan.open
    assert "隐患排查治理" in labels("enterprise")


def test_every_sidebar_entry_is_a_link(as_user):
    html = as_user("county_a").get("/").content.decode()
    assert "未开放" not in html
    assert 'href="/command/"' in html  # 指挥一张图, the last module that was planned


def test_map_layers_are_read_from_every_app(persona):
    keys = [layer["key"] for layer in hooks.map_layers(persona("county_a"))]
    # a module installed later adds its layers after these (monitoring: issue #13)
    assert keys[:4] == ["enterprises", "units", "hazards", "inspections"]
    assert ("monitoring" in keys) == apps.is_installed("yingji.monitoring")


def test_yingji_daily_runs_every_apps_job_and_refuses_unknown_ones():
    out = io.StringIO()
    call_command("yingji_daily", "--list", stdout=out)
    assert "workplan" in out.getvalue() and "hazards" in out.getvalue()
    out = io.StringIO()
    call_command("yingji_daily", "--date", "2026-11-30", stdout=out)
    text = out.getvalue()
    assert "工作要点督办" in text and "隐患排查治理" in text
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有这些每日任务"):
        call_command("yingji_daily", "--only", "nosuchjob")


def test_the_cli_reads_aliases_from_the_apps():
    aliases = hooks.cli_commands()
    assert aliases["daily"] == "yingji_daily" and aliases["hazards-daily"] == "hazards_daily"
    assert aliases["import-workplan"] == "import_workplan"


def test_global_search_finds_only_what_the_user_may_see(as_user):
    from yingji.enterprises.models import Enterprise

    xigu = Enterprise.objects.filter(region__path__startswith="/620100/620104/").first()
    chengguan = Enterprise.objects.filter(region__path__startswith="/620100/620102/").first()
    page = as_user("county_a").get("/search/", {"q": xigu.name}).content.decode()
    assert xigu.name in page
    page = as_user("county_a").get("/search/", {"q": chengguan.name}).content.decode()
    assert chengguan.get_absolute_url() not in page and "没有找到" in page
    page = as_user("county_a").get("/search/", {"q": "T12"}).content.decode()
    assert "T12" in page and "工作要点任务" in page
    page = as_user("enterprise").get("/search/", {"q": "西固"}).content.decode()
    assert "工作要点任务" not in page
    assert "请至少输入两个字" in as_user("county_a").get("/search/", {"q": "x"}).content.decode()


def test_the_settings_index_lists_every_apps_settings_pages(as_user):
    page = as_user("county_a").get("/settings/").content.decode()
    for url in ("/enterprises/tier-rule/", "/risk/settings/", "/calendar/", "/account/tokens/"):
        assert url in page


def test_the_settings_index_lists_the_national_rules_with_their_confidence(as_user):
    assert "国家规则与依据" not in as_user("county_a").get("/settings/").content.decode()
    page = as_user("city_admin").get("/settings/").content.decode()
    assert "国家规则与依据" in page
    assert "国务院令第493号" in page and "GB 18218-2018" in page
    assert page.count("text-bg-danger") >= 2  # the LOW rows (LS thresholds, 一责三排 weights)
