"""综合减灾示范社区 (T54): 申报 → 县区初审 → 市级评审 → 命名 → 复核/撤销, the 督查 visits, the
permissions (a county its own, the city reviews), the list, the card and the map layer."""

import datetime as dt
import json

import pytest

from yingji.core.context import actor_context
from yingji.core.errors import ConflictError, InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.disasters import selectors, services
from yingji.disasters.models import CommunityInspection, DemoCommunity
from yingji.disasters.schemas import (
    CommunityApplyIn,
    CommunityCityReviewIn,
    CommunityCountyReviewIn,
    CommunityInspectionIn,
    CommunityRecheckIn,
)
from yingji.standards import demo_community as dc

pytestmark = pytest.mark.django_db

ALL = ["satisfaction", "no_major_accident", "plan_and_drill"]
XIGU_VILLAGE = "620104001003"  # 西固东路社区 (no demo application)


def scores(off=0):
    out = {e["code"]: e["max"] for e in dc.criteria()["elements"]}
    out["participation"] -= off
    return out


# a note of evidence for every criterion (a criterion claimed without one is refused)
EVIDENCE = {c: "佐证说明" for c in ALL + [e["code"] for e in dc.criteria()["elements"]]}


def apply(user, region=XIGU_VILLAGE, **extra):
    data = {"region": region, "level": "city", "year": 2026, "conditions": ALL, "scores": scores(5)}
    data["evidence"] = EVIDENCE
    with actor_context(user, source="test"):
        return services.do_apply_demo_community(actor=user, data=CommunityApplyIn(**(data | extra)))


def test_the_whole_path_with_audit(persona):
    county, city = persona("county_a"), persona("section")
    events = AuditEvent.objects.count()
    community = apply(county)
    assert community.status == "applied" and community.self_total == 95
    with actor_context(county, source="test"):
        services.do_review_demo_community_county(
            actor=county,
            community=community,
            data=CommunityCountyReviewIn(passed=True, scores=scores(10), opinion="现场核查合格"),
        )
    community.refresh_from_db()
    assert community.status == "county_passed" and community.county_total == 90
    with actor_context(city, source="test"):
        services.do_review_demo_community_city(
            actor=city,
            community=community,
            data=CommunityCityReviewIn(
                decision="name", opinion="合格", named_on=dt.date(2026, 12, 1), naming_doc="X号"
            ),
        )
        community.refresh_from_db()
        services.do_recheck_demo_community(
            actor=city,
            community=community,
            data=CommunityRecheckIn(
                keep=False, opinion="未开展演练", rechecked_on=dt.date(2026, 12, 2)
            ),
        )
    community.refresh_from_db()
    assert community.status == "revoked" and community.revoked_reason == "未开展演练"
    verbs = list(AuditEvent.objects.order_by("pk")[events:].values_list("verb", flat=True))
    assert verbs == [
        "disasters.community.applied",
        "disasters.community.county_reviewed",
        "disasters.community.named",
        "disasters.community.revoked",
    ]


def test_a_failing_self_assessment_is_refused_with_its_reasons(persona):
    county = persona("county_a")
    before = DemoCommunity.objects.count()
    with pytest.raises(ValidationFailed, match="自评总分79分,低于80分"):
        apply(county, scores=scores(0) | {"participation": 0, "education": 9})
    with pytest.raises(
        ValidationFailed, match="不具备基本条件“社区近3年内没有发生因灾造成的较大事故”"
    ):
        apply(county, conditions=["satisfaction", "plan_and_drill"])
    with pytest.raises(ValidationFailed, match="的得分须在0至10分之间,填报12分"):
        apply(county, scores=scores() | {"organisation": 12})
    with pytest.raises(ValidationFailed, match="找不到区划代码"):
        apply(county, region="620104")  # a county, not a community
    assert DemoCommunity.objects.count() == before


