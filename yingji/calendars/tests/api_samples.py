"""Samples for the API's path parameters (tests/test_openapi.py)."""

PATH_SAMPLES = {"/api/v1/calendar/days/{day}": {"day": "2026-10-01"}}
