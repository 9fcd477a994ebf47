from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="index"),
    path("new/", views.case_new, name="new"),
    path("import/", views.case_import, name="import"),
    path("import-report/", views.case_import_report, name="import_report"),
    path("from-event/", views.case_from_event, name="from_event"),
    path("similar/", views.similar_to, name="similar"),
    path("analysis/", views.case_analysis, name="analysis"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/push/", views.case_push, name="case_push"),
    path("<int:pk>/source/", views.source_document, name="source_document"),
    path("<int:pk>/source/upload/", views.upload_source_document, name="source_upload"),
    path("pushes/", views.push_list, name="pushes"),
    path("pushes/<int:pk>/", views.push_detail, name="push"),
    path("receipts/", views.receipt_list, name="receipts"),
    path("receipts/<int:pk>/", views.receipt_detail, name="receipt"),
]
