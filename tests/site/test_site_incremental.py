"""Incremental builds give byte for byte what a full build of the same content gives.

The fixture site is built in full; then each change the CMS makes (a new notice, minor
and major corrections, a revocation, a new decision with awards, an unpublished and a
withdrawn notice) is applied to a copy of content/ and built both incrementally, from the
state of the step before, and in full with Pelican; the trees and the search indexes are
compared after every step. The previous build must never change: the new one is made of
hard links to it.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from incremental_support import (
    as_json,
    differences,
    full_build,
    new_notice,
    open_state,
    read,
    remove,
    tree_digest,
    write,
)
from sitebuild import BUILD_DATE, FIXTURE_CONTENT

from gongshi_site import atomic

DAY = "2024-06-11"
MOMENT = f"{DAY}T09:00:00+08:00"
LATER = f"{DAY}T15:30:00+08:00"


def _new_notice(content: Path, item_id: int, start: str, end: str) -> str:
    return new_notice(
        content,
        item_id,
        signed=DAY,
        start=start,
        end=end,
        published=MOMENT,
        title="2024年度示例市市长质量奖候选名单公示",
        more_body="\n\n新增的一段说明。",
    )


def _correct(content: Path, name: str, change, note: str, is_major: bool) -> list[str]:
    document, body = read(content, name)
    document = as_json(document)
    body = change(document, body)
    document["last_published_at"] = LATER
    document["changes"].append({"published_at": LATER, "note": note, "is_major": is_major})
    return [write(content, name, document, body)]


def new_open_notice(content: Path) -> list[str]:
    """Published during its publicity period: open at once, on the home page too."""
    return [_new_notice(content, 50, "2024-06-11", "2024-06-17")]


def new_upcoming_notice(content: Path) -> list[str]:
    """Published before its publicity period opens (tomorrow)."""
    return [_new_notice(content, 51, "2024-06-13", "2024-06-19")]


def minor_correction(content: Path) -> list[str]:
    def change(document, body):
        document["summary"] = document["summary"] + "（修改错别字）"
        return body.replace("。", "。 ", 1)

    return _correct(content, "notices/33.md", change, "修改错别字", is_major=False)


def major_correction(content: Path) -> list[str]:
    def change(document, body):
        document["title"] = document["title"] + "（更正）"
        award = next(award for award in document["awards"] if award["id"] == 303)
        award["region"] = "示例市南区"
        return body

    return _correct(content, "decisions/34.md", change, "更正获奖者所在地区", is_major=True)


def revocation(content: Path) -> list[str]:
    document, body = read(content, "revocations/35.md")
    document = as_json(document)
    decision, _ = read(content, "decisions/34.md")
    award = next(award for award in decision["awards"] if award["id"] == 302)
    document.update(
        id=60,
        uuid="00000000-0000-4000-8000-000000000060",
        title=f"关于撤销{award['recipient']}{award['citation']}的决定",
        document_number="示政发〔2024〕8号",
        date_signed=DAY,
        first_published_at=MOMENT,
        last_published_at=MOMENT,
        summary=f"撤销{award['recipient']}的{award['citation']}。",
        changes=[{"published_at": MOMENT, "note": "首次发布", "is_major": True}],
        award={
            "id": 302,
            "decision": 34,
            "recipient": award["recipient"],
            "recipient_id": award["recipient_id"],
            "credit_code": award["credit_code"],
            "level": award["level"],
            "citation": award["citation"],
        },
    )
    return [write(content, "revocations/60.md", document, body)]


def new_decision(content: Path) -> list[str]:
    """Awards to a winner the register knows (by credit code) and to a new one."""
    document, body = read(content, "decisions/34.md")
    document = as_json(document)
    known, _new = document["awards"][0], document["awards"][1]
    document.update(
        id=61,
        uuid="00000000-0000-4000-8000-000000000061",
        title="示例市人民政府关于2024年度示例市市长质量奖的表彰决定",
        document_number="示政发〔2024〕9号",
        date_signed=DAY,
        first_published_at=MOMENT,
        last_published_at=MOMENT,
        changes=[{"published_at": MOMENT, "note": "首次发布", "is_major": True}],
    )
    document["awards"] = [
        {**known, "id": 611, "valid_from": DAY, "valid_until": "2027-06-10"},
        {
            **known,
            "id": 612,
            "recipient": "【示例】示例新材料股份有限公司",
            "recipient_id": "91140800MA0000009X",
            "credit_code": "91140800MA0000009X",
            "region": "示例市北区",
            "valid_from": DAY,
            "valid_until": "2027-06-10",
        },
    ]
    return [write(content, "decisions/61.md", document, body)]


def unpublished_notice(content: Path) -> list[str]:
    return [remove(content, "notices/41.md")]


def withdrawn_notice(content: Path) -> list[str]:
    notice, _ = read(content, "notices/32.md")
    document, _ = read(content, "withdrawn/36.md")
    document = as_json(document)
    document.update(
        id=32,
        uuid=notice["uuid"],
        title=notice["title"],
        first_published_at=notice["first_published_at"],
        last_published_at=notice["last_published_at"],
        document_number=notice["document_number"],
        withdrawn_at=LATER,
        reason="误将未经审定的名单发布，已撤回。",
    )
    return [remove(content, "notices/32.md"), write(content, "withdrawn/32.md", document)]


def notice_in_a_new_year(content: Path) -> list[str]:
    """Signed in a year the site had no document of: new open data and sitemap files."""
    name = _new_notice(content, 52, "2022-05-10", "2022-05-16")
    document, body = read(content, name)
    document = as_json(document)
    moment = "2022-05-10T09:00:00+08:00"
    document.update(
        date_signed="2022-05-10",
        first_published_at=moment,
        last_published_at=moment,
        changes=[{"published_at": moment, "note": "首次发布", "is_major": True}],
    )
    return [write(content, name, document, body)]


def date_change(content: Path) -> list[str]:
    """The new year's only notice re-dated into another year: that year's files go."""

    def change(document, body):
        document["date_signed"] = "2023-05-10"
        return body

    return _correct(content, "notices/52.md", change, "更正成文日期", is_major=True)


def programme_change(content: Path) -> list[str]:
    """A notice moved to the other programme: both programmes' lists and feeds change."""

    def change(document, body):
        document["programme"] = "shili-district"
        return body

    return _correct(content, "notices/50.md", change, "更正所属评选项目", is_major=True)


