"""The editorial workflow through the real admin views: draft, refusal, submission,
independent approval, two approvers for a revocation, no direct publishing."""

from datetime import date

import pytest
from admin_forms import add_url, approve, entry_row, form_errors, notice_form, valid_code
from django.urls import reverse
from factories import draft_notice, published_decision
from two_factor import log_in
from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.decisions.models import Award
from cms.notices.models import PublicityNoticePage
from cms.revocations.models import RevocationPage

pytestmark = pytest.mark.django_db


def test_editor_drafts_is_refused_below_minimum_then_submits_and_approver_publishes(
    client, users, edition, clock
):
    clock.set("2023-09-26 10:00")
    log_in(client, users["editor"])

    refused = client.post(add_url(PublicityNoticePage, edition), notice_form(3))
    assert refused.status_code == 200
    assert "公示期不足5个工作日（运政发〔2023〕14号 第十九条）" in refused.content.decode()
    # what the editor typed is still in the form
    assert "书面向监督组提出，须署名并附证明材料。" in refused.content.decode()
    assert not PublicityNoticePage.objects.exists()

    saved = client.post(add_url(PublicityNoticePage, edition), notice_form(5))
    assert saved.status_code == 302, form_errors(saved)
    notice = PublicityNoticePage.objects.get()
    assert notice.end_date == date(2023, 10, 10)
    assert not notice.live

    # no direct publishing, even by crafting the request
    edit_url = reverse("wagtailadmin_pages:edit", args=(notice.pk,))
    forbidden = client.post(edit_url, notice_form(5, **{"action-publish": "1"}))
    assert forbidden.status_code == 403
    assert not PublicityNoticePage.objects.get().live

    submitted = client.post(edit_url, notice_form(5, **{"action-submit": "1"}))
    assert submitted.status_code == 302
    notice.refresh_from_db()
    assert notice.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS

    # the submitter has no approve action; the approver does
    assert approve(client, users["editor"], notice) is False
    assert approve(client, users["approver"], notice) is True
    notice.refresh_from_db()
    assert notice.live
    assert notice.first_published_at is not None
    assert [n["note"] for n in notice.change_history] == ["首次发布"]


def submitted_notice(edition, author):
    """A notice written and submitted for approval by `author`."""
    notice = draft_notice(
        edition,
        title="受理名单公示",
        slug="accepted",
        kind="accepted",
        date_signed=date(2023, 9, 1),
        start_date=date(2023, 9, 4),
        end_date=date(2023, 9, 8),
        objection_method="电话",
    )
    notice.save_revision(user=author)
    notice.get_workflow().start(notice, author)
    return notice


def test_an_approver_cannot_approve_what_they_submitted(client, users, edition, clock):
    clock.set("2023-09-01 10:00")
    log_in(client, users["approver"])
    # approvers can edit (to fix a typo) but then someone else must approve
    notice = submitted_notice(edition, users["approver"])
    assert approve(client, users["approver"], notice) is False
    assert approve(client, users["approver2"], notice) is True
    notice.refresh_from_db()
    assert notice.live


def test_an_edit_after_approval_needs_approval_again(client, users, edition, clock):
    clock.set("2023-09-01 10:00")
    notice = submitted_notice(edition, users["editor"])
    approve(client, users["approver"], notice)
    notice.refresh_from_db()
    assert notice.live

    log_in(client, users["editor"])
    edit_url = reverse("wagtailadmin_pages:edit", args=(notice.pk,))
    form = {
        "title": "受理名单公示（更正）",
        "slug": "accepted",
        "kind": "accepted",
        "document_number": "",
        "issuing_body": "办公室",
        "date_signed": "2023-09-01",
        "summary": "",
        "start_rule": "fixed",
        "start_date": "2023-09-04",
        "working_days": "5",
        "corrected_start_date": "",
        "corrected_working_days": "",
        "objection_method": "电话",
        "entries": inline_formset([entry_row()]),
        "body": rich_text(""),
        "attachments": streamfield([]),
        "change_is_major": "on",
        "go_live_at": "",
        "expire_at": "",
    }
    # a published document cannot change without a public change note
    missing_note = client.post(edit_url, nested_form_data({**form, "change_note": ""}))
    assert "已发布的内容修改后须填写更新说明" in missing_note.content.decode()

    client.post(
        edit_url, nested_form_data({**form, "change_note": "更正标题。", "action-submit": "1"})
    )
    notice.refresh_from_db()
    assert notice.title == "受理名单公示"  # the public still sees the approved version
    assert notice.has_unpublished_changes
    approve(client, users["approver2"], notice)
    notice.refresh_from_db()
    assert notice.title == "受理名单公示（更正）"
    assert [(n["note"], n["is_major"]) for n in notice.change_history] == [
        ("首次发布", True),
        ("更正标题。", True),
    ]


