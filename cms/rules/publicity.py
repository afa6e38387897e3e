"""Publicity periods (公示期)."""

from datetime import date

from django.utils.translation import gettext as _

from .errors import RuleViolation
from .programme import ProgrammeRules
from .workdays import WorkdayCalendar


def publicity_end_date(
    rules: ProgrammeRules, calendar: WorkdayCalendar, start: date, working_days: int
) -> date:
    """The last day of a publicity period, refusing one shorter than the programme allows."""
    if working_days < 1:
        raise RuleViolation(_("公示期至少为1个工作日。"), field="working_days")
    minimum = rules.min_publicity_working_days
    if minimum is not None and working_days < minimum:
        raise RuleViolation(
            _("公示期不足%(minimum)d个工作日（%(citation)s）。")
            % {"minimum": minimum, "citation": rules.cite(rules.publicity_article)},
            field="working_days",
        )
    return calendar.add_working_days(start, working_days)


def publicity_status(start: date, end: date, today: date) -> str:
    """未开始, 公示中 or 已结束, for the day `today` in Beijing time."""
    if today < start:
        return "upcoming"
    if today <= end:
        return "open"
    return "closed"
