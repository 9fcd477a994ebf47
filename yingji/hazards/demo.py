"""Demo hazards (all 演示), through the same services a user would call, so each has its
timeline: about 120 at demo enterprises across the closed loop (registered, graded, rectifying,
waiting for verification, closed, some overdue, a few 重大 with plans and 挂牌督办, one repeat),
plus public-place hazards (gas, fire, flood channels). Set in the present: found over the past
months, each step on its own later day and time (core.demo.dated), no step after today, so a
hazard found three days ago is not closed and only a passed deadline is overdue. A 重大 hazard
under the 2017 chemical criteria is described by the criterion it was graded under. 16号令: every
重大 one is reported with its approved 治理方案 before it is rectified and assessed before the
application to resume; ent_user's enterprise has one in 部分停产整改, one waiting for the
bureau's review of its 恢复生产申请, a 一般 one it closed itself (ent_chief verified), and a
submitted quarterly 统计分析表.
Deterministic and idempotent."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.context import actor_context, get_actor_context
from yingji.core.demo import dated, moment
from yingji.enterprises.choices import HAZCHEM_SECTORS
from yingji.enterprises.models import Enterprise
from yingji.geo.models import Region
from yingji.orgs.models import Organisation

from . import services
from .models import Hazard

DESCRIPTIONS = {
    "equipment": ["储罐区液位计失灵未及时维修", "安全阀超期未校验", "压力表损坏未更换"],
    "environment": ["作业场所通道堆放杂物", "有限空间作业未通风检测", "仓库照明灯具非防爆型"],
    "behaviour": ["作业人员未佩戴安全帽", "高处作业未系安全带", "叉车司机作业时接打电话"],
    "management": ["隐患排查台账记录不全", "应急预案未按期演练", "安全教育培训记录缺失"],
    "fire": ["消防通道被占用", "灭火器过期未更换", "疏散指示标志损坏"],
    "electrical": ["配电箱未接地", "临时用电私拉乱接"],
}
PLAN = {
    "goal": "彻底消除隐患,恢复装置本质安全",
    "measures": "停用相关设施,委托有资质单位检修改造",
    "funding": "企业自筹 30 万元,物资已到位",
    "responsible": "企业主要负责人牵头,设备部具体实施",
    "deadline": "60 个工作日内完成",
    "safety": "治理期间设置警戒区,专人监护,制定专项应急预案并演练",
}


def _photo(name: str) -> SimpleUploadedFile:
    # a tiny valid PNG (1×1) so the upload check accepts it
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
        b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
        b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    return SimpleUploadedFile(name, io.BytesIO(png).getvalue(), content_type="image/png")


LOCATIONS = ["储罐区", "生产车间", "仓库", "配电室", "办公区"]
# 重大 hazards at a few chemical enterprises: (category, description, the 2017 判定标准 item it
# meets), so that the description matches the criterion it is graded under.
CHEM_MAJOR = [
    ("behaviour", "电工、焊工等特种作业人员未取得特种作业操作证即上岗作业", 2),
    ("equipment", "罐区可燃气体检测报警装置缺失,防爆区域使用非防爆照明", 12),
    ("equipment", "储罐安全阀根部切断阀处于关闭状态,安全阀未正常投用", 15),
    ("management", "进入受限空间、动火等特殊作业未执行作业许可制度", 18),
]
REPORT_HARM = "一旦失控可能引发火灾爆炸并波及相邻装置;需停用相关设施、委托专业单位改造,整改难度较大"
PEOPLE_EXPOSED = [0, 5, 10, 30, 80]
DEMO_ENTERPRISES = 110
SUPERVISOR = "LZYJJ"
OWN_ENTERPRISE = "DEMO-ENT-620104-01"  # the enterprise of the demo enterprise user

# Public places: (county code, category, description, place).
PLACES = [
    ("620102", "gas", "东岗西路老旧小区燃气管道锈蚀", "东岗西路某小区"),
    ("620103", "gas", "餐饮街液化气瓶与灶具间距不足", "七里河区某餐饮街"),
    ("620102", "fire", "农贸市场消防通道被摊位占用", "城关区某农贸市场"),
    ("620111", "flood", "洪道内堆放建筑垃圾影响行洪", "红古区某洪道"),
    ("620105", "flood", "洪道护岸局部坍塌", "安宁区某洪道"),
    ("620104", "fire", "高层住宅楼消防设施损坏", "西固区某住宅小区"),
]


@dataclass
class Cast:
    """The demo users who act, and the source the audit trail records."""

    admin: object
    xigu: object
    whk: object
    ent_user: object
    source: str

    def acting(self, user):
        return actor_context(user, source=self.source, label="demo")


@dataclass
class Case:
    """One demo hazard at an enterprise: who reports, regulates and handles it."""

    cast: Cast
    reporter: object
    regulator: object
    handler: object
    found: date
    criteria: list
    today: date = field(default_factory=date.today)
    rng: random.Random | None = None
    day: date | None = None  # the day of the last step taken

    def next_day(self, least: int, most: int) -> date | None:
        """The day of the next step, ``least``–``most`` days after the last one; None if that
        is not yet past (the step has not happened)."""
        day = self.day + timedelta(days=self.rng.randint(least, most))
        if day >= self.today:
            return None
        self.day = day
        return day

    def at(self, day: date):
        return dated(moment(day, self.rng))


def _cast() -> Cast | None:
    users = {u.username: u for u in get_user_model().objects.all()}
    admin, xigu, whk = users.get("city_admin"), users.get("xigu_staff"), users.get("whk_staff")
    if not (admin and xigu and whk):
        return None
    ctx = get_actor_context()
    return Cast(admin, xigu, whk, users.get("ent_user"), ctx.source if ctx else "system")


def _regulator(cast: Cast, ent):
    if ent.tier == "city":
        return cast.whk
    return cast.xigu if ent.region.path.startswith("/620100/620104/") else cast.admin


def _own(cast: Cast, ent):
    """The demo enterprise user, when this is their enterprise."""
    if cast.ent_user and ent.organisation.code == OWN_ENTERPRISE:
        return cast.ent_user
    return None


# How long ago a hazard that goes as far as a stage was found (days): the older ones have
# mostly been closed; those still open are recent, and a few are past their deadline.
AGES = [(0.12, (1, 10)), (0.25, (2, 16)), (0.45, (3, 24)), (0.6, (5, 30)), (1.0, (15, 200))]


def _age(rng, stage: float, stuck: bool) -> int:
    if stuck:  # nobody in the demo can verify it: it stays 整改中, found recently
        return rng.randint(2, 16)
    return rng.randint(*next(ages for bound, ages in AGES if stage < bound))


def _register(rng, cast: Cast, ent, today: date, stage: float) -> tuple[Case, Hazard]:
    """Register a hazard at ``ent`` (the random draws in a fixed order: the data stay the same
    from one run to the next)."""
    own = _own(cast, ent)
    regulator = _regulator(cast, ent)
    category = rng.choice(list(DESCRIPTIONS))
    description = rng.choice(DESCRIPTIONS[category])
    found = today - timedelta(days=_age(rng, stage, stuck=regulator == (own or cast.admin)))
    chemical = ent.sector in HAZCHEM_SECTORS and rng.random() < 0.12
    criteria = []
    if chemical:
        category, description, criterion = rng.choice(CHEM_MAJOR)
        criteria = [criterion]
    case = Case(cast, own or regulator, regulator, own or cast.admin, found, criteria, today, rng)
    case.day = found
    source = "self_inspection" if own else rng.choice(["enforcement", "department"])
    with cast.acting(case.reporter), case.at(found):
        hazard = services.do_register_hazard(
            actor=case.reporter,
            enterprise=ent,
            source=source,
            category=category,
            description=description,
            found_on=found,
            location=rng.choice(LOCATIONS),
            criteria=criteria,
            people_exposed=rng.choice(PEOPLE_EXPOSED),
            photos=[_photo("现场.png")],
            is_demo=True,
        )
    return case, hazard


def _grade(case: Case, hazard: Hazard) -> Hazard | None:
    day = case.next_day(0, 2)
    if day is None:
        return None
    with case.cast.acting(case.regulator), case.at(day):
        return services.do_grade_hazard(
            actor=case.regulator,
            hazard=hazard,
            level=hazard.level,
            criteria=case.criteria,
            today=day,
        )


def _start(case: Case, hazard: Hazard) -> Hazard | None:
    """整改中; a 重大 one with its plan, and 挂牌督办 by the city bureau."""
    day = case.next_day(1, 3)
    if day is None:
        return None
    if hazard.level == "major":  # 16号令 Art. 14, 15: the report with the approved plan first
        with case.cast.acting(case.handler), case.at(day):
            hazard = _report(case.handler, hazard, day)
        day = case.next_day(0, 1) or day
    with case.cast.acting(case.handler), case.at(day):
        hazard = services.do_start_rectification(actor=case.handler, hazard=hazard)
    if hazard.level == "major":
        day = case.next_day(0, 2) or day
        with case.cast.acting(case.regulator), case.at(day):
            services.do_supervise_hazard(
                actor=case.regulator,
                hazard=hazard,
                supervisor=_supervisor(case.regulator),
                until=case.found + timedelta(days=120),
            )
        hazard.refresh_from_db()
    return hazard


def _report(actor, hazard: Hazard, day: date) -> Hazard:
    return services.do_report_major_hazard(
        actor=actor,
        hazard=hazard,
        situation=f"{hazard.location or '现场'}{hazard.description},已设置警戒区并专人监护",
        harm=REPORT_HARM,
        plan=PLAN,
        approver="张国强(总经理)",
        approved_on=day,
    )


def _supervisor(regulator):
    """The city bureau when the regulator works for it, else the regulator's own bureau (a
    county cannot 挂牌 in the city's name)."""
    city = Organisation.objects.get(code=SUPERVISOR)
    if services.may_supervise_as(regulator, city):
        return city
    return next(
        o
        for o in Organisation.objects.filter(kind="county_bureau").order_by("path")
        if services.may_supervise_as(regulator, o)
    )


