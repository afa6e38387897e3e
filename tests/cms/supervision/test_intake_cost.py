"""What a report costs the server, pinned: the queries of a POST, and the shortcuts that
keep them few (the offer's channel, no page loaded, the lookup id asked only on a
clash) each still give what reading everything again would."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from intake_client import form_token, receipt_of, report_data, submit

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
