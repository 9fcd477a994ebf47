"""Samples for the page routes (tests/test_routes.py): plans, drills and the version comparison
come from the records' get_absolute_url(); a finding's pages (POST-only actions) take its pk."""

SAMPLES: dict[str, dict] = {}
SAMPLE_MODELS = {
    "plans:rectify": "plans.Finding",
    "plans:verify": "plans.Finding",
    "plans:void_part": "plans.PlanPart",
    "plans:add_part": "plans.Plan",
}
