"""Demo warnings (all 演示), written through the real services so that the audit trail, the
identifiers, the deliveries and the acknowledgement tasks are what a real release makes:

- the 预警审批 group (holding the approval right) with 综合协调科 zhxt_staff in it;
- a released 暴雨 Ⅲ级(黄色) warning for 西固区 and 七里河区 after a 会商 with the meteorological,
  water and natural-resources bureaus: drafted by whk_staff, approved by zhxt_staff, released
  by the duty officer; 七里河区应急局 has acknowledged and acted, 西固区应急局 and the 西固
  enterprises (ent_user's among them) still have to;
- mobile numbers (演示) for the SMS channel of duty, whk_staff, the two county personas and
  ent_user (ent_chief has none: 无手机号);
- the 暴雨 warning has a drawn polygon and the group 各监管科室 among its recipients;
- a 大风 Ⅳ级(蓝色) warning (recipients also: the duty officers, 市水务局) submitted and waiting for zhxt_staff's approval;
- a 地质灾害 draft of 城关区 by chengguan_staff;
- a 高温 warning released then cancelled (解除), shown as 已解除 in the public feed.

Idempotent (nothing is added when demo warnings exist); fast (a handful of services)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from yingji.core.context import actor_context

from . import services
from .models import Acknowledgement, ContactPhone, Warning
from .schemas import AckIn, ApproveIn, CancelIn, DoneIn, ReleaseIn, SubmitIn, WarningIn

CHANNELS = ["platform", "sms"]  # the demo sends nothing out: no gateway is configured
CONSULT = {
    "consult_participants": "市应急局风险监测和综合减灾科、市气象台首席预报员、市水务局防汛办、市自然资源局地灾科",
    "consult_organisations": "兰州市气象局、兰州市水务局、兰州市自然资源局",
    "consult_opinions": "气象部门预计未来6小时累计雨量可达50毫米以上;水务部门建议关注雷坛河、西柳沟水位;"
    "自然资源部门提示七里河南山一带地质灾害隐患点风险上升。",
    "consult_decision": "同意发布暴雨黄色预警,启动相应防范措施。",
}


def _user(name):
    return get_user_model().objects.get(username=name)


def approvers_group() -> Group:
    group, _ = Group.objects.get_or_create(name="预警审批")
    perm = Permission.objects.get(codename="approve_warning", content_type__app_label="warnings")
    group.permissions.add(perm)
    return group


def _as(user, fn):
    with actor_context(user, source="cli", label="demo"):
        return fn()


def _draft(user, **data):
    return _as(user, lambda: services.do_draft_warning(actor=user, data=WarningIn(**data)))


def _through(warning, drafter, approver, releaser):
    _as(
        drafter, lambda: services.do_submit_warning(actor=drafter, warning=warning, data=SubmitIn())
    )
    _as(
        approver,
        lambda: services.do_approve_warning(
            actor=approver, warning=warning, data=ApproveIn(opinion="同意发布。")
        ),
    )
    return _as(
        releaser,
        lambda: services.do_release_warning(
            actor=releaser, warning=warning, data=ReleaseIn(channels=CHANNELS)
        ),
    )


# 演示 mobile numbers for the SMS channel (ent_chief has none: its row shows 无手机号)
DEMO_PHONES = {
    "duty": "13800000001",
    "whk_staff": "13800000002",
    "xigu_staff": "13800000003",
    "chengguan_staff": "13800000004",
    "ent_user": "13800000005",
}


def _phones() -> None:
    for username, phone in DEMO_PHONES.items():
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            ContactPhone.objects.get_or_create(
                user=user, defaults={"phone": phone, "is_demo": True}
            )


def load_demo() -> dict:
    if Warning.objects.filter(is_demo=True).exists():
        return {"warnings": 0}
    _phones()
    whk, zhxt, duty = _user("whk_staff"), _user("zhxt_staff"), _user("duty")
    chengguan = _user("chengguan_staff")
    approvers_group().user_set.add(zhxt)
    now = timezone.localtime().replace(second=0, microsecond=0)

    rain = _draft(
        whk,
        event_type="rainstorm",
        level="yellow",
        regions=["620104", "620103"],
        headline="兰州市气象台发布暴雨黄色预警(演示)",
        description="预计今天夜间到明天白天,西固区、七里河区6小时内降雨量将达50毫米以上,"
        "局地伴有雷电、短时强降水,注意防范山洪、地质灾害和城市内涝。",
        effective=now - dt.timedelta(hours=2),
        onset=now,
        expires=now + dt.timedelta(hours=22),
        consult_at=now - dt.timedelta(hours=3),
        polygon="36.120000,103.550000 36.140000,103.750000 36.020000,103.820000 "
        "36.000000,103.600000 36.120000,103.550000",
        recipient_groups=["各监管科室"],
        **CONSULT,
    )
    rain = _through(rain, whk, zhxt, duty)
    qlh = Acknowledgement.objects.filter(warning=rain, organisation__code="QLHQ-YJJ").first()
    if qlh is not None:
        # 七里河区应急局 has no demo persona: its acknowledgement is made by the city admin
        # acting for it (recorded as such in the trail)
        admin = _user("city_admin")
        _as(admin, lambda: _ack_for(admin, qlh))

    wind = _draft(
        whk,
        event_type="gale",
        level="blue",
        regions=["620121", "620111"],
        headline="永登县、红古区大风蓝色预警(演示)",
        description="预计未来24小时永登县、红古区平均风力6级以上,阵风7级以上,注意防范高空坠物。",
        effective=now,
        expires=now + dt.timedelta(hours=24),
        consult_at=now - dt.timedelta(hours=1),
        consult_organisations="兰州市气象局",
        consult_decision="建议发布大风蓝色预警。",
        recipient_roles=["duty_officer"],
        recipient_orgs=["LZ-SWJ"],
    )
    _as(whk, lambda: services.do_submit_warning(actor=whk, warning=wind, data=SubmitIn()))

    _draft(
        chengguan,
        event_type="geohazard",
        level="blue",
        regions=["620102"],
        headline="城关区皋兰山北麓地质灾害风险预警(演示草稿)",
        description="受持续降雨影响,皋兰山北麓斜坡地带发生滑坡、崩塌的风险较高。",
        effective=now,
        expires=now + dt.timedelta(hours=48),
    )

    heat = _draft(
        whk,
        event_type="heat",
        level="orange",
        regions=["620102", "620105"],
        headline="城关区、安宁区高温橙色预警(演示)",
        description="预计24小时内城关区、安宁区最高气温将升至37℃以上。",
        effective=now - dt.timedelta(hours=5),
        expires=now + dt.timedelta(hours=19),
        consult_decision="同意发布高温橙色预警。",
    )
    heat = _through(heat, whk, zhxt, duty)
    _as(
        duty,
        lambda: services.do_cancel_warning(
            actor=duty, warning=heat, data=CancelIn(reason="气温回落,高温天气过程结束。")
        ),
    )
    Warning.objects.filter(drafted_by__in=[whk, chengguan, duty]).update(is_demo=True)
    return {"warnings": Warning.objects.filter(is_demo=True).count()}


def _ack_for(user, ack):
    ack = services.do_acknowledge_warning(actor=user, ack=ack, data=AckIn())
    return services.do_report_done(
        actor=user, ack=ack, data=DoneIn(note="已通知南山沿线各村社,转移地质灾害隐患点群众 36 人。")
    )
