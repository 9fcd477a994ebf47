"""The starting item catalogue (yingji/standards/data/emergency_supplies.json; codes in the
GB/T 38565-2020 structure, see yingji.standards.supplies for what is and is not confirmed)."""

from django.db import migrations


def load(apps, schema_editor):
    from yingji.standards.supplies import catalogue

    Item = apps.get_model("resources", "Item")
    for row in catalogue():
        Item.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "unit": row["unit"],
                "shelf_life_days": row["shelf_life_days"],
                "reusable": row["reusable"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
