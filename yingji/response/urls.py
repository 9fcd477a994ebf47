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
