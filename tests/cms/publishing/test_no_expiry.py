"""Nothing public expires (cms/base/removal.py, ADR 0036): an expiry (Wagtail's
`expire_at`) would take a live item off the site at the set time with no reason at its
address and no second approver. Tried through the admin's forms (offered, posted, on a
page and on a reporting channel), the model, a copy, the approval, a version scheduled to
go live, and the scheduler (`publish_scheduled`, as the queue and any cron job run it),
each followed by the export: the item is still on the site."""

from __future__ import annotations

from datetime import timedelta

import pytest
from admin_forms import add_url, approve, form_errors, notice_form, said, signed_in
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from factories import draft_notice
from intake_client import publish_channel
from wagtail.models import ModelLogEntry, Page, PageLogEntry

from cms.notices.models import PublicityNoticePage
from cms.publishing import export
from cms.publishing.tasks import publish_scheduled_pages
from cms.reporting.models import ReportingChannel

pytestmark = pytest.mark.django_db

NO_EXPIRY = "本站不设到期下线"


def exported_paths() -> set[str]:
    return {str(item.path) for item in export.collect()}


@pytest.fixture
def live_notice(edition):
    notice = draft_notice(edition, slug="live", title="已发布的公示")
    notice.save_revision().publish()
    return notice


def test_the_scheduling_dialog_offers_no_expiry(users, live_notice, programmes):
    client = signed_in(users["editor"])
    page = client.get(reverse("wagtailadmin_pages:edit", args=(live_notice.pk,))).content.decode()
    assert 'name="go_live_at"' in page
    assert 'name="expire_at"' not in page
    assert NO_EXPIRY in page
    channel = publish_channel(programmes["yuncheng"])
    edit = reverse("wagtailsnippets_reporting_reportingchannel:edit", args=(channel.pk,))
    snippet = signed_in(users["admin"]).get(edit).content.decode()
    assert 'name="go_live_at"' in snippet and 'name="expire_at"' not in snippet


def test_an_expiry_posted_to_the_page_form_is_refused(users, edition, clock):
    clock.set("2023-09-26 10:00")
    client = signed_in(users["editor"])
    url = add_url(PublicityNoticePage, edition)
    refused = client.post(url, notice_form(5, expire_at="2023-10-20 00:00"))
    assert refused.status_code == 200, "a crafted expiry must not be saved"
    assert NO_EXPIRY in refused.content.decode()
    assert not PublicityNoticePage.objects.exists()
    saved = client.post(url, notice_form(5))
    assert saved.status_code == 302, form_errors(saved)
    notice = PublicityNoticePage.objects.get()
    edit = reverse("wagtailadmin_pages:edit", args=(notice.pk,))
    refused = client.post(edit, notice_form(5, expire_at="2023-10-20 00:00"))
    assert NO_EXPIRY in refused.content.decode()
    notice = PublicityNoticePage.objects.get()
    assert notice.expire_at is None
    assert notice.get_latest_revision().content.get("expire_at") is None


def test_an_expiry_posted_to_a_channel_is_not_taken(users, programmes):
    channel = publish_channel(programmes["yuncheng"])
    client = signed_in(users["admin"])
    edit = reverse("wagtailsnippets_reporting_reportingchannel:edit", args=(channel.pk,))
    form = client.get(edit).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(programme=channel.programme_id, expire_at="2099-01-01 00:00")
    response = client.post(edit, data)
    assert NO_EXPIRY in response.content.decode() or NO_EXPIRY in said(response)
    channel = ReportingChannel.objects.get(pk=channel.pk)
    assert channel.expire_at is None and channel.live


def test_the_model_refuses_to_take_on_an_expiry(live_notice, programmes):
    page = Page.objects.get(pk=live_notice.pk).specific
    page.expire_at = timezone.now() + timedelta(days=30)
    with pytest.raises(ValidationError, match=NO_EXPIRY):
        page.save()
    with pytest.raises(ValidationError, match=NO_EXPIRY):
        page.save_revision()
    channel = publish_channel(programmes["yuncheng"])
    channel.expire_at = timezone.now() + timedelta(days=30)
    with pytest.raises(ValidationError, match=NO_EXPIRY):
        channel.full_clean()
    assert Page.objects.get(pk=live_notice.pk).expire_at is None


