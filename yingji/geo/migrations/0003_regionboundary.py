"""Region boundaries move to their own table (RegionBoundary): a county polygon (~34 KB) was read
by every join to its region. The data moves with the schema, both ways."""

import django.db.models.deletion
from django.db import migrations, models

import yingji.geo.models


def forwards(apps, schema_editor):
    Region = apps.get_model("geo", "Region")
    RegionBoundary = apps.get_model("geo", "RegionBoundary")
    rows = Region.objects.filter(boundary__isnull=False).exclude(boundary="")
    RegionBoundary.objects.bulk_create(
        [RegionBoundary(region_id=pk, geojson=text) for pk, text in rows.values_list("pk", "boundary")]
    )


def backwards(apps, schema_editor):
    Region = apps.get_model("geo", "Region")
    RegionBoundary = apps.get_model("geo", "RegionBoundary")
    for pk, text in RegionBoundary.objects.values_list("region_id", "geojson"):
        Region.objects.filter(pk=pk).update(boundary=text)


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0002_boundary_as_text"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegionBoundary",
            fields=[
                (
                    "region",
                    yingji.geo.models.BoundaryField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="boundary_row",
                        serialize=False,
                        to="geo.region",
                    ),
                ),
                ("geojson", models.TextField(verbose_name="边界(GeoJSON,WGS84)")),
            ],
            options={
                "verbose_name": "行政区划边界",
                "verbose_name_plural": "行政区划边界",
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="region", name="boundary"),
        migrations.AlterField(
            model_name="regionboundary",
            name="region",
            field=yingji.geo.models.BoundaryField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="boundary",
                serialize=False,
                to="geo.region",
            ),
        ),
    ]
