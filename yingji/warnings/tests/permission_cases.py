"""Hand-written denials for 预警信息发布 (tests/test_permission_rules.py): the models and actions
the generated rules do not reach (event types, approving, acknowledging another's task)."""

from yingji.core.testing import Denial


def _event_types():
    from yingji.warnings.models import EventType

    return EventType.objects.all()


def _city_warnings():
    from yingji.warnings.models import Warning

    return Warning.objects.filter(jurisdiction__level="city")


def _county_acks():
    from yingji.warnings.models import Acknowledgement

    return Acknowledgement.objects.filter(organisation__kind="county_bureau")


def _drafts():
    from yingji.warnings.models import Warning

    return Warning.objects.filter(state__in=("draft", "submitted"))


def _other_deliveries():
    from yingji.warnings.models import Delivery

    return Delivery.objects.all()


DENIALS = [
    Denial("warnings.EventType", "county_a", "change", _event_types, "事件类型只有管理员可改"),
    Denial("warnings.EventType", "section", "change", _event_types, "事件类型只有管理员可改"),
    Denial("warnings.Warning", "county_a", "change", _city_warnings, "全市预警须由市局处理"),
    Denial("warnings.Warning", "enterprise", "change", _city_warnings, "企业不能起草或修改预警"),
    Denial("warnings.Warning", "enterprise", "view", _drafts, "企业看不到草稿和待审批的预警"),
    Denial("warnings.Acknowledgement", "enterprise", "change", _county_acks, "县区局的签收任务"),
    Denial(
        "warnings.Acknowledgement", "section", "change", _county_acks, "只有接收单位的人员可签收"
    ),
    Denial("warnings.Delivery", "enterprise", "view", _other_deliveries, "发送记录不对企业开放"),
    Denial(
        "warnings.ContactPhone",
        "county_a",
        "change",
        lambda: _phones(),
        "预警短信接收号码由管理员维护",
    ),
]


def _phones():
    from yingji.warnings.models import ContactPhone

    return ContactPhone.objects.all()
