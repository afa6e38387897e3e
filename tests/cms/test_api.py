"""The public read API serves live content only: never a draft, a pending revision or an
unpublished item."""

import pytest
from factories import draft_notice

from cms.reporting.models import ReportingChannel

pytestmark = pytest.mark.django_db


def listed_titles(client, **params):
    response = client.get("/api/v2/pages/", {"limit": 100, **params})
    assert response.status_code == 200
    return [item["title"] for item in response.json()["items"]]


def test_drafts_and_pending_revisions_never_leave_the_cms(client, edition):
    draft = draft_notice(edition, slug="draft", title="草稿公示")
    draft.save_revision()

    published = draft_notice(edition, slug="live", title="已发布公示")
    published.save_revision().publish()
    published.title = "尚未审核的新标题"
    published.save_revision()  # pending: the public keeps the approved title

    titles = listed_titles(client, type="notices.PublicityNoticePage")
    assert titles == ["已发布公示"]
    assert "草稿公示" not in listed_titles(client)
    assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404
    detail = client.get(f"/api/v2/pages/{published.pk}/").json()
    assert detail["title"] == "已发布公示"
    assert detail["end_date"] == "2023-10-10"
    assert "尚未审核" not in str(detail)
    # searching the API does not reach drafts either
    assert "草稿公示" not in str(client.get("/api/v2/pages/", {"search": "草稿"}).json())


def test_unpublished_content_disappears_from_the_api(client, edition):
    page = draft_notice(edition, slug="withdrawn", title="撤回的公示")
    page.save_revision().publish()
    assert "撤回的公示" in listed_titles(client)
    page.refresh_from_db()
    page.unpublish()
    assert "撤回的公示" not in listed_titles(client)


def test_only_live_reporting_channels_are_served(client, programmes):
    fields = dict(
        programme=programmes["yuncheng"],
        report_contents="被举报对象、事实和证据",
        procedure="收到后5个工作日内答复",
        confidentiality_promise="为举报人保密",
        phone="0359-0000000",
    )
    draft = ReportingChannel.objects.create(name="草稿渠道", live=False, **fields)
    draft.save_revision()
    live = ReportingChannel.objects.create(name="监督组", live=False, **fields)
    live.save_revision().publish()

    items = client.get("/api/v2/reporting-channels/").json()["items"]
    assert [item["name"] for item in items] == ["监督组"]
    assert client.get(f"/api/v2/reporting-channels/{draft.pk}/").status_code == 404
    assert client.get("/api/v2/reporting-channels/", {"programme": "运城"}).status_code == 400


def test_pages_below_an_unpublished_or_private_page_are_not_served(client, programmes):
    from wagtail.models import PageViewRestriction

    from cms.programmes.models import EditionPage

    edition = EditionPage(title="2024年度", slug="2024", number=4, year=2024)
    programmes["yuncheng"].add_child(instance=edition)
    edition.save_revision().publish()
    edition.refresh_from_db()
    notice = draft_notice(edition, slug="below", title="届次下的公示")
    notice.save_revision().publish()
    assert "届次下的公示" in listed_titles(client, type="notices.PublicityNoticePage")

    edition.unpublish()  # the notice stays live, its section does not
    assert "届次下的公示" not in listed_titles(client, type="notices.PublicityNoticePage")
    assert "届次下的公示" not in listed_titles(client)
    assert client.get(f"/api/v2/pages/{notice.pk}/").status_code == 404

    edition.save_revision().publish()
    PageViewRestriction.objects.create(page=edition, restriction_type="login")
    assert "届次下的公示" not in listed_titles(client, type="notices.PublicityNoticePage")


def test_paging_reads_a_fixed_number_of_queries_and_keeps_the_order(client, edition):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    url = "/api/v2/pages/?type=notices.PublicityNoticePage&limit=5&offset=2"
    for number in range(4):
        draft_notice(edition, slug=f"a{number}", title=f"公示{number:02}").save_revision().publish()
    few = queries(url)
    for number in range(4, 30):
        draft_notice(edition, slug=f"a{number}", title=f"公示{number:02}").save_revision().publish()
    assert queries(url) == few

    titles = listed_titles(client, type="notices.PublicityNoticePage", order="-title")
    paged = [
        title
        for offset in range(0, 30, 7)
        for title in listed_titles(
            client, type="notices.PublicityNoticePage", order="-title", offset=offset, limit=7
        )
    ]
    assert paged == titles == sorted(titles, reverse=True) and len(titles) == 30
