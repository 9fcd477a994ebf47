"""Hand-written denials for 值班与应急响应 (tests/test_permission_rules.py): event types reach
neither an enterprise nor a region, and the actions the generated rules do not test (signing a
task of another organisation, changing a submitted report, the enterprise seeing any event)."""

from yingji.core.testing import Denial


def _types():
    from yingji.response.models import EventType

    return EventType.objects.all()


def _events():
    from yingji.response.models import Event

    return Event.objects.all()


def _reports():
    from yingji.response.models import EventReport

    return EventReport.objects.all()


def _tasks_of_others():
    from yingji.response.models import CommandTask

    return CommandTask.objects.exclude(assignee__code="XGQ-YJJ")


DENIALS = [
    Denial("response.EventType", "enterprise", "view", _types, "事件类型不对企业开放"),
    Denial("response.EventType", "section", "change", _types, "事件类型由系统管理员维护"),
    Denial("response.Event", "enterprise", "view", _events, "企业用户看不到突发事件"),
    Denial("response.EventReport", "section", "change", _reports, "报送后的报告不可修改"),
    Denial(
        "response.CommandTask", "county_a", "approve", _tasks_of_others, "只有承办单位签收和反馈"
    ),
]
