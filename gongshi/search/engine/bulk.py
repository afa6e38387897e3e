"""Bulk scoring: whoosh's ranking of a query with many matches, a term at a time."""

from __future__ import annotations

import bisect
import heapq
import json
import operator
import threading
import time
from collections import OrderedDict

from . import limits
from ._whoosh import byte_to_length, query
from .matchers import _Phrase, _phrase_check, _Within
from .postings import _length_bytes, _live_posting_values, _live_postings, _live_postings_at
from .results import Hit, Results, _TimedOut, _Unsupported


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
    tests/gongshi/search/test_engine.py compares it with whoosh's scoring of every match."""

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
            if len(within) * limits.RESTRICT_RATIO < frequency:
                return self._score_term_at(fieldname, text, boost, sorted(within))
        found = self._score_term(fieldname, text, boost)
        with self._lock:
            self._terms[key] = found
            if len(self._terms) > limits.TERMS_CACHED:
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
        ids, weights = _live_postings(self._reader, fieldname, btext)
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
        found = _live_postings_at(self._reader, fieldname, btext, docnums)
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
    deadline = time.monotonic() + limits.TIME_LIMIT
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
    if len(scores) <= limits.PHRASES_COUNTED:
        found = sum(1 for d in scores if (known[d] if d in known else exact(d)) is not None)
        return hits, found, False
    candidates = list(scores)
    step = len(candidates) / limits.PHRASES_COUNTED
    sample = [candidates[int(i * step)] for i in range(limits.PHRASES_COUNTED)]
    found = sum(1 for d in sample if (known[d] if d in known else exact(d)) is not None)
    return hits, max(len(hits), round(found * len(candidates) / limits.PHRASES_COUNTED)), True


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
            found = _live_posting_values(self._reader, self._fieldname, btext)
            self._values[word] = found
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
