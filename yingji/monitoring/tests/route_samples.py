"""Samples for the page routes (tests/test_routes.py). The station page (by code) and the alarm
page (by pk) are sampled from each persona's own records' get_absolute_url(); the file imports
and the ingest tokens are sampled by model (pk of the first, or 0: a 404)."""

SAMPLES: dict[str, dict] = {}
SAMPLE_MODELS = {
    "monitoring:import": "monitoring.ObservationImport",
    "monitoring:import_step": "monitoring.ObservationImport",
    "monitoring:import_rejected": "monitoring.ObservationImport",
    "monitoring:revoke_ingest_token": "monitoring.IngestToken",
}
