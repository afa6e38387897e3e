"""Analysis and schema: how a record's text becomes whoosh's terms, and the fields an
index holds."""

from __future__ import annotations

import functools
from array import array
from collections import Counter

from .. import chinese
from ..documents import Record, day_number
from ._whoosh import (
    COLUMN,
    ID,
    KEYWORD,
    NUMERIC,
    STORED,
    TEXT,
    Schema,
    Token,
    Tokenizer,
    VarBytesColumn,
    formats,
    pack_uint,
)

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
