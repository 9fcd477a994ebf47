""".docx documents of 值班与应急响应 (python-docx): an event's 信息报告 (首报/续报/终报…, in the
order of the contents 国务院令第493号 第十二条 requires, with the 续报 cadence of 原安监总局令第21号
on the sheet) and a shift's 值班日志/交接班 sheet. Text goes through core.cells.docx_text."""

from __future__ import annotations

import io

from django.utils import timezone

from yingji.core.cells import docx_text
from yingji.standards import accidents

from .models import DutyShift, Event, EventReport, Release

ISSUER = "兰州市应急管理局"


def _document():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2.54)
        section.left_margin = section.right_margin = Cm(2.8)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
    return doc


def _centered(doc, text: str, size: int = 22, bold: bool = True):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    run = paragraph.add_run(docx_text(text))
    run.bold, run.font.size = bold, Pt(size)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _para(doc, text: str, bold_lead: str = ""):
    paragraph = doc.add_paragraph()
    if bold_lead:
        paragraph.add_run(docx_text(bold_lead)).bold = True
    paragraph.add_run(docx_text(text))
    return paragraph


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日%H时%M分") if value else "—"


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _figures_text(figures: dict) -> str:
    f = {k: figures.get(k, 0) for k in ("deaths", "missing", "serious_injuries", "minor_injuries")}
    loss = figures.get("loss_yuan") or 0
    text = (
        f"死亡{f['deaths']}人,失踪(下落不明){f['missing']}人,重伤(含急性工业中毒)"
        f"{f['serious_injuries']}人,轻伤{f['minor_injuries']}人"
    )
    extra = [
        f"{label}{figures.get(key, 0)}人"
        for key, label in (("trapped", "被困"), ("endangered", "涉险"), ("evacuated", "疏散"))
        if figures.get(key)
    ]
    if extra:
        text += "," + ",".join(extra)
    return text + f";初步估计直接经济损失{loss}元。"


def event_report_docx(event: Event, report: EventReport | None = None) -> bytes:
    """The 信息报告 of one report (or, without one, a draft of the next report from the event's
    current facts): heading, 签发, then the six items of 493号令 第十二条 in order."""
    doc = _document()
    kind = report.get_kind_display() if report else "信息报告(草稿)"
    seq = f"(第{report.seq}报)" if report else ""
    figures = (
        report.figures
        if report
        else {
            **{k: getattr(event, k) for k in ("deaths", "missing", "serious_injuries")},
            "minor_injuries": event.minor_injuries,
            "trapped": event.trapped,
            "endangered": event.endangered,
            "evacuated": event.evacuated,
            "loss_yuan": str(event.loss_yuan),
        }
    )
    _centered(doc, "突发事件信息报告", size=22)
    _centered(doc, f"{kind}{seq}", size=16, bold=False)
    _para(
        doc,
        f"{ISSUER}    签发人:{(report.signed_off_by if report else '') or '________'}    "
        f"报送时间:{_when(report.submitted_at if report else None)}",
    )
    _para(doc, report.reported_to if report else "________", bold_lead="报送:")
    _centered(doc, f"关于{event.title}的{kind}", size=16)
    unit = (
        event.enterprise.organisation.name
        if event.enterprise_id
        else f"事发地:{event.region.name}{event.place}"
    )
    grade = event.grade_text if event.grade or event.near_miss else "尚未定级"
    items = {
        "unit": f"{unit}。事件类型:{event.event_type}。",
        "time_place": (
            f"{_when(event.occurred_at)},在{event.region.name}{event.place}发生{event.title}。"
            f"接报时间:{_when(event.received_at)}({event.get_channel_display()}"
            f"{',报告人' + event.reporter if event.reporter else ''})。"
        ),
        "course": event.description,
        "casualties": _figures_text(figures) + f"初步定级:{grade}。",
        "measures": event.measures or "—",
        "other": (report.content if report else "—"),
    }
    for n, (key, label) in enumerate(accidents.REPORT_CONTENTS, start=1):
        _para(doc, items[key], bold_lead=f"{_cn(n)}、{label}:")
    if event.response_state != "none":
        _para(
            doc,
            f"{event.get_response_state_display()}({event.get_response_level_display() or '—'})",
            bold_lead="应急响应:",
        )
    _para(
        doc,
        "报告内容依《生产安全事故报告和调查处理条例》(国务院令第493号)第十二条;"
        "续报按《生产安全事故信息报告和处置办法》(原安监总局令第21号)每日至少一次"
        "(重大、特别重大事故每日至少两次),直至终报。",
    ).runs[0].italic = True
    _para(
        doc,
        f"值班电话:{_duty_phone()}    报告人:{_person(report.submitted_by if report else None)}",
    )
    return _save(doc)


