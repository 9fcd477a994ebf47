"""预警信息 services: drafting (by hand, from monitoring alarms or from an imported CAP message),
the approval workflow (草稿 → 待审批 → 已批准 → 已发布; 更新, 解除, 过期), the one-window release
to every channel with its delivery log and acknowledgement tasks, and the recipients' 签收 /
已落实. One service per state change, each one transaction and one AuditEvent."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import ConflictError, InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope, restrict, scope_of
from yingji.core.services import locked
from yingji.geo.models import Region
from yingji.orgs.choices import ROLE_LABELS
from yingji.orgs.models import Membership, Organisation, OrgGroup
from yingji.standards import cap

from . import channels
from .acklinks import LinkRefused, read_token
from .capxml import sender_for
from .choices import LEVEL_LABELS, RELEASE_CHANNELS, STATE_LABELS, TRANSITIONS
from .models import Acknowledgement, Delivery, EventType, Warning
from .schemas import (
    AckIn,
    ApproveIn,
    CancelIn,
    DoneIn,
    ReleaseIn,
    ResendIn,
    ReturnIn,
    SubmitIn,
    WarningIn,
    parse_polygon,
)

log = logging.getLogger("yingji.warnings")
FIELDS = (
    "level",
    "headline",
    "description",
    "effective",
    "onset",
    "expires",
    "scope",
    "consult_at",
    "consult_participants",
    "consult_organisations",
    "consult_opinions",
    "consult_decision",
)
RECIPIENT_KINDS = ("county_bureau", "enterprise")


# --- helpers -------------------------------------------------------------------------------


def _event_type(code: str) -> EventType:
    row = EventType.objects.filter(code=code, active=True).first()
    if row is None:
        raise ValidationFailed(f"事件类型“{code}”不存在或已停用。", details={"field": "event_type"})
    return row


def _regions(codes: list[str]) -> list[Region]:
    found = {r.code: r for r in Region.objects.filter(code__in=codes).defer("note")}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationFailed(
            f"影响区域代码不存在:{'、'.join(missing[:10])}。", details={"field": "regions"}
        )
    return [found[c] for c in codes]


def _jurisdiction(code: str | None, regions: list[Region]) -> Region:
    """The issuing area: given, or the one county holding every affected region, or the city."""
    if code:
        area = Region.objects.filter(code=code, level__in=("city", "county")).first()
        if area is None:
            raise ValidationFailed(
                f"发布区域“{code}”应为本市或一个县区的代码。", details={"field": "jurisdiction"}
            )
    else:
        counties = {r.county.pk if r.county else None for r in regions}
        if len(counties) == 1 and None not in counties:
            area = regions[0].county
        else:
            area = Region.objects.filter(level="city").order_by("code").first()
    outside = [r.name for r in regions if not r.path.startswith(area.path)]
    if outside:
        raise ValidationFailed(
            f"影响区域{'、'.join(outside)}不在发布区域“{area.name}”内。",
            details={"field": "regions"},
        )
    return area


def _issuer(actor) -> Organisation:
    scope = scope_of(actor)
    org = Organisation.objects.filter(pk__in=scope.org_ids).order_by("path").first()
    if org is None:
        org = Organisation.objects.filter(parent__isnull=True).order_by("path").first()
    return org


class Filled:
    """What _fill resolved that is stored after the row is saved (many-to-many)."""

    def __init__(self, regions, orgs, groups):
        self.regions, self.orgs, self.groups = regions, orgs, groups

    def save(self, warning: Warning) -> None:
        warning.regions.set(self.regions)
        warning.recipient_orgs.set(self.orgs)
        warning.recipient_groups.set(self.groups)


def _recipient_orgs(actor, codes: list[str]) -> list[Organisation]:
    if not codes:
        return []
    qs = Organisation.objects.filter(code__in=codes, is_active=True)
    if actor is not None:
        qs = restrict(qs, actor, "view")
    found = {o.code: o for o in qs}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationFailed(
            f"指定接收单位不存在、已停用或不在您的权限范围内:{'、'.join(missing[:10])}。",
            details={"field": "recipient_orgs"},
        )
    return [found[c] for c in codes]


def _recipient_groups(names: list[str]) -> list[OrgGroup]:
    found = {g.name: g for g in OrgGroup.objects.filter(name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise ValidationFailed(
            f"接收分组不存在:{'、'.join(missing[:10])}。", details={"field": "recipient_groups"}
        )
    return [found[n] for n in names]


def polygon_geojson(text: str) -> dict | None:
    """The CAP polygon text of the form as the stored GeoJSON polygon (None when not drawn)."""
    if not text:
        return None
    return {"type": "Polygon", "coordinates": [[list(p) for p in parse_polygon(text)]]}


def polygon_text(geometry: dict | None) -> str:
    if not geometry:
        return ""
    return cap.polygon_text([tuple(p) for p in geometry["coordinates"][0]])


def _fill(warning: Warning, data: WarningIn, actor=None) -> Filled:
    warning.event_type = _event_type(data.event_type)
    regions = _regions(data.regions)
    warning.jurisdiction = _jurisdiction(data.jurisdiction, regions)
    for name in FIELDS:
        setattr(warning, name, getattr(data, name))
    warning.instruction = data.instruction or warning.event_type.guide
    warning.source_alarms = list(dict.fromkeys(data.source_alarms))
    warning.polygon = polygon_geojson(data.polygon)
    warning.recipient_roles = list(data.recipient_roles)
    return Filled(
        regions,
        _recipient_orgs(actor, data.recipient_orgs),
        _recipient_groups(data.recipient_groups),
    )


def _check(actor, warning: Warning, transition: str, action: str = "change") -> None:
    sources, _target, page_rule = TRANSITIONS[transition]
    if page_rule:
        check_rule(actor, page_rule)
    if not restrict(Warning.objects.filter(pk=warning.pk), actor, action).exists():
        raise NotPermitted(
            "该预警信息不在您的权限范围内(县区只能处理本辖区的预警,全市预警须由市局处理)。"
        )
    if warning.shown_state not in sources:
        raise InvalidTransition(
            f"预警信息当前为“{warning.shown_state_label}”,不能执行此操作。",
            details={"state": warning.shown_state, "transition": transition},
        )


def _label(w: Warning) -> str:
    return f"“{w.headline}”({w.event_type.name}{LEVEL_LABELS[w.level]})"


# --- drafting ------------------------------------------------------------------------------


def do_draft_warning(*, actor, data: WarningIn, previous: Warning | None = None) -> Warning:
    check_rule(actor, "warnings.draft")
    warning = Warning(drafted_by=actor, issuer=_issuer(actor), state="draft")
    filled = _fill(warning, data, actor)
    if data.source_alarms:
        _check_alarms(actor, data.source_alarms)
    with transaction.atomic():
        warning.save()
        filled.save(warning)
        record_event(
            "warnings.drafted",
            f"起草预警信息{_label(warning)}",
            target=warning,
            source_alarms=warning.source_alarms,
        )
        ensure_in_scope(actor, warning, "add")
    return warning


def _check_alarms(actor, ids: list[int]) -> None:
    from yingji.monitoring.selectors import visible_alarms

    seen = set(visible_alarms(actor).filter(pk__in=ids).values_list("pk", flat=True))
    missing = [str(i) for i in ids if i not in seen]
    if missing:
        raise ValidationFailed(
            f"来源告警不存在或不在您的权限范围内:{'、'.join(missing)}。",
            details={"field": "source_alarms"},
        )


def do_edit_warning(*, actor, warning: Warning, data: WarningIn) -> Warning:
    check_rule(actor, "warnings.draft")
    with transaction.atomic():
        warning = locked(Warning, warning.pk, expected_version=data.version)
        if not restrict(Warning.objects.filter(pk=warning.pk), actor, "change").exists():
            raise NotPermitted("您无权修改该预警信息。")
        if warning.state != "draft":
            raise InvalidTransition(
                f"只有草稿可以修改,该预警信息当前为“{warning.shown_state_label}”。"
            )
        filled = _fill(warning, data, actor)
        warning.save()
        filled.save(warning)
        record_event("warnings.edited", f"修改预警信息草稿{_label(warning)}", target=warning)
        ensure_in_scope(actor, warning)
    return warning


def do_submit_warning(*, actor, warning: Warning, data: SubmitIn) -> Warning:
    with transaction.atomic():
        warning = locked(Warning, warning.pk, expected_version=data.version)
        _check(actor, warning, "submit")
        if not warning.consult_decision and warning.origin == "local":
            raise ValidationFailed(
                "提交审批前请填写会商结论(T23 会商研判制度)。",
                details={"field": "consult_decision"},
            )
        warning.state = "submitted"
        warning.submitted_by = actor
        warning.submitted_at = timezone.now()
        warning.save()
        record_event("warnings.submitted", f"提交审批预警信息{_label(warning)}", target=warning)
    return warning


def _not_own(actor, warning: Warning) -> None:
    if actor.pk in (warning.drafted_by_id, warning.submitted_by_id):
        raise NotPermitted(
            "起草人不能审批自己起草或提交的预警信息,请由另一位有审批权的人员审批。",
            code="own_warning",
        )


def do_approve_warning(*, actor, warning: Warning, data: ApproveIn) -> Warning:
    with transaction.atomic():
        warning = locked(Warning, warning.pk, expected_version=data.version)
        _not_own(actor, warning)
        _check(actor, warning, "approve", "approve")
        warning.state = "approved"
        warning.approved_by = actor
        warning.approved_at = timezone.now()
        warning.approval_opinion = data.opinion
        warning.save()
        record_event(
            "warnings.approved",
            f"审批同意预警信息{_label(warning)}",
            target=warning,
            opinion=data.opinion,
        )
    return warning


def do_return_warning(*, actor, warning: Warning, data: ReturnIn) -> Warning:
    with transaction.atomic():
        warning = locked(Warning, warning.pk, expected_version=data.version)
        _not_own(actor, warning)
        _check(actor, warning, "return", "approve")
        warning.state = "draft"
        warning.approval_opinion = data.opinion
        warning.save()
        record_event(
            "warnings.returned",
            f"退回预警信息{_label(warning)}:{data.opinion}",
            target=warning,
            opinion=data.opinion,
        )
    return warning


# --- release -------------------------------------------------------------------------------


def _identifier(warning: Warning, now: dt.datetime) -> str:
    sender = sender_for(warning)
    for extra in range(60):
        when = now + dt.timedelta(seconds=extra)
        prefix = f"{sender}_{cap.to_beijing(when):%Y%m%d%H%M%S}_"
        used = Warning.objects.filter(identifier__startswith=prefix).count()
        if used < 10:
            return cap.make_identifier(sender, when, used)
    raise ConflictError("同一秒内发布的预警过多,请稍后重试。")


def _save_with_identifier(warning: Warning, now: dt.datetime) -> None:
    """Give the message its identifier and save it. Two releases in the same second by two
    processes may both pick the same serial: the second one's unique violation (PostgreSQL
    waits for the first to commit) is caught in a savepoint and the next serial taken."""
    for _attempt in range(10):
        warning.identifier = _identifier(warning, now)
        try:
            with transaction.atomic():
                warning.save()
            return
        except IntegrityError:
            continue
    raise ConflictError("同一秒内发布的预警过多,请稍后重试。")


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def recipient_reasons(warning: Warning) -> list[tuple[Organisation, list[str]]]:
    """Who must acknowledge, each with why (the resolved list shown before release):

    - 影响区域: the county bureaus of every affected county and the enterprises located in the
      affected regions (always);
    - 角色: the organisations with an active member holding a chosen role whose jurisdiction
      (the organisation's region) intersects the area — inside it, or containing it;
    - 指定单位 and 分组 (orgs.OrgGroup members), active ones."""
    regions = list(warning.regions.all())
    county_ids = {r.county.pk for r in regions if r.county}
    if any(r.level == "city" for r in regions):
        county_ids |= set(Region.objects.filter(level="county").values_list("pk", flat=True))
    reasons: dict[int, list[str]] = {}

    def add(ids, reason):
        for pk in ids:
            got = reasons.setdefault(pk, [])
            if reason not in got:
                got.append(reason)

    q = Q(kind="county_bureau", region_id__in=county_ids)
    for r in regions:
        q |= Q(kind="enterprise", region__path__startswith=r.path)
    active = Organisation.objects.filter(is_active=True)
    found = {o.pk: o for o in active.filter(q)}  # the area may hold thousands of enterprises
    add(found, "影响区域")
    if warning.recipient_roles:
        meets = Q(pk__in=[])
        for r in regions:
            meets |= Q(organisation__region__path__startswith=r.path)
            meets |= Q(organisation__region__path__in=_ancestor_paths(r.path))
        by_role = (
            Membership.objects.filter(
                meets,
                role__in=warning.recipient_roles,
                is_active=True,
                user__is_active=True,
                organisation__is_active=True,
            )
            .values_list("organisation_id", "role")
            .distinct()
        )
        for org_id, role in by_role:
            add([org_id], f"角色:{ROLE_LABELS[role]}")
    if warning.pk:
        add(warning.recipient_orgs.filter(is_active=True).values_list("pk", flat=True), "指定")
        for group in warning.recipient_groups.all():
            add(
                active.filter(groups=group).values_list("pk", flat=True),
                f"分组:{group.name}",
            )
    more = [pk for pk in reasons if pk not in found]
    found.update({o.pk: o for o in Organisation.objects.filter(pk__in=more)})
    ordered = sorted(found.values(), key=lambda o: (o.kind == "enterprise", o.path))
    return [(o, reasons[o.pk]) for o in ordered]  # the bureaus and departments first


def recipients(warning: Warning) -> list[Organisation]:
    """The organisations that must acknowledge (see recipient_reasons)."""
    return [o for o, _why in recipient_reasons(warning)]


def mqtt_payload(warning: Warning) -> dict:
    """The 应急广播 terminals' payload: identifier, level, area codes, text for TTS."""
    return {
        "identifier": warning.identifier,
        "msgType": warning.msg_type,
        "level": warning.level,
        "level_label": LEVEL_LABELS[warning.level],
        "event": warning.event_type.name,
        "areas": sorted(warning.regions.values_list("code", flat=True)),
        "expires": cap.cap_time(warning.expires),
        "text": f"{warning.headline}。{warning.description}",
    }


def message_for(warning: Warning) -> channels.Message:
    areas = list(warning.regions.order_by("code").values_list("code", "name"))
    return channels.Message(
        identifier=warning.identifier or "",
        msg_type=warning.msg_type,
        level=warning.level,
        level_label=str(LEVEL_LABELS[warning.level]),
        event=warning.event_type.name,
        headline=warning.headline,
        description=warning.description,
        instruction=warning.instruction,
        areas=[c for c, _n in areas],
        area_names="、".join(n for _c, n in areas)[:300],
        expires=f"{timezone.localtime(warning.expires):%Y年%-m月%-d日 %H:%M}",
        detail_url=channels.base_url() + warning.get_absolute_url(),
        payload=mqtt_payload(warning),
    )


def _deliveries(
    warning: Warning,
    codes: list[str],
    orgs: list[Organisation],
    acks: dict[int, int],
    resend: bool = False,
) -> int:
    """The delivery rows of one release (or re-send): per channel its targets; a channel
    without configuration gets its rows marked 未配置 (recorded, not sent). Returns how many
    rows wait for the job."""
    rows, waiting, now = [], 0, timezone.now()
    for code in codes:
        channel = channels.get(code)
        configured = channel.configured()
        for t in channel.targets(warning, orgs, resend=resend):
            if not configured:
                result, detail, attempt = "unconfigured", f"未配置({channel.setting}),未发送", 0
            elif t.unsendable:
                result, detail, attempt = "no_phone", t.unsendable, 0
            elif code == "platform":
                result, detail, attempt = "delivered", "站内待签收", 1
            else:
                result, detail, attempt = "pending", "等待发送", 0
                waiting += 1
            rows.append(
                Delivery(
                    warning=warning,
                    channel=code,
                    recipient=t.recipient[:200],
                    address=t.address[:300],
                    organisation_id=t.organisation_id,
                    user_id=t.user_id,
                    ack_id=acks.get(t.organisation_id),
                    result=result,
                    detail=detail,
                    attempt=attempt,
                    at=now,
                    resend=resend,
                )
            )
    Delivery.objects.bulk_create(rows, batch_size=2000)
    return waiting


SEND_JOB = "yingji.warnings.jobs.send_deliveries"  # by name: the job calls these services


def _enqueue_sending(warning_id: int, run_after: dt.datetime | None = None) -> None:
    from django.utils.module_loading import import_string

    send_deliveries = import_string(SEND_JOB)
    job = send_deliveries.using(run_after=run_after) if run_after else send_deliveries
    job.enqueue(warning_id)


def _publish(
    warning: Warning, codes: list[str], orgs: list[Organisation], resend: bool = False
) -> int:
    acks = dict(warning.acks.values_list("organisation_id", "pk"))
    waiting = _deliveries(warning, codes, orgs, acks, resend)
    if waiting:
        wid = warning.pk
        transaction.on_commit(lambda: _enqueue_sending(wid))
    return waiting


def _attempts() -> int:
    return max(1, int(getattr(settings, "WARNINGS_DELIVERY_ATTEMPTS", 4)))


def _delay(attempt: int) -> dt.timedelta:
    delays = list(getattr(settings, "WARNINGS_RETRY_DELAYS", [60, 300, 900])) or [60]
    return dt.timedelta(seconds=delays[min(attempt, len(delays)) - 1])


STALE_CLAIM = dt.timedelta(minutes=10)
BATCH = 500


def _claim(warning_id: int, now: dt.datetime) -> tuple[str, list[Delivery]]:
    """Take the due rows of one warning for this run (a conditional update, so that two
    workers never send the same row); a claim older than 10 minutes (a worker that died) is
    taken over."""
    due = Q(result="pending") | Q(result="retrying", next_attempt_at__lte=now)
    due |= Q(result="sending", at__lte=now - STALE_CLAIM)
    token = uuid.uuid4().hex
    ids = list(
        Delivery.objects.filter(due, warning_id=warning_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    Delivery.objects.filter(due, pk__in=ids).update(result="sending", claim=token, at=now)
    return token, list(Delivery.objects.filter(claim=token, result="sending").order_by("pk"))


def _log_results(batch: list[Delivery], results: dict, counts: dict, failed: list) -> None:
    """Log one channel batch: rows with the same outcome are written by one UPDATE (the time
    is when the batch finished; bulk_update's per-row CASE was half of the sending time)."""
    now = timezone.now()
    groups: dict[tuple, list[int]] = {}
    for row in batch:
        ok, detail = results.get(row.pk, (False, "未知渠道"))
        row.attempt += 1
        if ok:
            row.result, row.next_attempt_at = "delivered", None
        elif row.attempt < _attempts():
            row.result, row.next_attempt_at = "retrying", now + _delay(row.attempt)
        else:
            row.result, row.next_attempt_at = "failed", None
            failed.append(row)
        row.detail = detail[:500]
        counts[row.result] += 1
        key = (row.result, row.attempt, row.detail, row.next_attempt_at)
        groups.setdefault(key, []).append(row.pk)
    for (result, attempt, detail, next_at), ids in groups.items():
        Delivery.objects.filter(pk__in=ids).update(
            result=result, attempt=attempt, detail=detail, next_attempt_at=next_at, at=now, claim=""
        )


def do_send_deliveries(*, actor=None, warning_id: int) -> dict:
    """Send the due deliveries of one warning (the job; also the CLI and tests): each channel
    sends its batch; a success is 已送达, a failure waits WARNINGS_RETRY_DELAYS and is tried
    again (a job queued for then) until WARNINGS_DELIVERY_ATTEMPTS, then 发送失败 — shown on
    the warning and recorded as one AuditEvent per run."""
    warning = Warning.objects.select_related("event_type").get(pk=warning_id)
    message = message_for(warning)
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    failed: list[Delivery] = []
    while True:
        now = timezone.now()
        token, rows = _claim(warning_id, now)
        if not rows:
            break
        by_channel: dict[str, list[Delivery]] = {}
        for row in rows:
            by_channel.setdefault(row.channel, []).append(row)
        for code, batch in by_channel.items():
            channel = channels.get(code)
            results = channel.send_batch(message, batch) if channel else {}
            _log_results(batch, results, counts, failed)
    next_due = (
        Delivery.objects.filter(warning_id=warning_id, result="retrying")
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if next_due is not None and counts["retrying"]:
        _enqueue_sending(warning_id, next_due)
    if failed:
        with transaction.atomic():
            record_event(
                "warnings.delivery_failed",
                f"预警信息“{warning.headline}”有 {len(failed)} 条发送多次失败:"
                + "、".join(f"{r.get_channel_display()}→{r.recipient}" for r in failed[:5]),
                target=warning,
                deliveries=[r.pk for r in failed[:100]],
            )
    return counts


def do_release_warning(*, actor, warning: Warning, data: ReleaseIn) -> Warning:
    """发布: give it its GB/T 35965.1 identifier, send it to every chosen channel at once,
    open an acknowledgement task per recipient organisation; an Update supersedes (and a
    Cancel ends) the message it references."""
    with transaction.atomic():
        warning = locked(Warning, warning.pk, expected_version=data.version)
        _check(actor, warning, "release")
        now = timezone.now()
        if warning.expires <= now:
            raise ValidationFailed("失效时间已过,不能发布;请修改失效时间后重新审批。")
        previous = None
        if warning.previous_id:
            previous = locked(Warning, warning.previous_id)
            if previous.shown_state != "released":
                raise InvalidTransition(
                    f"所{warning.get_msg_type_display()}的预警信息当前为“{previous.shown_state_label}”,"
                    "已不在发布状态。"
                )
        warning.sent = now
        warning.released_by = actor
        warning.state = "cancelled" if warning.msg_type == "Cancel" else "released"
        _save_with_identifier(warning, now)
        if previous is not None:
            previous.state = "cancelled" if warning.msg_type == "Cancel" else "updated"
            previous.ended_by, previous.ended_at = actor, now
            previous.save()
        orgs = recipients(warning)
        if warning.msg_type != "Cancel":
            Acknowledgement.objects.bulk_create(
                [Acknowledgement(warning=warning, organisation=o) for o in orgs]
            )
        _publish(warning, data.channels, orgs)
        record_event(
            "warnings.released",
            f"发布预警信息{_label(warning)},标识 {warning.identifier},"
            f"渠道 {len(data.channels)} 个,接收单位 {len(orgs)} 个",
            target=warning,
            identifier=warning.identifier,
            channels=data.channels,
            recipients=len(orgs),
            previous=previous.pk if previous else None,
        )
    return warning


def _successor_data(warning: Warning, **over) -> WarningIn:
    data = {
        "event_type": warning.event_type.code,
        "level": warning.level,
        "regions": list(warning.regions.values_list("code", flat=True)),
        "jurisdiction": warning.jurisdiction.code,
        "headline": warning.headline,
        "description": warning.description,
        "instruction": warning.instruction,
        "effective": warning.effective,
        "onset": warning.onset,
        "expires": warning.expires,
        "scope": warning.scope,
        "consult_at": warning.consult_at,
        "consult_participants": warning.consult_participants,
        "consult_organisations": warning.consult_organisations,
        "consult_opinions": warning.consult_opinions,
        "consult_decision": warning.consult_decision,
        "source_alarms": warning.source_alarms,
        "polygon": polygon_text(warning.polygon),
        "recipient_roles": warning.recipient_roles,
        "recipient_orgs": list(warning.recipient_orgs.values_list("code", flat=True)),
        "recipient_groups": list(warning.recipient_groups.values_list("name", flat=True)),
    }
    data.update(over)
    return WarningIn.model_validate(data)


def do_start_update(*, actor, warning: Warning, data: SubmitIn) -> Warning:
    """更新: a new draft (msgType Update) referencing the released message, prefilled from it;
    it goes through approval and, once released, supersedes the old one."""
    _check(actor, warning, "update")
    if warning.successors.exclude(state__in=("cancelled", "expired", "updated")).exists():
        raise InvalidTransition("该预警信息已有未完成的更新或解除,请先处理那一条。")
    new = Warning(
        drafted_by=actor, issuer=_issuer(actor), state="draft", msg_type="Update", previous=warning
    )
    filled = _fill(new, _successor_data(warning))
    with transaction.atomic():
        new.save()
        filled.save(new)
        record_event(
            "warnings.update_started",
            f"起草预警信息更新{_label(new)}(更新 {warning.identifier})",
            target=new,
            previous=warning.pk,
        )
        ensure_in_scope(actor, new, "add")
    return new


def do_cancel_warning(*, actor, warning: Warning, data: CancelIn) -> Warning:
    """解除: a Cancel message referencing the warning, released at once to the same channels;
    the warning becomes 已解除."""
    with transaction.atomic():
        warning = locked(Warning, warning.pk, expected_version=data.version)
        _check(actor, warning, "cancel")
        now = timezone.now()
        cancel = Warning(
            drafted_by=actor,
            issuer=_issuer(actor),
            msg_type="Cancel",
            previous=warning,
            approved_by=actor,
            approved_at=now,
            released_by=actor,
            sent=now,
            end_reason=data.reason,
        )
        filled = _fill(
            cancel,
            _successor_data(
                warning,
                headline=f"解除{warning.headline}"[:200],
                description=f"{warning.headline}已解除。解除原因:{data.reason}"[:10_000],
                effective=now,
                expires=max(warning.expires, now + dt.timedelta(hours=1)),
            ),
        )
        cancel.state = "cancelled"
        _save_with_identifier(cancel, now)
        filled.save(cancel)
        warning.state = "cancelled"
        warning.ended_by, warning.ended_at, warning.end_reason = actor, now, data.reason
        warning.save()
        orgs = [a.organisation for a in warning.acks.select_related("organisation")]
        _publish(cancel, _channels_used(warning), orgs)
        record_event(
            "warnings.cancelled",
            f"解除预警信息{_label(warning)}:{data.reason}(解除消息 {cancel.identifier})",
            target=warning,
            cancel=cancel.pk,
            identifier=cancel.identifier,
        )
    return warning


def _channels_used(warning: Warning) -> list[str]:
    used = set(warning.deliveries.values_list("channel", flat=True).distinct())
    return [c for c in RELEASE_CHANNELS if c in used] or ["platform", "mqtt"]


def do_resend_warning(*, actor, warning: Warning, data: ResendIn) -> dict:
    """重发: the warning again, on the chosen channels, to the recipient organisations that
    have not 签收 yet (per-recipient channels: only to them; a group robot or the broadcast
    topic: once, naming how many are silent). Allowed to whoever may release it."""
    with transaction.atomic():
        warning = locked(Warning, warning.pk)
        _check(actor, warning, "cancel")  # same rule and scope as release/解除, and in force
        silent = list(
            Organisation.objects.filter(
                pk__in=warning.acks.filter(state="pending").values("organisation_id")
            ).order_by("path")
        )
        if not silent:
            raise InvalidTransition("所有接收单位都已签收,无需重发。")
        waiting = _publish(warning, data.channels, silent, resend=True)
        record_event(
            "warnings.resent",
            f"向未签收的 {len(silent)} 个单位重发预警信息{_label(warning)}"
            f"(渠道 {'、'.join(str(channels.get(c).label) for c in data.channels)})",
            target=warning,
            channels=data.channels,
            organisations=[o.code for o in silent[:200]],
        )
    return {"organisations": len(silent), "waiting": waiting}


def do_expire_warnings(*, now: dt.datetime | None = None) -> dict:
    """过期: every released warning past ``expires`` (the daily job; pages already show them
    as 已过期 through Warning.shown_state)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Warning.objects.select_for_update()
            .filter(state="released", expires__lte=now)
            .values_list("pk", flat=True)
        )
        for warning in Warning.objects.filter(pk__in=ids):
            warning.state = "expired"
            warning.ended_at = warning.expires
            warning.save()
        if ids:
            record_event("warnings.expired", f"到期自动过期预警信息 {len(ids)} 条", ids=ids)
    return {"expired": len(ids)}


# --- acknowledgement -----------------------------------------------------------------------


def _ack(actor, ack: Acknowledgement, version) -> Acknowledgement:
    check_rule(actor, "warnings.acknowledge")
    ack = locked(Acknowledgement, ack.pk, expected_version=version)
    if not restrict(Acknowledgement.objects.filter(pk=ack.pk), actor, "change").exists():
        raise NotPermitted("只有接收单位的人员可以签收。")
    return ack


def do_acknowledge_warning(*, actor, ack: Acknowledgement, data: AckIn) -> Acknowledgement:
    """签收: the recipient says it has received the warning."""
    with transaction.atomic():
        ack = _ack(actor, ack, data.version)
        if ack.state != "pending":
            raise InvalidTransition("该预警已签收。")
        ack.state = "received"
        ack.received_by, ack.received_at = actor, timezone.now()
        ack.save()
        record_event(
            "warnings.acknowledged",
            f"{ack.organisation.name}签收预警信息“{ack.warning.headline}”",
            target=ack.warning,
            organisation=ack.organisation.code,
        )
    return ack


def do_report_done(*, actor, ack: Acknowledgement, data: DoneIn) -> Acknowledgement:
    """已落实: the recipient reports what it did (e.g. people moved)."""
    with transaction.atomic():
        ack = _ack(actor, ack, data.version)
        if ack.state == "pending":
            raise InvalidTransition("请先签收,再报告落实情况。")
        now = timezone.now()
        ack.state = "done"
        ack.done_by, ack.done_at, ack.note = actor, now, data.note
        ack.save()
        record_event(
            "warnings.acted",
            f"{ack.organisation.name}报告预警信息“{ack.warning.headline}”已落实",
            target=ack.warning,
            organisation=ack.organisation.code,
        )
    return ack


def _ack_from_link(token: str, *, for_update: bool = True) -> tuple[Acknowledgement, int | None]:
    ack_id, user_id = read_token(token)
    qs = Acknowledgement.objects.select_related("warning", "organisation")
    ack = (qs.select_for_update(of=("self",)) if for_update else qs).filter(pk=ack_id).first()
    if ack is None:
        raise LinkRefused("forged", "该签收链接对应的签收任务不存在。")
    return ack, user_id


def _link_user(user_id: int | None, ack: Acknowledgement):
    """The person the link was sent to, if it still is a member of the organisation."""
    from django.contrib.auth import get_user_model

    if not user_id:
        return None
    return (
        get_user_model()
        .objects.filter(
            pk=user_id,
            is_active=True,
            memberships__organisation_id=ack.organisation_id,
            memberships__is_active=True,
        )
        .first()
    )


def _link_check(ack: Acknowledgement) -> None:
    if ack.warning.shown_state != "released":
        raise InvalidTransition(
            f"预警信息已{ack.warning.shown_state_label},不再需要签收。",
            details={"state": ack.warning.shown_state},
        )


def do_acknowledge_by_link(*, actor, token: str, data: AckIn) -> Acknowledgement:
    """签收 from a personal signed link (no login): the link is the authority; the signer is
    the person it was sent to (e-mail) or, for an organisation's link (短信), nobody by name."""
    with transaction.atomic():
        ack, user_id = _ack_from_link(token)
        _link_check(ack)
        if ack.state != "pending":
            raise InvalidTransition("该预警已签收。")
        person = _link_user(user_id, ack)
        ack.state = "received"
        ack.received_by, ack.received_at = person, timezone.now()
        ack.save()
        record_event(
            "warnings.acknowledged",
            f"{ack.organisation.name}通过签收链接签收预警信息“{ack.warning.headline}”"
            + (f"({person.get_full_name() or person.username})" if person else ""),
            target=ack.warning,
            organisation=ack.organisation.code,
            via="link",
        )
    return ack


def do_report_done_by_link(*, actor, token: str, data: DoneIn) -> Acknowledgement:
    """已落实 from a personal signed link, with the note (e.g. people moved)."""
    with transaction.atomic():
        ack, user_id = _ack_from_link(token)
        _link_check(ack)
        if ack.state == "pending":
            raise InvalidTransition("请先签收,再报告落实情况。")
        person = _link_user(user_id, ack)
        ack.state = "done"
        ack.done_by, ack.done_at, ack.note = person, timezone.now(), data.note
        ack.save()
        record_event(
            "warnings.acted",
            f"{ack.organisation.name}通过签收链接报告预警信息“{ack.warning.headline}”已落实",
            target=ack.warning,
            organisation=ack.organisation.code,
            via="link",
        )
    return ack


# --- CAP import ----------------------------------------------------------------------------


def _imported_fields(info: dict, now: dt.datetime) -> dict:
    def when(name, default=None):
        return cap.parse_cap_time(info[name]) if info.get(name) else default

    codes = [v for n, v in (g for a in info["areas"] for g in a["geocodes"])]
    regions = list(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    if not regions:
        raise ValidationFailed(
            "CAP 消息的 geocode 中没有本市的行政区划代码,无法确定影响区域。",
            details={"field": "geocode"},
        )
    event = EventType.objects.filter(name=info["event"], active=True).first()
    if event is None:
        raise ValidationFailed(
            f"事件“{info['event']}”不在事件类型表中,请管理员先添加。", details={"field": "event"}
        )
    level = cap.level_for_severity(info["severity"])
    if level is None:
        raise ValidationFailed("CAP 消息的 severity 为 Unknown,无法确定预警级别。")
    effective = when("effective", now)
    return {
        "event_type": event.code,
        "level": level,
        "regions": regions,
        "headline": (info.get("headline") or f"{info['event']}预警")[:200],
        "description": info.get("description") or info.get("headline") or info["event"],
        "instruction": info.get("instruction") or "",
        "effective": effective,
        "onset": when("onset"),
        "expires": when("expires", effective + dt.timedelta(hours=24)),
    }


def do_import_cap(*, actor, data: bytes) -> Warning:
    """外部预警: a CAP 1.2 message (from the meteorological or hydrological service) becomes a
    draft of our own (origin CAP, its sender and identifier kept); a resend of the same
    identifier is refused as a duplicate; an Update/Cancel is linked to the imported message it
    references. The XML is read by yingji.standards.cap.parse_alert (no DTD, no entities)."""
    check_rule(actor, "warnings.import_cap")
    try:
        alert = cap.parse_alert(data)
    except cap.CapError as exc:
        raise ValidationFailed(
            "CAP 消息无效:" + ";".join(exc.problems[:10]), details={"problems": exc.problems}
        ) from exc
    if Warning.objects.filter(external_identifier=alert["identifier"]).exists():
        raise ConflictError(
            f"CAP 消息“{alert['identifier']}”已导入过(重复发送),未再次导入。", code="duplicate"
        )
    if not alert["info"]:
        raise ValidationFailed("CAP 消息没有 info 段,无法生成预警信息。")
    info = next((i for i in alert["info"] if i.get("language", "").startswith("zh")), None)
    info = info or alert["info"][0]
    previous = None
    if alert["msgType"] in ("Update", "Cancel"):
        refs = [i for _s, i, _t in cap.parse_references(alert["references"])]
        previous = Warning.objects.filter(external_identifier__in=refs).order_by("-pk").first()
    fields = _imported_fields(info, timezone.now())
    body = WarningIn.model_validate(
        {
            **fields,
            "scope": "public" if alert["scope"] == "Public" else "internal",
            "consult_decision": f"外部预警:{alert['sender']} 发布({alert['identifier']})",
        }
    )
    warning = Warning(
        drafted_by=actor,
        issuer=_issuer(actor),
        origin="cap",
        external_sender=alert["sender"][:200],
        external_identifier=alert["identifier"][:200],
        msg_type=alert["msgType"] if previous else "Alert",
        previous=previous,
    )
    filled = _fill(warning, body)
    with transaction.atomic():
        if previous is not None and previous.state in ("draft", "submitted", "approved"):
            # not released by us yet: the newer external message replaces (or ends) it
            previous.state = "cancelled" if alert["msgType"] == "Cancel" else "updated"
            previous.ended_by, previous.ended_at = actor, timezone.now()
            previous.end_reason = f"外部预警 {alert['identifier']} {alert['msgType']}"
            previous.save()
            warning.msg_type = "Cancel" if alert["msgType"] == "Cancel" else "Alert"
            warning.previous = None if alert["msgType"] == "Update" else previous
            if alert["msgType"] == "Cancel":
                warning.state = "cancelled"
        warning.save()
        filled.save(warning)
        record_event(
            "warnings.cap_imported",
            f"导入外部预警(CAP){_label(warning)},来源 {alert['sender']},标识 {alert['identifier']}",
            target=warning,
            identifier=alert["identifier"],
            msg_type=alert["msgType"],
            previous=previous.pk if previous else None,
        )
        ensure_in_scope(actor, warning, "add")
    return warning


STATE_NAMES = STATE_LABELS  # re-exported for the views