def _submit(case: Case, hazard: Hazard) -> Hazard | None:
    if case.regulator == case.handler:
        return None  # no second demo user in scope to verify: it stays 整改中
    # done within the deadline (most of it used)
    room = max(1, (hazard.deadline - case.day).days - 1) if hazard.deadline else 10
    day = case.next_day(1, room)
    if day is None:
        return None
    if hazard.level == "major":  # 16号令 Art. 18: assessed before the application to resume
        with case.cast.acting(case.handler), case.at(day):
            hazard = _assess(case.handler, hazard, day)
        day = case.next_day(0, 1) or day
    with case.cast.acting(case.handler), case.at(day):
        return services.do_submit_rectification(
            actor=case.handler,
            hazard=hazard,
            rectification="已按要求整改完毕,整改前后照片附后。",
            evidence=[_photo("整改后.png")],
            today=day,
        )


def _assess(actor, hazard: Hazard, day: date) -> Hazard:
    return services.do_record_assessment(
        actor=actor,
        hazard=hazard,
        assessor_kind="agency",
        assessor="甘肃某安全评价有限公司(演示)",
        conclusion="治理措施已落实,隐患已消除,具备恢复生产条件",
        assessed_on=day,
        files=[_photo("评估报告.png")],
    )


def _verify(case: Case, hazard: Hazard) -> Hazard | None:
    day = case.next_day(1, 5)
    if day is None:
        return None
    with case.cast.acting(case.regulator), case.at(day):
        return services.do_verify_hazard(
            actor=case.regulator,
            hazard=hazard,
            passed=True,
            opinion="现场核查整改到位,同意销号。",
        )


