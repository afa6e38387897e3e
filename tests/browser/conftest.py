"""Browser tests: Debian's Chromium driven by Playwright, against the CMS's admin (served by
pytest-django's live_server) and the public site as the real Pelican builds it and
gongshi_site.serve serves it.

Where /usr/bin/chromium or the playwright package is missing (a laptop) every test here is
skipped with the reason; CI installs Chromium and runs them. Nothing here downloads a
browser: Playwright drives the system's Chromium.

These tests run last, in one block (see pytest_collection_modifyitems): Playwright's sync
API marks an asyncio loop as running in the main thread for as long as the browser is
open. Django then refuses ORM calls (allowed below, see `browser`), and asgiref treats the
thread as async, so `django.db.connections` hands this thread a connection object of its
own (the same in-memory database, shared cache): an attribute pytest-django set on the
first one, such as the serialised copy for serialized_rollback, is not on it. Other tests
must not run while the browser is open. The block ends with the tests that use
live_server, whose flush leaves the database empty.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from browser_support import build_site

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HERE = Path(__file__).resolve().parent
TIMEOUT_MS = 15_000  # per action or expectation; a page of this site loads in milliseconds


def _why_not() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (Debian/Ubuntu: apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    return None


def _ours(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def _uses_live_server(item) -> bool:
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    return transactional or "live_server" in names or "transactional_db" in names


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Skip this directory's tests where there is no Chromium; otherwise run them after
    every other test, those with a live server last."""
    ours = [item for item in items if _ours(item)]
    if not ours:
        return
    if reason := _why_not():
        for item in ours:
            item.add_marker(pytest.mark.skip(reason=f"browser tests need Chromium: {reason}"))
    ids = {id(item) for item in ours}
    others = [item for item in items if id(item) not in ids]
    items[:] = others + sorted(ours, key=_uses_live_server)


# --- The browser ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Each browser test starts with the intake's limits untouched: they are counted in the
    cache (cms/supervision/throttle.py), which outlives a test's database, and a test that
    submits many reports (the hostile corpus) must not leave the next one "too frequent"."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def browser():
    """Chromium, launched once for the session."""
    from playwright.sync_api import sync_playwright

    # While Playwright runs, an asyncio loop counts as running in this thread, and Django
    # refuses ORM calls "from an async context". The tests call the ORM between browser
    # steps, synchronously, never from a coroutine; allow it for the browser's lifetime.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Every page of every browser test reports what its Content-Security-Policy blocked; the
# listener is Playwright's init script, which the policy does not apply to.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.documentURI} (${event.sourceFile}:${event.lineNumber}) ${event.sample}`);
});
"""


def _is_csp_violation(message) -> bool:
    text = message.text
    return "CSP violation" in text or "Content Security Policy" in text


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh browser context (its own cookies: one person each);
    keyword arguments go to new_context (viewport, java_script_enabled, ...). A test
    fails if any of its pages reports a Content-Security-Policy violation."""
    contexts = []
    violations = []

    def open_page(**options):
        options = {
            "viewport": {"width": 1280, "height": 900},
            "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai",
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on(
            "console",
            lambda message: violations.append(message.text) if _is_csp_violation(message) else None,
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session", autouse=True)
def _expect_timeout():
    if _why_not() is None:
        from playwright.sync_api import expect

        expect.set_options(timeout=TIMEOUT_MS)


# --- The public site -----------------------------------------------------------------------


@pytest.fixture
def serve_site() -> Iterator[Callable[..., str]]:
    """Serve `<site dir>/live` with the demo's server (404, 410, /search and /verify through
    the search service) in a thread, forwarding /report/ to `cms_url` when given; returns
    its base URL."""
    from gongshi.search.service import SearchService
    from gongshi_site.serve import SiteRequestHandler

    servers = []

    def serve(site_dir: Path, cms_url: str | None = None) -> str:
        site_dir = Path(site_dir).resolve()
        search = SearchService(site_dir)
        handler = partial(SiteRequestHandler, site_dir=site_dir, search=search, cms_url=cms_url)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class DemoSite:
    """The demo content, built once; the facts the tests look for on it."""

    dir: Path
    build_date: date  # inside open_notice's publicity period
    open_notice: dict  # a publicity notice open on the build date
    revoked: dict  # a revoked award: recipient, reason, decision and revocation


@pytest.fixture(scope="session")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory) -> DemoSite:
    """The demo loaded, built into a site directory with the real Pelican, and rolled
    back: the database is left as it was, the built site stays for the session.

    The build date is pinned to the first day of the demo's notice that is open now
    (衡阳 2026 候选名单), so what the page says as built does not depend on the day."""
    from django.db import transaction

    from cms.demo.loader import load_demo
    from cms.notices.models import PublicityNoticePage
    from cms.programmes.models import ProgrammePage
    from cms.revocations.models import RevocationPage

    site_dir = tmp_path_factory.mktemp("demo-site")
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        hengyang = ProgrammePage.objects.get(slug="hengyang")
        notice = (
            PublicityNoticePage.objects.live()
            .descendant_of(hengyang)
            .order_by("-start_date")
            .first()
        )
        revocation = RevocationPage.objects.live().order_by("pk").first()
        award = revocation.award
        facts = {
            "build_date": notice.start_date,
            "open_notice": {
                "id": notice.pk,
                "title": notice.title,
                "start_date": notice.start_date,
                "end_date": notice.end_date,
                "entries": [entry.name for entry in notice.entries.all()],
            },
            "revoked": {
                "recipient": award.recipient,
                "decision_id": award.decision_id,
                "decision_title": award.decision.title,
                "reason": "；".join(ground.text for ground in revocation.grounds.all()),
                "revocation_id": revocation.pk,
                "revocation_title": revocation.title,
            },
        }
        build_site(site_dir, build_date=notice.start_date)
        transaction.set_rollback(True)
    return DemoSite(dir=site_dir, **facts)


@pytest.fixture
def demo_url(demo_site, serve_site) -> str:
    return serve_site(demo_site.dir)


@pytest.fixture
def restore_signal_handlers():
    """The task worker installs its own SIGINT/SIGTERM handlers; put pytest's back."""
    names = [name for name in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, name)]
    saved = {name: signal.getsignal(getattr(signal, name)) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(getattr(signal, name), handler)
