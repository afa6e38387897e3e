"""What the site's two scripts do in a real browser: statuses follow the day without a
rebuild, and the 关怀版 switch works and is remembered."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.browser


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site_url(built_site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=built_site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _page_on(browser, moment: str):
    page = browser.new_page()
    page.clock.set_fixed_time(moment)
    return page


@pytest.mark.parametrize(
    "moment, status, detail, channels_visible",
    [
        ("2024-06-08T12:00:00+08:00", "未开始", "将于2024年6月10日开始", True),
        ("2024-06-14T23:30:00+08:00", "公示中", "今天是公示期最后一天", True),
        # 00:30 in Beijing is still the 14th in UTC: China's date decides.
        ("2024-06-15T00:30:00+08:00", "已结束", "已于2024年6月14日结束", False),
    ],
    ids=["before", "last-day", "after"],
)
def test_publicity_status_follows_the_day(
    browser, site_url, moment, status, detail, channels_visible
):
    page = _page_on(browser, moment)
    page.goto(f"{site_url}/notices/41/")
    state = page.locator(".publicity [data-publicity-start]")
    assert state.locator(".status").inner_text() == status
    assert state.locator(".publicity-detail").inner_text() == detail
    assert page.locator("[data-hide-after]").is_visible() == channels_visible
    page.close()


def test_award_expiry_follows_the_day(browser, site_url):
    page = _page_on(browser, "2026-11-20T09:00:00+08:00")
    page.goto(f"{site_url}/decisions/34/")
    rows = page.locator("tbody tr")
    assert rows.nth(0).locator(".status").inner_text().startswith("已撤销")
    assert rows.nth(1).locator(".status").inner_text() == "已过期"
    assert rows.nth(2).locator(".status").inner_text() == "有效"  # 长期
    page.close()


def test_care_mode_switch_is_remembered(browser, site_url):
    page = _page_on(browser, "2024-06-12T09:00:00+08:00")
    page.goto(f"{site_url}/")
    switch = page.get_by_role("button", name="关怀版")
    assert switch.is_visible() and switch.get_attribute("aria-pressed") == "false"
    switch.focus()
    page.keyboard.press("Enter")
    assert switch.get_attribute("aria-pressed") == "true"
    page.goto(f"{site_url}/winners/")
    assert "care-mode" in page.locator("html").get_attribute("class")
    assert page.get_by_role("button", name="关怀版").get_attribute("aria-pressed") == "true"
    page.close()
