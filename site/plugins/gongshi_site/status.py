"""Statuses that depend on the day: a publicity period, a call, an award.

Computed at build time for the build date; themes/gongshi/static/js/status.js applies
the same rules in the browser, so a page stays right on the days between builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Status:
    key: str  # stable, for CSS classes, data files and the browser script
    label: str


UPCOMING = Status("upcoming", "未开始")
OPEN = Status("open", "公示中")
ENDED = Status("ended", "已结束")

ACCEPTING = Status("accepting", "申报中")
CLOSED = Status("closed", "已截止")

VALID = Status("valid", "有效")
EXPIRED = Status("expired", "已过期")
REVOKED = Status("revoked", "已撤销")


def publicity_status(start: date, end: date, today: date) -> Status:
    """A publicity period runs from its first to its last day, both included."""
    if today < start:
        return UPCOMING
    if today > end:
        return ENDED
    return OPEN


def days_left(end: date, today: date) -> int:
    """Calendar days after today until the period closes; 0 on its last day."""
    return (end - today).days


def call_status(deadline: date, today: date) -> Status:
    return ACCEPTING if today <= deadline else CLOSED


def award_status(valid_until: date | None, revoked: bool, today: date) -> Status:
    """Revoked wins over everything; an award without an end date does not expire."""
    if revoked:
        return REVOKED
    if valid_until is not None and today > valid_until:
        return EXPIRED
    return VALID