def deleted_revocation(content: Path) -> list[str]:
    """The 2024 revocation of a 2023 award taken down: the award is valid again in the
    files of 2023, the year its decision was signed."""
    return [remove(content, "revocations/60.md")]


STEPS = [
    new_open_notice,
    new_upcoming_notice,
    minor_correction,
    major_correction,
    revocation,
    new_decision,
    unpublished_notice,
    withdrawn_notice,
    notice_in_a_new_year,
    date_change,
    programme_change,
    deleted_revocation,
]


@pytest.fixture
def chunk_size(request, monkeypatch):
    """GONGSHI_PAGE_SIZE and GONGSHI_FEED_SIZE for both kinds of build: a test
    parametrizes it (indirect) to give the fixture's few documents archive pages and
    feed archives."""
    size = getattr(request, "param", None)
    if size is not None:
        monkeypatch.setenv("GONGSHI_PAGE_SIZE", str(size))
        monkeypatch.setenv("GONGSHI_FEED_SIZE", str(size))
    return size


@pytest.fixture
def first_build(tmp_path, chunk_size):
    build = tmp_path / "builds" / "0"
    shutil.copytree(FIXTURE_CONTENT, build / "content")
    full_build(build / "content", build)
    return build


@pytest.mark.parametrize("chunk_size", [None, 2], indirect=True, ids=["unpaged", "archived"])
def test_each_change_builds_as_a_full_build_would(tmp_path, first_build):
    from gongshi_site.linked_tree import link_tree

    state = open_state(first_build / "content", first_build)
    previous = first_build
    touched = []  # each report's files written or removed, as it was returned
    for number, step in enumerate(STEPS, start=1):
        build = tmp_path / "builds" / str(number)
        link_tree(previous / "content", build / "content")
        before = tree_digest(previous)
        changed = step(build / "content")
        report = state.update(build / "content", changed, build / "output", build / "search")
        assert tree_digest(previous) == before, f"{step.__name__}: the previous build changed"
        expected = tmp_path / "full" / str(number)
        shutil.copytree(build / "content", expected / "content")
        full_build(expected / "content", expected)
        assert differences(expected, build) == [], step.__name__
        assert 0 < report.pages_rendered < len(state.pages.fingerprints), step.__name__
        assert 0 < report.feed_documents < len(state.feeds.plans), step.__name__
        assert_newest_first(expected / "search", build / "search")
        touched.append((report, frozenset(report.touched)))
        previous = build
    # A later update leaves an earlier report's files as they were (the worker compresses
    # them after the update that made them).
    assert all(report.touched == files != frozenset() for report, files in touched)