# How far along the loop a demo hazard goes: a random stage in [0, 1) takes each step whose
# bound it reaches (below 0.12 登记 only, then 已定级 (some overdue), 整改中, 待验收, 已销号),
# as far as the days since it was found allow.
STEPS = [(0.12, _grade), (0.25, _start), (0.45, _submit), (0.6, _verify)]


def _advance(case: Case, hazard: Hazard, stage: float) -> None:
    for bound, step in STEPS:
        if stage < bound or hazard is None:
            return
        hazard = step(case, hazard)


def _repeat(cast: Cast, today: date) -> int:
    """The same problem again at the same enterprise: a repeat hazard."""
    closed = Hazard.objects.filter(is_demo=True, state="closed").order_by("pk").first()
    if closed is None:
        return 0
    yesterday = today - timedelta(days=1)
    with cast.acting(cast.admin), dated(moment(yesterday, random.Random(closed.pk))):
        services.do_register_hazard(
            actor=cast.admin,
            enterprise=closed.enterprise,
            source="enforcement",
            category=closed.category,
            description=f"复查发现:{closed.description}",
            found_on=yesterday,
            location=closed.location,
            is_demo=True,
        )
    return 1


def _public_places(cast: Cast, today: date, rng) -> int:
    count = 0
    with cast.acting(cast.admin):
        for code, category, description, place in PLACES:
            region = Region.objects.filter(code=code).first()
            if region is None:
                continue
            found = today - timedelta(days=10 + count * 7)
            with dated(moment(found, rng)):
                _public_place(cast.admin, region, category, description, place, found)
            count += 1
    return count


