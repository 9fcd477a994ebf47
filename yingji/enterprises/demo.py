"""Demo enterprises (about 300, all 演示): plausible for 兰州 — petrochemicals in 西固区, mines in
红古区/永登县/榆中县, trade and manufacturing in the urban districts. Deterministic (seeded),
idempotent, coordinates inside the declared district, written with bulk_create and one event
(the demo load runs at the start of every test session)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from shapely.geometry import Point, shape
from shapely.prepared import prep

from yingji.core.audit import record_event
from yingji.geo.models import Region
from yingji.orgs.models import Organisation
from yingji.standards.ids import org_code_check_char, uscc_check_char

from .choices import INSURANCE_REQUIRED_SECTORS
from .models import (
    Enterprise,
    InsurancePolicy,
    Licence,
    ResponsibilityItem,
    SafetyQuestionnaire,
    TierRule,
)
from .tiering import DEFAULT_RULE, compute_tier

SEED = 2022

# county → (number of demo enterprises in total, weighted sectors)
DISTRICTS = {
    "620104": (
        58,
        {
            "hazchem_production": 12,
            "hazchem_storage": 10,
            "hazchem_trade": 8,
            "hazchem_use": 6,
            "gas": 5,
            "machinery": 5,
            "metallurgy": 3,
            "commerce": 4,
            "fire_key_unit": 3,
        },
    ),
    "620102": (
        44,
        {
            "commerce": 14,
            "fire_key_unit": 10,
            "hazchem_trade": 5,
            "gas": 5,
            "tobacco": 2,
            "light_industry": 5,
            "textile": 3,
        },
    ),
    "620103": (
        34,
        {
            "machinery": 8,
            "textile": 5,
            "commerce": 7,
            "gas": 3,
            "hazchem_trade": 3,
            "building_materials": 4,
            "light_industry": 4,
        },
    ),
    "620105": (
        28,
        {"machinery": 7, "light_industry": 6, "commerce": 6, "hazchem_use": 5, "fire_key_unit": 4},
    ),
    "620111": (
        34,
        {
            "coal_mine": 7,
            "non_coal_mine": 6,
            "metallurgy": 6,
            "nonferrous": 6,
            "building_materials": 5,
            "hazchem_use": 2,
        },
    ),
    "620121": (
        34,
        {
            "non_coal_mine": 10,
            "coal_mine": 4,
            "building_materials": 9,
            "fireworks": 3,
            "light_industry": 4,
            "hazchem_trade": 2,
        },
    ),
    "620122": (
        18,
        {"non_coal_mine": 7, "building_materials": 5, "light_industry": 5, "gas": 2},
    ),
    "620123": (
        32,
        {
            "non_coal_mine": 10,
            "light_industry": 7,
            "building_materials": 6,
            "gas": 3,
            "commerce": 3,
            "fireworks": 2,
        },
    ),
    "620171": (
        18,
        {"hazchem_production": 8, "hazchem_storage": 3, "machinery": 5, "light_industry": 3},
    ),
}
# 兰州新区 has no polygon of its own: its demo points lie in this box (中川 area) inside 永登县 /
# 皋兰县, and are located there (the declared region is the functional zone).
NEW_AREA_BOX = (103.55, 36.42, 103.80, 36.62)
NEW_AREA_HOSTS = ("620121", "620122")

INDUSTRY_WORDS = {
    "hazchem_production": ["石化", "化工", "精细化工", "化学", "新材料"],
    "hazchem_storage": ["石化储运", "油品储运", "化工仓储"],
    "hazchem_trade": ["化工贸易", "油品经营", "危化品经营"],
    "hazchem_use": ["制药", "橡胶制品", "涂料"],
    "gas": ["燃气", "液化气", "天然气"],
    "coal_mine": ["煤业", "煤矿"],
    "non_coal_mine": ["矿业", "石膏矿业", "石灰石矿", "砂石料"],
    "metallurgy": ["钢铁", "铁合金", "硅铁冶炼"],
    "nonferrous": ["铝业", "碳素", "铜业"],
    "building_materials": ["水泥", "建材", "商砼", "玻璃"],
    "machinery": ["机械", "装备制造", "机电", "阀门"],
    "light_industry": ["食品", "乳业", "包装", "印务"],
    "textile": ["纺织", "毛纺", "服饰"],
    "tobacco": ["卷烟物流"],
    "commerce": ["商贸", "百货", "购物中心", "物流"],
    "fireworks": ["烟花爆竹"],
    "fire_key_unit": ["酒店管理", "商业广场", "文化娱乐"],
}
# sector of the orgs app's 34 demo enterprise organisations, by the kind word in their name
KIND_SECTORS = {
    "石化储运": "hazchem_storage",
    "化工助剂": "hazchem_production",
    "精细化工": "hazchem_production",
    "液化气充装": "gas",
    "润滑油调配": "hazchem_use",
    "危险品物流": "hazchem_trade",
    "煤业": "coal_mine",
    "铝型材": "nonferrous",
    "碳素制品": "nonferrous",
    "硅铁冶炼": "metallurgy",
    "石膏矿业": "non_coal_mine",
    "水泥建材": "building_materials",
    "煤矿": "coal_mine",
    "非煤矿山": "non_coal_mine",
    "采石场": "non_coal_mine",
    "食品加工": "light_industry",
    "建材": "building_materials",
    "燃气": "gas",
    "砂石料": "non_coal_mine",
    "农产品冷链": "commerce",
    "商贸城": "commerce",
    "燃气经营": "gas",
    "百货商场": "fire_key_unit",
    "酒店管理": "fire_key_unit",
    "机械制造": "machinery",
    "纺织": "textile",
    "物流园": "commerce",
    "制药": "hazchem_use",
    "商贸": "commerce",
    "电子科技": "machinery",
    "化工园区运营": "hazchem_storage",
    "装备制造": "machinery",
}
BRANDS = (
    "金城 陇原 黄河 白塔 兴陇 西部 祥瑞 宏达 恒通 鑫源 华泰 天晟 瑞丰 博远 永盛 安泰 丰源 华宇 嘉禾"
    " 盛世 泰和 晨光 宏远 诚信 万通 隆达 鼎盛 长青 明德 中川 汇通 昌盛 新天 国泰 和顺 福瑞 兰石"
    " 陇海 西河 雁滩 五泉 伏龙 达川 庄浪 苑川 秦王川 树屏 什川 连城 窑街 海石湾 平安 红山 华龙"
).split()
SURNAMES = "张王李赵刘陈杨黄周吴马孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "建国 志强 海燕 永红 文静 学军 立新 晓东 春梅 国庆 玉兰 明 伟 勇 军 杰 敏 静 丽 强 磊 洋 艳 斌 霞".split()
INSURERS = (
    "中国人民财产保险兰州市分公司",
    "中国平安财产保险甘肃分公司",
    "太平洋财产保险兰州中心支公司",
)

POSITIONS = [
    (
        "主要负责人",
        "建立健全并落实全员安全生产责任制;组织制定并实施安全生产规章制度和操作规程;保证安全生产投入;组织开展风险辨识和隐患排查治理;组织制定并实施应急救援预案;及时如实报告生产安全事故。",
    ),
    (
        "分管安全负责人",
        "协助主要负责人履行安全生产职责;组织安全检查和隐患排查治理;督促落实重大危险源安全管理措施。",
    ),
    (
        "安全管理机构负责人",
        "组织拟订安全生产规章制度、操作规程和应急预案;组织安全生产教育培训;制止和纠正违章指挥、违章作业。",
    ),
    ("车间主任", "落实本车间安全生产责任;组织班组安全活动;检查作业现场,发现隐患及时整改并报告。"),
    ("岗位操作人员", "严格遵守操作规程;正确佩戴劳动防护用品;发现事故隐患立即报告。"),
]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _uscc(rng: random.Random, region_code: str) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + region_code + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def _scale(rng: random.Random, sector: str) -> tuple[str, int]:
    big = sector in ("hazchem_production", "metallurgy", "nonferrous", "coal_mine")
    roll = rng.random()
    if roll < (0.15 if big else 0.04):
        return "large", rng.randint(1000, 3200)
    if roll < (0.5 if big else 0.3):
        return "medium", rng.randint(300, 999)
    if roll < 0.85:
        return "small", rng.randint(20, 299)
    return "micro", rng.randint(3, 19)


def _point_in(rng: random.Random, geom, prepared, box=None) -> tuple[float, float]:
    minx, miny, maxx, maxy = box or geom.bounds
    for _ in range(10000):
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if prepared.contains(Point(lon, lat)):
            return round(lon, 6), round(lat, 6)
    raise RuntimeError("no demo point found inside the district")


def _shift(days: int) -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=days)


# the licence a demo enterprise of a sector holds ("other" for the rest)
LICENCE_KIND_BY_SECTOR = {
    "coal_mine": "safety_production",
    "non_coal_mine": "safety_production",
    "hazchem_production": "safety_production",
    "hazchem_storage": "hazchem_trade",
    "hazchem_trade": "hazchem_trade",
    "hazchem_use": "hazchem_use",
    "fireworks": "fireworks",
    "gas": "gas",
}
# The persona ent_user's enterprise stays county-tier and operating (tests rely on it).
PERSONA_ENTERPRISES = ("DEMO-ENT-620104-01", "DEMO-ENT-620104-02")
PERSONA_OVERRIDES = {"scale": "medium", "employees": 260, "status": "operating", "insured": 0.1}


def _unique_name(rng: random.Random, short: str, sector: str, used: set[str]) -> str:
    for _ in range(200):
        name = f"{short}{rng.choice(BRANDS)}{rng.choice(INDUSTRY_WORDS[sector])}有限公司(演示)"
        if name not in used:
            break
    used.add(name)
    return name


def _existing_org_sector(org: Organisation, county: Region, sector: str) -> str:
    """The sector of one of the orgs app's demo organisations ("兰州<县区><kind>有限公司(演示)")."""
    prefix = "兰州" + county.name.rstrip("区县")
    for kind, kind_sector in KIND_SECTORS.items():
        if org.name == f"{prefix}{kind}有限公司(演示)":
            sector = kind_sector
    return sector


