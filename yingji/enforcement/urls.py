from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("", views.officer_list, name="index"),
    path("officers/new/", views.officer_new, name="officer_new"),
    path("officers/<int:pk>/", views.officer_detail, name="officer"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("officers/<int:pk>/status/", views.officer_status, name="officer_status"),
    path("officers/<int:pk>/training/", views.officer_training, name="officer_training"),
    path("officers/<int:pk>/conflict/", views.officer_conflict, name="officer_conflict"),
    path("conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
    path("draws/", views.draw_list, name="draws"),
    path("draws/new/", views.draw_new, name="draw_new"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="draw_publish"),
    path("draws/<int:pk>/void/", views.draw_void, name="draw_void"),
    path("draws/<int:pk>/inspection/", views.draw_inspection, name="draw_inspection"),
    path("public/draws/", views.public_draws, name="public_draws"),
    path("public/", views.public_notice, name="public_notice"),
    path("inspections/<int:pk>/", views.inspection_record, name="inspection"),
    path("inspections/<int:pk>/officers/", views.inspection_officers, name="inspection_officers"),
    path(
        "inspections/<int:pk>/recordings/", views.inspection_recording, name="inspection_recording"
    ),
    path("inspections/<int:pk>/orders/", views.inspection_order, name="inspection_order"),
    path("orders/<int:pk>/docx/", views.order_docx, name="order_docx"),
    path("orders/<int:pk>/reinspect/", views.reinspect, name="reinspect"),
    path("reinspections/", views.reinspection_list, name="reinspections"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/link/", views.campaign_link, name="campaign_link"),
]
