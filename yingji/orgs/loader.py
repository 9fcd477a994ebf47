"""Load the bureau's organisation structure, aliases and groups (idempotent)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from yingji.core.audit import record_event
from yingji.geo.models import Region

from .models import OrgAlias, Organisation, OrgGroup, OrgGroupMember

SEED = Path(__file__).parent / "data" / "lanzhou-organisations.json"


@transaction.atomic
def load_organisations(path: Path = SEED) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    regions = {r.code: r for r in Region.objects.all()}
    created = 0
    for item in data["organisations"]:
        org = Organisation.objects.filter(code=item["code"]).first()
        if org is None:
            # A renamed organisation keeps its code: never recreate it under its old name.
            org = Organisation.objects.create(
                code=item["code"],
                name=item["name"],
                kind=item["kind"],
                parent=Organisation.objects.get(code=item["parent"]) if item["parent"] else None,
                region=regions[item["region"]],
                note=item.get("note", ""),
            )
            created += 1
        for alias in item.get("aliases", []):
            if not OrgAlias.objects.filter(name=alias["name"]).exists():
                OrgAlias.objects.create(
                    organisation=org,
                    name=alias["name"],
                    confirmed=alias["confirmed"],
                    note=alias.get("note", ""),
                )
    for group in data["groups"]:
        grp, new = OrgGroup.objects.get_or_create(
            name=group["name"], defaults={"note": group.get("note", "")}
        )
        if new:  # an existing group was perhaps edited by an administrator: leave it alone
            for code in group["members"]:
                OrgGroupMember.objects.create(
                    group=grp, organisation=Organisation.objects.get(code=code)
                )
    if created:
        record_event(
            "orgs.structure.loaded", f"载入组织机构 {created} 个", created=created, source=str(path)
        )
    return {"created": created}
