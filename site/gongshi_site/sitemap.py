"""sitemap.xml, built with ElementTree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .memo import Memo
from .pages import Page
from .settings import SiteSettings

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_xml(pages: list[Page], config: SiteSettings, memo: Memo | None = None) -> bytes:
    """Every page worth finding; absolute URLs once the site's address is set.

    Each <url> is serialised on its own, indented as ET.indent() indents the whole
    document, so that with the `memo` of the previous call (incremental.py) only the
    entries of new pages are serialised again."""
    memo = memo or Memo()
    listed = sorted((page for page in pages if page.in_sitemap), key=lambda page: page.url)
    urlset = ET.Element("urlset", {"xmlns": NAMESPACE})
    if listed:
        urlset.text = "\n"  # where the entries go
    document = ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
    if not listed:
        return document
    start, end = document.split(b"\n</", 1)
    entries = b"".join(memo.of(page, _entry, config) for page in listed)
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
