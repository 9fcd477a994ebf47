"""Samples for the page routes (tests/test_routes.py). None needed: the process, report and
officer pages are sampled from each persona's records' get_absolute_url()."""

SAMPLES: dict[str, dict] = {}
