from django.urls import path

from . import views

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
]
