"""The search index of an incremental build: the records a change affects, in a new segment.

The full build writes the index afresh (search_records.py). A publish changes a few
records, so the worker keeps every record the index holds, with a digest of its fields,
makes again the records of the documents and awards a change reaches, and hands only
those that differ to gongshi.search.incremental, which adds them to a linked copy of the
previous index, with the suggestions and the search pages' shells made again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from gongshi.search import incremental as search_incremental
from gongshi.search.documents import SuggestionCounts

from . import search_records
from .incremental_limits import NeedsFullBuild


class IndexedRecords:
    """The records of the last build's search index, by key, with their suggestions."""

    def __init__(self, generator):
        self.generator = generator
        self.records: dict[str, tuple] = {}  # search key -> (Record, digest of its fields)
        self.suggestions: SuggestionCounts | None = None

    def load(self) -> None:
        self.suggestions = SuggestionCounts()
        for record in search_records.all_records(self.generator.site):
            self.records[record.key] = (record, _fields_digest(record))
            self.suggestions.add(record)

    def update(self, near: set[tuple], items: dict, previous: Path, target: Path):
        """Write into `target` the index `previous` with the records of the items `near`
        a change made again; (records added, records deleted)."""
        site = self.generator.site
        new_records = {}
        for key in near:
            item = items.get(key)
            if item is None:
                continue
            if key[0] == "award":
                record = search_records.award_record(item)
            elif key[0] in ("call", "notice", "decision", "revocation"):
                record = search_records.document_record(item)
            else:
                continue
            new_records[record.key] = record
        deleted, added = [], []
        for key in near:
            record_key = f"{key[0]}:{key[1]}"
            if record_key in self.records and record_key not in new_records:
                deleted.append(record_key)
                del self.records[record_key]
                self.suggestions.remove(record_key)
        for record_key, record in new_records.items():
            digest = _fields_digest(record)
            known = self.records.get(record_key)
            if known is not None and known[1] == digest:
                continue
            if known is not None:
                deleted.append(record_key)
            added.append(record)
            self.records[record_key] = (record, digest)
            self.suggestions.add(record)
        try:
            search_incremental.update(
                previous,
                target,
                deleted=deleted,
                added=added,
                extra=search_records.extra_files(site, self.suggestions.suggestions()),
                shells=search_records.shells(self.generator.render),
                record_of=lambda key: self.records[key][0] if key in self.records else None,
            )
        except search_incremental.IndexNeedsRebuild as reason:
            raise NeedsFullBuild(str(reason)) from reason
        return len(added), len(deleted)


def _fields_digest(record) -> bytes:
    return hashlib.blake2b(repr(record.fields()).encode(), digest_size=16).digest()
