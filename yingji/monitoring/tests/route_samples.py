"""Samples for the page routes (tests/test_routes.py): the station page takes a code."""

SAMPLES = {"monitoring:station": {"code": "DEMO-HH-CG-04"}}
