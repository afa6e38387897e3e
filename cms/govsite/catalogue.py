"""Assigning 索引号: by the server, once per item, when it first goes live.

A number is the organisation code set in 网站信息 at that moment, the year the item first
went live (Beijing time) and the next sequence of that code and year. The next sequence is
one more than the highest ever given: rows are never deleted (a deleted page leaves its
row, without the page), so a number is never given twice. Two items going live at once
may read the same highest sequence; the database's unique constraint refuses the second
insert (on PostgreSQL it waits for the first transaction, then fails), which then reads
again and takes the next. SQLite runs one writing transaction at a time
(transaction_mode IMMEDIATE, cms/settings/base.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.models import Page

from gongshi.rules.website import index_number

from .models import IndexNumber, SiteIdentity

ATTEMPTS = 20  # inserts refused by a concurrent one before giving up
_IDS_PER_QUERY = 500  # a database takes only so many parameters in a query


class CatalogueBusy(RuntimeError):
    """Other transactions kept taking the next number; nothing was assigned."""


def assign(page: Page) -> IndexNumber:
    """The page's 索引号, assigned now if it has none."""
    return assign_missing([page.pk])[page.pk]


def assign_missing(page_ids: Iterable[int]) -> dict[int, IndexNumber]:
    """{page id: its IndexNumber} for the pages `page_ids`, assigning one to each page
    that has none, in the order they first went live."""
    page_ids = set(page_ids)
    found = _existing(page_ids)
    missing = page_ids - found.keys()
    if not missing:
        return found
    pages = []
    ids = sorted(missing)
    for start in range(0, len(ids), _IDS_PER_QUERY):
        pages += Page.objects.filter(pk__in=ids[start : start + _IDS_PER_QUERY]).values_list(
            "pk", "title", "first_published_at"
        )
    pages.sort(key=lambda row: (row[2] is None, row[2] or timezone.now(), row[0]))
    code = SiteIdentity.of_public_site().organisation_code
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                found |= _insert(pages, code)
            return found
        except IntegrityError:
            # Another transaction took a number (or numbered one of these pages) first.
            found = _existing(page_ids)
            pages = [row for row in pages if row[0] not in found]
            if not pages:
                return found
    raise CatalogueBusy("索引号分配冲突过多，请稍后重试")


def _existing(page_ids: set[int]) -> dict[int, IndexNumber]:
    found = {}
    ids = sorted(page_ids)
    for start in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ids[start : start + _IDS_PER_QUERY]
        found |= {row.page_id: row for row in IndexNumber.objects.filter(page_id__in=chunk)}
    return found


def _highest(code: str, year: int) -> int:
    """The highest sequence ever given for `code` and `year`, 0 for none."""
    rows = IndexNumber.objects.filter(organisation_code=code, year=year)
    return rows.aggregate(highest=Max("sequence"))["highest"] or 0


def _insert(pages: list[tuple], code: str) -> dict[int, IndexNumber]:
    zone = timezone.get_current_timezone()
    next_of: dict[int, int] = {}
    made = []
    for pk, title, first_published_at in pages:
        year = timezone.localtime(first_published_at or timezone.now(), zone).year
        if year not in next_of:
            next_of[year] = _highest(code, year) + 1
        sequence = next_of[year]
        next_of[year] += 1
        made.append(
            IndexNumber(
                page_id=pk,
                number=index_number(code, year, sequence),
                organisation_code=code,
                year=year,
                sequence=sequence,
                title=title[:255],
            )
        )
    IndexNumber.objects.bulk_create(made, batch_size=_IDS_PER_QUERY)
    return {row.page_id: row for row in made}
