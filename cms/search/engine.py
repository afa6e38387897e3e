"""The one module that imports whoosh: the schema, building an index, opening it, and
running a query on it.

Whoosh 2.7.4 is pinned and unmaintained. On Python 3.11 some of its modules compile with
warnings (invalid escapes in regular expressions: DeprecationWarning, SyntaxWarning from
3.12; `is 0`: SyntaxWarning), which a fresh bytecode compile prints, or raises under
`-W error`; they are harmless and are silenced here, for whoosh's own files only, while
it is imported (tests/cms/search/test_chinese.py compiles it afresh with -W error). Nothing else in gongshi imports whoosh, so
replacing it means replacing this module.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import json
import marshal
import math
import mmap
import operator
import shutil
import threading
import time
import warnings
import weakref
import zlib
from array import array
from collections import Counter, OrderedDict, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import chain, repeat
from pathlib import Path
from pickle import dumps

from . import chinese
from .documents import FAR_FUTURE, PHRASES_SEPARATOR, Record, day_number
from .query import Part, Query

with warnings.catch_warnings():
    for category in (SyntaxWarning, DeprecationWarning):
        # A compile warning's "module" is its file's path without .py.
        warnings.filterwarnings("ignore", category=category, module=r".*[/\\]whoosh[/\\]")
    from whoosh import collectors, formats, index, query, scoring
    from whoosh.analysis import Token, Tokenizer
    from whoosh.codec.whoosh3 import (
        LENGTHS_COLUMN,
        WHOOSH3_HEADER_MAGIC,
        W3Codec,
        W3LeafMatcher,
        W3PerDocReader,
        W3TermInfo,
        byte_to_length,
        length_to_byte,
    )
    from whoosh.columns import VarBytesColumn
    from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
    from whoosh.matching import NullMatcher, WrappingMatcher
    from whoosh.searching import TimeLimit
    from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
    from whoosh.writing import SegmentWriter

INDEX_NAME = "gongshi"
READY = "READY"  # written last: a directory without it was never finished
TIME_LIMIT = 1.0  # seconds one query may run before the results found so far are returned
MAX_RESULTS = 1000  # hits ranked for one query; pages beyond are refused by the service
EXACT_COUNT = 1000  # matches counted exactly; a total beyond is an estimate
SAMPLES, SAMPLE_HITS = 10, 50  # stretches of the index an estimate counts in, and up to
CACHE_SIZE = 1024  # answers remembered per open index
FILTERS_CACHED = 64  # filters' documents remembered per open index
BULK_FROM = 2000  # matches (at most, by the terms' frequencies) from which a query is
# scored in bulk (_BulkScorer) rather than through whoosh's matchers
TERMS_CACHED = 256  # terms' scores remembered per open index, for bulk scoring
PHRASES_COUNTED = 300  # candidates of a phrase checked one by one; beyond, a sample
PRECOMPUTED_FROM = 2000  # records a term is in from which its scores are computed when
# the index is built and kept beside it (read as arrays rather than decoded and scored)
PRECOMPUTED_FIELDS = ("name", "text", "words")  # (pinyin is asked of Latin queries only)
RESTRICT_RATIO = 10  # a term is read only at the documents still in play when they are
# fewer than a tenth of its postings (skipping to each rather than decoding all)


# --- Analysis ------------------------------------------------------------------------------


class _Terms(Tokenizer):
    """A whoosh tokenizer over one of chinese.py's functions returning (term, position)."""

    def __init__(self, function):
        self.function = function

    def __eq__(self, other):
        return type(other) is type(self) and other.function is self.function

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):  # fmt: skip
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, position in self.function(value):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + position
            yield token


def _grams_and_singles(text: str):
    return chinese.grams(text, singles=True)


def _pairs(text: str):
    return chinese.grams(text, singles=False)


def _words(text: str):
    return [(word, position) for position, word in enumerate(chinese.words(text))]


def _gram_lists_and_singles(text: str):
    return chinese.gram_lists(text, singles=True)


def _pair_lists(text: str):
    return chinese.gram_lists(text, singles=False)


def _word_lists(text: str):
    """jieba's words (chinese.words cuts each block of text once per build)."""
    found = chinese.words(text)
    return found, range(len(found))


class _AsLists:
    """A (term, position) function's answer as two lists (module level: the schema,
    with its fields, is pickled into the index)."""

    def __init__(self, function):
        self.function = function

    def __eq__(self, other):
        return type(other) is type(self) and other.function is self.function

    def __hash__(self):
        return hash(self.function)

    def __call__(self, text: str):
        found = self.function(text)
        return [term for term, _ in found], [position for _, position in found]


class _Text(TEXT):
    """A TEXT field over one of chinese.py's (term, position) functions.

    Indexing goes straight from the terms to whoosh's posting values, without whoosh's
    Token objects and generators (the same values, a fraction of the time): `lists`
    gives the same terms and positions as `function`, as two lists (chinese.gram_lists).
    Values of up to SHORT characters (names, titles: many repeat, such as a programme's
    notice titles) are cut once per build."""

    SHORT = 200

    def __init__(self, function, phrase=True, field_boost=1.0, lists=None):
        super().__init__(analyzer=_Terms(function), phrase=phrase, field_boost=field_boost)
        self.function = function
        self.lists = lists or _AsLists(function)

    def postings(self, value) -> tuple[list[str], list[float], list[bytes] | None, int]:
        """(terms, weights, encoded values, field length) of a value: one entry per
        distinct term, as whoosh's Positions or Frequency format gives them, except
        that a Frequency value (the term's count) is left to be derived from its
        weight (None)."""
        boost, positions = self.format.field_boost, self.format.supports("positions")
        if len(value) <= self.SHORT:
            return _cut_short(self.lists, boost, positions, value)
        return _cut(self.lists, boost, positions, value)

    def index(self, value, **kwargs):
        terms, weights, values, _length = self.postings(value)
        boost = self.format.field_boost
        counts = [round(weight / boost) for weight in weights]
        if values is None:
            values = list(map(_frequency, counts))
        return [
            (term.encode("utf-8"), count, weight, encoded)
            for term, count, weight, encoded in zip(terms, counts, weights, values, strict=True)
        ]


def _cut(lists, boost: float, positions: bool, value: str) -> tuple:
    """(distinct terms, weights, encoded values, length) of a value: a term's weight is
    its frequency times the field's boost (every token's boost is 1), its value its
    positions (Positions format), or None for the Frequency format (the frequency is
    weight / boost). Made with C-level operations (Counter, map) wherever it can be."""
    terms, at = lists(value)
    length = len(terms)
    counts = Counter(terms)
    if len(counts) == length:  # every term once: most names, many short values
        weights = [boost] * length
        if not positions:
            return terms, weights, None, length
        if at and max(at) >= len(_ONE_POSITION):
            _one_positions_to(max(at))
        return terms, weights, list(map(_ONE_POSITION.__getitem__, at)), length
    distinct = list(counts)
    weights = list(map(boost.__mul__, counts.values()))
    if not positions:
        return distinct, weights, None, length
    first = dict(zip(reversed(terms), reversed(at), strict=True))  # each term's first position
    repeated = {term: [] for term, count in counts.items() if count > 1}
    for term, position in zip(terms, at, strict=True):
        if term in repeated:
            repeated[term].append(position)
    if at and max(at) >= len(_ONE_POSITION):
        _one_positions_to(max(at))
    values = [
        _POSITIONS.encode(repeated[term]) if term in repeated else _ONE_POSITION[first[term]]
        for term in distinct
    ]
    return distinct, weights, values, length


