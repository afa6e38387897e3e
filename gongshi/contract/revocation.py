"""The revocation of an award (撤销表彰决定) of content/revocations/, as typed records.

`Revocation` holds what a revocation adds to every official document (schema.py's
COMMON and DOCUMENT tables): schema.py checks revocations against `table(Revocation)`,
the exporter writes `as_document(Revocation(...))` and the site reads
`from_document(Revocation, document)` (docs/adr/0043-typed-contract.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gongshi.rules.identity import RECIPIENT_ID

from .records import rule


@dataclass(frozen=True)
class RevokedAward:
    """The award revoked, as its decision listed it."""

    id: int
    decision: int  # the decision's id
    recipient: str
    recipient_id: str = rule(pattern=RECIPIENT_ID)
    credit_code: str = rule(text=True)
    level: str
    citation: str


@dataclass(frozen=True)
class Ground:
    """A ground of the revocation and the regulation's article that states it."""

    text: str
    article: str = rule(text=True)


@dataclass(frozen=True)
class Revocation:
    """A revocation's own fields, in the order its file writes them."""

    award: RevokedAward
    grounds: list[Ground]
    facts: str
    legal_basis: str
    certificate_recovered: bool
    money_clawed_back: bool
    money_clawed_back_yuan: int | None
    barred_until: date | None  # no new award for the recipient before this day
