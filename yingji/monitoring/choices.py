"""Choices of the monitoring module; the element catalogue is data (data/elements.json)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

KINDS = [
    ("rain", _("雨量站")),
    ("water", _("水位站")),
    ("weather", _("气象站")),
    ("geohazard", _("地质灾害监测点")),
    ("seismic", _("地震烈度仪")),
    ("tank", _("危化储罐")),
    ("gas", _("可燃/有毒气体探测器")),
    ("tailings", _("尾矿库")),
]
KIND_LABELS = dict(KINDS)

LEVEL_CHOICES = [
    ("blue", _("蓝色")),
    ("yellow", _("黄色")),
    ("orange", _("橙色")),
    ("red", _("红色")),
]
LEVEL_LABELS = dict(LEVEL_CHOICES)
LEVEL_SHORT = {"blue": "蓝", "yellow": "黄", "orange": "橙", "red": "红"}

AGGREGATES = [
    ("sum", _("累计")),
    ("mean", _("平均")),
    ("max", _("最大")),
    ("min", _("最小")),
    ("rate", _("变化量(窗口内末值−首值)")),
    ("daymax", _("逐日最高值(窗口内各日均达到)")),
    ("offline", _("设备离线")),  # no data for 2 × the reporting interval (no element)
]

# An alarm is active until no level is met; acknowledging and handling are the duty officer's.
ALARM_STATES = [
    ("open", _("未确认")),
    ("acknowledged", _("已确认")),
    ("handled", _("已处置")),
    ("cleared", _("已解除")),
]
ACTIVE_STATES = ("open", "acknowledged", "handled")

SCOPES = [("all", _("全部站点")), ("kind", _("某类站点")), ("station", _("单个站点"))]

DATA = Path(__file__).resolve().parent / "data" / "elements.json"


@cache
def element_catalogue() -> dict[str, dict]:
    """code → {"code","name","unit","interval" (minutes),"min","max"}."""
    rows = json.loads(DATA.read_text(encoding="utf-8"))["elements"]
    return {row["code"]: row for row in rows}


ELEMENT_CHOICES = [(c, f"{e['name']}({e['unit']})") for c, e in element_catalogue().items()]

# Per-station limits a rule level may refer to instead of (or before) its fixed threshold: the
# station's own 警戒/保证 water levels, a tank's high / high-high level (element spec "limits").
LIMITS = {
    "warning": _("警戒值(警戒水位)"),
    "guarantee": _("保证值(保证水位)"),
    "high": _("高报警值(高液位)"),
    "high_high": _("高高报警值(高高液位)"),
}
