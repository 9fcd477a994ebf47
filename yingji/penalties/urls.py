from django.urls import path

from . import views

app_name = "penalties"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_case, name="new"),
    path("public/", views.public_list, name="public"),
    path("reviews/", views.reviews, name="reviews"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/decision.docx", views.decision_docx, name="decision_docx"),
    path("cases/<int:pk>/extend/", views.extend, name="extend"),
    path("cases/<int:pk>/officers/", views.change_officers, name="officers"),
    path("cases/<int:pk>/investigate/", views.investigate, name="investigate"),
    path("cases/<int:pk>/evidence/", views.add_evidence, name="evidence"),
    path("cases/<int:pk>/review/", views.review, name="review"),
    path("cases/<int:pk>/notify/", views.notify, name="notify"),
    path("cases/<int:pk>/statement/", views.statement, name="statement"),
    path("cases/<int:pk>/hearing-request/", views.request_hearing, name="request_hearing"),
    path("cases/<int:pk>/hearing/", views.hearing, name="hearing"),
    path("cases/<int:pk>/legal-review/", views.submit_legal_review, name="submit_legal_review"),
    path("cases/<int:pk>/legal-review/pass/", views.pass_legal_review, name="pass_legal_review"),
    path(
        "cases/<int:pk>/legal-review/return/", views.return_legal_review, name="return_legal_review"
    ),
    path("cases/<int:pk>/approval/submit/", views.submit_approval, name="submit_approval"),
    path("cases/<int:pk>/approval/", views.approval, name="approval"),
    path("cases/<int:pk>/decide/", views.decide, name="decide"),
    path("cases/<int:pk>/no-penalty/", views.no_penalty, name="no_penalty"),
    path("cases/<int:pk>/serve/", views.serve, name="serve"),
    path("cases/<int:pk>/enforce/", views.enforce, name="enforce"),
    path("cases/<int:pk>/execute/", views.execute, name="execute"),
    path("cases/<int:pk>/close/", views.close, name="close"),
    path("cases/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("cases/<int:pk>/publish/", views.publish, name="publish"),
    path("cases/<int:pk>/file-review/", views.file_review, name="file_review"),
]