@functools.lru_cache(maxsize=8192)
def _cut_short(lists, boost: float, positions: bool, value: str) -> tuple:
    return _cut(lists, boost, positions, value)


_POSITIONS = formats.Positions()
_ONE_POSITION: list[bytes] = []  # formats.Positions.encode([position]) by position


def _one_positions_to(position: int) -> None:
    """Extend _ONE_POSITION up to `position` (most terms are found once in a value)."""
    start = len(_ONE_POSITION)
    _ONE_POSITION.extend(_POSITIONS.encode([p]) for p in range(start, position + 1))


@functools.lru_cache(maxsize=1024)
def _frequency(count: int) -> bytes:
    """formats.Frequency's value of a count."""
    return pack_uint(count)


# Records arrive normalised (documents.py), so analyzers never normalise twice.
SCHEMA = Schema(
    key=ID(stored=True, unique=True),
    kind=ID(stored=True),
    # What a thing is called: a winner's names (current and former), a document's title.
    # Neither keeps positions: a quoted phrase is checked on the `phrases` column.
    name=_Text(_grams_and_singles, phrase=False, field_boost=3.0, lists=_gram_lists_and_singles),
    # Everything else searchable: bodies, lists, 文号, issuing bodies, programmes, levels.
    text=_Text(_pairs, phrase=False, lists=_pair_lists),
    words=_Text(_words, phrase=False, lists=_word_lists),
    pinyin=_Text(chinese.pinyin_terms, lists=chinese.pinyin_lists),
    initials=_Text(chinese.initial_terms, lists=chinese.initial_lists),
    code=KEYWORD(),  # credit codes, exactly
    exact=KEYWORD(commas=True),  # names without legal form, for exact-name ranking
    docnum=KEYWORD(commas=True),  # 文号, normalised
    programme=ID(),
    level=ID(),
    year=NUMERIC(int, bits=32),
    date=NUMERIC(int, bits=32, sortable=True),
    valid_until=NUMERIC(int, bits=32),
    revoked_on=NUMERIC(int, bits=32),
    data=STORED(),
    # A record's names and text as indexed (documents.Record.fields), for quoted phrases.
    # (offsets written whatever the count: derived from lengths, in Python, otherwise)
    phrases=COLUMN(VarBytesColumn(write_offsets_cutoff=0)),
    # The lengths of a record's scored fields as counted (whoosh keeps them rounded to
    # a byte), SCORED's order: what a deleted record took from the index's statistics.
    lengths=COLUMN(VarBytesColumn(write_offsets_cutoff=0)),
)
SCORED = tuple(SCHEMA.scorable_names())
LENGTHS = "lengths"


def _packed_lengths(lengths: dict[str, int]) -> bytes:
    return array("I", [lengths.get(name, 0) for name in SCORED]).tobytes()


def _unpacked_lengths(value: bytes) -> dict[str, int]:
    counted = array("I")
    counted.frombytes(value)
    return dict(zip(SCORED, counted, strict=True)) if counted else {}


def indexed_fields(record: Record) -> dict:
    """A record's fields with its lengths column, for whoosh's own writer (an
    incremental update); _Writer counts the lengths as it indexes."""
    fields = record.fields()
    fields[LENGTHS] = _packed_lengths(
        {name: SCHEMA[name].postings(fields[name])[3] for name in SCORED if name in fields}
    )
    return fields


def canonical_order(record: Record) -> tuple[int, str]:
    """Where a record goes in an index: newest first, then by key. A full build numbers
    its records so, an incremental update its new segment; searches break ties of score
    or date by it (_Order), so an extended index answers as a full build's would."""
    return -day_number(record.day), record.key