def _public_place(actor, region, category: str, description: str, place: str, found) -> None:
    services.do_register_hazard(
        actor=actor,
        place=place,
        region=region,
        lon=region.centroid_lon,
        lat=region.centroid_lat,
        source="tip_off" if category != "flood" else "department",
        category=category,
        description=description,
        found_on=found,
        sector=category,
        people_exposed=50,
        is_demo=True,
    )


def _own_rectifying(cast: Cast, today: date, rng) -> int:
    """The demo enterprise user's own work: a hazard the 西固 bureau found at its enterprise last
    week, graded 一般, which the enterprise is rectifying (its 工作台 shows it as waiting)."""
    ent = Enterprise.objects.filter(organisation__code=OWN_ENTERPRISE).first()
    if ent is None or cast.ent_user is None:
        return 0
    regulator = _regulator(cast, ent)
    found = today - timedelta(days=7)
    case = Case(cast, regulator, regulator, cast.ent_user, found, [], today, rng)
    case.day = found
    with cast.acting(regulator), case.at(found):
        hazard = services.do_register_hazard(
            actor=regulator,
            enterprise=ent,
            source="enforcement",
            category="equipment",
            description="配电室应急照明灯损坏,疏散指示标志不亮",
            found_on=found,
            location="配电室",
            people_exposed=5,
            is_demo=True,
        )
    with cast.acting(regulator), case.at(found + timedelta(days=1)):
        hazard = services.do_grade_hazard(
            actor=regulator,
            hazard=hazard,
            level="general",
            criteria=[],
            deadline_workdays=15,
            today=found + timedelta(days=1),
        )
    with cast.acting(cast.ent_user), case.at(found + timedelta(days=2)):
        services.do_start_rectification(actor=cast.ent_user, hazard=hazard, plan={})
    return 1


