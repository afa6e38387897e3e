"""What a report costs the server, pinned: the queries of a POST, the shared cache's round
trips, the template engine of its pages, and the shortcuts that keep them few (the
offer's channel, no page loaded, the lookup id asked only on a clash, the publication
version read once a request) each still give what reading everything again would."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from intake_client import form_token, receipt_of, report_data, submit

from cms.base import public
from cms.supervision import crypto
from cms.supervision.models import Case

pytestmark = pytest.mark.django_db

# The offered pages still exist (one query of their ids), the active group key, the
# entered calendar years, the insert inside the test's savepoint (two statements more);
# on PostgreSQL BEGIN and COMMIT instead. Eight before the offer's channel and the ids
# were used: a POST that loads a page or reads a channel again goes over.
POST_QUERIES = 6


@pytest.fixture
def citizen():
    return Client(enforce_csrf_checks=True)


def test_a_report_post_makes_few_queries(citizen, channel, group_key):
    tokens = form_token(citizen)  # the form reads what it offers, once per version
    data = {**tokens, **report_data(channel.programme)}
    with CaptureQueriesContext(connection) as queries:
        response = citizen.post("/report/", data)
    assert response.status_code == 200, response.content.decode()[-2000:]
    receipt_of(response)
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) <= POST_QUERIES, "\n".join(statements)
    assert not any("reporting_reportingchannel" in sql for sql in statements)
    assert not any("programmes_programmepage" in sql for sql in statements)
    assert Case.objects.get().programme_id == channel.programme.pk


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_a_text_only_report_is_one_insert_and_a_clash_still_retries(
    citizen, channel, group_key, monkeypatch
):
    """As in production (autocommit, no test transaction around the view): a text-only
    report is stored by its INSERT alone, no BEGIN or SAVEPOINT around it, and a lookup
    id's clash still gets another receipt with the connection left usable."""
    first, fresh = crypto.new_receipt(), crypto.new_receipt()
    receipts = iter([first, first, fresh])
    monkeypatch.setattr(crypto, "new_receipt", lambda: next(receipts))
    assert receipt_of(submit(citizen, channel.programme)) == first.code
    tokens = form_token(citizen)
    data = {**tokens, **report_data(channel.programme)}
    with CaptureQueriesContext(connection) as queries:
        response = citizen.post("/report/", data)
    assert receipt_of(response) == fresh.code
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert not {"BEGIN", "SAVEPOINT", "COMMIT", "RELEASE"} & set(statements), statements
    assert statements.count("INSERT") == 2  # the clash, then the case
    assert Case.objects.count() == 2


def test_a_channel_published_since_the_form_opened_sets_the_deadlines(citizen, channel, group_key):
    """The offer is remembered per publication version: publishing the channel changes
    the version, so the next report is counted on the channel as published, and a
    draft of it changes nothing."""
    submit(citizen, channel.programme)
    channel.conclude_within_working_days = 30
    channel.save_revision().publish()
    submit(citizen, channel.programme)
    channel.conclude_within_working_days = 60
    channel.save_revision()  # a draft: not what the public channel says
    submit(citizen, channel.programme)
    first, second, third = Case.objects.order_by("pk")
    assert second.conclude_by > first.conclude_by
    assert third.conclude_by == second.conclude_by


def test_an_unpublished_channel_takes_its_programme_off_the_form(citizen, channel, group_key):
    assert f'<option value="{channel.programme.pk}">' in citizen.get("/report/").content.decode()
    channel.unpublish()
    page = citizen.get("/report/").content.decode()
    assert f'<option value="{channel.programme.pk}">' not in page
    response = submit(citizen, channel.programme, text="未公开渠道的项目")
    assert response.status_code == 400
    assert "请选择列表中的评选项目" in response.content.decode()
    assert "未公开渠道的项目" in response.content.decode()  # the text is kept
    assert Case.objects.count() == 0


