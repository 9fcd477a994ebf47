"""Maintenance due dates of equipment (pure): the next due date is the last maintenance plus
the item's interval in calendar days (保养周期 is set per item by its keeper: manufacturers state
it in days or months of calendar time, not working days); an item is 逾期 after that day and
临近到期 within ``MAINTENANCE_WARNING_DAYS`` before it (a platform choice)."""

from __future__ import annotations

import datetime as dt

from .choices import MAINTENANCE_WARNING_DAYS


def next_due(last: dt.date | None, interval_days: int | None) -> dt.date | None:
    if last is None or not interval_days:
        return None
    return last + dt.timedelta(days=interval_days)


def due_state(
    next_due_on: dt.date | None,
    today: dt.date,
    status: str = "good",
    window: int = MAINTENANCE_WARNING_DAYS,
) -> str:
    """ "overdue", "due" (within the window), "ok", or "" (no schedule, or scrapped)."""
    if next_due_on is None or status == "scrapped":
        return ""
    if next_due_on < today:
        return "overdue"
    if next_due_on <= today + dt.timedelta(days=window):
        return "due"
    return "ok"


DUE_LABELS = {
    "overdue": "保养逾期",
    "due": f"{MAINTENANCE_WARNING_DAYS}天内到期",
    "ok": "正常",
    "": "—",
}
