from django.urls import path

from . import views

app_name = "response"
urlpatterns = [
    path("", views.events, name="events"),
    path("new/", views.intake, name="intake"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/report/", views.submit_report, name="report"),
    path("events/<int:pk>/level/", views.change_level, name="level"),
    path("events/<int:pk>/task/", views.issue_task, name="issue_task"),
    path("events/<int:pk>/review/", views.write_review, name="review"),
    path("actions/<int:pk>/done/", views.complete_action, name="action_done"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/sign/", views.sign_task, name="sign"),
    path("tasks/<int:pk>/feedback/", views.answer_task, name="feedback"),
    path("roster/", views.roster, name="roster"),
    path("roster/import/", views.roster_import, name="roster_import"),
    path("roster/shift/", views.shift_save, name="shift_save"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("shifts/<int:pk>/log/", views.write_log, name="log"),
    path("shifts/<int:pk>/handover/", views.hand_over, name="handover"),
    path("shifts/<int:pk>/takeover/", views.take_over, name="takeover"),
    path("types/", views.types, name="types"),
]
urlpatterns += [
    path("events/<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("events/<int:pk>/joint/", views.add_joint_member, name="joint_add"),
    path("events/<int:pk>/hazards/", views.link_hazard, name="hazard_link"),
    path("hazard-links/<int:pk>/remove/", views.unlink_hazard, name="hazard_unlink"),
    path("joint/<int:pk>/withdraw/", views.withdraw_joint_member, name="joint_withdraw"),
    path("shifts/<int:pk>/sheet.docx", views.shift_docx, name="shift_docx"),
    path("swaps/", views.swaps, name="swaps"),
    path("swaps/new/", views.swap_new, name="swap_new"),
    path("swaps/<int:pk>/", views.swap_detail, name="swap"),
    path("swaps/<int:pk>/answer/", views.answer_swap, name="swap_answer"),
    path("swaps/<int:pk>/decide/", views.decide_swap, name="swap_decide"),
    path("swaps/<int:pk>/cancel/", views.cancel_swap, name="swap_cancel"),
    path("activities/", views.activities, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/venue/", views.add_venue, name="activity_venue"),
    path("activities/<int:pk>/duty/", views.add_activity_duty, name="activity_duty"),
    path("activities/<int:pk>/risk/", views.add_activity_risk, name="activity_risk"),
    path("activities/<int:pk>/team/", views.add_standby_team, name="activity_team"),
    path("activities/<int:pk>/report/", views.submit_activity_report, name="activity_report"),
    path("activities/<int:pk>/cancel/", views.cancel_activity, name="activity_cancel"),
]
urlpatterns += [
    path("events/<int:pk>/release/", views.draft_release, name="release_draft"),
    path("releases/", views.releases, name="releases"),
    path("releases/<int:pk>/", views.release_detail, name="release"),
    path("releases/<int:pk>/review/", views.review_release, name="release_review"),
    path("releases/<int:pk>/approve/", views.approve_release, name="release_approve"),
    path("releases/<int:pk>/revise/", views.revise_release, name="release_revise"),
    path("releases/<int:pk>/publish/", views.publish_release, name="release_publish"),
    path("releases/<int:pk>/void/", views.void_release, name="release_void"),
    path("releases/<int:pk>/release.docx", views.release_docx, name="release_docx"),
    path("public/releases/", views.public_releases, name="public_releases"),
    path("events/<int:pk>/merge/", views.merge_event, name="merge"),
    path("events/<int:pk>/split/", views.split_event, name="split"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path(
        "activities/<int:pk>/roster.xlsx", views.activity_roster_xlsx, name="activity_roster_xlsx"
    ),
    path(
        "activities/<int:pk>/roster/import/",
        views.activity_roster_import,
        name="activity_roster_import",
    ),
]
urlpatterns += [
    path(
        "activities/<int:pk>/reports/<str:day>.docx",
        views.activity_report_docx,
        name="activity_report_docx",
    ),
    path("events/<int:pk>/review.docx", views.review_docx, name="review_docx"),
    path("events/<int:pk>/joint/template/", views.form_command_structure, name="joint_template"),
]
