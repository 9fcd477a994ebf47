"""预案与演练: versions and diff, filing returned then accepted, findings closed in a loop,
review lists, permissions of each persona, the pages and the API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingji.core.errors import DomainError, InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.models import AuditEvent
from yingji.core.tests.pdfs import cjk_pdf, encrypted_pdf, many_pages_pdf
from yingji.plans import selectors, services
from yingji.plans.documents import diff_lines
from yingji.plans.models import Finding, Plan
from yingji.plans.schemas import (
    DrillFindingIn,
    EmergencyDrillIn,
    EmergencyPlanIn,
    FindingRectifyIn,
    FindingVerifyIn,
    PlanFilingDecisionIn,
    PlanFilingSubmitIn,
    PlanReviseIn,
)

pytestmark = pytest.mark.django_db
OWN = "DEMO-ENT-620104-01"
ALL_ENT = ["application", "review_opinion", "document", "risk_assessment", "resource_survey"]


def _docx(*paragraphs: str) -> SimpleUploadedFile:
    from docx import Document

    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return SimpleUploadedFile("预案.docx", buf.getvalue())


def _new_plan(user, ctx, upload=None, code="T-QY-01", **kw):
    data = EmergencyPlanIn(
        code=code,
        title="测试企业专项应急预案",
        kind="enterprise_special",
        owner=OWN,
        effective_on=dt.date(2025, 3, 1),
        text="" if upload else "正文",
        **kw,
    )
    return services.do_create_plan(actor=user, data=data, upload=upload)


def test_it_extracts_docx_text_keeps_versions_and_diffs_them(persona, ctx):
    ent = persona("enterprise")
    plan = _new_plan(ent, ctx, _docx("1 总则", "适用于储罐区泄漏。", "2 响应", "分为三级响应。"))
    assert "适用于储罐区泄漏。" in plan.text and plan.current_version == 1
    plan = services.do_revise_plan(
        actor=ent,
        plan=plan,
        data=PlanReviseIn(
            effective_on=dt.date(2026, 1, 5), reason="调整响应分级", version=plan.version
        ),
        upload=_docx("1 总则", "适用于储罐区泄漏。", "2 响应", "分为四级响应。"),
    )
    versions = {v.number: v for v in plan.versions.all()}
    assert plan.current_version == 2 and "分为三级响应。" in versions[1].text  # old text kept
    assert "分为四级响应。" in plan.text and versions[2].attachment is not None
    lines = diff_lines(versions[1].text, versions[2].text)
    assert ("-", "分为三级响应。") in lines and ("+", "分为四级响应。") in lines
    assert ("-", "适用于储罐区泄漏。") not in lines  # unchanged lines are not marked


def _pdf(data: bytes, name="预案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_it_extracts_pdf_text_for_search_and_diff(persona, ctx, as_user):
    ent = persona("enterprise")
    first = cjk_pdf([["1 总则", "适用于储罐区泄漏。"], ["2 响应", "分为三级响应。"]])
    plan = _new_plan(ent, ctx, _pdf(first))
    version = plan.versions.get()
    assert version.attachment is not None and version.text_note == ""
    assert "适用于储罐区泄漏。" in plan.text and "分为三级响应。" in plan.text
    plan = services.do_revise_plan(
        actor=ent,
        plan=plan,
        data=PlanReviseIn(
            effective_on=dt.date(2026, 1, 5), reason="调整分级", version=plan.version
        ),
        upload=_pdf(cjk_pdf([["1 总则", "适用于储罐区泄漏。"], ["2 响应", "分为四级响应。"]])),
    )
    old, new = (v.text for v in plan.versions.order_by("number"))
    lines = diff_lines(old, new)
    assert ("-", "分为三级响应。") in lines and ("+", "分为四级响应。") in lines
    # the list's search reads the extracted text
    html = as_user("section").get("/plans/?q=四级响应").content.decode()
    assert plan.code in html
    assert plan.code not in as_user("section").get("/plans/?q=五级响应").content.decode()


def test_a_pdf_without_text_is_stored_and_says_so(persona, ctx):
    plan = _new_plan(persona("enterprise"), ctx, _pdf(many_pages_pdf(2)))
    version = plan.versions.get()
    assert version.attachment is not None and plan.text == "" and "扫描件" in version.text_note


@pytest.mark.parametrize(
    "make, words",
    [(lambda: b"%PDF-1.4\n%demo\n", "已损坏"), (encrypted_pdf, "已加密")],
    ids=["broken", "encrypted"],
)
def test_a_broken_or_encrypted_pdf_is_refused_and_nothing_written(persona, ctx, make, words):
    before = (Plan.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as err:
        _new_plan(persona("enterprise"), ctx, _pdf(make()))
    assert words in err.value.message
    assert (Plan.objects.count(), AuditEvent.objects.count()) == before


def test_the_plan_page_answers_a_broken_pdf_with_a_message(as_user):
    client = as_user("enterprise")
    before = Plan.objects.count()
    response = client.post(
        "/plans/new/",
        {
            "code": "T-QY-PDF",
            "title": "损坏文件的预案",
            "kind": "enterprise_special",
            "owner": OWN,
            "effective_on": "2025-03-01",
            "file": _pdf(b"%PDF-1.4\n1 0 obj << /Type /Catalog"),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "已损坏" in response.content.decode() and Plan.objects.count() == before


def test_it_refuses_a_renamed_file_and_writes_nothing(persona, ctx):
    before = Plan.objects.count()
    with pytest.raises(ValidationFailed):
        _new_plan(persona("enterprise"), ctx, SimpleUploadedFile("预案.docx", b"MZ\x90\x00 exe"))
    assert Plan.objects.count() == before


def test_it_files_returns_refiles_and_accepts(persona, ctx):
    ent, xigu = persona("enterprise"), persona("county_a")
    plan = _new_plan(ent, ctx)
    services.do_submit_filing(actor=ent, plan=plan, data=PlanFilingSubmitIn())
    plan.refresh_from_db()
    with pytest.raises(ValidationFailed):  # materials complete: a return needs reasons
        services.do_decide_filing(
            actor=xigu, plan=plan, data=PlanFilingDecisionIn(accept=False, checklist=ALL_ENT)
        )
    plan.refresh_from_db()
    assert plan.filing_state == "submitted"
    for name in ("leader", "county_b", "enterprise"):  # read-only, other county, the filer
        with pytest.raises(NotPermitted):
            services.do_decide_filing(
                actor=persona(name), plan=plan, data=PlanFilingDecisionIn(accept=True)
            )
    services.do_decide_filing(
        actor=xigu, plan=plan, data=PlanFilingDecisionIn(accept=False, comment="缺少应急资源调查")
    )
    plan.refresh_from_db()
    assert plan.filing_state == "returned" and plan.filing_number == ""
    services.do_submit_filing(actor=ent, plan=plan, data=PlanFilingSubmitIn(note="已补充"))
    plan.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.do_submit_filing(actor=ent, plan=plan, data=PlanFilingSubmitIn())
    with pytest.raises(ValidationFailed):  # the checklist is not complete: not accepted
        services.do_decide_filing(
            actor=xigu, plan=plan, data=PlanFilingDecisionIn(accept=True, checklist=["document"])
        )
    filing = services.do_decide_filing(
        actor=xigu, plan=plan, data=PlanFilingDecisionIn(accept=True, checklist=ALL_ENT)
    )
    assert filing.checklist == ALL_ENT
    plan.refresh_from_db()
    assert plan.filing_state == "accepted" and plan.filing_number == filing.filing_number
    assert filing.filing_number.startswith("兰应急预备〔")
    assert [f.state for f in plan.filings.order_by("pk")] == ["returned", "accepted"]
    verbs = set(AuditEvent.objects.filter(object_id=str(plan.pk)).values_list("verb", flat=True))
    assert {"plans.filing.returned", "plans.filing.accepted"} <= verbs


def test_a_city_plan_is_not_filed(persona, ctx):
    plan = Plan.objects.get(code="DEMO-YA-620100-ZT")
    with pytest.raises(InvalidTransition):
        services.do_submit_filing(
            actor=persona("section"), plan=plan, data=PlanFilingSubmitIn(version=plan.version)
        )


def test_a_finding_is_tracked_to_verified(persona, ctx):
    ent = persona("enterprise")
    plan = _new_plan(ent, ctx)
    today = timezone.localdate()
    drill = services.do_record_drill(
        actor=ent,
        data=EmergencyDrillIn(
            title="泄漏处置演练", kind="special", held_on=today, organiser=OWN, plans=[plan.pk]
        ),
    )
    f = services.do_add_finding(
        actor=ent,
        drill=drill,
        data=DrillFindingIn(description="堵漏工具缺失", owner_name="王五", due_on=today),
    )
    with pytest.raises(InvalidTransition):  # cannot verify before it is rectified
        services.do_verify_finding(
            actor=ent, finding=f, data=FindingVerifyIn(passed=True, opinion="很好")
        )
    f = services.do_rectify_finding(
        actor=ent, finding=f, data=FindingRectifyIn(rectification="已配齐")
    )
    f = services.do_verify_finding(
        actor=ent, finding=f, data=FindingVerifyIn(passed=False, opinion="数量仍不足")
    )
    assert f.state == "open"
    f = services.do_rectify_finding(
        actor=ent, finding=f, data=FindingRectifyIn(rectification="已补齐")
    )
    f = services.do_verify_finding(
        actor=ent, finding=f, data=FindingVerifyIn(passed=True, opinion="整改到位")
    )
    assert f.state == "verified" and f.verified_by == ent
    with pytest.raises(NotPermitted):  # another county cannot touch it
        services.do_rectify_finding(
            actor=persona("county_b"), finding=f, data=FindingRectifyIn(rectification="xx")
        )


def test_a_drill_cannot_exercise_another_enterprises_plan(persona, ctx):
    other = Plan.objects.filter(enterprise__isnull=False).exclude(owner__code=OWN).first()
    county_plan = Plan.objects.get(code="DEMO-YA-620102-FX")  # 城关's plan
    for plan in filter(None, (other, county_plan)):
        with pytest.raises(DomainError):
            services.do_record_drill(
                actor=persona("county_a"),
                data=EmergencyDrillIn(
                    title="x演练",
                    kind="tabletop",
                    held_on=timezone.localdate(),
                    organiser="XGQ-YJJ",
                    plans=[plan.pk],
                ),
            )


def test_review_lists_and_overdue_findings_from_the_demo(persona):
    city = persona("section")
    lists = selectors.review_lists(city)
    overdue = {p.code for p in lists["overdue"]}
    # effective 3.4 and 3.2 years ago, 3-year cycle: overdue; 1.2 years ago: not
    assert "DEMO-YA-620104-WHP" in overdue and "DEMO-YA-620100-DZ" not in overdue
    assert any(name == "西固区" for name, _ in lists["overdue_by_county"])
    assert "DEMO-YA-620102-FX" not in {
        p.code for p in selectors.review_lists(persona("county_a"))["overdue"]
    }
    late = selectors.overdue_findings(city)
    assert late.exists() and all(f.state == "open" for f in late)
    cg = selectors.overdue_findings(persona("county_b"))
    assert cg.exists() and not cg.filter(drill__region__code="620104").exists()


def test_each_persona_sees_what_it_should(persona):
    def codes(name):
        return set(selectors.visible_plans(persona(name)).values_list("code", flat=True))

    ent, xigu, cg = codes("enterprise"), codes("county_a"), codes("county_b")
    assert "DEMO-QY-620104-01-ZH" in ent and "DEMO-YA-620100-ZT" in ent
    owners = selectors.visible_plans(persona("enterprise")).filter(enterprise__isnull=False)
    assert set(owners.values_list("owner__code", flat=True)) == {OWN}
    assert "DEMO-YA-620100-ZT" in xigu and "DEMO-QY-620104-01-ZH" in xigu
    assert "DEMO-YA-620102-FX" not in xigu and "DEMO-YA-620104-ZT" not in cg
    assert codes("leader") >= ent | xigu | cg
    assert not selectors.visible_plans(persona("leader"), "change").exists()
    assert not selectors.visible_drills(persona("county_b")).filter(region__code="620104").exists()


def test_pages_for_the_filing_journey(as_user):
    plan = Plan.objects.get(code="DEMO-QY-620104-01-XL")  # submitted in the demo
    ent, xigu, cg = as_user("enterprise"), as_user("county_a"), as_user("county_b")
    page = ent.get(plan.get_absolute_url()).content.decode()
    assert "已报送待审" in page and "予以备案" not in page
    assert "予以备案" in xigu.get(plan.get_absolute_url()).content.decode()
    assert cg.get(plan.get_absolute_url()).status_code == 404
    r = xigu.post(
        f"/plans/{plan.pk}/filing/decide/",
        {"accept": "false", "comment": "请补充附件", "version": plan.version},
    )
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.filing_state == "returned"
    assert "请补充附件" in ent.get(plan.get_absolute_url()).content.decode()
    diff = as_user("section").get(f"/plans/{Plan.objects.get(code='DEMO-YA-620100-ZT').pk}/diff/")
    assert "一级为最高级别" in diff.content.decode()
    export = xigu.get("/plans/?export=csv&review=overdue")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "西固区危险化学品事故应急预案" in body and "城关区防汛" not in body


def test_api_lists_decides_and_diffs(as_user):
    xigu = as_user("county_a")
    r = xigu.get("/api/v1/plans?review=overdue")
    assert r.status_code == 200 and int(r["X-Total-Count"]) == len(r.json()) > 0
    plan = Plan.objects.get(code="DEMO-QY-620104-01-XL")
    r = xigu.post(
        f"/api/v1/plans/{plan.pk}/filings/decision",
        {"accept": True, "checklist": ALL_ENT, "version": plan.version},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    r = as_user("enterprise").post(
        f"/api/v1/plans/{plan.pk}/filings/decision",
        {"accept": True},
        content_type="application/json",
    )
    assert r.status_code == 404  # not a filing the enterprise may decide
    zt = Plan.objects.get(code="DEMO-YA-620100-ZT")
    lines = as_user("leader").get(f"/api/v1/plans/{zt.pk}/diff").json()["lines"]
    assert {
        "mark": "+",
        "text": "应急响应:响应分为一级、二级、三级、四级,一级为最高级别。",
    } in lines
    r = as_user("enterprise").get("/api/v1/drill-findings?overdue=true")
    assert r.status_code == 200 and all(f["state"] == "open" for f in r.json())
    assert Finding.objects.filter(state="verified").exists()
