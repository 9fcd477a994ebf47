"""Samples for the page routes (tests/test_routes.py): a brief's pages take its pk (the demo
has an issued weekly and a draft monthly city brief)."""

SAMPLES: dict[str, dict] = {}
SAMPLE_MODELS = {
    f"reports:{name}": "reports.Brief"
    for name in ("print", "word", "edit", "submit", "approve", "return", "issue")
}
