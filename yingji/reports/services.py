"""Every write of the 研判简报: 生成 → 编辑研判意见 → 送审 → 审核 (another person; or 退回) →
印发 (numbered, read-only). One service per state change (DESIGN §4): permission, validation,
one transaction, one audit event, the scope re-check."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope, restrict, scope_of
from yingji.core.services import locked
from yingji.geo.models import Region

from . import sections
from .models import Brief, BriefDelivery, BriefTemplate
from .periods import KIND_NAMES, KINDS, Period, last_completed, period_of, starts_today
from .permissions import may_write_region
from .schemas import (
    BriefApproveIn,
    BriefDistributeIn,
    BriefGenerateIn,
    BriefIssueIn,
    BriefOpinionsIn,
    BriefReturnIn,
    BriefSubmitIn,
    BriefTemplateIn,
)


def brief_title(region: Region, period: Period) -> str:
    if period.kind == "dispatch":
        return f"{region.name}{KIND_NAMES[period.kind]}({period.label})"
    return f"{region.name}安全风险{KIND_NAMES[period.kind]}({period.label})"


def _create(region: Region, period: Period, drafted_by, *, today: dt.date | None = None) -> Brief:
    figures = sections.compute(region, period, today)
    return Brief.objects.create(
        kind=period.kind,
        region=region,
        period_start=period.start,
        period_end=period.end,
        title=brief_title(region, period),
        figures=figures,
        generated_at=timezone.now(),
        drafted_by=drafted_by,
    )


def do_generate_brief(*, actor, data: BriefGenerateIn) -> Brief:
    """生成: a draft whose figures are computed now and frozen (the snapshot)."""
    check_rule(actor, "reports.write")
    region = Region.objects.filter(code=data.region, level__in=("city", "county")).first()
    if region is None:
        raise ValidationFailed(
            f"区域编码“{data.region}”不是本市或县区。", details={"field": "region"}
        )
    if data.day > timezone.localdate():
        raise ValidationFailed("不能为尚未开始的时段生成简报。", details={"field": "day"})
    if not may_write_region(scope_of(actor), region):
        raise NotPermitted(f"您无权编制{region.name}的研判简报。")
    period = period_of(data.kind, data.day)
    if Brief.objects.filter(kind=period.kind, region=region, period_start=period.start).exists():
        raise InvalidTransition(f"{brief_title(region, period)}已生成,请打开已有的简报。")
    with transaction.atomic():
        brief = _create(region, period, actor)
        record_event("reports.brief.generated", f"生成“{brief.title}”(草稿)", target=brief)
        ensure_in_scope(actor, brief)
    return brief


def _fetch(actor, brief: Brief, version) -> Brief:
    ensure_in_scope(actor, brief)
    return _locked(brief, version)


def _locked(brief, version):
    from yingji.core.services import locked

    return locked(Brief, brief.pk, expected_version=version)


def do_edit_brief(*, actor, brief: Brief, data: BriefOpinionsIn) -> Brief:
    """编辑研判意见: the analyst's text per section and the overall 风险提示/工作建议 (draft only)."""
    check_rule(actor, "reports.write")
    with transaction.atomic():
        brief = _fetch(actor, brief, data.version)
        if brief.state != "draft":
            raise InvalidTransition("只有草稿可以编辑;已送审的简报请先退回。")
        brief.opinions = {k: v for k, v in data.opinions.items() if v}
        brief.risk_outlook = data.risk_outlook
        brief.advice = data.advice
        if brief.drafted_by_id is None:  # a scheduled draft: whoever writes it drafts it
            brief.drafted_by = actor
        brief.save()
        record_event("reports.brief.edited", f"编辑“{brief.title}”的研判意见", target=brief)
    return brief


def do_submit_brief(*, actor, brief: Brief, data: BriefSubmitIn) -> Brief:
    """送审."""
    check_rule(actor, "reports.write")
    with transaction.atomic():
        brief = _fetch(actor, brief, data.version)
        if brief.state != "draft":
            raise InvalidTransition("只有草稿可以送审。")
        if not (brief.risk_outlook.strip() and brief.advice.strip()):
            raise ValidationFailed("请先填写风险提示和工作建议,再送审。")
        brief.state = "submitted"
        brief.submitted_by = actor
        brief.submitted_at = timezone.now()
        if brief.drafted_by_id is None:
            brief.drafted_by = actor
        brief.save()
        record_event("reports.brief.submitted", f"“{brief.title}”送审", target=brief)
    return brief


