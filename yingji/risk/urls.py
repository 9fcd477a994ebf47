from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("", views.risk_map, name="index"),
    path("map/", views.risk_map, name="map"),
    path("enterprises/<int:pk>/panel/", views.enterprise_panel, name="enterprise_panel"),
    path("enterprises/<int:pk>/card/", views.enterprise_card, name="card"),
    path("enterprises/<int:pk>/units/new/", views.unit_add, name="unit_add"),
    path("enterprises/<int:pk>/diagnoses/new/", views.diagnosis_add, name="diagnosis_add"),
    path("enterprises/<int:pk>/points/new/", views.point_add, name="point_add"),
    path("enterprises/<int:pk>/ledger.<str:fmt>", views.ledger, name="ledger"),
    path("enterprises/", views.enterprise_risk_list, name="enterprises"),
    path("units/", views.unit_list, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/void/", views.unit_void, name="unit_void"),
    path("diagnoses/", views.diagnoses, name="diagnoses"),
    path("diagnoses/<int:pk>/", views.diagnosis_detail, name="diagnosis_detail"),
    path("diagnoses/<int:pk>/void/", views.diagnosis_void, name="diagnosis_void"),
    path("points/", views.point_list, name="points"),
    path("points/<int:pk>/", views.point_detail, name="point_detail"),
    path("points/<int:pk>/void/", views.point_void, name="point_void"),
    path("changes/", views.colour_changes, name="changes"),
    path("settings/", views.settings_page, name="settings"),
    path("adjacent-mines/", views.adjacent_mines_page, name="adjacent_mines"),
]
