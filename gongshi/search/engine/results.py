"""What a search asks and answers: filters, hits, results, and the signals between
the searcher and the bulk scorer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Filters:
    kind: str = ""  # a record kind (documents.KINDS)
    programme: str = ""
    year: int | None = None
    level: str = ""
    status: str = ""  # valid, expired, revoked: on `today`


@dataclass
class Hit:
    data: dict
    score: float


@dataclass
class Results:
    hits: list[Hit]
    total: int
    timed_out: bool = False
    estimated: bool = False  # the total is an estimate (shown as 约…), not a count


class _Unsupported(Exception):
    """A query the bulk scorer does not know: whoosh's matchers answer it."""


class _TimedOut(Exception):
    def __init__(self, hits, total):
        super().__init__()
        self.hits = hits
        self.total = total