def test_a_version_holding_an_expiry_is_refused_approval(users, edition, clock):
    clock.set("2023-09-26 10:00")
    notice = draft_notice(edition)
    # A version written before this rule, or by code that skips the model's checks.
    notice.expire_at = timezone.now() + timedelta(days=20)
    notice.save_revision(user=users["editor"], clean=False)
    notice.get_workflow().start(notice, users["editor"])
    task_state = notice.current_workflow_state.current_task_state
    client = signed_in(users["approver"])
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(notice.pk, "approve", task_state.pk)),
        {"comment": ""},
    )
    assert NO_EXPIRY in said(response)
    assert not Page.objects.get(pk=notice.pk).live
    # Sent back, the editor saves again: the form does not carry the expiry into the new
    # version, which the approver may then approve.
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(notice.pk, "reject", task_state.pk)),
        {"comment": "请取消到期时间"},
    )
    edit = reverse("wagtailadmin_pages:edit", args=(notice.pk,))
    saved = signed_in(users["editor"]).post(edit, notice_form(5, **{"action-submit": "1"}))
    assert saved.status_code == 302, form_errors(saved)
    latest = Page.objects.get(pk=notice.pk).get_latest_revision()
    assert latest.user == users["editor"] and latest.content.get("expire_at") is None
    assert approve(client, users["approver"], notice) is True
    page = Page.objects.get(pk=notice.pk)
    assert page.live and page.expire_at is None
    assert f"notices/{notice.pk}.md" in exported_paths()


def test_a_copy_carries_no_expiry(users, live_notice, edition):
    expiry = timezone.now() + timedelta(days=3)
    Page.objects.filter(pk=live_notice.pk).update(expire_at=expiry)  # as stored before the rule
    response = signed_in(users["admin"]).post(
        reverse("wagtailadmin_pages:copy", args=(live_notice.pk,)),
        {"new_title": "复制的公示", "new_slug": "copied", "new_parent_page": edition.pk},
    )
    assert response.status_code == 302
    copy = Page.objects.get(slug="copied")
    assert copy.expire_at is None
    assert copy.get_latest_revision().content.get("expire_at") is None


@pytest.mark.parametrize("run", ["command", "task"])
def test_the_scheduler_never_takes_an_item_off_the_site(users, live_notice, programmes, run):
    """An expiry already stored (before this rule, or by a shell) falls due: Wagtail's
    scheduler would unpublish the page and the channel with no reason; this one keeps
    them live, cancels the expiry and says so in the audit log."""
    channel = publish_channel(programmes["yuncheng"])
    past = timezone.now() - timedelta(minutes=5)
    Page.objects.filter(pk__in=[live_notice.pk, live_notice.get_parent().pk]).update(expire_at=past)
    ReportingChannel.objects.filter(pk=channel.pk).update(expire_at=past)
    before = exported_paths()
    assert f"notices/{live_notice.pk}.md" in before
    if run == "command":
        call_command("publish_scheduled")  # Wagtail's name: a cron job runs this one
    else:
        publish_scheduled_pages.call()
    assert Page.objects.get(pk=live_notice.pk).live
    assert Page.objects.get(pk=live_notice.get_parent().pk).live  # the section too
    assert ReportingChannel.objects.get(pk=channel.pk).live
    assert not Page.objects.filter(expire_at__isnull=False).exists()
    assert not ReportingChannel.objects.filter(expire_at__isnull=False).exists()
    assert PageLogEntry.objects.filter(page=live_notice, action="gongshi.expiry_cancelled").exists()
    assert ModelLogEntry.objects.filter(action="gongshi.expiry_cancelled").exists()
    assert not PageLogEntry.objects.filter(action="wagtail.unpublish.scheduled").exists()
    assert exported_paths() == before


def test_a_scheduled_version_goes_live_without_its_expiry(users, live_notice):
    """A version approved to go live later that holds an expiry (as stored before this
    rule) goes live at its time; its expiry is cancelled, not obeyed."""
    live_notice.title = "已发布的公示（更正）"
    live_notice.change_note = "更正标题"
    live_notice.expire_at = timezone.now() + timedelta(hours=1)
    revision = live_notice.save_revision(clean=False)
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()
    call_command("publish_scheduled")
    page = Page.objects.get(pk=live_notice.pk)
    assert page.live and page.title == "已发布的公示（更正）"
    assert page.expire_at is None
    assert f"notices/{live_notice.pk}.md" in exported_paths()
