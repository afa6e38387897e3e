"""The plugin's settings, read once from Pelican's into a small typed object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

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
    search_path: Path | None = None  # where the build writes its search index; None: none

    @classmethod
    def from_pelican(cls, settings: dict) -> SiteSettings:
        return cls(
            content_path=Path(settings["PATH"]),
            output_path=Path(settings["OUTPUT_PATH"]),
            site_url=(settings.get("SITEURL") or "").rstrip("/"),
            site_name=settings.get("SITENAME") or "",
            build_date=parse_build_date(settings.get("GONGSHI_BUILD_DATE")),
            page_size=int(settings.get("GONGSHI_PAGE_SIZE") or 50),
            search_path=Path(settings["GONGSHI_SEARCH_DIR"])
            if settings.get("GONGSHI_SEARCH_DIR")
            else None,
        )

    def absolute(self, path: str) -> str:
        """The URL of a site path: absolute when the public address is known."""
        return self.site_url + path


def parse_build_date(value: str | None) -> date:
    if not value:
        return datetime.now(UTC).astimezone(CHINA).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"GONGSHI_BUILD_DATE 应为 YYYY-MM-DD 格式的日期，而不是 {value!r}"
        ) from None
