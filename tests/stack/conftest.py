"""Tests against the production stack: nginx, two gunicorns, the RQ worker, PostgreSQL and
Redis, as `deploy/stack/up` starts them from the shipped files. They run when
GONGSHI_STACK_URL names it (.ci/run sets it after bringing the stack up) and skip
otherwise; with GONGSHI_REQUIRE_BROWSER=1 as well, a missing Chromium fails them.

Chromium ignores certificate errors here only because the stack's certificate is the
self-signed one made when it started.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from stack_support import stack_url

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--ignore-certificate-errors",  # the stack's self-signed certificate, nothing else
]
TIMEOUT_MS = 20_000
HERE = Path(__file__).resolve().parent


def _why_not() -> str | None:
    if not stack_url():
        return "GONGSHI_STACK_URL is not set (deploy/stack/up starts the stack)"
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM}"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is not installed"
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    reason = _why_not()
    if not ours or reason is None:
        return
    if _required():
        return  # _fail_when_required fails each test instead
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=f"stack tests: {reason}"))


def _required() -> bool:
    """The stack is up and a browser was promised (CI): a missing one is a failure."""
    return bool(stack_url()) and os.environ.get("GONGSHI_REQUIRE_BROWSER") == "1"


@pytest.fixture(autouse=True)
def _fail_when_required():
    if _required() and (reason := _why_not()):
        pytest.fail(f"stack tests cannot run: {reason}")


@pytest.fixture(scope="session")
def site() -> str:
    return stack_url()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """A page in a fresh context (one person each)."""
    contexts = []

    def open_page():
        context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            ignore_https_errors=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session", autouse=True)
def _expect_timeout():
    if _why_not() is None:
        from playwright.sync_api import expect

        expect.set_options(timeout=TIMEOUT_MS)
