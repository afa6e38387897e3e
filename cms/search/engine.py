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

import itertools
import json
import shutil
import warnings
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
    from whoosh import collectors, index, query, sorting
    from whoosh.analysis import Token, Tokenizer
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
    from whoosh.searching import TimeLimit

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


# Records arrive normalised (documents.py), so analyzers never normalise twice.
SCHEMA = Schema(
    key=ID(stored=True, unique=True),
    kind=ID(stored=True),
    # What a thing is called: a winner's names (current and former), a document's title.
    name=TEXT(analyzer=_Terms(_grams_and_singles), phrase=True, field_boost=3.0),
    # Everything else searchable: bodies, lists, 文号, issuing bodies, programmes, levels.
    text=TEXT(analyzer=_Terms(_pairs), phrase=True),
    words=TEXT(analyzer=_Terms(_words), phrase=False),
    pinyin=TEXT(analyzer=_Terms(chinese.pinyin_terms), phrase=True),
    initials=TEXT(analyzer=_Terms(chinese.initial_terms), phrase=True),
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
    JSON files in `extra` beside it, then READY. Returns the number of records."""
    directory = Path(directory)
    directory.mkdir(parents=True)
    store = index.create_in(str(directory), SCHEMA, indexname=INDEX_NAME)
    writer = store.writer(limitmb=256)
    count = 0
    try:
        for record in records:
            writer.add_document(**record.fields())
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=True)
    store.close()
    for name, value in extra.items():
        (directory / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    (directory / READY).write_text(str(count), encoding="utf-8")
    return count


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
