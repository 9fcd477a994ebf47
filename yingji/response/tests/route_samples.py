"""Samples for the page routes (tests/test_routes.py): the review action's "done" route takes
the pk of a ReviewAction, whose own URL is an anchor on its event's page."""

SAMPLE_MODELS = {"response:action_done": "response.ReviewAction"}
SAMPLES: dict[str, dict] = {}
