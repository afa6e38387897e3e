"""Load a generated content/ directory (tests/bench/corpus.py) into the CMS's database in
bulk, as if every item had been created and published by the real workflow.

Saving 50,000 pages one by one through Wagtail (treebeard's add_child, save_revision,
publish, signals) takes hours; this computes the tree's materialised paths itself and
inserts each table in a few large INSERTs, leaving behind what the publish path leaves:
a live page with its live and latest revision, first/last published times, the change
note of its first publish, a publish log entry and the admin's search index entries.
Ids are the corpus's own, so the public URLs of the exported site are the corpus's.

`verify()` reads everything back through the export (cms.publishing.export.collect) and
compares it with the files the corpus wrote: the loader is correct when the CMS exports
what the generator meant. Run inside a configured Django (tests/bench/bench.py does).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.html import escape
from wagtail.models import Locale, Page, PageLogEntry, Revision
from wagtail.search.backends import get_search_backend

from cms.base.models import ChangeNote, HomePage
from cms.decisions.models import Award, AwardDecisionPage
from cms.notices.models import PublicityEntry, PublicityNoticePage
from cms.programmes.models import (
    AwardLevel,
    EditionPage,
    ProgrammeIndexPage,
    ProgrammePage,
    PublicityKind,
    RevocationGround,
)
from cms.publishing.export.rows import (
    AWARD_COLUMNS,
    EDITION_COLUMNS,
    ENTRY_COLUMNS,
    LEVEL_COLUMNS,
    NOTICE_COLUMNS,
    PERIOD_RULE_COLUMNS,
    PROGRAMME_COLUMNS,
    REVOCATION_COLUMNS,
)
from cms.revocations.models import RevocationPage
from gongshi import contract
from gongshi.contract import decision as contract_decision
from gongshi.contract import notice as contract_notice
from gongshi.contract import programme as contract_programme
from gongshi.contract import records
from gongshi.contract import revocation as contract_revocation


def read_corpus(content_dir: Path) -> dict[str, list[tuple[dict, str]]]:
    """Every file of a content/ directory as (document, body), grouped by kind, by id."""
    by_kind: dict[str, list[tuple[dict, str]]] = defaultdict(list)
    for path in sorted(Path(content_dir).rglob("*.md")):
        document, body = contract.load(path.read_text(encoding="utf-8"), str(path))
        by_kind[document["kind"]].append((document, body))
    for items in by_kind.values():
        items.sort(key=lambda item: item[0]["id"])
    return by_kind


def html_of(markdown_body: str) -> str:
    """The corpus's bodies are plain paragraphs: the rich text an editor would have typed."""
    return "".join(f"<p>{escape(p)}</p>" for p in markdown_body.split("\n\n") if p.strip())


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass
class _Tree:
    """Pages to insert, with their place in treebeard's materialised-path tree."""

    locale_id: int
    pages: dict[type, list[Page]] = field(default_factory=lambda: defaultdict(list))
    children: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    count: int = 0

    def add(self, parent: Page, page: Page, pk: int, document: dict) -> Page:
        self.children[parent.path] += 1
        page.id = page.pk = pk
        page.path = Page._get_path(parent.path, parent.depth + 1, self.children[parent.path])
        page.depth = parent.depth + 1
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.draft_title = page.title
        page.translation_key = uuid.UUID(document["uuid"])
        page.locale_id = self.locale_id
        page.live, page.has_unpublished_changes = True, False
        page.first_published_at = moment(document["first_published_at"])
        page.last_published_at = moment(document["last_published_at"])
        page.latest_revision_created_at = page.last_published_at
        self.pages[type(page)].append(page)
        self.count += 1
        return page


def load(content_dir: Path, *, index_for_search: bool = True) -> dict[str, int]:
    """Insert the corpus under the home page; returns how many rows of each kind."""
    by_kind = read_corpus(content_dir)
    with transaction.atomic():
        counts = _load(by_kind, index_for_search)
        _log_publications()
    if connection.vendor == "postgresql":
        # The planner's statistics, as autovacuum gathers them on a production server soon
        # after tables grow (it may be off on a test server, as here: without statistics,
        # PostgreSQL took the freshly loaded tables for empty and planned accordingly).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


