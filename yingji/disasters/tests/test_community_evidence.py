"""示范社区 per-criterion evidence (issue #17, T54): each criterion claimed in the self-assessment
(a 基本条件 ticked, a 基本要素 scored above 0) has its own evidence — a note and files through
the upload helper — or the self-assessment is refused with a clear message and nothing written;
the county's review and the city's 督查 read it on the community's page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingji.core.context import actor_context
from yingji.core.errors import ValidationFailed
from yingji.core.models import Attachment
from yingji.disasters import services
from yingji.disasters.models import CommunityEvidence, DemoCommunity
from yingji.disasters.schemas import CommunityApplyIn, CommunityCountyReviewIn, CommunityResubmitIn
from yingji.standards import demo_community as dc

pytestmark = pytest.mark.django_db

ALL = ["satisfaction", "no_major_accident", "plan_and_drill"]
VILLAGE = "620104001003"  # 西固东路社区 (no demo application)
ELEMENTS = [e["code"] for e in dc.criteria()["elements"]]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scores(**change):
    return {e["code"]: e["max"] for e in dc.criteria()["elements"]} | change


def notes(*leave_out):
    return {c: f"{c}的佐证说明" for c in ALL + ELEMENTS if c not in leave_out}


def pdf(name="记录.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def apply(user, evidence, files=None, **extra):
    data = {"region": VILLAGE, "level": "city", "year": 2026, "conditions": ALL}
    data |= {"scores": scores(), "evidence": evidence} | extra
    with actor_context(user, source="test"):
        return services.do_apply_demo_community(
            actor=user, data=CommunityApplyIn(**data), files=files
        )


def _counts():
    return (
        DemoCommunity.objects.count(),
        CommunityEvidence.objects.count(),
        Attachment.objects.count(),
    )


@pytest.mark.parametrize(
    ("leave_out", "message"),
    [
        (
            "plan_and_drill",
            "基本条件“具有符合社区特点的综合灾害应急救助预案,并定期开展演练”自评为具备,但没有佐证材料",
        ),
        ("teams", "基本要素“应急队伍”自评10分,但没有佐证材料"),
        ("organisation", "基本要素“组织管理”自评10分,但没有佐证材料"),
    ],
)
def test_a_criterion_claimed_without_evidence_is_refused(persona, leave_out, message):
    before = _counts()
    with pytest.raises(ValidationFailed, match=message) as refused:
        apply(persona("county_a"), notes(leave_out), files={"satisfaction": [pdf()]})
    assert refused.value.details["missing"] == [leave_out]
    assert "否则不能自评为具备或得分" in str(refused.value)
    assert _counts() == before  # nothing written, not even the valid file


def test_a_file_alone_is_evidence_and_an_unclaimed_criterion_needs_none(persona):
    # 居民参与 scored 0: not claimed, so no evidence needed; 应急队伍 has a file and no note
    community = apply(
        persona("county_a"),
        notes("participation", "teams"),
        files={"teams": [pdf("队伍名册.pdf")]},
        scores=scores(participation=0, education=15),
    )
    rows = {r.criterion: r for r in CommunityEvidence.objects.filter(community=community)}
    assert "participation" not in rows and rows["teams"].note == ""
    files = Attachment.objects.for_object(rows["teams"])
    assert [a.original_name for a in files] == ["队伍名册.pdf"]
    assert files[0].description == "佐证材料:应急队伍"
    assert rows["satisfaction"].note == "satisfaction的佐证说明"
    assert rows["satisfaction"].recorded_by.username == "xigu_staff"


def test_a_bad_file_is_refused_before_anything_is_written(persona):
    before = _counts()
    bad = SimpleUploadedFile("演练.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        apply(persona("county_a"), notes(), files={"plan_and_drill": [bad]})
    with pytest.raises(ValidationFailed, match="最多上传5个"):
        apply(persona("county_a"), notes(), files={"teams": [pdf(f"{i}.pdf") for i in range(6)]})
    with pytest.raises(ValidationFailed, match="创建标准“nonsense”不存在"):
        apply(persona("county_a"), notes() | {"nonsense": "x"})
    assert _counts() == before


def test_resubmission_keeps_the_evidence_and_new_claims_need_theirs(persona):
    county = persona("county_a")
    community = apply(county, notes("participation"), scores=scores(participation=0))
    with actor_context(county, source="test"):
        services.do_review_demo_community_county(
            actor=county,
            community=community,
            data=CommunityCountyReviewIn(passed=False, opinion="请补充居民参与材料"),
        )
        community.refresh_from_db()
        # now claiming 居民参与 without evidence: refused; the old evidence still counts
        with pytest.raises(ValidationFailed, match="基本要素“居民参与与特色”自评8分"):
            services.do_resubmit_demo_community(
                actor=county,
                community=community,
                data=CommunityResubmitIn(
                    conditions=ALL, scores=scores(participation=8), version=community.version
                ),
            )
        services.do_resubmit_demo_community(
            actor=county,
            community=community,
            data=CommunityResubmitIn(
                conditions=ALL,
                scores=scores(participation=8),
                evidence={"participation": "居民参与活动记录", "teams": "新的队伍说明"},
                version=community.version,
            ),
            files={"participation": [pdf("活动照片.pdf")]},
        )
    rows = {r.criterion: r for r in CommunityEvidence.objects.filter(community=community)}
    assert rows["participation"].note == "居民参与活动记录"
    assert rows["teams"].note == "新的队伍说明"  # replaced
    assert rows["satisfaction"].note == "satisfaction的佐证说明"  # kept


def test_the_county_review_and_the_inspection_show_the_evidence(persona, as_user):
    community = apply(persona("county_a"), notes(), files={"plan_and_drill": [pdf("演练记录.pdf")]})
    county = as_user("county_a").get(community.get_absolute_url()).content.decode()
    checklist = county.split('id="community-checklist"')[1].split("</table>")[0]
    assert "演练记录.pdf" in checklist and "plan_and_drill的佐证说明" in checklist
    review = county.split('id="county-review-evidence"')[1].split("</form>")[0]
    assert "teams的佐证说明" in review
    with actor_context(persona("county_a"), source="test"):
        services.do_review_demo_community_county(
            actor=persona("county_a"),
            community=community,
            data=CommunityCountyReviewIn(passed=True, scores=scores(), opinion="合格"),
        )
    city = as_user("section").get(community.get_absolute_url()).content.decode()
    visit = city.split('id="inspect-evidence"')[1].split("</ul>")[0]
    assert "演练记录.pdf" in visit and "organisation的佐证说明" in visit
    api = as_user("section").get(f"/api/v1/disasters/communities/{community.pk}/evidence")
    assert api.status_code == 200
    by_code = {e["criterion"]: e for e in api.json()}
    assert by_code["plan_and_drill"]["files"][0]["name"] == "演练记录.pdf"
    assert by_code["teams"]["label"] == "应急队伍" and by_code["teams"]["note"] == "teams的佐证说明"
    other = as_user("county_b").get(f"/api/v1/disasters/communities/{community.pk}/evidence")
    assert other.status_code == 404
    attachment = Attachment.objects.get(original_name="演练记录.pdf")
    assert as_user("section").get(f"/attachments/{attachment.pk}/").status_code == 200
    assert as_user("county_b").get(f"/attachments/{attachment.pk}/").status_code in (403, 404)


def test_the_web_form_takes_notes_and_files_per_criterion(as_user):
    county = as_user("county_a")
    form = {"region": VILLAGE, "level": "city", "year": "2026", "conditions": ALL}
    form |= {f"score_{c}": str(v) for c, v in scores().items()}
    form |= {f"evidence_{c}": n for c, n in notes("facilities").items()}
    before = _counts()
    refused = county.post("/disasters/communities/apply/", form, follow=True).content.decode()
    assert "基本要素“设施与物资”自评15分,但没有佐证材料" in refused
    assert _counts() == before
    # what was typed comes back in the form (once), so only the missing evidence is added
    assert 'id="apply-draft"' in refused and ">organisation的佐证说明</textarea>" in refused
    assert f'value="{VILLAGE}"' in refused and 'id="a-cond-satisfaction" checked' in refused
    assert 'id="apply-draft"' not in county.get("/disasters/communities/").content.decode()
    form["evidence_file_facilities"] = pdf("物资清单.pdf")
    county.post("/disasters/communities/apply/", form, follow=True)
    community = DemoCommunity.objects.get(region__code=VILLAGE)
    row = CommunityEvidence.objects.get(community=community, criterion="facilities")
    assert [a.original_name for a in Attachment.objects.for_object(row)] == ["物资清单.pdf"]
    page = county.get("/disasters/communities/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="evidence_file_teams"' in page


def test_history_names_the_criterion(persona):
    community = apply(persona("county_a"), notes())
    row = CommunityEvidence.objects.get(community=community, criterion="teams")
    assert CommunityEvidence.present_history_value("criterion", "teams") == "应急队伍"
    assert str(row) == f"{community.region.name}佐证材料(应急队伍)"
