"""Check a feed document against the rules themselves, not only a parser's verdict:
feedparser forgives a missing <description> or a malformed date (its bozo flag stays
down), so each required element, date format and link is checked here by hand, on a
strict XML parse. Shared by the site's tests and the CMS's end-to-end tests."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import feedparser

ATOM = "{http://www.w3.org/2005/Atom}"
HISTORY = "{http://purl.org/syndication/history/1.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# RFC 3339 date-time, offset required.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# RFC 822 as RSS 2.0 uses it (four-digit years), with a numeric offset.
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)


def problems(data: bytes) -> list[str]:
    """Everything wrong with an Atom or RSS document; [] when it keeps every rule."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    parsed = feedparser.parse(data)
    found = [f"feedparser: {parsed.bozo_exception}"] if parsed.bozo else []
    if root.tag == f"{ATOM}feed":
        return found + _atom_problems(root)
    if root.tag == "rss":
        return found + _rss_problems(root)
    return [*found, f"neither Atom nor RSS: <{root.tag}>"]


def _atom_problems(feed) -> list[str]:
    found = []
    if feed.get(XML_LANG) != "zh-CN":
        found.append("feed: xml:lang is not zh-CN")
    for name in ("id", "title", "updated"):
        if not (feed.findtext(f"{ATOM}{name}") or "").strip():
            found.append(f"feed: no <{name}>")
    found += _date(feed.findtext(f"{ATOM}updated"), RFC3339, "feed updated")
    links = {link.get("rel", "alternate"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    for rel in ("self", "alternate"):
        if rel not in links:
            found.append(f"feed: no link rel={rel}")
    for link in feed.iter(f"{ATOM}link"):
        found += _absolute(link.get("href"), f"link rel={link.get('rel')}")
    feed_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    for entry in feed.findall(f"{ATOM}entry"):
        where = f"entry {entry.findtext(f'{ATOM}id')}"
        for name in ("id", "title", "updated", "published", "summary", "content"):
            if not (entry.findtext(f"{ATOM}{name}") or "").strip():
                found.append(f"{where}: no <{name}>")
        for name in ("updated", "published"):
            found += _date(entry.findtext(f"{ATOM}{name}"), RFC3339, f"{where} {name}")
        if entry.find(f"{ATOM}content").get("type") != "html":
            found.append(f"{where}: content is not type=html")
        alternates = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if len(alternates) != 1:
            found.append(f"{where}: {len(alternates)} alternate links")
        for link in entry.findall(f"{ATOM}link[@rel='enclosure']"):
            if not (link.get("type") and (link.get("length") or "").isdigit()):
                found.append(f"{where}: enclosure without type or length")
        if not feed_author and entry.find(f"{ATOM}author/{ATOM}name") is None:
            found.append(f"{where}: no author, and the feed has none")
        found += _html_links(entry.findtext(f"{ATOM}content") or "", where)
    return found


def _rss_problems(rss) -> list[str]:
    found = [] if rss.get("version") == "2.0" else ["rss: version is not 2.0"]
    channel = rss.find("channel")
    for name in ("title", "link", "description", "language", "lastBuildDate"):
        if not (channel.findtext(name) or "").strip():
            found.append(f"channel: no <{name}>")
    if channel.findtext("language") != "zh-CN":
        found.append("channel: language is not zh-CN")
    found += _absolute(channel.findtext("link"), "channel link")
    found += _date(channel.findtext("lastBuildDate"), RFC822, "lastBuildDate")
    if channel.find(f"{ATOM}link[@rel='self']") is None:
        found.append("channel: no atom:link rel=self")
    for link in channel.findall(f"{ATOM}link"):
        found += _absolute(link.get("href"), f"atom:link rel={link.get('rel')}")
    for item in channel.findall("item"):
        where = f"item {item.findtext('guid')}"
        for name in ("title", "link", "description", "guid", "pubDate"):
            if not (item.findtext(name) or "").strip():
                found.append(f"{where}: no <{name}>")
        if item.find("guid") is not None and item.find("guid").get("isPermaLink") != "false":
            found.append(f"{where}: guid is not isPermaLink=false")
        found += _date(item.findtext("pubDate"), RFC822, f"{where} pubDate")
        found += _absolute(item.findtext("link"), f"{where} link")
        enclosures = item.findall("enclosure")
        if len(enclosures) > 1:
            found.append(f"{where}: more than one enclosure")
        for enclosure in enclosures:
            found += _absolute(enclosure.get("url"), f"{where} enclosure")
            if not (enclosure.get("type") and (enclosure.get("length") or "").isdigit()):
                found.append(f"{where}: enclosure without type or length")
        found += _html_links(
            item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or "", where
        )
    return found


def _date(text: str | None, pattern: re.Pattern, where: str) -> list[str]:
    if not text or not pattern.match(text):
        return [f"{where}: {text!r} is not a valid date"]
    try:
        value = datetime.fromisoformat(text) if pattern is RFC3339 else parsedate_to_datetime(text)
    except ValueError:
        return [f"{where}: {text!r} is not a real date"]
    return [] if value.utcoffset() is not None else [f"{where}: {text!r} has no offset"]


def _absolute(url: str | None, where: str) -> list[str]:
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return []
    return [f"{where}: {url!r} is not an absolute http(s) URL"]


def _html_links(html: str, where: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"]*)"', html):
        if not href.startswith("mailto:"):
            found += _absolute(href, f"{where} content link")
    return found


def history_links(data: bytes) -> dict[str, str]:
    """RFC 5005 links of a feed document (Atom <link> or RSS <atom:link>), by rel."""
    root = ET.fromstring(data)
    parent = root if root.tag == f"{ATOM}feed" else root.find("channel")
    return {
        link.get("rel"): link.get("href")
        for link in parent.findall(f"{ATOM}link")
        if link.get("rel") in ("current", "prev-archive", "next-archive")
    }


def is_archive(data: bytes) -> bool:
    root = ET.fromstring(data)
    parent = root if root.tag == f"{ATOM}feed" else root.find("channel")
    return parent.find(f"{HISTORY}archive") is not None
