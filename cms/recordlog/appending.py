"""What each public event appends to the log, in the transaction that makes it public.

`append` numbers the entry after the last one under a transaction-scoped lock (on
PostgreSQL an advisory lock; SQLite serialises writers itself), so entries never fork or
leave a gap; if anything later in the publish fails, the entry goes with it, and if the
entry cannot be written the publish fails with it (ADR 0031).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from gongshi.contract.schema import DIRECTORIES
from gongshi.record import heads

from .models import RecordEntry

LOG_LOCK_KEY = 7_302_042_020  # pg_advisory_xact_lock's key; used nowhere else
# A publish's build logs the periods that opened or closed within this many days (builds
# are scheduled on those days, ADR 18); a full build catches any older one.
RECENT_DAYS = 31


def item_url(kind: str, page_id: int) -> str:
    """The public URL of a document, as the site's urls.document makes it."""
    return f"/{DIRECTORIES[kind]}/{page_id}/"


def append(
    *, event: str, url: str, kind: str, sha256: str, reason: str = "", revision_id=None
) -> RecordEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("公开记录须在发布所在的事务中写入")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOG_LOCK_KEY])
    last = RecordEntry.objects.aggregate(last=Max("index"))["last"]
    index = 0 if last is None else last + 1
    moment = timezone.now()
    entry = {
        "index": index,
        "time": timezone.localtime(moment).isoformat(timespec="seconds"),
        "event": event,
        "url": url,
        "kind": kind,
        "sha256": sha256,
        "reason": reason,
    }
    data = heads.entry_bytes(entry).decode()
    return RecordEntry.objects.create(
        index=index,
        logged_at=moment,
        event=event,
        url=url,
        kind=kind,
        sha256=sha256,
        data=data,
        revision_id=revision_id,
    )


class NotPublic(RuntimeError):
    """Live but not on the public site (a private section, an unpublished parent)."""


def exported_sha256(page) -> str:
    """SHA-256 of the content/ file the export makes of `page` now (its live version)."""
    from cms.publishing.export import Exporter, PageTree

    tree = PageTree.around([page.pk])
    node = tree.nodes.get(page.pk)
    if node is None or not node.public:
        raise NotPublic(f"页面 {page.pk} 不是公开的，无法记录其内容")
    items = dict(Exporter(tree).export([node]))
    item = items.get(node)
    if item is None:
        raise RuntimeError(f"页面 {page.pk} 没有导出内容")
    return heads.sha256_hex(item.text().encode())


def last_entry(url: str) -> RecordEntry | None:
    return RecordEntry.objects.filter(url=url).order_by("-index").first()


def record_publish(page, note, revision) -> list[RecordEntry]:
    """A document went live: first publication or a correction (`note`, its ChangeNote,
    whose text is the public reason). A revocation also logs the decision it revokes, as
    its export now reads (the award marked revoked)."""
    from cms.publishing.export import KIND_OF_MODEL

    kind = KIND_OF_MODEL[type(page)]
    url = item_url(kind, page.pk)
    first = last_entry(url) is None or last_entry(url).event in GONE
    event = "publish" if first else ("correct_major" if note.is_major else "correct_minor")
    try:
        digest = exported_sha256(page)
    except NotPublic:  # nothing public changed; logged when its section opens
        return []
    written = [
        append(
            event=event,
            url=url,
            kind=kind,
            sha256=digest,
            reason=note.note,
            revision_id=revision.pk,
        )
    ]
    if kind == "revocation" and first:
        written.append(
            append(
                event="revoke",
                url=item_url("decision", page.award.decision_id),
                kind="decision",
                sha256=exported_sha256(page.award.decision),
                reason=f"{page.award.recipient}：{page.title}（{url}）",
            )
        )
    return written


GONE = ("unpublish", "withdraw")


def record_unpublish(page, reason: str = "") -> RecordEntry | None:
    """A document left the site (unpublished, expired, made private): its last logged
    hash stays."""
    from cms.publishing.export import KIND_OF_MODEL

    url = item_url(KIND_OF_MODEL[type(page)], page.pk)
    previous = last_entry(url)
    if previous is None or previous.event in GONE:
        return None
    return append(
        event="unpublish", url=url, kind=previous.kind, sha256=previous.sha256, reason=reason
    )


def record_republish(page) -> RecordEntry | None:
    """A live document in a private section that opened: public again (or for the first
    time, if it was published while the section was private)."""
    from cms.publishing.export import KIND_OF_MODEL

    kind = KIND_OF_MODEL[type(page)]
    url = item_url(kind, page.pk)
    previous = last_entry(url)
    if previous is not None and previous.event not in GONE:
        return None
    try:
        digest = exported_sha256(page)
    except NotPublic:  # still private under another restriction
        return None
    reason = "恢复公开" if previous is not None else "首次公开"
    return append(event="publish", url=url, kind=kind, sha256=digest, reason=reason)


def record_withdrawal(withdrawal) -> RecordEntry:
    """An item withdrawn as published in error, with the public reason: its last logged
    hash proves what was withdrawn."""
    url = item_url(withdrawal.kind, withdrawal.page_key)
    previous = last_entry(url)
    return append(
        event="withdraw",
        url=url,
        kind=withdrawal.kind,
        sha256=previous.sha256 if previous else "",
        reason=withdrawal.reason,
    )


def record_periods(today, recent_only: bool = False) -> list[RecordEntry]:
    """The publicity periods that opened or closed by `today` and are not logged yet;
    `recent_only`: only periods that started or ended in the last RECENT_DAYS (a
    publish's build; a full build looks at every notice)."""
    from cms.notices.models import PublicityNoticePage

    notices = PublicityNoticePage.objects.live().filter(start_date__lte=today).order_by("pk")
    if recent_only:
        since = today - timedelta(days=RECENT_DAYS)
        notices = notices.filter(Q(start_date__gte=since) | Q(end_date__gte=since))
    notices = list(notices.values_list("pk", "start_date", "end_date"))
    periods = RecordEntry.objects.filter(event__in=["period_open", "period_close"])
    if recent_only:  # the recent notices' periods only, not every period ever logged
        periods = periods.filter(url__in=[item_url("notice", pk) for pk, _, _ in notices])
    logged = set(periods.values_list("url", "event"))
    written = []
    for pk, start, end in notices:
        url = item_url("notice", pk)
        previous = None
        for event, day in (("period_open", start), ("period_close", end)):
            if day is None or (event == "period_close" and day >= today):
                continue
            if (url, event) in logged:
                continue
            previous = previous or last_entry(url)
            written.append(
                append(
                    event=event,
                    url=url,
                    kind="notice",
                    sha256=previous.sha256 if previous else "",
                    reason=day.isoformat(),
                )
            )
    return written
