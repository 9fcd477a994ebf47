"""Samples for the page routes (tests/test_routes.py). None needed: the site page (by pk) is
sampled from each persona's own records' get_absolute_url()."""

SAMPLES: dict[str, dict] = {}
