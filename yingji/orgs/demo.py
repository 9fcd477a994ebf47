"""Demo personas and demo enterprise organisations (all marked is_demo / 演示)."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.db import transaction

from yingji.core.audit import record_event
from yingji.geo.models import Region

from .models import Membership, Organisation

DEMO_PASSWORD = "Demo@2022"

# username, full name, organisation code, role, title
PERSONAS = [
    ("city_admin", "系统管理员(演示)", "LZYJJ", "system_admin", "平台管理员"),
    ("leader", "局领导(演示)", "LZYJJ", "city_leader", "副局长"),
    ("whk_staff", "危化科科员(演示)", "LZYJJ-WHP", "city_staff", "科员"),
    ("zhxt_staff", "综合协调科科员(演示)", "LZYJJ-ZHXT", "city_staff", "科员"),
    ("zcfg_staff", "政策法规科科员(演示)", "LZYJJ-ZCFG", "city_staff", "法制审核员"),
    ("duty", "值班员(演示)", "LZYJJ-YJZH", "duty_officer", "值班员"),
    ("xigu_staff", "西固区应急局科员(演示)", "XGQ-YJJ", "county_staff", "科员"),
    ("chengguan_staff", "城关区应急局科员(演示)", "CGQ-YJJ", "county_staff", "科员"),
    ("ent_user", "企业安全员(演示)", "DEMO-ENT-620104-01", "enterprise_user", "安全管理员"),
    # a second user of the same enterprise: its own verifier ≠ rectifier (hazards, 16号令)
    ("ent_chief", "企业安全总监(演示)", "DEMO-ENT-620104-01", "enterprise_user", "安全总监"),
]

# Plausible mix per district (DESIGN §7): 西固 petrochemicals, 红古/永登/榆中 mining, trade and
# manufacturing in the urban districts. Names are invented and carry 演示.
ENTERPRISE_TEMPLATES = {
    "620104": ["石化储运", "化工助剂", "精细化工", "液化气充装", "润滑油调配", "危险品物流"],
    "620111": ["煤业", "铝型材", "碳素制品", "硅铁冶炼"],
    "620121": ["石膏矿业", "水泥建材", "煤矿", "非煤矿山"],
    "620123": ["采石场", "食品加工", "建材", "燃气"],
    "620122": ["砂石料", "农产品冷链"],
    "620102": ["商贸城", "燃气经营", "百货商场", "酒店管理"],
    "620103": ["机械制造", "纺织", "物流园", "燃气"],
    "620105": ["制药", "商贸", "电子科技"],
    "620171": ["化工园区运营", "精细化工", "装备制造"],
}


@transaction.atomic
def load_demo(seed: int = 2022) -> dict:
    rng = random.Random(seed)
    created_orgs = 0
    for county_code, kinds in ENTERPRISE_TEMPLATES.items():
        county = Region.objects.get(code=county_code)
        townships = list(Region.objects.filter(parent=county, level="township").order_by("code"))
        for i, kind in enumerate(kinds, start=1):
            code = f"DEMO-ENT-{county_code}-{i:02d}"
            if Organisation.objects.filter(code=code).exists():
                continue
            region = rng.choice(townships) if townships else county
            Organisation.objects.create(
                code=code,
                name=f"兰州{county.name.rstrip('区县')}{kind}有限公司(演示)",
                kind="enterprise",
                region=region,
                is_demo=True,
                note="演示数据",
            )
            created_orgs += 1
    User = get_user_model()
    created_users = 0
    for username, full_name, org_code, role, title in PERSONAS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=full_name, is_active=True)
            user.is_superuser = user.is_staff = role == "system_admin"
            user.set_password(DEMO_PASSWORD)
            user.save()
            created_users += 1
        Membership.objects.get_or_create(
            user=user,
            organisation=Organisation.objects.get(code=org_code),
            role=role,
            defaults={"title": title},
        )
    if created_orgs or created_users:
        record_event(
            "demo.loaded",
            f"载入演示数据:单位 {created_orgs} 个,账号 {created_users} 个",
            organisations=created_orgs,
            users=created_users,
        )
    return {"organisations": created_orgs, "users": created_users}
