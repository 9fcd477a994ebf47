from django.urls import path

from . import views

app_name = "calendars"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year_detail, name="year"),
]
