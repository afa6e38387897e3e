"""Impact scoring: the best hits of a query with many matches, without scoring them all.

The bulk scorer (bulk.py) scores every match of a query, a term at a time, into
dictionaries: a word in most records makes a dictionary of most records, and a query of
a dozen such terms spends most of its time making them (about 1 µs a posting). Here,
for queries made of terms whose scores were computed with the index (scoring.py: each
frequent term's scores, its postings' places best score first, and its documents as a
bitmap), the answer is found as follows:

- **the matches are bitmaps**: a term's documents are a Python int, And and Or are `&`
  and `|`, a filter's documents another bitmap; the total is the count of bits of the
  query's bitmap, exact, as the bulk scorer's is;
- **the hits are found best first** (Fagin's threshold algorithm): each term's postings
  are read best score first, only at the documents where it can count (those matching
  the query and every clause above the term); each document met is scored exactly,
  with the same operations in the same order as the bulk scorer (so the same floats);
  reading stops once the last hit wanted scores more than any document not yet met
  could (the sum, over the terms, of the score each is at, times the boosts above it).

An index an incremental build extended (another segment, deleted documents) changes
every score: the live idf and average lengths are not those the scores were computed
with. Its first segment's postings are still walked in the order written, each bounded
by its written score times a factor no score of the term can have grown by
(_ImpactScorer._live_leaf), each document met rescored from its weight as the bulk
scorer scores it, and the later, small segments scored whole (_LiveLeaf).

The hits, their order (ties as `best_first` orders them) and the total are the bulk
scorer's (tests/gongshi/search/test_impact_scoring.py compares them on a generated corpus,
before and after incremental updates). Queries with a phrase among many candidates, or a
term without precomputed scores in many records, go to the bulk scorer, and so does an
extended index whose term-scores were written without weights (before they were)."""

from __future__ import annotations

import bisect
import heapq
import json
import math
import operator
import re
from itertools import compress

from . import limits
from ._whoosh import query
from .bulk import _PhraseChecker, _round
from .matchers import _Phrase, _phrase_check, _Within
from .postings import _live_postings
from .results import Hit, Results, _Unsupported
from .scoring import _BM25F, _bitmap

_MARGIN = 1 + 1e-9  # the bound is a sum of floats rounded otherwise than a hit's score
_SLACK = 1 + 1e-9  # a rescored term's bound, computed in floats, over the true ratio
_FEW = 8  # a term counting at fewer than 1/_FEW of its postings sorts those, unwalked


