from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q

from yingji.core.permissions import jurisdiction_q, restricts

from .choices import PUBLIC_KINDS
from .models import Membership, OrgAlias, Organisation, OrgGroup, OrgGroupMember

User = get_user_model()


def organisation_q(scope, action: str, prefix: str = "") -> Q:
    """Which organisations a scope may see (view/export) or change (add/change)."""
    p = prefix
    own_enterprise = Q(**{f"{p}pk__in": scope.enterprise_org_ids})
    in_jurisdiction = jurisdiction_q(scope, f"{p}region__path")
    if action in ("view", "export"):
        if scope.read_all:
            return Q()
        return Q(**{f"{p}kind__in": PUBLIC_KINDS}) | in_jurisdiction | own_enterprise
    if action in ("add", "change"):
        # County staff keep the enterprise organisations of their county, city section staff
        # those of the whole city (they register and supervise city-tier enterprises, T3); an
        # enterprise user its own. The bureau's own structure is changed by administrators only.
        where = Q() if "city_staff" in scope.roles else in_jurisdiction
        return (Q(**{f"{p}kind": "enterprise"}) & where) | own_enterprise
    return Q(pk__in=[])


@restricts(Organisation)
def restrict_organisations(qs, scope, action):
    return qs.filter(organisation_q(scope, action))


@restricts(OrgAlias)
@restricts(OrgGroup)
@restricts(OrgGroupMember)
def restrict_org_reference(qs, scope, action):
    return qs if action in ("view", "export") else qs.none()


@restricts(Membership)
def restrict_memberships(qs, scope, action):
    if action not in ("view", "export"):
        return qs.none()
    if scope.read_all:
        return qs
    return qs.filter(
        Q(user_id=scope.user_id)
        | jurisdiction_q(scope, "organisation__region__path")
        | Q(organisation_id__in=scope.enterprise_org_ids)
    )


@restricts(User)
def restrict_users(qs, scope, action):
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        visible = Membership.objects.filter(
            jurisdiction_q(scope, "organisation__region__path")
            | Q(organisation_id__in=scope.enterprise_org_ids)
        ).values("user_id")
        return qs.filter(Q(pk=scope.user_id) | Q(pk__in=visible))
    if action == "change":
        return qs.filter(pk=scope.user_id)  # one's own profile
    return qs.none()


@restricts(Group)
def restrict_groups(qs, scope, action):
    return qs.none()  # Django permission groups: administrators only
