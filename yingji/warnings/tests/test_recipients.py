"""接收对象: recipients by region (always), role (jurisdiction intersecting the area),
organisation and named group (orgs.OrgGroup); the resolved list before release; and the drawn
polygon (CAP polygon text) checked in the shared schema."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from yingji.orgs.models import Organisation
from yingji.standards import cap
from yingji.warnings import selectors
from yingji.warnings.capxml import cap_xml
from yingji.warnings.models import Acknowledgement, Warning
from yingji.warnings.schemas import parse_polygon

from .helpers import client_for, payload, post, released, user

pytestmark = pytest.mark.django_db

# a triangle over 西固区, closed (lat,lon pairs)
TRIANGLE = "36.100000,103.600000 36.150000,103.650000 36.080000,103.700000 36.100000,103.600000"


def _text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def _reasons(body) -> dict[str, list[str]]:
    return {i["organisation"]: i["reasons"] for i in body["items"]}


def test_roles_organisations_and_groups_are_resolved_with_their_reasons_before_release():
    c = client_for("whk_staff")
    r = post(
        c,
        "/api/v1/warnings",
        payload(
            regions=["620104"],
            recipient_roles=["county_staff", "duty_officer"],
            recipient_orgs=["LZ-SWJ"],
            recipient_groups=["各监管科室"],
        ),
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["recipient_roles"] == ["county_staff", "duty_officer"]
    assert body["recipient_orgs"] == ["LZ-SWJ"] and body["recipient_groups"] == ["各监管科室"]

    got = c.get(f"/api/v1/warnings/{body['id']}/recipients")
    assert got.status_code == 200, got.content
    reasons = _reasons(got.json())
    # the area: 西固区's bureau, also by role (a county_staff member, jurisdiction = the area)
    assert reasons["XGQ-YJJ"] == ["影响区域", "角色:县区应急局工作人员"]
    # another county's county_staff does not intersect 西固区
    assert "CGQ-YJJ" not in reasons
    # the duty officer's section covers the city, which contains the area
    assert reasons["LZYJJ-YJZH"] == ["角色:值班员"]
    assert reasons["LZ-SWJ"] == ["指定"]
    for code in ("LZYJJ-WHP", "LZYJJ-KS", "LZYJJ-GSM", "LZYJJ-CSAQ"):
        assert reasons[code] == ["分组:各监管科室"]
    enterprises = Organisation.objects.filter(
        kind="enterprise", region__path__startswith="/620100/620104/", is_active=True
    )
    assert enterprises.exists()
    assert all(reasons[o.code] == ["影响区域"] for o in enterprises)
    assert got.json()["total"] == len(reasons) == 1 + 1 + 1 + 4 + enterprises.count()


def test_release_opens_an_acknowledgement_for_every_resolved_recipient():
    body = released(
        regions=["620104"], recipient_orgs=["LZ-SWJ"], recipient_groups=["各县区应急局"]
    )
    codes = set(
        Acknowledgement.objects.filter(warning_id=body["id"]).values_list(
            "organisation__code", flat=True
        )
    )
    assert {"LZ-SWJ", "XGQ-YJJ", "CGQ-YJJ", "LZXQ-YJJ"} <= codes  # the group: every county
    # after release the list is the acknowledgements
    r = client_for("duty").get(f"/api/v1/warnings/{body['id']}/recipients")
    assert r.status_code == 409


def test_a_county_user_gets_enterprises_outside_its_area_counted_not_named():
    c = client_for("whk_staff")
    wid = post(c, "/api/v1/warnings", payload(regions=["620104", "620102"])).json()["id"]
    w = Warning.objects.get(pk=wid)
    city = selectors.recipient_preview(user("whk_staff"), w, limit=5000)
    county = selectors.recipient_preview(user("xigu_staff"), w, limit=5000)
    named = {o.code for o, _why in county["rows"]}
    assert county["total"] == city["total"] and city["hidden"] == 0
    cg_enterprises = Organisation.objects.filter(
        kind="enterprise", region__path__startswith="/620100/620102/"
    )
    assert cg_enterprises.exists()
    assert not any(o.code in named for o in cg_enterprises)
    assert county["hidden"] == cg_enterprises.filter(is_active=True).count()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recipient_roles", ["chief_of_everything"], "角色编码不存在"),
        ("recipient_orgs", ["NO-SUCH-ORG"], "指定接收单位不存在"),
        ("recipient_groups", ["没有这个分组"], "接收分组不存在"),
    ],
)
def test_unknown_recipients_are_refused_with_the_field(field, value, message):
    r = post(client_for("whk_staff"), "/api/v1/warnings", payload(**{field: value}))
    assert r.status_code == 422, r.content
    assert message in _text(r)
    assert not Warning.objects.filter(headline="测试暴雨橙色预警").exists()


def test_an_enterprise_outside_the_county_users_area_cannot_be_named():
    outside = Organisation.objects.filter(
        kind="enterprise", region__path__startswith="/620100/620102/"
    ).first()
    r = post(
        client_for("xigu_staff"),
        "/api/v1/warnings",
        payload(regions=["620104"], recipient_orgs=[outside.code]),
    )
    assert r.status_code == 422 and "不在您的权限范围内" in r.json()["message"]


# --- the drawn polygon ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("36.1,103.6 36.15,103.65 36.1,103.6", "至少需要 4 个点"),
        ("36.1,103.6 36.15,103.65 36.08,103.7 36.2,103.6", "应闭合"),
        ("36.1,103.6 39.9,116.4 36.08,103.7 36.1,103.6", "不在兰州市范围内"),  # 北京
        ("36.1;103.6 36.15,103.65 36.08,103.7 36.1;103.6", "应为“纬度,经度”"),
        ("36.1,103.6 36.1,103.6 36.15,103.65 36.1,103.6", "3 个不同的顶点"),
    ],
)
def test_polygon_text_is_refused(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_polygon(text)


def test_polygon_text_is_read_in_geojson_order():
    ring = parse_polygon(TRIANGLE)
    assert ring[0] == (103.6, 36.1) and ring[0] == ring[-1] and len(ring) == 4


def test_a_drawn_polygon_is_stored_and_goes_into_the_cap_message():
    body = released(regions=["620104"], polygon=TRIANGLE)
    w = Warning.objects.get(pk=body["id"])
    assert w.polygon["type"] == "Polygon" and w.polygon["coordinates"][0][0] == [103.6, 36.1]
    assert body["polygon"] == TRIANGLE
    alert = cap.parse_alert(cap_xml(w))
    assert alert["info"][0]["areas"][0]["polygons"] == [TRIANGLE]


def test_a_bad_polygon_is_refused_by_the_api_and_the_form_alike():
    bad = "36.1,103.6 36.15,103.65 36.08,103.7"
    r = post(client_for("whk_staff"), "/api/v1/warnings", payload(polygon=bad))
    assert r.status_code == 422 and "至少需要 4 个点" in _text(r)
    form = {k: v for k, v in payload(polygon=bad).items()}
    form["effective"], form["expires"] = form["effective"][:16], form["expires"][:16]
    page = client_for("whk_staff").post("/warnings/new/", form)
    assert page.status_code == 400
    assert "至少需要 4 个点" in page.content.decode()
    assert not Warning.objects.filter(headline="测试暴雨橙色预警").exists()


def test_the_pages_offer_the_choice_and_show_the_resolved_list():
    c = client_for("whk_staff")
    form = c.get("/warnings/new/").content.decode()
    assert 'name="recipient_roles"' in form and 'name="recipient_groups"' in form
    assert 'id="polygon-map"' in form and 'name="polygon"' in form
    assert "各监管科室" in form
    wid = post(c, "/api/v1/warnings", payload(recipient_groups=["各监管科室"])).json()["id"]
    page = c.get(f"/warnings/{wid}/").content.decode()
    assert 'id="recipient-preview"' in page and "发布时将发送给" in page
    assert "分组:各监管科室" in page


def test_the_history_names_recipient_roles_in_chinese():
    c = client_for("whk_staff")
    r = post(c, "/api/v1/warnings", payload(recipient_roles=["county_staff", "duty_officer"]))
    assert r.status_code == 201, r.content
    url = reverse("core:history", args=["warnings", "warning", r.json()["id"]])
    html = client_for("city_admin").get(url).content.decode()
    assert "县区应急局工作人员、值班员" in html
    assert "county_staff" not in html and "duty_officer" not in html
