"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {"alarm_id": "monitoring.Alarm", "token_id": "monitoring.IngestToken"}
PATH_SAMPLES = {
    "/api/v1/monitoring/stations/{code}": {"code": ("monitoring.Station", "code")},
    "/api/v1/monitoring/stations/{code}/series": {"code": ("monitoring.Station", "code")},
}
