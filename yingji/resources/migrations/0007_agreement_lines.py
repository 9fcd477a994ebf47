"""协议储备 in lines: an agreement holds several items (AgreementLine: item, quantity, response
time, called). The existing single item of each agreement (Agreement.item/quantity/called) moves
into one line, with the agreement's response time left on the agreement (the line inherits it);
each call-off (AgreementCall) is pointed at that line. Backwards, the first line of each agreement
goes back to the agreement's fields (further lines are lost: there is no place for them).
The schema changes after the data move are in 0008 (PostgreSQL refuses an ALTER TABLE in the
transaction that updated rows with deferred foreign-key checks pending)."""

import django.db.models.deletion
from django.db import migrations, models


def to_lines(apps, schema_editor):
    Agreement = apps.get_model("resources", "Agreement")
    AgreementLine = apps.get_model("resources", "AgreementLine")
    AgreementCall = apps.get_model("resources", "AgreementCall")
    for agreement in Agreement.objects.exclude(item=None).exclude(quantity=None).order_by("pk"):
        line = AgreementLine.objects.create(
            agreement=agreement,
            item_id=agreement.item_id,
            quantity=agreement.quantity,
            called=agreement.called,
        )
        AgreementCall.objects.filter(agreement=agreement).update(line=line)


def from_lines(apps, schema_editor):
    Agreement = apps.get_model("resources", "Agreement")
    AgreementLine = apps.get_model("resources", "AgreementLine")
    for agreement in Agreement.objects.order_by("pk"):
        line = AgreementLine.objects.filter(agreement=agreement).order_by("pk").first()
        if line is not None:
            Agreement.objects.filter(pk=agreement.pk).update(
                item_id=line.item_id, quantity=line.quantity, called=line.called
            )


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0006_evaluation_published"),
    ]

    operations = [
        migrations.CreateModel(
            name="AgreementLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="版本"),
                ),
                ("quantity", models.PositiveIntegerField(verbose_name="协议储备数量")),
                (
                    "response_hours",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="响应时限(小时)"
                    ),
                ),
                (
                    "called",
                    models.PositiveIntegerField(
                        default=0, editable=False, verbose_name="已调用数量"
                    ),
                ),
                (
                    "agreement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="resources.agreement",
                        verbose_name="协议",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agreement_lines",
                        to="resources.item",
                        verbose_name="协议储备物资",
                    ),
                ),
            ],
            options={
                "verbose_name": "协议储备明细",
                "verbose_name_plural": "协议储备明细",
                "ordering": ["agreement", "item__code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("agreement", "item"), name="resources_agreement_line_key"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("called__lte", models.F("quantity"))),
                        name="resources_agreement_line_called_within",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="agreementcall",
            name="line",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="calls",
                to="resources.agreementline",
                verbose_name="协议储备明细",
            ),
        ),
        migrations.RunPython(to_lines, from_lines),
    ]
