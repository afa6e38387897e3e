"""Every HTML page of the site: its URL, template and what the template is given.

The generator writes them; the sitemap lists them. Templates also receive `site` (the
model), `config` (SiteSettings) and `page` (this Page) on every page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial
from itertools import groupby

from . import labels, opendata_years, statistics, urls
from .memo import Memo
from .model import Document, Programme, Site, Winner
from .settings import SiteSettings

HOME_LATEST = 5  # decisions, revocations and documents each shown on the home page


@dataclass
class Breadcrumb:
    title: str
    url: str


@dataclass
class Page:
    url: str
    template: str
    title: str
    section: str = ""  # the navigation entry this page belongs to
    description: str = ""
    context: dict = field(default_factory=dict)
    breadcrumbs: list[Breadcrumb] = field(default_factory=list)
    document: Document | None = None  # document pages carry the official metadata tags
    keywords: tuple[str, ...] = ()  # <meta name="Keywords">
    lastmod: date | None = None
    in_sitemap: bool = True
    # Feeds it announces besides the everything feed: (programme slug or None, feed name).
    feeds: list[tuple[str | None, str]] = field(default_factory=list)

    @cached_property
    def save_as(self) -> str:
        """The output file: a directory's index.html, or the file a URL names."""
        return urls.save_as(self.url) if self.url.endswith("/") else self.url.lstrip("/")


# The navigation (section keys, titles and URLs) is the theme's: templates/_chrome.html,
# which the CMS's pages on the public site share.
HOME_CRUMB = Breadcrumb("首页", urls.HOME)


def all_pages(site: Site, config: SiteSettings, memo: Memo | None = None) -> Iterator[Page]:
    """Every page; with the `memo` of the previous pass (incremental.py), a page made
    of the same model items as then is the same object."""
    memo = memo or Memo()
    yield home_page(site)
    yield from notice_listings(site, config.page_size, memo)
    yield from document_pages(site, memo)
    yield from kind_listings(site)
    yield from winner_pages(site, memo)
    yield from credential_pages(site, memo)
    yield from programme_pages(site, memo)
    yield reporting_page()
    yield statistics_page(site, memo)
    yield data_page(site, config)
    yield subscribe_page()
    yield record_page()
    yield sitemap_page(site)
    yield from withdrawn_pages(site)
    yield Page(url="/404.html", template="404", title="页面不存在", in_sitemap=False)


def home_page(site: Site) -> Page:
    notices = site.notices
    open_notices = sorted(
        (notice for notice in notices if notice.status.key == "open"),
        key=lambda notice: (notice.end_date, notice.id),
    )
    upcoming = sorted(
        (notice for notice in notices if notice.status.key == "upcoming"),
        key=lambda notice: (notice.start_date, notice.id),
    )
    open_calls = [call for call in site.calls if call.status.key == "accepting"]
    return Page(
        url=urls.HOME,
        template="home",
        title=site.home.site_name,
        section="home",
        description=site.home.introduction,
        context={
            "open_notices": open_notices,
            "upcoming_notices": upcoming,
            "open_calls": open_calls,
            "latest_decisions": site.decisions[:HOME_LATEST],
            "recent_revocations": site.revocations[:HOME_LATEST],
            "latest_documents": site.listed_documents[: HOME_LATEST * 2],
        },
    )


@dataclass
class Filter:
    title: str
    url: str


