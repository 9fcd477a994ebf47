from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="index"),
    path("new/", views.case_new, name="new"),
    path("import/", views.case_import, name="import"),
    path("<int:pk>/", views.case_detail, name="case"),
]
