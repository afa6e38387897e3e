"""Searching: the open index, answering a parsed query within filters, its cache and
its suggestions."""

from __future__ import annotations

import functools
import json
import threading
import time
from collections import OrderedDict
from datetime import date
from pathlib import Path

from ..close_words import Vocabulary
from ..query import Query
from . import limits
from ._whoosh import TimeLimit, collectors, index, query
from .bulk import _best_first, _BulkScorer, _round
from .impact import _ImpactScorer
from .matchers import _TimeLimit, _Within
from .queries import _filter, _query
from .results import Filters, Hit, Results
from .scoring import _Order, _Statistics, _TermScores, _Weighting


class SearchIndex:
    """An open index with one searcher, reused by every query until the index is
    replaced. Whoosh searchers may be shared between threads for reading.

    Answers are remembered (CACHE_SIZE of them, least recently used dropped): an index
    never changes once READY, and a new build is a new SearchIndex with a cache of its
    own."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._index = index.open_dir(str(self.directory), indexname=limits.INDEX_NAME)
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
        # ties broken in a full build's order (gongshi/search/incremental.py).
        self._searcher.weighting.statistics = _Statistics.of(self._searcher)
        self._extended = len(self._searcher.leaf_searchers()) > 1
        self._order = _Order(self._searcher) if self._extended else None
        best_first = self._order.best_first if self._order else _best_first
        precomputed = _TermScores(self.directory, reader)
        self._bulk = _BulkScorer(self._searcher, self._allowed, precomputed, best_first)
        self._impact = _ImpactScorer(
            self._searcher, self._bulk, precomputed, self._allowed, best_first
        )

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
        wanted = min(offset + limit, limits.MAX_RESULTS)
        found = None
        if sort == "date":
            found = self._newest(whoosh_query, offset, wanted)
        elif upper > limits.BULK_FROM or _has_positions(whoosh_query) or self._extended:
            # (whoosh's collector breaks ties by document number, which in an extended
            # index is not a full build's order)
            found = self._impact.ranked(whoosh_query, offset, wanted)
            if found is None:
                found = self._bulk.ranked(whoosh_query, offset, wanted)
        if found is None:
            found = self._ranked(whoosh_query, offset, wanted, exact=upper <= limits.EXACT_COUNT)
        if found.total is None:
            found.total, found.estimated = self._count(whoosh_query, upper)
        if not found.timed_out:
            with self._cache_lock:
                self._cache[key] = found
                if len(self._cache) > limits.CACHE_SIZE:
                    self._cache.popitem(last=False)
        return found

    def _ranked(self, whoosh_query, offset: int, wanted: int, exact: bool) -> Results:
        """The best `wanted` hits. Unless `exact` (few matches: all are scored and
        counted), whoosh skips the blocks of postings that cannot score high enough to
        be among them, and the total is left to _count."""
        # replace=0: whoosh's matcher replacement (dropping a clause whose best score
        # seems too low) loses true top hits of AndMaybe queries in 2.7.4; block
        # skipping does not (tests/gongshi/search/test_engine.py).
        ranked = collectors.TopCollector(wanted, usequality=not exact, replace=0)
        collector = _TimeLimit(ranked, limits.TIME_LIMIT)
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
        deadline = time.monotonic() + limits.TIME_LIMIT
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
        """_newest for an index an incremental build extended (gongshi/search/incremental.py):
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
                if counted > limits.EXACT_COUNT:
                    break
                matcher.next()
            if counted > limits.EXACT_COUNT:
                break
        else:
            return counted, False
        estimate = 0.0
        for segment, _offset in segments:
            size = segment.doc_count_all()
            matcher = whoosh_query.matcher(segment, segment.boolean_context())
            for sample in range(limits.SAMPLES):
                start, end = sample * size // limits.SAMPLES, (sample + 1) * size // limits.SAMPLES
                found = 0
                if matcher.is_active() and matcher.id() < start:
                    matcher.skip_to(start)
                while matcher.is_active() and matcher.id() < end and found < limits.SAMPLE_HITS:
                    found += 1
                    last = matcher.id()
                    matcher.next()
                # The stretch's share of matches, over as much of it as was read.
                seen = (last + 1 - start) if found == limits.SAMPLE_HITS else (end - start)
                estimate += found * (end - start) / max(seen, 1)
        estimate = int(estimate)
        return _round(max(limits.EXACT_COUNT + 1, min(estimate, upper))), True

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
                if len(self._filters) > limits.FILTERS_CACHED:
                    self._filters.popitem(last=False)
        return found

    def suggestions(self) -> dict[str, list[str]]:
        return self.extra.get("suggestions", {})

    @functools.cached_property
    def suggestion_keys(self) -> Vocabulary:
        """The suggestions' pinyin keys, for close_words.closest."""
        return Vocabulary(self.suggestions())


def _has_positions(q) -> bool:
    """Whether a query has a phrase of pinyin or initials, checked by position: whoosh's
    phrase matcher costs more than the bulk scorer's check even for a few matches."""
    if isinstance(q, query.Phrase):
        return True
    children = [q.child] if isinstance(q, _Within) else q.children()
    return any(_has_positions(child) for child in children)
