"""The case library's issue-#18 parts: jieba full-text search (FTS5 on SQLite, to_tsvector on
PostgreSQL — this file runs in both CI passes), highlighted hits, TF-IDF similar cases for a
hazard and an enterprise, the .docx investigation report, a closed event made a case,
警示教育 pushes with read receipts, and the analysis."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from yingji.cases import parsing, selectors, services
from yingji.cases.models import Case, PushReceipt
from yingji.cases.schemas import AccidentCaseIn, CasePushIn
from yingji.core.errors import NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


def _record(
    persona, code, title, narrative, causes="", industry="other", kind="other", indirect=""
):
    data = AccidentCaseIn(
        code=code,
        title=title,
        occurred_on=dt.date(2025, 6, 1),
        industry=industry,
        accident_type=kind,
        narrative=narrative,
        direct_causes=causes,
        indirect_causes=indirect,
    )
    return services.do_record_case(actor=persona("section"), data=data)


def _found(persona, q):
    rows = selectors.visible_cases(persona("enterprise")).filter(selectors.text_q(q))
    return set(rows.values_list("code", flat=True))


def test_full_text_finds_multi_word_terms_and_not_unrelated_cases(persona, ctx):
    _record(
        persona,
        "T-FT-1",
        "某氯碱企业液氯泄漏中毒事故",
        "液氯钢瓶阀门腐蚀泄漏,两名操作工吸入氯气中毒。",
    )
    _record(
        persona, "T-FT-2", "某面粉加工企业粉尘爆炸事故", "除尘系统清灰不及时,粉尘云遇静电火花爆炸。"
    )
    _record(persona, "T-FT-3", "某氯碱企业检修高处坠落事故", "检修工在管廊上作业时未系安全带坠落。")
    assert _found(persona, "液氯泄漏") == {"T-FT-1"}  # a two-word query: both words needed
    assert _found(persona, "粉尘爆炸") >= {"T-FT-2"} and "T-FT-1" not in _found(persona, "粉尘爆炸")
    assert {"T-FT-1", "T-FT-3"} <= _found(persona, "氯碱")
    assert _found(persona, "液氯 粉尘") == set()  # every word must occur
    assert _found(persona, "氯气中毒") >= {"T-FT-1"}
    assert not _found(persona, "核电站")
    # the index is the database's own: FTS5 rows on SQLite, the column on PostgreSQL
    case = Case.objects.get(code="T-FT-1")
    assert "液氯" in case.search_text.split()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT body FROM cases_case_fts WHERE rowid = %s", [case.pk])
            assert "液氯" in cursor.fetchone()[0].split()


def test_an_edited_case_is_found_by_its_new_words(persona, ctx):
    case = _record(persona, "T-FT-4", "某仓库叉车伤害事故", "叉车倒车时撞伤理货员。")
    assert _found(persona, "叉车") == {"T-FT-4"} | (_found(persona, "叉车") - {"T-FT-4"})
    case.narrative = "堆垛倒塌砸伤理货员。"
    case.title = "某仓库堆垛倒塌事故"
    case.save()
    assert "T-FT-4" not in _found(persona, "叉车") and "T-FT-4" in _found(persona, "堆垛倒塌")


def test_hits_are_highlighted_and_hostile_text_escaped(as_user, persona, ctx):
    _record(persona, "T-FT-5", "某企业<script>液氯</script>事故", "液氯槽车卸车时软管破裂。")
    marked = str(selectors.highlight("<b>液氯</b>泄漏", ["液氯"]))
    assert marked == "&lt;b&gt;<mark>液氯</mark>&lt;/b&gt;泄漏"
    page = as_user("county_a").get("/cases/?q=液氯槽车").content.decode()
    assert "<mark>液氯</mark>" in page and "<script>液氯" not in page
    assert "命中内容" in page


def test_similar_cases_for_a_hazard_and_an_enterprise(as_user, persona, ctx):
    from yingji.enterprises.models import Enterprise
    from yingji.hazards.models import Hazard

    hazard = Hazard.objects.filter(enterprise__sector="hazchem_production").first()
    hazard = hazard or Hazard.objects.exclude(enterprise=None).first()
    twin = _record(
        persona,
        "T-SIM-H",
        "与隐患描述相同的案例",
        hazard.description * 2,
        industry="hazchem",
        kind="poisoning",
    )
    ranked = selectors.similar_to_hazard(persona("section"), hazard)
    assert ranked[0][0] == twin and any("共同关键词" in r for r in ranked[0][2])
    page = as_user("section").get(f"/cases/similar/?hazard={hazard.pk}").content.decode()
    assert twin.title in page and hazard.code in page
    ent = Enterprise.objects.get(pk=hazard.enterprise_id)
    ranked = selectors.similar_to_enterprise(persona("section"), ent)
    assert twin in [c for c, _, _ in ranked]
    assert as_user("section").get(f"/cases/similar/?enterprise={ent.pk}").status_code == 200


def _docx(paragraphs):
    from docx import Document

    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "事故发生地点:"
    table.rows[0].cells[1].text = "西固区某化工园区"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


REPORT = [
    "兰州某化工有限公司“3·15”较大中毒事故调查报告",
    "2025年3月15日10时20分许,兰州某化工有限公司污水处理站发生一起中毒事故,造成三人死亡、"
    "1人重伤、2人轻伤,直接经济损失约856.5万元。",
    "调查组于2025年4月2日成立。",
    "一、事故发生经过",
    "当日上午,两名作业人员进入调节池清理淤泥,随后晕倒,一名班长进入施救后也中毒。",
    "二、事故发生的原因",
    "作业前未进行通风和有毒气体检测,施救人员未佩戴呼吸器盲目施救。",
    "三、对事故有关责任人员及责任单位的处理建议",
    "企业主要负责人移送司法机关处理。",
    "四、事故防范和整改措施",
    "严格有限空间作业审批,配备检测报警仪器和正压式空气呼吸器。",
]


def test_a_crafted_investigation_report_gives_date_and_casualties():
    proposed = parsing.propose(parsing.docx_text(_docx(REPORT)))
    assert proposed["occurred_on"] == dt.date(2025, 3, 15)  # the accident's, not the inquiry's
    assert (proposed["deaths"], proposed["serious_injuries"], proposed["injuries"]) == (3, 1, 2)
    assert proposed["direct_loss_wan"] == Decimal("856.5")
    assert proposed["grade"] == "larger"  # 3 deaths: 较大 (493号令第三条)
    assert proposed["accident_type"] == "poisoning" and proposed["industry"] == "hazchem"
    assert "盲目施救" in proposed["direct_causes"] and "调节池" in proposed["narrative"]
    assert proposed["indirect_causes"] == ""  # the report names no 间接原因: all of it is direct
    assert "司法机关" in proposed["responsibility"] and "呼吸器" in proposed["measures"]
    assert proposed["place"] == "西固区某化工园区"
    assert proposed["title"] == "兰州某化工有限公司“3·15”较大中毒事故"


@pytest.mark.parametrize(
    "text, n", [("3", 3), ("十二", 12), ("二十三", 23), ("两", 2), ("一百", 100)]
)
def test_chinese_numbers(text, n):
    assert parsing.cn_number(text) == n


def test_the_report_page_proposes_and_records_nothing(as_user):
    before = Case.objects.count()
    upload = SimpleUploadedFile("报告.docx", _docx(REPORT))
    page = as_user("section").post("/cases/import-report/", {"file": upload}).content.decode()
    assert 'value="2025-03-15"' in page and "856.5" in page and "报告.docx" in page
    assert Case.objects.count() == before
    bad = SimpleUploadedFile("x.docx", b"not a zip")
    r = as_user("section").post("/cases/import-report/", {"file": bad}, follow=True)
    assert r.status_code == 200 and Case.objects.count() == before
    assert as_user("enterprise").get("/cases/import-report/").status_code == 302


def test_a_closed_event_becomes_a_case_in_one_step(as_user):
    from django.apps import apps

    Event = apps.get_model("response", "Event")
    event = Event.objects.filter(state="closed").first()
    assert event is not None, "the demo has a closed event"
    client = as_user("section")
    form = client.get(f"/cases/from-event/?event={event.pk}").content.decode()
    assert event.title in form and event.number in form
    body = {
        "event": event.pk,
        "code": "T-EV-1",
        "title": event.title,
        "occurred_on": "2025-01-02",
        "industry": "other",
        "accident_type": "collapse",
        "narrative": event.description,
    }
    r = client.post("/cases/from-event/", body)
    case = Case.objects.get(code="T-EV-1")
    assert r.status_code == 302 and case.source_event_id == event.pk
    assert event.number in client.get(case.get_absolute_url()).content.decode()
    again = client.get(f"/cases/from-event/?event={event.pk}")  # one case per event
    assert again.status_code == 302 and again["Location"] == case.get_absolute_url()
    open_event = Event.objects.filter(state="open").first()
    if open_event:
        r = client.get(f"/cases/from-event/?event={open_event.pk}")
        assert r.status_code == 302 and "/cases/" not in r["Location"]


def _ent(persona):
    from yingji.enterprises.models import Enterprise
    from yingji.orgs.models import Membership

    org = Membership.objects.filter(user=persona("enterprise")).values("organisation_id")
    return Enterprise.objects.select_related("region").get(organisation_id__in=org)


def test_a_push_reaches_the_industry_and_its_read_rate_counts(as_user, persona, ctx):
    from yingji.cases.choices import SECTOR_INDUSTRY

    ent = _ent(persona)
    case = Case.objects.get(code="DEMO-AL-001")
    data = CasePushIn(industry=SECTOR_INDUSTRY[ent.sector], region=ent.region.code, message="学习")
    with pytest.raises(NotPermitted):
        services.do_push_case(actor=persona("leader"), case=case, data=data)
    push = services.do_push_case(actor=persona("section"), case=case, data=data)
    mine = PushReceipt.objects.get(push=push, enterprise=ent)
    sent = push.receipts.count()
    assert sent >= 1 and all(
        SECTOR_INDUSTRY[r.enterprise.sector] == data.industry for r in push.receipts.all()
    )
    with pytest.raises(NotPermitted):  # nobody signs for another
        services.do_read_receipt(actor=persona("county_a"), receipt=mine)
    client = as_user("enterprise")
    assert "待阅警示教育案例" in client.get("/").content.decode()
    assert client.get(f"/cases/receipts/{mine.pk}/").content.decode().count("已阅签收") == 1
    client.post(f"/cases/receipts/{mine.pk}/")
    mine.refresh_from_db()
    assert mine.read_at is not None and mine.read_by == persona("enterprise")
    page = as_user("section").get(push.get_absolute_url()).content.decode()
    assert f"已阅 1 / 推送 {sent} 家" in page
    assert f"{1 / sent:.0%}" in page
    # a county with no enterprise of that industry: nothing pushed, said so
    with pytest.raises(ValidationFailed):
        services.do_push_case(
            actor=persona("section"),
            case=case,
            data=CasePushIn(industry="fireworks", region=ent.region.code),
        )


def test_the_analysis_counts_and_exports(as_user, persona, ctx):
    _record(
        persona,
        "T-AN-1",
        "分析测试高处坠落事故",
        "坠落",
        causes="作业人员未系安全带,违章作业。",
        indirect="施工单位安全生产责任制不落实。",
    )
    client = as_user("county_b")
    page = client.get("/cases/analysis/").content.decode()
    total = Case.objects.count()
    assert f"共 {total} 起案例" in page and "违章作业、违章指挥" in page
    assert 'id="t-by_cause"' in page and 'id="t-by_indirect_cause"' in page
    from yingji.cases.analysis import summary

    data = summary(Case.objects.filter(code="T-AN-1"))
    assert data["by_cause"] == [{"name": "违章作业、违章指挥", "count": 1, "deaths": None}]
    assert data["by_indirect_cause"] == [
        {"name": "安全生产责任制和管理制度不落实", "count": 1, "deaths": None}
    ]
    assert 'id="case-charts"' in page and "echarts.min.js" in page
    r = client.get("/cases/analysis/?export=xlsx")
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    from yingji.cases.analysis import cause_of

    assert cause_of("未进行有毒气体检测") == "特殊作业未审批、未检测"
    assert cause_of("天气原因") == "其他原因"
