"""sitemap.xml, built with ElementTree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .pages import Page
from .settings import SiteSettings

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_xml(pages: list[Page], config: SiteSettings) -> bytes:
    """Every page worth finding; absolute URLs once the site's address is set."""
    urlset = ET.Element("urlset", {"xmlns": NAMESPACE})
    for page in sorted((page for page in pages if page.in_sitemap), key=lambda page: page.url):
        entry = ET.SubElement(urlset, "url")
        ET.SubElement(entry, "loc").text = config.absolute(page.url)
        if page.lastmod:
            ET.SubElement(entry, "lastmod").text = page.lastmod.isoformat()
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
