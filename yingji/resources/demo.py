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
    return {
        "sites": len(sites),
        "movements": Movement.objects.filter(stock__site__in=sites).count(),
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
