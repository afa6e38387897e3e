"""Nothing disappears without a public reason and a second person (两人原则, ADR 0035),
tried through the real admin: one approver's unpublish only asks, the asker (the
superuser too) cannot confirm, a second approver confirms and the build shows the
withdrawal, a rejection keeps the item live, and a reporting channel likewise."""

from __future__ import annotations

import pytest
from admin_forms import said, signed_in
from django.db import IntegrityError, transaction
from django.urls import reverse
from factories import draft_notice
from intake_client import publish_channel
from wagtail.models import ModelLogEntry, Page, PageLogEntry

from cms.publishing import export, tasks
from cms.publishing.models import SiteBuild, Withdrawal, WithdrawalRequest
from cms.reporting.models import ReportingChannel
from gongshi_site import atomic

pytestmark = pytest.mark.django_db

REASON = "误发了未经审定的名单，已撤回核实。"


def exported() -> dict[str, dict]:
    return {str(item.path): item.document for item in export.collect()}


def is_live(page) -> bool:
    return Page.objects.get(pk=page.pk).live


def ask(client, page, reason=REASON, **extra):
    url = reverse("wagtailadmin_pages:unpublish", args=(page.pk,))
    return client.post(url, {"withdrawal_reason": reason, **extra})


def confirm(client, request):
    return client.post(reverse("withdrawal_request_confirm", args=(request.pk,)))


def reject(client, request, reason="核实无误，无需撤回。"):
    url = reverse("withdrawal_request_reject", args=(request.pk,))
    return client.post(url, {"rejection_reason": reason})


@pytest.fixture
def live_notice(edition):
    notice = draft_notice(edition, slug="mistake", title="误发的公示")
    notice.save_revision().publish()
    return notice


def test_one_approvers_unpublish_only_asks(users, live_notice, django_capture_on_commit_callbacks):
    before, builds_before = exported(), SiteBuild.objects.count()
    client = signed_in(users["approver"])
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, live_notice)
    assert response.status_code == 302
    assert "撤回申请已提交，须另一名审核人确认后生效" in said(response)
    assert is_live(live_notice)
    assert exported() == before, "the public site must not change before a second person"
    assert SiteBuild.objects.count() == builds_before, "nothing to build"
    request = WithdrawalRequest.objects.get(page=live_notice)
    assert request.status == "pending" and request.reason == REASON
    assert request.requested_by == users["approver"] and not request.include_descendants
    assert PageLogEntry.objects.filter(action="gongshi.withdrawal_requested").exists()
    # The edit page says so, to anyone who opens it.
    edit = signed_in(users["editor"]).get(
        reverse("wagtailadmin_pages:edit", args=(live_notice.pk,))
    )
    assert "待确认的撤回申请" in edit.content.decode()
    # Asking twice is refused with a sentence: one request pending at a time.
    response = ask(signed_in(users["approver2"]), live_notice, reason="另一个原因")
    assert "已有一项待确认的撤回申请" in said(response)
    assert WithdrawalRequest.objects.filter(page=live_notice).count() == 1


def test_a_reason_is_still_required(users, live_notice):
    response = ask(signed_in(users["approver"]), live_notice, reason="   ")
    assert "请填写撤回原因" in said(response)
    assert not WithdrawalRequest.objects.exists() and is_live(live_notice)


def test_the_asker_cannot_confirm(users, live_notice):
    client = signed_in(users["approver"])
    ask(client, live_notice)
    request = WithdrawalRequest.objects.get()
    response = confirm(client, request)
    assert response.status_code == 302
    assert "两人原则" in said(response) and "不能自己确认" in said(response)
    assert is_live(live_notice)
    request.refresh_from_db()
    assert request.status == "pending"
    assert not Withdrawal.objects.exists()
    # The list shows no confirm button to the asker, and one to a second approver.
    listing = client.get(reverse("withdrawal_requests")).content.decode()
    assert "误发的公示" in listing and "确认撤回</button>" not in listing
    second = signed_in(users["approver2"])
    listing = second.get(reverse("withdrawal_requests")).content.decode()
    assert "确认撤回</button>" in listing
    # The dashboard tells approvers; editors see neither the panel nor the menu item.
    dashboard = second.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="pending-withdrawals-section"' in dashboard and "误发的公示" in dashboard
    dashboard = signed_in(users["editor"]).get(reverse("wagtailadmin_home")).content.decode()
    assert "pending-withdrawals" not in dashboard
    assert reverse("withdrawal_requests") not in dashboard  # the sidebar's menu item


