"""Publicity periods (公示期): how long, from when, and what may change once public.

A period never starts before the public can see its notice, and once public it never
moves, except later by a correction that extends it (ADR 0018):

- `length_refusal` checks a length against the kind's rule (at least / exactly N working
  days, or none stated) and the programme's ceiling;
- `first_public_day` is the first day a notice going live at a moment may count: that day
  when it is a working day and the notice is up before the end of working hours, else the
  next working day;
- `period_going_live` fixes the period when a notice goes live: from that first public
  day (自发布之日起), or from an explicit start date no earlier than it;
- `corrected_period` is the only way a public period changes: a later start while it has
  not started, more working days while it runs, never a shorter one.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from gongshi.formatting import chinese_date

from .errors import Citation, RuleViolation
from .messages import _
from .workdays import WorkdayCalendar


class StartRule(StrEnum):
    ON_PUBLICATION = "on_publication"  # 自发布之日起: the server fixes the start on going live
    FIXED = "fixed"  # an explicit start date, which going live must not pass


@dataclass(frozen=True)
class NoticeKindRule:
    """What a programme's regulation says about one kind of publicity notice."""

    kind: str
    name: str  # the regulation's own words, e.g. 候选名单公示
    citation: Citation
    min_working_days: int | None  # None: the regulation states no length
    exact: bool = False  # "公示5个工作日" rather than "不少于5个工作日"
    # Not the regulation's: the most working days an editor may enter for this kind, part
    # of the programme data, so that a slip of the keyboard (50 for 5) is caught.
    max_working_days: int = 20

    @property
    def states_length(self) -> bool:
        return self.min_working_days is not None

    def describe_length(self) -> str:
        """The rule in a sentence, for the editor's help and the public page."""
        if self.min_working_days is None:
            return _("%(citation)s未规定%(name)s的期限") % {
                "citation": self.citation,
                "name": self.name,
            }
        template = (
            _("%(citation)s规定%(name)s%(days)d个工作日")
            if self.exact
            else _("%(citation)s规定%(name)s不少于%(days)d个工作日")
        )
        return template % {
            "citation": self.citation,
            "name": self.name,
            "days": self.min_working_days,
        }


@dataclass(frozen=True)
class Period:
    start: date
    working_days: int | None  # None: no length, hence no end (only where none is stated)
    end: date | None

    def describe(self) -> str:
        if self.end is None:
            return _("自%(start)s起，未设截止日期") % {"start": chinese_date(self.start)}
        return _("%(start)s至%(end)s，共%(days)d个工作日") % {
            "start": chinese_date(self.start),
            "end": chinese_date(self.end),
            "days": self.working_days,
        }


# --- Length --------------------------------------------------------------------------------


def length_refusal(kind: NoticeKindRule, working_days: int | None) -> RuleViolation | None:
    """Why `working_days` is not an acceptable length for a notice of `kind`, or None."""
    if working_days is None:
        if kind.states_length:
            return RuleViolation(
                _("请填写公示期长度：%(rule)s。") % {"rule": kind.describe_length()},
                field="working_days",
            )
        return None
    if working_days < 1:
        return RuleViolation(
            _("公示期须为正整数个工作日，不能为%(days)d（%(rule)s）。")
            % {"days": working_days, "rule": kind.describe_length()},
            field="working_days",
        )
    if kind.min_working_days is not None and working_days < kind.min_working_days:
        return RuleViolation(
            _("公示期不足%(minimum)d个工作日（%(citation)s）。")
            % {"minimum": kind.min_working_days, "citation": kind.citation},
            field="working_days",
        )
    if kind.exact and working_days != kind.min_working_days:
        return RuleViolation(
            _(
                "%(rule)s，不能填写%(days)d个工作日；确需延长的，发布后以更正方式延长并公开说明理由。"
            )
            % {"rule": kind.describe_length(), "days": working_days},
            field="working_days",
        )
    if working_days > kind.max_working_days:
        return RuleViolation(
            _(
                "公示期%(days)d个工作日超过本奖项%(name)s的上限%(ceiling)d个工作日"
                "（%(rule)s；上限见奖项设置），请核对是否填错。确需更长的，请管理员调整奖项设置。"
            )
            % {
                "days": working_days,
                "name": kind.name,
                "ceiling": kind.max_working_days,
                "rule": kind.describe_length(),
            },
            field="working_days",
        )
    return None


def check_length(kind: NoticeKindRule, working_days: int | None) -> None:
    if refusal := length_refusal(kind, working_days):
        raise refusal


# --- The start ------------------------------------------------------------------------------


def first_public_day(calendar: WorkdayCalendar, moment: datetime, working_hours_end: time) -> date:
    """The first day a notice going live at `moment` (China time) may count as a day of
    publicity: that day if it is a working day and the notice is up before the end of the
    working hours, else the next working day. A notice put up on a Saturday, or at eight
    in the evening, has not been seen by anyone who reads notices at work."""
    day = moment.date()
    if calendar.is_working_day(day) and moment.time() < working_hours_end:
        return day
    return next(calendar.working_days(day + timedelta(days=1)))


