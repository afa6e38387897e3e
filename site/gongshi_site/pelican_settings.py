"""The public site's Pelican settings, shared by site/pelicanconf.py (local and CMS builds)
and site/publishconf.py (a deployment with its public address).

Every path here is taken from this file's location, so the build does not depend on the
working directory. Pelican only provides the machinery: this package's plugin reads
content/, checks it against gongshi.contract and writes every page and feed; Pelican's own
articles, pages, feeds and archives are switched off.
"""

import os
from pathlib import Path

# Imported rather than named in PLUGINS as a string: Pelican skips a plugin it cannot
# import with a logged error and builds an empty site; an import error here stops the build.
from gongshi_site import plugin

REPOSITORY = Path(__file__).resolve().parents[2]

SITENAME = "质量奖公示公开平台"  # used only until content/home.md is read
SITEURL = ""  # pages link root-relative; publishconf.py sets the public address
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"

PATH = str(REPOSITORY / "content")
OUTPUT_PATH = str(REPOSITORY / "var" / "output")
THEME = str(REPOSITORY / "themes" / "gongshi")
PLUGINS = [plugin]

# The plugin's generator writes every page; Pelican reads no content of its own, and
# attachments are copied by the plugin only once their size and hash are checked.
ARTICLE_PATHS = []
PAGE_PATHS = []
STATIC_PATHS = []
DIRECT_TEMPLATES = []
ARTICLE_SAVE_AS = ARTICLE_LANG_SAVE_AS = ""
DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = ""
PAGE_SAVE_AS = PAGE_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = ""
CATEGORY_SAVE_AS = TAG_SAVE_AS = AUTHOR_SAVE_AS = ""
CATEGORIES_SAVE_AS = TAGS_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
# Feeds are the plugin's (feeds.py, with feedgen): one path for every feed.
FEED_ALL_ATOM = FEED_ALL_RSS = FEED_ATOM = FEED_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None

# Everything from content/ is text to escape, unless the plugin has sanitised it.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    "extensions": [],
}


def from_environment(environ=os.environ) -> dict[str, object]:
    """The settings a build takes from its environment. A function, not module constants:
    Pelican runs the settings file at every build, while this module is run once per
    process, and the worker builds many times with different environments."""
    return {
        # The day statuses are computed for (公示中, 已过期, ...): pinned for reproducible
        # builds and the golden test, otherwise today in China. Nothing else may read the clock.
        "GONGSHI_BUILD_DATE": environ.get("GONGSHI_BUILD_DATE") or None,
        # Items on a listing page; archive pages are counted in pages of this size from the
        # oldest item (pages.Pagination): changing it renumbers them.
        "GONGSHI_PAGE_SIZE": int(environ.get("GONGSHI_PAGE_SIZE") or 50),
        # Feeds (feeds.py) need absolute links although pages link root-relative.
        # publishconf.py's SITEURL wins; otherwise this address, by default where `make demo`
        # serves the site, so a feed reader on the same machine can follow it.
        "GONGSHI_FEED_BASE_URL": environ.get("GONGSHI_FEED_BASE_URL") or "http://127.0.0.1:8001",
        # Entries in each feed; older entries stay in its archive documents (RFC 5005), which
        # are counted in chunks of this size from the oldest entry: changing it renumbers them.
        "GONGSHI_FEED_SIZE": int(environ.get("GONGSHI_FEED_SIZE") or 50),
        # Open data (docs/open-data.md): the files of each year are always written, the
        # whole-archive files (winners.json, winners.csv, notices.json) while they list at
        # most this many items (awards, notices); past it a publish would rewrite them whole.
        "GONGSHI_OPEN_DATA_WHOLE_LIMIT": environ.get("GONGSHI_OPEN_DATA_WHOLE_LIMIT") or 10_000,
        # URLs per sitemap file, 50,000 by the protocol; lower only to test the split.
        "GONGSHI_SITEMAP_LIMIT": environ.get("GONGSHI_SITEMAP_LIMIT") or 50_000,
        # Where the build writes the search index and the search pages' shells: beside the
        # output, never inside it (atomic.py sets it for every build; unset, no index is
        # built). It must not exist yet.
        "GONGSHI_SEARCH_DIR": environ.get("GONGSHI_SEARCH_DIR") or None,
        # Where the build notes what each page read of the model (page_reads.py), for the
        # worker that publishes after it: beside the output (atomic.py sets it for every
        # build; unset, nothing is noted).
        "GONGSHI_STATE_DIR": environ.get("GONGSHI_STATE_DIR") or None,
        # Build speed (docs/adr/0008-build-performance.md). Where parsed and checked content
        # is kept between builds (atomic.py: <site dir>/cache/); unset, every build reads afresh.
        "GONGSHI_CACHE_DIR": environ.get("GONGSHI_CACHE_DIR") or None,
        # Processes that render pages and feeds, beside the one building the search index; 1
        # renders everything in this process, one thing after another.
        "GONGSHI_BUILD_WORKERS": environ.get("GONGSHI_BUILD_WORKERS") or 2,
        # A file to write each phase's duration to, as JSON (benchmarks); unset, only logged.
        "GONGSHI_BUILD_TIMINGS": environ.get("GONGSHI_BUILD_TIMINGS") or None,
        # Fonts the rare characters (生僻字) of names are drawn from, colon-separated, first
        # match wins (rarechars.py): Debian's fonts-hanazono by default; "" for none (the
        # characters are then named in the build's log).
        "GONGSHI_RARE_FONTS": environ.get("GONGSHI_RARE_FONTS", RARE_FONTS),
    }


RARE_FONTS = "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf:/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"