def test_a_second_approver_confirms_and_the_build_shows_the_withdrawal(
    users, live_notice, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.GONGSHI_SITE_DIR = tmp_path / "site"
    ask(signed_in(users["approver"]), live_notice)
    request = WithdrawalRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(signed_in(users["approver2"]), request)
    assert "已确认撤回" in said(response)
    assert not is_live(live_notice)
    withdrawal = Withdrawal.objects.get(page=live_notice)
    assert withdrawal.reason == REASON
    assert withdrawal.requested_by == users["approver"]
    assert withdrawal.confirmed_by == users["approver2"]
    request.refresh_from_db()
    assert request.status == "confirmed" and request.decided_by == users["approver2"]
    assert confirm(signed_in(users["admin"]), request).status_code == 302  # decided once
    assert Withdrawal.objects.count() == 1

    build = tasks.run_build(SiteBuild.objects.filter(status=SiteBuild.Status.QUEUED).first().pk)
    assert "撤下：误发的公示" in build.triggers
    assert build.status == SiteBuild.Status.SUCCEEDED, build.error
    content = atomic.live_output(settings.GONGSHI_SITE_DIR).parent / "content"
    withdrawn = (content / "withdrawn" / f"{live_notice.pk}.md").read_text()
    assert REASON in withdrawn and "误发的公示" in withdrawn
    assert not (content / "notices" / f"{live_notice.pk}.md").exists()
    # Its old address now says it was withdrawn, and why (served as 410).
    page = atomic.live_output(settings.GONGSHI_SITE_DIR) / "notices" / str(live_notice.pk)
    assert REASON in (page / "index.html").read_text()


def test_a_rejection_keeps_the_item_live_and_says_why(users, live_notice):
    ask(signed_in(users["approver"]), live_notice)
    request = WithdrawalRequest.objects.get()
    second = signed_in(users["approver2"])
    response = reject(second, request, reason="  ")
    assert "请填写驳回理由" in said(response)
    response = reject(second, request)
    assert "已驳回" in said(response)
    assert is_live(live_notice)
    request.refresh_from_db()
    assert request.status == "rejected" and request.decided_by == users["approver2"]
    entry = PageLogEntry.objects.get(action="gongshi.withdrawal_rejected")
    assert entry.data["rejection_reason"] == "核实无误，无需撤回。"
    assert entry.data["reason"] == REASON
    response = confirm(signed_in(users["admin"]), request)
    assert "已驳回" in said(response) and is_live(live_notice)
    assert not Withdrawal.objects.exists()


def test_an_administrator_sees_the_requests_but_cannot_decide_them(users, live_notice):
    """管理员 keep the accounts, not the content: the list is theirs to see, the decision
    is an approver's (the permission Wagtail asks for unpublishing)."""
    from django.contrib.auth.models import Group, User

    from cms.base import roles

    administrator = User.objects.create_user("administrator", "a@example.com", "pw")
    administrator.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    ask(signed_in(users["approver"]), live_notice)
    request = WithdrawalRequest.objects.get()
    client = signed_in(administrator)
    listing = client.get(reverse("withdrawal_requests"))
    assert listing.status_code == 200 and "误发的公示" in listing.content.decode()
    assert "确认撤回</button>" not in listing.content.decode()
    assert "没有撤下" in said(confirm(client, request))
    assert "没有撤下" in said(reject(client, request))
    assert is_live(live_notice)
    request.refresh_from_db()
    assert request.status == "pending"


def test_a_request_is_for_the_version_asked_about(users, live_notice):
    ask(signed_in(users["approver"]), live_notice)
    request = WithdrawalRequest.objects.get()
    live_notice.refresh_from_db()
    live_notice.title = "误发的公示（更正）"
    live_notice.save_revision().publish()  # a new version went live meanwhile
    response = confirm(signed_in(users["approver2"]), request)
    assert "又发布过新的版本" in said(response)
    assert is_live(live_notice) and not Withdrawal.objects.exists()


def test_the_asker_may_take_a_request_back(users, live_notice):
    client = signed_in(users["approver"])
    ask(client, live_notice)
    request = WithdrawalRequest.objects.get()
    assert "已驳回" in said(reject(client, request, reason="选错了页面。"))
    request.refresh_from_db()
    assert request.status == "rejected" and request.decided_by == users["approver"]
    assert is_live(live_notice)
    # A later request is a new one, and still needs a second person.
    ask(client, live_notice)
    assert WithdrawalRequest.objects.filter(status="pending").count() == 1


def test_the_superuser_alone_cannot_withdraw(users, live_notice):
    admin = signed_in(users["admin"])
    response = ask(admin, live_notice)
    assert "须另一名审核人确认" in said(response)
    assert is_live(live_notice)
    request = WithdrawalRequest.objects.get()
    assert "两人原则" in said(confirm(admin, request))
    assert is_live(live_notice)
    # Around the unpublish view: the bulk action and the admin API's action.
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "unpublish"))
    response = admin.post(f"{bulk}?id={live_notice.pk}", {"include_descendants": "on"})
    assert "不能批量撤下" in said(response)
    api = f"/admin/api/main/pages/{live_notice.pk}/action/unpublish/"
    assert admin.post(api, {}, content_type="application/json").status_code == 404
    assert is_live(live_notice) and not Withdrawal.objects.exists()
    # An editor may neither see the list nor confirm.
    editor = signed_in(users["editor"])
    assert editor.get(reverse("withdrawal_requests")).status_code in (302, 403)
    confirm(editor, request)
    assert is_live(live_notice)
    # A second person, an approver, makes it take effect.
    confirm(signed_in(users["approver"]), request)
    assert not is_live(live_notice)
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.requested_by, withdrawal.confirmed_by) == (users["admin"], users["approver"])


