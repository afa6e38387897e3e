"""The export for the read API's content endpoint: each page exported when first asked
for, and kept until something it was made from changes (ADR 15).

`export.collect()` reads every public page: seconds at tens of thousands of notices, far
too much for one page of `GET /api/v2/content/`. The endpoint instead keeps, per process:

- the *publication state*: a few aggregates read on every request that change whenever
  what the export returns may have changed (Wagtail logs every publish, unpublish, move,
  edit and delete; the counts and latest times catch a change made without a log entry);
- while the state stays the same, the page tree (`export.PageTree`: which pages are
  public, in export order, each with its version) and the list of items it makes, with
  the channels and withdrawn items exported whole (a few hundred small rows);
- each page's exported item, with what its export read: its own and other pages'
  versions (its programme's and edition's, the pages it links to), and the shared state
  it depends on (documents, cases, sites).

A request reads the state; when it changed, it reads the tree again (one query) and the
log entries written since, and drops nothing: a kept item is used only while every page
it read has the same version, no log entry names any of them since, the shared state it
read is the same and it is younger than MAX_AGE_SECONDS. The items of the requested slice
that are not current are exported then, together. A publish costs the next request one
read of the tree and the export of the pages that changed; a page never published, a
draft, an unpublished page or a page in a private section is never in the tree's list.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from wagtail.models import ModelLogEntry, Page, PageLogEntry, PageViewRestriction

from . import export

# A safety net for a change none of the aggregates sees (an edit straight in the database):
# the tree is read again, and every item exported again when next asked for, at least
# this often.
MAX_AGE_SECONDS = 300


@dataclass(frozen=True)
class PublishedItem:
    path: str
    document: dict
    body: str
    attachments: tuple[tuple[str, str], ...]  # (file under content/, URL path of the file)


def publication_state() -> dict:
    """A value that changes whenever what `export.collect()` returns may have changed, by
    part: the shared parts an item's export may read are keyed as export names them."""
    from wagtail.documents import get_document_model
    from wagtail.models import CollectionViewRestriction, Site

    from cms.govsite.models import SiteIdentity
    from cms.reporting.models import ReportingChannel
    from cms.supervision.models import Case

    from .models import Withdrawal

    outcomes = {
        f"outcome_{value}": Count("pk", filter=Q(outcome=value)) for value in Case.Outcome.values
    }
    model_log = ModelLogEntry.objects.aggregate(latest=Max("pk"))["latest"]

    def aggregate(queryset, **aggregates) -> tuple:
        return tuple(sorted(queryset.aggregate(**aggregates).items()))

    return {
        "page_log": PageLogEntry.objects.aggregate(latest=Max("pk"))["latest"],
        "model_log": model_log,
        "withdrawals": Withdrawal.objects.aggregate(latest=Max("pk"))["latest"],
        "pages": Page.objects.aggregate(**export.PAGE_AGGREGATES),
        "restrictions": aggregate(PageViewRestriction.objects, count=Count("pk"), latest=Max("pk")),
        "channels": aggregate(
            ReportingChannel.objects,
            live=Count("pk", filter=Q(live=True)),
            published=Max("last_published_at"),
        ),
        export.CASES: aggregate(
            Case.objects,
            count=Count("pk"),
            received=Max("received_at"),
            concluded=Max("concluded_at"),
            concluded_count=Count("concluded_at"),
            **outcomes,
        ),
        export.DOCUMENTS: (
            model_log,
            aggregate(get_document_model().objects, count=Count("pk"), latest=Max("pk")),
            aggregate(CollectionViewRestriction.objects, count=Count("pk"), latest=Max("pk")),
        ),
        export.SITES: (
            tuple(
                Site.objects.order_by("pk").values_list(
                    "pk", "hostname", "port", "site_name", "root_page_id", "is_default_site"
                )
            ),
            tuple(SiteIdentity.objects.order_by("pk").values_list()),
        ),
    }


@dataclass
class _KeptPage:
    item: PublishedItem
    reads: tuple  # ((what the export read, its value then), ...)
    pages_read: tuple[int, ...]
    log: int  # the latest log entry taken into account when it was exported
    at: float


@dataclass
class _Kept:
    state: dict | None = None
    tree: export.PageTree | None = None
    read_at: float = 0.0
    order: list = field(default_factory=list)  # PageNode (an item to export) or PublishedItem
    log: int = 0  # the latest page log entry read
    touched: dict[int, int] = field(default_factory=dict)  # page id: its latest log entry
    pages: dict[int, _KeptPage] = field(default_factory=dict)


_lock = threading.Lock()
_kept = _Kept()