class _ImpactScorer:
    """Hits and totals of And/Or/AndMaybe/filter trees of terms, best first (above)."""

    def __init__(self, searcher, bulk, precomputed, allowed, best_first):
        self._searcher = searcher
        self._reader = searcher.reader()
        self._bulk = bulk
        self._precomputed = precomputed
        self._allowed = allowed
        self._best_first = best_first
        self._documents = searcher.doc_count_all()
        self._bitmaps: dict[str, int] = {}  # a filter's documents
        self._deleted: int | None = None  # an extended index's deleted documents

    def ranked(self, whoosh_query, offset: int, wanted: int) -> Results | None:
        """Hits `offset` to `wanted` and the total (as the bulk scorer gives it: exact,
        or for a phrase with many candidates estimated on the same sample), or None for
        a query it does not answer (the bulk scorer does)."""
        if self._precomputed is None or not self._precomputed.impacts or wanted < 1:
            return None
        try:
            if not self._worth(whoosh_query):
                return None
            root = self._node(whoosh_query, 1.0)
            candidates = root.bits
            total, estimated = candidates.bit_count(), False
            checked = _has_checks(root)
            if checked and total > limits.PHRASES_COUNTED:
                runs = root.order()  # (before any work: _Unsupported for another shape)
        except _Unsupported:
            return None
        leaves: list[_Leaf] = []
        root.gate(candidates, leaves)
        order = self._top(root, leaves, wanted)
        if checked:
            # As bulk._checked counts: every candidate up to PHRASES_COUNTED, or a
            # sample spread over them in the order the bulk scorer holds them.
            score = root.score
            if total <= limits.PHRASES_COUNTED:
                docnums = _docnums(candidates)
                total = sum(1 for d in docnums if score(d) is not None)
            else:
                listed = [d for run in runs for d in _docnums(run)]
                step = len(listed) / limits.PHRASES_COUNTED
                sample = [listed[int(i * step)] for i in range(limits.PHRASES_COUNTED)]
                found = sum(1 for d in sample if score(d) is not None)
                estimate = round(found * len(listed) / limits.PHRASES_COUNTED)
                total, estimated = _round(max(len(order), estimate)), True
        stored = self._searcher.stored_fields
        hits = [
            Hit(data=json.loads(stored(docnum)["data"]), score=score)
            for docnum, score in order[offset:wanted]
        ]
        return Results(hits, total, estimated=estimated)

    def _worth(self, whoosh_query) -> bool:
        """Whether the query costs the bulk scorer more than it would cost here: the
        postings of frequent terms it would make dictionaries of, whole (a term it reads
        only at a few documents, after a rarer one, costs it little), against the terms
        without precomputed scores that would be read whole here but only at a few
        documents there, and the bitmaps and walks of each term."""
        costs = _Costs()
        self._estimate(whoosh_query, None, costs)  # (_Unsupported: neither is asked)
        if not limits.IMPACT_FROM:
            return True
        saved = costs.saved
        spent = costs.extra + costs.leaves * limits.IMPACT_LEAF_COST
        return saved > 0 and saved >= spent * limits.IMPACT_FROM

    def _estimate(self, q, within: int | None, costs: _Costs) -> int:
        """The number of documents `q` leaves the bulk scorer with (at most), called
        with how many it keeps (`within`, None: all) as bulk._evaluate is; the costs
        of its terms added to `costs`."""
        if isinstance(q, query.Term):
            field = self._searcher.schema[q.fieldname]
            frequency = self._reader.doc_frequency(q.fieldname, field.to_bytes(q.text))
            restricted = within is not None and within * limits.RESTRICT_RATIO < frequency
            costs.leaves += 1
            if isinstance(q.text, str) and self._precomputed.has(q.fieldname, q.text):
                costs.saved += 0 if restricted else frequency
            elif restricted:
                costs.extra += frequency
            return frequency if within is None else min(within, frequency)
        if isinstance(q, _Within):
            docnums, _allowed = self._allowed(self._searcher, q.allow)
            inside = len(docnums) if within is None else min(within, len(docnums))
            return min(inside, self._estimate(q.child, inside, costs))
        if isinstance(q, _Phrase):
            return self._estimate(q.child, within, costs)
        if isinstance(q, query.Phrase):
            pairs = query.And([query.Term(q.fieldname, word) for word in q.words])
            return self._estimate(pairs, within, costs)
        if isinstance(q, query.AndMaybe):
            found = self._estimate(q.a, within, costs)
            self._estimate(q.b, found, costs)
            return found
        if type(q) is query.And:
            for sub in sorted(q.subqueries, key=lambda sub: sub.estimate_size(self._reader)):
                within = self._estimate(sub, within, costs)
            return within or 0
        if type(q) is query.Or:
            found = sum(self._estimate(sub, within, costs) for sub in q.subqueries)
            return min(found, self._documents if within is None else within)
        raise _Unsupported

    def _top(self, root, leaves: list[_Leaf], wanted: int) -> list[tuple[int, float]]:
        """The `wanted` best documents of the query, in best_first order: each leaf's
        postings read best first, in turn the leaf whose next score weighs most."""
        best_first = self._best_first
        heads = []  # (-weighted score of the leaf's next posting, leaf's index)
        walks = []
        bound = 0.0
        for i, leaf in enumerate(leaves):
            walk = leaf.walk()
            walks.append(walk)
            head = next(walk, None)
            leaf.head = head
            if head is not None:
                weighted = leaf.weight * head[1]
                bound += weighted
                heads.append((-weighted, i))
        heapq.heapify(heads)
        top: list[tuple[int, float]] = []
        seen: set[int] = set()
        score = root.score
        while heads:
            if len(top) >= wanted and top[-1][1] > bound * _MARGIN:
                break
            weighted, i = heapq.heappop(heads)
            leaf = leaves[i]
            docnum = leaf.head[0]
            bound += weighted  # (negative: the leaf's head taken off the bound)
            head = leaf.head = next(walks[i], None)
            if head is not None:
                weighted = leaf.weight * head[1]
                bound += weighted
                heapq.heappush(heads, (-weighted, i))
            if docnum in seen:
                continue
            seen.add(docnum)
            found = score(docnum)
            if found is None:  # a phrase's candidate without the phrase
                continue
            if len(top) < wanted or best_first((docnum, found)) < best_first(top[-1]):
                bisect.insort(top, (docnum, found), key=best_first)
                del top[wanted:]
        return top

    # The query as a tree of _Leaf, _And, _Or, _AndMaybe, _Filter, _Boost and _Check
    # nodes: each knows its documents (bits; a phrase: its pairs' documents, the
    # candidates), a document's score as the bulk scorer computes it (None: no match),
    # and the order the bulk scorer holds its candidates in (order(): runs of ascending
    # document numbers, as bitmaps), where that is simple to follow.

    def _node(self, q, weight: float):
        if isinstance(q, query.Term):
            return self._leaf(q, weight)
        if isinstance(q, _Within):
            return _Filter(self._node(q.child, weight), self._filter_bits(q))
        if isinstance(q, query.AndMaybe):
            inner = weight * q.boost
            return _AndMaybe(self._node(q.a, inner), self._node(q.b, inner), q.boost)
        if type(q) is query.And:
            # in the order the bulk scorer sums them: the rarest first
            subqueries = sorted(q.subqueries, key=lambda sub: sub.estimate_size(self._reader))
            return _And([self._node(sub, weight * q.boost) for sub in subqueries], q.boost)
        if type(q) is query.Or:
            return _Or([self._node(sub, weight * q.boost) for sub in q.subqueries], q.boost)
        if isinstance(q, _Phrase):
            contains = _phrase_check(self._reader, q.fieldname, q.pattern)
            if contains is None:  # an index from before the phrases column
                raise _Unsupported
            return _Check(self._node(q.child, weight), contains)
        if isinstance(q, query.Phrase):  # pinyin and initials, by their positions
            pairs = query.And([query.Term(q.fieldname, word) for word in q.words])
            checker = _PhraseChecker(self._reader, q.fieldname, list(q.words))
            inner = _Boost(self._node(pairs, weight * q.boost), q.boost)
            return _Check(inner, checker.contains)
        raise _Unsupported

    def _leaf(self, q, weight: float) -> _Leaf:
        found = None
        if isinstance(q.text, str):
            found = self._precomputed.impact(q.fieldname, q.text)
        if found is not None:
            arrays, bits = found
            if self._precomputed.base:
                return self._live_leaf(q, weight, arrays, bits)
            return _Leaf(weight, q.boost, bits, arrays=arrays)
        field = self._searcher.schema[q.fieldname]
        btext = field.to_bytes(q.text)
        if self._reader.doc_frequency(q.fieldname, btext) > limits.IMPACT_SCORED_UP_TO:
            raise _Unsupported  # many postings to decode and sort: as many as bulk's
        scores = self._bulk._term(q.fieldname, q.text, q.boost)  # boosted, as bulk's
        return _Leaf(weight, 1.0, _bits(scores, self._documents), scores=scores)

    def _live_leaf(self, q, weight: float, arrays, bits: int) -> _LiveLeaf:
        """A frequent term of an extended index: its first segment's postings walked in
        the order their written scores give, each bounded by its written score times
        `factor`, its live documents rescored from their weights, its later segments'
        postings scored whole. Scores as the bulk scorer computes them (bulk._scored:
        the same scorer, idf, norms and operations)."""
        field = self._searcher.schema[q.fieldname]
        average = self._precomputed.averages.get(q.fieldname)
        if not field.scorable or not average:
            raise _Unsupported
        btext = field.to_bytes(q.text)
        scorer = self._searcher.weighting.scorer(self._searcher, q.fieldname, btext)
        k1, b = scorer.K1, scorer.B
        if (k1, b) != (_BM25F.K1, _BM25F.B) or not 0 <= b <= 1 or k1 < 0:
            raise _Unsupported  # not the BM25F the scores were written with
        written = self._precomputed.documents
        idf = math.log(written / (self._precomputed.count(q.fieldname, q.text) + 1)) + 1
        if scorer.idf <= 0 or idf <= 0:
            raise _Unsupported
        # Why `factor` bounds every live score of the term by its written score. As this
        # engine scores it (bulk._scored, whoosh's BM25F, scoring._bm25_scores), a
        # posting of weight w > 0 (term frequency times the field's boost) in a document
        # of stored length l scores
        #     s = idf * w * (k1 + 1) / (w + k1 * (1 - b + b * l / avgdl)),
        # idf = log(N / (df + 1)) + 1 and avgdl the field's total length over N (the
        # live documents' once some are deleted: scoring._Statistics), k1 = 1.2 and
        # b = 0.75. A posting of the first segment keeps w and l (the segment is never
        # rewritten); only idf and avgdl move, from idf0, A0 (when written) to idf1, A1
        # (now). With c = w + k1 * (1 - b) > 0 and x = k1 * b * l / A0 >= 0,
        #     s1 / s0 = (idf1 / idf0) * (c + x) / (c + x * A0 / A1),
        # and (c + x) / (c + x * A0 / A1) is at most 1 when A1 <= A0 (the denominator
        # grows), and at most A1 / A0 when A1 > A0 (c + x <= A1/A0 * c + x). So
        # s1 <= s0 * (idf1 / idf0) * max(1, A1 / A0): both idfs are positive (df <= N,
        # so N / (df + 1) > 1/2 and log > -1), and the bound holds whatever w and l are,
        # so the written order bounds every posting not yet read by the next one's.
        # _SLACK covers the last bits the floats round differently. Query boosts
        # multiply both sides alike. Another weighting, or a non-positive idf, goes to
        # the bulk scorer above.
        factor = scorer.idf / idf * max(1.0, scorer.avgfl / average) * _SLACK
        norms = self._bulk._field_norms(q.fieldname, scorer)
        added: dict[int, float] = {}  # later segments' live postings: scored whole
        top, live_idf, boost = k1 + 1, scorer.idf, q.boost
        later = self._reader.leaf_readers()[1:]
        ids, written_weights = _live_postings(self._reader, q.fieldname, btext, later)
        for d, w in zip(ids, written_weights, strict=True):
            found = live_idf * ((w * top) / (w + norms[d]))
            added[d] = found * boost if boost != 1.0 else found
        if self._deleted is None:
            deleted = []
            for leaf, base in self._reader.leaf_readers():
                if leaf.has_deletions():
                    deleted += [base + d for d in leaf._perdoc.deleted_docs()]
            self._deleted = _bits(deleted, self._documents)
        bits = bits & ~self._deleted
        if added:
            bits |= _bits(added, self._documents)
        weights = self._precomputed.weights
        return _LiveLeaf(
            weight,
            boost,
            bits,
            arrays=arrays,
            weights=lambda: weights(q.fieldname, q.text),
            rescore=(live_idf, top, norms),
            factor=factor,
            written=written,
            added=added,
        )

    def _filter_bits(self, q: _Within) -> int:
        key = repr(q.allow)
        found = self._bitmaps.get(key)
        if found is None:
            docnums, _allowed = self._allowed(self._searcher, q.allow)
            found = self._bitmaps[key] = _bits(docnums, self._documents)
            if len(self._bitmaps) > limits.FILTERS_CACHED:
                self._bitmaps.pop(next(iter(self._bitmaps)))
        return found


