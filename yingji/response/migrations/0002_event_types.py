"""The default event types (GB/T 35561 categories and the sub-types the desk uses) from
data/event_types.json; administrators edit them afterwards on the 事件类型 settings page."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "event_types.json"


def load(apps, schema_editor):
    EventType = apps.get_model("response", "EventType")
    rows = json.loads(DATA.read_text(encoding="utf-8"))["types"]
    existing = set(EventType.objects.values_list("code", flat=True))
    EventType.objects.bulk_create(
        [
            EventType(
                code=r["code"],
                name=r["name"],
                category=r["category"],
                production_safety=r.get("production_safety", False),
                road_or_fire=r.get("road_or_fire", False),
                order=i * 10,
            )
            for i, r in enumerate(rows, start=1)
            if r["code"] not in existing
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("response", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
