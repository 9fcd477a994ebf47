from django.apps import AppConfig

from yingji.core.hooks import Card, DailyJob, Nav, SearchProvider


class PlansConfig(AppConfig):
    """预案与演练 (issue #18; work points T31, T32): emergency plans with versions, text diff,
    review cycles and filing (备案) with the bureau; drills with findings tracked through
    整改 → 验证. Added as one folder plus one INSTALLED_APPS line (docs/plans.md)."""

    name = "yingji.plans"
    label = "plans"
    verbose_name = "预案与演练"
    url_prefix = "plans/"
    api_router = "yingji.plans.api.router"
    navigation = [
        Nav("预案与演练", "plans:index", icon="journal-text", tasks="T31, T32", order=100)
    ]
    dashboard_cards = [
        Card("plans.review_due", "yingji.plans.cards.review_due", 60),
        Card("plans.findings_overdue", "yingji.plans.cards.findings_overdue", 61),
    ]
    daily_jobs = [
        DailyJob(
            "plans",
            "预案与演练:评估到期提醒(按工作日)",
            "yingji.plans.jobs.plans_daily_check",
        )
    ]
    demo_loader = "yingji.plans.demo.load_demo"
    search_providers = [
        SearchProvider("plans", "应急预案", "yingji.plans.selectors.search", order=100)
    ]

    def ready(self):
        from . import permissions  # noqa: F401
