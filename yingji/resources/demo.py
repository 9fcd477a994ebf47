"""Demo reserves (all 演示): the city's 应急物资储备库 and one county reserve in each county, an
enterprise keeping flood-season stock on agreement in 西固, and a 协议商户 in 城关; a realistic
catalogue at each, and months of ledger movements (relative to today): opening stock, issues
during a summer flood response, returns, a transfer from the city to 榆中, a scrapping and a
stock-take. Some stock is left below its minimum and some food and water close to expiry, so
that the alerts have something to show.

Deterministic given the day it runs, idempotent, fast: the historical ledger is written in bulk
(balances computed from it, as the services would leave them); the last week's transfer goes
through the real service so that it is audited like any other."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from shapely.geometry import Point, shape

from yingji.core.context import actor_context, get_actor_context
from yingji.core.demo import dated
from yingji.geo.models import Region
from yingji.geo.spatial import locate
from yingji.orgs.models import Organisation

from . import services
from .models import Item, Movement, Site, Stock
from .schemas import TransferIn

SEED = 2026
PREFIX = "DEMO-RES-"

# (code suffix, name, level, owner org, county, lon, lat, address, area m², keeper, phone)
SITES = [
    (
        "SJ-01",
        "兰州市应急物资储备库",
        "city",
        "LZYJJ-JZWZ",
        "620103",
        103.770,
        36.040,
        "七里河区西津西路物资储备中心",
        6000,
        "张建国、李红",
        "0931-8888110",
    ),
    (
        "CG-01",
        "城关区应急物资储备库",
        "county",
        "CGQ-YJJ",
        "620102",
        103.890,
        36.060,
        "城关区雁滩路",
        1200,
        "王磊",
        "0931-8456110",
    ),
    (
        "QLH-01",
        "七里河区应急物资储备库",
        "county",
        "QLHQ-YJJ",
        "620103",
        103.760,
        36.020,
        "七里河区彭家坪",
        900,
        "赵刚",
        "0931-2616110",
    ),
    (
        "XG-01",
        "西固区应急物资储备库",
        "county",
        "XGQ-YJJ",
        "620104",
        103.620,
        36.100,
        "西固区福利路",
        1000,
        "刘洋",
        "0931-7556110",
    ),
    (
        "AN-01",
        "安宁区应急物资储备库",
        "county",
        "ANQ-YJJ",
        "620105",
        103.700,
        36.110,
        "安宁区北滨河西路",
        600,
        "陈静",
        "0931-7666110",
    ),
    (
        "HG-01",
        "红古区应急物资储备库",
        "county",
        "HGQ-YJJ",
        "620111",
        102.870,
        36.340,
        "红古区海石湾镇",
        800,
        "马强",
        "0931-6226110",
    ),
    (
        "YD-01",
        "永登县应急物资储备库",
        "county",
        "YDX-YJJ",
        "620121",
        103.260,
        36.740,
        "永登县城关镇",
        1100,
        "杨帆",
        "0931-6416110",
    ),
    (
        "GL-01",
        "皋兰县应急物资储备库",
        "county",
        "GLX-YJJ",
        "620122",
        103.950,
        36.330,
        "皋兰县石洞镇",
        700,
        "何军",
        "0931-5726110",
    ),
    (
        "YZ-01",
        "榆中县应急物资储备库",
        "county",
        "YZX-YJJ",
        "620123",
        104.110,
        35.850,
        "榆中县城关镇",
        1300,
        "周伟",
        "0931-5226110",
    ),
    (
        "XQ-01",
        "兰州新区应急物资储备库",
        "county",
        "LZXQ-YJJ",
        "620171",
        103.670,
        36.500,
        "兰州新区纬一路",
        1500,
        "孙鹏",
        "0931-8226110",
    ),
    (
        "QY-XG-01",
        "石化企业防汛物资代储点",
        "enterprise",
        "DEMO-ENT-620104-01",
        "620104",
        103.600,
        36.110,
        "西固区石化企业厂区内",
        300,
        "企业安全员",
        "0931-7550000",
    ),
    (
        "SH-CG-01",
        "城关区协议商超代储点",
        "merchant",
        "CGQ-YJJ",
        "620102",
        103.850,
        36.055,
        "城关区东岗西路商超仓库",
        400,
        "商超值班经理",
        "0931-8400000",
    ),
]

# item code → (city quantity, county quantity, minimum at a county site)
STOCKS = {
    "1020199": (3000, 400, 300),  # 救灾帐篷
    "1010199": (8000, 1200, 800),  # 棉被
    "1010299": (3000, 500, 300),  # 棉大衣
    "1020299": (2000, 300, 200),  # 折叠床
    "1030199": (2000, 300, 200),  # 方便食品
    "1030299": (3000, 500, 300),  # 瓶装饮用水
    "2010199": (1500, 200, 100),  # 救生衣
    "2020199": (20, 4, 2),  # 冲锋舟
    "2030199": (60, 8, 4),  # 发电机组
    "2030299": (30, 4, 2),  # 照明灯塔
    "2040199": (40, 6, 3),  # 卫星电话
    "2050199": (50, 6, 4),  # 排水泵
    "3010199": (100000, 20000, 10000),  # 编织袋
}
ENTERPRISE_ITEMS = {"3010199": 5000, "2050199": 4, "2010199": 50}
MERCHANT_ITEMS = {"1030199": 800, "1030299": 1500}


def _users():
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    admin = users.get("city_admin") or User.objects.filter(is_superuser=True).first()
    keepers = {"620104": users.get("xigu_staff"), "620102": users.get("chengguan_staff")}
    return admin, keepers


def _place(county: Region, lon: float, lat: float):
    region = locate(lon, lat)
    if region is not None and region.path.startswith(county.path):
        return lon, lat, region
    geometry = county.geometry
    point = shape(geometry).representative_point() if geometry else Point(lon, lat)
    x, y = round(point.x, 6), round(point.y, 6)
    return x, y, locate(x, y) or county


def _sites() -> list[Site]:
    counties = {r.code: r for r in Region.objects.filter(code__in={s[4] for s in SITES})}
    orgs = {o.code: o for o in Organisation.objects.filter(code__in={s[3] for s in SITES})}
    made = []
    for code, name, level, owner, county, lon, lat, address, area, keeper, phone in SITES:
        if owner not in orgs or county not in counties:
            continue
        lon, lat, region = _place(counties[county], lon, lat)
        made.append(
            Site(
                code=PREFIX + code,
                name=name + "(演示)",
                level=level,
                owner=orgs[owner],
                address=address,
                lon=lon,
                lat=lat,
                region=region,
                area_m2=area,
                managers=keeper,
                duty_phone=phone,
                opening="发生较大以上自然灾害或启动Ⅳ级以上应急响应时,经局领导批准启用。",
                is_demo=True,
            )
        )
    Site.objects.bulk_create(made)
    return list(Site.objects.filter(code__startswith=PREFIX).order_by("code"))


def _plan(site: Site) -> dict[str, tuple[int, int]]:
    """item → (opening quantity, minimum)."""
    if site.level == "enterprise":
        return {code: (n, n // 2) for code, n in ENTERPRISE_ITEMS.items()}
    if site.level == "merchant":
        return {code: (n, 0) for code, n in MERCHANT_ITEMS.items()}
    city = site.level == "city"
    return {code: (c if city else n, m * 4 if city else m) for code, (c, n, m) in STOCKS.items()}


def _ledger(rng, site, stock, item, opening, today, admin, keeper) -> list[Movement]:
    """Opening stock five months ago, a flood-season issue and (for reusable items) its return,
    sometimes a scrapping or a stock-take difference."""
    actor = keeper or admin
    days = lambda n: timezone.make_aware(  # noqa: E731
        dt.datetime.combine(today - dt.timedelta(days=n), dt.time(9 + n % 8, 30))
    )
    expires = None
    if item.shelf_life_days:
        # food and water: most batches fine, a few close to expiry (the alert shows them)
        left = rng.choice([15, 24, 120, 200]) if site.level in ("city", "merchant") else 200
        expires = today + dt.timedelta(days=left)
    year = today.year
    lines = [
        Movement(
            stock=stock,
            kind="in",
            quantity=opening,
            batch=f"{year}-{item.code[-4:]}-{site.pk:02d}",
            expires_on=expires,
            document_no=f"RK-{year}-{site.pk:03d}{item.pk:03d}",
            reason="年度储备采购入库" if site.level != "enterprise" else "协议代储入库",
            counterparty="政府采购中标供应商" if site.level != "enterprise" else "",
            occurred_at=days(150),
            actor=actor,
        )
    ]
    if site.level in ("city", "county") and rng.random() < 0.5:
        issued = max(1, int(opening * rng.uniform(0.1, 0.5)))
        lines.append(
            Movement(
                stock=stock,
                kind="lend" if item.reusable else "out",
                quantity=-issued,
                batch=lines[0].batch,
                expires_on=expires,
                document_no=f"CK-{year}-{site.pk:03d}{item.pk:03d}",
                reason="汛期强降雨群众转移安置",
                counterparty="受灾乡镇人民政府",
                occurred_at=days(rng.randint(60, 100)),
                actor=actor,
            )
        )
        if item.reusable and rng.random() < 0.7:
            back = max(1, int(issued * rng.uniform(0.6, 0.95)))
            lines.append(
                Movement(
                    stock=stock,
                    kind="return",
                    quantity=back,
                    batch=lines[0].batch,
                    expires_on=expires,
                    document_no=f"GH-{year}-{site.pk:03d}{item.pk:03d}",
                    reason="安置结束,物资清洗后归还",
                    counterparty="受灾乡镇人民政府",
                    occurred_at=days(rng.randint(20, 50)),
                    actor=actor,
                )
            )
    if site.level == "county" and item.code == "1010199" and site.code.endswith("YZ-01"):
        # 榆中's quilts: a hard winter's issue leaves them below the minimum
        lines.append(
            Movement(
                stock=stock,
                kind="out",
                quantity=-700,
                batch=lines[0].batch,
                document_no=f"CK-{year}-YZ-MB",
                reason="低温雨雪冰冻天气困难群众救助",
                counterparty="榆中县民政部门",
                occurred_at=days(12),
                actor=actor,
            )
        )
    if rng.random() < 0.1:
        lines.append(
            Movement(
                stock=stock,
                kind="adjust",
                quantity=-1,
                batch=lines[0].batch,
                expires_on=expires,
                document_no=f"PD-{year}-{site.pk:03d}{item.pk:03d}",
                reason="季度盘点:破损1件",
                occurred_at=days(30),
                actor=actor,
            )
        )
    return lines


def load_demo() -> dict:
    if Site.objects.filter(code__startswith=PREFIX).exists() or not Item.objects.exists():
        return {"sites": 0, "movements": 0}
    rng = random.Random(SEED)
    today = timezone.localdate()
    admin, keepers = _users()
    sites = _sites()
    items = {i.code: i for i in Item.objects.all()}
    plans = {s.pk: _plan(s) for s in sites}
    Stock.objects.bulk_create(
        Stock(site=s, item=items[code], minimum=minimum)
        for s in sites
        for code, (_, minimum) in plans[s.pk].items()
        if code in items
    )
    stocks = {(st.site_id, st.item_id): st for st in Stock.objects.filter(site__in=sites)}
    movements = []
    for s in sites:
        keeper = keepers.get(s.region.path.split("/")[2] if s.region.path.count("/") > 2 else "")
        for code, (opening, _) in plans[s.pk].items():
            item = items.get(code)
            if item is None:
                continue
            stock = stocks[(s.pk, item.pk)]
            movements += _ledger(rng, s, stock, item, opening, today, admin, keeper)
    Movement.objects.bulk_create(movements)
    for stock_id, total in services.ledger_totals(st.pk for st in stocks.values()).items():
        Stock.objects.filter(pk=stock_id).update(quantity=total)
    _transfer(sites, admin)
    counties = {r.code: r for r in Region.objects.filter(level="county")}
    orgs = {o.code: o for o in Organisation.objects.all()}
    forces = load_forces(counties, orgs, admin)
    forces.update(load_equipment(orgs, admin))
    forces.update(load_targets(counties))
    forces.update(load_partners())
    load_request(admin)
    return {
        "sites": len(sites),
        "movements": Movement.objects.filter(stock__site__in=sites).count(),
        **forces,
    }


def _transfer(sites: list[Site], admin) -> None:
    """Last week: the city sends 200 tents to 榆中 ahead of a forecast storm (the real service)."""
    by_code = {s.code: s for s in sites}
    city, yuzhong = by_code.get(PREFIX + "SJ-01"), by_code.get(PREFIX + "YZ-01")
    if city is None or yuzhong is None or admin is None:
        return
    ctx = get_actor_context()
    when = timezone.now() - dt.timedelta(days=6, hours=3)
    with actor_context(admin, source=ctx.source if ctx else "cli"), dated(when):
        services.do_transfer_stock(
            actor=admin,
            site=city,
            data=TransferIn(
                to_site=yuzhong.code,
                item="1020199",
                quantity=200,
                document_no=f"DB-{when.year}-001",
                reason="气象预报强降雨,前置救灾帐篷至榆中县",
                occurred_at=when,
            ),
        )


# --- forces ---------------------------------------------------------------------------------
# (name, kind, specialty, level, owner, county, lon, lat, headcount, equipment, funding 万元)
TEAMS = [
    (
        "兰州市消防救援支队特勤大队",
        "fire",
        "general",
        "city",
        "LZXFZD",
        "620102",
        103.840,
        36.060,
        220,
        "举高喷射消防车、抢险救援车、破拆工具组",
        None,
    ),
    (
        "兰州市森林消防大队",
        "forest",
        "forest",
        "city",
        "LZSLXF",
        "620123",
        104.080,
        35.820,
        80,
        "风力灭火机、高压水泵、以水灭火装备",
        None,
    ),
    (
        "西固石化危险化学品应急救援队",
        "professional",
        "hazchem",
        "city",
        "LZYJJ-JYYA",
        "620104",
        103.610,
        36.105,
        60,
        "防化洗消车、堵漏工具、气体检测仪",
        30,
    ),
    (
        "红古矿山救护队",
        "professional",
        "mine",
        "city",
        "LZYJJ-JYYA",
        "620111",
        102.880,
        36.350,
        45,
        "正压氧气呼吸器、矿山救护车、生命探测仪",
        30,
    ),
    (
        "兰州市地质灾害应急救援队",
        "professional",
        "geohazard",
        "city",
        "LZYJJ-JYYA",
        "620102",
        103.860,
        36.050,
        40,
        "无人机、地质雷达、挖掘机(协议)",
        30,
    ),
    (
        "兰州黄河水域救援队",
        "professional",
        "water",
        "city",
        "LZYJJ-JYYA",
        "620105",
        103.710,
        36.100,
        35,
        "冲锋舟、潜水装备、水下机器人",
        30,
    ),
    (
        "兰州蓝天救援队",
        "social",
        "general",
        "city",
        "LZYJJ-JYYA",
        "620102",
        103.880,
        36.065,
        120,
        "越野车、绳索救援装备、卫星电话",
        None,
    ),
    (
        "兰州曙光应急救援队",
        "social",
        "water",
        "city",
        "LZYJJ-JYYA",
        "620103",
        103.760,
        36.050,
        60,
        "橡皮艇、救生衣、无人机",
        None,
    ),
    (
        "甘肃山地搜救队",
        "social",
        "geohazard",
        "city",
        "LZYJJ-JYYA",
        "620121",
        103.260,
        36.730,
        40,
        "山地搜索装备、对讲机",
        None,
    ),
    (
        "西固区基层应急救援队",
        "grassroots",
        "general",
        "county",
        "XGQ-YJJ",
        "620104",
        103.630,
        36.095,
        30,
        "抽水泵、发电机、照明灯",
        None,
    ),
    (
        "城关区基层应急救援队",
        "grassroots",
        "general",
        "county",
        "CGQ-YJJ",
        "620102",
        103.870,
        36.055,
        35,
        "抽水泵、发电机",
        None,
    ),
    (
        "榆中县基层应急救援队",
        "grassroots",
        "general",
        "county",
        "YZX-YJJ",
        "620123",
        104.120,
        35.845,
        30,
        "抽水泵、油锯",
        None,
    ),
]
# (title, kind, partner, content, response hours, owner, county, days left)
AGREEMENTS = [
    (
        "航空应急救援合作协议",
        "aviation",
        "甘肃某通用航空公司(演示)",
        "直升机2架,承担空中侦察、人员转运和物资投送",
        2,
        "LZYJJ-JYYA",
        "620102",
        400,
    ),
    (
        "医疗应急救护合作协议",
        "medical",
        "兰州某三甲医院(演示)",
        "医疗救护队3支、救护车10辆,伤员救治绿色通道",
        1,
        "LZYJJ-JYYA",
        "620102",
        45,
    ),
    (
        "电力抢修合作协议",
        "power",
        "国网兰州供电公司(演示)",
        "应急发电车4台,抢修队伍6支,重要用户保电",
        2,
        "LZYJJ-JYYA",
        "620103",
        300,
    ),
    (
        "生活类物资协议储备合同",
        "supplies",
        "城关区某大型商超(演示)",
        "方便食品2000箱、饮用水3000箱,接令后4小时内送达",
        4,
        "CGQ-YJJ",
        "620102",
        20,
    ),
    (
        "救灾帐篷协议代储合同",
        "supplies",
        "兰州某帐篷生产企业(演示)",
        "救灾帐篷1000顶由企业代储,接令后12小时内送达指定地点",
        12,
        "LZYJJ-JYYA",
        "620104",
        200,
    ),
    (
        "工程机械协议保障合同",
        "equipment",
        "西固某工程机械租赁公司(演示)",
        "挖掘机6台、装载机4台、吊车2台",
        3,
        "XGQ-YJJ",
        "620104",
        -10,
    ),
]
# 协议储备 that a request may call off: title → (item code, quantity, lon, lat) (invented)
# 协议储备: title → ([(item code, quantity, response hours or None: the agreement's)], lon, lat)
AGREEMENT_STOCK = {
    "生活类物资协议储备合同": ([("1030199", 2000, None), ("1030299", 1500, 8)], 103.842, 36.052),
    "救灾帐篷协议代储合同": ([("1020199", 1000, None), ("1020299", 400, 12)], 103.668, 36.121),
}
EXPERTS = [
    ("王志强", "危险化学品安全", "兰州某石化研究院(演示)", "正高级工程师", "620104"),
    ("李慧敏", "地质灾害防治", "甘肃某地质勘查院(演示)", "高级工程师", "620102"),
    ("张宏伟", "矿山救援", "某煤电公司救护大队(演示)", "高级工程师", "620111"),
    ("陈晓东", "防汛抗旱与水利", "兰州某水利设计院(演示)", "高级工程师", "620103"),
    ("刘芳", "医疗救护", "兰州某三甲医院(演示)", "主任医师", "620102"),
    ("赵建军", "森林草原防火", "市森林消防大队(演示)", "大队长", "620123"),
]
# (name, kind, county, lon, lat, capacity, area, facilities, address)
SHELTERS = [
    (
        "东方红广场应急避难场所",
        "central",
        "620102",
        103.835,
        36.055,
        20000,
        40000,
        "应急供水、应急厕所、应急照明、广播",
        "城关区东方红广场",
    ),
    (
        "雁滩公园应急避难场所",
        "fixed",
        "620102",
        103.905,
        36.070,
        15000,
        30000,
        "应急供水、帐篷区、医疗点",
        "城关区雁滩路",
    ),
    (
        "西固公园应急避难场所",
        "fixed",
        "620104",
        103.625,
        36.095,
        8000,
        16000,
        "应急供水、应急厕所",
        "西固区西固中路",
    ),
    (
        "安宁区体育场应急避难场所",
        "emergency",
        "620105",
        103.715,
        36.105,
        5000,
        9000,
        "应急照明、广播",
        "安宁区安宁西路",
    ),
    (
        "七里河区西湖公园应急避难场所",
        "fixed",
        "620103",
        103.775,
        36.060,
        6000,
        12000,
        "应急供水、帐篷区",
        "七里河区西津西路",
    ),
    (
        "榆中县城关广场应急避难场所",
        "emergency",
        "620123",
        104.115,
        35.845,
        4000,
        7000,
        "应急照明、应急厕所",
        "榆中县城关镇",
    ),
]


def _placed(county: Region, lon, lat) -> dict:
    lon, lat, region = _place(county, lon, lat)
    return {"lon": lon, "lat": lat, "region": region}


def _agreement_stock(title: str, items: dict) -> dict:
    if title not in AGREEMENT_STOCK:
        return {}
    _lines, lon, lat = AGREEMENT_STOCK[title]
    return {"lon": lon, "lat": lat}


def _agreement_lines(agreements, items: dict) -> list:
    from .models import AgreementLine

    return [
        AgreementLine(agreement=a, item=items[code], quantity=quantity, response_hours=hours)
        for a in agreements
        for code, quantity, hours in AGREEMENT_STOCK.get(a.title.removesuffix("(演示)"), ([],))[0]
        if code in items
    ]


def load_forces(counties: dict, orgs: dict, admin) -> dict:
    from .evaluation import scheme, score
    from .models import Agreement, AgreementLine, Expert, Item, Shelter, Team, TeamEvaluation

    items = {
        i.code: i
        for i in Item.objects.filter(
            code__in=[line[0] for lines, *_ in AGREEMENT_STOCK.values() for line in lines]
        )
    }

    if Team.objects.filter(is_demo=True).exists():
        return {}
    today = timezone.localdate()
    city = orgs.get("LZYJJ-JYYA")
    teams = [
        Team(
            name=name + "(演示)",
            kind=kind,
            specialty=spec,
            level=level,
            owner=orgs[owner],
            headcount=n,
            equipment=equipment,
            funding_wan=funding,
            capabilities="24小时备勤,接令后30分钟内出动",
            contact="队长",
            phone="0931-0000119",
            is_demo=True,
            **_placed(counties[county], lon, lat),
        )
        for name, kind, spec, level, owner, county, lon, lat, n, equipment, funding in TEAMS
        if owner in orgs and county in counties
    ]
    Team.objects.bulk_create(teams)
    agreements = [
        Agreement(
            title=title + "(演示)",
            kind=kind,
            partner=partner,
            content=content,
            response_hours=hours,
            valid_from=today - dt.timedelta(days=365 - left),
            valid_until=today + dt.timedelta(days=left),
            level="county" if owner.endswith("YJJ") else "city",
            owner=orgs[owner],
            contact="联络员",
            phone="0931-0000000",
            is_demo=True,
            region=counties[county],
            **_agreement_stock(title, items),
        )
        for title, kind, partner, content, hours, owner, county, left in AGREEMENTS
        if owner in orgs and county in counties
    ]
    Agreement.objects.bulk_create(agreements)
    AgreementLine.objects.bulk_create(_agreement_lines(agreements, items))
    Expert.objects.bulk_create(
        Expert(
            name=name,
            specialty=spec,
            organisation_name=org,
            title=title,
            level="city",
            owner=city,
            region=counties[county],
            phone="139****0000",
            is_demo=True,
        )
        for name, spec, org, title, county in EXPERTS
        if city and county in counties
    )
    Shelter.objects.bulk_create(
        Shelter(
            name=name + "(演示)",
            kind=kind,
            capacity=cap,
            area_m2=area,
            facilities=fac,
            address=address,
            level="county",
            owner=orgs[_county_bureau(county)],
            contact="管理员",
            phone="0931-0000000",
            is_demo=True,
            **_placed(counties[county], lon, lat),
        )
        for name, kind, county, lon, lat, cap, area, fac, address in SHELTERS
        if _county_bureau(county) in orgs and county in counties
    )
    plan = scheme()
    evaluations = []
    rng = random.Random(SEED + 1)
    # last year's evaluation, published in January (visible to the teams' keepers); this year's
    # scored but not yet published (only the evaluators see it, the ranking page offers 发布)
    published = min(
        timezone.now() - dt.timedelta(hours=1),
        timezone.make_aware(dt.datetime(today.year, 1, 15, 10)),
    )
    for year, remarks in ((today.year - 1, "年度考核(演示)"), (today.year, "年度考核初评(演示)")):
        for team in Team.objects.filter(kind="social", is_demo=True):
            scores = {i["code"]: round(i["max"] * rng.uniform(0.7, 0.98), 1) for i in plan["items"]}
            total, grade = score(scores)
            evaluations.append(
                TeamEvaluation(
                    team=team,
                    year=year,
                    scores={**scores, "_scheme": plan["version"]},
                    total=total,
                    grade=grade,
                    evaluator=admin,
                    remarks=remarks,
                    published_at=published if year < today.year else None,
                    published_by=admin if year < today.year else None,
                )
            )
    TeamEvaluation.objects.bulk_create(evaluations)
    return {"teams": len(teams), "agreements": len(agreements)}


COUNTY_BUREAUS = {
    "620102": "CGQ-YJJ",
    "620103": "QLHQ-YJJ",
    "620104": "XGQ-YJJ",
    "620105": "ANQ-YJJ",
    "620111": "HGQ-YJJ",
    "620121": "YDX-YJJ",
    "620122": "GLX-YJJ",
    "620123": "YZX-YJJ",
    "620171": "LZXQ-YJJ",
}


def _county_bureau(county: str) -> str:
    return COUNTY_BUREAUS.get(county, "")


def load_request(admin) -> None:
    """One request in progress: yesterday the duty officer asked for tents, quilts and a 地质灾害
    team for a landslide in 榆中; the city approved it this morning (stock reserved, the nearest
    team 已调派) and asked the Red Cross for family kits (物资联动); dispatch pending."""
    from .models import SupplyRequest
    from .schemas import DecisionIn, RequestIn

    duty = get_user_model().objects.filter(username="duty").first()
    if duty is None or admin is None or SupplyRequest.objects.filter(is_demo=True).exists():
        return
    from .models import LinkagePartner, Team
    from .schemas import LinkageCallIn

    geohazard_ready = Team.objects.filter(specialty="geohazard", readiness="ready").exists()
    ctx = get_actor_context()
    source = ctx.source if ctx else "cli"
    asked = timezone.now() - dt.timedelta(hours=20)
    with actor_context(duty, source=source), dated(asked):
        request = services.do_create_request(
            actor=duty,
            data=RequestIn(
                destination="榆中县马坡乡滑坡受灾群众临时安置点(演示)",
                lon=104.27,
                lat=35.78,
                needed_by=asked + dt.timedelta(hours=8),
                event="榆中县马坡乡山体滑坡(演示)",
                reason="转移安置受灾群众约300人",
                lines=[{"item": "1020199", "quantity": 120}, {"item": "1010199", "quantity": 600}],
                teams=[{"category": "geohazard", "count": 1}] if geohazard_ready else [],
            ),
        )
    SupplyRequest.objects.filter(pk=request.pk).update(is_demo=True)
    with actor_context(admin, source=source), dated(asked + dt.timedelta(hours=2)):
        request.refresh_from_db()
        services.do_approve_request(
            actor=admin, request=request, data=DecisionIn(note="同意,就近调运")
        )
        red_cross = LinkagePartner.objects.filter(name="兰州市红十字会").first()
        if red_cross is not None:
            services.do_call_partner(
                actor=admin,
                request=request,
                data=LinkageCallIn(
                    partner=red_cross.pk, content="请协调家庭应急包 300 个送至安置点(演示)"
                ),
            )


# --- equipment (装备台账) ---------------------------------------------------------------------
# (code, name, category, model, serial, quantity, unit, source, holder, interval days,
#  days since the last maintenance, status) — holder: "site:<suffix>" or "team:<name>"
EQUIPMENT = [
    (
        "ZB-SJ-001",
        "履带式挖掘机",
        "engineering",
        "SY215C",
        "SY215C-2019-0371",
        1,
        "台",
        "own",
        "site:SJ-01",
        180,
        150,
        "good",
    ),
    (
        "ZB-SJ-002",
        "汽车起重机(25吨)",
        "engineering",
        "QY25K5",
        "QY25-2018-1120",
        1,
        "台",
        "own",
        "site:SJ-01",
        180,
        200,
        "good",
    ),
    (
        "ZB-SJ-003",
        "大流量排水抢险车",
        "drainage",
        "3000m³/h",
        "PS3000-2021-008",
        1,
        "台",
        "own",
        "site:SJ-01",
        90,
        80,
        "good",
    ),
    (
        "ZB-SJ-004",
        "应急通信指挥车",
        "communication",
        "卫星便携站+4G/5G",
        "TX-2020-002",
        1,
        "辆",
        "own",
        "site:SJ-01",
        90,
        40,
        "good",
    ),
    (
        "ZB-SJ-005",
        "多旋翼侦察无人机",
        "reconnaissance",
        "M300 RTK",
        "",
        4,
        "架",
        "own",
        "site:SJ-01",
        60,
        75,
        "good",
    ),
    (
        "ZB-SJ-006",
        "移动发电车(200kW)",
        "power",
        "200GF",
        "FD200-2017-031",
        1,
        "辆",
        "own",
        "site:SJ-01",
        90,
        120,
        "repair",
    ),
    (
        "ZB-XG-001",
        "正压式空气呼吸器",
        "rescue",
        "RHZKF6.8/30",
        "",
        30,
        "套",
        "own",
        "team:西固石化危险化学品应急救援队",
        30,
        20,
        "good",
    ),
    (
        "ZB-XG-002",
        "有毒气体检测仪",
        "reconnaissance",
        "四合一",
        "",
        12,
        "台",
        "own",
        "team:西固石化危险化学品应急救援队",
        180,
        170,
        "good",
    ),
    (
        "ZB-HH-001",
        "冲锋舟(含船外机)",
        "water",
        "6.2米",
        "",
        6,
        "艘",
        "own",
        "team:兰州黄河水域救援队",
        90,
        30,
        "good",
    ),
    (
        "ZB-HG-001",
        "矿用生命探测仪",
        "rescue",
        "YSR-1",
        "YSR-2016-77",
        1,
        "台",
        "own",
        "team:红古矿山救护队",
        365,
        400,
        "good",
    ),
    (
        "ZB-YZ-001",
        "装载机(协议)",
        "engineering",
        "ZL50",
        "",
        2,
        "台",
        "agreement",
        "site:YZ-01",
        180,
        60,
        "good",
    ),
    (
        "ZB-CG-001",
        "照明灯塔(旧)",
        "power",
        "4×500W",
        "ZM-2012-005",
        1,
        "台",
        "own",
        "site:CG-01",
        180,
        300,
        "scrapped",
    ),
]
KIND_TEXT = {"good": "例行保养,各项性能正常", "repair": "发电机组调压器故障,送修待件"}


def _equipment_holder(holder, sites, teams):
    kind, key = holder.split(":", 1)
    if kind == "site":
        site = sites.get(PREFIX + key)
        return (
            {
                "site": site,
                "level": site.level if site.level in ("city", "county") else "county",
                "owner": site.owner,
                "region": site.region,
                "lon": site.lon,
                "lat": site.lat,
            }
            if site
            else None
        )
    team = teams.get(key + "(演示)")
    return (
        {
            "team": team,
            "level": team.level,
            "owner": team.owner,
            "region": team.region,
            "lon": team.lon,
            "lat": team.lat,
        }
        if team
        else None
    )


def load_equipment(orgs: dict, admin) -> dict:
    """A dozen items (the city's machines at the city reserve, teams' kit, a county's loader on
    agreement): some due for maintenance, one overdue, one in repair, one scrapped — each with
    the maintenance lines that led there (written in bulk, as the services would leave them)."""
    from .maintenance import next_due
    from .models import Equipment, MaintenanceRecord, Team

    if Equipment.objects.filter(is_demo=True).exists():
        return {}
    today = timezone.localdate()
    sites = {s.code: s for s in Site.objects.filter(code__startswith=PREFIX)}
    teams = {t.name: t for t in Team.objects.filter(is_demo=True)}
    made, history = [], {}
    for row in EQUIPMENT:
        code, name, cat, spec, serial, n, unit, source, holder, interval, ago, status = row
        where = _equipment_holder(holder, sites, teams)
        if where is None:
            continue
        last = today - dt.timedelta(days=ago)
        made.append(
            Equipment(
                code=PREFIX + code,
                name=name,
                category=cat,
                model_spec=spec,
                serial_no=serial,
                quantity=n,
                unit=unit,
                source=source,
                status=status,
                interval_days=interval,
                last_maintained_on=last,
                next_due_on=None if status == "scrapped" else next_due(last, interval),
                contact="装备管理员",
                phone="0931-0000110",
                remarks="演示数据",
                is_demo=True,
                **where,
            )
        )
        history[PREFIX + code] = (last, interval, status)
    Equipment.objects.bulk_create(made)
    lines = []
    for item in Equipment.objects.filter(code__in=list(history)):
        last, interval, status = history[item.code]
        before = last - dt.timedelta(days=interval)
        lines.append(
            MaintenanceRecord(
                equipment=item,
                kind="maintain",
                performed_on=before,
                description="例行保养,各项性能正常",
                performed_by="厂家售后(演示)",
                status_after="good",
                next_due_on=last,
                actor=admin,
            )
        )
        scrap = status == "scrapped"
        lines.append(
            MaintenanceRecord(
                equipment=item,
                kind="scrap" if scrap else ("repair" if status == "repair" else "maintain"),
                performed_on=last,
                description="使用年限已满、主要部件损坏,经鉴定报废" if scrap else KIND_TEXT[status],
                performed_by="厂家售后(演示)",
                cost=Decimal("3200.00") if status == "repair" else None,
                status_after=status,
                next_due_on=item.next_due_on,
                actor=admin,
            )
        )
    MaintenanceRecord.objects.bulk_create(lines)
    return {"equipment": len(made)}


# --- reserve targets (coverage) -------------------------------------------------------------
# The bureau's demo targets (NOT a national or provincial quota: none was confirmed). County
# targets for the main relief items; the city row is the 市级 reserve's own target.
TARGET_BASIS = "演示目标:市局按辖区人口与历史灾情暂定(非国家或省定额)"
COUNTY_TARGETS = {"1020199": 500, "1010199": 1000, "1020299": 300, "1030299": 500, "3010199": 20000}
CITY_TARGETS = {"1020199": 3000, "1010199": 8000, "1020299": 2000, "2020199": 20}


def load_targets(counties: dict) -> dict:
    from .models import ReserveTarget

    if ReserveTarget.objects.filter(is_demo=True).exists():
        return {}
    items = {i.code: i for i in Item.objects.all()}
    with_sites = set(
        Site.objects.filter(code__startswith=PREFIX).values_list("region__path", flat=True)
    )
    rows = []
    for county in counties.values():
        if not any(path.startswith(county.path) for path in with_sites):
            continue
        rows += [
            ReserveTarget(
                region=county, item=items[c], quantity=q, basis=TARGET_BASIS, is_demo=True
            )
            for c, q in COUNTY_TARGETS.items()
            if c in items
        ]
    city = Region.objects.filter(level="city").first()
    if city is not None:
        rows += [
            ReserveTarget(region=city, item=items[c], quantity=q, basis=TARGET_BASIS, is_demo=True)
            for c, q in CITY_TARGETS.items()
            if c in items
        ]
    ReserveTarget.objects.bulk_create(rows)
    return {"targets": len(rows)}


# --- 物资联动单位 (T39) ------------------------------------------------------------------------
# The member units are those T39 names; contacts are invented (演示), phone numbers fictitious.
# (name, contact, phone, duty phone, what it provides, item codes it can coordinate)
PARTNERS = [
    (
        "兰州市发展和改革委员会",
        "王建国",
        "0931-0000101",
        "0931-0000100",
        "重要民生商品价格监测与市场调控,协调救灾物资采购和应急调运计划",
        ["1030199", "1030299"],
    ),
    (
        "兰州市公安局",
        "李强",
        "0931-0000111",
        "0931-0000110",
        "灾区治安维护、交通管制,开辟救灾物资运输绿色通道",
        [],
    ),
    (
        "兰州市财政局",
        "张敏",
        "0931-0000121",
        "0931-0000120",
        "应急物资采购与储备资金保障,救灾资金快速拨付",
        [],
    ),
    (
        "兰州市交通运输局",
        "赵刚",
        "0931-0000131",
        "0931-0000130",
        "应急运力(货车、客车)调集,公路抢通保通",
        [],
    ),
    (
        "兰州市粮食和物资储备局",
        "刘芳",
        "0931-0000141",
        "0931-0000140",
        "政府储备粮油和救灾物资调拨,成品粮应急加工供应",
        ["1010199", "1010299", "1020199", "1020299", "1030199", "1030299"],
    ),
    (
        "兰州市红十字会",
        "陈静",
        "0931-0000151",
        "0931-0000150",
        "社会捐赠物资接收分发,家庭应急包、棉被等人道救助物资",
        ["1010199", "1040199", "1020399"],
    ),
    (
        "兰州警备区",
        "周毅",
        "0931-0000161",
        "0931-0000160",
        "民兵应急力量出动,抢险救援兵力和部分工程装备支援",
        ["3010199", "2050199"],
    ),
    (
        "武警兰州支队",
        "吴勇",
        "0931-0000171",
        "0931-0000170",
        "武警抢险救援力量,冲锋舟等水域救援装备支援",
        ["2020199", "2010199"],
    ),
]


def load_partners() -> dict:
    from .models import LinkagePartner

    if LinkagePartner.objects.filter(is_demo=True).exists():
        return {}
    items = {i.code: i for i in Item.objects.all()}
    created = LinkagePartner.objects.bulk_create(
        LinkagePartner(
            name=name,
            contact=contact,
            phone=phone,
            duty_phone=duty,
            provides=provides,
            sort=n,
            is_demo=True,
        )
        for n, (name, contact, phone, duty, provides, _codes) in enumerate(PARTNERS, 1)
    )
    for partner, row in zip(created, PARTNERS, strict=True):
        partner.items.set([items[c] for c in row[5] if c in items])
    return {"partners": len(created)}
