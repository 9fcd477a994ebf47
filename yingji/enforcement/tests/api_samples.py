"""Samples for the API's path parameters (tests/test_openapi.py)."""

_OFFICER = {"officer_id": ("enforcement.LawOfficer", "pk")}
PATH_SAMPLES = {
    "/api/v1/enforcement/officers/{officer_id}": _OFFICER,
    "/api/v1/enforcement/officers/{officer_id}/trainings": _OFFICER,
    "/api/v1/enforcement/officers/{officer_id}/conflicts": _OFFICER,
    "/api/v1/enforcement/draws/{draw_id}": {"draw_id": ("enforcement.RandomDraw", "pk")},
    "/api/v1/enforcement/orders/{order_id}": {"order_id": ("enforcement.RectificationOrder", "pk")},
    "/api/v1/enforcement/campaigns/{campaign_id}": {"campaign_id": ("enforcement.Campaign", "pk")},
}
