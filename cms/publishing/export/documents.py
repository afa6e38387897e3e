"""The documents: a page's rows made into its content/ document (checked against the
contract), its Markdown body, and the files it brings along (attachments, linked
documents). `Exporter` turns the public pages of a `PageTree` into `Item`s, and notes what
each item read besides its own page, for the content endpoint's cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.utils import timezone
from wagtail.documents import get_document_model

from cms.govsite.models import SiteIdentity, public_site_name
from cms.programmes.models import EditionPage, ProgrammePage
from cms.programmes.plain_words import plain_rules
from cms.reporting.models import ReportingChannel
from gongshi import contract
from gongshi.contract import attachments, call, decision, notice, records, revocation
from gongshi.contract import channel as contract_channel
from gongshi.contract import home as contract_home
from gongshi.contract import programme as contract_programme
from gongshi.rules.awards import citation
from gongshi.rules.identity import recipient_id

from ..markdown import safe_href, to_markdown
from ..models import Withdrawal
from ..timestamps import timestamp
from .rows import (
    AWARD_COLUMNS,
    CALL_COLUMNS,
    CORRECTION_COLUMNS,
    COUNTS,
    EDITION_COLUMNS,
    ENTRY_COLUMNS,
    LEVEL_COLUMNS,
    NOTICE_COLUMNS,
    PERIOD_RULE_COLUMNS,
    PROGRAMME_COLUMNS,
    REVOCATION_COLUMNS,
    Rows,
)
from .tree import EDITION, HOME, KIND_OF_MODEL, PROGRAMME, PageNode, PageTree

logger = logging.getLogger(__name__)


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
    # What exporting it read besides its own page, ("page", pk), ("editions", pk) or
    # ("shared", one of the names below): for the content endpoint to tell whether a
    # kept copy is still current (published_content.py).
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


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Exporter:
    """Items of the public pages of a tree; one exporter reads each linked document, and
    each attachment's file, once however many items use it."""

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
        rows = Rows(self.tree, nodes, everything)
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

    def item(self, node: PageNode, page, rows: Rows) -> Item | None:
        if node.role == HOME:
            self._reads.add(("shared", SITES))
            record = contract_home.Home(
                site_name=public_site_name(page),
                introduction=page.introduction,
                identity=contract_home.Identity(**SiteIdentity.of_public_site().public()),
            )
            return Item(self._common(page, "home") | records.as_document(record))
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

    def programme(self, node: PageNode, page: ProgrammePage, rows: Rows) -> Item:
        self._reads.add(("editions", node.pk))
        self._reads.add(("shared", CASES))
        editions = []
        for edition in self.tree.editions_of(node.pk):
            self._read_page(edition)
            editions.append(_edition(rows.editions[edition.pk]))
        # The record's fields the page stores under their own names are copied as they
        # are (rows.py), the regulation's from the page's regulation_<name> columns.
        regulation = {
            name: getattr(page, f"regulation_{name}")
            for name in records.names(contract_programme.Regulation)
        }
        record = contract_programme.Programme(
            regulation=contract_programme.Regulation(
                **regulation | {"url": safe_href(regulation["url"]) or ""}
            ),
            publicity_kinds=[_period_rule(row) for row in rows.kinds.get(node.pk, ())],
            levels=[  # prefetched in (sort_order, pk) order
                contract_programme.Level(**_values(level, LEVEL_COLUMNS))
                for level in page.levels.all()
            ],
            rules=[contract_programme.Rule(**rule) for rule in plain_rules(page)],
            editions=sorted(editions, key=lambda edition: edition.number),
            complaint_statistics=[
                contract_programme.ComplaintCounts(**_values(row, COUNTS))
                for row in rows.cases.get(node.pk, [])
            ],
            **_values(page, PROGRAMME_COLUMNS),
        )
        document = self._common(page, "programme") | records.as_document(record)
        return self._with_body(document, page.body)

    def document(self, node: PageNode, page, kind: str, rows: Rows) -> Item | None:
        programme = self.tree.programme_of(node)
        if programme is None:
            return None
        edition = self.tree.edition_of(node)
        self._read_page(programme)
        self._read_page(edition)
        document = self._common(page, kind) | {
            "index_number": rows.index_numbers[page.pk],
            "programme": programme.slug,
            "edition": records.as_document(_edition(rows.editions[edition.pk]))
            if edition
            else None,
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
        # The page stores every field of the record under its own name (rows.py).
        return records.as_document(call.Call(**_values(page, CALL_COLUMNS)))

    def _notice_fields(self, node, page, rows) -> dict:
        programme = self.tree.programme_of(node)
        kinds = {row.kind: row for row in rows.kinds.get(programme.pk, ())}
        if page.kind not in kinds:
            raise contract.ContractError(
                f"notices/{page.pk}", "notice_type", f"奖项 {programme.slug} 没有此类公示的规则"
            )
        # The record's fields the page stores under their own names are copied as they
        # are (rows.py); only the others are spelt here.
        record = notice.Notice(
            notice_type=page.kind,
            period_rule=_period_rule(kinds[page.kind]),
            period_corrections=[
                notice.PeriodCorrection(
                    **_values(row, CORRECTION_COLUMNS)
                    | {"published_at": _local(row.published_at, self._zone)}
                )
                for row in rows.corrections.get(page.pk, ())
            ],
            entries=[
                notice.Entry(
                    **_values(entry, ENTRY_COLUMNS),
                    recipient_id=_recipient_id(entry, entry.name),
                )
                for entry in rows.entries.get(page.pk, ())
            ],
            **_values(page, NOTICE_COLUMNS),
        )
        return records.as_document(record)

    def _decision_fields(self, node, page, rows) -> dict:
        edition = self.tree.edition_of(node)
        if edition is None:
            raise EditionPage.DoesNotExist(f"{page.title} 不在任何届次之下")
        year = rows.editions[edition.pk].year
        # The award's columns of the record's names are copied as they are (rows.py);
        # only its identity and its citation, computed from the edition, are spelt here.
        record = decision.Decision(
            awards=[
                decision.Award(
                    **_values(award, AWARD_COLUMNS),
                    recipient_id=_recipient_id(award, award.recipient),
                    citation=citation(year, award.level),
                )
                for award in rows.awards.get(page.pk, ())
            ]
        )
        return records.as_document(record)

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
        # The record's fields the page stores under their own names are copied as they
        # are (rows.py); only the revoked award and the grounds are spelt here.
        record = revocation.Revocation(
            award=revocation.RevokedAward(
                id=award.pk,
                decision=award.decision_id,
                recipient=award.recipient,
                recipient_id=_recipient_id(award, award.recipient),
                credit_code=award.credit_code,
                level=award.level,
                citation=citation(rows.editions[edition.pk].year, award.level),
            ),
            grounds=[
                revocation.Ground(text=text, article=article)
                for _page, text, article in rows.grounds.get(page.pk, ())
            ],
            **_values(page, REVOCATION_COLUMNS),
        )
        return records.as_document(record)

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
        }
        # The channel stores every field of the record but the programme under its name.
        own = records.names(contract_channel.Channel)[1:]
        record = contract_channel.Channel(programme=programme.slug, **_values(channel, own))
        return Item(document | records.as_document(record))

    def withdrawn(self) -> Iterator[Item]:
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


def _date(day) -> str | None:
    return day.isoformat() if day else None


def _edition(row) -> contract_programme.Edition:
    """An edition as rows.py reads it (its id is the page's)."""
    return contract_programme.Edition(id=row.pk, **_values(row, EDITION_COLUMNS))


def _recipient_id(row, name: str) -> str:
    """Who the row's recipient is (an award's or an entry's row, as rows.py reads it)."""
    return recipient_id(row.category, row.credit_code, row.person__public_id, name)


def _period_rule(row) -> notice.PeriodRule:
    """A kind of notice as its programme's regulation sets it (programmes.PublicityKind)."""
    return notice.PeriodRule(notice_type=row.kind, **_values(row, PERIOD_RULE_COLUMNS))


def _values(row, names: tuple[str, ...]) -> dict:
    """The columns `names` of a row (or page) by name: what a record copies as it is."""
    return {name: getattr(row, name) for name in names}


def _local(moment, zone):
    """A recorded moment in the site's time zone, as a record holds it (written to the
    second, as timestamp() writes it)."""
    return timezone.localtime(moment, zone)
