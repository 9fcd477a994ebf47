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
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.hazard_action, name="action"),
]
