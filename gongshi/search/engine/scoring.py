"""Scoring: BM25F as whoosh ranks, the precomputed scores of frequent terms, the
collection statistics an extended index keeps exact, and the order that breaks ties."""

from __future__ import annotations

import bisect
import marshal
import math
import mmap
import operator
import threading
from array import array
from collections import Counter, deque
from itertools import repeat
from pathlib import Path

from ._whoosh import scoring
from .analysis import LENGTHS, SCORED, _unpacked_lengths
from .postings import _postings_at

_BM25F = scoring.BM25F()  # the searcher's weighting (whoosh's default)
TERM_SCORES = "term-scores.bin"  # precomputed scores of frequent terms, and their places:
TERM_SCORES_INDEX = "term-scores.idx"  # {"segment": id, "documents": count, "places":
# {(field, term): (offset, count)}, "impacts": True, "averages": {field: average
# length}}, marshal. At a term's offset: its document numbers ("I"), their scores ("d"),
# its postings' places best score first ("I": impact order, ties by document number),
# its documents as a bitmap (bit d of byte d // 8 for document d) and its postings'
# weights ("f", as the postings hold them), for the impact scorer (impact.py); the
# weights and averages let it rescore the segment once an incremental build extended it.


def _bm25_scores(docnums, weights, norms: list[float], doc_count: int) -> array:
    """BM25F's score of a term in each of its documents, computed as whoosh's
    BM25FScorer computes it at search time (the same idf, average length and stored
    lengths, the same operations in the same order: the same doubles)."""
    idf = math.log(doc_count / (len(docnums) + 1)) + 1
    top = _BM25F.K1 + 1
    numerators = map(operator.mul, weights, repeat(top))  # w * top
    denominators = map(operator.add, weights, map(norms.__getitem__, docnums))  # w + norm
    return array(
        "d", map(operator.mul, repeat(idf), map(operator.truediv, numerators, denominators))
    )


def _write_term_scores(
    directory: Path, scores: dict, segment: str, documents: int, averages: dict[str, float]
) -> None:
    places = {}
    with open(directory / TERM_SCORES, "wb") as file:
        for key in sorted(scores):
            docnums, values, weights = scores[key]
            places[key] = (file.tell(), len(docnums))
            file.write(array("I", docnums).tobytes())
            file.write(values.tobytes())
            # (a stable sort: equal scores keep the order of their document numbers)
            impact = sorted(range(len(values)), key=values.__getitem__, reverse=True)
            file.write(array("I", impact).tobytes())
            file.write(_bitmap(docnums, documents))
            file.write(array("f", weights).tobytes())
    written = {
        "segment": segment,
        "documents": documents,
        "places": places,
        "impacts": True,
        "averages": averages,
    }
    (directory / TERM_SCORES_INDEX).write_bytes(marshal.dumps(written))


