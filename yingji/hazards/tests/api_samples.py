"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {"return_id": "hazards.HazardReturn"}
