"""The call for applications (申报通知) of content/calls/, as a typed record.

`Call` holds what a call adds to every official document (schema.py's COMMON and
DOCUMENT tables): schema.py checks calls against `table(Call)`, the exporter writes
`as_document(Call(...))` and the site reads `from_document(Call, document)`
(docs/adr/0043-typed-contract.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .records import rule


@dataclass(frozen=True)
class Call:
    """A call's own fields, in the order its file writes them."""

    application_deadline: date
    how_to_apply: str = rule(text=True)  # where, how and what to hand in
