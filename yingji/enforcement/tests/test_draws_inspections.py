"""双随机 draws (reproducible, avoidance, audited, published publicly), the 事前公示 page, an
inspection's officers, recordings, 责令限期整改指令书 (.docx with the deadline), 复查 scheduled
after the deadline and its result closing or escalating, 专项整治 progress; per persona."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.enforcement import selectors, services
from yingji.enforcement.models import (
    Campaign,
    LawOfficer,
    RandomDraw,
    Recording,
    RectificationOrder,
    ReInspection,
)
from yingji.enforcement.schemas import (
    EnfCampaignIn,
    EnfDrawIn,
    EnfDrawInspectionIn,
    EnfDrawPublishIn,
    EnfInspectionOfficersIn,
    EnfOrderIn,
    EnfRecordingIn,
    EnfReInspectionIn,
)
from yingji.inspections.models import Inspection

pytestmark = pytest.mark.django_db


def _draw_in(**kw):
    return EnfDrawIn(**{"campaign_name": "测试抽查", "targets": 3, "per_target": 2, **kw})


def _pairs(draw):
    return [
        (r.enterprise_id, tuple(sorted(o.pk for o in r.officers.all()))) for r in draw.results.all()
    ]


def test_same_seed_same_result_different_seed_differs(persona, ctx):
    user = persona("county_a")
    a = services.do_run_draw(actor=user, data=_draw_in(seed=42))
    b = services.do_run_draw(actor=user, data=_draw_in(seed=42))
    assert _pairs(a) == _pairs(b) and a.seed == 42 and len(_pairs(a)) == 3
    others = {
        tuple(_pairs(services.do_run_draw(actor=user, data=_draw_in(seed=s)))) for s in (1, 2, 3)
    }
    assert len(others | {tuple(_pairs(a))}) > 1
    event = AuditEvent.objects.filter(verb="enforcement.draw.drawn").latest("pk")
    assert "随机种子" in event.message and event.object_id == str(
        RandomDraw.objects.latest("pk").pk
    )


def test_the_draw_uses_only_certified_officers_and_honours_avoidance(persona, ctx):
    user = persona("county_a")
    conflicted = LawOfficer.objects.get(certificate_no="62010420190002")  # 杨静
    ent = conflicted.conflicts.get().enterprise_id
    expired = LawOfficer.objects.get(certificate_no="62010420160004")  # 何平
    for seed in range(15):
        draw = services.do_run_draw(actor=user, data=_draw_in(seed=seed, targets=10))
        assert expired.pk not in draw.officer_pool
        for target, officers in _pairs(draw):
            assert expired.pk not in officers
            if target == ent:
                assert conflicted.pk not in officers


def test_a_seed_without_enough_officers_changes_nothing(persona, ctx):
    before = RandomDraw.objects.count()
    with pytest.raises(ValidationFailed, match="不足"):
        services.do_run_draw(actor=persona("county_a"), data=_draw_in(per_target=5, seed=1))
    assert RandomDraw.objects.count() == before


@pytest.mark.parametrize("name", ["leader", "enterprise"])
def test_leader_and_enterprise_cannot_draw(persona, ctx, name):
    before = RandomDraw.objects.count()
    with pytest.raises(NotPermitted):
        services.do_run_draw(actor=persona(name), data=_draw_in(seed=1))
    assert RandomDraw.objects.count() == before


def test_publishing_puts_the_draw_on_the_public_page(persona, ctx, client):
    user = persona("county_b")
    draw = services.do_run_draw(actor=user, data=_draw_in(campaign_name="城关区抽查测试", seed=9))
    anonymous = Client()
    assert "城关区抽查测试" not in anonymous.get("/enforcement/public/draws/").content.decode()
    with pytest.raises(NotPermitted):  # another bureau cannot publish it
        services.do_publish_draw(actor=persona("county_a"), draw=draw, data=EnfDrawPublishIn())
    services.do_publish_draw(actor=user, draw=draw, data=EnfDrawPublishIn())
    page = anonymous.get("/enforcement/public/draws/").content.decode()
    assert "城关区抽查测试" in page
    name = draw.results.first().officers.first().name
    assert name in page
    with pytest.raises(InvalidTransition):
        services.do_publish_draw(actor=user, draw=draw, data=EnfDrawPublishIn())
    assert AuditEvent.objects.filter(verb="enforcement.draw.published", object_id=str(draw.pk))


def test_a_published_draw_target_becomes_an_inspection_once(persona, ctx):
    """双随机 → 检查 in one action: the drawn enterprise and officers become a 专项检查 with that
    team; only after 公开, once per target, only by the drawing bureau; audited."""
    user = persona("county_b")
    draw = services.do_run_draw(actor=user, data=_draw_in(campaign_name="抽查转检查", seed=11))
    result = draw.results.order_by("position").first()
    data = EnfDrawInspectionIn(result_id=result.pk, inspected_on=timezone.localdate())
    before = Inspection.objects.count()
    with pytest.raises(InvalidTransition, match="公开后"):
        services.do_start_draw_inspection(actor=user, draw=draw, data=data)
    services.do_publish_draw(actor=user, draw=draw, data=EnfDrawPublishIn())
    with pytest.raises(NotPermitted):  # another bureau
        services.do_start_draw_inspection(actor=persona("county_a"), draw=draw, data=data)
    assert Inspection.objects.count() == before
    inspection = services.do_start_draw_inspection(actor=user, draw=draw, data=data)
    assert inspection.enterprise_id == result.enterprise_id and inspection.kind == "special"
    drawn = sorted(result.officers.values_list("pk", flat=True))
    assert sorted(selectors.team_of(inspection.pk).values_list("pk", flat=True)) == drawn
    result.refresh_from_db()
    assert result.inspection_id == inspection.pk
    event = AuditEvent.objects.filter(verb="enforcement.draw.inspection").latest("pk")
    assert inspection.number in event.message and event.object_id == str(draw.pk)
    with pytest.raises(InvalidTransition, match="已安排检查"):
        services.do_start_draw_inspection(actor=user, draw=draw, data=data)
    other = EnfDrawInspectionIn(result_id=999999, inspected_on=timezone.localdate())
    with pytest.raises(ValidationFailed):
        services.do_start_draw_inspection(actor=user, draw=draw, data=other)
    assert Inspection.objects.count() == before + 1


def test_the_demo_draw_is_public_with_its_seed():
    page = Client().get("/enforcement/public/draws/").content.decode()
    assert "20221130" in page and "危险化学品企业双随机抽查" in page


def test_the_public_notice_lists_what_118_requires():
    page = Client().get("/enforcement/public/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "西固区应急管理局" in body and "62010420190001" in body  # 马国栋 (valid)
    assert "62010420160004" not in body  # 何平: expired, not listed
    assert "随机抽查事项清单" in body and "国办发〔2015〕58号" in body
    # 国办发〔2018〕118号 事前公开: also 职责权限, 程序 and 救济方式, and the way to 事后公开
    assert 'id="duties"' in body and "第六十五条" in body
    assert 'id="procedure"' in body and "第六十条" in body
    assert 'id="remedies"' in body and "六十日内申请行政复议" in body
    assert 'href="/penalties/public/"' in body


def test_draw_pages_per_persona(as_user):
    draw = RandomDraw.objects.filter(is_demo=True).get()
    assert as_user("enterprise").get("/enforcement/draws/").status_code == 403
    assert as_user("enterprise").get(f"/enforcement/draws/{draw.pk}/").status_code == 200  # public
    page = as_user("leader").get("/enforcement/draws/new/")
    assert page.status_code == 403
    assert as_user("section").get("/enforcement/draws/new/").status_code == 200


# --- inspections -----------------------------------------------------------------------------


def _inspection(state="completed", code="XGQ-YJJ"):
    return (
        Inspection.objects.filter(state=state, authority__code=code, findings__isnull=False)
        .distinct()
        .first()
    )


def _team(*certs):
    return [LawOfficer.objects.get(certificate_no=c).pk for c in certs]


def test_naming_officers_on_an_inspection(persona, ctx):
    insp = _inspection()
    user = persona("county_a")
    good = _team("62010420190001", "62010420200003")
    before = sorted(selectors.team_of(insp.pk).values_list("pk", flat=True))  # the demo's team
    with pytest.raises(ValidationFailed, match="不得少于2人"):
        services.do_name_inspection_officers(
            actor=user, inspection=insp, data=EnfInspectionOfficersIn(officer_ids=good[:1])
        )
    late = LawOfficer.objects.get(certificate_no="62010420160004")
    if late.valid_until < insp.inspected_on:
        with pytest.raises(ValidationFailed, match="何平"):
            services.do_name_inspection_officers(
                actor=user,
                inspection=insp,
                data=EnfInspectionOfficersIn(officer_ids=[good[0], late.pk]),
            )
    assert sorted(selectors.team_of(insp.pk).values_list("pk", flat=True)) == before
    with pytest.raises(NotPermitted):  # 城关区 does not act on 西固区's inspection
        services.do_name_inspection_officers(
            actor=persona("county_b"),
            inspection=insp,
            data=EnfInspectionOfficersIn(officer_ids=good),
        )
    services.do_name_inspection_officers(
        actor=user, inspection=insp, data=EnfInspectionOfficersIn(officer_ids=good)
    )
    assert sorted(selectors.team_of(insp.pk).values_list("pk", flat=True)) == sorted(good)
    assert AuditEvent.objects.filter(verb="enforcement.inspection.officers").exists()


MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def test_recordings_need_a_named_recorder_and_a_real_file(persona, ctx):
    insp = _inspection()
    user = persona("county_a")
    team = _team("62010420190001", "62010420200003")
    services.do_name_inspection_officers(
        actor=user, inspection=insp, data=EnfInspectionOfficersIn(officer_ids=team)
    )
    video = SimpleUploadedFile("现场.mp4", MP4, content_type="video/mp4")
    rec = services.do_add_recording(
        actor=user,
        inspection=insp,
        data=EnfRecordingIn(kind="video", recorded_by_id=team[0], description="储罐区"),
        upload=video,
    )
    assert rec.recorded_by_id == team[0] and rec.mime_type == "video/mp4"
    before = Recording.objects.count()
    fake = SimpleUploadedFile("假视频.mp4", b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(ValidationFailed, match="不符"):
        services.do_add_recording(
            actor=user,
            inspection=insp,
            data=EnfRecordingIn(kind="video", recorded_by_id=team[0]),
            upload=fake,
        )
    other = LawOfficer.objects.get(certificate_no="62010020180001").pk
    with pytest.raises(ValidationFailed, match="记录人"):
        services.do_add_recording(
            actor=user,
            inspection=insp,
            data=EnfRecordingIn(kind="video", recorded_by_id=other),
            upload=SimpleUploadedFile("b.mp4", MP4),
        )
    assert Recording.objects.count() == before


def test_recordings_respect_the_upload_limit(persona, ctx, settings):
    """A video has its own limit (YINGJI_UPLOAD_VIDEO_MAX_BYTES), not the documents' one."""
    settings.YINGJI_UPLOAD_MAX_BYTES = 50
    settings.YINGJI_UPLOAD_VIDEO_MAX_BYTES = 50
    insp = _inspection()
    user = persona("county_a")
    team = _team("62010420190001", "62010420200003")
    services.do_name_inspection_officers(
        actor=user, inspection=insp, data=EnfInspectionOfficersIn(officer_ids=team)
    )
    with pytest.raises(ValidationFailed, match="超过上限"):
        services.do_add_recording(
            actor=user,
            inspection=insp,
            data=EnfRecordingIn(kind="video", recorded_by_id=team[0]),
            upload=SimpleUploadedFile("big.mp4", MP4),
        )


