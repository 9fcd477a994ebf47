from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.inspection_new, name="new"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/build/", views.plan_build, name="plan_build"),
    path("plans/<int:pk>/entries/", views.plan_add_entry, name="plan_add_entry"),
    path("plans/<int:pk>/issue/", views.plan_issue, name="plan_issue"),
    path("entries/<int:pk>/cancel/", views.entry_cancel, name="entry_cancel"),
    path("entries/<int:pk>/schedule/", views.entry_schedule, name="entry_schedule"),
    path("records/<int:pk>/", views.inspection_detail, name="inspection"),
    path("records/<int:pk>/checklist/", views.inspection_checklist, name="checklist"),
    path("records/<int:pk>/complete/", views.inspection_complete, name="complete"),
    path("records/<int:pk>/cancel/", views.inspection_cancel, name="cancel"),
    path("records/<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("records/<int:pk>/case/", views.case_open, name="case_open"),
    path("findings/<int:pk>/hazard/", views.finding_hazard, name="finding_hazard"),
    path("overlaps/", views.overlaps, name="overlaps"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/advance/", views.case_advance, name="case_advance"),
    path("cases/<int:pk>/system/", views.case_system, name="case_system"),
]
