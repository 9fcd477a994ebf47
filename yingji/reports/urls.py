from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.brief_list, name="index"),
    path("generate/", views.generate, name="generate"),
    path("templates/", views.templates, name="templates"),
    path("templates/upload/", views.template_upload, name="template_upload"),
    path("templates/default.docx", views.default_template_file, name="default_template"),
    path("templates/<int:pk>/file/", views.template_file, name="template_file"),
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
