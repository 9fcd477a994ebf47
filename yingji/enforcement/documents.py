"""责令限期整改指令书 (.docx, python-docx): the enterprise, the findings to rectify, the deadline,
the officers and their certificate numbers, the 复查 window."""

from __future__ import annotations

import io

from yingji.core.cells import docx_text


def rectification_order_docx(order, *, authority: str, enterprise: str, reinspect_by) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run(docx_text(authority)).bold = True
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("责令限期整改指令书").bold = True
    doc.add_paragraph(f"文书编号:{docx_text(order.number)}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(f"{docx_text(enterprise)}:")
    doc.add_paragraph(
        f"经查,你单位存在下列问题。依据《中华人民共和国安全生产法》第六十五条的规定,现责令你单位于"
        f"{order.deadline:%Y年%m月%d日}前整改完毕,达到有关法律法规规章和标准规定的要求。"
        "整改期间,应当采取措施保证安全。"
    )
    for n, item in enumerate(order.items, 1):
        doc.add_paragraph(f"{n}. {docx_text(item.get('description', ''))}")
    doc.add_paragraph(f"整改期限:{order.deadline:%Y年%m月%d日}")
    doc.add_paragraph(
        f"我单位将于整改期限届满后(至{reinspect_by:%Y年%m月%d日}前)进行复查。"
        "逾期未整改或整改不合格的,将依法处理。"
    )
    officers = "、".join(f"{o.name}(执法证号{o.certificate_no})" for o in order.officers.all())
    doc.add_paragraph(f"执法人员:{docx_text(officers)}")
    doc.add_paragraph(
        f"下达日期:{order.issued_on:%Y年%m月%d日}"
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("被检查单位负责人(签收):                日期:")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
