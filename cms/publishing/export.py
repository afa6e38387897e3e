"""Live, public content as content/ documents: what the public site is built from.

`collect()` is the only way content leaves the CMS for the public: the in-CMS build, the
public read API's content endpoint and `manage.py export_content` all go through it. It
reads the page table, which holds each page's live version (drafts and revisions awaiting
approval live in revisions), skips pages not live, pages in private sections and pages
under an unpublished ancestor, and checks every document against the contract.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page

from cms import contract
from cms.base.models import ChangeNote, HomePage, OfficialDocumentPage
from cms.decisions.models import Award, AwardDecisionPage
from cms.notices.models import CallForApplicationsPage, PublicityEntry, PublicityNoticePage
from cms.programmes.models import EditionPage, ProgrammePage
from cms.programmes.plain_words import plain_rules
from cms.reporting.models import ReportingChannel
from cms.revocations.models import RevocationPage
from cms.rules.awards import citation
from cms.supervision.cases import yearly_counts

from .markdown import safe_href, to_markdown

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

    @property
    def path(self) -> PurePosixPath:
        return contract.relative_path(self.document)

    def text(self) -> str:
        return contract.dump(self.document, self.body, path=f"content/{self.path}")

    def attach(self, attachment: Attachment | None) -> None:
        """Bring a file along once, however often the item links it."""
        if attachment and attachment.file not in {a.file for a in self.attachments}:
            self.attachments.append(attachment)


def collect() -> Iterator[Item]:
    """Every published item, in a stable order: home, programmes, documents, channels,
    withdrawn items."""
    pages = _public_pages()
    _prefetch_related(pages)
    exporter = _Exporter({page.pk: page for page in pages})
    for page in pages:
        item = exporter.item(page)
        if item is not None:
            yield item
    for channel in ReportingChannel.objects.filter(live=True).order_by("pk"):
        if channel.programme_id in exporter.pages:
            yield exporter.channel(channel)
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


def site_path(page) -> str | None:
    """The public URL path of a page, as docs/content-format.md defines it."""
    page = page.specific
    if isinstance(page, HomePage):
        return "/"
    if isinstance(page, ProgrammePage):
        return f"/programmes/{page.slug}/"
    if isinstance(page, EditionPage):
        return f"/programmes/{page.get_parent().slug}/"
    kind = KIND_OF_MODEL.get(type(page))
    return f"/{contract.schema.DIRECTORIES[kind]}/{page.pk}/" if kind else None


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def timestamp(moment) -> str:
    if moment is None:  # localtime(None) would be now: a publish time nobody recorded
        raise ValueError("缺少服务器记录的发布时间")
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _public_pages() -> list[Page]:
    """Live pages outside private sections whose ancestors are all live, in tree order."""
    hidden = set(Page.objects.filter(live=False, depth__gt=1).values_list("path", flat=True))
    return [
        page
        for page in Page.objects.live().public().filter(depth__gt=1).specific().order_by("path")
        if hidden.isdisjoint(_ancestor_paths(page))
    ]


# What each kind of page reads besides its own row, fetched for all pages of the kind in
# one query each instead of one per page (a 20,000-notice archive would take 40,000).
# The big ones go to a list attribute: a prefetch into the related manager would build a
# filtered queryset per page.
def _prefetches(model) -> list:
    lookups = {
        ProgrammePage: ["levels"],  # read through the manager by plain_rules() too
        # In a fixed order (sort_order, then pk): PostgreSQL returns rows in no particular
        # order otherwise, and a restored database must build the same site.
        PublicityNoticePage: [Prefetch("entries", _in_order(PublicityEntry), "public_entries")],
        AwardDecisionPage: [Prefetch("awards", _in_order(Award), "public_awards")],
        RevocationPage: ["award", "grounds"],
    }.get(model, [])
    if issubclass(model, OfficialDocumentPage):
        notes = ChangeNote.objects.order_by("published_at", "pk")
        lookups = [*lookups, Prefetch("change_notes", queryset=notes, to_attr="public_changes")]
    return lookups


def _prefetch_related(pages: list[Page]) -> None:
    by_model: dict[type, list[Page]] = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page)
    for model, group in by_model.items():
        if lookups := _prefetches(model):
            prefetch_related_objects(group, *lookups)


def _prefetched(page, attribute: str, rows):
    """The rows prefetched into `attribute`, or `rows` for a page collect() did not
    prefetch."""
    return getattr(page, attribute) if hasattr(page, attribute) else rows


def _in_order(model):
    return model.objects.order_by("sort_order", "pk")


def _ancestor_paths(page) -> list[str]:
    """Materialised paths of a page's ancestors, nearest first (treebeard's path scheme)."""
    return _paths_above(page.path)


def _paths_above(path: str) -> list[str]:
    step = Page.steplen
    return [path[:end] for end in range(len(path) - step, 0, -step)]


class _Exporter:
    def __init__(self, pages: dict[int, Page]):
        self.pages = pages
        self.by_path = {page.path: page for page in pages.values()}
        self.editions_of = {}  # programme id -> its public editions
        for page in pages.values():
            if isinstance(page, EditionPage) and (programme := self._ancestor(page, ProgrammePage)):
                self.editions_of.setdefault(programme.pk, []).append(page)

    def _ancestor(self, page, page_type):
        """The nearest public ancestor of `page` of `page_type`, if any."""
        for path in _ancestor_paths(page):
            if isinstance(ancestor := self.by_path.get(path), page_type):
                return ancestor
        return None

    def item(self, page) -> Item | None:
        if isinstance(page, HomePage):
            return Item(
                self._common(page, "home")
                | {"site_name": _site_name(page), "introduction": page.introduction}
            )
        if isinstance(page, ProgrammePage):
            return self.programme(page)
        kind = KIND_OF_MODEL.get(type(page))
        return self.document(page, kind) if kind else None

    def _common(self, page, kind: str) -> dict:
        return {
            "schema": contract.SCHEMA_VERSION,
            "kind": kind,
            "id": page.pk,
            "uuid": str(page.translation_key),
            "title": page.title,
            "first_published_at": timestamp(page.first_published_at),
            "last_published_at": timestamp(page.last_published_at),
        }

    def programme(self, page: ProgrammePage) -> Item:
        editions = [self._edition(edition) for edition in self.editions_of.get(page.pk, [])]
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
            "min_publicity_working_days": page.min_publicity_working_days,
            "levels": [
                {
                    "name": level.name,
                    "rank": level.rank,
                    "category": level.category,
                    "quota": level.quota,
                }
                for level in page.levels.order_by("sort_order", "pk")
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
                for row in yearly_counts(page)
            ],
        }
        return self._with_body(document, page.body)

    def document(self, page, kind: str) -> Item | None:
        programme = self._ancestor(page, ProgrammePage)
        if programme is None:
            return None
        edition = self._ancestor(page, EditionPage)
        document = self._common(page, kind) | {
            "programme": programme.slug,
            "edition": self._edition(edition) if edition else None,
            "document_number": page.document_number,
            "issuing_body": page.issuing_body,
            "date_signed": _date(page.date_signed),
            "summary": page.summary,
            "attachments": [],
            "changes": [
                {
                    "published_at": timestamp(note.published_at),
                    "note": note.note,
                    "is_major": note.is_major,
                }
                for note in _prefetched(
                    page,
                    "public_changes",
                    page.change_notes.order_by("published_at", "pk"),
                )
            ],
        }
        document |= getattr(self, f"_{kind}_fields")(page)
        item = self._with_body(document, page.body)
        for block in page.attachments:
            item.attach(self._attachment(block.value))
        document["attachments"] = [attachment.describe() for attachment in item.attachments]
        return item

    def _call_fields(self, page) -> dict:
        return {
            "application_deadline": _date(page.application_deadline),
            "how_to_apply": page.how_to_apply,
        }

    def _notice_fields(self, page) -> dict:
        return {
            "notice_type": page.kind,
            "start_date": _date(page.start_date),
            "end_date": _date(page.end_date),
            "working_days": page.working_days,
            "objection_method": page.objection_method,
            "entries": [
                {
                    "name": entry.name,
                    "credit_code": entry.credit_code,
                    "category": entry.category,
                    "level": entry.level,
                    "region": entry.region,
                    "score": entry.score,
                }
                for entry in _prefetched(
                    page, "public_entries", page.entries.order_by("sort_order", "pk")
                )
            ],
        }

    def _decision_fields(self, page) -> dict:
        year = self._ancestor(page, EditionPage).year
        return {
            "awards": [
                {
                    "id": award.pk,
                    "recipient": award.recipient,
                    "credit_code": award.credit_code,
                    "category": award.category,
                    "level": award.level,
                    "region": award.region,
                    "score": award.score,
                    "prize": award.prize,
                    "prize_money_yuan": award.prize_money_yuan,
                    "is_repeat": award.is_repeat,
                    "valid_from": _date(award.valid_from),
                    "valid_until": _date(award.valid_until),
                    "citation": citation(year, award.level),
                }
                for award in _prefetched(
                    page, "public_awards", page.awards.order_by("sort_order", "pk")
                )
            ]
        }

    def _revocation_fields(self, page) -> dict:
        award = page.award
        return {
            "award": {
                "id": award.pk,
                "decision": award.decision_id,
                "recipient": award.recipient,
                "credit_code": award.credit_code,
                "level": award.level,
                "citation": award.citation,
            },
            "grounds": [
                {"text": g.text, "article": g.article}
                for g in page.grounds.order_by("sort_order", "pk")
            ],
            "facts": page.facts,
            "legal_basis": page.legal_basis,
            "certificate_recovered": page.certificate_recovered,
            "money_clawed_back": page.money_clawed_back,
            "money_clawed_back_yuan": page.money_clawed_back_yuan,
            "barred_until": _date(page.barred_until),
        }

    def channel(self, channel: ReportingChannel) -> Item:
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
            "programme": self.pages[channel.programme_id].slug,
        }
        for name in contract.schema.KINDS["channel"]:
            if name != "programme":
                document[name] = getattr(channel, name)
        return Item(document)

    def withdrawn(self) -> Iterator[Item]:
        from .models import Withdrawal

        for withdrawal in Withdrawal.objects.current():
            if withdrawal.page_id in self.pages:
                continue  # published again since
            yield Item(withdrawal.as_document())

    def _with_body(self, document: dict, html: str) -> Item:
        item = Item(document)
        item.body = to_markdown(html, lambda linktype, attrs: self._link(item, linktype, attrs))
        return item

    def _link(self, item: Item, linktype: str, attrs: dict) -> str | None:
        """Where a rich-text link points on the public site, or None to drop the link."""
        if linktype == "page":
            page = self.pages.get(int(attrs.get("id", 0) or 0))
            return site_path(page) if page else None
        if linktype == "document":
            document = get_document_model().objects.filter(pk=attrs.get("id") or 0).first()
            attachment = self._attachment(document) if document else None
            if attachment is None:
                return None
            item.attach(attachment)
            return "/" + attachment.file
        return safe_href(attrs.get("href", ""))

    def _attachment(self, document) -> Attachment | None:
        if document is None or document.collection.get_view_restrictions().exists():
            return None
        name = PurePosixPath(document.file.name).name
        return Attachment(file=f"attachments/{document.pk}/{name}", document=document)

    def _edition(self, edition) -> dict:
        return {
            "id": edition.pk,
            "number": edition.number,
            "year": edition.year,
            "title": edition.title,
        }


def _site_name(home) -> str:
    site = home.get_site()
    return (site.site_name if site and site.site_name else "") or home.title


def _date(day) -> str | None:
    return day.isoformat() if day else None


# --- Exporting only what changed (cms/publishing/incremental.py) ---------------------------


class _PublicPages(Mapping):
    """The public pages by id, as _public_pages() finds them, but each loaded only when
    asked for: an incremental export reads a few of tens of thousands."""

    def __init__(self):
        hidden = set(Page.objects.filter(live=False, depth__gt=1).values_list("path", flat=True))
        rows = Page.objects.live().public().filter(depth__gt=1).values_list("pk", "path")
        self.paths = {pk: path for pk, path in rows if hidden.isdisjoint(_paths_above(path))}
        self._loaded: dict[int, Page] = {}

    def __getitem__(self, pk):
        if pk not in self.paths:
            raise KeyError(pk)
        if pk not in self._loaded:
            self._loaded[pk] = Page.objects.get(pk=pk).specific
        return self._loaded[pk]

    def __iter__(self):
        return iter(self.paths)

    def __len__(self):
        return len(self.paths)


class _PublicPagesByPath(Mapping):
    def __init__(self, pages: _PublicPages):
        self.pages = pages
        self.ids = {path: pk for pk, path in pages.paths.items()}

    def __getitem__(self, path):
        return self.pages[self.ids[path]]

    def __iter__(self):
        return iter(self.ids)

    def __len__(self):
        return len(self.ids)


class _PartialExporter(_Exporter):
    def __init__(self, pages: _PublicPages):
        self.pages = pages
        self.by_path = _PublicPagesByPath(pages)
        self.editions_of = {}  # only programmes use it, and they need a full export


class NeedsFullExport(Exception):
    """Only a full export can follow this change."""


def partial_export(page_ids) -> dict[str, bytes | None]:
    """{path under content/: bytes, or None when the file goes} for the pages `page_ids`
    and the pages whose export depends on them (pages linking to them, revocations of a
    changed decision's awards), as collect() + write() would write them now. Raises
    NeedsFullExport for a change only a full export follows (a programme, an edition,
    the home page, anything not a document)."""
    from wagtail.models import ReferenceIndex

    from cms.base.models import OfficialDocumentPage

    from .models import Withdrawal

    ids = {int(pk) for pk in page_ids}
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
    pages = _PublicPages()
    exporter = _PartialExporter(pages)
    files: dict[str, bytes | None] = {}
    withdrawals = {}
    for withdrawal in Withdrawal.objects.current():
        withdrawals.setdefault(withdrawal.page_id, []).append(withdrawal)
    for page in Page.objects.filter(pk__in=ids).specific():
        kind = KIND_OF_MODEL.get(type(page))
        if kind is None or not isinstance(page, OfficialDocumentPage):
            raise NeedsFullExport(f"{page.title} 不是公开文件，需要完整构建")
        path = f"{contract.schema.DIRECTORIES[kind]}/{page.pk}.md"
        item = exporter.document(pages[page.pk], kind) if page.pk in pages else None
        for withdrawal in withdrawals.get(page.pk, []):
            withdrawn = Item(withdrawal.as_document())
            files[str(withdrawn.path)] = None if item is not None else withdrawn.text().encode()
        files[path] = item.text().encode() if item is not None else None
        for attachment in item.attachments if item is not None else []:
            with attachment.document.file.open("rb") as source:
                files[attachment.file] = source.read()
    return files
