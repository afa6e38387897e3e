"""A Pelican settings file that builds an empty site, for tests of the build machinery
(the real site's own tests live in tests/site/). It can be told to stall, pause or crash."""

import os
import time

if os.environ.get("STUB_SLEEP"):
    time.sleep(float(os.environ["STUB_SLEEP"]))
if pause_file := os.environ.get("STUB_PAUSE_FILE"):
    # Hold the build mid-way for as long as the test keeps this file (at most a minute).
    deadline = time.monotonic() + 60
    while os.path.exists(pause_file) and time.monotonic() < deadline:
        time.sleep(0.05)
if os.environ.get("STUB_CRASH"):
    raise RuntimeError("stub crash")

SITENAME = "stub"
READERS = {extension: None for extension in ("md", "markdown", "mkd", "mdown", "html", "htm")}
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