def _place(rng: random.Random, code: str, n: int, shapes, prepared) -> tuple[float, float, str]:
    """A point inside the district (兰州新区: inside its box, in one of its host counties)."""
    if code == "620171":
        host = NEW_AREA_HOSTS[n % 2]
        return (*_point_in(rng, shapes[host], prepared[host], NEW_AREA_BOX), host)
    return (*_point_in(rng, shapes[code], prepared[code]), code)


def _people_and_numbers(rng: random.Random, code: str, county: Region) -> dict:
    return {
        "uscc": _uscc(rng, code if code != "620171" else "620100"),
        "legal": _person(rng),
        "principal": _person(rng),
        "safety": _person(rng),
        "phone": f"0931-{rng.randint(2000000, 8999999)}",
        "mobile": f"139{rng.randint(10000000, 99999999)}",
        "address": f"兰州市{county.name}{rng.choice(BRANDS)}路{rng.randint(1, 999)}号",
        "insured": rng.random(),
        "licence_days": rng.randint(-30, 900),
    }


def plan(seed: int = SEED) -> list[dict]:
    """The deterministic list of demo enterprises (independent of what already exists): the
    random draws never depend on the database, so the plan is the same on every run."""
    rng = random.Random(seed)
    counties = {
        r.code: r for r in Region.objects.filter(code__in=list(DISTRICTS)).defer("boundary")
    }
    shapes = {
        r.code: shape(r.geometry)
        for r in Region.objects.filter(level="county", boundary__isnull=False)
    }
    prepared = {code: prep(geom) for code, geom in shapes.items()}
    existing_orgs = {
        o.code: o
        for o in Organisation.objects.filter(code__startswith="DEMO-ENT-", kind="enterprise")
    }
    used_names: set[str] = set()
    out = []
    for code, (total, weights) in DISTRICTS.items():
        county = counties[code]
        short = "兰州新区" if code == "620171" else "兰州" + county.name.rstrip("区县")
        sectors, w = list(weights), list(weights.values())
        for n in range(1, total + 1):
            org_code = f"DEMO-ENT-{code}-{n:02d}"
            sector = rng.choices(sectors, w)[0]
            name = _unique_name(rng, short, sector, used_names)
            if (org := existing_orgs.get(org_code)) is not None:
                sector, name = _existing_org_sector(org, county, sector), org.name
            lon, lat, located = _place(rng, code, n, shapes, prepared)
            scale, employees = _scale(rng, sector)
            roll = rng.random()
            status = "operating" if roll < 0.9 else "suspended" if roll < 0.97 else "closed"
            out.append(
                {
                    "org_code": org_code,
                    "name": name,
                    "county": code,
                    "located": located,
                    "sector": sector,
                    "scale": scale,
                    "employees": employees,
                    "status": status,
                    "lon": lon,
                    "lat": lat,
                    **_people_and_numbers(rng, code, county),
                }
            )
    for item in out:
        if item["org_code"] in PERSONA_ENTERPRISES:
            item.update(PERSONA_OVERRIDES)
    return out


