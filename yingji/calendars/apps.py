from django.apps import AppConfig

from yingji.core.hooks import Card, Nav, SettingsPage


class CalendarsConfig(AppConfig):
    """工作日历: the State Council's holiday schedule as an editable table over the built-in data
    (chinese_calendar covers 2004–2026 only). Added as one folder plus one INSTALLED_APPS line:
    everything it adds to the platform is declared here."""

    name = "yingji.calendars"
    label = "calendars"
    verbose_name = "工作日历"
    url_prefix = "calendar/"
    api_router = "yingji.calendars.api.router"
    navigation = [
        Nav("工作日历", "calendars:index", icon="calendar3", group="foundation", order=40)
    ]
    settings_pages = [
        SettingsPage("工作日历(节假日与调休)", "calendars:index", "录入国务院办公厅公布的放假安排")
    ]
    dashboard_cards = [Card("calendars.missing_year", "yingji.calendars.cards.missing_year", 5)]

    def ready(self):
        from . import checks, permissions  # noqa: F401