def _reviewer(actor, brief: Brief) -> None:
    if actor.pk in (brief.drafted_by_id, brief.submitted_by_id):
        raise NotPermitted("审核须由起草人以外的人进行。")


def do_approve_brief(*, actor, brief: Brief, data: BriefApproveIn) -> Brief:
    """审核通过 (a person other than the drafter)."""
    check_rule(actor, "reports.write")
    with transaction.atomic():
        brief = _fetch(actor, brief, data.version)
        if brief.state != "submitted":
            raise InvalidTransition("只有待审核的简报可以审核。")
        _reviewer(actor, brief)
        brief.state = "approved"
        brief.reviewed_by = actor
        brief.reviewed_at = timezone.now()
        brief.review_comment = data.comment
        brief.save()
        record_event("reports.brief.approved", f"审核通过“{brief.title}”", target=brief)
    return brief


def do_return_brief(*, actor, brief: Brief, data: BriefReturnIn) -> Brief:
    """退回修改 (a person other than the drafter), with the reason."""
    check_rule(actor, "reports.write")
    with transaction.atomic():
        brief = _fetch(actor, brief, data.version)
        if brief.state != "submitted":
            raise InvalidTransition("只有待审核的简报可以退回。")
        _reviewer(actor, brief)
        brief.state = "draft"
        brief.reviewed_by = actor
        brief.reviewed_at = timezone.now()
        brief.review_comment = data.comment
        brief.save()
        record_event("reports.brief.returned", f"退回“{brief.title}”:{data.comment}", target=brief)
    return brief


def do_issue_brief(*, actor, brief: Brief, data: BriefIssueIn) -> Brief:
    """印发: numbered 〔年〕第N期 per kind and region; from then on read-only."""
    check_rule(actor, "reports.write")
    with transaction.atomic():
        brief = _fetch(actor, brief, data.version)
        if brief.state != "approved":
            raise InvalidTransition("只有审核通过的简报可以印发。")
        year = timezone.localdate().year
        last = Brief.objects.filter(
            kind=brief.kind, region=brief.region, state="issued", issued_at__year=year
        ).aggregate(n=Max("serial"))["n"]
        brief.serial = (last or 0) + 1
        brief.number = f"〔{year}〕第{brief.serial}期"
        brief.state = "issued"
        brief.issued_by = actor
        brief.issued_at = timezone.now()
        brief.save()
        record_event("reports.brief.issued", f"印发“{brief.title}”{brief.number}", target=brief)
    return brief


def do_draft_scheduled_briefs(*, today: dt.date | None = None) -> dict:
    """The daily job: on Mondays the city's weekly brief of last week, on the 1st the monthly,
    at a quarter's start the quarterly — each a draft, at most once per period (idempotent)."""
    today = today or timezone.localdate()
    city = Region.objects.filter(level="city").order_by("code").first()
    counts = {"drafted": 0, "existing": 0}
    if city is None:
        return counts
    for kind in KINDS:
        if not starts_today(kind, today):
            continue
        period = last_completed(kind, today)
        if Brief.objects.filter(kind=kind, region=city, period_start=period.start).exists():
            counts["existing"] += 1
            continue
        try:
            with transaction.atomic():
                brief = _create(city, period, None, today=today)
                record_event(
                    "reports.brief.generated", f"定时生成“{brief.title}”(草稿)", target=brief
                )
        except IntegrityError:  # drafted meanwhile by someone else
            counts["existing"] += 1
            continue
        counts["drafted"] += 1
    return counts


def do_distribute_brief(*, actor, brief: Brief, data: BriefDistributeIn) -> list[BriefDelivery]:
    """分发: send an issued brief to the members of the chosen roles (and regions) who may read
    it and have not received it; each gets an in-app notice (工作台) and a read-receipt row."""

    check_rule(actor, "reports.write")
    if not may_write_region(scope_of(actor), brief.region):
        raise NotPermitted(f"您无权分发{brief.region.name}的研判简报。")
    if brief.state != "issued":
        raise InvalidTransition("只有已印发的简报可以分发。")
    if not (data.roles or data.organisations or data.users):
        raise ValidationFailed("请选择收件角色、收件单位或收件人。", details={"field": "roles"})
    members = _recipients(data)
    already = set(brief.deliveries.values_list("recipient_id", flat=True))
    chosen: dict[int, object] = {}
    for m in members:
        if m.user_id in already or m.user_id in chosen or m.user_id == actor.pk:
            continue
        if restrict(Brief.objects.filter(pk=brief.pk), m.user).exists():
            chosen[m.user_id] = m
    if not chosen:
        raise ValidationFailed(
            "没有符合条件的新收件人(已分发过的、无权阅读该简报的人不计)。",
            details={"field": "roles"},
        )
    now = timezone.now()
    with transaction.atomic():
        made = [
            BriefDelivery.objects.create(
                brief=brief,
                recipient=m.user,
                organisation=m.organisation,
                delivered_at=now,
                delivered_by=actor,
            )
            for m in chosen.values()
        ]
        record_event(
            "reports.brief.distributed",
            f"分发“{brief.title}”{brief.number}给{len(made)}人",
            target=brief,
            recipients=[d.recipient_id for d in made],
        )
        ids = [d.pk for d in made]
        if data.email:
            transaction.on_commit(lambda: send_brief_emails(ids))
        if data.sms:
            transaction.on_commit(lambda: send_brief_sms(ids))
    return made


