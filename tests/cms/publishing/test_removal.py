"""Nothing public disappears without a public reason (cms/base/removal.py, ADR 0026),
tried through the real admin views by an approver and by the superuser: deleting a live
page or a section with live pages, a view restriction on public content, copies made
live, the admin API's actions, a channel unpublished or deleted without a reason. (Two
people for a withdrawal: test_two_person_withdrawal.py.)"""

from __future__ import annotations

import pytest
from admin_forms import said, signed_in
from django.urls import reverse
from factories import draft_notice
from intake_client import publish_channel
from wagtail.models import ModelLogEntry, Page, PageViewRestriction

from cms.programmes.models import EditionPage
from cms.publishing.models import WithdrawalRequest
from cms.reporting.models import ReportingChannel

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_notice(edition):
    notice = draft_notice(edition, slug="live", title="已发布的公示")
    notice.save_revision().publish()
    return notice


@pytest.mark.parametrize("who", ["approver", "admin"])
def test_a_live_page_cannot_be_deleted(users, live_notice, who):
    client = signed_in(users[who])
    url = reverse("wagtailadmin_pages:delete", args=(live_notice.pk,))
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert "已公开发布，不能删除" in said(response)
        assert "取消发布" in said(response) and "撤回原因" in said(response)
    assert Page.objects.filter(pk=live_notice.pk, live=True).exists()


def test_a_section_with_live_pages_below_cannot_be_deleted(users, programmes):
    draft_edition = EditionPage(title="2028年度", slug="2028", number=4, year=2028, live=False)
    programmes["yuncheng"].add_child(instance=draft_edition)
    notice = draft_notice(draft_edition, slug="below", title="草稿届次下的公示")
    notice.save_revision().publish()
    client = signed_in(users["admin"])
    response = client.post(reverse("wagtailadmin_pages:delete", args=(draft_edition.pk,)))
    assert "之下有已公开发布的页面《草稿届次下的公示》" in said(response)
    assert Page.objects.filter(pk=notice.pk).exists()
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    response = client.post(f"{bulk}?id={draft_edition.pk}&id={notice.pk}")
    assert response.status_code == 302 and "不能删除" in said(response)
    assert Page.objects.filter(pk__in=[draft_edition.pk, notice.pk]).count() == 2


def test_a_draft_is_deleted_and_a_withdrawn_page_is_refused_never_a_500(users, edition):
    draft = draft_notice(edition, slug="draft", title="从未发布的草稿")
    draft.save_revision()
    withdrawn = draft_notice(edition, slug="gone", title="已撤回的公示")
    withdrawn.save_revision().publish()  # writes a change note bound to its revision
    client = signed_in(users["approver"])
    response = client.post(
        reverse("wagtailadmin_pages:unpublish", args=(withdrawn.pk,)),
        {"withdrawal_reason": "误发，已撤回核实。"},
    )
    assert response.status_code == 302
    request = WithdrawalRequest.objects.get(page=withdrawn)  # a second approver confirms
    signed_in(users["approver2"]).post(reverse("withdrawal_request_confirm", args=(request.pk,)))
    assert not Page.objects.get(pk=withdrawn.pk).live
    admin = signed_in(users["admin"])
    response = admin.post(reverse("wagtailadmin_pages:delete", args=(draft.pk,)))
    assert response.status_code == 302
    assert not Page.objects.filter(pk=draft.pk).exists()
    response = admin.post(reverse("wagtailadmin_pages:delete", args=(withdrawn.pk,)))
    assert response.status_code == 302
    assert "曾公开发布并已撤回" in said(response)
    assert Page.objects.filter(pk=withdrawn.pk).exists()


def test_a_protected_delete_answers_with_a_sentence(users, edition, monkeypatch):
    """Should a delete reach the database's protection (a change note's revision), the
    admin says why instead of answering 500."""
    withdrawn = draft_notice(edition, slug="gone", title="已撤回的公示")
    withdrawn.save_revision().publish()
    withdrawn.unpublish()
    monkeypatch.setattr("cms.publishing.wagtail_hooks.deletion_refusal", lambda page: None)
    response = signed_in(users["admin"]).post(
        reverse("wagtailadmin_pages:delete", args=(withdrawn.pk,))
    )
    assert response.status_code == 302
    assert "无法删除" in said(response)
    assert Page.objects.filter(pk=withdrawn.pk).exists()


