"""Statuses that depend on the day: a publicity period, a call, an award.

The rules are the CMS's own (gongshi/rules, plain Python); this module gives their answers
the site's labels. Computed at build time for the build date;
themes/gongshi/static/js/status.js applies the same rules in the browser, so a page stays
right on the days between builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gongshi.rules import awards as award_rules
from gongshi.rules import publicity as publicity_rules
from gongshi.rules.validity import AWARD_STATUS_LABELS


@dataclass(frozen=True)
class Status:
    key: str  # stable, for CSS classes, data files and the browser script
    label: str


UPCOMING = Status("upcoming", "未开始")
OPEN = Status("open", "公示中")
ENDED = Status("ended", "已结束")
PUBLISHED = Status("published", "已公布")  # no end date: the regulation states no length

ACCEPTING = Status("accepting", "申报中")
CLOSED = Status("closed", "已截止")

VALID = Status("valid", AWARD_STATUS_LABELS["valid"])
EXPIRED = Status("expired", AWARD_STATUS_LABELS["expired"])
REVOKED = Status("revoked", AWARD_STATUS_LABELS["revoked"])


PUBLICITY = {"upcoming": UPCOMING, "open": OPEN, "closed": ENDED, "published": PUBLISHED}
AWARD = {"valid": VALID, "expired": EXPIRED, "revoked": REVOKED}


def publicity_status(start: date, end: date | None, today: date) -> Status:
    """A publicity period runs from its first to its last day, both included; one without
    an end is 已公布 from its start."""
    return PUBLICITY[publicity_rules.publicity_status(start, end, today)]


def days_left(end: date, today: date) -> int:
    """Calendar days (not working days) after today until the period closes; 0 on its
    last day. The page says so: 距公示截止还有N天（日历日）."""
    return (end - today).days


def call_status(deadline: date, today: date) -> Status:
    return ACCEPTING if today <= deadline else CLOSED


def award_status(valid_until: date | None, revoked_on: date | None, today: date) -> Status:
    """Revoked wins over everything; an award without an end date does not expire."""
    return AWARD[award_rules.award_status(valid_until, revoked_on, today)]
