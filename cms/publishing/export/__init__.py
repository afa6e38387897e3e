"""Live, public content as content/ documents: what the public site is built from.

`collect()` is the only way content leaves the CMS for the public: the in-CMS build, the
public read API's content endpoint and `manage.py export_content` all go through it (the
endpoint and the incremental builds through the same `Exporter`, for some pages). It
reads the page table, which holds each page's live version (drafts and revisions awaiting
approval live in revisions), skips pages not live, pages in private sections and pages
under an unpublished ancestor, and checks every document against the contract.

At tens of thousands of pages the export is one read of the page tree (`PageTree`: each
page's place, type and publication state, no content), then each kind of page and each
kind of row below pages read in one query for all of them: a fixed number of queries
whatever the size of the archive.

tree.py       the page tree: which pages are public (cms/base/public.py) and their order
rows.py       what the pages hold, read as rows, each kind in one query
documents.py  rows made into content/ documents and the files they bring (`Exporter`)
this file     collect() and write() for a full export, partial_export() for a few pages
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from wagtail.models import Page, ReferenceIndex

from cms.base.models import OfficialDocumentPage
from cms.notices.models import PublicityNoticePage
from cms.revocations.models import RevocationPage
from gongshi import contract

from ..models import Withdrawal
from ..timestamps import timestamp
from .documents import CASES, DOCUMENTS, SITES, Exporter, Item
from .tree import DOCUMENT, KIND_OF_MODEL, PAGE_AGGREGATES, PageNode, PageTree

# What other modules and the tests use of the export (the tests reach the notice model and
# the timestamp format through it).
__all__ = [
    "CASES",
    "DOCUMENTS",
    "KIND_OF_MODEL",
    "PAGE_AGGREGATES",
    "SITES",
    "Exporter",
    "Item",
    "NeedsFullExport",
    "PageNode",
    "PageTree",
    "PublicityNoticePage",
    "collect",
    "partial_export",
    "timestamp",
    "write",
]


def collect() -> Iterator[Item]:
    """Every published item, in a stable order: home, programmes, documents, channels,
    withdrawn items. A fixed number of queries, however many pages there are."""
    tree = PageTree()
    exporter = Exporter(tree)
    for _node, item in exporter.export(tree.item_pages(), everything=True):
        if item is not None:
            yield item
    yield from exporter.channels()
    yield from exporter.withdrawn()


def write(items, directory: Path) -> int:
    """Write items into an empty `directory` (a build's own content/); returns the count."""
    count = 0
    for item in items:
        target = directory / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item.text(), encoding="utf-8")
        for attachment in item.attachments:
            destination = directory / attachment.file
            if not destination.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                with attachment.document.file.open("rb") as source:
                    destination.write_bytes(source.read())
        count += 1
    return count


# --- Exporting only what changed (cms/publishing/incremental.py) ---------------------------


class NeedsFullExport(Exception):
    """Only a full export can follow this change."""


def partial_export(page_ids) -> dict[str, bytes | None]:
    """{path under content/: bytes, or None when the file goes} for the pages `page_ids`
    and the pages whose export depends on them (pages linking to them, revocations of a
    changed decision's awards), as collect() + write() would write them now. Raises
    NeedsFullExport for a change only a full export follows (a programme, an edition,
    the home page, anything not a document, a page deleted since)."""
    ids = {int(pk) for pk in page_ids}
    # A deleted page's file and its place in every listing are the live build's to know,
    # not the database's any more: only a full build takes them away.
    if gone := ids - set(Page.objects.filter(pk__in=ids).values_list("pk", flat=True)):
        raise NeedsFullExport(f"页面 {'、'.join(map(str, sorted(gone)))} 已删除，需要完整构建")
    page_type = ReferenceIndex._get_base_content_type(Page)
    referring = ReferenceIndex.objects.filter(
        to_content_type=page_type,
        to_object_id__in=[str(pk) for pk in ids],
        base_content_type=page_type,
    ).values_list("object_id", flat=True)
    ids |= {int(pk) for pk in referring}
    ids |= set(
        RevocationPage.objects.filter(award__decision_id__in=ids).values_list("pk", flat=True)
    )
    tree = PageTree.around(ids)
    changed = sorted(
        (node for pk in ids if (node := tree.nodes.get(pk)) is not None), key=lambda n: n.path
    )
    for node in changed:
        if node.role != DOCUMENT or not issubclass(node.model, OfficialDocumentPage):
            title = Page.objects.filter(pk=node.pk).values_list("title", flat=True).first()
            raise NeedsFullExport(f"{title} 不是公开文件，需要完整构建")
    exporter = Exporter(tree)
    items = dict(exporter.export([node for node in changed if node.public]))
    files: dict[str, bytes | None] = {}
    withdrawals = {}
    for withdrawal in Withdrawal.objects.current():
        withdrawals.setdefault(withdrawal.page_id, []).append(withdrawal)
    for node in changed:
        kind = KIND_OF_MODEL[node.model]
        path = f"{contract.schema.DIRECTORIES[kind]}/{node.pk}.md"
        item = items.get(node)
        for withdrawal in withdrawals.get(node.pk, []):
            withdrawn = Item(withdrawal.as_document())
            files[str(withdrawn.path)] = None if item is not None else withdrawn.text().encode()
        files[path] = item.text().encode() if item is not None else None
        for attachment in item.attachments if item is not None else []:
            with attachment.document.file.open("rb") as source:
                files[attachment.file] = source.read()
    return files
