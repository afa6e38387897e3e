"""The plugin's settings, read once from Pelican's into a small typed object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact and
# needs no time zone database on the build machine.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


@dataclass(frozen=True)
class SiteSettings:
    content_path: Path
    output_path: Path
    site_url: str  # "" builds root-relative links only; else e.g. https://zlj.example.gov.cn
    site_name: str  # fallback until home.md is read
    build_date: date  # the day every status (公示中, 已过期...) is computed for
    page_size: int
    feed_base_url: str  # absolute links in feeds: the public address, else a local default
    feed_size: int  # entries in a feed; older ones are in its archive documents
    search_path: Path | None = None  # where the build writes its search index; None: none
    cache_path: Path | None = None  # the content cache between builds (cache.py); None: none
    state_path: Path | None = None  # where the build notes its pages' reads (page_reads.py)
    workers: int = 2  # processes rendering pages and feeds; 1: all in Pelican's own process
    timings_path: Path | None = None  # where to write the phases' durations as JSON
    rare_fonts: tuple[Path, ...] = ()  # fonts the rare characters are drawn from (rarechars.py)
    # The whole-archive open data files are written while they list at most this many
    # items; the files of each year always are (opendata_years.py).
    open_data_whole_limit: int = 10_000
    sitemap_limit: int = 50_000  # URLs per sitemap: the protocol's maximum (sitemap.py)

    @classmethod
    def from_pelican(cls, settings: dict) -> SiteSettings:
        return cls(
            content_path=Path(settings["PATH"]),
            output_path=Path(settings["OUTPUT_PATH"]),
            site_url=(settings.get("SITEURL") or "").rstrip("/"),
            site_name=settings.get("SITENAME") or "",
            build_date=parse_build_date(settings.get("GONGSHI_BUILD_DATE")),
            page_size=int(settings.get("GONGSHI_PAGE_SIZE") or 50),
            feed_base_url=parse_base_url(
                settings.get("SITEURL") or settings.get("GONGSHI_FEED_BASE_URL") or ""
            ),
            feed_size=int(settings.get("GONGSHI_FEED_SIZE") or 50),
            search_path=_path(settings.get("GONGSHI_SEARCH_DIR")),
            cache_path=_path(settings.get("GONGSHI_CACHE_DIR")),
            state_path=_path(settings.get("GONGSHI_STATE_DIR")),
            workers=parse_workers(settings.get("GONGSHI_BUILD_WORKERS")),
            timings_path=_path(settings.get("GONGSHI_BUILD_TIMINGS")),
            rare_fonts=tuple(
                Path(name) for name in (settings.get("GONGSHI_RARE_FONTS") or "").split(":") if name
            ),
            open_data_whole_limit=int(settings.get("GONGSHI_OPEN_DATA_WHOLE_LIMIT") or 10_000),
            sitemap_limit=_sitemap_limit(settings.get("GONGSHI_SITEMAP_LIMIT")),
        )

    @property
    def site_domain(self) -> str:
        """The public host name (<meta name="SiteDomain">), "" when the address is unknown."""
        return urlsplit(self.site_url).hostname or "" if self.site_url else ""

    def absolute(self, path: str) -> str:
        """The URL of a site path: absolute when the public address is known."""
        return self.site_url + path


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _sitemap_limit(value) -> int:
    limit = int(value or 50_000)
    if not 1 <= limit <= 50_000:
        raise ValueError(f"GONGSHI_SITEMAP_LIMIT 应在 1 到 50000 之间，而不是 {value!r}")
    return limit


def parse_workers(value) -> int:
    if value in (None, ""):
        return 2
    try:
        workers = int(value)
    except (TypeError, ValueError):
        workers = 0
    if workers < 1:
        raise ValueError(f"GONGSHI_BUILD_WORKERS 应为正整数，而不是 {value!r}")
    return workers


def parse_build_date(value: str | None) -> date:
    if not value:
        return datetime.now(UTC).astimezone(CHINA).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"GONGSHI_BUILD_DATE 应为 YYYY-MM-DD 格式的日期，而不是 {value!r}"
        ) from None


def parse_base_url(value: str) -> str:
    """The address feeds make their links absolute with; a feed reader has no page to
    resolve a relative link against, so a build without one stops here."""
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or " " in value:
        raise ValueError(
            "订阅源需要站点的公开地址（SITEURL 或 GONGSHI_FEED_BASE_URL），"
            f"例如 https://zlj.example.gov.cn，而不是 {value!r}"
        )
    return value
