"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {
    "event_id": "response.Event",
    "task_id": "response.CommandTask",
    "swap_id": "response.ShiftSwap",
    "activity_id": "response.Activity",
    "release_id": "response.Release",
    "link_id": "response.EventHazard",
}
PATH_SAMPLES: dict = {}
