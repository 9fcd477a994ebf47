"""Demo data of 执法 (all invented, marked 演示): officers of the city bureau (监察支队 and 危化科),
西固区 and 城关区 — one certificate expiring within the 60-day window, one expired, one 调离 —
training hours and a declared conflict of interest. Registered through the real services by
the personas who manage each bureau's register. Idempotent."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.demo import dated, moment
from yingji.enterprises.selectors import visible_enterprises

from . import services
from .models import LawOfficer
from .schemas import EnfConflictIn, EnfOfficerIn, EnfOfficerStatusIn, EnfTrainingIn

# (actor, name, organisation code, certificate no, days valid left, username, status)
OFFICERS = [
    ("whk_staff", "王建军", "LZYJJ-ZD", "62010020180001", 900, "", "on_duty"),
    ("whk_staff", "李晓燕", "LZYJJ-ZD", "62010020180002", 1100, "", "on_duty"),
    ("whk_staff", "张海涛", "LZYJJ-WHP", "62010020190003", 700, "whk_staff", "on_duty"),
    ("whk_staff", "赵明", "LZYJJ-ZD", "62010020170004", 35, "", "on_duty"),  # expiring soon
    ("whk_staff", "刘志强", "LZYJJ-KS", "62010020160005", -20, "", "on_duty"),  # expired
    ("whk_staff", "陈丽", "LZYJJ-GSM", "62010020190006", 800, "", "transferred"),
    ("xigu_staff", "马国栋", "XGQ-YJJ", "62010420190001", 600, "xigu_staff", "on_duty"),
    ("xigu_staff", "杨静", "XGQ-YJJ", "62010420190002", 650, "", "on_duty"),
    ("xigu_staff", "韩磊", "XGQ-YJJ", "62010420200003", 500, "", "on_duty"),
    ("xigu_staff", "何平", "XGQ-YJJ", "62010420160004", -5, "", "on_duty"),  # expired
    ("chengguan_staff", "孙伟", "CGQ-YJJ", "62010220190001", 720, "chengguan_staff", "on_duty"),
    ("chengguan_staff", "周敏", "CGQ-YJJ", "62010220190002", 40, "", "on_duty"),  # expiring
    ("chengguan_staff", "吴斌", "CGQ-YJJ", "62010220200003", 540, "", "on_duty"),
]
DEMO_ENTERPRISE = "DEMO-ENT-620104-01"  # the enterprise of the ent_user persona (西固区)


def load_demo() -> dict:
    if LawOfficer.objects.filter(is_demo=True).exists():
        return {"officers": 0}
    users = {u.username: u for u in get_user_model().objects.all()}
    if "whk_staff" not in users:
        return {"officers": 0}
    rng = random.Random(19)
    today = timezone.localdate()
    start = today - dt.timedelta(days=400)
    pks = []
    for actor_name, name, org, cert, left, username, status in OFFICERS:
        actor = users.get(actor_name)
        if actor is None:
            continue
        data = EnfOfficerIn(
            name=name,
            organisation=org,
            certificate_no=cert,
            certificate_type="gansu",
            issuing_authority="甘肃省人民政府",
            valid_from=today + dt.timedelta(days=left) - dt.timedelta(days=5 * 365),
            valid_until=today + dt.timedelta(days=left),
            username=username if username in users else "",
            note="演示数据(虚构人员)",
        )
        with actor_context(actor, source="cli", label="demo"), dated(moment(start, rng)):
            officer = services.do_register_officer(actor=actor, data=data)
        pks.append(officer.pk)
        with actor_context(actor, source="cli", label="demo"):
            with dated(moment(today - dt.timedelta(days=rng.randint(20, 200)), rng)):
                services.do_record_training(
                    actor=actor,
                    officer=officer,
                    data=EnfTrainingIn(
                        year=today.year,
                        course="安全生产执法业务培训(演示)",
                        hours=Decimal(rng.choice([16, 24, 32, 40])),
                    ),
                )
            if status != "on_duty":
                with dated(moment(today - dt.timedelta(days=30), rng)):
                    services.do_change_officer_status(
                        actor=actor,
                        officer=officer,
                        data=EnfOfficerStatusIn(status=status, reason="调任其他岗位(演示)"),
                    )
    _conflict(users, today, rng)
    LawOfficer.objects.filter(pk__in=pks).update(is_demo=True)
    completed = complete_demo_inspections(users, rng)
    return {"officers": len(pks), "inspections_completed": completed, **load_draw_demo()}


# the persona acting for each bureau of the inspections demo
BUREAU_PERSONAS = {"LZYJJ": "whk_staff", "XGQ-YJJ": "xigu_staff", "CGQ-YJJ": "chengguan_staff"}


def complete_demo_inspections(users, rng) -> int:
    """The inspections demo records its visits but cannot complete them: 完成 needs two certified
    officers named (this app's precondition). Name two of the bureau's officers certified on
    the day, without a declared conflict with the enterprise, and complete each, on its day."""
    from yingji.inspections import services as inspections
    from yingji.inspections.models import Inspection

    from .schemas import EnfInspectionOfficersIn
    from .selectors import active_conflicts, certified_q

    today = timezone.localdate()
    done = 0
    waiting = Inspection.objects.filter(
        is_demo=True, state="scheduled", inspected_on__lte=today
    ).exclude(summary="")
    for inspection in waiting.select_related("authority").order_by("inspected_on", "pk"):
        actor = users.get(BUREAU_PERSONAS.get(inspection.authority.code, ""))
        if actor is None or inspection.unanswered_items:
            continue
        pool = LawOfficer.objects.filter(
            certified_q(inspection.inspected_on),
            organisation__path__startswith=inspection.authority.path,
        ).order_by("certificate_no")
        conflicted = set(
            active_conflicts(
                pool.values_list("pk", flat=True), inspection.enterprise_id, inspection.inspected_on
            ).values_list("officer_id", flat=True)
        )
        team = [o.pk for o in pool if o.pk not in conflicted][:2]
        if len(team) < 2:
            continue
        with (
            actor_context(actor, source="cli", label="demo"),
            dated(moment(inspection.inspected_on, rng)),
        ):
            services.do_name_inspection_officers(
                actor=actor, inspection=inspection, data=EnfInspectionOfficersIn(officer_ids=team)
            )
            inspections.do_complete_inspection(actor=actor, inspection=inspection)
        done += 1
    return done


def _conflict(users, today, rng) -> None:
    actor = users.get("xigu_staff")
    officer = LawOfficer.objects.filter(certificate_no="62010420190002").first()
    if actor is None or officer is None:
        return
    ent = visible_enterprises(actor).filter(organisation__code=DEMO_ENTERPRISE).first()
    if ent is None:
        return
    with (
        actor_context(actor, source="cli", label="demo"),
        dated(moment(today - dt.timedelta(days=90), rng)),
    ):
        services.do_declare_conflict(
            actor=actor,
            officer=officer,
            data=EnfConflictIn(
                enterprise_id=ent.pk,
                reason="近亲属在该企业任安全管理人员(演示)",
                declared_on=today - dt.timedelta(days=90),
            ),
        )


def load_draw_demo() -> dict:
    """A 专项整治 of the city bureau with linked demo inspections, one published draw with its
    recorded seed, officers named on a completed inspection and a 责令限期整改指令书."""
    from yingji.inspections.selectors import inspectable_enterprises, visible_inspections

    from .models import Campaign
    from .schemas import (
        EnfCampaignIn,
        EnfCampaignLinkIn,
        EnfDrawIn,
        EnfDrawPublishIn,
        EnfInspectionOfficersIn,
        EnfOrderIn,
    )

    if Campaign.objects.filter(is_demo=True).exists():
        return {"campaigns": 0}
    actor = get_user_model().objects.filter(username="whk_staff").first()
    if actor is None or not LawOfficer.objects.filter(is_demo=True).exists():
        return {"campaigns": 0}
    rng = random.Random(1130)
    today = timezone.localdate()
    year = today.year
    officers = {o.certificate_no: o.pk for o in LawOfficer.objects.filter(is_demo=True)}
    inspections = list(
        visible_inspections(actor, "change")
        .filter(
            enterprise_id__in=inspectable_enterprises(actor)
            .filter(sector__startswith="hazchem")
            .values("pk")
        )
        .order_by("-inspected_on")[:4]
    )

    def ctx():
        return actor_context(actor, source="cli", label="demo")

    with ctx(), dated(moment(today - dt.timedelta(days=45), rng)):
        campaign = services.do_create_campaign(
            actor=actor,
            data=EnfCampaignIn(
                name=f"{year}年危险化学品安全专项整治(演示)",
                starts_on=today - dt.timedelta(days=45),
                ends_on=today + dt.timedelta(days=45),
                sectors=["hazchem_production", "hazchem_storage", "hazchem_use"],
                target_inspections=10,
                target_findings_closed=20,
                note="演示数据:聚焦储罐区、特殊作业和重大危险源包保责任落实。",
            ),
        )
    if inspections:
        with ctx(), dated(moment(today - dt.timedelta(days=44), rng)):
            services.do_link_inspections(
                actor=actor,
                campaign=campaign,
                data=EnfCampaignLinkIn(inspection_ids=[i.pk for i in inspections]),
            )
    with ctx(), dated(moment(today - dt.timedelta(days=40), rng)):
        draw = services.do_run_draw(
            actor=actor,
            data=EnfDrawIn(
                campaign_name=f"{year}年危险化学品企业双随机抽查(演示)",
                sectors=["hazchem_production", "hazchem_storage", "hazchem_use", "hazchem_trade"],
                targets=3,
                per_target=2,
                seed=20221130,
                campaign_id=campaign.pk,
            ),
        )
    with ctx(), dated(moment(today - dt.timedelta(days=39), rng)):
        services.do_publish_draw(actor=actor, draw=draw, data=EnfDrawPublishIn())
    done = [i for i in inspections if i.state == "completed" and i.findings.exists()]
    if done:
        team = [officers["62010020180001"], officers["62010020180002"]]
        with ctx(), dated(moment(max(done[0].inspected_on, today - dt.timedelta(days=30)), rng)):
            services.do_name_inspection_officers(
                actor=actor, inspection=done[0], data=EnfInspectionOfficersIn(officer_ids=team)
            )
        with ctx():
            services.do_issue_order(
                actor=actor,
                inspection=done[0],
                data=EnfOrderIn(deadline=today + dt.timedelta(days=15), officer_ids=team),
            )
    Campaign.objects.filter(pk=campaign.pk).update(is_demo=True)
    draw.__class__.objects.filter(pk=draw.pk).update(is_demo=True)
    return {"campaigns": 1, "draws": 1, "linked": len(inspections)}
