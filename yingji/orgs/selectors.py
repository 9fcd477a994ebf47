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
