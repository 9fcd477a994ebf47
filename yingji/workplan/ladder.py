"""The 督查督办 escalation ladder as data: 提醒 → 催办 → 督办单 → 通报 → 约谈 (issue #19).

Pure logic (no Django): which rungs the daily job takes for one overdue item today. The rungs'
triggers live in LadderStep rows that administrators edit; DEFAULT_STEPS below are what a fresh
installation starts with.

Source and confidence: the ladder's order follows the usual practice of Chinese government
督查督办 work (a reminder, then 催办, a formal 督办单 with a reply deadline, then 通报 and 约谈 of
the unit's head); no national rule fixes the number of working days for any step. The numbers
are the bureau's own choice — LOW confidence, configurable on the settings page.

Counting: ``overdue_days`` is the number of working days in (due, today] (calendars'
``workdays_between``), so an item due on Friday is 1 working day overdue on Monday. 提醒, 催办
and 督办单 compare their trigger with it; 通报 and 约谈 compare theirs with the working days
since the reply deadline of the item's latest 督办单 when that one is still unanswered (an
overdue 督办单 escalates to the next rung). A rung with no trigger is taken by hand only and the
job passes over it; the job never takes a rung before an earlier automatic one, and each rung at
most once per item.
"""

from __future__ import annotations

# rung, position, trigger (working days; None = by hand only), reply days (督办单's deadline)
DEFAULT_STEPS = [
    ("remind", 1, 1, 5),  # 提醒: the first working day after the due date
    ("urge", 2, 3, 5),  # 催办: 3 working days overdue
    ("notice", 3, 5, 5),  # 督办单: 5 working days overdue; reply within 5 working days
    ("bulletin", 4, 1, 5),  # 通报: the 督办单 unanswered 1 working day past its reply deadline
    ("interview", 5, None, 5),  # 约谈: by hand (a decision of the bureau's leadership)
]
BEFORE_NOTICE = ("remind", "urge", "notice")
AFTER_NOTICE = ("bulletin", "interview")


def rungs_due(
    steps: list[tuple[str, int | None]],
    taken: set[str],
    overdue_days: int,
    notice_overdue_days: int | None,
) -> list[str]:
    """The rungs to take now, in ladder order. ``steps`` is [(rung, trigger_days)] in order;
    ``taken`` the rungs already taken on the item; ``notice_overdue_days`` the working days
    past the reply deadline of its unanswered latest 督办单 (None when there is none)."""
    done = set(taken)
    order = [rung for rung, _trigger in steps]
    highest = max((order.index(r) for r in done if r in order), default=-1)
    out: list[str] = []
    for index, (rung, trigger) in enumerate(steps):
        if rung in done or trigger is None or index < highest:
            continue  # taken, by hand only, or passed over by a higher rung taken by hand
        if rung in AFTER_NOTICE:
            reached = (
                "notice" in done and notice_overdue_days is not None
            ) and notice_overdue_days >= trigger
        else:
            reached = overdue_days >= trigger
        if not reached:
            break
        out.append(rung)
        done.add(rung)
        if rung == "notice":
            break  # a new 督办单 has its own reply deadline before anything further
    return out


def validate_triggers(triggers: dict[str, int | None]) -> dict[str, str]:
    """Errors (by rung) of an edited ladder: 0–250 working days, and the automatic rungs before
    the 督办单 in non-decreasing order (a 催办 before the 提醒 would make no sense)."""
    errors: dict[str, str] = {}
    for rung, value in triggers.items():
        if value is not None and not 0 < value <= 250:
            errors[rung] = "触发工作日应为 1 到 250 之间的整数,或留空(只能手动发起)。"
    last = 0
    for rung in BEFORE_NOTICE:
        value = triggers.get(rung)
        if value is None or rung in errors:
            continue
        if value < last:
            errors[rung] = "提醒、催办、督办单的触发工作日应依次不减少。"
        last = value
    return errors
