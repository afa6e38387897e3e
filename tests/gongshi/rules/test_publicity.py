"""Publicity periods as plain rules, case by case (gongshi/rules/publicity.py, timeliness.py)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from gongshi.rules import RuleViolation, timeliness, workdays
from gongshi.rules.errors import Citation
from gongshi.rules.publicity import (
    LateStart,
    NoticeKindRule,
    Period,
    StartRule,
    corrected_period,
    first_public_day,
    length_refusal,
    period_going_live,
    publicity_status,
)

CALENDAR = workdays.from_chinese_calendar()
CHINA = ZoneInfo("Asia/Shanghai")
FIVE_PM = time(17, 0)
CANDIDATES = NoticeKindRule(
    "candidates", "候选名单公示", Citation("运政发〔2023〕14号", "第十九条"), 5, False, 20
)
ACCEPTED = NoticeKindRule(
    "accepted", "受理名单公示", Citation("运政发〔2023〕14号", "第十七条"), None, False, 20
)
EXACTLY_FIVE = NoticeKindRule(
    "recommended",
    "拟获奖名单公示",
    Citation("《衡阳市市长质量奖管理办法（征求意见稿）》", "第十条第六项"),
    5,
    True,
    20,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


# -- the first day a notice going live may count ---------------------------------------------


@pytest.mark.parametrize(
    ("moment", "first"),
    [
        ("2023-09-25 09:00", date(2023, 9, 25)),  # a Monday morning: that day
        ("2023-09-25 16:59", date(2023, 9, 25)),  # still within working hours
        ("2023-09-25 17:00", date(2023, 9, 26)),  # after hours: the next working day
        ("2023-09-25 23:59", date(2023, 9, 26)),
        ("2023-09-23 10:00", date(2023, 9, 25)),  # a Saturday: the Monday
        # the eve of Mid-Autumn and National Day 2023 (09-29 to 10-06 off)
        ("2023-09-28 18:00", date(2023, 10, 7)),  # the make-up Saturday counts
        ("2023-10-01 10:00", date(2023, 10, 7)),
        ("2023-10-07 08:00", date(2023, 10, 7)),  # a make-up Saturday is a working day
        ("2024-02-04 12:00", date(2024, 2, 4)),  # a make-up Sunday too
        ("2026-12-31 18:00", None),  # 2027 is not in the bundled calendar: refused
    ],
)
def test_the_first_public_day(moment, first):
    if first is None:
        with pytest.raises(workdays.CalendarYearMissing):
            first_public_day(CALENDAR, at(moment), FIVE_PM)
        return
    assert first_public_day(CALENDAR, at(moment), FIVE_PM) == first


# -- the period fixed on going live -----------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "rule", "start", "days", "expected"),
    [
        # 自发布之日起: the server's day, not the editor's
        (
            "2023-09-25 10:00",
            StartRule.ON_PUBLICATION,
            None,
            5,
            Period(date(2023, 9, 25), 5, date(2023, 10, 7)),
        ),
        (
            "2023-09-25 18:00",
            StartRule.ON_PUBLICATION,
            None,
            5,
            Period(date(2023, 9, 26), 5, date(2023, 10, 8)),
        ),
        (
            "2023-09-28 18:00",
            StartRule.ON_PUBLICATION,
            None,
            5,
            Period(date(2023, 10, 7), 5, date(2023, 10, 11)),
        ),
        # an explicit start on or after the first public day stays
        (
            "2023-09-25 10:00",
            StartRule.FIXED,
            date(2023, 9, 28),
            5,
            Period(date(2023, 9, 28), 5, date(2023, 10, 10)),
        ),
        (
            "2023-09-28 16:00",
            StartRule.FIXED,
            date(2023, 9, 28),
            5,
            Period(date(2023, 9, 28), 5, date(2023, 10, 10)),
        ),
        # going live after it: refused, never shortened
        ("2023-09-28 17:30", StartRule.FIXED, date(2023, 9, 28), 5, "开始日期已过"),
        (
            "2023-09-29 10:00",
            StartRule.FIXED,
            date(2023, 9, 28),
            5,
            "将开始日期改为2023年10月7日或之后",
        ),
        ("2023-10-20 10:00", StartRule.FIXED, date(2023, 9, 28), 5, "批准将使公示期缩短"),
        ("2023-09-25 10:00", StartRule.FIXED, None, 5, "须填写开始日期"),
        (
            "2023-09-25 10:00",
            StartRule.ON_PUBLICATION,
            None,
            3,
            "公示期不足5个工作日（运政发〔2023〕14号 第十九条）",
        ),
        (
            "2026-12-28 10:00",
            StartRule.ON_PUBLICATION,
            None,
            5,
            "2027年的法定节假日和调休安排尚未录入",
        ),
    ],
)
def test_the_period_going_live(moment, rule, start, days, expected):
    going = (CANDIDATES, CALENDAR, at(moment), FIVE_PM, rule, start, days)
    if isinstance(expected, Period):
        assert period_going_live(*going) == expected
    else:
        with pytest.raises(RuleViolation) as refusal:
            period_going_live(*going)
        assert expected in refusal.value.message


def test_a_late_start_says_why_and_what_to_do():
    with pytest.raises(LateStart) as refusal:
        period_going_live(
            CANDIDATES,
            CALENDAR,
            at("2023-09-29 10:00"),
            FIVE_PM,
            StartRule.FIXED,
            date(2023, 9, 28),
            5,
        )
    message = refusal.value.message
    assert refusal.value.field == "start_date"
    assert "2023年9月28日" in message and "2023年9月29日10:00" in message
    assert "退回编辑" in message and "自发布之日起" in message
    assert "运政发〔2023〕14号 第十九条" in message


def test_a_kind_without_a_stated_length_may_go_live_without_an_end():
    period = period_going_live(
        ACCEPTED, CALENDAR, at("2023-09-25 10:00"), FIVE_PM, StartRule.ON_PUBLICATION, None, None
    )
    assert period == Period(date(2023, 9, 25), None, None)
    assert "未规定受理名单公示的期限" in ACCEPTED.describe_length()


# -- lengths ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "days", "message"),
    [
        (CANDIDATES, 5, None),
        (CANDIDATES, 20, None),
        (
            CANDIDATES,
            None,
            "请填写公示期长度：运政发〔2023〕14号 第十九条规定候选名单公示不少于5个工作日",
        ),
        (CANDIDATES, 0, "公示期须为正整数个工作日，不能为0"),
        (CANDIDATES, -5, "不能为-5"),
        (CANDIDATES, 4, "公示期不足5个工作日（运政发〔2023〕14号 第十九条）"),
        (CANDIDATES, 21, "超过本奖项候选名单公示的上限20个工作日"),
        (CANDIDATES, 500, "请核对是否填错"),
        (ACCEPTED, None, None),
        (ACCEPTED, 1, None),
        (ACCEPTED, 0, "运政发〔2023〕14号 第十七条未规定受理名单公示的期限"),
        (EXACTLY_FIVE, 5, None),
        (EXACTLY_FIVE, 6, "规定拟获奖名单公示5个工作日，不能填写6个工作日"),
        (EXACTLY_FIVE, 4, "公示期不足5个工作日"),
    ],
)
def test_lengths_name_the_rule(rule, days, message):
    refusal = length_refusal(rule, days)
    if message is None:
        assert refusal is None
    else:
        assert refusal is not None and message in refusal.message
        assert refusal.field == "working_days"


# -- corrections after publication ------------------------------------------------------------

LIVE = Period(date(2023, 10, 9), 5, date(2023, 10, 13))
LATER = Period(date(2023, 10, 16), 5, date(2023, 10, 20))  # published, not started yet


@pytest.mark.parametrize(
    ("current", "moment", "start", "days", "expected"),
    [
        # extended while it runs: same start, the deadline later
        (LIVE, "2023-10-10 10:00", None, 8, Period(date(2023, 10, 9), 8, date(2023, 10, 18))),
        (LIVE, "2023-10-13 16:00", None, 6, Period(date(2023, 10, 9), 6, date(2023, 10, 16))),
        # never shortened
        (LIVE, "2023-10-10 10:00", None, 4, "公示期不足5个工作日"),
        (Period(date(2023, 10, 9), 8, date(2023, 10, 18)), "2023-10-10 10:00", None, 6, "不能缩短"),
        # an ended period is not reopened
        (LIVE, "2023-10-16 10:00", None, 8, "已于2023年10月13日结束"),
        # the start of a running period stays
        (LIVE, "2023-10-10 10:00", date(2023, 10, 11), 5, "开始日期不能再改"),
        # a period not started yet may start later, never before the correction is seen
        (
            LATER,
            "2023-10-11 10:00",
            date(2023, 10, 18),
            5,
            Period(date(2023, 10, 18), 5, date(2023, 10, 24)),
        ),
        (
            LATER,
            "2023-10-11 18:00",
            date(2023, 10, 11),
            7,
            "不能早于更正公开后的第一个工作日（2023年10月12日）",
        ),
        (LATER, "2023-10-11 10:00", date(2023, 10, 12), 5, "不能缩短"),
        (LATER, "2023-10-11 10:00", date(2023, 10, 17), 4, "公示期不足5个工作日"),
        (LIVE, "2023-10-10 10:00", None, 5, "与现在相同"),
        (LIVE, "2023-10-10 10:00", None, 21, "上限20个工作日"),
    ],
)
def test_corrections(current, moment, start, days, expected):
    correcting = (CANDIDATES, CALENDAR, current, at(moment), FIVE_PM, start, days)
    if isinstance(expected, Period):
        assert corrected_period(*correcting) == expected
    else:
        with pytest.raises(RuleViolation) as refusal:
            corrected_period(*correcting)
        assert expected in refusal.value.message


def test_an_exact_length_is_extended_only_by_a_correction():
    extended = corrected_period(
        EXACTLY_FIVE, CALENDAR, LIVE, at("2023-10-10 10:00"), FIVE_PM, None, 7
    )
    assert extended == Period(date(2023, 10, 9), 7, date(2023, 10, 17))


@pytest.mark.parametrize("days", range(1, 21))
def test_no_correction_ever_brings_the_deadline_earlier(days):
    """Every length against every moment of a running period: accepted only if the end
    does not come earlier."""
    for hour in ("2023-10-09 10:00", "2023-10-11 18:00", "2023-10-13 16:00"):
        try:
            corrected = corrected_period(CANDIDATES, CALENDAR, LIVE, at(hour), FIVE_PM, None, days)
        except RuleViolation:
            assert days <= LIVE.working_days or days > CANDIDATES.max_working_days
            continue
        assert corrected.end > LIVE.end and corrected.start == LIVE.start


# -- status -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "end", "status"),
    [
        (date(2023, 10, 8), date(2023, 10, 13), "upcoming"),
        (date(2023, 10, 9), date(2023, 10, 13), "open"),
        (date(2023, 10, 13), date(2023, 10, 13), "open"),
        (date(2023, 10, 14), date(2023, 10, 13), "closed"),
        (date(2023, 10, 8), None, "upcoming"),
        (date(2023, 10, 9), None, "published"),
        (date(2030, 1, 1), None, "published"),
    ],
)
def test_status(today, end, status):
    assert publicity_status(date(2023, 10, 9), end, today) == status


# -- timeliness (政府信息公开条例 第二十六条) ----------------------------------------------------


@pytest.mark.parametrize(
    ("signed", "published", "late"),
    [
        (date(2023, 9, 1), date(2023, 9, 28), False),  # 19 working days after signing
        (date(2023, 9, 1), date(2023, 10, 7), False),  # the 20th: a make-up Saturday
        (date(2023, 9, 1), date(2023, 10, 8), True),  # the 21st
        (date(2023, 9, 1), date(2023, 10, 6), False),  # holidays do not count
        (date(2023, 9, 1), date(2023, 9, 1), False),
        (date(2026, 12, 1), date(2027, 1, 15), True),  # 2027 unknown: counted in calendar days
    ],
)
def test_late_publication_is_more_than_twenty_working_days_after_signing(signed, published, late):
    warning = timeliness.lateness_warning(CALENDAR, signed, published)
    assert (warning is not None) == late
    if late:
        assert "《中华人民共和国政府信息公开条例》第二十六条" in warning
        assert "可以发布" in warning


def test_lateness_in_an_unentered_year_says_it_counted_calendar_days():
    warning = timeliness.lateness_warning(CALENDAR, date(2026, 12, 1), date(2027, 1, 15))
    assert "按日历日计" in warning
