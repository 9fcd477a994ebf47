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


def _reviews():
    from yingji.response.models import Review

    return Review.objects.all()


def _review_actions():
    from yingji.response.models import ReviewAction

    return ReviewAction.objects.filter(review__event__region__path__startswith="/620100/620103/")


def _bureau_logs():
    from yingji.response.models import ShiftLog

    return ShiftLog.objects.filter(shift__organisation__code="LZYJJ")


def _swaps():
    from yingji.response.models import ShiftSwap

    return ShiftSwap.objects.filter(shift__organisation__code="LZYJJ")


def _joint():
    from yingji.response.models import JointDutyMember

    return JointDutyMember.objects.filter(event__region__code="620104")


def _joint_periods_xigu():
    from yingji.response.models import JointDutyPeriod

    return JointDutyPeriod.objects.filter(event__region__code="620104")


def _releases_xigu():
    from yingji.response.models import Release

    return Release.objects.filter(event__region__code="620104")


def _unreleased():
    from yingji.response.models import Release

    return Release.objects.exclude(state="released")


def _activity_rows(name):
    def rows():
        from django.apps import apps

        model = apps.get_model("response", name)
        key = "organiser__code" if name == "Activity" else "activity__organiser__code"
        return model.objects.filter(**{key: "LZYJJ"})

    return rows


ACTIVITY_MODELS = ("Activity", "ActivityVenue", "ActivityDuty", "ActivityRisk", "ActivityTeam")

DENIALS = [
    Denial("response.Release", "enterprise", "view", _unreleased, "企业用户看不到未发布的稿件"),
    Denial(
        "response.Release", "county_b", "view", _releases_xigu, "城关区看不到西固区事件的发布稿"
    ),
    Denial("response.Release", "section", "approve", _releases_xigu, "审核审批只经服务按规则办理"),
    Denial(
        "response.JointDutyPeriod",
        "enterprise",
        "view",
        _joint_periods_xigu,
        "企业用户看不到联合值守时段",
    ),
    Denial(
        "response.JointDutyPeriod",
        "county_b",
        "view",
        _joint_periods_xigu,
        "城关区看不到西固区事件的联合值守时段",
    ),
    Denial(
        "response.JointDutyPeriod",
        "section",
        "change",
        _joint_periods_xigu,
        "联合值守时段只随响应级别决定开启和结束",
    ),
    Denial("response.ShiftSwap", "enterprise", "view", _swaps, "企业用户看不到调班"),
    Denial("response.ShiftSwap", "county_a", "view", _swaps, "县区看不到市局值班人员的调班"),
    Denial("response.ShiftSwap", "section", "change", _swaps, "调班只经服务由当事人和审批人处理"),
    Denial("response.JointDutyMember", "enterprise", "view", _joint, "企业用户看不到联合值守"),
    Denial(
        "response.JointDutyMember", "county_b", "change", _joint, "城关区不能调整西固区事件的编组"
    ),
    *[
        Denial(
            f"response.{name}", "enterprise", "view", _activity_rows(name), "企业用户看不到活动保障"
        )
        for name in (*ACTIVITY_MODELS, "ActivityReport")
    ],
    *[
        Denial(
            f"response.{name}",
            "county_a",
            "change",
            _activity_rows(name),
            "县区不能改市局牵头的活动",
        )
        for name in (*ACTIVITY_MODELS, "ActivityReport")
    ],
    Denial("response.Review", "enterprise", "view", _reviews, "企业用户看不到复盘"),
    Denial(
        "response.ReviewAction",
        "county_a",
        "view",
        _review_actions,
        "西固区看不到七里河区的复盘措施",
    ),
    Denial("response.ShiftLog", "enterprise", "view", _bureau_logs, "企业用户看不到值班日志"),
    Denial("response.ShiftLog", "county_a", "change", _bureau_logs, "县区不能改写市局的值班日志"),
    Denial("response.EventType", "enterprise", "view", _types, "事件类型不对企业开放"),
    Denial("response.EventType", "section", "change", _types, "事件类型由系统管理员维护"),
    Denial("response.Event", "enterprise", "view", _events, "企业用户看不到突发事件"),
    Denial("response.EventReport", "section", "change", _reports, "报送后的报告不可修改"),
    Denial(
        "response.CommandTask", "county_a", "approve", _tasks_of_others, "只有承办单位签收和反馈"
    ),
]

# Models a generated rule does not apply to, with the reason (collected by
# tests/test_permission_rules.py; shown here so that it is reviewed with the app).
EXCEPTIONS = {
    ("region", "response.ActivityVenue"): "重大活动保障对各单位工作人员公开;改动另有人工用例",
    ("region", "response.ActivityRisk"): "重大活动保障对各单位工作人员公开;改动另有人工用例",
}
