"""The site's feeds as Atom 1.0 and RSS 2.0 documents, written with feedgen: the one
place feeds are made (Pelican's own feed writer is off).

Each feed of feed_catalogue.py is a subscription document holding its newest entries
(GONGSHI_FEED_SIZE) and, once it has more, archive documents (RFC 5005 section 4): fixed
chunks counted from the oldest entry, so an archive, once full, keeps its entries.

feedgen's traps, each handled here and tested in tests/site/test_site_feeds.py:

- add_entry() prepends unless told otherwise: entries are appended, newest first;
- the RSS channel <link> is whichever feed link was set last: the page's link is set
  last, and the archive links go through the extension below instead of fg.link();
- a date without a time zone is refused with a bare ValueError: every date is checked
  here first, and the entry named;
- Atom entry links lose rel, type and length (feedgen reads them back from the element
  it just made): enclosures are written by the extension below.

Text reaches feedgen only after characters XML 1.0 forbids are taken out, and HTML only
after it is sanitised again with every link made absolute. What goes where a feed carries
text (titles, summaries and RSS descriptions, authors, categories, 文号) is plain text
that no reader can take for markup (plain_text): many readers render an RSS <title> or
<description> as HTML whatever it holds.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from . import urls
from .feed_catalogue import ALL, Feed, FeedCatalogue
from .feed_entries import Category, FeedEntry
from .markup import sanitise_with_absolute_links
from .settings import CHINA

FORMATS = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
ATOM = "http://www.w3.org/2005/Atom"
HISTORY = "http://purl.org/syndication/history/1.0"  # RFC 5005
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
GENERATOR = "gongshi"

# Characters XML 1.0 does not allow (C0 controls but tab and newline, surrogates,
# U+FFFE/FFFF), and C1 controls, which it allows but nobody means.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class FeedInvalid(Exception):
    """Entries that cannot be written as a valid feed; `errors` name each item."""

    exitcode = 1

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


# Markup's characters as the full-width forms Chinese text uses anyway: shown as typed,
# parsed as nothing, however many times a reader decodes entities before rendering.
_MARKUP = str.maketrans({"<": "＜", ">": "＞", "&": "＆"})


def plain_text(text: str) -> str:
    """Editor text for a feed's text elements: XML-safe, and never HTML to a reader."""
    return xml_text(text).translate(_MARKUP)


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int
    type: str
    title: str


@dataclass(frozen=True)
class ReadyEntry:
    """An entry as it goes into every feed: checked, absolute, XML-safe."""

    entry: FeedEntry
    link: str
    content_html: str
    enclosures: tuple[Enclosure, ...]


def feed_files(
    catalogue: FeedCatalogue, entries: list[FeedEntry], base_url: str, size: int, today: date
) -> dict[str, bytes]:
    """{site path: bytes} of every feed document; raises FeedInvalid naming each entry
    that cannot be written, before anything is."""
    plan = feed_plan(catalogue, entries, base_url, size, today)
    files = {}
    for feed in catalogue.all:
        files.update(plan.documents(feed))
    return files


@dataclass(frozen=True)
class FeedPlan:
    """Every entry checked and sorted into the feeds it belongs to, ready to be written
    one feed at a time (a build writes each feed's documents as it makes them, in
    whichever process renders that feed, instead of holding every feed in memory)."""

    selected: dict  # feed key -> [ReadyEntry], newest first
    base_url: str
    size: int
    programmes_updated: datetime | None  # programmes_updated() of the catalogue
    today: date

    def documents(self, feed: Feed) -> dict[str, bytes]:
        items = self.selected.get(feed.key, [])
        updated = empty_updated(feed, self.programmes_updated, self.today)
        return feed_documents(feed, items, self.base_url, self.size, updated)


def programmes_updated(catalogue: FeedCatalogue) -> datetime | None:
    """The last publication of any programme; None on a site without programmes."""
    moments = [feed.programme.last_published_at for feed in catalogue.all if feed.programme]
    return max(moments, default=None)


def empty_updated(feed: Feed, programmes_moment: datetime | None, today: date) -> datetime:
    """When a feed with no entry yet is dated: the last publication of its programme, or
    for a site-wide feed of any programme (`programmes_moment`), what the feed is made
    of when it has no entries; the build date's midnight on a site without programmes.
    Not the build date everywhere: a new day would then change every empty feed of
    every programme (incremental_day.py), and the same content gives the same bytes."""
    if feed.programme is not None:
        return feed.programme.last_published_at
    if programmes_moment is not None:
        return programmes_moment
    return datetime.combine(today, time(), CHINA)