def _recipients(data: BriefDistributeIn) -> list:
    """The memberships chosen by role (and region), by organisation (its subtree) and by user
    name, in organisation and user order; unknown codes are refused."""
    from yingji.orgs.models import Membership, Organisation

    active = Membership.objects.filter(is_active=True, user__is_active=True).select_related(
        "user", "organisation"
    )
    regions = list(Region.objects.filter(code__in=data.regions))
    orgs = list(Organisation.objects.filter(code__in=data.organisations))
    users = set(
        active.filter(user__username__in=data.users).values_list("user__username", flat=True)
    )
    for field, asked, found, what in (
        ("regions", data.regions, {r.code for r in regions}, "区域编码"),
        ("organisations", data.organisations, {o.code for o in orgs}, "机构编码"),
        ("users", data.users, users, "用户"),
    ):
        unknown = sorted(set(asked) - found)
        if unknown:
            raise ValidationFailed(
                f"找不到{what}“{'、'.join(unknown)}”。", details={"field": field}
            )
    where = Q(pk__in=[])
    if data.roles:
        by_role = Q(role__in=data.roles)
        if regions:
            in_regions = Q(pk__in=[])
            for region in regions:
                in_regions |= Q(organisation__region__path__startswith=region.path)
            by_role &= in_regions
        where |= by_role
    for org in orgs:
        where |= Q(organisation__path__startswith=org.path)
    if data.users:
        where |= Q(user__username__in=data.users)
    return list(active.filter(where).order_by("organisation__code", "user__username"))


