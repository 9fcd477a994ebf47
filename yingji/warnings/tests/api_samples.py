"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {"warning_id": "warnings.Warning", "ack_id": "warnings.Acknowledgement"}
PATH_SAMPLES: dict[str, dict] = {}
