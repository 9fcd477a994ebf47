"""Risk records follow their enterprise's visibility (enterprises.permissions.enterprise_q):
county staff their county's county-tier enterprises, city roles the city, an enterprise user
its own. Units and risk points are kept by the enterprise or its regulator ("change"); a
diagnosis is recorded by the regulator ("approve")."""

from yingji.core.permissions import restricts
from yingji.enterprises.selectors import enterprise_q

from .models import (
    Diagnosis,
    EnterpriseRisk,
    MajorHazardUnit,
    RiskColourChange,
    RiskPoint,
    RiskSettings,
    UnitChemical,
)


def _action(action: str) -> str:
    return "change" if action == "add" else action


@restricts(MajorHazardUnit)
@restricts(RiskPoint)
@restricts(EnterpriseRisk)
@restricts(RiskColourChange)
def restrict_risk_records(qs, scope, action):
    return qs.filter(enterprise_q(scope, _action(action), "enterprise__"))


@restricts(Diagnosis)
def restrict_diagnoses(qs, scope, action):
    if action in ("add", "change"):
        action = "approve"  # the regulator records and corrects diagnoses
    return qs.filter(enterprise_q(scope, action, "enterprise__"))


@restricts(UnitChemical)
def restrict_unit_chemicals(qs, scope, action):
    return qs.filter(enterprise_q(scope, _action(action), "unit__enterprise__"))


@restricts(RiskSettings)
def restrict_risk_settings(qs, scope, action):
    return qs if action == "view" else qs.none()
