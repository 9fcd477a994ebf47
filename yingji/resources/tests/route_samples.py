"""Samples for the page routes (tests/test_routes.py). The site page (by pk) is sampled from
each persona's own records' get_absolute_url(); the partner's edit page (its record page is the
list) from the partners."""

SAMPLES: dict[str, dict] = {}
SAMPLE_MODELS = {"resources:partner_edit": "resources.LinkagePartner"}
