"""Samples for the page routes (tests/test_routes.py). The process, report, officer and
community pages are sampled from each persona's records' get_absolute_url(); a county's
township roll-up also takes the county's code."""

SAMPLES: dict[str, dict] = {"disasters:county_rollup": {"code": "620104"}}
