"""Issue #18, the case library's source documents and causes: investigation reports as .pdf
(text extracted under limits; broken and encrypted files refused with a message), the report
kept on the case through the import review (download scoped by the case's restrict(), its name
sanitised) or given later, 直接原因 and 间接原因 as two fields (the split of the old text, the
report's headings, search, the analysis), and a case's history without its search column."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingji.cases import parsing, selectors, services, sources
from yingji.cases.models import Case
from yingji.cases.schemas import AccidentCaseIn
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.models import Attachment, AuditEvent
from yingji.core.pdftext import pdf_lines, pdf_text
from yingji.core.tests.pdfs import cjk_pdf, encrypted_pdf, many_pages_pdf

pytestmark = pytest.mark.django_db

REPORT_PAGES = [
    [
        "兰州某精细化工有限公司“6·8”较大中毒事故调查报告",
        "2025年6月8日9时30分许,该公司反应釜检修时发生一起中毒事故,",
        "造成3人死亡、2人重伤,直接经济损失约612万元。",
        "一、事故发生经过",
        "检修工进入反应釜清理残渣时晕倒,两名同事进入施救后相继中毒。",
    ],
    [
        "二、事故发生的原因",
        "(一)直接原因",
        "作业人员未办理受限空间作业票,未进行有毒气体检测即进入反应釜。",
        "(二)间接原因",
        "企业安全生产主体责任不落实,特殊作业管理制度形同虚设;安全培训流于形式。",
        "三、事故防范和整改措施",
        "严格执行受限空间作业审批,配备气体检测仪和正压式空气呼吸器。",
    ],
]


def _pdf_upload(data: bytes, name="调查报告.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _case_in(code="T-SRC-1", **kw) -> AccidentCaseIn:
    base = {
        "code": code,
        "title": "某企业来源文件测试事故",
        "occurred_on": dt.date(2025, 6, 8),
        "industry": "hazchem",
        "accident_type": "poisoning",
    }
    return AccidentCaseIn(**{**base, **kw})


# --- .pdf text, as a possible bomb ------------------------------------------------------------


def test_a_chinese_pdf_gives_its_text_line_by_line():
    lines = pdf_lines(cjk_pdf(REPORT_PAGES))
    assert lines[0] == "兰州某精细化工有限公司“6·8”较大中毒事故调查报告"
    assert "(二)间接原因" in lines and lines[-1].startswith("严格执行受限空间作业审批")


@pytest.mark.parametrize(
    "data, code, words",
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "pdf_unreadable", "已损坏"),
        (b"%PDF-1.4\n" + b"\x00\xff" * 500, "pdf_unreadable", "已损坏"),
        (None, "pdf_encrypted", "已加密"),
    ],
    ids=["truncated", "garbage", "encrypted"],
)
def test_broken_and_encrypted_pdfs_are_refused_with_a_chinese_message(data, code, words):
    with pytest.raises(ValidationFailed) as err:
        pdf_text(encrypted_pdf() if data is None else data, "报告.pdf")
    assert err.value.code == code and words in err.value.message and "报告.pdf" in err.value.message


def test_the_pdf_limits_pages_characters_and_time(settings):
    settings.YINGJI_PDF_MAX_PAGES = 5
    with pytest.raises(ValidationFailed) as err:
        pdf_text(many_pages_pdf(6))
    assert err.value.code == "pdf_too_many_pages" and "6 页" in err.value.message
    assert pdf_text(many_pages_pdf(5)) == ""  # at the limit: read (no text on blank pages)
    settings.YINGJI_PDF_MAX_CHARS = 40
    with pytest.raises(ValidationFailed) as err:
        pdf_text(cjk_pdf([["一行三十个字" * 5, "又一行三十个字" * 5]]))
    assert err.value.code == "pdf_too_much_text"
    settings.YINGJI_PDF_MAX_CHARS = 1_000_000
    settings.YINGJI_PDF_MAX_SECONDS = 0  # every drawing operator is past the deadline
    with pytest.raises(ValidationFailed) as err:
        pdf_text(cjk_pdf([["文字"]]))
    assert err.value.code == "pdf_too_slow"


# --- the report through the import review, kept on the case ----------------------------------


def test_a_pdf_report_is_proposed_then_kept_on_the_saved_case(as_user, persona):
    client = as_user("section")
    before = (Case.objects.count(), Attachment.objects.count())
    page = client.post(
        "/cases/import-report/", {"file": _pdf_upload(cjk_pdf(REPORT_PAGES), "../6·8报告.pdf")}
    ).content.decode()
    assert 'value="2025-06-08"' in page and 'value="612' in page
    assert "未进行有毒气体检测" in page and "主体责任不落实" in page
    assert (Case.objects.count(), Attachment.objects.count()) == before  # nothing written yet
    token = page.split('name="source_token" value="')[1].split('"')[0]
    staged_path = sources.staged(token, persona("section")).staged_path
    assert default_storage.exists(staged_path)
    form = {
        "code": "T-SRC-PDF",
        "title": "兰州某精细化工有限公司较大中毒事故",
        "occurred_on": "2025-06-08",
        "industry": "hazchem",
        "accident_type": "poisoning",
        "deaths": "3",
        "serious_injuries": "2",
        "direct_causes": "未进行有毒气体检测即进入反应釜。",
        "indirect_causes": "企业安全生产主体责任不落实。",
        "source_token": token,
        "source_name": "6·8报告.pdf",
    }
    response = client.post("/cases/new/", form)
    case = Case.objects.get(code="T-SRC-PDF")
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    doc = case.source_document
    assert doc is not None and doc.original_name == "6·8报告.pdf"  # the path part dropped
    assert doc.target == case and doc.mime_type == "application/pdf"
    assert not default_storage.exists(staged_path)  # the staged copy is gone
    assert case.indirect_causes == "企业安全生产主体责任不落实。"
    # the case page links the download; everyone who reads the library downloads it
    url = reverse("cases:source_document", args=[case.pk])
    assert url in client.get(case.get_absolute_url()).content.decode()
    for name in ("enterprise", "county_b", "leader"):
        got = as_user(name).get(url)
        assert got.status_code == 200, name
        assert b"".join(got.streaming_content) == cjk_pdf(REPORT_PAGES)
        assert "attachment;" in got["Content-Disposition"]
        assert "6%C2%B78%E6%8A%A5%E5%91%8A.pdf" in got["Content-Disposition"]
    # the token was spent: its file is gone, a second save is refused
    form["code"] = "T-SRC-PDF2"
    page = client.post("/cases/new/", form).content.decode()
    assert "重新上传" in page and not Case.objects.filter(code="T-SRC-PDF2").exists()


def test_the_download_is_scoped_by_the_case(client, persona, ctx):
    case = services.do_record_case(
        actor=persona("section"),
        data=_case_in("T-SRC-SCOPE"),
        source_document=SimpleUploadedFile("r.pdf", cjk_pdf([["报告"]])),
    )
    url = reverse("cases:source_document", args=[case.pk])
    assert client.get(url).status_code == 302  # not signed in: to the login page
    plain = services.do_record_case(actor=persona("section"), data=_case_in("T-SRC-NONE"))
    client.force_login(persona("enterprise"))
    assert client.get(reverse("cases:source_document", args=[plain.pk])).status_code == 404
    assert client.get(url).status_code == 200


def test_a_token_of_someone_else_or_altered_is_refused(as_user, persona):
    token = sources.stage(cjk_pdf([["报告"]]), "r.pdf", persona("section"))
    with pytest.raises(ValidationFailed):
        sources.staged(token, persona("city_admin"))  # not the person who uploaded it
    with pytest.raises(ValidationFailed):
        sources.staged(token[:-2] + "xx", persona("section"))
    before = Case.objects.count()
    form = {
        "code": "T-SRC-TOK",
        "title": "令牌测试事故案例",
        "occurred_on": "2025-06-08",
        "industry": "other",
        "accident_type": "other",
        "source_token": token,
    }
    page = as_user("city_admin").post("/cases/new/", form).content.decode()
    assert "调查报告原件无效" in page and Case.objects.count() == before


@pytest.mark.parametrize(
    "data, words",
    [(b"%PDF-1.4\ntruncated", "已损坏"), (None, "已加密"), (many_pages_pdf(1), "没有可提取的文字")],
    ids=["broken", "encrypted", "scanned"],
)
def test_a_bad_pdf_report_gives_a_message_and_stages_nothing(as_user, data, words):
    client = as_user("section")  # signing in is an audit event of its own
    before = (Case.objects.count(), AuditEvent.objects.count())
    response = client.post(
        "/cases/import-report/",
        {"file": _pdf_upload(encrypted_pdf() if data is None else data)},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200 and words in page and "source_token" not in page
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


def test_a_case_gets_its_report_later_by_whoever_may_change_it(as_user, persona, ctx):
    case = services.do_record_case(actor=persona("section"), data=_case_in("T-SRC-LATER"))
    for name in ("leader", "county_a", "enterprise"):
        with pytest.raises(NotPermitted):
            services.do_attach_source_document(
                actor=persona(name), case=case, upload=SimpleUploadedFile("r.pdf", b"%PDF-1.4")
            )
    with pytest.raises(ValidationFailed):  # an executable renamed
        services.do_attach_source_document(
            actor=persona("section"), case=case, upload=SimpleUploadedFile("r.pdf", b"MZ\x90")
        )
    case.refresh_from_db()
    assert case.source_document is None and not Attachment.objects.for_object(case).exists()
    # the page: the form for city staff only, the upload, then a replacement
    page = as_user("section").get(case.get_absolute_url()).content.decode()
    assert 'id="source-upload"' in page and "未上传" in page
    assert (
        'id="source-upload"' not in as_user("leader").get(case.get_absolute_url()).content.decode()
    )
    name = "报告\u202e\x07<b>.docx"  # a right-to-left override, a bell and markup in the name
    docx = _docx_bytes(["事故调查报告"])
    r = as_user("section").post(
        reverse("cases:source_upload", args=[case.pk]), {"file": SimpleUploadedFile(name, docx)}
    )
    case.refresh_from_db()
    first = case.source_document
    assert r.status_code == 302 and first.original_name == "报告_b_.docx"
    services.do_attach_source_document(
        actor=persona("section"),
        case=case,
        upload=SimpleUploadedFile("新报告.pdf", cjk_pdf([["新报告"]])),
    )
    case.refresh_from_db()
    assert case.source_document.original_name == "新报告.pdf"
    assert first in Attachment.objects.for_object(case)  # the earlier report stays attached
    event = AuditEvent.objects.filter(verb="cases.case.source_document").order_by("-pk").first()
    assert "替换“报告_b_.docx”" in event.message
    # the same through the API
    api = as_user("section").post(
        f"/api/v1/cases/{case.pk}/source-document",
        {"file": SimpleUploadedFile("接口报告.pdf", cjk_pdf([["接口"]]))},
    )
    assert api.status_code == 200 and api.json()["source_document_name"] == "接口报告.pdf"
    assert api.json()["source_document_url"] == reverse("cases:source_document", args=[case.pk])
    denied = as_user("county_a").post(
        f"/api/v1/cases/{case.pk}/source-document",
        {"file": SimpleUploadedFile("x.pdf", cjk_pdf([["x"]]))},
    )
    assert denied.status_code == 403


def _docx_bytes(paragraphs) -> bytes:
    from docx import Document

    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- 直接原因 and 间接原因 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, direct, indirect",
    [
        ("直接原因:作业人员违章。间接原因:培训不到位。", "作业人员违章。", "培训不到位。"),
        ("(一)直接原因\n违章。\n(二)间接原因\n管理缺失。", "违章。", "管理缺失。"),
        ("\uff08一\uff09直接原因\uff1a违章\uff1b\uff08二\uff09间接原因\uff1a管理", "违章", "管理"),
        ("事故的直接原因是违章。事故的间接原因是管理缺失。", "违章。", "管理缺失。"),
        ("动火作业未办理作业票;现场无监护人。", "动火作业未办理作业票;现场无监护人。", ""),
        ("他说没有间接原因可查。", "他说没有间接原因可查。", ""),  # not a label: not split
        ("", "", ""),
    ],
)
def test_split_causes(text, direct, indirect):
    assert parsing.split_causes(text) == (direct, indirect)


def test_a_report_with_cause_headings_proposes_both_fields():
    proposed = parsing.propose(pdf_lines(cjk_pdf(REPORT_PAGES)))
    assert (
        proposed["direct_causes"] == "作业人员未办理受限空间作业票,未进行有毒气体检测即进入反应釜。"
    )
    assert proposed["indirect_causes"].startswith("企业安全生产主体责任不落实")
    assert "气体检测仪" in proposed["measures"] and "气体检测仪" not in proposed["indirect_causes"]
    assert proposed["occurred_on"] == dt.date(2025, 6, 8)
    assert (proposed["deaths"], proposed["serious_injuries"]) == (3, 2)


def test_the_migration_splits_the_old_text_and_keeps_what_it_cannot(persona, ctx):
    from django.apps import apps

    split = importlib.import_module("yingji.cases.migrations.0004_causes_split_source_document")
    a = services.do_record_case(actor=persona("section"), data=_case_in("T-MIG-A"))
    b = services.do_record_case(actor=persona("section"), data=_case_in("T-MIG-B"))
    Case.objects.filter(pk=a.pk).update(direct_causes="直接原因:违章动火。\n间接原因:制度不落实。")
    Case.objects.filter(pk=b.pk).update(direct_causes="违章动火,未检测。")
    split.split(apps, None)
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.direct_causes, a.indirect_causes) == ("违章动火。", "制度不落实。")
    assert (b.direct_causes, b.indirect_causes) == ("违章动火,未检测。", "")
    split.join(apps, None)  # the way back keeps both texts in the one field
    a.refresh_from_db()
    assert a.direct_causes == "直接原因:违章动火。\n间接原因:制度不落实。"


def test_the_indirect_cause_is_searched_shown_and_imported(as_user, persona, ctx):
    case = services.do_record_case(
        actor=persona("section"),
        data=_case_in(
            "T-IND-1", direct_causes="违章动火。", indirect_causes="劳务派遣台账造假,资质审查缺位。"
        ),
    )
    found = selectors.visible_cases(persona("enterprise")).filter(selectors.text_q("台账造假"))
    assert list(found) == [case]
    page = as_user("enterprise").get(case.get_absolute_url()).content.decode()
    assert "间接原因" in page and "劳务派遣台账造假" in page and "直接原因" in page
    api = as_user("enterprise").get(f"/api/v1/cases/{case.pk}").json()
    assert api["indirect_causes"] == "劳务派遣台账造假,资质审查缺位。"
    from yingji.cases.importing import read_cases

    rows = read_cases(
        _xlsx(
            ["案例编号", "案例标题", "发生日期", "行业", "事故类型", "事故原因"],
            [
                "T-X-1",
                "旧模板导入的事故",
                "2025-01-02",
                "其他",
                "其它伤害",
                "违章。间接原因:失管。",
            ],
        )
    )
    assert (rows[0][1].direct_causes, rows[0][1].indirect_causes) == ("违章。", "失管。")


def _xlsx(header, row) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(header)
    wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_demo_cases_have_both_causes():
    demo = Case.objects.filter(is_demo=True)
    assert demo.count() >= 100
    assert not demo.filter(direct_causes="").exists()
    assert not demo.filter(indirect_causes="").exists()


# --- the history without the search column ---------------------------------------------------


def test_a_case_history_does_not_show_its_search_column(as_user, persona, ctx):
    case = services.do_record_case(
        actor=persona("section"), data=_case_in("T-HIS-1", direct_causes="违章动火。")
    )
    services.do_attach_source_document(
        actor=persona("section"), case=case, upload=SimpleUploadedFile("r.pdf", cjk_pdf([["r"]]))
    )
    url = reverse("core:history", args=["cases", "case", case.pk])
    html = as_user("city_admin").get(url).content.decode()
    assert "直接原因" in html and "违章动火。" in html and "调查报告原件" in html
    assert "分词文本" not in html and "search_text" not in html
    assert "违章 动火" not in html  # the tokens themselves
    from yingji.core.presenters import field_labels

    assert field_labels(Case, ["direct_causes", "search_text"]) == "直接原因"
