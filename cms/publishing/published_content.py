"""The export, computed once per change of what is public, for the read API's content
endpoint.

`collect()` reads every public page: seconds at tens of thousands of notices, far too much
for each page of `GET /api/v2/content/`. The export changes only when something is
published, unpublished, moved, deleted or withdrawn, a reporting channel or a document
changes, or the supervision group's case counts move; `publication_state()` reads a few
aggregates that change with each of those (Wagtail logs every publish, unpublish, move,
edit and delete, and the counts catch a change made without a log entry), and the export
is kept, per process, for as long as that state is the same. A publish is therefore
served by the next request, and an unpublished page is never served from an old copy.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from wagtail.models import ModelLogEntry, Page, PageLogEntry

from . import export

# A safety net for a change none of the aggregates sees (an edit straight in the database):
# the export is computed again at least this often.
MAX_AGE_SECONDS = 300


@dataclass(frozen=True)
class PublishedItem:
    path: str
    document: dict
    body: str
    attachments: tuple[tuple[str, str], ...]  # (file under content/, URL path of the file)


def publication_state() -> tuple:
    """A value that changes whenever what `export.collect()` returns may have changed."""
    from cms.reporting.models import ReportingChannel
    from cms.supervision.models import Case

    from .models import Withdrawal

    pages = Page.objects.aggregate(
        live=Count("pk", filter=Q(live=True)),
        published=Max("last_published_at"),
        pages=Count("pk"),
    )
    outcomes = {
        f"outcome_{value}": Count("pk", filter=Q(outcome=value)) for value in Case.Outcome.values
    }
    cases = Case.objects.aggregate(
        count=Count("pk"),
        received=Max("received_at"),
        concluded=Max("concluded_at"),
        concluded_count=Count("concluded_at"),
        **outcomes,
    )
    channels = ReportingChannel.objects.aggregate(
        live=Count("pk", filter=Q(live=True)), published=Max("last_published_at")
    )
    return (
        PageLogEntry.objects.aggregate(latest=Max("pk"))["latest"],
        ModelLogEntry.objects.aggregate(latest=Max("pk"))["latest"],
        Withdrawal.objects.aggregate(latest=Max("pk"))["latest"],
        tuple(sorted(pages.items())),
        tuple(sorted(cases.items())),
        tuple(sorted(channels.items())),
    )


_lock = threading.Lock()
_kept: dict[str, object] = {}


def published_items() -> list[PublishedItem]:
    """What `export.collect()` returns now, computed again only when it may differ."""
    state = publication_state()
    with _lock:  # one export at a time per process; the others wait for its result
        kept_state, kept_at, items = _kept.get("state"), _kept.get("at", 0), _kept.get("items")
        if items is None or kept_state != state or time.monotonic() - kept_at > MAX_AGE_SECONDS:
            items = [
                PublishedItem(
                    path=str(item.path),
                    document=item.document,
                    body=item.body,
                    attachments=tuple(
                        (attachment.file, attachment.document.url)
                        for attachment in item.attachments
                    ),
                )
                for item in export.collect()
            ]
            _kept.update(state=state, at=time.monotonic(), items=items)
        return items


def forget() -> None:
    """Drop the kept export (tests)."""
    with _lock:
        _kept.clear()
