"""Read queries shared by views, API and other apps."""

from __future__ import annotations

from .models import OrgAlias, Organisation, OrgGroup


def name_directory() -> dict:
    """Everything needed to resolve organisation names found in documents:
    {"names": {name: id}, "aliases": {alias: (canonical name, confirmed)},
     "groups": {group name: [canonical names]}}."""
    names = dict(Organisation.objects.filter(is_active=True).values_list("name", "pk"))
    aliases = {
        a.name: (a.organisation.name, a.confirmed)
        for a in OrgAlias.objects.select_related("organisation")
    }
    groups = {
        g.name: [m.organisation.name for m in g.memberships.select_related("organisation")]
        for g in OrgGroup.objects.prefetch_related("memberships")
    }
    return {"names": names, "aliases": aliases, "groups": groups}


def search(user, q: str, limit: int = 10):
    """Global search: organisations (and enterprises the user may see) by name, alias or code."""
    from django.db.models import Q

    from yingji.core.hooks import SearchHit
    from yingji.core.permissions import restrict

    qs = restrict(Organisation.objects.select_related("region").defer("region__boundary"), user)
    qs = qs.filter(Q(name__contains=q) | Q(code__iexact=q) | Q(aliases__name__contains=q))
    return [
        SearchHit(o.name, o.get_absolute_url(), o.get_kind_display())
        for o in qs.distinct().order_by("kind", "name")[:limit]
    ]
