"""Demo 行政处罚案件 (all marked 演示), set in the present and played through the services by the
personas, so that each shows one part of the procedure:

A. 市局 — a 危化 enterprise, 立案 82 days ago, still in 案件审理: 8 days left on the 90-day clock.
B. 西固区 — the ent_user persona's enterprise, a 2万元 fine (below the hearing threshold, not
   重大: no 法制审核), decided, served and published; the payment is due.
C. 市局 — a 6万元 fine (hearing right; the party waived it) ⇒ 重大执法决定: 法制审核 by the
   政策法规科 persona, 集体讨论, decision, service, payment, 结案, published, 案卷评查.
D. 市局 — a natural person (特种作业 without a certificate): decided and published, the name
   redacted on the public page.

Idempotent: nothing is done if a demo case exists."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingji.core.context import actor_context, get_actor_context
from yingji.core.demo import dated, moment
from yingji.enterprises.models import Enterprise
from yingji.orgs.models import Organisation

from . import officers, services
from .models import PenaltyCase

RNG = random.Random(2019)
PROOF = b"%PDF-1.4\n% demo proof of service\n"


def _user(name):
    return get_user_model().objects.filter(username=name).first()


def _officer_ids(authority_code: str, today, enterprise=None, n: int = 2) -> list[int]:
    org = Organisation.objects.get(code=authority_code)
    eid = enterprise.pk if enterprise is not None else None
    return [o.pk for o in officers.choices(org.path, today, enterprise_id=eid)][:n]


def _play(user, day, fn, **kwargs):
    with (
        actor_context(user, source=get_actor_context_source(), label="demo"),
        dated(moment(day, RNG)),
    ):
        return fn(actor=user, **kwargs)


def get_actor_context_source() -> str:
    ctx = get_actor_context()
    return ctx.source if ctx is not None else "cli"


def _v(case):
    return PenaltyCase.objects.get(pk=case.pk)


def _filed(user, day, agency, **kw):
    return _play(user, day, services.do_file_case, agency=agency, filed_on=day, is_demo=True, **kw)


def _evidence(user, case, day, items):
    for kind, title, who in items:
        if kind == "audio_video":  # recorded by one of the case's officers (执法全过程记录)
            who = sorted(case.officers.values_list("name", flat=True))[0]
        _play(
            user,
            day,
            services.do_add_evidence,
            case=case,
            kind=kind,
            title=title,
            recorded_by=who,
            recorded_on=day,
            storage="执法记录仪归档(演示)" if kind == "audio_video" else "",
        )


def _case_a(today, whk, city_ent):
    agency = Organisation.objects.get(code="LZYJJ-ZD")
    filed = today - timedelta(days=82)
    ids = _officer_ids("LZYJJ", today, city_ent)
    case = _filed(
        whk,
        filed,
        agency,
        party_kind="unit",
        enterprise=city_ent,
        source="complaint",
        source_ref="12350 举报(演示)",
        cause="未按规定对重大危险源进行安全评估(演示)",
        filing_approver="市应急管理局副局长(演示)",
        officer_ids=ids,
    )
    _play(
        whk,
        filed + timedelta(days=1),
        services.do_start_investigation,
        case=_v(case),
        officer_ids=ids,
    )
    _evidence(
        whk,
        case,
        filed + timedelta(days=2),
        [
            ("site", "现场检查笔录(演示)", "执法一大队"),
            ("inquiry", "询问笔录:安全总监(演示)", "执法一大队"),
            ("audio_video", "执法记录仪视频(演示)", "执法一大队"),
        ],
    )
    _play(
        whk,
        filed + timedelta(days=40),
        services.do_submit_review,
        case=_v(case),
        facts="该企业液氯储罐区构成一级重大危险源,未按规定每三年进行安全评估(演示)。",
        violated="《危险化学品重大危险源监督管理暂行规定》第八条(演示)",
        basis="《危险化学品重大危险源监督管理暂行规定》第三十二条(演示)",
    )
    return case


def _decided_case(
    user,
    authority_code,
    agency_code,
    filed,
    *,
    party,
    cause,
    fine,
    number,
    major_path=False,
    hearing_waived=False,
    close=False,
):
    today = timezone.localdate()
    agency = Organisation.objects.get(code=agency_code)
    ids = _officer_ids(authority_code, today, party.get("enterprise"))
    case = _filed(
        user,
        filed,
        agency,
        source="other",
        source_ref="日常执法检查移送(演示)",
        cause=cause,
        filing_approver="分管副局长(演示)",
        officer_ids=ids,
        **party,
    )
    _play(user, filed, services.do_start_investigation, case=_v(case), officer_ids=ids)
    _evidence(
        user,
        case,
        filed + timedelta(days=1),
        [
            ("site", "现场检查笔录(演示)", "承办人"),
            ("photo", "现场照片 6 张(演示)", "承办人"),
        ],
    )
    _play(
        user,
        filed + timedelta(days=5),
        services.do_submit_review,
        case=_v(case),
        facts=f"{cause}。经调查,事实清楚,证据确凿(演示)。",
        violated="《中华人民共和国安全生产法》第三十条(演示)",
        basis="《中华人民共和国安全生产法》第九十七条(演示)",
    )
    notice = filed + timedelta(days=7)
    _play(
        user,
        notice,
        services.do_notify,
        case=_v(case),
        kinds=["fine"],
        fine=fine,
        confiscation=None,
        text=f"罚款人民币 {fine:,.0f} 元(演示)",
        notice_served_on=notice,
    )
    if hearing_waived:
        _play(
            user,
            notice + timedelta(days=1),
            services.do_record_statement,
            case=_v(case),
            stated_on=notice + timedelta(days=1),
            waived=True,
        )
    else:
        _play(
            user,
            notice + timedelta(days=2),
            services.do_record_statement,
            case=_v(case),
            text="当事人称已开始整改,请求从轻处罚(演示)。",
            stated_on=notice + timedelta(days=2),
            adopted="已整改情况属实,但不属于法定从轻情形,不予采纳(演示)。",
        )
    step = notice + timedelta(days=6)
    if major_path:
        _play(user, step, services.do_submit_legal_review, case=_v(case))
        _play(
            _user("zcfg_staff"),
            step + timedelta(days=2),
            services.do_pass_legal_review,
            case=_v(case),
            opinion="主体合法,事实清楚,证据确凿,适用依据正确,程序合法,裁量适当,同意(演示)。",
        )
        _play(
            user,
            step + timedelta(days=4),
            services.do_record_approval,
            case=_v(case),
            mode="collective",
            approver="局长(演示)",
            approved_on=step + timedelta(days=4),
            meeting_record="局务会集体讨论:参加 7 人,一致同意按拟处罚决定作出处罚(演示)。",
        )
        decided = step + timedelta(days=5)
    else:
        _play(user, step, services.do_submit_approval, case=_v(case))
        _play(
            user,
            step + timedelta(days=1),
            services.do_record_approval,
            case=_v(case),
            mode="leader",
            approver="分管副局长(演示)",
            approved_on=step + timedelta(days=1),
        )
        decided = step + timedelta(days=2)
    _play(
        user,
        decided,
        services.do_decide,
        case=_v(case),
        kinds=["fine"],
        fine=fine,
        confiscation=None,
        text=f"罚款人民币 {fine:,.0f} 元(演示)",
        decision_number=number,
        decided_on=decided,
    )
    served = decided + timedelta(days=2)
    _play(
        user,
        served,
        services.do_serve,
        case=_v(case),
        method="direct",
        served_on=served,
        proof=SimpleUploadedFile("送达回证(演示).pdf", PROOF, "application/pdf"),
    )
    _play(user, decided + timedelta(days=3), services.do_publish_case, case=_v(case))
    if close:
        paid = served + timedelta(days=10)
        _play(
            user,
            paid,
            services.do_record_execution,
            case=_v(case),
            executed_on=paid,
            paid_amount=fine,
        )
        _play(
            user,
            paid + timedelta(days=1),
            services.do_close_case,
            case=_v(case),
            closed_on=paid + timedelta(days=1),
        )
        reviewer = _user("zcfg_staff")
        scores = {k: p for k, _l, p in services.conf.case_file_sheet()}
        scores["evidence"] -= 3
        _play(
            reviewer,
            paid + timedelta(days=5),
            services.do_review_case_file,
            case=_v(case),
            scores=scores,
            remarks="证据目录未按顺序编号,扣 3 分(演示)。",
        )
    return case


def load_demo() -> dict:
    if PenaltyCase.objects.filter(is_demo=True).exists():
        return {"cases": 0}
    today = timezone.localdate()
    whk, xigu = _user("whk_staff"), _user("xigu_staff")
    city_ent = (
        Enterprise.objects.filter(tier="city", status="operating", sector__startswith="hazchem")
        .order_by("organisation__code")
        .first()
    )
    a1 = Enterprise.objects.filter(organisation__code="DEMO-ENT-620104-01").first()
    if not (whk and xigu and city_ent and a1 and _user("zcfg_staff")):
        return {"cases": 0}
    _case_a(today, whk, city_ent)
    _decided_case(
        xigu,
        "XGQ-YJJ",
        "XGQ-YJJ",
        today - timedelta(days=25),
        party={"party_kind": "unit", "enterprise": a1},
        cause="未如实记录安全生产教育和培训情况(演示)",
        fine=Decimal("20000"),
        number="西应急罚〔演示〕1号",
    )
    _decided_case(
        whk,
        "LZYJJ",
        "LZYJJ-WHP",
        today - timedelta(days=60),
        party={"party_kind": "unit", "enterprise": city_ent},
        cause="动火作业未履行审批手续(演示)",
        fine=Decimal("60000"),
        number="兰应急罚〔演示〕1号",
        major_path=True,
        hearing_waived=True,
        close=True,
    )
    _decided_case(
        whk,
        "LZYJJ",
        "LZYJJ-ZD",
        today - timedelta(days=30),
        party={
            "party_kind": "person",
            "party_name": "王小军",
            "party_address": "兰州市西固区(演示)",
        },
        cause="特种作业人员未取得相应资格上岗作业(演示)",
        fine=Decimal("3000"),
        number="兰应急罚〔演示〕2号",
    )
    return {"cases": PenaltyCase.objects.filter(is_demo=True).count()}
