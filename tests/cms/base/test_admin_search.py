"""The admin's searches find Chinese words and fragments (ADR 0029), through the real admin
views: page search (/admin/pages/search/?q=) and snippet listings (?q=), on whichever
database the suite runs on (SQLite here, PostgreSQL with DATABASE_URL)."""

import os
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from modelsearch.query import PlainText
from two_factor import log_in

from cms.base.search_backend import cut_query, index_text, with_indexer
from cms.decisions.models import AwardDecisionPage
from cms.notices.models import PublicityNoticePage
from cms.recipients.models import Person
from tests.admin_forms import (
    add_url,
    entry_row,
    form_errors,
    inline_formset,
    notice_form,
    rich_text,
)
from tests.factories import published_decision

pytestmark = pytest.mark.django_db

NOTICE = "2023年度运城市市长质量奖候选名单公示"
DECISION = "2023表彰决定"


@pytest.fixture
def pages(edition, users, client, clock):
    """A notice an editor created through the admin (a draft, with a list naming a
    company and a body), and a live decision that shares none of the words searched."""
    clock.set("2023-09-26 10:00")
    log_in(client, users["editor"])
    response = client.post(
        add_url(PublicityNoticePage, edition),
        notice_form(
            5,
            entries=inline_formset([entry_row(name="【示例】运城市样例果业集团有限公司")]),
            body=rich_text("<p>经评审委员会综合评议，现将拟推荐名单予以公示。</p>"),
        ),
    )
    assert response.status_code == 302, form_errors(response)
    clock.set("2023-12-21 10:00")
    published_decision(edition, "【示例】山西钢管制造有限公司", "", date(2023, 12, 20))
    assert run_index_tasks()
    log_in(client, users["editor"])  # the session of September has expired by December
    client.get(reverse("wagtailadmin_home"))  # the message that the notice was created
    return client


@pytest.fixture(autouse=True)
def _no_earlier_index_tasks():
    """The dummy task backend keeps what earlier tests enqueued; their objects are gone."""
    from django_tasks import default_task_backend

    default_task_backend.results.clear()


def run_index_tasks():
    """What the task worker does after a save: index the objects saved (the test settings
    enqueue tasks without running them)."""
    from django_tasks import default_task_backend
    from modelsearch.tasks import insert_or_update_object_task

    pending = [
        result
        for result in default_task_backend.results
        if result.task.func is insert_or_update_object_task.func
    ]
    for result in pending:
        default_task_backend.results.remove(result)
        result.task.call(*result.args, **result.kwargs)
    return len(pending)


def titles(client, url, q):
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    return {title for title in (NOTICE, DECISION, "李样例", "王钢管") if title in html}


def page_search(client, q):
    return titles(client, reverse("wagtailadmin_pages:search"), q)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("候选名单", {NOTICE}),  # a word inside the title
        ("公示", {NOTICE}),
        ("候选名", {NOTICE}),  # a fragment being typed
        ("样例果业", {NOTICE}),  # a fragment of a name in the list
        ("运城市样例果业集团有限公司", {NOTICE}),
        ("运示例发〔2023〕1号", {NOTICE}),  # the 文号, brackets and all
        ("〔2023〕1号", {NOTICE}),
        ("拟推荐名单", {NOTICE}),  # body text
        ("评审委员会", {NOTICE}),
        ("钢管制造", {DECISION}),  # a fragment of an award's recipient
        ("表彰决定", {DECISION}),
        ("2023", {NOTICE, DECISION}),
        ("候選名單", {NOTICE}),  # traditional characters
        ("候选 钢管", set()),  # every term required
        ("名单候选", set()),  # the characters, but not in that order
        ("果业钢管", set()),
        ("样例果业 公示", {NOTICE}),
    ],
)
def test_page_search_finds_chinese_words_and_fragments(pages, q, found):
    assert page_search(pages, q) == found


def test_a_quoted_phrase_must_appear_as_written(pages):
    assert page_search(pages, '"候选名单"') == {NOTICE}
    assert page_search(pages, '"名单候选"') == set()


def test_a_published_edit_is_found_by_its_new_words_not_its_old_ones(pages):
    page = AwardDecisionPage.objects.get()
    page.title = "2023年度质量奖获奖单位名录"
    page.save_revision().publish()
    run_index_tasks()
    response = pages.get(reverse("wagtailadmin_pages:search"), {"q": "获奖单位名录"})
    assert "2023年度质量奖获奖单位名录" in response.content.decode()
    assert page_search(pages, "表彰决定") == set()


def test_snippet_listing_finds_people_by_fragments_of_name_and_distinction(users, client):
    Person.objects.create(name="李样例", distinction="运城市样例果业集团有限公司质量部")
    Person.objects.create(name="王钢管", distinction="山西钢管制造有限公司")
    run_index_tasks()
    log_in(client, users["editor"])
    url = reverse("wagtailsnippets_recipients_person:list")
    assert titles(client, url, "样例") == {"李样例"}
    assert titles(client, url, "果业集团") == {"李样例"}  # only in the distinction
    assert titles(client, url, "钢管制造") == {"王钢管"}
    assert titles(client, url, "集团制造") == set()


def test_stored_and_typed_text_are_cut_the_same_way():
    assert index_text("候选名单") == "候选 选名 名单 候 选 名 单"
    assert index_text("运政发〔2023〕14号") == "运政 政发 运 政 发 2023 14号 14 号"
    query = cut_query(PlainText("样例果业"))
    assert query.query_string == "样例 例果 果业"


def test_the_library_still_indexes_through_its_object_indexer():
    """with_indexer relies on add_items naming ObjectIndexer; if an upgrade of Wagtail's
    search changes that, the backend must refuse to start rather than index uncut text."""
    from wagtail.search.backends import get_search_backend

    library_index = get_search_backend().index_class.__mro__[1]
    assert library_index.__module__.startswith("modelsearch.")
    with_indexer(library_index.add_items, object)
    with pytest.raises(RuntimeError):
        with_indexer(lambda self, model, objs: None, object)


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL)",
)
def test_on_postgresql_the_tsvector_holds_the_pairs(pages):
    """The same searches, and the stored tsvector seen directly: 候选名单 is not one lexeme."""
    assert connection.vendor == "postgresql"
    assert page_search(pages, "样例果业") == {NOTICE}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title::text FROM wagtailsearch_indexentry WHERE title::text LIKE %s", ["%候选%"]
        )
        (vector,) = cursor.fetchone()
    assert "'选名'" in vector and "'候选名单'" not in vector
