"""The production settings pass Django's deployment checks without a single warning, and
refuse to start without what they must be told."""

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
