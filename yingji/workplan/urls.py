from django.urls import path

from . import views

app_name = "workplan"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.my_tasks, name="mine"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("overdue/", views.overdue, name="overdue"),
    path("reviews/", views.pending_reviews, name="reviews"),
    path("imports/", views.import_upload, name="import"),
    path("imports/<int:pk>/", views.import_review, name="import_review"),
    path("imports/<int:pk>/map/", views.import_map, name="import_map"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/matrix/", views.matrix, name="matrix"),
    path("plans/<int:pk>/counties/", views.counties, name="counties"),
    path("plans/<int:pk>/cycles/", views.add_cycle, name="add_cycle"),
    path("plans/<int:pk>/county-plan/", views.create_county_plan, name="county_plan"),
    path("plans/<int:pk>/ledger.xlsx", views.ledger_xlsx, name="ledger"),
    path("plans/<int:pk>/ledger/import/", views.ledger_import, name="ledger_import"),
    path("plans/<int:pk>/report.docx", views.progress_docx, name="report_docx"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.update_task, name="task_edit"),
    path("tasks/<int:pk>/contribution/", views.add_contribution, name="contribution"),
    path("assignments/<int:pk>/report/", views.submit_report, name="submit_report"),
    path("assignments/<int:pk>/cancel/", views.cancel_assignment, name="cancel"),
    path("assignments/<int:pk>/notice/", views.issue_notice, name="issue_notice"),
    path("reports/<int:pk>/review/", views.review_report, name="review_report"),
    path("notices/<int:pk>.docx", views.notice_docx, name="notice_docx"),
]
