"""State changes of the enterprise registry. One service per change: validation first, one
transaction, the write, one event, then the scope re-check (DESIGN §4)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import can, ensure_in_scope, restrict, scope_of
from yingji.core.services import locked
from yingji.orgs.services import do_create_enterprise_org

from .choices import SAFETY_QUESTIONS, STATUSES, TIERS
from .models import (
    Enterprise,
    InsurancePolicy,
    Licence,
    ResponsibilityItem,
    SafetyQuestionnaire,
    TierRule,
)
from .schemas import (
    AnswersIn,
    EnterpriseIn,
    EnterpriseProfileIn,
    LicenceIn,
    PolicyIn,
    ResponsibilityIn,
    TierRuleIn,
)
from .tiering import DEFAULT_RULE, compute_tier
from .validation import FIELD_LABELS, clean_enterprise_data, typed

PROFILE_FIELDS = (
    "legal_representative",
    "principal",
    "principal_phone",
    "safety_contact",
    "safety_phone",
    "address",
    "sector",
    "scale",
    "employees",
    "lon",
    "lat",
    "coord_source",
    "region",
    "located_region",
)


def _fail(errors: dict, prefix: str = "") -> None:
    if errors:
        message = "；".join(f"{FIELD_LABELS.get(k, k)}:{v}" for k, v in errors.items())
        raise ValidationFailed(prefix + message, details={"fields": errors})


def _require(actor, obj, action: str, message: str) -> None:
    if not can(actor, obj, action):
        raise NotPermitted(message)


# --- tier -----------------------------------------------------------------------------------


def current_rule() -> dict:
    row = TierRule.objects.order_by("pk").first()
    return row.as_rule() if row else dict(DEFAULT_RULE)


def _apply_tier(ent: Enterprise, rule: dict | None = None) -> None:
    decision = compute_tier(
        scale=ent.scale,
        sector=ent.sector,
        employees=ent.employees,
        major_hazard_grade=ent.major_hazard_grade,
        rule=rule or current_rule(),
    )
    ent.tier_computed = decision.tier
    ent.tier_reason = decision.reason[:500]
    if not ent.tier_overridden:
        ent.tier = decision.tier


# --- registration and profile -----------------------------------------------------------------


def _uscc_taken(uscc: str, exclude_pk=None) -> str | None:
    other = Enterprise.objects.filter(uscc=uscc).exclude(pk=exclude_pk).first()
    return f"统一社会信用代码{uscc}已登记为“{other}”" if other else None


def _clean_new(data) -> dict:
    """Registration input (EnterpriseIn or a dict) → model values, or ValidationFailed."""
    clean, errors = clean_enterprise_data(typed(EnterpriseIn, data))
    if "uscc" in clean and (problem := _uscc_taken(clean["uscc"])):
        errors["uscc"] = problem
    _fail(errors)
    return clean


def _open_file(actor, organisation, clean: dict) -> Enterprise:
    ent = Enterprise(organisation=organisation, uscc=clean["uscc"])
    for key in PROFILE_FIELDS + ("status",):
        if key in clean:
            setattr(ent, key, clean[key])
    _apply_tier(ent)
    ent.save()
    ensure_in_scope(actor, ent, "add")
    return ent


def do_register_enterprise(
    *, actor, data: EnterpriseIn | dict, is_demo: bool = False
) -> Enterprise:
    """Register a new enterprise: its Organisation (through the orgs service) and its file."""
    clean = _clean_new(data)
    with transaction.atomic():
        org = do_create_enterprise_org(
            actor=actor,
            name=clean["name"],
            code=f"ENT-{clean['uscc']}",
            region=clean["region"],
            is_demo=is_demo,
        )
        ent = _open_file(actor, org, clean)
        record_event(
            "enterprises.enterprise.registered",
            f"登记生产经营单位“{org.name}”({ent.get_tier_display()}:{ent.tier_reason})",
            target=ent,
            uscc=ent.uscc,
            tier=ent.tier,
        )
    return ent


def do_link_enterprise(*, actor, organisation, data: EnterpriseIn | dict) -> Enterprise:
    """Open the enterprise file of an existing enterprise Organisation (e.g. one registered in
    the orgs app before this registry existed)."""
    if organisation.kind != "enterprise":
        raise ValidationFailed(f"“{organisation}”不是生产经营单位,不能建立企业档案。")
    if Enterprise.objects.filter(organisation=organisation).exists():
        raise ValidationFailed(f"“{organisation}”已有企业档案。")
    if hasattr(data, "model_dump"):
        data = data.model_dump(exclude_none=True)
    clean = _clean_new({**data, "name": organisation.name})
    with transaction.atomic():
        ent = _open_file(actor, organisation, clean)
        record_event("enterprises.enterprise.linked", f"建立“{organisation}”的企业档案", target=ent)
    return ent


def _apply_profile(ent: Enterprise, clean: dict) -> list[str]:
    changed = []
    for key in PROFILE_FIELDS:
        if key in clean and getattr(ent, key) != clean[key]:
            setattr(ent, key, clean[key])
            changed.append(key)
    return changed


def do_update_enterprise(
    *, actor, enterprise: Enterprise, data: EnterpriseProfileIn | dict, expected_version: int
) -> Enterprise:
    """Change the profile (contacts, sector, scale, employees, location). Name and USCC are not
    changed here (renames go through the organisation; a USCC does not change), nor the status
    (keys other than the profile's are ignored)."""
    clean, errors = clean_enterprise_data(typed(EnterpriseProfileIn, data), partial=True)
    _fail(errors)
    _require(actor, enterprise, "change", "您无权修改该企业档案。")
    with transaction.atomic():
        ent = locked(Enterprise, enterprise.pk, expected_version=expected_version)
        changed = _apply_profile(ent, clean)
        if not changed:
            raise ValidationFailed("没有需要保存的修改。")
        _apply_tier(ent)
        ent.save()
        record_event(
            "enterprises.enterprise.updated",
            f"修改“{ent}”的档案:{'、'.join(str(Enterprise._meta.get_field(f).verbose_name) for f in changed)}",
            target=ent,
            fields=changed,
        )
        ensure_in_scope(actor, ent, "view")
    return ent


def do_change_enterprise_status(
    *, actor, enterprise: Enterprise, status: str, reason: str, expected_version: int
) -> Enterprise:
    """在业/停产/关闭, with a reason (never deleted)."""
    reason = (reason or "").strip()
    if status not in dict(STATUSES):
        raise ValidationFailed("经营状态只能是在业、停产或关闭。", details={"field": "status"})
    if not reason:
        raise ValidationFailed("请填写状态变更原因。", details={"field": "reason"})
    _require(actor, enterprise, "approve", "只有负责监管该企业的部门可以变更经营状态。")
    with transaction.atomic():
        ent = locked(Enterprise, enterprise.pk, expected_version=expected_version)
        if ent.status == status:
            raise ValidationFailed(f"经营状态已是“{ent.get_status_display()}”。")
        old = ent.get_status_display()
        ent.status, ent.status_reason = status, reason[:255]
        ent.save()
        record_event(
            "enterprises.enterprise.status_changed",
            f"“{ent}”经营状态:{old} → {ent.get_status_display()}({reason})",
            target=ent,
            status=status,
            reason=reason,
        )
    return ent


def do_override_tier(
    *, actor, enterprise: Enterprise, tier: str | None, reason: str, expected_version: int
) -> Enterprise:
    """Set the tier by hand with a reason (tier=None: back to the rule). A handover between
    bureaus is by design a move out of one bureau's scope, so there is no re-check after it;
    the regulator currently responsible or the city bureau's staff may do it."""
    reason = (reason or "").strip()
    if tier is not None and tier not in dict(TIERS):
        raise ValidationFailed("监管层级只能是市级或县区。", details={"field": "tier"})
    if tier is not None and not reason:
        raise ValidationFailed("人工调整监管层级须填写原因。", details={"field": "reason"})
    scope = scope_of(actor)
    if not (can(actor, enterprise, "approve") or scope.has_role("city_staff")):
        raise NotPermitted("只有负责监管该企业的部门或市局科室可以调整监管层级。")
    with transaction.atomic():
        ent = locked(Enterprise, enterprise.pk, expected_version=expected_version)
        old = ent.get_tier_display()
        if tier is None:
            ent.tier_overridden, ent.tier_override_reason = False, ""
        else:
            ent.tier_overridden, ent.tier_override_reason, ent.tier = True, reason[:255], tier
        _apply_tier(ent)
        ent.save()
        message = (
            f"“{ent}”监管层级恢复按规则确定:{old} → {ent.get_tier_display()}"
            if tier is None
            else f"“{ent}”监管层级人工调整:{old} → {ent.get_tier_display()}(原因:{reason})"
        )
        record_event("enterprises.enterprise.tier_changed", message, target=ent, tier=ent.tier)
    return ent


def do_set_major_hazard_grade(*, actor, enterprise: Enterprise, grade: str) -> Enterprise:
    """Called by the risk app when the enterprise's major-hazard identification changes (grade =
    the highest GB 18218 grade of its units, "" for none). The tier follows the rule: a
    consequence of the identification, not a handover by the actor."""
    if grade not in ("", "一级", "二级", "三级", "四级"):
        raise ValidationFailed(f"重大危险源级别“{grade}”无效。")
    with transaction.atomic():
        ent = locked(Enterprise, enterprise.pk)
        if ent.major_hazard_grade == grade:
            return ent
        old_tier = ent.tier
        ent.major_hazard_grade = grade
        _apply_tier(ent)
        ent.save()
        tier_note = f",监管层级随之变为{ent.get_tier_display()}" if ent.tier != old_tier else ""
        state = f"最高为{grade}重大危险源" if grade else "不构成重大危险源"
        record_event(
            "enterprises.enterprise.major_hazard_changed",
            f"“{ent}”{state}{tier_note}",
            target=ent,
            major_hazard_grade=grade,
        )
    return ent


def _reapply_rule(rule: dict) -> int:
    """Apply the rule to every enterprise (locked); the number whose tier changed."""
    moved = 0
    for ent in Enterprise.objects.select_related("organisation").select_for_update():
        before = (ent.tier, ent.tier_computed, ent.tier_reason)
        _apply_tier(ent, rule)
        if (ent.tier, ent.tier_computed, ent.tier_reason) != before:
            moved += before[0] != ent.tier
            ent.save()
    return moved


def do_update_tier_rule(
    *, actor, data: TierRuleIn | dict, expected_version: int | None = None
) -> TierRule:
    """Edit the tier rule (administrators) and re-apply it to every enterprise not overridden."""
    if not scope_of(actor).is_admin:
        raise NotPermitted("只有系统管理员可以修改监管层级规则。")
    data = typed(TierRuleIn, data)
    with transaction.atomic():
        row = TierRule.objects.order_by("pk").first()
        if row is None:
            row = TierRule.objects.create(**DEFAULT_RULE)
        row = locked(TierRule, row.pk, expected_version=expected_version)
        row.city_scales, row.city_sectors = list(data.city_scales), list(data.city_sectors)
        row.city_min_employees = data.city_min_employees
        row.city_major_hazard_grades = list(data.city_major_hazard_grades)
        row.note = data.note
        row.save()
        rule = row.as_rule()
        moved = _reapply_rule(rule)
        record_event(
            "enterprises.tier_rule.updated",
            f"修改监管层级规则,{moved} 家企业的监管层级随之改变",
            target=row,
            rule=rule,
            moved=moved,
        )
    return row


# --- licences, insurance, responsibility list ---------------------------------------------------


def do_add_licence(*, actor, enterprise: Enterprise, data: LicenceIn | dict) -> Licence:
    data = typed(LicenceIn, data)
    if not data.number:
        raise ValidationFailed("证号不能为空。", details={"field": "number"})
    if data.valid_from and data.valid_from > data.valid_until:
        raise ValidationFailed("有效期起不能晚于有效期至。", details={"field": "valid_from"})
    _require(actor, enterprise, "change", "您无权为该企业登记证照。")
    with transaction.atomic():
        lic = Licence.objects.create(
            enterprise=enterprise,
            kind=data.kind,
            number=data.number,
            issuer=data.issuer,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
        )
        record_event("enterprises.licence.added", f"为“{enterprise}”登记{lic}", target=enterprise)
        ensure_in_scope(actor, lic, "change")
    return lic


def do_void_licence(*, actor, licence: Licence, reason: str) -> Licence:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写作废原因。", details={"field": "reason"})
    _require(actor, licence, "change", "您无权作废该证照。")
    with transaction.atomic():
        lic = locked(Licence, licence.pk)
        if lic.voided_at:
            raise ValidationFailed("该证照已作废。")
        lic.voided_at, lic.void_reason = timezone.now(), reason[:255]
        lic.save()
        record_event("enterprises.licence.voided", f"作废{lic}({reason})", target=lic.enterprise)
    return lic


def _policy_errors(data: PolicyIn) -> dict:
    errors = {}
    if not data.policy_number:
        errors["policy_number"] = "保单号不能为空"
    if not data.insurer:
        errors["insurer"] = "保险机构不能为空"
    if data.insured_amount <= 0:
        errors["insured_amount"] = "保险金额应为大于0的数值(万元)"
    return errors


def do_add_policy(*, actor, enterprise: Enterprise, data: PolicyIn | dict) -> InsurancePolicy:
    data = typed(PolicyIn, data)
    if errors := _policy_errors(data):
        raise ValidationFailed("；".join(errors.values()), details={"fields": errors})
    number, insurer = data.policy_number, data.insurer
    starts, ends = data.starts_on, data.ends_on
    if starts > ends:
        raise ValidationFailed("保险期间起不能晚于保险期间止。", details={"field": "starts_on"})
    if InsurancePolicy.objects.filter(insurer=insurer, policy_number=number).exists():
        raise ValidationFailed(
            f"{insurer}的保单号{number}已登记。", details={"field": "policy_number"}
        )
    _require(actor, enterprise, "change", "您无权为该企业登记保单。")
    with transaction.atomic():
        policy = InsurancePolicy.objects.create(
            enterprise=enterprise,
            policy_number=number,
            insurer=insurer,
            starts_on=starts,
            ends_on=ends,
            insured_amount=data.insured_amount,
            insured_persons=data.insured_persons,
        )
        record_event(
            "enterprises.policy.added",
            f"为“{enterprise}”登记安责险保单{policy}({starts}至{ends})",
            target=enterprise,
        )
        ensure_in_scope(actor, policy, "change")
    return policy


def do_add_responsibility(
    *, actor, enterprise: Enterprise, data: ResponsibilityIn | dict
) -> ResponsibilityItem:
    data = typed(ResponsibilityIn, data)
    if not data.position or not data.duties:
        raise ValidationFailed("岗位和安全生产职责都不能为空。", details={"field": "position"})
    _require(actor, enterprise, "change", "您无权修改该企业的责任清单。")
    with transaction.atomic():
        order = enterprise.responsibilities.count() + 1
        item = ResponsibilityItem.objects.create(
            enterprise=enterprise,
            position=data.position,
            holder=data.holder,
            duties=data.duties,
            order=order,
        )
        record_event(
            "enterprises.responsibility.added",
            f"“{enterprise}”责任清单新增岗位“{item.position}”",
            target=enterprise,
        )
    return item


def do_deactivate_responsibility(
    *, actor, item: ResponsibilityItem, reason: str
) -> ResponsibilityItem:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写停用原因。", details={"field": "reason"})
    _require(actor, item, "change", "您无权修改该企业的责任清单。")
    with transaction.atomic():
        item = locked(ResponsibilityItem, item.pk)
        item.is_active = False
        item.save()
        record_event(
            "enterprises.responsibility.deactivated",
            f"“{item.enterprise}”责任清单停用岗位“{item.position}”({reason})",
            target=item.enterprise,
        )
    return item


# --- 安全三问 --------------------------------------------------------------------------------


def do_submit_questionnaire(
    *, actor, enterprise: Enterprise, year: int, answers: AnswersIn | dict
) -> SafetyQuestionnaire:
    """The enterprise user answers the three questions for a year and submits them for review
    (a draft or a returned one is replaced by the new answers)."""
    scope = scope_of(actor)
    if enterprise.organisation_id not in scope.enterprise_org_ids:
        raise NotPermitted("安全三问由企业用户本人填报提交。")
    answers = typed(AnswersIn, answers)
    missing = [label for key, label in SAFETY_QUESTIONS if not getattr(answers, key)]
    if missing:
        raise ValidationFailed(f"请回答:{'、'.join(missing)}。", details={"missing": missing})
    this_year = timezone.localdate().year
    if not (2000 <= year <= this_year + 1):
        raise ValidationFailed(f"年度“{year}”无效。", details={"field": "year"})
    with transaction.atomic():
        q = (
            SafetyQuestionnaire.objects.select_for_update()
            .filter(enterprise=enterprise, year=year)
            .first()
        )
        if q is None:
            q = SafetyQuestionnaire(enterprise=enterprise, year=year, state="draft")
        if (q.state, "submitted") not in SafetyQuestionnaire.TRANSITIONS:
            raise InvalidTransition(f"{year}年安全三问当前为“{q.get_state_display()}”,不能再提交。")
        for key, _label in SAFETY_QUESTIONS:
            setattr(q, key, getattr(answers, key))
        q.state, q.submitted_at, q.submitted_by = "submitted", timezone.now(), actor
        q.save()
        record_event(
            "enterprises.questionnaire.submitted",
            f"“{enterprise}”提交{year}年安全三问",
            target=q,
        )
    return q


def do_review_questionnaire(
    *, actor, questionnaire: SafetyQuestionnaire, approve: bool, comment: str, expected_version: int
) -> SafetyQuestionnaire:
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationFailed("退回修改须填写审核意见。", details={"field": "comment"})
    if (
        not restrict(
            SafetyQuestionnaire.objects.filter(pk=questionnaire.pk), actor, "approve"
        ).exists()
        and not scope_of(actor).is_admin
    ):
        raise NotPermitted("只有负责监管该企业的部门可以审核安全三问。")
    target = "approved" if approve else "returned"
    with transaction.atomic():
        q = locked(SafetyQuestionnaire, questionnaire.pk, expected_version=expected_version)
        if (q.state, target) not in SafetyQuestionnaire.TRANSITIONS:
            raise InvalidTransition(
                f"安全三问当前为“{q.get_state_display()}”,不能{'通过' if approve else '退回'}。"
            )
        q.state, q.reviewed_at, q.reviewed_by = target, timezone.now(), actor
        q.review_comment = comment[:500]
        q.save()
        record_event(
            f"enterprises.questionnaire.{target}",
            f"{'通过' if approve else '退回'}“{q.enterprise}”{q.year}年安全三问"
            + (f"(意见:{comment})" if comment else ""),
            target=q,
        )
    return q


def bulk_set_major_hazard_grades(mapping: dict[int, str]) -> int:
    """Demo loaders only: set many enterprises' highest major-hazard grade and re-apply the tier
    rule in one bulk update (no per-row change records; the loader writes one event)."""
    rule = current_rule()
    ents = list(Enterprise.objects.filter(pk__in=list(mapping)))
    for ent in ents:
        ent.major_hazard_grade = mapping[ent.pk]
        _apply_tier(ent, rule)
    Enterprise.objects.bulk_update(
        ents, ["major_hazard_grade", "tier", "tier_computed", "tier_reason"], batch_size=500
    )
    return len(ents)