def _cn(n: int) -> str:
    return "一二三四五六七八九十"[n - 1]


def _person(user) -> str:
    if user is None:
        return "________"
    return user.get_full_name() or user.username


def _duty_phone() -> str:
    shift = (
        DutyShift.objects.filter(organisation__code="LZYJJ", date=timezone.localdate())
        .exclude(phone="")
        .first()
    )
    return shift.phone if shift else "________"


def shift_sheet_docx(shift: DutyShift) -> bytes:
    """值班日志/交接班 sheet of one shift: who was on duty, the log, the open items handed over
    and whether the next shift acknowledged them."""
    doc = _document()
    _centered(doc, f"{shift.organisation.name}值班日志", size=20)
    _centered(doc, f"{shift.date:%Y年%m月%d日} {shift.get_shift_display()}", size=14, bold=False)
    table = doc.add_table(rows=2, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["带班领导", "值班员", "联络员", "值班电话"], strict=True
    ):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells,
        [shift.leader, shift.officer, shift.liaison or "—", shift.phone or "—"],
        strict=True,
    ):
        cell.text = docx_text(text)
    doc.add_paragraph()
    _para(doc, "", bold_lead="值班记录")
    logs = list(shift.logs.select_related("written_by", "acknowledged_by", "event"))
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["时间", "内容", "记录人", "交接"], strict=True):
        cell.text = text
    for log in logs:
        cells = table.add_row().cells
        ack = ""
        if log.open_item:
            ack = (
                f"待办,{_person(log.acknowledged_by)}"
                f"{timezone.localtime(log.acknowledged_at):%m-%d %H:%M}确认"
                if log.acknowledged_at
                else "待办,未确认"
            )
        content = log.content + (f"(事件{log.event.number})" if log.event_id else "")
        for cell, text in zip(
            cells,
            [f"{timezone.localtime(log.time):%H:%M}", content, _person(log.written_by), ack],
            strict=True,
        ):
            cell.text = docx_text(text)
    if not logs:
        table.add_row().cells[1].text = "无"
    doc.add_paragraph()
    _para(doc, "", bold_lead="交接班")
    if shift.handed_over_at:
        open_items = sum(1 for log in logs if log.open_item)
        _para(
            doc,
            f"{_when(shift.handed_over_at)}由{_person(shift.handed_over_by)}交班,"
            f"移交待办{open_items}项。{shift.handover_note}",
        )
    else:
        _para(doc, "尚未交班。")
    _para(doc, "交班人(签字):________    接班人(签字):________")
    return _save(doc)


def release_docx(release: Release) -> bytes:
    """A release (通稿/权威发布) as .docx: title, issuer and time, the text, the channels, and
    — unless it is released — a 未发布 mark with its state, so a draft is never mistaken for a
    released text."""
    doc = _document()
    if release.state != "released":
        _centered(doc, f"(未发布稿件:{release.get_state_display()},不得对外使用)", 12, False)
    _centered(doc, release.title)
    when = _when(release.released_at) if release.released_at else "未发布"
    _centered(doc, f"{ISSUER}  {when}", 14, False)
    for line in release.content.splitlines():
        if line.strip():
            _para(doc, line.strip())
    _para(doc, "、".join(release.channel_labels), "发布渠道:")
    _para(doc, release.get_kind_display(), "发布类型:")
    return _save(doc)


