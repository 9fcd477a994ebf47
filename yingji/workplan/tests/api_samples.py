"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {"notice_id": "workplan.SupervisionNotice"}
