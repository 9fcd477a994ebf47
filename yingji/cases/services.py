"""Recording cases, one at a time or from an Excel list (all rows or none)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from yingji.core.audit import record_event
from yingji.core.errors import ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope
from yingji.geo.models import Region
from yingji.standards.accidents import accident_grade

from .models import Case
from .schemas import AccidentCaseIn


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
        "causes": data.causes,
        "lessons": data.lessons,
        "tags": list(dict.fromkeys(t for t in data.tags if t)),
        "source": data.source,
    }


def do_record_case(*, actor, data: AccidentCaseIn) -> Case:
    """Add a case to the library; its grade is computed from the casualties and the loss."""
    check_rule(actor, "cases.write")
    fields = _fields(data)
    if Case.objects.filter(code=data.code).exists():
        raise ValidationFailed(f"案例编号“{data.code}”已存在。", details={"field": "code"})
    with transaction.atomic():
        case = Case.objects.create(**fields)
        record_event(
            "cases.case.recorded",
            f"录入事故案例“{case.title}”({case.get_grade_display()})",
            target=case,
        )
        ensure_in_scope(actor, case)
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