def activity_report_docx(report) -> bytes:
    """重大活动保障日报 (T40): the activity, the day and its number in the period, the day's
    summary, incidents and next-day arrangements, the day's roster, the 重大/较大 risk points,
    the teams on standby, who filled it in, and the 签发 line."""
    activity = report.activity
    doc = _document()
    number = (report.date - activity.starts_on).days + 1
    _centered(doc, f"{activity.name}日报", size=20)
    _centered(doc, f"第{number}期  {report.date:%Y年%m月%d日}", size=14, bold=False)
    _para(doc, f"{activity.organiser.name}  {_when(report.submitted_at)}填报", "报送单位:")
    _para(doc, report.summary, "一、保障情况:")
    _para(doc, f"{report.incidents}起。", "二、突发情况:")
    _para(doc, report.issues or "无。", "三、问题及次日安排:")
    _para(doc, "", "四、当日值班:")
    duties = list(activity.duties.filter(date=report.date))
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["岗位/地点", "带班领导", "值班员", "联络员", "值班电话"], strict=True
    ):
        cell.text = text
    for d in duties:
        for cell, text in zip(
            table.add_row().cells,
            [d.post, d.leader, d.officer, d.liaison or "—", d.phone or "—"],
            strict=True,
        ):
            cell.text = docx_text(text)
    if not duties:
        table.add_row().cells[0].text = "当日无排班"
    risks = [r for r in activity.risks.select_related("owner") if r.level in ("major", "larger")]
    _para(
        doc,
        ";".join(f"{r.name}({r.get_level_display()},{r.owner.name})" for r in risks) or "无。",
        "五、重点风险点:",
    )
    teams = list(activity.teams.all())
    _para(
        doc,
        ";".join(f"{t.team_name}({t.place},{t.people}人)" for t in teams) or "无。",
        "六、待命队伍:",
    )
    _para(doc, f"填报人:{_person(report.written_by)}    签发人:________")
    return _save(doc)


def review_docx(review) -> bytes:
    """复盘报告 (T36): the event, the facts taken from its record, findings, lessons, and the
    improvement actions with owner, due date and state."""
    event = review.event
    facts = review.facts or {}
    doc = _document()
    _centered(doc, f"{event.title}复盘报告", size=20)
    _centered(doc, f"事件编号 {event.number}", size=14, bold=False)
    _para(
        doc,
        f"{_when(event.received_at)}接报,{event.event_type.name},{event.region.name},"
        f"{event.grade_text}。",
        "一、事件概况:",
    )

    def minutes(key):
        value = facts.get(key)
        return "—" if value is None else f"{value}分钟"

    _para(
        doc,
        f"接报至首报{minutes('minutes_to_first_report')};接报至启动响应"
        f"{minutes('minutes_to_response_start')};下达指令{facts.get('tasks', 0)}条,"
        f"其中超时{facts.get('tasks_overdue', 0)}条。",
        "二、处置事实:",
    )
    _para(doc, review.findings, "三、发现的问题:")
    _para(doc, review.lessons or "无。", "四、经验教训:")
    _para(doc, "", "五、整改措施:")
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["整改措施", "责任单位", "完成期限", "完成情况"], strict=True
    ):
        cell.text = text
    for a in review.actions.select_related("owner"):
        done = (
            f"{timezone.localtime(a.done_at):%Y-%m-%d}完成 {a.done_note}" if a.done_at else "未完成"
        )
        for cell, text in zip(
            table.add_row().cells,
            [a.content, a.owner.name, f"{a.due_on:%Y-%m-%d}", done],
            strict=True,
        ):
            cell.text = docx_text(text)
    _para(doc, f"填写人:{_person(review.written_by)}    审核:________")
    return _save(doc)
