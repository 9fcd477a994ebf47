from django.apps import AppConfig

from yingji.core.hooks import Card, Companion, DailyJob, MapLayer, Nav, SearchProvider, SettingsPage


class MonitoringConfig(AppConfig):
    """监测预警 (issue #13; work points T19–T20, T23–T25, T29, T48, T65): monitoring stations,
    observation ingest (HTTP batch API and MQTT), rolling-window rules as data, alarms and the
    duty officer's alarm board. Added as one folder plus one INSTALLED_APPS line; the user
    journey and the design are in docs/monitoring.md."""

    name = "yingji.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"
    url_prefix = "monitoring/"
    api_router = "yingji.monitoring.api.router"
    navigation = [
        Nav(
            "监测预警",
            "monitoring:board",
            icon="broadcast",
            tasks="T19–T20, T23–T25, T29, T48, T65",
            order=60,
        )
    ]
    map_layers = [
        MapLayer(
            "monitoring", "监测站点(颜色为当前告警等级)", "/api/v1/monitoring/geojson", order=40
        )
    ]
    dashboard_cards = [
        Card("monitoring.escalated", "yingji.monitoring.cards.escalated_to_me", 5),
        Card("monitoring.open_alarms", "yingji.monitoring.cards.open_alarms", 10),
        Card("monitoring.my_station_alarms", "yingji.monitoring.cards.my_station_alarms", 12),
    ]
    daily_jobs = [
        DailyJob(
            "monitoring", "设备离线告警与红色告警升级", "yingji.monitoring.jobs.monitoring_sweep"
        ),
        DailyJob(
            "monitoring.partitions",
            "监测数据按月分区预建(PostgreSQL,本月及后两月)",
            "yingji.monitoring.jobs.monitoring_partitions",
        ),
    ]
    settings_pages = [
        SettingsPage(
            "监测预警设置",
            "monitoring:settings",
            "红色告警未确认升级时限、带班领导",
            allowed="monitoring.admin",
        )
    ]
    demo_loader = "yingji.monitoring.demo.load_demo"
    search_providers = [
        SearchProvider("monitoring", "监测站点", "yingji.monitoring.selectors.search", order=60)
    ]
    cli_commands = {
        "mqtt-ingest": "mqtt_ingest",
        "monitoring-sweep": "monitoring_sweep",
        "monitoring-demo-feed": "monitoring_demo_feed",
        "monitoring-partitions": "monitoring_partitions",
    }
    serve_companions = [
        Companion(
            "monitoring.demo_feed",
            "演示监测站点数据馈送(每 10 分钟)",
            ("monitoring-demo-feed", "--every", "600"),
            when="yingji.monitoring.demo.has_demo_stations",
        )
    ]

    def ready(self):
        from . import permissions  # noqa: F401
