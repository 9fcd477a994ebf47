from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.brief_list, name="index"),
    path("generate/", views.generate, name="generate"),
    path("<int:pk>/", views.brief_detail, name="brief"),
    path("<int:pk>/print/", views.brief_print, name="print"),
    path("<int:pk>/word/", views.brief_word, name="word"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.send_back, name="return"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/distribute/", views.distribute, name="distribute"),
    path("<int:pk>/read/", views.mark_read, name="read"),
]