def feed_plan(
    catalogue: FeedCatalogue, entries: list[FeedEntry], base_url: str, size: int, today: date
) -> FeedPlan:
    """Check every entry (raises FeedInvalid naming each one that cannot be written) and
    sort it into its feeds: the site-wide ones and its programme's, for everything and
    for its kind, as Feed.selects() says."""
    ready = prepare(entries, base_url)
    selected: dict = {}
    for item in ready:
        entry = item.entry
        for key in dict.fromkeys(
            [(None, ALL), (None, entry.kind), (entry.programme, ALL), (entry.programme, entry.kind)]
        ):
            selected.setdefault(key, []).append(item)
    return FeedPlan(selected, base_url, size, programmes_updated(catalogue), today)


def prepare(entries: list[FeedEntry], base_url: str) -> list[ReadyEntry]:
    """Every entry checked once, newest first: its dates carry a time zone, its links
    can be made absolute. All problems are collected, then FeedInvalid."""
    errors, ready = [], []
    for entry in sorted(entries, key=lambda entry: entry.order_key, reverse=True):
        problems = []
        for name, value in (("发布时间", entry.published), ("更新时间", entry.updated)):
            if not isinstance(value, datetime) or value.utcoffset() is None:
                problems.append(f"缺少带时区的{name}（{value!r}）")
        link = urls.absolute(base_url, entry.url)
        if link is None:
            problems.append(f"链接无法转为绝对地址：{entry.url!r}")
        enclosures = []
        for attachment in entry.attachments:
            url = urls.absolute(base_url, attachment.url)
            if url is None:
                problems.append(f"附件链接无法转为绝对地址：{attachment.url!r}")
                continue
            kind, _ = mimetypes.guess_type(attachment.file)
            enclosures.append(
                Enclosure(
                    url,
                    attachment.size,
                    kind or "application/octet-stream",
                    plain_text(attachment.title),
                )
            )
        content, broken = sanitise_with_absolute_links(entry.content_html, link or base_url)
        problems += [f"正文链接无法转为绝对地址：{href!r}" for href in broken]
        errors += [f"{entry.source}：{problem}" for problem in problems]
        if not problems:
            ready.append(ReadyEntry(_plain(entry), link, xml_text(content), tuple(enclosures)))
    if errors:
        raise FeedInvalid(errors)
    return ready


def archive_chunks(items: list, size: int) -> list[list]:
    """Archive documents' items, oldest chunk first, each oldest first. Only full chunks
    are archived: the newest entries are all in the subscription document, and an
    archive never gains or loses an entry once written."""
    oldest_first = items[::-1]
    return [oldest_first[start : start + size] for start in range(0, len(items) - size + 1, size)]


def feed_documents(
    feed: Feed, items: list[ReadyEntry], base_url: str, size: int, empty_updated: datetime
) -> dict[str, bytes]:
    """The subscription document and the archives of one feed, in both formats."""
    return {
        url: _document(feed, selected, format, base_url, number, count, empty_updated)
        for url, format, selected, number, count in feed_document_plan(feed, items, size)
    }


def feed_document_plan(feed: Feed, items: list[ReadyEntry], size: int) -> list[tuple]:
    """(url, format, entries, archive number or None, archive count) of each document
    of a feed: what decides its bytes, besides the feed and the build's settings."""
    chunks = archive_chunks(items, size)
    plan = []
    for format in FORMATS:
        plan.append((feed.url(format), format, items[:size], None, len(chunks)))
        for number, chunk in enumerate(chunks, start=1):
            plan.append((feed.url(format, number), format, chunk[::-1], number, len(chunks)))
    return plan


def feed_document(feed, entries, format, base_url, archive, archive_count, empty_updated):
    """One document of feed_document_plan(), as bytes."""
    return _document(feed, entries, format, base_url, archive, archive_count, empty_updated)


def _document(
    feed: Feed,
    items: list[ReadyEntry],
    format: str,
    base_url: str,
    archive: int | None,
    archives: int,
    empty_updated: datetime,
) -> bytes:
    def absolute(path: str) -> str:
        return base_url + path

    generator = FeedGenerator()
    generator.register_extension("gongshi", _FeedExtension, _EntryExtension)
    generator.id(absolute(feed.url("atom")))  # one id for the feed and its archives
    title = feed.title if archive is None else f"{feed.title}（历史存档第{archive}部分）"
    generator.title(plain_text(title))
    generator.subtitle(plain_text(feed.description))  # also the RSS <description>
    generator.author(name=plain_text(feed.author))
    generator.language("zh-CN")
    generator.generator(GENERATOR)
    generator.updated(max((item.entry.updated for item in items), default=empty_updated))
    generator.link(href=absolute(feed.url(format, archive)), rel="self", type=FORMATS[format])
    # Set last: feedgen takes the RSS channel's <link> from the last link set.
    generator.link(href=absolute(feed.page_url), rel="alternate", type="text/html")

    history = generator.gongshi
    history.is_archive = archive is not None
    if archive is not None:
        history.links.append(("current", absolute(feed.url(format)), FORMATS[format]))
    newer = None if archive is None else archive + 1
    older = archives if archive is None else archive - 1
    if older:
        history.links.append(("prev-archive", absolute(feed.url(format, older)), FORMATS[format]))
    if newer and newer <= archives:
        history.links.append(("next-archive", absolute(feed.url(format, newer)), FORMATS[format]))

    for item in items:
        _add_entry(generator, item, base_url)
    if format == "atom":
        return generator.atom_str(pretty=True)
    return generator.rss_str(pretty=True)


