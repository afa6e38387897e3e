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
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import CharField, Count, Max, Prefetch, Q, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction

from cms.base import public
from cms.base.models import ChangeNote, HomePage, OfficialDocumentPage
from cms.decisions.models import Award, AwardDecisionPage
from cms.govsite import catalogue
from cms.govsite.models import IndexNumber, SiteIdentity, public_site_name
from cms.notices.models import (
    CallForApplicationsPage,
    PeriodCorrection,
    PublicityEntry,
    PublicityNoticePage,
)
from cms.programmes.models import AwardLevel, EditionPage, ProgrammePage, PublicityKind
from cms.programmes.plain_words import plain_rules
from cms.reporting.models import ReportingChannel
from cms.revocations.models import RevocationPage
from cms.supervision.cases import yearly_counts_of
from gongshi import contract
from gongshi.contract import attachments
from gongshi.rules.awards import citation
from gongshi.rules.identity import recipient_id

from .markdown import safe_href, to_markdown
from .timestamps import timestamp

logger = logging.getLogger(__name__)

KIND_OF_MODEL = {
    CallForApplicationsPage: "call",
    PublicityNoticePage: "notice",
    AwardDecisionPage: "decision",
    RevocationPage: "revocation",
}


@dataclass
class Attachment:
    file: str  # path under content/, as the contract names it
    document: object  # a Wagtail document

    def describe(self) -> dict:
        return {
            "title": self.document.title,
            "file": self.file,
            "size": self.document.file.size,
            "sha256": file_sha256(self.document.file),
        }


@dataclass
class Item:
    """One file of content/: its document, Markdown body and the files it brings."""

    document: dict
    body: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    # What exporting it read besides its own page: keys of READS, for the content
    # endpoint to tell whether a kept copy is still current (published_content.py).
    reads: frozenset = field(default=frozenset(), compare=False, repr=False)

    @property
    def path(self) -> PurePosixPath:
        return contract.relative_path(self.document)

    def text(self) -> str:
        return contract.dump(self.document, self.body, path=f"content/{self.path}")

    def attach(self, attachment: Attachment | None) -> None:
        """Bring a file along once, however often the item links it."""
        if attachment and attachment.file not in {a.file for a in self.attachments}:
            self.attachments.append(attachment)


# What an item's export may read besides page rows, named in Item.reads as ("shared", name):
DOCUMENTS = "documents"  # documents and their collections' privacy (links, attachments)
CASES = "cases"  # the supervision group's cases (a programme's complaint statistics)
SITES = "sites"  # the site records and their 网站信息 (the home page's site name, identity)


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


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- The page tree ------------------------------------------------------------------------


HOME, PROGRAMME, EDITION, DOCUMENT = "home", "programme", "edition", "document"


class PageNode(NamedTuple):
    """One page as the tree knows it: no content, only its place and publication state."""

    pk: int
    path: str
    model: type | None  # its specific model (None: a type no longer installed)
    role: str | None  # HOME, PROGRAMME, EDITION, DOCUMENT (a kind of KIND_OF_MODEL) or None
    slug: str
    live: bool
    # No private section at or above it, and it and every page above it but the root live.
    open: bool
    public: bool  # open, and not the root
    programme: int | None  # the nearest programme above it
    edition: int | None  # the nearest edition above it
    # Changes whenever the page's exported content may: Wagtail sets a new live revision
    # and publish time on every publish, and moves change the path.
    version: tuple  # (path, content type, live revision, publish time as stored)


class _NodesReadWhenAsked(dict):
    """The nodes of a partial tree (PageTree.around): a page not read yet is read, with
    the pages above it, when asked for; None (get) or KeyError for a page that is gone."""

    def __init__(self, tree: PageTree):
        super().__init__()
        self.tree = tree

    def __missing__(self, pk):
        self.tree._read([pk])
        if not super().__contains__(pk):
            raise KeyError(pk)
        return super().__getitem__(pk)

    def get(self, pk, default=None):
        try:
            return self[pk]
        except KeyError:
            return default


def _role(model: type | None) -> str | None:
    if model is None:
        return None
    if issubclass(model, HomePage):
        return HOME
    if issubclass(model, ProgrammePage):
        return PROGRAMME
    if issubclass(model, EditionPage):
        return EDITION
    return DOCUMENT if model in KIND_OF_MODEL else None


