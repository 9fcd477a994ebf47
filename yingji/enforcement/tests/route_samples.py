"""Samples for the page routes (tests/test_routes.py): the POST-only withdrawal of a conflict
declaration (a GET answers 405)."""

SAMPLES: dict[str, dict] = {"enforcement:conflict_withdraw": {"pk": 1}}
