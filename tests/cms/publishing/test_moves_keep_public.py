"""No move hides a public page (cms/base/removal.py, ADR 0036): a live page, or a section
with public pages below it, moved below a draft or restricted section would leave the
public site with no reason at its address. Tried through the admin's move views (asked
and confirmed), the bulk move, and code; a move between public sections keeps the old
address answering (a document's address is its number), through a real build. And a
section's withdrawal confirmed after a page below it went live."""

from __future__ import annotations

import pytest
from admin_forms import said, signed_in
from django.urls import reverse
from factories import draft_notice
from wagtail.models import Page, PageViewRestriction

from cms.base.removal import MoveRefused
from cms.programmes.models import EditionPage
from cms.publishing import export, tasks
from cms.publishing.models import SiteBuild, WithdrawalRequest
from gongshi_site import atomic

pytestmark = pytest.mark.django_db


def exported() -> dict[str, dict]:
    return {str(item.path): item.document for item in export.collect()}


def parent_of(page) -> int:
    return Page.objects.get(pk=page.pk).get_parent().pk


@pytest.fixture
def live_notice(edition):
    notice = draft_notice(edition, slug="live", title="已发布的公示")
    notice.save_revision().publish()
    return notice


@pytest.fixture
def draft_edition(programmes):
    edition = EditionPage(title="2028年度（草稿）", slug="2028", number=8, year=2028, live=False)
    programmes["yuncheng"].add_child(instance=edition)
    edition.save_revision()
    return edition


@pytest.fixture
def restricted_edition(programmes):
    edition = EditionPage(title="2027年度（内部）", slug="2027", number=7, year=2027)
    programmes["yuncheng"].add_child(instance=edition)
    edition.save_revision().publish()
    PageViewRestriction.objects.create(page=edition, restriction_type="login")
    return edition


@pytest.mark.parametrize("who", ["approver", "admin"])
@pytest.mark.parametrize("where", ["draft", "restricted"])
def test_a_live_page_is_not_moved_below_a_hidden_section(
    users, live_notice, edition, draft_edition, restricted_edition, who, where
):
    destination = draft_edition if where == "draft" else restricted_edition
    client = signed_in(users[who])
    url = reverse("wagtailadmin_pages:move_confirm", args=(live_notice.pk, destination.pk))
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert "不能移到" in said(response)
        assert ("尚未发布" if where == "draft" else "设有访问限制") in said(response)
        assert "请先经审核发布该栏目" in said(response) and "撤回原因" in said(response)
    assert parent_of(live_notice) == edition.pk
    assert f"notices/{live_notice.pk}.md" in exported()


def test_a_section_with_public_pages_is_not_moved_below_a_hidden_one(
    users, live_notice, edition, programmes
):
    """An edition with a live notice, moved to a programme whose page is a draft."""
    hidden = programmes["hengyang"]
    Page.objects.filter(pk=hidden.pk).update(live=False)
    client = signed_in(users["admin"])
    response = client.post(reverse("wagtailadmin_pages:move_confirm", args=(edition.pk, hidden.pk)))
    assert "《已发布的公示》" in said(response) and "不能移到" in said(response)
    assert parent_of(edition) == programmes["yuncheng"].pk
    assert f"notices/{live_notice.pk}.md" in exported()


def test_the_bulk_move_is_refused_alike(users, live_notice, edition, draft_edition):
    other = draft_notice(edition, slug="other", title="另一则公示")
    other.save_revision().publish()
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "move"))
    client = signed_in(users["admin"])
    response = client.post(
        f"{bulk}?id={live_notice.pk}&id={other.pk}", {"chooser": draft_edition.pk}
    )
    assert response.status_code == 302 and "不能移到" in said(response)
    assert parent_of(live_notice) == parent_of(other) == edition.pk


