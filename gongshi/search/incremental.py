"""A search index updated in place of rebuilt: the previous build's index, copied with
hard links, plus one new whoosh segment for what changed.

Whoosh never rewrites a segment: a commit adds segment files and a new table of contents
(which also lists deleted documents) and removes the old table of contents. So the
linked files are only ever read or unlinked in the new directory, and the previous index,
which the search service may have open, is never modified. READY is written last, as by a
full build, and the service switches to the new index with the site's `live` link.

Documents deleted here stay in whoosh's term statistics (document count, frequencies,
field lengths) until a full build writes the index afresh; a search of an index with
deletions takes them out again (engine._Statistics, from each record's lengths column),
and breaks ties in a full build's order (engine._Order), so that it answers exactly as a
full build of the same content would (tests/site/test_site_incremental_search.py).

Every publish adds a segment, and every segment costs each query a little. Once there
are MAX_SEGMENTS, the documents of all segments but the full build's are written again
in one segment (compaction), so a busy day of publishing never needs a full build.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from . import engine
from .documents import Record

# A full build starts again with one segment; with this many, the next update compacts
# the others into one.
MAX_SEGMENTS = 12


class IndexNeedsRebuild(Exception):
    """The previous index cannot be extended (missing, unfinished, too many segments)."""


def update(
    previous: Path,
    target: Path,
    *,
    deleted: list[str],
    added: list[Record],
    extra: dict[str, object],
    shells: dict[str, str],
    record_of: Callable[[str], Record | None] | None = None,
) -> int:
    """Write into `target` (must not exist) the index of `previous` without the records
    keyed `deleted` and with `added`, the side files `extra` (JSON) and the `shells`
    (HTML), then READY. Returns the number of records.

    `record_of(key)` gives the current record of a document, for compaction; without
    it, an index with MAX_SEGMENTS segments raises IndexNeedsRebuild."""
    previous, target = Path(previous), Path(target)
    if not engine.is_ready(previous):
        raise IndexNeedsRebuild(f"{previous} 不是完整的搜索索引")
    target.mkdir(parents=True)
    rewritten = {engine.READY, *extra, *shells}
    for path in previous.iterdir():
        if path.is_file() and path.name not in rewritten and not path.name.endswith("_LOCK"):
            os.link(path, target / path.name)
    store = engine.index.open_dir(str(target), indexname=engine.INDEX_NAME)
    try:
        # Whoosh's merges append one segment's documents after another's, which would
        # break each segment's newest-first order (engine._newest_of_segments): the
        # small segments' documents are written again instead, in their order.
        if not _same_fields(store.schema, engine.SCHEMA):
            raise IndexNeedsRebuild("搜索索引的格式已更新，需要完整重建")
        if len(store._segments()) >= MAX_SEGMENTS:
            if record_of is None:
                raise IndexNeedsRebuild("搜索索引的增量段过多，需要完整重建")
            added = _compacted(store, deleted, added, record_of)
        writer = store.writer()
        try:
            for key in dict.fromkeys([*deleted, *(record.key for record in added)]):
                writer.delete_by_term("key", key)
            # In a full build's order within the new segment (engine.canonical_order).
            for record in sorted(added, key=engine.canonical_order):
                writer.add_document(**engine.indexed_fields(record))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=_without_emptied_segments)
        count = store.doc_count()
    finally:
        store.close()
    for name, value in extra.items():
        (target / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    for name, html in shells.items():
        (target / name).write_text(html, encoding="utf-8")
    (target / engine.READY).write_text(str(count), encoding="utf-8")
    return count


def _compacted(store, deleted: list[str], added: list[Record], record_of) -> list[Record]:
    """`added`, and the current record of every other live document outside the full
    build's segment (the largest): deleted and added again, they leave those segments
    empty, and the commit drops them."""
    from whoosh.reading import SegmentReader

    segments = sorted(store._segments(), key=lambda segment: segment.doc_count_all())
    again = {record.key: record for record in added}
    gone = set(deleted)
    for segment in segments[:-1]:
        reader = SegmentReader(store.storage, store.schema, segment)
        try:
            for _docnum, fields in reader.iter_docs():
                key = fields["key"]
                if key not in again and key not in gone:
                    record = record_of(key)
                    if record is None:
                        raise IndexNeedsRebuild(f"搜索记录 {key} 不在增量构建的状态中")
                    again[key] = record
        finally:
            reader.close()
    return list(again.values())


def _without_emptied_segments(writer, segments):
    """Whoosh's merge policy without merging: segments whose every document is deleted
    are left out of the new table of contents (whoosh then unlinks their files here;
    the previous index keeps its own links to them)."""
    return [segment for segment in segments if segment.doc_count() > 0]


def _same_fields(schema, current) -> bool:
    """Whether an index's schema has the fields the current one has, in the same formats
    (an index from before a change of format is rebuilt, not extended)."""
    names = set(current.names())
    return set(schema.names()) == names and all(
        type(schema[name].format) is type(current[name].format)
        and type(schema[name].column_type) is type(current[name].column_type)
        for name in names
    )


def stored_documents(directory: Path) -> dict[str, dict]:
    """{key: stored fields} of the live documents of an index: for comparing indexes."""
    store = engine.index.open_dir(str(directory), indexname=engine.INDEX_NAME)
    try:
        with store.searcher() as searcher:
            return {fields["key"]: fields for fields in searcher.all_stored_fields()}
    finally:
        store.close()


def indexed_terms(directory: Path) -> dict[str, set]:
    """{key: {(field, term)}} of the live documents: what each document can be found by."""
    store = engine.index.open_dir(str(directory), indexname=engine.INDEX_NAME)
    found: dict[str, set] = {}
    try:
        with store.searcher() as searcher:
            reader = searcher.reader()
            keys = {docnum: fields["key"] for docnum, fields in reader.iter_docs()}
            for fieldname, term in reader.all_terms():
                for docnum in reader.postings(fieldname, term).all_ids():
                    if docnum in keys:
                        found.setdefault(keys[docnum], set()).add((fieldname, term))
    finally:
        store.close()
    return found
