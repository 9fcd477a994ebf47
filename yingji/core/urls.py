from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("search/", views.search, name="search"),
    path("settings/", views.settings_index, name="settings"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path(
        "records/<str:app_label>/<str:model_name>/<str:pk>/history/", views.history, name="history"
    ),
    path(
        "records/<str:app_label>/<str:model_name>/<str:pk>/attachments/",
        views.add_attachment,
        name="add_attachment",
    ),
    path(
        "records/<str:app_label>/<str:model_name>/<str:pk>/notes/", views.add_note, name="add_note"
    ),
    path("attachments/<int:pk>/", views.download_attachment, name="attachment"),
]
