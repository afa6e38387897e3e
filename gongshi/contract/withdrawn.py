"""The record of an item withdrawn as published in error (撤回) of content/withdrawn/.

`Withdrawn` holds what the record adds to the common fields (schema.py's COMMON table):
schema.py checks it against `table(Withdrawn)`, the CMS writes `as_document(Withdrawn(...))`
and the site reads `from_document(Withdrawn, document)` (docs/adr/0043-typed-contract.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .records import rule
from .tables import INDEX_NUMBER, SLUG

KINDS = ("call", "notice", "decision", "revocation")


@dataclass(frozen=True)
class Withdrawn:
    """A withdrawn item's own fields, in the order its file writes them."""

    withdrawn_kind: str = rule(choices=KINDS)
    programme: str | None = rule(pattern=SLUG)  # the programme's slug, if it had one
    document_number: str = rule(text=True)
    # The number it had while live: a 索引号 stays with its item in the catalogue.
    index_number: str | None = rule(pattern=INDEX_NUMBER)
    withdrawn_at: datetime
    reason: str
