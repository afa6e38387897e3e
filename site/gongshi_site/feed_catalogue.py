"""Which feeds the site has: everything, each kind of entry, each programme, and each
programme and kind; their titles, addresses, and the pages that announce them."""

from __future__ import annotations

from dataclasses import dataclass

from . import urls
from .feed_entries import KINDS, FeedEntry
from .model import Programme, Site

ALL = "all"

# What each feed carries, said on the RSS channel and on /subscribe/.
DESCRIPTIONS = {
    ALL: "申报通知、公示、表彰决定、撤销公告和重大更正，按发布时间排列，最新的在前。",
    "calls": "评选项目的申报通知，摘要中写明申报截止日期。",
    "notices": "受理名单、候选名单和获奖建议名单公示，摘要中写明公示期。",
    "decisions": "表彰决定；其中的奖项被撤销时，该决定的条目随之更新。",
    "revocations": "撤销奖项的决定，写明撤销理由、依据和被撤销的奖项。",
    "corrections": "已发布文件的重大更正，附更正说明；错别字等一般修改不推送。",
}
# The page a site-wide feed of each kind belongs to (the RSS channel's <link>).
KIND_PAGES = {
    ALL: urls.HOME,
    "calls": urls.CALLS,
    "notices": urls.NOTICES,
    "decisions": urls.DECISIONS,
    "revocations": urls.REVOCATIONS,
    "corrections": urls.HOME,
}


@dataclass(frozen=True)
class Feed:
    name: str  # ALL or a key of feed_entries.KINDS
    programme: Programme | None  # None: the whole site
    title: str
    description: str
    page_url: str  # the HTML page it corresponds to
    author: str  # who publishes it: the site, or the programme's organiser

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.programme.slug if self.programme else None, self.name)

    @property
    def label(self) -> str:
        """全部更新, 公示...: its name among its programme's feeds."""
        return "全部更新" if self.name == ALL else KINDS[self.name]

    def url(self, format: str = "atom", archive: int | None = None) -> str:
        return urls.feed(self.name, self.key[0], format, archive)

    def selects(self, entry: FeedEntry) -> bool:
        return (self.name == ALL or entry.kind == self.name) and (
            self.programme is None or entry.programme == self.programme.slug
        )


class FeedCatalogue:
    """Every feed of the site, in the order /subscribe/ lists them."""

    def __init__(self, site: Site):
        site_name = site.home.site_name
        self.sitewide = [
            Feed(
                name,
                None,
                f"{label} - {site_name}",
                DESCRIPTIONS[name],
                KIND_PAGES[name],
                site_name,
            )
            for name, label in [(ALL, "全部更新"), *KINDS.items()]
        ]
        self.by_programme = {
            programme.slug: [
                Feed(
                    name,
                    programme,
                    f"{programme.title}：{label}",
                    f"{programme.title}的" + DESCRIPTIONS[name],
                    urls.notices_of_programme(programme.slug)
                    if name in ("calls", "notices")
                    else programme.url,
                    programme.organiser or site_name,
                )
                for name, label in [(ALL, "全部更新"), *KINDS.items()]
            ]
            for programme in site.programmes
        }
        self.all = [*self.sitewide, *(f for feeds in self.by_programme.values() for f in feeds)]
        self._by_key = {feed.key: feed for feed in self.all}

    @property
    def everything(self) -> Feed:
        return self.sitewide[0]

    def get(self, programme: str | None, name: str) -> Feed:
        return self._by_key[(programme, name)]

    def for_page(self, page) -> list[Feed]:
        """The feeds a page announces with <link rel="alternate">: everything, then the
        ones the page names (its programme's, its kind's)."""
        keys = [self.everything.key, *(key for key in page.feeds if key in self._by_key)]
        return [self._by_key[key] for key in dict.fromkeys(keys)]
