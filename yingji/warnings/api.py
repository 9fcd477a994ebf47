"""预警信息 in the API: draft, the workflow steps, the warning with its messages, deliveries and
acknowledgements, CAP XML out, CAP import, acknowledging, the map layer."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from yingji.core.api import page
from yingji.core.errors import InvalidTransition, ValidationFailed
from yingji.core.permissions import get_restricted_or_404
from yingji.core.schemas import FeatureCollection, file_response

from . import selectors, services
from .capxml import cap_xml
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
)

router = Router(tags=["预警信息发布"])


class DeliveryOut(Schema):
    id: int
    channel: str
    channel_label: str
    recipient: str
    organisation: str | None
    result: str
    result_label: str
    detail: str
    attempt: int
    at: dt.datetime
    next_attempt_at: dt.datetime | None
    resend: bool

    @staticmethod
    def resolve_channel_label(obj):
        return obj.get_channel_display()

    @staticmethod
    def resolve_result_label(obj):
        return obj.get_result_display()

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.code if obj.organisation_id else None


class ResendOut(Schema):
    organisations: int
    waiting: int


class AckOut(Schema):
    id: int
    warning: int
    organisation: str
    organisation_name: str
    state: str
    received_at: dt.datetime | None
    done_at: dt.datetime | None
    note: str
    version: int

    @staticmethod
    def resolve_warning(obj):
        return obj.warning_id

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.code

    @staticmethod
    def resolve_organisation_name(obj):
        return obj.organisation.name


class CoverageOut(Schema):
    total: int
    received: int
    done: int
    pending: int
    received_rate: int
    done_rate: int


class RegionCoverageOut(Schema):
    code: str
    name: str
    total: int
    received: int
    done: int
    pending: int


class MessageRefOut(Schema):
    id: int
    identifier: str | None
    msg_type: str
    state: str


class WarningOut(Schema):
    id: int
    identifier: str | None
    msg_type: str
    state: str
    state_label: str
    origin: str
    external_sender: str
    external_identifier: str
    event_type: str
    event_type_name: str
    level: str
    level_label: str
    jurisdiction: str
    regions: list[str]
    headline: str
    description: str
    instruction: str
    effective: dt.datetime
    onset: dt.datetime | None
    expires: dt.datetime
    scope: str
    consult_at: dt.datetime | None
    consult_participants: str
    consult_organisations: str
    consult_opinions: str
    consult_decision: str
    source_alarms: list[int]
    polygon: str
    recipient_roles: list[str]
    recipient_orgs: list[str]
    recipient_groups: list[str]
    previous: int | None
    sent: dt.datetime | None
    version: int

    @staticmethod
    def resolve_polygon(obj):
        """CAP polygon text ("lat,lon" pairs, closed), empty when none was drawn."""
        return services.polygon_text(obj.polygon)

    @staticmethod
    def resolve_recipient_orgs(obj):
        return [o.code for o in obj.recipient_orgs.all()]

    @staticmethod
    def resolve_recipient_groups(obj):
        return [g.name for g in obj.recipient_groups.all()]

    @staticmethod
    def resolve_state(obj):
        return obj.shown_state

    @staticmethod
    def resolve_state_label(obj):
        return obj.shown_state_label

    @staticmethod
    def resolve_event_type(obj):
        return obj.event_type.code

    @staticmethod
    def resolve_event_type_name(obj):
        return obj.event_type.name

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction.code

    @staticmethod
    def resolve_regions(obj):
        return sorted(r.code for r in obj.regions.all())

    @staticmethod
    def resolve_previous(obj):
        return obj.previous_id


class WarningDetailOut(WarningOut):
    messages: list[MessageRefOut]
    deliveries: list[DeliveryOut]
    failing_deliveries: list[DeliveryOut]
    coverage: CoverageOut
    coverage_by_region: list[RegionCoverageOut]

    @staticmethod
    def resolve_messages(obj):
        return [
            {"id": m.pk, "identifier": m.identifier, "msg_type": m.msg_type, "state": m.shown_state}
            for m in selectors.chain(obj)
        ]

    @staticmethod
    def resolve_deliveries(obj, context):
        return selectors.deliveries_of(context["request"].user, obj).select_related("organisation")

    @staticmethod
    def resolve_failing_deliveries(obj, context):
        """发送失败 (every attempt failed) and 待重试 deliveries."""
        return selectors.failing_deliveries(context["request"].user, obj).select_related(
            "organisation"
        )

    @staticmethod
    def resolve_coverage(obj):
        return selectors.coverage(obj)

    @staticmethod
    def resolve_coverage_by_region(obj):
        """签收/落实 per county, most silent first."""
        return selectors.coverage_by_region(obj)


class RecipientOut(Schema):
    organisation: str
    organisation_name: str
    kind: str
    reasons: list[str]


class RecipientsOut(Schema):
    total: int
    hidden: int
    by_reason: dict[str, int]
    items: list[RecipientOut]


def _get(request, warning_id: int, action: str = "view"):
    return get_restricted_or_404(
        selectors.visible_warnings(request.user), request.user, action, pk=warning_id
    )


@router.get("/warnings", response=list[WarningOut])
def list_warnings(
    request,
    response: HttpResponse,
    state: str | None = None,
    level: str | None = None,
    in_force: bool = False,
    limit: int | None = None,
    offset: int = 0,
):
    qs = selectors.visible_warnings(request.user).prefetch_related("regions")
    if state:
        qs = qs.filter(state=state[:20])
    if level:
        qs = qs.filter(level=level[:10])
    if in_force:
        qs = selectors.in_force(qs)
    return page(qs, response, limit, offset)


@router.post("/warnings", response={201: WarningDetailOut})
def draft_warning(request, payload: WarningIn):
    return Status(201, services.do_draft_warning(actor=request.user, data=payload))


@router.get("/warnings/geojson", response=FeatureCollection)
def warnings_geojson(request, district: str | None = None):
    return selectors.features(request.user, {"district": (district or "")[:10]})


@router.get("/warnings/acks", response=list[AckOut])
def my_acks(request, response: HttpResponse, limit: int | None = None, offset: int = 0):
    """The acknowledgement tasks of the user's organisations (待签收 first)."""
    from yingji.core.permissions import scope_of

    qs = (
        selectors.visible_acks(request.user)
        .filter(organisation_id__in=scope_of(request.user).org_ids)
        .order_by("state", "-pk")
    )
    return page(qs, response, limit, offset)