class _Costs:
    """What a query would cost the bulk scorer beyond the impact scorer (saved: postings
    made into dictionaries) and the impact scorer beyond the bulk scorer (extra: postings
    read whole; leaves: terms, each a bitmap and a walk)."""

    def __init__(self):
        self.saved = self.extra = self.leaves = 0


class _Leaf:  # (its order(): ascending, as every term's dictionary is)
    """A term: its documents, a document's score (boosted as bulk's), and its postings
    best score first among the documents where it counts (`gate`)."""

    def __init__(self, weight, boost, bits, *, arrays=None, scores=None):
        self.weight = weight  # the boosts above it: what its score weighs in the query's
        self.bits = bits
        self.head = None
        self._boost = boost  # for precomputed scores (unboosted)
        self._arrays = arrays  # () -> (docnums, scores, impact order): read when needed
        self._docnums = self._values = self._order = None
        self._scores = scores  # {docnum: boosted score}, for a term read from postings
        self._where = b""  # bitmap bytes of the documents it counts at

    def order(self):
        return [self.bits]

    def gate(self, where: int, leaves: list) -> None:
        where &= self.bits
        if where:
            if self._arrays is not None:
                self._docnums, self._values, self._order = self._arrays()
            self._where = where.to_bytes((where.bit_length() + 7) // 8, "little")
            leaves.append(self)

    def score(self, docnum: int) -> float | None:
        if self._scores is not None:
            return self._scores.get(docnum)
        docnums = self._docnums
        if docnums is None:  # a term that counts nowhere the walks go: read when asked
            docnums, self._values, self._order = self._arrays()
            self._docnums = docnums
        i = bisect.bisect_left(docnums, docnum)
        if i == len(docnums) or docnums[i] != docnum:
            return None
        value = self._values[i]
        return value * self._boost if self._boost != 1.0 else value

    def walk(self):
        """(docnum, boosted score) of its postings best first, where it counts: read in
        impact order, or, where it counts at few of its postings, those few sorted."""
        where, size = self._where, len(self._where)
        postings = len(self._scores) if self._scores is not None else len(self._docnums)
        few = int.from_bytes(where, "little")
        if few.bit_count() * _FEW < postings:
            score = self.score
            found = [(docnum, score(docnum)) for docnum in _docnums(few)]
            found.sort(key=operator.itemgetter(1), reverse=True)
            yield from found
            return
        if self._scores is not None:
            ordered = sorted(self._scores.items(), key=operator.itemgetter(1), reverse=True)
        else:
            docnums, values, boost = self._docnums, self._values, self._boost
            ordered = (
                (docnums[i], values[i] * boost if boost != 1.0 else values[i]) for i in self._order
            )
        for docnum, value in ordered:
            byte = docnum >> 3
            if byte < size and where[byte] >> (docnum & 7) & 1:
                yield docnum, value


class _LiveLeaf(_Leaf):
    """A frequent term of an extended index (_ImpactScorer._live_leaf): its first
    segment's documents (below `written`) rescored from their weights, its later
    segments' (`added`) scored already; walked best first by an upper bound of each
    score (the written score times `factor`), the two merged."""

    def __init__(self, weight, boost, bits, *, arrays, weights, rescore, factor, written, added):
        super().__init__(weight, boost, bits, arrays=arrays)
        self._weights_of = weights  # () -> the first segment's weights, by document number
        self._weights = None
        self._idf, self._top, self._norms = rescore
        self._factor = factor
        self._written = written
        self._added = added

    def gate(self, where: int, leaves: list) -> None:
        where &= self.bits
        if where:
            self._read()
            self._where = where.to_bytes((where.bit_length() + 7) // 8, "little")
            leaves.append(self)

    def _read(self) -> None:
        if self._docnums is None:
            self._docnums, self._values, self._order = self._arrays()
            self._weights = self._weights_of()

    def score(self, docnum: int) -> float | None:
        if docnum >= self._written:
            return self._added.get(docnum)
        if self._docnums is None:  # a term that counts nowhere the walks go
            self._read()
        docnums = self._docnums
        i = bisect.bisect_left(docnums, docnum)
        if i == len(docnums) or docnums[i] != docnum:
            return None
        w = self._weights[i]
        found = self._idf * ((w * self._top) / (w + self._norms[docnum]))  # as bulk's
        return found * self._boost if self._boost != 1.0 else found

    def walk(self):
        """(docnum, an upper bound of its boosted score) of its postings, the bounds
        never increasing, where it counts: the first segment's in the order written
        (written score × boost × factor) merged with the later segments' (their
        scores); or, where it counts at few of its postings, those few scored and
        sorted."""
        where, size = self._where, len(self._where)
        few = int.from_bytes(where, "little")
        if few.bit_count() * _FEW < len(self._docnums) + len(self._added):
            score = self.score
            found = [(docnum, score(docnum)) for docnum in _docnums(few)]
            found.sort(key=operator.itemgetter(1), reverse=True)
            yield from found
            return
        docnums, values, scale = self._docnums, self._values, self._boost * self._factor

        def written():
            for i in self._order:
                docnum = docnums[i]
                byte = docnum >> 3
                if byte < size and where[byte] >> (docnum & 7) & 1:
                    yield docnum, values[i] * scale

        added = [
            (docnum, value)
            for docnum, value in self._added.items()
            if docnum >> 3 < size and where[docnum >> 3] >> (docnum & 7) & 1
        ]
        added.sort(key=operator.itemgetter(1), reverse=True)
        yield from heapq.merge(written(), added, key=operator.itemgetter(1), reverse=True)


class _And:
    def __init__(self, children, boost):
        self.children, self.boost = children, boost
        self.bits = _reduce(operator.and_, [child.bits for child in children])

    def order(self):
        # ascending if every part is (an intersection iterates one of its sides);
        # otherwise it depends on the sizes of the bulk scorer's dictionaries
        if any(len(child.order()) > 1 for child in self.children):
            raise _Unsupported
        return [self.bits]

    def gate(self, where, leaves):
        where &= self.bits
        for child in self.children:
            child.gate(where, leaves)

    def score(self, docnum):
        total = None
        for child in self.children:
            found = child.score(docnum)
            if found is None:
                return None
            total = found if total is None else total + found
        return total * self.boost if self.boost != 1.0 else total


class _Or(_And):
    def __init__(self, children, boost):
        self.children, self.boost = children, boost
        self.bits = _reduce(operator.or_, [child.bits for child in children])

    def order(self):
        # a union keeps its first part's order, then adds each next part's new ones
        runs, covered = [], 0
        for child in self.children:
            for run in child.order():
                if run & ~covered:
                    runs.append(run & ~covered)
                covered |= run
        return runs

    def score(self, docnum):
        total = None
        for child in self.children:
            found = child.score(docnum)
            if found is not None:
                total = found if total is None else total + found
        if total is None:
            return None
        return total * self.boost if self.boost != 1.0 else total


class _AndMaybe:
    def __init__(self, required, optional, boost):
        self.required, self.optional, self.boost = required, optional, boost
        self.bits = required.bits

    def gate(self, where, leaves):
        where &= self.bits
        self.required.gate(where, leaves)
        self.optional.gate(where, leaves)

    def order(self):
        return self.required.order()

    def score(self, docnum):
        found = self.required.score(docnum)
        if found is None:
            return None
        extra = self.optional.score(docnum)
        if extra is not None:
            found = found + extra
        return found * self.boost if self.boost != 1.0 else found


class _Filter:
    def __init__(self, child, allowed: int):
        self.child = child
        self.bits = child.bits & allowed
        self._bytes = self.bits.to_bytes((self.bits.bit_length() + 7) // 8, "little")

    def gate(self, where, leaves):
        self.child.gate(where & self.bits, leaves)

    def order(self):
        return [run & self.bits for run in self.child.order() if run & self.bits]

    def score(self, docnum):
        byte = docnum >> 3
        if byte >= len(self._bytes) or not self._bytes[byte] >> (docnum & 7) & 1:
            return None
        return self.child.score(docnum)


class _Boost:
    """A positional phrase's pairs, boosted as the bulk scorer boosts them."""

    def __init__(self, child, boost):
        self.child, self.boost = child, boost
        self.bits = child.bits

    def gate(self, where, leaves):
        self.child.gate(where, leaves)

    def order(self):
        return self.child.order()

    def score(self, docnum):
        found = self.child.score(docnum)
        if found is None or self.boost == 1.0:
            return found
        return found * self.boost


class _Check(_Boost):
    """A phrase: its pairs' score where `contains` finds it in a row."""

    def __init__(self, child, contains):
        self.child, self.contains = child, contains
        self.bits = child.bits

    def score(self, docnum):
        found = self.child.score(docnum)
        if found is None or not self.contains(docnum):
            return None
        return found


def _has_checks(node) -> bool:
    if isinstance(node, _Check):
        return True
    if isinstance(node, _Leaf):
        return False
    if isinstance(node, _AndMaybe):
        return _has_checks(node.required) or _has_checks(node.optional)
    children = node.children if isinstance(node, _And) else [node.child]
    return any(_has_checks(child) for child in children)


def _docnums(bits: int) -> list[int]:
    """The document numbers of a bitmap, ascending: a dense one selected in C, a sparse
    one a non-zero byte at a time."""
    length = bits.bit_length()
    if bits.bit_count() * 16 > length:
        digits = format(bits, "b")[::-1].encode().translate(_ZERO_ONE)
        return list(compress(range(len(digits)), digits))
    data = bits.to_bytes((length + 7) // 8, "little")
    found: list[int] = []
    for match in _NONZERO.finditer(data):
        at = match.start()
        base = at * 8
        found += [base + offset for offset in _BYTE_BITS[data[at]]]
    return found


_NONZERO = re.compile(rb"[^\x00]")
_BYTE_BITS = [tuple(i for i in range(8) if value >> i & 1) for value in range(256)]
_ZERO_ONE = bytes.maketrans(b"01", b"\x00\x01")


def _reduce(combine, values: list[int]) -> int:
    found = values[0]
    for value in values[1:]:
        found = combine(found, value)
    return found


def _bits(docnums, documents: int) -> int:
    """The documents `docnums` as an int whose bit d is set for document d."""
    return int.from_bytes(_bitmap(docnums, documents), "little")
