"""The award decision (表彰决定) of content/decisions/, as typed records.

`Decision` holds what a decision adds to every official document (schema.py's COMMON
and DOCUMENT tables): its awards. schema.py checks decisions against `table(Decision)`,
the exporter writes `as_document(Decision(...))` and the site reads
`from_document(Decision, document)` (docs/adr/0043-typed-contract.md). A new award field
is a new attribute of `Award`, a column of the CMS's award of the same name, and the
template line that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gongshi.rules.identity import RECIPIENT_ID

from .notice import CATEGORY
from .records import rule


@dataclass(frozen=True)
class Award:
    """An award the decision grants, in the order its file writes the fields."""

    id: int
    recipient: str
    # Who: a credit code, a person's opaque id (p-...) or a hash of an organisation's name
    # (gongshi/rules/identity.py).
    recipient_id: str = rule(pattern=RECIPIENT_ID)
    credit_code: str = rule(text=True)
    category: str = rule(choices=CATEGORY)
    level: str
    region: str = rule(text=True)
    score: int | None
    bonus: int | None  # points outside the maximum score (Yuncheng's talent bonus)
    prize: str = rule(text=True)
    prize_money_yuan: int | None
    is_repeat: bool
    valid_from: date
    valid_until: date | None  # None: valid without end (the regulation sets no term)
    citation: str  # "2024年度运城市市长质量奖": the year and the level (rules/awards.py)


@dataclass(frozen=True)
class Decision:
    """A decision's own fields, in the order its file writes them."""

    awards: list[Award]
