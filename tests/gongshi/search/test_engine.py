"""The engine's shortcuts give whoosh's answers: its postings writer writes what
whoosh's writer would, filters and top-N skipping find what a full scoring finds, and
estimates are marked as such."""

from __future__ import annotations

import pytest
from search_corpus import TODAY, c

from gongshi.search import engine
from gongshi.search.engine import analysis, limits, postings, writer
from gongshi.search.engine._whoosh import TEXT
from gongshi.search.query import parse


def _contents(directory):
    """Everything a search reads from an index: terms with their statistics and
    postings, field lengths, stored fields and columns."""
    store = engine.index.open_dir(str(directory), indexname=engine.INDEX_NAME)
    with store.reader() as reader:
        terms = {}
        for fieldname, term in reader.all_terms():
            info = reader.term_info(fieldname, term)
            matcher = reader.postings(fieldname, term)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            terms[(fieldname, term)] = (
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                postings,
                _blocks(reader.postings(fieldname, term)),
            )
        documents = list(reader.iter_docs())
        lengths = {
            (docnum, name): reader.doc_field_length(docnum, name)
            for docnum in range(reader.doc_count_all())
            for name in engine.SCHEMA.scorable_names()
        }
        dates = list(reader.column_reader("date"))
    store.close()
    return terms, documents, lengths, dates