def _log_publications() -> None:
    """The publication log's entry of each document's first publish (cms.recordlog), in
    order of publication, as the publish path appends them."""
    from cms.publishing.export import collect
    from cms.recordlog.appending import item_url
    from cms.recordlog.models import RecordEntry
    from gongshi.record import heads

    start = RecordEntry.objects.count()
    documents = [
        item
        for item in collect()
        if item.document["kind"] in ("call", "notice", "decision", "revocation")
    ]
    documents.sort(key=lambda item: (item.document["first_published_at"], item.document["id"]))
    rows = []
    for number, item in enumerate(documents, start=start):
        document = item.document
        url = item_url(document["kind"], document["id"])
        digest = heads.sha256_hex(item.text().encode())
        entry = {
            "index": number,
            "time": document["first_published_at"],
            "event": "publish",
            "url": url,
            "kind": document["kind"],
            "sha256": digest,
            "reason": "首次发布",
        }
        rows.append(
            RecordEntry(
                index=number,
                logged_at=moment(document["first_published_at"]),
                event="publish",
                url=url,
                kind=document["kind"],
                sha256=digest,
                data=heads.entry_bytes(entry).decode(),
            )
        )
    RecordEntry.objects.bulk_create(rows, batch_size=2000)


def _load(by_kind, index_for_search: bool) -> dict[str, int]:
    home = HomePage.objects.get()
    index = ProgrammeIndexPage.objects.child_of(home).first()
    if index is None:
        index = ProgrammeIndexPage(title="评选项目", slug="programmes")
        home.add_child(instance=index)
        index.save_revision().publish()
    ids = [d["id"] for kind, items in by_kind.items() if kind != "home" for d, _ in items]
    ids += [e["id"] for programme, _ in by_kind["programme"] for e in programme["editions"]]
    if Page.objects.filter(pk__in=ids).exists():
        raise RuntimeError("corpus ids already in use: load into an empty CMS")
    tree = _Tree(Locale.get_default().pk)
    tree.children[index.path] = index.numchild
    children = defaultdict(list)  # model -> child rows (levels, entries, awards, ...)
    programme_of, edition_of, ground_of = {}, {}, {}
    grounds_of = defaultdict(list)  # programme id -> its revocation grounds

    for document, body in by_kind["programme"]:
        # The programme by its record: the columns of the record's names are copied by
        # name, the regulation's into regulation_<name>, as the exporter reads them back.
        record = records.from_document(contract_programme.Programme, document)
        page = ProgrammePage(
            title=document["title"],
            body=html_of(body),
            **{name: getattr(record, name) for name in PROGRAMME_COLUMNS},
            **{
                f"regulation_{name}": getattr(record.regulation, name)
                for name in records.names(contract_programme.Regulation)
            },
        )
        tree.add(index, page, document["id"], document)
        levels = [
            AwardLevel(
                programme=page,
                sort_order=n,
                **{name: getattr(level, name) for name in LEVEL_COLUMNS},
            )
            for n, level in enumerate(record.levels)
        ]
        page.levels = levels
        children[AwardLevel] += levels
        kinds = [
            PublicityKind(
                programme=page,
                sort_order=n,
                kind=rule.notice_type,
                **{name: getattr(rule, name) for name in PERIOD_RULE_COLUMNS},
            )
            for n, rule in enumerate(record.publicity_kinds)
        ]
        page.publicity_kinds = kinds
        children[PublicityKind] += kinds
        programme_of[page.slug] = page
        for edition in record.editions:
            edition_page = EditionPage(
                slug=str(edition.year),
                **{name: getattr(edition, name) for name in EDITION_COLUMNS},
            )
            edition_of[edition.id] = tree.add(page, edition_page, edition.id, document)
            # An edition is published with its programme in this corpus.
            edition_page.translation_key = uuid.uuid5(uuid.NAMESPACE_OID, f"edition-{edition.id}")

    def official(model, document, body, **fields):
        return model(
            title=document["title"],
            document_number=document["document_number"],
            issuing_body=document["issuing_body"],
            date_signed=day(document["date_signed"]),
            summary=document["summary"],
            body=html_of(body),
            **fields,
        )

    for document, body in by_kind["notice"]:
        # The notice's own fields by the contract's record: those the page stores under
        # their own names are copied by name, as the exporter reads them back (rows.py).
        record = records.from_document(contract_notice.Notice, document)
        page = official(
            PublicityNoticePage,
            document,
            body,
            slug=f"notice-{document['id']}",
            kind=record.notice_type,
            **{name: getattr(record, name) for name in NOTICE_COLUMNS},
        )
        tree.add(edition_of[document["edition"]["id"]], page, document["id"], document)
        page.entries = entries = [
            PublicityEntry(
                notice=page,
                sort_order=n,
                **{name: getattr(entry, name) for name in ENTRY_COLUMNS},
            )
            for n, entry in enumerate(record.entries)
        ]
        children[PublicityEntry] += entries

    for document, body in by_kind["decision"]:
        # The awards by the decision's record: every field the award stores under its own
        # name is copied by name, as the exporter reads them back (rows.py).
        record = records.from_document(contract_decision.Decision, document)
        page = official(
            AwardDecisionPage, document, body, slug=f"decision-{document['edition']['year']}"
        )
        tree.add(edition_of[document["edition"]["id"]], page, document["id"], document)
        page.awards = awards = [
            Award(
                decision=page,
                sort_order=n,
                **{name: getattr(award, name) for name in AWARD_COLUMNS},
            )
            for n, award in enumerate(record.awards)
        ]
        children[Award] += awards

    for document, body in by_kind["revocation"]:
        # The revocation by its record, as the exporter reads it back (rows.py).
        record = records.from_document(contract_revocation.Revocation, document)
        programme = programme_of[document["programme"]]
        page = official(
            RevocationPage,
            document,
            body,
            slug=f"revocation-{record.award.id}",
            award_id=record.award.id,
            **{name: getattr(record, name) for name in REVOCATION_COLUMNS},
        )
        tree.add(programme, page, document["id"], document)
        grounds = []
        for ground in record.grounds:
            key = (programme.pk, ground)
            if key not in ground_of:
                ground_of[key] = RevocationGround(
                    programme=programme,
                    sort_order=len(grounds_of[programme.pk]),
                    **records.as_document(ground),
                )
                grounds_of[programme.pk].append(ground_of[key])
                children[RevocationGround].append(ground_of[key])
            grounds.append(ground_of[key])
        page.grounds = grounds

    for programme in programme_of.values():
        programme.revocation_grounds = grounds_of[programme.pk]

    counts = _insert_all(tree, index, children)
    _insert_index_numbers(by_kind)
    return counts


