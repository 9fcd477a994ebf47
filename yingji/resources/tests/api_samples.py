"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {
    "site_id": "resources.Site",
    "team_id": "resources.Team",
    "request_id": "resources.SupplyRequest",
}
PATH_SAMPLES: dict = {}
