"""The content endpoint keeps the export between publishes, and a publish, an unpublish or
a draft shows (or stays hidden) at once all the same."""

import pytest
from factories import draft_notice

from cms.publishing import export, published_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def exports(monkeypatch):
    """How many times the export ran."""
    runs = []
    real = export.collect

    def counted():
        runs.append(1)
        return real()

    monkeypatch.setattr(published_content.export, "collect", counted)
    return runs


def paths(client) -> dict[str, dict]:
    response = client.get("/api/v2/content/?limit=100")
    assert response.status_code == 200
    return {item["path"]: item["document"] for item in response.json()["items"]}


def test_the_export_is_kept_until_something_is_published(client, edition, exports):
    first = paths(client)
    assert paths(client) == first and paths(client) == first
    assert len(exports) == 1

    notice = draft_notice(edition)
    notice.save_revision().publish()

    assert f"notices/{notice.pk}.md" in paths(client)
    assert len(exports) == 2


def test_drafts_and_unpublished_pages_are_never_served(client, edition, exports):
    live = draft_notice(edition, slug="live", title="已发布的公示")
    live.save_revision().publish()
    draft = draft_notice(edition, slug="draft", title="草稿")
    assert f"notices/{live.pk}.md" in paths(client)
    assert f"notices/{draft.pk}.md" not in paths(client)

    live.title = "尚未发布的新标题"
    live.save_revision()  # a draft of a live page: the live version stays public
    assert paths(client)[f"notices/{live.pk}.md"]["title"] == "已发布的公示"

    draft.save_revision()  # saved again, still a draft
    assert f"notices/{draft.pk}.md" not in paths(client)

    withdrawn = draft_notice(edition, slug="withdrawn", title="将撤下的公示")
    withdrawn.save_revision().publish()
    assert f"notices/{withdrawn.pk}.md" in paths(client)
    withdrawn.refresh_from_db()  # publish() went live on a copy of the page
    withdrawn.unpublish()
    assert f"notices/{withdrawn.pk}.md" not in paths(client)


def test_an_unpublish_without_a_log_entry_is_still_seen(client, edition, exports):
    """The kept export is keyed on the pages' state too, not only on Wagtail's log."""
    from wagtail.models import Page

    notice = draft_notice(edition)
    notice.save_revision().publish()
    assert f"notices/{notice.pk}.md" in paths(client)

    Page.objects.filter(pk=notice.pk).update(live=False)

    assert f"notices/{notice.pk}.md" not in paths(client)