def _order(user, insp, days=10):
    return services.do_issue_order(
        actor=user,
        inspection=insp,
        data=EnfOrderIn(
            deadline=timezone.localdate() + dt.timedelta(days=days),
            officer_ids=_team("62010420190001", "62010420200003"),
        ),
    )


def test_the_order_docx_carries_the_deadline_and_the_reinspection_is_scheduled(
    persona, ctx, as_user
):
    from docx import Document

    insp = _inspection()
    order = _order(persona("county_a"), insp, days=12)
    deadline = timezone.localdate() + dt.timedelta(days=12)
    re = order.reinspection
    assert re.state == "waiting" and re.due_from == deadline + dt.timedelta(days=1)
    assert re.due_by == deadline + dt.timedelta(days=10)
    response = as_user("county_a").get(f"/enforcement/orders/{order.pk}/docx/")
    text = "\n".join(
        p.text
        for p in Document(
            io.BytesIO(
                b"".join(response.streaming_content) if response.streaming else response.content
            )
        ).paragraphs
    )
    assert f"{deadline:%Y年%m月%d日}" in text and "责令限期整改指令书" in text and "马国栋" in text
    assert as_user("county_b").get(f"/enforcement/orders/{order.pk}/docx/").status_code == 404
    # the daily job: nothing is due before the deadline, the 复查 falls due after it
    assert services.do_run_reinspection_check(today=deadline)["due"] == 0
    assert services.do_run_reinspection_check(today=deadline + dt.timedelta(days=1))["due"] >= 1
    assert ReInspection.objects.get(pk=re.pk).state == "due"


