"""协议储备 in lines (after 0007's data move): every call-off has its line; the agreement's single
item, quantity and called count are gone."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0007_agreement_lines"),
    ]

    operations = [
        migrations.AlterField(
            model_name="agreementcall",
            name="line",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="calls",
                to="resources.agreementline",
                verbose_name="协议储备明细",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="agreement",
            name="resources_agreement_called_within",
        ),
        migrations.RemoveField(model_name="agreement", name="called"),
        migrations.RemoveField(model_name="agreement", name="item"),
        migrations.RemoveField(model_name="agreement", name="quantity"),
    ]
