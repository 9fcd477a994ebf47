"""Hand-written denials for the workplan app (see tests/test_permission_rules.py)."""

from yingji.core.testing import Denial

XIGU = "西固区应急管理局"


def _xigu_plan(model_path):
    def rows():
        from django.apps import apps

        app_label, name, path = model_path
        model = apps.get_model(app_label, name)
        return model.objects.filter(**{f"{path}owner__name": XIGU})

    return rows


def _imports():
    from yingji.workplan.models import ImportSession

    return ImportSession.objects.all()


def _make_contribution():
    from django.contrib.auth import get_user_model

    from yingji.core.context import actor_context
    from yingji.orgs.models import Organisation
    from yingji.workplan.models import Contribution, Task

    user = get_user_model().objects.get(username="whk_staff")
    task = Task.objects.filter(plan__owner__kind="bureau", cooperating__isnull=False).first()
    with actor_context(user, source="test"):
        Contribution.objects.create(
            task=task,
            cycle=task.plan.cycles.first(),
            organisation=Organisation.objects.get(name="危险化学品安全监督管理科"),
            narrative="配合开展危化品专项检查",
            submitted_by=user,
        )


def _contributions():
    from yingji.workplan.models import Contribution

    return Contribution.objects.filter(narrative="配合开展危化品专项检查")


def _city_notices():
    from yingji.workplan.models import SupervisionNotice

    return SupervisionNotice.objects.filter(assignment__task__plan__owner__kind="bureau")


def _make_xigu_reminder():
    """A reminder on a 西固区 plan's assignment: the demo's reminders depend on the day it is
    loaded (due dates relative to today), so the denial brings its own row."""
    import datetime as dt

    from yingji.core.context import actor_context
    from yingji.workplan.models import Assignment, Reminder

    assignment = Assignment.objects.filter(task__plan__owner__name=XIGU).first()
    with actor_context(None, source="test", label="test"):
        Reminder.objects.get_or_create(
            assignment=assignment,
            kind="due_soon",
            due=dt.date(2099, 12, 31),
            defaults={"for_date": dt.date(2099, 12, 24), "message": "西固区任务即将到期(测试)"},
        )


def _xigu_reminders():
    from yingji.workplan.models import Reminder

    return Reminder.objects.filter(assignment__task__plan__owner__name=XIGU)


def _all(name):
    def rows():
        from django.apps import apps

        return apps.get_model("workplan", name).objects.all()

    return rows


def _city_rows(name, path):
    def rows():
        from django.apps import apps

        return apps.get_model("workplan", name).objects.filter(**{f"{path}owner__kind": "bureau"})

    return rows


DENIALS = [
    Denial("workplan.Bulletin", "enterprise", "view", _all("Bulletin"), "企业看不到通报"),
    Denial("workplan.Bulletin", "section", "add", _all("Bulletin"), "业务科室不能发布通报"),
    Denial(
        "workplan.Escalation",
        "county_a",
        "view",
        _city_rows("Escalation", "assignment__task__plan__"),
        "县区看不到市局科室的督办事项",
    ),
    Denial(
        "workplan.LadderAction",
        "enterprise",
        "view",
        _all("LadderAction"),
        "企业看不到督办记录",
    ),
    Denial("workplan.LadderStep", "section", "change", _all("LadderStep"), "只有管理员改督办阶梯"),
    Denial("workplan.LadderStep", "leader", "change", _all("LadderStep"), "领导只读"),
    Denial("workplan.ScoreWeight", "county_a", "change", _all("ScoreWeight"), "只有管理员改分值"),
    Denial(
        "workplan.SupervisionNotice",
        "section",
        "approve",
        _all("SupervisionNotice"),
        "业务科室不能办结督办单(督查科室办结)",
    ),
    Denial(
        "workplan.SupervisionNotice",
        "leader",
        "change",
        _all("SupervisionNotice"),
        "领导只读,不能反馈督办单",
    ),
    Denial(
        "workplan.Reminder",
        "county_b",
        "view",
        _xigu_reminders,
        "城关区看不到西固区计划的提醒",
        _make_xigu_reminder,
    ),
    Denial(
        "workplan.Contribution",
        "enterprise",
        "view",
        _contributions,
        "企业看不到配合情况",
        _make_contribution,
    ),
    Denial(
        "workplan.Contribution",
        "county_a",
        "change",
        _contributions,
        "县区不能改市局科室的配合情况",
        _make_contribution,
    ),
    Denial("workplan.SupervisionNotice", "county_a", "view", _city_notices, "市局对科室的督办单"),
    Denial(
        "workplan.Plan",
        "county_b",
        "view",
        _xigu_plan(("workplan", "Plan", "")),
        "西固区的对照计划",
    ),
    Denial(
        "workplan.Part",
        "county_b",
        "view",
        _xigu_plan(("workplan", "Part", "plan__")),
        "西固区计划的部分",
    ),
    Denial(
        "workplan.Section",
        "county_b",
        "view",
        _xigu_plan(("workplan", "Section", "part__plan__")),
        "西固区计划的章节",
    ),
    Denial(
        "workplan.Task",
        "county_b",
        "view",
        _xigu_plan(("workplan", "Task", "plan__")),
        "西固区计划的任务",
    ),
    Denial(
        "workplan.ReportingCycle",
        "county_b",
        "change",
        _xigu_plan(("workplan", "ReportingCycle", "plan__")),
        "西固区计划的报送周期",
    ),
    Denial(
        "workplan.Plan",
        "section",
        "change",
        _xigu_plan(("workplan", "Plan", "")),
        "市局业务科室不改县区计划",
    ),
    Denial("workplan.ImportSession", "enterprise", "view", _imports, "企业看不到工作要点导入"),
]

# Models a generated rule does not apply to, with the reason (collected by
# tests/test_permission_rules.py; shown here so that it is reviewed with the app).
EXCEPTIONS = {
    ("region", "workplan.Plan"): "市局计划对全市各单位公开;县区计划另有人工用例",
    ("region", "workplan.Part"): "随所属计划公开",
    ("region", "workplan.Section"): "随所属计划公开",
    ("region", "workplan.Task"): "随所属计划公开",
    ("region", "workplan.ReportingCycle"): "随所属计划公开",
    ("region", "workplan.ImportSession"): "由导入人本人可见,另有人工用例",
}
