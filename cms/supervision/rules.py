"""The supervision group's rules for a case, in plain Python: states and transitions,
deadlines in working days, recusal, and the published counts.

运政发〔2023〕14号 第二十八条: anyone may complain to the supervision group; the group
publishes its channels and procedure and keeps the complainant's identity confidential.
第三十二条: staff with an interest in a case recuse themselves.
"""

from __future__ import annotations

import math
import statistics as stats
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from gongshi.rules.errors import RuleViolation
from gongshi.rules.workdays import WorkdayCalendar

RECUSAL_ARTICLE = "运政发〔2023〕14号 第三十二条"

# Where a published channel states no time limit, the group still owes an answer.
DEFAULT_ACKNOWLEDGE_WORKING_DAYS = 5
DEFAULT_CONCLUDE_WORKING_DAYS = 30
REMIND_WORKING_DAYS_BEFORE = 2
MAX_EXTENSION_WORKING_DAYS = 30


# --- States ---------------------------------------------------------------------------------

RECEIVED, ACKNOWLEDGED, INVESTIGATING, CONCLUDED = (
    "received",
    "acknowledged",
    "investigating",
    "concluded",
)
UPHELD, NOT_UPHELD, OUT_OF_SCOPE = "upheld", "not_upheld", "out_of_scope"
OUTCOMES = (UPHELD, NOT_UPHELD, OUT_OF_SCOPE)

STATE_LABELS = {
    RECEIVED: "已收到",
    ACKNOWLEDGED: "已受理",
    INVESTIGATING: "调查核实中",
    CONCLUDED: "已办结",
}
OUTCOME_LABELS = {
    UPHELD: "反映属实",
    NOT_UPHELD: "反映不属实",
    OUT_OF_SCOPE: "不属于受理范围",
}

# A case can be concluded as soon as it is acknowledged (out of scope, say) and must be
# acknowledged first, so that the acknowledgement deadline is always answered.
TRANSITIONS = {
    RECEIVED: (ACKNOWLEDGED,),
    ACKNOWLEDGED: (INVESTIGATING, CONCLUDED),
    INVESTIGATING: (CONCLUDED,),
    CONCLUDED: (),
}


def check_transition(current: str, target: str, outcome: str = "", message: str = "") -> None:
    """Raise RuleViolation, in words a handler understands, unless the move is allowed."""
    if target not in TRANSITIONS.get(current, ()):
        raise RuleViolation(
            f"案件当前状态为“{STATE_LABELS[current]}”，不能转为“{STATE_LABELS.get(target, target)}”。"
        )
    if target == CONCLUDED:
        if outcome not in OUTCOMES:
            raise RuleViolation("办结须选择办理结果：属实、不属实或不属于受理范围。", "outcome")
        if not message.strip():
            raise RuleViolation("办结须写明给举报人的处理结果说明。", "message")


# --- Deadlines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: date
    conclude_by: date


def deadlines(
    received_on: date,
    calendar: WorkdayCalendar,
    acknowledge_days: int | None,
    conclude_days: int | None,
) -> Deadlines:
    """Counted in working days from the day after receipt: a report sent on a Friday
    evening has not cost the group a working day yet."""
    start = received_on + timedelta(days=1)
    return Deadlines(
        acknowledge_by=calendar.add_working_days(
            start, acknowledge_days or DEFAULT_ACKNOWLEDGE_WORKING_DAYS
        ),
        conclude_by=calendar.add_working_days(
            start, conclude_days or DEFAULT_CONCLUDE_WORKING_DAYS
        ),
    )


def extended(due: date, working_days: int, justification: str, calendar: WorkdayCalendar) -> date:
    """The new conclusion deadline after an extension of `working_days`."""
    if not justification.strip():
        raise RuleViolation("延期须写明理由。", "justification")
    if not 1 <= working_days <= MAX_EXTENSION_WORKING_DAYS:
        raise RuleViolation(f"每次延期为1至{MAX_EXTENSION_WORKING_DAYS}个工作日。", "working_days")
    return calendar.add_working_days(due + timedelta(days=1), working_days)


OVERDUE, DUE_SOON, ON_TIME = "overdue", "due_soon", "on_time"


def urgency(due: date, today: date, calendar: WorkdayCalendar) -> str:
    """Overdue after the due day; due soon within REMIND_WORKING_DAYS_BEFORE working days."""
    if today > due:
        return OVERDUE
    if calendar.count_working_days(today, due) <= REMIND_WORKING_DAYS_BEFORE:
        return DUE_SOON
    return ON_TIME


def pending_deadline(
    state: str, acknowledge_by: date, conclude_by: date
) -> tuple[str, date] | None:
    """The deadline the group must meet next, named, or None once concluded."""
    if state == RECEIVED:
        return "受理答复", acknowledge_by
    if state in (ACKNOWLEDGED, INVESTIGATING):
        return "办结", conclude_by
    return None


# --- Recusal --------------------------------------------------------------------------------

MIN_PARTIAL_MATCH = 4  # characters: "示例机械" is specific enough, "公司" is not


def normalise_name(name: str) -> str:
    """Full-width to half-width, no spaces or brackets' variants, case-insensitive."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(char for char in text if not char.isspace() and char not in "()（）·.,，")


def conflicts(declared: Iterable[str], named: Iterable[str]) -> list[str]:
    """The declared organisations that a case names (equal, or one name inside the other).

    Declared interests err on the side of recusal: "示例机械" conflicts with
    "运城示例机械有限公司"."""
    found = []
    named_forms = [normalise_name(n) for n in named if normalise_name(n)]
    for organisation in declared:
        mine = normalise_name(organisation)
        if not mine:
            continue
        for theirs in named_forms:
            shorter = min(mine, theirs, key=len)
            if mine == theirs or (
                len(shorter) >= MIN_PARTIAL_MATCH and (mine in theirs or theirs in mine)
            ):
                found.append(organisation)
                break
    return found


def check_assignment(handler_name: str, declared: Iterable[str], named: Iterable[str]) -> None:
    if clashes := conflicts(declared, named):
        raise RuleViolation(
            f"{handler_name}已声明与“{'、'.join(clashes)}”存在利害关系，"
            f"不能承办涉及该单位的案件，应当回避（{RECUSAL_ARTICLE}）。",
            "handler",
        )


# --- Published counts -----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """The plaintext facts of a case that statistics may use: no content, no identity."""

    received_on: date
    concluded_on: date | None
    outcome: str


@dataclass(frozen=True)
class YearCounts:
    year: int
    received: int
    concluded: int
    upheld: int
    median_days_to_conclude: int | None  # calendar days, of the concluded ones


def yearly_counts(cases: Iterable[CaseFacts]) -> list[YearCounts]:
    """Per year of receipt: how many came in, how many are concluded, how many upheld,
    and the median number of calendar days from receipt to conclusion (rounded up)."""
    by_year: dict[int, list[CaseFacts]] = {}
    for case in cases:
        by_year.setdefault(case.received_on.year, []).append(case)
    rows = []
    for year in sorted(by_year):
        cases_of_year = by_year[year]
        durations = [
            (case.concluded_on - case.received_on).days
            for case in cases_of_year
            if case.concluded_on is not None
        ]
        median = stats.median(durations) if durations else None
        rows.append(
            YearCounts(
                year=year,
                received=len(cases_of_year),
                concluded=len(durations),
                upheld=sum(1 for case in cases_of_year if case.outcome == UPHELD),
                median_days_to_conclude=None if median is None else math.ceil(median),
            )
        )
    return rows