# The publish time as the database writes it: compared, never read as a time (converting
# tens of thousands of them costs more than reading the rows).
_PUBLISHED = Cast("last_published_at", CharField())
# What the page table holds as the tree counts it: publication_state() reads the same
# from the database, and a tree brought up to date from the log must agree.
PAGE_AGGREGATES = {
    "pages": Count("pk"),
    "live": Count("pk", filter=Q(live=True)),
    # The latest time, then as text (the text of every time sorts as the times do; a
    # database's collation of text might not).
    "published": Cast(Max("last_published_at"), CharField()),
    "revisions": Sum("live_revision_id"),
}


class PageTree:
    """Every page's place, type and publication state, read in one query of the page table
    (and one of the private sections): which pages are public and in which order they
    are exported, without loading any page's content. `update()` brings it up to date
    after changes confined to some pages and what is below them."""

    # A change below more pages than this is read as a new tree.
    MOST_PAGES_READ_AGAIN = 2000

    def __init__(self, *, whole: bool = True):
        self.whole = whole
        self.restricted = set(PageViewRestriction.objects.values_list("page__path", flat=True))
        self.nodes: dict[int, PageNode] = {} if whole else _NodesReadWhenAsked(self)
        self.by_path: dict[str, PageNode] = {}
        self._paths: list[str] = []  # every page's path, in order
        self._types: dict[int, tuple] = {}
        self._items: list[PageNode] | None = None  # a partial tree has no export order
        if whole:
            for row in self._rows(Page.objects.all()):
                self._paths.append(self._add(row).path)
            self._derive()

    @classmethod
    def around(cls, page_ids: Iterable[int]) -> PageTree:
        """A tree of only the pages `page_ids` and the pages above them, which reads any
        other page it is asked for (a link's target, a revoked decision) with the pages
        above it: for exporting a few pages of tens of thousands. It has no export order,
        editions or aggregates."""
        tree = cls(whole=False)
        tree._read(page_ids)
        return tree

    def _read(self, page_ids: Iterable[int]) -> None:
        """Read the pages `page_ids` and the pages above them into a partial tree."""
        paths = Page.objects.filter(pk__in=list(page_ids)).values_list("path", flat=True)
        step = Page.steplen
        wanted = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
        wanted -= self.by_path.keys()
        if wanted:
            for row in self._rows(Page.objects.filter(path__in=wanted)):
                self._add(row)

    @staticmethod
    def _rows(pages, limit: int | None = None) -> list[tuple]:
        """The tree's columns of `pages`, in path order, as the database driver returns
        them: `live` may be 0 or 1, which `_add` reads as it reads a boolean. (The
        queryset's own iteration converts each value of tens of thousands of rows.)"""
        rows = (
            pages.order_by("path")
            .annotate(published=_PUBLISHED)
            .values_list(
                "pk",
                "path",
                "depth",
                "content_type_id",
                "live",
                "slug",
                "live_revision_id",
                "published",
            )
        )
        if limit is not None:
            rows = rows[:limit]
        sql, params = rows.query.sql_with_params()
        with connections[rows.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _add(self, row) -> PageNode:
        """A page, its parent already in the tree: what is above a page is its parent's,
        and it is open if its parent is. (Run for every page of the archive: kept lean.)"""
        pk, path, depth, content_type, live, slug, revision, published = row
        types = self._types.get(content_type)
        if types is None:
            model = ContentType.objects.get_for_id(content_type).model_class()
            types = self._types[content_type] = (model, _role(model))
        version = (path, content_type, revision, published)
        if depth == 1:  # the root: never exported, only its privacy counts
            open_ = public.root_open(path in self.restricted)
            node = PageNode(pk, path, *types, slug, bool(live), open_, False, None, None, version)
        else:
            parent = self.by_path.get(path[: -Page.steplen])
            if parent is None:
                open_, programme, edition = False, None, None
            else:
                open_ = public.opens_below(parent.open, bool(live), path in self.restricted)
                programme = parent.pk if parent.role == PROGRAMME else parent.programme
                edition = parent.pk if parent.role == EDITION else parent.edition
            node = PageNode(
                pk, path, *types, slug, bool(live), open_, open_, programme, edition, version
            )
        self.nodes[pk] = node
        self.by_path[path] = node
        return node

    def _derive(self) -> None:
        """The export's order, the programmes' editions and the tree's aggregates."""
        self._items: list[PageNode] = []
        self._editions_of: dict[int, list[PageNode]] = {}
        nodes = [self.by_path[path] for path in self._paths]
        for node in nodes:
            if not node.public:
                continue
            if node.role in (HOME, PROGRAMME) or (
                node.role == DOCUMENT and node.programme is not None
            ):
                self._items.append(node)
            elif node.role == EDITION and node.programme is not None:
                self._editions_of.setdefault(node.programme, []).append(node)
        revisions = [node.version[2] for node in nodes if node.version[2] is not None]
        published = [node.version[3] for node in nodes if node.version[3] is not None]
        self._aggregates = {
            "pages": len(nodes),
            "live": sum(1 for node in nodes if node.live),
            "published": max(published, default=None),
            "revisions": sum(revisions) if revisions else None,
        }

    def update(self, page_ids: Iterable[int]) -> bool:
        """Read again the pages `page_ids` and every page below them, after changes that
        moved no other page (publishes, unpublishes, edits, creations, deletions); False,
        the tree then unusable, when there are too many to read."""
        page_ids = list(page_ids)
        prefixes = set()
        for pk in page_ids:
            if (old := self.nodes.get(pk)) is not None:
                prefixes.add(old.path)
        prefixes.update(Page.objects.filter(pk__in=page_ids).values_list("path", flat=True))
        # A page below another one read again is read with it.
        prefixes = {
            path
            for path in prefixes
            if not any(path != other and path.startswith(other) for other in prefixes)
        }
        for prefix in prefixes:
            start = bisect.bisect_left(self._paths, prefix)
            end = bisect.bisect_left(self._paths, prefix + "~")  # after every path below it
            for path in self._paths[start:end]:
                node = self.by_path.pop(path)
                del self.nodes[node.pk]
            del self._paths[start:end]
        if prefixes:
            below = Q()
            for prefix in prefixes:
                below |= Q(path__startswith=prefix)
            rows = self._rows(Page.objects.filter(below), limit=self.MOST_PAGES_READ_AGAIN + 1)
            if len(rows) > self.MOST_PAGES_READ_AGAIN:
                return False
            for row in rows:
                bisect.insort(self._paths, self._add(row).path)
        self._derive()
        return True

    def aggregates(self) -> dict:
        """PAGE_AGGREGATES as the tree counts them."""
        self._whole()
        return dict(self._aggregates)

    def version(self, pk: int):
        """What a cached export of the page compares: None for a page that is gone."""
        node = self.nodes.get(pk)
        return None if node is None else (node.public, node.version)

    def parent(self, node: PageNode) -> PageNode | None:
        return self.by_path.get(node.path[: -Page.steplen])

    def programme_of(self, node: PageNode) -> PageNode | None:
        """The nearest programme above a public page (public, as every page above it)."""
        return self.nodes[node.programme] if node.programme is not None else None

    def edition_of(self, node: PageNode) -> PageNode | None:
        """The nearest edition above a public page."""
        return self.nodes[node.edition] if node.edition is not None else None

    def item_pages(self) -> list[PageNode]:
        """The public pages that are items of the export, in tree order."""
        self._whole()
        return list(self._items)

    def _whole(self) -> None:
        if self._items is None:
            raise TypeError("a partial tree (PageTree.around) knows only some pages")

    def editions_of(self, programme: int) -> list[PageNode]:
        """The public editions of a programme (under it, it their nearest programme)."""
        self._whole()
        return self._editions_of.get(programme, [])

    def site_path(self, pk: int) -> str | None:
        """The public URL path of a public page, as docs/content-format.md defines it."""
        node = self.nodes.get(pk)
        if node is None or not node.public:
            return None
        if node.role == HOME:
            return "/"
        if node.role == PROGRAMME:
            return f"/programmes/{node.slug}/"
        if node.role == EDITION:
            parent = self.parent(node)
            return f"/programmes/{parent.slug}/" if parent else None
        kind = KIND_OF_MODEL.get(node.model)
        return f"/{contract.schema.DIRECTORIES[kind]}/{node.pk}/" if kind else None


# --- Reading what the pages hold ------------------------------------------------------------

# The columns each kind of document reads: rows, not model instances, for tens of thousands.
_COMMON = ("pk", "translation_key", "title", "first_published_at", "last_published_at")
# Attachments are read as the stored JSON ("attachments_json"): made into a StreamField
# value only for the few pages that have any (StreamField's own conversion costs more
# than all other columns together).
_DOCUMENT = ("document_number", "issuing_body", "date_signed", "summary", "body")
_KIND_FIELDS = {
    CallForApplicationsPage: ("application_deadline", "how_to_apply"),
    PublicityNoticePage: (
        "kind",
        "start_rule",
        "start_date",
        "end_date",
        "working_days",
        "objection_method",
    ),
    AwardDecisionPage: (),
    RevocationPage: (
        "award_id",
        "facts",
        "legal_basis",
        "certificate_recovered",
        "money_clawed_back",
        "money_clawed_back_yuan",
        "barred_until",
    ),
}
# Rows below a page, in a fixed order (PostgreSQL returns rows in no particular order
# otherwise, and a restored database must build the same site).
_KIND = ("kind", "name", "article", "min_working_days", "exact")
_CORRECTION = (
    "published_at",
    "previous_start_date",
    "previous_end_date",
    "previous_working_days",
    "start_date",
    "end_date",
    "working_days",
    "reason",
)
_ENTRY = (
    "name",
    "credit_code",
    "category",
    "level",
    "region",
    "score",
    "bonus",
    "person__public_id",
)
_AWARD = (
    "pk",
    "recipient",
    "credit_code",
    "category",
    "person__public_id",
    "level",
    "region",
    "score",
    "bonus",
    "prize",
    "prize_money_yuan",
    "is_repeat",
    "valid_from",
    "valid_until",
)
# A database takes only so many parameters in a query; a slice of pages reads in pieces.
_IDS_PER_QUERY = 500


def _filtered(queryset, field: str, ids: Iterable[int] | None) -> Iterator:
    """The rows of `queryset` whose `field` is in `ids` (all of them when ids is None)."""
    if ids is None:
        yield from queryset
        return
    ids = sorted(set(ids))
    for start in range(0, len(ids), _IDS_PER_QUERY):
        yield from queryset.filter(**{f"{field}__in": ids[start : start + _IDS_PER_QUERY]})


def _grouped(rows, key: int = 0) -> dict[int, list]:
    groups: dict[int, list] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups


def _rows_of_parents(
    model, parent: str, order: str, fields, parents: Iterable[int] | None
) -> dict[int, list]:
    """{parent id: its rows of `model` (parent id, *fields), in `order` then pk}."""
    rows = model.objects.order_by(parent, order, "pk").values_list(parent, *fields, named=True)
    return _grouped(_filtered(rows, parent, parents))


class _Rows:
    """What the export of some pages reads, each kind in one query for all of them
    (`everything`: for all pages of the tree, without a list of ids)."""

    def __init__(self, tree: PageTree, nodes: list[PageNode], everything: bool):
        def ids(selected: Iterable[int]) -> Iterable[int] | None:
            return None if everything else selected

        by_model: dict[type, list[int]] = {}
        for node in nodes:
            by_model.setdefault(node.model, []).append(node.pk)
        self.pages: dict[int, object] = {}
        for model, fields in _KIND_FIELDS.items():
            if model in by_model:
                rows = (
                    model.objects.filter(live=True)
                    .order_by()
                    .annotate(attachments_json=Cast("attachments", TextField()))
                    .values_list(*_COMMON, *_DOCUMENT, *fields, "attachments_json", named=True)
                )
                self.pages |= {row.pk: row for row in _filtered(rows, "pk", ids(by_model[model]))}
        homes = [node.pk for node in nodes if node.role == HOME]
        if homes:
            self.pages |= {
                home.pk: home
                for home in _filtered(HomePage.objects.filter(live=True), "pk", ids(homes))
            }
        programmes = [node.pk for node in nodes if node.role == PROGRAMME]
        self.cases = {}
        if programmes:
            levels = Prefetch("levels", queryset=AwardLevel.objects.order_by("sort_order", "pk"))
            kinds = Prefetch(
                "publicity_kinds", queryset=PublicityKind.objects.order_by("sort_order", "pk")
            )
            queryset = ProgrammePage.objects.filter(live=True).prefetch_related(levels, kinds)
            self.pages |= {page.pk: page for page in _filtered(queryset, "pk", ids(programmes))}
            self.cases = yearly_counts_of(ids(programmes))

        documents = [pk for model, pks in by_model.items() if model in KIND_OF_MODEL for pk in pks]
        self.index_numbers = dict(
            _filtered(
                IndexNumber.objects.values_list("page_id", "number"), "page_id", ids(documents)
            )
        )
        # Numbered when they first went live (cms/govsite); a page made live without
        # Wagtail's publish (a bulk load, an old backup) is numbered here, by the server.
        unnumbered = [pk for pk in documents if pk in self.pages and pk not in self.index_numbers]
        if unnumbered:
            assigned = catalogue.assign_missing(unnumbered)
            self.index_numbers |= {pk: row.number for pk, row in assigned.items()}
        self.notes = _rows_of_parents(
            ChangeNote,
            "page_id",
            "published_at",
            ("published_at", "note", "is_major"),
            ids(documents),
        )
        self.entries = _rows_of_parents(
            PublicityEntry,
            "notice_id",
            "sort_order",
            _ENTRY,
            ids(by_model.get(PublicityNoticePage, [])),
        )
        notices = ids(by_model.get(PublicityNoticePage, []))
        self.corrections = _rows_of_parents(
            PeriodCorrection, "notice_id", "published_at", _CORRECTION, notices
        )
        # Every programme's kinds of notice: a few rows in all, read whole.
        self.kinds = _rows_of_parents(PublicityKind, "programme_id", "sort_order", _KIND, None)
        self.awards = _rows_of_parents(
            Award, "decision_id", "sort_order", _AWARD, ids(by_model.get(AwardDecisionPage, []))
        )
        revocations = by_model.get(RevocationPage, [])
        grounds = RevocationPage.grounds.through.objects.order_by(
            "revocationground__sort_order", "revocationground__pk"
        ).values_list("revocationpage_id", "revocationground__text", "revocationground__article")
        self.grounds = _grouped(_filtered(grounds, "revocationpage_id", ids(revocations)))
        revoked = {self.pages[pk].award_id for pk in revocations if pk in self.pages}
        self.revoked_awards = {
            row.pk: row
            for row in _filtered(
                Award.objects.order_by().values_list(
                    "pk",
                    "decision_id",
                    "recipient",
                    "credit_code",
                    "category",
                    "person__public_id",
                    "level",
                    named=True,
                ),
                "pk",
                revoked,
            )
        }

        # Editions: of the documents (their nearest public one), of the programmes (their
        # public ones), and of the decisions whose awards are revoked (published or not).
        editions = set()
        for node in nodes:
            if node.role == DOCUMENT:
                if node.edition is not None:
                    editions.add(node.edition)
            elif node.role == PROGRAMME:
                editions.update(edition.pk for edition in tree.editions_of(node.pk))
        for award in self.revoked_awards.values():
            decision = tree.nodes.get(award.decision_id)
            if decision and (parent := tree.parent(decision)):
                editions.add(parent.pk)
        self.editions = {
            row.pk: row
            for row in _filtered(
                EditionPage.objects.order_by().values_list(
                    "pk", "number", "year", "title", named=True
                ),
                "pk",
                ids(editions),
            )
        }


# --- The export ------------------------------------------------------------------------------


class Exporter:
    def __init__(self, tree: PageTree):
        self.tree = tree
        self._documents: dict[int, object] = {}
        self._private_collections: dict[int, bool] = {}
        self._allowed_files: dict[int, bool] = {}
        self._descriptions: dict[int, dict] = {}
        self._reads: set = set()
        self._zone = timezone.get_current_timezone()

    def export(
        self, nodes: list[PageNode], *, everything: bool = False
    ) -> Iterator[tuple[PageNode, Item | None]]:
        """Each of `nodes` (public pages) with its item, or None for a page that is no
        item; `everything`: the nodes are all the tree's items."""
        rows = _Rows(self.tree, nodes, everything)
        for node in nodes:
            page = rows.pages.get(node.pk)
            if page is None:  # unpublished since the tree was read
                yield node, None
                continue
            self._reads = {("page", node.pk)}
            item = self.item(node, page, rows)
            if item is not None:
                item.reads = frozenset(self._reads)
            yield node, item

    def _read_page(self, node: PageNode | None) -> None:
        if node is not None:
            self._reads.add(("page", node.pk))

    def item(self, node: PageNode, page, rows: _Rows) -> Item | None:
        if node.role == HOME:
            self._reads.add(("shared", SITES))
            return Item(
                self._common(page, "home")
                | {
                    "site_name": public_site_name(page),
                    "introduction": page.introduction,
                    "identity": SiteIdentity.of_public_site().public(),
                }
            )
        if node.role == PROGRAMME:
            return self.programme(node, page, rows)
        kind = KIND_OF_MODEL.get(node.model)
        return self.document(node, page, kind, rows) if kind else None

    def _common(self, page, kind: str) -> dict:
        return {
            "schema": contract.SCHEMA_VERSION,
            "kind": kind,
            "id": page.pk,
            "uuid": str(page.translation_key),
            "title": page.title,
            "first_published_at": timestamp(page.first_published_at, self._zone),
            "last_published_at": timestamp(page.last_published_at, self._zone),
        }

    def programme(self, node: PageNode, page: ProgrammePage, rows: _Rows) -> Item:
        self._reads.add(("editions", node.pk))
        self._reads.add(("shared", CASES))
        editions = []
        for edition in self.tree.editions_of(node.pk):
            self._read_page(edition)
            editions.append(self._edition(rows.editions[edition.pk]))
        document = self._common(page, "programme") | {
            "slug": page.slug,
            "level": page.level,
            "region": page.region,
            "organiser": page.organiser,
            "office": page.office,
            "supervisor": page.supervisor,
            "summary": page.summary,
            "regulation": {
                "title": page.regulation_title,
                "number": page.regulation_number,
                "status": page.regulation_status,
                "issued_on": _date(page.regulation_issued_on),
                "effective_from": _date(page.regulation_effective_from),
                "expires_on": _date(page.regulation_expires_on),
                "url": safe_href(page.regulation_url) or "",
                "replaces": page.regulation_replaces,
            },
            "cycle_years": page.cycle_years,
            "validity_years": page.validity_years,
            "publicity_kinds": [_period_rule(row) for row in rows.kinds.get(node.pk, ())],
            "levels": [
                {
                    "name": level.name,
                    "rank": level.rank,
                    "category": level.category,
                    "quota": level.quota,
                }
                for level in page.levels.all()  # prefetched in (sort_order, pk) order
            ],
            "rules": plain_rules(page),
            "editions": sorted(editions, key=lambda edition: edition["number"]),
            "complaint_statistics": [
                {
                    "year": row.year,
                    "received": row.received,
                    "concluded": row.concluded,
                    "upheld": row.upheld,
                    "median_days_to_conclude": row.median_days_to_conclude,
                }
                for row in rows.cases.get(node.pk, [])
            ],
        }
        return self._with_body(document, page.body)

    def document(self, node: PageNode, page, kind: str, rows: _Rows) -> Item | None:
        programme = self.tree.programme_of(node)
        if programme is None:
            return None
        edition = self.tree.edition_of(node)
        self._read_page(programme)
        self._read_page(edition)
        document = self._common(page, kind) | {
            "index_number": rows.index_numbers[page.pk],
            "programme": programme.slug,
            "edition": self._edition(rows.editions[edition.pk]) if edition else None,
            "document_number": page.document_number,
            "issuing_body": page.issuing_body,
            "date_signed": _date(page.date_signed),
            "summary": page.summary,
            "attachments": [],
            "changes": [
                {
                    "published_at": timestamp(published_at, self._zone),
                    "note": note,
                    "is_major": is_major,
                }
                for _page, published_at, note, is_major in rows.notes.get(page.pk, ())
            ],
        }
        document |= getattr(self, f"_{kind}_fields")(node, page, rows)
        item = self._with_body(document, page.body)
        stored = page.attachments_json
        if stored not in (None, "", "[]") and (attachments := json.loads(stored)):
            self._reads.add(("shared", DOCUMENTS))
            for block in node.model._meta.get_field("attachments").to_python(attachments):
                item.attach(self._attachment(block.value))
        document["attachments"] = [self._describe(attachment) for attachment in item.attachments]
        return item

    def _call_fields(self, node, page, rows) -> dict:
        return {
            "application_deadline": _date(page.application_deadline),
            "how_to_apply": page.how_to_apply,
        }

    def _notice_fields(self, node, page, rows) -> dict:
        programme = self.tree.programme_of(node)
        kinds = {row.kind: row for row in rows.kinds.get(programme.pk, ())}
        if page.kind not in kinds:
            raise contract.ContractError(
                f"notices/{page.pk}", "notice_type", f"奖项 {programme.slug} 没有此类公示的规则"
            )
        return {
            "notice_type": page.kind,
            "period_rule": _period_rule(kinds[page.kind]),
            "start_rule": page.start_rule,
            "start_date": _date(page.start_date),
            "end_date": _date(page.end_date),
            "working_days": page.working_days,
            "period_corrections": [
                {
                    "published_at": timestamp(row.published_at, self._zone),
                    "previous_start_date": _date(row.previous_start_date),
                    "previous_end_date": _date(row.previous_end_date),
                    "previous_working_days": row.previous_working_days,
                    "start_date": _date(row.start_date),
                    "end_date": _date(row.end_date),
                    "working_days": row.working_days,
                    "reason": row.reason,
                }
                for row in rows.corrections.get(page.pk, ())
            ],
            "objection_method": page.objection_method,
            "entries": [
                {
                    "name": entry.name,
                    "recipient_id": _recipient_id(entry, entry.name),
                    "credit_code": entry.credit_code,
                    "category": entry.category,
                    "level": entry.level,
                    "region": entry.region,
                    "score": entry.score,
                    "bonus": entry.bonus,
                }
                for entry in rows.entries.get(page.pk, ())
            ],
        }

    def _decision_fields(self, node, page, rows) -> dict:
        edition = self.tree.edition_of(node)
        if edition is None:
            raise EditionPage.DoesNotExist(f"{page.title} 不在任何届次之下")
        year = rows.editions[edition.pk].year
        return {
            "awards": [
                {
                    "id": award.pk,
                    "recipient": award.recipient,
                    "recipient_id": _recipient_id(award, award.recipient),
                    "credit_code": award.credit_code,
                    "category": award.category,
                    "level": award.level,
                    "region": award.region,
                    "score": award.score,
                    "bonus": award.bonus,
                    "prize": award.prize,
                    "prize_money_yuan": award.prize_money_yuan,
                    "is_repeat": award.is_repeat,
                    "valid_from": _date(award.valid_from),
                    "valid_until": _date(award.valid_until),
                    "citation": citation(year, award.level),
                }
                for award in rows.awards.get(page.pk, ())
            ]
        }

    def _revocation_fields(self, node, page, rows) -> dict:
        award = rows.revoked_awards[page.award_id]
        # The award's citation names its decision's edition (Award.citation), published or
        # not; both are read, so a new version of either exports this page again.
        decision = self.tree.nodes.get(award.decision_id)
        edition = self.tree.parent(decision) if decision else None
        if edition is None or edition.role != EDITION:
            raise EditionPage.DoesNotExist(f"奖项 {award.pk} 的表彰决定不在任何届次之下")
        self._read_page(decision)
        self._read_page(edition)
        return {
            "award": {
                "id": award.pk,
                "decision": award.decision_id,
                "recipient": award.recipient,
                "recipient_id": _recipient_id(award, award.recipient),
                "credit_code": award.credit_code,
                "level": award.level,
                "citation": citation(rows.editions[edition.pk].year, award.level),
            },
            "grounds": [
                {"text": text, "article": article}
                for _page, text, article in rows.grounds.get(page.pk, ())
            ],
            "facts": page.facts,
            "legal_basis": page.legal_basis,
            "certificate_recovered": page.certificate_recovered,
            "money_clawed_back": page.money_clawed_back,
            "money_clawed_back_yuan": page.money_clawed_back_yuan,
            "barred_until": _date(page.barred_until),
        }

    def channels(self) -> Iterator[Item]:
        """The live reporting channels of public programmes."""
        for channel in ReportingChannel.objects.filter(live=True).order_by("pk"):
            programme = self.tree.nodes.get(channel.programme_id)
            if programme is not None and programme.public:
                yield self.channel(channel, programme)

    def channel(self, channel: ReportingChannel, programme: PageNode) -> Item:
        published = channel.last_published_at or channel.latest_revision_created_at
        first = channel.first_published_at or published
        document = {
            "schema": contract.SCHEMA_VERSION,
            "kind": "channel",
            "id": channel.pk,
            "uuid": f"channel-{channel.pk}",
            "title": channel.name,
            "first_published_at": timestamp(first),
            "last_published_at": timestamp(published),
            "programme": programme.slug,
        }
        for name in contract.schema.KINDS["channel"]:
            if name != "programme":
                document[name] = getattr(channel, name)
        return Item(document)

    def withdrawn(self) -> Iterator[Item]:
        from .models import Withdrawal

        for withdrawal in Withdrawal.objects.current():
            node = self.tree.nodes.get(withdrawal.page_id)
            if node is not None and node.public:
                continue  # published again since
            yield Item(withdrawal.as_document())

    def _with_body(self, document: dict, html: str) -> Item:
        item = Item(document)
        item.body = to_markdown(html, lambda linktype, attrs: self._link(item, linktype, attrs))
        return item

    def _link(self, item: Item, linktype: str, attrs: dict) -> str | None:
        """Where a rich-text link points on the public site, or None to drop the link."""
        if linktype == "page":
            pk = int(attrs.get("id", 0) or 0)
            self._reads.add(("page", pk))
            node = self.tree.nodes.get(pk)
            if node is not None and node.role == EDITION:
                self._read_page(self.tree.parent(node))  # its URL is its programme's
            return self.tree.site_path(pk)
        if linktype == "document":
            self._reads.add(("shared", DOCUMENTS))
            attachment = self._attachment(self._document(attrs.get("id")))
            if attachment is None:
                return None
            item.attach(attachment)
            return "/" + attachment.file
        return safe_href(attrs.get("href", ""))

    def _document(self, pk):
        try:
            pk = int(pk or 0)
        except (TypeError, ValueError):
            return None
        if pk not in self._documents:
            self._documents[pk] = get_document_model().objects.filter(pk=pk).first()
        return self._documents[pk]

    def _attachment(self, document) -> Attachment | None:
        if document is None:
            return None
        if document.collection_id not in self._private_collections:
            restrictions = document.collection.get_view_restrictions()
            self._private_collections[document.collection_id] = restrictions.exists()
        if self._private_collections[document.collection_id] or not self._allowed(document):
            return None
        name = PurePosixPath(document.file.name).name
        return Attachment(file=f"attachments/{document.pk}/{name}", document=document)

    def _allowed(self, document) -> bool:
        """Whether a document's file is of the attachment allow-list, by name and by
        content (ADR 23). One stored before the list existed, or by other means than the
        admin's upload, stays off the public site: its links are left as plain text."""
        if document.pk not in self._allowed_files:
            with document.file.open("rb") as file:
                allowed = attachments.is_allowed(document.file.name, file)
            if not allowed:
                logger.warning(
                    "附件“%s”（文档 #%s）的文件类型不在允许之列，未发布到公开站点",
                    document.title,
                    document.pk,
                )
            self._allowed_files[document.pk] = allowed
        return self._allowed_files[document.pk]

    def _describe(self, attachment: Attachment) -> dict:
        """An attachment's description, its file read once per export however many items
        attach it."""
        key = attachment.document.pk
        if key not in self._descriptions:
            self._descriptions[key] = attachment.describe()
        return dict(self._descriptions[key])

    def _edition(self, edition) -> dict:
        return {
            "id": edition.pk,
            "number": edition.number,
            "year": edition.year,
            "title": edition.title,
        }


def _date(day) -> str | None:
    return day.isoformat() if day else None


def _recipient_id(row, name: str) -> str:
    """Who the row's recipient is (an award's or an entry's row as read above)."""
    return recipient_id(row.category, row.credit_code, row.person__public_id, name)


def _period_rule(row) -> dict:
    """A kind of notice as its programme's regulation sets it (programmes.PublicityKind)."""
    return {
        "notice_type": row.kind,
        "name": row.name,
        "article": row.article,
        "min_working_days": row.min_working_days,
        "exact": row.exact,
    }


# --- Exporting only what changed (cms/publishing/incremental.py) ---------------------------


class NeedsFullExport(Exception):
    """Only a full export can follow this change."""


def partial_export(page_ids) -> dict[str, bytes | None]:
    """{path under content/: bytes, or None when the file goes} for the pages `page_ids`
    and the pages whose export depends on them (pages linking to them, revocations of a
    changed decision's awards), as collect() + write() would write them now. Raises
    NeedsFullExport for a change only a full export follows (a programme, an edition,
    the home page, anything not a document, a page deleted since)."""
    from wagtail.models import ReferenceIndex

    from .models import Withdrawal

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