def notice_listings(site: Site, page_size: int, memo: Memo) -> Iterator[Page]:
    """/notices/ and its filtered views, each a static listing split into pages."""
    documents = site.listed_documents
    years = sorted({document.year for document in documents}, reverse=True)
    programmes = tuple((p.title, p.slug) for p in site.programmes)
    filters = memo.keyed(
        "listing filters",
        (programmes, tuple(years)),
        lambda: {
            "programmes": [
                Filter(title, urls.notices_of_programme(slug)) for title, slug in programmes
            ],
            "types": [Filter(t, urls.notices_of_type(k)) for k, t in labels.LISTING_TYPES.items()],
            "years": [Filter(f"{year}年", urls.notices_of_year(year)) for year in years],
        },
    )
    both = [(None, "notices"), (None, "calls")]
    # Each filtered view keeps the listing's order; grouped in one pass over the
    # documents, not one pass per programme, type and year.
    by_programme, by_type, by_year = {}, {}, {}
    for document in documents:
        by_programme.setdefault(id(document.programme), []).append(document)
        by_type.setdefault(document.listing_type, []).append(document)
        by_year.setdefault(document.year, []).append(document)
    listings = [("公示公告", urls.NOTICES, documents, both)]
    for programme in site.programmes:
        listings.append(
            (
                f"{programme.title} · 公示公告",
                urls.notices_of_programme(programme.slug),
                by_programme.get(id(programme), []),
                [(programme.slug, "notices"), (programme.slug, "calls")],
            )
        )
    for key, title in labels.LISTING_TYPES.items():
        feed = "calls" if key == "call" else "notices"
        listings.append((title, urls.notices_of_type(key), by_type.get(key, []), [(None, feed)]))
    for year in years:
        selected = by_year.get(year, [])
        listings.append((f"{year}年 · 公示公告", urls.notices_of_year(year), selected, both))
    for title, url, selected, feeds in listings:
        yield from _paginated(title, url, selected, page_size, filters, feeds, memo)


@dataclass
class Pagination:
    """Where a listing page stands among its listing's pages.

    The listing's own address shows the newest items. Older ones are on archive pages
    of `page_size` items numbered from the oldest, as feed archives are (RFC 5005):
    page 1 holds the first items ever listed, and an archive page keeps showing the
    same items, so a link to it stays true and a publish changes only the listing's
    own page (and, once every `page_size` publishes, adds an archive page). The newest
    items not yet filling an archive page are on the listing's own page only.
    """

    listing: str
    number: int  # 0 for the listing's own page, else the archive page's number
    archives: int  # how many archive pages the listing has

    @property
    def newer_url(self) -> str | None:
        if self.number == 0:
            return None
        return urls.page(self.listing, self.number + 1) if self.number < self.archives else None

    @property
    def older_url(self) -> str | None:
        older = self.archives if self.number == 0 else self.number - 1
        return urls.page(self.listing, older) if older >= 1 else None

    @property
    def oldest_url(self) -> str | None:
        """The first archive page, unless it is this page or the older neighbour."""
        if self.archives < 1 or self.number == 1 or self.older_url == urls.page(self.listing, 1):
            return None
        return urls.page(self.listing, 1)


