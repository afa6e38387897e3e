"""Settings for pytest."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]
# Hashing passwords slowly buys nothing in tests and costs seconds per user.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests never write into the developer's var/ folder, nor into another checkout's or
# another run's: two suites at once on one machine must not see each other's uploads.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"gongshi-test-media-{os.getpid()}"
# With SQLite, pytest-django gives an in-memory database; with DATABASE_URL it creates
# test_<name> on that server, so CI runs the same suite on PostgreSQL.
DATABASES["default"].pop("CONN_MAX_AGE", None)
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tasks are enqueued, not run: tests run the builds they mean to (tasks.run_*.call).
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
# Builds go to a per-process temporary directory, never into var/.
GONGSHI_SITE_DIR = Path(tempfile.gettempdir()) / f"gongshi-test-site-{os.getpid()}"
# The log's signing key: one per test process, made when a build first signs a head.
GONGSHI_RECORD_KEY_FILE = GONGSHI_SITE_DIR.with_name(f"gongshi-test-record-{os.getpid()}.key")
GONGSHI_RECORD_KEY_CREATE = True
# Every build full: remembering a build's state renders each page once more in memory,
# which tests building the site would pay for nothing; tests/cms/publishing/
# test_incremental_worker.py turns it on.
GONGSHI_INCREMENTAL_BUILDS = False
# argon2id at its minimum: the tests check what is derived, not how slowly. Receipts
# use production's unstretched hash (tests/cms/supervision/test_crypto.py covers both).
GONGSHI_SUPERVISION_PASSPHRASE_KDF = "min"
