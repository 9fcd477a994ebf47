"""Hand-written denials for the risk app (see tests/test_permission_rules.py)."""

from yingji.core.testing import Denial


def _settings():
    from yingji.risk.models import RiskSettings

    return RiskSettings.objects.all()


DENIALS = [
    Denial("risk.RiskSettings", "section", "change", _settings, "风险分级参数只有系统管理员可改"),
]