def archive_pages(count: int, page_size: int) -> int:
    """How many full archive pages `count` items fill, leaving out the newest page when
    it is exactly the listing's own page."""
    return max(0, (count - 1) // page_size)


def _paginated(title, url, documents, page_size, filters, feeds, memo: Memo) -> Iterator[Page]:
    """The listing's own page, then its archive pages (documents are newest first)."""
    archives = archive_pages(len(documents), page_size)
    for number in range(archives + 1):
        if number == 0:
            chunk = documents[:page_size]
        else:  # oldest first: archive page 1 ends with the last of `documents`
            end = len(documents) - (number - 1) * page_size
            chunk = documents[end - page_size : end]
        # The page keeps `chunk`'s documents alive, so their ids stand for them.
        inputs = (title, archives, len(documents) if number == 0 else None, id(filters))
        yield memo.keyed(
            ("listing", url, number),
            (*inputs, *map(id, chunk)),
            partial(_listing_page, title, url, number, archives, documents, chunk, filters, feeds),
        )


def _listing_page(title, url, number, archives, documents, chunk, filters, feeds) -> Page:
    crumbs = (
        [HOME_CRUMB] if url == urls.NOTICES else [HOME_CRUMB, Breadcrumb("公示公告", urls.NOTICES)]
    )
    return Page(
        url=url if number == 0 else urls.page(url, number),
        template="notice_list",
        title=title if number == 0 else f"{title}（第{number}页）",
        section="notices",
        breadcrumbs=crumbs,
        context={
            "listing_url": url,
            # Only the listing's own page counts everything: an archive page that showed
            # a total would change with every publish.
            "total": len(documents) if number == 0 else None,
            "by_year": [
                (year, list(items)) for year, items in groupby(chunk, key=lambda d: d.year)
            ],
            "filters": filters,
            "pagination": Pagination(url, number, archives),
        },
        feeds=feeds,
    )


# Where a document's breadcrumb leads back to: the list of its kind.
SECTION_URLS = {
    "call": urls.CALLS,
    "notice": urls.NOTICES,
    "decision": urls.DECISIONS,
    "revocation": urls.REVOCATIONS,
}


def document_pages(site: Site, memo: Memo) -> Iterator[Page]:
    for document in [*site.calls, *site.notices, *site.decisions, *site.revocations]:
        yield memo.of(document, _document_page)


def _document_page(document: Document) -> Page:
    return Page(
        url=document.url,
        template=document.kind,
        title=document.title,
        section="notices" if document.kind in ("call", "notice") else "decisions",
        description=document.summary,
        breadcrumbs=[HOME_CRUMB, Breadcrumb(document.section, SECTION_URLS[document.kind])],
        document=document,
        keywords=_keywords(document),
        lastmod=document.last_published_at.date(),
        context={"document": document},
        feeds=[(document.programme.slug, "all")],
    )


def _keywords(document: Document) -> tuple[str, ...]:
    """What a document is about, for <meta name="Keywords">: its programme, its kind
    and its 文号."""
    words = [document.programme.title, document.section]
    if document.kind == "notice":
        words.append(labels.NOTICE_TYPES[document.notice_type])
    if document.document_number:
        words.append(document.document_number)
    return tuple(words)


def kind_listings(site: Site) -> Iterator[Page]:
    """Plain lists behind the /calls/, /decisions/ and /revocations/ directories."""
    for url, title, documents, section, feed in (
        (urls.CALLS, "申报通知", site.calls, "notices", "calls"),
        (urls.DECISIONS, "表彰决定", site.decisions, "decisions", "decisions"),
        (urls.REVOCATIONS, "撤销公告", site.revocations, "decisions", "revocations"),
    ):
        yield Page(
            url=url,
            template="document_list",
            title=title,
            section=section,
            breadcrumbs=[HOME_CRUMB],
            context={"documents": documents},
            feeds=[(None, feed)],
        )


def winner_pages(site: Site, memo: Memo) -> Iterator[Page]:
    awards = site.awards
    yield memo.keyed(
        "register",
        tuple(map(id, awards)),  # the page keeps the awards alive
        lambda: Page(
            url=urls.WINNERS,
            template="winners",
            title="获奖名录",
            section="winners",
            description="历届质量奖获奖单位和个人，及其奖项的有效、过期和撤销情况。",
            breadcrumbs=[HOME_CRUMB],
            context={"register": _register(site)},
        ),
    )
    for winner in site.winners:
        yield memo.of(winner, _winner_page)


def _winner_page(winner: Winner) -> Page:
    return Page(
        url=winner.url,
        template="winner",
        title=winner.name,
        section="winners",
        breadcrumbs=[HOME_CRUMB, Breadcrumb("获奖名录", urls.WINNERS)],
        context={"winner": winner},
    )


def credential_pages(site: Site, memo: Memo) -> Iterator[Page]:
    for award in site.awards:
        yield memo.of(award, _credential_page)


def _credential_page(award) -> Page:
    from . import credentials

    return Page(
        url=credentials.page_url(award),
        template="credential",
        title=f"获奖核验：{award.recipient}",
        description=f"{award.recipient} {award.year}年度{award.programme.title}：核验状态",
        in_sitemap=False,
        breadcrumbs=[HOME_CRUMB, Breadcrumb("获奖名录", urls.WINNERS)],
        context={"award": award, "code": credentials.code(award)},
    )


def _register(site: Site) -> list:
    """[(programme, [(year, awards), ...newest year first]), ...]"""
    register = []
    for programme in site.programmes:
        awards = sorted(
            programme.awards, key=lambda award: (-award.year, award.decision.id, award.id)
        )
        years = [(year, list(group)) for year, group in groupby(awards, key=lambda a: a.year)]
        register.append((programme, years))
    return register


def programme_pages(site: Site, memo: Memo) -> Iterator[Page]:
    yield Page(
        url=urls.PROGRAMMES,
        template="programmes",
        title="评选项目",
        section="programmes",
        breadcrumbs=[HOME_CRUMB],
    )
    for programme in site.programmes:
        yield memo.of(programme, _programme_page)


def _programme_page(programme: Programme) -> Page:
    return Page(
        url=programme.url,
        template="programme",
        title=programme.title,
        section="programmes",
        description=programme.summary,
        breadcrumbs=[HOME_CRUMB, Breadcrumb("评选项目", urls.PROGRAMMES)],
        lastmod=programme.last_published_at.date(),
        context={"programme": programme},
        feeds=[(programme.slug, "all")],
    )


def reporting_page() -> Page:
    return Page(
        url=urls.REPORTING,
        template="reporting",
        title="投诉举报渠道",
        section="reporting",
        description="对公示名单有异议、发现获奖者弄虚作假等情形，可通过以下渠道反映。",
        breadcrumbs=[HOME_CRUMB],
    )


def statistics_page(site: Site, memo: Memo) -> Page:
    # The charts count awards, their statuses and revocations, and the programmes'
    # complaint figures (a programme changed is a new object).
    awards = site.awards
    counted = (
        tuple(map(id, site.programmes)),
        tuple(map(id, awards)),
        tuple(id(award.revocation) for award in awards),
        tuple(award.status.key for award in awards),
        site.today,  # its text says as of when
    )
    return memo.keyed(
        "statistics",
        counted,
        lambda: Page(
            url=urls.STATISTICS,
            template="statistics",
            title="数据统计",
            section="statistics",
            description="质量奖获奖数量按项目、年度、奖项、地区的统计，以及撤销情况。",
            breadcrumbs=[HOME_CRUMB],
            context={"charts": statistics.charts(site)},
        ),
        alive=(site.programmes, awards),
    )


def data_page(site: Site, config: SiteSettings) -> Page:
    whole, years = opendata_years.listed_files(site, config)
    return Page(
        url=urls.DATA,
        template="data",
        title="开放数据",
        section="data",
        description="获奖名录和公示公告的机器可读数据，可自由下载使用。",
        breadcrumbs=[HOME_CRUMB],
        context={
            "whole_files": whole,
            "whole_limit": config.open_data_whole_limit,
            "years": years,
            "index_url": opendata_years.INDEX,
        },
    )


def subscribe_page() -> Page:
    return Page(
        url=urls.SUBSCRIBE,
        template="subscribe",
        title="订阅更新",
        description="用 RSS 或 Atom 订阅本站的申报通知、公示、表彰决定、撤销公告和更正，有新内容时自动收到。",
        breadcrumbs=[HOME_CRUMB],
    )


def record_page() -> Page:
    return Page(
        url=urls.RECORD,
        template="record",
        title="公开记录",
        description="本站每一次发布、更正、撤下和撤销都写入一份只能追加、带签名的公开记录，任何人都可以自行核对。",
        breadcrumbs=[HOME_CRUMB],
    )


def sitemap_page(site: Site) -> Page:
    """网站地图: every section and what it holds, for people (sitemap.xml is for crawlers)."""
    years = sorted({document.year for document in site.listed_documents}, reverse=True)
    return Page(
        url=urls.SITEMAP,
        template="sitemap",
        title="网站地图",
        description="本站全部栏目和页面的索引。",
        breadcrumbs=[HOME_CRUMB],
        context={"years": years},
    )


def withdrawn_pages(site: Site) -> Iterator[Page]:
    for item in site.withdrawn:
        yield Page(
            url=item.url,
            template="withdrawn",
            title=f"已撤回：{item.title}",
            breadcrumbs=[HOME_CRUMB],
            context={"item": item},
            in_sitemap=False,
        )
