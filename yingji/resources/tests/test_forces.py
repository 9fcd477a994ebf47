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
    page = as_user("section").get("/resources/teams/ranking/?year=2030").content.decode()
    assert team.name in page and "优秀" in page and "尚未发布" in page
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


# --- 发布: the year's result published, then frozen and visible to the teams' keepers --------


def _evaluated(persona, year=2030):
    team = _social()
    user = persona("section")
    with actor_context(user, source="test"):
        services.do_evaluate_team(actor=user, team=team, data=EvaluationIn(year=year, scores=FULL))
    return team


def _publish(user, year=2030):
    with actor_context(user, source="test"):
        return services.do_publish_evaluations(actor=user, year=year)


def test_before_publication_only_the_evaluators_see_the_result(persona, as_user):
    team = _evaluated(persona)
    for who in ("county_a", "leader"):
        r = as_user(who).get("/api/v1/resources/evaluations?year=2030")
        assert r.status_code == 200 and r.json() == [], who
        assert (
            team.name
            not in as_user(who).get("/resources/teams/ranking/?year=2030").content.decode()
        )
    seen = as_user("section").get("/api/v1/resources/evaluations?year=2030").json()
    assert [(e["team"], e["published_at"]) for e in seen] == [(team.pk, None)]


def test_publishing_freezes_the_scores_and_shows_the_result_to_the_teams_keepers(persona, as_user):
    from yingji.core.errors import InvalidTransition
    from yingji.core.models import AuditEvent

    team = _evaluated(persona)
    section = persona("section")
    page = as_user("section").get("/resources/teams/ranking/?year=2030").content.decode()
    assert 'id="publish-form"' in page
    r = as_user("section").post("/resources/teams/ranking/publish/", {"year": "2030"}, follow=True)
    assert "已发布2030年度评估结果" in r.content.decode()
    evaluation = TeamEvaluation.objects.get(team=team, year=2030)
    assert evaluation.published_at is not None and evaluation.published_by == section
    event = AuditEvent.objects.filter(verb="resources.evaluation.published").latest("pk")
    assert "2030年度" in event.message
    # frozen: no new score for the year, no second publication; nothing changed
    with pytest.raises(InvalidTransition, match="已发布"), actor_context(section, source="test"):
        services.do_evaluate_team(
            actor=section, team=team, data=EvaluationIn(year=2030, scores={**FULL, "response": 0})
        )
    with pytest.raises(InvalidTransition, match="不能重复发布"):
        _publish(section)
    assert TeamEvaluation.objects.get(pk=evaluation.pk).total == Decimal("100.0")
    # visible now to those who may see the team (a county sees the city's teams, the leadership)
    for who in ("county_a", "leader"):
        seen = as_user(who).get("/api/v1/resources/evaluations?year=2030").json()
        assert [e["team"] for e in seen] == [team.pk], who
        page = as_user(who).get("/resources/teams/ranking/?year=2030").content.decode()
        assert team.name in page and "已于" in page and 'id="publish-form"' not in page
    page = as_user("section").get("/resources/teams/ranking/?year=2030").content.decode()
    assert 'id="publish-form"' not in page


@pytest.mark.parametrize("who", ["leader", "county_a", "enterprise"])
def test_publishing_is_refused_to_others_and_changes_nothing(persona, as_user, who):
    team = _evaluated(persona)
    with pytest.raises(NotPermitted):
        _publish(persona(who))
    r = as_user(who).post(
        "/api/v1/resources/evaluations/publish", json.dumps({"year": 2030}), "application/json"
    )
    assert r.status_code == 403
    assert (
        as_user(who).post("/resources/teams/ranking/publish/", {"year": "2030"}).status_code == 403
    )
    assert TeamEvaluation.objects.get(team=team, year=2030).published_at is None
    assert (
        'id="publish-form"'
        not in as_user(who).get("/resources/teams/ranking/?year=2030").content.decode()
    )


def test_publishing_a_year_without_evaluations_is_refused(as_user):
    r = as_user("section").post(
        "/api/v1/resources/evaluations/publish", json.dumps({"year": 2099}), "application/json"
    )
    assert r.status_code == 422 and "还没有评估记录" in r.json()["message"]
    r = as_user("section").post(
        "/api/v1/resources/evaluations/publish", json.dumps({"year": 1900}), "application/json"
    )
    assert r.status_code in (400, 422)
    assert not TeamEvaluation.objects.filter(published_at__isnull=False, year=2099).exists()


def test_the_api_publishes_a_year(persona, as_user):
    team = _evaluated(persona)
    r = as_user("section").post(
        "/api/v1/resources/evaluations/publish", json.dumps({"year": 2030}), "application/json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["year"] == 2030 and r.json()["count"] == 1 and r.json()["published_at"]
    assert TeamEvaluation.objects.get(team=team, year=2030).published_at is not None
