from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("", views.officer_list, name="index"),
    path("officers/new/", views.officer_new, name="officer_new"),
    path("officers/<int:pk>/", views.officer_detail, name="officer"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("officers/<int:pk>/status/", views.officer_status, name="officer_status"),
    path("officers/<int:pk>/training/", views.officer_training, name="officer_training"),
    path("officers/<int:pk>/conflict/", views.officer_conflict, name="officer_conflict"),
    path("conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
]
