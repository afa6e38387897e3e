"""What a long-running worker keeps between builds (gongshi_site/memo.py) and the files
made of kept parts: the same bytes as made whole."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from gongshi_site import opendata, sitemap
from gongshi_site.memo import Memo
from gongshi_site.pages import Page


class Made:
    """A distinct object each time: the memo must hand back the first one."""


def test_a_source_gives_back_what_it_made_until_it_is_left_out_of_a_pass():
    memo, source, other = Memo(), object(), object()
    first = memo.of(source, lambda _source: Made())
    memo.next_pass()
    assert memo.of(source, lambda _source: Made()) is first
    assert memo.of(other, lambda _source: Made()) is not first
    memo.next_pass()
    memo.next_pass()  # a pass without `source`: forgotten
    assert memo.of(source, lambda _source: Made()) is not first


def test_a_made_item_no_longer_valid_is_made_again():
    memo, source = Memo(), object()
    first = memo.of(source, lambda _source: Made())
    memo.next_pass()
    assert memo.of(source, lambda _source: Made(), valid=lambda made: False) is not first


def test_keyed_items_are_reused_only_for_equal_inputs():
    memo = Memo()
    first = memo.keyed("k", (1, "a"), Made)
    memo.next_pass()
    assert memo.keyed("k", (1, "a"), Made) is first
    memo.next_pass()
    assert memo.keyed("k", (2, "a"), Made) is not first


JSON_CASES = [
    ({"status_as_of": "2024-06-12", "count": 0}, []),
    ({"count": 1}, [{"a": 1, "b": [1, {"c": None}], "d": []}]),
    ({"名称": "一"}, [{"s": 'x\ny"\u0000\t𠀀'}, {}, {"e": {}}]),
]


@pytest.mark.parametrize(("head", "items"), JSON_CASES)
def test_json_made_of_kept_items_is_json_dumps_of_the_whole(head, items):
    kept = [opendata._list_item(item) for item in items]
    assert opendata._json_with_list(head, "items", kept) == opendata._json({**head, "items": items})


class Config:
    @staticmethod
    def absolute(url: str) -> str:
        return "https://zlj.example.gov.cn" + url


def sitemap_whole(pages: list[Page]) -> bytes:
    """sitemap.xml as ElementTree makes it in one piece, indented with ET.indent()."""
    urlset = ET.Element("urlset", {"xmlns": sitemap.NAMESPACE})
    for page in sorted((page for page in pages if page.in_sitemap), key=lambda page: page.url):
        entry = ET.SubElement(urlset, "url")
        ET.SubElement(entry, "loc").text = Config.absolute(page.url)
        if page.lastmod:
            ET.SubElement(entry, "lastmod").text = page.lastmod.isoformat()
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def page(url: str, lastmod: date | None = None, in_sitemap: bool = True) -> Page:
    return Page(url=url, template="x", title="t", lastmod=lastmod, in_sitemap=in_sitemap)


@pytest.mark.parametrize(
    "pages",
    [
        [],
        [page("/404.html", in_sitemap=False)],
        [page("/b/", date(2024, 1, 2)), page("/a&<b>/"), page("/notices/1/", date(2023, 5, 6))],
    ],
)
def test_a_sitemap_made_of_kept_entries_is_the_whole_document(pages):
    memo = Memo()
    assert sitemap.sitemap_xml(pages, Config(), memo) == sitemap_whole(pages)
    memo.next_pass()
    more = [*pages, page("/new/", date(2024, 6, 12))]
    assert sitemap.sitemap_xml(more, Config(), memo) == sitemap_whole(more)
