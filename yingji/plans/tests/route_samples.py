"""Samples for the page routes (tests/test_routes.py). None needed: plans, drills and the
version comparison are sampled from each persona's own records' get_absolute_url()."""

SAMPLES: dict[str, dict] = {}
