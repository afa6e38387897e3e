""" "Public" is decided once (cms/base/public.py): the export's tree, the public read API
and the confidential intake agree on it. A notice approved below a draft edition, and one
behind a view restriction, appear nowhere a citizen can look."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from factories import draft_notice
from intake_client import publish_channel
from wagtail.models import Page, PageViewRestriction

from cms.base.public import is_public, public_pages
from cms.notices.models import PublicityEntry
from cms.programmes.models import EditionPage
from cms.publishing.export import PageTree

pytestmark = pytest.mark.django_db

SECRET_NAME = "不应公开的示例科技有限公司"


def open_notice_under(parent, slug, name):
    today = timezone.localdate()
    notice = draft_notice(
        parent,
        slug=slug,
        title=f"{slug}公示",
        date_signed=today - timedelta(days=3),
        start_date=today - timedelta(days=2),
        end_date=today + timedelta(days=6),
        entries=[PublicityEntry(name=name, category="organisation")],
    )
    notice.save_revision().publish()
    return notice


@pytest.fixture
def hidden_notices(programmes, edition):
    """Three open notices: one public, one approved below a draft edition, one behind a
    password restriction; the programme has a live channel."""
    cache.clear()
    publish_channel(programmes["yuncheng"])
    visible = open_notice_under(edition, "visible", "公开的示例机械有限公司")
    draft_edition = EditionPage(
        title="2028年度（第四届）", slug="2028", number=4, year=2028, live=False
    )
    programmes["yuncheng"].add_child(instance=draft_edition)
    draft_edition.save_revision()  # a draft: never published
    below_draft = open_notice_under(draft_edition, "below-draft", SECRET_NAME)
    restricted = open_notice_under(edition, "restricted", SECRET_NAME + "二")
    PageViewRestriction.objects.create(page=restricted, restriction_type="password", password="x")
    return visible, below_draft, restricted


def test_the_tree_and_the_queryset_agree_on_every_page(hidden_notices, programmes):
    visible, below_draft, restricted = hidden_notices
    # One more of each: a restricted section with a live page below it, a draft leaf.
    restricted_edition = EditionPage(title="2018年度", slug="2018", number=2, year=2018)
    programmes["yuncheng"].add_child(instance=restricted_edition)
    restricted_edition.save_revision().publish()
    PageViewRestriction.objects.create(page=restricted_edition, restriction_type="login")
    open_notice_under(restricted_edition, "below-restricted", SECRET_NAME + "三")
    draft_notice(programmes["baoshan"], slug="draft-leaf").save_revision()

    tree = PageTree()
    by_tree = {pk for pk, node in tree.nodes.items() if node.public}
    by_query = set(public_pages().values_list("pk", flat=True))
    assert by_tree == by_query
    assert visible.pk in by_query
    assert below_draft.pk not in by_query and restricted.pk not in by_query
    assert len(by_query) < Page.objects.filter(live=True, depth__gt=1).count()
    for page in Page.objects.all():
        assert is_public(page) == (page.pk in by_tree), page.title


def test_the_report_form_offers_only_public_notices(hidden_notices):
    visible, below_draft, restricted = hidden_notices
    citizen = Client()
    page = citizen.get("/report/").content.decode()
    assert f'value="{visible.pk}"' in page
    for hidden in (below_draft, restricted):
        assert f'value="{hidden.pk}"' not in page
        assert hidden.title not in page
        # ?notice= neither preselects it nor suggests its names
        answer = citizen.get(f"/report/?programme=yuncheng&notice={hidden.pk}")
        assert answer.status_code == 200
        text = answer.content.decode()
        assert SECRET_NAME not in text
        assert f'value="{hidden.pk}" selected' not in text
    shown = citizen.get(f"/report/?programme=yuncheng&notice={visible.pk}").content.decode()
    assert "公开的示例机械有限公司" in shown


def test_a_report_naming_a_hidden_notice_is_refused(hidden_notices, programmes):
    from cms.supervision.forms import ReportForm

    _visible, below_draft, restricted = hidden_notices
    for hidden in (below_draft, restricted):
        form = ReportForm(
            {
                "programme": programmes["yuncheng"].pk,
                "notice": hidden.pk,
                "subject": "某公司",
                "text": "举报内容",
                "anonymous": "on",
            }
        )
        assert not form.is_valid()
        assert "notice" in form.errors


def test_the_api_serves_no_hidden_notice_even_to_a_signed_in_editor(hidden_notices, users):
    visible, below_draft, restricted = hidden_notices
    editor = Client()
    editor.force_login(users["admin"])  # passes a login restriction in Wagtail's own check
    for client in (Client(), editor):
        listing = client.get("/api/v2/pages/", {"limit": 100}).json()
        ids = {item["id"] for item in listing["items"]}
        assert visible.pk in ids
        assert below_draft.pk not in ids and restricted.pk not in ids
        for hidden in (below_draft, restricted):
            assert client.get(f"/api/v2/pages/{hidden.pk}/").status_code == 404
        found = client.get("/api/v2/pages/", {"search": SECRET_NAME}).content.decode()
        assert SECRET_NAME not in found


def test_a_channel_of_a_hidden_programme_is_not_served(programmes):
    channel = publish_channel(programmes["jinshui"])
    assert channel.pk in {
        c["id"] for c in Client().get("/api/v2/reporting-channels/").json()["items"]
    }
    PageViewRestriction.objects.create(page=programmes["jinshui"], restriction_type="login")
    items = Client().get("/api/v2/reporting-channels/").json()["items"]
    assert channel.pk not in {c["id"] for c in items}
    assert "jinshui" not in Client().get("/report/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/report/?notice=" + "9" * 50,
        "/report/?notice=-1",
        "/report/?notice=１２",
        "/report/?programme=%E7%A9%BA%00%E5%AD%97",  # a NUL PostgreSQL refuses to compare
        "/report/?programme=yuncheng%3Cscript%3E",
        "/api/v2/pages/?offset=1e23",
        "/api/v2/pages/?offset=" + "9" * 30,
        "/api/v2/pages/?limit=-5",
        "/api/v2/pages/?search=%00",
        "/api/v2/pages/?search_operator=xor",
        "/api/v2/reporting-channels/?programme=" + "9" * 30,
        "/api/v2/reporting-channels/?programme=%00",
    ],
)
def test_malformed_queries_answer_400_in_chinese(programmes, url):
    response = Client().get(url)
    assert response.status_code == 400, response.content[:300]
    text = response.content.decode()
    assert any("\u4e00" <= char <= "\u9fff" for char in text), text[:300]


def _offered(citizen, notice) -> bool:
    return f'value="{notice.pk}"' in citizen.get("/report/").content.decode()


def test_the_form_forgets_at_once_what_leaves_the_public_site(hidden_notices, users, programmes):
    """The report form's offer is remembered per publication version (cms/base/public.py):
    a withdrawal through the two approvers, a view restriction and an unpublished channel
    each take effect on the very next request."""
    from admin_forms import signed_in
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from cms.publishing.models import WithdrawalRequest

    visible = hidden_notices[0]
    other = open_notice_under(visible.get_parent(), "other", "另一家示例有限公司")
    citizen = Client()
    with CaptureQueriesContext(connection) as first:
        assert _offered(citizen, visible) and _offered(citizen, other)
    with CaptureQueriesContext(connection) as again:
        assert _offered(citizen, visible)
    assert len(again) < len(first) / 2  # remembered: the offer is not read again

    url = reverse("wagtailadmin_pages:unpublish", args=(visible.pk,))
    signed_in(users["approver"]).post(url, {"withdrawal_reason": "误发，撤回核实。"})
    assert _offered(citizen, visible)  # only asked: still public
    request = WithdrawalRequest.objects.get()
    signed_in(users["approver2"]).post(reverse("withdrawal_request_confirm", args=(request.pk,)))
    assert not Page.objects.get(pk=visible.pk).live
    assert not _offered(citizen, visible)
    answer = citizen.get(f"/report/?programme=yuncheng&notice={visible.pk}").content.decode()
    assert "公开的示例机械有限公司" not in answer

    assert _offered(citizen, other)
    PageViewRestriction.objects.create(page=other, restriction_type="password", password="x")
    assert not _offered(citizen, other)

    from cms.reporting.models import ReportingChannel

    assert f'value="{programmes["yuncheng"].pk}"' in citizen.get("/report/").content.decode()
    ReportingChannel.objects.filter(programme=programmes["yuncheng"]).get().unpublish()
    assert f'value="{programmes["yuncheng"].pk}"' not in citizen.get("/report/").content.decode()
