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

import functools
import itertools
import json
import shutil
import warnings
from array import array
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
    from whoosh import collectors, formats, index, query, sorting
    from whoosh.analysis import Token, Tokenizer
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
    from whoosh.searching import TimeLimit
    from whoosh.system import pack_uint
    from whoosh.writing import SegmentWriter

INDEX_NAME = "gongshi"
READY = "READY"  # written last: a directory without it was never finished
TIME_LIMIT = 1.0  # seconds one query may run before the results found so far are returned
MAX_RESULTS = 1000  # hits ranked for one query; pages beyond are refused by the service


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
                postings_writer._values = [value for value in values[start : start + limit] if value]
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


class SearchIndex:
    """An open index with one searcher, reused by every query until the index is
    replaced. Whoosh searchers may be shared between threads for reading."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._index = index.open_dir(str(self.directory), indexname=INDEX_NAME)
        self._searcher = self._index.searcher()
        self.extra = {
            path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in self.directory.glob("*.json")
        }

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
        nothing); Latin parts always may be pinyin."""
        whoosh_query = _query(parsed, homophones)
        if whoosh_query is None:
            return Results([], 0)
        wanted = min(offset + limit, MAX_RESULTS)
        # Block-quality skipping is off: the total is then counted in the same pass,
        # instead of a second run of the query.
        ranked = self._searcher.collector(
            limit=wanted,
            sortedby=sorting.FieldFacet("date", reverse=True) if sort == "date" else None,
            optimize=False,
        )
        collector = _TimeLimit(ranked, TIME_LIMIT, use_alarm=False)
        allow = _filter(filters, today)
        if allow is not None:
            # Outermost: whoosh's TimeLimitCollector would skip an inner filter's loop.
            collector = collectors.FilterCollector(collector, allow=allow)
        timed_out = False
        try:
            self._searcher.search_with_collector(whoosh_query, collector)
        except TimeLimit:
            timed_out = True
        results = collector.results()
        hits = [
            Hit(data=json.loads(hit["data"]), score=hit.score or 0.0)
            for hit in results[offset : offset + limit]
        ]
        total = results.estimated_length() if timed_out else len(results)
        return Results(hits, total, timed_out)

    def suggestions(self) -> dict[str, list[str]]:
        return self.extra.get("suggestions", {})


class _TimeLimit(collectors.TimeLimitCollector):
    """Whoosh's time limit, checked as each hit is collected, so that it also holds
    inside a FilterCollector (whose loop bypasses the time limit's own)."""

    def collect(self, sub_docnum):
        if self.timedout:
            raise TimeLimit
        return self.child.collect(sub_docnum)


def _query(parsed: Query, homophones: bool = False):
    """Every part must match; exact names, whole words and legal forms only rank."""
    if parsed.code is not None:
        return query.Term("code", parsed.code)
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
    main = required[0] if len(required) == 1 else query.And(required)
    return query.AndMaybe(main, query.Or(optional)) if optional else main


def _part(part: Part, homophones: bool):
    alternatives = []
    if part.runs:
        alternatives.append(_runs("name", part.runs, singles=True))
        alternatives.append(_runs("text", part.runs, singles=False))
    if not part.quoted and (homophones or not part.han):
        for syllables in part.pinyin:
            alternatives.append(_syllables("pinyin", syllables, boost=0.6))
        if part.initials:
            alternatives.append(_syllables("initials", part.initials, boost=0.5, pairs_only=True))
    alternatives = [clause for clause in alternatives if clause is not None]
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else query.Or(alternatives)


def _runs(field_name: str, runs: list[list[str]], singles: bool):
    """All runs of a part in one field: each a phrase of consecutive pairs, or a lone
    unit (indexed as such in `name` only)."""
    clauses = []
    for run in runs:
        if len(run) == 1:
            if not singles and len(run[0]) < 2:
                return None  # one character: names and titles only
            clauses.append(query.Term(field_name, run[0]))
        else:
            clauses.append(query.Phrase(field_name, run))
    return clauses[0] if len(clauses) == 1 else query.And(clauses)


def _syllables(field_name: str, syllables: list[str], boost: float, pairs_only=False):
    if len(syllables) == 1:
        return None if pairs_only else query.Term(field_name, syllables[0], boost=boost)
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(syllables)]
    if len(pairs) == 1:
        return query.Term(field_name, pairs[0], boost=boost)
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
