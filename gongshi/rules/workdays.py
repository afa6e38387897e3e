"""Working days (工作日) on the official calendar.

A working day is a weekday that is not a public holiday, or a weekend day the State
Council has declared a make-up working day (调休上班). The schedule for a year is only
known once it is announced, so a calendar knows which years it covers and refuses to
guess beyond them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .errors import RuleViolation
from .messages import _


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
    # Each calendar's days are read once, keeping those of the years it won: the cost
    # grows with the days, not with days × years (the intake merges a 200-year calendar
    # into the official one on every report).
    holidays: set[date] = set()
    makeup: set[date] = set()
    for calendar in {id(c): c for c in years.values()}.values():
        holidays.update(d for d in calendar.holidays if years.get(d.year) is calendar)
        makeup.update(d for d in calendar.makeup_workdays if years.get(d.year) is calendar)
    return WorkdayCalendar(frozenset(years), frozenset(holidays), frozenset(makeup))


def every_day(years: Iterable[int]) -> WorkdayCalendar:
    """A calendar of `years` on which every day counts: where a deadline must be given
    before a year's holidays are known, counting calendar days can only make it earlier,
    never later (a weekday-only guess would miss make-up working days)."""
    years = frozenset(years)
    weekends = frozenset(
        date(year, 1, 1) + timedelta(days=offset)
        for year in years
        for offset in range(366)
        if (date(year, 1, 1) + timedelta(days=offset)).year == year
        and (date(year, 1, 1) + timedelta(days=offset)).weekday() >= 5
    )
    return WorkdayCalendar(years, frozenset(), weekends)


def uncovered_years(calendar: WorkdayCalendar, start: date, end: date) -> list[int]:
    """The years from `start` to `end` whose schedule `calendar` does not know."""
    return [year for year in range(start.year, end.year + 1) if year not in calendar.covered_years]


def from_chinese_calendar() -> WorkdayCalendar:
    """The years the `chinesecalendar` package ships (2004 to its last release's year)."""
    import chinese_calendar

    holidays = frozenset(chinese_calendar.holidays)
    makeup = frozenset(chinese_calendar.workdays)
    first = min(d.year for d in holidays)
    last = max(d.year for d in holidays | makeup)
    return WorkdayCalendar(frozenset(range(first, last + 1)), holidays, makeup)


# --- A year entered by hand -----------------------------------------------------------------


@dataclass(frozen=True)
class EnteredYear:
    """A year's schedule as an administrator entered it from the State Council's notice."""

    year: int
    source_number: str  # the notice's 文号, e.g. 国办发明电〔2026〕7号
    source_date: date | None  # the day the notice was issued
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]

    def as_calendar(self) -> WorkdayCalendar:
        return WorkdayCalendar(frozenset({self.year}), self.holidays, self.makeup_workdays)


def entry_problems(entered: EnteredYear) -> list[tuple[str, str]]:
    """Why `entered` is not a complete year yet, as (field, message): a year counts only
    once its source and both kinds of day are entered, and every day is in the year. A
    half-entered year is no calendar: it would turn holidays into working days."""
    problems = []
    if not entered.source_number.strip():
        problems.append(("source_number", _("请填写国务院办公厅通知的文号。")))
    if entered.source_date is None:
        problems.append(("source_date", _("请填写国务院办公厅通知的发布日期。")))
    elif entered.source_date.year not in (entered.year - 1, entered.year):
        problems.append(
            (
                "source_date",
                _("%(year)d年的节假日安排应在%(before)d年或%(year)d年发布，请核对发布日期。")
                % {"year": entered.year, "before": entered.year - 1},
            )
        )
    if not entered.holidays:
        problems.append(("days", _("尚未录入放假日期。")))
    if not entered.makeup_workdays:
        problems.append(("days", _("尚未录入调休上班日期；通知中的调休上班日须一并录入。")))
    outside = sorted(
        d for d in entered.holidays | entered.makeup_workdays if d.year != entered.year
    )
    if outside:
        problems.append(
            (
                "days",
                _("以下日期不在%(year)d年内：%(days)s。")
                % {"year": entered.year, "days": "、".join(d.isoformat() for d in outside)},
            )
        )
    weekdays = sorted(d for d in entered.makeup_workdays if d.weekday() < 5)
    if weekdays:
        problems.append(
            (
                "days",
                _("调休上班日应为周六或周日，以下日期是工作日：%(days)s。")
                % {"days": "、".join(d.isoformat() for d in weekdays)},
            )
        )
    return problems


WEEKDAY_NAMES = "一二三四五六日"


@dataclass(frozen=True)
class DayDifference:
    day: date
    was_working_day: bool
    is_working_day: bool

    def describe(self, before: str, after: str) -> str:
        def word(working: bool) -> str:
            return _("上班") if working else _("休息")

        return _("%(day)s（周%(weekday)s）：%(before)s为%(old)s，%(after)s为%(new)s") % {
            "day": self.day.isoformat(),
            "weekday": WEEKDAY_NAMES[self.day.weekday()],
            "before": before,
            "old": word(self.was_working_day),
            "after": after,
            "new": word(self.is_working_day),
        }


def differences(old: WorkdayCalendar, new: WorkdayCalendar, year: int) -> list[DayDifference]:
    """Every day of `year` that is a working day in one calendar and not in the other."""
    found, day = [], date(year, 1, 1)
    while day.year == year:
        was, now = old.is_working_day(day), new.is_working_day(day)
        if was != now:
            found.append(DayDifference(day, was, now))
        day += timedelta(days=1)
    return found
