from django.urls import path

from . import views

app_name = "geo"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("map/", views.region_map, name="map"),
    path("<str:code>/", views.region_detail, name="detail"),
]