def send_brief_emails(delivery_ids: list[int]) -> dict:
    """The e-mail notice of a distribution, through the platform's SMTP settings (EMAIL_HOST…,
    the same as the 预警 e-mail channel): one message per recipient with an address, with the
    link to the brief; each delivery records when it was mailed or why not. Not configured
    (EMAIL_HOST empty): nothing is sent and the rows say so. Run after the commit."""
    from django.conf import settings

    from yingji.core.mail import send_each

    rows = list(
        BriefDelivery.objects.filter(pk__in=delivery_ids).select_related("brief", "recipient")
    )
    counts = {"sent": 0, "failed": 0, "skipped": 0}

    def note(row, text, sent=False):
        BriefDelivery.objects.filter(pk=row.pk).update(
            email_note=text[:300], emailed_at=timezone.now() if sent else None
        )
        counts["sent" if sent else ("skipped" if "未" in text[:3] else "failed")] += 1

    if not getattr(settings, "EMAIL_HOST", ""):
        for row in rows:
            note(row, "未配置邮件服务器,未发送邮件")
        return counts
    base = getattr(settings, "YINGJI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    mails = []
    for row in rows:
        if not row.recipient.email:
            continue
        brief = row.brief
        body = (
            f"{row.recipient.get_full_name() or row.recipient.username}:\n\n"
            f"《{brief.title}》{brief.number}已分发给您,请登录平台阅读并点击“已阅”。\n"
            f"{base}{brief.get_absolute_url()}\n"
        )
        mails.append((row.pk, f"研判简报:{brief.title}{brief.number}", body, row.recipient.email))
    try:
        results = send_each(mails, timeout=10)
    except OSError as exc:
        for row in rows:
            note(row, f"无法连接邮件服务器:{exc}")
        return counts
    for row in rows:
        if not row.recipient.email:
            note(row, "未登记邮箱,未发送邮件")
        elif results[row.pk] is None:
            note(row, f"已发送至{row.recipient.email}", sent=True)
        else:
            note(row, f"发送失败:{results[row.pk]}")
    return counts


def send_brief_sms(delivery_ids: list[int]) -> dict:
    """The SMS notice of a distribution, through the platform's 短信网关 (the 预警 SMS channel's
    WARNINGS_SMS_URL and body template): one message per recipient with an active registered
    mobile number (预警短信接收号码), with the brief's title, number and link; each delivery
    records when it was sent or why not (未登记手机号, 未配置短信网关, 发送失败:…). Run after the
    commit; never raises."""
    from yingji.warnings.channels import send_sms, sms_configured
    from yingji.warnings.selectors import sms_numbers

    rows = list(
        BriefDelivery.objects.filter(pk__in=delivery_ids).select_related("brief", "recipient")
    )
    numbers = sms_numbers(r.recipient_id for r in rows)
    configured = sms_configured()
    base = getattr(settings, "YINGJI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for row in rows:
        phone = numbers.get(row.recipient_id)
        sent_at = None
        if not phone:
            note, what = "未登记手机号,未发送短信", "skipped"
        elif not configured:
            note, what = "未配置短信网关,未发送短信", "skipped"
        else:
            brief = row.brief
            link = f"{base}{brief.get_absolute_url()}"
            name = row.recipient.get_full_name() or row.recipient.username
            text = (
                f"【研判简报】{name}:《{brief.title}》{brief.number}已分发给您,"
                f"请登录平台阅读并点击“已阅”。{link}"
            )
            ok, detail = send_sms(
                phone, text, recipient_name=name, identifier=brief.number, link=link
            )
            if ok:
                note, what, sent_at = f"短信已发送至{phone}", "sent", timezone.now()
            else:
                note, what = f"短信发送失败:{detail}", "failed"
        BriefDelivery.objects.filter(pk=row.pk).update(sms_note=note[:300], sms_at=sent_at)
        counts[what] += 1
    return counts


def do_read_brief(*, actor, brief: Brief) -> BriefDelivery:
    """已阅: the recipient's read receipt (once; a second time changes nothing)."""
    # the recipient's own row, read through restrict("view"): a read receipt is not a change
    # of the brief, so the read-only leadership records it too
    delivery = (
        restrict(BriefDelivery.objects.filter(brief=brief), actor)
        .filter(recipient_id=actor.pk)
        .first()
    )
    if delivery is None:
        raise NotPermitted("该简报未分发给您。")
    if delivery.read_at is not None:
        return delivery
    with transaction.atomic():
        delivery = locked(BriefDelivery, delivery.pk)
        if delivery.read_at is None:
            delivery.read_at = timezone.now()
            delivery.save(update_fields=["read_at"])
            record_event("reports.brief.read", f"已阅“{brief.title}”", target=brief)
    return delivery


def do_upload_brief_template(*, actor, data: BriefTemplateIn, upload) -> BriefTemplate:
    """Upload an editable .docx template for a kind of brief. Its placeholders are checked: an
    unknown one (a typo such as {{隐患.新曾}}) or a block placeholder sharing its paragraph is
    refused, with the list, and nothing is saved. The new template replaces the kind's
    previous one (kept, inactive)."""
    from yingji.core.uploads import read_upload

    from .templating import check_template

    check_rule(actor, "reports.templates")
    if upload is None:
        raise ValidationFailed("请上传 .docx 模板文件。", details={"field": "file"})
    content = read_upload(upload, extensions=(".docx",))
    found = check_template(content)
    problems = []
    if found["unknown"]:
        problems.append(f"无法识别的占位符:{'、'.join(found['unknown'])}")
    if found["misplaced"]:
        problems.append(f"整段占位符须独占一段:{'、'.join(found['misplaced'])}")
    if problems:
        raise ValidationFailed(
            ";".join(problems) + "。",
            details={"field": "file", "unknown": found["unknown"], "misplaced": found["misplaced"]},
        )
    if not found["used"]:
        raise ValidationFailed("模板中没有任何占位符。", details={"field": "file"})
    with transaction.atomic():
        BriefTemplate.objects.filter(kind=data.kind, active=True).update(active=False)
        template = BriefTemplate.objects.create(
            kind=data.kind,
            name=data.name,
            file_name=(upload.name or "模板.docx")[:255],
            content=content,
            placeholders=found["used"],
            uploaded_by=actor,
        )
        record_event(
            "reports.template.uploaded",
            f"上传{template},占位符{len(found['used'])}个",
            target=template,
        )
        ensure_in_scope(actor, template)
    return template
