"""Samples for the page routes (tests/test_routes.py)."""

SAMPLES = {"calendars:year": {"year": 2026}}  # built in, not entered: the page answers 404
