"""When a holiday schedule is entered, the open hazards' working-day deadlines are recomputed
(through the service, audited)."""

from django.dispatch import receiver

from yingji.calendars.services import calendar_changed


@receiver(calendar_changed, dispatch_uid="hazards.recompute_deadlines")
def recompute_deadlines(sender, years, **kwargs):
    from .services import do_recompute_deadlines

    do_recompute_deadlines(years=years)
