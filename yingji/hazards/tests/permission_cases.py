"""Hand-written denials for the hazards app (see tests/test_permission_rules.py)."""

from yingji.core.testing import Denial


def _settings():
    from yingji.hazards.models import HazardSettings

    return HazardSettings.objects.all()


def _make_settings():
    from yingji.hazards.models import HazardSettings

    if not HazardSettings.objects.exists():
        from yingji.core.context import actor_context

        with actor_context(None, source="test"):
            HazardSettings.objects.create()


def _numbers():
    from yingji.hazards.models import HazardNumber

    return HazardNumber.objects.all()


DENIALS = [
    Denial(
        "hazards.HazardSettings",
        "section",
        "change",
        _settings,
        "排序权重只有系统管理员可改",
        _make_settings,
    ),
    Denial("hazards.HazardNumber", "county_a", "view", _numbers, "编号计数器是内部簿记"),
]