def _add_entry(generator: FeedGenerator, item: ReadyEntry, base_url: str) -> None:
    entry = item.entry
    # Appended: add_entry() would otherwise put each entry before the previous one.
    feed_entry = generator.add_entry(order="append")
    feed_entry.id(entry.id)  # also the RSS <guid isPermaLink="false">
    feed_entry.title(entry.title)
    feed_entry.link(href=item.link)
    feed_entry.published(entry.published)
    feed_entry.updated(entry.updated)
    if entry.author:
        feed_entry.author(name=entry.author)
    feed_entry.summary(entry.summary)
    feed_entry.content(item.content_html, type="html")
    for category in entry.categories:
        feed_entry.category(
            term=category.term,
            label=category.label,
            **({"scheme": base_url + category.scheme} if category.scheme else {}),
        )
    feed_entry.gongshi.enclosures = item.enclosures
    feed_entry.gongshi.identifier = entry.document_number
    feed_entry.gongshi.updated = entry.updated


def _plain(entry: FeedEntry) -> FeedEntry:
    return replace(
        entry,
        title=plain_text(entry.title),
        author=plain_text(entry.author),
        summary=plain_text(entry.summary),
        document_number=plain_text(entry.document_number),
        categories=tuple(
            Category(plain_text(c.term), plain_text(c.label), c.scheme) for c in entry.categories
        ),
    )


class _FeedExtension(BaseExtension):
    """RFC 5005 links (current, prev-archive, next-archive) and <fh:archive/>, in Atom
    and, as atom:link elements, in RSS, which feedgen's own link() cannot do."""

    def __init__(self):
        self.links: list[tuple[str, str, str]] = []  # (rel, href, type)
        self.is_archive = False

    def extend_ns(self):
        return {"fh": HISTORY, "dc": DUBLIN_CORE}

    def extend_atom(self, feed):
        # feedgen's Atom elements carry no namespace of their own, under a literal
        # xmlns on <feed>: a plain "link" is an atom:link there.
        self._extend(feed, "link")
        return feed

    def extend_rss(self, feed):
        self._extend(feed.find("channel"), f"{{{ATOM}}}link")
        return feed

    def _extend(self, parent, link_tag: str) -> None:
        if self.is_archive:
            xml_elem(f"{{{HISTORY}}}archive", parent)
        for rel, href, type_ in self.links:
            xml_elem(link_tag, parent, rel=rel, href=href, type=type_)


class _EntryExtension(BaseEntryExtension):
    """Attachments as enclosures with their type and length, the 文号, and in RSS the
    entry's last update."""

    def __init__(self):
        self.enclosures: tuple[Enclosure, ...] = ()
        self.identifier = ""
        self.updated: datetime | None = None

    def extend_atom(self, entry):
        for enclosure in self.enclosures:
            xml_elem(
                "link",
                entry,
                rel="enclosure",
                href=enclosure.url,
                type=enclosure.type,
                length=str(enclosure.length),
                title=enclosure.title,
            )
        self._identifier(entry)
        return entry

    def extend_rss(self, entry):
        # RSS 2.0 has no date for an item's last change; atom:updated carries it, so a
        # reader that knows it shows a revoked decision or a correction as an update.
        if self.updated is not None:
            xml_elem(f"{{{ATOM}}}updated", entry).text = self.updated.isoformat()
        # RSS 2.0 allows one enclosure an item: the first attachment; the content lists all.
        for enclosure in self.enclosures[:1]:
            xml_elem(
                "enclosure",
                entry,
                url=enclosure.url,
                length=str(enclosure.length),
                type=enclosure.type,
            )
        self._identifier(entry)
        return entry

    def _identifier(self, entry) -> None:
        if self.identifier:
            xml_elem(f"{{{DUBLIN_CORE}}}identifier", entry).text = self.identifier
