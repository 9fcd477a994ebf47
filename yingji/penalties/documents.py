"""The 行政处罚决定书 (.docx, python-docx) with the contents 第五十九条 requires: the party,
the facts and evidence, the kind and basis of the penalty, the manner and time of performance,
the remedies, the authority and the date. Text goes through core.cells.docx_text."""

from __future__ import annotations

import io

from yingji.core.cells import docx_text
from yingji.standards import penalty_procedure as pp


def _para(document, label: str, value: str) -> None:
    p = document.add_paragraph()
    p.add_run(docx_text(label)).bold = True
    p.add_run(docx_text(value))


def decision_docx(case) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    title = document.add_heading(docx_text(f"{case.authority.name}\n行政处罚决定书"), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = document.add_paragraph(docx_text(case.decision_number))
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    party = case.party_name + (f"(地址:{case.party_address})" if case.party_address else "")
    if case.enterprise_id and case.enterprise.uscc:
        party += f",统一社会信用代码:{case.enterprise.uscc}"
    _para(document, "当事人:", party)  # 第五十九条第一款第(一)项
    _para(document, "案由:", case.cause)
    _para(document, "违法事实:", case.facts)  # (二)
    evidence = "；".join(
        f"{e.number}. {e.get_kind_display()}《{e.title}》({e.recorded_by},{e.recorded_on:%Y年%m月%d日})"
        for e in case.evidence.all()
    )
    _para(document, "证据:", evidence or "—")
    _para(document, "违反的规定:", case.violated)
    if case.statement_on or case.statement_waived:
        said = "当事人书面放弃陈述申辩。" if case.statement_waived else case.statement_text
        _para(document, "当事人陈述申辩及复核:", f"{said} {case.statement_adopted}".strip())
    if case.hearing_on:
        _para(document, "听证:", f"{case.hearing_on:%Y年%m月%d日}举行听证。")
    kinds = "、".join(pp.PENALTY_LABELS.get(k, k) for k in case.decided_kinds)
    _para(document, "处罚依据:", case.basis)  # (三)
    _para(document, "处罚种类及内容:", f"{kinds}。{case.decision_text}")
    if case.decided_fine:
        manner = (
            f"罚款人民币 {case.decided_fine:,.2f} 元,当事人应当自收到本决定书之日起十五日内"
            "缴至指定银行或者通过电子支付系统缴纳(《行政处罚法》第六十七条)。到期不缴纳的,"
            "每日按罚款数额的百分之三加处罚款(第七十二条)。"
        )
    else:
        manner = "当事人应当自收到本决定书之日起履行上述处罚决定。"
    _para(document, "履行方式和期限:", manner)  # (四)
    _para(document, "救济途径和期限:", pp.REMEDY_TEXT)  # (五)
    document.add_paragraph("")
    sign = document.add_paragraph(
        docx_text(f"{case.authority.name}\n{case.decided_on:%Y年%m月%d日}")  # (六)
    )
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
