"""Samples for the API's path parameters (tests/test_openapi.py). ``plan_id`` is the work plan's
elsewhere, so the plan paths are given one by one."""

PARAM_MODELS = {"drill_id": "plans.Drill"}
_PLAN = {"plan_id": ("plans.Plan", "pk")}
PATH_SAMPLES = {
    f"/api/v1/plans/{{plan_id}}{suffix}": _PLAN
    for suffix in (
        "",
        "/versions",
        "/diff",
        "/revise",
        "/filings",
        "/filings/decision",
        "/parts",
    )
}
PATH_SAMPLES.update(
    {
        "/api/v1/drill-findings/{finding_id}/rectify": {"finding_id": ("plans.Finding", "pk")},
        "/api/v1/drill-findings/{finding_id}/verify": {"finding_id": ("plans.Finding", "pk")},
        "/api/v1/plan-parts/{part_id}/void": {"part_id": ("plans.PlanPart", "pk")},
    }
)
