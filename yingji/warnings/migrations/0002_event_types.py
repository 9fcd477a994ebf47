"""Reference data: the warning event types and their 防御指南 templates (data/event_types.json);
idempotent, and an administrator's later edits are kept (existing codes are not overwritten)."""

from django.db import migrations


def load(apps, schema_editor):
    from yingji.warnings.choices import event_type_rows

    EventType = apps.get_model("warnings", "EventType")
    for row in event_type_rows():
        EventType.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "group": row["group"],
                "category": row["category"],
                "guide": row["guide"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("warnings", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
