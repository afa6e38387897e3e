"""Which model items a change reaches, found by comparing the new model with the last.

A change to one file can change items it does not hold: a new decision changes the
winners of its awards, a revocation its award. The graph kept here (each item's
own fields, which items refer to which, and every value a page read of an item) lets
an incremental build (incremental.py) start from the changed files' items and follow
references both ways as long as items keep changing, instead of comparing the whole
model; the reads that differ name the pages to render again (incremental_pages.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from .fingerprints import SITE_KEY, item_fields, read_fingerprint, referenced


class ModelGraph:
    """The model as the last build left it, by item key (fingerprints.item_key)."""

    def __init__(self):
        self.values: dict[tuple, dict] = {}  # item key -> {attribute read: fingerprint}
        self.fields: dict[tuple, tuple] = {}  # item key -> fingerprints.item_fields
        self.referrers: dict[tuple, set[tuple]] = {}  # item key -> keys referring to it

    def remember_item(self, key: tuple, item) -> None:
        fields = item_fields(item) if key != SITE_KEY else ()
        self.fields[key] = fields
        for other in referenced(fields, set()):
            self.referrers.setdefault(other, set()).add(key)

    def remember_values(self, items: dict, reads: Iterable[tuple]) -> None:
        """The values of `reads`, (key, attribute) pairs, in the model `items`."""
        for key, attribute in reads:
            self.values.setdefault(key, {})[attribute] = read_fingerprint(items.get(key), attribute)

    def changed(self, seeds: set[tuple], items: dict):
        """(keys of the items that differ, (key, attribute) reads whose value differs),
        following references from the changed files' items while items keep changing."""
        changed: set[tuple] = set()
        changed_reads: set[tuple] = set()
        queue = [*seeds, SITE_KEY]
        for key in seeds:
            queue.extend(self.referrers.get(key, ()))
        seen = set()
        while queue:
            key = queue.pop()
            if key in seen:
                continue
            seen.add(key)
            new = items.get(key)
            if new is None:
                fields = None
            else:
                fields = item_fields(new) if key != SITE_KEY else ()
            differs = key in seeds or fields != self.fields.get(key)
            for attribute, value in self.values.get(key, {}).items():
                if value != read_fingerprint(new, attribute):
                    changed_reads.add((key, attribute))
                    differs = True
            if not differs:
                continue
            changed.add(key)
            neighbours = set(self.referrers.get(key, ()))
            if key != SITE_KEY:
                for known in (fields, self.fields.get(key)):
                    if known is not None:
                        neighbours |= referenced(known, set())
            if fields is None:
                self.fields.pop(key, None)
            else:
                self.fields[key] = fields
                for other in referenced(fields, set()):
                    self.referrers.setdefault(other, set()).add(key)
            queue.extend(neighbours - seen)
        return changed, changed_reads

    def near(self, changed: set) -> set[tuple]:
        """Documents whose feed entries or search records may differ: the changed ones
        and those referring to a changed item, two steps away (a revocation's entry
        names its award's decision)."""
        near = set(changed)
        for _step in range(2):
            for key in list(near):
                if key != SITE_KEY:
                    near |= self.referrers.get(key, set())
        near.discard(SITE_KEY)
        return near