def _blocks(matcher) -> list[tuple]:
    """What each block of postings says of itself, for skipping: its size, last
    document, highest weight, shortest and longest field length."""
    found = []
    while matcher.is_active():
        found.append(
            (
                matcher._blocklength,
                matcher.block_max_id(),
                matcher.block_max_weight(),
                matcher.block_min_length(),
                matcher.block_max_length(),
            )
        )
        matcher._next_block()
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Records of a generated corpus, with terms of several blocks of postings (whoosh
    writes 128 a block) and words found in most records."""
    from gongshi_site.assemble import assemble
    from gongshi_site.reader import read_content
    from gongshi_site.search_records import all_records

    root = tmp_path_factory.mktemp("generated")
    c.generate(root / "content", notices=300, winners=60, programmes=2, years=3)
    records = list(all_records(assemble(read_content(root / "content"), TODAY, "测试")))
    engine.build(root / "search", records, {})
    return records, root


def test_the_index_is_what_whooshs_own_writer_writes(generated, tmp_path, monkeypatch):
    records, root = generated
    monkeypatch.setattr(writer, "_Writer", lambda store: store.writer())
    # whoosh's own analysis too: its tokens from chinese.py's (term, position)
    # functions, rather than the lists the index's writer cuts text into.
    monkeypatch.setattr(analysis._Text, "index", TEXT.index)
    engine.build(tmp_path / "whooshs", records, {})
    ours, whooshs = _contents(root / "search"), _contents(tmp_path / "whooshs")
    assert max(len(postings[-2]) for postings in ours[0].values()) > 2 * 128
    assert ours[0] == whooshs[0]
    assert ours[1:] == whooshs[1:]


QUERIES = ["质量管理", "公示", "获奖建议名单", "精密机械 有限公司", '"质量管理体系"', "yuncheng"]
FILTERS = [
    engine.Filters(),
    engine.Filters(kind="award"),
    engine.Filters(kind="notice", year=2011),
    engine.Filters(status="valid"),
]


@pytest.mark.parametrize("q", QUERIES)
def test_skipping_and_filters_find_what_scoring_every_match_finds(generated, monkeypatch, q):
    _, root = generated
    everything = engine.SearchIndex(root / "search")
    monkeypatch.setattr(limits, "EXACT_COUNT", 0)  # skip whatever whoosh can
    skipping = engine.SearchIndex(root / "search")
    for filters in FILTERS:
        for sort in ("relevance", "date"):
            wanted = everything.search(parse(q), engine.Filters(), TODAY, sort=sort, limit=1000)
            allowed = [hit for hit in wanted.hits if _allows(filters, hit.data, TODAY)][:20]
            found = skipping.search(parse(q), filters, TODAY, sort=sort, limit=20).hits
            if sort == "date":
                assert [hit.data for hit in found] == [hit.data for hit in allowed]
                continue
            # The same scores; among hits with the lowest of them, any may be left out.
            assert [round(hit.score, 6) for hit in found] == [
                round(hit.score, 6) for hit in allowed
            ], (q, filters)
            above = [hit.data for hit in allowed if hit.score > allowed[-1].score + 1e-6]
            assert [hit.data for hit in found[: len(above)]] == above, (q, filters)


def _allows(filters: engine.Filters, data: dict, today) -> bool:
    from gongshi.search.answers import award

    if filters.kind and data["kind"] != filters.kind:
        return False
    if filters.year and data["year"] != filters.year:
        return False
    return not filters.status or (
        data["kind"] == "award" and award(data, today)["status"] == filters.status
    )


def test_a_total_beyond_the_exact_count_is_an_estimate(generated, monkeypatch):
    _, root = generated
    counted = engine.SearchIndex(root / "search").search(parse("公示"), engine.Filters(), TODAY)
    assert not counted.estimated and counted.total > 200
    monkeypatch.setattr(limits, "EXACT_COUNT", 100)
    estimated = engine.SearchIndex(root / "search").search(parse("公示"), engine.Filters(), TODAY)
    assert estimated.estimated
    assert 0.8 * counted.total <= estimated.total <= 1.2 * counted.total
    assert str(estimated.total).rstrip("0") == str(estimated.total)[:2].rstrip("0")  # 2 figures


BULK_QUERIES = [*QUERIES, '"获奖建议名单"', '"精密机械" 公示', "质量 管理"]


@pytest.fixture(scope="module")
def precomputed(generated):
    """The same records indexed with the scores of terms in 30 records or more computed
    at build time (at scale: 2,000)."""
    records, root = generated
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "PRECOMPUTED_FROM", 30)
        engine.build(root / "precomputed", records, {})
    assert (root / "precomputed" / engine.TERM_SCORES).stat().st_size > 10_000
    return root / "precomputed"


@pytest.mark.parametrize("q", BULK_QUERIES)
@pytest.mark.parametrize("scores", ["at search time", "at build time"])
def test_bulk_scoring_ranks_and_counts_as_whoosh_scoring_every_match(
    generated, precomputed, monkeypatch, q, scores
):
    """Whoosh's own scoring of every match (no skipping, every match counted) against
    the bulk scorer, which answers queries with many matches at scale, with term scores
    computed as it searches or read from those computed when the index was built."""
    _, root = generated
    monkeypatch.setattr(limits, "BULK_FROM", 10**9)
    monkeypatch.setattr(limits, "EXACT_COUNT", 10**9)
    whooshs = engine.SearchIndex(root / "search")
    monkeypatch.setattr(limits, "BULK_FROM", 0)
    bulk = engine.SearchIndex(root / "search" if scores == "at search time" else precomputed)
    for filters in FILTERS:
        wanted = whooshs.search(parse(q), filters, TODAY, limit=1000)
        found = bulk.search(parse(q), filters, TODAY, limit=20)
        assert found.total == wanted.total and not found.estimated, (q, filters)
        top = wanted.hits[:20]
        assert [round(hit.score, 6) for hit in found.hits] == [
            round(hit.score, 6) for hit in top
        ], (q, filters)
        # Equal scores may come in either order only if whoosh's sums differ in the
        # last bits; documents are the same up to the last score shown.
        above = [hit.data for hit in top if top and hit.score > top[-1].score + 1e-6]
        assert [hit.data for hit in found.hits[: len(above)]] == above, (q, filters)
        if filters == engine.Filters():
            assert wanted.total > 20 or q == '"精密机械" 公示'


def test_bulk_scoring_estimates_a_phrase_with_many_candidates(generated, monkeypatch):
    _, root = generated
    counted = engine.SearchIndex(root / "search").search(
        parse('"质量管理体系"'), engine.Filters(), TODAY
    )
    monkeypatch.setattr(limits, "BULK_FROM", 0)
    monkeypatch.setattr(limits, "PHRASES_COUNTED", 40)
    estimated = engine.SearchIndex(root / "search").search(
        parse('"质量管理体系"'), engine.Filters(), TODAY
    )
    assert counted.total > 100 and not counted.estimated
    assert estimated.estimated
    assert 0.8 * counted.total <= estimated.total <= 1.2 * counted.total
    assert [hit.data for hit in estimated.hits] == [hit.data for hit in counted.hits]


def test_precomputed_scores_are_left_aside_once_an_index_is_extended(
    generated, precomputed, tmp_path, monkeypatch
):
    """An incremental build adds a segment and deletes documents: the frequent terms'
    scores computed with the full build no longer hold, and are not used."""
    import dataclasses

    from gongshi.search import incremental

    records, _root = generated
    notice = next(record for record in records if record.kind == "notice")
    added = dataclasses.replace(notice, key="notice:999999", data={**notice.data, "url": "/new/"})
    extended = tmp_path / "extended"
    incremental.update(
        precomputed, extended, deleted=[records[1].key], added=[added], extra={}, shells={}
    )
    monkeypatch.setattr(limits, "EXACT_COUNT", 10**9)
    monkeypatch.setattr(limits, "BULK_FROM", 10**9)
    whooshs = engine.SearchIndex(extended).search(
        parse("公示"), engine.Filters(), TODAY, limit=1000
    )
    monkeypatch.setattr(limits, "BULK_FROM", 0)
    bulk = engine.SearchIndex(extended).search(parse("公示"), engine.Filters(), TODAY, limit=1000)
    assert "/new/" in [hit.data["url"] for hit in bulk.hits]
    assert bulk.total == whooshs.total
    assert [round(hit.score, 6) for hit in bulk.hits] == [
        round(hit.score, 6) for hit in whooshs.hits
    ]


def test_postings_read_at_some_documents_are_those_of_a_full_read(generated):
    """The bulk scorer reads a frequent term only at the documents still in play,
    skipping whole blocks; and decodes a phrase's pairs' postings whole."""
    import random

    _, root = generated
    store = engine.index.open_dir(str(root / "search"), indexname=engine.INDEX_NAME)
    rng = random.Random(3)
    with store.reader() as reader:
        count = reader.doc_count_all()
        for fieldname in ("text", "name", "words", "pinyin", "code"):
            for _frequency, term in reader.most_frequent_terms(fieldname, 3):
                everything = dict(
                    zip(*postings._postings(reader.postings(fieldname, term)), strict=True)
                )
                for share in (0.01, 0.2, 1.0):
                    wanted = sorted(rng.sample(range(count), int(share * count)))
                    found = postings._postings_at(reader.postings(fieldname, term), wanted)
                    assert found == {d: w for d, w in everything.items() if d in set(wanted)}
                if fieldname == "pinyin":
                    matcher = reader.postings(fieldname, term)
                    expected = dict(matcher.all_items())
                    found = postings._posting_values(reader.postings(fieldname, term))
                    assert found == expected
        assert max(f for f, _ in reader.most_frequent_terms("text", 1)) > 2 * 128
    store.close()


def test_an_index_of_an_older_format_is_rebuilt_not_extended():
    from gongshi.search.incremental import _same_fields

    without_column = engine.SCHEMA.copy()
    without_column.remove("phrases")
    with_positions = engine.SCHEMA.copy()
    with_positions.remove("text")
    with_positions.add("text", analysis._Text(analysis._pairs, lists=analysis._pair_lists))
    assert _same_fields(engine.SCHEMA.copy(), engine.SCHEMA)
    assert not _same_fields(without_column, engine.SCHEMA)
    assert not _same_fields(with_positions, engine.SCHEMA)


@pytest.mark.parametrize("bulk_from", [0, 10**9])
def test_an_index_from_before_the_phrases_column_finds_phrases_by_position(
    generated, tmp_path, monkeypatch, bulk_from
):
    """The live index of a build made before the column keeps answering quoted phrases
    (by its positions) until the next build replaces it."""
    from gongshi.search.documents import Record

    records, root = generated
    older = engine.SCHEMA.copy()
    older.remove("phrases")
    for name, function, lists, boost in [
        ("name", analysis._grams_and_singles, analysis._gram_lists_and_singles, 3.0),
        ("text", analysis._pairs, analysis._pair_lists, 1.0),
    ]:
        older.remove(name)
        older.add(name, analysis._Text(function, field_boost=boost, lists=lists))
    fields = Record.fields
    with monkeypatch.context() as patch:
        patch.setattr(writer, "SCHEMA", older)  # what build() writes
        patch.setattr(
            Record, "fields", lambda self: {k: v for k, v in fields(self).items() if k != "phrases"}
        )
        engine.build(tmp_path / "older", records, {})
    monkeypatch.setattr(limits, "BULK_FROM", bulk_from)
    for q in ['"质量管理体系"', '"获奖建议名单"', '"精密机械" 公示']:
        found = engine.SearchIndex(tmp_path / "older").search(parse(q), engine.Filters(), TODAY)
        wanted = engine.SearchIndex(root / "search").search(parse(q), engine.Filters(), TODAY)
        assert found.total == wanted.total > 0, q
        assert [hit.data for hit in found.hits] == [hit.data for hit in wanted.hits], q
