"""The official working-day calendar: the bundled years plus those entered in the admin.

A year entered in the admin (CalendarYear) counts only once complete and marked 录入完毕;
until then it is exactly as if it were not entered: the bundled calendar's year where the
package has one, else a missing year that refuses every period reaching it (ADR 0019).
"""

from functools import lru_cache

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from gongshi.rules import workdays


@lru_cache(maxsize=1)
def bundled() -> workdays.WorkdayCalendar:
    """The `chinesecalendar` package's years (2004 to its release's last year)."""
    return workdays.from_chinese_calendar()


def official_calendar() -> workdays.WorkdayCalendar:
    """Confirmed years entered by an administrator override the bundled data."""
    # By name: models.py asks this module for the calendar (a late publication's warning).
    calendar_years = apps.get_model("base", "CalendarYear")
    entered = [
        year.entered().as_calendar()
        for year in calendar_years.objects.filter(completed_at__isnull=False).prefetch_related(
            "days"
        )
        if year.counts
    ]
    return _merged(tuple(entered))


@lru_cache(maxsize=4)
def _merged(entered: tuple[workdays.WorkdayCalendar, ...]) -> workdays.WorkdayCalendar:
    """The bundled calendar with the entered years over it, merged once for each set of
    entered years: every report asks (the merge reads the bundled calendar's days), and
    the same calendar object lets the intake's own cache of it (cases._beyond) hit."""
    return workdays.merge(bundled(), *entered)


def in_force_for(year: int, stored=None) -> tuple[workdays.WorkdayCalendar | None, str]:
    """The calendar a new entry for `year` would replace, and what to call it: the entry
    as stored (`stored`) if it counts, else the bundled year, else none."""
    if stored is not None and stored.counts:
        return stored.entered().as_calendar(), _("此前确认的录入")
    if year in bundled().covered_years:
        return bundled(), _("内置日历（chinesecalendar）")
    return None, ""
