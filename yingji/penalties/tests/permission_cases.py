"""Denials for 行政处罚案件 (tests/test_permission_rules.py)."""

from yingji.core.testing import Denial


def _extend():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yingji.core.context import actor_context
    from yingji.penalties.models import PenaltyCase
    from yingji.penalties.services import do_extend_deadline

    whk = get_user_model().objects.get(username="whk_staff")
    case = PenaltyCase.objects.filter(authority__code="LZYJJ", state="reviewing").first()
    if case is None or case.extensions.exists():
        return
    with actor_context(whk, source="test"):
        do_extend_deadline(
            actor=whk,
            case=case,
            days=10,
            reason="案情复杂(测试)",
            approver="局长",
            approved_on=timezone.localdate(),
        )


def _extensions():
    from yingji.penalties.models import DeadlineExtension

    return DeadlineExtension.objects.filter(case__authority__code="LZYJJ")


DENIALS = [
    Denial(
        "penalties.DeadlineExtension",
        "county_b",
        "view",
        _extensions,
        "县区应急局看不到市局案件的办案期限延长记录",
        _extend,
    ),
]