def test_a_section_is_withdrawn_with_the_pages_below_it(users, edition, live_notice):
    client = signed_in(users["approver"])
    response = ask(client, edition)
    assert "请勾选“同时撤下子页面”" in said(response), "its notices would vanish with no 410"
    assert not WithdrawalRequest.objects.exists()
    ask(client, edition, include_descendants="on")
    request = WithdrawalRequest.objects.get()
    assert request.include_descendants
    confirm(signed_in(users["approver2"]), request)
    assert not is_live(edition) and not is_live(live_notice)
    withdrawal = Withdrawal.objects.get(page=live_notice)
    assert withdrawal.reason == REASON and withdrawal.confirmed_by == users["approver2"]
    assert f"withdrawn/{live_notice.pk}.md" in exported()


def test_a_channel_likewise(users, programmes):
    channel = publish_channel(programmes["yuncheng"])
    unpublish = reverse("wagtailsnippets_reporting_reportingchannel:unpublish", args=(channel.pk,))
    first = signed_in(users["approver"])
    assert "另一名审核人" in first.get(unpublish).content.decode()
    assert "请填写撤回原因" in said(first.post(unpublish, {}))
    response = first.post(unpublish, {"withdrawal_reason": "电话号码变更，新号码已另行公布。"})
    assert "撤回申请已提交" in said(response)
    assert ReportingChannel.objects.get(pk=channel.pk).live
    request = WithdrawalRequest.objects.get(channel=channel)
    edit = reverse("wagtailsnippets_reporting_reportingchannel:edit", args=(channel.pk,))
    supervisor = signed_in(users["supervisor"])  # who keeps the channel's text
    assert "待确认的撤回申请" in supervisor.get(edit).content.decode()
    assert "两人原则" in said(confirm(first, request))
    assert ReportingChannel.objects.get(pk=channel.pk).live
    confirm(signed_in(users["approver2"]), request)
    assert not ReportingChannel.objects.get(pk=channel.pk).live
    entry = ModelLogEntry.objects.get(action="gongshi.channel_withdrawn")
    assert entry.data["reason"] == "电话号码变更，新号码已另行公布。"
    assert entry.data["requested_by"] == str(users["approver"])
    assert entry.data["confirmed_by"] == str(users["approver2"])


def test_a_channel_rejection_keeps_it_live(users, programmes):
    channel = publish_channel(programmes["yuncheng"])
    unpublish = reverse("wagtailsnippets_reporting_reportingchannel:unpublish", args=(channel.pk,))
    signed_in(users["admin"]).post(unpublish, {"withdrawal_reason": "渠道调整。"})
    request = WithdrawalRequest.objects.get(channel=channel)
    reject(signed_in(users["approver"]), request, reason="渠道仍在使用。")
    assert ReportingChannel.objects.get(pk=channel.pk).live
    entry = ModelLogEntry.objects.get(action="gongshi.withdrawal_rejected")
    assert entry.data["rejection_reason"] == "渠道仍在使用。"


def test_the_database_holds_the_two_person_rule(users, live_notice):
    """Whatever code path confirms, the database refuses one person in both roles."""
    with pytest.raises(IntegrityError), transaction.atomic():
        WithdrawalRequest.objects.create(
            page=live_notice,
            title="误发的公示",
            reason=REASON,
            requested_by=users["approver"],
            status="confirmed",
            decided_by=users["approver"],
            decided_at=live_notice.first_published_at,
        )
    # One pending request per item, however many ask at once.
    WithdrawalRequest.objects.create(page=live_notice, title="误发的公示", reason=REASON)
    with pytest.raises(IntegrityError), transaction.atomic():
        WithdrawalRequest.objects.create(page=live_notice, title="误发的公示", reason=REASON)
