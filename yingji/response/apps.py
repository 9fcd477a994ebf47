from django.apps import AppConfig

from yingji.core.hooks import (
    Card,
    DailyJob,
    MapLayer,
    Nav,
    RecordAction,
    RecordLinks,
    SearchProvider,
    SettingsPage,
)


class ResponseConfig(AppConfig):
    """值班与应急响应 (issue #15; work points T33–T36, T40, T63): event intake (接报) with
    493号令 grading and live reporting clocks, reports up (首报/续报/核报/补报/终报, immutable),
    response levels Ⅰ–Ⅳ decided by the 带班领导, command tasks (指令) with 签收 and 反馈, the
    after-action review (复盘), duty rosters with Excel import/export and swaps with approval
    (调班), the shift log and handover, 联合值守 on an event, 重大活动保障 (T40), .docx reports.
    Added as one folder plus one INSTALLED_APPS line; see docs/response.md."""

    name = "yingji.response"
    label = "response"
    verbose_name = "值班与应急响应"
    url_prefix = "response/"
    api_router = "yingji.response.api.router"
    navigation = [
        Nav(
            "值班与应急响应",
            "response:events",
            icon="telephone",
            tasks="T33–T36, T40, T63",
            order=80,
            allowed="response.open",
        )
    ]
    map_layers = [
        MapLayer(
            "events",
            "处置中的突发事件(按响应级别/事故等级着色)",
            "/api/v1/response/geojson",
            order=60,
            allowed="response.open",
        )
    ]
    dashboard_cards = [
        Card(
            "response.escalated",
            "yingji.response.cards.escalated_to_me",
            2,
            allowed="response.open",
        ),
        Card("response.today", "yingji.response.cards.today", 3, allowed="response.open"),
        Card("response.clocks", "yingji.response.cards.clocks", 8, allowed="response.open"),
    ]
    settings_pages = [
        SettingsPage(
            "突发事件类型",
            "response:types",
            "GB/T 35561 类别下的事件类型及是否按事故定级",
            allowed="response.open",
        )
    ]
    demo_loader = "yingji.response.demo.load_demo"
    # 立为事件 on an alarm's and a warning's page: the intake form filled from the record
    record_actions = [
        RecordAction(
            "monitoring.alarm",
            "立为事件",
            "response:intake",
            "alarm",
            "telephone-inbound",
            allowed="response.intake",
        ),
        RecordAction(
            "warnings.warning",
            "立为事件",
            "response:intake",
            "warning",
            "telephone-inbound",
            allowed="response.intake",
        ),
    ]
    # the hazard page lists the events linked to it (those the user may see)
    record_links = [
        RecordLinks(
            "hazards.hazard", "关联的突发事件", "yingji.response.hazard_links.hazard_events"
        )
    ]
    daily_jobs = [
        DailyJob(
            "response.escalate",
            "值班与应急响应:报告超时提醒带班领导",
            "yingji.response.jobs.escalate_overdue_reports",
        )
    ]
    search_providers = [
        SearchProvider("response", "突发事件", "yingji.response.selectors.search", order=70)
    ]

    def ready(self):
        from . import permissions  # noqa: F401