def build(directory: Path, records: Iterable[Record], extra: dict[str, object]) -> int:
    """Write an index of `records` into `directory` (created; must not exist), with the
    JSON files in `extra` beside it, then READY. Returns the number of records.

    Records are numbered newest first (canonical_order), so that "newest first" is the
    index's own order and a search sorted by date can stop at the first hits it finds."""
    directory = Path(directory)
    directory.mkdir(parents=True)
    store = index.create_in(str(directory), SCHEMA, indexname=INDEX_NAME)
    writer = _Writer(store)
    count = 0
    try:
        for record in sorted(records, key=canonical_order):
            writer.add_document(**record.fields())
            count += 1
    except BaseException:
        writer.cancel()
        raise
    segment = writer.newsegment.segment_id()
    writer.commit()
    store.close()
    _write_term_scores(directory, getattr(writer, "term_scores", {}), segment, count)
    for name, value in extra.items():
        (directory / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    (directory / READY).write_text(str(count), encoding="utf-8")
    return count


class _Writer(SegmentWriter):
    """Whoosh's segment writer for one new segment written from records in memory.

    Whoosh's own writer passes every posting through a pickled external sort (temporary
    runs merged back with a heap), reads the document's field length once per posting
    and checks each posting's types as it buffers it: most of a build. Here each
    document's postings are appended to their terms' arrays with C-level map passes
    (documents arrive in order, so each term's postings already are), field lengths
    are kept as they are counted, and the postings file is written a term at a time
    (_write_postings). The files are whoosh's own, as its writer makes them
    (tests/cms/search/test_engine.py compares every term, posting and length)."""

    def __init__(self, store):
        super().__init__(store, codec=W3Codec(compression=_COMPRESSION))
        self.pool = None  # unused: postings go to self._terms
        # field name -> term (str for _Text fields, bytes otherwise) -> [docnums,
        # weights] or, for fields with positions, [docnums, weights, values]
        self._terms: dict[str, defaultdict] = {}
        # field name -> length of each document's value (0: none or not scorable)
        self._lengths: dict[str, array] = {}
        # (field, term) -> (docnums, BM25F scores) of terms in PRECOMPUTED_FROM records
        # or more, written beside the index (_write_term_scores)
        self.term_scores: dict[tuple[str, str], tuple[array, array]] = {}
        self._cut: dict[tuple, tuple] = {}  # (field name, value) -> _indexed(...)

    def _indexed(self, fieldname: str, field, value) -> tuple:
        """_indexed(field, value), once per build for a value that repeats (kinds,
        programmes, years, days...)."""
        if not isinstance(value, str | int):
            return _indexed(field, value)
        key = (fieldname, value)
        found = self._cut.get(key)
        if found is None:
            found = self._cut[key] = _indexed(field, value)
        return found

    def add_document(self, **fields):
        """Whoosh's add_document for the fields this schema has (no spelling, vectors,
        boosts or separately stored values)."""
        self._check_state()
        self._check_fields(self.schema, fields)
        perdoc = self.perdocwriter
        docnum = self.docnum
        perdoc.start_doc(docnum)
        counted = {}  # the scored fields' lengths, for the lengths column
        for fieldname in sorted(fields):
            if fieldname == LENGTHS:
                continue
            value = fields[fieldname]
            field = self.schema[fieldname]
            length = 0
            if field.indexed:
                if isinstance(field, _Text):
                    terms, weights, values, length = field.postings(value)
                else:
                    terms, weights, values, length = self._indexed(fieldname, field, value)
                postings = self._terms.get(fieldname)
                if postings is None:
                    positions = field.format.supports("positions")
                    postings = self._terms[fieldname] = defaultdict(
                        _new_positions if positions else _new_postings
                    )
                entries = list(map(postings.__getitem__, terms))
                _consume(map(array.append, map(_DOCNUMS, entries), repeat(docnum)))
                _consume(map(array.append, map(_WEIGHTS, entries), weights))
                if values is not None:
                    _consume(map(list.append, map(_VALUES, entries), values))
                if not field.scorable:
                    length = 0
                elif length:
                    counted[fieldname] = length
                    lengths = self._lengths.get(fieldname)
                    if lengths is None:
                        lengths = self._lengths[fieldname] = array("I")
                    lengths.extend(repeat(0, docnum - len(lengths)))
                    lengths.append(length)
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type:
                column_value = field.to_column_value(value)
                perdoc.add_column_value(fieldname, field.column_type, column_value)
        perdoc.add_column_value(LENGTHS, self.schema[LENGTHS].column_type, _packed_lengths(counted))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        totals = dict(self.perdocwriter._fieldlengths)  # what whoosh's field_length gives
        _write_postings(
            self.fieldwriter, self.schema, self.docnum, self._terms, self._lengths,
            totals, self.term_scores,
        )  # fmt: skip
        self.fieldwriter.close()

    def _close_segment(self):
        if not self.perdocwriter.is_closed:
            self.perdocwriter.close()
        if not self.fieldwriter.is_closed:
            self.fieldwriter.close()
        self._terms = {}


_COMPRESSION = 1  # zlib level of postings blocks (whoosh's default, 3, takes longer)
_DOCNUMS, _WEIGHTS, _VALUES = (operator.itemgetter(i) for i in range(3))
_consume = deque(maxlen=0).extend  # runs a map for its calls' effects


def _new_postings() -> list:
    return [array("I"), array("f")]


def _new_positions() -> list:
    return [array("I"), array("f"), []]


def _indexed(field, value) -> tuple:
    """(terms, weights, values, length) of a value of a whoosh field (not a _Text), as
    _Text.postings gives them."""
    found = list(field.index(value))
    terms = [term for term, _, _, _ in found]
    weights = [weight for _, _, weight, _ in found]
    length = sum(frequency for _, frequency, _, _ in found)
    if isinstance(field.format, formats.Frequency) or field.format.fixed_value_size() == 0:
        return terms, weights, None, length  # derived from the weight, or none
    return terms, weights, [encoded for _, _, _, encoded in found], length


def _write_postings(
    fieldwriter, schema, doc_count: int, terms: dict, lengths: dict, totals=None, scores=None
) -> None:
    """What whoosh's FieldWriter.add_postings and W3PostingsWriter.add_posting do, a
    term at a time: the same blocks of postings, block statistics and term infos, made
    with C-level operations per block rather than Python per posting. Terms of _Text
    fields are kept as text until here: UTF-8 sorts as the text does."""
    postfile = fieldwriter._postfile
    add_term = fieldwriter._tindex.add
    limit = fieldwriter._codec._blocklimit
    for fieldname in sorted(terms):
        field = schema[fieldname]
        by_term = terms.pop(fieldname)  # freed field by field as it is written
        counted = lengths.get(fieldname, array("I"))
        counted.extend(repeat(0, doc_count - len(counted)))
        length_bytes = bytes(map(length_to_byte, counted))
        fieldwriter.start_field(fieldname, field)
        field_id = pack_ushort(fieldwriter._fieldid)
        encode = isinstance(field, _Text)
        boost = field.format.field_boost
        fixed_size = field.format.fixed_value_size()
        frequencies = isinstance(field.format, formats.Frequency)
        norms = None
        if scores is not None and fieldname in PRECOMPUTED_FIELDS:
            average = totals.get(fieldname, 0) / (doc_count or 1) or 1
            k1, b = _BM25F.K1, _BM25F.B
            by_byte = [k1 * ((1 - b) + b * (byte_to_length(i) if i else 1) / average)
                       for i in range(256)]  # fmt: skip
            norms = list(map(by_byte.__getitem__, length_bytes))
        for term in sorted(by_term):
            entry = by_term[term]
            docnums, weights = entry[0], entry[1]
            if norms is not None and len(docnums) >= PRECOMPUTED_FROM:
                scores[(fieldname, term)] = (
                    docnums,
                    _bm25_scores(docnums, weights, norms, doc_count),
                )
            if frequencies:  # each posting's count, as whoosh's Frequency format encodes it
                counts = map(round, map(operator.truediv, weights, repeat(boost)))
                values = list(map(_frequency, counts))
            else:
                values = entry[2] if fixed_size != 0 else None
            start = postfile.tell()
            data, info = _postings_blocks(docnums, weights, values, fixed_size, length_bytes, limit)
            postfile.write(data)
            info_bytes = info + pack_long(start) + pack_int(postfile.tell() - start)
            add_term(field_id + (term.encode("utf-8") if encode else term), info_bytes)
        fieldwriter.finish_field()


def _postings_blocks(docnums, weights, values, fixed_size, length_bytes: bytes, limit: int):
    """(the postings file's bytes of a term, the start of its W3TermInfo bytes): what
    W3PostingsWriter._write_block and W3TermInfo.to_bytes make of its postings,
    `limit` to a block; `fixed_size`: of the format's values (whoosh's mini values)."""
    parts = [WHOOSH3_HEADER_MAGIC]
    count = len(docnums)
    total_weight = 0
    max_weight = 0
    min_byte = None
    max_byte = 0
    for start in range(0, count, limit):
        end = min(start + limit, count)
        ids = docnums[start:end]
        block_weights = weights[start:end]
        first = block_weights[0]
        if block_weights.count(first) == len(block_weights):
            mini_weights = None if first == 1.0 else first
        else:
            mini_weights = tuple(block_weights)
        if fixed_size == 0:
            mini_values = None
        elif fixed_size is None or fixed_size < 0:
            mini_values = tuple(values[start:end])
        else:
            mini_values = b"".join(values[start:end])
        total_weight += sum(block_weights)
        block_max = max(block_weights)
        known = bytes(map(length_bytes.__getitem__, ids)).replace(b"\x00", b"")
        block_min_byte = min(known) if known else 0
        block_max_byte = max(known) if known else 0
        if known:
            min_byte = block_min_byte if min_byte is None else min(min_byte, block_min_byte)
        max_byte = max(max_byte, block_max_byte)
        max_weight = max(max_weight, block_max)
        deltas = tuple(map(operator.sub, ids, chain((0,), ids)))
        data = _compress(dumps((deltas, mini_weights, mini_values), 2))
        info = (len(ids), ids[-1], block_max, _COMPRESSION, block_min_byte, block_max_byte)
        info = dumps(info, 2)
        size = len(info) + len(data)
        parts += (pack_int(-size if end == count else size), info, data)
    term_info = W3TermInfo._struct.pack(
        False, total_weight, count, min_byte or 0, max_byte, max_weight, docnums[0], docnums[-1]
    )
    return b"".join(parts), term_info


def _compress(data: bytes) -> bytes:
    """zlib at _COMPRESSION with a 4 kB window and the least memory: a block is a few
    kB, and setting up zlib's default state costs more than compressing one."""
    compressor = zlib.compressobj(_COMPRESSION, zlib.DEFLATED, 12, 1)
    return compressor.compress(data) + compressor.flush()


_BM25F = scoring.BM25F()  # the searcher's weighting (whoosh's default)
TERM_SCORES = "term-scores.bin"  # precomputed scores of frequent terms, and their places:
TERM_SCORES_INDEX = "term-scores.idx"  # {"segment": id, "documents": count, "places":
# {(field, term): (offset, count)}}, marshal


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


def _write_term_scores(directory: Path, scores: dict, segment: str, documents: int) -> None:
    places = {}
    with open(directory / TERM_SCORES, "wb") as file:
        for key in sorted(scores):
            docnums, values = scores[key]
            places[key] = (file.tell(), len(docnums))
            file.write(array("I", docnums).tobytes())
            file.write(values.tobytes())
    written = {"segment": segment, "documents": documents, "places": places}
    (directory / TERM_SCORES_INDEX).write_bytes(marshal.dumps(written))


class _TermScores:
    """The precomputed scores of an index's frequent terms, read from a mapped file.

    They hold for the segment the full build wrote, as it was written: an index an
    incremental build extended (cms/search/incremental.py: another segment, deleted
    documents) is scored at search time, since its terms' frequencies, documents and so
    scores are no longer those."""

    def __init__(self, directory: Path, reader):
        self._places: dict = {}
        self._data = b""
        try:
            written = marshal.loads((directory / TERM_SCORES_INDEX).read_bytes())
            with open(directory / TERM_SCORES, "rb") as file:
                if _scores_hold(written, reader) and written["places"]:
                    self._places = written["places"]
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

    def get(self, fieldname: str, text: str) -> dict[int, float] | None:
        """{docnum: score} of a frequent term, None for another."""
        found = self._arrays(fieldname, text)
        return None if found is None else dict(zip(*found, strict=True))

    def get_at(self, fieldname: str, text: str, wanted: list[int]) -> dict[int, float] | None:
        """get() at the documents `wanted` (sorted) only, each looked up by bisection."""
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


def is_ready(directory: Path) -> bool:
    return (Path(directory) / READY).is_file()


def remove(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)


# --- Searching ------------------------------------------------------------------------------


@dataclass
class Filters:
    kind: str = ""  # a record kind (documents.KINDS)
    programme: str = ""
    year: int | None = None
    level: str = ""
    status: str = ""  # valid, expired, revoked: on `today`


@dataclass
class Hit:
    data: dict
    score: float


@dataclass
class Results:
    hits: list[Hit]
    total: int
    timed_out: bool = False
    estimated: bool = False  # the total is an estimate (shown as 约…), not a count


class SearchIndex:
    """An open index with one searcher, reused by every query until the index is
    replaced. Whoosh searchers may be shared between threads for reading.

    Answers are remembered (CACHE_SIZE of them, least recently used dropped): an index
    never changes once READY, and a new build is a new SearchIndex with a cache of its
    own."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._index = index.open_dir(str(self.directory), indexname=INDEX_NAME)
        self._searcher = self._index.searcher(weighting=_Weighting())
        self.extra = {
            path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in self.directory.glob("*.json")
        }
        self._cache: OrderedDict[tuple, Results] = OrderedDict()
        self._filters: OrderedDict[tuple, tuple] = OrderedDict()
        self._cache_lock = threading.Lock()
        reader = self._searcher.reader()
        # An index an incremental build extended: scored without its deleted documents,
        # ties broken in a full build's order (cms/search/incremental.py).
        self._searcher.weighting.statistics = _Statistics.of(self._searcher)
        self._extended = len(self._searcher.leaf_searchers()) > 1
        self._order = _Order(self._searcher) if self._extended else None
        best_first = self._order.best_first if self._order else _best_first
        precomputed = _TermScores(self.directory, reader)
        self._bulk = _BulkScorer(self._searcher, self._allowed, precomputed, best_first)

    def close(self) -> None:
        self._searcher.close()
        self._index.close()

    @property
    def doc_count(self) -> int:
        return self._searcher.doc_count()

    def search(
        self,
        parsed: Query,
        filters: Filters,
        today: date,
        *,
        sort: str = "relevance",
        offset: int = 0,
        limit: int = 10,
        homophones: bool = False,
    ) -> Results:
        """Hits `offset` to `offset + limit` of the records matching every part of the
        query (a credit code matches exactly), ranked or newest first. Chinese parts also
        match by their pinyin only with `homophones` (a second try when they found
        nothing); Latin parts always may be pinyin.

        The total is counted up to EXACT_COUNT matches and estimated beyond."""
        allow = _filter(filters, today)
        within = None if allow is None else lambda required: _Within(required, allow, self._allowed)
        whoosh_query = _query(parsed, homophones, within)
        if whoosh_query is None:
            return Results([], 0)
        key = (repr(whoosh_query), sort, offset, limit)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        upper = whoosh_query.estimate_size(self._searcher.reader())
        wanted = min(offset + limit, MAX_RESULTS)
        found = None
        if sort == "date":
            found = self._newest(whoosh_query, offset, wanted)
        elif upper > BULK_FROM or _has_positions(whoosh_query) or self._extended:
            # (whoosh's collector breaks ties by document number, which in an extended
            # index is not a full build's order)
            found = self._bulk.ranked(whoosh_query, offset, wanted)
        if found is None:
            found = self._ranked(whoosh_query, offset, wanted, exact=upper <= EXACT_COUNT)
        if found.total is None:
            found.total, found.estimated = self._count(whoosh_query, upper)
        if not found.timed_out:
            with self._cache_lock:
                self._cache[key] = found
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return found

    def _ranked(self, whoosh_query, offset: int, wanted: int, exact: bool) -> Results:
        """The best `wanted` hits. Unless `exact` (few matches: all are scored and
        counted), whoosh skips the blocks of postings that cannot score high enough to
        be among them, and the total is left to _count."""
        # replace=0: whoosh's matcher replacement (dropping a clause whose best score
        # seems too low) loses true top hits of AndMaybe queries in 2.7.4; block
        # skipping does not (tests/cms/search/test_engine.py).
        ranked = collectors.TopCollector(wanted, usequality=not exact, replace=0)
        collector = _TimeLimit(ranked, TIME_LIMIT)
        timed_out = False
        try:
            self._searcher.search_with_collector(whoosh_query, collector)
        except TimeLimit:
            timed_out = True
        results = collector.results()
        hits = [
            Hit(data=json.loads(hit["data"]), score=hit.score or 0.0)
            for hit in results[offset:wanted]
        ]
        if timed_out:
            return Results(hits, results.estimated_length(), True, True)
        # Fewer hits than wanted: nothing could be skipped (there was no lowest score to
        # beat), so every match was collected and counted.
        return Results(hits, ranked.total if exact or ranked.total < wanted else None)

    def _newest(self, whoosh_query, offset: int, wanted: int) -> Results:
        """The first `wanted` hits in the index's order, which is newest first (build):
        no hit after them is looked at, let alone sorted."""
        docnums = []
        deadline = time.monotonic() + TIME_LIMIT
        segments = self._searcher.leaf_searchers()
        if len(segments) > 1:
            return self._newest_of_segments(whoosh_query, offset, wanted, segments, deadline)
        for docnum in self._searcher.docs_for_query(whoosh_query):
            docnums.append(docnum)
            if len(docnums) == wanted:
                break
            if len(docnums) % 256 == 0 and time.monotonic() > deadline:
                break
        stored = self._searcher.stored_fields
        hits = [
            Hit(data=json.loads(stored(docnum)["data"]), score=0.0) for docnum in docnums[offset:]
        ]
        return Results(hits, len(docnums) if len(docnums) < wanted else None)

    def _newest_of_segments(self, whoosh_query, offset, wanted, segments, deadline) -> Results:
        """_newest for an index an incremental build extended (cms/search/incremental.py):
        each segment is newest first, so the first `wanted` hits of each, merged by date,
        are the newest overall."""
        found = []  # (date, docnum)
        complete = True
        for segment, base in segments:
            dates = segment.reader().column_reader("date")
            taken = 0
            for docnum in segment.docs_for_query(whoosh_query):
                found.append((dates[docnum], base + docnum))
                taken += 1
                if taken == wanted:
                    complete = False
                    break
                if taken % 256 == 0 and time.monotonic() > deadline:
                    complete = False
                    break
        place = self._order.place
        found.sort(key=lambda hit: (-hit[0], place(hit[1])))
        stored = self._searcher.stored_fields
        hits = [
            Hit(data=json.loads(stored(docnum)["data"]), score=0.0)
            for _date, docnum in found[offset:wanted]
        ]
        return Results(hits, len(found) if complete else None)

    def _count(self, whoosh_query, upper: int) -> tuple[int, bool]:
        """(total, estimated): matches counted up to EXACT_COUNT; beyond, the share of
        matches in SAMPLES stretches spread over the index, times its size (within the
        bounds the terms' document frequencies give)."""
        searcher = self._searcher
        segments = searcher.subsearchers or [(searcher, 0)]
        counted = 0
        for segment, _offset in segments:
            matcher = whoosh_query.matcher(segment, segment.boolean_context())
            while matcher.is_active():
                counted += 1
                if counted > EXACT_COUNT:
                    break
                matcher.next()
            if counted > EXACT_COUNT:
                break
        else:
            return counted, False
        estimate = 0.0
        for segment, _offset in segments:
            size = segment.doc_count_all()
            matcher = whoosh_query.matcher(segment, segment.boolean_context())
            for sample in range(SAMPLES):
                start, end = sample * size // SAMPLES, (sample + 1) * size // SAMPLES
                found = 0
                if matcher.is_active() and matcher.id() < start:
                    matcher.skip_to(start)
                while matcher.is_active() and matcher.id() < end and found < SAMPLE_HITS:
                    found += 1
                    last = matcher.id()
                    matcher.next()
                # The stretch's share of matches, over as much of it as was read.
                seen = (last + 1 - start) if found == SAMPLE_HITS else (end - start)
                estimate += found * (end - start) / max(seen, 1)
        estimate = int(estimate)
        return _round(max(EXACT_COUNT + 1, min(estimate, upper))), True

    def _allowed(self, searcher, allow) -> tuple[list[int], frozenset[int]]:
        """The documents of a segment a filter allows, sorted and as a set; remembered
        (filters are few: kinds, programmes, years, levels, statuses on a day)."""
        key = (id(searcher.reader()), repr(allow))
        with self._cache_lock:
            found = self._filters.get(key)
        if found is None:
            docnums = sorted(allow.docs(searcher))
            found = (docnums, frozenset(docnums))
            with self._cache_lock:
                self._filters[key] = found
                if len(self._filters) > FILTERS_CACHED:
                    self._filters.popitem(last=False)
        return found

    def suggestions(self) -> dict[str, list[str]]:
        return self.extra.get("suggestions", {})

    @functools.cached_property
    def suggestion_keys(self) -> dict[int, list[str]]:
        """The suggestions' pinyin keys by length, for answers.closest."""
        found: dict[int, list[str]] = {}
        for key in self.suggestions():
            found.setdefault(len(key), []).append(key)
        return found


def _has_positions(q) -> bool:
    """Whether a query has a phrase of pinyin or initials, checked by position: whoosh's
    phrase matcher costs more than the bulk scorer's check even for a few matches."""
    if isinstance(q, query.Phrase):
        return True
    children = [q.child] if isinstance(q, _Within) else q.children()
    return any(_has_positions(child) for child in children)


class _Unsupported(Exception):
    """A query the bulk scorer does not know: whoosh's matchers answer it."""


class _TimedOut(Exception):
    def __init__(self, hits, total):
        super().__init__()
        self.hits = hits
        self.total = total


class _BulkScorer:
    """Whoosh's ranking of a query with many matches, computed a term at a time.

    Whoosh scores one match at a time through a tree of matchers in pure Python (about
    50 µs a match): a word found in most records takes most of a second. Here each
    term's postings are read a block at a time and scored in one pass with BM25F's
    formula as whoosh computes it (same idf, average length, quantised field lengths,
    boosts), into {docnum: score}; And intersects and sums, Or unites and sums,
    AndMaybe adds its optional scores, a filter keeps the documents it allows, a phrase
    is its pairs' intersection (whoosh scores a phrase as the sum of its terms) checked
    by position for the hits shown, and for a count on a sample beyond PHRASES_COUNTED
    candidates. Term scores are remembered per open index: frequent terms recur.
    tests/cms/search/test_engine.py compares it with whoosh's scoring of every match."""

    def __init__(self, searcher, allowed, precomputed=None, best_first=None):
        self._searcher = searcher
        self._precomputed = precomputed
        self._best_first = best_first or _best_first
        self._reader = searcher.reader()
        self._allowed = allowed
        self._weighting = searcher.weighting
        self._norms: dict[str, list[float]] = {}
        self._terms: OrderedDict[tuple, dict[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    def ranked(self, whoosh_query, offset: int, wanted: int) -> Results | None:
        """Hits `offset` to `wanted` and the total, or None for a query it does not
        know."""
        try:
            scores, exact = self._evaluate(whoosh_query)
        except _Unsupported:
            return None
        total, estimated, timed_out = len(scores), False, False
        if exact is None:
            order = _top(scores, wanted, self._best_first)
        else:
            try:
                order, total, estimated = _checked(scores, exact, wanted, self._best_first)
            except _TimedOut as stopped:
                order, total, estimated, timed_out = stopped.hits, stopped.total, True, True
        stored = self._searcher.stored_fields
        hits = [
            Hit(data=json.loads(stored(docnum)["data"]), score=score)
            for docnum, score in order[offset:wanted]
        ]
        total = _round(total) if estimated else total
        return Results(hits, total, timed_out=timed_out, estimated=estimated)

    # Evaluation: ({docnum: score}, exact) of a query. Without phrases, exact is None
    # and the scores are whoosh's. With phrases, the scores are what they would be if
    # every phrase were there (an upper bound: scores are positive), and exact(docnum)
    # gives the true score, or None when the document does not match; it is asked of
    # as few documents as need be.

    def _evaluate(self, q, within=None):
        """`within`: the documents the caller will keep (None: all); the answer may
        leave out others, and does where that saves reading postings."""
        if isinstance(q, query.Term):
            return self._term(q.fieldname, q.text, q.boost, within), None
        if isinstance(q, _Phrase):
            contains = _phrase_check(self._reader, q.fieldname, q.pattern)
            if contains is None:
                return self._evaluate(q.positional(), within)
            scores = self._evaluate(q.child, within)[0]
            return scores, lambda d: scores[d] if d in scores and contains(d) else None
        if isinstance(q, query.Phrase):
            pairs = query.And([query.Term(q.fieldname, w) for w in q.words])
            scores = _boosted(self._evaluate(pairs, within)[0], q.boost)
            checker = _PhraseChecker(self._reader, q.fieldname, list(q.words))
            return scores, lambda d: scores[d] if d in scores and checker.contains(d) else None
        if isinstance(q, _Within):
            _docnums, allowed = self._allowed(self._searcher, q.allow)
            inside = allowed if within is None else allowed & set(within)
            scores, exact = self._evaluate(q.child, inside)
            return {d: s for d, s in scores.items() if d in allowed}, exact
        if isinstance(q, query.AndMaybe):
            scores, exact = self._evaluate(q.a, within)
            optional, exact_optional = self._evaluate(q.b, scores.keys())
            if exact_optional is not None:
                raise _Unsupported  # an optional phrase: never made by _query
            if optional:
                scores = dict(scores)
                for d, s in optional.items():
                    if d in scores:
                        scores[d] = scores[d] + s
            scores = _boosted(scores, q.boost)
            if exact is None:
                return scores, None
            boost = q.boost

            def exact_and_maybe(d):
                found = exact(d)
                if found is None:
                    return None
                found = found + optional[d] if d in optional else found
                return found * boost if boost != 1.0 else found

            return scores, exact_and_maybe
        if type(q) is query.And:
            # The rarest first: the others are then read only where it matched.
            subqueries = sorted(q.subqueries, key=lambda sub: sub.estimate_size(self._reader))
            parts, scores = [], None
            for sub in subqueries:
                found, exact = self._evaluate(sub, within if scores is None else scores.keys())
                parts.append((found, exact))
                scores = found if scores is None else _combine([scores, found], True)
            scores = _boosted(scores, q.boost)
            if all(exact is None for _, exact in parts):
                return scores, None
            return scores, _exact_combined(parts, True, q.boost)
        if type(q) is query.Or:
            parts = [self._evaluate(sub, within) for sub in q.subqueries]
            scores = _boosted(_combine([found for found, _ in parts], False), q.boost)
            if all(exact is None for _, exact in parts):
                return scores, None
            return scores, _exact_combined(parts, False, q.boost)
        raise _Unsupported

    def _term(self, fieldname: str, text, boost: float, within=None) -> dict[int, float]:
        key = (fieldname, text, boost)
        with self._lock:
            found = self._terms.get(key)
            if found is not None:
                self._terms.move_to_end(key)
                return found
        if within is not None:
            field = self._searcher.schema[fieldname]
            frequency = self._reader.doc_frequency(fieldname, field.to_bytes(text))
            if len(within) * RESTRICT_RATIO < frequency:
                return self._score_term_at(fieldname, text, boost, sorted(within))
        found = self._score_term(fieldname, text, boost)
        with self._lock:
            self._terms[key] = found
            if len(self._terms) > TERMS_CACHED:
                self._terms.popitem(last=False)
        return found

    def _score_term(self, fieldname: str, text, boost: float) -> dict[int, float]:
        """{docnum: score} of a term: bm25(...) * boost, as whoosh's scorer and its
        WrappingMatcher for the boost compute it (the same operations in the same
        order, so the same floats)."""
        if self._precomputed is not None and isinstance(text, str):
            found = self._precomputed.get(fieldname, text)
            if found is not None:
                return _boosted(found, boost)
        field = self._searcher.schema[fieldname]
        btext = field.to_bytes(text)
        if (fieldname, btext) not in self._reader:
            return {}
        ids, weights = _postings(self._reader.postings(fieldname, btext))
        return self._scored(fieldname, btext, boost, zip(ids, weights, strict=True))

    def _score_term_at(self, fieldname: str, text, boost: float, docnums) -> dict[int, float]:
        """_score_term for the documents `docnums` (sorted) only: looked up in the
        precomputed scores, or read from the blocks of postings that hold them."""
        if self._precomputed is not None and isinstance(text, str):
            found = self._precomputed.get_at(fieldname, text, docnums)
            if found is not None:
                return _boosted(found, boost)
        field = self._searcher.schema[fieldname]
        btext = field.to_bytes(text)
        if (fieldname, btext) not in self._reader:
            return {}
        found = _postings_at(self._reader.postings(fieldname, btext), docnums)
        return self._scored(fieldname, btext, boost, found.items())

    def _scored(self, fieldname: str, btext: bytes, boost: float, postings) -> dict[int, float]:
        """{docnum: score} of (docnum, weight) postings of a term."""
        if not self._searcher.schema[fieldname].scorable:  # whoosh's WeightScorer
            if boost == 1.0:
                return dict(postings)
            return {d: w * boost for d, w in postings}
        scorer = self._weighting.scorer(self._searcher, fieldname, btext)
        idf, top = scorer.idf, scorer.K1 + 1
        norms = self._field_norms(fieldname, scorer)
        if boost == 1.0:
            return {d: idf * ((w * top) / (w + norms[d])) for d, w in postings}
        return {d: idf * ((w * top) / (w + norms[d])) * boost for d, w in postings}

    def _field_norms(self, fieldname: str, scorer) -> list[float]:
        """K1 * ((1 - B) + B * fl / avgfl) of every document, fl as whoosh stores it."""
        with self._lock:
            found = self._norms.get(fieldname)
        if found is None:
            k1, b, average = scorer.K1, scorer.B, scorer.avgfl
            count = self._searcher.doc_count_all()
            stored = _length_bytes(self._reader, fieldname)
            if stored is not None:  # one norm per possible stored byte, then a lookup
                by_byte = [k1 * ((1 - b) + b * (byte_to_length(i) if i else 1) / average)
                           for i in range(256)]  # fmt: skip
                found = list(map(by_byte.__getitem__, stored[:count]))
                found += [by_byte[0]] * (count - len(found))
            else:
                # (whoosh 2.7.4 answers None, not the default, for a document without
                # the field; its norm is never used: it has none of the field's terms)
                length = self._searcher.doc_field_length
                found = [
                    k1 * ((1 - b) + b * (length(d, fieldname, 1) or 1) / average)
                    for d in range(count)
                ]
            with self._lock:
                self._norms[fieldname] = found
        return found


def _combine(parts: list[dict[int, float]], intersect: bool) -> dict[int, float]:
    """And: the documents in every part, their scores summed; Or: in any part, summed
    over the parts they are in."""
    scores = parts[0]
    if intersect:
        for other in parts[1:]:
            # Over the smaller of the two, adding in the same order either way.
            if len(other) < len(scores):
                scores = {d: scores[d] + s for d, s in other.items() if d in scores}
            else:
                scores = {d: s + other[d] for d, s in scores.items() if d in other}
        return scores
    scores = dict(scores)
    for other in parts[1:]:
        for d, s in other.items():
            scores[d] = scores[d] + s if d in scores else s
    return scores


def _exact_combined(parts, intersect: bool, boost: float):
    """exact(docnum) of an And or Or whose parts have phrases: the parts' exact scores
    summed in the order _combine sums them."""

    def exact(d):
        total = None
        for found, part_exact in parts:
            if d not in found:
                if intersect:
                    return None
                continue
            score = found[d] if part_exact is None else part_exact(d)
            if score is None:
                if intersect:
                    return None
                continue
            total = score if total is None else total + score
        if total is None:
            return None
        return total * boost if boost != 1.0 else total

    return exact


def _checked(scores: dict[int, float], exact, wanted: int, best_first=None):
    """(hits, total, estimated) of candidates `scores` (upper bounds) by their exact
    scores: candidates are checked best bound first until none left could beat the
    last hit, and counted all up to PHRASES_COUNTED, on a sample spread over them
    beyond."""
    deadline = time.monotonic() + TIME_LIMIT
    known: dict[int, float | None] = {}
    hits: list[tuple[int, float]] = []
    best_first = best_first or _best_first
    for checked, (d, upper) in enumerate(_best_first_order(scores, best_first), 1):
        if len(hits) >= wanted and upper < hits[-1][1]:
            break
        score = known[d] = exact(d)
        if score is not None:
            bisect.insort(hits, (d, score), key=best_first)
            del hits[wanted:]
        if checked % 64 == 0 and time.monotonic() > deadline:
            raise _TimedOut(hits, len(hits))
    if len(scores) <= PHRASES_COUNTED:
        found = sum(1 for d in scores if (known[d] if d in known else exact(d)) is not None)
        return hits, found, False
    candidates = list(scores)
    step = len(candidates) / PHRASES_COUNTED
    sample = [candidates[int(i * step)] for i in range(PHRASES_COUNTED)]
    found = sum(1 for d in sample if (known[d] if d in known else exact(d)) is not None)
    return hits, max(len(hits), round(found * len(candidates) / PHRASES_COUNTED)), True


def _best_first_order(scores: dict[int, float], best_first=None):
    """(docnum, score) of `scores` in _best_first order, sorting a growing share of
    them at a time: most checks stop after the first few."""
    taken, size = 0, 64
    while taken < len(scores):
        batch = _top(scores, min(size, len(scores)), best_first)
        yield from batch[taken:]
        taken = len(batch)
        size *= 8


class _PhraseChecker:
    """Whether documents contain a phrase, by the positions of its pairs (pinyin and
    initials, the fields that keep positions). Each pair's postings are decoded once,
    whole, a block at a time: documents are asked about best score first, in no order
    a matcher could follow."""

    def __init__(self, reader, fieldname: str, words: list[str]):
        self._reader = reader
        self._fieldname = fieldname
        self._words = words
        self._values: dict[str, dict[int, bytes]] = {}
        self._decode = reader.schema[fieldname].format.decode_positions

    def contains(self, docnum: int) -> bool:
        starts = None
        for offset, word in enumerate(self._words):
            value = self._postings(word).get(docnum)
            if value is None:
                return False
            at = {position - offset for position in self._decode(value)}
            starts = at if starts is None else starts & at
            if not starts:
                return False
        return True

    def _postings(self, word: str) -> dict[int, bytes]:
        found = self._values.get(word)
        if found is None:
            btext = word.encode("utf-8")
            found = {}
            if (self._fieldname, btext) in self._reader:
                found = _posting_values(self._reader.postings(self._fieldname, btext))
            self._values[word] = found
        return found


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


def _top(scores: dict[int, float], wanted: int, best_first=None) -> list[tuple[int, float]]:
    """The `wanted` best of `scores`, ordered as `best_first` (_best_first) orders them:
    the highest scores picked in C, then those equal to the lowest of them added, so
    that ties are broken by document number whatever order the dictionary has."""
    best = heapq.nlargest(wanted, scores.items(), key=operator.itemgetter(1))
    if not best:
        return []
    lowest = best[-1][1]
    chosen = [item for item in best if item[1] > lowest]
    chosen += [(d, s) for d, s in scores.items() if s == lowest]
    chosen.sort(key=best_first or _best_first)
    return chosen[:wanted]


def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
    """Scores times a boost, as whoosh's WrappingMatcher applies one (not at all for 1)."""
    if boost == 1.0:
        return scores
    return {d: s * boost for d, s in scores.items()}


def _best_first(item: tuple[int, float]) -> tuple[float, int]:
    """Highest score first, then the lower document number (newer), as whoosh's
    TopCollector orders them."""
    return (-item[1], item[0])


def _round(number: int) -> int:
    """An estimate to two significant figures: 3,647 is about 3,600."""
    scale = 10 ** max(0, len(str(number)) - 2)
    return round(number / scale) * scale


class _Within(query.Query):
    """The documents of a query that a filter allows, scored by the query alone.

    Whoosh's own ways either look at every match and drop what the filter does not
    allow (a FilterCollector: slow when the filter allows few of many matches) or, for
    Require, iterate wrongly in whoosh 2.7.4 (it yields the matches the filter does
    not allow). Here the query's matcher skips to the next allowed document, so block
    quality skipping still works and few allowed documents mean little work."""

    def __init__(self, child, allow, allowed):
        self.child = child
        self.allow = allow
        self.allowed = allowed  # (searcher, allow) -> (sorted docnums, set)

    def __repr__(self):
        return f"_Within({self.child!r}, {self.allow!r})"

    def estimate_size(self, reader):
        return self.child.estimate_size(reader)

    def matcher(self, searcher, context=None):
        docnums, allowed = self.allowed(searcher, self.allow)
        return _WithinMatcher(self.child.matcher(searcher, context), docnums, allowed)


class _SkippingMatcher(WrappingMatcher):
    """A child matcher kept on the documents `_settle` accepts: after every move, it
    moves on until the child stands on one (or is done)."""

    def _settle(self):
        raise NotImplementedError

    def all_ids(self):
        while self.is_active():
            yield self.id()
            self.next()

    def next(self):
        moved = self.child.next()
        self._settle()
        return moved

    def skip_to(self, id):
        moved = self.child.skip_to(id)
        self._settle()
        return moved

    def skip_to_quality(self, minquality):
        skipped = self.child.skip_to_quality(minquality)
        self._settle()
        return skipped


class _WithinMatcher(_SkippingMatcher):
    def __init__(self, child, docnums: list[int], allowed: frozenset[int]):
        super().__init__(child)
        self._docnums = docnums
        self._allowed = allowed
        self._settle()

    def _settle(self):
        """Move the child to its next document the filter allows."""
        child, docnums = self.child, self._docnums
        while child.is_active() and child.id() not in self._allowed:
            at = bisect.bisect_left(docnums, child.id())
            if at == len(docnums):
                self.child = NullMatcher()
                return
            child.skip_to(docnums[at])

    def _replacement(self, child):
        return _WithinMatcher(child, self._docnums, self._allowed)

    def copy(self):
        return _WithinMatcher(self.child.copy(), self._docnums, self._allowed)


class _Phrase(query.Query):
    """A quoted phrase in `name` or `text`: the documents with all its pairs, scored as
    their sum (as whoosh scores a phrase), whose indexed names or text have its units
    in a row. That is checked on the record's `phrases` column (its names and text as
    indexed) rather than on positions, which these fields do not keep: decoding
    positions was most of the cost of a frequent phrase, and writing them a good part
    of a build. An index from before the column was added is asked with whoosh's
    Phrase over its positions."""

    def __init__(self, fieldname: str, words: list[str], boost: float = 1.0):
        self.fieldname = fieldname
        self.words = list(words)
        self.boost = boost
        self.child = query.And([query.Term(fieldname, word) for word in self.words], boost=boost)
        self.pattern = chinese.phrase_pattern(self.words)

    def __repr__(self):
        return f"_Phrase({self.fieldname!r}, {self.words!r}, boost={self.boost!r})"

    def estimate_size(self, reader):
        return self.child.estimate_size(reader)

    def positional(self):
        """whoosh's Phrase of the same pairs, for an index with positions."""
        return query.Phrase(self.fieldname, self.words, boost=self.boost)

    def matcher(self, searcher, context=None):
        contains = _phrase_check(searcher.reader(), self.fieldname, self.pattern)
        if contains is None:
            return self.positional().matcher(searcher, context)
        return _PhraseMatcher(self.child.matcher(searcher, context), contains)


_PHRASE_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # reader -> column


def _phrase_check(reader, fieldname: str, pattern):
    """contains(docnum): whether a document's names (`fieldname` "name") or text has
    the phrase `pattern` matches; None for an index without the phrases column."""
    if "phrases" not in reader.schema:
        return None
    if not reader.has_column("phrases"):  # an index without documents
        return lambda docnum: False
    column = _PHRASE_COLUMNS.get(reader)
    if column is None:
        column = _PHRASE_COLUMNS[reader] = reader.column_reader("phrases", translate=False)
    search = pattern.search
    separator = PHRASES_SEPARATOR.encode()
    if fieldname == "name":

        def contains(docnum: int) -> bool:
            value = column[docnum]
            return search(value, 0, value.find(separator)) is not None

    else:

        def contains(docnum: int) -> bool:
            value = column[docnum]
            return search(value, value.find(separator) + 1) is not None

    return contains


class _PhraseMatcher(_SkippingMatcher):
    """The child's documents that `contains` accepts."""

    def __init__(self, child, contains):
        super().__init__(child)
        self._contains = contains
        self._settle()

    def _settle(self):
        child, contains = self.child, self._contains
        while child.is_active() and not contains(child.id()):
            child.next()

    def _replacement(self, child):
        return _PhraseMatcher(child, self._contains)

    def copy(self):
        return _PhraseMatcher(self.child.copy(), self._contains)


class _TimeLimit(collectors.WrappingCollector):
    """Whoosh's time limit as a deadline looked at as hits are collected, rather than
    whoosh's timer thread per search: starting a thread costs more than most searches
    (and under load, a wait for the scheduler)."""

    def __init__(self, child, timelimit: float):
        super().__init__(child)
        self.timelimit = timelimit
        self.deadline = 0.0

    def prepare(self, top_searcher, q, context):
        self.child.prepare(top_searcher, q, context)
        self.deadline = time.monotonic() + self.timelimit

    def collect_matches(self):
        child, deadline = self.child, self.deadline
        for count, sub_docnum in enumerate(child.matches(), 1):
            child.collect(sub_docnum)
            if count % 32 == 0 and time.monotonic() > deadline:
                raise TimeLimit


def _query(parsed: Query, homophones: bool = False, within=None):
    """Every part must match; exact names, whole words and legal forms only rank.
    `within(query)` restricts what must match (to a filter's documents): inside the
    AndMaybe, whose own skip_to leaves its optional clause behind in whoosh 2.7.4."""
    within = within or (lambda required: required)
    if parsed.code is not None:
        return within(query.Term("code", parsed.code))
    required = [_part(part, homophones) for part in parsed.parts]
    required = [clause for clause in required if clause is not None]
    if not required:
        return None
    optional = []
    for part in parsed.parts:
        optional.extend(query.Term("words", word, boost=0.5) for word in part.words)
        if part.exact:
            optional.append(query.Term("exact", part.exact, boost=8.0))
            optional.append(query.Term("docnum", part.exact, boost=8.0))
    for word in parsed.optional_words:
        optional.append(query.Term("words", word, boost=0.2))
    main = within(required[0] if len(required) == 1 else query.And(required))
    return query.AndMaybe(main, query.Or(optional)) if optional else main


def _part(part: Part, homophones: bool):
    alternatives = []
    if part.runs:
        alternatives.append(_runs("name", part.runs, singles=True, phrase=part.quoted))
        alternatives.append(_runs("text", part.runs, singles=False, phrase=part.quoted))
    if not part.quoted and (homophones or not part.han):
        for syllables in part.pinyin:
            alternatives.append(_syllables("pinyin", syllables, boost=0.6))
        if part.initials:
            alternatives.append(_syllables("initials", part.initials, boost=0.5, pairs_only=True))
    alternatives = [clause for clause in alternatives if clause is not None]
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else query.Or(alternatives)


def _runs(field_name: str, runs: list[list[str]], singles: bool, phrase: bool):
    """All runs of a part in one field: each its consecutive pairs, or a lone unit
    (indexed as such in `name` only). A quoted phrase's pairs must stand in a row; a
    word's need only all be there (a word's pairs hardly ever appear apart, and checking
    positions is most of the cost of a frequent word)."""
    clauses = []
    for run in runs:
        if len(run) == 1:
            if not singles and len(run[0]) < 2:
                return None  # one character: names and titles only
            clauses.append(query.Term(field_name, run[0]))
        elif phrase:
            clauses.append(_Phrase(field_name, run))
        else:
            clauses.extend(query.Term(field_name, pair) for pair in dict.fromkeys(run))
    return clauses[0] if len(clauses) == 1 else query.And(clauses)


def _syllables(field_name: str, syllables: list[str], boost: float, pairs_only=False):
    if len(syllables) == 1:
        return None if pairs_only else query.Term(field_name, syllables[0], boost=boost)
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(syllables)]
    if len(pairs) == 1:
        return query.Term(field_name, pairs[0], boost=boost)
    # A phrase: syllable pairs, initials above all, are too common to be enough apart,
    # and these fields (names and titles) are small.
    return query.Phrase(field_name, pairs, boost=boost)


def _filter(filters: Filters, today: date):
    clauses = []
    if filters.kind:
        clauses.append(query.Term("kind", filters.kind))
    if filters.programme:
        clauses.append(query.Term("programme", filters.programme))
    if filters.year:
        clauses.append(query.NumericRange("year", filters.year, filters.year))
    if filters.level:
        clauses.append(query.Term("level", filters.level))
    if filters.status:
        clauses.extend(status_clauses(filters.status, day_number(today)))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else query.And(clauses)


def status_clauses(status: str, today: int) -> list:
    """The award status rule (cms/rules/validity.py) as ranges over the stored days, so
    an award that expired since the build is filtered as expired. Records without a
    validity (documents) store neither day and match no status."""
    not_revoked = query.NumericRange("revoked_on", today + 1, FAR_FUTURE)
    if status == "revoked":
        return [query.NumericRange("revoked_on", 0, today)]
    if status == "expired":
        return [not_revoked, query.NumericRange("valid_until", 0, today - 1)]
    if status == "valid":
        return [not_revoked, query.NumericRange("valid_until", today, FAR_FUTURE)]
    raise ValueError(status)
