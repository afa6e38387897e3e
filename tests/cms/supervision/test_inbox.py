"""The supervision group's inbox: who may open it, what opening needs and records,
recusal, extensions, follow-up of upheld cases and deadline reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from intake_client import PASSPHRASE, submit, unlock
from two_factor import log_in

from cms.supervision import cases, crypto, keyring
from cms.supervision.models import Case, CaseAccess, DeclaredConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(channel, open_notice, group_key):
    response = submit(Client(), channel.programme, notice=open_notice.pk, text="举报正文 INBOX")
    assert response.status_code == 200
    return Case.objects.get()


@pytest.fixture
def member(users):
    client = Client()
    log_in(client, users["supervisor"])
    return client


def keys_of(group_key):
    return {group_key.pk: crypto.unlock(group_key.locked, PASSPHRASE)}


@pytest.mark.parametrize("role", ["editor", "approver", "admin"])
def test_only_the_supervision_group_gets_in(users, case, role):
    """The administrator is a superuser and still cannot open the inbox or a case: the
    admin sends them back to the dashboard with Wagtail's "no permission" message."""
    client = Client()
    log_in(client, users[role])
    for url in (
        "/admin/supervision/",
        f"/admin/supervision/{case.pk}/",
        "/admin/supervision/conflicts/",
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), (role, url)
    refused = client.post("/admin/supervision/unlock/", {"passphrase": PASSPHRASE})
    assert refused.status_code == 302 and keyring.COOKIE_NAME not in refused.cookies
    assert "/admin/supervision/" not in client.get("/admin/").content.decode()
    assert not CaseAccess.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(case):
    response = Client().get(f"/admin/supervision/{case.pk}/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_members_see_the_menu_and_metadata_but_need_the_passphrase(member, case):
    assert "/admin/supervision/" in member.get("/admin/").content.decode()
    inbox = member.get("/admin/supervision/").content.decode()
    assert case.number in inbox and "举报正文 INBOX" not in inbox
    locked = member.get(f"/admin/supervision/{case.pk}/").content.decode()
    assert "举报正文 INBOX" not in locked and "监督组口令" in locked
    assert not CaseAccess.objects.exists()


def test_a_wrong_passphrase_does_not_unlock(member, case):
    member.post("/admin/supervision/unlock/", {"passphrase": "wrong passphrase!!"})
    assert "举报正文 INBOX" not in member.get(f"/admin/supervision/{case.pk}/").content.decode()


def test_the_session_holds_only_the_wrapped_key(member, case, group_key):
    response = unlock(member)
    cookie = response.cookies[keyring.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/admin/supervision/"
    private_key = bytes(crypto.unlock(group_key.locked, PASSPHRASE))
    from django.contrib.sessions.models import Session

    stored = Session.objects.get().session_data.encode()
    assert private_key not in stored and PASSPHRASE.encode() not in stored
    assert "举报正文 INBOX" in member.get(f"/admin/supervision/{case.pk}/").content.decode()
    member.cookies.pop(keyring.COOKIE_NAME)  # the session alone opens nothing
    assert "举报正文 INBOX" not in member.get(f"/admin/supervision/{case.pk}/").content.decode()


def test_the_unlock_expires_and_can_be_locked(member, case, settings):
    unlock(member)
    member.post("/admin/supervision/lock/")
    assert "举报正文 INBOX" not in member.get(f"/admin/supervision/{case.pk}/").content.decode()
    settings.GONGSHI_SUPERVISION_UNLOCK_SECONDS = -1
    unlock(member)
    assert "举报正文 INBOX" not in member.get(f"/admin/supervision/{case.pk}/").content.decode()


def test_opening_a_case_is_logged(member, users, case):
    unlock(member)
    member.get(f"/admin/supervision/{case.pk}/")
    access = CaseAccess.objects.get()
    assert access.user == users["supervisor"] and access.action == "opened"
    page = member.get(f"/admin/supervision/{case.pk}/").content.decode()
    assert "查看案件" in page and users["supervisor"].username in page


def test_a_member_with_a_declared_conflict_cannot_open_the_case(member, users, case):
    DeclaredConflict.objects.create(handler=users["supervisor"], organisation="示例机械")
    unlock(member)
    response = member.get(f"/admin/supervision/{case.pk}/", follow=True)
    page = response.content.decode()
    assert "举报正文 INBOX" not in page and "应当回避" in page
    assert CaseAccess.objects.get().action == "refused"


def test_a_handler_with_a_conflict_cannot_be_assigned(users, case, group_key):
    from django.contrib.auth.models import Group, User

    from cms.base.roles import SUPERVISORS

    colleague = User.objects.create_user("colleague", "c@example.com", "pw", last_name="赵")
    colleague.groups.add(Group.objects.get(name=SUPERVISORS))
    DeclaredConflict.objects.create(handler=colleague, organisation="运城示例机械有限公司")
    opened = cases.open_case(case, keys_of(group_key), users["supervisor"])
    with pytest.raises(cases.RuleViolation, match="应当回避（运政发〔2023〕14号 第三十二条）"):
        cases.assign(opened, colleague, users["supervisor"])
    cases.assign(opened, users["supervisor"], users["supervisor"])
    case.refresh_from_db()
    assert case.handler == users["supervisor"]


def test_the_assign_form_refuses_with_a_message(member, users, case):
    from django.contrib.auth.models import Group, User

    from cms.base.roles import SUPERVISORS

    colleague = User.objects.create_user("colleague", "c@example.com", "pw")
    colleague.groups.add(Group.objects.get(name=SUPERVISORS))
    DeclaredConflict.objects.create(handler=colleague, organisation="运城示例机械有限公司")
    unlock(member)
    response = member.post(
        f"/admin/supervision/{case.pk}/", {"action": "assign", "handler": colleague.pk}, follow=True
    )
    assert "应当回避" in response.content.decode()
    case.refresh_from_db()
    assert case.handler is None


def test_an_extension_needs_a_reason_and_moves_the_deadline(member, case):
    unlock(member)
    before = case.conclude_by
    refused = member.post(
        f"/admin/supervision/{case.pk}/",
        {"action": "extend", "working_days": "5", "justification": ""},
        follow=True,
    )
    assert "延期须写明理由" in refused.content.decode()
    member.post(
        f"/admin/supervision/{case.pk}/",
        {"action": "extend", "working_days": "5", "justification": "需调取税务资料 SEALED"},
    )
    case.refresh_from_db()
    assert case.conclude_by > before
    extension = case.extensions.get()
    assert b"SEALED" not in bytes(extension.sealed_justification)
    assert "需调取税务资料 SEALED" in member.get(f"/admin/supervision/{case.pk}/").content.decode()


def test_states_follow_the_rules(member, case):
    unlock(member)
    response = member.post(
        f"/admin/supervision/{case.pk}/",
        {"action": "conclude", "outcome": "upheld", "message": "x"},
        follow=True,
    )
    assert "不能转为“已办结”" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "received"


def test_an_upheld_objection_asks_editors_for_a_correction(member, users, case):
    unlock(member)
    url = f"/admin/supervision/{case.pk}/"
    member.post(url, {"action": "acknowledged"})
    member.post(url, {"action": "conclude", "outcome": "upheld", "message": "属实"})
    page = member.get(url).content.decode()
    assert f"/admin/pages/{case.notice_id}/edit/" in page  # the notice, in the workflow
    mail.outbox.clear()
    member.post(url, {"action": "notify_correction"})
    (message,) = mail.outbox
    assert message.to == [users["editor"].email, users["editor2"].email]
    assert "重大更正" in message.body and case.notice.title in message.body
    assert "举报正文 INBOX" not in message.body + message.subject
    case.notice.refresh_from_db()
    assert case.notice.live and not case.notice.has_unpublished_changes  # nothing published


def test_reminders_go_out_once_a_day_without_content(users, case):
    case.acknowledge_by = timezone.localdate() - timedelta(days=1)
    case.save()
    assert cases.send_deadline_reminders() == 1
    assert cases.send_deadline_reminders() == 0  # once a day
    (message,) = mail.outbox
    assert "已超期" in message.subject and message.to == [users["supervisor"].email]
    assert "举报正文 INBOX" not in message.body


def test_the_dashboard_shows_near_deadlines_to_members(member, case):
    case.acknowledge_by = timezone.localdate()
    case.save()
    page = member.get("/admin/").content.decode()
    assert "举报案件期限" in page and case.number in page


def test_the_dashboard_lists_every_open_case_by_its_next_deadline(
    member, case, channel, open_notice
):
    later = submit(Client(), channel.programme, notice=open_notice.pk, text="第二件 INBOX")
    assert later.status_code == 200
    second = Case.objects.exclude(pk=case.pk).get()
    case.acknowledge_by = timezone.localdate() + timedelta(days=30)  # on time
    case.conclude_by = timezone.localdate() + timedelta(days=60)
    case.save()
    second.acknowledge_by = timezone.localdate() - timedelta(days=1)  # overdue
    second.save()
    page = member.get("/admin/").content.decode()
    panel = page.split('id="supervision-deadlines-content"')[1].split("</section>")[0]
    assert panel.index(second.number) < panel.index(case.number)
    assert "已超期" in panel and "未到期" in panel
    assert "INBOX" not in page


def test_members_declare_their_own_conflicts(member, users):
    member.post("/admin/supervision/conflicts/", {"organisation": "示例机械", "reason": "亲属任职"})
    member.post("/admin/supervision/conflicts/", {"organisation": "示例机械"})
    assert list(users["supervisor"].declared_conflicts.values_list("organisation", flat=True)) == [
        "示例机械"
    ]