def test_the_first_publish_after_loading_makes_again_only_what_changed(
    tmp_path, first_build, monkeypatch
):
    """The state is loaded from a full build; the next publish finds every item the
    load made (memo.py): the open data encodes the new notice alone."""
    from gongshi_site import opendata
    from gongshi_site.linked_tree import link_tree

    state = open_state(first_build / "content", first_build)
    encoded = []
    notice_item = opendata._notice_item

    def counted(notice, config):
        encoded.append(notice.id)
        return notice_item(notice, config)

    monkeypatch.setattr(opendata, "_notice_item", counted)
    build = tmp_path / "builds" / "1"
    link_tree(first_build / "content", build / "content")
    changed = new_open_notice(build / "content")
    state.update(build / "content", changed, build / "output", build / "search")
    assert encoded == [50]


def test_a_publish_makes_the_qr_codes_and_badges_of_changed_awards_only(
    tmp_path, first_build, monkeypatch
):
    """A QR code depends on its award's address alone and costs about 8 ms: a publish
    that adds no award makes none, and a decision makes its own awards' codes only (a
    cache that thrashed once made every award's code at every publish: 33 s at 20,000
    notices). A badge shows its award's status: it is drawn again when that changes, a
    revocation's, and for a new award (drawing every badge at every publish was most of
    a publish's work on files, 0.33 s at 10,000 notices)."""
    from gongshi_site import credentials
    from gongshi_site.linked_tree import link_tree

    state = open_state(first_build / "content", first_build)
    made, drawn = [], []
    qr_svg, badge_svg = credentials.qr_svg, credentials.badge_svg

    def counted(address):
        made.append(address)
        return qr_svg(address)

    def counted_badge(award):
        drawn.append(award.id)
        return badge_svg(award)

    monkeypatch.setattr(credentials, "qr_svg", counted)
    monkeypatch.setattr(credentials, "badge_svg", counted_badge)
    previous = first_build
    for number, step in enumerate((new_open_notice, new_decision, revocation), start=1):
        build = tmp_path / "builds" / str(number)
        link_tree(previous / "content", build / "content")
        state.update(build / "content", step(build / "content"), build / "output", build / "search")
        previous = build
        if step is new_open_notice:
            assert made == drawn == []
        if step is new_decision:
            new = {award.id for award in state.generator.site.awards if award.id > 610}
            assert sorted(drawn) == sorted(new) and len(new) == 2
            drawn.clear()
    assert drawn == [302]  # revoked
    new = {credentials.code(award) for award in state.generator.site.awards if award.id > 610}
    assert {address.rstrip("/").rsplit("/", 1)[-1] for address in made} == new
    for path in state.files.qr_codes:
        assert (previous / "output" / path.lstrip("/")).is_file(), path