def _insert_index_numbers(by_kind) -> None:
    """The corpus's 索引号, as the server gave them when each item first went live; a
    number the register keeps from a deleted page goes back to the page the corpus names."""
    from cms.govsite.models import IndexNumber
    from gongshi.rules.website import parse_index_number

    rows = []
    for kind in ("call", "notice", "decision", "revocation"):
        for document, _body in by_kind.get(kind, []):
            kept = IndexNumber.objects.filter(number=document["index_number"], page__isnull=True)
            if kept.update(page_id=document["id"]):
                continue
            code, year, sequence = parse_index_number(document["index_number"])
            rows.append(
                IndexNumber(
                    page_id=document["id"],
                    number=document["index_number"],
                    organisation_code=code,
                    year=year,
                    sequence=sequence,
                    title=document["title"][:255],
                )
            )
    IndexNumber.objects.bulk_create(rows, batch_size=2000)


def _insert_all(tree: _Tree, index: Page, children) -> dict[str, int]:
    every_page = [page for pages in tree.pages.values() for page in pages]
    for page in every_page:
        page.numchild = tree.children.get(page.path, 0)
    Page.objects.filter(pk=index.pk).update(numchild=tree.children[index.path])

    # Child rows first get their ids, so the revisions hold them as a publish would.
    _number(children[PublicityEntry], PublicityEntry)
    _number(children[AwardLevel], AwardLevel)
    _number(children[PublicityKind], PublicityKind)
    _number(children[RevocationGround], RevocationGround)
    for rows in children.values():
        for row in rows:
            for name in ("notice", "decision", "programme"):
                if hasattr(row, f"{name}_id") and getattr(row, name, None) is not None:
                    setattr(row, f"{name}_id", getattr(row, name).pk)

    revisions, notes, log_entries = [], [], []
    next_revision = (Revision.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    page_type = _content_type(Page)
    for page in every_page:
        content_type = _content_type(type(page))
        page.content_type_id = content_type
        revision = Revision(
            pk=next_revision,
            content_type_id=content_type,
            base_content_type_id=page_type,
            object_id=str(page.pk),
            created_at=page.last_published_at,
            object_str=page.title,
            content=page.serializable_data(),
        )
        next_revision += 1
        page.latest_revision_id = page.live_revision_id = revision.pk
        revisions.append(revision)
        log_entries.append(
            PageLogEntry(
                content_type_id=content_type,
                label=page.title,
                action="wagtail.publish",
                data={},
                timestamp=page.last_published_at,
                revision_id=revision.pk,
                content_changed=True,
                page_id=page.pk,
            )
        )
        if hasattr(page, "change_notes"):
            notes.append(
                ChangeNote(
                    page_id=page.pk,
                    revision_id=revision.pk,
                    published_at=page.last_published_at,
                    note="首次发布",
                    is_major=True,
                )
            )

    _bulk_insert(Revision, revisions)
    for model in (ProgrammePage, EditionPage, PublicityNoticePage, AwardDecisionPage):
        _bulk_insert(model, tree.pages.get(model, []))
    for model in (AwardLevel, PublicityKind, RevocationGround, PublicityEntry, Award):
        _bulk_insert(model, children[model])
    _bulk_insert(RevocationPage, tree.pages.get(RevocationPage, []))
    through = RevocationPage.grounds.through
    through.objects.bulk_create(
        through(revocationpage_id=page.pk, revocationground_id=ground.pk)
        for page in tree.pages.get(RevocationPage, [])
        for ground in page.grounds.all()
    )
    ChangeNote.objects.bulk_create(notes, batch_size=2000)
    PageLogEntry.objects.bulk_create(log_entries, batch_size=2000)
    _reset_sequences()
    if tree.pages:
        backend = get_search_backend()
        for model, pages in tree.pages.items():
            backend.add_bulk(model, pages)
    return {
        "pages": tree.count,
        **{model.__name__: len(pages) for model, pages in tree.pages.items()},
        **{model.__name__: len(rows) for model, rows in children.items()},
    }


def _number(rows, model) -> None:
    start = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for n, row in enumerate(rows):
        row.pk = start + n


_CONTENT_TYPES: dict[type, int] = {}


def _content_type(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    if model not in _CONTENT_TYPES:
        _CONTENT_TYPES[model] = ContentType.objects.get_for_model(model).pk
    return _CONTENT_TYPES[model]


def _bulk_insert(model, objects) -> None:
    """INSERT every table of a (multi-table) model in batches: Django's bulk_create
    refuses models with parents, so each concrete table is inserted on its own, parents
    first, with the ids already set."""
    if not objects:
        return
    tables = [*reversed(model._meta.get_parent_list()), model]
    for table in tables:
        fields = list(table._meta.local_concrete_fields)
        batch = max(1, connection.ops.bulk_batch_size(fields, objects))
        for start in range(0, len(objects), batch):
            table._base_manager._insert(objects[start : start + batch], fields=fields)


def _reset_sequences() -> None:
    models = [Page, Revision, Award, PublicityEntry, AwardLevel, RevocationGround]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


# --- Verification -----------------------------------------------------------------------

# Computed by the CMS from a programme's fields rather than copied from the corpus; and a
# revocation sits under its programme in the CMS, so it exports no edition, while the
# generator gives it the edition of the award it revokes.
COMPUTED = {"programme": {"rules"}, "revocation": {"edition"}}


def verify(content_dir: Path, items=None) -> list[str]:
    """Differences between the corpus's files and what the CMS exports; [] when equal."""
    from cms.publishing import export

    expected = {}
    for pairs in read_corpus(content_dir).values():
        for document, body in pairs:
            expected[str(contract.relative_path(document))] = (document, body)
    items = list(export.collect()) if items is None else items
    exported = {str(item.path): item for item in items}
    problems = [f"missing from the export: {path}" for path in expected if path not in exported]
    problems += [f"not in the corpus: {path}" for path in exported if path not in expected]
    for path, (document, body) in expected.items():
        item = exported.get(path)
        if item is None:
            continue
        if document["kind"] == "home":
            continue  # the CMS's home page predates the corpus
        ignored = COMPUTED.get(document["kind"], set())
        for key in sorted(set(document) | set(item.document)):
            if key not in ignored and document.get(key) != item.document.get(key):
                problems.append(
                    f"{path}: {key} {document.get(key)!r} != {item.document.get(key)!r}"
                )
        if body.strip() != item.body.strip():
            problems.append(f"{path}: body differs")
    return problems