# --- load: data above, small steps below -------------------------------------------------------


def _rule() -> dict:
    if not TierRule.objects.exists():
        TierRule.objects.create(**DEFAULT_RULE, note="默认规则(可由系统管理员修改)")
    return DEFAULT_RULE | TierRule.objects.order_by("pk").first().as_rule()


def _not_loaded(items: list[dict]) -> list[dict]:
    have = set(
        Enterprise.objects.filter(
            organisation__code__in=[i["org_code"] for i in items]
        ).values_list("organisation__code", flat=True)
    )
    return [i for i in items if i["org_code"] not in have]


def _organisations(todo: list[dict], regions: dict) -> tuple[dict, int]:
    """The demo organisations by code: the orgs app's, plus new ones (bulk). (orgs, new)"""
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[i["org_code"] for i in todo])}
    new_orgs = []
    for i in todo:
        if i["org_code"] not in orgs:
            org = Organisation(
                code=i["org_code"],
                name=i["name"],
                kind="enterprise",
                region=regions[i["county"]],
                is_demo=True,
                note="演示数据",
            )
            org.path = org.compute_path()
            new_orgs.append(org)
    Organisation.objects.bulk_create(new_orgs)
    orgs.update(
        {o.code: o for o in Organisation.objects.filter(code__in=[o.code for o in new_orgs])}
    )
    return orgs, len(new_orgs)


