"""Samples for the API's path parameters: ``case_id`` is the inspection case file's elsewhere."""

_CASE = {"case_id": ("cases.Case", "pk")}
PATH_SAMPLES = {
    "/api/v1/cases/{case_id}": _CASE,
    "/api/v1/cases/{case_id}/similar": _CASE,
    "/api/v1/cases/{case_id}/source-document": _CASE,
}
