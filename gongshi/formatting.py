"""How the product writes a date in Chinese running text, the same in the regulations'
messages, the site's pages and the search answers."""

from __future__ import annotations

from datetime import date


def chinese_date(day: date | None) -> str:
    """2024年6月12日; nothing for no date."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""