def _enterprise(i: dict, org, region, located, rule: dict) -> Enterprise:
    ent = Enterprise(
        organisation=org,
        uscc=i["uscc"],
        legal_representative=i["legal"],
        principal=i["principal"],
        principal_phone=i["phone"],
        safety_contact=i["safety"],
        safety_phone=i["mobile"],
        address=i["address"],
        lon=i["lon"],
        lat=i["lat"],
        coord_source="wgs84",
        region=region,
        located_region=located,
        sector=i["sector"],
        scale=i["scale"],
        employees=i["employees"],
        status=i["status"],
        status_reason="" if i["status"] == "operating" else "演示数据",
    )
    decision = compute_tier(
        scale=ent.scale,
        sector=ent.sector,
        employees=ent.employees,
        major_hazard_grade="",
        rule=rule,
    )
    ent.tier = ent.tier_computed = decision.tier
    ent.tier_reason = decision.reason
    return ent


def _licence(ent: Enterprise, i: dict) -> Licence | None:
    if ent.sector not in INSURANCE_REQUIRED_SECTORS and i["insured"] >= 0.3:
        return None
    issuer = "兰州市应急管理局" if ent.tier == "city" else f"{ent.region.name}应急管理局"
    return Licence(
        enterprise=ent,
        kind=LICENCE_KIND_BY_SECTOR.get(ent.sector, "other"),
        number=f"(甘)演示证字〔{2020 + ent.pk % 3}〕{ent.pk:04d}",
        issuer=issuer,
        valid_from=_shift(i["licence_days"] - 3 * 365),
        valid_until=_shift(i["licence_days"]),
    )


