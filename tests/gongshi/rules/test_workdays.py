from datetime import date

import pytest

from gongshi.rules import workdays
from gongshi.rules.workdays import CalendarYearMissing, WorkdayCalendar

OFFICIAL = workdays.from_chinese_calendar()


@pytest.mark.parametrize(
    ("start", "count", "end"),
    [
        # rules.md's example: Mid-Autumn + National Day 2023, make-up Sat 10-07 and Sun 10-08
        (date(2023, 9, 28), 5, date(2023, 10, 10)),
        # an ordinary week
        (date(2024, 3, 4), 5, date(2024, 3, 8)),
        # starting on a Saturday: Monday is the first working day
        (date(2024, 3, 2), 5, date(2024, 3, 8)),
        # Spring Festival 2024: holidays 02-10..02-17, make-up Sun 02-04 and Sun 02-18
        (date(2024, 2, 7), 5, date(2024, 2, 19)),
        # a make-up Sunday counts as the first day (2024-02-04)
        (date(2024, 2, 4), 3, date(2024, 2, 6)),
        # Labour Day 2025: 05-01..05-05 off, make-up Sun 04-27 and Sat 05-10
        (date(2025, 4, 28), 5, date(2025, 5, 7)),
        # National Day 2026: 10-01..10-07 off, make-up Sun 09-20 and Sat 10-10
        (date(2026, 9, 29), 5, date(2026, 10, 10)),
        (date(2026, 9, 20), 1, date(2026, 9, 20)),
    ],
)
def test_add_working_days_follows_the_official_calendar(start, count, end):
    assert OFFICIAL.add_working_days(start, count) == end
    assert OFFICIAL.count_working_days(start, end) == count


def test_a_period_reaching_an_unknown_year_is_refused_not_guessed():
    with pytest.raises(CalendarYearMissing) as refusal:
        OFFICIAL.add_working_days(date(2026, 12, 28), 5)
    assert refusal.value.year == 2027
    assert "2027年的法定节假日和调休安排尚未录入" in refusal.value.message


def test_entered_years_extend_and_override_the_bundled_calendar():
    entered = WorkdayCalendar(
        covered_years=frozenset({2027}),
        holidays=frozenset({date(2027, 1, 1)}),
        makeup_workdays=frozenset({date(2027, 1, 2)}),
    )
    calendar = workdays.merge(OFFICIAL, entered)
    # Thu 12-31 is a working day, Fri 01-01 a holiday, Sat 01-02 a make-up day
    assert calendar.add_working_days(date(2026, 12, 31), 3) == date(2027, 1, 4)
    override = WorkdayCalendar(covered_years=frozenset({2023}))  # no holidays at all
    assert workdays.merge(OFFICIAL, override).add_working_days(date(2023, 9, 28), 5) == date(
        2023, 10, 4
    )


def test_a_period_has_at_least_one_day():
    with pytest.raises(ValueError):
        OFFICIAL.add_working_days(date(2024, 3, 4), 0)


# -- a year entered by hand -------------------------------------------------------------------

COMPLETE_2027 = workdays.EnteredYear(
    year=2027,
    source_number="国办发明电〔2026〕7号",
    source_date=date(2026, 11, 4),
    holidays=frozenset({date(2027, 1, 1), date(2027, 2, 5)}),
    makeup_workdays=frozenset({date(2027, 2, 14)}),  # a Sunday
)


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({}, []),
        ({"source_number": " "}, [("source_number", "文号")]),
        ({"source_date": None}, [("source_date", "发布日期")]),
        ({"source_date": date(2025, 11, 4)}, [("source_date", "应在2026年或2027年发布")]),
        ({"holidays": frozenset()}, [("days", "尚未录入放假日期")]),
        ({"makeup_workdays": frozenset()}, [("days", "尚未录入调休上班日期")]),
        (
            {"holidays": frozenset({date(2027, 1, 1), date(2026, 12, 31)})},
            [("days", "不在2027年内：2026-12-31")],
        ),
        ({"makeup_workdays": frozenset({date(2027, 2, 15)})}, [("days", "应为周六或周日")]),
    ],
)
def test_an_entered_year_counts_only_when_complete(changes, problems):
    from dataclasses import replace

    found = workdays.entry_problems(replace(COMPLETE_2027, **changes))
    assert [field for field, _ in found] == [field for field, _ in problems]
    for (_, expected), (_, message) in zip(problems, found, strict=True):
        assert expected in message


