"""The page tree: which pages are public, and in which order the export takes them.

`PageTree` reads every page's place, type and publication state in one query of the page
table (and one of the private sections), no content: a page is public by the rule of
cms/base/public.py (it and every page above it but the root live, no private section at
or above it), and an item of the export when it is the home page, a programme, or a
document below a programme. `PageTree.around()` reads only some pages and those above
them, for exporting a few pages of tens of thousands.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import CharField, Count, Max, Q, Sum
from django.db.models.functions import Cast
from wagtail.models import Page, PageViewRestriction

from cms.base import public
from cms.base.models import HomePage
from cms.decisions.models import AwardDecisionPage
from cms.notices.models import CallForApplicationsPage, PublicityNoticePage
from cms.programmes.models import EditionPage, ProgrammePage
from cms.revocations.models import RevocationPage
from gongshi import contract

# The documents, each of its kind of content/ (docs/content-format.md): the pages the export
# takes below a programme.
KIND_OF_MODEL = {
    CallForApplicationsPage: "call",
    PublicityNoticePage: "notice",
    AwardDecisionPage: "decision",
    RevocationPage: "revocation",
}

# A page's role in the export; DOCUMENT: a model of KIND_OF_MODEL.
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
