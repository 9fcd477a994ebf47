"""Recording cases, one at a time or from an Excel list (all rows or none)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import NotPermitted, ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope, restrict
from yingji.core.services import add_attachment, locked
from yingji.core.uploads import read_upload
from yingji.geo.models import Region
from yingji.standards.accidents import accident_grade

from .choices import INDUSTRY_LABELS, sectors_of
from .models import Case, PushReceipt, WarningPush
from .schemas import AccidentCaseIn, CasePushIn


def _fields(data: AccidentCaseIn) -> dict:
    region = None
    if data.region:
        region = Region.objects.filter(code=data.region).first()
        if region is None:
            raise ValidationFailed(f"县区编码“{data.region}”不存在。", details={"field": "region"})
    loss = (data.direct_loss_wan * Decimal(10_000)).quantize(Decimal("0.01"))
    return {
        "code": data.code,
        "title": data.title,
        "occurred_on": data.occurred_on,
        "region_code": region.code if region else "",
        "region_name": region.name if region else "",
        "place": data.place,
        "industry": data.industry,
        "accident_type": data.accident_type,
        "deaths": data.deaths,
        "serious_injuries": data.serious_injuries,
        "injuries": data.injuries,
        "direct_loss": loss,
        "grade": accident_grade(data.deaths, data.serious_injuries, loss),
        "narrative": data.narrative,
        "direct_causes": data.direct_causes,
        "indirect_causes": data.indirect_causes,
        "lessons": data.lessons,
        "responsibility": data.responsibility,
        "measures": data.measures,
        "enterprise_kind": data.enterprise_kind,
        "tags": list(dict.fromkeys(t for t in data.tags if t)),
        "source": data.source,
    }


def _keep_report(actor, case: Case, document) -> None:
    """Attach the investigation report to the case (inside the caller's transaction)."""
    case.source_document = add_attachment(
        actor=actor, target=case, upload=document, description="事故调查报告原件"
    )
    case.save(update_fields=["source_document"])


def do_record_case(*, actor, data: AccidentCaseIn, source_event=None, source_document=None) -> Case:
    """Add a case to the library; its grade is computed from the casualties and the loss.
    ``source_event``: the closed response event (#12) it is made from (one case per event);
    ``source_document``: the investigation report (.docx/.pdf) it was read from, kept on it."""
    check_rule(actor, "cases.write")
    fields = _fields(data)
    if Case.objects.filter(code=data.code).exists():
        raise ValidationFailed(f"案例编号“{data.code}”已存在。", details={"field": "code"})
    if source_event is not None:
        if source_event.state != "closed":
            raise ValidationFailed("只有已终报(已结束)的事件可以转为案例。")
        if Case.objects.filter(source_event=source_event).exists():
            raise ValidationFailed(f"事件“{source_event.title}”已转为案例。")
        fields["source_event"] = source_event
    with transaction.atomic():
        case = Case.objects.create(**fields)
        if source_document is not None:
            _keep_report(actor, case, source_document)
        record_event(
            "cases.case.recorded",
            f"录入事故案例“{case.title}”({case.get_grade_display()})"
            + (f",来自事件{source_event.number}" if source_event is not None else "")
            + (f",附调查报告“{case.source_document}”" if source_document is not None else ""),
            target=case,
        )
        ensure_in_scope(actor, case)
    return case


def do_attach_source_document(*, actor, case: Case, upload) -> Case:
    """Give a case its investigation report (.docx/.pdf) later, or replace it: the earlier
    report stays among the case's attachments; the case points at the new one."""
    check_rule(actor, "cases.write")
    if not restrict(Case.objects.filter(pk=case.pk), actor, "change").exists():
        raise NotPermitted("您无权修改该案例。")
    read_upload(upload, extensions=(".docx", ".pdf"))  # size, type and leading bytes
    with transaction.atomic():
        case = locked(Case, case.pk)
        before = case.source_document
        _keep_report(actor, case, upload)
        record_event(
            "cases.case.source_document",
            f"为事故案例“{case.title}”上传调查报告原件“{case.source_document}”"
            + (f"(替换“{before}”)" if before is not None else ""),
            target=case,
        )
        ensure_in_scope(actor, case, "change")
    return case


def do_import_cases(*, actor, rows: list[tuple[int, AccidentCaseIn]], file_name: str) -> list[Case]:
    """Import the rows of a checked Excel list: every row is validated first; one bad row (or a
    code already in the library or twice in the file) imports nothing and says which row."""
    check_rule(actor, "cases.write")
    problems, prepared, seen = [], [], set()
    existing = set(
        Case.objects.filter(code__in=[d.code for _, d in rows]).values_list("code", flat=True)
    )
    for row, data in rows:
        if data.code in existing or data.code in seen:
            problems.append(f"第{row}行:案例编号“{data.code}”已存在")
            continue
        seen.add(data.code)
        try:
            prepared.append(_fields(data))
        except ValidationFailed as exc:
            problems.append(f"第{row}行:{exc.message}")
    if problems:
        raise ValidationFailed(
            "导入未进行(没有写入任何案例):" + ";".join(problems[:20]),
            details={"rows": problems},
        )
    if not prepared:
        raise ValidationFailed("文件中没有案例。")
    with transaction.atomic():
        cases = [Case.objects.create(**fields) for fields in prepared]
        record_event("cases.case.imported", f"从“{file_name}”导入事故案例 {len(cases)} 条")
    return cases


# --- 警示教育 -------------------------------------------------------------------------------


def do_push_case(*, actor, case: Case, data: CasePushIn) -> WarningPush:
    """Push a case to the operating enterprises of an industry in a county (those the actor
    sees): one receipt each, which the enterprise marks read."""
    from yingji.enterprises.selectors import visible_enterprises

    check_rule(actor, "cases.push")
    region = Region.objects.filter(code=data.region).first()
    if region is None:
        raise ValidationFailed(f"县区编码“{data.region}”不存在。", details={"field": "region"})
    targets = list(
        visible_enterprises(actor)
        .filter(
            sector__in=sectors_of(data.industry),
            region__path__startswith=region.path,
            status="operating",
        )
        .order_by("pk")
    )
    if not targets:
        raise ValidationFailed(
            f"{region.name}没有{INDUSTRY_LABELS[data.industry]}行业的在营企业,未推送。",
            details={"field": "industry"},
        )
    with transaction.atomic():
        push = WarningPush.objects.create(
            case=case,
            industry=data.industry,
            region=region,
            message=data.message,
            pushed_at=timezone.now(),
            pushed_by=actor,
        )
        for ent in targets:
            PushReceipt.objects.create(push=push, enterprise=ent)
        record_event(
            "cases.case.pushed",
            f"警示教育:向{region.name}{INDUSTRY_LABELS[data.industry]}行业 {len(targets)} 家企业"
            f"推送案例“{case.title}”",
            target=case,
        )
        ensure_in_scope(actor, push, "add")
    return push


def do_read_receipt(*, actor, receipt: PushReceipt) -> PushReceipt:
    """已阅: the enterprise marks its copy read (once; again changes nothing)."""
    if not restrict(PushReceipt.objects.filter(pk=receipt.pk), actor, "change").exists():
        raise NotPermitted("只有收到推送的企业可以签收。")
    if receipt.read_at is not None:
        return receipt
    with transaction.atomic():
        receipt = locked(PushReceipt, receipt.pk)
        if receipt.read_at is None:
            receipt.read_at = timezone.now()
            receipt.read_by = actor
            receipt.save(update_fields=["read_at", "read_by"])
            record_event(
                "cases.push.read", f"{receipt.enterprise}已阅警示教育案例", target=receipt.push
            )
    return receipt
