"""Withdrawing a live notice takes two people, clicked through as they would (ADR 35): an
approver's 取消发布 with a public reason only asks, the asker finds no way to confirm,
a second approver confirms under 待确认撤回, and only then is the notice withdrawn."""

import re

import pytest
from browser_support import log_in, shot
from django.conf import settings as django_settings

from cms.demo.loader import load_demo
from cms.notices.models import PublicityNoticePage
from cms.publishing.models import Withdrawal, WithdrawalRequest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    # The admin runs in live_server's thread: committed data, flushed afterwards (see
    # test_editorial_to_public.py for why every app is named).
    pytest.mark.django_db(transaction=True, available_apps=django_settings.INSTALLED_APPS),
]

REASON = "误发了未经审定的名单，已撤回核实。"


def test_a_withdrawal_takes_a_second_approver(live_server, new_page):
    load_demo()
    notice = PublicityNoticePage.objects.live().first()

    # The first approver unpublishes with a reason: a request, nothing more.
    first = new_page()
    log_in(first, live_server.url, "approver")
    first.goto(f"{live_server.url}/admin/pages/{notice.pk}/unpublish/")
    expect(first.get_by_text("须另一名审核人在“待确认撤回”中确认后才生效")).to_be_visible()
    first.get_by_label("撤回原因（公开显示）").fill(REASON)
    first.locator("form [type=submit]").last.click()
    expect(first.get_by_text("撤回申请已提交，须另一名审核人确认后生效")).to_be_visible()
    expect(first).to_have_url(re.compile(rf"/admin/pages/{notice.pk}/edit/$"))
    shot(first, "withdrawal-1-asked")
    assert PublicityNoticePage.objects.get(pk=notice.pk).live

    # The asker's list offers no confirmation.
    first.goto(f"{live_server.url}/admin/withdrawals/")
    row = first.locator("tr", has_text=notice.title)
    expect(row.get_by_text("须另一名审核人确认")).to_be_visible()
    expect(row.get_by_role("button", name="确认撤回")).to_have_count(0)

    # The second approver sees it on the dashboard and confirms it.
    second = new_page()
    log_in(second, live_server.url, "approver2")
    panel = second.locator("section", has=second.get_by_role("heading", name="待确认撤回"))
    expect(panel.get_by_text(notice.title)).to_be_visible()
    panel.get_by_role("link", name="前往确认或驳回").click()
    row = second.locator("tr", has_text=notice.title)
    expect(row.get_by_text(REASON)).to_be_visible()
    row.get_by_role("button", name="确认撤回").click()
    expect(second.get_by_text(re.compile("已确认撤回.*原网址显示撤回原因"))).to_be_visible()
    shot(second, "withdrawal-2-confirmed")

    assert not PublicityNoticePage.objects.get(pk=notice.pk).live
    withdrawal = Withdrawal.objects.get(page_id=notice.pk)
    assert withdrawal.reason == REASON
    assert (withdrawal.requested_by.username, withdrawal.confirmed_by.username) == (
        "approver",
        "approver2",
    )
    assert WithdrawalRequest.objects.get().status == "confirmed"
