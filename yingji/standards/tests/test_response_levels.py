"""The generic 应急响应 levels (突发事件应对法 第三条 four grades; 总体应急预案 Ⅰ–Ⅳ) and the
start/adjust/end state machine."""

import pytest

from yingji.standards.response_levels import direction, level_label, next_state, suggested_level


@pytest.mark.parametrize(
    ("state", "action", "current", "level", "new"),
    [
        ("none", "start", None, 3, "active"),
        ("active", "adjust", 3, 2, "active"),
        ("active", "end", 2, None, "ended"),
    ],
)
def test_allowed(state, action, current, level, new):
    assert next_state(state, action, current, level) == new


@pytest.mark.parametrize(
    ("state", "action", "current", "level"),
    [
        ("none", "adjust", None, 2),
        ("none", "end", None, None),
        ("active", "start", 3, 3),
        ("ended", "start", None, 3),
        ("ended", "adjust", 3, 2),
        ("none", "start", None, 5),
        ("none", "start", None, None),
        ("active", "adjust", 3, 3),
    ],
)
def test_refused(state, action, current, level):
    with pytest.raises(ValueError):
        next_state(state, action, current, level)


def test_labels_direction_and_suggestion():
    assert level_label(1) == "Ⅰ级" and level_label(None) == "未启动"
    assert direction(3, 2) == "升级" and direction(2, 4) == "降级" and direction(3, 3) == ""
    assert suggested_level("larger") == 3 and suggested_level(None) is None
