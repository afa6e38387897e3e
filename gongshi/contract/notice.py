"""The publicity notice (公示) of content/notices/, as typed records.

`Notice` holds what a notice adds to every official document (schema.py's COMMON and
DOCUMENT tables); its fields are the contract: schema.py checks notices against
`table(Notice)`, the exporter writes `as_document(Notice(...))`, and the site reads
`from_document(Notice, document)`. A new notice field is a new attribute here, a column
of the CMS's notice page of the same name, and the template line that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from gongshi.rules.identity import RECIPIENT_ID

from .records import rule

CATEGORY = ("organisation", "individual")
NOTICE_TYPES = ("internal", "accepted", "candidates", "recommended")


@dataclass(frozen=True)
class PeriodRule:
    """A kind of publicity notice as the regulation sets it (programmes.PublicityKind)."""

    notice_type: str = rule(choices=NOTICE_TYPES)
    name: str
    article: str = rule(text=True)
    min_working_days: int | None  # None: the regulation states no length
    exact: bool


@dataclass(frozen=True)
class PeriodCorrection:
    """A public correction of a live notice's period; periods only ever get longer."""

    published_at: datetime
    previous_start_date: date
    previous_end_date: date | None
    previous_working_days: int | None
    start_date: date
    end_date: date
    working_days: int
    reason: str


@dataclass(frozen=True)
class Entry:
    """A row of the publicity list."""

    name: str
    # Who: a credit code, a person's opaque id (p-...) or a hash of an organisation's name
    # (gongshi/rules/identity.py). Not in the open data, which predates it.
    recipient_id: str = rule(pattern=RECIPIENT_ID, open_data=False)
    credit_code: str = rule(text=True)
    category: str = rule(choices=CATEGORY)
    level: str = rule(text=True)
    region: str = rule(text=True)
    score: int | None
    bonus: int | None  # points outside the maximum score (Yuncheng's talent bonus)


@dataclass(frozen=True)
class Notice:
    """A notice's own fields, in the order its file writes them."""

    notice_type: str = rule(choices=NOTICE_TYPES)
    period_rule: PeriodRule
    # The period as the server fixed it on going live (null end and length: none set,
    # only where the regulation states none), and its public corrections.
    start_rule: str = rule(choices=("on_publication", "fixed"))
    start_date: date
    end_date: date | None
    working_days: int | None
    period_corrections: list[PeriodCorrection]
    objection_method: str = rule(text=True, label="异议方式")
    entries: list[Entry]
