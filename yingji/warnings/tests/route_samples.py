"""Samples for the page routes (tests/test_routes.py). The warning pages are sampled from
get_absolute_url(); the acknowledgement actions take an Acknowledgement's pk; the public CAP
XML takes an identifier (a well-formed one that matches nothing answers 404)."""

SAMPLE_MODELS = {
    "warnings:acknowledge": "warnings.Acknowledgement",
    "warnings:done": "warnings.Acknowledgement",
}
SAMPLES: dict[str, dict] = {
    "warnings:public_xml": {"identifier": "62010000000000_20260101000000_0"},
    # a personal acknowledgement link: a forged one answers 403 with its page
    "warnings:ack_link": {"token": "eyJhIjoxfQ:forged:signature"},
}