def assert_newest_first(expected: Path, actual: Path) -> None:
    """Date-sorted search over an index an incremental build extended lists the same
    hits, newest first, as over a full build's single segment."""
    from datetime import date

    from gongshi.search import engine
    from gongshi.search.query import parse

    full, extended = engine.SearchIndex(expected), engine.SearchIndex(actual)
    try:
        for words in ("示例", "质量奖 公示", "撤销"):
            found = [
                [
                    (hit.data["date"], hit.data["url"])
                    for hit in index.search(
                        parse(words), engine.Filters(), date(2024, 6, 12), sort="date", limit=50
                    ).hits
                ]
                for index in (full, extended)
            ]
            assert [day for day, _url in found[0]] == [day for day, _url in found[1]], words
            assert sorted(found[0]) == sorted(found[1]), words
    finally:
        full.close()
        extended.close()


def test_an_index_with_too_many_segments_is_compacted(tmp_path, first_build, monkeypatch):
    """Past MAX_SEGMENTS, an update writes the documents of every segment but the full
    build's again in one: the index keeps two segments and equals a full build's."""
    from gongshi.search import engine, incremental
    from gongshi_site.linked_tree import link_tree

    monkeypatch.setattr(incremental, "MAX_SEGMENTS", 3)
    state = open_state(first_build / "content", first_build)
    previous, counts = first_build, []
    for number, step in enumerate(STEPS, start=1):
        build = tmp_path / "builds" / str(number)
        link_tree(previous / "content", build / "content")
        state.update(build / "content", step(build / "content"), build / "output", build / "search")
        store = engine.index.open_dir(str(build / "search"), indexname=engine.INDEX_NAME)
        counts.append(len(store._segments()))
        store.close()
        previous = build
    assert max(counts) == 3 and 2 in counts[2:], counts
    expected = tmp_path / "full"
    shutil.copytree(previous / "content", expected / "content")
    full_build(expected / "content", expected)
    assert differences(expected, previous) == []
    assert_newest_first(expected / "search", previous / "search")


def test_changes_it_cannot_follow_ask_for_a_full_build(tmp_path, first_build):
    from gongshi_site.incremental_limits import NeedsFullBuild
    from gongshi_site.linked_tree import link_tree

    state = open_state(first_build / "content", first_build)
    build = tmp_path / "builds" / "1"
    link_tree(first_build / "content", build / "content")
    document, body = read(build / "content", "programmes/2.md")
    document = as_json(document)
    document["summary"] += "（修订）"
    changed = [write(build / "content", "programmes/2.md", document, body)]
    with pytest.raises(NeedsFullBuild):
        state.update(build / "content", changed, build / "output", build / "search")


@pytest.fixture
def live_site(tmp_path, first_build):
    """A site directory whose `live` is the fixture's full build, its state loaded."""
    from cms.publishing import incremental

    site_dir = first_build.parents[1]
    os.symlink("builds/0/output", site_dir / "live")
    incremental.load_state(site_dir, environment={"GONGSHI_BUILD_DATE": BUILD_DATE})
    yield site_dir
    incremental.forget_state()


def _notice_file(site_dir: Path) -> dict[str, bytes]:
    content = site_dir / "scratch"
    shutil.copytree(atomic.live_output(site_dir).parent / "content", content)
    (name,) = new_open_notice(content)
    return {name: (content / name).read_bytes()}


def test_a_publish_swaps_live_to_the_new_build(live_site):
    from cms.publishing import incremental

    old = atomic.live_output(live_site)
    published = incremental.publish(
        live_site, _notice_file(live_site), environment={"GONGSHI_BUILD_DATE": BUILD_DATE}
    )
    assert atomic.live_output(live_site) == published.output != old
    assert (published.output / "notices" / "50" / "index.html").is_file()
    assert (published.output.parent / "search" / "READY").is_file()


