"""索引号: assigned by the server when an item first goes live, then never changed and
never given again, whatever happens to the item afterwards. Each test tries one way the
number could change or repeat."""

import os
from datetime import date

import pytest
from django.urls import reverse
from factories import draft_notice, published_decision
from two_factor import log_in
from wagtail.models import Page, TaskState, WorkflowState

from cms.base.models import ChangeNote
from cms.govsite import catalogue
from cms.govsite.models import IndexNumber, SiteIdentity
from cms.notices.models import PublicityNoticePage
from cms.publishing import export
from gongshi.rules.website import parse_index_number

CODE = "11140800MB0000000H"
pytestmark = pytest.mark.django_db


@pytest.fixture
def identity(programmes):
    from cms.base.models import HomePage

    return SiteIdentity.objects.create(
        site=HomePage.objects.get().get_site(), organisation_code=CODE
    )


def publish(page, user=None, **changes):
    """Save a revision with `changes` and publish it, as the workflow's last approval does."""
    page = type(page).objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    revision = page.save_revision(user=user)
    revision.publish(user=user)
    return revision


def number_of(page) -> str:
    return IndexNumber.objects.get(page_id=page.pk).number


def a_notice(edition, slug, title="候选名单公示"):
    return draft_notice(edition, slug=slug, title=title)


def test_approval_through_the_workflow_numbers_the_notice(client, users, edition, identity):
    # 自发布之日起: approved today, whatever today is (a fixed start would have passed).
    notice = draft_notice(
        edition, slug="first", start_rule="on_publication", start_date=None, end_date=None
    )
    notice.save_revision(user=users["editor"])
    assert not IndexNumber.objects.exists()  # a draft has none
    notice.get_workflow().start(notice, users["editor"])
    assert not IndexNumber.objects.exists()  # nor an item awaiting approval
    log_in(client, users["approver"])
    state = WorkflowState.objects.get(object_id=str(notice.pk), status="in_progress")
    task_state = state.current_task_state
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(notice.pk, "approve", task_state.pk)),
        {"comment": ""},
    )
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    notice.refresh_from_db()
    year = notice.first_published_at.astimezone().year
    assert number_of(notice) == f"{CODE}/{year}-00001"


def test_an_edit_or_a_correction_after_publishing_keeps_the_number(edition, identity):
    notice = a_notice(edition, "edited")
    first = publish(notice)
    number = number_of(notice)
    publish(notice, title="候选名单公示（更正）", change_note="更正名单", change_is_major=True)
    publish(notice, summary="补充说明", change_note="补充摘要")
    assert number_of(notice) == number
    # Restoring (publishing again) the first revision does not bring back another number.
    first.publish()
    assert number_of(notice) == number
    assert IndexNumber.objects.count() == 1


def test_unpublishing_and_publishing_again_keeps_the_number(edition, identity):
    notice = a_notice(edition, "again")
    publish(notice)
    number = number_of(notice)
    PublicityNoticePage.objects.get(pk=notice.pk).unpublish()
    publish(notice, change_note="重新发布")
    assert number_of(notice) == number
    assert IndexNumber.objects.count() == 1


def test_a_copy_gets_its_own_number_and_the_original_keeps_its_own(edition, identity):
    notice = a_notice(edition, "original")
    publish(notice)
    number = number_of(notice)
    copy = PublicityNoticePage.objects.get(pk=notice.pk).copy(
        update_attrs={"slug": "copy", "title": "候选名单公示（副本）"}
    )
    if not copy.live:
        publish(copy)
    assert number_of(copy) != number
    assert number_of(notice) == number
    assert sorted(parse_index_number(row.number)[2] for row in IndexNumber.objects.all()) == [1, 2]


def test_a_deleted_items_number_is_never_given_again(edition, identity):
    first, second = a_notice(edition, "first"), a_notice(edition, "second")
    publish(first)
    publish(second)
    deleted = number_of(second)
    # A published document's change history protects it; a deletion past that (by hand
    # in the database, a future clean-up) still leaves its number taken.
    ChangeNote.objects.filter(page_id=second.pk).delete()
    Page.objects.get(pk=second.pk).delete()
    kept = IndexNumber.objects.get(number=deleted)
    assert kept.page_id is None and kept.title == "候选名单公示"  # the register keeps it
    third = a_notice(edition, "third")
    publish(third)
    assert number_of(third) != deleted
    assert parse_index_number(number_of(third))[2] == 3


def test_a_new_organisation_code_numbers_only_what_goes_live_afterwards(edition, identity):
    notice = a_notice(edition, "before")
    publish(notice)
    number = number_of(notice)
    identity.organisation_code = "000014349"
    identity.save()
    later = a_notice(edition, "after")
    publish(later)
    assert number_of(notice) == number
    assert number_of(later).startswith("000014349/")
    assert parse_index_number(number_of(later))[2] == 1


def test_without_a_code_the_number_is_year_and_sequence(edition, programmes):
    notice = a_notice(edition, "nocode")
    publish(notice)
    code, _year, sequence = parse_index_number(number_of(notice))
    assert (code, sequence) == ("", 1)


def test_a_number_taken_meanwhile_by_another_transaction_is_not_given_twice(
    edition, identity, monkeypatch
):
    """Two first publishes at once read the same highest sequence; the second insert is
    refused by the database and numbers again (on PostgreSQL the threads below)."""
    publish(a_notice(edition, "earlier"))
    real = catalogue._highest
    stale = iter([0])  # the highest sequence as read before the other publish committed
    monkeypatch.setattr(
        catalogue, "_highest", lambda code, year: next(stale, None) or real(code, year)
    )
    notice = a_notice(edition, "racing")
    publish(notice)
    numbers = [row.number for row in IndexNumber.objects.order_by("sequence")]
    assert len(set(numbers)) == 2
    assert parse_index_number(number_of(notice))[2] == 2


def test_a_live_item_never_numbered_is_numbered_by_the_export(edition, identity):
    """A page made live without Wagtail's publish (a bulk load, an old backup) still
    reaches content/ with a number, and keeps it in the next export."""
    notice = a_notice(edition, "bulk")
    publish(notice)
    IndexNumber.objects.all().delete()  # as if it had gone live before numbers existed
    draft = a_notice(edition, "draft")
    items = {item.document["id"]: item for item in export.collect()}
    number = items[notice.pk].document["index_number"]
    assert parse_index_number(number)[0] == CODE
    assert not IndexNumber.objects.filter(page_id=draft.pk).exists()  # drafts never
    again = {item.document["id"]: item for item in export.collect()}
    assert again[notice.pk].document["index_number"] == number


def test_every_kind_of_document_is_numbered(edition, identity):
    award = published_decision(edition, "运城示例有限公司", "91140800MA0000001A", date(2023, 12, 1))
    decision = award.decision
    assert IndexNumber.objects.filter(page_id=decision.pk).exists()
    exported = {item.document["id"]: item.document for item in export.collect()}
    assert exported[decision.pk]["index_number"] == number_of(decision)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL)",
)
def test_first_publishes_at_once_on_postgresql_never_share_a_number(edition, identity):
    from threading import Barrier, Thread

    from django.db import connection

    notices = [a_notice(edition, f"race-{n}") for n in range(8)]
    start = Barrier(len(notices))
    failures = []

    def go_live(notice):
        start.wait()
        try:
            publish(notice)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [Thread(target=go_live, args=(notice,)) for notice in notices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    numbers = [number_of(notice) for notice in notices]
    assert len(set(numbers)) == len(notices)
    assert sorted(parse_index_number(n)[2] for n in numbers) == list(range(1, len(notices) + 1))
