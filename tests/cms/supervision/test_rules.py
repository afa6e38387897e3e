"""The group's rules as plain Python: transitions, deadlines, recusal, counts."""

from datetime import date

import pytest

from cms.supervision import rules
from gongshi.rules.errors import RuleViolation
from gongshi.rules.workdays import WorkdayCalendar, from_chinese_calendar

CALENDAR = from_chinese_calendar()


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("received", "acknowledged", True),
        ("received", "investigating", False),
        ("received", "concluded", False),
        ("acknowledged", "investigating", True),
        ("acknowledged", "concluded", True),
        ("investigating", "concluded", True),
        ("investigating", "acknowledged", False),
        ("concluded", "investigating", False),
    ],
)
def test_transitions(current, target, allowed):
    if allowed:
        rules.check_transition(current, target, "upheld", "说明")
    else:
        with pytest.raises(RuleViolation, match="不能转为"):
            rules.check_transition(current, target, "upheld", "说明")


def test_conclusion_needs_an_outcome_and_a_message():
    with pytest.raises(RuleViolation, match="办理结果"):
        rules.check_transition("investigating", "concluded", "", "说明")
    with pytest.raises(RuleViolation, match="处理结果说明"):
        rules.check_transition("investigating", "concluded", "upheld", "  ")


def test_deadlines_count_working_days_from_the_day_after_receipt():
    # Received Wednesday 2023-09-27; 28 and 29 September are working/holiday days:
    # 2023-09-29 to 10-06 is the National Day holiday, 10-07 and 10-08 are make-up days.
    due = rules.deadlines(date(2023, 9, 27), CALENDAR, 3, 5)
    assert due.acknowledge_by == date(2023, 10, 8)  # 09-28, 10-07, 10-08
    assert due.conclude_by == date(2023, 10, 10)


def test_missing_limits_fall_back_to_the_defaults():
    due = rules.deadlines(date(2024, 3, 1), CALENDAR, None, None)
    assert CALENDAR.count_working_days(date(2024, 3, 2), due.acknowledge_by) == 5
    assert CALENDAR.count_working_days(date(2024, 3, 2), due.conclude_by) == 30


def test_an_extension_needs_a_reason_and_a_bounded_length():
    assert rules.extended(date(2024, 3, 1), 2, "需调取税务资料", CALENDAR) == date(2024, 3, 5)
    with pytest.raises(RuleViolation, match="理由"):
        rules.extended(date(2024, 3, 1), 2, " ", CALENDAR)
    with pytest.raises(RuleViolation, match="1至30个工作日"):
        rules.extended(date(2024, 3, 1), 31, "理由", CALENDAR)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 3, 1), rules.ON_TIME),  # Friday; due Thursday 03-07: 5 working days left
        (date(2024, 3, 6), rules.DUE_SOON),
        (date(2024, 3, 7), rules.DUE_SOON),
        (date(2024, 3, 8), rules.OVERDUE),
    ],
)
def test_urgency(today, expected):
    assert rules.urgency(date(2024, 3, 7), today, CALENDAR) == expected


@pytest.mark.parametrize(
    ("declared", "named", "clash"),
    [
        (["运城示例机械有限公司"], ["运城示例机械有限公司"], True),
        (["示例机械"], ["运城示例机械有限公司"], True),  # declared part of the name
        (["运城示例机械有限公司（分公司）"], ["运城示例机械有限公司分公司"], True),
        (["ＡＢＣ示例公司"], ["abc示例公司"], True),  # full-width and case
        (["公司"], ["运城示例机械有限公司"], False),  # too short to mean one company
        (["运城示例食品有限公司"], ["运城示例机械有限公司"], False),
        ([""], ["运城示例机械有限公司"], False),
    ],
)
def test_recusal(declared, named, clash):
    assert bool(rules.conflicts(declared, named)) is clash


def test_an_assignment_with_a_conflict_is_refused_naming_the_article():
    with pytest.raises(RuleViolation, match="第三十二条"):
        rules.check_assignment("吴国平", ["示例机械"], ["运城示例机械有限公司"])


def test_yearly_counts():
    cases = [
        rules.CaseFacts(date(2024, 1, 2), date(2024, 1, 12), rules.UPHELD),
        rules.CaseFacts(date(2024, 5, 2), date(2024, 5, 23), rules.NOT_UPHELD),
        rules.CaseFacts(date(2024, 12, 30), None, ""),
        rules.CaseFacts(date(2025, 2, 1), None, ""),
    ]
    assert rules.yearly_counts(cases) == [
        rules.YearCounts(2024, received=3, concluded=2, upheld=1, median_days_to_conclude=16),
        rules.YearCounts(2025, received=1, concluded=0, upheld=0, median_days_to_conclude=None),
    ]


def test_a_calendar_without_next_year_still_gives_deadlines():
    from gongshi.rules.workdays import merge

    official = WorkdayCalendar(frozenset({2026}))
    weekdays = WorkdayCalendar(frozenset(range(2000, 2200)))
    due = rules.deadlines(date(2026, 12, 20), merge(weekdays, official), 5, 30)
    assert due.conclude_by.year == 2027
