"""From a parsed query (gongshi.search.query) to whoosh's query objects, and filters
to status clauses."""

from __future__ import annotations

import itertools
from datetime import date

from ..documents import FAR_FUTURE, day_number
from ..query import Part, Query
from ._whoosh import query
from .matchers import _Phrase
from .results import Filters


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
    """The award status rule (gongshi/rules/validity.py) as ranges over the stored days, so
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
