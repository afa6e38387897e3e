"""The home page (content/home.md) and the site's identity (网站信息), as typed records.

`Home` holds what the home page adds to the common fields (schema.py's COMMON table):
schema.py checks it against `table(Home)`, the exporter writes `as_document(Home(...))`
and the site reads `from_document(Home, document)` (docs/adr/0043-typed-contract.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import rule

_WEB_URL_OR_EMPTY = re.compile(r"^(?:https?://[^\s]+)?$")
_POLICE_RECORD_OR_EMPTY = re.compile(r"^(?:https://beian\.mps\.gov\.cn/[^\s]*)?$")


@dataclass(frozen=True)
class Identity:
    """Who runs the site and how it is registered (cms/govsite); "" when not set. The CMS
    stores every field under its name but the 公安 record's link, made from its number."""

    sponsor: str = rule(text=True)
    organiser: str = rule(text=True)
    phone: str = rule(text=True)
    email: str = rule(text=True)
    address: str = rule(text=True)
    icp_number: str = rule(text=True)
    police_number: str = rule(text=True)
    site_id_code: str = rule(text=True)
    party_government: bool
    conac_url: str = rule(text=True, pattern=_WEB_URL_OR_EMPTY)
    police_url: str = rule(text=True, pattern=_POLICE_RECORD_OR_EMPTY)


@dataclass(frozen=True)
class Home:
    """The home page's own fields, in the order its file writes them."""

    site_name: str
    introduction: str = rule(text=True)
    identity: Identity