def test_a_failed_reinspection_escalates_a_passed_one_closes(persona, ctx):
    user = persona("county_a")
    insp = _inspection()
    order = _order(user, insp)
    team = _team("62010420190001", "62010420200003")
    with pytest.raises(ValidationFailed, match="届满前"):
        services.do_record_reinspection(
            actor=user,
            order=order,
            data=EnfReInspectionIn(
                passed=False, done_on=timezone.localdate(), officer_ids=team, opinion="未整改"
            ),
        )
    assert RectificationOrder.objects.get(pk=order.pk).state == "open"
    late = order.deadline + dt.timedelta(days=2)
    services.do_record_reinspection(
        actor=user,
        order=order,
        data=EnfReInspectionIn(
            passed=False, done_on=late, officer_ids=team, opinion="储罐区问题未整改"
        ),
    )
    order.refresh_from_db()
    assert order.state == "overdue" and "立案" in order.proposal
    with pytest.raises(InvalidTransition):
        services.do_record_reinspection(
            actor=user,
            order=order,
            data=EnfReInspectionIn(passed=True, done_on=late, officer_ids=team, opinion="再查"),
        )
    second = _order(user, insp)
    services.do_record_reinspection(
        actor=user,
        order=second,
        data=EnfReInspectionIn(
            passed=True, done_on=second.deadline, officer_ids=team, opinion="已整改"
        ),
    )
    assert RectificationOrder.objects.get(pk=second.pk).state == "closed"
    assert AuditEvent.objects.filter(verb="enforcement.order.reinspected").count() >= 2


