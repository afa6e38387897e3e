"""Settings of a separate instance of the CMS run in subprocesses by tests/instance.py:
the test settings, with the database, media and site directory of that instance."""

import os
from pathlib import Path

from cms.settings.test import *  # noqa: F403

MEDIA_ROOT = os.environ["GONGSHI_INSTANCE_MEDIA_ROOT"]
GONGSHI_SITE_DIR = Path(os.environ["GONGSHI_INSTANCE_SITE_DIR"])
# One publication log key per instance, not per process (the test settings' default).
GONGSHI_RECORD_KEY_FILE = GONGSHI_SITE_DIR.parent / "record-signing.key"
# `make demo` runs with debugging on (cms.settings.dev); so can an instance.
DEBUG = os.environ.get("GONGSHI_INSTANCE_DEBUG") == "1"
# The worker of an instance runs the queue as production does, in the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if pelican_settings := os.environ.get("GONGSHI_INSTANCE_PELICAN_SETTINGS"):
    GONGSHI_PELICAN_SETTINGS = Path(pelican_settings)  # the stub, to hold a build mid-way
# Retries come quickly in tests; the pauses still double.
GONGSHI_BUILD_RETRY_DELAY = int(os.environ.get("GONGSHI_INSTANCE_RETRY_DELAY", 30))
if first_release := os.environ.get("GONGSHI_INSTANCE_FIRST_RELEASE"):
    # The migrations as the first release shipped them (tests/first_release_migrations);
    # apps that came later have none yet.
    import json

    _leaves = json.loads(Path(first_release, "leaves.json").read_text())["leaves"]
    MIGRATION_MODULES = {app: f"first_release_migrations.{app}" for app in _leaves}
    MIGRATION_MODULES.update(supervision=None, publishing=None, ops=None)
