from django.urls import path

from . import views

app_name = "warnings"
urlpatterns = [
    path("", views.warning_list, name="list"),
    path("new/", views.warning_new, name="new"),
    path("from-alarms/", views.from_alarms, name="from_alarms"),
    path("inbox/", views.inbox, name="inbox"),
    path("import/", views.import_cap, name="import"),
    path("<int:pk>/", views.warning_detail, name="detail"),
    path("<int:pk>/edit/", views.warning_edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_draft, name="return"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/update/", views.start_update, name="update"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/resend/", views.resend, name="resend"),
    path("<int:pk>/cap.xml", views.download_cap, name="cap"),
    path("acks/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("acks/<int:pk>/done/", views.report_done, name="done"),
    path("ack/<str:token>/", views.ack_link, name="ack_link"),
    path("public/", views.public_list, name="public"),
    path("public/warnings.atom", views.public_atom, name="public_atom"),
    path("public/<str:identifier>.xml", views.public_xml, name="public_xml"),
]
