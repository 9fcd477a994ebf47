"""Samples for the page routes (tests/test_routes.py): the review action's "done" route takes
the pk of a ReviewAction, whose own URL is an anchor on its event's page; the withdraw route a
JointDutyMember."""

SAMPLE_MODELS = {
    "response:action_done": "response.ReviewAction",
    "response:joint_withdraw": "response.JointDutyMember",
    "response:hazard_unlink": "response.EventHazard",
}
SAMPLES: dict[str, dict] = {
    "response:activity_report_docx": {"pk": 1, "day": "2026-01-01"},  # a day without one: 404
}
