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
scorer scores it, and the later, small segments scored whole (_LiveLeaf, impact_walk.py).

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

from . import limits
from ._whoosh import query
from .bulk import _PhraseChecker, _round
from .impact_walk import (
    _And,
    _AndMaybe,
    _bits,
    _Boost,
    _Check,
    _docnums,
    _Filter,
    _has_checks,
    _Leaf,
    _LiveLeaf,
    _Or,
)
from .matchers import _Phrase, _phrase_check, _Within
from .postings import _live_postings
from .results import Hit, Results, _Unsupported
from .scoring import _BM25F

_MARGIN = 1 + 1e-9  # the bound is a sum of floats rounded otherwise than a hit's score
_SLACK = 1 + 1e-9  # a rescored term's bound, computed in floats, over the true ratio


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
