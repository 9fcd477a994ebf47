from django.urls import path

from . import views

app_name = "command"

urlpatterns = [
    path("", views.command_map, name="map"),
    path("panels/", views.panels, name="panels"),
]
