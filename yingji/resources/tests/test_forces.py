"""Forces: teams, agreements, experts and shelters (lists with filters and export, record pages,
the API), and the yearly evaluation of social rescue forces (T44) with its scheme as data."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from yingji.core.context import actor_context
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.resources import services
from yingji.resources.evaluation import scheme, score
from yingji.resources.models import Agreement, Shelter, Team, TeamEvaluation
from yingji.resources.schemas import EvaluationIn

pytestmark = pytest.mark.django_db

FULL = {i["code"]: i["max"] for i in scheme()["items"]}


@pytest.mark.parametrize(
    "scores, total, grade",
    [
        (FULL, Decimal("100.0"), "优秀"),
        ({**FULL, "response": 15}, Decimal("90.0"), "优秀"),
        ({**FULL, "response": 14.9}, Decimal("89.9"), "良好"),
        ({k: v * 0.6 for k, v in FULL.items()}, Decimal("60.0"), "合格"),
        ({k: 0 for k in FULL}, Decimal("0.0"), "不合格"),
    ],
)
def test_score_and_grade_from_the_scheme(scores, total, grade):
    assert score(scores) == (total, grade)


@pytest.mark.parametrize(
    "scores, message",
    [
        ({**FULL, "response": 26}, "0 至 25"),
        ({k: v for k, v in FULL.items() if k != "training"}, "请为“培训与演练”打分"),
        ({**FULL, "bogus": 1}, "没有分项"),
    ],
)
def test_score_refuses_bad_scores(scores, message):
    with pytest.raises(ValueError, match=message):
        score(scores)


def _social():
    return Team.objects.filter(kind="social").order_by("pk").first()


def test_city_staff_evaluate_a_social_force_and_the_ranking_shows_it(persona, as_user):
    team = _social()
    user = persona("section")
    with actor_context(user, source="test"):
        evaluation = services.do_evaluate_team(
            actor=user, team=team, data=EvaluationIn(year=2030, scores=FULL, remarks="表现突出")
        )
    assert (evaluation.total, evaluation.grade) == (Decimal("100.0"), "优秀")
    page = as_user("county_a").get("/resources/teams/ranking/?year=2030").content.decode()
    assert team.name in page and "优秀" in page
    for who in ("county_a", "leader"):
        with pytest.raises(NotPermitted), actor_context(persona(who), source="test"):
            services.do_evaluate_team(
                actor=persona(who), team=team, data=EvaluationIn(year=2031, scores=FULL)
            )
    fire = Team.objects.filter(kind="fire").first()
    with (
        pytest.raises(ValidationFailed, match="只针对社会应急力量"),
        actor_context(user, source="test"),
    ):
        services.do_evaluate_team(actor=user, team=fire, data=EvaluationIn(year=2030, scores=FULL))
    assert not TeamEvaluation.objects.filter(year=2031).exists()


def test_the_evaluation_form(as_user):
    team = _social()
    client = as_user("section")
    page = client.get(team.get_absolute_url()).content.decode()
    assert 'id="evaluation-form"' in page
    assert (
        'id="evaluation-form"'
        not in as_user("county_a").get(team.get_absolute_url()).content.decode()
    )
    form = {"year": "2029", **{f"score_{k}": str(v) for k, v in FULL.items()}}
    form["score_response"] = "30"
    r = client.post(f"/resources/teams/{team.pk}/evaluate/", form, follow=True)
    assert "0 至 25" in r.content.decode()
    assert not TeamEvaluation.objects.filter(team=team, year=2029).exists()
    form["score_response"] = "20"
    r = client.post(f"/resources/teams/{team.pk}/evaluate/", form, follow=True)
    assert "已保存年度评估" in r.content.decode()
    assert TeamEvaluation.objects.get(team=team, year=2029).total == Decimal("95.0")


@pytest.mark.parametrize("path", ["teams", "agreements", "experts", "shelters"])
def test_lists_filter_and_export(as_user, path):
    client = as_user("section")
    assert client.get(f"/resources/{path}/").status_code == 200
    r = client.get(f"/resources/{path}/?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    api = client.get(f"/api/v1/resources/{path}?limit=500")
    assert api.status_code == 200 and int(api["X-Total-Count"]) >= 4


def test_expiring_and_expired_agreements_are_flagged(as_user):
    client = as_user("section")
    expiring = client.get("/api/v1/resources/agreements?state=expiring").json()
    expired = client.get("/api/v1/resources/agreements?state=expired").json()
    assert expiring and expired
    page = client.get("/resources/agreements/?state=expired").content.decode()
    assert "已过期" in page and expired[0]["title"] in page


def test_a_county_sees_its_own_and_the_citys_forces_and_registers_its_own(as_user):
    client = as_user("county_a")
    teams = client.get("/api/v1/resources/teams?limit=500").json()
    regions = {t["region"][:6] for t in teams if t["level"] != "city"}
    assert regions <= {"620104"} and any(t["level"] == "city" for t in teams)
    assert not any("城关区基层" in t["name"] for t in teams)
    data = {
        "name": "西固区陈坪街道应急分队",
        "kind": "grassroots",
        "specialty": "general",
        "headcount": 12,
        "level": "township",
        "region": "620104",
    }
    r = client.post("/api/v1/resources/teams", json.dumps(data), content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["owner"] == "XGQ-YJJ"
    other = {**data, "name": "越权队伍", "region": "620102"}
    r = client.post("/api/v1/resources/teams", json.dumps(other), content_type="application/json")
    assert r.status_code == 403 and not Team.objects.filter(name="越权队伍").exists()
    ent = as_user("enterprise")
    assert ent.get("/api/v1/resources/teams").json() == []
    assert ent.get("/api/v1/resources/experts").json() == []
    shelter = Shelter.objects.filter(region__code="620102").first()
    assert client.get(shelter.get_absolute_url()).status_code == 404
    assert as_user("county_b").get(shelter.get_absolute_url()).status_code == 200


def test_register_an_agreement_and_a_shelter_through_the_api(as_user):
    client = as_user("section")
    agreement = {
        "title": "无人机侦察合作协议",
        "kind": "aviation",
        "partner": "某无人机公司",
        "content": "无人机5架",
        "valid_from": "2026-01-01",
        "valid_until": "2025-01-01",
        "level": "city",
        "region": "620102",
    }
    r = client.post(
        "/api/v1/resources/agreements", json.dumps(agreement), content_type="application/json"
    )
    assert r.status_code == 422 and "不能早于生效日期" in r.json()["message"]
    agreement["valid_until"] = "2027-12-31"
    r = client.post(
        "/api/v1/resources/agreements", json.dumps(agreement), content_type="application/json"
    )
    assert r.status_code == 201 and Agreement.objects.filter(title="无人机侦察合作协议").exists()
    shelter = {
        "name": "测试避难场所",
        "kind": "emergency",
        "capacity": 500,
        "level": "county",
        "lon": 103.835,
        "lat": 36.055,
    }
    r = client.post(
        "/api/v1/resources/shelters", json.dumps(shelter), content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["region"].startswith("620102")
