from django.apps import AppConfig

from .hooks import DailyJob, Nav, SettingsPage


class CoreConfig(AppConfig):
    name = "yingji.core"
    label = "core"
    verbose_name = "平台基础"
    url_prefix = ""
    api_router = "yingji.core.api.router"
    navigation = [
        Nav("变更记录", "core:audit", icon="clock-history", group="foundation", order=30),
    ]
    settings_pages = [
        SettingsPage("接口令牌", "core:tokens", "个人接口令牌的创建与撤销"),
    ]
    daily_jobs: list[DailyJob] = []
    cli_commands = {
        "init": "yingji_init",
        "demo": "yingji_demo",
        "serve": "yingji_serve",
        "worker": "db_worker",
        "backup": "yingji_backup",
        "restore": "yingji_restore",
        "check": "yingji_check",
        "daily": "yingji_daily",
        "reindex": "yingji_reindex",
    }

    def ready(self):
        from . import audit, permissions, textsearch

        audit.connect()
        textsearch.connect()
        permissions.register_core()
