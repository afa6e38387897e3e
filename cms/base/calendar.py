"""The official working-day calendar: the bundled years plus those entered in the admin."""

from functools import lru_cache

from cms.rules import workdays


@lru_cache(maxsize=1)
def _bundled() -> workdays.WorkdayCalendar:
    return workdays.from_chinese_calendar()


def official_calendar() -> workdays.WorkdayCalendar:
    """Years entered by an administrator override the bundled data for the same year."""
    from .models import CalendarYear

    entered = []
    for year in CalendarYear.objects.prefetch_related("days"):
        days = list(year.days.all())
        entered.append(
            workdays.WorkdayCalendar(
                covered_years=frozenset({year.year}),
                holidays=frozenset(d.date for d in days if d.kind == d.Kind.HOLIDAY),
                makeup_workdays=frozenset(d.date for d in days if d.kind == d.Kind.MAKEUP_WORKDAY),
            )
        )
    return workdays.merge(_bundled(), *entered)
