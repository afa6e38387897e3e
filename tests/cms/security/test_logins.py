"""Staff logins: guessing is throttled (django-axes, per username and client address,
behind nginx too), passwords are hashed with Argon2, and requests have size limits."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from cms.settings import base

LOGIN = "/admin/login/"


def attempt(client: Client, username: str, password: str, **meta):
    return client.post(LOGIN, {"username": username, "password": password}, **meta)


def fail(times: int, username: str = "editor", **meta):
    """`times` wrong passwords; returns the last answer (the 5th says the account is locked)."""
    for number in range(1, times + 1):
        response = attempt(Client(), username, "wrong", **meta)
        assert response.status_code == (429 if number >= 5 else 200)
    return response


def test_five_failures_lock_that_username_from_that_address(users):
    fifth = fail(5, REMOTE_ADDR="10.0.0.1")
    page = fifth.content.decode()
    assert "登录失败次数过多" in page and "15分钟" in page
    assert 'name="username"' in page  # still the admin's login page
    client = Client()
    locked = attempt(client, "editor", "pw", REMOTE_ADDR="10.0.0.1")  # the right password
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # The same person elsewhere, and another account here, are not locked out.
    assert attempt(Client(), "editor", "pw", REMOTE_ADDR="10.0.0.2").status_code == 302
    assert attempt(Client(), "editor2", "pw", REMOTE_ADDR="10.0.0.1").status_code == 302


def test_four_failures_then_success_starts_the_count_again(users):
    fail(4, REMOTE_ADDR="10.0.0.1")
    assert attempt(Client(), "editor", "pw", REMOTE_ADDR="10.0.0.1").status_code == 302
    fail(4, REMOTE_ADDR="10.0.0.1")
    assert attempt(Client(), "editor", "pw", REMOTE_ADDR="10.0.0.1").status_code == 302


def test_the_lock_ends_after_the_cool_off(users):
    fail(5, REMOTE_ADDR="10.0.0.1")
    assert attempt(Client(), "editor", "pw", REMOTE_ADDR="10.0.0.1").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(Client(), "editor", "pw", REMOTE_ADDR="10.0.0.1").status_code == 302


def test_behind_nginx_the_address_nginx_saw_is_counted(users, settings):
    # Production's first middleware (tests/cms/settings/test_production.py checks it).
    settings.MIDDLEWARE = ["cms.base.proxy.ClientAddressFromProxy", *settings.MIDDLEWARE]
    nginx = {"REMOTE_ADDR": "127.0.0.1"}
    fail(5, HTTP_X_REAL_IP="203.0.113.7", **nginx)
    assert (
        attempt(Client(), "editor", "pw", HTTP_X_REAL_IP="203.0.113.7", **nginx).status_code == 429
    )
    assert (
        attempt(Client(), "editor", "pw", HTTP_X_REAL_IP="203.0.113.8", **nginx).status_code == 302
    )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_failures_store_no_password(users):
    fail(1, REMOTE_ADDR="10.0.0.1")
    stored = AccessAttempt.objects.get()
    assert "wrong" not in f"{stored.get_data} {stored.post_data}"


def test_passwords_are_hashed_with_argon2_and_old_hashes_upgrade_at_login(db, settings):
    settings.PASSWORD_HASHERS = [
        *base.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    new = User.objects.create_user("new", password="correct horse battery")
    assert new.password.startswith("argon2$argon2id$")

    old = User.objects.create_user("old", is_staff=True)
    old.password = make_password("correct horse battery", hasher="md5")
    old.save()
    old.groups.add(*new.groups.all())
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    request = RequestFactory().post(LOGIN)
    assert authenticate(request, username="old", password="correct horse battery") == old
    old.refresh_from_db()
    assert old.password.startswith("argon2$argon2id$")


def test_too_large_a_form_is_refused_with_a_reason(users, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = Client().post(LOGIN, {"username": "editor", "password": "x" * 1_100_000})
    assert response.status_code == 413
    assert "提交的表单内容过大（文字部分超过1MB）" in response.content.decode()


def test_too_many_fields_are_refused_with_a_reason(users, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"field{number}": "x" for number in range(20)}
    response = Client().post(LOGIN, fields)
    assert response.status_code == 400
    assert "提交的表单项过多" in response.content.decode()
