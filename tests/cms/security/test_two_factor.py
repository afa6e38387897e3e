"""Two-factor authentication: enrolment, the code after the password, backup codes, and
who must use it (approvers and the supervision group) or may (everyone else)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor import KNOWN_KEY, code_for, log_in

from cms.base import roles
from cms.security import twofactor

ENROL = "/admin/two-factor/"
VERIFY = "/admin/two-factor/verify/"
ADMIN_URLS = [
    "/admin/",
    "/admin/pages/",
    "/admin/pages/search/?q=公示",
    "/admin/supervision/",
    "/admin/account/",
    "/admin/workflows/tasks/index/",
    "/admin/documents/",
]


def signed_in_with_password(user) -> Client:
    """A session past the password only (force_login skips the second step)."""
    client = Client()
    client.force_login(user)
    return client


def page_text(response) -> str:
    return response.content.decode()


def test_the_required_groups_are_the_approvers_and_the_supervision_group(settings):
    assert settings.GONGSHI_TWO_FACTOR_REQUIRED_GROUPS == [roles.APPROVERS, roles.SUPERVISORS]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_an_approver_without_a_device_can_only_enrol(users, url):
    approver = users["approver"]
    TOTPDevice.objects.filter(user=approver).delete()
    client = signed_in_with_password(approver)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ENROL}?next=")


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_an_enrolled_supervisor_types_a_code_before_any_admin_page(users, url):
    client = signed_in_with_password(users["supervisor"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")


def test_enrolment_shows_a_qr_code_and_secret_and_confirms_with_a_code(users):
    approver = users["approver"]
    TOTPDevice.objects.filter(user=approver).delete()
    client = signed_in_with_password(approver)

    page = page_text(client.get(ENROL))
    assert "必须启用双重认证" in page
    assert "<svg" in page and "<path" in page
    device = TOTPDevice.objects.get(user=approver, confirmed=False)
    secret = re.search(r'class="gongshi-secret">([A-Z2-7 ]+)<', page).group(1)
    assert secret.replace(" ", "") == twofactor.secret_of(device).replace(" ", "")
    assert page_text(client.get(ENROL)).count(secret) == 1  # a reload shows the same key

    wrong = client.post(ENROL, {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400
    assert "验证码不正确" in page_text(wrong)
    assert not twofactor.is_enrolled(approver)
    device.throttle_reset()

    done = client.post(ENROL, {"action": "confirm", "code": code_for(device.key)})
    assert done.status_code == 200
    page = page_text(done)
    assert "双重认证已启用" in page and "只显示这一次" in page
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(codes) == 10
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    assert twofactor.is_enrolled(approver)
    assert client.get("/admin/").status_code == 200  # verified in this session
    assert codes[0] not in page_text(client.get(ENROL))  # shown once


def test_a_wrong_code_is_refused_and_guessing_is_throttled(users):
    client = signed_in_with_password(users["approver"])
    first = client.post(VERIFY, {"code": "123456", "next": "/admin/pages/"})
    assert first.status_code == 400
    assert "验证码不正确" in page_text(first)
    again = client.post(VERIFY, {"code": code_for(), "next": "/admin/pages/"})
    assert again.status_code == 400  # even the right code waits out the delay
    assert re.search(r"请在\d+秒后再试", page_text(again))
    assert client.get("/admin/").status_code == 302

    TOTPDevice.objects.filter(user=users["approver"]).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    passed = client.post(VERIFY, {"code": code_for(), "next": "/admin/pages/"})
    assert passed.status_code == 302 and passed["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_the_code_step_never_sends_to_another_site(users):
    client = signed_in_with_password(users["approver"])
    response = client.post(VERIFY, {"code": code_for(), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_a_backup_code_works_once(users):
    approver = users["approver"]
    codes = twofactor.new_backup_codes(approver)

    first = signed_in_with_password(approver)
    response = first.post(VERIFY, {"code": codes[3].upper(), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert first.get("/admin/").status_code == 200

    second = signed_in_with_password(approver)
    refused = second.post(VERIFY, {"code": codes[3], "next": "/admin/"})
    assert refused.status_code == 400
    assert StaticToken.objects.count() == 9


def test_signing_in_with_the_password_form_leads_to_the_code(users, client):
    response = client.post("/admin/login/", {"username": "supervisor", "password": "pw"})
    assert response.status_code == 302
    admin = client.get(response["Location"])
    assert admin.status_code == 302 and admin["Location"].startswith(VERIFY)
    step = client.get(admin["Location"])
    assert "身份验证器" in page_text(step)
    done = client.post(VERIFY, {"code": code_for(KNOWN_KEY), "next": "/admin/supervision/"})
    assert done["Location"] == "/admin/supervision/"
    assert client.get("/admin/supervision/").status_code == 200


def test_an_editor_without_two_factor_works_as_before_and_may_enrol(users):
    editor = users["editor"]
    client = signed_in_with_password(editor)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/").status_code == 200
    account = page_text(client.get("/admin/account/"))
    assert "双重认证（未启用）" in account

    page = page_text(client.get(ENROL))
    assert "必须启用" not in page
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    client.post(ENROL, {"action": "confirm", "code": code_for(device.key)})
    assert "双重认证（已启用）" in page_text(client.get("/admin/account/"))

    # Enrolled, the editor types a code at the next sign-in too, and may switch it off.
    later = signed_in_with_password(editor)
    assert later.get("/admin/").status_code == 302
    log_in(later, editor)
    later.post(ENROL, {"action": "remove"})
    assert not twofactor.is_enrolled(editor)
    assert signed_in_with_password(editor).get("/admin/").status_code == 200


def test_an_approver_cannot_switch_it_off(users):
    client = Client()
    log_in(client, users["approver"])
    page = page_text(client.get(ENROL))
    assert "不能停用双重认证" in page and 'value="remove"' not in page
    client.post(ENROL, {"action": "remove"})
    assert twofactor.is_enrolled(users["approver"])


def test_new_backup_codes_replace_the_old_ones(users):
    old = twofactor.new_backup_codes(users["approver"])
    client = Client()
    log_in(client, users["approver"])
    page = page_text(client.post(ENROL, {"action": "backup_codes"}))
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)


def test_signing_out_and_the_code_pages_stay_open(users):
    client = signed_in_with_password(users["approver"])
    assert client.get(VERIFY).status_code == 200
    assert client.post("/admin/logout/").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_an_administrator_resets_a_lost_phone(users):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("two_factor_reset", "approver", stdout=out)
    assert "must enrol again" in out.getvalue()
    assert not twofactor.is_enrolled(users["approver"])
    response = signed_in_with_password(users["approver"]).get("/admin/")
    assert response["Location"].startswith(ENROL)


def test_the_admins_own_fetches_are_refused_not_redirected(users):
    client = signed_in_with_password(users["approver"])
    fetched = client.get("/admin/dismissibles/", headers={"Sec-Fetch-Mode": "cors"})
    assert fetched.status_code == 403
    assert "双重认证" in fetched.content.decode()
    followed = client.get("/admin/", headers={"Sec-Fetch-Mode": "navigate"})
    assert followed.status_code == 302


def test_the_code_page_gets_the_admins_icons(users):
    # The admin's script fetches the icon sprite into every page, the code page included;
    # refused, the refusal's text would appear at the top of the page.
    client = signed_in_with_password(users["approver"])
    sprite = client.get("/admin/sprite/", headers={"Sec-Fetch-Mode": "cors"})
    assert sprite.status_code == 200 and b"<svg" in sprite.content
