"""Samples for the API's path parameters (tests/test_openapi.py)."""

_OFFICER = {"officer_id": ("enforcement.LawOfficer", "pk")}
PATH_SAMPLES = {
    "/api/v1/enforcement/officers/{officer_id}": _OFFICER,
    "/api/v1/enforcement/officers/{officer_id}/trainings": _OFFICER,
    "/api/v1/enforcement/officers/{officer_id}/conflicts": _OFFICER,
}
