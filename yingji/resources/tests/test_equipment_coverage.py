"""The rest of issue #16: web forms for teams/agreements/experts/shelters (create and edit,
persona by persona), the 装备台账 with its maintenance ledger and due dates, and coverage of
the reserves against the bureau's targets (the figures are the ledger's)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.db.models import Sum
from django.utils import timezone
from openpyxl import load_workbook

from yingji.core.context import actor_context
from yingji.core.errors import ConflictError, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.resources import selectors, services
from yingji.resources.maintenance import due_state, next_due
from yingji.resources.models import (
    Agreement,
    Equipment,
    MaintenanceRecord,
    Movement,
    ReserveTarget,
    Team,
)
from yingji.resources.schemas import MaintenanceIn, ReserveTargetIn

pytestmark = pytest.mark.django_db


def _duty():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="duty")


def _client(as_user, who):
    if who != "duty":
        return as_user(who)
    from django.test import Client

    client = Client()
    client.force_login(_duty())
    return client


TODAY = dt.date(2026, 6, 15)


# --- maintenance due dates (pure) ------------------------------------------------------------


@pytest.mark.parametrize(
    "last, interval, expected",
    [
        (dt.date(2026, 1, 31), 30, dt.date(2026, 3, 2)),
        (dt.date(2024, 2, 28), 1, dt.date(2024, 2, 29)),  # leap day
        (dt.date(2026, 6, 1), None, None),
        (None, 90, None),
    ],
)
def test_next_due_is_the_last_maintenance_plus_the_interval(last, interval, expected):
    assert next_due(last, interval) == expected


@pytest.mark.parametrize(
    "due, status, state",
    [
        (TODAY - dt.timedelta(days=1), "good", "overdue"),
        (TODAY, "good", "due"),
        (TODAY + dt.timedelta(days=30), "repair", "due"),
        (TODAY + dt.timedelta(days=31), "good", "ok"),
        (TODAY - dt.timedelta(days=100), "scrapped", ""),
        (None, "good", ""),
    ],
)
def test_due_state(due, status, state):
    assert due_state(due, TODAY, status) == state


# --- web forms for the forces records --------------------------------------------------------

TEAM_FORM = {
    "name": "七里河区山地救援分队(测试)",
    "kind": "social",
    "specialty": "geohazard",
    "headcount": "25",
    "level": "county",
    "region": "620103",
    "equipment": "绳索救援装备 2 套",
    "funding_wan": "30",
    "contact": "张三",
    "phone": "13900000000",
}


def test_city_staff_register_a_team_through_the_form_and_it_is_audited(as_user):
    client = as_user("section")
    page = client.get("/resources/teams/new/").content.decode()
    assert 'name="funding_wan"' in page and "年度运行维护经费" in page
    events = AuditEvent.objects.filter(verb="resources.team.registered").count()
    r = client.post("/resources/teams/new/", TEAM_FORM)
    team = Team.objects.get(name=TEAM_FORM["name"])
    assert r.status_code == 302 and r["Location"] == team.get_absolute_url()
    assert team.headcount == 25 and float(team.funding_wan) == 30 and team.region.code == "620103"
    assert AuditEvent.objects.filter(verb="resources.team.registered").count() == events + 1


def test_bad_input_on_the_form_says_what_and_writes_nothing(as_user):
    client = as_user("section")
    n = Team.objects.count()
    r = client.post("/resources/teams/new/", {**TEAM_FORM, "headcount": "0", "name": "X"})
    html = r.content.decode()
    assert r.status_code == 200 and "人数" in html and "队伍名称" in html
    assert Team.objects.count() == n
    assert 'value="绳索救援装备 2 套"' in html  # what was typed is kept


@pytest.mark.parametrize("url", ["teams", "agreements", "experts", "shelters", "equipment"])
def test_the_create_forms_are_for_keepers_only(as_user, url):
    assert as_user("section").get(f"/resources/{url}/new/").status_code == 200
    assert as_user("county_a").get(f"/resources/{url}/new/").status_code == 200
    for who in ("leader", "enterprise", "duty"):
        assert _client(as_user, who).get(f"/resources/{url}/new/").status_code == 403, who
    listing = as_user("leader").get(f"/resources/{url}/").content.decode()
    assert f'href="/resources/{url}/new/"' not in listing
    assert (
        f'href="/resources/{url}/new/"'
        in as_user("section").get(f"/resources/{url}/").content.decode()
    )


def test_a_county_edits_its_own_team_not_the_citys(as_user):
    own = Team.objects.get(name="西固区基层应急救援队(演示)")
    city = Team.objects.filter(level="city").first()
    client = as_user("county_a")
    assert f"/resources/teams/{own.pk}/edit/" in client.get(own.get_absolute_url()).content.decode()
    assert "/edit/" not in client.get(city.get_absolute_url()).content.decode()
    assert client.get(f"/resources/teams/{city.pk}/edit/").status_code == 404
    form = client.get(f"/resources/teams/{own.pk}/edit/").content.decode()
    assert f'name="version" value="{own.version}"' in form
    data = {
        "name": own.name,
        "kind": own.kind,
        "specialty": own.specialty,
        "headcount": "48",
        "level": "county",
        "lon": str(own.lon),
        "lat": str(own.lat),
        "owner": own.owner.code,
        "readiness": "limited",
        "version": str(own.version),
    }
    r = client.post(f"/resources/teams/{own.pk}/edit/", data)
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.headcount == 48 and own.readiness == "limited"
    event = AuditEvent.objects.filter(verb="resources.team.updated").order_by("-pk").first()
    assert "headcount" in event.message and event.object_id == str(own.pk)
    # a stale version (the form of before the change) is refused and changes nothing
    r = client.post(f"/resources/teams/{own.pk}/edit/", {**data, "headcount": "1"}, follow=True)
    own.refresh_from_db()
    assert own.headcount == 48 and "已被他人修改" in r.content.decode()
    # moving it to the city level would put it out of the county's reach: refused
    r = client.post(
        f"/resources/teams/{own.pk}/edit/",
        {**data, "level": "city", "version": str(own.version)},
        follow=True,
    )
    own.refresh_from_db()
    assert own.level == "county" and "超出您的权限范围" in r.content.decode()


def test_the_api_edits_an_agreement_with_the_same_rule(as_user):
    agreement = Agreement.objects.filter(level="city").first()
    body = {
        "title": agreement.title,
        "kind": agreement.kind,
        "partner": agreement.partner,
        "content": agreement.content,
        "valid_from": agreement.valid_from.isoformat(),
        "valid_until": (agreement.valid_until + dt.timedelta(days=365)).isoformat(),
        "level": "city",
        "region": agreement.region.code,
        "owner": agreement.owner.code,
        "version": agreement.version,
    }
    url = f"/api/v1/resources/agreements/{agreement.pk}"
    r = as_user("county_a").put(url, json.dumps(body), content_type="application/json")
    assert r.status_code == 404
    r = as_user("section").put(
        url, json.dumps({**body, "valid_until": "2000-01-01"}), content_type="application/json"
    )
    assert r.status_code == 422 and "有效期至不能早于生效日期" in r.json()["message"]
    r = as_user("section").put(url, json.dumps(body), content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["valid_until"] == body["valid_until"]


# --- the equipment register ------------------------------------------------------------------


def _register(client, **extra):
    body = {
        "code": "ZB-TEST-1",
        "name": "排水泵车(测试)",
        "category": "drainage",
        "serial_no": "PS-TEST-1",
        "level": "city",
        "site": "DEMO-RES-SJ-01",
        "interval_days": 90,
        "last_maintained_on": (timezone.localdate() - dt.timedelta(days=80)).isoformat(),
        **extra,
    }
    return client.post(
        "/api/v1/resources/equipment", json.dumps(body), content_type="application/json"
    )


def test_register_equipment_at_a_site_and_its_maintenance_moves_the_due_date(as_user, persona):
    r = _register(as_user("section"))
    assert r.status_code == 201, r.content
    item = Equipment.objects.get(code="ZB-TEST-1")
    today = timezone.localdate()
    assert item.region == item.site.region and item.lon == item.site.lon
    assert item.next_due_on == today + dt.timedelta(days=10)
    assert (
        selectors.visible_equipment(persona("section"))
        .filter(selectors.due_q("due"), pk=item.pk)
        .exists()
    )
    page = as_user("section").get(item.get_absolute_url()).content.decode()
    assert 'id="maintenance-form"' in page and "10天" not in page and "30天内到期" in page
    r = as_user("section").post(
        f"/resources/equipment/{item.pk}/maintenance/",
        {
            "kind": "maintain",
            "performed_on": today.isoformat(),
            "description": "更换机油、检查泵体",
            "cost": "800",
            "version": str(item.version),
        },
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.last_maintained_on == today and item.next_due_on == today + dt.timedelta(days=90)
    record = MaintenanceRecord.objects.get(equipment=item)
    assert record.next_due_on == item.next_due_on and record.actor == persona("section")
    assert AuditEvent.objects.filter(
        verb="resources.equipment.maintained", object_id=str(item.pk)
    ).exists()


def test_bad_equipment_input_is_refused_with_the_field(as_user):
    client = as_user("section")
    r = _register(client, code="ZB-TEST-2", quantity=3)
    assert r.status_code == 422 and "数量应为 1" in r.json()["message"]
    r = _register(client, code="ZB-TEST-2", serial_no="", site="NOPE")
    assert r.status_code == 422 and "储备库“NOPE”不存在" in r.json()["message"]
    r = _register(client, code="ZB-TEST-2", serial_no="", site=None, team=None)
    assert r.status_code == 422 and "请填写存放储备库" in r.json()["message"]
    assert not Equipment.objects.filter(code="ZB-TEST-2").exists()


def _demo(suffix):
    return Equipment.objects.get(code="DEMO-RES-" + suffix)


def _maintain(user, item, **data):
    data.setdefault("performed_on", timezone.localdate())
    data.setdefault("description", "测试保养")
    with actor_context(user, source="test"):
        return services.do_record_maintenance(
            actor=user, equipment=item, data=MaintenanceIn(**data)
        )


def test_repair_then_scrap_and_nothing_after_scrapping(persona):
    user = persona("section")
    item = _demo("ZB-SJ-006")  # the generator in repair
    assert item.status == "repair"
    _maintain(user, item, kind="repair", description="更换调压器", status_after="good")
    item.refresh_from_db()
    assert item.status == "good" and item.next_due_on == timezone.localdate() + dt.timedelta(90)
    _maintain(user, item, kind="scrap", description="鉴定报废")
    item.refresh_from_db()
    assert item.status == "scrapped" and item.next_due_on is None
    lines = MaintenanceRecord.objects.filter(equipment=item).count()
    with pytest.raises(ValidationFailed, match="已报废"):
        _maintain(user, item, kind="maintain")
    assert MaintenanceRecord.objects.filter(equipment=item).count() == lines
    assert not selectors.equipment_features(user, {})["features"] or all(
        f["properties"]["code"] != item.code
        for f in selectors.equipment_features(user, {})["features"]
    )


def test_maintenance_out_of_order_or_in_the_future_or_stale_is_refused(persona):
    user = persona("section")
    item = _demo("ZB-SJ-001")
    before = (item.last_maintained_on, item.next_due_on, item.version)
    for kwargs, error in [
        ({"performed_on": item.last_maintained_on - dt.timedelta(days=1)}, "按时间顺序"),
        ({"performed_on": timezone.localdate() + dt.timedelta(days=1)}, "不能晚于今天"),
    ]:
        with pytest.raises(ValidationFailed, match=error):
            _maintain(user, item, kind="maintain", **kwargs)
    with pytest.raises(ConflictError):
        _maintain(user, item, kind="maintain", version=item.version - 1)
    item.refresh_from_db()
    assert (item.last_maintained_on, item.next_due_on, item.version) == before


def test_who_may_see_and_keep_equipment(as_user, persona):
    city = _demo("ZB-SJ-001")
    assert as_user("leader").get(city.get_absolute_url()).status_code == 200
    assert (
        'id="maintenance-form"'
        not in as_user("leader").get(city.get_absolute_url()).content.decode()
    )
    assert as_user("enterprise").get(city.get_absolute_url()).status_code == 404
    county_page = as_user("county_a").get(city.get_absolute_url()).content.decode()
    assert 'id="maintenance-form"' not in county_page
    for user in (persona("county_a"), persona("leader"), _duty()):
        with pytest.raises(NotPermitted):
            _maintain(user, city, kind="maintain")
    assert not MaintenanceRecord.objects.filter(
        equipment=city, actor__username__in=["xigu_staff", "leader", "duty"]
    ).exists()
    # a county keeps the equipment of its own teams
    own = _demo("ZB-XG-001")
    assert (
        'id="maintenance-form"' in as_user("county_a").get(own.get_absolute_url()).content.decode()
        or own.level == "city"
    )


def test_the_due_filter_and_card_count_what_the_list_shows(as_user, persona):
    user = persona("section")
    overdue = selectors.visible_equipment(user).filter(selectors.due_q("overdue")).count()
    due = selectors.visible_equipment(user).filter(selectors.due_q("due")).count()
    assert overdue >= 1 and due >= 1  # the demo has both
    client = as_user("section")
    r = client.get("/resources/equipment/?due=overdue&export=csv")
    body = b"".join(r.streaming_content) if r.streaming else r.content
    assert body.decode("utf-8-sig").count("保养逾期") == overdue
    home = client.get("/").content.decode()
    assert f"保养逾期 {overdue}" in home and "/resources/equipment/?due=overdue" in home
    layer = client.get("/api/v1/resources/equipment/geojson").json()
    assert {f["properties"]["code"] for f in layer["features"]} == set(
        selectors.visible_equipment(user).exclude(status="scrapped").values_list("code", flat=True)
    )


# --- coverage against targets ----------------------------------------------------------------


def _ledger_for(target) -> int:
    """The stock the target counts, summed from the ledger lines themselves."""
    lines = Movement.objects.filter(stock__item=target.item, stock__site__active=True)
    if target.region.level == "city":
        lines = lines.filter(stock__site__level="city")
    else:
        lines = lines.filter(stock__site__region__path__startswith=target.region.path).exclude(
            stock__site__level="city"
        )
    return lines.aggregate(n=Sum("quantity"))["n"] or 0


def test_coverage_figures_equal_the_ledger_balances(persona):
    rows = list(selectors.coverage(persona("section")))
    assert len(rows) >= 10 and any(r.region.level == "city" for r in rows)
    below = 0
    for row in rows:
        held = _ledger_for(row)
        assert row.stock == held, (row.region.name, row.item.name)
        assert row.permille == held * 1000 // row.quantity
        assert row.gap == max(row.quantity - held, 0)
        below += held < row.quantity
    assert 0 < below < len(rows)  # the demo shows both
    assert selectors.coverage_counts(persona("section")) == {"below": below, "all": len(rows)}


def test_the_coverage_page_export_and_county_scope(as_user, persona):
    client = as_user("section")
    page = client.get("/resources/coverage/?state=below").content.decode()
    assert 'id="target-form"' in page and "未达标" in page
    r = client.get("/resources/coverage/?export=xlsx")
    body = b"".join(r.streaming_content) if r.streaming else r.content
    sheet = load_workbook(io.BytesIO(body)).active
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["县区", "物资编码", "物资", "单位", "储备目标", "实有库存(台账)"]
    assert sheet.max_row - 1 == selectors.coverage(persona("section")).count()
    xigu = {
        row["region_name"]
        for row in as_user("county_a").get("/api/v1/resources/coverage?limit=500").json()
    }
    assert xigu == {"西固区", "兰州市"}
    assert (
        'id="target-form"' not in as_user("county_a").get("/resources/coverage/").content.decode()
    )
    assert as_user("enterprise").get("/api/v1/resources/coverage").json() == []
    home = client.get("/").content.decode()
    assert "储备达标" in home and "/resources/coverage/?state=below" in home


def test_setting_a_target_is_the_city_bureaus_and_audited(as_user, persona):
    target = ReserveTarget.objects.filter(region__code="620104", item__code="1020199").first()
    before = target.quantity
    for who in ("county_a", "leader"):
        r = as_user(who).post(
            "/resources/coverage/targets/", {"region": "620104", "item": "1020199", "quantity": "1"}
        )
        assert r.status_code == 403
        with pytest.raises(NotPermitted), actor_context(persona(who), source="test"):
            services.do_set_reserve_target(
                actor=persona(who),
                data=ReserveTargetIn(region="620104", item="1020199", quantity=1),
            )
    target.refresh_from_db()
    assert target.quantity == before
    client = as_user("section")
    r = client.post(
        "/resources/coverage/targets/",
        {"region": "620104", "item": "1020199", "quantity": "-5"},
        follow=True,
    )
    assert "储备目标" in r.content.decode()
    r = client.post(
        "/resources/coverage/targets/",
        {"region": "999999", "item": "1020199", "quantity": "5"},
        follow=True,
    )
    assert "没有编码为“999999”的市或县区" in r.content.decode()
    target.refresh_from_db()
    assert target.quantity == before
    r = client.post(
        "/resources/coverage/targets/",
        {"region": "620104", "item": "1020199", "quantity": str(before + 100), "basis": "测试"},
    )
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.quantity == before + 100
    event = AuditEvent.objects.filter(verb="resources.target.set").order_by("-pk").first()
    assert f"{before} → {before + 100}" in event.message
    assert client.get("/api/v1/resources/coverage/counties").status_code == 200


# --- the yearly evaluation as a scoring sheet (T44) ------------------------------------------


def test_the_ranking_exports_the_scoring_sheet_in_order(as_user):
    from yingji.resources.evaluation import scheme
    from yingji.resources.models import TeamEvaluation

    year = (
        TeamEvaluation.objects.exclude(published_at=None)  # the leadership sees published years
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    client = as_user("leader")
    r = client.get("/resources/teams/ranking/")
    assert r.status_code == 302 and r["Location"].endswith(f"?year={year}")
    r = client.get(f"/resources/teams/ranking/?year={year}&export=xlsx")
    body = b"".join(r.streaming_content) if r.streaming else r.content
    sheet = load_workbook(io.BytesIO(body)).active
    header = [c.value for c in sheet[1]]
    for item in scheme()["items"]:
        assert f"{item['name']}(≤{item['max']})" in header
    totals = [row[header.index("总分")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(totals) == TeamEvaluation.objects.filter(year=year).count() > 0
    assert [float(t) for t in totals] == sorted((float(t) for t in totals), reverse=True)
    assert as_user("enterprise").get(f"/resources/teams/ranking/?year={year}").status_code == 200
    assert (
        "蓝天"
        not in as_user("enterprise").get(f"/resources/teams/ranking/?year={year}").content.decode()
    )
