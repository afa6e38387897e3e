"""Working days (工作日) on the official calendar.

A working day is a weekday that is not a public holiday, or a weekend day the State
Council has declared a make-up working day (调休上班). The schedule for a year is only
known once it is announced, so a calendar knows which years it covers and refuses to
guess beyond them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .errors import RuleViolation


class CalendarYearMissing(RuleViolation):
    """The period reaches a year whose holidays have not been entered yet."""

    def __init__(self, year: int):
        super().__init__(
            _(
                "%(year)d年的法定节假日和调休安排尚未录入，无法计算工作日。"
                "请管理员在“工作日历”中录入国务院办公厅公布的%(year)d年节假日安排后再保存。"
            )
            % {"year": year}
        )
        self.year = year


@dataclass(frozen=True)
class WorkdayCalendar:
    """Holidays and make-up working days for the years it covers."""

    covered_years: frozenset[int]
    holidays: frozenset[date] = field(default_factory=frozenset)
    makeup_workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day.year not in self.covered_years:
            raise CalendarYearMissing(day.year)
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def working_days(self, start: date) -> Iterable[date]:
        """Working days from `start` (included) onwards."""
        day = start
        while True:
            if self.is_working_day(day):
                yield day
            day += timedelta(days=1)

    def add_working_days(self, start: date, count: int) -> date:
        """The last day of a period of `count` working days starting on `start`.

        The start day counts when it is a working day itself, as in a publicity period
        that opens on the day the notice is published.
        """
        if count < 1:
            raise ValueError("a period has at least one working day")
        for number, day in enumerate(self.working_days(start), start=1):
            if number == count:
                return day
        raise AssertionError("unreachable")  # working_days() is infinite

    def count_working_days(self, start: date, end: date) -> int:
        if end < start:
            return 0
        total, day = 0, start
        while day <= end:
            total += self.is_working_day(day)
            day += timedelta(days=1)
        return total


def merge(*calendars: WorkdayCalendar) -> WorkdayCalendar:
    """Combine calendars; for a year covered by several, the last one given wins."""
    years: dict[int, WorkdayCalendar] = {}
    for calendar in calendars:
        for year in calendar.covered_years:
            years[year] = calendar
    holidays = {d for y, c in years.items() for d in c.holidays if d.year == y}
    makeup = {d for y, c in years.items() for d in c.makeup_workdays if d.year == y}
    return WorkdayCalendar(frozenset(years), frozenset(holidays), frozenset(makeup))


def from_chinese_calendar() -> WorkdayCalendar:
    """The years the `chinesecalendar` package ships (2004 to its last release's year)."""
    import chinese_calendar

    holidays = frozenset(chinese_calendar.holidays)
    makeup = frozenset(chinese_calendar.workdays)
    first = min(d.year for d in holidays)
    last = max(d.year for d in holidays | makeup)
    return WorkdayCalendar(frozenset(range(first, last + 1)), holidays, makeup)