def _policy(ent: Enterprise, i: dict) -> InsurancePolicy | None:
    """Most of the sectors that must be insured are; some policies expire within 60 days."""
    if ent.sector not in INSURANCE_REQUIRED_SECTORS or i["insured"] >= 0.85:
        return None
    ends = _shift(20 + int(i["insured"] * 400))
    return InsurancePolicy(
        enterprise=ent,
        policy_number=f"YS{ent.pk:06d}",
        insurer=INSURERS[ent.pk % len(INSURERS)],
        starts_on=ends - datetime.timedelta(days=364),
        ends_on=ends,
        insured_amount=Decimal(ent.employees * 30 + 100),
        insured_persons=ent.employees,
    )


def _duties(ent: Enterprise, i: dict) -> list[ResponsibilityItem]:
    return [
        ResponsibilityItem(
            enterprise=ent,
            position=position,
            holder=i["principal"] if order == 1 else i["safety"],
            duties=text,
            order=order,
        )
        for order, (position, text) in enumerate(POSITIONS[:3], start=1)
    ]


def _questionnaire(ent: Enterprise, i: dict) -> SafetyQuestionnaire | None:
    if i["insured"] >= 0.5:
        return None
    state = "approved" if i["insured"] < 0.3 else "submitted"
    return SafetyQuestionnaire(
        enterprise=ent,
        year=_shift(0).year,
        q_duties=POSITIONS[0][1],
        q_risks=f"{ent.get_sector_display()}行业的主要风险:火灾、爆炸、中毒窒息、机械伤害等。",
        q_measures="落实双重预防机制:风险分级管控、隐患排查治理,定期演练。",
        state=state,
        review_comment="演示数据" if state == "approved" else "",
    )


def _files(saved: list[tuple[Enterprise, dict]]) -> None:
    """Licences, 安责险 policies, the responsibility list and 安全三问 of the new enterprises."""
    licences = [lic for ent, i in saved if (lic := _licence(ent, i))]
    policies = [p for ent, i in saved if (p := _policy(ent, i))]
    duties = [d for ent, i in saved for d in _duties(ent, i)]
    questionnaires = [q for ent, i in saved if (q := _questionnaire(ent, i))]
    Licence.objects.bulk_create(licences)
    InsurancePolicy.objects.bulk_create(policies)
    ResponsibilityItem.objects.bulk_create(duties)
    SafetyQuestionnaire.objects.bulk_create(questionnaires)


@transaction.atomic
def load_demo(seed: int = SEED) -> dict:
    rule = _rule()
    todo = _not_loaded(plan(seed))
    if not todo:
        return {"enterprises": 0}
    regions = {r.code: r for r in Region.objects.filter(code__in=list(DISTRICTS)).defer("boundary")}
    located = {r.code: r for r in Region.objects.filter(code__in={i["located"] for i in todo})}
    orgs, new_orgs = _organisations(todo, regions)
    enterprises = [
        _enterprise(i, orgs[i["org_code"]], regions[i["county"]], located[i["located"]], rule)
        for i in todo
    ]
    Enterprise.objects.bulk_create(enterprises)
    saved = {
        e.organisation_id: e
        for e in Enterprise.objects.filter(organisation__in=[e.organisation for e in enterprises])
    }
    pairs = []
    for ent, i in zip(enterprises, todo, strict=True):
        stored = saved[ent.organisation_id]
        stored.region = ent.region  # without its boundary
        pairs.append((stored, i))
    _files(pairs)
    record_event(
        "demo.enterprises.loaded",
        f"载入演示企业档案 {len(enterprises)} 家(新建单位 {new_orgs} 个)",
        enterprises=len(enterprises),
        organisations=new_orgs,
    )
    return {"enterprises": len(enterprises), "organisations": new_orgs}
