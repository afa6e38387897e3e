"""The production settings pass Django's deployment checks without a single warning, and
refuse to start without what they must be told."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "DJANGO_SECRET_KEY": "k7Vq9Rr2xW4pT8mN1bZ6cY3sH5jL0dF9gQ2wE7uI4oA8yX1vB6nM3kJ5hG0fD2s",
    "DJANGO_ALLOWED_HOSTS": "zlj.example.gov.cn",
    "WAGTAILADMIN_BASE_URL": "https://zlj.example.gov.cn",
    "GONGSHI_SITE_URL": "https://zlj.example.gov.cn",
    "DATABASE_URL": "postgres://gongshi@127.0.0.1:5432/gongshi",  # not connected to
}


def manage(*arguments, **environment):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPOSITORY,
        env={**os.environ, **ENVIRONMENT, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deployment_checks_pass_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deployment_checks_pass_with_the_redis_queue_and_cache():
    """As deploy/ runs it: RQ for builds, Redis for the cache the intake's limits share."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", REDIS_URL="redis://127.0.0.1:6379/1"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "GONGSHI_SITE_URL", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    environment = {**os.environ, **ENVIRONMENT}
    del environment[missing]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert missing in result.stderr


SETTINGS_DUMP = """
import json
import django
from django.conf import settings
django.setup()
names = [
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SAMESITE",
    "PASSWORD_HASHERS", "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SECURE_HSTS_SECONDS",
    "GONGSHI_CSP", "GONGSHI_CSP_BY_PATH", "GONGSHI_PERMISSIONS_POLICY", "MIDDLEWARE",
    "AUTHENTICATION_BACKENDS", "AXES_FAILURE_LIMIT", "AXES_LOCKOUT_PARAMETERS",
    "AXES_HANDLER", "AXES_CLIENT_IP_CALLABLE",
    "GONGSHI_TWO_FACTOR_REQUIRED_GROUPS", "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "DATA_UPLOAD_MAX_NUMBER_FIELDS", "FILE_UPLOAD_MAX_MEMORY_SIZE",
    "WAGTAILDOCS_MAX_UPLOAD_SIZE", "GONGSHI_REPORT_MAX_REQUEST_BYTES",
]
values = {name: getattr(settings, name) for name in names}
values["AXES_COOLOFF_SECONDS"] = settings.AXES_COOLOFF_TIME.total_seconds()
print(json.dumps(values))
"""


@pytest.fixture(scope="module")
def production_settings() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_DUMP],
        cwd=REPOSITORY,
        env={**os.environ, **ENVIRONMENT},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cookies_are_secure_http_only_and_same_site(production_settings):
    for cookie in ("SESSION", "CSRF", "LANGUAGE"):
        assert production_settings[f"{cookie}_COOKIE_SECURE"] is True, cookie
        assert production_settings[f"{cookie}_COOKIE_HTTPONLY"] is True, cookie
        assert production_settings[f"{cookie}_COOKIE_SAMESITE"] == "Lax", cookie


def test_passwords_are_hashed_with_argon2(production_settings):
    assert production_settings["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    assert not any("MD5" in hasher for hasher in production_settings["PASSWORD_HASHERS"])


def test_security_headers_and_their_middleware(production_settings):
    from gongshi import headers

    assert production_settings["GONGSHI_CSP"] == headers.ADMIN_CSP
    assert production_settings["GONGSHI_CSP_BY_PATH"] == {
        "/report/": headers.PUBLIC_CSP,
        "/documents/": headers.ATTACHMENT_CSP,  # downloads (ADR 23)
    }
    assert production_settings["GONGSHI_PERMISSIONS_POLICY"] == headers.PERMISSIONS_POLICY
    # same-origin: with no-referrer Chromium posts "Origin: null" and CSRF refuses it
    assert production_settings["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production_settings["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert production_settings["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production_settings["X_FRAME_OPTIONS"] == "DENY"
    assert production_settings["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    middleware = production_settings["MIDDLEWARE"]
    order = [
        "django.middleware.security.SecurityMiddleware",
        "cms.security.middleware.SecurityHeadersMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "cms.security.middleware.TwoFactorMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]
    assert [middleware.index(name) for name in order] == sorted(
        middleware.index(name) for name in order
    )
    assert middleware[-1] == "axes.middleware.AxesMiddleware"


def test_logins_are_throttled_per_username_and_the_address_nginx_saw(production_settings):
    assert (
        production_settings["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    )
    assert production_settings["AXES_FAILURE_LIMIT"] == 5
    assert production_settings["AXES_COOLOFF_SECONDS"] == 15 * 60
    assert production_settings["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert production_settings["AXES_HANDLER"] == "axes.handlers.database.AxesDatabaseHandler"
    assert production_settings["AXES_CLIENT_IP_CALLABLE"] == "cms.security.clients.client_address"
    # tests/cms/security/test_logins.py exercises the address nginx passes
    assert production_settings["MIDDLEWARE"][0] == "cms.base.proxy.ClientAddressFromProxy"


def test_two_factor_is_required_for_approvers_and_the_supervision_group(production_settings):
    assert production_settings["GONGSHI_TWO_FACTOR_REQUIRED_GROUPS"] == ["审核", "监督组"]


def test_request_sizes_are_limited_and_consistent(production_settings):
    assert production_settings["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 5 * 1024 * 1024
    assert production_settings["DATA_UPLOAD_MAX_NUMBER_FIELDS"] == 10_000
    # Form text stays far below the intake's whole request; documents and the intake fit
    # under the web server's body limit (deploy/nginx: client_max_body_size 33m), so an
    # editor hears "too large" from Wagtail's form, in Chinese, not from nginx.
    megabytes = 1024 * 1024
    assert (
        production_settings["DATA_UPLOAD_MAX_MEMORY_SIZE"]
        < production_settings["GONGSHI_REPORT_MAX_REQUEST_BYTES"]
    )
    assert production_settings["WAGTAILDOCS_MAX_UPLOAD_SIZE"] <= 32 * megabytes
    assert production_settings["GONGSHI_REPORT_MAX_REQUEST_BYTES"] <= 32 * megabytes