def test_an_order_before_completion_or_by_the_leader_is_refused(persona, ctx):
    scheduled = Inspection.objects.filter(state="scheduled", authority__code="XGQ-YJJ").first()
    if scheduled is not None:
        with pytest.raises(InvalidTransition):
            _order(persona("county_a"), scheduled)
    with pytest.raises(NotPermitted):
        _order(persona("leader"), _inspection())


def test_inspection_record_page_per_persona(as_user):
    insp = _inspection()
    assert as_user("county_a").get(f"/enforcement/inspections/{insp.pk}/").status_code == 200
    assert as_user("county_b").get(f"/enforcement/inspections/{insp.pk}/").status_code == 404
    leader = as_user("leader").get(f"/enforcement/inspections/{insp.pk}/").content.decode()
    assert ">下达指令书</button>" not in leader


# --- 专项整治 --------------------------------------------------------------------------------


def test_the_demo_campaign_reports_progress(as_user):
    campaign = Campaign.objects.get(is_demo=True)
    progress = selectors.campaign_progress(campaign)
    assert progress["linked"] >= 1 and progress["draws"] == 1 and progress["orders"] >= 1
    page = as_user("leader").get(f"/enforcement/campaigns/{campaign.pk}/").content.decode()
    assert "进度" in page and campaign.name in page
    assert as_user("enterprise").get(f"/enforcement/campaigns/{campaign.pk}/").status_code == 404
    assert as_user("county_a").get(f"/enforcement/campaigns/{campaign.pk}/").status_code == 404


def test_campaign_creation_is_audited_and_refused_to_the_leader(persona, ctx):
    data = EnfCampaignIn(
        name="测试专项整治",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        target_inspections=5,
    )
    with pytest.raises(NotPermitted):
        services.do_create_campaign(actor=persona("leader"), data=data)
    campaign = services.do_create_campaign(actor=persona("county_a"), data=data)
    assert campaign.authority.code == "XGQ-YJJ"
    assert AuditEvent.objects.filter(
        verb="enforcement.campaign.created", object_id=str(campaign.pk)
    )


# --- core.uploads.validate_video: 执法记录仪 videos --------------------------------------------------


def test_validate_video_checks_magic_size_and_extension(settings, tmp_path):
    from django.core.files.uploadedfile import TemporaryUploadedFile

    from yingji.core.uploads import validate_video

    settings.YINGJI_UPLOAD_MAX_BYTES = 10  # the documents' limit does not apply to videos
    settings.YINGJI_UPLOAD_VIDEO_MAX_BYTES = 4096
    assert validate_video(SimpleUploadedFile("a.MP4", MP4))[0] == "video/mp4"
    webm = b"\x1a\x45\xdf\xa3" + b"\x00" * 40
    assert validate_video(SimpleUploadedFile("a.webm", webm))[0] == "video/webm"
    # a large upload arrives as a temporary file on disk: read in chunks, never decoded
    big = TemporaryUploadedFile("大.mp4", "video/mp4", 3000, None)
    big.write(MP4 + b"\x01" * (3000 - len(MP4)))
    big.seek(0)
    big.size = 3000
    mime, digest = validate_video(big)
    assert mime == "video/mp4" and len(digest) == 64
    cases = [
        (SimpleUploadedFile("假.mp4", b"MZ\x90\x00" + b"\x00" * 64), "不符"),  # an .exe renamed
        (SimpleUploadedFile("假.webm", MP4), "不符"),  # mp4 bytes named .webm
        (SimpleUploadedFile("短.mp4", b"\x00\x00"), "不符"),
        (SimpleUploadedFile("a.avi", MP4), "视频应为"),
        (SimpleUploadedFile("超.mp4", MP4 + b"\x00" * 5000), "超过上限"),
    ]
    for upload, message in cases:
        with pytest.raises(ValidationFailed, match=message):
            validate_video(upload)
