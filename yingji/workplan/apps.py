from django.apps import AppConfig

from yingji.core.hooks import Card, DailyJob, Nav, SearchProvider


class WorkplanConfig(AppConfig):
    name = "yingji.workplan"
    label = "workplan"
    verbose_name = "工作要点督办"
    url_prefix = "workplan/"
    api_router = "yingji.workplan.api.router"
    navigation = [
        Nav(
            "工作要点督办",
            "workplan:index",
            icon="list-check",
            tasks="T1–T68",
            order=10,
            allowed="workplan.open",
        )
    ]
    dashboard_cards = [
        Card(
            "workplan.todo",
            "yingji.workplan.cards.todo",
            10,
            allowed=lambda s: s.has_role("city_staff", "county_staff", "dept_liaison"),
        ),
        Card("workplan.figures", "yingji.workplan.cards.figures", 10, allowed="workplan.open"),
    ]
    daily_jobs = [
        DailyJob(
            "workplan",
            "工作要点督办:临期提醒与滞后标记",
            "yingji.workplan.jobs.workplan_daily_check",
        ),
        DailyJob(
            "workplan-ladder",
            "工作要点督办:督办阶梯(提醒、催办、督办单、通报、约谈)",
            "yingji.workplan.jobs.workplan_ladder",
        ),
    ]
    demo_loader = "yingji.workplan.demo.load_demo"
    search_providers = [
        SearchProvider("workplan", "工作要点任务", "yingji.workplan.selectors.search", 10)
    ]
    cli_commands = {"import-workplan": "import_workplan", "workplan-daily": "workplan_daily"}

    def ready(self):
        from . import permissions  # noqa: F401
