"""Hand-written denials for the enterprises app (see tests/test_permission_rules.py)."""

from yingji.core.testing import Denial


def _tier_rule():
    from yingji.enterprises.models import TierRule

    return TierRule.objects.all()


def _make_import():
    from yingji.enterprises.models import EnterpriseImport

    if not EnterpriseImport.objects.exists():
        from django.contrib.auth import get_user_model

        from yingji.core.context import actor_context

        user = get_user_model().objects.get(username="chengguan_staff")
        with actor_context(user, source="test"):
            EnterpriseImport.objects.create(
                created_by=user, file_name="城关区企业.xlsx", sha256="0" * 64
            )


def _imports_of_others():
    from yingji.enterprises.models import EnterpriseImport

    return EnterpriseImport.objects.exclude(created_by__username="xigu_staff")


DENIALS = [
    Denial("enterprises.TierRule", "section", "change", _tier_rule, "分级规则只有系统管理员可改"),
    Denial(
        "enterprises.EnterpriseImport",
        "county_a",
        "view",
        _imports_of_others,
        "他人的导入批次",
        _make_import,
    ),
]
