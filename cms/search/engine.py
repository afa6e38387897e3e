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
import itertools
import json
import shutil
import threading
import time
import warnings
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import chinese
from .documents import FAR_FUTURE, Record, day_number
from .query import Part, Query

with warnings.catch_warnings():
    for category in (SyntaxWarning, DeprecationWarning):
        # A compile warning's "module" is its file's path without .py.
        warnings.filterwarnings("ignore", category=category, module=r".*[/\\]whoosh[/\\]")
    from whoosh import collectors, formats, index, query
    from whoosh.analysis import Token, Tokenizer
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
    from whoosh.matching import NullMatcher, WrappingMatcher
    from whoosh.searching import TimeLimit
    from whoosh.system import pack_uint
    from whoosh.writing import SegmentWriter

INDEX_NAME = "gongshi"
READY = "READY"  # written last: a directory without it was never finished
TIME_LIMIT = 1.0  # seconds one query may run before the results found so far are returned
MAX_RESULTS = 1000  # hits ranked for one query; pages beyond are refused by the service
EXACT_COUNT = 1000  # matches counted exactly; a total beyond is an estimate
SAMPLES, SAMPLE_HITS = 10, 50  # stretches of the index an estimate counts in, and up to
CACHE_SIZE = 1024  # answers remembered per open index
FILTERS_CACHED = 64  # filters' documents remembered per open index


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


class _Text(TEXT):
    """A TEXT field over one of chinese.py's (term, position) functions.

    Indexing goes straight from the function's terms to whoosh's posting values, without
    whoosh's Token objects and generators (the same values, a third of the time); values
    of up to SHORT characters (names, titles: many repeat, such as a programme's notice
    titles) are cut once per build."""

    SHORT = 200

    def __init__(self, function, phrase=True, field_boost=1.0):
        super().__init__(analyzer=_Terms(function), phrase=phrase, field_boost=field_boost)
        self.function = function

    def index(self, value, **kwargs):
        boost, positions = self.format.field_boost, self.format.supports("positions")
        if len(value) <= self.SHORT:
            return _cut_short(self.function, boost, positions, value)
        return _cut(self.function, boost, positions, value)


def _cut(function, boost: float, positions: bool, value: str) -> list:
    """(term bytes, frequency, weight, value bytes) of each term, as whoosh's Positions
    or Frequency format gives them (every token's boost is 1)."""
    found: dict[str, list[int]] = {}
    for term, position in function(value):
        at = found.get(term)
        if at is None:
            found[term] = [position]
        else:
            at.append(position)
    if positions:
        return [
            (term.encode("utf-8"), len(at), len(at) * boost, _encode_positions(at))
            for term, at in found.items()
        ]
    return [
        (term.encode("utf-8"), len(at), len(at) * boost, pack_uint(len(at)))
        for term, at in found.items()
    ]


@functools.lru_cache(maxsize=8192)
def _cut_short(function, boost: float, positions: bool, value: str) -> tuple:
    return tuple(_cut(function, boost, positions, value))


_POSITIONS = formats.Positions()
_ONE_POSITION: dict[int, bytes] = {}


def _encode_positions(positions: list[int]) -> bytes:
    """formats.Positions.encode, remembered for a term found once (most are)."""
    if len(positions) > 1:
        return _POSITIONS.encode(positions)
    encoded = _ONE_POSITION.get(positions[0])
    if encoded is None:
        encoded = _ONE_POSITION[positions[0]] = _POSITIONS.encode(positions)
    return encoded


# Records arrive normalised (documents.py), so analyzers never normalise twice.
SCHEMA = Schema(
    key=ID(stored=True, unique=True),
    kind=ID(stored=True),
    # What a thing is called: a winner's names (current and former), a document's title.
    name=_Text(_grams_and_singles, field_boost=3.0),
    # Everything else searchable: bodies, lists, 文号, issuing bodies, programmes, levels.
    text=_Text(_pairs),
    words=_Text(_words, phrase=False),
    pinyin=_Text(chinese.pinyin_terms),
    initials=_Text(chinese.initial_terms),
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
)


