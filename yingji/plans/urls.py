from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="index"),
    path("new/", views.plan_new, name="new"),
    path("review/", views.review, name="review"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/diff/", views.plan_diff, name="diff"),
    path("<int:pk>/parts/", views.add_part, name="add_part"),
    path("parts/<int:pk>/void/", views.void_part, name="void_part"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/filing/", views.submit_filing, name="submit_filing"),
    path("<int:pk>/filing/decide/", views.decide_filing, name="decide_filing"),
    path("drills/", views.drill_list, name="drills"),
    path("drills/new/", views.drill_new, name="drill_new"),
    path("drills/<int:pk>/", views.drill_detail, name="drill"),
    path("drills/<int:pk>/findings/", views.add_finding, name="add_finding"),
    path("findings/", views.finding_list, name="findings"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/add/", views.schedule_add, name="schedule_add"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/targets/", views.set_target, name="set_target"),
    path("findings/<int:pk>/rectify/", views.rectify, name="rectify"),
    path("findings/<int:pk>/verify/", views.verify, name="verify"),
]
