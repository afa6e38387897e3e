"""What the pages hold, read as rows: each kind of page and each kind of row below pages
(entries, corrections, awards, change notes...) in one query for all the pages exported,
rows rather than model instances, in a fixed order. `Rows` holds them for the documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, TextField
from django.db.models.functions import Cast

from cms.base.models import ChangeNote, HomePage
from cms.decisions.models import Award, AwardDecisionPage
from cms.govsite import catalogue
from cms.govsite.models import IndexNumber
from cms.notices.models import (
    CallForApplicationsPage,
    PeriodCorrection,
    PublicityEntry,
    PublicityNoticePage,
)
from cms.programmes.models import AwardLevel, EditionPage, ProgrammePage, PublicityKind
from cms.revocations.models import RevocationPage
from cms.supervision.cases import yearly_counts_of
from gongshi.contract import call, decision, notice, programme, records, revocation

from .tree import DOCUMENT, HOME, KIND_OF_MODEL, PROGRAMME, PageNode, PageTree


def _columns(model, record: type) -> tuple[str, ...]:
    """The fields of a typed record (gongshi/contract) that `model` stores as columns of
    the same name: the exporter copies them as they are (documents.py)."""

    def is_column(name: str) -> bool:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        return field.concrete and not field.is_relation

    return tuple(name for name in records.names(record) if is_column(name))


CALL_COLUMNS = _columns(CallForApplicationsPage, call.Call)
REVOCATION_COLUMNS = _columns(RevocationPage, revocation.Revocation)
NOTICE_COLUMNS = _columns(PublicityNoticePage, notice.Notice)
ENTRY_COLUMNS = _columns(PublicityEntry, notice.Entry)
PERIOD_RULE_COLUMNS = _columns(PublicityKind, notice.PeriodRule)
CORRECTION_COLUMNS = records.names(notice.PeriodCorrection)
AWARD_COLUMNS = _columns(Award, decision.Award)
PROGRAMME_COLUMNS = _columns(ProgrammePage, programme.Programme)
LEVEL_COLUMNS = _columns(AwardLevel, programme.Level)
EDITION_COLUMNS = tuple(name for name in _columns(EditionPage, programme.Edition) if name != "id")
COUNTS = records.names(programme.ComplaintCounts)  # the supervision group's yearly counts

# The columns each kind of document reads: rows, not model instances, for tens of thousands.
_COMMON = ("pk", "translation_key", "title", "first_published_at", "last_published_at")
# Attachments are read as the stored JSON ("attachments_json"): made into a StreamField
# value only for the few pages that have any (StreamField's own conversion costs more
# than all other columns together).
_DOCUMENT = ("document_number", "issuing_body", "date_signed", "summary", "body")
_KIND_FIELDS = {
    CallForApplicationsPage: CALL_COLUMNS,
    PublicityNoticePage: ("kind", *NOTICE_COLUMNS),
    AwardDecisionPage: (),
    RevocationPage: ("award_id", *REVOCATION_COLUMNS),
}
# Rows below a page, in a fixed order (PostgreSQL returns rows in no particular order
# otherwise, and a restored database must build the same site).
_KIND = ("kind", *PERIOD_RULE_COLUMNS)
_ENTRY = (*ENTRY_COLUMNS, "person__public_id")
_AWARD = (*AWARD_COLUMNS, "person__public_id")
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


class Rows:
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
            PeriodCorrection, "notice_id", "published_at", CORRECTION_COLUMNS, notices
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
                EditionPage.objects.order_by().values_list("pk", *EDITION_COLUMNS, named=True),
                "pk",
                ids(editions),
            )
        }