@router.post("/warnings/cap", response={201: WarningDetailOut})
def import_cap(request, file: File[UploadedFile]):
    """导入外部预警: a CAP 1.2 XML file (multipart, field ``file``, at most 1 MB)."""
    if file.size > 1_000_000:
        raise ValidationFailed("文件过大(超过 1000 KB)。", details={"field": "file"})
    return Status(201, services.do_import_cap(actor=request.user, data=file.read()))


@router.get("/warnings/{warning_id}", response=WarningDetailOut)
def get_warning(request, warning_id: int):
    return _get(request, warning_id)


@router.put("/warnings/{warning_id}", response=WarningDetailOut)
def edit_warning(request, warning_id: int, payload: WarningIn):
    return services.do_edit_warning(
        actor=request.user, warning=_get(request, warning_id), data=payload
    )


@router.post("/warnings/{warning_id}/submit", response=WarningDetailOut)
def submit_warning(request, warning_id: int, payload: SubmitIn):
    return services.do_submit_warning(
        actor=request.user, warning=_get(request, warning_id), data=payload
    )


@router.post("/warnings/{warning_id}/approve", response=WarningDetailOut)
def approve_warning(request, warning_id: int, payload: ApproveIn):
    return services.do_approve_warning(
        actor=request.user, warning=_get(request, warning_id), data=payload
    )


@router.post("/warnings/{warning_id}/return", response=WarningDetailOut)
def return_warning(request, warning_id: int, payload: ReturnIn):
    return services.do_return_warning(
        actor=request.user, warning=_get(request, warning_id), data=payload
    )


@router.post("/warnings/{warning_id}/release", response=WarningDetailOut)
def release_warning(request, warning_id: int, payload: ReleaseIn):
    return services.do_release_warning(
        actor=request.user, warning=_get(request, warning_id), data=payload
    )


@router.post("/warnings/{warning_id}/update", response={201: WarningDetailOut})
def update_warning(request, warning_id: int, payload: SubmitIn):
    """更新: a new draft (msgType Update) referencing the released warning."""
    return Status(
        201,
        services.do_start_update(
            actor=request.user, warning=_get(request, warning_id), data=payload
        ),
    )


@router.post("/warnings/{warning_id}/cancel", response=WarningDetailOut)
def cancel_warning(request, warning_id: int, payload: CancelIn):
    return services.do_cancel_warning(
        actor=request.user, warning=_get(request, warning_id), data=payload
    )


@router.post("/warnings/{warning_id}/resend", response=ResendOut)
def resend_warning(request, warning_id: int, payload: ResendIn):
    """重发 to the recipient organisations that have not 签收 yet."""
    return services.do_resend_warning(
        actor=request.user, warning=_get(request, warning_id), data=payload
    )


@router.get("/warnings/{warning_id}/recipients", response=RecipientsOut)
def warning_recipients(request, warning_id: int):
    """The resolved recipient list before release (draft, submitted, approved): every
    organisation that will be asked to acknowledge, with why (影响区域, 角色, 指定, 分组); an
    organisation the caller may not see is counted in ``hidden``, not named. After release the
    recipients are the acknowledgements (``/acks``)."""
    w = _get(request, warning_id)
    preview = selectors.recipient_preview(request.user, w, limit=5000)
    if preview is None:
        raise InvalidTransition("该预警信息已发布或已结束:接收单位见签收情况(/acks)。")
    return {
        "total": preview["total"],
        "hidden": preview["hidden"],
        "by_reason": dict(preview["by_reason"]),
        "items": [
            {
                "organisation": o.code,
                "organisation_name": o.name,
                "kind": o.kind,
                "reasons": why,
            }
            for o, why in preview["rows"]
        ],
    }


@router.get("/warnings/{warning_id}/acks", response=list[AckOut])
def warning_acks(
    request, warning_id: int, response: HttpResponse, limit: int | None = None, offset: int = 0
):
    w = _get(request, warning_id)
    return page(selectors.visible_acks(request.user).filter(warning=w), response, limit, offset)


@router.get("/warnings/{warning_id}/cap.xml", openapi_extra=file_response("xml", "CAP 1.2 XML"))
def warning_cap(request, warning_id: int):
    w = _get(request, warning_id)
    if not w.identifier:
        raise ValidationFailed("该预警信息尚未发布,没有 CAP 消息。")
    return HttpResponse(cap_xml(w), content_type="application/xml; charset=utf-8")


@router.post("/warnings/acks/{ack_id}/acknowledge", response=AckOut)
def acknowledge(request, ack_id: int, payload: AckIn):
    ack = get_restricted_or_404(selectors.visible_acks(request.user), request.user, pk=ack_id)
    return services.do_acknowledge_warning(actor=request.user, ack=ack, data=payload)


@router.post("/warnings/acks/{ack_id}/done", response=AckOut)
def report_done(request, ack_id: int, payload: DoneIn):
    ack = get_restricted_or_404(selectors.visible_acks(request.user), request.user, pk=ack_id)
    return services.do_report_done(actor=request.user, ack=ack, data=payload)
