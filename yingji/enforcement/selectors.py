"""Read queries and the officer rule shared by this app, inspections' callers and the penalties
app: ``is_certified`` and ``check_officers`` (a step that names officers needs at least two
distinct officers certified on that day; 行政处罚法 2021 第四十二条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from yingji.core.errors import ValidationFailed
from yingji.core.permissions import restrict
from yingji.hazards.models import Hazard
from yingji.inspections.models import Inspection

from .conf import expiry_days, min_officers
from .models import (
    Campaign,
    InspectionOfficer,
    LawOfficer,
    OfficerConflict,
    OfficerTraining,
    RandomDraw,
    Recording,
    RectificationOrder,
    ReInspection,
)


def is_certified(officer: LawOfficer, on_date: dt.date) -> bool:
    """Whether the officer may be named on a step taken on ``on_date``: in post (在岗) and the
    certificate valid that day (valid_from ≤ day ≤ valid_until, both days included)."""
    return officer.status == "on_duty" and officer.valid_from <= on_date <= officer.valid_until


def refusal(officer: LawOfficer, on_date: dt.date) -> str | None:
    """Why the officer cannot be named on ``on_date`` (a sentence naming them), or None."""
    who = f"执法人员{officer.name}(执法证号{officer.certificate_no})"
    if officer.status != "on_duty":
        return f"{who}当前状态为“{officer.get_status_display()}”,不能指派执法。"
    if on_date > officer.valid_until:
        return f"{who}的执法证已于{officer.valid_until:%Y年%m月%d日}过期,不能指派执法。"
    if on_date < officer.valid_from:
        return f"{who}的执法证自{officer.valid_from:%Y年%m月%d日}起才有效,不能指派执法。"
    return None


def active_conflicts(
    officer_ids: Iterable[int],
    enterprise_id: int | None,
    on_date: dt.date,
    *,
    all_enterprises: bool = False,
):
    """The declarations standing on the day for these officers (and this enterprise, unless
    ``all_enterprises``)."""
    rows = OfficerConflict.objects.filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on_date),
        officer_id__in=list(officer_ids),
        declared_on__lte=on_date,
    ).select_related("officer")
    return rows if all_enterprises else rows.filter(enterprise_id=enterprise_id)


def check_officers(
    officer_ids: Iterable[int],
    on_date: dt.date,
    *,
    enterprise_id: int | None = None,
    authority=None,
) -> list[LawOfficer]:
    """The officers named on a step taken on ``on_date``, or ValidationFailed with a clear
    Chinese message: fewer than the minimum distinct officers (2, 行政处罚法第四十二条), an
    unknown officer, one not certified that day (named, with the expiry date), one of another
    bureau than ``authority`` (when given), or (when the enterprise is given) one who declared
    a conflict of interest with it (回避)."""
    ids = list(dict.fromkeys(int(i) for i in officer_ids))
    need = min_officers()
    if len(ids) < need:
        raise ValidationFailed(
            f"执法人员不得少于{need}人(《行政处罚法》第四十二条),请指派至少{need}名不同的持证执法人员。",
            details={"field": "officers"},
        )
    officers = {
        o.pk: o for o in LawOfficer.objects.filter(pk__in=ids).select_related("organisation")
    }
    missing = [i for i in ids if i not in officers]
    if missing:
        raise ValidationFailed(
            "所选执法人员不存在:" + "、".join(map(str, missing)) + "。",
            details={"field": "officers", "missing": missing},
        )
    problems = [r for r in (refusal(officers[i], on_date) for i in ids) if r]
    if authority is not None:  # officers act in the name of their own bureau only
        problems += [
            f"执法人员{officers[i].name}不属于执法主体{authority.name},不能以其名义执法。"
            for i in ids
            if not officers[i].organisation.path.startswith(authority.path)
        ]
    if problems:
        raise ValidationFailed("".join(problems), details={"field": "officers"})
    if enterprise_id is not None:
        conflicts = list(active_conflicts(ids, enterprise_id, on_date))
        if conflicts:
            raise ValidationFailed(
                "".join(
                    f"执法人员{c.officer.name}已申报与该企业存在利害关系(回避事由:{c.reason}),应当回避。"
                    for c in conflicts
                ),
                details={"field": "officers"},
            )
    return [officers[i] for i in ids]


def visible_officers(user, action: str = "view"):
    return restrict(
        LawOfficer.objects.select_related("organisation", "user"),
        user,
        action,
    )


def certified_q(on_date: dt.date) -> Q:
    return Q(status="on_duty", valid_from__lte=on_date, valid_until__gte=on_date)


def certified_officers(on_date: dt.date | None = None):
    """Every officer certified on the day (unrestricted: for draws and the public 公示)."""
    on_date = on_date or timezone.localdate()
    return LawOfficer.objects.filter(certified_q(on_date)).select_related("organisation")


def expiring_q(on_date: dt.date | None = None, days: int | None = None) -> Q:
    """Officers in post whose certificate ends within the window (still valid today)."""
    on_date = on_date or timezone.localdate()
    days = expiry_days() if days is None else days
    return Q(
        status="on_duty",
        valid_until__gte=on_date,
        valid_until__lte=on_date + dt.timedelta(days=days),
    )


def expired_q(on_date: dt.date | None = None) -> Q:
    on_date = on_date or timezone.localdate()
    return Q(status="on_duty", valid_until__lt=on_date)


def training_hours(officer: LawOfficer, year: int) -> Decimal:
    total = OfficerTraining.objects.filter(officer=officer, year=year).aggregate(s=Sum("hours"))
    return total["s"] or Decimal("0")


def certificate_state(officer: LawOfficer, on_date: dt.date | None = None) -> str:
    """有效 / 即将到期 / 已过期 / 未生效 / 非在岗 for the register's flag."""
    on_date = on_date or timezone.localdate()
    if officer.status != "on_duty":
        return officer.get_status_display()
    if officer.valid_until < on_date:
        return "已过期"
    if officer.valid_from > on_date:
        return "未生效"
    if officer.valid_until <= on_date + dt.timedelta(days=expiry_days()):
        return "即将到期"
    return "有效"