def test_a_lookup_id_clash_gets_another_receipt_and_keeps_both_cases(
    citizen, channel, group_key, monkeypatch
):
    first = crypto.new_receipt()
    fresh = crypto.new_receipt()
    receipts = iter([first, first, fresh])
    monkeypatch.setattr(crypto, "new_receipt", lambda: next(receipts))
    assert receipt_of(submit(citizen, channel.programme)) == first.code
    assert receipt_of(submit(citizen, channel.programme)) == fresh.code
    assert sorted(Case.objects.values_list("receipt_lookup", flat=True)) == sorted(
        [first.lookup_id, fresh.lookup_id]
    )


def test_the_widgets_escape_what_was_typed(citizen, channel, group_key):
    typed = "<script>alert(1)</script>\"'&"
    response = submit(citizen, channel.programme, text=typed, name=typed, email="不是邮箱")
    assert response.status_code == 400
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- The shared cache and the template engine ----------------------------------------------

CACHE_METHODS = ("get", "get_many", "add", "set", "incr", "decr", "touch", "delete", "has_key")


@pytest.fixture
def cache_calls(monkeypatch):
    """Every call to the shared cache, as (method, key): each is a round trip to Redis in
    production (Django's incr two)."""
    backend, calls = caches["default"], []
    for name in CACHE_METHODS:
        method = getattr(backend, name)

        def counted(key, *args, _name=name, _method=method, **kwargs):
            calls.append((_name, key))
            return _method(key, *args, **kwargs)

        monkeypatch.setattr(backend, name, counted)
    return calls


def test_a_report_reads_the_publication_version_once_a_page(
    citizen, channel, group_key, cache_calls
):
    """The form's offer and the site's chrome are both remembered per publication version:
    each page asks the shared cache for the version once, not once for each (two on a
    GET, two on a POST before). What else a POST asks: the hour's client secret, once,
    and the atomic counter of the submission limit."""
    submit(citizen, channel.programme)  # the offer, the chrome and the hour's secret exist
    cache_calls.clear()
    tokens = form_token(citizen)
    assert cache_calls == [("get", public.VERSION_KEY)]
    cache_calls.clear()
    response = citizen.post("/report/", {**tokens, **report_data(channel.programme)})
    receipt_of(response)
    assert [key for _, key in cache_calls].count(public.VERSION_KEY) == 1, cache_calls
    secrets_read = [key for _, key in cache_calls if "client-secret" in key]
    assert len(secrets_read) == 1, cache_calls
    assert len(cache_calls) <= 4, cache_calls  # version, secret, counter (add, then incr)


def test_a_publication_within_a_request_is_seen_by_that_request(db):
    """Reading the version once must not hide a change the request makes itself."""

    @public.read_version_once
    def view():
        before = public.version()
        assert public.version() == before
        public.publication_changed()
        return before, public.version()

    before, after = view()
    assert before != after
    assert public.version() == after  # outside a request: the cache itself


def test_a_request_does_not_keep_the_version_of_the_one_before(citizen, channel, group_key):
    """Each request reads the version again: a channel unpublished between two pages is
    gone from the second (a reading kept past its request would still offer it)."""
    option = f'<option value="{channel.programme.pk}">'
    assert option in citizen.get("/report/").content.decode()
    channel.unpublish()
    assert option not in citizen.get("/report/").content.decode()


def test_the_intake_pages_are_not_rendered_in_djangos_template_language(
    citizen, channel, group_key
):
    """The form, the receipt, the refusals and the status pages are Jinja2 templates
    (cms/supervision/jinja2/): in Django's template language the form and the receipt
    cost about a third of a report's CPU. Django's test environment announces every
    template its own language renders; none may be announced."""
    rendered = []

    def announced(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(announced, dispatch_uid="intake-cost-templates")
    try:
        receipt = receipt_of(submit(citizen, channel.programme))
        assert submit(citizen, channel.programme, text="").status_code == 400
        citizen.get("/report/?notice=12x")
        page = citizen.get("/report/status/").content.decode()
        assert 'name="csrfmiddlewaretoken"' in page
        token = citizen.cookies["csrftoken"].value
        answer = citizen.post("/report/status/", {"csrfmiddlewaretoken": token, "receipt": receipt})
        assert answer.status_code == 200
        assert "办理进度" in answer.content.decode()
    finally:
        template_rendered.disconnect(dispatch_uid="intake-cost-templates")
    assert rendered == []