@pytest.mark.parametrize("target", ["notice", "edition"])
def test_public_content_cannot_be_restricted(users, live_notice, edition, target):
    page = live_notice if target == "notice" else edition
    client = signed_in(users["admin"])
    url = reverse("wagtailadmin_pages:set_privacy", args=(page.pk,))
    shown = client.get(url).json()
    assert "已公开发布，不能" in shown["html"] and "取消发布" in shown["html"]
    response = client.post(url, {"restriction_type": "password", "password": "secret"})
    assert response.status_code == 200
    assert "设置访问限制" in response.json()["html"]
    assert not PageViewRestriction.objects.exists()


def test_a_draft_may_be_restricted_and_a_restriction_lifted(users, edition):
    draft = draft_notice(edition, slug="draft")
    draft.save_revision()
    client = signed_in(users["admin"])
    url = reverse("wagtailadmin_pages:set_privacy", args=(draft.pk,))
    response = client.post(url, {"restriction_type": "password", "password": "secret"})
    assert response.json()["step"] == "set_privacy_done"
    assert PageViewRestriction.objects.filter(page=draft).exists()
    client.post(url, {"restriction_type": "none"})
    assert not PageViewRestriction.objects.exists()


def test_copies_are_drafts_even_for_the_superuser(users, live_notice, edition):
    client = signed_in(users["admin"])
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=(live_notice.pk,)),
        {
            "new_title": "复制的公示",
            "new_slug": "copied",
            "new_parent_page": edition.pk,
            "publish_copies": "on",
        },
    )
    assert response.status_code == 302
    copy = Page.objects.get(slug="copied")
    assert not copy.live and copy.first_published_at is None
    assert "草稿" in said(response)


@pytest.mark.parametrize("action", ["copy", "publish", "unpublish", "delete", "move"])
def test_the_admin_api_has_no_actions(users, live_notice, action):
    client = signed_in(users["admin"])
    response = client.post(
        f"/admin/api/main/pages/{live_notice.pk}/action/{action}/",
        {"keep_live": True},
        content_type="application/json",
    )
    assert response.status_code == 404
    live_notice.refresh_from_db()
    assert live_notice.live
    assert Page.objects.filter(title=live_notice.title).count() == 1
    assert client.get("/admin/api/main/pages/").status_code == 200  # the explorer still reads


def test_a_channel_leaves_only_with_a_reason(users, programmes):
    channel = publish_channel(programmes["yuncheng"])
    client = signed_in(users["admin"])
    unpublish = reverse("wagtailsnippets_reporting_reportingchannel:unpublish", args=(channel.pk,))
    assert "撤回原因" in client.get(unpublish).content.decode()
    response = client.post(unpublish, {})
    assert "请填写撤回原因" in said(response)
    assert ReportingChannel.objects.get(pk=channel.pk).live
    delete = reverse("wagtailsnippets_reporting_reportingchannel:delete", args=(channel.pk,))
    response = client.post(delete)
    assert "已公开发布，不能删除" in said(response)
    assert ReportingChannel.objects.filter(pk=channel.pk).exists()
    client.post(unpublish, {"withdrawal_reason": "电话号码变更，新号码已另行公布。"})
    assert ReportingChannel.objects.get(pk=channel.pk).live  # until a second person confirms
    request = WithdrawalRequest.objects.get(channel=channel)
    signed_in(users["approver"]).post(reverse("withdrawal_request_confirm", args=(request.pk,)))
    assert not ReportingChannel.objects.get(pk=channel.pk).live
    entry = ModelLogEntry.objects.get(action="gongshi.channel_withdrawn")
    assert entry.data["reason"] == "电话号码变更，新号码已另行公布。"
