"""Jinja filters: how dates, money and sizes read on the public site."""

from __future__ import annotations

import re
from datetime import date, datetime

from markupsafe import Markup, escape

from gongshi.formatting import chinese_date
from gongshi.rules.validity import NO_VALIDITY

_PHONE = re.compile(r"^[0-9+\-() ]{3,}$")
_EMAIL = re.compile(r"^[^@\s<>\"'()]+@[^@\s<>\"'()]+\.[^@\s<>\"'()]+$")


def day(value: date | datetime | None) -> str:
    """2024-06-12; the form the site uses for every date."""
    return value.strftime("%Y-%m-%d") if value else ""


def moment(value: datetime | None) -> str:
    """2024-06-12 09:30, in China time (as assemble.py stores every timestamp)."""
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def chinese_day(value: date | None) -> str:
    """2024年6月12日, for running text."""
    return chinese_date(value)


def validity(valid_from: date, valid_until: date | None) -> str:
    """An award's validity: its first and last days (both included), or that the
    regulation sets none (gongshi/rules/validity.py)."""
    if valid_until is None:
        return NO_VALIDITY
    return f"{day(valid_from)} 至 {day(valid_until)}"


def score(value: int | None, bonus: int | None = None) -> str:
    """812, or 812＋20 with points outside the maximum (Yuncheng's talent bonus), or ""."""
    if value is None:
        return ""
    return f"{value}＋{bonus}" if bonus else str(value)


def yuan(value: int | None) -> str:
    return f"{value:,}元" if value is not None else ""


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def tel_href(phone: str) -> str:
    """A tel: link for a phone number, or "" when the text is not one."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone) if _PHONE.match(phone.strip()) else ""


def mailto_href(email: str) -> str:
    return "mailto:" + email.strip() if _EMAIL.match(email.strip()) else ""


def paragraphs(text: str) -> Markup:
    """Plain text from a form field as paragraphs, its line breaks kept, all escaped."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(
            Markup("<br>\n").join(escape(line) for line in block.split("\n"))
        )
        for block in blocks
    )


def period(start: date, end: date | None, working_days: int | None) -> str:
    """2024年6月12日至2024年6月18日（5个工作日）, or its start alone when it has no end."""
    if end is None:
        return f"自{chinese_day(start)}起（未设截止日期）"
    return f"{chinese_day(start)}至{chinese_day(end)}（{working_days}个工作日）"


def notice_period(notice) -> str:
    return period(notice.start_date, notice.end_date, notice.working_days)


def period_rule(notice) -> str:
    """What the programme's regulation says of this kind of notice's length, cited; where
    it says nothing, exactly that."""
    rule, regulation = notice.period_rule, notice.programme.regulation
    cited = f"{regulation.number or '《' + regulation.title + '》'} {rule.article}".strip()
    if rule.min_working_days is None:
        return f"{cited}未规定{rule.name}的期限"
    if rule.exact:
        return f"{cited}规定{rule.name}{rule.min_working_days}个工作日"
    return f"{cited}规定{rule.name}不少于{rule.min_working_days}个工作日"


FILTERS = {
    "notice_period": notice_period,
    "period_rule": period_rule,
    "paragraphs": paragraphs,
    "day": day,
    "moment": moment,
    "chinese_day": chinese_day,
    "validity": validity,
    "score": score,
    "yuan": yuan,
    "file_size": file_size,
    "tel_href": tel_href,
    "mailto_href": mailto_href,
}
