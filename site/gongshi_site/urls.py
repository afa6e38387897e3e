"""The site's URL scheme, in one place. Every page is a directory with an index.html, so
URLs end in a slash and never name a file.

    /                                  home
    /notices/ [page/<n>/]              calls and publicity notices: the newest, then archive
                                       pages numbered from the oldest (page/1/ is the first)
    /notices/programme/<slug>/         ... of one programme
    /notices/type/<type>/              ... of one kind: call, accepted, candidates, recommended
    /notices/year/<year>/              ... signed in one year
    /notices/<id>/  /calls/<id>/  /decisions/<id>/  /revocations/<id>/   documents
    /calls/  /decisions/  /revocations/  lists of each kind
    /winners/  /winners/<key>/         register of winners, one winner (<key>: the
                                       recipient_id, a credit code or a person's id)
    /programmes/  /programmes/<slug>/  programmes and their rules
    /reporting/  /statistics/  /data/  reporting channels, statistics, open data
    /attachments/<n>/<file name>       attachments, as content/ names them
    /subscribe/                        every feed, and what a feed is
    /v/<code>/ [qr.svg, badge.svg]     an award's credential: its page, QR code and badge
    /record/                           公开记录, the publication log and its files (record.py)
    /sitemap/                          网站地图, the site map for people (sitemap.xml: crawlers)
    /fonts/rare.css, /fonts/rare-<hash>.woff2   the rare characters' font (rarechars.py)
    /feeds/<name>.atom|rss             feeds: <name> is "all" or a kind (calls, notices...)
    /feeds/programmes/<slug>/<name>.atom|rss               ... of one programme
    /feeds/.../<name>-archive-<n>.atom|rss                 archive documents (RFC 5005)
    /report/  /report/status/          the online intake: served by the CMS, not built here

A document keeps its URL for good: paths come from the CMS's permanent ids, and a
withdrawn item's URL answers with a page saying so.
"""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

from gongshi.contract.schema import DIRECTORIES

HOME = "/"
NOTICES = "/notices/"
CALLS = "/calls/"
DECISIONS = "/decisions/"
REVOCATIONS = "/revocations/"
WINNERS = "/winners/"
PROGRAMMES = "/programmes/"
REPORTING = "/reporting/"
STATISTICS = "/statistics/"
DATA = "/data/"
WINNERS_JSON = "/data/winners.json"
WINNERS_CSV = "/data/winners.csv"
NOTICES_JSON = "/data/notices.json"
SUBSCRIBE = "/subscribe/"
SITEMAP = "/sitemap/"
SITEMAP_XML = "/sitemap.xml"
FEEDS = "/feeds/"
CREDENTIALS = "/v/"  # short: it is printed as a QR code on certificates and plaques
RECORD = "/record/"  # the publication log: head.json, entries/<n>.json (record.py)

# The CMS's confidential intake, proxied on this site's origin (nginx; make demo's server).
REPORT_FORM = "/report/"
REPORT_STATUS = "/report/status/"


def document(kind: str, item_id: int) -> str:
    return f"/{DIRECTORIES[kind]}/{item_id}/"


def credential(code: str) -> str:
    """An award's verification page (credentials.py); qr.svg and badge.svg beside it."""
    return f"{CREDENTIALS}{code}/"


def programme(slug: str) -> str:
    return f"{PROGRAMMES}{slug}/"


def notices_of_programme(slug: str) -> str:
    return f"{NOTICES}programme/{slug}/"


def notices_of_type(listing_type: str) -> str:
    return f"{NOTICES}type/{listing_type}/"


def notices_of_year(year: int) -> str:
    return f"{NOTICES}year/{year}/"


def page(listing: str, number: int) -> str:
    """Archive page `number` of a listing, counted from the oldest (pages.Pagination)."""
    return f"{listing}page/{number}/"


def report_form(programme_slug: str, notice_id: int | None = None) -> str:
    """The intake form with the programme (and the notice objected to) preselected."""
    query = f"?programme={quote(programme_slug)}"
    return f"{REPORT_FORM}{query}&notice={notice_id}" if notice_id else f"{REPORT_FORM}{query}"


def winner(key: str) -> str:
    return f"{WINNERS}{key}/"


def feed(name: str, programme: str | None, format: str, archive: int | None = None) -> str:
    """A feed document: `format` is "atom" or "rss"; `archive` numbers archive documents
    from the oldest (1), None is the subscription document."""
    folder = FEEDS if programme is None else f"{FEEDS}programmes/{programme}/"
    suffix = f"-archive-{archive}" if archive else ""
    return f"{folder}{name}{suffix}.{format}"


def attachment(file: str) -> str:
    return "/" + quote(file)


def save_as(url: str) -> str:
    """The output file of a page URL."""
    return url.lstrip("/") + "index.html"


def absolute(base: str, link: str) -> str | None:
    """`link` resolved against the absolute URL `base`, or None when the result is not a
    link a reader can follow (an http(s) URL with a host, or a mailto: address)."""
    if not link.isprintable() or any(character.isspace() for character in link):
        return None
    try:
        url = urljoin(base, link)
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.hostname:
        return url
    if parts.scheme == "mailto" and len(url) > len("mailto:"):
        return url
    return None
