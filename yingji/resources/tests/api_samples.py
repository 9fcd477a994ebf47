"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {"site_id": "resources.Site"}
PATH_SAMPLES: dict = {}