def period_from(calendar: WorkdayCalendar, start: date, working_days: int | None) -> Period:
    """The period of `working_days` counted from `start` (the start counts when it is a
    working day); no end when no length is given."""
    if working_days is None:
        return Period(start, None, None)
    return Period(start, working_days, calendar.add_working_days(start, working_days))


class LateStart(RuleViolation):
    """An explicit start the public could not have seen: going live is after it."""


def late_start_refusal(
    kind: NoticeKindRule, start: date, earliest: date, moment: datetime
) -> LateStart:
    return LateStart(
        _(
            "公示开始日期为%(start)s，但本公示最早于%(moment)s发布，公众最早从%(earliest)s起才能看到，"
            "开始日期已过，批准将使公示期缩短（%(rule)s）。请退回编辑，将开始日期改为%(earliest)s"
            "或之后，或改为“自发布之日起”计算，再重新提交审核。"
        )
        % {
            "start": chinese_date(start),
            "moment": f"{chinese_date(moment.date())}{moment:%H:%M}",
            "earliest": chinese_date(earliest),
            "rule": kind.describe_length(),
        },
        field="start_date",
    )


def period_going_live(
    kind: NoticeKindRule,
    calendar: WorkdayCalendar,
    moment: datetime,
    working_hours_end: time,
    start_rule: StartRule,
    fixed_start: date | None,
    working_days: int | None,
) -> Period:
    """The period of a notice that goes live at `moment`, refusing a fixed start the
    public could not have seen and a length the kind does not allow."""
    check_length(kind, working_days)
    earliest = first_public_day(calendar, moment, working_hours_end)
    if start_rule == StartRule.ON_PUBLICATION:
        start = earliest
    else:
        if fixed_start is None:
            raise RuleViolation(_("指定开始日期的，须填写开始日期。"), field="start_date")
        if fixed_start < earliest:
            raise late_start_refusal(kind, fixed_start, earliest, moment)
        start = fixed_start
    return period_from(calendar, start, working_days)


# --- Corrections after publication ---------------------------------------------------------


def corrected_period(
    kind: NoticeKindRule,
    calendar: WorkdayCalendar,
    current: Period,
    moment: datetime,
    working_hours_end: time,
    start: date | None,
    working_days: int | None,
) -> Period:
    """The period after a correction going live at `moment`, or a refusal.

    What the public was told stays true: the deadline never comes earlier, a period that
    is running or over keeps its start, an ended period is not reopened (days nobody knew
    were open would count), and a new start is no earlier than the correction's first
    public day.
    """
    today = moment.date()
    start = start or current.start
    working_days = current.working_days if working_days is None else working_days
    if start == current.start and working_days == current.working_days:
        raise RuleViolation(
            _("更正后的开始日期和公示期与现在相同；如不更正公示期，请清空这两项。"),
            field="corrected_working_days",
        )
    if current.end is not None and today > current.end:
        raise RuleViolation(
            _("公示期已于%(end)s结束，不能再延长或更正；如需重新公示，请另行发布一份公示。")
            % {"end": chinese_date(current.end)},
            field="corrected_working_days",
        )
    if start != current.start:
        if today >= current.start:
            raise RuleViolation(
                _("公示期已于%(start)s开始，开始日期不能再改；只能延长公示期。")
                % {"start": chinese_date(current.start)},
                field="corrected_start_date",
            )
        earliest = first_public_day(calendar, moment, working_hours_end)
        if start < earliest:
            raise RuleViolation(
                _("更正后的开始日期不能早于更正公开后的第一个工作日（%(earliest)s）。")
                % {"earliest": chinese_date(earliest)},
                field="corrected_start_date",
            )
    if working_days is None:
        raise RuleViolation(
            _("已设截止日期的公示期不能改为不设截止日期。"), field="corrected_working_days"
        )
    check_length_of_correction(kind, working_days)
    corrected = period_from(calendar, start, working_days)
    if current.end is not None and corrected.end < current.end:
        raise RuleViolation(
            _(
                "公示期发布后不能缩短：更正后截止日期%(new)s早于已公布的%(old)s。"
                "请增加工作日数，使截止日期不早于%(old)s。"
            )
            % {"new": chinese_date(corrected.end), "old": chinese_date(current.end)},
            field="corrected_working_days",
        )
    return corrected


def check_length_of_correction(kind: NoticeKindRule, working_days: int) -> None:
    """A correction may extend an exact length (that is its point), within the ceiling."""
    as_minimum = NoticeKindRule(
        kind.kind, kind.name, kind.citation, kind.min_working_days, False, kind.max_working_days
    )
    if refusal := length_refusal(as_minimum, working_days):
        refusal.field = "corrected_working_days"
        raise refusal


# --- Status ---------------------------------------------------------------------------------


def publicity_status(start: date, end: date | None, today: date) -> str:
    """未开始, 公示中 or 已结束 for the day `today` in Beijing time; a notice without an
    end (the regulation states no length) is 已公布 once it starts."""
    if today < start:
        return "upcoming"
    if end is None:
        return "published"
    if today <= end:
        return "open"
    return "closed"
