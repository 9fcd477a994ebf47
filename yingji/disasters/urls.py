from django.urls import path

from . import views

app_name = "disasters"
urlpatterns = [
    path("", views.index, name="index"),
    path("processes/open/", views.open_process, name="open_process"),
    path("processes/<int:pk>/", views.process_detail, name="process"),
    path("processes/<int:pk>/close/", views.close_process, name="close_process"),
    path("processes/<int:pk>/report/", views.report_new, name="report_new"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/confirm/", views.confirm_report, name="confirm"),
    path("officers/", views.officer_list, name="officers"),
    path("officers/register/", views.register_officer, name="register_officer"),
    path("officers/coverage/", views.coverage, name="coverage"),
    path("officers/<int:pk>/", views.officer_detail, name="officer"),
    path("quick/", views.quick, name="quick"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("quake/", views.quake, name="quake"),
    path("processes/<int:pk>/report.docx", views.process_docx, name="process_docx"),
    path("casualties/", views.casualty_list, name="casualties"),
    path("casualties/record/", views.record_casualty, name="record_casualty"),
    path("casualties/<int:pk>/", views.casualty_detail, name="casualty"),
    path("casualties/<int:pk>/change/", views.change_casualty, name="change_casualty"),
    path("relief/", views.relief_list, name="relief"),
    path("relief/record/", views.record_relief, name="record_relief"),
    path("relief/<int:pk>/", views.relief_detail, name="relief_record"),
    path("communities/", views.community_list, name="communities"),
    path("communities/apply/", views.apply_community, name="apply_community"),
    path("communities/<int:pk>/", views.community_detail, name="community"),
    path("communities/<int:pk>/resubmit/", views.resubmit_community, name="resubmit_community"),
    path(
        "communities/<int:pk>/county-review/",
        views.review_community_county,
        name="review_community_county",
    ),
    path(
        "communities/<int:pk>/city-review/",
        views.review_community_city,
        name="review_community_city",
    ),
    path("communities/<int:pk>/recheck/", views.recheck_community, name="recheck_community"),
    path("communities/<int:pk>/inspect/", views.inspect_community, name="inspect_community"),
    path("processes/<int:pk>/county/<str:code>/", views.county_rollup, name="county_rollup"),
]
