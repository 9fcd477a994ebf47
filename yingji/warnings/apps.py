from django.apps import AppConfig

from yingji.core.hooks import Card, DailyJob, MapLayer, Nav, RecordAction, SearchProvider


class WarningsConfig(AppConfig):
    """预警信息发布 (issue #14; work points T23, T35, T48, T55): warnings drafted after a 会商,
    approved by someone else holding the approval right, released through one window to every
    channel, acknowledged by the recipients; CAP 1.2 out and in, a public feed. Added as one
    folder plus one INSTALLED_APPS line; the journeys and the design are in docs/warnings.md."""

    name = "yingji.warnings"
    label = "warnings"
    verbose_name = "预警信息发布"
    url_prefix = "warnings/"
    api_router = "yingji.warnings.api.router"
    navigation = [
        Nav("预警信息发布", "warnings:list", icon="megaphone", tasks="T23, T35, T48, T55", order=61)
    ]
    map_layers = [
        MapLayer("warnings", "生效中的预警(影响区域,按级别着色)", "/api/v1/warnings/geojson", 45)
    ]
    dashboard_cards = [
        Card("warnings.in_force", "yingji.warnings.cards.in_force", 5),
        Card("warnings.to_acknowledge", "yingji.warnings.cards.to_acknowledge", 6),
    ]
    daily_jobs = [
        DailyJob("warnings", "预警信息:到期自动过期", "yingji.warnings.jobs.expire_warnings"),
        DailyJob(
            "warnings-cap-inbox",
            "预警信息:导入 CAP 收件目录",
            "yingji.warnings.jobs.import_cap_inbox",
        ),
        DailyJob(
            "warnings-cap-poll",
            "预警信息:拉取内网 CAP 地址",
            "yingji.warnings.jobs.poll_cap_urls",
        ),
    ]
    cli_commands = {
        "warnings-import-cap": "warnings_import_cap",
        "warnings-poll-cap": "warnings_poll_cap",
    }
    demo_loader = "yingji.warnings.demo.load_demo"
    # 起草预警 on a monitoring alarm's page: the draft form prefilled from the alarm (level,
    # counties of its station, headline, description, source alarm)
    record_actions = [
        RecordAction(
            "monitoring.alarm",
            "起草预警",
            "warnings:new",
            "alarms",
            "megaphone",
            allowed="warnings.draft",
        )
    ]
    search_providers = [
        SearchProvider("warnings", "预警信息", "yingji.warnings.selectors.search", order=61)
    ]

    def ready(self):
        from . import permissions  # noqa: F401