def test_a_county_applies_and_reviews_only_its_own(persona):
    county_a, county_b = persona("county_a"), persona("county_b")
    before = DemoCommunity.objects.count()
    with pytest.raises(NotPermitted):
        apply(county_b)  # 西固 community by 城关
    assert DemoCommunity.objects.count() == before
    community = apply(county_a)
    with actor_context(county_b, source="test"), pytest.raises(NotPermitted):
        services.do_review_demo_community_county(
            actor=county_b,
            community=community,
            data=CommunityCountyReviewIn(passed=True, scores=scores(), opinion="越权"),
        )
    assert not selectors.visible_communities(county_b).filter(pk=community.pk).exists()
    # the county cannot name; the city cannot do the county's 初审
    with actor_context(county_a, source="test"), pytest.raises(NotPermitted):
        services.do_review_demo_community_city(
            actor=county_a,
            community=community,
            data=CommunityCityReviewIn(
                decision="name", opinion="自己命名", named_on=dt.date(2026, 1, 1)
            ),
        )
    city = persona("section")
    with actor_context(city, source="test"), pytest.raises(NotPermitted):
        services.do_review_demo_community_county(
            actor=city,
            community=community,
            data=CommunityCountyReviewIn(passed=True, scores=scores(), opinion="代审"),
        )


def test_invalid_transitions_and_stale_writes(persona):
    county, city = persona("county_a"), persona("section")
    community = apply(county)
    with actor_context(city, source="test"), pytest.raises(InvalidTransition, match="不能“命名”"):
        services.do_review_demo_community_city(
            actor=city,
            community=community,
            data=CommunityCityReviewIn(
                decision="name", opinion="跳过初审", named_on=dt.date(2026, 1, 1)
            ),
        )
    with actor_context(county, source="test"), pytest.raises(ConflictError):
        services.do_review_demo_community_county(
            actor=county,
            community=community,
            data=CommunityCountyReviewIn(
                passed=False, opinion="退回", version=community.version + 1
            ),
        )
    community.refresh_from_db()
    assert community.status == "applied"
    with pytest.raises(ValueError):  # 命名 without a date
        CommunityCityReviewIn(decision="name", opinion="合格")
    # a duplicate application for the same level while one is open
    with pytest.raises(ValidationFailed, match="不能重复申报"):
        apply(county)


def test_inspections_mark_the_window_and_need_a_deadline_to_rectify(persona):
    city = persona("section")
    community = DemoCommunity.objects.get(region__code="620104001001")  # 西固中路, county_passed
    with pytest.raises(ValueError, match="限期整改须填写整改期限"):
        CommunityInspectionIn(
            visited_on=dt.date(2026, 11, 3),
            inspectors="张伟",
            findings="台账缺失",
            result="rectify",
        )
    with actor_context(city, source="test"):
        visit = services.do_record_community_inspection(
            actor=city,
            community=community,
            data=CommunityInspectionIn(
                visited_on=dt.date(2026, 9, 20),
                inspectors="张伟",
                findings="提前走访",
                result="good",
            ),
        )
    assert visit.in_window is False
    county = persona("county_a")
    with actor_context(county, source="test"), pytest.raises(NotPermitted):
        services.do_record_community_inspection(
            actor=county,
            community=community,
            data=CommunityInspectionIn(
                visited_on=dt.date(2026, 11, 3), inspectors="李四", findings="自查", result="good"
            ),
        )
    revoked = DemoCommunity.objects.get(status="revoked")
    with actor_context(city, source="test"), pytest.raises(InvalidTransition):
        services.do_record_community_inspection(
            actor=city,
            community=revoked,
            data=CommunityInspectionIn(
                visited_on=dt.date(2026, 11, 3), inspectors="张伟", findings="复查", result="good"
            ),
        )
    assert visit in selectors.visible_inspections(county)
    assert not selectors.visible_inspections(persona("county_b")).filter(pk=visit.pk).exists()


def test_demo_states_and_progress(persona):
    statuses = dict(DemoCommunity.objects.values_list("region__code", "status"))
    assert statuses["620104001005"] == "named" and statuses["620102001004"] == "revoked"
    assert statuses["620102001002"] == "returned" and statuses["620104001007"] == "applied"
    progress = selectors.community_progress(
        persona("county_a"), DemoCommunity.objects.get(region__code="620104001007").year
    )
    assert {c["code"] for c in progress["counties"]} == {"620104"}  # 城关 not seen by 西固
    assert progress["by_status"]["applied"] == 1 and progress["by_status"]["county_passed"] == 1


