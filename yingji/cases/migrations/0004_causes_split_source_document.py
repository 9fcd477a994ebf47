"""事故原因 becomes 直接原因 and 间接原因: the old text is split at a 间接原因 label (a heading or
"间接原因:" after a sentence, yingji.cases.parsing.split_causes); a text that cannot be split
stays whole in 直接原因. And the case keeps its investigation report (a core attachment)."""

import django.db.models.deletion
from django.db import migrations, models


def split(apps, schema_editor):
    from yingji.cases.parsing import split_causes

    Case = apps.get_model("cases", "Case")
    for pk, text in Case.objects.exclude(direct_causes="").values_list("pk", "direct_causes"):
        direct, indirect = split_causes(text)
        if indirect:
            Case.objects.filter(pk=pk).update(direct_causes=direct, indirect_causes=indirect)


def join(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    for pk, direct, indirect in Case.objects.exclude(indirect_causes="").values_list(
        "pk", "direct_causes", "indirect_causes"
    ):
        text = f"直接原因:{direct}\n间接原因:{indirect}" if direct else f"间接原因:{indirect}"
        Case.objects.filter(pk=pk).update(direct_causes=text)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_warning_pushes"),
        ("core", "0002_search_index"),
    ]

    operations = [
        migrations.RenameField("case", "causes", "direct_causes"),
        migrations.AlterField(
            model_name="case",
            name="direct_causes",
            field=models.TextField(blank=True, verbose_name="直接原因"),
        ),
        migrations.AddField(
            model_name="case",
            name="indirect_causes",
            field=models.TextField(blank=True, verbose_name="间接原因"),
        ),
        migrations.RunPython(split, join),
        migrations.AddField(
            model_name="case",
            name="source_document",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.attachment",
                verbose_name="调查报告原件",
            ),
        ),
    ]