def build(directory: Path, records: Iterable[Record], extra: dict[str, object]) -> int:
    """Write an index of `records` into `directory` (created; must not exist), with the
    JSON files in `extra` beside it, then READY. Returns the number of records.

    Records are numbered newest first, so that "newest first" is the index's own order
    and a search sorted by date can stop at the first hits it finds."""
    directory = Path(directory)
    directory.mkdir(parents=True)
    store = index.create_in(str(directory), SCHEMA, indexname=INDEX_NAME)
    writer = _Writer(store)
    count = 0
    try:
        for record in sorted(records, key=lambda record: record.day, reverse=True):
            writer.add_document(**record.fields())
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    store.close()
    for name, value in extra.items():
        (directory / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    (directory / READY).write_text(str(count), encoding="utf-8")
    return count


class _Writer(SegmentWriter):
    """Whoosh's segment writer for one new segment written from records in memory.

    Whoosh's own writer passes every posting through a pickled external sort (temporary
    runs merged back with a heap), reads the document's field length once per posting
    and checks each posting's types as it buffers it: most of a build. Here the
    postings are grouped by term as they come (documents arrive in order, so each term's
    postings already are), lengths are read once per field, and each block of postings
    is handed to whoosh's postings writer whole. The files written are whoosh's own,
    the same as its writer makes (tests/cms/search/test_engine.py compares them)."""

    def __init__(self, store):
        super().__init__(store)
        self.pool = None  # unused: postings go to self._terms
        self._terms: dict[tuple[str, bytes], tuple[list, list, list]] = {}

    def add_document(self, **fields):
        """Whoosh's add_document for the fields this schema has (no spelling, vectors,
        boosts or separately stored values)."""
        self._check_state()
        self._check_fields(self.schema, fields)
        perdoc = self.perdocwriter
        docnum = self.docnum
        terms = self._terms
        perdoc.start_doc(docnum)
        for fieldname in sorted(fields):
            value = fields[fieldname]
            field = self.schema[fieldname]
            length = 0
            if field.indexed:
                for term, frequency, weight, encoded in field.index(value):
                    postings = terms.get((fieldname, term))
                    if postings is None:
                        postings = terms[(fieldname, term)] = ([], [], [])
                    postings[0].append(docnum)
                    postings[1].append(weight)
                    postings[2].append(encoded)
                    length += frequency
                if not field.scorable:
                    length = 0
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type:
                column_value = field.to_column_value(value)
                perdoc.add_column_value(fieldname, field.column_type, column_value)
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        reader = self.per_document_reader()
        try:
            _write_postings(self.fieldwriter, self.schema, reader, self.docnum, self._terms)
        finally:
            reader.close()
        self.fieldwriter.close()

    def _close_segment(self):
        if not self.perdocwriter.is_closed:
            self.perdocwriter.close()
        if not self.fieldwriter.is_closed:
            self.fieldwriter.close()
        self._terms = {}


def _write_postings(fieldwriter, schema, lengths_reader, doc_count: int, terms: dict) -> None:
    """What whoosh's FieldWriter.add_postings and PostingsWriter.add_posting do, a block
    at a time: the same blocks, block statistics and term infos."""
    by_field: dict[str, list[bytes]] = {}
    for fieldname, term in terms:
        by_field.setdefault(fieldname, []).append(term)
    for fieldname in sorted(by_field):
        field = schema[fieldname]
        length = lengths_reader.doc_field_length
        lengths = [length(docnum, fieldname, 0) for docnum in range(doc_count)]
        fieldwriter.start_field(fieldname, field)
        postings_writer = fieldwriter._postwriter
        limit = postings_writer._blocklimit
        for term in sorted(by_field[fieldname]):
            docnums, weights, values = terms[(fieldname, term)]
            fieldwriter.start_term(term)
            for start in range(0, len(docnums), limit):
                if start:
                    postings_writer._write_block()  # and starts the next one
                block = docnums[start : start + limit]
                postings_writer._ids = array("I", block)
                postings_writer._weights = array("f", weights[start : start + limit])
                postings_writer._values = [
                    value for value in values[start : start + limit] if value
                ]
                postings_writer._maxweight = max(0, *weights[start : start + limit])
                known = [lengths[docnum] for docnum in block if lengths[docnum]]
                postings_writer._minlength = min(known) if known else None
                postings_writer._maxlength = max(known) if known else 0
            fieldwriter.finish_term()
        fieldwriter.finish_field()


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
        self._searcher = self._index.searcher()
        self.extra = {
            path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in self.directory.glob("*.json")
        }
        self._cache: OrderedDict[tuple, Results] = OrderedDict()
        self._filters: OrderedDict[tuple, tuple] = OrderedDict()
        self._cache_lock = threading.Lock()

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
        if sort == "date":
            found = self._newest(whoosh_query, offset, wanted)
        else:
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
        collector = _TimeLimit(ranked, TIME_LIMIT, use_alarm=False)
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
        found.sort(key=lambda hit: (-hit[0], hit[1]))
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


class _WithinMatcher(WrappingMatcher):
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


class _TimeLimit(collectors.TimeLimitCollector):
    """Whoosh's time limit, checked as each hit is collected."""

    def collect(self, sub_docnum):
        if self.timedout:
            raise TimeLimit
        return self.child.collect(sub_docnum)


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
            clauses.append(query.Phrase(field_name, run))
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
