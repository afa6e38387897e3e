"""The impact scorer (gongshi/search/engine/impact.py) answers frequent words as the bulk
scorer does, which scores every match: the same hits, in the same order, with the same
scores (the same floats), and the same totals; on a full build's index and on indexes
incremental builds extended (other segments, deleted documents), which the impact scorer
answers by rescoring the first segment's postings walked in their written order."""

from __future__ import annotations

import dataclasses
import random

import pytest
from search_corpus import TODAY, c

from gongshi.search import engine, incremental
from gongshi.search.engine import impact, limits
from gongshi.search.query import parse

# Frequent words and names of the generated corpus, several words, legal forms (ranked,
# not required), quoted phrases and pinyin initials (checked one candidate at a time).
# A phrase among other words may go to the bulk scorer (OTHERS: when its candidates
# are too many to count, and their order in the bulk scorer depends on its
# dictionaries' sizes).
OTHERS = ['"关于公布" 质量奖 获奖名单', '"精密机械" 公示']
QUERIES = [
    *OTHERS,
    '"质量管理体系"',
    '"获奖建议名单"',
    "yuncheng",
    "ycs",
    "公示",
    "质量管理",
    "获奖建议名单",
    "卓越绩效",
    "精密机械 有限公司",
    "质量 管理",
    "关于 质量奖 获奖名单",
    "获奖 公示 质量奖",
    "市长质量奖 公示",
    "有限公司",
]
FILTERS = [
    engine.Filters(),
    engine.Filters(kind="award"),
    engine.Filters(kind="notice", year=2011),
    engine.Filters(status="valid"),
    engine.Filters(status="expired"),
]
PAGES = [(0, 10), (0, 1), (10, 10), (0, 50), (990, 10)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated corpus indexed with the scores, impact orders and bitmaps of terms in
    20 records or more computed at build time (at scale: 2,000), so that the frequent
    queries above go to the impact scorer."""
    from gongshi_site.assemble import assemble
    from gongshi_site.reader import read_content
    from gongshi_site.search_records import all_records

    root = tmp_path_factory.mktemp("impact")
    c.generate(root / "content", notices=300, winners=60, programmes=2, years=3)
    records = list(all_records(assemble(read_content(root / "content"), TODAY, "测试")))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "PRECOMPUTED_FROM", 20)
        engine.build(root / "search", records, {})
    return records, root


def _answers(directory, monkeypatch, *, use_impact: bool, phrases_counted=None, queries=QUERIES):
    """Every query × filter × page, through SearchIndex.search with bulk scoring, the
    impact scorer on or off; and the queries the impact scorer answered every time."""
    answered, missed = set(), set()
    ranked = impact._ImpactScorer.ranked

    def counted(self, whoosh_query, *args):
        found = ranked(self, whoosh_query, *args) if use_impact else None
        (answered if found is not None else missed).add(asked[0])
        return found

    asked = [None]
    with monkeypatch.context() as patch:
        patch.setattr(limits, "BULK_FROM", 0)
        patch.setattr(limits, "IMPACT_FROM", 0)  # every query it can answer
        if phrases_counted is not None:
            patch.setattr(limits, "PHRASES_COUNTED", phrases_counted)
        patch.setattr(impact._ImpactScorer, "ranked", counted)
        index = engine.SearchIndex(directory)
        found = {}
        for q in queries:
            for number, filters in enumerate(FILTERS):
                for offset, limit in PAGES:
                    asked[0] = q
                    results = index.search(parse(q), filters, TODAY, offset=offset, limit=limit)
                    found[(q, number, offset, limit)] = (
                        [(hit.data["url"], hit.data.get("key"), hit.score) for hit in results.hits],
                        results.total,
                        results.estimated,
                    )
        index.close()
    return found, answered - missed


@pytest.mark.parametrize("phrases_counted", [None, 40])
def test_the_impact_scorer_answers_as_scoring_every_match(generated, monkeypatch, phrases_counted):
    """Also with fewer phrase candidates counted one by one (40): a phrase's total is
    then estimated on a sample, which must be the bulk scorer's sample."""
    _, root = generated
    exhaustive, none = _answers(
        root / "search", monkeypatch, use_impact=False, phrases_counted=phrases_counted
    )
    optimised, answered = _answers(
        root / "search", monkeypatch, use_impact=True, phrases_counted=phrases_counted
    )
    assert not none
    assert answered >= set(QUERIES) - set(OTHERS)
    assert optimised == exhaustive
    if phrases_counted:
        assert any(estimated for _h, _t, estimated in optimised.values())
    totals = [total for (q, f, _o, _l), (_h, total, _e) in exhaustive.items() if f == 0]
    assert max(totals) > 200  # frequent words indeed
    assert any(hits for hits, _t, _e in exhaustive.values() if len(hits) == 50)


def test_the_best_first_walk_stops_early_and_still_finds_the_best(generated, monkeypatch):
    """Reading postings best first stops well before the end for a frequent word (or
    there would be nothing to gain), and a hit found late is not lost."""
    _, root = generated
    met = []
    real_top = impact._ImpactScorer._top

    def watched(self, root_node, leaves, wanted):
        found = real_top(self, root_node, leaves, wanted)
        met.append(sum(1 for leaf in leaves if leaf.head is not None))
        return found

    monkeypatch.setattr(impact._ImpactScorer, "_top", watched)
    monkeypatch.setattr(limits, "BULK_FROM", 0)
    monkeypatch.setattr(limits, "IMPACT_FROM", 0)
    index = engine.SearchIndex(root / "search")
    results = index.search(parse("公示"), engine.Filters(), TODAY, limit=10)
    assert results.total > 200 and len(results.hits) == 10
    assert met and met[-1] > 0  # some leaf was left with postings unread


def test_an_extended_index_answers_as_scoring_every_match(generated, tmp_path, monkeypatch):
    """After incremental publishes (a second segment, deleted and replaced records),
    the precomputed scores no longer hold: the answers stay those of scoring every
    match, and those of a full build of the same records."""
    records, root = generated
    rng = random.Random(5)
    notices = [record for record in records if record.kind == "notice"]
    changed = rng.sample(notices, 8)
    added = [
        dataclasses.replace(r, key=f"{r.key}-again", data={**r.data, "url": f"{r.data['url']}x/"})
        for r in changed[:5]
    ]
    deleted = [r.key for r in changed[5:]] + [records[0].key]
    extended = tmp_path / "extended"
    incremental.update(root / "search", extended, deleted=deleted, added=added, extra={}, shells={})
    everything = [r for r in records if r.key not in set(deleted)] + added
    with monkeypatch.context() as patch:
        patch.setattr(limits, "PRECOMPUTED_FROM", 20)
        engine.build(tmp_path / "full", everything, {})
    exhaustive, _ = _answers(extended, monkeypatch, use_impact=False)
    optimised, _ = _answers(extended, monkeypatch, use_impact=True)
    full, answered = _answers(tmp_path / "full", monkeypatch, use_impact=True)
    assert answered >= set(QUERIES) - set(OTHERS)
    assert optimised == exhaustive

    def rounded(answers):  # a full build's sums may differ in the last bits
        return {
            key: ([(url, k, round(score, 6)) for url, k, score in hits], total, estimated)
            for key, (hits, total, estimated) in answers.items()
        }

    assert {k: v[1] for k, v in full.items()} == {k: v[1] for k, v in optimised.items()}
    assert rounded(full) == rounded(optimised) or _same_but_ties(full, optimised)


def _same_but_ties(full, extended) -> bool:
    """Equal scores may come in either order only where sums differ in the last bits:
    compare the scores, and the documents above the lowest score shown."""
    for key, (hits, _total, _e) in full.items():
        other = extended[key][0]
        if [round(s, 6) for _u, _k, s in hits] != [round(s, 6) for _u, _k, s in other]:
            return False
        if hits:
            lowest = hits[-1][2]
            above = [h[:2] for h in hits if h[2] > lowest + 1e-6]
            if [h[:2] for h in other[: len(above)]] != above:
                return False
    return True


def test_only_queries_it_saves_on_go_to_the_impact_scorer(generated, monkeypatch):
    """A frequent word, which the bulk scorer makes a dictionary of whole, goes to the
    impact scorer; a rare word beside a frequent one stays with the bulk scorer, which
    reads the frequent one only where the rare one is (the impact scorer would read the
    rare one whole and make a bitmap of it), and so does a word without frequent terms."""
    records, root = generated
    index = engine.SearchIndex(root / "search")
    reader = index._searcher.reader()

    def frequency(word: str) -> int:
        return sum(reader.doc_frequency(field, word.encode()) for field in ("name", "text"))

    titles = [r.data["title"] for r in records]
    pairs = {title[i : i + 2] for title in titles for i in range(len(title) - 1)}
    rare = min(sorted(pair for pair in pairs if frequency(pair)), key=frequency)
    assert 0 < frequency(rare) <= 4 and frequency("公示") > 200
    went = {}
    ranked = impact._ImpactScorer.ranked

    def watched(self, whoosh_query, *args):
        found = ranked(self, whoosh_query, *args)
        went[asked] = found is not None
        return found

    monkeypatch.setattr(impact._ImpactScorer, "ranked", watched)
    monkeypatch.setattr(limits, "BULK_FROM", 0)
    # (a term's fixed cost at the scale of this corpus, whose terms are precomputed from
    # 20 records rather than 2,000)
    monkeypatch.setattr(limits, "IMPACT_LEAF_COST", limits.IMPACT_LEAF_COST // 100)
    for asked in ["公示", "获奖建议名单", f"{rare} 公示", "zzqx"]:
        index.search(parse(asked), engine.Filters(), TODAY, limit=10)
    assert went == {"公示": True, "获奖建议名单": True, f"{rare} 公示": False, "zzqx": False}


# Incremental publishes of the generated corpus, each (deleted keys, added records) of
# the records as they stand before it. NEW_WORD is in no record of the full build.
NEW_WORD = "璇玑"


def _mixed(records, rng):
    """Changes, additions and deletions, a new record that outranks the old ones on the
    frequent words (short fields made of them), and a word of the new segment only."""
    notices = [r for r in records if r.kind == "notice"]
    changed = [
        dataclasses.replace(r, text=[*r.text, "质量管理 公示"]) for r in rng.sample(notices, 6)
    ]
    copies = [
        dataclasses.replace(r, key=f"{r.key}-copy", data={**r.data, "url": f"{r.data['url']}c/"})
        for r in rng.sample(records, 4)
    ]
    outranks = dataclasses.replace(
        notices[0],
        key="notice:outranks",
        names=["获奖建议名单公示"],
        text=["公示 质量管理 获奖建议名单 卓越绩效 精密机械有限公司 质量奖 获奖名单"],
        summary="获奖建议名单 公示",
        data={**notices[0].data, "url": "/outranks/"},
    )
    new_word = dataclasses.replace(
        notices[1],
        key="notice:new-word",
        names=[f"{NEW_WORD}质量奖公示"],
        text=[f"{NEW_WORD} 公示"],
        data={**notices[1].data, "url": "/new-word/"},
    )
    added = [*changed, *copies, outranks, new_word]
    kept = {r.key for r in added}
    deleted = [r.key for r in rng.sample(records, 8) if r.key not in kept]
    return deleted, added


def _shorter(records, rng):
    """The longest texts cut short (changes) and deleted: the average lengths fall."""
    longest = sorted(records, key=lambda r: -sum(map(len, r.text)))[:40]
    cut = [dataclasses.replace(r, text=[r.text[0][:12]] if r.text else []) for r in longest[:25]]
    return [r.key for r in longest[25:]], cut


def _longer(records, rng):
    """Texts made ten times as long (changes), and long records added: the average
    lengths rise."""
    grown = [dataclasses.replace(r, text=r.text * 10) for r in rng.sample(records, 25)]
    long = [
        dataclasses.replace(
            r, key=f"{r.key}-long", text=r.text * 12, data={**r.data, "url": f"{r.data['url']}l/"}
        )
        for r in rng.sample(records, 10)
    ]
    return [], [*grown, *long]


def _emptied_word(directory) -> tuple[str, list[str]]:
    """A precomputed term of the text field and the keys of every record it is in."""
    index = engine.SearchIndex(directory)
    try:
        precomputed = index._impact._precomputed
        reader = index._searcher.reader()
        candidates = sorted(
            (precomputed.count(field, term), term)
            for field, term in precomputed._places
            if field == "text" and len(term) == 2 and "\u4e00" <= term[0] <= "\u9fff"
        )
        _count, term = candidates[0]
        keys = [
            index._searcher.stored_fields(d)["key"]
            for d in reader.postings("text", term.encode()).all_ids()
        ]
    finally:
        index.close()
    return term, keys


@pytest.mark.parametrize(
    "publishes",
    [["mixed"], ["shorter"], ["longer"], ["emptied"], ["mixed", "shorter", "longer", "emptied"]],
)
def test_extended_indexes_are_answered_by_the_impact_scorer_as_by_scoring_every_match(
    generated, tmp_path, monkeypatch, publishes
):
    """After one and several incremental publishes, the impact scorer answers every
    query of the table (and a word of the new segment only, and a precomputed word whose
    every record of the full build was deleted) with the bulk scorer's answers: the
    first segment's postings are walked in the order written, bounded by the written
    scores times the idf ratio and max(1, the average lengths' ratio), rescored from
    their weights. A change that lowers the average lengths and one that raises them
    move that bound both ways; deleted records never come back."""
    records, root = generated
    rng = random.Random(19)
    current = {r.key: r for r in records}
    previous = root / "search"
    emptied_term, gone = None, set()  # the URLs of records deleted and not back
    for step, name in enumerate(publishes):
        if name == "emptied":
            emptied_term, keys = _emptied_word(previous)
            deleted = keys[1:]
            back = current[keys[0]]  # changed: its record of the full build is deleted
            added = [dataclasses.replace(back, text=[f"{emptied_term} 公示"])]
        else:
            deleted, added = {"mixed": _mixed, "shorter": _shorter, "longer": _longer}[name](
                list(current.values()), rng
            )
        target = tmp_path / f"extended-{step}"
        incremental.update(previous, target, deleted=deleted, added=added, extra={}, shells={})
        for key in deleted:
            gone.add(current.pop(key).data["url"])
        current.update({r.key: r for r in added})
        previous = target
    index = engine.SearchIndex(previous)
    assert index._impact._precomputed.base and len(index._searcher.leaf_searchers()) > 1
    if name in ("shorter", "longer"):  # the average length moved the way intended
        scorer = index._searcher.weighting.scorer(index._searcher, "text", "公示".encode())
        written = index._impact._precomputed.averages["text"]
        assert (scorer.avgfl < written) if name == "shorter" else (scorer.avgfl > written)
    index.close()
    queries = [*QUERIES, NEW_WORD, f"{NEW_WORD} 公示", *([emptied_term] if emptied_term else [])]
    exhaustive, _ = _answers(previous, monkeypatch, use_impact=False, queries=queries)
    optimised, answered = _answers(previous, monkeypatch, use_impact=True, queries=queries)
    assert answered >= set(queries) - set(OTHERS)
    assert optimised == exhaustive
    gone -= {r.data["url"] for r in current.values()}
    shown = {url for hits, _t, _e in optimised.values() for url, _k, _s in hits}
    assert (gone or publishes == ["longer"]) and not shown & gone
    if "mixed" in publishes:
        first = optimised[("获奖建议名单", 0, 0, 10)][0][0]
        assert first[0] == "/outranks/"  # a new record above every old one
        assert optimised[(NEW_WORD, 0, 0, 10)][0][0][0] == "/new-word/"
    if emptied_term:
        assert optimised[(emptied_term, 0, 0, 10)][1] == 1  # only its changed record
