"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {
    "process_id": "disasters.DisasterProcess",
    "report_id": "disasters.LossReport",
    "casualty_id": "disasters.CasualtyPerson",
}
PATH_SAMPLES: dict[str, dict] = {}