def officer_names(officer_ids: Iterable[int]) -> dict[int, str]:
    return dict(LawOfficer.objects.filter(pk__in=list(officer_ids)).values_list("pk", "name"))


# --- inspections, draws, campaigns ---------------------------------------------------------


def team_of(inspection_id: int):
    """The officers currently named on an inspection."""
    ids = InspectionOfficer.objects.filter(
        inspection_id=inspection_id, removed_at__isnull=True
    ).values("officer_id")
    return LawOfficer.objects.filter(pk__in=ids).order_by("name", "pk")


def order_inspection(order: RectificationOrder) -> Inspection:
    return Inspection.objects.select_related("enterprise__organisation", "authority").get(
        pk=order.inspection_id
    )


def recordings_of(user, inspection_id: int):
    return restrict(
        Recording.objects.filter(
            inspection_id=inspection_id, voided_at__isnull=True
        ).select_related("recorded_by"),
        user,
    )


def orders_of(user, inspection_id: int):
    return restrict(
        RectificationOrder.objects.filter(inspection_id=inspection_id).select_related(
            "reinspection"
        ),
        user,
    )


def visible_orders(user, action: str = "view"):
    return restrict(RectificationOrder.objects.select_related("reinspection"), user, action)


def visible_reinspections(user, action: str = "view"):
    return restrict(ReInspection.objects.select_related("order"), user, action)


def visible_draws(user, action: str = "view"):
    return restrict(RandomDraw.objects.select_related("authority", "drawn_by"), user, action)


def published_draws():
    return RandomDraw.objects.filter(state="published").select_related("authority")


def visible_campaigns(user, action: str = "view"):
    return restrict(Campaign.objects.select_related("authority"), user, action)


def campaign_progress(campaign: Campaign) -> dict:
    """Progress of a 专项整治 from its linked inspections (inspections app), their findings and
    the rectification orders issued on them (this app)."""
    inspections = list(campaign.inspections.all())
    ids = [i.pk for i in inspections]
    completed = [i for i in inspections if i.state == "completed"]
    findings = sum(i.findings.count() for i in completed)
    orders = RectificationOrder.objects.filter(inspection_id__in=ids)
    closed_items = sum(len(o.items) for o in orders if o.state == "closed")
    enterprises = len({i.enterprise_id for i in completed})
    # the hazards registered from the campaign's findings (inspections → hazards, both ways)
    hazards = Hazard.objects.filter(findings__inspection_id__in=ids).distinct()

    def pct(done, target):
        return round(100 * done / target) if target else None

    return {
        "linked": len(inspections),
        "completed": len(completed),
        "enterprises": enterprises,
        "findings": findings,
        "orders": orders.count(),
        "orders_closed": orders.filter(state="closed").count(),
        "orders_overdue": orders.filter(state="overdue").count(),
        "items_closed": closed_items,
        "inspections_pct": pct(enterprises, campaign.target_inspections),
        "findings_pct": pct(closed_items, campaign.target_findings_closed),
        "draws": campaign.draws.filter(state="published").count(),
        "hazards": hazards.count(),
        "hazards_major": hazards.filter(level="major").count(),
        "hazards_closed": hazards.filter(state="closed").count(),
    }
