"""The preloaded rules (reference data, editable afterwards by administrators):

- 暴雨 on ``rain`` from the CMA signal table (yingji.standards.cma_signals, 中国气象局令第16号
  (2007) annex, standards-digest.md §5.2, confidence HIGH);
- combustible gas %LEL two-level alarm and tank level high / high-high: PROJECT DEFAULTS to be
  confirmed by the 危化科 per installation (common practice for detectors: 25 %LEL low alarm,
  50 %LEL high alarm; tank limits depend on the tank: set a station rule for each).
"""

from django.db import migrations

from yingji.standards.cma_signals import rainstorm_table, source


def rules():
    return [
        {
            "code": "CMA-RAINSTORM",
            "name": "暴雨(累计雨量)",
            "element": "rain",
            "aggregate": "sum",
            "levels": [
                {
                    "level": r["level"],
                    "window_minutes": r["window_hours"] * 60,
                    "threshold": r["threshold"],
                }
                for r in rainstorm_table()
            ],
            "scope": "all",
            "source": source(),
            "confidence": "HIGH",
        },
        {
            "code": "GAS-LEL",
            "name": "可燃气体浓度",
            "element": "gas_lel",
            "aggregate": "max",
            "levels": [
                {"level": "yellow", "window_minutes": 0, "threshold": 25},
                {"level": "red", "window_minutes": 0, "threshold": 50},
            ],
            "scope": "all",
            "source": "项目默认值(一级报警 25 %LEL、二级报警 50 %LEL),待危化科按装置确认,可修改",
            "confidence": "项目默认值",
        },
        {
            "code": "TANK-LEVEL",
            "name": "储罐液位高/高高",
            "element": "tank_level",
            "aggregate": "max",
            "levels": [
                {"level": "orange", "window_minutes": 0, "threshold": 16.0},
                {"level": "red", "window_minutes": 0, "threshold": 17.5},
            ],
            "scope": "kind",
            "station_kind": "tank",
            "source": "项目默认值(按罐高约 20 m 的常压储罐设高液位 16 m、高高液位 17.5 m),"
            "应按每个储罐的设计液位为其单独设置站点规则",
            "confidence": "项目默认值",
        },
    ]


def load(apps, schema_editor):
    Rule = apps.get_model("monitoring", "Rule")
    for row in rules():
        Rule.objects.get_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
