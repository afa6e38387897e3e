"""Timeliness of publication (政府信息公开条例 第二十六条).

Information the government publishes of its own accord is to be made public within 20
working days of being formed or changed. Going live later is not refused (a late
publication is better than none) but the approver is warned and the fact is recorded.
"""

from datetime import date, timedelta

from gongshi.formatting import chinese_date

from .messages import _
from .workdays import CalendarYearMissing, WorkdayCalendar

CITATION = "《中华人民共和国政府信息公开条例》第二十六条"
WORKING_DAYS_ALLOWED = 20


def working_days_after_signing(calendar: WorkdayCalendar, signed: date, published: date) -> int:
    """Working days from the day after `signed` up to and including `published`."""
    return calendar.count_working_days(signed + timedelta(days=1), published)


def lateness_warning(calendar: WorkdayCalendar, signed: date, published: date) -> str | None:
    """A warning when publishing on `published` is late for a document signed on `signed`,
    or None when it is in time. A year whose calendar is not entered is counted as if
    every day were a working day, which can only make the warning early, and says so."""
    try:
        elapsed = working_days_after_signing(calendar, signed, published)
        unit = _("个工作日")
    except CalendarYearMissing:
        elapsed = (published - signed).days
        unit = _("天（含未录入节假日安排的年份，按日历日计）")
    if elapsed <= WORKING_DAYS_ALLOWED:
        return None
    return _(
        "成文日期为%(signed)s，到%(published)s已过%(elapsed)d%(unit)s，超过%(citation)s"
        "规定的%(allowed)d个工作日。可以发布，但将记录为逾期公开。"
    ) % {
        "signed": chinese_date(signed),
        "published": chinese_date(published),
        "elapsed": elapsed,
        "unit": unit,
        "citation": CITATION,
        "allowed": WORKING_DAYS_ALLOWED,
    }
