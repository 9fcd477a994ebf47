"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {"event_id": "response.Event", "task_id": "response.CommandTask"}
PATH_SAMPLES: dict = {}
