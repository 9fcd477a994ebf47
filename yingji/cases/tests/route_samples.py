"""Samples for the page routes (tests/test_routes.py): none needed (cases by pk)."""

SAMPLES: dict[str, dict] = {}