def test_code_cannot_move_it_either(live_notice, edition, draft_edition):
    with pytest.raises(MoveRefused, match="不能移到"):
        Page.objects.get(pk=live_notice.pk).move(draft_edition, pos="last-child")
    assert parent_of(live_notice) == edition.pk


def test_drafts_move_freely_and_a_published_section_receives(
    users, edition, draft_edition, live_notice
):
    draft = draft_notice(edition, slug="draft", title="草稿")
    draft.save_revision()
    client = signed_in(users["admin"])
    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=(draft.pk, draft_edition.pk))
    )
    assert response.status_code == 302 and "不能移到" not in said(response)
    assert parent_of(draft) == draft_edition.pk
    # Once the section is published, the live notice may follow it there.
    Page.objects.get(pk=draft_edition.pk).specific.get_latest_revision().publish()
    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=(live_notice.pk, draft_edition.pk))
    )
    assert parent_of(live_notice) == draft_edition.pk
    assert f"notices/{live_notice.pk}.md" in exported()


def test_a_move_between_editions_keeps_the_old_address(
    users, live_notice, programmes, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Moved to another public edition of its programme, the notice answers at the same
    address in the built site (a document's address is its number,
    docs/content-format.md), listed under its new edition."""
    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    other = EditionPage(title="2024年度（第四届）", slug="2024", number=4, year=2024)
    programmes["yuncheng"].add_child(instance=other)
    other.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(users["admin"]).post(
            reverse("wagtailadmin_pages:move_confirm", args=(live_notice.pk, other.pk))
        )
    assert response.status_code == 302 and "不能移到" not in said(response)
    assert parent_of(live_notice) == other.pk
    assert exported()[f"notices/{live_notice.pk}.md"]["edition"]["year"] == 2024
    build = tasks.run_build(SiteBuild.objects.filter(status=SiteBuild.Status.QUEUED).first().pk)
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    assert "移动：已发布的公示" in build.triggers
    page = atomic.live_output(settings.GONGSHI_SITE_DIR) / "notices" / str(live_notice.pk)
    assert "已发布的公示" in (page / "index.html").read_text()


@pytest.mark.parametrize("what", ["notice", "edition"])
def test_public_content_does_not_change_programme(users, live_notice, edition, programmes, what):
    """Another programme's rules would apply to a notice published under this one's (and
    the export would find no rule for its kind there): refused, even between public
    sections."""
    page = live_notice if what == "notice" else edition
    other = EditionPage(title="2025年度", slug="2025", number=1, year=2025)
    programmes["hengyang"].add_child(instance=other)
    other.save_revision().publish()
    destination = other if what == "notice" else programmes["hengyang"]
    response = signed_in(users["admin"]).post(
        reverse("wagtailadmin_pages:move_confirm", args=(page.pk, destination.pk))
    )
    assert "不能移到其他奖项之下" in said(response) and "《运城市市长质量奖》" in said(response)
    assert parent_of(live_notice) == edition.pk
    assert parent_of(edition) == programmes["yuncheng"].pk
    assert f"notices/{live_notice.pk}.md" in exported()


def test_a_section_withdrawal_is_not_confirmed_over_a_page_gone_live_since(users, edition):
    """Asked for an edition with nothing live below it; a notice below goes live before
    the second approver confirms: confirming would hide it with no 410 of its own."""
    client = signed_in(users["approver"])
    client.post(
        reverse("wagtailadmin_pages:unpublish", args=(edition.pk,)),
        {"withdrawal_reason": "届次设置有误，已撤回核实。"},
    )
    request = WithdrawalRequest.objects.get(page=edition)
    notice = draft_notice(edition, slug="later", title="申请后发布的公示")
    notice.save_revision().publish()
    response = signed_in(users["approver2"]).post(
        reverse("withdrawal_request_confirm", args=(request.pk,))
    )
    assert "同时撤下子页面" in said(response)
    assert Page.objects.get(pk=edition.pk).live and Page.objects.get(pk=notice.pk).live
    assert f"notices/{notice.pk}.md" in exported()
