from django.apps import AppConfig

from yingji.core.hooks import Card, DailyJob, Nav, SearchProvider


class ReportsConfig(AppConfig):
    """研判简报 (issue #18; work points T11, T48, T49): weekly, monthly and quarterly risk
    briefs of the city or a county, computed from the other modules' selectors and frozen as a
    snapshot; 研判意见 written in the browser; reviewed by another person; issued as a numbered,
    read-only document (.docx and a print page). Added as one folder plus one INSTALLED_APPS
    line (docs/reports.md)."""

    name = "yingji.reports"
    label = "reports"
    verbose_name = "研判简报"
    url_prefix = "reports/"
    api_router = "yingji.reports.api.router"
    navigation = [
        Nav(
            "研判简报",
            "reports:index",
            icon="graph-up",
            tasks="T11, T48, T49",
            order=105,
            allowed="reports.open",
        )
    ]
    dashboard_cards = [Card("reports.unread", "yingji.reports.cards.unread", 40)]
    daily_jobs = [
        DailyJob(
            "reports",
            "研判简报:周一起草上周周研判,每月1日起草月研判,季初起草季度研判",
            "yingji.reports.jobs.draft_scheduled_briefs",
        )
    ]
    demo_loader = "yingji.reports.demo.load_demo"
    search_providers = [
        SearchProvider("reports", "研判简报", "yingji.reports.selectors.search", order=105)
    ]

    def ready(self):
        from . import permissions  # noqa: F401