def test_pages_list_filters_export_and_forms(as_user):
    county = as_user("county_a")
    page = county.get("/disasters/communities/?status=applied")
    body = page.content.decode()
    assert page.status_code == 200 and "小坪社区" in body and "陈官营" not in body
    assert "张家园" not in county.get("/disasters/communities/").content.decode()
    export = county.get("/disasters/communities/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    pk = DemoCommunity.objects.get(region__code="620104001007").pk
    detail = county.get(f"/disasters/communities/{pk}/").content.decode()
    assert 'id="county-review"' in detail and 'id="city-review"' not in detail
    city_detail = as_user("section").get(f"/disasters/communities/{pk}/").content.decode()
    assert 'id="county-review"' not in city_detail
    leader = as_user("leader").get(f"/disasters/communities/{pk}/").content.decode()
    assert 'id="inspect"' not in leader and 'id="county-review"' not in leader
    assert as_user("county_b").get(f"/disasters/communities/{pk}/").status_code == 404
    # the web form: a bad score shows the reason, nothing written
    before = DemoCommunity.objects.count()
    form = {"region": XIGU_VILLAGE, "level": "city", "year": "2026", "conditions": ALL}
    form |= {f"score_{c}": str(v) for c, v in scores().items()} | {"score_teams": "99"}
    form |= {f"evidence_{c}": note for c, note in EVIDENCE.items()}
    response = county.post("/disasters/communities/apply/", form, follow=True)
    assert "须在0至10分之间,填报99分" in response.content.decode()
    assert DemoCommunity.objects.count() == before
    form["score_teams"] = "10"
    response = county.post("/disasters/communities/apply/", form, follow=True)
    assert DemoCommunity.objects.count() == before + 1
    assert "已登记示范社区申报" in response.content.decode()


def test_api_path_and_map_layer(as_user):
    county, city = as_user("county_a"), as_user("section")
    body = {
        "region": XIGU_VILLAGE,
        "level": "provincial",
        "year": 2026,
        "conditions": ALL,
        "scores": scores(3),
        "evidence": EVIDENCE,
        "lon": 103.63,
        "lat": 36.1,
    }
    made = county.post(
        "/api/v1/disasters/communities", json.dumps(body), content_type="application/json"
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    review = {"passed": True, "scores": scores(4), "opinion": "合格"}
    url = f"/api/v1/disasters/communities/{pk}"
    assert (
        city.post(
            f"{url}/county-review", json.dumps(review), content_type="application/json"
        ).status_code
        == 404
    )
    r = county.post(f"{url}/county-review", json.dumps(review), content_type="application/json")
    assert r.status_code == 200 and r.json()["county_total"] == 96
    name = {"decision": "name", "opinion": "合格", "named_on": "2026-11-20"}
    assert (
        county.post(
            f"{url}/city-review", json.dumps(name), content_type="application/json"
        ).status_code
        == 404
    )
    r = city.post(f"{url}/city-review", json.dumps(name), content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "named"
    visit = {"visited_on": "2026-11-25", "inspectors": "张伟", "findings": "良好", "result": "good"}
    r = city.post(f"{url}/inspections", json.dumps(visit), content_type="application/json")
    assert r.status_code == 201 and r.json()["in_window"] is True
    assert len(county.get(f"{url}/inspections").json()) == 1
    layer = county.get("/api/v1/disasters/communities-geojson").json()
    labels = {f["id"]: f for f in layer["features"]}
    assert labels[pk]["geometry"]["coordinates"] == [103.63, 36.1]
    named = {
        c.pk
        for c in DemoCommunity.objects.filter(status="named", region__path__contains="/620104/")
    }
    assert set(labels) == named  # 西固 sees its own named communities only, 城关's not
    city_layer = city.get("/api/v1/disasters/communities-geojson").json()["features"]
    cg = [f for f in city_layer if "畅家巷" in f["properties"]["label"]]
    assert cg and "位置为城关区中心" in cg[0]["properties"]["label"]
    assert as_user("enterprise").get("/api/v1/disasters/communities-geojson").status_code == 403


def test_the_card(as_user, persona):
    from django.test import RequestFactory

    from yingji.disasters.cards import communities

    request = RequestFactory().get("/")
    request.user = persona("county_a")
    card = communities(request)
    labels = {i["label"]: i["count"] for i in card["items"]}
    assert labels["待县区初审的示范社区申报"] == 1
    assert "待市级评审的示范社区申报" not in labels  # the county does not do the city's 评审
    request.user = persona("section")
    labels = {i["label"]: i["count"] for i in communities(request)["items"]}
    assert labels["待市级评审的示范社区申报"] == 1 and "待县区初审的示范社区申报" not in labels
    assert CommunityInspection.objects.filter(is_demo=True).count() == 3
