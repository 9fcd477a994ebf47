from yingji.core.permissions import Scope, restricts

from .models import CalendarDay, ScheduleYear


@restricts(ScheduleYear)
@restricts(CalendarDay)
def restrict_calendar(qs, scope: Scope, action):
    # Everyone signed in reads the calendar (deadlines depend on it); administrators edit it.
    return qs if action in ("view", "export") else qs.none()
