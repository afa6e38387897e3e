"""The sitemap for crawlers (sitemaps.org protocol 0.9), built with ElementTree.

/sitemap.xml is always a sitemap index. It points at one sitemap per year of documents
(/sitemap-2024.xml: the pages of the documents signed that year) and one for the pages
of no year (/sitemap-undated.xml: listings, winners, programmes...). The protocol allows
50,000 URLs per sitemap: a group with more is split into parts, the second and later
named /sitemap-2024-2.xml and so on. A publish changes the sitemap of its documents'
year and the index; robots.txt names the index.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from . import urls
from .memo import Memo
from .pages import Page
from .settings import SiteSettings

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000  # per sitemap, and sitemaps per index (sitemaps.org)
UNDATED = "undated"
ROBOTS_TXT = "/robots.txt"


def sitemap_files(
    pages: list[Page], config: SiteSettings, memo: Memo | None = None, limit: int = MAX_URLS
) -> dict[str, bytes]:
    """{site path: bytes}: the index at /sitemap.xml and every sitemap it lists, each
    of at most `limit` URLs."""
    memo = memo or Memo()
    groups: dict[int | None, list[Page]] = {}
    for page in pages:
        if page.in_sitemap:
            year = page.document.year if page.document is not None else None
            groups.setdefault(year, []).append(page)
    files: dict[str, bytes] = {}
    listed: list[tuple[str, Page | None]] = []  # (path, the page modified last)
    for year in sorted(groups, key=lambda year: (year is not None, year or 0)):
        group = sorted(groups[year], key=lambda page: page.url)
        for number, start in enumerate(range(0, len(group), limit), start=1):
            part = group[start : start + limit]
            path = part_path(year, number)
            files[path] = sitemap_xml(part, config, memo)
            dated = [page for page in part if page.lastmod]
            listed.append((path, max(dated, key=lambda page: page.lastmod) if dated else None))
    if len(listed) > MAX_URLS:
        raise ValueError(f"网站地图超过 {MAX_URLS} 个文件")
    files[urls.SITEMAP_XML] = sitemap_index(listed, config)
    return files


def part_path(year: int | None, number: int) -> str:
    name = UNDATED if year is None else str(year)
    return f"/sitemap-{name}.xml" if number == 1 else f"/sitemap-{name}-{number}.xml"


def sitemap_index(listed: list[tuple[str, Page | None]], config: SiteSettings) -> bytes:
    """The <sitemapindex>: each sitemap, dated by its most recently modified page."""
    index = ET.Element("sitemapindex", {"xmlns": NAMESPACE})
    for path, latest in listed:
        entry = ET.SubElement(index, "sitemap")
        ET.SubElement(entry, "loc").text = config.absolute(path)
        if latest is not None:
            ET.SubElement(entry, "lastmod").text = latest.lastmod.isoformat()
    ET.indent(index)
    return ET.tostring(index, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(config: SiteSettings) -> bytes:
    """Every page may be crawled; the sitemap index is named when the site's address is
    known (the Sitemap line takes an absolute URL)."""
    lines = ["User-agent: *", "Disallow:"]
    if config.site_url:
        lines += ["", f"Sitemap: {config.absolute(urls.SITEMAP_XML)}"]
    return ("\n".join(lines) + "\n").encode("ascii")


def sitemap_xml(pages: list[Page], config: SiteSettings, memo: Memo | None = None) -> bytes:
    """A <urlset> of the `pages` worth finding, by URL; absolute URLs once the site's
    address is set.

    Each <url> is serialised on its own, indented as ET.indent() indents the whole
    document, so that with the `memo` of the previous call (incremental.py) only the
    entries of new pages are serialised again."""
    memo = memo or Memo()
    pages = sorted((page for page in pages if page.in_sitemap), key=lambda page: page.url)
    urlset = ET.Element("urlset", {"xmlns": NAMESPACE})
    if pages:
        urlset.text = "\n"  # where the entries go
    document = ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
    if not pages:
        return document
    start, end = document.split(b"\n</", 1)
    entries = b"".join(memo.of(page, _entry, config) for page in pages)
    return start + b"\n" + entries + b"</" + end


def _entry(page: Page, config: SiteSettings) -> bytes:
    entry = ET.Element("url")
    entry.text = "\n    "
    location = ET.SubElement(entry, "loc")
    location.text = config.absolute(page.url)
    location.tail = "\n  "
    if page.lastmod:
        location.tail = "\n    "
        lastmod = ET.SubElement(entry, "lastmod")
        lastmod.text = page.lastmod.isoformat()
        lastmod.tail = "\n  "
    entry.tail = "\n"
    return b"  " + ET.tostring(entry, encoding="utf-8")
