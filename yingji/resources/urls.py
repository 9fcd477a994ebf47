from django.urls import path

from . import forces_views, request_views, views

app_name = "resources"
urlpatterns = [
    path("", views.site_list, name="sites"),
    path("sites/new/", views.site_new, name="site_new"),
    path("sites/<int:pk>/", views.site_detail, name="site"),
    path("sites/<int:pk>/movements/", views.record_movement, name="record_movement"),
    path("sites/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("sites/<int:pk>/minimum/", views.set_minimum, name="set_minimum"),
    path("stock/", views.stock_list, name="stock"),
    path("movements/", views.movement_list, name="movements"),
    path("map/", views.resource_map, name="map"),
    path("import/", views.ledger_import, name="import"),
    path("import/run/", views.ledger_import_run, name="import_run"),
    path("import/template/", views.ledger_template, name="import_template"),
    path("teams/", forces_views.teams, name="teams"),
    path("teams/ranking/", forces_views.ranking, name="ranking"),
    path("teams/<int:pk>/", forces_views.team_detail, name="team"),
    path("teams/<int:pk>/evaluate/", forces_views.evaluate, name="evaluate"),
    path("agreements/", forces_views.agreements, name="agreements"),
    path("agreements/<int:pk>/", forces_views.agreement_detail, name="agreement"),
    path("experts/", forces_views.experts, name="experts"),
    path("experts/<int:pk>/", forces_views.expert_detail, name="expert"),
    path("shelters/", forces_views.shelters, name="shelters"),
    path("shelters/<int:pk>/", forces_views.shelter_detail, name="shelter"),
    path("requests/", request_views.request_list, name="requests"),
    path("requests/new/", request_views.request_new, name="request_new"),
    path("requests/<int:pk>/", request_views.request_detail, name="request"),
    path("requests/<int:pk>/approve/", request_views.approve, name="request_approve"),
    path("requests/<int:pk>/dispatch/", request_views.dispatch, name="request_dispatch"),
    path("requests/<int:pk>/receive/", request_views.receive, name="request_receive"),
    path("requests/<int:pk>/cancel/", request_views.cancel, name="request_cancel"),
]
