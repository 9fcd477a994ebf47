"""Samples for the page routes (tests/test_routes.py): a brief's pages take its pk (the demo
has an issued weekly and a draft monthly city brief)."""

# the demo has no uploaded template (briefs use the shipped default): a pk that does not exist
# (404); the download itself is tested in test_templates.py
SAMPLES: dict[str, dict] = {"reports:template_file": {"pk": 999999}}
SAMPLE_MODELS = {
    f"reports:{name}": "reports.Brief"
    for name in ("print", "word", "edit", "submit", "approve", "return", "issue")
}
