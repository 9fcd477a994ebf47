"""Demo 灾情报送 data (all 演示): a summer-style 暴雨山洪 process that began three days ago,
led by the city, affecting 西固区, 城关区 and 七里河区. A village information officer files the
first report from 岔路村 within the hour; 西固's two townships and then the county report on
time (达川镇's 初报 later corrected), 城关区 reports late with a warning explained, 七里河区
has not reported; the next morning's 续报 follow; the county confirms the village's report
and the city confirms 西固's. Information officers are registered in most villages of every
county (an A post in each, a B post in every third; one village in eight has none).

Every write goes through the services inside ``core.demo.dated`` so that the audit trail says
when it happened; idempotent (nothing is added when the demo process exists); fast."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.demo import dated

from . import services
from .models import CasualtyPerson, DisasterProcess, InfoOfficer, LossReport, ReliefRecord
from .schemas import (
    CasualtyIn,
    ConfirmIn,
    DeadlinesIn,
    LossReportIn,
    OfficerIn,
    ProcessIn,
    QuickReportIn,
    ReliefIn,
)

NAME_SUFFIX = "暴雨山洪灾害(演示)"
OFFICER_USER = "xxy_chalu"
DEMO_PASSWORD = "Demo@2022"

# (village code, name, phone, role, trained days ago, with an account)
OFFICERS = [
    ("620104103201", "马建国", "13909310101", "A", 200, True),
    ("620104103201", "马小红", "13909310102", "B", 200, False),
    ("620104103202", "李德福", "13909310103", "A", 380, False),
    ("620104103203", "王海燕", "13909310104", "A", 90, False),
    ("620104103204", "张永生", "13909310105", "A", 90, False),
    ("620104104201", "赵志强", "13909310106", "A", 150, False),
    ("620104104202", "孙玉梅", "13909310107", "A", 150, False),
    ("620104104203", "周文斌", "13909310108", "A", 500, False),
    ("620104104204", "吴桂兰", "13909310109", "A", 60, False),
]
# Every county's villages (looked up in the region table, so that the codes are real) have an A
# post, and every third village a B post too, except one village in eight left without anyone:
# the gaps the coverage list and map show. 西固区 keeps its named officers above.
GAP_EVERY = 8
B_EVERY = 3
SURNAMES = "陈杨黄刘郭何高罗郑梁谢宋唐许韩冯邓曹彭曾"


def _user(username):
    return get_user_model().objects.get(username=username)


def _officer_account(username=OFFICER_USER, label="岔路村灾害信息员马建国(演示)"):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=label)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


# 乡镇灾害信息员 with accounts: they file their township's reports, the county confirms them
TOWNSHIP_OFFICERS = [
    ("xxy_dachuan", "620104103", "达川镇灾害信息员何玉珍(演示)", "何玉珍", "13909310121"),
    ("xxy_liuquan", "620104104", "柳泉镇灾害信息员曹立新(演示)", "曹立新", "13909310122"),
]


def _township_officers(city, local) -> dict:
    users, made = {}, []
    for username, code, label, name, phone in TOWNSHIP_OFFICERS:
        user = _officer_account(username, label)
        with _as(city), _at(local - dt.timedelta(days=120)):
            officer = services.do_register_officer(
                actor=city,
                data=OfficerIn(
                    name=name,
                    phone=phone,
                    region=code,
                    role="A",
                    trained_on=(local - dt.timedelta(days=120)).date(),
                    certificate_no=f"GSXXY-{code[-6:]}A",
                    username=username,
                ),
            )
        made.append(officer.pk)
        users[code] = user
    InfoOfficer.objects.filter(pk__in=made).update(is_demo=True)
    return users


def _at(when: dt.datetime):
    """Replay a step at ``when``: its audit trail and its deadline check both say so."""

    class _Step:
        def __enter__(self):
            self.token = services._clock.set(when)
            self.block = dated(when)
            self.block.__enter__()

        def __exit__(self, *exc):
            self.block.__exit__(*exc)
            services._clock.reset(self.token)

    return _Step()


def _as(user):
    return actor_context(user, source="cli", label="demo")


def load_demo() -> dict:
    if DisasterProcess.objects.filter(name__endswith=NAME_SUFFIX).exists():
        return {"processes": 0}
    city, xigu, cg = _user("whk_staff"), _user("xigu_staff"), _user("chengguan_staff")
    officer_user = _officer_account()
    local = timezone.localtime()
    start = (local - dt.timedelta(days=3)).replace(hour=15, minute=20, second=0, microsecond=0)
    day2 = start + dt.timedelta(days=1)

    with _as(city), _at(start - dt.timedelta(days=30)):
        services.do_set_deadlines(actor=city, data=_default_deadlines())
    _register_officers(city, officer_user, local)
    towns = _township_officers(city, local)

    with _as(city), _at(start + dt.timedelta(minutes=25)):
        process = services.do_open_process(
            actor=city,
            data=ProcessIn(
                name=f"{start.month}·{start.day}{NAME_SUFFIX}",
                kind="flash_flood",
                started_at=start,
                region="620100",
                affected=["620104", "620102", "620103"],
                description="受强对流天气影响,西固区达川镇、柳泉镇及城关区南山一带出现短时强降雨,"
                "局地引发山洪,部分农房和农田受损。(演示)",
            ),
        )
    reports = {}
    with _as(officer_user), _at(start + dt.timedelta(minutes=45)):
        reports["chalu"] = services.do_submit_quick_report(
            actor=officer_user,
            data=QuickReportIn(
                process=process.pk,
                region="620104103201",
                summary="岔路村沟道山洪下泄,冲毁河滩地玉米,两户土坯房倒塌,已转移沟口群众。",
                affected_people=120,
                relocated=35,
                collapsed_households=2,
                collapsed_rooms=5,
            ),
        )
    steps = [
        (towns["620104103"], 55, "initial", "620104103", None, DACHUAN_1, ""),
        (towns["620104104"], 58, "initial", "620104104", None, LIUQUAN_1, ""),
        (xigu, 110, "initial", "620104", None, add(DACHUAN_1, LIUQUAN_1), ""),
        (cg, 300, "initial", "620102", None, CHENGGUAN_1, "经济损失正在评估,续报补充。"),
    ]
    for user, minutes, kind, region, as_of, figures, reason in steps:
        with _as(user), _at(start + dt.timedelta(minutes=minutes)):
            reports[region] = services.do_submit_loss_report(
                actor=user,
                process=process,
                data=LossReportIn(
                    region=region,
                    kind=kind,
                    as_of=as_of,
                    warning_reason=reason,
                    summary="(演示)",
                    **figures,
                ),
            )
    dachuan = towns["620104103"]
    with _as(dachuan), _at(start + dt.timedelta(hours=3)):
        services.do_submit_loss_report(
            actor=dachuan,
            process=process,
            data=LossReportIn(
                region="620104103",
                kind="initial",
                corrects=reports["620104103"].pk,
                correction_reason="倒塌房屋间数录入有误(应为7间)",
                summary="(演示)",
                **(DACHUAN_1 | {"collapsed_rooms": 7}),
            ),
        )
    _casualties(xigu, cg, process, start, day2)
    follow = [
        (dachuan, "620104103", DACHUAN_2, (7, 40)),  # township: due 08:00
        (towns["620104104"], "620104104", LIUQUAN_2, (7, 50)),
        (xigu, "620104", add(DACHUAN_2, LIUQUAN_2), (8, 45)),  # county: due 09:00
        (cg, "620102", CHENGGUAN_2, (9, 30)),  # late
    ]
    for user, region, figures, (hour, minute) in follow:
        with _as(user), _at(day2.replace(hour=hour, minute=minute)):
            reports[f"{region}-2"] = services.do_submit_loss_report(
                actor=user,
                process=process,
                data=LossReportIn(
                    region=region,
                    kind="followup",
                    as_of=start.date(),
                    summary="(演示)",
                    warning_reason="达川镇倒塌房屋间数已更正为7间" if region == "620104" else "",
                    **figures,
                ),
            )
    with _as(xigu), _at(start + dt.timedelta(hours=2, minutes=20)):
        services.do_confirm_loss_report(actor=xigu, report=reports["chalu"], data=ConfirmIn())
    with _as(city), _at(start + dt.timedelta(hours=2, minutes=30)):
        services.do_confirm_loss_report(actor=city, report=reports["620104"], data=ConfirmIn())
    with _as(city), _at(start + dt.timedelta(hours=6)):
        services.do_confirm_loss_report(actor=city, report=reports["620102"], data=ConfirmIn())
    # the next morning: 西固 confirms its townships' 续报, the city 西固's; 城关's 续报 waits (待审核)
    for who, key, minute in ((xigu, "620104103-2", 20), (xigu, "620104104-2", 25)):
        with _as(who), _at(day2.replace(hour=8, minute=minute)):
            services.do_confirm_loss_report(actor=who, report=reports[key], data=ConfirmIn())
    with _as(city), _at(day2.replace(hour=9, minute=50)):
        services.do_confirm_loss_report(actor=city, report=reports["620104-2"], data=ConfirmIn())
    _relief(xigu, cg, process, start)
    _relief_funds_and_supplies(city, xigu, cg, process, start)
    DisasterProcess.objects.filter(pk=process.pk).update(is_demo=True)
    LossReport.objects.filter(process=process).update(is_demo=True)
    CasualtyPerson.objects.filter(process=process).update(is_demo=True)
    communities = _communities(city, xigu, cg, local.date())
    _quake_estimate(local)
    return {
        "processes": 1,
        "reports": LossReport.objects.filter(process=process).count(),
        "communities": communities,
    }


def add(a: dict, b: dict) -> dict:
    return {k: a.get(k, 0) + b.get(k, 0) for k in set(a) | set(b)}


DACHUAN_1 = {
    "affected_people": 860,
    "relocated": 120,
    "need_aid": 60,
    "collapsed_households": 3,
    "collapsed_rooms": 8,
    "severe_households": 6,
    "severe_rooms": 14,
    "crop_affected": 85,
    "crop_damaged": 40,
    "crop_lost": 6,
    "direct_loss": 312,
}
LIUQUAN_1 = {
    "affected_people": 420,
    "relocated": 40,
    "need_aid": 20,
    "severe_households": 2,
    "severe_rooms": 5,
    "crop_affected": 36,
    "crop_damaged": 12,
    "direct_loss": 96,
}
DACHUAN_2 = DACHUAN_1 | {
    "affected_people": 1020,
    "missing": 1,
    "relocated": 160,
    "crop_affected": 96,
    "direct_loss": 388,
    "collapsed_rooms": 7,
}
LIUQUAN_2 = LIUQUAN_1 | {"affected_people": 510, "crop_affected": 41, "direct_loss": 118}
CHENGGUAN_1 = {
    "affected_people": 300,
    "relocated": 80,
    "need_aid": 30,
    "collapsed_households": 1,
    "collapsed_rooms": 3,
    "general_households": 12,
    "general_rooms": 20,
    "direct_loss": 0,
}
CHENGGUAN_2 = CHENGGUAN_1 | {"affected_people": 340, "deaths": 1, "direct_loss": 145}


def _casualties(xigu, cg, process, start, day2):
    """死亡失踪人员名单 (演示 names; the ID numbers are made up, with a valid check character): a
    man missing in 岔路村 since the flood, a woman killed in 城关区 by a collapsing wall; both
    recorded before the 续报 that count them."""
    from yingji.geo.models import Region

    chengguan = Region.objects.filter(level="village", code__startswith="620102").order_by("code")
    rows = [
        (
            xigu,
            (6, 30),
            "620104103201",
            "马福贵",
            "M",
            68,
            "620104195803120313",
            "missing",
            "沟道山洪中外出查看农田,被洪水冲走,正在搜寻",
        ),
        (
            cg,
            (8, 10),
            chengguan[0].code,
            "刘秀英",
            "F",
            45,
            "620102198111050423",
            "dead",
            "暴雨致院墙倒塌被压",
        ),
    ]
    for user, (hour, minute), code, name, sex, age, id_number, state, cause in rows:
        with _as(user), _at(day2.replace(hour=hour, minute=minute)):
            services.do_record_casualty(
                actor=user,
                data=CasualtyIn(
                    process=process.pk,
                    region=code,
                    name=name,
                    sex=sex,
                    age=age,
                    id_number=id_number,
                    residence=code,
                    state=state,
                    occurred_on=start.date(),
                    cause=cause,
                ),
            )


def _default_deadlines() -> DeadlinesIn:
    from yingji.standards.disaster_stats import default_deadlines

    rules = default_deadlines()
    values = {}
    for level in ("village", "township", "county", "city"):
        values[f"initial_{level}"] = rules["initial"]["hours"][level]
        values[f"followup_{level}"] = rules["followup"]["hour"][level]
        values[f"verified_{level}"] = rules["verified"]["days"][level]
    return DeadlinesIn(note="按《自然灾害情况统计调查制度》(应急〔2020〕19号)设定(演示)", **values)


def _register_officers(city, officer_user, local):
    from yingji.geo.models import Region

    rows = list(OFFICERS)
    made = []
    named = {code for code, *_ in OFFICERS}
    villages = Region.objects.filter(level="village").exclude(code__in=named).order_by("code")
    for n, v in enumerate(villages, start=1):
        if n % GAP_EVERY == 0:
            continue
        roles = ("A", "B") if n % B_EVERY == 0 else ("A",)
        for role in roles:
            given = "建华明丽军芳"[(n + (role == "B")) % 6]
            rows.append(
                (
                    v.code,
                    f"{SURNAMES[(n + (role == 'B') * 7) % len(SURNAMES)]}{given}",
                    f"139{n:05d}{2 if role == 'B' else 1:03d}",
                    role,
                    60 + (n * 37) % 700,
                    False,
                )
            )
    for code, name, phone, role, days, account in rows:
        with _as(city), _at(local - dt.timedelta(days=days)):
            officer = services.do_register_officer(
                actor=city,
                data=OfficerIn(
                    name=name,
                    phone=phone,
                    region=code,
                    role=role,
                    trained_on=(local - dt.timedelta(days=days)).date(),
                    certificate_no=f"GSXXY-{code[-6:]}{role}",
                    username=officer_user.username if account else "",
                ),
            )
            made.append(officer.pk)
    InfoOfficer.objects.filter(pk__in=made).update(is_demo=True)


# 过渡期生活救助 for 达川镇 households whose homes collapsed (演示 names)
RELIEF = [
    ("620104103201", "马永福", 5, "4500"),
    ("620104103201", "马玉兰", 3, "2700"),
    ("620104103203", "王世杰", 4, "3600"),
]


def _relief(xigu, cg, process, start):
    from yingji.geo.models import Region

    made = []
    chengguan = Region.objects.filter(level="village", code__startswith="620102").order_by("code")
    rows = [(xigu, *row) for row in RELIEF]
    rows.append((cg, chengguan[0].code, "刘长青", 2, "1800"))
    for user, code, name, persons, amount in rows:
        with _as(user), _at(start + dt.timedelta(days=2, hours=-4)):
            record = services.do_record_relief(
                actor=user,
                data=ReliefIn(
                    kind="transition",
                    process=process.pk,
                    region=code,
                    head_name=name,
                    persons=persons,
                    amount=amount,
                    paid_on=(start + dt.timedelta(days=2)).date(),
                    note="每人每月300元,发放3个月(演示)",
                ),
            )
        made.append(record.pk)
    ReliefRecord.objects.filter(pk__in=made).update(is_demo=True)


def _relief_funds_and_supplies(city, xigu, cg, process, start):
    """救灾资金 down the levels (省级 → 市 → 西固区、城关区 → their townships) and supplies given
    out by hand (the resources ledger's demo is loaded after this module's, so no 出库 line of
    the process's days exists yet to link)."""
    from yingji.geo.models import Region

    from .models import ReliefFund, ReliefSupply
    from .relief import do_record_relief_fund, do_record_relief_supply
    from .schemas import ReliefFundIn, ReliefSupplyIn

    cg_town = Region.objects.filter(level="township", code__startswith="620102").order_by("code")[0]
    day = (start + dt.timedelta(days=1)).date()
    funds = [
        (city, "province", None, "620100", "200", "emergency", "省级下达(演示)"),
        (city, "region", "620100", "620104", "80", "emergency", "市级下拨西固区(演示)"),
        (city, "region", "620100", "620102", "50", "emergency", "市级下拨城关区(演示)"),
        (xigu, "region", "620104", "620104103", "40", "transition", "西固区下拨达川镇(演示)"),
        (xigu, "region", "620104", "620104104", "20", "transition", "西固区下拨柳泉镇(演示)"),
        (cg, "region", "620102", cg_town.code, "10", "transition", "城关区下拨(演示)"),
    ]
    made_funds, made_supplies = [], []
    for i, (user, source, origin, to, amount, purpose, doc) in enumerate(funds):
        with _as(user), _at(start + dt.timedelta(days=1, hours=i)):
            fund = do_record_relief_fund(
                actor=user,
                data=ReliefFundIn(
                    process=process.pk,
                    year=day.year,
                    purpose=purpose,
                    source=source,
                    from_region=origin,
                    to_region=to,
                    amount=amount,
                    document_no=doc,
                    on=day,
                ),
            )
        made_funds.append(fund.pk)
    supplies = [
        (xigu, "620104103", "棉被", "床", "200"),
        (xigu, "620104103", "折叠床", "张", "50"),
        (cg, cg_town.code, "帐篷", "顶", "10"),
    ]
    for user, region, item, unit, quantity in supplies:
        with _as(user), _at(start + dt.timedelta(hours=20)):
            supply = do_record_relief_supply(
                actor=user,
                data=ReliefSupplyIn(
                    process=process.pk,
                    region=region,
                    item_name=item,
                    unit=unit,
                    quantity=quantity,
                    distributed_on=(start + dt.timedelta(hours=20)).date(),
                    note="手工登记(演示)",
                ),
            )
        made_supplies.append(supply.pk)
    ReliefFund.objects.filter(pk__in=made_funds).update(is_demo=True)
    ReliefSupply.objects.filter(pk__in=made_supplies).update(is_demo=True)


GOOD = ["satisfaction", "no_major_accident", "plan_and_drill"]

# 佐证说明 for each criterion of the demo self-assessments (演示): what a community would show
EVIDENCE = {
    "satisfaction": "年度居民满意度问卷回收312份,满意率86%(问卷汇总表)。(演示)",
    "no_major_accident": "近三年社区灾情台账及街道证明,无因灾较大事故。(演示)",
    "plan_and_drill": "社区综合灾害应急救助预案(修订版)及本年度疏散演练记录、照片。(演示)",
    "organisation": "社区减灾工作领导小组成立文件、工作制度、网格划分图、经费支出台账。(演示)",
    "risk_assessment": "社区灾害风险地图、脆弱人群清单(独居老人43人)、隐患清单。(演示)",
    "hazard_control": "每月隐患排查记录及整改台账。(演示)",
    "plans_drills": "预案文本、演练方案、演练评估报告。(演示)",
    "education": "防灾减灾日活动记录、宣传栏照片、居民培训签到表。(演示)",
    "teams": "志愿者队伍名册、灾害信息员和网格员名单。(演示)",
    "facilities": "避难场所标识照片、应急物资储备清单。(演示)",
    "participation": "居民参与活动记录、特色做法总结。(演示)",
}


def _evidence(scores: dict) -> dict:
    """The demo's evidence notes: the conditions ticked and every element scored above 0."""
    claimed = set(GOOD) | {code for code, score in scores.items() if score > 0}
    return {code: note for code, note in EVIDENCE.items() if code in claimed}


def _scores(total_off: int) -> dict:
    """Full marks less ``total_off`` points taken from the last elements."""
    from yingji.standards import demo_community as dc

    scores = {e["code"]: e["max"] for e in dc.criteria()["elements"]}
    for code in reversed(list(scores)):
        cut = min(total_off, scores[code])
        scores[code] -= cut
        total_off -= cut
    return scores


def _communities(city, xigu, cg, today: dt.date) -> int:
    """综合减灾示范社区 (T54), relative to today: a 市级 community of 西固 named two years ago and
    kept at this year's 复核; this year's 省级 one passed by 西固 and waiting for the city; a new
    application waiting for 西固; a 城关 application returned by the county; last year's 全国 one of
    城关 named this spring; a 城关 community named three years ago whose naming was revoked at
    last year's 复核. 督查 visits fall in the latest October–December window up to today."""
    from yingji.standards import demo_community as dc

    from .models import CommunityEvidence, CommunityInspection, DemoCommunity
    from .schemas import (
        CommunityApplyIn,
        CommunityCityReviewIn,
        CommunityCountyReviewIn,
        CommunityInspectionIn,
        CommunityRecheckIn,
    )

    year = today.year
    in_window = dc.in_inspection_window(today)
    visit_day = max(today - dt.timedelta(days=6), dt.date(year, 10, 8)) if in_window else None
    if visit_day is None:  # before October: last year's window
        visit_day = dt.date(year - 1, 11, 15)
    rows = [
        # region, county user, level, year, off, steps, contact
        ("620104001005", xigu, "city", year - 2, 8, ("pass", "name", "keep"), "陈官营社区 王主任"),
        ("620104001001", xigu, "provincial", year, 12, ("pass",), "西固中路社区 李书记"),
        ("620104001007", xigu, "city", year, 15, (), "小坪社区 赵主任"),
        ("620102001002", cg, "city", year, 18, ("return",), "张家园社区 马主任"),
        ("620102001001", cg, "national", year - 1, 6, ("pass", "name"), "畅家巷社区 杨书记"),
        ("620102001004", cg, "provincial", year - 3, 10, ("pass", "name", "revoke"), "南稍门社区"),
    ]
    made = []
    for code, county, level, applied_year, off, steps, contact in rows:
        with _as(county):
            community = services.do_apply_demo_community(
                actor=county,
                data=CommunityApplyIn(
                    region=code,
                    level=level,
                    year=applied_year,
                    households=1200 + 37 * len(made),
                    contact=f"{contact}(演示)",
                    summary="成立社区减灾工作领导小组,编制社区灾害风险地图和综合应急预案,"
                    "每年开展疏散演练;辖区网格员兼任灾害信息员。(演示)",
                    conditions=GOOD,
                    scores=_scores(off),
                    evidence=_evidence(_scores(off)),
                ),
            )
        for step in steps:
            if step in ("pass", "return"):
                with _as(county):
                    services.do_review_demo_community_county(
                        actor=county,
                        community=community,
                        data=CommunityCountyReviewIn(
                            passed=step == "pass",
                            scores=_scores(off + 2),
                            opinion="材料齐全,现场核查风险地图、预案与演练记录相符。(演示)"
                            if step == "pass"
                            else "脆弱人群清单不全,应急物资储备台账缺失,请补充后重新申报。(演示)",
                        ),
                    )
            elif step == "name":
                # the city names in December; a 全国 one is named the next spring
                named_on = min(
                    dt.date(applied_year + 1, 3, 20)
                    if level == "national"
                    else dt.date(applied_year, 12, 20),
                    today,
                )
                with _as(city):
                    services.do_review_demo_community_city(
                        actor=city,
                        community=community,
                        data=CommunityCityReviewIn(
                            decision="name",
                            opinion="审查验收和现场抽查合格。(演示)",
                            named_on=named_on,
                            naming_doc=f"兰减委发〔{named_on.year}〕{7 + len(made)}号(演示)",
                        ),
                    )
            else:
                with _as(city):
                    services.do_recheck_demo_community(
                        actor=city,
                        community=community,
                        data=CommunityRecheckIn(
                            keep=step == "keep",
                            rechecked_on=min(dt.date(year - (step == "revoke"), 11, 10), today),
                            opinion="复核合格,保留命名。(演示)"
                            if step == "keep"
                            else "复核发现预案三年未修订、未开展演练,减灾领导小组已撤并,"
                            "撤销命名。(演示)",
                        ),
                    )
            community.refresh_from_db()
        made.append(community)
    for community, result, findings in (
        (made[0], "good", "风险地图已按年度更新,演练记录齐全。(演示)"),
        (made[1], "rectify", "避难场所标识牌缺失2处,应急物资台账未按月更新。(演示)"),
        (made[4], "good", "居民防灾减灾知晓率抽样良好。(演示)"),
    ):
        if community.status in ("rejected", "revoked"):
            continue
        with _as(city):
            services.do_record_community_inspection(
                actor=city,
                community=community,
                data=CommunityInspectionIn(
                    visited_on=visit_day,
                    inspectors="市应急局风险监测和综合减灾科 张伟、刘洋(演示)",
                    findings=findings,
                    result=result,
                    rectify_by=visit_day + dt.timedelta(days=30) if result == "rectify" else None,
                ),
            )
    DemoCommunity.objects.filter(pk__in=[c.pk for c in made]).update(is_demo=True)
    # 创建时间: the spring of each application's year (not the moment the demo was loaded)
    now = timezone.now()
    for community in made:
        applied = timezone.make_aware(dt.datetime(community.year, 3, 20, 9, 30))
        DemoCommunity.objects.filter(pk=community.pk).update(
            created_at=min(applied, now - dt.timedelta(days=1))
        )
    CommunityInspection.objects.filter(community__in=made).update(is_demo=True)
    CommunityEvidence.objects.filter(community__in=made).update(is_demo=True)
    return len(made)


def _quake_estimate(local) -> None:
    """One past rapid estimate (T29): a moderate earthquake near 永登县 six weeks ago, kept by
    the duty officer, no event started (演示)."""
    from .models import QuakeEstimate
    from .schemas import QuakeRecordIn

    duty = _user("duty")
    when = (local - dt.timedelta(days=42)).replace(hour=3, minute=17, second=0, microsecond=0)
    with _as(duty):
        estimate = services.do_record_quake_estimate(
            actor=duty,
            data=QuakeRecordIn(
                lon=103.26,
                lat=36.74,
                magnitude=4.8,
                depth=9,
                occurred_at=when,
                place="永登县城附近(演示)",
            ),
        )
    QuakeEstimate.objects.filter(pk=estimate.pk).update(
        is_demo=True, created_at=when + dt.timedelta(minutes=6)
    )
