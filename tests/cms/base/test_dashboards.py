"""The dashboard per role, through the admin's real dashboard view: what an editor, an
approver and the supervision group each see, and what they must not."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from two_factor import log_in
from wagtail.models import TaskState

from cms.notices.models import PublicityEntry
from cms.revocations.models import RevocationPage
from tests.admin_forms import approve
from tests.factories import draft_notice, published_decision
from tests.intake_client import PASSPHRASE, publish_channel, submit

pytestmark = pytest.mark.django_db


def dashboard(client, user) -> str:
    log_in(client, user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str, name: str) -> str:
    """The content of one dashboard panel."""
    return html.split(f'id="{name}-content"')[1].split("</section>")[0]


@pytest.fixture
def open_notice(edition, users):
    """A notice by the editor, in publicity today."""
    today = timezone.localdate()
    notice = draft_notice(
        edition,
        title="编辑的候选名单公示",
        owner=users["editor"],
        date_signed=today - timedelta(days=3),
        start_date=today - timedelta(days=2),
        end_date=today + timedelta(days=6),
        entries=[PublicityEntry(name="运城示例机械有限公司", category="organisation")],
    )
    notice.save_revision(user=users["editor"]).publish()
    notice.refresh_from_db()  # the period as going live fixed it
    return notice


def test_the_editor_sees_drafts_sent_back_items_and_notices_in_publicity(
    client, users, edition, open_notice
):
    draft = draft_notice(
        edition,
        title="尚未提交的草稿",
        slug="draft",
        start_rule="on_publication",
        start_date=None,
        end_date=None,
    )
    draft.save_revision(user=users["editor"])
    returned = draft_notice(
        edition,
        title="被退回的公示",
        slug="returned",
        start_rule="on_publication",
        start_date=None,
        end_date=None,
    )
    returned.save_revision(user=users["editor"])
    returned.get_workflow().start(returned, users["editor"])
    task_state = returned.current_workflow_state.current_task_state
    log_in(client, users["approver"])
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(returned.pk, "reject", task_state.pk)),
        {"comment": "请补充统一社会信用代码"},
    )
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED

    html = dashboard(client, users["editor"])
    assert "我的工作" in html and "待我审核" not in html
    drafts = html.split("<h3>我的草稿</h3>")[1].split("<h3>")[0]
    assert "尚未提交的草稿" in drafts and "被退回的公示" not in drafts
    sent_back = html.split("<h3>退回修改的</h3>")[1].split("<h3>")[0]
    assert "被退回的公示" in sent_back and "请补充统一社会信用代码" in sent_back
    in_publicity = html.split("<h3>正在公示的</h3>")[1].split("<h3>")[0]
    end = open_notice.end_date
    assert f"编辑的候选名单公示</a>：公示至{end.year}年{end.month}月{end.day}日" in in_publicity

    # Another editor has drafts of their own, not these.
    other = dashboard(client, users["editor2"])
    assert "尚未提交的草稿" not in other


def test_the_editor_sees_how_many_reports_concern_their_notice_never_what_or_who(
    client, users, edition, open_notice, programmes
):
    from cms.supervision.models import Case, GroupKey

    GroupKey.generate(PASSPHRASE)
    publish_channel(programmes["yuncheng"])
    citizen = type(client)()
    response = submit(
        citizen,
        programmes["yuncheng"],
        notice=open_notice.pk,
        name="李举报",
        text="机械公司的销售额系伪造。",
        subject="运城示例机械有限公司",
    )
    assert response.status_code == 200
    assert Case.objects.filter(notice=open_notice).count() == 1

    html = dashboard(client, users["editor"])
    cases = html.split("<h3>涉及我的公示的异议和举报</h3>")[1]
    assert "编辑的候选名单公示：共1件，其中未办结1件" in cases
    for secret in ("李举报", "销售额系伪造", "13900000000"):
        assert secret not in html
    # The other editor's notices have none.
    assert "共1件" not in dashboard(client, users["editor2"])


def test_the_approver_sees_what_waits_with_the_period_approving_today_would_give(
    client, users, edition
):
    notice = draft_notice(
        edition,
        title="待审的公示",
        slug="waiting",
        start_rule="on_publication",
        start_date=None,
        end_date=None,
        date_signed=timezone.localdate(),
    )
    notice.save_revision(user=users["editor"])
    notice.get_workflow().start(notice, users["editor"])

    html = dashboard(client, users["approver"])
    waiting = panel(html, "gongshi-approver")
    assert "待审的公示" in waiting
    assert "如果在" in waiting and "公示期为" in waiting  # the outlook of approving now
    assert "我的工作" not in html  # an approver is no editor

    # The submitter, were they an approver too, would not be offered their own item.
    assert "gongshi-approver" not in dashboard(client, users["editor"])


def test_after_the_first_approval_of_a_revocation_the_dashboard_says_who_can_give_the_second(
    client, users, edition
):
    award = published_decision(edition, "【示例】甲公司", "", date(2023, 12, 20), users["editor"])
    programme = edition.get_parent().specific
    revocation = RevocationPage(
        title="撤销甲公司",
        slug="revoke",
        issuing_body="运城市人民政府",
        date_signed=timezone.localdate(),
        award=award,
        facts="伪造",
        legal_basis="第三十条",
        live=False,
    )
    programme.add_child(instance=revocation)
    revocation.grounds.set([programme.revocation_grounds.first()])
    revocation.save_revision(user=users["editor"])
    revocation.get_workflow().start(revocation, users["editor"])
    assert approve(client, users["approver"], revocation) is True

    html = panel(dashboard(client, users["approver"]), "gongshi-approver")
    sentence = html.split("的第一步审核已由")[1].split("</p>")[0]
    assert sentence.startswith("approver批准，还须另一名审核人批准后才生效。")
    assert "可以批准的人：approver2" in sentence
    assert "editor" not in sentence.split("可以批准的人：")[1]
    # approver gave the first step: it is not in their list of what waits for them
    assert "没有等待我审核的内容。" in html
    # approver2 has it in their list
    assert "撤销甲公司</a>" in panel(dashboard(client, users["approver2"]), "gongshi-approver")
