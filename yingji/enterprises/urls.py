from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="index"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/status/", views.enterprise_status, name="status"),
    path("<int:pk>/tier/", views.enterprise_tier, name="tier"),
    path("<int:pk>/licences/", views.licence_add, name="licence_add"),
    path("licences/<int:pk>/void/", views.licence_void, name="licence_void"),
    path("<int:pk>/policies/", views.policy_add, name="policy_add"),
    path("<int:pk>/responsibilities/", views.responsibility_add, name="responsibility_add"),
    path(
        "responsibilities/<int:pk>/deactivate/",
        views.responsibility_deactivate,
        name="responsibility_deactivate",
    ),
    path("<int:pk>/questionnaire/", views.questionnaire_submit, name="questionnaire_submit"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path(
        "questionnaires/<int:pk>/review/", views.questionnaire_review, name="questionnaire_review"
    ),
    path("insurance/", views.insurance, name="insurance"),
    path("licences/expiring/", views.licences_expiring, name="licences_expiring"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("tier-rule/", views.tier_rule, name="tier_rule"),
]
