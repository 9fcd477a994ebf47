"""State changes of organisations. One service per change, one transaction, one event."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from yingji.core.audit import record_event
from yingji.core.errors import ValidationFailed
from yingji.core.permissions import ensure_in_scope, restrict
from yingji.core.services import locked

from .models import OrgAlias, Organisation


def _name_taken(name: str, exclude_pk=None) -> str | None:
    org = Organisation.objects.filter(name=name).exclude(pk=exclude_pk).first()
    if org:
        return f"名称“{name}”已被“{org.code}”使用。"
    alias = OrgAlias.objects.filter(name=name).exclude(organisation_id=exclude_pk).first()
    if alias:
        return f"名称“{name}”已是“{alias.organisation}”的别名。"
    return None


def do_rename_organisation(
    *, actor, organisation: Organisation, new_name: str, expected_version: int, keep_alias=True
) -> Organisation:
    """Rename (e.g. T1: 市安全生产监察支队 → 兰州市应急管理综合行政执法支队); the old name
    stays as a confirmed alias so that documents using it still resolve."""
    new_name = (new_name or "").strip()
    if not new_name:
        raise ValidationFailed("新名称不能为空。", details={"field": "name"})
    if (
        not actor.is_superuser
        and not restrict(Organisation.objects.filter(pk=organisation.pk), actor, "change").exists()
    ):
        from yingji.core.errors import NotPermitted

        raise NotPermitted("您无权修改该机构。")
    with transaction.atomic():
        org = locked(Organisation, organisation.pk, expected_version=expected_version)
        if new_name == org.name:
            raise ValidationFailed("新名称与原名称相同。", details={"field": "name"})
        problem = _name_taken(new_name, exclude_pk=org.pk)
        if problem:
            raise ValidationFailed(problem, details={"field": "name"})
        old_name = org.name
        OrgAlias.objects.filter(organisation=org, name=new_name).delete()
        org.name = new_name
        org.save()
        if keep_alias:
            OrgAlias.objects.create(
                organisation=org, name=old_name, confirmed=True, note=f"曾用名(更名为{new_name})"
            )
        record_event(
            "orgs.organisation.renamed",
            f"“{old_name}”更名为“{new_name}”",
            target=org,
            old_name=old_name,
            new_name=new_name,
        )
        ensure_in_scope(actor, org, "view")
    return org


def do_create_enterprise_org(*, actor, name: str, code: str, region, note: str = "", is_demo=False):
    """County staff (in their jurisdiction) or city section staff register an enterprise
    organisation."""
    name, code = (name or "").strip(), (code or "").strip()
    errors = {}
    if not name:
        errors["name"] = "名称不能为空。"
    elif problem := _name_taken(name):
        errors["name"] = problem
    if not code:
        errors["code"] = "编码不能为空。"
    elif Organisation.objects.filter(code=code).exists():
        errors["code"] = f"编码“{code}”已存在。"
    if errors:
        raise ValidationFailed("；".join(errors.values()), details=errors)
    try:
        with transaction.atomic():
            org = Organisation.objects.create(
                code=code, name=name, kind="enterprise", region=region, note=note, is_demo=is_demo
            )
            ensure_in_scope(actor, org, "add")
            record_event("orgs.organisation.created", f"登记生产经营单位“{name}”", target=org)
    except IntegrityError:
        raise ValidationFailed("名称或编码已存在。")
    return org