def _own_major(cast: Cast, today: date, rng) -> int:
    """The enterprise user's 重大 hazards (16号令): one in 部分停产整改 under its approved 治理方案,
    挂牌督办 by the 西固 bureau; one assessed and waiting for the bureau's review of its
    application to resume production (恢复生产申请, due within 10 days)."""
    ent = Enterprise.objects.filter(organisation__code=OWN_ENTERPRISE).first()
    if ent is None or cast.ent_user is None:
        return 0
    regulator = _regulator(cast, ent)
    made = 0
    for found_ago, description, waiting in (
        (40, "液化烃球罐区紧急切断阀失效,未实现紧急切断功能", False),
        (70, "二号罐区可燃气体检测报警仪缺失,防爆区域使用非防爆照明", True),
    ):
        found = today - timedelta(days=found_ago)
        case = Case(cast, regulator, regulator, cast.ent_user, found, [], today, rng)
        case.day = found
        code = _hazchem_code(ent, waiting)
        with cast.acting(regulator), case.at(found):
            hazard = services.do_register_hazard(
                actor=regulator,
                enterprise=ent,
                source="enforcement",
                category="equipment",
                description=description,
                found_on=found,
                location="储罐区",
                people_exposed=30,
                level="major",
                criterion_code=code,
                photos=[_photo("现场.png")],
                is_demo=True,
            )
        day = found + timedelta(days=1)
        with cast.acting(regulator), case.at(day):
            hazard = services.do_grade_hazard(
                actor=regulator, hazard=hazard, level="major", criterion_code=code, today=day
            )
        day += timedelta(days=2)
        with cast.acting(cast.ent_user), case.at(day):
            hazard = _report(cast.ent_user, hazard, day)
            hazard = services.do_set_production_status(
                actor=cast.ent_user,
                hazard=hazard,
                status="partial",
                reason="罐区停用、倒空物料,其余装置正常生产",
            )
        day += timedelta(days=1)
        with cast.acting(cast.ent_user), case.at(day):
            hazard = services.do_start_rectification(actor=cast.ent_user, hazard=hazard)
        with cast.acting(regulator), case.at(day):
            services.do_supervise_hazard(
                actor=regulator,
                hazard=hazard,
                supervisor=_supervisor(regulator),
                until=found + timedelta(days=120),
            )
        hazard.refresh_from_db()
        if waiting:
            day = today - timedelta(days=4)
            with cast.acting(cast.ent_user), case.at(day):
                hazard = _assess(cast.ent_user, hazard, day)
            day = today - timedelta(days=3)
            with cast.acting(cast.ent_user), case.at(day):
                services.do_submit_rectification(
                    actor=cast.ent_user,
                    hazard=hazard,
                    rectification="紧急切断阀已更换并联锁调试合格,评估报告附后,申请恢复罐区生产。",
                    evidence=[_photo("整改后.png")],
                    today=day,
                )
        made += 1
    return made


def _hazchem_code(ent, second: bool) -> str:
    from yingji.standards import major_hazard_criteria

    industry = major_hazard_criteria.industry_for(ent.sector) or "hazchem"
    codes = [c["code"] for c in major_hazard_criteria.items(industry)]
    if industry == "hazchem":
        return "HG2017-12" if second else "HG2017-05"
    return codes[1 if second else 0]


def _own_self_closed(cast: Cast, today: date, rng) -> int:
    """An enterprise's self-management of a 一般 hazard (16号令 Art. 4, 15): ent_user finds and
    rectifies it; its 安全总监 (ent_chief), not the rectifier, verifies and closes it."""
    ent = Enterprise.objects.filter(organisation__code=OWN_ENTERPRISE).first()
    chief = get_user_model().objects.filter(username="ent_chief").first()
    if ent is None or cast.ent_user is None or chief is None:
        return 0
    found = today - timedelta(days=12)
    case = Case(cast, cast.ent_user, chief, cast.ent_user, found, [], today, rng)
    with cast.acting(cast.ent_user), case.at(found):
        hazard = services.do_register_hazard(
            actor=cast.ent_user,
            enterprise=ent,
            source="self_inspection",
            category="fire",
            description="中控室灭火器压力不足,已超过检验期",
            found_on=found,
            location="中控室",
            people_exposed=8,
            photos=[_photo("现场.png")],
            is_demo=True,
        )
        hazard = services.do_grade_hazard(
            actor=cast.ent_user, hazard=hazard, level="general", today=found
        )
    with cast.acting(cast.ent_user), case.at(found + timedelta(days=1)):
        hazard = services.do_rectify_on_the_spot(
            actor=cast.ent_user,
            hazard=hazard,
            rectification="更换 4 具灭火器并张贴检验标签",
            evidence=[_photo("整改后.png")],
        )
    with cast.acting(chief), case.at(found + timedelta(days=2)):
        services.do_verify_hazard(
            actor=chief, hazard=hazard, passed=True, opinion="现场核查灭火器已更换,同意销号。"
        )
    return 1


