"""The reporting channel (举报渠道) of content/channels/, as a typed record.

A channel is not an official document: `Channel` holds all its fields but the common
ones (schema.py's COMMON table). schema.py checks channels against `table(Channel)`, the
exporter writes `as_document(Channel(...))` and the site reads
`from_document(Channel, document)` (docs/adr/0043-typed-contract.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from .records import rule
from .tables import SLUG


@dataclass(frozen=True)
class Channel:
    """A channel's own fields, in the order its file writes them."""

    programme: str = rule(pattern=SLUG)  # the programme's slug
    name: str
    phone: str = rule(text=True)
    email: str = rule(text=True)
    postal_address: str = rule(text=True)
    postcode: str = rule(text=True)
    office: str = rule(text=True)
    office_hours: str = rule(text=True)
    report_contents: str
    anonymous_accepted: bool
    real_name_encouraged: bool
    deadline_rule: str = rule(text=True)
    procedure: str
    acknowledge_within_working_days: int | None
    conclude_within_working_days: int | None
    confidentiality_promise: str
    legal_basis: str = rule(text=True)
