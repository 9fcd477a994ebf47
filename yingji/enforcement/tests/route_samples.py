"""Samples for the page routes (tests/test_routes.py): POST-only actions on records whose page
is another's (a GET answers 405), and the 指令书 download (the demo order)."""

SAMPLES: dict[str, dict] = {
    "enforcement:conflict_withdraw": {"pk": 1},
    "enforcement:draw_inspection": {"pk": 1},
    "enforcement:order_docx": {"pk": 1},
    "enforcement:reinspect": {"pk": 1},
}
