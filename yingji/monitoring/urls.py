from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.board, name="board"),
    path("board/rows/", views.board_rows, name="board_rows"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm"),
    path("alarms/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("alarms/<int:pk>/handle/", views.handle, name="handle"),
    path("stations/", views.station_list, name="stations"),
    path("station-import/", views.station_import, name="station_import"),
    path("station-import/template/", views.station_import_template, name="station_import_template"),
    path("stations/<str:code>/", views.station_detail, name="station"),
    path("rules/", views.rules, name="rules"),
    path("notices/", views.notices, name="notices"),
    path("settings/", views.settings_page, name="settings"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/step/", views.import_step, name="import_step"),
    path("imports/<int:pk>/rejected.csv", views.import_rejected, name="import_rejected"),
    path("tokens/", views.ingest_tokens, name="ingest_tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_ingest_token, name="revoke_ingest_token"),
]
