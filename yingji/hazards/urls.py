from django.urls import path

from . import views

app_name = "hazards"
urlpatterns = [
    path("", views.hazard_list, name="index"),
    path("new/", views.hazard_new, name="new"),
    path("queue/", views.queue, name="queue"),
    path("stats/", views.stats, name="stats"),
    path("import/", views.import_hazards, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("returns/", views.returns, name="returns"),
    path("returns/status/", views.return_status, name="return_status"),
    path("returns/generate/", views.return_generate, name="return_generate"),
    path("returns/<int:pk>/", views.return_detail, name="return"),
    path("returns/<int:pk>/submit/", views.return_submit, name="return_submit"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.hazard_action, name="action"),
]
