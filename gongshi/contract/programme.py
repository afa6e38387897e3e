"""The award programme (评选项目) of content/programmes/, as typed records.

`Programme` holds what a programme adds to the common fields (schema.py's COMMON table):
schema.py checks programmes against `table(Programme)`, the exporter writes
`as_document(Programme(...))` and the site reads `from_document(Programme, document)`
(docs/adr/0043-typed-contract.md). `Edition` is also the `edition` of every document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .notice import CATEGORY, PeriodRule
from .records import rule
from .tables import SLUG

LEVELS = ("province", "city", "district", "county")
REGULATION_STATUSES = ("in_force", "trial", "draft", "repealed")
RANKS = ("award", "nomination")


@dataclass(frozen=True)
class Edition:
    """An edition (届次) of the programme: the year its awards are cited with."""

    id: int
    number: int
    year: int
    title: str


@dataclass(frozen=True)
class Regulation:
    """The regulation (管理办法) the programme runs under."""

    title: str
    number: str = rule(text=True)
    status: str = rule(choices=REGULATION_STATUSES)
    issued_on: date | None
    effective_from: date | None
    expires_on: date | None
    url: str = rule(text=True)  # only http(s), else ""
    replaces: str = rule(text=True)


@dataclass(frozen=True)
class Level:
    """A level of award or nomination and its quota per edition."""

    name: str
    rank: str = rule(choices=RANKS)
    category: str = rule(choices=CATEGORY)
    quota: int


@dataclass(frozen=True)
class Rule:
    """A rule of the programme in plain words, and the article that states it."""

    topic: str
    text: str
    article: str = rule(text=True)


@dataclass(frozen=True)
class ComplaintCounts:
    """The supervision group's cases of one year of receipt: counts only, never content."""

    year: int
    received: int
    concluded: int
    upheld: int
    median_days_to_conclude: int | None


@dataclass(frozen=True)
class Programme:
    """A programme's own fields, in the order its file writes them."""

    slug: str = rule(pattern=SLUG)
    level: str = rule(choices=LEVELS)
    region: str
    organiser: str
    office: str
    supervisor: str = rule(text=True)
    summary: str = rule(text=True)
    regulation: Regulation
    cycle_years: int
    validity_years: int | None
    publicity_kinds: list[PeriodRule]
    levels: list[Level]
    rules: list[Rule]
    editions: list[Edition]
    complaint_statistics: list[ComplaintCounts]