def _returns(cast: Cast, today: date) -> int:
    """统计分析表 (16号令 Art. 14) for the last quarter that has ended: ent_user's enterprise
    submitted it; a few other demo enterprises (西固、城关) have one generated by the loader,
    some submitted, some still drafts, so that the regulators' 报送情况 has both."""
    from .selectors import last_period

    kind, year, quarter = last_period(today)
    made = 0
    own = Enterprise.objects.filter(organisation__code=OWN_ENTERPRISE).first()
    due = services.return_due(kind, year, quarter)
    day = min(due - timedelta(days=3), today - timedelta(days=1))
    rng = random.Random(year * 10 + quarter)
    if own is not None and cast.ent_user is not None:
        with cast.acting(cast.ent_user), dated(moment(day, rng)):
            row = services.do_generate_hazard_return(
                actor=cast.ent_user,
                enterprise=own,
                kind=kind,
                year=year,
                quarter=quarter,
                is_demo=True,
            )
            services.do_submit_hazard_return(
                actor=cast.ent_user,
                hazard_return=row,
                signed_by="张国强",
                analysis="本季度隐患均按期整改;重大隐患按治理方案推进,罐区部分停产整改。",
            )
        made += 1
    others = [
        e
        for county in ("/620100/620104/", "/620100/620102/")
        for e in [
            e
            for e in _demo_enterprises()
            if e.organisation.code != OWN_ENTERPRISE and e.region.path.startswith(county)
        ][:3]
    ]
    for i, ent in enumerate(others):
        with cast.acting(cast.admin), dated(moment(day, rng)):
            row = services.do_generate_hazard_return(
                actor=cast.admin,
                enterprise=ent,
                kind=kind,
                year=year,
                quarter=quarter,
                is_demo=True,
            )
            if i % 2 == 0:
                services.do_submit_hazard_return(
                    actor=cast.admin, hazard_return=row, signed_by="(演示)企业主要负责人"
                )
        made += 1
    return made


def _demo_enterprises() -> list:
    return list(
        Enterprise.objects.filter(organisation__is_demo=True)
        .select_related("organisation", "region")
        .order_by("pk")
    )


def load_demo(seed: int = 2022) -> dict:
    if Hazard.objects.filter(is_demo=True).exists():
        return {"hazards": 0}
    cast = _cast()
    enterprises = _demo_enterprises() if cast else []
    if not enterprises:
        return {"hazards": 0}
    rng = random.Random(seed)
    today = timezone.localdate()
    made = 0
    for ent in rng.sample(enterprises, min(DEMO_ENTERPRISES, len(enterprises))):
        stage = rng.random()
        case, hazard = _register(rng, cast, ent, today, stage)
        made += 1
        _advance(case, hazard, stage)
    made += _repeat(cast, today)
    made += _public_places(cast, today, rng)
    made += _own_rectifying(cast, today, rng)
    made += _own_major(cast, today, rng)
    made += _own_self_closed(cast, today, rng)
    returns = _returns(cast, today)
    record_event("demo.hazards", f"演示:隐患 {made} 条,统计分析表 {returns} 份")
    return {"hazards": made, "hazard_returns": returns}
