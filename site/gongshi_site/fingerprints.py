"""Model items as an incremental build compares them with the previous build's.

An item (a notice, an award, a winner, a programme, the site) keeps its key across
builds, while the objects are new each time the model is assembled; a fingerprint is a
comparable summary of a value as a template sees it, shallow on purpose: an item inside
another is its key, and what the inner item holds is compared where it is read. An
incremental build (incremental.py) compares its pages (incremental_pages.py) and the
items of its model (model_changes.py) through these fingerprints.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import PurePath

from .model import Award, Channel, Document, Programme, Site, Winner, Withdrawn

SITE_KEY = ("site",)

_KEYS = {
    Site: lambda item: SITE_KEY,
    Programme: lambda item: ("programme", item.id),
    Award: lambda item: ("award", item.id),
    Winner: lambda item: ("winner", item.key),
    Withdrawn: lambda item: ("withdrawn", item.id),
    Channel: lambda item: ("channel", item.id),
}

_MISSING = ("missing",)


def item_key(value) -> tuple | None:
    """The identity of a model item across builds, or None for a plain value."""
    key = _KEYS.get(type(value))
    if key is not None:
        return key(value)
    if isinstance(value, Document):
        return (value.kind, value.id)
    return None


def fingerprint(value, shared: dict | None = None):
    """A comparable summary of a value as a template sees it: model items by their key
    (what they hold is compared where they are read), everything else by value.

    `shared` remembers containers by identity while they live (one pass over the pages,
    whose listings all share one dict of filters)."""
    if shared is not None and isinstance(value, (list, tuple, dict)):
        known = shared.get(id(value))
        if known is None or known[0] is not value:
            known = shared[id(value)] = (value, _fingerprint(value, shared))
        return known[1]
    return _fingerprint(value, shared)


def _fingerprint(value, shared):
    key = item_key(value)
    if key is not None:
        return ("@", *key)
    if value is None or type(value) in (bool, int, float):
        return value
    # Everything else as plain values too (a date as text, a subclass of a number or a
    # string with its type's name), so that marshal can keep a fingerprint (page_reads.py).
    if isinstance(value, date):
        return (type(value).__name__, value.isoformat())
    if isinstance(value, (int, float)):
        return (type(value).__name__, repr(value))
    if isinstance(value, str):
        # Markup is a str that is not escaped again: the same text renders differently.
        return value if type(value) is str else (type(value).__name__, str(value))
    if isinstance(value, (list, tuple)):
        return tuple(fingerprint(part, shared) for part in value)
    if isinstance(value, dict):
        return tuple((name, fingerprint(part, shared)) for name, part in value.items())
    if isinstance(value, PurePath):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            *(fingerprint(getattr(value, f.name), shared) for f in dataclasses.fields(value)),
        )
    if callable(value):
        return ("callable", getattr(value, "__qualname__", type(value).__name__))
    return ("opaque", type(value).__name__)


def item_fields(item) -> tuple:
    """An item's own fields, other items by key: what assemble.py gave it."""
    return tuple(fingerprint(getattr(item, f.name)) for f in dataclasses.fields(item))


def referenced(value, found: set) -> set:
    """Keys of the items a fingerprint names."""
    if isinstance(value, tuple):
        if value and value[0] == "@":
            found.add(value[1:])
        else:
            for part in value:
                referenced(part, found)
    return found


def read_fingerprint(item, attribute: str):
    """The fingerprint of what a template reading `attribute` of `item` gets; the same
    mark for an attribute the item no longer has as for an item gone."""
    if item is None:
        return _MISSING
    try:
        return fingerprint(getattr(item, attribute))
    except AttributeError:
        return _MISSING


def model_items(site: Site) -> dict[tuple, object]:
    """Every item of the model by its key, the site itself included."""
    items: dict[tuple, object] = {SITE_KEY: site}
    groups = (
        site.programmes,
        site.calls,
        site.notices,
        site.decisions,
        site.revocations,
        site.awards,
        site.winners,
        site.withdrawn,
        site.channels,
    )
    for group in groups:
        for item in group:
            items[item_key(item)] = item
    return items
