"""Samples for the page routes (tests/test_routes.py). None needed: the station page (by code)
and the alarm page (by pk) are sampled from each persona's own records' get_absolute_url()."""

SAMPLES: dict[str, dict] = {}
