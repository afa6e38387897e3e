"""Listing pages: the newest items on the listing's own page, older ones on archive pages
numbered from the oldest, so that a publish leaves every archive page as it was (until the
newest items fill a new one) and a link to an archive page keeps showing the same items."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest
from incremental_support import as_json, read, tree_digest, write
from sitebuild import FIXTURE_CONTENT, build

PAGE_SIZE = 2
NOTICES = "notices"  # the everything listing, /notices/


def add_notices(content: Path, first_id: int, count: int, first_day: int) -> None:
    """`count` notices signed on successive days of June 2024 from `first_day`, after the
    fixture's own documents."""
    template, body = read(content, "notices/33.md")
    for offset in range(count):
        item_id = first_id + offset
        day = f"2024-06-{first_day + offset:02d}"
        document = as_json(template)
        document.update(
            id=item_id,
            uuid=f"00000000-0000-4000-8000-{item_id:012d}",
            title=f"第{item_id}号分页测试公示",
            document_number=f"示质办〔2024〕{item_id}号",
            date_signed=day,
            first_published_at=f"{day}T09:00:00+08:00",
            last_published_at=f"{day}T09:00:00+08:00",
            attachments=[],
            changes=[
                {"published_at": f"{day}T09:00:00+08:00", "note": "首次发布", "is_major": True}
            ],
        )
        write(content, f"notices/{item_id}.md", document, body)


def built(content: Path, output: Path) -> Path:
    finished = build(content, output, extra_environment={"GONGSHI_PAGE_SIZE": str(PAGE_SIZE)})
    assert finished.returncode == 0, finished.stderr + finished.stdout
    return output


def listed(output: Path, path: str) -> list[str]:
    """The documents a listing page lists, in order, by their URLs."""
    html = (output / path / "index.html").read_text("utf-8")
    main = html[html.index("<main") : html.index("</main>")]
    return re.findall(r'href="(/(?:notices|calls)/\d+/)"', main)


def navigation(output: Path, path: str) -> dict[str, str]:
    """The pagination's links, by their text."""
    html = (output / path / "index.html").read_text("utf-8")
    found = re.search(r'<nav class="pagination".*?</nav>', html, re.S)
    return (
        dict(
            (text, href)
            for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', found[0])
        )
        if found
        else {}
    )


@pytest.fixture
def content(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, copy)
    add_notices(
        copy, 100, 5, first_day=15
    )  # 9 listed documents with the fixture's call and 3 notices
    return copy


def test_the_newest_first_then_archive_pages_from_the_oldest(content, tmp_path):
    output = built(content, tmp_path / "output")
    front = listed(output, NOTICES)
    assert len(front) == PAGE_SIZE
    pages = sorted((output / NOTICES / "page").iterdir(), key=lambda p: int(p.name))
    assert [page.name for page in pages] == ["1", "2", "3", "4"]  # (9 - 1) // 2 full pages
    archive = {int(p.name): listed(output, f"{NOTICES}/page/{p.name}") for p in pages}
    assert all(len(items) == PAGE_SIZE for items in archive.values())
    # Newest first everywhere; read from the front page back to page 1, nothing is missing.
    reading = front + [item for number in (4, 3, 2, 1) for item in archive[number]]
    assert len(set(reading)) == 9
    # The odd one out (9 = 4 × 2 + 1) is on the front page only, beside the newest of
    # page 4, which the front page shows too.
    assert archive[4][0] == front[1] and archive[4][1] not in front
    assert navigation(output, NOTICES) == {
        "较早的一页": "/notices/page/4/",
        "第1页（最早）": "/notices/page/1/",
    }
    assert navigation(output, f"{NOTICES}/page/2") == {
        "最新": "/notices/",
        "较新的一页": "/notices/page/3/",
        "较早的一页": "/notices/page/1/",
    }
    assert navigation(output, f"{NOTICES}/page/1") == {
        "最新": "/notices/",
        "较新的一页": "/notices/page/2/",
    }
    assert "/notices/page/4/" in navigation(output, f"{NOTICES}/page/3").values()
    assert "较新的一页" not in navigation(output, f"{NOTICES}/page/4")  # its newer side is 最新
    text = (output / NOTICES / "index.html").read_text("utf-8")
    assert "共 9 条，这里是最新的 2 条；更早的按时间顺序编为第 1 至 4 页。" in text
    assert "共 " not in (output / NOTICES / "page" / "1" / "index.html").read_text("utf-8")


def archive_pages(tree: dict[str, str]) -> dict[str, list[int]]:
    """{listing: its archive page numbers} of a built tree's digests."""
    pages: dict[str, list[int]] = {}
    for name in tree:
        found = re.fullmatch(r"(.*)/page/(\d+)/index\.html", name)
        if found:
            pages.setdefault(found[1], []).append(int(found[2]))
    return {listing: sorted(numbers) for listing, numbers in pages.items()}


def test_a_publish_leaves_every_archive_page_as_it_was(content, tmp_path):
    """Each new notice (the newest) changes a listing's archive pages only by adding one
    when the newest items fill it, and then its older neighbour's 较新 link."""
    trees = [tree_digest(built(content, tmp_path / "0"))]
    for step in (1, 2):
        add_notices(content, 200 + step, 1, first_day=20 + step)
        trees.append(tree_digest(built(content, tmp_path / str(step))))
    grown = 0
    for before, after in itertools.pairwise(trees):
        pages_before, pages_after = archive_pages(before), archive_pages(after)
        for listing, numbers in pages_after.items():
            old = pages_before.get(listing, [])
            added = sorted(set(numbers) - set(old))
            assert added in ([], [len(old) + 1]), (listing, old, numbers)
            for number in old:
                name = f"{listing}/page/{number}/index.html"
                if before[name] != after[name]:
                    assert added and number == len(old), (name, "changed")
            grown += bool(added)
        assert before["notices/index.html"] != after["notices/index.html"]
    # 9, 10 then 11 listed: the everything listing gained its fifth page at the second step.
    assert pages_after["notices"] == [1, 2, 3, 4, 5] and grown >= 1
