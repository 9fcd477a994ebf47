"""一企一册 / 一矿一册 (T16): per enterprise an Excel workbook and a Word document with its profile,
licences, 安责险, responsibility list, major hazard units, diagnoses and risk points. Built from
records the user may see (the caller passes an enterprise fetched through restrict())."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Font

from yingji.core.cells import docx_text, xlsx_row
from yingji.core.permissions import restrict


def _sections(ent, user) -> list[tuple[str, list[str], list[list]]]:
    profile = [
        ["企业名称", ent.name],
        ["统一社会信用代码", ent.uscc],
        ["所在县区", ent.region.name],
        ["地址", ent.address],
        ["行业类别", ent.get_sector_display()],
        ["规模 / 从业人员", f"{ent.get_scale_display()} / {ent.employees}人"],
        ["经营状态", ent.get_status_display()],
        ["法定代表人", ent.legal_representative],
        ["主要负责人", f"{ent.principal} {ent.principal_phone}"],
        ["安全管理联系人", f"{ent.safety_contact} {ent.safety_phone}"],
        ["坐标(WGS84)", f"{ent.lon}, {ent.lat}"],
        ["监管层级", f"{ent.get_tier_display()}({ent.tier_override_reason or ent.tier_reason})"],
        ["最高重大危险源级别", ent.major_hazard_grade or "不构成"],
    ]
    risk = getattr(ent, "risk", None)
    profile.append(
        ["风险等级", f"{risk.get_colour_display() if risk and risk.colour else '未评估'}"]
    )
    profile.append(["风险等级依据", risk.reason if risk else ""])
    licences = [
        [lic.get_kind_display(), lic.number, lic.issuer, lic.valid_until, lic.void_reason]
        for lic in restrict(ent.licences.all(), user)
    ]
    policies = [
        [p.insurer, p.policy_number, f"{p.starts_on}—{p.ends_on}", p.insured_amount]
        for p in restrict(ent.policies.all(), user)
    ]
    duties = [
        [r.position, r.holder, r.duties]
        for r in restrict(ent.responsibilities.filter(is_active=True), user)
    ]
    units = []
    for u in restrict(ent.hazard_units.filter(status="active"), user):
        chems = "、".join(f"{c.substance} {c.q_t}t" for c in u.chemicals.all())
        units.append(
            [
                u.name,
                u.get_kind_display(),
                chems,
                u.S,
                u.R if u.R is not None else "",
                u.grade or "不构成",
            ]
        )
    diagnoses = [
        [
            d.assessed_on,
            d.score,
            d.get_colour_display(),
            d.next_due,
            d.get_state_display(),
        ]
        for d in restrict(ent.diagnoses.all(), user)
    ]
    points = [
        [p.name, p.method, p.value, p.get_colour_display(), p.controls, p.responsible]
        for p in restrict(ent.risk_points.filter(status="active"), user)
    ]
    return [
        ("基本信息", ["项目", "内容"], profile),
        ("证照", ["类别", "证号", "发证机关", "有效期至", "作废原因"], licences),
        ("安责险", ["保险机构", "保单号", "保险期间", "保险金额(万元)"], policies),
        ("责任清单", ["岗位", "责任人", "职责"], duties),
        ("重大危险源", ["单元", "类型", "危险化学品", "S", "R", "级别"], units),
        ("评估诊断", ["评估日期", "得分", "风险等级", "下次评估期限", "状态"], diagnoses),
        ("风险点", ["风险点", "方法", "D/R", "风险等级", "管控措施", "责任人"], points),
    ]


def ledger_xlsx(ent, user) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in _sections(ent, user):
        ws = wb.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(xlsx_row(ws, row))
            for cell, value in zip(ws[ws.max_row], row, strict=True):
                if isinstance(value, datetime.date):
                    cell.value, cell.number_format = value, "yyyy-mm-dd"  # a real date
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 40
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _a4(doc) -> None:
    """A4 portrait with the margins of the platform's other Word documents."""
    from docx.shared import Cm

    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2.54)
        section.left_margin = section.right_margin = Cm(2.8)


def ledger_docx(ent, user) -> bytes:
    doc = Document()
    _a4(doc)
    doc.add_heading(f"{ent.name} 安全风险管控档案(一企一册)", level=1)
    doc.add_paragraph(f"生成时间:{timezone.localtime():%Y年%m月%d日 %H:%M}")
    for title, header, rows in _sections(ent, user):
        doc.add_heading(title, level=2)
        if not rows:
            doc.add_paragraph("无")
            continue
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = docx_text(value)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
