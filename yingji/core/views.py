"""Generic record pages shared by every app: history, attachments, notes, the audit log,
API tokens, and the Chinese error pages."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from .audit import history_for, record_event
from .errors import DomainError
from .forms import AttachmentForm, NoteForm
from .hooks import record_actions, record_links
from .listing import Column, Filter, ListSpec, render_list
from .models import SOURCE_CHOICES, APIToken, Attachment, Note, ObjectChange
from .permissions import can, get_restricted_or_404, restrict
from .presenters import field_labels, local_datetime, person, present_changes, present_events
from .schemas import NoteIn, TokenIn
from .services import do_add_attachment, do_add_note, do_create_token, do_revoke_token
from .webforms import form_input, run_service, safe_next


def record_model(app_label: str, model_name: str, *, audited: bool = False):
    """The model named in a URL, or 404: it must have a restrict() function (and, for a
    history, an audit trail). Anything else (sessions, content types…) is not a record here."""
    from .audit import is_audited
    from .permissions import registered_models

    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        raise Http404("没有这种记录。") from None
    if model not in registered_models() or (audited and not is_audited(model)):
        raise Http404("没有这种记录。")
    return model


def record_for(user, app_label: str, model_name: str, pk: str, action: str = "view", **kw):
    """Fetch any registered record through its restrict() function, or 404 (audited as a
    denial when the record exists but is outside the user's scope). A pk that is not one
    (“abc” for a number) is a 404 too."""
    model = record_model(app_label, model_name, **kw)
    try:
        return get_restricted_or_404(model._base_manager.all(), user, action, pk=pk)
    except (ValueError, TypeError, ValidationError, OverflowError):
        raise Http404("没有这条记录。") from None
    except Http404:
        try:
            exists = model._base_manager.filter(pk=pk).exists()
        except (ValueError, TypeError, ValidationError):
            exists = False
        if exists:
            record_event(
                "auth.denied",
                f"拒绝访问范围外的记录:{model._meta.verbose_name} #{pk}({action})",
                model=model._meta.label_lower,
                pk=str(pk)[:64],
                action=action,
                status=404,
            )
        raise


@login_required
def history(request, app_label, model_name, pk):
    obj = record_for(request.user, app_label, model_name, pk, audited=True)
    changes, events = history_for(obj)
    model = type(obj)
    return render(
        request,
        "core/_history.html",
        {
            "object": obj,
            "changes": present_changes(changes[:200], model, request.user),
            "events": present_events(events[:200], model, request.user),
        },
    )


def record_extras(request, obj) -> dict:
    """Context for the attachments and notes tabs of a record page."""
    ct = ContentType.objects.get_for_model(type(obj))
    args = [ct.app_label, ct.model, obj.pk]
    return {
        "history_url": reverse("core:history", args=args),
        "attach_url": reverse("core:add_attachment", args=args),
        "note_url": reverse("core:add_note", args=args),
        "attachments": Attachment.objects.for_object(obj),
        "notes": Note.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related(
            "author"
        ),
        "attachment_form": AttachmentForm(),
        "note_form": NoteForm(),
        "can_change": can(request.user, obj, "change"),
        "record_actions": record_actions(request.user, obj),
        "record_links": record_links(request.user, obj),
    }


@login_required
@require_POST
def add_attachment(request, app_label, model_name, pk):
    obj = record_for(request.user, app_label, model_name, pk, "change")
    form = AttachmentForm(request.POST, request.FILES)
    back = safe_next(request, _record_url(obj))
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件。")
        return redirect(back)
    run_service(
        request,
        lambda: do_add_attachment(
            actor=request.user,
            target=obj,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        ),
        "附件已上传。",
    )
    return redirect(back)


def _record_url(obj) -> str:
    getter = getattr(obj, "get_absolute_url", None)
    return getter() if getter else "/"


@login_required
def download_attachment(request, pk):
    att = Attachment.objects.filter(pk=pk, voided_at__isnull=True).first()
    if att is None:
        raise Http404
    parent = record_for(
        request.user, att.content_type.app_label, att.content_type.model, att.object_id
    )
    if parent is None:
        raise Http404
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name)


@login_required
@require_POST
def add_note(request, app_label, model_name, pk):
    obj = record_for(request.user, app_label, model_name, pk, "change")
    back = safe_next(request, _record_url(obj))
    data = form_input(request, NoteIn)
    if data is not None:
        run_service(
            request,
            lambda: do_add_note(actor=request.user, target=obj, body=data.body),
            "备注已保存。",
        )
    return redirect(back)


AUDIT_SPEC = ListSpec(
    columns=[
        Column("time", "时间", value=lambda o: local_datetime(o.time)),
        Column("actor_label", "操作人", value=lambda o: person(o.actor, o.actor_label)),
        Column("source", "来源"),
        Column("action", "动作"),
        Column("content_type__name", "对象类型", sortable=False),
        Column("object_repr", "对象"),
        Column(
            "changed_fields",
            "变更字段",
            sortable=False,
            value=lambda o: field_labels(o.content_type.model_class(), o.changed_fields),
        ),
        Column("request_id", "请求编号"),
    ],
    filters={
        "source": Filter("来源", "source", choices=SOURCE_CHOICES),
        "action": Filter("动作", "action", choices=ObjectChange.ACTIONS),
        "actor": Filter("操作人", "actor_label"),
    },
    search=("object_repr", "actor_label", "request_id"),
    default_sort="-time",
)


@login_required
def audit_log(request):
    qs = restrict(
        ObjectChange.objects.select_related("content_type", "actor"), request.user, "view"
    )
    return render_list(request, qs, AUDIT_SPEC, "core/audit_log.html", "变更记录")


@login_required
def tokens(request):
    new_key = None
    if request.method == "POST":
        data = form_input(request, TokenIn)
        if data is not None:
            try:
                _token, new_key = do_create_token(
                    actor=request.user, name=data.name, expires_at=data.expires_at
                )
            except DomainError as exc:
                messages.error(
                    request,
                    "请填写令牌名称(例如用途)。"
                    if exc.details.get("field") == "name"
                    else exc.message,
                )
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(
        request,
        "core/tokens.html",
        {"tokens": restrict(APIToken.objects.all(), request.user), "new_key": new_key},
    )


@login_required
@require_POST
def revoke_token(request, pk):
    token = get_restricted_or_404(APIToken.objects.all(), request.user, "change", pk=pk)
    do_revoke_token(actor=request.user, token=token)
    messages.success(request, f"已撤销令牌“{token.name}”。")
    return redirect("core:tokens")


@login_required
def search(request):
    """One search box over every module (each app's search provider, restricted)."""
    from . import hooks
    from .schemas import CONTROL

    q = CONTROL.sub("", request.GET.get("q", "")).strip()[:100]  # NUL etc. never reach the DB
    results = hooks.search(request.user, q) if len(q) >= 2 else []
    return render(request, "core/search.html", {"title": "全局搜索", "q": q, "results": results})


@login_required
def settings_index(request):
    """Every app's settings pages the user may open."""
    from . import hooks

    pages = []
    for page in hooks.settings_pages(request.user):
        try:
            pages.append(
                {"label": page.label, "url": reverse(page.url), "description": page.description}
            )
        except NoReverseMatch:  # an app whose page is not routed: leave it out
            continue
    from yingji.standards.catalogue import entries

    from .permissions import scope_of

    # The rules' sources and confidence are for the administrators who keep the tables
    # (issue #12: the code's confidence notes, in Chinese, on the admin's settings page).
    standards = entries() if scope_of(request.user).is_admin else []
    return render(
        request,
        "core/settings.html",
        {"title": "系统设置", "pages": pages, "standards": standards},
    )


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the Chinese 403 page with what to do (the middleware audits it)."""
    request.csrf_failure_reason = reason or "unknown"
    return render(request, "403.html", {"csrf_failure": True}, status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(
        request, "500.html", {"request_id": getattr(request, "request_id", "")}, status=500
    )