def test_a_revocation_needs_two_different_approvers_and_never_deletes(client, users, edition):
    award = published_decision(
        edition,
        "【示例】甲公司",
        valid_code("91140800MA0K00001"),
        date(2023, 12, 20),
        users["editor"],
    )
    decision = award.decision
    yuncheng = edition.get_parent().specific
    ground = yuncheng.revocation_grounds.first()

    log_in(client, users["editor"])
    form = nested_form_data(
        {
            "title": "关于撤销【示例】甲公司2023年度运城市市长质量奖的决定",
            "slug": "revoke-a",
            "document_number": "运示例发〔2025〕3号",
            "issuing_body": "运城市人民政府",
            "date_signed": "2025-03-01",
            "summary": "",
            "award": str(award.pk),
            "facts": "经查，申报材料中的检测报告系伪造。",
            "legal_basis": "《运城市市长质量奖管理办法》第三十条",
            "certificate_recovered": "on",
            "money_clawed_back": "on",
            "money_clawed_back_yuan": "",
            "body": rich_text(""),
            "attachments": streamfield([]),
            "change_note": "",
            "go_live_at": "",
            "expire_at": "",
            "action-submit": "1",
        }
    )
    form["grounds"] = [str(ground.pk)]
    response = client.post(add_url(RevocationPage, yuncheng), form)
    assert response.status_code == 302, form_errors(response)
    revocation = RevocationPage.objects.get()
    # 3 cycles of 5 years counted from 1 January of the revocation year: 2025 to 2039
    assert revocation.barred_until == date(2039, 12, 31)

    assert approve(client, users["approver"], revocation) is True
    revocation.refresh_from_db()
    assert not revocation.live, "one approval is not enough for a revocation"
    assert approve(client, users["approver"], revocation) is False
    assert approve(client, users["approver2"], revocation) is True
    revocation.refresh_from_db()
    assert revocation.live
    # Its history names both steps, with the second approver.
    assert "撤销复核" in workflow_history(client, users["approver"], revocation)

    decision.refresh_from_db()
    assert decision.live
    award = Award.objects.get()
    assert award.status == "revoked"
    assert award.revocation_summary["document_number"] == "运示例发〔2025〕3号"
    assert "伪造" not in award.revocation_summary["reason"]  # the reason is the ground
    assert ground.text in award.revocation_summary["reason"]
    from wagtail.models import PageLogEntry

    assert PageLogEntry.objects.filter(page=decision, action="gongshi.revoke_award").exists()
    states = TaskState.objects.filter(
        workflow_state__object_id=str(revocation.pk), status="approved"
    )
    assert {s.finished_by.username for s in states} == {"approver", "approver2"}


def workflow_history(client, user, page) -> str:
    """The page's workflow history, as its approver reads it: the listing and each run."""
    log_in(client, user)
    pages = [client.get(reverse("wagtailadmin_pages:workflow_history", args=(page.pk,)))]
    for state in WorkflowState.objects.filter(
        object_id=str(page.pk), base_content_type__isnull=False
    ):
        detail = reverse("wagtailadmin_pages:workflow_history_detail", args=(page.pk, state.pk))
        pages.append(client.get(detail))
    assert [response.status_code for response in pages] == [200] * len(pages)
    return "".join(response.content.decode() for response in pages)


def test_a_notices_history_never_mentions_the_revocations_second_step(
    client, users, edition, clock
):
    """One workflow serves every item; a notice skips the second approval automatically and
    its history shows one step, the one that was taken."""
    clock.set("2023-09-26 10:00")  # before the draft's fixed start
    notice = draft_notice(edition)
    notice.save_revision(user=users["editor"])
    notice.get_workflow().start(notice, users["editor"])
    assert approve(client, users["approver"], notice) is True
    notice.refresh_from_db()
    assert notice.live
    history = workflow_history(client, users["approver"], notice)
    assert "审核" in history and "撤销复核" not in history
    assert TaskState.objects.filter(status=TaskState.STATUS_SKIPPED).exists()  # still skipped
