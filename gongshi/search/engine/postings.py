"""Reading whoosh's postings a block at a time: documents, weights and values
without a matcher per match."""

from __future__ import annotations

import bisect
import itertools

from ._whoosh import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader


def _posting_values(matcher) -> dict[int, bytes]:
    """{docnum: encoded value} of a term's postings, a block at a time (whoosh 2.7.4's
    W3LeafMatcher, values of a variable size such as positions) or a posting at a
    time (any other matcher)."""
    found: dict[int, bytes] = {}
    if (
        isinstance(matcher, W3LeafMatcher)
        and not matcher._byteids
        and matcher._fixedsize
        in (
            None,
            -1,
        )
    ):
        while not matcher._atend:
            matcher._read_data()
            found.update(zip(itertools.accumulate(matcher._data[0]), matcher._data[2], strict=True))
            matcher._next_block()
        return found
    while matcher.is_active():
        found[matcher.id()] = matcher.value()
        matcher.next()
    return found


def _length_bytes(reader, fieldname: str) -> bytes | None:
    """The stored length bytes of a field, one per document of every segment in the
    reader's numbering (0: the document has no value), read at once from whoosh 2.7.4's
    lengths columns (None if a segment's reader is not that)."""
    parts = []
    for leaf, _base in reader.leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if not isinstance(perdoc, W3PerDocReader):
            return None
        column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        if column is None:  # no document of the segment has the field
            parts.append(bytes(leaf.doc_count_all()))
        elif getattr(column, "_fixedlen", None) != 1:
            return None
        else:
            parts.append(column._dbfile.get(column._basepos, column._count))
    return b"".join(parts)


def _postings(matcher) -> tuple[list[int], list[float]]:
    """The document numbers and weights of a term, a block at a time (whoosh 2.7.4's
    W3LeafMatcher) or a posting at a time (any other matcher)."""
    ids: list[int] = []
    weights: list[float] = []
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        # A block's data is (delta-encoded ids, weights: None if all 1, a float if all
        # the same, else a tuple, values); decoded here in C rather than a posting at a
        # time by whoosh's delta_decode.
        while not matcher._atend:
            matcher._read_data()
            deltas, block_weights = matcher._data[0], matcher._data[1]
            ids += itertools.accumulate(deltas)
            if block_weights is None:
                weights += itertools.repeat(1.0, len(deltas))
            elif isinstance(block_weights, float):
                weights += itertools.repeat(block_weights, len(deltas))
            else:
                weights += block_weights
            matcher._next_block()
        return ids, weights
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def _postings_at(matcher, docnums: list[int]) -> dict[int, float]:
    """{docnum: weight} of a term's postings at the documents `docnums` (sorted): with
    whoosh 2.7.4's W3LeafMatcher, blocks holding none of them are passed over by their
    last document number, unread, and the others decoded in C; any other matcher skips
    to each document."""
    found: dict[int, float] = {}
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        for d in docnums:
            if not matcher.is_active():
                break
            if matcher.id() < d:
                matcher.skip_to(d)
                if not matcher.is_active():
                    break
            if matcher.id() == d:
                found[d] = matcher.weight()
        return found
    at, count = 0, len(docnums)
    while not matcher._atend and at < count:
        last = matcher._maxid
        if docnums[at] <= last:
            end = bisect.bisect_right(docnums, last, at)
            matcher._read_data()
            deltas, weights = matcher._data[0], matcher._data[1]
            places = dict(zip(itertools.accumulate(deltas), range(len(deltas)), strict=True))
            for d in docnums[at:end]:
                i = places.get(d)
                if i is None:
                    continue
                if weights is None:
                    found[d] = 1.0
                elif isinstance(weights, float):
                    found[d] = weights
                else:
                    found[d] = weights[i]
            at = end
        matcher._next_block()
    return found


def _deleted(leaf) -> frozenset[int]:
    """The documents deleted from a segment (its own numbers)."""
    return frozenset(leaf._perdoc.deleted_docs()) if leaf.has_deletions() else frozenset()


def _without(deleted: frozenset[int], by_document: dict) -> dict:
    if not deleted:
        return by_document
    return {d: value for d, value in by_document.items() if d not in deleted}


def _live_postings(reader, fieldname: str, btext: bytes, leaves=None):
    """_postings of a term over the segments of `reader` (or `leaves`: some of its
    (segment reader, first document number)), deleted documents left out: each
    segment's postings read as written, a block at a time, rather than through whoosh's
    matcher of every segment and its filter of deleted documents, a posting at a time
    (an index an incremental build extended). The same documents, in the same order,
    with the same weights."""
    ids: list[int] = []
    weights: list[float] = []
    for leaf, base in leaves if leaves is not None else reader.leaf_readers():
        if (fieldname, btext) not in leaf:
            continue
        written = leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)
        leaf_ids, leaf_weights = _postings(written)
        deleted = _deleted(leaf)
        if deleted:
            kept = [i for i, d in enumerate(leaf_ids) if d not in deleted]
            leaf_ids = [leaf_ids[i] for i in kept]
            leaf_weights = [leaf_weights[i] for i in kept]
        ids += [d + base for d in leaf_ids] if base else leaf_ids
        weights += leaf_weights
    return ids, weights


def _live_postings_at(reader, fieldname: str, btext: bytes, docnums: list[int]) -> dict:
    """_postings_at of a term over the segments of `reader`, deleted documents left out:
    as _live_postings, each segment's postings read as written, blocks holding none of
    `docnums` (sorted) passed over."""
    found: dict[int, float] = {}
    for leaf, base in reader.leaf_readers():
        start = bisect.bisect_left(docnums, base)
        end = bisect.bisect_left(docnums, base + leaf.doc_count_all(), start)
        if start == end or (fieldname, btext) not in leaf:
            continue
        wanted = [d - base for d in docnums[start:end]] if base else docnums[start:end]
        written = leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)
        at = _without(_deleted(leaf), _postings_at(written, wanted))
        found.update({d + base: w for d, w in at.items()} if base else at)
    return found


def _live_posting_values(reader, fieldname: str, btext: bytes) -> dict[int, bytes]:
    """_posting_values of a term over the segments of `reader`, deleted documents left
    out: as _live_postings, each segment's postings read as written, a block at a time."""
    found: dict[int, bytes] = {}
    for leaf, base in reader.leaf_readers():
        if (fieldname, btext) not in leaf:
            continue
        written = leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)
        values = _without(_deleted(leaf), _posting_values(written))
        found.update({d + base: v for d, v in values.items()} if base else values)
    return found
