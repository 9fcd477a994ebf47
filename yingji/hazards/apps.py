from django.apps import AppConfig

from yingji.core.hooks import Card, DailyJob, MapLayer, Nav, SearchProvider


class HazardsConfig(AppConfig):
    name = "yingji.hazards"
    label = "hazards"
    verbose_name = "隐患排查治理"
    url_prefix = "hazards/"
    api_router = "yingji.hazards.api.router"
    navigation = [
        Nav("隐患排查治理", "hazards:index", icon="tools", tasks="T10, T14–T18, T28", order=40)
    ]
    map_layers = [
        MapLayer("hazards", "未销号隐患(红色大三角为重大隐患)", "/api/v1/hazards/geojson", order=30)
    ]
    dashboard_cards = [
        Card("hazards.todo", "yingji.hazards.cards.todo", 20, allowed=lambda s: not s.read_only),
        Card(
            "hazards.duty",
            "yingji.hazards.cards.duty",
            20,
            allowed=lambda s: s.has_role("duty_officer"),
        ),
        Card("hazards.figures", "yingji.hazards.cards.figures", 20),
    ]
    daily_jobs = [
        DailyJob(
            "hazards",
            "隐患排查治理:整改期限临期提醒与逾期上报",
            "yingji.hazards.jobs.hazards_daily_check",
        )
    ]
    demo_loader = "yingji.hazards.demo.load_demo"
    search_providers = [SearchProvider("hazards", "隐患", "yingji.hazards.selectors.search", 30)]
    search_index = {
        "Hazard": ("code", "description", "enterprise__organisation__name", "place", "location")
    }
    cli_commands = {"hazards-daily": "hazards_daily"}

    def ready(self):
        from . import permissions, receivers  # noqa: F401
