"""After real incremental publishes (tests/site/test_site_incremental_search.py's: new
decisions and notices, a correction, a revocation, an unpublished notice, past
compaction), the impact scorer answers the extended index as the bulk scorer does.

The fixture corpus is small: its first build's index is written again in this process
with the scores, impact orders and weights of terms in 3 records or more, as the site's
build writes them (search_records.build_index) for terms in PRECOMPUTED_FROM records at
scale; then each publish extends it (SiteState.update, as the worker runs it)."""

from __future__ import annotations

import shutil

import pytest
import test_site_incremental_search as table
from incremental_support import open_state
from search_corpus import TODAY

from gongshi.search import engine
from gongshi.search.engine import impact, limits
from gongshi.search.query import parse


def _rewrite_index(build) -> None:
    """The build's search index written again by the site's own function, with terms
    in 3 records or more precomputed."""
    from sitebuild import PELICANCONF

    from gongshi_site.incremental import open_generator
    from gongshi_site.search_records import build_index

    environment = {"GONGSHI_BUILD_DATE": table.BUILD_DATE}
    generator = open_generator(PELICANCONF, build / "content", build / "output", environment)
    fresh = build / "search-fresh"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "PRECOMPUTED_FROM", 3)
        build_index(generator.site, fresh, generator.render)
    shutil.rmtree(build / "search")
    fresh.rename(build / "search")


def _answers(directory, monkeypatch, *, use_impact: bool):
    """The query table's answers (the service's), and the engine's hits with their
    scores, with the impact scorer forced on (IMPACT_FROM = 0) or off; and how many
    queries the impact scorer answered."""
    answered = []
    ranked = impact._ImpactScorer.ranked

    def counted(self, *args):
        found = ranked(self, *args) if use_impact else None
        answered.append(found is not None)
        return found

    with monkeypatch.context() as patch:
        patch.setattr(limits, "BULK_FROM", 0)
        patch.setattr(limits, "IMPACT_FROM", 0)
        patch.setattr(impact._ImpactScorer, "ranked", counted)
        index = engine.SearchIndex(directory)
        try:
            assert index._impact._precomputed.base
            found = {}
            for service, q, params in table.QUERIES:
                found[(service, q, repr(params))] = table.answer(index, service, q, params)
                if service != "search":
                    continue
                for limit in (1, 3, 50):  # (a few hits: the walks stop early)
                    results = index.search(parse(q), engine.Filters(), TODAY, limit=limit)
                    found[("engine", q, limit)] = (
                        [(hit.data["url"], hit.score) for hit in results.hits],
                        results.total,
                        results.estimated,
                    )
        finally:
            index.close()
    return found, sum(answered)


def test_real_publishes_are_answered_by_the_impact_scorer_as_by_the_bulk_scorer(
    tmp_path, monkeypatch
):
    from incremental_support import full_build
    from search_corpus import write_corpus

    from gongshi_site.incremental import link_tree

    first = tmp_path / "builds" / "0"
    write_corpus(first / "content")
    full_build(first / "content", first, table.BUILD_DATE)
    _rewrite_index(first)
    state = open_state(first / "content", first, table.BUILD_DATE)
    previous = first
    for number, publish in enumerate(table.PUBLISHES, start=1):
        build = tmp_path / "builds" / str(number)
        link_tree(previous / "content", build / "content")
        changed = publish(build / "content")
        state.update(build / "content", changed, build / "output", build / "search")
        previous = build
        if number not in table.CHECKED_AFTER:
            continue
        exhaustive, _ = _answers(build / "search", monkeypatch, use_impact=False)
        optimised, answered = _answers(build / "search", monkeypatch, use_impact=True)
        assert answered > 10, number  # the frequent words went to the impact scorer
        for key, wanted in exhaustive.items():
            assert optimised[key] == wanted, (number, publish.__name__, key)
