"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {"brief_id": "reports.Brief"}
PATH_SAMPLES: dict = {}
