"""Settings of the benchmark's CMS process: the test settings, with the database, the site
directory and the media in var/bench/ (tests/bench/bench.py sets the environment).

Tasks are enqueued on the dummy backend and the benchmark runs each one as the worker
does (`task.call(...)`), so the time measured is the build's, not the queue's polling.
"""

import os
from pathlib import Path

from cms.settings.test import *  # noqa: F403

DEBUG = False
GONGSHI_SITE_DIR = Path(os.environ["GONGSHI_BENCH_SITE_DIR"])
MEDIA_ROOT = os.environ.get("GONGSHI_BENCH_MEDIA_DIR", "/tmp/gongshi-bench-media")
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The publish phase measures what the worker does: incremental builds (ADR 9).
GONGSHI_INCREMENTAL_BUILDS = os.environ.get("GONGSHI_BENCH_INCREMENTAL") == "1"
# One signing key for every process of a run (the test settings make one per process): a
# publish's incremental build must find the key the full build signed with.
GONGSHI_RECORD_KEY_FILE = GONGSHI_SITE_DIR.parent / "record-signing.key"
# A benchmark waits for its build however long it takes: on a loaded machine a full build
# at 20,000 notices outlasted the worker's 600 s, and the run was lost.
GONGSHI_BUILD_TIMEOUT = 4 * 3600
