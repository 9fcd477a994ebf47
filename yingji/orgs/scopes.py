"""Compute a user's permission Scope from their active memberships."""

from yingji.core.permissions import Scope

from .choices import CITY_WIDE_ROLES, READ_ONLY_ROLES


def compute_scope(user) -> Scope:
    from .models import Membership

    memberships = list(
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation__region")
        .order_by("pk")
    )
    roles = frozenset(m.role for m in memberships)
    return Scope(
        user_id=user.pk,
        is_admin=user.is_superuser or "system_admin" in roles,
        read_all=bool(roles.intersection(CITY_WIDE_ROLES)),
        read_only=bool(roles) and roles <= READ_ONLY_ROLES,
        roles=roles,
        org_ids=frozenset(m.organisation_id for m in memberships),
        org_paths=tuple(sorted({m.organisation.path for m in memberships})),
        region_paths=tuple(
            sorted({m.organisation.region.path for m in memberships if m.role == "county_staff"})
        ),
        enterprise_org_ids=frozenset(
            m.organisation_id for m in memberships if m.role == "enterprise_user"
        ),
        section_org_ids=frozenset(
            m.organisation_id for m in memberships if m.role in ("city_staff", "city_leader")
        ),
        labels=tuple(f"{m.organisation.name}·{m.get_role_display()}" for m in memberships),
    )