def _bitmap(docnums, documents: int) -> bytes:
    """The documents `docnums` as (documents + 7) // 8 bytes, bit d % 8 of byte d // 8
    set for document d: each set in C as a digit of a binary number, read by int()."""
    digits = bytearray(b"0") * (documents or 1)
    _consume(map(digits.__setitem__, map(operator.sub, repeat(len(digits) - 1), docnums),
                 repeat(ord("1"))))  # fmt: skip
    return int(digits, 2).to_bytes((documents + 7) // 8, "little")


_consume = deque(maxlen=0).extend  # runs a map for its calls' effects


class _TermScores:
    """The precomputed scores of an index's frequent terms, read from a mapped file.

    They hold for the segment the full build wrote, as it was written (`holds`). In an
    index an incremental build extended (gongshi/search/incremental.py: another segment,
    deleted documents) the scores no longer hold, since the terms' frequencies and the
    average lengths changed: the bulk scorer scores it at search time (get() and
    get_at() answer None), and the impact scorer walks the first segment's postings in
    the order written, rescoring each from its weight (`base`: impact.py's _LiveLeaf),
    for an index whose weights and average lengths were written."""

    documents = 0  # of the segment they were written for (the first)
    impacts = False  # whether each term's impact order and bitmap were written too
    holds = False  # whether the scores written are the index's (not extended)
    base = False  # extended, and each term's weights and the averages were written
    averages: dict[str, float] = {}  # each field's average length when written

    def __init__(self, directory: Path, reader):
        self._places: dict = {}
        self._data = b""
        try:
            written = marshal.loads((directory / TERM_SCORES_INDEX).read_bytes())
            with open(directory / TERM_SCORES, "rb") as file:
                holds = _scores_hold(written, reader)
                base = not holds and "averages" in written and _base_holds(written, reader)
                if (holds or base) and written["places"]:
                    self._places = written["places"]
                    self.documents = written["documents"]
                    self.impacts = written.get("impacts", False)
                    self.holds, self.base = holds, base
                    self.averages = written.get("averages", {})
                    self._data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except FileNotFoundError:  # an index from before they were written
            pass

    def _arrays(self, fieldname: str, text: str) -> tuple[array, array] | None:
        place = self._places.get((fieldname, text))
        if place is None:
            return None
        offset, count = place
        docnums, values = array("I"), array("d")
        docnums.frombytes(self._data[offset : offset + 4 * count])
        values.frombytes(self._data[offset + 4 * count : offset + 12 * count])
        return docnums, values

    def impact(self, fieldname: str, text: str) -> tuple[object, int] | None:
        """(arrays, bitmap as an int) of a frequent term, None for another (or an index
        written without them); arrays() reads its document numbers, scores and places
        best score first."""
        place = self._places.get((fieldname, text))
        if place is None or not self.impacts:
            return None
        offset, count = place

        def arrays() -> tuple[array, array, array]:
            docnums, values, order = array("I"), array("d"), array("I")
            docnums.frombytes(self._data[offset : offset + 4 * count])
            values.frombytes(self._data[offset + 4 * count : offset + 12 * count])
            order.frombytes(self._data[offset + 12 * count : offset + 16 * count])
            return docnums, values, order

        start = offset + 16 * count
        bits = int.from_bytes(self._data[start : start + (self.documents + 7) // 8], "little")
        return arrays, bits

    def weights(self, fieldname: str, text: str) -> array:
        """The weights of a frequent term's postings, in document number order (of an
        index whose term-scores were written with them: `base` or `averages`)."""
        offset, count = self._places[(fieldname, text)]
        start = offset + 16 * count + (self.documents + 7) // 8
        found = array("f")
        found.frombytes(self._data[start : start + 4 * count])
        return found

    def count(self, fieldname: str, text: str) -> int:
        """How many postings a frequent term had when its scores were written."""
        return self._places[(fieldname, text)][1]

    def has(self, fieldname: str, text: str) -> bool:
        """Whether a term's scores, impact order and bitmap were precomputed."""
        return self.impacts and (fieldname, text) in self._places

    def get(self, fieldname: str, text: str) -> dict[int, float] | None:
        """{docnum: score} of a frequent term, None for another."""
        if not self.holds:
            return None
        found = self._arrays(fieldname, text)
        return None if found is None else dict(zip(*found, strict=True))

    def get_at(self, fieldname: str, text: str, wanted: list[int]) -> dict[int, float] | None:
        """get() at the documents `wanted` (sorted) only, each looked up by bisection."""
        if not self.holds:
            return None
        found = self._arrays(fieldname, text)
        if found is None:
            return None
        docnums, values = found
        count, scores = len(docnums), {}
        for d in wanted:
            i = bisect.bisect_left(docnums, d)
            if i < count and docnums[i] == d:
                scores[d] = values[i]
        return scores


def _scores_hold(written, reader) -> bool:
    """Whether precomputed scores were written for the one segment `reader` reads,
    with the documents it has."""
    return (
        isinstance(written, dict)
        and "segment" in written
        and reader.is_atomic()
        and not reader.has_deletions()
        and getattr(reader, "_segid", None) == written["segment"]
        and reader.doc_count_all() == written["documents"]
    )


def _base_holds(written, reader) -> bool:
    """Whether precomputed scores were written for the first segment of the several
    `reader` reads (an extended index), with the documents it had then (some since
    deleted)."""
    if not isinstance(written, dict) or "segment" not in written or reader.is_atomic():
        return False
    (first, base), *_later = reader.leaf_readers()
    return (
        base == 0
        and getattr(first, "_segid", None) == written["segment"]
        and first.doc_count_all() == written["documents"]
    )


class _Statistics:
    """The collection statistics BM25F scores with, of the documents an index still has.

    Whoosh counts a deleted document in the document count, in its terms' frequencies
    and in its fields' total lengths until the segment holding it is written again: an
    index an incremental update extended would rank otherwise than a full build of the
    same records. Here the deleted documents are taken out again: their lengths read
    from the lengths column, their terms' frequencies by looking for them in each
    term's postings (once per term and open index)."""

    def __init__(self, searcher, deleted: list[tuple[object, list[int]]]):
        self._reader = searcher.reader()
        self.documents = searcher.doc_count()
        self._deleted = deleted  # (segment reader, its deleted document numbers, sorted)
        taken: Counter = Counter()
        for leaf, docnums in deleted:
            column = leaf.column_reader(LENGTHS)
            for docnum in docnums:
                taken.update(_unpacked_lengths(column[docnum]))
        self._totals = {name: self._reader.field_length(name) - taken[name] for name in SCORED}
        self._frequencies: dict[tuple[str, bytes], int] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, searcher) -> _Statistics | None:
        """The statistics of an index with deleted documents; None for one without (or
        from before the lengths column), whose statistics whoosh's are."""
        reader = searcher.reader()
        if not reader.has_deletions() or LENGTHS not in reader.schema:
            return None
        deleted = []
        for leaf, _base in reader.leaf_readers():
            if leaf.has_deletions():
                if not leaf.has_column(LENGTHS):
                    return None
                deleted.append((leaf, sorted(leaf._perdoc.deleted_docs())))
        return cls(searcher, deleted)

    def average_length(self, fieldname: str) -> float:
        """As whoosh's Searcher.avg_field_length computes it, of the live documents."""
        return self._totals[fieldname] / (self.documents or 1)

    def doc_frequency(self, fieldname: str, text) -> int:
        """How many live documents have the term."""
        key = (fieldname, self._reader._text_to_bytes(fieldname, text))
        with self._lock:
            found = self._frequencies.get(key)
        if found is None:
            found = self._reader.doc_frequency(*key)
            for leaf, docnums in self._deleted:
                if key in leaf:
                    # the term's postings as written, deleted documents included
                    written = leaf._terms.matcher(*key, leaf.schema[fieldname].format)
                    found -= len(_postings_at(written, docnums))
            with self._lock:
                self._frequencies[key] = found
        return found


class _Weighting(scoring.BM25F):
    """Whoosh's BM25F, with the statistics of the live documents when the index has
    deleted ones (`statistics`, set once the searcher is open)."""

    statistics: _Statistics | None = None

    def idf(self, searcher, fieldname, text):
        if self.statistics is None:
            return super().idf(searcher, fieldname, text)
        frequency = self.statistics.doc_frequency(fieldname, text)
        return math.log(self.statistics.documents / (frequency + 1)) + 1  # as whoosh's

    def scorer(self, searcher, fieldname, text, qf=1):
        if self.statistics is None or not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf=qf)
        return _LiveScorer(searcher, fieldname, text, self.statistics, self.B, self.K1, qf)


class _LiveScorer(scoring.BM25FScorer):
    """BM25FScorer with the live documents' average field length."""

    def __init__(self, searcher, fieldname, text, statistics, B, K1, qf=1):
        self.idf = searcher.get_parent().idf(fieldname, text)
        self.avgfl = statistics.average_length(fieldname) or 1
        self.B, self.K1, self.qf = B, K1, qf
        self.setup(searcher, fieldname, text)


class _Order:
    """Each document's place in the order a full build numbers the same records
    (canonical_order), to break ties of score or date with, for an index an incremental
    update extended. Its first segment is a full build's, numbered in that order; each
    later segment is in that order within itself, and its documents are placed among
    the first segment's by bisection on (date, key)."""

    def __init__(self, searcher):
        (first, _), *later = searcher.reader().leaf_readers()
        first_dates = first.column_reader("date")

        def first_key(docnum: int) -> tuple[int, str]:
            return -first_dates[docnum], first.stored_fields(docnum)["key"]

        added = []
        for leaf, base in later:
            dates = leaf.column_reader("date")
            for docnum in leaf.all_doc_ids():  # the live ones
                key = (-dates[docnum], leaf.stored_fields(docnum)["key"])
                added.append((key, base + docnum))
        added.sort()
        everything = range(first.doc_count_all())
        # A first-segment document d is (d, 1, 0); one placed before it, (d, 0, its rank).
        self._places = {
            docnum: (bisect.bisect_left(everything, key, key=first_key), 0, rank)
            for rank, (key, docnum) in enumerate(added)
        }

    def place(self, docnum: int) -> tuple[int, int, int]:
        return self._places.get(docnum) or (docnum, 1, 0)

    def best_first(self, item: tuple[int, float]) -> tuple:
        """_best_first with ties in a full build's order."""
        return (-item[1], self.place(item[0]))