def published_slice(offset: int, limit: int) -> tuple[int, list[PublishedItem]]:
    """(how many items the export has, its items offset..offset+limit), as
    `export.collect()` would return them now."""
    state = publication_state()
    with _lock:  # one reader of the tree and exporter at a time per process
        now = time.monotonic()
        if _kept.tree is None or _kept.state != state or now - _kept.read_at > MAX_AGE_SECONDS:
            _read_tree(state, now)
        wanted = _kept.order[offset : offset + limit]
        stale = [
            node for node in wanted if isinstance(node, export.PageNode) and not _current(node, now)
        ]
        if stale:
            _export(stale, now)
        items = []
        for entry in wanted:
            if isinstance(entry, PublishedItem):
                items.append(entry)
            elif kept := _kept.pages.get(entry.pk):
                items.append(kept.item)
        return len(_kept.order), items


def forget() -> None:
    """Drop everything kept (tests)."""
    global _kept
    with _lock:
        _kept = _Kept()


# Log entries of changes confined to the page and what is below it: after those alone the
# tree is brought up to date by reading these pages again. Anything else (a move, a copy,
# an action unknown here) and the whole tree is read again.
LOCAL_ACTIONS = (
    "wagtail.create",
    "wagtail.edit",
    "wagtail.delete",
    "wagtail.publish",
    "wagtail.unpublish",
    "wagtail.lock",
    "wagtail.unlock",
    "wagtail.moderation.",
    "wagtail.rename",
    "wagtail.revert",
    "wagtail.schedule.",
    "wagtail.comments.",
    "wagtail.workflow.",
    "gongshi.",
)
# More pages changed at once than this, and the whole tree is read again.
MOST_CHANGED_PAGES = 50


def _read_tree(state: dict, now: float) -> None:
    """Bring the tree up to date with `state`: from the log entries written since it was
    read when they explain the change, else read again."""
    tree, changed, local = _kept.tree, set(), True
    if tree is None:
        _kept.log = max(_kept.log, state["page_log"] or 0)
    else:
        # Pages a log entry names since the last read: their kept items and those of the
        # pages that read them are exported again.
        entries = PageLogEntry.objects.filter(pk__gt=_kept.log).order_by("pk")
        for pk, page, action in entries.values_list("pk", "page_id", "action"):
            _kept.touched[page] = pk
            _kept.log = pk
            changed.add(page)
            local = local and action.startswith(LOCAL_ACTIONS)
    if (
        tree is None
        or now - _kept.read_at > MAX_AGE_SECONDS
        or not local
        or len(changed) > MOST_CHANGED_PAGES
        or state["restrictions"] != _kept.state["restrictions"]
        or not tree.update(changed)
        # A change the log does not name (made straight in the database) shows here.
        or tree.aggregates() != state["pages"]
    ):
        tree = export.PageTree()
        _kept.read_at = now
    exporter = export.Exporter(tree)
    nodes = tree.item_pages()
    public_items = {node.pk for node in nodes}
    _kept.pages = {pk: kept for pk, kept in _kept.pages.items() if pk in public_items}
    _kept.order = [
        *nodes,
        *(_published(item) for item in exporter.channels()),
        *(_published(item) for item in exporter.withdrawn()),
    ]
    _kept.state, _kept.tree = state, tree


def _value(what: tuple):
    kind, key = what
    if kind == "page":
        return _kept.tree.version(key)
    if kind == "editions":
        return tuple(edition.pk for edition in _kept.tree.editions_of(key))
    return _kept.state[key]


def _current(node: export.PageNode, now: float) -> bool:
    kept = _kept.pages.get(node.pk)
    return (
        kept is not None
        and now - kept.at <= MAX_AGE_SECONDS
        and all(_kept.touched.get(pk, 0) <= kept.log for pk in kept.pages_read)
        and all(_value(what) == value for what, value in kept.reads)
    )


def _export(nodes: list[export.PageNode], now: float) -> None:
    for node, item in export.Exporter(_kept.tree).export(nodes):
        if item is None:
            # Unpublished since the tree was read: the next request reads it again.
            _kept.pages.pop(node.pk, None)
            _kept.read_at = -MAX_AGE_SECONDS
            continue
        _kept.pages[node.pk] = _KeptPage(
            item=_published(item),
            reads=tuple((what, _value(what)) for what in item.reads),
            pages_read=tuple(key for kind, key in item.reads if kind == "page"),
            log=_kept.log,
            at=now,
        )


def _published(item: export.Item) -> PublishedItem:
    return PublishedItem(
        path=str(item.path),
        document=item.document,
        body=item.body,
        attachments=tuple(
            (attachment.file, attachment.document.url) for attachment in item.attachments
        ),
    )