def test_old_builds_are_deleted_and_the_next_copy_linked_after_the_publish(live_site, monkeypatch):
    """What the worker does after a publish, in a thread: the builds beyond the last
    three go (moved to the trash under the lock, deleted after), and a copy of the new
    build is made for the next publish (content/ linked, the output forked), which takes
    it instead of making its own."""
    from cms.publishing import incremental
    from gongshi_site import linked_tree

    environment = {"GONGSHI_BUILD_DATE": BUILD_DATE}
    for number in range(atomic.KEEP_BUILDS + 1):
        content = live_site / f"scratch-{number}"
        shutil.copytree(atomic.live_output(live_site).parent / "content", content)
        name = _new_notice(content, 70 + number, "2024-06-11", "2024-06-17")
        incremental.publish(
            live_site, {name: (content / name).read_bytes()}, environment=environment
        )
    incremental.wait_for_background()
    builds = sorted((live_site / "builds").iterdir())
    assert len(builds) == atomic.KEEP_BUILDS and atomic.live_output(live_site).parent == builds[-1]
    assert not any((live_site / atomic.TRASH).iterdir())
    (spare,) = (live_site / "spare").iterdir()
    assert tree_digest(spare / "content") == tree_digest(builds[-1] / "content")
    assert tree_digest(spare / "output") == tree_digest(builds[-1] / "output")
    # forked, the directory of the last notice published already its own
    assert not (spare / "output" / "notices" / "73").samefile(
        builds[-1] / "output" / "notices" / "73"
    )

    during_publish = []

    def link_tree(*arguments):
        if threading.current_thread() is threading.main_thread():
            during_publish.append(arguments)
        return linked_tree.link_tree(*arguments)

    monkeypatch.setattr(incremental, "link_tree", link_tree)
    incremental.publish(live_site, _notice_file(live_site), environment=environment)
    assert during_publish == []  # it took the spare copy


def test_a_crash_midway_leaves_live_and_the_old_build_as_they_were(live_site, monkeypatch):
    from cms.publishing import incremental
    from gongshi_site import incremental_feeds

    old = atomic.live_output(live_site)
    before = tree_digest(old.parent)

    def crash(*arguments, **keywords):
        raise RuntimeError("断电")

    monkeypatch.setattr(incremental_feeds, "feed_document", crash)
    with pytest.raises(atomic.BuildFailed):
        incremental.publish(
            live_site, _notice_file(live_site), environment={"GONGSHI_BUILD_DATE": BUILD_DATE}
        )
    assert atomic.live_output(live_site) == old
    assert tree_digest(old.parent) == before
    assert sorted(path.name for path in (live_site / "builds").iterdir()) == ["0"]
    # The state went with the failed build: the next publish is a full build.
    with pytest.raises(incremental.NeedsFullBuild):
        incremental.publish(live_site, {}, environment={"GONGSHI_BUILD_DATE": BUILD_DATE})


def test_a_new_day_is_published_incrementally(tmp_path, live_site):
    """The worker's 00:01 build: the publish of the new day swaps `live` to a build equal
    to a full build of that day (the fixture's notice 41 closes after 2024-06-14)."""
    from cms.publishing import incremental

    old = atomic.live_output(live_site)
    published = incremental.publish(live_site, {}, environment={"GONGSHI_BUILD_DATE": "2024-06-15"})
    assert atomic.live_output(live_site) == published.output != old
    assert 0 < published.report.pages_rendered
    expected = tmp_path / "full"
    shutil.copytree(old.parent / "content", expected / "content")
    full_build(expected / "content", expected, "2024-06-15")
    # The worker's build has each written file's .gz beside it, as a full build's has.
    problems = differences(expected, published.output.parent)
    assert [problem for problem in problems if not problem.endswith(".gz")] == []
    # The next publish, on that day, follows from there.
    incremental.publish(
        live_site, _notice_file(live_site), environment={"GONGSHI_BUILD_DATE": "2024-06-15"}
    )


def test_a_date_going_backwards_asks_for_a_full_build(live_site):
    from cms.publishing import incremental

    old = atomic.live_output(live_site)
    with pytest.raises(incremental.NeedsFullBuild, match="早于"):
        incremental.publish(
            live_site, _notice_file(live_site), environment={"GONGSHI_BUILD_DATE": "2024-06-11"}
        )
    assert atomic.live_output(live_site) == old
