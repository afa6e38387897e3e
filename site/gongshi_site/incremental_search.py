"""The search index of an incremental build: the records a change affects, in a new segment.

The full build writes the index afresh (search_records.py) and notes each record's digest
and suggestion words. A publish changes a few records, so the worker keeps those digests,
makes again the records of the documents and awards a change reaches, and hands only
those that differ to gongshi.search.incremental, which adds them to a linked copy of the
previous index, with the suggestions and the search pages' shells made again.
"""

from __future__ import annotations

from pathlib import Path

from gongshi.search import incremental as search_incremental
from gongshi.search.documents import SuggestionCounts

from . import noted, search_records
from .incremental_limits import NeedsFullBuild
from .model import Award, Document


class IndexedRecords:
    """What the last build's search index holds: a digest of each record's fields, by
    key, and the counts behind its suggestions. The records themselves are made again
    from the model when needed: the current record of a document is its record."""

    def __init__(self, generator):
        self.generator = generator
        self.digests: dict[str, bytes] = {}  # search key -> search_records.fields_digest
        self.suggestions: SuggestionCounts | None = None
        self.made_at_load = 0  # records made again when loading: the build noted none

    def load(self, state_dir: Path | None = None) -> None:
        """From what the full build noted in `state_dir` (noted.py), or else from every
        record made again."""
        self.suggestions = SuggestionCounts()
        kept = dict(noted.read(state_dir, search_records.NOTED)).get(search_records.NOTED)
        if kept is not None:
            for key, (digest, words) in kept.items():
                self.digests[key] = digest
                self.suggestions.add_words(key, words)
            return
        for record in search_records.all_records(self.generator.site):
            self.digests[record.key] = search_records.fields_digest(record)
            self.suggestions.add(record)
            self.made_at_load += 1

    def update(self, near: set[tuple], items: dict, previous: Path, target: Path):
        """Write into `target` the index `previous` with the records of the items `near`
        a change made again; (records added, records deleted)."""
        site = self.generator.site
        new_records = {}
        for key in near:
            record = _record(items.get(key))
            if record is not None:
                new_records[record.key] = record
        deleted, added = [], []
        for key in near:
            record_key = f"{key[0]}:{key[1]}"
            if record_key in self.digests and record_key not in new_records:
                deleted.append(record_key)
                del self.digests[record_key]
                self.suggestions.remove(record_key)
        for record_key, record in new_records.items():
            digest = search_records.fields_digest(record)
            known = self.digests.get(record_key)
            if known == digest:
                continue
            if known is not None:
                deleted.append(record_key)
            added.append(record)
            self.digests[record_key] = digest
            self.suggestions.add(record)
        try:
            search_incremental.update(
                previous,
                target,
                deleted=deleted,
                added=added,
                extra=search_records.extra_files(site, self.suggestions.suggestions()),
                shells=search_records.shells(self.generator.render),
                record_of=lambda record_key: _current_record(items, record_key),
            )
        except search_incremental.IndexNeedsRebuild as reason:
            raise NeedsFullBuild(str(reason)) from reason
        return len(added), len(deleted)


def _record(item):
    """The search record of a model item, or None for an item that has none."""
    if isinstance(item, Award):
        return search_records.award_record(item)
    if isinstance(item, Document) and item.kind in ("call", "notice", "decision", "revocation"):
        return search_records.document_record(item)
    return None


def _current_record(items: dict, record_key: str):
    """The record keyed `record_key` ("notice:12") made from the current model, or None."""
    kind, _colon, number = record_key.partition(":")
    if not number.isdigit():
        return None
    return _record(items.get((kind, int(number))))
