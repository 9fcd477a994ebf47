"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {
    "process_id": "disasters.DisasterProcess",
    "report_id": "disasters.LossReport",
    "casualty_id": "disasters.CasualtyPerson",
    "community_id": "disasters.DemoCommunity",
    "estimate_id": "disasters.QuakeEstimate",
}
PATH_SAMPLES: dict[str, dict] = {
    "/api/v1/disasters/processes/{process_id}/counties/{code}/rollup": {"code": "620104"},
}
