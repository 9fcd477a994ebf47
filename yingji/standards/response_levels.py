"""Generic 应急响应 levels Ⅰ–Ⅳ and how a response moves between them, as data and pure functions.

Sources:
- 《中华人民共和国突发事件应对法》(2024年修订) 第三条: 突发事件按社会危害程度分为特别重大、重大、
  较大和一般四级 (confidence HIGH);
- 《国家突发公共事件总体应急预案》and the city's 总体应急预案 practice: the response has four levels,
  Ⅰ级 the highest, started, adjusted (升级/降级) and ended by the person the plan names
  (confidence MEDIUM);
- the level *suggested* for an event grade (特别重大→Ⅰ级 … 一般→Ⅳ级) is local practice
  (confidence LOW): it is a hint on the page only; the 带班领导 decides and gives a reason.

Levels are numbers 1–4 (1 = Ⅰ级, the highest). Relief (自然灾害救助) levels are not here.
"""

from __future__ import annotations

LEVELS = (1, 2, 3, 4)
LEVEL_LABELS = {1: "Ⅰ级", 2: "Ⅱ级", 3: "Ⅲ级", 4: "Ⅳ级"}
# Colours of response levels follow the warning colours (红/橙/黄/蓝), text always beside them.
LEVEL_COLOURS = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}

# LOW: suggestion only (see module docstring); keys are accidents.GRADES codes.
SUGGESTED_FOR_GRADE = {"especially_major": 1, "major": 2, "larger": 3, "general": 4}

# The state machine: (state, action) -> new state. State "none" (never started),
# "active", "ended". An ended response is not restarted: a new development is a new start only
# before it ended.
TRANSITIONS = {
    ("none", "start"): "active",
    ("active", "adjust"): "active",
    ("active", "end"): "ended",
}
ACTION_LABELS = {"start": "启动", "adjust": "调整", "end": "终止"}


def level_label(level: int | None) -> str:
    return LEVEL_LABELS.get(level, "未启动") if level else "未启动"


def suggested_level(grade: str | None) -> int | None:
    return SUGGESTED_FOR_GRADE.get(grade) if grade else None


def next_state(state: str, action: str, current: int | None, level: int | None) -> str:
    """The state after ``action``; ValueError (with a Chinese message) when it is not allowed."""
    new = TRANSITIONS.get((state, action))
    if new is None:
        raise ValueError(
            {
                "none": "尚未启动应急响应,只能启动。",
                "active": "应急响应已启动,只能调整或终止。",
                "ended": "应急响应已终止,不能再变更。",
            }.get(state, "当前状态不允许该操作。")
        )
    if action in ("start", "adjust") and level not in LEVELS:
        raise ValueError("响应级别应为Ⅰ级、Ⅱ级、Ⅲ级或Ⅳ级。")
    if action == "adjust" and level == current:
        raise ValueError("调整后的响应级别与当前级别相同。")
    return new


def direction(current: int | None, level: int | None) -> str:
    """升级 (a smaller number), 降级, or ""."""
    if not current or not level or current == level:
        return ""
    return "升级" if level < current else "降级"