def test_differences_are_listed_day_by_day():
    bundled_2023 = OFFICIAL
    # An entry for 2023 that forgot the National Day make-up Saturday and Sunday.
    entered = WorkdayCalendar(
        frozenset({2023}),
        frozenset(d for d in OFFICIAL.holidays if d.year == 2023),
        frozenset(d for d in OFFICIAL.makeup_workdays if d.year == 2023)
        - {date(2023, 10, 7), date(2023, 10, 8)},
    )
    found = workdays.differences(bundled_2023, entered, 2023)
    assert [d.day for d in found] == [date(2023, 10, 7), date(2023, 10, 8)]
    assert found[0].describe("内置日历", "本次录入") == (
        "2023-10-07（周六）：内置日历为上班，本次录入为休息"
    )
    assert workdays.differences(OFFICIAL, OFFICIAL, 2024) == []


def test_counting_every_day_is_never_later_than_working_days():
    every = workdays.every_day({2024, 2025})
    for start in (date(2024, 2, 7), date(2024, 9, 27), date(2024, 12, 2)):
        for count in (1, 5, 20):
            assert every.add_working_days(start, count) <= OFFICIAL.add_working_days(start, count)
    assert workdays.uncovered_years(OFFICIAL, date(2026, 12, 20), date(2027, 2, 1)) == [2027]


# -- merging calendars ------------------------------------------------------------------------


def _merged_by_definition(*calendars: WorkdayCalendar) -> WorkdayCalendar:
    """merge() as its docstring says it, one year at a time: the last calendar covering
    a year gives that year's days."""
    holidays, makeup, covered = set(), set(), set()
    for year in {y for c in calendars for y in c.covered_years}:
        last = [c for c in calendars if year in c.covered_years][-1]
        covered.add(year)
        holidays |= {d for d in last.holidays if d.year == year}
        makeup |= {d for d in last.makeup_workdays if d.year == year}
    return WorkdayCalendar(frozenset(covered), frozenset(holidays), frozenset(makeup))


def _random_calendar(chooser, years: range) -> WorkdayCalendar:
    covered = frozenset(y for y in years if chooser.random() < 0.6)
    # Days of years the calendar does not cover too: merge() must drop them.
    days = [date(y, chooser.randint(1, 12), chooser.randint(1, 28)) for y in years for _ in "ab"]
    return WorkdayCalendar(
        covered,
        frozenset(d for d in days if chooser.random() < 0.5),
        frozenset(d for d in days if chooser.random() < 0.3),
    )


@pytest.mark.parametrize("seed", range(40))
def test_merge_gives_each_year_the_last_calendar_covering_it(seed):
    import random

    chooser = random.Random(seed)
    calendars = [_random_calendar(chooser, range(2020, 2030)) for _ in range(chooser.randint(1, 4))]
    assert workdays.merge(*calendars) == _merged_by_definition(*calendars)


def test_merging_two_centuries_costs_the_days_not_days_times_years():
    """The intake merges a 200-year every-day calendar into the official one for each
    report; read year by year, that took a quarter of a second per merge."""
    import time

    centuries = workdays.every_day(range(2000, 2200))
    started = time.perf_counter()
    for _ in range(20):
        merged = workdays.merge(centuries, OFFICIAL)
    assert time.perf_counter() - started < 2.0  # a year-by-year merge takes over 5 s
    assert merged == _merged_by_definition(centuries, OFFICIAL)
    assert merged.add_working_days(date(2023, 9, 28), 5) == date(2023, 10, 10)
    assert merged.add_working_days(date(2150, 1, 1), 3) == date(2150, 1, 3)
